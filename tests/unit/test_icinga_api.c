/* pl_icinga_api: Icinga 2 object query replies parsed as a stream, over fixtures fed
 * whole and in pieces of every size, with a filter, broken JSON and API errors; and the
 * request body. */
#include "config.h"

#ifdef HAVE_YAJL
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pl_buf.h"
#include "pl_file.h"
#include "pl_icinga_api.h"
#include <check.h>

TCase *tc_icinga_api(void);

static const char *
fixtures(void)
{
	const char *f = getenv("FIXTURES");

	return f != NULL && f[0] != '\0' ? f : PL_TEST_SRCDIR "/tests/fixtures";
}

static int
collect(const struct pl_engstate *r, void *arg)
{
	struct pl_buf *b = arg;

	pl_buf_printf(b, "%s|%s|%s|%d/%d|%s|%c|%s|%s|%s|%lld|%lld|%d%d%d%d\n", r->host,
		      r->service != NULL ? r->service : "(host)", r->display_name, r->state,
		      r->engine_state, r->state_word, r->hard ? 'H' : 'S', r->output,
		      r->long_output, r->perfdata, (long long)r->last_check,
		      (long long)r->last_state_change, r->acknowledged, r->in_downtime,
		      r->flapping, r->checked);
	return 0;
}

static int
parse(const char *name, size_t step, const struct pl_engstate_filter *f, struct pl_buf *out,
      struct pl_engstate_counts *c, char *err, size_t errlen)
{
	char path[1024];
	struct pl_buf b;
	struct pl_ia ia;
	int rc = 0;

	pl_snprintf(path, sizeof(path), "%s/engstate/%s", fixtures(), name);
	pl_buf_init(&b, 1 << 20);
	ck_assert_msg(pl_read_file(NULL, path, &b, err, errlen) == 0, "%s", err);
	ck_assert_int_eq(pl_ia_init(&ia, f, collect, out, c, err, errlen), 0);
	if (step == 0)
		step = b.len;
	for (size_t o = 0; o < b.len && rc == 0; o += step)
		rc = pl_ia_feed(&ia, b.data + o, b.len - o < step ? b.len - o : step);
	if (rc == 0)
		rc = pl_ia_finish(&ia);
	if (rc != 0)
		pl_strlcpy(err, ia.err, errlen);
	pl_ia_free(&ia);
	pl_buf_free(&b);
	return rc;
}

static const char want_svc[] =
	"web1|disk|Disk space|0/0|OK|H|DISK OK - free space: / 12000 MB (60%)|/ 60% free\n"
	"/var 80% free|/=8000MB;16000;18000;0;20000 /var=1MB|1764669950|1764660000|0001\n"
	"web1|load|load|1/1|WARNING|S|LOAD WARNING - load average: 5.1, 4.0, 3.2||"
	"load1=5.1;5;10;0|1764669950|1764660000|0011\n"
	"db1|pgsql|pgsql|2/2|CRITICAL|H|CRITICAL - connection refused \xc3\xa9\"quoted\"|||"
	"1764669950|1764660000|1001\n"
	"db1|backup|backup|3/3|UNKNOWN|H|UNKNOWN - restic not found|||1764669950|1764660000|0101\n"
	"db1|new|new|0/0|PENDING|H||||1764669950|1764660000|0000\n";

START_TEST(ia_services_in_pieces)
{
	static const size_t steps[] = { 0, 1, 2, 5, 17, 256, 4096 };

	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		struct pl_engstate_counts c;
		struct pl_buf out;
		char err[256];

		pl_buf_init(&out, 1 << 16);
		ck_assert_int_eq(parse("icinga-services.json", steps[i], NULL, &out, &c, err,
				       sizeof(err)), 0);
		ck_assert_str_eq(pl_buf_str(&out), want_svc);
		ck_assert_uint_eq(c.services, 5);
		ck_assert_uint_eq(c.malformed, 2);   /* no state; a Zone */
		pl_buf_free(&out);
	}
}
END_TEST

START_TEST(ia_hosts_filter_errors)
{
	struct pl_engstate_counts c;
	struct pl_buf out;
	char err[256];
	const char *hosts[] = { "db?", "edge*" };
	struct pl_engstate_filter f = { .hosts = hosts, .nhosts = 2 };

	pl_buf_init(&out, 1 << 16);
	ck_assert_int_eq(parse("icinga-hosts.json", 3, NULL, &out, &c, err, sizeof(err)), 0);
	ck_assert_str_eq(pl_buf_str(&out),
		"web1|(host)|WEB1|0/0|UP|H|PING OK - rta 0.05ms||rta=0.05ms|1764669900|1764600000|0001\n"
		"db1|(host)|DB1|2/1|DOWN|H|CRITICAL - Host Unreachable|||1764669900|1764600000|0001\n"
		"edge2|(host)|EDGE2|3/2|UNREACHABLE|H|parent down|||1764669900|1764600000|0001\n");
	pl_buf_reset(&out);
	ck_assert_int_eq(parse("icinga-hosts.json", 0, &f, &out, &c, err, sizeof(err)), 0);
	ck_assert_uint_eq(c.hosts, 2);
	ck_assert_uint_eq(c.skipped, 1);
	/* The API's own error is said. */
	ck_assert_int_eq(parse("icinga-error.json", 0, NULL, &out, &c, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "the Icinga 2 API said 404: No objects found.");
	/* Not JSON, cut short: an error, never a crash. */
	ck_assert_int_eq(parse("status.dat", 0, NULL, &out, &c, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "not JSON"));
	pl_buf_free(&out);
}
END_TEST

START_TEST(ia_body)
{
	const char *hosts[] = { "web*", "db\"1" };
	struct pl_engstate_filter f = { .hosts = hosts, .nhosts = 2 };
	char *b = pl_ia_body(NULL, false);

	ck_assert_str_eq(b, "{\"attrs\":[\"name\",\"display_name\",\"state\",\"state_type\","
		"\"last_check\",\"last_state_change\",\"acknowledgement\",\"downtime_depth\","
		"\"flapping\",\"last_reachable\",\"last_check_result\"]}");
	free(b);
	b = pl_ia_body(&f, true);
	ck_assert_ptr_nonnull(strstr(b, "\"attrs\":[\"name\",\"host_name\",\"display_name\""));
	ck_assert_ptr_nonnull(strstr(b, "\"filter\":\"match(h0, host.name) || match(h1, "
				     "host.name)\",\"filter_vars\":{\"h0\":\"web*\","
				     "\"h1\":\"db\\\"1\"}}"));
	free(b);
}
END_TEST

TCase *
tc_icinga_api(void)
{
	TCase *tc = tcase_create("icinga_api");

	tcase_add_test(tc, ia_services_in_pieces);
	tcase_add_test(tc, ia_hosts_filter_errors);
	tcase_add_test(tc, ia_body);
	return tc;
}
#else
typedef int pl_icinga_api_not_built;   /* no yajl here */
#endif
