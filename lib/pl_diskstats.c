#include "config.h"

#include "pl_diskstats.h"

extern int pl_diskstats_unused;
