/* Fuzz target: the JSON lines of lib/ext/pl_eve over each line of the input (not
 * NUL-terminated): Suricata's eve.json (with the pre-filter), Snort 3's alert_json and
 * Wazuh's alerts.json. None may crash, leak or read past the input; the pre-filter
 * never leaves out a line the parser counts (an alert or a stats event); a malformed
 * line says why; a Wazuh alert's level is 0..15.
 * fuzz-libs: json-c
 * fuzz-seeds: ids/eve.json ids/alert_json ids/alerts.json */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pl_eve.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
one(const char *p, size_t n)
{
	struct pl_ids_alert a;
	struct pl_eve_stats s;
	char err[128] = "";
	enum pl_eve_type t = pl_eve_parse(p, n, &a, &s, err, sizeof(err));

	if (pl_eve_prefilter(p, n) == PL_EVE_OTHER && (t == PL_EVE_ALERT || t == PL_EVE_STATS))
		abort(); /* the pre-filter left out a line that counts */
	if (t == PL_EVE_MALFORMED && err[0] == '\0')
		abort();
	if (t == PL_EVE_ALERT && memchr(a.signature, '\0', sizeof(a.signature)) == NULL)
		abort();
	err[0] = '\0';
	if (pl_snort_json_parse(p, n, &a, err, sizeof(err)) != 0 && err[0] == '\0')
		abort();
	if (pl_wazuh_parse(p, n, &a, err, sizeof(err)) == 0 &&
	    (a.severity < 0 || a.severity > 15))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size > 0 ? size : 1);
	const char *p, *end;

	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	for (p = copy, end = copy + size; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl != NULL ? nl : end) - p);

		one(p, n);
		p += n + 1;
	}
	free(copy);
	return 0;
}
