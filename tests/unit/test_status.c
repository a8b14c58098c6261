/* pl_status: the catalogue's rules, a service's level from its members' records (hard,
 * soft, downtime, unchecked, unknown, hosts), and the incidents across runs (opened at
 * the members' last change, worsened, acknowledged, ended, kept and forgotten), their
 * stored form, and the JSON's shape. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pl_buf.h"
#include "pl_status.h"
#include "tests.h"

static void
parse_ok(const char *text, struct pl_st_catalog *cat)
{
	char err[512] = "";

	ck_assert_msg(pl_st_catalog_parse(text, strlen(text), "cat", cat, err, sizeof(err)) == 0,
		      "%s", err);
}

static void
parse_bad(const char *text, const char *want)
{
	struct pl_st_catalog cat;
	char err[512] = "";

	ck_assert_int_eq(pl_st_catalog_parse(text, strlen(text), "cat", &cat, err, sizeof(err)),
			 -1);
	ck_assert_msg(strstr(err, want) != NULL, "'%s' lacks '%s'", err, want);
}

START_TEST(st_catalog)
{
	struct pl_st_catalog cat;

	parse_ok("# comment\n\n Website =  web*!HTTPS , web2!HTTP S \r\n; also a comment\n"
		 "File server = files1\n", &cat);
	ck_assert_uint_eq(cat.n, 2);
	ck_assert_str_eq(cat.v[0].name, "Website");
	ck_assert_uint_eq(cat.v[0].nm, 2);
	ck_assert_str_eq(cat.v[0].m[0].host, "web*");
	ck_assert_str_eq(cat.v[0].m[1].service, "HTTP S");
	ck_assert_ptr_null(cat.v[1].m[0].service);
	pl_st_catalog_free(&cat);
	parse_ok("网站 = web1!HTTPS\n", &cat);
	ck_assert_str_eq(cat.v[0].name, "网站");
	pl_st_catalog_free(&cat);
	parse_ok("\xef\xbb\xbfWebsite = web1!HTTPS\n", &cat);   /* a byte order mark */
	ck_assert_str_eq(cat.v[0].name, "Website");
	ck_assert(!cat.v[0].m[0].host_glob && !cat.v[0].m[0].service_glob);
	pl_st_catalog_free(&cat);
	parse_bad("Website web1\n", "cat, line 1: not a 'PUBLIC NAME");
	parse_bad("A = x\nA = y\n", "line 2: this public name is given twice");
	parse_bad(" = web1\n", "a public name is 1 to 80 bytes");
	parse_bad("Website = web1!, web2\n", "a member is HOST or HOST!SERVICE");
	parse_bad("Website = web1,\n", "a member is HOST");
	parse_bad("Website = a!b!c\n", "a member is HOST");
	parse_bad("Web\x01site = a\n", "without control characters");
	parse_bad("# none\n", "cat names no service");
}
END_TEST

static struct pl_engstate
rec(const char *host, const char *svc, int state, bool hard, int64_t change)
{
	struct pl_engstate e;

	memset(&e, 0, sizeof(e));
	e.host = host;
	e.service = svc;
	e.state = state;
	e.checked = true;
	e.hard = hard;
	e.last_state_change = change;
	e.last_check = change + 10;
	return e;
}

START_TEST(st_levels)
{
	struct pl_st_catalog cat;
	struct pl_engstate e;

	parse_ok("Web = web*!HTTPS\nMail = mail!SMTP, mail!IMAP\nPortal = portal\n"
		 "Db = db!pg\nNone = nothing!x\nSoft = s!x\nSilent = q!x\n", &cat);
	e = rec("web1", "HTTPS", 2, true, 100);
	pl_st_feed(&cat, &e);
	e = rec("web2", "HTTPS", 2, true, 50);
	pl_st_feed(&cat, &e);
	e = rec("mail", "SMTP", 1, true, 100);
	e.acknowledged = true;
	pl_st_feed(&cat, &e);
	e = rec("mail", "IMAP", 0, true, 100);
	pl_st_feed(&cat, &e);
	e = rec("portal", NULL, 2, true, 100);   /* a host DOWN, mapped to 2 */
	pl_st_feed(&cat, &e);
	e = rec("portal", "HTTPS", 2, true, 100);   /* a service of it: not the host member */
	pl_st_feed(&cat, &e);
	e = rec("db", "pg", 2, true, 100);
	e.in_downtime = true;
	pl_st_feed(&cat, &e);
	e = rec("s", "x", 2, false, 100);   /* soft: a retry, not confirmed */
	pl_st_feed(&cat, &e);
	e = rec("q", "x", 3, true, 100);
	pl_st_feed(&cat, &e);
	pl_st_judge(&cat, true, 0);
	ck_assert_int_eq(cat.v[0].level, PL_ST_OUTAGE);
	ck_assert_int_eq(cat.v[0].since, 50);
	ck_assert_int_eq(cat.v[1].level, PL_ST_DEGRADED);
	ck_assert(cat.v[1].all_acked);
	ck_assert_int_eq(cat.v[2].level, PL_ST_OUTAGE);
	ck_assert_uint_eq(cat.v[2].matched, 1);
	ck_assert_int_eq(cat.v[3].level, PL_ST_MAINTENANCE);
	ck_assert_int_eq(cat.v[4].level, PL_ST_UNKNOWN);
	ck_assert_uint_eq(cat.v[4].m[0].matched, 0);
	ck_assert_int_eq(cat.v[5].level, PL_ST_OPERATIONAL);
	ck_assert_int_eq(cat.v[6].level, PL_ST_UNKNOWN);
	ck_assert_int_eq(pl_st_overall(&cat), PL_ST_OUTAGE);
	/* One of two web members back: a partial outage. */
	for (size_t i = 0; i < cat.n; i++)
		memset(&cat.v[i].matched, 0, sizeof(size_t) * 6);
	e = rec("web1", "HTTPS", 0, true, 100);
	pl_st_feed(&cat, &e);
	e = rec("web2", "HTTPS", 2, true, 50);
	pl_st_feed(&cat, &e);
	pl_st_judge(&cat, true, 0);
	ck_assert_int_eq(cat.v[0].level, PL_ST_PARTIAL);
	pl_st_judge(&cat, false, 0);
	ck_assert_int_eq(cat.v[0].level, PL_ST_UNKNOWN);
	ck_assert_int_eq(pl_st_level_of("partial_outage"), PL_ST_PARTIAL);
	ck_assert_int_eq(pl_st_level_of("down"), -1);
	pl_st_catalog_free(&cat);
}
END_TEST

/* Wild times from the engine (the largest int64): no date, no overflow (UBSan), no
 * freshness; one from the future beyond the skew freshens nothing either. */
START_TEST(st_wild_times)
{
	struct pl_st_catalog cat;
	struct pl_st_history h = { NULL, 0, 0 };
	struct pl_engstate e;
	struct pl_buf b = PL_BUF_INIT;
	struct pl_st_page pg = { .title = "T", .lang = "en", .now = 1000000, .available = true,
				 .tz_offset = 28800 };

	parse_ok("Web = web!HTTPS\nDb = db\n", &cat);
	cat.now = 1000000;
	e = rec("web", "HTTPS", 2, true, 0);
	e.last_state_change = INT64_MAX;
	e.last_check = INT64_MAX;
	pl_st_feed(&cat, &e);
	e = rec("db", NULL, 0, true, 999000);
	e.last_check = 1000000 + PL_ST_SKEW + 1;
	pl_st_feed(&cat, &e);
	ck_assert_int_eq(cat.v[0].newest, 0);
	ck_assert_int_eq(cat.v[0].since, 0);
	ck_assert_int_eq(cat.v[1].newest, 0);
	ck_assert_int_eq(pl_st_data_time(&cat), 0);
	pl_st_judge(&cat, true, 900);
	ck_assert_int_eq(cat.v[0].level, PL_ST_UNKNOWN);   /* stale: no usable check time */
	ck_assert_int_eq(pl_st_history_update(&h, &cat, 1000000, 20, 86400), 0);
	pg.data_time = INT64_MAX;
	pl_st_render_html(&pg, &cat, &h, &b);
	pl_st_render_json(&pg, &cat, &h, &b);
	ck_assert(strstr(pl_buf_str(&b), "\"data_time\":null") != NULL);
	pl_buf_free(&b);
	pl_st_history_free(&h);
	pl_st_catalog_free(&cat);
}
END_TEST

START_TEST(st_incident_text)
{
	struct pl_st_incident in = { "Web", PL_ST_OUTAGE, 1000, 0, true }, out;
	char buf[96];

	pl_st_incident_format(&in, buf, sizeof(buf));
	ck_assert_str_eq(buf, "outage 1000 0 1");
	ck_assert_int_eq(pl_st_incident_parse("Web", buf, &out), 0);
	ck_assert_int_eq(out.level, PL_ST_OUTAGE);
	ck_assert(out.acked && out.start == 1000 && out.end == 0);
	ck_assert_int_eq(pl_st_incident_parse("Web", "outage 1000 2000 0", &out), 0);
	ck_assert_int_eq(out.end, 2000);
	ck_assert_int_eq(pl_st_incident_parse("Web", "operational 1000 0 0", &out), -1);
	ck_assert_int_eq(pl_st_incident_parse("Web", "outage 1000 999 0", &out), -1);
	ck_assert_int_eq(pl_st_incident_parse("Web", "outage 0 0 0", &out), -1);
	ck_assert_int_eq(pl_st_incident_parse("Web", "outage 1000 0 2", &out), -1);
	ck_assert_int_eq(pl_st_incident_parse("Web", "outage 1000 0 0 x", &out), -1);
	ck_assert_int_eq(pl_st_incident_parse("Web", "outage 1000 0", &out), -1);
	ck_assert_int_eq(pl_st_incident_parse("", "outage 1000 0 0", &out), -1);
}
END_TEST

/* Three runs: Web opens (at its members' change), worsens and is acknowledged, ends. */
START_TEST(st_history)
{
	struct pl_st_catalog cat;
	struct pl_st_history h = { NULL, 0, 0 };
	struct pl_buf b = PL_BUF_INIT;

	parse_ok("Web = web!HTTPS\nMail = mail!SMTP\n", &cat);
	cat.v[0].level = PL_ST_DEGRADED;
	cat.v[0].since = 900;
	cat.v[1].level = PL_ST_OPERATIONAL;
	ck_assert_int_eq(pl_st_history_update(&h, &cat, 1000, 20, 86400), 0);
	ck_assert_uint_eq(h.n, 1);
	ck_assert_int_eq(h.v[0].start, 900);
	cat.v[0].level = PL_ST_OUTAGE;
	cat.v[0].all_acked = true;
	ck_assert_int_eq(pl_st_history_update(&h, &cat, 1100, 20, 86400), 0);
	ck_assert_int_eq(h.v[0].level, PL_ST_OUTAGE);
	ck_assert(h.v[0].acked);
	cat.v[0].level = PL_ST_UNKNOWN;   /* nothing known: stays open */
	ck_assert_int_eq(pl_st_history_update(&h, &cat, 1200, 20, 86400), 0);
	ck_assert_int_eq(h.v[0].end, 0);
	cat.v[0].level = PL_ST_OPERATIONAL;
	ck_assert_int_eq(pl_st_history_update(&h, &cat, 1300, 20, 86400), 0);
	ck_assert_int_eq(h.v[0].end, 1300);
	ck_assert_int_eq(h.v[0].level, PL_ST_OUTAGE);
	/* A second incident later: both kept, the newest end first; keep 1 drops the older. */
	cat.v[0].level = PL_ST_MAINTENANCE;
	cat.v[0].since = 5000;   /* later than now: now is the start */
	ck_assert_int_eq(pl_st_history_update(&h, &cat, 2000, 20, 86400), 0);
	ck_assert_int_eq(h.v[0].start, 2000);
	cat.v[0].level = PL_ST_OPERATIONAL;
	ck_assert_int_eq(pl_st_history_update(&h, &cat, 2500, 20, 86400), 0);
	ck_assert_uint_eq(h.n, 2);
	ck_assert_int_eq(h.v[0].end, 2500);
	pl_st_render_json(&(struct pl_st_page){ .title = "T", .now = 2500, .available = true },
			  &cat, &h, &b);
	ck_assert_msg(strstr(pl_buf_str(&b), "\"past\":[{\"service\":\"Web\",\"status\":"
			     "\"maintenance\",\"text\":\"Scheduled maintenance\",\"start\":"
			     "\"1970-01-01T00:33:20Z\",\"end\":\"1970-01-01T00:41:40Z\","
			     "\"duration_s\":500},") != NULL, "%s", pl_buf_str(&b));
	ck_assert_int_eq(pl_st_history_update(&h, &cat, 2600, 1, 86400), 0);
	ck_assert_uint_eq(h.n, 1);
	ck_assert_int_eq(h.v[0].end, 2500);
	/* Forgotten once older than max_age. */
	ck_assert_int_eq(pl_st_history_update(&h, &cat, 2500 + 86401, 20, 86400), 0);
	ck_assert_uint_eq(h.n, 0);
	/* A service gone from the catalogue: its open incident ends. */
	cat.v[1].level = PL_ST_OUTAGE;
	ck_assert_int_eq(pl_st_history_update(&h, &cat, 3000, 20, 86400), 0);
	free(cat.v[1].name);
	cat.v[1].name = strdup("Renamed");
	cat.v[1].level = PL_ST_OPERATIONAL;
	ck_assert_int_eq(pl_st_history_update(&h, &cat, 3100, 20, 86400), 0);
	ck_assert_uint_eq(h.n, 1);
	ck_assert_int_eq(h.v[0].end, 3100);
	pl_buf_free(&b);
	pl_st_history_free(&h);
	pl_st_catalog_free(&cat);
}
END_TEST

TCase *
tc_status(void)
{
	TCase *tc = tcase_create("status");

	tcase_add_test(tc, st_catalog);
	tcase_add_test(tc, st_levels);
	tcase_add_test(tc, st_wild_times);
	tcase_add_test(tc, st_incident_text);
	tcase_add_test(tc, st_history);
	return tc;
}
