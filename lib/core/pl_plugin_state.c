/* pl_plugin_state: pl_plugin's glue to the state store (pl_plugin_store_load, _save and
 * _close, declared in pl_plugin.h), in an object of its own: a plugin that keeps no state
 * links no pl_store code (tests/links.sh checks it with nm). */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#include "pl_i18n.h"
#include "pl_buf.h"
#include "pl_deadline.h"
#include "pl_file.h"
#include "pl_plugin.h"
#include "pl_plugin_int.h"
#include "pl_timeout.h"

static const struct pl_plugin *cur;   /* the plugin this process runs */
static char state_path[4096];         /* the state directory in use, for messages */

/* Seconds left before the process deadline (the whole --timeout when it was not armed
 * yet). */
static double
time_left(const struct pl_common *c)
{
	double left = pl_deadline_left(NULL);

	return isinf(left) ? c->timeout : left;
}

/* Why this run could not take the state lock, when something is in its place. */
static char lock_problem[1200];

enum pl_store_status
pl_plugin_store_load(const struct pl_common *c, struct pl_store *st)
{
	char path[4096], err[1024], boot[64], key[sizeof(c->state_key)];
	enum pl_store_status rc;
	double wait;

	cur = pl_plugin_current();
	if (c->state_key[0] != '\0') {
		pl_strlcpy(key, c->state_key, sizeof(key));
	} else {
		size_t len;
		const char *text = pl_plugin_key_text(&len);

		pl_store_key_hash(text, len, key, sizeof(key));
	}
	pl_store_init(st, cur->name, key);
	pl_timeout_waiting(_("opening the state directory"));
	if (c->state_dir == NULL && pl_privileged() && getenv("PLUMBLINE_STATE_DIR") != NULL)
		pl_debug(c, 1, "PLUMBLINE_STATE_DIR ignored: a privileged run takes the default state directory");
	st->dirfd = pl_store_dir_open(c->state_dir, path, sizeof(path), err, sizeof(err));
	if (st->dirfd < 0)
		pl_die(PL_UNKNOWN, "%s", err);
	pl_strlcpy(state_path, path, sizeof(state_path));
	/* One run at a time from load to save, so that two runs never both take the same
	 * interval (or, for a cursor, the same lines). A run holds it for milliseconds;
	 * one that waited most of its deadline gives up with the timeout's state. */
	pl_timeout_waiting(_("waiting for the lock on the state file (another run of this check holds it)"));
	wait = time_left(c) * 0.75;
	st->lockfd = pl_store_lock(st->dirfd, st, wait, err, sizeof(err));
	if (st->lockfd < 0 && errno == EWOULDBLOCK)
		pl_die(c->timeout_state, _("%s in %s; is a run of it hung?"), err, path);
	/* Something in the lock's place: the runs are not kept apart, which the save says
	 * after the figures. A directory this user cannot write to: no save will follow
	 * either, and the save says what is wrong. */
	lock_problem[0] = '\0';
	if (st->lockfd < 0 && errno == EEXIST)
		pl_snprintf(lock_problem, sizeof(lock_problem), _("in %s, %s: remove it (until "
			    "then two runs of this check may take the same interval)"), path, err);
	if (st->lockfd < 0)
		pl_debug(c, 1, "%s: going on without the lock", err);
	pl_boot_id(c->root, boot, sizeof(boot));
	pl_timeout_waiting(_("reading the state file"));
	/* A file too big to read in half the time left is dropped and replaced, never a
	 * wedge that times out every run before the save that would mend it. */
	rc = pl_store_load(st->dirfd, st, boot, time_left(c) * 0.5, err, sizeof(err));
	/* The save writes this boot's id: read once, here. */
	pl_strlcpy(st->boot_id, boot, sizeof(st->boot_id));
	pl_debug(c, 1, "state %s/%s-%s.state: %s", path, cur->name, st->key,
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
	char err[1024] = "";

	(void)c;     /* the state directory and key came with the load */
	if (lock_problem[0] != '\0')
		pl_result_finding(r, PL_UNKNOWN, "%s", lock_problem);
	pl_timeout_waiting(_("writing the state file"));
	if (pl_store_save(st->dirfd, st, err, sizeof(err)) != 0 && errno == EISDIR)
		pl_result_finding(r, PL_UNKNOWN, _("%s/%s-%s.state is a directory, not a state file: remove it (until then no run can compute rates)"),
				  state_path, st->plugin, st->key);
	else if (err[0] != '\0')
		pl_result_finding(r, PL_UNKNOWN,
				  _("%s in %s; the next run cannot compute rates (make it writable by this user or set --state-dir)"),
				  err, state_path);
	pl_plugin_store_close(st);
}
