/* pl_bkrun: restic and borg run the shared way (see pl_bkrun.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "pl_bkrun.h"
#include "pl_buf.h"
#include "pl_i18n.h"

#define ENV_MAX 16
#define ERR_CAP ((size_t)64 << 10)

const char *
pl_bk_location(const struct pl_bk_repo *w)
{
	return w->repository != NULL ? w->repository : w->repo;
}

const char *
pl_bk_where(const struct pl_bk_repo *w)
{
	if (w->repo != NULL)
		return w->repo;
	return w->repository != NULL ? _("the repository (--repository-file)") : _("the files");
}

void
pl_bk_scrub(char *s, const struct pl_bk_repo *w)
{
	char *p;

	if (w->repository != NULL && w->repository[0] != '\0' &&
	    (p = strstr(s, w->repository)) != NULL)
		pl_strlcpy(p, _("(the repository)"), strlen(p) + 1);
}

/* Adds "NAME=value" to env; -1 when out of room or memory. */
static int
env_add(char **env, size_t *n, const char *name, const char *value)
{
	size_t len = strlen(name) + strlen(value) + 2;
	char *s;

	if (*n + 1 >= ENV_MAX || (s = malloc(len)) == NULL)
		return -1;
	pl_snprintf(s, len, "%s=%s", name, value);
	env[(*n)++] = s;
	return 0;
}

static void
env_free(char **env, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		explicit_bzero(env[i], strlen(env[i]));
		free(env[i]);
	}
}

/* The tool's environment into env (ENV_MAX entries, ending with NULL). Returns the
 * count, or -1 (out of memory; what was added is freed). */
static int
tool_env(const struct pl_bk_repo *w, char **env)
{
	const char *home = getenv("HOME");
	size_t n = 0;
	int rc = 0;

	if (w->tool == PL_BK_RESTIC && pl_bk_location(w) != NULL) {
		rc |= env_add(env, &n, "RESTIC_REPOSITORY", pl_bk_location(w));
		if (w->password != NULL)
			rc |= env_add(env, &n, "RESTIC_PASSWORD", w->password);
		if (w->cache_dir != NULL)
			rc |= env_add(env, &n, "RESTIC_CACHE_DIR", w->cache_dir);
	} else if (w->tool == PL_BK_BORG && pl_bk_location(w) != NULL) {
		rc |= env_add(env, &n, "BORG_REPO", pl_bk_location(w));
		if (w->password != NULL)
			rc |= env_add(env, &n, "BORG_PASSPHRASE", w->password);
		if (w->cache_dir != NULL)
			rc |= env_add(env, &n, "BORG_BASE_DIR", w->cache_dir);
		/* Naive times in the JSON are then UTC; no question may wait for an answer. */
		rc |= env_add(env, &n, "TZ", "UTC");
		rc |= env_add(env, &n, "BORG_RELOCATED_REPO_ACCESS_IS_OK", "no");
		rc |= env_add(env, &n, "BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK", "no");
	}
	if (home != NULL && home[0] == '/')
		rc |= env_add(env, &n, "HOME", home);
	env[n] = NULL;
	if (rc != 0) {
		env_free(env, n);
		return -1;
	}
	return (int)n;
}

int
pl_bk_why_setup(enum pl_bk_why why)
{
	return why == PL_BK_WHY_NO_CACHE || why == PL_BK_WHY_PASSWORD ||
	       why == PL_BK_WHY_NO_REPO || why == PL_BK_WHY_CACHE_LOCKED ||
	       why == PL_BK_WHY_LOCKED;
}

/* The tool's stderr e (first line first, the lock file of w in lock) sorted into a
 * kind; the tools' texts are English whatever our language. */
static enum pl_bk_why
failure_kind(const char *e, const char *first, const char *lock, const struct pl_bk_repo *w)
{
	if (strstr(e, "unable to locate cache directory") != NULL ||
	    strstr(e, "neither $XDG_CACHE_HOME nor $HOME") != NULL ||
	    (strstr(e, "HOME") != NULL && strstr(e, "not set") != NULL))
		return PL_BK_WHY_NO_CACHE;
	if (strstr(e, "wrong password") != NULL || strstr(e, "passphrase supplied") != NULL ||
	    strstr(e, "is incorrect") != NULL)
		return PL_BK_WHY_PASSWORD;
	/* borg's "Repository /x does not exist.", not its "Archive NAME does not exist" (an
	 * archive deleted since it was listed: the repository is there). */
	if (strstr(e, "Is there a repository") != NULL ||
	    (strstr(e, "does not exist") != NULL && strstr(e, "Archive ") == NULL) ||
	    strstr(e, "is not a valid repository") != NULL)
		return PL_BK_WHY_NO_REPO;
	if (strstr(e, "Failed to create/acquire the lock") != NULL &&
	    (w->repo == NULL || strstr(first, lock) == NULL))
		return PL_BK_WHY_CACHE_LOCKED;
	if (strstr(e, "Failed to create/acquire the lock") != NULL ||
	    strstr(e, "repository is already locked") != NULL)
		return PL_BK_WHY_LOCKED;
	return PL_BK_WHY_OTHER;
}

enum pl_bk_why
pl_bk_failure(const struct pl_run_result *rr, const struct pl_bk_repo *w, char *out,
	      size_t len)
{
	const char *e = pl_buf_str(&rr->err);
	const char *name = w->tool == PL_BK_RESTIC ? "restic" : "borg";
	char first[200], desc[400], lock[4200];
	enum pl_bk_why why;

	pl_run_first_line(e, rr->err.len, first, sizeof(first));
	pl_bk_scrub(first, w);
	pl_snprintf(lock, sizeof(lock), "%s/lock", w->repo ? w->repo : "");
	why = failure_kind(e, first, lock, w);
	if (why == PL_BK_WHY_NO_CACHE)
		pl_snprintf(out, len, _("no cache directory for %s (%s): set --cache-dir DIR or HOME, or pass --no-cache"),
			    name, first);
	else if (why == PL_BK_WHY_PASSWORD)
		pl_snprintf(out, len, _("wrong password for %s (%s): check --password-file"),
			    pl_bk_where(w), first);
	else if (why == PL_BK_WHY_NO_REPO)
		pl_snprintf(out, len, _("no repository at %s (%s)"), pl_bk_where(w), first);
	else if (why == PL_BK_WHY_CACHE_LOCKED)
		pl_snprintf(out, len, _("borg's cache is locked, by a backup running now? (%s): give the check a --cache-dir of its own"),
			    first);
	else if (why == PL_BK_WHY_LOCKED)
		pl_snprintf(out, len, _("%s is locked (%s)"), pl_bk_where(w), first);
	else if (!rr->exited || rr->status != 0) {
		pl_run_describe(rr, desc, sizeof(desc));
		pl_bk_scrub(desc, w);
		pl_snprintf(out, len, "%s", desc);
	} else {
		pl_snprintf(out, len, _("%s printed no JSON%s%s"), rr->what, first[0] ? ": " : "", first);
		why = PL_BK_WHY_NO_JSON;
	}
	return why;
}

int
pl_bk_run(const struct pl_bk_repo *w, const char *const *argv, const char *cwd,
	  const struct pl_deadline *d, size_t out_cap, struct pl_run_result *rr, char *err,
	  size_t errlen)
{
	struct pl_run_spec sp;
	char *env[ENV_MAX];
	int nenv, rc;

	memset(&sp, 0, sizeof(sp));
	if ((nenv = tool_env(w, env)) < 0) {
		memset(rr, 0, sizeof(*rr));
		pl_snprintf(err, errlen, _("out of memory"));
		return -1;
	}
	sp.argv = argv;
	sp.env = (const char *const *)env;
	sp.out_cap = out_cap;
	sp.err_cap = ERR_CAP;
	sp.deadline = d;
	sp.cwd = cwd;
	rc = pl_run(&sp, rr, err, errlen);
	env_free(env, (size_t)nenv);
	if (rc != 0)
		pl_bk_scrub(err, w);
	return rc;
}
