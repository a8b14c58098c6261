/* Fuzz target: pl_nettcp_parse over arbitrary bytes, as /proc/net/tcp and as tcp6.
 * fuzz-seeds: proc/net/tcp proc/net/tcp6 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pl_nettcp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pl_tcp_table t;
	struct pl_tcp_peer *peers;
	char err[256], a[PL_TCP_ADDR_MAX];
	size_t n, total, listening;

	memset(&t, 0, sizeof(t));
	for (int v6 = 0; v6 < 2; v6++) {
		err[0] = '\0';
		/* A refusal always says why. */
		if (pl_nettcp_parse((const char *)data, size, v6, "tcp", &t, err, sizeof(err)) != 0 &&
		    (err[0] == '\0' || memchr(err, '\0', sizeof(err)) == NULL))
			abort();
	}
	/* Every bad line has a reason and a line number past the header. */
	if (t.nbad > 0 && (t.bad_why == NULL || t.bad_line < 2))
		abort();
	for (size_t i = 0; i < t.n; i++)
		if (memchr(pl_tcp_addr(&t.v[i], true, a, sizeof(a)), '\0', sizeof(a)) == NULL ||
		    a[0] == '\0')
			abort();
	/* The peers of a port add up to its count. */
	if (t.n > 0) {
		uint16_t port = t.v[0].lport;

		total = pl_nettcp_count(&t, port, &listening);
		if (pl_nettcp_peers(&t, port, &peers, &n) == 0) {
			size_t sum = 0;

			for (size_t i = 0; i < n; i++)
				sum += peers[i].count;
			if (sum != total)
				abort();
			free(peers);
		}
	}
	pl_nettcp_free(&t);
	return 0;
}
