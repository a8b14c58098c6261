/* pl_journal: the systemd journal's new entries since a saved cursor (libsystemd).
 *
 * A cursor names an entry, not a time: a cursor from before the clock was set back (or
 * forward) still finds its place. After sd_journal_seek_cursor the next sd_journal_next
 * lands on the cursor's entry itself when it is still there (sd_journal_test_cursor
 * says so) and it is skipped, having been counted by the run that saved the cursor;
 * when it is gone or does not pass the filters, the entry landed on is the first new one
 * and is counted, never skipped. The cursor handed back is that of the last entry
 * handed over, or, when there was none, the one started from, so that a run without
 * new entries keeps its place.
 *
 * Without a cursor (the first run) the reading starts after the journal's last entry
 * (taken before the filters, so that entries arriving before the next run are read
 * then), unless from_start is set. A cursor the journal no longer holds (vacuumed,
 * another machine's) starts at the end too, and the result says so.
 *
 * Filters are libsystemd matches: the units (_SYSTEMD_UNIT) are alternatives, as are the
 * identifiers (SYSLOG_IDENTIFIER), the priorities and two values of one field; filters
 * of different fields must all hold.
 *
 * Reading the system journal needs membership of the systemd-journal group (or adm)
 * for a user other than root: without it libsystemd silently shows the user's own
 * journal only. pl_journal_read then fails, saying which group to join. */
#ifndef PL_JOURNAL_H
#define PL_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pl_deadline.h"

#define PL_JOURNAL_CURSOR_MAX 512

struct pl_journal_opts {
	const char *const *files;    /* .journal files to read instead of the system's */
	size_t nfiles;
	const char *const *units;    /* _SYSTEMD_UNIT=, any of them */
	size_t nunits;
	const char *const *idents;   /* SYSLOG_IDENTIFIER=, any of them */
	size_t nidents;
	const char *const *fields;   /* FIELD=VALUE */
	size_t nfields;
	int priority;                /* entries of PRIORITY 0..priority; -1: any */
	const char *cursor;          /* NULL: no cursor yet */
	bool from_start;             /* without a cursor: from the journal's start */
	uint64_t max_entries;        /* 0: no cap */
	const struct pl_deadline *deadline;   /* NULL: the process deadline */
};

struct pl_journal_entry {
	const char *msg;             /* MESSAGE, without "MESSAGE=" (not NUL-terminated) */
	size_t len;
	const char *ident;           /* SYSLOG_IDENTIFIER, else _COMM, else "" */
	size_t identlen;
	int priority;                /* 0..7, or -1 when the entry has none */
	uint64_t realtime_us;
};

typedef void pl_journal_fn(void *ctx, const struct pl_journal_entry *e);

struct pl_journal_result {
	uint64_t entries;            /* handed over */
	bool first;                  /* there was no cursor */
	bool cursor_lost;            /* the cursor was not found: started at the end */
	bool capped;                 /* max_entries or the deadline stopped it */
	char cursor[PL_JOURNAL_CURSOR_MAX];   /* to save; "" when the journal is empty */
};

/* Reads the entries after o->cursor that pass the filters, handing each to fn. Returns
 * 0, or -1 with why in err (the journal cannot be opened or read, a filter is refused,
 * or the system journal is not readable by this user). */
int pl_journal_read(const struct pl_journal_opts *o, pl_journal_fn *fn, void *ctx,
		    struct pl_journal_result *res, char *err, size_t errlen);

#endif
