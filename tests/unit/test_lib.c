#include "config.h"

#include <stdlib.h>

#include "tests.h"

const char *
fixtures_dir(void)
{
	const char *f = getenv("FIXTURES");

	return f != NULL && f[0] != '\0' ? f : PL_TEST_SRCDIR "/tests/fixtures";
}

int
main(void)
{
	TCase *(*const cases[])(void) = {
		tc_range, tc_result, tc_store, tc_proc, tc_misc, tc_select, tc_diskstats,
		tc_netdev, tc_hwmon, tc_mdstat, tc_timeout, tc_file,
		tc_clock, tc_run, tc_opt, tc_secret, tc_pid, tc_tail, tc_nettcp, tc_dbconns, tc_clamav,
		tc_httpspec, tc_ids, tc_statusdat, tc_inspect, tc_nagioslog, tc_incident, tc_status,
	};
	Suite *s = suite_create("plumbline lib");
	SRunner *sr;
	int failed;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		suite_add_tcase(s, cases[i]());
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
