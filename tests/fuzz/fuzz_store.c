/* Fuzz target: pl_store_parse, then pl_store_format and a second parse: the round trip
 * must give the same entries (names, lifetimes, generations, texts, vectors) in the same
 * order, each found through the hash table, the same generation, and the same times
 * within the 3 decimals the writer keeps. (Mutations of a version 3 text break its
 * checksum: the seeds of version 2, which has none, are what reach the entry parser.)
 * The parse expects plugin "check_fuzz" and key "0123456789abcdef".
 * fuzz-seeds: none (hand-written ones are in seeds/store) */
#include "config.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pl_buf.h"
#include "pl_store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
close_to(double a, double b)
{
	return fabs(a - b) <= 5e-4 + 1e-9 * fabs(a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pl_store a, b;
	struct pl_buf text = PL_BUF_INIT;
	char err[256];

	pl_store_init(&a, "check_fuzz", "0123456789abcdef");
	pl_store_init(&b, "check_fuzz", "0123456789abcdef");
	if (pl_store_parse((const char *)data, size, &a, 0, NULL, err, sizeof(err)) != 0)
		goto end;
	pl_store_format(&a, &text);
	if (pl_store_parse(pl_buf_str(&text), text.len, &b, 0, NULL, err, sizeof(err)) != 0)
		abort();   /* what the writer wrote, the parser refuses */
	if (a.n != b.n || strcmp(a.boot_id, b.boot_id) != 0 || a.gen != b.gen)
		abort();
	if (!close_to(a.time, b.time) || !close_to(a.prev_time, b.prev_time) ||
	    !close_to(a.wall, b.wall) || !close_to(a.prev_wall, b.prev_wall))
		abort();
	for (size_t i = 0; i < a.n; i++) {
		const struct pl_store_entry *x = &a.v[i], *y = &b.v[i];

		if (strcmp(x->ns, y->ns) != 0 || strcmp(x->name, y->name) != 0 ||
		    x->gen != y->gen || x->life != y->life || x->nvec != y->nvec ||
		    (x->text == NULL) != (y->text == NULL) ||
		    (x->text != NULL && strcmp(x->text, y->text) != 0) ||
		    (x->nvec > 0 && memcmp(x->vec, y->vec, x->nvec * sizeof(*x->vec)) != 0))
			abort();
		/* Every entry is found by its names (the hash table agrees with the list). */
		if (pl_store_find(&b, y->gen, y->ns, y->name) != y)
			abort();
	}
end:
	pl_buf_free(&text);
	pl_store_free(&a);
	pl_store_free(&b);
	return 0;
}
