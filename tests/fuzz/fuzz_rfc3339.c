/* Fuzz target: pl_rfc3339_parse on the bytes as they are (the parser takes a length, not
 * a NUL), then a time that parsed is formatted in UTC and must parse back to itself, with
 * all nine digits and with none.
 * fuzz-seeds: none (hand-written ones are in seeds/rfc3339) */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pl_clock.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pl_time t, back;
	char err[256], buf[PL_RFC3339_SIZE];
	int n;

	if (pl_rfc3339_parse((const char *)data, size, &t, err, sizeof(err)) != 0) {
		if (strncmp(err, "not an RFC 3339 time", 20) != 0)
			abort();   /* every refusal says what it is */
		return 0;
	}
	if (t.nsec < 0 || t.nsec > 999999999)
		abort();
	/* Years 0000..9999 and offsets up to 23:59 either way (a leap second adds one). */
	if (t.sec < -62167219200LL - 86340 || t.sec > 253402300799LL + 86340 + 1)
		abort();
	n = pl_rfc3339_format(&t, 9, buf, sizeof(buf));
	if (n < 0) {
		/* Only a time whose UTC year is outside 0000..9999 cannot be formatted. */
		if (t.sec >= -62167219200LL && t.sec <= 253402300799LL)
			abort();
		return 0;
	}
	if (n != 30 || buf[n] != '\0')
		abort();
	if (pl_rfc3339_parse(buf, (size_t)n, &back, err, sizeof(err)) != 0)
		abort();   /* what the formatter writes does not parse */
	if (back.sec != t.sec || back.nsec != t.nsec)
		abort();   /* and names another time */
	n = pl_rfc3339_format(&t, 0, buf, sizeof(buf));
	if (n != 20 || pl_rfc3339_parse(buf, (size_t)n, &back, err, sizeof(err)) != 0)
		abort();
	if (back.sec != t.sec || back.nsec != 0)
		abort();
	return 0;
}
