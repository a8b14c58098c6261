/* pl_statusdat: Nagios' status.dat read as a stream, over the fixtures, fed whole and in
 * pieces of every size, with a filter, and over broken files (counted, never a crash). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pl_buf.h"
#include "pl_file.h"
#include "pl_statusdat.h"
#include "tests.h"

struct seen {
	struct pl_buf log;   /* one line per record */
	size_t n;
	int stop_after;
	int truncated;
	size_t maxout;
};

static int
collect(const struct pl_engstate *r, void *arg)
{
	struct seen *s = arg;

	pl_buf_printf(&s->log, "%s|%s|%d|%s|%c|%s|%s|%s|%lld|%lld|%d%d%d%d\n", r->host,
		      r->service != NULL ? r->service : "(host)", r->state, r->state_word,
		      r->hard ? 'H' : 'S', strlen(r->output) > 80 ? "(long)" : r->output,
		      r->long_output, r->perfdata, (long long)r->last_check,
		      (long long)r->last_state_change, r->acknowledged, r->in_downtime,
		      r->flapping, r->checked);
	if (strlen(r->output) > s->maxout)
		s->maxout = strlen(r->output);
	s->truncated |= r->truncated;
	s->n++;
	return s->stop_after > 0 && s->n >= (size_t)s->stop_after ? 42 : 0;
}

static char *
fixture(const char *name, size_t *len)
{
	char path[1024], err[256];
	struct pl_buf b;
	char *s;

	pl_snprintf(path, sizeof(path), "%s/engstate/%s", fixtures_dir(), name);
	pl_buf_init(&b, 1 << 20);
	ck_assert_msg(pl_read_file(NULL, path, &b, err, sizeof(err)) == 0, "%s", err);
	*len = b.len;
	s = malloc(b.len + 1);
	memcpy(s, b.data, b.len);
	s[b.len] = '\0';
	pl_buf_free(&b);
	return s;
}

static const char want_all[] =
	"web1|(host)|0|UP|H|PING OK - Packet loss = 0%, RTA = 0.05 ms||"
	"rta=0.05ms;3000;5000;0 pl=0%;80;100;0|1764669900|1764600000|0001\n"
	"db1|(host)|2|DOWN|H|CRITICAL - Host Unreachable (10.0.0.9)|||1764669900|1764600000|1001\n"
	"edge2|(host)|3|UNREACHABLE|S|UNREACHABLE: parent down|||1764669900|1764600000|0001\n"
	"new1|(host)|0|PENDING|H||||1764669900|1764600000|0000\n"
	"web1|disk|0|OK|H|DISK OK - free space: / 12000 MB (60%)|/ 60% free\n/var 80% free\n"
	"C:\\temp ok|/=8000MB;16000;18000;0;20000|1764669950|1764660000|0001\n"
	"web1|load|1|WARNING|S|LOAD WARNING - load average: 5.1, 4.0, 3.2||load1=5.1;5;10;0|"
	"1764669950|1764660000|0011\n"
	"db1|pgsql|2|CRITICAL|H|CRITICAL - connection refused|||1764669950|1764660000|1001\n"
	"db1|backup|3|UNKNOWN|H|UNKNOWN - restic not found|||1764669950|1764660000|0101\n";

START_TEST(sd_fixture_whole_and_in_pieces)
{
	size_t len;
	char *data = fixture("status.dat", &len);
	/* Every chunk size from 1 byte to the whole file gives the same records. */
	static const size_t sizes[] = { 1, 2, 3, 7, 64, 1000, 0 };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct pl_engstate_counts c;
		struct seen s = { .n = 0 };
		struct pl_sd sd;
		char err[256];
		size_t step = sizes[i] != 0 ? sizes[i] : len;

		pl_buf_init(&s.log, 1 << 16);
		ck_assert_int_eq(pl_sd_init(&sd, NULL, collect, &s, &c, err, sizeof(err)), 0);
		for (size_t o = 0; o < len; o += step)
			ck_assert_int_eq(pl_sd_feed(&sd, data + o, len - o < step ? len - o : step), 0);
		ck_assert_int_eq(pl_sd_finish(&sd), 0);
		pl_sd_free(&sd);
		ck_assert_str_eq(pl_buf_str(&s.log), want_all);
		ck_assert_uint_eq(c.hosts, 4);
		ck_assert_uint_eq(c.services, 4);
		ck_assert_uint_eq(c.malformed, 0);
		ck_assert_uint_eq(c.skipped, 0);
		ck_assert_uint_eq(c.long_lines, 0);
		pl_buf_free(&s.log);
	}
	free(data);
}
END_TEST

START_TEST(sd_filter_and_stop)
{
	char path[1024], err[256];
	const char *hosts[] = { "web*", "nomatch" };
	struct pl_engstate_filter f = { .hosts = hosts, .nhosts = 2, .no_hosts = true };
	struct pl_engstate_counts c;
	struct seen s = { .n = 0 };

	pl_snprintf(path, sizeof(path), "%s/engstate/status.dat", fixtures_dir());
	pl_buf_init(&s.log, 1 << 16);
	ck_assert_int_eq(pl_sd_read_file(path, &f, collect, &s, &c, err, sizeof(err)), 0);
	ck_assert_uint_eq(c.services, 2);
	ck_assert_uint_eq(c.hosts, 0);
	ck_assert_uint_eq(c.skipped, 6);
	ck_assert_ptr_nonnull(strstr(pl_buf_str(&s.log), "web1|load|1|"));
	/* The callback's nonzero return stops the reader and is returned. */
	pl_buf_reset(&s.log);
	s.n = 0;
	s.stop_after = 3;
	ck_assert_int_eq(pl_sd_read_file(path, NULL, collect, &s, &c, err, sizeof(err)), 42);
	ck_assert_uint_eq(s.n, 3);
	pl_buf_free(&s.log);
	/* A missing file says which and what to look at. */
	ck_assert_int_eq(pl_sd_read_file("/nonexistent/status.dat", NULL, collect, &s, &c, err,
					 sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/status.dat"));
}
END_TEST

START_TEST(sd_broken_counted)
{
	char path[1024], err[256];
	struct pl_engstate_counts c;
	struct seen s = { .n = 0 };

	pl_snprintf(path, sizeof(path), "%s/engstate/status-broken.dat", fixtures_dir());
	pl_buf_init(&s.log, 1 << 16);
	ck_assert_int_eq(pl_sd_read_file(path, NULL, collect, &s, &c, err, sizeof(err)), 0);
	/* stray line, stray brace, host without name, state 7, line without '=', cut block */
	ck_assert_uint_eq(c.malformed, 6);
	ck_assert_uint_eq(c.services, 1);
	ck_assert_uint_eq(c.hosts, 0);
	ck_assert_uint_eq(c.long_lines, 1);
	ck_assert_int_eq(s.truncated, 1);
	ck_assert_uint_le(s.maxout, PL_SD_LINE_MAX);
	ck_assert_uint_gt(s.maxout, 60000);
	pl_buf_free(&s.log);
}
END_TEST

START_TEST(sd_garbage)
{
	static const char *const bad[] = {
		"", "\n\n\n", "{", "}", "hoststatus {", "hoststatus {\n}\n",
		"servicestatus {\nhost_name=a\nservice_description=b\ncurrent_state=-1\n}\n",
		"servicestatus {\nhost_name=a\nservice_description=b\ncurrent_state=2x\n}\n",
		"hoststatus {\nhost_name=a\ncurrent_state=3\n}\n",
		"hoststatus {\nhost_name=a\ncurrent_state=1\nplugin_output=\\\n}\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct pl_engstate_counts c;
		struct seen s = { .n = 0 };
		struct pl_sd sd;
		char err[256];

		pl_buf_init(&s.log, 4096);
		ck_assert_int_eq(pl_sd_init(&sd, NULL, collect, &s, &c, err, sizeof(err)), 0);
		pl_sd_feed(&sd, bad[i], strlen(bad[i]));
		pl_sd_finish(&sd);
		pl_sd_free(&sd);
		ck_assert_uint_eq(c.hosts + c.services, i == 9 ? 1 : 0);
		pl_buf_free(&s.log);
	}
}
END_TEST

TCase *
tc_statusdat(void)
{
	TCase *tc = tcase_create("statusdat");

	tcase_add_test(tc, sd_fixture_whole_and_in_pieces);
	tcase_add_test(tc, sd_filter_and_stop);
	tcase_add_test(tc, sd_broken_counted);
	tcase_add_test(tc, sd_garbage);
	return tc;
}
