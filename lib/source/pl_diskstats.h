/* pl_diskstats: block device counters from /proc/diskstats, and the mount table from
 * /proc/self/mountinfo that maps a mount point to its device.
 *
 * /proc/diskstats has one line per block device: major, minor, name, then the stat
 * fields of Documentation/admin-guide/iostats.rst, all cumulative since the device
 * appeared. Kernels before 4.18 give 11 stat fields (14 words a line), 4.18 adds four
 * discard fields (18), 5.5 two flush fields (20). Kernels of the 2.6 era printed a
 * partition with only 4 stat fields (reads, sectors read, writes, sectors written).
 * Sectors are always 512 bytes here, whatever the device's own sector size; times are
 * milliseconds; in_flight is a current value, not a counter. Old 32-bit kernels keep
 * some fields in 32 bits, so they wrap (see pl_counter).
 *
 * Both parsers are pure functions over a buffer: reading the files is the caller's. */
#ifndef PL_DISKSTATS_H
#define PL_DISKSTATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pl_text.h"

/* The stat fields, in the kernel's order. */
enum pl_ds_field {
	PL_DS_RD_IOS = 0,       /* reads completed */
	PL_DS_RD_MERGES,        /* reads merged */
	PL_DS_RD_SECTORS,       /* sectors read */
	PL_DS_RD_TICKS,         /* ms spent reading */
	PL_DS_WR_IOS,
	PL_DS_WR_MERGES,
	PL_DS_WR_SECTORS,
	PL_DS_WR_TICKS,
	PL_DS_IN_FLIGHT,        /* I/Os in progress now */
	PL_DS_IO_TICKS,         /* ms the device was busy */
	PL_DS_TIME_IN_QUEUE,    /* weighted ms: busy time times requests in flight */
	PL_DS_DC_IOS,           /* discards (4.18+) */
	PL_DS_DC_MERGES,
	PL_DS_DC_SECTORS,
	PL_DS_DC_TICKS,
	PL_DS_FL_IOS,           /* flushes (5.5+) */
	PL_DS_FL_TICKS,
	PL_DS_NFIELDS
};

/* The kernel allows 31 bytes (DISK_NAME_LEN - 1); some room beyond that. */
#define PL_DISKSTATS_NAME_MAX 64
/* More lines than this is not a real /proc/diskstats. */
#define PL_DISKSTATS_MAX 65536
#define PL_DISKSTATS_SECTOR 512

struct pl_diskstats_entry {
	unsigned major, minor;
	char name[PL_DISKSTATS_NAME_MAX];
	/* Stat fields the line had: 4 (2.6-era partition line: only RD_IOS, RD_SECTORS,
	 * WR_IOS and WR_SECTORS are set), or 11 and more. Fields the line did not have are 0;
	 * fields past the 17 known ones (a future kernel) are ignored. */
	int nfields;
	uint64_t f[PL_DS_NFIELDS];
};

/* One reading, in file order. The arrays are owned by the struct; free with
 * pl_diskstats_free. */
struct pl_diskstats {
	struct pl_diskstats_entry *v;
	size_t n;
	struct pl_bad_line *bad;        /* lines left out of v for their names, in file order */
	size_t nbad;
	struct pl_names names;   /* an index of the names in v (the first of each) */
};

/* Parses the text of /proc/diskstats into out (which it initialises; free it with
 * pl_diskstats_free even on error). Every line needs major, minor, a name and 4 or at
 * least 11 stat fields, all plain decimal; a line cut short (a truncated file), a field
 * that is not a number, a line without a name or a file without device lines is an
 * error. A line with good fields and a name that is not pl_diskstats_name_ok (or longer
 * than PL_DISKSTATS_NAME_MAX - 1, or with a NUL byte) goes to out->bad instead of out->v.
 * Returns 0 (with at least one line in v or bad), or -1 with why in err ("line 9 (vda):
 * field 3 is not a number"; the name there may hold any byte: escape it to print it). */
int pl_diskstats_parse(const char *buf, size_t len, struct pl_diskstats *out, char *err,
		       size_t errlen);
void pl_diskstats_free(struct pl_diskstats *ds);

/* The first device called name, or NULL (O(1): the parser indexes the names). */
const struct pl_diskstats_entry *pl_diskstats_find(const struct pl_diskstats *ds,
						   const char *name);
/* The first device with that major:minor, or NULL. */
const struct pl_diskstats_entry *pl_diskstats_find_dev(const struct pl_diskstats *ds,
						       unsigned major, unsigned minor);

/* True for a name that may be put into a /sys/block path: 1 to PL_DISKSTATS_NAME_MAX - 1
 * printable bytes, no blank, not "." or "..". A '/' (cciss/c0d0) is allowed: sysfs
 * spells it '!', which pl_diskstats_sysfs_name does. */
bool pl_diskstats_name_ok(const char *name);
/* The sysfs spelling of a kernel name: '/' becomes '!'. Returns out. */
char *pl_diskstats_sysfs_name(const char *name, char *out, size_t len);

/* What one device did between two readings. Figures the device does not give are NAN:
 * all of them when there is no earlier reading to compare with (gap). */
enum pl_ds_gap {
	PL_DS_GAP_NONE = 0,
	PL_DS_GAP_NEW,           /* no earlier reading: it appeared since */
	PL_DS_GAP_OTHER,         /* its major:minor changed: another device under the name */
	PL_DS_GAP_NO_TIME,       /* the two readings are of one moment */
	PL_DS_GAP_BACK,          /* a counter went back: reset or replaced */
};

struct pl_diskstats_rates {
	double rbytes, wbytes;   /* bytes/s */
	double riops, wiops;     /* requests completed per second */
	double util;             /* percent of the time busy, at most 100 */
	double rawait, wawait;   /* seconds per request, 0 when there were none */
	double await;            /* reads and writes together */
	double queue;            /* average requests queued or in flight */
	double inflight;         /* requests in flight now */
	double rmerge, wmerge, dbytes, flushes;   /* per second, for the details */
	bool untimed;            /* counts requests but no time (md): no util, await, queue */
	enum pl_ds_gap gap;
};

/* False for a device that counts requests but no time (md, and some device-mapper
 * targets on older kernels): a utilisation or wait of 0 would be a lie. */
bool pl_diskstats_timed(const struct pl_diskstats_entry *e);
/* The rates of a device from its reading now and then (NULL: none), dt seconds apart.
 * One counter that went back makes all of them suspect (a reset, a new device): no
 * rates then, never a negative or huge one. */
void pl_diskstats_rates(const struct pl_diskstats_entry *now,
			const struct pl_diskstats_entry *then, double dt,
			struct pl_diskstats_rates *r);
/* Why there are no rates, for messages ("appeared since the last run"), or NULL. */
const char *pl_diskstats_gap_text(enum pl_ds_gap gap);

/* Whether name looks like a partition of another device of ds, by name alone (for a
 * system without sysfs): another device's name plus digits (sda1), or plus "p" and
 * digits when that name ends in a digit (nvme0n1p2, mmcblk0p1). md, dm and loop devices
 * have no partitions of that form: md10 is not a part of md1. */
bool pl_diskstats_partition_name(const struct pl_diskstats *ds, const char *name);

/* One line of /proc/self/mountinfo; only what finding a mount's device needs. */
struct pl_mount {
	uint64_t id, parent;     /* the mount's id and its parent's (the mount it sits on) */
	unsigned major, minor;   /* st_dev of the file system: 0:N for tmpfs, btrfs... */
	char *point;             /* the mount point, unescaped ("\040" is a blank again) */
	char *fstype;            /* "ext4" */
	char *source;            /* "/dev/sda2", or "" */
};

/* The mount table, in file order (a later mount on the same point is on top). Owned by
 * the struct; free with pl_mountinfo_free. */
struct pl_mountinfo {
	struct pl_mount *v;
	size_t n;
};

#define PL_MOUNTINFO_MAX 100000

/* Parses the text of /proc/self/mountinfo into out (initialised here; free it with
 * pl_mountinfo_free even on error). Each line needs a mount id, a parent id,
 * MAJOR:MINOR, a root, a mount point, options, then optional fields up to a lone "-",
 * the file system type and (optionally) the source. The kernel escapes blank, tab,
 * newline and backslash in paths as \ooo; these are undone. A last line without its
 * newline (a cut file) is an error. Returns 0, or -1 with why in err ("line 3: no
 * major:minor"). An empty table is not an error. */
int pl_mountinfo_parse(const char *buf, size_t len, struct pl_mountinfo *out, char *err,
		       size_t errlen);
void pl_mountinfo_free(struct pl_mountinfo *mi);

/* The mount on exactly the mount point path (trailing slashes ignored), the one on top
 * when several are stacked; or NULL. */
const struct pl_mount *pl_mountinfo_find(const struct pl_mountinfo *mi, const char *path);
/* The file system that holds path, as df finds it: the mount a lookup of path would
 * cross into last. path must be absolute and is taken lexically ('//' and '.' ignored,
 * '..' goes up; a caller on a live system resolves symlinks first, with realpath). The
 * walk starts at the bottom mount on "/" and goes down the mount tree (parent ids),
 * taking at each step the child whose mount point is the shortest prefix of path, by
 * components: so a mount hidden by a later one on a directory above it is passed over,
 * and of mounts stacked on one point the top one wins. A table whose ids do not form a
 * tree (no mount on "/") falls back to the longest mount point prefix. NULL when no mount
 * holds path. */
const struct pl_mount *pl_mountinfo_holding(const struct pl_mountinfo *mi, const char *path);

#endif
