/* pl_firewall: a model of the packet filter the kernel holds, the iptables-save parser
 * that fills it, and the judgements check_firewall makes on it.
 *
 * The model is what every source reduces to: tables (a family and a name), chains (base
 * chains have a hook, a type and a policy), rules in order, and sets. nftables' JSON
 * (lib/ext/pl_nft.h) and iptables-save's text (here) fill it; iptables-legacy's tables,
 * which nft never shows, are tables of the same model marked with their source.
 *
 * Each rule keeps two things: a normalized text (what a drift hash is taken over: no
 * handles, no counters, the elements of sets sorted) and what the judgements need to
 * know about it: which IP families it can match, its layer-4 protocol and destination
 * ports, whether it only takes traffic that is no new connection from outside
 * (established/related, the loopback interface), whether it has any other condition,
 * and its verdict. A condition the model does not know (an xt match, a mark, a limit)
 * is "other": such a rule may match a packet, but never surely does, so a judgement
 * made on it errs towards "accepted" rather than "closed".
 *
 * The judgements follow netfilter: a packet traverses every base chain of its hook, and
 * a drop in any of them is final. So the input path of a family is closed when some
 * input base chain covering it ends in drop or reject (its policy, or a final rule
 * without conditions), and a port is open only when every such chain may accept it.
 *
 * Everything here is a pure function over memory; nothing prints or exits. */
#ifndef PL_FIREWALL_H
#define PL_FIREWALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pl_buf.h"

#define PL_FW_MAX_RULES 200000   /* more is taken as garbage */
#define PL_FW_MAX_OBJECTS 100000 /* tables, chains or sets, each */
#define PL_FW_MAX_PORTS 1000000  /* port ranges in all rules and sets */
#define PL_FW_NAME_MAX 256       /* a table, chain or set name (nft allows 256) */
#define PL_FW_JUMP_DEPTH 16      /* jumps followed from a base chain, at most */

/* IP families as bits: what a table covers and what a rule can match. */
#define PL_FW_V4 1u
#define PL_FW_V6 2u

enum pl_fw_family {
	PL_FW_FAM_IP = 0,   /* ip (iptables) */
	PL_FW_FAM_IP6,      /* ip6 (ip6tables) */
	PL_FW_FAM_INET,     /* inet: both */
	PL_FW_FAM_ARP,
	PL_FW_FAM_BRIDGE,
	PL_FW_FAM_NETDEV,
	PL_FW_FAM_OTHER,
};

/* Where a table was read from. */
enum pl_fw_source {
	PL_FW_SRC_NFT = 0,      /* nft -j list ruleset */
	PL_FW_SRC_IPT_NFT,      /* iptables-nft-save / ip6tables-nft-save */
	PL_FW_SRC_IPT_LEGACY,   /* iptables-legacy-save / ip6tables-legacy-save: hidden from nft */
};

enum pl_fw_verdict {
	PL_FW_NONE = 0,   /* no verdict: the packet goes on to the next rule */
	PL_FW_ACCEPT,
	PL_FW_DROP,
	PL_FW_REJECT,
	PL_FW_JUMP,
	PL_FW_GOTO,
	PL_FW_RETURN,
	PL_FW_QUEUE,      /* to a user-space program, which decides: may accept */
	PL_FW_VMAP,       /* a verdict map: see the rule's vmap entries */
};

/* A range of ports, ends included. */
struct pl_fw_ports {
	uint16_t lo, hi;
};

/* An entry of a verdict map. any: its key is no destination port (an interface, an
 * address), so it may apply to any packet; else it applies to ports lo..hi. */
struct pl_fw_vmap {
	bool any;
	struct pl_fw_ports p;
	enum pl_fw_verdict verdict;   /* ACCEPT, DROP, REJECT, JUMP, GOTO, RETURN, QUEUE */
	char *target;                 /* JUMP, GOTO */
};

struct pl_fw_rule {
	size_t chain;             /* index into rs->chains */
	char *text;               /* normalized ("tcp dport { 22, 80 } accept") */
	enum pl_fw_verdict verdict;
	char *target;             /* the chain of a JUMP or GOTO, else NULL */
	unsigned families;        /* PL_FW_V4 | PL_FW_V6 it can match */
	uint8_t proto;            /* 0: any; 6 tcp, 17 udp; 255: another one (icmp...) */
	bool has_dport;           /* a destination port match; the ports below */
	bool dport_neg;           /* "!=": every port but those */
	bool dport_unknown;       /* a set the model could not read: may be any port */
	size_t port0, nports;     /* into rs->ports */
	bool local;               /* only loopback or established/related traffic */
	bool nat_to;              /* a DNAT or REDIRECT (pl_fw_nat_to): what it and the
				   * way from a nat hook to it match is sent on (a port
				   * forward), whatever the input chains say */
	bool nat_any;             /* its target port could not be read: any port */
	struct pl_fw_ports nat_port;   /* else the target's port or range; 0-0: it keeps
					* the original port (the ports it matches) */
	bool dnat_only;           /* only connections this host's own DNAT or REDIRECT
				   * rewrote ("ct status dnat"): they reach a port only
				   * where such a rule sends them (rs->dnat_*) */
	bool other;               /* another condition (saddr, a mark, an xt match...) */
	/* nft: what iptables-nft-save cannot show (a verdict map, a set, a statement nft
	 * itself prints no JSON for): nft's view of the table is kept (pl_fw_supersede) */
	bool nft_only;
	bool opaque;              /* nft: a statement it prints no JSON for (may do anything) */
	bool native_other;        /* nft: "other" from an nft expression, not an xt match */
	size_t vmap0, nvmap;      /* into rs->vmaps, for PL_FW_VMAP */
};

struct pl_fw_chain {
	size_t table;             /* index into rs->tables */
	char *name;
	bool base;                /* hooked: hook, type, prio and policy are set */
	char hook[16];            /* "input", "forward", "prerouting", "ingress"... */
	char type[16];            /* "filter", "nat", "route" */
	int64_t prio;
	enum pl_fw_verdict policy;   /* ACCEPT or DROP for a base chain */
	bool nat_hooked;          /* a nat base chain of prerouting or output reaches it
				   * (pl_fw_finish): only there does a DNAT rewrite */
	size_t first, nrules;     /* its rules, rs->rules[first .. first + nrules) */
};

struct pl_fw_table {
	enum pl_fw_family family;
	enum pl_fw_source source;
	char *name;
	char family_name[16];     /* as the source spelt it: "inet", "ip6", "bridge" */
	/* Seen better through another source (pl_fw_supersede), or dormant: left out of
	 * every count, judgement and the normalized text. */
	bool skip;
	bool dormant;             /* nft's "flags dormant": its hooks filter nothing */
};

struct pl_fw_set {
	size_t table;
	char *name;
	char *text;               /* normalized: "type inet_service elements 22,80,443" */
	bool ports_known;         /* its elements are ports: rs->ports[port0 .. +nports) */
	size_t port0, nports;
	bool is_vmap;             /* a verdict map (vmap0 .. +nvmap): keyed by ports, by
				   * ct state (no established or related entries: they
				   * accept no new connection) or another one thing (each
				   * entry "any"); one keyed by a concatenation is not */
	size_t vmap0, nvmap;
};

/* A port range a DNAT or REDIRECT of table sends to; any: a port the model could not
 * read (or a rule keeping the original port of any port), so that a dnat_only rule may
 * accept any port. Only rules of chains a nat hook reaches count (nat_hooked). */
struct pl_fw_dnat {
	size_t table;
	unsigned families;        /* of the rules it came from: an ip table's rewrite
				   * only IPv4 connections */
	bool any;
	struct pl_fw_ports p;
};

struct pl_fw_ruleset {
	struct pl_fw_table *tables;
	size_t ntables, tables_cap;
	struct pl_fw_chain *chains;
	size_t nchains, chains_cap;
	struct pl_fw_rule *rules;
	size_t nrules, rules_cap;
	struct pl_fw_set *sets;
	size_t nsets, sets_cap;
	struct pl_fw_ports *ports;
	size_t nports, ports_cap;
	struct pl_fw_vmap *vmaps;
	size_t nvmaps, vmaps_cap;
	/* The ports DNAT and REDIRECT rules send connections to, each with its table (so
	 * that a table another view supersedes takes its own along) and families. Made by
	 * pl_fw_finish from the nat_to rules of hooked chains, coalesced: per table and
	 * families one "any", or ranges sorted, neither overlapping nor adjacent, so at
	 * most 32,768 however many rules send there (a kube-proxy host has thousands). */
	struct pl_fw_dnat *dnats;
	size_t ndnat, dnat_cap;
	/* private: chains by (table, name), open addressing, index + 1 (0: empty); at
	 * most half full, so a lookup costs the same with 10 chains or 50,000 (a
	 * kube-proxy host has tens of thousands) */
	size_t *chain_slots;
	size_t chain_nslots;
	bool oom;
};

void pl_fw_init(struct pl_fw_ruleset *rs);
void pl_fw_free(struct pl_fw_ruleset *rs);

/* Building the model (for the parsers). Each returns the new object's index, or
 * (size_t)-1 when memory or a cap ran out (rs->oom then). Strings are copied. */
size_t pl_fw_add_table(struct pl_fw_ruleset *rs, enum pl_fw_source src, const char *family,
		       const char *name);
/* Marks r (before pl_fw_add_rule) a DNAT or REDIRECT sending to ports lo..hi: 0, 0 when
 * it keeps the original port (then the ports r matches, or any port when it matches
 * every one or the model could not read them), -1 when the target port could not be
 * read (any port). Where it sends counts only when a nat hook reaches its chain. */
void pl_fw_nat_to(struct pl_fw_rule *r, long lo, long hi);
/* Whether a DNAT or REDIRECT of a table in use sends to a port the model could not read. */
bool pl_fw_dnat_any(const struct pl_fw_ruleset *rs);
/* The chain named name in table t, or (size_t)-1. */
size_t pl_fw_find_chain(const struct pl_fw_ruleset *rs, size_t t, const char *name);
size_t pl_fw_find_table(const struct pl_fw_ruleset *rs, enum pl_fw_source src,
			const char *family, const char *name);
size_t pl_fw_add_chain(struct pl_fw_ruleset *rs, size_t t, const char *name);
/* A rule of chain c, filled by the caller (text and target are copied; r->chain is set
 * here). Rules of a chain may come in any interleaving with other chains' rules; their
 * order within the chain is kept (pl_fw_finish groups them). */
size_t pl_fw_add_rule(struct pl_fw_ruleset *rs, size_t c, const struct pl_fw_rule *r);
int pl_fw_add_port(struct pl_fw_ruleset *rs, uint16_t lo, uint16_t hi);
int pl_fw_add_vmap(struct pl_fw_ruleset *rs, const struct pl_fw_vmap *v);
size_t pl_fw_add_set(struct pl_fw_ruleset *rs, size_t t, const char *name, const char *text);
size_t pl_fw_find_set(const struct pl_fw_ruleset *rs, size_t t, const char *name);
/* Groups each chain's rules together (stable) and sets first and nrules; marks the
 * chains a nat base chain of hook prerouting or output reaches (through jumps, gotos and
 * verdict maps; every chain of its table when one target is unknown) and makes
 * rs->dnats from their DNAT and REDIRECT rules. Call after the last rule of each source
 * (again after another: it works over the whole ruleset). */
int pl_fw_finish(struct pl_fw_ruleset *rs);

/* iptables-nft's tables, which nft shows with "xt" expressions it cannot translate
 * (multiport, conntrack...), are judged from iptables-nft-save's text instead: each nft
 * table of the same family and name as a table of source PL_FW_SRC_IPT_NFT is marked
 * skip. Returns how many were. Except where nft's table holds a rule iptables-nft-save
 * cannot show (nft_only: a verdict map, a set, an anonymous chain), or shows without a
 * condition (`tcp sequence 5` is left out of "-A INPUT -p tcp -m tcp --dport 23 -j
 * DROP"), or a chain of other length: then the iptables-nft table is skipped and nft's
 * view judged. */
size_t pl_fw_supersede(struct pl_fw_ruleset *rs);

/* The family bits a table covers: inet both, ip V4, ip6 V6, others (arp, bridge,
 * netdev) none: they do not filter the IP input path. */
unsigned pl_fw_table_families(const struct pl_fw_table *t);

/* Parses the text of iptables-save (or ip6tables-save: v6 true) from src into rs: each
 * "*table" with its ":CHAIN POLICY [p:b]" lines and "-A CHAIN ..." rules up to COMMIT.
 * Counters ("[p:b]" and "-c p b") and comments are left out of the normalized text.
 * Returns 0, or -1 with why (and the line) in err: a line it does not know, a rule of a
 * chain not declared, a table without COMMIT (a truncated output). rs may already hold
 * tables of other sources. */
int pl_fw_parse_iptables(const char *buf, size_t len, bool v6, enum pl_fw_source src,
			 struct pl_fw_ruleset *rs, char *err, size_t errlen);

/* Counts of what a source (or all: src < 0) holds. rules counts rules; a base chain
 * whose policy is not accept counts as a rule too for "has something". */
struct pl_fw_counts {
	size_t tables, chains, rules, base_drop;
};
void pl_fw_count(const struct pl_fw_ruleset *rs, int src, struct pl_fw_counts *out);

/* The input path of one family (PL_FW_V4 or PL_FW_V6). */
struct pl_fw_input {
	size_t chains;            /* input base chains of type filter covering it */
	bool closed;              /* one of them ends in drop or reject */
	size_t by;                /* that chain (index), or the first one seen when open */
	char why[256];            /* "inet filter input: policy drop" or why not */
};
void pl_fw_input_path(const struct pl_fw_ruleset *rs, unsigned family, struct pl_fw_input *out);

/* Whether a new connection to port/proto (6 tcp, 17 udp) of one family from an
 * arbitrary outside address can be accepted: a DNAT or REDIRECT forwards it (one the
 * nat base chains of prerouting or output lead it to, through the jumps, gotos and
 * verdict maps that may take it; addresses not weighed), or every input base chain
 * covering the family may accept it (a rule may accept it, or the policy accepts and
 * nothing before surely drops it; a dnat_only rule only the ports of rs->dnats).
 * Returns true when open, with why ("inet filter input: tcp dport 3306 accept", "ip
 * filter INPUT: policy accept") in why. */
bool pl_fw_port_open(const struct pl_fw_ruleset *rs, unsigned family, uint8_t proto,
		     uint16_t port, char *why, size_t whylen);

/* The normalized ruleset as text, one line per table, set, chain and rule:
 *   table nft inet filter
 *   set nft inet filter allowed type inet_service elements 22,80,443
 *   chain nft inet filter input type filter hook input prio 0 policy drop
 *   rule nft inet filter input: tcp dport @allowed accept
 * Tables, and the chains and sets of a table, in name order (their order in the kernel
 * is creation order, which means nothing); rules in their order. Appends to out. */
void pl_fw_normalize(const struct pl_fw_ruleset *rs, struct pl_buf *out);

/* What changed between two normalized texts. */
#define PL_FW_DIFF_SHOW 3
struct pl_fw_diff {
	size_t chains_added, chains_removed, chains_changed;   /* by chain identity */
	size_t rules_added, rules_removed;
	size_t other_added, other_removed;     /* tables and sets */
	bool reordered;               /* the same lines in another order */
	char added[PL_FW_DIFF_SHOW][160];      /* the first rules added ("inet filter input:
						* tcp dport 23 accept"), cut */
	char removed[PL_FW_DIFF_SHOW][160];
	size_t nadded, nremoved;
};
/* Returns 0, or -1 when memory ran out. */
int pl_fw_diff(const char *old, size_t oldlen, const char *cur, size_t curlen,
	       struct pl_fw_diff *d);

/* One port of --closed: "23", "3306/tcp", "53/udp", "6000-6010/tcp" (tcp when no
 * protocol is given). Returns 0, or -1 with why in err. */
struct pl_fw_want {
	uint16_t lo, hi;
	uint8_t proto;
};
int pl_fw_parse_want(const char *s, struct pl_fw_want *out, char *err, size_t errlen);

/* The frontends, for what they add to the report (the kernel's ruleset is what is
 * judged). ufw's own word, from /etc/ufw/ufw.conf read as ufw reads it: the last line
 * "ENABLED=VALUE" at a line's start (the key in any case, the value maybe quoted); ufw
 * is on only for "yes" (any case). Returns 1 (yes), 0 (another value), -1 (no line). */
int pl_fw_ufw_enabled(const char *buf, size_t len);

/* `firewall-cmd --state`: "running" on stdout and exit 0, or "not running" on stderr
 * and exit 252 (NOT_RUNNING: firewalld is not on the system bus). Returns 1 running, 0
 * not running, -1 anything else (the caller shows what came). */
int pl_fw_firewalld_state(const char *out, size_t outlen, const char *err, size_t errlen,
			  int status);

/* How many chains of tables not skipped are named with this prefix ("ufw-": the chains
 * ufw loads, ufw6- too for "ufw"); tables named name (firewalld's "firewalld"). */
size_t pl_fw_chains_prefixed(const struct pl_fw_ruleset *rs, const char *prefix);
size_t pl_fw_tables_named(const struct pl_fw_ruleset *rs, const char *name);

const char *pl_fw_verdict_name(enum pl_fw_verdict v);
const char *pl_fw_source_name(enum pl_fw_source s);

#endif
