/* pl_drill: restore drills as data, for check_restore_drill.
 *
 * The drill journal: one JSON object per line, appended by each drill (by the plugin's
 * drill mode, or by an admin's own procedure):
 *   {"time": "2026-12-01T02:00:00Z", "result": "ok", "source": "restic",
 *    "backup": "3f2a9c01", "files_restored": 20, "bytes_restored": 1048576,
 *    "files_verified": 20, "files_failed": 0, "duration": 12.5, "who": "root@web1",
 *    "message": "..."}
 * "time" (RFC 3339) and "result" ("ok" or "failed") are required; the figures are
 * optional numbers (not given: NAN), the texts optional strings. A line that is not one
 * such object is malformed: counted, with the first one's line number and why.
 *
 * Also the listings a drill picks its sample from, each a pure parser over a buffer
 * into a list of regular files with their sizes: `restic ls --json SNAPSHOT` (a snapshot
 * object, then one node object per line), `borg list --json-lines REPO::ARCHIVE` (one
 * item per line, type "-" for a file) and GNU `tar -tvf ARCHIVE` (an ls -l like line per
 * member); a sha256sum(1) manifest ("HEX  PATH" lines) to verify against; and the
 * random pick of the sample.
 *
 * Ownership: lists own their strings (free with their _free function). Caps:
 * PL_DRILL_FILES_MAX files per listing (more is an error, never a silent cut),
 * PL_DRILL_RECENT_MAX drills kept for the trend. Links json-c (through pl_json). */
#ifndef PL_DRILL_H
#define PL_DRILL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pl_buf.h"
#include "pl_clock.h"

#define PL_DRILL_FILES_MAX 2000000
#define PL_DRILL_RECENT_MAX 32
#define PL_DRILL_LINE_MAX 4096   /* the longest journal line written */

/* One drill, one line of the journal. */
struct pl_drill_entry {
	struct pl_time time;     /* when it ended */
	bool ok;                 /* "result": "ok" (else "failed") */
	char source[16];         /* restic, borg, tar, or "" */
	char backup[128];        /* the snapshot, archive or file restored from, or "" */
	double files_restored, bytes_restored, files_verified, files_failed;
	double duration;         /* seconds the restore took */
	char who[128];
	char message[512];       /* why it failed, or "" */
	size_t lineno;           /* the line it came from (parsers fill it) */
};

/* Parses one journal line (len bytes, no newline needed) into out. Returns 0, or -1
 * with why in err (which never quotes the line). */
int pl_drill_line_parse(const char *buf, size_t len, struct pl_drill_entry *out, char *err,
			size_t errlen);
/* Appends e as one journal line, ending with '\n', at most PL_DRILL_LINE_MAX bytes
 * (long texts are cut on a character boundary). NAN figures are left out; texts are
 * JSON-escaped. */
void pl_drill_line_format(const struct pl_drill_entry *e, struct pl_buf *out);

/* A journal, summarised. */
struct pl_drill_journal {
	size_t lines;            /* non-blank lines */
	size_t entries;          /* well-formed ones */
	size_t good, failed;
	size_t malformed;        /* lines that were no drill */
	size_t first_bad;        /* the first malformed line's number, 0 if none */
	char first_err[160];     /* why that line was malformed */
	bool has_last, has_good;
	struct pl_drill_entry last;      /* the newest drill (by time; a later line wins a tie) */
	struct pl_drill_entry last_good; /* the newest successful one */
	struct pl_drill_entry recent[PL_DRILL_RECENT_MAX];  /* the newest ones, oldest first */
	size_t nrecent;
	size_t future;           /* drills dated after not_after: left out of the above */
	size_t first_future;     /* the first such line's number, 0 if none */
	struct pl_time future_time;      /* and its time */
};

/* Reads the journal text (len bytes) into out, keeping the newest `recent` drills
 * (at most PL_DRILL_RECENT_MAX) in out->recent. Never fails: malformed lines are
 * counted. */
void pl_drill_journal_parse(const char *buf, size_t len, size_t recent,
			    struct pl_drill_journal *out);

/* The same, but a drill dated after *not_after (now plus a skew) is no drill: counted in
 * out->future (the first in first_future, future_time) and left out of entries, last,
 * last_good and recent. not_after NULL: no limit. */
void pl_drill_journal_parse_until(const char *buf, size_t len, size_t recent,
				  const struct pl_time *not_after, struct pl_drill_journal *out);

/* Regular files of a backup, from a listing. */
struct pl_drill_file {
	char *path;              /* as the tool names it: /srv/data/a (restic), srv/data/a
				  * (borg), data/a (tar) */
	double size;             /* bytes */
};

struct pl_drill_files {
	struct pl_drill_file *v;
	size_t n, cap;
	size_t skipped;          /* lines or members left out: malformed, or names with
				  * escapes the restore would not match */
};

void pl_drill_files_free(struct pl_drill_files *l);
/* Each returns 0 with the regular files in out (initialised here), or -1 with why in
 * err (not a listing of that tool, more than PL_DRILL_FILES_MAX files, no memory). */
int pl_drill_restic_ls_parse(const char *buf, size_t len, struct pl_drill_files *out,
			     char *err, size_t errlen);
int pl_drill_borg_ls_parse(const char *buf, size_t len, struct pl_drill_files *out,
			   char *err, size_t errlen);
int pl_drill_tar_ls_parse(const char *buf, size_t len, struct pl_drill_files *out,
			  char *err, size_t errlen);

/* Picks n distinct indexes of 0..count-1 (all of them when n >= count) into idx, in
 * increasing order, from the seed: the same seed picks the same files. Returns how
 * many. */
size_t pl_drill_pick(size_t count, size_t n, uint64_t seed, size_t *idx);

/* A path as the drill compares them: without leading "/" and "./". */
const char *pl_drill_relpath(const char *path);

/* A path of a listing as the restore tool's argument that selects that path only, and
 * nothing else, whatever bytes it holds. A new string the caller frees, or NULL for an
 * empty path (no pattern selects it alone; borg's "pp:" alone is a prefix of every
 * path, which would extract the whole archive) or out of memory.
 *   restic: an --include pattern: restic matches with Go's filepath.Match, where a
 *     backslash escapes '*', '?', '[', ']' and itself ("a*b" -> "a\*b"); the caller
 *     passes it as the argument after "--include", which restic takes as the value
 *     whatever it starts with ("-x").
 *   borg 1.2: an extract PATH, which borg reads as a pattern whose style a prefix
 *     selects (re:, sh:, fm:, pf:, pp:): "re:a+b" was a regular expression, "sh:[c]" a
 *     glob, "-x" an option. "pp:" names the path-prefix style outright, which is literal
 *     and matches the path and what is below it (a file has nothing below it):
 *     "re:a+b" -> "pp:re:a+b", "-x" -> "pp:-x", "pp:x" -> "pp:pp:x". */
char *pl_drill_restic_literal(const char *path);
char *pl_drill_borg_literal(const char *path);

/* A sha256sum manifest: "HEX  PATH" or "HEX *PATH" lines. Sorted by path. */
struct pl_drill_sum {
	char *path;              /* pl_drill_relpath of the line's path, owned */
	char hex[65];
};

struct pl_drill_manifest {
	struct pl_drill_sum *v;
	size_t n;
	size_t skipped;          /* escaped names ("\\" lines), left out */
};

/* Returns 0, or -1 with why in err naming the line (malformed, or no memory). */
int pl_drill_manifest_parse(const char *buf, size_t len, struct pl_drill_manifest *out,
			    char *err, size_t errlen);
/* The digest of path (compared as pl_drill_relpath), or NULL. */
const char *pl_drill_manifest_find(const struct pl_drill_manifest *m, const char *path);
void pl_drill_manifest_free(struct pl_drill_manifest *m);

#endif
