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

size_t
pl_utf8_len(const unsigned char *p)
{
	unsigned lo = 0x80, hi = 0xbf;
	size_t n;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (p[0] == 0xe0)
		lo = 0xa0;
	else if (p[0] == 0xed)
		hi = 0x9f;
	else if (p[0] == 0xf0)
		lo = 0x90;
	else if (p[0] == 0xf4)
		hi = 0x8f;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

char
pl_one_line_char(char c)
{
	if (c == '\n' || c == '\r')
		return ' ';
	return c == '|' ? '/' : c;
}

void
pl_one_line(char *s)
{
	if (s == NULL)
		return;
	for (char *p = strpbrk(s, "\n\r|"); p != NULL; p = strpbrk(p + 1, "\n\r|"))
		*p = pl_one_line_char(*p);
}

uint64_t
pl_hash_more(uint64_t h, const void *p, size_t len)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < len; i++)
		h = (h ^ s[i]) * 1099511628211ull;
	return h;
}

uint64_t
pl_hash_bytes(const void *p, size_t len)
{
	return pl_hash_more(PL_HASH_INIT, p, len);
}

uint64_t
pl_hash_mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

int
pl_bad_line_add(struct pl_bad_line **v, size_t *n, size_t lineno, const char *name,
		const char *why)
{
	struct pl_bad_line *b;
	size_t i = 0;

	if ((*n & (*n - 1)) == 0) {
		b = realloc(*v, (*n ? *n * 2 : 1) * sizeof(*b));
		if (b == NULL)
			return -1;
		*v = b;
	}
	b = &(*v)[(*n)++];
	b->lineno = lineno;
	for (; name[i] != '\0' && i < sizeof(b->name) - 1; i++)
		b->name[i] = name[i];
	b->name[i] = '\0';
	b->why = why;
	return 0;
}

const char *
pl_name_at_strv(const void *ctx, size_t i)
{
	return ((const char *const *)ctx)[i];
}


#define XP1 0x9E3779B185EBCA87ull
#define XP2 0xC2B2AE3D27D4EB4Full
#define XP3 0x165667B19E3779F9ull
#define XP4 0x85EBCA77C2B2AE63ull
#define XP5 0x27D4EB2F165667C5ull

static uint64_t
rotl64(uint64_t x, int r)
{
	return x << r | x >> (64 - r);
}

/* Little-endian loads: compilers make one load of each on a little-endian machine. */
static uint64_t
le64(const unsigned char *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
	       (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 |
	       (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

static uint64_t
le32(const unsigned char *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
	       (uint64_t)p[3] << 24;
}

static uint64_t
xxh_round(uint64_t acc, uint64_t lane)
{
	return rotl64(acc + lane * XP2, 31) * XP1;
}

static uint64_t
xxh_merge(uint64_t acc, uint64_t v)
{
	return (acc ^ xxh_round(0, v)) * XP1 + XP4;
}

uint64_t
pl_xxh64(const void *data, size_t len, uint64_t seed)
{
	const unsigned char *p = data, *end = p + len;
	uint64_t h;

	if (len == 0)
		p = end = (const unsigned char *)"";
	if (len >= 32) {
		uint64_t v1 = seed + XP1 + XP2, v2 = seed + XP2, v3 = seed, v4 = seed - XP1;

		/* Four independent lanes: the multiplications overlap. */
		do {
			v1 = xxh_round(v1, le64(p));
			v2 = xxh_round(v2, le64(p + 8));
			v3 = xxh_round(v3, le64(p + 16));
			v4 = xxh_round(v4, le64(p + 24));
			p += 32;
		} while (end - p >= 32);
		h = rotl64(v1, 1) + rotl64(v2, 7) + rotl64(v3, 12) + rotl64(v4, 18);
		h = xxh_merge(h, v1);
		h = xxh_merge(h, v2);
		h = xxh_merge(h, v3);
		h = xxh_merge(h, v4);
	} else {
		h = seed + XP5;
	}
	h += (uint64_t)len;
	for (; end - p >= 8; p += 8)
		h = rotl64(h ^ xxh_round(0, le64(p)), 27) * XP1 + XP4;
	if (end - p >= 4) {
		h = rotl64(h ^ le32(p) * XP1, 23) * XP2 + XP3;
		p += 4;
	}
	for (; p < end; p++)
		h = rotl64(h ^ *p * XP5, 11) * XP1;
	h ^= h >> 33;
	h *= XP2;
	h ^= h >> 29;
	h *= XP3;
	h ^= h >> 32;
	return h;
}

/* A slot holds the position + 1 in its low 32 bits (0: empty) and the high 32 bits of
 * the name's hash above them: a probe that meets another name compares the hashes and
 * reads no name (at 50,000 names a name read is a cache miss). Tables of 2^32 positions
 * or more keep the whole position and no hash. */
#define NAMES_BIG ((size_t)1 << 31)

static uint64_t
slot_tag(uint64_t h)
{
	return h & 0xffffffff00000000ULL;
}

static size_t
slot_pos(const struct pl_names *ix, uint64_t v)
{
	return ix->nslot > NAMES_BIG ? (size_t)v : (size_t)(v & 0xffffffffU);
}

static uint64_t
slot_make(size_t nslot, uint64_t h, size_t i)
{
	return nslot > NAMES_BIG ? (uint64_t)i + 1 : slot_tag(h) | ((uint64_t)i + 1);
}

/* Whether slot value v may hold the name of hash h (the tags agree). */
static bool
slot_may(const struct pl_names *ix, uint64_t v, uint64_t h)
{
	return ix->nslot > NAMES_BIG || slot_tag(v) == slot_tag(h);
}

/* Position i (hash h) into a table of nslot slots that has room and does not hold its
 * name. */
static void
names_put(uint64_t *slot, size_t nslot, uint64_t h, size_t i)
{
	size_t k = (size_t)h & (nslot - 1);

	while (slot[k] != 0)
		k = (k + 1) & (nslot - 1);
	slot[k] = slot_make(nslot, h, i);
}

static uint64_t
name_hash(const char *name)
{
	return pl_hash_bytes(name, strlen(name));
}

/* Makes the table nslot slots (a power of 2 at least twice the positions held), moving
 * what it holds. Returns 0 or -1 (out of memory: unchanged). */
static int
names_grow(struct pl_names *ix, size_t cap, pl_name_at_fn *name_at, const void *ctx)
{
	uint64_t *t = calloc(cap, sizeof(*t));

	if (t == NULL)
		return -1;
	for (size_t k = 0; k < ix->nslot; k++)
		if (ix->slot[k] != 0) {
			size_t i = slot_pos(ix, ix->slot[k]) - 1;

			names_put(t, cap, name_hash(name_at(ctx, i)), i);
		}
	free(ix->slot);
	ix->slot = t;
	ix->nslot = cap;
	return 0;
}

int
pl_names_reserve(struct pl_names *ix, size_t n, pl_name_at_fn *name_at, const void *ctx)
{
	size_t cap = ix->nslot ? ix->nslot : 16;

	while (cap < n * 2 && cap < ((size_t)1 << (sizeof(size_t) * 8 - 4)))
		cap *= 2;
	return cap == ix->nslot ? 0 : names_grow(ix, cap, name_at, ctx);
}

/* The slot of name (hash h): the one that holds it, or the empty one where it would go. */
static size_t
names_walk(const struct pl_names *ix, const char *name, uint64_t h, pl_name_at_fn *name_at,
	   const void *ctx)
{
	size_t k;

	for (k = (size_t)h & (ix->nslot - 1); ix->slot[k] != 0; k = (k + 1) & (ix->nslot - 1))
		if (slot_may(ix, ix->slot[k], h) &&
		    strcmp(name_at(ctx, slot_pos(ix, ix->slot[k]) - 1), name) == 0)
			break;
	return k;
}

int
pl_names_add(struct pl_names *ix, size_t i, pl_name_at_fn *name_at, const void *ctx)
{
	const char *name = name_at(ctx, i);
	uint64_t h = name_hash(name);
	size_t k;

	if ((ix->n + 1) * 2 > ix->nslot) {
		if (ix->nslot != 0 && ix->slot[names_walk(ix, name, h, name_at, ctx)] != 0)
			return 1;
		if (names_grow(ix, ix->nslot ? ix->nslot * 2 : 16, name_at, ctx) != 0)
			return -1;
	}
	k = names_walk(ix, name, h, name_at, ctx);
	if (ix->slot[k] != 0)
		return 1;
	if (ix->nslot <= NAMES_BIG && i >= 0xffffffffU)
		return -1;     /* no room for the position beside the hash */
	ix->slot[k] = slot_make(ix->nslot, h, i);
	ix->n++;
	return 0;
}

bool
pl_names_find(const struct pl_names *ix, const char *name, pl_name_at_fn *name_at,
	      const void *ctx, size_t *i)
{
	size_t k;

	if (ix->nslot == 0)
		return false;
	k = names_walk(ix, name, name_hash(name), name_at, ctx);
	if (ix->slot[k] == 0)
		return false;
	*i = slot_pos(ix, ix->slot[k]) - 1;
	return true;
}

void
pl_names_free(struct pl_names *ix)
{
	free(ix->slot);
	ix->slot = NULL;
	ix->nslot = ix->n = 0;
}
