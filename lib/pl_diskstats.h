/* pl_diskstats: placeholder while the module is written. */
#ifndef PL_DISKSTATS_H
#define PL_DISKSTATS_H
#endif
