/* Unit tests of pl_deadline and pl_run, with real child programs (tests/unit/run_child)
 * and, for the backstop, a real SIGALRM in a forked copy of the test. Timing assertions
 * are loose: CI machines have two cores and run other tests beside these. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pl_buf.h"
#include "pl_deadline.h"
#include "pl_num.h"
#include "pl_run.h"
#include "pl_timeout.h"
#include "tests.h"

static char child[4096];

static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The absolute path of run_child, built beside this test: in $top_builddir (make check
 * sets it), else in the build tree this test was compiled for. */
static void
find_child(void)
{
	const char *b = getenv("top_builddir");

	if (b == NULL || b[0] != '/')
		b = PL_TEST_BUILDDIR;
	pl_snprintf(child, sizeof(child), "%s/tests/unit/run_child", b);
}

/* Runs run_child with up to two arguments under a deadline of seconds. */
static int
run(const char *mode, const char *arg, double seconds, struct pl_run_spec *sp,
    struct pl_run_result *r)
{
	static const char *argv[4];
	struct pl_deadline *dl = malloc(sizeof(*dl));
	char err[512] = "";
	int rc;

	argv[0] = child;
	argv[1] = mode;
	argv[2] = arg;
	argv[3] = NULL;
	*dl = pl_deadline_in(seconds);
	sp->argv = argv;
	sp->deadline = dl;
	rc = pl_run(sp, r, err, sizeof(err));
	ck_assert_msg(rc == 0, "%s %s: %s", mode, arg ? arg : "", err);
	free(dl);
	return rc;
}

/* True when pid is gone or a zombie (it was killed; its reaper may not have run yet). */
static bool
dead(pid_t pid)
{
	char path[64], buf[512], *p;
	int fd;
	ssize_t n;

	pl_snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return true;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return true;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p != NULL && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X');
}

static bool
dies_within(pid_t pid, double seconds)
{
	double until = mono() + seconds;

	while (!dead(pid)) {
		if (mono() > until)
			return false;
		usleep(10000);
	}
	return true;
}

/* ---------------------------------------------------------------- pl_deadline */

START_TEST(test_deadline_values)
{
	struct pl_deadline past = pl_deadline_in(0), soon = pl_deadline_in(5);
	struct pl_deadline never = PL_DEADLINE_NEVER, m;

	ck_assert(pl_deadline_expired(&past));
	ck_assert(pl_deadline_left(&past) == 0);
	ck_assert_int_eq(pl_deadline_left_ms(&past), 1);   /* never 0: "no timeout" */
	ck_assert_uint_eq(pl_deadline_left_s(&past), 1);
	ck_assert(!pl_deadline_expired(&soon));
	ck_assert(pl_deadline_left(&soon) > 4 && pl_deadline_left(&soon) <= 5);
	ck_assert(pl_deadline_left_ms(&soon) > 4000 && pl_deadline_left_ms(&soon) <= 5000);
	ck_assert_uint_eq(pl_deadline_left_s(&soon), 5);
	ck_assert(!pl_deadline_expired(&never));
	ck_assert(isinf(pl_deadline_left(&never)));
	ck_assert_int_eq(pl_deadline_left_ms(&never), INT_MAX);
	ck_assert_uint_eq(pl_deadline_left_s(&never), 86400);
	ck_assert(pl_deadline_in(NAN).at == INT64_MAX);
	ck_assert(pl_deadline_in(INFINITY).at == INT64_MAX);
	ck_assert(pl_deadline_in(-3).at <= soon.at);
	m = pl_deadline_min(&soon, &past);
	ck_assert(m.at == past.at);
	m = pl_deadline_min(&never, &soon);
	ck_assert(m.at == soon.at);

	/* The process deadline: never until started; NULL stands for it. */
	ck_assert(pl_deadline_process().at == INT64_MAX);
	ck_assert(isinf(pl_deadline_left(NULL)));
	pl_deadline_start(3);
	ck_assert(pl_deadline_left(NULL) > 2 && pl_deadline_left(NULL) <= 3);
	m = pl_deadline_min(NULL, &never);
	ck_assert(m.at == pl_deadline_process().at);
	m = pl_deadline_min(&soon, NULL);
	ck_assert(m.at == pl_deadline_process().at);
}
END_TEST

static const struct {
	double timeout, grace;
} graces[] = {
	{ 60, 1 }, { 10, 1 }, { 30, 1 }, { 5, 0.5 }, { 2, 0.2 }, { 1, 0.1 }, { 0.5, 0.05 },
	{ 0, 0 },
};

START_TEST(test_deadline_grace)
{
	ck_assert_msg(fabs(pl_deadline_grace(graces[_i].timeout) - graces[_i].grace) < 1e-9,
		      "%g", graces[_i].timeout);
}
END_TEST

START_TEST(test_deadline_poll)
{
	int p[2];
	struct pollfd pf;
	struct pl_deadline dl;
	double t0;

	ck_assert_int_eq(pipe(p), 0);
	pf.fd = p[0];
	pf.events = POLLIN;

	/* Nothing to read: returns 0 at the deadline, not before, not much after. */
	dl = pl_deadline_in(0.2);
	t0 = mono();
	ck_assert_int_eq(pl_deadline_poll(&dl, &pf, 1), 0);
	ck_assert(mono() - t0 >= 0.19);
	ck_assert(mono() - t0 < 3);

	/* Past the deadline, what is ready still counts: one look without waiting. */
	ck_assert_int_eq(write(p[1], "x", 1), 1);
	dl = pl_deadline_in(0);
	ck_assert_int_eq(pl_deadline_poll(&dl, &pf, 1), 1);
	ck_assert(pf.revents & POLLIN);
	close(p[0]);
	close(p[1]);
}
END_TEST

static void
on_tick(int sig)
{
	(void)sig;
}

/* A signal that interrupts the wait does not end it early. */
START_TEST(test_deadline_poll_eintr)
{
	struct sigaction sa;
	struct itimerval it = { { 0, 30000 }, { 0, 30000 } };   /* every 30 ms */
	struct pl_deadline dl;
	struct pollfd pf;
	int p[2];
	double t0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_tick;   /* no SA_RESTART: ppoll fails with EINTR */
	sigaction(SIGALRM, &sa, NULL);
	ck_assert_int_eq(pipe(p), 0);
	pf.fd = p[0];
	pf.events = POLLIN;
	setitimer(ITIMER_REAL, &it, NULL);
	dl = pl_deadline_in(0.3);
	t0 = mono();
	ck_assert_int_eq(pl_deadline_poll(&dl, &pf, 1), 0);
	ck_assert(mono() - t0 >= 0.29);
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	close(p[0]);
	close(p[1]);
}
END_TEST

/* ---------------------------------------------------------------- pl_run: refusals */

START_TEST(test_run_refuses)
{
	const char *rel[] = { "bin/true", NULL }, *none[] = { NULL };
	const char *missing[] = { "/nonexistent/plumbline-test", NULL };
	const char *ok[] = { child, "exit", "0", NULL };
	const char *badenv[] = { "RESTIC_PASSWORD=S3CR3T", "no equals S3CR3T", NULL };
	const char *badname[] = { "1X=S3CR3T", NULL };
	struct pl_deadline dl = pl_deadline_in(10), past = pl_deadline_in(0);
	struct pl_run_spec sp = { .argv = rel, .deadline = &dl };
	struct pl_run_result r;
	char err[512];

	ck_assert_int_eq(pl_run(&sp, &r, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "absolute path"));
	pl_run_result_free(&r);
	sp.argv = none;
	ck_assert_int_eq(pl_run(&sp, &r, err, sizeof(err)), -1);
	sp.argv = NULL;
	ck_assert_int_eq(pl_run(&sp, &r, err, sizeof(err)), -1);

	sp.argv = missing;
	ck_assert_int_eq(pl_run(&sp, &r, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "cannot run /nonexistent/plumbline-test: No such file or directory");
	pl_run_result_free(&r);
	sp.argv = (const char *[]){ "/etc/passwd", NULL };
	ck_assert_int_eq(pl_run(&sp, &r, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "cannot run /etc/passwd: "));
	/* A program path from outside data is shown escaped, never as raw control bytes. */
	sp.argv = (const char *[]){ "/bin/sh\001\033[31m", NULL };
	ck_assert_int_eq(pl_run(&sp, &r, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "cannot run /bin/sh\\x01\\x1b[31m: No such file or directory");
	sp.argv = (const char *[]){ "sh\033[31m", NULL };
	ck_assert_int_eq(pl_run(&sp, &r, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "a program must be run by its absolute path, not 'sh\\x1b[31m'");
	sp.argv = (const char *[]){ "bin/a b", NULL };
	ck_assert_int_eq(pl_run(&sp, &r, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "a program must be run by its absolute path, not 'bin/a b'");

	/* Environment entries are checked and never shown: values may be secrets. */
	sp.argv = ok;
	sp.env = badenv;
	ck_assert_int_eq(pl_run(&sp, &r, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "environment entry 2 for a program is not NAME=value");
	sp.env = badname;
	ck_assert_int_eq(pl_run(&sp, &r, err, sizeof(err)), -1);
	ck_assert_ptr_null(strstr(err, "S3CR3T"));
	sp.env = NULL;

	sp.stdin_fd = 1;
	ck_assert_int_eq(pl_run(&sp, &r, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "above 2"));
	sp.stdin_fd = 0;

	/* No deadline at all (no process deadline in this test), or one that passed. */
	sp.deadline = NULL;
	ck_assert_int_eq(pl_run(&sp, &r, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "no deadline"));
	sp.deadline = &past;
	ck_assert_int_eq(pl_run(&sp, &r, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "no time left"));
	pl_run_result_free(&r);
}
END_TEST

/* ---------------------------------------------------------------- pl_run: outcomes */

START_TEST(test_run_exit_code)
{
	struct pl_run_spec sp = { .out_cap = 1024, .err_cap = 1024 };
	struct pl_run_result r;
	char line[128], msg[512], want[512];

	run("exit", "7", 10, &sp, &r);
	ck_assert(r.exited);
	ck_assert_int_eq(r.status, 7);
	ck_assert_int_eq(r.signal, 0);
	ck_assert(!r.timed_out && !r.killed && r.reaped);
	ck_assert(!r.out_capped && !r.err_capped);
	ck_assert_uint_eq(r.out.len, 0);
	ck_assert_str_eq(pl_run_first_line(pl_buf_str(&r.err), r.err.len, line, sizeof(line)),
			 "error: repository not found");
	pl_snprintf(want, sizeof(want), "%s exit 7 exited with status 7: error: repository not found",
		    child);
	ck_assert_str_eq(pl_run_describe(&r, msg, sizeof(msg)), want);
	ck_assert(r.elapsed >= 0 && r.elapsed < 5);
	pl_run_result_free(&r);

	run("exit", "0", 10, &sp, &r);
	ck_assert(r.exited && r.status == 0);
	pl_snprintf(want, sizeof(want), "%s exit 0 exited with status 0", child);
	ck_assert_str_eq(pl_run_describe(&r, msg, sizeof(msg)), want);
	pl_run_result_free(&r);
}
END_TEST

START_TEST(test_run_signal)
{
	struct pl_run_spec sp = { .out_cap = 64, .err_cap = 64 };
	struct pl_run_result r;
	char msg[512], want[512];

	run("signal", "10", 10, &sp, &r);   /* SIGUSR1 */
	ck_assert(!r.exited);
	ck_assert_int_eq(r.signal, SIGUSR1);
	ck_assert(!r.timed_out);
	pl_snprintf(want, sizeof(want), "%s signal 10 was killed by signal %d (SIGUSR1)", child,
		    SIGUSR1);
	ck_assert_str_eq(pl_run_describe(&r, msg, sizeof(msg)), want);
	pl_run_result_free(&r);
}
END_TEST

/* 4 MiB on each pipe, caps of 1000 and 500 bytes: the child is drained to the end (it
 * would block on a full pipe otherwise and time out), the caps hold and say so. */
START_TEST(test_run_flood)
{
	struct pl_run_spec sp = { .out_cap = 1000, .err_cap = 500 };
	struct pl_run_result r;

	run("flood", "4194304", 20, &sp, &r);
	ck_assert(r.exited && r.status == 0);
	ck_assert(!r.timed_out);
	ck_assert_uint_eq(r.out.len, 1000);
	ck_assert_uint_eq(r.err.len, 500);
	ck_assert_uint_eq(r.out_bytes, 4194304);
	ck_assert_uint_eq(r.err_bytes, 4194304);
	ck_assert(r.out_capped && r.err_capped);
	ck_assert(r.out.data[0] == 'x' && r.out.data[999] == 'x' && r.out.data[1000] == '\0');
	pl_run_result_free(&r);

	/* A cap of 0 keeps nothing, and still drains. */
	sp.out_cap = 0;
	sp.err_cap = 0;
	run("flood", "300000", 20, &sp, &r);
	ck_assert(r.exited && r.status == 0);
	ck_assert_uint_eq(r.out.len, 0);
	ck_assert_uint_eq(r.out_bytes, 300000);
	ck_assert(r.out_capped);
	ck_assert_str_eq(pl_buf_str(&r.out), "");
	pl_run_result_free(&r);

	/* Exactly at the cap is not over it. */
	sp.out_cap = 5000;
	sp.err_cap = 5000;
	run("flood", "5000", 20, &sp, &r);
	ck_assert_uint_eq(r.out.len, 5000);
	ck_assert(!r.out_capped && !r.err_capped);
	pl_run_result_free(&r);
}
END_TEST

/* A cap above 16 MiB holds as given (it was cut to 16 MiB without a word: a drill's
 * listing of 70,000 files, 20 MB, was "more than 512 MiB"). */
START_TEST(test_run_big_cap)
{
	struct pl_run_spec sp = { .out_cap = (size_t)64 << 20, .err_cap = 100 };
	struct pl_run_result r;

	run("flood", "20000000", 60, &sp, &r);
	ck_assert(r.exited && r.status == 0);
	ck_assert_uint_eq(r.out.len, 20000000);
	ck_assert(!r.out_capped);
	ck_assert(r.err_capped);
	pl_run_result_free(&r);
}
END_TEST

/* Only PATH, LC_ALL and what the caller names reach the child; a caller's entry
 * replaces a default of the same name. */
START_TEST(test_run_env)
{
	const char *env[] = { "RESTIC_PASSWORD_FILE=/etc/plumbline/restic.pw",
			      "BORG_PASSCOMMAND=/bin/cat /etc/plumbline/borg.pw", NULL };
	const char *env2[] = { "LC_ALL=C.UTF-8", "HOME=/var/lib/nagios", "HOME=/root", NULL };
	struct pl_run_spec sp = { .out_cap = 4096, .err_cap = 4096, .env = env };
	struct pl_run_result r;

	setenv("PLUMBLINE_LEAK", "inherited", 1);
	setenv("LD_PRELOAD", "/nonexistent.so", 1);
	run("env", NULL, 10, &sp, &r);
	ck_assert(r.exited && r.status == 0);
	ck_assert_str_eq(pl_buf_str(&r.out),
			 "PATH=/usr/sbin:/usr/bin:/sbin:/bin\nLC_ALL=C\n"
			 "RESTIC_PASSWORD_FILE=/etc/plumbline/restic.pw\n"
			 "BORG_PASSCOMMAND=/bin/cat /etc/plumbline/borg.pw\n");
	pl_run_result_free(&r);

	sp.env = env2;
	run("env", NULL, 10, &sp, &r);
	ck_assert_str_eq(pl_buf_str(&r.out),
			 "PATH=/usr/sbin:/usr/bin:/sbin:/bin\nLC_ALL=C.UTF-8\nHOME=/root\n");
	pl_run_result_free(&r);
	unsetenv("LD_PRELOAD");
	unsetenv("PLUMBLINE_LEAK");
}
END_TEST

/* stdin: /dev/null by default; a pipe the caller gives (a secret that never appears in
 * argv or the environment), which stays the caller's. */
START_TEST(test_run_stdin)
{
	struct pl_run_spec sp = { .out_cap = 4096, .err_cap = 4096 };
	struct pl_run_result r;
	int p[2];

	run("stdin", NULL, 10, &sp, &r);
	ck_assert(r.exited && r.status == 0);
	ck_assert_str_eq(pl_buf_str(&r.out), "");
	pl_run_result_free(&r);

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	ck_assert_int_eq(write(p[1], "s3cr3t\n", 7), 7);
	close(p[1]);
	sp.stdin_fd = p[0];
	run("stdin", NULL, 10, &sp, &r);
	ck_assert(r.exited && r.status == 0);
	ck_assert_str_eq(pl_buf_str(&r.out), "s3cr3t\n");
	ck_assert_int_eq(fcntl(p[0], F_GETFD), FD_CLOEXEC);   /* still open, still ours */
	close(p[0]);
	pl_run_result_free(&r);
}
END_TEST

/* The child has 0, 1 and 2 only, even when the plugin holds descriptors without
 * close-on-exec; its own process group; default signals and an empty mask. */
START_TEST(test_run_isolation)
{
	struct pl_run_spec sp = { .out_cap = 4096, .err_cap = 4096 };
	struct pl_run_result r;
	int leak = open("/dev/null", O_RDONLY), p[2];
	sigset_t block;
	int64_t pid, pgid;
	char *sp2;

	ck_assert_int_ge(leak, 0);
	ck_assert_int_eq(pipe(p), 0);
	run("fds", NULL, 10, &sp, &r);
	ck_assert_str_eq(pl_buf_str(&r.out), "0 1 2\n");
	pl_run_result_free(&r);

	run("pgid", NULL, 10, &sp, &r);
	sp2 = strchr(r.out.data, ' ');
	ck_assert_ptr_nonnull(sp2);
	*sp2 = '\0';
	sp2[strcspn(sp2 + 1, "\n") + 1] = '\0';
	ck_assert_int_eq(pl_parse_i64(r.out.data, 1, INT64_MAX, &pid), 0);
	ck_assert_int_eq(pl_parse_i64(sp2 + 1, 1, INT64_MAX, &pgid), 0);
	ck_assert_int_eq(pid, pgid);
	ck_assert_int_ne(pgid, getpgrp());
	pl_run_result_free(&r);

	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR2);
	sigprocmask(SIG_BLOCK, &block, NULL);
	run("sigstate", NULL, 10, &sp, &r);
	ck_assert_str_eq(pl_buf_str(&r.out), "clean\n");
	pl_run_result_free(&r);
	close(leak);
	close(p[0]);
	close(p[1]);
}
END_TEST

/* A child that honours TERM: ended by it at the deadline (a grace long enough for a busy
 * machine to deliver it; pl_run does not wait the grace out once the child ended). */
START_TEST(test_run_timeout_term)
{
	struct pl_run_spec sp = { .out_cap = 64, .err_cap = 64, .term_grace = 2 };
	struct pl_run_result r;
	char msg[512], want[512];

	run("sleep", "30", 0.3, &sp, &r);
	ck_assert(r.timed_out);
	ck_assert(!r.killed);
	ck_assert(!r.exited);
	ck_assert_int_eq(r.signal, SIGTERM);
	ck_assert_msg(r.elapsed >= 0.25 && r.elapsed < 2, "%g", r.elapsed);
	pl_snprintf(want, sizeof(want), "timed out after 0.3s waiting for %s sleep 30", child);
	ck_assert_str_eq(pl_run_describe(&r, msg, sizeof(msg)), want);
	pl_run_result_free(&r);
}
END_TEST

/* A child that ignores TERM: KILLed after the grace, reaped, and what it wrote kept. */
START_TEST(test_run_timeout_kill)
{
	struct pl_run_spec sp = { .out_cap = 64, .err_cap = 64, .term_grace = 0.2 };
	struct pl_run_result r;

	run("ignore-term", NULL, 0.5, &sp, &r);
	ck_assert(r.timed_out);
	ck_assert(r.killed);
	ck_assert(r.reaped);
	ck_assert_int_eq(r.signal, SIGKILL);
	ck_assert_msg(r.elapsed >= 0.65 && r.elapsed < 5, "%g", r.elapsed);
	ck_assert_str_eq(pl_buf_str(&r.out), "ready\n");
	pl_run_result_free(&r);
}
END_TEST

/* A child that leaves a grandchild holding its pipes: pl_run returns soon after the
 * child exits (it does not wait for the pipes to close), with the child's status, and
 * the grandchild is killed. */
START_TEST(test_run_grandchild)
{
	struct pl_run_spec sp = { .out_cap = 64, .err_cap = 64 };
	struct pl_run_result r;
	int64_t gc;

	run("grandchild", NULL, 20, &sp, &r);
	ck_assert(r.exited && r.status == 0);
	ck_assert(!r.timed_out);
	ck_assert_msg(r.elapsed < 3, "%g", r.elapsed);
	r.out.data[strcspn(r.out.data, "\n")] = '\0';
	ck_assert_int_eq(pl_parse_i64(r.out.data, 1, INT64_MAX, &gc), 0);
	ck_assert_msg(dies_within((pid_t)gc, 3), "grandchild %lld still runs", (long long)gc);
	pl_run_result_free(&r);
}
END_TEST

/* What the messages call a program: argv with blanks quoted and control bytes escaped,
 * or the caller's label; long ones cut. */
START_TEST(test_run_what)
{
	char big[600];
	const char *argv[] = { child, "exit", "0", "a b", "c\x01", "it's", NULL };
	const char *argv2[] = { child, "exit", "0", big, NULL };
	struct pl_deadline dl = pl_deadline_in(10);
	struct pl_run_spec sp = { .argv = argv, .deadline = &dl };
	struct pl_run_result r;
	char err[512], want[512];

	ck_assert_int_eq(pl_run(&sp, &r, err, sizeof(err)), 0);
	pl_snprintf(want, sizeof(want), "%s exit 0 'a b' c\\x01 'it\\'s'", child);
	ck_assert_str_eq(r.what, want);
	pl_run_result_free(&r);

	sp.label = "/usr/bin/restic snapshots (repository rest:https://...)";
	ck_assert_int_eq(pl_run(&sp, &r, err, sizeof(err)), 0);
	ck_assert_str_eq(r.what, sp.label);
	pl_run_result_free(&r);

	memset(big, 'y', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	sp.label = NULL;
	sp.argv = argv2;
	ck_assert_int_eq(pl_run(&sp, &r, err, sizeof(err)), 0);
	ck_assert_uint_eq(strlen(r.what), PL_RUN_WHAT - 1);
	ck_assert_str_eq(r.what + PL_RUN_WHAT - 4, "...");
	pl_run_result_free(&r);
}
END_TEST

static const struct {
	const char *in, *out;
	size_t outlen;
} first_lines[] = {
	{ "", "", 64 },
	{ "\n\n \t \r\n", "", 64 },
	{ "Fatal: unable to open config file\nStat: ...\n", "Fatal: unable to open config file", 64 },
	{ "\n  \n\t  error: x  \r\nsecond\n", "error: x", 64 },
	{ "no newline at the end", "no newline at the end", 64 },
	{ "a|b\x1b[31mc\x7f\n", "a?b?[31mc?", 64 },
	{ "0123456789abcdef\n", "0123456", 8 },
	{ "caf\xc3\xa9 au lait\n", "caf", 5 },       /* é would be cut in half */
	{ "caf\xc3\xa9 au lait\n", "caf\xc3\xa9", 6 },
	{ "x\n", "", 1 },
	{ "ab   cd\n", "ab", 5 },                    /* no blanks left by the cut */
	{ "a\tb\n", "a b", 64 },
};

START_TEST(test_run_first_line)
{
	char out[64];

	ck_assert_str_eq(pl_run_first_line(first_lines[_i].in, strlen(first_lines[_i].in), out,
					   first_lines[_i].outlen), first_lines[_i].out);
}
END_TEST

/* ---------------------------------------------------------------- with the backstop */

/* Runs fn in a forked copy of the test with its stdout in a pipe; returns the wait
 * status, the output in out and the seconds it took. */
static int
in_fork(void (*fn)(int), char *out, size_t outlen, double *secs)
{
	int p[2], st = 0;
	size_t n = 0;
	double t0 = mono();
	pid_t pid;

	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(p[0]);
		dup2(p[1], 1);
		close(p[1]);
		fn(1);
		_exit(42);
	}
	close(p[1]);
	for (;;) {
		ssize_t k = read(p[0], out + n, outlen - 1 - n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		n += (size_t)k;
	}
	out[n] = '\0';
	close(p[0]);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	*secs = mono() - t0;
	return st;
}

/* A child that ignores TERM, registered with the backstop while the plugin blocks in
 * something that has no timeout (pause): the backstop KILLs its group, then prints. */
static void
backstop_kills(int fd)
{
	const char *argv[] = { child, "ignore-term", NULL };
	posix_spawnattr_t attr;
	pid_t pid;
	char line[32];

	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setpgroup(&attr, 0);
	if (posix_spawn(&pid, child, NULL, &attr, (char *const *)argv, NULL) != 0)
		_exit(41);
	pl_deadline_child(pid);
	/* The pid, for the test to look for afterwards; the timeout line comes after. */
	if (write(fd, line, (size_t)pl_snprintf(line, sizeof(line), "pid %d\n", (int)pid)) < 0)
		_exit(40);
	pl_timeout_arm(0.3, PL_UNKNOWN, "TEST");
	for (;;)
		pause();
}

START_TEST(test_backstop_kills_child)
{
	char out[4096];
	double secs;
	int st = in_fork(backstop_kills, out, sizeof(out), &secs);
	char *p = strstr(out, "pid "), *nl;
	int64_t pid;

	/* The child writes "ready" into the same pipe; the read above ended only when
	 * every writer was gone, the child included. */
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 3, "status %d: %s", st, out);
	ck_assert_msg(p != NULL && (nl = strchr(p, '\n')) != NULL, "%s", out);
	*nl = '\0';
	ck_assert_msg(pl_parse_i64(p + 4, 1, INT64_MAX, &pid) == 0, "%s", p);
	ck_assert_msg(strstr(nl + 1, "TEST UNKNOWN - timed out after 0.3s") != NULL, "%s",
		      nl + 1);
	/* The backstop fires the grace after the deadline: 0.33 s. */
	ck_assert_msg(secs >= 0.32 && secs < 5, "%g", secs);
	ck_assert_msg(dies_within((pid_t)pid, 3), "the child %lld still runs", (long long)pid);
}
END_TEST

/* The plugin's deadline with the backstop armed: a blocking call given the deadline
 * returns at it, and the plugin reports before the backstop fires. */
static void
deadline_before_backstop(int fd)
{
	struct pollfd pf;
	int p[2];
	char line[128];

	pl_timeout_arm(2, PL_UNKNOWN, "TEST");
	if (pipe(p) != 0)
		_exit(41);
	pf.fd = p[0];
	pf.events = POLLIN;
	pl_timeout_waiting("reading a pipe nobody writes");
	if (pl_deadline_poll(NULL, &pf, 1) != 0)
		_exit(40);
	if (write(fd, line, (size_t)pl_snprintf(line, sizeof(line), "returned with %.3f left\n",
						pl_deadline_left(NULL))) < 0)
		_exit(39);
	_exit(0);
}

START_TEST(test_deadline_before_backstop)
{
	char out[4096];
	double secs;
	int st = in_fork(deadline_before_backstop, out, sizeof(out), &secs);

	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %d: %s", st, out);
	ck_assert_str_eq(out, "returned with 0.000 left\n");
	ck_assert_msg(secs >= 1.95 && secs < 3, "%g", secs);
}
END_TEST

/* pl_run under the plugin's own deadline: a child that ignores TERM is KILLed and the
 * plugin says what it was waiting for, before the backstop's generic line. */
static void
run_under_process_deadline(int fd)
{
	const char *argv[] = { child, "ignore-term", NULL };
	struct pl_run_spec sp = { .argv = argv, .out_cap = 64, .err_cap = 64 };
	struct pl_run_result r;
	char err[512], msg[600], line[700];

	pl_timeout_arm(2, PL_UNKNOWN, "TEST");
	pl_timeout_waiting("collecting");
	if (pl_run(&sp, &r, err, sizeof(err)) != 0)
		_exit(41);
	if (strcmp(pl_timeout_waiting_on("checking", "the words"), "collecting") != 0)
		_exit(40);   /* the plugin's words are put back */
	pl_run_describe(&r, msg, sizeof(msg));
	if (write(fd, line, (size_t)pl_snprintf(line, sizeof(line), "%s|%d\n", msg,
						r.killed)) < 0)
		_exit(39);
	_exit(0);
}

START_TEST(test_run_process_deadline)
{
	char out[4096], want[700];
	double secs;
	int st = in_fork(run_under_process_deadline, out, sizeof(out), &secs);

	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %d: %s", st, out);
	pl_snprintf(want, sizeof(want), "timed out after 2s waiting for %s ignore-term|1\n",
		    child);
	ck_assert_str_eq(out, want);
	ck_assert_msg(secs >= 1.95 && secs < 3, "%g", secs);
}
END_TEST

/* The backstop's line names the program pl_run was running when it fired (here the
 * plugin's deadline is far, but the backstop was armed short). */
static void
backstop_names_program(int fd)
{
	const char *argv[] = { child, "ignore-term", NULL };
	struct pl_deadline far = pl_deadline_in(30);
	struct pl_run_spec sp = { .argv = argv, .out_cap = 64, .err_cap = 64, .deadline = &far };
	struct pl_run_result r;
	char err[512];

	(void)fd;
	pl_timeout_arm(0.3, PL_UNKNOWN, "TEST");
	pl_deadline_start(30);   /* as if a library call had ignored its deadline */
	pl_run(&sp, &r, err, sizeof(err));
	_exit(41);
}

START_TEST(test_backstop_names_program)
{
	char out[4096], want[700];
	double secs;
	int st = in_fork(backstop_names_program, out, sizeof(out), &secs);

	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 3, "status %d: %s", st, out);
	pl_snprintf(want, sizeof(want), "running %s ignore-term", child);
	ck_assert_msg(strstr(out, want) != NULL, "%s", out);
	ck_assert_msg(secs < 5, "%g", secs);
}
END_TEST

TCase *
tc_run(void)
{
	TCase *tc = tcase_create("run");

	find_child();
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_deadline_values);
	tcase_add_loop_test(tc, test_deadline_grace, 0, (int)(sizeof(graces) / sizeof(graces[0])));
	tcase_add_test(tc, test_deadline_poll);
	tcase_add_test(tc, test_deadline_poll_eintr);
	tcase_add_test(tc, test_run_refuses);
	tcase_add_test(tc, test_run_exit_code);
	tcase_add_test(tc, test_run_signal);
	tcase_add_test(tc, test_run_flood);
	tcase_add_test(tc, test_run_big_cap);
	tcase_add_test(tc, test_run_env);
	tcase_add_test(tc, test_run_stdin);
	tcase_add_test(tc, test_run_isolation);
	tcase_add_test(tc, test_run_timeout_term);
	tcase_add_test(tc, test_run_timeout_kill);
	tcase_add_test(tc, test_run_grandchild);
	tcase_add_test(tc, test_run_what);
	tcase_add_loop_test(tc, test_run_first_line, 0,
			    (int)(sizeof(first_lines) / sizeof(first_lines[0])));
	tcase_add_test(tc, test_backstop_kills_child);
	tcase_add_test(tc, test_deadline_before_backstop);
	tcase_add_test(tc, test_run_process_deadline);
	tcase_add_test(tc, test_backstop_names_program);
	return tc;
}
