/* Fuzz target: plumbline-status's catalogue (pl_st_catalog_parse) and a stored incident
 * (pl_st_incident_parse, the bytes up to the first newline as its name, the rest as its
 * text) over arbitrary bytes: never a crash; a parsed catalogue has 1 to 500 services,
 * each with a name of 1 to 80 bytes and at least one member with a non-empty host; a
 * parsed incident is a problem level with a start, an end no earlier, and formats back
 * to its own text. The page is then rendered from the catalogue and that incident.
 * fuzz-seeds: status/services status/services-unmatched */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pl_buf.h"
#include "pl_status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pl_st_catalog cat;
	struct pl_st_history h = { NULL, 0, 0 };
	struct pl_st_incident in;
	struct pl_buf b = PL_BUF_INIT;
	char err[256], *s = malloc(size + 1), *nl, again[96];
	bool have_cat;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	have_cat = pl_st_catalog_parse(s, size, "fuzz", &cat, err, sizeof(err)) == 0;
	if (have_cat) {
		if (cat.n == 0 || cat.n > PL_ST_SERVICES_MAX)
			abort();
		for (size_t i = 0; i < cat.n; i++) {
			size_t n = strlen(cat.v[i].name);

			if (n == 0 || n > PL_ST_NAME_MAX || cat.v[i].nm == 0 ||
			    cat.v[i].m[0].host[0] == '\0')
				abort();
		}
	}
	if ((nl = strchr(s, '\n')) != NULL) {
		*nl = '\0';
		if (pl_st_incident_parse(s, nl + 1, &in) == 0) {
			if (in.level <= PL_ST_UNKNOWN || in.level >= PL_ST_NLEVELS || in.start <= 0 ||
			    (in.end != 0 && in.end < in.start))
				abort();
			pl_st_incident_format(&in, again, sizeof(again));
			if (strcmp(again, nl + 1) != 0)
				abort();
			(void)pl_st_history_add(&h, &in);
		}
	}
	if (have_cat) {
		struct pl_st_page pg = { .title = "t", .lang = "en", .now = 1, .available = true };

		pl_st_judge(&cat, true, 0);
		(void)pl_st_history_update(&h, &cat, 2000000000, 5, 86400);
		pl_st_render_html(&pg, &cat, &h, &b);
		pl_st_render_json(&pg, &cat, &h, &b);
		pl_st_catalog_free(&cat);
	}
	pl_buf_free(&b);
	pl_st_history_free(&h);
	free(s);
	return 0;
}
