/* pl_tally: how often each key (a signature, a source address) came up, in bounded
 * memory, and the most frequent ones.
 *
 * A window of alerts may hold millions of events from a few hundred thousand addresses
 * (a scan): the table keeps at most cap distinct keys (each cut at PL_TALLY_KEY - 1
 * bytes); events of keys that came after it was full are counted in `other` and
 * `dropped` says how many keys were left out, so that a top list never claims more
 * than it knows. Open addressing with linear probing over a power-of-two table at most
 * half full. Ownership: the tally owns its table; pl_tally_free releases it. */
#ifndef PL_TALLY_H
#define PL_TALLY_H

#include <stddef.h>
#include <stdint.h>

#define PL_TALLY_KEY 128

struct pl_tally_entry {
	char key[PL_TALLY_KEY];   /* "" marks an empty slot (an empty key is not counted) */
	uint64_t n;
};

struct pl_tally {
	struct pl_tally_entry *v;
	size_t slots;             /* a power of two, 2 * cap rounded up */
	size_t used, cap;
	uint64_t total;           /* every event added */
	uint64_t other;           /* events of keys that did not fit */
	uint64_t dropped;         /* keys that did not fit (an event each, at most) */
	int oom;
};

/* cap: distinct keys kept at most (1 .. 1 << 20). Returns 0, or -1 out of memory. */
int pl_tally_init(struct pl_tally *t, size_t cap);
void pl_tally_free(struct pl_tally *t);
/* Counts one event of the len bytes at key (cut at PL_TALLY_KEY - 1 bytes; a NUL ends
 * it early). An empty key is not counted. */
void pl_tally_add(struct pl_tally *t, const char *key, size_t len, uint64_t n);
/* The k most frequent entries into out (at most k), most frequent first, ties by key.
 * Returns how many. */
size_t pl_tally_top(const struct pl_tally *t, const struct pl_tally_entry **out, size_t k);

#endif
