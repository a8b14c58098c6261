/* Unit tests of pl_clock: the RFC 3339 parser and formatter, and the wall clock with its
 * PLUMBLINE_NOW fixture override. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pl_clock.h"
#include "tests.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Times that parse, and the seconds and nanoseconds they stand for (checked against
 * Python's datetime). */
static const struct {
	const char *s;
	int64_t sec;
	int32_t nsec;
} good[] = {
	{ "1970-01-01T00:00:00Z", 0, 0 },
	{ "2026-12-01T21:30:00Z", 1796160600, 0 },
	{ "2026-12-01t21:30:00z", 1796160600, 0 },
	{ "2026-12-01T22:30:00+01:00", 1796160600, 0 },
	{ "2026-12-01T16:00:00-05:30", 1796160600, 0 },
	{ "2026-12-01T21:30:00-00:00", 1796160600, 0 },
	{ "2026-12-01T21:30:00+00:00", 1796160600, 0 },
	{ "2026-12-02T21:29:00+23:59", 1796160600, 0 },
	/* restic's snapshot times: nanoseconds and the local offset */
	{ "2026-11-30T23:00:01.123456789+01:00", 1796076001, 123456789 },
	{ "2026-12-01T21:30:00.5Z", 1796160600, 500000000 },
	{ "2026-12-01T21:30:00.000000001Z", 1796160600, 1 },
	{ "2026-12-01T21:30:00.9999999999999Z", 1796160600, 999999999 },   /* truncated */
	{ "2026-12-01T21:30:00.1234567891234Z", 1796160600, 123456789 },
	/* the examples of RFC 3339 section 5.8 */
	{ "1985-04-12T23:20:50.52Z", 482196050, 520000000 },
	{ "1996-12-19T16:39:57-08:00", 851042397, 0 },
	{ "1937-01-01T12:00:27.87+00:20", -1041337173, 870000000 },
	{ "1990-12-31T23:59:60Z", 662688000, 0 },
	{ "1990-12-31T15:59:60-08:00", 662688000, 0 },
	/* leap seconds count as the next day's first second */
	{ "2016-12-31T23:59:60Z", 1483228800, 0 },
	{ "2017-01-01T00:59:60+01:00", 1483228800, 0 },
	{ "2015-06-30T23:59:60.5Z", 1435708800, 500000000 },
	{ "1969-12-31T23:59:59Z", -1, 0 },
	{ "1969-12-31T23:59:59.25Z", -1, 250000000 },
	{ "2024-02-29T00:00:00Z", 1709164800, 0 },
	{ "2000-02-29T12:00:00Z", 951825600, 0 },
	{ "0000-01-01T00:00:00Z", -62167219200LL, 0 },
	{ "0000-02-29T00:00:00Z", -62162121600LL, 0 },   /* year 0 is a leap year */
	{ "9999-12-31T23:59:59Z", 253402300799LL, 0 },
	{ "9999-12-31T23:59:59-23:59", 253402300799LL + 86340, 0 },
};

START_TEST(test_rfc3339_good)
{
	struct pl_time t = { 42, 42 };
	char err[256] = "";

	ck_assert_msg(pl_rfc3339_parse(good[_i].s, strlen(good[_i].s), &t, err, sizeof(err)) == 0,
		      "%s: %s", good[_i].s, err);
	ck_assert_msg(t.sec == good[_i].sec, "%s: %lld", good[_i].s, (long long)t.sec);
	ck_assert_msg(t.nsec == good[_i].nsec, "%s: nsec %d", good[_i].s, (int)t.nsec);
}
END_TEST

/* Text that must be refused, and a word of the reason. */
static const struct {
	const char *s;
	const char *why;
} bad[] = {
	{ "", "YYYY-MM-DD" },
	{ "2026-12-01", "'T'" },
	{ "2026-12-01T", "hh:mm:ss" },
	{ "2026-12-01T21:30Z", "hh:mm:ss" },
	{ "2026-12-01 21:30:00Z", "'T'" },
	{ "2026-12-01_21:30:00Z", "'T'" },
	{ "2026-12-01T21:30:00", "no offset" },
	{ "2026-12-01T21:30:00.5", "no offset" },
	{ "2026-12-01T21:30:00 Z", "no offset" },
	{ "2026-13-01T00:00:00Z", "month" },
	{ "2026-00-01T00:00:00Z", "month" },
	{ "2026-12-00T00:00:00Z", "day" },
	{ "2026-12-32T00:00:00Z", "day" },
	{ "2026-04-31T00:00:00Z", "day" },
	{ "2026-02-29T00:00:00Z", "day" },
	{ "1900-02-29T00:00:00Z", "day" },
	{ "2026-12-01T24:00:00Z", "hour" },
	{ "2026-12-01T23:60:00Z", "minute" },
	{ "2026-12-01T23:59:61Z", "second" },
	{ "2026-12-01T23:59:99Z", "second" },
	{ "2026-12-01T12:00:60Z", "leap" },
	{ "2026-06-15T23:59:60Z", "leap" },
	{ "2016-12-31T23:59:60+01:00", "leap" },
	{ "2026-12-01T21:30:00.Z", "'.'" },
	{ "2026-12-01T21:30:00.", "'.'" },
	{ "2026-12-01T21:30:00,5Z", "no offset" },
	{ "2026-12-01T21:30:00+1:00", "offset" },
	{ "2026-12-01T21:30:00+01:0", "offset" },
	{ "2026-12-01T21:30:00+0100", "offset" },
	{ "2026-12-01T21:30:00+01", "offset" },
	{ "2026-12-01T21:30:00+", "offset" },
	{ "2026-12-01T21:30:00+24:00", "offset" },
	{ "2026-12-01T21:30:00+01:60", "offset" },
	{ "2026-12-01T21:30:00Zx", "after the time" },
	{ "2026-12-01T21:30:00Z ", "after the time" },
	{ "2026-12-01T21:30:00ZZ", "after the time" },
	{ "2026-12-01T21:30:00+01:00:00", "after the time" },
	{ " 2026-12-01T21:30:00Z", "YYYY-MM-DD" },
	{ "26-12-01T21:30:00Z", "YYYY-MM-DD" },
	{ "02026-12-01T21:30:00Z", "YYYY-MM-DD" },
	{ "+2026-12-01T21:30:00Z", "YYYY-MM-DD" },
	{ "-2026-12-01T21:30:00Z", "YYYY-MM-DD" },
	{ "2026-1-01T21:30:00Z", "YYYY-MM-DD" },
	{ "2026-12-1T21:30:00Z", "YYYY-MM-DD" },
	{ "2026/12/01T21:30:00Z", "YYYY-MM-DD" },
	{ "2026-12-01T2:30:00Z", "hh:mm:ss" },
	{ "2026-12-01T21:3:00Z", "hh:mm:ss" },
	{ "2026-12-01T21:30:0Z", "hh:mm:ss" },
	{ "2026-12-01T21-30-00Z", "hh:mm:ss" },
	{ "2026-12-01T21:30:00.-5Z", "'.'" },
	{ "\xef\xbc\x92""026-12-01T21:30:00Z", "YYYY-MM-DD" },   /* a fullwidth digit */
	{ "1796160600", "YYYY-MM-DD" },
};

START_TEST(test_rfc3339_bad)
{
	struct pl_time t = { 42, 42 };
	char err[256] = "";

	ck_assert_msg(pl_rfc3339_parse(bad[_i].s, strlen(bad[_i].s), &t, err, sizeof(err)) == -1,
		      "'%s' parsed", bad[_i].s);
	ck_assert_msg(strstr(err, bad[_i].why) != NULL, "'%s': %s", bad[_i].s, err);
	ck_assert_msg(strncmp(err, "not an RFC 3339 time", 20) == 0, "%s", err);
	ck_assert_int_eq(t.sec, 42);   /* a failed parse leaves the output alone */
	ck_assert_int_eq(t.nsec, 42);
}
END_TEST

START_TEST(test_rfc3339_len)
{
	const char *s = "2026-12-01T21:30:00Z";
	struct pl_time t;
	char err[256], nul[] = "2026-12-01T21:30:00Z\0";

	/* Only the len bytes count: a prefix is refused, a NUL inside is trailing. */
	ck_assert_int_eq(pl_rfc3339_parse(s, strlen(s) - 1, &t, err, sizeof(err)), -1);
	ck_assert_int_eq(pl_rfc3339_parse(nul, sizeof(nul) - 1, &t, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "after the time"));
	ck_assert_int_eq(pl_rfc3339_parse(s, 0, &t, err, sizeof(err)), -1);
	ck_assert_int_eq(pl_rfc3339_parse(NULL, 0, &t, err, sizeof(err)), -1);
	/* Not NUL-terminated: a time inside a larger buffer (a JSON field). */
	ck_assert_int_eq(pl_rfc3339_parse(&"\"2026-12-01T21:30:00Z\""[1], 20, &t, err,
					  sizeof(err)), 0);
	ck_assert_int_eq(t.sec, 1796160600);
}
END_TEST

static const struct {
	int64_t sec;
	int32_t nsec;
	int digits;
	const char *s;   /* NULL: refused */
} fmt[] = {
	{ 0, 0, 0, "1970-01-01T00:00:00Z" },
	{ 1796160600, 0, 0, "2026-12-01T21:30:00Z" },
	{ 1796160600, 123456789, 0, "2026-12-01T21:30:00Z" },
	{ 1796160600, 123456789, 3, "2026-12-01T21:30:00.123Z" },
	{ 1796160600, 123456789, 9, "2026-12-01T21:30:00.123456789Z" },
	{ 1796160600, 999999999, 1, "2026-12-01T21:30:00.9Z" },   /* truncated, not rounded */
	{ 1796160600, 5, 9, "2026-12-01T21:30:00.000000005Z" },
	{ -1, 0, 0, "1969-12-31T23:59:59Z" },
	{ -86400, 0, 0, "1969-12-31T00:00:00Z" },
	{ -86401, 0, 0, "1969-12-30T23:59:59Z" },
	{ 951782400, 0, 0, "2000-02-29T00:00:00Z" },
	{ -62167219200LL, 0, 0, "0000-01-01T00:00:00Z" },
	{ 253402300799LL, 999999999, 9, "9999-12-31T23:59:59.999999999Z" },
	{ -62167219201LL, 0, 0, NULL },
	{ 253402300800LL, 0, 0, NULL },
	{ INT64_MIN, 0, 0, NULL },
	{ INT64_MAX, 0, 0, NULL },
	{ 0, 1000000000, 0, NULL },
	{ 0, -1, 0, NULL },
	{ 0, 0, 10, NULL },
	{ 0, 0, -1, NULL },
};

START_TEST(test_rfc3339_format)
{
	struct pl_time t = { fmt[_i].sec, fmt[_i].nsec };
	char buf[PL_RFC3339_SIZE];
	int n = pl_rfc3339_format(&t, fmt[_i].digits, buf, sizeof(buf));

	if (fmt[_i].s == NULL) {
		ck_assert_int_eq(n, -1);
		ck_assert_str_eq(buf, "");
		return;
	}
	ck_assert_str_eq(buf, fmt[_i].s);
	ck_assert_int_eq(n, (int)strlen(fmt[_i].s));
}
END_TEST

START_TEST(test_rfc3339_small_buffer)
{
	struct pl_time t = { 1796160600, 0 };
	char buf[20];

	ck_assert_int_eq(pl_rfc3339_format(&t, 0, buf, sizeof(buf)), -1);
	ck_assert_str_eq(buf, "");
	ck_assert_int_eq(pl_rfc3339_format(&t, 0, buf, 0), -1);
}
END_TEST

/* Days across years 0000 to 9999 (every 97th, at a varying time of day) format
 * and parses back to itself: the calendar arithmetic agrees both ways. */
START_TEST(test_rfc3339_roundtrip)
{
	for (int64_t s = -62167219200LL; s <= 253402300799LL; s += 97 * 86400 + 3607) {
		struct pl_time t = { s, (int32_t)(s % 1000000000 + 1000000000) % 1000000000 };
		struct pl_time back;
		char buf[PL_RFC3339_SIZE], err[256];

		ck_assert_int_gt(pl_rfc3339_format(&t, 9, buf, sizeof(buf)), 0);
		ck_assert_msg(pl_rfc3339_parse(buf, strlen(buf), &back, err, sizeof(err)) == 0,
			      "%s: %s", buf, err);
		ck_assert_msg(back.sec == t.sec && back.nsec == t.nsec, "%s", buf);
	}
}
END_TEST

START_TEST(test_clock_now)
{
	struct pl_time now;
	char err[256];

	unsetenv(PL_CLOCK_ENV);
	ck_assert_int_eq(pl_clock_now(&now, err, sizeof(err)), 0);
	ck_assert_int_le(llabs((long long)(now.sec - (int64_t)time(NULL))), 2);
	ck_assert(now.nsec >= 0 && now.nsec <= 999999999);
}
END_TEST

START_TEST(test_clock_fixed)
{
	struct pl_time now, then = { 1796076001, 0 };
	char err[256];

	setenv(PL_CLOCK_ENV, "2026-12-01T21:30:00.25+01:00", 1);
	ck_assert_int_eq(pl_clock_now(&now, err, sizeof(err)), 0);
	ck_assert_int_eq(now.sec, 1796157000);
	ck_assert_int_eq(now.nsec, 250000000);
	ck_assert(pl_time_diff(&now, &then) == 80999.25);
	ck_assert(pl_time_diff(&then, &now) == -80999.25);

	/* A malformed value is an error naming the variable, never quoting it. */
	setenv(PL_CLOCK_ENV, "2026-12-01 S3CR3T", 1);
	ck_assert_int_eq(pl_clock_now(&now, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, PL_CLOCK_ENV));
	ck_assert_ptr_null(strstr(err, "S3CR3T"));
	ck_assert_int_eq(now.sec, 1796157000);

	/* A privileged run (root reached through sudo) trusts no clock from the caller. */
	if (geteuid() == 0) {
		setenv(PL_CLOCK_ENV, "2000-01-01T00:00:00Z", 1);
		setenv("SUDO_UID", "1000", 1);
		ck_assert_int_eq(pl_clock_now(&now, err, sizeof(err)), 0);
		ck_assert_int_le(llabs((long long)(now.sec - (int64_t)time(NULL))), 2);
		unsetenv("SUDO_UID");
	}
	unsetenv(PL_CLOCK_ENV);
}
END_TEST

TCase *
tc_clock(void)
{
	TCase *tc = tcase_create("clock");

	tcase_set_timeout(tc, 30);   /* the round trip, under sanitizers */
	tcase_add_loop_test(tc, test_rfc3339_good, 0, N(good));
	tcase_add_loop_test(tc, test_rfc3339_bad, 0, N(bad));
	tcase_add_test(tc, test_rfc3339_len);
	tcase_add_loop_test(tc, test_rfc3339_format, 0, N(fmt));
	tcase_add_test(tc, test_rfc3339_small_buffer);
	tcase_add_test(tc, test_rfc3339_roundtrip);
	tcase_add_test(tc, test_clock_now);
	tcase_add_test(tc, test_clock_fixed);
	return tc;
}
