/* pl_httpspec: status lists and maps, the judge, status lines, certificate times (on
 * what libcurl printed for a real chain, tests/fixtures/http) and timing phases. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "pl_buf.h"
#include "pl_file.h"
#include "pl_httpspec.h"
#include "tests.h"

static int
codes(const char *s, struct pl_http_codes *c)
{
	char err[256];

	memset(c, 0, sizeof(*c));
	return pl_http_codes_parse(s, strlen(s), c, err, sizeof(err));
}

START_TEST(test_codes)
{
	struct pl_http_codes c;
	char text[128];

	ck_assert_int_eq(codes("200", &c), 0);
	ck_assert(pl_http_codes_has(&c, 200));
	ck_assert(!pl_http_codes_has(&c, 201));
	ck_assert_int_eq(codes(" 200 , 301-302,5XX", &c), 0);
	ck_assert_uint_eq(c.n, 3);
	ck_assert(pl_http_codes_has(&c, 301) && pl_http_codes_has(&c, 302));
	ck_assert(!pl_http_codes_has(&c, 303));
	ck_assert(pl_http_codes_has(&c, 500) && pl_http_codes_has(&c, 599));
	ck_assert(!pl_http_codes_has(&c, 600));
	pl_http_codes_format(&c, text, sizeof(text));
	ck_assert_str_eq(text, "200, 301-302, 5xx");
	ck_assert_int_eq(codes("100-999", &c), 0);
	ck_assert(pl_http_codes_has(&c, 999));
}
END_TEST

START_TEST(test_codes_bad)
{
	static const char *const bad[] = {
		"", ",", "200,", "20", "2000", "099", "0xx", "2x", "2xxx", "302-301", "200-",
		"-200", "abc", "200 201", "1e2", "+200", "6xx0", "200--300",
	};
	struct pl_http_codes c;
	char err[256], big[400];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(codes(bad[i], &c) == -1, "'%s' was taken", bad[i]);
	/* A refused list leaves what was there. */
	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(pl_http_codes_parse("200", 3, &c, err, sizeof(err)), 0);
	ck_assert_int_eq(pl_http_codes_parse("201,x", 5, &c, err, sizeof(err)), -1);
	ck_assert_uint_eq(c.n, 1);
	ck_assert(strstr(err, "x") == NULL || strstr(err, "like") != NULL);
	/* A NUL inside is refused, not read as the end. */
	ck_assert_int_eq(pl_http_codes_parse("200\0" "1", 5, &c, err, sizeof(err)), -1);
	/* At most PL_HTTP_CODES_MAX entries. */
	big[0] = '\0';
	for (int i = 0; i <= PL_HTTP_CODES_MAX; i++)
		pl_snprintf(big + strlen(big), sizeof(big) - strlen(big), "%s200", i ? "," : "");
	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(pl_http_codes_parse(big, strlen(big), &c, err, sizeof(err)), -1);
	ck_assert_uint_eq(c.n, 0);
}
END_TEST

START_TEST(test_map_and_judge)
{
	struct pl_http_map m;
	struct pl_http_codes e;
	char err[256];
	int how;

	memset(&m, 0, sizeof(m));
	memset(&e, 0, sizeof(e));
	/* The defaults. */
	ck_assert_int_eq(pl_http_judge(200, &m, &e, &how), PL_OK);
	ck_assert_int_eq(how, 3);
	ck_assert_int_eq(pl_http_judge(302, &m, &e, NULL), PL_OK);
	ck_assert_int_eq(pl_http_judge(404, &m, &e, NULL), PL_WARNING);
	ck_assert_int_eq(pl_http_judge(503, &m, &e, NULL), PL_CRITICAL);
	ck_assert_int_eq(pl_http_judge(999, &m, &e, NULL), PL_CRITICAL);
	/* --expect. */
	ck_assert_int_eq(codes("200,204", &e), 0);
	ck_assert_int_eq(pl_http_judge(204, &m, &e, &how), PL_OK);
	ck_assert_int_eq(how, 2);
	ck_assert_int_eq(pl_http_judge(302, &m, &e, NULL), PL_CRITICAL);
	ck_assert_int_eq(pl_http_judge(404, &m, &e, NULL), PL_CRITICAL);
	/* The map comes first, the narrowest entry wins, a later as narrow one too. */
	ck_assert_int_eq(pl_http_map_parse("404=ok,5xx=critical", 19, &m, err, sizeof(err)), 0);
	ck_assert_int_eq(pl_http_judge(404, &m, &e, &how), PL_OK);
	ck_assert_int_eq(how, 1);
	ck_assert_int_eq(pl_http_judge(502, &m, &e, NULL), PL_CRITICAL);
	ck_assert_int_eq(pl_http_map_parse(" 4xx = WARNING , 429=2", 22, &m, err, sizeof(err)), 0);
	ck_assert_int_eq(pl_http_judge(429, &m, &e, NULL), PL_CRITICAL);
	ck_assert_int_eq(pl_http_judge(404, &m, &e, NULL), PL_OK);
	ck_assert_int_eq(pl_http_judge(403, &m, &e, NULL), PL_WARNING);
	ck_assert_int_eq(pl_http_map_parse("400-499=unknown", 15, &m, err, sizeof(err)), 0);
	ck_assert_int_eq(pl_http_judge(403, &m, &e, NULL), PL_UNKNOWN);
	ck_assert_int_eq(pl_http_judge(200, &m, &e, NULL), PL_OK);
}
END_TEST

START_TEST(test_map_bad)
{
	static const char *const bad[] = {
		"", "404", "404=", "=ok", "404=fine", "404=ok,", "404=ok,500", "4x=ok",
		"404=okay", "404=ok=ok", "404=4",
	};
	struct pl_http_map m;
	char err[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&m, 0, sizeof(m));
		ck_assert_msg(pl_http_map_parse(bad[i], strlen(bad[i]), &m, err, sizeof(err)) == -1,
			      "'%s' was taken", bad[i]);
		ck_assert_uint_eq(m.n, 0);
	}
}
END_TEST

START_TEST(test_status_line)
{
	struct pl_buf b = PL_BUF_INIT;
	char path[1024], err[256], ver[8], reason[64];
	static const struct {
		int code;
		const char *ver, *reason;
	} want[] = {
		{ 200, "1.1", "OK" }, { 503, "1.1", "Service Temporarily Unavailable" },
		{ 302, "1.1", "Moved Temporarily" }, { 200, "2", "" }, { 200, "1.0", "ok" },
	};
	const char *s, *e;
	size_t i = 0;
	int code;

	pl_snprintf(path, sizeof(path), "%s/http/status-lines", fixtures_dir());
	pl_buf_init(&b, 1u << 16);
	ck_assert_msg(pl_read_file(NULL, path, &b, err, sizeof(err)) == 0, "%s", err);
	for (s = b.data; (e = memchr(s, '\n', b.len - (size_t)(s - b.data))) != NULL; s = e + 1) {
		ck_assert_uint_lt(i, sizeof(want) / sizeof(want[0]));
		ck_assert_int_eq(pl_http_status_line(s, (size_t)(e + 1 - s), &code, ver, sizeof(ver),
						     reason, sizeof(reason)), 0);
		ck_assert_int_eq(code, want[i].code);
		ck_assert_str_eq(ver, want[i].ver);
		ck_assert_str_eq(reason, want[i].reason);
		i++;
	}
	ck_assert_uint_eq(i, 5);
	pl_buf_free(&b);
	/* Not status lines. */
	ck_assert_int_eq(pl_http_status_line("Content-Type: x", 15, &code, ver, 8, reason, 64), -1);
	ck_assert_int_eq(pl_http_status_line("HTTP/1.1 20", 11, &code, ver, 8, reason, 64), -1);
	ck_assert_int_eq(pl_http_status_line("HTTP/1.1 2000 x", 15, &code, ver, 8, reason, 64), -1);
	ck_assert_int_eq(pl_http_status_line("HTTP/ 200", 9, &code, ver, 8, reason, 64), -1);
	ck_assert_int_eq(pl_http_status_line("HTTP/1.1 099 x", 14, &code, ver, 8, reason, 64), -1);
	/* Control bytes in a reason are not passed on; a long one is cut. */
	ck_assert_int_eq(pl_http_status_line("HTTP/1.1 500 a\033b\xff", 17, &code, ver, 8, reason,
					     64), 0);
	ck_assert_str_eq(reason, "a?b?");
	ck_assert_int_eq(pl_http_status_line("HTTP/1.1 500 abcdefgh", 21, &code, ver, 8, reason, 4),
			 0);
	ck_assert_str_eq(reason, "abc");
	ck_assert_str_eq(pl_http_reason(503), "Service Unavailable");
	ck_assert_str_eq(pl_http_reason(299), "");
}
END_TEST

START_TEST(test_cert_time)
{
	struct pl_buf b = PL_BUF_INIT;
	char path[1024], err[256];
	const char *p;
	int64_t t[2];
	int n = 0;

	pl_snprintf(path, sizeof(path), "%s/http/certinfo-chain.txt", fixtures_dir());
	pl_buf_init(&b, 1u << 16);
	ck_assert_msg(pl_read_file(NULL, path, &b, err, sizeof(err)) == 0, "%s", err);
	for (p = b.data; (p = strstr(p, "Expire date:")) != NULL && n < 2; p++) {
		const char *e = strchr(p, '\n');

		ck_assert_ptr_nonnull(e);
		ck_assert_int_eq(pl_http_cert_time(p + 12, (size_t)(e - p - 12), &t[n], err,
						   sizeof(err)), 0);
		n++;
	}
	ck_assert_int_eq(n, 2);
	/* Jun 20 05:50:48 2027 GMT and Dec 22 06:50:48 2026 GMT */
	ck_assert_int_eq(t[0], 1813470648);
	ck_assert_int_eq(t[1], 1797922248);
	pl_buf_free(&b);

	ck_assert_int_eq(pl_http_cert_time("Mar  1 12:00:00 2027 GMT", 24, &t[0], err, 256), 0);
	ck_assert_int_eq(t[0], 1803902400);
	ck_assert_int_eq(pl_http_cert_time("Mar 1 12:00:00.5 2027 GMT", 25, &t[0], err, 256), 0);
	ck_assert_int_eq(t[0], 1803902400);
	ck_assert_int_eq(pl_http_cert_time("2027-03-01 12:00:00 GMT", 23, &t[0], err, 256), 0);
	ck_assert_int_eq(t[0], 1803902400);
	ck_assert_int_eq(pl_http_cert_time("Feb 29 00:00:00 2028 GMT", 24, &t[0], err, 256), 0);
	ck_assert_int_eq(pl_http_cert_time("Jan  1 00:00:00 1970 GMT", 24, &t[0], err, 256), 0);
	ck_assert_int_eq(t[0], 0);
	static const char *const bad[] = {
		"", "Mar  1 12:00:00 2027", "Mar  1 12:00:00 2027 UTC", "Foo  1 12:00:00 2027 GMT",
		"Feb 29 00:00:00 2027 GMT", "Feb 30 00:00:00 2028 GMT", "Mar 32 12:00:00 2027 GMT",
		"Mar  1 24:00:00 2027 GMT", "Mar  1 12:60:00 2027 GMT", "Mar  1 12:00 2027 GMT",
		"2027-13-01 12:00:00 GMT", "2027-03-01T12:00:00 GMT", "Mar  1 12:00:00. 2027 GMT",
		"Mar  1 12:00:00 2027 GMT x",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(pl_http_cert_time(bad[i], strlen(bad[i]), &t[0], err, 256) == -1,
			      "'%s' was taken", bad[i]);
	ck_assert(fabs(pl_http_days_left(86400 * 10, 86400 * 3) - 7.0) < 1e-9);
	ck_assert(pl_http_days_left(0, 43200) == -0.5);
}
END_TEST

START_TEST(test_phases)
{
	struct pl_http_times t;
	struct pl_http_phases p;

	/* A whole HTTPS request. */
	t = (struct pl_http_times){ 0.001, 0.003, 0.010, 0.0101, 0.050, 0.060, true, true };
	pl_http_phases(&t, &p);
	ck_assert(fabs(p.dns - 0.001) < 1e-9 && fabs(p.connect - 0.002) < 1e-9);
	ck_assert(fabs(p.tls - 0.007) < 1e-9 && fabs(p.ttfb - 0.0399) < 1e-9);
	ck_assert(fabs(p.total - 0.060) < 1e-9);
	/* Plain HTTP: no tls. */
	t = (struct pl_http_times){ 0.001, 0.003, 0, 0.0031, 0.020, 0.021, false, true };
	pl_http_phases(&t, &p);
	ck_assert(isnan(p.tls) && fabs(p.ttfb - 0.0169) < 1e-9);
	/* Stalled in the TLS handshake: dns and connect only. */
	t = (struct pl_http_times){ 0.001, 0.003, 0, 0, 0, 2.0, true, false };
	pl_http_phases(&t, &p);
	ck_assert(!isnan(p.dns) && !isnan(p.connect));
	ck_assert(isnan(p.tls) && isnan(p.ttfb));
	ck_assert(fabs(p.total - 2.0) < 1e-9);
	/* Hung after the request: everything but ttfb. */
	t = (struct pl_http_times){ 0.001, 0.003, 0.01, 0.011, 0, 1.5, true, false };
	pl_http_phases(&t, &p);
	ck_assert(!isnan(p.tls) && isnan(p.ttfb));
	/* The name did not resolve: nothing but total. */
	t = (struct pl_http_times){ 0, 0, 0, 0, 0, 0.02, false, false };
	pl_http_phases(&t, &p);
	ck_assert(isnan(p.dns) && isnan(p.connect) && isnan(p.ttfb));
	ck_assert(fabs(p.total - 0.02) < 1e-9);
	/* A reused connection: the early phases were reached, in no time. */
	t = (struct pl_http_times){ 0, 0, 0, 0.0001, 0.002, 0.003, true, true };
	pl_http_phases(&t, &p);
	ck_assert(p.dns == 0 && p.connect == 0 && p.tls == 0);
	ck_assert(fabs(p.ttfb - 0.0019) < 1e-9);
}
END_TEST

TCase *
tc_httpspec(void)
{
	TCase *tc = tcase_create("httpspec");

	tcase_add_test(tc, test_codes);
	tcase_add_test(tc, test_codes_bad);
	tcase_add_test(tc, test_map_and_judge);
	tcase_add_test(tc, test_map_bad);
	tcase_add_test(tc, test_status_line);
	tcase_add_test(tc, test_cert_time);
	tcase_add_test(tc, test_phases);
	return tc;
}
