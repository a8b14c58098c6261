/* pl_hwmon: placeholder while the module is written. */
#ifndef PL_HWMON_H
#define PL_HWMON_H
#endif
