/* Fuzz target: the JSON lines of lib/ext/pl_eve over each line of the input (not
 * NUL-terminated): Suricata's eve.json (with the pre-filter), Snort 3's alert_json and
 * Wazuh's alerts.json. None may crash, leak or read past the input; the pre-filter
 * never leaves out a line the parser counts (an alert or a stats event); a malformed
 * line says why; a Wazuh alert's level is 0..15. And pl_evescan (yajl's token stream,
 * what check_ids reads eve.json with) reads every line as pl_eve_parse (json-c's tree)
 * does: the same type and fields, or malformed where json-c's lax spots let it by (never
 * the other way round).
 * fuzz-libs: json-c yajl
 * fuzz-seeds: ids/eve.json ids/alert_json ids/alerts.json */
#include "config.h"

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pl_eve.h"
#include "pl_evescan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
same_time(bool h1, const struct pl_time *t1, bool h2, const struct pl_time *t2)
{
	return h1 == h2 && (!h1 || (t1->sec == t2->sec && t1->nsec == t2->nsec));
}

/* What json-c's strict mode lets by and strict JSON does not (pl_evescan.h): a single
 * quote, NaN or Infinity, a control byte (unescaped in a string), a '.' without a digit
 * after it, a number with a leading zero (00, -01). */
static bool
lax_spot(const char *p, size_t n)
{
	static const char *const words[] = { "nan", "NaN", "NAN", "inf", "Inf", "INF" };

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == '\'' || c < 0x20 || (c == '.' && (i + 1 == n || p[i + 1] < '0' ||
		    p[i + 1] > '9')))
			return true;
		if (c == '0' && i + 1 < n && p[i + 1] >= '0' && p[i + 1] <= '9' &&
		    (i == 0 || p[i - 1] < '0' || p[i - 1] > '9'))
			return true;
	}
	for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++)
		if (memmem(p, n, words[w], 3) != NULL)
			return true;
	return false;
}

/* The stream parser against the tree: same answer, or stricter. */
static void
versus(const char *p, size_t n, enum pl_eve_type t, const struct pl_ids_alert *a,
       const struct pl_eve_stats *s)
{
	struct pl_ids_alert a2;
	struct pl_eve_stats s2;
	char err[128] = "";
	enum pl_eve_type t2 = pl_evescan_line(p, n, &a2, &s2, err, sizeof(err));

	if (t2 == PL_EVE_MALFORMED) {
		if (err[0] == '\0' || (t != PL_EVE_MALFORMED && !lax_spot(p, n)))
			abort();
		return;      /* json-c's too, or one of its lax spots */
	}
	if (t2 != t)
		abort();
	if (t == PL_EVE_ALERT && (a->severity != a2.severity ||
	    strcmp(a->signature, a2.signature) != 0 || strcmp(a->category, a2.category) != 0 ||
	    strcmp(a->src, a2.src) != 0 || strcmp(a->dest, a2.dest) != 0 ||
	    !same_time(a->has_time, &a->time, a2.has_time, &a2.time)))
		abort();
	if (t == PL_EVE_STATS && (!same_time(s->has_time, &s->time, s2.has_time, &s2.time) ||
	    s->has_capture != s2.has_capture || s->kernel_packets != s2.kernel_packets ||
	    s->kernel_drops != s2.kernel_drops || (s->uptime < 0) != (s2.uptime < 0) ||
	    fabs(s->uptime - s2.uptime) > 1e-9 * fabs(s->uptime) + 1e-300))
		abort();
}

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
	versus(p, n, t, &a, &s);
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
