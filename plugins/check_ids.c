/* check_ids: new intrusion-detection alerts since the last run, and whether the IDS is
 * alive.
 *
 * Sources, each an item: Suricata's eve.json (alerts by severity; its stats events say
 * it is alive and how much the kernel dropped), Snort's alert_fast and alert_json, Wazuh
 * or OSSEC's alerts.json (rule levels), fail2ban's log (bans) or its server (the
 * addresses banned now, through fail2ban-client), and sshd's failed logins in an auth
 * log or the journal, grouped by source address. Logs go through pl_logitem (pl_tail:
 * rotation, copytruncate, caps, a position that survives reboots, saved only after
 * every line was counted); JSON through json-c (lib/ext/pl_eve), eve.json's lines through
 * yajl's token stream (lib/ext/pl_evescan); the text formats through lib/source/pl_ids. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pl_i18n.h"
#include "pl_buf.h"
#include "pl_clock.h"
#include "pl_eve.h"
#include "pl_evescan.h"
#include "pl_ids.h"
#include "pl_logitem.h"
#include "pl_plugin.h"
#include "pl_result.h"
#include "pl_run.h"
#include "pl_store.h"
#include "pl_tally.h"
#include "pl_tail.h"
#include "pl_timeout.h"
#ifdef HAVE_LIBSYSTEMD
#include "pl_journal.h"
#endif

#define MAX_FILES 16             /* per source option */
#define TOP_MAX 20               /* --top at most */
#define TALLY_KEYS 4096          /* distinct signatures / addresses kept per source */
#define JAIL_ITEMS 20            /* jails shown as items at most */
#define F2B_SOCKET "/run/fail2ban/fail2ban.sock"
#define F2B_CLIENT "/usr/bin/fail2ban-client"
#define SUDO "/usr/bin/sudo"

enum kind { K_EVE, K_SNORT_FAST, K_SNORT_JSON, K_WAZUH, K_AUTH, K_F2B_LOG, K_JOURNAL,
	    K_NKINDS };

static const struct {
	const char *word;        /* the default label of a single file of this kind */
	const char *opt;         /* its option */
	const char *noun;        /* what the hold says came last (N_: pl_tr where said) */
} kinds[K_NKINDS] = {
	[K_EVE] = { "eve", "--eve", N_("alert") },
	[K_SNORT_FAST] = { "snort", "--snort-fast", N_("alert") },
	[K_SNORT_JSON] = { "snort_json", "--snort-json", N_("alert") },
	[K_WAZUH] = { "wazuh", "--wazuh", N_("alert") },
	[K_AUTH] = { "auth", "--auth-log", N_("failed login") },
	[K_F2B_LOG] = { "fail2ban_log", "--fail2ban-log", N_("ban") },
	[K_JOURNAL] = { "journal", "--journal", N_("failed login") },
};

struct ids_config {
	struct pl_strlist files[K_NKINDS];      /* K_JOURNAL: --journal-file */
	bool journal;
	const char *f2b_socket, *f2b_client;
	bool f2b;                /* --fail2ban-socket given */
	bool f2b_sudo;
	bool from_start;
	bool snort_utc;          /* alert_fast's stamps are UTC (snort -U), not local time */
	double max_bytes;
	int64_t max_read_lines;
	double max_line;
	double hold;
	enum pl_state missing_state, lost_state, capped_state;
	double stats_max_age;
	int64_t wazuh_high, wazuh_medium;
	int64_t top;
};

/* Each source's check, its usual path as the example of an absolute one. */
#define PATH_CHECK(fn, example) \
	static int fn(const char *arg, char *err, size_t errlen) \
	{ return pl_logitem_arg_check(arg, example, err, errlen); }
PATH_CHECK(eve_check, "/var/log/suricata/eve.json")
PATH_CHECK(snort_fast_check, "/var/log/snort/alert_fast.txt")
PATH_CHECK(snort_json_check, "/var/log/snort/alert_json.txt")
PATH_CHECK(wazuh_check, "/var/ossec/logs/alerts/alerts.json")
PATH_CHECK(auth_check, "/var/log/auth.log")
PATH_CHECK(f2b_check, "/var/log/fail2ban.log")

static int
abs_check(const char *arg, char *err, size_t errlen)
{
	if (arg[0] != '/') {
		pl_snprintf(err, errlen, _("not an absolute path"));
		return -1;
	}
	return 0;
}

#define FILE_OPT(nm, k, chk, what) \
	{ .name = nm, .type = PL_OPT_LIST, .arg = "[LABEL=]PATH", .max = MAX_FILES, \
	  PL_OPT_AT(struct ids_config, files[k]), .check = chk, \
	  .flags = PL_OPT_SYNOPSIS | PL_OPT_IDENTITY, .help = what }

static const struct pl_option ids_opts[] = {
	FILE_OPT("eve", K_EVE, eve_check, N_("Suricata's eve.json (an item each): its alert "
		 "events counted by alert.severity (1 high, 2 medium, 3 low), its stats "
		 "events watched (see --stats-max-age; the kernel's drop share). Suricata "
		 "must write the alert and stats types to it.")),
	FILE_OPT("snort-fast", K_SNORT_FAST, snort_fast_check, N_("Snort's alert_fast file (Snort 2.9 or 3): "
		 "alerts counted by [Priority: N] (1 high, 2 medium, 3 and more "
		 "low).")),
	{ .name = "snort-utc", .type = PL_OPT_SWITCH, PL_OPT_AT(struct ids_config, snort_utc),
	  .help = N_("Snort runs with -U: read alert_fast's time stamps as UTC (by default as "
		  "this host's local time, as Snort writes them without -U).") },
	FILE_OPT("snort-json", K_SNORT_JSON, snort_json_check, N_("Snort 3's alert_json file: "
		 "alerts by priority; add priority, msg, src_addr and dst_addr to its fields "
		 "(the default fields lack them; an alert without priority counts in "
		 "_alerts only).")),
	FILE_OPT("wazuh", K_WAZUH, wazuh_check, N_("Wazuh's (or OSSEC's) alerts.json: alerts "
		 "by rule.level 0..15 (see --wazuh-high, --wazuh-medium).")),
	FILE_OPT("auth-log", K_AUTH, auth_check, N_("An auth log with sshd's lines: failed "
		 "logins (\"Failed password\", any \"Failed METHOD\") and invalid users, "
		 "grouped by source address.")),
	FILE_OPT("fail2ban-log", K_F2B_LOG, f2b_check, N_("fail2ban's own log: its Ban and "
		 "Unban lines, by jail and address.")),
	{ .name = "journal", .type = PL_OPT_SWITCH, PL_OPT_AT(struct ids_config, journal),
	  .flags = PL_OPT_SYNOPSIS | PL_OPT_IDENTITY,
	  .help = N_("sshd's failed logins in the systemd journal (SYSLOG_IDENTIFIER sshd or "
		  "sshd-session) since the last run's cursor, as with --auth-log. Needs the "
		  "systemd-journal group.") },
	{ .name = "journal-file", .type = PL_OPT_LIST, .arg = "PATH", .max = MAX_FILES,
	  PL_OPT_AT(struct ids_config, files[K_JOURNAL]), .check = abs_check,
	  .flags = PL_OPT_IDENTITY,
	  .help = N_("Read these .journal files instead of the system journal (implies "
		  "--journal).") },
	{ .name = "fail2ban-socket", .type = PL_OPT_STRING, .arg = "PATH",
	  PL_OPT_AT(struct ids_config, f2b_socket), .check = abs_check,
	  .flags = PL_OPT_SYNOPSIS | PL_OPT_IDENTITY,
	  .help = N_("Ask the fail2ban server at this socket (Debian: "
		  "/run/fail2ban/fail2ban.sock) which "
		  "addresses each jail bans now (fail2ban-client banned): an item per jail, "
		  "jails with bans first. The socket is root's: see --fail2ban-sudo.") },
	{ .name = "fail2ban-client", .type = PL_OPT_STRING, .arg = "PATH",
	  PL_OPT_AT(struct ids_config, f2b_client), .check = abs_check,
	  .help = N_("The fail2ban-client program (default /usr/bin/fail2ban-client).") },
	{ .name = "fail2ban-sudo", .type = PL_OPT_SWITCH,
	  PL_OPT_AT(struct ids_config, f2b_sudo),
	  .help = N_("Run fail2ban-client through sudo -n, for the line of "
		  "contrib/sudoers.d/plumbline that lets the monitoring user run exactly "
		  "'fail2ban-client -s SOCKET banned' as root.") },
	{ .name = "stats-max-age", .type = PL_OPT_DURATION, .min = 0, .max = 7 * 86400,
	  PL_OPT_AT(struct ids_config, stats_max_age),
	  .help = N_("An eve.json whose last stats event is older than this is CRITICAL: "
		  "Suricata is not running or not logging (default 5min; Suricata writes "
		  "one every 8s by default; 0: stats not expected).") },
	{ .name = "wazuh-high", .type = PL_OPT_INT, .min = 0, .max = 15,
	  PL_OPT_AT(struct ids_config, wazuh_high),
	  .help = N_("Wazuh rule levels from this one up count as high (default 12).") },
	{ .name = "wazuh-medium", .type = PL_OPT_INT, .min = 0, .max = 15,
	  PL_OPT_AT(struct ids_config, wazuh_medium),
	  .help = N_("Wazuh rule levels from this one up (below --wazuh-high) count as medium, "
		  "lower ones as low (default 7).") },
	{ .name = "top", .type = PL_OPT_INT, .min = 0, .max = TOP_MAX,
	  PL_OPT_AT(struct ids_config, top),
	  .help = N_("Show this many top signatures and top source addresses of each source "
		  "in the long output (default 5).") },
	{ .name = "from-start", .type = PL_OPT_SWITCH, PL_OPT_AT(struct ids_config, from_start),
	  .help = N_("On the first run (no position kept yet for a file, or no journal cursor), "
		  "read from the start. By default the first run starts at the end: old "
		  "alerts are not news.") },
	{ .name = "max-read-bytes", .type = PL_OPT_SIZE, .min = 65536, .max = 1e12,
	  PL_OPT_AT(struct ids_config, max_bytes),
	  .help = N_("Read at most this much per file per run (default 256MB); the rest is read "
		  "by the next runs, and the output says so.") },
	{ .name = "max-read-lines", .type = PL_OPT_INT, .min = 1, .max = 1e12,
	  PL_OPT_AT(struct ids_config, max_read_lines),
	  .help = N_("Read at most this many lines (journal entries) per file per run (default "
		  "5000000); the rest next run.") },
	{ .name = "max-line-length", .type = PL_OPT_SIZE, .min = 256, .max = 16777216,
	  PL_OPT_AT(struct ids_config, max_line),
	  .help = N_("A longer line is not parsed and counts as malformed (default 64KB).") },
	{ .name = "hold", .type = PL_OPT_DURATION, .min = 0, .max = 30 * 86400,
	  PL_OPT_AT(struct ids_config, hold),
	  .help = N_("Keep a source's state (from its alert, login and ban counts) for this "
		  "long after the run that found them, though later runs find nothing new "
		  "(default 0). The output says until when.") },
	{ .name = "missing-state", .type = PL_OPT_STATE,
	  PL_OPT_AT(struct ids_config, missing_state),
	  .help = N_("State of a log file that does not exist (default unknown).") },
	{ .name = "lost-state", .type = PL_OPT_STATE, PL_OPT_AT(struct ids_config, lost_state),
	  .help = N_("State when lines could not be read (default warning): a rotated file was "
		  "compressed or removed before this run could finish it, or a log was "
		  "truncated without a copy beside it.") },
	{ .name = "capped-state", .type = PL_OPT_STATE,
	  PL_OPT_AT(struct ids_config, capped_state),
	  .help = N_("State when --max-read-bytes, --max-read-lines or the timeout stopped the "
		  "reading before the end (default ok; the output says so either way).") },
	{ .name = NULL },
};

static const char *const ids_primary[] = { "*_alerts", NULL };

static const struct pl_plugin ids_plugin = {
	.name = "check_ids",
	.service = "IDS",
	.purpose = N_("new intrusion-detection alerts, bans and failed logins since the last run"),
	.description =
		N_("Reads what each IDS wrote since the last run and counts it: Suricata's "
		"eve.json, Snort's alert_fast and alert_json, Wazuh's alerts.json (alerts per "
		"severity: high, medium, low), fail2ban's log (bans) or server (addresses "
		"banned now), and sshd's failed logins in an auth log or the journal (per "
		"source address). Each file is an item; the long output shows the top "
		"signatures and source addresses of the window.\n"
		"By default a high alert is CRITICAL and a medium one WARNING; low alerts, "
		"failed logins and bans are counted (put a range on them: --warningx "
		"'auth_top_source=20'). Suricata is alive when its last stats event is newer "
		"than --stats-max-age, and the share of packets the kernel dropped since the "
		"last run's stats event (capture.kernel_drops / capture.kernel_packets) is a "
		"metric, WARNING over 1% and CRITICAL over 5% by default: an IDS that drops is "
		"blind. A line that is not what its format says is counted as malformed, never "
		"fatal.\n"
		"Rotation is followed as by check_log_errors (renamed, copytruncate, rewritten, "
		"compressed ones said to be lost); the positions and the journal cursor survive "
		"reboots and are saved only after the lines were counted.\n"
		"fail2ban's socket is root's (mode 0700): as another user, run fail2ban-client "
		"through sudo (--fail2ban-sudo and the line in contrib/sudoers.d/plumbline), "
		"or read its log (--fail2ban-log; the adm group reads /var/log)."),
	.options = ids_opts,
	.primary = ids_primary,
	.metrics =
		N_("For each alert file (LABEL: the kind, eve, snort, snort_json or wazuh, or the "
		"file's name when there are several, or the --OPTION LABEL=): LABEL_alerts, "
		"LABEL_high (CRITICAL over 0), LABEL_medium (WARNING over 0), LABEL_low, "
		"LABEL_malformed, LABEL_lines; eve.json also LABEL_stats_age (s, CRITICAL over "
		"--stats-max-age) and LABEL_kernel_drop (%, 1 and 5); Wazuh LABEL_max_level. "
		"Auth logs and the journal (auth, journal): LABEL_failed, LABEL_invalid_user, "
		"LABEL_sources (addresses with failures), LABEL_top_source (failures of the "
		"busiest one), LABEL_lines. fail2ban's log (fail2ban_log): LABEL_bans, "
		"LABEL_unbans, LABEL_lines. fail2ban's server: fail2ban_jails, fail2ban_banned "
		"and fail2ban_JAIL_banned."),
	.examples =
		N_("  check_ids --eve /var/log/suricata/eve.json --hold 30min\n"
		"      Suricata's new alerts (high CRITICAL, medium WARNING, kept 30 minutes), "
		"its stats age and kernel drops.\n"
		"  check_ids --wazuh /var/ossec/logs/alerts/alerts.json --criticalx "
		"'wazuh_max_level=~:11'\n"
		"      Wazuh alerts; any of level 12 or more is CRITICAL.\n"
		"  check_ids --auth-log /var/log/auth.log --warningx 'auth_top_source=~:20'\n"
		"      Failed ssh logins; WARNING when one address failed more than 20 times "
		"since the last run.\n"
		"  check_ids --fail2ban-socket /run/fail2ban/fail2ban.sock --fail2ban-sudo "
		"--warningx 'fail2ban_banned=~:50'\n"
		"      The addresses fail2ban bans now, per jail.\n"),
	.uses_state = true,
	.no_interval = true,
};

/* What one file (or the journal) gave this run. */
struct ids_src {
	enum kind kind;
	const struct ids_config *cfg;
	const struct pl_time *now;       /* the run's: a year for Snort's time stamps */
	uint64_t lineno;                 /* lines seen this run */
	uint64_t alerts, high, medium, low, malformed;
	int max_level;                   /* Wazuh: the highest rule level, -1: none */
	uint64_t first_bad;              /* line (of this run) of the first malformed */
	char first_err[128];
	struct pl_tally sigs, addrs;     /* signatures; source addresses */
	bool stats_seen;                 /* eve: a stats event this run */
	struct pl_eve_stats stats;       /* its last one */
	uint64_t failed, invalid;        /* auth */
	uint64_t bans, unbans;           /* fail2ban's log */
	struct pl_tally jails;           /* bans per jail */
	bool have_last[4];               /* per severity (high, medium, low, none): an */
	struct pl_time last[4];          /* alert's newest time stamp this run */
};

static void
bad_line(struct ids_src *s, const char *why)
{
	s->malformed++;
	if (s->first_bad == 0) {
		s->first_bad = s->lineno;
		pl_strlcpy(s->first_err, why, sizeof(s->first_err));
	}
}

static void
count_alert(struct ids_src *s, const struct pl_ids_alert *a)
{
	int sev = a->severity, b = 3;

	s->alerts++;
	if (s->kind == K_WAZUH) {
		if (sev > s->max_level)
			s->max_level = sev;
		b = sev >= s->cfg->wazuh_high ? 0 : sev >= s->cfg->wazuh_medium ? 1 : 2;
	} else if (sev >= 0) {
		b = sev <= 1 ? 0 : sev == 2 ? 1 : 2;
	}
	s->high += b == 0;
	s->medium += b == 1;
	s->low += b == 2;
	pl_tally_add(&s->sigs, a->signature, strlen(a->signature), 1);
	pl_tally_add(&s->addrs, a->src, strlen(a->src), 1);
	if (a->has_time && (!s->have_last[b] || a->time.sec > s->last[b].sec ||
			    (a->time.sec == s->last[b].sec && a->time.nsec > s->last[b].nsec))) {
		s->last[b] = a->time;
		s->have_last[b] = true;
	}
}

/* The newest time stamp this run read that was written when its line was: an alert's of
 * a file of alerts only, eve.json's stats event (written every few seconds; its other
 * events may follow an alert long after). False: none. */
static bool
newest_stamp(const struct ids_src *s, struct pl_time *out)
{
	bool have = false;

	if (s->kind == K_EVE) {
		if (s->stats_seen && s->stats.has_time) {
			*out = s->stats.time;
			have = true;
		}
		return have;
	}
	for (int b = 0; b < 4; b++)
		if (s->have_last[b] && (!have || s->last[b].sec > out->sec)) {
			*out = s->last[b];
			have = true;
		}
	return have;
}

/* How far the sensor's clock is behind this host's (seconds; negative: ahead), from the
 * newest stamp read and the file's last write, when the reading reached the end; 0 when
 * they agree within SKEW_MIN (10 minutes: an IDS writing its alerts a little late is not
 * skewed) or cannot be compared. A sensor 7 hours behind (Snort
 * writing UTC read as local time, a clock never synchronized) would otherwise make
 * every alert older than --hold: reported once, never held. */
#define SKEW_MIN 600
static int64_t
sensor_skew(const struct ids_src *s, const struct pl_tail_result *res, struct pl_time *stamp)
{
	int64_t d;

	/* A last write after now: this host's clock went back (or a test's stands still),
	 * and the write time says nothing of the sensor's. */
	if (res->capped || res->lines == 0 || res->mtime.tv_sec <= 0 ||
	    (int64_t)res->mtime.tv_sec > s->now->sec + SKEW_MIN || !newest_stamp(s, stamp))
		return 0;
	d = (int64_t)res->mtime.tv_sec - stamp->sec;
	return d >= SKEW_MIN || d <= -SKEW_MIN ? d : 0;
}

static void
skew_report(struct pl_item *it, enum kind k, int64_t skew, const struct pl_time *stamp,
	    const struct timespec *mtime)
{
	char a[PL_RFC3339_SIZE], b[PL_RFC3339_SIZE], d[32];
	const struct pl_time w = { (int64_t)mtime->tv_sec, 0 };

	pl_rfc3339_format(stamp, 0, a, sizeof(a));
	pl_rfc3339_format(&w, 0, b, sizeof(b));
	pl_unit_human(d, sizeof(d), (double)(skew < 0 ? -skew : skew), PL_U_SECONDS);
	if (skew < 0)
		pl_item_line(it, _("the newest time stamp read (%s) is %s ahead of the file's "
			     "last write (%s): the sensor's clock is not this host's; --hold "
			     "counts from this run"), a, d, b);
	else if (k == K_SNORT_FAST)
		pl_item_line(it, _("the newest time stamp read (%s) is %s behind the file's "
			     "last write (%s): the sensor's clock or time zone is not this "
			     "host's (Snort run with -U writes UTC: give --snort-utc); --hold "
			     "counts from the last write"), a, d, b);
	else
		pl_item_line(it, _("the newest time stamp read (%s) is %s behind the file's "
			     "last write (%s): the sensor's clock is not this host's; --hold "
			     "counts from the last write"), a, d, b);
}

/* Where the hold counts from: the newest alert of the worst severity this run had (the
 * one that sets the state with the default thresholds: a high alert followed by 20
 * minutes of low ones holds from the high one). False: no time stamp to go by. */
static bool
hold_event(const struct ids_src *s, struct pl_time *out)
{
	const uint64_t n[4] = { s->high, s->medium, s->low, s->alerts - s->high - s->medium -
				s->low };

	for (int b = 0; b < 4; b++)
		if (n[b] > 0) {
			*out = s->last[b];
			return s->have_last[b];
		}
	return false;
}

static void
auth_event(struct ids_src *s, const struct pl_auth_event *e)
{
	if (e->kind == PL_AUTH_FAILED) {
		s->failed += e->count;
		pl_tally_add(&s->addrs, e->addr, strlen(e->addr), e->count);
	} else if (e->kind == PL_AUTH_INVALID_USER) {
		s->invalid += e->count;
	}
}

/* One line of Suricata's eve.json: an alert, a stats event, or neither. */
static void
eve_line(struct ids_src *s, const char *line, size_t len)
{
	struct pl_ids_alert a;
	struct pl_eve_stats st;
	char err[128];

	if (pl_eve_prefilter(line, len) == PL_EVE_OTHER)
		return;
	switch (pl_evescan_line(line, len, &a, &st, err, sizeof(err))) {
	case PL_EVE_MALFORMED:
		bad_line(s, err);
		break;
	case PL_EVE_ALERT:
		count_alert(s, &a);
		break;
	case PL_EVE_STATS:
		s->stats_seen = true;
		s->stats = st;
		break;
	case PL_EVE_OTHER:
		break;
	}
}

/* One line of fail2ban's log: a ban, an unban, or neither. */
static void
f2b_line(struct ids_src *s, const char *line, size_t len)
{
	struct pl_f2b_event fe;

	switch (pl_f2b_log_line(line, len, &fe)) {
	case PL_F2B_BAN:
		s->bans++;
		pl_tally_add(&s->jails, fe.jail, strlen(fe.jail), 1);
		pl_tally_add(&s->addrs, fe.addr, strlen(fe.addr), 1);
		break;
	case PL_F2B_UNBAN:
		s->unbans++;
		break;
	case PL_F2B_NONE:
		break;
	}
}

/* One complete line, without its newline. */
static void
one_line(struct ids_src *s, const char *line, size_t len)
{
	struct pl_ids_alert a;
	struct pl_auth_event ae;
	char err[128];

	s->lineno++;
	if (len == 0 || (len == 1 && line[0] == '\r'))
		return;
	switch (s->kind) {
	case K_EVE:
		eve_line(s, line, len);
		return;
	case K_SNORT_FAST:
		if (pl_snort_fast_parse(line, len, &a) == 0) {
			a.has_time = pl_snort_fast_time(line, len, s->now, s->cfg->snort_utc,
							&a.time) == 0;
			count_alert(s, &a);
		}
		else
			bad_line(s, _("not an alert_fast line ([**] [GID:SID:REV] MESSAGE [**] ...)"));
		return;
	case K_SNORT_JSON:
		if (pl_snort_json_parse(line, len, &a, err, sizeof(err)) == 0)
			count_alert(s, &a);
		else
			bad_line(s, err);
		return;
	case K_WAZUH:
		if (pl_wazuh_parse(line, len, &a, err, sizeof(err)) == 0)
			count_alert(s, &a);
		else
			bad_line(s, err);
		return;
	case K_AUTH:
		if (pl_auth_line(line, len, &ae) != PL_AUTH_NONE)
			auth_event(s, &ae);
		return;
	case K_F2B_LOG:
		f2b_line(s, line, len);
		return;
	case K_JOURNAL:
	case K_NKINDS:
		return;
	}
}

static void
on_lines(void *ctx, const char *buf, size_t len, size_t nlines, bool cut)
{
	struct ids_src *s = ctx;
	const char *p = buf, *end = buf + len;

	(void)nlines;
	if (cut) {
		s->lineno++;
		/* A JSON or alert line cut short is no longer what its format says. */
		if (s->kind != K_AUTH && s->kind != K_F2B_LOG)
			bad_line(s, _("longer than --max-line-length"));
		return;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl != NULL ? nl : end;

		one_line(s, p, (size_t)(le - p));
		p = le + 1;
	}
}

/* The item's label: LABEL= given, else the kind's word for a single file, else the
 * file's name. */
static const char *
ids_label(const struct ids_config *cfg, enum kind k, size_t i, const char **path)
{
	const char *arg = cfg->files[k].v[i];
	size_t n;

	*path = pl_logitem_arg_path(arg, &n);
	if (n > 0) {
		/* Made once per source and kept in reach until the process exits. */
		static char *made[K_NKINDS][MAX_FILES];
		char **l = &made[k][i];

		if (*l == NULL && (*l = malloc(n + 1)) == NULL)
			pl_die(PL_UNKNOWN, _("out of memory"));
		memcpy(*l, arg, n);
		(*l)[n] = '\0';
		return *l;
	}
	if (cfg->files[k].n == 1)
		return kinds[k].word;
	return strrchr(arg, '/')[1] ? strrchr(arg, '/') + 1 : arg;
}

/* Two sources of one label would share an item and its labels: a usage error. */
static void
ids_labels_unique(const struct ids_config *cfg)
{
	const char *labels[K_NKINDS * MAX_FILES], *path;
	size_t n = 0;

	for (int k = 0; k < K_JOURNAL; k++)
		for (size_t i = 0; i < cfg->files[k].n; i++) {
			const char *l = ids_label(cfg, (enum kind)k, i, &path);

			for (size_t j = 0; j < n; j++)
				if (strcmp(labels[j], l) == 0)
					pl_usage_die(_("two sources are labelled '%s': give each its "
						     "own label (%s LABEL=PATH)"), l, kinds[k].opt);
			labels[n++] = l;
		}
}

static struct pl_metric *
metric(struct pl_item *it, const char *name, double v, enum pl_unit u, const char *warn,
       const char *crit)
{
	struct pl_metric *m = pl_item_metric(it, name, v, u);
	char err[64];

	m->has_min = true;
	if (warn != NULL)
		pl_range_parse(warn, &m->warn, err, sizeof(err));
	if (crit != NULL)
		pl_range_parse(crit, &m->crit, err, sizeof(err));
	return m;
}

/* What a top list counts: each has its own whole sentences, for a translator. */
enum top_what { TOP_SIGNATURE, TOP_SOURCE, TOP_JAIL, TOP_BANNED };

static void
top_lines(struct pl_item *it, const struct pl_tally *t, size_t k, enum top_what what)
{
	const struct pl_tally_entry *top[TOP_MAX];
	size_t n = pl_tally_top(t, top, k);
	struct pl_buf b = PL_BUF_INIT;

	pl_buf_init(&b, 1024);
	for (size_t i = 0; i < n; i++) {
		pl_buf_reset(&b);
		pl_bytes_escape(&b, top[i]->key, strlen(top[i]->key));
		pl_item_line(it, what == TOP_SIGNATURE ? _("top signature: %s (%llu)") :
			     what == TOP_SOURCE ? _("top source: %s (%llu)") :
			     what == TOP_JAIL ? _("top jail: %s (%llu)") :
			     _("top banned address: %s (%llu)"), pl_buf_str(&b),
			     (unsigned long long)top[i]->n);
	}
	if (n > 0 && t->dropped > 0)
		pl_item_line(it, what == TOP_SIGNATURE ?
			     _("%llu more distinct signatures not tallied (%llu events; at most "
			       "%d are kept)") : what == TOP_SOURCE ?
			     _("%llu more distinct sources not tallied (%llu events; at most %d "
			       "are kept)") : what == TOP_JAIL ?
			     _("%llu more distinct jails not tallied (%llu events; at most %d are "
			       "kept)") :
			     _("%llu more distinct banned addresses not tallied (%llu events; at "
			       "most %d are kept)"), (unsigned long long)t->dropped,
			     (unsigned long long)t->other, TALLY_KEYS);
	pl_buf_free(&b);
}

/* Keeps this run's stats event (its time and capture counters) in the store, into kept
 * and *nk too, and returns the kernel's drop share since the last run's event (NAN
 * without capture counters). */
static double
eve_stats_keep(struct pl_store *st, struct pl_item *it, const char *path,
	       const struct ids_src *s, const struct pl_time *now, uint64_t kept[4], int *nk)
{
	double share = NAN;
	struct pl_time t = s->stats.has_time ? s->stats.time : *now;
	uint64_t v[4] = { (uint64_t)(t.sec > 0 ? t.sec : 0), 0, 0, 0 };

	if (s->stats.has_capture) {
		uint64_t p = s->stats.kernel_packets, d = s->stats.kernel_drops;

		/* Since the last run's event; counters that went back mean Suricata
		 * restarted: its own counts since then. */
		if (*nk == 4 && kept[3] == 1 && p >= kept[1] && d >= kept[2]) {
			share = p > kept[1] ? 100.0 * (double)(d - kept[2]) /
					      (double)(p - kept[1]) : 0;
		} else {
			share = p > 0 ? 100.0 * (double)d / (double)p : 0;
		}
		if (share > 100)
			share = 100;
		v[1] = p;
		v[2] = d;
		v[3] = 1;
	}
	pl_store_put_vec(st, PL_STORE_KEEP, "stats", path, v, 4);
	*nk = 4;
	kept[0] = v[0];
	if (s->stats.uptime >= 0) {
		char up[32];

		pl_unit_human(up, sizeof(up), s->stats.uptime, PL_U_SECONDS);
		pl_item_fact(it, "suricata_uptime", "%s", up);
	}
	return share;
}

/* No stats event yet: since when the check has watched is what it can say. */
static void
eve_stats_waiting(const struct ids_config *cfg, struct pl_store *st, struct pl_item *it,
		  struct pl_metric *age, const char *path, const struct pl_time *now)
{
	uint64_t watch[1];
	struct pl_time t;
	double waited;
	char when[PL_RFC3339_SIZE];

	if (pl_store_get_vec(st, 0, "watch", path, watch, 1) != 1) {
		watch[0] = (uint64_t)now->sec;
		pl_store_put_vec(st, PL_STORE_KEEP, "watch", path, watch, 1);
	}
	t.sec = (int64_t)watch[0];
	t.nsec = 0;
	waited = (double)(now->sec - (int64_t)watch[0]);
	pl_rfc3339_format(&t, 0, when, sizeof(when));
	pl_metric_missing(age, PL_MISSING_RUN, _("no stats event seen yet"), NULL);
	if (waited > cfg->stats_max_age)
		pl_item_finding(it, PL_CRITICAL, _("no stats event since the check started "
				"watching at %s (--stats-max-age %.0fs): is Suricata running, "
				"with the stats type in its eve-log outputs?"), when,
				cfg->stats_max_age);
	else
		pl_item_line(it, _("waiting for the first stats event (watching since %s)"),
			     when);
}

/* Suricata's stats: alive (the age of the last stats event, kept across runs) and the
 * kernel's drop share since the last run's stats event. */
static void
eve_stats(const struct ids_config *cfg, struct pl_store *st, struct pl_item *it,
	  const char *path, const struct ids_src *s, const struct pl_time *now)
{
	uint64_t kept[4];
	int nk = pl_store_get_vec(st, 0, "stats", path, kept, 4);
	struct pl_metric *age, *drop;
	char crit[64], when[PL_RFC3339_SIZE];
	double share = NAN;

	if (cfg->stats_max_age <= 0)
		return;
	pl_snprintf(crit, sizeof(crit), "~:%.0f", cfg->stats_max_age);
	if (s->stats_seen)
		share = eve_stats_keep(st, it, path, s, now, kept, &nk);
	age = metric(it, "stats_age", NAN, PL_U_SECONDS, NULL, crit);
	drop = metric(it, "kernel_drop", share, PL_U_PERCENT, "~:1", "~:5");
	drop->has_max = true;
	drop->max = 100;
	if (isnan(share))
		pl_metric_missing(drop, PL_MISSING_RUN, s->stats_seen ? _("the stats event has no "
				  "capture counters") : _("no stats event since the last run"), NULL);
	if (nk == 4) {
		struct pl_time t = { (int64_t)kept[0], 0 };

		age->value = (double)(now->sec - (int64_t)kept[0]);
		if (age->value < 0)
			age->value = 0;
		pl_rfc3339_format(&t, 0, when, sizeof(when));
		pl_item_fact(it, "last_stats", "%s", when);
		return;
	}
	eve_stats_waiting(cfg, st, it, age, path, now);
}

static void
src_free(struct ids_src *s)
{
	pl_tally_free(&s->sigs);
	pl_tally_free(&s->addrs);
	pl_tally_free(&s->jails);
}

static void
src_init(struct ids_src *s, enum kind k, const struct ids_config *cfg)
{
	memset(s, 0, sizeof(*s));
	s->kind = k;
	s->cfg = cfg;
	s->max_level = -1;
	if (pl_tally_init(&s->sigs, TALLY_KEYS) != 0 || pl_tally_init(&s->addrs, TALLY_KEYS) != 0 ||
	    pl_tally_init(&s->jails, 256) != 0)
		pl_die(PL_UNKNOWN, _("out of memory"));
}

/* The counts of a source as its item's metrics, and its top lists. */
static void
src_report(const struct ids_config *cfg, struct pl_item *it, const struct ids_src *s,
	   const struct pl_tail_result *res)
{
	size_t top = (size_t)cfg->top;
	double lines = res != NULL ? (double)res->lines : (double)s->lineno;

	switch (s->kind) {
	case K_EVE:
	case K_SNORT_FAST:
	case K_SNORT_JSON:
	case K_WAZUH:
		metric(it, "alerts", (double)s->alerts, PL_U_NONE, NULL, NULL);
		metric(it, "high", (double)s->high, PL_U_NONE, NULL, "0");
		metric(it, "medium", (double)s->medium, PL_U_NONE, "0", NULL);
		metric(it, "low", (double)s->low, PL_U_NONE, NULL, NULL);
		if (s->kind == K_WAZUH) {
			double lv = s->max_level >= 0 ? (double)s->max_level : 0;
			struct pl_metric *m = metric(it, "max_level", lv, PL_U_NONE, NULL, NULL);

			m->has_max = true;
			m->max = 15;
		}
		metric(it, "malformed", (double)s->malformed, PL_U_NONE, NULL, NULL);
		metric(it, "lines", lines, PL_U_NONE, NULL, NULL);
		top_lines(it, &s->sigs, top, TOP_SIGNATURE);
		top_lines(it, &s->addrs, top, TOP_SOURCE);
		break;
	case K_AUTH:
	case K_JOURNAL: {
		const struct pl_tally_entry *busiest[1];
		size_t nb = pl_tally_top(&s->addrs, busiest, 1);

		metric(it, "failed", (double)s->failed, PL_U_NONE, NULL, NULL);
		metric(it, "invalid_user", (double)s->invalid, PL_U_NONE, NULL, NULL);
		metric(it, "sources", (double)(s->addrs.used + s->addrs.dropped), PL_U_NONE, NULL,
		       NULL);
		metric(it, "top_source", nb ? (double)busiest[0]->n : 0, PL_U_NONE, NULL, NULL);
		metric(it, "lines", lines, PL_U_NONE, NULL, NULL);
		top_lines(it, &s->addrs, top, TOP_SOURCE);
		break;
	}
	case K_F2B_LOG:
		metric(it, "bans", (double)s->bans, PL_U_NONE, NULL, NULL);
		metric(it, "unbans", (double)s->unbans, PL_U_NONE, NULL, NULL);
		metric(it, "lines", lines, PL_U_NONE, NULL, NULL);
		top_lines(it, &s->jails, top, TOP_JAIL);
		top_lines(it, &s->addrs, top, TOP_BANNED);
		break;
	case K_NKINDS:
		break;
	}
	if (s->malformed > 0)
		pl_item_line(it, P_("%llu malformed line counted and skipped (the first, line "
				"%llu of this run: %s)", "%llu malformed lines counted and skipped "
				"(the first, line %llu of this run: %s)", s->malformed),
			     (unsigned long long)s->malformed, (unsigned long long)s->first_bad,
			     s->first_err);
}

/* The metrics a source's hold follows: its event counts, not the IDS's health. */
static bool
held_metric(const char *name)
{
	static const char *const names[] = { "alerts", "high", "medium", "low", "max_level",
		"failed", "invalid_user", "sources", "top_source", "bans", "unbans", NULL };

	for (size_t i = 0; names[i] != NULL; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

struct ids_item {
	struct pl_item *it;
	enum kind kind;
	const char *key;         /* the hold's key: the path, or "journal" */
	bool have_event;         /* the newest alert's own time stamp, where its hold */
	struct pl_time event;    /* counts from (an alert read late holds the rest only) */
};

static void
ids_file(const struct ids_config *cfg, struct pl_store *st, struct pl_result *r, enum kind k,
	 size_t i, const struct pl_time *now, struct ids_item *out)
{
	struct ids_src s;
	struct pl_logitem_opts o;
	struct pl_tail_result res;
	const char *path, *label = ids_label(cfg, k, i, &path);
	struct pl_item *it;

	it = pl_result_item(r, "log", label);
	out->it = it;
	out->kind = k;
	out->key = path;
	src_init(&s, k, cfg);
	s.now = now;
	memset(&o, 0, sizeof(o));
	o.max_bytes = (uint64_t)cfg->max_bytes;
	o.max_lines = (uint64_t)cfg->max_read_lines;
	o.max_line = (size_t)cfg->max_line;
	o.from_start = cfg->from_start;
	o.missing_state = cfg->missing_state;
	o.lost_state = cfg->lost_state;
	o.capped_state = cfg->capped_state;
	o.cut_what = k == K_AUTH || k == K_F2B_LOG ? _("read on their start") :
		     _("not parsed (counted as malformed)");
	out->have_event = false;
	if (pl_logitem_read(it, st, "log", path, &o, on_lines, &s, &res) == 0) {
		struct pl_time stamp;
		int64_t skew;

		src_report(cfg, it, &s, &res);
		out->have_event = hold_event(&s, &out->event);
		skew = sensor_skew(&s, &res, &stamp);
		if (skew != 0) {
			skew_report(it, k, skew, &stamp, &res.mtime);
			/* On this host's clock: the alert's time plus the sensor's lag (a
			 * stamp ahead counts as now in the hold anyway). */
			if (out->have_event && skew > 0)
				out->event.sec += skew;
		}
		if (k == K_EVE)
			eve_stats(cfg, st, it, path, &s, now);
	} else {
		out->it = NULL;   /* nothing counted: no hold judged */
	}
	src_free(&s);
}

#ifdef HAVE_LIBSYSTEMD
static void
on_entry(void *ctx, const struct pl_journal_entry *e)
{
	struct ids_src *s = ctx;
	struct pl_auth_event ae;

	s->lineno++;
	if (pl_auth_msg(e->msg, e->len, &ae) != PL_AUTH_NONE)
		auth_event(s, &ae);
}

static void
ids_journal(const struct ids_config *cfg, struct pl_store *st, struct pl_result *r,
	    struct ids_item *out)
{
	static const char *const idents[] = { "sshd", "sshd-session" };
	struct ids_src s;
	struct pl_journal_opts o;
	struct pl_journal_result res;
	struct pl_deadline dl = pl_deadline_in(pl_deadline_left(NULL) * 0.8);
	struct pl_item *it = pl_result_item(r, "journal", "journal");
	char err[1024], esc[2048];

	out->it = it;
	out->kind = K_JOURNAL;
	out->key = "journal";
	out->have_event = false;
	src_init(&s, K_JOURNAL, cfg);
	memset(&o, 0, sizeof(o));
	o.files = cfg->files[K_JOURNAL].v;
	o.nfiles = cfg->files[K_JOURNAL].n;
	o.idents = idents;
	o.nidents = 2;
	o.priority = -1;
	o.cursor = pl_store_kept(st, "journal", "cursor");
	o.from_start = cfg->from_start;
	o.max_entries = (uint64_t)cfg->max_read_lines;
	o.deadline = &dl;
	pl_timeout_waiting(_("reading the journal"));
	if (pl_journal_read(&o, on_entry, &s, &res, err, sizeof(err)) != 0) {
		pl_text_str(esc, sizeof(esc), err);
		pl_item_finding(it, PL_UNKNOWN, "%s", esc);
		out->it = NULL;
		src_free(&s);
		return;
	}
	if (res.cursor[0])
		pl_store_keep(st, "journal", "cursor", res.cursor);
	src_report(cfg, it, &s, NULL);
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
	src_free(&s);
}
#endif

/* fail2ban's socket, unless reached through sudo: there, and ours to use. */
static int
f2b_socket_usable(const struct ids_config *cfg, struct pl_item *it, const char *esc)
{
	struct stat sb;

	if (cfg->f2b_sudo)
		return 0;
	if (stat(cfg->f2b_socket, &sb) != 0 && errno == ENOENT) {
		pl_item_finding(it, PL_UNKNOWN, _("no socket at %s: is fail2ban-server "
				"running (and is that its socket)?"), esc);
		return -1;
	}
	if (access(cfg->f2b_socket, R_OK | W_OK) != 0) {
		pl_item_finding(it, PL_UNKNOWN, _("cannot use fail2ban's socket %s (%s): it "
				"is root's (mode 0700). Add to sudoers (contrib/sudoers.d/"
				"plumbline): 'nagios ALL=(root) NOPASSWD: %s -s %s banned' and "
				"give --fail2ban-sudo; or read its log with --fail2ban-log"),
				esc, strerror(errno), cfg->f2b_client, esc);
		return -1;
	}
	return 0;
}

/* fail2ban-client's failure as the item's finding; with sudo, the sudoers line it needs. */
static void
f2b_client_failed(const struct ids_config *cfg, struct pl_item *it, const char *esc,
		  const struct pl_run_result *rr)
{
	char first[300] = "", line[512];

	pl_run_first_line(rr->err.len ? pl_buf_str(&rr->err) : pl_buf_str(&rr->out),
			  rr->err.len ? rr->err.len : rr->out.len, first, sizeof(first));
	pl_run_describe(rr, line, sizeof(line));
	if (cfg->f2b_sudo && strstr(first, "sudo") != NULL)
		pl_item_finding(it, PL_UNKNOWN, _("%s: %s (the sudoers line "
				"'nagios ALL=(root) NOPASSWD: %s -s %s banned' of "
				"contrib/sudoers.d/plumbline is missing or differs)"), line, first,
				cfg->f2b_client, esc);
	else
		pl_item_finding(it, PL_UNKNOWN, "%s: %s", line, first[0] ? first :
				_("no message"));
}

/* Runs fail2ban-client banned (through sudo -n with --fail2ban-sudo) and parses its
 * reply into b. Returns 0, or -1 with why as the item's finding. */
static int
f2b_banned(const struct ids_config *cfg, struct pl_item *it, const char *esc,
	   struct pl_f2b_banned *b)
{
	const char *argv[8];
	struct pl_run_spec sp;
	struct pl_run_result rr;
	size_t n = 0;
	char err[512], msg[1024];

	if (cfg->f2b_sudo) {
		argv[n++] = SUDO;
		argv[n++] = "-n";
	}
	argv[n++] = cfg->f2b_client;
	argv[n++] = "-s";
	argv[n++] = cfg->f2b_socket;
	argv[n++] = "banned";
	argv[n] = NULL;
	memset(&sp, 0, sizeof(sp));
	sp.argv = argv;
	sp.out_cap = (size_t)1 << 20;
	sp.err_cap = 4096;
	pl_timeout_waiting(_("waiting for fail2ban-client banned"));
	if (pl_run(&sp, &rr, err, sizeof(err)) != 0) {
		pl_text_str(msg, sizeof(msg), err);
		pl_item_finding(it, PL_UNKNOWN, "%s", msg);
		pl_run_result_free(&rr);
		return -1;
	}
	if (rr.timed_out || !rr.exited || rr.status != 0) {
		f2b_client_failed(cfg, it, esc, &rr);
		pl_run_result_free(&rr);
		return -1;
	}
	if (pl_f2b_banned_parse(pl_buf_str(&rr.out), rr.out.len, b, err, sizeof(err)) != 0) {
		pl_item_finding(it, PL_UNKNOWN, _("fail2ban-client's reply: %s"), err);
		pl_run_result_free(&rr);
		return -1;
	}
	pl_run_result_free(&rr);
	return 0;
}

/* Jails with bans first (most first), then the rest, as items up to JAIL_ITEMS.
 * Returns how many were made. */
static size_t
f2b_jails(struct pl_item *it, const struct pl_f2b_banned *b)
{
	size_t shown = 0;

	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < b->n && shown < JAIL_ITEMS; i++) {
			const struct pl_f2b_jail *j = &b->v[i];
			struct pl_item *ji;
			struct pl_buf a = PL_BUF_INIT;

			if ((pass == 0) != (j->banned > 0))
				continue;
			ji = pl_item_item(it, "jail", j->name);
			metric(ji, "banned", (double)j->banned, PL_U_NONE, NULL, NULL);
			shown++;
			if (j->banned == 0)
				continue;
			pl_buf_init(&a, 1024);
			for (size_t k = 0; k < j->naddr; k++) {
				if (k)
					pl_buf_puts(&a, ", ");
				pl_bytes_escape(&a, j->addr[k], strlen(j->addr[k]));
			}
			if (j->banned > j->naddr)
				pl_buf_printf(&a, _(" and %zu more"), j->banned - j->naddr);
			pl_item_line(ji, _("banned now: %s"), pl_buf_str(&a));
			pl_buf_free(&a);
		}
	}
	return shown;
}

/* fail2ban's server: the addresses each jail bans now. */
static void
ids_f2b_server(const struct ids_config *cfg, struct pl_result *r)
{
	struct pl_item *it = pl_result_item(r, "server", "fail2ban");
	struct pl_f2b_banned b;
	size_t total = 0, shown, withbans = 0;
	char esc[1024];

	pl_name_str(esc, sizeof(esc), cfg->f2b_socket);
	if (f2b_socket_usable(cfg, it, esc) != 0 || f2b_banned(cfg, it, esc, &b) != 0)
		return;
	for (size_t i = 0; i < b.n; i++) {
		total += b.v[i].banned;
		withbans += b.v[i].banned > 0;
	}
	total += b.more_banned;
	shown = f2b_jails(it, &b);
	metric(it, "jails", (double)(b.n + b.more), PL_U_NONE, NULL, NULL);
	metric(it, "banned", (double)total, PL_U_NONE, NULL, NULL);
	if (b.n + b.more > shown)
		pl_item_line(it, P_("%zu more jail not shown", "%zu more jails not shown",
				b.n + b.more - shown), b.n + b.more - shown);
	pl_item_fact(it, "jails_with_bans", "%zu", withbans);
	pl_f2b_banned_free(&b);
}

/* The state of the counts this run, by the thresholds as applied so far. */
static enum pl_state
run_state(const struct pl_result *r, const struct pl_item *it)
{
	enum pl_state w = PL_OK;

	for (size_t k = 0; k < r->nmetrics; k++) {
		const struct pl_metric *m = r->metrics[k];

		if (m->item == it && m->name != NULL && held_metric(m->name))
			w = pl_state_worst(w, m->state);
	}
	return w;
}

static const struct pl_metric *
find(const struct pl_item *it, const char *name)
{
	return pl_item_find_metric(it, name);
}

/* The alerts of an alert source and their severities: "eve: 3 alerts (1 high, 2 low)". */
static void
summary_alerts(struct pl_result *r, const struct pl_item *it, const char *name, size_t *shown)
{
	static const char *const sev[] = { "high", "medium", "low" };
	const struct pl_metric *al = find(it, "alerts"), *m;
	bool any = false;

	if (al == NULL || al->value == 0)
		return;
	pl_result_summary_add(r, "%s%s: ", (*shown)++ ? ", " : "", name);
	pl_result_summary_metric(r, al, P_("%.0f alert", "%.0f alerts", al->value), al->value);
	for (size_t k = 0; k < 3; k++) {
		m = find(it, sev[k]);
		if (m == NULL || m->value == 0)
			continue;
		pl_result_summary_add(r, any ? ", " : " (");
		pl_result_summary_metric(r, m, k == 0 ? _("%.0f high") : k == 1 ? _("%.0f medium") :
					 _("%.0f low"), m->value);
		any = true;
	}
	if (any)
		pl_result_summary_add(r, ")");
}

/* What one source found, for the summary; *shown counts the sources said. */
static void
summary_item(struct pl_result *r, const struct ids_item *item, size_t *shown)
{
	const struct pl_item *it = item->it;
	const struct pl_metric *m, *src;
	char name[128];

	pl_name_str(name, sizeof(name), it->name);
	switch (item->kind) {
	case K_EVE:
	case K_SNORT_FAST:
	case K_SNORT_JSON:
	case K_WAZUH:
		summary_alerts(r, it, name, shown);
		break;
	case K_AUTH:
	case K_JOURNAL:
		m = find(it, "failed");
		src = find(it, "sources");
		if (m == NULL || m->value == 0)
			break;
		pl_result_summary_add(r, "%s%s: ", (*shown)++ ? ", " : "", name);
		pl_result_summary_metric(r, m, P_("%.0f failed login", "%.0f failed logins",
						  m->value), m->value);
		pl_result_summary_metric(r, src, P_(" from %.0f address", " from %.0f addresses",
						    src->value), src->value);
		break;
	case K_F2B_LOG:
		m = find(it, "bans");
		if (m == NULL || m->value == 0)
			break;
		pl_result_summary_add(r, "%s%s: ", (*shown)++ ? ", " : "", name);
		pl_result_summary_metric(r, m, P_("%.0f new ban", "%.0f new bans", m->value),
					 m->value);
		break;
	case K_NKINDS:
		break;
	}
}

/* The status line's summary: what each source found, each figure once. */
static void
ids_summary(struct pl_result *r, const struct ids_item *items, size_t n)
{
	const struct pl_item *f2b = pl_result_find_item(r, NULL, "server", "fail2ban");
	const struct pl_metric *b = f2b != NULL ? find(f2b, "banned") : NULL;
	const struct pl_metric *j = f2b != NULL ? find(f2b, "jails") : NULL;
	const struct pl_metric *m;
	size_t shown = 0;
	double lines = 0;

	pl_result_summary(r, "%s", "");
	for (size_t i = 0; i < n; i++) {
		if (items[i].it == NULL)
			continue;
		if ((m = find(items[i].it, "lines")) != NULL)
			lines += m->value;
		summary_item(r, &items[i], &shown);
	}
	if (b != NULL && j != NULL) {
		pl_result_summary_add(r, "%sfail2ban: ", shown++ ? ", " : "");
		pl_result_summary_metric(r, b, _("%.0f banned"), b->value);
		pl_result_summary_metric(r, j, P_(" in %.0f jail", " in %.0f jails", j->value),
					 j->value);
	}
	if (n == 0)
		return;
	if (shown == 0)
		pl_result_summary_add(r, _("no new alerts"));
	pl_result_summary_add(r, P_(" in %.0f new line", " in %.0f new lines", lines), lines);
	if (n > 1)
		pl_result_summary_add(r, _(" of %zu sources"), n);
}

/* The defaults, the options, and what they need of each other. */
static void
ids_parse(int argc, char **argv, struct ids_config *cfg, struct pl_common *c)
{
	size_t nfiles = 0;

	memset(cfg, 0, sizeof(*cfg));
	cfg->max_bytes = 256.0 * 1024 * 1024;
	cfg->max_read_lines = 5000000;
	cfg->max_line = 64 * 1024;
	cfg->missing_state = PL_UNKNOWN;
	cfg->lost_state = PL_WARNING;
	cfg->capped_state = PL_OK;
	cfg->stats_max_age = 300;
	cfg->wazuh_high = 12;
	cfg->wazuh_medium = 7;
	cfg->top = 5;
	cfg->f2b_client = F2B_CLIENT;
	pl_plugin_parse(&ids_plugin, argc, argv, cfg, c);
	if (cfg->files[K_JOURNAL].n > 0)
		cfg->journal = true;
	cfg->f2b = cfg->f2b_socket != NULL;
	for (int k = 0; k < K_JOURNAL; k++)
		nfiles += cfg->files[k].n;
	if (nfiles == 0 && !cfg->journal && !cfg->f2b)
		pl_usage_die(_("nothing to read: give --eve, --snort-fast, --snort-json, --wazuh, "
			     "--auth-log, --fail2ban-log (each PATH, repeatable), --journal or "
			     "--fail2ban-socket PATH"));
	if (cfg->wazuh_medium > cfg->wazuh_high)
		pl_usage_die(_("--wazuh-medium (%lld) is above --wazuh-high (%lld)"),
			     (long long)cfg->wazuh_medium, (long long)cfg->wazuh_high);
	if (cfg->f2b_sudo && !cfg->f2b)
		pl_usage_die(_("--fail2ban-sudo needs --fail2ban-socket PATH"));
#ifndef HAVE_LIBSYSTEMD
	if (cfg->journal)
		pl_usage_die(_("journal support was not built in (this build found no libsystemd; "
			     "rebuild with libsystemd-dev installed), so --journal cannot be "
			     "used; --auth-log works"));
#endif
	ids_labels_unique(cfg);
}

/* Reads every source; items[] gets one entry per log source. Returns how many. */
static size_t
ids_collect(const struct ids_config *cfg, struct pl_store *st, struct pl_result *r,
	    const struct pl_time *now, struct ids_item *items)
{
	size_t n = 0;

	for (int k = 0; k < K_JOURNAL; k++)
		for (size_t i = 0; i < cfg->files[k].n; i++)
			ids_file(cfg, st, r, (enum kind)k, i, now, &items[n++]);
#ifdef HAVE_LIBSYSTEMD
	if (cfg->journal)
		ids_journal(cfg, st, r, &items[n++]);
#endif
	if (cfg->f2b)
		ids_f2b_server(cfg, r);
	return n;
}

int
main(int argc, char **argv)
{
	struct ids_config cfg;
	struct pl_common c;
	struct pl_store st;
	struct pl_result r;
	struct pl_time now;
	struct ids_item items[K_NKINDS * MAX_FILES + 1];
	size_t n;
	char err[512];

	ids_parse(argc, argv, &cfg, &c);
	pl_plugin_arm(&c);
	if (pl_clock_now(&now, err, sizeof(err)) != 0)
		pl_die(PL_UNKNOWN, "%s", err);
	pl_result_init(&r, ids_plugin.name, ids_plugin.service);
	pl_result_expect_items(&r, "log");
	pl_plugin_store_load(&c, &st);
	n = ids_collect(&cfg, &st, &r, &now, items);
	/* The hold follows the counts as the user's thresholds judge them: apply them now
	 * (pl_exit applies them again, with the hold's findings in). */
	pl_result_apply(&r, &c.thresholds, ids_primary, err, sizeof(err));
	for (size_t i = 0; i < n; i++)
		if (items[i].it != NULL)
			pl_logitem_hold(items[i].it, &st, items[i].key, run_state(&r, items[i].it),
					&now, items[i].have_event ? &items[i].event : NULL,
					cfg.hold, pl_tr(kinds[items[i].kind].noun));
	/* Only now, with every line counted, the positions are saved. */
	pl_plugin_store_save(&c, &st, &r);
	ids_summary(&r, items, n);
	pl_exit(&r, &c);
}
