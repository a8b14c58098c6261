/* pl_mdstat: placeholder while the module is written. */
#ifndef PL_MDSTAT_H
#define PL_MDSTAT_H
#endif
