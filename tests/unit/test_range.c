/* Unit tests of pl_range: the threshold table of GUIDE.md, units, and malformed ranges. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "pl_range.h"
#include "tests.h"

/* One range, one value, and whether it must alert. Endpoints are inclusive. */
struct alert_case {
	const char *range;
	double x;
	bool alerts;
};

static const struct alert_case alert_cases[] = {
	/* "10": alert when x < 0 or x > 10 */
	{ "10", -0.001, true }, { "10", 0, false }, { "10", 5, false }, { "10", 10, false },
	{ "10", 10.001, true }, { "10", -5, true }, { "10", 11, true },
	/* "10:": alert when x < 10 */
	{ "10:", 9.999, true }, { "10:", 10, false }, { "10:", 1e12, false },
	{ "10:", -10, true },
	/* "~:10": alert when x > 10 */
	{ "~:10", -1e12, false }, { "~:10", 10, false }, { "~:10", 10.001, true },
	/* "10:20": alert when x < 10 or x > 20 */
	{ "10:20", 9.999, true }, { "10:20", 10, false }, { "10:20", 15, false },
	{ "10:20", 20, false }, { "10:20", 20.001, true },
	/* "@10:20": alert when 10 <= x <= 20 */
	{ "@10:20", 9.999, false }, { "@10:20", 10, true }, { "@10:20", 15, true },
	{ "@10:20", 20, true }, { "@10:20", 20.001, false },
	/* Negative numbers */
	{ "-10:-5", -10.5, true }, { "-10:-5", -10, false }, { "-10:-5", -5, false },
	{ "-10:-5", -4.9, true }, { "~:-5", -5, false }, { "~:-5", -4, true },
	{ "-5:", -5, false }, { "-5:", -5.5, true }, { "@-1:1", 0, true },
	{ "@-1:1", -1.5, false },
	/* Decimals */
	{ "0.5", 0.5, false }, { "0.5", 0.51, true }, { "1.5:2.25", 1.49, true },
	{ "1.5:2.25", 2.25, false }, { "1.5:2.25", 2.26, true }, { ".5", 0.6, true },
	/* Units: the numbers are kept in the base unit */
	{ "80%", 80, false }, { "80%", 80.01, true },
	{ "512MB", 536870912, false }, { "512MB", 536870913, true },
	{ "20ms", 0.02, false }, { "20ms", 0.021, true },
	{ "50MB/s", 52428800, false }, { "50MB/s", 52428801, true },
	{ "1Gbit/s", 1e9, false }, { "1Gbit/s", 1e9 + 1, true },
	{ "~:2GB", 2147483648.0, false }, { "~:2GB", 2147483649.0, true },
	{ "@1K:2K", 1500, true }, { "@1K:2K", 2049, false },
	/* '~:' is minus to plus infinity: it never alerts */
	{ "~:", -1e300, false }, { "~:", 0, false }, { "~:", 1e300, false },
	/* "@~:" is everything: it always alerts */
	{ "@~:", 0, true },
	/* A NaN value never alerts, whatever the range */
	{ "10", NAN, false }, { "@0:10", NAN, false }, { "~:10", NAN, false },
};

START_TEST(test_range_alerts)
{
	const struct alert_case *c = &alert_cases[_i];
	struct pl_range r;
	char err[256] = "";

	ck_assert_msg(pl_range_parse(c->range, &r, err, sizeof(err)) == 0,
		      "range '%s' rejected: %s", c->range, err);
	ck_assert(r.set);
	ck_assert_msg(pl_range_alerts(&r, c->x) == c->alerts, "range '%s', x=%.17g: expected %s",
		      c->range, c->x, c->alerts ? "an alert" : "no alert");
}
END_TEST

/* What a range parses to, in base units. */
struct parse_case {
	const char *text;
	bool inside, start_inf, end_inf;
	double start, end;
	enum pl_unit unit;
};

static const struct parse_case parse_cases[] = {
	{ "10", false, false, false, 0, 10, PL_U_NONE },
	{ "10:", false, false, true, 10, 0, PL_U_NONE },
	{ "~:10", false, true, false, 0, 10, PL_U_NONE },
	{ "10:20", false, false, false, 10, 20, PL_U_NONE },
	{ "@10:20", true, false, false, 10, 20, PL_U_NONE },
	{ "~:", false, true, true, 0, 0, PL_U_NONE },
	{ "80%", false, false, false, 0, 80, PL_U_PERCENT },
	{ "512MB", false, false, false, 0, 536870912, PL_U_BYTES },
	{ "1KiB:2K", false, false, false, 1024, 2048, PL_U_BYTES },
	{ "20ms", false, false, false, 0, 0.02, PL_U_SECONDS },
	{ "50MB/s", false, false, false, 0, 52428800, PL_U_BYTES_PER_S },
	{ "1Gbit/s", false, false, false, 0, 1e9, PL_U_BITS_PER_S },
	{ "~:100Mbit/s", false, true, false, 0, 1e8, PL_U_BITS_PER_S },
	{ "10%:", false, false, true, 10, 0, PL_U_PERCENT },
	{ "@-2.5:-0.5", true, false, false, -2.5, -0.5, PL_U_NONE },
	{ "5:5", false, false, false, 5, 5, PL_U_NONE },
};

START_TEST(test_range_parse)
{
	const struct parse_case *c = &parse_cases[_i];
	struct pl_range r;
	char err[256] = "";

	ck_assert_msg(pl_range_parse(c->text, &r, err, sizeof(err)) == 0, "'%s': %s", c->text,
		      err);
	ck_assert(r.set);
	ck_assert_msg(r.inside == c->inside, "'%s' inside", c->text);
	ck_assert_msg(r.start_inf == c->start_inf, "'%s' start_inf", c->text);
	ck_assert_msg(r.end_inf == c->end_inf, "'%s' end_inf", c->text);
	if (!c->start_inf)
		ck_assert_double_eq_tol(r.start, c->start, fabs(c->start) * 1e-12 + 1e-300);
	if (!c->end_inf)
		ck_assert_double_eq_tol(r.end, c->end, fabs(c->end) * 1e-12 + 1e-300);
	ck_assert_int_eq(r.unit, c->unit);
}
END_TEST

/* Ranges that must be refused with a reason, never read as 0. */
static const char *const bad_ranges[] = {
	"", "@", "abc", "10:5", "10x", "1:2:3", ":10", "10::", "1e3", "0x10", "inf", "nan",
	" 10", "10 ", "--5", "-5", "@20:10", "~", "~~:10", "10:~", "5.", "1,5", "10%:20MB",
	"1Gbit/s:2GB", "20ms:1%", "10XB", "10 MB", "+", "@@10", "10:20:", "\t10",
};

START_TEST(test_range_bad)
{
	const char *text = bad_ranges[_i];
	struct pl_range r;
	char err[256] = "";

	ck_assert_msg(pl_range_parse(text, &r, err, sizeof(err)) == -1, "'%s' was accepted",
		      text);
	ck_assert_msg(err[0] != '\0', "'%s': no reason given", text);
}
END_TEST

/* The canonical form perfdata carries, in base units. */
static const char *const format_cases[][2] = {
	{ "10", "10" }, { "10:", "10:" }, { "~:10", "~:10" }, { "10:20", "10:20" },
	{ "@10:20", "@10:20" }, { "~:", "~:" }, { "0:10", "10" }, { "@0:10", "@0:10" },
	{ "80%", "80" }, { "512MB", "536870912" }, { "20ms", "0.02" }, { "1Gbit/s", "1000000000" },
	{ "50MB/s:", "52428800:" }, { "-10:-5", "-10:-5" }, { "1.50:2.250", "1.5:2.25" },
	{ "~:1us", "~:0.000001" }, { "@~:5", "@~:5" }, { "1TB", "1099511627776" },
};

START_TEST(test_range_format)
{
	struct pl_range r;
	char err[256] = "", out[128];

	ck_assert_msg(pl_range_parse(format_cases[_i][0], &r, err, sizeof(err)) == 0, "%s", err);
	ck_assert_str_eq(pl_range_format(&r, out, sizeof(out)), format_cases[_i][1]);
}
END_TEST

START_TEST(test_range_unset)
{
	struct pl_range r;
	char out[16] = "junk";

	memset(&r, 0, sizeof(r));
	ck_assert_str_eq(pl_range_format(&r, out, sizeof(out)), "");
	ck_assert(!pl_range_alerts(&r, 1e300));
	ck_assert(!pl_range_alerts(&r, -1e300));
	ck_assert(pl_range_fits(&r, PL_U_BYTES));
}
END_TEST

START_TEST(test_range_fits)
{
	struct pl_range r;
	char err[256];

	ck_assert_int_eq(pl_range_parse("80", &r, err, sizeof(err)), 0);
	ck_assert(pl_range_fits(&r, PL_U_PERCENT));
	ck_assert(pl_range_fits(&r, PL_U_BYTES));
	ck_assert(pl_range_fits(&r, PL_U_NONE));
	ck_assert_int_eq(pl_range_parse("80%", &r, err, sizeof(err)), 0);
	ck_assert(pl_range_fits(&r, PL_U_PERCENT));
	ck_assert(!pl_range_fits(&r, PL_U_BYTES));
	ck_assert(!pl_range_fits(&r, PL_U_NONE));
	ck_assert_int_eq(pl_range_parse("~:512MB", &r, err, sizeof(err)), 0);
	ck_assert(pl_range_fits(&r, PL_U_BYTES));
	ck_assert(!pl_range_fits(&r, PL_U_BYTES_PER_S));
	ck_assert(!pl_range_fits(&r, PL_U_PERCENT));
	ck_assert_int_eq(pl_range_parse("1Gbit/s", &r, err, sizeof(err)), 0);
	ck_assert(pl_range_fits(&r, PL_U_BITS_PER_S));
	ck_assert(!pl_range_fits(&r, PL_U_BYTES_PER_S));
}
END_TEST

START_TEST(test_range_errors_name_the_problem)
{
	struct pl_range r;
	char err[256];

	/* The problem is named, the text never repeated (it may come from a file). */
	ck_assert_int_eq(pl_range_parse("10:5", &r, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "start of the range is greater than its end"));
	ck_assert_ptr_null(strstr(err, "10:5"));
	ck_assert_int_eq(pl_range_parse("-5", &r, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "cannot be negative"));
	ck_assert_ptr_null(strstr(err, "-5"));
	ck_assert_int_eq(pl_range_parse("S3CR3T", &r, err, sizeof(err)), -1);
	ck_assert_ptr_null(strstr(err, "S3CR3T"));
	ck_assert_int_eq(pl_range_parse("1:S3CR3T", &r, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "end of the range"));
	ck_assert_ptr_null(strstr(err, "S3CR3T"));
	ck_assert_int_eq(pl_range_parse("5S3CR3T:9", &r, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "start of the range has an unknown unit"));
	ck_assert_ptr_null(strstr(err, "S3CR3T"));
	ck_assert_int_eq(pl_range_parse("10%:20MB", &r, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "percent"));
	ck_assert_ptr_nonnull(strstr(err, "bytes"));
	ck_assert_int_eq(pl_range_parse("10x", &r, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "unknown unit"));
	/* A small error buffer is cut, never overrun. */
	ck_assert_int_eq(pl_range_parse("abc", &r, err, 8), -1);
	ck_assert_uint_eq(strlen(err), 7);
}
END_TEST

/* The reason shown on the status line. */
START_TEST(test_range_why)
{
	struct pl_range r;
	char err[256], why[64];

	ck_assert_int_eq(pl_range_parse("90%", &r, err, sizeof(err)), 0);
	ck_assert_str_eq(pl_range_why(&r, 95, PL_U_PERCENT, why, sizeof(why)), "over 90%");
	ck_assert_int_eq(pl_range_parse("10:", &r, err, sizeof(err)), 0);
	ck_assert_str_eq(pl_range_why(&r, 5, PL_U_PERCENT, why, sizeof(why)), "under 10%");
	ck_assert_int_eq(pl_range_parse("@10:20", &r, err, sizeof(err)), 0);
	ck_assert_str_eq(pl_range_why(&r, 15, PL_U_NONE, why, sizeof(why)), "between 10 and 20");
	ck_assert_int_eq(pl_range_parse("~:512MB", &r, err, sizeof(err)), 0);
	ck_assert_str_eq(pl_range_why(&r, 1e9, PL_U_BYTES, why, sizeof(why)), "over 512MiB");
	ck_assert_int_eq(pl_range_parse("@~:5", &r, err, sizeof(err)), 0);
	ck_assert_str_eq(pl_range_why(&r, 1, PL_U_NONE, why, sizeof(why)), "at or under 5");
	ck_assert_int_eq(pl_range_parse("@5:", &r, err, sizeof(err)), 0);
	ck_assert_str_eq(pl_range_why(&r, 6, PL_U_NONE, why, sizeof(why)), "at or over 5");
	ck_assert_int_eq(pl_range_parse("20", &r, err, sizeof(err)), 0);
	ck_assert_str_eq(pl_range_why(&r, -1, PL_U_NONE, why, sizeof(why)), "under 0");
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

TCase *
tc_range(void)
{
	TCase *tc = tcase_create("range");

	tcase_add_loop_test(tc, test_range_alerts, 0, N(alert_cases));
	tcase_add_loop_test(tc, test_range_parse, 0, N(parse_cases));
	tcase_add_loop_test(tc, test_range_bad, 0, N(bad_ranges));
	tcase_add_loop_test(tc, test_range_format, 0, N(format_cases));
	tcase_add_test(tc, test_range_unset);
	tcase_add_test(tc, test_range_fits);
	tcase_add_test(tc, test_range_errors_name_the_problem);
	tcase_add_test(tc, test_range_why);
	return tc;
}
