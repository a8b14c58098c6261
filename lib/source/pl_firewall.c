/* pl_firewall: the firewall model, the iptables-save parser and the judgements (see
 * pl_firewall.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pl_i18n.h"
#include "pl_buf.h"
#include "pl_firewall.h"
#include "pl_num.h"
#include "pl_text.h"

#define NOPE ((size_t)-1)

static const char *const family_names[] = { "ip", "ip6", "inet", "arp", "bridge", "netdev" };

void
pl_fw_init(struct pl_fw_ruleset *rs)
{
	memset(rs, 0, sizeof(*rs));
}

void
pl_fw_nat_to(struct pl_fw_rule *r, long lo, long hi)
{
	r->nat_to = true;
	r->nat_any = lo < 0 || hi < 0 || lo > 65535 || hi > 65535;
	r->nat_port.lo = r->nat_any ? 0 : (uint16_t)(lo < hi ? lo : hi);
	r->nat_port.hi = r->nat_any ? 0 : (uint16_t)(lo < hi ? hi : lo);
}

/* Whether a connection of family a DNAT or REDIRECT of a table in use rewrote may arrive
 * at port. */
static bool
dnat_reaches(const struct pl_fw_ruleset *rs, unsigned family, uint16_t port)
{
	for (size_t i = 0; i < rs->ndnat; i++) {
		const struct pl_fw_dnat *d = &rs->dnats[i];

		if (rs->tables[d->table].skip || !(d->families & family))
			continue;
		if (d->any || (port >= d->p.lo && port <= d->p.hi))
			return true;
	}
	return false;
}

bool
pl_fw_dnat_any(const struct pl_fw_ruleset *rs)
{
	for (size_t i = 0; i < rs->ndnat; i++)
		if (rs->dnats[i].any && !rs->tables[rs->dnats[i].table].skip)
			return true;
	return false;
}

void
pl_fw_free(struct pl_fw_ruleset *rs)
{
	for (size_t i = 0; i < rs->ntables; i++)
		free(rs->tables[i].name);
	for (size_t i = 0; i < rs->nchains; i++)
		free(rs->chains[i].name);
	for (size_t i = 0; i < rs->nrules; i++) {
		free(rs->rules[i].text);
		free(rs->rules[i].target);
	}
	for (size_t i = 0; i < rs->nsets; i++) {
		free(rs->sets[i].name);
		free(rs->sets[i].text);
	}
	for (size_t i = 0; i < rs->nvmaps; i++)
		free(rs->vmaps[i].target);
	free(rs->tables);
	free(rs->chains);
	free(rs->rules);
	free(rs->sets);
	free(rs->ports);
	free(rs->vmaps);
	free(rs->dnats);
	free(rs->chain_slots);
	memset(rs, 0, sizeof(*rs));
}

/* Makes room for one more element of size sz in *v (n used, *cap allocated), up to max.
 * Returns 0, or -1 (rs->oom set by the caller). */
static int
grow(void **v, size_t n, size_t *cap, size_t sz, size_t max)
{
	void *p;
	size_t nc;

	if (n < *cap)
		return 0;
	if (n >= max)
		return -1;
	nc = *cap ? *cap * 2 : 16;
	if (nc > max)
		nc = max;
	p = realloc(*v, nc * sz);
	if (p == NULL)
		return -1;
	*v = p;
	*cap = nc;
	return 0;
}

static char *
dup_str(struct pl_fw_ruleset *rs, const char *s)
{
	char *d = strdup(s ? s : "");

	if (d == NULL)
		rs->oom = true;
	return d;
}

size_t
pl_fw_find_table(const struct pl_fw_ruleset *rs, enum pl_fw_source src, const char *family,
		 const char *name)
{
	for (size_t i = 0; i < rs->ntables; i++)
		if (rs->tables[i].source == src && strcmp(rs->tables[i].family_name, family) == 0 &&
		    strcmp(rs->tables[i].name, name) == 0)
			return i;
	return NOPE;
}

size_t
pl_fw_add_table(struct pl_fw_ruleset *rs, enum pl_fw_source src, const char *family,
		const char *name)
{
	struct pl_fw_table *t;
	size_t i;

	if (grow((void **)&rs->tables, rs->ntables, &rs->tables_cap, sizeof(*t),
		 PL_FW_MAX_OBJECTS) != 0) {
		rs->oom = true;
		return NOPE;
	}
	t = &rs->tables[rs->ntables];
	memset(t, 0, sizeof(*t));
	t->source = src;
	t->family = PL_FW_FAM_OTHER;
	for (i = 0; i < sizeof(family_names) / sizeof(family_names[0]); i++)
		if (strcmp(family, family_names[i]) == 0)
			t->family = (enum pl_fw_family)i;
	pl_strlcpy(t->family_name, family, sizeof(t->family_name));
	t->name = dup_str(rs, name);
	if (t->name == NULL)
		return NOPE;
	return rs->ntables++;
}

static size_t
chain_hash(size_t t, const char *name)
{
	uint64_t h = pl_hash_bytes(name, strlen(name));

	return (size_t)(h ^ (t * 0x9E3779B97F4A7C15ull));
}

size_t
pl_fw_find_chain(const struct pl_fw_ruleset *rs, size_t t, const char *name)
{
	size_t mask, i;

	if (rs->chain_nslots == 0)
		return NOPE;
	mask = rs->chain_nslots - 1;
	for (i = chain_hash(t, name) & mask; rs->chain_slots[i] != 0; i = (i + 1) & mask) {
		const struct pl_fw_chain *c = &rs->chains[rs->chain_slots[i] - 1];

		if (c->table == t && strcmp(c->name, name) == 0)
			return rs->chain_slots[i] - 1;
	}
	return NOPE;
}

/* Puts chain c into the index, which it first grows to stay at most half full. */
static int
index_chain(struct pl_fw_ruleset *rs, size_t c)
{
	size_t mask, i;

	if ((rs->nchains + 1) * 2 > rs->chain_nslots) {
		size_t n = rs->chain_nslots ? rs->chain_nslots * 2 : 64;
		size_t *slots = calloc(n, sizeof(*slots));

		if (slots == NULL)
			return -1;
		free(rs->chain_slots);
		rs->chain_slots = slots;
		rs->chain_nslots = n;
		for (size_t k = 0; k < rs->nchains; k++) {
			if (k == c)
				continue;
			for (i = chain_hash(rs->chains[k].table, rs->chains[k].name) & (n - 1);
			     slots[i] != 0; i = (i + 1) & (n - 1))
				;
			slots[i] = k + 1;
		}
	}
	mask = rs->chain_nslots - 1;
	for (i = chain_hash(rs->chains[c].table, rs->chains[c].name) & mask;
	     rs->chain_slots[i] != 0; i = (i + 1) & mask)
		;
	rs->chain_slots[i] = c + 1;
	return 0;
}

size_t
pl_fw_add_chain(struct pl_fw_ruleset *rs, size_t t, const char *name)
{
	struct pl_fw_chain *c;

	if (grow((void **)&rs->chains, rs->nchains, &rs->chains_cap, sizeof(*c),
		 PL_FW_MAX_OBJECTS) != 0) {
		rs->oom = true;
		return NOPE;
	}
	c = &rs->chains[rs->nchains];
	memset(c, 0, sizeof(*c));
	c->table = t;
	c->policy = PL_FW_ACCEPT;
	c->name = dup_str(rs, name);
	if (c->name == NULL)
		return NOPE;
	if (index_chain(rs, rs->nchains) != 0) {
		free(c->name);
		rs->oom = true;
		return NOPE;
	}
	return rs->nchains++;
}

size_t
pl_fw_add_rule(struct pl_fw_ruleset *rs, size_t c, const struct pl_fw_rule *r)
{
	struct pl_fw_rule *d;

	if (grow((void **)&rs->rules, rs->nrules, &rs->rules_cap, sizeof(*d),
		 PL_FW_MAX_RULES) != 0) {
		rs->oom = true;
		return NOPE;
	}
	d = &rs->rules[rs->nrules];
	*d = *r;
	d->chain = c;
	d->text = dup_str(rs, r->text);
	d->target = r->target ? dup_str(rs, r->target) : NULL;
	if (d->text == NULL || (r->target && d->target == NULL)) {
		free(d->text);
		free(d->target);
		return NOPE;
	}
	return rs->nrules++;
}

int
pl_fw_add_port(struct pl_fw_ruleset *rs, uint16_t lo, uint16_t hi)
{
	if (grow((void **)&rs->ports, rs->nports, &rs->ports_cap, sizeof(*rs->ports),
		 PL_FW_MAX_PORTS) != 0) {
		rs->oom = true;
		return -1;
	}
	rs->ports[rs->nports].lo = lo < hi ? lo : hi;
	rs->ports[rs->nports].hi = lo < hi ? hi : lo;
	rs->nports++;
	return 0;
}

int
pl_fw_add_vmap(struct pl_fw_ruleset *rs, const struct pl_fw_vmap *v)
{
	struct pl_fw_vmap *d;

	if (grow((void **)&rs->vmaps, rs->nvmaps, &rs->vmaps_cap, sizeof(*d),
		 PL_FW_MAX_PORTS) != 0) {
		rs->oom = true;
		return -1;
	}
	d = &rs->vmaps[rs->nvmaps];
	*d = *v;
	d->target = v->target ? dup_str(rs, v->target) : NULL;
	if (v->target && d->target == NULL)
		return -1;
	rs->nvmaps++;
	return 0;
}

size_t
pl_fw_find_set(const struct pl_fw_ruleset *rs, size_t t, const char *name)
{
	for (size_t i = 0; i < rs->nsets; i++)
		if (rs->sets[i].table == t && strcmp(rs->sets[i].name, name) == 0)
			return i;
	return NOPE;
}

size_t
pl_fw_add_set(struct pl_fw_ruleset *rs, size_t t, const char *name, const char *text)
{
	struct pl_fw_set *s;

	if (grow((void **)&rs->sets, rs->nsets, &rs->sets_cap, sizeof(*s),
		 PL_FW_MAX_OBJECTS) != 0) {
		rs->oom = true;
		return NOPE;
	}
	s = &rs->sets[rs->nsets];
	memset(s, 0, sizeof(*s));
	s->table = t;
	s->name = dup_str(rs, name);
	s->text = dup_str(rs, text);
	if (s->name == NULL || s->text == NULL) {
		free(s->name);
		free(s->text);
		return NOPE;
	}
	return rs->nsets++;
}

/* (chain, position) pairs: sorting them keeps each chain's rules in their order. */
static int
rule_by_chain_pair(const void *a, const void *b)
{
	const size_t *x = a, *y = b;

	if (x[0] != y[0])
		return x[0] < y[0] ? -1 : 1;
	return x[1] < y[1] ? -1 : x[1] > y[1];
}

/* Marks chain name of table t reached (pushing it on stack, which holds each chain at
 * most once), or returns -1 when t has no such chain (a target the model cannot name). */
static int
reach(struct pl_fw_ruleset *rs, size_t t, const char *name, size_t *stack, size_t *n)
{
	size_t c = name ? pl_fw_find_chain(rs, t, name) : NOPE;

	if (c == NOPE)
		return -1;
	if (!rs->chains[c].nat_hooked) {
		rs->chains[c].nat_hooked = true;
		stack[(*n)++] = c;
	}
	return 0;
}

/* Marks the chains where a DNAT or REDIRECT rewrites incoming connections: the nat base
 * chains of hook prerouting (from outside) and output (this host's own), and every chain
 * they reach by a jump, a goto or a verdict map's entry, however deep (a worklist with
 * each chain once: loops end). A DNAT elsewhere (a user chain nothing jumps to, the
 * KUBE-SEP-* chains of services kube-proxy left behind) rewrites nothing. Where the model
 * cannot follow (a target it cannot find, a verdict map it could not read, whose
 * placeholder is a queue entry), every chain of that table counts as reached. */
static int
mark_nat_hooked(struct pl_fw_ruleset *rs)
{
	size_t *stack = malloc((rs->nchains ? rs->nchains : 1) * sizeof(*stack)), n = 0;
	bool *whole = calloc(rs->ntables ? rs->ntables : 1, sizeof(*whole));

	if (stack == NULL || whole == NULL) {
		free(stack);
		free(whole);
		return -1;
	}
	for (size_t c = 0; c < rs->nchains; c++) {
		struct pl_fw_chain *ch = &rs->chains[c];

		ch->nat_hooked = ch->base && strcmp(ch->type, "nat") == 0 &&
				 (strcmp(ch->hook, "prerouting") == 0 ||
				  strcmp(ch->hook, "output") == 0);
		if (ch->nat_hooked)
			stack[n++] = c;
	}
	while (n > 0) {
		const struct pl_fw_chain *ch = &rs->chains[stack[--n]];
		bool unknown = false;

		for (size_t i = ch->first; i < ch->first + ch->nrules; i++) {
			const struct pl_fw_rule *r = &rs->rules[i];

			if (r->verdict == PL_FW_JUMP || r->verdict == PL_FW_GOTO)
				unknown |= reach(rs, ch->table, r->target, stack, &n) != 0;
			if (r->verdict != PL_FW_VMAP || whole[ch->table])
				continue;
			unknown |= r->nvmap == 0;
			for (size_t k = r->vmap0; k < r->vmap0 + r->nvmap; k++) {
				const struct pl_fw_vmap *v = &rs->vmaps[k];

				if (v->verdict == PL_FW_JUMP || v->verdict == PL_FW_GOTO)
					unknown |= reach(rs, ch->table, v->target, stack, &n) != 0;
				unknown |= v->verdict == PL_FW_QUEUE;
			}
		}
		if (!unknown || whole[ch->table])
			continue;
		whole[ch->table] = true;   /* once a table: thousands of chains may say so */
		for (size_t c = 0; c < rs->nchains; c++) {
			if (rs->chains[c].table == ch->table && !rs->chains[c].nat_hooked) {
				rs->chains[c].nat_hooked = true;
				stack[n++] = c;
			}
		}
	}
	free(stack);
	free(whole);
	return 0;
}

/* Appends a DNAT destination, merged into the last one when it is of the same table and
 * families and covered by it or adjacent (rules come in runs of one table: most merge
 * here). The list can hold one entry per port range of a rule and one per rule, which
 * the parsers cap. */
static int
dnat_add(struct pl_fw_ruleset *rs, size_t table, unsigned families, bool any, uint16_t lo,
	 uint16_t hi)
{
	struct pl_fw_dnat *last = rs->ndnat ? &rs->dnats[rs->ndnat - 1] : NULL;

	if (last != NULL && last->table == table && last->families == families &&
	    (last->any || (!any && lo >= last->p.lo && lo <= (uint32_t)last->p.hi + 1))) {
		if (!last->any && hi > last->p.hi)
			last->p.hi = hi;
		return 0;
	}
	if (grow((void **)&rs->dnats, rs->ndnat, &rs->dnat_cap, sizeof(*rs->dnats),
		 (size_t)PL_FW_MAX_PORTS + PL_FW_MAX_RULES) != 0)
		return -1;
	rs->dnats[rs->ndnat].table = table;
	rs->dnats[rs->ndnat].families = families;
	rs->dnats[rs->ndnat].any = any;
	rs->dnats[rs->ndnat].p.lo = lo;
	rs->dnats[rs->ndnat].p.hi = hi;
	rs->ndnat++;
	return 0;
}

/* By table and families, an "any" first, then by the start of the range. */
static int
dnat_cmp(const void *a, const void *b)
{
	const struct pl_fw_dnat *x = a, *y = b;

	if (x->table != y->table)
		return x->table < y->table ? -1 : 1;
	if (x->families != y->families)
		return x->families < y->families ? -1 : 1;
	if (x->any != y->any)
		return x->any ? -1 : 1;
	if (x->p.lo != y->p.lo)
		return x->p.lo < y->p.lo ? -1 : 1;
	return (x->p.hi > y->p.hi) - (x->p.hi < y->p.hi);
}

/* rs->dnats from the DNAT and REDIRECT rules of hooked chains, coalesced: a range
 * another covers or touches merges with it, an "any" takes its table's place. */
static int
make_dnats(struct pl_fw_ruleset *rs)
{
	size_t n = 0;

	rs->ndnat = 0;
	for (size_t i = 0; i < rs->nrules; i++) {
		const struct pl_fw_rule *r = &rs->rules[i];
		size_t t = rs->chains[r->chain].table;
		unsigned fam = r->families;
		int rc = 0;

		if (!r->nat_to || !rs->chains[r->chain].nat_hooked)
			continue;
		if (r->nat_any)
			rc = dnat_add(rs, t, fam, true, 0, 0);
		else if (r->nat_port.lo != 0 || r->nat_port.hi != 0)
			rc = dnat_add(rs, t, fam, false, r->nat_port.lo, r->nat_port.hi);
		else if (!r->has_dport || r->dport_neg || r->dport_unknown)
			rc = dnat_add(rs, t, fam, true, 0, 0);   /* keeps any port it matches */
		else
			for (size_t k = r->port0; k < r->port0 + r->nports && rc == 0; k++)
				rc = dnat_add(rs, t, fam, false, rs->ports[k].lo,
					      rs->ports[k].hi);
		if (rc != 0)
			return -1;
	}
	if (rs->ndnat > 1)
		qsort(rs->dnats, rs->ndnat, sizeof(*rs->dnats), dnat_cmp);
	for (size_t i = 0; i < rs->ndnat; i++) {
		const struct pl_fw_dnat *d = &rs->dnats[i];
		struct pl_fw_dnat *last = n ? &rs->dnats[n - 1] : NULL;

		/* sorted: an "any" comes first in its table, and a range here starts at or
		 * after the last one's start */
		if (last != NULL && last->table == d->table && last->families == d->families &&
		    (last->any || d->p.lo <= (uint32_t)last->p.hi + 1)) {
			if (!last->any && d->p.hi > last->p.hi)
				last->p.hi = d->p.hi;
			continue;
		}
		rs->dnats[n++] = *d;
	}
	rs->ndnat = n;
	return 0;
}

int
pl_fw_finish(struct pl_fw_ruleset *rs)
{
	size_t *seq;
	struct pl_fw_rule *tmp;

	/* qsort is not stable: sort (chain, position) pairs instead of the rules. */
	seq = malloc((rs->nrules ? rs->nrules : 1) * 2 * sizeof(*seq));
	tmp = malloc((rs->nrules ? rs->nrules : 1) * sizeof(*tmp));
	if (seq == NULL || tmp == NULL) {
		free(seq);
		free(tmp);
		rs->oom = true;
		return -1;
	}
	for (size_t i = 0; i < rs->nrules; i++) {
		seq[2 * i] = rs->rules[i].chain;
		seq[2 * i + 1] = i;
	}
	qsort(seq, rs->nrules, 2 * sizeof(*seq), rule_by_chain_pair);
	for (size_t i = 0; i < rs->nrules; i++)
		tmp[i] = rs->rules[seq[2 * i + 1]];
	if (rs->nrules > 0)
		memcpy(rs->rules, tmp, rs->nrules * sizeof(*tmp));
	free(seq);
	free(tmp);
	for (size_t c = 0; c < rs->nchains; c++)
		rs->chains[c].nrules = 0;
	for (size_t i = rs->nrules; i-- > 0;) {
		struct pl_fw_chain *c = &rs->chains[rs->rules[i].chain];

		c->first = i;
		c->nrules++;
	}
	if (mark_nat_hooked(rs) != 0 || make_dnats(rs) != 0)
		rs->oom = true;
	return rs->oom ? -1 : 0;
}

/* Whether iptables-nft-save's table ipt holds every chain nft's table of that name does,
 * and a rule when that one has any: then it is iptables-nft's table seen whole. A table
 * written with nft that merely shares the name ("table ip filter" with chains "input",
 * "forward"), of which iptables-nft-save shows nothing, keeps nft's view. */
static bool
covers(const struct pl_fw_ruleset *rs, size_t ipt, size_t nft)
{
	size_t nft_rules = 0, ipt_rules = 0;

	for (size_t c = 0; c < rs->nchains; c++) {
		const struct pl_fw_chain *ch = &rs->chains[c];

		if (ch->table == nft) {
			if (pl_fw_find_chain(rs, ipt, ch->name) == NOPE)
				return false;
			nft_rules += ch->nrules;
		} else if (ch->table == ipt) {
			ipt_rules += ch->nrules;
		}
	}
	return nft_rules == 0 || ipt_rules > 0;
}

/* Whether nft's table holds a rule added with nft that iptables-nft-save prints
 * without what it cannot show ("tcp dport vmap { 23 : jump X }" as "-A PREROUTING -p
 * tcp", the verdict gone), or with a condition left out: a rule whose nft expression
 * the model takes for a condition where iptables-nft-save's rule in that place has
 * none (it prints `tcp dport 23 tcp sequence 5 drop`, added with nft, as "-A INPUT -p
 * tcp -m tcp --dport 23 -j DROP": a sure drop of tcp/23, which is open). iptables-nft's
 * own rules carry their conditions in both views (xt matches, or -s, -i, --sport as
 * payload and meta). Then nft's view is the one to judge by. */
static bool
nft_only(const struct pl_fw_ruleset *rs, size_t ipt, size_t nft)
{
	for (size_t c = 0; c < rs->nchains; c++) {
		const struct pl_fw_chain *ch = &rs->chains[c], *ic;
		size_t o;

		if (ch->table != nft)
			continue;
		o = pl_fw_find_chain(rs, ipt, ch->name);
		ic = o != NOPE ? &rs->chains[o] : NULL;
		if (ic != NULL && ic->nrules != ch->nrules)
			return true;
		for (size_t k = 0; k < ch->nrules; k++) {
			const struct pl_fw_rule *n = &rs->rules[ch->first + k];

			if (n->nft_only || (ic != NULL && n->native_other &&
					    !rs->rules[ic->first + k].other))
				return true;
		}
	}
	return false;
}

size_t
pl_fw_supersede(struct pl_fw_ruleset *rs)
{
	size_t n = 0;

	for (size_t i = 0; i < rs->ntables; i++) {
		struct pl_fw_table *t = &rs->tables[i];
		size_t o;

		if (t->source != PL_FW_SRC_IPT_NFT)
			continue;
		o = pl_fw_find_table(rs, PL_FW_SRC_NFT, t->family_name, t->name);
		if (o != NOPE && rs->tables[o].dormant) {
			/* The kernel's table is dormant ("nft add table ip filter { flags
			 * dormant; }" on iptables-nft's): iptables-nft-save still lists its
			 * rules, which filter nothing. */
			t->skip = t->dormant = true;
		} else if (o != NOPE && !rs->tables[o].skip && nft_only(rs, i, o)) {
			t->skip = true;   /* the same kernel table, seen whole by nft only */
		} else if (o != NOPE && !rs->tables[o].skip && covers(rs, i, o)) {
			rs->tables[o].skip = true;
			n++;
		}
	}
	return n;
}

unsigned
pl_fw_table_families(const struct pl_fw_table *t)
{
	switch (t->family) {
	case PL_FW_FAM_IP:
		return PL_FW_V4;
	case PL_FW_FAM_IP6:
		return PL_FW_V6;
	case PL_FW_FAM_INET:
		return PL_FW_V4 | PL_FW_V6;
	default:
		return 0;
	}
}

const char *
pl_fw_verdict_name(enum pl_fw_verdict v)
{
	static const char *const n[] = { "continue", "accept", "drop", "reject", "jump",
					 "goto", "return", "queue", "vmap" };

	return (unsigned)v < sizeof(n) / sizeof(n[0]) ? n[v] : "?";
}

const char *
pl_fw_source_name(enum pl_fw_source s)
{
	return s == PL_FW_SRC_NFT ? "nft" : s == PL_FW_SRC_IPT_NFT ? "iptables-nft" :
	       "iptables-legacy";
}

/* ---- iptables-save ---- */

#define IPT_TOKENS 256

/* Splits a rule line into tokens, honouring iptables-save's double quotes (with \" and
 * \\ inside). Returns the number of tokens, or -1 when there are too many or a quote is
 * not closed. Tokens point into buf, which is rewritten in place. */
static int
ipt_tokens(char *s, char **tok, int max)
{
	int n = 0;

	for (;;) {
		char *w;

		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0')
			return n;
		if (n == max)
			return -1;
		w = s;
		tok[n++] = w;
		if (*s == '"') {
			s++;
			while (*s && *s != '"') {
				if (*s == '\\' && s[1])
					s++;
				*w++ = *s++;
			}
			if (*s != '"')
				return -1;
			s++;
		} else {
			while (*s && *s != ' ' && *s != '\t')
				*w++ = *s++;
		}
		if (*s)
			s++;
		*w = '\0';
	}
}

static int
ipt_port(const char *s, uint16_t *out)
{
	int64_t v;

	if (pl_parse_i64(s, 0, 65535, &v) != 0)
		return -1;
	*out = (uint16_t)v;
	return 0;
}

/* "22", "1000:2000", "22,80,443", "1000:2000,3306" into rs->ports. */
static int
ipt_ports(struct pl_fw_ruleset *rs, const char *s, bool list)
{
	char part[64];

	while (*s) {
		const char *e = list ? strchr(s, ',') : NULL;
		size_t n = e ? (size_t)(e - s) : strlen(s);
		char *colon;
		uint16_t lo = 0, hi = 65535;

		if (n == 0 || n >= sizeof(part))
			return -1;
		memcpy(part, s, n);
		part[n] = '\0';
		colon = strchr(part, ':');
		if (colon) {
			*colon = '\0';
			/* "1000:" is up to 65535, ":1000" from 0 */
			if ((part[0] && ipt_port(part, &lo) != 0) ||
			    (colon[1] && ipt_port(colon + 1, &hi) != 0))
				return -1;
			if (!part[0])
				lo = 0;
			if (!colon[1])
				hi = 65535;
		} else {
			if (ipt_port(part, &lo) != 0)
				return -1;
			hi = lo;
		}
		if (pl_fw_add_port(rs, lo, hi) != 0)
			return -1;
		s += n;
		if (*s == ',')
			s++;
	}
	return 0;
}

static uint8_t
proto_number(const char *p)
{
	if (strcmp(p, "tcp") == 0 || strcmp(p, "6") == 0)
		return 6;
	if (strcmp(p, "udp") == 0 || strcmp(p, "17") == 0)
		return 17;
	if (strcmp(p, "all") == 0 || strcmp(p, "0") == 0)
		return 0;
	return 255;
}

/* Only RELATED and ESTABLISHED (any case, comma-separated): no new connection. */
static bool
ct_local_only(const char *s)
{
	char w[32];

	if (*s == '\0')
		return false;
	while (*s) {
		size_t n = strcspn(s, ",");

		if (n >= sizeof(w))
			return false;
		for (size_t i = 0; i < n; i++)
			w[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' : s[i]);
		w[n] = '\0';
		if (strcmp(w, "established") != 0 && strcmp(w, "related") != 0)
			return false;
		s += n;
		if (*s == ',')
			s++;
	}
	return true;
}

/* Marks r a DNAT or REDIRECT with the ports its target's options send to
 * ("--to-destination 10.0.0.5:8080", "[2001:db8::1]:443", "10.0.0.5:9000-9100",
 * "10.0.0.5:9000-9100/9050" whose base port stays in the range, "--to-ports 80",
 * "--to-ports 9000-9100"): none when it keeps the original port (an address alone,
 * "2001:db8::1" too), any when the ports are no ports. */
static void
ipt_nat_ports(struct pl_fw_rule *r, char **tok, int n)
{
	for (int i = 0; i + 1 < n; i++) {
		const char *v = tok[i + 1], *colon;
		char ports[32];
		int64_t lo, hi;
		char *dash;

		if (strcmp(tok[i], "--to-ports") == 0 || strcmp(tok[i], "--to-port") == 0)
			colon = v - 1;
		else if (strcmp(tok[i], "--to-destination") == 0 || strcmp(tok[i], "--to") == 0)
			/* "[2001:db8::1]:80"; "2001:db8::1" alone is an address, no port */
			colon = strrchr(v, ']') ? strchr(strrchr(v, ']'), ':') :
				strchr(v, ':') != strrchr(v, ':') ? NULL : strrchr(v, ':');
		else
			continue;
		if (colon == NULL) {
			pl_fw_nat_to(r, 0, 0);
			return;
		}
		pl_strlcpy(ports, colon + 1, sizeof(ports));
		ports[strcspn(ports, "/")] = '\0';   /* the base port of a range */
		dash = strchr(ports, '-');
		if (dash != NULL)
			*dash = '\0';
		if (strlen(colon + 1) >= sizeof(ports) || pl_parse_i64(ports, 1, 65535, &lo) != 0 ||
		    (dash != NULL && pl_parse_i64(dash + 1, 1, 65535, &hi) != 0)) {
			pl_fw_nat_to(r, -1, -1);
			return;
		}
		pl_fw_nat_to(r, (long)lo, dash != NULL ? (long)hi : (long)lo);
		return;
	}
	pl_fw_nat_to(r, 0, 0);
}

/* Options of a rule that take no value (most take one). */
static bool
ipt_flag(const char *o)
{
	static const char *const flags[] = { "--syn", "-f", "--fragment", "--rcheck",
					     "--update", "--set", "--remove", "--rsource",
					     "--rdest", "--strict", "--physdev-is-in",
					     "--physdev-is-out", "--physdev-is-bridged", NULL };

	for (size_t i = 0; flags[i]; i++)
		if (strcmp(o, flags[i]) == 0)
			return true;
	return false;
}

/* The matches whose options ipt_rule reads (or that add no condition of their own). */
static bool
ipt_known_match(const char *m)
{
	static const char *const known[] = { "tcp", "udp", "multiport", "comment", "conntrack",
					     "state", NULL };

	for (size_t i = 0; known[i]; i++)
		if (strcmp(m, known[i]) == 0)
			return true;
	return false;
}

/* A second destination port option of one rule (`-m tcp --dport 1:1024 -m multiport !
 * --dports 22,80`): both must hold, so r's ports become what both take, as plain ranges
 * (before, the lists were joined under the last one's "!": that rule seemed to drop
 * every port above 1024). The first's ports are rs->ports[r->port0 .. mid), with
 * r->dport_neg; the second's from mid, neg2 its "!". Returns 0, or -1 out of memory. */
static int
ipt_ports_and(struct pl_fw_ruleset *rs, struct pl_fw_rule *r, size_t mid, bool neg2)
{
	unsigned char *in = calloc(65536, 1);
	size_t end = rs->nports;
	uint32_t lo = 0;
	bool run = false;

	if (in == NULL) {
		rs->oom = true;
		return -1;
	}
	for (size_t i = r->port0; i < end; i++)
		for (uint32_t q = rs->ports[i].lo; q <= rs->ports[i].hi; q++)
			in[q] |= i < mid ? 1 : 2;
	rs->nports = r->port0;
	for (uint32_t q = 0; q <= 65536; q++) {
		bool both = q < 65536 && ((in[q] & 1) != 0) != r->dport_neg &&
			    ((in[q] & 2) != 0) != neg2;

		if (both && !run)
			lo = q;
		if (!both && run && pl_fw_add_port(rs, (uint16_t)lo, (uint16_t)(q - 1)) != 0) {
			free(in);
			return -1;
		}
		run = both;
	}
	free(in);
	r->dport_neg = false;
	return 0;
}

/* One "-A CHAIN ..." line (without "-A CHAIN"): fills r and the normalized text. */
static int
ipt_rule(struct pl_fw_ruleset *rs, size_t t, char **tok, int n, struct pl_fw_rule *r,
	 struct pl_buf *text, char *err, size_t errlen)
{
	bool neg = false;
	int i = 0;

	r->families = pl_fw_table_families(&rs->tables[t]);
	r->port0 = rs->nports;
	while (i < n) {
		const char *o = tok[i];
		const char *v = i + 1 < n ? tok[i + 1] : NULL;

		if (strcmp(o, "-c") == 0 && i + 2 < n) {   /* counters of iptables-save -c */
			i += 3;
			continue;
		}
		if (strcmp(o, "!") == 0) {
			neg = true;
			pl_buf_puts(text, text->len ? " !" : "!");
			i++;
			continue;
		}
		if (strcmp(o, "-j") == 0 || strcmp(o, "--jump") == 0 || strcmp(o, "-g") == 0 ||
		    strcmp(o, "--goto") == 0) {
			bool go = o[1] == 'g' || o[2] == 'g';

			if (v == NULL) {
				pl_snprintf(err, errlen, _("%s without a target"), o);
				return -1;
			}
			/* The target's own options follow it: part of the text, not of the
			 * match. */
			for (int k = i; k < n; k++) {
				pl_buf_puts(text, text->len ? " " : "");
				pl_buf_puts(text, tok[k]);
			}
			if (strcmp(v, "ACCEPT") == 0)
				r->verdict = PL_FW_ACCEPT;
			else if (strcmp(v, "DROP") == 0)
				r->verdict = PL_FW_DROP;
			else if (strcmp(v, "REJECT") == 0)
				r->verdict = PL_FW_REJECT;
			else if (strcmp(v, "RETURN") == 0)
				r->verdict = PL_FW_RETURN;
			else if (strcmp(v, "QUEUE") == 0 || strcmp(v, "NFQUEUE") == 0)
				r->verdict = PL_FW_QUEUE;
			else if (go || pl_fw_find_chain(rs, t, v) != NOPE) {
				r->verdict = go ? PL_FW_GOTO : PL_FW_JUMP;
				r->target = (char *)v;
			} else {
				r->verdict = PL_FW_NONE;   /* LOG, MARK, MASQUERADE... */
				if (strcmp(v, "DNAT") == 0 || strcmp(v, "REDIRECT") == 0)
					ipt_nat_ports(r, tok + i + 2, n - i - 2);
			}
			break;
		}
		pl_buf_puts(text, text->len ? " " : "");
		pl_buf_puts(text, o);
		if (strcmp(o, "-m") == 0 || strcmp(o, "--match") == 0) {
			if (v == NULL)
				goto novalue;
			pl_buf_printf(text, " %s", v);
			/* A match is a condition of its own unless its options are read
			 * here: `-m frag`, `-m socket`, `-m eui64` take none. */
			if (!ipt_known_match(v))
				r->other = true;
			i += 2;
			neg = false;
			continue;
		}
		if (ipt_flag(o)) {
			r->other = true;
			i++;
			neg = false;
			continue;
		}
		if (v == NULL)
			goto novalue;
		/* A value with a blank (a comment) is written quoted, as iptables-save does. */
		if (strchr(v, ' ') != NULL)
			pl_buf_printf(text, " \"%s\"", v);
		else
			pl_buf_printf(text, " %s", v);
		if (strcmp(o, "-p") == 0 || strcmp(o, "--protocol") == 0) {
			r->proto = proto_number(v);
			if (neg)
				r->other = true, r->proto = 0;
		} else if (strcmp(o, "--dport") == 0 || strcmp(o, "--destination-port") == 0 ||
			   strcmp(o, "--dports") == 0 || strcmp(o, "--destination-ports") == 0) {
			size_t mid = rs->nports;

			if (ipt_ports(rs, v, o[strlen(o) - 1] == 's') != 0) {
				pl_snprintf(err, errlen, _("%s: not a port or port list"), o);
				return -1;
			}
			if (r->has_dport && ipt_ports_and(rs, r, mid, neg) != 0)
				return -1;
			else if (!r->has_dport)
				r->dport_neg = neg;
			r->has_dport = true;
		} else if (strcmp(o, "-i") == 0 || strcmp(o, "--in-interface") == 0) {
			if (!neg && strcmp(v, "lo") == 0)
				r->local = true;
			else
				r->other = true;
		} else if ((strcmp(o, "--ctstate") == 0 || strcmp(o, "--ctstatus") == 0) && !neg &&
			   strcasecmp(v, "DNAT") == 0) {
			r->dnat_only = true;   /* conntrack's virtual state: a DNAT rewrote it */
		} else if (strcmp(o, "--ctstate") == 0 || strcmp(o, "--state") == 0) {
			if (!neg && ct_local_only(v))
				r->local = true;
			else
				r->other = true;
		} else if (strcmp(o, "--comment") == 0) {
			/* no condition */
		} else {
			r->other = true;   /* -s, -d, --sport, marks, limits... */
		}
		neg = false;
		i += 2;
	}
	r->nports = rs->nports - r->port0;
	return 0;
novalue:
	pl_snprintf(err, errlen, _("%s without a value"), tok[i]);
	return -1;
}

static int
ipt_line(const char *ls, const char *le, bool v6, enum pl_fw_source src,
	 struct pl_fw_ruleset *rs, size_t *t, char *err, size_t errlen)
{
	char line[8192], *tok[IPT_TOKENS];
	size_t n = (size_t)(le - ls);
	int ntok;

	if (n >= sizeof(line)) {
		pl_snprintf(err, errlen, _("a line longer than %zu bytes"), sizeof(line) - 1);
		return -1;
	}
	memcpy(line, ls, n);
	line[n] = '\0';
	if (n && line[n - 1] == '\r')
		line[--n] = '\0';
	if (memchr(line, '\0', n) != NULL) {
		pl_snprintf(err, errlen, _("a NUL byte"));
		return -1;
	}
	if (n == 0 || line[0] == '#')
		return 0;
	if (line[0] == '*') {
		if (*t != NOPE) {
			pl_snprintf(err, errlen, _("a table before the last one's COMMIT"));
			return -1;
		}
		if (line[1] == '\0' || strlen(line + 1) >= PL_FW_NAME_MAX ||
		    strpbrk(line + 1, " \t")) {
			pl_snprintf(err, errlen, _("a malformed table line"));
			return -1;
		}
		*t = pl_fw_add_table(rs, src, v6 ? "ip6" : "ip", line + 1);
		return *t == NOPE ? -1 : 0;
	}
	if (*t == NOPE) {
		pl_snprintf(err, errlen, _("a line outside a table (no '*table' before it)"));
		return -1;
	}
	if (strcmp(line, "COMMIT") == 0) {
		*t = NOPE;
		return 0;
	}
	if (line[0] == ':') {
		size_t c;

		ntok = ipt_tokens(line + 1, tok, IPT_TOKENS);
		if (ntok < 2 || strlen(tok[0]) >= PL_FW_NAME_MAX) {
			pl_snprintf(err, errlen, _("a malformed chain line"));
			return -1;
		}
		if (pl_fw_find_chain(rs, *t, tok[0]) != NOPE) {
			pl_snprintf(err, errlen, _("chain declared twice"));
			return -1;
		}
		c = pl_fw_add_chain(rs, *t, tok[0]);
		if (c == NOPE)
			return -1;
		if (strcmp(tok[1], "-") != 0) {
			struct pl_fw_chain *ch = &rs->chains[c];
			/* the built-in chains are hooked where their names say */
			static const char *const hooks[][2] = {
				{ "INPUT", "input" }, { "OUTPUT", "output" },
				{ "FORWARD", "forward" }, { "PREROUTING", "prerouting" },
				{ "POSTROUTING", "postrouting" } };

			ch->base = true;
			if (strcmp(tok[1], "ACCEPT") == 0)
				ch->policy = PL_FW_ACCEPT;
			else if (strcmp(tok[1], "DROP") == 0)
				ch->policy = PL_FW_DROP;
			else {
				pl_snprintf(err, errlen, _("a chain policy that is neither ACCEPT nor DROP"));
				return -1;
			}
			pl_strlcpy(ch->type, strcmp(rs->tables[*t].name, "nat") == 0 ? "nat" :
				   strcmp(rs->tables[*t].name, "filter") == 0 ? "filter" :
				   rs->tables[*t].name, sizeof(ch->type));
			for (size_t k = 0; k < sizeof(hooks) / sizeof(hooks[0]); k++)
				if (strcmp(tok[0], hooks[k][0]) == 0)
					pl_strlcpy(ch->hook, hooks[k][1], sizeof(ch->hook));
		}
		return 0;
	}
	{
		char *s = line;
		struct pl_fw_rule r;
		struct pl_buf text = PL_BUF_INIT;
		size_t c;
		int rc;

		/* "[p:b] -A ..." from iptables-save -c */
		if (*s == '[') {
			s = strchr(s, ']');
			if (s == NULL) {
				pl_snprintf(err, errlen, _("a malformed counter"));
				return -1;
			}
			s++;
		}
		ntok = ipt_tokens(s, tok, IPT_TOKENS);
		if (ntok < 0) {
			pl_snprintf(err, errlen, _("an unclosed quote or too many words"));
			return -1;
		}
		if (ntok < 2 || strcmp(tok[0], "-A") != 0) {
			pl_snprintf(err, errlen, _("a line that is no rule ('-A CHAIN ...')"));
			return -1;
		}
		c = pl_fw_find_chain(rs, *t, tok[1]);
		if (c == NOPE) {
			pl_snprintf(err, errlen, _("a rule of a chain not declared"));
			return -1;
		}
		memset(&r, 0, sizeof(r));
		pl_buf_init(&text, 16384);
		rc = ipt_rule(rs, *t, tok + 2, ntok - 2, &r, &text, err, errlen);
		if (rc == 0) {
			r.text = (char *)pl_buf_str(&text);
			if (pl_fw_add_rule(rs, c, &r) == NOPE)
				rc = -1;
		}
		pl_buf_free(&text);
		return rc;
	}
}

int
pl_fw_parse_iptables(const char *buf, size_t len, bool v6, enum pl_fw_source src,
		     struct pl_fw_ruleset *rs, char *err, size_t errlen)
{
	struct pl_lines it;
	const char *ls, *le;
	size_t t = NOPE;

	err[0] = '\0';
	pl_lines_init(&it, buf, len);
	while (pl_lines_next(&it, &ls, &le, NULL)) {
		if (ipt_line(ls, le, v6, src, rs, &t, err, errlen) != 0) {
			char why[256];

			pl_strlcpy(why, rs->oom && !err[0] ? _("out of memory or too many objects") :
				   err, sizeof(why));
			pl_snprintf(err, errlen, _("line %zu: %s"), it.lineno, why);
			return -1;
		}
	}
	if (t != NOPE) {
		pl_snprintf(err, errlen, _("table %s has no COMMIT (output cut short?)"),
			    rs->tables[t].name);
		return -1;
	}
	return pl_fw_finish(rs) == 0 ? 0 : (pl_snprintf(err, errlen, _("out of memory")), -1);
}

/* ---- counts and judgements ---- */

void
pl_fw_count(const struct pl_fw_ruleset *rs, int src, struct pl_fw_counts *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < rs->ntables; i++)
		out->tables += !rs->tables[i].skip && (src < 0 || (int)rs->tables[i].source == src);
	for (size_t i = 0; i < rs->nchains; i++) {
		const struct pl_fw_chain *c = &rs->chains[i];

		if (rs->tables[c->table].skip ||
		    (src >= 0 && (int)rs->tables[c->table].source != src))
			continue;
		out->chains++;
		out->rules += c->nrules;
		out->base_drop += c->base && c->policy != PL_FW_ACCEPT;
	}
}

static void
chain_name(const struct pl_fw_ruleset *rs, size_t c, char *buf, size_t len)
{
	const struct pl_fw_table *t = &rs->tables[rs->chains[c].table];

	pl_snprintf(buf, len, "%s%s %s %s", t->source == PL_FW_SRC_IPT_LEGACY ? "legacy " : "",
		    t->family_name, t->name, rs->chains[c].name);
}

static bool
input_chain(const struct pl_fw_ruleset *rs, size_t c, unsigned family)
{
	const struct pl_fw_chain *ch = &rs->chains[c];

	return !rs->tables[ch->table].skip && ch->base && strcmp(ch->hook, "input") == 0 && strcmp(ch->type, "filter") == 0 &&
	       (pl_fw_table_families(&rs->tables[ch->table]) & family);
}

static bool
unconditional(const struct pl_fw_ruleset *rs, const struct pl_fw_rule *r, unsigned family)
{
	(void)rs;
	return (r->families & family) && r->proto == 0 && !r->has_dport && !r->local &&
	       !r->other;
}

/* Whether chain c ends in an unconditional drop or reject: its last rule, or a final
 * jump or goto to a chain that does. */
static bool
ends_in_drop(const struct pl_fw_ruleset *rs, size_t c, unsigned family, int depth)
{
	const struct pl_fw_chain *ch = &rs->chains[c];
	const struct pl_fw_rule *r;

	if (ch->nrules == 0 || depth > PL_FW_JUMP_DEPTH)
		return false;
	r = &rs->rules[ch->first + ch->nrules - 1];
	if (!unconditional(rs, r, family))
		return false;
	if (r->verdict == PL_FW_DROP || r->verdict == PL_FW_REJECT)
		return true;
	if ((r->verdict == PL_FW_JUMP || r->verdict == PL_FW_GOTO) && r->target) {
		size_t t = pl_fw_find_chain(rs, ch->table, r->target);

		return t != NOPE && ends_in_drop(rs, t, family, depth + 1);
	}
	return false;
}

void
pl_fw_input_path(const struct pl_fw_ruleset *rs, unsigned family, struct pl_fw_input *out)
{
	char name[PL_FW_NAME_MAX * 2 + 32];

	memset(out, 0, sizeof(*out));
	out->by = NOPE;
	for (size_t c = 0; c < rs->nchains; c++) {
		const struct pl_fw_chain *ch = &rs->chains[c];

		if (!input_chain(rs, c, family))
			continue;
		out->chains++;
		chain_name(rs, c, name, sizeof(name));
		if (ch->policy == PL_FW_DROP) {
			out->closed = true;
			out->by = c;
			pl_snprintf(out->why, sizeof(out->why), _("%s: policy drop"), name);
			return;
		}
		if (ends_in_drop(rs, c, family, 0)) {
			const struct pl_fw_rule *r = &rs->rules[ch->first + ch->nrules - 1];

			out->closed = true;
			out->by = c;
			pl_snprintf(out->why, sizeof(out->why), _("%s: ends with '%s'"), name, r->text);
			return;
		}
		if (out->by == NOPE) {
			out->by = c;
			if (ch->nrules)
				pl_snprintf(out->why, sizeof(out->why),
					    _("%s: policy accept and no final drop or reject rule"),
					    name);
			else
				pl_snprintf(out->why, sizeof(out->why), _("%s: policy accept, no rules"),
					    name);
		}
	}
	if (out->chains == 0)
		pl_snprintf(out->why, sizeof(out->why), _("no input chain filters %s"),
			    family == PL_FW_V4 ? "IPv4" : "IPv6");
}

static bool
in_ports(const struct pl_fw_ruleset *rs, size_t first, size_t n, uint16_t port)
{
	for (size_t i = first; i < first + n; i++)
		if (port >= rs->ports[i].lo && port <= rs->ports[i].hi)
			return true;
	return false;
}

enum walk { W_ON = 0, W_ACCEPT, W_DROP, W_END };

struct probe {
	unsigned family;
	uint8_t proto;
	uint16_t port;
	char *why;
	size_t whylen;
	/* What each chain a jump or goto leads to came to, as walk + 1 (0: not walked
	 * yet), for this probe: a chain's end does not depend on the way there, and
	 * chains that several rules jump to, nested, were walked once per way (3 jumps
	 * to the next chain over 14 levels: 10 s a port). NULL: none kept. */
	unsigned char *memo;
};

static enum walk walk_chain(const struct pl_fw_ruleset *rs, size_t c, const struct probe *p,
			    int depth);

static void
say(const struct pl_fw_ruleset *rs, size_t c, const struct probe *p, const char *what)
{
	char name[PL_FW_NAME_MAX * 2 + 32];

	chain_name(rs, c, name, sizeof(name));
	pl_snprintf(p->why, p->whylen, "%s: %s", name, what);
}

static enum walk
follow(const struct pl_fw_ruleset *rs, size_t c, const char *target, const struct probe *p,
       int depth)
{
	size_t t = target ? pl_fw_find_chain(rs, rs->chains[c].table, target) : NOPE;
	char what[128];
	enum walk w;

	if (t == NOPE)
		return W_ON;
	if (p->memo != NULL && p->memo[t] != 0)
		return (enum walk)(p->memo[t] - 1);
	if (depth >= PL_FW_JUMP_DEPTH) {
		/* Deeper than nftables allows, not than iptables-legacy does: what lies
		 * beyond is not walked, and may accept. */
		pl_snprintf(what, sizeof(what), _("more than %d jumps deep: not followed, may accept"),
			    PL_FW_JUMP_DEPTH);
		say(rs, t, p, what);
		return W_ACCEPT;
	}
	w = walk_chain(rs, t, p, depth + 1);
	if (p->memo != NULL && w != W_ACCEPT)   /* an accept ends the probe's walk */
		p->memo[t] = (unsigned char)(w + 1);
	return w;
}

/* Walks chain c for the probe: W_ACCEPT when a rule may accept it (why says which),
 * W_DROP when one surely drops it, W_END when a rule surely returns, W_ON when the
 * chain's end is reached. A drop after a rule that may have returned (a RETURN or GOTO
 * with a condition the model does not know, as ufw's ufw-not-local has before its final
 * DROP) is no sure drop: the packets that returned go on in the calling chain (W_ON). */
static enum walk
walk_chain(const struct pl_fw_ruleset *rs, size_t c, const struct probe *p, int depth)
{
	const struct pl_fw_chain *ch = &rs->chains[c];
	bool may_have_left = false;

	for (size_t i = ch->first; i < ch->first + ch->nrules; i++) {
		const struct pl_fw_rule *r = &rs->rules[i];
		bool port_match, sure;
		enum walk w;

		if (!(r->families & p->family) || r->local)
			continue;
		if (r->dnat_only && !dnat_reaches(rs, p->family, p->port))
			continue;
		if (r->proto != 0 && r->proto != p->proto)
			continue;
		port_match = true;
		/* A dnat_only rule takes only the rewritten connections to its port, never
		 * one made to the port itself: it may accept, but never surely drops. */
		sure = !r->other && !r->dnat_only &&
		       (pl_fw_table_families(&rs->tables[ch->table]) & p->family) &&
		       (r->families & p->family) == p->family;
		if (r->has_dport) {
			bool in = in_ports(rs, r->port0, r->nports, p->port);

			if (r->dport_unknown)
				sure = false;
			else
				port_match = r->dport_neg ? !in : in;
		}
		if (!port_match)
			continue;
		switch (r->verdict) {
		case PL_FW_ACCEPT:
		case PL_FW_QUEUE:
			say(rs, c, p, r->text);
			return W_ACCEPT;
		case PL_FW_DROP:
		case PL_FW_REJECT:
			if (sure)
				return may_have_left ? W_ON : W_DROP;
			break;
		case PL_FW_JUMP:
		case PL_FW_GOTO:
			w = follow(rs, c, r->target, p, depth);
			if (w == W_ACCEPT)
				return w;
			if (w == W_DROP && sure)
				return may_have_left ? W_ON : W_DROP;
			if (r->verdict == PL_FW_GOTO && sure && w != W_DROP)
				return W_END;
			if (r->verdict == PL_FW_GOTO)
				may_have_left = true;
			break;
		case PL_FW_RETURN:
			if (sure)
				return W_END;
			may_have_left = true;
			break;
		case PL_FW_VMAP:
			for (size_t k = r->vmap0; k < r->vmap0 + r->nvmap; k++) {
				const struct pl_fw_vmap *v = &rs->vmaps[k];

				if (!v->any && (p->port < v->p.lo || p->port > v->p.hi))
					continue;
				if (v->verdict == PL_FW_ACCEPT || v->verdict == PL_FW_QUEUE) {
					say(rs, c, p, r->text);
					return W_ACCEPT;
				}
				if ((v->verdict == PL_FW_DROP || v->verdict == PL_FW_REJECT) &&
				    !v->any && sure)
					return may_have_left ? W_ON : W_DROP;
				if (v->verdict == PL_FW_JUMP || v->verdict == PL_FW_GOTO) {
					w = follow(rs, c, v->target, p, depth);
					if (w == W_ACCEPT)
						return w;
					if (w == W_DROP && sure && !v->any)
						return may_have_left ? W_ON : W_DROP;
				}
				if (v->verdict == PL_FW_RETURN || v->verdict == PL_FW_GOTO)
					may_have_left = true;
			}
			break;
		default:
			break;
		}
	}
	return W_ON;
}

/* Whether rule r may take the probe by its own family, protocol and destination port.
 * Its other conditions (a source or destination address) are not weighed: a forward
 * configured for the port is what an admin who wants it closed must hear of. */
static bool
fwd_match(const struct pl_fw_ruleset *rs, const struct pl_fw_rule *r, const struct probe *p)
{
	if (!(r->families & p->family) || (r->proto != 0 && r->proto != p->proto))
		return false;
	return !r->has_dport || r->dport_unknown ||
	       in_ports(rs, r->port0, r->nports, p->port) != r->dport_neg;
}

/* A walk of the nat chains for one probe: the chains walked, each once (what a chain
 * forwards does not depend on the way to it; firewalld's chains are reached by several,
 * kube-proxy's by thousands; at most nchains, freed by the caller), and whether it met
 * what it cannot follow. */
struct fwd {
	const struct pl_fw_ruleset *rs;
	const struct probe *p;
	unsigned char *seen;      /* one a chain: walked already */
	bool lost;
};

static bool fwd_chain(struct fwd *w, size_t c, int depth);

static bool
fwd_follow(struct fwd *w, size_t c, const char *target, int depth)
{
	size_t t = target ? pl_fw_find_chain(w->rs, w->rs->chains[c].table, target) : NOPE;

	if (t == NOPE || depth >= PL_FW_JUMP_DEPTH) {
		w->lost = true;
		return false;
	}
	return fwd_chain(w, t, depth + 1);
}

/* Whether chain c sends the probe to a DNAT or REDIRECT (why says which): a rule of its
 * own that may take it, or one of a chain that a jump, goto or verdict map entry taking
 * it leads to. Verdicts before it (an accept ends nat's chains for the connection) are
 * not weighed: more forwards, never fewer. */
static bool
fwd_chain(struct fwd *w, size_t c, int depth)
{
	const struct pl_fw_ruleset *rs = w->rs;
	const struct pl_fw_chain *ch = &rs->chains[c];

	if (w->seen[c])
		return false;
	w->seen[c] = 1;
	for (size_t i = ch->first; i < ch->first + ch->nrules; i++) {
		const struct pl_fw_rule *r = &rs->rules[i];

		if (!fwd_match(rs, r, w->p))
			continue;
		if (r->nat_to) {
			say(rs, c, w->p, r->text);
			return true;
		}
		if ((r->verdict == PL_FW_JUMP || r->verdict == PL_FW_GOTO) &&
		    fwd_follow(w, c, r->target, depth))
			return true;
		if (r->verdict != PL_FW_VMAP)
			continue;
		w->lost |= r->nvmap == 0;
		for (size_t k = r->vmap0; k < r->vmap0 + r->nvmap; k++) {
			const struct pl_fw_vmap *v = &rs->vmaps[k];

			if (!v->any && (w->p->port < v->p.lo || w->p->port > v->p.hi))
				continue;
			if ((v->verdict == PL_FW_JUMP || v->verdict == PL_FW_GOTO) &&
			    fwd_follow(w, c, v->target, depth))
				return true;
			w->lost |= v->verdict == PL_FW_QUEUE;   /* a map not read */
		}
	}
	return false;
}

/* A DNAT or REDIRECT rule that sends the probe's connections on: a port forward opens
 * the port however the input chains judge the port it forwards to (the walk of the
 * input chains sees the packet after the rewrite). The walk goes from the nat base
 * chains of prerouting and output through the jumps, gotos and verdict maps that may
 * take the probe: a DNAT without a port match of its own (kube-proxy's KUBE-SEP-*
 * chains) forwards only the ports the way to it matches (--dport 443 in KUBE-SERVICES),
 * one in a chain no nat hook reaches nothing. Where the walk cannot follow (a target it
 * cannot find, a map it could not read, deeper than PL_FW_JUMP_DEPTH), any DNAT of a
 * hooked chain that may take the probe by its own conditions counts. */
static bool
forwarded(const struct pl_fw_ruleset *rs, const struct probe *p)
{
	struct fwd w = { rs, p, calloc(rs->nchains + 1, 1), false };
	bool found = false;

	if (w.seen == NULL)
		w.lost = true;   /* out of memory: the conservative answer below */
	for (size_t c = 0; w.seen != NULL && c < rs->nchains && !found; c++) {
		const struct pl_fw_chain *ch = &rs->chains[c];

		if (ch->base && strcmp(ch->type, "nat") == 0 && !rs->tables[ch->table].skip &&
		    (strcmp(ch->hook, "prerouting") == 0 || strcmp(ch->hook, "output") == 0))
			found = fwd_chain(&w, c, 0);
	}
	free(w.seen);
	if (found || !w.lost)
		return found;
	for (size_t i = 0; i < rs->nrules; i++) {
		const struct pl_fw_rule *r = &rs->rules[i];

		if (!r->nat_to || !rs->chains[r->chain].nat_hooked ||
		    rs->tables[rs->chains[r->chain].table].skip || !fwd_match(rs, r, p))
			continue;
		say(rs, r->chain, p, r->text);
		return true;
	}
	return false;
}

static bool
port_open(const struct pl_fw_ruleset *rs, const struct probe *pp)
{
	const struct probe p = *pp;
	unsigned family = p.family;
	char *why = p.why;
	size_t whylen = p.whylen;
	size_t chains = 0;
	char first[256] = "";

	if (forwarded(rs, &p))
		return true;

	for (size_t c = 0; c < rs->nchains; c++) {
		enum walk w;

		if (!input_chain(rs, c, family))
			continue;
		chains++;
		why[0] = '\0';
		w = walk_chain(rs, c, &p, 0);
		if (w == W_ON || w == W_END) {
			if (rs->chains[c].policy != PL_FW_ACCEPT)
				return false;
			say(rs, c, &p, _("policy accept, nothing drops it before"));
		} else if (w == W_DROP) {
			return false;
		}
		if (!first[0])
			pl_strlcpy(first, why, sizeof(first));
	}
	if (chains == 0)
		pl_snprintf(why, whylen, _("no input chain filters %s"),
			    family == PL_FW_V4 ? "IPv4" : "IPv6");
	else
		pl_strlcpy(why, first, whylen);
	return true;
}

bool
pl_fw_port_open(const struct pl_fw_ruleset *rs, unsigned family, uint8_t proto,
		uint16_t port, char *why, size_t whylen)
{
	/* without memory for the memo, the same walk, only slower */
	struct probe p = { family, proto, port, why, whylen, calloc(rs->nchains + 1, 1) };
	bool open = port_open(rs, &p);

	free(p.memo);
	return open;
}

/* ---- normalized text and its differences ---- */

static int
by_name(const void *a, const void *b, const struct pl_fw_ruleset *rs, int kind)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int d;

	if (kind == 0) {
		const struct pl_fw_table *p = &rs->tables[x], *q = &rs->tables[y];

		if (p->source != q->source)
			return p->source < q->source ? -1 : 1;
		d = strcmp(p->family_name, q->family_name);
		return d ? d : strcmp(p->name, q->name);
	}
	if (kind == 1)
		return strcmp(rs->chains[x].name, rs->chains[y].name);
	return strcmp(rs->sets[x].name, rs->sets[y].name);
}

/* qsort has no context argument: the ruleset and kind ride in statics, set and cleared
 * around each call (the library is single-threaded). */
static const struct pl_fw_ruleset *sort_rs;
static int sort_kind;

static int
sort_cmp(const void *a, const void *b)
{
	int d = by_name(a, b, sort_rs, sort_kind);

	if (d == 0)
		return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
	return d;
}

static size_t *
sorted(const struct pl_fw_ruleset *rs, int kind, size_t table, size_t *n)
{
	size_t total = kind == 0 ? rs->ntables : kind == 1 ? rs->nchains : rs->nsets;
	size_t *v = malloc((total ? total : 1) * sizeof(*v));

	*n = 0;
	if (v == NULL)
		return NULL;
	for (size_t i = 0; i < total; i++) {
		if (kind == 0 && rs->tables[i].skip)
			continue;
		if (kind == 1 && rs->chains[i].table != table)
			continue;
		if (kind == 2 && rs->sets[i].table != table)
			continue;
		v[(*n)++] = i;
	}
	sort_rs = rs;
	sort_kind = kind;
	qsort(v, *n, sizeof(*v), sort_cmp);
	sort_rs = NULL;
	return v;
}

void
pl_fw_normalize(const struct pl_fw_ruleset *rs, struct pl_buf *out)
{
	size_t nt, *tv = sorted(rs, 0, 0, &nt);

	if (tv == NULL) {
		out->oom = true;
		return;
	}
	for (size_t i = 0; i < nt; i++) {
		const struct pl_fw_table *t = &rs->tables[tv[i]];
		const char *src = pl_fw_source_name(t->source);
		size_t nc, ns, *cv = sorted(rs, 1, tv[i], &nc), *sv = sorted(rs, 2, tv[i], &ns);

		pl_buf_printf(out, "table %s %s %s\n", src, t->family_name, t->name);
		for (size_t k = 0; sv && k < ns; k++)
			pl_buf_printf(out, "set %s %s %s %s %s\n", src, t->family_name, t->name,
				      rs->sets[sv[k]].name, rs->sets[sv[k]].text);
		for (size_t k = 0; cv && k < nc; k++) {
			const struct pl_fw_chain *c = &rs->chains[cv[k]];

			pl_buf_printf(out, "chain %s %s %s %s", src, t->family_name, t->name,
				      c->name);
			if (c->base)
				pl_buf_printf(out, " type %s hook %s prio %lld policy %s", c->type,
					      c->hook, (long long)c->prio,
					      pl_fw_verdict_name(c->policy));
			pl_buf_putc(out, '\n');
			for (size_t r = c->first; r < c->first + c->nrules; r++)
				pl_buf_printf(out, "rule %s %s %s %s: %s\n", src, t->family_name,
					      t->name, c->name, rs->rules[r].text);
		}
		if (cv == NULL || sv == NULL)
			out->oom = true;
		free(cv);
		free(sv);
	}
	free(tv);
}

struct nline {
	const char *s;
	size_t n;
	size_t pos;
};

static int
nline_cmp(const void *a, const void *b)
{
	const struct nline *x = a, *y = b;
	size_t n = x->n < y->n ? x->n : y->n;
	int d = memcmp(x->s, y->s, n);

	if (d)
		return d;
	return x->n < y->n ? -1 : x->n > y->n;
}

static struct nline *
split_lines(const char *buf, size_t len, size_t *n)
{
	struct pl_lines it;
	const char *ls, *le;
	size_t cap = 64;
	struct nline *v = malloc(cap * sizeof(*v));

	*n = 0;
	if (v == NULL)
		return NULL;
	pl_lines_init(&it, buf, len);
	while (pl_lines_next(&it, &ls, &le, NULL)) {
		if (ls == le)
			continue;
		if (*n == cap) {
			struct nline *p = realloc(v, cap * 2 * sizeof(*v));

			if (p == NULL) {
				free(v);
				return NULL;
			}
			v = p;
			cap *= 2;
		}
		v[*n].s = ls;
		v[*n].n = (size_t)(le - ls);
		v[*n].pos = *n;
		(*n)++;
	}
	return v;
}

static bool
starts(const struct nline *l, const char *w)
{
	size_t n = strlen(w);

	return l->n >= n && memcmp(l->s, w, n) == 0;
}

/* The identity of a chain line: "chain SRC FAM TABLE NAME", without its type and
 * policy, so that a policy change is a changed chain, not one added and one removed. */
static size_t
chain_id_len(const struct nline *l)
{
	size_t words = 0;

	for (size_t i = 0; i < l->n; i++)
		if (l->s[i] == ' ' && ++words == 5)
			return i;
	return l->n;
}

static void
show(char dst[160], const struct nline *l)
{
	/* "rule nft inet filter input: tcp dport 23 accept" -> "inet filter input: ..." */
	const char *s = l->s + 5;
	size_t n = l->n - 5;
	const char *sp = memchr(s, ' ', n);

	if (sp != NULL && strncmp(s, "nft ", 4) == 0) {
		n -= (size_t)(sp + 1 - s);
		s = sp + 1;
	}
	if (n > 159)
		n = 159;
	memcpy(dst, s, n);
	dst[n] = '\0';
	/* never cut inside a UTF-8 sequence */
	while (n > 0 && n == 159 && ((unsigned char)dst[n - 1] & 0xC0) == 0x80)
		dst[--n] = '\0';
}

/* l against the k bytes at key, as nline_cmp orders lines. */
static int
key_cmp(const struct nline *l, const char *key, size_t k)
{
	size_t n = l->n < k ? l->n : k;
	int d = memcmp(l->s, key, n);

	if (d)
		return d;
	return l->n < k ? -1 : l->n > k;
}

/* Whether the sorted lines v hold a chain line with l's identity: the lines that start
 * with it are together in the order, right at or after where it would go. */
static bool
chain_in(const struct nline *v, size_t n, const struct nline *l)
{
	size_t k = chain_id_len(l), lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (key_cmp(&v[mid], l->s, k) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < n && v[lo].n >= k && memcmp(v[lo].s, l->s, k) == 0; lo++)
		if (v[lo].n == k || v[lo].s[k] == ' ')
			return true;
	return false;
}

int
pl_fw_diff(const char *old, size_t oldlen, const char *cur, size_t curlen,
	   struct pl_fw_diff *d)
{
	size_t na, nb, i = 0, j = 0;
	struct nline *a = split_lines(old, oldlen, &na), *b = split_lines(cur, curlen, &nb);
	struct nline *ao = NULL, *bo = NULL;
	bool same_set = true;

	memset(d, 0, sizeof(*d));
	if (a == NULL || b == NULL)
		goto oom;
	/* The lines in their order, for the chain lookups and for "reordered". */
	ao = malloc((na ? na : 1) * sizeof(*ao));
	bo = malloc((nb ? nb : 1) * sizeof(*bo));
	if (ao == NULL || bo == NULL)
		goto oom;
	memcpy(ao, a, na * sizeof(*a));
	memcpy(bo, b, nb * sizeof(*b));
	qsort(a, na, sizeof(*a), nline_cmp);
	qsort(b, nb, sizeof(*b), nline_cmp);
	while (i < na || j < nb) {
		int c = i == na ? 1 : j == nb ? -1 : nline_cmp(&a[i], &b[j]);
		const struct nline *l = c < 0 ? &a[i] : &b[j];

		if (c == 0) {
			i++, j++;
			continue;
		}
		same_set = false;
		if (starts(l, "rule ")) {
			if (c < 0) {
				if (d->nremoved < PL_FW_DIFF_SHOW)
					show(d->removed[d->nremoved++], l);
				d->rules_removed++;
			} else {
				if (d->nadded < PL_FW_DIFF_SHOW)
					show(d->added[d->nadded++], l);
				d->rules_added++;
			}
		} else if (starts(l, "chain ")) {
			bool there = c < 0 ? chain_in(b, nb, l) : chain_in(a, na, l);

			if (there)
				d->chains_changed += c > 0;   /* counted once, from the new side */
			else if (c < 0)
				d->chains_removed++;
			else
				d->chains_added++;
		} else if (c < 0) {
			d->other_removed++;
		} else {
			d->other_added++;
		}
		if (c < 0)
			i++;
		else
			j++;
	}
	if (same_set && na == nb)
		for (size_t k = 0; k < na; k++)
			if (nline_cmp(&ao[k], &bo[k]) != 0)
				d->reordered = true;
	free(a);
	free(b);
	free(ao);
	free(bo);
	return 0;
oom:
	free(a);
	free(b);
	free(ao);
	free(bo);
	return -1;
}

int
pl_fw_parse_want(const char *s, struct pl_fw_want *out, char *err, size_t errlen)
{
	char num[32];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	char *dash;
	int64_t lo, hi;

	out->proto = 6;
	if (slash) {
		if (strcmp(slash + 1, "tcp") == 0)
			out->proto = 6;
		else if (strcmp(slash + 1, "udp") == 0)
			out->proto = 17;
		else {
			pl_snprintf(err, errlen, _("a port's protocol is tcp or udp (PORT/tcp, PORT/udp)"));
			return -1;
		}
	}
	if (n == 0 || n >= sizeof(num)) {
		pl_snprintf(err, errlen, _("a port is a number from 1 to 65535, or a range LOW-HIGH"));
		return -1;
	}
	memcpy(num, s, n);
	num[n] = '\0';
	dash = strchr(num, '-');
	if (dash)
		*dash = '\0';
	if (pl_parse_i64(num, 1, 65535, &lo) != 0 ||
	    (dash && pl_parse_i64(dash + 1, 1, 65535, &hi) != 0)) {
		pl_snprintf(err, errlen, _("a port is a number from 1 to 65535, or a range LOW-HIGH"));
		return -1;
	}
	if (!dash)
		hi = lo;
	if (hi < lo) {
		pl_snprintf(err, errlen, _("a port range's start is greater than its end"));
		return -1;
	}
	out->lo = (uint16_t)lo;
	out->hi = (uint16_t)hi;
	return 0;
}

static bool
word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

/* One line as ufw's _get_defaults reads it (^\w+="?\w+"?, then split at '=', the
 * value stripped of blanks and quotes): -1 when it is no ENABLED line, else 1 for yes. */
static int
ufw_line(const char *p, const char *e)
{
	const char *v = p + 8, *ve;

	if (e - p < 9 || strncasecmp(p, "ENABLED=", 8) != 0)
		return -1;
	if (*v == '"')
		v++;
	if (v >= e || !word_char(*v))
		return -1;
	v = p + 8;
	ve = memchr(v, '=', (size_t)(e - v));
	if (ve == NULL)
		ve = e;
	while (ve > v && strchr(" \t\r\"'", ve[-1]) != NULL)
		ve--;
	while (v < ve && strchr(" \t\"'", *v) != NULL)
		v++;
	return ve - v == 3 && strncasecmp(v, "yes", 3) == 0;
}

int
pl_fw_ufw_enabled(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	int found = -1;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl != NULL ? nl : end;
		int v = ufw_line(p, e);

		if (v >= 0)
			found = v;
		p = e + 1;
	}
	return found;
}

/* True when [s, s + n) is word with nothing but blanks around it. */
static bool
only_word(const char *s, size_t n, const char *word)
{
	size_t w = strlen(word);

	while (n > 0 && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' ||
			 s[n - 1] == '\r'))
		n--;
	return n == w && memcmp(s, word, w) == 0;
}

int
pl_fw_firewalld_state(const char *out, size_t outlen, const char *err, size_t errlen,
		      int status)
{
	if (status == 0 && only_word(out, outlen, "running"))
		return 1;
	if (status == 252 && (only_word(err, errlen, "not running") ||
			      only_word(out, outlen, "not running")))
		return 0;
	return -1;
}

size_t
pl_fw_chains_prefixed(const struct pl_fw_ruleset *rs, const char *prefix)
{
	size_t n = 0, plen = strlen(prefix);

	for (size_t i = 0; i < rs->nchains; i++)
		if (!rs->tables[rs->chains[i].table].skip &&
		    strncmp(rs->chains[i].name, prefix, plen) == 0)
			n++;
	return n;
}

size_t
pl_fw_tables_named(const struct pl_fw_ruleset *rs, const char *name)
{
	size_t n = 0;

	for (size_t i = 0; i < rs->ntables; i++)
		if (!rs->tables[i].skip && strcmp(rs->tables[i].name, name) == 0)
			n++;
	return n;
}
