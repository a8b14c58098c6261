/* Unit tests of lib/ext/pl_eve: eve.json alert and stats events, the pre-filter (it
 * must never leave out a line the parser would count), Snort 3's alert_json and Wazuh's
 * alerts.json, on the hand-made fixtures of tests/fixtures/ids and broken lines. */
#include "config.h"

#ifdef HAVE_JSONC
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "pl_buf.h"
#include "pl_eve.h"
#include "pl_file.h"
#ifdef HAVE_YAJL
#include "pl_evescan.h"
#endif

TCase *tc_eve(void);

#define S(x) x, sizeof(x) - 1

START_TEST(test_eve_alert)
{
	struct pl_ids_alert a;
	struct pl_eve_stats s;
	char err[128];
	static const char line[] = "{\"timestamp\":\"2026-12-01T10:00:01.251547+0000\","
		"\"event_type\":\"alert\",\"src_ip\":\"192.0.2.14\",\"src_port\":50096,"
		"\"dest_ip\":\"198.51.100.5\",\"dest_port\":80,\"proto\":\"TCP\",\"alert\":"
		"{\"action\":\"allowed\",\"gid\":1,\"signature_id\":2018358,\"rev\":10,"
		"\"signature\":\"ET HUNTING POST\",\"category\":\"Potentially Bad Traffic\","
		"\"severity\":2}}";

	ck_assert_int_eq(pl_eve_prefilter(S(line)), PL_EVE_ALERT);
	ck_assert_int_eq(pl_eve_parse(S(line), &a, &s, err, sizeof(err)), PL_EVE_ALERT);
	ck_assert_int_eq(a.severity, 2);
	ck_assert_str_eq(a.signature, "ET HUNTING POST");
	ck_assert_str_eq(a.category, "Potentially Bad Traffic");
	ck_assert_str_eq(a.src, "192.0.2.14");
	ck_assert_str_eq(a.dest, "198.51.100.5");
	ck_assert(a.has_time);
	ck_assert_int_eq(a.time.sec, 1796119201);
	/* No severity, a severity of the wrong type: -1. */
	ck_assert_int_eq(pl_eve_parse(S("{\"event_type\":\"alert\",\"alert\":{}}"), &a, &s, err,
				      sizeof(err)), PL_EVE_ALERT);
	ck_assert_int_eq(a.severity, -1);
	ck_assert_int_eq(pl_eve_parse(S("{\"event_type\":\"alert\",\"alert\":{\"severity\":"
					"\"1\"}}"), &a, &s, err, sizeof(err)), PL_EVE_ALERT);
	ck_assert_int_eq(a.severity, -1);
}
END_TEST

START_TEST(test_eve_stats)
{
	struct pl_ids_alert a;
	struct pl_eve_stats s;
	char err[128];

	ck_assert_int_eq(pl_eve_parse(S("{\"timestamp\":\"2026-12-01T10:00:08.000000+0000\","
		"\"event_type\":\"stats\",\"stats\":{\"uptime\":3608,\"capture\":{"
		"\"kernel_packets\":101000,\"kernel_drops\":230}}}"), &a, &s, err, sizeof(err)),
		PL_EVE_STATS);
	ck_assert(s.has_time);
	ck_assert_int_eq(s.time.sec, 1796119208);
	ck_assert(s.has_capture);
	ck_assert_uint_eq(s.kernel_packets, 101000);
	ck_assert_uint_eq(s.kernel_drops, 230);
	ck_assert(s.uptime == 3608);
	/* Reading a pcap: no capture counters. */
	ck_assert_int_eq(pl_eve_parse(S("{\"event_type\":\"stats\",\"stats\":{\"decoder\":"
		"{\"pkts\":1}}}"), &a, &s, err, sizeof(err)), PL_EVE_STATS);
	ck_assert(!s.has_capture);
	ck_assert(!s.has_time);
	ck_assert(s.uptime == -1);
	ck_assert_int_eq(pl_eve_parse(S("{\"event_type\":\"stats\",\"stats\":{\"capture\":"
		"{\"kernel_packets\":-1,\"kernel_drops\":0}}}"), &a, &s, err, sizeof(err)),
		PL_EVE_STATS);
	ck_assert(!s.has_capture);
}
END_TEST

START_TEST(test_eve_other_and_bad)
{
	struct pl_ids_alert a;
	struct pl_eve_stats s;
	char err[128] = "";

	ck_assert_int_eq(pl_eve_parse(S("{\"event_type\":\"flow\"}"), &a, &s, err, sizeof(err)),
			 PL_EVE_OTHER);
	ck_assert_int_eq(pl_eve_parse(S("{\"no\":1}"), &a, &s, err, sizeof(err)), PL_EVE_OTHER);
	ck_assert_int_eq(pl_eve_parse(S("{\"event_type\":\"alert\""), &a, &s, err, sizeof(err)),
			 PL_EVE_MALFORMED);
	ck_assert(err[0] != '\0');
	ck_assert_int_eq(pl_eve_parse(S("[1,2]"), &a, &s, err, sizeof(err)), PL_EVE_MALFORMED);
	ck_assert_str_eq(err, "not a JSON object");
	ck_assert_int_eq(pl_eve_parse(S(""), &a, &s, err, sizeof(err)), PL_EVE_MALFORMED);
}
END_TEST

/* The pre-filter leaves a line out only when the parser would not count it. */
static const struct {
	const char *line;
	enum pl_eve_type pre;
} pre_cases[] = {
	{ "{\"event_type\":\"flow\",\"x\":1}", PL_EVE_OTHER },
	{ "{\"event_type\":\"dns\"}", PL_EVE_OTHER },
	{ "{\"event_type\":\"alert\"}", PL_EVE_ALERT },
	{ "{\"event_type\":\"stats\"}", PL_EVE_ALERT },
	{ "{\"event_type\": \"alert\"}", PL_EVE_ALERT },            /* spaced: parsed */
	{ "{\"event_type\":\"\\u0061lert\"}", PL_EVE_ALERT },       /* escaped: parsed */
	{ "{\"x\":{\"event_type\":\"flow\"},\"event_type\":\"alert\"}", PL_EVE_ALERT },
	{ "{\"event\\u005ftype\":\"alert\"}", PL_EVE_ALERT },       /* no plain key: parsed */
	{ "{\"event_type\":\"flow", PL_EVE_ALERT },                 /* unterminated: parsed */
	{ "{\"event_type\":1}", PL_EVE_ALERT },
	{ "{\"x\":{\"event_type\":\"flow\"}}", PL_EVE_OTHER },     /* nested only: not one */
};

START_TEST(test_eve_prefilter)
{
	const char *l = pre_cases[_i].line;
	struct pl_ids_alert a;
	struct pl_eve_stats s;
	char err[128];
	enum pl_eve_type pre = pl_eve_prefilter(l, strlen(l));

	ck_assert_int_eq(pre, pre_cases[_i].pre);
	if (pre == PL_EVE_OTHER)
		ck_assert_int_eq(pl_eve_parse(l, strlen(l), &a, &s, err, sizeof(err)),
				 PL_EVE_OTHER);
}
END_TEST

/* Every line of the fixture: what the pre-filter leaves out, the parser calls other. */
START_TEST(test_eve_fixture)
{
	struct pl_buf b;
	char path[1024], err[256];
	const char *f = getenv("FIXTURES"), *p, *end;
	size_t alerts = 0, stats = 0, bad = 0;

	pl_snprintf(path, sizeof(path), "%s/ids/eve.json", f ? f : PL_TEST_SRCDIR
		    "/tests/fixtures");
	pl_buf_init(&b, 0);
	ck_assert_msg(pl_read_file(NULL, path, &b, err, sizeof(err)) == 0, "%s", err);
	for (p = pl_buf_str(&b), end = p + b.len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		struct pl_ids_alert a;
		struct pl_eve_stats s;
		enum pl_eve_type t = pl_eve_parse(p, n, &a, &s, err, sizeof(err));

		if (pl_eve_prefilter(p, n) == PL_EVE_OTHER)
			ck_assert_int_eq(t, PL_EVE_OTHER);
		alerts += t == PL_EVE_ALERT;
		stats += t == PL_EVE_STATS;
		bad += t == PL_EVE_MALFORMED;
		p += n + 1;
	}
	ck_assert_uint_eq(alerts, 4);
	ck_assert_uint_eq(stats, 2);
	ck_assert_uint_eq(bad, 1);
	pl_buf_free(&b);
}
END_TEST

START_TEST(test_snort_json)
{
	struct pl_ids_alert a;
	char err[128];

	ck_assert_int_eq(pl_snort_json_parse(S("{ \"priority\" : 1, \"msg\" : \"ET EXPLOIT x\", "
		"\"class\" : \"A Network Trojan was detected\", \"src_addr\" : \"203.0.113.7\", "
		"\"dst_addr\" : \"198.51.100.2\" }"), &a, err, sizeof(err)), 0);
	ck_assert_int_eq(a.severity, 1);
	ck_assert_str_eq(a.signature, "ET EXPLOIT x");
	ck_assert_str_eq(a.src, "203.0.113.7");
	/* The default fields: no priority, no msg; addresses from src_ap and dst_ap. */
	ck_assert_int_eq(pl_snort_json_parse(S("{ \"src_ap\" : \"203.0.113.7:4444\", "
		"\"dst_ap\" : \"198.51.100.2:22\", \"rule\" : \"129:12:1\" }"), &a, err,
		sizeof(err)), 0);
	ck_assert_int_eq(a.severity, -1);
	ck_assert_str_eq(a.signature, "");
	ck_assert_str_eq(a.src, "203.0.113.7");
	ck_assert_str_eq(a.dest, "198.51.100.2");
	ck_assert_int_eq(pl_snort_json_parse(S("{ \"msg\" : \"cut"), &a, err, sizeof(err)), -1);
	ck_assert_int_eq(pl_snort_json_parse(S("\"a string\""), &a, err, sizeof(err)), -1);
}
END_TEST

START_TEST(test_wazuh)
{
	struct pl_ids_alert a;
	char err[128];

	ck_assert_int_eq(pl_wazuh_parse(S("{\"timestamp\":\"2026-12-01T10:00:04.000+0000\","
		"\"rule\":{\"level\":12,\"description\":\"Integrity checksum changed.\","
		"\"groups\":[\"ossec\",\"syscheck\"]},\"agent\":{\"id\":\"001\",\"name\":\"web1\"},"
		"\"data\":{\"srcip\":\"203.0.113.5\"}}"), &a, err, sizeof(err)), 0);
	ck_assert_int_eq(a.severity, 12);
	ck_assert_str_eq(a.signature, "Integrity checksum changed.");
	ck_assert_str_eq(a.category, "ossec");
	ck_assert_str_eq(a.src, "203.0.113.5");
	ck_assert_str_eq(a.dest, "web1");
	ck_assert(a.has_time);
	ck_assert_int_eq(a.time.sec, 1796119204);
	ck_assert_int_eq(pl_wazuh_parse(S("{\"rule\":{\"level\":0}}"), &a, err, sizeof(err)), 0);
	ck_assert_int_eq(a.severity, 0);
	ck_assert_int_eq(pl_wazuh_parse(S("{\"rule\":{\"level\":16}}"), &a, err, sizeof(err)),
			 -1);
	ck_assert_int_eq(pl_wazuh_parse(S("{\"rule\":{\"level\":\"12\"}}"), &a, err,
					sizeof(err)), -1);
	ck_assert_str_eq(err, "no rule.level of 0 to 15");
	ck_assert_int_eq(pl_wazuh_parse(S("{\"rule\":{}}"), &a, err, sizeof(err)), -1);
	ck_assert_int_eq(pl_wazuh_parse(S("{"), &a, err, sizeof(err)), -1);
}
END_TEST

#ifdef HAVE_YAJL
/* pl_evescan (yajl's token stream) reads a line as pl_eve_parse (a json-c tree) does:
 * the same type, and the same fields of that type. */
static void
same_or_stricter(const char *l, size_t n, bool stricter)
{
	struct pl_ids_alert a1, a2;
	struct pl_eve_stats s1, s2;
	char e1[128] = "", e2[128] = "";
	enum pl_eve_type t1 = pl_eve_parse(l, n, &a1, &s1, e1, sizeof(e1));
	enum pl_eve_type t2 = pl_evescan_line(l, n, &a2, &s2, e2, sizeof(e2));

	if (stricter) {
		ck_assert_msg(t1 != PL_EVE_MALFORMED && t2 == PL_EVE_MALFORMED, "%.*s", (int)n, l);
		ck_assert(e2[0] != '\0');
		return;
	}
	ck_assert_msg(t1 == t2, "%.*s: json-c %d (%s), yajl %d (%s)", (int)n, l, t1, e1, t2, e2);
	if (t1 == PL_EVE_MALFORMED)
		ck_assert(e2[0] != '\0');
	if (t1 == PL_EVE_ALERT) {
		ck_assert_int_eq(a1.severity, a2.severity);
		ck_assert_str_eq(a1.signature, a2.signature);
		ck_assert_str_eq(a1.category, a2.category);
		ck_assert_str_eq(a1.src, a2.src);
		ck_assert_str_eq(a1.dest, a2.dest);
		ck_assert_int_eq(a1.has_time, a2.has_time);
		if (a1.has_time)
			ck_assert(a1.time.sec == a2.time.sec && a1.time.nsec == a2.time.nsec);
	}
	if (t1 == PL_EVE_STATS) {
		ck_assert_int_eq(s1.has_time, s2.has_time);
		if (s1.has_time)
			ck_assert(s1.time.sec == s2.time.sec && s1.time.nsec == s2.time.nsec);
		ck_assert_msg(s1.uptime == s2.uptime, "%.*s: uptime %.17g, %.17g", (int)n, l,
			      s1.uptime, s2.uptime);
		ck_assert_int_eq(s1.has_capture, s2.has_capture);
		ck_assert_uint_eq(s1.kernel_packets, s2.kernel_packets);
		ck_assert_uint_eq(s1.kernel_drops, s2.kernel_drops);
	}
}

static void
same(const char *l, size_t n)
{
	same_or_stricter(l, n, false);
}

static const char *const scan_cases[] = {
	"{\"event_type\":\"alert\",\"alert\":{\"severity\":1,\"signature\":\"s\"}}",
	"{\"alert\":{\"severity\":2},\"event_type\":\"alert\"}",          /* type last */
	"{\"event_type\":\"alert\",\"alert\":{\"severity\":1},\"alert\":{\"signature\":\"x\"}}",
	"{\"event_type\":\"alert\",\"event_type\":\"flow\"}",              /* the last counts */
	"{\"event_type\":\"flow\",\"event_type\":\"alert\"}",
	"{\"event_type\":\"alert\",\"event_type\":1}",
	"{\"event_type\":\"\\u0061lert\",\"src_ip\":\"a\\u0000b\"}",         /* escapes, NUL */
	"{\"event_type\\u0000x\":\"alert\"}",                               /* key cut at NUL */
	"{\"event_type\":\"alert\\u0000x\"}",
	"{\"event_type\":\"alert\",\"alert\":{\"severity\":1.0}}",
	"{\"event_type\":\"alert\",\"alert\":{\"severity\":1.5}}",
	"{\"event_type\":\"alert\",\"alert\":{\"severity\":1e0}}",
	"{\"event_type\":\"alert\",\"alert\":{\"severity\":20E-1}}",
	"{\"event_type\":\"alert\",\"alert\":{\"severity\":-1}}",
	"{\"event_type\":\"alert\",\"alert\":{\"severity\":999}}",
	"{\"event_type\":\"alert\",\"alert\":{\"severity\":1000}}",
	"{\"event_type\":\"alert\",\"alert\":{\"severity\":99999999999999999999999}}",
	"{\"event_type\":\"alert\",\"alert\":{\"severity\":true}}",
	"{\"event_type\":\"alert\",\"alert\":{\"severity\":null}}",
	"{\"event_type\":\"alert\",\"alert\":[{\"severity\":1}]}",
	"{\"event_type\":\"alert\",\"x\":{\"alert\":{\"severity\":1}}}",      /* nested: no */
	"{\"event_type\":\"alert\",\"timestamp\":\"2026-12-01T10:00:01.251547+0000\"}",
	"{\"event_type\":\"alert\",\"timestamp\":\"2026-12-01T10:00:01Z\",\"timestamp\":1}",
	"{\"event_type\":\"alert\",\"timestamp\":\"2026-12-01T10:00:01.2515470000000000000000"
	"0000000000000000000000000000000+0000\"}",
	"{\"event_type\":\"stats\",\"stats\":{\"uptime\":3608,\"capture\":{"
	"\"kernel_packets\":101000,\"kernel_drops\":230}}}",
	"{\"event_type\":\"stats\",\"stats\":{\"uptime\":36.5,\"capture\":{"
	"\"kernel_packets\":1e3,\"kernel_drops\":2.5}}}",
	"{\"event_type\":\"stats\",\"stats\":{\"uptime\":-0.25,\"capture\":{"
	"\"kernel_packets\":9223372036854775807,\"kernel_drops\":0}}}",
	"{\"event_type\":\"stats\",\"stats\":{\"uptime\":1,\"capture\":{"
	"\"kernel_packets\":10,\"kernel_drops\":1},\"capture\":{\"kernel_packets\":5}}}",
	"{\"event_type\":\"stats\",\"stats\":{\"capture\":{\"kernel_packets\":10,"
	"\"kernel_drops\":-1}}}",
	"{\"event_type\":\"stats\",\"stats\":5}",
	"{\"event_type\":\"stats\",\"stats\":{\"uptime\":18446744073709551616}}",
	"{\"event_type\":\"stats\",\"stats\":{\"uptime\":18446744073709551615}}",
	"{\"event_type\":\"stats\",\"stats\":{\"uptime\":-99999999999999999999999}}",
	"{\"event_type\":\"stats\",\"stats\":{\"uptime\":123.456e-2}}",
	"{\"event_type\":\"stats\",\"stats\":{\"uptime\":0.1234567}}",
	"{\"event_type\":\"stats\",\"stats\":{\"uptime\":1e400}}",
	"{\"event_type\":\"stats\",\"stats\":{\"uptime\":\"12\"}}",
	"{}", "{\"a\":[1,2,{\"b\":null}],\"c\":false}", " {\"event_type\":\"alert\"} \r",
	/* Malformed, each. */
	"", "  ", "[1,2]", "\"alert\"", "12", "null", "{\"event_type\":\"alert\"",
	"{\"event_type\":\"alert\"} x", "{\"event_type\":\"alert\"}{}", "{\"a\":01}",
	"{\"a\":1,}", "{\"a\":\"\\x\"}", "{\"a\":1} // c", "{\"a\":/* c */1}", "{\"a\":-}",
	"{\"a\":.5}", "{\"event_type\":'alert'}", "\f{\"event_type\":\"alert\"}",
	"{\"event_type\":\"alert\"}\v", "{\"a\":1}\"x", "{\"a\":1}\"", "{\"a\":1} \"x\"",
	"{\"a\":1}1", "{\"a\":1}t", "{\"a\":1}[",
	"{\"a\":\"\\ud800\"}", "{\"a\":\"\xff\xfe\"}", "{\"a\":tru}",
};

START_TEST(test_evescan_same)
{
	same(scan_cases[_i], strlen(scan_cases[_i]));
}
END_TEST

/* What json-c's strict mode lets by and strict JSON does not. */
static const char *const stricter_cases[] = {
	"{'a':1}", "{\"a\":NaN}", "{\"a\":Infinity}",
	"{\"a\":\"tab\there\"}", "{\"a\":1.}", "{\"a\":\"form\ffeed\"}",
	"{\"a\":00}", "{\"a\":-01.5}",
};

START_TEST(test_evescan_stricter)
{
	same_or_stricter(stricter_cases[_i], strlen(stricter_cases[_i]), true);
}
END_TEST

/* Nesting: json-c's cap is 64 containers; the same here. */
START_TEST(test_evescan_depth)
{
	char l[300];

	for (int depth = 60; depth <= 66; depth++) {
		size_t n = 0;

		l[n++] = '{';
		l[n++] = '"';
		l[n++] = 'a';
		l[n++] = '"';
		l[n++] = ':';
		for (int i = 1; i < depth; i++)
			l[n++] = '[';
		for (int i = 1; i < depth; i++)
			l[n++] = ']';
		l[n++] = '}';
		same(l, n);
	}
}
END_TEST

/* Every line of the fixture, and a long escaped string (yajl's buffer off the stack). */
START_TEST(test_evescan_fixture)
{
	struct pl_buf b;
	char path[1024], err[256];
	const char *f = getenv("FIXTURES"), *p, *end;

	pl_snprintf(path, sizeof(path), "%s/ids/eve.json", f ? f : PL_TEST_SRCDIR
		    "/tests/fixtures");
	pl_buf_init(&b, 0);
	ck_assert_msg(pl_read_file(NULL, path, &b, err, sizeof(err)) == 0, "%s", err);
	for (p = pl_buf_str(&b), end = p + b.len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);

		same(p, n);
		p += n + 1;
	}
	pl_buf_free(&b);
	pl_buf_init(&b, 0);
	pl_buf_add(&b, "{\"event_type\":\"alert\",\"alert\":{\"signature\":\"", 45);
	for (int i = 0; i < 20000; i++)
		pl_buf_add(&b, "\\u00e9\\n", 8);
	pl_buf_add(&b, "\",\"severity\":3}}", 16);
	same(pl_buf_str(&b), b.len);
	pl_buf_free(&b);
}
END_TEST
#endif

TCase *
tc_eve(void)
{
	TCase *tc = tcase_create("eve");

	tcase_add_test(tc, test_eve_alert);
	tcase_add_test(tc, test_eve_stats);
	tcase_add_test(tc, test_eve_other_and_bad);
	tcase_add_loop_test(tc, test_eve_prefilter, 0, sizeof(pre_cases) / sizeof(pre_cases[0]));
	tcase_add_test(tc, test_eve_fixture);
	tcase_add_test(tc, test_snort_json);
	tcase_add_test(tc, test_wazuh);
#ifdef HAVE_YAJL
	tcase_add_loop_test(tc, test_evescan_same, 0, sizeof(scan_cases) / sizeof(scan_cases[0]));
	tcase_add_loop_test(tc, test_evescan_stricter, 0,
			    sizeof(stricter_cases) / sizeof(stricter_cases[0]));
	tcase_add_test(tc, test_evescan_depth);
	tcase_add_test(tc, test_evescan_fixture);
#endif
	return tc;
}
#endif
