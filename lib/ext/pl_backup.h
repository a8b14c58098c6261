/* pl_backup: what backup tools say about their backups, as data.
 *
 * Pure functions over a buffer for what check_backup_age reads: the snapshot list of
 * restic (`restic snapshots --json --no-lock`), a restic lock (`restic cat lock ID`),
 * the archive list of borg (`borg list --json`), borg's lock roster (REPO/lock.roster),
 * and the last line of a backup job's status file. Also the small model they fill (a
 * list of backups) and the rules over it: which class a backup belongs to, the newest
 * and the one before it per class and host, and whether a backup has its copy in a
 * second list (off-site).
 *
 * Times: restic prints RFC 3339 with an offset. Borg prints naive local times
 * ("2026-11-30T03:00:00.000000"); the plugin runs borg with TZ=UTC, so they are read
 * as UTC here.
 *
 * Ownership: a pl_bk_list owns its backups and their strings; pl_bk_list_free frees
 * them. Caps: PL_BK_MAX backups per list (a larger listing is an error, never a silent
 * cut), PL_BK_FIELD_MAX bytes per string field, PL_BK_VEC_MAX tags or paths. Links
 * json-c (through pl_json). */
#ifndef PL_BACKUP_H
#define PL_BACKUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pl_clock.h"

#define PL_BK_MAX 200000
#define PL_BK_FIELD_MAX 4096
#define PL_BK_VEC_MAX 256

/* One backup: a restic snapshot, a borg archive, or a file or directory. */
struct pl_bk {
	char *id;            /* restic snapshot id, borg archive id, file path */
	char *name;          /* borg archive name, restic short id, file base name */
	char *host;          /* hostname; "" when the source has none (files) */
	char *tree;          /* restic tree id, NULL otherwise */
	char **tags, **paths;
	size_t ntags, npaths;
	struct pl_time time; /* when the backup was taken */
	double size;         /* bytes; NAN when the source does not say */
	double files;        /* files in it; NAN when the source does not say */
	bool checkpoint;     /* borg: a checkpoint of an interrupted run */
};

struct pl_bk_list {
	struct pl_bk *v;
	size_t n, cap;
	size_t skipped;      /* entries left out as malformed */
	char first_bad[160]; /* why the first of them was */
};

void pl_bk_list_free(struct pl_bk_list *l);
/* Adds a copy of b (its strings and vectors copied). Returns 0, or -1 (out of memory,
 * or PL_BK_MAX reached). */
int pl_bk_list_add(struct pl_bk_list *l, const struct pl_bk *b);

/* Parses `restic snapshots --json` output (restic 0.9 and later: a JSON array of
 * snapshots) into out (initialised here: zero it or pass a freed list). Sizes and file
 * counts come from the "summary" object of restic 0.17 and later, else are NAN. A
 * snapshot without a valid time, id or hostname is counted in out->skipped (with why)
 * and left out. Returns 0, or -1 with why in err when the text is not such a list. */
int pl_restic_snapshots_parse(const char *buf, size_t len, struct pl_bk_list *out,
			      char *err, size_t errlen);

/* Parses `borg list --json` output (borg 1.1 and later: an object with "archives")
 * into out, as pl_restic_snapshots_parse does. The archive's "hostname" is taken when
 * present (borg 1.2 gives it with --format '{hostname}'), else "". An archive whose name
 * ends in ".checkpoint" (or ".checkpoint.N") is marked as a checkpoint. */
int pl_borg_list_parse(const char *buf, size_t len, struct pl_bk_list *out, char *err,
		       size_t errlen);

/* One archive's figures from `borg info --json`: stats.original_size (bytes of the files
 * backed up, as restic's summary total_bytes_processed) and stats.nfiles. */
struct pl_borg_stat {
	char name[256];
	double size, files;
};

/* Parses `borg info --json REPO::ARCHIVE` or `borg info --json --last N REPO` output
 * (borg 1.1 and later) into up to max entries at out, in its order; an archive without a
 * name or with missing or negative figures is left out. Returns the count, or -1 with why
 * in err when the text is no such object. */
int pl_borg_info_parse(const char *buf, size_t len, struct pl_borg_stat *out, size_t max,
		       char *err, size_t errlen);

/* A repository lock: who holds it and since when. */
struct pl_bk_lock {
	char host[256];      /* the holder's hostname ("" when unknown); borg: the name part of
	                      * its host id, before the last '@' */
	char id[256];        /* borg: the host id as written (FQDN@NODE since 1.1, the
	                      * BORG_HOST_ID the job set, or 1.0's plain hostname); restic: "" */
	int64_t pid;         /* the holder's process id; 0 when unknown */
	bool exclusive;
	bool has_time;
	struct pl_time time; /* restic: when it was taken (refreshed every 5 min); borg: when
	                      * its lock.exclusive entry was made (borg 1.x never refreshes) */
};

/* Parses `restic cat lock ID` output (a JSON object with time, exclusive, hostname,
 * pid). Returns 0, or -1 with why in err. */
int pl_restic_lock_parse(const char *buf, size_t len, struct pl_bk_lock *out, char *err,
			 size_t errlen);

/* Parses borg's REPO/lock.roster ({"exclusive": [["FQDN@NODE", pid, thread]],
 * "shared": [...]}) into up to max locks at out. Returns the number of locks (0: none
 * held), or -1 with why in err. */
int pl_borg_roster_parse(const char *buf, size_t len, struct pl_bk_lock *out, size_t max,
			 char *err, size_t errlen);

/* Parses the name of an entry of borg's REPO/lock.exclusive/ directory, "ID.PID-THREAD"
 * (ID as in the roster, PID decimal, THREAD hexadecimal) into out (exclusive, no time).
 * Returns 0, or -1 when the name is not of that form. */
int pl_borg_lockname_parse(const char *name, struct pl_bk_lock *out);

/* This host as borg's locks name it. borg 1.1 and later write the host id
 * "FQDN@NODE": FQDN its canonical name (getaddrinfo AI_CANONNAME, not the short
 * hostname), NODE Python's uuid.getnode(), a MAC address of the host as a 48-bit number
 * (a random one with the multicast bit set when it has none), unless the job sets
 * BORG_HOST_ID; borg 1.0 wrote the plain hostname. */
struct pl_bk_self {
	const char *hostname;   /* gethostname() */
	const char *fqdn;       /* the canonical name; NULL or "" when unknown */
	const char *host_id;    /* the BORG_HOST_ID the backup job sets; NULL: none */
	const uint64_t *nodes;  /* the MAC addresses of this host's interfaces */
	size_t nnodes;          /* 0: unknown (a node is then not compared) */
};

/* Whether lk (a borg lock) was taken on this host, so that its pid can be judged here:
 * with a host_id, the same id; else its name is this host's hostname, short hostname (a
 * name without a dot) or FQDN, and its node, unless random, one of nodes. */
bool pl_borg_lock_here(const struct pl_bk_lock *lk, const struct pl_bk_self *self);

/* The last run of a backup job, from the last non-blank line of a status file the job
 * writes. Two forms are read:
 *   2026-12-01T02:00:00Z exit=1 class=incremental Fatal: unable to save snapshot
 * (an RFC 3339 time, "exit=N", optionally "class=NAME", then a free text), or one JSON
 * object: {"time": "...", "exit": N, "class": "...", "message": "..."}. */
struct pl_bk_status {
	struct pl_time time;
	int exit;            /* 0: the run succeeded */
	char cls[64];        /* "" when the line names no class */
	char message[256];   /* "" when none; control bytes shown as '?' */
	size_t lineno;       /* the line it came from */
};

/* Returns 0 with the last line's run in *out, 1 when the file holds no line, or -1
 * with why in err (which names the line number, never quotes it). */
int pl_bk_status_parse(const char *buf, size_t len, struct pl_bk_status *out, char *err,
		       size_t errlen);

/* A rule that recognises a class: every condition given must hold. */
struct pl_bk_match {
	const char *tag;     /* a tag the backup carries (restic) */
	const char *host;    /* glob on the hostname */
	const char *path;    /* glob on one of its paths (restic) */
	const char *name;    /* glob on the name (borg archive, file base name) */
	const char *regex;   /* POSIX extended regex on the name (compiled by the caller) */
	const void *re;      /* regex_t * of regex, or NULL */
	bool any;            /* matches every backup */
};

/* Parses a class rule "tag:T,host:H,path:P,name:GLOB,regex:RE" or "any" into m (the
 * strings point into text, which the caller keeps; a regex is not compiled here).
 * Conditions are separated by ','; a regex may not contain one. Returns 0, or -1. */
int pl_bk_match_parse(char *text, struct pl_bk_match *m, char *err, size_t errlen);
bool pl_bk_match(const struct pl_bk_match *m, const struct pl_bk *b);

/* The newest and the one before it of the backups of l for which take[i] is true and
 * whose host is host (NULL: any host), checkpoints excluded. *count is how many there
 * are. Returns the index of the newest (or -1 when none), and the one before in *prev
 * (-1 when none). */
long pl_bk_latest(const struct pl_bk_list *l, const bool *take, const char *host,
		  long *prev, size_t *count);

/* Whether copy is b's copy elsewhere: the same restic tree, or (when either has no tree
 * or the trees differ because the repositories chunk differently) the same host, time
 * to the second and paths; for borg and files, the same name (and, for files, the same
 * size when both have one). */
bool pl_bk_same(const struct pl_bk *b, const struct pl_bk *copy);

#endif
