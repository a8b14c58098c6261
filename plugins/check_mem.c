/* check_mem: memory and swap use from /proc/meminfo.
 *
 * Used memory is what is not available for new work without swapping: MemTotal minus
 * MemAvailable. Kernels before 3.14 have no MemAvailable; there the estimate is
 * MemFree + Buffers + Cached + SReclaimable - Shmem (page cache that can be dropped;
 * shared memory cannot), and the output says it is an estimate. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "pl_buf.h"
#include "pl_file.h"
#include "pl_i18n.h"
#include "pl_num.h"
#include "pl_plugin.h"
#include "pl_proc.h"
#include "pl_result.h"
#include "pl_timeout.h"

struct mem_config {
	enum pl_state no_swap;     /* the state when the host has no swap at all */
};

static const struct pl_option mem_opts[] = {
	{ .name = "no-swap", .type = PL_OPT_STATE, PL_OPT_AT(struct mem_config, no_swap),
	  .flags = PL_OPT_SYNOPSIS,
	  .help = N_("State to report when the host has no swap at all (default ok). For hosts "
		  "where policy requires swap.") },
	{ .name = NULL },
};

static const char *const mem_primary[] = { "used_pct", "used", NULL };

static const struct pl_plugin mem_plugin = {
	.name = "check_mem",
	.service = "MEM",
	.purpose = N_("memory and swap use from /proc/meminfo"),
	.description =
		N_("Reports the memory in use (what is not available to start new work without "
		"swapping, from the kernel's MemAvailable estimate) and swap in use. "
		"-w and -c take a percentage of memory in use ('80' or '80%') or an amount in "
		"use with units ('12GB'). To alert on the memory left instead, put a range on "
		"'available' with --warningx (see Examples)."),
	.options = mem_opts,
	.primary = mem_primary,
	.metrics =
		N_("used_pct (percent of MemTotal in use), used, available, free, buffers, cached "
		"(Cached + SReclaimable, as free(1) shows it), total (bytes); swap_used_pct, "
		"swap_used, swap_total (bytes; swap_used_pct is U on a host without swap); "
		"psi_some_avg60, psi_full_avg60 (percent of the last minute in which some or all "
		"tasks stalled waiting for memory, kernels 4.20+)."),
	.examples =
		N_("  check_mem -w 80 -c 90\n"
		"      Warn when more than 80% of memory is in use, critical above 90%.\n"
		"  check_mem --warningx available=1GB: --criticalx available=512MB:\n"
		"      Alert on the memory left rather than the share used.\n"
		"  check_mem -w 90 --warningx swap_used_pct=50 --criticalx swap_used_pct=80\n"
		"      Also alert when swap fills up.\n"
		"  check_mem -w 90 --warningx psi_some_avg60=10 --criticalx psi_full_avg60=5\n"
		"      Also alert when the host stalls for memory (thrashing).\n"
		"  check_mem --no-swap=warning\n"
		"      Warn on hosts that run without swap.\n"),
	.uses_state = false,
};

/* What the check reads: /proc/meminfo (required; dies UNKNOWN without it) and the memory
 * pressure (kernels 4.20+; *have_psi false without it, err saying why). */
static void
mem_collect(const struct pl_common *c, struct pl_meminfo *mi, struct pl_psi *psi,
	    bool *have_psi, char *err, size_t errlen)
{
	struct pl_buf buf = PL_BUF_INIT;

	if (pl_read_file(c->root, "/proc/meminfo", &buf, err, errlen) != 0)
		pl_die(PL_UNKNOWN, "%s", err);
	if (pl_meminfo_parse(pl_buf_str(&buf), buf.len, mi, err, errlen) != 0)
		pl_die(PL_UNKNOWN, "%s", err);
	*have_psi = pl_read_file(c->root, "/proc/pressure/memory", &buf, err, errlen) == 0 &&
		    pl_psi_parse(pl_buf_str(&buf), buf.len, psi, err, errlen) == 0;
	pl_buf_free(&buf);
}

/* The figures as metrics of the result itself. No items here: memory and swap are two
 * figures of one host, not things with states of their own, and their labels (used,
 * swap_used...) predate items. */
static void
mem_metrics(struct pl_result *r, const struct pl_mem_usage *u)
{
	pl_metric_minmax(pl_metric_add(r, "used_pct", u->used_pct, PL_U_PERCENT), 0, 100);
	pl_metric_minmax(pl_metric_add(r, "used", u->used, PL_U_BYTES), 0, u->total);
	pl_metric_minmax(pl_metric_add(r, "available", u->available, PL_U_BYTES), 0, u->total);
	pl_metric_minmax(pl_metric_add(r, "free", u->free, PL_U_BYTES), 0, u->total);
	/* The parser refuses a meminfo without Buffers or Cached, so these are real figures,
	 * the same in perfdata and long output. */
	pl_metric_add(r, "buffers", u->buffers, PL_U_BYTES);
	pl_metric_add(r, "cached", u->cached, PL_U_BYTES);
	pl_metric_add(r, "total", u->total, PL_U_BYTES);
	/* Without swap, swap_used_pct has no value; that is no fault to report (--no-swap is
	 * the admin's word on such hosts), so no reason is given. */
	pl_metric_minmax(pl_metric_add(r, "swap_used_pct", u->swap_pct, PL_U_PERCENT), 0, 100);
	pl_metric_minmax(pl_metric_add(r, "swap_used", u->swap_used, PL_U_BYTES), 0,
			 u->swap_total);
	pl_metric_add(r, "swap_total", u->swap_total, PL_U_BYTES);
}

/* Memory pressure: the share of time tasks stalled waiting for memory, which shows a
 * host that thrashes long before "used" looks alarming. Always added, without a value
 * (saying why) where the kernel has none, so that a threshold on it stays valid. */
static void
mem_pressure(struct pl_result *r, const struct pl_psi *psi, bool have)
{
	static const char *why = N_("the kernel gives no memory pressure (/proc/pressure/memory: "
				 "kernels before 4.20, or psi=0)");
	static const char *fix = N_("boot a 4.20+ kernel with psi=1 (CONFIG_PSI)");
	struct pl_metric *some, *full;

	if (have)
		pl_result_line(r, _("memory pressure: some task stalled %.2f%%, all tasks %.2f%% of the last 60s"),
			       psi->some.avg60, psi->full.avg60);
	some = pl_metric_add(r, "psi_some_avg60", have ? psi->some.avg60 : NAN, PL_U_PERCENT);
	full = pl_metric_add(r, "psi_full_avg60", have && psi->full.present ? psi->full.avg60 :
			     NAN, PL_U_PERCENT);
	pl_metric_minmax(some, 0, 100);
	pl_metric_minmax(full, 0, 100);
	if (!have)
		pl_metric_missing(some, PL_MISSING_LASTING, pl_tr(why), pl_tr(fix));
	if (!have || !psi->full.present)
		pl_metric_missing(full, PL_MISSING_LASTING, pl_tr(why), pl_tr(fix));
}

/* The summary, the long-output lines and the finding for a host without swap. */
static void
mem_evaluate(const struct mem_config *cfg, struct pl_result *r, const struct pl_mem_usage *u)
{
	char h1[32], h2[32], h3[32], h4[32];

	mem_metrics(r, u);
	pl_unit_human(h1, sizeof(h1), u->used_pct, PL_U_PERCENT);
	pl_unit_human(h2, sizeof(h2), u->used, PL_U_BYTES);
	pl_unit_human(h3, sizeof(h3), u->total, PL_U_BYTES);
	/* Each part that shows a metric names it and is tied to it, so that a breach is
	 * named right there ("83.2% used (warning over 80%)"), or leads the line when it is
	 * the worst, never twice. */
	pl_result_summary(r, "%s", "");
	pl_result_summary_metric(r, pl_result_metric(r, "used_pct"), _("%s used"), h1);
	pl_result_summary_add(r, " (");
	pl_result_summary_metric(r, pl_result_metric(r, "used"), _("%s of %s"), h2, h3);
	pl_result_summary_add(r, ")");
	if (u->swap_total > 0) {
		pl_unit_human(h4, sizeof(h4), u->swap_pct, PL_U_PERCENT);
		pl_result_summary_add(r, ", ");
		pl_result_summary_metric(r, pl_result_metric(r, "swap_used_pct"), _("swap %s used"),
					 h4);
	} else {
		pl_result_summary_add(r, _(", no swap"));
		if (cfg->no_swap != PL_OK)
			pl_result_finding(r, cfg->no_swap, _("no swap configured"));
	}
	pl_result_line(r, _("available %s, free %s, buffers %s, cache %s%s"),
		       pl_unit_human(h1, sizeof(h1), u->available, PL_U_BYTES),
		       pl_unit_human(h2, sizeof(h2), u->free, PL_U_BYTES),
		       pl_unit_human(h3, sizeof(h3), u->buffers, PL_U_BYTES),
		       pl_unit_human(h4, sizeof(h4), u->cached, PL_U_BYTES),
		       u->estimated ? _(" (this kernel has no MemAvailable: available is estimated)") :
		       "");
	if (u->swap_total > 0)
		pl_result_line(r, _("swap: %s of %s used"),
			       pl_unit_human(h1, sizeof(h1), u->swap_used, PL_U_BYTES),
			       pl_unit_human(h2, sizeof(h2), u->swap_total, PL_U_BYTES));
}

int
main(int argc, char **argv)
{
	struct mem_config cfg = { PL_OK };
	struct pl_common c;
	struct pl_meminfo mi;
	struct pl_mem_usage u;
	struct pl_psi psi;
	struct pl_result r;
	char err[512];
	bool have_psi;

	pl_plugin_parse(&mem_plugin, argc, argv, &cfg, &c);
	pl_plugin_arm(&c);
	pl_result_init(&r, mem_plugin.name, mem_plugin.service);
	mem_collect(&c, &mi, &psi, &have_psi, err, sizeof(err));
	if (!have_psi)
		pl_debug(&c, 1, "no memory pressure (kernels before 4.20, or psi=0): %s", err);
	pl_meminfo_usage(&mi, &u);
	mem_evaluate(&cfg, &r, &u);
	mem_pressure(&r, &psi, have_psi);
	pl_exit(&r, &c);
}
