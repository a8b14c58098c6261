#include "config.h"

#include "pl_mdstat.h"

extern int pl_mdstat_unused;
