#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "pl_text.h"

void
pl_lines_init(struct pl_lines *it, const char *buf, size_t len)
{
	it->p = buf;
	/* Adding even 0 to a NULL pointer is undefined in C, and an empty text may come as NULL. */
	it->end = len > 0 ? buf + len : buf;
	it->lineno = 0;
}

bool
pl_lines_next(struct pl_lines *it, const char **ls, const char **le, bool *cut)
{
	const char *nl;

	if (it->p >= it->end)
		return false;
	nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
	*ls = it->p;
	*le = nl != NULL ? nl : it->end;
	it->p = nl != NULL ? nl + 1 : it->end;
	it->lineno++;
	if (cut != NULL)
		*cut = nl == NULL;
	return true;
}

uint64_t
pl_hash_bytes(const void *p, size_t len)
{
	const unsigned char *s = p;
	uint64_t h = 14695981039346656037ull;

	for (size_t i = 0; i < len; i++)
		h = (h ^ s[i]) * 1099511628211ull;
	return h;
}

static size_t
name_slot(size_t nslot, const char *name)
{
	return (size_t)pl_hash_bytes(name, strlen(name)) & (nslot - 1);
}

/* Position i into a table of nslot slots that has room and does not hold its name. */
static void
names_put(size_t *slot, size_t nslot, const char *name, size_t i)
{
	size_t h = name_slot(nslot, name);

	while (slot[h] != 0)
		h = (h + 1) & (nslot - 1);
	slot[h] = i + 1;
}

int
pl_names_add(struct pl_names *ix, size_t i, pl_name_at_fn *name_at, const void *ctx)
{
	const char *name = name_at(ctx, i);
	size_t j;

	if (pl_names_find(ix, name, name_at, ctx, &j))
		return 1;
	if ((ix->n + 1) * 2 > ix->nslot) {
		size_t cap = ix->nslot ? ix->nslot * 2 : 16;
		size_t *t = calloc(cap, sizeof(*t));

		if (t == NULL)
			return -1;
		for (size_t k = 0; k < ix->nslot; k++)
			if (ix->slot[k] != 0)
				names_put(t, cap, name_at(ctx, ix->slot[k] - 1), ix->slot[k] - 1);
		free(ix->slot);
		ix->slot = t;
		ix->nslot = cap;
	}
	names_put(ix->slot, ix->nslot, name, i);
	ix->n++;
	return 0;
}

bool
pl_names_find(const struct pl_names *ix, const char *name, pl_name_at_fn *name_at,
	      const void *ctx, size_t *i)
{
	if (ix->nslot == 0)
		return false;
	for (size_t h = name_slot(ix->nslot, name); ix->slot[h] != 0;
	     h = (h + 1) & (ix->nslot - 1))
		if (strcmp(name_at(ctx, ix->slot[h] - 1), name) == 0) {
			*i = ix->slot[h] - 1;
			return true;
		}
	return false;
}

void
pl_names_free(struct pl_names *ix)
{
	free(ix->slot);
	ix->slot = NULL;
	ix->nslot = ix->n = 0;
}
