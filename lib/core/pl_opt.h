/* pl_opt: typed option tables and the one parser of the command line and option files.
 *
 * Each option says what its value is (a type, with bounds) and where it lands in the
 * plugin's config (an offset into a struct), so most options need no code at all; the
 * same table makes --help, the man page and the parser, so that they cannot disagree.
 * An option that needs code names a handler instead.
 *
 *   struct cpu_config { bool per_cpu; double interval; };
 *   static const struct pl_option opts[] = {
 *           { .name = "per-cpu", .type = PL_OPT_SWITCH,
 *             PL_OPT_AT(struct cpu_config, per_cpu), .help = "..." },
 *           { .name = "interval", .type = PL_OPT_DURATION, .min = 0, .max = 5,
 *             PL_OPT_AT(struct cpu_config, interval), .arg = "SECONDS", .help = "..." },
 *           { .name = NULL },
 *   };
 *
 * Rules of the parser (the same for every plugin):
 * - Long options are written in full: an abbreviation is refused with the option it may
 *   have meant, because a prefix that is unique today ("--crit") changes meaning the day
 *   an option is added ("--criticalx"). A misspelt option suggests the nearest one.
 * - "--name=value" or "--name value"; "-w 80" or "-w80"; switches may be grouped
 *   ("-vv"). An option without a value given one ("--per-cpu=yes") is an error.
 * - Options are taken in order and a later one replaces an earlier one entirely
 *   ("-t 5:critical -t 2" times out after 2 s with the default state); a list option
 *   (PL_OPT_LIST, or one with PL_OPT_REPEAT) adds to the earlier ones instead.
 * - No error message ever repeats an option's value, wherever it came from: it names
 *   the option, and for a value from an option file the file and the line. The value
 *   may be a secret, or a line of a file that was never meant to be shown.
 * - A secret option (PL_OPT_SECRET) is never taken from the command line, where every
 *   user can read it (/proc/PID/cmdline): its value comes from the file named by
 *   --NAME-file (a regular file of root or of the user running the check, readable by
 *   nobody else), from the environment variable the table names, or from an option
 *   file. It is never part of a message, of -v output or of the state key. */
#ifndef PL_OPT_H
#define PL_OPT_H

#include <stdbool.h>
#include <stddef.h>

#include "pl_buf.h"

enum pl_opt_type {
	PL_OPT_SWITCH = 1, /* no value: sets a bool to true */
	PL_OPT_COUNT,      /* no value, repeatable: increments an int up to max (-v -v) */
	PL_OPT_STRING,     /* const char *; kept until the process exits */
	PL_OPT_INT,        /* whole number in [min, max]: int, int64_t or size_t by size */
	PL_OPT_NUMBER,     /* double in [min, max], no unit */
	PL_OPT_DURATION,   /* double seconds in [min, max]; us ms s min h d, plain: s */
	PL_OPT_SIZE,       /* double bytes in [min, max]; B KB MB GB TB (1024), plain: B */
	PL_OPT_RATE,       /* double bits/s in [min, max]; bit/s kbit/s Mbit/s Gbit/s */
	PL_OPT_STATE,      /* enum pl_state: ok, warning, critical, unknown (or 0..3) */
	PL_OPT_CHOICE,     /* int: the value of one of the words in choices */
	PL_OPT_LIST,       /* struct pl_strlist: every value, in order (repeatable) */
	PL_OPT_OPTIONAL,   /* a handler's string, only as --name=value (or --name alone) */
};

/* Flags, one bit each. PL_OPT_IDENTITY marks an option that says WHAT is measured (a
 * device, a file, a URL, an include or exclude rule): its value is part of the default
 * state key, so checks measuring different things never share counters or cursors.
 * Every other option (thresholds, output form, verbosity, timeout) is left out of the
 * key, so that editing a threshold keeps the state. A secret never is. */
#define PL_OPT_SYNOPSIS 0x02u /* shown in the usage line */
#define PL_OPT_IDENTITY 0x04u /* part of the default state key (see above) */
#define PL_OPT_SECRET   0x08u /* a secret (see above); a PL_OPT_STRING */
#define PL_OPT_REPEAT   0x10u /* each occurrence goes to the handler, none replaces another */
#define PL_OPT_HIDDEN   0x20u /* parsed but not in --help (the build's --man) */
/* With PL_OPT_SECRET: a --NAME-file that cannot be read is no usage error; the option
 * stays unset and the parser's late_err says why, for a program that must record that
 * it could not run (a restore drill's journal) rather than only exit. */
#define PL_OPT_LATE     0x40u
/* Where an option lands: PL_OPT_AT(struct cfg, member) in a table entry. */
#define PL_OPT_AT(type, member) \
	.off = offsetof(type, member), .size = sizeof(((type *)0)->member)

struct pl_choice {
	const char *word;
	int value;
	bool alias;            /* accepted, not listed in help and messages */
};

/* Values of a PL_OPT_LIST option, in the order given. Owned by the parser. */
struct pl_strlist {
	const char **v;
	size_t n;
};

struct pl_option;

/* Takes an option's value into base (the struct of the option's table). value is NULL
 * for an option without one. Returns 0, or -1 with why in err: a sentence that does
 * not repeat the value (the parser puts the option's name and origin before it). */
typedef int (*pl_opt_fn)(void *base, const struct pl_option *o, const char *value,
			 char *err, size_t errlen);

struct pl_option {
	const char *name;      /* long name, without "--"; NULL ends a table */
	char letter;           /* short option, or 0 */
	enum pl_opt_type type;
	const char *arg;       /* the value's name in help: "RANGE", "DIR"; default by type */
	const char *help;      /* sentences; wrapped when printed */
	unsigned flags;
	size_t off, size;      /* PL_OPT_AT(): where the value lands in the table's base */
	double min, max;       /* bounds of numbers (both 0: none) */
	const struct pl_choice *choices;   /* PL_OPT_CHOICE, ending with { NULL, 0 } */
	const char *env;       /* PL_OPT_SECRET: the environment variable that may hold it */
	pl_opt_fn fn;          /* code instead of landing by type (the type still describes
				* the value in help and says whether there is one) */
	/* A check of the value before it lands by type: 0, or -1 with why in err. */
	int (*check)(const char *value, char *err, size_t errlen);
};

/* One table and the struct its options land in. */
struct pl_opt_table {
	const struct pl_option *opts;
	void *base;
};

/* Called for each option taken, with its value (never for a secret's value: NULL then),
 * after it landed; for the state key. */
typedef void (*pl_opt_seen_fn)(void *ctx, const struct pl_option *o, const char *value);

/* A parse over one or more tables: the command line, option files and the environment
 * feed it, in the order of precedence (lowest first). */
struct pl_opt_parser {
	const struct pl_opt_table *tables;
	size_t ntables;
	pl_opt_seen_fn seen;
	void *seen_ctx;
	const char *prog;      /* the plugin's name, for messages */
	/* private: a dry run (pl_opt_scan) lands nothing and notes watch's values */
	bool dry;
	const struct pl_option *watch;
	const char *watched;
	bool watch_seen;
	char where[512];       /* the option being taken and its origin (pl_opt_where) */
	char late_err[512];    /* the first PL_OPT_LATE secret's failure; "" when none */
	/* private */
	char **owned;          /* copies of values from files and secrets; zeroed when freed */
	size_t nowned, capowned;
};

void pl_opt_init(struct pl_opt_parser *p, const struct pl_opt_table *tables, size_t ntables);
/* Zeroes and frees every value the parser copied (secrets included); the strings and
 * lists that landed in the tables' structs are invalid after this. */
void pl_opt_free(struct pl_opt_parser *p);

/* Takes the secret options' values from their environment variables, where set. Call
 * first: every other source wins over the environment. Returns 0 or -1 with err. */
int pl_opt_env(struct pl_opt_parser *p, char *err, size_t errlen);

/* Parses an option file's text (see pl_ini.h) for section; file names it in messages.
 * Returns the number of options found in the section, or -1 with err. The caller
 * zeroes buf afterwards if it may hold secrets (the parser keeps its own copies). */
int pl_opt_ini(struct pl_opt_parser *p, const char *buf, size_t len, const char *file,
	       const char *section, char *err, size_t errlen);

/* Parses argv[1..argc-1]. skip(arg) true leaves an argument out (--extra-opts, already
 * read). Returns 0, or -1 with err. */
int pl_opt_argv(struct pl_opt_parser *p, int argc, char **argv, bool (*skip)(const char *),
		char *err, size_t errlen);

/* Reads argv as pl_opt_argv does, without taking anything or stopping at errors, for
 * the value of the option named name (the output form must be known before the first
 * error is reported). Returns 1 with its last value in *value (NULL when it was given
 * without one), or 0 when argv does not have it. */
int pl_opt_scan(struct pl_opt_parser *p, int argc, char **argv, bool (*skip)(const char *),
		const char *name, const char **value);

/* The value of word among o's choices (aliases included): 0, or -1 when it is none. */
int pl_opt_choice(const struct pl_option *o, const char *word, int *value);

/* The option being taken, as messages name it: how it was written and where it came
 * from ("-w", "--warningx", "--warningx (/etc/plumbline/plumbline.ini line 3)"). Valid
 * during a handler's call, for a handler that keeps it for later messages. */
const char *pl_opt_where(const struct pl_opt_parser *p);

/* The option named name (long name) in tables, or NULL. */
const struct pl_option *pl_opt_find(const struct pl_opt_table *tables, size_t ntables,
				    const char *name);

/* The long option of tables nearest to name, for "did you mean": a prefix of just one
 * option, or the one at the smallest edit distance when that distance is small for the
 * length of name. NULL when none is near. */
const char *pl_opt_suggest(const struct pl_opt_table *tables, size_t ntables,
			   const char *name);

/* Edit distance (insertions, deletions, substitutions and swaps of two neighbours) of
 * a[0..na) and b[0..nb); counts at most to 99 (longer strings give 99). */
int pl_edit_distance(const char *a, size_t na, const char *b, size_t nb);

/* Parses a number of the option's type into *out (double; whole for PL_OPT_INT) and
 * checks its bounds. Returns 0, or -1 with err saying what is wrong and what is
 * accepted (never repeating s). The one number parser of every option. */
int pl_opt_number(const struct pl_option *o, const char *s, double *out, char *err,
		  size_t errlen);

/* What the value of o is, for --help and messages: "a whole number from 0 to 100000",
 * "ok, warning, critical or unknown", ... into buf. Returns buf ("" for a switch). */
char *pl_opt_describe(const struct pl_option *o, char *buf, size_t len);

/* The name of o's value in help: o->arg, or one by type ("N", "SECONDS", "STATE"). */
const char *pl_opt_argname(const struct pl_option *o);

/* True when o takes a value. */
bool pl_opt_has_value(const struct pl_option *o);

/* Appends text to out, wrapped at width columns, each line indented by indent spaces.
 * Newlines in text start new paragraphs. */
void pl_wrap(struct pl_buf *out, const char *text, int indent, int width);

/* Man pages (--man), from the same tables as --help. pl_man_text appends text escaped for
 * troff: backslashes, hyphens (minus signs in option names), and a '.' or '\'' that
 * starts a line (groff took "'review'" for a request); nl: what a newline becomes
 * ("\n.PP\n" between paragraphs, " " inside one), NULL: kept. pl_man_options appends
 * one .TP entry per option of the table (hidden ones left out; a secret as its -file
 * form). */
void pl_man_text(struct pl_buf *b, const char *text, const char *nl);
void pl_man_options(struct pl_buf *b, const struct pl_option *opts);

/* Appends o's help paragraph: its text, what its value is, whether it repeats, and
 * where a secret comes from (unwrapped). */
void pl_opt_text(const struct pl_option *o, struct pl_buf *out);

/* Appends the help for each option of a table ending with a {NULL} entry. */
void pl_opt_help(const struct pl_option *opts, struct pl_buf *out);

/* Appends " [-w RANGE] [--per-cpu]" for the options flagged PL_OPT_SYNOPSIS. */
void pl_opt_synopsis(const struct pl_option *opts, struct pl_buf *out);

#endif
