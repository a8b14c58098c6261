#include "config.h"

#include <fnmatch.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pl_buf.h"
#include "pl_num.h"
#include "pl_result.h"

static struct pl_metric scratch_metric;   /* handed out when an allocation fails */

const char *
pl_state_name(enum pl_state s)
{
	switch (s) {
	case PL_OK: return "OK";
	case PL_WARNING: return "WARNING";
	case PL_CRITICAL: return "CRITICAL";
	case PL_UNKNOWN: return "UNKNOWN";
	}
	return "UNKNOWN";
}

int
pl_state_parse(const char *s, enum pl_state *out)
{
	static const char *const names[] = { "ok", "warning", "critical", "unknown" };

	for (int i = 0; i < 4; i++) {
		char digit[2] = { (char)('0' + i), '\0' };

		if (strcasecmp(s, names[i]) == 0 || strcmp(s, digit) == 0) {
			*out = (enum pl_state)i;
			return 0;
		}
	}
	return -1;
}

static int
severity(enum pl_state s)
{
	switch (s) {
	case PL_OK: return 0;
	case PL_WARNING: return 1;
	case PL_UNKNOWN: return 2;
	case PL_CRITICAL: return 3;
	}
	return 2;
}

enum pl_state
pl_state_worst(enum pl_state a, enum pl_state b)
{
	return severity(a) >= severity(b) ? a : b;
}

int
pl_thresholds_add(struct pl_thresholds *t, bool critical, bool labelled, const char *spec,
		  char *err, size_t errlen)
{
	struct pl_threshold th;
	struct pl_threshold *v;
	const char *range = spec;

	memset(&th, 0, sizeof(th));
	th.critical = critical;
	if (labelled) {
		const char *eq = strchr(spec, '=');

		if (eq == NULL || eq == spec) {
			pl_snprintf(err, errlen,
				    "'%s' is not LABEL=RANGE (example: 'iowait=~:20' or '*_util=90')",
				    spec);
			return -1;
		}
		th.pattern = strndup(spec, (size_t)(eq - spec));
		range = eq + 1;
	}
	if (pl_range_parse(range, &th.range, err, errlen) != 0) {
		free(th.pattern);
		return -1;
	}
	th.text = strdup(spec);
	v = realloc(t->v, (t->n + 1) * sizeof(*v));
	if (th.text == NULL || v == NULL || (labelled && th.pattern == NULL)) {
		free(th.text);
		free(th.pattern);
		if (v != NULL)
			t->v = v;
		pl_snprintf(err, errlen, "out of memory");
		return -1;
	}
	t->v = v;
	t->v[t->n++] = th;
	return 0;
}

void
pl_thresholds_free(struct pl_thresholds *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].pattern);
		free(t->v[i].text);
	}
	free(t->v);
	t->v = NULL;
	t->n = 0;
}

void
pl_result_init(struct pl_result *r, const char *plugin, const char *service)
{
	memset(r, 0, sizeof(*r));
	r->plugin = plugin;
	r->service = service;
	pl_buf_init(&r->summary, 1024);
}

void
pl_result_free(struct pl_result *r)
{
	for (size_t i = 0; i < r->nmetrics; i++)
		free(r->metrics[i]);
	free(r->metrics);
	for (size_t i = 0; i < r->nlines; i++)
		free(r->lines[i].text);
	free(r->lines);
	pl_buf_free(&r->summary);
	memset(r, 0, sizeof(*r));
}

struct pl_metric *
pl_metric_add(struct pl_result *r, const char *label, double value, enum pl_unit unit)
{
	struct pl_metric *m;

	if (r->nmetrics == r->metrics_cap) {
		size_t ncap = r->metrics_cap ? r->metrics_cap * 2 : 32;
		struct pl_metric **v = realloc(r->metrics, ncap * sizeof(*v));

		if (v == NULL)
			goto oom;
		r->metrics = v;
		r->metrics_cap = ncap;
	}
	m = calloc(1, sizeof(*m));
	if (m == NULL)
		goto oom;
	pl_strlcpy(m->label, label, sizeof(m->label));
	m->value = value;
	m->unit = unit;
	m->prec = -1;
	r->metrics[r->nmetrics++] = m;
	return m;
oom:
	r->oom = true;
	memset(&scratch_metric, 0, sizeof(scratch_metric));
	return &scratch_metric;
}

struct pl_metric *
pl_metric_addf(struct pl_result *r, double value, enum pl_unit unit, const char *fmt, ...)
{
	char label[PL_LABEL_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(label, sizeof(label), fmt, ap);
	va_end(ap);
	return pl_metric_add(r, label, value, unit);
}

void
pl_metric_minmax(struct pl_metric *m, double min, double max)
{
	m->has_min = !isnan(min);
	m->min = min;
	m->has_max = !isnan(max);
	m->max = max;
}

struct pl_metric *
pl_result_metric(const struct pl_result *r, const char *label)
{
	for (size_t i = 0; i < r->nmetrics; i++)
		if (strcmp(r->metrics[i]->label, label) == 0)
			return r->metrics[i];
	return NULL;
}

void
pl_result_summary(struct pl_result *r, const char *fmt, ...)
{
	va_list ap;

	pl_buf_reset(&r->summary);
	va_start(ap, fmt);
	pl_buf_vprintf(&r->summary, fmt, ap);
	va_end(ap);
}

static void __attribute__((format(printf, 3, 0)))
add_line(struct pl_result *r, int state, const char *fmt, va_list ap)
{
	struct pl_buf b;

	if (r->nlines == r->lines_cap) {
		size_t ncap = r->lines_cap ? r->lines_cap * 2 : 16;
		struct pl_line *v = realloc(r->lines, ncap * sizeof(*v));

		if (v == NULL) {
			r->oom = true;
			return;
		}
		r->lines = v;
		r->lines_cap = ncap;
	}
	pl_buf_init(&b, 4096);
	pl_buf_vprintf(&b, fmt, ap);
	if (b.data == NULL) {
		r->oom = true;
		return;
	}
	/* Output is line-oriented: a newline or '|' inside a text would break the format. */
	for (char *p = b.data; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '|')
			*p = *p == '|' ? '/' : ' ';
	r->lines[r->nlines].state = state;
	r->lines[r->nlines].text = b.data;
	r->nlines++;
}

void
pl_result_line(struct pl_result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_line(r, -1, fmt, ap);
	va_end(ap);
}

void
pl_result_finding(struct pl_result *r, enum pl_state state, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_line(r, (int)state, fmt, ap);
	va_end(ap);
}

/* Lists the labels for a message: "user, nice, system, ... (12 more)". */
static void
list_labels(const struct pl_result *r, char *buf, size_t len)
{
	struct pl_buf b;
	size_t shown = 0;

	pl_buf_init(&b, 160);
	for (size_t i = 0; i < r->nmetrics && b.len < 120; i++, shown++)
		pl_buf_printf(&b, "%s%s", i ? ", " : "", r->metrics[i]->label);
	if (shown < r->nmetrics)
		pl_buf_printf(&b, " (+%zu more)", r->nmetrics - shown);
	pl_strlcpy(buf, pl_buf_str(&b), len);
	pl_buf_free(&b);
}

/* "'busy' in percent" or "'*_util' in percent, '*_bits' in bits/s", for messages. */
static void
primary_units(const struct pl_result *r, const char *const *primary, char *buf, size_t len)
{
	struct pl_buf b;

	pl_buf_init(&b, 200);
	for (size_t k = 0; primary != NULL && primary[k] != NULL; k++) {
		for (size_t j = 0; j < r->nmetrics; j++) {
			if (fnmatch(primary[k], r->metrics[j]->label, 0) != 0)
				continue;
			pl_buf_printf(&b, "%s'%s' in %s", b.len ? ", " : "", primary[k],
				      pl_unit_name(r->metrics[j]->unit));
			break;
		}
	}
	pl_strlcpy(buf, pl_buf_str(&b), len);
	pl_buf_free(&b);
}

int
pl_result_apply(struct pl_result *r, const struct pl_thresholds *t,
		const char *const *primary, char *err, size_t errlen)
{
	char labels[200];

	for (size_t i = 0; i < t->n; i++) {
		const struct pl_threshold *th = &t->v[i];
		const char *opt = th->critical ? (th->pattern ? "--criticalx" : "-c")
					       : (th->pattern ? "--warningx" : "-w");
		bool matched = false, present = false;

		if (th->pattern == NULL) {
			/* The first primary pattern whose metrics are in the range's unit. */
			const char *fitted = NULL, *seen = NULL;
			char units[200];

			for (size_t k = 0; primary != NULL && primary[k] != NULL && !fitted; k++) {
				for (size_t j = 0; j < r->nmetrics; j++) {
					struct pl_metric *m = r->metrics[j];

					if (fnmatch(primary[k], m->label, 0) != 0)
						continue;
					if (seen == NULL)
						seen = m->label;
					present = true;
					if (!pl_range_fits(&th->range, m->unit))
						continue;
					*(th->critical ? &m->crit : &m->warn) =
						pl_range_for(&th->range, m->unit);
					fitted = primary[k];
				}
			}
			if (fitted != NULL || !present)
				continue;   /* applied, or the primary metric is not measured now */
			primary_units(r, primary, units, sizeof(units));
			pl_snprintf(err, errlen, "%s %s: a range in %s fits no primary metric (%s)",
				    opt, th->text, pl_unit_name(th->range.unit), units);
			return -1;
		}
		for (size_t k = 0; k < r->nmetrics; k++) {
			struct pl_metric *m = r->metrics[k];

			if (fnmatch(th->pattern, m->label, 0) != 0)
				continue;
			if (!pl_range_fits(&th->range, m->unit)) {
				pl_snprintf(err, errlen, "%s %s: '%s' is in %s (suffixes: %s)", opt,
					    th->text, m->label, pl_unit_name(m->unit),
					    pl_unit_suffixes(m->unit));
				return -1;
			}
			*(th->critical ? &m->crit : &m->warn) = pl_range_for(&th->range, m->unit);
			matched = true;
		}
		if (!matched) {
			list_labels(r, labels, sizeof(labels));
			pl_snprintf(err, errlen, "%s %s: no metric is labelled '%s'; labels: %s", opt,
				    th->text, th->pattern, labels[0] ? labels : "none");
			return -1;
		}
	}
	for (size_t k = 0; k < r->nmetrics; k++) {
		struct pl_metric *m = r->metrics[k];

		if (pl_range_alerts(&m->crit, m->value))
			m->state = PL_CRITICAL;
		else if (pl_range_alerts(&m->warn, m->value))
			m->state = PL_WARNING;
		else
			m->state = PL_OK;
	}
	return 0;
}

enum pl_state
pl_result_state(const struct pl_result *r)
{
	enum pl_state s = PL_OK;

	if (r->oom)
		return PL_UNKNOWN;
	for (size_t i = 0; i < r->nmetrics; i++)
		s = pl_state_worst(s, r->metrics[i]->state);
	for (size_t i = 0; i < r->nlines; i++)
		if (r->lines[i].state >= 0)
			s = pl_state_worst(s, (enum pl_state)r->lines[i].state);
	return s;
}

/* "iowait=45.2% (crit > 30%)" */
static void
metric_problem(const struct pl_metric *m, struct pl_buf *b)
{
	char v[64], why[96];
	const struct pl_range *rg = m->state == PL_CRITICAL ? &m->crit : &m->warn;

	pl_unit_human(v, sizeof(v), m->value, m->unit);
	pl_range_why(rg, m->value, m->unit, why, sizeof(why));
	pl_buf_printf(b, "%s=%s (%s %s)", m->label, v, m->state == PL_CRITICAL ? "crit" : "warn",
		      why);
}

/* Problems lead the status line, the most severe first, at most three named. Returns
 * true when the line names every problem in full, so that the long output need not
 * repeat them. */
static bool
status_line(const struct pl_result *r, struct pl_buf *b)
{
	static const enum pl_state order[] = { PL_CRITICAL, PL_UNKNOWN, PL_WARNING };
	enum pl_state st = pl_result_state(r);
	size_t named = 0, more = 0;

	pl_buf_printf(b, "%s %s - ", r->service, pl_state_name(st));
	if (r->oom) {
		pl_buf_puts(b, "out of memory while building the result; ");
	}
	for (size_t o = 0; o < 3; o++) {
		for (size_t i = 0; i < r->nlines; i++) {
			if (r->lines[i].state != (int)order[o])
				continue;
			if (named++ < 3)
				pl_buf_printf(b, "%s%s", named > 1 ? ", " : "", r->lines[i].text);
			else
				more++;
		}
		for (size_t i = 0; i < r->nmetrics; i++) {
			if (r->metrics[i]->state != order[o])
				continue;
			if (named++ < 3) {
				if (named > 1)
					pl_buf_puts(b, ", ");
				metric_problem(r->metrics[i], b);
			} else {
				more++;
			}
		}
	}
	if (more)
		pl_buf_printf(b, " (+%zu more)", more);
	if (r->summary.len) {
		/* Not "; ": Nagios Core rewrites semicolons in plugin output. */
		if (named)
			pl_buf_puts(b, " - ");
		pl_buf_add(b, r->summary.data, r->summary.len);
	} else if (!named) {
		pl_buf_puts(b, "no problems found");
	}
	if (b->len > PL_STATUS_CAP) {
		b->len = PL_STATUS_CAP - 3;
		b->data[b->len] = '\0';
		pl_buf_puts(b, "...");
		more++;
	}
	for (char *p = b->data; p && *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '|')
			*p = *p == '|' ? '/' : ' ';
	return more == 0;
}

static int
metric_prec(const struct pl_metric *m)
{
	if (m->prec >= 0)
		return m->prec;
	switch (m->unit) {
	case PL_U_BYTES:
	case PL_U_COUNTER:
		return 0;
	case PL_U_SECONDS:
	case PL_U_VOLTS:
		return 6;
	default:
		return 2;
	}
}

/* 'label'=value[uom];warn;crit;min;max, empty trailing fields left out. */
static void
perf_item(const struct pl_metric *m, struct pl_buf *b)
{
	char f[5][64];
	int last = 0;
	bool quote = strpbrk(m->label, " ='\"") != NULL;

	/* Labels come from outside data (interface names, mount points): a '|' or a
	 * control character would break the output's structure, so they become '_'. */
	if (quote)
		pl_buf_putc(b, '\'');
	for (const unsigned char *p = (const unsigned char *)m->label; *p; p++) {
		if (*p == '\'' && quote)
			pl_buf_putc(b, '\'');
		pl_buf_putc(b, *p == '|' || *p < 0x20 || *p == 0x7f ? '_' : (char)*p);
	}
	if (quote)
		pl_buf_putc(b, '\'');
	if (isnan(m->value))
		pl_snprintf(f[0], sizeof(f[0]), "U");
	else
		pl_snprintf(f[0], sizeof(f[0]), "%s%s",
			    pl_fmt_num(f[4], sizeof(f[4]), m->value, metric_prec(m)),
			    pl_unit_uom(m->unit));
	pl_range_format(&m->warn, f[1], sizeof(f[1]));
	pl_range_format(&m->crit, f[2], sizeof(f[2]));
	f[3][0] = f[4][0] = '\0';
	if (m->has_min)
		pl_fmt_num(f[3], sizeof(f[3]), m->min, metric_prec(m));
	{
		char mx[64] = "";

		if (m->has_max)
			pl_fmt_num(mx, sizeof(mx), m->max, metric_prec(m));
		pl_strlcpy(f[4], mx, sizeof(f[4]));
	}
	for (int i = 1; i < 5; i++)
		if (f[i][0])
			last = i;
	pl_buf_printf(b, "=%s", f[0]);
	for (int i = 1; i <= last; i++)
		pl_buf_printf(b, ";%s", f[i]);
}

void
pl_json_string(struct pl_buf *out, const char *s)
{
	pl_buf_putc(out, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': pl_buf_puts(out, "\\\""); break;
		case '\\': pl_buf_puts(out, "\\\\"); break;
		case '\n': pl_buf_puts(out, "\\n"); break;
		case '\r': pl_buf_puts(out, "\\r"); break;
		case '\t': pl_buf_puts(out, "\\t"); break;
		default:
			if (*p < 0x20)
				pl_buf_printf(out, "\\u%04x", *p);
			else
				pl_buf_putc(out, (char)*p);
		}
	}
	pl_buf_putc(out, '"');
}

static void
json_num(struct pl_buf *out, double v, int prec)
{
	char n[64];

	if (isnan(v) || isinf(v))
		pl_buf_puts(out, "null");
	else
		pl_buf_puts(out, pl_fmt_num(n, sizeof(n), v, prec));
}

static void
render_json(const struct pl_result *r, const char *status, struct pl_buf *out)
{
	enum pl_state st = pl_result_state(r);
	char rg[96];

	pl_buf_puts(out, "{\"plugin\":");
	pl_json_string(out, r->plugin ? r->plugin : "");
	pl_buf_puts(out, ",\"service\":");
	pl_json_string(out, r->service);
	pl_buf_printf(out, ",\"state\":\"%s\",\"exit_code\":%d,\"status\":", pl_state_name(st),
		      (int)st);
	pl_json_string(out, status);
	pl_buf_puts(out, ",\"summary\":");
	pl_json_string(out, pl_buf_str(&r->summary));
	pl_buf_puts(out, ",\"findings\":[");
	for (size_t i = 0, k = 0; i < r->nlines; i++) {
		if (r->lines[i].state < 0)
			continue;
		pl_buf_printf(out, "%s{\"state\":\"%s\",\"text\":", k++ ? "," : "",
			      pl_state_name((enum pl_state)r->lines[i].state));
		pl_json_string(out, r->lines[i].text);
		pl_buf_putc(out, '}');
	}
	pl_buf_puts(out, "],\"lines\":[");
	for (size_t i = 0, k = 0; i < r->nlines; i++) {
		if (r->lines[i].state >= 0)
			continue;
		if (k++)
			pl_buf_putc(out, ',');
		pl_json_string(out, r->lines[i].text);
	}
	pl_buf_puts(out, "],\"metrics\":[");
	for (size_t i = 0; i < r->nmetrics; i++) {
		const struct pl_metric *m = r->metrics[i];

		pl_buf_puts(out, i ? ",{\"label\":" : "{\"label\":");
		pl_json_string(out, m->label);
		pl_buf_puts(out, ",\"value\":");
		json_num(out, m->value, metric_prec(m));
		pl_buf_puts(out, ",\"unit\":");
		pl_json_string(out, pl_unit_name(m->unit));
		pl_buf_puts(out, ",\"uom\":");
		pl_json_string(out, pl_unit_uom(m->unit));
		pl_buf_puts(out, ",\"warn\":");
		if (m->warn.set)
			pl_json_string(out, pl_range_format(&m->warn, rg, sizeof(rg)));
		else
			pl_buf_puts(out, "null");
		pl_buf_puts(out, ",\"crit\":");
		if (m->crit.set)
			pl_json_string(out, pl_range_format(&m->crit, rg, sizeof(rg)));
		else
			pl_buf_puts(out, "null");
		pl_buf_puts(out, ",\"min\":");
		json_num(out, m->has_min ? m->min : NAN, metric_prec(m));
		pl_buf_puts(out, ",\"max\":");
		json_num(out, m->has_max ? m->max : NAN, metric_prec(m));
		pl_buf_printf(out, ",\"state\":\"%s\",\"perfdata\":%s}", pl_state_name(m->state),
			      m->hidden ? "false" : "true");
	}
	pl_buf_puts(out, "]}\n");
}

void
pl_render(const struct pl_result *r, enum pl_format fmt, size_t max_lines, struct pl_buf *out)
{
	struct pl_buf status, perf, item;
	size_t nlines = 0, left = 0, perf_left = 0;
	const char *sep = fmt == PL_FMT_ONELINE ? "; " : "\n";
	bool complete;

	pl_buf_init(&status, PL_STATUS_CAP + 64);
	complete = status_line(r, &status);
	if (fmt == PL_FMT_JSON) {
		render_json(r, pl_buf_str(&status), out);
		pl_buf_free(&status);
		return;
	}
	/* Perfdata gets at most half of the output budget; whole items only. */
	pl_buf_init(&perf, PL_OUTPUT_CAP);
	pl_buf_init(&item, 1024);
	for (size_t i = 0; i < r->nmetrics; i++) {
		if (r->metrics[i]->hidden)
			continue;
		pl_buf_reset(&item);
		perf_item(r->metrics[i], &item);
		if (perf.len + item.len + 1 > PL_OUTPUT_CAP / 2) {
			perf_left++;
			continue;
		}
		if (perf.len)
			pl_buf_putc(&perf, ' ');
		pl_buf_add(&perf, item.data, item.len);
	}
	pl_buf_free(&item);

	pl_buf_add(out, status.data, status.len);
	/* Long output: the findings, then the plugin's lines, capped in count and size. A
	 * problem the status line already names in full is not said twice. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < r->nlines; i++) {
			const struct pl_line *l = &r->lines[i];

			if ((pass == 0) != (l->state >= 0))
				continue;
			if (complete && l->state > PL_OK)
				continue;
			/* Room for the separator, a "[CRITICAL] " prefix and the two notices
			 * below, so that the whole output stays within the cap. */
			if (nlines >= max_lines ||
			    out->len + strlen(l->text) + perf.len + 16 + 200 > PL_OUTPUT_CAP) {
				left++;
				continue;
			}
			pl_buf_puts(out, sep);
			if (l->state >= 0)
				pl_buf_printf(out, "[%s] ", pl_state_name((enum pl_state)l->state));
			pl_buf_puts(out, l->text);
			nlines++;
		}
	}
	if (left && max_lines > 0)
		pl_buf_printf(out, "%s... %zu more line%s left out (raise --max-lines to see more)",
			      sep, left, left == 1 ? "" : "s");
	if (perf_left)
		pl_buf_printf(out, "%s... %zu perfdata item%s left out (output size limit)", sep,
			      perf_left, perf_left == 1 ? "" : "s");
	if (perf.len) {
		/* On the first line for the default form, so that the engines see it even if
		 * they keep only one line; after the long text in the one-line form. */
		if (fmt == PL_FMT_NAGIOS) {
			size_t first = status.len;
			struct pl_buf tmp;

			pl_buf_init(&tmp, PL_OUTPUT_CAP + 1024);
			pl_buf_add(&tmp, out->data, first);
			pl_buf_puts(&tmp, " | ");
			pl_buf_add(&tmp, perf.data, perf.len);
			pl_buf_add(&tmp, out->data + first, out->len - first);
			pl_buf_reset(out);
			pl_buf_add(out, tmp.data, tmp.len);
			pl_buf_free(&tmp);
		} else {
			pl_buf_puts(out, " | ");
			pl_buf_add(out, perf.data, perf.len);
		}
	}
	pl_buf_putc(out, '\n');
	pl_buf_free(&perf);
	pl_buf_free(&status);
}
