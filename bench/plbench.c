/*
 * plbench - time a program as a whole process, many times.
 *
 *   plbench [-n RUNS] [-w WARMUP] [-r SRC:DST]... -- /path/prog args...
 *
 * Runs the program WARMUP times (unrecorded, default 10) and then RUNS times
 * (default 200) via fork + execv (no shell, no PATH lookup), with stdin,
 * stdout and stderr on /dev/null.  Each child is reaped with wait4() to get
 * its own rusage.  With -r, the file SRC is copied over DST before every run,
 * outside the timed window: a plugin then finds the same aged state each time (a
 * reading older than its rotation window), so every timed run takes the path of a
 * scheduled check, which reads the state and writes it back.  -r may be given up
 * to 8 times (the state store keeps two slot files).  DST is written in place (no
 * truncation to zero, no rename: on ext4 either writes the data out at once), as
 * the store itself writes a slot, so that the timed run finds the files as a
 * scheduled check finds them.
 * Prints one machine-readable line:
 *
 *   wall_ms=0.812 cpu_ms=0.640 rss_mib=1.75 exit=0 runs=200
 *
 *   wall_ms  median wall-clock time, CLOCK_MONOTONIC around fork..wait4
 *   cpu_ms   median user+sys CPU time of the child (ru_utime + ru_stime)
 *   rss_mib  peak resident set size, max of ru_maxrss over recorded runs
 *   exit     comma-separated set of exit statuses seen ("sigN" if killed)
 *   runs     number of recorded runs
 *
 * This is a benchmark helper, not a test.  Exit status: 0 on success, 2 on
 * usage errors or if the program cannot be run at all.
 */
#define _DEFAULT_SOURCE 1
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_SIG 128

static void usage(FILE *f)
{
	fputs("usage: plbench [-n RUNS] [-w WARMUP] [-r SRC:DST] -- /path/prog [args...]\n"
	      "  -n RUNS    recorded runs (default 200)\n"
	      "  -w WARMUP  unrecorded warm-up runs (default 10)\n"
	      "  -r SRC:DST copy file SRC over DST before each run (untimed; up to 8)\n"
	      "prints: wall_ms=<median> cpu_ms=<median> rss_mib=<peak> "
	      "exit=<codes> runs=<n>\n", f);
}

static int parse_count(const char *s, const char *what, long max, long *out)
{
	const char *p = s;
	long v = 0;

	/* Plain decimal digits only, checked against max as they come. */
	for (; *p >= '0' && *p <= '9' && v <= max; p++)
		v = v * 10 + (*p - '0');
	if (p == s || *p != '\0' || v > max) {
		fprintf(stderr, "plbench: invalid %s: '%s'\n", what, s);
		return -1;
	}
	*out = v;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, long n)
{
	if (n <= 0)
		return 0.0;
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	if (n % 2)
		return v[n / 2];
	return (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

static double ts_ms(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) * 1e3 +
	       (double)(b->tv_nsec - a->tv_nsec) / 1e6;
}

static double tv_ms(const struct timeval *tv)
{
	return (double)tv->tv_sec * 1e3 + (double)tv->tv_usec / 1e3;
}

/* Copies the whole of src (at most 64 MiB: a state file; read once, on the first call)
 * over dst, mode 0600. Returns 0, or -1 after saying why on stderr. */
static int restore_file(const char *src, const char *dst)
{
	static struct { const char *src; char *buf; ssize_t n; } cache[8];
	static int ncache;
	char *buf = NULL;
	ssize_t n = -1, w, off;
	int in, out, rc = -1;

	for (int k = 0; k < ncache; k++)
		if (cache[k].src == src) {
			buf = cache[k].buf;
			n = cache[k].n;
		}
	if (buf == NULL) {
		struct stat sb;

		in = open(src, O_RDONLY | O_CLOEXEC);
		if (in < 0 || fstat(in, &sb) != 0 || sb.st_size > (64 << 20) ||
		    (buf = malloc((size_t)sb.st_size + 1)) == NULL) {
			fprintf(stderr, "plbench: %s: unreadable or larger than 64 MiB\n", src);
			if (in >= 0)
				close(in);
			return -1;
		}
		for (n = 0; n < sb.st_size; n += w) {
			w = read(in, buf + n, (size_t)(sb.st_size - n));
			if (w <= 0)
				break;
		}
		close(in);
		if (ncache < 8) {
			cache[ncache].src = src;
			cache[ncache].buf = buf;
			cache[ncache++].n = n;
		}
	}
	out = open(dst, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (out < 0) {
		fprintf(stderr, "plbench: %s: %s\n", dst, strerror(errno));
		return -1;
	}
	for (off = 0; off < n; off += w) {
		w = write(out, buf + off, (size_t)(n - off));
		if (w < 0 && errno == EINTR) {
			w = 0;
			continue;
		}
		if (w <= 0)
			break;
	}
	if (off == n && ftruncate(out, (off_t)n) == 0)
		rc = 0;
	if (close(out) != 0)
		rc = -1;
	if (rc != 0)
		fprintf(stderr, "plbench: %s: short write\n", dst);
	return rc;
}

/* One fork/exec/wait4 cycle.  Returns 0 and fills the outputs, or -1. */
static int run_once(char *const argv[], int devnull, double *wall,
		    double *cpu, long *maxrss_kib, int *status)
{
	struct timespec t0, t1;
	struct rusage ru;
	pid_t pid, w;

	if (clock_gettime(CLOCK_MONOTONIC, &t0) != 0) {
		perror("plbench: clock_gettime");
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		perror("plbench: fork");
		return -1;
	}
	if (pid == 0) {
		if (dup2(devnull, STDIN_FILENO) < 0 ||
		    dup2(devnull, STDOUT_FILENO) < 0 ||
		    dup2(devnull, STDERR_FILENO) < 0)
			_exit(126);
		if (devnull > STDERR_FILENO)
			close(devnull);
		execv(argv[0], argv);
		_exit(127);
	}
	do {
		w = wait4(pid, status, 0, &ru);
	} while (w < 0 && errno == EINTR);
	if (clock_gettime(CLOCK_MONOTONIC, &t1) != 0) {
		perror("plbench: clock_gettime");
		return -1;
	}
	if (w < 0) {
		perror("plbench: wait4");
		return -1;
	}
	*wall = ts_ms(&t0, &t1);
	*cpu = tv_ms(&ru.ru_utime) + tv_ms(&ru.ru_stime);
	*maxrss_kib = ru.ru_maxrss; /* KiB on Linux */
	return 0;
}

int main(int argc, char **argv)
{
	long runs = 200, warmup = 10, i, peak_kib = 0;
	unsigned char seen_exit[256], seen_sig[MAX_SIG];
	double *walls, *cpus;
	char *restore_src[8], *restore_dst[8];
	int nrestore = 0, argi = 1, devnull, first, c;

	while (argi < argc) {
		const char *a = argv[argi];

		if (strcmp(a, "--") == 0) {
			argi++;
			break;
		}
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return 0;
		}
		if (strcmp(a, "-n") == 0 || strcmp(a, "-w") == 0) {
			if (argi + 1 >= argc) {
				fprintf(stderr, "plbench: %s needs a value\n", a);
				return 2;
			}
			if (parse_count(argv[argi + 1], a[1] == 'n' ? "RUNS" : "WARMUP",
					10000000L, a[1] == 'n' ? &runs : &warmup) != 0)
				return 2;
			argi += 2;
			continue;
		}
		if (strcmp(a, "-r") == 0) {
			char *colon;

			if (argi + 1 >= argc || (colon = strchr(argv[argi + 1], ':')) == NULL ||
			    colon == argv[argi + 1] || colon[1] == '\0') {
				fputs("plbench: -r needs SRC:DST\n", stderr);
				return 2;
			}
			if (nrestore == 8) {
				fputs("plbench: at most 8 -r\n", stderr);
				return 2;
			}
			*colon = '\0';
			restore_src[nrestore] = argv[argi + 1];
			restore_dst[nrestore++] = colon + 1;
			argi += 2;
			continue;
		}
		if (a[0] == '-') {
			fprintf(stderr, "plbench: unknown option '%s'\n", a);
			usage(stderr);
			return 2;
		}
		break; /* tolerate a missing "--" */
	}
	if (argi >= argc) {
		usage(stderr);
		return 2;
	}
	if (runs < 1) {
		fputs("plbench: RUNS must be at least 1\n", stderr);
		return 2;
	}
	if (access(argv[argi], X_OK) != 0) {
		fprintf(stderr, "plbench: cannot execute '%s': %s\n", argv[argi],
			strerror(errno));
		return 2;
	}

	devnull = open("/dev/null", O_RDWR);
	if (devnull < 0) {
		perror("plbench: /dev/null");
		return 2;
	}
	walls = malloc((size_t)runs * sizeof *walls);
	cpus = malloc((size_t)runs * sizeof *cpus);
	if (walls == NULL || cpus == NULL) {
		fputs("plbench: out of memory\n", stderr);
		return 2;
	}
	memset(seen_exit, 0, sizeof seen_exit);
	memset(seen_sig, 0, sizeof seen_sig);

	for (i = 0; i < warmup + runs; i++) {
		double wall, cpu;
		long rss;
		int status;

		for (int k = 0; k < nrestore; k++)
			if (restore_file(restore_src[k], restore_dst[k]) != 0)
				return 2;
		if (run_once(&argv[argi], devnull, &wall, &cpu, &rss, &status) != 0)
			return 2;
		if (i < warmup)
			continue;
		walls[i - warmup] = wall;
		cpus[i - warmup] = cpu;
		if (rss > peak_kib)
			peak_kib = rss;
		if (WIFEXITED(status))
			seen_exit[WEXITSTATUS(status) & 0xff] = 1;
		else if (WIFSIGNALED(status) && WTERMSIG(status) >= 0 &&
			 WTERMSIG(status) < MAX_SIG)
			seen_sig[WTERMSIG(status)] = 1;
	}

	printf("wall_ms=%.3f cpu_ms=%.3f rss_mib=%.2f exit=",
	       median(walls, runs), median(cpus, runs),
	       (double)peak_kib / 1024.0);
	first = 1;
	for (c = 0; c < 256; c++) {
		if (seen_exit[c]) {
			printf("%s%d", first ? "" : ",", c);
			first = 0;
		}
	}
	for (c = 0; c < MAX_SIG; c++) {
		if (seen_sig[c]) {
			printf("%ssig%d", first ? "" : ",", c);
			first = 0;
		}
	}
	printf(" runs=%ld\n", runs);

	free(walls);
	free(cpus);
	close(devnull);
	return fflush(stdout) == 0 ? 0 : 2;
}
