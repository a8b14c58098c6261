/* Fuzz target: restore drills as data (pl_drill): the journal (a whole one and a single
 * line), the listings of restic ls --json, borg list --json-lines and tar -tv, and a
 * sha256sum manifest, over the same input (not NUL-terminated). None may crash, leak or
 * read past the input; a journal's counts add up, its recent drills are in time order,
 * a line that parses formats into one line that parses again to the same drill, and
 * every file a listing gives has a path.
 * fuzz-libs: json-c
 * fuzz-seeds: drill/journal-good.jsonl drill/journal-malformed.jsonl drill/journal-truncated.jsonl drill/restic-ls-0.14.jsonl drill/borg-list-1.2.4.jsonl drill/tar-tv-1.34.txt drill/manifest.sha256 drill/manifest-escaped.sha256 */
#include "config.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pl_buf.h"
#include "pl_drill.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
files(int (*parse)(const char *, size_t, struct pl_drill_files *, char *, size_t),
      const char *buf, size_t len)
{
	struct pl_drill_files l;
	char err[256];

	if (parse(buf, len, &l, err, sizeof(err)) != 0)
		return;
	for (size_t i = 0; i < l.n; i++)
		if (l.v[i].path == NULL || l.v[i].path[0] == '\0' || !(l.v[i].size >= 0))
			abort();
	pl_drill_files_free(&l);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size > 0 ? size : 1), err[256];
	struct pl_drill_journal *j = malloc(sizeof(*j));
	struct pl_drill_entry e, back;
	struct pl_drill_manifest m;
	struct pl_buf b = PL_BUF_INIT;

	if (copy == NULL || j == NULL) {
		free(copy);
		free(j);
		return 0;
	}
	memcpy(copy, data, size);
	pl_drill_journal_parse(copy, size, 8, j);
	if (j->entries != j->good + j->failed)
		abort();
	if (j->entries + j->malformed > j->lines)
		abort();
	if (j->nrecent > 8 || j->nrecent > j->entries)
		abort();
	for (size_t i = 1; i < j->nrecent; i++)
		if (j->recent[i].time.sec < j->recent[i - 1].time.sec)
			abort();
	if (j->has_good && !j->last_good.ok)
		abort();
	if (pl_drill_line_parse(copy, size, &e, err, sizeof(err)) == 0) {
		pl_buf_init(&b, PL_DRILL_LINE_MAX);
		pl_drill_line_format(&e, &b);
		if (b.len == 0 || memchr(pl_buf_str(&b), '\n', b.len) != pl_buf_str(&b) + b.len - 1)
			abort();
		if (pl_drill_line_parse(pl_buf_str(&b), b.len, &back, err, sizeof(err)) != 0)
			abort();
		if (back.ok != e.ok || back.time.sec != e.time.sec || strcmp(back.who, e.who) != 0)
			abort();
		pl_buf_free(&b);
	}
	files(pl_drill_restic_ls_parse, copy, size);
	files(pl_drill_borg_ls_parse, copy, size);
	files(pl_drill_tar_ls_parse, copy, size);
	if (pl_drill_manifest_parse(copy, size, &m, err, sizeof(err)) == 0) {
		for (size_t i = 0; i < m.n; i++)
			if (strlen(m.v[i].hex) != 64 || pl_drill_manifest_find(&m, m.v[i].path) == NULL)
				abort();
		pl_drill_manifest_free(&m);
	}
	free(copy);
	free(j);
	return 0;
}
