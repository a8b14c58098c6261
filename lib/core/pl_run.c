#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pl_i18n.h"
#include "pl_num.h"
#include "pl_run.h"
#include "pl_timeout.h"

/* After the child has ended, how long a grandchild that still holds the pipes may keep
 * them before it is killed (at most; less when the TERM grace is shorter). */
#define LINGER 0.1
/* After SIGKILL, how long to wait for the child to end before leaving it to init. */
#define KILL_WAIT 1.0
/* Reads per pipe before looking at the clock again, so a flood cannot starve it. */
#define READS_PER_WAKE 16

/* The argv (or the label) as one line: control bytes as \xNN, arguments with blanks or
 * quotes in single quotes, cut with "..." to fit. */
static void
describe_argv(const struct pl_run_spec *sp, char *out, size_t len)
{
	struct pl_buf b = PL_BUF_INIT;
	const char *one[] = { sp->label, NULL };
	const char *const *args = sp->label != NULL ? one : sp->argv;

	pl_buf_init(&b, len - 1);
	for (size_t i = 0; args[i] != NULL; i++) {
		const unsigned char *a = (const unsigned char *)args[i];
		bool quote = sp->label == NULL &&
			     (a[0] == '\0' || strpbrk(args[i], " \t'\"\\") != NULL);

		if (i > 0)
			pl_buf_putc(&b, ' ');
		if (quote)
			pl_buf_putc(&b, '\'');
		for (; *a != '\0'; a++) {
			if (*a < 0x20 || *a == 0x7f)
				pl_buf_printf(&b, "\\x%02x", *a);
			else if (quote && (*a == '\'' || *a == '\\'))
				pl_buf_printf(&b, "\\%c", *a);
			else
				pl_buf_putc(&b, (char)*a);
		}
		if (quote)
			pl_buf_putc(&b, '\'');
	}
	pl_strlcpy(out, pl_buf_str(&b), len);
	if (b.truncated && len > 4) {
		size_t n = strlen(out);

		/* Cut at a character boundary, then mark the cut. */
		n = n > len - 4 ? len - 4 : n;
		while (n > 0 && ((unsigned char)out[n] & 0xc0) == 0x80)
			n--;
		memcpy(out + n, "...", 4);
	}
	pl_buf_free(&b);
}

static bool
env_name_ok(const char *e, size_t *namelen)
{
	size_t n = 0;

	if (!((e[0] >= 'A' && e[0] <= 'Z') || (e[0] >= 'a' && e[0] <= 'z') || e[0] == '_'))
		return false;
	while ((e[n] >= 'A' && e[n] <= 'Z') || (e[n] >= 'a' && e[n] <= 'z') ||
	       (e[n] >= '0' && e[n] <= '9') || e[n] == '_')
		n++;
	*namelen = n;
	return e[n] == '=';
}

/* The child's environment: the two defaults, then the caller's entries, each replacing
 * one of the same name. envp has room for PL_RUN_ENV_MAX + 3 pointers. */
static int
build_env(const char *const *extra, const char **envp, char *err, size_t errlen)
{
	size_t n = 0;

	envp[n++] = "PATH=" PL_RUN_PATH;
	envp[n++] = "LC_ALL=C";
	for (size_t i = 0; extra != NULL && extra[i] != NULL; i++) {
		size_t nl, k;

		if (i >= PL_RUN_ENV_MAX) {
			pl_snprintf(err, errlen, _("more than %d environment entries for a program"),
				    PL_RUN_ENV_MAX);
			return -1;
		}
		if (!env_name_ok(extra[i], &nl)) {
			/* Never show the entry: its value may be a secret. */
			pl_snprintf(err, errlen, _("environment entry %zu for a program is not "
				    "NAME=value"), i + 1);
			return -1;
		}
		for (k = 0; k < n; k++)
			if (strncmp(envp[k], extra[i], nl + 1) == 0)
				break;
		envp[k] = extra[i];
		if (k == n)
			n++;
	}
	envp[n] = NULL;
	return 0;
}

#ifndef HAVE_POSIX_SPAWN_FILE_ACTIONS_ADDCLOSEFROM_NP
/* Without posix_spawn_file_actions_addclosefrom_np (glibc before 2.34), every
 * descriptor above 2 is marked close-on-exec instead. */
static void
cloexec_all(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		uint64_t fd;

		if (pl_parse_u64(de->d_name, 1 << 30, &fd) != 0 || fd <= 2 ||
		    (int)fd == dirfd(d))
			continue;
		fcntl((int)fd, F_SETFD, fcntl((int)fd, F_GETFD) | FD_CLOEXEC);
	}
	closedir(d);
}
#endif

static int
spawn(const struct pl_run_spec *sp, const char **envp, int in, int out, int errw,
      pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, all;
	int rc;

	if ((rc = posix_spawn_file_actions_init(&fa)) != 0)
		return rc;
	if ((rc = posix_spawnattr_init(&attr)) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return rc;
	}
	sigemptyset(&none);
	sigfillset(&all);
	sigdelset(&all, SIGKILL);
	sigdelset(&all, SIGSTOP);
	rc = posix_spawn_file_actions_adddup2(&fa, in, 0);
	if (rc == 0)
		rc = posix_spawn_file_actions_adddup2(&fa, out, 1);
	if (rc == 0)
		rc = posix_spawn_file_actions_adddup2(&fa, errw, 2);
	if (rc == 0 && sp->cwd != NULL)
#ifdef HAVE_POSIX_SPAWN_FILE_ACTIONS_ADDCHDIR_NP
		rc = posix_spawn_file_actions_addchdir_np(&fa, sp->cwd);
#else
		rc = ENOSYS;
#endif
#ifdef HAVE_POSIX_SPAWN_FILE_ACTIONS_ADDCLOSEFROM_NP
	if (rc == 0)
		rc = posix_spawn_file_actions_addclosefrom_np(&fa, 3);
#else
	cloexec_all();
#endif
	if (rc == 0)
		rc = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP |
					      POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	if (rc == 0)
		rc = posix_spawnattr_setpgroup(&attr, 0);
	if (rc == 0)
		rc = posix_spawnattr_setsigmask(&attr, &none);
	if (rc == 0)
		rc = posix_spawnattr_setsigdefault(&attr, &all);
	if (rc == 0)
		rc = posix_spawn(pid, sp->argv[0], &fa, &attr, (char *const *)sp->argv,
				 (char *const *)envp);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	return rc;
}

/* One pipe's reading end and what was kept of it. */
struct capture {
	int fd;                /* -1 once closed */
	struct pl_buf *buf;
	size_t cap;
	uint64_t *bytes;
};

/* Reads what the pipe holds now (up to READS_PER_WAKE chunks), keeping up to the cap.
 * Closes it at end of file or on an error. */
static void
drain(struct capture *c)
{
	char chunk[16384];

	for (int i = 0; c->fd >= 0 && i < READS_PER_WAKE; i++) {
		ssize_t n = read(c->fd, chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			close(c->fd);
			c->fd = -1;
			return;
		}
		*c->bytes += (uint64_t)n;
		if (c->buf->len < c->cap) {
			size_t room = c->cap - c->buf->len;

			pl_buf_add(c->buf, chunk, (size_t)n < room ? (size_t)n : room);
		}
	}
}

static int
open_pidfd(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
	return -1;
#endif
}

/* The child ended (it is a zombie now, not yet reaped)? */
static bool
has_ended(pid_t pid)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) != 0)
		return errno == ECHILD;
	return si.si_pid != 0;
}

static bool
reap(pid_t pid, int *st)
{
	pid_t w;

	while ((w = waitpid(pid, st, 0)) < 0 && errno == EINTR)
		;
	return w == pid;
}

/* Sends sig to the child's process group, and to the child itself should it have left
 * the group. Only while it is unreaped: its pid cannot have been reused then. */
static void
signal_child(pid_t pid, int sig)
{
	kill(-pid, sig);
	kill(pid, sig);
}

/* Waits for the child, reading its pipes, until it has ended and the pipes are closed
 * (or a grandchild kept them past the linger), sending TERM and KILL as the deadline
 * and the grace pass. Returns with the child ended but not reaped, or, when it did not
 * end after KILL, still running. */
static void
supervise(pid_t pid, struct capture cap[2], double dl, double grace, struct pl_run_result *r)
{
	int pidfd = open_pidfd(pid);
	double term_at = 0, kill_at = 0, ended_at = 0;
	bool ended = false;
	double linger = grace < LINGER ? grace : LINGER;

	for (;;) {
		struct pollfd pf[3];
		nfds_t n = 0;
		double now, wake;
		struct pl_deadline until;

		if (!ended && has_ended(pid)) {
			ended = true;
			ended_at = pl_mono();
		}
		now = pl_mono();
		if (ended && (cap[0].fd < 0 && cap[1].fd < 0))
			break;
		if (ended && now >= ended_at + linger)
			break;   /* a grandchild holds the pipes: it is killed below */
		if (!ended && r->timed_out && r->killed && now >= kill_at + KILL_WAIT)
			break;   /* not even KILL ended it */
		if (!ended && !r->timed_out && now >= dl) {
			r->timed_out = true;
			term_at = now;
			signal_child(pid, SIGTERM);
		}
		if (!ended && r->timed_out && !r->killed && now >= term_at + grace) {
			r->killed = true;
			kill_at = now;
			signal_child(pid, SIGKILL);
		}

		if (ended)
			wake = ended_at + linger;
		else if (!r->timed_out)
			wake = dl;
		else if (!r->killed)
			wake = term_at + grace;
		else
			wake = kill_at + KILL_WAIT;
		/* Without a pidfd, nothing wakes us when the child ends: look every 10 ms. */
		if (!ended && pidfd < 0 && wake > now + 0.01)
			wake = now + 0.01;
		for (int i = 0; i < 2; i++) {
			if (cap[i].fd >= 0) {
				pf[n].fd = cap[i].fd;
				pf[n].events = POLLIN;
				n++;
			}
		}
		if (!ended && pidfd >= 0) {
			pf[n].fd = pidfd;
			pf[n].events = POLLIN;
			n++;
		}
		until = pl_deadline_in(wake - now);
		if (pl_deadline_poll(&until, pf, n) < 0 && errno != EINTR)
			break;   /* cannot happen with valid descriptors; do not spin */
		for (int i = 0; i < 2; i++)
			if (cap[i].fd >= 0)
				drain(&cap[i]);
	}
	if (pidfd >= 0)
		close(pidfd);
}

int
pl_run(const struct pl_run_spec *sp, struct pl_run_result *r, char *err, size_t errlen)
{
	const char *envp[PL_RUN_ENV_MAX + 3];
	const char *before = NULL;
	char path[PL_RUN_WHAT] = "";
	int outp[2] = { -1, -1 }, errp[2] = { -1, -1 }, in = -1, rc = -1, st;
	struct capture cap[2];
	struct pl_deadline dl;
	sigset_t alrm, old;
	double start, grace;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	r->reaped = true;
	pl_buf_init(&r->out, sp->out_cap > PL_RUN_CAP_MAX ? PL_RUN_CAP_MAX : sp->out_cap);
	pl_buf_init(&r->err, sp->err_cap > PL_RUN_CAP_MAX ? PL_RUN_CAP_MAX : sp->err_cap);
	if (sp->argv != NULL && sp->argv[0] != NULL) {
		/* argv[0] alone, escaped as r->what is: messages never carry its raw bytes. */
		const char *one[] = { sp->argv[0], NULL };
		struct pl_run_spec prog = { .argv = one };

		describe_argv(&prog, path, sizeof(path));
	}
	if (sp->argv == NULL || sp->argv[0] == NULL || sp->argv[0][0] != '/') {
		pl_snprintf(err, errlen, _("a program must be run by its absolute path, not %s%s%s"),
			    path[0] == '\'' ? "" : "'", path, path[0] == '\'' ? "" : "'");
		return -1;
	}
	describe_argv(sp, r->what, sizeof(r->what));
	if (sp->stdin_fd > 0 && sp->stdin_fd <= 2) {
		pl_snprintf(err, errlen, _("the stdin of %s must be a descriptor above 2"), r->what);
		return -1;
	}
	if (build_env(sp->env, envp, err, errlen) != 0)
		return -1;
	dl = pl_deadline_min(sp->deadline, NULL);
	if (dl.at == INT64_MAX) {
		pl_snprintf(err, errlen, _("no deadline to run %s under (arm the timeout first)"),
			    r->what);
		return -1;
	}
	r->budget = pl_deadline_left(&dl);
	if (r->budget <= 0) {
		pl_snprintf(err, errlen, _("no time left to run %s"), r->what);
		return -1;
	}
	grace = pl_deadline_grace(r->budget) / 4;
	grace = sp->term_grace > 0 ? sp->term_grace : grace < 0.25 ? grace : 0.25;

	in = sp->stdin_fd > 2 ? sp->stdin_fd : open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (in < 0 || pipe2(outp, O_CLOEXEC) != 0 || pipe2(errp, O_CLOEXEC) != 0) {
		pl_snprintf(err, errlen, _("cannot run %s: %s"), r->what, strerror(errno));
		goto end;
	}
	/* SIGALRM waits until the child is registered, so the backstop cannot miss it. */
	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	sigprocmask(SIG_BLOCK, &alrm, &old);
	start = pl_mono();
	st = spawn(sp, envp, in, outp[1], errp[1], &pid);
	if (st == 0)
		pl_deadline_child(pid);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (st != 0) {
		pl_snprintf(err, errlen, _("cannot run %s: %s"), path, strerror(st));
		goto end;
	}
	/* The backstop's line names the program; the plugin's words come back after. */
	before = pl_timeout_waiting_on(_("running"), r->what);
	close(outp[1]);
	close(errp[1]);
	outp[1] = errp[1] = -1;
	fcntl(outp[0], F_SETFL, O_NONBLOCK);
	fcntl(errp[0], F_SETFL, O_NONBLOCK);
	cap[0] = (struct capture){ outp[0], &r->out, r->out.cap, &r->out_bytes };
	cap[1] = (struct capture){ errp[0], &r->err, r->err.cap, &r->err_bytes };
	if (sp->out_cap == 0)
		cap[0].cap = 0;
	if (sp->err_cap == 0)
		cap[1].cap = 0;

	supervise(pid, cap, (double)dl.at / 1e9, grace, r);

	/* Whatever is left of the group (a grandchild holding the pipes, a daemon it
	 * started) goes now, while the child is unreaped and its pid cannot be reused. */
	signal_child(pid, SIGKILL);
	for (int i = 0; i < 2; i++)
		if (cap[i].fd >= 0)
			drain(&cap[i]);   /* what was written before: still in the pipe */
	outp[0] = cap[0].fd;
	errp[0] = cap[1].fd;
	pl_deadline_child(0);
	/* A child that has not ended by now did not end even after SIGKILL: waiting for
	 * it could block for ever, so it is left to init. */
	if (has_ended(pid) && reap(pid, &st)) {
		if (WIFEXITED(st)) {
			r->exited = true;
			r->status = WEXITSTATUS(st);
		} else if (WIFSIGNALED(st)) {
			r->signal = WTERMSIG(st);
		}
	} else {
		r->reaped = false;
		r->signal = SIGKILL;
	}
	r->elapsed = pl_mono() - start;
	r->out_capped = r->out_bytes > r->out.len;
	r->err_capped = r->err_bytes > r->err.len;
	pl_timeout_waiting(before);
	rc = 0;
end:
	for (int i = 0; i < 2; i++) {
		if (outp[i] >= 0)
			close(outp[i]);
		if (errp[i] >= 0)
			close(errp[i]);
	}
	if (in >= 0 && in != sp->stdin_fd)
		close(in);
	return rc;
}

void
pl_run_result_free(struct pl_run_result *r)
{
	pl_buf_free(&r->out);
	pl_buf_free(&r->err);
}

static bool
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

char *
pl_run_first_line(const char *text, size_t len, char *out, size_t outlen)
{
	const char *p = text, *end = text + len;
	size_t n = 0;

	if (outlen == 0)
		return out;
	out[0] = '\0';
	while (p != NULL && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *ls = p, *le = nl != NULL ? nl : end;

		p = nl != NULL ? nl + 1 : end;
		while (ls < le && blank(*ls))
			ls++;
		while (le > ls && blank(le[-1]))
			le--;
		if (ls == le)
			continue;
		for (; ls < le && n + 1 < outlen; ls++) {
			unsigned char c = (unsigned char)*ls;

			if (c == '\t')
				c = ' ';
			else if (c < 0x20 || c == 0x7f || c == '|')
				c = '?';
			out[n++] = (char)c;
		}
		if (ls < le) {
			/* Cut inside a UTF-8 sequence: drop its first bytes too; then the
			 * blanks the cut left at the end. */
			if (((unsigned char)*ls & 0xc0) == 0x80) {
				while (n > 0 && ((unsigned char)out[n - 1] & 0xc0) == 0x80)
					n--;
				if (n > 0 && ((unsigned char)out[n - 1] & 0xc0) == 0xc0)
					n--;
			}
			while (n > 0 && out[n - 1] == ' ')
				n--;
		}
		out[n] = '\0';
		break;
	}
	return out;
}

static const char *
signame(int sig)
{
	switch (sig) {
	case SIGHUP: return "SIGHUP";
	case SIGINT: return "SIGINT";
	case SIGQUIT: return "SIGQUIT";
	case SIGILL: return "SIGILL";
	case SIGTRAP: return "SIGTRAP";
	case SIGABRT: return "SIGABRT";
	case SIGBUS: return "SIGBUS";
	case SIGFPE: return "SIGFPE";
	case SIGKILL: return "SIGKILL";
	case SIGUSR1: return "SIGUSR1";
	case SIGSEGV: return "SIGSEGV";
	case SIGUSR2: return "SIGUSR2";
	case SIGPIPE: return "SIGPIPE";
	case SIGALRM: return "SIGALRM";
	case SIGTERM: return "SIGTERM";
	case SIGXCPU: return "SIGXCPU";
	case SIGXFSZ: return "SIGXFSZ";
	case SIGSYS: return "SIGSYS";
	default: return NULL;
	}
}

char *
pl_run_describe(const struct pl_run_result *r, char *buf, size_t len)
{
	char num[32], line[160];
	const char *sn;

	if (r->timed_out) {
		pl_snprintf(buf, len, _("timed out after %ss waiting for %s%s"),
			    pl_fmt_num(num, sizeof(num), r->budget, 1), r->what,
			    r->reaped ? "" : " (it did not end even when killed)");
	} else if (!r->reaped) {
		pl_snprintf(buf, len, _("%s could not be waited for"), r->what);
	} else if (r->exited) {
		pl_run_first_line(pl_buf_str(&r->err), r->err.len, line, sizeof(line));
		pl_snprintf(buf, len, _("%s exited with status %d%s%s"), r->what, r->status,
			    r->status != 0 && line[0] != '\0' ? ": " : "",
			    r->status != 0 ? line : "");
	} else if ((sn = signame(r->signal)) != NULL) {
		pl_snprintf(buf, len, _("%s was killed by signal %d (%s)"), r->what, r->signal, sn);
	} else {
		pl_snprintf(buf, len, _("%s was killed by signal %d"), r->what, r->signal);
	}
	return buf;
}
