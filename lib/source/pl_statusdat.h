/* pl_statusdat: Nagios' status.dat read as a stream, line by line: every hoststatus and
 * servicestatus block is handed to a callback as a struct pl_engstate when its closing
 * brace is read, so memory stays bounded (one line of at most PL_SD_LINE_MAX bytes and one
 * block's values) whatever the file's size. Other blocks (info, programstatus, comments,
 * downtimes, contactstatus) are skipped.
 *
 * A line longer than PL_SD_LINE_MAX is cut there (counted in long_lines; the record is
 * delivered with truncated set); a line that is neither "name {", "key=value" nor "}", a
 * block left open at the end, or a host/service block without a name or a readable state
 * is counted malformed and skipped, never a crash. Values are unescaped as Nagios writes
 * them: "\n" is a newline, "\\" a backslash (plugin_output, long_plugin_output).
 *
 * Usage: pl_sd_init, pl_sd_feed any number of chunks (cut anywhere), pl_sd_finish,
 * pl_sd_free; or pl_sd_read_fd / pl_sd_read_file that do all of it. */
#ifndef PL_STATUSDAT_H
#define PL_STATUSDAT_H

#include <stddef.h>

#include "pl_engstate.h"

#define PL_SD_LINE_MAX 65536

enum pl_sd_field {
	PL_SD_HOST, PL_SD_SERVICE, PL_SD_STATE, PL_SD_STATE_TYPE, PL_SD_CHECKED,
	PL_SD_OUTPUT, PL_SD_LONG, PL_SD_PERF, PL_SD_LAST_CHECK, PL_SD_LAST_CHANGE,
	PL_SD_ACK, PL_SD_DOWNTIME, PL_SD_FLAPPING, PL_SD_NFIELDS
};

struct pl_sd {
	pl_engstate_cb cb;
	void *arg;
	struct pl_engstate_filter filter;
	struct pl_engstate_counts *counts;
	char *line;               /* PL_SD_LINE_MAX + 1 */
	size_t linelen;
	int overlong;             /* the current line passed the bound */
	char *arena;              /* one block's values, unescaped */
	size_t arenalen;
	size_t off[PL_SD_NFIELDS];
	size_t len[PL_SD_NFIELDS];
	unsigned have;            /* bit per field */
	int block;                /* 0 none, 1 hoststatus, 2 servicestatus, 3 other */
	int bad;                  /* the current block is malformed */
	int truncated;
	int stop;                 /* the callback's nonzero return */
};

int pl_sd_init(struct pl_sd *sd, const struct pl_engstate_filter *filter, pl_engstate_cb cb,
	       void *arg, struct pl_engstate_counts *counts, char *err, size_t errlen);
/* 0, or the callback's nonzero value (then stop feeding). */
int pl_sd_feed(struct pl_sd *sd, const char *data, size_t len);
int pl_sd_finish(struct pl_sd *sd);
void pl_sd_free(struct pl_sd *sd);

/* The whole file: 0, the callback's nonzero value, or -1 with err filled (read error). */
int pl_sd_read_fd(int fd, const struct pl_engstate_filter *filter, pl_engstate_cb cb,
		  void *arg, struct pl_engstate_counts *counts, char *err, size_t errlen);
int pl_sd_read_file(const char *path, const struct pl_engstate_filter *filter,
		    pl_engstate_cb cb, void *arg, struct pl_engstate_counts *counts,
		    char *err, size_t errlen);

#endif
