/* check_log_errors: new error lines in log files and new error entries in the systemd
 * journal, since the last run.
 *
 * Plain log files go through pl_tail (rotation, copytruncate, caps, a position that
 * survives reboots) and pl_match (fixed strings and regexes searched over whole blocks);
 * the journal goes through lib/ext's pl_journal (libsystemd, a saved cursor) when the
 * build found libsystemd. Each file, and the journal, is an item with its counts per
 * severity and its last matching lines. The state (positions, cursor, held states) is
 * saved only after every line was counted. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "pl_i18n.h"
#include "pl_buf.h"
#include "pl_clock.h"
#include "pl_deadline.h"
#include "pl_match.h"
#include "pl_plugin.h"
#include "pl_result.h"
#include "pl_store.h"
#include "pl_logitem.h"
#include "pl_tail.h"
#include "pl_timeout.h"
#ifdef HAVE_LIBSYSTEMD
#include "pl_journal.h"
#endif

#define MAX_FILES 32
#define MAX_PATTERNS 16          /* per option */
#define SHOW_MAX 50              /* --show-lines at most */
#define SHOW_LEN PL_SHOWN_LEN    /* bytes of a shown line, before escaping */

/* Classes of the matcher's patterns. */
#define BIT_CRIT 1u
#define BIT_WARN 2u
#define BIT_EXC 4u

struct le_config {
	struct pl_strlist files;
	struct pl_strlist crit_fixed, crit_re, warn_fixed, warn_re, exc_fixed, exc_re;
	bool from_start;
	double max_bytes;
	int64_t max_read_lines;
	double max_line;
	double hold;
	int64_t show;
	enum pl_state missing_state, lost_state, capped_state;
	/* the journal */
	bool journal;
	struct pl_strlist journal_files, units, idents, fields;
	int priority, crit_priority;
};

static int
le_file_check(const char *arg, char *err, size_t errlen)
{
	return pl_logitem_arg_check(arg, "/var/log/syslog", err, errlen);
}

static int
le_field_check(const char *arg, char *err, size_t errlen)
{
	const char *eq = strchr(arg, '=');

	if (eq == NULL || eq == arg) {
		pl_snprintf(err, errlen, _("not FIELD=VALUE (as _COMM=sshd or _TRANSPORT=kernel)"));
		return -1;
	}
	for (const char *p = arg; p < eq; p++) {
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_')) {
			pl_snprintf(err, errlen, _("a journal field name has only upper-case letters, "
				    "digits and '_' (as _SYSTEMD_UNIT)"));
			return -1;
		}
	}
	return 0;
}

static const struct pl_choice prio_choices[] = {
	{ "emerg", 0, false }, { "alert", 1, false }, { "crit", 2, false }, { "err", 3, false },
	{ "warning", 4, false }, { "notice", 5, false }, { "info", 6, false },
	{ "debug", 7, false }, { "none", -1, false }, { "0", 0, true }, { "1", 1, true },
	{ "2", 2, true }, { "3", 3, true }, { "4", 4, true }, { "5", 5, true },
	{ "6", 6, true }, { "7", 7, true }, { "error", 3, true }, { "emergency", 0, true },
	{ "critical", 2, true }, { NULL, 0, false },
};

#define PATTERN_OPT(nm, member, what, isre) \
	{ .name = nm, .type = PL_OPT_LIST, .arg = isre ? "ERE" : "TEXT", .max = MAX_PATTERNS, \
	  PL_OPT_AT(struct le_config, member), .flags = PL_OPT_IDENTITY, .help = what }

static const struct pl_option le_opts[] = {
	{ .name = "file", .type = PL_OPT_LIST, .arg = "[LABEL=]PATH", .max = MAX_FILES,
	  PL_OPT_AT(struct le_config, files), .check = le_file_check,
	  .flags = PL_OPT_SYNOPSIS | PL_OPT_IDENTITY,
	  .help = N_("A log file to read (an absolute path; repeatable, one item each). Only what "
		  "was appended since the last run is read. LABEL names the item and its "
		  "perfdata labels (default: the file's name, or the whole path when two files "
		  "share a name).") },
	PATTERN_OPT("critical-pattern", crit_fixed, N_("A line holding TEXT (a fixed string, case "
		    "sensitive) is a critical line."), false),
	PATTERN_OPT("critical-regex", crit_re, N_("A line matching ERE (a POSIX extended "
		    "regular expression) is a critical line."), true),
	PATTERN_OPT("warning-pattern", warn_fixed, N_("A line holding TEXT is a warning line, "
		    "unless it is a critical one."), false),
	PATTERN_OPT("warning-regex", warn_re, N_("A line matching ERE is a warning line, unless "
		    "it is a critical one."), true),
	PATTERN_OPT("exception-pattern", exc_fixed, N_("A line holding TEXT is not counted, "
		    "whatever else it matches (counted as ignored)."), false),
	PATTERN_OPT("exception-regex", exc_re, N_("A line matching ERE is not counted."), true),
	{ .name = "from-start", .type = PL_OPT_SWITCH, PL_OPT_AT(struct le_config, from_start),
	  .help = N_("On the first run (no position kept yet for a file, or no journal cursor), "
		  "read from the start. By default the first run starts at the end: old lines "
		  "are not news.") },
	{ .name = "max-read-bytes", .type = PL_OPT_SIZE, .min = 65536, .max = 1e12,
	  PL_OPT_AT(struct le_config, max_bytes),
	  .help = N_("Read at most this much per file per run (default 256MB); the rest is read "
		  "by the next runs, and the output says so. Keeps a run on a huge backlog "
		  "within the engine's timeout.") },
	{ .name = "max-read-lines", .type = PL_OPT_INT, .min = 1, .max = 1e12,
	  PL_OPT_AT(struct le_config, max_read_lines),
	  .help = N_("Read at most this many lines (journal entries) per file per run (default "
		  "5000000); the rest next run.") },
	{ .name = "max-line-length", .type = PL_OPT_SIZE, .min = 256, .max = 16777216,
	  PL_OPT_AT(struct le_config, max_line),
	  .help = N_("A longer line is matched on its first this many bytes and counted as one "
		  "cut line (default 64KB).") },
	{ .name = "hold", .type = PL_OPT_DURATION, .min = 0, .max = 30 * 86400,
	  PL_OPT_AT(struct le_config, hold),
	  .help = N_("Keep the state of the last matching line (CRITICAL or WARNING) for this "
		  "long after it, though later runs find nothing new (default 0: each run "
		  "says what it found). The output says until when. Matched lines are events "
		  "and the engine polls: without a hold, an error seen at one run is OK at the "
		  "next, maybe before anyone looked.") },
	{ .name = "show-lines", .type = PL_OPT_INT, .min = 0, .max = SHOW_MAX,
	  PL_OPT_AT(struct le_config, show),
	  .help = N_("Show the last this many matching lines of each file in the long output "
		  "(default 5; each cut at 300 bytes, control bytes escaped).") },
	{ .name = "missing-state", .type = PL_OPT_STATE,
	  PL_OPT_AT(struct le_config, missing_state),
	  .help = N_("State of a log file that does not exist (default unknown).") },
	{ .name = "lost-state", .type = PL_OPT_STATE, PL_OPT_AT(struct le_config, lost_state),
	  .help = N_("State when lines could not be read (default warning): a rotated file was "
		  "compressed or removed before this run could finish it, or a log was "
		  "truncated without a copy beside it.") },
	{ .name = "capped-state", .type = PL_OPT_STATE,
	  PL_OPT_AT(struct le_config, capped_state),
	  .help = N_("State when --max-read-bytes, --max-read-lines or the timeout stopped the "
		  "reading before the end (default ok; the output says so either way).") },
	{ .name = "journal", .type = PL_OPT_SWITCH, PL_OPT_AT(struct le_config, journal),
	  .flags = PL_OPT_SYNOPSIS | PL_OPT_IDENTITY,
	  .help = N_("Read the systemd journal (the system's, or the --journal-file ones) "
		  "since the last run's cursor: entries of --priority or more urgent, "
		  "those of --critical-priority or more urgent critical, the others warning; "
		  "an entry whose message matches a critical or warning pattern has that "
		  "severity whatever its priority, one matching an exception is not counted.") },
	{ .name = "journal-file", .type = PL_OPT_LIST, .arg = "PATH", .max = MAX_FILES,
	  PL_OPT_AT(struct le_config, journal_files), .check = le_file_check,
	  .flags = PL_OPT_IDENTITY,
	  .help = N_("Read these .journal files instead of the system journal (implies "
		  "--journal; repeatable).") },
	{ .name = "unit", .type = PL_OPT_LIST, .arg = "UNIT", .max = MAX_PATTERNS,
	  PL_OPT_AT(struct le_config, units), .flags = PL_OPT_IDENTITY,
	  .help = N_("Only entries of this systemd unit (_SYSTEMD_UNIT, as nginx.service; "
		  "repeatable: any of them).") },
	{ .name = "identifier", .type = PL_OPT_LIST, .arg = "NAME", .max = MAX_PATTERNS,
	  PL_OPT_AT(struct le_config, idents), .flags = PL_OPT_IDENTITY,
	  .help = N_("Only entries with this SYSLOG_IDENTIFIER (as sshd; repeatable: any of "
		  "them).") },
	{ .name = "field", .type = PL_OPT_LIST, .arg = "FIELD=VALUE", .max = MAX_PATTERNS,
	  PL_OPT_AT(struct le_config, fields), .check = le_field_check,
	  .flags = PL_OPT_IDENTITY,
	  .help = N_("Only entries with this field (as _TRANSPORT=kernel; repeatable: the same "
		  "field given twice is either value, different fields must all match).") },
	{ .name = "priority", .type = PL_OPT_CHOICE, .choices = prio_choices,
	  PL_OPT_AT(struct le_config, priority), .flags = PL_OPT_IDENTITY,
	  .help = N_("Count journal entries of this priority or more urgent (default err: err, "
		  "crit, alert, emerg); none: only entries matching a pattern.") },
	{ .name = "critical-priority", .type = PL_OPT_CHOICE, .choices = prio_choices,
	  PL_OPT_AT(struct le_config, crit_priority),
	  .help = N_("Journal entries of this priority or more urgent are critical, the other "
		  "counted ones warning (default crit).") },
	{ .name = NULL },
};

static const char *const le_primary[] = { "*_critical", NULL };

static const struct pl_plugin le_plugin = {
	.name = "check_log_errors",
	.service = "LOG_ERRORS",
	.purpose = N_("new error lines in log files and the systemd journal since the last run"),
	.description =
		N_("Reads what was appended to each --file since the last run (and, with "
		"--journal, the journal entries since the last run's cursor), counts the "
		"critical and warning lines, and shows the last of them.\n"
		"A line is critical when it matches a --critical-pattern or --critical-regex, "
		"else warning when it matches a --warning-pattern or --warning-regex; a line "
		"that matches an --exception-pattern or --exception-regex is not counted. "
		"CRITICAL: a critical line; WARNING: a warning line, or lines that could not "
		"be read (see --lost-state); UNKNOWN: a log that cannot be read (see "
		"--missing-state), bad options.\n"
		"Rotation is followed: a log renamed away (NAME.1, NAME-20261201, "
		"NAME.2026-12-01) is finished first, then the new one read from its start; a "
		"log truncated in place (copytruncate) is read from the copy beside it first; "
		"a log rewritten from the top is read again from its start. Compressed rotated "
		"files (.gz, .xz, .zst, .bz2) are never read: when lines were only there, the "
		"output says they were lost. No line is counted twice, and none is skipped "
		"without saying so. A last line without its newline is counted once it is "
		"complete.\n"
		"The position in each file (device, inode, offset and fingerprints of its "
		"bytes) and the journal cursor survive reboots, and are saved only after the "
		"lines were counted. The state key covers the files and patterns: after "
		"editing a pattern, give --state-key to keep the positions. Read access: "
		"/var/log files usually need the adm group, the system journal the "
		"systemd-journal group (see the README)."),
	.options = le_opts,
	.primary = le_primary,
	.metrics =
		N_("For each file (LABEL: its name, or the --file label) and for the journal "
		"(LABEL journal): LABEL_critical and LABEL_warning (lines counted this run), "
		"LABEL_ignored (lines an exception left out), LABEL_lines (lines or entries "
		"read this run), LABEL_bytes (bytes read this run; files only). By default "
		"any critical line is CRITICAL and any warning line WARNING (the ranges "
		"shown in perfdata); --criticalx 'auth.log_critical=5' tolerates up to 5."),
	.examples =
		N_("  check_log_errors --file /var/log/syslog --critical-regex 'EXT4-fs error|I/O "
		"error|Out of memory' --warning-pattern segfault\n"
		"      Disk errors and OOM kills are CRITICAL, crashes WARNING.\n"
		"  check_log_errors --file auth=/var/log/auth.log --warning-regex 'Failed password "
		"for .* from' --exception-pattern 'from 192.0.2.' --hold 30min\n"
		"      Failed logins, except from the admin network; WARNING stays 30 minutes.\n"
		"  check_log_errors --journal --unit nginx.service --unit php8.2-fpm.service\n"
		"      Journal entries of err and worse from two units since the last run.\n"
		"  check_log_errors --journal --priority warning --exception-regex "
		"'^pam_unix\\(cron'\n"
		"      Warnings and worse, leaving out cron's PAM chatter.\n"),
	.uses_state = true,
};

/* What one source (a file or the journal) gave this run. */
struct le_source {
	const char *label;
	const char *path;            /* NULL: the journal */
	uint64_t crit, warn, ignored, lines, bytes;
	struct pl_shown *shown;      /* the last cfg->show lines */
	bool cut_now;                /* the block being matched is one cut line */
};

static void
keep_line(struct le_source *s, const char *line, size_t len, enum pl_state st, bool cut)
{
	/* The tag is the severity a person reads before the line ("critical: ..."). */
	pl_shown_keep(s->shown, line, len, st, st == PL_CRITICAL ? _("critical") : _("warning"),
		      cut);
}

/* A line the matcher found: its class, counted. */
static void
on_match(void *ctx, const char *line, size_t len, unsigned bits)
{
	struct le_source *s = ctx;

	if (bits & BIT_EXC) {
		s->ignored++;
		return;
	}
	if (bits & BIT_CRIT)
		s->crit++;
	else
		s->warn++;
	keep_line(s, line, len, bits & BIT_CRIT ? PL_CRITICAL : PL_WARNING, s->cut_now);
}

struct le_scan {
	const struct pl_matcher *m;
	struct le_source *s;
};

static void
on_lines(void *ctx, const char *buf, size_t len, size_t nlines, bool cut)
{
	struct le_scan *sc = ctx;

	sc->s->cut_now = cut;
	pl_matcher_scan(sc->m, buf, len, on_match, sc->s);
	sc->s->cut_now = false;
}

/* The patterns of the options into m; a bad one is a usage error naming its option. */
static void
le_patterns(const struct le_config *cfg, struct pl_matcher *m)
{
	const struct {
		const struct pl_strlist *l;
		const char *opt;
		bool re, trigger;
		unsigned bit;
	} sets[] = {
		{ &cfg->crit_fixed, "--critical-pattern", false, true, BIT_CRIT },
		{ &cfg->crit_re, "--critical-regex", true, true, BIT_CRIT },
		{ &cfg->warn_fixed, "--warning-pattern", false, true, BIT_WARN },
		{ &cfg->warn_re, "--warning-regex", true, true, BIT_WARN },
		{ &cfg->exc_fixed, "--exception-pattern", false, false, BIT_EXC },
		{ &cfg->exc_re, "--exception-regex", true, false, BIT_EXC },
	};
	char err[512];

	pl_matcher_init(m);
	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
		for (size_t k = 0; k < sets[i].l->n; k++)
			if (pl_matcher_add(m, sets[i].l->v[k], sets[i].re, sets[i].trigger,
					   sets[i].bit, err, sizeof(err)) != 0)
				pl_usage_die(_("%s (argument %zu): %s"), sets[i].opt, k + 1, err);
}

/* The item's label: the --file label, else the file's name, else (two files of one name)
 * the path. */
static const char *
le_label(const struct le_config *cfg, size_t i, const char **path)
{
	const char *arg = cfg->files.v[i], *base;
	size_t n;

	*path = pl_logitem_arg_path(arg, &n);
	if (n > 0) {
		static char labels[MAX_FILES][256];

		n = n < 255 ? n : 255;
		memcpy(labels[i], arg, n);
		labels[i][n] = '\0';
		return labels[i];
	}
	base = strrchr(arg, '/') + 1;
	for (size_t k = 0; k < cfg->files.n; k++) {
		const char *o = cfg->files.v[k], *ob = strrchr(o, '/');

		if (k != i && ob != NULL && strcmp(ob + 1, base) == 0)
			return arg;
	}
	return *base ? base : arg;
}

/* The counts of a source as its item's metrics, with the default ranges: any critical
 * line is CRITICAL, any warning line WARNING. */
static void
le_metrics(struct pl_item *it, const struct le_source *s)
{
	struct pl_metric *m;
	char err[64];

	m = pl_item_metric(it, "critical", (double)s->crit, PL_U_NONE);
	m->has_min = true;
	pl_range_parse("0", &m->crit, err, sizeof(err));
	m = pl_item_metric(it, "warning", (double)s->warn, PL_U_NONE);
	m->has_min = true;
	pl_range_parse("0", &m->warn, err, sizeof(err));
	pl_item_metric(it, "ignored", (double)s->ignored, PL_U_NONE)->has_min = true;
	pl_item_metric(it, "lines", (double)s->lines, PL_U_NONE)->has_min = true;
	if (s->path != NULL)
		pl_item_metric(it, "bytes", (double)s->bytes, PL_U_BYTES)->has_min = true;
}

/* The hold: this run's state by the default rule (a critical line: CRITICAL, a warning
 * line: WARNING), or the held one, as a finding. */
static void
le_hold(const struct le_config *cfg, struct pl_store *st, struct pl_item *it,
	const char *key, const struct le_source *s, const struct pl_time *now)
{
	enum pl_state run = s->crit ? PL_CRITICAL : s->warn ? PL_WARNING : PL_OK;

	/* TRANSLATORS: the noun of "the last critical line came within --hold". */
	pl_logitem_hold(it, st, key, run, now, NULL, cfg->hold, _("line"));
}

/* One file: read what is new, count, keep the position. */
static void
le_file(const struct le_config *cfg, const struct pl_matcher *m, struct pl_store *st,
	struct pl_result *r, size_t i, const struct pl_time *now, struct pl_shown *ring)
{
	struct le_source s;
	struct le_scan sc = { m, &s };
	struct pl_logitem_opts o;
	struct pl_tail_result res;
	struct pl_item *it;

	memset(&s, 0, sizeof(s));
	s.label = le_label(cfg, i, &s.path);
	pl_shown_reset(ring);
	s.shown = ring;
	it = pl_result_item(r, "log", s.label);
	memset(&o, 0, sizeof(o));
	o.max_bytes = (uint64_t)cfg->max_bytes;
	o.max_lines = (uint64_t)cfg->max_read_lines;
	o.max_line = (size_t)cfg->max_line;
	o.from_start = cfg->from_start;
	o.missing_state = cfg->missing_state;
	o.lost_state = cfg->lost_state;
	o.capped_state = cfg->capped_state;
	if (pl_logitem_read(it, st, "log", s.path, &o, on_lines, &sc, &res) != 0)
		return;
	s.lines = res.lines;
	s.bytes = res.bytes;
	le_metrics(it, &s);
	pl_shown_lines(it, s.shown);
	le_hold(cfg, st, it, s.path, &s, now);
}

#ifdef HAVE_LIBSYSTEMD
/* A journal entry: excepted, matched by a pattern, or judged by its priority. */
struct le_jctx {
	const struct le_config *cfg;
	const struct pl_matcher *m;
	struct le_source *s;
	bool patterns;
};

static void
on_entry(void *ctx, const struct pl_journal_entry *e)
{
	struct le_jctx *j = ctx;
	unsigned bits = 0;
	bool hit = false;
	enum pl_state st;

	j->s->lines++;
	if (j->m->n > 0)
		bits = pl_matcher_line(j->m, e->msg, e->len, &hit);
	if (bits & BIT_EXC) {
		j->s->ignored++;
		return;
	}
	if (hit)
		st = bits & BIT_CRIT ? PL_CRITICAL : PL_WARNING;
	else if (e->priority >= 0 && e->priority <= j->cfg->priority)
		st = e->priority <= j->cfg->crit_priority ? PL_CRITICAL : PL_WARNING;
	else
		return;
	if (st == PL_CRITICAL)
		j->s->crit++;
	else
		j->s->warn++;
	if (j->s->shown->n > 0) {
		char line[SHOW_LEN + 1];
		int n = pl_snprintf(line, sizeof(line), "%.*s: %.*s", (int)e->identlen, e->ident,
				    (int)(e->len < SHOW_LEN ? e->len : SHOW_LEN), e->msg);

		keep_line(j->s, line, n < (int)sizeof(line) ? (size_t)n : SHOW_LEN, st,
			  e->len > SHOW_LEN);
	}
}

static void
le_journal(const struct le_config *cfg, const struct pl_matcher *m, struct pl_store *st,
	   struct pl_result *r, const struct pl_time *now, struct pl_shown *ring)
{
	struct le_source s;
	struct le_jctx j = { cfg, m, &s, m->ntrigger > 0 };
	struct pl_journal_opts o;
	struct pl_journal_result res;
	struct pl_deadline dl = pl_deadline_in(pl_deadline_left(NULL) * 0.8);
	struct pl_item *it;
	const char *cursor = pl_store_kept(st, "journal", "cursor");
	char err[1024];

	memset(&s, 0, sizeof(s));
	s.label = "journal";
	pl_shown_reset(ring);
	s.shown = ring;
	it = pl_result_item(r, "journal", "journal");
	memset(&o, 0, sizeof(o));
	o.files = cfg->journal_files.v;
	o.nfiles = cfg->journal_files.n;
	o.units = cfg->units.v;
	o.nunits = cfg->units.n;
	o.idents = cfg->idents.v;
	o.nidents = cfg->idents.n;
	o.fields = cfg->fields.v;
	o.nfields = cfg->fields.n;
	/* With patterns, an entry of any priority may count: the priority is judged here. */
	o.priority = j.patterns ? -1 : cfg->priority;
	o.cursor = cursor;
	o.from_start = cfg->from_start;
	o.max_entries = (uint64_t)cfg->max_read_lines;
	o.deadline = &dl;
	pl_timeout_waiting(_("reading the journal"));
	if (pl_journal_read(&o, on_entry, &j, &res, err, sizeof(err)) != 0) {
		char esc[2048];

		pl_text_str(esc, sizeof(esc), err);
		pl_item_finding(it, PL_UNKNOWN, "%s", esc);
		return;
	}
	if (res.cursor[0])
		pl_store_keep(st, "journal", "cursor", res.cursor);
	le_metrics(it, &s);
	if (res.first && !cfg->from_start)
		pl_item_line(it, _("first run: started at the end of the journal (--from-start "
			     "reads it all)"));
	if (res.cursor_lost)
		pl_item_finding(it, cfg->lost_state, _("the saved cursor is no longer in the "
				"journal (rotated or vacuumed away): started at the end; entries "
				"since the last run may not have been read"));
	if (res.capped)
		pl_item_finding(it, cfg->capped_state, _("stopped at the cap of this run "
				"(--max-read-lines or the timeout): the rest next run"));
	pl_shown_lines(it, s.shown);
	le_hold(cfg, st, it, "journal", &s, now);
}
#endif

/* The status line's summary: each source with counted lines and its counts (each
 * figure once: a breached range is named right after its figure), then the lines read. */
static void
le_summary(struct pl_result *r)
{
	double lines = 0;
	size_t n = 0, shown = 0;

	pl_result_summary(r, "%s", "");
	for (size_t i = 0; i < r->nitems; i++) {
		const struct pl_item *it = r->items[i];
		struct pl_metric *crit = NULL, *warn = NULL;
		char name[128];

		for (size_t k = 0; k < r->nmetrics; k++) {
			struct pl_metric *m = r->metrics[k];

			if (m->item != it || m->name == NULL)
				continue;
			if (strcmp(m->name, "critical") == 0)
				crit = m;
			else if (strcmp(m->name, "warning") == 0)
				warn = m;
			else if (strcmp(m->name, "lines") == 0)
				lines += m->value;
		}
		if (crit == NULL)
			continue;
		n++;
		if (crit->value == 0 && warn->value == 0)
			continue;
		pl_name_str(name, sizeof(name), it->name);
		pl_result_summary_add(r, "%s%s: ", shown++ ? ", " : "", name);
		if (crit->value > 0)
			pl_result_summary_metric(r, crit, _("%.0f critical"), crit->value);
		if (crit->value > 0 && warn->value > 0)
			pl_result_summary_add(r, ", ");
		if (warn->value > 0)
			pl_result_summary_metric(r, warn, _("%.0f warning"), warn->value);
	}
	if (n == 0)
		return;
	if (shown == 0)
		pl_result_summary_add(r, _("no new errors"));
	pl_result_summary_add(r, P_(" in %.0f new line", " in %.0f new lines", lines), lines);
	if (n > 1)
		pl_result_summary_add(r, _(" of %zu sources"), n);
}

int
main(int argc, char **argv)
{
	struct le_config cfg;
	struct pl_common c;
	struct pl_matcher m;
	struct pl_store st;
	struct pl_result r;
	struct pl_time now;
	struct pl_shown ring;
	char err[256];

	memset(&cfg, 0, sizeof(cfg));
	cfg.max_bytes = 256.0 * 1024 * 1024;
	cfg.max_read_lines = 5000000;
	cfg.max_line = 64 * 1024;
	cfg.show = 5;
	cfg.missing_state = PL_UNKNOWN;
	cfg.lost_state = PL_WARNING;
	cfg.capped_state = PL_OK;
	cfg.priority = 3;
	cfg.crit_priority = 2;
	pl_plugin_parse(&le_plugin, argc, argv, &cfg, &c);
	if (cfg.journal_files.n > 0)
		cfg.journal = true;
	if (cfg.files.n == 0 && !cfg.journal)
		pl_usage_die(_("nothing to read: give --file PATH (repeatable) or --journal"));
	le_patterns(&cfg, &m);
	if (cfg.files.n > 0 && m.ntrigger == 0)
		pl_usage_die(_("--file needs a pattern: give --critical-pattern, --critical-regex, "
			     "--warning-pattern or --warning-regex"));
	if (cfg.journal && cfg.priority < 0 && m.ntrigger == 0)
		pl_usage_die(_("--priority none counts only entries that match a pattern: give "
			     "--critical-pattern, --warning-pattern or a regex"));
#ifndef HAVE_LIBSYSTEMD
	if (cfg.journal)
		pl_usage_die(_("journal support was not built in (this build found no libsystemd; "
			     "rebuild with libsystemd-dev installed), so --journal cannot be "
			     "used; --file works"));
#endif
	pl_plugin_arm(&c);
	if (pl_clock_now(&now, err, sizeof(err)) != 0)
		pl_die(PL_UNKNOWN, "%s", err);
	pl_result_init(&r, le_plugin.name, le_plugin.service);
	pl_result_expect_items(&r, "log");
	if (pl_shown_init(&ring, (size_t)cfg.show) != 0)
		pl_die(PL_UNKNOWN, _("out of memory"));
	pl_plugin_store_load(&c, &st);
	for (size_t i = 0; i < cfg.files.n; i++)
		le_file(&cfg, &m, &st, &r, i, &now, &ring);
#ifdef HAVE_LIBSYSTEMD
	if (cfg.journal)
		le_journal(&cfg, &m, &st, &r, &now, &ring);
#endif
	/* Only now, with every line counted, the positions are saved. */
	pl_plugin_store_save(&c, &st, &r);
	le_summary(&r);
	pl_matcher_free(&m);
	pl_shown_free(&ring);
	pl_exit(&r, &c);
}
