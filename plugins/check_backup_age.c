/* check_backup_age: how old the newest backup of each class is, per host, in a restic
 * or borg repository or among files; whether a backup runs now or left a stale lock,
 * whether the last run failed, whether the newest backup is suspiciously small, and
 * whether it has its copy off-site.
 *
 * Cost: one listing of the repository (restic snapshots --json --no-lock, borg list
 * --json --bypass-lock), the lock files of a local repository, nothing else: pack data
 * is never read (that is the restore drill's job). The listings of a local repository
 * come from the state store while the repository is unchanged (pl_bkcache.h); the locks
 * are read every run. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <glob.h>
#include <math.h>
#include <netdb.h>
#include <regex.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pl_backup.h"
#include "pl_bkcache.h"
#include "pl_bkrun.h"
#include "pl_buf.h"
#include "pl_clock.h"
#include "pl_file.h"
#include "pl_i18n.h"
#include "pl_plugin.h"
#include "pl_result.h"
#include "pl_run.h"
#include "pl_store.h"
#include "pl_text.h"
#include "pl_timeout.h"
#include "pl_unit.h"

enum { SRC_NONE = 0, SRC_RESTIC, SRC_BORG, SRC_FILES };

#define MAX_CLASSES 16
#define MAX_HOSTS 64        /* --host options */
#define MAX_SEEN_HOSTS 1024 /* hosts reported from a listing */
#define MAX_LOCKS 8
#define BORG_INFO_MAX 256   /* archives whose size is asked */
#define BORG_INFO_LAST 2000 /* archives one borg info --last may cover */
#define BORG_INFO_ONE 16    /* borg info runs of one archive each, past that */
#define OUT_CAP ((size_t)64 << 20)

/* Where backups are: the primary, or the off-site copy. */
struct bk_where {
	int source;
	const char *repo;            /* a plain location (a path) */
	const char *repository;      /* the same as a secret (a URL with credentials) */
	const char *password;        /* secret */
	struct pl_strlist paths;     /* files: globs */
};

struct bk_config {
	struct bk_where main, off;
	const char *restic, *borg;   /* the programs, by absolute path */
	const char *cache_dir;
	const char *borg_host_id;    /* the BORG_HOST_ID of the backup job */
	bool no_cache, no_locks;
	bool no_listing_cache;       /* --no-listing-cache */
	const char *marker;          /* files: a directory's marker file */
	struct pl_strlist classes;   /* NAME=RULE */
	struct pl_strlist max_age;   /* [CLASS=]DURATION */
	struct pl_strlist grace;     /* [CLASS=]DURATION */
	struct pl_strlist hosts;
	const char *status_file;
	double max_shrink;           /* percent; 0: not checked */
	double min_size;             /* bytes; 0: not checked */
	double stale_age;            /* seconds: another host's lock older than this is stale */
	double max_running;          /* seconds: a live lock older than this is a hung run */
	double off_lag;              /* seconds */
};

static const struct pl_choice sources[] = {
	{ "restic", SRC_RESTIC, false }, { "borg", SRC_BORG, false },
	{ "files", SRC_FILES, false }, { NULL, 0, false },
};

static const struct pl_option bk_opts[] = {
	{ .name = "source", .type = PL_OPT_CHOICE, .arg = "KIND", .choices = sources,
	  .flags = PL_OPT_SYNOPSIS | PL_OPT_IDENTITY, PL_OPT_AT(struct bk_config, main.source),
	  .help = N_("Where the backups are: a restic repository, a borg repository, or files and "
		  "directories (--path).") },
	{ .name = "repo", .type = PL_OPT_STRING, .arg = "REPO", .flags = PL_OPT_IDENTITY,
	  PL_OPT_AT(struct bk_config, main.repo),
	  .help = N_("The repository: a path, or any location restic or borg takes that holds no "
		  "credentials (sftp:host:/srv/restic, ssh://host/./borg). A location with "
		  "credentials in it is a secret: give it with --repository-file instead.") },
	{ .name = "repository", .type = PL_OPT_STRING, .flags = PL_OPT_SECRET,
	  .env = "PLUMBLINE_BACKUP_REPOSITORY", PL_OPT_AT(struct bk_config, main.repository),
	  .help = N_("The repository location, as a secret (rest:https://user:pw@host/repo).") },
	{ .name = "password", .type = PL_OPT_STRING, .flags = PL_OPT_SECRET,
	  .env = "PLUMBLINE_BACKUP_PASSWORD", PL_OPT_AT(struct bk_config, main.password),
	  .help = N_("The repository password (restic) or passphrase (borg). It reaches the tool "
		  "in its environment (RESTIC_PASSWORD, BORG_PASSPHRASE), never on its command "
		  "line.") },
	{ .name = "path", .type = PL_OPT_LIST, .arg = "GLOB", .max = 64,
	  .flags = PL_OPT_IDENTITY, PL_OPT_AT(struct bk_config, main.paths),
	  .help = N_("--source files: a glob(3) of backup files (tar archives, dumps) or "
		  "directories (rsync snapshots): '/srv/backup/*.tar.gz'. A file's time is its "
		  "mtime and its size its size; a directory's time is its mtime, or its marker "
		  "file's (--marker).") },
	{ .name = "marker", .type = PL_OPT_STRING, .arg = "NAME",
	  PL_OPT_AT(struct bk_config, marker),
	  .help = N_("--source files: a directory counts only when it holds this file (written "
		  "when the rsync run completed), and the file's mtime is its time.") },
	{ .name = "class", .type = PL_OPT_LIST, .arg = "NAME=RULE", .max = MAX_CLASSES,
	  .flags = PL_OPT_IDENTITY, PL_OPT_AT(struct bk_config, classes),
	  .help = N_("A class of backups and how to recognise it: RULE is 'any' or conditions "
		  "joined by ',' that must all hold: tag:T (a restic tag), host:GLOB, path:GLOB "
		  "(a restic path), name:GLOB (a borg archive or file name), regex:RE (POSIX "
		  "extended, on the name). Default: full=tag:full and incremental=tag:incremental "
		  "for restic, full=name:*full* and incremental=name:*incr* otherwise. A backup "
		  "may belong to several classes.") },
	{ .name = "max-age", .type = PL_OPT_LIST, .arg = "[CLASS=]DURATION", .max = 32,
	  PL_OPT_AT(struct bk_config, max_age),
	  .help = N_("How often a class is backed up: WARNING when its newest backup is older "
		  "(default full 24h, incremental 1h, any other class 24h). Without CLASS, for "
		  "every class.") },
	{ .name = "grace", .type = PL_OPT_LIST, .arg = "[CLASS=]DURATION", .max = 32,
	  PL_OPT_AT(struct bk_config, grace),
	  .help = N_("CRITICAL when the newest backup is older than --max-age plus this (default "
		  "half of --max-age: full 12h, incremental 30min).") },
	{ .name = "host", .type = PL_OPT_LIST, .arg = "HOST", .max = MAX_HOSTS,
	  .flags = PL_OPT_IDENTITY, PL_OPT_AT(struct bk_config, hosts),
	  .help = N_("Check the backups of this host (restic snapshot hostname, borg archive "
		  "hostname); a host without a backup of a class is CRITICAL. Default: every "
		  "host the repository has backups of.") },
	{ .name = "status-file", .type = PL_OPT_STRING, .arg = "FILE",
	  PL_OPT_AT(struct bk_config, status_file),
	  .help = N_("A file the backup job appends a line to after each run; the last line "
		  "says how the last run went: 'TIME exit=N [class=NAME] [text]' (TIME in RFC "
		  "3339, 2026-12-01T02:00:00Z) or {\"time\": TIME, \"exit\": N, \"class\": NAME, "
		  "\"message\": TEXT}. A non-zero exit is CRITICAL for that class (or the check).") },
	{ .name = "max-shrink", .type = PL_OPT_NUMBER, .arg = "PERCENT", .min = 0, .max = 100,
	  PL_OPT_AT(struct bk_config, max_shrink),
	  .help = N_("WARNING when the newest backup of a class is this much smaller than the "
		  "one before (default 50; 0: not checked). Needs sizes: files, restic 0.17 and "
		  "later, borg (one borg info --last run over the archives back to the oldest "
		  "judged: the newest and the one before of each class and host).") },
	{ .name = "min-size", .type = PL_OPT_SIZE, .min = 0, PL_OPT_AT(struct bk_config, min_size),
	  .help = N_("CRITICAL when the newest backup of a class is smaller than this.") },
	{ .name = "stale-lock-age", .type = PL_OPT_DURATION, .min = 1,
	  PL_OPT_AT(struct bk_config, stale_age),
	  .help = N_("restic: a lock of another host not refreshed for this long is stale (default "
		  "30min: restic refreshes a live lock every 5 minutes and calls older ones "
		  "stale). A lock of this host is stale when its process is gone; borg's lock of "
		  "another host is never judged by its age (borg does not refresh it).") },
	{ .name = "max-running", .type = PL_OPT_DURATION, .min = 1,
	  PL_OPT_AT(struct bk_config, max_running),
	  .help = N_("WARNING when a borg lock of a live process on this host is older than this "
		  "(default 12h): a hung backup.") },
	{ .name = "borg-host-id", .type = PL_OPT_STRING, .arg = "ID",
	  PL_OPT_AT(struct bk_config, borg_host_id),
	  .help = N_("The BORG_HOST_ID the backup job sets, if it sets one (default: the check's "
		  "own BORG_HOST_ID): a borg lock naming it is this host's. Without, a lock is "
		  "this host's when it names this host's FQDN (or hostname) and a MAC address "
		  "of it, as borg writes FQDN@NODE.") },
	{ .name = "restic", .type = PL_OPT_STRING, .arg = "PATH", PL_OPT_AT(struct bk_config, restic),
	  .help = N_("The restic program (default /usr/bin/restic).") },
	{ .name = "borg", .type = PL_OPT_STRING, .arg = "PATH", PL_OPT_AT(struct bk_config, borg),
	  .help = N_("The borg program (default /usr/bin/borg).") },
	{ .name = "cache-dir", .type = PL_OPT_STRING, .arg = "DIR",
	  PL_OPT_AT(struct bk_config, cache_dir),
	  .help = N_("restic's cache directory (RESTIC_CACHE_DIR) or borg's base directory "
		  "(BORG_BASE_DIR: keys, cache, security). Default: below HOME.") },
	{ .name = "no-cache", .type = PL_OPT_SWITCH, PL_OPT_AT(struct bk_config, no_cache),
	  .help = N_("restic: use no cache (--no-cache; slower on a remote repository).") },
	{ .name = "no-listing-cache", .type = PL_OPT_SWITCH,
	  PL_OPT_AT(struct bk_config, no_listing_cache),
	  .help = N_("Run the tool for every listing. By default the listings of a local "
		  "repository (a path) are kept in the state directory (--state-dir) and used "
		  "again while the repository is unchanged: restic, the same names in "
		  "snapshots/ (they are the snapshot IDs) and keys/; borg, the same newest "
		  "transaction (index.N, hints.N); both, the same config file, tool program and "
		  "password. Locks are read every run all the same. A remote repository is "
		  "always listed by the tool.") },
	{ .name = "no-locks", .type = PL_OPT_SWITCH, PL_OPT_AT(struct bk_config, no_locks),
	  .help = N_("Do not look at the repository's locks.") },
	{ .name = "offsite-source", .type = PL_OPT_CHOICE, .arg = "KIND", .choices = sources,
	  .flags = PL_OPT_IDENTITY, PL_OPT_AT(struct bk_config, off.source),
	  .help = N_("The off-site copy's kind (default: as --source).") },
	{ .name = "offsite-repo", .type = PL_OPT_STRING, .arg = "REPO", .flags = PL_OPT_IDENTITY,
	  PL_OPT_AT(struct bk_config, off.repo),
	  .help = N_("The off-site copy of the repository (restic copy, borg transfer or a "
		  "mirror): the newest backup of each class and host must be there within "
		  "--offsite-lag.") },
	{ .name = "offsite-repository", .type = PL_OPT_STRING, .flags = PL_OPT_SECRET,
	  .env = "PLUMBLINE_BACKUP_OFFSITE_REPOSITORY", PL_OPT_AT(struct bk_config, off.repository),
	  .help = N_("The off-site repository location, as a secret.") },
	{ .name = "offsite-password", .type = PL_OPT_STRING, .flags = PL_OPT_SECRET,
	  .env = "PLUMBLINE_BACKUP_OFFSITE_PASSWORD", PL_OPT_AT(struct bk_config, off.password),
	  .help = N_("The off-site repository's password (default: --password).") },
	{ .name = "offsite-path", .type = PL_OPT_LIST, .arg = "GLOB", .max = 64,
	  .flags = PL_OPT_IDENTITY, PL_OPT_AT(struct bk_config, off.paths),
	  .help = N_("The off-site copies of --source files (another mount): matched by name and "
		  "size.") },
	{ .name = "offsite-lag", .type = PL_OPT_DURATION, .min = 1,
	  PL_OPT_AT(struct bk_config, off_lag),
	  .help = N_("CRITICAL when backups wait longer than this for their off-site copy "
		  "(default 24h).") },
	{ .name = NULL },
};

static const char *const bk_primary[] = { "*_age", NULL };

static const struct pl_plugin bk_plugin = {
	.name = "check_backup_age",
	.service = "BACKUP",
	.purpose = N_("age of the newest backup per class and host (restic, borg, files)"),
	.description =
		N_("Lists the backups of a restic or borg repository, or backup files, sorts them "
		"into classes (full, incremental, differential... by tag, host, path or name) "
		"and reports each class as an item, with a sub-item per host: the age of its "
		"newest backup, its size and the number of backups. The newest is taken per "
		"class and host, never across them, and a borg checkpoint (an interrupted run) "
		"never counts.\n"
		"Ages: WARNING when the newest backup of a class is older than its --max-age, "
		"CRITICAL when older than --max-age plus --grace. Defaults: full 24h (critical "
		"after 36h), incremental 1h (critical after 1h30min), any other class 24h "
		"(36h). --warningx/--criticalx on a label ('full_*_age=~:2d') replace them.\n"
		"What else it tells apart: a backup running now (a lock of a live process: "
		"said, not an alert), a stale lock (its process is gone, or another host's restic "
		"lock was not refreshed for --stale-lock-age: WARNING, with the command that "
		"removes it; another host's borg lock is said, with its time), a failed last run (--status-file: CRITICAL), no backup at all (CRITICAL), "
		"and a repository the tool cannot read (UNKNOWN, with the tool's first line of "
		"error: a wrong password, a missing repository, a missing HOME or cache "
		"directory). Sanity: a newest backup much smaller than the one before "
		"(--max-shrink, WARNING) or below --min-size (CRITICAL).\n"
		"Off-site: with --offsite-repo (or --offsite-path), the newest backup of each "
		"class and host must have its copy there (restic: the same time, host and "
		"paths or tree, as restic copy keeps them; borg: the same archive name; files: "
		"the same name and size) within --offsite-lag; a copy of another size or file "
		"count is a WARNING.\n"
		"Cost: one listing (restic snapshots --json --no-lock, borg list --json "
		"--bypass-lock) and the lock files, and for borg's sizes one borg info --json "
		"--last (archive metadata); no pack data is read. The tools run by "
		"absolute path in a minimal environment (HOME kept, TZ=UTC for borg), never "
		"through a shell.\n"
		"Listing cache: the listings of a local repository (--repo PATH) are kept in "
		"the state directory and used again while a fingerprint taken before each "
		"listing is unchanged: for restic the names in snapshots/ (they are the "
		"snapshots' content hashes, so the same names are the same snapshots) and "
		"keys/, for borg the newest transaction (index.N and hints.N: every create, "
		"delete, prune and compact commits a new one), and for both the config file, "
		"the tool program, HOME, --cache-dir and a salted hash of the password. A run "
		"on an unchanged repository of 1,000 snapshots then takes tens of "
		"milliseconds instead of seconds, and says 'listing: kept from an earlier "
		"run'. Locks are read every run all the same, so a running backup and a stale "
		"lock are told apart as without the cache. A remote repository is always "
		"listed by the tool; --no-listing-cache lists every run. The cache holds what "
		"the listing shows (hosts, paths, tags, times), readable by this user only."),
	.options = bk_opts,
	.primary = bk_primary,
	.uses_state = true,
	.no_interval = true,
	.metrics =
		N_("For each class CLASS and host HOST (escaped as labels are: letters, digits, "
		"'_', '.', '-' kept, others as _xHH): CLASS_HOST_age (seconds since the newest "
		"backup), CLASS_HOST_size (bytes, when the source says), CLASS_HOST_count "
		"(backups of the class), CLASS_HOST_offsite_lag (seconds the backups have "
		"waited for their off-site copy; 0 when the newest is there). --source files "
		"has no hosts: CLASS_age, CLASS_size, CLASS_count, CLASS_offsite_lag."),
	.examples =
		N_("  check_backup_age --source restic --repo /srv/restic --password-file /etc/plumbline/restic.pw\n"
		"      Full backups within a day, incrementals within an hour (restic tags full\n"
		"      and incremental), per host.\n"
		"  check_backup_age --source restic --repository-file /etc/plumbline/restic.url --password-file /etc/plumbline/restic.pw --host web1\n"
		"      A REST server with credentials in its URL; only web1's backups.\n"
		"  check_backup_age --source borg --repo /srv/borg --password-file /etc/plumbline/borg.pw --class 'full=name:*-full-*' --class 'differential=name:*-diff-*' --max-age differential=7d\n"
		"      Borg archives named HOST-full-DATE and HOST-diff-DATE.\n"
		"  check_backup_age --source files --path '/srv/dumps/*.sql.gz' --class full=any --min-size 1MB\n"
		"      Nightly database dumps: the newest within a day and at least 1 MB.\n"
		"  check_backup_age --source restic --repo /srv/restic --password-file /etc/plumbline/restic.pw --offsite-repo sftp:offsite:/srv/restic --offsite-lag 12h --status-file /var/log/backup.status\n"
		"      And the off-site copy at most 12h behind, and the last run's exit status.\n"),
};

/* One class: its rule and limits. */
struct bk_class {
	char *name;                  /* owned (strdup of NAME) */
	char *rule;                  /* owned: the text the match points into */
	struct pl_bk_match m;
	regex_t re;
	bool has_re;
	double max_age, grace;
};

/* The listing cache of one repository (pl_bkcache); off for a remote one. */
struct bk_cache {
	bool on;                     /* a local repository, the cache not disabled */
	bool dirty;                  /* an output was added: save it */
	size_t hits;                 /* listings served from it this run */
	struct pl_bkcache c;
	char key[80];                /* its store key: a hash of the tool and the path */
};

struct bk_run {
	struct bk_class cls[MAX_CLASSES];
	struct bk_cache cache[2];    /* the primary's, the off-site copy's */
	size_t ncls;
	struct pl_bk_list list, off;
	bool off_ok;                 /* the off-site listing was read */
	struct pl_time now;
	char hostname[256];
	char fqdn[256];              /* its canonical name, when borg's locks need it */
};

/* The repository of w as pl_bkrun takes it (the password: w's own, else the primary's). */
static struct pl_bk_repo
bk_repo(const struct bk_config *cfg, const struct bk_where *w)
{
	struct pl_bk_repo r = {
		.tool = w->source == SRC_RESTIC ? PL_BK_RESTIC : PL_BK_BORG,
		.repo = w->repo, .repository = w->repository,
		.password = w->password != NULL ? w->password : cfg->main.password,
		.cache_dir = cfg->cache_dir,
	};

	return r;
}

/* What messages call a source: the plain location, or "the repository" for a secret. */
static const char *
where_name(const struct bk_where *w)
{
	return pl_bk_where(&(struct pl_bk_repo){ .repo = w->repo, .repository = w->repository });
}

static double
default_age(const char *cls)
{
	if (strcmp(cls, "incremental") == 0)
		return 3600;
	return 86400;
}

/* [CLASS=]DURATION lists: the value for cls, a later one winning. Dies on a bad one. */
static double
limit_for(const struct pl_strlist *l, const char *optname, const char *cls, double def)
{
	const struct pl_option o = { .name = optname, .type = PL_OPT_DURATION, .min = 1 };
	double v = def, d;
	char err[256];

	for (size_t i = 0; i < l->n; i++) {
		const char *eq = strchr(l->v[i], '=');

		if (eq != NULL && (strncmp(l->v[i], cls, (size_t)(eq - l->v[i])) != 0 ||
				   strlen(cls) != (size_t)(eq - l->v[i])))
			continue;
		if (pl_opt_number(&o, eq ? eq + 1 : l->v[i], &d, err, sizeof(err)) != 0)
			pl_usage_die("--%s: %s", optname, err);
		v = d;
	}
	return v;
}

static void
add_class(struct bk_run *x, const char *name, const char *rule)
{
	struct bk_class *c = &x->cls[x->ncls];
	char err[256];

	memset(c, 0, sizeof(*c));
	c->name = strdup(name);
	c->rule = strdup(rule);
	if (c->name == NULL || c->rule == NULL)
		pl_die(PL_UNKNOWN, _("out of memory"));
	if (pl_bk_match_parse(c->rule, &c->m, err, sizeof(err)) != 0)
		pl_usage_die("--class %s: %s", name, err);
	if (c->m.regex != NULL) {
		if (regcomp(&c->re, c->m.regex, REG_EXTENDED | REG_NOSUB) != 0)
			pl_usage_die(_("--class %s: the regex does not compile (POSIX extended)"), name);
		c->has_re = true;
		c->m.re = &c->re;
	}
	x->ncls++;
}

/* The classes from --class NAME=RULE, or the defaults of the source; their limits. */
static void
bk_classes(const struct bk_config *cfg, struct bk_run *x)
{
	for (size_t i = 0; i < cfg->classes.n; i++) {
		const char *s = cfg->classes.v[i], *eq = strchr(s, '=');
		char name[64];

		if (eq == NULL || eq == s || (size_t)(eq - s) >= sizeof(name))
			pl_usage_die(_("--class: give NAME=RULE ('full=tag:full'), NAME at most 63 bytes"));
		pl_snprintf(name, sizeof(name), "%.*s", (int)(eq - s), s);
		for (size_t k = 0; k < x->ncls; k++)
			if (strcmp(x->cls[k].name, name) == 0)
				pl_usage_die(_("--class: class %s is given twice"), x->cls[k].name);
		add_class(x, name, eq + 1);
	}
	if (x->ncls == 0 && cfg->main.source == SRC_RESTIC) {
		add_class(x, "full", "tag:full");
		add_class(x, "incremental", "tag:incremental");
	} else if (x->ncls == 0) {
		add_class(x, "full", "name:*full*");
		add_class(x, "incremental", "name:*incr*");
	}
	for (size_t i = 0; i < x->ncls; i++) {
		struct bk_class *c = &x->cls[i];

		c->max_age = limit_for(&cfg->max_age, "max-age", c->name, default_age(c->name));
		c->grace = limit_for(&cfg->grace, "grace", c->name, c->max_age / 2);
	}
	for (size_t i = 0; i < cfg->max_age.n + cfg->grace.n; i++) {
		const char *s = i < cfg->max_age.n ? cfg->max_age.v[i] :
				cfg->grace.v[i - cfg->max_age.n];
		const char *eq = strchr(s, '=');
		bool known = eq == NULL;

		for (size_t k = 0; k < x->ncls && !known; k++)
			known = strlen(x->cls[k].name) == (size_t)(eq - s) &&
				strncmp(x->cls[k].name, s, (size_t)(eq - s)) == 0;
		if (!known)
			pl_usage_die(_("--%s: no such class (define it with --class NAME=RULE)"),
				     i < cfg->max_age.n ? "max-age" : "grace");
	}
}

/* The location restic or borg is given: the secret, else the plain one. */
static const char *
location(const struct bk_where *w)
{
	return w->repository != NULL ? w->repository : w->repo;
}

static void
tool_failure(const struct bk_config *cfg, const struct pl_run_result *rr,
	     const struct bk_where *w, char *out, size_t len)
{
	struct pl_bk_repo br = bk_repo(cfg, w);

	pl_bk_failure(rr, &br, out, len);
}

/* Runs the tool with argv under the deadline; returns 0 with its output in rr, or -1
 * with why in err. A timeout dies with the timeout's state. */
static int
tool_run(const struct bk_config *cfg, const struct bk_where *w, const char *const *argv,
	 const struct pl_common *c, struct pl_run_result *rr, char *err, size_t errlen)
{
	struct pl_bk_repo br = bk_repo(cfg, w);
	char desc[400];

	if (pl_bk_run(&br, argv, NULL, NULL, OUT_CAP, rr, err, errlen) != 0)
		return -1;
	if (rr->timed_out)
		pl_die(c->timeout_state, "%s", pl_run_describe(rr, desc, sizeof(desc)));
	return 0;
}

/* The same under d (the earlier of d and the process deadline), and a timeout is the
 * caller's: rr->timed_out says so (the process group was killed). */
static int
tool_run_until(const struct bk_config *cfg, const struct bk_where *w, const char *const *argv,
	       const struct pl_deadline *d, struct pl_run_result *rr, char *err, size_t errlen)
{
	struct pl_bk_repo br = bk_repo(cfg, w);

	return pl_bk_run(&br, argv, NULL, d, OUT_CAP, rr, err, errlen);
}

/* ---- the listing cache (pl_bkcache.h says when it is valid) ---- */

/* Opens the state directory and takes the cache's lock into st; -1 when either fails:
 * the cache only saves time, so the check then goes on without it. */
static int
cache_lock(const struct pl_common *c, struct pl_store *st, const char *key)
{
	char path[4096], err[1024];
	double left = pl_deadline_left(NULL);

	pl_store_init(st, bk_plugin.name, key);
	pl_timeout_waiting(_("opening the state directory (listing cache)"));
	st->dirfd = pl_store_dir_open(c->state_dir, path, sizeof(path), err, sizeof(err));
	if (st->dirfd < 0) {
		pl_debug(c, 1, "listing cache not used: %s", err);
		return -1;
	}
	pl_timeout_waiting(_("waiting for the lock on the listing cache"));
	st->lockfd = pl_store_lock(st->dirfd, st, left < 4 ? left / 4 : 1, err, sizeof(err));
	if (st->lockfd < 0) {
		pl_debug(c, 1, "listing cache not used: %s", err);
		pl_plugin_store_close(st);
		return -1;
	}
	pl_boot_id(NULL, st->boot_id, sizeof(st->boot_id));
	return 0;
}

/* The cache kept for w, checked against a fingerprint taken now (before any listing, so
 * that a backup committed during the listing makes the next run list again). */
static void
cache_open(const struct bk_config *cfg, const struct pl_common *c, const struct bk_where *w,
	   struct bk_cache *bc)
{
	struct pl_bk_repo br = bk_repo(cfg, w);
	struct pl_buf fp = PL_BUF_INIT, t = PL_BUF_INIT;
	struct pl_store st;
	char err[1024];
	uint64_t salt;

	memset(bc, 0, sizeof(*bc));
	if (cfg->no_listing_cache || w->source == SRC_FILES || w->repository != NULL ||
	    w->repo == NULL || w->repo[0] != '/')
		return;
	pl_buf_printf(&t, "listing\n%d\n%s", w->source, w->repo);
	pl_store_key_hash(pl_buf_str(&t), t.len, bc->key, sizeof(bc->key));
	pl_buf_free(&t);
	if (cache_lock(c, &st, bc->key) != 0)
		return;
	pl_store_load(st.dirfd, &st, st.boot_id, pl_deadline_left(NULL) / 4, err, sizeof(err));
	pl_plugin_store_close(&st);
	if (pl_bkcache_load(&st, "listing", &bc->c, err, sizeof(err)) < 0)
		pl_debug(c, 1, "listing cache of %s discarded: %s", w->repo, err);
	pl_store_free(&st);
	salt = bc->c.fp != NULL ? bc->c.salt : pl_bkcache_salt();
	if (pl_bkcache_fingerprint(&br, w->source == SRC_RESTIC ? cfg->restic : cfg->borg, salt,
				   &fp, err, sizeof(err)) != 0) {
		pl_debug(c, 1, "listing cache not used for %s: %s", w->repo, err);
		pl_bkcache_free(&bc->c);
	} else if (bc->c.fp != NULL && strcmp(bc->c.fp, pl_buf_str(&fp)) == 0) {
		pl_debug(c, 1, "%s is unchanged since its listings were kept", w->repo);
		bc->on = true;
	} else {
		pl_debug(c, 1, "%s changed (or nothing kept yet): listing it", w->repo);
		bc->on = pl_bkcache_reset(&bc->c, salt, pl_buf_str(&fp)) == 0;
	}
	pl_buf_free(&fp);
}

/* Saves the cache when this run added to it; a failure is a line, not an alert. */
static void
cache_save(const struct pl_common *c, struct bk_cache *bc, struct pl_result *r)
{
	struct pl_store st;
	char err[1024] = "";

	if (bc->on && bc->dirty && cache_lock(c, &st, bc->key) == 0) {
		pl_timeout_waiting(_("writing the listing cache"));
		if (pl_bkcache_store(&st, "listing", &bc->c) != 0)
			pl_snprintf(err, sizeof(err), _("too big for the state store"));
		else
			pl_store_save(st.dirfd, &st, err, sizeof(err));
		pl_plugin_store_close(&st);
		pl_store_free(&st);
	}
	if (err[0] != '\0')
		pl_result_line(r, _("listing cache not saved (%s): set --state-dir to a directory "
			       "of this user, or --no-listing-cache"), err);
	pl_bkcache_free(&bc->c);
}

/* tool_run for a listing (never for locks): served from bc (NULL: no cache) while the
 * repository is unchanged, else run and kept when it succeeded. */
static int
tool_list(const struct bk_config *cfg, const struct bk_where *w, struct bk_cache *bc,
	  const char *const *argv, const struct pl_common *c, struct pl_run_result *rr,
	  char *err, size_t errlen)
{
	struct pl_buf key = PL_BUF_INIT;
	const char *out = NULL;
	size_t len = 0;
	int rc = 0;

	if (bc == NULL || !bc->on)
		return tool_run(cfg, w, argv, c, rr, err, errlen);
	for (size_t i = 1; argv[i] != NULL; i++)
		pl_buf_printf(&key, "%s\n", argv[i]);
	out = pl_bkcache_get(&bc->c, pl_buf_str(&key), &len);
	if (out != NULL) {
		memset(rr, 0, sizeof(*rr));
		pl_buf_init(&rr->out, OUT_CAP);
		pl_buf_add(&rr->out, out, len);
		rr->exited = true;
		bc->hits++;
	} else {
		rc = tool_run(cfg, w, argv, c, rr, err, errlen);
		if (rc == 0 && rr->exited && rr->status == 0 && !rr->out_capped &&
		    rr->out.len > 0 && pl_bkcache_put(&bc->c, pl_buf_str(&key),
						      pl_buf_str(&rr->out), rr->out.len) == 0)
			bc->dirty = true;
	}
	pl_buf_free(&key);
	return rc;
}

/* Adds a line about a warning the tool printed although it succeeded. */
static void
tool_warnings(const struct pl_run_result *rr, struct pl_result *r)
{
	const char *e = pl_buf_str(&rr->err);
	char first[200];

	if (strstr(e, "unable to open cache") != NULL || strstr(e, "unable to locate cache") != NULL) {
		pl_run_first_line(e, rr->err.len, first, sizeof(first));
		pl_result_line(r, _("restic ran without a cache (%s): set --cache-dir DIR or HOME, or pass --no-cache"),
			       first);
	}
}

/* Lists the backups of a restic or borg repository into l. Returns 0, or -1 with why. */
static int
list_repo(const struct bk_config *cfg, const struct bk_where *w, const struct pl_common *c,
	  struct bk_cache *bc, struct pl_bk_list *l, struct pl_result *r, char *err,
	  size_t errlen)
{
	const char *rargv[] = { cfg->restic, "snapshots", "--json", "--no-lock",
				cfg->no_cache ? "--no-cache" : NULL, NULL };
	const char *bargv[] = { cfg->borg, "list", "--json", "--bypass-lock",
				"--consider-checkpoints", "--format", "{hostname}", NULL };
	struct pl_run_result rr;
	char why[300];
	int rc = -1;

	pl_timeout_waiting(w->source == SRC_RESTIC ? "restic snapshots" : "borg list");
	if (tool_list(cfg, w, bc, w->source == SRC_RESTIC ? rargv : bargv, c, &rr, err,
		      errlen) != 0)
		return -1;
	if (!rr.exited || rr.status != 0 || rr.out.len == 0) {
		tool_failure(cfg, &rr, w, err, errlen);
		goto end;
	}
	if (rr.out_capped) {
		pl_snprintf(err, errlen, _("the listing of %s (%s) is more than %zu MiB, more than "
			    "the check reads"), where_name(w),
			    w->source == SRC_RESTIC ? cfg->restic : cfg->borg, OUT_CAP >> 20);
		goto end;
	}
	if ((w->source == SRC_RESTIC ? pl_restic_snapshots_parse : pl_borg_list_parse)(
		    pl_buf_str(&rr.out), rr.out.len, l, why, sizeof(why)) != 0) {
		pl_snprintf(err, errlen, _("cannot read the listing of %s (%s): %s"), where_name(w),
			    w->source == SRC_RESTIC ? cfg->restic : cfg->borg, why);
		goto end;
	}
	if (l->skipped > 0)
		pl_result_line(r, P_("%zu backup of %s left out as malformed (%s)",
				     "%zu backups of %s left out as malformed (%s)", l->skipped),
			       l->skipped, where_name(w), l->first_bad);
	if (w == &cfg->main)
		tool_warnings(&rr, r);
	rc = 0;
end:
	pl_run_result_free(&rr);
	return rc;
}

static size_t hosts_of(const struct bk_config *cfg, const struct bk_run *x, const char **h,
		       size_t max, size_t *more);

/* Sets the sizes of the wanted archives from borg info's output; returns how many. */
static size_t
borg_take_sizes(struct bk_run *x, const long *want, size_t nw, const struct pl_run_result *rr,
		size_t max, char *err, size_t errlen)
{
	struct pl_borg_stat *st = calloc(max + 1, sizeof(*st));
	size_t got = 0;
	int n;

	if (st == NULL)
		pl_die(PL_UNKNOWN, _("out of memory"));
	n = pl_borg_info_parse(pl_buf_str(&rr->out), rr->out.len, st, max, err, errlen);
	for (int i = 0; i < n; i++)
		for (size_t w = 0; w < nw; w++) {
			struct pl_bk *b = &x->list.v[want[w]];

			if (isnan(b->size) && strcmp(b->name, st[i].name) == 0) {
				b->size = st[i].size;
				b->files = st[i].files;
				got++;
			}
		}
	free(st);
	return n < 0 ? 0 : got;
}

/* The archives whose sizes are wanted: each class's newest and the one before, per host,
 * into want (at most BORG_INFO_MAX); returns how many, *left those over the cap. */
static size_t
borg_wanted(const struct bk_config *cfg, struct bk_run *x, long *want, size_t *left)
{
	static const char *hosts[MAX_SEEN_HOSTS];
	size_t more, nh = hosts_of(cfg, x, hosts, MAX_SEEN_HOSTS, &more), nw = 0;
	bool *take = calloc(x->list.n + 1, sizeof(*take));

	if (take == NULL)
		pl_die(PL_UNKNOWN, _("out of memory"));
	for (size_t c2 = 0; c2 < x->ncls; c2++) {
		for (size_t i = 0; i < x->list.n; i++)
			take[i] = pl_bk_match(&x->cls[c2].m, &x->list.v[i]);
		for (size_t h = 0; h < (nh ? nh : 1); h++) {
			const char *host = nh ? hosts[h] : NULL;
			size_t count;
			long prev, newest;

			if (host != NULL && x->cls[c2].m.host != NULL &&
			    fnmatch(x->cls[c2].m.host, host, 0) != 0)
				continue;
			newest = pl_bk_latest(&x->list, take, host, &prev, &count);
			for (int q = 0; q < 2; q++) {
				long i = q == 0 ? newest : prev;
				bool have = i < 0;

				for (size_t w = 0; w < nw && !have; w++)
					have = want[w] == i;
				if (!have && nw < BORG_INFO_MAX)
					want[nw++] = i;
				else if (!have)
					(*left)++;
			}
		}
	}
	free(take);
	return nw;
}

/* One borg info run per wanted archive, at most BORG_INFO_ONE and while time is left.
 * Returns how many sizes were taken; err says why the last one was not. */
static size_t
borg_info_each(const struct bk_config *cfg, const struct pl_common *c, struct bk_run *x,
	       const long *want, size_t nw, char *err, size_t errlen)
{
	struct pl_run_result rr;
	char arch[600];
	size_t got = 0;

	for (size_t w = 0; w < nw; w++) {
		const char *argv[] = { cfg->borg, "info", "--json", "--bypass-lock", arch, NULL };

		if (w >= BORG_INFO_ONE || pl_deadline_left(NULL) < 2)
			break;
		pl_snprintf(arch, sizeof(arch), "::%s", x->list.v[want[w]].name);
		pl_timeout_waiting("borg info");
		if (tool_list(cfg, &cfg->main, &x->cache[0], argv, c, &rr, err, errlen) != 0)
			break;
		if (!rr.exited || rr.status != 0)
			tool_failure(cfg, &rr, &cfg->main, err, errlen);
		else
			got += borg_take_sizes(x, &want[w], 1, &rr, 1, err, errlen);
		pl_run_result_free(&rr);
	}
	return got;
}

/* borg: the sizes of the archives judged by size (the newest and the one before of each
 * class and host), from borg info --json, since borg list gives none: original_size and
 * nfiles, as restic 0.17's summary. One borg run for the newest archives back to the
 * oldest of those (borg info --last K: each archive's metadata, not its data; a borg
 * start costs more than the archives), or, when that would be more than BORG_INFO_LAST
 * archives, one run per wanted archive, at most BORG_INFO_ONE. What is left out keeps no
 * size and says so. */
static void
borg_sizes(const struct bk_config *cfg, const struct pl_common *c, struct bk_run *x,
	   struct pl_result *r)
{
	static long want[BORG_INFO_MAX];
	size_t nw, left = 0, got = 0, k = 0;
	struct pl_run_result rr;
	char num[32], err[1024] = "";
	int64_t oldest = INT64_MAX;

	nw = borg_wanted(cfg, x, want, &left);
	if (nw == 0)
		return;
	for (size_t w = 0; w < nw; w++)
		if (x->list.v[want[w]].time.sec < oldest)
			oldest = x->list.v[want[w]].time.sec;
	for (size_t i = 0; i < x->list.n; i++)
		k += x->list.v[i].time.sec >= oldest;
	if (k <= BORG_INFO_LAST) {
		/* borg info leaves checkpoints out, which k counts: it covers them all. */
		const char *argv[] = { cfg->borg, "info", "--json", "--bypass-lock", "--last", num,
				       NULL };

		pl_snprintf(num, sizeof(num), "%zu", k);
		pl_timeout_waiting("borg info");
		if (tool_list(cfg, &cfg->main, &x->cache[0], argv, c, &rr, err, sizeof(err)) != 0) {
			pl_result_line(r, _("sizes not read: %s"), err);
			return;
		}
		if (!rr.exited || rr.status != 0)
			tool_failure(cfg, &rr, &cfg->main, err, sizeof(err));
		else
			got = borg_take_sizes(x, want, nw, &rr, k, err, sizeof(err));
		pl_run_result_free(&rr);
	} else {
		got = borg_info_each(cfg, c, x, want, nw, err, sizeof(err));
	}
	left += nw - got;
	if (left > 0 && err[0] != '\0')
		pl_result_line(r, P_("sizes of %zu archive not read: %s",
				     "sizes of %zu archives not read: %s", left), left, err);
	else if (left > 0)
		pl_result_line(r, P_("sizes of %zu archive not read", "sizes of %zu archives not read",
				     left), left);
}

/* One file or directory matched by a --path glob, as a backup. */
static void
file_one(const char *path, const char *marker, struct pl_bk_list *l, size_t *nomarker)
{
	const char *base = strrchr(path, '/');
	struct stat st;
	struct pl_bk b;
	char mp[4096];

	if (stat(path, &st) != 0)
		return;
	memset(&b, 0, sizeof(b));
	b.id = (char *)path;
	b.name = (char *)(base ? base + 1 : path);
	b.host = (char *)"";
	b.size = NAN;
	b.files = NAN;
	if (S_ISDIR(st.st_mode)) {
		if (marker != NULL) {
			pl_snprintf(mp, sizeof(mp), "%s/%s", path, marker);
			if (stat(mp, &st) != 0) {
				(*nomarker)++;
				return;
			}
		}
	} else if (S_ISREG(st.st_mode)) {
		b.size = (double)st.st_size;
	} else {
		return;
	}
	b.time.sec = st.st_mtim.tv_sec;
	b.time.nsec = (int32_t)st.st_mtim.tv_nsec;
	if (pl_bk_list_add(l, &b) != 0)
		pl_die(PL_UNKNOWN, _("out of memory"));
}

/* The first directory glob(3) could not open, and why (glob gives no user pointer). */
static char glob_path[1024];
static int glob_errno;

static int
glob_error(const char *path, int e)
{
	if (glob_errno == 0 || (glob_errno == ENOENT && e != ENOENT)) {
		pl_strlcpy(glob_path, path, sizeof(glob_path));
		glob_errno = e;
	}
	return 0;
}

static int
list_files(const struct bk_config *cfg, const struct pl_strlist *globs, struct pl_bk_list *l,
	   struct pl_result *r, char *err, size_t errlen)
{
	size_t nomarker = 0;

	memset(l, 0, sizeof(*l));
	if (globs->n == 0) {
		pl_snprintf(err, errlen, _("--source files needs --path GLOB"));
		return -1;
	}
	pl_timeout_waiting(_("listing the backup files"));
	for (size_t i = 0; i < globs->n; i++) {
		glob_t g;
		int rc;

		glob_errno = 0;
		rc = glob(globs->v[i], 0, glob_error, &g);
		/* A directory this user cannot read is not "no backup"; a missing one (an
		 * off-site mount not mounted) is no backup, said with why. */
		if (rc == GLOB_ABORTED || (glob_errno != 0 && glob_errno != ENOENT)) {
			pl_snprintf(err, errlen, _("--path %s: cannot read %s: %s"), globs->v[i],
				    glob_errno ? glob_path : _("a directory of it"),
				    glob_errno ? strerror(glob_errno) : _("error"));
			if (rc == 0)
				globfree(&g);
			return -1;
		}
		if (rc == GLOB_NOMATCH && glob_errno == ENOENT)
			pl_result_finding(r, PL_CRITICAL, _("--path %s: %s does not exist (not mounted?)"),
					  globs->v[i], glob_path);
		for (size_t k = 0; rc == 0 && k < g.gl_pathc; k++)
			file_one(g.gl_pathv[k], cfg->marker, l, &nomarker);
		if (rc == 0)
			globfree(&g);
	}
	if (nomarker > 0)
		pl_result_line(r, P_("%zu directory without the marker %s left out (incomplete runs?)",
				     "%zu directories without the marker %s left out (incomplete runs?)",
				     nomarker), nomarker, cfg->marker);
	return 0;
}

static int
list_where(const struct bk_config *cfg, const struct bk_where *w, const struct pl_common *c,
	   struct bk_cache *bc, struct pl_bk_list *l, struct pl_result *r, char *err,
	   size_t errlen)
{
	memset(l, 0, sizeof(*l));
	if (w->source == SRC_FILES)
		return list_files(cfg, &w->paths, l, r, err, errlen);
	cache_open(cfg, c, w, bc);
	return list_repo(cfg, w, c, bc, l, r, err, errlen);
}

/* ---- locks ---- */

enum { PID_GONE, PID_ALIVE, PID_REUSED };

/* The tool's command in the NUL-separated argv at cmd (n bytes): the first word that
 * names one (never an option's value: a repository URL may hold a password); "". */
static const char *
tool_command(const char *cmd, size_t n)
{
	static const char *const words[] = {
		"backup", "create", "prune", "forget", "check", "compact", "mount", "extract",
		"restore", "copy", "rebuild-index", "repair", "recreate", "delete", "rename",
		"list", "info", "with-lock", "key", "migrate", "dump", "ls", "snapshots", NULL,
	};

	for (size_t i = 0; i < n; i += strlen(cmd + i) + 1)
		for (size_t k = 0; words[k] != NULL; k++)
			if (strcmp(cmd + i, words[k]) == 0)
				return words[k];
	return "";
}

/* Whether pid runs a program named tool (restic, borg) on this host, and which of its
 * commands (into what, "" when not known). A pid is alive to kill(2) also when it is
 * another user's (EPERM); a pid reused by another program since the lock was left is
 * not the holder (its /proc/PID/cmdline, when readable, names no tool in its first two
 * words: borg runs as "python3 /usr/bin/borg"). */
static int
pid_state(int64_t pid, const char *tool, char *what, size_t whatlen)
{
	char path[64], cmd[4096];
	ssize_t n;
	int fd;

	what[0] = '\0';
	if (pid <= 0 || (kill((pid_t)pid, 0) != 0 && errno != EPERM))
		return PID_GONE;
	pl_snprintf(path, sizeof(path), "/proc/%lld/cmdline", (long long)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return PID_ALIVE;    /* hidden (hidepid) or gone just now: not told apart */
	n = read(fd, cmd, sizeof(cmd) - 1);
	close(fd);
	if (n < 0)
		return PID_ALIVE;
	cmd[n] = '\0';
	for (size_t i = 0, k = 0; k < 2 && i < (size_t)n; k++, i += strlen(cmd + i) + 1) {
		const char *base = strrchr(cmd + i, '/');

		if (strstr(base != NULL ? base + 1 : cmd + i, tool) != NULL) {
			pl_strlcpy(what, tool_command(cmd, (size_t)n), whatlen);
			return PID_ALIVE;
		}
	}
	return PID_REUSED;
}

/* "2026-12-01T02:00:00Z, 3h ago": when lk was taken or refreshed; "" without a time. */
static void
lock_when(const struct bk_run *x, const struct pl_bk_lock *lk, char *out, size_t len)
{
	char t[PL_RFC3339_SIZE], a[32];
	double age;

	out[0] = '\0';
	if (!lk->has_time || pl_rfc3339_format(&lk->time, 0, t, sizeof(t)) < 0)
		return;
	age = pl_time_diff(&x->now, &lk->time);
	pl_unit_human(a, sizeof(a), age < 0 ? 0 : age, PL_U_SECONDS);
	pl_snprintf(out, len, _("%s, %s ago"), t, a);
}

/* A lock of this host: running now (a line; WARNING past --max-running for borg, whose
 * lock dates the start), or stale when its process is gone. */
static void
judge_here(const struct bk_config *cfg, const struct bk_run *x, const struct pl_bk_lock *lk,
	   const char *tool, const char *h, struct pl_result *r)
{
	bool borg = strcmp(tool, "borg") == 0;
	double age = lk->has_time ? pl_time_diff(&x->now, &lk->time) : NAN;
	char a[32], when[80], note[128] = "", what[32];
	int ps = pid_state(lk->pid, tool, what, sizeof(what));

	lock_when(x, lk, when, sizeof(when));
	if (when[0] != '\0')
		pl_snprintf(note, sizeof(note), borg ? _(", lock taken %s") : _(", lock refreshed %s"),
			    when);
	if (ps != PID_ALIVE) {
		pl_result_finding(r, PL_WARNING, _("stale lock: %s pid %lld on %s is gone%s; remove it with '%s'"),
				  tool, (long long)lk->pid, h,
				  ps == PID_REUSED ? _(" (another program has its pid now)") : "",
				  borg ? "borg break-lock REPO" : "restic unlock");
		return;
	}
	if (borg && !lk->exclusive) {
		/* borg create locks exclusively; a shared lock is a reader (borg mount for
		 * days, list, extract): no backup, and never a hung one. */
		pl_result_line(r, _("the repository is being read (borg pid %lld on %s holds a shared lock: borg mount, list or extract; not a backup)"),
			       (long long)lk->pid, h);
		return;
	}
	if (what[0] != '\0' && strcmp(what, "backup") != 0 && strcmp(what, "create") != 0) {
		/* prune, check, compact... hold the lock too: running, but no backup. */
		pl_result_line(r, _("%s %s is running now, not a backup (%s pid %lld on %s%s)"), tool,
			       what, tool, (long long)lk->pid, h, note);
		return;
	}
	pl_result_fact(r, "running", _("%s pid %lld on %s"), tool, (long long)lk->pid, h);
	if (borg && !isnan(age) && age > cfg->max_running) {
		pl_unit_human(a, sizeof(a), age, PL_U_SECONDS);
		pl_result_finding(r, PL_WARNING, _("a backup has held the lock for %s (%s pid %lld on %s): hung?"),
				  a, tool, (long long)lk->pid, h);
	} else {
		pl_result_line(r, _("a backup is running now (%s pid %lld on %s%s)"), tool,
			       (long long)lk->pid, h, note);
	}
}

/* restic: this host's lock by its pid; another host's is stale when not refreshed for
 * --stale-lock-age (restic refreshes a live one every 5 minutes, and calls one older
 * than 30 minutes stale itself). */
static void
judge_restic(const struct bk_config *cfg, const struct bk_run *x, const struct pl_bk_lock *lk,
	     struct pl_result *r)
{
	double age = lk->has_time ? pl_time_diff(&x->now, &lk->time) : NAN;
	char a[32], h[300];

	pl_name_str(h, sizeof(h), lk->host[0] ? lk->host : _("an unknown host"));
	if (strcmp(lk->host, x->hostname) == 0) {
		judge_here(cfg, x, lk, "restic", h, r);
	} else if (!isnan(age) && age > cfg->stale_age) {
		pl_unit_human(a, sizeof(a), age, PL_U_SECONDS);
		pl_result_finding(r, PL_WARNING, _("stale lock: held by restic pid %lld on %s, not refreshed for %s; remove it with 'restic unlock'"),
				  (long long)lk->pid, h, a);
	} else {
		char note[96] = "";

		if (!isnan(age)) {
			pl_unit_human(a, sizeof(a), age < 0 ? 0 : age, PL_U_SECONDS);
			pl_snprintf(note, sizeof(note), _(", lock refreshed %s ago"), a);
		}
		pl_result_line(r, _("a backup from %s is probably running now (restic pid %lld%s)"), h,
			       (long long)lk->pid, note);
	}
}

/* borg: a lock of this host (its host id, see pl_borg_lock_here) by its pid. Another
 * host's lock is not judged: borg 1.x never refreshes a lock, so its age is the length
 * of the run, and its pid is on a host this check cannot see. */
static void
judge_borg(const struct bk_config *cfg, const struct bk_run *x, const struct pl_bk_lock *lk,
	   const struct pl_bk_self *self, struct pl_result *r)
{
	char h[300], when[80], id[300];

	pl_name_str(h, sizeof(h), lk->host[0] ? lk->host : _("an unknown host"));
	if (pl_borg_lock_here(lk, self)) {
		judge_here(cfg, x, lk, "borg", h, r);
		return;
	}
	lock_when(x, lk, when, sizeof(when));
	pl_name_str(id, sizeof(id), lk->id);
	if (when[0] != '\0')
		pl_result_line(r, _("borg lock held by host %s since %s (%s, pid %lld there, host id %s): another host's, neither running nor stale here"),
			       h, when, lk->exclusive ? C_("borg lock", "exclusive") :
			       C_("borg lock", "shared"), (long long)lk->pid, id);
	else
		pl_result_line(r, _("borg lock held by host %s (%s, pid %lld there, host id %s): another host's, neither running nor stale here"),
			       h, lk->exclusive ? C_("borg lock", "exclusive") :
			       C_("borg lock", "shared"), (long long)lk->pid, id);
}

/* A restic lock read that ran out of its time (budget seconds): said, WARNING. */
static void
lock_hung(struct pl_result *r, const char *what, double budget)
{
	char b[32];

	pl_unit_human(b, sizeof(b), budget, PL_U_SECONDS);
	pl_result_finding(r, PL_WARNING, _("locks not read: '%s' did not answer within %s (the backups are judged without them; --no-locks leaves them out)"),
			  what, b);
}

/* The ids of restic's locks into ids, one a line: a local repository's REPO/locks/, a
 * remote one's through restic list locks under ld. */
static void
restic_lock_ids(const struct bk_config *cfg, const struct pl_deadline *ld, double budget,
		struct pl_buf *ids, struct pl_result *r)
{
	const char *repo = location(&cfg->main);
	const char *largv[] = { cfg->restic, "list", "locks", "--no-lock", NULL };
	char **names = NULL, path[4096], err[512];
	size_t n = 0;
	struct pl_run_result rr;

	if (repo[0] == '/') {
		pl_snprintf(path, sizeof(path), "%s/locks", repo);
		if (pl_dir_list(NULL, path, &names, &n, err, sizeof(err)) == 0)
			for (size_t i = 0; i < n; i++)
				pl_buf_printf(ids, "%s\n", names[i]);
		pl_dir_free(names, n);
		return;
	}
	pl_timeout_waiting("restic list locks");
	if (tool_run_until(cfg, &cfg->main, largv, ld, &rr, err, sizeof(err)) != 0) {
		pl_result_line(r, _("locks not read: %s"), err);
		return;
	}
	if (rr.timed_out)
		lock_hung(r, "restic list locks", budget);
	else if (rr.exited && rr.status == 0)
		pl_buf_add(ids, pl_buf_str(&rr.out), rr.out.len);
	else
		pl_result_line(r, _("locks not read: %s"), pl_run_describe(&rr, err, sizeof(err)));
	pl_run_result_free(&rr);
}

/* Whether restic's lock id is gone since the listing (the backup ended): a local
 * repository's file is no more, or restic said it cannot load it for lack of it (0.14
 * retries that for some 40 s, so a read killed at its deadline is asked too). */
static bool
lock_gone(const struct bk_config *cfg, const char *id, const struct pl_run_result *rr)
{
	const char *repo = location(&cfg->main), *e = pl_buf_str(&rr->err);
	char path[4200];
	struct stat st;

	if (repo[0] == '/') {
		pl_snprintf(path, sizeof(path), "%s/locks/%s", repo, id);
		return lstat(path, &st) != 0 && errno == ENOENT;
	}
	return strstr(e, "Load(<lock/") != NULL &&
	       (strstr(e, "no such file") != NULL || strstr(e, "does not exist") != NULL ||
		strstr(e, "not found") != NULL || strstr(e, "Not Found") != NULL);
}

/* A restic lock read that failed, the lock still there (a wrong password, a backend
 * error): said, never taken for a lock removed since the listing. */
static void
lock_failed(const struct bk_config *cfg, const struct pl_run_result *rr, struct pl_result *r)
{
	char why[512];

	tool_failure(cfg, rr, &cfg->main, why, sizeof(why));
	pl_result_line(r, _("locks not read: %s"), why);
}

/* restic: the lock files of a local repository (REPO/locks/ID), each read with
 * restic cat lock ID (they are encrypted); a remote one through restic list locks. */
static void
restic_locks(const struct bk_config *cfg, const struct bk_run *x, struct pl_result *r)
{
	char err[512], id[80];
	size_t nlock = 0;
	struct pl_run_result rr;
	struct pl_buf ids = PL_BUF_INIT;
	/* The locks get half the time left: a restic that hangs on them (a lock file on a
	 * stalled backend) must not take the listing, already read, down with it. */
	const double budget = pl_deadline_left(NULL) / 2;
	const struct pl_deadline ld = pl_deadline_in(budget);

	pl_buf_init(&ids, 8192);
	restic_lock_ids(cfg, &ld, budget, &ids, r);
	/* Each lock costs a restic run (its key derived again): the first MAX_LOCKS are
	 * read, the rest counted, never passed over in silence. */
	for (const char *p = pl_buf_str(&ids); *p != '\0'; nlock++) {
		size_t k = strcspn(p, "\n");
		const char *cargv[] = { cfg->restic, "cat", "lock", id, "--no-lock", NULL };
		struct pl_bk_lock lk;

		pl_snprintf(id, sizeof(id), "%.*s", (int)(k < 79 ? k : 79), p);
		p += k + (p[k] == '\n');
		if (strspn(id, "0123456789abcdef") != strlen(id) || id[0] == '\0' ||
		    nlock >= MAX_LOCKS)
			continue;
		pl_timeout_waiting("restic cat lock");
		if (tool_run_until(cfg, &cfg->main, cargv, &ld, &rr, err, sizeof(err)) != 0)
			continue;
		if (rr.timed_out && lock_gone(cfg, id, &rr)) {
			pl_run_result_free(&rr);
			continue;
		}
		if (rr.timed_out) {
			lock_hung(r, "restic cat lock", budget);
			pl_run_result_free(&rr);
			break;
		}
		/* A lock removed since the listing (the backup ended) is no news; a read
		 * that failed otherwise is said. */
		if (rr.exited && rr.status == 0 &&
		    pl_restic_lock_parse(pl_buf_str(&rr.out), rr.out.len, &lk, err,
					 sizeof(err)) == 0)
			judge_restic(cfg, x, &lk, r);
		else if (rr.exited && rr.status == 0)
			pl_result_line(r, _("lock %s not understood: %s"), id, err);
		else if (!lock_gone(cfg, id, &rr))
			lock_failed(cfg, &rr, r);
		pl_run_result_free(&rr);
	}
	if (nlock > MAX_LOCKS)
		pl_result_line(r, _("%zu locks in the repository, the first %d read ('restic list locks' shows them all)"),
			       nlock, MAX_LOCKS);
	pl_buf_free(&ids);
}

/* The MAC address in text ("02:fc:00:00:00:01") as borg's node number; 0 when none. */
static uint64_t
mac_node(const char *s)
{
	uint64_t v = 0;

	for (int i = 0; i < 6; i++, s += 3) {
		const char *hex = "0123456789abcdef";
		const char *h = s[0] ? strchr(hex, s[0] | 0x20) : NULL;
		const char *l = h != NULL && s[1] ? strchr(hex, s[1] | 0x20) : NULL;

		if (h == NULL || l == NULL || (i < 5 && s[2] != ':'))
			return 0;
		v = v << 8 | (uint64_t)((h - hex) << 4 | (l - hex));
	}
	return v;
}

/* This host as borg's locks name it (pl_bk_self): its canonical name, resolved as
 * borg's getfqdn does, and the MAC addresses of its interfaces (/sys/class/net). */
static void
borg_self(const struct bk_config *cfg, struct bk_run *x, struct pl_bk_self *self,
	  uint64_t *nodes, size_t max, bool resolve)
{
	struct addrinfo hints, *ai = NULL;
	struct pl_buf b = PL_BUF_INIT;
	char **names = NULL, err[256], path[512];
	size_t n = 0;

	memset(self, 0, sizeof(*self));
	self->hostname = x->hostname;
	self->host_id = cfg->borg_host_id;
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_CANONNAME;
	pl_timeout_waiting(_("resolving this host's name (borg's locks name it)"));
	if (resolve && x->hostname[0] != '\0' && getaddrinfo(x->hostname, NULL, &hints, &ai) == 0) {
		for (const struct addrinfo *p = ai; p != NULL; p = p->ai_next)
			if (p->ai_canonname != NULL && p->ai_canonname[0] != '\0') {
				pl_strlcpy(x->fqdn, p->ai_canonname, sizeof(x->fqdn));
				break;
			}
		freeaddrinfo(ai);
	}
	self->fqdn = x->fqdn;
	pl_buf_init(&b, 256);
	if (pl_dir_list(NULL, "/sys/class/net", &names, &n, err, sizeof(err)) == 0)
		for (size_t i = 0; i < n && self->nnodes < max; i++) {
			uint64_t v;

			pl_snprintf(path, sizeof(path), "/sys/class/net/%s/address", names[i]);
			if (pl_read_file(NULL, path, &b, err, sizeof(err)) == 0 &&
			    (v = mac_node(pl_buf_str(&b))) != 0)
				nodes[self->nnodes++] = v;
		}
	pl_dir_free(names, n);
	pl_buf_free(&b);
	self->nodes = nodes;
}

/* borg's REPO/lock.roster into lk: the holders of the lock, shared and exclusive. */
static int
borg_roster(const char *repo, struct pl_bk_lock *lk, struct pl_result *r)
{
	struct pl_buf b = PL_BUF_INIT;
	char path[4096], err[512];
	int n;

	pl_snprintf(path, sizeof(path), "%s/lock.roster", repo);
	pl_buf_init(&b, 1 << 20);
	if (pl_read_file(NULL, path, &b, err, sizeof(err)) != 0) {
		pl_buf_free(&b);
		return 0;
	}
	n = pl_borg_roster_parse(pl_buf_str(&b), b.len, lk, MAX_LOCKS, err, sizeof(err));
	pl_buf_free(&b);
	if (n < 0) {
		pl_result_line(r, _("cannot read %s: %s"), path, err);
		return 0;
	}
	return n;
}

/* Adds the entries of REPO/lock.exclusive/ (ID.PID-THREAD, made when the lock was
 * taken: their time is the lock's) to the n locks at lk, or dates the roster's
 * entry of the same holder. Returns the new count. */
static int
borg_exclusive(const char *repo, struct pl_bk_lock *lk, int n)
{
	char **names = NULL, path[4096], err[256];
	size_t k = 0;
	struct stat st;

	pl_snprintf(path, sizeof(path), "%s/lock.exclusive", repo);
	if (pl_dir_list(NULL, path, &names, &k, err, sizeof(err)) != 0)
		return n;
	for (size_t i = 0; i < k; i++) {
		struct pl_bk_lock e;
		int j;

		pl_snprintf(path, sizeof(path), "%s/lock.exclusive/%s", repo, names[i]);
		if (pl_borg_lockname_parse(names[i], &e) != 0 || lstat(path, &st) != 0)
			continue;
		e.has_time = true;
		e.time.sec = st.st_mtim.tv_sec;
		e.time.nsec = (int32_t)st.st_mtim.tv_nsec;
		for (j = 0; j < n && !(strcmp(lk[j].id, e.id) == 0 && lk[j].pid == e.pid); j++)
			;
		if (j < n) {
			lk[j].has_time = true;
			lk[j].time = e.time;
		} else if (n < MAX_LOCKS) {
			lk[n++] = e;
		}
	}
	pl_dir_free(names, k);
	return n;
}

/* borg: a local repository's locks, from lock.roster and lock.exclusive/ (plain text,
 * next to the data; a remote repository's are not read). */
static void
borg_locks(const struct bk_config *cfg, struct bk_run *x, struct pl_result *r)
{
	const char *repo = location(&cfg->main);
	struct pl_bk_lock lk[MAX_LOCKS];
	struct pl_bk_self self;
	uint64_t nodes[64];
	size_t shortlen = strcspn(x->hostname, ".");
	bool resolve = false;
	int n;

	if (repo[0] != '/')
		return;
	n = borg_exclusive(repo, lk, borg_roster(repo, lk, r));
	if (n == 0)
		return;
	/* The name is resolved (a DNS query, maybe slow) only for a lock that may name
	 * this host's FQDN: its short hostname and a domain. */
	for (int i = 0; i < n && !resolve; i++)
		resolve = strncasecmp(lk[i].host, x->hostname, shortlen) == 0 &&
			  lk[i].host[shortlen] == '.' && strcasecmp(lk[i].host, x->hostname) != 0;
	borg_self(cfg, x, &self, nodes, sizeof(nodes) / sizeof(nodes[0]), resolve);
	for (int i = 0; i < n; i++)
		judge_borg(cfg, x, &lk[i], &self, r);
}

/* ---- judging ---- */

static struct pl_metric *
age_metric(struct pl_item *it, const struct bk_class *cls, double age)
{
	struct pl_metric *m = pl_item_metric(it, "age", age, PL_U_SECONDS);
	char t[64], err[128];

	pl_snprintf(t, sizeof(t), "%.0f", cls->max_age);
	pl_range_parse(t, &m->warn, err, sizeof(err));
	pl_snprintf(t, sizeof(t), "%.0f", cls->max_age + cls->grace);
	pl_range_parse(t, &m->crit, err, sizeof(err));
	m->prec = 0;
	return m;
}

/* Sizes: the newest against the one before and the minimum. */
static void
judge_size(const struct bk_config *cfg, struct pl_item *it, const struct pl_bk *b,
	   const struct pl_bk *prev)
{
	char a[32], p[32];

	if (isnan(b->size))
		return;
	pl_unit_human(a, sizeof(a), b->size, PL_U_BYTES);
	if (cfg->min_size > 0 && b->size < cfg->min_size) {
		pl_unit_human(p, sizeof(p), cfg->min_size, PL_U_BYTES);
		pl_item_finding(it, PL_CRITICAL, _("newest backup is %s, below the minimum of %s"), a, p);
	}
	if (prev != NULL && !isnan(prev->size) && prev->size > 0 && cfg->max_shrink > 0 &&
	    b->size < prev->size * (1 - cfg->max_shrink / 100)) {
		pl_unit_human(p, sizeof(p), prev->size, PL_U_BYTES);
		pl_item_finding(it, PL_WARNING, _("newest backup is %.0f%% smaller than the one before (%s, was %s)"),
				100 * (1 - b->size / prev->size), a, p);
	}
}

/* Whether backup i of the list is one of the class's (take) of host (NULL: any). */
static bool
in_set(const struct pl_bk_list *l, const bool *take, const char *host, size_t i)
{
	return take[i] && !l->v[i].checkpoint && (host == NULL || strcmp(l->v[i].host, host) == 0);
}

/* Off-site: is the newest backup b (of class cls, host) there? The lag is how long the
 * oldest backup newer than the newest copied one has waited. */
static void
judge_offsite(const struct bk_config *cfg, const struct bk_run *x, struct pl_item *it,
	      const bool *take, const char *host, const struct pl_bk *b)
{
	const struct pl_bk *copy = NULL, *copied = NULL, *waiting = NULL;
	struct pl_metric *m;
	char t[64], err[128];
	double lag = 0;

	for (size_t i = 0; i < x->off.n && copy == NULL; i++)
		if (pl_bk_same(b, &x->off.v[i]))
			copy = &x->off.v[i];
	if (copy == NULL) {
		for (size_t i = 0; i < x->list.n; i++) {
			const struct pl_bk *p = &x->list.v[i];

			if (!in_set(&x->list, take, host, i))
				continue;
			for (size_t k = 0; k < x->off.n; k++)
				if (pl_bk_same(p, &x->off.v[k]) &&
				    (copied == NULL || p->time.sec > copied->time.sec))
					copied = p;
		}
		for (size_t i = 0; i < x->list.n; i++) {
			const struct pl_bk *p = &x->list.v[i];

			if (!in_set(&x->list, take, host, i) ||
			    (copied != NULL && p->time.sec <= copied->time.sec))
				continue;
			if (waiting == NULL || p->time.sec < waiting->time.sec)
				waiting = p;
		}
		lag = waiting ? pl_time_diff(&x->now, &waiting->time) : 0;
		lag = lag > 0 ? (double)(int64_t)lag : 0;
	}
	m = pl_item_metric(it, "offsite_lag", lag, PL_U_SECONDS);
	m->prec = 0;
	pl_snprintf(t, sizeof(t), "%.0f", cfg->off_lag);
	pl_range_parse(t, &m->crit, err, sizeof(err));
	if (copy == NULL) {
		char when[PL_RFC3339_SIZE];

		if (copied != NULL)
			pl_rfc3339_format(&copied->time, 0, when, sizeof(when));
		pl_item_line(it, _("newest backup not off-site yet; newest copied: %s"),
			     copied ? when : _("none"));
	} else if ((!isnan(b->size) && !isnan(copy->size) && b->size != copy->size) ||
		   (!isnan(b->files) && !isnan(copy->files) && b->files != copy->files)) {
		pl_item_finding(it, PL_WARNING, _("off-site copy differs: %.0f bytes and %.0f files there, %.0f and %.0f here"),
				copy->size, copy->files, b->size, b->files);
	}
}

/* One class of one host (host NULL: the files, which have none): the item's metrics. */
static void
judge_one(const struct bk_config *cfg, const struct bk_run *x, const struct bk_class *cls,
	  const bool *take, const char *host, struct pl_item *it)
{
	size_t count;
	long prev, newest = pl_bk_latest(&x->list, take, host, &prev, &count);
	const struct pl_bk *b = newest >= 0 ? &x->list.v[newest] : NULL;
	struct pl_metric *m;
	char when[PL_RFC3339_SIZE], n[200];
	double age;

	m = pl_item_metric(it, "count", (double)count, PL_U_NONE);
	pl_metric_minmax(m, 0, NAN);
	if (b == NULL) {
		pl_item_finding(it, PL_CRITICAL, _("no backup"));
		return;
	}
	/* Whole seconds: a file's mtime has nanoseconds nobody wants on a status line. A
	 * backup stamped in the future (a skewed clock) is 0 seconds old. */
	age = pl_time_diff(&x->now, &b->time);
	age_metric(it, cls, age > 0 ? (double)(int64_t)age : 0);
	m = pl_item_metric(it, "size", b->size, PL_U_BYTES);
	pl_metric_minmax(m, 0, NAN);
	if (isnan(b->size))
		pl_metric_missing(m, PL_MISSING_LASTING,
				  cfg->main.source == SRC_RESTIC ?
				  _("restic before 0.17 keeps no size in its snapshots") :
				  _("the source gives no size of this backup"),
				  cfg->main.source == SRC_RESTIC ? _("use restic 0.17 or later") : NULL);
	pl_rfc3339_format(&b->time, 0, when, sizeof(when));
	pl_name_str(n, sizeof(n), b->name);
	pl_item_fact(it, "newest", "%s %s", when, n);
	judge_size(cfg, it, b, prev >= 0 ? &x->list.v[prev] : NULL);
	if (x->off_ok)
		judge_offsite(cfg, x, it, take, host, b);
}

/* The hosts to report: --host, or every host with a backup (at most max; *more counts
 * the backups of the hosts left out). */
static size_t
hosts_of(const struct bk_config *cfg, const struct bk_run *x, const char **h, size_t max,
	 size_t *more)
{
	size_t n = 0;

	*more = 0;
	if (cfg->hosts.n > 0) {
		for (size_t i = 0; i < cfg->hosts.n && n < max; i++)
			h[n++] = cfg->hosts.v[i];
		return n;
	}
	for (size_t i = 0; i < x->list.n; i++) {
		bool seen = false;

		for (size_t k = 0; k < n && !seen; k++)
			seen = strcmp(h[k], x->list.v[i].host) == 0;
		if (!seen && n < max)
			h[n++] = x->list.v[i].host;
		else if (!seen)
			(*more)++;
	}
	return n;
}

/* Backups dated more than FUTURE_SKEW past now (a host with a wrong clock, a --time or
 * --timestamp typo) are no class's newest: one would hide a stale class for as long as
 * its date is ahead. They leave take, and the item says so. */
#define FUTURE_SKEW 300
static void
drop_future(const struct bk_run *x, bool *take, struct pl_item *it)
{
	const struct pl_bk *top = NULL;
	size_t n = 0;
	char when[PL_RFC3339_SIZE], name[200];

	for (size_t i = 0; i < x->list.n; i++) {
		const struct pl_bk *b = &x->list.v[i];

		if (!take[i] || pl_time_diff(&b->time, &x->now) <= FUTURE_SKEW)
			continue;
		take[i] = false;
		n++;
		if (top == NULL || b->time.sec > top->time.sec)
			top = b;
	}
	if (n == 0)
		return;
	pl_rfc3339_format(&top->time, 0, when, sizeof(when));
	pl_name_str(name, sizeof(name), top->name);
	pl_item_finding(it, PL_WARNING, P_("%zu backup dated in the future, not counted (the "
					   "latest: %s %s): a wrong clock where it was made?",
					   "%zu backups dated in the future, not counted (the "
					   "latest: %s %s): a wrong clock where it was made?", n),
			n, when, name);
}

static void
bk_judge(const struct bk_config *cfg, const struct bk_run *x, struct pl_result *r)
{
	static const char *hosts[MAX_SEEN_HOSTS];
	size_t more, nh = hosts_of(cfg, x, hosts, MAX_SEEN_HOSTS, &more);
	bool *take = calloc(x->list.n + 1, sizeof(*take));
	bool files = cfg->main.source == SRC_FILES;

	if (take == NULL)
		pl_die(PL_UNKNOWN, _("out of memory"));
	if (more > 0)
		pl_result_finding(r, PL_UNKNOWN, P_("backups of more than %d hosts: %zu backup of the others not checked; name the hosts with --host",
						    "backups of more than %d hosts: %zu backups of the others not checked; name the hosts with --host",
						    more), MAX_SEEN_HOSTS, more);
	for (size_t k = 0; k < x->ncls; k++) {
		const struct bk_class *cls = &x->cls[k];
		struct pl_item *it = pl_result_item(r, "class", cls->name);

		size_t judged = 0;

		for (size_t i = 0; i < x->list.n; i++)
			take[i] = pl_bk_match(&cls->m, &x->list.v[i]);
		drop_future(x, take, it);
		if (files || nh == 0) {
			judge_one(cfg, x, cls, take, NULL, it);
			continue;
		}
		/* A class whose rule names hosts is about those hosts only; none of them
		 * there is that class's "no backup", never an empty green item. */
		for (size_t h = 0; h < nh; h++)
			if (cls->m.host == NULL || fnmatch(cls->m.host, hosts[h], 0) == 0) {
				judge_one(cfg, x, cls, take, hosts[h],
					  pl_item_item(it, "host", hosts[h]));
				judged++;
			}
		if (judged == 0 && cfg->hosts.n > 0)
			pl_item_finding(it, PL_CRITICAL, _("no backup of any host matching %s among --host"),
					cls->m.host);
		else if (judged == 0)
			pl_item_finding(it, PL_CRITICAL, _("no backup of any host matching %s"),
					cls->m.host);
	}
	free(take);
}

/* The last run, from --status-file. */
static void
bk_status(const struct bk_config *cfg, struct pl_result *r)
{
	struct pl_buf b = PL_BUF_INIT;
	struct pl_bk_status st;
	char err[512], when[PL_RFC3339_SIZE], f[300], head[512];
	struct pl_item *it = NULL;
	int rc;

	pl_name_str(f, sizeof(f), cfg->status_file);
	pl_buf_init(&b, 4 << 20);
	if (pl_read_file(NULL, cfg->status_file, &b, err, sizeof(err)) != 0) {
		pl_result_finding(r, PL_UNKNOWN, "%s (--status-file)", err);
		pl_buf_free(&b);
		return;
	}
	rc = pl_bk_status_parse(pl_buf_str(&b), b.len, &st, err, sizeof(err));
	pl_buf_free(&b);
	if (rc == 1) {
		pl_result_line(r, _("status file %s is empty: no run recorded yet"), f);
		return;
	}
	if (rc != 0) {
		pl_result_finding(r, PL_UNKNOWN, _("status file %s: %s"), f, err);
		return;
	}
	if (st.cls[0] != '\0')
		it = pl_result_find_item(r, NULL, "class", st.cls);
	pl_rfc3339_format(&st.time, 0, when, sizeof(when));
	if (st.exit == 0 && st.cls[0] != '\0') {
		pl_result_fact(r, "last run", _("%s succeeded for %s"), when, st.cls);
		return;
	}
	if (st.exit == 0) {
		pl_result_fact(r, "last run", _("%s succeeded"), when);
		return;
	}
	/* The job's message, as it wrote it, after ": ". */
	if (it != NULL)
		pl_snprintf(head, sizeof(head), _("last run failed at %s (exit %d)"), when, st.exit);
	else if (st.cls[0] != '\0')
		pl_snprintf(head, sizeof(head), _("last backup run failed at %s (exit %d) for %s"),
			    when, st.exit, st.cls);
	else
		pl_snprintf(head, sizeof(head), _("last backup run failed at %s (exit %d)"), when,
			    st.exit);
	if (it != NULL)
		pl_item_finding(it, PL_CRITICAL, "%s%s%s", head, st.message[0] ? ": " : "",
				st.message);
	else
		pl_result_finding(r, PL_CRITICAL, "%s%s%s", head, st.message[0] ? ": " : "",
				  st.message);
}

/* The summary: the newest backup and how many; the problems lead it on their own. */
/* The summary without a backup: none at all, or only borg checkpoints (runs that were
 * interrupted, which never count as backups): said apart, with the newest of them. */
static void
no_backup_summary(const struct bk_config *cfg, const struct bk_run *x, struct pl_result *r)
{
	size_t nck = 0;
	long top = -1;
	double age;
	char a[32], name[300];

	for (size_t i = 0; i < x->list.n; i++)
		if (x->list.v[i].checkpoint) {
			nck++;
			if (top < 0 || pl_time_diff(&x->list.v[i].time, &x->list.v[top].time) > 0)
				top = (long)i;
		}
	if (top < 0) {
		size_t ahead = 0;

		for (size_t i = 0; i < x->list.n; i++)
			ahead += pl_time_diff(&x->list.v[i].time, &x->now) > FUTURE_SKEW;
		/* Every backup ahead of now: this host's clock is the likelier one. */
		if (ahead > 0 && ahead == x->list.n)
			pl_result_summary(r, _("every backup in %s is dated in the future (%zu): is this host's clock behind?"),
					  where_name(&cfg->main), ahead);
		else
			pl_result_summary(r, _("no backup at all in %s"), where_name(&cfg->main));
		return;
	}
	pl_name_str(name, sizeof(name), x->list.v[top].name);
	age = pl_time_diff(&x->now, &x->list.v[top].time);
	pl_unit_human(a, sizeof(a), age > 0 ? (double)(int64_t)age : 0, PL_U_SECONDS);
	pl_result_summary(r, P_("no complete backup in %s, only %zu checkpoint of interrupted runs (newest %s, %s ago)",
				"no complete backup in %s, only %zu checkpoints of interrupted runs (newest %s, %s ago)",
				nck), where_name(&cfg->main), nck, name, a);
}

static void
bk_summary(const struct bk_config *cfg, const struct bk_run *x, struct pl_result *r)
{
	size_t count, hosts = 0, more;
	bool *now_or_before = calloc(x->list.n + 1, sizeof(bool));
	long prev, newest;
	static const char *h[MAX_SEEN_HOSTS];
	double age;
	char a[32], nb[64], nc[64];

	/* The newest not dated in the future (drop_future: those are said per class). */
	if (now_or_before == NULL)
		pl_die(PL_UNKNOWN, _("out of memory"));
	for (size_t i = 0; i < x->list.n; i++)
		now_or_before[i] = pl_time_diff(&x->list.v[i].time, &x->now) <= FUTURE_SKEW;
	newest = pl_bk_latest(&x->list, now_or_before, NULL, &prev, &count);
	free(now_or_before);
	if (cfg->main.source != SRC_FILES)
		hosts = hosts_of(cfg, x, h, MAX_SEEN_HOSTS, &more);
	if (newest < 0) {
		no_backup_summary(cfg, x, r);
		return;
	}
	/* Whole seconds; and no ';', which Nagios turns into ':' in the output it keeps. */
	age = pl_time_diff(&x->now, &x->list.v[newest].time);
	pl_unit_human(a, sizeof(a), age > 0 ? (double)(int64_t)age : 0, PL_U_SECONDS);
	pl_snprintf(nb, sizeof(nb), P_("%zu backup", "%zu backups", count), count);
	pl_snprintf(nc, sizeof(nc), P_("%zu class", "%zu classes", x->ncls), x->ncls);
	pl_result_summary(r, _("%s, newest %s ago, %s"), nb, a, nc);
	if (hosts > 0)
		pl_result_summary_add(r, P_(", %zu host", ", %zu hosts", hosts), hosts);
}

static void
bk_defaults(struct bk_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->max_shrink = 50;
	cfg->stale_age = 1800;
	cfg->max_running = 43200;
	cfg->off_lag = 86400;
	cfg->restic = "/usr/bin/restic";
	cfg->borg = "/usr/bin/borg";
	cfg->borg_host_id = getenv("BORG_HOST_ID");
}

/* What the options cannot check alone. */
/* A local repository named relative to the working directory ("srv/restic"): not a
 * remote one (sftp:..., s3:..., ssh://..., host:path: each has a ':'). */
static bool
relative_repo(const char *repo)
{
	return repo != NULL && repo[0] != '/' && strchr(repo, ':') == NULL;
}

static void
bk_check(struct bk_config *cfg)
{
	struct bk_where *m = &cfg->main, *o = &cfg->off;

	if (m->source == SRC_NONE)
		pl_usage_die(_("give --source restic, borg or files"));
	if (relative_repo(m->repo))
		pl_usage_die(_("--repo %s is a relative path: give it from / (the engine runs the check in a directory of its own, and locks and the listing cache are read only for an absolute path)"),
			     m->repo);
	if (relative_repo(cfg->off.repo))
		pl_usage_die(_("--offsite-repo %s is a relative path: give it from /"), cfg->off.repo);
	if (m->source != SRC_FILES && m->repo == NULL && m->repository == NULL)
		pl_usage_die(_("--source %s needs --repo REPO (or --repository-file FILE)"),
			     m->source == SRC_RESTIC ? "restic" : "borg");
	if (m->source == SRC_FILES && m->paths.n == 0)
		pl_usage_die(_("--source files needs --path GLOB"));
	if (m->source != SRC_FILES && m->paths.n > 0)
		pl_usage_die(_("--path is for --source files"));
	if (cfg->restic[0] != '/' || cfg->borg[0] != '/')
		pl_usage_die(_("--restic and --borg take an absolute path (programs are never looked up in PATH)"));
	if (m->source == SRC_RESTIC && m->password == NULL)
		pl_usage_die(_("a restic repository needs its password: give --password-file FILE (mode 600) or PLUMBLINE_BACKUP_PASSWORD"));
	if (o->source == SRC_NONE)
		o->source = m->source;
	if ((o->repo != NULL || o->repository != NULL) && o->source == SRC_FILES)
		pl_usage_die(_("--offsite-repo is for a repository: give --offsite-path for files"));
	if (o->paths.n > 0 && o->source != SRC_FILES)
		pl_usage_die(_("--offsite-path is for files: give --offsite-repo for a repository"));
}

static void
bk_collect(const struct bk_config *cfg, const struct pl_common *c, struct bk_run *x,
	   struct pl_result *r)
{
	char err[1024];

	if (list_where(cfg, &cfg->main, c, &x->cache[0], &x->list, r, err, sizeof(err)) != 0)
		pl_die(PL_UNKNOWN, "%s", err);
	if (cfg->off.repo != NULL || cfg->off.repository != NULL || cfg->off.paths.n > 0) {
		if (list_where(cfg, &cfg->off, c, &x->cache[1], &x->off, r, err, sizeof(err)) != 0)
			pl_result_finding(r, PL_UNKNOWN, _("off-site: %s"), err);
		else
			x->off_ok = true;
	}
	if (cfg->main.source == SRC_BORG && (cfg->max_shrink > 0 || cfg->min_size > 0))
		borg_sizes(cfg, c, x, r);
	for (int i = 0; i < 2; i++) {
		if (x->cache[i].hits > 0)
			pl_result_fact(r, i == 0 ? "listing" : "off-site listing",
				       _("kept from an earlier run: the repository is unchanged"));
		cache_save(c, &x->cache[i], r);
	}
	/* Locks change without a commit: read every run, cache or not. */
	if (!cfg->no_locks && cfg->main.source == SRC_RESTIC)
		restic_locks(cfg, x, r);
	else if (!cfg->no_locks && cfg->main.source == SRC_BORG)
		borg_locks(cfg, x, r);
}

int
main(int argc, char **argv)
{
	struct bk_config cfg;
	struct pl_common c;
	struct pl_result r;
	struct bk_run x;
	char err[256];

	bk_defaults(&cfg);
	pl_plugin_parse(&bk_plugin, argc, argv, &cfg, &c);
	bk_check(&cfg);
	memset(&x, 0, sizeof(x));
	bk_classes(&cfg, &x);
	pl_plugin_arm(&c);
	pl_result_init(&r, bk_plugin.name, bk_plugin.service);
	pl_result_expect_items(&r, "class");
	if (pl_clock_now(&x.now, err, sizeof(err)) != 0)
		pl_die(PL_UNKNOWN, "%s", err);
	if (gethostname(x.hostname, sizeof(x.hostname) - 1) != 0)
		x.hostname[0] = '\0';

	bk_collect(&cfg, &c, &x, &r);
	bk_judge(&cfg, &x, &r);
	if (cfg.status_file != NULL)
		bk_status(&cfg, &r);
	bk_summary(&cfg, &x, &r);

	pl_bk_list_free(&x.list);
	pl_bk_list_free(&x.off);
	for (size_t i = 0; i < x.ncls; i++) {
		if (x.cls[i].has_re)
			regfree(&x.cls[i].re);
		free(x.cls[i].name);
		free(x.cls[i].rule);
	}
	pl_exit(&r, &c);
}
