/* pl_clock: the wall clock, and RFC 3339 timestamps.
 *
 * Ages (of a backup, a snapshot, a signature database, a held lock) are wall-clock
 * differences: now minus a time an outside tool printed. pl_clock_now() reads the
 * real-time clock; a test fixes "now" with the environment variable
 * PLUMBLINE_NOW=<RFC 3339 time> (PLUMBLINE_NOW=2026-12-01T21:30:00Z), so that an age
 * computed from a fixture never drifts. A privileged run (pl_privileged(): setuid or
 * setgid, file capabilities, sudo, pkexec) ignores the variable, as it trusts nothing
 * else from the caller's environment: a user must not make a root-run check believe that
 * a stale backup is fresh.
 *
 * A time is a struct pl_time: whole seconds since 1970-01-01T00:00:00Z (negative before)
 * and nanoseconds. Nothing here consults the local time zone (no mktime, no TZ, no
 * localtime): conversions are plain proleptic Gregorian arithmetic in UTC. Like POSIX
 * time, pl_time has no leap seconds. Measuring how long something took is not a job for
 * this clock (it jumps when NTP steps it): use pl_deadline's monotonic clock. */
#ifndef PL_CLOCK_H
#define PL_CLOCK_H

#include <stddef.h>
#include <stdint.h>

struct pl_time {
	int64_t sec;     /* seconds since the epoch, UTC */
	int32_t nsec;    /* 0..999999999 */
};

/* Room for the longest pl_rfc3339_format() output ("2026-12-01T21:30:00.123456789Z")
 * and its NUL. */
#define PL_RFC3339_SIZE 32

/* The variable that fixes "now" for tests (ignored in privileged runs). */
#define PL_CLOCK_ENV "PLUMBLINE_NOW"

/* Now, on the real-time clock, or the time in PLUMBLINE_NOW when it is set (and the run
 * is not privileged). Returns 0, or -1 with why in err when PLUMBLINE_NOW is set but is
 * not an RFC 3339 time (the message names the variable, never its value) or the clock
 * cannot be read. */
int pl_clock_now(struct pl_time *now, char *err, size_t errlen);

/* Days from 1970-01-01 to y-m-d (m 1..12, d 1..31) in the proleptic Gregorian calendar,
 * and back: for any year a 4-digit field holds, and well beyond. */
int64_t pl_days_from_civil(int64_t y, int m, int d);
void pl_civil_from_days(int64_t days, int64_t *y, int *m, int *d);

/* a - b in seconds (negative when a is before b). */
double pl_time_diff(const struct pl_time *a, const struct pl_time *b);

/* Parses exactly the len bytes at s as one RFC 3339 date-time (RFC 3339 section 5.6):
 * YYYY-MM-DDTHH:MM:SS[.fraction](Z|+hh:mm|-hh:mm), with 't' and 'z' also accepted in
 * lowercase. The fraction may have any number of digits: nanoseconds are kept, further
 * digits are dropped (truncated, never rounded, so a time never moves to the next
 * second). Restic's "2026-11-30T23:00:01.123456789+01:00" parses; so does "-00:00"
 * (UTC, offset unknown). A leap second is accepted only where one can be, at 23:59:60
 * UTC on the last day of a month, and counts as the first second of the next day (as
 * POSIX time does). Refused, with why in err (the message never quotes the text): a
 * space or anything else in place of the 'T', a missing offset, out-of-range fields
 * (month 13, February 30, hour 24, offset +24:00), fields with too few or too many
 * digits, a '.' without digits, a NUL, trailing characters. Returns 0 and fills *out, or
 * -1 and leaves *out alone. */
int pl_rfc3339_parse(const char *s, size_t len, struct pl_time *out, char *err,
		     size_t errlen);

/* Formats t as RFC 3339 in UTC ("2026-12-01T20:30:00Z"), with digits (0..9) digits of
 * fraction, truncated ("2026-12-01T20:30:00.123Z" for 3). len should be
 * PL_RFC3339_SIZE. Returns the length written, or -1 (buf set to "" when len > 0) when
 * digits is out of range, t->nsec is not 0..999999999, the year is outside 0000..9999 or
 * buf is too small. */
int pl_rfc3339_format(const struct pl_time *t, int digits, char *buf, size_t len);

#endif
