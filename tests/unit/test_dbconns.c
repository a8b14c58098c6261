#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pl_buf.h"
#include "pl_dbconns.h"
#include "pl_file.h"
#include "tests.h"

/* A sample with one database and one role/user of the given counts and limits. */
static void
sample(struct pl_db_sample *s, bool mysql, long count, long max, long reserved, long db_n,
       long db_limit, long user_n, long user_limit)
{
	pl_db_sample_init(s);
	s->mysql = mysql;
	s->count = count;
	s->max_connections = max;
	s->reserved = reserved;
	pl_snprintf(s->reserved_text, sizeof(s->reserved_text), "%ld superuser_reserved_connections",
		    reserved);
	pl_db_group(&s->dbs, &s->ndbs, "app")->count = db_n;
	s->dbs[0].limit = db_limit;
	pl_db_group(&s->users, &s->nusers, "u\x1b")->count = user_n;
	if (mysql)
		s->user_limit = user_limit;
	else
		s->users[0].limit = user_limit;
}

static const struct {
	bool mysql;
	long count, max, reserved, db_n, db_limit, user_n, user_limit;
	enum pl_db_limit_kind kind;
	long used, limit, left;
	double pct;
	const char *what, *label;
} cases[] = {
	/* the server alone: max_connections - reserved */
	{ false, 10, 100, 3, 0, -1, 0, -1, PL_DBL_SERVER, 10, 97, 87, 1000.0 / 97,
	  "max_connections (100) - 3 superuser_reserved_connections", "max_connections" },
	{ false, 10, 100, 0, 0, -1, 0, -1, PL_DBL_SERVER, 10, 100, 90, 10, "max_connections",
	  "max_connections" },
	/* a database with fewer slots left wins, though less used in percent */
	{ false, 90, 100, 0, 5, 8, 0, -1, PL_DBL_DATABASE, 5, 8, 3, 62.5,
	  "datconnlimit of database app", "database app's limit" },
	/* a role; its name escaped in the text */
	{ false, 10, 100, 0, 5, 20, 4, 5, PL_DBL_ROLE, 4, 5, 1, 80, "rolconnlimit of role u\\x1b",
	  "role u\\x1b's limit" },
	/* equal slots left: the one used most in percent; a limit of 0 is none */
	{ false, 97, 100, 0, 0, 0, 1, 4, PL_DBL_SERVER, 97, 100, 3, 97, "max_connections",
	  "max_connections" },
	/* over the limit (superusers in the reserved slots): 0 left, over 100% */
	{ false, 99, 100, 3, 0, -1, 0, -1, PL_DBL_SERVER, 99, 97, 0, 9900.0 / 97,
	  "max_connections (100) - 3 superuser_reserved_connections", "max_connections" },
	/* MySQL: max_user_connections for each user */
	{ true, 5, 30, 0, 3, -1, 3, 5, PL_DBL_USER, 3, 5, 2, 60,
	  "max_user_connections for user u\\x1b", "user u\\x1b's limit" },
	{ true, 5, 30, 0, 3, -1, 3, 0, PL_DBL_SERVER, 5, 30, 25, 500.0 / 30, "max_connections",
	  "max_connections" },
	/* no limit at all */
	{ false, 5, 0, 0, 0, -1, 0, -1, PL_DBL_NONE, 0, 0, 0, 0, "", "" },
};

START_TEST(test_tightest)
{
	struct pl_db_sample s;
	struct pl_db_headroom h;

	sample(&s, cases[_i].mysql, cases[_i].count, cases[_i].max, cases[_i].reserved,
	       cases[_i].db_n, cases[_i].db_limit, cases[_i].user_n, cases[_i].user_limit);
	pl_db_tightest(&s, &h);
	ck_assert_int_eq(h.kind, cases[_i].kind);
	ck_assert_int_eq(h.used, cases[_i].used);
	ck_assert_int_eq(h.limit, cases[_i].limit);
	ck_assert_int_eq(h.left, cases[_i].left);
	ck_assert_double_eq_tol(h.pct, cases[_i].pct, 1e-9);
	ck_assert_str_eq(h.what, cases[_i].what);
	ck_assert_str_eq(h.label, cases[_i].label);
	pl_db_sample_free(&s);
}
END_TEST

/* A long name is cut in the short label (the long text keeps it). */
START_TEST(test_label_cut)
{
	struct pl_db_sample s;
	struct pl_db_headroom h;

	pl_db_sample_init(&s);
	s.count = 3;
	s.max_connections = 100;
	pl_db_group(&s.dbs, &s.ndbs, "a_database_name_of_forty_bytes_or_so_x")->count = 3;
	s.dbs[0].limit = 4;
	pl_db_tightest(&s, &h);
	ck_assert_str_eq(h.label, "database a_database_name_of_forty_bytes_o...'s limit");
	ck_assert_str_eq(h.what, "datconnlimit of database a_database_name_of_forty_bytes_or_so_x");
	pl_db_sample_free(&s);
}
END_TEST

START_TEST(test_pg_states)
{
	ck_assert_int_eq(pl_db_pg_state("active"), PL_DBS_ACTIVE);
	ck_assert_int_eq(pl_db_pg_state("idle"), PL_DBS_IDLE);
	ck_assert_int_eq(pl_db_pg_state("idle in transaction"), PL_DBS_IDLE_TX);
	ck_assert_int_eq(pl_db_pg_state("idle in transaction (aborted)"), PL_DBS_IDLE_TX);
	ck_assert_int_eq(pl_db_pg_state("fastpath function call"), PL_DBS_OTHER);
	ck_assert_int_eq(pl_db_pg_state(""), PL_DBS_OTHER);
}
END_TEST

START_TEST(test_groups)
{
	struct pl_db_group *v = NULL;
	size_t n = 0;

	ck_assert_ptr_eq(pl_db_group(&v, &n, "a"), &v[0]);
	pl_db_group(&v, &n, "b")->count = 2;
	ck_assert_ptr_eq(pl_db_group(&v, &n, "b"), &v[1]);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(v[1].count, 2);
	ck_assert_int_eq(v[0].limit, -1);
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}
END_TEST

/* tests/fixtures/db/NAME parsed into r. */
static void
reply_fixture(const char *name, struct pl_db_reply *r)
{
	struct pl_buf b = PL_BUF_INIT;
	char root[4096], path[64], err[256];

	pl_snprintf(root, sizeof(root), "%s/db", fixtures_dir());
	pl_snprintf(path, sizeof(path), "/%s", name);
	ck_assert_int_eq(pl_read_file(root, path, &b, err, sizeof(err)), 0);
	ck_assert_msg(pl_db_reply_parse(pl_buf_str(&b), b.len, r, err, sizeof(err)) == 0, "%s",
		      err);
	pl_buf_free(&b);
}

static const struct pl_db_group *
find(const struct pl_db_group *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return &v[i];
	ck_abort_msg("no group %s", name);
	return NULL;
}

/* PostgreSQL 15's answer to pl_pg's round trip, captured: 5 client backends, a database
 * and a role with limits. */
START_TEST(test_pg_reply)
{
	struct pl_db_reply r;
	struct pl_db_sample s;
	struct pl_db_headroom h;
	char err[256];

	reply_fixture("pg15-reply.txt", &r);
	ck_assert_uint_eq(r.n, 4);
	pl_db_sample_init(&s);
	for (unsigned i = 0; i < r.n; i++)
		ck_assert_msg(pl_db_pg_take(i, &r.set[i], &s, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(pl_db_pg_take(4, &r.set[0], &s, err, sizeof(err)), -1);
	ck_assert_str_eq(s.server, "PostgreSQL 15.20 (Debian 15.20-0+deb12u1)");
	ck_assert_int_eq(s.max_connections, 20);
	ck_assert_int_eq(s.reserved, 3);
	ck_assert_int_eq(s.count, 5);
	ck_assert_int_eq(s.states[PL_DBS_ACTIVE], 1);
	ck_assert_int_eq(s.states[PL_DBS_IDLE], 3);
	ck_assert_int_eq(s.states[PL_DBS_IDLE_TX], 1);
	ck_assert_double_eq_tol(s.oldest_idle_tx, 3.006504, 1e-9);
	ck_assert_int_eq(find(s.dbs, s.ndbs, "appdb")->count, 3);
	ck_assert_int_eq(find(s.dbs, s.ndbs, "appdb")->limit, 6);
	ck_assert_int_eq(find(s.dbs, s.ndbs, "template1")->count, 0);
	ck_assert_int_eq(find(s.users, s.nusers, "app")->count, 2);
	ck_assert_int_eq(find(s.users, s.nusers, "app")->limit, 4);
	ck_assert_int_eq(find(s.users, s.nusers, "we ird")->limit, 2);
	pl_db_tightest(&s, &h);
	ck_assert_int_eq(h.kind, PL_DBL_ROLE);
	ck_assert_str_eq(h.name, "app");
	ck_assert_int_eq(h.left, 2);
	pl_db_sample_free(&s);
	pl_db_reply_free(&r);
}
END_TEST

/* MariaDB 10.11's answer to pl_my's round trip, captured: app's own limit (3 on one
 * host, 4 on another: the smallest) is the tightest, not the global 5. */
START_TEST(test_my_reply)
{
	struct pl_db_reply r;
	struct pl_db_sample s;
	struct pl_db_headroom h;
	uint64_t v[PL_MY_NSTATUS];
	char err[256];

	reply_fixture("mariadb-reply.txt", &r);
	ck_assert_uint_eq(r.n, 4);
	pl_db_sample_init(&s);
	s.mysql = true;
	ck_assert_int_eq(pl_db_my_limits_take(&r.set[0], &s, err, sizeof(err)), 0);
	ck_assert_int_eq(pl_db_my_status_take(&r.set[1], v, err, sizeof(err)), 0);
	ck_assert_int_eq(pl_db_my_threads_take(&r.set[2], &s, err, sizeof(err)), 0);
	ck_assert_int_eq(s.max_connections, 30);
	ck_assert_int_eq(s.user_limit, 5);
	ck_assert(!s.partial_view);
	ck_assert_uint_eq(v[PL_MY_THREADS_CONNECTED], 5);
	ck_assert_uint_eq(v[PL_MY_THREADS_RUNNING], 2);
	ck_assert_uint_eq(v[PL_MY_ABORTED_CONNECTS], 1);
	ck_assert_uint_eq(v[PL_MY_MAX_USED], 5);
	s.count = 4;
	ck_assert_int_eq(s.states[PL_DBS_ACTIVE], 1);
	ck_assert_int_eq(s.states[PL_DBS_IDLE], 2);
	ck_assert_int_eq(s.states[PL_DBS_IDLE_TX], 1);
	ck_assert_double_eq(s.oldest_idle_tx, 10);
	ck_assert_int_eq(find(s.dbs, s.ndbs, "appdb")->count, 3);
	ck_assert_int_eq(find(s.users, s.nusers, "root")->count, 1);
	/* without the accounts: app 3 of the global 5 */
	pl_db_tightest(&s, &h);
	ck_assert_str_eq(h.what, "max_user_connections for user app");
	ck_assert_int_eq(h.left, 2);
	ck_assert(!s.accounts_read);
	ck_assert_int_eq(pl_db_my_accounts_take(&r.set[3], &s, err, sizeof(err)), 0);
	ck_assert(s.accounts_read);
	ck_assert_int_eq(find(s.users, s.nusers, "app")->limit, 3);
	ck_assert_int_eq(find(s.users, s.nusers, "lim")->limit, 2);
	pl_db_tightest(&s, &h);
	ck_assert_int_eq(h.kind, PL_DBL_USER);
	ck_assert_str_eq(h.what, "max_user_connections of account app");
	ck_assert_str_eq(h.label, "user app's limit");
	ck_assert_int_eq(h.used, 3);
	ck_assert_int_eq(h.limit, 3);
	ck_assert_int_eq(h.left, 0);
	pl_db_sample_free(&s);
	pl_db_reply_free(&r);
}
END_TEST

/* The session's max_user_connections is the account's own where it differs. */
START_TEST(test_my_own_limit)
{
	static const char *const row[] = { "30", "5", "0", "lim", "2" };
	static const char *const same[] = { "30", "5", "1", "root", "5" };
	struct pl_db_rows t = { 1, 5, row };
	struct pl_db_sample s;
	char err[256];

	pl_db_sample_init(&s);
	s.mysql = true;
	ck_assert_int_eq(pl_db_my_limits_take(&t, &s, err, sizeof(err)), 0);
	ck_assert(s.partial_view);
	ck_assert_uint_eq(s.nusers, 1);
	ck_assert_int_eq(find(s.users, s.nusers, "lim")->limit, 2);
	pl_db_sample_free(&s);
	t.cell = same;
	pl_db_sample_init(&s);
	ck_assert_int_eq(pl_db_my_limits_take(&t, &s, err, sizeof(err)), 0);
	ck_assert_uint_eq(s.nusers, 0);
	/* three columns (an older shape) still read */
	t.cols = 3;
	ck_assert_int_eq(pl_db_my_limits_take(&t, &s, err, sizeof(err)), 0);
	t.cols = 2;
	ck_assert_int_eq(pl_db_my_limits_take(&t, &s, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "max_connections or max_user_connections is not a number");
	pl_db_sample_free(&s);
}
END_TEST

/* Refusals of the text form say where. */
START_TEST(test_reply_bad)
{
	static const struct { const char *text, *err; } bad[] = {
		{ "a\tb\n", "line 1: a row before \"= COLUMNS\"" },
		{ "= 2\na\n", "line 2: 1 cells, not 2" },
		{ "= 1\na\tb\n", "line 2: more than 1 cells" },
		{ "= 0\n", "line 1: not \"= COLUMNS\" (1 to 16)" },
		{ "=17\n", "line 1: not \"= COLUMNS\" (1 to 16)" },
		{ "= 1\n= 1\n= 1\n= 1\n= 1\n= 1\n= 1\n= 1\n= 1\n", "line 9: more than 8 result sets" },
	};
	struct pl_db_reply r;
	char err[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(pl_db_reply_parse(bad[i].text, strlen(bad[i].text), &r, err,
						   sizeof(err)), -1);
		ck_assert_str_eq(err, bad[i].err);
	}
	ck_assert_int_eq(pl_db_reply_parse("= 2\n\\N\t\n= 1\n", 12, &r, err, sizeof(err)), 0);
	ck_assert_uint_eq(r.n, 2);
	ck_assert_uint_eq(r.set[0].rows, 1);
	ck_assert_ptr_null(pl_db_cell(&r.set[0], 0, 0));
	ck_assert_str_eq(pl_db_cell(&r.set[0], 0, 1), "");
	ck_assert_ptr_null(pl_db_cell(&r.set[0], 1, 0));
	ck_assert_uint_eq(r.set[1].rows, 0);
	pl_db_reply_free(&r);
}
END_TEST

TCase *
tc_dbconns(void)
{
	TCase *tc = tcase_create("dbconns");

	tcase_add_loop_test(tc, test_tightest, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, test_label_cut);
	tcase_add_test(tc, test_pg_states);
	tcase_add_test(tc, test_groups);
	tcase_add_test(tc, test_pg_reply);
	tcase_add_test(tc, test_my_reply);
	tcase_add_test(tc, test_my_own_limit);
	tcase_add_test(tc, test_reply_bad);
	return tc;
}
