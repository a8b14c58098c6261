/* pl_evescan: eve.json lines through yajl's token stream (see pl_evescan.h). */
#include "config.h"

#include <math.h>
#include <stdalign.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#include "pl_i18n.h"
#include "pl_buf.h"
#include "pl_evescan.h"

/* yajl's handle, lexer and token buffers of one line: about 5 KiB. */
#define ARENA 12288

struct arena {
	size_t used;
	alignas(16) unsigned char mem[ARENA];
};

static bool
in_arena(const struct arena *ar, const void *p)
{
	uintptr_t u = (uintptr_t)p, m = (uintptr_t)ar->mem;

	return u >= m && u < m + ARENA;
}

/* Each block: 16 bytes holding its size, then the block (16-aligned). */
static void *
ar_malloc(void *ctx, size_t n)
{
	struct arena *ar = ctx;
	size_t need = (n + 16 + 15) & ~(size_t)15;

	if (n < ARENA && need <= ARENA - ar->used) {
		unsigned char *p = ar->mem + ar->used;

		memcpy(p, &n, sizeof(n));
		ar->used += need;
		return p + 16;
	}
	return malloc(n);
}

static void *
ar_realloc(void *ctx, void *p, size_t n)
{
	struct arena *ar = ctx;
	size_t old;
	void *q;

	if (p == NULL)
		return ar_malloc(ctx, n);
	if (!in_arena(ar, p))
		return realloc(p, n);
	memcpy(&old, (unsigned char *)p - 16, sizeof(old));
	q = ar_malloc(ctx, n);
	if (q != NULL)
		memcpy(q, p, old < n ? old : n);
	return q;
}

static void
ar_free(void *ctx, void *p)
{
	if (p != NULL && !in_arena(ctx, p))
		free(p);
}

enum { C_TOP = 1, C_ALERT, C_STATS, C_CAPTURE, C_OBJ, C_ARRAY };
enum { K_NONE, K_TYPE, K_TIME, K_SRC, K_DEST, K_ALERT, K_STATS, K_SEV, K_SIG, K_CAT,
       K_UPTIME, K_CAPTURE, K_PACKETS, K_DROPS };

struct scan {
	yajl_handle h;
	size_t end;                     /* just after the top-level value's closing mark */
	struct pl_ids_alert *a;
	struct pl_eve_stats *s;
	int depth;                      /* containers open */
	int key;                        /* the key just read in the innermost object */
	unsigned char in[PL_EVESCAN_MAX_DEPTH + 1];   /* in[d]: the container at depth d */
	enum pl_eve_type type;          /* PL_EVE_OTHER too when there is no event_type */
	bool not_object, too_deep, has_packets, has_drops;
	int64_t packets, drops;
	size_t tslen;                   /* sizeof(ts): none, or too long to be one */
	char ts[64];
	struct arena ar;
};

static struct scan *
SC(void *ctx)
{
	return ctx;
}

/* A string as json-c keeps it: up to its first NUL. */
static size_t
cstrlen(const unsigned char *s, size_t n)
{
	const unsigned char *z = memchr(s, '\0', n);

	return z != NULL ? (size_t)(z - s) : n;
}

#define IS(s, n, word) ((n) == sizeof(word) - 1 && memcmp((s), (word), sizeof(word) - 1) == 0)

/* The key k names in container c (K_NONE: a key not needed). */
static int
lookup(int c, const unsigned char *k, size_t n)
{
	switch (c) {
	case C_TOP:
		return IS(k, n, "event_type") ? K_TYPE : IS(k, n, "timestamp") ? K_TIME :
		       IS(k, n, "src_ip") ? K_SRC : IS(k, n, "dest_ip") ? K_DEST :
		       IS(k, n, "alert") ? K_ALERT : IS(k, n, "stats") ? K_STATS : K_NONE;
	case C_ALERT:
		return IS(k, n, "severity") ? K_SEV : IS(k, n, "signature") ? K_SIG :
		       IS(k, n, "category") ? K_CAT : K_NONE;
	case C_STATS:
		return IS(k, n, "uptime") ? K_UPTIME : IS(k, n, "capture") ? K_CAPTURE : K_NONE;
	case C_CAPTURE:
		return IS(k, n, "kernel_packets") ? K_PACKETS : IS(k, n, "kernel_drops") ?
		       K_DROPS : K_NONE;
	default:
		return K_NONE;
	}
}

/* The key k names, in container c; its old value is forgotten (the last one counts). */
static int
key_of(struct scan *sc, int c, const unsigned char *k, size_t n)
{
	int key;

	if (c == C_OBJ || c == C_ARRAY)
		return K_NONE;
	key = lookup(c, k, n);
	if (key == K_NONE) {
		size_t m = cstrlen(k, n);   /* "event_type\u0000x" is json-c's "event_type" */

		if (m != n)
			key = lookup(c, k, m);
	}
	switch (key) {
	case K_TYPE: sc->type = PL_EVE_OTHER; break;
	case K_TIME: sc->tslen = sizeof(sc->ts); break;
	case K_SRC: sc->a->src[0] = '\0'; break;
	case K_DEST: sc->a->dest[0] = '\0'; break;
	case K_ALERT:
		sc->a->severity = -1;
		sc->a->signature[0] = sc->a->category[0] = '\0';
		break;
	case K_STATS: sc->s->uptime = -1; /* FALLTHROUGH */
	case K_CAPTURE: sc->has_packets = sc->has_drops = false; break;
	case K_SEV: sc->a->severity = -1; break;
	case K_SIG: sc->a->signature[0] = '\0'; break;
	case K_CAT: sc->a->category[0] = '\0'; break;
	case K_UPTIME: sc->s->uptime = -1; break;
	case K_PACKETS: sc->has_packets = false; break;
	case K_DROPS: sc->has_drops = false; break;
	default: break;
	}
	return key;
}

static int
on_key(void *ctx, const unsigned char *k, size_t n)
{
	struct scan *sc = SC(ctx);

	sc->key = key_of(sc, sc->in[sc->depth], k, n);
	return 1;
}

/* The container a map opens: known by its parent and its key. */
static int
on_start(void *ctx, int c)
{
	struct scan *sc = SC(ctx);
	int parent = sc->in[sc->depth];

	if (sc->depth >= PL_EVESCAN_MAX_DEPTH) {
		sc->too_deep = true;
		return 0;
	}
	if (c != C_ARRAY) {
		if (sc->depth == 0)
			c = C_TOP;
		else if (parent == C_TOP && sc->key == K_ALERT)
			c = C_ALERT;
		else if (parent == C_TOP && sc->key == K_STATS)
			c = C_STATS;
		else if (parent == C_STATS && sc->key == K_CAPTURE)
			c = C_CAPTURE;
	} else if (sc->depth == 0) {
		sc->not_object = true;
	}
	sc->in[++sc->depth] = (unsigned char)c;
	return 1;
}

static int
on_start_map(void *ctx)
{
	return on_start(ctx, C_OBJ);
}

static int
on_start_array(void *ctx)
{
	return on_start(ctx, C_ARRAY);
}

static int
on_end(void *ctx)
{
	struct scan *sc = SC(ctx);

	/* yajl lets an unfinished token after the value by ({"a":1}"x): where the value
	 * ended is kept, and what follows is checked. */
	if (--sc->depth == 0)
		sc->end = yajl_get_bytes_consumed(sc->h);
	return 1;
}

/* The value's key, or K_NONE for an array's element (and a top-level scalar). */
static int
value_key(struct scan *sc)
{
	if (sc->depth == 0) {
		sc->not_object = true;
		return K_NONE;
	}
	return sc->in[sc->depth] == C_ARRAY ? K_NONE : sc->key;
}

static int
on_scalar(void *ctx)
{
	(void)value_key(SC(ctx));
	return 1;
}

static int
on_bool(void *ctx, int b)
{
	(void)b;
	return on_scalar(ctx);
}

static void
put(char *dst, size_t size, const unsigned char *s, size_t n)
{
	if (n >= size)
		n = size - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

static int
on_string(void *ctx, const unsigned char *s, size_t n)
{
	struct scan *sc = SC(ctx);
	struct pl_ids_alert *a = sc->a;

	int key = value_key(sc);

	if (key == K_NONE)
		return 1;
	n = cstrlen(s, n);
	switch (key) {
	case K_TYPE:
		sc->type = IS(s, n, "alert") ? PL_EVE_ALERT :
			   IS(s, n, "stats") ? PL_EVE_STATS : PL_EVE_OTHER;
		break;
	case K_TIME:
		sc->tslen = n < sizeof(sc->ts) ? n : sizeof(sc->ts);
		if (n < sizeof(sc->ts))
			memcpy(sc->ts, s, n);
		break;
	case K_SRC: put(a->src, sizeof(a->src), s, n); break;
	case K_DEST: put(a->dest, sizeof(a->dest), s, n); break;
	case K_SIG: put(a->signature, sizeof(a->signature), s, n); break;
	case K_CAT: put(a->category, sizeof(a->category), s, n); break;
	default: break;
	}
	return 1;
}

/* The digits at *p as an integer, saturated at UINT64_MAX. */
static uint64_t
digits(const char **p, const char *end)
{
	uint64_t u = 0;

	for (; *p < end && **p >= '0' && **p <= '9'; (*p)++) {
		unsigned d = (unsigned)(**p - '0');

		u = u > (UINT64_MAX - d) / 10 ? UINT64_MAX : u * 10 + d;
	}
	return u;
}

/* A JSON number's text (yajl checked its syntax: -?int frac? exp?) as json-c reads it:
 * without '.', 'e' or 'E' an integer (*is_int), clamped as json-c clamps it (*i at
 * int64's ends; the value returned, as a double, at UINT64_MAX or INT64_MIN), else a
 * double. */
static double
number(const char *s, size_t n, bool *is_int, int64_t *i)
{
	const char *p = s, *end = s + n;
	bool neg = p < end && *p == '-';
	uint64_t m = 0;
	int exp10 = 0, e = 0, esign = 1, sig = 0;
	double v;

	p += neg;
	*is_int = memchr(s, '.', n) == NULL && memchr(s, 'e', n) == NULL &&
		  memchr(s, 'E', n) == NULL;
	if (*is_int) {
		uint64_t u = digits(&p, end);

		if (neg) {
			*i = u > (uint64_t)INT64_MAX ? INT64_MIN : -(int64_t)u;
			return (double)*i;
		}
		*i = u > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)u;
		return (double)u;
	}
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		if (sig < 19) {
			m = m * 10 + (uint64_t)(*p - '0');
			sig += m != 0;
		} else {
			exp10++;
		}
	}
	if (p < end && *p == '.')
		for (p++; p < end && *p >= '0' && *p <= '9'; p++)
			if (sig < 19) {
				m = m * 10 + (uint64_t)(*p - '0');
				sig += m != 0;
				exp10--;
			}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '-' || *p == '+'))
			esign = *p++ == '-' ? -1 : 1;
		for (; p < end && *p >= '0' && *p <= '9'; p++)
			if (e < 100000)
				e = e * 10 + (*p - '0');
	}
	exp10 += esign * e;
	v = (double)m;
	/* Powers of ten up to 1e22 are exact doubles: one rounding, as strtod's, for the
	 * numbers a log writes. */
	while (exp10 != 0 && v != 0 && isfinite(v)) {
		int k = exp10 > 0 ? (exp10 < 22 ? exp10 : 22) : (-exp10 < 22 ? -exp10 : 22);
		double p10 = 1;

		for (int j = 0; j < k; j++)
			p10 *= 10;
		v = exp10 > 0 ? v * p10 : v / p10;
		exp10 += exp10 > 0 ? -k : k;
	}
	return neg ? -v : v;
}

/* pl_json_int's rule: an integer not at int64's ends, or an integral double below 2^53. */
static bool
as_int(const char *s, size_t n, int64_t *out)
{
	bool is_int;
	int64_t i;
	double d = number(s, n, &is_int, &i);

	if (is_int) {
		*out = i;
		return i != INT64_MAX && i != INT64_MIN;
	}
	if (isfinite(d) && fabs(d) < 9007199254740992.0 && d == (double)(int64_t)d) {
		*out = (int64_t)d;
		return true;
	}
	return false;
}

static int
on_number(void *ctx, const char *s, size_t n)
{
	struct scan *sc = SC(ctx);
	bool is_int;
	int64_t v;
	double d;

	switch (value_key(sc)) {
	case K_SEV:
		if (as_int(s, n, &v) && v >= 0 && v < 1000)
			sc->a->severity = (int)v;
		break;
	case K_UPTIME:
		d = number(s, n, &is_int, &v);
		if (isfinite(d))
			sc->s->uptime = d;
		break;
	case K_PACKETS:
		sc->has_packets = as_int(s, n, &sc->packets);
		break;
	case K_DROPS:
		sc->has_drops = as_int(s, n, &sc->drops);
		break;
	default:
		break;
	}
	return 1;
}

static const yajl_callbacks callbacks = {
	.yajl_null = on_scalar, .yajl_boolean = on_bool, .yajl_number = on_number,
	.yajl_string = on_string, .yajl_start_map = on_start_map, .yajl_map_key = on_key,
	.yajl_end_map = on_end, .yajl_start_array = on_start_array, .yajl_end_array = on_end,
};

static bool
only_space(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\n' && p[i] != '\r')
			return false;
	return true;
}

static enum pl_eve_type
failed(yajl_handle h, struct scan *sc, const char *line, size_t len, char *err,
       size_t errlen)
{
	const unsigned char *u = (const unsigned char *)line;
	unsigned char *m;
	size_t at = yajl_get_bytes_consumed(h);

	if (sc->too_deep) {
		pl_snprintf(err, errlen, _("nested deeper than %d levels"), PL_EVESCAN_MAX_DEPTH);
		return PL_EVE_MALFORMED;
	}
	m = yajl_get_error(h, 0, u, len);
	if (m != NULL && strstr((const char *)m, "premature EOF") != NULL) {
		/* pl_json's words for a line cut short */
		pl_snprintf(err, errlen, _("the JSON ends before its last value is closed"));
		yajl_free_error(h, m);
	} else if (m != NULL) {
		size_t n = strcspn((const char *)m, "\n");

		while (n > 0 && (m[n - 1] == '.' || m[n - 1] == ' '))
			n--;
		pl_snprintf(err, errlen, _("column %zu: %.*s"), (at < len ? at : len) + 1, (int)n,
			    (const char *)m);
		yajl_free_error(h, m);
	} else {
		pl_snprintf(err, errlen, _("column %zu: not JSON"), (at < len ? at : len) + 1);
	}
	return PL_EVE_MALFORMED;
}

/* The fields read into the event of the type the line said. */
static enum pl_eve_type
finish(struct scan *sc)
{
	struct pl_time t;
	bool has_time = sc->tslen < sizeof(sc->ts) &&
			pl_ids_time_parse(sc->ts, sc->tslen, &t) == 0;

	if (sc->type == PL_EVE_ALERT) {
		sc->a->has_time = has_time;
		if (has_time)
			sc->a->time = t;
	} else if (sc->type == PL_EVE_STATS) {
		struct pl_eve_stats *s = sc->s;

		s->has_time = has_time;
		if (has_time)
			s->time = t;
		s->has_capture = sc->has_packets && sc->has_drops && sc->packets >= 0 &&
				 sc->drops >= 0;
		s->kernel_packets = s->has_capture ? (uint64_t)sc->packets : 0;
		s->kernel_drops = s->has_capture ? (uint64_t)sc->drops : 0;
	}
	return sc->type;
}

enum pl_eve_type
pl_evescan_line(const char *line, size_t len, struct pl_ids_alert *a,
		struct pl_eve_stats *s, char *err, size_t errlen)
{
	struct scan sc;
	yajl_alloc_funcs af = { ar_malloc, ar_realloc, ar_free, &sc.ar };
	yajl_handle h;
	yajl_status st;
	enum pl_eve_type t;

	if (len == 0 || only_space(line, len)) {
		pl_snprintf(err, errlen, _("empty input"));
		return PL_EVE_MALFORMED;
	}
	/* yajl takes a form feed or a vertical tab for a blank; JSON does not (nor does
	 * json-c), and in a string it is a control character JSON wants escaped. */
	for (const char *c = "\f\v"; *c != '\0'; c++) {
		const char *at = memchr(line, *c, len);

		if (at != NULL) {
			pl_snprintf(err, errlen, _("column %zu: a control character (\\%c) outside "
				    "an escape"), (size_t)(at - line) + 1, *c == '\f' ? 'f' : 'v');
			return PL_EVE_MALFORMED;
		}
	}
	memset(a, 0, sizeof(*a));
	memset(s, 0, sizeof(*s));
	a->severity = -1;
	s->uptime = -1;
	sc.a = a;
	sc.s = s;
	sc.depth = 0;
	sc.key = K_NONE;
	sc.in[0] = 0;
	sc.type = PL_EVE_OTHER;
	sc.not_object = sc.too_deep = sc.has_packets = sc.has_drops = false;
	sc.packets = sc.drops = 0;
	sc.tslen = sizeof(sc.ts);
	sc.ar.used = 0;
	sc.end = len;
	h = sc.h = yajl_alloc(&callbacks, &af, &sc);
	if (h == NULL) {
		pl_snprintf(err, errlen, _("out of memory"));
		return PL_EVE_MALFORMED;
	}
	/* json-c does not check UTF-8 either: a string is its bytes. */
	yajl_config(h, yajl_dont_validate_strings, 1);
	st = yajl_parse(h, (const unsigned char *)line, len);
	if (st == yajl_status_ok)
		st = yajl_complete_parse(h);
	if (st != yajl_status_ok)
		t = failed(h, &sc, line, len, err, errlen);
	else if (sc.not_object)
		t = (pl_snprintf(err, errlen, _("not a JSON object")), PL_EVE_MALFORMED);
	else if (sc.end < len && !only_space(line + sc.end, len - sc.end))
		t = (pl_snprintf(err, errlen, _("column %zu: text after the JSON value"), sc.end + 1),
		     PL_EVE_MALFORMED);
	else
		t = finish(&sc);
	yajl_free(h);
	return t;
}
