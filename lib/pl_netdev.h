/* pl_netdev: placeholder while the module is written. */
#ifndef PL_NETDEV_H
#define PL_NETDEV_H
#endif
