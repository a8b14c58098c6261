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
#include "pl_i18n.h"
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
	pl_snprintf(err, errlen, _("not an absolute path (give a path such as /var)"));
	return -1;
}

static const struct pl_option dio_opts[] = {
	{ .name = "mount", .type = PL_OPT_LIST, .arg = "PATH", .max = MAX_MOUNTS,
	  PL_OPT_AT(struct dio_config, mounts), .check = dio_mount,
	  .flags = PL_OPT_SYNOPSIS | PL_OPT_IDENTITY,
	  .help = N_("Report the device of the file system that holds PATH, as df finds it ('/', "
		  "'/var', '/srv/pgdata': a mount point or any path below one; symlinks are "
		  "resolved first), looked up in /proc/self/mountinfo; combines with --include. "
		  "UNKNOWN when PATH does not exist or its file system has no block device of "
		  "its own (tmpfs, overlay, NFS, btrfs subvolumes).") },
	{ .name = "partitions", .type = PL_OPT_SWITCH, PL_OPT_AT(struct dio_config, partitions),
	  .flags = PL_OPT_IDENTITY,
	  .help = N_("Report partitions too (sda1, nvme0n1p2). By default only whole devices are: "
		  "disks, device-mapper and md devices.") },
	{ .name = NULL },
};

/* A unitless or percent range goes to the utilisation, "50MB/s" to both byte rates,
 * "20ms" to both waits. */
static const char *const dio_primary[] = { "*_util", "*_bytes", "*_await", NULL };

static const struct pl_plugin dio_plugin = {
	.name = "check_disk_io",
	.service = "DISK_IO",
	.purpose = N_("throughput, IOPS, utilisation and latency of block devices, from /proc/diskstats"),
	.description =
		N_("Reports for each block device what it did since the last run of this check: "
		"bytes and requests read and written per second, how busy it was (utilisation: "
		"the share of time with at least one request in flight), the average time a read "
		"or a write took from submission to completion (await, queueing included), the "
		"average number of requests queued or in flight, and the requests in flight now.\n"
		"By default every whole device is reported: disks, device-mapper volumes (shown by "
		"their names, vg0-root) and md arrays; loop, ram, zram, floppy, optical (sr) and "
		"nbd devices and partitions are left out unless named with --include, --mount or "
		"--partitions. Each device is an item; labels use the device-mapper name where "
		"there is one, with any byte other than letters, digits, '.', '_' and '-' "
		"written as _xHH (cciss/c0d0 is cciss_x2fc0d0).\n"
		"Utilisation near 100% means a device that serves one request at a time is "
		"saturated; SSDs, NVMe and RAID serve many at once, so watch await and queue there. "
		"Counters are kept in a state file, so the check never sleeps after its first run. "
		"A device whose counters went backwards or that appeared since the last run "
		"has no rates for that run (U), never a false figure."),
	.options = dio_opts,
	.primary = dio_primary,
	.metrics =
		N_("For each device DEV: DEV_read_bytes, DEV_write_bytes (bytes/s); DEV_read_iops, "
		"DEV_write_iops (requests completed per second); DEV_util (percent of the time "
		"the device was busy, 0..100); DEV_read_await, DEV_write_await (seconds per "
		"request, 0 when there were none); DEV_queue (average requests queued or in "
		"flight); DEV_inflight (requests in flight now). Devices that account no time "
		"(md and some device-mapper targets on older kernels, 2.6-era partition lines) "
		"give U for what they lack."),
	.examples =
		N_("  check_disk_io -w 80 -c 95\n"
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
		"      One LVM volume by its name; critical when more than 32 requests queue.\n"),
	.uses_state = true,
	.selects =
		N_("--include and --exclude match a device's kernel name (sda, nvme0n1, dm-0, md0) or "
		"its device-mapper name (vg0-root). Loop, ram, zram, floppy, optical (sr) and nbd "
		"devices and partitions are left out unless named; a device named without "
		"wildcards that does not exist is a WARNING ('sdb is missing')."),
};

/* One device of a reading. */
struct dev {
	struct pl_diskstats_entry e;
	char show[SHOW_LEN];         /* the name of its item: the device-mapper name, if any */
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
	int by_mount;                /* 1 + the index of the first --mount that chose it; 0 */
};

struct dio_ctx {
	const struct pl_common *c;
	const struct dio_config *cfg;
	struct pl_buf buf;
	struct pl_diskstats now;     /* the whole latest reading */
	struct slot s[2];            /* 0: now, 1: the earlier reading */
	struct chosen *sel;          /* made once, at the first reading, in reading order */
	size_t nsel;
	bool chosen;
	const char *missing[64];     /* devices named by --include that do not exist */
	size_t nmissing;
	const struct pl_diskstats_entry *bymount[MAX_MOUNTS];   /* the device of each */
	char *mount_fs[MAX_MOUNTS];  /* "ext4 mounted on /": what each --mount found (owned) */
};

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
	if (!sysfs)
		return pl_diskstats_partition_name(&x->now, e->name);
	pl_diskstats_sysfs_name(e->name, sname, sizeof(sname));
	key = sname;
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
 * gets the mount of that file system. */
static const struct pl_diskstats_entry *
mount_device(struct dio_ctx *x, const struct pl_mountinfo *mi, const char *path,
	     const struct pl_mount **held)
{
	const struct pl_mount *m;
	const struct pl_diskstats_entry *e;
	char real[PATH_MAX], where[PATH_MAX + 64] = "", p1[PATH_MAX], f[64], src[256];
	const char *p = path;

	/* Names from outside data (mount points, device-mapper names) are shown escaped. */
	pl_name_str(p1, sizeof(p1), path);
	if (pl_root_is_live(x->c->root)) {
		pl_timeout_waiting(_("resolving the --mount path (a hung network file system?)"));
		if (realpath(path, real) == NULL)
			pl_die(PL_UNKNOWN, _("--mount %s: cannot resolve it: %s"), p1, strerror(errno));
		p = real;
	}
	m = pl_mountinfo_holding(mi, p);
	if (m == NULL)
		pl_die(PL_UNKNOWN, _("--mount %s: no mounted file system holds it (see /proc/self/mountinfo)"),
		       p1);
	e = pl_diskstats_find_dev(&x->now, m->major, m->minor);
	if (pl_mountinfo_find(mi, p) != m) {
		pl_name_str(real, sizeof(real), m->point);
		pl_snprintf(where, sizeof(where), _(" (mounted on %s)"), real);
	}
	pl_name_str(f, sizeof(f), m->fstype);
	pl_name_str(src, sizeof(src), m->source[0] ? m->source : "-");
	if (e == NULL)
		pl_die(PL_UNKNOWN, _("--mount %s: the file system there%s is %s on %s (device %u:%u), which has no block device in /proc/diskstats"),
		       p1, where, f, src, m->major, m->minor);
	*held = m;
	return e;
}

/* The device of each --mount, from /proc/self/mountinfo. */
static void
choose_mounts(struct dio_ctx *x)
{
	const struct dio_config *cfg = x->cfg;
	struct pl_mountinfo mi;
	const struct pl_mount *held;
	char err[512], a[64], b[PATH_MAX], pt[PATH_MAX];

	pl_timeout_waiting(_("reading /proc/self/mountinfo"));
	if (pl_read_file(x->c->root, "/proc/self/mountinfo", &x->buf, err, sizeof(err)) != 0)
		pl_die(PL_UNKNOWN, "%s", err);
	if (pl_mountinfo_parse(pl_buf_str(&x->buf), x->buf.len, &mi, err, sizeof(err)) != 0)
		pl_die(PL_UNKNOWN, "/proc/self/mountinfo: %s", err);
	for (size_t i = 0; i < cfg->mounts.n; i++) {
		struct pl_buf t = PL_BUF_INIT;

		x->bymount[i] = mount_device(x, &mi, cfg->mounts.v[i], &held);
		pl_buf_init(&t, PATH_MAX + 128);
		pl_name_str(b, sizeof(b), cfg->mounts.v[i]);
		pl_name_str(a, sizeof(a), held->fstype);
		pl_name_str(pt, sizeof(pt), held->point);
		pl_buf_printf(&t, _("%s (%s mounted on %s)"), b, a, pt);
		x->mount_fs[i] = strdup(pl_buf_str(&t));
		pl_buf_free(&t);
	}
	pl_mountinfo_free(&mi);
}

/* Whether the rules and defaults take device e; fills ch when they do. */
static bool
choose_one(struct dio_ctx *x, const struct pl_diskstats_entry *e, char **disks, size_t ndisks,
	   bool sysfs, struct chosen *ch)
{
	const struct dio_config *cfg = x->cfg;
	char dmname[SHOW_LEN] = "", path[256], sname[NAME_LEN];
	const char *names[2] = { e->name, dmname };
	bool included = false, excluded = false;

	memset(ch, 0, sizeof(*ch));
	for (size_t k = cfg->mounts.n; k-- > 0;)
		if (x->bymount[k] == e)
			ch->by_mount = (int)k + 1;
	if (strncmp(e->name, "dm-", 3) == 0) {
		pl_snprintf(path, sizeof(path), "/sys/block/%s/dm/name",
			    pl_diskstats_sysfs_name(e->name, sname, sizeof(sname)));
		if (pl_read_small(x->c->root, path, dmname, sizeof(dmname)) <= 0)
			dmname[0] = '\0';
	}
	for (size_t k = 0; k < 2; k++) {
		enum pl_select_verdict v = PL_SELECT_DEFAULT;

		if (names[k][0] != '\0')
			v = pl_select_match(&x->c->select, names[k]);
		excluded |= v == PL_SELECT_EXCLUDED;
		included |= v == PL_SELECT_INCLUDED;
	}
	/* A name listed twice: the first line is the device. */
	if (excluded || pl_diskstats_find(&x->now, e->name) != e)
		return false;
	ch->partition = is_partition(x, e, disks, ndisks, sysfs);
	if (!included && !ch->by_mount &&
	    (pl_select_has_include(&x->c->select) || cfg->mounts.n > 0 ||
	     skipped_by_default(e->name) || (ch->partition && !cfg->partitions)))
		return false;
	pl_strlcpy(ch->name, e->name, sizeof(ch->name));
	pl_strlcpy(ch->show, dmname[0] ? dmname : e->name, sizeof(ch->show));
	return true;
}

static int
cmp_show(const void *a, const void *b)
{
	const struct chosen *const *x = a, *const *y = b;
	int c = strcmp((*x)->show, (*y)->show);

	return c != 0 ? c : *x < *y ? -1 : *x > *y;
}

/* Two devices shown alike (a device-mapper name that is another device's kernel name)
 * would share labels: the later keeps its kernel name. */
static void
unshare_names(struct dio_ctx *x)
{
	struct chosen **v = calloc(x->nsel + 1, sizeof(*v));

	if (v == NULL)
		pl_die(PL_UNKNOWN, _("out of memory"));
	for (size_t i = 0; i < x->nsel; i++)
		v[i] = &x->sel[i];
	qsort(v, x->nsel, sizeof(*v), cmp_show);
	for (size_t i = 1; i < x->nsel; i++)
		if (strcmp(v[i]->show, v[i - 1]->show) == 0)
			pl_strlcpy(v[i]->show, v[i]->name, sizeof(v[i]->show));
	free(v);
}

/* A device named exactly by --include that is not there. */
static void
find_missing(struct dio_ctx *x)
{
	for (size_t r = 0; r < x->c->select.n; r++) {
		const struct pl_select_rule *rule = &x->c->select.v[r];
		bool found = pl_diskstats_find(&x->now, rule->text) != NULL;

		if (!rule->include || rule->is_regex || strpbrk(rule->text, "*?[") != NULL)
			continue;
		for (size_t k = 0; k < x->now.nbad && !found; k++)
			found = strcmp(x->now.bad[k].name, rule->text) == 0;   /* said by dio_odd */
		for (size_t k = 0; k < x->nsel && !found; k++)
			found = strcmp(x->sel[k].show, rule->text) == 0;
		if (!found && x->nmissing < sizeof(x->missing) / sizeof(x->missing[0]))
			x->missing[x->nmissing++] = rule->text;
	}
}

/* Which devices to report, decided once from the first reading, sysfs and the mounts. */
static void
choose(struct dio_ctx *x)
{
	char **disks = NULL, err[512];
	size_t ndisks = 0;
	bool sysfs;

	x->chosen = true;
	pl_timeout_waiting(_("listing /sys/block"));
	sysfs = pl_dir_list(x->c->root, "/sys/block", &disks, &ndisks, err, sizeof(err)) == 0;
	if (!sysfs)
		pl_debug(x->c, 1, "%s; telling partitions by their names", err);
	if (x->cfg->mounts.n > 0)
		choose_mounts(x);
	x->sel = calloc(x->now.n + 1, sizeof(*x->sel));
	if (x->sel == NULL)
		pl_die(PL_UNKNOWN, _("out of memory"));
	pl_timeout_waiting(_("reading /sys/block"));
	for (size_t i = 0; i < x->now.n; i++)
		if (choose_one(x, &x->now.v[i], disks, ndisks, sysfs, &x->sel[x->nsel]))
			x->nsel++;
	pl_dir_free(disks, ndisks);
	unshare_names(x);
	find_missing(x);
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
	pl_timeout_waiting(_("reading /proc/diskstats"));
	if (pl_read_file(x->c->root, "/proc/diskstats", &x->buf, err, sizeof(err)) != 0)
		pl_die(PL_UNKNOWN, "%s", err);
	if (pl_diskstats_parse(pl_buf_str(&x->buf), x->buf.len, &x->now, err, sizeof(err)) != 0)
		pl_die(PL_UNKNOWN, "/proc/diskstats: %s", err);
	if (!x->chosen)
		choose(x);
	slot_clear(s);
	s->v = calloc(x->nsel ? x->nsel : 1, sizeof(*s->v));
	if (s->v == NULL)
		pl_die(PL_UNKNOWN, _("out of memory"));
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
		if (dev_from_state(st, gen, e, &then->v[then->n]) == 0) {
			then->n++;
			continue;
		}
		if (x->c->verbose >= 1) {
			struct pl_buf nb = PL_BUF_INIT;

			pl_name_escape(&nb, e->name);
			pl_debug(x->c, 1, "state entry for device '%s' is malformed: ignored",
				 pl_buf_str(&nb));
			pl_buf_free(&nb);
		}
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
		pl_die(PL_UNKNOWN, _("out of memory"));
	for (size_t i = 0; i < now->n; i++) {
		then->v[i] = now->v[i];
		memset(then->v[i].e.f, 0, sizeof(then->v[i].e.f));
	}
	then->n = now->n;
}

static const struct pl_sample_ops dio_ops = { dio_read, dio_store, dio_load, dio_zero };

/* "3 devices, busiest sda 2.9% util (r 446.7KiB/s, w 311.1KiB/s, await 920us)": each
 * figure that is a metric tied to it, so that a breach is named there, once. */
static void
dio_summary(struct pl_result *r, size_t n, const struct dev *d,
	    const struct pl_diskstats_rates *v)
{
	struct pl_item *it = pl_result_item(r, "device", d->show);
	char h[32], e[SHOW_LEN * 4];

	pl_name_str(e, sizeof(e), d->show);
	if (n == 1)
		pl_result_summary(r, "%s", e);
	else
		pl_result_summary(r, _("%zu devices, busiest %s"), n, e);
	if (!isnan(v->util))
		pl_result_summary_metric(r, pl_item_find_metric(it, "util"), _(" %s util"),
					 pl_unit_human(h, sizeof(h), v->util, PL_U_PERCENT));
	pl_result_summary_add(r, " (");
	pl_result_summary_metric(r, pl_item_find_metric(it, "read_bytes"), _("r %s"),
				 pl_unit_human(h, sizeof(h), v->rbytes, PL_U_BYTES_PER_S));
	pl_result_summary_add(r, ", ");
	pl_result_summary_metric(r, pl_item_find_metric(it, "write_bytes"), _("w %s"),
				 pl_unit_human(h, sizeof(h), v->wbytes, PL_U_BYTES_PER_S));
	if (!isnan(v->await))
		pl_result_summary_add(r, _(", await %s"),
				      pl_unit_human(h, sizeof(h), v->await, PL_U_SECONDS));
	pl_result_summary_add(r, ")");
}

/* The metrics of one device (labels DEV_read_bytes...). Figures missing for this run
 * say why; those a device never gives (md counts no time) are plain U. */
static void
dev_metrics(struct pl_item *it, const char *show, const struct pl_diskstats_rates *v,
	    const char *gone)
{
	const struct { const char *name; double value; enum pl_unit unit; } m[] = {
		{ "read_bytes", v->rbytes, PL_U_BYTES_PER_S },
		{ "write_bytes", v->wbytes, PL_U_BYTES_PER_S },
		{ "read_iops", v->riops, PL_U_NONE },
		{ "write_iops", v->wiops, PL_U_NONE },
		{ "util", v->util, PL_U_PERCENT },
		{ "read_await", v->rawait, PL_U_SECONDS },
		{ "write_await", v->wawait, PL_U_SECONDS },
		{ "queue", v->queue, PL_U_NONE },
		{ "inflight", v->inflight, PL_U_NONE },
	};
	const char *gap = gone != NULL ? gone : pl_diskstats_gap_text(v->gap);
	char why[SHOW_LEN * 4 + 96], e[SHOW_LEN * 4];

	pl_name_str(e, sizeof(e), show);
	pl_snprintf(why, sizeof(why), "%s %s", e, gap ? gap : "");
	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		struct pl_metric *pm = pl_item_metric(it, m[i].name, m[i].value, m[i].unit);

		if (i == 4)
			pl_metric_minmax(pm, 0, 100);
		if (gap != NULL && isnan(m[i].value))
			pl_metric_missing(pm, PL_MISSING_RUN, why, NULL);
	}
}

static void
dev_line(struct pl_item *it, const struct pl_diskstats_rates *v)
{
	char h[10][32];

	if (v->gap != PL_DS_GAP_NONE) {
		pl_item_line(it, _("%s: no rates this run"), pl_diskstats_gap_text(v->gap));
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
		pl_item_line(it, _("read %s (%s IOPS), write %s (%s IOPS)"), h[1], h[2], h[4], h[5]);
	else
		pl_item_line(it, _("%s util, read %s (%s IOPS, await %s), write %s (%s IOPS, await %s), queue %s, %s in flight"),
			     h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7],
			     pl_fmt_num(h[8], sizeof(h[8]), v->inflight, 0));
	if (v->untimed)
		pl_item_line(it, _("counts requests but no time (md and some device-mapper targets on older kernels): no util, await or queue"));
}

/* -v: where the device comes from and the figures behind the averages. */
static void
dev_detail(const struct dio_ctx *x, struct pl_item *it, const struct dev *d,
	   const struct chosen *ch, const struct pl_diskstats_rates *v)
{
	char rot[8] = "", path[256], sname[NAME_LEN], h[4][32];
	struct pl_buf b;

	pl_snprintf(path, sizeof(path), "/sys/block/%s/queue/rotational",
		    pl_diskstats_sysfs_name(d->e.name, sname, sizeof(sname)));
	if (pl_read_small(x->c->root, path, rot, sizeof(rot)) < 0)
		rot[0] = '\0';
	pl_buf_init(&b, 400);
	pl_buf_printf(&b, _("%u:%u, %s%s, %d stat fields"), d->e.major, d->e.minor,
		      ch && ch->partition ? _("partition") :
		      strncmp(d->e.name, "dm-", 3) == 0 ? _("device-mapper") :
		      strncmp(d->e.name, "md", 2) == 0 ? _("md array") : _("whole device"),
		      rot[0] == '1' ? _(", rotational") : rot[0] == '0' ? _(", non-rotational") : "",
		      d->e.nfields);
	if (!isnan(v->rmerge))
		pl_buf_printf(&b, _("; merged r %s/s w %s/s"),
			      pl_fmt_num(h[0], sizeof(h[0]), v->rmerge, 1),
			      pl_fmt_num(h[1], sizeof(h[1]), v->wmerge, 1));
	if (v->gap == PL_DS_GAP_NONE && (v->riops > 0 || v->wiops > 0))
		pl_buf_printf(&b, _("; average request r %s w %s"),
			      pl_unit_human(h[2], sizeof(h[2]),
					    v->riops > 0 ? v->rbytes / v->riops : 0, PL_U_BYTES),
			      pl_unit_human(h[3], sizeof(h[3]),
					    v->wiops > 0 ? v->wbytes / v->wiops : 0, PL_U_BYTES));
	if (!isnan(v->dbytes))
		pl_buf_printf(&b, _("; discarded %s"),
			      pl_unit_human(h[0], sizeof(h[0]), v->dbytes, PL_U_BYTES_PER_S));
	if (!isnan(v->flushes))
		pl_buf_printf(&b, _("; flushes %s/s"), pl_fmt_num(h[1], sizeof(h[1]), v->flushes, 1));
	pl_item_line(it, "%s", pl_buf_str(&b));
	pl_buf_free(&b);
}

static int
cmp_dev(const void *a, const void *b)
{
	return strcmp(((const struct dev *)a)->e.name, ((const struct dev *)b)->e.name);
}

static const struct dev *
slot_find(const struct slot *s, const char *name)
{
	struct dev key;

	pl_strlcpy(key.e.name, name, sizeof(key.e.name));
	return bsearch(&key, s->v, s->n, sizeof(*s->v), cmp_dev);
}

/* The busiest device so far: the highest utilisation where one is known, else the most
 * bytes moved. */
static bool
busier(const struct pl_diskstats_rates *v, const struct pl_diskstats_rates *best, bool any)
{
	if (v->gap != PL_DS_GAP_NONE)
		return false;
	return !any || (isnan(best->util) && !isnan(v->util)) ||
	       (!isnan(v->util) && v->util > best->util) ||
	       (isnan(best->util) && isnan(v->util) &&
		v->rbytes + v->wbytes > best->rbytes + best->wbytes);
}

/* Devices named by --include that are not there: items with a WARNING, their labels
 * kept (U) so that graphs and thresholds naming them keep working. */
static void
dio_missing(const struct dio_ctx *x, struct pl_result *r)
{
	struct pl_diskstats_rates none;

	memset(&none, 0, sizeof(none));
	none.rbytes = none.wbytes = none.riops = none.wiops = none.util = NAN;
	none.rawait = none.wawait = none.queue = none.inflight = NAN;
	for (size_t i = 0; i < x->nmissing; i++) {
		struct pl_item *it = pl_result_item(r, "device", x->missing[i]);

		pl_item_finding(it, PL_WARNING, _("missing"));
		dev_metrics(it, x->missing[i], &none, _("is missing"));
	}
}

/* Lines whose name no kernel gives, each that device's problem alone (the others are
 * still judged): an UNKNOWN item per line the selection takes. Returns how many. */
static size_t
dio_odd(const struct dio_ctx *x, struct pl_result *r)
{
	size_t n = 0;

	for (size_t i = 0; i < x->now.nbad; i++) {
		const struct pl_bad_line *b = &x->now.bad[i];
		const char *name = b->name;

		if (!pl_select_take(&x->c->select, &name, 1, true))
			continue;
		pl_item_finding(pl_result_item(r, "device", name), PL_UNKNOWN,
				_("/proc/diskstats line %zu %s: not checked"), b->lineno, b->why);
		n++;
	}
	return n;
}

/* One item per device: metrics, lines, facts; the summary names the busiest. */
static void
dio_evaluate(const struct dio_ctx *x, enum pl_basis basis, double dt, struct pl_result *r)
{
	const struct slot *now = &x->s[0], *then = &x->s[1];
	struct pl_diskstats_rates best, v;
	const struct dev *busiest = NULL;
	char e[SHOW_LEN * 4];

	for (size_t i = 0, k = 0; i < now->n; i++) {
		const struct dev *d = &now->v[i];
		struct pl_item *it = pl_result_item(r, "device", d->show);
		const struct dev *t = slot_find(then, d->e.name);

		/* Slot 0 is in the order of the chosen devices, some perhaps gone. */
		while (k < x->nsel && strcmp(x->sel[k].name, d->e.name) != 0)
			k++;
		pl_diskstats_rates(&d->e, t ? &t->e : NULL, dt, &v);
		dev_metrics(it, d->show, &v, NULL);
		dev_line(it, &v);
		if (strcmp(d->show, d->e.name) != 0)
			pl_item_fact(it, "kernel name", "%s", d->e.name);
		if (k < x->nsel && x->sel[k].by_mount)
			pl_item_fact(it, "mount", "%s", x->mount_fs[x->sel[k].by_mount - 1]);
		if (x->c->verbose > 0)
			dev_detail(x, it, d, k < x->nsel ? &x->sel[k] : NULL, &v);
		if (busier(&v, &best, busiest != NULL)) {
			busiest = d;
			best = v;
		}
	}
	for (size_t i = 0; basis == PL_BASIS_STATE && i < then->n; i++)
		if (pl_diskstats_find(&x->now, then->v[i].e.name) == NULL) {
			pl_name_str(e, sizeof(e), then->v[i].show);
			pl_result_line(r, _("%s is gone since the last run"), e);
		}
	if (now->n == 0) {
		pl_result_summary(r, _("no device to report"));
		return;
	}
	if (busiest == NULL) {
		pl_result_summary(r, P_("%zu device, no rates this run",
					"%zu devices, no rates this run", now->n), now->n);
		return;
	}
	dio_summary(r, now->n, busiest, &best);
}

/* No device to report: which rule left them out (named by option, never by value), or
 * what the defaults leave out. */
static const char *
dev_name_at(const void *ctx, size_t i)
{
	return ((const struct pl_diskstats *)ctx)->v[i].name;
}

static void __attribute__((noreturn))
dio_none(const struct dio_ctx *x)
{
	struct pl_buf line = PL_BUF_INIT;

	pl_buf_init(&line, 2048);
	pl_select_nothing(&x->c->select, dev_name_at, &x->now, x->now.n, _("block device"),
			  _("devices"),
			  _("partitions need --partitions, loop and ram devices --include"), &line);
	pl_die(PL_UNKNOWN, "%s", pl_buf_str(&line));
}

int
main(int argc, char **argv)
{
	struct dio_config cfg;
	struct pl_common c;
	struct dio_ctx x;
	struct pl_result r;
	enum pl_basis basis;
	double dt = 0;
	char btext[PL_SAMPLE_BASIS_MAX];

	memset(&cfg, 0, sizeof(cfg));
	pl_plugin_parse(&dio_plugin, argc, argv, &cfg, &c);
	pl_plugin_arm(&c);
	pl_result_init(&r, dio_plugin.name, dio_plugin.service);
	memset(&x, 0, sizeof(x));
	x.c = &c;
	x.cfg = &cfg;

	basis = pl_sample(&c, &dio_ops, &x, &dt, btext, sizeof(btext), &r);
	if (basis == PL_BASIS_ERROR)
		pl_die(PL_UNKNOWN, "%s", btext);
	if (dio_odd(&x, &r) == 0 && x.s[0].n == 0 && x.nmissing == 0)
		dio_none(&x);
	qsort(x.s[1].v, x.s[1].n, sizeof(*x.s[1].v), cmp_dev);
	pl_result_line(&r, P_("%s, %zu device", "%s, %zu devices", x.s[0].n), btext, x.s[0].n);
	dio_missing(&x, &r);
	dio_evaluate(&x, basis, dt, &r);

	for (size_t i = 0; i < cfg.mounts.n; i++)
		free(x.mount_fs[i]);
	slot_clear(&x.s[0]);
	slot_clear(&x.s[1]);
	pl_diskstats_free(&x.now);
	free(x.sel);
	pl_buf_free(&x.buf);
	pl_exit(&r, &c);
}
