#include "config.h"

#include "pl_netdev.h"

extern int pl_netdev_unused;
