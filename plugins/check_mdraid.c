/* check_mdraid: Linux software RAID (md) arrays from /proc/mdstat and /sys/block/mdN/md.
 *
 * /proc/mdstat says what the kernel sees: each array's state, members, the [n/m] [UU_]
 * slots and any resync, recovery, reshape or check running. sysfs adds what mdstat does
 * not show: the degraded count of levels without [n/m], mismatch_cnt after a check, and
 * whether a "resync" is really a repair. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pl_buf.h"
#include "pl_file.h"
#include "pl_mdstat.h"
#include "pl_num.h"
#include "pl_plugin.h"
#include "pl_result.h"
#include "pl_select.h"
#include "pl_timeout.h"

struct md_config {
	enum pl_state no_arrays;       /* no arrays at all (or none selected) */
	enum pl_state check_state;     /* a check or repair is running */
	enum pl_state inactive_state;  /* an array is assembled but not started */
	bool mismatch_warn;            /* warn on a nonzero mismatch_cnt */
};

enum {
	OPT_NO_ARRAYS = 256,
	OPT_CHECK_STATE, OPT_INACTIVE_STATE, OPT_MISMATCH_WARN,
};

static const struct pl_option md_opts[] = {
	{ "no-arrays", OPT_NO_ARRAYS, PL_ARG, "STATE",
	  "State when there is no array to check: no arrays in /proc/mdstat, none left "
	  "after --include/--exclude, or no md driver at all (no /proc/mdstat). Default "
	  "unknown, since a RAID check on a host without RAID is usually a mistake; use ok "
	  "for a check applied to hosts that may have none.", PL_OPT_SYNOPSIS },
	{ "check-state", OPT_CHECK_STATE, PL_ARG, "STATE",
	  "State while a check or repair runs (default ok: Debian's checkarray runs one "
	  "every month). The progress is shown either way.", 0 },
	{ "inactive-state", OPT_INACTIVE_STATE, PL_ARG, "STATE",
	  "State of an array that is assembled but not running (default critical: its data "
	  "is unavailable). External-metadata containers (IMSM, DDF) are never running and "
	  "are always ok.", 0 },
	{ "mismatch-warn", OPT_MISMATCH_WARN, PL_NOARG, "",
	  "Warn when an array's mismatch_cnt is not 0. By default it is only a metric: after "
	  "a check, raid1 and raid10 arrays often count harmless mismatches (swap, aborted "
	  "writes). For one array, use --warningx md0_mismatch=0 instead.", 0 },
	{ NULL, 0, 0, NULL, NULL, 0 },
};

static int
md_option(void *cfgp, int key, const char *arg, char *err, size_t errlen)
{
	struct md_config *cfg = cfgp;
	enum pl_state *st = NULL;

	switch (key) {
	case OPT_MISMATCH_WARN:
		cfg->mismatch_warn = true;
		return 0;
	case OPT_NO_ARRAYS:
		st = &cfg->no_arrays;
		break;
	case OPT_CHECK_STATE:
		st = &cfg->check_state;
		break;
	case OPT_INACTIVE_STATE:
		st = &cfg->inactive_state;
		break;
	default:
		return -1;
	}
	if (pl_state_parse(arg, st) == 0)
		return 0;
	pl_snprintf(err, errlen, "'%s' is not a state (ok, warning, critical, unknown)", arg);
	return -1;
}

static const char *const md_primary[] = { "*_degraded", NULL };

static const struct pl_plugin md_plugin = {
	.selects =
		"--include and --exclude match array names ('md0', 'md12*'). Every array is "
		"taken by default; an array named without wildcards that does not exist is "
		"CRITICAL.",
	.name = "check_mdraid",
	.service = "MDRAID",
	.purpose = "Linux software RAID (md) arrays from /proc/mdstat and sysfs",
	.description =
		"Checks every md array the kernel knows (or those chosen with --include and "
		"--exclude) and reports the worst state:\n"
		"CRITICAL: an array is degraded (fewer working members than slots: [2/1] [U_]) "
		"and nothing is rebuilding it; a member has failed (F), until it is removed "
		"from the array; an array is broken, or inactive (see --inactive-state); an "
		"array named with --include does not exist.\n"
		"WARNING: a resync, recovery or reshape is running, delayed or pending: the "
		"array is not fully redundant until it ends (a degraded array that is being "
		"rebuilt is WARNING, not CRITICAL: someone already acted). The line shows the "
		"progress, the kernel's estimate of the time left and the speed.\n"
		"OK: all arrays in sync. Spares, write-mostly members, read-only arrays and a "
		"running check or repair (see --check-state) are fine and shown.\n"
		"UNKNOWN: /proc/mdstat is missing (the md driver is not loaded) or cannot be "
		"read whole, or has no arrays (see --no-arrays).\n"
		"-w and -c put a range on the degraded count of every array (*_degraded); a "
		"degraded array is CRITICAL anyway, so they matter only with --warningx and "
		"--criticalx on other metrics (see Examples).",
	.options = md_opts,
	.handle = md_option,
	.primary = md_primary,
	.metrics =
		"For each array NAME (md0, md127...): NAME_disks (slots, the n of [n/m]; for "
		"raid0 and linear the members), NAME_active (working members, the m; 0 when "
		"inactive), NAME_degraded (slots not in sync), NAME_failed (members marked "
		"faulty), NAME_spare (spares), NAME_sync (percent done of the running resync, "
		"recovery, reshape, check or repair; U when none), NAME_mismatch (sysfs "
		"mismatch_cnt, in 512-byte sectors, when the array has one).",
	.examples =
		"  check_mdraid\n"
		"      All arrays: CRITICAL when one is degraded, WARNING while one rebuilds.\n"
		"  check_mdraid --include md0 --include md1\n"
		"      Only md0 and md1; CRITICAL when either is missing.\n"
		"  check_mdraid --no-arrays ok --exclude 'md12*'\n"
		"      For a host group where some hosts have no RAID at all.\n"
		"  check_mdraid --check-state warning --mismatch-warn\n"
		"      Warn during a check, and when a check found mismatches.\n"
		"  check_mdraid --criticalx md0_spare=1:\n"
		"      Also CRITICAL when md0 has no hot spare left.\n",
	.uses_state = false,
};

/* What sysfs adds for one array; each field only when its file was readable. */
struct md_sys {
	bool has_degraded, has_mismatch, has_raid_disks, has_action;
	uint64_t degraded, mismatch, raid_disks;
	enum pl_md_action action;
	char array_state[32];
	char level[16];
};

static void
sys_read(const struct pl_common *c, const char *name, struct md_sys *s)
{
	char path[256], v[64];

	memset(s, 0, sizeof(*s));
	pl_timeout_waiting("reading /sys/block/md*/md");
#define ATTR(a) (pl_snprintf(path, sizeof(path), "/sys/block/%s/md/%s", name, a), \
		 pl_read_small(c->root, path, v, sizeof(v)) >= 0)
	if (ATTR("degraded") && pl_parse_u64(v, 100000, &s->degraded) == 0)
		s->has_degraded = true;
	if (ATTR("mismatch_cnt") && pl_parse_u64(v, UINT64_MAX, &s->mismatch) == 0)
		s->has_mismatch = true;
	if (ATTR("raid_disks") && pl_parse_u64(v, 100000, &s->raid_disks) == 0)
		s->has_raid_disks = true;
	if (ATTR("sync_action") && pl_md_sync_action_parse(v, &s->action) == 0)
		s->has_action = true;
	if (ATTR("array_state"))
		pl_strlcpy(s->array_state, v, sizeof(s->array_state));
	if (ATTR("level"))
		pl_strlcpy(s->level, v, sizeof(s->level));
#undef ATTR
	pl_debug(c, 2, "%s sysfs: degraded=%s mismatch=%s array_state=%s", name,
		 s->has_degraded ? "yes" : "n/a", s->has_mismatch ? "yes" : "n/a",
		 s->array_state);
}

/* The kernel's estimate in minutes, as people read it: "17min", "8h26m", "3d04h". */
static char *
eta_text(char *buf, size_t len, double min)
{
	long m = (long)(min + 0.5);

	if (min < 1)
		pl_snprintf(buf, len, "<1min");
	else if (m < 60)
		pl_snprintf(buf, len, "%ldmin", m);
	else if (m < 48 * 60)
		pl_snprintf(buf, len, "%ldh%02ldm", m / 60, m % 60);
	else
		pl_snprintf(buf, len, "%ldd%02ldh", m / 1440, (m % 1440) / 60);
	return buf;
}

/* "recovery 37.9%, ETA 8h26m at 156MiB/s", "resync delayed", "resync pending". */
static void
action_text(const struct pl_md_array *a, enum pl_md_action act, struct pl_buf *b)
{
	char n[32], eta[32];

	pl_buf_printf(b, "%s", pl_md_action_name(act));
	switch (a->progress) {
	case PL_MD_DELAYED: pl_buf_puts(b, " delayed"); return;
	case PL_MD_PENDING: pl_buf_puts(b, " pending"); return;
	case PL_MD_REMOTE: pl_buf_puts(b, " running on another cluster node"); return;
	case PL_MD_RUNNING: break;
	}
	pl_buf_printf(b, " %s", pl_unit_human(n, sizeof(n), a->percent, PL_U_PERCENT));
	if (a->has_finish)
		pl_buf_printf(b, ", ETA %s", eta_text(eta, sizeof(eta), a->finish_min));
	if (a->has_speed)
		pl_buf_printf(b, " at %s", pl_unit_human(n, sizeof(n), (double)a->speed_kps * 1024,
							 PL_U_BYTES_PER_S));
}

/* "md0 raid1", "md219 container", "md4" (inactive, level unknown). */
static void
array_title(const struct pl_md_array *a, const char *level, struct pl_buf *b)
{
	pl_buf_puts(b, a->name);
	if (level[0])
		pl_buf_printf(b, " %s", level);
}

/* What an array's findings start with after its name: "raid1 ", or nothing. */
static const char *
level_sp(const char *level, char *buf, size_t len)
{
	pl_snprintf(buf, len, "%s%s", level, level[0] ? " " : "");
	return buf;
}

/* The array's long-output line: what mdstat and sysfs said of its state; and what does
 * not change from run to run (level, metadata, chunk size) as facts. */
static void
array_line(struct pl_item *it, const struct pl_mdstat *st, const struct pl_md_array *a,
	   const char *level, enum pl_md_action act, const struct md_sys *s)
{
	struct pl_buf b = PL_BUF_INIT;
	char n[32];

	pl_buf_init(&b, 2048);
	pl_buf_printf(&b, "%s", a->state == PL_MD_ACTIVE ? "active" :
		      a->state == PL_MD_BROKEN ? "broken" :
		      pl_md_is_container(a) ? "container" : "inactive");
	if (a->read_only)
		pl_buf_puts(&b, " (read-only)");
	if (a->auto_read_only)
		pl_buf_puts(&b, " (auto-read-only)");
	if (level[0])
		pl_buf_printf(&b, " %s", level);
	if (a->has_counts)
		pl_buf_printf(&b, " [%u/%u] [%s]", a->raid_disks, a->in_sync, a->status);
	if (a->nmembers) {
		pl_buf_puts(&b, ", members");
		for (size_t i = 0; i < a->nmembers; i++) {
			const struct pl_md_member *m = pl_md_member(st, a, i);

			pl_buf_printf(&b, " %s[%d]%s%s%s%s%s", m->dev, m->role,
				      m->flags & PL_MD_WRITE_MOSTLY ? "(W)" : "",
				      m->flags & PL_MD_JOURNAL ? "(J)" : "",
				      m->flags & PL_MD_FAULTY ? "(F)" : "",
				      m->flags & PL_MD_SPARE ? "(S)" : "",
				      m->flags & PL_MD_REPLACEMENT ? "(R)" : "");
		}
	}
	if (act != PL_MD_IDLE) {
		pl_buf_puts(&b, ", ");
		action_text(a, act, &b);
		if (a->has_done)
			pl_buf_printf(&b, " (%llu/%llu blocks)", (unsigned long long)a->done,
				      (unsigned long long)a->total);
	}
	if (a->has_blocks)
		pl_buf_printf(&b, ", size %s",
			      pl_unit_human(n, sizeof(n), (double)a->blocks * 1024, PL_U_BYTES));
	if (a->has_bitmap)
		pl_buf_printf(&b, ", bitmap %llu/%llu pages", (unsigned long long)a->bitmap_pages,
			      (unsigned long long)a->bitmap_total);
	if (s->has_mismatch)
		pl_buf_printf(&b, ", mismatch_cnt %llu", (unsigned long long)s->mismatch);
	pl_item_line(it, "%s", pl_buf_str(&b));
	pl_buf_free(&b);
	if (level[0])
		pl_item_fact(it, "level", "%s", level);
	if (a->super[0])
		pl_item_fact(it, "metadata", "%s", a->super);
	if (a->chunk_kb)
		pl_item_fact(it, "chunk", "%lluK", (unsigned long long)a->chunk_kb);
}

struct md_tally {
	size_t checked, healthy, excluded;
	struct pl_buf briefs;          /* "md0 raid1 [UU], md1 raid5 [UUU_] degraded" */
	size_t rebuilding, degraded, inactive, checking;
};

/* Evaluates one array: an item with its metrics, findings, line and facts, and its brief
 * for the summary. Metric labels are the item's: md0_disks, md0_degraded... */
static void
md_array(const struct md_config *cfg, const struct pl_common *c, const struct pl_mdstat *st,
	 const struct pl_md_array *a, struct pl_result *r, struct md_tally *t)
{
	struct md_sys s;
	struct pl_buf b = PL_BUF_INIT, title = PL_BUF_INIT;
	struct pl_item *it = pl_result_item(r, "array", a->name);
	const char *level;
	char lv[24];
	enum pl_md_action act = a->action;
	enum pl_state worst = PL_OK;
	unsigned deg = pl_md_degraded(a), working = (unsigned)(a->nmembers - a->nfaulty -
							       a->nspare);
	double disks, active, sync = NAN;
	bool container = pl_md_is_container(a), rebuilding, mending;

	sys_read(c, a->name, &s);
	level = a->level[0] ? a->level : s.level;
	if (container)
		level = "";
	if (act == PL_MD_RESYNC && s.has_action && s.action == PL_MD_REPAIR)
		act = PL_MD_REPAIR;     /* mdstat prints a repair as "resync" */
	if (s.has_degraded && s.degraded > deg)
		deg = (unsigned)s.degraded;
	disks = a->has_counts ? a->raid_disks : s.has_raid_disks ? (double)s.raid_disks : working;
	active = a->state == PL_MD_INACTIVE ? 0 : a->has_counts ? a->in_sync : working;
	if (act != PL_MD_IDLE && a->progress == PL_MD_RUNNING)
		sync = a->percent;

	pl_metric_minmax(pl_item_metric(it, "disks", disks, PL_U_NONE), 0, disks);
	pl_metric_minmax(pl_item_metric(it, "active", active, PL_U_NONE), 0, disks);
	pl_metric_minmax(pl_item_metric(it, "degraded", deg, PL_U_NONE), 0, disks);
	pl_item_metric(it, "failed", a->nfaulty, PL_U_NONE)->has_min = true;
	pl_item_metric(it, "spare", a->nspare, PL_U_NONE)->has_min = true;
	pl_metric_minmax(pl_item_metric(it, "sync", sync, PL_U_PERCENT), 0, 100);
	if (s.has_mismatch)
		pl_item_metric(it, "mismatch", (double)s.mismatch, PL_U_NONE)->has_min = true;

	pl_buf_init(&title, 256);
	pl_buf_init(&b, 1024);
	array_title(a, level, &title);
	level_sp(level, lv, sizeof(lv));
	rebuilding = act == PL_MD_RESYNC || act == PL_MD_RECOVERY || act == PL_MD_RESHAPE;
	/* A degraded array is only being mended by a running recovery that has a disk for
	 * every missing slot. A resync or reshape of a degraded array, a recovery that is
	 * delayed or pending, or one short of disks leaves it without redundancy: that
	 * stays CRITICAL. */
	{
		unsigned occupied = 0;

		for (size_t i = 0; i < a->nmembers; i++)
			if (!(pl_md_member(st, a, i)->flags & (PL_MD_FAULTY | PL_MD_SPARE |
							       PL_MD_JOURNAL | PL_MD_REPLACEMENT)))
				occupied++;
		mending = act == PL_MD_RECOVERY && a->progress == PL_MD_RUNNING &&
			  (!a->has_counts || occupied >= a->raid_disks);
	}
	if (container) {
		pl_buf_printf(&b, "%s %s container", a->name, a->super + 9);
	} else if (a->state == PL_MD_INACTIVE) {
		if (cfg->inactive_state != PL_OK)
			pl_item_finding(it, cfg->inactive_state,
					"inactive (assembled but not started)");
		worst = pl_state_worst(worst, cfg->inactive_state);
		pl_buf_printf(&b, "%s inactive", a->name);
		t->inactive++;
	} else if (a->state == PL_MD_BROKEN || strcmp(s.array_state, "broken") == 0) {
		pl_item_finding(it, PL_CRITICAL, "%sbroken (a member it needs is missing)", lv);
		worst = PL_CRITICAL;
		pl_buf_printf(&b, "%s broken", pl_buf_str(&title));
	} else {
		pl_buf_puts(&b, pl_buf_str(&title));
		if (a->has_counts)
			pl_buf_printf(&b, " [%s]", a->status);
		if (a->nfaulty) {
			struct pl_buf f = PL_BUF_INIT;

			pl_buf_init(&f, 256);
			for (size_t i = 0; i < a->nmembers; i++) {
				const struct pl_md_member *m = pl_md_member(st, a, i);

				if (m->flags & PL_MD_FAULTY)
					pl_buf_printf(&f, "%s%s", f.len ? ", " : "", m->dev);
			}
			pl_item_finding(it, PL_CRITICAL, "failed member%s %s",
					a->nfaulty > 1 ? "s" : "", pl_buf_str(&f));
			pl_buf_free(&f);
			worst = PL_CRITICAL;
		}
		if (deg > 0 && !mending) {
			if (a->has_counts)
				pl_item_finding(it, PL_CRITICAL, "%sdegraded [%u/%u] [%s]", lv,
						a->raid_disks, a->in_sync, a->status);
			else
				pl_item_finding(it, PL_CRITICAL, "%sdegraded (%u missing)", lv,
						deg);
			worst = PL_CRITICAL;
			pl_buf_puts(&b, " degraded");
			t->degraded++;
		}
		if (act != PL_MD_IDLE) {
			struct pl_buf at = PL_BUF_INIT;
			enum pl_state as = rebuilding ? PL_WARNING : cfg->check_state;

			pl_buf_init(&at, 256);
			action_text(a, act, &at);
			/* A rebuild of a degraded array shows which slots it rebuilds. */
			if (as != PL_OK && deg > 0 && a->has_counts)
				pl_item_finding(it, as, "%s[%s] %s", lv, a->status,
						pl_buf_str(&at));
			else if (as != PL_OK)
				pl_item_finding(it, as, "%s%s", lv, pl_buf_str(&at));
			worst = pl_state_worst(worst, as);
			pl_buf_printf(&b, " %s", pl_md_action_name(act));
			if (a->progress == PL_MD_RUNNING)
				pl_buf_printf(&b, " %.1f%%", a->percent);
			else
				pl_buf_puts(&b, a->progress == PL_MD_DELAYED ? " delayed" :
					    a->progress == PL_MD_PENDING ? " pending" : " remote");
			if (rebuilding)
				t->rebuilding++;
			else
				t->checking++;
			pl_buf_free(&at);
		}
		if (cfg->mismatch_warn && s.has_mismatch && s.mismatch > 0) {
			pl_item_finding(it, PL_WARNING,
					"mismatch_cnt %llu after the last check (run a repair, "
					"or find out why)", (unsigned long long)s.mismatch);
			worst = pl_state_worst(worst, PL_WARNING);
		}
	}
	if (worst == PL_OK)
		t->healthy++;
	if (t->briefs.len)
		pl_buf_puts(&t->briefs, ", ");
	pl_buf_puts(&t->briefs, pl_buf_str(&b));
	array_line(it, st, a, level, act, &s);
	pl_buf_free(&b);
	pl_buf_free(&title);
}

/* An include rule that names one array, without wildcards, promises that it exists. */
static void
md_missing(const struct pl_common *c, const struct pl_mdstat *st, struct pl_result *r,
	   size_t *nmissing)
{
	const char **names = calloc(st->narrays + 1, sizeof(*names)), *missing[16];
	size_t nm;

	for (size_t i = 0; names != NULL && i < st->narrays; i++)
		names[i] = st->arrays[i].name;
	nm = pl_select_missing(&c->select, names, names ? st->narrays : 0, missing, 16);
	for (size_t i = 0; i < nm && i < 16; i++)
		pl_item_finding(pl_result_item(r, "array", missing[i]), PL_CRITICAL,
				"not found in /proc/mdstat");
	*nmissing += nm;
	free(names);
}

static void
md_summary(struct pl_result *r, const struct md_tally *t, bool problems)
{
	struct pl_buf b = PL_BUF_INIT;

	pl_buf_init(&b, 512);
	if (t->checked == 1 && !problems) {
		pl_buf_puts(&b, pl_buf_str(&t->briefs));
	} else if (!problems && t->briefs.len + 12 <= 76) {
		pl_buf_printf(&b, "%zu arrays: %s", t->checked, pl_buf_str(&t->briefs));
	} else if (problems) {
		/* The findings lead the line and name the arrays; one array needs no more. */
		if (t->checked > 1 && t->healthy > 0)
			pl_buf_printf(&b, "%zu arrays, %zu healthy", t->checked, t->healthy);
		else if (t->checked > 1)
			pl_buf_printf(&b, "%zu arrays", t->checked);
	} else {
		pl_buf_printf(&b, "%zu arrays", t->checked);
		if (t->healthy == t->checked)
			pl_buf_puts(&b, ", all in sync");
		else if (t->healthy)
			pl_buf_printf(&b, ", %zu healthy", t->healthy);
		if (t->degraded)
			pl_buf_printf(&b, ", %zu degraded", t->degraded);
		if (t->rebuilding)
			pl_buf_printf(&b, ", %zu rebuilding", t->rebuilding);
		if (t->inactive)
			pl_buf_printf(&b, ", %zu inactive", t->inactive);
		if (t->checking)
			pl_buf_printf(&b, ", %zu checking", t->checking);
	}
	pl_result_summary(r, "%s", pl_buf_str(&b));
	pl_buf_free(&b);
}

/* No arrays to check: the chosen state, with what "none" means here. */
static void
md_none(const struct md_config *cfg, struct pl_result *r, const char *what)
{
	if (cfg->no_arrays != PL_OK)
		pl_result_finding(r, cfg->no_arrays, "%s", what);
	else
		pl_result_summary(r, "%s", what);
}

int
main(int argc, char **argv)
{
	struct md_config cfg = { PL_UNKNOWN, PL_OK, PL_CRITICAL, false };
	struct md_tally t;
	struct pl_common c;
	struct pl_buf buf = PL_BUF_INIT;
	struct pl_mdstat st;
	struct pl_result r;
	char err[512], path[4096];
	size_t nmissing = 0;

	pl_plugin_parse(&md_plugin, argc, argv, &cfg, &c);
	pl_plugin_arm(&c);
	pl_result_init(&r, md_plugin.name, md_plugin.service);
	memset(&t, 0, sizeof(t));
	pl_buf_init(&t.briefs, 4096);

	pl_timeout_waiting("reading /proc/mdstat");
	if (pl_read_file(c.root, "/proc/mdstat", &buf, err, sizeof(err)) != 0) {
		struct stat sb;

		if (pl_path(c.root, "/proc/mdstat", path, sizeof(path)) == 0 &&
		    stat(path, &sb) != 0 && errno == ENOENT) {
			md_none(&cfg, &r, "no /proc/mdstat: the md driver is not loaded (no "
				"software RAID on this host?)");
			pl_buf_free(&t.briefs);
			pl_exit(&r, &c);
		}
		pl_die(PL_UNKNOWN, "%s", err);
	}
	if (pl_mdstat_parse(pl_buf_str(&buf), buf.len, &st, err, sizeof(err)) != 0)
		pl_die(PL_UNKNOWN, "/proc/mdstat: %s", err);
	pl_buf_free(&buf);

	md_missing(&c, &st, &r, &nmissing);
	for (size_t i = 0; i < st.narrays; i++) {
		const struct pl_md_array *a = &st.arrays[i];
		const char *names[1] = { a->name };

		if (!pl_select_take(&c.select, names, 1, true)) {
			pl_debug(&c, 1, "%s: excluded", a->name);
			t.excluded++;
			continue;
		}
		t.checked++;
		md_array(&cfg, &c, &st, a, &r, &t);
	}

	if (t.checked == 0 && nmissing == 0) {
		if (st.narrays == 0)
			md_none(&cfg, &r, "no md arrays in /proc/mdstat");
		else
			md_none(&cfg, &r, t.excluded == 1 ? "no md array selected (1 excluded)" :
				"no md arrays selected (all excluded)");
	} else if (t.checked > 0) {
		md_summary(&r, &t, pl_result_state(&r) != PL_OK);
	}
	pl_mdstat_free(&st);
	pl_buf_free(&t.briefs);
	pl_exit(&r, &c);
}
