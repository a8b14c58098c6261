/* Unit tests of pl_result: applying thresholds, states, and the exact rendered output. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pl_buf.h"
#include "pl_result.h"
#include "tests.h"

/* Adds the metric STEM followed by i (zero-padded to width digits). */
static struct pl_metric *
metric_nth(struct pl_result *r, double value, enum pl_unit unit, const char *stem, int i,
	   int width)
{
	char label[PL_LABEL_MAX];

	pl_snprintf(label, sizeof(label), "%s%0*d", stem, width, i);
	return pl_metric_add(r, label, value, unit);
}

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const char *const mem_primary[] = { "used_pct", "used", NULL };

/* used_pct 85%, used 600 MiB */
static void
mem_result(struct pl_result *r)
{
	pl_result_init(r, "check_mem", "MEM");
	pl_metric_add(r, "used_pct", 85, PL_U_PERCENT);
	pl_metric_add(r, "used", 600.0 * 1048576, PL_U_BYTES);
}

/* Adds thresholds from "w:RANGE", "c:RANGE", "W:LABEL=RANGE", "C:LABEL=RANGE" specs. */
static int
thresholds(struct pl_thresholds *t, const char *const *specs, char *err, size_t errlen)
{
	for (; *specs != NULL; specs++) {
		const char *s = *specs;
		bool critical = s[0] == 'c' || s[0] == 'C';
		bool labelled = s[0] == 'W' || s[0] == 'C';

		if (pl_thresholds_add(t, critical, labelled, s + 2, err, errlen) != 0)
			return -1;
	}
	return 0;
}

/* Applies specs to the memory result; returns the apply result, states in *s1, *s2. */
static int
apply_mem(const char *const *specs, enum pl_state *s1, enum pl_state *s2, char *err,
	  size_t errlen)
{
	struct pl_result r;
	struct pl_thresholds t = { NULL, 0 };
	int rc;

	mem_result(&r);
	ck_assert_msg(thresholds(&t, specs, err, errlen) == 0, "%s", err);
	rc = pl_result_apply(&r, &t, mem_primary, err, errlen);
	*s1 = r.metrics[0]->state;
	*s2 = r.metrics[1]->state;
	pl_thresholds_free(&t);
	pl_result_free(&r);
	return rc;
}

static const struct {
	const char *specs[4];
	int rc;
	enum pl_state used_pct, used;
	const char *err_has[3];
} apply_cases[] = {
	/* -w and -c go to the primary metric. */
	{ { "w:80", NULL }, 0, PL_WARNING, PL_OK, { NULL } },
	{ { "c:80", NULL }, 0, PL_CRITICAL, PL_OK, { NULL } },
	{ { "w:90", NULL }, 0, PL_OK, PL_OK, { NULL } },
	/* The primary is chosen by unit: a byte range goes to "used". */
	{ { "c:512MB", NULL }, 0, PL_OK, PL_CRITICAL, { NULL } },
	{ { "c:1GB", NULL }, 0, PL_OK, PL_OK, { NULL } },
	{ { "w:80%", NULL }, 0, PL_WARNING, PL_OK, { NULL } },
	/* A unit no primary metric is in is an error that says so. */
	{ { "w:20ms", NULL }, -1, PL_OK, PL_OK, { "20ms", "used_pct", "seconds" } },
	/* Critical is evaluated before warning. */
	{ { "w:50", "c:80", NULL }, 0, PL_CRITICAL, PL_OK, { NULL } },
	{ { "c:80", "w:50", NULL }, 0, PL_CRITICAL, PL_OK, { NULL } },
	{ { "w:50", "c:90", NULL }, 0, PL_WARNING, PL_OK, { NULL } },
	{ { "w:@80:90", "c:~:100", NULL }, 0, PL_WARNING, PL_OK, { NULL } },
	/* The later spec wins. */
	{ { "w:50", "w:90", NULL }, 0, PL_OK, PL_OK, { NULL } },
	{ { "w:90", "w:50", NULL }, 0, PL_WARNING, PL_OK, { NULL } },
	{ { "W:*=50", "W:used_pct=90", NULL }, 0, PL_OK, PL_WARNING, { NULL } },
	{ { "W:used_pct=90", "W:*=50", NULL }, 0, PL_WARNING, PL_WARNING, { NULL } },
	{ { "w:50", "W:used_pct=90", NULL }, 0, PL_OK, PL_OK, { NULL } },
	/* LABEL=RANGE with globs */
	{ { "C:used=500MB", NULL }, 0, PL_OK, PL_CRITICAL, { NULL } },
	{ { "C:*_pct=80", NULL }, 0, PL_CRITICAL, PL_OK, { NULL } },
	{ { "W:used*=10", NULL }, 0, PL_WARNING, PL_WARNING, { NULL } },
	{ { "W:u?ed=10", NULL }, 0, PL_OK, PL_WARNING, { NULL } },
	{ { "C:[u]sed_pct=~:10", NULL }, 0, PL_CRITICAL, PL_OK, { NULL } },
	/* A label that matches nothing is an error naming it and the labels there are. */
	{ { "W:nosuch=10", NULL }, -1, PL_OK, PL_OK, { "nosuch", "used_pct, used", NULL } },
	{ { "C:Used=10", NULL }, -1, PL_OK, PL_OK, { "Used", NULL } },
	/* A unit that does not fit a matched metric is an error. */
	{ { "W:*=80%", NULL }, -1, PL_OK, PL_OK, { "'used'", "bytes", NULL } },
	{ { "C:used_pct=1GB", NULL }, -1, PL_OK, PL_OK, { "used_pct", "percent", NULL } },
};

START_TEST(test_apply)
{
	enum pl_state s1 = PL_UNKNOWN, s2 = PL_UNKNOWN;
	char err[512] = "";
	int rc = apply_mem(apply_cases[_i].specs, &s1, &s2, err, sizeof(err));

	ck_assert_msg(rc == apply_cases[_i].rc, "case %d: rc %d (%s)", _i, rc, err);
	if (rc == 0) {
		ck_assert_msg(s1 == apply_cases[_i].used_pct, "case %d: used_pct %s", _i,
			      pl_state_name(s1));
		ck_assert_msg(s2 == apply_cases[_i].used, "case %d: used %s", _i,
			      pl_state_name(s2));
		return;
	}
	for (int k = 0; k < 3 && apply_cases[_i].err_has[k] != NULL; k++)
		ck_assert_msg(strstr(err, apply_cases[_i].err_has[k]) != NULL,
			      "case %d: '%s' not in '%s'", _i, apply_cases[_i].err_has[k], err);
}
END_TEST

START_TEST(test_apply_primary_absent)
{
	static const char *const primary[] = { "nosuch", NULL };
	const char *specs[] = { "w:10", NULL };
	struct pl_result r;
	struct pl_thresholds t = { NULL, 0 };
	char err[256] = "";

	/* A primary metric not measured this run: -w has nothing to apply to, no error. */
	mem_result(&r);
	ck_assert_int_eq(thresholds(&t, specs, err, sizeof(err)), 0);
	ck_assert_int_eq(pl_result_apply(&r, &t, primary, err, sizeof(err)), 0);
	ck_assert_int_eq(pl_result_state(&r), PL_OK);
	ck_assert_int_eq(pl_result_apply(&r, &t, NULL, err, sizeof(err)), 0);
	pl_thresholds_free(&t);
	pl_result_free(&r);
}
END_TEST

START_TEST(test_thresholds_add_bad)
{
	struct pl_thresholds t = { NULL, 0 };
	char err[256];

	err[0] = '\0';
	ck_assert_int_eq(pl_thresholds_add(&t, false, true, "used", err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "LABEL=RANGE"));
	ck_assert_int_eq(pl_thresholds_add(&t, false, true, "=10", err, sizeof(err)), -1);
	ck_assert_int_eq(pl_thresholds_add(&t, false, true, "used=", err, sizeof(err)), -1);
	ck_assert_int_eq(pl_thresholds_add(&t, false, true, "used=10:5", err, sizeof(err)), -1);
	ck_assert_int_eq(pl_thresholds_add(&t, true, false, "abc", err, sizeof(err)), -1);
	ck_assert_uint_eq(t.n, 0);
	ck_assert_int_eq(pl_thresholds_add(&t, true, true, "a=b=10", err, sizeof(err)), -1);
	ck_assert_int_eq(pl_thresholds_add(&t, true, true, "sda_await=~:20ms", err,
					   sizeof(err)), 0);
	ck_assert_uint_eq(t.n, 1);
	ck_assert_str_eq(t.v[0].pattern, "sda_await");
	ck_assert_str_eq(t.v[0].text, "--criticalx sda_await=~:20ms");
	ck_assert(t.v[0].critical);
	pl_thresholds_free(&t);
	ck_assert_uint_eq(t.n, 0);
}
END_TEST

START_TEST(test_nan_metric)
{
	const char *specs[] = { "c:0", "W:u=@~:", NULL };
	static const char *const primary[] = { "u", NULL };
	struct pl_result r;
	struct pl_thresholds t = { NULL, 0 };
	struct pl_buf out = PL_BUF_INIT;
	char err[256] = "";

	/* A value that could not be had never alerts, and its thresholds stay valid. */
	pl_result_init(&r, "check_x", "X");
	pl_metric_add(&r, "u", NAN, PL_U_PERCENT);
	ck_assert_int_eq(thresholds(&t, specs, err, sizeof(err)), 0);
	ck_assert_int_eq(pl_result_apply(&r, &t, primary, err, sizeof(err)), 0);
	ck_assert_int_eq(r.metrics[0]->state, PL_OK);
	ck_assert_int_eq(pl_result_state(&r), PL_OK);
	pl_render(&r, PL_FMT_NAGIOS, 10, &out);
	/* Left out of the perfdata by default; the thresholds not judged are named. */
	ck_assert_str_eq(pl_buf_str(&out),
			 "X OK - no problems found\nnot judged this run (no value): u\n");
	{
		struct pl_render_opts o = { PL_FMT_NAGIOS, 10, true, false };

		pl_buf_reset(&out);
		pl_render_with(&r, &o, &out);
		ck_assert_str_eq(pl_buf_str(&out), "X OK - no problems found | u=U;@~:;0\n"
				 "not judged this run (no value): u\n");
	}
	pl_buf_reset(&out);
	pl_render(&r, PL_FMT_JSON, 10, &out);
	ck_assert_ptr_nonnull(strstr(pl_buf_str(&out), "\"value\":null"));
	pl_buf_free(&out);
	pl_thresholds_free(&t);
	pl_result_free(&r);
}
END_TEST

START_TEST(test_state_order)
{
	static const enum pl_state all[] = { PL_OK, PL_WARNING, PL_CRITICAL, PL_UNKNOWN };
	static const int rank[] = { 0, 1, 3, 2 };   /* OK < WARNING < UNKNOWN < CRITICAL */
	enum pl_state s;

	for (int a = 0; a < 4; a++)
		for (int b = 0; b < 4; b++)
			ck_assert_int_eq(pl_state_worst(all[a], all[b]),
					 rank[a] >= rank[b] ? all[a] : all[b]);
	ck_assert_str_eq(pl_state_name(PL_OK), "OK");
	ck_assert_str_eq(pl_state_name(PL_WARNING), "WARNING");
	ck_assert_str_eq(pl_state_name(PL_CRITICAL), "CRITICAL");
	ck_assert_str_eq(pl_state_name(PL_UNKNOWN), "UNKNOWN");
	ck_assert_int_eq(pl_state_parse("Critical", &s), 0);
	ck_assert_int_eq(s, PL_CRITICAL);
	ck_assert_int_eq(pl_state_parse("3", &s), 0);
	ck_assert_int_eq(s, PL_UNKNOWN);
	ck_assert_int_eq(pl_state_parse("4", &s), -1);
	ck_assert_int_eq(pl_state_parse("", &s), -1);
	ck_assert_int_eq(pl_state_parse("crit", &s), -1);
}
END_TEST

START_TEST(test_result_state)
{
	struct pl_result r;

	pl_result_init(&r, "check_x", "X");
	ck_assert_int_eq(pl_result_state(&r), PL_OK);
	pl_result_line(&r, "a plain line");
	ck_assert_int_eq(pl_result_state(&r), PL_OK);
	pl_result_finding(&r, PL_WARNING, "w");
	ck_assert_int_eq(pl_result_state(&r), PL_WARNING);
	pl_result_finding(&r, PL_UNKNOWN, "u");
	ck_assert_int_eq(pl_result_state(&r), PL_UNKNOWN);
	pl_result_finding(&r, PL_WARNING, "w2");
	ck_assert_int_eq(pl_result_state(&r), PL_UNKNOWN);
	pl_metric_add(&r, "m", 1, PL_U_NONE)->state = PL_CRITICAL;
	ck_assert_int_eq(pl_result_state(&r), PL_CRITICAL);
	pl_result_finding(&r, PL_OK, "fine");
	ck_assert_int_eq(pl_result_state(&r), PL_CRITICAL);
	pl_result_free(&r);
}
END_TEST

/* The small result rendered in all three forms. */
static void
cpu_result(struct pl_result *r)
{
	const char *specs[] = { "w:80", "C:iowait=30", "W:load=1", NULL };
	static const char *const primary[] = { "user", NULL };
	struct pl_thresholds t = { NULL, 0 };
	struct pl_metric *m;
	char err[256] = "";

	pl_result_init(r, "check_cpu", "CPU");
	m = pl_metric_add(r, "user", 45.2, PL_U_PERCENT);
	pl_metric_minmax(m, 0, 100);
	m = pl_metric_add(r, "iowait", 35, PL_U_PERCENT);
	pl_metric_minmax(m, 0, 100);
	pl_metric_add(r, "load", 1.5, PL_U_NONE);
	pl_metric_add(r, "steal", 0.5, PL_U_PERCENT)->hidden = true;
	pl_result_summary(r, "user %.1f%%, iowait %d%%", 45.2, 35);
	pl_result_finding(r, PL_WARNING, "cpu1 is hot");
	pl_result_line(r, "2 CPUs");
	ck_assert_int_eq(thresholds(&t, specs, err, sizeof(err)), 0);
	ck_assert_msg(pl_result_apply(r, &t, primary, err, sizeof(err)) == 0, "%s", err);
	pl_thresholds_free(&t);
}

#define CPU_STATUS "CPU CRITICAL - iowait 35% (critical over 30%), cpu1 is hot, " \
	"load 1.5 (warning over 1) - " \
	"user 45.2%, iowait 35%"
#define CPU_PERF "user=45.2%;80;;0;100 iowait=35%;;30;0;100 load=1.5;1"

START_TEST(test_render_nagios)
{
	struct pl_result r;
	struct pl_buf out = PL_BUF_INIT;

	cpu_result(&r);
	ck_assert_int_eq(pl_result_state(&r), PL_CRITICAL);
	pl_render(&r, PL_FMT_NAGIOS, 10, &out);
	ck_assert_str_eq(pl_buf_str(&out),
			 CPU_STATUS " | " CPU_PERF "\n2 CPUs\n");
	/* max_lines 0: no long output at all */
	pl_buf_reset(&out);
	pl_render(&r, PL_FMT_NAGIOS, 0, &out);
	ck_assert_str_eq(pl_buf_str(&out), CPU_STATUS " | " CPU_PERF "\n");
	pl_buf_free(&out);
	pl_result_free(&r);
}
END_TEST

START_TEST(test_render_oneline)
{
	struct pl_result r;
	struct pl_buf out = PL_BUF_INIT;

	cpu_result(&r);
	pl_render(&r, PL_FMT_ONELINE, 10, &out);
	ck_assert_str_eq(pl_buf_str(&out), CPU_STATUS "; 2 CPUs\n");
	/* Perfdata in the one-line form only when asked for. */
	{
		struct pl_render_opts o = { PL_FMT_ONELINE, 10, false, true };

		pl_buf_reset(&out);
		pl_render_with(&r, &o, &out);
		ck_assert_str_eq(pl_buf_str(&out), CPU_STATUS "; 2 CPUs | " CPU_PERF "\n");
	}
	pl_buf_free(&out);
	pl_result_free(&r);
}
END_TEST

START_TEST(test_render_json)
{
	struct pl_result r;
	struct pl_buf out = PL_BUF_INIT;

	cpu_result(&r);
	pl_render(&r, PL_FMT_JSON, 10, &out);
	ck_assert_str_eq(pl_buf_str(&out),
		"{\"schema\":1,\"plugin\":\"check_cpu\",\"service\":\"CPU\",\"state\":\"CRITICAL\","
		"\"exit_code\":2,\"status\":\"" CPU_STATUS "\","
		"\"summary\":\"user 45.2%, iowait 35%\","
		"\"findings\":[{\"state\":\"WARNING\",\"text\":\"cpu1 is hot\"},"
		"{\"state\":\"CRITICAL\",\"text\":\"iowait 35% (critical over 30%)\","
		"\"metric\":\"iowait\"},{\"state\":\"WARNING\",\"text\":"
		"\"load 1.5 (warning over 1)\",\"metric\":\"load\"}],"
		"\"lines\":[\"2 CPUs\"],\"not_judged\":[],\"metrics\":["
		"{\"label\":\"user\",\"value\":45.2,\"unit\":\"percent\",\"uom\":\"%\","
		"\"warn\":\"80\",\"crit\":null,\"min\":0,\"max\":100,\"state\":\"OK\","
		"\"perfdata\":true},"
		"{\"label\":\"iowait\",\"value\":35,\"unit\":\"percent\",\"uom\":\"%\","
		"\"warn\":null,\"crit\":\"30\",\"min\":0,\"max\":100,\"state\":\"CRITICAL\","
		"\"perfdata\":true},"
		"{\"label\":\"load\",\"value\":1.5,\"unit\":\"a plain number\",\"uom\":\"\","
		"\"warn\":\"1\",\"crit\":null,\"min\":null,\"max\":null,\"state\":\"WARNING\","
		"\"perfdata\":true},"
		"{\"label\":\"steal\",\"value\":0.5,\"unit\":\"percent\",\"uom\":\"%\","
		"\"warn\":null,\"crit\":null,\"min\":null,\"max\":null,\"state\":\"OK\","
		"\"perfdata\":false}],\"facts\":{},\"items\":[],\"left_out\":{\"items\":0,"
		"\"metrics\":0,\"findings\":0,\"lines\":0,\"facts\":0,\"not_judged\":0}}\n");
	pl_buf_free(&out);
	pl_result_free(&r);
}
END_TEST

START_TEST(test_render_ok)
{
	struct pl_result r;
	struct pl_buf out = PL_BUF_INIT;

	pl_result_init(&r, "check_x", "X");
	pl_render(&r, PL_FMT_NAGIOS, 10, &out);
	ck_assert_str_eq(pl_buf_str(&out), "X OK - no problems found\n");
	pl_buf_reset(&out);
	pl_result_summary(&r, "all %d fine", 3);
	pl_render(&r, PL_FMT_NAGIOS, 10, &out);
	ck_assert_str_eq(pl_buf_str(&out), "X OK - all 3 fine\n");
	pl_buf_reset(&out);
	pl_render(&r, PL_FMT_ONELINE, 10, &out);
	ck_assert_str_eq(pl_buf_str(&out), "X OK - all 3 fine\n");
	pl_buf_free(&out);
	pl_result_free(&r);
}
END_TEST

/* A value and its limit never read alike: the limit is shown exactly (bounded), the
 * value with enough decimals to tell it from the limit, never in scientific notation. */
static const struct {
	double v;
	enum pl_unit u;
	const char *crit;
	bool summary;                /* shown in the summary by the plugin's own text */
	const char *want;
} limit_cases[] = {
	{ 0.08, PL_U_PERCENT, "0.07", false, "X CRITICAL - m 0.08% (critical over 0.07%)\n" },
	{ 0.18, PL_U_PERCENT, "0.01", false, "X CRITICAL - m 0.18% (critical over 0.01%)\n" },
	{ 1.58, PL_U_PERCENT, "0.07", false, "X CRITICAL - m 1.6% (critical over 0.1%)\n" },
	{ 0.14, PL_U_PERCENT, "0.1", false, "X CRITICAL - m 0.14% (critical over 0.1%)\n" },
	{ 0.1000004, PL_U_PERCENT, "0.1", false,
	  "X CRITICAL - m 0.1000004% (critical over 0.1%)\n" },
	{ 0.10000004, PL_U_PERCENT, "0.1", false,
	  "X CRITICAL - m 0.1% (critical over 0.1%)\n" },     /* bounded: 7 decimals */
	{ 0.069, PL_U_PERCENT, "@0:0.07", false,
	  "X CRITICAL - m 0.069% (critical between 0% and 0.07%)\n" },
	{ 80.04, PL_U_PERCENT, "80", false, "X CRITICAL - m 80.04% (critical over 80%)\n" },
	{ 80.4, PL_U_PERCENT, "80", false, "X CRITICAL - m 80.4% (critical over 80%)\n" },
	{ 3187523584.0, PL_U_BYTES, "3000MB", false,
	  "X CRITICAL - m 2.97GiB (critical over 2.93GiB)\n" },
	{ 0.00001, PL_U_NONE, "0.000001", false,
	  "X CRITICAL - m 0.00001 (critical over 0.000001)\n" },
	{ 1.5e-7, PL_U_NONE, "0.0000001", false,
	  "X CRITICAL - m 0.00000015 (critical over 0.0000001)\n" },
	{ 1.5e-9, PL_U_NONE, "0.000000001", false, "X CRITICAL - m 0 (critical over 0)\n" },
	{ 41.03, PL_U_CELSIUS, "@41:41.05", false,
	  "X CRITICAL - m 41.03C (critical between 41C and 41.05C)\n" },
	{ 0.08, PL_U_PERCENT, "0.07", true, "X CRITICAL - m 0.1% (critical over 0.07%: 0.08%)\n" },
	{ 0.18, PL_U_PERCENT, "0.01", true, "X CRITICAL - m 0.2% (critical over 0.01%)\n" },
	{ 0.5, PL_U_PERCENT, "0.07", true, "X CRITICAL - m 0.5% (critical over 0.1%)\n" },
};

START_TEST(test_render_limit_decimals)
{
	struct pl_result r;
	struct pl_thresholds t = { NULL, 0 };
	struct pl_buf out = PL_BUF_INIT;
	const char *primary[] = { "m", NULL };
	struct pl_metric *m;
	char err[128], v[64];

	pl_result_init(&r, "check_x", "X");
	m = pl_metric_add(&r, "m", limit_cases[_i].v, limit_cases[_i].u);
	if (limit_cases[_i].summary)
		pl_result_summary_metric(&r, m, "m %s", pl_unit_human(v, sizeof(v), m->value,
								       m->unit));
	ck_assert(pl_thresholds_add(&t, true, false, limit_cases[_i].crit, err, sizeof(err)) == 0);
	ck_assert_msg(pl_result_apply(&r, &t, primary, err, sizeof(err)) == 0, "%s", err);
	m->hidden = true;            /* the status line alone */
	pl_render(&r, PL_FMT_NAGIOS, 0, &out);
	ck_assert_str_eq(pl_buf_str(&out), limit_cases[_i].want);
	pl_buf_free(&out);
	pl_thresholds_free(&t);
	pl_result_free(&r);
}
END_TEST

/* Problems lead the status line, worst first, at most three named. */
START_TEST(test_render_more)
{
	struct pl_result r;
	struct pl_buf out = PL_BUF_INIT;

	pl_result_init(&r, "check_md", "MD");
	pl_result_finding(&r, PL_WARNING, "md3 resyncing");
	pl_result_finding(&r, PL_CRITICAL, "md0 degraded");
	pl_result_finding(&r, PL_UNKNOWN, "md9 unreadable");
	pl_result_finding(&r, PL_CRITICAL, "md1 failed");
	pl_result_finding(&r, PL_OK, "md2 clean");
	pl_result_finding(&r, PL_WARNING, "md4 checking");
	pl_result_summary(&r, "6 arrays");
	pl_render(&r, PL_FMT_NAGIOS, 10, &out);
	ck_assert_str_eq(pl_buf_str(&out),
			 "MD CRITICAL - md0 degraded, md1 failed, md9 unreadable (+2 more) - "
			 "6 arrays\n"
			 "[WARNING] md3 resyncing\n[WARNING] md4 checking\n[OK] md2 clean\n");
	pl_buf_free(&out);
	pl_result_free(&r);
}
END_TEST

/* Texts cannot break the line format: '|' and newlines are replaced. */
START_TEST(test_render_sanitised)
{
	struct pl_result r;
	struct pl_buf out = PL_BUF_INIT;

	pl_result_init(&r, "check_x", "X");
	pl_result_summary(&r, "a|b\nc");
	pl_result_finding(&r, PL_WARNING, "x|y\r\nz");
	pl_result_line(&r, "p|q");
	pl_render(&r, PL_FMT_NAGIOS, 10, &out);
	ck_assert_str_eq(pl_buf_str(&out), "X WARNING - x/y  z - a/b c\np/q\n");
	pl_buf_free(&out);
	pl_result_free(&r);
}
END_TEST

START_TEST(test_render_status_cap)
{
	struct pl_result r;
	struct pl_buf out = PL_BUF_INIT;
	char big[900];
	const char *nl;

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	pl_result_init(&r, "check_x", "X");
	pl_result_summary(&r, "%s", big);
	pl_render(&r, PL_FMT_NAGIOS, 10, &out);
	nl = strchr(pl_buf_str(&out), '\n');
	ck_assert_ptr_nonnull(nl);
	ck_assert_int_eq(nl - out.data, PL_STATUS_CAP);
	ck_assert_int_eq(strncmp(nl - 3, "...", 3), 0);
	pl_buf_free(&out);
	pl_result_free(&r);
}
END_TEST

/* One perfdata item each: label, value, unit, and what it must print as. */
static const struct {
	const char *label;
	double value;
	enum pl_unit unit;
	const char *warn, *crit;
	double min, max;
	int prec;
	const char *out;
} perf_cases[] = {
	{ "sda", 5, PL_U_BYTES, NULL, NULL, NAN, NAN, -1, "sda=5B" },
	{ "my disk", 5, PL_U_BYTES, NULL, NULL, NAN, NAN, -1, "'my disk'=5B" },
	{ "it's", 5, PL_U_BYTES, NULL, NULL, NAN, NAN, -1, "'it''s'=5B" },
	{ "a=b", 1, PL_U_NONE, NULL, NULL, NAN, NAN, -1, "'a=b'=1" },
	{ "x", 5, PL_U_NONE, NULL, NULL, NAN, 100, -1, "x=5;;;;100" },
	{ "x", 5, PL_U_NONE, NULL, NULL, 0, NAN, -1, "x=5;;;0" },
	{ "x", 5, PL_U_NONE, NULL, "10", NAN, NAN, -1, "x=5;;10" },
	{ "x", 5, PL_U_NONE, "~:4", NULL, NAN, NAN, -1, "x=5;~:4" },
	{ "x", 5, PL_U_NONE, "@1:2", "10:", -1, 7, -1, "x=5;@1:2;10:;-1;7" },
	{ "big", 1e20, PL_U_BYTES, NULL, NULL, NAN, NAN, -1, "big=100000000000000000000B" },
	{ "lat", 0.000001, PL_U_SECONDS, "20ms", NULL, NAN, NAN, -1, "lat=0.000001s;0.02" },
	{ "ticks", 12345678901234.0, PL_U_COUNTER, NULL, NULL, NAN, NAN, -1,
	  "ticks=12345678901234c" },
	{ "pct", 12.346, PL_U_PERCENT, NULL, NULL, 0, 100, -1, "pct=12.35%;;;0;100" },
	{ "pct", 12.346, PL_U_PERCENT, NULL, NULL, NAN, NAN, 0, "pct=12%" },
	{ "rate", 52428800, PL_U_BYTES_PER_S, "50MB/s", NULL, NAN, NAN, -1,
	  "rate=52428800;52428800" },
	{ "tiny", 1e-9, PL_U_NONE, NULL, NULL, NAN, NAN, -1, "tiny=0" },
	{ "neg", -0.001, PL_U_NONE, NULL, NULL, NAN, NAN, -1, "neg=0" },
	{ "mem", 536870912, PL_U_BYTES, "512MB", "1GB", 0, 2147483648.0, -1,
	  "mem=536870912B;536870912;1073741824;0;2147483648" },
};

START_TEST(test_perfdata)
{
	struct pl_result r;
	struct pl_buf out = PL_BUF_INIT;
	struct pl_metric *m;
	char err[256] = "", want[256];

	pl_result_init(&r, "check_x", "X");
	m = pl_metric_add(&r, perf_cases[_i].label, perf_cases[_i].value, perf_cases[_i].unit);
	pl_metric_minmax(m, perf_cases[_i].min, perf_cases[_i].max);
	m->prec = perf_cases[_i].prec;
	if (perf_cases[_i].warn != NULL)
		ck_assert_int_eq(pl_range_parse(perf_cases[_i].warn, &m->warn, err, sizeof(err)),
				 0);
	if (perf_cases[_i].crit != NULL)
		ck_assert_int_eq(pl_range_parse(perf_cases[_i].crit, &m->crit, err, sizeof(err)),
				 0);
	m->state = PL_OK;
	pl_render(&r, PL_FMT_NAGIOS, 10, &out);
	pl_snprintf(want, sizeof(want), "X OK - no problems found | %s\n", perf_cases[_i].out);
	ck_assert_str_eq(pl_buf_str(&out), want);
	pl_buf_free(&out);
	pl_result_free(&r);
}
END_TEST

START_TEST(test_hidden)
{
	struct pl_result r;
	struct pl_buf out = PL_BUF_INIT;

	pl_result_init(&r, "check_x", "X");
	pl_metric_add(&r, "shown", 1, PL_U_NONE);
	pl_metric_add(&r, "secret", 2, PL_U_NONE)->hidden = true;
	pl_render(&r, PL_FMT_NAGIOS, 10, &out);
	ck_assert_str_eq(pl_buf_str(&out), "X OK - no problems found | shown=1\n");
	pl_buf_reset(&out);
	pl_render(&r, PL_FMT_JSON, 10, &out);
	ck_assert_ptr_nonnull(strstr(pl_buf_str(&out),
				     "{\"label\":\"secret\",\"value\":2,"));
	ck_assert_ptr_nonnull(strstr(pl_buf_str(&out), "\"perfdata\":false}"));
	/* Only hidden metrics: no '|' at all */
	r.metrics[0]->hidden = true;
	pl_buf_reset(&out);
	pl_render(&r, PL_FMT_NAGIOS, 10, &out);
	ck_assert_str_eq(pl_buf_str(&out), "X OK - no problems found\n");
	pl_buf_free(&out);
	pl_result_free(&r);
}
END_TEST

START_TEST(test_max_lines)
{
	struct pl_result r;
	struct pl_buf out = PL_BUF_INIT;

	pl_result_init(&r, "check_x", "X");
	pl_result_summary(&r, "fine");
	for (int i = 1; i <= 5; i++)
		pl_result_line(&r, "l%d", i);
	pl_render(&r, PL_FMT_NAGIOS, 2, &out);
	ck_assert_str_eq(pl_buf_str(&out), "X OK - fine\nl1\nl2\n"
			 "... 3 more lines left out (raise --max-lines to see more)\n");
	pl_buf_reset(&out);
	pl_render(&r, PL_FMT_NAGIOS, 4, &out);
	ck_assert_str_eq(pl_buf_str(&out), "X OK - fine\nl1\nl2\nl3\nl4\n"
			 "... 1 more line left out (raise --max-lines to see more)\n");
	pl_buf_reset(&out);
	pl_render(&r, PL_FMT_ONELINE, 1, &out);
	ck_assert_str_eq(pl_buf_str(&out), "X OK - fine; l1; "
			 "... 4 more lines left out (raise --max-lines to see more)\n");
	pl_buf_reset(&out);
	pl_render(&r, PL_FMT_NAGIOS, 5, &out);
	ck_assert_str_eq(pl_buf_str(&out), "X OK - fine\nl1\nl2\nl3\nl4\nl5\n");
	/* A problem the status line names in full is not repeated in the long output. */
	pl_result_finding(&r, PL_CRITICAL, "bad");
	pl_buf_reset(&out);
	pl_render(&r, PL_FMT_NAGIOS, 1, &out);
	ck_assert_str_eq(pl_buf_str(&out), "X CRITICAL - bad - fine\nl1\n"
			 "... 4 more lines left out (raise --max-lines to see more)\n");
	pl_buf_free(&out);
	pl_result_free(&r);
}
END_TEST

/* Checks that every perfdata item on the first line is whole: label=<digits>B. */
static int
check_perf_items(const char *first_line)
{
	const char *p = strstr(first_line, " | ");
	int n = 0;

	ck_assert_ptr_nonnull(p);
	p += 3;
	while (*p && *p != '\n') {
		const char *e = p;

		while (*e && *e != ' ' && *e != '\n')
			e++;
		ck_assert_msg(strncmp(p, "metric_number_", 14) == 0, "item '%.*s'", (int)(e - p),
			      p);
		ck_assert_msg(e[-1] == 'B', "cut item '%.*s'", (int)(e - p), p);
		n++;
		p = *e == ' ' ? e + 1 : e;
	}
	return n;
}

/* Many metrics: perfdata keeps whole items within half the output cap. */
START_TEST(test_output_cap_metrics)
{
	struct pl_result r;
	struct pl_buf out = PL_BUF_INIT;
	const char *msg;
	unsigned long left = 0;
	int kept;

	pl_result_init(&r, "check_x", "X");
	for (int i = 0; i < 1000; i++)
		metric_nth(&r, 1000.0 * i, PL_U_BYTES, "metric_number_", i, 4);
	pl_render(&r, PL_FMT_NAGIOS, 100, &out);
	ck_assert_uint_le(out.len, PL_OUTPUT_CAP);
	kept = check_perf_items(out.data);
	ck_assert_int_gt(kept, 50);
	msg = strstr(out.data, "\n... ");
	ck_assert_ptr_nonnull(msg);
	for (const char *q = msg + 5; *q >= '0' && *q <= '9'; q++)
		left = left * 10 + (unsigned long)(*q - '0');
	ck_assert_uint_eq(left + (unsigned long)kept, 1000);
	ck_assert_ptr_nonnull(strstr(msg, " perfdata items left out (output size limit)\n"));
	pl_buf_free(&out);
	pl_result_free(&r);
}
END_TEST

/* Many long lines: whole lines only, and a count of what was left out. */
START_TEST(test_output_cap_lines)
{
	struct pl_result r;
	struct pl_buf out = PL_BUF_INIT;
	char line[101];

	memset(line, 'z', 100);
	line[100] = '\0';
	pl_result_init(&r, "check_x", "X");
	for (int i = 0; i < 300; i++)
		pl_result_line(&r, "%03d %s", i, line);
	pl_render(&r, PL_FMT_NAGIOS, 1000, &out);
	ck_assert_uint_le(out.len, PL_OUTPUT_CAP);
	/* Every line but the first and the last is a whole one. */
	for (const char *p = strchr(out.data, '\n') + 1; *p;) {
		const char *e = strchr(p, '\n');

		ck_assert_ptr_nonnull(e);
		if (strncmp(p, "... ", 4) == 0)
			ck_assert_ptr_nonnull(strstr(p, " more lines left out"));
		else
			ck_assert_int_eq(e - p, 104);
		p = e + 1;
	}
	pl_buf_free(&out);
	pl_result_free(&r);
}
END_TEST

/* Both caps hit at once (perfdata near its half of the budget, long output filled up):
 * the "left out" notices and the "[STATE] " prefixes of findings must still fit within
 * PL_OUTPUT_CAP. */
START_TEST(test_output_cap_both)
{
	struct pl_result r;
	struct pl_buf out = PL_BUF_INIT;

	pl_result_init(&r, "check_x", "X");
	for (int i = 0; i < 1000; i++)
		metric_nth(&r, 1000.0 * i, PL_U_BYTES, "metric_number_", i, 4);
	for (int i = 0; i < 2000; i++)
		pl_result_finding(&r, PL_CRITICAL, "%c", 'a' + i % 26);
	pl_render(&r, PL_FMT_NAGIOS, 100000, &out);
	ck_assert_msg(out.len <= PL_OUTPUT_CAP, "output is %zu bytes, over %d",
		      out.len, PL_OUTPUT_CAP);
	check_perf_items(out.data);
	pl_buf_free(&out);
	pl_result_free(&r);
}
END_TEST

START_TEST(test_json_string)
{
	struct pl_buf out = PL_BUF_INIT;

	pl_json_string(&out, "a\"b\\c/d\n\t\r\x01\x1f\x7f \xc3\xa9");
	ck_assert_str_eq(pl_buf_str(&out),
			 "\"a\\\"b\\\\c/d\\n\\t\\r\\u0001\\u001f\\u007f \xc3\xa9\"");
	pl_buf_reset(&out);
	pl_json_string(&out, "");
	ck_assert_str_eq(pl_buf_str(&out), "\"\"");
	pl_buf_free(&out);
}
END_TEST

START_TEST(test_json_escapes_texts)
{
	struct pl_result r;
	struct pl_buf out = PL_BUF_INIT;

	pl_result_init(&r, "check_x", "X");
	pl_metric_add(&r, "my \"disk\"", 1, PL_U_NONE);
	pl_result_finding(&r, PL_WARNING, "path C:\\x");
	pl_render(&r, PL_FMT_JSON, 10, &out);
	ck_assert_ptr_nonnull(strstr(pl_buf_str(&out), "\"label\":\"my \\\"disk\\\"\""));
	ck_assert_ptr_nonnull(strstr(pl_buf_str(&out), "\"text\":\"path C:\\\\x\""));
	ck_assert_ptr_nonnull(strstr(pl_buf_str(&out),
				     "\"status\":\"X WARNING - path C:\\\\x\""));
	pl_buf_free(&out);
	pl_result_free(&r);
}
END_TEST

START_TEST(test_metric_lookup)
{
	struct pl_result r;
	struct pl_metric *m;
	char label[200];

	pl_result_init(&r, "check_x", "X");
	for (int i = 0; i < 100; i++)
		metric_nth(&r, i, PL_U_NONE, "m", i, 0);
	ck_assert_uint_eq(r.nmetrics, 100);
	m = pl_result_metric(&r, "m57");
	ck_assert_ptr_nonnull(m);
	ck_assert_double_eq(m->value, 57);
	ck_assert_int_eq(m->prec, -1);
	ck_assert_ptr_null(pl_result_metric(&r, "m100"));
	/* A label longer than PL_LABEL_MAX is cut, not overrun. */
	memset(label, 'l', sizeof(label) - 1);
	label[sizeof(label) - 1] = '\0';
	m = pl_metric_add(&r, label, 1, PL_U_NONE);
	ck_assert_uint_eq(strlen(m->label), PL_LABEL_MAX - 1);
	pl_result_free(&r);
	ck_assert_uint_eq(r.nmetrics, 0);
}
END_TEST

/* The one label rule: ordinary names unchanged, everything else as _xHH. */
static const struct {
	const char *name, *label;
} label_cases[] = {
	{ "eth0", "eth0" },
	{ "sda", "sda" },
	{ "vg0-root", "vg0-root" },
	{ "br_lan.10", "br_lan.10" },
	{ "a'b", "a_x27b" },
	{ "a=b", "a_x3db" },
	{ "a;b", "a_x3bb" },
	{ "a b", "a_x20b" },
	{ "a_b", "a_b" },
	{ "a_x27b", "a_x5fx27b" },          /* a '_' that would start an escape */
	{ "a_xyz", "a_xyz" },
	{ "a_x2", "a_x2" },
	{ "a_xAB", "a_x5fxAB" },
	{ "\x01\x7f\xff", "_x01_x7f_xff" },
	{ "caf\xc3\xa9", "caf_xc3_xa9" },
	{ "", "" },
};

START_TEST(test_label_escape)
{
	struct pl_buf b = PL_BUF_INIT;

	pl_label_escape(&b, label_cases[_i].name);
	ck_assert_str_eq(pl_buf_str(&b), label_cases[_i].label);
	pl_buf_free(&b);
}
END_TEST

/* Distinct names never share a label: every name of up to three bytes from an alphabet
 * that holds the escape's own characters. */
START_TEST(test_label_injective)
{
	static const char alpha[] = "_x2f'=;a ";
	const size_t na = sizeof(alpha) - 1;
	struct pl_result r;
	char name[4];
	int n = 0;

	pl_result_init(&r, "check_x", "X");
	for (size_t len = 1; len <= 3; len++) {
		size_t total = 1;

		for (size_t k = 0; k < len; k++)
			total *= na;
		for (size_t v = 0; v < total; v++) {
			size_t x = v;

			for (size_t k = 0; k < len; k++, x /= na)
				name[k] = alpha[x % na];
			name[len] = '\0';
			pl_item_metric(pl_result_item(&r, "interface", name), "rx", 1, PL_U_NONE);
			n++;
		}
	}
	ck_assert_uint_eq(r.nitems, (size_t)n);
	{
		struct pl_thresholds t = { NULL, 0 };
		char err[64];

		ck_assert_int_eq(pl_result_apply(&r, &t, NULL, err, sizeof(err)), 0);
	}
	ck_assert_int_eq(pl_result_state(&r), PL_OK);
	pl_result_free(&r);
}
END_TEST

/* A sub-item is named after its parents in texts ("full/web1"), so that the same host
 * under two classes is told apart; deep trees show the outer levels as ".../". */
START_TEST(test_item_path_names)
{
	struct pl_result r;
	struct pl_buf out = PL_BUF_INIT;
	struct pl_item *full, *incr, *deep;
	static const char head[] =
		"X CRITICAL - full/web1: no backup, incremental/web1 age 2h 30m (critical over 1h 30m) |";
	struct pl_thresholds t = { NULL, 0 };
	struct pl_metric *m;
	char err[128];
	const char *s;

	pl_result_init(&r, "check_x", "X");
	full = pl_item_item(pl_result_item(&r, "class", "full"), "host", "web1");
	incr = pl_item_item(pl_result_item(&r, "class", "incremental"), "host", "web1");
	pl_item_finding(full, PL_CRITICAL, "no backup");
	m = pl_item_metric(incr, "age", 9000, PL_U_SECONDS);
	pl_range_parse("5400", &m->crit, err, sizeof(err));
	pl_item_fact(incr, "newest", "yesterday");
	deep = incr;
	for (int i = 0; i < 5; i++)
		deep = pl_item_item(deep, "level", "d");
	pl_item_line(deep, "deep");
	ck_assert_int_eq(pl_result_apply(&r, &t, NULL, err, sizeof(err)), 0);
	pl_render(&r, PL_FMT_NAGIOS, 20, &out);
	s = pl_buf_str(&out);
	ck_assert_msg(strncmp(s, head, strlen(head)) == 0, "%s", s);
	ck_assert_msg(strstr(s, "incremental/web1 newest: yesterday") != NULL, "%s", s);
	ck_assert_msg(strstr(s, "\n.../d/d/d/d: deep") != NULL, "%s", s);
	ck_assert_str_eq(m->label, "incremental_web1_age");
	pl_buf_free(&out);
	pl_result_free(&r);
}
END_TEST

START_TEST(test_items)
{
	struct pl_result r;
	struct pl_item *a, *b, *c;
	struct pl_metric *m;

	pl_result_init(&r, "check_x", "X");
	a = pl_result_item(&r, "interface", "eth0");
	b = pl_result_item(&r, "interface", "a'b");
	/* The same kind and name give the same item; another kind is another item. */
	ck_assert_ptr_eq(pl_result_item(&r, "interface", "eth0"), a);
	c = pl_result_item(&r, "device", "eth0");
	ck_assert_ptr_ne(c, a);
	ck_assert_ptr_eq(pl_result_find_item(&r, NULL, "device", "eth0"), c);
	ck_assert_ptr_null(pl_result_find_item(&r, NULL, "device", "eth1"));
	ck_assert_str_eq(b->prefix, "a_x27b");
	m = pl_item_metric(a, "rx_bits", 5, PL_U_BITS_PER_S);
	ck_assert_str_eq(m->label, "eth0_rx_bits");
	ck_assert_str_eq(m->name, "rx_bits");
	ck_assert_ptr_eq(m->item, a);
	ck_assert_str_eq(pl_item_metric(b, "rx_bits", 5, PL_U_BITS_PER_S)->label,
			 "a_x27b_rx_bits");
	/* A sub-item's prefix follows its parent's. */
	c = pl_item_item(pl_result_item(&r, "chip", "coretemp"), "sensor", "Core 0");
	ck_assert_str_eq(c->prefix, "coretemp_Core_x200");
	ck_assert_str_eq(pl_item_metric(c, "temp", 40, PL_U_CELSIUS)->label,
			 "coretemp_Core_x200_temp");
	ck_assert_ptr_eq(pl_item_item(pl_result_item(&r, "chip", "coretemp"), "sensor", "Core 0"),
			 c);
	ck_assert_uint_eq(r.nitems, 5);
	/* Many items: found again by the table, not lost when it grows. */
	for (int i = 0; i < 3000; i++) {
		char n[16];

		pl_snprintf(n, sizeof(n), "dev%d", i);
		pl_result_item(&r, "device", n);
	}
	ck_assert_uint_eq(r.nitems, 3005);
	ck_assert(pl_metric_by_rule(m));
	/* A metric placed in an item by hand under a label of its own. */
	{
		struct pl_metric *own = pl_metric_add(&r, "temp_coretemp_core0", 40, PL_U_CELSIUS);

		pl_metric_place(own, c, "core0");
		ck_assert_ptr_eq(own->item, c);
		ck_assert_str_eq(own->name, "core0");
		ck_assert(!pl_metric_by_rule(own));
		/* Found in its item by name, like the item's metrics by the rule. */
		ck_assert_ptr_eq(pl_item_find_metric(c, "core0"), own);
		ck_assert_str_eq(pl_item_find_metric(c, "temp")->label, "coretemp_Core_x200_temp");
		ck_assert(!pl_metric_by_rule(pl_metric_add(&r, "x", 1, PL_U_NONE)));
	}
	ck_assert_str_eq(pl_result_find_item(&r, NULL, "device", "dev2999")->name, "dev2999");
	ck_assert_ptr_eq(pl_result_item(&r, "interface", "eth0"), a);
	/* An item's metrics by name: its own only, the first of a name, none for another. */
	ck_assert_ptr_eq(pl_item_find_metric(a, "rx_bits"), m);
	ck_assert_ptr_null(pl_item_find_metric(a, "tx_bits"));
	ck_assert_str_eq(pl_item_find_metric(b, "rx_bits")->label, "a_x27b_rx_bits");
	ck_assert_ptr_null(pl_item_find_metric(pl_result_item(&r, "device", "dev7"), "rx_bits"));
	/* 3,000 items of 4 metrics each: every label and name stays where it was put. */
	for (int i = 0; i < 3000; i++) {
		char n[16];
		struct pl_item *d;

		pl_snprintf(n, sizeof(n), "dev%d", i);
		d = pl_result_item(&r, "device", n);
		pl_item_metric(d, "util", i, PL_U_PERCENT);
		pl_item_metric(d, "read_bytes", i, PL_U_BYTES_PER_S);
		pl_item_fact(d, "model", "disk %d", i);
		pl_item_fact(d, "model", "Disk %d", i);     /* replaces */
	}
	for (int i = 0; i < 3000; i += 7) {
		char n[16], l[32];
		struct pl_item *d;

		pl_snprintf(n, sizeof(n), "dev%d", i);
		pl_snprintf(l, sizeof(l), "dev%d_read_bytes", i);
		d = pl_result_find_item(&r, NULL, "device", n);
		ck_assert_str_eq(pl_item_find_metric(d, "read_bytes")->label, l);
		ck_assert(pl_item_find_metric(d, "util")->value == i);
		ck_assert_uint_eq(d->nfacts, 1);
		pl_snprintf(l, sizeof(l), "Disk %d", i);
		ck_assert_str_eq(d->facts[0].value, l);
	}
	pl_result_free(&r);
}
END_TEST

START_TEST(test_item_long_label)
{
	struct pl_result r;
	char name[200];
	const char *l1, *l2;

	/* Labels too long for PL_LABEL_MAX end in a hash of the whole, so they stay apart. */
	pl_result_init(&r, "check_x", "X");
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	l1 = pl_item_metric(pl_result_item(&r, "class", name), "age", 1, PL_U_SECONDS)->label;
	name[sizeof(name) - 2] = 'm';
	l2 = pl_item_metric(pl_result_item(&r, "class", name), "age", 1, PL_U_SECONDS)->label;
	ck_assert_uint_eq(strlen(l1), PL_LABEL_MAX - 1);
	ck_assert_uint_eq(strlen(l2), PL_LABEL_MAX - 1);
	ck_assert_str_ne(l1, l2);
	/* The metric name stays at the end; the item prefix is cut and hashed. */
	ck_assert(strncmp(l1 + PL_LABEL_MAX - 1 - 14, "_h", 2) == 0);
	ck_assert_str_eq(l1 + PL_LABEL_MAX - 1 - 4, "_age");
	pl_result_free(&r);
}
END_TEST

START_TEST(test_item_long_label_suffix)
{
	struct pl_result r;
	struct pl_thresholds t = { NULL, 0 };
	char name[32], err[256];
	const char *metric[] = { "rx_bits", "tx_bits", "rx_util", "tx_util" };
	struct pl_metric *m[4];
	const char *cut;

	/* 31 '=' bytes escape to 124 bytes: every metric keeps its "_METRIC" suffix (it
	 * lost it before), so a glob on the metric finds all of them, and the cut prefix is
	 * the same for every metric of the item and never ends inside an "_xHH" escape. */
	pl_result_init(&r, "check_net", "NET");
	memset(name, '=', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	for (int i = 0; i < 4; i++) {
		char want[40];
		const char *l;

		m[i] = pl_item_metric(pl_result_item(&r, "interface", name), metric[i], 1,
				      PL_U_NONE);
		l = m[i]->label;
		pl_snprintf(want, sizeof(want), "_%s", metric[i]);
		ck_assert_uint_le(strlen(l), PL_LABEL_MAX - 1);
		ck_assert_str_eq(l + strlen(l) - strlen(want), want);
		ck_assert_int_eq(strncmp(l, "_x3d_x3d", 8), 0);
		ck_assert_int_eq(strncmp(l, m[0]->label, strlen(l) - strlen(want)), 0);
		ck_assert(pl_metric_by_rule(m[i]));       /* named "ITEM METRIC" in texts */
		cut = strstr(l, "_h");
		ck_assert_ptr_nonnull(cut);
		ck_assert_int_eq((int)((cut - l) % 4), 0);
	}
	/* Another long name: another prefix. */
	name[0] = '-';
	ck_assert_str_ne(pl_item_metric(pl_result_item(&r, "interface", name), "rx_bits", 1,
					PL_U_NONE)->label, m[0]->label);
	ck_assert_int_eq(pl_thresholds_add(&t, true, true, "*_rx_bits=1:", err, sizeof(err)),
			 0);
	ck_assert_msg(pl_result_apply(&r, &t, NULL, err, sizeof(err)) == 0, "%s", err);
	ck_assert_ptr_nonnull(m[0]->crit.set ? m[0] : NULL);
	ck_assert(!m[1]->crit.set);
	pl_thresholds_free(&t);
	pl_result_free(&r);
}
END_TEST

START_TEST(test_duplicate_label)
{
	struct pl_result r;
	struct pl_thresholds t = { NULL, 0 };
	char err[64];

	/* Item "a" with metric "rx_bits" and item "a_rx" with metric "bits": one label. The
	 * plugin has a bug, and the result says so rather than mixing two graphs. */
	pl_result_init(&r, "check_x", "X");
	pl_item_metric(pl_result_item(&r, "interface", "a"), "rx_bits", 1, PL_U_NONE);
	pl_item_metric(pl_result_item(&r, "interface", "a_rx"), "bits", 1, PL_U_NONE);
	pl_metric_add(&r, "b", 1, PL_U_NONE);
	pl_metric_add(&r, "b", 1, PL_U_NONE);
	pl_metric_add(&r, "b", 1, PL_U_NONE);
	ck_assert_int_eq(pl_result_apply(&r, &t, NULL, err, sizeof(err)), 0);
	ck_assert_int_eq(pl_result_state(&r), PL_UNKNOWN);
	ck_assert_uint_eq(r.nlines, 2);
	ck_assert_str_eq(r.lines[0].text, "bug: two metrics have the perfdata label 'a_rx_bits' "
			 "(please report this against check_x)");
	ck_assert_ptr_nonnull(strstr(r.lines[1].text, "'b'"));
	pl_result_free(&r);
}
END_TEST

START_TEST(test_item_render)
{
	struct pl_result r;
	struct pl_thresholds t = { NULL, 0 };
	struct pl_buf out = PL_BUF_INIT;
	struct pl_item *md0, *md1, *bad;
	char err[128];

	pl_result_init(&r, "check_mdraid", "MDRAID");
	md0 = pl_result_item(&r, "array", "md0");
	md1 = pl_result_item(&r, "array", "md1");
	bad = pl_result_item(&r, "array", "x\ny\\");
	pl_item_metric(md0, "disks", 2, PL_U_NONE);
	pl_item_finding(md0, PL_CRITICAL, "degraded, 1 of 2 disks");
	pl_item_fact(md0, "uuid", "1234");
	pl_item_fact(md0, "uuid", "%s", "abcd");   /* replaces */
	pl_item_line(md1, "clean");
	pl_item_finding(bad, PL_WARNING, "odd name");
	pl_result_fact(&r, "kernel", "6.1");
	pl_result_summary(&r, "3 arrays");
	ck_assert_int_eq(pl_result_apply(&r, &t, NULL, err, sizeof(err)), 0);
	ck_assert_int_eq(pl_item_state(md0), PL_CRITICAL);
	ck_assert_int_eq(pl_item_state(md1), PL_OK);
	ck_assert_int_eq(pl_item_state(bad), PL_WARNING);
	ck_assert_int_eq(pl_result_state(&r), PL_CRITICAL);
	pl_render(&r, PL_FMT_NAGIOS, 10, &out);
	ck_assert_str_eq(pl_buf_str(&out),
			 "MDRAID CRITICAL - md0: degraded, 1 of 2 disks, x\\x0ay\\\\: odd name - "
			 "3 arrays | md0_disks=2\nmd0 uuid: abcd\nkernel: 6.1\nmd1: clean\n");
	pl_buf_reset(&out);
	pl_render(&r, PL_FMT_JSON, 10, &out);
	ck_assert_str_eq(pl_buf_str(&out),
		"{\"schema\":1,\"plugin\":\"check_mdraid\",\"service\":\"MDRAID\",\"state\":\"CRITICAL\","
		"\"exit_code\":2,\"status\":\"MDRAID CRITICAL - md0: degraded, 1 of 2 disks, "
		"x\\\\x0ay\\\\\\\\: odd name - 3 arrays\",\"summary\":\"3 arrays\","
		"\"findings\":[],\"lines\":[],\"not_judged\":[],\"metrics\":[],\"facts\":{\"kernel\":\"6.1\"},"
		"\"items\":["
		"{\"kind\":\"array\",\"name\":\"md0\",\"label\":\"md0\",\"state\":\"CRITICAL\","
		"\"findings\":[{\"state\":\"CRITICAL\",\"text\":\"degraded, 1 of 2 disks\"}],"
		"\"lines\":[],\"not_judged\":[],\"metrics\":[{\"label\":\"md0_disks\",\"name\":\"disks\","
		"\"value\":2,\"unit\":\"a plain number\",\"uom\":\"\",\"warn\":null,"
		"\"crit\":null,\"min\":null,\"max\":null,\"state\":\"OK\",\"perfdata\":true}],"
		"\"facts\":{\"uuid\":\"abcd\"},\"items\":[]},"
		"{\"kind\":\"array\",\"name\":\"md1\",\"label\":\"md1\",\"state\":\"OK\","
		"\"findings\":[],\"lines\":[\"clean\"],\"not_judged\":[],\"metrics\":[],\"facts\":{},\"items\":[]},"
		"{\"kind\":\"array\",\"name\":\"x\\ny\\\\\",\"label\":\"x_x0ay_x5c\","
		"\"state\":\"WARNING\",\"findings\":[{\"state\":\"WARNING\",\"text\":\"odd name\"}],"
		"\"lines\":[],\"not_judged\":[],\"metrics\":[],\"facts\":{},\"items\":[]}],\"left_out\":{"
		"\"items\":0,\"metrics\":0,\"findings\":0,\"lines\":0,\"facts\":0,\"not_judged\":0}}\n");
	pl_buf_free(&out);
	pl_result_free(&r);
}
END_TEST

START_TEST(test_item_tree_json)
{
	struct pl_result r;
	struct pl_buf out = PL_BUF_INIT;
	struct pl_item *chip;

	pl_result_init(&r, "check_hwmon", "HWMON");
	chip = pl_result_item(&r, "chip", "coretemp");
	pl_item_metric(pl_item_item(chip, "sensor", "core0"), "temp", 40, PL_U_CELSIUS)->state =
		PL_WARNING;
	ck_assert_int_eq(pl_item_state(chip), PL_WARNING);
	pl_render(&r, PL_FMT_JSON, 10, &out);
	ck_assert_ptr_nonnull(strstr(pl_buf_str(&out),
		"\"items\":[{\"kind\":\"chip\",\"name\":\"coretemp\",\"label\":\"coretemp\","
		"\"state\":\"WARNING\",\"findings\":[],\"lines\":[],\"not_judged\":[],\"metrics\":[],\"facts\":{},"
		"\"items\":[{\"kind\":\"sensor\",\"name\":\"core0\",\"label\":\"coretemp_core0\","
		"\"state\":\"WARNING\",\"findings\":[{\"state\":\"WARNING\",\"text\":"
		"\"temp 40C (warning over 0C)\",\"metric\":\"coretemp_core0_temp\"}],"
		"\"lines\":[],\"not_judged\":[],\"metrics\":[{\"label\":"
		"\"coretemp_core0_temp\",\"name\":\"temp\",\"value\":40,"));
	pl_buf_free(&out);
	pl_result_free(&r);
}
END_TEST

START_TEST(test_missing_value)
{
	struct pl_result r;
	struct pl_buf out = PL_BUF_INIT;
	struct pl_metric *m;

	pl_result_init(&r, "check_net", "NET");
	m = pl_item_metric(pl_result_item(&r, "interface", "eth0"), "rx_util", 5, PL_U_PERCENT);
	pl_metric_missing(m, PL_MISSING_LASTING, "the kernel does not know eth0's link speed",
			  "give it with --speed eth0=1Gbit/s");
	ck_assert(isnan(m->value));
	ck_assert_int_eq(m->missing, PL_MISSING_LASTING);
	m = pl_item_metric(pl_result_item(&r, "interface", "eth1"), "rx_bits", 5, PL_U_NONE);
	pl_metric_missing(m, PL_MISSING_RUN, "the counters were reset", NULL);
	pl_render(&r, PL_FMT_JSON, 10, &out);
	ck_assert_ptr_nonnull(strstr(pl_buf_str(&out),
		"\"value\":null,\"unit\":\"percent\",\"uom\":\"%\",\"warn\":null,\"crit\":null,"
		"\"min\":null,\"max\":null,\"state\":\"OK\",\"perfdata\":true,\"missing\":"
		"{\"for\":\"lasting\",\"why\":\"the kernel does not know eth0's link speed\","
		"\"fix\":\"give it with --speed eth0=1Gbit/s\"}}"));
	ck_assert_ptr_nonnull(strstr(pl_buf_str(&out),
		"\"missing\":{\"for\":\"this run\",\"why\":\"the counters were reset\","
		"\"fix\":null}}"));
	pl_buf_free(&out);
	pl_result_free(&r);
}
END_TEST

START_TEST(test_json_utf8)
{
	struct pl_buf out = PL_BUF_INIT;

	/* Valid UTF-8 passes; a stray byte, an overlong form or a surrogate becomes U+FFFD. */
	pl_json_string(&out, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	ck_assert_str_eq(pl_buf_str(&out), "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
	pl_buf_reset(&out);
	pl_json_string(&out, "a\xff" "b\xc0\xaf" "c\xed\xa0\x80" "d\xc3");
	ck_assert_str_eq(pl_buf_str(&out), "\"a\xef\xbf\xbd" "b\xef\xbf\xbd\xef\xbf\xbd"
			 "c\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" "d\xef\xbf\xbd\"");
	pl_buf_free(&out);
}
END_TEST

START_TEST(test_name_escape)
{
	struct pl_buf out = PL_BUF_INIT;

	pl_name_escape(&out, "eth0 a\\b\x1b[31m\x7f\xc3\xa9");
	ck_assert_str_eq(pl_buf_str(&out), "eth0 a\\\\b\\x1b[31m\\x7f\\xc3\\xa9");
	pl_buf_free(&out);
}
END_TEST

/* pl_name_str cuts where an escape ends, never inside "\x1b" or "\\". */
START_TEST(test_name_str_cut)
{
	static const struct { const char *name; size_t len; const char *want; int rc; } t[] = {
		{ "eth0", 16, "eth0", 0 },
		{ "a\x1b", 6, "a\\x1b", 0 },
		{ "a\x1b", 5, "a", -1 },         /* "a\x1" would end in half an escape */
		{ "a\x1b", 3, "a", -1 },
		{ "a\\b", 4, "a\\\\", -1 },
		{ "a\\b", 3, "a", -1 },
		{ "\x01\x02", 8, "\\x01", -1 },
		{ "", 1, "", 0 },
		{ "x", 1, "", -1 },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char out[16];

		memset(out, '#', sizeof(out));
		ck_assert_int_eq(pl_name_str(out, t[i].len, t[i].name), t[i].rc);
		ck_assert_str_eq(out, t[i].want);
	}
}
END_TEST

/* pl_text_str keeps well-formed UTF-8 (a translated message) whole, never cut inside,
 * and escapes what pl_name_str escapes besides. */
START_TEST(test_text_str)
{
	static const struct { const char *text; size_t len; const char *want; int rc; } t[] = {
		{ "\xe6\x97\xa0\xe6\xb3\x95 /a\x1b", 32, "\xe6\x97\xa0\xe6\xb3\x95 /a\\x1b", 0 },
		{ "\xe6\x97\xa0\xe6\xb3\x95", 6, "\xe6\x97\xa0", -1 },   /* not half of the second */
		{ "\xe6\x97\xa0", 3, "", -1 },
		{ "a\xc3", 16, "a\\xc3", 0 },          /* cut short: no UTF-8 */
		{ "\xed\xa0\x80", 16, "\\xed\\xa0\\x80", 0 },   /* a surrogate */
		{ "a\\b\x7f", 16, "a\\\\b\\x7f", 0 },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char out[32];

		memset(out, '#', sizeof(out));
		ck_assert_int_eq(pl_text_str(out, t[i].len, t[i].text), t[i].rc);
		ck_assert_str_eq(out, t[i].want);
	}
}
END_TEST

/* Applies specs to r with primary; returns the apply result. */
static int
apply_specs(struct pl_result *r, const char *const *specs, const char *const *primary,
	    char *err, size_t errlen)
{
	struct pl_thresholds t = { NULL, 0 };
	int rc;

	ck_assert_msg(thresholds(&t, specs, err, errlen) == 0, "%s", err);
	rc = pl_result_apply(r, &t, primary, err, errlen);
	pl_thresholds_free(&t);
	return rc;
}

static bool
has_line(const struct pl_result *r, const char *text)
{
	for (size_t i = 0; i < r->nlines; i++)
		if (strcmp(r->lines[i].text, text) == 0)
			return true;
	return false;
}

/* check_net -w 80 on a NIC whose speed the kernel does not know: never silently green. */
START_TEST(test_missing_lasting)
{
	static const char *const primary[] = { "*_util", NULL };
	const char *specs[] = { "w:80", NULL };
	struct pl_result r;
	struct pl_buf out = PL_BUF_INIT;
	struct pl_item *it;
	char err[256] = "";

	pl_result_init(&r, "check_net", "NET");
	it = pl_result_item(&r, "interface", "eth0");
	pl_metric_missing(pl_item_metric(it, "rx_util", NAN, PL_U_PERCENT), PL_MISSING_LASTING,
			  "the kernel does not know eth0's link speed",
			  "give it with --speed eth0=1Gbit/s");
	pl_item_metric(it, "rx_bits", 5e6, PL_U_BITS_PER_S);
	ck_assert_int_eq(apply_specs(&r, specs, primary, err, sizeof(err)), 0);
	ck_assert_int_eq(pl_result_state(&r), PL_UNKNOWN);
	pl_render(&r, PL_FMT_NAGIOS, 10, &out);
	ck_assert_str_eq(pl_buf_str(&out),
			 "NET UNKNOWN - eth0 rx_util (not judged: the kernel does not know eth0's "
			 "link speed; give it with --speed eth0=1Gbit/s) | eth0_rx_bits=5000000\n");
	pl_buf_free(&out);
	pl_result_free(&r);

	/* The admin may choose the state; without a threshold nothing is judged. */
	pl_result_init(&r, "check_net", "NET");
	r.missing_state = PL_WARNING;
	pl_metric_missing(pl_metric_add(&r, "eth0_rx_util", 1, PL_U_PERCENT),
			  PL_MISSING_LASTING, "no speed", NULL);
	ck_assert_int_eq(apply_specs(&r, specs, primary, err, sizeof(err)), 0);
	ck_assert_int_eq(pl_result_state(&r), PL_WARNING);
	ck_assert_int_eq(apply_specs(&r, (const char *[]){ NULL }, primary, err, sizeof(err)), 0);
	ck_assert_int_eq(pl_result_state(&r), PL_OK);
	pl_result_free(&r);
}
END_TEST

/* A counter reset: the thresholds not judged this run are named; the state stays. */
START_TEST(test_missing_this_run)
{
	static const char *const primary[] = { "*_bits", NULL };
	const char *specs[] = { "c:1", NULL };
	struct pl_result r;
	char err[256] = "";

	pl_result_init(&r, "check_net", "NET");
	for (int i = 0; i < 8; i++) {
		char n[8];

		pl_snprintf(n, sizeof(n), "eth%d", i);
		pl_metric_missing(pl_item_metric(pl_result_item(&r, "interface", n), "rx_bits", 0,
						 PL_U_BITS_PER_S), PL_MISSING_RUN,
				  i == 0 ? "the counters went back" : NULL, NULL);
	}
	ck_assert_int_eq(apply_specs(&r, specs, primary, err, sizeof(err)), 0);
	ck_assert_int_eq(pl_result_state(&r), PL_OK);
	ck_assert_uint_eq(r.nlines, 1);
	ck_assert_str_eq(r.lines[0].text, "not judged this run (no value): eth0 rx_bits (the "
			 "counters went back), eth1 rx_bits, eth2 rx_bits, eth3 rx_bits, eth4 "
			 "rx_bits (+3 more)");
	/* As data too, one note per metric, in its item, for JSON; a new apply replaces
	 * them. */
	ck_assert_uint_eq(r.nnotes, 8);
	ck_assert_ptr_eq(r.notes[0].item, pl_result_find_item(&r, NULL, "interface", "eth0"));
	ck_assert_int_eq(r.notes[0].why_for, PL_NOTE_RUN);
	ck_assert_str_eq(r.notes[0].label, "eth0_rx_bits");
	ck_assert_str_eq(r.notes[0].reason, "the counters went back");
	ck_assert_str_eq(r.notes[1].reason, "no value");
	ck_assert_str_eq(r.notes[0].thresholds[0], "-c 1");
	ck_assert_ptr_null(r.notes[0].thresholds[1]);
	{
		struct pl_buf out = PL_BUF_INIT;

		pl_render(&r, PL_FMT_JSON, 0, &out);
		ck_assert_ptr_nonnull(strstr(pl_buf_str(&out), "\"name\":\"eth0\",\"label\":"
					     "\"eth0\",\"state\":\"OK\",\"findings\":[],\"lines\":[],"
					     "\"not_judged\":[{\"label\":\"eth0_rx_bits\",\"for\":"
					     "\"this run\",\"reason\":\"the counters went back\","
					     "\"fix\":null,\"thresholds\":[\"-c 1\"]}],\"metrics\":["));
		pl_buf_free(&out);
	}
	ck_assert_int_eq(apply_specs(&r, (const char *[]){ NULL }, primary, err, sizeof(err)), 0);
	ck_assert_uint_eq(r.nnotes, 0);
	pl_result_free(&r);
}
END_TEST

/* One config for a group of hosts: thresholds on items this host lacks are notes. */
START_TEST(test_absent_item)
{
	struct pl_result r;
	char err[256] = "";

	pl_result_init(&r, "check_mdraid", "MDRAID");
	pl_item_metric(pl_result_item(&r, "array", "md1"), "spare", 1, PL_U_NONE);
	pl_item_metric(pl_result_item(&r, "array", "md1"), "sync_pct", 1, PL_U_PERCENT);
	ck_assert_int_eq(apply_specs(&r, (const char *[]){ "C:md0_spare=1:", "W:md9_*=5",
				     NULL }, NULL, err, sizeof(err)), 0);
	ck_assert_int_eq(pl_result_state(&r), PL_OK);
	ck_assert(has_line(&r, "--criticalx md0_spare=1:: no array on this host matches its "
			   "LABEL; not judged here"));
	ck_assert(has_line(&r, "--warningx md9_*=5: no array on this host matches its LABEL; "
			   "not judged here"));
	ck_assert_uint_eq(r.nnotes, 2);
	ck_assert_ptr_null(r.notes[1].item);
	ck_assert_int_eq(r.notes[1].why_for, PL_NOTE_ABSENT);
	ck_assert_str_eq(r.notes[1].label, "md9_*");
	ck_assert_str_eq(r.notes[1].reason, "no array on this host matches its LABEL");
	ck_assert_str_eq(r.notes[1].thresholds[0], "--warningx md9_*=5");
	/* A metric no item has is a misspelling: still an error. */
	ck_assert_int_eq(apply_specs(&r, (const char *[]){ "C:md1_spaer=1:", NULL }, NULL, err,
				     sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "--criticalx md1_spaer=1:: no metric label matches"));
	ck_assert_int_eq(apply_specs(&r, (const char *[]){ "C:spare=1:", NULL }, NULL, err,
				     sizeof(err)), -1);
	pl_result_free(&r);

	/* No items at all: an error, unless the check said it reports items. */
	pl_result_init(&r, "check_mdraid", "MDRAID");
	pl_result_finding(&r, PL_OK, "no arrays");
	ck_assert_int_eq(apply_specs(&r, (const char *[]){ "C:md0_spare=1:", NULL }, NULL, err,
				     sizeof(err)), -1);
	pl_result_expect_items(&r, "array");
	ck_assert_int_eq(apply_specs(&r, (const char *[]){ "C:md0_spare=1:", NULL }, NULL, err,
				     sizeof(err)), 0);
	ck_assert_int_eq(pl_result_state(&r), PL_OK);
	ck_assert(has_line(&r, "--criticalx md0_spare=1:: no array on this host matches its "
			   "LABEL; not judged here"));
	pl_result_free(&r);

	/* A declared label family (check_hwmon's "fan_"): a host without fans takes a
	 * threshold on them as a note; a family nobody declared is still an error. */
	pl_result_init(&r, "check_hwmon", "HWMON");
	pl_metric_add(&r, "temp_coretemp_core_0", 45, PL_U_CELSIUS);
	ck_assert_int_eq(apply_specs(&r, (const char *[]){ "C:fan_*=300:", NULL }, NULL, err,
				     sizeof(err)), -1);
	pl_result_expect_family(&r, "fan_", "fan");
	ck_assert_int_eq(apply_specs(&r, (const char *[]){ "C:fan_*=300:", NULL }, NULL, err,
				     sizeof(err)), 0);
	ck_assert_int_eq(pl_result_state(&r), PL_OK);
	ck_assert(has_line(&r, "--criticalx fan_*=300:: no fan on this host matches its LABEL; "
			   "not judged here"));
	ck_assert_int_eq(apply_specs(&r, (const char *[]){ "C:fna_*=300:", NULL }, NULL, err,
				     sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "no metric label matches"));
	pl_result_free(&r);
}
END_TEST

static const struct {
	const char *specs[3];
	bool warns;                  /* a "can never be WARNING" line */
} swapped_cases[] = {
	{ { "w:90", "c:80", NULL }, true },
	{ { "w:80", "c:90", NULL }, false },
	{ { "w:80", "c:80", NULL }, false },
	{ { "w:10:", "c:20:", NULL }, true },      /* less is worse, swapped */
	{ { "w:20:", "c:10:", NULL }, false },
	{ { "w:@10:20", "c:15", NULL }, false },
	{ { "W:used_pct=90", "C:used_pct=50", NULL }, true },
	{ { "w:90", NULL }, false },
};

START_TEST(test_swapped)
{
	struct pl_result r;
	char err[256] = "";
	bool found = false;

	mem_result(&r);
	ck_assert_int_eq(apply_specs(&r, swapped_cases[_i].specs, mem_primary, err, sizeof(err)),
			 0);
	for (size_t i = 0; i < r.nlines; i++)
		found |= strstr(r.lines[i].text, "can never be WARNING") != NULL;
	ck_assert_msg(found == swapped_cases[_i].warns, "case %d", _i);
	if (_i == 0) {
		ck_assert_uint_eq(r.nlines, 1);
		ck_assert_str_eq(r.lines[0].text, "-w 90 and -c 80: the critical range lies inside "
				 "the warning range, so used_pct can never be WARNING, only CRITICAL "
				 "(swapped?)");
		ck_assert_int_eq(pl_result_state(&r), PL_CRITICAL);   /* 85 > 80: unchanged */
	}
	pl_result_free(&r);
}
END_TEST

/* Each figure once: a breached metric shown in the summary gets its limit there. */
START_TEST(test_summary_metric)
{
	struct pl_result r;
	struct pl_buf out = PL_BUF_INIT;
	struct pl_metric *busy, *iowait;
	char err[256] = "";

	pl_result_init(&r, "check_cpu", "CPU");
	busy = pl_metric_add(&r, "busy", 99.9, PL_U_PERCENT);
	iowait = pl_metric_add(&r, "iowait", 40, PL_U_PERCENT);
	pl_metric_add(&r, "steal", 30, PL_U_PERCENT);
	pl_result_summary_metric(&r, busy, "%s busy", "99.9%");
	pl_result_summary_add(&r, " (user 50%%, ");
	pl_result_summary_metric(&r, iowait, "iowait %s", "40%");
	pl_result_summary_add(&r, ")");
	pl_result_summary_metric(&r, NULL, "%s", "");   /* no metric: text alone */
	ck_assert_uint_eq(r.nmarks, 2);
	ck_assert_int_eq(apply_specs(&r, (const char *[]){ "w:80", "C:steal=20", NULL },
				     (const char *const[]){ "busy", NULL }, err, sizeof(err)), 0);
	pl_render(&r, PL_FMT_NAGIOS, 10, &out);
	ck_assert_str_eq(pl_buf_str(&out), "CPU CRITICAL - steal 30% (critical over 20%) - "
			 "99.9% busy (warning over 80%) (user 50%, iowait 40%) | "
			 "busy=99.9%;80 iowait=40% steal=30%;;20\n");
	pl_buf_reset(&out);
	pl_render(&r, PL_FMT_JSON, 10, &out);
	ck_assert_ptr_nonnull(strstr(pl_buf_str(&out), "\"summary\":\"99.9% busy (warning over "
				     "80%) (user 50%, iowait 40%)\""));
	ck_assert_ptr_nonnull(strstr(pl_buf_str(&out), "{\"state\":\"WARNING\",\"text\":"
				     "\"busy 99.9% (warning over 80%)\",\"metric\":\"busy\"}"));
	/* Replacing the summary drops the parts. */
	pl_result_summary(&r, "plain");
	ck_assert_uint_eq(r.nmarks, 0);
	pl_buf_free(&out);
	pl_result_free(&r);
}
END_TEST

/* The status line of an output: the first line up to " | " (a static copy). */
static const char *
status_part(const char *out)
{
	static char buf[1024];
	size_t n = strcspn(out, "\n");
	const char *bar = strstr(out, " | ");

	if (bar != NULL && (size_t)(bar - out) < n)
		n = (size_t)(bar - out);
	pl_strlcpy(buf, out, n + 1 < sizeof(buf) ? n + 1 : sizeof(buf));
	return buf;
}

/* The metric that set the state comes first: a part of the summary worse than what the
 * status line would name first leads it, and leaves the summary with its ", ", the
 * parentheses or the blank around it. */
static const struct {
	const char *specs[4];
	const char *line;
} lift_cases[] = {
	/* -w 60 --criticalx user=~:30: user leads, busy keeps its warning in place */
	{ { "w:60", "C:user=~:30", NULL },
	  "CPU CRITICAL - user 56% (critical over 30%) - 68% busy (warning over 60%) "
	  "(system 12%), busiest cpu1 88%" },
	/* the last of a list: the ", " before it goes */
	{ { "w:60", "C:system=~:10", NULL },
	  "CPU CRITICAL - system 12% (critical over 10%) - 68% busy (warning over 60%) "
	  "(user 56%), busiest cpu1 88%" },
	/* all in the parentheses: they go too */
	{ { "w:60", "C:user=~:30", "C:system=~:10", NULL },
	  "CPU CRITICAL - user 56% (critical over 30%), system 12% (critical over 10%) - "
	  "68% busy (warning over 60%), busiest cpu1 88%" },
	/* the first part, after a warning finding: the summary starts at what follows */
	{ { "W:system=~:10", "C:busy=~:60", NULL },
	  "CPU CRITICAL - 68% busy (critical over 60%), cpu1 is hot - (user 56%, system 12% "
	  "(warning over 10%)), busiest cpu1 88%" },
	/* as bad as the first: nothing moves */
	{ { "c:60", "C:user=~:30", NULL },
	  "CPU CRITICAL - 68% busy (critical over 60%) (user 56% (critical over 30%), "
	  "system 12%), busiest cpu1 88%" },
	/* a warning finding first, a critical part: the part leads */
	{ { "C:max_cpu_busy=~:80", NULL },
	  "CPU CRITICAL - busiest cpu1 88% (critical over 80%), cpu1 is hot - 68% busy "
	  "(user 56%, system 12%)" },
};

START_TEST(test_summary_lift)
{
	struct pl_result r;
	struct pl_buf out = PL_BUF_INIT;
	char err[256] = "";

	pl_result_init(&r, "check_cpu", "CPU");
	pl_metric_add(&r, "busy", 68, PL_U_PERCENT);
	pl_metric_add(&r, "user", 56, PL_U_PERCENT);
	pl_metric_add(&r, "system", 12, PL_U_PERCENT);
	pl_metric_add(&r, "max_cpu_busy", 88, PL_U_PERCENT);
	pl_result_summary_metric(&r, pl_result_metric(&r, "busy"), "68%% busy");
	pl_result_summary_add(&r, " (");
	pl_result_summary_metric(&r, pl_result_metric(&r, "user"), "user 56%%");
	pl_result_summary_add(&r, ", ");
	pl_result_summary_metric(&r, pl_result_metric(&r, "system"), "system 12%%");
	pl_result_summary_add(&r, "), ");
	pl_result_summary_metric(&r, pl_result_metric(&r, "max_cpu_busy"), "busiest cpu1 88%%");
	if (_i == 3 || _i == 5)
		pl_result_finding(&r, PL_WARNING, "cpu1 is hot");
	ck_assert_int_eq(apply_specs(&r, lift_cases[_i].specs, (const char *const[]){ "busy",
				     NULL }, err, sizeof(err)), 0);
	pl_render(&r, PL_FMT_NAGIOS, 10, &out);
	ck_assert_str_eq(status_part(pl_buf_str(&out)), lift_cases[_i].line);
	pl_buf_free(&out);
	pl_result_free(&r);
}
END_TEST

/* An aside holds only while its metric is OK; an item's rate leaves the summary with
 * the utilization in parentheses after it, which is then a problem of its own. */
START_TEST(test_summary_aside_and_companion)
{
	struct pl_result r;
	struct pl_buf out = PL_BUF_INIT;
	struct pl_metric *t;
	struct pl_item *it;
	char err[256] = "";

	pl_result_init(&r, "check_hwmon", "HWMON");
	t = pl_metric_add(&r, "temp", 48, PL_U_CELSIUS);
	pl_result_summary(&r, "2 sensors, ");
	pl_result_summary_metric(&r, t, "hottest 48C");
	pl_result_summary_add(&r, " ");
	pl_result_summary_aside(&r, t, "(max 100C)");
	pl_result_summary_add(&r, ", fan 600rpm");
	ck_assert_int_eq(apply_specs(&r, (const char *[]){ NULL }, NULL, err, sizeof(err)), 0);
	pl_render(&r, PL_FMT_NAGIOS, 0, &out);
	ck_assert_str_eq(pl_buf_str(&out), "HWMON OK - 2 sensors, hottest 48C (max 100C), fan "
			 "600rpm | temp=48\n");
	ck_assert_int_eq(apply_specs(&r, (const char *[]){ "W:temp=~:40", NULL }, NULL, err,
				     sizeof(err)), 0);
	pl_buf_reset(&out);
	pl_render(&r, PL_FMT_NAGIOS, 0, &out);
	ck_assert_str_eq(pl_buf_str(&out), "HWMON WARNING - 2 sensors, hottest 48C (warning over "
			 "40C), fan 600rpm | temp=48;~:40\n");
	pl_result_free(&r);

	for (int k = 0; k < 2; k++) {
		pl_result_init(&r, "check_net", "NET");
		it = pl_result_item(&r, "interface", "eth0");
		pl_item_metric(it, "rx_bits", 9e6, PL_U_BITS_PER_S);
		pl_item_metric(it, "rx_util", 9, PL_U_PERCENT);
		pl_item_metric(it, "tx_bits", 5e5, PL_U_BITS_PER_S);
		pl_item_metric(it, "tx_util", 0.5, PL_U_PERCENT);
		pl_result_summary(&r, "eth0 up: ");
		pl_result_summary_metric(&r, r.metrics[0], "rx 9Mbit/s");
		pl_result_summary_add(&r, " ");
		pl_result_summary_metric(&r, r.metrics[1], "(9%%)");
		pl_result_summary_add(&r, ", ");
		pl_result_summary_metric(&r, r.metrics[2], "tx 500kbit/s");
		pl_result_summary_add(&r, " ");
		pl_result_summary_metric(&r, r.metrics[3], "(0.5%%)");
		if (k == 1)
			break;
		ck_assert_int_eq(apply_specs(&r, (const char *[]){ "W:*_util=5",
					     "C:eth0_tx_bits=400000", NULL }, NULL, err,
					     sizeof(err)), 0);
		pl_buf_reset(&out);
		pl_render(&r, PL_FMT_NAGIOS, 0, &out);
		ck_assert_str_eq(status_part(pl_buf_str(&out)), "NET CRITICAL - eth0 tx_bits "
				 "500kbit/s (critical over 400kbit/s) - eth0 up: rx 9Mbit/s (9%) "
				 "(warning over 5%)");
		pl_result_free(&r);
	}
	pl_result_finding(&r, PL_WARNING, "eth1 down");
	ck_assert_int_eq(apply_specs(&r, (const char *[]){ "W:eth0_rx_util=5",
				     "C:eth0_rx_bits=1000000", "W:eth0_tx_util=0.1", NULL }, NULL, err,
				     sizeof(err)), 0);
	pl_buf_reset(&out);
	pl_render(&r, PL_FMT_NAGIOS, 0, &out);
	/* rx leads a warning finding and takes its warning utilization along: that is
	 * named among the problems */
	ck_assert_str_eq(status_part(pl_buf_str(&out)), "NET CRITICAL - eth0 rx_bits 9Mbit/s "
			 "(critical over 1Mbit/s), eth1 down, eth0 rx_util 9% (warning over 5%) - "
			 "eth0 up: tx 500kbit/s (0.5%) (warning over 0.1%)");
	pl_buf_free(&out);
	pl_result_free(&r);
}
END_TEST

/* One reason, said once per item: rx_util and tx_util without a link speed. */
START_TEST(test_missing_grouped)
{
	struct pl_result r;
	struct pl_buf out = PL_BUF_INIT;
	char err[256] = "";

	pl_result_init(&r, "check_net", "NET");
	for (int i = 0; i < 2; i++) {
		struct pl_item *it = pl_result_item(&r, "interface", i ? "eth1" : "eth0");

		pl_item_metric(it, "rx_bits", 1, PL_U_BITS_PER_S);
		pl_metric_missing(pl_item_metric(it, "rx_util", 0, PL_U_PERCENT),
				  PL_MISSING_LASTING, "no speed", "give it");
		pl_metric_missing(pl_item_metric(it, "tx_util", 0, PL_U_PERCENT),
				  PL_MISSING_LASTING, "no speed", "give it");
		pl_metric_missing(pl_item_metric(it, "rx_pkts", 0, PL_U_NONE),
				  PL_MISSING_RUN, "it appeared", NULL);
		pl_metric_missing(pl_item_metric(it, "tx_pkts", 0, PL_U_NONE),
				  PL_MISSING_RUN, "it appeared", NULL);
	}
	ck_assert_int_eq(apply_specs(&r, (const char *[]){ "W:*_util=80", "W:*_pkts=5", NULL },
				     NULL, err, sizeof(err)), 0);
	pl_render(&r, PL_FMT_NAGIOS, 10, &out);
	ck_assert_str_eq(pl_buf_str(&out), "NET UNKNOWN - eth0 rx_util, tx_util (not judged: no "
			 "speed; give it), eth1 rx_util, tx_util (not judged: no speed; give it) | "
			 "eth0_rx_bits=1 eth1_rx_bits=1\n"
			 "not judged this run (no value): eth0 rx_pkts, tx_pkts (it appeared), eth1 "
			 "rx_pkts, tx_pkts (it appeared)\n");
	pl_buf_free(&out);
	pl_result_free(&r);
}
END_TEST

/* Problems first, worst first: --max-lines 3 never drops the CRITICAL array while it
 * shows OK ones. */
START_TEST(test_long_output_order)
{
	struct pl_result r;
	struct pl_buf out = PL_BUF_INIT;
	char err[64] = "";
	static const char *const names[] = { "md0", "md1", "md2", "md3", "md4", "md5" };

	pl_result_init(&r, "check_mdraid", "MDRAID");
	for (int i = 0; i < 6; i++)
		pl_item_line(pl_result_item(&r, "array", names[i]), "active raid1");
	pl_item_finding(pl_result_item(&r, "array", "md2"), PL_WARNING, "resyncing");
	pl_item_finding(pl_result_item(&r, "array", "md5"), PL_CRITICAL, "degraded");
	pl_item_finding(pl_result_item(&r, "array", "md4"), PL_WARNING, "checking");
	pl_item_finding(pl_result_item(&r, "array", "md3"), PL_WARNING, "rebuilding");
	pl_result_line(&r, "6 arrays");
	ck_assert_int_eq(apply_specs(&r, (const char *[]){ NULL }, NULL, err, sizeof(err)), 0);
	pl_render(&r, PL_FMT_NAGIOS, 3, &out);
	ck_assert_str_eq(pl_buf_str(&out),
			 "MDRAID CRITICAL - md5: degraded, md2: resyncing, md4: checking (+1 more)\n"
			 "[WARNING] md3: rebuilding\nmd5: active raid1\nmd2: active raid1\n"
			 "... 5 more lines left out (raise --max-lines to see more)\n");
	pl_buf_reset(&out);
	pl_render(&r, PL_FMT_NAGIOS, 20, &out);
	ck_assert_str_eq(pl_buf_str(&out),
			 "MDRAID CRITICAL - md5: degraded, md2: resyncing, md4: checking (+1 more)\n"
			 "[WARNING] md3: rebuilding\nmd5: active raid1\nmd2: active raid1\n"
			 "md3: active raid1\nmd4: active raid1\n6 arrays\nmd0: active raid1\n"
			 "md1: active raid1\n");
	pl_buf_free(&out);
	pl_result_free(&r);
}
END_TEST

/* The one-line form fits NRPE v2 and says what it left out. */
START_TEST(test_oneline_cap)
{
	struct pl_result r;
	struct pl_buf out = PL_BUF_INIT;
	struct pl_render_opts o = { PL_FMT_ONELINE, 1000, false, true };
	const char *s;

	pl_result_init(&r, "check_x", "X");
	for (int i = 0; i < 200; i++) {
		pl_result_line(&r, "line %d with some words to fill the space", i);
		metric_nth(&r, i, PL_U_NONE, "metric_number_", i, 0);
	}
	pl_render_with(&r, &o, &out);
	s = pl_buf_str(&out);
	ck_assert_uint_le(out.len, PL_ONELINE_CAP);
	ck_assert_ptr_null(strchr(s, '\n') == s + out.len - 1 ? NULL : strchr(s, '\n'));
	ck_assert_ptr_nonnull(strstr(s, "more lines left out (output size limit)"));
	ck_assert_ptr_nonnull(strstr(s, "perfdata items left out (output size limit)"));
	ck_assert_ptr_nonnull(strstr(s, " | metric_number_0=0"));
	pl_buf_free(&out);
	pl_result_free(&r);
}
END_TEST

/* JSON is capped, still valid, and says what it left out. */
START_TEST(test_json_cap)
{
	struct pl_result r;
	struct pl_buf out = PL_BUF_INIT;
	char n[32];
	const char *s;

	pl_result_init(&r, "check_net", "NET");
	for (int i = 0; i < 3000; i++) {
		struct pl_item *it;

		pl_snprintf(n, sizeof(n), "veth%d", i);
		it = pl_result_item(&r, "interface", n);
		pl_item_metric(it, "rx_bits", i, PL_U_BITS_PER_S);
		pl_item_metric(it, "tx_bits", i, PL_U_BITS_PER_S);
		pl_item_line(it, "up");
	}
	pl_render(&r, PL_FMT_JSON, 10, &out);
	s = pl_buf_str(&out);
	ck_assert_uint_le(out.len, PL_JSON_CAP);
	ck_assert_uint_gt(out.len, PL_JSON_CAP - 2000);
	ck_assert_ptr_nonnull(strstr(s, "\"left_out\":{\"items\":"));
	ck_assert_ptr_null(strstr(s, "\"left_out\":{\"items\":0,"));
	ck_assert(strcmp(s + out.len - 3, "}}\n") == 0);
	pl_buf_free(&out);
	pl_result_free(&r);
}
END_TEST

/* Every JSON document keeps the cap: a deep tree (each level's closing brackets are
 * kept room for) and a usage error whose message and usage text are long. */
START_TEST(test_json_cap_deep_and_usage)
{
	struct pl_result r;
	struct pl_buf out = PL_BUF_INIT;
	struct pl_item *it = NULL;
	char big[5000];
	const char *s;
	size_t open = 0;

	pl_result_init(&r, "check_x", "X");
	for (int i = 0; i < 3000; i++) {
		it = i == 0 ? pl_result_item(&r, "chip", "c") : pl_item_item(it, "chip", "c");
		pl_item_metric(it, "temp", i, PL_U_CELSIUS);
	}
	pl_render(&r, PL_FMT_JSON, 10, &out);
	s = pl_buf_str(&out);
	ck_assert_uint_le(out.len, PL_JSON_CAP);
	for (size_t i = 0; i < out.len; i++)
		open += s[i] == '[' || s[i] == '{' ? 1 : s[i] == ']' || s[i] == '}' ? -1 : 0;
	ck_assert_uint_eq(open, 0);
	ck_assert_ptr_null(strstr(s, "\"left_out\":{\"items\":0,"));
	pl_result_free(&r);

	pl_buf_reset(&out);
	memset(big, '\x01', sizeof(big) - 1);   /* six bytes each in JSON */
	big[sizeof(big) - 1] = '\0';
	pl_result_init(&r, "check_x", "X");
	for (int i = 0; i < 20; i++)
		pl_result_finding(&r, PL_UNKNOWN, "%s", big);
	pl_result_summary(&r, "%s", big);
	pl_result_usage(&r, "%s", big);
	pl_render(&r, PL_FMT_JSON, 10, &out);
	s = pl_buf_str(&out);
	ck_assert_uint_le(out.len, PL_JSON_CAP);
	ck_assert_ptr_nonnull(strstr(s, ",\"usage\":\"\\u0001"));
	ck_assert(strcmp(s + out.len - 3, "}}\n") == 0);
	pl_buf_free(&out);
	pl_result_free(&r);
}
END_TEST


/* pl_findings: what a pure judge writes, given to an item in one call. */
START_TEST(test_findings)
{
	struct pl_findings f;
	struct pl_result r;
	char big[PL_FINDING_TEXT + 100];

	memset(&f, 0, sizeof(f));
	ck_assert_int_eq(f.worst, PL_OK);
	pl_findings_add(&f, PL_WARNING, "fan%d slow", 1);
	pl_findings_add(&f, PL_CRITICAL, "temp%d hot", 2);
	pl_findings_add(&f, PL_OK, "fine");
	ck_assert_uint_eq(f.n, 3);
	ck_assert_int_eq(f.worst, PL_CRITICAL);
	ck_assert_str_eq(f.v[1].text, "temp2 hot");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	for (int i = 0; i < 10; i++)
		pl_findings_add(&f, PL_UNKNOWN, "%s", big);
	ck_assert_uint_eq(f.n, PL_FINDINGS_MAX);
	ck_assert_uint_eq(strlen(f.v[PL_FINDINGS_MAX - 1].text), PL_FINDING_TEXT - 1);
	pl_result_init(&r, "check_x", "X");
	pl_item_findings(pl_result_item(&r, "chip", "nct6775"), &f);
	ck_assert_uint_eq(r.nlines, PL_FINDINGS_MAX);
	ck_assert_str_eq(r.lines[0].text, "fan1 slow");
	ck_assert_int_eq(r.lines[1].state, PL_CRITICAL);
	ck_assert_int_eq(pl_result_state(&r), PL_CRITICAL);
	pl_result_free(&r);
}
END_TEST

TCase *
tc_result(void)
{
	TCase *tc = tcase_create("result");

	tcase_add_test(tc, test_findings);
	tcase_add_loop_test(tc, test_apply, 0, N(apply_cases));
	tcase_add_test(tc, test_apply_primary_absent);
	tcase_add_test(tc, test_thresholds_add_bad);
	tcase_add_test(tc, test_nan_metric);
	tcase_add_test(tc, test_state_order);
	tcase_add_test(tc, test_result_state);
	tcase_add_test(tc, test_render_nagios);
	tcase_add_test(tc, test_render_oneline);
	tcase_add_test(tc, test_render_json);
	tcase_add_test(tc, test_render_ok);
	tcase_add_loop_test(tc, test_render_limit_decimals, 0,
			      sizeof(limit_cases) / sizeof(limit_cases[0]));
	tcase_add_test(tc, test_render_more);
	tcase_add_test(tc, test_render_sanitised);
	tcase_add_test(tc, test_render_status_cap);
	tcase_add_loop_test(tc, test_perfdata, 0, N(perf_cases));
	tcase_add_test(tc, test_hidden);
	tcase_add_test(tc, test_max_lines);
	tcase_add_test(tc, test_output_cap_metrics);
	tcase_add_test(tc, test_output_cap_lines);
	tcase_add_test(tc, test_output_cap_both);
	tcase_add_test(tc, test_json_string);
	tcase_add_test(tc, test_json_escapes_texts);
	tcase_add_test(tc, test_metric_lookup);
	tcase_add_loop_test(tc, test_label_escape, 0, N(label_cases));
	tcase_add_test(tc, test_label_injective);
	tcase_add_test(tc, test_items);
	tcase_add_test(tc, test_item_path_names);
	tcase_add_test(tc, test_item_long_label);
	tcase_add_test(tc, test_item_long_label_suffix);
	tcase_add_test(tc, test_duplicate_label);
	tcase_add_test(tc, test_item_render);
	tcase_add_test(tc, test_item_tree_json);
	tcase_add_test(tc, test_missing_value);
	tcase_add_test(tc, test_json_utf8);
	tcase_add_test(tc, test_name_escape);
	tcase_add_test(tc, test_name_str_cut);
	tcase_add_test(tc, test_text_str);
	tcase_add_test(tc, test_missing_lasting);
	tcase_add_test(tc, test_missing_this_run);
	tcase_add_test(tc, test_absent_item);
	tcase_add_loop_test(tc, test_swapped, 0, N(swapped_cases));
	tcase_add_test(tc, test_summary_metric);
	tcase_add_loop_test(tc, test_summary_lift, 0,
			    (int)(sizeof(lift_cases) / sizeof(lift_cases[0])));
	tcase_add_test(tc, test_summary_aside_and_companion);
	tcase_add_test(tc, test_missing_grouped);
	tcase_add_test(tc, test_long_output_order);
	tcase_add_test(tc, test_oneline_cap);
	tcase_add_test(tc, test_json_cap);
	tcase_add_test(tc, test_json_cap_deep_and_usage);
	return tc;
}
