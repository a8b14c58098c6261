#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pl_i18n.h"
#include "pl_buf.h"
#include "pl_deadline.h"
#include "pl_file.h"
#include "pl_num.h"
#include "pl_store.h"
#include "pl_text.h"

#define MAGIC "plumbline-state"
#define NS_MAX 64          /* bytes of a namespace */
#define NAME_MAX_ 1024     /* bytes of a name */
#define TEXT_MAX 4096      /* bytes of a text value */

/* ------------------------------------------------------------------ entries */

void
pl_store_init(struct pl_store *st, const char *plugin, const char *key)
{
	memset(st, 0, sizeof(*st));
	pl_strlcpy(st->plugin, plugin, sizeof(st->plugin));
	pl_strlcpy(st->key, key, sizeof(st->key));
	st->dirfd = st->lockfd = -1;
}

/* The arena: entries' names and values are cut from chunks freed all at once, so that
 * 100,000 entries cost a few dozen allocations, not 100,000. A replaced or removed
 * entry's bytes stay until pl_store_clear or pl_store_free (a run replaces each entry
 * about once). */
struct pl_store_chunk {
	struct pl_store_chunk *next;
	size_t used, size;
	uint64_t data[];    /* aligned for the vectors */
};

#define CHUNK_MIN ((size_t)256 << 10)
#define CHUNK_FIRST ((size_t)16 << 10)

static void *
arena_alloc(struct pl_store *st, size_t n)
{
	struct pl_store_chunk *c = st->arena;

	n = (n + 7) & ~(size_t)7;
	if (c == NULL || c->size - c->used < n) {
		/* Chunks grow from 16 KiB to CHUNK_MIN: a state of a few entries (check_cpu's
		 * dozen) takes no 256 KiB mapping, one of 100,000 a few dozen chunks. */
		size_t want = c == NULL ? CHUNK_FIRST : c->size * 2 < CHUNK_MIN ? c->size * 2 :
			      CHUNK_MIN;
		size_t size = n > want ? n : want;

		c = malloc(sizeof(*c) + size);
		if (c == NULL)
			return NULL;
		c->next = st->arena;
		c->used = 0;
		c->size = size;
		st->arena = c;
	}
	c->used += n;
	return (char *)c->data + c->used - n;
}

static void
arena_free(struct pl_store *st)
{
	while (st->arena != NULL) {
		struct pl_store_chunk *c = st->arena;

		st->arena = c->next;
		free(c);
	}
}

static uint32_t
entry_hash(int gen, const char *ns, const char *name)
{
	const unsigned char g = (unsigned char)gen, sep = 0xff;
	uint64_t h = pl_hash_more(PL_HASH_INIT, &g, 1);

	h = pl_hash_more(h, ns, strlen(ns));
	h = pl_hash_more(h, &sep, 1);       /* no byte of a name: ns|name stays apart */
	h = pl_hash_more(h, name, strlen(name));
	return (uint32_t)pl_hash_mix(h);
}

/* A slot holds the entry's hash in the high half and its index + 1 in the low half (0:
 * empty), so that a probe touches an entry only when the hashes agree. */
#define SLOT(h, i) ((uint64_t)(h) << 32 | (uint64_t)((i) + 1))
#define SLOT_HASH(s) ((uint32_t)((s) >> 32))
#define SLOT_INDEX(s) ((size_t)((s) & 0xffffffffu) - 1)

/* Rebuilds the hash table, with room for want entries. Returns 0, or -1 out of memory
 * (the old table is kept then, still right when only growth was asked for). */
static int
rehash(struct pl_store *st, size_t want)
{
	size_t ns = 64;
	uint64_t *slots;

	while (ns < want * 2)
		ns *= 2;
	slots = calloc(ns, sizeof(*slots));
	if (slots == NULL)
		return -1;
	for (size_t i = 0; i < st->n; i++) {
		size_t s = st->v[i].hash & (ns - 1);

		while (slots[s] != 0)
			s = (s + 1) & (ns - 1);
		slots[s] = SLOT(st->v[i].hash, i);
	}
	free(st->slots);
	st->slots = slots;
	st->nslots = ns;
	return 0;
}

/* The index of the entry, or -1; *slot gets where it is or would go. */
static long
lookup(const struct pl_store *st, int gen, const char *ns, const char *name, uint32_t h,
       size_t *slot)
{
	size_t s, mask = st->nslots - 1;

	if (st->nslots == 0) {
		*slot = 0;
		return -1;
	}
	for (s = h & mask; st->slots[s] != 0; s = (s + 1) & mask) {
		const struct pl_store_entry *e;

		if (SLOT_HASH(st->slots[s]) != h)
			continue;
		e = &st->v[SLOT_INDEX(st->slots[s])];
		if (e->gen == gen && strcmp(e->name, name) == 0 && strcmp(e->ns, ns) == 0) {
			*slot = s;
			return (long)SLOT_INDEX(st->slots[s]);
		}
	}
	*slot = s;
	return -1;
}

/* Room for n entries in all, so that a parse grows nothing as it goes; the array grows
 * by doubling. */
static int
reserve(struct pl_store *st, size_t n)
{
	if (n > st->cap) {
		size_t ncap = st->cap * 2 > n ? st->cap * 2 : n < 32 ? 32 : n;
		struct pl_store_entry *v = realloc(st->v, ncap * sizeof(*v));

		if (v == NULL)
			return -1;
		st->v = v;
		st->cap = ncap;
	}
	if (n * 2 > st->nslots)
		return rehash(st, n);
	return 0;
}

void
pl_store_clear(struct pl_store *st)
{
	st->n = 0;
	arena_free(st);
	if (st->slots != NULL)
		memset(st->slots, 0, st->nslots * sizeof(*st->slots));
}

void
pl_store_free(struct pl_store *st)
{
	pl_store_clear(st);
	free(st->v);
	free(st->slots);
	st->v = NULL;
	st->slots = NULL;
	st->cap = st->nslots = 0;
}

/* Keeps the entries for which keep() is true, in order, and rebuilds the table. */
static void
filter(struct pl_store *st, bool (*keep)(struct pl_store_entry *e, const void *arg),
       const void *arg)
{
	size_t k = 0;

	for (size_t i = 0; i < st->n; i++)
		if (keep(&st->v[i], arg))
			st->v[k++] = st->v[i];
	st->n = k;
	if (rehash(st, st->n) != 0 && st->slots != NULL) {
		/* Out of memory: no entries rather than a table that points wrong. */
		st->n = 0;
		memset(st->slots, 0, st->nslots * sizeof(*st->slots));
	}
}

static bool
is_kept(struct pl_store_entry *e, const void *arg)
{
	(void)arg;
	return e->life == PL_STORE_KEEP;
}

void
pl_store_drop_counters(struct pl_store *st)
{
	filter(st, is_kept, NULL);
}

/* One piece of the arena for names and value: the numbers first (aligned), then ns,
 * name and text with their NULs. */
static int
entry_fill(struct pl_store *st, struct pl_store_entry *e, int gen, enum pl_store_life life,
	   const char *ns, size_t nsl, const char *name, size_t namel, const char *text,
	   size_t textl, const uint64_t *vec, size_t n, uint32_t h)
{
	size_t vb = n * sizeof(uint64_t);
	char *mem = arena_alloc(st, vb + nsl + 1 + namel + 1 + (text ? textl + 1 : 0));
	char *p;

	if (mem == NULL)
		return -1;
	if (vb > 0)
		memcpy(mem, vec, vb);
	p = mem + vb;
	e->vec = (uint64_t *)(void *)mem;
	e->nvec = (uint32_t)n;
	e->ns = p;
	memcpy(p, ns, nsl);
	p[nsl] = '\0';
	p += nsl + 1;
	e->name = p;
	memcpy(p, name, namel);
	p[namel] = '\0';
	p += namel + 1;
	e->text = NULL;
	if (text != NULL) {
		e->text = p;
		memcpy(p, text, textl);
		p[textl] = '\0';
	}
	e->gen = (uint8_t)gen;
	e->life = (uint8_t)life;
	e->hash = h;
	return 0;
}

/* Sets an entry, replacing one of the same generation, namespace and name. Returns 0,
 * or -1 (refused, or out of memory). */
static int
put(struct pl_store *st, int gen, enum pl_store_life life, const char *ns, const char *name,
    const char *text, const uint64_t *vec, size_t n)
{
	size_t nsl = strlen(ns), namel = strlen(name), textl = text ? strlen(text) : 0;
	uint32_t h;
	size_t slot;
	long at;
	struct pl_store_entry e;

	if (nsl > NS_MAX || namel > NAME_MAX_ || textl > TEXT_MAX || n > PL_STORE_VEC_MAX ||
	    (life == PL_STORE_KEEP && gen != PL_STORE_GEN_NEW))
		return -1;
	h = entry_hash(gen, ns, name);
	at = lookup(st, gen, ns, name, h, &slot);
	if (at < 0) {
		size_t before = st->nslots;

		if (st->n >= PL_STORE_MAX_ENTRIES || reserve(st, st->n + 1) != 0)
			return -1;
		if (st->nslots != before)    /* the table grew: find the new place */
			lookup(st, gen, ns, name, h, &slot);
	}
	if (entry_fill(st, &e, gen, life, ns, nsl, name, namel, text, textl, vec, n, h) != 0)
		return -1;
	if (at >= 0) {
		st->v[at] = e;
		return 0;
	}
	st->v[st->n] = e;
	st->slots[slot] = SLOT(h, st->n);
	st->n++;
	return 0;
}

/* For the parser: appends an entry without a lookup; build_table() indexes them all
 * afterwards. Inserting one by one would wait on a cache miss of the table per line;
 * the table built in one pass lets those misses overlap. */
static int
append(struct pl_store *st, int gen, enum pl_store_life life, const char *ns, size_t nsl,
       const char *name, size_t namel, const char *text, size_t textl, const uint64_t *vec,
       size_t n)
{
	if (st->n >= PL_STORE_MAX_ENTRIES || (st->n == st->cap && reserve(st, st->n + 1) != 0))
		return -1;
	if (entry_fill(st, &st->v[st->n], gen, life, ns, nsl, name, namel, text, textl, vec, n,
		       entry_hash(gen, ns, name)) != 0)
		return -1;
	st->n++;
	return 0;
}

/* Indexes every entry. Returns 0, -1 out of memory, or 1 when two entries have the same
 * generation, namespace and name. */
static int
build_table(struct pl_store *st)
{
	size_t mask, ns = 64;

	while (ns < st->n * 2)
		ns *= 2;
	if (ns != st->nslots) {
		uint64_t *slots = calloc(ns, sizeof(*slots));

		if (slots == NULL)
			return -1;
		free(st->slots);
		st->slots = slots;
		st->nslots = ns;
	} else {
		memset(st->slots, 0, st->nslots * sizeof(*st->slots));
	}
	mask = st->nslots - 1;
	for (size_t i = 0; i < st->n; i++) {
		const struct pl_store_entry *e = &st->v[i];
		size_t sl = e->hash & mask;

		for (; st->slots[sl] != 0; sl = (sl + 1) & mask) {
			const struct pl_store_entry *o;

			if (SLOT_HASH(st->slots[sl]) != e->hash)
				continue;
			o = &st->v[SLOT_INDEX(st->slots[sl])];
			if (o->gen == e->gen && strcmp(o->name, e->name) == 0 &&
			    strcmp(o->ns, e->ns) == 0)
				return 1;
		}
		st->slots[sl] = SLOT(e->hash, i);
	}
	return 0;
}

int
pl_store_put(struct pl_store *st, enum pl_store_life life, const char *ns, const char *name,
	     const char *text)
{
	return put(st, PL_STORE_GEN_NEW, life, ns, name, text, NULL, 0);
}

int
pl_store_put_vec(struct pl_store *st, enum pl_store_life life, const char *ns,
		 const char *name, const uint64_t *v, size_t n)
{
	return put(st, PL_STORE_GEN_NEW, life, ns, name, NULL, v, n);
}

const struct pl_store_entry *
pl_store_find(const struct pl_store *st, int gen, const char *ns, const char *name)
{
	size_t slot;
	long at = lookup(st, gen, ns, name, entry_hash(gen, ns, name), &slot);

	return at < 0 ? NULL : &st->v[at];
}

struct del_arg {
	const struct pl_store_entry *e;
};

static bool
not_this(struct pl_store_entry *e, const void *arg)
{
	return e != ((const struct del_arg *)arg)->e;
}

void
pl_store_del(struct pl_store *st, int gen, const char *ns, const char *name)
{
	struct del_arg a = { pl_store_find(st, gen, ns, name) };

	if (a.e != NULL)
		filter(st, not_this, &a);
}

const struct pl_store_entry *
pl_store_next(const struct pl_store *st, int gen, const char *ns, size_t *pos)
{
	for (; *pos < st->n; (*pos)++) {
		const struct pl_store_entry *e = &st->v[*pos];

		if (e->gen == gen && strcmp(e->ns, ns) == 0) {
			(*pos)++;
			return e;
		}
	}
	return NULL;
}

int
pl_store_set_vec(struct pl_store *st, const char *ns, const char *name, const uint64_t *v,
		 size_t n)
{
	return put(st, PL_STORE_GEN_NEW, PL_STORE_COUNTER, ns, name, NULL, v, n);
}

int
pl_store_get_vec(const struct pl_store *st, int gen, const char *ns, const char *name,
		 uint64_t *out, size_t max)
{
	const struct pl_store_entry *e = pl_store_find(st, gen, ns, name);

	if (e == NULL || e->text != NULL || e->nvec > max)
		return -1;
	if (e->nvec > 0)
		memcpy(out, e->vec, e->nvec * sizeof(*out));
	return (int)e->nvec;
}

int
pl_store_keep(struct pl_store *st, const char *ns, const char *name, const char *text)
{
	return put(st, PL_STORE_GEN_NEW, PL_STORE_KEEP, ns, name, text, NULL, 0);
}

const char *
pl_store_kept(const struct pl_store *st, const char *ns, const char *name)
{
	const struct pl_store_entry *e = pl_store_find(st, PL_STORE_GEN_NEW, ns, name);

	return e != NULL && e->life == PL_STORE_KEEP ? e->text : NULL;
}

int
pl_store_pick(const struct pl_store *st, double now, double min_window, double *then)
{
	if (now - st->time < min_window && st->prev_time > 0 && st->prev_time < st->time) {
		*then = st->prev_time;
		return PL_STORE_GEN_PREV;
	}
	*then = st->time;
	return PL_STORE_GEN_NEW;
}

static bool
rotate_one(struct pl_store_entry *e, const void *arg)
{
	(void)arg;
	if (e->life == PL_STORE_KEEP)
		return true;
	if (e->gen == PL_STORE_GEN_PREV)
		return false;
	e->gen = PL_STORE_GEN_PREV;
	e->hash = entry_hash(e->gen, e->ns, e->name);
	return true;
}

void
pl_store_rotate(struct pl_store *st, double now, double wall)
{
	filter(st, rotate_one, NULL);
	st->prev_time = st->time;
	st->prev_wall = st->wall;
	st->time = now;
	st->wall = wall;
}

/* ------------------------------------------------------------------ the text format */

static const char hexd[] = "0123456789ABCDEF";

/* The writer fills a block on the stack and hands it to the buffer when full: one
 * pl_buf_add per 64 KiB rather than five per entry. */
struct out_block {
	struct pl_buf *out;
	size_t k;
	char b[65536];
};

/* The longest line: kind, three escaped fields, a vector, blanks. */
#define LINE_MAX_ (3 + 3 * (NS_MAX + NAME_MAX_ + TEXT_MAX) + 21 * PL_STORE_VEC_MAX + 16)

static void
block_flush(struct out_block *o)
{
	pl_buf_add(o->out, o->b, o->k);
	o->k = 0;
}

/* Appends s escaped (see the header). */
static void
put_field(struct out_block *o, const char *s)
{
	char *q = o->b + o->k;

	if (*s == '\0') {
		*q++ = '%';
	} else {
		for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
			if (*p > ' ' && *p < 0x7f && *p != '%') {
				*q++ = (char)*p;
			} else {
				*q++ = '%';
				*q++ = hexd[*p >> 4];
				*q++ = hexd[*p & 15];
			}
		}
	}
	o->k = (size_t)(q - o->b);
}

/* "00".."99": two digits per division, half the divisions of a state's counters. */
static const char digits2[] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

/* Appends " 1234". */
static void
put_u64(struct out_block *o, uint64_t v)
{
	char tmp[24];
	size_t k = sizeof(tmp);

	while (v >= 100) {
		unsigned r = (unsigned)(v % 100);

		v /= 100;
		tmp[--k] = digits2[2 * r + 1];
		tmp[--k] = digits2[2 * r];
	}
	if (v >= 10) {
		tmp[--k] = digits2[2 * v + 1];
		tmp[--k] = digits2[2 * v];
	} else {
		tmp[--k] = (char)('0' + v);
	}
	tmp[--k] = ' ';
	memcpy(o->b + o->k, tmp + k, sizeof(tmp) - k);
	o->k += sizeof(tmp) - k;
}

static void
put_str(struct out_block *o, const char *s, size_t n)
{
	memcpy(o->b + o->k, s, n);
	o->k += n;
}

/* The text of st as generation gen (see pl_store_format). */
static void
format_gen(const struct pl_store *st, uint64_t gen, struct pl_buf *out)
{
	struct out_block *o = malloc(sizeof(*o));
	size_t start = out->len;
	char t[4][64];

	pl_buf_printf(out, MAGIC " %d\ngen %llu\nplugin %s\nkey %s\nboot_id %s\ntime %s %s\n"
		      "prev_time %s %s\n", PL_STORE_VERSION, (unsigned long long)gen, st->plugin,
		      st->key, st->boot_id,
		      pl_fmt_num(t[0], sizeof(t[0]), st->time, 3),
		      pl_fmt_num(t[1], sizeof(t[1]), st->wall, 3),
		      pl_fmt_num(t[2], sizeof(t[2]), st->prev_time, 3),
		      pl_fmt_num(t[3], sizeof(t[3]), st->prev_wall, 3));
	if (o == NULL) {
		out->oom = true;
		return;
	}
	o->out = out;
	o->k = 0;
	for (size_t i = 0; i < st->n; i++) {
		const struct pl_store_entry *e = &st->v[i];

		if (sizeof(o->b) - o->k < LINE_MAX_)
			block_flush(o);
		put_str(o, e->life == PL_STORE_KEEP ? "k " : e->gen == PL_STORE_GEN_NEW ?
			"c0 " : "c1 ", e->life == PL_STORE_KEEP ? 2 : 3);
		put_field(o, e->ns);
		put_str(o, " ", 1);
		put_field(o, e->name);
		if (e->text != NULL) {
			put_str(o, " t ", 3);
			put_field(o, e->text);
		} else {
			put_str(o, " u", 2);
			for (uint32_t k = 0; k < e->nvec; k++)
				put_u64(o, e->vec[k]);
		}
		put_str(o, "\n", 1);
	}
	block_flush(o);
	free(o);
	/* The checksum of all that comes before it: a reader tells a slot written whole
	 * from one cut or torn by a write that was going on (or a crash). */
	if (!out->oom && !out->truncated)
		pl_buf_printf(out, "end %016llx\n", (unsigned long long)
			      pl_xxh64(out->data + start, out->len - start, 0));
}

void
pl_store_format(const struct pl_store *st, struct pl_buf *out)
{
	format_gen(st, st->gen, out);
}

/* The next whole line [*ls, *le), or false at the end of the text. Every line of ours
 * ends in a newline: a line without one is the end of a cut file, not a line to read. */
static bool
next_line(struct pl_lines *it, const char **ls, const char **le)
{
	bool cut;

	return pl_lines_next(it, ls, le, &cut) && !cut;
}

static int
header(struct pl_lines *it, const char *word, char *out, size_t outlen)
{
	const char *ls, *le;
	size_t n, wl = strlen(word);

	if (!next_line(it, &ls, &le))
		return -1;
	n = (size_t)(le - ls);
	if (n < wl + 1 || memcmp(ls, word, wl) != 0 || ls[wl] != ' ')
		return -1;
	if (n - wl - 1 >= outlen)
		return -1;
	memcpy(out, ls + wl + 1, n - wl - 1);
	out[n - wl - 1] = '\0';
	return 0;
}

/* "SECONDS WALL": two times, each 0 <= t <= 1e12. */
static int
two_times(const char *s, double *a, double *b)
{
	const char *p = s, *end = s + strlen(s);

	if (pl_scan_double(&p, end, a) != 0 || p >= end || *p != ' ')
		return -1;
	p++;
	if (pl_scan_double(&p, end, b) != 0 || p != end)
		return -1;
	return *a >= 0 && *a <= 1e12 && *b >= 0 && *b <= 1e12 ? 0 : -1;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Unescapes the field [p, e) into out (cap bytes with the NUL). Returns its length or -1
 * when malformed: a byte that must be escaped, a bad escape, an escaped NUL, too long.
 * The writer escapes exactly the bytes it must, so a field has one spelling only. */
static long
get_field(const char *p, const char *e, char *out, size_t cap)
{
	size_t k = 0;

	if (e - p == 1 && *p == '%') {
		out[0] = '\0';
		return 0;
	}
	if (p == e)
		return -1;
	for (; p < e; p++) {
		unsigned char c = (unsigned char)*p;

		if (k + 1 >= cap || c <= ' ' || c >= 0x7f)
			return -1;
		if (c == '%') {
			int hi, lo;

			if (e - p < 3 || (hi = hexval(p[1])) < 0 || (lo = hexval(p[2])) < 0)
				return -1;
			c = (unsigned char)(hi << 4 | lo);
			if (c == 0 || (c > ' ' && c < 0x7f && c != '%'))
				return -1;
			p += 2;
		}
		out[k++] = (char)c;
	}
	out[k] = '\0';
	return (long)k;
}

/* The next blank-separated token of [*p, e): [*ts, *te). Exactly one blank between. */
static bool
token(const char **p, const char *e, const char **ts, const char **te)
{
	const char *s = *p, *sp;

	if (s >= e)
		return false;
	sp = memchr(s, ' ', (size_t)(e - s));
	*ts = s;
	*te = sp ? sp : e;
	*p = sp ? sp + 1 : e;
	return *te > *ts;
}

/* One entry line, appended to st (build_table() indexes them after the last). Returns
 * 0, or -1 with why in err. */
static int
entry_line(struct pl_store *st, const char *ls, const char *le, char *err, size_t errlen)
{
	char ns[NS_MAX + 1], name[NAME_MAX_ + 1], text[TEXT_MAX + 1];
	const char *p = ls, *ts, *te;
	uint64_t vec[PL_STORE_VEC_MAX];
	enum pl_store_life life;
	long nsl, namel, textl = 0;
	size_t n = 0;
	bool is_text;
	int gen;

	/* One spelling per line: single blanks between fields, none at the end. */
	if (le == ls || le[-1] == ' ' || !token(&p, le, &ts, &te))
		goto bad;
	if (te - ts == 1 && *ts == 'k') {
		life = PL_STORE_KEEP;
		gen = PL_STORE_GEN_NEW;
	} else if (te - ts == 2 && ts[0] == 'c' && (ts[1] == '0' || ts[1] == '1')) {
		life = PL_STORE_COUNTER;
		gen = ts[1] - '0';
	} else {
		goto bad;
	}
	if (!token(&p, le, &ts, &te) || (nsl = get_field(ts, te, ns, sizeof(ns))) < 0 ||
	    !token(&p, le, &ts, &te) || (namel = get_field(ts, te, name, sizeof(name))) < 0 ||
	    !token(&p, le, &ts, &te) || te - ts != 1 || (*ts != 't' && *ts != 'u'))
		goto bad;
	is_text = *ts == 't';
	if (is_text) {
		if (!token(&p, le, &ts, &te) ||
		    (textl = get_field(ts, te, text, sizeof(text))) < 0 || p != le)
			goto bad;
	}
	/* Numbers follow "u", each after one blank; "u" alone is an empty vector. */
	while (!is_text && p < le) {
		if (n == PL_STORE_VEC_MAX || pl_scan_u64(&p, le, &vec[n]) != 0)
			goto bad;
		n++;
		if (p < le && *p++ != ' ')
			goto bad;
	}
	if (append(st, gen, life, ns, (size_t)nsl, name, (size_t)namel, is_text ? text : NULL,
		   (size_t)textl, vec, n) != 0) {
		pl_snprintf(err, errlen, _("state file has too many entries (or memory ran out)"));
		return -1;
	}
	return 0;
bad:
	pl_snprintf(err, errlen, _("state file has a malformed line"));
	return -1;
}

/* The version of the text at buf from its first line (0: not a state file). */
static uint64_t
text_version(const char *buf, size_t len)
{
	struct pl_lines it;
	char word[128];
	uint64_t ver;

	pl_lines_init(&it, buf, len);
	if (header(&it, MAGIC, word, sizeof(word)) != 0 || pl_parse_u64(word, 1000, &ver) != 0)
		return 0;
	return ver;
}

/* Where the "end SUM" line of a version 3 text starts, when it is the last line and SUM
 * is the checksum of all before it; else NULL. */
static const char *
whole_text_end(const char *buf, size_t len)
{
	const char *ls;
	uint64_t sum = 0;

	if (len < 21 || buf[len - 1] != '\n')
		return NULL;
	ls = buf + len - 21;           /* "end ", 16 hex digits, the newline */
	if (ls > buf && ls[-1] != '\n')
		return NULL;
	if (memcmp(ls, "end ", 4) != 0)
		return NULL;
	for (int i = 4; i < 20; i++) {
		char c = ls[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;

		if (d < 0)
			return NULL;
		sum = sum << 4 | (uint64_t)d;
	}
	return pl_xxh64(buf, (size_t)(ls - buf), 0) == sum ? ls : NULL;
}

/* Parses a version 2 or 3 text. checked: whole_text_end said the version 3 text is
 * whole (so that a loader reading two slots sums each once). */
static int
store_parse(const char *buf, size_t len, struct pl_store *st, double budget, bool *old,
	    bool checked, char *err, size_t errlen)
{
	struct pl_lines it;
	const char *ls, *le;
	char word[128];
	double start = budget > 0 ? pl_mono() : 0;
	bool ended = false;
	uint64_t ver;

	if (memchr(buf, '\0', len) != NULL) {
		pl_snprintf(err, errlen, _("state file holds a NUL byte"));
		return -1;
	}
	pl_lines_init(&it, buf, len);
	if (header(&it, MAGIC, word, sizeof(word)) != 0) {
		pl_snprintf(err, errlen, _("not a Plumbline state file"));
		return -1;
	}
	if (pl_parse_u64(word, 1000, &ver) != 0)
		ver = 0;
	/* Version 2 (one file, replaced by rename) is read as generation 0: the next save
	 * takes it over into the slots. */
	if (ver != PL_STORE_VERSION && ver != 2) {
		if (ver == 1 && old != NULL)
			*old = true;
		pl_snprintf(err, errlen, _("state format version '%.16s', expected %d%s"), word,
			    PL_STORE_VERSION, ver == 1 ? " (written by an older Plumbline; "
			    "replaced by this run's)" : "");
		return -1;
	}
	st->gen = 0;
	if (ver == PL_STORE_VERSION) {
		const char *end = checked ? buf + len - 21 : whole_text_end(buf, len);
		uint64_t gen;

		if (end == NULL) {
			pl_snprintf(err, errlen, _("state file is cut or torn (its last line is not "
				    "an end line with the checksum of the rest)"));
			return -1;
		}
		/* The end line is checked: the entries run up to it. */
		it.end = end;
		ended = true;
		if (header(&it, "gen", word, sizeof(word)) != 0 ||
		    pl_parse_u64(word, PL_STORE_GEN_LIMIT, &gen) != 0) {
			pl_snprintf(err, errlen, _("state file has no valid gen line"));
			return -1;
		}
		st->gen = gen;
	}
	if (header(&it, "plugin", word, sizeof(word)) != 0 || strcmp(word, st->plugin) != 0) {
		pl_snprintf(err, errlen, _("state file belongs to another plugin"));
		return -1;
	}
	if (header(&it, "key", word, sizeof(word)) != 0 || strcmp(word, st->key) != 0) {
		pl_snprintf(err, errlen, _("state file belongs to another key"));
		return -1;
	}
	if (header(&it, "boot_id", st->boot_id, sizeof(st->boot_id)) != 0) {
		pl_snprintf(err, errlen, _("state file has no boot_id line"));
		return -1;
	}
	if (header(&it, "time", word, sizeof(word)) != 0 ||
	    two_times(word, &st->time, &st->wall) != 0) {
		pl_snprintf(err, errlen, _("state file has no valid time line"));
		return -1;
	}
	if (header(&it, "prev_time", word, sizeof(word)) != 0 ||
	    two_times(word, &st->prev_time, &st->prev_wall) != 0) {
		pl_snprintf(err, errlen, _("state file has no valid prev_time line"));
		return -1;
	}
	/* One entry per line: room for them all at once. */
	{
		size_t lines = 0;

		for (const char *q = it.p; q < it.end &&
		     (q = memchr(q, '\n', (size_t)(it.end - q))) != NULL; q++)
			lines++;
		if (lines > PL_STORE_MAX_ENTRIES + 1) {
			pl_snprintf(err, errlen, _("state file has more than %d entries"),
				    PL_STORE_MAX_ENTRIES);
			return -1;
		}
		if (reserve(st, lines) != 0) {
			pl_snprintf(err, errlen, _("out of memory for the state file's entries"));
			return -1;
		}
	}
	while (next_line(&it, &ls, &le)) {
		if (ver == 2 && le - ls == 3 && memcmp(ls, "end", 3) == 0) {
			ended = true;
			break;
		}
		if (entry_line(st, ls, le, err, errlen) != 0)
			return -1;
		if (budget > 0 && (it.lineno & 4095) == 0 && pl_mono() - start > budget) {
			pl_snprintf(err, errlen, _("state file took more than %.3gs to read "
				    "(%zu lines so far): discarded"), budget, it.lineno);
			return -1;
		}
	}
	if (!ended || it.p != it.end) {
		pl_snprintf(err, errlen, _("state file is truncated or has data after its end"));
		return -1;
	}
	switch (build_table(st)) {
	case 0:
		return 0;
	case 1:
		pl_snprintf(err, errlen, _("state file has an entry twice"));
		return -1;
	default:
		pl_snprintf(err, errlen, _("out of memory for the state file's entries"));
		return -1;
	}
}

/* Parses into st; on failure st is left empty (no entries, no time, no boot id), so that
 * nothing of a rejected file can be saved back. */
static int
parse_text(const char *buf, size_t len, struct pl_store *st, double budget, bool *old,
	   bool checked, char *err, size_t errlen)
{
	if (old != NULL)
		*old = false;
	pl_store_clear(st);
	if (store_parse(buf, len, st, budget, old, checked, err, errlen) == 0)
		return 0;
	pl_store_clear(st);
	st->time = st->prev_time = st->wall = st->prev_wall = 0;
	st->boot_id[0] = '\0';
	st->gen = 0;
	return -1;
}

int
pl_store_parse(const char *buf, size_t len, struct pl_store *st, double budget, bool *old,
	       char *err, size_t errlen)
{
	return parse_text(buf, len, st, budget, old, false, err, errlen);
}

void
pl_store_key_hash(const char *text, size_t len, char *out, size_t outlen)
{
	pl_snprintf(out, outlen, "%016llx", (unsigned long long)pl_hash_bytes(text, len));
}

/* ------------------------------------------------------------------ the directory */

/* A directory we pass through: it must belong to root or to us and be writable by nobody
 * else, unless sticky. */
static int
trusted_dir(int fd, const char *shown, char *err, size_t errlen)
{
	struct stat sb;

	if (fstat(fd, &sb) != 0) {
		pl_snprintf(err, errlen, _("cannot check %s: %s"), shown, strerror(errno));
		return -1;
	}
	if (sb.st_uid != 0 && sb.st_uid != geteuid()) {
		pl_snprintf(err, errlen,
			    _("%s belongs to uid %lu, neither root nor uid %lu: its owner could redirect the state directory below it (use a --state-dir whose every parent belongs to root or this user)"),
			    shown, (unsigned long)sb.st_uid, (unsigned long)geteuid());
		return -1;
	}
	if ((sb.st_mode & 022) != 0 && !(sb.st_mode & S_ISVTX)) {
		pl_snprintf(err, errlen,
			    (sb.st_mode & 002) ?
			    _("%s is writable by others: they could redirect the state directory below it (chmod go-w it, or use another --state-dir)") :
			    _("%s is writable by its group: they could redirect the state directory below it (chmod go-w it, or use another --state-dir)"),
			    shown);
		return -1;
	}
	return (sb.st_mode & S_ISVTX) && (sb.st_mode & 022) ? 1 : 0;
}

/* The path walked so far, for messages: "/var/lib" (at most pathlen bytes). */
static void
shown_add(char *shown, size_t len, const char *comp, size_t clen)
{
	size_t n = strlen(shown);

	if (n == 1 && shown[0] == '/')
		n = 0;
	pl_snprintf(shown + n, len - n, "/%.*s", (int)clen, comp);
}

/* True when s holds nothing but "/" and "." components: what precedes it is the last
 * component of the path, however spelled ("x/", "x/.", "x//./"). */
static bool
only_dots(const char *s)
{
	for (;;) {
		size_t cl;

		s += strspn(s, "/");
		cl = strcspn(s, "/");
		if (cl == 0)
			return true;
		if (cl != 1 || s[0] != '.')
			return false;
		s++;
	}
}

/* Walks path (absolute) as described in the header. dirpath is the path as given, for
 * messages. Returns the directory's descriptor or -1 with err. */
static int
walk_open(const char *path, const char *dirpath, char *err, size_t errlen)
{
	char todo[8192], shown[4096] = "/", comp[256];
	int cur, links = 0;
	size_t pos = 0;

	if (path[0] != '/') {
		pl_snprintf(err, errlen, _("state directory %s is not an absolute path (give one that starts with '/')"),
			    dirpath);
		return -1;
	}
	if (pl_strlcpy(todo, path, sizeof(todo)) >= sizeof(todo)) {
		pl_snprintf(err, errlen, _("state directory path is too long"));
		return -1;
	}
	cur = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cur < 0 || trusted_dir(cur, "/", err, errlen) < 0)
		goto fail;
	for (;;) {
		struct stat sb;
		size_t clen;
		bool last;
		int sticky, next;

		while (todo[pos] == '/')
			pos++;
		clen = strcspn(todo + pos, "/");
		if (clen == 0)
			break;        /* "/" itself, or a trailing "/" */
		if (clen >= sizeof(comp)) {
			pl_snprintf(err, errlen, _("state directory %s has a component longer than 255 bytes"),
				    dirpath);
			goto fail;
		}
		memcpy(comp, todo + pos, clen);
		comp[clen] = '\0';
		pos += clen;
		if (strcmp(comp, ".") == 0)
			continue;
		last = only_dots(todo + pos);
		sticky = trusted_dir(cur, shown, err, errlen);
		if (sticky < 0)
			goto fail;
		if (fstatat(cur, comp, &sb, AT_SYMLINK_NOFOLLOW) != 0) {
			if (errno == ENOENT && last) {
				if (mkdirat(cur, comp, 0700) != 0 && errno != EEXIST) {
					pl_snprintf(err, errlen, _("cannot create state directory %s: %s (set --state-dir)"),
						    dirpath, strerror(errno));
					goto fail;
				}
				if (fstatat(cur, comp, &sb, AT_SYMLINK_NOFOLLOW) == 0)
					goto have;
			}
			shown_add(shown, sizeof(shown), comp, clen);
			pl_snprintf(err, errlen, errno == ENOENT ?
				    _("cannot create state directory %s: %s: %s (set --state-dir)") :
				    _("cannot open state directory %s: %s: %s (set --state-dir)"),
				    dirpath, shown, strerror(errno));
			goto fail;
		}
have:
		/* In a sticky directory anyone may create an entry: only one of root or of
		 * ours is one nobody else can replace. */
		if (sticky && sb.st_uid != 0 && sb.st_uid != geteuid()) {
			shown_add(shown, sizeof(shown), comp, clen);
			pl_snprintf(err, errlen, last ?
				    _("state directory %s belongs to uid %lu in a directory anyone can write to: not used (remove it, or set --state-dir)") :
				    _("%s belongs to uid %lu in a directory anyone can write to: not used (remove it, or set --state-dir)"),
				    last ? dirpath : shown, (unsigned long)sb.st_uid);
			goto fail;
		}
		if (S_ISLNK(sb.st_mode)) {
			char target[4096], rest[8192];
			ssize_t tl;

			if (last) {
				pl_snprintf(err, errlen, _("cannot open state directory %s: it is a symlink (it must be a real directory, not a symlink)"),
					    dirpath);
				goto fail;
			}
			tl = readlinkat(cur, comp, target, sizeof(target) - 1);
			if (tl <= 0 || ++links > 40) {
				pl_snprintf(err, errlen, _("cannot open state directory %s: too many or unreadable symlinks on the way"),
					    dirpath);
				goto fail;
			}
			target[tl] = '\0';
			/* The link was made by someone who may write here, which the checks
			 * above allowed: walk its target, by the same rules, then the rest. */
			if ((size_t)pl_snprintf(rest, sizeof(rest), "%s/%s", target, todo + pos) >=
			    sizeof(todo)) {
				pl_snprintf(err, errlen, _("state directory %s: the path through its symlinks is too long"),
					    dirpath);
				goto fail;
			}
			pl_strlcpy(todo, rest, sizeof(todo));
			pos = 0;
			if (target[0] == '/') {
				close(cur);
				cur = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
				pl_strlcpy(shown, "/", sizeof(shown));
				if (cur < 0)
					goto fail;
			}
			continue;
		}
		next = openat(cur, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0) {
			pl_snprintf(err, errlen, _("cannot open state directory %s: %s%s"), dirpath,
				    strerror(errno), errno == ELOOP || errno == ENOTDIR ?
				    " (it must be a real directory, not a symlink)" : "");
			goto fail;
		}
		close(cur);
		cur = next;
		if (strcmp(comp, "..") == 0) {
			char *slash = strrchr(shown, '/');

			if (slash != NULL)
				slash[slash == shown ? 1 : 0] = '\0';
		} else {
			shown_add(shown, sizeof(shown), comp, clen);
		}
	}
	return cur;
fail:
	if (cur >= 0)
		close(cur);
	return -1;
}

/* Makes (if need be) and opens path as a private state directory. */
static int
open_private_dir(const char *path, char *err, size_t errlen)
{
	struct stat st;
	int fd = walk_open(path, path, err, errlen);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || st.st_uid != geteuid() || (st.st_mode & 022) != 0) {
		pl_snprintf(err, errlen,
			    _("state directory %s must belong to uid %lu and not be writable by others (chown/chmod 700 it, or set --state-dir)"),
			    path, (unsigned long)geteuid());
		close(fd);
		return -1;
	}
	return fd;
}

int
pl_store_dir_open(const char *dir, char *path, size_t pathlen, char *err, size_t errlen)
{
	const struct passwd *pw;
	char first[1024];
	int fd;

	/* Whoever sets the environment of a privileged run is not who it runs as: a
	 * caller of a setuid, capability, sudo or pkexec run could point it at /etc. */
	if ((dir == NULL || dir[0] == '\0') && !pl_privileged())
		dir = getenv("PLUMBLINE_STATE_DIR");
	if (dir != NULL && dir[0] != '\0') {
		pl_strlcpy(path, dir, pathlen);
		return open_private_dir(path, err, errlen);
	}
	pl_snprintf(path, pathlen, "%s/plumbline-%lu", PL_STATE_ROOT, (unsigned long)geteuid());
	fd = open_private_dir(path, err, errlen);
	if (fd >= 0)
		return fd;
	/* Another local user can make the shared default first (or a cleaner can remove
	 * it and someone else take its name): the user's own home cannot be taken so. */
	pw = getpwuid(geteuid());
	if (pw == NULL || pw->pw_dir == NULL || pw->pw_dir[0] != '/')
		return -1;
	pl_strlcpy(first, err, sizeof(first));
	pl_snprintf(path, pathlen, "%s/.cache", pw->pw_dir);
	if (mkdir(path, 0700) != 0 && errno != EEXIST) {
		pl_snprintf(err, errlen, "%s", first);
		return -1;
	}
	pl_snprintf(path, pathlen, "%s/.cache/plumbline", pw->pw_dir);
	fd = open_private_dir(path, err, errlen);
	if (fd < 0)
		pl_snprintf(err, errlen, "%s", first);
	return fd;
}

/* ------------------------------------------------------------------ files */

static void
file_name(const struct pl_store *st, char *out, size_t len, const char *ext)
{
	pl_snprintf(out, len, "%s-%s.%s", st->plugin, st->key, ext);
}

int
pl_store_lock(int dirfd, const struct pl_store *st, double wait, char *err, size_t errlen)
{
	char name[200];
	struct stat sb;
	double start = pl_mono();
	long nap = 1000000;     /* 1 ms, doubling to 16 ms */
	int fd;

	memset(&sb, 0, sizeof(sb));
	file_name(st, name, sizeof(name), "lock");
	fd = openat(dirfd, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0600);
	if (fd < 0 && (errno == EISDIR || errno == ELOOP)) {
		pl_snprintf(err, errlen, _("the state lock %s is %s, not a lock file"),
			    name, errno == EISDIR ? "a directory" : "a symlink");
		errno = EEXIST;
		return -1;
	}
	if (fd < 0) {
		pl_snprintf(err, errlen, _("cannot open the state lock %s: %s"), name,
			    strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_uid != geteuid()) {
		bool reg = S_ISREG(sb.st_mode);

		pl_snprintf(err, errlen, _("the state lock %s is %s, not a lock file of this user"),
			    name, !reg && S_ISFIFO(sb.st_mode) ? "a FIFO" :
			    !reg ? "not a regular file" : "another user's file");
		close(fd);
		errno = EEXIST;
		return -1;
	}
	for (;;) {
		struct timespec ts;

		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return fd;
		if (errno != EWOULDBLOCK && errno != EINTR) {
			pl_snprintf(err, errlen, _("cannot lock %s: %s"), name, strerror(errno));
			close(fd);
			return -1;
		}
		if (pl_mono() - start >= wait)
			break;
		ts.tv_sec = 0;
		ts.tv_nsec = nap;
		nanosleep(&ts, NULL);
		if (nap < 16000000)
			nap *= 2;
	}
	pl_snprintf(err, errlen, _("another run of this check held the state lock %s for %.3gs"),
		    name, wait);
	close(fd);
	errno = EWOULDBLOCK;
	return -1;
}

/* ------------------------------------------------------------------ the two slots */

/* Slot 0 keeps the name of the single file of version 2, so that such a file is read
 * where it lies and taken over by the saves that follow. */
static void
slot_name(const struct pl_store *st, int slot, char *out, size_t len)
{
	pl_snprintf(out, len, "%s-%s.state%s", st->plugin, st->key, slot ? ".1" : "");
}

/* What a slot holds. */
struct slot {
	char name[200];
	int fd;             /* open (a regular file of ours) until slot_close; -1: none */
	char *data;         /* the file's bytes (owned) once slot_fill read them */
	size_t len;
	uint64_t gen;       /* from its gen line (0 for version 2) */
	bool candidate;     /* a state file of ours whose generation fits the slot */
	bool missing;       /* no file by that name */
	bool whole;         /* read, and its checksum holds (version 3) or it is version 2 */
	char why[256];      /* why it is not a candidate, or not whole */
};

static const struct pl_file_rules slot_rules = {
	PL_FILE_OURS | PL_FILE_UNNAMED, PL_STORE_FILE_CAP, NULL,
};

/* A slot up to this size is read whole at once; of a larger one only the head first, so
 * that the older of two large slots is never read whole. */
#define SLOT_SMALL ((size_t)64 << 10)

/* Reads up to len bytes at offset 0 of fd. Returns how many (0 on an error). */
static size_t
read_head(int fd, char *buf, size_t len)
{
	ssize_t n;

	do
		n = pread(fd, buf, len, 0);
	while (n < 0 && errno == EINTR);
	return n > 0 ? (size_t)n : 0;
}

/* Opens slot i of st and reads its first line and gen line (a small slot whole). Never
 * fails: what cannot be used is said in sl->why. */
static void
slot_open(int dirfd, const struct pl_store *st, int i, struct slot *sl)
{
	char err[sizeof(sl->why) - 32], small[128], *head = small;
	struct stat sb;
	size_t n;

	memset(sl, 0, sizeof(*sl));
	slot_name(st, i, sl->name, sizeof(sl->name));
	/* The caller's waiting text ("reading the state file") stands. */
	sl->fd = pl_open_trusted(dirfd, sl->name, &slot_rules, &sb, err, sizeof(err));
	if (sl->fd < 0) {
		int e = errno;

		sl->missing = e == ENOENT;
		pl_snprintf(sl->why, sizeof(sl->why), _("state file not used: %s%s"), err,
			    e == ELOOP ? " (it will be replaced)" : "");
		return;
	}
	/* A small one whole, in the read that finds its gen line: a byte more than fstat
	 * said, to see it grew (then slot_fill reads it again, to its end). */
	if ((uint64_t)sb.st_size < SLOT_SMALL && (head = malloc((size_t)sb.st_size + 2)) != NULL) {
		n = read_head(sl->fd, head, (size_t)sb.st_size + 1);
		if (n <= (size_t)sb.st_size) {
			sl->data = head;
			sl->len = n;
		}
	} else {
		head = small;
		n = read_head(sl->fd, head, sizeof(small) - 1);
	}
	head[n] = '\0';
	switch (text_version(head, (size_t)n)) {
	case PL_STORE_VERSION: {
		struct pl_lines it;
		char word[64];
		const char *ls, *le;

		pl_lines_init(&it, head, (size_t)n);
		if (!next_line(&it, &ls, &le) || header(&it, "gen", word, sizeof(word)) != 0 ||
		    pl_parse_u64(word, PL_STORE_GEN_LIMIT, &sl->gen) != 0) {
			pl_snprintf(sl->why, sizeof(sl->why), _("state file %s has no valid gen line"),
				    sl->name);
			goto end;
		}
		break;
	}
	case 2:
		sl->gen = 0;
		break;
	default:
		/* Not ours, or another version: the parser says which. */
		sl->candidate = true;
		sl->gen = (uint64_t)i;
		goto end;
	}
	if ((sl->gen & 1) != (uint64_t)i) {
		pl_snprintf(sl->why, sizeof(sl->why), _("state file %s holds generation %llu, which "
			    "belongs in the other slot"), sl->name, (unsigned long long)sl->gen);
		goto end;
	}
	sl->candidate = true;
end:
	if (head != small && head != sl->data)
		free(head);
}

/* Reads the whole of a candidate slot and checks it. Returns sl->whole. */
static bool
slot_fill(struct slot *sl)
{
	struct pl_buf b = PL_BUF_INIT;
	char err[sizeof(sl->why) - 32];
	uint64_t v;

	if (sl->whole || !sl->candidate || sl->fd < 0)
		return sl->whole;
	if (sl->data != NULL)      /* slot_open read it whole */
		goto check;
	/* A file that changed while it was read (a lockless run's save) fails its sum. */
	if (pl_read_fd(sl->fd, sl->name, &slot_rules, &b, err, sizeof(err)) != 0) {
		pl_snprintf(sl->why, sizeof(sl->why), _("state file not used: %s"), err);
		pl_buf_free(&b);
		sl->candidate = false;
		return false;
	}
	sl->data = b.data;      /* owned by sl now */
	sl->len = b.len;
check:
	v = text_version(sl->data, sl->len);
	sl->whole = v == 2 || (v == PL_STORE_VERSION &&
			       whole_text_end(sl->data, sl->len) != NULL);
	return sl->whole;
}

static void
slot_close(struct slot *sl)
{
	if (sl->fd >= 0)
		close(sl->fd);
	sl->fd = -1;
	free(sl->data);
	sl->data = NULL;
}

/* One look at both slots for pl_store_load. *torn: a version 3 slot was not whole, or
 * a slot was (nearly) empty: a save may have been going on. */
static enum pl_store_status
load_once(int dirfd, struct pl_store *st, const char *boot_id, double budget, char *why,
	  size_t whylen, bool *torn)
{
	struct slot sl[2];
	enum pl_store_status rc = PL_STORE_CORRUPT;
	int order[2] = { 0, 1 };
	bool old = false, told = false, any = false;
	uint64_t top = 0;

	*torn = false;
	pl_store_clear(st);
	slot_open(dirfd, st, 0, &sl[0]);
	slot_open(dirfd, st, 1, &sl[1]);
	/* The newest first; the other when the newest is cut, torn or unreadable. */
	if (!sl[0].candidate || (sl[1].candidate && sl[1].gen > sl[0].gen)) {
		order[0] = 1;
		order[1] = 0;
	}
	if (sl[0].missing && sl[1].missing) {
		pl_snprintf(why, whylen, _("no state yet"));
		rc = PL_STORE_MISSING;
	}
	for (int k = 0; k < 2 && rc == PL_STORE_CORRUPT; k++) {
		struct slot *c = &sl[order[k]];
		char err[512];
		bool o = false;

		if (!c->candidate)
			continue;
		if (slot_fill(c) && (!any || c->gen > top)) {
			top = c->gen;
			any = true;
		}
		/* A file just made by a save that has not written it yet is empty. */
		if (c->data != NULL && c->len < 32)
			*torn = true;
		if (c->data == NULL) {
			pl_snprintf(err, sizeof(err), "%s", c->why);
		} else if (text_version(c->data, c->len) == PL_STORE_VERSION && !c->whole) {
			pl_snprintf(err, sizeof(err), _("state file %s is cut or torn (its checksum "
				    "does not match): not used"), c->name);
			*torn = true;
		} else if (parse_text(c->data, c->len, st, budget, &o, true, err,
				      sizeof(err)) == 0) {
			rc = PL_STORE_LOADED;
			break;
		}
		/* The newest slot's reason is the one to tell. */
		if (!told) {
			pl_snprintf(why, whylen, "%s", err);
			told = true;
		}
		old |= o;
	}
	if (rc == PL_STORE_CORRUPT && !told)
		pl_snprintf(why, whylen, "%s", sl[0].missing ? sl[1].why : sl[0].why);
	if (rc == PL_STORE_CORRUPT && old)
		rc = PL_STORE_OLD;
	if (rc == PL_STORE_LOADED && strcmp(boot_id, st->boot_id) != 0) {
		pl_snprintf(why, whylen, _("state is from before the last boot: counters dropped"));
		pl_store_drop_counters(st);
		st->time = st->prev_time = 0;
		rc = PL_STORE_REBOOTED;
	}
	/* One above the newest whole slot read (the one loaded, or one whose text was not
	 * usable: the save goes over the other); 0 when none was whole. A slot left unread
	 * is older than the one loaded. */
	st->gen = any ? top + 1 : 0;
	st->gen_known = true;
	slot_close(&sl[0]);
	slot_close(&sl[1]);
	return rc;
}

enum pl_store_status
pl_store_load(int dirfd, struct pl_store *st, const char *boot_id, double budget, char *why,
	      size_t whylen)
{
	enum pl_store_status rc;
	bool torn;

	/* Under the lock no save goes on, and a slot that is not whole was cut by a crash.
	 * Without it (something in the lock's place) a run may be writing both slots in
	 * turn as this one reads: a second and third look, a few writes later, find one
	 * whole rather than start afresh. */
	for (int tries = 0;; tries++) {
		rc = load_once(dirfd, st, boot_id, budget, why, whylen, &torn);
		if (rc != PL_STORE_CORRUPT || !torn || tries == 2)
			return rc;
		if (tries == 1) {
			struct timespec nap = { 0, 200000 };   /* 0.2 ms */

			nanosleep(&nap, NULL);
		}
	}
}

/* A run stopped by its deadline between writing its temporary file and renaming it
 * leaves the file behind. A replacing save that finds one in its way, or that failed,
 * removes this state's temporaries that are more than a minute old (a younger one may
 * belong to a run still going); a save that finds none reads no directory. */
static void
remove_stale_temps(int dirfd, const char *name)
{
	char prefix[256];
	struct dirent *de;
	size_t plen;
	time_t now = time(NULL);
	int fd = dup(dirfd);
	DIR *d;

	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return;
	}
	plen = (size_t)pl_snprintf(prefix, sizeof(prefix), ".%s.", name);
	while ((de = readdir(d)) != NULL) {
		struct stat sb;
		size_t n = strlen(de->d_name);

		if (strncmp(de->d_name, prefix, plen) != 0 || n < 4 ||
		    strcmp(de->d_name + n - 4, ".tmp") != 0)
			continue;
		if (fstatat(dirfd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(sb.st_mode) && now - sb.st_mtime > 60)
			unlinkat(dirfd, de->d_name, 0);
	}
	closedir(d);
}

/* Replaces whatever is at name (a symlink, another user's file, a file with another
 * link to it) by a new file of the text: written to a temporary and renamed into place,
 * so the link itself is replaced, never followed. *seen: a temporary was in the way. */
static int
slot_replace(int dirfd, const char *name, const struct pl_buf *b, bool *seen, char *err,
	     size_t errlen)
{
	char tmp[256];
	struct timespec ts;
	int fd;

	/* One name while the lock keeps runs apart: a file there is a leftover (or, without
	 * the lock, a run still writing), cleared when stale; the name of this run's own
	 * (pid, clock) when it is still there. */
	pl_snprintf(tmp, sizeof(tmp), ".%s.tmp", name);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 && errno == EEXIST) {
		*seen = true;
		remove_stale_temps(dirfd, name);
		fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	}
	if (fd < 0 && errno == EEXIST) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		pl_snprintf(tmp, sizeof(tmp), ".%s.%ld.%ld.tmp", name, (long)getpid(),
			    (long)ts.tv_nsec);
		fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	}
	if (fd < 0) {
		pl_snprintf(err, errlen, _("cannot write state file: %s"), strerror(errno));
		return -1;
	}
	if (pl_write_all(fd, b->data, b->len) != 0) {
		int e = errno;

		pl_snprintf(err, errlen, _("cannot write state file: %s"), strerror(e));
		close(fd);
		unlinkat(dirfd, tmp, 0);
		errno = e;
		return -1;
	}
	if (close(fd) != 0 || renameat(dirfd, tmp, dirfd, name) != 0) {
		int e = errno;
		struct stat sb;

		if (e == EISDIR || (fstatat(dirfd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
				    S_ISDIR(sb.st_mode))) {
			pl_snprintf(err, errlen, _("the state file %s is a directory (remove it)"),
				    name);
			e = EISDIR;
		} else {
			pl_snprintf(err, errlen, _("cannot replace state file %s: %s"), name,
				    strerror(e));
		}
		unlinkat(dirfd, tmp, 0);
		errno = e;
		return -1;
	}
	return 0;
}

/* Writes the text into the slot file name in place: no rename over an existing file,
 * which on ext4 (auto_da_alloc) writes the new file's data out at once and cost more
 * than the whole rest of a run; no truncation to zero either, which does the same. A
 * reader that comes while it is written finds the checksum wrong and takes the other
 * slot. What is not a regular file of ours with one link is replaced instead. */
static int
slot_write(int dirfd, const char *name, const struct pl_buf *b, bool *seen, char *err,
	   size_t errlen)
{
	struct stat sb;
	int fd, e;

	fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0600);
	if (fd < 0 && errno == EISDIR) {
		pl_snprintf(err, errlen, _("the state file %s is a directory (remove it)"), name);
		errno = EISDIR;
		return -1;
	}
	if (fd >= 0 && (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) ||
			sb.st_uid != geteuid() || sb.st_nlink != 1)) {
		close(fd);
		fd = -1;
	}
	if (fd < 0)
		return slot_replace(dirfd, name, b, seen, err, errlen);
	if (pl_write_all(fd, b->data, b->len) != 0 ||
	    ((uint64_t)sb.st_size > b->len && ftruncate(fd, (off_t)b->len) != 0) ||
	    ((sb.st_mode & 07777) != 0600 && fchmod(fd, 0600) != 0)) {
		e = errno;
		pl_snprintf(err, errlen, _("cannot write state file %s: %s"), name, strerror(e));
		close(fd);
		errno = e;
		return -1;
	}
	if (close(fd) != 0) {
		e = errno;
		pl_snprintf(err, errlen, _("cannot write state file %s: %s"), name, strerror(e));
		errno = e;
		return -1;
	}
	return 0;
}

int
pl_store_save(int dirfd, const struct pl_store *st, char *err, size_t errlen)
{
	char name[200];
	struct pl_buf b;
	bool seen = false;
	uint64_t gen = st->gen;
	int rc = -1;

	/* A store that was not loaded from this directory: the slots say where to write. */
	if (!st->gen_known) {
		struct slot sl[2];
		bool any = false;

		gen = 0;
		for (int i = 0; i < 2; i++) {
			slot_open(dirfd, st, i, &sl[i]);
			if (slot_fill(&sl[i]) && (!any || sl[i].gen >= gen)) {
				gen = sl[i].gen + 1;
				any = true;
			}
			slot_close(&sl[i]);
		}
	}
	slot_name(st, (int)(gen & 1), name, sizeof(name));
	pl_buf_init(&b, PL_STORE_FILE_CAP);
	format_gen(st, gen, &b);
	if (b.truncated || b.oom) {
		pl_snprintf(err, errlen, _("state too large to save"));
		goto end;
	}
	rc = slot_write(dirfd, name, &b, &seen, err, errlen);
end:
	if (rc != 0 && !seen) {
		int e = errno;    /* the caller reads it (EISDIR) */

		remove_stale_temps(dirfd, name);
		errno = e;
	}
	pl_buf_free(&b);
	return rc;
}
