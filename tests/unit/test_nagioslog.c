/* pl_nagioslog: nagios.log lines of every kind (from a real Nagios 4.4.6 and a scripted
 * fault), malformed ones counted, the stream fed whole and in pieces of every size, and
 * rotated files read oldest first. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pl_buf.h"
#include "pl_file.h"
#include "pl_nagioslog.h"
#include "tests.h"

/* One line per event: kind|time|host|service|state|word|hard|attempt|ntype|contact|
 * author|comment|phase|output */
static int
log_event(const struct pl_event *e, void *arg)
{
	struct pl_buf *b = arg;

	pl_buf_printf(b, "%s|%lld|%s|%s|%d|%s|%c%d|%s|%s|%s|%s|%d|%s\n",
		      pl_event_kind_name(e->kind), (long long)e->time, e->host,
		      e->service ? e->service : "-", e->state, e->state_word, e->hard ? 'H' : 'S',
		      e->attempt, e->kind == PL_EV_NOTIFY ? pl_notify_type_name(e->ntype) : "",
		      e->contact, e->author, e->comment, (int)e->phase, e->output);
	return 0;
}

static const struct {
	const char *line;
	int rc;
	const char *want;
} lines[] = {
	{ "[1796223183] SERVICE ALERT: h1;web;CRITICAL;HARD;2;HTTP CRITICAL - refused; again",
	  1, "state|1796223183|h1|web|2|CRITICAL|H2|||||0|HTTP CRITICAL - refused; again\n" },
	{ "[1796223181] SERVICE ALERT: h1;web;WARNING;SOFT;1;w", 1,
	  "state|1796223181|h1|web|1|WARNING|S1|||||0|w\n" },
	{ "[1796223199] HOST ALERT: h1;DOWN;HARD;1;PING CRITICAL - down", 1,
	  "state|1796223199|h1|-|2|DOWN|H1|||||0|PING CRITICAL - down\n" },
	{ "[1796223199] HOST ALERT: h1;UNREACHABLE;SOFT;2;x", 1,
	  "state|1796223199|h1|-|3|UNREACHABLE|S2|||||0|x\n" },
	{ "[1796223179] INITIAL SERVICE STATE: h1;web;OK;HARD;1;(null)", 1,
	  "restate|1796223179|h1|web|0|OK|H1|||||0|\n" },
	{ "[1796223179] CURRENT HOST STATE: h1;UP;HARD;1;", 1,
	  "restate|1796223179|h1|-|0|UP|H1|||||0|\n" },
	{ "[1796223183] SERVICE NOTIFICATION: alice;h1;web;CRITICAL;notify-true;HTTP CRITICAL", 1,
	  "notification|1796223183|h1|web|2|CRITICAL|S0|PROBLEM|alice|||0|HTTP CRITICAL\n" },
	{ "[1796223192] SERVICE NOTIFICATION: alice;h1;web;OK;notify-true;HTTP OK - 200", 1,
	  "notification|1796223192|h1|web|0|OK|S0|RECOVERY|alice|||0|HTTP OK - 200\n" },
	{ "[1796223185] SERVICE NOTIFICATION: alice;h1;web;ACKNOWLEDGEMENT (CRITICAL);"
	  "notify-true;HTTP CRITICAL - refused again;alice;looking at it; restart", 1,
	  "notification|1796223185|h1|web|2|CRITICAL|S0|ACKNOWLEDGEMENT|alice|alice|"
	  "looking at it; restart|0|HTTP CRITICAL - refused again\n" },
	{ "[1796223200] HOST NOTIFICATION: alice;h1;ACKNOWLEDGEMENT (DOWN);notify-true;PING "
	  "CRITICAL - down;bob;net team", 1,
	  "notification|1796223200|h1|-|2|DOWN|S0|ACKNOWLEDGEMENT|alice|bob|net team|0|PING "
	  "CRITICAL - down\n" },
	{ "[1796223194] SERVICE NOTIFICATION: alice;h1;web;DOWNTIMESTART (OK);notify-true;HTTP OK",
	  1, "notification|1796223194|h1|web|0|OK|S0|DOWNTIMESTART|alice|||0|HTTP OK\n" },
	{ "[1796223206] HOST NOTIFICATION: alice;h1;DOWNTIMECANCELLED (UP);notify-true;PING OK",
	  1, "notification|1796223206|h1|-|0|UP|S0|DOWNTIMECANCELLED|alice|||0|PING OK\n" },
	{ "[1796223203] SERVICE NOTIFICATION: alice;h1;web;CUSTOM (OK);notify-true;HTTP OK - "
	  "200;alice;custom hi", 1,
	  "notification|1796223203|h1|web|0|OK|S0|CUSTOM|alice|alice|custom hi|0|HTTP OK - 200\n" },
	{ "[1796223210] SERVICE NOTIFICATION: a;h1;web;FLAPPINGSTART (WARNING);c;o", 1,
	  "notification|1796223210|h1|web|1|WARNING|S0|FLAPPINGSTART|a|||0|o\n" },
	{ "[1796223185] EXTERNAL COMMAND: ACKNOWLEDGE_SVC_PROBLEM;h1;web;2;1;1;alice;looking at "
	  "it; restart", 1, "acknowledgement|1796223185|h1|web|-1||S0|||alice|looking at it; "
	  "restart|0|\n" },
	{ "[1796223200] EXTERNAL COMMAND: ACKNOWLEDGE_HOST_PROBLEM;h1;1;1;0;bob;net team", 1,
	  "acknowledgement|1796223200|h1|-|-1||S0|||bob|net team|0|\n" },
	{ "[1796223194] SERVICE DOWNTIME ALERT: h1;web;STARTED; Service has entered a period of "
	  "scheduled downtime", 1, "downtime|1796223194|h1|web|-1||S0||||Service has entered a period of "
	  "scheduled downtime|1|\n" },
	{ "[1796223196] SERVICE DOWNTIME ALERT: h1;web;STOPPED; Service has exited", 1,
	  "downtime|1796223196|h1|web|-1||S0||||Service has exited|2|\n" },
	{ "[1796223206] HOST DOWNTIME ALERT: h1;CANCELLED; Scheduled downtime for host has been "
	  "cancelled.", 1, "downtime|1796223206|h1|-|-1||S0||||Scheduled downtime for host has "
	  "been cancelled.|3|\n" },
	{ "[1796223300] SERVICE FLAPPING ALERT: h1;web;STARTED; Service appears to have started "
	  "flapping (24.2% change >= 20.0% threshold)", 1,
	  "flapping|1796223300|h1|web|-1||S0||||Service appears to have started flapping "
	  "(24.2% change >= 20.0% threshold)|1|\n" },
	{ "[1796223300] HOST FLAPPING ALERT: h1;DISABLED; Flap detection has been disabled", 1,
	  "flapping|1796223300|h1|-|-1||S0||||Flap detection has been disabled|3|\n" },
	/* ignored */
	{ "[1796223179] LOG ROTATION: DAILY", 0, "" },
	{ "[1796223181] PASSIVE SERVICE CHECK: h1;web;0;(null)", 0, "" },
	{ "[1796223181] EXTERNAL COMMAND: PROCESS_SERVICE_CHECK_RESULT;h1;web;2;x", 0, "" },
	{ "[1796223179] Nagios 4.4.6 starting... (PID=13652)", 0, "" },
	{ "", 0, "" },
	/* malformed */
	{ "SERVICE ALERT: h1;web;CRITICAL;HARD;2;no time", -1, "" },
	{ "[17962", -1, "" },
	{ "[x] SERVICE ALERT: h1;web;CRITICAL;HARD;2;o", -1, "" },
	{ "[1796223183]SERVICE ALERT: h1;web;CRITICAL;HARD;2;o", -1, "" },
	{ "[1796223183] SERVICE ALERT: h1;web;BOGUS;HARD;2;o", -1, "" },
	{ "[1796223183] SERVICE ALERT: h1;web;CRITICAL;MAYBE;2;o", -1, "" },
	{ "[1796223183] SERVICE ALERT: h1;web;CRITICAL;HARD;two;o", -1, "" },
	{ "[1796223183] SERVICE ALERT: h1;web;CRITICAL;HARD", -1, "" },
	{ "[1796223183] SERVICE ALERT: ;web;CRITICAL;HARD;1;o", -1, "" },
	{ "[1796223183] HOST ALERT: h1;CRITICAL;HARD;1;o", -1, "" },
	{ "[1796223183] SERVICE NOTIFICATION: alice;h1;web;ACKNOWLEDGEMENT CRITICAL;c;o", -1, "" },
	{ "[1796223183] SERVICE NOTIFICATION: alice;h1;web", -1, "" },
	{ "[1796223185] EXTERNAL COMMAND: ACKNOWLEDGE_SVC_PROBLEM;h1;web;2;1", -1, "" },
	{ "[1796223194] SERVICE DOWNTIME ALERT: h1;web;PAUSED; x", -1, "" },
	{ "[99999999999999999999] HOST ALERT: h1;UP;HARD;1;o", -1, "" },
};

START_TEST(nl_lines)
{
	char buf[1024];
	struct pl_buf out = PL_BUF_INIT;
	struct pl_event ev;
	size_t n = strlen(lines[_i].line);
	int rc;

	memcpy(buf, lines[_i].line, n + 1);
	rc = pl_nl_parse_line(buf, n, &ev);
	ck_assert_msg(rc == lines[_i].rc, "%s: rc %d", lines[_i].line, rc);
	if (rc == 1) {
		log_event(&ev, &out);
		ck_assert_str_eq(pl_buf_str(&out), lines[_i].want);
	}
	pl_buf_free(&out);
}
END_TEST

static char *
fixture(const char *name, size_t *len)
{
	char path[1024], err[256];
	struct pl_buf b;
	char *s;

	pl_snprintf(path, sizeof(path), "%s/nagioslog/%s", fixtures_dir(), name);
	pl_buf_init(&b, 1 << 20);
	ck_assert_msg(pl_read_file(NULL, path, &b, err, sizeof(err)) == 0, "%s", err);
	*len = b.len;
	s = malloc(b.len + 1);
	memcpy(s, b.data, b.len);
	s[b.len] = '\0';
	pl_buf_free(&b);
	return s;
}

static void
feed(const char *s, size_t len, size_t step, struct pl_buf *out, struct pl_nl_counts *c)
{
	struct pl_nl nl;
	char err[128];

	ck_assert(pl_nl_init(&nl, log_event, out, c, err, sizeof(err)) == 0);
	memset(c, 0, sizeof(*c));
	for (size_t o = 0; o < len; o += step)
		ck_assert(pl_nl_feed(&nl, s + o, len - o < step ? len - o : step) == 0);
	ck_assert(pl_nl_finish(&nl) == 0);
	pl_nl_free(&nl);
}

/* The real log of nagios4 4.4.6 (a passive fault, acknowledgements, downtimes): the
 * same events and counts whatever the pieces. */
START_TEST(nl_real_in_pieces)
{
	size_t len;
	char *s = fixture("real-4.4.6.log", &len);
	struct pl_buf whole = PL_BUF_INIT;
	struct pl_nl_counts c, c2;

	feed(s, len, len, &whole, &c);
	ck_assert_uint_eq(c.lines, 58);
	ck_assert_uint_eq(c.events, 23);
	ck_assert_uint_eq(c.malformed, 0);
	ck_assert_uint_eq(c.ignored, 35);
	ck_assert_int_eq(c.first, 1796223179);
	ck_assert_int_eq(c.last, 1796223217);
	ck_assert_ptr_nonnull(strstr(pl_buf_str(&whole),
				     "acknowledgement|1796223185|h1|web|-1||S0|||alice|looking at "
				     "it; restart|0|\n"));
	for (size_t step = 1; step < 200; step += step < 10 ? 1 : 37) {
		struct pl_buf part = PL_BUF_INIT;

		feed(s, len, step, &part, &c2);
		ck_assert_str_eq(pl_buf_str(&part), pl_buf_str(&whole));
		ck_assert(memcmp(&c, &c2, sizeof(c)) == 0);
		pl_buf_free(&part);
	}
	pl_buf_free(&whole);
	free(s);
}
END_TEST

/* A line over the bound is cut (counted) and its event still read; no newline at the
 * end is a line. */
START_TEST(nl_long_and_unterminated)
{
	size_t n = PL_NL_LINE_MAX + 500;
	char *s = malloc(n + 64);
	struct pl_buf out = PL_BUF_INIT;
	struct pl_nl_counts c;
	const char *head = "[100] SERVICE ALERT: h;s;CRITICAL;HARD;1;";
	size_t k = strlen(head);

	memcpy(s, head, k);
	memset(s + k, 'x', n - k);
	memcpy(s + n, "\n[101] HOST ALERT: h;UP;HARD;1;ok", 33);
	feed(s, n + 33, 4096, &out, &c);
	ck_assert_uint_eq(c.lines, 2);
	ck_assert_uint_eq(c.events, 2);
	ck_assert_uint_eq(c.long_lines, 1);
	ck_assert_int_eq(c.last, 101);
	ck_assert_ptr_nonnull(strstr(pl_buf_str(&out), "state|101|h|-|0|UP|H1|||||0|ok\n"));
	free(s);
	pl_buf_free(&out);
}
END_TEST

/* Rotated files given newest first are read oldest first. */
START_TEST(nl_files_in_order)
{
	char a[1024], b[1024], err[256];
	const char *paths[2] = { a, b };
	struct pl_buf out = PL_BUF_INIT;
	struct pl_nl_counts c;
	const char *p;

	pl_snprintf(a, sizeof(a), "%s/nagioslog/nagios.log", fixtures_dir());
	pl_snprintf(b, sizeof(b), "%s/nagioslog/archives-nagios-11-15-2026-00.log",
		    fixtures_dir());
	ck_assert_int_eq(pl_nl_read_files(paths, 2, log_event, &out, &c, err, sizeof(err)), 0);
	p = pl_buf_str(&out);
	ck_assert(strncmp(p, "restate|1793491200|web1|-|0|UP|", 31) == 0);
	ck_assert_uint_eq(c.malformed, 3);
	ck_assert_uint_eq(c.lines, 35);
	ck_assert_int_eq(c.first, 1793491200);
	ck_assert_int_eq(c.last, 1795183200);
	pl_buf_free(&out);
	b[0] = '/';
	pl_strlcpy(b, "/nonexistent/nagios.log", sizeof(b));
	ck_assert_int_eq(pl_nl_read_files(paths, 2, log_event, &out, &c, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "cannot open /nonexistent/nagios.log: No such file or directory");
}
END_TEST

static int
stop_at_two(const struct pl_event *e, void *arg)
{
	int *n = arg;

	(void)e;
	return ++*n == 2 ? 7 : 0;
}

START_TEST(nl_stop)
{
	static const char t[] = "[1] HOST ALERT: h;UP;HARD;1;a\n[2] HOST ALERT: h;UP;HARD;1;b\n"
				"[3] HOST ALERT: h;UP;HARD;1;c\n";
	struct pl_nl nl;
	struct pl_nl_counts c;
	char err[64];
	int n = 0;

	memset(&c, 0, sizeof(c));
	ck_assert(pl_nl_init(&nl, stop_at_two, &n, &c, err, sizeof(err)) == 0);
	ck_assert_int_eq(pl_nl_feed(&nl, t, sizeof(t) - 1), 7);
	ck_assert_int_eq(pl_nl_finish(&nl), 7);
	ck_assert_int_eq(n, 2);
	pl_nl_free(&nl);
}
END_TEST

TCase *
tc_nagioslog(void)
{
	TCase *tc = tcase_create("nagioslog");

	tcase_add_loop_test(tc, nl_lines, 0, sizeof(lines) / sizeof(lines[0]));
	tcase_add_test(tc, nl_real_in_pieces);
	tcase_add_test(tc, nl_long_and_unterminated);
	tcase_add_test(tc, nl_files_in_order);
	tcase_add_test(tc, nl_stop);
	return tc;
}
