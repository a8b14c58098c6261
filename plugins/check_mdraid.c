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

#include "pl_i18n.h"
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

static const struct pl_option md_opts[] = {
	{ .name = "no-arrays", .type = PL_OPT_STATE, PL_OPT_AT(struct md_config, no_arrays),
	  .flags = PL_OPT_SYNOPSIS,
	  .help = N_("State when there is no array to check: no arrays in /proc/mdstat, none "
		  "left after --include/--exclude, or no md driver at all (no /proc/mdstat). "
		  "Default unknown, since a RAID check on a host without RAID is usually a "
		  "mistake; use ok for a check applied to hosts that may have none.") },
	{ .name = "check-state", .type = PL_OPT_STATE, PL_OPT_AT(struct md_config, check_state),
	  .help = N_("State while a check or repair runs (default ok: Debian's checkarray runs "
		  "one every month). The progress is shown either way.") },
	{ .name = "inactive-state", .type = PL_OPT_STATE,
	  PL_OPT_AT(struct md_config, inactive_state),
	  .help = N_("State of an array that is assembled but not running (default critical: "
		  "its data is unavailable). External-metadata containers (IMSM, DDF) are never "
		  "running and are always ok.") },
	{ .name = "mismatch-warn", .type = PL_OPT_SWITCH,
	  PL_OPT_AT(struct md_config, mismatch_warn),
	  .help = N_("Warn when an array's mismatch_cnt is not 0. By default it is only a metric: "
		  "after a check, raid1 and raid10 arrays often count harmless mismatches (swap, "
		  "aborted writes). For one array, use --warningx md0_mismatch=0 instead.") },
	{ .name = NULL },
};

static const char *const md_primary[] = { "*_degraded", NULL };

static const struct pl_plugin md_plugin = {
	.selects =
		N_("--include and --exclude match array names ('md0', 'md12*'). Every array is "
		"taken by default; an array named without wildcards that does not exist is "
		"CRITICAL."),
	.name = "check_mdraid",
	.service = "MDRAID",
	.purpose = N_("Linux software RAID (md) arrays from /proc/mdstat and sysfs"),
	.description =
		N_("Checks every md array the kernel knows (or those chosen with --include and "
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
		"UNKNOWN: an array whose lines in /proc/mdstat cannot be read (that array "
		"alone; the others are judged); /proc/mdstat is missing (the md driver is not "
		"loaded) or cannot be read whole, or has no arrays (see --no-arrays).\n"
		"-w and -c put a range on the degraded count of every array (*_degraded); a "
		"degraded array is CRITICAL anyway, so they matter only with --warningx and "
		"--criticalx on other metrics (see Examples)."),
	.options = md_opts,
	.primary = md_primary,
	.metrics =
		N_("For each array NAME (md0, md127...): NAME_disks (slots, the n of [n/m]; for "
		"raid0 and linear the members), NAME_active (working members, the m; 0 when "
		"inactive), NAME_degraded (slots not in sync), NAME_failed (members marked "
		"faulty), NAME_spare (spares), NAME_sync (percent done of the running resync, "
		"recovery, reshape, check or repair; U when none), NAME_mismatch (sysfs "
		"mismatch_cnt, in 512-byte sectors, when the array has one)."),
	.examples =
		N_("  check_mdraid\n"
		"      All arrays: CRITICAL when one is degraded, WARNING while one rebuilds.\n"
		"  check_mdraid --include md0 --include md1\n"
		"      Only md0 and md1; CRITICAL when either is missing.\n"
		"  check_mdraid --no-arrays ok --exclude 'md12*'\n"
		"      For a host group where some hosts have no RAID at all.\n"
		"  check_mdraid --check-state warning --mismatch-warn\n"
		"      Warn during a check, and when a check found mismatches.\n"
		"  check_mdraid --criticalx md0_spare=1:\n"
		"      Also CRITICAL when md0 has no hot spare left.\n"),
	.uses_state = false,
};

/* The array's long-output line: what mdstat and sysfs said of its state. */
static void
array_line(struct pl_item *it, const struct pl_mdstat *st, const struct pl_md_array *a,
	   const struct pl_md_judgement *j, const struct pl_md_sys *s)
{
	struct pl_buf b = PL_BUF_INIT;
	char n[32], dev[PL_MD_DEV_MAX * 4];

	pl_buf_init(&b, 2048);
	pl_buf_printf(&b, "%s", a->state == PL_MD_ACTIVE ? _("active") :
		      a->state == PL_MD_BROKEN ? _("broken") : j->container ? _("container") :
		      _("inactive"));
	if (a->read_only)
		pl_buf_puts(&b, _(" (read-only)"));
	if (a->auto_read_only)
		pl_buf_puts(&b, _(" (auto-read-only)"));
	if (j->level[0])
		pl_buf_printf(&b, " %s", j->level);
	if (a->has_counts)
		pl_buf_printf(&b, " [%u/%u] [%s]", a->raid_disks, a->in_sync, a->status);
	if (a->nmembers)
		pl_buf_puts(&b, _(", members"));
	for (size_t i = 0; i < a->nmembers; i++) {
		const struct pl_md_member *m = pl_md_member(st, a, i);

		pl_name_str(dev, sizeof(dev), m->dev);
		pl_buf_printf(&b, " %s[%d]%s%s%s%s%s", dev, m->role,
			      m->flags & PL_MD_WRITE_MOSTLY ? "(W)" : "",
			      m->flags & PL_MD_JOURNAL ? "(J)" : "", m->flags & PL_MD_FAULTY ? "(F)" : "",
			      m->flags & PL_MD_SPARE ? "(S)" : "",
			      m->flags & PL_MD_REPLACEMENT ? "(R)" : "");
	}
	if (j->action != PL_MD_IDLE) {
		pl_buf_puts(&b, ", ");
		pl_md_action_text(a, j->action, &b);
		if (a->has_done)
			pl_buf_printf(&b, _(" (%llu/%llu blocks)"), (unsigned long long)a->done,
				      (unsigned long long)a->total);
	}
	if (a->has_blocks)
		pl_buf_printf(&b, _(", size %s"),
			      pl_unit_human(n, sizeof(n), (double)a->blocks * 1024, PL_U_BYTES));
	if (a->has_bitmap)
		pl_buf_printf(&b, _(", bitmap %llu/%llu pages"), (unsigned long long)a->bitmap_pages,
			      (unsigned long long)a->bitmap_total);
	if (s->has_mismatch)
		pl_buf_printf(&b, ", mismatch_cnt %llu", (unsigned long long)s->mismatch);
	pl_item_line(it, "%s", pl_buf_str(&b));
	pl_buf_free(&b);
}

/* The verdict as the array's item: metrics (md0_disks, md0_degraded...), findings, its
 * line, and what does not change from run to run (level, metadata, chunk) as facts. */
static void
array_report(struct pl_item *it, const struct pl_mdstat *st, const struct pl_md_array *a,
	     const struct pl_md_judgement *j, const struct pl_md_sys *s)
{
	struct pl_metric *m;
	char super[sizeof(a->super) * 4];

	pl_metric_minmax(pl_item_metric(it, "disks", j->disks, PL_U_NONE), 0, j->disks);
	pl_metric_minmax(pl_item_metric(it, "active", j->active, PL_U_NONE), 0, j->disks);
	pl_metric_minmax(pl_item_metric(it, "degraded", j->degraded, PL_U_NONE), 0, j->disks);
	pl_item_metric(it, "failed", a->nfaulty, PL_U_NONE)->has_min = true;
	pl_item_metric(it, "spare", a->nspare, PL_U_NONE)->has_min = true;
	m = pl_item_metric(it, "sync", j->sync, PL_U_PERCENT);
	pl_metric_minmax(m, 0, 100);
	/* No progress to show unless an action runs: a range on NAME_sync waits for one. */
	if (isnan(j->sync))
		pl_metric_missing(m, PL_MISSING_RUN, j->action != PL_MD_IDLE ?
				  _("the array's action is not running yet (delayed or pending)") :
				  _("no resync, recovery, reshape, check or repair is running"), NULL);
	if (s->has_mismatch)
		pl_item_metric(it, "mismatch", (double)s->mismatch, PL_U_NONE)->has_min = true;
	pl_item_findings(it, &j->findings);
	array_line(it, st, a, j, s);
	if (j->level[0])
		pl_item_fact(it, "level", "%s", j->level);
	pl_name_str(super, sizeof(super), a->super);
	if (super[0])
		pl_item_fact(it, "metadata", "%s", super);
	if (a->chunk_kb)
		pl_item_fact(it, "chunk", "%lluK", (unsigned long long)a->chunk_kb);
}

/* A figure in the briefs that is a metric's ("5.7%", md0_sync): bytes start .. end - 1. */
struct md_figure {
	size_t start, end;
	const struct pl_metric *m;
};

struct md_tally {
	size_t checked, healthy, excluded, malformed;
	struct pl_buf briefs;          /* "md0 raid1 [UU], md1 raid5 [UUU_] degraded" */
	struct md_figure *figs;        /* in order; at most one per array */
	size_t nfigs, figs_cap;
	size_t rebuilding, degraded, inactive, checking;
};

/* One array: what sysfs adds, the verdict (pl_md_judge), its item, and its part of the
 * summary. */
static void
md_array(const struct md_config *cfg, const struct pl_common *c, const struct pl_mdstat *st,
	 const struct pl_md_array *a, struct pl_result *r, struct md_tally *t)
{
	const struct pl_md_policy pol = { cfg->check_state, cfg->inactive_state,
					  cfg->mismatch_warn };
	struct pl_md_sys s;
	struct pl_md_judgement j;

	/* A stanza the parser could not read is that array's problem: UNKNOWN, with what
	 * and where, while the other arrays are judged as usual. */
	if (a->malformed) {
		pl_item_finding(pl_result_item(r, "array", a->name), PL_UNKNOWN,
				_("malformed in /proc/mdstat, %s"), a->problem);
		t->malformed++;
		return;
	}
	pl_timeout_waiting(_("reading /sys/block/md*/md"));
	pl_md_sys_read(c->root, a->name, &s);
	pl_debug(c, 2, "%s sysfs: degraded=%s mismatch=%s array_state=%s", a->name,
		 s.has_degraded ? "yes" : "n/a", s.has_mismatch ? "yes" : "n/a", s.array_state);
	pl_md_judge(st, a, &s, &pol, &j);
	array_report(pl_result_item(r, "array", a->name), st, a, &j, &s);
	t->healthy += j.findings.worst == PL_OK;
	t->inactive += j.inactive;
	t->degraded += j.degraded_finding;
	t->rebuilding += j.rebuilding;
	t->checking += j.checking;
	if (t->briefs.len)
		pl_buf_puts(&t->briefs, ", ");
	if (j.brief_sync > 0 && t->nfigs == t->figs_cap) {
		size_t ncap = t->figs_cap ? t->figs_cap * 2 : 8;
		struct md_figure *v = realloc(t->figs, ncap * sizeof(*v));

		if (v != NULL) {
			t->figs = v;
			t->figs_cap = ncap;
		}
	}
	if (j.brief_sync > 0 && t->nfigs < t->figs_cap)
		t->figs[t->nfigs++] = (struct md_figure){
			t->briefs.len + j.brief_sync, t->briefs.len + strlen(j.brief),
			pl_item_find_metric(pl_result_item(r, "array", a->name), "sync") };
	pl_buf_puts(&t->briefs, j.brief);
}

/* The briefs into the summary, each sync figure tied to its metric: a breach of a range
 * on md0_sync is named there, once. */
static void
md_briefs(struct pl_result *r, const struct md_tally *t)
{
	const char *s = pl_buf_str(&t->briefs);
	size_t pos = 0;

	for (size_t i = 0; i < t->nfigs; i++) {
		const struct md_figure *f = &t->figs[i];

		if (f->start < pos || f->end > t->briefs.len)
			continue;
		pl_result_summary_add(r, "%.*s", (int)(f->start - pos), s + pos);
		pl_result_summary_metric(r, f->m, "%.*s", (int)(f->end - f->start), s + f->start);
		pos = f->end;
	}
	pl_result_summary_add(r, "%s", s + pos);
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
				_("not found in /proc/mdstat"));
	*nmissing += nm;
	free(names);
}

static void
md_summary(struct pl_result *r, const struct md_tally *t, bool problems)
{
	struct pl_buf b = PL_BUF_INIT;

	pl_buf_init(&b, 512);
	if (t->checked == 1 && !problems) {
		pl_result_summary(r, "%s", "");
		md_briefs(r, t);
		return;
	} else if (!problems && t->briefs.len + 12 <= 76) {
		pl_result_summary(r, _("%zu arrays: "), t->checked);
		md_briefs(r, t);
		return;
	} else if (problems) {
		/* The findings lead the line and name the arrays; one array needs no more. */
		if (t->checked > 1 && t->healthy > 0)
			pl_buf_printf(&b, _("%zu arrays, %zu healthy"), t->checked, t->healthy);
		else if (t->checked > 1)
			pl_buf_printf(&b, _("%zu arrays"), t->checked);
	} else {
		pl_buf_printf(&b, _("%zu arrays"), t->checked);
		if (t->healthy == t->checked)
			pl_buf_puts(&b, _(", all in sync"));
		else if (t->healthy)
			pl_buf_printf(&b, _(", %zu healthy"), t->healthy);
		if (t->degraded)
			pl_buf_printf(&b, _(", %zu degraded"), t->degraded);
		if (t->rebuilding)
			pl_buf_printf(&b, _(", %zu rebuilding"), t->rebuilding);
		if (t->inactive)
			pl_buf_printf(&b, _(", %zu inactive"), t->inactive);
		if (t->checking)
			pl_buf_printf(&b, _(", %zu checking"), t->checking);
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

static const char *
md_name_at(const void *ctx, size_t i)
{
	return ((const struct pl_mdstat *)ctx)->arrays[i].name;
}

/* Arrays there, none taken: which rule left them out (named by option, never by value),
 * and the arrays there were. */
static void
md_none_selected(const struct md_config *cfg, const struct pl_common *c,
		 const struct pl_mdstat *st, struct pl_result *r)
{
	struct pl_buf why = PL_BUF_INIT;

	pl_buf_init(&why, 2048);
	pl_select_nothing(&c->select, md_name_at, st, st->narrays, _("md array"), _("arrays"),
			  NULL, &why);
	md_none(cfg, r, pl_buf_str(&why));
	pl_buf_free(&why);
}

/* Reads and parses /proc/mdstat into *st. Returns 0, or 1 when there is no /proc/mdstat
 * at all (no md driver), which r then reports. Dies UNKNOWN when the file cannot be read
 * or parsed. */
static int
md_collect(const struct md_config *cfg, const struct pl_common *c, struct pl_mdstat *st,
	   struct pl_result *r)
{
	struct pl_buf buf = PL_BUF_INIT;
	char err[512], path[4096];
	struct stat sb;

	pl_timeout_waiting(_("reading /proc/mdstat"));
	if (pl_read_file(c->root, "/proc/mdstat", &buf, err, sizeof(err)) != 0) {
		if (pl_path(c->root, "/proc/mdstat", path, sizeof(path)) == 0 &&
		    stat(path, &sb) != 0 && errno == ENOENT) {
			md_none(cfg, r, _("no /proc/mdstat: the md driver is not loaded (no "
				"software RAID on this host?)"));
			pl_buf_free(&buf);
			return 1;
		}
		pl_die(PL_UNKNOWN, "%s", err);
	}
	if (pl_mdstat_parse(pl_buf_str(&buf), buf.len, st, err, sizeof(err)) != 0)
		pl_die(PL_UNKNOWN, "/proc/mdstat: %s", err);
	pl_buf_free(&buf);
	return 0;
}

/* Every selected array, arrays named but missing, and the summary. */
static void
md_evaluate(const struct md_config *cfg, const struct pl_common *c, const struct pl_mdstat *st,
	    struct pl_result *r)
{
	struct md_tally t;
	size_t nmissing = 0;

	memset(&t, 0, sizeof(t));
	pl_buf_init(&t.briefs, 4096);
	md_missing(c, st, r, &nmissing);
	for (size_t i = 0; i < st->narrays; i++) {
		const struct pl_md_array *a = &st->arrays[i];
		const char *names[1] = { a->name };

		if (!pl_select_take(&c->select, names, 1, true)) {
			pl_debug(c, 1, "%s: excluded", a->name);
			t.excluded++;
			continue;
		}
		t.checked++;
		md_array(cfg, c, st, a, r, &t);
	}
	if (t.checked == 0 && nmissing == 0) {
		if (st->narrays == 0)
			md_none(cfg, r, _("no md arrays in /proc/mdstat"));
		else
			md_none_selected(cfg, c, st, r);
	} else if (t.checked > 0) {
		md_summary(r, &t, pl_result_state(r) != PL_OK);
	}
	pl_buf_free(&t.briefs);
	free(t.figs);
}

int
main(int argc, char **argv)
{
	struct md_config cfg = { PL_UNKNOWN, PL_OK, PL_CRITICAL, false };
	struct pl_common c;
	struct pl_mdstat st;
	struct pl_result r;

	pl_plugin_parse(&md_plugin, argc, argv, &cfg, &c);
	pl_plugin_arm(&c);
	pl_result_init(&r, md_plugin.name, md_plugin.service);
	/* A host-group config (--criticalx md0_spare=1:) stays valid on a host without arrays. */
	pl_result_expect_items(&r, "array");
	if (md_collect(&cfg, &c, &st, &r) == 0) {
		md_evaluate(&cfg, &c, &st, &r);
		pl_mdstat_free(&st);
	}
	pl_exit(&r, &c);
}
