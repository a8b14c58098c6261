/* pl_tail: reading what was appended to a log file since the last run.
 *
 * The position (struct pl_tail_pos) says which file was read and how far: its device
 * and inode, the offset of the first byte not consumed, the size seen, and two
 * fingerprints (FNV-1a hashes): of the file's first bytes (up to PL_TAIL_FP bytes) and
 * of the bytes just before the offset. A caller keeps it in the state store as a kept
 * entry (pl_tail_pos_put: PL_STORE_KEEP, so that it survives a reboot) and saves the
 * store only after it has counted the lines this run handed it: a run that dies in
 * between reads them again, and never skips them. Kept as format 2 (the log and the
 * rotated file read on); a format 1 entry (the log only) is read as one without a
 * rotated file.
 *
 * What pl_tail_read does with a saved position (the log's name is NAME):
 *   - NAME is the same file (inode; the device too, or, when the device number changed
 *     across a reboot, both fingerprints match) and its bytes up to the offset are those
 *     read before (both fingerprints): it reads on from the offset.
 *   - NAME is another file (rotation by rename: logrotate's default): the old file is
 *     looked for by inode among the rotated names in NAME's directory (NAME.1,
 *     NAME-20261201, NAME.2026-12-01, any NAME followed by '.', '-' or '_'), and its
 *     fingerprints checked; it is finished first, from the offset to its end, then NAME
 *     is read from its start. The rotated file is kept in the position (pos.prev) and
 *     read on by the next runs while it grows: the writer appends to it until it gets
 *     its HUP and reopens NAME, and lines written in between are not lost. It is let go
 *     when a run finds it no longer than the last run saw it (it stopped growing) and
 *     NAME not empty (somebody writes there now), when it is gone, or when NAME is
 *     rotated again (one such file is kept: the newest).
 *     A rotated file whose name ends in .gz, .xz, .bz2, .zst or .lz4 is never read (it
 *     is compressed): when the old file is found only that way, or not at all, the
 *     lines written to it after the last run are lost, and the result says so.
 *     Rotated twice or more between two runs: the rotated files whose last write came
 *     after the old file's (never seen by a run) are read whole too, oldest first,
 *     between the old file and NAME (the newest of them is the one read on after); a
 *     compressed one among them is a loss, said. (A file's times come from a clock of a
 *     few milliseconds: one rotated in between whose last write fell in the same tick as
 *     the old file's is not told from an older one.)
 *   - NAME is the same inode but shorter than the offset (copytruncate), or its first
 *     bytes or the bytes before the offset changed (rewritten from the top, or truncated
 *     and written again past the offset before this run): the copy that copytruncate
 *     made is looked for among the rotated names (another inode whose fingerprints match
 *     the position) and finished from the offset; then NAME is read from its start.
 *     Without a copy, the lines written after the last run and before the truncation
 *     cannot be had, and the result says so.
 * Modification times decide nothing but the order of files rotated between two runs:
 * rotations within one second, or a rotated log of the same size and time as the old
 * one, are told apart by inode and fingerprints.
 *
 * Without a saved position (the first run) the reading starts at the end of the last
 * complete line, unless from_start is set: old lines are not news. A file without any
 * newline, shorter than 64 KiB, is one line being written: read from 0. When the last
 * 64 KiB hold no newline, the run starts at the end inside that long line, with
 * PL_TAIL_IN_LONG set: its rest is skipped up to its newline, never handed over as a
 * line.
 *
 * Lines. A line ends with '\n'. A last line without one is being written: it is not
 * consumed until its newline arrives (the offset stays at its start), also at the end of
 * a rotated file that may still grow. It is handed over without one, once, when its file
 * is let go: a rotated file that stopped growing or was rotated again, a rotated file
 * found with newer ones after it, the copy copytruncate made. (A rotated file gone before
 * that, with such a line held: that line is lost, and said.) A line
 * longer than max_line bytes is handed over cut (its first max_line bytes), counted as
 * one line and as a cut one, and the rest of it is skipped, in this run or the next.
 *
 * Bounded work: at most max_bytes bytes and max_lines lines per run, and nothing more
 * once the deadline has passed; the result says when a cap stopped it (capped), and the
 * next run goes on from there. The file is read in blocks of PL_TAIL_BLOCK bytes with
 * pread; nothing is copied per line. Whoever gets the lines (fn) gets whole blocks of
 * them, which pl_matcher_scan searches in place.
 *
 * The log is opened with O_NONBLOCK (a FIFO in its place never blocks the check) and
 * must be a regular file. It is never read through a symbolic link in its own place
 * (O_NOFOLLOW, whoever owns the link, as pl_open_trusted: "PATH is a symbolic link; name
 * the file itself", errno ELOOP): a check run with privileges on a log in a directory
 * the application may write would read any file a link there points to. The admin
 * names the link's target instead. (Links among the directories above it are
 * followed.) */
#ifndef PL_TAIL_H
#define PL_TAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "pl_deadline.h"
#include "pl_result.h"
#include "pl_store.h"

#define PL_TAIL_FP 256                      /* bytes in each fingerprint, at most */
#define PL_TAIL_BLOCK ((size_t)256 << 10)    /* bytes per read: the buffer stays in L2 */
#define PL_TAIL_LINE_MAX ((size_t)64 << 10) /* the default longest line kept whole */

#define PL_TAIL_IN_LONG 0x1u   /* flag: the offset is inside a cut line: skip to its end */
#define PL_TAIL_PREV 0x2u      /* flag of pos.prev: there is a rotated file read on */

/* One file read: the same numbers as the log's in struct pl_tail_pos. */
struct pl_tail_at {
	uint64_t dev, ino, off, size, fp, fplen, tfp, tfplen, flags;
};

struct pl_tail_pos {
	uint64_t dev, ino;
	uint64_t off;           /* the first byte not consumed */
	uint64_t size;          /* the size seen by the run that saved it */
	uint64_t fp, fplen;     /* hash of bytes [0, fplen) */
	uint64_t tfp, tfplen;   /* hash of bytes [off - tfplen, off) */
	uint64_t flags;         /* PL_TAIL_IN_LONG */
	struct pl_tail_at prev; /* the rotated file still read on (flags PL_TAIL_PREV), or 0s */
};

struct pl_tail_opts {
	uint64_t max_bytes;     /* 0: no cap; at least max_line + 1 */
	uint64_t max_lines;     /* 0: no cap */
	size_t max_line;        /* 0: PL_TAIL_LINE_MAX */
	bool from_start;        /* without a position: read the file from its start */
	const struct pl_deadline *deadline;   /* NULL: the process deadline */
};

/* What a run read and what happened to the file. */
struct pl_tail_result {
	uint64_t bytes;         /* consumed this run */
	uint64_t lines;         /* handed over (cut ones included) */
	uint64_t cut;           /* lines longer than max_line, handed over cut */
	uint64_t files;         /* files read: 2 when a rotated one was finished */
	uint64_t skipped;       /* the first run: bytes left behind at the start */
	bool first;             /* there was no position */
	bool capped;            /* a cap or the deadline stopped the reading */
	bool lost;              /* lines were (or may have been) lost: events says which */
	bool rotated, truncated, rewritten;
	char events[1024];      /* what happened, in sentences joined by "; " ("" if nothing) */
	struct timespec mtime;  /* the modification time, when its reading ended, of the
				 * last file that handed lines over: when the last line was
				 * written (0: no line, or the last from copytruncate's copy,
				 * whose time is its copying's) */
};

/* Handed nlines complete lines, len bytes in all, each ending in '\n' (cut: one line cut
 * at max_line, followed by '\n'). The bytes are valid during the call only. */
typedef void pl_tail_fn(void *ctx, const char *buf, size_t len, size_t nlines, bool cut);

/* Reads what was appended to path since *pos (have_pos false: the first run), handing
 * the lines to fn, and moves *pos to where it stopped. Returns 0, or -1 with why in err
 * and errno: the log cannot be opened (ENOENT: it is missing and no rotated file was
 * left to finish) or is not a regular file (EINVAL), or a read failed; *pos is then
 * unchanged. A symbolic link at path: ELOOP. */
int pl_tail_read(const char *path, struct pl_tail_pos *pos, bool have_pos,
		 const struct pl_tail_opts *o, pl_tail_fn *fn, void *ctx,
		 struct pl_tail_result *res, char *err, size_t errlen);

/* The position kept in st under (ns, name): PL_STORE_KEEP, a vector. get returns true
 * and fills *pos when there is a well-formed one. put returns 0 or -1. */
bool pl_tail_pos_get(const struct pl_store *st, const char *ns, const char *name,
		     struct pl_tail_pos *pos);
int pl_tail_pos_put(struct pl_store *st, const char *ns, const char *name,
		    const struct pl_tail_pos *pos);

/* Hold time. Alerts are events and the engine polls: a check that saw a matching line
 * at 10:00:03 and none at 10:01:03 would go back to OK before anyone looked. With a hold
 * time, the state of the last match is kept for hold seconds after it: pl_hold_apply
 * takes this run's state (now: the wall clock in seconds), keeps the last non-OK one and
 * its time in st under (ns, name) (PL_STORE_KEEP: a reboot does not clear it), and
 * returns the state to report: this run's, or the held one while the hold lasts, with
 * *until set to the end of the reported state's hold (0 when it is not held past this
 * run). Each non-OK state has its own mark: a worse state is reported over a held milder
 * one, which stays held for its own time and is reported again when the worse one's
 * hold ends. hold <= 0: returns state and drops the marks. */
enum pl_state pl_hold_apply(struct pl_store *st, const char *ns, const char *name,
			    enum pl_state state, double now, double hold, double *until);
/* The same, the hold counted from event, when the last match happened by its own time
 * stamp (an alert's), not from now: an alert read late holds only what is left of its
 * hold, and one older than the hold holds nothing after this run (this run's state is
 * still reported). An event in the future (a skewed clock) or <= 0 is taken as now; of
 * two marks of the same state, the later is kept. */
enum pl_state pl_hold_apply_at(struct pl_store *st, const char *ns, const char *name,
			       enum pl_state state, double now, double event, double hold,
			       double *until);
/* The same, with what is held after the reported state: then (PL_OK: nothing) is the
 * worst milder state whose hold lasts beyond until (or is held at all when until is 0),
 * held until then_until. */
struct pl_hold {
	enum pl_state state;      /* to report */
	double until;             /* the end of its hold; 0: not held past this run */
	enum pl_state then;       /* held after it, or PL_OK */
	double then_until;
};
void pl_hold_judge(struct pl_store *st, const char *ns, const char *name, enum pl_state state,
		   double now, double event, double hold, struct pl_hold *out);

#endif
