/* Fuzz target: pl_ini_parse with a callback that checks what it is handed, once for a
 * named section and once for the empty one.
 * fuzz-seeds: none (hand-written ones are in seeds/ini) */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pl_buf.h"
#include "pl_ini.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
option(void *ctx, const char *key, const char *value, size_t line, char *err, size_t errlen)
{
	int *calls = ctx;

	/* Keys are option names; values are one line without blanks at their ends. */
	if (key[0] == '\0' || key[strspn(key, "abcdefghijklmnopqrstuvwxyz"
					"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")] != '\0')
		abort();
	if (value != NULL && strchr(value, '\n') != NULL)
		abort();
	if (line == 0)          /* lines count from 1 */
		abort();
	(*calls)++;
	if (strcmp(key, "stop") == 0) {   /* the callback's error path */
		pl_snprintf(err, errlen, "stopped at '%s'", key);
		return -1;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const sections[] = { "check_fuzz", "" };
	char err[256];

	for (size_t i = 0; i < 2; i++) {
		int calls = 0;
		int n = pl_ini_parse((const char *)data, size, sections[i], option, &calls, err,
				     sizeof(err));

		if (n >= 0 && n != calls)
			abort();
	}
	return 0;
}
