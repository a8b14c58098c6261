/* pl_dbconns: connection samples and their tightest limit. Contract in pl_dbconns.h. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pl_buf.h"
#include "pl_dbconns.h"
#include "pl_i18n.h"
#include "pl_num.h"
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

/* The short label of a group's limit: "database NAME's limit" (kind 'd', 'u'ser or
 * 'r'ole: a whole phrase each, to translate), the name cut to 32 bytes (where an escape
 * ends) with "..." after it. */
static void
group_label(struct pl_db_headroom *h, char kind, const char *name)
{
	char e[36];

	if (pl_name_str(e, 33, name) != 0)
		pl_strlcpy(e + strlen(e), "...", sizeof(e) - strlen(e));
	pl_snprintf(h->label, sizeof(h->label), kind == 'd' ? _("database %s's limit") :
		    kind == 'u' ? _("user %s's limit") : _("role %s's limit"), e);
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
			/* what is also the fact tightest_limit: English, as JSON gives it. */
			pl_snprintf(h->what, sizeof(h->what), "datconnlimit of database %s", e);
			group_label(h, 'd', s->dbs[i].name);
		}
	for (size_t i = 0; i < s->nusers; i++) {
		const struct pl_db_group *u = &s->users[i];
		bool own = s->mysql && u->limit > 0;
		long limit = s->mysql && !own ? s->user_limit : u->limit;

		if (tighter(h, u->count, limit, s->mysql ? PL_DBL_USER : PL_DBL_ROLE)) {
			h->name = u->name;
			pl_name_str(e, sizeof(e), u->name);
			pl_snprintf(h->what, sizeof(h->what), !s->mysql ? "rolconnlimit of role %s" :
				    own ? "max_user_connections of account %s" :
				    "max_user_connections for user %s", e);
			group_label(h, s->mysql ? 'u' : 'r', u->name);
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

const char *
pl_db_cell(const struct pl_db_rows *t, size_t r, size_t c)
{
	if (r >= t->rows || c >= t->cols)
		return NULL;
	return t->cell[r * t->cols + c];
}

/* A count or a limit: -1 when NULL or not a number in +-1e9. */
static long
cell_long(const struct pl_db_rows *t, size_t r, size_t c)
{
	const char *v = pl_db_cell(t, r, c);
	int64_t n;

	if (v == NULL || pl_parse_i64(v, -1000000000, 1000000000, &n) != 0)
		return -1;
	return (long)n;
}

static const char *
cell_text(const struct pl_db_rows *t, size_t r, size_t c)
{
	const char *v = pl_db_cell(t, r, c);

	return v != NULL ? v : "";
}

static int
oom(char *err, size_t errlen)
{
	pl_snprintf(err, errlen, _("out of memory"));
	return -1;
}

static int
pg_settings(const struct pl_db_rows *t, struct pl_db_sample *s, char *err, size_t errlen)
{
	long reserved, su;

	if (t->rows != 1 || t->cols != 4) {
		pl_snprintf(err, errlen, _("the server's settings came back in an unknown shape"));
		return -1;
	}
	pl_snprintf(s->server, sizeof(s->server), "PostgreSQL %s", cell_text(t, 0, 0));
	s->max_connections = cell_long(t, 0, 1);
	su = cell_long(t, 0, 2);
	reserved = cell_long(t, 0, 3);
	if (s->max_connections <= 0 || su < 0 || reserved < 0) {
		pl_snprintf(err, errlen, _("max_connections, superuser_reserved_connections or "
			    "reserved_connections is not a number"));
		return -1;
	}
	s->reserved = su + reserved;
	if (reserved > 0)
		pl_snprintf(s->reserved_text, sizeof(s->reserved_text),
			    "%ld superuser_reserved_connections - %ld reserved_connections",
			    su, reserved);
	else
		pl_snprintf(s->reserved_text, sizeof(s->reserved_text),
			    "%ld superuser_reserved_connections", su);
	return 0;
}

/* Adds n to the group called name (NULL: none) of *v. */
static int
group_add(struct pl_db_group **v, size_t *nv, const char *name, long n)
{
	struct pl_db_group *g;

	if (name == NULL)
		return 0;
	if ((g = pl_db_group(v, nv, name)) == NULL)
		return -1;
	g->count += n;
	return 0;
}

static int
pg_activity(const struct pl_db_rows *t, struct pl_db_sample *s, char *err, size_t errlen)
{
	if (t->rows > 0 && t->cols != 5) {
		pl_snprintf(err, errlen, _("pg_stat_activity came back in an unknown shape"));
		return -1;
	}
	for (size_t r = 0; r < t->rows; r++) {
		long n = cell_long(t, r, 3);
		const char *state = cell_text(t, r, 2), *age = cell_text(t, r, 4);
		double a;

		if (n < 0) {
			pl_snprintf(err, errlen, _("pg_stat_activity's count is not a number"));
			return -1;
		}
		s->count += n;
		s->states[pl_db_pg_state(state)] += n;
		if (state[0] == '\0')
			s->hidden += n;
		/* Sessions not connected to a database (none for client backends) count for
		 * the server alone. */
		if (group_add(&s->dbs, &s->ndbs, pl_db_cell(t, r, 0), n) != 0 ||
		    group_add(&s->users, &s->nusers, pl_db_cell(t, r, 1), n) != 0)
			return oom(err, errlen);
		if (pl_scan_double(&age, age + strlen(age), &a) == 0 && a > s->oldest_idle_tx &&
		    a < 1e12)
			s->oldest_idle_tx = a;
	}
	return 0;
}

int
pl_db_pg_take(unsigned i, const struct pl_db_rows *t, struct pl_db_sample *s, char *err,
	      size_t errlen)
{
	switch (i) {
	case 0:
		return pg_settings(t, s, err, errlen);
	case 1:
	case 2:
		if (t->rows > 0 && t->cols != 2) {
			pl_snprintf(err, errlen, i == 1 ?
				    _("the databases came back in an unknown shape") :
				    _("the roles came back in an unknown shape"));
			return -1;
		}
		for (size_t r = 0; r < t->rows; r++) {
			struct pl_db_group *g = i == 1 ?
				pl_db_group(&s->dbs, &s->ndbs, cell_text(t, r, 0)) :
				pl_db_group(&s->users, &s->nusers, cell_text(t, r, 0));

			if (g == NULL)
				return oom(err, errlen);
			g->limit = cell_long(t, r, 1);
		}
		return 0;
	case 3:
		return pg_activity(t, s, err, errlen);
	default:
		pl_snprintf(err, errlen, _("an answer more than expected came back"));
		return -1;
	}
}

int
pl_db_my_limits_take(const struct pl_db_rows *t, struct pl_db_sample *s, char *err,
		     size_t errlen)
{
	long own;

	if (t->rows != 1 || t->cols < 3 || (s->max_connections = cell_long(t, 0, 0)) <= 0 ||
	    (s->user_limit = cell_long(t, 0, 1)) < 0) {
		pl_snprintf(err, errlen, _("max_connections or max_user_connections is not a number"));
		return -1;
	}
	s->partial_view = cell_long(t, 0, 2) <= 0;
	/* The session's max_user_connections is this account's own limit where it has one:
	 * known even when mysql.user cannot be read. */
	own = cell_long(t, 0, 4);
	if (t->cols >= 5 && pl_db_cell(t, 0, 3) != NULL && own > 0 && own != s->user_limit) {
		struct pl_db_group *g = pl_db_group(&s->users, &s->nusers, pl_db_cell(t, 0, 3));

		if (g == NULL)
			return oom(err, errlen);
		g->limit = own;
	}
	return 0;
}

int
pl_db_my_status_take(const struct pl_db_rows *t, uint64_t v[PL_MY_NSTATUS], char *err,
		     size_t errlen)
{
	static const char *const names[PL_MY_NSTATUS] = { "Threads_connected", "Threads_running",
							   "Aborted_connects",
							   "Max_used_connections" };
	unsigned seen = 0;

	memset(v, 0, PL_MY_NSTATUS * sizeof(*v));
	for (size_t r = 0; r < t->rows; r++)
		for (int i = 0; i < PL_MY_NSTATUS; i++) {
			const char *name = pl_db_cell(t, r, 0), *val = pl_db_cell(t, r, 1);

			if (name != NULL && val != NULL && strcasecmp(name, names[i]) == 0 &&
			    pl_parse_u64(val, UINT64_MAX, &v[i]) == 0)
				seen |= 1u << i;
		}
	if (seen != (1u << PL_MY_NSTATUS) - 1) {
		pl_snprintf(err, errlen, _("SHOW GLOBAL STATUS lacks Threads_connected, "
			    "Threads_running, Aborted_connects or Max_used_connections"));
		return -1;
	}
	return 0;
}

int
pl_db_my_threads_take(const struct pl_db_rows *t, struct pl_db_sample *s, char *err,
		      size_t errlen)
{
	if (t->rows > 0 && t->cols != 5) {
		pl_snprintf(err, errlen, _("the threads came back in an unknown shape"));
		return -1;
	}
	for (size_t r = 0; r < t->rows; r++) {
		long n = cell_long(t, r, 3), age = cell_long(t, r, 4);
		const char *st = pl_db_cell(t, r, 2);
		enum pl_db_state state = st == NULL ? PL_DBS_OTHER :
			strcmp(st, "active") == 0 ? PL_DBS_ACTIVE :
			strcmp(st, "idle") == 0 ? PL_DBS_IDLE : PL_DBS_IDLE_TX;

		if (n < 0)
			continue;
		s->states[state] += n;
		if (age > s->oldest_idle_tx)
			s->oldest_idle_tx = (double)age;
		if (group_add(&s->dbs, &s->ndbs, pl_db_cell(t, r, 1), n) != 0 ||
		    group_add(&s->users, &s->nusers, pl_db_cell(t, r, 0), n) != 0)
			return oom(err, errlen);
	}
	return 0;
}

int
pl_db_my_accounts_take(const struct pl_db_rows *t, struct pl_db_sample *s, char *err,
		       size_t errlen)
{
	if (t->rows > 0 && t->cols != 2) {
		pl_snprintf(err, errlen, _("mysql.user came back in an unknown shape"));
		return -1;
	}
	for (size_t r = 0; r < t->rows; r++) {
		long limit = cell_long(t, r, 1);
		struct pl_db_group *g;

		if (pl_db_cell(t, r, 0) == NULL || limit <= 0)
			continue;
		if ((g = pl_db_group(&s->users, &s->nusers, pl_db_cell(t, r, 0))) == NULL)
			return oom(err, errlen);
		if (g->limit <= 0 || limit < g->limit)
			g->limit = limit;
	}
	s->accounts_read = true;
	return 0;
}

void
pl_db_reply_free(struct pl_db_reply *r)
{
	free(r->cells);
	free(r->text);
	memset(r, 0, sizeof(*r));
}

int
pl_db_reply_parse(const char *buf, size_t len, struct pl_db_reply *out, char *err,
		  size_t errlen)
{
	size_t ncells = 0, cap = 0, lineno = 0, start[PL_DB_REPLY_MAX];
	char *p, *end;

	memset(out, 0, sizeof(*out));
	if ((out->text = malloc(len + 1)) == NULL)
		return oom(err, errlen);
	memcpy(out->text, buf, len);
	out->text[len] = '\0';
	p = out->text;
	end = p + len;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p)), *le = nl != NULL ? nl : end;
		struct pl_db_rows *set = out->n > 0 ? &out->set[out->n - 1] : NULL;
		size_t k = 0;

		lineno++;
		if (memchr(p, '\0', (size_t)(le - p)) != NULL) {
			pl_snprintf(err, errlen, _("line %zu: a NUL byte"), lineno);
			goto bad;
		}
		*le = '\0';
		if (p[0] == '#' || (p == le && set == NULL)) {
			p = le + 1;
			continue;
		}
		if (p[0] == '=') {
			uint64_t cols;

			if (out->n == PL_DB_REPLY_MAX) {
				pl_snprintf(err, errlen, _("line %zu: more than %d result sets"), lineno,
					    PL_DB_REPLY_MAX);
				goto bad;
			}
			if (p[1] != ' ' || pl_parse_u64(p + 2, 16, &cols) != 0 || cols == 0) {
				pl_snprintf(err, errlen, _("line %zu: not \"= COLUMNS\" (1 to 16)"),
					    lineno);
				goto bad;
			}
			start[out->n] = ncells;
			out->set[out->n++].cols = (size_t)cols;
			p = le + 1;
			continue;
		}
		if (set == NULL) {
			pl_snprintf(err, errlen, _("line %zu: a row before \"= COLUMNS\""), lineno);
			goto bad;
		}
		if (ncells + set->cols > cap) {
			size_t nc = cap * 2 + set->cols + 16;
			const char **v = realloc(out->cells, nc * sizeof(*v));

			if (v == NULL) {
				oom(err, errlen);
				goto bad;
			}
			out->cells = v;
			cap = nc;
		}
		for (char *c = p;; k++) {
			char *tab = strchr(c, '\t');

			if (k == set->cols) {
				pl_snprintf(err, errlen, _("line %zu: more than %zu cells"), lineno,
					    set->cols);
				goto bad;
			}
			if (tab != NULL)
				*tab = '\0';
			out->cells[ncells + k] = strcmp(c, "\\N") == 0 ? NULL : c;
			if (tab == NULL)
				break;
			c = tab + 1;
		}
		if (k + 1 != set->cols) {
			pl_snprintf(err, errlen, _("line %zu: %zu cells, not %zu"), lineno, k + 1,
				    set->cols);
			goto bad;
		}
		ncells += set->cols;
		set->rows++;
		p = le + 1;
	}
	for (size_t i = 0; i < out->n; i++)
		out->set[i].cell = out->cells != NULL ? out->cells + start[i] : NULL;
	return 0;
bad:
	pl_db_reply_free(out);
	return -1;
}
