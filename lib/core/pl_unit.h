/* pl_unit: the units a metric can be in, the suffixes a threshold may carry, and how
 * values are shown to people and to the engines.
 *
 * Every metric is held in its base unit: bytes, seconds, bytes/s, bits/s, percent,
 * degrees Celsius, RPM, volts. A threshold written with a suffix ("512MB", "20ms",
 * "50MB/s", "1Gbit/s") is converted to that base unit. Byte suffixes are powers of
 * 1024 (K, KB, KiB alike), as df and check_disk read them; bit-rate suffixes are powers
 * of 1000, as link speeds are given. */
#ifndef PL_UNIT_H
#define PL_UNIT_H

#include <stddef.h>

enum pl_unit {
	PL_U_NONE = 0,     /* a plain number: counts, IOPS, packets/s, load */
	PL_U_PERCENT,
	PL_U_BYTES,
	PL_U_SECONDS,
	PL_U_BYTES_PER_S,
	PL_U_BITS_PER_S,
	PL_U_COUNTER,      /* a continuous counter, perfdata UOM "c" */
	PL_U_CELSIUS,
	PL_U_RPM,
	PL_U_VOLTS,
};

/* Reads a unit suffix [s, end). An empty suffix is PL_U_NONE with factor 1.
 * Returns 0 and sets *unit and *factor (multiply to get the base unit), or -1. */
int pl_unit_suffix(const char *s, size_t n, enum pl_unit *unit, double *factor);

/* The perfdata UOM of a unit: "%", "B", "s", "c" or "" for the rest. */
const char *pl_unit_uom(enum pl_unit u);
/* A word for messages: "percent", "bytes", "seconds", "bytes/s", ... */
const char *pl_unit_name(enum pl_unit u);
/* Examples of accepted suffixes for messages, e.g. "B, KB, MB, GB, TB (powers of 1024)".
 * Both are English, marked with N_(): a message gives them to pl_tr(); the JSON "unit" is
 * pl_unit_name as it is (a name programs read). */
const char *pl_unit_suffixes(enum pl_unit u);

/* Formats v for people: "45.2%", "7.1GiB", "12ms", "1.5MiB/s", "940Mbit/s", "41C".
 * Returns buf. */
char *pl_unit_human(char *buf, size_t len, double v, enum pl_unit u);
/* The same with extra decimals (0: as pl_unit_human; at most 9 in all). */
char *pl_unit_human_dec(char *buf, size_t len, double v, enum pl_unit u, int extra);

#endif
