/* pl_bkrun: running restic and borg the one way check_backup_age and check_restore_drill
 * share: the repository and its password in the tool's environment (never argv), a
 * minimal environment otherwise (HOME kept, TZ=UTC for borg, no question borg could wait
 * for an answer to), a secret location cut out of the tool's messages, and the tool's
 * stderr turned into one sentence with the fix where one is known (a wrong password, no
 * repository, a missing HOME or cache directory, a lock).
 *
 * Ownership: everything is the caller's; the environment pl_bk_run builds holds the
 * password and is zeroed before it is freed. Links nothing beyond libc (it lives in the
 * json-c archive beside pl_backup, which both plugins link). */
#ifndef PL_BKRUN_H
#define PL_BKRUN_H

#include <stddef.h>

#include "pl_deadline.h"
#include "pl_run.h"

/* PL_BK_NONE: another program (tar), which gets the minimal environment and HOME only. */
enum pl_bk_tool { PL_BK_NONE = 0, PL_BK_RESTIC = 1, PL_BK_BORG = 2 };

/* A repository and how to reach it. */
struct pl_bk_repo {
	enum pl_bk_tool tool;
	const char *repo;        /* a plain location (a path, sftp:host:/srv/restic) */
	const char *repository;  /* the same as a secret (a URL with credentials), or NULL */
	const char *password;    /* secret: RESTIC_PASSWORD / BORG_PASSPHRASE; may be NULL */
	const char *cache_dir;   /* RESTIC_CACHE_DIR / BORG_BASE_DIR; NULL: below HOME */
};

/* The location the tool is given: the secret one, else the plain one. */
const char *pl_bk_location(const struct pl_bk_repo *w);
/* What messages call it: the plain location, or "the repository (--repository-file)". */
const char *pl_bk_where(const struct pl_bk_repo *w);
/* Cuts s (NUL-terminated, changed in place) where the secret location appears in it. */
void pl_bk_scrub(char *s, const struct pl_bk_repo *w);
/* What kind of failure pl_bk_failure found. Callers decide by this, never by the
 * sentence: the sentence is translated. */
enum pl_bk_why {
	PL_BK_WHY_OTHER = 0,     /* the tool failed for a reason not known here */
	PL_BK_WHY_NO_JSON,       /* it exited 0 but printed nothing usable */
	PL_BK_WHY_NO_CACHE,      /* no cache directory (no HOME, no --cache-dir) */
	PL_BK_WHY_PASSWORD,      /* a wrong password */
	PL_BK_WHY_NO_REPO,       /* no repository at the location */
	PL_BK_WHY_CACHE_LOCKED,  /* borg's own cache is locked (another borg on it) */
	PL_BK_WHY_LOCKED,        /* the repository is locked */
};
/* True for the failures of the setup (password, cache, location, a lock) rather than
 * of the repository's data. */
int pl_bk_why_setup(enum pl_bk_why why);
/* Why the tool failed (or printed nothing usable), in one sentence into out: from the
 * first meaningful line of its stderr, with the fix when there is a known one. Returns
 * the kind of failure. */
enum pl_bk_why pl_bk_failure(const struct pl_run_result *rr, const struct pl_bk_repo *w,
			     char *out, size_t len);

/* Runs argv (argv[0] the tool by absolute path) for repository w under deadline d
 * (NULL: the process deadline), in directory cwd (NULL: ours), keeping out_cap bytes of
 * stdout and 64 KiB of stderr. Returns 0 when it ran (judge *rr, free it with
 * pl_run_result_free; rr->timed_out says it ran out of time), or -1 with why in err when
 * it could not be started ("cannot run /usr/bin/restic: No such file or directory"). */
int pl_bk_run(const struct pl_bk_repo *w, const char *const *argv, const char *cwd,
	      const struct pl_deadline *d, size_t out_cap, struct pl_run_result *rr,
	      char *err, size_t errlen);

#endif
