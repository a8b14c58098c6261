/* Unit tests of lib/source/pl_ids (Snort's alert_fast line, sshd's failed logins,
 * fail2ban's log and its client's "banned" reply, IDS time stamps) and lib/core/pl_tally
 * (bounded counts and the top list). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pl_buf.h"
#include "pl_ids.h"
#include "pl_tally.h"
#include "tests.h"

#define S(x) x, sizeof(x) - 1

/* alert_fast's time stamp: no year (now's, or last year's rather than the future), with
 * snort -y's year, in UTC (snort -U) and in local time. */
START_TEST(test_snort_fast_time)
{
	struct pl_time now = { 1796119260, 0 }, t;   /* 2026-12-01T10:01:00Z */
	struct pl_time jan1 = { 1798761600 + 3600, 0 };   /* 2027-01-01T01:00:00Z */

	ck_assert_int_eq(pl_snort_fast_time(S("12/01-10:00:01.123456  [**] [1:2:3] m [**]"),
					    &now, true, &t), 0);
	ck_assert_int_eq(t.sec, 1796119201);
	ck_assert_int_eq(t.nsec, 123456000);
	/* Dec 31 read on Jan 1: last year's, not next December's. */
	ck_assert_int_eq(pl_snort_fast_time(S("12/31-23:59:59.000001 [**]"), &jan1, true, &t), 0);
	ck_assert_int_eq(t.sec, 1798761599);
	/* Within a day ahead (clock skew): this year's. */
	ck_assert_int_eq(pl_snort_fast_time(S("12/02-09:00:00.0 x"), &now, true, &t), 0);
	ck_assert_int_eq(t.sec, 1796202000);
	/* More than a day ahead: last year's. */
	ck_assert_int_eq(pl_snort_fast_time(S("12/03-10:00:00 x"), &now, true, &t), 0);
	ck_assert_int_eq(t.sec, 1796119201 - 365 * 86400 + 2 * 86400 - 1);
	/* snort -y: the year given, future or not. */
	ck_assert_int_eq(pl_snort_fast_time(S("12/01/26-10:00:01.5 [**]"), &now, true, &t), 0);
	ck_assert_int_eq(t.sec, 1796119201);
	ck_assert_int_eq(t.nsec, 500000000);
	/* Local time: TZ decides. */
	setenv("TZ", "CET-1", 1);
	tzset();
	ck_assert_int_eq(pl_snort_fast_time(S("12/01-11:00:01 [**]"), &now, false, &t), 0);
	ck_assert_int_eq(t.sec, 1796119201);
	setenv("TZ", "UTC0", 1);
	tzset();
	ck_assert_int_eq(pl_snort_fast_time(S("12/01-10:00:01 [**]"), &now, false, &t), 0);
	ck_assert_int_eq(t.sec, 1796119201);
	unsetenv("TZ");
	tzset();
	/* Not a time stamp, or not a date. */
	static const char *const bad[] = { "", "x [**]", "13/01-10:00:01", "02/30-10:00:01",
		"12/01-24:00:00", "12/01 10:00:01", "12/01-10:00:01.", "12/01-10:00:01x",
		"12/1-10:00:01", "12/01/2026-10:00:01" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(pl_snort_fast_time(bad[i], strlen(bad[i]), &now, true, &t) == -1,
			      "%s", bad[i]);
}
END_TEST

START_TEST(test_snort_fast)
{
	struct pl_ids_alert a;

	ck_assert_int_eq(pl_snort_fast_parse(S("12/01-10:00:01.123456  [**] [1:2100498:7] GPL "
		"ATTACK_RESPONSE id check returned root [**] [Classification: Potentially Bad "
		"Traffic] [Priority: 2] {TCP} 192.0.2.1:80 -> 198.51.100.2:34567"), &a), 0);
	ck_assert_int_eq(a.severity, 2);
	ck_assert_str_eq(a.signature, "GPL ATTACK_RESPONSE id check returned root");
	ck_assert_str_eq(a.category, "Potentially Bad Traffic");
	ck_assert_str_eq(a.src, "192.0.2.1");
	ck_assert_str_eq(a.dest, "198.51.100.2");
	/* Snort 3 quotes the message; ICMP has no ports. */
	ck_assert_int_eq(pl_snort_fast_parse(S("12/01-10:00:02.000001 [**] [1:1000001:1] "
		"\"ICMP test\" [**] [Classification: Generic ICMP event] [Priority: 3] {ICMP} "
		"203.0.113.7 -> 198.51.100.2\r"), &a), 0);
	ck_assert_str_eq(a.signature, "ICMP test");
	ck_assert_int_eq(a.severity, 3);
	ck_assert_str_eq(a.src, "203.0.113.7");
	ck_assert_str_eq(a.dest, "198.51.100.2");
	/* No classification; IPv6 in brackets; an Xref is skipped. */
	ck_assert_int_eq(pl_snort_fast_parse(S("x [**] [129:12:1] small segments [**] "
		"[Priority: 1] [Xref => http://example.org/] {TCP} [2001:db8::7]:4444 -> "
		"2001:db8::2"), &a), 0);
	ck_assert_int_eq(a.severity, 1);
	ck_assert_str_eq(a.category, "");
	ck_assert_str_eq(a.src, "2001:db8::7");
	ck_assert_str_eq(a.dest, "2001:db8::2");
	/* No priority at all: -1. */
	ck_assert_int_eq(pl_snort_fast_parse(S("x [**] [1:2:3] m [**] {UDP} 1.2.3.4:5 -> "
		"5.6.7.8:9"), &a), 0);
	ck_assert_int_eq(a.severity, -1);
}
END_TEST

START_TEST(test_snort_fast_bad)
{
	static const char *const bad[] = {
		"", "not an alert", "[**] [1:2] m [**]", "[**] [1:2:x] m [**]",
		"[**] [1:2:3] message without its end", "[**] [1:2:3] m [**] [Priority: x]",
		"[**] [1:2:3] m [**] [Classification: open", "[**] [1:2:3] m [**] {TCP",
		"[**] [1:2:3] m [**] {TCP} 1.2.3.4 5.6.7.8", "[**] [1:2:3] m [**] garbage",
		"[**] [1234567890:2:3] m [**]",
	};
	struct pl_ids_alert a;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(pl_snort_fast_parse(bad[i], strlen(bad[i]), &a) == -1, "%s", bad[i]);
}
END_TEST

static const struct {
	const char *line;
	enum pl_auth_kind kind;
	bool invalid;
	unsigned count;
	const char *user, *addr;
} auth_cases[] = {
	{ "Dec  1 10:00:03 web1 sshd[2305]: Failed password for root from 198.51.100.23 port "
	  "40022 ssh2", PL_AUTH_FAILED, false, 1, "root", "198.51.100.23" },
	{ "Dec  1 10:00:01 web1 sshd[2301]: Failed password for invalid user admin from "
	  "203.0.113.5 port 52222 ssh2", PL_AUTH_FAILED, true, 1, "admin", "203.0.113.5" },
	{ "Dec  1 10:00:01 web1 sshd[2301]: Invalid user admin from 203.0.113.5 port 52222",
	  PL_AUTH_INVALID_USER, true, 1, "admin", "203.0.113.5" },
	{ "Dec  1 10:00:09 web1 sshd[2315]: Invalid user  from 203.0.113.6 port 52224",
	  PL_AUTH_INVALID_USER, true, 1, "", "203.0.113.6" },
	{ "Dec  1 10:00:05 web1 sshd[2309]: message repeated 3 times: [ Failed password for "
	  "root from 198.51.100.23 port 40022 ssh2]", PL_AUTH_FAILED, false, 3, "root",
	  "198.51.100.23" },
	{ "Dec  1 10:00:07 web1 sshd[2311]: Failed publickey for git from 2001:db8::99 port "
	  "60000 ssh2: RSA SHA256:abc", PL_AUTH_FAILED, false, 1, "git", "2001:db8::99" },
	/* A user name holding " from ": the address is the last one. */
	{ "2026-12-01T10:00:08.123456+00:00 web1 sshd-session[2313]: Failed password for "
	  "invalid user a from b from 203.0.113.5 port 52223 ssh2", PL_AUTH_FAILED, true, 1,
	  "a from b", "203.0.113.5" },
	{ "Dec  1 10:00:04 web1 sshd[2307]: Accepted publickey for deploy from 192.0.2.50 "
	  "port 51000 ssh2", PL_AUTH_NONE, false, 0, "", "" },
	{ "Dec  1 10:00:06 web1 sudo: pam_unix(sudo:auth): authentication failure; "
	  "rhost=  user=alice", PL_AUTH_NONE, false, 0, "", "" },
	{ "Dec  1 10:00:06 web1 cron[1]: Failed password for root from 1.2.3.4 port 1 ssh2",
	  PL_AUTH_NONE, false, 0, "", "" },
	{ "Dec  1 10:00:06 web1 sshd[1]: Failed password for root", PL_AUTH_NONE, false, 0,
	  "", "" },
	{ "Dec  1 10:00:06 web1 sshd[1]: message repeated x times: [ Failed password for root "
	  "from 1.2.3.4 port 1 ssh2]", PL_AUTH_NONE, false, 0, "", "" },
};

START_TEST(test_auth_line)
{
	struct pl_auth_event e;
	enum pl_auth_kind k = pl_auth_line(auth_cases[_i].line, strlen(auth_cases[_i].line), &e);

	ck_assert_int_eq(k, auth_cases[_i].kind);
	if (k == PL_AUTH_NONE)
		return;
	ck_assert_int_eq(e.invalid_user, auth_cases[_i].invalid);
	ck_assert_uint_eq(e.count, auth_cases[_i].count);
	ck_assert_str_eq(e.user, auth_cases[_i].user);
	ck_assert_str_eq(e.addr, auth_cases[_i].addr);
}
END_TEST

START_TEST(test_auth_msg)
{
	struct pl_auth_event e;

	/* A journal entry's MESSAGE alone. */
	ck_assert_int_eq(pl_auth_msg(S("Failed password for invalid user bob from 192.0.2.10 "
				       "port 50001 ssh2"), &e), PL_AUTH_FAILED);
	ck_assert_str_eq(e.user, "bob");
	ck_assert_str_eq(e.addr, "192.0.2.10");
	ck_assert_int_eq(pl_auth_msg(S("Connection closed by 192.0.2.10 port 50001"), &e),
			 PL_AUTH_NONE);
}
END_TEST

START_TEST(test_f2b_log)
{
	struct pl_f2b_event e;

	ck_assert_int_eq(pl_f2b_log_line(S("2026-11-27 09:27:41,467 fail2ban.actions        "
		"[6236]: NOTICE  [test-sshd] Ban 192.0.2.10"), &e), PL_F2B_BAN);
	ck_assert_str_eq(e.jail, "test-sshd");
	ck_assert_str_eq(e.addr, "192.0.2.10");
	ck_assert_int_eq(pl_f2b_log_line(S("2026-11-27 09:27:46,074 fail2ban.actions        "
		"[6236]: NOTICE  [test-sshd] Unban 192.0.2.10"), &e), PL_F2B_UNBAN);
	ck_assert_int_eq(pl_f2b_log_line(S("2026-11-27 09:27:46,074 fail2ban.actions        "
		"[6236]: NOTICE  [sshd] Restore Ban 192.0.2.99"), &e), PL_F2B_NONE);
	ck_assert_int_eq(pl_f2b_log_line(S("2026-11-27 09:27:41,462 fail2ban.filter         "
		"[6236]: INFO    [test-sshd] Found 192.0.2.10 - 2026-11-27 09:27:41"), &e),
			 PL_F2B_NONE);
	ck_assert_int_eq(pl_f2b_log_line(S("x fail2ban.actions [1]: NOTICE [] Ban 1.2.3.4"),
					 &e), PL_F2B_NONE);
	ck_assert_int_eq(pl_f2b_log_line(S("x fail2ban.actions [1]: NOTICE [j] Ban "), &e),
			 PL_F2B_NONE);
}
END_TEST

START_TEST(test_f2b_banned)
{
	struct pl_f2b_banned b;
	char err[128];
	static const char reply[] = "[{'test-sshd': ['198.51.100.7', '192.0.2.5']}, "
				    "{'other': []}]\n";
	static const char *const bad[] = {
		"", "[", "[{'a': [}]", "[{'a': ['x]}]", "[{'a' ['x']}]", "[{'a': ['x']}] junk",
		"{'a': []}", "[{'a': ['x',]}]",
	};

	ck_assert_int_eq(pl_f2b_banned_parse(S(reply), &b, err, sizeof(err)), 0);
	ck_assert_uint_eq(b.n, 2);
	ck_assert_str_eq(b.v[0].name, "test-sshd");
	ck_assert_uint_eq(b.v[0].banned, 2);
	ck_assert_str_eq(b.v[0].addr[1], "192.0.2.5");
	ck_assert_str_eq(b.v[1].name, "other");
	ck_assert_uint_eq(b.v[1].banned, 0);
	pl_f2b_banned_free(&b);
	ck_assert_int_eq(pl_f2b_banned_parse(S("[]"), &b, err, sizeof(err)), 0);
	ck_assert_uint_eq(b.n, 0);
	pl_f2b_banned_free(&b);
	/* More addresses than kept: all counted. */
	{
		struct pl_buf big = PL_BUF_INIT;

		pl_buf_init(&big, 4096);
		pl_buf_puts(&big, "[{\"j\": [");
		for (int i = 0; i < 20; i++)
			pl_buf_printf(&big, "%s'192.0.2.%d'", i ? ", " : "", i);
		pl_buf_puts(&big, "]}]");
		ck_assert_int_eq(pl_f2b_banned_parse(pl_buf_str(&big), big.len, &b, err,
						     sizeof(err)), 0);
		ck_assert_uint_eq(b.v[0].banned, 20);
		ck_assert_uint_eq(b.v[0].naddr, PL_F2B_ADDRS);
		pl_f2b_banned_free(&b);
		pl_buf_free(&big);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(pl_f2b_banned_parse(bad[i], strlen(bad[i]), &b, err, sizeof(err)) ==
			      -1, "%s", bad[i]);
		ck_assert(strstr(err, "fail2ban-client") != NULL);
	}
}
END_TEST

START_TEST(test_ids_time)
{
	struct pl_time t;

	ck_assert_int_eq(pl_ids_time_parse(S("2026-12-01T10:00:01.123456+0000"), &t), 0);
	ck_assert_int_eq(t.sec, 1796119201);
	ck_assert_int_eq(t.nsec, 123456000);
	ck_assert_int_eq(pl_ids_time_parse(S("2026-12-01T11:00:01.123+0100"), &t), 0);
	ck_assert_int_eq(t.sec, 1796119201);
	ck_assert_int_eq(pl_ids_time_parse(S("2026-12-01T10:00:01Z"), &t), 0);
	ck_assert_int_eq(pl_ids_time_parse(S("2026-12-01T10:00:01.5"), &t), -1);
	ck_assert_int_eq(pl_ids_time_parse(S("12/01-10:00:01.123456"), &t), -1);
	ck_assert_int_eq(pl_ids_time_parse(S(""), &t), -1);
}
END_TEST

START_TEST(test_tally)
{
	struct pl_tally t;
	const struct pl_tally_entry *top[4];
	char key[16];

	ck_assert_int_eq(pl_tally_init(&t, 3), 0);
	pl_tally_add(&t, S("b"), 1);
	pl_tally_add(&t, S("a"), 2);
	pl_tally_add(&t, S("c"), 5);
	pl_tally_add(&t, S("b"), 1);
	pl_tally_add(&t, S(""), 9);          /* not counted */
	pl_tally_add(&t, S("d"), 4);         /* full: other */
	pl_tally_add(&t, S("e"), 1);
	ck_assert_uint_eq(t.used, 3);
	ck_assert_uint_eq(t.other, 5);
	ck_assert_uint_eq(t.dropped, 2);
	ck_assert_uint_eq(t.total, 14);
	ck_assert_uint_eq(pl_tally_top(&t, top, 4), 3);
	ck_assert_str_eq(top[0]->key, "c");
	ck_assert_str_eq(top[1]->key, "a");  /* a tie of 2: by key */
	ck_assert_str_eq(top[2]->key, "b");
	ck_assert_uint_eq(pl_tally_top(&t, top, 1), 1);
	ck_assert_str_eq(top[0]->key, "c");
	pl_tally_free(&t);
	/* Many keys, a long one cut, the top kept right through the insertion. */
	ck_assert_int_eq(pl_tally_init(&t, 1000), 0);
	for (int i = 0; i < 500; i++) {
		pl_snprintf(key, sizeof(key), "k%d", i);
		pl_tally_add(&t, key, strlen(key), (uint64_t)(i % 50));
	}
	ck_assert_uint_eq(pl_tally_top(&t, top, 2), 2);
	ck_assert_uint_eq(top[0]->n, 49);
	ck_assert_uint_eq(top[1]->n, 49);
	{
		char longkey[300];

		memset(longkey, 'x', sizeof(longkey));
		pl_tally_add(&t, longkey, sizeof(longkey), 1);
		pl_tally_add(&t, longkey, PL_TALLY_KEY - 1, 1);   /* the same once cut */
		pl_tally_add(&t, longkey, PL_TALLY_KEY - 1, 100);
		ck_assert_uint_eq(pl_tally_top(&t, top, 1), 1);
		ck_assert_uint_eq(top[0]->n, 102);
		ck_assert_uint_eq(strlen(top[0]->key), PL_TALLY_KEY - 1);
	}
	pl_tally_free(&t);
}
END_TEST

TCase *
tc_ids(void)
{
	TCase *tc = tcase_create("ids");

	tcase_add_test(tc, test_snort_fast);
	tcase_add_test(tc, test_snort_fast_time);
	tcase_add_test(tc, test_snort_fast_bad);
	tcase_add_loop_test(tc, test_auth_line, 0, sizeof(auth_cases) / sizeof(auth_cases[0]));
	tcase_add_test(tc, test_auth_msg);
	tcase_add_test(tc, test_f2b_log);
	tcase_add_test(tc, test_f2b_banned);
	tcase_add_test(tc, test_ids_time);
	tcase_add_test(tc, test_tally);
	return tc;
}
