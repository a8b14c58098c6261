#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pl_buf.h"
#include "pl_deadline.h"
#include "pl_file.h"
#include "pl_i18n.h"
#include "pl_ini.h"
#include "pl_num.h"
#include "pl_plugin.h"
#include "pl_plugin_int.h"
#include "pl_timeout.h"

static int opt_threshold(void *, const struct pl_option *, const char *, char *, size_t);
static int opt_timeout(void *, const struct pl_option *, const char *, char *, size_t);
static int opt_root(void *, const struct pl_option *, const char *, char *, size_t);
static int opt_help(void *, const struct pl_option *, const char *, char *, size_t);
static int opt_version(void *, const struct pl_option *, const char *, char *, size_t);
static int opt_extra(void *, const struct pl_option *, const char *, char *, size_t);
static int opt_state_dir(void *, const struct pl_option *, const char *, char *, size_t);
static int opt_state_key(void *, const struct pl_option *, const char *, char *, size_t);
static int opt_select(void *, const struct pl_option *, const char *, char *, size_t);
static int opt_language(void *, const struct pl_option *, const char *, char *, size_t);

static const struct pl_choice formats[] = {
	{ "nagios", PL_FMT_NAGIOS, false }, { "one-line", PL_FMT_ONELINE, false },
	{ "json", PL_FMT_JSON, false },
	{ "multi-line", PL_FMT_NAGIOS, true }, { "oneline", PL_FMT_ONELINE, true },
	{ NULL, 0, false },
};

static const struct pl_choice perf_unknown[] = {
	{ "omit", 0, false }, { "U", 1, false }, { NULL, 0, false },
};

static const struct pl_option common_opts[] = {
	{ .name = "warning", .letter = 'w', .type = PL_OPT_STRING, .arg = "RANGE",
	  .fn = opt_threshold, .flags = PL_OPT_SYNOPSIS,
	  .help = N_("Warning range for the primary metric (see Thresholds below).") },
	{ .name = "critical", .letter = 'c', .type = PL_OPT_STRING, .arg = "RANGE",
	  .fn = opt_threshold, .flags = PL_OPT_SYNOPSIS,
	  .help = N_("Critical range for the primary metric.") },
	{ .name = "warningx", .type = PL_OPT_STRING, .arg = "LABEL=RANGE", .fn = opt_threshold,
	  .flags = PL_OPT_SYNOPSIS | PL_OPT_REPEAT,
	  .help = N_("Warning range for every metric whose perfdata label matches LABEL, a glob "
		  "('iowait=~:20', 'cpu*_busy=95'); a later match wins.") },
	{ .name = "criticalx", .type = PL_OPT_STRING, .arg = "LABEL=RANGE", .fn = opt_threshold,
	  .flags = PL_OPT_SYNOPSIS | PL_OPT_REPEAT,
	  .help = N_("Critical range for metrics matching LABEL.") },
	{ .name = "timeout", .letter = 't', .type = PL_OPT_DURATION, .arg = "SECONDS[:STATE]",
	  .min = 0.001, .max = 86400, .fn = opt_timeout,
	  .help = N_("Give up after SECONDS (default 10) and exit with STATE (default unknown; or "
		  "ok, warning, critical), saying what the plugin was waiting for. A later -t "
		  "replaces an earlier one, state included.") },
	{ .name = "output-format", .type = PL_OPT_CHOICE, .arg = "FORMAT", .choices = formats,
	  PL_OPT_AT(struct pl_common, format),
	  .help = N_("nagios (default: status line, long output, perfdata), one-line (all on one "
		  "line, for SMS and chat) or json (for scripts and the daily report).") },
	{ .name = "max-lines", .type = PL_OPT_INT, .min = 0, .max = 100000,
	  PL_OPT_AT(struct pl_common, max_lines),
	  .help = N_("Show at most N lines of long output (default 30); the rest are counted. "
		  "Problems come first, the worst first.") },
	{ .name = "perfdata-unknown", .type = PL_OPT_CHOICE, .arg = "MODE",
	  .choices = perf_unknown, PL_OPT_AT(struct pl_common, perf_unknown),
	  .help = N_("omit (default): a metric without a value this run is left out of the "
		  "perfdata, as many graphers reject 'U'; U: it is printed as U.") },
	{ .name = "one-line-perfdata", .type = PL_OPT_SWITCH,
	  PL_OPT_AT(struct pl_common, oneline_perf),
	  .help = N_("Add the perfdata to --output-format=one-line (left out by default: that "
		  "form is for SMS and chat, at most 1000 bytes).") },
	{ .name = "missing-value-state", .type = PL_OPT_STATE,
	  PL_OPT_AT(struct pl_common, missing_state),
	  .help = N_("State of a threshold on a metric whose value cannot be had for a lasting "
		  "reason (the kernel does not know a link speed): unknown (default), "
		  "critical, warning or ok. The output says how to provide the value.") },
	{ .name = "extra-opts", .type = PL_OPT_OPTIONAL, .arg = "[SECTION][@FILE]",
	  .fn = opt_extra,
	  .help = N_("Read options from SECTION (default: the plugin's name) of an ini file, "
		  "an absolute path (default: @SYSCONFDIR@/plumbline/plumbline.ini). "
		  "Each 'name = value' line is the option --name=value. Keeps secrets and long option sets off "
		  "the command line. Options given on the command line win over the file's.") },
	{ .name = "root", .type = PL_OPT_STRING, .arg = "DIR", .fn = opt_root,
	  .help = N_("Read /proc and /sys below DIR instead of / (for tests with captured trees). "
		  "Refused in setuid programs and under sudo.") },
	{ .name = "language", .type = PL_OPT_STRING, .arg = "LANG", .fn = opt_language,
	  .help = N_("Language of the messages: zh_CN (Simplified Chinese), or C for English "
		     "(default: LC_ALL, LC_MESSAGES or LANG, as gettext reads them, which NRPE "
		     "clears; 'language = zh_CN' in the --extra-opts file sets it for every "
		     "check). The service name, the state word, perfdata, numbers, units and "
		     "JSON keys never change.") },
	{ .name = "verbose", .letter = 'v', .type = PL_OPT_COUNT, .max = 3,
	  PL_OPT_AT(struct pl_common, verbose),
	  .help = N_("More detail on stderr; repeat up to three times.") },
	{ .name = "help", .letter = 'h', .type = PL_OPT_SWITCH, .fn = opt_help,
	  .help = N_("This help, then exit 3 (always text, whatever --output-format says).") },
	{ .name = "version", .letter = 'V', .type = PL_OPT_SWITCH, .fn = opt_version,
	  .help = N_("The version, then exit 3 (always text).") },
	{ .name = NULL },
};

static const struct pl_option state_opts[] = {
	{ .name = "state-dir", .type = PL_OPT_STRING, .arg = "DIR", .fn = opt_state_dir,
	  .help = N_("Where counters are kept between runs (default: $PLUMBLINE_STATE_DIR, else "
		  "@STATE_ROOT@/plumbline-UID, else ~/.cache/plumbline when another user has "
		  "taken that name). An absolute path to a real directory (not a symlink) that "
		  "belongs to the user running the plugin, writable by nobody else, below "
		  "directories of root or that user that nobody else can write to (sticky ones "
		  "like /tmp excepted). Neither this option nor $PLUMBLINE_STATE_DIR is taken in "
		  "privileged runs (setuid, file capabilities, sudo, pkexec).") },
	{ .name = "state-key", .type = PL_OPT_STRING, .arg = "KEY", .fn = opt_state_key,
	  .help = N_("Name of this check's state (letters, digits, '.', '_', '-'). By default a "
		  "hash of what the check measures (its devices, mounts, include and exclude "
		  "rules), so checks of different things never share counters, while a change "
		  "of thresholds, output form, verbosity or timeout keeps them.") },
	{ .name = NULL },
};

/* For a plugin whose state has counters to sample (not pl_plugin.no_interval). */
static const struct pl_option interval_opts[] = {
	{ .name = "interval", .type = PL_OPT_DURATION, .arg = "SECONDS", .min = 0, .max = 5,
	  PL_OPT_AT(struct pl_common, interval),
	  .help = N_("When there is no usable reading from an earlier run (first run, reboot, "
		  "counters reset), read the counters twice this far apart (default 0.5). 0 "
		  "reports averages since boot instead, and says so.") },
	{ .name = NULL },
};

static const struct pl_option select_opts[] = {
	{ .name = "include", .type = PL_OPT_STRING, .arg = "GLOB", .fn = opt_select,
	  .flags = PL_OPT_SYNOPSIS | PL_OPT_REPEAT | PL_OPT_IDENTITY,
	  .help = N_("Take only what matches GLOB (see Selection). Naming something explicitly "
		  "also takes it when the plugin would leave it out by default, and a name "
		  "without wildcards that does not exist is reported.") },
	{ .name = "exclude", .type = PL_OPT_STRING, .arg = "GLOB", .fn = opt_select,
	  .flags = PL_OPT_REPEAT | PL_OPT_IDENTITY,
	  .help = N_("Leave out what matches GLOB; an exclude always wins.") },
	{ .name = "include-regex", .type = PL_OPT_STRING, .arg = "ERE", .fn = opt_select,
	  .flags = PL_OPT_REPEAT | PL_OPT_IDENTITY,
	  .help = N_("Like --include with an extended regular expression, matched anywhere in "
		  "the name unless anchored ('^nvme[0-9]+n1$').") },
	{ .name = "exclude-regex", .type = PL_OPT_STRING, .arg = "ERE", .fn = opt_select,
	  .flags = PL_OPT_REPEAT | PL_OPT_IDENTITY,
	  .help = N_("Like --exclude with an extended regular expression.") },
	{ .name = NULL },
};

/* Marked for translation; --help prints pl_tr() of it, the man page the English. */
static const char thresholds_help[] =
	N_("A range alerts when the value is outside it: '10' means < 0 or > 10, '10:' < 10, "
	"'~:10' > 10, '10:20' < 10 or > 20, and '@10:20' alerts inside 10..20 (ends "
	"included). Values may carry units: %, B KB MB GB TB (powers of 1024), us ms s min, "
	"B/s KB/s MB/s, bit/s kbit/s Mbit/s Gbit/s (powers of 1000), C (degrees Celsius), "
	"rpm, V mV. -w and -c apply to the "
	"primary metric; --warningx and --criticalx apply to any metric by its perfdata "
	"label. Critical is checked before warning.");

static const struct pl_plugin *cur;   /* the plugin this process runs */
/* What the default state key is a hash of, for a plugin with state and no --state-key. */
static struct pl_buf key_text = PL_BUF_INIT;
/* The parse of this process: option values from files point into it until exit. */
static struct pl_opt_parser parser;
/* The output form asked for, as far as known: read from the arguments before they are
 * parsed, so that every report (usage errors included) is in that form. */
static enum pl_format out_format = PL_FMT_NAGIOS;
static bool argv_format;              /* the command line names one: it wins */

static const char *
service(void)
{
	return cur ? cur->service : "PLUGIN";
}

static void
usage_line(struct pl_buf *b)
{
	pl_buf_printf(b, _("Usage: %s"), cur->name);
	pl_opt_synopsis(common_opts, b);
	pl_opt_synopsis(cur->options, b);
	if (cur->selects != NULL)
		pl_opt_synopsis(select_opts, b);
	pl_buf_puts(b, _(" [options]\n"));
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
			pl_result_line(&r, _("Run '%s --help' for the options."), cur->name);
		else
			pl_result_usage(&r, _("%s; run '%s --help' for the options"),
					pl_buf_str(&u), cur->name);
	}
	pl_buf_init(out, 1 << 16);
	pl_render(&r, out_format, 10, out);
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
	pl_timeout_last_word();
	pl_write_all(STDOUT_FILENO, out.data, out.len);
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
	pl_write_all(STDOUT_FILENO, out.data, out.len);
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

	pl_buf_printf(&b, "%s %s - %s\n\n", p->name, PACKAGE_VERSION, pl_tr(p->purpose));
	usage_line(&b);
	pl_buf_putc(&b, '\n');
	pl_wrap(&b, pl_tr(p->description), 0, 79);
	if (p->options[0].name != NULL || p->selects != NULL) {
		pl_buf_puts(&b, _("\nOptions:\n"));
		pl_opt_help(p->options, &b);
		if (p->selects != NULL)
			pl_opt_help(select_opts, &b);
	}
	if (p->selects != NULL) {
		pl_buf_puts(&b, _("\nSelection:\n"));
		pl_wrap(&b, pl_tr(p->selects), 2, 79);
	}
	/* A program without a metrics text (none of ours yet) gets no such section. */
	if (p->metrics != NULL) {
		pl_buf_puts(&b, _("\nMetrics (perfdata labels; thresholds can name any of "
				  "them):\n"));
		pl_wrap(&b, pl_tr(p->metrics), 2, 79);
	}
	if (p->primary_help != NULL) {
		pl_wrap(&b, pl_tr(p->primary_help), 2, 79);
	} else if (p->primary != NULL) {
		pl_buf_printf(&b, _("  The primary metric, for -w and -c, is '%s'"), p->primary[0]);
		for (size_t i = 1; p->primary[i] != NULL; i++)
			pl_buf_printf(&b, _(" (or '%s' for a range with units)"), p->primary[i]);
		pl_buf_puts(&b, _(".\n"));
	}
	pl_buf_puts(&b, _("\nThresholds:\n"));
	pl_wrap(&b, pl_tr(thresholds_help), 2, 79);
	pl_buf_puts(&b, _("\nCommon options:\n"));
	pl_opt_help(common_opts, &b);
	if (p->uses_state)
		pl_opt_help(state_opts, &b);
	if (p->uses_state && !p->no_interval)
		pl_opt_help(interval_opts, &b);
	if (p->examples != NULL) {
		pl_buf_puts(&b, _("\nExamples:\n"));
		pl_buf_puts(&b, pl_tr(p->examples));
	}
	pl_buf_puts(&b, _("\nExit codes:\n"));
	pl_wrap(&b, _("0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also for --help, --version and "
		"usage errors). Every result, usage errors and timeouts included, is in the "
		"--output-format asked for; --help and --version are always text."), 2, 79);
	pl_write_all(STDOUT_FILENO, b.data, b.len);
	exit(PL_UNKNOWN);
}

/* The man page, from the same tables as --help, so that the two cannot disagree. */
static void __attribute__((noreturn))
man(const struct pl_plugin *p)
{
	struct pl_buf b = PL_BUF_INIT;

	pl_buf_printf(&b, ".TH %s 1 \"\" \"Plumbline %s\" \"Plumbline\"\n.SH NAME\n", p->name,
		      PACKAGE_VERSION);
	pl_man_text(&b, p->name, NULL);
	pl_buf_puts(&b, " \\- ");
	pl_man_text(&b, p->purpose, NULL);
	pl_buf_puts(&b, "\n.SH SYNOPSIS\n");
	{
		struct pl_buf u = PL_BUF_INIT;

		usage_line(&u);
		pl_man_text(&b, pl_buf_str(&u) + strlen("Usage: "), NULL);
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

			pl_man_text(&b, one, NULL);
		}
	}
	if (p->options[0].name != NULL || p->selects != NULL) {
		pl_buf_puts(&b, "\n.SH OPTIONS\n");
		pl_man_options(&b, p->options);
		if (p->selects != NULL) {
			pl_man_options(&b, select_opts);
			pl_buf_puts(&b, ".SH SELECTION\n");
			pl_man_text(&b, p->selects, NULL);
			pl_buf_putc(&b, '\n');
		}
	}
	if (p->metrics != NULL) {
		pl_buf_puts(&b, ".SH METRICS\n");
		pl_man_text(&b, p->metrics, NULL);
	}
	if (p->primary_help != NULL) {
		pl_buf_puts(&b, "\n.PP\n");
		pl_man_text(&b, p->primary_help, NULL);
	} else if (p->primary != NULL) {
		pl_buf_puts(&b, "\n.PP\nThe primary metric, for \\fB\\-w\\fR and \\fB\\-c\\fR, is ");
		pl_man_text(&b, p->primary[0], NULL);
		pl_buf_puts(&b, ".");
	}
	pl_buf_puts(&b, "\n.SH THRESHOLDS\n");
	pl_man_text(&b, thresholds_help, NULL);
	pl_buf_puts(&b, "\n.SH COMMON OPTIONS\n");
	pl_man_options(&b, common_opts);
	if (p->uses_state)
		pl_man_options(&b, state_opts);
	if (p->uses_state && !p->no_interval)
		pl_man_options(&b, interval_opts);
	if (p->examples != NULL) {
		pl_buf_puts(&b, ".SH EXAMPLES\n.nf\n");
		pl_man_text(&b, p->examples, NULL);
		pl_buf_puts(&b, ".fi\n");
	}
	pl_buf_puts(&b, ".SH EXIT STATUS\n0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also for "
		     "\\fB\\-\\-help\\fR, \\fB\\-\\-version\\fR and usage errors).\n"
		     ".SH SEE ALSO\nThe Plumbline README; the Monitoring Plugins development guidelines.\n");
	pl_write_all(STDOUT_FILENO, b.data, b.len);
	exit(PL_UNKNOWN);
}

/* ------------------------------------------------------------------ option handlers */

static int
opt_threshold(void *base, const struct pl_option *o, const char *v, char *err, size_t errlen)
{
	struct pl_common *c = base;
	bool labelled = o->letter == 0;
	bool critical = o->letter == 'c' || strcmp(o->name, "criticalx") == 0;
	struct pl_threshold *th;
	char *where;

	if (pl_thresholds_add(&c->thresholds, critical, labelled, v, err, errlen) != 0)
		return -1;
	/* Judged later, against the metrics: those messages name the option and where it
	 * came from, never the range or pattern (it may come from an option file). */
	th = &c->thresholds.v[c->thresholds.n - 1];
	where = strdup(pl_opt_where(&parser));
	if (where == NULL) {
		pl_snprintf(err, errlen, _("out of memory"));
		return -1;
	}
	free(th->text);
	th->text = where;
	return 0;
}

/* SECONDS[:STATE]: the whole timeout, so a later -t without a state has the default. */
static int
opt_timeout(void *base, const struct pl_option *o, const char *v, char *err, size_t errlen)
{
	struct pl_common *c = base;
	const char *colon = strchr(v, ':');
	size_t n = colon ? (size_t)(colon - v) : strlen(v);
	enum pl_state st = PL_UNKNOWN;
	char num[64];
	double t;

	if (colon != NULL && pl_state_parse(colon + 1, &st) != 0) {
		pl_snprintf(err, errlen, _("the state after ':' is not ok, warning, critical or "
			    "unknown (example: 10:critical)"));
		return -1;
	}
	if (n >= sizeof(num)) {
		pl_snprintf(err, errlen, _("not a number of seconds (example: 10 or 10:critical)"));
		return -1;
	}
	memcpy(num, v, n);
	num[n] = '\0';
	if (pl_opt_number(o, num, &t, err, errlen) != 0)
		return -1;
	c->timeout = t;
	c->timeout_state = st;
	return 0;
}

static int
opt_language(void *base, const struct pl_option *o, const char *v, char *err, size_t errlen)
{
	(void)base;
	(void)o;
	return pl_i18n_language(v, err, errlen);
}

static int
opt_root(void *base, const struct pl_option *o, const char *v, char *err, size_t errlen)
{
	struct pl_common *c = base;

	(void)o;
	if (pl_root_check(v, err, errlen) != 0)
		return -1;
	c->root = v;
	return 0;
}

static int
opt_help(void *base, const struct pl_option *o, const char *v, char *err, size_t errlen)
{
	(void)base, (void)o, (void)v, (void)err, (void)errlen;
	help(cur);
}

static int
opt_version(void *base, const struct pl_option *o, const char *v, char *err, size_t errlen)
{
	char line[128];
	int len = pl_snprintf(line, sizeof(line), "%s (Plumbline) %s\n", cur->name,
			      PACKAGE_VERSION);

	(void)base, (void)o, (void)v, (void)err, (void)errlen;
	pl_write_all(STDOUT_FILENO, line, (size_t)len);
	exit(PL_UNKNOWN);
}

/* Every --extra-opts is read before the command line; what reaches the parser is left. */
static int
opt_extra(void *base, const struct pl_option *o, const char *v, char *err, size_t errlen)
{
	(void)base, (void)o, (void)v, (void)err, (void)errlen;
	return 0;
}

static int
opt_state_dir(void *base, const struct pl_option *o, const char *v, char *err, size_t errlen)
{
	struct pl_common *c = base;

	(void)o;
	if (v[0] == '\0') {
		pl_snprintf(err, errlen, _("give a directory"));
		return -1;
	}
	if (pl_privileged()) {
		pl_snprintf(err, errlen, _("cannot be used with privileges (setuid, capabilities, "
			    "sudo, pkexec): the default directory is used then"));
		return -1;
	}
	if (v[0] != '/') {
		pl_snprintf(err, errlen, _("must be an absolute path (starting with '/'): a relative "
			    "one would depend on the directory the scheduler starts the check in"));
		return -1;
	}
	c->state_dir = v;
	return 0;
}

static int
opt_state_key(void *base, const struct pl_option *o, const char *v, char *err, size_t errlen)
{
	struct pl_common *c = base;
	size_t len = strlen(v);

	(void)o;
	if (len == 0 || len > 64 || v[0] == '.' ||
	    strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != len) {
		pl_snprintf(err, errlen, _("use 1 to 64 letters, digits, '.', '_' or '-', not "
			    "starting with '.'"));
		return -1;
	}
	pl_strlcpy(c->state_key, v, sizeof(c->state_key));
	return 0;
}

static int
opt_select(void *base, const struct pl_option *o, const char *v, char *err, size_t errlen)
{
	struct pl_common *c = base;
	bool include = strncmp(o->name, "include", 7) == 0;
	bool regex = strchr(o->name, '-') != NULL;

	return pl_select_add(&c->select, include, regex, v, err, errlen);
}

/* ------------------------------------------------------------------ parsing */

static bool
is_extra_opts(const char *arg)
{
	return strncmp(arg, "--extra-opts", 12) == 0 && (arg[12] == '\0' || arg[12] == '=');
}

/* The output-format an option file's section asks for, read before any of its options
 * is taken, so that an error on any line of the file is already in that form. */
struct file_format {
	const struct pl_option *o;
	int f;
	bool seen;
};

static int
file_format_line(void *ctx, const char *key, const char *value, size_t line, char *err,
		 size_t errlen)
{
	struct file_format *ff = ctx;

	(void)line;
	(void)err;
	(void)errlen;
	if (strcmp(key, "output-format") != 0)
		return 0;
	/* As on the command line: the last one decides, a malformed one means nagios. */
	ff->seen = true;
	if (value == NULL || pl_opt_choice(ff->o, value, &ff->f) != 0)
		ff->f = PL_FMT_NAGIOS;
	return 0;
}

static void
file_format(const char *text, size_t len, const char *section)
{
	struct file_format ff = { NULL, PL_FMT_NAGIOS, false };
	char ignored[256];

	if (argv_format)
		return;
	ff.o = pl_opt_find(parser.tables, parser.ntables, "output-format");
	/* A malformed line is reported by the real parse that follows. */
	pl_ini_parse(text, len, section, file_format_line, &ff, ignored, sizeof(ignored));
	if (ff.seen && ff.o != NULL) {
		out_format = (enum pl_format)ff.f;
		pl_timeout_output(out_format, cur->name);
	}
}

static void
load_extra_opts(const struct pl_plugin *p, const char *spec)
{
	static const char *const defaults[] = {
		PL_SYSCONFDIR "/plumbline/plumbline.ini", NULL,
	};
	char section[128], err[1024];
	const char *file = NULL, *at;
	static const struct pl_file_rules rules = {
		PL_FILE_TRUSTED | PL_FILE_SENSITIVE, (size_t)1 << 20, "this check's options",
	};
	struct pl_buf buf = PL_BUF_INIT;
	int rc;

	at = spec ? strchr(spec, '@') : NULL;
	if (spec == NULL || spec == at || spec[0] == '\0')
		pl_strlcpy(section, p->name, sizeof(section));
	else
		pl_snprintf(section, sizeof(section), "%.*s",
			    (int)(at ? (size_t)(at - spec) : strlen(spec)), spec);
	/* "--extra-opts=/etc/x.ini" names a file, not a section: say how to write it. */
	if (at == NULL && spec != NULL && strchr(spec, '/') != NULL) {
		char shown[256];

		pl_name_str(shown, sizeof(shown), spec);
		pl_usage_die(_("--extra-opts: '%s' is taken as a section name (a section has no '/'); did you mean --extra-opts=@%s?"),
			     shown, shown);
	}
	if (at != NULL)
		file = at + 1;
	for (size_t i = 0; file == NULL && defaults[i] != NULL; i++)
		if (access(defaults[i], F_OK) == 0)
			file = defaults[i];
	if (file == NULL)
		pl_usage_die(_("--extra-opts: no option file found (looked for %s); name one with --extra-opts=@FILE (one word)"),
			     defaults[0]);
	if (file[0] != '/')
		pl_usage_die(_("--extra-opts: the option file must be an absolute path (starting with '/'): a relative one would depend on the directory the scheduler starts the check in"));
	/* Whoever can write this file decides what the check does (a threshold, a timeout
	 * state, a root to read from): it must be a regular file of root or of the user
	 * running the check, writable by nobody else. It is opened once, without following
	 * a symlink or blocking on a FIFO, and read through that same descriptor; it may
	 * hold secrets (zeroed on the way), and a timeout while it is read names it. */
	if (pl_read_trusted(AT_FDCWD, file, &rules, &buf, NULL, err, sizeof(err)) != 0)
		pl_usage_die("--extra-opts: %s", err);
	file_format(pl_buf_str(&buf), buf.len, section);
	/* The file may hold secrets: the parser keeps copies of what it takes, and the
	 * text is zeroed before it is freed. */
	rc = pl_opt_ini(&parser, pl_buf_str(&buf), buf.len, file, section, err, sizeof(err));
	if (buf.data != NULL)
		explicit_bzero(buf.data, buf.size);
	pl_buf_free(&buf);
	if (rc < 0)
		pl_usage_die("%s", err);
	if (rc == 0)
		pl_usage_die(_("--extra-opts: %s has no section [%s] or it is empty"), file, section);
}

/* The --output-format argv asks for, read before anything is taken: a usage error may
 * come from the first option and must already be in that form. The scan reads argv as
 * the real pass does (clusters of short options, values in the next argument) and goes
 * past errors, which are left to that pass. A malformed or missing value means the
 * nagios form, in which the error about it is reported. Returns whether argv has one;
 * sets the form for pl_die, pl_usage_die and the deadline. */
static bool
scan_format(int argc, char **argv)
{
	const struct pl_option *o = pl_opt_find(parser.tables, parser.ntables, "output-format");
	const char *v;
	int f = PL_FMT_NAGIOS;
	bool seen = pl_opt_scan(&parser, argc, argv, is_extra_opts, "output-format", &v) == 1;

	if (seen && (v == NULL || pl_opt_choice(o, v, &f) != 0))
		f = PL_FMT_NAGIOS;
	out_format = (enum pl_format)f;
	pl_timeout_output(out_format, cur->name);
	return seen;
}

/* The language of every message, usage errors included: the environment's, or the
 * --language of the command line, found before anything is parsed (an option file's
 * "language" is applied when the file is read; the command line's is applied again
 * after it, and wins). A malformed one is the real pass's to report. */
static void
scan_language(int argc, char **argv)
{
	const char *v;

	if (pl_opt_scan(&parser, argc, argv, is_extra_opts, "language", &v) == 1 && v != NULL &&
	    pl_i18n_valid(v))
		pl_i18n_init(v);
	else
		pl_i18n_init(NULL);
}

/* The timeout in force while the options are read: t is c with the last -t of argv
 * applied when it has a valid one (its errors are the real pass's to report). */
static void
scan_timeout(int argc, char **argv, const struct pl_common *c, struct pl_common *t)
{
	const struct pl_option *o = pl_opt_find(parser.tables, parser.ntables, "timeout");
	const char *v;
	char err[256];

	*t = *c;
	if (pl_opt_scan(&parser, argc, argv, is_extra_opts, "timeout", &v) == 1 && v != NULL &&
	    opt_timeout(t, o, v, err, sizeof(err)) != 0)
		*t = *c;
}

/* Each option taken, for the state key: the options that are not flagged as changing
 * only the output, with their values (never a secret's). */
static void
key_seen(void *ctx, const struct pl_option *o, const char *value)
{
	struct pl_buf *keytext = ctx;

	/* The default key: what is measured, never how it is judged or shown. */
	if ((o->flags & PL_OPT_IDENTITY) && !(o->flags & PL_OPT_SECRET))
		pl_buf_printf(keytext, "%c--%s=%s", '\0', o->name, value ? value : "");
}

const char *
pl_plugin_late_error(void)
{
	return parser.late_err[0] != '\0' ? parser.late_err : NULL;
}

void
pl_plugin_parse(const struct pl_plugin *p, int argc, char **argv, void *cfg,
		struct pl_common *c)
{
	static struct pl_opt_table tables[5];
	struct pl_buf keytext = PL_BUF_INIT;
	struct pl_common t;
	size_t nt = 0;
	char err[1024];

	cur = p;
	pl_buf_free(&key_text);
	memset(c, 0, sizeof(*c));
	c->timeout = 10;
	c->timeout_state = PL_UNKNOWN;
	c->max_lines = 30;
	c->missing_state = PL_UNKNOWN;
	c->interval = 0.5;
	tables[nt++] = (struct pl_opt_table){ common_opts, c };
	tables[nt++] = (struct pl_opt_table){ p->options, cfg };
	if (p->uses_state)
		tables[nt++] = (struct pl_opt_table){ state_opts, c };
	if (p->uses_state && !p->no_interval)
		tables[nt++] = (struct pl_opt_table){ interval_opts, c };
	if (p->selects != NULL)
		tables[nt++] = (struct pl_opt_table){ select_opts, c };
	pl_opt_init(&parser, tables, nt);
	parser.prog = p->name;
	parser.seen = key_seen;
	parser.seen_ctx = &keytext;

	/* The build makes the man page with "--man"; it is not an option an admin needs. */
	if (argc == 2 && strcmp(argv[1], "--man") == 0)
		man(p);
	pl_buf_puts(&keytext, p->name);
	scan_language(argc, argv);
	/* The form is known before anything can fail: from the command line for the option
	 * file's errors, then the file's unless the command line has one (it wins). */
	argv_format = scan_format(argc, argv);
	/* Lowest precedence first: the environment, the option files, the command line. */
	if (pl_opt_env(&parser, err, sizeof(err)) != 0)
		pl_usage_die("%s", err);
	/* The option file may sit on a hung mount, and a command line may be long: the -t
	 * of the command line (which wins over the file's), else the default, covers reading
	 * both; pl_plugin_arm() sets the one the options ask for. */
	scan_timeout(argc, argv, c, &t);
	pl_timeout_arm(t.timeout, t.timeout_state, p->service);
	pl_timeout_waiting(_("reading the --extra-opts file"));
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (is_extra_opts(argv[i]))
			load_extra_opts(p, argv[i][12] == '=' ? argv[i] + 13 : NULL);
	if (!argv_format && out_format != c->format) {
		out_format = c->format;
		pl_timeout_output(out_format, cur->name);
	}
	pl_timeout_waiting(_("reading the command line"));
	if (pl_opt_argv(&parser, argc, argv, is_extra_opts, err, sizeof(err)) != 0)
		pl_usage_die("%s", err);
	pl_timeout_disarm();
	/* Hashed by pl_plugin_store_load (pl_plugin_state.c), so that a plugin without
	 * state links no state store. */
	if (p->uses_state && c->state_key[0] == '\0')
		key_text = keytext;
	else
		pl_buf_free(&keytext);
}

const struct pl_plugin *
pl_plugin_current(void)
{
	return cur;
}

const char *
pl_plugin_key_text(size_t *len)
{
	*len = key_text.len;
	return pl_buf_str(&key_text);
}

void
pl_plugin_arm(const struct pl_common *c)
{
	pl_timeout_arm(c->timeout, c->timeout_state, service());
}

void
pl_exit(struct pl_result *r, struct pl_common *c)
{
	struct pl_buf out = PL_BUF_INIT;
	struct pl_render_opts o = { c->format, c->max_lines, c->perf_unknown != 0,
				    c->oneline_perf };
	char err[512];
	enum pl_state st;

	pl_timeout_waiting(_("evaluating thresholds"));
	r->missing_state = c->missing_state;
	if (pl_result_apply(r, &c->thresholds, cur ? cur->primary : NULL, err, sizeof(err)) != 0)
		pl_usage_die("%s", err);
	pl_timeout_disarm();
	pl_buf_init(&out, 4 << 20);
	pl_render_with(r, &o, &out);
	st = pl_result_state(r);
	pl_write_all(STDOUT_FILENO, pl_buf_str(&out), out.len);
	pl_buf_free(&out);
	pl_result_free(r);
	pl_thresholds_free(&c->thresholds);
	pl_select_free(&c->select);
	exit(st);
}

void
pl_plugin_exec_part(const char *part, const char *libexecdir, char **argv)
{
	char self[4096], path[4200], e[300];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			pl_snprintf(path, sizeof(path), "%s/%s", self, part);
			if (access(path, X_OK) == 0)
				execv(path, argv);
		}
	}
	pl_snprintf(path, sizeof(path), "%s/%s", libexecdir, part);
	execv(path, argv);
	pl_name_str(e, sizeof(e), path);
	pl_die(PL_UNKNOWN, _("cannot run %s, the Icinga 2 part of %s: %s (it is built with yajl "
	       "and libcurl: install libyajl-dev and libcurl4-openssl-dev and rebuild, or "
	       "reinstall Plumbline)"), e, pl_plugin_current() != NULL ?
	       pl_plugin_current()->name : "this program", strerror(errno));
}
