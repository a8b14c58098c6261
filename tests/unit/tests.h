/* The unit tests: one TCase per library module, gathered by test_lib.c. */
#ifndef PL_TESTS_H
#define PL_TESTS_H

#include <check.h>

TCase *tc_range(void);
TCase *tc_result(void);
TCase *tc_store(void);
TCase *tc_proc(void);
TCase *tc_misc(void);
TCase *tc_select(void);
TCase *tc_diskstats(void);
TCase *tc_netdev(void);
TCase *tc_hwmon(void);
TCase *tc_mdstat(void);
TCase *tc_timeout(void);
TCase *tc_file(void);
TCase *tc_clock(void);
TCase *tc_run(void);
TCase *tc_opt(void);
TCase *tc_secret(void);
TCase *tc_pid(void);
TCase *tc_tail(void);
TCase *tc_nettcp(void);
TCase *tc_dbconns(void);
TCase *tc_clamav(void);
TCase *tc_httpspec(void);
TCase *tc_ids(void);
TCase *tc_statusdat(void);
TCase *tc_inspect(void);
TCase *tc_nagioslog(void);
TCase *tc_incident(void);
TCase *tc_status(void);

/* The fixture tree (tests/fixtures): $FIXTURES, else the source tree compiled in. */
const char *fixtures_dir(void);

#endif
