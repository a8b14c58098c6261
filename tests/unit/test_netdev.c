#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pl_buf.h"
#include "pl_file.h"
#include "pl_netdev.h"
#include "pl_result.h"
#include "tests.h"

#define HDR "Inter-|   Receive                                                |  Transmit\n" \
	" face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets " \
	"errs drop fifo colls carrier compressed\n"

/* The root of a fixture tree below tests/fixtures/net. */
static const char *
net_root(const char *name, char *buf, size_t len)
{
	pl_snprintf(buf, len, "%s/net/%s", fixtures_dir(), name);
	return buf;
}

static int
parse_fixture(const char *name, struct pl_netdev *nd, char *err, size_t errlen)
{
	struct pl_buf b = PL_BUF_INIT;
	char root[4096];
	int rc;

	ck_assert_int_eq(pl_read_file(net_root(name, root, sizeof(root)), "/proc/net/dev", &b, err,
				      errlen), 0);
	rc = pl_netdev_parse(pl_buf_str(&b), b.len, nd, err, errlen);
	pl_buf_free(&b);
	return rc;
}

static int
parse_text(const char *text, struct pl_netdev *nd, char *err, size_t errlen)
{
	return pl_netdev_parse(text, strlen(text), nd, err, errlen);
}

START_TEST(test_docker_host)
{
	struct pl_netdev nd;
	const struct pl_netdev_if *e;
	char err[256];

	ck_assert_int_eq(parse_fixture("docker-host/t1", &nd, err, sizeof(err)), 0);
	ck_assert_uint_eq(nd.n, 4);
	ck_assert_str_eq(nd.v[0].name, "vethf345468");
	ck_assert_str_eq(nd.v[1].name, "lo");
	ck_assert_str_eq(nd.v[2].name, "docker0");
	ck_assert_str_eq(nd.v[3].name, "eth0");
	/* "lo:1664079164 ..." has no blank after the colon. */
	ck_assert_uint_eq(nd.v[1].c[PL_ND_RX_BYTES], 1664079164u);
	e = pl_netdev_find(&nd, "eth0");
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->c[PL_ND_RX_BYTES], 894176898u);
	ck_assert_uint_eq(e->c[PL_ND_RX_PACKETS], 1051629u);
	ck_assert_uint_eq(e->c[PL_ND_TX_BYTES], 565563018u);
	ck_assert_uint_eq(e->c[PL_ND_TX_PACKETS], 741457u);
	ck_assert_uint_eq(e->c[PL_ND_TX_COMPRESSED], 0);
	ck_assert_ptr_null(pl_netdev_find(&nd, "eth1"));
	pl_netdev_free(&nd);
}
END_TEST

START_TEST(test_colon_in_name)
{
	struct pl_netdev nd;
	char err[256];

	ck_assert_int_eq(parse_fixture("laptop-wifi/t0", &nd, err, sizeof(err)), 0);
	ck_assert_uint_eq(nd.n, 8);
	ck_assert_str_eq(nd.v[7].name, "ibr10:30");
	ck_assert_uint_eq(nd.v[7].c[PL_ND_RX_BYTES], 0);
	ck_assert_str_eq(nd.v[3].name, "eth0");
	ck_assert_uint_eq(nd.v[3].c[PL_ND_RX_BYTES], 68210035552ull);
	ck_assert_uint_eq(nd.v[3].c[PL_ND_TX_PACKETS], 43451486u);
	ck_assert_str_eq(nd.v[5].name, "wlan0");
	ck_assert_uint_eq(nd.v[5].c[PL_ND_RX_BYTES], 10437182923ull);
	pl_netdev_free(&nd);
}
END_TEST

START_TEST(test_wrap_fixture)
{
	struct pl_netdev nd;
	char err[256];

	ck_assert_int_eq(parse_fixture("counter-wrap32/t0", &nd, err, sizeof(err)), 0);
	ck_assert_uint_eq(nd.n, 2);
	ck_assert_uint_eq(nd.v[1].c[PL_ND_RX_BYTES], 4294120338u);
	ck_assert_uint_eq(nd.v[1].c[PL_ND_RX_MULTICAST], 4211);
	ck_assert_uint_eq(nd.v[1].c[PL_ND_TX_BYTES], 3702114509u);
	pl_netdev_free(&nd);
}
END_TEST

/* The broken fixture trees: each is refused with a reason. */
static const struct {
	const char *name;
	const char *why;
} broken[] = {
	{ "broken-empty", "empty" },
	{ "broken-header-only", "no interface" },
	{ "broken-truncated", "line 6 (eth0): 1 of 16 counters (truncated?)" },
	{ "broken-garbage", "line 3 (lo): counter 1 is not a number" },
};

START_TEST(test_broken_fixtures)
{
	struct pl_netdev nd;
	char err[256] = "";

	ck_assert_int_eq(parse_fixture(broken[_i].name, &nd, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, broken[_i].why) != NULL, "%s: %s", broken[_i].name, err);
	pl_netdev_free(&nd);
}
END_TEST

/* Malformed buffers and the reason each gives. */
static const struct {
	const char *text;
	const char *why;       /* NULL: accepted */
} bufs[] = {
	{ "", "empty" },
	{ "Inter-|\n", "header is cut short" },
	{ "garbage\n face |\n", "line 1 is not the expected header" },
	{ "Inter-|\nface\n  lo: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n",
	  "line 2 is not the expected header" },
	{ HDR "  lo 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n", "no ':'" },
	{ HDR "  lo: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15\n", "15 of 16 counters" },
	{ HDR "  lo: 1 2 3 -4 5 6 7 8 9 10 11 12 13 14 15 16\n", "counter 4 is not a number" },
	{ HDR "  lo: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16x\n", "counter 16 is not a number" },
	{ HDR "  lo: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 99999999999999999999\n",
	  "counter 16 is not a number" },
	{ HDR "  lo: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 x\n", "garbage after" },
	{ HDR, "no interface" },
	/* A broken line's name is shown escaped, never as its raw bytes (it ends in pl_die). */
	{ HDR "  e\x1b[2Jh\xff: 1 2 3\n", "line 3 (e\\x1b[2Jh\\xff): 3 of 16 counters" },
	{ HDR "  a\\b: 1 2 x 4 5 6 7 8 9 10 11 12 13 14 15 16\n", "line 3 (a\\\\b): counter 3" },
	/* Accepted: no final newline, extra numeric fields, blank lines, tabs. */
	{ HDR "  lo: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16", NULL },
	{ HDR "  lo: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18\n", NULL },
	{ HDR "\n\tlo:\t1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n\n", NULL },
};

START_TEST(test_buffers)
{
	struct pl_netdev nd;
	char err[256] = "";
	int rc = parse_text(bufs[_i].text, &nd, err, sizeof(err));

	if (bufs[_i].why == NULL) {
		ck_assert_msg(rc == 0, "case %d: %s", _i, err);
		ck_assert_uint_eq(nd.n, 1);
		ck_assert_str_eq(nd.v[0].name, "lo");
		for (int k = 0; k < PL_ND_NFIELDS; k++)
			ck_assert_uint_eq(nd.v[0].c[k], (unsigned)k + 1);
	} else {
		ck_assert_msg(rc == -1, "case %d accepted", _i);
		ck_assert_msg(strstr(err, bufs[_i].why) != NULL, "case %d: [%s]", _i, err);
	}
	pl_netdev_free(&nd);
}
END_TEST

/* A name no kernel gives is that line's problem: the line goes to bad, the others stay.
 * A broken counter on such a line is still the file's problem. */
static const struct {
	const char *name;      /* as in the line */
	const char *kept;      /* bad[0].name */
	const char *why;
} bad_names[] = {
	{ "", "", "empty" },
	{ "a/b", "a/b", "not an interface name the kernel gives" },
	{ "..", "..", "not an interface name the kernel gives" },
	{ ".", ".", "not an interface name the kernel gives" },
	{ "abcdefghijklmnopqrstuvwxyz0123456789", "abcdefghijklmnopqrstuvwxyz01234", "overlong" },
	{ "a\vb", "a\vb", "not an interface name the kernel gives" },
	{ "lo", "lo", "listed twice" },
};

START_TEST(test_bad_names)
{
	struct pl_netdev nd;
	char text[512], err[256] = "";

	pl_snprintf(text, sizeof(text), HDR "  lo: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n"
		    "%s: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n"
		    "  eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n", bad_names[_i].name);
	ck_assert_msg(parse_text(text, &nd, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(nd.n, 2);
	ck_assert_str_eq(nd.v[0].name, "lo");
	ck_assert_str_eq(nd.v[1].name, "eth0");
	ck_assert_uint_eq(nd.nbad, 1);
	ck_assert_uint_eq(nd.bad[0].lineno, 4);
	ck_assert_str_eq(nd.bad[0].name, bad_names[_i].kept);
	ck_assert_msg(strstr(nd.bad[0].why, bad_names[_i].why) != NULL, "%s", nd.bad[0].why);
	pl_netdev_free(&nd);
	/* Bad counters on that line are still the file's problem. */
	pl_snprintf(text, sizeof(text), HDR "%s: 1 2 x\n", bad_names[_i].name);
	ck_assert_int_eq(parse_text(text, &nd, err, sizeof(err)), -1);
	pl_netdev_free(&nd);
}
END_TEST

START_TEST(test_binary_name)
{
	static const char text[] = HDR "  l\0o: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n";
	struct pl_netdev nd;
	char err[256];

	ck_assert_int_eq(pl_netdev_parse(text, sizeof(text) - 1, &nd, err, sizeof(err)), 0);
	ck_assert_uint_eq(nd.n, 0);
	ck_assert_uint_eq(nd.nbad, 1);
	ck_assert_str_eq(nd.bad[0].name, "l");
	ck_assert(strstr(nd.bad[0].why, "NUL") != NULL);
	pl_netdev_free(&nd);
}
END_TEST

/* Names the kernel allows although a terminal would choke on them (odd-names). */
START_TEST(test_odd_names)
{
	static const char *const want[] = { "lo", "eth0", "a\001b", "a'b", "a=b", "a;b",
					     "e\x1b[31m", "\xc3\xbc" };
	struct pl_netdev nd;
	char err[256];

	ck_assert_int_eq(parse_fixture("odd-names/t1", &nd, err, sizeof(err)), 0);
	ck_assert_uint_eq(nd.n, 8);
	ck_assert_uint_eq(nd.nbad, 0);
	for (size_t i = 0; i < 8; i++) {
		ck_assert_str_eq(nd.v[i].name, want[i]);
		ck_assert(pl_netdev_name_ok(want[i]));
	}
	ck_assert_uint_eq(pl_netdev_find(&nd, "a\001b")->c[PL_ND_RX_BYTES], 9000000u);
	pl_netdev_free(&nd);
}
END_TEST

START_TEST(test_attr_parsers)
{
	ck_assert_int_eq(pl_netdev_parse_speed("1000"), 1000);
	ck_assert_int_eq(pl_netdev_parse_speed("10000"), 10000);
	ck_assert_int_eq(pl_netdev_parse_speed("-1"), -1);
	ck_assert_int_eq(pl_netdev_parse_speed("65535"), -1);
	ck_assert_int_eq(pl_netdev_parse_speed("4294967295"), -1);
	ck_assert_int_eq(pl_netdev_parse_speed(""), -1);
	ck_assert_int_eq(pl_netdev_parse_speed("0"), -1);
	ck_assert_int_eq(pl_netdev_parse_speed("100x"), -1);
	ck_assert_int_eq(pl_netdev_parse_duplex("full"), PL_DUPLEX_FULL);
	ck_assert_int_eq(pl_netdev_parse_duplex("half"), PL_DUPLEX_HALF);
	ck_assert_int_eq(pl_netdev_parse_duplex("unknown"), PL_DUPLEX_UNKNOWN);
	ck_assert_int_eq(pl_netdev_parse_duplex(""), PL_DUPLEX_UNKNOWN);
	ck_assert_int_eq(pl_netdev_parse_flags_up("0x1003"), 1);
	ck_assert_int_eq(pl_netdev_parse_flags_up("0x1002"), 0);
	ck_assert_int_eq(pl_netdev_parse_flags_up("0X9"), 1);
	ck_assert_int_eq(pl_netdev_parse_flags_up("0x"), -1);
	ck_assert_int_eq(pl_netdev_parse_flags_up("1003"), -1);
	ck_assert_int_eq(pl_netdev_parse_flags_up("0x10g3"), -1);
	ck_assert_int_eq(pl_netdev_parse_flags_up("0x11112222333344445"), -1);
	ck_assert(pl_netdev_name_ok("eth0"));
	ck_assert(pl_netdev_name_ok("ibr10:30"));
	ck_assert(!pl_netdev_name_ok(""));
	ck_assert(!pl_netdev_name_ok("."));
	ck_assert(!pl_netdev_name_ok("a b"));
	ck_assert(!pl_netdev_name_ok("a\tb"));
	ck_assert(!pl_netdev_name_ok("a\rb"));
	ck_assert(!pl_netdev_name_ok("../etc"));
	ck_assert(!pl_netdev_name_ok(".."));
	ck_assert(pl_netdev_name_ok("a\001b"));
	ck_assert(pl_netdev_name_ok("a\x7f"));
}
END_TEST

/* sysfs facts of the fixture trees, and the judgements made from them. */
static const struct {
	const char *tree, *ifname;
	bool present;
	int carrier;
	int64_t speed;
	enum pl_duplex duplex;
	int type;
	enum pl_link state;
	bool virt;
	const char *text;
} links[] = {
	{ "docker-host/t0", "eth0", true, 1, 1000, PL_DUPLEX_FULL, 1, PL_LINK_UP, false, "up" },
	{ "docker-host/t0", "docker0", true, 1, -1, PL_DUPLEX_UNKNOWN, 1, PL_LINK_UP, true,
	  "up" },
	{ "docker-host/t0", "vethf345468", true, 1, 10000, PL_DUPLEX_FULL, 1, PL_LINK_UP, true,
	  "up" },
	{ "docker-host/t0", "lo", true, 1, -1, PL_DUPLEX_UNKNOWN, 772, PL_LINK_UP, true, "up" },
	{ "virtio-speed-unknown/t1", "eth0", true, 1, -1, PL_DUPLEX_UNKNOWN, 1, PL_LINK_UP,
	  false, "up" },
	{ "virtio-speed-unknown/t1", "ifb0", true, -1, -1, PL_DUPLEX_UNKNOWN, 1,
	  PL_LINK_ADMIN_DOWN, true, "administratively down" },
	{ "laptop-wifi/t0", "eth0", true, 0, -1, PL_DUPLEX_UNKNOWN, 1, PL_LINK_NO_CARRIER,
	  false, "down (no carrier)" },
	{ "laptop-wifi/t0", "wlan0", true, 1, -1, PL_DUPLEX_UNKNOWN, 1, PL_LINK_UP, false, "up" },
	{ "laptop-wifi/t0", "tun0", true, 1, -1, PL_DUPLEX_UNKNOWN, 65534, PL_LINK_UP, true,
	  "up" },
	{ "laptop-wifi/t0", "lxcbr0", true, 0, -1, PL_DUPLEX_UNKNOWN, 1, PL_LINK_NO_CARRIER,
	  true, "down (no carrier)" },
	{ "laptop-wifi/t0", "eth9", false, -1, -1, PL_DUPLEX_UNKNOWN, -1, PL_LINK_UNKNOWN,
	  true, "link state unknown (not in /sys/class/net)" },
	/* /proc/net/dev of a namespace, /sys of the host: nothing proves tun9 physical. */
	{ "foreign-sysfs", "tun9", false, -1, -1, PL_DUPLEX_UNKNOWN, -1, PL_LINK_UNKNOWN,
	  true, "link state unknown (not in /sys/class/net)" },
	{ "foreign-sysfs", "eth0", true, 1, -1, PL_DUPLEX_UNKNOWN, 1, PL_LINK_UP, false, "up" },
	{ "odd-names/t1", "a\001b", true, 1, 1000, PL_DUPLEX_FULL, 1, PL_LINK_UP, false,
	  "up" },
	{ "odd-names/t1", "e\x1b[31m", true, 1, 1000, PL_DUPLEX_FULL, 1, PL_LINK_UP, false,
	  "up" },
	{ "counter-wrap32/t0", "eth0", true, 1, 100, PL_DUPLEX_FULL, 1, PL_LINK_UP, false, "up" },
};

START_TEST(test_links)
{
	struct pl_netdev_link l;
	char root[4096];

	ck_assert_int_eq(pl_netdev_link_read(net_root(links[_i].tree, root, sizeof(root)),
					     links[_i].ifname, &l), 0);
	ck_assert_msg(l.present == links[_i].present, "%s present", links[_i].ifname);
	ck_assert_int_eq(l.carrier, links[_i].carrier);
	ck_assert_int_eq(l.speed, links[_i].speed);
	ck_assert_int_eq(l.duplex, links[_i].duplex);
	ck_assert_int_eq(l.type, links[_i].type);
	ck_assert_int_eq(pl_netdev_link_state(&l), links[_i].state);
	ck_assert_msg(pl_netdev_is_virtual(links[_i].ifname, &l) == links[_i].virt, "%s virtual",
		      links[_i].ifname);
	ck_assert_str_eq(pl_netdev_link_text(&l), links[_i].text);
}
END_TEST

/* The lean read of the defaults comes to the same verdicts as the full one: present,
 * virtual or not, and for a physical interface its link state, text, speed and duplex. */
START_TEST(test_links_physical)
{
	struct pl_netdev_link full, lean;
	char root[4096];
	const char *r = net_root(links[_i].tree, root, sizeof(root));
	bool virt;

	ck_assert_int_eq(pl_netdev_link_read(r, links[_i].ifname, &full), 0);
	ck_assert_int_eq(pl_netdev_link_read_physical(r, links[_i].ifname, &lean), 0);
	ck_assert_msg(lean.present == full.present, "%s present", links[_i].ifname);
	virt = pl_netdev_is_virtual(links[_i].ifname, &lean);
	ck_assert_msg(virt == links[_i].virt, "%s virtual", links[_i].ifname);
	if (virt)
		return;
	ck_assert_int_eq(pl_netdev_link_state(&lean), links[_i].state);
	ck_assert_str_eq(pl_netdev_link_text(&lean), links[_i].text);
	ck_assert_int_eq(lean.speed, links[_i].speed);
	ck_assert_int_eq(lean.duplex, links[_i].duplex);
	ck_assert_str_eq(lean.operstate, full.operstate);
}
END_TEST

START_TEST(test_link_bad_name)
{
	struct pl_netdev_link l;

	ck_assert_int_eq(pl_netdev_link_read("/", "../../etc", &l), -1);
	ck_assert(!l.present);
	ck_assert_int_eq(l.speed, -1);
}
END_TEST

START_TEST(test_link_judgement)
{
	struct pl_netdev_link l;

	memset(&l, 0, sizeof(l));
	l.present = true;
	l.carrier = -1;
	l.admin_up = 1;
	pl_strlcpy(l.operstate, "dormant", sizeof(l.operstate));
	ck_assert_int_eq(pl_netdev_link_state(&l), PL_LINK_NOT_UP);
	ck_assert_str_eq(pl_netdev_link_text(&l), "dormant");
	pl_strlcpy(l.operstate, "lowerlayerdown", sizeof(l.operstate));
	ck_assert_int_eq(pl_netdev_link_state(&l), PL_LINK_NOT_UP);
	pl_strlcpy(l.operstate, "unknown", sizeof(l.operstate));
	ck_assert_int_eq(pl_netdev_link_state(&l), PL_LINK_UP);
	l.carrier = 0;
	ck_assert_int_eq(pl_netdev_link_state(&l), PL_LINK_NO_CARRIER);
	l.admin_up = 0;
	ck_assert_int_eq(pl_netdev_link_state(&l), PL_LINK_ADMIN_DOWN);
	/* Names alone tell some virtual ones; when sysfs says nothing, nothing proves an
	 * interface physical. */
	ck_assert(pl_netdev_virtual_name("veth12"));
	ck_assert(pl_netdev_virtual_name("br-3f2a"));
	ck_assert(pl_netdev_virtual_name("virbr0"));
	ck_assert(pl_netdev_virtual_name("lo"));
	ck_assert(!pl_netdev_virtual_name("eth0"));
	ck_assert(!pl_netdev_virtual_name("tun0"));
	memset(&l, 0, sizeof(l));
	ck_assert(pl_netdev_is_virtual("veth12", &l));
	ck_assert(pl_netdev_is_virtual("eth0", &l));
	ck_assert(pl_netdev_is_virtual("enp3s0", &l));
	ck_assert(pl_netdev_is_virtual("tun0", &l));
}
END_TEST

/* Rates of one interface: counters now and then over dt, utilization against a speed. */
static const struct {
	uint64_t now_rx, then_rx, now_tx, then_tx;   /* bytes; other counters move by 10 */
	bool has_then;
	double dt, speed;
	enum pl_netdev_gap gap;
	double rx_bits, rx_util, tx_util;             /* NAN: unknown */
} rate_cases[] = {
	{ 2000, 1000, 500, 0, true, 10, 1e6, PL_ND_GAP_NONE, 800, 0.08, 0.04 },
	{ 2000, 1000, 500, 0, true, 10, NAN, PL_ND_GAP_NONE, 800, NAN, NAN },
	{ 2000, 1000, 500, 0, true, 10, 0, PL_ND_GAP_NONE, 800, NAN, NAN },
	/* a speed given too low: at most 100% */
	{ 2000000, 0, 0, 0, true, 1, 1e6, PL_ND_GAP_NONE, 16e6, 100, 0 },
	{ 2000, 0, 500, 0, false, 10, 1e6, PL_ND_GAP_NEW, NAN, NAN, NAN },
	{ 2000, 1000, 500, 0, true, 0, 1e6, PL_ND_GAP_NO_TIME, NAN, NAN, NAN },
	/* tx went back: a reset, so rx that moved gives no rate either */
	{ 2000, 1000, 5, 500000000000ull, true, 10, 1e6, PL_ND_GAP_RESET, NAN, NAN, NAN },
	/* a 32-bit wrap is counted */
	{ 100, 4294967196ull, 0, 0, true, 1, 1e9, PL_ND_GAP_NONE, 1600, 0.00016, 0 },
};

static bool
same(double a, double b)
{
	return (isnan(a) && isnan(b)) || fabs(a - b) < 1e-9 * (fabs(b) + 1);
}

START_TEST(test_rates)
{
	struct pl_netdev_if now, then;
	struct pl_netdev_rates r;

	memset(&now, 0, sizeof(now));
	memset(&then, 0, sizeof(then));
	for (int k = 0; k < PL_ND_NFIELDS; k++) {
		now.c[k] = 20;
		then.c[k] = 10;
	}
	now.c[PL_ND_RX_BYTES] = rate_cases[_i].now_rx;
	then.c[PL_ND_RX_BYTES] = rate_cases[_i].then_rx;
	now.c[PL_ND_TX_BYTES] = rate_cases[_i].now_tx;
	then.c[PL_ND_TX_BYTES] = rate_cases[_i].then_tx;
	pl_netdev_rates(&now, rate_cases[_i].has_then ? &then : NULL, rate_cases[_i].dt,
			rate_cases[_i].speed, &r);
	ck_assert_int_eq(r.gap, rate_cases[_i].gap);
	ck_assert_msg(same(r.rate[PL_ND_RX_BYTES] * 8, rate_cases[_i].rx_bits), "rx %g",
		      r.rate[PL_ND_RX_BYTES] * 8);
	ck_assert_msg(same(r.util[0], rate_cases[_i].rx_util), "rx util %g", r.util[0]);
	ck_assert_msg(same(r.util[1], rate_cases[_i].tx_util), "tx util %g", r.util[1]);
	if (r.gap == PL_ND_GAP_NONE)
		ck_assert(same(r.rate[PL_ND_RX_ERRS], 10 / rate_cases[_i].dt));
	else
		for (int k = 0; k < PL_ND_NFIELDS; k++)
			ck_assert(isnan(r.rate[k]));
}
END_TEST

/* The verdict on a link: sysfs facts, named or not, what is expected. */
static const struct {
	bool present;
	const char *operstate;
	int carrier, admin_up;
	int64_t speed;
	enum pl_duplex duplex;
	bool named;
	int down_state;
	double expect_speed;
	enum pl_duplex expect_duplex;
	int state;
	const char *text, *note;
} judge_cases[] = {
	{ true, "up", 1, 1, 1000, PL_DUPLEX_FULL, false, PL_CRITICAL, 0, PL_DUPLEX_UNKNOWN,
	  -1, "", "" },
	{ true, "down", 0, 1, -1, PL_DUPLEX_UNKNOWN, false, PL_CRITICAL, 0, PL_DUPLEX_UNKNOWN,
	  PL_WARNING, "down (no carrier)", "" },
	{ true, "down", 0, 1, -1, PL_DUPLEX_UNKNOWN, true, PL_CRITICAL, 0, PL_DUPLEX_UNKNOWN,
	  PL_CRITICAL, "down (no carrier)", "" },
	{ true, "down", 0, 1, -1, PL_DUPLEX_UNKNOWN, true, PL_WARNING, 0, PL_DUPLEX_UNKNOWN,
	  PL_WARNING, "down (no carrier)", "" },
	{ true, "down", -1, 0, -1, PL_DUPLEX_UNKNOWN, false, PL_CRITICAL, 0, PL_DUPLEX_UNKNOWN,
	  -1, "", "administratively down (not alerting: name it with --include to alert)" },
	{ true, "down", -1, 0, -1, PL_DUPLEX_UNKNOWN, true, PL_CRITICAL, 0, PL_DUPLEX_UNKNOWN,
	  PL_CRITICAL, "administratively down", "" },
	{ true, "dormant", 1, 1, -1, PL_DUPLEX_UNKNOWN, false, PL_CRITICAL, 0, PL_DUPLEX_UNKNOWN,
	  PL_WARNING, "dormant", "" },
	{ false, "", -1, -1, -1, PL_DUPLEX_UNKNOWN, true, PL_CRITICAL, 0, PL_DUPLEX_UNKNOWN,
	  PL_UNKNOWN, "not in /sys/class/net: link state unknown", "" },
	{ false, "", -1, -1, -1, PL_DUPLEX_UNKNOWN, true, PL_OK, 0, PL_DUPLEX_UNKNOWN,
	  PL_OK, "not in /sys/class/net: link state unknown", "" },
	{ false, "", -1, -1, -1, PL_DUPLEX_UNKNOWN, false, PL_CRITICAL, 0, PL_DUPLEX_UNKNOWN,
	  -1, "", "not in /sys/class/net: link state, speed and duplex unknown" },
	{ true, "up", 1, 1, 100, PL_DUPLEX_HALF, false, PL_CRITICAL, 1e9, PL_DUPLEX_FULL,
	  PL_WARNING, "linked at 100Mbit/s half duplex, expected at least 1Gbit/s full duplex",
	  "" },
	{ true, "up", 1, 1, 100, PL_DUPLEX_FULL, false, PL_CRITICAL, 1e9, PL_DUPLEX_UNKNOWN,
	  PL_WARNING, "linked at 100Mbit/s full duplex, expected at least 1Gbit/s", "" },
	{ true, "up", 1, 1, 1000, PL_DUPLEX_HALF, false, PL_CRITICAL, 0, PL_DUPLEX_FULL,
	  PL_WARNING, "linked at 1Gbit/s half duplex, expected full duplex", "" },
	{ true, "up", 1, 1, 10000, PL_DUPLEX_FULL, false, PL_CRITICAL, 1e9, PL_DUPLEX_FULL,
	  -1, "", "" },
	{ true, "unknown", 1, 1, -1, PL_DUPLEX_UNKNOWN, false, PL_CRITICAL, 1e9, PL_DUPLEX_FULL,
	  -1, "", "the kernel does not know the negotiated speed; --expect-speed not checked; "
	  "the kernel does not know the duplex; --expect-duplex not checked" },
};

START_TEST(test_judge)
{
	struct pl_netdev_link l;
	struct pl_netdev_expect e = { judge_cases[_i].expect_speed, judge_cases[_i].expect_duplex };
	struct pl_netdev_verdict v;

	memset(&l, 0, sizeof(l));
	l.present = judge_cases[_i].present;
	pl_strlcpy(l.operstate, judge_cases[_i].operstate, sizeof(l.operstate));
	l.carrier = judge_cases[_i].carrier;
	l.admin_up = judge_cases[_i].admin_up;
	l.speed = judge_cases[_i].speed;
	l.duplex = judge_cases[_i].duplex;
	pl_netdev_judge(&l, judge_cases[_i].named, judge_cases[_i].down_state, &e, &v);
	ck_assert_int_eq(v.state, judge_cases[_i].state);
	ck_assert_str_eq(v.text, judge_cases[_i].text);
	ck_assert_str_eq(v.note, judge_cases[_i].note);
}
END_TEST

TCase *
tc_netdev(void)
{
	TCase *tc = tcase_create("netdev");

	tcase_add_test(tc, test_docker_host);
	tcase_add_test(tc, test_colon_in_name);
	tcase_add_test(tc, test_wrap_fixture);
	tcase_add_loop_test(tc, test_broken_fixtures, 0, (int)(sizeof(broken) / sizeof(broken[0])));
	tcase_add_loop_test(tc, test_buffers, 0, (int)(sizeof(bufs) / sizeof(bufs[0])));
	tcase_add_loop_test(tc, test_bad_names, 0, (int)(sizeof(bad_names) / sizeof(bad_names[0])));
	tcase_add_test(tc, test_binary_name);
	tcase_add_test(tc, test_odd_names);
	tcase_add_test(tc, test_attr_parsers);
	tcase_add_loop_test(tc, test_links, 0, (int)(sizeof(links) / sizeof(links[0])));
	tcase_add_loop_test(tc, test_links_physical, 0, (int)(sizeof(links) / sizeof(links[0])));
	tcase_add_test(tc, test_link_bad_name);
	tcase_add_test(tc, test_link_judgement);
	tcase_add_loop_test(tc, test_rates, 0, (int)(sizeof(rate_cases) / sizeof(rate_cases[0])));
	tcase_add_loop_test(tc, test_judge, 0, (int)(sizeof(judge_cases) / sizeof(judge_cases[0])));
	return tc;
}
