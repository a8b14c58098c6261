/* Unit tests of lib/ext/pl_backup: restic and borg listings captured from the real tools
 * (tests/fixtures/backup/), broken ones, locks, status lines, class rules, the newest
 * per class and host, and the off-site match. */
#include "config.h"

#ifdef HAVE_JSONC
#include <math.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "pl_backup.h"
#include "pl_buf.h"
#include "pl_file.h"

TCase *tc_backup(void);

static void
fixture(const char *name, struct pl_buf *b)
{
	char path[1024], err[256];
	const char *f = getenv("FIXTURES");

	pl_snprintf(path, sizeof(path), "%s/backup/%s", f ? f : "tests/fixtures", name);
	pl_buf_init(b, 0);
	ck_assert_msg(pl_read_file(NULL, path, b, err, sizeof(err)) == 0, "%s", err);
}

START_TEST(test_restic_014)
{
	struct pl_buf b;
	struct pl_bk_list l;
	char err[256] = "";

	fixture("restic/snapshots-0.14.json", &b);
	ck_assert_msg(pl_restic_snapshots_parse(pl_buf_str(&b), b.len, &l, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_uint_eq(l.n, 3);
	ck_assert_uint_eq(l.skipped, 0);
	ck_assert_str_eq(l.v[0].host, "web1");
	ck_assert_str_eq(l.v[0].name, "24915f5a");
	ck_assert_uint_eq(l.v[0].ntags, 1);
	ck_assert_str_eq(l.v[0].tags[0], "full");
	ck_assert_uint_eq(l.v[0].npaths, 1);
	ck_assert_str_eq(l.v[0].paths[0], "/srv/data");
	ck_assert_int_eq(l.v[0].time.sec, 1796007600); /* 2026-11-30T03:00:00Z */
	ck_assert(isnan(l.v[0].size));                 /* 0.14 has no summary */
	ck_assert_str_eq(l.v[2].host, "db1");
	ck_assert_uint_eq(l.v[2].ntags, 2);
	ck_assert_ptr_nonnull(l.v[2].tree);
	pl_bk_list_free(&l);
	pl_buf_free(&b);
}
END_TEST

START_TEST(test_restic_017_summary)
{
	struct pl_buf b;
	struct pl_bk_list l;
	char err[256] = "";

	fixture("restic/snapshots-0.17.json", &b);
	ck_assert_msg(pl_restic_snapshots_parse(pl_buf_str(&b), b.len, &l, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_uint_eq(l.n, 2);
	ck_assert(l.v[0].size == 1073741824.0);
	ck_assert(l.v[0].files == 1200.0);
	/* +01:00 offset, nanoseconds kept */
	ck_assert_int_eq(l.v[0].time.sec, 1796007600 - 3600);
	ck_assert_int_eq(l.v[0].time.nsec, 123456789);
	ck_assert(l.v[1].size == 104857600.0);
	pl_bk_list_free(&l);
	pl_buf_free(&b);
}
END_TEST

START_TEST(test_restic_broken)
{
	static const struct {
		const char *file;
		int rc;
		const char *why;
		size_t n, skipped;
	} cases[] = {
		{ "restic/snapshots-empty.json", 0, NULL, 0, 0 },
		{ "restic/snapshots-truncated.json", -1, "not JSON", 0, 0 },
		{ "restic/snapshots-not-array.json", -1, "not a list", 0, 0 },
		{ "restic/snapshots-bad-fields.json", 0, NULL, 0, 2 },
		{ "borg/list-1.2.4.json", -1, "not a list", 0, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pl_buf b;
		struct pl_bk_list l;
		char err[256] = "";
		int rc;

		fixture(cases[i].file, &b);
		rc = pl_restic_snapshots_parse(pl_buf_str(&b), b.len, &l, err, sizeof(err));
		ck_assert_msg(rc == cases[i].rc, "%s: rc %d (%s)", cases[i].file, rc, err);
		if (rc == 0) {
			ck_assert_uint_eq(l.n, cases[i].n);
			ck_assert_uint_eq(l.skipped, cases[i].skipped);
			if (l.skipped)
				ck_assert_msg(strstr(l.first_bad, "entry 1: no valid \"time\"") != NULL,
					      "%s", l.first_bad);
		} else {
			ck_assert_msg(strstr(err, cases[i].why) != NULL, "%s: %s", cases[i].file, err);
		}
		pl_bk_list_free(&l);
		pl_buf_free(&b);
	}
}
END_TEST

/* borg info --json (borg 1.2.4): each archive's size and file count; broken ones. */
START_TEST(test_borg_info)
{
	struct pl_buf b;
	struct pl_borg_stat st[4];
	char err[256] = "";
	const char *two = "{\"archives\": [{\"name\": \"a\", \"stats\": {\"original_size\": 5, \"nfiles\": 1}},"
			  " {\"name\": \"b\", \"stats\": {\"original_size\": -1, \"nfiles\": 2}},"
			  " {\"name\": \"c\", \"stats\": {\"original_size\": \"5\", \"nfiles\": 2}},"
			  " {\"stats\": {\"original_size\": 5, \"nfiles\": 2}},"
			  " {\"name\": \"e\", \"stats\": {\"original_size\": 7.0, \"nfiles\": 3}}]}";

	fixture("borg/info-1.2.4.json", &b);
	ck_assert_msg(pl_borg_info_parse(pl_buf_str(&b), b.len, st, 4, err, sizeof(err)) == 1,
		      "%s", err);
	ck_assert_str_eq(st[0].name, "web1-full-1");
	ck_assert(st[0].size == 20006);
	ck_assert(st[0].files == 2);
	pl_buf_free(&b);
	ck_assert_int_eq(pl_borg_info_parse(two, strlen(two), st, 4, err, sizeof(err)), 2);
	ck_assert_str_eq(st[0].name, "a");
	ck_assert_str_eq(st[1].name, "e");
	ck_assert(st[1].size == 7 && st[1].files == 3);
	ck_assert_int_eq(pl_borg_info_parse(two, strlen(two), st, 1, err, sizeof(err)), 1);
	ck_assert_int_eq(pl_borg_info_parse("{\"archives\": []}", 16, st, 4, err, sizeof(err)), 0);
	ck_assert_int_eq(pl_borg_info_parse("{}", 2, st, 4, err, sizeof(err)), -1);
	ck_assert_int_eq(pl_borg_info_parse("[", 1, st, 4, err, sizeof(err)), -1);
	ck_assert_msg(strncmp(err, "not JSON", 8) == 0, "%s", err);
}
END_TEST

START_TEST(test_borg_list)
{
	struct pl_buf b;
	struct pl_bk_list l;
	char err[256] = "";

	fixture("borg/list-1.2.4.json", &b);
	ck_assert_msg(pl_borg_list_parse(pl_buf_str(&b), b.len, &l, err, sizeof(err)) == 0, "%s",
		      err);
	ck_assert_uint_eq(l.n, 3);
	ck_assert_str_eq(l.v[0].name, "web1-full-2026-11-30");
	ck_assert_str_eq(l.v[0].host, "vm");
	ck_assert_int_eq(l.v[0].time.sec, 1796007600);
	ck_assert(!l.v[0].checkpoint);
	ck_assert(l.v[2].checkpoint);
	ck_assert(isnan(l.v[0].size));
	pl_bk_list_free(&l);
	pl_buf_free(&b);

	fixture("borg/list-plain-1.2.4.json", &b);
	ck_assert(pl_borg_list_parse(pl_buf_str(&b), b.len, &l, err, sizeof(err)) == 0);
	ck_assert_uint_eq(l.n, 2);
	ck_assert_str_eq(l.v[0].host, ""); /* no --format '{hostname}' */
	pl_bk_list_free(&l);
	pl_buf_free(&b);

	fixture("borg/list-empty.json", &b);
	ck_assert(pl_borg_list_parse(pl_buf_str(&b), b.len, &l, err, sizeof(err)) == 0);
	ck_assert_uint_eq(l.n, 0);
	pl_bk_list_free(&l);
	pl_buf_free(&b);

	fixture("restic/snapshots-0.14.json", &b);
	ck_assert(pl_borg_list_parse(pl_buf_str(&b), b.len, &l, err, sizeof(err)) == -1);
	ck_assert_msg(strstr(err, "archives") != NULL, "%s", err);
	pl_buf_free(&b);
}
END_TEST

START_TEST(test_locks)
{
	struct pl_buf b;
	struct pl_bk_lock lk[4];
	char err[256] = "";

	fixture("restic/lock-0.14.json", &b);
	ck_assert_msg(pl_restic_lock_parse(pl_buf_str(&b), b.len, &lk[0], err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_str_eq(lk[0].host, "vm");
	ck_assert_int_eq(lk[0].pid, 11333);
	ck_assert(!lk[0].exclusive);
	ck_assert(lk[0].has_time);
	pl_buf_free(&b);
	ck_assert(pl_restic_lock_parse("[]", 2, &lk[0], err, sizeof(err)) == -1);
	ck_assert(pl_restic_lock_parse("{}", 2, &lk[0], err, sizeof(err)) == -1);

	fixture("borg/lock.roster-1.2.4.json", &b);
	ck_assert_int_eq(pl_borg_roster_parse(pl_buf_str(&b), b.len, lk, 4, err, sizeof(err)), 1);
	ck_assert_str_eq(lk[0].host, "vm");
	ck_assert_int_eq(lk[0].pid, 31700);
	ck_assert(lk[0].exclusive);
	pl_buf_free(&b);
	ck_assert_int_eq(pl_borg_roster_parse("{}", 2, lk, 4, err, sizeof(err)), 0);
	ck_assert_int_eq(pl_borg_roster_parse("{\"exclusive\": [[1, 2]]}", 23, lk, 4, err,
					      sizeof(err)), -1);
}
END_TEST

/* borg's lock.exclusive/ entry names and whose host a lock is (borg 1.2.4 writes
 * FQDN@NODE; 1.0 the plain hostname; BORG_HOST_ID anything). */
START_TEST(test_borg_lock_host)
{
	const char *roster = "{\"exclusive\": [[\"web1.example.org@3281355014145\", 2831, 0]], "
			     "\"shared\": [[\"web2@1\", 7, 0]]}";
	const uint64_t nodes[] = { 0x2fc00000001ULL, 0x32b055fcbe65ULL };
	struct pl_bk_self self = { "web1", "web1.example.org", NULL, nodes, 2 };
	struct pl_bk_lock lk[4];
	char err[256] = "";

	ck_assert_int_eq(pl_borg_roster_parse(roster, strlen(roster), lk, 4, err, sizeof(err)), 2);
	ck_assert_str_eq(lk[0].id, "web1.example.org@3281355014145");
	ck_assert_str_eq(lk[0].host, "web1.example.org");
	ck_assert_str_eq(lk[1].host, "web2");
	ck_assert(!lk[1].exclusive);
	/* The FQDN form on a host whose hostname is short: this host's. */
	ck_assert(pl_borg_lock_here(&lk[0], &self));
	ck_assert(!pl_borg_lock_here(&lk[1], &self));
	/* The same name with a node that is no MAC of this host: a clone's. */
	ck_assert_int_eq(pl_borg_lockname_parse("web1.example.org@1099511627774.2831-0", &lk[2]), 0);
	ck_assert(!pl_borg_lock_here(&lk[2], &self));
	/* A random node (multicast bit: borg found no MAC) is not compared. */
	ck_assert_int_eq(pl_borg_lockname_parse("web1.example.org@1099511627777.2831-0", &lk[2]), 0);
	ck_assert(pl_borg_lock_here(&lk[2], &self));
	/* Without the FQDN (resolution failed), or a hostname written as FQDN. */
	self.fqdn = NULL;
	ck_assert(!pl_borg_lock_here(&lk[0], &self));
	self.hostname = "web1.example.org";
	ck_assert(pl_borg_lock_here(&lk[0], &self));
	/* borg 1.0: the plain hostname, a thread id in hex. */
	ck_assert_int_eq(pl_borg_lockname_parse("web1.4242-7f3a2b", &lk[2]), 0);
	ck_assert_str_eq(lk[2].host, "web1");
	ck_assert_str_eq(lk[2].id, "web1");
	ck_assert_int_eq(lk[2].pid, 4242);
	ck_assert(lk[2].exclusive);
	ck_assert(pl_borg_lock_here(&lk[2], &self));
	/* BORG_HOST_ID: only the same id is this host's. */
	self.host_id = "job-1";
	ck_assert(!pl_borg_lock_here(&lk[0], &self));
	ck_assert_int_eq(pl_borg_lockname_parse("job-1.99-0", &lk[2]), 0);
	ck_assert_str_eq(lk[2].id, "job-1");
	ck_assert(pl_borg_lock_here(&lk[2], &self));
	/* Not borg's form. */
	ck_assert_int_eq(pl_borg_lockname_parse("web1", &lk[2]), -1);
	ck_assert_int_eq(pl_borg_lockname_parse("web1.x-0", &lk[2]), -1);
	ck_assert_int_eq(pl_borg_lockname_parse(".12-0", &lk[2]), -1);
	ck_assert_int_eq(pl_borg_lockname_parse("web1.12-", &lk[2]), -1);
	ck_assert_int_eq(pl_borg_lockname_parse("web1.-0", &lk[2]), -1);
	ck_assert_int_eq(pl_borg_lockname_parse("web1.0-1", &lk[2]), -1);
	ck_assert_int_eq(pl_borg_lockname_parse("checkpoint 01.0-32122835", &lk[2]), -1);
	ck_assert_int_eq(pl_borg_lockname_parse("web1.99999999999-0", &lk[2]), -1);
}
END_TEST

START_TEST(test_status)
{
	struct pl_buf b;
	struct pl_bk_status st;
	char err[256] = "";

	fixture("status/failed.status", &b);
	ck_assert_msg(pl_bk_status_parse(pl_buf_str(&b), b.len, &st, err, sizeof(err)) == 0, "%s",
		      err);
	ck_assert_int_eq(st.exit, 1);
	ck_assert_str_eq(st.cls, "incremental");
	ck_assert_str_eq(st.message, "Fatal: unable to save snapshot");
	ck_assert_uint_eq(st.lineno, 2);
	pl_buf_free(&b);

	fixture("status/ok.status", &b);
	ck_assert(pl_bk_status_parse(pl_buf_str(&b), b.len, &st, err, sizeof(err)) == 0);
	ck_assert_int_eq(st.exit, 0);
	ck_assert_str_eq(st.cls, "");
	pl_buf_free(&b);

	fixture("status/failed-json.status", &b);
	ck_assert(pl_bk_status_parse(pl_buf_str(&b), b.len, &st, err, sizeof(err)) == 0);
	ck_assert_int_eq(st.exit, 3);
	ck_assert_str_eq(st.cls, "full");
	ck_assert_str_eq(st.message, "repository is locked");
	pl_buf_free(&b);

	fixture("status/garbage.status", &b);
	ck_assert(pl_bk_status_parse(pl_buf_str(&b), b.len, &st, err, sizeof(err)) == -1);
	ck_assert_msg(strstr(err, "line 1") != NULL && strstr(err, "garbage") == NULL, "%s", err);
	pl_buf_free(&b);

	ck_assert_int_eq(pl_bk_status_parse("\n  \n", 4, &st, err, sizeof(err)), 1);
	ck_assert_int_eq(pl_bk_status_parse("2026-12-01T02:00:00Z exit=256\n", 30, &st, err,
					    sizeof(err)), -1);
	ck_assert_int_eq(pl_bk_status_parse("2026-12-01T02:00:00Z exit=\n", 27, &st, err,
					    sizeof(err)), -1);
	ck_assert_int_eq(pl_bk_status_parse("2026-12-01 02:00:00 exit=0\n", 27, &st, err,
					    sizeof(err)), -1);
	ck_assert_int_eq(pl_bk_status_parse("2026-12-01T02:00:00Z exit=2 msg\x01x", 33, &st, err,
					    sizeof(err)), 0);
	ck_assert_str_eq(st.message, "msg?x");
}
END_TEST

START_TEST(test_match_latest)
{
	struct pl_buf b;
	struct pl_bk_list l;
	struct pl_bk_match m;
	char err[256] = "", rule[64];
	bool take[8];
	long newest, prev;
	size_t count;
	regex_t re;

	fixture("restic/snapshots-0.14.json", &b);
	ck_assert(pl_restic_snapshots_parse(pl_buf_str(&b), b.len, &l, err, sizeof(err)) == 0);

	pl_strlcpy(rule, "tag:full", sizeof(rule));
	ck_assert(pl_bk_match_parse(rule, &m, err, sizeof(err)) == 0);
	for (size_t i = 0; i < l.n; i++)
		take[i] = pl_bk_match(&m, &l.v[i]);
	ck_assert(take[0] && !take[1] && take[2]);
	/* per host, never across hosts */
	newest = pl_bk_latest(&l, take, "web1", &prev, &count);
	ck_assert_int_eq(newest, 0);
	ck_assert_int_eq(prev, -1);
	ck_assert_uint_eq(count, 1);
	newest = pl_bk_latest(&l, take, "db1", &prev, &count);
	ck_assert_int_eq(newest, 2);
	newest = pl_bk_latest(&l, take, "nohost", &prev, &count);
	ck_assert_int_eq(newest, -1);
	ck_assert_uint_eq(count, 0);
	/* any host: the newest of all, the one before */
	newest = pl_bk_latest(&l, NULL, NULL, &prev, &count);
	ck_assert_int_eq(newest, 2);
	ck_assert_int_eq(prev, 1);
	ck_assert_uint_eq(count, 3);

	pl_strlcpy(rule, "tag:full,host:db*,path:/srv/*", sizeof(rule));
	ck_assert(pl_bk_match_parse(rule, &m, err, sizeof(err)) == 0);
	ck_assert(!pl_bk_match(&m, &l.v[0]) && pl_bk_match(&m, &l.v[2]));
	pl_strlcpy(rule, "any", sizeof(rule));
	ck_assert(pl_bk_match_parse(rule, &m, err, sizeof(err)) == 0);
	ck_assert(pl_bk_match(&m, &l.v[1]));
	pl_strlcpy(rule, "regex:^2886", sizeof(rule));
	ck_assert(pl_bk_match_parse(rule, &m, err, sizeof(err)) == 0);
	ck_assert(regcomp(&re, m.regex, REG_EXTENDED | REG_NOSUB) == 0);
	m.re = &re;
	ck_assert(pl_bk_match(&m, &l.v[1]) && !pl_bk_match(&m, &l.v[0]));
	regfree(&re);
	pl_strlcpy(rule, "colour:red", sizeof(rule));
	ck_assert(pl_bk_match_parse(rule, &m, err, sizeof(err)) == -1);
	pl_strlcpy(rule, "tag:", sizeof(rule));
	ck_assert(pl_bk_match_parse(rule, &m, err, sizeof(err)) == -1);

	/* off-site: a copy keeps time, host and paths */
	ck_assert(pl_bk_same(&l.v[0], &l.v[0]));
	ck_assert(!pl_bk_same(&l.v[0], &l.v[1])); /* same tree, another time */
	pl_bk_list_free(&l);
	pl_buf_free(&b);

	/* borg: checkpoints are never the newest */
	fixture("borg/list-1.2.4.json", &b);
	ck_assert(pl_borg_list_parse(pl_buf_str(&b), b.len, &l, err, sizeof(err)) == 0);
	newest = pl_bk_latest(&l, NULL, "vm", &prev, &count);
	ck_assert_int_eq(newest, 1);
	ck_assert_int_eq(prev, 0);
	ck_assert_uint_eq(count, 2);
	pl_strlcpy(rule, "name:*-full-*", sizeof(rule));
	ck_assert(pl_bk_match_parse(rule, &m, err, sizeof(err)) == 0);
	ck_assert(pl_bk_match(&m, &l.v[0]) && !pl_bk_match(&m, &l.v[1]));
	ck_assert(pl_bk_same(&l.v[0], &l.v[0]) && !pl_bk_same(&l.v[0], &l.v[1]));
	pl_bk_list_free(&l);
	pl_buf_free(&b);

	/* files: name and size */
	{
		struct pl_bk a, c;

		memset(&a, 0, sizeof(a));
		a.name = (char *)"full-2026-12-01.tar";
		a.host = (char *)"";
		a.size = 100;
		c = a;
		ck_assert(pl_bk_same(&a, &c));
		c.size = 99;
		ck_assert(!pl_bk_same(&a, &c));
		c.size = NAN;
		ck_assert(pl_bk_same(&a, &c));
	}
}
END_TEST

TCase *
tc_backup(void)
{
	TCase *tc = tcase_create("backup");

	tcase_add_test(tc, test_restic_014);
	tcase_add_test(tc, test_restic_017_summary);
	tcase_add_test(tc, test_restic_broken);
	tcase_add_test(tc, test_borg_list);
	tcase_add_test(tc, test_borg_info);
	tcase_add_test(tc, test_locks);
	tcase_add_test(tc, test_borg_lock_host);
	tcase_add_test(tc, test_status);
	tcase_add_test(tc, test_match_latest);
	return tc;
}
#endif
