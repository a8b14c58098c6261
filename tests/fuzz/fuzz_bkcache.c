/* Fuzz target: check_backup_age's listing cache text (pl_bkcache), read back from the
 * state store, where a torn write or a hand edit may leave anything. None may crash,
 * leak or read past the input; a text that parses formats to a text that parses to the
 * same outputs, and every kept output is found again by its key.
 * fuzz-libs: json-c
 * fuzz-seeds: (none: tests/fuzz/seeds/bkcache/) */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pl_bkcache.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pl_bkcache c, d;
	struct pl_buf t = PL_BUF_INIT;
	char err[256];
	size_t len;

	if (pl_bkcache_parse((const char *)data, size, &c, err, sizeof(err)) != 0)
		return 0;
	for (size_t i = 0; i < c.n; i++)
		if (pl_bkcache_get(&c, c.v[i].key, &len) == NULL)
			abort();
	if (pl_bkcache_format(&c, &t) != 0 ||
	    pl_bkcache_parse(pl_buf_str(&t), t.len, &d, err, sizeof(err)) != 0 ||
	    d.n != c.n || d.salt != c.salt || strcmp(d.fp, c.fp) != 0)
		abort();
	for (size_t i = 0; i < c.n; i++)
		if (d.v[i].len != c.v[i].len || memcmp(d.v[i].out, c.v[i].out, c.v[i].len) != 0)
			abort();
	pl_bkcache_free(&d);
	pl_bkcache_free(&c);
	pl_buf_free(&t);
	return 0;
}
