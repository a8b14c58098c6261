/* plumbline-report: the policy's paperwork from the engine's history: one fault report per
 * incident, and the supervision review of a period.
 *
 * main() reads like the job: parse the options, read the history (Nagios 4's nagios.log
 * and its rotated files) into incidents, then print the fault report of one incident,
 * merged with the technician's notes beside it, or the review of a period (availability
 * per host and service, time to acknowledge and recover per role, incidents by severity,
 * faults open, fault reports still missing their cause or prevention), as text, JSON or
 * one self-contained HTML file. Exit status: 0, or 3 with one line on bad input. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pl_buf.h"
#include "pl_clock.h"
#include "pl_file.h"
#include "pl_i18n.h"
#include "pl_incident.h"
#include "pl_nagioslog.h"
#include "pl_num.h"
#include "pl_opt.h"
#include "pl_result.h"
#include "pl_text.h"

#define PROG "plumbline-report"
#define DEFAULT_NOTES "/var/lib/plumbline/faults"
#define DEFAULT_LOG "/var/log/nagios4/nagios.log"
#define DEFAULT_ARCHIVES "/var/log/nagios4/archives/nagios-*.log"
#define SCHEMA_VERSION 1

enum cmd { CMD_FAULT = 1, CMD_REVIEW };
enum fmt { FMT_TEXT, FMT_JSON, FMT_HTML };

struct cfg {
	enum cmd cmd;
	struct pl_strlist logs;
	const char *incident, *host, *service, *at, *notes_dir, *roles_file;
	const char *from, *to, *month, *hours_spec;
	bool breaches_only, help, version, target_set;
	double target;
	int format;
	/* filled after parsing */
	int64_t at_t, from_t, to_t, now;
	struct pl_hours hours;
	struct pl_roles roles;
};

static int
opt_target(void *base, const struct pl_option *o, const char *v, char *err, size_t errlen)
{
	struct cfg *c = base;

	if (pl_opt_number(o, v, &c->target, err, errlen) != 0)
		return -1;
	c->target_set = true;
	return 0;
}

static int
opt_language(void *base, const struct pl_option *o, const char *v, char *err, size_t errlen)
{
	(void)base;
	(void)o;
	return pl_i18n_language(v, err, errlen);
}

static const struct pl_choice formats[] = {
	{ "text", FMT_TEXT, false }, { "json", FMT_JSON, false }, { "html", FMT_HTML, false },
	{ NULL, 0, false },
};

#define S(member) PL_OPT_AT(struct cfg, member)

static const struct pl_option options[] = {
	{ .name = "nagios-log", .type = PL_OPT_LIST, .arg = "FILE", S(logs),
	  .flags = PL_OPT_SYNOPSIS,
	  .help = N_("Nagios 4's log, and its rotated files (repeatable; a quoted glob is "
		  "expanded: '/var/log/nagios4/archives/nagios-*.log'), in any order: they are "
		  "read oldest first. Default /var/log/nagios4/nagios.log and "
		  "/var/log/nagios4/archives/nagios-*.log.") },
	{ .name = "incident", .type = PL_OPT_STRING, .arg = "ID", S(incident),
	  .help = N_("fault: the incident, by the ID the review lists (20261103-090000-1a2b3c4d)." )},
	{ .name = "host", .letter = 'H', .type = PL_OPT_STRING, .arg = "HOST", S(host),
	  .help = N_("fault: the incident of this host (with --service, of its service) open at "
		  "--at, else the last one before it." )},
	{ .name = "service", .type = PL_OPT_STRING, .arg = "SERVICE", S(service),
	  .help = N_("fault: the service of --host; none: the host's own incident." )},
	{ .name = "at", .type = PL_OPT_STRING, .arg = "TIME", S(at),
	  .help = N_("fault: when (default now). TIME is RFC 3339 (2026-11-03T09:00:00Z), a "
		  "local date and time 2026-11-03T09:00, a local date 2026-11-03, or seconds "
		  "since the epoch." )},
	{ .name = "notes-dir", .type = PL_OPT_STRING, .arg = "DIR", S(notes_dir),
	  .help = N_("Where the technicians' notes are: DIR/ID.txt beside each fault report "
		  "(default /var/lib/plumbline/faults).") },
	{ .name = "roles", .type = PL_OPT_STRING, .arg = "FILE", S(roles_file),
	  .help = N_("Contacts mapped to the policy's roles, lines 'CONTACT = ROLE' "
		  "(alice = monitoring group); a contact not named is its own role." )},
	{ .name = "from", .type = PL_OPT_STRING, .arg = "TIME", S(from),
	  .help = N_("review: the start of the period (TIME as for --at)." )},
	{ .name = "to", .type = PL_OPT_STRING, .arg = "TIME", S(to),
	  .help = N_("review: its end, not included (default now)." )},
	{ .name = "month", .type = PL_OPT_STRING, .arg = "YYYY-MM", S(month),
	  .help = N_("review: a calendar month in local time. Without --month and --from: the "
		  "month before this one." )},
	{ .name = "business-hours", .type = PL_OPT_STRING, .arg = "DAYS,HH:MM-HH:MM",
	  S(hours_spec),
	  .help = N_("review: count only these local hours in availability (mon-fri,08:00-18:00)." )},
	{ .name = "target", .type = PL_OPT_NUMBER, .min = 0, .max = 100, .fn = opt_target,
	  .arg = "PERCENT",
	  .help = N_("review: the availability target; a host or service below it is a breach "
		  "(default 99.9)." )},
	{ .name = "breaches-only", .type = PL_OPT_SWITCH, S(breaches_only),
	  .help = N_("review: list only the hosts and services below --target in availability." )},
	{ .name = "output-format", .type = PL_OPT_CHOICE, .arg = "FORMAT", .choices = formats,
	  S(format),
	  .help = N_("text (default), json (contrib/schema/plumbline-report.schema.json) or "
		  "html: one self-contained file (no outside fonts, images or scripts) that "
		  "prints well." )},
	{ .name = "language", .type = PL_OPT_STRING, .arg = "LANG", .fn = opt_language,
	  .help = N_("Language of the reports and messages: zh_CN (Simplified Chinese), or C "
		     "for English (default: LC_ALL, LC_MESSAGES or LANG, as gettext reads "
		     "them). Host and service names, state words, IDs, numbers and the JSON "
		     "report never change.") },
	{ .name = "help", .letter = 'h', .type = PL_OPT_SWITCH, S(help),
	  .help = N_("Show this help and exit." )},
	{ .name = "version", .letter = 'V', .type = PL_OPT_SWITCH, S(version),
	  .help = N_("Show the version and exit." )},
	{ .name = NULL },
};

static const char description[] = N_(
	"Writes the paperwork of the monitoring policy from the engine's own history: after "
	"every fault a fault report, and for a period the supervision review.\n"
	"COMMAND is fault or review. 'fault' prints one incident's report: host, service, "
	"severity, first detection (the first soft problem state), the hard state, the first "
	"notification and to whom, the acknowledgement (who, when, comment), each escalation "
	"and to whom (a problem notification to a contact not notified before in the "
	"incident), the recovery, the time to acknowledge and to recover (from the first "
	"detection) and the plugin output at each step; then the technician's fields, cause, "
	"handling, business impact and prevention, from the notes file beside it "
	"(NOTES-DIR/ID.txt, lines 'cause: ...', 'handling: ...', 'impact: ...', "
	"'prevention: ...', 'author: ...'; a line that starts with a blank continues the "
	"one before).\n"
	"'review' prints, for a period (the previous month by default): availability of each "
	"host and service with scheduled downtime left out (and, with --business-hours, "
	"only those hours counted), the mean time to acknowledge and to recover overall and "
	"per role (the roles of the contacts notified in each incident, from --roles), the "
	"incidents by severity with their IDs, the faults still open at the end of the "
	"period, and the fault reports still missing their cause or prevention.\n"
	"An incident runs from the first hard problem state of a host or service to its next "
	"OK or UP state; an outage, for availability, from its hard state to its recovery. "
	"Lines of the log that cannot be read are counted and said, never fatal.\n"
	"Exit status: 0, or 3 with one line saying what is wrong (an option, a file that "
	"cannot be read, an incident not found).");

static const char examples[] = N_(
	"  plumbline-report fault --nagios-log /var/log/nagios4/nagios.log \\\n"
	"    --host web1 --service http --at 2026-11-03T09:10\n"
	"      the fault report of web1's http problem open at that time.\n"
	"  plumbline-report review --month 2026-11 --business-hours mon-fri,08:00-18:00 \\\n"
	"    --roles /etc/plumbline/roles.conf --output-format html\n"
	"      November's review as one HTML page, availability in business hours only.\n"
	"  plumbline-report review --month 2026-11 --breaches-only --target 99.9\n"
	"      only the hosts and services below 99.9 % in November.\n");

/* ------------------------------------------------------------------ help and usage */


static void
help_text(void)
{
	struct pl_buf b = PL_BUF_INIT;

	pl_buf_printf(&b, "%s %s - %s\n\n", PROG, PACKAGE_VERSION,
		      _("fault reports and the supervision review from the engine's history"));
	pl_buf_printf(&b, _("Usage: %s fault [--nagios-log FILE]... (--incident ID | --host HOST "
			    "[--service SERVICE] [--at TIME]) [options]\n"
			    "       %s review [--nagios-log FILE]... [--month YYYY-MM | --from "
			    "TIME [--to TIME]] [options]\n\n"), PROG, PROG);
	pl_wrap(&b, pl_tr(description), 0, 80);
	pl_buf_printf(&b, "\n%s\n", _("Options:"));
	pl_opt_help(options, &b);
	pl_buf_printf(&b, "\n%s\n", _("Examples:"));
	pl_buf_puts(&b, pl_tr(examples));
	fputs(pl_buf_str(&b), stdout);
	pl_buf_free(&b);
}

static void
help_man(void)
{
	struct pl_buf b = PL_BUF_INIT;

	pl_buf_puts(&b, ".TH PLUMBLINE-REPORT 1 \"\" \"plumbline " PACKAGE_VERSION "\"\n"
		    ".SH NAME\n" PROG " \\- fault reports and the supervision review from the "
		    "engine's history\n.SH SYNOPSIS\n.B " PROG "\nfault [\\-\\-nagios\\-log FILE]... "
		    "(\\-\\-incident ID | \\-\\-host HOST [\\-\\-service SERVICE] [\\-\\-at TIME])\n"
		    ".br\n.B " PROG "\nreview [\\-\\-nagios\\-log FILE]... [\\-\\-month YYYY\\-MM | "
		    "\\-\\-from TIME [\\-\\-to TIME]]\n.SH DESCRIPTION\n");
	pl_man_text(&b, description, "\n.PP\n");
	pl_buf_puts(&b, "\n.SH OPTIONS\n");
	pl_man_options(&b, options);
	pl_buf_puts(&b, ".SH EXAMPLES\n.nf\n");
	pl_man_text(&b, examples, NULL);
	pl_buf_puts(&b, ".fi\n.SH FILES\n" DEFAULT_NOTES "/ID.txt\n.SH SEE ALSO\n"
		    "The Plumbline README (plumbline\\-report).\n");
	fputs(pl_buf_str(&b), stdout);
	pl_buf_free(&b);
}

__attribute__((noreturn, format(printf, 1, 2)))
static void
die(const char *fmt, ...)
{
	va_list ap;
	char msg[1024];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fflush(stdout);
	printf("REPORT UNKNOWN - ");
	printf(_("%s (see %s --help)\n"), msg, PROG);
	exit(3);
}

/* ------------------------------------------------------------------ times */

/* RFC 3339; YYYY-MM-DD[THH:MM[:SS]] in local time; or seconds since the epoch. */
static int
parse_time(const char *s, int64_t *out)
{
	struct pl_time t;
	struct tm tm;
	char err[128];
	int64_t v;
	size_t n = strlen(s);

	if (pl_parse_i64(s, 0, (int64_t)1 << 40, &v) == 0) {
		*out = v;
		return 0;
	}
	if (pl_rfc3339_parse(s, n, &t, err, sizeof(err)) == 0) {
		*out = t.sec;
		return 0;
	}
	memset(&tm, 0, sizeof(tm));
	if (n != 10 && n != 16 && n != 19)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool sep = i == 4 || i == 7 || i == 10 || i == 13 || i == 16;

		if (sep ? c != (i < 10 ? '-' : i == 10 ? 'T' : ':') : (c < '0' || c > '9'))
			if (!(i == 10 && c == ' '))
				return -1;
	}
	tm.tm_year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + s[3] - '0';
	tm.tm_year -= 1900;
	tm.tm_mon = (s[5] - '0') * 10 + s[6] - '0' - 1;
	tm.tm_mday = (s[8] - '0') * 10 + s[9] - '0';
	if (n >= 16) {
		tm.tm_hour = (s[11] - '0') * 10 + s[12] - '0';
		tm.tm_min = (s[14] - '0') * 10 + s[15] - '0';
	}
	if (n == 19)
		tm.tm_sec = (s[17] - '0') * 10 + s[18] - '0';
	if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
	    tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
		return -1;
	tm.tm_isdst = -1;
	*out = (int64_t)mktime(&tm);
	return 0;
}

/* Local midnight of the first of month m (0-based, may be 12) of year y. */
static int64_t
month_start(int y, int m)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900 + m / 12;
	tm.tm_mon = m % 12;
	tm.tm_mday = 1;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

static void
parse_month(struct cfg *c)
{
	const char *s = c->month;
	int y, m;

	if (strlen(s) != 7 || s[4] != '-')
		die(_("--month is YYYY-MM (2026-11)"));
	for (int i = 0; i < 7; i++)
		if (i != 4 && (s[i] < '0' || s[i] > '9'))
			die(_("--month is YYYY-MM (2026-11)"));
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + s[3] - '0';
	m = (s[5] - '0') * 10 + s[6] - '0';
	if (m < 1 || m > 12)
		die(_("--month is YYYY-MM with a month from 01 to 12"));
	c->from_t = month_start(y, m - 1);
	c->to_t = month_start(y, m);
}

/* The review's period: --month, --from/--to, or the month before now's. */
static void
period(struct cfg *c)
{
	time_t now = (time_t)c->now;
	struct tm tm;

	if (c->month != NULL) {
		if (c->from != NULL || c->to != NULL)
			die(_("--month and --from/--to: give one of them"));
		parse_month(c);
		return;
	}
	if (c->from != NULL) {
		if (parse_time(c->from, &c->from_t) != 0)
			die(_("--from is not a time (RFC 3339, YYYY-MM-DD[THH:MM], or epoch seconds)"));
		c->to_t = c->now;
		if (c->to != NULL && parse_time(c->to, &c->to_t) != 0)
			die(_("--to is not a time (RFC 3339, YYYY-MM-DD[THH:MM], or epoch seconds)"));
		if (c->to_t <= c->from_t)
			die(_("--to must be later than --from"));
		return;
	}
	if (c->to != NULL)
		die(_("--to needs --from"));
	localtime_r(&now, &tm);
	c->from_t = month_start(tm.tm_year + 1900, tm.tm_mon - 1 < 0 ? 0 : tm.tm_mon - 1);
	if (tm.tm_mon == 0)
		c->from_t = month_start(tm.tm_year + 1900 - 1, 11);
	c->to_t = month_start(tm.tm_year + 1900, tm.tm_mon);
}

/* "2026-11-03 09:00:00 +0000", local time; "-" for 0. */
static const char *
when(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t == 0 || localtime_r(&tt, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d %H:%M:%S %z", &tm) == 0)
		pl_strlcpy(buf, "-", len);
	return buf;
}

static const char *
rfc3339(int64_t t, char *buf, size_t len)
{
	struct pl_time pt = { t, 0 };

	if (pl_rfc3339_format(&pt, 0, buf, len) < 0)
		pl_strlcpy(buf, "", len);
	return buf;
}

/* "1h 02m 05s", "12m 30s", "45s", "3d 04h 05m"; "-" when negative. */
static const char *
span(double secs, char *buf, size_t len)
{
	int64_t s = (int64_t)(secs + 0.5);

	if (secs < 0)
		pl_strlcpy(buf, "-", len);
	else if (s >= 86400)
		pl_snprintf(buf, len, "%lldd %02lldh %02lldm", (long long)(s / 86400),
			    (long long)(s / 3600 % 24), (long long)(s / 60 % 60));
	else if (s >= 3600)
		pl_snprintf(buf, len, "%lldh %02lldm %02llds", (long long)(s / 3600),
			    (long long)(s / 60 % 60), (long long)(s % 60));
	else if (s >= 60)
		pl_snprintf(buf, len, "%lldm %02llds", (long long)(s / 60), (long long)(s % 60));
	else
		pl_snprintf(buf, len, "%llds", (long long)s);
	return buf;
}

/* ------------------------------------------------------------------ options */

static bool
for_fault(const struct cfg *c)
{
	return c->incident || c->host || c->service || c->at;
}

static bool
for_review(const struct cfg *c)
{
	return c->from || c->to || c->month || c->hours_spec || c->breaches_only ||
	       c->target_set;
}

static void
read_roles(struct cfg *c)
{
	static const struct pl_file_rules rules = { 0, (size_t)1 << 20, "the roles" };
	struct pl_buf b = PL_BUF_INIT;
	char err[1024], e2[1100];

	if (c->roles_file == NULL)
		return;
	if (pl_read_trusted(AT_FDCWD, c->roles_file, &rules, &b, NULL, err, sizeof(err)) != 0)
		die(_("--roles: %s"), err);
	if (pl_roles_parse(b.data ? b.data : "", b.len, &c->roles, err, sizeof(err)) != 0) {
		pl_snprintf(e2, sizeof(e2), "--roles: %s %s", c->roles_file, err);
		pl_buf_free(&b);
		die("%s", e2);
	}
	pl_buf_free(&b);
}

static void
check_config(struct cfg *c)
{
	char err[512];

	if (c->cmd == CMD_FAULT) {
		if (for_review(c))
			die(_("--from, --to, --month, --business-hours, --target and --breaches-only "
			    "are for 'review'"));
		if (c->incident == NULL && c->host == NULL)
			die(_("fault: give --incident ID (the review lists them) or --host HOST "
			    "[--service SERVICE] [--at TIME]"));
		if (c->incident != NULL && (c->host || c->service || c->at))
			die(_("fault: --incident, or --host/--service/--at, not both"));
		if (c->service != NULL && c->host == NULL)
			die(_("fault: --service needs --host"));
		c->at_t = c->now;
		if (c->at != NULL && parse_time(c->at, &c->at_t) != 0)
			die(_("--at is not a time (RFC 3339, YYYY-MM-DD[THH:MM], or epoch seconds)"));
	} else {
		if (for_fault(c))
			die(_("--incident, --host, --service and --at are for 'fault'"));
		period(c);
		if (c->hours_spec != NULL &&
		    pl_hours_parse(c->hours_spec, &c->hours, err, sizeof(err)) != 0)
			die(_("--business-hours %s"), err);
	}
	read_roles(c);
}

static void
parse(int argc, char **argv, struct cfg *c, struct pl_opt_parser *p)
{
	static struct pl_opt_table table;
	struct pl_time now;
	char err[1024];

	if (argc < 2)
		die(_("no command: fault or review"));
	if (strcmp(argv[1], "fault") == 0)
		c->cmd = CMD_FAULT;
	else if (strcmp(argv[1], "review") == 0)
		c->cmd = CMD_REVIEW;
	else if (argv[1][0] != '-')
		die(_("the command is fault or review"));
	table = (struct pl_opt_table){ options, c };
	pl_opt_init(p, &table, 1);
	p->prog = PROG;
	if (pl_opt_argv(p, argc - (c->cmd ? 1 : 0), argv + (c->cmd ? 1 : 0), NULL, err,
			sizeof(err)) != 0)
		die("%s", err);
	if (c->help) {
		help_text();
		exit(3);
	}
	if (c->version) {
		printf(PROG " " PACKAGE_VERSION "\n");
		exit(3);
	}
	if (c->cmd == 0)
		die(_("no command: fault or review"));
	if (pl_clock_now(&now, err, sizeof(err)) != 0)
		die("%s", err);
	c->now = now.sec;
	check_config(c);
}

/* ------------------------------------------------------------------ the history */

struct history {
	char **paths;
	size_t npaths;
	struct pl_nl_counts counts;
	struct pl_incidents inc;
};

static void
add_path(struct history *h, const char *p)
{
	char **q = realloc(h->paths, (h->npaths + 1) * sizeof(*q));

	if (q == NULL || (q[h->npaths] = strdup(p)) == NULL)
		die(_("out of memory"));
	h->paths = q;
	h->npaths++;
}

/* A value with a glob character is expanded; one without is taken as it is. */
static void
add_log(struct history *h, const char *v, bool must)
{
	glob_t g;
	int rc;

	if (strpbrk(v, "*?[") == NULL) {
		if (must || access(v, F_OK) == 0)
			add_path(h, v);
		return;
	}
	rc = glob(v, GLOB_ERR, NULL, &g);
	if (rc == GLOB_NOMATCH && !must)
		return;
	if (rc != 0) {
		globfree(&g);
		die(_("--nagios-log %s matches no file"), v);
	}
	for (size_t i = 0; i < g.gl_pathc; i++)
		add_path(h, g.gl_pathv[i]);
	globfree(&g);
}

static void
load(const struct cfg *c, struct history *h)
{
	char err[1024];

	if (c->logs.n == 0) {
		add_log(h, DEFAULT_ARCHIVES, false);
		add_log(h, DEFAULT_LOG, false);
		if (h->npaths == 0)
			die(_("no Nagios log: %s is not there; give --nagios-log FILE"), DEFAULT_LOG);
	}
	for (size_t i = 0; i < c->logs.n; i++)
		add_log(h, c->logs.v[i], true);
	pl_inc_init(&h->inc);
	if (pl_nl_read_files((const char *const *)h->paths, h->npaths, pl_inc_event, &h->inc,
			     &h->counts, err, sizeof(err)) != 0)
		die("%s", h->inc.oom ? _("out of memory reading the log") : err);
	pl_inc_finish(&h->inc, h->counts.last);
}

static void
history_free(struct history *h)
{
	for (size_t i = 0; i < h->npaths; i++)
		free(h->paths[i]);
	free(h->paths);
	pl_inc_free(&h->inc);
}

/* The notes beside the report: 1 read, 0 none (no file), dies on another error. */
static int
read_notes(const struct cfg *c, const char *id, struct pl_fault_notes *n, char *path,
	   size_t len)
{
	static const struct pl_file_rules rules = { 0, (size_t)1 << 20, "the notes" };
	struct pl_buf b = PL_BUF_INIT;
	char err[1024];

	memset(n, 0, sizeof(*n));
	pl_snprintf(path, len, "%s/%s.txt", c->notes_dir, id);
	if (pl_read_trusted(AT_FDCWD, path, &rules, &b, NULL, err, sizeof(err)) != 0) {
		if (errno == ENOENT)
			return 0;
		die(_("the fault notes: %s"), err);
	}
	if (pl_notes_parse(b.data ? b.data : "", b.len, n, err, sizeof(err)) != 0)
		die("%s: %s", path, err);
	pl_buf_free(&b);
	return 1;
}

/* ------------------------------------------------------------------ escaping */


/* A JSON member: "key": "value" (null for NULL), with a comma before unless first. */
static void
jstr(struct pl_buf *b, const char *key, const char *v)
{
	pl_buf_printf(b, "\"%s\":", key);
	if (v == NULL)
		pl_buf_puts(b, "null");
	else
		pl_json_string(b, v);
	pl_buf_putc(b, ',');
}

/* "key": "RFC 3339" or null. */
static void
jtime(struct pl_buf *b, const char *key, int64_t t)
{
	char ts[PL_RFC3339_SIZE];

	if (t == 0)
		pl_buf_printf(b, "\"%s\":null,", key);
	else
		pl_buf_printf(b, "\"%s\":\"%s\",", key, rfc3339(t, ts, sizeof(ts)));
}

static void
jnum(struct pl_buf *b, const char *key, double v)
{
	char n[64];

	if (v < 0)
		pl_buf_printf(b, "\"%s\":null,", key);
	else
		pl_buf_printf(b, "\"%s\":%s,", key, pl_fmt_num(n, sizeof(n), v, 3));
}

/* Drops a trailing comma before a closing bracket. */
static void
jclose(struct pl_buf *b, char c)
{
	if (b->len > 0 && b->data[b->len - 1] == ',')
		b->data[--b->len] = '\0';
	pl_buf_putc(b, c);
}

static const char *
obj_name(const char *host, const char *service, char *buf, size_t len)
{
	if (service == NULL)
		pl_strlcpy(buf, host, len);
	else
		pl_snprintf(buf, len, "%s / %s", host, service);
	return buf;
}

/* s, then blanks up to width columns (a Chinese character takes two). */
static void
pad(struct pl_buf *b, const char *s, size_t width)
{
	size_t w = pl_text_width(s, strlen(s));

	pl_buf_puts(b, s);
	for (; w < width; w++)
		pl_buf_putc(b, ' ');
}

/* Blanks up to width columns, then s: a right-aligned heading. */
static void
rpad(struct pl_buf *b, const char *s, size_t width)
{
	for (size_t w = pl_text_width(s, strlen(s)); w < width; w++)
		pl_buf_putc(b, ' ');
	pl_buf_puts(b, s);
}

/* A label of the fault report's head, in its column of 20, and the blank after it. */
static void
label(struct pl_buf *b, const char *l)
{
	pad(b, l, 20);
	pl_buf_putc(b, ' ');
}

/* A role as a person reads it: the placeholder for an incident nobody was notified of
 * is translated, a role's own name never. */
static const char *
role_name(const char *role)
{
	return strcmp(role, "(not notified)") == 0 ? _("(not notified)") : role;
}

/* ------------------------------------------------------------------ the fault report */

/* Seconds from the first detection to the acknowledgement, the recovery; -1: never. */
static double
tta(const struct pl_incident *in)
{
	return in->acked ? (double)(in->acked - in->detected) : -1;
}

static double
ttr(const struct pl_incident *in)
{
	return in->recovered ? (double)(in->recovered - in->detected) : -1;
}

struct fault {
	const struct pl_incident *in;
	const struct cfg *cfg;
	const struct history *h;
	struct pl_fault_notes notes;
	bool has_notes;
	char notes_path[4096];
};

static const char *
role_of(const struct cfg *c, const char *contact, char *buf, size_t len)
{
	const char *r = pl_roles_of(&c->roles, contact);

	if (r == contact)
		pl_strlcpy(buf, contact, len);
	else
		pl_snprintf(buf, len, "%s (%s)", contact, r);
	return buf;
}

/* "alice (monitoring group), carol" from a list "alice, carol". */
static void
with_roles(const struct cfg *c, const char *list, struct pl_buf *out)
{
	const char *p = list;

	while (p != NULL && *p) {
		const char *e = strstr(p, ", ");
		char name[512], r[1100];

		pl_snprintf(name, sizeof(name), "%.*s", (int)(e ? (size_t)(e - p) : strlen(p)), p);
		pl_buf_puts(out, role_of(c, name, r, sizeof(r)));
		if (e == NULL)
			break;
		pl_buf_puts(out, ", ");
		p = e + 2;
	}
}

static const char *const note_labels[4] = { N_("Cause"), N_("Handling"),
					     N_("Business impact"), N_("Prevention") };

static const char *
note_value(const struct pl_fault_notes *n, int i)
{
	const char *v[4] = { n->cause, n->handling, n->impact, n->prevention };

	return v[i];
}

static void
fault_text_head(const struct fault *f, struct pl_buf *b)
{
	const struct pl_incident *in = f->in;
	struct pl_buf v = PL_BUF_INIT;
	char t[64], d[64], r[1100];

	pl_buf_printf(b, _("Fault report %s\n\n"), in->id);
	label(b, _("Host:"));
	pl_buf_printf(b, "%s\n", in->host);
	if (in->service) {
		label(b, _("Service:"));
		pl_buf_printf(b, "%s\n", in->service);
	}
	label(b, _("Severity:"));
	pl_buf_printf(b, "%s\n", in->severity_word);
	label(b, _("Status:"));
	pl_buf_printf(b, "%s\n", in->recovered ? _("recovered") :
		      _("open (not recovered at the end of the log)"));
	label(b, _("First detection:"));
	pl_buf_printf(b, "%s%s  %s\n", when(in->detected, t, sizeof(t)),
		      in->restated ? _(" (restated by Nagios; may have begun earlier)") : "",
		      in->detect_output);
	label(b, _("Hard state:"));
	pl_buf_printf(b, "%s  %s\n", when(in->hard, t, sizeof(t)), in->hard_output);
	label(b, _("First notification:"));
	if (in->notified) {
		with_roles(f->cfg, in->notified_to, &v);
		pl_buf_printf(b, _("%s to %s"), when(in->notified, t, sizeof(t)), pl_buf_str(&v));
	} else {
		pl_buf_puts(b, when(in->notified, t, sizeof(t)));
	}
	pl_buf_putc(b, '\n');
	label(b, _("Acknowledged:"));
	if (in->acked)
		pl_buf_printf(b, _("%s by %s: %s"), when(in->acked, t, sizeof(t)),
			      role_of(f->cfg, in->ack_author, r, sizeof(r)), in->ack_comment);
	else
		pl_buf_puts(b, when(in->acked, t, sizeof(t)));
	pl_buf_putc(b, '\n');
	label(b, _("Escalations:"));
	pl_buf_printf(b, "%zu", in->nescalations);
	for (size_t i = 0, k = 0; i < in->nsteps; i++)
		if (in->steps[i].kind == PL_STEP_ESCALATE) {
			pl_buf_printf(b, "%s ", k++ ? ";" : ":");
			pl_buf_printf(b, _("%s to %s"), when(in->steps[i].time, t, sizeof(t)),
				      role_of(f->cfg, in->steps[i].who, r, sizeof(r)));
		}
	pl_buf_putc(b, '\n');
	label(b, _("Recovered:"));
	pl_buf_printf(b, "%s  %s\n", when(in->recovered, t, sizeof(t)),
		      in->recover_output ? in->recover_output : "");
	label(b, _("Time to acknowledge:"));
	pl_buf_printf(b, "%s\n", span(tta(in), d, sizeof(d)));
	label(b, _("Time to recover:"));
	pl_buf_printf(b, "%s\n", span(ttr(in), d, sizeof(d)));
	pl_buf_free(&v);
}

/* A value of several lines, the following ones under the first. */
static void
indented(struct pl_buf *b, const char *v)
{
	for (; *v; v++) {
		pl_buf_putc(b, *v);
		if (*v == '\n')
			pl_buf_printf(b, "%21s", "");
	}
	pl_buf_putc(b, '\n');
}

static void
fault_text(const struct fault *f, struct pl_buf *b)
{
	const struct pl_incident *in = f->in;
	char t[64];

	fault_text_head(f, b);
	pl_buf_printf(b, "\n%s\n", _("Timeline:"));
	for (size_t i = 0; i < in->nsteps; i++) {
		const struct pl_inc_step *s = &in->steps[i];

		pl_buf_printf(b, "  %s  %s", when(s->time, t, sizeof(t)), pl_step_title(s->kind));
		if (s->state_word[0])
			pl_buf_printf(b, " %s", s->state_word);
		if (s->who[0]) {
			pl_buf_putc(b, ' ');
			pl_buf_printf(b, s->kind == PL_STEP_ACK ? _("by %s") : _("to %s"), s->who);
		}
		if (s->text[0])
			pl_buf_printf(b, ": %s", s->text);
		pl_buf_putc(b, '\n');
	}
	if (in->steps_dropped)
		pl_buf_printf(b, _("  (%zu more steps not kept)\n"), in->steps_dropped);
	pl_buf_printf(b, _("\nTechnician's notes (%s):\n"), f->notes_path);
	for (int i = 0; i < 4; i++) {
		char lab[64];

		pl_snprintf(lab, sizeof(lab), _("%s:"), pl_tr(note_labels[i]));
		label(b, lab);
		indented(b, note_value(&f->notes, i) ? note_value(&f->notes, i) : _("(missing)"));
	}
	if (f->notes.author) {
		label(b, _("Written by:"));
		pl_buf_printf(b, "%s\n", f->notes.author);
	}
	if (!f->has_notes)
		pl_buf_printf(b, _("No notes yet: write 'cause:', 'handling:', 'impact:' and "
				   "'prevention:' lines in %s.\n"), f->notes_path);
	pl_buf_putc(b, '\n');
	pl_buf_printf(b, P_("From %zu log file: %zu lines, %zu events, %zu malformed lines.\n",
			    "From %zu log files: %zu lines, %zu events, %zu malformed lines.\n",
			    f->h->npaths), f->h->npaths, f->h->counts.lines, f->h->counts.events,
		      f->h->counts.malformed);
}

static void
json_log(const struct history *h, struct pl_buf *b)
{
	pl_buf_printf(b, "\"log\":{\"files\":%zu,\"lines\":%zu,\"events\":%zu,\"ignored\":%zu,"
		      "\"malformed\":%zu,\"long_lines\":%zu,", h->npaths, h->counts.lines,
		      h->counts.events, h->counts.ignored, h->counts.malformed,
		      h->counts.long_lines);
	jtime(b, "first", h->counts.first);
	jtime(b, "last", h->counts.last);
	jclose(b, '}');
	pl_buf_putc(b, ',');
}

static void
json_steps(const struct pl_incident *in, struct pl_buf *b)
{
	pl_buf_puts(b, "\"steps\":[");
	for (size_t i = 0; i < in->nsteps; i++) {
		const struct pl_inc_step *s = &in->steps[i];

		pl_buf_putc(b, '{');
		jtime(b, "time", s->time);
		jstr(b, "step", pl_step_name(s->kind));
		jstr(b, "state", s->state_word[0] ? s->state_word : NULL);
		jstr(b, "who", s->who[0] ? s->who : NULL);
		jstr(b, "text", s->text);
		jclose(b, '}');
		pl_buf_putc(b, ',');
	}
	jclose(b, ']');
	pl_buf_printf(b, ",\"steps_dropped\":%zu,", in->steps_dropped);
}

static void
json_list(struct pl_buf *b, const char *key, const char *list)
{
	const char *p = list;

	pl_buf_printf(b, "\"%s\":[", key);
	while (p != NULL && *p) {
		const char *e = strstr(p, ", ");
		char name[512];

		pl_snprintf(name, sizeof(name), "%.*s", (int)(e ? (size_t)(e - p) : strlen(p)), p);
		pl_json_string(b, name);
		pl_buf_putc(b, ',');
		if (e == NULL)
			break;
		p = e + 2;
	}
	jclose(b, ']');
	pl_buf_putc(b, ',');
}

static void
json_incident(const struct pl_incident *in, bool steps, struct pl_buf *b)
{
	pl_buf_putc(b, '{');
	jstr(b, "id", in->id);
	jstr(b, "host", in->host);
	jstr(b, "service", in->service);
	jstr(b, "severity", in->severity_word);
	pl_buf_printf(b, "\"open\":%s,\"restated\":%s,", in->recovered ? "false" : "true",
		      in->restated ? "true" : "false");
	jtime(b, "detected", in->detected);
	jtime(b, "hard", in->hard);
	jtime(b, "notified", in->notified);
	json_list(b, "notified_to", in->notified_to);
	jtime(b, "acknowledged", in->acked);
	jstr(b, "ack_author", in->acked ? in->ack_author : NULL);
	jstr(b, "ack_comment", in->acked ? in->ack_comment : NULL);
	json_list(b, "escalated_to", in->escalated_to);
	jtime(b, "recovered", in->recovered);
	jnum(b, "time_to_acknowledge", tta(in));
	jnum(b, "time_to_recover", ttr(in));
	jstr(b, "detect_output", in->detect_output);
	jstr(b, "hard_output", in->hard_output);
	jstr(b, "recover_output", in->recover_output);
	if (steps)
		json_steps(in, b);
	jclose(b, '}');
}

static void
fault_json(const struct fault *f, struct pl_buf *b)
{
	pl_buf_printf(b, "{\"schema\":\"plumbline-report\",\"schema_version\":%d,"
		      "\"report\":\"fault\",\"incident\":", SCHEMA_VERSION);
	json_incident(f->in, true, b);
	pl_buf_puts(b, ",\"notes\":{");
	jstr(b, "file", f->notes_path);
	pl_buf_printf(b, "\"present\":%s,", f->has_notes ? "true" : "false");
	jstr(b, "cause", f->notes.cause);
	jstr(b, "handling", f->notes.handling);
	jstr(b, "impact", f->notes.impact);
	jstr(b, "prevention", f->notes.prevention);
	jstr(b, "author", f->notes.author);
	jstr(b, "reviewed", f->notes.reviewed);
	jclose(b, '}');
	pl_buf_putc(b, ',');
	json_log(f->h, b);
	jclose(b, '}');
	pl_buf_putc(b, '\n');
}

/* ------------------------------------------------------------------ HTML */

/* The page's head: no outside fonts, images or scripts (the CSP forbids them), a table
 * style for screen and print. */
static void
html_head(struct pl_buf *b, const char *title)
{
	char lang[32];

	pl_i18n_tag(lang, sizeof(lang));
	pl_buf_printf(b, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n", lang);
	pl_buf_puts(b, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		    "style-src 'unsafe-inline'; img-src data:\">\n"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		    "<title>");
	pl_html_text(b, title);
	pl_buf_puts(b, "</title>\n<style>\n"
		    "body{font-family:sans-serif;margin:1.5em;color:#222;max-width:70em}\n"
		    "h1{font-size:1.4em;margin-bottom:.2em}h2{font-size:1.1em;margin-top:1.4em;"
		    "border-bottom:1px solid #bbb}\n"
		    "table{border-collapse:collapse;margin:.4em 0;width:100%}\n"
		    "th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;"
		    "vertical-align:top}\nth{background:#eee}\n"
		    "td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
		    "td.id{white-space:nowrap;font-family:monospace}\n"
		    ".bad{background:#fdd}.ok{background:#dfd}.warn{background:#ffd}\n"
		    ".muted{color:#666;font-size:.9em}\n"
		    "@page{size:A4;margin:12mm}\n"
		    "@media print{body{margin:0;max-width:none}h2{break-after:avoid}"
		    "tr{break-inside:avoid}th{background:#eee !important;"
		    "-webkit-print-color-adjust:exact;print-color-adjust:exact}}\n"
		    "</style>\n</head>\n<body>\n");
}

static void
html_row(struct pl_buf *b, const char *label, const char *value)
{
	pl_buf_puts(b, "<tr><th scope=\"row\">");
	pl_html_text(b, label);
	pl_buf_puts(b, "</th><td>");
	pl_html_text(b, value);
	pl_buf_puts(b, "</td></tr>\n");
}

static void
html_log(const struct history *h, struct pl_buf *b)
{
	char a[64], z[64];

	pl_buf_puts(b, "<p class=\"muted\">");
	pl_buf_printf(b, P_("From %zu log file (%s to %s): %zu lines, %zu events, %zu "
			    "malformed lines.", "From %zu log files (%s to %s): %zu lines, %zu "
			    "events, %zu malformed lines.", h->npaths), h->npaths,
		      when(h->counts.first, a, sizeof(a)), when(h->counts.last, z, sizeof(z)),
		      h->counts.lines, h->counts.events, h->counts.malformed);
	pl_buf_putc(b, ' ');
	pl_buf_printf(b, _("Made by %s %s."), PROG, PACKAGE_VERSION);
	pl_buf_puts(b, "</p>\n</body>\n</html>\n");
}

static void
fault_html_head(const struct fault *f, struct pl_buf *b)
{
	const struct pl_incident *in = f->in;
	struct pl_buf v = PL_BUF_INIT, w = PL_BUF_INIT;
	char t[64], d[64], r[1100];

	pl_buf_printf(b, "<table class=\"fault\">\n");
	html_row(b, _("Host"), in->host);
	if (in->service)
		html_row(b, _("Service"), in->service);
	html_row(b, _("Severity"), in->severity_word);
	html_row(b, _("Status"), in->recovered ? _("recovered") : _("open"));
	pl_buf_printf(&v, "%s - %s", when(in->detected, t, sizeof(t)), in->detect_output);
	html_row(b, _("First detection"), pl_buf_str(&v));
	pl_buf_reset(&v);
	if (in->notified) {
		with_roles(f->cfg, in->notified_to, &w);
		pl_buf_printf(&v, _("%s to %s"), when(in->notified, t, sizeof(t)), pl_buf_str(&w));
	} else {
		pl_buf_puts(&v, when(in->notified, t, sizeof(t)));
	}
	html_row(b, _("First notification"), pl_buf_str(&v));
	pl_buf_reset(&v);
	if (in->acked)
		pl_buf_printf(&v, _("%s by %s: %s"), when(in->acked, t, sizeof(t)),
			      role_of(f->cfg, in->ack_author, r, sizeof(r)), in->ack_comment);
	else
		pl_buf_puts(&v, when(in->acked, t, sizeof(t)));
	html_row(b, _("Acknowledged"), pl_buf_str(&v));
	pl_buf_reset(&v);
	pl_buf_printf(&v, "%zu", in->nescalations);
	if (in->escalated_to)
		pl_buf_printf(&v, ": %s", in->escalated_to);
	html_row(b, _("Escalations"), pl_buf_str(&v));
	html_row(b, _("Recovered"), when(in->recovered, t, sizeof(t)));
	html_row(b, _("Time to acknowledge"), span(tta(in), d, sizeof(d)));
	html_row(b, _("Time to recover"), span(ttr(in), d, sizeof(d)));
	pl_buf_puts(b, "</table>\n");
	pl_buf_free(&v);
	pl_buf_free(&w);
}

static void
fault_html(const struct fault *f, struct pl_buf *b)
{
	const struct pl_incident *in = f->in;
	char t[64], title[600];

	pl_snprintf(title, sizeof(title), _("Fault report %s"), in->id);
	html_head(b, title);
	pl_buf_puts(b, "<h1>");
	pl_html_text(b, title);
	pl_buf_puts(b, "</h1>\n");
	fault_html_head(f, b);
	pl_buf_printf(b, "<h2>%s</h2>\n<table class=\"steps\">\n<tr><th>%s</th><th>%s</th>"
		      "<th>%s</th><th>%s</th><th>%s</th></tr>\n", _("Timeline"), _("Time"),
		      _("Step"), _("State"), _("Who"), _("Output or comment"));
	for (size_t i = 0; i < in->nsteps; i++) {
		const struct pl_inc_step *s = &in->steps[i];

		pl_buf_printf(b, "<tr><td>%s</td><td>", when(s->time, t, sizeof(t)));
		pl_html_text(b, pl_step_title(s->kind));
		pl_buf_puts(b, "</td><td>");
		pl_html_text(b, s->state_word);
		pl_buf_puts(b, "</td><td>");
		pl_html_text(b, s->who);
		pl_buf_puts(b, "</td><td>");
		pl_html_text(b, s->text);
		pl_buf_puts(b, "</td></tr>\n");
	}
	pl_buf_printf(b, "</table>\n<h2>%s</h2>\n<table class=\"notes\">\n",
		      _("Technician's notes"));
	for (int i = 0; i < 4; i++)
		html_row(b, pl_tr(note_labels[i]), note_value(&f->notes, i) ?
			 note_value(&f->notes, i) : _("(missing)"));
	if (f->notes.author)
		html_row(b, _("Written by"), f->notes.author);
	pl_buf_printf(b, "</table>\n<p class=\"muted\">%s ", _("Notes file:"));
	pl_html_text(b, f->notes_path);
	if (!f->has_notes)
		pl_buf_printf(b, " %s", _("(not written yet)"));
	pl_buf_puts(b, "</p>\n");
	html_log(f->h, b);
}

/* ------------------------------------------------------------------ the review */

#define MISS_CAUSE 1u
#define MISS_PREVENTION 2u
#define MISS_FILE 4u

struct review {
	const struct cfg *cfg;
	const struct history *h;
	struct pl_review r;
	unsigned *missing;       /* per r.in_period: MISS_* */
	size_t nmissing;         /* fault reports missing cause or prevention */
};

static bool
breach(const struct review *rv, const struct pl_avail *a)
{
	return a->percent >= 0 && a->percent < rv->cfg->target;
}

static void
find_missing(struct review *rv)
{
	rv->missing = calloc(rv->r.nin ? rv->r.nin : 1, sizeof(*rv->missing));
	if (rv->missing == NULL)
		die(_("out of memory"));
	for (size_t i = 0; i < rv->r.nin; i++) {
		struct pl_fault_notes n;
		char path[4096];

		if (read_notes(rv->cfg, rv->r.in_period[i]->id, &n, path, sizeof(path)) == 0)
			rv->missing[i] = MISS_FILE | MISS_CAUSE | MISS_PREVENTION;
		if (n.cause == NULL || n.cause[0] == '\0')
			rv->missing[i] |= MISS_CAUSE;
		if (n.prevention == NULL || n.prevention[0] == '\0')
			rv->missing[i] |= MISS_PREVENTION;
		if (rv->missing[i])
			rv->nmissing++;
		pl_notes_free(&n);
	}
}

static const char *
pct(double p, char *buf, size_t len)
{
	if (p < 0)
		pl_strlcpy(buf, "-", len);
	else
		pl_snprintf(buf, len, "%.3f %%", p);
	return buf;
}

static const char *
missing_words(unsigned m)
{
	if (m & MISS_FILE)
		return _("no notes file");
	if ((m & MISS_CAUSE) && (m & MISS_PREVENTION))
		return _("cause, prevention");
	return m & MISS_CAUSE ? _("cause") : _("prevention");
}

static void
review_text_avail(const struct review *rv, struct pl_buf *b)
{
	char name[1100], p[32], o[64], d[64];

	pl_buf_putc(b, '\n');
	pl_buf_printf(b, rv->cfg->hours.set ?
		      _("Availability (scheduled downtime not counted, business hours only; "
			"target %s %%):\n") :
		      _("Availability (scheduled downtime not counted; target %s %%):\n"),
		      pl_fmt_num(p, sizeof(p), rv->cfg->target, 3));
	pl_buf_puts(b, "  ");
	pad(b, _("HOST / SERVICE"), 36);
	pl_buf_putc(b, ' ');
	rpad(b, _("AVAILABILITY"), 12);
	pl_buf_putc(b, ' ');
	rpad(b, _("OUTAGE"), 12);
	pl_buf_putc(b, ' ');
	rpad(b, _("DOWNTIME"), 12);
	pl_buf_putc(b, ' ');
	rpad(b, _("INCIDENTS"), 9);
	pl_buf_putc(b, '\n');
	for (size_t i = 0; i < rv->r.navail; i++) {
		const struct pl_avail *a = &rv->r.avail[i];

		if (rv->cfg->breaches_only && !breach(rv, a))
			continue;
		pl_buf_printf(b, "  %-36s %12s %12s %12s %9zu%s\n",
			      obj_name(a->obj->host, a->obj->service, name, sizeof(name)),
			      pct(a->percent, p, sizeof(p)), span((double)a->outage, o, sizeof(o)),
			      span((double)a->downtime, d, sizeof(d)), a->incidents,
			      breach(rv, a) ? _("  below target") : "");
	}
}

static void
review_text_roles(const struct review *rv, struct pl_buf *b)
{
	const struct pl_review *r = &rv->r;
	char a[64], c[64];

	pl_buf_printf(b, _("\nIncidents: %zu (critical %zu, warning %zu, unknown %zu); "
			   "acknowledged %zu, recovered %zu\n"), r->incidents, r->by_severity[2],
		      r->by_severity[1], r->by_severity[3], r->acked, r->recovered);
	pl_buf_printf(b, _("Mean time to acknowledge %s, to recover %s (from first detection)\n"),
		      span(r->mtta, a, sizeof(a)), span(r->mttr, c, sizeof(c)));
	pl_buf_printf(b, "\n%s\n  ", _("Per role:"));
	pad(b, _("ROLE"), 28);
	pl_buf_putc(b, ' ');
	rpad(b, _("INCIDENTS"), 9);
	pl_buf_putc(b, ' ');
	rpad(b, _("ESCALATED"), 9);
	pl_buf_printf(b, " %12s %12s\n", "MTTA", "MTTR");
	for (size_t i = 0; i < r->nroles; i++) {
		pl_buf_puts(b, "  ");
		pad(b, role_name(r->roles[i].role), 28);
		pl_buf_printf(b, " %9zu %9zu %12s %12s\n", r->roles[i].incidents,
			      r->roles[i].escalated, span(r->roles[i].mtta, a, sizeof(a)),
			      span(r->roles[i].mttr, c, sizeof(c)));
	}
}

static void
review_text_lists(const struct review *rv, struct pl_buf *b)
{
	const struct pl_review *r = &rv->r;
	char t[64], name[1100], a[64], c[64];

	pl_buf_printf(b, "\n%s\n", _("Incidents of the period:"));
	for (size_t i = 0; i < r->nin; i++) {
		const struct pl_incident *in = r->in_period[i];

		pl_buf_printf(b, "  %s  %s  %-30s %-8s ", in->id, when(in->detected, t, sizeof(t)),
			      obj_name(in->host, in->service, name, sizeof(name)),
			      in->severity_word);
		pl_buf_printf(b, _("TTA %s, TTR %s"), span(tta(in), a, sizeof(a)),
			      span(ttr(in), c, sizeof(c)));
		pl_buf_printf(b, "%s\n", in->recovered ? "" : _(", open"));
	}
	pl_buf_printf(b, _("\nFaults open at the end of the period: %zu\n"), r->nopen);
	for (size_t i = 0; i < r->nopen; i++)
		pl_buf_printf(b, "  %s  %s  %s %s%s\n", r->open[i]->id,
			      when(r->open[i]->detected, t, sizeof(t)),
			      obj_name(r->open[i]->host, r->open[i]->service, name, sizeof(name)),
			      r->open[i]->severity_word,
			      r->open[i]->acked ? _(", acknowledged") : _(", not acknowledged"));
	pl_buf_printf(b, _("\nFault reports missing their cause or prevention: %zu\n"),
		      rv->nmissing);
	for (size_t i = 0; i < r->nin; i++)
		if (rv->missing[i])
			pl_buf_printf(b, "  %s  %s: %s\n", r->in_period[i]->id,
				      obj_name(r->in_period[i]->host, r->in_period[i]->service,
					       name, sizeof(name)), missing_words(rv->missing[i]));
}

static void
review_text(const struct review *rv, struct pl_buf *b)
{
	char a[64], z[64];

	pl_buf_printf(b, _("Supervision review %s to %s\n"), when(rv->r.from, a, sizeof(a)),
		      when(rv->r.to, z, sizeof(z)));
	if (rv->cfg->hours.set)
		pl_buf_printf(b, _("Business hours: %s\n"), rv->cfg->hours_spec);
	review_text_avail(rv, b);
	review_text_roles(rv, b);
	review_text_lists(rv, b);
	pl_buf_putc(b, '\n');
	pl_buf_printf(b, P_("From %zu log file (%s to %s): %zu lines, %zu events, %zu "
			    "malformed lines.\n", "From %zu log files (%s to %s): %zu lines, %zu "
			    "events, %zu malformed lines.\n", rv->h->npaths), rv->h->npaths,
		      when(rv->h->counts.first, a, sizeof(a)),
		      when(rv->h->counts.last, z, sizeof(z)), rv->h->counts.lines,
		      rv->h->counts.events, rv->h->counts.malformed);
}

static void
review_json_avail(const struct review *rv, struct pl_buf *b)
{
	pl_buf_puts(b, "\"availability\":[");
	for (size_t i = 0; i < rv->r.navail; i++) {
		const struct pl_avail *a = &rv->r.avail[i];

		if (rv->cfg->breaches_only && !breach(rv, a))
			continue;
		pl_buf_putc(b, '{');
		jstr(b, "host", a->obj->host);
		jstr(b, "service", a->obj->service);
		jnum(b, "percent", a->percent);
		pl_buf_printf(b, "\"period_s\":%lld,\"downtime_s\":%lld,\"outage_s\":%lld,"
			      "\"incidents\":%zu,\"breach\":%s}", (long long)a->period,
			      (long long)a->downtime, (long long)a->outage, a->incidents,
			      breach(rv, a) ? "true" : "false");
		pl_buf_putc(b, ',');
	}
	jclose(b, ']');
	pl_buf_putc(b, ',');
}

static void
review_json_roles(const struct review *rv, struct pl_buf *b)
{
	const struct pl_review *r = &rv->r;

	pl_buf_printf(b, "\"incidents\":{\"total\":%zu,\"warning\":%zu,\"critical\":%zu,"
		      "\"unknown\":%zu,\"acknowledged\":%zu,\"recovered\":%zu,", r->incidents,
		      r->by_severity[1], r->by_severity[2], r->by_severity[3], r->acked,
		      r->recovered);
	jnum(b, "mtta_s", r->mtta);
	jnum(b, "mttr_s", r->mttr);
	jclose(b, '}');
	pl_buf_puts(b, ",\"roles\":[");
	for (size_t i = 0; i < r->nroles; i++) {
		pl_buf_putc(b, '{');
		jstr(b, "role", r->roles[i].role);
		pl_buf_printf(b, "\"incidents\":%zu,\"escalated\":%zu,\"acknowledged\":%zu,"
			      "\"recovered\":%zu,", r->roles[i].incidents, r->roles[i].escalated,
			      r->roles[i].acked, r->roles[i].recovered);
		jnum(b, "mtta_s", r->roles[i].mtta);
		jnum(b, "mttr_s", r->roles[i].mttr);
		jclose(b, '}');
		pl_buf_putc(b, ',');
	}
	jclose(b, ']');
	pl_buf_putc(b, ',');
}

static void
review_json_lists(const struct review *rv, struct pl_buf *b)
{
	const struct pl_review *r = &rv->r;

	pl_buf_puts(b, "\"in_period\":[");
	for (size_t i = 0; i < r->nin; i++) {
		json_incident(r->in_period[i], false, b);
		pl_buf_putc(b, ',');
	}
	jclose(b, ']');
	pl_buf_puts(b, ",\"open\":[");
	for (size_t i = 0; i < r->nopen; i++) {
		json_incident(r->open[i], false, b);
		pl_buf_putc(b, ',');
	}
	jclose(b, ']');
	pl_buf_puts(b, ",\"missing_notes\":[");
	for (size_t i = 0; i < r->nin; i++) {
		unsigned m = rv->missing[i];

		if (m == 0)
			continue;
		pl_buf_putc(b, '{');
		jstr(b, "id", r->in_period[i]->id);
		pl_buf_printf(b, "\"file\":%s,\"cause\":%s,\"prevention\":%s},",
			      m & MISS_FILE ? "false" : "true", m & MISS_CAUSE ? "false" : "true",
			      m & MISS_PREVENTION ? "false" : "true");
	}
	jclose(b, ']');
	pl_buf_putc(b, ',');
}

static void
review_json(const struct review *rv, struct pl_buf *b)
{
	pl_buf_printf(b, "{\"schema\":\"plumbline-report\",\"schema_version\":%d,"
		      "\"report\":\"review\",\"period\":{", SCHEMA_VERSION);
	jtime(b, "from", rv->r.from);
	jtime(b, "to", rv->r.to);
	jstr(b, "business_hours", rv->cfg->hours.set ? rv->cfg->hours_spec : NULL);
	jclose(b, '}');
	pl_buf_putc(b, ',');
	jnum(b, "target", rv->cfg->target);
	pl_buf_printf(b, "\"breaches_only\":%s,", rv->cfg->breaches_only ? "true" : "false");
	review_json_avail(rv, b);
	review_json_roles(rv, b);
	review_json_lists(rv, b);
	json_log(rv->h, b);
	jclose(b, '}');
	pl_buf_putc(b, '\n');
}

static void
review_html_avail(const struct review *rv, struct pl_buf *b)
{
	char name[1100], p[32], o[64], d[64];

	pl_buf_printf(b, "<h2>%s</h2>\n<p>", _("Availability"));
	pl_buf_printf(b, rv->cfg->hours.set ?
		      _("Scheduled downtime not counted; business hours only; target %s %%.") :
		      _("Scheduled downtime not counted; target %s %%."),
		      pl_fmt_num(p, sizeof(p), rv->cfg->target, 3));
	pl_buf_printf(b, "</p>\n<table class=\"availability\">\n<tr><th>%s</th><th>%s</th>"
		      "<th>%s</th><th>%s</th><th>%s</th></tr>\n", _("Host / service"),
		      _("Availability"), _("Outage"), _("Downtime"), _("Incidents"));
	for (size_t i = 0; i < rv->r.navail; i++) {
		const struct pl_avail *a = &rv->r.avail[i];

		if (rv->cfg->breaches_only && !breach(rv, a))
			continue;
		pl_buf_printf(b, "<tr class=\"%s\"><td>", breach(rv, a) ? "bad" : "ok");
		pl_html_text(b, obj_name(a->obj->host, a->obj->service, name, sizeof(name)));
		pl_buf_printf(b, "</td><td class=\"num\">%s</td><td class=\"num\">%s</td>"
			      "<td class=\"num\">%s</td><td class=\"num\">%zu</td></tr>\n",
			      pct(a->percent, p, sizeof(p)), span((double)a->outage, o, sizeof(o)),
			      span((double)a->downtime, d, sizeof(d)), a->incidents);
	}
	pl_buf_puts(b, "</table>\n");
}

static void
review_html_roles(const struct review *rv, struct pl_buf *b)
{
	const struct pl_review *r = &rv->r;
	char a[64], c[64];

	pl_buf_printf(b, "<h2>%s</h2>\n<table class=\"summary\">\n<tr><th>%s</th><th>%s</th>"
		      "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>MTTA</th><th>MTTR</th>"
		      "</tr>\n", _("Incidents and response"), _("Incidents"), _("Critical"),
		      _("Warning"), _("Unknown"), _("Acknowledged"), _("Recovered"));
	pl_buf_printf(b, "<tr><td class=\"num\">%zu</td><td class=\"num\">%zu</td><td class=\"num\">"
		      "%zu</td><td class=\"num\">%zu</td><td class=\"num\">%zu</td>"
		      "<td class=\"num\">%zu</td><td class=\"num\">%s</td><td class=\"num\">%s"
		      "</td></tr>\n</table>\n", r->incidents, r->by_severity[2], r->by_severity[1],
		      r->by_severity[3], r->acked, r->recovered, span(r->mtta, a, sizeof(a)),
		      span(r->mttr, c, sizeof(c)));
	pl_buf_printf(b, "<table class=\"roles\">\n<tr><th>%s</th><th>%s</th><th>%s</th>"
		      "<th>MTTA</th><th>MTTR</th></tr>\n", _("Role"), _("Incidents"),
		      C_("review column: incidents escalated to the role", "Escalated to"));
	for (size_t i = 0; i < r->nroles; i++) {
		pl_buf_puts(b, "<tr><td>");
		pl_html_text(b, role_name(r->roles[i].role));
		pl_buf_printf(b, "</td><td class=\"num\">%zu</td><td class=\"num\">%zu</td>"
			      "<td class=\"num\">%s</td><td class=\"num\">%s</td></tr>\n",
			      r->roles[i].incidents, r->roles[i].escalated,
			      span(r->roles[i].mtta, a, sizeof(a)),
			      span(r->roles[i].mttr, c, sizeof(c)));
	}
	pl_buf_puts(b, "</table>\n");
}

static void
html_incident_row(struct pl_buf *b, const struct pl_incident *in, const char *extra)
{
	char t[64], name[1100], a[64], c[64];

	pl_buf_printf(b, "<tr class=\"%s\"><td class=\"id\">%s</td><td>%s</td><td>",
		      in->recovered ? "" : "bad", in->id, when(in->detected, t, sizeof(t)));
	pl_html_text(b, obj_name(in->host, in->service, name, sizeof(name)));
	pl_buf_puts(b, "</td><td>");
	pl_html_text(b, in->severity_word);
	pl_buf_printf(b, "</td><td class=\"num\">%s</td><td class=\"num\">%s</td><td>",
		      span(tta(in), a, sizeof(a)),
		      span(ttr(in), c,
			   sizeof(c)));
	pl_html_text(b, extra);
	pl_buf_puts(b, "</td></tr>\n");
}

static void
review_html_lists(const struct review *rv, struct pl_buf *b)
{
	const struct pl_review *r = &rv->r;
	char head[1024];

	pl_snprintf(head, sizeof(head), "<tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
		    "<th>TTA</th><th>TTR</th><th>%s</th></tr>\n", _("ID"), _("Detected"),
		    _("Host / service"), _("Severity"), _("Note"));
	pl_buf_printf(b, "<h2>%s</h2>\n<table class=\"incidents\">\n%s",
		      _("Incidents of the period"), head);
	for (size_t i = 0; i < r->nin; i++)
		html_incident_row(b, r->in_period[i], r->in_period[i]->recovered ? "" : _("open"));
	pl_buf_puts(b, "</table>\n<h2>");
	pl_buf_printf(b, _("Faults open at the end of the period (%zu)"), r->nopen);
	pl_buf_printf(b, "</h2>\n<table class=\"open\">\n%s", head);
	for (size_t i = 0; i < r->nopen; i++)
		html_incident_row(b, r->open[i], r->open[i]->acked ? _("acknowledged") :
				  _("not acknowledged"));
	pl_buf_puts(b, "</table>\n<h2>");
	pl_buf_printf(b, _("Fault reports missing their cause or prevention (%zu)"),
		      rv->nmissing);
	pl_buf_printf(b, "</h2>\n<table class=\"missing\">\n%s", head);
	for (size_t i = 0; i < r->nin; i++)
		if (rv->missing[i])
			html_incident_row(b, r->in_period[i], missing_words(rv->missing[i]));
	pl_buf_puts(b, "</table>\n");
}

static void
review_html(const struct review *rv, struct pl_buf *b)
{
	char a[64], z[64], title[256];

	pl_snprintf(title, sizeof(title), _("Supervision review %s to %s"),
		    when(rv->r.from, a, sizeof(a)), when(rv->r.to, z, sizeof(z)));
	html_head(b, title);
	pl_buf_puts(b, "<h1>");
	pl_html_text(b, title);
	pl_buf_puts(b, "</h1>\n");
	if (rv->cfg->hours.set) {
		pl_buf_printf(b, "<p>%s ", _("Business hours:"));
		pl_html_text(b, rv->cfg->hours_spec);
		pl_buf_puts(b, "</p>\n");
	}
	review_html_avail(rv, b);
	review_html_roles(rv, b);
	review_html_lists(rv, b);
	html_log(rv->h, b);
}

/* ------------------------------------------------------------------ main */

static const struct pl_incident *
pick_incident(const struct cfg *c, const struct history *h)
{
	const struct pl_incident *in;
	char t[64], name[1100];

	if (c->incident != NULL) {
		in = pl_inc_find(&h->inc, c->incident);
		if (in == NULL)
			die(_("no incident %s in the log (plumbline-report review lists the IDs)"),
			    c->incident);
		return in;
	}
	in = pl_inc_at(&h->inc, c->host, c->service, c->at_t);
	if (in == NULL)
		die(_("no incident of %s at or before %s in the log"),
		    obj_name(c->host, c->service, name, sizeof(name)), when(c->at_t, t, sizeof(t)));
	return in;
}

static void
run_fault(const struct cfg *c, const struct history *h, struct pl_buf *out)
{
	struct fault f;

	memset(&f, 0, sizeof(f));
	f.cfg = c;
	f.h = h;
	f.in = pick_incident(c, h);
	f.has_notes = read_notes(c, f.in->id, &f.notes, f.notes_path, sizeof(f.notes_path));
	if (c->format == FMT_JSON)
		fault_json(&f, out);
	else if (c->format == FMT_HTML)
		fault_html(&f, out);
	else
		fault_text(&f, out);
	pl_notes_free(&f.notes);
}

static void
run_review(const struct cfg *c, const struct history *h, struct pl_buf *out)
{
	struct review rv;

	memset(&rv, 0, sizeof(rv));
	rv.cfg = c;
	rv.h = h;
	if (pl_inc_review(&h->inc, c->from_t, c->to_t, &c->hours, &c->roles, &rv.r) != 0)
		die(_("out of memory"));
	find_missing(&rv);
	if (c->format == FMT_JSON)
		review_json(&rv, out);
	else if (c->format == FMT_HTML)
		review_html(&rv, out);
	else
		review_text(&rv, out);
	free(rv.missing);
	pl_review_free(&rv.r);
}

/* --language, found before parsing so that its errors are in that language too (a
 * malformed one is the parser's to report). */
static const char *
scan_language(int argc, char **argv)
{
	const char *v = NULL;

	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], "--language=", 11) == 0)
			v = argv[i] + 11;
		else if (strcmp(argv[i], "--language") == 0 && i + 1 < argc)
			v = argv[++i];
		else if (strcmp(argv[i], "--") == 0)
			break;
	}
	return v != NULL && pl_i18n_valid(v) ? v : NULL;
}

int
main(int argc, char **argv)
{
	struct cfg c = { .notes_dir = DEFAULT_NOTES, .target = 99.9 };
	struct pl_opt_parser p;
	struct history h;
	struct pl_buf out;

	if (argc == 2 && strcmp(argv[1], "--man") == 0) {
		help_man();
		return 3;
	}
	memset(&h, 0, sizeof(h));
	pl_i18n_init(scan_language(argc, argv));
	parse(argc, argv, &c, &p);
	load(&c, &h);
	pl_buf_init(&out, (size_t)256 << 20);
	if (c.cmd == CMD_FAULT)
		run_fault(&c, &h, &out);
	else
		run_review(&c, &h, &out);
	if (out.truncated || out.oom)
		die(_("the report is larger than 256 MiB"));
	if (fwrite(out.data, 1, out.len, stdout) != out.len || fflush(stdout) != 0)
		die(_("cannot write the report: %s"), strerror(errno));
	pl_buf_free(&out);
	history_free(&h);
	pl_roles_free(&c.roles);
	pl_opt_free(&p);
	return 0;
}
