/* pl_mdstat: Linux software RAID status from /proc/mdstat and /sys/block/mdN/md.
 *
 * The kernel writes /proc/mdstat in drivers/md/md.c (md_seq_show, status_resync) and in
 * each personality's status function. The file is a "Personalities :" line, one stanza
 * per array, and an "unused devices:" line that always ends it:
 *
 *   md0 : active (auto-read-only) raid5 sde1[4] sdd1[2](F) sdc1[1] sdb1[0](S)
 *         23441682432 blocks super 1.2 level 5, 1024k chunk, algorithm 2 [4/3] [UUU_]
 *         [=======>.............]  recovery = 37.9% (2963739448/7813894144) finish=505.9min
 *         speed=159773K/sec   (one line in the file)
 *         bitmap: 22/59 pages [88KB], 65536KB chunk
 *
 * The parser is strict, per array: a line it does not know or a number that is not one
 * makes that array's stanza malformed (an array of its own, with the problem), never a
 * healthy-looking array, and never hides the other arrays. A file that is not mdstat,
 * or one without its closing "unused devices:" line (a truncated read), is an error.
 * Outside text in messages is escaped (pl_name_escape). */
#ifndef PL_MDSTAT_H
#define PL_MDSTAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pl_buf.h"
#include "pl_result.h"

#define PL_MD_NAME_MAX 32      /* "md127", "md_d0", "md_home" */
#define PL_MD_DEV_MAX 64       /* a member's block device name: "nvme0n1p2" */
#define PL_MD_STATUS_MAX 388   /* the [UU_] string: 384 disks (1.x superblock limit) */
#define PL_MD_ARRAYS_MAX 4096  /* more arrays than this is taken as garbage */
#define PL_MD_MEMBERS_MAX 65536

/* Member flags, as the kernel prints them after "name[role]". */
#define PL_MD_FAULTY        0x01u   /* (F) */
#define PL_MD_SPARE         0x02u   /* (S) */
#define PL_MD_WRITE_MOSTLY  0x04u   /* (W) */
#define PL_MD_REPLACEMENT   0x08u   /* (R) */
#define PL_MD_JOURNAL       0x10u   /* (J) */

enum pl_md_state {
	PL_MD_ACTIVE = 0,      /* running */
	PL_MD_INACTIVE,        /* assembled but not started (or an external container) */
	PL_MD_BROKEN,          /* running without a member it cannot do without */
};

/* The sync action of the action line. The kernel prints a repair as "resync" (only
 * sysfs sync_action tells them apart); "repair" is accepted for completeness. */
enum pl_md_action {
	PL_MD_IDLE = 0,
	PL_MD_RESYNC,
	PL_MD_RECOVERY,        /* also the cluster form "recover=REMOTE" */
	PL_MD_RESHAPE,
	PL_MD_CHECK,
	PL_MD_REPAIR,
};

enum pl_md_progress {
	PL_MD_RUNNING = 0,     /* "resync = 12.5% (...)": the numbers below are set */
	PL_MD_DELAYED,         /* "resync=DELAYED": waits for another array on the same disks */
	PL_MD_PENDING,         /* "resync=PENDING": starts at the first write (auto-read-only) */
	PL_MD_REMOTE,          /* "resync=REMOTE": another node of a cluster runs it */
};

struct pl_md_member {
	char dev[PL_MD_DEV_MAX];   /* as printed: "sda1"; '/' in a name shows as '!' */
	int role;                  /* the number in brackets (the kernel's desc_nr) */
	unsigned flags;            /* PL_MD_FAULTY, ... */
};

struct pl_md_array {
	char name[PL_MD_NAME_MAX];
	enum pl_md_state state;
	bool read_only;            /* "(read-only)" */
	bool auto_read_only;       /* "(auto-read-only)" */
	char level[16];            /* "raid1", "linear"...; "" when not shown (inactive) */
	size_t first_member;       /* members are mdstat.members[first_member + i] */
	size_t nmembers;
	unsigned nfaulty, nspare;  /* members flagged (F), (S) */

	bool has_blocks;
	uint64_t blocks;           /* 1K blocks */
	char super[48];            /* "1.2", "external:imsm", "non-persistent"; "" for 0.90 */
	uint64_t chunk_kb;         /* 0 when not shown */

	bool has_counts;           /* "[n/m] [UU_]" was shown (raid1/4/5/6/10, multipath) */
	unsigned raid_disks;       /* n */
	unsigned in_sync;          /* m: working members */
	char status[PL_MD_STATUS_MAX];   /* "UU_", without brackets; one character per slot */

	enum pl_md_action action;  /* PL_MD_IDLE: no action line */
	enum pl_md_progress progress;
	double percent;            /* RUNNING only: 0..100, one decimal as printed */
	bool has_done;             /* "(done/total)" was shown */
	uint64_t done, total;      /* 1K blocks */
	bool has_finish;
	double finish_min;         /* the kernel's estimate, minutes */
	bool has_speed;
	uint64_t speed_kps;        /* K/sec, 1024 bytes */

	bool has_bitmap;
	uint64_t bitmap_pages, bitmap_total;   /* "bitmap: 22/59 pages" */

	/* A stanza the parser could not read: the array is its own problem, never the
	 * file's. Then only name (the text before " : " as given, any bytes but NUL, cut to
	 * the field; "line N" when there is none) and problem ("line 7: bad recovery
	 * percentage", outside text escaped) are meaningful: the fields above hold what
	 * was read before the bad line, and are not to be judged. */
	bool malformed;
	char problem[256];
};

/* The parsed file. Owns its arrays; free with pl_mdstat_free(). */
struct pl_mdstat {
	char personalities[256];   /* "[raid1] [raid6]", trimmed; cut if longer */
	struct pl_md_array *arrays;
	size_t narrays;
	struct pl_md_member *members;
	size_t nmembers;
};

/* Parses the text of /proc/mdstat (buf need not be NUL-terminated). Returns 0 and fills
 * *out (initialised here), where an array may be malformed; or -1 with why in err
 * (naming the line) and *out empty, when the file as a whole is unreadable (not mdstat,
 * truncated, a NUL byte, too many arrays or members, out of memory). The caller frees
 * *out with pl_mdstat_free() in both cases. */
int pl_mdstat_parse(const char *buf, size_t len, struct pl_mdstat *out, char *err,
		    size_t errlen);
void pl_mdstat_free(struct pl_mdstat *st);

/* The member i (0 <= i < a->nmembers) of array a. */
const struct pl_md_member *pl_md_member(const struct pl_mdstat *st, const struct pl_md_array *a,
					size_t i);

/* Slots that are not in sync: n - m of "[n/m]", or the '_' in the status when that says
 * more; 0 when the personality shows no counts (raid0, linear). */
unsigned pl_md_degraded(const struct pl_md_array *a);

/* True for the inactive stanza of an external-metadata container (Intel IMSM, DDF):
 * "super external:imsm". Containers are never started; their member arrays are
 * ("super external:/md127/0"). */
bool pl_md_is_container(const struct pl_md_array *a);

/* "resync", "recovery", "reshape", "check", "repair" or "idle". */
const char *pl_md_action_name(enum pl_md_action a);

/* Parses sysfs sync_action ("idle", "resync", "recover", "check", "repair", "reshape",
 * "frozen"). Returns 0 with *out (frozen is PL_MD_IDLE), or -1 when unknown. */
int pl_md_sync_action_parse(const char *s, enum pl_md_action *out);

/* Parses sysfs sync_completed: "done / total" in 512-byte sectors. Returns 1 with the
 * numbers, 0 for "none" or "delayed", -1 when malformed or done > total. */
int pl_md_sync_completed_parse(const char *s, uint64_t *done, uint64_t *total);

/* --- judging an array ----------------------------------------------------------------- */

/* What sysfs adds for one array (/sys/block/<name>/md/): the degraded count of levels
 * without [n/m], mismatch_cnt after a check, and whether a "resync" is a repair. Each
 * field only when its file was readable and well-formed. */
struct pl_md_sys {
	bool has_degraded, has_mismatch, has_raid_disks, has_action;
	uint64_t degraded, mismatch, raid_disks;
	enum pl_md_action action;
	char array_state[32];
	char level[16];
};

/* Reads the sysfs attributes of array name below root (NULL: the live system) into
 * *out. Never fails: a file that is missing or malformed leaves its field unset. */
void pl_md_sys_read(const char *root, const char *name, struct pl_md_sys *out);

/* What the admin chose for the states that are not faults in themselves. */
struct pl_md_policy {
	enum pl_state check_state;     /* a check or repair runs */
	enum pl_state inactive_state;  /* assembled but not started */
	bool mismatch_warn;            /* a nonzero mismatch_cnt is a WARNING */
};


/* The verdict on one array. Texts say what about the array without naming it
 * ("raid1 degraded [2/1] [U_]"), except brief, which is for a list of arrays. */
struct pl_md_judgement {
	char level[16];            /* mdstat's, else sysfs's; "" for a container */
	enum pl_md_action action;  /* a resync that sysfs calls a repair is PL_MD_REPAIR */
	unsigned degraded;         /* slots not in sync: the larger of mdstat's and sysfs's */
	double disks, active;      /* slots, working members (0 when inactive) */
	double sync;               /* percent done of the running action; NAN when none runs */
	bool container, inactive, broken;
	bool rebuilding;           /* a resync, recovery or reshape: not yet redundant */
	bool checking;             /* a check or repair */
	bool mending;              /* a running recovery with a disk for every missing slot */
	bool degraded_finding;     /* degraded and not being mended: CRITICAL */
	/* For the array's item (pl_item_findings); findings.worst is the array's state, OK
	 * when there are none. */
	struct pl_findings findings;
	char brief[PL_MD_NAME_MAX + PL_MD_STATUS_MAX + 96];   /* "md0 raid1 [UU] check 5.7%" */
	/* Where the figure of sync starts in brief ("5.7%", to the end); 0: none. */
	size_t brief_sync;
};

/* Judges array a of st (with what sysfs said) under policy pol:
 *   CRITICAL: degraded (fewer slots in sync than slots) unless a running recovery has a
 *     disk for every missing slot; a failed member (F); broken; inactive (as chosen).
 *   WARNING: a resync, recovery or reshape running, delayed or pending; a check or
 *     repair as chosen; a nonzero mismatch_cnt when asked.
 *   OK: in sync, spares, write-mostly members, an external-metadata container.
 * Pure: reads only its arguments. */
void pl_md_judge(const struct pl_mdstat *st, const struct pl_md_array *a,
		 const struct pl_md_sys *s, const struct pl_md_policy *pol,
		 struct pl_md_judgement *out);

/* "recovery 37.9%, ETA 8h26m at 156MiB/s", "resync delayed", "resync pending": action
 * act of array a, as people read it, appended to b. */
void pl_md_action_text(const struct pl_md_array *a, enum pl_md_action act, struct pl_buf *b);

/* The kernel's estimate in minutes, as people read it: "<1min", "17min", "8h26m",
 * "3d04h". Returns buf. */
char *pl_md_eta_text(char *buf, size_t len, double min);

#endif
