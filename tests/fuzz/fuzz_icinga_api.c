/* Fuzz target: pl_icinga_api's stream parser over arbitrary bytes, fed whole and again
 * in pieces cut at a place the input chooses: the same records, counts and verdict
 * either way; every record has a host, a service unless it is a host's, a state in 0-3,
 * and values within their bounds; an error always says why.
 * fuzz-libs: yajl
 * fuzz-seeds: engstate/icinga-services.json engstate/icinga-hosts.json engstate/icinga-error.json */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pl_icinga_api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct acc {
	uint64_t sum;
	size_t n;
};

static uint64_t
hash(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h * 31 + 7;
}

static int
cb(const struct pl_engstate *r, void *arg)
{
	struct acc *a = arg;

	if (r->host == NULL || r->host[0] == '\0' || r->state < 0 || r->state > 3 ||
	    r->state_word == NULL || strlen(r->output) >= PL_IA_VALUE_MAX ||
	    strlen(r->perfdata) >= PL_IA_VALUE_MAX || strlen(r->host) >= PL_IA_NAME_MAX ||
	    (r->service != NULL && r->service[0] == '\0'))
		abort();
	a->sum = hash(hash(hash(a->sum, r->host), r->service ? r->service : "-"), r->output);
	a->sum = hash(hash(a->sum, r->long_output), r->perfdata) + (uint64_t)r->state;
	a->n++;
	return 0;
}

static int
run(const uint8_t *data, size_t size, size_t step, struct acc *a, struct pl_engstate_counts *c)
{
	struct pl_ia ia;
	char err[128];
	int rc = 0;

	if (pl_ia_init(&ia, NULL, cb, a, c, err, sizeof(err)) != 0)
		abort();
	for (size_t o = 0; o < size && rc == 0; o += step)
		rc = pl_ia_feed(&ia, (const char *)data + o, size - o < step ? size - o : step);
	if (rc == 0)
		rc = pl_ia_finish(&ia);
	if (rc != 0 && ia.err[0] == '\0')
		abort();
	pl_ia_free(&ia);
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct acc a = { 0, 0 }, b = { 0, 0 };
	struct pl_engstate_counts ca, cb2;
	size_t step = size > 0 ? (size_t)data[0] % 61 + 1 : 1;
	int ra = run(data, size, size > 0 ? size : 1, &a, &ca);
	int rb = run(data, size, step, &b, &cb2);

	/* Records before a syntax error are delivered; cut in pieces, yajl may stop a
	 * little later in the same broken token, never deliver a different record. */
	if ((ra == 0) != (rb == 0))
		abort();
	if (ra == 0 && (a.n != b.n || a.sum != b.sum || memcmp(&ca, &cb2, sizeof(ca)) != 0))
		abort();
	if (a.n != ca.hosts + ca.services)
		abort();
	return 0;
}
