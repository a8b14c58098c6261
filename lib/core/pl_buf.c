#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pl_buf.h"

void
pl_buf_init(struct pl_buf *b, size_t cap)
{
	memset(b, 0, sizeof(*b));
	b->cap = cap;
}

void
pl_buf_free(struct pl_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->size = 0;
}

void
pl_buf_reset(struct pl_buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
	b->truncated = false;
}

static size_t
buf_cap(const struct pl_buf *b)
{
	return b->cap ? b->cap : PL_BUF_DEFAULT_CAP;
}

/* Makes room for need more bytes plus the NUL; returns how many of them fit. */
static size_t
buf_reserve(struct pl_buf *b, size_t need)
{
	size_t cap = buf_cap(b);
	size_t room = cap - b->len;
	size_t want, newsize;
	char *p;

	if (need > room)
		need = room;
	want = b->len + need + 1;
	if (want <= b->size)
		return need;
	newsize = b->size ? b->size : 64;
	while (newsize < want)
		newsize *= 2;
	if (newsize > cap + 1)
		newsize = cap + 1;
	p = realloc(b->data, newsize);
	if (p == NULL) {
		b->oom = true;
		return b->size > b->len ? b->size - b->len - 1 : 0;
	}
	b->data = p;
	b->size = newsize;
	return need;
}

int
pl_buf_add(struct pl_buf *b, const void *p, size_t n)
{
	size_t fit = buf_reserve(b, n);

	if (b->data == NULL)
		return -1;
	memcpy(b->data + b->len, p, fit);
	b->len += fit;
	b->data[b->len] = '\0';
	if (fit < n) {
		b->truncated = true;
		return -1;
	}
	return 0;
}

int
pl_buf_puts(struct pl_buf *b, const char *s)
{
	return pl_buf_add(b, s, strlen(s));
}

int
pl_buf_putc(struct pl_buf *b, char c)
{
	/* The common case, a byte that fits the room there is, without the general path:
	 * renderers write texts byte by byte. */
	if (b->data != NULL && b->len + 1 < b->size && b->len < buf_cap(b)) {
		b->data[b->len++] = c;
		b->data[b->len] = '\0';
		return 0;
	}
	return pl_buf_add(b, &c, 1);
}

int
pl_buf_vprintf(struct pl_buf *b, const char *fmt, va_list ap)
{
	char small[256];
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return -1;
	if ((size_t)n < sizeof(small))
		return pl_buf_add(b, small, (size_t)n);
	{
		char *big = malloc((size_t)n + 1);
		int rc;

		if (big == NULL) {
			b->oom = true;
			return -1;
		}
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		rc = pl_buf_add(b, big, (size_t)n);
		free(big);
		return rc;
	}
}

int
pl_buf_printf(struct pl_buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = pl_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

const char *
pl_buf_str(const struct pl_buf *b)
{
	return b->data ? b->data : "";
}

int
pl_snprintf(char *dst, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(dst, size, fmt, ap);
	va_end(ap);
	if (n < 0 && size > 0)
		dst[0] = '\0';
	return n;
}

size_t
pl_strlcpy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);

	if (size > 0) {
		size_t c = n < size - 1 ? n : size - 1;
		memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return n;
}
