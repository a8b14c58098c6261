/* pl_inspect: the daily inspection report (plumbline-inspect), as a model that any source
 * fills and three renderers read.
 *
 *   source (local checks run through pl_run; an engine's current state) -> items
 *   -> pl_insp_report (overall state, groups, changes since the previous report,
 *      sign-off) -> text, HTML or JSON.
 *
 * In engine mode (mode "engine") the renderers group the items per host instead: the
 * items come from the engine's records, a host's own state among them.
 *
 * Groups, by the plugin name of a check's executable (the basename of argv[0], or of the
 * engine's check command): the policy's inspection items are "physical" (check_hwmon,
 * check_mdraid, check_disk, check_disk_io, check_smart, check_raid, check_sensors,
 * check_ipmi...) and "logs" (check_log_errors, check_ids, check_log, check_logfiles,
 * check_journal); everything else is "other".
 *
 * History (changes since the previous report): per item (host and name), the states of the
 * last PL_INSP_HIST reports as digits, oldest first. Against the previous report an item
 * is "new" (a problem now, OK or absent before), "recovered" (OK now, a problem before),
 * "open" (a problem then and now) or "ok"; it is "flapping" when its state changed in at
 * least PL_INSP_FLAP of the transitions its history holds (this report's included).
 *
 * The library never prints: renderers append to a pl_buf. */
#ifndef PL_INSPECT_H
#define PL_INSPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pl_buf.h"

#define PL_INSP_HIST 10           /* reports of history kept per item */
#define PL_INSP_FLAP 3            /* state changes within them that make it flapping */
#define PL_INSP_LONG_CAP 4096     /* bytes of long output kept per item */
#define PL_INSP_STATUS_CAP 400    /* bytes of status line kept */
#define PL_INSP_PERF_CAP 2048     /* bytes of perfdata kept */
#define PL_INSP_SCHEMA 1          /* the JSON's schema_version */

enum pl_insp_group { PL_INSP_PHYSICAL = 0, PL_INSP_LOGS, PL_INSP_OTHER, PL_INSP_NGROUPS };
enum pl_insp_change {
	PL_INSP_SAME_OK = 0, PL_INSP_NEW, PL_INSP_RECOVERED, PL_INSP_OPEN, PL_INSP_FLAPPING
};

struct pl_insp_item {
	char *host;          /* "" for this host in local mode */
	char *name;          /* the check's name (NRPE command name, service name) */
	char *plugin;        /* the executable's basename ("check_hwmon"), or "" */
	int state;           /* 0..3 */
	char *status;        /* the first line without perfdata */
	char *long_out;      /* the lines after it (capped), "" for none */
	char *perf;          /* the perfdata text, "" for none */
	int64_t last_change; /* seconds since 1970 of the last state change; 0: unknown */
	int group;           /* enum pl_insp_group */
	int change;          /* enum pl_insp_change, set by pl_insp_history */
	char hist[PL_INSP_HIST + 1];   /* states of the last reports, this one last */
	bool engine_flapping; /* the engine says it flaps: pl_insp_history makes it so */
};

struct pl_insp_report {
	struct pl_insp_item *v;
	size_t n, cap;
	char host[256];      /* the host the report was made on */
	char mode[16];       /* "local" or "engine" */
	int64_t time;        /* when it was made */
	char id[40];         /* "20261202T120000Z-1a2b3c4d": time and a hash of its items */
	bool signed_off;
	char sign_name[128];
	int64_t sign_time;
	char sign_remarks[1024];
	size_t gone;         /* items of the previous report that this one lacks */
	char source[512];    /* engine mode: what was read ("nagios /path: 3 hosts, 9
			      * services, 1 malformed record skipped"); "" locally */
};

void pl_insp_init(struct pl_insp_report *r, const char *host, const char *mode,
		  int64_t now);
void pl_insp_free(struct pl_insp_report *r);
/* Adds a copy of an item (texts copied, status/long/perf cut to their caps; NULL texts
 * taken as ""; a state outside 0..3 as 3). The group comes from plugin. Returns the item
 * or NULL when memory ran out. */
struct pl_insp_item *pl_insp_add(struct pl_insp_report *r, const char *host,
				 const char *name, const char *plugin, int state,
				 const char *status, const char *long_out, const char *perf,
				 int64_t last_change);
/* Adds an item from a plugin's whole output (status line, long output, perfdata after
 * '|' on the first line or on a later one), as the engines split it. */
struct pl_insp_item *pl_insp_add_output(struct pl_insp_report *r, const char *host,
					const char *name, const char *plugin, int state,
					const char *out, size_t len, int64_t last_change);
/* The worst state: the highest of 0..3 (UNKNOWN above CRITICAL), the exit status. */
int pl_insp_worst(const struct pl_insp_report *r);
void pl_insp_counts(const struct pl_insp_report *r, size_t counts[4]);
/* Sorts the items by group, then host, then name, and computes the report id. */
void pl_insp_finish(struct pl_insp_report *r);

int pl_insp_group_of(const char *plugin);
const char *pl_insp_group_name(int g);     /* "physical", "logs", "other" */
const char *pl_insp_group_title(int g);    /* "Physical state", ... */
const char *pl_insp_change_name(int c);    /* "ok", "new", "recovered", "open", "flapping" */
const char *pl_insp_state_word(int s);     /* "OK", "WARNING", "CRITICAL", "UNKNOWN" */

/* One check of a check list. */
struct pl_insp_check {
	char name[128];
	char command[4096];
	size_t lineno;
};
struct pl_insp_list {
	struct pl_insp_check *v;
	size_t n, cap;
	char **includes;     /* include= and include_dir= paths, in order (include_dir
			      * entries start with "dir:") */
	size_t nincludes;
	size_t bad;          /* lines that were neither a check, a comment nor a setting */
	size_t first_bad;    /* the line number of the first of them */
};
/* Parses a check list: NRPE's "command[NAME]=COMMAND LINE" lines (NRPE's other
 * settings are skipped, include= and include_dir= collected), or our own format, one
 * "NAME = COMMAND LINE" a line; '#' starts a comment line; blank lines are skipped.
 * NAME is [A-Za-z0-9_.-]{1,127}. A later check of the same name replaces the earlier
 * (as in NRPE). Malformed lines are counted. Returns 0, or -1 when memory ran out. */
int pl_insp_list_parse(const char *buf, size_t len, struct pl_insp_list *l);
void pl_insp_list_free(struct pl_insp_list *l);

/* Splits a command line into an argument vector as NRPE's commands read, without a
 * shell: words separated by blanks, '...' and "..." quote (no escapes inside). Shell
 * syntax (| & ; < > ( ) ` \ $(...), a $VAR, a glob) is refused, since no shell runs it;
 * an NRPE macro $ARGn$ is refused with its own message (it is filled only from the
 * caller's arguments, which a local inspection has none of). argv (caller frees with
 * pl_insp_argv_free) ends with NULL. Returns 0 or -1 with why in err. */
int pl_insp_argv_split(const char *cmd, char ***argv, char *err, size_t errlen);
void pl_insp_argv_free(char **argv);

/* One perfdata metric. label is unquoted ('' is '); uom may be "". */
struct pl_insp_metric {
	char label[128];
	double value;
	char uom[16];
	bool has_warn, has_crit;
	char warn[64], crit[64];
};
/* Parses perfdata text ("'a b'=1.5s;2;3;0;10 x=4%") into up to max metrics; returns how
 * many, and *bad the number of malformed entries skipped. Never reads past len. */
size_t pl_insp_perf_parse(const char *s, size_t len, struct pl_insp_metric *out, size_t max,
			  size_t *bad);

/* History: reads each item's previous states from prev (a text per item key, as
 * pl_insp_hist_key gives) through get(ctx, key) (NULL: none), sets hist and change, and
 * counts the previous report's items that are gone through the number given. */
void pl_insp_history(struct pl_insp_report *r,
		     const char *(*get)(void *ctx, const char *key), void *ctx);
/* The key of an item for history and the stored report: "host/name". */
void pl_insp_hist_key(const struct pl_insp_item *it, char *out, size_t len);
/* The text history keeps of an item: its states and the time of the last change
 * ("0012 1764680000"), what get returns for the next report. */
void pl_insp_hist_format(const struct pl_insp_item *it, char *out, size_t len);
/* The change of one item from its history string (this report's state last). */
int pl_insp_change_of(const char *hist);

/* The stored form of an item (one text, fields separated by 0x1f, at most
 * PL_INSP_STORED_MAX bytes: long output and perfdata cut to fit) and back. */
#define PL_INSP_STORED_MAX 4000
void pl_insp_item_format(const struct pl_insp_item *it, struct pl_buf *out);
int pl_insp_item_parse(struct pl_insp_report *r, const char *s);

enum pl_insp_format { PL_INSP_TEXT = 0, PL_INSP_HTML, PL_INSP_JSON };
/* Renders the report. max_perf: key metrics shown per item in text and HTML. */
void pl_insp_render(const struct pl_insp_report *r, int fmt, struct pl_buf *out);

#endif
