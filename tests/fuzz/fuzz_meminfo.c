/* Fuzz target: pl_meminfo_parse over arbitrary bytes.
 * fuzz-seeds: proc/meminfo */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "pl_proc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pl_meminfo m;
	char err[256];

	if (pl_meminfo_parse((const char *)data, size, &m, err, sizeof(err)) != 0)
		return 0;
	/* The parser promises a consistent reading or an error. */
	if (!(m.present & PL_MI_MEMTOTAL) || !(m.present & PL_MI_MEMFREE) || m.total == 0 ||
	    m.free > m.total)
		abort();
	/* Every line the check judges by is there: none is taken as 0. */
	if (!(m.present & PL_MI_BUFFERS) || !(m.present & PL_MI_CACHED) ||
	    !(m.present & PL_MI_SWAPTOTAL) || !(m.present & PL_MI_SWAPFREE) ||
	    m.swap_free > m.swap_total)
		abort();
	if ((m.present & PL_MI_MEMAVAILABLE) &&
	    (!(m.present & PL_MI_SHMEM) || !(m.present & PL_MI_SRECLAIMABLE)))
		abort();
	return 0;
}
