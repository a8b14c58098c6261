/* pl_inspect_file: a report's items in a file of their own in the state directory, for
 * the engine mode of plumbline-inspect, whose fleet (300,000 services) is more than the
 * state store holds. One item a line, in pl_insp_item_format's form (a newline inside
 * as 0x1e), after a header line; written through a temporary file renamed over the old
 * one (O_NOFOLLOW, mode 600), so a reader sees the old or the new report.
 *
 * The previous report's history is read back as a sorted array of "host/name" keys,
 * each followed by its history text (pl_insp_hist_format), for pl_insp_history's get
 * (pl_insp_prev_get, a binary search); the keys no item asked for are the items gone. */
#ifndef PL_INSPECT_FILE_H
#define PL_INSPECT_FILE_H

#include <stddef.h>

#include "pl_inspect.h"

/* 0, or -1 with err. name is a file name in dirfd (no slash). */
int pl_insp_file_save(int dirfd, const char *name, const struct pl_insp_report *r, char *err,
		      size_t errlen);
/* Adds the stored items to r (for --last). 0, or -1 with err (no file, damaged). */
int pl_insp_file_load(int dirfd, const char *name, struct pl_insp_report *r, char *err,
		      size_t errlen);

struct pl_insp_prev {
	char **v;            /* "host/name\0STATES LASTCHANGE", sorted; owned */
	size_t n, cap;
	unsigned char *seen; /* per entry: asked for by pl_insp_prev_get */
};
/* 0 (no file: an empty history), or -1 with err (a damaged file). */
int pl_insp_prev_load(int dirfd, const char *name, struct pl_insp_prev *p, char *err,
		      size_t errlen);
/* pl_insp_history's get: ctx is a struct pl_insp_prev. */
const char *pl_insp_prev_get(void *ctx, const char *key);
size_t pl_insp_prev_unseen(const struct pl_insp_prev *p);
void pl_insp_prev_free(struct pl_insp_prev *p);

#endif
