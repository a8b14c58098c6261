/* pl_dbconns: connection samples and their tightest limit. Contract in pl_dbconns.h. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "pl_buf.h"
#include "pl_dbconns.h"
#include "pl_result.h"

void
pl_db_sample_init(struct pl_db_sample *s)
{
	memset(s, 0, sizeof(*s));
}

static void
groups_free(struct pl_db_group *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

void
pl_db_sample_free(struct pl_db_sample *s)
{
	groups_free(s->dbs, s->ndbs);
	groups_free(s->users, s->nusers);
	pl_db_sample_init(s);
}

struct pl_db_group *
pl_db_group(struct pl_db_group **v, size_t *n, const char *name)
{
	struct pl_db_group *nv;

	/* Servers have tens of databases and users: a linear search is fine. */
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*v)[i].name, name) == 0)
			return &(*v)[i];
	nv = realloc(*v, (*n + 1) * sizeof(*nv));
	if (nv == NULL)
		return NULL;
	*v = nv;
	nv[*n].name = strdup(name);
	if (nv[*n].name == NULL)
		return NULL;
	nv[*n].count = 0;
	nv[*n].limit = -1;
	return &nv[(*n)++];
}

/* Takes the limit (used, limit) when it is tighter than the one in *h. */
static bool
tighter(struct pl_db_headroom *h, long used, long limit, enum pl_db_limit_kind kind)
{
	long left = limit - used < 0 ? 0 : limit - used;
	double pct = limit > 0 ? (double)used * 100.0 / (double)limit : 0;

	if (limit <= 0)
		return false;
	if (h->kind != PL_DBL_NONE && (left > h->left || (left == h->left && pct <= h->pct)))
		return false;
	h->kind = kind;
	h->used = used;
	h->limit = limit;
	h->left = left;
	h->pct = pct;
	h->name = NULL;
	return true;
}

/* The short label of a group's limit: "database NAME's limit", the name cut to 32
 * bytes (where an escape ends) with "..." after it. */
static void
group_label(struct pl_db_headroom *h, const char *kind, const char *name)
{
	char e[33];

	if (pl_name_str(e, sizeof(e), name) != 0)
		pl_snprintf(h->label, sizeof(h->label), "%s %s...'s limit", kind, e);
	else
		pl_snprintf(h->label, sizeof(h->label), "%s %s's limit", kind, e);
}

void
pl_db_tightest(const struct pl_db_sample *s, struct pl_db_headroom *h)
{
	char e[160];     /* a name as texts show it (escaped), cut where an escape ends */

	memset(h, 0, sizeof(*h));
	if (tighter(h, s->count, s->max_connections - s->reserved, PL_DBL_SERVER)) {
		if (s->reserved > 0)
			pl_snprintf(h->what, sizeof(h->what), "max_connections (%ld) - %s",
				    s->max_connections, s->reserved_text);
		else
			pl_snprintf(h->what, sizeof(h->what), "max_connections");
		pl_snprintf(h->label, sizeof(h->label), "max_connections");
	}
	for (size_t i = 0; i < s->ndbs; i++)
		if (tighter(h, s->dbs[i].count, s->dbs[i].limit, PL_DBL_DATABASE)) {
			h->name = s->dbs[i].name;
			pl_name_str(e, sizeof(e), s->dbs[i].name);
			pl_snprintf(h->what, sizeof(h->what), "datconnlimit of database %s", e);
			group_label(h, "database", s->dbs[i].name);
		}
	for (size_t i = 0; i < s->nusers; i++) {
		const struct pl_db_group *u = &s->users[i];
		long limit = s->mysql ? s->user_limit : u->limit;

		if (tighter(h, u->count, limit, s->mysql ? PL_DBL_USER : PL_DBL_ROLE)) {
			h->name = u->name;
			pl_name_str(e, sizeof(e), u->name);
			pl_snprintf(h->what, sizeof(h->what), s->mysql ?
				    "max_user_connections for user %s" : "rolconnlimit of role %s", e);
			group_label(h, s->mysql ? "user" : "role", u->name);
		}
	}
}

enum pl_db_state
pl_db_pg_state(const char *state)
{
	if (strcmp(state, "active") == 0)
		return PL_DBS_ACTIVE;
	if (strcmp(state, "idle") == 0)
		return PL_DBS_IDLE;
	if (strncmp(state, "idle in transaction", 19) == 0)
		return PL_DBS_IDLE_TX;
	return PL_DBS_OTHER;
}
