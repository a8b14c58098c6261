/* Fuzz target: pl_psi_parse over arbitrary bytes.
 * fuzz-seeds: proc/pressure/cpu proc/pressure/memory proc/pressure/io */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "pl_proc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_line(const struct pl_psi_line *l)
{
	if (l->present && (!(l->avg10 >= 0 && l->avg10 <= 100) ||
			   !(l->avg60 >= 0 && l->avg60 <= 100) ||
			   !(l->avg300 >= 0 && l->avg300 <= 100)))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pl_psi psi;
	char err[256];

	if (pl_psi_parse((const char *)data, size, &psi, err, sizeof(err)) != 0)
		return 0;
	if (!psi.some.present)
		abort();
	check_line(&psi.some);
	check_line(&psi.full);
	return 0;
}
