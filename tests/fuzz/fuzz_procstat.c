/* Fuzz target: pl_procstat_parse over arbitrary bytes.
 * fuzz-seeds: proc/stat */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "pl_proc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pl_procstat s;
	char err[256];

	if (pl_procstat_parse((const char *)data, size, &s, err, sizeof(err)) != 0)
		return 0;
	/* The contract: the aggregate line and at least one cpuN line are there, every cpu
	 * line has 4 to 10 fields. */
	if (s.total.id != -1 || s.total.nfields < 4 || s.total.nfields > 10)
		abort();
	if (s.ncpu == 0)
		abort();
	for (size_t i = 0; i < s.ncpu; i++)
		if (s.cpu[i].id < 0 || s.cpu[i].nfields < 4 || s.cpu[i].nfields > 10 ||
		    pl_cpu_total(&s.cpu[i]) < s.cpu[i].user)
			abort();
	pl_procstat_free(&s);
	return 0;
}
