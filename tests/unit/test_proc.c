/* Unit tests of the /proc parsers (pl_proc) on the fixture trees and on malformed buffers. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pl_buf.h"
#include "pl_file.h"
#include "pl_proc.h"
#include "tests.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define KB(x) ((uint64_t)(x) * 1024)

enum kind { STAT, MEMINFO, PSI, LOADAVG };

/* Runs the parser of kind k over [buf, buf + len). Returns its result; err is filled on
 * failure. The outputs of a successful parse are released here. */
static int
parse(enum kind k, const char *buf, size_t len, char *err, size_t errlen)
{
	struct pl_procstat ps;
	struct pl_meminfo mi;
	struct pl_psi psi;
	struct pl_loadavg la;
	int rc = -1;

	switch (k) {
	case STAT:
		rc = pl_procstat_parse(buf, len, &ps, err, errlen);
		if (rc == 0)
			pl_procstat_free(&ps);
		break;
	case MEMINFO:
		rc = pl_meminfo_parse(buf, len, &mi, err, errlen);
		break;
	case PSI:
		rc = pl_psi_parse(buf, len, &psi, err, errlen);
		break;
	case LOADAVG:
		rc = pl_loadavg_parse(buf, len, &la, err, errlen);
		break;
	}
	return rc;
}

/* Reads a fixture file below tests/fixtures/<root>; fails the test if it is not there. */
static void
read_fixture(const char *root, const char *path, struct pl_buf *out)
{
	char dir[4096], err[512] = "";

	pl_snprintf(dir, sizeof(dir), "%s/%s", fixtures_dir(), root);
	pl_buf_init(out, 0);
	ck_assert_msg(pl_read_file(dir, path, out, err, sizeof(err)) == 0, "%s", err);
}

static const struct {
	const char *root;
	const char *path;
	enum kind kind;
	int rc;
} fixture_cases[] = {
	{ "cpu/debian12-2cpu/t0", "/proc/stat", STAT, 0 },
	{ "cpu/debian12-2cpu/t1", "/proc/stat", STAT, 0 },
	{ "cpu/xeon-32cpu/t0", "/proc/stat", STAT, 0 },
	{ "cpu/xeon-32cpu/t1", "/proc/stat", STAT, 0 },
	{ "cpu/rhel4-2.6.9-8cpu/t0", "/proc/stat", STAT, 0 },
	{ "cpu/rhel4-2.6.9-8cpu/t1", "/proc/stat", STAT, 0 },
	{ "cpu/reboot/t1", "/proc/stat", STAT, 0 },
	{ "cpu/backwards/t1", "/proc/stat", STAT, 0 },
	{ "cpu/hotplug/t1", "/proc/stat", STAT, 0 },
	{ "cpu/broken-empty", "/proc/stat", STAT, -1 },
	{ "cpu/broken-truncated", "/proc/stat", STAT, -1 },
	{ "cpu/broken-no-cpu-line", "/proc/stat", STAT, -1 },
	{ "cpu/broken-garbage", "/proc/stat", STAT, -1 },
	{ "cpu/broken-absurd", "/proc/stat", STAT, -1 },
	{ "cpu/broken-no-percpu", "/proc/stat", STAT, -1 },
	{ "cpu/debian12-2cpu/t0", "/proc/loadavg", LOADAVG, 0 },
	{ "cpu/xeon-32cpu/t0", "/proc/loadavg", LOADAVG, 0 },
	{ "cpu/rhel4-2.6.9-8cpu/t0", "/proc/loadavg", LOADAVG, 0 },
	{ "cpu/debian12-2cpu/t0", "/proc/pressure/cpu", PSI, 0 },
	{ "cpu/debian12-2cpu/t1", "/proc/pressure/cpu", PSI, 0 },
	{ "cpu/reboot/t1", "/proc/pressure/cpu", PSI, 0 },
	{ "mem/debian12", "/proc/meminfo", MEMINFO, 0 },
	{ "mem/hugepages", "/proc/meminfo", MEMINFO, 0 },
	{ "mem/swap-in-use", "/proc/meminfo", MEMINFO, 0 },
	{ "mem/old-swap-no-memavailable", "/proc/meminfo", MEMINFO, 0 },
	{ "mem/rhel5-2.6.18-no-memavailable", "/proc/meminfo", MEMINFO, 0 },
	{ "mem/huge-528g", "/proc/meminfo", MEMINFO, 0 },
	{ "mem/broken-empty", "/proc/meminfo", MEMINFO, -1 },
	{ "mem/broken-truncated", "/proc/meminfo", MEMINFO, -1 },
	{ "mem/broken-no-memtotal", "/proc/meminfo", MEMINFO, -1 },
	{ "mem/broken-garbage", "/proc/meminfo", MEMINFO, -1 },
	{ "mem/broken-no-unit", "/proc/meminfo", MEMINFO, -1 },
	{ "mem/broken-absurd", "/proc/meminfo", MEMINFO, -1 },
	{ "mem/broken-cut-after-swaptotal", "/proc/meminfo", MEMINFO, -1 },
	{ "mem/broken-no-buffers", "/proc/meminfo", MEMINFO, -1 },
};

START_TEST(test_fixture)
{
	struct pl_buf b;
	char err[512] = "";
	int rc;

	read_fixture(fixture_cases[_i].root, fixture_cases[_i].path, &b);
	rc = parse(fixture_cases[_i].kind, pl_buf_str(&b), b.len, err, sizeof(err));
	ck_assert_msg(rc == fixture_cases[_i].rc, "%s%s: rc %d (%s)", fixture_cases[_i].root,
		      fixture_cases[_i].path, rc, err);
	if (rc != 0)
		ck_assert_msg(err[0] != '\0', "%s: failed without a reason",
			      fixture_cases[_i].root);
	pl_buf_free(&b);
}
END_TEST

START_TEST(test_fixture_missing)
{
	static const char *const roots[] = { "cpu/broken-missing", "mem/broken-missing" };
	static const char *const paths[] = { "/proc/stat", "/proc/meminfo" };

	for (int i = 0; i < 2; i++) {
		char dir[4096], err[512] = "";
		struct pl_buf b = PL_BUF_INIT;

		pl_snprintf(dir, sizeof(dir), "%s/%s", fixtures_dir(), roots[i]);
		ck_assert_int_eq(pl_read_file(dir, paths[i], &b, err, sizeof(err)), -1);
		ck_assert_ptr_nonnull(strstr(err, "No such file"));
		pl_buf_free(&b);
	}
}
END_TEST

START_TEST(test_procstat_debian12)
{
	struct pl_procstat ps;
	struct pl_buf b;
	char err[512] = "";

	read_fixture("cpu/debian12-2cpu/t0", "/proc/stat", &b);
	ck_assert_int_eq(pl_procstat_parse(pl_buf_str(&b), b.len, &ps, err, sizeof(err)), 0);
	ck_assert_int_eq(ps.total.id, -1);
	ck_assert_int_eq(ps.total.nfields, 10);
	ck_assert_uint_eq(ps.total.user, 1498);
	ck_assert_uint_eq(ps.total.nice, 0);
	ck_assert_uint_eq(ps.total.system, 1438);
	ck_assert_uint_eq(ps.total.idle, 40709);
	ck_assert_uint_eq(ps.total.iowait, 346);
	ck_assert_uint_eq(ps.total.softirq, 25);
	ck_assert_uint_eq(ps.total.steal, 15);
	ck_assert_uint_eq(pl_cpu_total(&ps.total), 44031);
	ck_assert_uint_eq(ps.ncpu, 2);
	ck_assert_int_eq(ps.cpu[0].id, 0);
	ck_assert_uint_eq(ps.cpu[0].idle, 21076);
	ck_assert_int_eq(ps.cpu[1].id, 1);
	ck_assert_uint_eq(ps.cpu[1].user, 1077);
	ck_assert_uint_eq(ps.cpu[1].iowait, 338);
	ck_assert_uint_eq(ps.cpu[1].steal, 10);
	pl_procstat_free(&ps);
	ck_assert_ptr_null(ps.cpu);
	pl_buf_free(&b);
}
END_TEST

START_TEST(test_procstat_rhel4)
{
	struct pl_procstat ps;
	struct pl_buf b;
	char err[512] = "";

	/* A 2.6.9 kernel: 7 fields, no steal, guest or guest_nice. */
	read_fixture("cpu/rhel4-2.6.9-8cpu/t0", "/proc/stat", &b);
	ck_assert_int_eq(pl_procstat_parse(pl_buf_str(&b), b.len, &ps, err, sizeof(err)), 0);
	ck_assert_int_eq(ps.total.nfields, 7);
	ck_assert_uint_eq(ps.total.user, 209841);
	ck_assert_uint_eq(ps.total.nice, 1554);
	ck_assert_uint_eq(ps.total.idle, 118519346);
	ck_assert_uint_eq(ps.total.softirq, 27168);
	ck_assert_uint_eq(ps.total.steal, 0);
	ck_assert_uint_eq(ps.total.guest, 0);
	ck_assert_uint_eq(ps.total.guest_nice, 0);
	ck_assert_uint_eq(ps.ncpu, 8);
	ck_assert_int_eq(ps.cpu[7].id, 7);
	ck_assert_int_eq(ps.cpu[7].nfields, 7);
	ck_assert_uint_eq(ps.cpu[7].user, 18544);
	ck_assert_uint_eq(ps.cpu[7].softirq, 3447);
	pl_procstat_free(&ps);
	pl_buf_free(&b);
}
END_TEST

START_TEST(test_procstat_xeon_hotplug)
{
	struct pl_procstat ps;
	struct pl_buf b;
	char err[512] = "";

	read_fixture("cpu/xeon-32cpu/t0", "/proc/stat", &b);
	ck_assert_int_eq(pl_procstat_parse(pl_buf_str(&b), b.len, &ps, err, sizeof(err)), 0);
	ck_assert_uint_eq(ps.ncpu, 32);
	ck_assert_uint_eq(ps.total.user, 16154830);
	ck_assert_uint_eq(ps.total.idle, 346347642);
	ck_assert_uint_eq(ps.cpu[0].user, 677866);
	ck_assert_int_eq(ps.cpu[31].id, 31);
	pl_procstat_free(&ps);
	pl_buf_free(&b);
	/* cpu31 offline: 31 lines, ids as the kernel printed them */
	read_fixture("cpu/hotplug/t1", "/proc/stat", &b);
	ck_assert_int_eq(pl_procstat_parse(pl_buf_str(&b), b.len, &ps, err, sizeof(err)), 0);
	ck_assert_uint_eq(ps.ncpu, 31);
	ck_assert_int_eq(ps.cpu[30].id, 30);
	pl_procstat_free(&ps);
	pl_buf_free(&b);
}
END_TEST

/* Old kernels: 4 (2.4), 7 (2.6.9), 8 (2.6.11) and 9 (2.6.24) fields; future kernels may
 * add more, which are ignored. */
static const struct {
	const char *text;
	int nfields;
	uint64_t steal, guest, guest_nice;
} old_cases[] = {
	{ "cpu  1 2 3 4\ncpu0 1 2 3 4\n", 4, 0, 0, 0 },
	{ "cpu  1 2 3 4 5 6 7\ncpu0 1 2 3 4 5 6 7\n", 7, 0, 0, 0 },
	{ "cpu  1 2 3 4 5 6 7 8\ncpu0 1 2 3 4 5 6 7 8\n", 8, 8, 0, 0 },
	{ "cpu  1 2 3 4 5 6 7 8 9\ncpu0 1 2 3 4 5 6 7 8 9\n", 9, 8, 9, 0 },
	{ "cpu  1 2 3 4 5 6 7 8 9 10 11 12\ncpu0 1 2 3 4 5 6 7 8 9 10 11 12\n", 10, 8, 9, 10 },
	{ "cpu\t1\t2\t3\t4\t5\t6\t7 \ncpu0 1 2 3 4 5 6 7\n", 7, 0, 0, 0 },
};

START_TEST(test_procstat_old)
{
	struct pl_procstat ps;
	char err[512] = "";
	const char *t = old_cases[_i].text;

	ck_assert_msg(pl_procstat_parse(t, strlen(t), &ps, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(ps.total.nfields, old_cases[_i].nfields);
	ck_assert_uint_eq(ps.total.user, 1);
	ck_assert_uint_eq(ps.total.idle, 4);
	ck_assert_uint_eq(ps.total.steal, old_cases[_i].steal);
	ck_assert_uint_eq(ps.total.guest, old_cases[_i].guest);
	ck_assert_uint_eq(ps.total.guest_nice, old_cases[_i].guest_nice);
	ck_assert_uint_eq(ps.ncpu, 1);
	ck_assert_int_eq(ps.cpu[0].nfields, old_cases[_i].nfields);
	if (old_cases[_i].nfields < 8)
		ck_assert_uint_eq(ps.cpu[0].steal, 0);
	pl_procstat_free(&ps);
}
END_TEST

/* --- pl_cpu_delta, pl_cpu_busy, pl_cpu_busy_between ---------------------------------- */

#define T(nf, us, ni, sy, id, io, steal, guest) \
	{ 0, nf, us, ni, sy, id, io, 0, 0, steal, guest, 0 }

static const struct {
	struct pl_cpu_times then, now;
	int rc;
	double busy, iowait, steal, guest;   /* NAN: the field is unknown */
} delta_cases[] = {
	/* user 50 of 100 ticks */
	{ T(10, 0, 0, 0, 0, 0, 0, 0), T(10, 50, 0, 0, 50, 0, 0, 0), 0, 50, 0, 0, 0 },
	/* busy is neither idle nor iowait */
	{ T(10, 0, 0, 0, 0, 0, 0, 0), T(10, 10, 0, 0, 60, 30, 0, 0), 0, 10, 30, 0, 0 },
	/* guest time is inside user: not counted twice */
	{ T(10, 0, 0, 0, 0, 0, 0, 0), T(10, 50, 0, 0, 50, 0, 0, 25), 0, 50, 0, 0, 25 },
	{ T(10, 0, 0, 0, 0, 0, 0, 0), T(10, 40, 0, 10, 40, 0, 10, 0), 0, 60, 0, 10, 0 },
	/* iowait went down while idle+iowait grew (NO_HZ): iowait counts as no time */
	{ T(10, 100, 0, 0, 100, 50, 0, 0), T(10, 150, 0, 0, 200, 40, 0, 0), 0, 100.0 / 3,
	  0, 0, 0 },
	/* idle+iowait together went down: not the same series */
	{ T(10, 100, 0, 0, 100, 50, 0, 0), T(10, 150, 0, 0, 90, 50, 0, 0), -1, 0, 0, 0, 0 },
	/* any other counter that went back */
	{ T(10, 100, 0, 0, 100, 50, 0, 0), T(10, 99, 0, 0, 200, 50, 0, 0), -1, 0, 0, 0, 0 },
	{ T(10, 1, 2, 3, 4, 5, 6, 0), T(10, 1, 2, 3, 4, 5, 5, 0), -1, 0, 0, 0, 0 },
	/* no time passed */
	{ T(10, 100, 0, 0, 100, 50, 0, 0), T(10, 100, 0, 0, 100, 50, 0, 0), -1, 0, 0, 0, 0 },
	/* a 2.6.9 kernel (7 fields): steal and guest are unknown, not 0 */
	{ T(7, 0, 0, 0, 0, 0, 0, 0), T(7, 30, 0, 10, 50, 10, 0, 0), 0, 40, 10, NAN, NAN },
	/* a 2.4 kernel (4 fields): no iowait; busy is what is not idle */
	{ T(4, 0, 0, 0, 0, 0, 0, 0), T(4, 30, 0, 10, 60, 0, 0, 0), 0, 40, NAN, NAN, NAN },
};

static void
check_pct(double got, double want)
{
	if (isnan(want))
		ck_assert_msg(isnan(got), "got %g, want unknown", got);
	else
		ck_assert_double_eq_tol(got, want, 1e-9);
}

START_TEST(test_cpu_delta)
{
	double pct[PL_CPU_NFIELDS];
	int rc = pl_cpu_delta(&delta_cases[_i].now, &delta_cases[_i].then, pct);

	ck_assert_int_eq(rc, delta_cases[_i].rc);
	if (rc != 0)
		return;
	check_pct(pl_cpu_busy(pct), delta_cases[_i].busy);
	check_pct(pct[PL_CPU_IOWAIT], delta_cases[_i].iowait);
	check_pct(pct[PL_CPU_STEAL], delta_cases[_i].steal);
	check_pct(pct[8], delta_cases[_i].guest);
}
END_TEST

START_TEST(test_cpu_between)
{
	struct pl_cpu_times nc[3] = { T(10, 50, 0, 0, 50, 0, 0, 0), T(10, 80, 0, 0, 20, 0, 0, 0),
				      T(10, 5, 0, 0, 5, 0, 0, 0) };
	struct pl_cpu_times tc[2] = { T(10, 0, 0, 0, 0, 0, 0, 0), T(10, 10, 0, 0, 10, 0, 0, 0) };
	struct pl_procstat now = { T(10, 0, 0, 0, 0, 0, 0, 0), nc, 3 };
	struct pl_procstat then = { T(10, 0, 0, 0, 0, 0, 0, 0), tc, 2 };
	double b;

	/* then holds cpu3 and cpu0, in another order than now (cpu0, cpu3, cpu7) */
	nc[0].id = 0;
	nc[1].id = 3;
	nc[2].id = 7;
	tc[0].id = 3;
	tc[1].id = 0;
	ck_assert_int_eq(pl_cpu_busy_between(&now, &then, 0, &b), 0);
	ck_assert_double_eq_tol(b, 50, 1e-9);
	ck_assert_int_eq(pl_cpu_busy_between(&now, &then, 1, &b), 0);
	ck_assert_double_eq_tol(b, 80, 1e-9);
	/* cpu7 came online since: no earlier reading */
	ck_assert_int_eq(pl_cpu_busy_between(&now, &then, 2, &b), 1);
	ck_assert(isnan(b));
	/* counters that went back */
	tc[1].user = 99;
	ck_assert_int_eq(pl_cpu_busy_between(&now, &then, 0, &b), -1);
	ck_assert(isnan(b));
	ck_assert_str_eq(pl_cpu_field_name(PL_CPU_STEAL), "steal");
	ck_assert_str_eq(pl_cpu_field_since(9), "2.6.33");
	ck_assert_ptr_null(pl_cpu_field_since(0));
	ck_assert_uint_eq(pl_cpu_field(&nc[1], 0), 80);
}
END_TEST

/* --- pl_meminfo_usage ------------------------------------------------------------------ */

#define MI_ALL (PL_MI_MEMTOTAL | PL_MI_MEMFREE | PL_MI_BUFFERS | PL_MI_CACHED | \
		PL_MI_SWAPTOTAL | PL_MI_SWAPFREE | PL_MI_SRECLAIMABLE | PL_MI_SHMEM)

static const struct {
	struct pl_meminfo mi;     /* in kB here; scaled to bytes by the test */
	double available, used_pct, cached, swap_pct;   /* NAN: none */
	bool estimated;
} usage_cases[] = {
	/* MemAvailable as the kernel says */
	{ { MI_ALL | PL_MI_MEMAVAILABLE, 1000, 100, 600, 10, 200, 0, 0, 50, 20, 0 },
	  600, 40, 250, NAN, false },
	/* no MemAvailable: free + buffers + cached + sreclaimable - shmem */
	{ { MI_ALL, 1000, 100, 0, 10, 200, 0, 0, 50, 20, 0 }, 340, 66, 250, NAN, true },
	/* the estimate never goes above the total... */
	{ { MI_ALL, 1000, 500, 0, 300, 400, 0, 0, 200, 0, 0 }, 1000, 0, 600, NAN, true },
	/* ...nor below what is free (much shared memory) */
	{ { MI_ALL, 1000, 100, 0, 0, 50, 0, 0, 0, 500, 0 }, 100, 90, 50, NAN, true },
	/* swap in use */
	{ { MI_ALL | PL_MI_MEMAVAILABLE, 1000, 100, 500, 0, 0, 400, 100, 0, 0, 0 },
	  500, 50, 0, 75, false },
	/* swap all free, and all used */
	{ { MI_ALL | PL_MI_MEMAVAILABLE, 1000, 100, 500, 0, 0, 400, 400, 0, 0, 0 },
	  500, 50, 0, 0, false },
	{ { MI_ALL | PL_MI_MEMAVAILABLE, 1000, 100, 500, 0, 0, 400, 0, 0, 0, 0 },
	  500, 50, 0, 100, false },
};

START_TEST(test_meminfo_usage)
{
	struct pl_meminfo mi = usage_cases[_i].mi;
	struct pl_mem_usage u;
	uint64_t *f[] = { &mi.total, &mi.free, &mi.available, &mi.buffers, &mi.cached,
			  &mi.swap_total, &mi.swap_free, &mi.sreclaimable, &mi.shmem };

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		*f[i] *= 1024;
	pl_meminfo_usage(&mi, &u);
	ck_assert_double_eq_tol(u.available, usage_cases[_i].available * 1024, 1e-6);
	ck_assert_double_eq_tol(u.used, u.total - u.available, 1e-6);
	ck_assert_double_eq_tol(u.used_pct, usage_cases[_i].used_pct, 1e-9);
	ck_assert_double_eq_tol(u.cached, usage_cases[_i].cached * 1024, 1e-6);
	check_pct(u.swap_pct, usage_cases[_i].swap_pct);
	ck_assert(u.estimated == usage_cases[_i].estimated);
}
END_TEST

START_TEST(test_meminfo_values)
{
	struct pl_meminfo mi;
	struct pl_buf b;
	char err[512] = "";

	read_fixture("mem/debian12", "/proc/meminfo", &b);
	ck_assert_int_eq(pl_meminfo_parse(pl_buf_str(&b), b.len, &mi, err, sizeof(err)), 0);
	ck_assert_uint_eq(mi.total, KB(24684084));
	ck_assert_uint_eq(mi.free, KB(24272328));
	ck_assert_uint_eq(mi.available, KB(24369096));
	ck_assert_uint_eq(mi.buffers, KB(3812));
	ck_assert_uint_eq(mi.cached, KB(284488));
	ck_assert_uint_eq(mi.shmem, KB(8872));
	ck_assert_uint_eq(mi.sreclaimable, KB(46860));
	ck_assert_uint_eq(mi.swap_total, 0);
	ck_assert(mi.present & PL_MI_MEMAVAILABLE);
	ck_assert(mi.present & PL_MI_SWAPTOTAL);
	pl_buf_free(&b);

	read_fixture("mem/swap-in-use", "/proc/meminfo", &b);
	ck_assert_int_eq(pl_meminfo_parse(pl_buf_str(&b), b.len, &mi, err, sizeof(err)), 0);
	ck_assert_uint_eq(mi.swap_total, KB(999420));
	ck_assert_uint_eq(mi.swap_free, KB(957436));
	ck_assert_uint_eq(mi.swap_cached, KB(2096));
	pl_buf_free(&b);

	read_fixture("mem/old-swap-no-memavailable", "/proc/meminfo", &b);
	ck_assert_int_eq(pl_meminfo_parse(pl_buf_str(&b), b.len, &mi, err, sizeof(err)), 0);
	ck_assert(!(mi.present & PL_MI_MEMAVAILABLE));
	ck_assert_uint_eq(mi.available, 0);
	ck_assert_uint_eq(mi.total, KB(3742148));
	ck_assert_uint_eq(mi.swap_total, KB(4194300));
	ck_assert_uint_eq(mi.swap_free, KB(3155360));
	pl_buf_free(&b);

	read_fixture("mem/rhel5-2.6.18-no-memavailable", "/proc/meminfo", &b);
	ck_assert_int_eq(pl_meminfo_parse(pl_buf_str(&b), b.len, &mi, err, sizeof(err)), 0);
	ck_assert(!(mi.present & PL_MI_MEMAVAILABLE));
	ck_assert(!(mi.present & PL_MI_SRECLAIMABLE));
	ck_assert(!(mi.present & PL_MI_SHMEM));
	ck_assert_uint_eq(mi.total, KB(24675128));
	ck_assert_uint_eq(mi.cached, KB(9777444));
	pl_buf_free(&b);

	read_fixture("mem/huge-528g", "/proc/meminfo", &b);
	ck_assert_int_eq(pl_meminfo_parse(pl_buf_str(&b), b.len, &mi, err, sizeof(err)), 0);
	ck_assert_uint_eq(mi.total, KB(528269412));
	ck_assert_uint_eq(mi.available, KB(458467780));
	pl_buf_free(&b);
}
END_TEST

START_TEST(test_psi_loadavg_values)
{
	struct pl_psi psi;
	struct pl_loadavg la;
	struct pl_buf b;
	char err[512] = "";
	const char *old = "some avg10=1.50 avg60=0.00 avg300=100.00 total=42\n";

	read_fixture("cpu/debian12-2cpu/t0", "/proc/pressure/cpu", &b);
	ck_assert_int_eq(pl_psi_parse(pl_buf_str(&b), b.len, &psi, err, sizeof(err)), 0);
	ck_assert(psi.some.present);
	ck_assert_double_eq_tol(psi.some.avg10, 0.01, 1e-12);
	ck_assert_double_eq_tol(psi.some.avg60, 0.29, 1e-12);
	ck_assert_double_eq_tol(psi.some.avg300, 0.57, 1e-12);
	ck_assert_uint_eq(psi.some.total, 3686071);
	ck_assert(psi.full.present);
	ck_assert_uint_eq(psi.full.total, 0);
	pl_buf_free(&b);

	/* The cpu file of kernels before 5.13 has no "full" line. */
	ck_assert_int_eq(pl_psi_parse(old, strlen(old), &psi, err, sizeof(err)), 0);
	ck_assert(!psi.full.present);
	ck_assert_double_eq(psi.some.avg300, 100);
	ck_assert_uint_eq(psi.some.total, 42);

	read_fixture("cpu/xeon-32cpu/t0", "/proc/loadavg", &b);
	ck_assert_int_eq(pl_loadavg_parse(pl_buf_str(&b), b.len, &la, err, sizeof(err)), 0);
	ck_assert_double_eq_tol(la.load1, 3.91, 1e-12);
	ck_assert_double_eq_tol(la.load5, 4.22, 1e-12);
	ck_assert_double_eq_tol(la.load15, 4.37, 1e-12);
	ck_assert_uint_eq(la.running, 2);
	ck_assert_uint_eq(la.total, 1571);
	pl_buf_free(&b);
}
END_TEST

#define STAT_OK "cpu  1838 0 1511 40901 347 0 25 15 0 0\ncpu0 561 0 521 21233 7 0 3 5 0 0\n"
#define MEM_OK "MemTotal:       24684084 kB\nMemFree:        24272328 kB\n"
#define MEM_OLD MEM_OK "Buffers: 3812 kB\nCached: 284488 kB\nSwapTotal: 8 kB\nSwapFree: 4 kB\n"
#define PSI_OK "some avg10=0.01 avg60=0.29 avg300=0.57 total=3686071\n"

/* Malformed buffers: each must fail with a reason, and never crash. */
static const struct {
	enum kind kind;
	const char *text;
} bad_cases[] = {
	{ STAT, "" }, { STAT, "\n" }, { STAT, "intr 1 2 3\nctxt 5\n" },
	{ STAT, "cpu  1 2 3\n" },                                     /* too few fields */
	{ STAT, "cpu  1838 0 abc 40901 347 0 25 15 0 0\n" },          /* non-numeric */
	{ STAT, "cpu  1838 0 x25 40901 347 0 25 15 0 0\n" },
	{ STAT, "cpu  1838 0 -- 40901 347 0 25 15 0 0\n" },
	{ STAT, "cpu  -1838 0 1 40901 347 0 25 15 0 0\n" },
	{ STAT, "cpu  1838 0 1.5 40901 347 0 25 15 0 0\n" },
	{ STAT, "cpu  123456789012345678901234567890 0 1511 40901 347 0 25 15 0 0\n" },
	{ STAT, STAT_OK "cpu1 999999999999999999999999999999 0 1 2 3 4 5\n" },
	{ STAT, STAT_OK "cpu  1 2 3 4 5 6 7\n" },                     /* two aggregates */
	{ STAT, STAT_OK "cpuX 1 2 3 4 5 6 7\n" },
	{ STAT, STAT_OK "cpu1\n" },
	{ STAT, STAT_OK "cpu99999999999 1 2 3 4 5 6 7\n" },
	{ STAT, "cpu0 1 2 3 4 5 6 7\n" },                             /* no aggregate */
	{ STAT, "cpu  1 2 3 4 5 6 7\n" },                             /* no cpuN line */
	{ STAT, "cpu  1 2 3 4 5 6 7\nintr 5\nctxt 9\n" },
	{ MEMINFO, "" }, { MEMINFO, "\n\n" },
	{ MEMINFO, "MemTotal:       24684084 kB\n" },                 /* no MemFree */
	{ MEMINFO, "MemFree:        24272328 kB\n" },
	{ MEMINFO, "MemTotal:       x24684084 kB\nMemFree: 1 kB\n" },
	{ MEMINFO, "MemTotal:       24684084\nMemFree:        24272328\n" },
	{ MEMINFO, "MemTotal:       24684084 MB\nMemFree:        24272328 MB\n" },
	{ MEMINFO, MEM_OK "Cached:       \n" },
	{ MEMINFO, MEM_OK "Cached:       2844" },                      /* truncated mid-number */
	{ MEMINFO, "MemTotal: 123456789012345678901234567890 kB\nMemFree: 1 kB\n" },
	{ MEMINFO, "MemTotal: 18446744073709551615 kB\nMemFree: 1 kB\n" },
	{ MEMINFO, "MemTotal: 10 kB\nMemFree: 20 kB\n" },              /* free > total */
	{ MEMINFO, "MemTotal: 0 kB\nMemFree: 0 kB\n" },
	{ MEMINFO, MEM_OK "MemAvailable: 99999999 kB\n" },
	{ MEMINFO, MEM_OK "SwapTotal: 10 kB\nSwapFree: 20 kB\n" },
	{ MEMINFO, "MemTotal: -5 kB\nMemFree: 1 kB\n" },
	/* required lines missing: a cut or edited file, never zeros */
	{ MEMINFO, MEM_OK "Buffers: 3812 kB\nCached: 284488 kB\nSwapTotal: 8 kB\n" },
	{ MEMINFO, MEM_OK "Cached: 284488 kB\nSwapTotal: 8 kB\nSwapFree: 4 kB\n" },
	{ MEMINFO, MEM_OK "Buffers: 3812 kB\nSwapTotal: 8 kB\nSwapFree: 4 kB\n" },
	{ MEMINFO, MEM_OLD "MemAvailable: 5 kB\nShmem: 1 kB\n" },   /* no SReclaimable */
	{ MEMINFO, MEM_OLD "MemAvailable: 5 kB\nSReclaimable: 1 kB\n" },
	{ PSI, "" }, { PSI, "\n" },
	{ PSI, "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n" },  /* no "some" */
	{ PSI, "some avg10=0.01 avg60=0.29\n" },
	{ PSI, "some avg10=abc avg60=0.29 avg300=0.57 total=3686071\n" },
	{ PSI, "some avg10=0.01 avg60=0.29 avg300=0.57 total=-1\n" },
	{ PSI, "some avg10=0.01 avg60=0.29 avg300=0.57 total=123456789012345678901234567890\n" },
	{ PSI, "some avg10=100.01 avg60=0.29 avg300=0.57 total=1\n" },
	{ PSI, "some avg10=0.01 avg60=0.29 avg300=0.57 total=1 extra\n" },
	{ PSI, "some avg60=0.29 avg10=0.01 avg300=0.57 total=1\n" },
	{ PSI, PSI_OK "full avg10=0.00 avg60=0.00 avg300=0.0x total=0\n" },
	{ LOADAVG, "" }, { LOADAVG, "\n" }, { LOADAVG, "0.12 0.13\n" },
	{ LOADAVG, "0.12 0.13 0.0" }, { LOADAVG, "0.12 0.13 0.05\n" },
	{ LOADAVG, "0.12 0.13 0.05 1" }, { LOADAVG, "0.12 0.13 0.05 1/" },
	{ LOADAVG, "abc 0.13 0.05 1/83 4293\n" }, { LOADAVG, "-0.12 0.13 0.05 1/83 4293\n" },
	{ LOADAVG, "0.12 0.13 0.05 x/83 4293\n" },
	{ LOADAVG, "0.12 0.13 0.05 123456789012345678901234567890/83 4293\n" },
	{ LOADAVG, "0.12 0.13 0.05 1/123456789012345678901234567890 4293\n" },
};

/* The line a parse names as missing is the first required one absent in the kernel's
 * order, where a cut file ends. */
static const struct {
	const char *text, *named;
} missing_cases[] = {
	{ "", "no MemTotal line" },
	{ "MemFree: 1 kB\n", "no MemTotal line" },
	{ "MemTotal: 8 kB\n", "no MemFree line" },
	{ MEM_OK, "no Buffers line" },
	{ MEM_OK "Buffers: 1 kB\n", "no Cached line" },
	{ MEM_OK "Buffers: 1 kB\nCached: 1 kB\n", "no SwapTotal line" },
	{ MEM_OK "Buffers: 1 kB\nCached: 1 kB\nSwapTotal: 8 kB\n", "no SwapFree line" },
	{ MEM_OLD "MemAvailable: 5 kB\n", "no Shmem line" },
	{ MEM_OLD "MemAvailable: 5 kB\nShmem: 1 kB\n", "no SReclaimable line" },
};

START_TEST(test_meminfo_missing)
{
	struct pl_meminfo mi;
	char err[512] = "";
	const char *t = missing_cases[_i].text;

	ck_assert_int_eq(pl_meminfo_parse(t, strlen(t), &mi, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, missing_cases[_i].named) != NULL, "case %d: '%s'", _i, err);
	if (_i > 0)
		ck_assert_ptr_nonnull(strstr(err, "truncated"));
}
END_TEST

START_TEST(test_meminfo_minimal)
{
	struct pl_meminfo mi;
	char err[512] = "";

	/* A 2.6.18 kernel: no MemAvailable, so no Shmem or SReclaimable needed. */
	ck_assert_msg(pl_meminfo_parse(MEM_OLD, strlen(MEM_OLD), &mi, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_uint_eq(mi.swap_free, KB(4));
	ck_assert(!(mi.present & PL_MI_SHMEM));
}
END_TEST

START_TEST(test_bad_buffer)
{
	char err[512] = "";
	const char *t = bad_cases[_i].text;

	ck_assert_msg(parse(bad_cases[_i].kind, t, strlen(t), err, sizeof(err)) == -1,
		      "case %d accepted: '%s'", _i, t);
	ck_assert_msg(err[0] != '\0', "case %d: no reason given", _i);
}
END_TEST

/* Every file the kernel prints under /proc ends in '\n', so a missing final newline means
 * a short or cut read, and a number cut in the middle ("21233" read as "212") would be
 * taken as a valid, wrong value: the parsers must refuse such buffers. */
static const struct {
	enum kind kind;
	const char *text;
} cut_cases[] = {
	{ STAT, "cpu  1838 0 1511 40901 347 0 25 15 0 0\ncpu0 561 0 521 21233 7 0 3 5 0 0" },
	{ STAT, "cpu  1838 0 1511 40901 347 0 25 15 0 0\ncpu0 561 0 521 212" },
	{ STAT, "cpu  1838 0 1511 409" },
	{ MEMINFO, MEM_OK "Cached:         284488 kB" },
	{ PSI, "some avg10=0.01 avg60=0.29 avg300=0.57 total=36" },
	{ PSI, PSI_OK "full avg10=0.00 avg60=0.00 avg300=0.00 total=0" },
	{ LOADAVG, "0.12 0.13 0.05 1/83 4293" },
	{ LOADAVG, "0.12 0.13 0.05 1/8" },
};

START_TEST(test_cut_buffer)
{
	char err[512] = "";
	const char *t = cut_cases[_i].text;

	ck_assert_msg(parse(cut_cases[_i].kind, t, strlen(t), err, sizeof(err)) == -1,
		      "a buffer without its final newline was accepted: '%s'", t);
	ck_assert(err[0] != '\0');
}
END_TEST

/* Every prefix of real files, and every one-byte corruption of a short one: the parsers
 * must return 0 or -1 with a reason, and never read past the buffer (ASan checks that:
 * each prefix is copied to a buffer of exactly its length). */
START_TEST(test_prefixes)
{
	static const struct {
		const char *root, *path;
		enum kind kind;
	} files[] = {
		{ "cpu/rhel4-2.6.9-8cpu/t0", "/proc/stat", STAT },
		{ "mem/debian12", "/proc/meminfo", MEMINFO },
		{ "cpu/debian12-2cpu/t0", "/proc/pressure/cpu", PSI },
		{ "cpu/debian12-2cpu/t0", "/proc/loadavg", LOADAVG },
	};
	static const char junk[] = { '\0', '\n', ' ', '-', 'x', '9', ':', '=', '/' };

	for (int f = 0; f < N(files); f++) {
		enum kind kind = files[f].kind;
		struct pl_buf b;

		read_fixture(files[f].root, files[f].path, &b);
		for (size_t n = 0; n <= b.len; n++) {
			char *copy = malloc(n ? n : 1), err[512] = "";

			ck_assert_ptr_nonnull(copy);
			memcpy(copy, b.data, n);
			if (parse(kind, copy, n, err, sizeof(err)) != 0)
				ck_assert_msg(err[0] != '\0', "%s prefix %zu: no reason",
					      files[f].path, n);
			if (n == b.len && b.len < 2048) {
				for (size_t k = 0; k < n; k++) {
					for (int j = 0; j < N(junk); j++) {
						char saved = copy[k];
						int rc;

						err[0] = '\0';
						copy[k] = junk[j];
						rc = parse(kind, copy, n, err, sizeof(err));
						ck_assert(rc == 0 || err[0] != '\0');
						copy[k] = saved;
					}
				}
			}
			free(copy);
		}
		pl_buf_free(&b);
	}
}
END_TEST

TCase *
tc_proc(void)
{
	TCase *tc = tcase_create("proc");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_fixture, 0, N(fixture_cases));
	tcase_add_test(tc, test_fixture_missing);
	tcase_add_test(tc, test_procstat_debian12);
	tcase_add_test(tc, test_procstat_rhel4);
	tcase_add_test(tc, test_procstat_xeon_hotplug);
	tcase_add_loop_test(tc, test_procstat_old, 0, N(old_cases));
	tcase_add_loop_test(tc, test_cpu_delta, 0, N(delta_cases));
	tcase_add_test(tc, test_cpu_between);
	tcase_add_loop_test(tc, test_meminfo_usage, 0, N(usage_cases));
	tcase_add_test(tc, test_meminfo_values);
	tcase_add_loop_test(tc, test_meminfo_missing, 0, N(missing_cases));
	tcase_add_test(tc, test_meminfo_minimal);
	tcase_add_test(tc, test_psi_loadavg_values);
	tcase_add_loop_test(tc, test_bad_buffer, 0, N(bad_cases));
	tcase_add_loop_test(tc, test_cut_buffer, 0, N(cut_cases));
	tcase_add_test(tc, test_prefixes);
	return tc;
}
