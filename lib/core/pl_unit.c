#include "config.h"

#include <math.h>
#include <string.h>

#include "pl_buf.h"
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
	case PL_U_NONE: return "a plain number";
	case PL_U_PERCENT: return "percent";
	case PL_U_BYTES: return "bytes";
	case PL_U_SECONDS: return "seconds";
	case PL_U_BYTES_PER_S: return "bytes/s";
	case PL_U_BITS_PER_S: return "bits/s";
	case PL_U_COUNTER: return "a counter";
	case PL_U_CELSIUS: return "degrees Celsius";
	case PL_U_RPM: return "RPM";
	case PL_U_VOLTS: return "volts";
	}
	return "?";
}

const char *
pl_unit_suffixes(enum pl_unit u)
{
	switch (u) {
	case PL_U_PERCENT: return "%";
	case PL_U_BYTES: return "B, KB, MB, GB, TB (powers of 1024)";
	case PL_U_SECONDS: return "us, ms, s, min, h, d";
	case PL_U_BYTES_PER_S: return "B/s, KB/s, MB/s, GB/s (powers of 1024)";
	case PL_U_BITS_PER_S: return "bps, kbit/s, Mbit/s, Gbit/s (powers of 1000)";
	case PL_U_CELSIUS: return "C";
	case PL_U_RPM: return "rpm";
	case PL_U_VOLTS: return "V, mV";
	default: return "none";
	}
}

/* Picks the largest prefix that keeps the mantissa >= 1. */
static char *
human_scaled(char *buf, size_t len, double v, double base, const char *const *names,
	     size_t nnames, int extra)
{
	char num[64];
	size_t i = 0;
	double a = fabs(v);

	while (i + 1 < nnames && a >= base) {
		a /= base;
		v /= base;
		i++;
	}
	pl_snprintf(buf, len, "%s%s", pl_fmt_num(num, sizeof(num), v, (a < 10 && i > 0 ? 2 : 1) + extra),
		    names[i]);
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
		pl_snprintf(buf, len, "unknown");
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
		if (fabs(v) < 1e-3 && v != 0)
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
