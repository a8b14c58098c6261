/* pl_drill: the drill journal, the listings a drill samples from, manifests (see
 * pl_drill.h). */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pl_drill.h"
#include "pl_i18n.h"
#include "pl_json.h"
#include "pl_num.h"
#include "pl_result.h"
#include "pl_text.h"

/* ---- the journal ---- */

static void
take_str(struct json_object *o, const char *key, char *out, size_t len)
{
	const char *s = pl_json_str(o, key);

	out[0] = '\0';
	if (s == NULL)
		return;
	pl_strlcpy(out, s, len);
	/* Control bytes never reach a status line, and a byte that is not part of valid
	 * UTF-8 (or a sequence the cut above split) is a '?', so that what is written back
	 * (pl_json_string) reads back the same. */
	for (unsigned char *p = (unsigned char *)out; *p != '\0';) {
		size_t n = pl_utf8_len(p);

		if (n == 0 || *p < 0x20 || *p == 0x7f || *p == '|') {
			*p++ = '?';
			continue;
		}
		p += n;
	}
}

/* A figure: absent is NAN; present, it must be a finite number >= 0. */
static int
take_num(struct json_object *o, const char *key, double *out, char *err, size_t errlen)
{
	*out = NAN;
	if (pl_json_get(o, key) == NULL)
		return 0;
	if (json_object_get_type(pl_json_get(o, key)) == json_type_null)
		return 0;
	if (pl_json_num(o, key, out) != 0 || *out < 0) {
		pl_snprintf(err, errlen, _("\"%s\" is not a number of 0 or more"), key);
		*out = NAN;
		return -1;
	}
	return 0;
}

static int
entry_from(struct json_object *o, struct pl_drill_entry *e, char *err, size_t errlen)
{
	const char *t, *res;
	char why[128];

	memset(e, 0, sizeof(*e));
	if (!json_object_is_type(o, json_type_object)) {
		pl_snprintf(err, errlen, _("not a JSON object"));
		return -1;
	}
	if ((t = pl_json_str(o, "time")) == NULL) {
		pl_snprintf(err, errlen, _("no \"time\" string"));
		return -1;
	}
	if (pl_rfc3339_parse(t, strlen(t), &e->time, why, sizeof(why)) != 0) {
		pl_snprintf(err, errlen, _("\"time\" is not an RFC 3339 time: %s"), why);
		return -1;
	}
	res = pl_json_str(o, "result");
	if (res == NULL || (strcmp(res, "ok") != 0 && strcmp(res, "failed") != 0)) {
		pl_snprintf(err, errlen, _("\"result\" is not \"ok\" or \"failed\""));
		return -1;
	}
	e->ok = strcmp(res, "ok") == 0;
	if (take_num(o, "files_restored", &e->files_restored, err, errlen) != 0 ||
	    take_num(o, "bytes_restored", &e->bytes_restored, err, errlen) != 0 ||
	    take_num(o, "files_verified", &e->files_verified, err, errlen) != 0 ||
	    take_num(o, "files_failed", &e->files_failed, err, errlen) != 0 ||
	    take_num(o, "duration", &e->duration, err, errlen) != 0)
		return -1;
	take_str(o, "source", e->source, sizeof(e->source));
	take_str(o, "backup", e->backup, sizeof(e->backup));
	take_str(o, "who", e->who, sizeof(e->who));
	take_str(o, "message", e->message, sizeof(e->message));
	return 0;
}

int
pl_drill_line_parse(const char *buf, size_t len, struct pl_drill_entry *out, char *err,
		    size_t errlen)
{
	struct json_object *o = pl_json_parse(buf, len, err, errlen);
	int rc;

	if (o == NULL) {
		memset(out, 0, sizeof(*out));
		return -1;
	}
	rc = entry_from(o, out, err, errlen);
	json_object_put(o);
	return rc;
}

static void
put_str(struct pl_buf *b, const char *key, const char *v, bool comma)
{
	pl_buf_printf(b, "%s\"%s\":", comma ? "," : "", key);
	pl_json_string(b, v);
}

static void
put_num(struct pl_buf *b, const char *key, double v, int prec)
{
	if (!isnan(v) && isfinite(v))
		pl_buf_printf(b, ",\"%s\":%.*f", key, prec, v);
}

void
pl_drill_line_format(const struct pl_drill_entry *e, struct pl_buf *out)
{
	char when[PL_RFC3339_SIZE], msg[1024];

	if (pl_rfc3339_format(&e->time, 0, when, sizeof(when)) < 0)
		pl_strlcpy(when, "1970-01-01T00:00:00Z", sizeof(when));
	pl_buf_add(out, "{", 1);
	put_str(out, "time", when, false);
	put_str(out, "result", e->ok ? "ok" : "failed", true);
	if (e->source[0] != '\0')
		put_str(out, "source", e->source, true);
	if (e->backup[0] != '\0')
		put_str(out, "backup", e->backup, true);
	put_num(out, "files_restored", e->files_restored, 0);
	put_num(out, "bytes_restored", e->bytes_restored, 0);
	put_num(out, "files_verified", e->files_verified, 0);
	put_num(out, "files_failed", e->files_failed, 0);
	put_num(out, "duration", e->duration, 3);
	if (e->who[0] != '\0')
		put_str(out, "who", e->who, true);
	if (e->message[0] != '\0') {
		/* Cut on a character boundary: a UTF-8 continuation byte is never the first
		 * one left out. */
		size_t n = strlen(e->message), cap = 1500;

		if (n > cap) {
			while (cap > 0 && ((unsigned char)e->message[cap] & 0xc0) == 0x80)
				cap--;
			n = cap;
		}
		pl_snprintf(msg, sizeof(msg), "%.*s", (int)n, e->message);
		put_str(out, "message", msg, true);
	}
	pl_buf_add(out, "}\n", 2);
}

struct walk {
	struct pl_drill_journal *j;
	size_t recent;
	const struct pl_time *not_after;
};

/* Whether a is newer than b (a later line wins a tie: a walk goes in line order). */
static bool
newer(const struct pl_drill_entry *a, const struct pl_drill_entry *b)
{
	return a->time.sec > b->time.sec ||
	       (a->time.sec == b->time.sec && a->time.nsec >= b->time.nsec);
}

static void
bad(struct pl_drill_journal *j, size_t lineno, const char *why)
{
	j->malformed++;
	if (j->first_bad == 0 || lineno < j->first_bad) {
		j->first_bad = lineno;
		pl_strlcpy(j->first_err, why, sizeof(j->first_err));
	}
}

/* Keeps e among the newest w->recent, ordered oldest first. */
static void
keep_recent(struct pl_drill_journal *j, size_t cap, const struct pl_drill_entry *e)
{
	size_t at;

	if (cap == 0)
		return;
	if (j->nrecent == cap && !newer(e, &j->recent[0]))
		return;
	if (j->nrecent == cap) {
		memmove(&j->recent[0], &j->recent[1], (cap - 1) * sizeof(j->recent[0]));
		j->nrecent--;
	}
	at = j->nrecent;
	while (at > 0 && !newer(e, &j->recent[at - 1]))
		at--;
	memmove(&j->recent[at + 1], &j->recent[at], (j->nrecent - at) * sizeof(j->recent[0]));
	j->recent[at] = *e;
	j->nrecent++;
}

static int
one_line(struct json_object *o, size_t lineno, void *arg)
{
	struct walk *w = arg;
	struct pl_drill_journal *j = w->j;
	struct pl_drill_entry e;
	char why[160];

	if (entry_from(o, &e, why, sizeof(why)) != 0) {
		bad(j, lineno, why);
		return 0;
	}
	e.lineno = lineno;
	if (w->not_after != NULL && pl_time_diff(&e.time, w->not_after) > 0) {
		if (j->future++ == 0) {
			j->first_future = lineno;
			j->future_time = e.time;
		}
		return 0;
	}
	j->entries++;
	if (e.ok)
		j->good++;
	else
		j->failed++;
	if (!j->has_last || newer(&e, &j->last)) {
		j->last = e;
		j->has_last = true;
	}
	if (e.ok && (!j->has_good || newer(&e, &j->last_good))) {
		j->last_good = e;
		j->has_good = true;
	}
	keep_recent(j, w->recent, &e);
	return 0;
}

void
pl_drill_journal_parse(const char *buf, size_t len, size_t recent,
		       struct pl_drill_journal *out)
{
	pl_drill_journal_parse_until(buf, len, recent, NULL, out);
}

void
pl_drill_journal_parse_until(const char *buf, size_t len, size_t recent,
			     const struct pl_time *not_after, struct pl_drill_journal *out)
{
	struct pl_json_lines_stats st;
	struct walk w = { out, recent < PL_DRILL_RECENT_MAX ? recent : PL_DRILL_RECENT_MAX,
			  not_after };

	memset(out, 0, sizeof(*out));
	memset(&st, 0, sizeof(st));
	/* A journal saved by an editor that starts files with a UTF-8 byte order mark (or
	 * written by PowerShell's Out-File): the mark is no part of the first line. */
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
		buf += 3;
		len -= 3;
	}
	(void)pl_json_lines(buf, len, one_line, &w, &st);
	out->lines = st.lines;
	if (st.malformed > 0) {
		size_t first = out->first_bad;

		out->malformed += st.malformed;
		if (first == 0 || st.first_bad < first) {
			out->first_bad = st.first_bad;
			pl_snprintf(out->first_err, sizeof(out->first_err), _("not JSON: %s"),
				    st.first_err);
		}
	}
}

/* ---- listings ---- */

void
pl_drill_files_free(struct pl_drill_files *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].path);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int
add_file(struct pl_drill_files *l, const char *path, size_t plen, double size, char *err,
	 size_t errlen)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct pl_drill_file *v;

		if (l->n >= PL_DRILL_FILES_MAX) {
			pl_snprintf(err, errlen, _("more than %d files in the listing"),
				    PL_DRILL_FILES_MAX);
			return -1;
		}
		if ((v = realloc(l->v, cap * sizeof(*v))) == NULL) {
			pl_snprintf(err, errlen, _("out of memory"));
			return -1;
		}
		l->v = v;
		l->cap = cap;
	}
	if ((l->v[l->n].path = strndup(path, plen)) == NULL) {
		pl_snprintf(err, errlen, _("out of memory"));
		return -1;
	}
	l->v[l->n++].size = size;
	return 0;
}

struct lswalk {
	struct pl_drill_files *l;
	int tool;                /* 0 restic, 1 borg */
	bool saw_head;           /* restic: the snapshot object came */
	char *err;
	size_t errlen;
	int failed;
};

static int
ls_line(struct json_object *o, size_t lineno, void *arg)
{
	struct lswalk *w = arg;
	const char *type, *path, *st;
	double size = 0;

	(void)lineno;
	if (w->tool == 0) {
		st = pl_json_str(o, "struct_type");
		if (st != NULL && strcmp(st, "snapshot") == 0) {
			w->saw_head = true;
			return 0;
		}
		if (st != NULL && strcmp(st, "node") != 0)
			return 0;
	}
	type = pl_json_str(o, "type");
	path = pl_json_str(o, "path");
	if (type == NULL || path == NULL || path[0] == '\0') {
		w->l->skipped++;
		return 0;
	}
	if (strcmp(type, w->tool == 0 ? "file" : "-") != 0)
		return 0;
	if (pl_json_num(o, "size", &size) != 0 || size < 0)
		size = 0;
	if (add_file(w->l, path, strlen(path), size, w->err, w->errlen) != 0) {
		w->failed = 1;
		return 1;
	}
	return 0;
}

static int
json_ls(const char *buf, size_t len, int tool, struct pl_drill_files *out, char *err,
	size_t errlen)
{
	struct lswalk w = { out, tool, false, err, errlen, 0 };
	struct pl_json_lines_stats st;

	memset(out, 0, sizeof(*out));
	memset(&st, 0, sizeof(st));
	pl_json_lines(buf, len, ls_line, &w, &st);
	if (w.failed) {
		pl_drill_files_free(out);
		return -1;
	}
	out->skipped += st.malformed;
	if (st.lines > 0 && st.malformed == st.lines) {
		pl_snprintf(err, errlen, _("not a %s listing (line %zu: %s)"),
			    tool == 0 ? "restic ls --json" : "borg list --json-lines",
			    st.first_bad, st.first_err);
		pl_drill_files_free(out);
		return -1;
	}
	if (tool == 0 && st.lines > 0 && !w.saw_head) {
		pl_snprintf(err, errlen, _("not a restic ls --json listing (no snapshot line)"));
		pl_drill_files_free(out);
		return -1;
	}
	return 0;
}

int
pl_drill_restic_ls_parse(const char *buf, size_t len, struct pl_drill_files *out,
			 char *err, size_t errlen)
{
	return json_ls(buf, len, 0, out, err, errlen);
}

int
pl_drill_borg_ls_parse(const char *buf, size_t len, struct pl_drill_files *out, char *err,
		       size_t errlen)
{
	return json_ls(buf, len, 1, out, err, errlen);
}

/* Skips one blank-separated field of [p, end); returns where the next one starts, or
 * NULL when the line ends first. *f and *flen get the field. */
static const char *
field(const char *p, const char *end, const char **f, size_t *flen)
{
	while (p < end && *p == ' ')
		p++;
	*f = p;
	while (p < end && *p != ' ')
		p++;
	*flen = (size_t)(p - *f);
	if (*flen == 0)
		return NULL;
	return p;
}

int
pl_drill_tar_ls_parse(const char *buf, size_t len, struct pl_drill_files *out, char *err,
		      size_t errlen)
{
	const char *p = buf, *end = buf + len;
	size_t lines = 0;

	memset(out, 0, sizeof(*out));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *q = p, *f = NULL, *name;
		size_t flen = 0;
		uint64_t size = 0;
		bool ok = true;
		char num[32];

		/* -rw-r--r-- root/root   20000 2026-12-02 05:00 data/sub/b */
		if (le > p)
			lines++;
		if (le - p < 11 || *p != '-') {
			if (le > p && (*p != 'd' && *p != 'l' && *p != 'h' && *p != 'c' &&
				       *p != 'b' && *p != 'p' && *p != 's'))
				out->skipped++;
			p = nl ? nl + 1 : end;
			continue;
		}
		for (int i = 0; i < 5 && ok; i++) {
			q = field(q, le, &f, &flen);
			ok = q != NULL;
			if (ok && i == 2) {
				pl_snprintf(num, sizeof(num), "%.*s", (int)(flen < 31 ? flen : 31), f);
				ok = flen < 31 && pl_parse_u64(num, UINT64_MAX, &size) == 0;
			}
		}
		name = q ? q + 1 : le;
		if (!ok || name >= le || memchr(name, '\\', (size_t)(le - name)) != NULL ||
		    memchr(name, '\0', (size_t)(le - name)) != NULL) {
			out->skipped++;
		} else if (add_file(out, name, (size_t)(le - name), (double)size, err,
				    errlen) != 0) {
			pl_drill_files_free(out);
			return -1;
		}
		p = nl ? nl + 1 : end;
	}
	if (lines > 0 && out->n == 0 && out->skipped == lines) {
		pl_snprintf(err, errlen, _("not a tar -tv listing"));
		pl_drill_files_free(out);
		return -1;
	}
	return 0;
}

/* ---- the sample ---- */

static uint64_t
splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int
cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

size_t
pl_drill_pick(size_t count, size_t n, uint64_t seed, size_t *idx)
{
	size_t k = 0;

	if (n >= count) {
		for (size_t i = 0; i < count; i++)
			idx[i] = i;
		return count;
	}
	/* Selection sampling (Knuth's algorithm S) would need one draw per file; a
	 * reservoir of n needs one per file too. Floyd's algorithm takes n draws: for j in
	 * count-n..count-1, t = random in 0..j; take t unless taken, else j. */
	for (size_t j = count - n; j < count; j++) {
		size_t t = (size_t)(splitmix(&seed) % (uint64_t)(j + 1));
		bool taken = false;

		for (size_t i = 0; i < k && !taken; i++)
			taken = idx[i] == t;
		idx[k++] = taken ? j : t;
	}
	qsort(idx, k, sizeof(*idx), cmp_size);
	return k;
}

const char *
pl_drill_relpath(const char *path)
{
	for (;;) {
		if (path[0] == '/')
			path++;
		else if (path[0] == '.' && path[1] == '/')
			path += 2;
		else
			return path;
	}
}

/* ---- manifests ---- */

static int
cmp_sum(const void *a, const void *b)
{
	const struct pl_drill_sum *x = a, *y = b;

	return strcmp(x->path, y->path);
}

void
pl_drill_manifest_free(struct pl_drill_manifest *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i].path);
	free(m->v);
	memset(m, 0, sizeof(*m));
}

static bool
hex64(const char *p)
{
	for (int i = 0; i < 64; i++)
		if (strchr("0123456789abcdefABCDEF", p[i]) == NULL || p[i] == '\0')
			return false;
	return true;
}

int
pl_drill_manifest_parse(const char *buf, size_t len, struct pl_drill_manifest *out,
			char *err, size_t errlen)
{
	const char *p = buf, *end = buf + len;
	size_t cap = 0, lineno = 0;

	memset(out, 0, sizeof(*out));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *name;
		struct pl_drill_sum *s;
		char *path;

		lineno++;
		if (le > p && le[-1] == '\r')
			le--;
		if (le == p || *p == '#') {
			p = nl ? nl + 1 : end;
			continue;
		}
		if (*p == '\\') {       /* sha256sum escapes names with '\\' or '\n' */
			out->skipped++;
			p = nl ? nl + 1 : end;
			continue;
		}
		name = p + 64;
		if (le - p < 67 || !hex64(p) || *name != ' ' ||
		    (name[1] != ' ' && name[1] != '*') ||
		    memchr(p, '\0', (size_t)(le - p)) != NULL) {
			pl_snprintf(err, errlen, _("line %zu is not 'SHA256  PATH' (sha256sum's form)"),
				    lineno);
			pl_drill_manifest_free(out);
			return -1;
		}
		name += 2;
		if (out->n == cap) {
			size_t nc = cap ? cap * 2 : 64;

			if (out->n >= PL_DRILL_FILES_MAX ||
			    (s = realloc(out->v, nc * sizeof(*s))) == NULL) {
				pl_snprintf(err, errlen, _("line %zu: too many lines or out of memory"),
					    lineno);
				pl_drill_manifest_free(out);
				return -1;
			}
			out->v = s;
			cap = nc;
		}
		path = strndup(name, (size_t)(le - name));
		if (path == NULL) {
			pl_snprintf(err, errlen, _("out of memory"));
			pl_drill_manifest_free(out);
			return -1;
		}
		s = &out->v[out->n++];
		s->path = path;
		memmove(path, pl_drill_relpath(path), strlen(pl_drill_relpath(path)) + 1);
		for (int i = 0; i < 64; i++)
			s->hex[i] = (char)(p[i] >= 'A' && p[i] <= 'F' ? p[i] - 'A' + 'a' : p[i]);
		s->hex[64] = '\0';
		p = nl ? nl + 1 : end;
	}
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), cmp_sum);
	return 0;
}

const char *
pl_drill_manifest_find(const struct pl_drill_manifest *m, const char *path)
{
	struct pl_drill_sum key = { .path = (char *)pl_drill_relpath(path) };
	const struct pl_drill_sum *s;

	if (m->n == 0)
		return NULL;
	s = bsearch(&key, m->v, m->n, sizeof(*m->v), cmp_sum);
	return s ? s->hex : NULL;
}

char *
pl_drill_restic_literal(const char *path)
{
	char *out, *o;

	if (path[0] == '\0' || (out = malloc(2 * strlen(path) + 1)) == NULL)
		return NULL;
	o = out;
	for (const char *p = path; *p != '\0'; p++) {
		if (strchr("*?[]\\", *p) != NULL)
			*o++ = '\\';
		*o++ = *p;
	}
	*o = '\0';
	return out;
}

char *
pl_drill_borg_literal(const char *path)
{
	size_t len = strlen(path) + 4;
	char *out;

	if (path[0] == '\0' || (out = malloc(len)) == NULL)
		return NULL;
	pl_snprintf(out, len, "pp:%s", path);
	return out;
}
