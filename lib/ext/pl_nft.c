/* pl_nft: nft -j list ruleset into the firewall model. See pl_nft.h. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "pl_i18n.h"
#include "pl_buf.h"
#include "pl_json.h"
#include "pl_nft.h"
#include "pl_num.h"

#define NOPE ((size_t)-1)
#define RULE_TEXT_CAP ((size_t)1 << 20)

/* The object's only member, for nft's {"KIND": {...}} wrappers: its key and value. */
static const char *
only_member(struct json_object *o, struct json_object **val)
{
	struct json_object_iterator it, end;

	*val = NULL;
	if (o == NULL || !json_object_is_type(o, json_type_object) ||
	    json_object_object_length(o) != 1)
		return NULL;
	it = json_object_iter_begin(o);
	end = json_object_iter_end(o);
	if (json_object_iter_equal(&it, &end))
		return NULL;
	*val = json_object_iter_peek_value(&it);
	return json_object_iter_peek_name(&it);
}

static void
canonical(struct pl_buf *b, struct json_object *o)
{
	pl_buf_puts(b, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
}

static void render(struct pl_buf *b, struct json_object *o);

/* Elements compared as numbers when both are whole numbers, else as text, so that
 * "{ 22, 80, 443 }" and "{ 443, 22, 80 }" normalize alike. */
static int
elem_cmp(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	int64_t p, q;

	if (pl_parse_i64(x, INT64_MIN, INT64_MAX, &p) == 0 &&
	    pl_parse_i64(y, INT64_MIN, INT64_MAX, &q) == 0)
		return p < q ? -1 : p > q;
	return strcmp(x, y);
}

/* An element of a set: {"elem": {"val": X, "counter": ..., "expires": ...}} is X. */
static struct json_object *
elem_value(struct json_object *e)
{
	struct json_object *v, *inner;
	const char *k = only_member(e, &v);

	if (k != NULL && strcmp(k, "elem") == 0 && (inner = pl_json_get(v, "val")) != NULL)
		return inner;
	return e;
}

/* A map element [KEY, VALUE] as "KEY : VALUE". */
static void
render_elem(struct pl_buf *b, struct json_object *e)
{
	e = elem_value(e);
	if (json_object_is_type(e, json_type_array) && json_object_array_length(e) == 2) {
		render(b, elem_value(json_object_array_get_idx(e, 0)));
		pl_buf_puts(b, " : ");
		render(b, json_object_array_get_idx(e, 1));
	} else {
		render(b, e);
	}
}

/* The elements of array a, rendered, sorted, joined by sep. */
static void
render_sorted(struct pl_buf *b, struct json_object *a, const char *sep)
{
	size_t n = json_object_array_length(a);
	char **v = calloc(n ? n : 1, sizeof(*v));
	size_t k = 0;

	if (v == NULL) {
		b->oom = true;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		struct pl_buf e = PL_BUF_INIT;

		pl_buf_init(&e, RULE_TEXT_CAP);
		render_elem(&e, json_object_array_get_idx(a, i));
		v[k] = strdup(pl_buf_str(&e));
		pl_buf_free(&e);
		if (v[k] == NULL)
			b->oom = true;
		else
			k++;
	}
	qsort(v, k, sizeof(*v), elem_cmp);
	for (size_t i = 0; i < k; i++) {
		if (i)
			pl_buf_puts(b, sep);
		pl_buf_puts(b, v[i]);
		free(v[i]);
	}
	free(v);
}

/* A value or expression in nft's words where they are plain, else canonical JSON. */
static void
render(struct pl_buf *b, struct json_object *o)
{
	struct json_object *v;
	const char *k;

	switch (json_object_get_type(o)) {
	case json_type_null:
		pl_buf_puts(b, "null");
		return;
	case json_type_string:
		pl_buf_puts(b, json_object_get_string(o));
		return;
	case json_type_int:
	case json_type_double:
	case json_type_boolean:
		canonical(b, o);
		return;
	case json_type_array:
		render_sorted(b, o, ",");
		return;
	default:
		break;
	}
	k = only_member(o, &v);
	if (k == NULL) {
		canonical(b, o);
		return;
	}
	if (strcmp(k, "set") == 0 && json_object_is_type(v, json_type_array)) {
		pl_buf_puts(b, "{ ");
		render_sorted(b, v, ", ");
		pl_buf_puts(b, " }");
	} else if (strcmp(k, "range") == 0 && json_object_is_type(v, json_type_array) &&
		   json_object_array_length(v) == 2) {
		render(b, json_object_array_get_idx(v, 0));
		pl_buf_putc(b, '-');
		render(b, json_object_array_get_idx(v, 1));
	} else if (strcmp(k, "prefix") == 0 && pl_json_get(v, "addr") &&
		   pl_json_get(v, "len") && json_object_object_length(v) == 2) {
		render(b, pl_json_get(v, "addr"));
		pl_buf_putc(b, '/');
		render(b, pl_json_get(v, "len"));
	} else if (strcmp(k, "payload") == 0 && pl_json_str(v, "protocol") &&
		   pl_json_str(v, "field") && json_object_object_length(v) == 2) {
		pl_buf_printf(b, "%s %s", pl_json_str(v, "protocol"), pl_json_str(v, "field"));
	} else if ((strcmp(k, "meta") == 0 || strcmp(k, "ct") == 0) && pl_json_str(v, "key") &&
		   json_object_object_length(v) == 1) {
		pl_buf_printf(b, "%s %s", k, pl_json_str(v, "key"));
	} else {
		canonical(b, o);
	}
}

/* ---- what a match tells the model ---- */

static uint8_t
proto_of(const char *s)
{
	if (strcmp(s, "tcp") == 0)
		return 6;
	if (strcmp(s, "udp") == 0)
		return 17;
	return 255;
}

/* The one rule protocol a "meta l4proto" match's right side allows (a word, a list or
 * an anonymous set): 6 or 17 when all are that one, 255 when none is tcp or udp
 * (`meta l4proto { icmp, ipv6-icmp }`), 0 when both may be or it cannot be read. */
static uint8_t
l4_of(struct json_object *r)
{
	struct json_object *set = pl_json_get(r, "set");
	unsigned seen = 0;   /* 1 tcp, 2 udp, 4 another */

	if (set != NULL && json_object_object_length(r) == 1)
		r = set;
	if (json_object_is_type(r, json_type_string))
		return proto_of(json_object_get_string(r));
	if (!json_object_is_type(r, json_type_array))
		return 0;
	for (size_t i = 0; i < json_object_array_length(r); i++) {
		struct json_object *e = json_object_array_get_idx(r, i);
		uint8_t p;

		if (!json_object_is_type(e, json_type_string))
			return 0;
		p = proto_of(json_object_get_string(e));
		seen |= p == 6 ? 1u : p == 17 ? 2u : 4u;
	}
	return seen == 1 ? 6 : seen == 2 ? 17 : seen == 4 ? 255 : 0;
}

/* A match on a transport header's field (`icmpv6 type nd-neighbor-advert`, `tcp flags`)
 * holds only for that protocol, and icmp and icmpv6 only for their family. */
static void
l4_header(const char *pr, struct pl_fw_rule *r)
{
	static const char *const l4[] = { "tcp", "udp", "udplite", "sctp", "dccp", "icmp",
					   "icmpv6", "igmp", "esp", "ah", "comp", NULL };
	uint8_t p;
	size_t i = 0;

	while (l4[i] != NULL && strcmp(l4[i], pr) != 0)
		i++;
	if (l4[i] == NULL)
		return;
	p = proto_of(pr);
	r->proto = r->proto == 0 || r->proto == p ? p : 255;
	if (strcmp(pr, "icmp") == 0)
		r->families &= PL_FW_V4;
	else if (strcmp(pr, "icmpv6") == 0)
		r->families &= PL_FW_V6;
}

/* The ports of a dport match's right side into rs->ports; false when they are not plain
 * numbers and ranges (a service name, a concatenation, a set the model lacks). */
static bool
ports_of(struct pl_fw_ruleset *rs, size_t table, struct json_object *r)
{
	struct json_object *v;
	const char *k;
	int64_t lo, hi;

	if (json_object_is_type(r, json_type_int)) {
		lo = json_object_get_int64(r);
		if (lo < 0 || lo > 65535)
			return false;
		return pl_fw_add_port(rs, (uint16_t)lo, (uint16_t)lo) == 0;
	}
	if (json_object_is_type(r, json_type_string)) {
		const char *s = json_object_get_string(r);
		size_t set;

		if (s[0] != '@')
			return false;
		set = pl_fw_find_set(rs, table, s + 1);
		if (set == NOPE || !rs->sets[set].ports_known)
			return false;
		for (size_t i = 0; i < rs->sets[set].nports; i++) {
			struct pl_fw_ports p = rs->ports[rs->sets[set].port0 + i];

			if (pl_fw_add_port(rs, p.lo, p.hi) != 0)
				return false;
		}
		return true;
	}
	k = only_member(r, &v);
	if (k == NULL)
		return false;
	if (strcmp(k, "range") == 0 && json_object_is_type(v, json_type_array) &&
	    json_object_array_length(v) == 2 &&
	    json_object_is_type(json_object_array_get_idx(v, 0), json_type_int) &&
	    json_object_is_type(json_object_array_get_idx(v, 1), json_type_int)) {
		lo = json_object_get_int64(json_object_array_get_idx(v, 0));
		hi = json_object_get_int64(json_object_array_get_idx(v, 1));
		if (lo < 0 || hi < 0 || lo > 65535 || hi > 65535)
			return false;
		return pl_fw_add_port(rs, (uint16_t)lo, (uint16_t)hi) == 0;
	}
	if (strcmp(k, "set") == 0 && json_object_is_type(v, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(v); i++)
			if (!ports_of(rs, table, elem_value(json_object_array_get_idx(v, i))))
				return false;
		return true;
	}
	return false;
}

static bool
is_dport(struct json_object *left, uint8_t *proto)
{
	struct json_object *p = pl_json_obj(left, "payload");
	const char *pr = pl_json_str(p, "protocol"), *f = pl_json_str(p, "field");

	if (pr == NULL || f == NULL || strcmp(f, "dport") != 0)
		return false;
	if (strcmp(pr, "tcp") == 0 || strcmp(pr, "udp") == 0)
		*proto = proto_of(pr);
	else if (strcmp(pr, "th") == 0)
		*proto = 0;
	else
		return false;
	return true;
}

/* Whether the right side of a "ct state" match holds only established and related:
 * a word, a list (`ct state established,related`) or an anonymous set (`ct state {
 * established, related }`, {"set": [...]}, as firewalld writes it). */
static bool
all_local_states(struct json_object *r)
{
	struct json_object *set = pl_json_get(r, "set");

	if (set != NULL && json_object_object_length(r) == 1)
		return all_local_states(set);
	if (json_object_is_type(r, json_type_string)) {
		const char *s = json_object_get_string(r);

		return strcmp(s, "established") == 0 || strcmp(s, "related") == 0;
	}
	if (!json_object_is_type(r, json_type_array) || json_object_array_length(r) == 0)
		return false;
	for (size_t i = 0; i < json_object_array_length(r); i++)
		if (!all_local_states(json_object_array_get_idx(r, i)))
			return false;
	return true;
}

static void
match(struct pl_fw_ruleset *rs, size_t table, struct json_object *m, struct pl_fw_rule *r)
{
	const char *op = pl_json_str(m, "op");
	struct json_object *left = pl_json_get(m, "left"), *right = pl_json_get(m, "right");
	bool eq = op != NULL && (strcmp(op, "==") == 0 || strcmp(op, "in") == 0);
	bool ne = op != NULL && strcmp(op, "!=") == 0;
	struct json_object *meta = pl_json_obj(left, "meta"), *ct = pl_json_obj(left, "ct");
	const char *key = pl_json_str(meta, "key");
	const char *pr = pl_json_str(pl_json_obj(left, "payload"), "protocol");
	uint8_t proto;

	if (is_dport(left, &proto)) {
		size_t before = rs->nports;

		if (r->has_dport || !(eq || ne)) {
			/* two port matches, or "<": not modelled */
			r->other = r->native_other = true;
			r->dport_unknown = true;
			return;
		}
		r->has_dport = true;
		r->dport_neg = ne;
		if (proto != 0)
			r->proto = proto;
		r->port0 = before;
		if (!ports_of(rs, table, right)) {
			rs->nports = before;
			r->dport_unknown = true;
		}
		r->nports = rs->nports - r->port0;
		return;
	}
	if (key != NULL && strcmp(key, "l4proto") == 0 && eq && l4_of(right) != 0) {
		r->proto = l4_of(right);
		return;
	}
	if (key != NULL && strcmp(key, "nfproto") == 0 && eq &&
	    json_object_is_type(right, json_type_string)) {
		const char *f = json_object_get_string(right);

		r->families &= strcmp(f, "ipv4") == 0 ? PL_FW_V4 : strcmp(f, "ipv6") == 0 ?
			       PL_FW_V6 : 0;
		return;
	}
	if (key != NULL && (strcmp(key, "iif") == 0 || strcmp(key, "iifname") == 0) && eq &&
	    json_object_is_type(right, json_type_string) &&
	    strcmp(json_object_get_string(right), "lo") == 0) {
		r->local = true;
		return;
	}
	if (ct != NULL && strcmp(pl_json_str(ct, "key") ? pl_json_str(ct, "key") : "", "state") == 0 &&
	    eq && all_local_states(right)) {
		r->local = true;
		return;
	}
	/* `ct status dnat`: only what a DNAT or REDIRECT of this ruleset rewrote
	 * (firewalld's "accept forwarded ports" rule); the walk lets it accept only the
	 * ports those rules send to. */
	if (ct != NULL && strcmp(pl_json_str(ct, "key") ? pl_json_str(ct, "key") : "", "status") == 0 &&
	    eq && json_object_is_type(right, json_type_string) &&
	    strcmp(json_object_get_string(right), "dnat") == 0) {
		r->dnat_only = true;
		return;
	}
	/* An address of one family restricts the rule to it. */
	if (pr != NULL && strcmp(pr, "ip") == 0)
		r->families &= PL_FW_V4;
	else if (pr != NULL && strcmp(pr, "ip6") == 0)
		r->families &= PL_FW_V6;
	else if (pr != NULL)
		l4_header(pr, r);
	r->other = r->native_other = true;
}

static enum pl_fw_verdict
verdict_of(const char *k, struct json_object *v, const char **target)
{
	*target = NULL;
	if (strcmp(k, "accept") == 0)
		return PL_FW_ACCEPT;
	if (strcmp(k, "drop") == 0)
		return PL_FW_DROP;
	if (strcmp(k, "reject") == 0)
		return PL_FW_REJECT;
	if (strcmp(k, "return") == 0)
		return PL_FW_RETURN;
	if (strcmp(k, "queue") == 0)
		return PL_FW_QUEUE;
	if (strcmp(k, "jump") == 0 || strcmp(k, "goto") == 0) {
		*target = pl_json_str(v, "target");
		return k[0] == 'j' ? PL_FW_JUMP : PL_FW_GOTO;
	}
	return PL_FW_NONE;
}

/* A verdict map's entries into rs->vmaps; byport: its key is a destination port;
 * ctstate: its key is "ct state", whose established and related entries accept no new
 * connection (`ct state vmap { established : accept, related : accept, invalid : drop }`,
 * the nftables wiki's idiom: before, it made every port look open). */
static void
vmap_entries(struct pl_fw_ruleset *rs, struct json_object *elems, bool byport, bool ctstate)
{
	for (size_t i = 0; i < json_object_array_length(elems); i++) {
		struct json_object *e = elem_value(json_object_array_get_idx(elems, i)), *val;
		struct pl_fw_vmap m;
		const char *vk, *target;
		size_t before = rs->nports;

		memset(&m, 0, sizeof(m));
		if (!json_object_is_type(e, json_type_array) || json_object_array_length(e) != 2)
			continue;
		vk = only_member(json_object_array_get_idx(e, 1), &val);
		if (vk == NULL)
			continue;
		if (ctstate && all_local_states(elem_value(json_object_array_get_idx(e, 0))))
			continue;
		m.verdict = verdict_of(vk, val, &target);
		m.target = (char *)target;
		m.any = true;
		if (byport && ports_of(rs, NOPE, elem_value(json_object_array_get_idx(e, 0))) &&
		    rs->nports == before + 1) {
			m.any = false;
			m.p = rs->ports[before];
		}
		rs->nports = before;
		pl_fw_add_vmap(rs, &m);
	}
}

/* Where a dnat or redirect statement sends: {"port": 80}, a range {"port": {"range":
 * [9000, 9100]}} (`dnat to 10.0.0.5:9000-9100`, `redirect to :9000-9100`), no port (it
 * keeps the original one: `dnat to 10.0.0.5`, `redirect`, an address map), or a port the
 * model cannot read: another expression, or an address map whose data may hold one
 * (`dnat to tcp dport map { 80 : 10.0.0.1 . 8080 }`, a named map). */
static void
nat_ports(struct pl_fw_rule *r, struct json_object *v)
{
	struct json_object *port = pl_json_get(v, "port"), *addr = pl_json_get(v, "addr");
	struct json_object *range = pl_json_get(port, "range");

	if (json_object_is_type(port, json_type_int)) {
		int64_t p = json_object_get_int64(port);
		long one = p >= 1 && p <= 65535 ? (long)p : -1;

		pl_fw_nat_to(r, one, one);
	} else if (json_object_is_type(range, json_type_array) &&
		   json_object_array_length(range) == 2 &&
		   json_object_is_type(json_object_array_get_idx(range, 0), json_type_int) &&
		   json_object_is_type(json_object_array_get_idx(range, 1), json_type_int)) {
		int64_t lo = json_object_get_int64(json_object_array_get_idx(range, 0));
		int64_t hi = json_object_get_int64(json_object_array_get_idx(range, 1));

		pl_fw_nat_to(r, lo >= 1 && lo <= 65535 ? (long)lo : -1,
			     hi >= 1 && hi <= 65535 ? (long)hi : -1);
	} else if (port != NULL) {
		pl_fw_nat_to(r, -1, -1);
	} else if (addr != NULL && !json_object_is_type(addr, json_type_string)) {
		const char *a = json_object_to_json_string_ext(addr, JSON_C_TO_STRING_PLAIN);

		pl_fw_nat_to(r, strstr(a, "\"concat\"") != NULL || strstr(a, "\"@") != NULL ?
			     -1 : 0, 0);
	} else {
		pl_fw_nat_to(r, 0, 0);
	}
}

/* One expression of a rule: its words in text, its meaning in r. */
static void
statement(struct pl_fw_ruleset *rs, size_t table, struct json_object *x, struct pl_fw_rule *r,
	  struct pl_buf *text)
{
	struct json_object *v;
	const char *k = only_member(x, &v), *target;
	enum pl_fw_verdict vd;

	if (k == NULL) {
		r->other = true;
		/* A statement nft prints no JSON for (1.0.6 writes "jump { accept; }", an
		 * anonymous chain, as a bare string): what it does is unknown. */
		if (json_object_is_type(x, json_type_string))
			r->nft_only = r->opaque = true;
		pl_buf_puts(text, text->len ? " " : "");
		canonical(text, x);
		return;
	}
	if (strcmp(k, "counter") == 0)
		return;   /* counts, never filters: noise for the hash */
	if (strcmp(k, "dnat") == 0 || strcmp(k, "redirect") == 0)
		nat_ports(r, v);
	pl_buf_puts(text, text->len ? " " : "");
	if (strcmp(k, "match") == 0) {
		const char *op = pl_json_str(v, "op");

		struct json_object *right = pl_json_get(v, "right");

		render(text, pl_json_get(v, "left"));
		if (op != NULL && strcmp(op, "==") != 0 && strcmp(op, "in") != 0)
			pl_buf_printf(text, " %s", op);
		pl_buf_putc(text, ' ');
		render(text, right);
		/* A set, named or anonymous: nft's own, which iptables-nft-save cannot show. */
		if (pl_json_get(right, "set") != NULL ||
		    (json_object_is_type(right, json_type_string) &&
		     json_object_get_string(right)[0] == '@'))
			r->nft_only = true;
		match(rs, table, v, r);
		return;
	}
	vd = verdict_of(k, v, &target);
	if (vd != PL_FW_NONE) {
		pl_buf_puts(text, k);
		if (target)
			pl_buf_printf(text, " %s", target);
		else if (v != NULL && !json_object_is_type(v, json_type_null)) {
			pl_buf_putc(text, ' ');
			canonical(text, v);
		}
		r->verdict = vd;
		free(r->target);
		r->target = target ? strdup(target) : NULL;
		return;
	}
	if (strcmp(k, "vmap") == 0) {
		struct json_object *key = pl_json_get(v, "key"), *data = pl_json_get(v, "data");
		uint8_t proto = 0;
		bool byport = is_dport(key, &proto);

		render(text, key);
		pl_buf_puts(text, " vmap ");
		render(text, data);
		r->verdict = PL_FW_VMAP;
		r->nft_only = true;
		r->vmap0 = rs->nvmaps;
		if (byport && proto)
			r->proto = proto;
		if (json_object_is_type(data, json_type_string) &&
		    json_object_get_string(data)[0] == '@') {
			size_t s = pl_fw_find_set(rs, table, json_object_get_string(data) + 1);

			if (s != NOPE && rs->sets[s].is_vmap) {
				for (size_t i = 0; i < rs->sets[s].nvmap; i++) {
					struct pl_fw_vmap m = rs->vmaps[rs->sets[s].vmap0 + i];

					m.any = m.any || !byport;
					pl_fw_add_vmap(rs, &m);
				}
			} else {
				struct pl_fw_vmap m = { true, { 0, 0 }, PL_FW_QUEUE, NULL };

				pl_fw_add_vmap(rs, &m);   /* unknown: may accept */
			}
		} else if (only_member(data, &v) != NULL &&
			   json_object_is_type(v, json_type_array)) {
			struct json_object *ct = pl_json_obj(key, "ct");
			const char *ck = pl_json_str(ct, "key");

			vmap_entries(rs, v, byport, ck != NULL && strcmp(ck, "state") == 0);
		}
		r->nvmap = rs->nvmaps - r->vmap0;
		return;
	}
	if (strcmp(k, "xt") == 0) {
		const char *type = pl_json_str(v, "type"), *name = pl_json_str(v, "name");

		pl_buf_printf(text, "xt %s %s", type ? type : "?", name ? name : "?");
		if (type != NULL && strcmp(type, "target") == 0 && name != NULL) {
			if (strcmp(name, "REJECT") == 0)
				r->verdict = PL_FW_REJECT;
			else if (strcmp(name, "DROP") == 0)
				r->verdict = PL_FW_DROP;
			else if (strcmp(name, "ACCEPT") == 0)
				r->verdict = PL_FW_ACCEPT;
			else if (strcmp(name, "DNAT") == 0 || strcmp(name, "REDIRECT") == 0) {
				/* Its target port is not shown: any port (iptables-nft-save's
				 * view of the table, which shows it, replaces this one where it
				 * can; where it cannot, a REDIRECT of 8080 to 3306 must not
				 * leave 3306 looking closed). */
				pl_fw_nat_to(r, -1, -1);
			}
		} else if (type == NULL || name == NULL || strcmp(name, "comment") != 0) {
			/* an iptables match nft cannot show (a comment is none) */
			r->other = true;
		}
		return;
	}
	canonical(text, x);
	/* Statements that only act (log, nat, set a mark) are no condition; anything else
	 * (limit, quota, an expression this parser does not know) may be one. */
	if (strcmp(k, "log") != 0 && strcmp(k, "mangle") != 0 && strcmp(k, "snat") != 0 &&
	    strcmp(k, "dnat") != 0 && strcmp(k, "masquerade") != 0 &&
	    strcmp(k, "redirect") != 0 && strcmp(k, "notrack") != 0 && strcmp(k, "set") != 0)
		r->other = r->native_other = true;
}

/* ---- objects ---- */

static int
fail(char *err, size_t errlen, size_t idx, const char *what)
{
	pl_snprintf(err, errlen, _("object %zu of the nftables array: %s"), idx + 1, what);
	return -1;
}

static size_t
table_of(struct pl_fw_ruleset *rs, struct json_object *o)
{
	const char *fam = pl_json_str(o, "family"), *t = pl_json_str(o, "table");

	if (fam == NULL || t == NULL)
		return NOPE;
	return pl_fw_find_table(rs, PL_FW_SRC_NFT, fam, t);
}

static bool
name_ok(const char *s)
{
	return s != NULL && s[0] != '\0' && strlen(s) < PL_FW_NAME_MAX;
}

/* Whether a table's "flags" member says dormant: a dormant table filters nothing (its
 * hooks are not registered). nft writes one flag as its name and several as a list
 * ("dormant", ["owner", "persist"]); but 1.0.6 garbles a single flag's name (another
 * string of its output): a string that is no flag's name is taken as dormant (a wrong
 * guess there says a table filters nothing, never that it filters). */
static bool
table_dormant(struct json_object *flags)
{
	static const char *const other[] = { "owner", "persist", NULL };
	size_t n = json_object_is_type(flags, json_type_array) ?
		   json_object_array_length(flags) : 1;

	for (size_t i = 0; i < n; i++) {
		struct json_object *f = json_object_is_type(flags, json_type_array) ?
					json_object_array_get_idx(flags, i) : flags;
		const char *s = json_object_is_type(f, json_type_string) ?
				json_object_get_string(f) : "";
		size_t k = 0;

		while (other[k] != NULL && strcmp(s, other[k]) != 0)
			k++;
		if (other[k] == NULL && (n == 1 || strcmp(s, "dormant") == 0))
			return true;
	}
	return false;
}

static int
add_table(struct pl_fw_ruleset *rs, struct json_object *v, size_t i, char *err, size_t errlen)
{
	const char *fam = pl_json_str(v, "family"), *name = pl_json_str(v, "name");

	if (fam == NULL || !name_ok(name) || strlen(fam) >= 16)
		return fail(err, errlen, i, _("a table without a family or name"));
	struct json_object *flags = pl_json_get(v, "flags");
	size_t t;

	if (pl_fw_find_table(rs, PL_FW_SRC_NFT, fam, name) != NOPE)
		return fail(err, errlen, i, _("a table listed twice"));
	t = pl_fw_add_table(rs, PL_FW_SRC_NFT, fam, name);
	if (t == NOPE)
		return -1;
	if (flags != NULL && table_dormant(flags))
		rs->tables[t].dormant = rs->tables[t].skip = true;
	return 0;
}

static int
add_chain(struct pl_fw_ruleset *rs, struct json_object *v, size_t i, char *err, size_t errlen)
{
	const char *name = pl_json_str(v, "name"), *hook = pl_json_str(v, "hook");
	const char *type = pl_json_str(v, "type"), *policy = pl_json_str(v, "policy");
	size_t t = table_of(rs, v), c;
	struct pl_fw_chain *ch;
	int64_t prio = 0;

	if (t == NOPE)
		return fail(err, errlen, i, _("a chain of a table not listed before it"));
	if (!name_ok(name))
		return fail(err, errlen, i, _("a chain without a name"));
	if (pl_fw_find_chain(rs, t, name) != NOPE)
		return fail(err, errlen, i, _("a chain listed twice"));
	c = pl_fw_add_chain(rs, t, name);
	if (c == NOPE)
		return -1;
	ch = &rs->chains[c];
	if (hook != NULL) {
		ch->base = true;
		pl_strlcpy(ch->hook, hook, sizeof(ch->hook));
		pl_strlcpy(ch->type, type ? type : "filter", sizeof(ch->type));
		(void)pl_json_int(v, "prio", &prio);
		ch->prio = prio;
		ch->policy = policy != NULL && strcmp(policy, "drop") == 0 ? PL_FW_DROP : PL_FW_ACCEPT;
	}
	return 0;
}

/* A set or map: its normalized text (the members but family, name, table and handle,
 * and its elements sorted), and its ports or port verdicts when it has them. */
static int
add_set(struct pl_fw_ruleset *rs, struct json_object *v, bool map, size_t i, char *err,
	size_t errlen)
{
	const char *name = pl_json_str(v, "name"), *type = pl_json_str(v, "type");
	const char *mapto = pl_json_str(v, "map");
	struct json_object *elem = pl_json_arr(v, "elem"), *rest, *flags = pl_json_get(v, "flags");
	struct pl_buf text = PL_BUF_INIT;
	size_t t = table_of(rs, v), s;
	bool dynamic = false;
	int rc = 0;

	if (t == NOPE)
		return fail(err, errlen, i, _("a set of a table not listed before it"));
	if (!name_ok(name))
		return fail(err, errlen, i, _("a set without a name"));
	if (flags != NULL) {
		const char *fl = json_object_to_json_string_ext(flags, JSON_C_TO_STRING_PLAIN);

		dynamic = strstr(fl, "\"dynamic\"") != NULL || strstr(fl, "\"timeout\"") != NULL;
	}
	rest = json_object_new_object();
	if (rest == NULL)
		return -1;
	json_object_object_foreach(v, key, val) {
		if (strcmp(key, "family") && strcmp(key, "name") && strcmp(key, "table") &&
		    strcmp(key, "handle") && strcmp(key, "elem"))
			json_object_object_add(rest, key, json_object_get(val));
	}
	pl_buf_init(&text, PL_BUF_DEFAULT_CAP);
	pl_buf_puts(&text, map ? "map " : "");
	canonical(&text, rest);
	json_object_put(rest);
	if (elem != NULL && dynamic) {
		pl_buf_puts(&text, " elements (filled by the kernel: left out)");
	} else if (elem != NULL) {
		pl_buf_puts(&text, " elements ");
		render_sorted(&text, elem, ",");
	}
	s = pl_fw_add_set(rs, t, name, pl_buf_str(&text));
	pl_buf_free(&text);
	if (s == NOPE)
		return -1;
	if (type != NULL && strcmp(type, "inet_service") == 0 && elem != NULL && !dynamic &&
	    !map) {
		struct pl_fw_set *st = &rs->sets[s];

		st->port0 = rs->nports;
		st->ports_known = true;
		for (size_t k = 0; k < json_object_array_length(elem); k++) {
			struct json_object *e = json_object_array_get_idx(elem, k);

			if (!ports_of(rs, t, elem_value(e)))
				st->ports_known = false;
		}
		st->nports = rs->nports - st->port0;
	} else if (type != NULL && map && mapto != NULL && strcmp(mapto, "verdict") == 0 &&
		   elem != NULL && !dynamic) {
		/* A verdict map keyed by ports, by ct state (`type ct_state : verdict`: its
		 * established and related entries accept no new connection, as in the
		 * anonymous `ct state vmap { ... }`) or by another one thing (an address,
		 * an interface: each entry may apply to any port). A concatenation's type
		 * is an array (type NULL here): it stays unread, and may accept. */
		struct pl_fw_set *st = &rs->sets[s];

		st->is_vmap = true;
		st->vmap0 = rs->nvmaps;
		vmap_entries(rs, elem, strcmp(type, "inet_service") == 0,
			     strcmp(type, "ct_state") == 0);
		st->nvmap = rs->nvmaps - st->vmap0;
	}
	return rc;
}

static int
add_rule(struct pl_fw_ruleset *rs, struct json_object *v, size_t i, char *err, size_t errlen)
{
	const char *chain = pl_json_str(v, "chain"), *comment = pl_json_str(v, "comment");
	struct json_object *expr = pl_json_arr(v, "expr");
	size_t t = table_of(rs, v), c;
	struct pl_buf text = PL_BUF_INIT;
	struct pl_fw_rule r;
	int rc = 0;

	if (t == NOPE)
		return fail(err, errlen, i, _("a rule of a table not listed"));
	if (chain == NULL || (c = pl_fw_find_chain(rs, t, chain)) == NOPE)
		return fail(err, errlen, i, _("a rule of a chain not listed"));
	if (expr == NULL)
		return fail(err, errlen, i, _("a rule without an expr array"));
	memset(&r, 0, sizeof(r));
	r.families = pl_fw_table_families(&rs->tables[t]);
	pl_buf_init(&text, RULE_TEXT_CAP);
	for (size_t k = 0; k < json_object_array_length(expr); k++)
		statement(rs, t, json_object_array_get_idx(expr, k), &r, &text);
	if (r.opaque) {
		/* May accept in a filter chain; in a nat chain may rewrite to any port. */
		if (r.verdict == PL_FW_NONE)
			r.verdict = PL_FW_QUEUE;
		if (strcmp(rs->chains[c].type, "nat") == 0 && !r.nat_to)
			pl_fw_nat_to(&r, -1, -1);
	}
	if (comment != NULL)
		pl_buf_printf(&text, "%scomment \"%s\"", text.len ? " " : "", comment);
	r.text = (char *)pl_buf_str(&text);
	if (pl_fw_add_rule(rs, c, &r) == NOPE)
		rc = -1;
	free(r.target);
	pl_buf_free(&text);
	return rc;
}

int
pl_nft_parse(const char *buf, size_t len, struct pl_fw_ruleset *rs, char *err, size_t errlen)
{
	char why[256];
	struct json_object *doc = pl_json_parse(buf, len, why, sizeof(why)), *arr;
	int rc = 0;

	err[0] = '\0';
	if (doc == NULL) {
		pl_snprintf(err, errlen, _("not JSON: %s"), why);
		return -1;
	}
	arr = pl_json_arr(doc, "nftables");
	if (arr == NULL) {
		json_object_put(doc);
		pl_snprintf(err, errlen, _("no \"nftables\" array: not the output of nft -j list ruleset"));
		return -1;
	}
	/* Tables, chains and sets first, so that a rule may name any of them. */
	for (int pass = 0; pass < 2 && rc == 0; pass++) {
		for (size_t i = 0; i < json_object_array_length(arr) && rc == 0; i++) {
			struct json_object *v;
			const char *k = only_member(json_object_array_get_idx(arr, i), &v);

			if (k == NULL) {
				rc = fail(err, errlen, i, _("not an object with one member"));
				break;
			}
			if (v != NULL && !json_object_is_type(v, json_type_object)) {
				rc = fail(err, errlen, i, _("a member that is not an object"));
				break;
			}
			if (pass == 0 && strcmp(k, "table") == 0)
				rc = add_table(rs, v, i, err, errlen);
			else if (pass == 0 && strcmp(k, "chain") == 0)
				rc = add_chain(rs, v, i, err, errlen);
			else if (pass == 0 && (strcmp(k, "set") == 0 || strcmp(k, "map") == 0))
				rc = add_set(rs, v, k[0] == 'm', i, err, errlen);
			else if (pass == 1 && strcmp(k, "rule") == 0)
				rc = add_rule(rs, v, i, err, errlen);
		}
	}
	json_object_put(doc);
	if (rc == 0 && pl_fw_finish(rs) != 0)
		rc = -1;
	if (rc != 0 && err[0] == '\0')
		pl_snprintf(err, errlen, _("out of memory or more objects than %d"), PL_FW_MAX_OBJECTS);
	return rc;
}
