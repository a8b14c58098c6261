/* check_firewall: the packet filter the kernel holds, whichever tool loaded it.
 *
 * "Service active" is not "rules enforced": a unit can be active with an empty ruleset,
 * and ufw's own status is a word in the admin's language. So the kernel's ruleset is
 * read and judged: nftables through `nft -j list ruleset`, iptables-nft's tables from
 * `iptables-nft-save` (nft shows some of their matches only as "xt"), and
 * iptables-legacy's tables, which nft never shows, from `iptables-legacy-save`. ufw and
 * firewalld only add facts. Every tool runs by absolute path with LC_ALL=C under the
 * deadline (pl_run). */
#include "config.h"

#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pl_i18n.h"
#include "pl_buf.h"
#include "pl_clock.h"
#include "pl_file.h"
#include "pl_firewall.h"
#include "pl_nft.h"
#include "pl_num.h"
#include "pl_plugin.h"
#include "pl_result.h"
#include "pl_run.h"
#include "pl_sha256.h"
#include "pl_store.h"
#include "pl_timeout.h"

#define NFT "/usr/sbin/nft"
#define OUT_CAP ((size_t)16 << 20)
#define BASELINE_TEXT_MAX ((size_t)1 << 20)   /* normalized text kept with a baseline */
#define MAX_WANTS 256
#define MAX_PORTS 4096     /* ports of --closed in all: each is a walk over the rules */

struct fw_config {
	struct pl_strlist closed;      /* --closed PORT[/PROTO][,...] */
	bool save_baseline;
	bool no_ipv6;
	enum pl_state drift_state, open_state, port_state, legacy_state, empty_state;
	enum pl_state frontend_state;
};

/* One --closed value: ports separated by commas, each as pl_fw_parse_want takes it. */
static int
check_closed(const char *value, char *err, size_t errlen)
{
	char part[64];
	struct pl_fw_want w;

	for (const char *s = value;;) {
		size_t n = strcspn(s, ",");

		if (n == 0 || n >= sizeof(part)) {
			pl_snprintf(err, errlen, _("a list of ports: PORT[/tcp|/udp][,PORT...] "
				    "(23,3306/tcp,53/udp,6000-6010)"));
			return -1;
		}
		memcpy(part, s, n);
		part[n] = '\0';
		if (pl_fw_parse_want(part, &w, err, errlen) != 0)
			return -1;
		if (s[n] == '\0')
			return 0;
		s += n + 1;
	}
}

static const struct pl_option fw_opts[] = {
	{ .name = "closed", .type = PL_OPT_LIST, .arg = "PORTS", .check = check_closed,
	  PL_OPT_AT(struct fw_config, closed), .flags = PL_OPT_SYNOPSIS,
	  .help = N_("Ports that must not be reachable from outside: a comma-separated list of "
		  "PORT, PORT/tcp, PORT/udp or LOW-HIGH (tcp when no protocol is given), e.g. "
		  "'23,3306/tcp,11211/udp'. A port is open when every input chain may accept a "
		  "new connection to it from some address: a rule accepting it (even from a "
		  "few sources only), or a policy accept with nothing that surely drops it "
		  "before. Rules for established/related traffic and for the loopback "
		  "interface do not count. Checked for IPv4 and IPv6.") },
	{ .name = "save-baseline", .type = PL_OPT_SWITCH,
	  PL_OPT_AT(struct fw_config, save_baseline), .flags = PL_OPT_SYNOPSIS,
	  .help = N_("Save the current ruleset as the baseline later runs compare with (its "
		  "SHA-256 and its normalized text, kept across reboots in the state "
		  "directory), and report the rest as usual. Run it again after an intended "
		  "change.") },
	{ .name = "drift-state", .type = PL_OPT_STATE, PL_OPT_AT(struct fw_config, drift_state),
	  .help = N_("State when the ruleset differs from the baseline (default critical).") },
	{ .name = "open-state", .type = PL_OPT_STATE, PL_OPT_AT(struct fw_config, open_state),
	  .help = N_("State when the input path of IPv4 or IPv6 does not end in drop or reject "
		  "(default critical).") },
	{ .name = "port-state", .type = PL_OPT_STATE, PL_OPT_AT(struct fw_config, port_state),
	  .help = N_("State when a port of --closed is reachable (default critical).") },
	{ .name = "legacy-state", .type = PL_OPT_STATE,
	  PL_OPT_AT(struct fw_config, legacy_state),
	  .help = N_("State when iptables-legacy holds rules beside an nftables ruleset: rules "
		  "that `nft list ruleset` does not show but the kernel applies (default "
		  "warning).") },
	{ .name = "empty-state", .type = PL_OPT_STATE, PL_OPT_AT(struct fw_config, empty_state),
	  .help = N_("State when the kernel holds no firewall rules at all (default critical).") },
	{ .name = "frontend-state", .type = PL_OPT_STATE,
	  PL_OPT_AT(struct fw_config, frontend_state),
	  .help = N_("State when ufw is enabled in /etc/ufw/ufw.conf, or firewalld says it is "
		  "running, but the kernel holds none of its chains: its rules are not "
		  "enforced, whatever its unit says (default warning).") },
	{ .name = "no-ipv6", .type = PL_OPT_SWITCH, PL_OPT_AT(struct fw_config, no_ipv6),
	  .help = N_("Judge IPv4 only (for hosts without IPv6; a kernel without IPv6 is noticed "
		  "by itself).") },
	{ .name = NULL },
};

static const char *const fw_primary[] = { "rules", NULL };

static const struct pl_plugin fw_plugin = {
	.name = "check_firewall",
	.service = "FIREWALL",
	.purpose = N_("the packet filter the kernel holds: nftables, iptables-nft, iptables-legacy"),
	.description =
		N_("Reads the ruleset the kernel holds, not a service's state: `nft -j list "
		"ruleset`, iptables-nft's tables from iptables-nft-save (nft cannot show all "
		"of their matches), and iptables-legacy's tables from iptables-legacy-save "
		"(nft does not show them at all). ufw's and firewalld's own state are shown "
		"as facts, never judged.\n"
		"CRITICAL: no rules at all (--empty-state); the input path of IPv4 or IPv6 "
		"does not end in drop or reject (--open-state): no input base chain of type "
		"filter in an ip, ip6 or inet table (or iptables' filter INPUT) has policy "
		"drop or a final rule that drops or rejects everything (bridge, arp and netdev "
		"chains do not filter IP input); a port of --closed is reachable "
		"(--port-state); the ruleset differs from the baseline saved with "
		"--save-baseline (--drift-state), with what changed: chains and rules added "
		"and removed, the first rules of each.\n"
		"WARNING: iptables-legacy holds rules beside an nftables ruleset "
		"(--legacy-state): the kernel applies both, and `nft list ruleset` shows one.\n"
		"UNKNOWN: the plugin lacks CAP_NET_ADMIN, which reading the ruleset needs: it "
		"says the sudoers line that fixes it (contrib/sudoers.d/plumbline); a tool "
		"failed or its output could not be read.\n"
		"The drift hash is a SHA-256 of the normalized ruleset: no handles, no "
		"counters, tables, chains and sets in name order, set elements sorted; rules "
		"keep their order. The elements of sets the kernel fills itself (flags "
		"dynamic or timeout) are left out."),
	.options = fw_opts,
	.primary = fw_primary,
	.metrics =
		N_("tables, chains, rules (what the kernel holds, over all sources), "
		"legacy_rules (rules in iptables-legacy's tables), and against a baseline "
		"rules_added, rules_removed (no value without a baseline). The ruleset's "
		"SHA-256 is the fact 'sha256'."),
	.examples =
		N_("  check_firewall --closed 23,3306,11211/udp\n"
		"      Input closed for IPv4 and IPv6; telnet, MySQL and memcached unreachable.\n"
		"      (As the nagios user: sudo -n /usr/lib/nagios/plugins/check_firewall ...)\n"
		"  check_firewall --save-baseline\n"
		"      Take the ruleset of now as the baseline (after a planned change too).\n"
		"  check_firewall --drift-state warning --no-ipv6\n"
		"      A change of the ruleset only warns; IPv4 only.\n"
		"  check_firewall -c 5:\n"
		"      Also CRITICAL with fewer than 5 rules.\n"),
	.uses_state = true,
	.no_interval = true,
};

struct fw_ctx {
	const struct fw_config *cfg;
	const struct pl_common *c;
	struct pl_fw_ruleset rs;
	bool have_nft, have_legacy;
	char sources[128];           /* "nft, iptables-legacy" */
	struct pl_fw_want w[MAX_WANTS];   /* --closed, as ports */
	size_t nw;
};

/* CAP_NET_ADMIN in the effective set (bit 12 of CapEff): what netlink asks of nft. */
static bool
have_net_admin(void)
{
	struct pl_buf b = PL_BUF_INIT;
	char err[128];
	const char *p;
	uint64_t caps = 0;

	if (pl_read_file(NULL, "/proc/self/status", &b, err, sizeof(err)) != 0)
		return geteuid() == 0;
	p = strstr(pl_buf_str(&b), "\nCapEff:");
	if (p != NULL) {
		p += 8;
		while (*p == ' ' || *p == '\t')
			p++;
		for (; (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'); p++)
			caps = caps << 4 | (uint64_t)(*p <= '9' ? *p - '0' : *p - 'a' + 10);
	}
	pl_buf_free(&b);
	return (caps >> 12) & 1u;
}

/* The answer without privileges: what to add to sudoers, exactly. */
static void __attribute__((noreturn))
no_privileges(struct pl_result *r, struct pl_common *c)
{
	struct passwd *pw = getpwuid(geteuid());
	const char *user = pw != NULL && pw->pw_name != NULL ? pw->pw_name : "nagios";

	pl_result_finding(r, PL_UNKNOWN, _("reading the ruleset needs CAP_NET_ADMIN; allow "
			  "'%s ALL=(root) NOPASSWD: %s/check_firewall' in sudoers"), user,
			  PL_PLUGINDIR);
	pl_result_line(r, _("put that line in /etc/sudoers.d/plumbline (contrib/sudoers.d/"
		       "plumbline has it; check with visudo -c -f FILE) and run the check as "
		       "'sudo %s/check_firewall ...' (NRPE: contrib/nrpe)"), PL_PLUGINDIR);
	pl_exit(r, c);
}

/* Runs a tool; 0 with its stdout in out, or -1 with why in err (stderr's first line). */
static int
run_tool(const char *const *argv, double cap_s, struct pl_run_result *res, char *err,
	 size_t errlen)
{
	struct pl_run_spec sp;
	struct pl_deadline d = pl_deadline_in(cap_s);
	char why[512];

	memset(&sp, 0, sizeof(sp));
	sp.argv = argv;
	sp.out_cap = OUT_CAP;
	sp.err_cap = 4096;
	sp.deadline = cap_s > 0 ? &d : NULL;
	if (pl_run(&sp, res, err, errlen) != 0)
		return -1;
	if (res->timed_out || !res->exited || res->status != 0 || res->out_capped) {
		if (res->out_capped)
			pl_snprintf(err, errlen, _("%s wrote more than %zu MiB"), res->what,
				    OUT_CAP >> 20);
		else
			pl_strlcpy(err, pl_run_describe(res, why, sizeof(why)), errlen);
		return -1;
	}
	return 0;
}

static void
add_source(struct fw_ctx *x, const char *name)
{
	size_t n = strlen(x->sources);

	pl_snprintf(x->sources + n, sizeof(x->sources) - n, "%s%s", n ? ", " : "", name);
}

static bool
nft_has_family(const struct pl_fw_ruleset *rs, const char *family)
{
	for (size_t i = 0; i < rs->ntables; i++)
		if (rs->tables[i].source == PL_FW_SRC_NFT &&
		    strcmp(rs->tables[i].family_name, family) == 0)
			return true;
	return false;
}

/* One iptables-save run into the model; a tool that is not installed is skipped. */
static void
read_ipt(struct fw_ctx *x, struct pl_result *r, const char *path, bool v6,
	 enum pl_fw_source src)
{
	const char *argv[] = { path, NULL };
	struct pl_run_result res;
	char err[768];

	if (access(path, X_OK) != 0)
		return;
	pl_timeout_waiting(path);
	if (run_tool(argv, 0, &res, err, sizeof(err)) != 0) {
		/* iptables-nft-save refuses a table nft made with other expressions ("table
		 * `filter' is incompatible"): nft's own view is used then. */
		if (src == PL_FW_SRC_IPT_NFT && x->have_nft)
			pl_debug(x->c, 1, "%s: %s (nft's view kept)", path, err);
		else
			pl_result_finding(r, PL_UNKNOWN, "%s", err);
		pl_run_result_free(&res);
		return;
	}
	if (pl_fw_parse_iptables(res.out.data, res.out.len, v6, src, &x->rs, err,
				 sizeof(err)) != 0)
		pl_result_finding(r, PL_UNKNOWN, _("cannot read the output of %s: %s"), path, err);
	pl_run_result_free(&res);
}

/* Legacy tables exist when the kernel lists their names; iptables-legacy is run only
 * then, since even a read of a table that is not there creates it. */
static bool
legacy_tables(const char *names)
{
	char buf[256];

	return pl_read_small(NULL, names, buf, sizeof(buf)) > 0;
}

static void
fw_collect(struct fw_ctx *x, struct pl_result *r, struct pl_common *c)
{
	const char *nft_argv[] = { NFT, "-j", "list", "ruleset", NULL };
	struct pl_run_result res;
	char err[768];

	if (!have_net_admin())
		no_privileges(r, c);
	if (access(NFT, X_OK) == 0) {
		x->have_nft = true;
		pl_timeout_waiting(NFT " -j list ruleset");
		if (run_tool(nft_argv, 0, &res, err, sizeof(err)) != 0) {
			if (strstr(pl_buf_str(&res.err), "Operation not permitted") != NULL)
				no_privileges(r, c);
			pl_die(PL_UNKNOWN, "%s", err);
		}
		if (pl_nft_parse(res.out.data, res.out.len, &x->rs, err, sizeof(err)) != 0)
			pl_die(PL_UNKNOWN, _("cannot read the output of %s: %s"), NFT " -j list ruleset",
			       err);
		pl_run_result_free(&res);
		add_source(x, "nftables");
		for (size_t i = 0; i < x->rs.ntables; i++)
			if (x->rs.tables[i].dormant)
				pl_result_line(r, _("table %s %s is dormant (flags dormant): its rules filter nothing"),
					       x->rs.tables[i].family_name, x->rs.tables[i].name);
	}
	/* iptables-nft's tables: from its own tool, which knows all their matches. Without
	 * nft it is the only way to see them. */
	if (!x->have_nft || nft_has_family(&x->rs, "ip"))
		read_ipt(x, r, "/usr/sbin/iptables-nft-save", false, PL_FW_SRC_IPT_NFT);
	if (!x->have_nft || nft_has_family(&x->rs, "ip6"))
		read_ipt(x, r, "/usr/sbin/ip6tables-nft-save", true, PL_FW_SRC_IPT_NFT);
	if (pl_fw_supersede(&x->rs) > 0 || !x->have_nft) {
		struct pl_fw_counts n;

		pl_fw_count(&x->rs, PL_FW_SRC_IPT_NFT, &n);
		if (n.tables > 0)
			add_source(x, "iptables-nft");
	}
	if (legacy_tables("/proc/net/ip_tables_names")) {
		read_ipt(x, r, "/usr/sbin/iptables-legacy-save", false, PL_FW_SRC_IPT_LEGACY);
		x->have_legacy = true;
	}
	if (legacy_tables("/proc/net/ip6_tables_names")) {
		read_ipt(x, r, "/usr/sbin/ip6tables-legacy-save", true, PL_FW_SRC_IPT_LEGACY);
		x->have_legacy = true;
	}
	if (x->have_legacy)
		add_source(x, "iptables-legacy");
	if (!x->have_nft && access("/usr/sbin/iptables-nft-save", X_OK) != 0 &&
	    !x->have_legacy)
		pl_die(PL_UNKNOWN, _("neither %s nor iptables-nft-save is installed "
		       "(apt-get install nftables)"), NFT);
}

/* ufw says what /etc/ufw/ufw.conf says (its unit is active even with ENABLED=no, and
 * its status is a word in the admin's language): a fact, checked against the chains
 * ufw loads (ufw-*, ufw6-*) in the kernel's ruleset. */
static void
fw_ufw(struct fw_ctx *x, struct pl_result *r)
{
	static const char conf[] = "/etc/ufw/ufw.conf";
	struct pl_buf b = PL_BUF_INIT;
	char err[512];
	size_t chains;
	int en;

	if (access("/usr/sbin/ufw", X_OK) != 0)
		return;
	if (pl_read_file(NULL, conf, &b, err, sizeof(err)) != 0) {
		pl_debug(x->c, 1, "ufw: %s", err);
		pl_buf_free(&b);
		return;
	}
	en = pl_fw_ufw_enabled(b.data ? b.data : "", b.len);
	pl_buf_free(&b);
	chains = pl_fw_chains_prefixed(&x->rs, "ufw-") + pl_fw_chains_prefixed(&x->rs, "ufw6-");
	if (en == 1)
		pl_result_fact(r, "ufw", _("enabled in %s, %zu of its chains loaded"), conf, chains);
	else if (en == 0)
		pl_result_fact(r, "ufw", _("disabled in %s, %zu of its chains loaded"), conf, chains);
	else
		pl_result_fact(r, "ufw", _("no ENABLED= line in %s, %zu of its chains loaded"), conf,
			       chains);
	if (en == 1 && chains == 0)
		pl_result_finding(r, x->cfg->frontend_state, _("ufw is enabled in %s but the "
				  "kernel holds none of its chains: its rules are not enforced "
				  "(ufw reload; see journalctl -u ufw)"), conf);
	else if (en != 1 && chains > 0)
		pl_result_line(r, _("ufw's chains are loaded though %s does not say ENABLED=yes: "
			       "they are gone after the next boot"), conf);
}

/* firewalld: `firewall-cmd --state` (on the system bus), checked against its table
 * (nftables backend) or its chains (iptables backend: INPUT_direct, IN_ZONE). */
static void
fw_firewalld(struct fw_ctx *x, struct pl_result *r)
{
	const char *argv[] = { "/usr/bin/firewall-cmd", "--state", NULL };
	struct pl_run_result res;
	char err[512], line[128];
	size_t own;
	int st;

	if (access(argv[0], X_OK) != 0)
		return;
	pl_timeout_waiting("/usr/bin/firewall-cmd --state");
	if (run_tool(argv, 3, &res, err, sizeof(err)) != 0 && !res.exited) {
		pl_debug(x->c, 1, "firewalld: %s", err);
		pl_run_result_free(&res);
		return;
	}
	st = pl_fw_firewalld_state(res.out.data ? res.out.data : "", res.out.len,
				   res.err.data ? res.err.data : "", res.err.len, res.status);
	own = pl_fw_tables_named(&x->rs, "firewalld") +
	      pl_fw_chains_prefixed(&x->rs, "INPUT_direct") + pl_fw_chains_prefixed(&x->rs, "IN_");
	if (st == 1)
		pl_result_fact(r, "firewalld", _("running, %zu of its tables and chains loaded"),
			       own);
	else if (st == 0)
		pl_result_fact(r, "firewalld", _("not running"));
	else
		pl_result_fact(r, "firewalld", _("firewall-cmd --state exited %d: %s"), res.status,
			       pl_run_first_line(res.out.len ? res.out.data : res.err.data,
						 res.out.len ? res.out.len : res.err.len, line,
						 sizeof(line)));
	if (st == 1 && own == 0)
		pl_result_finding(r, x->cfg->frontend_state, _("firewalld says it is running but the "
				  "kernel holds none of its rules (firewall-cmd --reload; see "
				  "journalctl -u firewalld)"));
	pl_run_result_free(&res);
}

/* ufw and firewalld say what they think; the kernel's ruleset is what counts. */
static void
fw_frontends(struct fw_ctx *x, struct pl_result *r)
{
	fw_ufw(x, r);
	fw_firewalld(x, r);
}

/* The input path of one family. */
static void
fw_family(struct fw_ctx *x, struct pl_result *r, unsigned fam)
{
	const char *name = fam == PL_FW_V4 ? "IPv4" : "IPv6";
	struct pl_fw_input in;

	pl_fw_input_path(&x->rs, fam, &in);
	if (in.closed) {
		pl_result_line(r, _("%s input closed: %s"), name, in.why);
	} else {
		pl_result_finding(r, x->cfg->open_state, _("%s input not closed"), name);
		pl_result_line(r, _("%s input: %s"), name, in.why);
	}
}

/* Each port of --closed, over the families judged: one finding per port ("tcp/23 open
 * (IPv4, IPv6)"), and a line per family with the rule or policy that lets it in. */
static void
fw_ports(struct fw_ctx *x, struct pl_result *r, const struct pl_fw_want *w, size_t nw,
	 bool v6)
{
	static const unsigned fams[2] = { PL_FW_V4, PL_FW_V6 };
	char why[256], where[32];

	for (size_t i = 0; i < nw; i++) {
		const char *proto = w[i].proto == 6 ? "tcp" : "udp";
		unsigned open_in = 0, first = 0;

		for (int f = 0; f < (v6 ? 2 : 1); f++) {
			for (uint32_t p = w[i].lo; p <= w[i].hi; p++) {
				if (!pl_fw_port_open(&x->rs, fams[f], w[i].proto, (uint16_t)p, why,
						     sizeof(why)))
					continue;
				if (open_in == 0)
					first = p;
				open_in |= fams[f];
				pl_result_line(r, _("%s/%u over %s: %s"), proto, (unsigned)p,
					       f ? "IPv6" : "IPv4", why);
				break;
			}
		}
		if (open_in == 0)
			continue;
		pl_snprintf(where, sizeof(where), "%s%s%s", open_in & PL_FW_V4 ? "IPv4" : "",
			    open_in == (PL_FW_V4 | PL_FW_V6) ? ", " : "",
			    open_in & PL_FW_V6 ? "IPv6" : "");
		if (w[i].lo == w[i].hi)
			pl_result_finding(r, x->cfg->port_state, _("%s/%u open (%s)"), proto,
					  (unsigned)w[i].lo, where);
		else
			pl_result_finding(r, x->cfg->port_state, _("%s/%u-%u open (%s, first %u)"),
					  proto, (unsigned)w[i].lo, (unsigned)w[i].hi, where,
					  first);
	}
}

/* The --closed lists as ports (each value checked by check_closed already); more
 * than MAX_WANTS entries or MAX_PORTS ports in all is a usage error. */
static size_t
fw_wants(const struct fw_config *cfg, struct pl_fw_want *w, size_t max)
{
	char part[64], err[128];
	size_t n = 0, ports = 0;

	for (size_t i = 0; i < cfg->closed.n; i++) {
		for (const char *s = cfg->closed.v[i]; *s;) {
			size_t k = strcspn(s, ",");

			if (n == max)
				pl_usage_die(_("--closed: at most %d ports or ranges in all"), MAX_WANTS);
			if (k < sizeof(part)) {
				memcpy(part, s, k);
				part[k] = '\0';
				if (pl_fw_parse_want(part, &w[n], err, sizeof(err)) == 0) {
					ports += (size_t)(w[n].hi - w[n].lo) + 1;
					n++;
				}
			}
			s += k + (s[k] == ',');
		}
	}
	if (ports > MAX_PORTS)
		pl_usage_die(_("--closed: at most %d ports in all (each is checked against every "
			     "rule); name the ports that matter"), MAX_PORTS);
	return n;
}

/* Legacy rules the nft view does not show. */
static void
fw_legacy(struct fw_ctx *x, struct pl_result *r, const struct pl_fw_counts *legacy,
	  const struct pl_fw_counts *rest)
{
	const struct pl_fw_ruleset *rs = &x->rs;

	if (legacy->rules == 0 && legacy->base_drop == 0)
		return;
	if (rest->rules == 0 && rest->base_drop == 0) {
		pl_result_line(r, _("the ruleset is in iptables-legacy's tables (nft shows none)"));
		return;
	}
	pl_result_finding(r, x->cfg->legacy_state,
			  P_("%zu iptables-legacy rule hidden from nft",
			     "%zu iptables-legacy rules hidden from nft",
			     legacy->rules + legacy->base_drop),
			  legacy->rules + legacy->base_drop);
	pl_result_line(r, _("iptables-legacy holds %zu rules and %zu drop policies that nft "
		       "list ruleset does not show; the kernel applies them too "
		       "(iptables-legacy-save lists them)"), legacy->rules, legacy->base_drop);
	for (size_t i = 0, shown = 0; i < rs->nrules && shown < 3; i++) {
		const struct pl_fw_chain *ch = &rs->chains[rs->rules[i].chain];
		const struct pl_fw_table *t = &rs->tables[ch->table];

		if (t->source != PL_FW_SRC_IPT_LEGACY)
			continue;
		pl_result_line(r, _("legacy %s %s %s: %s"), t->family_name, t->name, ch->name,
			       rs->rules[i].text);
		shown++;
	}
}

static void
when(double wall, char *buf, size_t len)
{
	struct pl_time t = { (int64_t)wall, 0 };

	if (wall <= 0 || pl_rfc3339_format(&t, 0, buf, len) < 0)
		pl_strlcpy(buf, _("an unknown time"), len);
}

/* ": +2 rules, -1 rule, +1 chain", what changed in a few words ("" when only the
 * order or something else did). Each part is one plural-aware format, whole for a
 * translator. */
static const char *
drift_brief(const struct pl_fw_diff *d, char *buf, size_t len)
{
	const size_t n[5] = { d->rules_added, d->rules_removed, d->chains_added,
			      d->chains_removed, d->chains_changed };
	size_t at = 0;

	buf[0] = '\0';
	for (int i = 0; i < 5 && at < len; i++) {
		if (n[i] == 0)
			continue;
		at += (size_t)pl_snprintf(buf + at, len - at, "%s", at ? ", " : ": ");
		if (at < len)
			at += (size_t)pl_snprintf(buf + at, len - at,
				i == 0 ? P_("+%zu rule", "+%zu rules", n[i]) :
				i == 1 ? P_("-%zu rule", "-%zu rules", n[i]) :
				i == 2 ? P_("+%zu chain", "+%zu chains", n[i]) :
				i == 3 ? P_("-%zu chain", "-%zu chains", n[i]) :
				P_("%zu chain changed", "%zu chains changed", n[i]), n[i]);
	}
	if (buf[0] == '\0' && d->reordered)
		pl_snprintf(buf, len, _(": rules reordered"));
	return buf;
}

/* --save-baseline: the ruleset's hash, the time and (when not too long) its text. */
static void
fw_save_baseline(struct fw_ctx *x, struct pl_store *st, struct pl_result *r,
		 const struct pl_buf *text, const char *hex, size_t nrules)
{
	char ts[PL_RFC3339_SIZE], num[32];
	struct pl_time now;

	if (pl_clock_now(&now, ts, sizeof(ts)) != 0)
		now.sec = 0;
	pl_snprintf(num, sizeof(num), "%lld", (long long)now.sec);
	pl_store_keep(st, "baseline", "sha256", hex);
	pl_store_keep(st, "baseline", "saved", num);
	pl_store_keep(st, "baseline", "text", text->len <= BASELINE_TEXT_MAX ?
		      pl_buf_str(text) : "");
	pl_result_line(r, _("baseline saved: %zu rules, sha256 %.16s..."), nrules, hex);
	pl_plugin_store_save(x->c, st, r);
}

/* The ruleset against a saved baseline (old: its hash): unchanged, changed as the diff
 * of the texts says, or changed without a text to compare (only the hash kept). */
static void
fw_compare(struct fw_ctx *x, const struct pl_store *st, struct pl_result *r,
	   const struct pl_buf *text, const char *hex, const char *old,
	   struct pl_metric *added, struct pl_metric *removed)
{
	const char *saved = pl_store_kept(st, "baseline", "saved");
	const char *oldtext = pl_store_kept(st, "baseline", "text");
	char ts[PL_RFC3339_SIZE], brief[128];
	struct pl_fw_diff d;
	int64_t t = 0;

	if (saved == NULL || pl_parse_i64(saved, 0, INT64_MAX, &t) != 0)
		t = 0;
	when((double)t, ts, sizeof(ts));
	if (strcmp(old, hex) == 0) {
		pl_result_line(r, _("unchanged since the baseline of %s"), ts);
	} else if (oldtext == NULL || oldtext[0] == '\0' ||
		   pl_fw_diff(oldtext, strlen(oldtext), text->data, text->len, &d) != 0) {
		pl_result_finding(r, x->cfg->drift_state, _("ruleset changed since the baseline"));
		pl_result_line(r, _("baseline of %s: sha256 %.16s..., now %.16s..."), ts, old, hex);
		pl_metric_missing(added, PL_MISSING_RUN, _("the baseline kept no text"), NULL);
		pl_metric_missing(removed, PL_MISSING_RUN, _("the baseline kept no text"), NULL);
	} else {
		added->value = (double)d.rules_added;
		removed->value = (double)d.rules_removed;
		pl_result_finding(r, x->cfg->drift_state, _("ruleset changed since the baseline%s"),
				  drift_brief(&d, brief, sizeof(brief)));
		pl_result_line(r, _("baseline of %s: %zu rules added, %zu removed; %zu chains added, "
			       "%zu removed, %zu changed%s"), ts, d.rules_added, d.rules_removed,
			       d.chains_added, d.chains_removed, d.chains_changed,
			       d.reordered ? _("; rules reordered") : "");
		for (size_t i = 0; i < d.nadded; i++)
			pl_result_line(r, "+ %s", d.added[i]);
		for (size_t i = 0; i < d.nremoved; i++)
			pl_result_line(r, "- %s", d.removed[i]);
	}
}

/* The drift against the baseline, and --save-baseline. */
static void
fw_drift(struct fw_ctx *x, struct pl_result *r, const struct pl_buf *text, const char *hex,
	 size_t nrules)
{
	struct pl_store st;
	enum pl_store_status ss = pl_plugin_store_load(x->c, &st);
	struct pl_metric *added = pl_metric_add(r, "rules_added", 0, PL_U_NONE);
	struct pl_metric *removed = pl_metric_add(r, "rules_removed", 0, PL_U_NONE);
	const char *old;

	added->has_min = removed->has_min = true;
	if (x->cfg->save_baseline) {
		fw_save_baseline(x, &st, r, text, hex, nrules);
		pl_store_free(&st);
		return;
	}
	old = pl_store_kept(&st, "baseline", "sha256");
	if (old == NULL && ss == PL_STORE_CORRUPT) {
		/* A baseline that was there and cannot be read is not "none yet": the drift
		 * check is blind until it is saved again. */
		pl_result_finding(r, PL_WARNING, _("the saved baseline cannot be read (a corrupt "
				  "or foreign state file): save it again with --save-baseline"));
		pl_metric_missing(added, PL_MISSING_LASTING, _("the baseline cannot be read"),
				  _("save it again with --save-baseline"));
		pl_metric_missing(removed, PL_MISSING_LASTING, _("the baseline cannot be read"),
				  _("save it again with --save-baseline"));
	} else if (old == NULL) {
		const char *why = _("no baseline saved yet");

		pl_metric_missing(added, PL_MISSING_LASTING, why, _("save one with --save-baseline"));
		pl_metric_missing(removed, PL_MISSING_LASTING, why, _("save one with --save-baseline"));
		pl_result_line(r, _("no baseline yet: save one with --save-baseline to watch for changes"));
	} else {
		fw_compare(x, &st, r, text, hex, old, added, removed);
	}
	pl_plugin_store_close(&st);
	pl_store_free(&st);
}

static void
fw_evaluate(struct fw_ctx *x, struct pl_result *r)
{
	struct pl_fw_counts all, legacy, rest;
	struct pl_buf text = PL_BUF_INIT;
	char hex[PL_SHA256_HEX], err[256];
	bool v6 = !x->cfg->no_ipv6 && pl_path_exists(NULL, "/proc/net/if_inet6");

	pl_fw_count(&x->rs, -1, &all);
	pl_fw_count(&x->rs, PL_FW_SRC_IPT_LEGACY, &legacy);
	rest = all;
	rest.tables -= legacy.tables;
	rest.rules -= legacy.rules;
	rest.base_drop -= legacy.base_drop;
	pl_metric_add(r, "tables", (double)all.tables, PL_U_NONE)->has_min = true;
	pl_metric_add(r, "chains", (double)all.chains, PL_U_NONE)->has_min = true;
	pl_metric_add(r, "rules", (double)all.rules, PL_U_NONE)->has_min = true;
	pl_metric_add(r, "legacy_rules", (double)legacy.rules, PL_U_NONE)->has_min = true;
	pl_result_fact(r, "sources", "%s", x->sources[0] ? x->sources : "none");

	pl_buf_init(&text, PL_BUF_DEFAULT_CAP);
	pl_fw_normalize(&x->rs, &text);
	if (text.oom || text.truncated || pl_sha256_hex(text.data ? text.data : "", text.len,
							  hex, err, sizeof(err)) != 0)
		pl_die(PL_UNKNOWN, _("cannot hash the ruleset: %s"), text.oom ? _("out of memory") :
		       text.truncated ? _("its normalized text passed 16 MiB") : err);
	pl_result_fact(r, "sha256", "%s", hex);

	if (all.rules == 0 && all.base_drop == 0) {
		pl_result_finding(r, x->cfg->empty_state, "%s", all.tables ? _("no firewall rules: the "
				  "kernel's tables are empty and accept everything") :
				  _("no firewall: the kernel holds no nftables or iptables tables"));
	} else {
		fw_family(x, r, PL_FW_V4);
		if (v6)
			fw_family(x, r, PL_FW_V6);
		else
			pl_result_line(r, _("IPv6 not judged (%s)"), x->cfg->no_ipv6 ? "--no-ipv6" :
				       _("this kernel has no IPv6"));
		fw_ports(x, r, x->w, x->nw, v6);
	}
	fw_legacy(x, r, &legacy, &rest);
	fw_drift(x, r, &text, hex, all.rules);
	pl_result_summary_metric(r, pl_result_metric(r, "rules"), _("%zu rules"), all.rules);
	pl_result_summary_add(r, _(" in %zu chains (%s)"), all.chains,
			      x->sources[0] ? x->sources : _("no source"));
	pl_buf_free(&text);
}

int
main(int argc, char **argv)
{
	struct fw_config cfg = { { NULL, 0 }, false, false, PL_CRITICAL, PL_CRITICAL,
				 PL_CRITICAL, PL_WARNING, PL_CRITICAL, PL_WARNING };
	struct pl_common c;
	struct pl_result r;
	struct fw_ctx x;

	pl_plugin_parse(&fw_plugin, argc, argv, &cfg, &c);
	pl_plugin_arm(&c);
	pl_result_init(&r, fw_plugin.name, fw_plugin.service);
	memset(&x, 0, sizeof(x));
	x.cfg = &cfg;
	x.c = &c;
	x.nw = fw_wants(&cfg, x.w, MAX_WANTS);
	pl_fw_init(&x.rs);
	fw_collect(&x, &r, &c);
	fw_frontends(&x, &r);
	fw_evaluate(&x, &r);
	pl_fw_free(&x.rs);
	pl_exit(&r, &c);
}
