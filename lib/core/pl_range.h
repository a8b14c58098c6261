/* pl_range: Nagios threshold ranges, exactly as the plugin guidelines define them.
 *
 *   10      alert when x < 0 or x > 10
 *   10:     alert when x < 10
 *   ~:10    alert when x > 10
 *   10:20   alert when x < 10 or x > 20
 *   @10:20  alert when 10 <= x <= 20
 *
 * Endpoints are inclusive, '~' is minus infinity and an empty end is plus infinity.
 * Each endpoint may carry a unit suffix ("80%", "512MB", "20ms", "50MB/s"); both endpoints
 * must then be in the same kind of unit and the values are kept in its base unit.
 * Anything else (garbage, trailing characters, an empty range, start > end) is an error. */
#ifndef PL_RANGE_H
#define PL_RANGE_H

#include <stdbool.h>
#include <stddef.h>

#include "pl_unit.h"

#define PL_RANGE_MAX 1e18    /* the largest endpoint, in base units */

struct pl_range {
	double start;     /* in the base unit of `unit` */
	double end;
	enum pl_unit unit;  /* the unit its suffixes named, PL_U_NONE if none */
	bool set;         /* false: no range, never alerts */
	bool inside;      /* '@': alert inside [start, end] */
	bool start_inf;   /* start is ~ */
	bool end_inf;     /* no end: plus infinity */
};

/* Parses text into *r. Returns 0, or -1 with the reason in err. */
int pl_range_parse(const char *text, struct pl_range *r, char *err, size_t errlen);

/* True when x is in the alert zone of r (never for an unset range or x = NaN). */
bool pl_range_alerts(const struct pl_range *r, double x);

/* True when a range can apply to a metric in unit u: a range without suffix fits any
 * metric (its numbers are taken in the metric's base unit), and a bytes/s range fits a
 * bits/s metric (see pl_range_for). */
bool pl_range_fits(const struct pl_range *r, enum pl_unit u);

/* The range as it applies to a metric in unit u (one that pl_range_fits): a bytes/s range
 * on a bits/s metric is converted to bits/s; anything else is returned as it is. */
struct pl_range pl_range_for(const struct pl_range *r, enum pl_unit u);

/* Writes the range in canonical form in base units, as perfdata wants it
 * ("~:10", "10:", "@10:20", "10"); "" for an unset range. Returns buf. */
char *pl_range_format(const struct pl_range *r, char *buf, size_t len);

/* Describes why x alerts, in words for the status line: "over 90%", "under 10%",
 * "between 10 and 20" ('@' ranges: also "at or over 10", "at or under 10"). Returns buf. */
char *pl_range_why(const struct pl_range *r, double x, enum pl_unit u, char *buf, size_t len);

#endif
