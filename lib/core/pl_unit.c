#include "config.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "pl_buf.h"
#include "pl_i18n.h"
#include "pl_num.h"
#include "pl_unit.h"

struct suffix {
	const char *text;
	enum pl_unit unit;
	double factor;
};

#define KI 1024.0
static const struct suffix suffixes[] = {
	{ "%", PL_U_PERCENT, 1 },
	{ "B", PL_U_BYTES, 1 },
	{ "K", PL_U_BYTES, KI }, { "KB", PL_U_BYTES, KI }, { "kB", PL_U_BYTES, KI },
	{ "KiB", PL_U_BYTES, KI },
	{ "M", PL_U_BYTES, KI * KI }, { "MB", PL_U_BYTES, KI * KI }, { "MiB", PL_U_BYTES, KI * KI },
	{ "G", PL_U_BYTES, KI * KI * KI }, { "GB", PL_U_BYTES, KI * KI * KI },
	{ "GiB", PL_U_BYTES, KI * KI * KI },
	{ "T", PL_U_BYTES, KI * KI * KI * KI }, { "TB", PL_U_BYTES, KI * KI * KI * KI },
	{ "TiB", PL_U_BYTES, KI * KI * KI * KI },
	{ "B/s", PL_U_BYTES_PER_S, 1 },
	{ "KB/s", PL_U_BYTES_PER_S, KI }, { "kB/s", PL_U_BYTES_PER_S, KI },
	{ "KiB/s", PL_U_BYTES_PER_S, KI },
	{ "MB/s", PL_U_BYTES_PER_S, KI * KI }, { "MiB/s", PL_U_BYTES_PER_S, KI * KI },
	{ "GB/s", PL_U_BYTES_PER_S, KI * KI * KI }, { "GiB/s", PL_U_BYTES_PER_S, KI * KI * KI },
	{ "bps", PL_U_BITS_PER_S, 1 }, { "bit/s", PL_U_BITS_PER_S, 1 },
	{ "kbps", PL_U_BITS_PER_S, 1e3 }, { "Kbps", PL_U_BITS_PER_S, 1e3 },
	{ "kbit/s", PL_U_BITS_PER_S, 1e3 }, { "Kbit/s", PL_U_BITS_PER_S, 1e3 },
	{ "Mbps", PL_U_BITS_PER_S, 1e6 }, { "Mbit/s", PL_U_BITS_PER_S, 1e6 },
	{ "Gbps", PL_U_BITS_PER_S, 1e9 }, { "Gbit/s", PL_U_BITS_PER_S, 1e9 },
	{ "Tbps", PL_U_BITS_PER_S, 1e12 }, { "Tbit/s", PL_U_BITS_PER_S, 1e12 },
	{ "us", PL_U_SECONDS, 1e-6 }, { "ms", PL_U_SECONDS, 1e-3 }, { "s", PL_U_SECONDS, 1 },
	{ "min", PL_U_SECONDS, 60 }, { "h", PL_U_SECONDS, 3600 }, { "d", PL_U_SECONDS, 86400 },
	{ "c", PL_U_COUNTER, 1 },
	{ "C", PL_U_CELSIUS, 1 },
	{ "rpm", PL_U_RPM, 1 }, { "RPM", PL_U_RPM, 1 },
	{ "V", PL_U_VOLTS, 1 }, { "mV", PL_U_VOLTS, 1e-3 },
};

int
pl_unit_suffix(const char *s, size_t n, enum pl_unit *unit, double *factor)
{
	if (n == 0) {
		*unit = PL_U_NONE;
		*factor = 1;
		return 0;
	}
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		if (strlen(suffixes[i].text) == n && memcmp(suffixes[i].text, s, n) == 0) {
			*unit = suffixes[i].unit;
			*factor = suffixes[i].factor;
			return 0;
		}
	}
	return -1;
}

const char *
pl_unit_uom(enum pl_unit u)
{
	switch (u) {
	case PL_U_PERCENT: return "%";
	case PL_U_BYTES: return "B";
	case PL_U_SECONDS: return "s";
	case PL_U_COUNTER: return "c";
	default: return "";
	}
}

const char *
pl_unit_name(enum pl_unit u)
{
	switch (u) {
	case PL_U_NONE: return N_("a plain number");
	case PL_U_PERCENT: return N_("percent");
	case PL_U_BYTES: return N_("bytes");
	case PL_U_SECONDS: return N_("seconds");
	case PL_U_BYTES_PER_S: return N_("bytes/s");
	case PL_U_BITS_PER_S: return N_("bits/s");
	case PL_U_COUNTER: return N_("a counter");
	case PL_U_CELSIUS: return N_("degrees Celsius");
	case PL_U_RPM: return "RPM";
	case PL_U_VOLTS: return N_("volts");
	}
	return "?";
}

const char *
pl_unit_suffixes(enum pl_unit u)
{
	switch (u) {
	case PL_U_PERCENT: return "%";
	case PL_U_BYTES: return N_("B, KB, MB, GB, TB (powers of 1024)");
	case PL_U_SECONDS: return "us, ms, s, min, h, d";
	case PL_U_BYTES_PER_S: return N_("B/s, KB/s, MB/s, GB/s (powers of 1024)");
	case PL_U_BITS_PER_S: return N_("bps, kbit/s, Mbit/s, Gbit/s (powers of 1000)");
	case PL_U_CELSIUS: return "C";
	case PL_U_RPM: return "rpm";
	case PL_U_VOLTS: return "V, mV";
	default: return N_("none");
	}
}

/* Picks the largest prefix that keeps the mantissa >= 1. */
static char *
human_scaled(char *buf, size_t len, double v, double base, const char *const *names,
	     size_t nnames, int extra)
{
	char num[64];
	size_t i = 0, n;
	double a = fabs(v);

	while (i + 1 < nnames && a >= base) {
		a /= base;
		v /= base;
		i++;
	}
	if (len == 0)
		return buf;
	pl_fmt_num(num, sizeof(num), v, (a < 10 && i > 0 ? 2 : 1) + extra);
	pl_strlcpy(buf, num, len);
	n = strlen(buf);
	if (n < len)
		pl_strlcpy(buf + n, names[i], len - n);
	return buf;
}

/* floor() of x >= 0 without libm (the /proc plugins link libc alone): x from 2^53 on is
 * whole already. */
static double
whole(double x)
{
	return x < 9007199254740992.0 ? (double)(uint64_t)x : x;
}

/* A duration of a minute or more as people read one: the largest unit and the next,
 * "3d 0h", "2h 5m", "1m 30s", rounded to the smaller unit (a rounding that reaches the
 * next larger unit moves up to it: 3599.7 s is "1h 0m", never "59m 60s"). Each extra
 * (pl_unit_human_dec, to tell a value from a limit) shows one unit more, down to
 * seconds, and then decimals of the seconds; what rounds to less than a minute then is
 * plain seconds ("59.5s"). */
static char *
human_duration(char *buf, size_t len, double v, int extra)
{
	static const char *const name[4] = { "d", "h", "m", "s" };
	static const double size[4] = { 86400, 3600, 60, 1 };
	static const double p10[7] = { 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6 };
	double a = fabs(v), r = a;
	int top, last = 3, dec = 0;
	size_t n;
	char num[64];

	/* The largest unit the duration reaches once rounded to the unit after it. */
	for (top = 2; top > 0; top--)
		if (whole(a / size[top + 1] + 0.5) * size[top + 1] < size[top - 1])
			break;
	/* Finer rounding (extra) may bring it under that unit: one unit less then. */
	for (; top < 3; top++) {
		last = top + 1 + (extra > 0 ? extra : 0);
		dec = last > 3 ? (last - 3 < 6 ? last - 3 : 6) : 0;
		last = last > 3 ? 3 : last;
		if (last == 3)      /* to the decimals shown: 119.7 s is "2m 0s", not "1m 60s" */
			r = whole(a * p10[dec] + 0.5) / p10[dec];
		else
			r = whole(a / size[last] + 0.5) * size[last];
		if (r >= size[top])
			break;
	}
	if (top == 3) {
		pl_snprintf(buf, len, "%ss", pl_fmt_num(num, sizeof(num), v, 2 + extra));
		return buf;
	}
	n = (size_t)pl_snprintf(buf, len, "%s", v < 0 ? "-" : "");
	for (int i = top; i <= last && n < len; i++) {
		double q = i < last ? whole(r / size[i]) : r / size[i];

		r -= q * size[i];
		n += (size_t)pl_snprintf(buf + n, len - n, "%s%s%s", i > top ? " " : "",
					 pl_fmt_num(num, sizeof(num), q, i == 3 ? dec : 0),
					 name[i]);
	}
	return buf;
}

char *
pl_unit_human(char *buf, size_t len, double v, enum pl_unit u)
{
	return pl_unit_human_dec(buf, len, v, u, 0);
}

char *
pl_unit_human_dec(char *buf, size_t len, double v, enum pl_unit u, int extra)
{
	static const char *const bytes[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	static const char *const bytes_s[] = { "B/s", "KiB/s", "MiB/s", "GiB/s", "TiB/s" };
	static const char *const bits_s[] = { "bit/s", "kbit/s", "Mbit/s", "Gbit/s", "Tbit/s" };
	char num[64];

	if (!isfinite(v)) {
		pl_snprintf(buf, len, _("unknown"));
		return buf;
	}
	switch (u) {
	case PL_U_BYTES:
		return human_scaled(buf, len, v, 1024, bytes, 6, extra);
	case PL_U_BYTES_PER_S:
		return human_scaled(buf, len, v, 1024, bytes_s, 5, extra);
	case PL_U_BITS_PER_S:
		return human_scaled(buf, len, v, 1000, bits_s, 5, extra);
	case PL_U_SECONDS:
		if (fabs(v) >= 59.5)
			return human_duration(buf, len, v, extra);
		if (v == 0)         /* "0s": no time at all reads in the plain unit */
			pl_snprintf(buf, len, "0s");
		else if (fabs(v) < 1e-3)
			pl_snprintf(buf, len, "%sus", pl_fmt_num(num, sizeof(num), v * 1e6, extra));
		else if (fabs(v) < 1)
			pl_snprintf(buf, len, "%sms", pl_fmt_num(num, sizeof(num), v * 1e3, 1 + extra));
		else
			pl_snprintf(buf, len, "%ss", pl_fmt_num(num, sizeof(num), v, 2 + extra));
		return buf;
	case PL_U_PERCENT:
		pl_snprintf(buf, len, "%s%%", pl_fmt_num(num, sizeof(num), v, 1 + extra));
		return buf;
	case PL_U_CELSIUS:
		pl_snprintf(buf, len, "%sC", pl_fmt_num(num, sizeof(num), v, 1 + extra));
		return buf;
	case PL_U_RPM:
		pl_snprintf(buf, len, "%srpm", pl_fmt_num(num, sizeof(num), v, extra));
		return buf;
	case PL_U_VOLTS:
		pl_snprintf(buf, len, "%sV", pl_fmt_num(num, sizeof(num), v, 3 + extra));
		return buf;
	case PL_U_COUNTER:
	case PL_U_NONE:
		break;
	}
	pl_snprintf(buf, len, "%s", pl_fmt_num(num, sizeof(num), v, 2 + extra));
	return buf;
}
