/* Unit tests of lib/ext/pl_bkcache: the cache text (round trip, and every corrupt form
 * discarded), its pieces in a state store, and the fingerprint of restic and borg
 * repository layouts made in a scratch directory: a new snapshot, a forgotten one, a new
 * borg transaction, another password or tool each change it. */
#include "config.h"

#ifdef HAVE_JSONC
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>

#include "pl_bkcache.h"
#include "pl_bkrun.h"
#include "pl_buf.h"
#include "pl_file.h"
#include "pl_store.h"

TCase *tc_bkcache(void);

START_TEST(test_round_trip)
{
	struct pl_bkcache c, d;
	struct pl_buf t = PL_BUF_INIT;
	char err[256] = "";
	const char *v;
	size_t len;

	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(pl_bkcache_reset(&c, 0x0123456789abcdefULL, "fp line 1\nfp line 2"), 0);
	ck_assert_int_eq(pl_bkcache_put(&c, "snapshots\n--json\n", "[{\"a\": 1}]\n\n", 12), 0);
	ck_assert_int_eq(pl_bkcache_put(&c, "info\n", "", 0), 0);
	ck_assert_int_eq(pl_bkcache_put(&c, "snapshots\n--json\n", "[]", 2), 0);   /* replaces */
	ck_assert_uint_eq(c.n, 2);
	ck_assert_int_eq(pl_bkcache_format(&c, &t), 0);
	ck_assert_int_eq(pl_bkcache_parse(pl_buf_str(&t), t.len, &d, err, sizeof(err)), 0);
	ck_assert_msg(d.salt == 0x0123456789abcdefULL, "salt %llx", (unsigned long long)d.salt);
	ck_assert_str_eq(d.fp, "fp line 1\nfp line 2");
	v = pl_bkcache_get(&d, "snapshots\n--json\n", &len);
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(len, 2);
	ck_assert_str_eq(v, "[]");
	v = pl_bkcache_get(&d, "info\n", &len);
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(len, 0);
	ck_assert_ptr_null(pl_bkcache_get(&d, "other\n", &len));
	/* A reset (the repository changed) drops every output. */
	ck_assert_int_eq(pl_bkcache_reset(&d, 7, "new"), 0);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_ptr_null(pl_bkcache_get(&d, "info\n", &len));
	/* An output with a NUL cannot be kept (the store holds texts). */
	ck_assert_int_eq(pl_bkcache_put(&d, "x\n", "a\0b", 3), -1);
	pl_bkcache_free(&c);
	pl_bkcache_free(&d);
	pl_buf_free(&t);
}
END_TEST

/* Corrupt cache texts: each is discarded whole. */
static const char *const bad_texts[] = {
	"",
	"bkcache 2 0123456789abcdef\nfp 0\n\n",
	"bkcache 1 0123456789abcdeg\nfp 0\n\n",
	"bkcache 1 0123456789abcde\nfp 0\n\n",
	"bkcache 1 0123456789abcdef\n",
	"bkcache 1 0123456789abcdef\nfp 5\nabc\n",
	"bkcache 1 0123456789abcdef\nfp 3\nabcd\n",
	"bkcache 1 0123456789abcdef\nfp 3\nabc",
	"bkcache 1 0123456789abcdef\nfp x\nabc\n",
	"bkcache 1 0123456789abcdef\nfp 3\nabc\nout 1 2\nk\nab",
	"bkcache 1 0123456789abcdef\nfp 3\nabc\nout 1 9\nk\nab\n",
	"bkcache 1 0123456789abcdef\nfp 3\nabc\nout 1\nk\nab\n",
	"bkcache 1 0123456789abcdef\nfp 3\nabc\nout 1 2\nk\nab\ngarbage",
	"bkcache 1 0123456789abcdef\nfp 3\nabc\nout 1 99999999999\nk\nab\n",
	"bkcache 1 0123456789abcdef\nfp 18446744073709551615\nabc\n",
};

START_TEST(test_parse_bad)
{
	struct pl_bkcache c;
	char err[256] = "";
	const char *t = bad_texts[_i];

	ck_assert_msg(pl_bkcache_parse(t, strlen(t), &c, err, sizeof(err)) == -1,
		      "case %d parsed", _i);
	ck_assert_msg(err[0] != '\0', "case %d: no reason", _i);
	ck_assert_ptr_null(c.fp);
	ck_assert_uint_eq(c.n, 0);
}
END_TEST

START_TEST(test_parse_too_many)
{
	struct pl_buf t = PL_BUF_INIT;
	struct pl_bkcache c;
	char err[256] = "";

	pl_buf_puts(&t, "bkcache 1 0123456789abcdef\nfp 1\nf\n");
	for (int i = 0; i <= PL_BKCACHE_MAX_OUT; i++)
		pl_buf_printf(&t, "out 2 1\nk%d\nv\n", i);
	ck_assert_int_eq(pl_bkcache_parse(pl_buf_str(&t), t.len, &c, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "more than"));
	pl_buf_free(&t);
}
END_TEST

/* The cache in a store: cut into pieces and put together again; a piece missing or the
 * count wrong is a corrupt cache. */
START_TEST(test_store_pieces)
{
	struct pl_store st;
	struct pl_bkcache c, d;
	struct pl_buf big = PL_BUF_INIT;
	char err[256] = "";
	const char *v;
	size_t len;

	for (int i = 0; i < 5000; i++)
		pl_buf_printf(&big, "{\"id\": \"%064d\", \"time\": \"2026-12-01T02:00:00Z\"},\n", i);
	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(pl_bkcache_reset(&c, 42, "fp"), 0);
	ck_assert_int_eq(pl_bkcache_put(&c, "list\n", pl_buf_str(&big), big.len), 0);
	pl_store_init(&st, "check_backup_age", "k");
	ck_assert_int_eq(pl_bkcache_load(&st, "listing", &d, err, sizeof(err)), 1);
	ck_assert_int_eq(pl_bkcache_store(&st, "listing", &c), 0);
	ck_assert_int_eq(pl_bkcache_load(&st, "listing", &d, err, sizeof(err)), 0);
	v = pl_bkcache_get(&d, "list\n", &len);
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(len, big.len);
	ck_assert_int_eq(memcmp(v, big.data, len), 0);
	pl_bkcache_free(&d);

	pl_store_keep(&st, "listing", "n", "3 100");
	ck_assert_int_eq(pl_bkcache_load(&st, "listing", &d, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "bytes"));
	pl_store_keep(&st, "listing", "n", "99999 100");
	ck_assert_int_eq(pl_bkcache_load(&st, "listing", &d, err, sizeof(err)), -1);
	pl_store_keep(&st, "listing", "n", "1x 100");
	ck_assert_int_eq(pl_bkcache_load(&st, "listing", &d, err, sizeof(err)), -1);
	ck_assert_int_eq(pl_bkcache_store(&st, "listing", &c), 0);
	pl_store_del(&st, 0, "listing", "1");
	ck_assert_int_eq(pl_bkcache_load(&st, "listing", &d, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "missing"));
	/* A piece that is there but holds other text: the cache text is malformed. */
	ck_assert_int_eq(pl_bkcache_store(&st, "listing", &c), 0);
	pl_store_keep(&st, "listing", "0", "bkcache 9");
	ck_assert_int_eq(pl_bkcache_load(&st, "listing", &d, err, sizeof(err)), -1);
	ck_assert_ptr_null(d.fp);
	pl_store_free(&st);
	pl_bkcache_free(&c);
	pl_buf_free(&big);
}
END_TEST

static void
scrap(const char *dir)
{
	char err[256] = "";
	int fd = open("/tmp", O_RDONLY | O_DIRECTORY);

	ck_assert_int_ge(fd, 0);
	ck_assert_msg(pl_remove_tree(fd, dir + strlen("/tmp/"), err, sizeof(err)) == 0, "%s", err);
	close(fd);
}

static void
touch(const char *dir, const char *name)
{
	char p[1024];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, name, strlen(name)), (ssize_t)strlen(name));
	close(fd);
}

static void
sub(const char *dir, const char *name, char *out, size_t len)
{
	snprintf(out, len, "%s/%s", dir, name);
	ck_assert_int_eq(mkdir(out, 0700), 0);
}

static void
fp_of(const struct pl_bk_repo *w, uint64_t salt, struct pl_buf *b)
{
	char err[256] = "";

	ck_assert_msg(pl_bkcache_fingerprint(w, "/bin/sh", salt, b, err, sizeof(err)) == 0,
		      "%s", err);
}

START_TEST(test_fingerprint_restic)
{
	char dir[] = "/tmp/pl-bkcache-XXXXXX", keys[1100], snaps[1100], err[1200];
	struct pl_buf a = PL_BUF_INIT, b = PL_BUF_INIT;
	struct pl_bk_repo w = { .tool = PL_BK_RESTIC, .password = "pw" };

	ck_assert_ptr_nonnull(mkdtemp(dir));
	w.repo = dir;
	touch(dir, "config");
	sub(dir, "keys", keys, sizeof(keys));
	sub(dir, "snapshots", snaps, sizeof(snaps));
	touch(keys, "k1");
	touch(snaps, "aaaa");
	touch(snaps, "bbbb");
	fp_of(&w, 1, &a);
	fp_of(&w, 1, &b);
	ck_assert_str_eq(pl_buf_str(&a), pl_buf_str(&b));
	ck_assert_ptr_nonnull(strstr(pl_buf_str(&a), "snapshots 2\naaaa\nbbbb\n"));
	ck_assert_ptr_null(strstr(pl_buf_str(&a), "pw"));
	/* A new snapshot (a backup), a forgotten one, a new key, another password or salt. */
	touch(snaps, "cccc");
	fp_of(&w, 1, &b);
	ck_assert_str_ne(pl_buf_str(&a), pl_buf_str(&b));
	snprintf(err, sizeof(err), "%s/aaaa", snaps);
	unlink(err);
	snprintf(err, sizeof(err), "%s/cccc", snaps);
	unlink(err);
	fp_of(&w, 1, &b);
	ck_assert_str_ne(pl_buf_str(&a), pl_buf_str(&b));
	touch(snaps, "aaaa");
	fp_of(&w, 1, &b);
	ck_assert_str_eq(pl_buf_str(&a), pl_buf_str(&b));
	w.password = "other";
	fp_of(&w, 1, &b);
	ck_assert_str_ne(pl_buf_str(&a), pl_buf_str(&b));
	w.password = "pw";
	fp_of(&w, 2, &b);
	ck_assert_str_ne(pl_buf_str(&a), pl_buf_str(&b));
	touch(keys, "k2");
	fp_of(&w, 1, &b);
	ck_assert_str_ne(pl_buf_str(&a), pl_buf_str(&b));
	/* Not cacheable: a remote or secret location, a directory without snapshots/. */
	w.repo = "sftp:host:/srv/restic";
	ck_assert_int_eq(pl_bkcache_fingerprint(&w, "/bin/sh", 1, &b, err, sizeof(err)), -1);
	w.repo = dir;
	w.repository = dir;
	ck_assert_int_eq(pl_bkcache_fingerprint(&w, "/bin/sh", 1, &b, err, sizeof(err)), -1);
	w.repository = NULL;
	w.repo = keys;
	ck_assert_int_eq(pl_bkcache_fingerprint(&w, "/bin/sh", 1, &b, err, sizeof(err)), -1);
	pl_buf_free(&a);
	pl_buf_free(&b);
	scrap(dir);
}
END_TEST

START_TEST(test_fingerprint_borg)
{
	char dir[] = "/tmp/pl-bkcache-XXXXXX", err[256];
	struct pl_buf a = PL_BUF_INIT, b = PL_BUF_INIT;
	struct pl_bk_repo w = { .tool = PL_BK_BORG };

	ck_assert_ptr_nonnull(mkdtemp(dir));
	w.repo = dir;
	ck_assert_int_eq(pl_bkcache_fingerprint(&w, "/bin/sh", 1, &b, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "not a borg repository"));
	touch(dir, "config");
	touch(dir, "index.9");
	touch(dir, "hints.9");
	touch(dir, "index.10");
	touch(dir, "hints.10");
	touch(dir, "integrity.10");
	touch(dir, "index.x");
	fp_of(&w, 1, &a);
	ck_assert_ptr_nonnull(strstr(pl_buf_str(&a), "transaction 10\n"));
	ck_assert_ptr_null(strstr(pl_buf_str(&a), "index.9"));
	/* A commit (create, delete, prune, compact) is a new transaction. */
	touch(dir, "hints.11");
	fp_of(&w, 1, &b);
	ck_assert_str_ne(pl_buf_str(&a), pl_buf_str(&b));
	ck_assert_ptr_nonnull(strstr(pl_buf_str(&b), "transaction 11\n"));
	pl_buf_free(&a);
	pl_buf_free(&b);
	scrap(dir);
}
END_TEST

/* pl_bk_failure sorts the tools' stderr into a kind that the callers decide by (the
 * sentence beside it is translated): each known text, and an unknown one. */
static const struct {
	enum pl_bk_tool tool;
	const char *err;
	int status;
	enum pl_bk_why why;
	const char *msg;   /* how the English sentence begins */
} failures[] = {
	{ PL_BK_RESTIC, "Fatal: unable to locate cache directory: neither $XDG_CACHE_HOME nor $HOME are defined\n",
	  1, PL_BK_WHY_NO_CACHE, "no cache directory for restic (" },
	{ PL_BK_RESTIC, "Fatal: wrong password or no key found\n", 12, PL_BK_WHY_PASSWORD,
	  "wrong password for /srv/restic (" },
	{ PL_BK_BORG, "passphrase supplied in BORG_PASSPHRASE, by BORG_PASSCOMMAND or via BORG_PASSPHRASE_FD is incorrect.\n",
	  52, PL_BK_WHY_PASSWORD, "wrong password for /srv/restic (" },
	{ PL_BK_RESTIC, "Fatal: repository does not exist: unable to open config file\nIs there a repository at the following location?\n",
	  10, PL_BK_WHY_NO_REPO, "no repository at /srv/restic (" },
	{ PL_BK_BORG, "Failed to create/acquire the lock /root/.cache/borg/abc/lock (timeout).\n",
	  2, PL_BK_WHY_CACHE_LOCKED, "borg's cache is locked" },
	{ PL_BK_BORG, "Failed to create/acquire the lock /srv/restic/lock (timeout).\n", 2,
	  PL_BK_WHY_LOCKED, "/srv/restic is locked (" },
	{ PL_BK_RESTIC, "unable to create lock in backend: repository is already locked by PID 7\n", 1,
	  PL_BK_WHY_LOCKED, "/srv/restic is locked (" },
	{ PL_BK_BORG, "Repository /srv/restic does not exist.\n", 2, PL_BK_WHY_NO_REPO,
	  "no repository at /srv/restic (" },
	/* An archive deleted since it was listed: the repository is there. */
	{ PL_BK_BORG, "Archive web1-full-1 does not exist\n", 1, PL_BK_WHY_OTHER, "" },
	{ PL_BK_RESTIC, "Fatal: pack 1234 is damaged\n", 1, PL_BK_WHY_OTHER, "" },
	{ PL_BK_RESTIC, "", 0, PL_BK_WHY_NO_JSON, "/usr/bin/restic snapshots printed no JSON" },
};

START_TEST(test_failure_kind)
{
	struct pl_bk_repo w = { .tool = failures[_i].tool, .repo = "/srv/restic" };
	struct pl_run_result rr;
	char out[700];
	enum pl_bk_why why;

	memset(&rr, 0, sizeof(rr));
	pl_buf_init(&rr.err, 4096);
	pl_buf_puts(&rr.err, failures[_i].err);
	rr.exited = true;
	rr.status = failures[_i].status;
	pl_strlcpy(rr.what, "/usr/bin/restic snapshots", sizeof(rr.what));
	why = pl_bk_failure(&rr, &w, out, sizeof(out));
	ck_assert_int_eq(why, failures[_i].why);
	ck_assert_msg(strncmp(out, failures[_i].msg, strlen(failures[_i].msg)) == 0,
		      "case %d: %s", _i, out);
	ck_assert_int_eq(pl_bk_why_setup(why), why != PL_BK_WHY_OTHER && why != PL_BK_WHY_NO_JSON);
	pl_buf_free(&rr.err);
}
END_TEST

TCase *
tc_bkcache(void)
{
	TCase *tc = tcase_create("bkcache");

	tcase_add_test(tc, test_round_trip);
	tcase_add_loop_test(tc, test_parse_bad, 0, (int)(sizeof(bad_texts) / sizeof(bad_texts[0])));
	tcase_add_test(tc, test_parse_too_many);
	tcase_add_test(tc, test_store_pieces);
	tcase_add_test(tc, test_fingerprint_restic);
	tcase_add_test(tc, test_fingerprint_borg);
	tcase_add_loop_test(tc, test_failure_kind, 0, (int)(sizeof(failures) / sizeof(failures[0])));
	return tc;
}
#endif
