/* pl_text: walking a buffer of text line by line, for the parsers of lib/, and finding
 * the names they read (a hash and an index of names).
 *
 * A line is the bytes up to a newline, without it. Text that ends in a newline has no
 * empty line after it; text that does not has a last line that is "cut": the file ended
 * inside it (a short read, a truncated copy). The walker only reports that; whether a cut
 * line is an error, and what the message says, is each parser's business. Lines may hold
 * any byte, NUL included, and a '\r' before the newline is part of the line. */
#ifndef PL_TEXT_H
#define PL_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A cursor over [buf, buf + len). p is where the next line starts (end when none is
 * left); lineno is the number of the line pl_lines_next returned last, 0 before the first
 * and the count of lines after the last. The text is the caller's and must outlive it. */
struct pl_lines {
	const char *p, *end;
	size_t lineno;
};

/* Starts a walk over the len bytes at buf (buf may be NULL when len is 0). */
void pl_lines_init(struct pl_lines *it, const char *buf, size_t len);

/* Sets [*ls, *le) to the next line without its newline and counts it in it->lineno
 * (1-based). Returns false, and leaves everything as it was, at the end of the text.
 * *cut (cut may be NULL) says the line has no newline: the text ended inside it, and it is
 * the last. */
bool pl_lines_next(struct pl_lines *it, const char **ls, const char **le, bool *cut);

/* The length of the well-formed UTF-8 sequence at p (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF): 1 for an ASCII byte, 2 to 4, or 0 when it is not
 * one. Reads no further than a byte that ends the sequence early (a NUL does). Pure and
 * async-signal-safe: the timeout's handler uses it. */
size_t pl_utf8_len(const unsigned char *p);

/* The one-line rule every text of a result keeps (status line, long output, facts, the
 * timeout's message): a newline or carriage return becomes a blank, a '|' (which would
 * start perfdata) a '/'; any other byte stays. Async-signal-safe. */
char pl_one_line_char(char c);
/* The same over the text s, in place (s may be NULL). */
void pl_one_line(char *s);

/* The one hash of names in the library: 64-bit FNV-1a of the len bytes at p (p may be
 * NULL when len is 0). It spreads names over tables and names things (the state key, a
 * cut label's suffix); it guards nothing (anyone can make names collide).
 * pl_hash_more(h, ...) goes on from h over more bytes (PL_HASH_INIT to start), so that
 * parts of a key hash as one text. */
#define PL_HASH_INIT 14695981039346656037ull
uint64_t pl_hash_bytes(const void *p, size_t len);
uint64_t pl_hash_more(uint64_t h, const void *p, size_t len);
/* FNV leaves the low bits of similar short names ("n1", "n2") close together: a table
 * that indexes by the low bits mixes the hash first (MurmurHash3's finaliser). */
uint64_t pl_hash_mix(uint64_t h);

/* XXH64 (Yann Collet's xxHash, 64-bit, as its specification gives it) of the len bytes
 * at p with seed: a checksum that tells a torn or cut file from a whole one at several
 * GB/s (FNV-1a, a byte at a time, takes milliseconds over a large state file). Like
 * pl_hash_bytes it guards nothing against someone who writes the data on purpose. Reads
 * the bytes as little-endian words whatever the machine, so a sum means the same on
 * every host. */
uint64_t pl_xxh64(const void *p, size_t len, uint64_t seed);

/* A line a parser of a list (/proc/diskstats, /proc/net/dev) left out for its name alone,
 * which no kernel gives (overlong, a control byte...): that item's problem, not the
 * file's. name is as far as it goes (any byte but NUL: show it escaped); why is a static
 * text ("is an overlong device name"). */
#define PL_BAD_NAME_MAX 64
struct pl_bad_line {
	size_t lineno;
	char name[PL_BAD_NAME_MAX];
	const char *why;
};
/* Appends one to the array *v of *n (the caller frees *v). It grows at powers of 2, so
 * that a hostile file stays linear. Returns 0, or -1 when memory ran out. */
int pl_bad_line_add(struct pl_bad_line **v, size_t *n, size_t lineno, const char *name,
		    const char *why);

/* An index of the names of an array the caller owns, for lookups in O(1): an open
 * addressing table of positions, kept at most half full. The index holds no names; it
 * asks name_at(ctx, i) for the name at position i. Zero-initialise it. */
typedef const char *pl_name_at_fn(const void *ctx, size_t i);
/* name_at for an array of strings (ctx: const char *const *). */
const char *pl_name_at_strv(const void *ctx, size_t i);

struct pl_names {
	uint64_t *slot;     /* position + 1 and a part of the name's hash; 0: empty */
	size_t nslot;       /* a power of 2, or 0 before the first add */
	size_t n;           /* positions held */
};

/* Adds position i under its name, unless the index holds that name already (the first
 * of a name stays). Returns 0 when added, 1 when the name was there, -1 when out of
 * memory (the index is unchanged and still usable). */
int pl_names_add(struct pl_names *ix, size_t i, pl_name_at_fn *name_at, const void *ctx);
/* Makes room for n positions at once (no growth step on the way). Returns 0 or -1 when
 * memory ran out (the index is unchanged and still usable). */
int pl_names_reserve(struct pl_names *ix, size_t n, pl_name_at_fn *name_at, const void *ctx);
/* The position of name into *i. Returns false when the index does not hold it. */
bool pl_names_find(const struct pl_names *ix, const char *name, pl_name_at_fn *name_at,
		   const void *ctx, size_t *i);
void pl_names_free(struct pl_names *ix);   /* empties it; it can be used again */

#endif
