/* Fuzz target: pl_hwmon_value_parse, pl_hwmon_sanitize and pl_hwmon_attr_split over
 * arbitrary bytes, checking the promises of their contracts.
 * fuzz-seeds: hwmon0/temp1_input hwmon0/temp2_input hwmon1/temp1_label hwmon0/name */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pl_buf.h"
#include "pl_hwmon.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	char out[64], back[64], num[32], *copy;
	int64_t v;
	size_t n;
	enum pl_hwmon_type t;
	unsigned idx;
	const char *item;

	/* The value parser reads exactly size bytes (no NUL needed). A number it accepts
	 * prints back to the same text, less the one optional newline. */
	if (pl_hwmon_value_parse(text, size, &v) == 0) {
		size_t len = size && text[size - 1] == '\n' ? size - 1 : size;
		int k = pl_snprintf(num, sizeof(num), "%lld", (long long)v);

		if ((size_t)k != len || memcmp(num, text, len) != 0) {
			/* "-0" and leading zeros are the only other spellings of a number. */
			if (!(len > 1 && (text[0] == '0' || (text[0] == '-' && text[1] == '0'))))
				abort();
		}
	}

	/* The sanitizer yields [a-z0-9_], no '_' at either end, no "__", and is idempotent. */
	for (size_t cap = 1; cap <= sizeof(out); cap += 21) {
		n = pl_hwmon_sanitize(text, size, out, cap);
		if (n >= cap || strlen(out) != n)
			abort();
		for (size_t i = 0; i < n; i++) {
			char c = out[i];

			if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
				abort();
			if (c == '_' && (i == 0 || i == n - 1 || out[i - 1] == '_'))
				abort();
		}
		if (pl_hwmon_sanitize(out, n, back, sizeof(back)) != n || strcmp(out, back) != 0)
			abort();
	}

	/* The attribute splitter on a NUL-terminated copy. */
	copy = malloc(size + 1);
	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	if (pl_hwmon_attr_split(copy, &t, &idx, &item) == 0) {
		if ((unsigned)t >= PL_HWMON_NTYPES || idx > 9999 || item < copy ||
		    item > copy + strlen(copy))
			abort();
		if (strncmp(copy, pl_hwmon_type_name(t), strlen(pl_hwmon_type_name(t))) != 0)
			abort();
	}
	free(copy);
	return 0;
}
