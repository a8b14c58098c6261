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
	  .help = "State to report when the host has no swap at all (default ok). For hosts "
		  "where policy requires swap." },
	{ .name = NULL },
};

static const char *const mem_primary[] = { "used_pct", "used", NULL };

static const struct pl_plugin mem_plugin = {
	.name = "check_mem",
	.service = "MEM",
	.purpose = "memory and swap use from /proc/meminfo",
	.description =
		"Reports the memory in use (what is not available to start new work without "
		"swapping, from the kernel's MemAvailable estimate) and swap in use. "
		"-w and -c take a percentage of memory in use ('80' or '80%') or an amount in "
		"use with units ('12GB'). To alert on the memory left instead, put a range on "
		"'available' with --warningx (see Examples).",
	.options = mem_opts,
	.primary = mem_primary,
	.metrics =
		"used_pct (percent of MemTotal in use), used, available, free, buffers, cached "
		"(Cached + SReclaimable, as free(1) shows it), total (bytes); swap_used_pct, "
		"swap_used, swap_total (bytes; swap_used_pct is U on a host without swap); "
		"psi_some_avg60, psi_full_avg60 (percent of the last minute in which some or all "
		"tasks stalled waiting for memory, kernels 4.20+).",
	.examples =
		"  check_mem -w 80 -c 90\n"
		"      Warn when more than 80% of memory is in use, critical above 90%.\n"
		"  check_mem --warningx available=1GB: --criticalx available=512MB:\n"
		"      Alert on the memory left rather than the share used.\n"
		"  check_mem -w 90 --warningx swap_used_pct=50 --criticalx swap_used_pct=80\n"
		"      Also alert when swap fills up.\n"
		"  check_mem -w 90 --warningx psi_some_avg60=10 --criticalx psi_full_avg60=5\n"
		"      Also alert when the host stalls for memory (thrashing).\n"
		"  check_mem --no-swap=warning\n"
		"      Warn on hosts that run without swap.\n",
	.uses_state = false,
};

int
main(int argc, char **argv)
{
	struct mem_config cfg = { PL_OK };
	struct pl_common c;
	struct pl_buf buf = PL_BUF_INIT;
	struct pl_meminfo mi;
	struct pl_psi psi;
	struct pl_result r;
	char err[512], h1[32], h2[32], h3[32], h4[32];
	double avail, used, used_pct, swap_used = 0, swap_pct = NAN, cached;
	bool estimated = false;

	pl_plugin_parse(&mem_plugin, argc, argv, &cfg, &c);
	pl_plugin_arm(&c);
	pl_result_init(&r, mem_plugin.name, mem_plugin.service);

	pl_timeout_waiting("reading /proc/meminfo");
	if (pl_read_file(c.root, "/proc/meminfo", &buf, err, sizeof(err)) != 0)
		pl_die(PL_UNKNOWN, "%s", err);
	if (pl_meminfo_parse(pl_buf_str(&buf), buf.len, &mi, err, sizeof(err)) != 0)
		pl_die(PL_UNKNOWN, "%s", err);

	cached = (double)mi.cached + (double)mi.sreclaimable;
	if (mi.present & PL_MI_MEMAVAILABLE) {
		avail = (double)mi.available;
	} else {
		avail = (double)mi.free + (double)mi.buffers + cached - (double)mi.shmem;
		if (avail > (double)mi.total)
			avail = (double)mi.total;
		if (avail < (double)mi.free)
			avail = (double)mi.free;
		estimated = true;
	}
	used = (double)mi.total - avail;
	used_pct = 100.0 * used / (double)mi.total;
	if (mi.swap_total > 0) {
		swap_used = (double)(mi.swap_total - mi.swap_free);
		swap_pct = 100.0 * swap_used / (double)mi.swap_total;
	}

	/* No items here: memory and swap are two figures of one host, not things of their
	 * own with states of their own, and their labels (used, swap_used...) predate items. */
	pl_metric_minmax(pl_metric_add(&r, "used_pct", used_pct, PL_U_PERCENT), 0, 100);
	pl_metric_minmax(pl_metric_add(&r, "used", used, PL_U_BYTES), 0, (double)mi.total);
	pl_metric_minmax(pl_metric_add(&r, "available", avail, PL_U_BYTES), 0, (double)mi.total);
	pl_metric_minmax(pl_metric_add(&r, "free", (double)mi.free, PL_U_BYTES), 0,
			 (double)mi.total);
	/* The parser refuses a meminfo without Buffers or Cached, so these are real figures,
	 * the same in perfdata and long output. */
	pl_metric_add(&r, "buffers", (double)mi.buffers, PL_U_BYTES);
	pl_metric_add(&r, "cached", cached, PL_U_BYTES);
	pl_metric_add(&r, "total", (double)mi.total, PL_U_BYTES);
	pl_metric_minmax(pl_metric_add(&r, "swap_used_pct", swap_pct, PL_U_PERCENT), 0, 100);
	pl_metric_minmax(pl_metric_add(&r, "swap_used", swap_used, PL_U_BYTES), 0,
			 (double)mi.swap_total);
	pl_metric_add(&r, "swap_total", (double)mi.swap_total, PL_U_BYTES);


	pl_unit_human(h1, sizeof(h1), used_pct, PL_U_PERCENT);
	pl_unit_human(h2, sizeof(h2), used, PL_U_BYTES);
	pl_unit_human(h3, sizeof(h3), (double)mi.total, PL_U_BYTES);
	if (mi.swap_total > 0) {
		pl_unit_human(h4, sizeof(h4), swap_pct, PL_U_PERCENT);
		pl_result_summary(&r, "%s used (%s of %s), swap %s used", h1, h2, h3, h4);
	} else {
		pl_result_summary(&r, "%s used (%s of %s), no swap", h1, h2, h3);
		if (cfg.no_swap != PL_OK)
			pl_result_finding(&r, cfg.no_swap, "no swap configured");
	}
	pl_result_line(&r, "available %s, free %s, buffers %s, cache %s%s",
		       pl_unit_human(h1, sizeof(h1), avail, PL_U_BYTES),
		       pl_unit_human(h2, sizeof(h2), (double)mi.free, PL_U_BYTES),
		       pl_unit_human(h3, sizeof(h3), (double)mi.buffers, PL_U_BYTES),
		       pl_unit_human(h4, sizeof(h4), cached, PL_U_BYTES),
		       estimated ? " (this kernel has no MemAvailable: available is estimated)" : "");
	if (mi.swap_total > 0)
		pl_result_line(&r, "swap: %s of %s used",
			       pl_unit_human(h1, sizeof(h1), swap_used, PL_U_BYTES),
			       pl_unit_human(h2, sizeof(h2), (double)mi.swap_total, PL_U_BYTES));
	/* Memory pressure (kernels 4.20+): the share of time tasks stalled waiting for memory,
	 * which shows a host that thrashes long before "used" looks alarming. */
	pl_timeout_waiting("reading /proc/pressure/memory");
	if (pl_read_file(c.root, "/proc/pressure/memory", &buf, err, sizeof(err)) == 0 &&
	    pl_psi_parse(pl_buf_str(&buf), buf.len, &psi, err, sizeof(err)) == 0) {
		pl_result_line(&r, "memory pressure: some task stalled %.2f%%, all tasks %.2f%% of the last 60s",
			       psi.some.avg60, psi.full.avg60);
	} else {
		/* Still added, as U: a threshold on them must stay valid on every host. */
		psi.some.avg60 = NAN;
		psi.full.present = false;
		pl_debug(&c, 1, "no memory pressure (kernels before 4.20, or psi=0): %s", err);
	}
	pl_metric_minmax(pl_metric_add(&r, "psi_some_avg60", psi.some.avg60, PL_U_PERCENT), 0, 100);
	pl_metric_minmax(pl_metric_add(&r, "psi_full_avg60", psi.full.present ? psi.full.avg60 : NAN,
				       PL_U_PERCENT), 0, 100);
	pl_buf_free(&buf);
	pl_exit(&r, &c);
}
