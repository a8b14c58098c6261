/* Unit tests of pl_hwmon: the value parser, the label sanitizer, attribute names, the
 * default ranges from kernel limits, and the walk over the fixture trees. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include "pl_buf.h"
#include "pl_hwmon.h"
#include "tests.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* --- pl_hwmon_value_parse ------------------------------------------------------------ */

static const struct {
	const char *text;
	size_t len;          /* 0: strlen(text) */
	int rc;
	int64_t v;
} value_cases[] = {
	{ "54000\n", 0, 0, 54000 },
	{ "54000", 0, 0, 54000 },
	{ "0\n", 0, 0, 0 },
	{ "-273150\n", 0, 0, -273150 },
	{ "65261850\n", 0, 0, 65261850 },
	{ "14470000", 0, 0, 14470000 },
	{ "9223372036854775807", 0, 0, INT64_MAX },
	{ "-9223372036854775807", 0, 0, -INT64_MAX },
	{ "123456", 3, 0, 123 },           /* only len bytes count, no NUL needed */
	{ "", 0, -1, 0 },
	{ "\n", 0, -1, 0 },
	{ "N/A\n", 0, -1, 0 },
	{ "4x000\n", 0, -1, 0 },
	{ " 1", 0, -1, 0 },
	{ "1 ", 0, -1, 0 },
	{ "+1", 0, -1, 0 },
	{ "-", 0, -1, 0 },
	{ "-\n", 0, -1, 0 },
	{ "--1", 0, -1, 0 },
	{ "1\n\n", 0, -1, 0 },
	{ "1\n2", 0, -1, 0 },
	{ "0x10", 0, -1, 0 },
	{ "1.5", 0, -1, 0 },
	{ "1e3", 0, -1, 0 },
	{ "9223372036854775808", 0, -1, 0 },
	{ "99999999999999999999999", 0, -1, 0 },
};

START_TEST(test_value_parse)
{
	const char *t = value_cases[_i].text;
	size_t len = value_cases[_i].len ? value_cases[_i].len : strlen(t);
	int64_t v = 42;
	int rc = pl_hwmon_value_parse(t, len, &v);

	ck_assert_msg(rc == value_cases[_i].rc, "'%s': rc %d", t, rc);
	if (rc == 0)
		ck_assert_msg(v == value_cases[_i].v, "'%s': %lld", t, (long long)v);
}
END_TEST

/* --- pl_hwmon_sanitize --------------------------------------------------------------- */

static const struct {
	const char *in;
	size_t outlen;
	const char *out;
} san_cases[] = {
	{ "Package id 0", 64, "package_id_0" },
	{ "Core 0", 64, "core_0" },
	{ "CPU Fan", 64, "cpu_fan" },
	{ "PECI Agent 0 Calibration", 64, "peci_agent_0_calibration" },
	{ "Tctl", 64, "tctl" },
	{ "  Tccd1 ", 64, "tccd1" },
	{ "+3.3V", 64, "3_3v" },
	{ "Vcore", 64, "vcore" },
	{ "in0", 64, "in0" },
	{ "a--b__c", 64, "a_b_c" },
	{ "SYSTIN\n", 64, "systin" },
	{ "ab\ncd", 64, "ab" },
	{ "---", 64, "" },
	{ "", 64, "" },
	{ "\xc3\xa9t\xc3\xa9", 64, "t" },       /* "été": non-ASCII bytes are separators */
	{ "abcdefgh", 5, "abcd" },
	{ "ab cd", 4, "ab" },                    /* a cut never leaves a trailing '_' */
	{ "ab cd", 5, "ab_c" },
	{ "x", 1, "" },
};

START_TEST(test_sanitize)
{
	char out[64];
	size_t n;

	memset(out, 'Z', sizeof(out));
	n = pl_hwmon_sanitize(san_cases[_i].in, strlen(san_cases[_i].in), out,
			      san_cases[_i].outlen);
	ck_assert_str_eq(out, san_cases[_i].out);
	ck_assert_uint_eq(n, strlen(san_cases[_i].out));
}
END_TEST

/* --- pl_hwmon_attr_split ------------------------------------------------------------- */

static const struct {
	const char *name;
	int rc;
	enum pl_hwmon_type type;
	unsigned index;
	const char *item;
} split_cases[] = {
	{ "temp1_input", 0, PL_HWMON_TEMP, 1, "input" },
	{ "temp12_crit_alarm", 0, PL_HWMON_TEMP, 12, "crit_alarm" },
	{ "in0_input", 0, PL_HWMON_IN, 0, "input" },
	{ "fan3_min", 0, PL_HWMON_FAN, 3, "min" },
	{ "power1_average", 0, PL_HWMON_POWER, 1, "average" },
	{ "curr2_lcrit", 0, PL_HWMON_CURR, 2, "lcrit" },
	{ "fan1", 0, PL_HWMON_FAN, 1, "" },
	{ "name", -1, PL_HWMON_TEMP, 0, NULL },
	{ "pwm1", -1, PL_HWMON_TEMP, 0, NULL },
	{ "pwm1_enable", -1, PL_HWMON_TEMP, 0, NULL },
	{ "intrusion0_alarm", -1, PL_HWMON_TEMP, 0, NULL },
	{ "temp_auto", -1, PL_HWMON_TEMP, 0, NULL },
	{ "temp1x_input", -1, PL_HWMON_TEMP, 0, NULL },
	{ "temp99999_input", -1, PL_HWMON_TEMP, 0, NULL },
	{ "in", -1, PL_HWMON_TEMP, 0, NULL },
	{ "update_interval", -1, PL_HWMON_TEMP, 0, NULL },
	{ "cpu0_vid", -1, PL_HWMON_TEMP, 0, NULL },
};

START_TEST(test_attr_split)
{
	enum pl_hwmon_type t = PL_HWMON_NTYPES;
	unsigned idx = 777;
	const char *item = NULL;
	int rc = pl_hwmon_attr_split(split_cases[_i].name, &t, &idx, &item);

	ck_assert_msg(rc == split_cases[_i].rc, "%s: rc %d", split_cases[_i].name, rc);
	if (rc != 0)
		return;
	ck_assert_int_eq(t, split_cases[_i].type);
	ck_assert_uint_eq(idx, split_cases[_i].index);
	ck_assert_str_eq(item, split_cases[_i].item);
}
END_TEST

/* --- pl_hwmon_default_ranges --------------------------------------------------------- */

static const struct {
	enum pl_hwmon_type type;
	double min, max, lcrit, crit;
	const char *warn, *crit_text;
} range_cases[] = {
	/* temperature: ~:max and ~:crit; lower limits are not used */
	{ PL_HWMON_TEMP, NAN, 80, NAN, 100, "~:80", "~:100" },
	{ PL_HWMON_TEMP, NAN, NAN, NAN, 119, "", "~:119" },
	{ PL_HWMON_TEMP, -273.15, 81.85, NAN, 84.85, "~:81.85", "~:84.85" },
	{ PL_HWMON_TEMP, -273.15, 65261.85, NAN, NAN, "", "" },   /* NVMe "no threshold" */
	{ PL_HWMON_TEMP, 10, NAN, -5, NAN, "", "" },
	{ PL_HWMON_TEMP, NAN, -300, NAN, NAN, "", "" },           /* below absolute zero */
	{ PL_HWMON_TEMP, NAN, NAN, NAN, NAN, "", "" },
	/* a temperature limit of 0C is unprogrammed, like a fan minimum of 0 */
	{ PL_HWMON_TEMP, NAN, 0, NAN, 0, "", "" },
	{ PL_HWMON_TEMP, NAN, 0, NAN, 95, "", "~:95" },
	{ PL_HWMON_TEMP, NAN, 70, NAN, 0, "~:70", "" },
	{ PL_HWMON_FAN, -300, NAN, NAN, NAN, "", "" },
	/* fan: min: ; a min of 0 is "off" */
	{ PL_HWMON_FAN, 300, NAN, NAN, NAN, "300:", "" },
	{ PL_HWMON_FAN, 0, NAN, NAN, NAN, "", "" },
	{ PL_HWMON_FAN, 600, 5000, NAN, NAN, "600:", "" },
	/* voltage: min:max and lcrit:crit, one-sided when one end is missing */
	{ PL_HWMON_IN, 2.976, 3.632, NAN, NAN, "2.976:3.632", "" },
	{ PL_HWMON_IN, 0, 1.744, NAN, NAN, "1.744", "" },          /* 0:1.744 printed short */
	{ PL_HWMON_IN, 1.4, 1.6, 1.3, 1.7, "1.4:1.6", "1.3:1.7" },
	{ PL_HWMON_IN, 0, 0, NAN, NAN, "", "" },                   /* unprogrammed */
	{ PL_HWMON_IN, 2, 1, NAN, NAN, "", "" },                   /* inverted */
	{ PL_HWMON_IN, NAN, 13.2, NAN, NAN, "~:13.2", "" },
	{ PL_HWMON_IN, 10.8, NAN, NAN, NAN, "10.8:", "" },
	{ PL_HWMON_IN, NAN, NAN, -0.081, 0.081, "", "-0.081:0.081" },
	{ PL_HWMON_POWER, NAN, NAN, NAN, 36, "", "~:36" },
	{ PL_HWMON_CURR, NAN, NAN, 0, 3, "", "3" },
};

START_TEST(test_default_ranges)
{
	struct pl_hwmon_sensor s;
	struct pl_range w, c;
	char a[64], b[64];

	memset(&s, 0, sizeof(s));
	s.type = range_cases[_i].type;
	s.min = range_cases[_i].min;
	s.max = range_cases[_i].max;
	s.lcrit = range_cases[_i].lcrit;
	s.crit = range_cases[_i].crit;
	s.value = 1;
	pl_hwmon_default_ranges(&s, &w, &c);
	ck_assert_str_eq(pl_range_format(&w, a, sizeof(a)), range_cases[_i].warn);
	ck_assert_str_eq(pl_range_format(&c, b, sizeof(b)), range_cases[_i].crit_text);
}
END_TEST

/* A limit is the last acceptable value: at the limit is OK, past it alerts. */
static const struct {
	enum pl_hwmon_type type;
	double min, max, lcrit, crit, value;
	int state;                  /* 0 OK, 1 WARNING, 2 CRITICAL by the default ranges */
} judge_cases[] = {
	{ PL_HWMON_TEMP, NAN, 80, NAN, 95, 80, 0 },        /* exactly at max */
	{ PL_HWMON_TEMP, NAN, 80, NAN, 95, 80.001, 1 },
	{ PL_HWMON_TEMP, NAN, 80, NAN, 95, 95, 1 },        /* at crit: past max only */
	{ PL_HWMON_TEMP, NAN, 80, NAN, 95, 95.001, 2 },
	{ PL_HWMON_TEMP, NAN, 0, NAN, 0, 41, 0 },          /* 0C limits are none */
	{ PL_HWMON_TEMP, NAN, 0, NAN, 95, 96, 2 },
	{ PL_HWMON_FAN, 600, NAN, NAN, NAN, 600, 0 },      /* exactly at min */
	{ PL_HWMON_FAN, 600, NAN, NAN, NAN, 599, 1 },
	{ PL_HWMON_FAN, 0, NAN, NAN, NAN, 0, 0 },
	{ PL_HWMON_IN, 1.2, 1.5, NAN, NAN, 1.2, 0 },
	{ PL_HWMON_IN, 1.2, 1.5, NAN, NAN, 1.5, 0 },
	{ PL_HWMON_IN, 1.2, 1.5, NAN, NAN, 1.5001, 1 },
	{ PL_HWMON_IN, 1.2, 1.5, 1.1, 1.6, 1.1, 1 },
	{ PL_HWMON_IN, 1.2, 1.5, 1.1, 1.6, 1.0999, 2 },
	{ PL_HWMON_CURR, NAN, NAN, 0, 3, 3, 0 },
	{ PL_HWMON_CURR, NAN, NAN, 0, 3, -0.001, 2 },
};

START_TEST(test_judge_at_limits)
{
	struct pl_hwmon_sensor s;
	struct pl_range w, c;
	int state;

	memset(&s, 0, sizeof(s));
	s.type = judge_cases[_i].type;
	s.min = judge_cases[_i].min;
	s.max = judge_cases[_i].max;
	s.lcrit = judge_cases[_i].lcrit;
	s.crit = judge_cases[_i].crit;
	s.value = judge_cases[_i].value;
	pl_hwmon_default_ranges(&s, &w, &c);
	state = pl_range_alerts(&c, s.value) ? 2 : pl_range_alerts(&w, s.value) ? 1 : 0;
	ck_assert_msg(state == judge_cases[_i].state, "case %d: state %d", _i, state);
}
END_TEST

static const struct {
	enum pl_hwmon_type type;
	double v;
	bool none;
} none_cases[] = {
	{ PL_HWMON_TEMP, NAN, true }, { PL_HWMON_TEMP, 0, true },
	{ PL_HWMON_TEMP, -273.15, true }, { PL_HWMON_TEMP, 65261.85, true },
	{ PL_HWMON_TEMP, 0.001, false }, { PL_HWMON_TEMP, -40, false },
	{ PL_HWMON_FAN, 0, true }, { PL_HWMON_FAN, 300, false },
	{ PL_HWMON_IN, 0, false }, { PL_HWMON_CURR, 0, false }, { PL_HWMON_POWER, NAN, true },
};

START_TEST(test_limit_none)
{
	ck_assert_msg(pl_hwmon_limit_none(none_cases[_i].type, none_cases[_i].v) ==
		      none_cases[_i].none, "case %d", _i);
}
END_TEST

/* --- pl_hwmon_judge ------------------------------------------------------------------ */

#define ALM PL_HWMON_ALARM
#define CALM PL_HWMON_CRIT_ALARM
#define LCALM PL_HWMON_LCRIT_ALARM
#define FLT PL_HWMON_FAULT

static const struct {
	enum pl_hwmon_type type;
	double value, min, max, lcrit, crit;
	unsigned flags;
	const char *bad;          /* a limit that cannot be read, or NULL */
	bool alarms;
	const char *findings;     /* joined by " / ", each "STATE text" */
	const char *line;
	bool value_nan;           /* the metric gets no value */
} verdict_cases[] = {
	{ PL_HWMON_TEMP, 47, NAN, 100, NAN, 100, 0, NULL, true, "",
	  "S 47C (max 100C, crit 100C)", false },
	/* an alarm the reading does not explain is a finding; one it does is the metric's */
	{ PL_HWMON_TEMP, 42, NAN, 70, NAN, NAN, ALM, NULL, true, "WARNING S alarm at 42C (max 70C)",
	  "S 42C (max 70C), ALARM", false },
	{ PL_HWMON_TEMP, 75, NAN, 70, NAN, NAN, ALM, NULL, true, "", "S 75C (max 70C), ALARM",
	  false },
	{ PL_HWMON_TEMP, 51, NAN, 60, NAN, 65, CALM, NULL, true,
	  "CRITICAL S critical alarm at 51C (max 60C, crit 65C)",
	  "S 51C (max 60C, crit 65C), ALARM", false },
	/* a crit alarm past max but not past crit: still a finding (max explains only a
	 * WARNING) */
	{ PL_HWMON_TEMP, 62, NAN, 60, NAN, 65, CALM, NULL, true,
	  "CRITICAL S critical alarm at 62C (max 60C, crit 65C)",
	  "S 62C (max 60C, crit 65C), ALARM", false },
	{ PL_HWMON_TEMP, 66, NAN, 60, NAN, 65, CALM, NULL, true, "",
	  "S 66C (max 60C, crit 65C), ALARM", false },
	{ PL_HWMON_TEMP, 42, NAN, 70, NAN, NAN, ALM, NULL, false, "", "S 42C (max 70C), ALARM",
	  false },
	{ PL_HWMON_TEMP, -128, NAN, 127, NAN, NAN, FLT, NULL, true,
	  "WARNING S sensor fault (reads -128C)", "S -128C (max 127C), FAULT", true },
	{ PL_HWMON_IN, 1.512, 1.4, 1.6, 1.3, 1.7, LCALM, NULL, true,
	  "CRITICAL S low critical alarm at 1.512V (lcrit 1.3V, min 1.4V, max 1.6V, crit 1.7V)",
	  "S 1.512V (lcrit 1.3V, min 1.4V, max 1.6V, crit 1.7V), ALARM", false },
	/* 0C limits mean none: not shown, not used */
	{ PL_HWMON_TEMP, 41, NAN, 0, NAN, 0, 0, NULL, true, "", "S 41C", false },
	{ PL_HWMON_FAN, 600, 0, NAN, NAN, NAN, 0, NULL, true, "", "S 600rpm", false },
	{ PL_HWMON_TEMP, 48, NAN, 100, NAN, NAN, 0, "limit temp1_crit holds 'abc', not a number",
	  true, "WARNING S limit temp1_crit holds 'abc', not a number (ignored)",
	  "S 48C (max 100C)", false },
	{ PL_HWMON_POWER, 14.47, NAN, NAN, NAN, 36, 0, NULL, true, "", "S 14.47W (crit 36W)",
	  false },
	{ PL_HWMON_CURR, 1.204, NAN, NAN, 0, 3, 0, NULL, true, "", "S 1.204A (lcrit 0A, crit 3A)",
	  false },
	{ PL_HWMON_TEMP, NAN, NAN, 100, NAN, NAN, 0, NULL, true, "WARNING S unreadable (value 'N/A')",
	  "S unknown (temp1_input holds 'N/A', not a number)", true },
};

START_TEST(test_judge)
{
	const struct pl_hwmon_policy pol = { verdict_cases[_i].alarms, PL_WARNING };
	struct pl_hwmon_sensor s;
	struct pl_hwmon_verdict v;
	struct pl_buf f = PL_BUF_INIT;

	memset(&s, 0, sizeof(s));
	s.type = verdict_cases[_i].type;
	pl_strlcpy(s.label, "S", sizeof(s.label));
	s.value = verdict_cases[_i].value;
	s.min = verdict_cases[_i].min;
	s.max = verdict_cases[_i].max;
	s.lcrit = verdict_cases[_i].lcrit;
	s.crit = verdict_cases[_i].crit;
	s.flags_present = s.flags_set = verdict_cases[_i].flags;
	pl_strlcpy(s.why, "temp1_input holds 'N/A', not a number", sizeof(s.why));
	pl_strlcpy(s.brief, "value 'N/A'", sizeof(s.brief));
	if (verdict_cases[_i].bad != NULL) {
		s.nbad = 1;
		pl_strlcpy(s.bad, verdict_cases[_i].bad, sizeof(s.bad));
	}
	pl_hwmon_judge(&s, &pol, &v);
	pl_buf_init(&f, 1024);
	for (size_t i = 0; i < v.findings.n; i++)
		pl_buf_printf(&f, "%s%s %s", i ? " / " : "", pl_state_name(v.findings.v[i].state),
			      v.findings.v[i].text);
	ck_assert_str_eq(pl_buf_str(&f), verdict_cases[_i].findings);
	ck_assert_str_eq(v.line, verdict_cases[_i].line);
	ck_assert(isnan(v.value) == verdict_cases[_i].value_nan);
	pl_buf_free(&f);
}
END_TEST

/* Labels: type, chip id, sanitized label or attribute; a repeated label gets the index. */
START_TEST(test_metric_label)
{
	struct pl_hwmon_sensor sn[4];
	struct pl_hwmon_chip c;
	char label[PL_LABEL_MAX], part[PL_LABEL_MAX];

	memset(&c, 0, sizeof(c));
	memset(sn, 0, sizeof(sn));
	pl_strlcpy(c.id, "nvme_0000_01_00_0", sizeof(c.id));
	c.sensors = sn;
	c.nsensors = 4;
	sn[0].type = sn[1].type = sn[3].type = PL_HWMON_TEMP;
	sn[2].type = PL_HWMON_FAN;
	sn[0].index = 1;
	sn[1].index = 2;
	sn[2].index = 1;
	sn[3].index = 3;
	pl_strlcpy(sn[0].label, "Composite", sizeof(sn[0].label));
	pl_strlcpy(sn[1].label, "Composite", sizeof(sn[1].label));
	pl_strlcpy(sn[2].label, "Composite", sizeof(sn[2].label));
	pl_strlcpy(sn[3].label, "---", sizeof(sn[3].label));
	pl_strlcpy(sn[3].attr, "temp3", sizeof(sn[3].attr));
	pl_hwmon_metric_label(&c, 0, label, sizeof(label), part, sizeof(part));
	ck_assert_str_eq(label, "temp_nvme_0000_01_00_0_composite");
	ck_assert_str_eq(part, "temp_composite");
	pl_hwmon_metric_label(&c, 1, label, sizeof(label), part, sizeof(part));
	ck_assert_str_eq(label, "temp_nvme_0000_01_00_0_composite_2");
	ck_assert_str_eq(part, "temp_composite_2");
	pl_hwmon_metric_label(&c, 2, label, sizeof(label), part, sizeof(part));
	ck_assert_str_eq(label, "fan_nvme_0000_01_00_0_composite");
	pl_hwmon_metric_label(&c, 3, label, sizeof(label), part, sizeof(part));
	ck_assert_str_eq(label, "temp_nvme_0000_01_00_0_temp3");
}
END_TEST

START_TEST(test_types)
{
	enum pl_hwmon_type t;

	ck_assert_int_eq(pl_hwmon_type_parse("temp", &t), 0);
	ck_assert_int_eq(t, PL_HWMON_TEMP);
	ck_assert_int_eq(pl_hwmon_type_parse("voltage", &t), 0);
	ck_assert_int_eq(t, PL_HWMON_IN);
	ck_assert_int_eq(pl_hwmon_type_parse("curr", &t), 0);
	ck_assert_int_eq(t, PL_HWMON_CURR);
	ck_assert_int_eq(pl_hwmon_type_parse("pwm", &t), -1);
	ck_assert_int_eq(pl_hwmon_type_parse("", &t), -1);
	ck_assert_str_eq(pl_hwmon_type_name(PL_HWMON_FAN), "fan");
	ck_assert_int_eq(pl_hwmon_type_unit(PL_HWMON_IN), PL_U_VOLTS);
	ck_assert(pl_hwmon_type_divisor(PL_HWMON_POWER) == 1e6);
}
END_TEST

/* --- the walk over fixture roots ----------------------------------------------------- */

static int
read_root(const char *name, struct pl_hwmon *h, char *err, size_t errlen)
{
	char dir[512];

	pl_snprintf(dir, sizeof(dir), "%s/hwmon/%s", fixtures_dir(), name);
	return pl_hwmon_read(dir, h, err, errlen);
}

START_TEST(test_read_coretemp)
{
	struct pl_hwmon h;
	char err[256];
	const struct pl_hwmon_sensor *s;

	ck_assert_int_eq(read_root("coretemp", &h, err, sizeof(err)), 0);
	ck_assert_uint_eq(h.nchips, 3);
	ck_assert_str_eq(h.chips[0].id, "acpitz");
	ck_assert_str_eq(h.chips[1].name, "coretemp");
	ck_assert_str_eq(h.chips[2].id, "nvme");
	ck_assert(!h.chips[2].shared);
	ck_assert_uint_eq(h.chips[1].nsensors, 5);
	s = &h.chips[1].sensors[0];
	ck_assert_str_eq(s->attr, "temp1");
	ck_assert_str_eq(s->label, "Package id 0");
	ck_assert(s->labelled);
	ck_assert(s->value == 48);
	ck_assert(s->max == 100 && s->crit == 100);
	ck_assert(isnan(s->min) && isnan(s->lcrit));
	ck_assert_uint_eq(s->flags_present, PL_HWMON_CRIT_ALARM);
	ck_assert_uint_eq(s->flags_set, 0);
	s = &h.chips[0].sensors[0];           /* acpitz: no label */
	ck_assert_str_eq(s->label, "temp1");
	ck_assert(!s->labelled);
	ck_assert(s->value == 27.8);
	s = &h.chips[2].sensors[1];           /* nvme Sensor 1 */
	ck_assert(s->max == 65261.85 && s->min == -273.15);
	pl_hwmon_free(&h);
}
END_TEST

static bool
fixture_is_link(const char *rel)
{
	char path[4096];
	struct stat st;

	pl_snprintf(path, sizeof(path), "%s/hwmon/%s", fixtures_dir(), rel);
	return lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
}

START_TEST(test_read_order_and_ids)
{
	struct pl_hwmon h;
	char err[256];

	/* hwmon2 comes before hwmon10 although it sorts after it as text. */
	ck_assert_int_eq(read_root("nvme-two", &h, err, sizeof(err)), 0);
	ck_assert_uint_eq(h.nchips, 2);
	ck_assert_uint_eq(h.chips[0].hwmon, 2);
	ck_assert_str_eq(h.chips[0].id, "nvme_0");
	ck_assert(h.chips[0].sensors[0].value == 35.85);
	ck_assert_str_eq(h.chips[1].id, "nvme_1");
	ck_assert(h.chips[1].shared);
	ck_assert_uint_eq(h.chips[1].nsensors, 2);
	ck_assert_str_eq(h.chips[0].device, "");
	ck_assert_str_eq(h.chips[0].devpath, "");
	pl_hwmon_free(&h);

	/* With device links the ids follow the devices (the PCI address in the link):
	 * hwmon1 is the drive at 0000:02:00.0. A release tarball stores the links as the
	 * directories they point at, and there these checks have nothing to check. */
	if (fixture_is_link("nvme-swapped/sys/class/hwmon/hwmon1/device")) {
		ck_assert_int_eq(read_root("nvme-swapped", &h, err, sizeof(err)), 0);
		ck_assert_uint_eq(h.nchips, 2);
		ck_assert_uint_eq(h.chips[0].hwmon, 1);
		ck_assert_str_eq(h.chips[0].device, "0000_02_00_0");
		ck_assert_str_eq(h.chips[0].id, "nvme_0000_02_00_0");
		ck_assert(h.chips[0].sensors[0].value == 44.85);
		ck_assert_str_eq(h.chips[1].device, "0000_01_00_0");
		ck_assert_str_eq(h.chips[1].id, "nvme_0000_01_00_0");
		ck_assert(h.chips[1].shared);
		ck_assert(h.chips[1].sensors[0].value == 35.85);
		/* The device path is where the link leads, below the root. */
		ck_assert_str_eq(h.chips[0].devpath, "/sys/devices/pci0000:00/0000:02:00.0/nvme/nvme1");
		ck_assert_str_eq(h.chips[1].devpath, "/sys/devices/pci0000:00/0000:01:00.0/nvme/nvme0");
		pl_hwmon_free(&h);

		/* A single chip keeps its plain name even when it has a device link. */
		ck_assert_int_eq(read_root("nvme", &h, err, sizeof(err)), 0);
		ck_assert_str_eq(h.chips[0].device, "0000_01_00_0");
		ck_assert_str_eq(h.chips[0].id, "nvme");
		ck_assert(!h.chips[0].shared);
		pl_hwmon_free(&h);
	}

	ck_assert_int_eq(read_root("acpitz-nolabel", &h, err, sizeof(err)), 0);
	ck_assert_str_eq(h.chips[0].id, "acpitz_0");
	ck_assert_str_eq(h.chips[1].id, "acpitz_1");
	pl_hwmon_free(&h);

	ck_assert_int_eq(read_root("hwmon-no-name", &h, err, sizeof(err)), 0);
	ck_assert_str_eq(h.chips[0].name, "hwmon0");
	ck_assert_str_eq(h.chips[0].id, "hwmon0");
	pl_hwmon_free(&h);
}
END_TEST

START_TEST(test_read_long_labels)
{
	struct pl_hwmon h;
	char err[256];

	/* Labels longer than 16 bytes are kept whole (they were cut to "PECI Agent 0 Cal"). */
	ck_assert_int_eq(read_root("nct6798-long-labels", &h, err, sizeof(err)), 0);
	ck_assert_uint_eq(h.nchips, 1);
	ck_assert_str_eq(h.chips[0].name, "nct6798");
	ck_assert_uint_eq(h.chips[0].nsensors, 6);
	ck_assert_str_eq(h.chips[0].sensors[2].label, "PECI Agent 0 Calibration");
	ck_assert_str_eq(h.chips[0].sensors[3].label, "PCH_CHIP_CPU_MAX_TEMP");
	ck_assert(h.chips[0].sensors[3].labelled);
	ck_assert(h.chips[0].sensors[3].value == 52);
	pl_hwmon_free(&h);
}
END_TEST

START_TEST(test_read_device_dir)
{
	struct pl_hwmon h;
	char err[256];

	ck_assert_int_eq(read_root("device-dir", &h, err, sizeof(err)), 0);
	ck_assert_uint_eq(h.nchips, 1);
	ck_assert_str_eq(h.chips[0].name, "w83627hf");
	ck_assert_uint_eq(h.chips[0].nsensors, 4);
	ck_assert_int_eq(h.chips[0].sensors[2].type, PL_HWMON_FAN);
	ck_assert(h.chips[0].sensors[2].value == 2280);
	ck_assert(h.chips[0].sensors[2].min == 1500);
	ck_assert(h.chips[0].sensors[3].value == 1.36);
	pl_hwmon_free(&h);
}
END_TEST

START_TEST(test_read_broken)
{
	struct pl_hwmon h;
	char err[256];

	ck_assert_int_eq(read_root("broken-garbage", &h, err, sizeof(err)), 0);
	ck_assert(h.chips[0].sensors[0].value == 48);
	ck_assert(isnan(h.chips[0].sensors[1].value));
	ck_assert_str_eq(h.chips[0].sensors[1].why, "temp2_input holds 'N/A', not a number");
	ck_assert_str_eq(h.chips[0].sensors[2].why, "temp3_input holds '4x000', not a number");
	ck_assert_str_eq(h.chips[0].sensors[1].brief, "value 'N/A'");
	ck_assert_str_eq(h.chips[0].sensors[0].brief, "");
	pl_hwmon_free(&h);

	ck_assert_int_eq(read_root("broken-missing-input", &h, err, sizeof(err)), 0);
	ck_assert_uint_eq(h.chips[0].nsensors, 3);
	ck_assert(isnan(h.chips[0].sensors[1].value));
	ck_assert_str_eq(h.chips[0].sensors[1].why, "no temp2_input");
	ck_assert_str_eq(h.chips[0].sensors[1].label, "Core 0");
	ck_assert_str_eq(h.chips[0].sensors[1].brief, "no temp2_input");
	pl_hwmon_free(&h);

	ck_assert_int_eq(read_root("broken-empty-value", &h, err, sizeof(err)), 0);
	ck_assert_str_eq(h.chips[0].sensors[0].why, "temp1_input is empty");
	ck_assert_str_eq(h.chips[0].sensors[0].brief, "empty value");
	pl_hwmon_free(&h);

	/* A limit that exists but is not a number is counted and named, never dropped. */
	ck_assert_int_eq(read_root("bad-limit", &h, err, sizeof(err)), 0);
	ck_assert(h.chips[0].sensors[0].value == 48);
	ck_assert(isnan(h.chips[0].sensors[0].crit));
	ck_assert_uint_eq(h.chips[0].sensors[0].nbad, 1);
	ck_assert_str_eq(h.chips[0].sensors[0].bad, "limit temp1_crit holds 'abc', not a number");
	ck_assert_str_eq(h.chips[0].sensors[1].bad, "limit temp2_max is empty");
	ck_assert(h.chips[0].sensors[1].crit == 100);
	pl_hwmon_free(&h);

	/* A negative fan speed is a faulty reading, not one to judge. */
	ck_assert_int_eq(read_root("fan-negative", &h, err, sizeof(err)), 0);
	ck_assert(h.chips[0].sensors[1].value == 1520);
	ck_assert(isnan(h.chips[0].sensors[2].value));
	ck_assert_str_eq(h.chips[0].sensors[2].why, "fan2_input reads -5, a negative fan speed");
	ck_assert(!h.chips[0].sensors[2].read_error);
	pl_hwmon_free(&h);

	/* Below absolute zero is faulty as well; -273.15C itself is a reading. */
	ck_assert_int_eq(read_root("temp-below-zero", &h, err, sizeof(err)), 0);
	ck_assert(h.chips[0].sensors[0].value == 45);
	ck_assert(isnan(h.chips[0].sensors[1].value));
	ck_assert_str_eq(h.chips[0].sensors[1].why,
			 "temp3_input reads -999999999999, below absolute zero");
	ck_assert(h.chips[0].sensors[2].value == -273.15);
	pl_hwmon_free(&h);

	/* Two chips "dup" without a device and one named "dup_0": every id distinct. */
	ck_assert_int_eq(read_root("chip-dup", &h, err, sizeof(err)), 0);
	ck_assert_uint_eq(h.nchips, 3);
	ck_assert_str_eq(h.chips[0].id, "dup__0");
	ck_assert_str_eq(h.chips[1].id, "dup_1");
	ck_assert_str_eq(h.chips[2].id, "dup_0");
	pl_hwmon_free(&h);

	/* Labels "same", "same", "same_2": the second takes same__2. */
	ck_assert_int_eq(read_root("label-dup", &h, err, sizeof(err)), 0);
	{
		static const char *const want[3] = { "temp_dup_same", "temp_dup_same__2",
						     "temp_dup_same_2" };
		char label[PL_LABEL_MAX], part[PL_LABEL_MAX];

		ck_assert_uint_eq(h.chips[0].nsensors, 3);
		for (size_t k = 0; k < 3; k++) {
			pl_hwmon_metric_label(&h.chips[0], k, label, sizeof(label), part,
					      sizeof(part));
			ck_assert_str_eq(label, want[k]);
		}
	}
	pl_hwmon_free(&h);

	ck_assert_int_eq(read_root("no-hwmon", &h, err, sizeof(err)), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_uint_eq(h.nchips, 0);
}
END_TEST

START_TEST(test_read_alarms_power)
{
	struct pl_hwmon h;
	char err[256];
	const struct pl_hwmon_chip *c;

	ck_assert_int_eq(read_root("alarms-latched", &h, err, sizeof(err)), 0);
	c = &h.chips[0];
	/* intrusion0_alarm and pwm1 are not sensors. */
	ck_assert_uint_eq(c->nsensors, 7);
	ck_assert_uint_eq(c->sensors[1].flags_set, PL_HWMON_CRIT_ALARM);
	ck_assert_uint_eq(c->sensors[2].flags_set, PL_HWMON_FAULT);
	ck_assert(c->sensors[2].value == -128);
	ck_assert_uint_eq(c->sensors[6].flags_present,
			  PL_HWMON_LCRIT_ALARM | PL_HWMON_MIN_ALARM);
	ck_assert_uint_eq(c->sensors[6].flags_set, PL_HWMON_LCRIT_ALARM);

	ck_assert_uint_eq(c->intrusion_present, 1);
	ck_assert_uint_eq(c->intrusion_set, 1);
	ck_assert_uint_eq(c->intrusion_bad, 0);
	pl_hwmon_free(&h);

	ck_assert_int_eq(read_root("intrusion", &h, err, sizeof(err)), 0);
	ck_assert_uint_eq(h.chips[0].intrusion_present, 3);
	ck_assert_uint_eq(h.chips[0].intrusion_set, 1);
	pl_hwmon_free(&h);

	ck_assert_int_eq(read_root("power-curr", &h, err, sizeof(err)), 0);
	c = &h.chips[0];
	ck_assert_uint_eq(c->nsensors, 4);
	ck_assert_int_eq(c->sensors[2].type, PL_HWMON_POWER);
	ck_assert(c->sensors[2].value == 14.47);
	ck_assert(c->sensors[2].crit == 36);
	ck_assert_int_eq(c->sensors[3].type, PL_HWMON_CURR);
	ck_assert(c->sensors[3].value == 1.204);
	pl_hwmon_free(&h);
}
END_TEST

TCase *
tc_hwmon(void)
{
	TCase *tc = tcase_create("hwmon");

	tcase_add_loop_test(tc, test_value_parse, 0, N(value_cases));
	tcase_add_loop_test(tc, test_sanitize, 0, N(san_cases));
	tcase_add_loop_test(tc, test_attr_split, 0, N(split_cases));
	tcase_add_loop_test(tc, test_default_ranges, 0, N(range_cases));
	tcase_add_loop_test(tc, test_judge_at_limits, 0, N(judge_cases));
	tcase_add_loop_test(tc, test_limit_none, 0, N(none_cases));
	tcase_add_loop_test(tc, test_judge, 0, N(verdict_cases));
	tcase_add_test(tc, test_metric_label);
	tcase_add_test(tc, test_types);
	tcase_add_test(tc, test_read_coretemp);
	tcase_add_test(tc, test_read_order_and_ids);
	tcase_add_test(tc, test_read_long_labels);
	tcase_add_test(tc, test_read_device_dir);
	tcase_add_test(tc, test_read_broken);
	tcase_add_test(tc, test_read_alarms_power);
	return tc;
}
