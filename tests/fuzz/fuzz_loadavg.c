/* Fuzz target: pl_loadavg_parse over arbitrary bytes.
 * fuzz-seeds: proc/loadavg */
#include "config.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "pl_proc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pl_loadavg l;
	char err[256];

	if (pl_loadavg_parse((const char *)data, size, &l, err, sizeof(err)) != 0)
		return 0;
	if (!isfinite(l.load1) || !isfinite(l.load5) || !isfinite(l.load15) || l.load1 < 0 ||
	    l.load5 < 0 || l.load15 < 0)
		abort();
	return 0;
}
