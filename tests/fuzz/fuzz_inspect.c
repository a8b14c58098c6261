/* Fuzz target: the parsers of plumbline-inspect's outside data. The input is a check
 * list (an NRPE config or "NAME = COMMAND" lines): every command line found is split
 * into an argument vector; the same bytes are taken as a plugin's whole output (status
 * line, long output, perfdata) and as perfdata; the item is rendered in the three forms
 * and its stored form parsed back.
 * fuzz-seeds: none (hand-written ones are in seeds/inspect) */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pl_buf.h"
#include "pl_inspect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pl_insp_list l;
	struct pl_insp_report r, back;
	struct pl_insp_metric m[8];
	struct pl_buf out = PL_BUF_INIT;
	char err[256], **argv;
	size_t bad;

	memset(&l, 0, sizeof(l));
	if (pl_insp_list_parse((const char *)data, size, &l) == 0)
		for (size_t i = 0; i < l.n; i++)
			if (pl_insp_argv_split(l.v[i].command, &argv, err, sizeof(err)) == 0)
				pl_insp_argv_free(argv);
	pl_insp_list_free(&l);
	(void)pl_insp_perf_parse((const char *)data, size, m, 8, &bad);
	pl_insp_init(&r, "h", "local", 1764680000);
	pl_insp_init(&back, "h", "local", 1764680000);
	if (pl_insp_add_output(&r, "", "n", "/p/check_hwmon", (int)(size % 5),
			       (const char *)data, size, 0) != NULL) {
		pl_insp_finish(&r);
		pl_insp_history(&r, NULL, NULL);
		for (int f = 0; f < 3; f++)
			pl_insp_render(&r, f, &out);
		pl_buf_reset(&out);
		pl_insp_item_format(&r.v[0], &out);
		if (out.len > PL_INSP_STORED_MAX + 200 ||
		    pl_insp_item_parse(&back, pl_buf_str(&out)) != 0)
			abort();
	}
	pl_buf_free(&out);
	pl_insp_free(&r);
	pl_insp_free(&back);
	return 0;
}
