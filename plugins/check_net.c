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
#include "pl_i18n.h"
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

static int add_speed(void *, const struct pl_option *, const char *, char *, size_t);

static const struct pl_choice duplexes[] = {
	{ "full", PL_DUPLEX_FULL, false }, { "half", PL_DUPLEX_HALF, false }, { NULL, 0, false },
};

static const struct pl_option net_opts[] = {
	{ .name = "speed", .type = PL_OPT_RATE, .arg = "[IF=]RATE", .min = 1, .fn = add_speed,
	  .flags = PL_OPT_REPEAT,
	  .help = N_("The link speed to compute utilization against, for interface IF (a glob) "
		  "or, without IF, for every interface: '--speed 100Mbit/s', '--speed "
		  "wlan0=300Mbit/s'. Use it where the kernel does not know the speed (virtio, "
		  "wireless, tunnels) or where the real capacity is lower than the port's (a "
		  "1Gbit/s line on a 10Gbit/s port). It wins over the kernel's figure; a later "
		  "match wins.") },
	{ .name = "down-state", .type = PL_OPT_STATE, PL_OPT_AT(struct net_config, down_state),
	  .help = N_("The state for an interface named by --include or --include-regex that is "
		  "down or has no carrier (default critical).") },
	{ .name = "expect-speed", .type = PL_OPT_RATE, .min = 1,
	  PL_OPT_AT(struct net_config, expect_speed),
	  .help = N_("WARNING when a selected interface that is up negotiated a lower speed than "
		  "RATE ('1Gbit/s'): a bad cable or a switch port stuck at 100Mbit/s.") },
	{ .name = "expect-duplex", .type = PL_OPT_CHOICE, .arg = "DUPLEX", .choices = duplexes,
	  PL_OPT_AT(struct net_config, expect_duplex),
	  .help = N_("WARNING when a selected interface that is up runs half duplex and full is "
		  "expected.") },
	{ .name = NULL },
};

/* [IF=]RATE: a rule for the interfaces matching IF, or for all. */
static int
add_speed(void *cfgp, const struct pl_option *o, const char *arg, char *err, size_t errlen)
{
	struct net_config *cfg = cfgp;
	const char *eq = strrchr(arg, '=');
	struct speed_rule r = { NULL, 0 }, *v;

	if (pl_opt_number(o, eq ? eq + 1 : arg, &r.bits, err, errlen) != 0)
		return -1;
	if (eq != NULL) {
		if (eq == arg) {
			pl_snprintf(err, errlen, _("the interface before '=' is empty"));
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
	pl_snprintf(err, errlen, _("out of memory"));
	return -1;
}

/* A unitless or % range goes to the utilizations, a bit rate to the bit rates. */
static const char *const net_primary[] = { "*_util", "*_bits", NULL };

static const struct pl_plugin net_plugin = {
	.name = "check_net",
	.service = "NET",
	.purpose = N_("traffic, errors, drops and link state of network interfaces"),
	.description =
		N_("Reports for each selected interface the receive and transmit rate in bits/s and "
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
		"neither knows it (virtio NICs, wireless, tunnels) utilization has no value: a "
		"threshold on it is UNKNOWN (--missing-value-state) and says which --speed to "
		"give; bit-rate thresholds still work.\n"
		"Thresholds: -w/-c with a plain number or % apply to every *_util metric, with a "
		"bit rate ('800Mbit/s') to every *_bits metric. --warningx/--criticalx put a range "
		"on any label or glob; bit-rate suffixes are powers of 1000 (kbit/s, Mbit/s, "
		"Gbit/s)."),
	.options = net_opts,
	.primary = net_primary,
	.metrics =
		N_("For each interface IF (its name, with any byte other than letters, digits, '_', "
		"'.' and '-' written as _xHH: 'ibr10:30' is ibr10_x3a30): IF_rx_bits, IF_tx_bits "
		"(bits/s); IF_rx_util, IF_tx_util (percent of the link speed, none when unknown); "
		"IF_rx_packets, "
		"IF_tx_packets, IF_rx_errors, IF_tx_errors, IF_rx_drops, IF_tx_drops (per "
		"second)."),
	.examples =
		N_("  check_net -w 80 -c 95\n"
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
		"      Every ethN and enX but eth9; a down one is only a warning.\n"),
	.uses_state = true,
	.selects =
		N_("--include and --exclude match interface names ('eth0', 'en*'). Loopback and "
		"virtual interfaces (veth, docker, bridges, bonds, VLANs, tun) are left out unless "
		"named. An interface an include rule names is checked even when virtual and "
		"alerts when it is down (see --down-state); a plain name that does not exist is "
		"CRITICAL ('eth1 not found')."),
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
	pl_timeout_waiting(_("reading /proc/net/dev"));
	if (pl_read_file(x->c->root, "/proc/net/dev", &x->buf, err, sizeof(err)) != 0)
		pl_die(PL_UNKNOWN, "%s", err);
	if (pl_netdev_parse(pl_buf_str(&x->buf), x->buf.len, &x->s[which], err,
			    sizeof(err)) != 0)
		pl_die(PL_UNKNOWN, _("cannot parse /proc/net/dev: %s"), err);
}

static void
net_store(void *ctxp, int which, struct pl_store *st)
{
	struct net_ctx *x = ctxp;
	const struct pl_netdev *nd = &x->s[which];

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
 * none vanished; otherwise each stored name is looked up in the current reading's own
 * index (pl_netdev_find), so that this stays linear with thousands of interfaces. */
static void
find_vanished(struct net_ctx *x, const struct pl_store *st, int gen, size_t matched)
{
	const struct pl_store_entry *e;
	size_t pos = 0, stored = 0;

	free_vanished(x);
	while (pl_store_next(st, gen, NET_NS, &pos) != NULL)
		stored++;
	if (stored == matched)
		return;
	for (pos = 0; (e = pl_store_next(st, gen, NET_NS, &pos)) != NULL;) {
		char **v;

		if (!pl_netdev_name_ok(e->name) || pl_netdev_find(&x->s[0], e->name) != NULL)
			continue;
		v = realloc(x->vanished, (x->nvanished + 1) * sizeof(*v));
		if (v == NULL)
			break;
		x->vanished = v;
		x->vanished[x->nvanished] = strdup(e->name);
		if (x->vanished[x->nvanished] != NULL)
			x->nvanished++;
	}
}

/* The earlier reading of each interface that is there now; one that was not (it
 * appeared since) is simply missing from slot 1 and gets no rates this run. */
static int
net_load(void *ctxp, const struct pl_store *st, int gen)
{
	struct net_ctx *x = ctxp;
	struct pl_netdev *then = &x->s[1], *now = &x->s[0];
	size_t pos = 0;

	pl_netdev_free(then);
	/* Nothing stored while interfaces are there now (the last run found none): sample
	 * afresh rather than call every interface new. */
	if (pl_store_next(st, gen, NET_NS, &pos) == NULL && now->n > 0)
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

/* A name from outside data as texts show it (pl_name_escape), cut to len where an escape
 * ends. Returns out. */
static const char *
show_name(const char *name, char *out, size_t len)
{
	pl_name_str(out, len, name);
	return out;
}

/* One selected interface: what it is and what it did. */
struct net_if {
	const struct pl_netdev_if *now;
	struct pl_netdev_link link;
	bool named;                  /* an include rule named it */
	bool hand_speed;             /* speed from --speed */
	double speed;                /* bits/s, NAN unknown */
	struct pl_netdev_rates r;
};

/* What the selection found: the interfaces to report and those left out. */
struct net_sel {
	struct net_if *v;
	size_t n;
	const char **virt, **absent; /* left out: virtual; not in /sys/class/net */
	size_t nvirt, nabsent;
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

/* Whether the defaults leave name out; a virtual interface costs a few lstat calls, not
 * its eight attributes, and a physical one has them all read at once. */
static bool
net_default_out(const struct pl_common *c, const char *name, struct net_if *f,
		struct net_sel *s)
{
	if (pl_netdev_virtual_name(name)) {
		s->virt[s->nvirt++] = name;
		return true;
	}
	pl_netdev_link_read_physical(c->root, name, &f->link);
	if (!f->link.present) {
		s->absent[s->nabsent++] = name;
		return true;
	}
	if (pl_netdev_is_virtual(name, &f->link)) {
		s->virt[s->nvirt++] = name;
		return true;
	}
	return false;
}

/* Chooses the interfaces of the reading now, reads their links and works out their
 * rates against then. */
static void
net_select(const struct net_config *cfg, const struct pl_common *c, const struct pl_netdev *now,
	   const struct pl_netdev *then, double dt, struct net_sel *s)
{
	s->v = calloc(now->n + 1, sizeof(*s->v));
	s->virt = calloc(now->n + 1, sizeof(*s->virt));
	s->absent = calloc(now->n + 1, sizeof(*s->absent));
	if (s->v == NULL || s->virt == NULL || s->absent == NULL)
		pl_die(PL_UNKNOWN, _("out of memory"));
	pl_timeout_waiting(_("reading /sys/class/net"));
	for (size_t i = 0; i < now->n; i++) {
		const char *name = now->v[i].name;
		struct net_if *f = &s->v[s->n];
		enum pl_select_verdict verdict = pl_select_match(&c->select, name);

		memset(f, 0, sizeof(*f));
		if (verdict == PL_SELECT_EXCLUDED ||
		    (verdict == PL_SELECT_DEFAULT && pl_select_has_include(&c->select)) ||
		    (verdict == PL_SELECT_DEFAULT && net_default_out(c, name, f, s)))
			continue;
		f->now = &now->v[i];
		f->named = verdict == PL_SELECT_INCLUDED;
		/* The defaults read the link already. */
		if (verdict != PL_SELECT_DEFAULT)
			pl_netdev_link_read(c->root, name, &f->link);
		f->speed = hand_speed(cfg, name);
		f->hand_speed = !isnan(f->speed);
		if (!f->hand_speed && f->link.speed > 0)
			f->speed = (double)f->link.speed * 1e6;
		pl_netdev_rates(f->now, pl_netdev_find(then, name), dt, f->speed, &f->r);
		s->n++;
	}
}

static void
net_sel_free(struct net_sel *s)
{
	free(s->v);
	free(s->virt);
	free(s->absent);
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
	case PL_LINK_UP: return _("up");
	case PL_LINK_NO_CARRIER: return _("down");
	case PL_LINK_ADMIN_DOWN: return _("admin down");
	case PL_LINK_NOT_UP: return l->operstate;
	case PL_LINK_UNKNOWN: break;
	}
	return "";
}

/* Why the figures of f are missing this run, for pl_metric_missing, or NULL. */
static const char *
gap_text(const struct net_if *f, char *buf, size_t len)
{
	char e[SHOW_MAX];

	show_name(f->now->name, e, sizeof(e));
	switch (f->r.gap) {
	case PL_ND_GAP_NEW:
		pl_snprintf(buf, len, _("%s appeared since the last run"), e);
		return buf;
	case PL_ND_GAP_RESET:
		pl_snprintf(buf, len, _("%s's counters went back since the last run: a driver reset or a replaced device"),
			    e);
		return buf;
	case PL_ND_GAP_NO_TIME:
	case PL_ND_GAP_NONE:
		break;
	}
	return NULL;
}

/* The metrics of one interface; labels IF_rx_bits... as before items. A figure that is
 * missing says why: for this run (a new or reset interface), or until the admin gives
 * the speed that utilization needs. */
static void
net_metrics(struct pl_item *it, const struct net_if *f)
{
	static const char *const util_name[2] = { "rx_util", "tx_util" };
	static const char *const kind[3][2] = { { "rx_packets", "tx_packets" },
						{ "rx_errors", "tx_errors" },
						{ "rx_drops", "tx_drops" } };
	static const int field[2][3] = {
		{ PL_ND_RX_PACKETS, PL_ND_RX_ERRS, PL_ND_RX_DROP },
		{ PL_ND_TX_PACKETS, PL_ND_TX_ERRS, PL_ND_TX_DROP },
	};
	char why[160], fix[96], e[SHOW_MAX];
	const char *gap = gap_text(f, why, sizeof(why));
	struct pl_metric *m[PL_ND_NFIELDS];
	size_t nm = 0;

	for (int d = 0; d < 2; d++) {
		m[nm] = pl_item_metric(it, d ? "tx_bits" : "rx_bits",
				       f->r.rate[d ? PL_ND_TX_BYTES : PL_ND_RX_BYTES] * 8,
				       PL_U_BITS_PER_S);
		pl_metric_minmax(m[nm], 0, f->speed);
		m[nm++]->prec = 0;
	}
	for (int d = 0; d < 2; d++) {
		m[nm] = pl_item_metric(it, util_name[d], f->r.util[d], PL_U_PERCENT);
		pl_metric_minmax(m[nm++], 0, 100);
	}
	for (int k = 0; k < 3; k++)
		for (int d = 0; d < 2; d++) {
			m[nm] = pl_item_metric(it, kind[k][d], f->r.rate[field[d][k]], PL_U_NONE);
			pl_metric_minmax(m[nm++], 0, NAN);
		}
	for (size_t i = 0; i < nm; i++) {
		bool util = i == 2 || i == 3;

		if (util && isnan(f->speed)) {
			show_name(f->now->name, e, sizeof(e));
			pl_snprintf(why, sizeof(why), _("the kernel does not know %s's link speed"), e);
			pl_snprintf(fix, sizeof(fix), _("give the speed with --speed %s=1Gbit/s"), e);
			pl_metric_missing(m[i], PL_MISSING_LASTING, why, fix);
		} else if (gap != NULL && isnan(m[i]->value)) {
			pl_metric_missing(m[i], PL_MISSING_RUN, gap, NULL);
		}
	}
}

/* The long-output line and facts of one interface. */
static void
net_detail(struct pl_item *it, const struct net_if *f)
{
	char sp[48], n[6][32], rx[64], tx[64], e[SHOW_MAX];
	const double *v = f->r.rate;

	if (isnan(f->speed))
		pl_item_fact(it, "speed",
			     _("unknown (the kernel does not say: give it with --speed %s=RATE)"),
			     show_name(f->now->name, e, sizeof(e)));
	else
		pl_item_fact(it, "speed", "%s%s",
			     pl_unit_human(sp, sizeof(sp), f->speed, PL_U_BITS_PER_S),
			     f->hand_speed ? " (--speed)" : "");
	if (f->link.duplex != PL_DUPLEX_UNKNOWN)
		pl_item_fact(it, "duplex", "%s", f->link.duplex == PL_DUPLEX_FULL ? "full" : "half");
	if (f->r.gap != PL_ND_GAP_NONE) {
		pl_item_line(it, _("%s; no rates this run: %s"), pl_netdev_link_text(&f->link),
			     f->r.gap == PL_ND_GAP_NEW ? _("appeared since the last run") :
			     f->r.gap == PL_ND_GAP_RESET ?
			     _("counters went back since the last run (driver reset or device replaced)") :
			     _("read twice at the same moment"));
		return;
	}
	pl_fmt_num(n[0], sizeof(n[0]), v[PL_ND_RX_PACKETS], 2);
	pl_fmt_num(n[1], sizeof(n[1]), v[PL_ND_RX_ERRS], 2);
	pl_fmt_num(n[2], sizeof(n[2]), v[PL_ND_RX_DROP], 2);
	pl_fmt_num(n[3], sizeof(n[3]), v[PL_ND_TX_PACKETS], 2);
	pl_fmt_num(n[4], sizeof(n[4]), v[PL_ND_TX_ERRS], 2);
	pl_fmt_num(n[5], sizeof(n[5]), v[PL_ND_TX_DROP], 2);
	pl_item_line(it, _("%s; rx %s, %s packets/s, %s errors/s, %s drops/s; tx %s, %s packets/s, "
		     "%s errors/s, %s drops/s"), pl_netdev_link_text(&f->link),
		     rate_text(rx, sizeof(rx), v[PL_ND_RX_BYTES] * 8, f->r.util[0]), n[0], n[1],
		     n[2], rate_text(tx, sizeof(tx), v[PL_ND_TX_BYTES] * 8, f->r.util[1]), n[3],
		     n[4], n[5]);
}

/* One item per selected interface: metrics, the verdict on its link, details. */
static void
net_evaluate(const struct net_config *cfg, const struct net_sel *s, struct pl_result *r)
{
	const struct pl_netdev_expect e = { cfg->expect_speed, cfg->expect_duplex };

	for (size_t i = 0; i < s->n; i++) {
		const struct net_if *f = &s->v[i];
		struct pl_item *it = pl_result_item(r, "interface", f->now->name);
		struct pl_netdev_verdict v;

		net_metrics(it, f);
		pl_netdev_judge(&f->link, f->named, (int)cfg->down_state, &e, &v);
		if (v.state >= 0)
			pl_item_finding(it, (enum pl_state)v.state, "%s", v.text);
		if (v.note[0])
			pl_item_line(it, "%s", v.note);
		net_detail(it, f);
	}
}

/* What is not an interface of the reading: names an include rule wants that are not
 * there, lines whose name no kernel gives (each that line's problem alone), interfaces
 * gone since the last run. Returns how many problems it added. */
static size_t
net_absentees(const struct pl_common *c, const struct pl_netdev *now, const struct net_ctx *x,
	      enum pl_basis basis, struct pl_result *r)
{
	const char **names = calloc(now->n + 1, sizeof(*names)), *missing[16];
	size_t nm, problems = 0;
	char e[SHOW_MAX];

	for (size_t i = 0; names != NULL && i < now->n; i++)
		names[i] = now->v[i].name;
	nm = pl_select_missing(&c->select, names, names ? now->n : 0, missing, 16);
	for (size_t i = 0; i < nm && i < 16; i++)
		pl_item_finding(pl_result_item(r, "interface", missing[i]), PL_CRITICAL, _("not found"));
	problems += nm;
	free(names);
	for (size_t i = 0; i < now->nbad; i++) {
		const char *name = now->bad[i].name;

		if (!pl_select_take(&c->select, &name, 1, true))
			continue;
		pl_item_finding(pl_result_item(r, "interface", name), PL_UNKNOWN,
				_("/proc/net/dev line %zu %s: not checked"), now->bad[i].lineno,
				now->bad[i].why);
		problems++;
	}
	for (size_t i = 0; basis == PL_BASIS_STATE && i < x->nvanished; i++) {
		const char *name = x->vanished[i];

		/* Gone from sysfs too: only its name can tell a virtual one. */
		if (pl_select_take(&c->select, &name, 1, !pl_netdev_virtual_name(name)))
			pl_result_line(r, _("%s vanished since the last run"),
				       show_name(name, e, sizeof(e)));
	}
	return problems;
}

static const char *
if_name_at(const void *ctx, size_t i)
{
	return ((const struct pl_netdev *)ctx)->v[i].name;
}

/* Nothing to report: the one UNKNOWN line that says what was there and why not. */
static void __attribute__((noreturn))
net_none(const struct pl_common *c, const struct pl_netdev *now, const struct net_sel *s)
{
	struct pl_buf b = PL_BUF_INIT;

	pl_buf_init(&b, 2048);
	if (pl_select_nothing(&c->select, if_name_at, now, now->n, _("interface"), _("interfaces"),
			      NULL, &b))
		pl_die(PL_UNKNOWN, "%s%s", pl_buf_str(&b),
		       pl_select_has_include(&c->select) ? "" : _("; name one with --include"));
	pl_buf_reset(&b);
	pl_select_list(&b, if_name_at, now, now->n);
	if (s->nabsent > 0) {
		struct pl_buf a = PL_BUF_INIT;

		pl_buf_init(&a, 2048);
		pl_select_list(&a, pl_name_at_strv, s->absent, s->nabsent);
		pl_die(PL_UNKNOWN, _("no interface selected: %s are virtual or excluded (not in "
				     "/sys/class/net: %s; is /sys from another network namespace?); "
				     "name one with --include"), pl_buf_str(&b), pl_buf_str(&a));
	}
	pl_die(PL_UNKNOWN, P_("no interface selected: %s is virtual or excluded; name one with "
			      "--include",
			      "no interface selected: %s are virtual or excluded; name one with "
			      "--include", now->n), pl_buf_str(&b));
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
		if (!isnan(f[i].r.util[0]) || !isnan(f[i].r.util[1]))
			by_util = true;
	for (size_t i = 0; i < n; i++) {
		double a = by_util ? f[i].r.util[0] : f[i].r.rate[PL_ND_RX_BYTES];
		double b = by_util ? f[i].r.util[1] : f[i].r.rate[PL_ND_TX_BYTES];
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

/* One direction of the summary, "rx 12.3Mbit/s (1.2%)": each figure tied to its
 * metric, so that a breach is named there, once. */
static void
net_direction(struct pl_result *r, struct pl_item *it, int d, double bits, double util)
{
	static const char *const dir[2] = { "rx", "tx" };
	char h[32], name[16];

	pl_snprintf(name, sizeof(name), "%s_bits", dir[d]);
	pl_result_summary_metric(r, pl_item_find_metric(it, name), d == 0 ? _("rx %s") : _("tx %s"),
				 pl_unit_human(h, sizeof(h), bits, PL_U_BITS_PER_S));
	if (isnan(util))
		return;
	pl_snprintf(name, sizeof(name), "%s_util", dir[d]);
	pl_result_summary_add(r, " ");
	pl_result_summary_metric(r, pl_item_find_metric(it, name), "(%s)",
				 pl_unit_human(h, sizeof(h), util, PL_U_PERCENT));
}

/* "eth0 up 1Gbit/s: rx 12.3Mbit/s (1.2%), tx 4.5Mbit/s (0.5%); 3 interfaces" */
static void
net_summary(struct pl_result *r, const struct net_if *f, size_t n)
{
	struct pl_item *it = pl_result_item(r, "interface", f->now->name);
	const char *w = link_word(&f->link);
	char sp[32], e[SHOW_MAX];

	pl_result_summary(r, "%s%s%s", show_name(f->now->name, e, sizeof(e)), w[0] ? " " : "", w);
	if (!isnan(f->speed))
		pl_result_summary_add(r, " %s", pl_unit_human(sp, sizeof(sp), f->speed,
							      PL_U_BITS_PER_S));
	pl_result_summary_add(r, ": ");
	net_direction(r, it, 0, f->r.rate[PL_ND_RX_BYTES] * 8, f->r.util[0]);
	pl_result_summary_add(r, ", ");
	net_direction(r, it, 1, f->r.rate[PL_ND_TX_BYTES] * 8, f->r.util[1]);
	if (n > 1)
		pl_result_summary_add(r, _("; %zu interfaces"), n);
}

/* The summary and the check's own lines. */
static void
net_report(const struct net_config *cfg, const struct net_sel *s, const char *basis,
	   struct pl_result *r)
{
	struct pl_buf b = PL_BUF_INIT;
	char e[SHOW_MAX];

	pl_buf_init(&b, 2048);
	pl_result_line(r, P_("%s, %zu interface checked", "%s, %zu interfaces checked", s->n), basis,
		       s->n);
	if (s->nvirt > 0) {
		pl_select_list(&b, pl_name_at_strv, s->virt, s->nvirt);
		pl_result_line(r, _("left out as virtual: %s (name them with --include)"), pl_buf_str(&b));
	}
	if (s->nabsent > 0) {
		pl_buf_reset(&b);
		pl_select_list(&b, pl_name_at_strv, s->absent, s->nabsent);
		pl_result_line(r, _("left out, not in /sys/class/net (is /sys from another network namespace?): %s (name them with --include)"),
			       pl_buf_str(&b));
	}
	for (size_t i = 0; i < cfg->nspeeds; i++) {
		bool used = false;

		for (size_t k = 0; k < s->n && cfg->speeds[i].pattern != NULL; k++)
			used |= fnmatch(cfg->speeds[i].pattern, s->v[k].now->name, 0) == 0;
		if (cfg->speeds[i].pattern != NULL && !used)
			pl_result_line(r, _("--speed %s=...: no checked interface matches it"),
				       show_name(cfg->speeds[i].pattern, e, sizeof(e)));
	}
	if (s->n > 0)
		net_summary(r, &s->v[busiest_of(s->v, s->n)], s->n);
	pl_buf_free(&b);
}

int
main(int argc, char **argv)
{
	struct net_config cfg;
	struct pl_common c;
	struct net_ctx x;
	struct net_sel sel;
	struct pl_result r;
	enum pl_basis basis;
	char basis_text[PL_SAMPLE_BASIS_MAX];
	double dt;

	memset(&cfg, 0, sizeof(cfg));
	cfg.down_state = PL_CRITICAL;
	pl_plugin_parse(&net_plugin, argc, argv, &cfg, &c);
	pl_plugin_arm(&c);
	pl_result_init(&r, net_plugin.name, net_plugin.service);
	memset(&x, 0, sizeof(x));
	memset(&sel, 0, sizeof(sel));
	x.c = &c;

	basis = pl_sample(&c, &net_ops, &x, &dt, basis_text, sizeof(basis_text), &r);
	if (basis == PL_BASIS_ERROR)
		pl_die(PL_UNKNOWN, "%s", basis_text);
	pl_netdev_index(&x.s[1]);    /* filled from the state: lookups by name in O(1) */
	net_select(&cfg, &c, &x.s[0], &x.s[1], dt, &sel);
	if (net_absentees(&c, &x.s[0], &x, basis, &r) == 0 && sel.n == 0)
		net_none(&c, &x.s[0], &sel);
	net_evaluate(&cfg, &sel, &r);
	net_report(&cfg, &sel, basis_text, &r);

	net_sel_free(&sel);
	free_vanished(&x);
	pl_buf_free(&x.buf);
	pl_netdev_free(&x.s[0]);
	pl_netdev_free(&x.s[1]);
	pl_exit(&r, &c);
}
