#include "config.h"

#include "pl_hwmon.h"

extern int pl_hwmon_unused;
