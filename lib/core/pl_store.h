/* pl_store: what a plugin keeps between runs: counters for rates, and cursors,
 * baselines and "last seen" marks.
 *
 * Two slot files per plugin and key ("check_cpu-3f2a9c01d4e5b677.state" and
 * "...state.1") in a private directory: the --state-dir option, else
 * $PLUMBLINE_STATE_DIR (neither in privileged runs), else PL_STATE_ROOT/plumbline-<uid>
 * (made 0700), else, when another user has taken that name, ~/.cache/plumbline of the
 * user running the check. The path is checked the way OpenSSH's safe_path() does (see
 * pl_store_dir_open). A lock file beside the state ("...-KEY.lock", never removed)
 * serialises the runs of one check from load to save.
 *
 * Two slots. Each save has a generation number one above the newest whole slot's (0 for
 * a fresh state) and goes into slot (generation & 1), that is over the older slot, in
 * place: opened with O_NOFOLLOW, written from offset 0, cut to its length. The text ends
 * with a checksum (XXH64) of all before it. A load reads both slots and takes the newest
 * whose checksum holds and whose generation fits its slot; a slot cut or torn (a crash,
 * a reader without the lock while a save went on) is never read: the other one is. The
 * old design, a temporary file renamed over the state, cost more than the rest of a run
 * on ext4, whose auto_da_alloc writes a file's data out at once when a rename replaces
 * one (a truncation to zero does the same, which a slot write never does). What is in a
 * slot's place and is not a regular file of ours with one link (a symlink, a hard link,
 * another user's file) is replaced through a temporary file and a rename, so it is never
 * followed nor written through.
 *
 * Entries. Each entry has a namespace ("if", "dev"; "" for none) and a name, both any
 * bytes but NUL (an interface name may hold blanks or control characters: the file
 * format escapes them), and a value: a text or a vector of up to PL_STORE_VEC_MAX
 * unsigned 64-bit numbers. Lookups go through a hash table: setting or finding an
 * entry costs the same with 10 entries or 100,000.
 *
 * Two lifetimes. A counter (PL_STORE_COUNTER) counts since boot: it means nothing after
 * a reboot and is dropped when the file is from another boot. A kept entry
 * (PL_STORE_KEEP: a cursor, a baseline, a "last seen" mark) survives a reboot. Beside
 * the boot-relative time of each reading the store keeps the wall-clock time
 * (CLOCK_REALTIME), which is what a kept entry can be compared with after a reboot.
 *
 * Generations, for rates. A plugin that computes rates keeps two readings of its
 * counters: the newest (generation 0) and the one before it (generation 1). Checks that
 * run in quick succession would otherwise compare readings a few milliseconds apart,
 * where counters have not moved; instead:
 *   - pl_store_pick() names the generation to compare against: the newest if it is at
 *     least min_window old, else the previous one (if any);
 *   - pl_store_rotate() turns the newest into the previous generation before new values
 *     are set; a plugin rotates and saves only when its newest reading is at least
 *     min_window old, so both generations stay stable between rotations.
 * Kept entries have no generations: setting one replaces it.
 *
 * The text format (version 3; a version 2 file, the single file of old, is read as
 * generation 0 where it lies, in slot 0, and has no gen line and a bare "end"; version 1
 * files are not read: a plugin starts afresh and its next save replaces them):
 *   plumbline-state 3
 *   gen 41                                (the generation: 41 is in slot 1)
 *   plugin check_net
 *   key 3f2a9c01d4e5b677
 *   boot_id 7aeaabb5-bc9e-42fe-9a39-a4490ef671db
 *   time 86400.125 1764620000.5           (the newest reading: since boot, wall clock)
 *   prev_time 86100.125 1764619700.5      (the one before; 0 0: none)
 *   c0 if eth0 u 1234 5678                (counter, generation 0, a vector)
 *   c1 if eth0 u 1200 5600                (counter, generation 1)
 *   k log cursor t 4711%20inode%201234    (kept, a text)
 *   end 9c1f2e3d4c5b6a79                  (XXH64 of all the lines before, seed 0)
 * Namespace, name and text are escaped: every byte outside '!'..'~', and '%', is
 * written %XX (two upper-case hex digits); an empty field is written "%". The "end"
 * line marks a whole file. A file that is missing, corrupt, from another plugin or key,
 * from another format version, or too slow to read within the deadline is not used:
 * the plugin starts afresh, and the next saves replace the slots. */
#ifndef PL_STORE_H
#define PL_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pl_buf.h"

#define PL_STORE_VERSION 3
#define PL_STORE_GEN_LIMIT 1000000000000000000ULL   /* a gen line above: corrupt */
#define PL_STORE_MAX_ENTRIES 200000
#define PL_STORE_VEC_MAX 64
#define PL_STORE_FILE_CAP ((size_t)32 << 20)

enum pl_store_life {
	PL_STORE_COUNTER = 0,   /* counts since boot: dropped at a reboot */
	PL_STORE_KEEP = 1,      /* survives a reboot */
};

#define PL_STORE_GEN_NEW 0
#define PL_STORE_GEN_PREV 1

struct pl_store_entry {
	char *ns;           /* namespace, "" for none */
	char *name;
	char *text;         /* the text value, or NULL for a vector */
	uint64_t *vec;      /* the vector value (nvec numbers) */
	uint32_t nvec;
	uint32_t hash;
	uint8_t gen;        /* PL_STORE_GEN_NEW or PL_STORE_GEN_PREV (counters only) */
	uint8_t life;       /* enum pl_store_life */
};

struct pl_store_chunk;

struct pl_store {
	char plugin[64];
	char key[80];
	char boot_id[64];
	double time;        /* seconds since boot of the newest reading */
	double wall;        /* the same reading's wall-clock time (seconds since 1970) */
	double prev_time;   /* the same for generation 1; 0: none */
	double prev_wall;
	struct pl_store_entry *v;   /* in the order they were set (and saved) */
	size_t n, cap;
	uint64_t *slots;            /* hash table: hash << 32 | index + 1 into v; 0: empty */
	size_t nslots;              /* a power of two, at least twice n; 0: none yet */
	struct pl_store_chunk *arena;   /* where the entries' names and values live */
	uint64_t gen;               /* the generation pl_store_format writes: see "Two
				     * slots" (pl_store_parse sets it to the text's,
				     * pl_store_load to the one the next save writes) */
	bool gen_known;             /* pl_store_load set gen; else pl_store_save reads the
				     * slots to find it */
	int dirfd, lockfd;          /* for pl_plugin_store_*: -1 when not open */
};

/* Why a loaded state was not usable. */
enum pl_store_status {
	PL_STORE_LOADED = 0,
	PL_STORE_MISSING,       /* no file yet */
	PL_STORE_CORRUPT,       /* malformed, truncated, foreign, too slow, or a symlink */
	PL_STORE_REBOOTED,      /* written before the last boot: kept entries only */
	PL_STORE_OLD,           /* an older format version: treated as missing */
};

void pl_store_init(struct pl_store *st, const char *plugin, const char *key);
void pl_store_free(struct pl_store *st);
void pl_store_clear(struct pl_store *st);   /* drops every entry, keeps plugin and key */
void pl_store_drop_counters(struct pl_store *st);   /* drops the counters only */

/* Sets an entry of generation 0 (a kept one has no other), replacing one of the same
 * namespace and name. n <= PL_STORE_VEC_MAX. Returns 0, or -1 (out of memory, too many
 * entries or numbers). */
int pl_store_put(struct pl_store *st, enum pl_store_life life, const char *ns,
		 const char *name, const char *text);
int pl_store_put_vec(struct pl_store *st, enum pl_store_life life, const char *ns,
		     const char *name, const uint64_t *v, size_t n);
/* The entry of generation gen (kept entries: 0) with that namespace and name, or NULL. */
const struct pl_store_entry *pl_store_find(const struct pl_store *st, int gen,
					   const char *ns, const char *name);
/* Removes that entry, if there. Costs a pass over the entries. */
void pl_store_del(struct pl_store *st, int gen, const char *ns, const char *name);
/* The next entry of generation gen in namespace ns at or after *pos, which it moves past
 * it; NULL at the end. Start with *pos = 0. */
const struct pl_store_entry *pl_store_next(const struct pl_store *st, int gen,
					   const char *ns, size_t *pos);

/* Counter vectors, the usual case: pl_store_put_vec with PL_STORE_COUNTER, and the
 * numbers of generation gen into out (max of them). get returns how many there are, or
 * -1 when the entry is missing, is a text, or holds more than max. */
int pl_store_set_vec(struct pl_store *st, const char *ns, const char *name,
		     const uint64_t *v, size_t n);
int pl_store_get_vec(const struct pl_store *st, int gen, const char *ns, const char *name,
		     uint64_t *out, size_t max);

/* Kept texts (cursors, baselines, marks): put with PL_STORE_KEEP, and the text or NULL. */
int pl_store_keep(struct pl_store *st, const char *ns, const char *name, const char *text);
const char *pl_store_kept(const struct pl_store *st, const char *ns, const char *name);

/* See "Generations" above. pick returns PL_STORE_GEN_NEW or PL_STORE_GEN_PREV and sets
 * *then to that generation's time. rotate drops generation 1 of every counter, makes
 * generation 0 the new generation 1, and sets the times of the reading to come. */
int pl_store_pick(const struct pl_store *st, double now, double min_window, double *then);
void pl_store_rotate(struct pl_store *st, double now, double wall);

/* Pure parser and writer of the file text. parse checks the checksum (version 3),
 * plugin and key against st's and fills entries, times and gen; returns 0, or -1 with
 * why in err (st left empty). A version 1 file gives -1 with *old set (old may be NULL).
 * format writes generation st->gen. budget > 0: seconds the parse may take
 * (checked every few thousand lines), after which it gives up, as for a corrupt file. */
int pl_store_parse(const char *buf, size_t len, struct pl_store *st, double budget,
		   bool *old, char *err, size_t errlen);
void pl_store_format(const struct pl_store *st, struct pl_buf *out);

/* The key for a run: a 64-bit FNV-1a hash of the text given, printed in hex. The hash
 * only spreads arguments over file names; it guards nothing. */
void pl_store_key_hash(const char *text, size_t len, char *out, size_t outlen);

/* Resolves and prepares the state directory (dir NULL: $PLUMBLINE_STATE_DIR unless
 * privileged, else the default). Returns an open directory descriptor, or -1 with why
 * in err. path gets the directory as given (for messages).
 *
 * The path must be absolute. It is walked from "/" one component at a time with
 * openat(O_NOFOLLOW), never by name as a whole: every directory on the way must belong
 * to root or to the user and be writable by nobody else, except a sticky one (/tmp),
 * where the next component must belong to root or the user (only an entry's owner can
 * replace it there). A symlink on the way is followed only when found in such a
 * directory (an admin's own symlinked /var/lib keeps working), and its target is walked
 * by the same rules. The directory itself, however spelled ("/", "/.", "//" at the
 * end), must not be a symlink, must belong to the user and be writable by nobody else;
 * a missing one is made (0700) when its parent passed. What is opened is what was
 * checked: no second lookup by name follows. */
int pl_store_dir_open(const char *dir, char *path, size_t pathlen, char *err, size_t errlen);

/* Takes the lock of st's state (flock on "PLUGIN-KEY.lock" in the directory), trying
 * every few milliseconds for up to wait seconds. Returns the lock's descriptor (close it
 * to release), or -1 with why in err: errno EWOULDBLOCK when another run held it all
 * that time, EEXIST when something else is in its place (a directory, a FIFO, a symlink,
 * another user's file: to be removed), else what the directory refused. */
int pl_store_lock(int dirfd, const struct pl_store *st, double wait, char *err,
		  size_t errlen);

/* Loads st from the newest whole slot in the directory (see "Two slots") and sets
 * st->gen to the generation the next save writes. boot_id is the current one ("" if
 * unknown); budget as for pl_store_parse. Returns the status; on anything but
 * PL_STORE_LOADED st holds no counters (PL_STORE_REBOOTED: its kept entries) and why
 * says what happened (for -v): the newest slot's problem when neither was usable.
 * Never fails hard: a bad file only means starting afresh. */
enum pl_store_status pl_store_load(int dirfd, struct pl_store *st, const char *boot_id,
				   double budget, char *why, size_t whylen);

/* Writes st into the older slot (see "Two slots"): generation st->gen when st was
 * loaded from this directory, else one above the newest whole slot found there. Returns
 * 0, or -1 with why in err and errno (EISDIR when a directory is in the slot's place). */
int pl_store_save(int dirfd, const struct pl_store *st, char *err, size_t errlen);

#endif
