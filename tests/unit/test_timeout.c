/* Unit tests of pl_timeout: the escaper the signal handler uses, and the prepared
 * message, which must be exactly what pl_render() makes of the same result. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pl_buf.h"
#include "pl_file.h"
#include "pl_result.h"
#include "pl_timeout.h"
#include "tests.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define R "\xef\xbf\xbd"   /* U+FFFD */

/* pl_timeout_escape: form, text, output size, expected. */
static const struct {
	enum pl_format fmt;
	const char *in;
	size_t size;
	const char *out;
} esc_cases[] = {
	{ PL_FMT_NAGIOS, "reading /proc/stat", 300, "reading /proc/stat" },
	{ PL_FMT_NAGIOS, "a\nb\rc\td", 300, "a b c d" },
	{ PL_FMT_NAGIOS, "a|b=1", 300, "a/b=1" },
	{ PL_FMT_NAGIOS, "esc\x1b[31m del\x7f", 300, "esc?[31m del?" },
	{ PL_FMT_NAGIOS, "quote \" back \\", 300, "quote \" back \\" },
	{ PL_FMT_ONELINE, "a\nb|c", 300, "a b/c" },
	{ PL_FMT_JSON, "quote \" back \\", 300, "quote \\\" back \\\\" },
	{ PL_FMT_JSON, "a\nb\rc\td", 300, "a b c\\td" },
	{ PL_FMT_JSON, "\x01\x1f", 300, "\\u0001\\u001f" },
	{ PL_FMT_JSON, "a|b\x7f", 300, "a/b\x7f" },
	/* UTF-8: kept when well-formed, else U+FFFD per byte (an overlong '/', a surrogate, > U+10FFFF,
	 * a lone continuation byte, a sequence cut by the end of the text). */
	{ PL_FMT_JSON, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x92\xbe", 300,
	  "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x92\xbe" },
	{ PL_FMT_JSON, "\xc0\xaf", 300, R R },
	{ PL_FMT_JSON, "\xed\xa0\x80", 300, R R R },
	{ PL_FMT_NAGIOS, "\xf4\x90\x80\x80", 300, R R R R },
	{ PL_FMT_NAGIOS, "\x80x\xff", 300, R "x" R },
	{ PL_FMT_JSON, "\xe2\x82", 300, R R },
	{ PL_FMT_JSON, "\xe0\x9f\x80", 300, R R R },
	{ PL_FMT_JSON, "ab\xff\xff", 9, "ab" R "..." },
	/* Cut: on a whole character or escape, with "..." inside the size. */
	{ PL_FMT_NAGIOS, "abcdefghij", 8, "abcd..." },
	{ PL_FMT_NAGIOS, "abc", 8, "abc" },
	{ PL_FMT_JSON, "ab\"cdefgh", 9, "ab\\\"c..." },
	{ PL_FMT_JSON, "ab\x01\x01", 10, "ab..." },
	{ PL_FMT_JSON, "ab\xc3\xa9\xc3\xa9", 8, "ab\xc3\xa9..." },
	{ PL_FMT_NAGIOS, "abcdef", 3, ".." },
	{ PL_FMT_NAGIOS, "abcdef", 1, "" },
	{ PL_FMT_NAGIOS, "", 1, "" },
};

START_TEST(test_escape)
{
	char out[300];
	size_t n;

	ck_assert_uint_le(esc_cases[_i].size, sizeof(out));
	memset(out, 'X', sizeof(out));
	n = pl_timeout_escape(esc_cases[_i].fmt, esc_cases[_i].in, out, esc_cases[_i].size);
	ck_assert_str_eq(out, esc_cases[_i].out);
	ck_assert_uint_eq(n, strlen(esc_cases[_i].out));
	ck_assert_uint_lt(n, esc_cases[_i].size);
}
END_TEST

START_TEST(test_escape_size_zero)
{
	char out[1] = { 'X' };

	ck_assert_uint_eq(pl_timeout_escape(PL_FMT_JSON, "abc", out, 0), 0);
	ck_assert_int_eq(out[0], 'X');
}
END_TEST

/* What pl_render() makes of the timeout's result with the waiting text in place. */
static void
rendered(enum pl_format fmt, enum pl_state st, const char *text, struct pl_buf *out)
{
	struct pl_result r;

	pl_result_init(&r, "check_x", "XSVC");
	if (st == PL_OK)
		pl_result_summary(&r, "%s", text);
	else
		pl_result_finding(&r, st, "%s", text);
	pl_buf_init(out, 0);
	pl_render(&r, fmt, 0, out);
	pl_result_free(&r);
}

/* The prepared message: form, state, waiting text, the text pl_render() gets. */
static const struct {
	enum pl_format fmt;
	enum pl_state st;
	const char *waiting;
	const char *text;
} msg_cases[] = {
	{ PL_FMT_NAGIOS, PL_UNKNOWN, "reading /proc/stat",
	  "timed out after 86400s while reading /proc/stat" },
	{ PL_FMT_ONELINE, PL_CRITICAL, "reading /proc/stat",
	  "timed out after 86400s while reading /proc/stat" },
	{ PL_FMT_JSON, PL_UNKNOWN, "reading \"/x\\y\"\n|z",
	  "timed out after 86400s while reading \"/x\\y\"\n|z" },
	{ PL_FMT_JSON, PL_UNKNOWN, "reading /sys/class/net/caf\xc3\xa9\xff\t",
	  "timed out after 86400s while reading /sys/class/net/caf\xc3\xa9\xff\t" },
	{ PL_FMT_JSON, PL_WARNING, "reading /proc/stat",
	  "timed out after 86400s while reading /proc/stat" },
	{ PL_FMT_JSON, PL_OK, "writing the state file",
	  "timed out after 86400s while writing the state file" },
	{ PL_FMT_NAGIOS, PL_OK, "writing the state file",
	  "timed out after 86400s while writing the state file" },
};

START_TEST(test_message)
{
	struct pl_buf want = PL_BUF_INIT;
	char got[16384];
	size_t n;

	/* Armed in one form, then told the real one, as pl_plugin does. */
	pl_timeout_arm(86400, msg_cases[_i].st, "XSVC");
	pl_timeout_output(msg_cases[_i].fmt, "check_x");
	pl_timeout_waiting(msg_cases[_i].waiting);
	n = pl_timeout_message(got, sizeof(got));
	pl_timeout_disarm();
	rendered(msg_cases[_i].fmt, msg_cases[_i].st, msg_cases[_i].text, &want);
	ck_assert_str_eq(got, pl_buf_str(&want));
	ck_assert_uint_eq(n, strlen(got));
	pl_buf_free(&want);
}
END_TEST

START_TEST(test_message_small_buffer)
{
	char got[16];
	size_t n;

	pl_timeout_arm(86400, PL_UNKNOWN, "XSVC");
	pl_timeout_output(PL_FMT_NAGIOS, "check_x");
	pl_timeout_waiting("reading /proc/stat");
	n = pl_timeout_message(got, sizeof(got));
	pl_timeout_disarm();
	ck_assert_str_eq(got, "XSVC UNKNOWN - ");
	ck_assert_uint_eq(n, 15);
}
END_TEST

/* Nested waits (a run inside a read inside a read): each one put back shows its own
 * text again, the outer ones never overwritten by the inner ones. */
START_TEST(test_waiting_nested)
{
	const char *outer, *prev[PL_TIMEOUT_NEST];
	char got[1024], want[64];

	pl_timeout_arm(86400, PL_UNKNOWN, "XSVC");
	pl_timeout_output(PL_FMT_NAGIOS, "check_x");
	pl_timeout_waiting("collecting");
	outer = pl_timeout_waiting_on("reading", "/p0");
	ck_assert_str_eq(outer, "collecting");
	prev[0] = outer;
	for (int i = 1; i < PL_TIMEOUT_NEST; i++) {
		pl_snprintf(want, sizeof(want), "/p%d", i);
		prev[i] = pl_timeout_waiting_on("reading", want);
	}
	for (int i = PL_TIMEOUT_NEST - 1; i >= 0; i--) {
		pl_timeout_waiting(prev[i]);
		pl_timeout_message(got, sizeof(got));
		if (i > 0)
			pl_snprintf(want, sizeof(want), "while reading /p%d", i - 1);
		else
			pl_snprintf(want, sizeof(want), "while collecting");
		ck_assert_msg(strstr(got, want) != NULL, "level %d: %s", i, got);
	}
	/* Waits one after another inside one: the outer text stays. */
	outer = pl_timeout_waiting_on("reading", "/outer");
	for (int i = 0; i < 3 * PL_TIMEOUT_NEST; i++)
		pl_timeout_waiting(pl_timeout_waiting_on("reading", "/inner"));
	ck_assert_str_eq(pl_timeout_waiting_on("reading", "/x"), "reading /outer");
	pl_timeout_waiting(outer);
	pl_timeout_disarm();
}
END_TEST

/* pl_write_all, which the handler and every report write through: all of a text larger
 * than a pipe's buffer arrives, nothing is left for a zero length, and a write that
 * cannot be done is an error with errno. */
START_TEST(test_write_all)
{
	size_t n = 1 << 20, got = 0;
	char *big = malloc(n), *back = malloc(n);
	char tmpl[] = "/tmp/plumbline-write-all.XXXXXX";
	int fd = mkstemp(tmpl), p[2];

	ck_assert_ptr_nonnull(big);
	ck_assert_ptr_nonnull(back);
	ck_assert_int_ge(fd, 0);
	unlink(tmpl);
	for (size_t i = 0; i < n; i++)
		big[i] = (char)('a' + i % 26);
	ck_assert_int_eq(pl_write_all(fd, big, n), 0);
	ck_assert_int_eq(pl_write_all(fd, big, 0), 0);
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	while (got < n) {
		ssize_t r = read(fd, back + got, n - got);

		ck_assert_int_gt(r, 0);
		got += (size_t)r;
	}
	ck_assert_int_eq(read(fd, back, 1), 0);
	ck_assert_int_eq(memcmp(big, back, n), 0);
	close(fd);

	/* A pipe nobody reads: EPIPE (with SIGPIPE ignored, as a handler would not be). */
	signal(SIGPIPE, SIG_IGN);
	ck_assert_int_eq(pipe(p), 0);
	close(p[0]);
	errno = 0;
	ck_assert_int_eq(pl_write_all(p[1], "x", 1), -1);
	ck_assert_int_eq(errno, EPIPE);
	close(p[1]);
	ck_assert_int_eq(pl_write_all(-1, "x", 1), -1);
	ck_assert_int_eq(errno, EBADF);
	free(big);
	free(back);
}
END_TEST

TCase *
tc_timeout(void)
{
	TCase *tc = tcase_create("timeout");

	tcase_add_loop_test(tc, test_escape, 0, N(esc_cases));
	tcase_add_test(tc, test_escape_size_zero);
	tcase_add_loop_test(tc, test_message, 0, N(msg_cases));
	tcase_add_test(tc, test_message_small_buffer);
	tcase_add_test(tc, test_waiting_nested);
	tcase_add_test(tc, test_write_all);
	return tc;
}
