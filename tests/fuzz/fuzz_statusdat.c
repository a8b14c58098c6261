/* Fuzz target: pl_statusdat over arbitrary bytes, fed whole and again in pieces cut at
 * a place the input chooses: the same records and counts either way; every record has a
 * host, a service unless it is a host's, a state in 0-3 and its word, and no value
 * longer than the line bound.
 * fuzz-seeds: engstate/status.dat engstate/status-broken.dat */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pl_statusdat.h"

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
	    r->state_word == NULL || r->output == NULL || r->long_output == NULL ||
	    r->perfdata == NULL || strlen(r->output) > PL_SD_LINE_MAX ||
	    strlen(r->long_output) > PL_SD_LINE_MAX || strlen(r->perfdata) > PL_SD_LINE_MAX)
		abort();
	if (r->service != NULL && r->service[0] == '\0')
		abort();
	a->sum = hash(hash(hash(a->sum, r->host), r->service ? r->service : "-"), r->output);
	a->sum = hash(a->sum, r->long_output) + (uint64_t)r->state;
	a->n++;
	return 0;
}

static void
run(const uint8_t *data, size_t size, size_t step, struct acc *a, struct pl_engstate_counts *c)
{
	struct pl_sd sd;
	char err[128];

	if (pl_sd_init(&sd, NULL, cb, a, c, err, sizeof(err)) != 0)
		abort();
	for (size_t o = 0; o < size; o += step)
		pl_sd_feed(&sd, (const char *)data + o, size - o < step ? size - o : step);
	pl_sd_finish(&sd);
	pl_sd_free(&sd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct acc a = { 0, 0 }, b = { 0, 0 };
	struct pl_engstate_counts ca, cb2;
	size_t step = size > 0 ? (size_t)data[0] % 61 + 1 : 1;

	run(data, size, size > 0 ? size : 1, &a, &ca);
	run(data, size, step, &b, &cb2);
	if (a.n != b.n || a.sum != b.sum || memcmp(&ca, &cb2, sizeof(ca)) != 0 ||
	    a.n != ca.hosts + ca.services)
		abort();
	return 0;
}
