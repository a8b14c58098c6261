/* pl_result: what a check found, as data, and the one place that renders it.
 *
 * A plugin adds metrics (label, value, unit, min/max, optional default ranges),
 * findings (a state with a sentence: "md0 is degraded") and long-output lines, sets a
 * summary, applies the user's thresholds with pl_result_apply(), and hands the result
 * to pl_render(). The overall state is the worst of all metric and finding states, in
 * the order OK < WARNING < UNKNOWN < CRITICAL.
 *
 * A metric whose value cannot be had this run is still added, with the value NAN: it
 * prints as "U" in perfdata and is never evaluated, so thresholds that name it stay valid.
 *
 * Memory: the result owns everything it holds; pl_result_free() releases it. When an
 * allocation fails the result remembers it and renders as UNKNOWN; the add functions
 * still return usable pointers, so callers need not check each call. */
#ifndef PL_RESULT_H
#define PL_RESULT_H

#include <stdbool.h>
#include <stddef.h>

#include "pl_buf.h"
#include "pl_range.h"
#include "pl_unit.h"

enum pl_state { PL_OK = 0, PL_WARNING = 1, PL_CRITICAL = 2, PL_UNKNOWN = 3 };

enum pl_format { PL_FMT_NAGIOS = 0, PL_FMT_ONELINE, PL_FMT_JSON };

#define PL_LABEL_MAX 96
#define PL_OUTPUT_CAP 8000         /* Nagios Core keeps 8192 bytes of plugin output */
#define PL_STATUS_CAP 400

struct pl_metric {
	char label[PL_LABEL_MAX];  /* stable perfdata label */
	double value;              /* in the base unit of `unit`; NAN: unknown ("U") */
	enum pl_unit unit;
	bool has_min, has_max;
	double min, max;
	struct pl_range warn, crit;  /* defaults set by the plugin, replaced by user ranges */
	enum pl_state state;         /* set by pl_result_apply() */
	bool hidden;                 /* evaluated and in JSON, left out of perfdata */
	int prec;                    /* decimals in perfdata; -1: by unit */
};

struct pl_line {
	int state;                   /* -1: a plain line; else an enum pl_state (a finding) */
	char *text;
};

struct pl_result {
	const char *plugin;          /* "check_cpu" */
	const char *service;         /* "CPU" */
	struct pl_buf summary;
	struct pl_metric **metrics;
	size_t nmetrics, metrics_cap;
	struct pl_line *lines;
	size_t nlines, lines_cap;
	bool oom;
};

/* One user threshold: a range for the primary metric (pattern NULL) or for every metric
 * whose label matches the glob pattern. */
struct pl_threshold {
	char *pattern;
	bool critical;
	char *text;                  /* as the user wrote it, for messages */
	struct pl_range range;
};

struct pl_thresholds {
	struct pl_threshold *v;
	size_t n;
};

const char *pl_state_name(enum pl_state s);          /* "OK", "WARNING", ... */
/* Parses "ok", "warning", "critical", "unknown" (any case) or 0..3. Returns 0 or -1. */
int pl_state_parse(const char *s, enum pl_state *out);
enum pl_state pl_state_worst(enum pl_state a, enum pl_state b);

/* Adds a threshold from an option: spec is "RANGE" when labelled is false, else
 * "LABEL=RANGE" (LABEL may be a glob). Returns 0, or -1 with why in err. */
int pl_thresholds_add(struct pl_thresholds *t, bool critical, bool labelled, const char *spec,
		      char *err, size_t errlen);
void pl_thresholds_free(struct pl_thresholds *t);

void pl_result_init(struct pl_result *r, const char *plugin, const char *service);
void pl_result_free(struct pl_result *r);

/* Adds a metric; the pointer stays valid until pl_result_free(). */
struct pl_metric *pl_metric_add(struct pl_result *r, const char *label, double value,
				enum pl_unit unit);
struct pl_metric *pl_metric_addf(struct pl_result *r, double value, enum pl_unit unit,
				 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void pl_metric_minmax(struct pl_metric *m, double min, double max);
struct pl_metric *pl_result_metric(const struct pl_result *r, const char *label);

/* Replaces the summary (the text after "SERVICE STATE - " on the status line). */
void pl_result_summary(struct pl_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A plain long-output line. */
void pl_result_line(struct pl_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A finding: a state with a sentence. Non-OK findings lead the status line. */
void pl_result_finding(struct pl_result *r, enum pl_state state, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Applies thresholds and evaluates every metric. primary lists the labels (or globs:
 * "*_util" for every device) -w/-c may apply to, in order of preference: a range goes to
 * the first whose unit it fits (so a "512MB" range picks "used" where "80" picks
 * "used_pct"), and to every metric that pattern matches. Returns 0, or -1 with why in
 * err when a threshold matches no metric or is in the wrong unit: a threshold that
 * silently does nothing would make a green line lie. */
int pl_result_apply(struct pl_result *r, const struct pl_thresholds *t,
		    const char *const *primary, char *err, size_t errlen);

enum pl_state pl_result_state(const struct pl_result *r);

/* Renders r into out. max_lines caps the long output (0: no long output). */
void pl_render(const struct pl_result *r, enum pl_format fmt, size_t max_lines,
	       struct pl_buf *out);

/* Appends s to out as a JSON string literal, quotes included. */
void pl_json_string(struct pl_buf *out, const char *s);

#endif
