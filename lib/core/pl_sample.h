/* pl_sample: counters between runs, for every plugin that reports rates.
 *
 * A rate needs two readings of the same counters. The earlier one comes from the state
 * store when it is usable; otherwise (first run, reboot, counters reset) the plugin
 * reads twice, interval seconds apart; with interval 0, or when a second reading did
 * not move, the earlier reading is "zero at boot" and figures are averages since boot,
 * which the basis text says, with the reason the earlier reading was not used.
 *
 * The plugin keeps two readings in its own context, slot 0 (now) and slot 1 (then),
 * and gives three callbacks; pl_sample() does the rest: loading, choosing the
 * generation (see pl_store_pick), sampling, rotating and saving the state. */
#ifndef PL_SAMPLE_H
#define PL_SAMPLE_H

#include <stddef.h>

#include "pl_plugin.h"
#include "pl_store.h"

struct pl_sample_ops {
	/* Reads the counters into slot which (0 or 1). Dies UNKNOWN on failure. */
	void (*read)(void *ctx, int which);
	/* Puts the reading of slot which into st as counters of generation 0. */
	void (*store)(void *ctx, int which, struct pl_store *st);
	/* Loads the reading of generation gen (PL_STORE_GEN_NEW or PL_STORE_GEN_PREV) from
	 * st into slot 1. Returns 0 when it is there and comparable with slot 0 as a whole
	 * (a plugin judges single counters that went backwards itself, per device),
	 * PL_SAMPLE_STILL when it is there but no counter moved since, -1 otherwise. */
	int (*load)(void *ctx, const struct pl_store *st, int gen);
	/* Makes slot 1 the zero reading at boot. */
	void (*zero)(void *ctx);
};

#define PL_SAMPLE_STILL 1

enum pl_basis {
	PL_BASIS_STATE,     /* slot 1 is from an earlier run */
	PL_BASIS_SAMPLED,   /* slot 1 was read interval seconds before slot 0 */
	PL_BASIS_BOOT,      /* slot 1 is zero at boot: averages since boot */
	PL_BASIS_ERROR,     /* the time since boot could not be read: basis says why */
};

/* Room for the basis sentence, the reason included. */
#define PL_SAMPLE_BASIS_MAX 256

/* Readings closer together than this are not compared. */
#define PL_SAMPLE_MIN_WINDOW 1.0

/* Fills slots 0 and 1 (reading twice, c->interval seconds apart, when the state is of no
 * use) and sets *dt (seconds between them). basis gets a sentence for the long output
 * ("over the last 5min", "sampled over 0.5s (first run; ...)", "average since boot (the
 * last reading is from before a reboot; ...)"). The state stays locked from load to
 * save. A state that cannot be saved becomes an UNKNOWN finding in r. The sample takes
 * at most half the time left before the process deadline (the basis says so when that
 * cut the interval). Returns PL_BASIS_ERROR, with the reason in basis, when the time
 * since boot cannot be read. */
enum pl_basis pl_sample(const struct pl_common *c, const struct pl_sample_ops *ops, void *ctx,
			double *dt, char *basis, size_t basislen, struct pl_result *r);

#endif
