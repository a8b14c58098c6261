/* pl_incident: events with times chosen exactly into incidents (detection, hard state,
 * first notification, acknowledgement, escalation, recovery), downtimes, availability
 * with downtime and business hours, the review per role, and the notes file. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pl_buf.h"
#include "pl_incident.h"
#include "pl_nagioslog.h"
#include "tests.h"

/* 2026-11-02 (a Monday) 00:00:00 UTC */
#define MON 1793577600

static void
feed(struct pl_incidents *s, const char *text)
{
	char *copy = strdup(text), *line = copy;

	while (line != NULL && *line) {
		char *nl = strchr(line, '\n');
		struct pl_event ev;

		if (nl != NULL)
			*nl = '\0';
		if (pl_nl_parse_line(line, strlen(line), &ev) == 1)
			ck_assert_int_eq(pl_inc_event(&ev, s), 0);
		line = nl ? nl + 1 : NULL;
	}
	free(copy);
}

/* Times as offsets from MON in the lines: "[+60]" is MON + 60. */
static char *
at(const char *tmpl)
{
	size_t n = strlen(tmpl) * 2 + 64;
	char *o = malloc(n), *w = o;

	for (const char *p = tmpl; *p;) {
		if (p[0] == '[' && p[1] == '+') {
			long v = 0;

			for (p += 2; *p >= '0' && *p <= '9'; p++)
				v = v * 10 + (*p - '0');
			w += pl_snprintf(w, (size_t)(o + n - w), "[%lld", (long long)MON + v);
		} else {
			*w++ = *p++;
		}
	}
	*w = '\0';
	return o;
}

static const char fault[] =
	"[+0] INITIAL SERVICE STATE: web1;http;OK;HARD;1;fine\n"
	"[+0] INITIAL HOST STATE: web1;UP;HARD;1;up\n"
	"[+32400] SERVICE ALERT: web1;http;CRITICAL;SOFT;1;refused\n"
	"[+32460] SERVICE ALERT: web1;http;CRITICAL;SOFT;2;refused 2\n"
	"[+32520] SERVICE NOTIFICATION: alice;web1;http;CRITICAL;mail;refused 3\n"
	"[+32521] SERVICE NOTIFICATION: carol;web1;http;CRITICAL;mail;refused 3\n"
	"[+32521] SERVICE ALERT: web1;http;CRITICAL;HARD;3;refused 3\n"
	"[+32820] EXTERNAL COMMAND: ACKNOWLEDGE_SVC_PROBLEM;web1;http;2;1;1;alice;on it; now\n"
	"[+32820] SERVICE NOTIFICATION: alice;web1;http;ACKNOWLEDGEMENT (CRITICAL);mail;"
	"refused 3;alice;on it; now\n"
	"[+34320] SERVICE NOTIFICATION: bob;web1;http;CRITICAL;mail;bad gateway\n"
	"[+34320] SERVICE NOTIFICATION: alice;web1;http;CRITICAL;mail;bad gateway\n"
	"[+36120] SERVICE ALERT: web1;http;OK;HARD;3;HTTP OK\n"
	/* a downtime 20:00-21:00 with a problem inside it */
	"[+72000] SERVICE DOWNTIME ALERT: web1;http;STARTED; Service has entered\n"
	"[+72600] SERVICE ALERT: web1;http;WARNING;HARD;1;slow\n"
	"[+73800] SERVICE ALERT: web1;http;OK;HARD;1;fast\n"
	"[+75600] SERVICE DOWNTIME ALERT: web1;http;STOPPED; Service has exited\n"
	/* a host problem still open, its notification and ack without an incident first */
	"[+80000] HOST NOTIFICATION: dave;web1;ACKNOWLEDGEMENT (DOWN);mail;x;dave;early\n"
	"[+86400] HOST ALERT: web1;DOWN;HARD;1;PING CRITICAL\n";

START_TEST(inc_fault)
{
	struct pl_incidents s;
	char *t = at(fault);
	const struct pl_incident *in;

	pl_inc_init(&s);
	feed(&s, t);
	pl_inc_finish(&s, MON + 90000);
	ck_assert_uint_eq(s.ninc, 3);
	in = &s.inc[0];
	ck_assert_str_eq(in->id, "20261102-090000-a0ecd4f4");
	ck_assert_str_eq(in->severity_word, "CRITICAL");
	ck_assert_int_eq(in->detected, MON + 32400);
	ck_assert_str_eq(in->detect_output, "refused");
	ck_assert_int_eq(in->hard, MON + 32521);
	ck_assert_int_eq(in->notified, MON + 32520);
	/* carol a second later is of the same batch */
	ck_assert_str_eq(in->notified_to, "alice, carol");
	ck_assert_int_eq(in->acked, MON + 32820);
	ck_assert_str_eq(in->ack_author, "alice");
	ck_assert_str_eq(in->ack_comment, "on it; now");
	ck_assert_uint_eq(in->nescalations, 1);
	ck_assert_str_eq(in->escalated_to, "bob");
	ck_assert_int_eq(in->recovered, MON + 36120);
	ck_assert_str_eq(in->recover_output, "HTTP OK");
	ck_assert(pl_inc_find(&s, "20261102-090000-a0ecd4f4") == in);
	ck_assert(pl_inc_at(&s, "web1", "http", MON + 33000) == in);
	ck_assert(pl_inc_at(&s, "web1", "http", MON + 40000) == in);
	ck_assert(pl_inc_at(&s, "web1", "http", MON + 72700) == &s.inc[1]);
	ck_assert(pl_inc_at(&s, "web1", "http", MON) == NULL);
	ck_assert(pl_inc_at(&s, "web1", NULL, MON + 86400) == &s.inc[2]);
	/* steps: soft, hard, notified alice and carol (logged before the hard state),
	 * ack, escalated bob, notified again alice, recovered */
	ck_assert_uint_eq(in->nsteps, 8);
	ck_assert_int_eq(in->steps[0].kind, PL_STEP_SOFT);
	ck_assert_int_eq(in->steps[2].kind, PL_STEP_NOTIFY);
	ck_assert_str_eq(in->steps[5].who, "bob");
	ck_assert_str_eq(in->steps[5].text, "bad gateway");
	ck_assert_int_eq(in->steps[6].kind, PL_STEP_RENOTIFY);
	in = &s.inc[1];
	ck_assert_str_eq(in->severity_word, "WARNING");
	ck_assert_int_eq(in->detected, MON + 72600);
	ck_assert_int_eq(in->recovered, MON + 73800);
	in = &s.inc[2];
	ck_assert_ptr_null(in->service);
	ck_assert_str_eq(in->severity_word, "DOWN");
	ck_assert_int_eq(in->severity, 2);
	ck_assert_int_eq(in->recovered, 0);
	ck_assert_int_eq(in->acked, 0);
	ck_assert_uint_eq(s.stray, 1);
	pl_inc_free(&s);
	free(t);
}
END_TEST

/* The same notification number is one batch, a higher one to someone new an escalation;
 * a restated problem opens a restated incident. */
START_TEST(inc_numbers_and_restate)
{
	struct pl_incidents s;
	struct pl_event e = { .kind = PL_EV_RESTATE, .time = 1000, .host = "h", .service = "s",
			      .state = 2, .state_word = "CRITICAL", .hard = true, .output = "o",
			      .contact = "", .command = "", .author = "", .comment = "" };

	pl_inc_init(&s);
	ck_assert_int_eq(pl_inc_event(&e, &s), 0);
	e.kind = PL_EV_NOTIFY;
	e.ntype = PL_NT_PROBLEM;
	e.number = 1;
	e.contact = "a";
	pl_inc_event(&e, &s);
	e.time = 1005;
	e.contact = "b";
	pl_inc_event(&e, &s);
	e.number = 2;
	e.contact = "c";
	e.time = 1006;
	pl_inc_event(&e, &s);
	ck_assert_uint_eq(s.ninc, 1);
	ck_assert(s.inc[0].restated);
	ck_assert_int_eq(s.inc[0].detected, 1000);
	ck_assert_str_eq(s.inc[0].notified_to, "a, b");
	ck_assert_str_eq(s.inc[0].escalated_to, "c");
	pl_inc_free(&s);
}
END_TEST

START_TEST(inc_availability)
{
	struct pl_incidents s;
	struct pl_hours h;
	struct pl_avail a;
	char err[256];
	char *t = at(fault);
	const struct pl_inc_object *o;

	pl_inc_init(&s);
	feed(&s, t);
	pl_inc_finish(&s, MON + 90000);
	o = pl_inc_object(&s, "web1", "http");
	ck_assert_ptr_nonnull(o);
	ck_assert_uint_eq(o->ndowntimes, 1);
	/* one day: outage 32521..36120 (3599 s); the warning inside the downtime is not
	 * counted, nor is the hour of downtime */
	pl_inc_availability(&s, o, MON, MON + 86400, NULL, &a);
	ck_assert_int_eq(a.period, 86400);
	ck_assert_int_eq(a.downtime, 3600);
	ck_assert_int_eq(a.outage, 3599);
	ck_assert_uint_eq(a.incidents, 2);
	ck_assert_double_eq_tol(a.percent, 100.0 * (82800 - 3599) / 82800, 1e-9);
	/* business hours 08:00-18:00 Monday: 36000 s counted, no downtime in them */
	setenv("TZ", "UTC", 1);
	tzset();
	ck_assert_int_eq(pl_hours_parse("mon-fri,08:00-18:00", &h, err, sizeof(err)), 0);
	pl_inc_availability(&s, o, MON, MON + 86400, &h, &a);
	ck_assert_int_eq(a.period, 36000);
	ck_assert_int_eq(a.downtime, 0);
	ck_assert_int_eq(a.outage, 3599);
	/* the host: down from 86400 to the end of the period */
	o = pl_inc_object(&s, "web1", NULL);
	pl_inc_availability(&s, o, MON, MON + 90000, NULL, &a);
	ck_assert_int_eq(a.outage, 3600);
	ck_assert_double_eq_tol(a.percent, 100.0 * 86400 / 90000, 1e-9);
	/* before the history: nothing counted */
	pl_inc_availability(&s, o, MON - 1000, MON, NULL, &a);
	ck_assert_int_eq(a.period, 0);
	ck_assert(a.percent < 0);
	pl_inc_free(&s);
	free(t);
}
END_TEST

START_TEST(inc_review_roles)
{
	struct pl_incidents s;
	struct pl_roles r;
	struct pl_review rv;
	char err[256];
	char *t = at(fault);
	static const char roles[] = "# roles\nalice = monitoring group\n  carol=monitoring group\n"
				    "bob = technical support\n\n";

	ck_assert_int_eq(pl_roles_parse(roles, strlen(roles), &r, err, sizeof(err)), 0);
	ck_assert_str_eq(pl_roles_of(&r, "carol"), "monitoring group");
	ck_assert_str_eq(pl_roles_of(&r, "zed"), "zed");
	pl_inc_init(&s);
	feed(&s, t);
	pl_inc_finish(&s, MON + 90000);
	ck_assert_int_eq(pl_inc_review(&s, MON, MON + 90000, NULL, &r, &rv), 0);
	ck_assert_uint_eq(rv.incidents, 3);
	ck_assert_uint_eq(rv.by_severity[2], 2);
	ck_assert_uint_eq(rv.by_severity[1], 1);
	ck_assert_uint_eq(rv.acked, 1);
	ck_assert_uint_eq(rv.recovered, 2);
	ck_assert_double_eq(rv.mtta, 420);
	ck_assert_double_eq(rv.mttr, (3720.0 + 1200.0) / 2);
	ck_assert_uint_eq(rv.nopen, 1);
	ck_assert_uint_eq(rv.nroles, 3);
	ck_assert_str_eq(rv.roles[0].role, "monitoring group");
	ck_assert_uint_eq(rv.roles[0].incidents, 1);
	ck_assert_uint_eq(rv.roles[0].escalated, 0);
	ck_assert_str_eq(rv.roles[1].role, "technical support");
	ck_assert_uint_eq(rv.roles[1].escalated, 1);
	ck_assert_double_eq(rv.roles[1].mtta, 420);
	ck_assert_double_eq(rv.roles[1].mttr, 3720);
	ck_assert_str_eq(rv.roles[2].role, "(not notified)");
	ck_assert_uint_eq(rv.roles[2].incidents, 2);
	ck_assert_double_eq(rv.roles[2].mttr, 1200);
	pl_review_free(&rv);
	pl_roles_free(&r);
	ck_assert_int_eq(pl_roles_parse("alice\n", 6, &r, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "line 1 is not CONTACT = ROLE");
	pl_inc_free(&s);
	free(t);
}
END_TEST

START_TEST(inc_hours)
{
	struct pl_hours h;
	char err[256];

	setenv("TZ", "UTC", 1);
	tzset();
	ck_assert_int_eq(pl_hours_parse("mon-fri,08:00-18:00", &h, err, sizeof(err)), 0);
	ck_assert_uint_eq(h.days, 0x3e);
	/* a whole week from Monday: 5 x 10 h */
	ck_assert_int_eq(pl_hours_overlap(&h, MON, MON + 7 * 86400), 5 * 36000);
	ck_assert_int_eq(pl_hours_overlap(&h, MON + 7 * 3600, MON + 9 * 3600), 3600);
	ck_assert_int_eq(pl_hours_parse("sat-sun,00:00-24:00", &h, err, sizeof(err)), 0);
	ck_assert_uint_eq(h.days, 0x41);
	ck_assert_int_eq(pl_hours_overlap(&h, MON, MON + 7 * 86400), 2 * 86400);
	ck_assert_int_eq(pl_hours_parse("mon,wed,09:00-17:30", &h, err, sizeof(err)), 0);
	ck_assert_int_eq(pl_hours_overlap(&h, MON, MON + 7 * 86400), 2 * 30600);
	ck_assert_int_eq(pl_hours_parse("08:00-18:00", &h, err, sizeof(err)), -1);
	ck_assert_int_eq(pl_hours_parse("mon-fri,18:00-08:00", &h, err, sizeof(err)), -1);
	ck_assert_int_eq(pl_hours_parse("mon-fri,8:00-18:00", &h, err, sizeof(err)), -1);
	ck_assert_int_eq(pl_hours_parse("mon-fry,08:00-18:00", &h, err, sizeof(err)), -1);
	ck_assert_int_eq(pl_hours_parse("mon-fri,08:00-25:00", &h, err, sizeof(err)), -1);
	ck_assert(strstr(err, "mon-fri,08:00-18:00") != NULL);
}
END_TEST

START_TEST(inc_notes)
{
	static const char text[] =
		"# fault 20261102-090000-a0ecd4f4\n"
		"Cause: nginx did not start after the upgrade\n"
		"handling: restarted nginx;\n"
		"  rolled the package back\n"
		"Business impact: the shop was down for 62 minutes\n"
		"prevention: upgrade on the staging host first\n"
		"ticket: OPS-42\n"
		"this line has no key\n";
	struct pl_fault_notes n;
	char err[64];

	ck_assert_int_eq(pl_notes_parse(text, strlen(text), &n, err, sizeof(err)), 0);
	ck_assert_str_eq(n.cause, "nginx did not start after the upgrade");
	ck_assert_str_eq(n.handling, "restarted nginx;\nrolled the package back");
	ck_assert_str_eq(n.impact, "the shop was down for 62 minutes");
	ck_assert_str_eq(n.prevention, "upgrade on the staging host first");
	ck_assert_ptr_null(n.author);
	ck_assert_uint_eq(n.nextra, 1);
	ck_assert_str_eq(n.extra_key[0], "ticket");
	ck_assert_str_eq(n.extra_val[0], "OPS-42");
	ck_assert_uint_eq(n.bad_lines, 1);
	pl_notes_free(&n);
}
END_TEST

TCase *
tc_incident(void)
{
	TCase *tc = tcase_create("incident");

	tcase_add_test(tc, inc_fault);
	tcase_add_test(tc, inc_numbers_and_restate);
	tcase_add_test(tc, inc_availability);
	tcase_add_test(tc, inc_review_roles);
	tcase_add_test(tc, inc_hours);
	tcase_add_test(tc, inc_notes);
	return tc;
}
