#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pl_buf.h"
#include "pl_file.h"
#include "pl_ini.h"
#include "pl_num.h"
#include "pl_plugin.h"
#include "pl_timeout.h"

enum {
	OPT_WARNX = 1000, OPT_CRITX, OPT_FORMAT, OPT_MAXLINES, OPT_EXTRA, OPT_ROOT,
	OPT_STATEDIR, OPT_STATEKEY, OPT_INTERVAL, OPT_INCLUDE, OPT_EXCLUDE, OPT_INCLUDE_RE,
	OPT_EXCLUDE_RE,
};

static const struct pl_option common_opts[] = {
	{ "warning", 'w', PL_ARG, "RANGE",
	  "Warning range for the primary metric (see Thresholds below).", PL_OPT_SYNOPSIS },
	{ "critical", 'c', PL_ARG, "RANGE",
	  "Critical range for the primary metric.", PL_OPT_SYNOPSIS },
	{ "warningx", OPT_WARNX, PL_ARG, "LABEL=RANGE",
	  "Warning range for every metric whose perfdata label matches LABEL, a glob "
	  "('iowait=~:20', 'cpu*_busy=95'). Repeatable; a later match wins.", PL_OPT_SYNOPSIS },
	{ "criticalx", OPT_CRITX, PL_ARG, "LABEL=RANGE",
	  "Critical range for metrics matching LABEL. Repeatable.", PL_OPT_SYNOPSIS },
	{ "timeout", 't', PL_ARG, "SECONDS[:STATE]",
	  "Give up after SECONDS (default 10) and exit with STATE (default unknown; or ok, "
	  "warning, critical), saying what the plugin was waiting for.", PL_OPT_NOKEY },
	{ "output-format", OPT_FORMAT, PL_ARG, "FORMAT",
	  "nagios (default: status line, long output, perfdata), one-line (all on one line, "
	  "for SMS and chat) or json (for scripts and the daily report).", PL_OPT_NOKEY },
	{ "max-lines", OPT_MAXLINES, PL_ARG, "N",
	  "Show at most N lines of long output (default 30); the rest are counted.",
	  PL_OPT_NOKEY },
	{ "extra-opts", OPT_EXTRA, PL_OPTARG, "[SECTION][@FILE]",
	  "Read options from SECTION (default: the plugin's name) of an ini file (default: "
	  PL_SYSCONFDIR "/plumbline/plumbline.ini). Each "
	  "'name = value' line is the option --name=value. Keeps secrets and long option "
	  "sets off the command line. Options given on the command line win over the file's.", 0 },
	{ "root", OPT_ROOT, PL_ARG, "DIR",
	  "Read /proc and /sys below DIR instead of / (for tests with captured trees). "
	  "Refused in setuid programs and under sudo.", PL_OPT_NOKEY },
	{ "verbose", 'v', PL_NOARG, "",
	  "More detail on stderr; repeat up to three times.", PL_OPT_NOKEY },
	{ "help", 'h', PL_NOARG, "", "This help, then exit 3 (always text, whatever "
	  "--output-format says).", PL_OPT_NOKEY },
	{ "version", 'V', PL_NOARG, "", "The version, then exit 3 (always text).", PL_OPT_NOKEY },
	{ NULL, 0, 0, NULL, NULL, 0 },
};

static const struct pl_option state_opts[] = {
	{ "state-dir", OPT_STATEDIR, PL_ARG, "DIR",
	  "Where counters are kept between runs (default: $PLUMBLINE_STATE_DIR, else "
	  PL_STATE_ROOT "/plumbline-UID, else ~/.cache/plumbline when another user has taken "
	  "that name). An absolute path to a real directory (not a symlink) that belongs to "
	  "the user running the plugin, writable by nobody else, below directories of root or "
	  "that user that nobody else can write to (sticky ones like /tmp excepted). Neither "
	  "this option nor $PLUMBLINE_STATE_DIR is taken in privileged runs (setuid, file "
	  "capabilities, sudo, pkexec).", PL_OPT_NOKEY },
	{ "state-key", OPT_STATEKEY, PL_ARG, "KEY",
	  "Name of this check's state (letters, digits, '.', '_', '-'). By default a hash of "
	  "what the check measures (its devices, mounts, include and exclude rules), so checks "
	  "of different things never share counters, while a change of thresholds, output "
	  "form, verbosity or timeout keeps them.",
	  PL_OPT_NOKEY },
	{ "interval", OPT_INTERVAL, PL_ARG, "SECONDS",
	  "When there is no usable reading from an earlier run (first run, reboot, counters "
	  "reset), read the counters twice this far apart (default 0.5, at most 5). 0 reports "
	  "averages since boot instead, and says so.", 0 },
	{ NULL, 0, 0, NULL, NULL, 0 },
};

static const struct pl_option select_opts[] = {
	{ "include", OPT_INCLUDE, PL_ARG, "GLOB",
	  "Take only what matches GLOB (see Selection). Repeatable. Naming something "
	  "explicitly also takes it when the plugin would leave it out by default, and a "
	  "name without wildcards that does not exist is reported.",
	  PL_OPT_SYNOPSIS | PL_OPT_IDENTITY },
	{ "exclude", OPT_EXCLUDE, PL_ARG, "GLOB",
	  "Leave out what matches GLOB. Repeatable; an exclude always wins.", PL_OPT_IDENTITY },
	{ "include-regex", OPT_INCLUDE_RE, PL_ARG, "ERE",
	  "Like --include with an extended regular expression, matched anywhere in the name "
	  "unless anchored ('^nvme[0-9]+n1$').", PL_OPT_IDENTITY },
	{ "exclude-regex", OPT_EXCLUDE_RE, PL_ARG, "ERE",
	  "Like --exclude with an extended regular expression.", PL_OPT_IDENTITY },
	{ NULL, 0, 0, NULL, NULL, 0 },
};

static const char thresholds_help[] =
	"A range alerts when the value is outside it: '10' means < 0 or > 10, '10:' < 10, "
	"'~:10' > 10, '10:20' < 10 or > 20, and '@10:20' alerts inside 10..20 (ends "
	"included). Values may carry units: %, B KB MB GB TB (powers of 1024), us ms s min, "
	"B/s KB/s MB/s, bit/s kbit/s Mbit/s Gbit/s (powers of 1000), C (degrees Celsius), "
	"rpm, V mV. -w and -c apply to the "
	"primary metric; --warningx and --criticalx apply to any metric by its perfdata "
	"label. Critical is checked before warning.";

static const struct pl_plugin *cur;   /* the plugin this process runs */
/* --extra-opts: the options point into it until exit. Volatile, so that the store that
 * keeps it reachable (for leak checkers) is not optimised away. */
static char **volatile expanded_argv;
static char state_path[4096];         /* the state directory in use, for messages */
/* The output form asked for, as far as known: read from the arguments before they are
 * parsed, so that every report (usage errors included) is in that form. */
static enum pl_format out_format = PL_FMT_NAGIOS;
static double armed_at;               /* CLOCK_MONOTONIC when the deadline was armed */

static void
write_out(const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(STDOUT_FILENO, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

static const char *
service(void)
{
	return cur ? cur->service : "PLUGIN";
}

static void
usage_line(struct pl_buf *b)
{
	pl_buf_printf(b, "Usage: %s", cur->name);
	pl_opt_synopsis(common_opts, b);
	pl_opt_synopsis(cur->options, b);
	if (cur->selects != NULL)
		pl_opt_synopsis(select_opts, b);
	pl_buf_puts(b, " [options]\n");
}

/* Reports one message as a result of its own, rendered by pl_render() like every other
 * result, so that a failure has the shape of the plugin's normal output in the form
 * asked for (JSON included): the message is a finding (for OK, the summary), and hint
 * lines follow it in the long output, or go into a "usage" field in JSON. The deadline
 * is stopped first: no second report may follow from the timer. */
static void __attribute__((format(printf, 3, 0)))
report(enum pl_state state, bool usage, const char *fmt, va_list ap, struct pl_buf *out)
{
	struct pl_buf msg = PL_BUF_INIT, u = PL_BUF_INIT;
	struct pl_result r;
	bool json = out_format == PL_FMT_JSON;

	pl_timeout_disarm();
	pl_buf_init(&msg, 4096);
	pl_buf_vprintf(&msg, fmt, ap);
	pl_result_init(&r, cur ? cur->name : NULL, service());
	if (state == PL_OK)
		pl_result_summary(&r, "%s", pl_buf_str(&msg));
	else
		pl_result_finding(&r, state, "%s", pl_buf_str(&msg));
	if (usage && cur != NULL) {
		usage_line(&u);
		if (u.len > 0)
			u.data[--u.len] = '\0';   /* its newline */
		if (out_format == PL_FMT_NAGIOS)
			pl_result_line(&r, "%s", pl_buf_str(&u));
		if (!json)
			pl_result_line(&r, "Run '%s --help' for the options.", cur->name);
	}
	pl_buf_init(out, 1 << 16);
	pl_render(&r, out_format, 10, out);
	/* The result has no place for it: the one field added beside the result's own. */
	if (json && usage && cur != NULL && out->len >= 2 &&
	    strcmp(out->data + out->len - 2, "}\n") == 0) {
		out->len -= 2;
		out->data[out->len] = '\0';
		pl_buf_puts(out, ",\"usage\":");
		pl_buf_printf(&u, "; run '%s --help' for the options", cur->name);
		pl_json_string(out, pl_buf_str(&u));
		pl_buf_puts(out, "}\n");
	}
	pl_result_free(&r);
	pl_buf_free(&msg);
	pl_buf_free(&u);
}

void
pl_die(enum pl_state state, const char *fmt, ...)
{
	struct pl_buf out = PL_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	report(state, false, fmt, ap, &out);
	va_end(ap);
	write_out(out.data, out.len);
	exit(state);
}

void
pl_usage_die(const char *fmt, ...)
{
	struct pl_buf out = PL_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	report(PL_UNKNOWN, true, fmt, ap, &out);
	va_end(ap);
	write_out(out.data, out.len);
	exit(PL_UNKNOWN);
}

void
pl_debug(const struct pl_common *c, int level, const char *fmt, ...)
{
	va_list ap;

	if (c->verbose < level)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "%s: ", cur ? cur->name : "plumbline");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static void __attribute__((noreturn))
help(const struct pl_plugin *p)
{
	struct pl_buf b = PL_BUF_INIT;

	pl_buf_printf(&b, "%s %s - %s\n\n", p->name, PACKAGE_VERSION, p->purpose);
	usage_line(&b);
	pl_buf_putc(&b, '\n');
	pl_wrap(&b, p->description, 0, 79);
	if (p->options[0].name != NULL || p->selects != NULL) {
		pl_buf_puts(&b, "\nOptions:\n");
		pl_opt_help(p->options, &b);
		if (p->selects != NULL)
			pl_opt_help(select_opts, &b);
	}
	if (p->selects != NULL) {
		pl_buf_puts(&b, "\nSelection:\n");
		pl_wrap(&b, p->selects, 2, 79);
	}
	pl_buf_puts(&b, "\nMetrics (perfdata labels; thresholds can name any of them):\n");
	pl_wrap(&b, p->metrics, 2, 79);
	if (p->primary != NULL) {
		pl_buf_printf(&b, "  The primary metric, for -w and -c, is '%s'", p->primary[0]);
		for (size_t i = 1; p->primary[i] != NULL; i++)
			pl_buf_printf(&b, " (or '%s' for a range with units)", p->primary[i]);
		pl_buf_puts(&b, ".\n");
	}
	pl_buf_puts(&b, "\nThresholds:\n");
	pl_wrap(&b, thresholds_help, 2, 79);
	pl_buf_puts(&b, "\nCommon options:\n");
	pl_opt_help(common_opts, &b);
	if (p->uses_state)
		pl_opt_help(state_opts, &b);
	if (p->examples != NULL) {
		pl_buf_puts(&b, "\nExamples:\n");
		pl_buf_puts(&b, p->examples);
	}
	pl_buf_puts(&b, "\nExit codes:\n");
	pl_wrap(&b, "0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also for --help, --version and "
		"usage errors). Every result, usage errors and timeouts included, is in the "
		"--output-format asked for; --help and --version are always text.", 2, 79);
	write_out(b.data, b.len);
	exit(PL_UNKNOWN);
}

/* Troff-escapes text for a man page: backslashes, and hyphens that are minus signs in
 * option names; a line may not start with '.' or '\''. */
static void
man_text(struct pl_buf *b, const char *t)
{
	bool bol = true;

	for (; *t; t++) {
		if (bol && (*t == '.' || *t == '\''))
			pl_buf_puts(b, "\\&");
		if (*t == '\\')
			pl_buf_puts(b, "\\e");
		else if (*t == '-')
			pl_buf_puts(b, "\\-");
		else
			pl_buf_putc(b, *t);
		bol = *t == '\n';
	}
}

static void
man_options(struct pl_buf *b, const struct pl_option *opts)
{
	for (const struct pl_option *o = opts; o->name != NULL; o++) {
		pl_buf_puts(b, ".TP\n\\fB");
		if (o->key > 0 && o->key < 256)
			pl_buf_printf(b, "\\-%c\\fR, \\fB", o->key);
		pl_buf_puts(b, "\\-\\-");
		man_text(b, o->name);
		pl_buf_puts(b, "\\fR");
		if (o->has_arg != PL_NOARG) {
			pl_buf_puts(b, o->has_arg == PL_OPTARG ? "[=\\fI" : "=\\fI");
			man_text(b, o->arg);
			pl_buf_puts(b, o->has_arg == PL_OPTARG ? "\\fR]" : "\\fR");
		}
		pl_buf_putc(b, '\n');
		man_text(b, o->help);
		pl_buf_putc(b, '\n');
	}
}

/* The man page, from the same tables as --help, so that the two cannot disagree. */
static void __attribute__((noreturn))
man(const struct pl_plugin *p)
{
	struct pl_buf b = PL_BUF_INIT;

	pl_buf_printf(&b, ".TH %s 1 \"\" \"Plumbline %s\" \"Plumbline\"\n.SH NAME\n", p->name,
		      PACKAGE_VERSION);
	man_text(&b, p->name);
	pl_buf_puts(&b, " \\- ");
	man_text(&b, p->purpose);
	pl_buf_puts(&b, "\n.SH SYNOPSIS\n");
	{
		struct pl_buf u = PL_BUF_INIT;

		usage_line(&u);
		man_text(&b, pl_buf_str(&u) + strlen("Usage: "));
		pl_buf_free(&u);
	}
	pl_buf_puts(&b, ".SH DESCRIPTION\n");
	for (const char *d = p->description; *d; d++) {
		if (*d == '\n') {
			pl_buf_puts(&b, "\n.PP\n");
			continue;
		}
		{
			char one[2] = { *d, '\0' };

			man_text(&b, one);
		}
	}
	if (p->options[0].name != NULL || p->selects != NULL) {
		pl_buf_puts(&b, "\n.SH OPTIONS\n");
		man_options(&b, p->options);
		if (p->selects != NULL) {
			man_options(&b, select_opts);
			pl_buf_puts(&b, ".SH SELECTION\n");
			man_text(&b, p->selects);
			pl_buf_putc(&b, '\n');
		}
	}
	pl_buf_puts(&b, ".SH METRICS\n");
	man_text(&b, p->metrics);
	if (p->primary != NULL) {
		pl_buf_puts(&b, "\n.PP\nThe primary metric, for \\fB\\-w\\fR and \\fB\\-c\\fR, is ");
		man_text(&b, p->primary[0]);
		pl_buf_puts(&b, ".");
	}
	pl_buf_puts(&b, "\n.SH THRESHOLDS\n");
	man_text(&b, thresholds_help);
	pl_buf_puts(&b, "\n.SH COMMON OPTIONS\n");
	man_options(&b, common_opts);
	if (p->uses_state)
		man_options(&b, state_opts);
	if (p->examples != NULL) {
		pl_buf_puts(&b, ".SH EXAMPLES\n.nf\n");
		man_text(&b, p->examples);
		pl_buf_puts(&b, ".fi\n");
	}
	pl_buf_puts(&b, ".SH EXIT STATUS\n0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also for "
		     "\\fB\\-\\-help\\fR, \\fB\\-\\-version\\fR and usage errors).\n"
		     ".SH SEE ALSO\nThe Plumbline README; the Monitoring Plugins development guidelines.\n");
	write_out(b.data, b.len);
	exit(PL_UNKNOWN);
}

/* --extra-opts: the new argument vector being built. */
struct argv_build {
	char **v;
	int n, cap;
};

static int
argv_push(struct argv_build *a, char *s)
{
	if (s == NULL)
		return -1;
	if (a->n + 2 > a->cap) {
		int ncap = a->cap ? a->cap * 2 : 32;
		char **v = realloc(a->v, (size_t)ncap * sizeof(*v));

		if (v == NULL)
			return -1;
		a->v = v;
		a->cap = ncap;
	}
	a->v[a->n++] = s;
	a->v[a->n] = NULL;
	return 0;
}

static int
ini_option(void *ctx, const char *key, const char *value, char *err, size_t errlen)
{
	struct pl_buf b = PL_BUF_INIT;

	if (strcmp(key, "extra-opts") == 0) {
		pl_snprintf(err, errlen, "extra-opts cannot be used inside an option file");
		return -1;
	}
	if (value != NULL)
		pl_buf_printf(&b, "--%s=%s", key, value);
	else
		pl_buf_printf(&b, "--%s", key);
	if (argv_push(ctx, b.data) != 0) {
		pl_snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

static void
load_extra_opts(const struct pl_plugin *p, const char *spec, struct argv_build *a)
{
	static const char *const defaults[] = {
		PL_SYSCONFDIR "/plumbline/plumbline.ini", NULL,
	};
	char section[128], err[512];
	const char *file = NULL, *at;
	struct pl_buf buf = PL_BUF_INIT;
	struct stat st;
	int rc, fd;

	at = spec ? strchr(spec, '@') : NULL;
	if (spec == NULL || spec == at || spec[0] == '\0')
		pl_strlcpy(section, p->name, sizeof(section));
	else
		pl_snprintf(section, sizeof(section), "%.*s",
			    (int)(at ? (size_t)(at - spec) : strlen(spec)), spec);
	if (at != NULL)
		file = at + 1;
	for (size_t i = 0; file == NULL && defaults[i] != NULL; i++)
		if (access(defaults[i], F_OK) == 0)
			file = defaults[i];
	if (file == NULL)
		pl_usage_die("--extra-opts: no option file found (looked for %s); name one with --extra-opts=@FILE (one word)",
			     defaults[0]);
	/* Whoever can write this file decides what the check does (a threshold, a timeout
	 * state, a root to read from): it must be a regular file of root or of the user
	 * running the check, writable by nobody else. It is opened once, without following
	 * a symlink or blocking on a FIFO, and read through that same descriptor. */
	fd = open(file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		pl_usage_die("--extra-opts: cannot read %s: %s", file, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		pl_usage_die("--extra-opts: %s is not a regular file", file);
	if (st.st_uid != 0 && st.st_uid != geteuid())
		pl_usage_die("--extra-opts: %s belongs to uid %lu, not to root or the user running the check (chown it)",
			     file, (unsigned long)st.st_uid);
	if (st.st_mode & 022)
		pl_usage_die("--extra-opts: %s is writable by group or others; they could change this check's options (chmod go-w %s)",
			     file, file);
	buf.cap = 1 << 20;
	for (;;) {
		char chunk[8192];
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			pl_usage_die("--extra-opts: cannot read %s: %s", file, strerror(errno));
		if (n == 0)
			break;
		if (pl_buf_add(&buf, chunk, (size_t)n) != 0)
			pl_usage_die("--extra-opts: %s is larger than 1 MiB", file);
	}
	close(fd);
	rc = pl_ini_parse(pl_buf_str(&buf), buf.len, section, ini_option, a, err, sizeof(err));
	if (rc < 0)
		pl_usage_die("--extra-opts: %s: %s", file, err);
	if (rc == 0)
		pl_usage_die("--extra-opts: %s has no section [%s] or it is empty", file, section);
	pl_buf_free(&buf);
}

/* Builds argv with each --extra-opts replaced by the options it names. */
static char **
expand_argv(const struct pl_plugin *p, int argc, char **argv, int *newargc)
{
	struct argv_build a = { NULL, 0, 0 };
	bool any = false;

	for (int i = 1; i < argc; i++)
		if (strncmp(argv[i], "--extra-opts", 12) == 0 &&
		    (argv[i][12] == '\0' || argv[i][12] == '='))
			any = true;
	if (!any) {
		*newargc = argc;
		return argv;
	}
	if (argv_push(&a, argv[0]) != 0)
		pl_die(PL_UNKNOWN, "out of memory");
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strncmp(argv[i], "--extra-opts", 12) == 0 &&
		    (argv[i][12] == '\0' || argv[i][12] == '='))
			load_extra_opts(p, argv[i][12] == '=' ? argv[i] + 13 : NULL, &a);
	}
	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], "--extra-opts", 12) == 0 &&
		    (argv[i][12] == '\0' || argv[i][12] == '='))
			continue;
		if (argv_push(&a, argv[i]) != 0)
			pl_die(PL_UNKNOWN, "out of memory");
	}
	*newargc = a.n;
	expanded_argv = a.v;
	return a.v;
}

/* The length of "--name" in "--name=value": messages name an option, never its value,
 * which may be a secret from an option file. */
static int
opt_name_len(const char *arg)
{
	size_t n = strcspn(arg, "=");

	return n > 64 ? 64 : (int)n;
}

static const struct pl_option *
find_opt(const struct pl_option *const *tables, int key)
{
	for (size_t t = 0; tables[t] != NULL; t++)
		for (const struct pl_option *o = tables[t]; o->name != NULL; o++)
			if (o->key == key)
				return o;
	return NULL;
}

static int
parse_timeout(const char *arg, struct pl_common *c)
{
	char num[64];
	const char *colon = strchr(arg, ':');
	double t;

	pl_snprintf(num, sizeof(num), "%.*s", (int)(colon ? (size_t)(colon - arg) : strlen(arg)),
		    arg);
	if (pl_parse_double(num, &t) != 0 || t <= 0 || t > 86400)
		return -1;
	if (colon != NULL && pl_state_parse(colon + 1, &c->timeout_state) != 0)
		return -1;
	c->timeout = t;
	return 0;
}

static int
parse_format(const char *arg, enum pl_format *out)
{
	if (strcmp(arg, "nagios") == 0 || strcmp(arg, "multi-line") == 0)
		*out = PL_FMT_NAGIOS;
	else if (strcmp(arg, "one-line") == 0 || strcmp(arg, "oneline") == 0)
		*out = PL_FMT_ONELINE;
	else if (strcmp(arg, "json") == 0)
		*out = PL_FMT_JSON;
	else
		return -1;
	return 0;
}

/* The --output-format the arguments ask for, read before they are parsed: a usage error
 * may come from the first option and must already be in that form. getopt_long runs
 * over a copy of argv with the real tables, so abbreviations, clusters of short options
 * and option arguments are read exactly as the real pass reads them; errors are left to
 * that pass. A malformed or missing value anywhere means the nagios form, in which the error about
 * it is reported. Sets the form for pl_die, pl_usage_die and the deadline. */
static void
scan_format(int argc, char **argv, const char *shortopts, const struct option *lopts)
{
	enum pl_format f = PL_FMT_NAGIOS, one;
	bool bad = false;
	char **v = calloc((size_t)argc + 1, sizeof(*v));
	int opt;

	if (v == NULL)
		pl_die(PL_UNKNOWN, "out of memory");
	memcpy(v, argv, (size_t)argc * sizeof(*v));
	opterr = 0;
	optind = 0;
	while ((opt = getopt_long(argc, v, shortopts, lopts, NULL)) != -1) {
		if (opt == ':' && optopt == OPT_FORMAT)
			bad = true;
		if (opt != OPT_FORMAT)
			continue;
		if (parse_format(optarg, &one) == 0)
			f = one;
		else
			bad = true;
	}
	free(v);
	out_format = bad ? PL_FMT_NAGIOS : f;
	pl_timeout_output(out_format, cur->name);
}

static void
common_option(const struct pl_plugin *p, int key, const char *arg, struct pl_common *c)
{
	char err[512];
	uint64_t n;

	switch (key) {
	case 'h':
		help(p);
	case 'V': {
		char v[128];
		int len = pl_snprintf(v, sizeof(v), "%s (Plumbline) %s\n", p->name,
				      PACKAGE_VERSION);

		write_out(v, (size_t)len);
		exit(PL_UNKNOWN);
	}
	case 'v':
		if (c->verbose < 3)
			c->verbose++;
		return;
	case 't':
		if (parse_timeout(arg, c) != 0)
			pl_usage_die("--timeout '%s': give seconds (0 < s <= 86400), optionally with a state: 10 or 10:critical",
				     arg);
		return;
	case 'w':
	case 'c':
	case OPT_WARNX:
	case OPT_CRITX:
		if (pl_thresholds_add(&c->thresholds, key == 'c' || key == OPT_CRITX,
				      key == OPT_WARNX || key == OPT_CRITX, arg, err,
				      sizeof(err)) != 0)
			pl_usage_die("%s: %s",
				     key == 'w' ? "--warning" : key == 'c' ? "--critical" :
				     key == OPT_WARNX ? "--warningx" : "--criticalx", err);
		return;
	case OPT_FORMAT:
		if (parse_format(arg, &c->format) != 0)
			pl_usage_die("--output-format '%s': choose nagios, one-line or json", arg);
		return;
	case OPT_MAXLINES:
		if (pl_parse_u64(arg, 100000, &n) != 0)
			pl_usage_die("--max-lines '%s': give a whole number from 0 to 100000", arg);
		c->max_lines = (size_t)n;
		return;
	case OPT_ROOT:
		if (pl_root_check(arg, err, sizeof(err)) != 0)
			pl_usage_die("%s", err);
		c->root = arg;
		return;
	case OPT_INTERVAL:
		if (pl_parse_double(arg, &c->interval) != 0 || c->interval < 0 || c->interval > 5)
			pl_usage_die("--interval: '%s' is not a number of seconds from 0 to 5", arg);
		return;
	case OPT_INCLUDE:
	case OPT_EXCLUDE:
	case OPT_INCLUDE_RE:
	case OPT_EXCLUDE_RE:
		if (pl_select_add(&c->select, key == OPT_INCLUDE || key == OPT_INCLUDE_RE,
				  key == OPT_INCLUDE_RE || key == OPT_EXCLUDE_RE, arg, err,
				  sizeof(err)) != 0)
			pl_usage_die("--%s: %s", key == OPT_INCLUDE ? "include" :
				     key == OPT_EXCLUDE ? "exclude" : key == OPT_INCLUDE_RE ?
				     "include-regex" : "exclude-regex", err);
		return;
	case OPT_STATEDIR:
		if (arg[0] == '\0')
			pl_usage_die("--state-dir: give a directory");
		if (pl_privileged())
			pl_usage_die("--state-dir cannot be used with privileges (setuid, capabilities, sudo, pkexec): the default directory is used then");
		if (arg[0] != '/')
			pl_usage_die("--state-dir must be an absolute path (starting with '/'): a relative one would depend on the directory the scheduler starts the check in");
		c->state_dir = arg;
		return;
	case OPT_STATEKEY: {
		size_t len = strlen(arg);

		if (len == 0 || len > 64 || strspn(arg, "abcdefghijklmnopqrstuvwxyz"
						      "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != len ||
		    arg[0] == '.')
			pl_usage_die("--state-key '%s': use 1 to 64 letters, digits, '.', '_' or '-', not starting with '.'",
				     arg);
		pl_strlcpy(c->state_key, arg, sizeof(c->state_key));
		return;
	}
	}
}

void
pl_plugin_parse(const struct pl_plugin *p, int argc, char **argv, void *cfg,
		struct pl_common *c)
{
	const struct pl_option *tables[5] = { common_opts, p->options, NULL, NULL, NULL };
	size_t nt = 2;
	struct option *lopts;
	struct pl_buf shortopts = PL_BUF_INIT, keytext = PL_BUF_INIT;
	size_t nopts = 0, k = 0;
	char err[512];
	int opt, nargc;
	char **nargv;

	cur = p;
	memset(c, 0, sizeof(*c));
	c->timeout = 10;
	c->timeout_state = PL_UNKNOWN;
	c->max_lines = 30;
	c->interval = 0.5;
	if (p->uses_state)
		tables[nt++] = state_opts;
	if (p->selects != NULL)
		tables[nt++] = select_opts;

	/* The build makes the man page with "--man"; it is not an option an admin needs. */
	if (argc == 2 && strcmp(argv[1], "--man") == 0)
		man(p);
	for (size_t t = 0; tables[t] != NULL; t++)
		for (const struct pl_option *o = tables[t]; o->name != NULL; o++)
			nopts++;
	lopts = calloc(nopts + 1, sizeof(*lopts));
	if (lopts == NULL)
		pl_die(PL_UNKNOWN, "out of memory");
	pl_buf_putc(&shortopts, ':');
	for (size_t t = 0; tables[t] != NULL; t++) {
		for (const struct pl_option *o = tables[t]; o->name != NULL; o++, k++) {
			lopts[k].name = o->name;
			lopts[k].has_arg = o->has_arg == PL_ARG ? required_argument :
				o->has_arg == PL_OPTARG ? optional_argument : no_argument;
			lopts[k].val = o->key;
			if (o->key > 0 && o->key < 256) {
				pl_buf_putc(&shortopts, (char)o->key);
				if (o->has_arg == PL_ARG)
					pl_buf_putc(&shortopts, ':');
			}
		}
	}
	/* The form is known before anything can fail: from the command line for the option
	 * file's errors, then from both (the file's options come first, so the command
	 * line's win). */
	scan_format(argc, argv, pl_buf_str(&shortopts), lopts);
	/* The option file may sit on a hung mount: the default deadline covers reading it,
	 * and pl_plugin_arm() sets the one the options ask for. */
	pl_timeout_arm(c->timeout, c->timeout_state, p->service);
	pl_timeout_waiting("reading the --extra-opts file");
	nargv = expand_argv(p, argc, argv, &nargc);
	pl_timeout_disarm();
	if (nargv != argv)
		scan_format(nargc, nargv, pl_buf_str(&shortopts), lopts);
	pl_buf_puts(&keytext, p->name);
	opterr = 0;
	optind = 0;
	while ((opt = getopt_long(nargc, nargv, pl_buf_str(&shortopts), lopts, NULL)) != -1) {
		const struct pl_option *o;

		if (opt == '?') {
			if (optopt > 0 && optopt < 256)
				pl_usage_die("unknown option -%c", optopt);
			pl_usage_die("unknown option '%.*s'", opt_name_len(nargv[optind - 1]),
				     nargv[optind - 1]);
		}
		if (opt == ':')
			pl_usage_die("option '%s' needs an argument", nargv[optind - 1]);
		o = find_opt(tables, opt);
		if (o == NULL)
			pl_usage_die("unknown option '%.*s'", opt_name_len(nargv[optind - 1]),
				     nargv[optind - 1]);
		/* Every "--extra-opts" was expanded before; one that reaches getopt is an
		 * abbreviation, which would otherwise be accepted and its file ignored. */
		if (o->key == OPT_EXTRA)
			pl_usage_die("write --extra-opts in full (abbreviations are not read)");
		/* The default key: what is measured, never how it is judged or shown. */
		if (o->flags & PL_OPT_IDENTITY)
			pl_buf_printf(&keytext, "%c--%s=%s", '\0', o->name, optarg ? optarg : "");
		if (o->key >= OPT_WARNX || (o >= common_opts && o < common_opts +
					     sizeof(common_opts) / sizeof(common_opts[0])))
			common_option(p, opt, optarg, c);
		else if (p->handle(cfg, opt, optarg, err, sizeof(err)) != 0)
			pl_usage_die("--%s: %s", o->name, err);
	}
	if (optind < nargc)
		pl_usage_die("unexpected argument '%s' (%s takes only options)", nargv[optind],
			     p->name);
	if (c->state_key[0] == '\0')
		pl_store_key_hash(pl_buf_str(&keytext), keytext.len, c->state_key,
				  sizeof(c->state_key));
	pl_buf_free(&shortopts);
	pl_buf_free(&keytext);
	free(lopts);
}

void
pl_plugin_arm(const struct pl_common *c)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	armed_at = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	pl_timeout_arm(c->timeout, c->timeout_state, service());
}

void
pl_exit(struct pl_result *r, struct pl_common *c)
{
	struct pl_buf out = PL_BUF_INIT;
	char err[512];
	enum pl_state st;

	pl_timeout_waiting("evaluating thresholds");
	if (pl_result_apply(r, &c->thresholds, cur ? cur->primary : NULL, err, sizeof(err)) != 0)
		pl_usage_die("%s", err);
	pl_timeout_disarm();
	pl_buf_init(&out, 4 << 20);
	pl_render(r, c->format, c->max_lines, &out);
	st = pl_result_state(r);
	write_out(pl_buf_str(&out), out.len);
	pl_buf_free(&out);
	pl_result_free(r);
	pl_thresholds_free(&c->thresholds);
	pl_select_free(&c->select);
	exit(st);
}

/* Seconds left before the deadline armed by pl_plugin_arm() (the whole --timeout when
 * it was not armed yet). */
static double
time_left(const struct pl_common *c)
{
	struct timespec ts;
	double left;

	if (armed_at == 0)
		return c->timeout;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	left = c->timeout - ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9 - armed_at);
	return left > 0 ? left : 0;
}

enum pl_store_status
pl_plugin_store_load(const struct pl_common *c, struct pl_store *st)
{
	char path[4096], err[1024], boot[64];
	enum pl_store_status rc;
	double wait;

	pl_store_init(st, cur->name, c->state_key);
	pl_timeout_waiting("opening the state directory");
	if (c->state_dir == NULL && pl_privileged() && getenv("PLUMBLINE_STATE_DIR") != NULL)
		pl_debug(c, 1, "PLUMBLINE_STATE_DIR ignored: a privileged run takes the default state directory");
	st->dirfd = pl_store_dir_open(c->state_dir, path, sizeof(path), err, sizeof(err));
	if (st->dirfd < 0)
		pl_die(PL_UNKNOWN, "%s", err);
	pl_strlcpy(state_path, path, sizeof(state_path));
	/* One run at a time from load to save, so that two runs never both take the same
	 * interval (or, for a cursor, the same lines). A run holds it for milliseconds;
	 * one that waited most of its deadline gives up with the timeout's state. */
	pl_timeout_waiting("waiting for the lock on the state file (another run of this check holds it)");
	wait = time_left(c) * 0.75;
	st->lockfd = pl_store_lock(st->dirfd, st, wait, err, sizeof(err));
	if (st->lockfd < 0 && errno == EWOULDBLOCK)
		pl_die(c->timeout_state, "%s in %s; is a run of it hung?", err, path);
	/* A directory this user cannot write to: no save will follow either, and the save
	 * says what is wrong, after the figures. */
	if (st->lockfd < 0)
		pl_debug(c, 1, "%s: going on without the lock", err);
	pl_boot_id(c->root, boot, sizeof(boot));
	pl_timeout_waiting("reading the state file");
	/* A file too big to read in half the time left is dropped and replaced, never a
	 * wedge that times out every run before the save that would mend it. */
	rc = pl_store_load(st->dirfd, st, boot, time_left(c) * 0.5, err, sizeof(err));
	pl_debug(c, 1, "state %s/%s-%s.state: %s", path, cur->name, c->state_key,
		 rc == PL_STORE_LOADED ? "loaded" : err);
	return rc;
}

void
pl_plugin_store_close(struct pl_store *st)
{
	if (st->lockfd >= 0)
		close(st->lockfd);
	if (st->dirfd >= 0)
		close(st->dirfd);
	st->lockfd = st->dirfd = -1;
}

void
pl_plugin_store_save(const struct pl_common *c, struct pl_store *st, struct pl_result *r)
{
	char err[1024];

	pl_boot_id(c->root, st->boot_id, sizeof(st->boot_id));
	pl_timeout_waiting("writing the state file");
	if (pl_store_save(st->dirfd, st, err, sizeof(err)) != 0)
		pl_result_finding(r, PL_UNKNOWN,
				  "%s in %s; the next run cannot compute rates (make it writable by this user or set --state-dir)",
				  err, state_path);
	pl_plugin_store_close(st);
}
