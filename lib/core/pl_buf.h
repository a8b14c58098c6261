/* pl_buf: a growable, capped text buffer.
 *
 * The buffer owns its memory (free with pl_buf_free). It grows as needed up to its cap;
 * a write that would pass the cap is cut at the cap and sets the truncated flag, so a
 * caller that builds output from outside data can never grow it without bound.
 * The text is always NUL-terminated when data is not NULL. */
#ifndef PL_BUF_H
#define PL_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct pl_buf {
	char *data;      /* NUL-terminated text, or NULL before the first write */
	size_t len;      /* bytes of text, without the NUL */
	size_t size;     /* bytes allocated */
	size_t cap;      /* largest len allowed; 0 means PL_BUF_DEFAULT_CAP */
	bool truncated;  /* a write was cut at the cap */
	bool oom;        /* an allocation failed; the text is what fitted before */
};

#define PL_BUF_DEFAULT_CAP ((size_t)16 << 20)
#define PL_BUF_INIT { NULL, 0, 0, 0, false, false }

void pl_buf_init(struct pl_buf *b, size_t cap);
void pl_buf_free(struct pl_buf *b);
void pl_buf_reset(struct pl_buf *b);             /* empties it, keeps memory */
int pl_buf_add(struct pl_buf *b, const void *p, size_t n);   /* 0, or -1 if cut */
int pl_buf_puts(struct pl_buf *b, const char *s);
int pl_buf_putc(struct pl_buf *b, char c);
int pl_buf_printf(struct pl_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int pl_buf_vprintf(struct pl_buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* The text, never NULL ("" before the first write). */
const char *pl_buf_str(const struct pl_buf *b);

/* Bounded formatting into a fixed array: always NUL-terminates, returns the length that
 * would have been written (like snprintf) so callers can detect truncation. */
int pl_snprintf(char *dst, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Copies src into dst (size bytes), always NUL-terminated. Returns strlen(src). */
size_t pl_strlcpy(char *dst, const char *src, size_t size);

#endif
