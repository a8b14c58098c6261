#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pl_i18n.h"
#include "pl_buf.h"
#include "pl_clock.h"
#include "pl_file.h"

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. Years are counted
 * from March, so that the leap day is the last day of its year; a 400-year era has
 * 146097 days. Valid for any year a 4-digit field can hold, and well beyond. */
int64_t
pl_days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;                                   /* 0..399 */
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  /* 0..365 */
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           /* 0..146096 */
	return era * 146097 + doe - 719468;
}

/* The inverse: y-m-d of a day count from 1970-01-01. */
void
pl_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int
days_in_month(int64_t y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

/* A cursor over the text being parsed. */
struct scan {
	const char *p, *end;
};

/* Exactly n decimal digits. */
static bool
digits(struct scan *s, int n, int *out)
{
	int v = 0;

	if (s->end - s->p < n)
		return false;
	for (int i = 0; i < n; i++) {
		if (s->p[i] < '0' || s->p[i] > '9')
			return false;
		v = v * 10 + (s->p[i] - '0');
	}
	s->p += n;
	*out = v;
	return true;
}

static bool
lit(struct scan *s, char c)
{
	if (s->p == s->end || *s->p != c)
		return false;
	s->p++;
	return true;
}

static int
fail(char *err, size_t errlen, const char *why)
{
	pl_snprintf(err, errlen, _("not an RFC 3339 time (like 2026-12-01T21:30:00Z): %s"), why);
	return -1;
}

int
pl_rfc3339_parse(const char *text, size_t len, struct pl_time *out, char *err,
		 size_t errlen)
{
	struct scan s = { text, text };
	int year, mon, day, hour, min, sec, oh = 0, om = 0, sign = 0;
	int32_t nsec = 0;
	int64_t days, t;

	if (text == NULL)
		return fail(err, errlen, "empty");
	s.end = text + len;
	if (!digits(&s, 4, &year) || !lit(&s, '-') || !digits(&s, 2, &mon) || !lit(&s, '-') ||
	    !digits(&s, 2, &day))
		return fail(err, errlen, "the date is not YYYY-MM-DD");
	if (mon < 1 || mon > 12)
		return fail(err, errlen, "the month is not 01-12");
	if (day < 1 || day > days_in_month(year, mon))
		return fail(err, errlen, "the day does not exist in that month");
	if (!lit(&s, 'T') && !lit(&s, 't'))
		return fail(err, errlen, "no 'T' between the date and the time");
	if (!digits(&s, 2, &hour) || !lit(&s, ':') || !digits(&s, 2, &min) || !lit(&s, ':') ||
	    !digits(&s, 2, &sec))
		return fail(err, errlen, "the time of day is not hh:mm:ss");
	if (hour > 23)
		return fail(err, errlen, "the hour is not 00-23");
	if (min > 59)
		return fail(err, errlen, "the minute is not 00-59");
	if (sec > 60)
		return fail(err, errlen, "the second is not 00-60");
	if (lit(&s, '.')) {
		int n = 0;

		while (s.p < s.end && *s.p >= '0' && *s.p <= '9') {
			if (n++ < 9)
				nsec = nsec * 10 + (*s.p - '0');
			s.p++;
		}
		if (n == 0)
			return fail(err, errlen, "no digits after the '.'");
		for (; n < 9; n++)
			nsec *= 10;
	}
	if (lit(&s, 'Z') || lit(&s, 'z')) {
		sign = 0;
	} else if (s.p < s.end && (*s.p == '+' || *s.p == '-')) {
		sign = *s.p++ == '-' ? -1 : 1;
		if (!digits(&s, 2, &oh) || !lit(&s, ':') || !digits(&s, 2, &om))
			return fail(err, errlen, "the offset is not Z, +hh:mm or -hh:mm");
		if (oh > 23 || om > 59)
			return fail(err, errlen, "the offset is out of range (-23:59 to +23:59)");
	} else {
		return fail(err, errlen, "no offset (Z, +hh:mm or -hh:mm) after the time");
	}
	if (s.p != s.end)
		return fail(err, errlen, "characters after the time");

	days = pl_days_from_civil(year, mon, day);
	t = days * 86400 + hour * 3600 + min * 60 + sec - sign * (oh * 3600 + om * 60);
	if (sec == 60) {
		/* In UTC this must read 23:59:60 on the last day of a month; t already counts
		 * it as the next day's first second. */
		int64_t y;
		int m, d;
		int64_t before = t - 1;   /* 23:59:59 UTC of that day */

		pl_civil_from_days(before >= 0 ? before / 86400 : (before - 86399) / 86400, &y, &m,
				&d);
		if (((before % 86400) + 86400) % 86400 != 86399 || d != days_in_month(y, m))
			return fail(err, errlen,
				    "a leap second (:60) is only 23:59:60 UTC on a month's last day");
	}
	out->sec = t;
	out->nsec = nsec;
	return 0;
}

int
pl_rfc3339_format(const struct pl_time *t, int ndigits, char *buf, size_t len)
{
	int64_t days, rem, y;
	int m, d, n;
	char frac[12] = "";

	if (len > 0)
		buf[0] = '\0';
	if (t == NULL || ndigits < 0 || ndigits > 9 || t->nsec < 0 || t->nsec > 999999999)
		return -1;
	/* 0000-01-01T00:00:00Z to 9999-12-31T23:59:59Z; outside, the arithmetic below
	 * could overflow. */
	if (t->sec < -62167219200LL || t->sec > 253402300799LL)
		return -1;
	/* Floor division: a time before the epoch lies in an earlier day. */
	days = t->sec >= 0 ? t->sec / 86400 : -((-(t->sec + 1)) / 86400) - 1;
	rem = t->sec - days * 86400;
	pl_civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999)
		return -1;
	if (ndigits > 0) {
		int32_t v = t->nsec;

		for (int i = ndigits; i < 9; i++)
			v /= 10;
		pl_snprintf(frac, sizeof(frac), ".%0*d", ndigits, (int)v);
	}
	n = pl_snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d%sZ", (int)y, m, d,
			(int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60), frac);
	if (n < 0 || (size_t)n >= len) {
		if (len > 0)
			buf[0] = '\0';
		return -1;
	}
	return n;
}

double
pl_time_diff(const struct pl_time *a, const struct pl_time *b)
{
	return (double)(a->sec - b->sec) + (double)(a->nsec - b->nsec) / 1e9;
}

int
pl_clock_now(struct pl_time *now, char *err, size_t errlen)
{
	const char *fixed = pl_privileged() ? NULL : getenv(PL_CLOCK_ENV);
	struct timespec ts;

	if (fixed != NULL) {
		char why[160];

		if (pl_rfc3339_parse(fixed, strlen(fixed), now, why, sizeof(why)) == 0)
			return 0;
		pl_snprintf(err, errlen, _("%s is %s; unset it (it fixes the clock for tests)"),
			    PL_CLOCK_ENV, why);
		return -1;
	}
	if (clock_gettime(CLOCK_REALTIME, &ts) != 0) {
		pl_snprintf(err, errlen, _("cannot read the real-time clock: %s"), strerror(errno));
		return -1;
	}
	now->sec = (int64_t)ts.tv_sec;
	now->nsec = (int32_t)ts.tv_nsec;
	return 0;
}
