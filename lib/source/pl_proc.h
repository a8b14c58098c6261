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
