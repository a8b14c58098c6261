/* The child programs that the pl_run unit tests run: real processes, one behaviour per
 * first argument.
 *
 *   flood BYTES       writes BYTES to stdout and BYTES to stderr, interleaved; exits 0
 *   exit CODE         writes blank lines, then two lines to stderr; exits with CODE
 *   signal SIG        kills itself with signal number SIG
 *   sleep SECONDS     sleeps (SIGTERM ends it, as by default); exits 0
 *   ignore-term       ignores SIGTERM, says "ready", sleeps 30 s; exits 0
 *   grandchild        forks a grandchild that keeps stdout and stderr open for 30 s,
 *                     prints its pid and exits 0 at once
 *   env               prints its environment, one entry a line
 *   stdin             copies stdin to stdout
 *   fds               prints the descriptors it has open ("0 1 2")
 *   pgid              prints its pid and its process group id
 *   sigstate          prints "blocked" or "ignored" for each signal so treated, or "clean" */
#include "config.h"

#include <dirent.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pl_buf.h"
#include "pl_num.h"

extern char **environ;

static void
nap(double seconds)
{
	struct timespec ts = { (time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9) };

	while (nanosleep(&ts, &ts) != 0)
		;
}

static void
put(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);

		if (w <= 0)
			exit(98);
		s += w;
		n -= (size_t)w;
	}
}

static int64_t
num(const char *s)
{
	int64_t v;

	if (s == NULL || pl_parse_i64(s, 0, INT64_MAX, &v) != 0)
		exit(97);
	return v;
}

static int
flood(int64_t bytes)
{
	char chunk[4096];

	memset(chunk, 'x', sizeof(chunk));
	for (int64_t done = 0; done < bytes; done += (int64_t)sizeof(chunk)) {
		size_t n = bytes - done < (int64_t)sizeof(chunk) ? (size_t)(bytes - done) :
			   sizeof(chunk);

		put(1, chunk, n);
		put(2, chunk, n);
	}
	return 0;
}

static int
fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	bool first = true;
	uint64_t fd;
	char line[32];

	if (d == NULL)
		return 96;
	/* readdir gives them in order on procfs. */
	while ((de = readdir(d)) != NULL) {
		if (pl_parse_u64(de->d_name, 1 << 20, &fd) != 0 || (int)fd == dirfd(d))
			continue;
		put(1, line, (size_t)pl_snprintf(line, sizeof(line), "%s%d", first ? "" : " ",
					      (int)fd));
		first = false;
	}
	closedir(d);
	put(1, "\n", 1);
	return 0;
}

static int
sigstate(void)
{
	sigset_t mask;
	bool clean = true;
	char line[48];

	sigprocmask(SIG_BLOCK, NULL, &mask);
	for (int s = 1; s < 32; s++) {
		struct sigaction sa;

		if (sigismember(&mask, s)) {
			put(1, line, (size_t)pl_snprintf(line, sizeof(line), "blocked %d\n", s));
			clean = false;
		}
		if (sigaction(s, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN) {
			put(1, line, (size_t)pl_snprintf(line, sizeof(line), "ignored %d\n", s));
			clean = false;
		}
	}
	if (clean)
		put(1, "clean\n", 6);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	char line[64];

	if (strcmp(mode, "flood") == 0)
		return flood(num(argv[2]));
	if (strcmp(mode, "exit") == 0) {
		const char *e = "\n  \n\t\nerror: repository not found\nsecond line\n";

		put(2, e, strlen(e));
		return (int)num(argv[2]);
	}
	if (strcmp(mode, "signal") == 0) {
		kill(getpid(), (int)num(argv[2]));
		return 99;
	}
	if (strcmp(mode, "sleep") == 0) {
		nap((double)num(argv[2]));
		return 0;
	}
	if (strcmp(mode, "ignore-term") == 0) {
		signal(SIGTERM, SIG_IGN);
		put(1, "ready\n", 6);
		nap(30);
		return 0;
	}
	if (strcmp(mode, "grandchild") == 0) {
		pid_t pid = fork();

		if (pid < 0)
			return 95;
		if (pid == 0) {
			nap(30);
			_exit(0);
		}
		put(1, line, (size_t)pl_snprintf(line, sizeof(line), "%d\n", (int)pid));
		return 0;
	}
	if (strcmp(mode, "env") == 0) {
		for (char **e = environ; *e != NULL; e++) {
			put(1, *e, strlen(*e));
			put(1, "\n", 1);
		}
		return 0;
	}
	if (strcmp(mode, "stdin") == 0) {
		char buf[4096];
		ssize_t n;

		while ((n = read(0, buf, sizeof(buf))) > 0)
			put(1, buf, (size_t)n);
		return n == 0 ? 0 : 94;
	}
	if (strcmp(mode, "fds") == 0)
		return fds();
	if (strcmp(mode, "pgid") == 0) {
		put(1, line, (size_t)pl_snprintf(line, sizeof(line), "%d %d\n", (int)getpid(),
					      (int)getpgrp()));
		return 0;
	}
	if (strcmp(mode, "sigstate") == 0)
		return sigstate();
	put(2, "run_child: unknown mode\n", 24);
	return 2;
}
