/* Fuzz target: pl_netdev_parse over arbitrary bytes.
 * fuzz-seeds: proc/net/dev */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pl_netdev.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pl_netdev nd;
	char err[256];

	if (pl_netdev_parse((const char *)data, size, &nd, err, sizeof(err)) != 0) {
		/* A refusal always says why. */
		if (err[0] == '\0' || memchr(err, '\0', sizeof(err)) == NULL)
			abort();
		pl_netdev_free(&nd);
		return 0;
	}
	/* The parser promises at least one interface line, each good one with a name that
	 * is safe in a sysfs path, no name twice, and a reason for each one left out. */
	if (nd.n + nd.nbad == 0 || nd.n + nd.nbad > PL_NETDEV_MAX)
		abort();
	for (size_t i = 0; i < nd.nbad; i++)
		if (nd.bad[i].why == NULL || nd.bad[i].lineno < 3)
			abort();
	for (size_t i = 0; i < nd.n; i++) {
		if (!pl_netdev_name_ok(nd.v[i].name) || pl_netdev_find(&nd, nd.v[i].name) != &nd.v[i])
			abort();
	}
	pl_netdev_free(&nd);
	return 0;
}
