/* Fuzz target: builds a pl_result from the input (metrics, items, facts, values that are
 * missing, thresholds that cannot be judged, names with any bytes) and renders it in all
 * three formats with the caps.
 *
 * The input is a list of NUL-separated fields. The first byte of a field is an operation,
 * the rest its argument:
 *   L label    a metric of the check (value 0, no unit); it becomes the current metric
 *   I name     the top-level item of that name (kind "device"; any bytes): the current
 *              item; J name  an item under the current one
 *   K name     a metric of the current item named so (labelled by the one rule)
 *   V num      the current metric's value; num may also be nan inf -inf max -max min -0
 *   U digit    its unit (enum pl_unit)     N num  its min      X num  its max
 *   P digit    its decimals ('-': by unit) H      hide it from perfdata
 *   W range    its default warn range      C range  its default crit range
 *   Y digit why  no value: '1' for this run, '2' lasting (with a fix), else no reason
 *   R count    count more metrics with the current metric's label and value (<= 100)
 *   S text     the summary      s text  a summary part showing the current metric
 *   a text     an aside about the current metric   + text  plain summary text
 *   T text     a line           F digit text  a finding in that state
 *   t text     a line of the current item          G digit text  a finding of it
 *   f key=val  a fact of the check                 g key=val  a fact of the current item
 *   E count    count lines of 1000 bytes (<= 100)  B count  count items with odd names,
 *              a metric each, every third without a value this run (<= 100)
 *   M count    the long-output cap (max_lines)     O digit  render options: 1 "U" in
 *              perfdata, 2 perfdata in the one-line form
 *   x          the check reports arrays even when it found none (host-group thresholds)
 *   w spec     a user warning threshold: RANGE for the primary metric, or LABEL=RANGE
 *   c spec     the same for critical
 * Counts are kept small (at most 100 per operation, 300 per run for E, B and R
 * together), and texts long instead (a hundred lines of 1000 bytes pass every cap, long
 * labels fill the perfdata), so that the target stays fast: its time goes to what
 * varies, not to building and rendering thousands of equal metrics (the earlier version
 * allowed 2,000 per operation, any number of times, and spent most of its runs there).
 * Checks: no NUL in any output; the nagios form has at most one '|' (the perfdata one,
 * on its first line), ends in a newline and stays within PL_OUTPUT_CAP + 1024 bytes; the
 * one-line form is one line within PL_ONELINE_CAP + 1 bytes; JSON is one line within
 * PL_JSON_CAP + 1 bytes, holds no raw control character and parses (json-c, strict, valid
 * UTF-8) to an object whose "schema" is 1 and whose "not_judged" is an array.
 * fuzz-libs: json-c
 * fuzz-seeds: none (hand-written ones are in seeds/render) */
#include "config.h"

#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "pl_buf.h"
#include "pl_num.h"
#include "pl_result.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct ctx {
	struct pl_result r;
	struct pl_thresholds t;
	struct pl_metric *m;         /* the current metric */
	struct pl_item *it;          /* the current item */
	struct pl_render_opts o;
	size_t budget;               /* what E, B and R may still add in this run */
};

static double
number(const char *s)
{
	static const struct { const char *word; double v; } words[] = {
		{ "nan", NAN }, { "inf", INFINITY }, { "-inf", -INFINITY }, { "max", DBL_MAX },
		{ "-max", -DBL_MAX }, { "min", DBL_MIN }, { "-0", -0.0 },
	};
	const char *p = s;
	double v = 0;

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(s, words[i].word) == 0)
			return words[i].v;
	if (pl_scan_double(&p, s + strlen(s), &v) != 0 || *p != '\0')
		v = 0;
	return v;
}

static size_t
count(const char *s, size_t max)
{
	uint64_t n = 0;

	(void)pl_parse_u64(s, max, &n);
	return (size_t)n;
}

/* memchr and strcspn, not loops: the checks should not cost more than the rendering. */
static size_t
count_char(const char *s, size_t len, char c)
{
	size_t n = 0;

	for (const char *p = memchr(s, c, len); p != NULL;
	     p = memchr(p + 1, c, len - (size_t)(p + 1 - s)))
		n++;
	return n;
}

/* The offset of the first byte under 0x20 in s. */
static size_t
first_control(const char *s)
{
	static char set[32];

	if (set[0] == '\0')
		for (int c = 1; c < 0x20; c++)
			set[c - 1] = (char)c;
	return strcspn(s, set);
}

/* The JSON form parses: strict JSON, valid UTF-8, the whole text but its newline. */
static void
check_json(const char *s, size_t len)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *doc, *v;

	if (tok == NULL)
		return;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	doc = json_tokener_parse_ex(tok, s, (int)(len - 1));
	if (doc == NULL || json_tokener_get_error(tok) != json_tokener_success)
		abort();
	if (json_tokener_get_parse_end(tok) != len - 1)
		abort();
	if (!json_object_object_get_ex(doc, "schema", &v) || json_object_get_int(v) != 1)
		abort();
	if (!json_object_object_get_ex(doc, "not_judged", &v) ||
	    !json_object_is_type(v, json_type_array))
		abort();
	json_object_put(doc);
	json_tokener_free(tok);
}

static void
check(const struct pl_buf *out, enum pl_format fmt)
{
	const char *s = pl_buf_str(out);
	const char *nl = memchr(s, '\n', out->len);
	size_t first = nl ? (size_t)(nl - s) : out->len;

	/* One abort per rule, so that the stack of a crash names the rule broken. */
	if (out->len == 0 || s[out->len - 1] != '\n')
		abort();
	if (memchr(s, '\0', out->len) != NULL)
		abort();
	if (fmt == PL_FMT_NAGIOS && count_char(s, first, '|') > 1)
		abort();
	if (fmt == PL_FMT_NAGIOS && count_char(s, out->len, '|') > 1)
		abort();
	if (fmt == PL_FMT_NAGIOS && out->len > PL_OUTPUT_CAP + 1024)
		abort();
	if (fmt != PL_FMT_NAGIOS && first != out->len - 1)
		abort();
	if (fmt == PL_FMT_ONELINE && out->len > PL_ONELINE_CAP + 1)
		abort();
	if (fmt == PL_FMT_JSON && out->len > PL_JSON_CAP + 1)
		abort();
	if (fmt == PL_FMT_JSON && first_control(s) != out->len - 1)
		abort();
	if (fmt == PL_FMT_JSON)
		check_json(s, out->len);
}

/* n, or what is left of the run's budget for bulk additions when that is less. */
static size_t
take(struct ctx *c, size_t n)
{
	if (n > c->budget)
		n = c->budget;
	c->budget -= n;
	return n;
}

/* "key=value" into a fact of the check (it NULL) or of an item. */
static void
fact(struct ctx *c, struct pl_item *it, const char *a)
{
	const char *eq = strchr(a, '=');
	char key[64];

	if (eq == NULL || eq == a)
		return;
	pl_snprintf(key, sizeof(key), "%.*s", (int)(eq - a < 63 ? eq - a : 63), a);
	if (it != NULL)
		pl_item_fact(it, key, "%s", eq + 1);
	else
		pl_result_fact(&c->r, key, "%s", eq + 1);
}

/* Items named from the argument with odd bytes, one metric each. */
static void
many_items(struct ctx *c, const char *a)
{
	size_t n = take(c, count(a, 100));

	for (size_t i = 0; i < n; i++) {
		char name[48];
		struct pl_item *it;
		struct pl_metric *m;

		pl_snprintf(name, sizeof(name), "%.8s\x01\xff'=%zu", a, i);
		it = pl_result_item(&c->r, "device", name);
		m = pl_item_metric(it, "util", (double)i, PL_U_PERCENT);
		if (i % 3 == 0)
			pl_metric_missing(m, PL_MISSING_RUN, "it appeared since the last run", NULL);
	}
}

/* Operations that need no current metric; returns 0 when f was one. */
static int
op_result(struct ctx *c, const char *f)
{
	static char filler[1000];
	const char *a = f + 1;

	if (filler[0] == '\0')
		memset(filler, 'x', sizeof(filler) - 1);
	char err[256];

	switch (f[0]) {
	case 'L': c->m = pl_metric_add(&c->r, a, 0, PL_U_NONE); return 0;
	case 'I': c->it = pl_result_item(&c->r, "device", a); return 0;
	case 'J':
		if (c->it != NULL)
			c->it = pl_item_item(c->it, "device", a);
		return 0;
	case 'K':
		if (c->it != NULL)
			c->m = pl_item_metric(c->it, a, 0, PL_U_NONE);
		return 0;
	case 'S': pl_result_summary(&c->r, "%s", a); return 0;
	case '+': pl_result_summary_add(&c->r, "%s", a); return 0;
	case 's': pl_result_summary_metric(&c->r, c->m, "%s", a); return 0;
	case 'a': pl_result_summary_aside(&c->r, c->m, "%s", a); return 0;
	case 'T': pl_result_line(&c->r, "%s", a); return 0;
	case 't':
		if (c->it != NULL)
			pl_item_line(c->it, "%s", a);
		return 0;
	case 'F':
	case 'G':
		if (*a < '0' || *a > '3')
			return 0;
		if (f[0] == 'F')
			pl_result_finding(&c->r, (enum pl_state)(*a - '0'), "%s", a + 1);
		else if (c->it != NULL)
			pl_item_finding(c->it, (enum pl_state)(*a - '0'), "%s", a + 1);
		return 0;
	case 'f': fact(c, NULL, a); return 0;
	case 'g':
		if (c->it != NULL)
			fact(c, c->it, a);
		return 0;
	case 'E':
		for (size_t i = take(c, count(a, 100)); i > 0; i--)
			pl_result_line(&c->r, "line %zu %.990s", i, filler);
		return 0;
	case 'B': many_items(c, a); return 0;
	case 'M': c->o.max_lines = count(a, 100000); return 0;
	case 'O':
		c->o.perf_unknown = (*a & 1) != 0;
		c->o.oneline_perf = (*a & 2) != 0;
		return 0;
	case 'x': pl_result_expect_items(&c->r, "array"); return 0;
	case 'w':
	case 'c':
		(void)pl_thresholds_add(&c->t, f[0] == 'c', strchr(a, '=') != NULL, a, err,
					sizeof(err));
		return 0;
	}
	return -1;
}

static void
op(struct ctx *c, const char *f)
{
	struct pl_metric *m = c->m;
	const char *a = f + 1;
	char err[256];

	if (op_result(c, f) == 0 || m == NULL)
		return;
	switch (f[0]) {
	case 'V': m->value = number(a); break;
	case 'U': m->unit = (enum pl_unit)((unsigned char)*a % 10); break;
	case 'N': pl_metric_minmax(m, number(a), m->has_max ? m->max : NAN); break;
	case 'X': pl_metric_minmax(m, m->has_min ? m->min : NAN, number(a)); break;
	case 'P': m->prec = *a >= '0' && *a <= '9' ? *a - '0' : -1; break;
	case 'W': (void)pl_range_parse(a, &m->warn, err, sizeof(err)); break;
	case 'C': (void)pl_range_parse(a, &m->crit, err, sizeof(err)); break;
	case 'H': m->hidden = true; break;
	case 'Y':
		pl_metric_missing(m, *a == '1' ? PL_MISSING_RUN : *a == '2' ? PL_MISSING_LASTING :
				  PL_MISSING_NONE, *a == '1' || *a == '2' ? a + 1 : NULL,
				  *a == '2' ? "give it with --speed" : NULL);
		break;
	case 'R':
		for (size_t i = take(c, count(a, 100)); i > 0; i--) {
			struct pl_metric *d = pl_metric_add(&c->r, m->label, m->value, m->unit);

			d->warn = m->warn;
			d->crit = m->crit;
		}
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum pl_format fmts[] = { PL_FMT_NAGIOS, PL_FMT_ONELINE, PL_FMT_JSON };
	static struct pl_buf out = PL_BUF_INIT;   /* kept between runs: no regrowth each time */
	struct ctx c;
	const char *primary[3] = { NULL, NULL, NULL };
	char err[256];
	char *text = malloc(size + 1);

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	memset(&c, 0, sizeof(c));
	c.o.max_lines = 10;
	c.budget = 300;
	pl_result_init(&c.r, "check_fuzz", "FUZZ");
	for (const char *f = text; f < text + size; f += strlen(f) + 1)
		op(&c, f);
	for (size_t i = 0; i < 2 && i < c.r.nmetrics; i++)
		primary[i] = c.r.metrics[i]->label;
	(void)pl_result_apply(&c.r, &c.t, primary, err, sizeof(err));
	for (size_t i = 0; i < 3; i++) {
		c.o.format = fmts[i];
		pl_buf_reset(&out);
		pl_render_with(&c.r, &c.o, &out);
		check(&out, fmts[i]);
	}
	pl_thresholds_free(&c.t);
	pl_result_free(&c.r);
	free(text);
	return 0;
}
