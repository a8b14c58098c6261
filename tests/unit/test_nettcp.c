#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "pl_buf.h"
#include "pl_file.h"
#include "pl_nettcp.h"
#include "tests.h"

#define HDR "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  " \
	"timeout inode\n"

/* Parses tcp/NAME's proc/net/FILE into t (appending). */
static int
parse_fixture(const char *name, const char *file, struct pl_tcp_table *t, char *err,
	      size_t errlen)
{
	struct pl_buf b = PL_BUF_INIT;
	char root[4096], path[64];
	int rc;

	pl_snprintf(root, sizeof(root), "%s/tcp/%s", fixtures_dir(), name);
	pl_snprintf(path, sizeof(path), "/proc/net/%s", file);
	ck_assert_int_eq(pl_read_file(root, path, &b, err, errlen), 0);
	rc = pl_nettcp_parse(pl_buf_str(&b), b.len, strcmp(file, "tcp6") == 0, path, t, err,
			     errlen);
	pl_buf_free(&b);
	return rc;
}

START_TEST(test_loopback)
{
	struct pl_tcp_table t;
	struct pl_tcp_peer *peers;
	size_t listening, n;
	char err[256], a[PL_TCP_ADDR_MAX];

	memset(&t, 0, sizeof(t));
	ck_assert_int_eq(parse_fixture("loopback", "tcp", &t, err, sizeof(err)), 0);
	ck_assert_uint_eq(t.n, 18);
	ck_assert_int_eq(parse_fixture("loopback", "tcp6", &t, err, sizeof(err)), 0);
	ck_assert_uint_eq(t.n, 24);
	ck_assert_uint_eq(t.nbad, 0);
	/* 0100007F:D43A is 127.0.0.1:54330 on a little-endian machine. */
	ck_assert_uint_eq(t.v[0].lport, 54330);
	ck_assert_uint_eq(t.v[0].state, PL_TCP_LISTEN);
	ck_assert_str_eq(pl_tcp_addr(&t.v[0], false, a, sizeof(a)), "127.0.0.1");
	/* The server's ends only: the clients' ends (local port A25C...) are not counted. */
	ck_assert_uint_eq(pl_nettcp_count(&t, 54330, &listening), 3);
	ck_assert_uint_eq(listening, 1);
	ck_assert_uint_eq(pl_nettcp_count(&t, 54331, &listening), 3);
	ck_assert_uint_eq(listening, 1);
	ck_assert_uint_eq(pl_nettcp_count(&t, 5666, &listening), 0);
	ck_assert_uint_eq(listening, 0);
	/* TIME_WAIT sockets (06) to port 5666 are no connections. */
	ck_assert_uint_eq(pl_nettcp_count(&t, 0x1622, NULL), 0);
	ck_assert_int_eq(pl_nettcp_peers(&t, 54331, &peers, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(peers[0].addr, "::1");
	ck_assert_uint_eq(peers[0].count, 2);
	/* ::ffff:127.0.0.1 is shown as the IPv4 address it is. */
	ck_assert_str_eq(peers[1].addr, "127.0.0.1");
	ck_assert_uint_eq(peers[1].count, 1);
	free(peers);
	pl_nettcp_free(&t);
}
END_TEST

START_TEST(test_broken)
{
	struct pl_tcp_table t;
	size_t listening;
	char err[256];

	memset(&t, 0, sizeof(t));
	ck_assert_int_eq(parse_fixture("broken", "tcp", &t, err, sizeof(err)), 0);
	ck_assert_int_eq(parse_fixture("broken", "tcp6", &t, err, sizeof(err)), 0);
	/* The bad address and the cut line are left out and counted; the rest is there. */
	ck_assert_uint_eq(t.nbad, 2);
	ck_assert_uint_eq(t.bad_line, 5);
	ck_assert_str_eq(t.bad_why, "has no local address");
	ck_assert_str_eq(t.bad_file, "/proc/net/tcp");
	ck_assert_uint_eq(t.n, 7);
	ck_assert_uint_eq(pl_nettcp_count(&t, 54330, &listening), 1);
	ck_assert_uint_eq(listening, 1);
	pl_nettcp_free(&t);
}
END_TEST

/* Whole-file errors and single bad lines, from text. */
static const struct {
	const char *text;
	bool v6;
	int rc;
	size_t n, nbad;
	const char *msg;       /* err for rc -1, bad_why for a bad line */
} cases[] = {
	{ "", false, -1, 0, 0, "/proc/net/tcp is empty" },
	{ "garbage\n", false, -1, 0, 0, "/proc/net/tcp: line 1 is not the expected header" },
	{ "  sl  local", false, -1, 0, 0, "/proc/net/tcp: line 1 is not the expected header" },
	{ HDR, false, 0, 0, 0, NULL },
	{ HDR "\n   \n", false, 0, 0, 0, NULL },
	{ HDR "   0: 0100007F:D43A 00000000:0000 0A\n", false, 0, 1, 0, NULL },
	{ HDR "   0: 0100007F:D43A 00000000:0000 0A", false, 0, 0, 1, "is cut short" },
	{ HDR "   0 0100007F:D43A 00000000:0000 0A\n", false, 0, 0, 1, "has no slot number" },
	{ HDR "   0: 0100007F:D43 00000000:0000 0A\n", false, 0, 0, 1, "has no local address" },
	{ HDR "   0: 0100007F:D43A 00000000:000 0A\n", false, 0, 0, 1, "has no remote address" },
	{ HDR "   0: 0100007F:D43A 00000000:0000 A\n", false, 0, 0, 1, "has no state" },
	{ HDR "   0: 0100007F:D43A 00000000:0000 0AB\n", false, 0, 0, 1, "has no state" },
	{ HDR "   0: 0100007F:D43A00000000:0000 0A\n", false, 0, 0, 1, "has no local address" },
	/* an IPv4 line in tcp6 and an IPv6 line in tcp */
	{ HDR "   0: 0100007F:D43A 00000000:0000 0A\n", true, 0, 0, 1, "has no local address" },
	{ HDR "   0: 00000000000000000000000001000000:D43B 00000000000000000000000001000000:B644 01\n",
	  false, 0, 0, 1, "has no local address" },
	{ HDR "   0: 00000000000000000000000001000000:D43B 00000000000000000000000001000000:B644 01\n",
	  true, 0, 1, 0, NULL },
};

START_TEST(test_cases)
{
	struct pl_tcp_table t;
	char err[256] = "";
	int rc;

	memset(&t, 0, sizeof(t));
	rc = pl_nettcp_parse(cases[_i].text, strlen(cases[_i].text), cases[_i].v6,
			     "/proc/net/tcp", &t, err, sizeof(err));
	ck_assert_int_eq(rc, cases[_i].rc);
	if (rc != 0) {
		ck_assert_str_eq(err, cases[_i].msg);
	} else {
		ck_assert_uint_eq(t.n, cases[_i].n);
		ck_assert_uint_eq(t.nbad, cases[_i].nbad);
		if (cases[_i].nbad > 0) {
			ck_assert_str_eq(t.bad_why, cases[_i].msg);
			ck_assert_uint_eq(t.bad_line, 2);
		}
	}
	pl_nettcp_free(&t);
}
END_TEST

TCase *
tc_nettcp(void)
{
	TCase *tc = tcase_create("nettcp");

	tcase_add_test(tc, test_loopback);
	tcase_add_test(tc, test_broken);
	tcase_add_loop_test(tc, test_cases, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	return tc;
}
