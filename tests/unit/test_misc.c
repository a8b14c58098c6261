/* Unit tests of the small modules: pl_num, pl_unit, pl_counter, pl_ini, pl_opt (wrapping),
 * pl_buf and pl_text. */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pl_buf.h"
#include "pl_counter.h"
#include "pl_ini.h"
#include "pl_num.h"
#include "pl_opt.h"
#include "pl_result.h"
#include "pl_store.h"
#include "pl_text.h"
#include "pl_unit.h"
#include "tests.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* pl_parse_u64: text, accepted, value. */
static const struct {
	const char *s;
	int rc;
	uint64_t v;
} u64_cases[] = {
	{ "0", 0, 0 }, { "42", 0, 42 }, { "007", 0, 7 },
	{ "18446744073709551615", 0, UINT64_MAX },
	{ "18446744073709551616", -1, 0 }, { "99999999999999999999", -1, 0 },
	{ "123456789012345678901234567890", -1, 0 },
	{ "", -1, 0 }, { "-0", -1, 0 }, { "-1", -1, 0 }, { " 5", -1, 0 }, { "5 ", -1, 0 },
	{ "5x", -1, 0 }, { "0x10", -1, 0 }, { "1e3", -1, 0 }, { "1.0", -1, 0 }, { "1,5", -1, 0 },
	{ "inf", -1, 0 }, { "nan", -1, 0 }, { "5\n", -1, 0 },
};

START_TEST(test_parse_u64)
{
	uint64_t v = 12345;

	ck_assert_msg(pl_parse_u64(u64_cases[_i].s, UINT64_MAX, &v) == u64_cases[_i].rc, "'%s'",
		      u64_cases[_i].s);
	if (u64_cases[_i].rc == 0)
		ck_assert_uint_eq(v, u64_cases[_i].v);
	else
		ck_assert_uint_eq(v, 12345);   /* a failed parse leaves the output alone */
}
END_TEST

START_TEST(test_parse_u64_max)
{
	uint64_t v;

	ck_assert_int_eq(pl_parse_u64("100", 100, &v), 0);
	ck_assert_uint_eq(v, 100);
	ck_assert_int_eq(pl_parse_u64("101", 100, &v), -1);
}
END_TEST

static const struct {
	const char *s;
	int rc;
	int64_t v;
} i64_cases[] = {
	{ "0", 0, 0 }, { "-0", 0, 0 }, { "+5", 0, 5 }, { "-5", 0, -5 },
	{ "9223372036854775807", 0, INT64_MAX }, { "-9223372036854775808", 0, INT64_MIN },
	{ "9223372036854775808", -1, 0 }, { "-9223372036854775809", -1, 0 },
	{ "18446744073709551616", -1, 0 }, { "", -1, 0 }, { "-", -1, 0 }, { "+", -1, 0 },
	{ "--5", -1, 0 }, { "+-5", -1, 0 }, { " -5", -1, 0 }, { "-5 ", -1, 0 }, { "1.5", -1, 0 },
	{ "0x10", -1, 0 }, { "1e3", -1, 0 },
};

START_TEST(test_parse_i64)
{
	int64_t v = 12345;

	ck_assert_msg(pl_parse_i64(i64_cases[_i].s, INT64_MIN, INT64_MAX, &v) == i64_cases[_i].rc,
		      "'%s'", i64_cases[_i].s);
	if (i64_cases[_i].rc == 0)
		ck_assert_int_eq(v, i64_cases[_i].v);
	else
		ck_assert_int_eq(v, 12345);
}
END_TEST

START_TEST(test_parse_i64_bounds)
{
	int64_t v;

	ck_assert_int_eq(pl_parse_i64("1", 1, 3600, &v), 0);
	ck_assert_int_eq(pl_parse_i64("3600", 1, 3600, &v), 0);
	ck_assert_int_eq(pl_parse_i64("0", 1, 3600, &v), -1);
	ck_assert_int_eq(pl_parse_i64("3601", 1, 3600, &v), -1);
	ck_assert_int_eq(pl_parse_i64("-1", 0, 10, &v), -1);
}
END_TEST

static const struct {
	const char *s;
	int rc;
	double v;
} dbl_cases[] = {
	{ "0", 0, 0 }, { "-0", 0, 0 }, { "+5", 0, 5 }, { ".5", 0, 0.5 }, { "-.5", 0, -0.5 },
	{ "12.25", 0, 12.25 }, { "-3.75", 0, -3.75 }, { "0.001", 0, 0.001 },
	{ "18446744073709551616", 0, 18446744073709551616.0 },
	{ "0.1234567890123456789012345", 0, 0.12345678901234568 },
	{ "5.", -1, 0 }, { "1,5", -1, 0 }, { ".", -1, 0 }, { "-", -1, 0 }, { "", -1, 0 },
	{ "1e3", -1, 0 }, { "1E3", -1, 0 }, { "0x10", -1, 0 }, { "inf", -1, 0 },
	{ "-inf", -1, 0 }, { "nan", -1, 0 }, { "NaN", -1, 0 }, { " 1", -1, 0 }, { "1 ", -1, 0 },
	{ "--1", -1, 0 }, { "1.2.3", -1, 0 }, { "1..2", -1, 0 },
};

/* pl_scan_double over a whole word: 0, or -1 (out untouched) when it is not one number. */
static int
scan_word(const char *s, double *out)
{
	const char *p = s, *end = s + strlen(s);
	double v;

	if (pl_scan_double(&p, end, &v) != 0 || p != end)
		return -1;
	*out = v;
	return 0;
}

START_TEST(test_parse_double)
{
	double v = 12345;

	ck_assert_msg(scan_word(dbl_cases[_i].s, &v) == dbl_cases[_i].rc, "'%s'",
		      dbl_cases[_i].s);
	if (dbl_cases[_i].rc == 0)
		ck_assert_double_eq_tol(v, dbl_cases[_i].v,
					fabs(dbl_cases[_i].v) * 1e-15 + 1e-300);
	else
		ck_assert_double_eq(v, 12345);
}
END_TEST

START_TEST(test_parse_double_overflow)
{
	char big[420];
	double v;

	/* A 400-digit number does not fit a double: refused, never "inf". */
	memset(big, '9', 400);
	big[400] = '\0';
	ck_assert_int_eq(scan_word(big, &v), -1);
}
END_TEST

START_TEST(test_scan)
{
	const char *buf = "123abc -45 6.5x .25 - 99999999999999999999 7";
	const char *p = buf, *end = buf + strlen(buf), *before;
	uint64_t u;
	int64_t i;
	double d;

	ck_assert_int_eq(pl_scan_u64(&p, end, &u), 0);
	ck_assert_uint_eq(u, 123);
	ck_assert_ptr_eq(p, buf + 3);
	/* No number at "abc": *p stays. */
	ck_assert_int_eq(pl_scan_u64(&p, end, &u), -1);
	ck_assert_ptr_eq(p, buf + 3);
	p += 3;
	pl_skip_blanks(&p, end);
	ck_assert_int_eq(pl_scan_i64(&p, end, &i), 0);
	ck_assert_int_eq(i, -45);
	pl_skip_blanks(&p, end);
	ck_assert_int_eq(pl_scan_double(&p, end, &d), 0);
	ck_assert_double_eq(d, 6.5);
	ck_assert_int_eq(*p, 'x');
	p++;
	pl_skip_blanks(&p, end);
	ck_assert_int_eq(pl_scan_double(&p, end, &d), 0);
	ck_assert_double_eq(d, 0.25);
	pl_skip_blanks(&p, end);
	before = p;
	ck_assert_int_eq(pl_scan_i64(&p, end, &i), -1);
	ck_assert_ptr_eq(p, before);
	p++;
	pl_skip_blanks(&p, end);
	before = p;
	ck_assert_int_eq(pl_scan_u64(&p, end, &u), -1);   /* overflows */
	ck_assert_ptr_eq(p, before);
	/* The scanners stop at end even when the text goes on. */
	p = buf;
	ck_assert_int_eq(pl_scan_u64(&p, buf + 2, &u), 0);
	ck_assert_uint_eq(u, 12);
	p = buf;
	ck_assert_int_eq(pl_scan_u64(&p, buf, &u), -1);
}
END_TEST

static const struct {
	double v;
	int prec;
	const char *out;
} fmt_cases[] = {
	{ 12.50, 2, "12.5" }, { 3.0, 2, "3" }, { -0.0001, 2, "0" }, { -0.0, 2, "0" },
	{ 1e15, 2, "1000000000000000" }, { 1e20, 0, "100000000000000000000" },
	{ 0.000001, 6, "0.000001" }, { -0.25, 2, "-0.25" }, { 2.675, 0, "3" }, { 0.5, 0, "0" },
	{ 1.23456789, 3, "1.235" }, { 100, 0, "100" }, { 10, 2, "10" }, { 1.05, 1, "1.1" },
	{ 7, -1, "7" }, { 0.1, 20, "0.1" }, { NAN, 2, "U" }, { INFINITY, 2, "U" },
	{ -1234567.5, 1, "-1234567.5" },
};

START_TEST(test_fmt_num)
{
	char buf[64];

	ck_assert_str_eq(pl_fmt_num(buf, sizeof(buf), fmt_cases[_i].v, fmt_cases[_i].prec),
			 fmt_cases[_i].out);
}
END_TEST

START_TEST(test_fmt_num_small_buffer)
{
	char buf[4];

	/* A number that does not fit is "U", never a cut number that reads as another one. */
	ck_assert_str_eq(pl_fmt_num(buf, sizeof(buf), 123456, 0), "U");
	ck_assert_str_eq(pl_fmt_num(buf, sizeof(buf), 123, 0), "123");
	/* len 0 writes nothing */
	buf[0] = 'x';
	pl_fmt_num(buf, 0, 1, 0);
	ck_assert_int_eq(buf[0], 'x');
}
END_TEST

/* What pl_fmt_num must write: "%.*f" cut of its trailing zeros, "U" when the printf
 * text does not fit (its fast path without stdio is held to this). */
static void
fmt_ref(char *buf, size_t len, double v, int prec)
{
	size_t n;

	if ((size_t)snprintf(buf, len, "%.*f", prec, v) >= len) {
		snprintf(buf, len, "U");
		return;
	}
	if (strchr(buf, '.') != NULL) {
		n = strlen(buf);
		while (buf[n - 1] == '0')
			buf[--n] = '\0';
		if (buf[n - 1] == '.')
			buf[--n] = '\0';
	}
	if (strcmp(buf, "-0") == 0)
		snprintf(buf, len, "0");
}

START_TEST(test_fmt_num_as_printf)
{
	static const double scale[] = { 1e-9, 1e-4, 0.01, 1, 100, 1e4, 1e6, 1e9, 1e12, 1e15 };
	uint64_t x = 88172645463325252ULL;
	char got[40], want[40];

	for (int i = 0; i < 300000; i++) {
		double v;
		int prec = i % 10;
		size_t len = i % 7 == 0 ? (size_t)(1 + i % 23) : sizeof(got);

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		if (i % 3 == 0) /* ties and near-ties: k / 2^j */
			v = (double)(x % 100000) / (double)(1u << (x >> 60)) *
			    ((x >> 40) & 1 ? -1 : 1);
		else
			v = (double)(x >> 11) / 9007199254740992.0 * scale[(x >> 3) % 10] *
			    ((x >> 40) & 1 ? -1 : 1);
		pl_fmt_num(got, len, v, prec);
		fmt_ref(want, len, v, prec);
		ck_assert_msg(strcmp(got, want) == 0, "%.17g prec %d len %zu: %s, printf %s", v,
			      prec, len, got, want);
	}
}
END_TEST

static const struct {
	const char *s;
	int rc;
	enum pl_unit unit;
	double factor;
} suffix_cases[] = {
	{ "", 0, PL_U_NONE, 1 }, { "%", 0, PL_U_PERCENT, 1 }, { "B", 0, PL_U_BYTES, 1 },
	{ "K", 0, PL_U_BYTES, 1024 }, { "KB", 0, PL_U_BYTES, 1024 }, { "KiB", 0, PL_U_BYTES, 1024 },
	{ "kB", 0, PL_U_BYTES, 1024 }, { "MB", 0, PL_U_BYTES, 1048576 },
	{ "GB", 0, PL_U_BYTES, 1073741824.0 }, { "TB", 0, PL_U_BYTES, 1099511627776.0 },
	{ "MB/s", 0, PL_U_BYTES_PER_S, 1048576 }, { "B/s", 0, PL_U_BYTES_PER_S, 1 },
	{ "Mbit/s", 0, PL_U_BITS_PER_S, 1e6 }, { "Gbit/s", 0, PL_U_BITS_PER_S, 1e9 },
	{ "Gbps", 0, PL_U_BITS_PER_S, 1e9 }, { "kbit/s", 0, PL_U_BITS_PER_S, 1e3 },
	{ "us", 0, PL_U_SECONDS, 1e-6 }, { "ms", 0, PL_U_SECONDS, 1e-3 },
	{ "s", 0, PL_U_SECONDS, 1 }, { "min", 0, PL_U_SECONDS, 60 }, { "h", 0, PL_U_SECONDS, 3600 },
	{ "d", 0, PL_U_SECONDS, 86400 }, { "c", 0, PL_U_COUNTER, 1 }, { "C", 0, PL_U_CELSIUS, 1 },
	{ "rpm", 0, PL_U_RPM, 1 }, { "V", 0, PL_U_VOLTS, 1 }, { "mV", 0, PL_U_VOLTS, 1e-3 },
	{ "x", -1, PL_U_NONE, 0 }, { "mb", -1, PL_U_NONE, 0 }, { "MBs", -1, PL_U_NONE, 0 },
	{ " MB", -1, PL_U_NONE, 0 }, { "MB ", -1, PL_U_NONE, 0 }, { "%%", -1, PL_U_NONE, 0 },
	{ "e3", -1, PL_U_NONE, 0 },
};

START_TEST(test_unit_suffix)
{
	enum pl_unit u = PL_U_NONE;
	double f = 0;
	const char *s = suffix_cases[_i].s;

	ck_assert_msg(pl_unit_suffix(s, strlen(s), &u, &f) == suffix_cases[_i].rc, "'%s'", s);
	if (suffix_cases[_i].rc == 0) {
		ck_assert_int_eq(u, suffix_cases[_i].unit);
		ck_assert_double_eq_tol(f, suffix_cases[_i].factor,
					suffix_cases[_i].factor * 1e-15);
	}
}
END_TEST

START_TEST(test_unit_suffix_length)
{
	enum pl_unit u;
	double f;

	/* Only n bytes are read: "MB" within "MB/s" is MB. */
	ck_assert_int_eq(pl_unit_suffix("MB/s", 2, &u, &f), 0);
	ck_assert_int_eq(u, PL_U_BYTES);
	ck_assert_int_eq(pl_unit_suffix("MB/s", 0, &u, &f), 0);
	ck_assert_int_eq(u, PL_U_NONE);
}
END_TEST

static const struct {
	double v;
	enum pl_unit u;
	const char *out;
} human_cases[] = {
	{ 7.1 * 1073741824.0, PL_U_BYTES, "7.1GiB" }, { 512, PL_U_BYTES, "512B" },
	{ 1024, PL_U_BYTES, "1KiB" }, { 1536, PL_U_BYTES, "1.5KiB" },
	{ 536870912, PL_U_BYTES, "512MiB" }, { 0, PL_U_BYTES, "0B" },
	{ 45.23, PL_U_PERCENT, "45.2%" }, { 100, PL_U_PERCENT, "100%" },
	{ 0.012, PL_U_SECONDS, "12ms" }, { 0.000005, PL_U_SECONDS, "5us" },
	{ 2.5, PL_U_SECONDS, "2.5s" }, { 0, PL_U_SECONDS, "0s" },
	/* A minute or more: the largest unit and the next, rounded to the smaller. */
	{ 45, PL_U_SECONDS, "45s" }, { 59.4, PL_U_SECONDS, "59.4s" },
	{ 59.5, PL_U_SECONDS, "1m 0s" }, { 90, PL_U_SECONDS, "1m 30s" },
	{ 119.7, PL_U_SECONDS, "2m 0s" }, { 3599.7, PL_U_SECONDS, "1h 0m" },
	{ 7500, PL_U_SECONDS, "2h 5m" }, { 86399.9, PL_U_SECONDS, "1d 0h" },
	{ 259200, PL_U_SECONDS, "3d 0h" }, { 90061, PL_U_SECONDS, "1d 1h" },
	{ -7500, PL_U_SECONDS, "-2h 5m" },
	{ 1.5 * 1048576, PL_U_BYTES_PER_S, "1.5MiB/s" },
	{ 940e6, PL_U_BITS_PER_S, "940Mbit/s" }, { 1e9, PL_U_BITS_PER_S, "1Gbit/s" },
	{ 41, PL_U_CELSIUS, "41C" }, { 1200.4, PL_U_RPM, "1200rpm" },
	{ 12.1234, PL_U_VOLTS, "12.123V" },
	{ 3.14159, PL_U_NONE, "3.14" }, { NAN, PL_U_PERCENT, "unknown" },
	{ -2048, PL_U_BYTES, "-2KiB" },
};

START_TEST(test_unit_human)
{
	char buf[64];

	ck_assert_str_eq(pl_unit_human(buf, sizeof(buf), human_cases[_i].v, human_cases[_i].u),
			 human_cases[_i].out);
}
END_TEST

/* More decimals (to tell a value from a limit) show one unit more each, then decimals of
 * the seconds; what then rounds under the larger unit drops it. */
START_TEST(test_unit_human_duration_extra)
{
	char b[64];

	ck_assert_str_eq(pl_unit_human_dec(b, sizeof(b), 259300, PL_U_SECONDS, 1), "3d 0h 2m");
	ck_assert_str_eq(pl_unit_human_dec(b, sizeof(b), 259300, PL_U_SECONDS, 2),
			 "3d 0h 1m 40s");
	ck_assert_str_eq(pl_unit_human_dec(b, sizeof(b), 119.7, PL_U_SECONDS, 1), "1m 59.7s");
	ck_assert_str_eq(pl_unit_human_dec(b, sizeof(b), 59.5, PL_U_SECONDS, 1), "59.5s");
	ck_assert_str_eq(pl_unit_human_dec(b, sizeof(b), 86399.9, PL_U_SECONDS, 3),
			 "23h 59m 59.9s");
	/* a short buffer is cut, never overrun */
	ck_assert_str_eq(pl_unit_human_dec(b, 4, 259200, PL_U_SECONDS, 0), "3d ");
}
END_TEST

START_TEST(test_unit_names)
{
	ck_assert_str_eq(pl_unit_uom(PL_U_PERCENT), "%");
	ck_assert_str_eq(pl_unit_uom(PL_U_BYTES), "B");
	ck_assert_str_eq(pl_unit_uom(PL_U_SECONDS), "s");
	ck_assert_str_eq(pl_unit_uom(PL_U_COUNTER), "c");
	ck_assert_str_eq(pl_unit_uom(PL_U_NONE), "");
	ck_assert_str_eq(pl_unit_uom(PL_U_BYTES_PER_S), "");
	ck_assert_str_eq(pl_unit_name(PL_U_BYTES), "bytes");
	ck_assert_str_eq(pl_unit_name(PL_U_PERCENT), "percent");
}
END_TEST

START_TEST(test_counter_delta)
{
	const uint64_t two32 = (uint64_t)1 << 32;

	ck_assert_double_eq(pl_counter_delta(150, 100), 50);
	ck_assert_double_eq(pl_counter_delta(100, 100), 0);
	ck_assert_double_eq(pl_counter_delta(UINT64_MAX, 0), (double)UINT64_MAX);
	/* Backwards: a reboot or reset, no delta. */
	ck_assert(isnan(pl_counter_delta(100, 150)));
	ck_assert(isnan(pl_counter_delta(0, 1)));
	ck_assert(isnan(pl_counter_delta(5, two32 + 10)));
	/* A 32-bit counter that passed 2^32 is counted. */
	ck_assert_double_eq(pl_counter_delta(5, two32 - 10), 15);
	ck_assert_double_eq(pl_counter_delta(0, two32 - 1), 1);
	ck_assert_double_eq(pl_counter_delta(1000, (uint64_t)3 << 30),
			    (double)(two32 - ((uint64_t)3 << 30) + 1000));
	/* ... but not when the old reading was low (a reset, not a wrap) */
	ck_assert(isnan(pl_counter_delta(5, 1000)));
	ck_assert(isnan(pl_counter_delta(5, ((uint64_t)1 << 31) - 1)));
	/* ... nor when the new reading is in the top half too */
	ck_assert(isnan(pl_counter_delta((uint64_t)1 << 31, two32 - 10)));
}
END_TEST

START_TEST(test_counter_rate)
{
	const uint64_t two32 = (uint64_t)1 << 32;

	ck_assert_double_eq(pl_counter_rate(1100, 100, 10), 100);
	ck_assert_double_eq(pl_counter_rate(100, 100, 10), 0);
	ck_assert_double_eq(pl_counter_rate(90, two32 - 10, 2), 50);
	ck_assert(isnan(pl_counter_rate(100, 200, 10)));
	ck_assert(isnan(pl_counter_rate(200, 100, 0)));
	ck_assert(isnan(pl_counter_rate(200, 100, -1)));
	ck_assert(isnan(pl_counter_rate(200, 100, NAN)));
}
END_TEST

/* pl_ini: the options seen, as "--key=value" or "--key", one per line. */
static int
ini_collect(void *ctx, const char *key, const char *value, size_t line, char *err,
	    size_t errlen)
{
	struct pl_buf *b = ctx;

	(void)line;
	if (strcmp(key, "stop") == 0) {
		pl_snprintf(err, errlen, "stopped at %s", key);
		return -1;
	}
	if (value != NULL)
		pl_buf_printf(b, "--%s=%s\n", key, value);
	else
		pl_buf_printf(b, "--%s\n", key);
	return 0;
}

static const struct {
	const char *text;
	const char *section;
	int rc;
	const char *out;      /* the options, or a part of the error */
} ini_cases[] = {
	{ "[check_cpu]\nwarning = 80\ncriticalx = iowait=~:40\nper-cpu\n", "check_cpu", 3,
	  "--warning=80\n--criticalx=iowait=~:40\n--per-cpu\n" },
	/* Other sections are skipped; the section may come back later. */
	{ "[a]\nx=1\n[check_cpu]\ny=2\n[b]\nz=3\n[check_cpu]\nw=4\n", "check_cpu", 2,
	  "--y=2\n--w=4\n" },
	{ "# comment\n; comment\n\n  [ check_cpu ]  \n  # indented comment\n  k  =  v  \n",
	  "check_cpu", 1, "--k=v\n" },
	/* Double quotes keep blanks at the ends; an empty value is kept. */
	{ "[s]\npassword = \"  sec ret  \"\nempty =\nquoted = \"\"\n", "s", 3,
	  "--password=  sec ret  \n--empty=\n--quoted=\n" },
	/* CRLF line ends and no newline at the end */
	{ "[s]\r\nk = v\r\nbare\r\nlast=1", "s", 3, "--k=v\n--bare\n--last=1\n" },
	/* '=' inside the value */
	{ "[s]\nwarningx = *_util=90\n", "s", 1, "--warningx=*_util=90\n" },
	/* A missing or empty section: 0 options */
	{ "[other]\nk = v\n", "check_cpu", 0, "" },
	{ "", "check_cpu", 0, "" },
	{ "[check_cpu]\n", "check_cpu", 0, "" },
	/* Malformed lines, with their line number */
	{ "[s]\nk = v\n= 5\n", "s", -1, "line 3" },
	{ "[s]\n\nkey with space = 1\n", "s", -1, "line 3" },
	{ "[s\nk=v\n", "s", -1, "line 1" },
	{ "[]\n", "s", -1, "line 1" },
	{ "[s]\nk=v\nno/slash\n", "s", -1, "line 3" },
	{ "[s]\nk.x = 1\n", "s", -1, "line 2" },
	/* The callback can stop the parse with its own message. */
	{ "[s]\na=1\nstop\nb=2\n", "s", -1, "stopped at stop" },
};

START_TEST(test_ini)
{
	struct pl_buf b = PL_BUF_INIT;
	char err[256] = "";
	int rc;

	rc = pl_ini_parse(ini_cases[_i].text, strlen(ini_cases[_i].text), ini_cases[_i].section,
			  ini_collect, &b, err, sizeof(err));
	ck_assert_msg(rc == ini_cases[_i].rc, "case %d: rc %d, err '%s'", _i, rc, err);
	if (rc >= 0)
		ck_assert_str_eq(pl_buf_str(&b), ini_cases[_i].out);
	else
		ck_assert_msg(strstr(err, ini_cases[_i].out) != NULL, "case %d: err '%s'", _i, err);
	pl_buf_free(&b);
}
END_TEST

/* pl_ini: each option comes with its line number, for messages that name it. */
static int
ini_lines(void *ctx, const char *key, const char *value, size_t line, char *err,
	  size_t errlen)
{
	(void)value, (void)err, (void)errlen;
	pl_buf_printf(ctx, "%s@%zu ", key, line);
	return 0;
}

START_TEST(test_ini_lineno)
{
	static const char text[] = "# c\n[s]\r\na = 1\n\n; c\nb\n[t]\nc=1\n[s]\nd = \"x\"";
	struct pl_buf b = PL_BUF_INIT;
	char err[256] = "";

	ck_assert_int_eq(pl_ini_parse(text, sizeof(text) - 1, "s", ini_lines, &b, err,
				      sizeof(err)), 3);
	ck_assert_str_eq(pl_buf_str(&b), "a@3 b@6 d@10 ");
	pl_buf_free(&b);
}
END_TEST

START_TEST(test_ini_nul)
{
	static const char text[] = "[s]\nk=v\0x\n";
	struct pl_buf b = PL_BUF_INIT;
	char err[256] = "";

	ck_assert_int_eq(pl_ini_parse(text, sizeof(text) - 1, "s", ini_collect, &b, err,
				      sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "line 2"));
	pl_buf_free(&b);
}
END_TEST

static const struct {
	const char *text;
	int indent, width;
	const char *out;
} wrap_cases[] = {
	{ "hello world foo", 2, 10, "  hello\n  world\n  foo\n" },
	{ "hello world foo", 0, 11, "hello world\nfoo\n" },
	{ "a b c", 4, 79, "    a b c\n" },
	{ "one\ntwo three", 1, 79, " one\n two three\n" },
	/* A word longer than the width stands alone, uncut. */
	{ "x averyveryverylongword y", 0, 8, "x\naveryveryverylongword\ny\n" },
	{ "  spaced   out  ", 0, 79, "spaced out\n" },
	{ "", 2, 79, "" },
	/* Chinese closing punctuation never starts a line, after an ASCII word too (it did:
	 * "--api-url" then a line starting "、"). */
	{ "ab --api-url\xe3\x80\x81x", 0, 12, "ab\n--api-url\xe3\x80\x81x\n" },
	{ "ab \xe4\xb8\xad\xe6\x96\x87\xef\xbc\x89", 0, 6,
	  "ab \xe4\xb8\xad\n\xe6\x96\x87\xef\xbc\x89\n" },
	/* Opening punctuation never ends a line: it goes with the word after it (a line
	 * ended "（" and the next began "--status-file"). */
	{ "ab \xe4\xb8\xad\xef\xbc\x88--status-file\xef\xbc\x89", 0, 8,
	  "ab \xe4\xb8\xad\n\xef\xbc\x88--status-file\xef\xbc\x89\n" },
	{ "\xe4\xb8\xad\xe3\x80\x8c\xe6\x96\x87\xe3\x80\x8d", 0, 2,
	  "\xe4\xb8\xad\n\xe3\x80\x8c\xe6\x96\x87\xe3\x80\x8d\n" },
};

START_TEST(test_wrap)
{
	struct pl_buf b = PL_BUF_INIT;

	pl_wrap(&b, wrap_cases[_i].text, wrap_cases[_i].indent, wrap_cases[_i].width);
	ck_assert_str_eq(pl_buf_str(&b), wrap_cases[_i].out);
	pl_buf_free(&b);
}
END_TEST

/* pl_html_text: markup as entities, control bytes (not newline, tab) as '?', UTF-8 as
 * it is. */
START_TEST(test_html_text)
{
	struct pl_buf b = PL_BUF_INIT;

	pl_html_text(&b, "<a href=\"x\">&'\x01\x1b\x7f\n\t\xe4\xb8\xad</a>");
	ck_assert_str_eq(pl_buf_str(&b), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;???\n\t"
			 "\xe4\xb8\xad&lt;/a&gt;");
	pl_buf_free(&b);
}
END_TEST

START_TEST(test_buf_cap)
{
	struct pl_buf b;

	pl_buf_init(&b, 10);
	ck_assert_str_eq(pl_buf_str(&b), "");
	ck_assert_int_eq(pl_buf_puts(&b, "12345"), 0);
	ck_assert_int_eq(pl_buf_printf(&b, "%d", 678), 0);
	ck_assert(!b.truncated);
	ck_assert_int_eq(pl_buf_puts(&b, "abcdef"), -1);
	ck_assert(b.truncated);
	ck_assert_uint_eq(b.len, 10);
	ck_assert_str_eq(pl_buf_str(&b), "12345678ab");
	/* Full: every further write is cut and says so. */
	ck_assert_int_eq(pl_buf_putc(&b, 'x'), -1);
	ck_assert_str_eq(pl_buf_str(&b), "12345678ab");
	ck_assert_uint_le(b.size, 11);
	pl_buf_reset(&b);
	ck_assert(!b.truncated);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_str_eq(pl_buf_str(&b), "");
	ck_assert_int_eq(pl_buf_putc(&b, 'y'), 0);
	ck_assert_str_eq(pl_buf_str(&b), "y");
	pl_buf_free(&b);
	ck_assert_ptr_null(b.data);
	ck_assert_str_eq(pl_buf_str(&b), "");
}
END_TEST

START_TEST(test_buf_big_printf)
{
	struct pl_buf b;
	char big[1000];

	/* Longer than the 256-byte fast path, and cut at the cap. */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	pl_buf_init(&b, 0);
	ck_assert_int_eq(pl_buf_printf(&b, "<%s>", big), 0);
	ck_assert_uint_eq(b.len, 1001);
	ck_assert_int_eq(b.data[1000], '>');
	pl_buf_free(&b);
	pl_buf_init(&b, 500);
	ck_assert_int_eq(pl_buf_printf(&b, "<%s>", big), -1);
	ck_assert(b.truncated);
	ck_assert_uint_eq(b.len, 500);
	ck_assert_uint_eq(strlen(b.data), 500);
	pl_buf_free(&b);
}
END_TEST

START_TEST(test_buf_binary)
{
	struct pl_buf b = PL_BUF_INIT;

	ck_assert_int_eq(pl_buf_add(&b, "a\0b", 3), 0);
	ck_assert_uint_eq(b.len, 3);
	ck_assert_int_eq(memcmp(b.data, "a\0b", 4), 0);
	ck_assert_int_eq(pl_buf_add(&b, "", 0), 0);
	ck_assert_uint_eq(b.len, 3);
	pl_buf_free(&b);
}
END_TEST

START_TEST(test_strlcpy)
{
	char dst[6];

	ck_assert_uint_eq(pl_strlcpy(dst, "abc", sizeof(dst)), 3);
	ck_assert_str_eq(dst, "abc");
	ck_assert_uint_eq(pl_strlcpy(dst, "abcdef", sizeof(dst)), 6);
	ck_assert_str_eq(dst, "abcde");
	ck_assert_uint_eq(pl_strlcpy(dst, "abcdefghij", sizeof(dst)), 10);
	ck_assert_str_eq(dst, "abcde");
	ck_assert_uint_eq(pl_strlcpy(dst, "", sizeof(dst)), 0);
	ck_assert_str_eq(dst, "");
	dst[0] = 'x';
	ck_assert_uint_eq(pl_strlcpy(dst, "abc", 0), 3);
	ck_assert_int_eq(dst[0], 'x');
	ck_assert_uint_eq(pl_strlcpy(dst, "abc", 1), 3);
	ck_assert_str_eq(dst, "");
}
END_TEST

START_TEST(test_snprintf)
{
	char dst[5];

	ck_assert_int_eq(pl_snprintf(dst, sizeof(dst), "%d", 1234567), 7);
	ck_assert_str_eq(dst, "1234");
	ck_assert_int_eq(pl_snprintf(dst, sizeof(dst), "%s", "ab"), 2);
	ck_assert_str_eq(dst, "ab");
}
END_TEST

/* pl_lines: text (len bytes, NULs allowed), then the walk written as each line in brackets,
 * followed by '~' when it was cut, and the number of lines. */
static const struct {
	const char *text;
	size_t len;
	const char *walk;
	size_t nlines;
} lines_cases[] = {
	{ "", 0, "", 0 },
	{ "\n", 1, "[]", 1 },
	{ "a", 1, "[a]~", 1 },
	{ "a\n", 2, "[a]", 1 },
	{ "a\n\n", 3, "[a][]", 2 },
	{ "one\ntwo", 7, "[one][two]~", 2 },
	{ "one\n\nthree\n", 11, "[one][][three]", 3 },
	{ "x\r\ny\r", 5, "[x\r][y\r]~", 2 },
	{ "a\0b\nc", 5, "[a?b][c]~", 2 },
};

START_TEST(test_lines)
{
	struct pl_lines it;
	struct pl_buf b = PL_BUF_INIT;
	const char *ls, *le;
	bool cut;

	pl_lines_init(&it, lines_cases[_i].text, lines_cases[_i].len);
	ck_assert_uint_eq(it.lineno, 0);
	while (pl_lines_next(&it, &ls, &le, &cut)) {
		pl_buf_putc(&b, '[');
		for (const char *c = ls; c < le; c++)
			pl_buf_putc(&b, *c == '\0' ? '?' : *c);
		pl_buf_puts(&b, cut ? "]~" : "]");
		ck_assert_ptr_eq(it.p, le + !cut);
	}
	ck_assert_str_eq(b.data != NULL ? b.data : "", lines_cases[_i].walk);
	ck_assert_uint_eq(it.lineno, lines_cases[_i].nlines);
	/* The end is sticky: asking again neither moves nor counts. */
	ck_assert(!pl_lines_next(&it, &ls, &le, &cut));
	ck_assert_uint_eq(it.lineno, lines_cases[_i].nlines);
	ck_assert_ptr_eq(it.p, it.end);
	pl_buf_free(&b);
}
END_TEST

START_TEST(test_lines_edges)
{
	struct pl_lines it;
	const char *ls = NULL, *le = NULL;

	/* An empty text may come as NULL; it has no lines. */
	pl_lines_init(&it, NULL, 0);
	ck_assert(!pl_lines_next(&it, &ls, &le, NULL));
	ck_assert_ptr_null(ls);
	ck_assert_uint_eq(it.lineno, 0);
	/* cut may be NULL when the caller does not care. */
	pl_lines_init(&it, "ab\ncd", 5);
	ck_assert(pl_lines_next(&it, &ls, &le, NULL));
	ck_assert_uint_eq((size_t)(le - ls), 2);
	ck_assert_int_eq(memcmp(ls, "ab", 2), 0);
	ck_assert(pl_lines_next(&it, &ls, &le, NULL));
	ck_assert_int_eq(memcmp(ls, "cd", 2), 0);
	ck_assert_uint_eq(it.lineno, 2);
	/* Only len bytes are read: a newline past them does not count. */
	pl_lines_init(&it, "ab\n", 2);
	{
		bool cut = false;

		ck_assert(pl_lines_next(&it, &ls, &le, &cut));
		ck_assert(cut);
		ck_assert_ptr_eq(le, ls + 2);
	}
}
END_TEST

/* pl_hash_bytes is 64-bit FNV-1a: the published test vectors, and NUL bytes count. */
static const struct {
	const char *s;
	size_t len;
	uint64_t h;
} hash_cases[] = {
	{ "", 0, 0xcbf29ce484222325ull },
	{ "a", 1, 0xaf63dc4c8601ec8cull },
	{ "foobar", 6, 0x85944171f73967e8ull },
	{ "a\0b", 3, 0xe5d29919042666b2ull },
};

/* pl_xxh64 is XXH64: vectors published with other implementations (LLVM's xxhash
 * tests, ClickHouse's), through each of its paths: nothing, the tail bytes, a 4-byte
 * word, 8-byte words, the 32-byte stripes; a seed changes the sum. */
static const struct {
	const char *s;
	uint64_t seed, h;
} xxh_cases[] = {
	{ "", 0, 0xef46db3751d8e999ull },
	{ "a", 0, 0xd24ec4f1a98c6e5bull },
	{ "abc", 0, 0x44bc2cf5ad770999ull },
	{ "abcd", 0, 0xde0327b0d25d92ccull },
	{ "abcdefgh", 0, 0x3ad351775b4634b7ull },
	{ "foo", 0, 0x33bf00a859c4ba3full },
	{ "xxhash", 0, 0x32dd38952c4bc720ull },
	{ "abcdefghijklmnopqrstuvwxyz12345", 0, 0x467605901b01d6f6ull },
	{ "abcdefghijklmnopqrstuvwxyz12345", 877380273, 0x37b562ec5715e132ull },
	{ "0123456789abcdefghijklmnopqrstuvwxyz", 0, 0x69196c1b3af0bff9ull },
};

START_TEST(test_xxh64)
{
	ck_assert_uint_eq(pl_xxh64(xxh_cases[_i].s, strlen(xxh_cases[_i].s), xxh_cases[_i].seed),
			  xxh_cases[_i].h);
}
END_TEST

START_TEST(test_hash_bytes)
{
	const char *s = hash_cases[_i].s;
	size_t len = hash_cases[_i].len, half = len / 2;
	char key[32], want[32];

	ck_assert_uint_eq(pl_hash_bytes(s, len), hash_cases[_i].h);
	/* In parts, it is the hash of the whole. */
	ck_assert_uint_eq(pl_hash_more(pl_hash_more(PL_HASH_INIT, s, half), s + half,
				       len - half), hash_cases[_i].h);
	/* The default state key is this hash (state files keep their names). */
	pl_store_key_hash(s, len, key, sizeof(key));
	pl_snprintf(want, sizeof(want), "%016llx", (unsigned long long)hash_cases[_i].h);
	ck_assert_str_eq(key, want);
}
END_TEST

static const char *
names_at(const void *ctx, size_t i)
{
	return ((const char *const *)ctx)[i];
}

/* pl_names: the first of a name stays, lookups find every name across the table's
 * growth, a name never added is not found, and a freed index starts over. */
START_TEST(test_names)
{
	static char buf[3000][8];
	static const char *v[3001];
	struct pl_names ix = { 0 };
	size_t at = 99;

	ck_assert(!pl_names_find(&ix, "x", names_at, v, &at));
	for (size_t i = 0; i < 3000; i++) {
		pl_snprintf(buf[i], sizeof(buf[i]), "n%zu", i);
		v[i] = buf[i];
		ck_assert_int_eq(pl_names_add(&ix, i, names_at, v), 0);
		ck_assert_uint_le(ix.n * 2, ix.nslot);
	}
	v[3000] = "n17";                          /* a name seen before */
	ck_assert_int_eq(pl_names_add(&ix, 3000, names_at, v), 1);
	ck_assert_uint_eq(ix.n, 3000);
	for (size_t i = 0; i < 3000; i++) {
		ck_assert(pl_names_find(&ix, buf[i], names_at, v, &at));
		ck_assert_uint_eq(at, i);
	}
	ck_assert(!pl_names_find(&ix, "n3000", names_at, v, &at));
	ck_assert(!pl_names_find(&ix, "", names_at, v, &at));
	pl_names_free(&ix);
	ck_assert_uint_eq(ix.nslot, 0);
	ck_assert(!pl_names_find(&ix, "n1", names_at, v, &at));
	ck_assert_int_eq(pl_names_add(&ix, 1, names_at, v), 0);
	ck_assert(pl_names_find(&ix, "n1", names_at, v, &at));
	ck_assert_uint_eq(at, 1);
	pl_names_free(&ix);
	/* Room reserved at once: no growth on the way, the same answers, and a reserve
	 * over what is held keeps it. */
	ck_assert_int_eq(pl_names_add(&ix, 5, names_at, v), 0);
	ck_assert_int_eq(pl_names_reserve(&ix, 3000, names_at, v), 0);
	ck_assert_uint_eq(ix.nslot, 8192);
	ck_assert(pl_names_find(&ix, "n5", names_at, v, &at));
	for (size_t i = 0; i < 3000; i++) {
		ck_assert_int_eq(pl_names_add(&ix, i, names_at, v), i == 5 ? 1 : 0);
		ck_assert_uint_eq(ix.nslot, 8192);
	}
	ck_assert_int_eq(pl_names_add(&ix, 3000, names_at, v), 1);
	for (size_t i = 0; i < 3000; i++) {
		ck_assert(pl_names_find(&ix, buf[i], names_at, v, &at));
		ck_assert_uint_eq(at, i);
	}
	ck_assert_int_eq(pl_names_reserve(&ix, 10, names_at, v), 0);
	ck_assert_uint_eq(ix.nslot, 8192);
	pl_names_free(&ix);
}
END_TEST


/* pl_utf8_len: RFC 3629's edges (the first and last of each length, overlong forms,
 * surrogates, above U+10FFFF, a sequence cut by a NUL or an ASCII byte). */
static const struct {
	const char *s;
	size_t want;
} utf8_cases[] = {
	{ "a", 1 }, { "\x7f", 1 },
	{ "\xc2\x80", 2 }, { "\xdf\xbf", 2 }, { "\xc0\xaf", 0 }, { "\xc1\xbf", 0 },
	{ "\xe0\xa0\x80", 3 }, { "\xe0\x9f\xbf", 0 }, { "\xef\xbf\xbd", 3 },
	{ "\xed\x9f\xbf", 3 }, { "\xed\xa0\x80", 0 },
	{ "\xf0\x90\x80\x80", 4 }, { "\xf0\x8f\xbf\xbf", 0 }, { "\xf4\x8f\xbf\xbf", 4 },
	{ "\xf4\x90\x80\x80", 0 }, { "\xf5\x80\x80\x80", 0 },
	{ "\x80", 0 }, { "\xbf", 0 }, { "\xff", 0 },
	{ "\xe2\x82", 0 }, { "\xe2\x82" "a", 0 }, { "\xf0\x9f\x98", 0 },
};

START_TEST(test_utf8_len)
{
	ck_assert_uint_eq(pl_utf8_len((const unsigned char *)utf8_cases[_i].s),
			  utf8_cases[_i].want);
}
END_TEST

/* pl_one_line: newlines and carriage returns are blanks, '|' a '/', the rest stays. */
START_TEST(test_one_line)
{
	char s[] = "a\nb\r\nc|d\te\x01\xc3\xa9";

	pl_one_line(s);
	ck_assert_str_eq(s, "a b  c/d\te\x01\xc3\xa9");
	pl_one_line(NULL);
	ck_assert_int_eq(pl_one_line_char('|'), '/');
	ck_assert_int_eq(pl_one_line_char('\n'), ' ');
	ck_assert_int_eq(pl_one_line_char('x'), 'x');
}
END_TEST


/* pl_bad_line_add: kept in order, names cut to the field, the array grown past 3,000. */
START_TEST(test_bad_line_add)
{
	struct pl_bad_line *v = NULL;
	size_t n = 0;
	char name[100];

	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	for (size_t i = 0; i < 3000; i++)
		ck_assert_int_eq(pl_bad_line_add(&v, &n, i + 1, i == 7 ? name : "a\x1b", "odd"), 0);
	ck_assert_uint_eq(n, 3000);
	ck_assert_uint_eq(v[2999].lineno, 3000);
	ck_assert_str_eq(v[0].name, "a\x1b");
	ck_assert_str_eq(v[0].why, "odd");
	ck_assert_uint_eq(strlen(v[7].name), PL_BAD_NAME_MAX - 1);
	free(v);
}
END_TEST


/* pl_scan_field_u64: a number that is the whole field, or nothing moves. */
START_TEST(test_scan_field)
{
	const char *buf = "12 34\t56x 7", *p = buf, *end = buf + strlen(buf);
	uint64_t u = 0;

	ck_assert_int_eq(pl_scan_field_u64(&p, end, &u), 0);
	ck_assert_uint_eq(u, 12);
	pl_skip_blanks(&p, end);
	ck_assert_int_eq(pl_scan_field_u64(&p, end, &u), 0);
	ck_assert_uint_eq(u, 34);
	pl_skip_blanks(&p, end);
	ck_assert_int_eq(pl_scan_field_u64(&p, end, &u), -1);
	ck_assert_str_eq(p, "56x 7");
	p += 4;
	ck_assert_int_eq(pl_scan_field_u64(&p, end, &u), 0);    /* ends at end */
	ck_assert_uint_eq(u, 7);
	ck_assert_ptr_eq(p, end);
	ck_assert_int_eq(pl_scan_field_u64(&p, end, &u), -1);
}
END_TEST

TCase *
tc_misc(void)
{
	TCase *tc = tcase_create("misc");

	tcase_add_loop_test(tc, test_parse_u64, 0, N(u64_cases));
	tcase_add_test(tc, test_parse_u64_max);
	tcase_add_loop_test(tc, test_parse_i64, 0, N(i64_cases));
	tcase_add_test(tc, test_parse_i64_bounds);
	tcase_add_loop_test(tc, test_parse_double, 0, N(dbl_cases));
	tcase_add_test(tc, test_parse_double_overflow);
	tcase_add_test(tc, test_scan);
	tcase_add_test(tc, test_scan_field);
	tcase_add_loop_test(tc, test_fmt_num, 0, N(fmt_cases));
	tcase_add_test(tc, test_fmt_num_small_buffer);
	tcase_add_test(tc, test_fmt_num_as_printf);
	tcase_add_loop_test(tc, test_unit_suffix, 0, N(suffix_cases));
	tcase_add_test(tc, test_unit_suffix_length);
	tcase_add_loop_test(tc, test_unit_human, 0, N(human_cases));
	tcase_add_test(tc, test_unit_human_duration_extra);
	tcase_add_test(tc, test_unit_names);
	tcase_add_test(tc, test_counter_delta);
	tcase_add_test(tc, test_counter_rate);
	tcase_add_loop_test(tc, test_ini, 0, N(ini_cases));
	tcase_add_test(tc, test_ini_nul);
	tcase_add_test(tc, test_ini_lineno);
	tcase_add_loop_test(tc, test_wrap, 0, N(wrap_cases));
	tcase_add_test(tc, test_buf_cap);
	tcase_add_test(tc, test_html_text);
	tcase_add_test(tc, test_buf_big_printf);
	tcase_add_test(tc, test_buf_binary);
	tcase_add_test(tc, test_strlcpy);
	tcase_add_test(tc, test_snprintf);
	tcase_add_loop_test(tc, test_lines, 0, N(lines_cases));
	tcase_add_test(tc, test_lines_edges);
	tcase_add_loop_test(tc, test_hash_bytes, 0, N(hash_cases));
	tcase_add_loop_test(tc, test_xxh64, 0, N(xxh_cases));
	tcase_add_test(tc, test_names);
	tcase_add_loop_test(tc, test_utf8_len, 0, N(utf8_cases));
	tcase_add_test(tc, test_one_line);
	tcase_add_test(tc, test_bad_line_add);
	return tc;
}
