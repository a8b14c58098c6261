/* pl_store: a small key/value store that keeps counters between runs of a plugin.
 *
 * One file per plugin and key ("check_cpu-3f2a9c01d4e5b677.state") in a private
 * directory: the --state-dir option, else $PLUMBLINE_STATE_DIR, else
 * PL_STATE_ROOT/plumbline-<uid> (made 0700), else, when another user has taken that
 * name, ~/.cache/plumbline of the user running the check. The directory must belong to the user and
 * not be writable by others. Files are opened with O_NOFOLLOW, written to a temporary
 * file and renamed into place, so a reader sees the old file or the new one, never half
 * of one, and a symlink planted in place of the file is replaced, never followed.
 *
 * The text format starts with a magic line and version, names the plugin and key, and
 * records the boot id and the time (seconds since boot); it ends with an "end" line so
 * that a truncated file is recognised. A file that is missing, corrupt, from another
 * plugin or key, from another format version or from another boot is not used: the
 * plugin starts afresh, and the next save replaces the file. */
#ifndef PL_STORE_H
#define PL_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pl_buf.h"

#define PL_STORE_VERSION 1
#define PL_STORE_MAX_ENTRIES 100000
#define PL_STORE_FILE_CAP ((size_t)4 << 20)

struct pl_store_entry {
	char *name;    /* no blanks or newlines */
	char *value;   /* no newlines */
};

struct pl_store {
	char plugin[64];
	char key[80];
	char boot_id[64];
	double time;                     /* seconds since boot when the values were read */
	double prev_time;                /* the same for the "prev." generation; 0: none */
	struct pl_store_entry *v;
	size_t n, cap;
};

/* Why a loaded state was not usable. */
enum pl_store_status {
	PL_STORE_LOADED = 0,
	PL_STORE_MISSING,       /* no file yet */
	PL_STORE_CORRUPT,       /* malformed, truncated, foreign, or a symlink */
	PL_STORE_REBOOTED,      /* written before the last boot */
};

void pl_store_init(struct pl_store *st, const char *plugin, const char *key);
void pl_store_free(struct pl_store *st);
void pl_store_clear(struct pl_store *st);   /* drops the values, keeps plugin and key */

int pl_store_set(struct pl_store *st, const char *name, const char *value);
int pl_store_set_u64(struct pl_store *st, const char *name, uint64_t v);
const char *pl_store_get(const struct pl_store *st, const char *name);
/* Returns 0, or -1 when missing or not a number. */
int pl_store_get_u64(const struct pl_store *st, const char *name, uint64_t *out);

/* Generations, for rates. A plugin that computes rates keeps two readings: the newest
 * (plain names) and the one before it (names prefixed "prev."). Checks that run in quick
 * succession would otherwise compare readings a few milliseconds apart, where counters
 * have not moved; instead:
 *   - pl_store_pick() names the generation to compare against: the newest if it is at
 *     least min_window old, else the previous one (if any);
 *   - pl_store_rotate() turns the newest into the previous generation before new values
 *     are set; a plugin rotates and saves only when its newest reading is at least
 *     min_window old, so both generations stay stable between rotations. */
#define PL_STORE_PREV "prev."
const char *pl_store_pick(const struct pl_store *st, double now, double min_window,
			  double *then);
int pl_store_rotate(struct pl_store *st, double now);
/* pl_store_get() for a generation prefix returned by pl_store_pick(). */
const char *pl_store_get_gen(const struct pl_store *st, const char *gen, const char *name);

/* Pure parser and writer of the file text. parse checks plugin and key against st's and
 * fills values; returns 0 or -1 with why in err. */
int pl_store_parse(const char *buf, size_t len, struct pl_store *st, char *err, size_t errlen);
void pl_store_format(const struct pl_store *st, struct pl_buf *out);

/* The key for a run: a 64-bit FNV-1a hash of the text given, printed in hex. The hash
 * only spreads arguments over file names; it guards nothing. */
void pl_store_key_hash(const char *text, size_t len, char *out, size_t outlen);

/* Resolves and prepares the state directory (dir NULL: the default). Returns an open
 * directory descriptor, or -1 with why in err. */
int pl_store_dir_open(const char *dir, char *path, size_t pathlen, char *err, size_t errlen);

/* Loads st's file from the directory. boot_id is the current one ("" if unknown).
 * Returns the status; on anything but PL_STORE_LOADED st holds no values and why says
 * what happened (for -v). Never fails hard: a bad file only means starting afresh. */
enum pl_store_status pl_store_load(int dirfd, struct pl_store *st, const char *boot_id,
				   char *why, size_t whylen);

/* Writes st atomically. Returns 0, or -1 with why in err. */
int pl_store_save(int dirfd, const struct pl_store *st, char *err, size_t errlen);

#endif
