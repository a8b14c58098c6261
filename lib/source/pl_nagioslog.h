/* pl_nagioslog: Nagios 4's nagios.log read as a stream, line by line, into pl_event
 * records handed to a callback (pl_event.h), in bounded memory (one line of at most
 * PL_NL_LINE_MAX bytes) whatever the size of the log.
 *
 * The lines read, as Nagios 4.4 writes them (base/logging.c, base/notifications.c,
 * base/commands.c; checked against a real nagios4 4.4.6):
 *   [T] SERVICE ALERT: HOST;SERVICE;STATE;SOFT|HARD;ATTEMPT;OUTPUT
 *   [T] HOST ALERT: HOST;STATE;SOFT|HARD;ATTEMPT;OUTPUT
 *   [T] INITIAL|CURRENT SERVICE STATE: (as SERVICE ALERT)       -> PL_EV_RESTATE
 *   [T] INITIAL|CURRENT HOST STATE: (as HOST ALERT)
 *   [T] SERVICE NOTIFICATION: CONTACT;HOST;SERVICE;TYPE;COMMAND;OUTPUT[;AUTHOR;COMMENT]
 *   [T] HOST NOTIFICATION: CONTACT;HOST;TYPE;COMMAND;OUTPUT[;AUTHOR;COMMENT]
 *       TYPE is the state ("CRITICAL": a problem; "OK"/"UP": a recovery) or
 *       "ACKNOWLEDGEMENT (CRITICAL)", "CUSTOM (OK)", "DOWNTIMESTART (OK)",
 *       "DOWNTIMEEND (..)", "DOWNTIMECANCELLED (..)", "FLAPPINGSTART (..)",
 *       "FLAPPINGSTOP (..)", "FLAPPINGDISABLED (..)"
 *   [T] EXTERNAL COMMAND: ACKNOWLEDGE_SVC_PROBLEM;HOST;SERVICE;STICKY;NOTIFY;PERSISTENT;
 *       AUTHOR;COMMENT  (and ACKNOWLEDGE_HOST_PROBLEM;HOST;...)
 *   [T] SERVICE DOWNTIME ALERT: HOST;SERVICE;STARTED|STOPPED|CANCELLED; TEXT
 *   [T] HOST DOWNTIME ALERT: HOST;STARTED|STOPPED|CANCELLED; TEXT
 *   [T] SERVICE FLAPPING ALERT: HOST;SERVICE;STARTED|STOPPED|DISABLED; TEXT
 *   [T] HOST FLAPPING ALERT: HOST;STARTED|STOPPED|DISABLED; TEXT
 * The last field of a line is the rest of it, ';' included (an output or a comment may
 * hold one). In the notification of an acknowledgement, where the output is followed by
 * the author and the comment, the output is taken up to its first ';' (Nagios does not
 * escape it; the acknowledgement's own EXTERNAL COMMAND line is exact).
 *
 * Every other line that starts with "[T] " (LOG ROTATION, PASSIVE SERVICE CHECK, other
 * external commands, start-up and worker messages, warnings) is counted ignored; a line
 * without a "[T] " time, or one of the lines above with a field missing or wrong (a
 * state that is no state, an attempt that is no number, an empty host, a time after
 * the year 9999), is counted
 * malformed and skipped, never a crash. A line longer than PL_NL_LINE_MAX is cut there
 * and counted in long_lines (its event delivered with the output cut).
 *
 * Usage: pl_nl_init, pl_nl_feed any number of chunks (cut anywhere), pl_nl_finish,
 * pl_nl_free; or pl_nl_read_files, which reads a list of log files (the current one and
 * the rotated ones, given in any order) oldest first. */
#ifndef PL_NAGIOSLOG_H
#define PL_NAGIOSLOG_H

#include <stddef.h>
#include <stdint.h>

#include "pl_event.h"

#define PL_NL_LINE_MAX 65536
/* The latest time a line may have: 9999-12-31T23:59:59Z (later is malformed). */
#define PL_NL_TIME_MAX 253402300799u

struct pl_nl_counts {
	size_t lines;        /* lines read (an empty one included) */
	size_t events;       /* events delivered */
	size_t ignored;      /* lines of other kinds */
	size_t malformed;    /* lines that could not be read (see above) */
	size_t long_lines;   /* lines cut at PL_NL_LINE_MAX */
	int64_t first, last; /* the times of the first and last timed lines (0: none) */
};

struct pl_nl {
	pl_event_cb cb;
	void *arg;
	struct pl_nl_counts *counts;
	char *line;          /* PL_NL_LINE_MAX + 1 */
	size_t linelen;
	int overlong;
	int stop;
};

int pl_nl_init(struct pl_nl *nl, pl_event_cb cb, void *arg, struct pl_nl_counts *counts,
	       char *err, size_t errlen);
/* 0, or the callback's nonzero value (then stop feeding). */
int pl_nl_feed(struct pl_nl *nl, const char *data, size_t len);
/* The last line when the text did not end with a newline. */
int pl_nl_finish(struct pl_nl *nl);
void pl_nl_free(struct pl_nl *nl);

/* Reads one line (without its newline; s[len] may be written) into *ev, whose strings
 * then point into s. Returns 1 for an event, 0 for a line of another kind, -1 for a
 * malformed one. */
int pl_nl_parse_line(char *s, size_t len, struct pl_event *ev);

/* The files in the order their first timed lines say (oldest first; a file without one
 * last, in the given order): every file's events through cb. 0, the callback's nonzero
 * value, or -1 with err filled (a file that cannot be read, named). */
int pl_nl_read_files(const char *const *paths, size_t n, pl_event_cb cb, void *arg,
		     struct pl_nl_counts *counts, char *err, size_t errlen);

#endif
