/* Fuzz target: builds a pl_result from the input and renders it in all three formats.
 *
 * The input is a list of NUL-separated fields. The first byte of a field is an operation,
 * the rest its argument:
 *   L label    add a metric (value 0, no unit)     V num    its value; num may also be
 *   U digit    its unit (enum pl_unit)                      nan inf -inf max -max min -0
 *   N num      its min          X num   its max    P digit  its decimals ('-': by unit)
 *   W range    its default warn range              C range  its default crit range
 *   H          hide it from perfdata               R count  add count copies (<= 2000)
 *   S text     the summary      T text  a line     F digit text  a finding in that state
 *   E count    add count plain lines (<= 2000)     M count  the long-output cap
 *   w spec     a user warning threshold: RANGE for the primary metric, or LABEL=RANGE
 *   c spec     the same for critical
 * Checks: no NUL in any output; the nagios form has at most one '|' (the perfdata one,
 * on its first line), ends in a newline and stays within PL_OUTPUT_CAP + 1024 bytes; the
 * one-line and JSON forms are one line, and JSON holds no raw control character.
 * fuzz-seeds: none (hand-written ones are in seeds/render) */
#include "config.h"

#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pl_buf.h"
#include "pl_num.h"
#include "pl_result.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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

static size_t
count_char(const char *s, size_t len, char c)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += s[i] == c;
	return n;
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
	if (fmt == PL_FMT_JSON)
		for (size_t i = 0; i + 1 < out->len; i++)
			if ((unsigned char)s[i] < 0x20)
				abort();
}

static void
op(struct pl_result *r, struct pl_thresholds *t, struct pl_metric **m, size_t *max_lines,
   const char *f)
{
	const char *a = f + 1;
	char err[256];

	switch (f[0]) {
	case 'L': *m = pl_metric_add(r, a, 0, PL_U_NONE); return;
	case 'S': pl_result_summary(r, "%s", a); return;
	case 'T': pl_result_line(r, "%s", a); return;
	case 'F':
		if (*a >= '0' && *a <= '3')
			pl_result_finding(r, (enum pl_state)(*a - '0'), "%s", a + 1);
		return;
	case 'E':
		for (size_t i = count(a, 2000); i > 0; i--)
			pl_result_line(r, "line %zu", i);
		return;
	case 'M': *max_lines = count(a, 100000); return;
	case 'w':
	case 'c':
		(void)pl_thresholds_add(t, f[0] == 'c', strchr(a, '=') != NULL, a, err,
					sizeof(err));
		return;
	}
	if (*m == NULL)
		return;
	switch (f[0]) {
	case 'V': (*m)->value = number(a); break;
	case 'U': (*m)->unit = (enum pl_unit)((unsigned char)*a % 10); break;
	case 'N': pl_metric_minmax(*m, number(a), (*m)->has_max ? (*m)->max : NAN); break;
	case 'X': pl_metric_minmax(*m, (*m)->has_min ? (*m)->min : NAN, number(a)); break;
	case 'P': (*m)->prec = *a >= '0' && *a <= '9' ? *a - '0' : -1; break;
	case 'W': (void)pl_range_parse(a, &(*m)->warn, err, sizeof(err)); break;
	case 'C': (void)pl_range_parse(a, &(*m)->crit, err, sizeof(err)); break;
	case 'H': (*m)->hidden = true; break;
	case 'R':
		for (size_t i = count(a, 2000); i > 0; i--) {
			struct pl_metric *c = pl_metric_add(r, (*m)->label, 0, PL_U_NONE);

			*c = **m;
		}
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum pl_format fmts[] = { PL_FMT_NAGIOS, PL_FMT_ONELINE, PL_FMT_JSON };
	struct pl_result r;
	struct pl_thresholds t = { NULL, 0 };
	struct pl_metric *m = NULL;
	size_t max_lines = 10;
	const char *primary[3] = { NULL, NULL, NULL };
	char err[256];
	char *text = malloc(size + 1);

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	pl_result_init(&r, "check_fuzz", "FUZZ");
	for (const char *f = text; f < text + size; f += strlen(f) + 1)
		op(&r, &t, &m, &max_lines, f);
	for (size_t i = 0; i < 2 && i < r.nmetrics; i++)
		primary[i] = r.metrics[i]->label;
	(void)pl_result_apply(&r, &t, primary, err, sizeof(err));
	for (size_t i = 0; i < 3; i++) {
		struct pl_buf out = PL_BUF_INIT;

		pl_render(&r, fmts[i], max_lines, &out);
		check(&out, fmts[i]);
		pl_buf_free(&out);
	}
	pl_thresholds_free(&t);
	pl_result_free(&r);
	free(text);
	return 0;
}
