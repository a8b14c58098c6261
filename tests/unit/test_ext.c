/* Unit tests of lib/ext: the modules that link an outside library. One program per
 * library set, so that a build without one still runs the others: this file holds the
 * json-c module's cases under HAVE_JSONC and libcrypto's under HAVE_LIBCRYPTO, and its
 * main() runs what was built in. */
#include "config.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#ifdef HAVE_YAJL
TCase *tc_icinga_api(void);   /* test_icinga_api.c */
#endif
#ifdef HAVE_LIBPQ
#include "pl_pg.h"
#endif
#ifdef HAVE_LIBMARIADB
#include "pl_my.h"
#endif
#ifdef HAVE_JSONC
#include "pl_json.h"

TCase *tc_backup(void);   /* test_backup.c */
TCase *tc_bkcache(void);  /* test_bkcache.c */
#ifdef HAVE_LIBCRYPTO
TCase *tc_notify(void);   /* test_notify.c */
#endif
TCase *tc_drill(void);    /* test_drill.c */
TCase *tc_eve(void);      /* test_eve.c */
#endif
#ifdef HAVE_LIBCRYPTO
#include "pl_sha256.h"
#endif

#ifdef HAVE_JSONC
START_TEST(test_json_parse_good)
{
	char err[128] = "";
	struct json_object *o = pl_json_parse("{\"a\": {\"b\": [1, 2]}, \"s\": \"x\"}\n", 31,
					      err, sizeof(err));

	ck_assert_msg(o != NULL, "%s", err);
	ck_assert_ptr_nonnull(pl_json_arr(pl_json_obj(o, "a"), "b"));
	ck_assert_str_eq(pl_json_str(o, "s"), "x");
	json_object_put(o);

	/* A top-level scalar has no closing mark: it still parses. */
	o = pl_json_parse("12", 2, err, sizeof(err));
	ck_assert_msg(o != NULL, "%s", err);
	ck_assert_int_eq(json_object_get_int64(o), 12);
	json_object_put(o);
	/* Not NUL-terminated: only len bytes count. */
	o = pl_json_parse("[1]garbage", 3, err, sizeof(err));
	ck_assert_msg(o != NULL, "%s", err);
	json_object_put(o);
}
END_TEST

START_TEST(test_json_parse_bad)
{
	static const struct {
		const char *text;
		const char *why;
	} bad[] = {
		{"", "empty input"},
		{"  \n ", "empty input"},
		{"{\"a\": 1", "ends before"},
		{"{\"a\": 1}\n{\"b\": 2}", "line 2, column 1"},
		{"[1] x", "line 1, column 5"},
		{"{\"a\":\n  tru}", "line 2"},
		{"[1,]", "column"},
	};
	char err[128];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		struct json_object *o = pl_json_parse(bad[i].text, strlen(bad[i].text), err,
						      sizeof(err));
		ck_assert_msg(o == NULL, "'%s' parsed", bad[i].text);
		ck_assert_msg(strstr(err, bad[i].why) != NULL, "'%s': '%s' lacks '%s'",
			      bad[i].text, err, bad[i].why);
	}
}
END_TEST

START_TEST(test_json_depth_cap)
{
	char text[2 * (PL_JSON_MAX_DEPTH + 10)];
	char err[128] = "";
	size_t n = PL_JSON_MAX_DEPTH + 10;

	memset(text, '[', n);
	memset(text + n, ']', n);
	ck_assert_ptr_null(pl_json_parse(text, 2 * n, err, sizeof(err)));
	ck_assert_msg(strstr(err, "depth") != NULL || strstr(err, "nest") != NULL, "%s", err);
}
END_TEST

START_TEST(test_json_typed)
{
	static const char doc[] = "{\"i\": 5, \"d\": 2.0, \"f\": 2.5, \"s\": \"12\", "
				  "\"b\": true, \"big\": 1e300, \"n\": null, "
				  "\"o\": {\"p\": {\"q\": 7}}, \"u64\": 18446744073709551615, "
				  "\"huge\": 123456789012345678901234567890, "
				  "\"neg\": -9223372036854775809, \"d53\": 9007199254740993.0, "
				  "\"d52\": 4503599627370496.0}";
	char err[128] = "";
	struct json_object *o = pl_json_parse(doc, sizeof(doc) - 1, err, sizeof(err));
	int64_t i = 0;
	double d = 0;
	bool b = false;

	ck_assert_msg(o != NULL, "%s", err);
	ck_assert_int_eq(pl_json_int(o, "i", &i), 0);
	ck_assert_int_eq(i, 5);
	ck_assert_int_eq(pl_json_int(o, "d", &i), 0);
	ck_assert_int_eq(i, 2);
	ck_assert_int_eq(pl_json_int(o, "f", &i), -1);   /* a fraction is no integer */
	ck_assert_int_eq(pl_json_int(o, "s", &i), -1);   /* a string is no number */
	ck_assert_int_eq(pl_json_int(o, "big", &i), -1); /* outside int64 */
	ck_assert_int_eq(pl_json_int(o, "missing", &i), -1);
	/* Too large for int64: json-c clamps, the getter refuses (never a wrong value). */
	ck_assert_int_eq(pl_json_int(o, "u64", &i), -1);
	ck_assert_int_eq(pl_json_int(o, "huge", &i), -1);
	ck_assert_int_eq(pl_json_int(o, "neg", &i), -1);
	ck_assert_int_eq(pl_json_int(o, "d53", &i), -1);   /* past 2^53 */
	ck_assert_int_eq(pl_json_int(o, "d52", &i), 0);
	ck_assert_int_eq(i, 4503599627370496);
	ck_assert_int_eq(pl_json_num(o, "f", &d), 0);
	ck_assert(d == 2.5);
	ck_assert_int_eq(pl_json_num(o, "s", &d), -1);
	ck_assert_ptr_null(pl_json_str(o, "i"));         /* an integer is no string */
	ck_assert_ptr_null(pl_json_str(o, "n"));
	ck_assert_int_eq(pl_json_bool(o, "b", &b), 0);
	ck_assert(b);
	ck_assert_int_eq(pl_json_bool(o, "i", &b), -1);
	ck_assert_ptr_null(pl_json_obj(o, "s"));
	ck_assert_ptr_null(pl_json_get(json_object_object_get(o, "i"), "x")); /* not an object */
	ck_assert_int_eq(pl_json_int(pl_json_path(o, "o.p"), "q", &i), 0);
	ck_assert_int_eq(i, 7);
	ck_assert_ptr_nonnull(pl_json_path(o, "o.p.q"));
	ck_assert_ptr_null(pl_json_path(o, "o.x.q"));
	ck_assert_ptr_null(pl_json_path(o, "o..p"));
	ck_assert_ptr_null(pl_json_path(o, "o."));
	ck_assert_ptr_null(pl_json_path(o, "i.x"));
	ck_assert_ptr_eq(pl_json_path(o, ""), o);
	json_object_put(o);
}
END_TEST

static int
count_lines(struct json_object *obj, size_t lineno, void *arg)
{
	size_t *seen = arg;
	int64_t v = 0;

	ck_assert_int_eq(pl_json_int(obj, "n", &v), 0);
	if (v != 99)
		ck_assert_int_eq((size_t)v, lineno);
	(*seen)++;
	return v == 99 ? 7 : 0;
}

START_TEST(test_json_lines)
{
	static const char text[] = "{\"n\": 1}\n\n{\"n\": 3}\n{\"n\": bad}\n  \n{\"n\":6}\r\n"
				   "{\"n\": 7, \"cut\": \"yes";
	struct pl_json_lines_stats st;
	size_t seen = 0;

	ck_assert_int_eq(pl_json_lines(text, sizeof(text) - 1, count_lines, &seen, &st), 0);
	ck_assert_int_eq(seen, 3);
	ck_assert_int_eq(st.lines, 5);
	ck_assert_int_eq(st.malformed, 2);
	ck_assert_int_eq(st.first_bad, 4);
	ck_assert_msg(st.first_err[0] != '\0', "no reason for the bad line");

	/* The callback stops the walk with its own value. */
	static const char stop[] = "{\"n\": 1}\n{\"n\": 99}\n{\"n\": 3}\n";
	seen = 0;
	ck_assert_int_eq(pl_json_lines(stop, sizeof(stop) - 1, count_lines, &seen, NULL), 7);
	ck_assert_int_eq(seen, 2); /* the one that stopped it counted */
}
END_TEST

static TCase *
tc_json(void)
{
	TCase *tc = tcase_create("json");

	tcase_add_test(tc, test_json_parse_good);
	tcase_add_test(tc, test_json_parse_bad);
	tcase_add_test(tc, test_json_depth_cap);
	tcase_add_test(tc, test_json_typed);
	tcase_add_test(tc, test_json_lines);
	return tc;
}
#endif

#ifdef HAVE_LIBCRYPTO
START_TEST(test_sha256_vectors)
{
	/* FIPS 180-2 examples. */
	char hex[PL_SHA256_HEX], err[128] = "";
	struct pl_sha256 h;

	ck_assert_int_eq(pl_sha256_hex("abc", 3, hex, err, sizeof(err)), 0);
	ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	ck_assert_int_eq(pl_sha256_hex("", 0, hex, err, sizeof(err)), 0);
	ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	/* The same digest fed in pieces. */
	ck_assert_int_eq(pl_sha256_init(&h, err, sizeof(err)), 0);
	ck_assert_int_eq(pl_sha256_update(&h, "a", 1, err, sizeof(err)), 0);
	ck_assert_int_eq(pl_sha256_update(&h, "", 0, err, sizeof(err)), 0);
	ck_assert_int_eq(pl_sha256_update(&h, "bc", 2, err, sizeof(err)), 0);
	ck_assert_int_eq(pl_sha256_final(&h, hex, err, sizeof(err)), 0);
	ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	/* Misuse is an error, not a crash. */
	ck_assert_int_eq(pl_sha256_update(&h, "a", 1, err, sizeof(err)), -1);
	ck_assert_int_eq(pl_sha256_final(&h, hex, err, sizeof(err)), -1);
}
END_TEST

START_TEST(test_sha256_fd)
{
	char path[] = "/tmp/pl-sha256-XXXXXX";
	char hex[PL_SHA256_HEX], err[128] = "";
	uint64_t bytes = 0;
	struct pl_deadline gone = pl_deadline_in(-1);
	int fd = mkstemp(path);
	char *big = malloc(200000);

	ck_assert_int_ge(fd, 0);
	ck_assert_ptr_nonnull(big);
	/* A million 'a': the FIPS 180-2 long example, written in pieces over 64 KiB. */
	memset(big, 'a', 200000);
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(write(fd, big, 200000), 200000);
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	ck_assert_int_eq(pl_sha256_fd(fd, NULL, hex, &bytes, err, sizeof(err)), 0);
	ck_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	ck_assert_int_eq(bytes, 1000000);
	/* A deadline that has run out stops it with a reason. */
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	ck_assert_int_eq(pl_sha256_fd(fd, &gone, hex, NULL, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "timed out") != NULL, "%s", err);
	/* A descriptor that cannot be read says so. */
	ck_assert_int_eq(pl_sha256_fd(-1, NULL, hex, NULL, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "read failed") != NULL, "%s", err);
	close(fd);
	unlink(path);
	free(big);
}
END_TEST

static TCase *
tc_sha256(void)
{
	TCase *tc = tcase_create("sha256");

	tcase_add_test(tc, test_sha256_vectors);
	tcase_add_test(tc, test_sha256_fd);
	return tc;
}
#endif

#ifdef HAVE_LIBPQ
/* libpq's and the server's messages, as PostgreSQL 15 and libpq 15 write them. */
static const struct {
	const char *msg;
	enum pl_db_status st;
} pg_msgs[] = {
	{ "connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  password "
	  "authentication failed for user \"mon\"\n", PL_DB_AUTH },
	{ "connection to server at \"127.0.0.1\", port 5432 failed: fe_sendauth: no password "
	  "supplied\n", PL_DB_AUTH },
	{ "connection to server on socket \"/run/postgresql/.s.PGSQL.5432\" failed: FATAL:  "
	  "role \"nagios\" does not exist\n", PL_DB_AUTH },
	{ "connection to server at \"10.0.0.1\", port 5432 failed: FATAL:  no pg_hba.conf entry "
	  "for host \"10.0.0.2\", user \"mon\", database \"postgres\", no encryption\n",
	  PL_DB_AUTH },
	{ "connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  sorry, too many "
	  "clients already\n", PL_DB_FULL },
	{ "connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  remaining connection "
	  "slots are reserved for non-replication superuser connections\n", PL_DB_FULL },
	{ "connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  too many connections "
	  "for database \"app\"\n", PL_DB_FULL },
	{ "connection to server at \"127.0.0.1\", port 5999 failed: Connection refused\n\tIs the "
	  "server running on that host and accepting TCP/IP connections?\n", PL_DB_UNREACHABLE },
	{ "connection to server on socket \"/tmp/.s.PGSQL.5432\" failed: No such file or "
	  "directory\n", PL_DB_UNREACHABLE },
	{ "could not translate host name \"nosuch\" to address: Name or service not known\n",
	  PL_DB_UNREACHABLE },
	{ "connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  the database system "
	  "is starting up\n", PL_DB_UNREACHABLE },
	{ "definition of service \"mon\" not found\n", PL_DB_ERROR },
	{ "invalid port number: \"x\"\n", PL_DB_ERROR },
};

START_TEST(test_pg_classify)
{
	ck_assert_int_eq(pl_pg_classify(pg_msgs[_i].msg), pg_msgs[_i].st);
}
END_TEST

static TCase *
tc_pg(void)
{
	TCase *tc = tcase_create("pg");

	tcase_add_loop_test(tc, test_pg_classify, 0, (int)(sizeof(pg_msgs) / sizeof(pg_msgs[0])));
	return tc;
}
#endif

#ifdef HAVE_LIBMARIADB
START_TEST(test_my_classify)
{
	ck_assert_int_eq(pl_my_classify(1045), PL_DB_AUTH);      /* access denied */
	ck_assert_int_eq(pl_my_classify(1044), PL_DB_AUTH);      /* no access to the database */
	ck_assert_int_eq(pl_my_classify(1040), PL_DB_FULL);      /* too many connections */
	ck_assert_int_eq(pl_my_classify(1203), PL_DB_FULL);      /* max_user_connections */
	ck_assert_int_eq(pl_my_classify(2002), PL_DB_UNREACHABLE);  /* no socket */
	ck_assert_int_eq(pl_my_classify(2003), PL_DB_UNREACHABLE);  /* refused */
	ck_assert_int_eq(pl_my_classify(2005), PL_DB_UNREACHABLE);  /* unknown host */
	ck_assert_int_eq(pl_my_classify(2013), PL_DB_UNREACHABLE);  /* lost */
	ck_assert_int_eq(pl_my_classify(1227), PL_DB_ERROR);     /* a privilege a query needs */
	ck_assert_int_eq(pl_my_classify(1064), PL_DB_ERROR);     /* syntax */
}
END_TEST

static TCase *
tc_my(void)
{
	TCase *tc = tcase_create("my");

	tcase_add_test(tc, test_my_classify);
	return tc;
}
#endif

int
main(void)
{
	Suite *s = suite_create("plumbline lib/ext");
	SRunner *sr;
	int failed;

#ifdef HAVE_YAJL
	suite_add_tcase(s, tc_icinga_api());
#endif
#ifdef HAVE_JSONC
	suite_add_tcase(s, tc_json());
	suite_add_tcase(s, tc_backup());
	suite_add_tcase(s, tc_bkcache());
#ifdef HAVE_LIBCRYPTO
	suite_add_tcase(s, tc_notify());
#endif
	suite_add_tcase(s, tc_drill());
	suite_add_tcase(s, tc_eve());
#endif
#ifdef HAVE_LIBCRYPTO
	suite_add_tcase(s, tc_sha256());
#endif
#ifdef HAVE_LIBPQ
	suite_add_tcase(s, tc_pg());
#endif
#ifdef HAVE_LIBMARIADB
	suite_add_tcase(s, tc_my());
#endif
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
