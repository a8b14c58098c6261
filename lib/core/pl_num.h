/* pl_num: the one checked number parser of the suite, and locale-proof number output.
 *
 * Every number that comes from an option, a config file or a kernel file goes through
 * these functions. They accept plain decimal only: no hex, no octal, no exponent, no
 * "inf"/"nan", no leading or trailing blanks (the scan functions stop at the first byte
 * that is not part of the number and leave the rest to the caller). They do not depend on
 * the locale: the decimal separator is always '.'. */
#ifndef PL_NUM_H
#define PL_NUM_H

#include <stddef.h>
#include <stdint.h>

/* Whole-string parsers. Return 0, or -1 when s is empty, malformed, or out of [min, max]. */
int pl_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out);
int pl_parse_u64(const char *s, uint64_t max, uint64_t *out);

/* Scanners over a buffer [*p, end): read one number at *p and advance *p past it.
 * Return 0, or -1 (and leave *p unchanged) when no number starts at *p or it overflows. */
int pl_scan_u64(const char **p, const char *end, uint64_t *out);
int pl_scan_i64(const char **p, const char *end, int64_t *out);
/* [+-]digits[.digits] or [+-].digits */
int pl_scan_double(const char **p, const char *end, double *out);

/* Skips spaces and tabs (not newlines). */
void pl_skip_blanks(const char **p, const char *end);
/* One whole field of a blank-separated line (/proc/stat, diskstats, net/dev): a number
 * that ends at a space, a tab or end ("12x" is no field). Returns 0, or -1 with *p left
 * where it was. */
int pl_scan_field_u64(const char **p, const char *end, uint64_t *out);

/* Formats v with at most prec decimals, trailing zeros removed, never in scientific
 * notation, always with '.' as separator ("12.5", "3", "-0.25"). A value that does not
 * fit in len (or is not finite) is written "U". Returns buf. */
char *pl_fmt_num(char *buf, size_t len, double v, int prec);

#endif
