/* check_restore_drill: whether restore drills are done and succeed.
 *
 * Journal mode (the default) reads the drill journal, one JSON line per drill, and
 * alerts when the last successful drill is too old or the last drill failed. Drill mode
 * performs a drill: the newest full backup (restic, borg or a tar archive) is listed, a
 * sample of its files is restored into a private temporary directory below --work-dir,
 * each restored file's SHA-256 is compared with the live file's or a manifest's, restic
 * may check a rotating subset of its pack data, and the result is appended to the
 * journal, which is then judged as in journal mode. Nothing is ever restored over live
 * data, and nothing is left behind: the temporary directory goes in every case, and what
 * a killed earlier drill left goes at the start of the next. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <math.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "pl_backup.h"
#include "pl_bkrun.h"
#include "pl_buf.h"
#include "pl_clock.h"
#include "pl_deadline.h"
#include "pl_drill.h"
#include "pl_file.h"
#include "pl_i18n.h"
#include "pl_num.h"
#include "pl_plugin.h"
#include "pl_result.h"
#include "pl_run.h"
#include "pl_sha256.h"
#include "pl_timeout.h"
#include "pl_unit.h"

enum { MODE_JOURNAL = 0, MODE_DRILL };
enum { SRC_NONE = 0, SRC_RESTIC, SRC_BORG, SRC_TAR };

#define JOURNAL_CAP ((size_t)8 << 20)   /* the newest 8 MiB of the journal are read */
/* A drill dated more than this many seconds after now is no drill (the clock or the
 * journal is wrong). */
#define FUTURE_SKEW 300
/* A listing larger than this is refused: room for PL_DRILL_FILES_MAX files at about
 * 250 bytes a line of restic ls --json (tar -tv and borg's lines are shorter). */
#define LIST_CAP ((size_t)512 << 20)
#define MAX_SAMPLE 1000
#define TMP_PREFIX "restore-"
/* The file each drill makes in its directory: only a directory with it is removed as
 * an earlier drill's. */
#define MARKER ".plumbline-drill"
#define MARKER_TEXT "check_restore_drill"

struct dr_config {
	int mode;
	const char *journal;
	double warn_age, crit_age;
	size_t recent;
	bool skip_malformed;
	/* drill mode */
	int source;
	const char *repo, *repository, *password;
	const char *archive;             /* tar: glob of archives, the newest is taken */
	const char *full;                /* rule of the full backups (pl_bk_match) */
	const char *host;
	struct pl_strlist paths;         /* --sample-path */
	size_t sample;                   /* --sample N */
	const char *manifest;
	const char *live_root;
	const char *work_dir;
	double min_free;
	size_t subsets;                  /* restic check --read-data-subset=K/M; 0: none */
	const char *restic, *borg, *tar;
	const char *cache_dir;
	bool no_cache;
	const char *who;
};

static const struct pl_choice modes[] = {
	{ "journal", MODE_JOURNAL, false }, { "drill", MODE_DRILL, false }, { NULL, 0, false },
};

static const struct pl_choice sources[] = {
	{ "restic", SRC_RESTIC, false }, { "borg", SRC_BORG, false }, { "tar", SRC_TAR, false },
	{ NULL, 0, false },
};

static const struct pl_option dr_opts[] = {
	{ .name = "journal", .type = PL_OPT_STRING, .arg = "FILE",
	  .flags = PL_OPT_SYNOPSIS | PL_OPT_IDENTITY, PL_OPT_AT(struct dr_config, journal),
	  .help = N_("The drill journal: one JSON object per line and drill, {\"time\": "
		  "RFC3339, \"result\": \"ok\"|\"failed\", \"files_restored\": N, "
		  "\"bytes_restored\": N, \"files_verified\": N, \"files_failed\": N, "
		  "\"duration\": SECONDS, \"who\": TEXT, \"message\": TEXT} (time and result "
		  "required). Drill mode appends to it.") },
	{ .name = "mode", .type = PL_OPT_CHOICE, .arg = "MODE", .choices = modes,
	  .flags = PL_OPT_IDENTITY, PL_OPT_AT(struct dr_config, mode),
	  .help = N_("journal (default): judge the journal; drill: perform a drill first, "
		  "append its result, then judge the journal.") },
	{ .name = "warning-age", .type = PL_OPT_DURATION, .min = 1,
	  PL_OPT_AT(struct dr_config, warn_age),
	  .help = N_("WARNING when the last successful drill is older (default 30d).") },
	{ .name = "critical-age", .type = PL_OPT_DURATION, .min = 1,
	  PL_OPT_AT(struct dr_config, crit_age),
	  .help = N_("CRITICAL when the last successful drill is older (default 45d).") },
	{ .name = "recent", .type = PL_OPT_INT, .arg = "N", .min = 1, .max = PL_DRILL_RECENT_MAX,
	  PL_OPT_AT(struct dr_config, recent),
	  .help = N_("Drills shown in the long output's trend of restore durations (default 5).") },
	{ .name = "skip-malformed", .type = PL_OPT_SWITCH,
	  PL_OPT_AT(struct dr_config, skip_malformed),
	  .help = N_("Count malformed journal lines in the long output instead of UNKNOWN.") },
	{ .name = "source", .type = PL_OPT_CHOICE, .arg = "KIND", .choices = sources,
	  .flags = PL_OPT_IDENTITY, PL_OPT_AT(struct dr_config, source),
	  .help = N_("Drill mode: restore from a restic repository, a borg repository, or a tar "
		  "archive (--archive).") },
	{ .name = "repo", .type = PL_OPT_STRING, .arg = "REPO", .flags = PL_OPT_IDENTITY,
	  PL_OPT_AT(struct dr_config, repo),
	  .help = N_("The repository (a location without credentials; else --repository-file).") },
	{ .name = "repository", .type = PL_OPT_STRING, .flags = PL_OPT_SECRET,
	  .env = "PLUMBLINE_BACKUP_REPOSITORY", PL_OPT_AT(struct dr_config, repository),
	  .help = N_("The repository location, as a secret (rest:https://user:pw@host/repo).") },
	{ .name = "password", .type = PL_OPT_STRING, .flags = PL_OPT_SECRET | PL_OPT_LATE,
	  .env = "PLUMBLINE_BACKUP_PASSWORD", PL_OPT_AT(struct dr_config, password),
	  .help = N_("The repository password or passphrase; it reaches restic or borg in its "
		  "environment, never on its command line.") },
	{ .name = "archive", .type = PL_OPT_STRING, .arg = "GLOB", .flags = PL_OPT_IDENTITY,
	  PL_OPT_AT(struct dr_config, archive),
	  .help = N_("--source tar: a glob(3) of tar archives ('/srv/backup/full-*.tar.gz'); the "
		  "newest by mtime is the one restored from.") },
	{ .name = "full", .type = PL_OPT_STRING, .arg = "RULE", .flags = PL_OPT_IDENTITY,
	  PL_OPT_AT(struct dr_config, full),
	  .help = N_("Which backups are full ones, as check_backup_age's --class rules: tag:T, "
		  "host:GLOB, path:GLOB, name:GLOB, regex:RE or any (default tag:full for "
		  "restic, name:*full* for borg). The newest one is restored from.") },
	{ .name = "host", .type = PL_OPT_STRING, .arg = "HOST", .flags = PL_OPT_IDENTITY,
	  PL_OPT_AT(struct dr_config, host),
	  .help = N_("Restore from this host's newest full backup (default: any host's).") },
	{ .name = "sample-path", .type = PL_OPT_LIST, .arg = "PATH", .max = 64,
	  .flags = PL_OPT_IDENTITY, PL_OPT_AT(struct dr_config, paths),
	  .help = N_("A file or directory of the backup to restore, as the backup names it "
		  "(/srv/data/a for restic and borg, data/a for a tar archive); every file "
		  "below a directory counts.") },
	{ .name = "sample", .type = PL_OPT_INT, .arg = "N", .min = 1, .max = MAX_SAMPLE,
	  PL_OPT_AT(struct dr_config, sample),
	  .help = N_("Restore N files of the backup picked at random (default 10 without "
		  "--sample-path).") },
	{ .name = "manifest", .type = PL_OPT_STRING, .arg = "FILE",
	  PL_OPT_AT(struct dr_config, manifest),
	  .help = N_("Verify against this sha256sum(1) file ('HEX  PATH' lines, paths as the "
		  "backup names them) instead of the live files.") },
	{ .name = "live-root", .type = PL_OPT_STRING, .arg = "DIR",
	  PL_OPT_AT(struct dr_config, live_root),
	  .help = N_("Where the live files are: a restored PATH is compared with DIR/PATH "
		  "(default /; a tar archive of data/ made in /srv: --live-root /srv).") },
	{ .name = "work-dir", .type = PL_OPT_STRING, .arg = "DIR",
	  PL_OPT_AT(struct dr_config, work_dir),
	  .help = N_("A private directory of the user running the drill (made 0700 when "
		  "missing; refused when others could write on the way to it), below which "
		  "each drill restores into a directory of its own (default "
		  "/var/tmp/plumbline-drill-UID).") },
	{ .name = "min-free", .type = PL_OPT_SIZE, .min = 0, PL_OPT_AT(struct dr_config, min_free),
	  .help = N_("Space that must stay free in --work-dir beyond the sample's size "
		  "(default 64MB); with less, the drill fails before restoring.") },
	{ .name = "check-subsets", .type = PL_OPT_INT, .arg = "M", .min = 2, .max = 10000,
	  PL_OPT_AT(struct dr_config, subsets),
	  .help = N_("restic: also run restic check --read-data-subset=K/M, K rotating from "
		  "drill to drill (kept in the state store), so that M drills read all pack "
		  "data once.") },
	{ .name = "restic", .type = PL_OPT_STRING, .arg = "PATH", PL_OPT_AT(struct dr_config, restic),
	  .help = N_("The restic program (default /usr/bin/restic).") },
	{ .name = "borg", .type = PL_OPT_STRING, .arg = "PATH", PL_OPT_AT(struct dr_config, borg),
	  .help = N_("The borg program (default /usr/bin/borg).") },
	{ .name = "tar", .type = PL_OPT_STRING, .arg = "PATH", PL_OPT_AT(struct dr_config, tar),
	  .help = N_("The tar program, GNU tar (default /bin/tar).") },
	{ .name = "cache-dir", .type = PL_OPT_STRING, .arg = "DIR",
	  PL_OPT_AT(struct dr_config, cache_dir),
	  .help = N_("restic's cache directory or borg's base directory (default: below HOME).") },
	{ .name = "no-cache", .type = PL_OPT_SWITCH, PL_OPT_AT(struct dr_config, no_cache),
	  .help = N_("restic: run without a cache (--no-cache).") },
	{ .name = "who", .type = PL_OPT_STRING, .arg = "TEXT", PL_OPT_AT(struct dr_config, who),
	  .help = N_("Who performed the drill, for the journal (default USER@HOST).") },
	{ .name = NULL },
};

static const char *const dr_primary[] = { "age", NULL };

static const struct pl_plugin dr_plugin = {
	.name = "check_restore_drill",
	.service = "RESTORE DRILL",
	.purpose = N_("restore drills: recorded, recent and successful; or perform one"),
	.description =
		N_("Journal mode (the default) reads the drill journal (--journal, one JSON object "
		"per line and drill) and judges the newest drills: WARNING when the last "
		"successful drill is older than --warning-age (30d), CRITICAL when older than "
		"--critical-age (45d) or when there is none, CRITICAL when the last drill "
		"failed. The long output shows the restore durations and throughput of the "
		"recent drills (--recent), oldest first, and how the newest compares with the "
		"median of those before. A malformed journal line is UNKNOWN, naming the line "
		"(--skip-malformed counts such lines instead), and so is a drill dated more than "
		"5 minutes in the future (not counted); an unreadable journal is UNKNOWN.\n"
		"Drill mode (--mode drill) performs a drill first: it finds the newest full "
		"backup (restic snapshots, borg list, or the newest --archive), lists its "
		"files, picks the sample (--sample-path, or --sample N at random), checks that "
		"--work-dir has room for it plus --min-free, restores it into a new private "
		"directory below --work-dir (restic restore --include, borg extract, tar -x), "
		"compares each restored file's SHA-256 with the live file's (--live-root) or "
		"the --manifest's, and with --check-subsets runs restic check "
		"--read-data-subset on the next subset. The temporary directory is removed in "
		"every case, and directories a killed earlier drill left in --work-dir at the "
		"start (only those carrying a drill's marker file; a --work-dir that is "
		"--live-root is refused). The result (ok or failed, files and bytes restored, files verified and "
		"failed, duration, who, why) is appended to the journal as one line (a single "
		"O_APPEND write, then fsync; never through a symlink). The restore gets the "
		"time left but a reserve for cleaning up and recording: when it runs out, its "
		"process group is killed and the failure recorded. A drill that fails is "
		"CRITICAL; one that could not start (a wrong password, a missing tool, no "
		"HOME) is UNKNOWN, and recorded as failed too. Give drill mode a long --timeout "
		"(-t 1800) and run it from cron or a systemd timer (contrib/), not from the "
		"monitoring engine."),
	.options = dr_opts,
	.primary = dr_primary,
	.metrics =
		N_("age (seconds since the last successful drill), and of the newest drill: "
		"duration (seconds the restore took), bytes (restored), throughput (bytes/s), "
		"files_verified, files_failed. A figure the journal line lacks is left out."),
	.examples =
		N_("  check_restore_drill --journal /var/lib/plumbline/drill.journal\n"
		"      A drill within 30 days, the last one successful.\n"
		"  check_restore_drill --journal /var/lib/plumbline/drill.journal --warning-age 8d --critical-age 15d\n"
		"      Weekly drills.\n"
		"  check_restore_drill --mode drill --journal /var/lib/plumbline/drill.journal --source restic --repo /srv/restic --password-file /etc/plumbline/restic.pw --sample 20 --check-subsets 30 -t 1800\n"
		"      A drill: 20 files of the newest full snapshot restored and compared with\n"
		"      the live files, and a thirtieth of the pack data read.\n"
		"  check_restore_drill --mode drill --journal /var/lib/plumbline/drill.journal --source tar --archive '/srv/backup/full-*.tar' --sample-path etc --manifest /srv/backup/etc.sha256 -t 600\n"
		"      The etc/ directory of the newest full tar archive, against a manifest.\n"),
	.uses_state = true,
	.no_interval = true,
};

/* ---- the journal ---- */

/* Reads the newest JOURNAL_CAP bytes of the journal into b (a cut first line dropped).
 * Returns 0, or -1 with why in err. */
static int
journal_read(const char *path, struct pl_buf *b, char *err, size_t errlen)
{
	const struct pl_file_rules rules = { PL_FILE_TRUSTED, JOURNAL_CAP, _("the journal") };
	struct stat st;
	int fd = pl_open_trusted(AT_FDCWD, path, &rules, &st, err, errlen);
	bool cut = false;
	int rc;

	if (fd < 0)
		return -1;
	if ((size_t)st.st_size > JOURNAL_CAP) {
		cut = lseek(fd, st.st_size - (off_t)JOURNAL_CAP, SEEK_SET) >= 0;
	}
	pl_buf_init(b, JOURNAL_CAP);
	rc = pl_read_fd(fd, path, &rules, b, err, errlen);
	close(fd);
	if (rc == 0 && cut) {
		const char *s = pl_buf_str(b), *nl = memchr(s, '\n', b->len);
		size_t skip = nl ? (size_t)(nl - s) + 1 : b->len;

		memmove(b->data, s + skip, b->len - skip);
		b->len -= skip;
		b->data[b->len] = '\0';
	}
	return rc;
}

static double
median(double *v, size_t n)
{
	/* n is small (PL_DRILL_RECENT_MAX): insertion sort. */
	for (size_t i = 1; i < n; i++)
		for (size_t k = i; k > 0 && v[k] < v[k - 1]; k--) {
			double t = v[k];

			v[k] = v[k - 1];
			v[k - 1] = t;
		}
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The trend: one line per recent drill, and the newest against the median before. */
static void
journal_trend(const struct pl_drill_journal *j, struct pl_result *r)
{
	double before[PL_DRILL_RECENT_MAX];
	size_t nb = 0;

	if (j->nrecent == 0)
		return;
	pl_result_line(r, _("recent drills, oldest first:"));
	for (size_t i = 0; i < j->nrecent; i++) {
		const struct pl_drill_entry *e = &j->recent[i];
		char when[PL_RFC3339_SIZE], d[32] = "?", b[32] = "?", t[32] = "";

		pl_rfc3339_format(&e->time, 0, when, sizeof(when));
		if (!isnan(e->duration))
			pl_snprintf(d, sizeof(d), "%.1fs", e->duration);
		if (!isnan(e->bytes_restored))
			pl_unit_human(b, sizeof(b), e->bytes_restored, PL_U_BYTES);
		if (!isnan(e->duration) && !isnan(e->bytes_restored) && e->duration > 0) {
			char h[32];

			pl_unit_human(h, sizeof(h), e->bytes_restored / e->duration,
				      PL_U_BYTES_PER_S);
			pl_snprintf(t, sizeof(t), ", %s", h);
		}
		/* TRANSLATORS: a drill's result in the trend of recent drills. */
		const char *res = e->ok ? C_("drill result", "ok") : C_("drill result", "FAILED");

		if (e->who[0])
			pl_result_line(r, _("  %s %s: restore %s, %s%s, by %s"), when, res, d, b, t,
				       e->who);
		else
			pl_result_line(r, _("  %s %s: restore %s, %s%s"), when, res, d, b, t);
		if (i + 1 < j->nrecent && e->ok && !isnan(e->duration))
			before[nb++] = e->duration;
	}
	const struct pl_drill_entry *n = &j->recent[j->nrecent - 1];

	if (nb >= 2 && n->ok && !isnan(n->duration)) {
		double m = median(before, nb);

		if (m > 0)
			pl_result_line(r, _("the newest restore took %.1fs, %.2f times the median of the %zu successful drills before (%.1fs)"),
				       n->duration, n->duration / m, nb, m);
	}
}

/* Reads and parses the journal into j; malformed lines are UNKNOWN unless
 * --skip-malformed. */
static void
journal_load(const struct dr_config *cfg, const char *f, const struct pl_time *now,
	     struct pl_drill_journal *j, struct pl_result *r)
{
	struct pl_buf b = PL_BUF_INIT;
	struct pl_time until = *now;
	char err[512];

	until.sec += FUTURE_SKEW;

	if (journal_read(cfg->journal, &b, err, sizeof(err)) != 0) {
		if (errno == ENOENT)
			pl_die(PL_UNKNOWN, _("%s (--journal): no drill recorded there yet, or a wrong path"),
			       err);
		pl_die(PL_UNKNOWN, "%s (--journal)", err);
	}
	pl_drill_journal_parse_until(pl_buf_str(&b), b.len, cfg->recent, &until, j);
	pl_buf_free(&b);
	if (j->future > 0) {
		char when[PL_RFC3339_SIZE], nw[PL_RFC3339_SIZE];

		pl_rfc3339_format(&j->future_time, 0, when, sizeof(when));
		pl_rfc3339_format(now, 0, nw, sizeof(nw));
		pl_result_finding(r, PL_UNKNOWN,
				  P_("journal %s line %zu: drill time %s is in the future (now %s; %zu such line, not counted): this clock is wrong or the journal was edited",
				     "journal %s line %zu: drill time %s is in the future (now %s; %zu such lines, not counted): this clock is wrong or the journal was edited",
				     j->future),
				  f, j->first_future, when, nw, j->future);
	}
	if (j->malformed > 0 && !cfg->skip_malformed)
		pl_result_finding(r, PL_UNKNOWN,
				  P_("journal %s line %zu: %s (%zu malformed line; repair or remove them, or pass --skip-malformed)",
				     "journal %s line %zu: %s (%zu malformed lines; repair or remove them, or pass --skip-malformed)",
				     j->malformed),
				  f, j->first_bad, j->first_err, j->malformed);
	else if (j->malformed > 0)
		pl_result_line(r, P_("%zu malformed journal line left out (the first, line %zu: %s)",
				     "%zu malformed journal lines left out (the first, line %zu: %s)",
				     j->malformed),
			       j->malformed, j->first_bad, j->first_err);
}

/* The last drill: a failure (unless this run's, already said) and its figures. */
static void
journal_last(const struct pl_drill_entry *e, bool just_failed, struct pl_result *r)
{
	struct pl_metric *m;
	char when[PL_RFC3339_SIZE];

	pl_rfc3339_format(&e->time, 0, when, sizeof(when));
	/* The message is the journal's own text, in the language it was written in. */
	if (!e->ok && !just_failed && e->message[0])
		pl_result_finding(r, PL_CRITICAL, _("last drill failed at %s: %s"), when, e->message);
	else if (!e->ok && !just_failed)
		pl_result_finding(r, PL_CRITICAL, _("last drill failed at %s"), when);
	if (!isnan(e->duration)) {
		m = pl_metric_add(r, "duration", e->duration, PL_U_SECONDS);
		m->prec = 3;
		pl_metric_minmax(m, 0, NAN);
	}
	if (!isnan(e->bytes_restored))
		pl_metric_minmax(pl_metric_add(r, "bytes", e->bytes_restored, PL_U_BYTES), 0, NAN);
	if (!isnan(e->bytes_restored) && !isnan(e->duration) && e->duration > 0) {
		m = pl_metric_add(r, "throughput", e->bytes_restored / e->duration,
				  PL_U_BYTES_PER_S);
		m->prec = 0;
		pl_metric_minmax(m, 0, NAN);
	}
	if (!isnan(e->files_verified))
		pl_metric_minmax(pl_metric_add(r, "files_verified", e->files_verified, PL_U_NONE), 0, NAN);
	if (!isnan(e->files_failed))
		pl_metric_minmax(pl_metric_add(r, "files_failed", e->files_failed, PL_U_NONE), 0, NAN);
}

/* Judges the journal; just_failed: this run's drill failed and said so already. */
static void
journal_judge(const struct dr_config *cfg, const struct pl_time *now, bool just_failed,
	      struct pl_result *r)
{
	struct pl_drill_journal *j = calloc(1, sizeof(*j));
	struct pl_metric *m;
	char err[512], f[300], when[PL_RFC3339_SIZE], a[32], t[64];
	bool untrusted;
	double age;

	if (j == NULL)
		pl_die(PL_UNKNOWN, _("out of memory"));
	pl_name_str(f, sizeof(f), cfg->journal);
	journal_load(cfg, f, now, j, r);
	/* A journal with lines nobody can read, or dated in the future, is UNKNOWN, not
	 * judged on the rest. */
	untrusted = (j->malformed > 0 && !cfg->skip_malformed) || j->future > 0;
	m = pl_metric_add(r, "age", NAN, PL_U_SECONDS);
	m->prec = 0;
	if (!untrusted) {
		pl_snprintf(t, sizeof(t), "%.0f", cfg->warn_age);
		pl_range_parse(t, &m->warn, err, sizeof(err));
		pl_snprintf(t, sizeof(t), "%.0f", cfg->crit_age);
		pl_range_parse(t, &m->crit, err, sizeof(err));
	}
	pl_metric_minmax(m, 0, NAN);
	if (!j->has_good && untrusted) {
		pl_metric_missing(m, PL_MISSING_LASTING, _("no successful drill in the journal"),
				  _("repair the journal"));
		pl_result_line(r, _("no successful drill among the readable lines of %s"), f);
	} else if (!j->has_good) {
		pl_metric_missing(m, PL_MISSING_LASTING, _("no successful drill in the journal"),
				  _("perform a drill (--mode drill)"));
		pl_result_finding(r, PL_CRITICAL,
				  P_("no successful drill recorded in %s (%zu drill, %zu failed)",
				     "no successful drill recorded in %s (%zu drills, %zu failed)",
				     j->entries),
				  f, j->entries, j->failed);
	} else {
		age = pl_time_diff(now, &j->last_good.time);
		m->value = age > 0 ? (double)(int64_t)age : 0;
		pl_rfc3339_format(&j->last_good.time, 0, when, sizeof(when));
		pl_result_fact(r, "last good drill", "%s%s%s", when,
			       j->last_good.backup[0] ? " from " : "", j->last_good.backup);
	}
	if (j->has_last)
		journal_last(&j->last, just_failed || untrusted, r);
	journal_trend(j, r);
	if (j->has_good) {
		age = pl_time_diff(now, &j->last_good.time);
		pl_unit_human(a, sizeof(a), age > 0 ? (double)(int64_t)age : 0, PL_U_SECONDS);
		pl_result_summary(r, P_("last good drill %s ago, %zu drill recorded",
					"last good drill %s ago, %zu drills recorded", j->entries),
				  a, j->entries);
	} else {
		pl_result_summary(r, P_("%zu drill recorded, none successful",
					"%zu drills recorded, none successful", j->entries),
				  j->entries);
	}
	free(j);
}

/* Appends e to the journal: one write of one line with O_APPEND (two drills never
 * interleave; a reader never sees half a line), then fsync. The journal must be a
 * regular file of ours with one link: never a symlink (O_NOFOLLOW) nor a hard link to
 * a file elsewhere. Returns 0, or -1 with why in err. */
static int
journal_append(const char *path, const struct pl_drill_entry *e, char *err, size_t errlen)
{
	struct pl_buf line = PL_BUF_INIT;
	struct stat st;
	bool created = true;
	int fd, rc = -1;
	ssize_t n;

	pl_buf_init(&line, PL_DRILL_LINE_MAX);
	pl_drill_line_format(e, &line);
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0 && errno == EEXIST) {
		created = false;
		fd = open(path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	}
	if (fd < 0) {
		int en = errno;

		if (en == ELOOP)
			pl_snprintf(err, errlen, _("cannot write the journal %s: %s (a symbolic link: name the file itself)"),
				    path, strerror(en));
		else
			pl_snprintf(err, errlen, _("cannot write the journal %s: %s"), path,
				    strerror(en));
		goto end;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1 ||
	    st.st_uid != geteuid()) {
		pl_snprintf(err, errlen, _("the journal %s is not a regular file of the user running the drill with one link; not written"),
			    path);
		goto end;
	}
	n = write(fd, pl_buf_str(&line), line.len);
	if (n != (ssize_t)line.len) {
		pl_snprintf(err, errlen, _("cannot write the journal %s: %s"), path,
			    n < 0 ? strerror(errno) : _("short write"));
		goto end;
	}
	if (fsync(fd) != 0) {
		pl_snprintf(err, errlen, _("cannot sync the journal %s: %s"), path, strerror(errno));
		goto end;
	}
	if (created) {
		char dir[4096];
		const char *sl = strrchr(path, '/');
		int dfd;

		pl_snprintf(dir, sizeof(dir), "%.*s", sl ? (int)(sl - path) + (sl == path) : 1,
			    sl ? path : ".");
		if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
			(void)fsync(dfd);
			close(dfd);
		}
	}
	rc = 0;
end:
	if (fd >= 0)
		close(fd);
	pl_buf_free(&line);
	return rc;
}

/* ---- the drill ---- */

struct drill {
	const struct dr_config *cfg;
	const struct pl_common *c;
	struct pl_result *r;
	struct pl_bk_repo repo;
	struct pl_drill_entry e;     /* what is recorded */
	enum pl_state fail_state;    /* CRITICAL: the drill failed; UNKNOWN: could not run */
	bool failed;
	struct pl_deadline tools;    /* the deadline the tools get: the process one less a
				      * reserve for cleaning up and recording */
	char backup_id[256];         /* restic snapshot id, borg archive name, tar path */
	int wfd;                     /* --work-dir */
	int lockfd;                  /* its drill.lock, held */
	char work[4096];
	char tmpname[64];            /* below wfd; "" when none */
	char tmp[4200];
	struct pl_drill_files files;
	size_t *pick, npick;
	double sample_bytes;
	char *paths[8];              /* restic: the snapshot's paths, as given at backup */
	size_t npaths;
	bool said_rel;               /* the relative-path mapping was said */
	/* A local repository's commit marks when the drill began (restic: the names in
	 * index/ and snapshots/; borg: its index.N, hints.N), to tell a failure a prune
	 * caused while the drill ran (it takes no lock) from bad data. */
	struct pl_buf marks;
	bool have_marks;
};

__attribute__((format(printf, 3, 4)))
static void
drill_fail(struct drill *d, enum pl_state st, const char *fmt, ...)
{
	va_list ap;

	if (d->failed)
		return;
	d->failed = true;
	d->fail_state = st;
	va_start(ap, fmt);
	vsnprintf(d->e.message, sizeof(d->e.message), fmt, ap);
	va_end(ap);
	pl_bk_scrub(d->e.message, &d->repo);
}

/* A tool failure that says the repository itself is bad (a corrupt pack or segment)
 * fails the drill; one about the setup (password, HOME, a missing repository) cannot
 * run it: UNKNOWN. */
static enum pl_state
setup_or_data(enum pl_bk_why why, enum pl_state data)
{
	return pl_bk_why_setup(why) ? PL_UNKNOWN : data;
}

/* The local repository's commit marks into out, one a line: restic's index/ and
 * snapshots/ names ("i NAME", "s NAME"), borg's index.N and hints.N. False for a remote
 * repository or one not readable here. */
static bool
repo_marks(const struct drill *d, struct pl_buf *out)
{
	const char *repo = pl_bk_location(&d->repo);
	const char *const dirs[] = { "index", "snapshots" };
	char path[4200], err[256], **names = NULL;
	size_t n = 0;

	if (repo == NULL || repo[0] != '/' || d->cfg->source == SRC_TAR)
		return false;
	for (int k = 0; k < (d->cfg->source == SRC_RESTIC ? 2 : 1); k++) {
		if (d->cfg->source == SRC_RESTIC)
			pl_snprintf(path, sizeof(path), "%s/%s", repo, dirs[k]);
		else
			pl_strlcpy(path, repo, sizeof(path));
		if (pl_dir_list(NULL, path, &names, &n, err, sizeof(err)) != 0)
			return false;
		for (size_t i = 0; i < n; i++)
			if (d->cfg->source == SRC_RESTIC)
				pl_buf_printf(out, "%c %s\n", dirs[k][0], names[i]);
			else if (strncmp(names[i], "index.", 6) == 0 ||
				 strncmp(names[i], "hints.", 6) == 0)
				pl_buf_printf(out, "%s\n", names[i]);
		pl_dir_free(names, n);
	}
	return true;
}

/* Whether the repository was changed under the drill in a way that can fail it: restic,
 * an index or snapshot file of the start removed (prune, forget); borg, another
 * transaction (prune, delete, compact, or a backup's commit). */
static bool
repo_changed(const struct drill *d)
{
	struct pl_buf now = PL_BUF_INIT;
	bool changed = false;

	if (!d->have_marks)
		return false;
	pl_buf_init(&now, 4096);
	pl_buf_puts(&now, "\n");   /* each line of now between newlines */
	if (!repo_marks(d, &now)) {
		pl_buf_free(&now);
		return false;
	}
	if (d->cfg->source == SRC_BORG) {
		changed = strcmp(pl_buf_str(&now) + 1, pl_buf_str(&d->marks)) != 0;
	} else {
		for (const char *p = pl_buf_str(&d->marks); *p != '\0' && !changed;) {
			size_t k = strcspn(p, "\n");
			char line[300];

			pl_snprintf(line, sizeof(line), "\n%.*s\n", (int)(k < 290 ? k : 290), p);
			changed = strstr(pl_buf_str(&now), line) == NULL;
			p += k + (p[k] == '\n');
		}
	}
	pl_buf_free(&now);
	return changed;
}

/* Runs a tool for the drill under the tools' deadline. Returns 0 when it ran and
 * exited 0 (output in rr, to free); else -1 with the drill failed (state st for a tool
 * failure, UNKNOWN when it could not be started), rr freed. */
static int
drill_run(struct drill *d, const char *const *argv, const char *cwd, const char *what,
	  enum pl_state st, struct pl_run_result *rr)
{
	char err[600], why[700];

	pl_timeout_waiting(what);
	if (pl_deadline_expired(&d->tools)) {
		drill_fail(d, d->c->timeout_state, _("no time left for %s (--timeout)"), what);
		return -1;
	}
	if (pl_bk_run(&d->repo, argv, cwd, &d->tools, LIST_CAP, rr, err, sizeof(err)) != 0) {
		drill_fail(d, PL_UNKNOWN, "%s", err);
		return -1;
	}
	if (rr->timed_out) {
		pl_run_describe(rr, err, sizeof(err));
		drill_fail(d, d->c->timeout_state, _("%s; killed, nothing kept"), err);
	} else if (rr->out_capped) {
		drill_fail(d, PL_UNKNOWN, _("%s printed more than %zu MiB, more than a drill reads (about %d files); drill a smaller backup, or split it into backups of their own"),
			   what, LIST_CAP >> 20, PL_DRILL_FILES_MAX);
	} else if (!rr->exited || rr->status != 0) {
		enum pl_bk_why kind = pl_bk_failure(rr, &d->repo, why, sizeof(why));
		enum pl_state fs = setup_or_data(kind, st);

		if (fs == PL_CRITICAL && repo_changed(d))
			drill_fail(d, PL_UNKNOWN, d->cfg->source == SRC_RESTIC ?
				   _("the repository was pruned or a snapshot forgotten while the drill ran, so this failure may come from that, not from the data (run drills when no prune runs): %s") :
				   _("the repository changed while the drill ran (a prune, delete, compact or backup committed), so this failure may come from that, not from the data (run drills when no prune runs): %s"),
				   why);
		else
			drill_fail(d, fs, "%s", why);
	} else {
		return 0;
	}
	pl_run_result_free(rr);
	return -1;
}

/* The newest regular file --archive matches is the tar backup drilled. */
static int
drill_find_tar(struct drill *d)
{
	const struct dr_config *cfg = d->cfg;
	glob_t g;
	struct stat st, best;
	const char *bp = NULL;

	pl_timeout_waiting(_("listing the tar archives"));
	if (glob(cfg->archive, 0, NULL, &g) != 0) {
		drill_fail(d, PL_CRITICAL, _("no tar archive matches --archive %s"), cfg->archive);
		return -1;
	}
	for (size_t i = 0; i < g.gl_pathc; i++)
		if (stat(g.gl_pathv[i], &st) == 0 && S_ISREG(st.st_mode) &&
		    (bp == NULL || st.st_mtime > best.st_mtime)) {
			best = st;
			bp = g.gl_pathv[i];
		}
	if (bp != NULL)
		pl_strlcpy(d->backup_id, bp, sizeof(d->backup_id));
	globfree(&g);
	if (bp == NULL) {
		drill_fail(d, PL_CRITICAL, _("no regular file matches --archive %s"), cfg->archive);
		return -1;
	}
	pl_strlcpy(d->e.backup, d->backup_id, sizeof(d->e.backup));
	return 0;
}

/* No full backup of the rule shown: the drill fails, saying how many checkpoints
 * (interrupted runs, never a backup) matched it. */
static void
drill_no_full(struct drill *d, const char *shown, size_t nck)
{
	const char *host = d->cfg->host, *where = pl_bk_where(&d->repo);

	if (host != NULL && nck > 0)
		drill_fail(d, PL_CRITICAL,
			   P_("no full backup (%s) of host %s in %s, only %zu checkpoint of interrupted runs",
			      "no full backup (%s) of host %s in %s, only %zu checkpoints of interrupted runs",
			      nck),
			   shown, host, where, nck);
	else if (host != NULL)
		drill_fail(d, PL_CRITICAL, _("no full backup (%s) of host %s in %s"), shown, host,
			   where);
	else if (nck > 0)
		drill_fail(d, PL_CRITICAL,
			   P_("no full backup (%s) in %s, only %zu checkpoint of interrupted runs",
			      "no full backup (%s) in %s, only %zu checkpoints of interrupted runs",
			      nck),
			   shown, where, nck);
	else
		drill_fail(d, PL_CRITICAL, _("no full backup (%s) in %s"), shown, where);
}

/* The paths a restic snapshot was made of, for live_relative. */
static void
drill_keep_paths(struct drill *d, const struct pl_bk *b)
{
	for (size_t i = 0; i < b->npaths && d->npaths < 8; i++)
		if ((d->paths[d->npaths] = strdup(b->paths[i])) != NULL)
			d->npaths++;
}

/* The newest full backup: its id into d->backup_id. */
static int
drill_find(struct drill *d)
{
	const struct dr_config *cfg = d->cfg;
	struct pl_run_result rr;
	struct pl_bk_list l;
	struct pl_bk_match m;
	char rule[512], err[300];
	const char *shown;
	bool *take;
	long newest, prev;
	size_t count, nck = 0;
	int rc;

	if (cfg->source == SRC_TAR)
		return drill_find_tar(d);
	{
		const char *rargv[] = { cfg->restic, "snapshots", "--json", "--no-lock",
					cfg->no_cache ? "--no-cache" : NULL, NULL };
		const char *bargv[] = { cfg->borg, "list", "--json", "--bypass-lock",
					"--consider-checkpoints", "--format", "{hostname}", NULL };

		if (drill_run(d, cfg->source == SRC_RESTIC ? rargv : bargv, NULL,
			      cfg->source == SRC_RESTIC ? "restic snapshots" : "borg list",
			      PL_UNKNOWN, &rr) != 0)
			return -1;
	}
	rc = (cfg->source == SRC_RESTIC ? pl_restic_snapshots_parse : pl_borg_list_parse)(
		pl_buf_str(&rr.out), rr.out.len, &l, err, sizeof(err));
	pl_run_result_free(&rr);
	if (rc != 0) {
		drill_fail(d, PL_UNKNOWN, _("cannot read the listing of %s: %s"), pl_bk_where(&d->repo),
			   err);
		return -1;
	}
	/* pl_bk_match_parse cuts rule into its parts: the message names it whole. */
	shown = cfg->full ? cfg->full : cfg->source == SRC_RESTIC ? "tag:full" : "name:*full*";
	pl_strlcpy(rule, shown, sizeof(rule));
	if (pl_bk_match_parse(rule, &m, err, sizeof(err)) != 0)
		pl_die(PL_UNKNOWN, "--full: %s", err);   /* dr_check saw it parse */
	take = calloc(l.n + 1, sizeof(*take));
	if (take == NULL)
		pl_die(PL_UNKNOWN, _("out of memory"));
	for (size_t i = 0; i < l.n; i++) {
		take[i] = pl_bk_match(&m, &l.v[i]);
		nck += take[i] && l.v[i].checkpoint &&
		       (cfg->host == NULL || strcmp(l.v[i].host, cfg->host) == 0);
	}
	newest = pl_bk_latest(&l, take, cfg->host, &prev, &count);
	free(take);
	if (newest < 0) {
		drill_no_full(d, shown, nck);
		pl_bk_list_free(&l);
		return -1;
	}
	if (cfg->source == SRC_RESTIC)
		drill_keep_paths(d, &l.v[newest]);
	pl_strlcpy(d->backup_id, cfg->source == SRC_RESTIC ? l.v[newest].id : l.v[newest].name,
		   sizeof(d->backup_id));
	pl_snprintf(d->e.backup, sizeof(d->e.backup), "%s",
		    cfg->source == SRC_RESTIC ? l.v[newest].name : l.v[newest].name);
	pl_bk_list_free(&l);
	return 0;
}

/* Picks every file at or below each --path; a --path with none there fails the drill. */
static int
drill_pick_paths(struct drill *d)
{
	const struct dr_config *cfg = d->cfg;

	for (size_t k = 0; k < cfg->paths.n; k++) {
		const char *want = pl_drill_relpath(cfg->paths.v[k]);
		size_t wl = strlen(want), found = 0;

		while (wl > 0 && want[wl - 1] == '/')
			wl--;
		for (size_t i = 0; i < d->files.n && d->npick < MAX_SAMPLE * 10; i++) {
			const char *p = pl_drill_relpath(d->files.v[i].path);
			bool dup = false;

			if (strncmp(p, want, wl) != 0 || (p[wl] != '\0' && p[wl] != '/'))
				continue;
			found++;
			for (size_t q = 0; q < d->npick && !dup; q++)
				dup = d->pick[q] == i;
			if (!dup)
				d->pick[d->npick++] = i;
		}
		if (found == 0) {
			drill_fail(d, PL_CRITICAL, _("%s is not in the backup %s (no file there)"),
				   cfg->paths.v[k], d->e.backup);
			return -1;
		}
	}
	return 0;
}

/* The files of the backup, and the sample. */
static int
drill_sample(struct drill *d)
{
	const struct dr_config *cfg = d->cfg;
	char arch[400], err[300];
	const char *rargv[] = { cfg->restic, "ls", "--json", "--no-lock", d->backup_id,
				cfg->no_cache ? "--no-cache" : NULL, NULL };
	const char *bargv[] = { cfg->borg, "list", "--json-lines", "--bypass-lock", arch, NULL };
	const char *targv[] = { cfg->tar, "-tvf", d->backup_id, NULL };
	const char *const *argv = cfg->source == SRC_RESTIC ? rargv :
				  cfg->source == SRC_BORG ? bargv : targv;
	struct pl_run_result rr;
	int rc;

	pl_snprintf(arch, sizeof(arch), "::%s", d->backup_id);
	if (drill_run(d, argv, NULL, cfg->source == SRC_RESTIC ? "restic ls" :
		      cfg->source == SRC_BORG ? "borg list" : "tar -tvf", PL_CRITICAL, &rr) != 0)
		return -1;
	rc = (cfg->source == SRC_RESTIC ? pl_drill_restic_ls_parse :
	      cfg->source == SRC_BORG ? pl_drill_borg_ls_parse : pl_drill_tar_ls_parse)(
		pl_buf_str(&rr.out), rr.out.len, &d->files, err, sizeof(err));
	pl_run_result_free(&rr);
	if (rc != 0) {
		drill_fail(d, PL_UNKNOWN, _("cannot read the file list of %s: %s"), d->e.backup, err);
		return -1;
	}
	if (d->files.skipped > 0)
		pl_result_line(d->r, P_("%zu entry of the file list of %s left out of the sample (lines not understood, or names the tool printed escaped, e.g. with a backslash)",
					"%zu entries of the file list of %s left out of the sample (lines not understood, or names the tool printed escaped, e.g. with a backslash)",
					d->files.skipped),
			       d->files.skipped, d->e.backup);
	d->pick = calloc(d->files.n + 1, sizeof(*d->pick));
	if (d->pick == NULL)
		pl_die(PL_UNKNOWN, _("out of memory"));
	if (cfg->paths.n > 0) {
		if (drill_pick_paths(d) != 0)
			return -1;
	} else {
		uint64_t seed = 0;

		if (getrandom(&seed, sizeof(seed), 0) != (ssize_t)sizeof(seed))
			seed = (uint64_t)pl_mono_ns() ^ (uint64_t)getpid();
		d->npick = pl_drill_pick(d->files.n, cfg->sample ? cfg->sample : 10, seed, d->pick);
	}
	if (d->npick == 0) {
		drill_fail(d, PL_CRITICAL, _("the backup %s holds no regular file to restore"),
			   d->e.backup);
		return -1;
	}
	for (size_t i = 0; i < d->npick; i++)
		d->sample_bytes += d->files.v[d->pick[i]].size;
	return 0;
}

/* Room for the sample in the work directory. */
static int
drill_space(struct drill *d)
{
	struct statvfs sv;
	char need[32], have[32];
	double avail;

	if (fstatvfs(d->wfd, &sv) != 0)
		return 0;
	avail = (double)sv.f_bavail * (double)sv.f_frsize;
	if (avail < d->sample_bytes + d->cfg->min_free) {
		pl_unit_human(need, sizeof(need), d->sample_bytes + d->cfg->min_free, PL_U_BYTES);
		pl_unit_human(have, sizeof(have), avail, PL_U_BYTES);
		drill_fail(d, PL_CRITICAL, _("not enough room in %s: %s free, %s needed (the sample and --min-free); nothing restored"),
			   d->work, have, need);
		return -1;
	}
	return 0;
}

/* Whether the entry name below the work directory is a drill's own directory: a real
 * directory (no symlink) of ours holding the marker file drill_mkdtemp made in it, a
 * regular file of ours saying MARKER_TEXT. Anything else named restore-* (a
 * restore-procedures/ of live data, say) is not ours to remove. */
static bool
drill_marked(int wfd, const char *name)
{
	struct stat st;
	char buf[64];
	ssize_t n;
	int dfd, fd;
	bool ours = false;

	if (fstatat(wfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode) ||
	    st.st_uid != geteuid())
		return false;
	if ((dfd = openat(wfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return false;
	fd = openat(dfd, MARKER, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	close(dfd);
	if (fd < 0)
		return false;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
	    (n = read(fd, buf, sizeof(buf) - 1)) > 0) {
		buf[n] = '\0';
		ours = strncmp(buf, MARKER_TEXT, strlen(MARKER_TEXT)) == 0;
	}
	close(fd);
	return ours;
}

/* Removes what earlier drills left in the work directory (their lock is ours now, so
 * none of them runs): only directories carrying a drill's marker (drill_marked). */
static void
drill_leftovers(struct drill *d)
{
	char **names = NULL, err[600];
	size_t n = 0, gone = 0;

	if (pl_dir_list(NULL, d->work, &names, &n, err, sizeof(err)) != 0)
		return;
	for (size_t i = 0; i < n; i++) {
		if (strncmp(names[i], TMP_PREFIX, strlen(TMP_PREFIX)) != 0 ||
		    !drill_marked(d->wfd, names[i]))
			continue;
		if (pl_remove_tree(d->wfd, names[i], err, sizeof(err)) == 0)
			gone++;
		else
			pl_result_finding(d->r, PL_WARNING, _("cannot remove what an earlier drill left in %s: %s"),
					  d->work, err);
	}
	pl_dir_free(names, n);
	if (gone > 0)
		pl_result_line(d->r, P_("removed %zu directory an earlier, interrupted drill left in %s",
					"removed %zu directories an earlier, interrupted drill left in %s",
					gone),
			       gone, d->work);
}

/* Puts the marker in the new directory d->tmpname (O_EXCL: made here, now). */
static int
drill_mark(struct drill *d)
{
	char text[128];
	int dfd, fd = -1, rc = -1;
	size_t len;

	pl_snprintf(text, sizeof(text), MARKER_TEXT " pid %ld start %lld\n", (long)getpid(),
		    (long long)time(NULL));
	len = strlen(text);
	dfd = openat(d->wfd, d->tmpname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd >= 0)
		fd = openat(dfd, MARKER, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			    0600);
	if (fd >= 0 && write(fd, text, len) == (ssize_t)len)
		rc = 0;
	if (fd >= 0)
		close(fd);
	if (dfd >= 0)
		close(dfd);
	return rc;
}

static int
drill_mkdtemp(struct drill *d)
{
	static const char az[] = "abcdefghijklmnopqrstuvwxyz0123456789";

	for (int tries = 0; tries < 100; tries++) {
		unsigned char rnd[8];

		if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
			for (size_t i = 0; i < sizeof(rnd); i++)
				rnd[i] = (unsigned char)(pl_mono_ns() >> (i * 3));
		pl_snprintf(d->tmpname, sizeof(d->tmpname), TMP_PREFIX "%c%c%c%c%c%c%c%c",
			    az[rnd[0] % 36], az[rnd[1] % 36], az[rnd[2] % 36], az[rnd[3] % 36],
			    az[rnd[4] % 36], az[rnd[5] % 36], az[rnd[6] % 36], az[rnd[7] % 36]);
		if (mkdirat(d->wfd, d->tmpname, 0700) == 0) {
			pl_snprintf(d->tmp, sizeof(d->tmp), "%s/%s", d->work, d->tmpname);
			if (drill_mark(d) != 0) {
				int e = errno;

				(void)unlinkat(d->wfd, d->tmpname, AT_REMOVEDIR);
				d->tmpname[0] = '\0';
				drill_fail(d, PL_UNKNOWN, _("cannot make the marker file in %s: %s"),
					   d->tmp, strerror(e));
				return -1;
			}
			return 0;
		}
		if (errno != EEXIST)
			break;
	}
	drill_fail(d, PL_UNKNOWN, _("cannot make a directory in %s: %s"), d->work, strerror(errno));
	d->tmpname[0] = '\0';
	return -1;
}

/* path as the restore tool's pattern that matches only itself (pl_drill_restic_literal,
 * pl_drill_borg_literal). Dies when it cannot be made: out of memory, or an empty path,
 * which no listing gives (the parsers leave such entries out). */
static char *
tool_literal(int source, const char *path)
{
	char *out = source == SRC_RESTIC ? pl_drill_restic_literal(path) :
		    pl_drill_borg_literal(path);

	if (out == NULL)
		pl_die(PL_UNKNOWN, _("cannot make a restore pattern of a path of the listing "
		       "(empty, or out of memory)"));
	return out;
}

/* The restore of the sample into d->tmp. */
static int
drill_restore(struct drill *d)
{
	const struct dr_config *cfg = d->cfg;
	size_t max = 2 * d->npick + 16, n = 0;
	const char **argv = calloc(max, sizeof(*argv));
	char arch[400], **lit = calloc(d->npick + 1, sizeof(*lit));
	struct pl_run_result rr;
	int rc;

	if (argv == NULL || lit == NULL)
		pl_die(PL_UNKNOWN, _("out of memory"));
	if (cfg->source == SRC_RESTIC) {
		argv[n++] = cfg->restic;
		argv[n++] = "restore";
		argv[n++] = d->backup_id;
		argv[n++] = "--target";
		argv[n++] = d->tmp;
		argv[n++] = "--no-lock";
		if (cfg->no_cache)
			argv[n++] = "--no-cache";
		for (size_t i = 0; i < d->npick; i++) {
			argv[n++] = "--include";
			argv[n++] = lit[i] = tool_literal(SRC_RESTIC, d->files.v[d->pick[i]].path);
		}
	} else if (cfg->source == SRC_BORG) {
		pl_snprintf(arch, sizeof(arch), "::%s", d->backup_id);
		argv[n++] = cfg->borg;
		argv[n++] = "extract";
		argv[n++] = "--bypass-lock";
		argv[n++] = arch;
		for (size_t i = 0; i < d->npick; i++)
			argv[n++] = lit[i] = tool_literal(SRC_BORG, d->files.v[d->pick[i]].path);
	} else {
		argv[n++] = cfg->tar;
		argv[n++] = "-xf";
		argv[n++] = d->backup_id;
		argv[n++] = "-C";
		argv[n++] = d->tmp;
		argv[n++] = "--no-same-owner";
		argv[n++] = "--no-wildcards";
		argv[n++] = "--";
		for (size_t i = 0; i < d->npick; i++)
			argv[n++] = d->files.v[d->pick[i]].path;
	}
	argv[n] = NULL;
	rc = drill_run(d, argv, cfg->source == SRC_BORG ? d->tmp : NULL,
		       cfg->source == SRC_RESTIC ? "restic restore" :
		       cfg->source == SRC_BORG ? "borg extract" : "tar -x", PL_CRITICAL, &rr);
	free(argv);
	for (size_t i = 0; i < d->npick; i++)
		free(lit[i]);
	free(lit);
	if (rc != 0)
		return -1;
	d->e.duration = rr.elapsed;
	pl_run_result_free(&rr);
	return 0;
}

/* The SHA-256 of the file at fd; closes it. */
static int
digest(int fd, const struct pl_deadline *dl, char hex[PL_SHA256_HEX], uint64_t *bytes,
       char *err, size_t errlen)
{
	int rc = pl_sha256_fd(fd, dl, hex, bytes, err, errlen);

	close(fd);
	return rc;
}

/* restic keeps a path given relative at backup (cd /srv && restic backup www) from its
 * last component: /srv/www/index.html is "/www/index.html" in the snapshot, whose paths
 * say /srv/www. With the default --live-root, such a file's live path is put back
 * together from them (into live); false when rel is no such path. */
static bool
live_relative(struct drill *d, const char *rel, char *live, size_t len)
{
	size_t top = strcspn(rel, "/");

	if (strcmp(d->cfg->live_root, "/") != 0)
		return false;
	for (size_t i = 0; i < d->npaths; i++) {
		const char *p = d->paths[i], *base = strrchr(p, '/');
		size_t plen = strlen(p);

		bool under = strncmp(rel, p + 1, plen - 1) == 0 &&
			     (rel[plen - 1] == '/' || rel[plen - 1] == '\0');

		if (p[0] != '/' || base == NULL || base == p || strlen(base + 1) != top ||
		    strncmp(base + 1, rel, top) != 0 || under)
			continue;
		pl_snprintf(live, len, "%.*s/%s", (int)(base - p), p, rel);
		if (!d->said_rel) {
			pl_result_line(d->r, _("restic keeps %s as /%.*s (given as a relative path at backup): its live files are compared below %.*s"),
				       p, (int)top, rel, (int)(base - p), p);
			d->said_rel = true;
		}
		return true;
	}
	return false;
}

/* The SHA-256 the restored path should have, into want: from the manifest, or from the
 * live file below --live-root. When it cannot be had, why says so. */
static void
drill_want(struct drill *d, const struct pl_drill_manifest *man, const char *path,
	   char want[PL_SHA256_HEX], char *why, size_t whylen)
{
	const char *ref, *rel = pl_drill_relpath(path);
	char live[8192], err[300];
	int fd;

	if (man != NULL) {
		ref = pl_drill_manifest_find(man, path);
		if (ref == NULL)
			pl_snprintf(why, whylen, _("%s is not in the manifest"), path);
		else
			pl_strlcpy(want, ref, PL_SHA256_HEX);
		return;
	}
	if (!live_relative(d, rel, live, sizeof(live)))
		pl_snprintf(live, sizeof(live), "%s/%s",
			    strcmp(d->cfg->live_root, "/") == 0 ? "" : d->cfg->live_root, rel);
	fd = open(live, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		pl_snprintf(why, whylen, _("live file %s: %s"), live, strerror(errno));
	else if (digest(fd, &d->tools, want, NULL, err, sizeof(err)) != 0)
		pl_snprintf(why, whylen, _("live file %s: %s"), live, err);
}

/* Each restored file against the live file or the manifest. */
static void
drill_verify(struct drill *d, const struct pl_drill_manifest *man)
{
	int tfd = openat(d->wfd, d->tmpname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	size_t failed = 0, verified = 0, restored = 0, shown = 0;
	double bytes = 0;
	char first[600] = "";

	pl_timeout_waiting(_("verifying the restored files"));
	for (size_t i = 0; i < d->npick && tfd >= 0; i++) {
		const char *path = d->files.v[d->pick[i]].path, *rel = pl_drill_relpath(path);
		char got[PL_SHA256_HEX], want[PL_SHA256_HEX], err[300], why[700] = "";
		uint64_t nb = 0;
		int fd;

		if (pl_deadline_expired(&d->tools)) {
			pl_snprintf(why, sizeof(why), P_("no time left to verify %zu file (--timeout)",
							 "no time left to verify %zu files (--timeout)",
							 d->npick - i),
				    d->npick - i);
			failed += d->npick - i;
			pl_strlcpy(first, why, sizeof(first));
			break;
		}
		fd = pl_open_beneath(tfd, rel, O_RDONLY | O_NONBLOCK);
		if (fd < 0) {
			pl_snprintf(why, sizeof(why), _("%s was not restored (%s)"), path, strerror(errno));
		} else if (digest(fd, &d->tools, got, &nb, err, sizeof(err)) != 0) {
			restored++;
			pl_snprintf(why, sizeof(why), _("cannot read the restored %s: %s"), path, err);
		} else {
			restored++;
			bytes += (double)nb;
			drill_want(d, man, path, want, why, sizeof(why));
			if (why[0] == '\0' && strcmp(got, want) != 0 && man != NULL)
				pl_snprintf(why, sizeof(why), _("%s differs from the manifest (SHA-256 %.12s..., restored %.12s...)"),
					    path, want, got);
			else if (why[0] == '\0' && strcmp(got, want) != 0)
				pl_snprintf(why, sizeof(why), _("%s differs from the live file (SHA-256 %.12s..., restored %.12s...)"),
					    path, want, got);
		}
		if (why[0] == '\0') {
			verified++;
			continue;
		}
		failed++;
		if (first[0] == '\0')
			pl_strlcpy(first, why, sizeof(first));
		if (shown++ < 10)
			pl_result_line(d->r, _("not verified: %s"), why);
	}
	if (tfd >= 0)
		close(tfd);
	else
		drill_fail(d, PL_UNKNOWN, _("cannot open %s: %s"), d->tmp, strerror(errno));
	d->e.files_restored = (double)restored;
	d->e.bytes_restored = bytes;
	d->e.files_verified = (double)verified;
	d->e.files_failed = (double)failed;
	if (failed > 0)
		drill_fail(d, PL_CRITICAL, P_("%zu of %zu file not verified: %s",
					      "%zu of %zu files not verified: %s", d->npick),
			   failed, d->npick, first);
}

/* restic check on the next subset of the pack data; the rotation in the state store. */
static void
drill_check(struct drill *d)
{
	const struct dr_config *cfg = d->cfg;
	struct pl_store st;
	struct pl_run_result rr;
	const char *k;
	uint64_t next = 0;
	char sub[64], num[32];

	pl_plugin_store_load(d->c, &st);
	if ((k = pl_store_kept(&st, "check", "next")) != NULL &&
	    pl_parse_u64(k, UINT64_MAX, &next) != 0)
		next = 0;
	next %= cfg->subsets;
	pl_snprintf(sub, sizeof(sub), "--read-data-subset=%llu/%zu",
		    (unsigned long long)next + 1, cfg->subsets);
	{
		/* --no-lock: restic check otherwise locks the repository exclusively
		 * for the whole read (an hour for 1/30 of a large one), and every backup
		 * started meanwhile fails. The read-only check needs no lock. */
		const char *argv[] = { cfg->restic, "check", sub, "--no-lock",
				       cfg->no_cache ? "--no-cache" : NULL, NULL };

		if (drill_run(d, argv, NULL, "restic check", PL_CRITICAL, &rr) == 0) {
			pl_result_line(d->r, _("restic check %s: no errors"), sub + 2);
			pl_run_result_free(&rr);
		}
	}
	/* The next drill reads the next subset, whatever this one found. */
	pl_snprintf(num, sizeof(num), "%llu", (unsigned long long)(next + 1) % cfg->subsets);
	pl_store_keep(&st, "check", "next", num);
	pl_plugin_store_save(d->c, &st, d->r);
	pl_store_free(&st);
}

/* Who performed it: --who, else USER@HOST. */
static void
drill_who(const struct dr_config *cfg, char *out, size_t len)
{
	struct passwd *pw = getpwuid(geteuid());
	char host[256] = "";

	if (cfg->who != NULL) {
		pl_strlcpy(out, cfg->who, len);
		return;
	}
	if (gethostname(host, sizeof(host) - 1) != 0)
		host[0] = '\0';
	pl_snprintf(out, len, "%s@%s", pw ? pw->pw_name : "?", host[0] ? host : "?");
}

static void
drill_cleanup(struct drill *d)
{
	char err[600];

	if (d->tmpname[0] == '\0')
		return;
	pl_timeout_waiting(_("removing the restored files"));
	if (pl_remove_tree(d->wfd, d->tmpname, err, sizeof(err)) != 0)
		pl_result_finding(d->r, PL_WARNING, _("restored files left behind: %s (the next drill removes them)"),
				  err);
	d->tmpname[0] = '\0';
}

/* The drill's record as far as it is known before anything runs: what, by whom, and the
 * tools' deadline. */
static void
drill_init(struct drill *d, const struct dr_config *cfg, const struct pl_common *c,
	   struct pl_result *r)
{
	double left, reserve;

	memset(d, 0, sizeof(*d));
	d->cfg = cfg;
	d->c = c;
	d->r = r;
	d->wfd = -1;
	d->lockfd = -1;
	d->e.files_restored = d->e.bytes_restored = d->e.files_verified = d->e.files_failed = NAN;
	d->e.duration = NAN;
	d->repo.tool = cfg->source == SRC_BORG ? PL_BK_BORG :
		       cfg->source == SRC_RESTIC ? PL_BK_RESTIC : PL_BK_NONE;
	d->repo.repo = cfg->repo;
	d->repo.repository = cfg->repository;
	/* tar gets no secret in its environment. */
	d->repo.password = cfg->source == SRC_TAR ? NULL : cfg->password;
	d->repo.cache_dir = cfg->cache_dir;
	pl_strlcpy(d->e.source, cfg->source == SRC_RESTIC ? "restic" :
		   cfg->source == SRC_BORG ? "borg" : "tar", sizeof(d->e.source));
	drill_who(cfg, d->e.who, sizeof(d->e.who));
	/* Cleaning up and recording need a moment after the tools are stopped. */
	left = pl_deadline_left(NULL);
	reserve = c->timeout * 0.2;
	reserve = reserve < 0.5 ? 0.5 : reserve > 3 ? 3 : reserve;
	d->tools = pl_deadline_in(left - reserve);
}

/* The password file given could not be read at parse time (PL_OPT_LATE). */
static int
drill_password(struct drill *d)
{
	const char *why = pl_plugin_late_error();

	if (why == NULL || d->cfg->source == SRC_TAR)
		return 0;
	drill_fail(d, PL_UNKNOWN, _("the password could not be read: %s"), why);
	return -1;
}

/* restic keeps its cache, borg its cache, keys and security data below HOME: a job
 * started without one (some cron setups) must say so, not half-work. */
static int
drill_home(struct drill *d)
{
	const struct dr_config *cfg = d->cfg;

	if (cfg->source != SRC_TAR && cfg->cache_dir == NULL &&
	    !(cfg->source == SRC_RESTIC && cfg->no_cache) &&
	    (getenv("HOME") == NULL || getenv("HOME")[0] != '/')) {
		if (cfg->source == SRC_RESTIC)
			drill_fail(d, PL_UNKNOWN, _("no HOME in the environment and no --cache-dir: %s keeps its cache below HOME; set HOME or give --cache-dir DIR (or pass --no-cache)"),
				   d->e.source);
		else
			drill_fail(d, PL_UNKNOWN, _("no HOME in the environment and no --cache-dir: %s keeps its cache, keys and security data below HOME; set HOME or give --cache-dir DIR"),
				   d->e.source);
		return -1;
	}
	return 0;
}

/* pl_store's messages name the state directory and --state-dir; here it is the work
 * directory and --work-dir. Rewrites them in place in err (of size len). The messages
 * come translated: the option name is the same in every language, and the directory's
 * name is looked up in the same catalog as pl_store's messages (the translator keeps
 * the two alike; tests/blackbox/i18n.sh asserts a --work-dir error in Chinese). The
 * English name too, for a part pl_store leaves untranslated. */
static void
work_words(char *err, size_t len)
{
	const struct { const char *from, *to; } w[] = {
		{ "--state-dir", "--work-dir" },
		/* TRANSLATORS: exactly as pl_store's messages translate "state directory". */
		{ C_("pl_store's directory", "state directory"),
		  /* TRANSLATORS: the same, naming check_restore_drill's --work-dir. */
		  C_("pl_store's directory", "work directory") },
		{ "state directory", "work directory" },
	};
	char out[600], *p;

	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		size_t at = 0;

		while (at < strlen(err) && (p = strstr(err + at, w[i].from)) != NULL) {
			pl_snprintf(out, sizeof(out), "%.*s%s%s", (int)(p - err), err, w[i].to,
				    p + strlen(w[i].from));
			at = (size_t)(p - err) + strlen(w[i].to);
			pl_strlcpy(err, out, len);
		}
	}
}

/* Opens the work directory and takes its lock: one drill at a time in it. */
static int
drill_workdir(struct drill *d)
{
	char err[600], dir[4096];

	if (d->cfg->work_dir != NULL)
		pl_strlcpy(dir, d->cfg->work_dir, sizeof(dir));
	else
		pl_snprintf(dir, sizeof(dir), "/var/tmp/plumbline-drill-%u", (unsigned)geteuid());
	d->wfd = pl_store_dir_open(dir, d->work, sizeof(d->work), err, sizeof(err));
	if (d->wfd < 0) {
		work_words(err, sizeof(err));
		drill_fail(d, PL_UNKNOWN, "--work-dir: %s", err);
		return -1;
	}
	pl_strlcpy(d->work, dir, sizeof(d->work));
	{
		char *w = realpath(dir, NULL), *l = realpath(d->cfg->live_root, NULL);
		bool inside = w && l && strcmp(w, l) == 0;

		free(w);
		free(l);
		if (inside) {
			drill_fail(d, PL_UNKNOWN, _("--work-dir %s is --live-root %s: the drill's lock and directories would sit among the live files it compares with; name a directory of its own (or one below)"),
				   d->work, d->cfg->live_root);
			return -1;
		}
	}
	d->lockfd = openat(d->wfd, "drill.lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (d->lockfd < 0 || flock(d->lockfd, LOCK_EX | LOCK_NB) != 0) {
		if (d->lockfd < 0)
			drill_fail(d, PL_UNKNOWN, _("another drill is running in %s (drill.lock held): cannot open drill.lock"),
				   d->work);
		else
			drill_fail(d, PL_UNKNOWN, _("another drill is running in %s (drill.lock held)"),
				   d->work);
		return -1;
	}
	return 0;
}

/* Reads --manifest into man, when given; *have_man says whether it was. */
static int
drill_manifest(struct drill *d, struct pl_drill_manifest *man, bool *have_man)
{
	struct pl_buf b = PL_BUF_INIT;
	const struct pl_file_rules rules = { PL_FILE_TRUSTED, (size_t)256 << 20,
					      _("the manifest") };
	char err[600];

	if (d->cfg->manifest == NULL) {
		struct stat st;

		/* Without a manifest the live files are the reference: a --live-root that is
		 * not there is the drill's setup, not every file of the backup gone bad. */
		const char *why = stat(d->cfg->live_root, &st) != 0 ? strerror(errno) :
				  !S_ISDIR(st.st_mode) ? _("not a directory") : NULL;

		if (why != NULL) {
			drill_fail(d, PL_UNKNOWN, "--live-root %s: %s", d->cfg->live_root, why);
			return -1;
		}
		return 0;
	}
	pl_buf_init(&b, rules.cap);
	if (pl_read_trusted(AT_FDCWD, d->cfg->manifest, &rules, &b, NULL, err,
			    sizeof(err)) != 0 ||
	    pl_drill_manifest_parse(pl_buf_str(&b), b.len, man, err, sizeof(err)) != 0) {
		pl_buf_free(&b);
		drill_fail(d, PL_UNKNOWN, "--manifest: %s", err);
		return -1;
	}
	pl_buf_free(&b);
	*have_man = true;
	return 0;
}

/* Appends the drill to the journal, says how it went and frees it. Returns the state
 * the drill itself ends in (OK, or the failure's). */
static enum pl_state
drill_record(struct drill *d, struct pl_drill_manifest *man)
{
	const struct dr_config *cfg = d->cfg;
	char err[600];
	struct pl_time now;

	drill_cleanup(d);
	if (pl_clock_now(&now, err, sizeof(err)) != 0)
		pl_die(PL_UNKNOWN, "%s", err);
	d->e.time = now;
	d->e.ok = !d->failed;
	pl_timeout_waiting(_("appending to the journal"));
	if (journal_append(cfg->journal, &d->e, err, sizeof(err)) != 0)
		pl_die(PL_UNKNOWN, d->failed ? _("drill failed, but not recorded: %s") :
		       _("drill succeeded, but not recorded: %s"), err);
	/* A drill that could not run (its setup: password, tool, HOME, work directory) or
	 * ran out of time ends in that state, with its reason as the one line. */
	if (d->failed && d->fail_state != PL_CRITICAL)
		pl_die(d->fail_state, _("drill failed: %s (recorded in %s)"), d->e.message, cfg->journal);
	if (d->failed)
		pl_result_finding(d->r, d->fail_state, _("drill failed: %s"), d->e.message);
	else
		pl_result_line(d->r, P_("drill of %s: %.0f file restored and verified in %.1fs",
					"drill of %s: %.0f files restored and verified in %.1fs",
					(size_t)d->e.files_verified),
			       d->e.backup, d->e.files_verified, d->e.duration);
	pl_drill_files_free(&d->files);
	pl_drill_manifest_free(man);
	pl_buf_free(&d->marks);
	free(d->pick);
	for (size_t i = 0; i < d->npaths; i++)
		free(d->paths[i]);
	if (d->lockfd >= 0)
		close(d->lockfd);
	if (d->wfd >= 0)
		close(d->wfd);
	return d->failed ? d->fail_state : PL_OK;
}

/* Performs the drill and appends it to the journal. Returns the state the drill itself
 * ends in (OK, or the failure's). */
static enum pl_state
drill(const struct dr_config *cfg, const struct pl_common *c, struct pl_result *r)
{
	struct drill d;
	struct pl_drill_manifest man;
	bool have_man = false;

	memset(&man, 0, sizeof(man));
	drill_init(&d, cfg, c, r);
	if (drill_password(&d) != 0 || drill_home(&d) != 0 || drill_workdir(&d) != 0)
		return drill_record(&d, &man);
	pl_buf_init(&d.marks, 4096);
	d.have_marks = repo_marks(&d, &d.marks);
	drill_leftovers(&d);
	if (drill_manifest(&d, &man, &have_man) != 0 || drill_find(&d) != 0 ||
	    drill_sample(&d) != 0 || drill_space(&d) != 0 || drill_mkdtemp(&d) != 0)
		return drill_record(&d, &man);
	pl_result_line(r, P_("restoring %zu file (%.0f bytes) of %s into %s",
			     "restoring %zu files (%.0f bytes) of %s into %s", d.npick),
		       d.npick, d.sample_bytes, d.e.backup, d.tmp);
	if (drill_restore(&d) == 0)
		drill_verify(&d, have_man ? &man : NULL);
	drill_cleanup(&d);
	if (!d.failed && cfg->subsets > 0 && cfg->source == SRC_RESTIC)
		drill_check(&d);
	return drill_record(&d, &man);
}

static void
dr_defaults(struct dr_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->warn_age = 30 * 86400.0;
	cfg->crit_age = 45 * 86400.0;
	cfg->recent = 5;
	cfg->live_root = "/";
	cfg->min_free = 64.0 * 1024 * 1024;
	cfg->restic = "/usr/bin/restic";
	cfg->borg = "/usr/bin/borg";
	cfg->tar = "/bin/tar";
}

static void
dr_check(const struct dr_config *cfg)
{
	if (cfg->journal == NULL)
		pl_usage_die(_("give --journal FILE (the drill journal)"));
	if (cfg->crit_age < cfg->warn_age)
		pl_usage_die(_("--critical-age is shorter than --warning-age"));
	if (cfg->mode != MODE_DRILL) {
		if (cfg->source != SRC_NONE)
			pl_usage_die(_("--source is for --mode drill"));
		if (pl_plugin_late_error() != NULL)
			pl_usage_die("%s", pl_plugin_late_error());
		return;
	}
	if (cfg->source == SRC_NONE)
		pl_usage_die(_("--mode drill needs --source restic, borg or tar"));
	if (cfg->repo != NULL && cfg->repo[0] != '/' && strchr(cfg->repo, ':') == NULL)
		pl_usage_die(_("--repo %s is a relative path: give it from / (cron and systemd run the drill in a directory of their own)"),
			     cfg->repo);
	if (cfg->source != SRC_TAR && cfg->repo == NULL && cfg->repository == NULL)
		pl_usage_die(_("--source %s needs --repo REPO (or --repository-file FILE)"),
			     cfg->source == SRC_RESTIC ? "restic" : "borg");
	if (cfg->source == SRC_TAR && cfg->archive == NULL)
		pl_usage_die(_("--source tar needs --archive GLOB"));
	if (cfg->source != SRC_TAR && cfg->archive != NULL)
		pl_usage_die(_("--archive is for --source tar"));
	if (cfg->source == SRC_TAR && pl_plugin_late_error() != NULL)
		pl_usage_die("%s", pl_plugin_late_error());
	/* A password file that cannot be read (its mode or owner changed since the job was
	 * set up) is a drill that could not run: recorded by drill_password, not only said. */
	if (cfg->source == SRC_RESTIC && cfg->password == NULL && pl_plugin_late_error() == NULL)
		pl_usage_die(_("a restic repository needs its password: give --password-file FILE (mode 600) or PLUMBLINE_BACKUP_PASSWORD"));
	if (cfg->restic[0] != '/' || cfg->borg[0] != '/' || cfg->tar[0] != '/')
		pl_usage_die(_("--restic, --borg and --tar take an absolute path (programs are never looked up in PATH)"));
	if (cfg->paths.n > 0 && cfg->sample > 0)
		pl_usage_die(_("give --sample-path or --sample, not both"));
	if (cfg->subsets > 0 && cfg->source != SRC_RESTIC)
		pl_usage_die(_("--check-subsets is for --source restic"));
	if (cfg->full != NULL) {
		char rule[512], err[256];
		struct pl_bk_match m;

		pl_strlcpy(rule, cfg->full, sizeof(rule));
		if (pl_bk_match_parse(rule, &m, err, sizeof(err)) != 0)
			pl_usage_die("--full: %s", err);
		if (m.regex != NULL)
			pl_usage_die(_("--full: regex: is not taken here; use name:GLOB"));
	}
	if (cfg->live_root[0] != '/')
		pl_usage_die(_("--live-root takes an absolute path"));
	if (cfg->journal[0] != '/')
		pl_usage_die(_("--journal takes an absolute path in drill mode"));
}

int
main(int argc, char **argv)
{
	struct dr_config cfg;
	struct pl_common c;
	struct pl_result r;
	struct pl_time now;
	char err[256];

	dr_defaults(&cfg);
	pl_plugin_parse(&dr_plugin, argc, argv, &cfg, &c);
	dr_check(&cfg);
	pl_plugin_arm(&c);
	pl_result_init(&r, dr_plugin.name, dr_plugin.service);
	bool drilled_failed = cfg.mode == MODE_DRILL && drill(&cfg, &c, &r) != PL_OK;

	if (pl_clock_now(&now, err, sizeof(err)) != 0)
		pl_die(PL_UNKNOWN, "%s", err);
	journal_judge(&cfg, &now, drilled_failed, &r);
	pl_exit(&r, &c);
}
