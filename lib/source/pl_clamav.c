/* pl_clamav: ClamAV's VERSION reply, database headers, scan summaries and clamd.conf
 * settings (see pl_clamav.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "pl_i18n.h"
#include "pl_buf.h"
#include "pl_clamav.h"
#include "pl_clock.h"

/* How much of a text a message shows, at most. */
#define SHOW_MAX 48

void
pl_clamav_show(char *out, size_t outlen, const char *p, size_t n)
{
	size_t o = 0, take = n > SHOW_MAX ? SHOW_MAX : n;

	if (outlen == 0)
		return;
	for (size_t i = 0; i < take && o + 5 < outlen; i++) {
		unsigned char ch = (unsigned char)p[i];

		if (ch >= 0x20 && ch < 0x7f && ch != '\\') {
			out[o++] = (char)ch;
		} else {
			static const char hex[] = "0123456789abcdef";

			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[ch >> 4];
			out[o++] = hex[ch & 15];
		}
	}
	if (n > take && o + 4 < outlen) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

/* A whole decimal number in [p, e), at most 18 digits. */
static int
whole(const char *p, const char *e, uint64_t *out)
{
	uint64_t v = 0;

	if (p >= e || e - p > 18)
		return -1;
	for (; p < e; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*out = v;
	return 0;
}

/* "Jan".."Dec" at p: 1..12, 0 when not a month. */
static int
month(const char *p)
{
	static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

	for (int i = 0; i < 12; i++)
		if (memcmp(p, names + 3 * i, 3) == 0)
			return i + 1;
	return 0;
}

/* Two digits at p. */
static int
two(const char *p)
{
	if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9')
		return -1;
	return (p[0] - '0') * 10 + (p[1] - '0');
}

/* ctime()'s "Mon Dec  1 09:30:00 2026" (exactly 24 bytes) as a time in UTC. */
static int
ctime_parse(const char *p, size_t n, struct pl_time *out)
{
	char iso[40], e[64];
	int mon, day, hh, mm, ss;
	uint64_t year;

	if (n != 24 || p[3] != ' ' || p[7] != ' ' || p[10] != ' ' || p[13] != ':' ||
	    p[16] != ':' || p[19] != ' ')
		return -1;
	mon = month(p + 4);
	day = p[8] == ' ' ? two((const char[]){ '0', p[9] }) : two(p + 8);
	hh = two(p + 11);
	mm = two(p + 14);
	ss = two(p + 17);
	if (mon == 0 || day < 0 || hh < 0 || mm < 0 || ss < 0 || whole(p + 20, p + 24, &year) != 0)
		return -1;
	pl_snprintf(iso, sizeof(iso), "%04u-%02d-%02dT%02d:%02d:%02dZ", (unsigned)year, mon, day,
		    hh, mm, ss);
	return pl_rfc3339_parse(iso, strlen(iso), out, e, sizeof(e));
}

int
pl_clamd_version_parse(const char *buf, size_t len, struct pl_clamd_version *out, char *err,
		       size_t errlen)
{
	char s[4 * SHOW_MAX + 8];
	const char *p, *e, *slash, *slash2;
	size_t n = len;

	memset(out, 0, sizeof(*out));
	while (n > 0 && (buf[n - 1] == '\0' || buf[n - 1] == '\n'))
		n--;
	pl_clamav_show(s, sizeof(s), buf, len);
	if (n < 8 || memcmp(buf, "ClamAV ", 7) != 0 || memchr(buf, '\0', n) != NULL) {
		pl_snprintf(err, errlen, _("not a clamd VERSION reply: '%s' (expected 'ClamAV "
			    "ENGINE[/DAILY/DATE]')"), s);
		return -1;
	}
	p = buf + 7;
	e = buf + n;
	slash = memchr(p, '/', (size_t)(e - p));
	if (slash == NULL)
		slash = e;
	if ((size_t)(slash - p) >= sizeof(out->engine) || slash == p) {
		pl_snprintf(err, errlen, _("clamd VERSION reply has no engine version: '%s'"), s);
		return -1;
	}
	for (const char *q = p; q < slash; q++)
		if (!((*q >= '0' && *q <= '9') || (*q >= 'a' && *q <= 'z') ||
		      (*q >= 'A' && *q <= 'Z') || strchr(".-_~", *q) != NULL)) {
			pl_snprintf(err, errlen, _("clamd VERSION reply has a malformed engine "
				    "version: '%s'"), s);
			return -1;
		}
	memcpy(out->engine, p, (size_t)(slash - p));
	out->engine[slash - p] = '\0';
	if (slash == e)
		return 0;
	slash2 = memchr(slash + 1, '/', (size_t)(e - slash - 1));
	if (slash2 == NULL || whole(slash + 1, slash2, &out->daily) != 0) {
		pl_snprintf(err, errlen, _("clamd VERSION reply has no database version after the "
			    "engine: '%s'"), s);
		return -1;
	}
	if (ctime_parse(slash2 + 1, (size_t)(e - slash2 - 1), &out->built) != 0) {
		pl_snprintf(err, errlen, _("clamd VERSION reply has a malformed database date "
			    "(expected 'Mon Dec  1 09:30:00 2026'): '%s'"), s);
		return -1;
	}
	memcpy(out->date, slash2 + 1, 24);
	out->date[24] = '\0';
	out->has_daily = true;
	return 0;
}

/* Field i (0-based) of the colon-separated header [p, e): its bounds, or -1. */
static int
field(const char *p, const char *e, int i, const char **fs, const char **fe)
{
	for (; i > 0; i--) {
		const char *c = memchr(p, ':', (size_t)(e - p));

		if (c == NULL)
			return -1;
		p = c + 1;
	}
	*fs = p;
	*fe = memchr(p, ':', (size_t)(e - p));
	if (*fe == NULL)
		*fe = e;
	return 0;
}

/* "01 Dec 2026 09-30 +0000" (exactly 23 bytes; a one-digit day is allowed too). */
static int
build_time(const char *p, size_t n, struct pl_time *out)
{
	char iso[40], e[64], d2[2];
	int day, mon, hh, mm, oh, om;
	uint64_t year;

	if (n == 22) {                 /* "1 Dec 2026 09-30 +0000" */
		d2[0] = '0';
		d2[1] = p[0];
		p++;
	} else if (n == 23) {
		d2[0] = p[0];
		d2[1] = p[1];
		p += 2;
	} else {
		return -1;
	}
	/* p: " Dec 2026 09-30 +0000" */
	if (p[0] != ' ' || p[4] != ' ' || p[9] != ' ' || p[12] != '-' || p[15] != ' ' ||
	    (p[16] != '+' && p[16] != '-'))
		return -1;
	day = two(d2);
	mon = month(p + 1);
	hh = two(p + 10);
	mm = two(p + 13);
	oh = two(p + 17);
	om = two(p + 19);
	if (day < 0 || mon == 0 || hh < 0 || mm < 0 || oh < 0 || om < 0 ||
	    whole(p + 5, p + 9, &year) != 0)
		return -1;
	pl_snprintf(iso, sizeof(iso), "%04u-%02d-%02dT%02d:%02d:00%c%02d:%02d", (unsigned)year,
		    mon, day, hh, mm, p[16], oh, om);
	return pl_rfc3339_parse(iso, strlen(iso), out, e, sizeof(e));
}

int
pl_cvd_header_parse(const char *buf, size_t len, struct pl_cvd_header *out, char *err,
		    size_t errlen)
{
	char s[4 * SHOW_MAX + 8];
	const char *e, *fs, *fe;
	uint64_t v;

	memset(out, 0, sizeof(*out));
	pl_clamav_show(s, sizeof(s), buf, len);
	if (len < PL_CVD_HEADER) {
		pl_snprintf(err, errlen, _("database header cut short: %zu of %d bytes"), len,
			    PL_CVD_HEADER);
		return -1;
	}
	if (memcmp(buf, "ClamAV-VDB:", 11) != 0) {
		pl_snprintf(err, errlen, _("not a ClamAV database header: '%s' (expected "
			    "'ClamAV-VDB:...')"), s);
		return -1;
	}
	e = buf + PL_CVD_HEADER;
	while (e > buf && (e[-1] == ' ' || e[-1] == '\0'))
		e--;
	if (memchr(buf, '\0', (size_t)(e - buf)) != NULL || memchr(buf, '\n', (size_t)(e - buf))) {
		pl_snprintf(err, errlen, _("malformed database header (a NUL or newline in it): "
			    "'%s'"), s);
		return -1;
	}
	if (field(buf, e, 1, &fs, &fe) != 0 ||
	    build_time(fs, (size_t)(fe - fs), &out->built) != 0) {
		pl_snprintf(err, errlen, _("database header has a malformed build time (expected "
			    "'01 Dec 2026 09-30 +0000'): '%s'"), s);
		return -1;
	}
	if (field(buf, e, 2, &fs, &fe) != 0 || whole(fs, fe, &out->version) != 0) {
		pl_snprintf(err, errlen, _("database header has no version number: '%s'"), s);
		return -1;
	}
	if (field(buf, e, 3, &fs, &fe) != 0 || whole(fs, fe, &out->sigs) != 0) {
		pl_snprintf(err, errlen, _("database header has no signature count: '%s'"), s);
		return -1;
	}
	if (field(buf, e, 4, &fs, &fe) == 0 && whole(fs, fe, &v) == 0 && v < 1000000)
		out->level = (unsigned)v;
	if (field(buf, e, 7, &fs, &fe) == 0) {
		char b[sizeof(out->builder)];
		size_t n = (size_t)(fe - fs);

		if (n > 15)
			n = 15;      /* show() turns a byte into at most 4 */
		pl_clamav_show(b, sizeof(b), fs, n);
		pl_strlcpy(out->builder, b, sizeof(out->builder));
	}
	return 0;
}

/* The number after "KEY:" on the line [ls, le), or -1. */
static int
summary_value(const char *ls, const char *le, const char *key, uint64_t *out, bool *is)
{
	size_t k = strlen(key);
	const char *p, *e;

	*is = false;
	if ((size_t)(le - ls) < k || memcmp(ls, key, k) != 0)
		return 0;
	*is = true;
	p = ls + k;
	e = le;
	while (p < e && *p == ' ')
		p++;
	while (e > p && (e[-1] == ' ' || e[-1] == '\r'))
		e--;
	return whole(p, e, out);
}

int
pl_scan_summary_parse(const char *buf, size_t len, struct pl_scan_summary *out, char *err,
		      size_t errlen)
{
	const char *p = buf, *end = buf + len;
	size_t lineno = 0;

	memset(out, 0, sizeof(*out));
	while (p < end) {
		const char *le = memchr(p, '\n', (size_t)(end - p));
		uint64_t v;
		bool is;

		if (le == NULL)
			le = end;
		lineno++;
		if (summary_value(p, le, "Infected files:", &v, &is) != 0) {
			char s[4 * SHOW_MAX + 8];

			pl_clamav_show(s, sizeof(s), p, (size_t)(le - p));
			pl_snprintf(err, errlen, _("line %zu: 'Infected files:' without a number: "
				    "'%s'"), lineno, s);
			memset(out, 0, sizeof(*out));
			return -1;
		}
		if (is) {
			out->found = true;
			out->infected = v;
			out->summaries++;
		} else if (summary_value(p, le, "Scanned files:", &v, &is) == 0 && is) {
			/* Printed before "Infected files:" in each summary. */
			out->has_scanned = true;
			out->scanned = v;
		} else if ((size_t)(le - p) >= 24 && memcmp(p, "----------- SCAN SUMMARY", 24) == 0) {
			out->has_scanned = false;
			out->scanned = 0;
		}
		p = le + 1;
	}
	return 0;
}

int
pl_clamd_conf_get(const char *buf, size_t len, const char *key, char *out, size_t outlen)
{
	const char *p = buf, *end = buf + len;
	size_t k = strlen(key);
	int found = 0;

	if (outlen > 0)
		out[0] = '\0';
	while (p < end) {
		const char *le = memchr(p, '\n', (size_t)(end - p)), *v, *ve;

		if (le == NULL)
			le = end;
		while (p < le && (*p == ' ' || *p == '\t'))
			p++;
		if ((size_t)(le - p) > k && memcmp(p, key, k) == 0 &&
		    (p[k] == ' ' || p[k] == '\t')) {
			v = p + k;
			while (v < le && (*v == ' ' || *v == '\t'))
				v++;
			ve = le;
			while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t' || ve[-1] == '\r'))
				ve--;
			if (ve > v && memchr(v, '\0', (size_t)(ve - v)) == NULL) {
				if ((size_t)(ve - v) >= outlen)
					return -1;
				memcpy(out, v, (size_t)(ve - v));
				out[ve - v] = '\0';
				found = 1;
			}
		}
		p = le + 1;
	}
	return found;
}
