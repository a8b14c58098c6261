#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pl_buf.h"
#include "pl_dbconns.h"
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

TCase *
tc_dbconns(void)
{
	TCase *tc = tcase_create("dbconns");

	tcase_add_loop_test(tc, test_tightest, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, test_label_cut);
	tcase_add_test(tc, test_pg_states);
	tcase_add_test(tc, test_groups);
	return tc;
}
