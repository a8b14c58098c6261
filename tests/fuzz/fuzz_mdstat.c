/* Fuzz target: pl_mdstat_parse over arbitrary bytes, and pl_md_judge on what it gives.
 * A stanza the parser cannot read is a malformed array (its own problem, never the
 * file's), which says where and what; no message carries a raw control byte.
 * fuzz-seeds: proc/mdstat */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pl_mdstat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* True when s holds a control, DEL or non-ASCII byte (what pl_name_escape writes as \xHH). */
static int
raw_bytes(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p >= 0x7f)
			return 1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pl_mdstat st;
	char err[256];
	size_t members = 0;

	if (pl_mdstat_parse((const char *)data, size, &st, err, sizeof(err)) != 0) {
		/* A refusal always says why and leaves nothing behind. */
		if (err[0] == '\0' || raw_bytes(err) || st.narrays != 0 || st.arrays != NULL)
			abort();
		pl_mdstat_free(&st);
		return 0;
	}
	/* The parser promises a consistent reading or an error. */
	for (size_t i = 0; i < st.narrays; i++) {
		const struct pl_md_array *a = &st.arrays[i];

		if (a->name[0] == '\0' || a->first_member != members ||
		    a->nfaulty + a->nspare > a->nmembers)
			abort();
		members += a->nmembers;
		if (a->malformed) {
			/* Says the line and what, escaped; never judged. */
			if (strncmp(a->problem, "line ", 5) != 0 || raw_bytes(a->problem))
				abort();
			continue;
		}
		if (a->has_counts && (a->in_sync > a->raid_disks ||
				      strlen(a->status) != a->raid_disks ||
				      pl_md_degraded(a) > a->raid_disks))
			abort();
		if (a->action != PL_MD_IDLE && a->progress == PL_MD_RUNNING &&
		    !(a->percent >= 0 && a->percent <= 100))
			abort();
		if (a->has_done && a->done > a->total)
			abort();
		for (size_t k = 0; k < a->nmembers; k++)
			if (pl_md_member(&st, a, k)->dev[0] == '\0')
				abort();
		/* The verdict on any parsed array: a CRITICAL for a degraded one that nothing
		 * mends, and a brief that names the array. */
		{
			static const struct pl_md_sys none;
			static const struct pl_md_policy pol = { PL_OK, PL_CRITICAL, false };
			struct pl_md_judgement j;

			pl_md_judge(&st, a, &none, &pol, &j);
			if (j.findings.n > PL_FINDINGS_MAX ||
			    strncmp(j.brief, a->name, strlen(a->name)) != 0)
				abort();
			if (j.degraded_finding && j.findings.worst != PL_CRITICAL)
				abort();
		}
	}
	if (members != st.nmembers)
		abort();
	pl_mdstat_free(&st);
	return 0;
}
