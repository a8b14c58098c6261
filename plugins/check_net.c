/* check_net: traffic, errors, drops and link state of network interfaces, from
 * /proc/net/dev and /sys/class/net.
 *
 * Rates are the change of the kernel's per-interface counters between two readings; the
 * reading of the previous run is kept in the state store, so a check answers at once and
 * only the first run (or the first after a reboot) samples twice over --interval. */
#include "config.h"

#include <fnmatch.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pl_buf.h"
#include "pl_counter.h"
#include "pl_file.h"
#include "pl_netdev.h"
#include "pl_num.h"
#include "pl_plugin.h"
#include "pl_result.h"
#include "pl_sample.h"
#include "pl_select.h"
#include "pl_store.h"
#include "pl_timeout.h"

/* A link speed given by hand: for the interfaces matching pattern (NULL: all). */
struct speed_rule {
	char *pattern;
	double bits;         /* bits/s */
};

struct net_config {
	struct speed_rule *speeds;   /* owned; a later rule wins */
	size_t nspeeds;
	enum pl_state down_state;    /* for an interface named by an include rule */
	double expect_speed;         /* bits/s; 0: not checked */
	enum pl_duplex expect_duplex;   /* PL_DUPLEX_UNKNOWN: not checked */
};

enum {
	OPT_SPEED = 256, OPT_DOWN_STATE, OPT_EXPECT_SPEED, OPT_EXPECT_DUPLEX,
};

static const struct pl_option net_opts[] = {
	{ "speed", OPT_SPEED, PL_ARG, "[IF=]RATE",
	  "The link speed to compute utilization against, for interface IF (a glob) or, "
	  "without IF, for every interface: '--speed 100Mbit/s', '--speed wlan0=300Mbit/s'. "
	  "Use it where the kernel does not know the speed (virtio, wireless, tunnels) or where "
	  "the real capacity is lower than the port's (a 1Gbit/s line on a 10Gbit/s port). "
	  "It wins over the kernel's figure. Repeatable; a later match wins.", 0 },
	{ "down-state", OPT_DOWN_STATE, PL_ARG, "STATE",
	  "The state for an interface named by --include or --include-regex that is down or "
	  "has no carrier: ok, warning, critical (default) or unknown.", 0 },
	{ "expect-speed", OPT_EXPECT_SPEED, PL_ARG, "RATE",
	  "WARNING when a selected interface that is up negotiated a lower speed than RATE "
	  "('1Gbit/s'): a bad cable or a switch port stuck at 100Mbit/s.", 0 },
	{ "expect-duplex", OPT_EXPECT_DUPLEX, PL_ARG, "DUPLEX",
	  "full or half. WARNING when a selected interface that is up runs half duplex and "
	  "full is expected.", 0 },
	{ NULL, 0, 0, NULL, NULL, 0 },
};

/* Reads "1Gbit/s", "100Mbps", "2.5Gbit/s" into bits/s. Returns 0 or -1. */
static int
parse_rate(const char *s, double *bits)
{
	const char *p = s, *end = s + strlen(s);
	enum pl_unit u;
	double v, f;

	if (pl_scan_double(&p, end, &v) != 0 ||
	    pl_unit_suffix(p, (size_t)(end - p), &u, &f) != 0 || u != PL_U_BITS_PER_S ||
	    !(v > 0))
		return -1;
	*bits = v * f;
	return 0;
}

static int
add_speed(struct net_config *cfg, const char *arg, char *err, size_t errlen)
{
	const char *eq = strrchr(arg, '=');
	struct speed_rule r = { NULL, 0 }, *v;

	if (parse_rate(eq ? eq + 1 : arg, &r.bits) != 0) {
		pl_snprintf(err, errlen,
			    "'%s' is not [IF=]RATE with a bit rate such as 100Mbit/s or 10Gbit/s (%s)",
			    arg, pl_unit_suffixes(PL_U_BITS_PER_S));
		return -1;
	}
	if (eq != NULL) {
		if (eq == arg) {
			pl_snprintf(err, errlen, "'%s': the interface before '=' is empty", arg);
			return -1;
		}
		r.pattern = strndup(arg, (size_t)(eq - arg));
		if (r.pattern == NULL)
			goto oom;
	}
	v = realloc(cfg->speeds, (cfg->nspeeds + 1) * sizeof(*v));
	if (v == NULL) {
		free(r.pattern);
		goto oom;
	}
	cfg->speeds = v;
	cfg->speeds[cfg->nspeeds++] = r;
	return 0;
oom:
	pl_snprintf(err, errlen, "out of memory");
	return -1;
}

static int
net_option(void *cfgp, int key, const char *arg, char *err, size_t errlen)
{
	struct net_config *cfg = cfgp;

	switch (key) {
	case OPT_SPEED:
		return add_speed(cfg, arg, err, errlen);
	case OPT_DOWN_STATE:
		if (pl_state_parse(arg, &cfg->down_state) != 0) {
			pl_snprintf(err, errlen, "'%s': choose ok, warning, critical or unknown", arg);
			return -1;
		}
		return 0;
	case OPT_EXPECT_SPEED:
		if (parse_rate(arg, &cfg->expect_speed) != 0) {
			pl_snprintf(err, errlen, "'%s' is not a bit rate such as 1Gbit/s (%s)", arg,
				    pl_unit_suffixes(PL_U_BITS_PER_S));
			return -1;
		}
		return 0;
	case OPT_EXPECT_DUPLEX:
		cfg->expect_duplex = pl_netdev_parse_duplex(arg);
		if (cfg->expect_duplex == PL_DUPLEX_UNKNOWN) {
			pl_snprintf(err, errlen, "'%s': choose full or half", arg);
			return -1;
		}
		return 0;
	}
	return -1;
}

/* A unitless or % range goes to the utilizations, a bit rate to the bit rates. */
static const char *const net_primary[] = { "*_util", "*_bits", NULL };

static const struct pl_plugin net_plugin = {
	.name = "check_net",
	.service = "NET",
	.purpose = "traffic, errors, drops and link state of network interfaces",
	.description =
		"Reports for each selected interface the receive and transmit rate in bits/s and "
		"packets/s, errors/s and drops/s, and the utilization of the link in percent of "
		"its speed, since the last run of this check (counters are kept in a state file, "
		"so the check never sleeps after its first run). Counters that went back (driver "
		"reset, device replaced) give no rate for that run; a 32-bit counter that wrapped "
		"is counted.\n"
		"Selection: physical interfaces (wired and wireless) are checked by default; "
		"loopback, bridges, veth, docker*, br-*, virbr*, tun/tap and anything without a "
		"'device' link in /sys/class/net (bonds, VLANs, dummies, and interfaces that "
		"/sys/class/net does not list: a network namespace that sees the host's /sys) "
		"are left out unless an --include rule names them.\n"
		"Link state: an interface named by an include rule that is down or has no carrier "
		"is CRITICAL (--down-state changes that), and a plain name that does not exist is "
		"CRITICAL. A physical interface taken by default is WARNING when it is "
		"administratively up but has no carrier (unplugged cable, dead switch port), and "
		"only listed when it is administratively down (never configured), so spare ports "
		"stay quiet.\n"
		"Utilization needs the link speed: from /sys/class/net/IF/speed, or --speed. When "
		"neither knows it (virtio NICs, wireless, tunnels) utilization is U and the long "
		"output says so; bit-rate thresholds still work.\n"
		"Thresholds: -w/-c with a plain number or % apply to every *_util metric, with a "
		"bit rate ('800Mbit/s') to every *_bits metric. --warningx/--criticalx put a range "
		"on any label or glob; bit-rate suffixes are powers of 1000 (kbit/s, Mbit/s, "
		"Gbit/s).",
	.options = net_opts,
	.handle = net_option,
	.primary = net_primary,
	.metrics =
		"For each interface IF (its name, with any byte other than letters, digits, '_', "
		"'.' and '-' written as _xHH: 'ibr10:30' is ibr10_x3a30): IF_rx_bits, IF_tx_bits "
		"(bits/s); IF_rx_util, IF_tx_util (percent of the link speed, U when unknown); IF_rx_packets, "
		"IF_tx_packets, IF_rx_errors, IF_tx_errors, IF_rx_drops, IF_tx_drops (per "
		"second).",
	.examples =
		"  check_net -w 80 -c 95\n"
		"      Warn when any physical interface is above 80% of its link speed in either\n"
		"      direction, critical above 95%.\n"
		"  check_net --include eth0 --include eth1 --expect-speed 1Gbit/s --expect-duplex full\n"
		"      Critical when eth0 or eth1 is down or missing; warn when one negotiated less\n"
		"      than 1Gbit/s full duplex.\n"
		"  check_net -w 800Mbit/s -c 950Mbit/s\n"
		"      Thresholds on the bit rates instead (works without a known link speed).\n"
		"  check_net --include eth0 --speed eth0=100Mbit/s -w 70 -c 90\n"
		"      A virtio NIC whose real uplink is 100Mbit/s: utilization against that.\n"
		"  check_net --warningx '*_rx_errors=1' --criticalx '*_drops=~:50'\n"
		"      Warn above 1 receive error per second, critical above 50 drops/s.\n"
		"  check_net --include 'eth*' --include 'en*' --exclude eth9 --down-state warning\n"
		"      Every ethN and enX but eth9; a down one is only a warning.\n",
	.uses_state = true,
	.selects =
		"--include and --exclude match interface names ('eth0', 'en*'). Loopback and "
		"virtual interfaces (veth, docker, bridges, bonds, VLANs, tun) are left out unless "
		"named. An interface an include rule names is checked even when virtual and "
		"alerts when it is down (see --down-state); a plain name that does not exist is "
		"CRITICAL ('eth1 not found').",
};

struct net_ctx {
	const struct pl_common *c;
	struct pl_buf buf;
	struct pl_netdev s[2];       /* 0: now, 1: the earlier reading */
	char **vanished;             /* interfaces in the earlier reading only (owned) */
	size_t nvanished;
};

/* State: namespace "if", the interface's name (any bytes; the store escapes them), a
 * vector of its PL_ND_NFIELDS counters; and "netdev", the number of interfaces, which
 * marks a reading even when there were none. */
#define NET_NS "if"

static void
net_read(void *ctxp, int which)
{
	struct net_ctx *x = ctxp;
	char err[512];

	pl_netdev_free(&x->s[which]);
	pl_timeout_waiting("reading /proc/net/dev");
	if (pl_read_file(x->c->root, "/proc/net/dev", &x->buf, err, sizeof(err)) != 0)
		pl_die(PL_UNKNOWN, "%s", err);
	if (pl_netdev_parse(pl_buf_str(&x->buf), x->buf.len, &x->s[which], err,
			    sizeof(err)) != 0)
		pl_die(PL_UNKNOWN, "cannot parse /proc/net/dev: %s", err);
}

static void
net_store(void *ctxp, int which, struct pl_store *st)
{
	struct net_ctx *x = ctxp;
	const struct pl_netdev *nd = &x->s[which];

	pl_store_set_u64(st, "netdev", nd->n);
	for (size_t i = 0; i < nd->n; i++)
		pl_store_set_vec(st, NET_NS, nd->v[i].name, nd->v[i].c, PL_ND_NFIELDS);
}

static int
counters_from_state(const struct pl_store *st, int gen, const char *name,
		    struct pl_netdev_if *ifc)
{
	return pl_store_get_vec(st, gen, NET_NS, name, ifc->c, PL_ND_NFIELDS) == PL_ND_NFIELDS ?
	       0 : -1;
}

static void
free_vanished(struct net_ctx *x)
{
	for (size_t i = 0; i < x->nvanished; i++)
		free(x->vanished[i]);
	free(x->vanished);
	x->vanished = NULL;
	x->nvanished = 0;
}

/* Interfaces of the stored generation that are not there now, for the long output.
 * matched is how many of the current ones were found in it: when every stored one was,
 * none vanished; otherwise the current names go into a set, so that this stays linear
 * with thousands of interfaces. */
static void
find_vanished(struct net_ctx *x, const struct pl_store *st, int gen, size_t matched)
{
	const struct pl_store_entry *e;
	struct pl_store now;
	size_t pos = 0, stored = 0;

	free_vanished(x);
	while (pl_store_next(st, gen, NET_NS, &pos) != NULL)
		stored++;
	if (stored == matched)
		return;
	pl_store_init(&now, "", "");
	for (size_t i = 0; i < x->s[0].n; i++)
		pl_store_set_vec(&now, "", x->s[0].v[i].name, NULL, 0);
	for (pos = 0; (e = pl_store_next(st, gen, NET_NS, &pos)) != NULL;) {
		char **v;

		if (!pl_netdev_name_ok(e->name) ||
		    pl_store_find(&now, PL_STORE_GEN_NEW, "", e->name) != NULL)
			continue;
		v = realloc(x->vanished, (x->nvanished + 1) * sizeof(*v));
		if (v == NULL)
			break;
		x->vanished = v;
		x->vanished[x->nvanished] = strdup(e->name);
		if (x->vanished[x->nvanished] != NULL)
			x->nvanished++;
	}
	pl_store_free(&now);
}

/* The earlier reading of each interface that is there now; one that was not (it
 * appeared since) is simply missing from slot 1 and gets no rates this run. */
static int
net_load(void *ctxp, const struct pl_store *st, int gen)
{
	struct net_ctx *x = ctxp;
	struct pl_netdev *then = &x->s[1], *now = &x->s[0];
	uint64_t count;

	pl_netdev_free(then);
	if (pl_store_get_vec(st, gen, "", "netdev", &count, 1) != 1)
		return -1;
	then->v = calloc(now->n ? now->n : 1, sizeof(*then->v));
	if (then->v == NULL)
		return -1;
	for (size_t i = 0; i < now->n; i++) {
		struct pl_netdev_if *t = &then->v[then->n];

		if (counters_from_state(st, gen, now->v[i].name, t) == 0) {
			memcpy(t->name, now->v[i].name, sizeof(t->name));
			then->n++;
		}
	}
	find_vanished(x, st, gen, then->n);
	/* Counters that did not move over a real interval are a rate of 0, not a reason
	 * to sample afresh. */
	return 0;
}

static void
net_zero(void *ctxp)
{
	struct net_ctx *x = ctxp;
	struct pl_netdev *then = &x->s[1], *now = &x->s[0];

	pl_netdev_free(then);
	free_vanished(x);
	then->v = calloc(now->n ? now->n : 1, sizeof(*then->v));
	if (then->v == NULL)
		return;
	for (size_t i = 0; i < now->n; i++)
		memcpy(then->v[i].name, now->v[i].name, sizeof(then->v[i].name));
	then->n = now->n;
}

static const struct pl_sample_ops net_ops = { net_read, net_store, net_load, net_zero };

#define SHOW_MAX (PL_NETDEV_NAME_MAX * 4)

/* A name from outside data as texts show it (pl_name_escape), cut to len. Returns out. */
static const char *
show_name(const char *name, char *out, size_t len)
{
	struct pl_buf b = PL_BUF_INIT;

	pl_buf_init(&b, len);
	pl_name_escape(&b, name);
	pl_strlcpy(out, pl_buf_str(&b), len);
	pl_buf_free(&b);
	return out;
}

/* What one interface did, for metrics, findings and the summary. */
struct net_if {
	const struct pl_netdev_if *now;
	char show[SHOW_MAX];         /* the name in texts (show_name) */
	struct pl_netdev_link link;
	bool explicit;               /* an include rule named it */
	bool hand_speed;             /* speed from --speed */
	double speed;                /* bits/s, NAN unknown */
	double rate[PL_ND_NFIELDS];  /* per second, NAN unknown */
	double util[2];              /* rx, tx percent, NAN unknown */
};

static double
hand_speed(const struct net_config *cfg, const char *name)
{
	double s = NAN;

	for (size_t i = 0; i < cfg->nspeeds; i++)
		if (cfg->speeds[i].pattern == NULL ||
		    fnmatch(cfg->speeds[i].pattern, name, 0) == 0)
			s = cfg->speeds[i].bits;
	return s;
}

static const char *
duplex_word(enum pl_duplex d)
{
	return d == PL_DUPLEX_FULL ? "full" : d == PL_DUPLEX_HALF ? "half" : "unknown";
}

/* "15.8Mbit/s (1.6%)" or "15.8Mbit/s" when the speed is unknown. */
static char *
rate_text(char *buf, size_t len, double bits, double util)
{
	char a[32], b[32];

	pl_unit_human(a, sizeof(a), bits, PL_U_BITS_PER_S);
	if (isnan(util))
		pl_snprintf(buf, len, "%s", a);
	else
		pl_snprintf(buf, len, "%s (%s)", a, pl_unit_human(b, sizeof(b), util, PL_U_PERCENT));
	return buf;
}

static const char *
link_word(const struct pl_netdev_link *l)
{
	switch (pl_netdev_link_state(l)) {
	case PL_LINK_UP: return "up";
	case PL_LINK_NO_CARRIER: return "down";
	case PL_LINK_ADMIN_DOWN: return "admin down";
	case PL_LINK_NOT_UP: return l->operstate;
	case PL_LINK_UNKNOWN: break;
	}
	return "";
}

/* "eth0 up 1Gbit/s: rx 12.3Mbit/s (1.2%), tx 4.5Mbit/s (0.5%)" */
static void
describe(const struct net_if *f, struct pl_buf *b)
{
	char sp[32], rx[64], tx[64];
	const char *w = link_word(&f->link);

	pl_buf_puts(b, f->show);
	if (w[0])
		pl_buf_printf(b, " %s", w);
	if (!isnan(f->speed))
		pl_buf_printf(b, " %s", pl_unit_human(sp, sizeof(sp), f->speed, PL_U_BITS_PER_S));
	pl_buf_printf(b, ": rx %s, tx %s",
		      rate_text(rx, sizeof(rx), f->rate[PL_ND_RX_BYTES] * 8, f->util[0]),
		      rate_text(tx, sizeof(tx), f->rate[PL_ND_TX_BYTES] * 8, f->util[1]));
}

static void
add_metrics(struct pl_result *r, const struct net_if *f)
{
	static const char *const dir[2] = { "rx", "tx" };
	char ln[PL_LABEL_MAX];
	struct pl_metric *m;

	/* The one label rule; a name of at most PL_NETDEV_NAME_MAX - 1 bytes always fits. */
	pl_label_str(ln, sizeof(ln), f->now->name);
	for (int d = 0; d < 2; d++) {
		int base = d == 0 ? PL_ND_RX_BYTES : PL_ND_TX_BYTES;

		m = pl_metric_addf(r, f->rate[base] * 8, PL_U_BITS_PER_S, "%s_%s_bits", ln, dir[d]);
		pl_metric_minmax(m, 0, f->speed);
		m->prec = 0;
	}
	for (int d = 0; d < 2; d++)
		pl_metric_minmax(pl_metric_addf(r, f->util[d], PL_U_PERCENT, "%s_%s_util", ln,
						dir[d]), 0, 100);
	for (int d = 0; d < 2; d++)
		pl_metric_minmax(pl_metric_addf(r, f->rate[d ? PL_ND_TX_PACKETS : PL_ND_RX_PACKETS],
						PL_U_NONE, "%s_%s_packets", ln, dir[d]), 0, NAN);
	for (int d = 0; d < 2; d++)
		pl_metric_minmax(pl_metric_addf(r, f->rate[d ? PL_ND_TX_ERRS : PL_ND_RX_ERRS],
						PL_U_NONE, "%s_%s_errors", ln, dir[d]), 0, NAN);
	for (int d = 0; d < 2; d++)
		pl_metric_minmax(pl_metric_addf(r, f->rate[d ? PL_ND_TX_DROP : PL_ND_RX_DROP],
						PL_U_NONE, "%s_%s_drops", ln, dir[d]), 0, NAN);
}

/* Down links and speed or duplex below expectations become findings. */
static void
judge_link(const struct net_config *cfg, struct pl_result *r, const struct net_if *f)
{
	const struct pl_netdev_link *l = &f->link;
	const char *name = f->show;
	enum pl_link st = pl_netdev_link_state(l);
	char h[32], e[32] = "";
	bool slow, half;

	if (st == PL_LINK_UNKNOWN) {
		/* An interface the admin named must be judged; not knowing its link is not
		 * a green light. */
		if (f->explicit)
			pl_result_finding(r, cfg->down_state == PL_OK ? PL_OK : PL_UNKNOWN,
					  "%s: not in /sys/class/net: link state unknown", name);
		else
			pl_result_line(r, "%s: not in /sys/class/net: link state, speed and duplex unknown",
				       name);
		return;
	}
	if (st != PL_LINK_UP) {
		if (f->explicit)
			pl_result_finding(r, cfg->down_state, "%s is %s", name, pl_netdev_link_text(l));
		else if (st == PL_LINK_ADMIN_DOWN)
			pl_result_line(r, "%s is administratively down (not alerting: name it with --include to alert)",
				       name);
		else
			pl_result_finding(r, PL_WARNING, "%s is %s", name, pl_netdev_link_text(l));
		return;
	}
	if (cfg->expect_speed > 0 && l->speed < 0)
		pl_result_line(r, "%s: the kernel does not know the negotiated speed; --expect-speed not checked",
			       name);
	if (cfg->expect_duplex != PL_DUPLEX_UNKNOWN && l->duplex == PL_DUPLEX_UNKNOWN)
		pl_result_line(r, "%s: the kernel does not know the duplex; --expect-duplex not checked",
			       name);
	slow = cfg->expect_speed > 0 && l->speed > 0 && (double)l->speed * 1e6 < cfg->expect_speed;
	half = cfg->expect_duplex == PL_DUPLEX_FULL && l->duplex == PL_DUPLEX_HALF;
	if (!slow && !half)
		return;
	if (l->speed > 0)
		pl_unit_human(h, sizeof(h), (double)l->speed * 1e6, PL_U_BITS_PER_S);
	else
		pl_strlcpy(h, "unknown speed", sizeof(h));
	if (cfg->expect_speed > 0)
		pl_unit_human(e, sizeof(e), cfg->expect_speed, PL_U_BITS_PER_S);
	pl_result_finding(r, PL_WARNING, "%s linked at %s %s duplex, expected %s%s%s%s", name, h,
			  duplex_word(l->duplex), cfg->expect_speed > 0 ? "at least " : "",
			  cfg->expect_speed > 0 ? e : "",
			  cfg->expect_speed > 0 && cfg->expect_duplex != PL_DUPLEX_UNKNOWN ? " " : "",
			  cfg->expect_duplex != PL_DUPLEX_UNKNOWN ?
			  (cfg->expect_duplex == PL_DUPLEX_FULL ? "full duplex" : "half duplex") : "");
}

/* The long-output line of one interface. */
static void
detail_line(struct pl_result *r, const struct net_if *f)
{
	char sp[48], n[6][32], rx[64], tx[64];
	const struct pl_netdev_link *l = &f->link;

	if (isnan(f->speed))
		pl_strlcpy(sp, "speed unknown", sizeof(sp));
	else
		pl_snprintf(sp, sizeof(sp), "%s%s",
			    pl_unit_human(n[0], sizeof(n[0]), f->speed, PL_U_BITS_PER_S),
			    f->hand_speed ? " (--speed)" : "");
	pl_fmt_num(n[0], sizeof(n[0]), f->rate[PL_ND_RX_PACKETS], 2);
	pl_fmt_num(n[1], sizeof(n[1]), f->rate[PL_ND_RX_ERRS], 2);
	pl_fmt_num(n[2], sizeof(n[2]), f->rate[PL_ND_RX_DROP], 2);
	pl_fmt_num(n[3], sizeof(n[3]), f->rate[PL_ND_TX_PACKETS], 2);
	pl_fmt_num(n[4], sizeof(n[4]), f->rate[PL_ND_TX_ERRS], 2);
	pl_fmt_num(n[5], sizeof(n[5]), f->rate[PL_ND_TX_DROP], 2);
	pl_result_line(r, "%s: %s, %s, %s duplex; rx %s, %s packets/s, %s errors/s, %s drops/s; "
		       "tx %s, %s packets/s, %s errors/s, %s drops/s",
		       f->show, pl_netdev_link_text(l), sp, duplex_word(l->duplex),
		       rate_text(rx, sizeof(rx), f->rate[PL_ND_RX_BYTES] * 8, f->util[0]),
		       n[0], n[1], n[2],
		       rate_text(tx, sizeof(tx), f->rate[PL_ND_TX_BYTES] * 8, f->util[1]),
		       n[3], n[4], n[5]);
	if (isnan(f->speed))
		pl_result_line(r, "%s: the kernel does not know the link speed (virtual NIC, wireless?): utilization is U; give it with --speed %s=RATE",
			       f->show, f->show);
}

/* Appends up to ten names to b, escaped: "lo, docker0 (+3 more)". */
static void
list_names(struct pl_buf *b, const char *const *names, size_t n)
{
	char e[SHOW_MAX];

	for (size_t i = 0; i < n && i < 10; i++)
		pl_buf_printf(b, "%s%s", i ? ", " : "", show_name(names[i], e, sizeof(e)));
	if (n > 10)
		pl_buf_printf(b, " (+%zu more)", n - 10);
}

/* The interface the summary names: the highest utilization where one is known, else
 * the highest bit rate. */
static size_t
busiest_of(const struct net_if *f, size_t n)
{
	size_t best = 0;
	double bv = -1;
	bool by_util = false;

	for (size_t i = 0; i < n; i++)
		if (!isnan(f[i].util[0]) || !isnan(f[i].util[1]))
			by_util = true;
	for (size_t i = 0; i < n; i++) {
		double a = by_util ? f[i].util[0] : f[i].rate[PL_ND_RX_BYTES];
		double b = by_util ? f[i].util[1] : f[i].rate[PL_ND_TX_BYTES];
		double v = isnan(a) ? -1 : a;

		if (!isnan(b) && b > v)
			v = b;

		if (v > bv) {
			bv = v;
			best = i;
		}
	}
	return best;
}

int
main(int argc, char **argv)
{
	struct net_config cfg;
	struct pl_common c;
	struct net_ctx x;
	struct pl_result r;
	struct pl_netdev *now = &x.s[0], *then = &x.s[1];
	struct net_if *sel;
	const char **skipped, **absent;
	size_t nsel = 0, nskipped = 0, nabsent = 0, nmissing = 0, nbad = 0;
	struct pl_buf b = PL_BUF_INIT;
	enum pl_basis basis;
	char basis_text[128];
	double dt;

	memset(&cfg, 0, sizeof(cfg));
	cfg.down_state = PL_CRITICAL;
	pl_plugin_parse(&net_plugin, argc, argv, &cfg, &c);
	pl_plugin_arm(&c);
	pl_result_init(&r, net_plugin.name, net_plugin.service);
	memset(&x, 0, sizeof(x));
	x.c = &c;

	basis = pl_sample(&c, &net_ops, &x, &dt, basis_text, sizeof(basis_text), &r);
	sel = calloc(now->n, sizeof(*sel));
	skipped = calloc(now->n + 1, sizeof(*skipped));
	absent = calloc(now->n + 1, sizeof(*absent));
	if (sel == NULL || skipped == NULL || absent == NULL)
		pl_die(PL_UNKNOWN, "out of memory");

	pl_timeout_waiting("reading /sys/class/net");
	for (size_t i = 0; i < now->n; i++) {
		const char *name = now->v[i].name;
		const struct pl_netdev_if *t = pl_netdev_find(then, name);
		struct net_if *f = &sel[nsel];
		enum pl_select_verdict verdict;
		bool virt, backwards = false;

		memset(f, 0, sizeof(*f));
		f->now = &now->v[i];
		show_name(name, f->show, sizeof(f->show));
		verdict = pl_select_match(&c.select, name);
		if (verdict == PL_SELECT_EXCLUDED ||
		    (verdict == PL_SELECT_DEFAULT && pl_select_has_include(&c.select)))
			continue;
		/* What the rules leave to the defaults is read in steps, so that a virtual
		 * interface costs a few lstat calls, not its eight attributes. */
		if (verdict == PL_SELECT_DEFAULT) {
			virt = pl_netdev_virtual_name(name);
			if (!virt) {
				pl_netdev_link_kind(c.root, name, &f->link);
				virt = pl_netdev_is_virtual(name, &f->link);
				if (!f->link.present) {
					absent[nabsent++] = name;
					continue;
				}
			}
			if (virt) {
				skipped[nskipped++] = name;
				continue;
			}
		}
		pl_netdev_link_read(c.root, name, &f->link);
		f->explicit = verdict == PL_SELECT_INCLUDED;
		for (int k = 0; k < PL_ND_NFIELDS; k++) {
			f->rate[k] = t ? pl_counter_rate(f->now->c[k], t->c[k], dt) : NAN;
			if (t && isnan(f->rate[k]) && dt > 0)
				backwards = true;
		}
		/* One counter that went back means the driver reset them all: another that
		 * merely looks like a 32-bit wrap would report a burst of traffic that never
		 * happened. No rate for this interface this run. */
		for (int k = 0; backwards && k < PL_ND_NFIELDS; k++)
			f->rate[k] = NAN;
		f->speed = hand_speed(&cfg, name);
		f->hand_speed = !isnan(f->speed);
		if (!f->hand_speed && f->link.speed > 0)
			f->speed = (double)f->link.speed * 1e6;
		for (int d = 0; d < 2; d++) {
			double bits = f->rate[d ? PL_ND_TX_BYTES : PL_ND_RX_BYTES] * 8;

			/* Above 100% only when the speed given by hand is too low. */
			f->util[d] = isnan(f->speed) || isnan(bits) ? NAN : 100.0 * bits / f->speed;
			if (f->util[d] > 100)
				f->util[d] = 100;
		}
		if (t == NULL)
			pl_result_line(&r, "%s appeared since the last run: no rates until the next run",
				       f->show);
		else if (backwards)
			pl_result_line(&r, "%s: counters went back since the last run (driver reset or device replaced): no rate for them this run",
				       f->show);
		nsel++;
	}

	/* An interface named plainly by --include must exist. */
	{
		const char **names = calloc(now->n + 1, sizeof(*names)), *missing[16];
		size_t nm;

		for (size_t i = 0; names != NULL && i < now->n; i++)
			names[i] = now->v[i].name;
		nm = pl_select_missing(&c.select, names, names ? now->n : 0, missing, 16);
		for (size_t i = 0; i < nm && i < 16; i++) {
			char e[SHOW_MAX];

			pl_result_finding(&r, PL_CRITICAL, "%s not found",
					  show_name(missing[i], e, sizeof(e)));
		}
		nmissing += nm;
		free(names);
	}
	/* A line whose name no kernel gives is that interface's problem, not the check's. */
	for (size_t i = 0; i < now->nbad; i++) {
		const char *name = now->bad[i].name;
		char e[SHOW_MAX];

		if (!pl_select_take(&c.select, &name, 1, true))
			continue;
		pl_result_finding(&r, PL_UNKNOWN, "/proc/net/dev line %zu: '%s' %s: not checked",
				  now->bad[i].lineno, show_name(name, e, sizeof(e)),
				  now->bad[i].why);
		nbad++;
	}
	if (basis == PL_BASIS_STATE) {
		for (size_t i = 0; i < x.nvanished; i++) {
			const char *name = x.vanished[i];
			char e[SHOW_MAX];

			/* Gone from sysfs too: only its name can tell a virtual one. */
			if (pl_select_take(&c.select, &name, 1, !pl_netdev_virtual_name(name)))
				pl_result_line(&r, "%s vanished since the last run",
					       show_name(name, e, sizeof(e)));
		}
	}
	if (nsel == 0 && nmissing == 0 && nbad == 0) {
		const char **all = calloc(now->n, sizeof(*all));

		for (size_t i = 0; all != NULL && i < now->n; i++)
			all[i] = now->v[i].name;
		if (all != NULL)
			list_names(&b, all, now->n);
		free(all);
		if (pl_select_has_include(&c.select))
			pl_die(PL_UNKNOWN, "no interface matches the --include rules (interfaces: %s)",
			       pl_buf_str(&b));
		if (nabsent > 0) {
			pl_buf_puts(&b, " are virtual or excluded (not in /sys/class/net: ");
			list_names(&b, absent, nabsent);
			pl_die(PL_UNKNOWN, "no interface selected: %s; is /sys from another network namespace?); name one with --include",
			       pl_buf_str(&b));
		}
		pl_die(PL_UNKNOWN, "no interface selected: %s %s virtual or excluded; name one with --include",
		       pl_buf_str(&b), now->n == 1 ? "is" : "are");
	}

	for (size_t i = 0; i < nsel; i++) {
		add_metrics(&r, &sel[i]);
		judge_link(&cfg, &r, &sel[i]);
	}
	for (size_t i = 0; i < nsel; i++)
		detail_line(&r, &sel[i]);
	pl_result_line(&r, "%s, %zu interface%s checked", basis_text, nsel, nsel == 1 ? "" : "s");
	if (nskipped > 0) {
		pl_buf_reset(&b);
		list_names(&b, skipped, nskipped);
		pl_result_line(&r, "left out as virtual: %s (name them with --include)",
			       pl_buf_str(&b));
	}
	if (nabsent > 0) {
		pl_buf_reset(&b);
		list_names(&b, absent, nabsent);
		pl_result_line(&r, "left out, not in /sys/class/net (is /sys from another network namespace?): %s (name them with --include)",
			       pl_buf_str(&b));
	}
	for (size_t i = 0; i < cfg.nspeeds; i++) {
		bool used = false;

		for (size_t k = 0; k < nsel && cfg.speeds[i].pattern != NULL; k++)
			used |= fnmatch(cfg.speeds[i].pattern, sel[k].now->name, 0) == 0;
		if (cfg.speeds[i].pattern != NULL && !used) {
			char e[SHOW_MAX];

			pl_result_line(&r, "--speed %s=...: no checked interface matches it",
				       show_name(cfg.speeds[i].pattern, e, sizeof(e)));
		}
	}

	if (nsel > 0) {
		pl_buf_reset(&b);
		describe(&sel[busiest_of(sel, nsel)], &b);
		if (nsel > 1)
			pl_buf_printf(&b, "; %zu interfaces", nsel);
		pl_result_summary(&r, "%s", pl_buf_str(&b));
	}
	pl_buf_free(&b);
	free(skipped);
	free(absent);
	free(sel);
	free_vanished(&x);
	pl_buf_free(&x.buf);
	pl_netdev_free(now);
	pl_netdev_free(then);
	pl_exit(&r, &c);
}
