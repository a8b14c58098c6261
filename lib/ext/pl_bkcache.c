/* pl_bkcache: the listing cache of check_backup_age (see pl_bkcache.h). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pl_bkcache.h"
#include "pl_file.h"
#include "pl_i18n.h"
#include "pl_num.h"
#include "pl_text.h"

#define FP_CAP ((size_t)16 << 20)

/* A file's identity: what changes when it is replaced or rewritten. */
static void
ident(struct pl_buf *fp, const char *what, const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		pl_buf_printf(fp, "%s none %d\n", what, errno);
		return;
	}
	pl_buf_printf(fp, "%s %llu %llu %llu %lld.%09ld %lld.%09ld\n", what,
		      (unsigned long long)st.st_dev, (unsigned long long)st.st_ino,
		      (unsigned long long)st.st_size, (long long)st.st_mtim.tv_sec,
		      (long)st.st_mtim.tv_nsec, (long long)st.st_ctim.tv_sec,
		      (long)st.st_ctim.tv_nsec);
}

/* A directory the tool is given, and whether it is one. */
static void
env_dir(struct pl_buf *fp, const char *what, const char *dir)
{
	struct stat st;

	if (dir == NULL)
		pl_buf_printf(fp, "%s unset\n", what);
	else
		pl_buf_printf(fp, "%s %s %zu %s\n", what,
			      stat(dir, &st) == 0 && S_ISDIR(st.st_mode) ? "dir" : "no-dir",
			      strlen(dir), dir);
}

/* The sorted names of repo/sub, one a line after a count. */
static int
names(struct pl_buf *fp, const char *repo, const char *sub, char *err, size_t errlen)
{
	char path[4096], **v = NULL;
	size_t n = 0;

	pl_snprintf(path, sizeof(path), "%s/%s", repo, sub);
	if (pl_dir_list(NULL, path, &v, &n, err, errlen) != 0)
		return -1;
	pl_buf_printf(fp, "%s %zu\n", sub, n);
	for (size_t i = 0; i < n; i++)
		pl_buf_printf(fp, "%s\n", v[i]);
	pl_dir_free(v, n);
	return 0;
}

/* The transaction number of a name "index.N", "hints.N" or "integrity.N", or -1. */
static int64_t
txn_of(const char *name)
{
	static const char *const pre[] = { "index.", "hints.", "integrity.", NULL };
	int64_t n;

	for (size_t i = 0; pre[i] != NULL; i++) {
		size_t k = strlen(pre[i]);

		if (strncmp(name, pre[i], k) == 0 && pl_parse_i64(name + k, 0, INT64_MAX, &n) == 0)
			return n;
	}
	return -1;
}

/* borg: the newest transaction's files and their identities. */
static int
borg_txn(struct pl_buf *fp, const char *repo, char *err, size_t errlen)
{
	char path[4096], **v = NULL;
	size_t n = 0;
	int64_t top = -1;

	if (pl_dir_list(NULL, repo, &v, &n, err, errlen) != 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (txn_of(v[i]) > top)
			top = txn_of(v[i]);
	if (top < 0) {
		pl_dir_free(v, n);
		pl_snprintf(err, errlen, _("no index.N or hints.N in %s: not a borg repository"), repo);
		return -1;
	}
	pl_buf_printf(fp, "transaction %lld\n", (long long)top);
	for (size_t i = 0; i < n; i++)
		if (txn_of(v[i]) == top) {
			pl_snprintf(path, sizeof(path), "%s/%s", repo, v[i]);
			ident(fp, v[i], path);
		}
	pl_dir_free(v, n);
	return 0;
}

int
pl_bkcache_fingerprint(const struct pl_bk_repo *w, const char *program, uint64_t salt,
		       struct pl_buf *fp, char *err, size_t errlen)
{
	const char *repo = w->repo;
	char path[4096];
	int rc;

	pl_buf_reset(fp);
	fp->cap = FP_CAP;
	if (w->repository != NULL || repo == NULL || repo[0] != '/' ||
	    (w->tool != PL_BK_RESTIC && w->tool != PL_BK_BORG)) {
		pl_snprintf(err, errlen, _("not a local repository"));
		return -1;
	}
	pl_buf_printf(fp, "plumbline %s\ntool %d\nrepo %zu %s\n", PACKAGE_VERSION, (int)w->tool,
		      strlen(repo), repo);
	ident(fp, "program", program);
	pl_buf_printf(fp, "password %016llx\n", w->password == NULL ? 0ULL :
		      (unsigned long long)pl_xxh64(w->password, strlen(w->password), salt));
	/* The tool's environment: a HOME or cache directory gone is the tool's to say. */
	env_dir(fp, "home", getenv("HOME"));
	env_dir(fp, "cache-dir", w->cache_dir);
	pl_snprintf(path, sizeof(path), "%s/config", repo);
	ident(fp, "config", path);
	if (w->tool == PL_BK_RESTIC)
		rc = names(fp, repo, "keys", err, errlen) != 0 ||
		     names(fp, repo, "snapshots", err, errlen) != 0 ? -1 : 0;
	else
		rc = borg_txn(fp, repo, err, errlen);
	if (rc == 0 && (fp->truncated || fp->oom)) {
		pl_snprintf(err, errlen, _("the repository's fingerprint is too big to keep"));
		rc = -1;
	}
	return rc;
}

/* Reads "WORD N [M]\n" at *p: returns 0 with the numbers, or -1. */
static int
head(const char **p, const char *end, const char *word, int nums, uint64_t *a, uint64_t *b)
{
	size_t k = strlen(word);

	if ((size_t)(end - *p) < k + 1 || memcmp(*p, word, k) != 0 || (*p)[k] != ' ')
		return -1;
	*p += k + 1;
	if (pl_scan_u64(p, end, a) != 0)
		return -1;
	if (nums == 2 && (*p >= end || **p != ' ' || (++*p, pl_scan_u64(p, end, b)) != 0))
		return -1;
	if (*p >= end || **p != '\n')
		return -1;
	(*p)++;
	return 0;
}

/* Takes n bytes at *p, which a newline must follow, as a new string. */
static char *
take(const char **p, const char *end, uint64_t n)
{
	char *s;

	if (n >= (uint64_t)(end - *p) || (*p)[n] != '\n' || memchr(*p, '\0', n) != NULL)
		return NULL;
	s = malloc(n + 1);
	if (s == NULL)
		return NULL;
	memcpy(s, *p, n);
	s[n] = '\0';
	*p += n + 1;
	return s;
}

static int
parse_salt(const char **p, const char *end, uint64_t *salt)
{
	static const char pre[] = "bkcache 1 ";
	uint64_t v = 0;

	if ((size_t)(end - *p) < sizeof(pre) - 1 + 17 || memcmp(*p, pre, sizeof(pre) - 1) != 0)
		return -1;
	*p += sizeof(pre) - 1;
	for (int i = 0; i < 16; i++, (*p)++) {
		const char *h = strchr("0123456789abcdef", **p);

		if (**p == '\0' || h == NULL)
			return -1;
		v = v << 4 | (uint64_t)(h - "0123456789abcdef");
	}
	if (**p != '\n')
		return -1;
	(*p)++;
	*salt = v;
	return 0;
}

int
pl_bkcache_parse(const char *text, size_t len, struct pl_bkcache *c, char *err,
		 size_t errlen)
{
	const char *p = text, *end = text + len;
	uint64_t a, b;

	memset(c, 0, sizeof(*c));
	if (parse_salt(&p, end, &c->salt) != 0) {
		pl_snprintf(err, errlen, _("no 'bkcache 1 SALT' header"));
		goto bad;
	}
	if (head(&p, end, "fp", 1, &a, NULL) != 0 || (c->fp = take(&p, end, a)) == NULL) {
		pl_snprintf(err, errlen, _("no fingerprint"));
		goto bad;
	}
	while (p < end) {
		struct pl_bkcache_out *o = &c->v[c->n];

		if (c->n == PL_BKCACHE_MAX_OUT) {
			pl_snprintf(err, errlen, _("more than %d outputs"), PL_BKCACHE_MAX_OUT);
			goto bad;
		}
		if (head(&p, end, "out", 2, &a, &b) != 0 || b > PL_BKCACHE_OUT_CAP ||
		    (o->key = take(&p, end, a)) == NULL ||
		    (o->out = take(&p, end, b)) == NULL) {
			free(o->key);
			o->key = NULL;
			pl_snprintf(err, errlen, _("output %zu is malformed or cut"), c->n + 1);
			goto bad;
		}
		o->len = (size_t)b;
		c->n++;
	}
	return 0;
bad:
	pl_bkcache_free(c);
	return -1;
}

int
pl_bkcache_format(const struct pl_bkcache *c, struct pl_buf *out)
{
	pl_buf_reset(out);
	pl_buf_printf(out, "bkcache 1 %016llx\nfp %zu\n%s\n", (unsigned long long)c->salt,
		      c->fp ? strlen(c->fp) : 0, c->fp ? c->fp : "");
	for (size_t i = 0; i < c->n; i++) {
		pl_buf_printf(out, "out %zu %zu\n%s\n", strlen(c->v[i].key), c->v[i].len,
			      c->v[i].key);
		pl_buf_add(out, c->v[i].out, c->v[i].len);
		pl_buf_putc(out, '\n');
	}
	return out->truncated || out->oom ? -1 : 0;
}

const char *
pl_bkcache_get(const struct pl_bkcache *c, const char *key, size_t *len)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->v[i].key, key) == 0) {
			*len = c->v[i].len;
			return c->v[i].out;
		}
	return NULL;
}

int
pl_bkcache_put(struct pl_bkcache *c, const char *key, const char *out, size_t len)
{
	struct pl_bkcache_out *o = NULL;
	char *k, *v;

	if (len > PL_BKCACHE_OUT_CAP || memchr(out, '\0', len) != NULL)
		return -1;
	for (size_t i = 0; i < c->n && o == NULL; i++)
		if (strcmp(c->v[i].key, key) == 0)
			o = &c->v[i];
	if (o == NULL && c->n == PL_BKCACHE_MAX_OUT)
		return -1;
	k = strdup(key);
	v = malloc(len + 1);
	if (k == NULL || v == NULL) {
		free(k);
		free(v);
		return -1;
	}
	memcpy(v, out, len);
	v[len] = '\0';
	if (o == NULL) {
		o = &c->v[c->n++];
	} else {
		free(o->key);
		free(o->out);
	}
	o->key = k;
	o->out = v;
	o->len = len;
	return 0;
}

int
pl_bkcache_reset(struct pl_bkcache *c, uint64_t salt, const char *fp)
{
	char *f = strdup(fp);

	if (f == NULL)
		return -1;
	pl_bkcache_free(c);
	c->salt = salt;
	c->fp = f;
	return 0;
}

void
pl_bkcache_free(struct pl_bkcache *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].key);
		free(c->v[i].out);
	}
	free(c->fp);
	memset(c, 0, sizeof(*c));
}

#define PIECE 4000   /* bytes of cache text per store entry (a store text holds 4096) */
#define PIECES_MAX (PL_STORE_FILE_CAP / 2 / PIECE)

int
pl_bkcache_load(const struct pl_store *st, const char *ns, struct pl_bkcache *c, char *err,
		size_t errlen)
{
	const char *n = pl_store_kept(st, ns, "n"), *p, *end;
	struct pl_buf text = PL_BUF_INIT;
	uint64_t pieces, bytes;
	char name[32];
	int rc = -1;

	memset(c, 0, sizeof(*c));
	if (n == NULL)
		return 1;
	p = n;
	end = n + strlen(n);
	if (pl_scan_u64(&p, end, &pieces) != 0 || p >= end || *p++ != ' ' ||
	    pl_scan_u64(&p, end, &bytes) != 0 || p != end || pieces > PIECES_MAX ||
	    bytes > pieces * PIECE) {
		pl_snprintf(err, errlen, _("its piece count is malformed"));
		return -1;
	}
	pl_buf_init(&text, (size_t)bytes + 1);
	for (uint64_t i = 0; i < pieces; i++) {
		const char *v;

		pl_snprintf(name, sizeof(name), "%llu", (unsigned long long)i);
		if ((v = pl_store_kept(st, ns, name)) == NULL) {
			pl_snprintf(err, errlen, _("piece %s of %llu is missing"), name,
				    (unsigned long long)pieces);
			goto end;
		}
		pl_buf_puts(&text, v);
	}
	if (text.len != bytes || text.truncated || text.oom) {
		pl_snprintf(err, errlen, _("its pieces hold %zu bytes, not %llu"), text.len,
			    (unsigned long long)bytes);
		goto end;
	}
	rc = pl_bkcache_parse(pl_buf_str(&text), text.len, c, err, errlen);
end:
	pl_buf_free(&text);
	return rc;
}

int
pl_bkcache_store(struct pl_store *st, const char *ns, const struct pl_bkcache *c)
{
	struct pl_buf text = PL_BUF_INIT;
	char name[32], num[64], piece[PIECE + 1];
	size_t pieces;
	int rc = -1;

	pl_buf_init(&text, PIECES_MAX * PIECE);
	if (pl_bkcache_format(c, &text) != 0)
		goto end;
	pieces = (text.len + PIECE - 1) / PIECE;
	for (size_t i = 0; i < pieces; i++) {
		size_t k = text.len - i * PIECE < PIECE ? text.len - i * PIECE : PIECE;

		memcpy(piece, text.data + i * PIECE, k);
		piece[k] = '\0';
		pl_snprintf(name, sizeof(name), "%zu", i);
		if (pl_store_keep(st, ns, name, piece) != 0)
			goto end;
	}
	pl_snprintf(num, sizeof(num), "%zu %zu", pieces, text.len);
	rc = pl_store_keep(st, ns, "n", num);
end:
	pl_buf_free(&text);
	return rc;
}

uint64_t
pl_bkcache_salt(void)
{
	uint64_t s = 0;
	struct timespec ts;

	if (getrandom(&s, sizeof(s), GRND_NONBLOCK) == (ssize_t)sizeof(s) && s != 0)
		return s;
	clock_gettime(CLOCK_REALTIME, &ts);
	return pl_hash_mix((uint64_t)ts.tv_nsec ^ (uint64_t)ts.tv_sec << 20 ^ (uint64_t)getpid());
}
