/* check_disk_io: throughput, IOPS, utilisation, latency and queue of block devices, from
 * /proc/diskstats, with names and partitions from /sys/block.
 *
 * Rates are changes of the kernel's counters between two readings. The reading of the
 * previous run is kept in the state store, per device, so a check answers at once; only
 * the first run (or the first after a reboot) samples twice over --interval. A device
 * whose counters went backwards, that was replaced, or that appeared since the last run
 * has no rates for one run (U in perfdata), never a negative or huge one. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pl_buf.h"
#include "pl_counter.h"
#include "pl_diskstats.h"
#include "pl_file.h"
#include "pl_num.h"
#include "pl_plugin.h"
#include "pl_result.h"
#include "pl_sample.h"
#include "pl_select.h"
#include "pl_store.h"
#include "pl_timeout.h"

#define MAX_MOUNTS 64
#define NAME_LEN PL_DISKSTATS_NAME_MAX
#define SHOW_LEN 64                     /* a display name; labels add at most 12 bytes */

struct dio_config {
	bool partitions;             /* partitions are selected by default too */
	struct pl_strlist mounts;    /* --mount, at most MAX_MOUNTS */
};

static int
dio_mount(const char *arg, char *err, size_t errlen)
{
	if (arg[0] == '/')
		return 0;
	pl_snprintf(err, errlen, "not an absolute path (give a path such as /var)");
	return -1;
}

static const struct pl_option dio_opts[] = {
	{ .name = "mount", .type = PL_OPT_LIST, .arg = "PATH", .max = MAX_MOUNTS,
	  PL_OPT_AT(struct dio_config, mounts), .check = dio_mount,
	  .flags = PL_OPT_SYNOPSIS | PL_OPT_IDENTITY,
	  .help = "Report the device of the file system that holds PATH, as df finds it ('/', "
		  "'/var', '/srv/pgdata': a mount point or any path below one; symlinks are "
		  "resolved first), looked up in /proc/self/mountinfo; combines with --include. "
		  "UNKNOWN when PATH does not exist or its file system has no block device of "
		  "its own (tmpfs, overlay, NFS, btrfs subvolumes)." },
	{ .name = "partitions", .type = PL_OPT_SWITCH, PL_OPT_AT(struct dio_config, partitions),
	  .flags = PL_OPT_IDENTITY,
	  .help = "Report partitions too (sda1, nvme0n1p2). By default only whole devices are: "
		  "disks, device-mapper and md devices." },
	{ .name = NULL },
};

/* A unitless or percent range goes to the utilisation, "50MB/s" to both byte rates,
 * "20ms" to both waits. */
static const char *const dio_primary[] = { "*_util", "*_bytes", "*_await", NULL };

static const struct pl_plugin dio_plugin = {
	.name = "check_disk_io",
	.service = "DISK_IO",
	.purpose = "throughput, IOPS, utilisation and latency of block devices, from /proc/diskstats",
	.description =
		"Reports for each block device what it did since the last run of this check: "
		"bytes and requests read and written per second, how busy it was (utilisation: "
		"the share of time with at least one request in flight), the average time a read "
		"or a write took from submission to completion (await, queueing included), the "
		"average number of requests queued or in flight, and the requests in flight now.\n"
		"By default every whole device is reported: disks, device-mapper volumes (shown by "
		"their names, vg0-root) and md arrays; loop, ram, zram, floppy, optical (sr) and "
		"nbd devices and partitions are left out unless named with --include, --mount or "
		"--partitions. Labels use the device-mapper name where there is one; other "
		"characters than letters, digits, '.', '_' and '-' become '_'.\n"
		"Utilisation near 100% means a device that serves one request at a time is "
		"saturated; SSDs, NVMe and RAID serve many at once, so watch await and queue there. "
		"Counters are kept in a state file, so the check never sleeps after its first run. "
		"A device whose counters went backwards or that appeared since the last run "
		"has no rates for that run (U), never a false figure.",
	.options = dio_opts,
	.primary = dio_primary,
	.metrics =
		"For each device DEV: DEV_read_bytes, DEV_write_bytes (bytes/s); DEV_read_iops, "
		"DEV_write_iops (requests completed per second); DEV_util (percent of the time "
		"the device was busy, 0..100); DEV_read_await, DEV_write_await (seconds per "
		"request, 0 when there were none); DEV_queue (average requests queued or in "
		"flight); DEV_inflight (requests in flight now). Devices that account no time "
		"(md and some device-mapper targets on older kernels, 2.6-era partition lines) "
		"give U for what they lack.",
	.examples =
		"  check_disk_io -w 80 -c 95\n"
		"      Warn when any device is busy more than 80% of the time, critical above 95%.\n"
		"  check_disk_io --mount / --mount /var -w 20ms -c 100ms\n"
		"      The devices under / and /var: warn when reads or writes take more than\n"
		"      20ms on average, critical above 100ms.\n"
		"  check_disk_io --include 'nvme*' -w 400MB/s\n"
		"      NVMe disks only; warn when one reads or writes more than 400 MiB/s.\n"
		"  check_disk_io --warningx 'sda_write_await=~:20ms' --criticalx '*_util=98'\n"
		"      Warn when writes to sda wait more than 20ms; critical when any device is\n"
		"      saturated.\n"
		"  check_disk_io --include vg0-root --criticalx 'vg0-root_queue=32'\n"
		"      One LVM volume by its name; critical when more than 32 requests queue.\n",
	.uses_state = true,
	.selects =
		"--include and --exclude match a device's kernel name (sda, nvme0n1, dm-0, md0) or "
		"its device-mapper name (vg0-root). Loop, ram, zram, floppy, optical (sr) and nbd "
		"devices and partitions are left out unless named; a device named without "
		"wildcards that does not exist is a WARNING ('sdb is missing').",
};

/* One device of a reading. */
struct dev {
	struct pl_diskstats_entry e;
	char show[SHOW_LEN];         /* the name in labels and messages */
};

struct slot {
	struct dev *v;
	size_t n;
};

/* A device chosen at the first reading. */
struct chosen {
	char name[NAME_LEN];
	char show[SHOW_LEN];
	bool partition;
	bool by_mount;
};

struct dio_ctx {
	const struct pl_common *c;
	const struct dio_config *cfg;
	struct pl_buf buf;
	struct pl_diskstats now;     /* the whole latest reading */
	struct slot s[2];            /* 0: now, 1: the earlier reading */
	struct chosen *sel;          /* made once, at the first reading */
	size_t nsel;
	bool chosen;
	char *missing[64];           /* devices named by --include that do not exist */
	size_t nmissing;
	char mount_dev[MAX_MOUNTS][NAME_LEN];      /* the device each --mount chose */
	struct pl_buf mount_fs[MAX_MOUNTS];         /* and its file system, for the output */
};

static bool
has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

static void
sanitize(char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '.' || *s == '-'))
			*s = '_';
}

/* Kinds of devices that are not disks, or not worth a graph unless asked for. */
static bool
skipped_by_default(const char *name)
{
	static const char *const prefixes[] = { "loop", "ram", "zram", "fd", "sr", "nbd" };

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return false;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* /sys/block lists the whole devices; a partition lives below its disk, whose name
 * begins its own (sda1 in sda, nvme0n1p2 in nvme0n1), with a "partition" file. */
static bool
is_partition(const struct dio_ctx *x, const struct pl_diskstats_entry *e, char **disks,
	     size_t ndisks, bool sysfs)
{
	char sname[NAME_LEN], path[256], v[32];
	const char *key;

	if (e->nfields == 4)
		return true;   /* only partitions had the short line */
	pl_diskstats_sysfs_name(e->name, sname, sizeof(sname));
	key = sname;
	if (!sysfs) {
		/* No sysfs: a name that is another device's name plus digits (sda1), or plus
		 * "p" and digits when that name ends in a digit (nvme0n1p2, mmcblk0p1). md,
		 * dm and loop devices have no partitions of that form: md10 is not a part of
		 * md1. */
		if (strncmp(e->name, "md", 2) == 0 || strncmp(e->name, "dm-", 3) == 0 ||
		    strncmp(e->name, "loop", 4) == 0)
			return false;
		for (size_t i = 0; i < x->now.n; i++) {
			const char *o = x->now.v[i].name;
			size_t k = strlen(o);
			bool digit_end = k > 0 && o[k - 1] >= '0' && o[k - 1] <= '9';

			if (k >= strlen(e->name) || strncmp(o, e->name, k) != 0)
				continue;
			if (digit_end) {
				if (e->name[k] != 'p' || e->name[k + 1] == '\0')
					continue;
				k++;
			}
			if (strspn(e->name + k, "0123456789") == strlen(e->name + k))
				return true;
		}
		return false;
	}
	if (bsearch(&key, disks, ndisks, sizeof(*disks), cmp_str) != NULL)
		return false;
	pl_snprintf(path, sizeof(path), "/sys/class/block/%s/partition", sname);
	if (pl_read_small(x->c->root, path, v, sizeof(v)) >= 0)
		return true;
	for (size_t i = 0; i < ndisks; i++) {
		size_t k = strlen(disks[i]);

		if (k >= strlen(sname) || strncmp(disks[i], sname, k) != 0)
			continue;
		pl_snprintf(path, sizeof(path), "/sys/block/%s/%s/partition", disks[i], sname);
		if (pl_read_small(x->c->root, path, v, sizeof(v)) >= 0)
			return true;
	}
	return false;
}

/* The device of the file system that holds a --mount path, as df finds it; dies UNKNOWN
 * with what is wrong. On a live system the path is resolved first (symlinks, ".."), so
 * /var/run finds the file system of /run; under --root it is taken as written. *held
 * gets the mount point of that file system. */
static const struct pl_diskstats_entry *
mount_device(struct dio_ctx *x, const struct pl_mountinfo *mi, const char *path,
	     const struct pl_mount **held)
{
	const struct pl_mount *m;
	const struct pl_diskstats_entry *e;
	char real[PATH_MAX], where[PATH_MAX + 64] = "";
	const char *p = path;

	if (pl_root_is_live(x->c->root)) {
		pl_timeout_waiting("resolving the --mount path (a hung network file system?)");
		if (realpath(path, real) == NULL)
			pl_die(PL_UNKNOWN, "--mount %s: cannot resolve it: %s", path, strerror(errno));
		p = real;
	}
	m = pl_mountinfo_holding(mi, p);
	if (m == NULL)
		pl_die(PL_UNKNOWN, "--mount %s: no mounted file system holds it (see /proc/self/mountinfo)",
		       path);
	e = pl_diskstats_find_dev(&x->now, m->major, m->minor);
	if (pl_mountinfo_find(mi, p) != m)
		pl_snprintf(where, sizeof(where), " (mounted on %s)", m->point);
	if (e == NULL)
		pl_die(PL_UNKNOWN, "--mount %s: the file system there%s is %s on %s (device %u:%u), which has no block device in /proc/diskstats",
		       path, where, m->fstype, m->source[0] ? m->source : "-", m->major, m->minor);
	*held = m;
	return e;
}

/* Which devices to report, decided once from the first reading, sysfs and the mounts. */
static void
choose(struct dio_ctx *x)
{
	const struct dio_config *cfg = x->cfg;
	const struct pl_diskstats_entry *bymount[MAX_MOUNTS];
	const struct pl_mount *held;
	struct pl_mountinfo mi = { NULL, 0 };
	char **disks = NULL, err[512];
	size_t ndisks = 0;
	bool sysfs;

	x->chosen = true;
	pl_timeout_waiting("listing /sys/block");
	sysfs = pl_dir_list(x->c->root, "/sys/block", &disks, &ndisks, err, sizeof(err)) == 0;
	if (!sysfs)
		pl_debug(x->c, 1, "%s; telling partitions by their names", err);
	if (cfg->mounts.n > 0) {
		pl_timeout_waiting("reading /proc/self/mountinfo");
		if (pl_read_file(x->c->root, "/proc/self/mountinfo", &x->buf, err, sizeof(err)) != 0)
			pl_die(PL_UNKNOWN, "%s", err);
		if (pl_mountinfo_parse(pl_buf_str(&x->buf), x->buf.len, &mi, err, sizeof(err)) != 0)
			pl_die(PL_UNKNOWN, "/proc/self/mountinfo: %s", err);
		for (size_t i = 0; i < cfg->mounts.n; i++) {
			bymount[i] = mount_device(x, &mi, cfg->mounts.v[i], &held);
			pl_strlcpy(x->mount_dev[i], bymount[i]->name, sizeof(x->mount_dev[i]));
			pl_buf_printf(&x->mount_fs[i], "%s mounted on %s", held->fstype,
				      held->point);
		}
		pl_mountinfo_free(&mi);
	}
	x->sel = calloc(x->now.n, sizeof(*x->sel));
	if (x->sel == NULL)
		pl_die(PL_UNKNOWN, "out of memory");
	pl_timeout_waiting("reading /sys/block");
	for (size_t i = 0; i < x->now.n; i++) {
		const struct pl_diskstats_entry *e = &x->now.v[i];
		struct chosen *ch = &x->sel[x->nsel];
		char dmname[SHOW_LEN] = "", path[256], sname[NAME_LEN];
		const char *names[2];
		bool part, included = false, excluded = false, dup = false;

		ch->by_mount = false;
		for (size_t k = 0; k < cfg->mounts.n; k++)
			if (bymount[k] == e)
				ch->by_mount = true;
		if (strncmp(e->name, "dm-", 3) == 0) {
			pl_snprintf(path, sizeof(path), "/sys/block/%s/dm/name",
				    pl_diskstats_sysfs_name(e->name, sname, sizeof(sname)));
			if (pl_read_small(x->c->root, path, dmname, sizeof(dmname)) <= 0)
				dmname[0] = '\0';
		}
		names[0] = e->name;
		names[1] = dmname;
		for (size_t k = 0; k < 2; k++) {
			enum pl_select_verdict v = PL_SELECT_DEFAULT;

			if (names[k][0] != '\0')
				v = pl_select_match(&x->c->select, names[k]);

			excluded |= v == PL_SELECT_EXCLUDED;
			included |= v == PL_SELECT_INCLUDED;
		}
		for (size_t k = 0; k < x->nsel; k++)
			dup |= strcmp(x->sel[k].name, e->name) == 0;
		if (excluded || dup)
			continue;
		part = is_partition(x, e, disks, ndisks, sysfs);
		if (!included && !ch->by_mount &&
		    (pl_select_has_include(&x->c->select) || cfg->mounts.n > 0 ||
		     skipped_by_default(e->name) || (part && !cfg->partitions)))
			continue;
		pl_strlcpy(ch->name, e->name, sizeof(ch->name));
		pl_strlcpy(ch->show, dmname[0] ? dmname : e->name, sizeof(ch->show));
		sanitize(ch->show);
		ch->partition = part;
		/* Two names that sanitise alike would share labels: the later keeps its own. */
		for (size_t k = 0; k < x->nsel; k++)
			if (strcmp(x->sel[k].show, ch->show) == 0) {
				pl_strlcpy(ch->show, e->name, sizeof(ch->show));
				sanitize(ch->show);
			}
		x->nsel++;
	}
	pl_dir_free(disks, ndisks);

	/* A device named exactly by --include that is not there. */
	for (size_t r = 0; r < x->c->select.n; r++) {
		const struct pl_select_rule *rule = &x->c->select.v[r];
		bool found = false;

		if (!rule->include || rule->is_regex || has_glob(rule->text))
			continue;
		for (size_t k = 0; k < x->nsel && !found; k++) {
			char s[SHOW_LEN];

			pl_strlcpy(s, rule->text, sizeof(s));
			sanitize(s);
			found = strcmp(x->sel[k].name, rule->text) == 0 ||
				strcmp(x->sel[k].show, s) == 0;
		}
		if (!found && pl_diskstats_find(&x->now, rule->text) == NULL &&
		    x->nmissing < sizeof(x->missing) / sizeof(x->missing[0]))
			x->missing[x->nmissing++] = rule->text;
	}
}

static void
slot_clear(struct slot *s)
{
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

static void
dio_read(void *ctxp, int which)
{
	struct dio_ctx *x = ctxp;
	struct slot *s = &x->s[which];
	char err[512];

	pl_diskstats_free(&x->now);
	pl_timeout_waiting("reading /proc/diskstats");
	if (pl_read_file(x->c->root, "/proc/diskstats", &x->buf, err, sizeof(err)) != 0)
		pl_die(PL_UNKNOWN, "%s", err);
	if (pl_diskstats_parse(pl_buf_str(&x->buf), x->buf.len, &x->now, err, sizeof(err)) != 0)
		pl_die(PL_UNKNOWN, "/proc/diskstats: %s", err);
	if (!x->chosen)
		choose(x);
	slot_clear(s);
	s->v = calloc(x->nsel ? x->nsel : 1, sizeof(*s->v));
	if (s->v == NULL)
		pl_die(PL_UNKNOWN, "out of memory");
	for (size_t i = 0; i < x->nsel; i++) {
		const struct pl_diskstats_entry *e = pl_diskstats_find(&x->now, x->sel[i].name);

		if (e == NULL)
			continue;      /* gone between two readings of a first run */
		s->v[s->n].e = *e;
		pl_strlcpy(s->v[s->n].show, x->sel[i].show, sizeof(s->v[s->n].show));
		s->n++;
	}
}

/* State: namespace "dev", the kernel's device name, a vector of major, minor, the field
 * count and the PL_DS_NFIELDS counters; namespace "show", the same name, the name shown
 * in labels and messages (a text). */
#define DEV_NS "dev"
#define SHOW_NS "show"
#define DEV_NVEC (3 + PL_DS_NFIELDS)

static void
dio_store(void *ctxp, int which, struct pl_store *st)
{
	struct dio_ctx *x = ctxp;
	const struct slot *s = &x->s[which];

	for (size_t i = 0; i < s->n; i++) {
		const struct dev *d = &s->v[i];
		uint64_t v[DEV_NVEC];

		v[0] = d->e.major;
		v[1] = d->e.minor;
		v[2] = (uint64_t)d->e.nfields;
		memcpy(v + 3, d->e.f, sizeof(d->e.f));
		pl_store_set_vec(st, DEV_NS, d->e.name, v, DEV_NVEC);
		pl_store_put(st, PL_STORE_COUNTER, SHOW_NS, d->e.name, d->show);
	}
}

static int
dev_from_state(const struct pl_store *st, int gen, const struct pl_store_entry *e,
	       struct dev *d)
{
	const struct pl_store_entry *show = pl_store_find(st, gen, SHOW_NS, e->name);
	const uint64_t *v = e->vec;

	memset(d, 0, sizeof(*d));
	if (!pl_diskstats_name_ok(e->name) || e->text != NULL || e->nvec != DEV_NVEC ||
	    v[0] > UINT32_MAX || v[1] > UINT32_MAX || (v[2] != 4 && (v[2] < 11 || v[2] > 1000)))
		return -1;
	if (show == NULL || show->text == NULL || show->text[0] == '\0' ||
	    strlen(show->text) >= sizeof(d->show) || strpbrk(show->text, " \t") != NULL)
		return -1;
	pl_strlcpy(d->e.name, e->name, sizeof(d->e.name));
	d->e.major = (unsigned)v[0];
	d->e.minor = (unsigned)v[1];
	d->e.nfields = (int)v[2];
	memcpy(d->e.f, v + 3, sizeof(d->e.f));
	pl_strlcpy(d->show, show->text, sizeof(d->show));
	return 0;
}

/* Every device of the generation, matched to the current ones by name later: one that
 * went away is reported as such, one that is new gets no rates for this run. */
static int
dio_load(void *ctxp, const struct pl_store *st, int gen)
{
	struct dio_ctx *x = ctxp;
	struct slot *then = &x->s[1];
	const struct pl_store_entry *e;
	size_t pos = 0;

	slot_clear(then);
	then->v = calloc(st->n ? st->n : 1, sizeof(*then->v));
	if (then->v == NULL)
		return -1;
	while ((e = pl_store_next(st, gen, DEV_NS, &pos)) != NULL) {
		if (dev_from_state(st, gen, e, &then->v[then->n]) == 0)
			then->n++;
		else
			pl_debug(x->c, 1, "state entry for device '%s' is malformed: ignored",
				 e->name);
	}
	/* Nothing stored while devices are there now (the last run found none): sample
	 * afresh rather than call every device new. */
	return then->n > 0 || x->s[0].n == 0 ? 0 : -1;
}

static void
dio_zero(void *ctxp)
{
	struct dio_ctx *x = ctxp;
	struct slot *then = &x->s[1], *now = &x->s[0];

	slot_clear(then);
	then->v = calloc(now->n ? now->n : 1, sizeof(*then->v));
	if (then->v == NULL)
		pl_die(PL_UNKNOWN, "out of memory");
	for (size_t i = 0; i < now->n; i++) {
		then->v[i] = now->v[i];
		memset(then->v[i].e.f, 0, sizeof(then->v[i].e.f));
	}
	then->n = now->n;
}

static const struct pl_sample_ops dio_ops = { dio_read, dio_store, dio_load, dio_zero };

/* What one device did between two readings. */
struct rates {
	double rbytes, wbytes, riops, wiops, util, rawait, wawait, queue, inflight;
	double await;                /* reads and writes together, for the summary */
	double rmerge, wmerge, dbytes, flushes;
	const char *why;             /* why there are no rates, or NULL */
};

static double
per_request(double ticks, double ios)
{
	if (isnan(ticks) || isnan(ios))
		return NAN;
	return ios > 0 ? ticks / ios / 1000.0 : 0;
}

/* md, and some device-mapper targets on older kernels, count requests but no time:
 * a utilisation or wait of 0 would be a lie. */
static bool
dev_timed(const struct dev *d)
{
	const uint64_t *f = d->e.f;

	return d->e.nfields >= 11 && (f[PL_DS_RD_TICKS] + f[PL_DS_WR_TICKS] + f[PL_DS_IO_TICKS] +
				       f[PL_DS_TIME_IN_QUEUE] > 0 ||
				       f[PL_DS_RD_IOS] + f[PL_DS_WR_IOS] == 0);
}

static void
dev_rates(const struct dev *now, const struct dev *then, double dt, struct rates *r)
{
	const uint64_t *f = now->e.f;
	double d[PL_DS_NFIELDS];

	r->inflight = now->e.nfields >= 11 ? (double)f[PL_DS_IN_FLIGHT] : NAN;
	r->rbytes = r->wbytes = r->riops = r->wiops = r->util = r->rawait = r->wawait = NAN;
	r->queue = r->await = r->rmerge = r->wmerge = r->dbytes = r->flushes = NAN;
	r->why = NULL;
	if (then == NULL) {
		r->why = "appeared since the last run";
		return;
	}
	if (then->e.major != now->e.major || then->e.minor != now->e.minor) {
		r->why = "is another device than at the last run (its major:minor changed)";
		return;
	}
	if (!(dt > 0)) {
		r->why = "was read twice at the same moment";
		return;
	}
	for (int k = 0; k < PL_DS_NFIELDS; k++)
		d[k] = pl_counter_delta(f[k], then->e.f[k]);
	/* One counter that went back makes all of them suspect: a reset or a new device. */
	for (int k = 0; k <= PL_DS_TIME_IN_QUEUE; k++)
		if (k != PL_DS_IN_FLIGHT && isnan(d[k])) {
			r->why = "has counters that went backwards (device reset or replaced)";
			return;
		}
	r->rbytes = d[PL_DS_RD_SECTORS] * PL_DISKSTATS_SECTOR / dt;
	r->wbytes = d[PL_DS_WR_SECTORS] * PL_DISKSTATS_SECTOR / dt;
	r->riops = d[PL_DS_RD_IOS] / dt;
	r->wiops = d[PL_DS_WR_IOS] / dt;
	if (now->e.nfields < 11 || then->e.nfields < 11)
		return;   /* the short partition line counts nothing else */
	r->rmerge = d[PL_DS_RD_MERGES] / dt;
	r->wmerge = d[PL_DS_WR_MERGES] / dt;
	if (now->e.nfields >= 15 && then->e.nfields >= 15)
		r->dbytes = d[PL_DS_DC_SECTORS] * PL_DISKSTATS_SECTOR / dt;
	if (now->e.nfields >= 17 && then->e.nfields >= 17)
		r->flushes = d[PL_DS_FL_IOS] / dt;
	if (!dev_timed(now))
		return;
	r->util = 100.0 * d[PL_DS_IO_TICKS] / (dt * 1000.0);
	if (r->util > 100)
		r->util = 100;     /* the kernel's and our clocks are read at different moments */
	r->queue = d[PL_DS_TIME_IN_QUEUE] / (dt * 1000.0);
	r->rawait = per_request(d[PL_DS_RD_TICKS], d[PL_DS_RD_IOS]);
	r->wawait = per_request(d[PL_DS_WR_TICKS], d[PL_DS_WR_IOS]);
	r->await = per_request(d[PL_DS_RD_TICKS] + d[PL_DS_WR_TICKS],
			       d[PL_DS_RD_IOS] + d[PL_DS_WR_IOS]);
}

static void
add_metrics(struct pl_result *r, const char *show, const struct rates *v)
{
	pl_metric_addf(r, v->rbytes, PL_U_BYTES_PER_S, "%s_read_bytes", show);
	pl_metric_addf(r, v->wbytes, PL_U_BYTES_PER_S, "%s_write_bytes", show);
	pl_metric_addf(r, v->riops, PL_U_NONE, "%s_read_iops", show);
	pl_metric_addf(r, v->wiops, PL_U_NONE, "%s_write_iops", show);
	pl_metric_minmax(pl_metric_addf(r, v->util, PL_U_PERCENT, "%s_util", show), 0, 100);
	pl_metric_addf(r, v->rawait, PL_U_SECONDS, "%s_read_await", show);
	pl_metric_addf(r, v->wawait, PL_U_SECONDS, "%s_write_await", show);
	pl_metric_addf(r, v->queue, PL_U_NONE, "%s_queue", show);
	pl_metric_addf(r, v->inflight, PL_U_NONE, "%s_inflight", show);
}

/* "(r 1.2MiB/s, w 20.5MiB/s, await 4.1ms)": the figures that are known. */
static void
brief(char *buf, size_t len, const struct rates *v)
{
	char a[32], b[32], c[32];

	pl_unit_human(a, sizeof(a), v->rbytes, PL_U_BYTES_PER_S);
	pl_unit_human(b, sizeof(b), v->wbytes, PL_U_BYTES_PER_S);
	if (isnan(v->await))
		pl_snprintf(buf, len, "r %s, w %s", a, b);
	else
		pl_snprintf(buf, len, "r %s, w %s, await %s", a, b,
			    pl_unit_human(c, sizeof(c), v->await, PL_U_SECONDS));
}

static void
dev_line(struct pl_result *r, const struct dev *d, const struct rates *v)
{
	char h[10][32];

	if (v->why != NULL) {
		pl_result_line(r, "%s %s: no rates this run", d->show, v->why);
		return;
	}
	pl_unit_human(h[0], sizeof(h[0]), v->util, PL_U_PERCENT);
	pl_unit_human(h[1], sizeof(h[1]), v->rbytes, PL_U_BYTES_PER_S);
	pl_fmt_num(h[2], sizeof(h[2]), v->riops, 1);
	pl_unit_human(h[3], sizeof(h[3]), v->rawait, PL_U_SECONDS);
	pl_unit_human(h[4], sizeof(h[4]), v->wbytes, PL_U_BYTES_PER_S);
	pl_fmt_num(h[5], sizeof(h[5]), v->wiops, 1);
	pl_unit_human(h[6], sizeof(h[6]), v->wawait, PL_U_SECONDS);
	pl_fmt_num(h[7], sizeof(h[7]), v->queue, 2);
	if (isnan(v->util))
		pl_result_line(r, "%s: read %s (%s IOPS), write %s (%s IOPS)", d->show, h[1], h[2],
			       h[4], h[5]);
	else
		pl_result_line(r, "%s: %s util, read %s (%s IOPS, await %s), write %s (%s IOPS, await %s), queue %s, %s in flight",
			       d->show, h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7],
			       pl_fmt_num(h[8], sizeof(h[8]), v->inflight, 0));
}

/* -v: where the device comes from and the figures behind the averages. */
static void
dev_detail(struct dio_ctx *x, struct pl_result *r, const struct dev *d, const struct rates *v)
{
	char rot[8] = "", path[256], sname[NAME_LEN], h[4][32], kind[64];
	const struct chosen *ch = NULL;
	struct pl_buf b;

	for (size_t i = 0; i < x->nsel; i++)
		if (strcmp(x->sel[i].name, d->e.name) == 0)
			ch = &x->sel[i];
	pl_snprintf(path, sizeof(path), "/sys/block/%s/queue/rotational",
		    pl_diskstats_sysfs_name(d->e.name, sname, sizeof(sname)));
	if (pl_read_small(x->c->root, path, rot, sizeof(rot)) < 0)
		rot[0] = '\0';
	pl_snprintf(kind, sizeof(kind), "%s%s%s", ch && ch->partition ? "partition" :
		    strncmp(d->e.name, "dm-", 3) == 0 ? "device-mapper" :
		    strncmp(d->e.name, "md", 2) == 0 ? "md array" : "whole device",
		    rot[0] == '1' ? ", rotational" : rot[0] == '0' ? ", non-rotational" : "",
		    ch && ch->by_mount ? ", chosen by --mount" : "");
	pl_buf_init(&b, 400);
	pl_buf_printf(&b, "%s: kernel name %s (%u:%u, %s, %d stat fields)", d->show, d->e.name,
		      d->e.major, d->e.minor, kind, d->e.nfields);
	if (!isnan(v->rmerge))
		pl_buf_printf(&b, "; merged r %s/s w %s/s",
			      pl_fmt_num(h[0], sizeof(h[0]), v->rmerge, 1),
			      pl_fmt_num(h[1], sizeof(h[1]), v->wmerge, 1));
	if (v->why == NULL && (v->riops > 0 || v->wiops > 0))
		pl_buf_printf(&b, "; average request r %s w %s",
			      pl_unit_human(h[2], sizeof(h[2]),
					    v->riops > 0 ? v->rbytes / v->riops : 0, PL_U_BYTES),
			      pl_unit_human(h[3], sizeof(h[3]),
					    v->wiops > 0 ? v->wbytes / v->wiops : 0, PL_U_BYTES));
	if (!isnan(v->dbytes))
		pl_buf_printf(&b, "; discarded %s",
			      pl_unit_human(h[0], sizeof(h[0]), v->dbytes, PL_U_BYTES_PER_S));
	if (!isnan(v->flushes))
		pl_buf_printf(&b, "; flushes %s/s", pl_fmt_num(h[1], sizeof(h[1]), v->flushes, 1));
	pl_result_line(r, "%s", pl_buf_str(&b));
	pl_buf_free(&b);
}

static const struct dev *
slot_find(const struct slot *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].e.name, name) == 0)
			return &s->v[i];
	return NULL;
}

int
main(int argc, char **argv)
{
	struct dio_config cfg;
	struct pl_common c;
	struct dio_ctx x;
	struct pl_result r;
	struct slot *now = &x.s[0], *then = &x.s[1];
	struct rates best = { 0 };
	const struct dev *busiest = NULL;
	enum pl_basis basis;
	double dt = 0;
	char btext[128], h[32], b[128];

	memset(&cfg, 0, sizeof(cfg));
	pl_plugin_parse(&dio_plugin, argc, argv, &cfg, &c);
	pl_plugin_arm(&c);
	pl_result_init(&r, dio_plugin.name, dio_plugin.service);
	memset(&x, 0, sizeof(x));
	x.c = &c;
	x.cfg = &cfg;

	basis = pl_sample(&c, &dio_ops, &x, &dt, btext, sizeof(btext), &r);
	if (now->n == 0 && x.nmissing == 0) {
		struct pl_buf names = PL_BUF_INIT;

		pl_buf_init(&names, 200);
		for (size_t i = 0; i < x.now.n; i++)
			pl_buf_printf(&names, "%s%s", i ? ", " : "", x.now.v[i].name);
		pl_die(PL_UNKNOWN, "no block device selected (%s; devices: %s)",
		       pl_select_has_include(&c.select) ? "check --include and --exclude" :
		       "partitions need --partitions, loop and ram devices --include",
		       pl_buf_str(&names));
	}
	pl_result_line(&r, "%s, %zu device%s", btext, now->n, now->n == 1 ? "" : "s");
	for (size_t i = 0; i < cfg.mounts.n; i++) {
		const char *show = x.mount_dev[i];

		for (size_t k = 0; k < x.nsel; k++)
			if (strcmp(x.sel[k].name, x.mount_dev[i]) == 0)
				show = x.sel[k].show;
		pl_result_line(&r, "--mount %s: %s (%s)", cfg.mounts.v[i], show,
			       pl_buf_str(&x.mount_fs[i]));
		pl_buf_free(&x.mount_fs[i]);
	}
	for (size_t i = 0; i < x.nmissing; i++) {
		char show[SHOW_LEN];
		struct rates none;

		pl_result_finding(&r, PL_WARNING, "%s is missing", x.missing[i]);
		/* Its labels stay, as U, so that graphs and thresholds naming it keep working. */
		memset(&none, 0, sizeof(none));
		none.rbytes = none.wbytes = none.riops = none.wiops = none.util = NAN;
		none.rawait = none.wawait = none.queue = none.inflight = NAN;
		pl_strlcpy(show, x.missing[i], sizeof(show));
		sanitize(show);
		add_metrics(&r, show, &none);
	}
	for (size_t i = 0; i < now->n; i++) {
		const struct dev *d = &now->v[i];
		struct rates v;

		dev_rates(d, slot_find(then, d->e.name), dt, &v);
		add_metrics(&r, d->show, &v);
		dev_line(&r, d, &v);
		if (v.why == NULL && d->e.nfields >= 11 && !dev_timed(d))
			pl_result_line(&r, "%s counts requests but no time (md and some device-mapper targets on older kernels): no util, await or queue",
				       d->show);
		if (c.verbose > 0)
			dev_detail(&x, &r, d, &v);
		if (v.why != NULL)
			continue;
		if (busiest == NULL || (isnan(best.util) && !isnan(v.util)) ||
		    (!isnan(v.util) && v.util > best.util) ||
		    (isnan(best.util) && isnan(v.util) &&
		     v.rbytes + v.wbytes > best.rbytes + best.wbytes)) {
			busiest = d;
			best = v;
		}
	}
	if (basis == PL_BASIS_STATE) {
		for (size_t i = 0; i < then->n; i++)
			if (pl_diskstats_find(&x.now, then->v[i].e.name) == NULL)
				pl_result_line(&r, "%s is gone since the last run",
					       then->v[i].show);
	}

	if (now->n == 0) {
		pl_result_summary(&r, "no device to report");
	} else if (busiest == NULL) {
		pl_result_summary(&r, "%zu device%s, no rates this run", now->n,
				  now->n == 1 ? "" : "s");
	} else {
		brief(b, sizeof(b), &best);
		pl_unit_human(h, sizeof(h), best.util, PL_U_PERCENT);
		if (now->n == 1 && isnan(best.util))
			pl_result_summary(&r, "%s (%s)", busiest->show, b);
		else if (now->n == 1)
			pl_result_summary(&r, "%s %s util (%s)", busiest->show, h, b);
		else if (isnan(best.util))
			pl_result_summary(&r, "%zu devices, busiest %s (%s)", now->n, busiest->show,
					  b);
		else
			pl_result_summary(&r, "%zu devices, busiest %s %s util (%s)", now->n,
					  busiest->show, h, b);
	}
	slot_clear(&x.s[0]);
	slot_clear(&x.s[1]);
	pl_diskstats_free(&x.now);
	free(x.sel);
	pl_buf_free(&x.buf);
	pl_exit(&r, &c);
}
