/* pl_bkcache: check_backup_age's cache of a local repository's listings, valid only while
 * the repository is unchanged.
 *
 * A listing of 1,000 snapshots costs restic or borg seconds (restic derives its key and
 * decrypts every snapshot; borg starts Python and reads the manifest and the archives),
 * while the repository changes at most once per backup run. The cache keeps the tool's
 * output beside a fingerprint of what the listing depends on, and serves it again only
 * while a fresh fingerprint is identical:
 *   - restic (local repository): the names in snapshots/, which ARE the snapshot IDs
 *     (each file is named by the SHA-256 of its content: an identical set of names is an
 *     identical set of snapshots), the names in keys/ (a password added or removed), and
 *     the identity of config (inode, size, mtime: a repository made anew at the path);
 *   - borg (local repository): the newest transaction's files (index.N, hints.N,
 *     integrity.N: N grows on every commit, which every create, delete, prune, rename
 *     and compact makes) with their identities, and config's (repokey, id);
 *   - both: the tool program's identity (an upgraded tool may print otherwise), the
 *     repository path, this suite's version, and a hash of the password with a random
 *     salt kept in the cache (a changed password is tried on the tool again).
 * The fingerprint is taken before the tool runs, so a backup that commits while the
 * tool lists can only make the next run list again, never keep a stale listing.
 * What the cache does not cover, by design: locks (read every run by the caller), and a
 * remote repository (never cached: there is nothing cheap to compare).
 *
 * The cache text (one store entry per repository; any byte but NUL):
 *   bkcache 1 SALT                  (SALT: 16 hex digits)
 *   fp LEN                          then LEN bytes of fingerprint and a newline
 *   out KEYLEN LEN                  then KEYLEN bytes of key (the tool's arguments), a
 *                                   newline, LEN bytes of output and a newline; repeated
 * Anything else (a wrong length, a missing newline, a field out of range) is a corrupt
 * cache: it is discarded whole.
 *
 * Ownership: a struct pl_bkcache owns its strings (pl_bkcache_free). Links libc only. */
#ifndef PL_BKCACHE_H
#define PL_BKCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "pl_buf.h"
#include "pl_bkrun.h"
#include "pl_store.h"

#define PL_BKCACHE_MAX_OUT 8          /* outputs kept per repository */
#define PL_BKCACHE_OUT_CAP ((size_t)8 << 20)   /* larger outputs are not kept */

struct pl_bkcache_out {
	char *key;      /* the tool's arguments, one per line */
	char *out;      /* its stdout (NUL-terminated; len bytes) */
	size_t len;
};

struct pl_bkcache {
	uint64_t salt;
	char *fp;       /* the fingerprint the outputs belong to (NUL-terminated) */
	struct pl_bkcache_out v[PL_BKCACHE_MAX_OUT];
	size_t n;
};

/* The fingerprint of w's local repository (w->repo, an absolute path; w->repository must
 * be NULL) for w->tool, with program the tool's path, into fp (reset first). Returns 0,
 * or -1 with why in err (no such layout: not cacheable; an unreadable directory). */
int pl_bkcache_fingerprint(const struct pl_bk_repo *w, const char *program, uint64_t salt,
			   struct pl_buf *fp, char *err, size_t errlen);

/* Parses a cache text into c (zeroed here). Returns 0, or -1 with why in err (and c
 * empty). */
int pl_bkcache_parse(const char *text, size_t len, struct pl_bkcache *c, char *err,
		     size_t errlen);
/* The cache text of c into out (reset first); returns 0, or -1 when out was cut. */
int pl_bkcache_format(const struct pl_bkcache *c, struct pl_buf *out);
/* The output kept for key, or NULL; its length in *len. */
const char *pl_bkcache_get(const struct pl_bkcache *c, const char *key, size_t *len);
/* Keeps out (len bytes) for key, replacing one of the same key. Returns 0, or -1 when it
 * is not kept (too big, too many, out of memory). */
int pl_bkcache_put(struct pl_bkcache *c, const char *key, const char *out, size_t len);
/* Sets the fingerprint and drops every output (they belonged to the old one). */
int pl_bkcache_reset(struct pl_bkcache *c, uint64_t salt, const char *fp);
void pl_bkcache_free(struct pl_bkcache *c);

/* The cache in a state store, as kept entries of namespace ns: a store text holds at
 * most 4 KiB, so the cache text is cut into pieces: "n" says "PIECES BYTES", "0", "1"...
 * hold them. load returns 0 with c filled, 1 when there is none, or -1 with why in err
 * when the pieces do not add up or the text is malformed (a corrupt cache: discard it).
 * store returns 0, or -1 (too big for the store, out of memory). */
int pl_bkcache_load(const struct pl_store *st, const char *ns, struct pl_bkcache *c,
		    char *err, size_t errlen);
int pl_bkcache_store(struct pl_store *st, const char *ns, const struct pl_bkcache *c);

/* A fresh random salt (getrandom, else the time and pid mixed). */
uint64_t pl_bkcache_salt(void);

#endif
