/* pl_opt: one option table per plugin drives getopt_long, the usage line and --help,
 * so that they cannot disagree. */
#ifndef PL_OPT_H
#define PL_OPT_H

#include "pl_buf.h"

enum { PL_NOARG = 0, PL_ARG = 1, PL_OPTARG = 2 };

/* Flags, one bit each. PL_OPT_IDENTITY marks an option that says WHAT is measured (a
 * device, a file, a URL, an include or exclude rule): its value is part of the default
 * state key, so checks measuring different things never share counters or cursors.
 * Every other option (thresholds, output form, verbosity, timeout) is left out of the
 * key, so that editing a threshold keeps the state. */
#define PL_OPT_NOKEY    0u /* obsolete: options are out of the key unless PL_OPT_IDENTITY */
#define PL_OPT_SYNOPSIS 2u /* shown in the usage line */
#define PL_OPT_IDENTITY 4u /* part of the default state key (see above) */

struct pl_option {
	const char *name;     /* long name, without "--" */
	int key;              /* short option letter, or a number >= 256 for long-only */
	int has_arg;          /* PL_NOARG, PL_ARG or PL_OPTARG */
	const char *arg;      /* the argument's name in help: "RANGE", "DIR" */
	const char *help;     /* sentences; wrapped when printed */
	unsigned flags;
};

/* Appends text to out, wrapped at width columns, each line indented by indent spaces.
 * Newlines in text start new paragraphs. */
void pl_wrap(struct pl_buf *out, const char *text, int indent, int width);

/* Appends the help for each option of a table ending with a {NULL} entry. */
void pl_opt_help(const struct pl_option *opts, struct pl_buf *out);

/* Appends " [-w RANGE] [--per-cpu]" for the options flagged PL_OPT_SYNOPSIS. */
void pl_opt_synopsis(const struct pl_option *opts, struct pl_buf *out);

#endif
