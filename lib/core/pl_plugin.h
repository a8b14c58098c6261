/* pl_plugin: what every plugin's main() shares: the common options, --help and
 * --version, option files, the deadline, the state store and the final report.
 *
 * This is the one module that prints and exits, on behalf of main(): usage errors and
 * failures become one "SERVICE UNKNOWN - what is wrong" line and exit code 3. */
#ifndef PL_PLUGIN_H
#define PL_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>

#include "pl_opt.h"
#include "pl_result.h"
#include "pl_select.h"
#include "pl_store.h"

struct pl_plugin {
	const char *name;            /* "check_cpu" */
	const char *service;         /* "CPU": first word of the status line */
	const char *purpose;         /* one line for --help */
	const char *description;     /* paragraphs for --help */
	/* The plugin's own, ending with { .name = NULL }: they land in the cfg struct given
	 * to pl_plugin_parse (see pl_opt.h). */
	const struct pl_option *options;
	const char *const *primary;  /* labels -w/-c apply to, first is the default */
	/* Says which primary metric -w/-c apply to, in place of the sentence made from
	 * primary (for a plugin whose choice depends on what is measured); NULL: made. */
	const char *primary_help;
	const char *metrics;         /* help text listing the labels it emits */
	const char *examples;        /* help text: command lines with a sentence each */
	bool uses_state;             /* keeps counters: --state-dir, --state-key, --interval */
	/* With uses_state: keeps only kept entries (a baseline, a cursor), no counters to
	 * sample, so no --interval. */
	bool no_interval;
	/* Non-NULL for a plugin that picks items by name: takes --include, --exclude,
	 * --include-regex and --exclude-regex, and this sentence says what they match. */
	const char *selects;
};

struct pl_common {
	double timeout;              /* seconds */
	enum pl_state timeout_state;
	int verbose;                 /* 0..3 */
	enum pl_format format;
	size_t max_lines;
	int perf_unknown;            /* --perfdata-unknown: 0 omit, 1 U */
	bool oneline_perf;           /* --one-line-perfdata */
	enum pl_state missing_state; /* --missing-value-state */
	struct pl_thresholds thresholds;
	const char *root;            /* NULL: the live system */
	const char *state_dir;       /* NULL: the default */
	char state_key[80];          /* --state-key; "": a hash of the arguments (the store's) */
	double interval;             /* --interval: seconds to sample over without state */
	struct pl_select select;     /* --include/--exclude rules, when p->selects */
};

/* Runs part, this program built with the Icinga 2 API reader (yajl, libcurl: plumbline-
 * inspect's inspect_icinga2, plumbline-status' status_icinga2), in this process's place
 * with argv: beside this program (its directory from /proc/self/exe, which no caller
 * chooses), else in libexecdir. Call it before pl_plugin_arm: a timer would outlive exec.
 * Dies UNKNOWN, saying what to install, when neither can be run. */
void pl_plugin_exec_part(const char *part, const char *libexecdir, char **argv)
	__attribute__((noreturn));

/* Parses the environment (secrets), the --extra-opts files and argv, in that order, into
 * cfg (p->options) and c (the common options). Prints help or version, or a usage
 * error, and exits 3 where that is the answer. */
void pl_plugin_parse(const struct pl_plugin *p, int argc, char **argv, void *cfg,
		     struct pl_common *c);

/* Why a PL_OPT_LATE secret could not be read by pl_plugin_parse, or NULL. */
const char *pl_plugin_late_error(void);

/* Arms the deadline from the common options: the process deadline (pl_deadline) that
 * blocking calls are given, --timeout from now, and the SIGALRM backstop shortly after it
 * (pl_timeout_arm). */
void pl_plugin_arm(const struct pl_common *c);

/* One UNKNOWN (or other) line and exit. */
__attribute__((noreturn, format(printf, 2, 3)))
void pl_die(enum pl_state state, const char *fmt, ...);

/* A usage error: the message, the usage line and a pointer to --help; exit 3. */
__attribute__((noreturn, format(printf, 1, 2)))
void pl_usage_die(const char *fmt, ...);

/* Debug output on stderr at -v level >= level. */
__attribute__((format(printf, 3, 4)))
void pl_debug(const struct pl_common *c, int level, const char *fmt, ...);

/* Applies the thresholds (pl_result_apply, with --missing-value-state), renders r in the
 * chosen form (pl_render_with, with --max-lines, --perfdata-unknown and
 * --one-line-perfdata), frees it and exits with its state. A threshold that matches
 * nothing (and is not about an item this host lacks) ends as a usage error instead. */
__attribute__((noreturn))
void pl_exit(struct pl_result *r, struct pl_common *c);

/* Opens the state directory, takes the state's lock (waiting for another run at most
 * three quarters of the time left) and loads this run's state into st (initialised
 * here). Dies UNKNOWN when the directory is unusable (with the timeout's state when the
 * lock stayed taken); a missing, corrupt, old or pre-boot file only yields a status
 * other than PL_STORE_LOADED. The directory and lock stay open in st until
 * pl_plugin_store_save or pl_plugin_store_close. */
enum pl_store_status pl_plugin_store_load(const struct pl_common *c, struct pl_store *st);
/* Saves st with the current boot id; a failure becomes an UNKNOWN finding in r, with what
 * to do about it. Then releases the lock and closes the directory. */
void pl_plugin_store_save(const struct pl_common *c, struct pl_store *st,
			  struct pl_result *r);
/* Releases the lock and closes the directory without saving. */
void pl_plugin_store_close(struct pl_store *st);

#endif
