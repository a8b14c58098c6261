/* pl_tally: bounded counts of keys (see pl_tally.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "pl_tally.h"

int
pl_tally_init(struct pl_tally *t, size_t cap)
{
	memset(t, 0, sizeof(*t));
	if (cap < 1)
		cap = 1;
	if (cap > ((size_t)1 << 20))
		cap = (size_t)1 << 20;
	t->slots = 2;
	while (t->slots < 2 * cap)
		t->slots <<= 1;
	t->v = calloc(t->slots, sizeof(*t->v));
	if (t->v == NULL) {
		t->oom = 1;
		return -1;
	}
	t->cap = cap;
	return 0;
}

void
pl_tally_free(struct pl_tally *t)
{
	free(t->v);
	memset(t, 0, sizeof(*t));
}

/* FNV-1a over the key's bytes, eight at a time (then the last few one by one), with
 * a final mix so that the low bits, which pick the slot, depend on every byte. */
static uint64_t
hash(const char *p, size_t n)
{
	uint64_t h = 14695981039346656037ULL, w;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		h ^= w;
		h *= 1099511628211ULL;
	}
	for (; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 1099511628211ULL;
	}
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	return h ^ (h >> 32);
}

void
pl_tally_add(struct pl_tally *t, const char *key, size_t len, uint64_t n)
{
	const char *nul = memchr(key, '\0', len);
	size_t i;

	if (nul != NULL)
		len = (size_t)(nul - key);
	if (len > PL_TALLY_KEY - 1)
		len = PL_TALLY_KEY - 1;
	if (len == 0 || t->v == NULL)
		return;
	t->total += n;
	for (i = hash(key, len) & (t->slots - 1);; i = (i + 1) & (t->slots - 1)) {
		struct pl_tally_entry *e = &t->v[i];

		if (e->key[0] == '\0')
			break;
		if (e->key[len] == '\0' && memcmp(e->key, key, len) == 0) {
			e->n += n;
			return;
		}
	}
	if (t->used >= t->cap) {
		t->other += n;
		t->dropped++;
		return;
	}
	memcpy(t->v[i].key, key, len);
	t->v[i].key[len] = '\0';
	t->v[i].n = n;
	t->used++;
}

/* a before b: more frequent, then by key. */
static int
before(const struct pl_tally_entry *a, const struct pl_tally_entry *b)
{
	if (a->n != b->n)
		return a->n > b->n;
	return strcmp(a->key, b->key) < 0;
}

size_t
pl_tally_top(const struct pl_tally *t, const struct pl_tally_entry **out, size_t k)
{
	size_t m = 0;

	if (t->v == NULL)
		return 0;
	/* Insertion into a sorted list of at most k: k is small (a long output's top). */
	for (size_t i = 0; i < t->slots && k > 0; i++) {
		const struct pl_tally_entry *e = &t->v[i];
		size_t at;

		if (e->key[0] == '\0')
			continue;
		if (m == k && !before(e, out[m - 1]))
			continue;
		at = m < k ? m : k - 1;
		while (at > 0 && before(e, out[at - 1])) {
			out[at] = out[at - 1];
			at--;
		}
		out[at] = e;
		if (m < k)
			m++;
	}
	return m;
}
