/* Fuzz target: the technician's notes file (pl_notes_parse), the roles file
 * (pl_roles_parse) and a --business-hours value (pl_hours_parse) over arbitrary bytes:
 * never a crash; every value kept is a string without a NUL cut short, roles are never
 * empty, and hours parsed are a window inside a day on at least one day.
 * fuzz-seeds: nagioslog/roles.conf nagioslog/faults/20261103-090000-a0ecd4f4.txt */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pl_incident.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pl_fault_notes n;
	struct pl_roles r;
	struct pl_hours h;
	char err[256], *s;

	if (pl_notes_parse((const char *)data, size, &n, err, sizeof(err)) == 0) {
		const char *v[] = { n.cause, n.handling, n.impact, n.prevention, n.author };

		for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
			if (v[i] != NULL && strlen(v[i]) > size)
				abort();
		for (size_t i = 0; i < n.nextra; i++)
			if (n.extra_key[i] == NULL || n.extra_val[i] == NULL)
				abort();
		pl_notes_free(&n);
	}
	if (pl_roles_parse((const char *)data, size, &r, err, sizeof(err)) == 0) {
		for (size_t i = 0; i < r.n; i++)
			if (r.contact[i][0] == '\0' || r.role[i][0] == '\0' ||
			    pl_roles_of(&r, r.contact[i]) == NULL)
				abort();
		pl_roles_free(&r);
	}
	s = malloc(size + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (pl_hours_parse(s, &h, err, sizeof(err)) == 0 &&
	    (h.days == 0 || h.days > 0x7f || h.start < 0 || h.end > 1440 || h.start >= h.end))
		abort();
	free(s);
	return 0;
}
