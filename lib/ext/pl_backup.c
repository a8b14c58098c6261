/* pl_backup: restic and borg listings, locks and job status lines as data. See
 * pl_backup.h for the contracts. */
#include "config.h"

#include <fnmatch.h>
#include <math.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pl_backup.h"
#include "pl_buf.h"
#include "pl_i18n.h"
#include "pl_json.h"
#include "pl_num.h"
#include "pl_text.h"

static void
bk_free(struct pl_bk *b)
{
	free(b->id);
	free(b->name);
	free(b->host);
	free(b->tree);
	for (size_t i = 0; i < b->ntags; i++)
		free(b->tags[i]);
	for (size_t i = 0; i < b->npaths; i++)
		free(b->paths[i]);
	free(b->tags);
	free(b->paths);
	memset(b, 0, sizeof(*b));
}

void
pl_bk_list_free(struct pl_bk_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		bk_free(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static char *
dup_or_null(const char *s, bool *bad)
{
	char *d;

	if (s == NULL)
		return NULL;
	d = strdup(s);
	if (d == NULL)
		*bad = true;
	return d;
}

static char **
dup_vec(char *const *v, size_t n, bool *bad)
{
	char **d;

	if (n == 0)
		return NULL;
	d = calloc(n, sizeof(*d));
	if (d == NULL) {
		*bad = true;
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		d[i] = dup_or_null(v[i], bad);
	return d;
}

int
pl_bk_list_add(struct pl_bk_list *l, const struct pl_bk *b)
{
	struct pl_bk c;
	bool bad = false;

	if (l->n >= PL_BK_MAX)
		return -1;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct pl_bk *v = realloc(l->v, cap * sizeof(*v));

		if (v == NULL)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	c = *b;
	c.id = dup_or_null(b->id ? b->id : "", &bad);
	c.name = dup_or_null(b->name ? b->name : "", &bad);
	c.host = dup_or_null(b->host ? b->host : "", &bad);
	c.tree = dup_or_null(b->tree, &bad);
	c.tags = dup_vec(b->tags, b->ntags, &bad);
	c.paths = dup_vec(b->paths, b->npaths, &bad);
	if (bad) {
		c.ntags = c.tags ? c.ntags : 0;
		c.npaths = c.paths ? c.npaths : 0;
		bk_free(&c);
		return -1;
	}
	l->v[l->n++] = c;
	return 0;
}

/* A string member of at most PL_BK_FIELD_MAX bytes without a NUL, else NULL. */
static const char *
field(struct json_object *o, const char *key)
{
	const char *s = pl_json_str(o, key);
	struct json_object *v = pl_json_get(o, key);

	if (s == NULL || v == NULL)
		return NULL;
	if ((size_t)json_object_get_string_len(v) > PL_BK_FIELD_MAX ||
	    strlen(s) != (size_t)json_object_get_string_len(v))
		return NULL;
	return s;
}

/* The strings of array member key (missing or null: none). Returns 0, or -1 when it
 * is something else or holds a non-string. v holds borrowed pointers. */
static int
str_vec(struct json_object *o, const char *key, const char **v, size_t *n)
{
	struct json_object *a = pl_json_get(o, key);
	size_t len;

	*n = 0;
	if (a == NULL || json_object_is_type(a, json_type_null))
		return 0;
	if (!json_object_is_type(a, json_type_array))
		return -1;
	len = json_object_array_length(a);
	if (len > PL_BK_VEC_MAX)
		return -1;
	for (size_t i = 0; i < len; i++) {
		struct json_object *e = json_object_array_get_idx(a, i);

		if (!json_object_is_type(e, json_type_string) ||
		    (size_t)json_object_get_string_len(e) > PL_BK_FIELD_MAX ||
		    strlen(json_object_get_string(e)) != (size_t)json_object_get_string_len(e))
			return -1;
		v[(*n)++] = json_object_get_string(e);
	}
	return 0;
}

static void
skip(struct pl_bk_list *l, size_t i, const char *why)
{
	if (l->skipped++ == 0)
		pl_snprintf(l->first_bad, sizeof(l->first_bad), _("entry %zu: %s"), i + 1, why);
}

/* A non-negative whole number member as a double, or NAN. */
static double
count_of(struct json_object *o, const char *key)
{
	int64_t v;

	if (o == NULL || pl_json_int(o, key, &v) != 0 || v < 0)
		return NAN;
	return (double)v;
}

static int
restic_one(struct json_object *s, size_t i, struct pl_bk_list *out)
{
	const char *tags[PL_BK_VEC_MAX], *paths[PL_BK_VEC_MAX];
	const char *t = field(s, "time"), *id = field(s, "id"), *host = field(s, "hostname");
	struct json_object *sum = pl_json_obj(s, "summary");
	struct pl_bk b;
	char why[96];

	memset(&b, 0, sizeof(b));
	if (!json_object_is_type(s, json_type_object)) {
		skip(out, i, _("not an object"));
		return 0;
	}
	if (t == NULL || pl_rfc3339_parse(t, strlen(t), &b.time, why, sizeof(why)) != 0) {
		skip(out, i, _("no valid \"time\""));
		return 0;
	}
	if (id == NULL || id[0] == '\0' || host == NULL) {
		skip(out, i, id == NULL || id[0] == '\0' ? _("no \"id\"") : _("no \"hostname\""));
		return 0;
	}
	if (str_vec(s, "tags", tags, &b.ntags) != 0 || str_vec(s, "paths", paths, &b.npaths) != 0) {
		skip(out, i, "\"tags\" or \"paths\" is not a list of names");
		return 0;
	}
	b.id = (char *)id;
	b.name = (char *)(field(s, "short_id") ? field(s, "short_id") : id);
	b.host = (char *)host;
	b.tree = (char *)field(s, "tree");
	b.tags = (char **)tags;
	b.paths = (char **)paths;
	b.size = count_of(sum, "total_bytes_processed");
	b.files = count_of(sum, "total_files_processed");
	return pl_bk_list_add(out, &b);
}

static int borg_one(struct json_object *a, size_t i, struct pl_bk_list *out);

static int
list_parse(const char *buf, size_t len, struct pl_bk_list *out, bool borg, char *err,
	   size_t errlen)
{
	struct json_object *doc, *arr;
	char why[160];
	int rc = -1;

	memset(out, 0, sizeof(*out));
	doc = pl_json_parse(buf, len, why, sizeof(why));
	if (doc == NULL) {
		pl_snprintf(err, errlen, _("not JSON: %s"), why);
		return -1;
	}
	arr = borg ? pl_json_arr(doc, "archives") : doc;
	if (arr == NULL || !json_object_is_type(arr, json_type_array)) {
		pl_snprintf(err, errlen, "%s", borg ? _("no \"archives\" list in the JSON") :
			    _("the JSON is not a list of snapshots"));
		goto end;
	}
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *e = json_object_array_get_idx(arr, i);
		int r;

		r = borg ? borg_one(e, i, out) : restic_one(e, i, out);
		if (r != 0) {
			pl_snprintf(err, errlen, out->n >= PL_BK_MAX ?
				    "more than %d backups listed" : "out of memory", PL_BK_MAX);
			pl_bk_list_free(out);
			goto end;
		}
	}
	rc = 0;
end:
	json_object_put(doc);
	return rc;
}

int
pl_restic_snapshots_parse(const char *buf, size_t len, struct pl_bk_list *out, char *err,
			  size_t errlen)
{
	return list_parse(buf, len, out, false, err, errlen);
}

/* "name.checkpoint" or "name.checkpoint.N". */
static bool
is_checkpoint(const char *name)
{
	const char *p = strstr(name, ".checkpoint");

	while (p != NULL) {
		const char *q = p + strlen(".checkpoint");

		if (*q == '\0')
			return true;
		if (*q == '.' && q[1] != '\0' && strspn(q + 1, "0123456789") == strlen(q + 1))
			return true;
		p = strstr(p + 1, ".checkpoint");
	}
	return false;
}

/* Borg's naive "YYYY-MM-DDTHH:MM:SS[.ffffff]", read as UTC (borg runs with TZ=UTC). */
static int
borg_time(const char *s, struct pl_time *t)
{
	char tmp[64], why[96];
	size_t n = strlen(s);

	if (n == 0 || n > 40)
		return -1;
	if (s[n - 1] == 'Z' || s[n - 1] == 'z' || (n > 6 && (s[n - 6] == '+' || s[n - 6] == '-')))
		return pl_rfc3339_parse(s, n, t, why, sizeof(why));
	pl_snprintf(tmp, sizeof(tmp), "%sZ", s);
	return pl_rfc3339_parse(tmp, n + 1, t, why, sizeof(why));
}

static int
borg_one(struct json_object *a, size_t i, struct pl_bk_list *out)
{
	const char *name = field(a, "name"), *id = field(a, "id"), *host = field(a, "hostname");
	const char *t = field(a, "time") ? field(a, "time") : field(a, "start");
	struct json_object *st = pl_json_obj(a, "stats");
	struct pl_bk b;

	memset(&b, 0, sizeof(b));
	if (!json_object_is_type(a, json_type_object)) {
		skip(out, i, _("not an object"));
		return 0;
	}
	if (name == NULL)
		name = field(a, "archive");
	if (name == NULL || name[0] == '\0') {
		skip(out, i, "no \"name\"");
		return 0;
	}
	if (t == NULL || borg_time(t, &b.time) != 0) {
		skip(out, i, _("no valid \"time\""));
		return 0;
	}
	b.id = (char *)(id ? id : name);
	b.name = (char *)name;
	b.host = (char *)(host ? host : "");
	b.checkpoint = is_checkpoint(name);
	b.size = count_of(st, "original_size");
	b.files = count_of(st, "nfiles");
	return pl_bk_list_add(out, &b);
}

int
pl_borg_list_parse(const char *buf, size_t len, struct pl_bk_list *out, char *err,
		   size_t errlen)
{
	return list_parse(buf, len, out, true, err, errlen);
}

int
pl_borg_info_parse(const char *buf, size_t len, struct pl_borg_stat *out, size_t max,
		   char *err, size_t errlen)
{
	struct json_object *doc, *arr;
	char why[160];
	size_t n = 0, k;

	doc = pl_json_parse(buf, len, why, sizeof(why));
	if (doc == NULL) {
		pl_snprintf(err, errlen, _("not JSON: %s"), why);
		return -1;
	}
	arr = pl_json_arr(doc, "archives");
	if (arr == NULL) {
		pl_snprintf(err, errlen, _("no \"archives\" in borg info's output"));
		json_object_put(doc);
		return -1;
	}
	k = json_object_array_length(arr);
	for (size_t i = 0; i < k && n < max; i++) {
		struct json_object *a = json_object_array_get_idx(arr, i);
		struct json_object *stats = pl_json_obj(a, "stats");
		const char *name = pl_json_str(a, "name");
		double size, files;

		if (stats == NULL || name == NULL || name[0] == '\0' ||
		    strlen(name) >= sizeof(out[n].name) ||
		    pl_json_num(stats, "original_size", &size) != 0 || size < 0 ||
		    pl_json_num(stats, "nfiles", &files) != 0 || files < 0)
			continue;
		pl_strlcpy(out[n].name, name, sizeof(out[n].name));
		out[n].size = size;
		out[n].files = files;
		n++;
	}
	json_object_put(doc);
	return (int)n;
}

int
pl_restic_lock_parse(const char *buf, size_t len, struct pl_bk_lock *out, char *err,
		     size_t errlen)
{
	struct json_object *doc;
	const char *t, *h;
	char why[160];
	int64_t pid = 0;
	bool ex = false;

	memset(out, 0, sizeof(*out));
	doc = pl_json_parse(buf, len, why, sizeof(why));
	if (doc == NULL) {
		pl_snprintf(err, errlen, _("not JSON: %s"), why);
		return -1;
	}
	if (!json_object_is_type(doc, json_type_object)) {
		pl_snprintf(err, errlen, _("the lock is not a JSON object"));
		json_object_put(doc);
		return -1;
	}
	t = field(doc, "time");
	h = field(doc, "hostname");
	if (t != NULL && pl_rfc3339_parse(t, strlen(t), &out->time, why, sizeof(why)) == 0)
		out->has_time = true;
	if (h != NULL)
		pl_strlcpy(out->host, h, sizeof(out->host));
	if (pl_json_int(doc, "pid", &pid) == 0 && pid > 0 && pid <= INT32_MAX)
		out->pid = pid;
	if (pl_json_bool(doc, "exclusive", &ex) == 0)
		out->exclusive = ex;
	json_object_put(doc);
	if (!out->has_time && out->pid == 0) {
		pl_snprintf(err, errlen, _("the lock has neither a time nor a pid"));
		return -1;
	}
	return 0;
}

/* Sets lk's id to the n bytes at s, and its host to the part before the last '@'. */
static void
borg_id(struct pl_bk_lock *lk, const char *s, size_t n)
{
	const char *at;

	pl_snprintf(lk->id, sizeof(lk->id), "%.*s", (int)n, s);
	at = strrchr(lk->id, '@');
	pl_snprintf(lk->host, sizeof(lk->host), "%.*s",
		    (int)(at != NULL ? (size_t)(at - lk->id) : strlen(lk->id)), lk->id);
}

/* Adds the entries of roster member key ([["FQDN@NODE", pid, thread], ...]). */
static int
roster_part(struct json_object *doc, const char *key, bool ex, struct pl_bk_lock *out,
	    size_t max, size_t *n)
{
	struct json_object *a = pl_json_get(doc, key);

	if (a == NULL || json_object_is_type(a, json_type_null))
		return 0;
	if (!json_object_is_type(a, json_type_array))
		return -1;
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		struct json_object *e = json_object_array_get_idx(a, i);
		struct json_object *h, *p;
		int64_t pid;

		if (!json_object_is_type(e, json_type_array) || json_object_array_length(e) < 2)
			return -1;
		h = json_object_array_get_idx(e, 0);
		p = json_object_array_get_idx(e, 1);
		if (!json_object_is_type(h, json_type_string) ||
		    !json_object_is_type(p, json_type_int))
			return -1;
		pid = json_object_get_int64(p);
		if (*n >= max)
			continue;
		memset(&out[*n], 0, sizeof(out[*n]));
		borg_id(&out[*n], json_object_get_string(h),
			(size_t)json_object_get_string_len(h));
		out[*n].pid = pid > 0 && pid <= INT32_MAX ? pid : 0;
		out[*n].exclusive = ex;
		(*n)++;
	}
	return 0;
}

int
pl_borg_roster_parse(const char *buf, size_t len, struct pl_bk_lock *out, size_t max,
		     char *err, size_t errlen)
{
	struct json_object *doc;
	char why[160];
	size_t n = 0;
	int rc;

	doc = pl_json_parse(buf, len, why, sizeof(why));
	if (doc == NULL) {
		pl_snprintf(err, errlen, _("not JSON: %s"), why);
		return -1;
	}
	rc = json_object_is_type(doc, json_type_object) ? 0 : -1;
	if (rc == 0)
		rc = roster_part(doc, "exclusive", true, out, max, &n);
	if (rc == 0)
		rc = roster_part(doc, "shared", false, out, max, &n);
	json_object_put(doc);
	if (rc != 0) {
		pl_snprintf(err, errlen, _("the lock roster is not borg's {\"exclusive\": [[host, pid, thread]]}"));
		return -1;
	}
	return (int)n;
}

int
pl_borg_lockname_parse(const char *name, struct pl_bk_lock *out)
{
	const char *dash = strrchr(name, '-'), *dot;
	uint64_t pid;

	memset(out, 0, sizeof(*out));
	/* "ID.PID-THREAD", split from the right as borg does: the id may hold both. */
	if (dash == NULL || dash[1] == '\0' || strspn(dash + 1, "0123456789abcdef") != strlen(dash + 1))
		return -1;
	for (dot = dash; dot > name && dot[-1] != '.'; dot--)
		;
	if (dot == name || dot == dash || dot - 1 == name)
		return -1;
	{
		char num[24];

		if ((size_t)(dash - dot) >= sizeof(num))
			return -1;
		pl_snprintf(num, sizeof(num), "%.*s", (int)(dash - dot), dot);
		if (strspn(num, "0123456789") != strlen(num) ||
		    pl_parse_u64(num, INT32_MAX, &pid) != 0 || pid == 0)
			return -1;	/* no process has pid 0: not a lock borg wrote */
	}
	borg_id(out, name, (size_t)(dot - 1 - name));
	out->pid = (int64_t)pid;
	out->exclusive = true;
	return 0;
}

/* The node of a borg host id ("FQDN@NODE", NODE decimal); false when it has none. */
static bool
borg_node(const char *id, uint64_t *node)
{
	const char *at = strrchr(id, '@');

	if (at == NULL || at[1] == '\0' || strlen(at + 1) > 15 ||
	    strspn(at + 1, "0123456789") != strlen(at + 1))
		return false;
	return pl_parse_u64(at + 1, (UINT64_C(1) << 48) - 1, node) == 0;
}

bool
pl_borg_lock_here(const struct pl_bk_lock *lk, const struct pl_bk_self *self)
{
	const char *name = lk->host, *dot;
	size_t shortlen;
	uint64_t node;
	bool same;

	if (self->host_id != NULL && self->host_id[0] != '\0')
		return strcmp(lk->id, self->host_id) == 0;
	if (name[0] == '\0' || self->hostname == NULL || self->hostname[0] == '\0')
		return false;
	dot = strchr(self->hostname, '.');
	shortlen = dot != NULL ? (size_t)(dot - self->hostname) : strlen(self->hostname);
	same = strcasecmp(name, self->hostname) == 0 ||
	       (self->fqdn != NULL && self->fqdn[0] != '\0' && strcasecmp(name, self->fqdn) == 0) ||
	       (strchr(name, '.') == NULL && strlen(name) == shortlen &&
		strncasecmp(name, self->hostname, shortlen) == 0);
	if (!same)
		return false;
	/* A random node (multicast bit set: no MAC was found) says nothing; a real one
	 * tells this host from another one of the same name (a cloned VM). */
	if (!borg_node(lk->id, &node) || (node & (UINT64_C(1) << 40)) != 0 || self->nnodes == 0)
		return true;
	for (size_t i = 0; i < self->nnodes; i++)
		if (self->nodes[i] == node)
			return true;
	return false;
}

/* Copies text into out with control bytes as '?'. */
static void
clean_copy(char *out, size_t outlen, const char *s, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n && k + 1 < outlen; i++)
		out[k++] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	out[k] = '\0';
}

static int
status_json(const char *ls, size_t n, struct pl_bk_status *out, char *err, size_t errlen)
{
	struct json_object *doc = pl_json_parse(ls, n, NULL, 0);
	const char *t, *c, *m;
	int64_t code;
	char why[96];
	int rc = -1;

	if (doc == NULL || !json_object_is_type(doc, json_type_object)) {
		pl_snprintf(err, errlen, _("is not one JSON object"));
		goto end;
	}
	t = pl_json_str(doc, "time");
	if (t == NULL || pl_rfc3339_parse(t, strlen(t), &out->time, why, sizeof(why)) != 0) {
		pl_snprintf(err, errlen, _("has no RFC 3339 \"time\""));
		goto end;
	}
	if (pl_json_int(doc, "exit", &code) != 0 || code < 0 || code > 255) {
		pl_snprintf(err, errlen, _("has no \"exit\" from 0 to 255"));
		goto end;
	}
	out->exit = (int)code;
	if ((c = pl_json_str(doc, "class")) != NULL)
		clean_copy(out->cls, sizeof(out->cls), c, strlen(c));
	if ((m = pl_json_str(doc, "message")) != NULL)
		clean_copy(out->message, sizeof(out->message), m, strlen(m));
	rc = 0;
end:
	json_object_put(doc);
	return rc;
}

static int
status_plain(const char *ls, const char *le, struct pl_bk_status *out, char *err,
	     size_t errlen)
{
	const char *p = ls, *w;
	char why[96];
	int64_t code;
	char num[8];

	while (p < le && *p != ' ' && *p != '\t')
		p++;
	if (pl_rfc3339_parse(ls, (size_t)(p - ls), &out->time, why, sizeof(why)) != 0) {
		pl_snprintf(err, errlen, _("does not start with an RFC 3339 time"));
		return -1;
	}
	pl_skip_blanks(&p, le);
	if ((size_t)(le - p) < 6 || memcmp(p, "exit=", 5) != 0) {
		pl_snprintf(err, errlen, _("has no exit=N after the time"));
		return -1;
	}
	p += 5;
	for (w = p; w < le && *w >= '0' && *w <= '9'; w++)
		;
	if (w == p || w - p > 3 || (w < le && *w != ' ' && *w != '\t')) {
		pl_snprintf(err, errlen, _("has no exit=N from 0 to 255"));
		return -1;
	}
	pl_snprintf(num, sizeof(num), "%.*s", (int)(w - p), p);
	if (pl_parse_i64(num, 0, 255, &code) != 0) {
		pl_snprintf(err, errlen, _("has no exit=N from 0 to 255"));
		return -1;
	}
	out->exit = (int)code;
	p = w;
	pl_skip_blanks(&p, le);
	if ((size_t)(le - p) > 6 && memcmp(p, "class=", 6) == 0) {
		p += 6;
		for (w = p; w < le && *w != ' ' && *w != '\t'; w++)
			;
		clean_copy(out->cls, sizeof(out->cls), p, (size_t)(w - p));
		p = w;
		pl_skip_blanks(&p, le);
	}
	clean_copy(out->message, sizeof(out->message), p, (size_t)(le - p));
	return 0;
}

int
pl_bk_status_parse(const char *buf, size_t len, struct pl_bk_status *out, char *err,
		   size_t errlen)
{
	const char *ls, *le, *last_s = NULL, *last_e = NULL;
	struct pl_lines it;
	size_t lineno = 0, last_no = 0;
	char why[96];
	bool cut;

	memset(out, 0, sizeof(*out));
	pl_lines_init(&it, buf, len);
	while (pl_lines_next(&it, &ls, &le, &cut)) {
		lineno++;
		while (ls < le && (*ls == ' ' || *ls == '\t'))
			ls++;
		while (le > ls && (le[-1] == ' ' || le[-1] == '\t' || le[-1] == '\r'))
			le--;
		if (le > ls) {
			last_s = ls;
			last_e = le;
			last_no = lineno;
		}
	}
	if (last_s == NULL)
		return 1;
	out->lineno = last_no;
	if (memchr(last_s, '\0', (size_t)(last_e - last_s)) != NULL) {
		pl_snprintf(err, errlen, _("line %zu holds a NUL byte"), last_no);
		return -1;
	}
	if ((*last_s == '{' ? status_json(last_s, (size_t)(last_e - last_s), out, why,
					  sizeof(why)) :
	     status_plain(last_s, last_e, out, why, sizeof(why))) != 0) {
		pl_snprintf(err, errlen, _("line %zu %s (expected 'TIME exit=N [class=NAME] [text]' or a JSON object with time and exit)"),
			    last_no, why);
		return -1;
	}
	return 0;
}

int
pl_bk_match_parse(char *text, struct pl_bk_match *m, char *err, size_t errlen)
{
	char *p = text;

	memset(m, 0, sizeof(*m));
	if (strcmp(text, "any") == 0) {
		m->any = true;
		return 0;
	}
	while (p != NULL && *p != '\0') {
		char *comma = strchr(p, ',');
		char *colon = strchr(p, ':');

		if (comma != NULL)
			*comma = '\0';
		if (colon == NULL || colon[1] == '\0') {
			pl_snprintf(err, errlen, _("a condition is not KIND:VALUE (kinds: tag, host, path, name, regex; or 'any')"));
			return -1;
		}
		*colon = '\0';
		if (strcmp(p, "tag") == 0)
			m->tag = colon + 1;
		else if (strcmp(p, "host") == 0)
			m->host = colon + 1;
		else if (strcmp(p, "path") == 0)
			m->path = colon + 1;
		else if (strcmp(p, "name") == 0)
			m->name = colon + 1;
		else if (strcmp(p, "regex") == 0)
			m->regex = colon + 1;
		else {
			pl_snprintf(err, errlen, _("unknown condition kind (kinds: tag, host, path, name, regex; or 'any')"));
			return -1;
		}
		p = comma ? comma + 1 : NULL;
	}
	if (m->tag == NULL && m->host == NULL && m->path == NULL && m->name == NULL &&
	    m->regex == NULL) {
		pl_snprintf(err, errlen, _("the rule is empty (give tag:T, host:H, path:P, name:GLOB, regex:RE or 'any')"));
		return -1;
	}
	return 0;
}

bool
pl_bk_match(const struct pl_bk_match *m, const struct pl_bk *b)
{
	bool hit;

	if (m->any)
		return true;
	if (m->tag != NULL) {
		hit = false;
		for (size_t i = 0; i < b->ntags && !hit; i++)
			hit = strcmp(b->tags[i], m->tag) == 0;
		if (!hit)
			return false;
	}
	if (m->host != NULL && fnmatch(m->host, b->host, 0) != 0)
		return false;
	if (m->path != NULL) {
		hit = false;
		for (size_t i = 0; i < b->npaths && !hit; i++)
			hit = fnmatch(m->path, b->paths[i], 0) == 0;
		if (!hit)
			return false;
	}
	if (m->name != NULL && fnmatch(m->name, b->name, 0) != 0)
		return false;
	if (m->re != NULL && regexec((const regex_t *)m->re, b->name, 0, NULL, 0) != 0)
		return false;
	return true;
}

static bool
newer(const struct pl_bk *a, const struct pl_bk *b)
{
	return a->time.sec > b->time.sec ||
	       (a->time.sec == b->time.sec && a->time.nsec > b->time.nsec);
}

long
pl_bk_latest(const struct pl_bk_list *l, const bool *take, const char *host, long *prev,
	     size_t *count)
{
	long best = -1, second = -1;

	*count = 0;
	for (size_t i = 0; i < l->n; i++) {
		const struct pl_bk *b = &l->v[i];

		if ((take != NULL && !take[i]) || b->checkpoint ||
		    (host != NULL && strcmp(b->host, host) != 0))
			continue;
		(*count)++;
		if (best < 0 || newer(b, &l->v[best])) {
			second = best;
			best = (long)i;
		} else if (second < 0 || newer(b, &l->v[second])) {
			second = (long)i;
		}
	}
	*prev = second;
	return best;
}

static bool
same_paths(const struct pl_bk *a, const struct pl_bk *b)
{
	if (a->npaths != b->npaths)
		return false;
	for (size_t i = 0; i < a->npaths; i++)
		if (strcmp(a->paths[i], b->paths[i]) != 0)
			return false;
	return true;
}

bool
pl_bk_same(const struct pl_bk *b, const struct pl_bk *copy)
{
	/* restic copy keeps a snapshot's time, host and paths (and its tree when both
	 * repositories chunk alike); the same tree at another time is another snapshot. */
	if (b->tree != NULL && copy->tree != NULL)
		return strcmp(b->host, copy->host) == 0 && b->time.sec == copy->time.sec &&
		       (strcmp(b->tree, copy->tree) == 0 || same_paths(b, copy));
	if (strcmp(b->name, copy->name) != 0)
		return false;
	return isnan(b->size) || isnan(copy->size) || b->size == copy->size;
}
