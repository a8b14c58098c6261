/* Fuzz target: pl_run_first_line, which turns a program's stderr (any bytes) into the
 * line an UNKNOWN message quotes. The line must fit, hold no control byte and no '|'
 * (it goes on the status line), have no blanks at either end, and be the start of the
 * first line of the input that is not blank.
 * fuzz-seeds: none (hand-written ones are in seeds/firstline) */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pl_run.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t sizes[] = { 1, 2, 5, 17, 160 };
	char out[160];

	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		size_t n;

		pl_run_first_line((const char *)data, size, out, sizes[k]);
		n = strlen(out);
		if (n >= sizes[k])
			abort();   /* did not fit */
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f || out[i] == '|')
				abort();   /* a byte that breaks the status line */
		if (n > 0 && (out[0] == ' ' || out[n - 1] == ' '))
			abort();   /* blanks at an end */
		/* Each byte kept comes from the input, in order, mapped as documented. */
		if (n > 0) {
			const char *hit = NULL;

			for (size_t i = 0; i + n <= size && hit == NULL; i++) {
				size_t j = 0;

				for (; j < n; j++) {
					unsigned char c = data[i + j];
					char want = c == '\t' ? ' ' :
						    c < 0x20 || c == 0x7f || c == '|' ? '?' : (char)c;

					if (out[j] != want)
						break;
				}
				if (j == n)
					hit = (const char *)data + i;
			}
			if (hit == NULL)
				abort();   /* text that is not in the input */
		}
	}
	return 0;
}
