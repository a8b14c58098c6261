/* pl_proc: parsers for the kernel's /proc files, pure functions over a buffer.
 *
 * Each returns 0, or -1 with what is wrong in err ("/proc/stat: line 3: ..."). They
 * never read files themselves; pl_file does that. */
#ifndef PL_PROC_H
#define PL_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One "cpu" line of /proc/stat, in clock ticks. Kernels before 2.6.11 lack steal,
 * before 2.6.24 guest, before 2.6.33 guest_nice: nfields says how many were there and
 * the missing ones are 0. guest and guest_nice are already counted in user and nice. */
struct pl_cpu_times {
	int id;            /* -1 for the aggregate "cpu" line */
	int nfields;
	uint64_t user, nice, system, idle, iowait, irq, softirq, steal, guest, guest_nice;
};

struct pl_procstat {
	struct pl_cpu_times total;
	struct pl_cpu_times *cpu;   /* per-CPU lines in file order; owned, free with
				     * pl_procstat_free */
	size_t ncpu;
};

/* Needs the aggregate "cpu" line and at least one cpuN line (the kernel prints one per
 * online CPU); either missing is an error. */
int pl_procstat_parse(const char *buf, size_t len, struct pl_procstat *out, char *err,
		      size_t errlen);
void pl_procstat_free(struct pl_procstat *s);
/* Ticks the CPU was accounted for (user+nice+system+idle+iowait+irq+softirq+steal). */
uint64_t pl_cpu_total(const struct pl_cpu_times *t);

/* The fields of a cpu line, in the kernel's order. */
#define PL_CPU_NFIELDS 10
enum { PL_CPU_IDLE = 3, PL_CPU_IOWAIT = 4, PL_CPU_STEAL = 7 };
/* Field i (0 <= i < PL_CPU_NFIELDS) of t, and its name ("user", ..., "guest_nice"). */
uint64_t pl_cpu_field(const struct pl_cpu_times *t, int i);
const char *pl_cpu_field_name(int i);
/* The oldest kernel that counts field i ("2.6.11" for steal), or NULL for the first
 * four, which every kernel has. */
const char *pl_cpu_field_since(int i);

/* Percentages of the time between two readings of one cpu line, per field. Tick
 * counters only grow while the system runs, with one exception the kernel documents:
 * iowait may go down (NO_HZ kernels move time between idle and iowait), so those two are
 * judged as a sum and a single one that dropped counts as no time. Any other counter that
 * went backwards, or idle+iowait together, means the readings are not of the same series
 * (a reboot without a new boot id, a CPU taken offline and back): the only honest answer
 * is no figure, and this returns -1, as it does when no time passed. A field either
 * reading lacks (old kernels) is NAN. Returns 0 with pct filled. */
int pl_cpu_delta(const struct pl_cpu_times *now, const struct pl_cpu_times *then,
		 double pct[PL_CPU_NFIELDS]);
/* Busy share from pl_cpu_delta's percentages: neither idle nor waiting for I/O. */
double pl_cpu_busy(const double pct[PL_CPU_NFIELDS]);
/* The busy share of CPU now->cpu[i] between then and now, the CPU matched by its number
 * (a CPU may have gone or come between the readings). Returns 0 with *busy; 1 when then
 * has no reading of that CPU (it came online since); -1 when the two readings are not
 * comparable (see pl_cpu_delta). *busy is NAN unless 0 is returned. */
int pl_cpu_busy_between(const struct pl_procstat *now, const struct pl_procstat *then, size_t i,
			double *busy);

/* /proc/meminfo. Values in bytes. present tells which fields the kernel gave. */
enum {
	PL_MI_MEMTOTAL = 1 << 0, PL_MI_MEMFREE = 1 << 1, PL_MI_MEMAVAILABLE = 1 << 2,
	PL_MI_BUFFERS = 1 << 3, PL_MI_CACHED = 1 << 4, PL_MI_SWAPTOTAL = 1 << 5,
	PL_MI_SWAPFREE = 1 << 6, PL_MI_SRECLAIMABLE = 1 << 7, PL_MI_SHMEM = 1 << 8,
	PL_MI_SWAPCACHED = 1 << 9,
};

struct pl_meminfo {
	unsigned present;
	uint64_t total, free, available, buffers, cached, swap_total, swap_free,
		 sreclaimable, shmem, swap_cached;
};

/* MemTotal, MemFree, Buffers, Cached, SwapTotal and SwapFree are required (every kernel
 * since 2.6 prints them), and so are Shmem and SReclaimable when MemAvailable is there
 * (kernels that have it have them): a missing one is an error naming it, since taken as
 * 0 it would give false figures (no SwapFree reads as swap 100% used). */
int pl_meminfo_parse(const char *buf, size_t len, struct pl_meminfo *out, char *err,
		     size_t errlen);

/* What is in use, from a parsed meminfo (bytes, as doubles for the metrics). */
struct pl_mem_usage {
	double total, free, buffers;
	double cached;             /* Cached + SReclaimable, as free(1) shows it */
	double available;          /* MemAvailable, or the estimate (estimated set) */
	bool estimated;            /* kernels before 3.14 have no MemAvailable */
	double used, used_pct;     /* total - available, and its share of total */
	double swap_total, swap_used;
	double swap_pct;           /* NAN on a host without swap */
};

/* Used memory is what is not available for new work without swapping: MemTotal minus
 * MemAvailable. Without MemAvailable the estimate is MemFree + Buffers + Cached +
 * SReclaimable - Shmem (page cache that can be dropped; shared memory cannot), kept
 * between MemFree and MemTotal. Pure. */
void pl_meminfo_usage(const struct pl_meminfo *mi, struct pl_mem_usage *u);

/* /proc/pressure/{cpu,memory,io}: "some" and "full" lines (the cpu file of kernels
 * before 5.13 has no "full" line). */
struct pl_psi_line {
	bool present;
	double avg10, avg60, avg300;   /* percent */
	uint64_t total;                /* microseconds */
};

struct pl_psi {
	struct pl_psi_line some, full;
};

int pl_psi_parse(const char *buf, size_t len, struct pl_psi *out, char *err, size_t errlen);

/* /proc/loadavg */
struct pl_loadavg {
	double load1, load5, load15;
	uint64_t running, total;
};

int pl_loadavg_parse(const char *buf, size_t len, struct pl_loadavg *out, char *err,
		     size_t errlen);

#endif
