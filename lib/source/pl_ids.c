/* pl_ids: intrusion detection's text formats (see pl_ids.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pl_i18n.h"
#include "pl_buf.h"
#include "pl_ids.h"

/* Copies [p, p + n) into dst (size bytes), cut, NUL-terminated; a NUL ends it. */
static void
copy(char *dst, size_t size, const char *p, size_t n)
{
	const char *nul = memchr(p, '\0', n);

	if (nul != NULL)
		n = (size_t)(nul - p);
	if (n > size - 1)
		n = size - 1;
	memcpy(dst, p, n);
	dst[n] = '\0';
}

static const char *
find(const char *p, const char *end, const char *s)
{
	size_t n = strlen(s);

	if (p >= end || (size_t)(end - p) < n)
		return NULL;
	return memmem(p, (size_t)(end - p), s, n);
}

/* The last occurrence of s in [p, end). */
static const char *
rfind(const char *p, const char *end, const char *s)
{
	const char *last = NULL, *q;

	while ((q = find(p, end, s)) != NULL) {
		last = q;
		p = q + 1;
	}
	return last;
}

static const char *
skip_blanks(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

static bool
starts(const char *p, const char *end, const char *s)
{
	size_t n = strlen(s);

	return (size_t)(end - p) >= n && memcmp(p, s, n) == 0;
}

/* A decimal number of at most 9 digits at *pp; moves *pp past it. -1: none. */
static long
number(const char **pp, const char *end)
{
	const char *p = *pp;
	long v = 0;
	int digits = 0;

	while (p < end && *p >= '0' && *p <= '9' && digits < 9) {
		v = v * 10 + (*p - '0');
		p++;
		digits++;
	}
	if (digits == 0 || (p < end && *p >= '0' && *p <= '9'))
		return -1;
	*pp = p;
	return v;
}

/* An address as Snort prints it, without its port: "192.0.2.1:80", "[2001:db8::1]:80"
 * or a bare address (ICMP, or IPv6 without a port). */
static void
addr_noport(char *dst, size_t size, const char *p, const char *end)
{
	const char *colon;

	if (p < end && *p == '[') {
		const char *close = memchr(p, ']', (size_t)(end - p));

		if (close != NULL) {
			copy(dst, size, p + 1, (size_t)(close - p - 1));
			return;
		}
	}
	colon = memchr(p, ':', (size_t)(end - p));
	if (colon != NULL && memchr(colon + 1, ':', (size_t)(end - colon - 1)) == NULL)
		end = colon;
	copy(dst, size, p, (size_t)(end - p));
}

/* Two digits at *pp then the byte sep (0: none needed); moves *pp past them. -1: no. */
static int
two(const char **pp, const char *end, char sep)
{
	const char *p = *pp;
	int v;

	if (end - p < 2 || p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9')
		return -1;
	v = (p[0] - '0') * 10 + (p[1] - '0');
	p += 2;
	if (sep != 0) {
		if (p >= end || *p != sep)
			return -1;
		p++;
	}
	*pp = p;
	return v;
}

/* Seconds since the epoch of a civil time, in UTC or in local time (-1 on failure). */
static int
civil(int64_t y, int mo, int d, int h, int mi, int sec, bool utc, int64_t *out)
{
	int64_t days = pl_days_from_civil(y, mo, d), yy;
	int m2, d2;
	struct tm tm;
	time_t t;

	pl_civil_from_days(days, &yy, &m2, &d2);
	if (yy != y || m2 != mo || d2 != d)
		return -1;     /* 02/30 */
	if (utc) {
		*out = days * 86400 + h * 3600 + mi * 60 + sec;
		return 0;
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (int)(y - 1900);
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	if (t == (time_t)-1 && !(y == 1969 && mo == 12 && d == 31))
		return -1;
	*out = (int64_t)t;
	return 0;
}

int
pl_snort_fast_time(const char *line, size_t len, const struct pl_time *now, bool utc,
		   struct pl_time *out)
{
	const char *p = line, *end = line + len;
	int mo, d, yy = -1, h, mi, sec;
	long nsec = 0;
	int64_t y, t;

	if ((mo = two(&p, end, '/')) < 1 || mo > 12)
		return -1;
	if ((d = two(&p, end, 0)) < 1 || d > 31)
		return -1;
	if (p < end && *p == '/') {
		p++;
		if ((yy = two(&p, end, 0)) < 0)
			return -1;
	}
	if (p >= end || *p++ != '-')
		return -1;
	if ((h = two(&p, end, ':')) < 0 || h > 23 || (mi = two(&p, end, ':')) < 0 || mi > 59 ||
	    (sec = two(&p, end, 0)) < 0 || sec > 60)
		return -1;
	if (p < end && *p == '.') {
		int k = 0;

		for (p++; p < end && *p >= '0' && *p <= '9'; p++, k++)
			if (k < 9)
				nsec = nsec * 10 + (*p - '0');
		if (k == 0)
			return -1;
		for (; k < 9; k++)
			nsec *= 10;
	}
	if (p < end && *p != ' ' && *p != '\t')
		return -1;
	if (yy >= 0) {
		y = 2000 + yy;
	} else {
		/* now's year, in the zone the stamp is read in */
		time_t n = (time_t)now->sec;
		struct tm tm;

		if ((utc ? gmtime_r(&n, &tm) : localtime_r(&n, &tm)) == NULL)
			return -1;
		y = tm.tm_year + 1900;
	}
	if (civil(y, mo, d, h, mi, sec, utc, &t) != 0)
		return -1;
	if (yy < 0 && t > now->sec + 86400) {
		/* last year's (02/29 of a leap year read in a year without one: refused) */
		if (civil(y - 1, mo, d, h, mi, sec, utc, &t) != 0)
			return -1;
	}
	out->sec = t;
	out->nsec = (int32_t)nsec;
	return 0;
}

int
pl_snort_fast_parse(const char *line, size_t len, struct pl_ids_alert *a)
{
	const char *end = line + len, *p, *q, *close;

	memset(a, 0, sizeof(*a));
	a->severity = -1;
	while (end > line && (end[-1] == '\r' || end[-1] == ' '))
		end--;
	p = find(line, end, "[**]");
	if (p == NULL)
		return -1;
	p = skip_blanks(p + 4, end);
	/* [GID:SID:REV] */
	if (p >= end || *p != '[')
		return -1;
	p++;
	for (int k = 0; k < 3; k++) {
		if (number(&p, end) < 0)
			return -1;
		if (p >= end || *p != (k < 2 ? ':' : ']'))
			return -1;
		p++;
	}
	p = skip_blanks(p, end);
	close = find(p, end, "[**]");
	if (close == NULL)
		return -1;
	q = close;
	while (q > p && (q[-1] == ' ' || q[-1] == '\t'))
		q--;
	if (q - p >= 2 && *p == '"' && q[-1] == '"') {
		p++;
		q--;
	}
	copy(a->signature, sizeof(a->signature), p, (size_t)(q - p));
	p = close + 4;
	for (;;) {
		p = skip_blanks(p, end);
		if (p >= end)
			return 0;    /* a line cut after the message: what it has */
		if (starts(p, end, "[Classification:")) {
			p = skip_blanks(p + 16, end);
			q = memchr(p, ']', (size_t)(end - p));
			if (q == NULL)
				return -1;
			copy(a->category, sizeof(a->category), p, (size_t)(q - p));
			p = q + 1;
		} else if (starts(p, end, "[Priority:")) {
			long v;

			p = skip_blanks(p + 10, end);
			v = number(&p, end);
			p = skip_blanks(p, end);
			if (v < 0 || p >= end || *p != ']')
				return -1;
			a->severity = (int)v;
			p++;
		} else if (*p == '[') {
			/* [Xref => ...] and other bracketed extras: skipped. */
			q = memchr(p, ']', (size_t)(end - p));
			if (q == NULL)
				return -1;
			p = q + 1;
		} else if (*p == '{') {
			const char *arrow;

			q = memchr(p, '}', (size_t)(end - p));
			if (q == NULL)
				return -1;
			p = skip_blanks(q + 1, end);
			arrow = find(p, end, " -> ");
			if (arrow == NULL)
				return -1;
			addr_noport(a->src, sizeof(a->src), p, arrow);
			p = arrow + 4;
			q = p;
			while (q < end && *q != ' ')
				q++;
			addr_noport(a->dest, sizeof(a->dest), p, q);
			return 0;
		} else {
			return -1;
		}
	}
}

/* The word at p up to a blank (an address). */
static void
word(char *dst, size_t size, const char *p, const char *end)
{
	const char *q = p;

	while (q < end && *q != ' ' && *q != '\t')
		q++;
	copy(dst, size, p, (size_t)(q - p));
}

/* "U from A ..." with U possibly holding blanks: the user up to the last " from ". */
static bool
user_from(const char *p, const char *end, struct pl_auth_event *e)
{
	const char *from = rfind(p, end, " from ");

	if (from == NULL) {
		/* "Invalid user  from ..." starts with the blank of an empty user. */
		if (!starts(p, end, "from "))
			return false;
		e->user[0] = '\0';
		word(e->addr, sizeof(e->addr), p + 5, end);
		return e->addr[0] != '\0';
	}
	copy(e->user, sizeof(e->user), p, (size_t)(from - p));
	word(e->addr, sizeof(e->addr), from + 6, end);
	return e->addr[0] != '\0';
}

enum pl_auth_kind
pl_auth_msg(const char *msg, size_t len, struct pl_auth_event *e)
{
	const char *p = msg, *end = msg + len;

	memset(e, 0, sizeof(*e));
	e->count = 1;
	while (end > p && (end[-1] == '\r' || end[-1] == ' '))
		end--;
	if (starts(p, end, "message repeated ")) {
		long n;

		p += 17;
		n = number(&p, end);
		if (n < 1 || !starts(p, end, " times: [ "))
			return PL_AUTH_NONE;
		p += 10;
		if (end > p && end[-1] == ']')
			end--;
		while (end > p && end[-1] == ' ')
			end--;
		e->count = (unsigned)n;
	}
	if (starts(p, end, "Failed ")) {
		const char *f = find(p + 7, end, " for ");

		if (f == NULL)
			return PL_AUTH_NONE;
		p = f + 5;
		if (starts(p, end, "invalid user ")) {
			e->invalid_user = true;
			p += 13;
		}
		/* "... from A port P ssh2" or "... from A port P ssh2: RSA SHA256:...". */
		{
			const char *port = rfind(p, end, " port ");
			const char *lim = port != NULL ? port : end;

			if (!user_from(p, lim + (port != NULL ? 1 : 0), e))
				return PL_AUTH_NONE;
		}
		e->kind = PL_AUTH_FAILED;
		return e->kind;
	}
	if (starts(p, end, "Invalid user ")) {
		const char *port;

		p += 13;
		port = rfind(p, end, " port ");
		if (!user_from(p, port != NULL ? port + 1 : end, e))
			return PL_AUTH_NONE;
		e->invalid_user = true;
		e->kind = PL_AUTH_INVALID_USER;
		return e->kind;
	}
	return PL_AUTH_NONE;
}

enum pl_auth_kind
pl_auth_line(const char *line, size_t len, struct pl_auth_event *e)
{
	static const char *const tags[] = { " sshd[", " sshd-session[", " sshd: " };
	const char *end = line + len;

	memset(e, 0, sizeof(*e));
	for (size_t k = 0; k < sizeof(tags) / sizeof(tags[0]); k++) {
		const char *t = find(line, end, tags[k]), *m;

		if (t == NULL)
			continue;
		if (k < 2) {
			m = find(t, end, "]: ");
			if (m == NULL)
				return PL_AUTH_NONE;
			m += 3;
		} else {
			m = t + 7;
		}
		return pl_auth_msg(m, (size_t)(end - m), e);
	}
	return PL_AUTH_NONE;
}

enum pl_f2b_kind
pl_f2b_log_line(const char *line, size_t len, struct pl_f2b_event *e)
{
	const char *end = line + len, *p, *q;

	memset(e, 0, sizeof(*e));
	p = find(line, end, " fail2ban.actions");
	if (p == NULL)
		return PL_F2B_NONE;
	p = find(p, end, "]: ");
	if (p == NULL)
		return PL_F2B_NONE;
	p += 3;
	while (p < end && *p >= 'A' && *p <= 'Z')      /* NOTICE, WARNING, INFO */
		p++;
	p = skip_blanks(p, end);
	if (p >= end || *p != '[')
		return PL_F2B_NONE;
	q = find(p, end, "] ");
	if (q == NULL || q == p + 1)
		return PL_F2B_NONE;
	copy(e->jail, sizeof(e->jail), p + 1, (size_t)(q - p - 1));
	if (e->jail[0] == '\0')          /* a NUL first */
		return PL_F2B_NONE;
	p = q + 2;
	if (starts(p, end, "Ban "))
		e->kind = PL_F2B_BAN, p += 4;
	else if (starts(p, end, "Unban "))
		e->kind = PL_F2B_UNBAN, p += 6;
	else
		return e->kind = PL_F2B_NONE;
	word(e->addr, sizeof(e->addr), p, end);
	if (e->addr[0] == '\0')
		return e->kind = PL_F2B_NONE;
	return e->kind;
}

/* fail2ban-client's reply: a small reader of Python literals (lists, dicts, strings). */
struct py {
	const char *p, *end;
};

static void
py_ws(struct py *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' ||
				 *r->p == '\r'))
		r->p++;
}

static bool
py_ch(struct py *r, char c)
{
	py_ws(r);
	if (r->p < r->end && *r->p == c) {
		r->p++;
		return true;
	}
	return false;
}

/* A quoted string ('...' or "..."), its escapes kept as written (names and addresses
 * hold none). Copies it into dst. */
static bool
py_str(struct py *r, char *dst, size_t size)
{
	const char *s;
	char q;

	py_ws(r);
	if (r->p >= r->end || (*r->p != '\'' && *r->p != '"'))
		return false;
	q = *r->p++;
	s = r->p;
	while (r->p < r->end && *r->p != q) {
		if (*r->p == '\\' && r->p + 1 < r->end)
			r->p++;
		r->p++;
	}
	if (r->p >= r->end)
		return false;
	copy(dst, size, s, (size_t)(r->p - s));
	r->p++;
	return true;
}

int
pl_f2b_banned_parse(const char *buf, size_t len, struct pl_f2b_banned *out, char *err,
		    size_t errlen)
{
	struct py r = { buf, buf + len };
	size_t cap = 0;

	memset(out, 0, sizeof(*out));
	if (!py_ch(&r, '['))
		goto bad;
	if (py_ch(&r, ']'))
		goto done;
	do {
		struct pl_f2b_jail j;

		memset(&j, 0, sizeof(j));
		if (!py_ch(&r, '{') || !py_str(&r, j.name, sizeof(j.name)) || !py_ch(&r, ':') ||
		    !py_ch(&r, '['))
			goto bad;
		if (!py_ch(&r, ']')) {
			do {
				char a[PL_IDS_ADDR];

				if (!py_str(&r, a, sizeof(a)))
					goto bad;
				if (j.naddr < PL_F2B_ADDRS)
					memcpy(j.addr[j.naddr++], a, sizeof(a));
				j.banned++;
			} while (py_ch(&r, ','));
			if (!py_ch(&r, ']'))
				goto bad;
		}
		if (!py_ch(&r, '}'))
			goto bad;
		if (out->n >= PL_F2B_JAILS) {
			out->more++;
			out->more_banned += j.banned;
			continue;
		}
		if (out->n == cap) {
			size_t nc = cap ? cap * 2 : 8;
			struct pl_f2b_jail *v = realloc(out->v, nc * sizeof(*v));

			if (v == NULL) {
				pl_snprintf(err, errlen, _("out of memory"));
				pl_f2b_banned_free(out);
				return -1;
			}
			out->v = v;
			cap = nc;
		}
		out->v[out->n++] = j;
	} while (py_ch(&r, ','));
	if (!py_ch(&r, ']'))
		goto bad;
done:
	py_ws(&r);
	if (r.p != r.end)
		goto bad;
	return 0;
bad:
	pl_snprintf(err, errlen, _("not the list of jails and addresses fail2ban-client "
		    "'banned' prints (at byte %zu)"), (size_t)(r.p - buf));
	pl_f2b_banned_free(out);
	return -1;
}

void
pl_f2b_banned_free(struct pl_f2b_banned *b)
{
	free(b->v);
	memset(b, 0, sizeof(*b));
}

int
pl_ids_time_parse(const char *s, size_t len, struct pl_time *out)
{
	char buf[64], err[64];

	if (len < 6 || len > sizeof(buf) - 2)
		return -1;
	if ((s[len - 5] == '+' || s[len - 5] == '-') && memchr(s + len - 4, ':', 4) == NULL) {
		memcpy(buf, s, len - 2);
		buf[len - 2] = ':';
		memcpy(buf + len - 1, s + len - 2, 2);
		return pl_rfc3339_parse(buf, len + 1, out, err, sizeof(err));
	}
	return pl_rfc3339_parse(s, len, out, err, sizeof(err));
}
