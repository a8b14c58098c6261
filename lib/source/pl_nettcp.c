/* pl_nettcp: TCP sockets from /proc/net/tcp{,6}. The contract is in pl_nettcp.h. */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "pl_i18n.h"
#include "pl_buf.h"
#include "pl_nettcp.h"
#include "pl_num.h"
#include "pl_text.h"

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Exactly n hex digits at *p (n <= 8) into *out; moves *p past them. */
static int
scan_hex(const char **p, const char *end, size_t n, uint32_t *out)
{
	uint32_t v = 0;

	if ((size_t)(end - *p) < n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int d = hexval((*p)[i]);

		if (d < 0)
			return -1;
		v = v << 4 | (uint32_t)d;
	}
	*p += n;
	*out = v;
	return 0;
}

/* "ADDR:PORT": ADDR as words of 8 hex digits (1 for IPv4, 4 for IPv6), each the
 * machine's own u32 of 4 address bytes (see pl_nettcp.h). */
static int
scan_endpoint(const char **p, const char *end, bool v6, uint8_t addr[16], uint16_t *port)
{
	uint32_t w, pt;
	size_t words = v6 ? 4 : 1;

	memset(addr, 0, 16);
	for (size_t i = 0; i < words; i++) {
		if (scan_hex(p, end, 8, &w) != 0)
			return -1;
		memcpy(addr + 4 * i, &w, 4);
	}
	if (*p >= end || **p != ':')
		return -1;
	(*p)++;
	if (scan_hex(p, end, 4, &pt) != 0)
		return -1;
	*port = (uint16_t)pt;
	return 0;
}

/* One socket line; NULL, or why it is none. */
static const char *
parse_line(const char *p, const char *eol, bool v6, struct pl_tcp_sock *s)
{
	uint64_t sl;
	uint32_t st;

	memset(s, 0, sizeof(*s));
	s->v6 = v6;
	pl_skip_blanks(&p, eol);
	if (pl_scan_u64(&p, eol, &sl) != 0 || p >= eol || *p != ':')
		return _("has no slot number");
	p++;
	pl_skip_blanks(&p, eol);
	if (scan_endpoint(&p, eol, v6, s->local, &s->lport) != 0)
		return _("has no local address");
	if (p >= eol || *p != ' ')
		return _("has no local address");
	pl_skip_blanks(&p, eol);
	if (scan_endpoint(&p, eol, v6, s->remote, &s->rport) != 0)
		return _("has no remote address");
	if (p >= eol || *p != ' ')
		return _("has no remote address");
	pl_skip_blanks(&p, eol);
	if (scan_hex(&p, eol, 2, &st) != 0 || (p < eol && *p != ' '))
		return _("has no state");
	s->state = (uint8_t)st;
	return NULL;
}

static int
add_sock(struct pl_tcp_table *t, const struct pl_tcp_sock *s)
{
	if (t->n == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 64;
		struct pl_tcp_sock *v = realloc(t->v, ncap * sizeof(*v));

		if (v == NULL)
			return -1;
		t->v = v;
		t->cap = ncap;
	}
	t->v[t->n++] = *s;
	return 0;
}

int
pl_nettcp_parse(const char *buf, size_t len, bool v6, const char *file,
		struct pl_tcp_table *t, char *err, size_t errlen)
{
	struct pl_lines it;
	const char *p, *eol;
	bool cut;

	pl_lines_init(&it, buf, len);
	if (!pl_lines_next(&it, &p, &eol, &cut)) {
		pl_snprintf(err, errlen, _("%s is empty"), file);
		return -1;
	}
	pl_skip_blanks(&p, eol);
	if (eol - p < 3 || memcmp(p, "sl ", 3) != 0 || cut) {
		pl_snprintf(err, errlen, _("%s: line 1 is not the expected header"), file);
		return -1;
	}
	while (pl_lines_next(&it, &p, &eol, &cut)) {
		struct pl_tcp_sock s;
		const char *q = p, *why;

		pl_skip_blanks(&q, eol);
		if (q == eol && !cut)
			continue;
		why = cut ? _("is cut short") : parse_line(p, eol, v6, &s);
		if (why != NULL) {
			if (t->nbad++ == 0) {
				t->bad_line = it.lineno;
				t->bad_why = why;
				pl_strlcpy(t->bad_file, file, sizeof(t->bad_file));
			}
			continue;
		}
		if (t->n >= PL_NETTCP_MAX) {
			pl_snprintf(err, errlen, _("%s: more than %d sockets"), file, PL_NETTCP_MAX);
			return -1;
		}
		if (add_sock(t, &s) != 0) {
			pl_snprintf(err, errlen, _("out of memory"));
			return -1;
		}
	}
	return 0;
}

void
pl_nettcp_free(struct pl_tcp_table *t)
{
	free(t->v);
	memset(t, 0, sizeof(*t));
}

char *
pl_tcp_addr(const struct pl_tcp_sock *s, bool remote, char *out, size_t len)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	const uint8_t *a = remote ? s->remote : s->local;
	char tmp[INET6_ADDRSTRLEN];

	if (!s->v6)
		inet_ntop(AF_INET, a, tmp, sizeof(tmp));
	else if (memcmp(a, mapped, sizeof(mapped)) == 0)
		inet_ntop(AF_INET, a + 12, tmp, sizeof(tmp));
	else
		inet_ntop(AF_INET6, a, tmp, sizeof(tmp));
	pl_strlcpy(out, tmp, len);
	return out;
}

size_t
pl_nettcp_count(const struct pl_tcp_table *t, uint16_t port, size_t *listening)
{
	size_t n = 0, l = 0;

	for (size_t i = 0; i < t->n; i++) {
		if (t->v[i].lport != port)
			continue;
		if (t->v[i].state == PL_TCP_ESTABLISHED)
			n++;
		else if (t->v[i].state == PL_TCP_LISTEN)
			l++;
	}
	if (listening != NULL)
		*listening = l;
	return n;
}

static int
by_addr(const void *a, const void *b)
{
	return strcmp(((const struct pl_tcp_peer *)a)->addr, ((const struct pl_tcp_peer *)b)->addr);
}

static int
by_count(const void *a, const void *b)
{
	const struct pl_tcp_peer *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->addr, y->addr);
}

int
pl_nettcp_peers(const struct pl_tcp_table *t, uint16_t port, struct pl_tcp_peer **peers,
		size_t *n)
{
	size_t m = pl_nettcp_count(t, port, NULL), k = 0, out = 0;
	struct pl_tcp_peer *v = calloc(m ? m : 1, sizeof(*v));

	*peers = NULL;
	*n = 0;
	if (v == NULL)
		return -1;
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].lport == port && t->v[i].state == PL_TCP_ESTABLISHED) {
			pl_tcp_addr(&t->v[i], true, v[k].addr, sizeof(v[k].addr));
			v[k++].count = 1;
		}
	/* Sorted by address, equal ones are neighbours: fold each run into its first. */
	qsort(v, k, sizeof(*v), by_addr);
	for (size_t i = 0; i < k; i++) {
		if (out > 0 && strcmp(v[out - 1].addr, v[i].addr) == 0)
			v[out - 1].count++;
		else
			v[out++] = v[i];
	}
	qsort(v, out, sizeof(*v), by_count);
	*peers = v;
	*n = out;
	return 0;
}
