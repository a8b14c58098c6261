/* check_cpu: CPU usage from /proc/stat, with pressure and load per CPU.
 *
 * Usage is the change of the kernel's tick counters between two readings. The reading
 * of the previous run is kept in the state store, so a check answers at once; only the
 * first run (or the first after a reboot) samples twice over --interval. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pl_buf.h"
#include "pl_file.h"
#include "pl_i18n.h"
#include "pl_num.h"
#include "pl_plugin.h"
#include "pl_proc.h"
#include "pl_result.h"
#include "pl_sample.h"
#include "pl_store.h"
#include "pl_timeout.h"

struct cpu_config {
	bool per_cpu;        /* perfdata for each CPU */
};

static const struct pl_option cpu_opts[] = {
	{ .name = "per-cpu", .type = PL_OPT_SWITCH, PL_OPT_AT(struct cpu_config, per_cpu),
	  .flags = PL_OPT_SYNOPSIS,
	  .help = N_("Add perfdata for each CPU (cpuN_busy). Thresholds on cpuN_busy work "
		  "without it.") },
	{ .name = NULL },
};

static const char *const cpu_primary[] = { "busy", NULL };

static const struct pl_plugin cpu_plugin = {
	.name = "check_cpu",
	.service = "CPU",
	.purpose = N_("CPU usage over all CPUs and the busiest one, from /proc/stat"),
	.description =
		N_("Reports how busy the CPUs were since the last run of this check: user, nice, "
		"system, iowait, irq, softirq, steal and guest time, the busiest CPU, CPU "
		"pressure (PSI) and the load average per CPU where the kernel has them.\n"
		"Busy means neither idle nor waiting for I/O; iowait and steal have their own "
		"metrics for thresholds. Counters are kept in a state file, so the check never "
		"sleeps after its first run. After a reboot, a CPU hot-plug or counters that go "
		"backwards the check samples afresh rather than report a false figure."),
	.options = cpu_opts,
	.primary = cpu_primary,
	.metrics =
		N_("busy, user, nice, system, iowait, irq, softirq, steal, guest, guest_nice, idle "
		"(percent of all CPUs' time; U when the kernel lacks the field); max_cpu_busy (the "
		"busiest CPU); cpuN_busy for each CPU (perfdata with --per-cpu); "
		"load1_per_cpu, load5_per_cpu, load15_per_cpu; psi_some_avg10, psi_some_avg60 "
		"(percent of time some task waited for a CPU, kernels 4.20+)."),
	.examples =
		N_("  check_cpu -w 80 -c 95\n"
		"      Warn above 80% busy, critical above 95%.\n"
		"  check_cpu -w 85 -c 95 --warningx iowait=20 --criticalx 'steal=~:30'\n"
		"      Also warn when iowait passes 20%, critical when steal passes 30%.\n"
		"  check_cpu --criticalx max_cpu_busy=98 --per-cpu\n"
		"      Critical when any one CPU is saturated; graph each CPU.\n"
		"  check_cpu --warningx psi_some_avg60=10 --output-format json\n"
		"      Warn when tasks waited for a CPU more than 10% of the last minute.\n"),
	.uses_state = true,
};

static uint64_t *
field_ptr(struct pl_cpu_times *t, int i)
{
	uint64_t *f[10] = { &t->user, &t->nice, &t->system, &t->idle, &t->iowait, &t->irq,
			    &t->softirq, &t->steal, &t->guest, &t->guest_nice };

	return f[i];
}

/* State: namespace "cpu", name "all" or the CPU's number, a vector of the field count
 * and the ten tick counters. */
#define CPU_NS "cpu"

static void
times_to_state(struct pl_store *st, const char *name, struct pl_cpu_times *t)
{
	uint64_t v[11];

	v[0] = (uint64_t)t->nfields;
	for (int i = 0; i < 10; i++)
		v[i + 1] = *field_ptr(t, i);
	pl_store_set_vec(st, CPU_NS, name, v, 11);
}

static int
times_from_state(const struct pl_store *st, int gen, const char *name,
		 struct pl_cpu_times *t)
{
	uint64_t v[11];

	memset(t, 0, sizeof(*t));
	if (pl_store_get_vec(st, gen, CPU_NS, name, v, 11) != 11 || v[0] < 4 || v[0] > 10)
		return -1;
	t->nfields = (int)v[0];
	for (int i = 0; i < 10; i++)
		*field_ptr(t, i) = v[i + 1];
	return 0;
}

struct cpu_ctx {
	const struct pl_common *c;
	struct pl_buf buf;
	struct pl_procstat s[2];     /* 0: now, 1: the earlier reading */
};

static void
cpu_read(void *ctxp, int which)
{
	struct cpu_ctx *x = ctxp;
	char err[512];

	pl_procstat_free(&x->s[which]);
	pl_timeout_waiting(_("reading /proc/stat"));
	if (pl_read_file(x->c->root, "/proc/stat", &x->buf, err, sizeof(err)) != 0)
		pl_die(PL_UNKNOWN, "%s", err);
	if (pl_procstat_parse(pl_buf_str(&x->buf), x->buf.len, &x->s[which], err,
			      sizeof(err)) != 0)
		pl_die(PL_UNKNOWN, "%s", err);
}

static void
cpu_store(void *ctxp, int which, struct pl_store *st)
{
	struct cpu_ctx *x = ctxp;
	struct pl_procstat *s = &x->s[which];
	char name[32];

	times_to_state(st, "all", &s->total);
	for (size_t i = 0; i < s->ncpu; i++) {
		pl_snprintf(name, sizeof(name), "%d", s->cpu[i].id);
		times_to_state(st, name, &s->cpu[i]);
	}
}

/* The earlier reading of each CPU that is online now; a CPU that was not (hot-plug)
 * is simply missing from slot 1 and gets no figure this run. */
static int
cpu_load(void *ctxp, const struct pl_store *st, int gen)
{
	struct cpu_ctx *x = ctxp;
	struct pl_procstat *then = &x->s[1], *now = &x->s[0];
	char name[32];

	pl_procstat_free(then);
	memset(then, 0, sizeof(*then));
	if (times_from_state(st, gen, "all", &then->total) != 0)
		return -1;
	then->cpu = calloc(now->ncpu ? now->ncpu : 1, sizeof(*then->cpu));
	if (then->cpu == NULL)
		return -1;
	for (size_t i = 0; i < now->ncpu; i++) {
		pl_snprintf(name, sizeof(name), "%d", now->cpu[i].id);
		if (times_from_state(st, gen, name, &then->cpu[then->ncpu]) == 0)
			then->cpu[then->ncpu++].id = now->cpu[i].id;
	}
	/* Comparable when every aggregate counter moved forward or stayed, and one moved. */
	{
		double pct[10];
		bool still = true;

		for (int i = 0; i < 10; i++)
			still = still && *field_ptr(&now->total, i) == *field_ptr(&then->total, i);
		if (still)
			return PL_SAMPLE_STILL;
		return pl_cpu_delta(&now->total, &then->total, pct);
	}
}

static void
cpu_zero(void *ctxp)
{
	struct cpu_ctx *x = ctxp;
	struct pl_procstat *then = &x->s[1], *now = &x->s[0];

	pl_procstat_free(then);
	memset(then, 0, sizeof(*then));
	then->total.nfields = now->total.nfields;
	then->cpu = calloc(now->ncpu ? now->ncpu : 1, sizeof(*then->cpu));
	if (then->cpu == NULL)
		return;
	for (size_t i = 0; i < now->ncpu; i++) {
		then->cpu[i].id = now->cpu[i].id;
		then->cpu[i].nfields = now->cpu[i].nfields;
	}
	then->ncpu = now->ncpu;
}

static const struct pl_sample_ops cpu_ops = { cpu_read, cpu_store, cpu_load, cpu_zero };

/* The load average per CPU and the CPU pressure. These metrics are always there, without
 * a value where the kernel lacks the file (saying so), so that a threshold naming them
 * stays valid on every host. */
static void
add_optional(const struct pl_common *c, struct pl_result *r, struct pl_buf *buf, size_t ncpu)
{
	static const char *const load[3] = { "load1_per_cpu", "load5_per_cpu", "load15_per_cpu" };
	static const char *const psi_names[2] = { "psi_some_avg10", "psi_some_avg60" };
	struct pl_loadavg la;
	struct pl_psi psi;
	double lv[3] = { NAN, NAN, NAN }, pv[2] = { NAN, NAN };
	char err[256], why[320];
	bool have_load, have_psi;

	pl_strlcpy(err, _("no CPU to divide by"), sizeof(err));

	/* The parser refuses a /proc/stat without cpuN lines, so ncpu is never 0 here; err
	 * says why if it ever were. */
	have_load = ncpu > 0 && pl_read_file(c->root, "/proc/loadavg", buf, err, sizeof(err)) == 0
		    && pl_loadavg_parse(pl_buf_str(buf), buf->len, &la, err, sizeof(err)) == 0;
	if (have_load) {
		pl_result_line(r, _("load average %.2f %.2f %.2f on %zu CPUs"), la.load1, la.load5,
			       la.load15, ncpu);
		lv[0] = la.load1 / (double)ncpu;
		lv[1] = la.load5 / (double)ncpu;
		lv[2] = la.load15 / (double)ncpu;
	} else {
		pl_result_line(r, _("no load average: %s"), err);
		pl_snprintf(why, sizeof(why), _("no load average: %s"), err);
	}
	for (int i = 0; i < 3; i++) {
		struct pl_metric *m = pl_metric_add(r, load[i], lv[i], PL_U_NONE);

		if (!have_load)
			pl_metric_missing(m, PL_MISSING_LASTING, why, NULL);
	}
	have_psi = pl_read_file(c->root, "/proc/pressure/cpu", buf, err, sizeof(err)) == 0 &&
		   pl_psi_parse(pl_buf_str(buf), buf->len, &psi, err, sizeof(err)) == 0;
	if (have_psi) {
		pl_result_line(r, _("CPU pressure: some task waited %.2f%% of the last 10s, %.2f%% of the last 60s"),
			       psi.some.avg10, psi.some.avg60);
		pv[0] = psi.some.avg10;
		pv[1] = psi.some.avg60;
	} else {
		pl_debug(c, 1, "no CPU pressure (kernels before 4.20, or psi=0): %s", err);
	}
	for (int i = 0; i < 2; i++) {
		struct pl_metric *m = pl_metric_add(r, psi_names[i], pv[i], PL_U_PERCENT);

		pl_metric_minmax(m, 0, 100);
		if (!have_psi)
			pl_metric_missing(m, PL_MISSING_LASTING, _("the kernel gives no CPU pressure "
					  "(/proc/pressure/cpu: kernels before 4.20, or psi=0)"),
					  _("boot a 4.20+ kernel with psi=1 (CONFIG_PSI)"));
	}
}

/* Busy and each field over all CPUs: metrics of the result itself, since they describe
 * no one CPU. A field this kernel does not count has no value, and says since when
 * kernels count it. */
static void
cpu_totals(struct pl_result *r, const struct pl_procstat *now, const double pct[PL_CPU_NFIELDS])
{
	/* idle last, after the fields that make up busy */
	static const int order[PL_CPU_NFIELDS] = { 0, 1, 2, 4, 5, 6, 7, 8, 9, PL_CPU_IDLE };

	pl_metric_minmax(pl_metric_add(r, "busy", pl_cpu_busy(pct), PL_U_PERCENT), 0, 100);
	for (int k = 0; k < PL_CPU_NFIELDS; k++) {
		int i = order[k];
		struct pl_metric *m = pl_metric_add(r, pl_cpu_field_name(i), pct[i], PL_U_PERCENT);
		char why[96];

		pl_metric_minmax(m, 0, 100);
		if (isnan(pct[i]) && i >= now->total.nfields) {
			pl_snprintf(why, sizeof(why), _("this kernel does not count %s time (kernels "
				    "since %s do)"), pl_cpu_field_name(i), pl_cpu_field_since(i));
			pl_metric_missing(m, PL_MISSING_LASTING, why, NULL);
		}
	}
}
/* Each CPU, matched by its number, since a CPU may have gone or come. A CPU is an item
 * (cpuN, so its metric keeps the label cpuN_busy). Sets *busiest (NAN: none) and *id. */
static void
cpu_each(const struct cpu_config *cfg, struct pl_result *r, const struct pl_procstat *now,
	 const struct pl_procstat *then, double *busiest, int *id)
{
	struct pl_metric *m;

	*busiest = NAN;
	*id = -1;
	for (size_t i = 0; i < now->ncpu; i++) {
		char name[24], why[96];
		double b;
		int rc = pl_cpu_busy_between(now, then, i, &b);

		pl_snprintf(name, sizeof(name), "cpu%d", now->cpu[i].id);
		m = pl_item_metric(pl_result_item(r, "cpu", name), "busy", b, PL_U_PERCENT);
		pl_metric_minmax(m, 0, 100);
		m->hidden = !cfg->per_cpu;
		if (rc != 0) {
			pl_snprintf(why, sizeof(why), rc > 0 ? _("%s has no earlier reading (it "
				    "came online since)") : _("%s's counters went backwards"), name);
			pl_metric_missing(m, PL_MISSING_RUN, why, NULL);
		} else if (isnan(*busiest) || b > *busiest) {
			*busiest = b;
			*id = now->cpu[i].id;
		}
	}
	m = pl_metric_add(r, "max_cpu_busy", *busiest, PL_U_PERCENT);
	pl_metric_minmax(m, 0, 100);
	if (*id < 0)
		pl_metric_missing(m, PL_MISSING_RUN, _("no CPU has two comparable readings yet"), NULL);
}

/* "62.1% busy (user 12%, system 4.9%, iowait 45.2%), busiest cpu3 99%", and a word on
 * steal, which a guest's admin cannot see from inside otherwise. Each part that shows a
 * metric names it and is tied to it, so that a breach is named right there ("99.9% busy
 * (warning over 80%)"), or leads the line when it is the worst, never twice. */
static void
cpu_summary(struct pl_result *r, const double pct[PL_CPU_NFIELDS], double busiest, int id)
{
	char h1[32], h2[32], h3[32], h4[32], hb[32];

	pl_unit_human(h1, sizeof(h1), pl_cpu_busy(pct), PL_U_PERCENT);
	pl_unit_human(h2, sizeof(h2), pct[0], PL_U_PERCENT);
	pl_unit_human(h3, sizeof(h3), pct[2], PL_U_PERCENT);
	pl_unit_human(h4, sizeof(h4), pct[PL_CPU_IOWAIT], PL_U_PERCENT);
	pl_result_summary(r, "%s", "");
	pl_result_summary_metric(r, pl_result_metric(r, "busy"), _("%s busy"), h1);
	pl_result_summary_add(r, " (");
	pl_result_summary_metric(r, pl_result_metric(r, "user"), _("user %s"), h2);
	pl_result_summary_add(r, ", ");
	pl_result_summary_metric(r, pl_result_metric(r, "system"), _("system %s"), h3);
	pl_result_summary_add(r, ", ");
	pl_result_summary_metric(r, pl_result_metric(r, "iowait"), _("iowait %s"), h4);
	pl_result_summary_add(r, ")");
	if (id >= 0) {
		pl_result_summary_add(r, ", ");
		pl_result_summary_metric(r, pl_result_metric(r, "max_cpu_busy"), _("busiest cpu%d %s"),
					 id, pl_unit_human(hb, sizeof(hb), busiest, PL_U_PERCENT));
	}
	if (!isnan(pct[PL_CPU_STEAL]) && pct[PL_CPU_STEAL] >= 0.1)
		pl_result_line(r, _("steal %s: the hypervisor ran other guests on these CPUs"),
			       pl_unit_human(h1, sizeof(h1), pct[PL_CPU_STEAL], PL_U_PERCENT));
}

/* The figures between the two readings, as metrics, lines and the summary. */
static void
cpu_evaluate(const struct cpu_config *cfg, const struct pl_common *c, struct cpu_ctx *x,
	     const char *basis, struct pl_result *r)
{
	const struct pl_procstat *now = &x->s[0], *then = &x->s[1];
	double pct[PL_CPU_NFIELDS], busiest;
	int id;

	if (pl_cpu_delta(&now->total, &then->total, pct) != 0)
		pl_die(PL_UNKNOWN, _("/proc/stat: the CPU counters did not move (all zero?)"));
	cpu_totals(r, now, pct);
	cpu_each(cfg, r, now, then, &busiest, &id);
	pl_result_line(r, _("%s, %zu CPUs"), basis, now->ncpu);
	add_optional(c, r, &x->buf, now->ncpu);
	cpu_summary(r, pct, busiest, id);
}

int
main(int argc, char **argv)
{
	struct cpu_config cfg = { false };
	struct pl_common c;
	struct cpu_ctx x;
	struct pl_result r;
	char basis[PL_SAMPLE_BASIS_MAX];
	double dt;

	pl_plugin_parse(&cpu_plugin, argc, argv, &cfg, &c);
	pl_plugin_arm(&c);
	pl_result_init(&r, cpu_plugin.name, cpu_plugin.service);
	memset(&x, 0, sizeof(x));
	x.c = &c;
	if (pl_sample(&c, &cpu_ops, &x, &dt, basis, sizeof(basis), &r) == PL_BASIS_ERROR)
		pl_die(PL_UNKNOWN, "%s", basis);
	cpu_evaluate(&cfg, &c, &x, basis, &r);
	pl_procstat_free(&x.s[0]);
	pl_procstat_free(&x.s[1]);
	pl_buf_free(&x.buf);
	pl_exit(&r, &c);
}
