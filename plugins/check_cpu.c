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
	  .help = "Add perfdata for each CPU (cpuN_busy). Thresholds on cpuN_busy work "
		  "without it." },
	{ .name = NULL },
};

static const char *const cpu_primary[] = { "busy", NULL };

static const struct pl_plugin cpu_plugin = {
	.name = "check_cpu",
	.service = "CPU",
	.purpose = "CPU usage over all CPUs and the busiest one, from /proc/stat",
	.description =
		"Reports how busy the CPUs were since the last run of this check: user, nice, "
		"system, iowait, irq, softirq, steal and guest time, the busiest CPU, CPU "
		"pressure (PSI) and the load average per CPU where the kernel has them.\n"
		"Busy means neither idle nor waiting for I/O; iowait and steal have their own "
		"metrics for thresholds. Counters are kept in a state file, so the check never "
		"sleeps after its first run. After a reboot, a CPU hot-plug or counters that go "
		"backwards the check samples afresh rather than report a false figure.",
	.options = cpu_opts,
	.primary = cpu_primary,
	.metrics =
		"busy, user, nice, system, iowait, irq, softirq, steal, guest, guest_nice, idle "
		"(percent of all CPUs' time; U when the kernel lacks the field); max_cpu_busy (the "
		"busiest CPU); cpuN_busy for each CPU (perfdata with --per-cpu); "
		"load1_per_cpu, load5_per_cpu, load15_per_cpu; psi_some_avg10, psi_some_avg60 "
		"(percent of time some task waited for a CPU, kernels 4.20+).",
	.examples =
		"  check_cpu -w 80 -c 95\n"
		"      Warn above 80% busy, critical above 95%.\n"
		"  check_cpu -w 85 -c 95 --warningx iowait=20 --criticalx 'steal=~:30'\n"
		"      Also warn when iowait passes 20%, critical when steal passes 30%.\n"
		"  check_cpu --criticalx max_cpu_busy=98 --per-cpu\n"
		"      Critical when any one CPU is saturated; graph each CPU.\n"
		"  check_cpu --warningx psi_some_avg60=10 --output-format json\n"
		"      Warn when tasks waited for a CPU more than 10% of the last minute.\n",
	.uses_state = true,
};

static const char *const field_names[] = {
	"user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal", "guest",
	"guest_nice",
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

/* Percentages of the interval between two readings. Tick counters only grow while the
 * system runs, with one exception the kernel documents: iowait may go down (NO_HZ
 * kernels move time between idle and iowait), so those two are judged as a sum and a
 * single one that dropped counts as no time. Any other counter that went backwards, or
 * idle+iowait together, means the readings are not of the same series (reboot without
 * a new boot id, a CPU taken offline and back): the only honest answer is no figure,
 * and this returns -1, as it does when no time passed. */
static int
cpu_delta(struct pl_cpu_times *now, struct pl_cpu_times *then, double pct[10])
{
	uint64_t d[10], total = 0;

	if (now->idle + now->iowait < then->idle + then->iowait)
		return -1;
	for (int i = 0; i < 10; i++) {
		uint64_t a = *field_ptr(now, i), b = *field_ptr(then, i);

		if (a < b && i != 3 && i != 4)
			return -1;
		d[i] = a >= b ? a - b : 0;
		if (i < 8)
			total += d[i];
	}
	if (total == 0)
		return -1;
	for (int i = 0; i < 10; i++) {
		pct[i] = 100.0 * (double)d[i] / (double)total;
		if (pct[i] > 100)
			pct[i] = 100;
		/* A field the kernel did not give (old kernels) is unknown, not 0. */
		if (i >= now->nfields || i >= then->nfields)
			pct[i] = NAN;
	}
	return 0;
}

static double
busy_of(const double pct[10])
{
	double b = 100.0 - pct[3] - (isnan(pct[4]) ? 0 : pct[4]);

	return b < 0 ? 0 : b;
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
	pl_timeout_waiting("reading /proc/stat");
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
		return cpu_delta(&now->total, &then->total, pct);
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

static void
add_optional(const struct pl_common *c, struct pl_result *r, struct pl_buf *buf, size_t ncpu)
{
	struct pl_loadavg la;
	struct pl_psi psi;
	char err[256] = "no CPU to divide by";

	pl_timeout_waiting("reading /proc/loadavg");
	/* These metrics are always there, U where the kernel lacks the file, so that a
	 * threshold naming them stays valid on every host. The parser refuses a /proc/stat
	 * without cpuN lines, so ncpu is never 0 here; err says why if it ever were. */
	if (ncpu > 0 && pl_read_file(c->root, "/proc/loadavg", buf, err, sizeof(err)) == 0 &&
	    pl_loadavg_parse(pl_buf_str(buf), buf->len, &la, err, sizeof(err)) == 0) {
		pl_result_line(r, "load average %.2f %.2f %.2f on %zu CPUs", la.load1, la.load5,
			       la.load15, ncpu);
	} else {
		la.load1 = la.load5 = la.load15 = NAN;
		ncpu = ncpu ? ncpu : 1;
		pl_result_line(r, "no load average: %s", err);
	}
	pl_metric_add(r, "load1_per_cpu", la.load1 / (double)ncpu, PL_U_NONE);
	pl_metric_add(r, "load5_per_cpu", la.load5 / (double)ncpu, PL_U_NONE);
	pl_metric_add(r, "load15_per_cpu", la.load15 / (double)ncpu, PL_U_NONE);
	pl_timeout_waiting("reading /proc/pressure/cpu");
	if (pl_read_file(c->root, "/proc/pressure/cpu", buf, err, sizeof(err)) == 0 &&
	    pl_psi_parse(pl_buf_str(buf), buf->len, &psi, err, sizeof(err)) == 0) {
		pl_result_line(r, "CPU pressure: some task waited %.2f%% of the last 10s, %.2f%% of the last 60s",
			       psi.some.avg10, psi.some.avg60);
	} else {
		psi.some.avg10 = psi.some.avg60 = NAN;
		pl_debug(c, 1, "no CPU pressure (kernels before 4.20, or psi=0): %s", err);
	}
	pl_metric_minmax(pl_metric_add(r, "psi_some_avg10", psi.some.avg10, PL_U_PERCENT), 0, 100);
	pl_metric_minmax(pl_metric_add(r, "psi_some_avg60", psi.some.avg60, PL_U_PERCENT), 0, 100);
}

int
main(int argc, char **argv)
{
	struct cpu_config cfg = { false };
	struct pl_common c;
	struct cpu_ctx x;
	struct pl_result r;
	struct pl_procstat *now = &x.s[0], *then = &x.s[1];
	double pct[10], dt, busiest = NAN;
	char basis[128], h1[32], h2[32], h3[32], h4[32];
	int busiest_id = -1;

	pl_plugin_parse(&cpu_plugin, argc, argv, &cfg, &c);
	pl_plugin_arm(&c);
	pl_result_init(&r, cpu_plugin.name, cpu_plugin.service);
	memset(&x, 0, sizeof(x));
	x.c = &c;

	pl_sample(&c, &cpu_ops, &x, &dt, basis, sizeof(basis), &r);
	if (cpu_delta(&now->total, &then->total, pct) != 0)
		pl_die(PL_UNKNOWN, "/proc/stat: the CPU counters did not move (all zero?)");

	pl_metric_minmax(pl_metric_add(&r, "busy", busy_of(pct), PL_U_PERCENT), 0, 100);
	for (int i = 0; i < 10; i++) {
		if (i == 3)
			continue;
		pl_metric_minmax(pl_metric_add(&r, field_names[i], pct[i], PL_U_PERCENT), 0, 100);
	}
	pl_metric_minmax(pl_metric_add(&r, "idle", pct[3], PL_U_PERCENT), 0, 100);

	/* Each CPU, matched by its number, since a CPU may have gone or come. A CPU is an
	 * item (cpuN, so its metric keeps the label cpuN_busy); the figures of all CPUs
	 * together stay metrics of the result itself, since they describe no one thing. */
	for (size_t i = 0; i < now->ncpu; i++) {
		struct pl_cpu_times *cn = &now->cpu[i];
		struct pl_metric *m;
		char name[24];
		double cp[10], b = NAN;

		for (size_t k = 0; k < then->ncpu; k++)
			if (then->cpu[k].id == cn->id && cpu_delta(cn, &then->cpu[k], cp) == 0)
				b = busy_of(cp);
		pl_snprintf(name, sizeof(name), "cpu%d", cn->id);
		m = pl_item_metric(pl_result_item(&r, "cpu", name), "busy", b, PL_U_PERCENT);
		pl_metric_minmax(m, 0, 100);
		m->hidden = !cfg.per_cpu;
		if (!isnan(b) && (isnan(busiest) || b > busiest)) {
			busiest = b;
			busiest_id = cn->id;
		}
	}
	pl_metric_minmax(pl_metric_add(&r, "max_cpu_busy", busiest, PL_U_PERCENT), 0, 100);
	pl_result_line(&r, "%s, %zu CPUs", basis, now->ncpu);
	add_optional(&c, &r, &x.buf, now->ncpu);

	pl_unit_human(h1, sizeof(h1), busy_of(pct), PL_U_PERCENT);
	pl_unit_human(h2, sizeof(h2), pct[0], PL_U_PERCENT);
	pl_unit_human(h3, sizeof(h3), pct[2], PL_U_PERCENT);
	pl_unit_human(h4, sizeof(h4), pct[4], PL_U_PERCENT);
	if (busiest_id >= 0) {
		char hb[32];

		pl_result_summary(&r, "%s busy (user %s, system %s, iowait %s), busiest cpu%d %s", h1,
				  h2, h3, h4, busiest_id,
				  pl_unit_human(hb, sizeof(hb), busiest, PL_U_PERCENT));
	} else {
		pl_result_summary(&r, "%s busy (user %s, system %s, iowait %s)", h1, h2, h3, h4);
	}
	if (!isnan(pct[7]) && pct[7] >= 0.1)
		pl_result_line(&r, "steal %s: the hypervisor ran other guests on these CPUs",
			       pl_unit_human(h1, sizeof(h1), pct[7], PL_U_PERCENT));
	pl_procstat_free(now);
	pl_procstat_free(then);
	pl_buf_free(&x.buf);
	pl_exit(&r, &c);
}
