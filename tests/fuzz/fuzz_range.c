/* Fuzz target: pl_range_parse on a NUL-terminated copy of the input, then the range is
 * formatted (the perfdata form must parse back to the same range) and evaluated.
 * fuzz-seeds: none (hand-written ones are in seeds/range) */
#include "config.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pl_range.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* pl_range_format prints 6 decimals: allow that rounding, and a relative slack for the
 * last bits of very large numbers. */
static bool
close_to(double a, double b)
{
	return fabs(a - b) <= 1e-6 + 1e-9 * fabs(a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const double probes[] = { 0, -1, 1, 10, 20, 1e300, -1e300, INFINITY, -INFINITY };
	struct pl_range r, back, flip;
	char err[256], fmt[256], why[96];
	char *text = malloc(size + 1);

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (pl_range_parse(text, &r, err, sizeof(err)) != 0)
		goto end;
	pl_range_format(&r, fmt, sizeof(fmt));
	if (pl_range_parse(fmt, &back, err, sizeof(err)) != 0)
		abort();   /* the perfdata form does not parse */
	if (back.inside != r.inside || back.start_inf != r.start_inf || back.end_inf != r.end_inf)
		abort();
	if ((!r.start_inf && !close_to(r.start, back.start)) ||
	    (!r.end_inf && !close_to(r.end, back.end)))
		abort();   /* the perfdata form names other numbers */
	if (pl_range_alerts(&r, NAN))
		abort();
	flip = r;
	flip.inside = !r.inside;
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		double x = probes[i];

		if (pl_range_alerts(&r, x) == pl_range_alerts(&flip, x))
			abort();
		pl_range_why(&r, x, r.unit, why, sizeof(why));
	}
	(void)pl_range_fits(&r, PL_U_PERCENT);
end:
	free(text);
	return 0;
}
