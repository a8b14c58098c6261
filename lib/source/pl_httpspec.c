/* pl_httpspec: status lists and mappings, status lines, certificate times and timing
 * phases of an HTTP check (see pl_httpspec.h). */
#include "config.h"

#include <math.h>
#include <string.h>

#include "pl_buf.h"
#include "pl_clock.h"
#include "pl_httpspec.h"
#include "pl_i18n.h"

static bool
blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool
digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A three-digit code at s[0..n): 0 and *v, or -1. */
static int
code3(const char *s, size_t n, int *v)
{
	if (n != 3 || !digit(s[0]) || !digit(s[1]) || !digit(s[2]))
		return -1;
	*v = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
	return *v >= 100 ? 0 : -1;
}

/* One entry ("200", "200-299", "2xx") of s[0..n), trimmed: its range. */
static int
entry(const char *s, size_t n, uint16_t *lo, uint16_t *hi, char *err, size_t errlen)
{
	const char *dash;
	int a, b;

	while (n > 0 && blank(s[0])) {
		s++;
		n--;
	}
	while (n > 0 && blank(s[n - 1]))
		n--;
	if (n == 0) {
		pl_snprintf(err, errlen, _("an empty entry (give codes like 200, 301-302 or 5xx)"));
		return -1;
	}
	if (n == 3 && digit(s[0]) && s[0] != '0' && (s[1] == 'x' || s[1] == 'X') &&
	    (s[2] == 'x' || s[2] == 'X')) {
		*lo = (uint16_t)((s[0] - '0') * 100);
		*hi = (uint16_t)(*lo + 99);
		return 0;
	}
	dash = memchr(s, '-', n);
	if (dash == NULL) {
		if (code3(s, n, &a) != 0)
			goto bad;
		*lo = *hi = (uint16_t)a;
		return 0;
	}
	if (code3(s, (size_t)(dash - s), &a) != 0 ||
	    code3(dash + 1, n - (size_t)(dash - s) - 1, &b) != 0)
		goto bad;
	if (b < a) {
		pl_snprintf(err, errlen, _("a range that ends before it starts (write it low-high)"));
		return -1;
	}
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return 0;
bad:
	pl_snprintf(err, errlen, _("not a status code, range or class (give codes from 100 to 999 "
		    "like 200, ranges like 301-302, classes like 5xx)"));
	return -1;
}

/* Calls fn for each ','-separated entry of s[0..len). */
static int
each_entry(const char *s, size_t len, int (*fn)(void *, const char *, size_t, char *, size_t),
	   void *ctx, char *err, size_t errlen)
{
	const char *end = s + len;

	if (len == 0) {
		pl_snprintf(err, errlen, _("an empty list"));
		return -1;
	}
	for (;;) {
		const char *comma = memchr(s, ',', (size_t)(end - s));
		const char *e = comma != NULL ? comma : end;

		if (memchr(s, '\0', (size_t)(e - s)) != NULL) {
			pl_snprintf(err, errlen, _("a NUL byte in the list"));
			return -1;
		}
		if (fn(ctx, s, (size_t)(e - s), err, errlen) != 0)
			return -1;
		if (comma == NULL)
			return 0;
		s = comma + 1;
	}
}

static int
codes_one(void *ctx, const char *s, size_t n, char *err, size_t errlen)
{
	struct pl_http_codes *c = ctx;
	uint16_t lo, hi;

	if (entry(s, n, &lo, &hi, err, errlen) != 0)
		return -1;
	if (c->n >= PL_HTTP_CODES_MAX) {
		pl_snprintf(err, errlen, _("more than %d entries"), PL_HTTP_CODES_MAX);
		return -1;
	}
	c->v[c->n].lo = lo;
	c->v[c->n].hi = hi;
	c->n++;
	return 0;
}

int
pl_http_codes_parse(const char *s, size_t len, struct pl_http_codes *c, char *err,
		    size_t errlen)
{
	struct pl_http_codes tmp = *c;

	if (each_entry(s, len, codes_one, &tmp, err, errlen) != 0)
		return -1;
	*c = tmp;
	return 0;
}

bool
pl_http_codes_has(const struct pl_http_codes *c, int code)
{
	for (size_t i = 0; i < c->n; i++)
		if (code >= c->v[i].lo && code <= c->v[i].hi)
			return true;
	return false;
}

void
pl_http_codes_format(const struct pl_http_codes *c, char *out, size_t len)
{
	struct pl_buf b;

	pl_buf_init(&b, len > 0 ? len - 1 : 0);
	for (size_t i = 0; i < c->n; i++) {
		if (i)
			pl_buf_puts(&b, ", ");
		if (c->v[i].lo == c->v[i].hi)
			pl_buf_printf(&b, "%u", c->v[i].lo);
		else if (c->v[i].lo % 100 == 0 && c->v[i].hi == c->v[i].lo + 99)
			pl_buf_printf(&b, "%uxx", c->v[i].lo / 100);
		else
			pl_buf_printf(&b, "%u-%u", c->v[i].lo, c->v[i].hi);
	}
	if (len > 0)
		pl_strlcpy(out, pl_buf_str(&b), len);
	pl_buf_free(&b);
}

static int
map_one(void *ctx, const char *s, size_t n, char *err, size_t errlen)
{
	struct pl_http_map *m = ctx;
	const char *eq = memchr(s, '=', n);
	char st[16];
	size_t sl, so;
	enum pl_state state;
	uint16_t lo, hi;

	if (eq == NULL) {
		pl_snprintf(err, errlen, _("an entry without '=' (write CODES=STATE, like 404=ok or "
			    "5xx=critical)"));
		return -1;
	}
	if (entry(s, (size_t)(eq - s), &lo, &hi, err, errlen) != 0)
		return -1;
	so = (size_t)(eq + 1 - s);
	while (so < n && blank(s[so]))
		so++;
	sl = n - so;
	while (sl > 0 && blank(s[so + sl - 1]))
		sl--;
	if (sl == 0 || sl >= sizeof(st)) {
		pl_snprintf(err, errlen, _("not a state after '=' (give ok, warning, critical or "
			    "unknown)"));
		return -1;
	}
	memcpy(st, s + so, sl);
	st[sl] = '\0';
	if (pl_state_parse(st, &state) != 0) {
		pl_snprintf(err, errlen, _("not a state after '=' (give ok, warning, critical or "
			    "unknown)"));
		return -1;
	}
	if (m->n >= PL_HTTP_CODES_MAX) {
		pl_snprintf(err, errlen, _("more than %d entries"), PL_HTTP_CODES_MAX);
		return -1;
	}
	m->v[m->n].lo = lo;
	m->v[m->n].hi = hi;
	m->v[m->n].state = state;
	m->n++;
	return 0;
}

int
pl_http_map_parse(const char *s, size_t len, struct pl_http_map *m, char *err, size_t errlen)
{
	struct pl_http_map tmp = *m;

	if (each_entry(s, len, map_one, &tmp, err, errlen) != 0)
		return -1;
	*m = tmp;
	return 0;
}

enum pl_state
pl_http_judge(int code, const struct pl_http_map *map, const struct pl_http_codes *expect,
	      int *how)
{
	int best = -1, dummy;

	if (how == NULL)
		how = &dummy;
	for (size_t i = 0; map != NULL && i < map->n; i++) {
		if (code < map->v[i].lo || code > map->v[i].hi)
			continue;
		if (best < 0 || map->v[i].hi - map->v[i].lo <=
				map->v[best].hi - map->v[best].lo)
			best = (int)i;
	}
	if (best >= 0) {
		*how = 1;
		return map->v[best].state;
	}
	if (expect != NULL && expect->n > 0) {
		*how = 2;
		return pl_http_codes_has(expect, code) ? PL_OK : PL_CRITICAL;
	}
	*how = 3;
	if (code >= 100 && code <= 399)
		return PL_OK;
	if (code >= 400 && code <= 499)
		return PL_WARNING;
	return PL_CRITICAL;
}

static const struct {
	int code;
	const char *text;
} reasons[] = {
	{ 100, "Continue" }, { 101, "Switching Protocols" }, { 103, "Early Hints" },
	{ 200, "OK" }, { 201, "Created" }, { 202, "Accepted" },
	{ 203, "Non-Authoritative Information" }, { 204, "No Content" },
	{ 205, "Reset Content" }, { 206, "Partial Content" }, { 300, "Multiple Choices" },
	{ 301, "Moved Permanently" }, { 302, "Found" }, { 303, "See Other" },
	{ 304, "Not Modified" }, { 307, "Temporary Redirect" }, { 308, "Permanent Redirect" },
	{ 400, "Bad Request" }, { 401, "Unauthorized" }, { 402, "Payment Required" },
	{ 403, "Forbidden" }, { 404, "Not Found" }, { 405, "Method Not Allowed" },
	{ 406, "Not Acceptable" }, { 407, "Proxy Authentication Required" },
	{ 408, "Request Timeout" }, { 409, "Conflict" }, { 410, "Gone" },
	{ 411, "Length Required" }, { 412, "Precondition Failed" },
	{ 413, "Content Too Large" }, { 414, "URI Too Long" },
	{ 415, "Unsupported Media Type" }, { 416, "Range Not Satisfiable" },
	{ 417, "Expectation Failed" }, { 421, "Misdirected Request" },
	{ 422, "Unprocessable Content" }, { 425, "Too Early" }, { 426, "Upgrade Required" },
	{ 428, "Precondition Required" }, { 429, "Too Many Requests" },
	{ 431, "Request Header Fields Too Large" }, { 451, "Unavailable For Legal Reasons" },
	{ 500, "Internal Server Error" }, { 501, "Not Implemented" }, { 502, "Bad Gateway" },
	{ 503, "Service Unavailable" }, { 504, "Gateway Timeout" },
	{ 505, "HTTP Version Not Supported" }, { 507, "Insufficient Storage" },
	{ 508, "Loop Detected" }, { 511, "Network Authentication Required" },
};

const char *
pl_http_reason(int code)
{
	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].code == code)
			return reasons[i].text;
	return "";
}

int
pl_http_status_line(const char *s, size_t len, int *code, char *version, size_t vlen,
		    char *reason, size_t rlen)
{
	size_t i = 5, v0, vn, r0, o = 0;

	while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r'))
		len--;
	if (len < 5 || memcmp(s, "HTTP/", 5) != 0)
		return -1;
	v0 = i;
	while (i < len && (digit(s[i]) || s[i] == '.'))
		i++;
	vn = i - v0;
	if (vn == 0 || vn > 3 || i >= len || s[i] != ' ')
		return -1;
	while (i < len && s[i] == ' ')
		i++;
	if (i + 3 > len || code3(s + i, 3, code) != 0)
		return -1;
	i += 3;
	if (i < len && s[i] != ' ')
		return -1;
	while (i < len && s[i] == ' ')
		i++;
	r0 = i;
	if (vlen > 0) {
		size_t n = vn < vlen - 1 ? vn : vlen - 1;

		memcpy(version, s + v0, n);
		version[n] = '\0';
	}
	if (rlen > 0) {
		for (i = r0; i < len && o + 1 < rlen; i++) {
			unsigned char c = (unsigned char)s[i];

			reason[o++] = c < 0x20 || c == 0x7f || c >= 0x80 ? '?' : (char)c;
		}
		reason[o] = '\0';
	}
	return 0;
}

/* n digits at *p into *v (advancing *p); -1 when they are not there. */
static int
num(const char **p, const char *end, size_t n, int *v)
{
	*v = 0;
	for (size_t i = 0; i < n; i++) {
		if (*p >= end || !digit(**p))
			return -1;
		*v = *v * 10 + (**p - '0');
		(*p)++;
	}
	return 0;
}

static int
lit(const char **p, const char *end, char c)
{
	if (*p >= end || **p != c)
		return -1;
	(*p)++;
	return 0;
}

int
pl_http_cert_time(const char *s, size_t len, int64_t *t, char *err, size_t errlen)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	static const unsigned char mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	const char *p = s, *end = s + len;
	int y, mo = 0, d, h, mi, sec;

	while (p < end && blank(*p))
		p++;
	while (end > p && (blank(end[-1]) || end[-1] == '\n' || end[-1] == '\r'))
		end--;
	if (end - p >= 4 && digit(p[0])) {
		/* 2027-03-01 12:00:00 GMT */
		if (num(&p, end, 4, &y) || lit(&p, end, '-') || num(&p, end, 2, &mo) ||
		    lit(&p, end, '-') || num(&p, end, 2, &d) || lit(&p, end, ' '))
			goto bad;
	} else {
		/* Mar  1 12:00:00 2027 GMT */
		for (int i = 0; i < 12; i++)
			if (end - p >= 3 && memcmp(p, months + 3 * i, 3) == 0)
				mo = i + 1;
		if (mo == 0)
			goto bad;
		p += 3;
		if (lit(&p, end, ' '))
			goto bad;
		if (p < end && *p == ' ')
			p++;
		if (p + 1 < end && digit(p[1])) {
			if (num(&p, end, 2, &d))
				goto bad;
		} else if (num(&p, end, 1, &d)) {
			goto bad;
		}
		if (lit(&p, end, ' '))
			goto bad;
		y = -1;
	}
	if (num(&p, end, 2, &h) || lit(&p, end, ':') || num(&p, end, 2, &mi) ||
	    lit(&p, end, ':') || num(&p, end, 2, &sec))
		goto bad;
	if (p < end && *p == '.') {
		p++;
		if (p >= end || !digit(*p))
			goto bad;
		while (p < end && digit(*p))
			p++;
	}
	if (y < 0 && (lit(&p, end, ' ') || num(&p, end, 4, &y)))
		goto bad;
	if (lit(&p, end, ' ') || end - p != 3 || memcmp(p, "GMT", 3) != 0)
		goto bad;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 || sec > 60 ||
	    (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))))
		goto bad;
	*t = pl_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	return 0;
bad:
	pl_snprintf(err, errlen, _("not a certificate time (like 'Mar  1 12:00:00 2027 GMT')"));
	return -1;
}

double
pl_http_days_left(int64_t t, int64_t now)
{
	return (double)(t - now) / 86400.0;
}

static double
since(double later, double earlier)
{
	return later > earlier ? later - earlier : 0.0;
}

void
pl_http_phases(const struct pl_http_times *t, struct pl_http_phases *out)
{
	bool ttfb = t->done || t->starttransfer > 0;
	bool tls = t->tls && (ttfb || t->appconnect > 0);
	bool conn = ttfb || tls || t->connect > 0;
	bool dns = conn || t->namelookup > 0;
	double ready = t->tls ? t->appconnect : t->connect;

	out->dns = dns ? t->namelookup : NAN;
	out->connect = conn ? since(t->connect, t->namelookup) : NAN;
	out->tls = tls ? since(t->appconnect, t->connect) : NAN;
	if (ttfb) {
		double from = t->pretransfer > 0 ? t->pretransfer : ready;

		out->ttfb = since(t->starttransfer > 0 ? t->starttransfer : t->total, from);
	} else {
		out->ttfb = NAN;
	}
	out->total = t->total >= 0 ? t->total : 0.0;
}
