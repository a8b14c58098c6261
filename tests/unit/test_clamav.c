/* pl_clamav: clamd's VERSION reply, database headers, scan summaries and clamd.conf,
 * over the fixtures in tests/fixtures/av and broken buffers. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "pl_buf.h"
#include "pl_clamav.h"
#include "pl_file.h"
#include "tests.h"

static void
fixture(const char *rel, struct pl_buf *b)
{
	char path[1024], err[256];

	pl_snprintf(path, sizeof(path), "%s/av/%s", fixtures_dir(), rel);
	pl_buf_init(b, 1u << 20);
	ck_assert_msg(pl_read_file(NULL, path, b, err, sizeof(err)) == 0, "%s", err);
}

START_TEST(test_version_fixtures)
{
	struct pl_clamd_version v;
	struct pl_buf b = PL_BUF_INIT;
	char err[256];

	fixture("loaded/clamav/version", &b);
	ck_assert_int_eq(pl_clamd_version_parse(b.data, b.len, &v, err, sizeof(err)), 0);
	ck_assert_str_eq(v.engine, "1.0.7");
	ck_assert(v.has_daily);
	ck_assert_uint_eq(v.daily, 27472);
	ck_assert_str_eq(v.date, "Mon Dec  1 09:30:00 2026");
	ck_assert_int_eq(v.built.sec, 1796117400);
	pl_buf_free(&b);

	fixture("built/clamav/version", &b);
	ck_assert_int_eq(pl_clamd_version_parse(b.data, b.len, &v, err, sizeof(err)), 0);
	ck_assert_str_eq(v.engine, "1.4.6");
	ck_assert_uint_eq(v.daily, 26000);
	ck_assert_int_eq(v.built.sec, 1705320000);
	pl_buf_free(&b);

	fixture("loose/clamav/version", &b);
	ck_assert_int_eq(pl_clamd_version_parse(b.data, b.len, &v, err, sizeof(err)), 0);
	ck_assert_str_eq(v.engine, "1.4.6");
	ck_assert(!v.has_daily);
	pl_buf_free(&b);

	fixture("garbled/clamav/version", &b);
	ck_assert_int_eq(pl_clamd_version_parse(b.data, b.len, &v, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "not a clamd VERSION reply: 'UNKNOWN COMMAND\\x00' (expected "
			 "'ClamAV ENGINE[/DAILY/DATE]')");
	pl_buf_free(&b);

	fixture("bad-time/clamav/version", &b);
	ck_assert_int_eq(pl_clamd_version_parse(b.data, b.len, &v, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "malformed database date") != NULL, "%s", err);
	pl_buf_free(&b);

	fixture("cut/clamav/version", &b);
	ck_assert_int_eq(pl_clamd_version_parse(b.data, b.len, &v, err, sizeof(err)), -1);
	pl_buf_free(&b);
}
END_TEST

static const struct {
	const char *text;
	int rc;
	const char *msg;          /* a part of err */
} version_cases[] = {
	{ "ClamAV 1.0.7/27472/Mon Dec  1 09:30:00 2026\n", 0, NULL },
	{ "ClamAV 1.0.7/27472/Mon Dec 11 09:30:00 2026", 0, NULL },
	{ "ClamAV 1.0.7", 0, NULL },
	{ "", -1, "not a clamd VERSION reply: ''" },
	{ "ClamAV ", -1, "not a clamd VERSION reply" },
	{ "ClamAV /1/Mon Dec  1 09:30:00 2026", -1, "no engine version" },
	{ "ClamAV 1.0 7/1", -1, "malformed engine version" },
	{ "ClamAV 1.0.7/x/Mon Dec  1 09:30:00 2026", -1, "no database version" },
	{ "ClamAV 1.0.7/27472", -1, "no database version" },
	{ "ClamAV 1.0.7/27472/Mon Dex  1 09:30:00 2026", -1, "malformed database date" },
	{ "ClamAV 1.0.7/27472/Mon Feb 30 09:30:00 2026", -1, "malformed database date" },
	{ "ClamAV 1.0.7/27472/Mon Dec  1 25:30:00 2026", -1, "malformed database date" },
	{ "PONG", -1, "'PONG'" },
	{ "ClamAV 1.0.7/27472/Mon Dec  1 09:30:00 2026 and then a very long tail that is cut",
	  -1, "..." },
};

START_TEST(test_version_cases)
{
	struct pl_clamd_version v;
	char err[256] = "";
	int rc = pl_clamd_version_parse(version_cases[_i].text, strlen(version_cases[_i].text),
					&v, err, sizeof(err));

	ck_assert_int_eq(rc, version_cases[_i].rc);
	if (rc != 0)
		ck_assert_msg(strstr(err, version_cases[_i].msg) != NULL, "%s", err);
}
END_TEST

START_TEST(test_version_nul)
{
	struct pl_clamd_version v;
	char err[256];
	static const char in[] = "ClamAV 1.0\0.7";

	ck_assert_int_eq(pl_clamd_version_parse(in, sizeof(in) - 1, &v, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "not a clamd VERSION reply: 'ClamAV 1.0\\x00.7' (expected "
			 "'ClamAV ENGINE[/DAILY/DATE]')");
}
END_TEST

START_TEST(test_cvd_fixtures)
{
	struct pl_cvd_header h;
	struct pl_buf b = PL_BUF_INIT;
	char err[256];

	fixture("loaded/clamav/daily.cvd", &b);
	ck_assert_int_eq(pl_cvd_header_parse(b.data, b.len, &h, err, sizeof(err)), 0);
	ck_assert_int_eq(h.built.sec, 1796117400);
	ck_assert_uint_eq(h.version, 27472);
	ck_assert_uint_eq(h.sigs, 2061434);
	ck_assert_uint_eq(h.level, 90);
	ck_assert_str_eq(h.builder, "raynman");
	pl_buf_free(&b);

	/* A real header, as sigtool 1.4.6 wrote it. */
	fixture("built/clamav/daily.cvd", &b);
	ck_assert_int_eq(pl_cvd_header_parse(b.data, b.len, &h, err, sizeof(err)), 0);
	ck_assert_int_eq(h.built.sec, 1705320000);
	ck_assert_uint_eq(h.version, 26000);
	ck_assert_uint_eq(h.sigs, 1);
	ck_assert_str_eq(h.builder, "testsuite");
	pl_buf_free(&b);

	fixture("bad-time/clamav/daily.cvd", &b);
	ck_assert_int_eq(pl_cvd_header_parse(b.data, b.len, &h, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "malformed build time") != NULL, "%s", err);
	pl_buf_free(&b);

	fixture("cut/clamav/daily.cvd", &b);
	ck_assert_int_eq(pl_cvd_header_parse(b.data, b.len, &h, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "database header cut short: 40 of 512 bytes");
	pl_buf_free(&b);
}
END_TEST

static const struct {
	const char *head;
	int rc;
	const char *msg;
	int64_t sec;
} cvd_cases[] = {
	{ "ClamAV-VDB:1 Dec 2026 09-30 +0000:7:1:90:X:X:b:1", 0, NULL, 1796117400 },
	{ "ClamAV-VDB:01 Dec 2026 10-30 +0100:7:1:90:X:X:b:1", 0, NULL, 1796117400 },
	{ "ClamAV-VDB:01 Dec 2026 09-30 +0000:7:1", 0, NULL, 1796117400 },
	{ "ClamAV-VDX:01 Dec 2026 09-30 +0000:7:1", -1, "not a ClamAV database header", 0 },
	{ "ClamAV-VDB:01 Dec 2026 09:30 +0000:7:1", -1, "malformed build time", 0 },
	{ "ClamAV-VDB:01 Dec 2026 09-30 +0000::1", -1, "no version number", 0 },
	{ "ClamAV-VDB:01 Dec 2026 09-30 +0000:7", -1, "no signature count", 0 },
	{ "ClamAV-VDB:01 Dec 2026 09-30 +0000:7:-1", -1, "no signature count", 0 },
	{ "ClamAV-VDB:01 Dec 2026 09-30 +0000:7:1\n", -1, "a NUL or newline", 0 },
	{ "ClamAV-VDB:32 Dec 2026 09-30 +0000:7:1", -1, "malformed build time", 0 },
};

START_TEST(test_cvd_cases)
{
	struct pl_cvd_header h;
	char buf[PL_CVD_HEADER + 1], err[256] = "";
	int rc;

	pl_snprintf(buf, sizeof(buf), "%-512s", cvd_cases[_i].head);
	rc = pl_cvd_header_parse(buf, PL_CVD_HEADER, &h, err, sizeof(err));
	ck_assert_int_eq(rc, cvd_cases[_i].rc);
	if (rc != 0)
		ck_assert_msg(strstr(err, cvd_cases[_i].msg) != NULL, "%s", err);
	else
		ck_assert_int_eq(h.built.sec, cvd_cases[_i].sec);
}
END_TEST

START_TEST(test_scan_summary)
{
	struct pl_scan_summary s;
	struct pl_buf b = PL_BUF_INIT;
	char err[256];

	fixture("loaded/clamav/scan.log", &b);
	ck_assert_int_eq(pl_scan_summary_parse(b.data, b.len, &s, err, sizeof(err)), 0);
	ck_assert(s.found);
	ck_assert_uint_eq(s.infected, 1);
	ck_assert(s.has_scanned);
	ck_assert_uint_eq(s.scanned, 408);
	ck_assert_uint_eq(s.summaries, 1);
	pl_buf_free(&b);

	/* The last of two runs counts; its summary has no "Scanned files:". */
	fixture("two-scans/clamav/scan.log", &b);
	ck_assert_int_eq(pl_scan_summary_parse(b.data, b.len, &s, err, sizeof(err)), 0);
	ck_assert_uint_eq(s.infected, 0);
	ck_assert(!s.has_scanned);
	ck_assert_uint_eq(s.summaries, 2);
	pl_buf_free(&b);

	fixture("cut/clamav/scan.log", &b);
	ck_assert_int_eq(pl_scan_summary_parse(b.data, b.len, &s, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "line 2: 'Infected files:' without a number: 'Infected files: "
			 "many'");
	ck_assert(!s.found);
	pl_buf_free(&b);

	ck_assert_int_eq(pl_scan_summary_parse("", 0, &s, err, sizeof(err)), 0);
	ck_assert(!s.found);
	ck_assert_int_eq(pl_scan_summary_parse("Infected files: 2\r\n", 19, &s, err,
					       sizeof(err)), 0);
	ck_assert_uint_eq(s.infected, 2);
}
END_TEST

START_TEST(test_conf)
{
	struct pl_buf b = PL_BUF_INIT;
	char v[64];
	static const char c[] = "#LocalSocket /x\nLocalSocketGroup clamav\n  LocalSocket\t/a \n"
				"LocalSocket /run/b\nDatabaseDirectory\n";

	fixture("loaded/clamav/clamd.conf", &b);
	ck_assert_int_eq(pl_clamd_conf_get(b.data, b.len, "LocalSocket", v, sizeof(v)), 1);
	ck_assert_str_eq(v, "/var/run/clamav/clamd.ctl");
	ck_assert_int_eq(pl_clamd_conf_get(b.data, b.len, "DatabaseDirectory", v, sizeof(v)), 1);
	ck_assert_str_eq(v, "/var/lib/clamav");
	pl_buf_free(&b);

	ck_assert_int_eq(pl_clamd_conf_get(c, sizeof(c) - 1, "LocalSocket", v, sizeof(v)), 1);
	ck_assert_str_eq(v, "/run/b");
	ck_assert_int_eq(pl_clamd_conf_get(c, sizeof(c) - 1, "DatabaseDirectory", v,
					   sizeof(v)), 0);
	ck_assert_int_eq(pl_clamd_conf_get(c, sizeof(c) - 1, "TCPSocket", v, sizeof(v)), 0);
	ck_assert_int_eq(pl_clamd_conf_get(c, sizeof(c) - 1, "LocalSocket", v, 4), -1);
}
END_TEST

TCase *
tc_clamav(void)
{
	TCase *tc = tcase_create("clamav");

	tcase_add_test(tc, test_version_fixtures);
	tcase_add_loop_test(tc, test_version_cases, 0,
			    (int)(sizeof(version_cases) / sizeof(version_cases[0])));
	tcase_add_test(tc, test_version_nul);
	tcase_add_test(tc, test_cvd_fixtures);
	tcase_add_loop_test(tc, test_cvd_cases, 0,
			    (int)(sizeof(cvd_cases) / sizeof(cvd_cases[0])));
	tcase_add_test(tc, test_scan_summary);
	tcase_add_test(tc, test_conf);
	return tc;
}
