/* bench/store: times the state store at size, the path a scheduled check takes: take
 * the lock, load the state (read both slot files, check the newest's sum, parse, every
 * entry into the hash table), look up every entry and set it anew (the plugin's part,
 * timed apart), save (format, sum, write over the older slot). N is the number of
 * entries in the file (a rate plugin keeps two per item, one per generation).
 *
 *   store [-r ROUNDS] [-d DIR] N...
 *
 * For each N, two shapes of entry: a single counter ("c0 % nNNN u 123456789"), and
 * check_net's (namespace "if", an interface name, a vector of 16 counters). Prints one
 * Markdown table row per N and shape: file size and the median over ROUNDS (default 21)
 * of load, save and both (wall clock), of the process's CPU time for both (what the work
 * cost, without waiting for a CPU on a busy machine), and of the plugin's part. A shape whose file
 * would pass PL_STORE_FILE_CAP is skipped. A benchmark, not a test: see bench/README.md. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pl_buf.h"
#include "pl_num.h"
#include "pl_store.h"

#define MAX_ROUNDS 101

static double
clock_ms(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double
now_ms(void)
{
	return clock_ms(CLOCK_MONOTONIC);
}

/* CPU time of the process (user + system): on a busy machine, what the work itself cost,
 * without the time spent waiting for a CPU. */
static double
cpu_ms(void)
{
	return clock_ms(CLOCK_PROCESS_CPUTIME_ID);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return v[n / 2];
}

static void
die(const char *what, const char *why)
{
	fprintf(stderr, "bench/store: %s: %s\n", what, why);
	exit(1);
}

/* The entries of one run; round makes the counters differ from run to run. */
static void
fill(struct pl_store *st, size_t n, int wide, uint64_t round)
{
	char name[32];
	uint64_t v[16];

	for (size_t i = 0; i < n; i++) {
		for (int k = 0; k < 16; k++)
			v[k] = 1000000007ULL * (i + 1) + (uint64_t)k * 7919 + round * 4096;
		if (wide) {
			pl_snprintf(name, sizeof(name), "veth%06zu", i);
			if (pl_store_set_vec(st, "if", name, v, 16) != 0)
				die("set", "refused");
		} else {
			pl_snprintf(name, sizeof(name), "n%zu", i);
			if (pl_store_set_vec(st, "", name, v, 1) != 0)
				die("set", "refused");
		}
	}
}

/* The figures of one run, in milliseconds. */
struct run {
	double load, save, use;      /* wall clock */
	double cpu;                  /* CPU time of load and save together */
};

/* One scheduled run. */
static void
one_run(int dirfd, size_t n, int wide, uint64_t round, struct run *out)
{
	struct pl_store st;
	char err[512];
	double t0, t1, t2, t3, c0, c1, c2, c3;
	size_t found = 0;
	int lk;

	pl_store_init(&st, "check_bench", wide ? "wide" : "narrow");
	t0 = now_ms();
	c0 = cpu_ms();
	lk = pl_store_lock(dirfd, &st, 5, err, sizeof(err));
	if (lk < 0)
		die("lock", err);
	if (pl_store_load(dirfd, &st, "bench-boot", 5, err, sizeof(err)) != PL_STORE_LOADED)
		die("load", err);
	t1 = now_ms();
	c1 = cpu_ms();
	/* What a plugin does with it: find each entry, then set it to its next value (a
	 * cursor's or a counter's), so that the file keeps n entries. */
	for (size_t i = 0; i < n; i++) {
		char name[32];

		pl_snprintf(name, sizeof(name), wide ? "veth%06zu" : "n%zu", i);
		if (pl_store_find(&st, PL_STORE_GEN_NEW, wide ? "if" : "", name) != NULL)
			found++;
	}
	if (found != n)
		die("load", "entries missing");
	st.time = (double)round + 100;
	st.wall = 1764620000 + (double)round;
	fill(&st, n, wide, round);
	t2 = now_ms();
	c2 = cpu_ms();
	if (pl_store_save(dirfd, &st, err, sizeof(err)) != 0)
		die("save", err);
	close(lk);
	t3 = now_ms();
	c3 = cpu_ms();
	out->load = t1 - t0;
	out->use = t2 - t1;
	out->save = t3 - t2;
	out->cpu = (c1 - c0) + (c3 - c2);
	pl_store_free(&st);
}

int
main(int argc, char **argv)
{
	char dir[256] = "", path[512], err[512];
	int rounds = 21, opt, dirfd;
	bool made = false;
	uint64_t u;

	while ((opt = getopt(argc, argv, "r:d:")) != -1) {
		if (opt == 'r' && pl_parse_u64(optarg, MAX_ROUNDS, &u) == 0 && u > 0)
			rounds = (int)u;
		else if (opt == 'd')
			pl_strlcpy(dir, optarg, sizeof(dir));
		else
			die("usage", "store [-r ROUNDS (1..101)] [-d DIR] N...");
	}
	if (optind >= argc)
		die("usage", "store [-r ROUNDS] [-d DIR] N...");
	if (dir[0] == '\0') {
		pl_strlcpy(dir, "/tmp/plbench-store-XXXXXX", sizeof(dir));
		if (mkdtemp(dir) == NULL)
			die("mkdtemp", strerror(errno));
		made = true;
	}
	dirfd = pl_store_dir_open(dir, path, sizeof(path), err, sizeof(err));
	if (dirfd < 0)
		die(dir, err);
	printf("| entries | shape | file | load ms | save ms | load+save ms | load+save CPU ms "
	       "| plugin's lookups and sets ms |\n");
	printf("|---:|---|---:|---:|---:|---:|---:|---:|\n");
	for (int a = optind; a < argc; a++) {
		if (pl_parse_u64(argv[a], PL_STORE_MAX_ENTRIES, &u) != 0 || u == 0)
			die(argv[a], "not a number of entries from 1 to PL_STORE_MAX_ENTRIES");
		for (int wide = 0; wide < 2; wide++) {
			double load[MAX_ROUNDS], save[MAX_ROUNDS], both[MAX_ROUNDS];
			double cpu[MAX_ROUNDS], use[MAX_ROUNDS];
			struct run one;
			struct pl_store st;
			struct stat sb;
			char name[128];

			/* The file a previous run left. */
			pl_store_init(&st, "check_bench", wide ? "wide" : "narrow");
			pl_strlcpy(st.boot_id, "bench-boot", sizeof(st.boot_id));
			st.time = 99;
			fill(&st, (size_t)u, wide, 0);
			if (pl_store_save(dirfd, &st, err, sizeof(err)) != 0) {
				if (strncmp(err, "state too large", 15) != 0)
					die("save", err);
				printf("| %llu | %s | over %zu MiB | | | | | |\n",
				       (unsigned long long)u, wide ? "check_net (16 counters)" :
				       "1 counter", PL_STORE_FILE_CAP >> 20);
				pl_store_free(&st);
				continue;
			}
			pl_store_free(&st);
			for (int r = 0; r < rounds; r++) {
				one_run(dirfd, (size_t)u, wide, (uint64_t)r + 1, &one);
				load[r] = one.load;
				save[r] = one.save;
				use[r] = one.use;
				cpu[r] = one.cpu;
				both[r] = load[r] + save[r];
			}
			pl_snprintf(name, sizeof(name), "check_bench-%s.state",
				    wide ? "wide" : "narrow");
			if (fstatat(dirfd, name, &sb, 0) != 0)
				die(name, strerror(errno));
			printf("| %llu | %s | %.1f MiB | %.2f | %.2f | %.2f | %.2f | %.2f |\n",
			       (unsigned long long)u, wide ? "check_net (16 counters)" : "1 counter",
			       (double)sb.st_size / 1048576.0, median(load, rounds),
			       median(save, rounds), median(both, rounds), median(cpu, rounds),
			       median(use, rounds));
			unlinkat(dirfd, name, 0);
			/* The store's other slot. */
			pl_snprintf(name, sizeof(name), "check_bench-%s.state.1",
				    wide ? "wide" : "narrow");
			unlinkat(dirfd, name, 0);
			pl_snprintf(name, sizeof(name), "check_bench-%s.lock", wide ? "wide" : "narrow");
			unlinkat(dirfd, name, 0);
		}
	}
	close(dirfd);
	if (made)
		rmdir(dir);
	return 0;
}
