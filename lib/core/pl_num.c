#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pl_num.h"

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int
pl_scan_u64(const char **p, const char *end, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;

	const char *fast;
	unsigned d;

	if (s >= end || !is_digit(*s))
		return -1;
	/* 19 digits always fit in 64 bits: only a 20th (or later) can overflow, so the
	 * first 19 go without the check (most numbers are short: this is the hot loop of
	 * every /proc parse). */
	fast = end - s > 19 ? s + 19 : end;
	while (s < fast && (d = (unsigned)(*s - '0')) <= 9) {
		v = v * 10 + d;
		s++;
	}
	for (; s < end && is_digit(*s); s++) {
		d = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*p = s;
	*out = v;
	return 0;
}

int
pl_scan_i64(const char **p, const char *end, int64_t *out)
{
	const char *s = *p;
	int neg = 0;
	uint64_t v;

	if (s < end && (*s == '-' || *s == '+')) {
		neg = *s == '-';
		s++;
	}
	if (pl_scan_u64(&s, end, &v) != 0)
		return -1;
	if (neg) {
		if (v > (uint64_t)INT64_MAX + 1)
			return -1;
		*out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	} else {
		if (v > (uint64_t)INT64_MAX)
			return -1;
		*out = (int64_t)v;
	}
	*p = s;
	return 0;
}

int
pl_scan_double(const char **p, const char *end, double *out)
{
	const char *s = *p;
	int neg = 0, digits = 0;
	double v = 0, scale = 1;

	if (s < end && (*s == '-' || *s == '+')) {
		neg = *s == '-';
		s++;
	}
	for (; s < end && is_digit(*s); s++, digits++)
		v = v * 10 + (*s - '0');
	if (s < end && *s == '.' && s + 1 < end && is_digit(s[1])) {
		uint64_t frac = 0;
		int nfrac = 0;

		for (s++; s < end && is_digit(*s); s++, digits++) {
			/* Digits beyond 18 cannot change a double; they are read and dropped. */
			if (nfrac < 18) {
				frac = frac * 10 + (uint64_t)(*s - '0');
				scale *= 10;
				nfrac++;
			}
		}
		v += (double)frac / scale;
	}
	if (digits == 0 || !isfinite(v))
		return -1;
	*out = neg ? -v : v;
	*p = s;
	return 0;
}

void
pl_skip_blanks(const char **p, const char *end)
{
	while (*p < end && (**p == ' ' || **p == '\t'))
		(*p)++;
}

int
pl_scan_field_u64(const char **p, const char *end, uint64_t *out)
{
	const char *s = *p;

	if (pl_scan_u64(p, end, out) != 0)
		return -1;
	if (*p < end && **p != ' ' && **p != '\t') {
		*p = s;
		return -1;
	}
	return 0;
}

int
pl_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	const char *p = s, *end = s + strlen(s);
	int64_t v;

	if (pl_scan_i64(&p, end, &v) != 0 || p != end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int
pl_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	const char *p = s, *end = s + strlen(s);
	uint64_t v;

	if (pl_scan_u64(&p, end, &v) != 0 || p != end || v > max)
		return -1;
	*out = v;
	return 0;
}

/* "%.*f" of v without stdio, where that is exact (perfdata of a thousand interfaces is
 * ten thousand numbers): |v| * 10^prec below 2^42, so that the product is within 2^-11
 * of the true value, and not within 1/1024 of a tie, so that it rounds as the exact
 * binary value does (printf's rule); anything else is left to snprintf (returns -1). The
 * text is written as snprintf would (sign, digits, the point and prec decimals), or
 * "U" when that does not fit in len. */
static int
fmt_fast(char *buf, size_t len, double v, int prec)
{
	static const double p10[10] = { 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9 };
	char d[24];
	double s = fabs(v) * p10[prec], frac;
	uint64_t u;
	size_t nd = 0, need, o = 0;

	if (!(s < 4398046511104.0))     /* 2^42 */
		return -1;
	u = (uint64_t)s;        /* 0 <= s < 2^42: the cast is floor, exactly, without libm */
	frac = s - (double)u;
	if (fabs(frac - 0.5) < 1.0 / 1024)
		return -1;
	u += (frac > 0.5);
	do {
		d[nd++] = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	while (nd < (size_t)prec + 1)
		d[nd++] = '0';
	need = (signbit(v) ? 1 : 0) + nd + (prec > 0 ? 1 : 0);
	if (need >= len) {
		snprintf(buf, len, "U");
		return 0;
	}
	if (signbit(v))
		buf[o++] = '-';
	while (nd > 0) {
		if (nd == (size_t)prec && prec > 0)
			buf[o++] = '.';
		buf[o++] = d[--nd];
	}
	buf[o] = '\0';
	return 0;
}

char *
pl_fmt_num(char *buf, size_t len, double v, int prec)
{
	char *dot;
	size_t n;

	if (len == 0)
		return buf;
	if (!isfinite(v)) {
		snprintf(buf, len, "U");
		return buf;
	}
	if (prec < 0)
		prec = 0;
	if (prec > 9)
		prec = 9;
	/* A number that does not fit is not cut: it is undeterminable ("U") rather than
	 * shown ten times too small. */
	if (fmt_fast(buf, len, v, prec) == 0) {
		if (buf[0] == 'U')
			return buf;
	} else if ((size_t)snprintf(buf, len, "%.*f", prec, v) >= len) {
		snprintf(buf, len, "U");
		return buf;
	}
	/* Whatever the C library did with the locale, the separator we print is '.'. */
	for (char *q = buf; *q; q++)
		if (*q != '-' && !is_digit(*q))
			*q = '.';
	dot = strchr(buf, '.');
	if (dot != NULL) {
		n = strlen(buf);
		while (n > 0 && buf[n - 1] == '0')
			buf[--n] = '\0';
		if (n > 0 && buf[n - 1] == '.')
			buf[--n] = '\0';
	}
	if (strcmp(buf, "-0") == 0)
		pl_fmt_num(buf, len, 0, 0);
	return buf;
}
