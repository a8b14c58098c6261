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
 * pl_metric_missing() says why: for this run only (a counter reset, a device that just
 * appeared) or for a lasting reason (the kernel does not know the link speed), with the
 * fix an admin can apply.
 *
 * Items (sub-checks): a result may hold items, each a thing the check looks at (a
 * device, an interface, an array, a chip, a database, a backup class), with its own
 * metrics, findings, lines and facts; an item may hold items of its own (a tree).
 *   - kind is a short word ("device", "interface", "array", "chip", "database", "class");
 *     name is the item's name as the source gives it, any bytes but NUL. Names are
 *     printed escaped (pl_name_escape) in texts and given raw (as JSON strings) in JSON.
 *   - The ONE label rule: an item's label prefix is pl_label_escape(name), after its
 *     parent's prefix and '_' when it has a parent; a metric of an item is labelled
 *     PREFIX "_" pl_label_escape(metric). pl_label_escape keeps [A-Za-z0-9_.-] as they
 *     are (so "sda", "eth0", "vg0-root" keep their labels) and writes any other byte as
 *     "_xHH" (and a '_' that starts "_xHH" in the name as "_x5f"), so distinct names
 *     never share a label. A label longer than PL_LABEL_MAX - 1 bytes is cut and ends in
 *     "_h" and 8 hex digits of a hash of the whole label.
 *   - Texts of an item (findings, lines) say what about the item without naming it: the
 *     renderer puts the escaped name in front ("md0: degraded, 1 of 2 disks"); a
 *     sub-item's name after its parents' and '/' ("full/web1: no backup").
 *   - An item's state is the worst of its metrics', findings' and sub-items' states; the
 *     overall state is the worst of everything.
 * Two metrics with the same perfdata label are a bug in the plugin: pl_result_apply()
 * turns it into an UNKNOWN finding that names the label.
 *
 * Facts: string values (a ruleset's SHA-256, a snapshot id, a link speed) shown in long
 * output ("eth0 speed: 1Gbit/s") and JSON, never in perfdata, never judged.
 *
 * Memory: the result owns everything it holds; pl_result_free() releases it. When an
 * allocation fails the result remembers it and renders as UNKNOWN; the add functions
 * still return usable pointers, so callers need not check each call. */
#ifndef PL_RESULT_H
#define PL_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pl_buf.h"
#include "pl_range.h"
#include "pl_unit.h"

#define PL_RESULT_FAMILIES 8   /* label families a check may declare */

enum pl_state { PL_OK = 0, PL_WARNING = 1, PL_CRITICAL = 2, PL_UNKNOWN = 3 };

enum pl_format { PL_FMT_NAGIOS = 0, PL_FMT_ONELINE, PL_FMT_JSON };

#define PL_LABEL_MAX 96
#define PL_OUTPUT_CAP 8000         /* Nagios Core keeps 8192 bytes of plugin output */
#define PL_STATUS_CAP 400
#define PL_ONELINE_CAP 1000        /* NRPE v2 carries 1,024 bytes */
#define PL_JSON_CAP 64000          /* NRPE v3 and v4 carry 64 KiB */
#define PL_USAGE_CAP 4000          /* the "usage" text of a usage error, at most */
#define PL_JSON_SCHEMA 1           /* the "schema" field; contrib/schema/ has the file */

/* Why a metric has no value (NAN). */
enum pl_missing {
	PL_MISSING_NONE = 0,         /* it has a value, or no reason was given */
	PL_MISSING_RUN,              /* for this run only: a counter reset, a new device */
	PL_MISSING_LASTING,          /* until the admin acts: the kernel lacks the speed */
};

struct pl_result;

struct pl_fact;

/* A sub-check. Owned by its result; valid until pl_result_free(). */
struct pl_item {
	struct pl_result *result;
	struct pl_item *parent;      /* NULL: at the top of the result */
	struct pl_item *child, *last_child, *next;   /* sub-items and siblings, in order */
	char *kind;                  /* "device", "interface", ... */
	char *name;                  /* as the source gave it */
	char *prefix;                /* the label prefix (see the label rule above) */
	size_t index;                /* position in result->items */
	struct pl_fact *facts;       /* in the order given; a key given again replaces */
	size_t nfacts, facts_cap;
	struct pl_metric *metric, *last_metric;   /* its metrics, in the order added */
};

struct pl_metric {
	const char *label;         /* stable perfdata label (in the result's text blocks) */
	double value;              /* in the base unit of `unit`; NAN: unknown ("U") */
	double min, max;
	struct pl_range warn, crit;  /* defaults set by the plugin, replaced by user ranges */
	struct pl_item *item;        /* NULL: a metric of the result itself */
	const char *name;            /* an item's metric: its name in the item ("util") */
	struct pl_metric *item_next; /* the item's next metric, in the order added */
	char *why, *fix;             /* "the kernel does not know the link speed", ... */
	/* Set by pl_result_apply(): 1 + the index of the user's threshold that gave warn or
	 * crit; 0 when it is the plugin's default (or none). */
	unsigned warn_src, crit_src;
	enum pl_unit unit;
	enum pl_state state;         /* set by pl_result_apply() */
	enum pl_missing missing;     /* why value is NAN */
	int prec;                    /* decimals in perfdata; -1: by unit */
	bool has_min, has_max;
	bool hidden;                 /* evaluated and in JSON, left out of perfdata */
};

/* A part of the summary that shows a metric: bytes start .. end - 1 of the summary. */
struct pl_mark {
	size_t start, end;
	const struct pl_metric *m;
	bool aside;                  /* pl_result_summary_aside: shown only while m is OK */
};

struct pl_line {
	int state;                   /* -1: a plain line; else an enum pl_state (a finding) */
	char *text;
	struct pl_item *item;        /* NULL: about the whole check */
};

struct pl_fact {
	char *key;                   /* "sha256", "speed", "snapshot" */
	char *value;
};

/* What a user's threshold could not judge (pl_result_apply): a metric without a value, or
 * a LABEL about an item this host lacks. Long output says it in lines; JSON lists these
 * as "not_judged", per item and for the check. */
enum pl_note_for {
	PL_NOTE_RUN = 0,             /* no value this run: the state is kept */
	PL_NOTE_LASTING,             /* no value until the admin acts: r->missing_state */
	PL_NOTE_ABSENT,              /* no such item on this host (a host-group config) */
};

struct pl_note {
	struct pl_item *item;        /* the metric's item; NULL: the check */
	enum pl_note_for why_for;
	char *label;                 /* the metric's label, or the threshold's LABEL */
	char *reason;                /* "eth3 appeared since the last run"; never NULL */
	char *fix;                   /* what an admin can do; NULL: nothing said */
	char *thresholds[2];         /* how messages name them ("-w 80"); NULL: none */
};

struct pl_metric_block;
struct pl_text_block;

struct pl_result {
	const char *plugin;          /* "check_cpu" */
	const char *service;         /* "CPU" */
	struct pl_buf summary;
	struct pl_buf usage;         /* after a usage error (JSON "usage"); empty: none */
	struct pl_metric **metrics;
	size_t nmetrics, metrics_cap;
	struct pl_metric_block *mblocks;   /* where the metrics live, a block at a time */
	struct pl_text_block *tblocks;     /* labels, metric and item names: one arena */
	struct pl_buf label;         /* pl_item_metric's label, built here and copied */
	struct pl_line *lines;
	size_t nlines, lines_cap;
	struct pl_item **items;      /* every item, in the order added */
	size_t nitems, items_cap;
	struct pl_item *child, *last_child;   /* the top-level items */
	uint64_t *item_hash;         /* open addressing: index + 1 into items and a hash
				      * tag, 0 empty */
	size_t hash_cap;
	struct pl_fact *facts;
	size_t nfacts, facts_cap;
	struct pl_note *notes;       /* thresholds not judged, set by pl_result_apply() */
	size_t nnotes, notes_cap;
	struct pl_mark *marks;       /* summary parts that show a metric, in order */
	size_t nmarks, marks_cap;
	/* The state of a metric whose value is missing for a lasting reason while a user's
	 * threshold names it (pl_result_init: UNKNOWN). */
	enum pl_state missing_state;
	const char *expect_kind;     /* pl_result_expect_items(); not copied */
	/* pl_result_expect_family(): label prefixes ("fan_") and the kind of thing each
	 * names ("fan"); not copied. */
	const char *family_prefix[PL_RESULT_FAMILIES], *family_kind[PL_RESULT_FAMILIES];
	size_t nfamilies;
	bool oom;
};

/* One user threshold: a range for the primary metric (pattern NULL) or for every metric
 * whose label matches the glob pattern. */
struct pl_threshold {
	char *pattern;
	bool critical;
	char *text;                  /* how messages name it: "-w 80" as given, or (from
				      * pl_plugin) the option and where it came from */
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
/* The rank of a state: OK 0, WARNING 1, UNKNOWN 2, CRITICAL 3. */
int pl_state_severity(enum pl_state s);

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
void pl_metric_minmax(struct pl_metric *m, double min, double max);
struct pl_metric *pl_result_metric(const struct pl_result *r, const char *label);

/* Says why m has no value this run (and sets it to NAN). kind is PL_MISSING_RUN or
 * PL_MISSING_LASTING; why says what is missing in plain words ("the kernel does not
 * know eth0's link speed"), fix what an admin can do ("give it with --speed
 * eth0=1Gbit/s"; NULL when nothing). Both are copied. */
void pl_metric_missing(struct pl_metric *m, enum pl_missing kind, const char *why,
		       const char *fix);

/* The item of this kind and name under parent (NULL: the top), added when it is not
 * there yet: calling it twice with the same arguments gives the same item. Never NULL
 * (after an allocation failure, a scratch item the result does not keep). */
struct pl_item *pl_result_item(struct pl_result *r, const char *kind, const char *name);
struct pl_item *pl_item_item(struct pl_item *parent, const char *kind, const char *name);
/* Finds an item without adding it; NULL when there is none. */
struct pl_item *pl_result_find_item(const struct pl_result *r, const struct pl_item *parent,
				    const char *kind, const char *name);

/* A metric of the item, labelled PREFIX_METRIC (see the label rule above). */
struct pl_metric *pl_item_metric(struct pl_item *it, const char *metric, double value,
				 enum pl_unit unit);
/* The metric of the item named metric (as given to pl_item_metric); NULL when none. */
struct pl_metric *pl_item_find_metric(const struct pl_item *it, const char *metric);
/* Places a metric added with a label of its own (pl_metric_add) in an item, under the
 * name metric (to keep old labels); texts then name it by its label. */
void pl_metric_place(struct pl_metric *m, struct pl_item *it, const char *metric);
/* True when m is an item's metric labelled by the one rule (PREFIX_NAME). */
bool pl_metric_by_rule(const struct pl_metric *m);

/* A finding, a plain long-output line or a fact of the item. */
void pl_item_finding(struct pl_item *it, enum pl_state state, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void pl_item_line(struct pl_item *it, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void pl_item_fact(struct pl_item *it, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A fact about the whole check. */
void pl_result_fact(struct pl_result *r, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The worst state of the item's metrics, findings and sub-items (after
 * pl_result_apply() for the metrics). */
enum pl_state pl_item_state(const struct pl_item *it);

/* The one label rule: appends name to b with every byte outside [A-Za-z0-9_.-] written
 * as "_xHH" (lower-case hex), and a '_' that starts "_xHH" in name as "_x5f", so that
 * the mapping is injective and ordinary names stay as they are. */
void pl_label_escape(struct pl_buf *b, const char *name);
/* Names in texts: appends name with a backslash doubled and control, DEL and non-ASCII
 * bytes as \xHH, so that a name never carries a raw control byte (or a byte that is not
 * UTF-8) into the output. */
void pl_name_escape(struct pl_buf *b, const char *name);
/* The same into out (len bytes, NUL-terminated), cut where an escape ends: a cut name
 * never ends in part of one ("\\x0"). Returns 0, or -1 when it was cut. */
int pl_name_str(char *out, size_t len, const char *name);
/* Messages in texts (an error that names a path, said in the user's language): as
 * pl_name_str, but a well-formed UTF-8 sequence stays as it is (a translated message is
 * UTF-8), and is never cut inside; control, DEL and bytes that are no UTF-8 are \xHH. */
int pl_text_str(char *out, size_t len, const char *text);

/* Replaces the summary (the text after "SERVICE STATE - " on the status line). */
void pl_result_summary(struct pl_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Appends to the summary. */
void pl_result_summary_add(struct pl_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Appends to the summary a part that shows metric m ("99.9% busy"). When m breaches a
 * threshold, the status line names the limit right after that part ("99.9% busy
 * (warning over 80%)") instead of naming m again among the problems: each figure once.
 * Every figure of a summary that is a metric's goes through here, so that the part
 * should name what it shows by itself ("user 45%", not "45%" after "user "): when a
 * part's metric is worse than what the status line would name first (-w 60 on busy
 * and a critical user), the part with its limit leads the status line and leaves the
 * summary, with the ", ", the parentheses or the blank around it (an item's metric
 * leads as any item's problem does: "sda util 95% (critical over 90%)").
 * m may be NULL (a metric this run does not have): the text is appended alone. */
void pl_result_summary_metric(struct pl_result *r, const struct pl_metric *m,
			      const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Appends to the summary a text about metric m that holds only while m has no problem
 * ("(max 100C)" after the hottest sensor: a breach names its own limit instead). m may
 * be NULL: the text is appended alone. */
void pl_result_summary_aside(struct pl_result *r, const struct pl_metric *m,
			     const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* After a usage error: the usage line and where to read more, given in JSON as "usage"
 * (at most PL_USAGE_CAP bytes; the other forms put it in a line of their own). */
void pl_result_usage(struct pl_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Findings a pure judge (pl_hwmon_judge, pl_md_judge) writes into its verdict, for the
 * plugin to give its item in one call: a state and a sentence each, in order, at most
 * PL_FINDINGS_MAX (more are dropped), texts cut at PL_FINDING_TEXT - 1 bytes. Zeroed, it
 * is empty with worst PL_OK. */
#define PL_FINDINGS_MAX 8
#define PL_FINDING_TEXT 560
struct pl_findings {
	size_t n;
	enum pl_state worst;       /* the worst state of the findings; PL_OK when none */
	struct {
		enum pl_state state;
		char text[PL_FINDING_TEXT];
	} v[PL_FINDINGS_MAX];
};

void pl_findings_add(struct pl_findings *f, enum pl_state state, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Each finding of f as a finding of it (pl_item_finding), in order. */
void pl_item_findings(struct pl_item *it, const struct pl_findings *f);

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
 * silently does nothing would make a green line lie.
 *
 * Never silently green:
 *   - a user's threshold on a metric without a value: for a lasting reason the metric
 *     takes r->missing_state and the problem says why and how to fix it; for this run
 *     only, a long-output line says which thresholds were not judged;
 *   - a labelled threshold that matches no metric but names a metric of the items this
 *     check reports ("md0_spare" where only md1 is here), or any labelled threshold when
 *     the check reports items (pl_result_expect_items) and found none, or whose pattern
 *     starts with a label family the check declared (pl_result_expect_family: "fan_*"
 *     where this host has no fan), is about an item this host lacks: a long-output line
 *     says so (a host-group config must work on every host); one that can be about no
 *     item is still an error (a misspelt metric or family);
 *   - a critical range inside the warning range ("-w 90 -c 80" on a used_pct) can never
 *     warn: a long-output line says so; the state is unchanged.
 * What was not judged is also kept as data (r->notes, JSON "not_judged"), replaced by
 * each call.
 * Also marks duplicate labels (see above). */
int pl_result_apply(struct pl_result *r, const struct pl_thresholds *t,
		    const char *const *primary, char *err, size_t errlen);

/* The check reports items of this kind ("array"), even when it finds none: thresholds
 * on items are then not errors on a host without them (see pl_result_apply). */
void pl_result_expect_items(struct pl_result *r, const char *kind);
/* The check's labels of one family start with prefix ("fan_": every fan sensor's), and a
 * host may have none of them: a labelled threshold that starts with prefix and matches
 * nothing is about a kind ("fan") this host lacks, not an error (see pl_result_apply).
 * Up to PL_RESULT_FAMILIES families; prefix and kind must outlive r. */
void pl_result_expect_family(struct pl_result *r, const char *prefix, const char *kind);

enum pl_state pl_result_state(const struct pl_result *r);

struct pl_render_opts {
	enum pl_format format;
	size_t max_lines;            /* lines of long output at most; 0: none */
	bool perf_unknown;           /* a metric without a value as "U" (default: left out,
				      * as many perfdata consumers reject "U") */
	bool oneline_perf;           /* perfdata in the one-line form too (default: none) */
};

/* Renders r into out (pl_render.c).
 *   nagios:   the status line "SERVICE STATE - problems - summary | perfdata", then the
 *             long output: problems not named in full on the status line, worst first,
 *             then the lines of items with problems (worst first), the check's own lines
 *             and facts, then the lines of items without problems; at most max_lines,
 *             and at most PL_OUTPUT_CAP bytes in all, saying what was left out.
 *   one-line: the same joined by "; " on one line of at most PL_ONELINE_CAP bytes, and
 *             no perfdata unless oneline_perf.
 *   json:     one document of at most PL_JSON_CAP bytes (contrib/schema/
 *             plumbline-result.schema.json): the tree of items, with threshold breaches
 *             among the findings, values without a value as null, the thresholds not
 *             judged ("not_judged", where their metric is), and "left_out" saying what
 *             did not fit. */
void pl_render_with(const struct pl_result *r, const struct pl_render_opts *o,
		    struct pl_buf *out);
/* pl_render_with with the default options. */
void pl_render(const struct pl_result *r, enum pl_format fmt, size_t max_lines,
	       struct pl_buf *out);

/* Appends s to out as a JSON string literal, quotes included. A byte that is not part of
 * valid UTF-8 becomes U+FFFD, so the output is always valid JSON. */
void pl_json_string(struct pl_buf *out, const char *s);

/* Appends s to out as HTML text (an element's content or an attribute's value): < > & "
 * and ' as entities, a control byte other than newline and tab as '?' (outside data:
 * plugin output, names). The reports' and the status page's one escaper. */
void pl_html_text(struct pl_buf *out, const char *s);

#endif
