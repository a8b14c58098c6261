/* check_process: how many processes match a selection, in which states, and what each
 * of them uses (memory, CPU, threads, file descriptors), from /proc; never forks ps.
 *
 * Each process's stat is read, unless one fstatat of /proc/PID already rules it out
 * (another user's, with --user; not the pidfile's); the other files (exe, cmdline,
 * cgroup, fd) only when the selection or the output needs them, the exe of a match only
 * to leave out other runs of this check; status only in a fixture tree. CPU % of a process
 * is the change of its tick counters since the last run, kept in the state store under
 * its pid and start time (a pid reused by another program is another process). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <math.h>
#include <pwd.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pl_buf.h"
#include "pl_clock.h"
#include "pl_file.h"
#include "pl_i18n.h"
#include "pl_num.h"
#include "pl_pid.h"
#include "pl_plugin.h"
#include "pl_result.h"
#include "pl_store.h"
#include "pl_timeout.h"

#define MAX_RULES 64
#define LIST_MAX 10          /* matches listed in the long output besides the breaches */
#define CMD_SHOW 160         /* bytes of a command line shown */

enum container { CT_ALL = 0, CT_HOST };

struct proc_config {
	struct pl_strlist names, exes, units, cgroups, users;
	const char *cmdline;
	regex_t re;
	bool has_re, re_literal;   /* re_literal: --cmdline has no special character */
	int64_t ppid;                /* 0: any */
	const char *pidfile;
	int container;
	bool kthreads;
	uid_t uids[MAX_RULES];       /* --user, resolved */
	size_t nuids;
};

static int opt_cmdline(void *, const struct pl_option *, const char *, char *, size_t);
static int opt_user(void *, const struct pl_option *, const char *, char *, size_t);

static int
check_abs(const char *arg, char *err, size_t errlen)
{
	if (arg[0] == '/')
		return 0;
	pl_snprintf(err, errlen, _("not an absolute path (give one starting with '/')"));
	return -1;
}

static const struct pl_choice containers[] = {
	{ "all", CT_ALL, false }, { "host", CT_HOST, false }, { NULL, 0, false },
};

#define SEL (PL_OPT_SYNOPSIS | PL_OPT_IDENTITY)

static const struct pl_option proc_opts[] = {
	{ .name = "name", .letter = 'C', .type = PL_OPT_LIST, .arg = "NAME", .max = MAX_RULES,
	  PL_OPT_AT(struct proc_config, names), .flags = SEL,
	  .help = N_("Processes named NAME, in full: the base name of the program file "
		  "(/proc/PID/exe) or the kernel's command name, which the kernel cuts to 15 "
		  "bytes; a name longer than that matches a cut command name only when the "
		  "first or second argument's base name is the full name (a script run by its "
		  "interpreter, or a process whose program file cannot be read). Given several "
		  "times: any of the names.") },
	{ .name = "exe", .type = PL_OPT_LIST, .arg = "PATH", .max = MAX_RULES,
	  PL_OPT_AT(struct proc_config, exes), .check = check_abs, .flags = PL_OPT_IDENTITY,
	  .help = N_("Processes running the program file PATH (/proc/PID/exe; a replaced binary "
		  "still matches its path). Reading another user's exe link needs root or "
		  "CAP_SYS_PTRACE: such processes are counted as not matching, and -v says how "
		  "many there were.") },
	{ .name = "cmdline", .letter = 'a', .type = PL_OPT_STRING, .arg = "REGEX",
	  .fn = opt_cmdline, .flags = SEL,
	  .help = N_("Processes whose whole command line (arguments joined by blanks, no width "
		  "limit) matches the extended regular expression REGEX, anywhere unless "
		  "anchored.") },
	{ .name = "user", .letter = 'u', .type = PL_OPT_LIST, .arg = "USER", .max = MAX_RULES,
	  .fn = opt_user, .flags = SEL | PL_OPT_REPEAT,
	  .help = N_("Processes of USER (a name or a uid; the effective uid, as ps -u selects). Given "
		  "several times: any of the users.") },
	{ .name = "ppid", .letter = 'p', .type = PL_OPT_INT, .min = 1, .max = 4194304,
	  PL_OPT_AT(struct proc_config, ppid), .flags = PL_OPT_IDENTITY,
	  .help = N_("Processes whose parent is the process PPID.") },
	{ .name = "pidfile", .type = PL_OPT_STRING, .arg = "FILE", .check = check_abs,
	  PL_OPT_AT(struct proc_config, pidfile), .flags = SEL,
	  .help = N_("The process whose id FILE holds: CRITICAL when the file is missing, "
		  "malformed or names a process that is gone (a stale pidfile), or one that "
		  "the other selection options do not match (the pid was reused by another "
		  "program: give --name or --exe to say which program is expected).") },
	{ .name = "unit", .type = PL_OPT_LIST, .arg = "UNIT", .max = MAX_RULES,
	  PL_OPT_AT(struct proc_config, units), .flags = SEL,
	  .help = N_("Processes of the systemd unit UNIT ('nginx.service', 'user@1000.service', "
		  "a slice such as 'system.slice' holds the units below it), from "
		  "/proc/PID/cgroup: the unit is a component of the process's cgroup path. "
		  "System units only: a user's own 'systemd --user' unit of the same name "
		  "(below user@UID.service) is not it; select one with --cgroup and its path "
		  "(/user.slice/user-1000.slice/user@1000.service/app.slice/NAME). "
		  "Needs no systemd library and no D-Bus.") },
	{ .name = "cgroup", .type = PL_OPT_LIST, .arg = "PATH", .max = MAX_RULES,
	  PL_OPT_AT(struct proc_config, cgroups), .check = check_abs, .flags = PL_OPT_IDENTITY,
	  .help = N_("Processes in the cgroup PATH or below it ('/system.slice/nginx.service', a "
		  "container's cgroup), in any hierarchy (cgroup v2, or a v1 controller's).") },
	{ .name = "container", .type = PL_OPT_CHOICE, .arg = "WHERE", .choices = containers,
	  PL_OPT_AT(struct proc_config, container), .flags = PL_OPT_IDENTITY,
	  .help = N_("'host': leave out processes in containers (the cgroups docker, containerd, "
		  "podman, LXC, systemd-nspawn, libvirt and Kubernetes make, told by their "
		  "names at their place: docker-ID.scope, libpod-ID.scope... with a hex id, "
		  "/docker/, /lxc/, /machine.slice/, /kubepods.slice/ at the top; never below "
		  "a user's user@UID.service); 'all' (the default) counts them. One container's processes: --cgroup with its cgroup.") },
	{ .name = "kernel-threads", .type = PL_OPT_SWITCH, PL_OPT_AT(struct proc_config, kthreads),
	  .flags = PL_OPT_IDENTITY,
	  .help = N_("Count kernel threads too (left out by default; they match by command name "
		  "only).") },
	{ .name = NULL },
};

static int
opt_cmdline(void *base, const struct pl_option *o, const char *v, char *err, size_t errlen)
{
	struct proc_config *cfg = base;
	int rc;

	if (v[0] == '\0') {
		pl_snprintf(err, errlen, _("an empty value (an empty expression would match every "
			    "process: leave --cmdline out to count them all)"));
		return -1;
	}
	if (cfg->has_re)
		regfree(&cfg->re);
	cfg->has_re = false;
	rc = regcomp(&cfg->re, v, REG_EXTENDED | REG_NOSUB);
	if (rc != 0) {
		char why[128];

		regerror(rc, &cfg->re, why, sizeof(why));
		pl_snprintf(err, errlen, _("not a valid extended regular expression: %s"), why);
		return -1;
	}
	cfg->has_re = true;
	cfg->cmdline = v;
	/* Without a special character the expression is its own text: strstr finds it
	 * as regexec would, at a fraction of the cost (once a process). */
	cfg->re_literal = strpbrk(v, ".[]()*+?{}|^$\\") == NULL;
	return 0;
}

static int
opt_user(void *base, const struct pl_option *o, const char *v, char *err, size_t errlen)
{
	struct proc_config *cfg = base;
	struct passwd *pw;
	uint64_t uid;

	if (cfg->nuids >= MAX_RULES) {
		pl_snprintf(err, errlen, _("at most %d users"), MAX_RULES);
		return -1;
	}
	if (pl_parse_u64(v, UINT32_MAX - 1, &uid) == 0) {
		cfg->uids[cfg->nuids++] = (uid_t)uid;
		return 0;
	}
	pw = getpwnam(v);
	if (pw == NULL) {
		pl_snprintf(err, errlen, _("no such user on this host (give a user name or a uid)"));
		return -1;
	}
	cfg->uids[cfg->nuids++] = pw->pw_uid;
	return 0;
}

static const char *const proc_primary[] = { "procs", NULL };

static const struct pl_plugin proc_plugin = {
	.name = "check_process",
	.service = "PROCESS",
	.purpose = N_("process counts, states and per-process resources, from /proc"),
	.description =
		N_("Counts the processes that match every selection option given (--name, --exe, "
		"--cmdline, --user, --ppid, --pidfile, --unit, --cgroup, --container), or all "
		"processes without one, and reports their states and what each uses. Reads "
		"/proc directly and never runs ps; a process's files beyond stat are read only "
		"when the selection or the output needs them.\n"
		"Never counted: this check itself, its children, other runs of the same program "
		"file (device and inode), its parent shell, and the shell or wrapper that runs "
		"this run (an engine's 'sh -c', timeout, sudo: ancestors whose arguments name "
		"this program under the name it runs as); never another run's parents. So a --cmdline that matches its "
		"own command line does not count itself. Kernel threads are left out unless "
		"--kernel-threads.\n"
		"The count (procs) is of live processes; zombies are counted apart. With a "
		"selection option and no -c, the check is CRITICAL when nothing matches (-c 1:); "
		"give -c 0: to allow none.\n"
		"Thresholds: -w/-c on procs ('-c 1:' too few, '-w 10' too many, '-c 2:4'). "
		"--warningx/--criticalx on the totals (zombies, uninterruptible, zombie_age, rss, "
		"cpu, threads) and on each matching process: '*_rss', '*_cpu', '*_age', "
		"'*_threads', '*_fds' (a process's labels are pidPID_rss and so on: JSON and long "
		"output show them, perfdata leaves them out, since pids change). The long output "
		"lists the processes that breached first, worst first, then a few others.\n"
		"CPU % is of one CPU (100% = one core busy), per process, since the last run of "
		"this check (kept in the state file under the pid and the start time): the first "
		"run says the rates come with the next one rather than report a lifetime "
		"average. Open file descriptors are counted only when a threshold names *_fds or "
		"with -v; another user's need root or CAP_SYS_PTRACE, and a process whose count "
		"cannot be had says so on its own line."),
	.options = proc_opts,
	.primary = proc_primary,
	.metrics =
		N_("procs (matching live processes), zombies, uninterruptible (state D), zombie_age "
		"(seconds, the oldest zombie; 0 without), rss (bytes, all matches), cpu (percent "
		"of one CPU, all matches; from the second run), threads (all matches). For each "
		"matching process, in JSON and the long output only: pidPID_rss, pidPID_cpu, "
		"pidPID_age, pidPID_threads, pidPID_fds (with a threshold on *_fds or -v)."),
	.examples =
		N_("  check_process --name long-running-worker-daemon -c 1: -w 1:4\n"
		"      Critical when none runs, warning with more than 4.\n"
		"  check_process --unit nginx.service -c 2: --warningx '*_rss=512MB'\n"
		"      At least 2 processes in nginx.service; warn for any over 512 MiB resident.\n"
		"  check_process --pidfile /run/sshd.pid --name sshd\n"
		"      The pid in /run/sshd.pid is alive and is sshd.\n"
		"  check_process --cmdline '^/usr/bin/java .*-jar /srv/app\\.jar' --criticalx '*_cpu=90'\n"
		"      The Java app runs, and no process of it burns more than 90% of a core.\n"
		"  check_process --warningx zombies=0 --criticalx 'zombie_age=~:1h'\n"
		"      Warn on any zombie, critical when one is older than an hour.\n"
		"  check_process --user www-data --container host --warningx '*_fds=~:50000' -v\n"
		"      Host processes of www-data, open descriptors per process.\n"),
	.uses_state = true,
};

/* One process of the snapshot. st is read (loaded) for every process a cheap test did
 * not rule out first (skipped: another user's, not the pidfile's), and on demand for a
 * skipped one (an ancestor of this check). The fields after `match` are filled for
 * matches. */
struct proc {
	struct pl_pid_stat st;       /* st.pid alone until loaded */
	bool loaded;
	bool skipped;                /* ruled out before its stat was read: never a match */
	bool kthread;
	bool match;
	const char *why_out;         /* why a match is not counted (self, shell...), or NULL */
	char *cmd;                   /* the command line as text (owned), or NULL */
	bool have_uid;
	uint32_t uid;
	double cpu;                  /* % of one CPU, NAN: no rate */
	double fds;                  /* NAN: not counted */
	int fd_errno;
	double rss, age;             /* bytes, seconds */
	bool listed;
};

struct snap {
	struct proc *v;
	size_t n;
	int64_t self;                /* this check's pid (in a fixture: proc/self) */
	char self_exe[4096];         /* "" when unknown */
	struct stat self_id;         /* the file of this check's program (live only) */
	bool have_self_id;
	uint64_t self_text;          /* the size of its program text (live), 0: unknown */
	char self_names[2][256];     /* base names of its exe and of its argv[0] */
	const char *self_name;       /* check_process */
	double uptime, hz, page;
	size_t kthreads_out, unreadable_exe, gone;
	int procfd;                  /* <root>/proc, for the files of each process */
	struct pl_buf buf;           /* scratch for files */
};

static int
cmp_pid(const void *a, const void *b)
{
	const struct proc *x = a, *y = b;

	return x->st.pid < y->st.pid ? -1 : x->st.pid > y->st.pid;
}

/* A pid of the listing of /proc and the index of its name there. */
struct pid_name {
	uint32_t pid, at;
};

static int
cmp_pid_name(const void *a, const void *b)
{
	uint32_t x = ((const struct pid_name *)a)->pid, y = ((const struct pid_name *)b)->pid;

	return x < y ? -1 : x > y;
}

/* "PID/FILE" (FILE NULL: "PID") into out, which holds 64 bytes: many times a run, and
 * without the cost of a printf. */
static const char *
pid_rel(char *out, int64_t pid, const char *file)
{
	char d[24];
	size_t n = 0, k = 0;

	do
		d[n++] = (char)('0' + pid % 10);
	while ((pid /= 10) > 0 && n < sizeof(d));
	while (n > 0)
		out[k++] = d[--n];
	if (file != NULL) {
		out[k++] = '/';
		while (*file != '\0' && k < 63)
			out[k++] = *file++;
	}
	out[k] = '\0';
	return out;
}

static struct proc *
find_pid(const struct snap *s, int64_t pid)
{
	struct proc key;

	key.st.pid = pid;
	return bsearch(&key, s->v, s->n, sizeof(*s->v), cmp_pid);
}

/* The target of /proc/PID/NAME below the root, into out. Returns its length, or -1
 * with errno. */
static ssize_t
read_link(int procfd, int64_t pid, const char *name, char *out, size_t len)
{
	char rel[64];
	ssize_t n;

	if (pid > 0)
		pl_snprintf(rel, sizeof(rel), "%lld/%s", (long long)pid, name);
	else
		pl_snprintf(rel, sizeof(rel), "%s", name);
	n = readlinkat(procfd, rel, out, len - 1);
	if (n < 0)
		return -1;
	out[n] = '\0';
	return n;
}

/* Reads /proc/PID/FILE into s->buf. Returns 0, or -1 (the process is gone, or the
 * file is not readable). */
static int
read_pid_file(const struct pl_common *c, struct snap *s, int64_t pid, const char *file)
{
	char rel[64];

	return pl_read_at(s->procfd, pid_rel(rel, pid, file), &s->buf);
}

/* Reads the stat of p (whose st.pid is set) into p->st. Returns 0, or -1 when the
 * process is gone or its stat is not readable (p->st.pid kept). */
static int
load_stat(const struct pl_common *c, struct snap *s, struct proc *p)
{
	struct pl_pid_stat st;
	char err[256];

	if (p->loaded)
		return 0;
	if (read_pid_file(c, s, p->st.pid, "stat") != 0 ||
	    pl_pid_stat_parse(pl_buf_str(&s->buf), s->buf.len, &st, err, sizeof(err)) != 0 ||
	    st.pid != p->st.pid)
		return -1;
	p->st = st;
	p->kthread = pl_pid_is_kthread(&p->st);
	p->loaded = true;
	return 0;
}

static bool
uid_wanted(const struct proc_config *cfg, uint32_t uid)
{
	for (size_t i = 0; i < cfg->nuids; i++)
		if (uid == cfg->uids[i])
			return true;
	return false;
}

/* Whether the process pid can be ruled out before its stat is read: it is not the
 * pidfile's, or (live) /proc/PID belongs to a user not asked for. The owner of the
 * directory /proc/PID is always the process's effective uid, also for a process that
 * is not dumpable (a setuid program, a daemon that changed its user): the kernel shows
 * root as the owner of the files inside it then, never of the directory
 * (task_dump_owner, "Before the /proc/pid/status file was created the only way to read
 * the effective uid of a process was to stat /proc/pid"). So one fstatat tells the
 * user, and the status file is never read for it. This check and the pidfile's
 * process are never skipped. Returns 1 (skip), 0 (read it; p->uid set when known), or
 * -1 (gone). */
static int
prefilter(const struct proc_config *cfg, const struct pl_common *c, struct snap *s,
	  struct proc *p, const char *name, int64_t pidfile_pid)
{
	struct stat sb;

	if (p->st.pid == s->self || (pidfile_pid != 0 && p->st.pid == pidfile_pid))
		return 0;
	if (pidfile_pid != 0)
		return 1;
	if (cfg->nuids == 0 || !pl_root_is_live(c->root))
		return 0;
	if (fstatat(s->procfd, name, &sb, AT_SYMLINK_NOFOLLOW) != 0)
		return -1;
	p->uid = (uint32_t)sb.st_uid;
	p->have_uid = true;
	return uid_wanted(cfg, p->uid) ? 0 : 1;
}

/* Every process of /proc, sorted by pid: the stat of each that prefilter does not rule
 * out. pidfile_pid: the pidfile's process, -1 when the pidfile gave none, 0 without. */
static void
snap_read(const struct proc_config *cfg, const struct pl_common *c, struct snap *s,
	  int64_t pidfile_pid)
{
	char **names, err[512], link[64], full[4096];
	struct pid_name *pids;
	size_t n, np = 0;

	pl_timeout_waiting(_("listing /proc"));
	if (pl_dir_list(c->root, "/proc", &names, &n, err, sizeof(err)) != 0)
		pl_die(PL_UNKNOWN, "%s", err);
	if (pl_path(c->root, "/proc", full, sizeof(full)) != 0 ||
	    (s->procfd = open(full, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		pl_die(PL_UNKNOWN, _("cannot open %s: %s"), full, strerror(errno));
	/* This check's own process: the live pid, or the one a fixture's proc/self names. */
	s->self = getpid();
	if (!pl_root_is_live(c->root)) {
		uint64_t v;

		s->self = 0;
		if (read_link(s->procfd, 0, "self", link, sizeof(link)) > 0 &&
		    pl_parse_u64(link, 4194304, &v) == 0)
			s->self = (int64_t)v;
	}
	pl_timeout_waiting(_("reading the files of each process in /proc"));
	s->v = calloc(n + 1, sizeof(*s->v));
	pids = calloc(n + 1, sizeof(*pids));
	if (s->v == NULL || pids == NULL)
		pl_die(PL_UNKNOWN, _("out of memory"));
	/* The pids in order first (8 bytes each with the index of the name), so that the
	 * snapshot is built sorted rather than sorted after. */
	for (size_t i = 0; i < n; i++) {
		uint64_t pid;

		if (pl_pid_name(names[i], &pid)) {
			pids[np].pid = (uint32_t)pid;
			pids[np++].at = (uint32_t)i;
		}
	}
	qsort(pids, np, sizeof(*pids), cmp_pid_name);
	for (size_t i = 0; i < np; i++) {
		struct proc *p = &s->v[s->n];
		int pre;

		memset(p, 0, sizeof(*p));
		p->st.pid = (int64_t)pids[i].pid;
		p->cpu = p->fds = NAN;
		pre = prefilter(cfg, c, s, p, names[pids[i].at], pidfile_pid);
		if (pre > 0) {
			p->skipped = true;
			s->n++;
			continue;
		}
		if (pre < 0 || load_stat(c, s, p) != 0) {
			/* Gone between the listing and the read, or unreadable: not there. */
			s->gone++;
			continue;
		}
		s->n++;
	}
	free(pids);
	pl_dir_free(names, n);
	if (read_link(s->procfd, s->self, "exe", s->self_exe, sizeof(s->self_exe)) < 0)
		s->self_exe[0] = '\0';
}

/* True when [b, b + n) is the text t. */
static bool
same(const char *b, size_t n, const char *t)
{
	return strlen(t) == n && memcmp(b, t, n) == 0;
}

/* Whether the program of p is NAME in full: its exe's base name, its command name
 * (cut to 15 bytes by the kernel: then the first or second argument's base name must
 * be the full name, as for a script run by its interpreter). */
static bool
name_match(const struct pl_common *c, struct snap *s, struct proc *p, const char *name)
{
	char exe[4096];
	const char *b, *a;
	size_t n, cl = strlen(p->st.comm);
	ssize_t el;

	if (strcmp(p->st.comm, name) == 0)
		return true;
	if (p->kthread)
		return false;
	el = read_link(s->procfd, p->st.pid, "exe", exe, sizeof(exe));
	if (el > 0) {
		pl_pid_basename(exe, (size_t)el, &b, &n);
		if (same(b, n, name))
			return true;
	} else if (errno == EACCES || errno == EPERM) {
		s->unreadable_exe++;
	}
	if (cl < 15 || strncmp(name, p->st.comm, cl) != 0 || strlen(name) <= cl)
		return false;
	if (read_pid_file(c, s, p->st.pid, "cmdline") != 0)
		return false;
	for (size_t i = 0; i < 2; i++) {
		a = pl_pid_cmdline_arg(pl_buf_str(&s->buf), s->buf.len, i, &n);
		if (a == NULL)
			break;
		pl_pid_basename(a, n, &b, &n);
		if (same(b, n, name))
			return true;
	}
	return false;
}

static bool
exe_match(const struct pl_common *c, struct snap *s, const struct proc *p,
	  const struct pl_strlist *exes)
{
	char exe[4096];
	ssize_t n = read_link(s->procfd, p->st.pid, "exe", exe, sizeof(exe));
	static const char deleted[] = " (deleted)";
	size_t dl = sizeof(deleted) - 1;

	if (n < 0) {
		if (errno == EACCES || errno == EPERM)
			s->unreadable_exe++;
		return false;
	}
	if ((size_t)n > dl && strcmp(exe + n - dl, deleted) == 0)
		exe[n - dl] = '\0';
	for (size_t i = 0; i < exes->n; i++)
		if (strcmp(exe, exes->v[i]) == 0)
			return true;
	return false;
}

/* The command line of p as text into p->cmd (kept), or NULL when it cannot be read. */
static const char *
load_cmd(const struct pl_common *c, struct snap *s, struct proc *p)
{
	struct pl_buf t = PL_BUF_INIT;

	if (p->cmd != NULL)
		return p->cmd;
	if (read_pid_file(c, s, p->st.pid, "cmdline") != 0)
		return NULL;
	pl_buf_init(&t, 1 << 20);
	pl_pid_cmdline_text(pl_buf_str(&s->buf), s->buf.len, &t);
	p->cmd = t.data != NULL ? t.data : strdup("");
	return p->cmd;
}

/* The effective uid of p (what ps -u selects by and ps shows): live, the owner of the
 * directory /proc/PID, which is that uid for every process (see prefilter); in a fixture
 * tree, whose directories belong to whoever made it, the Uid line of status. */
static bool
load_uid(const struct pl_common *c, struct snap *s, struct proc *p)
{
	struct pl_pid_status ps;
	struct stat sb;
	char err[256], rel[64];

	if (p->have_uid)
		return true;
	pid_rel(rel, p->st.pid, NULL);
	if (pl_root_is_live(c->root)) {
		if (fstatat(s->procfd, rel, &sb, AT_SYMLINK_NOFOLLOW) != 0)
			return false;
		p->uid = (uint32_t)sb.st_uid;
		p->have_uid = true;
		return true;
	}
	if (read_pid_file(c, s, p->st.pid, "status") != 0 ||
	    pl_pid_status_parse(pl_buf_str(&s->buf), s->buf.len, &ps, err, sizeof(err)) != 0)
		return false;
	p->uid = ps.uid[1];
	p->have_uid = true;
	return true;
}

static bool
user_match(const struct proc_config *cfg, const struct pl_common *c, struct snap *s,
	   struct proc *p)
{
	return load_uid(c, s, p) && uid_wanted(cfg, p->uid);
}

/* The cgroup rules: --unit, --cgroup (any hierarchy) and --container host. */
static bool
cgroup_match(const struct proc_config *cfg, const struct pl_common *c, struct snap *s,
	     const struct proc *p)
{
	const char *buf, *path;
	size_t len, plen, pos = 0;
	struct pl_cgroup_line l;
	char err[128];
	bool ok;

	if (read_pid_file(c, s, p->st.pid, "cgroup") != 0)
		return false;
	buf = pl_buf_str(&s->buf);
	len = s->buf.len;
	if (pl_pid_cgroup_parse(buf, len, &path, &plen, err, sizeof(err)) != 0)
		return false;
	if (cfg->units.n > 0) {
		ok = false;
		for (size_t i = 0; i < cfg->units.n && !ok; i++)
			ok = pl_cgroup_has_unit(path, plen, cfg->units.v[i]);
		if (!ok)
			return false;
	}
	if (cfg->cgroups.n > 0) {
		ok = false;
		while (!ok && pl_pid_cgroup_next(buf, len, &pos, &l))
			for (size_t i = 0; i < cfg->cgroups.n && !ok; i++)
				ok = pl_cgroup_under(l.path, l.plen, cfg->cgroups.v[i]);
		if (!ok)
			return false;
	}
	if (cfg->container == CT_HOST) {
		pos = 0;
		while (pl_pid_cgroup_next(buf, len, &pos, &l))
			if (pl_cgroup_is_container(l.path, l.plen))
				return false;
	}
	return true;
}

/* Every selection rule, cheapest first; p is a process the pidfile allows. */
static bool
selected(const struct proc_config *cfg, const struct pl_common *c, struct snap *s,
	 struct proc *p)
{
	if (p->kthread && !cfg->kthreads)
		return false;
	if (cfg->ppid > 0 && p->st.ppid != cfg->ppid)
		return false;
	if (cfg->names.n > 0) {
		bool ok = false;

		for (size_t i = 0; i < cfg->names.n && !ok; i++)
			ok = name_match(c, s, p, cfg->names.v[i]);
		if (!ok)
			return false;
	}
	if (cfg->exes.n > 0 && !exe_match(c, s, p, &cfg->exes))
		return false;
	/* The user is one fstatat (see prefilter), and already known live. */
	if (cfg->nuids > 0 && !user_match(cfg, c, s, p))
		return false;
	if (cfg->has_re) {
		const char *cmd = load_cmd(c, s, p);

		if (cmd == NULL || (cfg->re_literal ? strstr(cmd, cfg->cmdline) == NULL :
				    regexec(&cfg->re, cmd, 0, NULL, 0) != 0))
			return false;
	}
	if ((cfg->units.n > 0 || cfg->cgroups.n > 0 || cfg->container != CT_ALL) &&
	    !cgroup_match(cfg, c, s, p))
		return false;
	return true;
}

static bool
is_shell(const char *comm)
{
	static const char *const shells[] = { "sh", "dash", "bash", "zsh", "ksh", "mksh",
					      "ash", "busybox", "fish", "tcsh", "csh" };

	for (size_t i = 0; i < sizeof(shells) / sizeof(shells[0]); i++)
		if (strcmp(comm, shells[i]) == 0)
			return true;
	return false;
}

/* True when a word of the command line (split at blanks, ';', '&', '|', quotes and
 * parentheses) has one of this program's base names: an engine's "sh -c '.../check_process
 * -w 1'", "timeout 10 check_process", "sudo -u nagios check_process". */
static bool
names_us(const char *cmd, const struct snap *s)
{
	const char *p = cmd;

	while (*p) {
		const char *w, *b;

		while (*p && strchr(" \t;&|'\"()`", *p))
			p++;
		w = p;
		while (*p && !strchr(" \t;&|'\"()`", *p))
			p++;
		for (b = p; b > w && b[-1] != '/'; b--)
			;
		for (size_t i = 0; i < 2; i++)
			if (s->self_names[i][0] != '\0' &&
			    same(b, (size_t)(p - b), s->self_names[i]))
				return true;
	}
	return false;
}

/* The names this check runs under, whatever it was installed as (a symlink, a copy):
 * the base name of its exe and of its argv[0], and, live, the identity (device and
 * inode) of its program file. */
static void
self_identity(const struct pl_common *c, struct snap *s)
{
	const char *b, *a;
	size_t n;

	pl_strlcpy(s->self_names[0], s->self_name, sizeof(s->self_names[0]));
	if (s->self_exe[0] != '\0') {
		pl_pid_basename(s->self_exe, strlen(s->self_exe), &b, &n);
		if (n > 0 && n < sizeof(s->self_names[0]))
			pl_snprintf(s->self_names[0], sizeof(s->self_names[0]), "%.*s", (int)n, b);
	}
	if (s->self > 0 && read_pid_file(c, s, s->self, "cmdline") == 0 &&
	    (a = pl_pid_cmdline_arg(pl_buf_str(&s->buf), s->buf.len, 0, &n)) != NULL) {
		pl_pid_basename(a, n, &b, &n);
		if (n > 0 && n < sizeof(s->self_names[1]))
			pl_snprintf(s->self_names[1], sizeof(s->self_names[1]), "%.*s", (int)n, b);
	}
	if (pl_root_is_live(c->root) && fstatat(s->procfd, "self/exe", &s->self_id, 0) == 0)
		s->have_self_id = true;
}

/* Whether p runs this very program file: live, the same device and inode as this
 * check's exe (a symlink to it counts, a copy does not); in a fixture, the same exe
 * link text. Unreadable (another user's process, not dumpable): not proven, not ours.
 * Live, a process whose program text (stat's endcode - startcode) is not as large as
 * this check's runs another file, and its exe is not looked up (2.7 us a process, the
 * most of a match's cost after its stat and command line): the kernel shows 1 and 1
 * for a process whose exe this user may not read either, 0 and 0 for one without. */
static bool
same_program(struct snap *s, const struct proc *p)
{
	char rel[64], exe[4096];
	struct stat sb;

	if (p->kthread)
		return false;
	if (s->have_self_id) {
		if (s->self_text != 0 && p->st.code_known &&
		    p->st.endcode - p->st.startcode != s->self_text)
			return false;
		return fstatat(s->procfd, pid_rel(rel, p->st.pid, "exe"), &sb, 0) == 0 &&
		       sb.st_dev == s->self_id.st_dev && sb.st_ino == s->self_id.st_ino;
	}
	return s->self_exe[0] != '\0' &&
	       read_link(s->procfd, p->st.pid, "exe", exe, sizeof(exe)) > 0 &&
	       strcmp(exe, s->self_exe) == 0;
}

/* Marks the matches that are this check or part of running it (why_out): itself, its
 * children, other runs of this very program file (same exe device and inode, see
 * same_program: a process that only takes our name is counted), and going up from this
 * run alone, its parent shell and every ancestor whose command line names this program
 * (an engine's "sh -c '.../check_process -w 1'", "timeout 10 check_process", sudo), up
 * to the first that does not (the engine itself, which a check of it must still count).
 * The ancestors of another run are never left out: anyone can start this program under
 * a parent of theirs, and that parent is counted. Only this run's ancestors' command
 * lines are read (and their stat, when a prefilter skipped it), and the exe of the
 * matches alone. */
static void
mark_ours(const struct pl_common *c, struct snap *s)
{
	struct proc *me = find_pid(s, s->self), *q;
	const char *cmd;
	int depth = 0;

	self_identity(c, s);
	if (me != NULL && load_stat(c, s, me) == 0 && me->st.code_known &&
	    me->st.endcode > me->st.startcode && me->st.startcode > 1)
		s->self_text = me->st.endcode - me->st.startcode;
	for (size_t i = 0; i < s->n; i++) {
		struct proc *p = &s->v[i];

		if (!p->match)
			continue;
		if (p->st.pid == s->self)
			p->why_out = _("this check");
		else if (s->self > 0 && p->st.ppid == s->self)
			p->why_out = _("a child of this check");
		else if (same_program(s, p))
			p->why_out = _("another run of this check");
	}
	if (me == NULL || load_stat(c, s, me) != 0)
		return;
	for (q = find_pid(s, me->st.ppid); q != NULL && depth < 64 && load_stat(c, s, q) == 0;
	     q = find_pid(s, q->st.ppid), depth++) {
		if (q->kthread || q->st.pid == 1 || q->st.pid == s->self)
			break;
		if (depth == 0 && is_shell(q->st.comm)) {
			q->why_out = _("the shell that runs this check");
			continue;
		}
		cmd = load_cmd(c, s, q);
		if (cmd == NULL || !names_us(cmd, s))
			break;
		q->why_out = _("a shell or wrapper running this check");
	}
}

/* Selects the matches: the pidfile's process alone, or every process. */
static void
snap_select(const struct proc_config *cfg, const struct pl_common *c, struct snap *s,
	    int64_t pidfile_pid)
{
	for (size_t i = 0; i < s->n; i++) {
		struct proc *p = &s->v[i];

		if (p->skipped || (pidfile_pid > 0 && p->st.pid != pidfile_pid))
			continue;
		if (p->kthread && !cfg->kthreads && pidfile_pid == 0) {
			s->kthreads_out++;
			continue;
		}
		if (selected(cfg, c, s, p))
			p->match = true;
	}
}

/* The pidfile's process id, or 0 after a finding that says what is wrong with it. */
static int64_t
pidfile_read(const struct proc_config *cfg, const struct pl_common *c, struct snap *s,
	     struct pl_result *r)
{
	char err[512], e[1024];
	int64_t pid;
	int en;

	/* A regular file itself: never a symlink (followed to any file), a FIFO (which
	 * would block until the timeout) or a device; its text is never echoed. */
	static const struct pl_file_rules rules = { .flags = 0, .cap = 4096, .what = NULL };
	char full[4096];

	pl_name_str(e, sizeof(e), cfg->pidfile);
	if (pl_path(c->root, cfg->pidfile, full, sizeof(full)) != 0) {
		pl_result_finding(r, PL_UNKNOWN, _("pidfile %s: the path is too long"), e);
		return -1;
	}
	if (pl_read_trusted(AT_FDCWD, full, &rules, &s->buf, NULL, err, sizeof(err)) != 0) {
		en = errno;
		if (en == EACCES || en == EPERM)
			pl_result_finding(r, PL_UNKNOWN, _("pidfile %s cannot be read by this user (give "
					  "the nagios user read access, or run the check through sudo)"), e);
		else if (en == ELOOP)
			pl_result_finding(r, PL_CRITICAL, _("pidfile %s is a symbolic link; name the "
					  "file itself"), e);
		else if (en == EINVAL)
			pl_result_finding(r, PL_CRITICAL, _("pidfile %s is not a regular file"), e);
		else if (en == EFBIG)
			pl_result_finding(r, PL_CRITICAL, _("pidfile %s is malformed: larger than "
					  "4096 bytes"), e);
		else
			pl_result_finding(r, PL_CRITICAL, _("pidfile %s: %s"), e, strerror(en));
		return -1;
	}
	if (pl_pidfile_parse(pl_buf_str(&s->buf), s->buf.len, &pid, err, sizeof(err)) != 0) {
		pl_result_finding(r, PL_CRITICAL, _("pidfile %s is malformed: %s"), e, err);
		return -1;
	}
	return pid;
}

/* What the pidfile's process turned out to be. */
static void
pidfile_judge(const struct proc_config *cfg, const struct snap *s, int64_t pid,
	      struct pl_result *r)
{
	const struct proc *p = find_pid(s, pid);
	char e[1024], cm[PL_PID_COMM_MAX * 4];

	pl_name_str(e, sizeof(e), cfg->pidfile);
	if (p == NULL) {
		pl_result_finding(r, PL_CRITICAL, _("pidfile %s names process %lld, which is not "
				  "running (a stale pidfile)"), e, (long long)pid);
		return;
	}
	pl_name_str(cm, sizeof(cm), p->st.comm);
	if (!p->match)
		pl_result_finding(r, PL_CRITICAL, _("pidfile %s names process %lld (%s), which is "
				  "not the expected program"), e, (long long)pid, cm);
	else if (p->st.state == 'Z')
		pl_result_finding(r, PL_CRITICAL, _("pidfile %s names process %lld (%s), a zombie"),
				  e, (long long)pid, cm);
	else
		pl_result_line(r, _("pidfile %s: process %lld (%s) is running"), e, (long long)pid, cm);
}

/* The generation of the state to compare with (-1: none this run) and the basis
 * sentence that says why. */
static int
cpu_basis(struct pl_store *st, enum pl_store_status ss, double now, double *then,
	  char *basis, size_t blen)
{
	char h[32];
	int gen;

	if (ss != PL_STORE_LOADED) {
		pl_snprintf(basis, blen, _("no CPU %% this run (%s): the rates come with the next run"),
			    ss == PL_STORE_MISSING ? _("first run") : ss == PL_STORE_REBOOTED ?
			    _("the last reading is from before a reboot") : _("the state was not usable"));
		return -1;
	}
	gen = pl_store_pick(st, now, 1.0, then);
	if (now < *then || now - *then < 1.0) {
		pl_snprintf(basis, blen, _("no CPU %% this run: the last reading is %s"),
			    now < *then ? _("later than now (the clock went back)") :
			    _("less than a second old"));
		return -1;
	}
	pl_snprintf(basis, blen, _("CPU %% over the last %s"),
		    pl_unit_human(h, sizeof(h), now - *then, PL_U_SECONDS));
	return gen;
}

/* A process's name in the state: "PID:STARTTIME" (a pid reused later is another). */
static const char *
cpu_key(const struct proc *p, char *name, size_t len)
{
	char d[24];
	size_t k = 0, n = 0;
	uint64_t v = p->st.starttime;

	/* Twice a match a run: without the cost of a printf (pid_rel's way). */
	if (len < 48) {   /* 20 digits, ":", 20 digits */
		pl_snprintf(name, len, "%lld:%llu", (long long)p->st.pid, (unsigned long long)v);
		return name;
	}
	pid_rel(name, p->st.pid, NULL);
	k = strlen(name);
	name[k++] = ':';
	do
		d[n++] = (char)('0' + v % 10);
	while ((v /= 10) > 0 && n < sizeof(d));
	while (n > 0)
		name[k++] = d[--n];
	name[k] = '\0';
	return name;
}

/* This run's ticks of every counted match, as the next run's reading. */
static void
cpu_save(const struct pl_common *c, struct pl_store *st, enum pl_store_status ss,
	 const struct snap *s, double now, struct pl_result *r)
{
	struct pl_time t;
	double wall = 0;
	char err[128], name[48];

	if (pl_clock_now(&t, err, sizeof(err)) == 0 && t.sec > 0)
		wall = (double)t.sec + (double)t.nsec / 1e9;
	if (ss == PL_STORE_LOADED) {
		pl_store_rotate(st, now, wall);
	} else {
		pl_store_drop_counters(st);
		st->time = now;
		st->wall = wall;
		st->prev_time = st->prev_wall = 0;
	}
	for (size_t i = 0; i < s->n; i++) {
		const struct proc *p = &s->v[i];
		uint64_t v = p->st.utime + p->st.stime;

		if (p->match && p->why_out == NULL)
			pl_store_set_vec(st, "pid", cpu_key(p, name, sizeof(name)), &v, 1);
	}
	pl_plugin_store_save(c, st, r);
}

/* CPU % of each counted match from the ticks of the last run. State: namespace "pid",
 * name "PID:STARTTIME", one counter, utime + stime. Writes the basis sentence. */
static void
cpu_rates(const struct pl_common *c, struct snap *s, struct pl_result *r, char *basis,
	  size_t blen)
{
	struct pl_store st;
	enum pl_store_status ss = pl_plugin_store_load(c, &st);
	double now = s->uptime, then = 0;
	int gen = cpu_basis(&st, ss, now, &then, basis, blen);
	char name[48];

	for (size_t i = 0; gen >= 0 && i < s->n; i++) {
		struct proc *p = &s->v[i];
		uint64_t old;

		if (p->match && p->why_out == NULL &&
		    pl_store_get_vec(&st, gen, "pid", cpu_key(p, name, sizeof(name)), &old, 1) == 1)
			p->cpu = pl_pid_cpu_pct(old, p->st.utime + p->st.stime, s->hz, now - then);
	}
	/* The state is rewritten once its newest reading is a second old. */
	if (ss != PL_STORE_LOADED || now - st.time >= 1.0)
		cpu_save(c, &st, ss, s, now, r);
	else
		pl_plugin_store_close(&st);
	pl_store_free(&st);
}

/* Open descriptors of p: the entries of /proc/PID/fd. */
static void
count_fds(const struct pl_common *c, struct proc *p)
{
	char rel[64], err[256], **names;
	size_t n;

	pl_snprintf(rel, sizeof(rel), "/proc/%lld/fd", (long long)p->st.pid);
	if (pl_dir_list(c->root, rel, &names, &n, err, sizeof(err)) != 0) {
		p->fd_errno = errno;
		return;
	}
	pl_dir_free(names, n);
	p->fds = (double)n;
}

static const char *const per_proc[] = { "rss", "cpu", "age", "threads", "fds" };
#define NPER 5

/* Which per-process metrics a user's threshold names ("*_rss", "pid123_cpu"): bit i for
 * per_proc[i]. */
static unsigned
per_proc_wanted(const struct pl_common *c)
{
	unsigned bits = 0;

	for (size_t t = 0; t < c->thresholds.n; t++) {
		const char *pat = c->thresholds.v[t].pattern;

		if (pat == NULL)
			continue;
		for (int i = 0; i < NPER; i++) {
			char label[64];
			size_t pl = strlen(pat), ml = strlen(per_proc[i]);

			pl_snprintf(label, sizeof(label), "pid1_%s", per_proc[i]);
			if (fnmatch(pat, label, 0) == 0 ||
			    (strncmp(pat, "pid", 3) == 0 && pl > ml + 1 &&
			     strcmp(pat + pl - ml, per_proc[i]) == 0 && pat[pl - ml - 1] == '_'))
				bits |= 1u << i;
		}
	}
	return bits;
}

/* True when a user's threshold on label alerts at v: such a process is listed. */
static bool
breaches(const struct pl_common *c, const char *label, double v, enum pl_unit u)
{
	for (size_t t = 0; t < c->thresholds.n && !isnan(v); t++) {
		const struct pl_threshold *th = &c->thresholds.v[t];
		struct pl_range rg;

		if (th->pattern == NULL || fnmatch(th->pattern, label, 0) != 0 ||
		    !pl_range_fits(&th->range, u))
			continue;
		rg = pl_range_for(&th->range, u);
		if (pl_range_alerts(&rg, v))
			return true;
	}
	return false;
}

static const char *
user_name(uint32_t uid, char *buf, size_t len)
{
	struct passwd *pw = getpwuid((uid_t)uid);

	if (pw != NULL)
		pl_snprintf(buf, len, "%s", pw->pw_name);
	else
		pl_snprintf(buf, len, "%lu", (unsigned long)uid);
	return buf;
}

/* The long-output line of a process: state, user, RSS, CPU, age, threads, fds, and the
 * command line, escaped and cut. */
static void
proc_line(const struct pl_common *c, struct snap *s, struct pl_item *it, struct proc *p)
{
	char u[64], rss[32], cpu[32], age[32], fds[96], cmd[CMD_SHOW * 4 + 8];
	const char *text = p->kthread ? NULL : load_cmd(c, s, p);

	if (text == NULL || text[0] == '\0') {
		char br[PL_PID_COMM_MAX + 3];

		pl_snprintf(br, sizeof(br), "[%s]", p->st.comm);
		pl_name_str(cmd, sizeof(cmd), br);
	} else {
		char cut[CMD_SHOW + 1];
		size_t n = strlen(text);

		pl_strlcpy(cut, text, sizeof(cut));
		pl_name_str(cmd, sizeof(cmd), cut);
		if (n > CMD_SHOW)
			pl_strlcpy(cmd + strlen(cmd), "...", sizeof(cmd) - strlen(cmd));
	}
	if (!load_uid(c, s, p))
		pl_snprintf(u, sizeof(u), "?");
	else
		user_name(p->uid, u, sizeof(u));
	if (isnan(p->cpu))
		pl_snprintf(cpu, sizeof(cpu), "-");
	else
		pl_unit_human(cpu, sizeof(cpu), p->cpu, PL_U_PERCENT);
	if (!isnan(p->fds))
		pl_snprintf(fds, sizeof(fds), _(", %.0f fds"), p->fds);
	else if (p->fd_errno == EACCES || p->fd_errno == EPERM)
		pl_snprintf(fds, sizeof(fds), _(", fds: permission denied (needs root or CAP_SYS_PTRACE)"));
	else
		fds[0] = '\0';
	pl_item_line(it, P_("%c %s, rss %s, cpu %s, age %s, %lld thread%s: %s",
			    "%c %s, rss %s, cpu %s, age %s, %lld threads%s: %s", p->st.num_threads),
		     p->st.state, u, pl_unit_human(rss, sizeof(rss), p->rss, PL_U_BYTES), cpu,
		     pl_unit_human(age, sizeof(age), p->age, PL_U_SECONDS),
		     (long long)p->st.num_threads, fds, cmd);
}

/* The item of one counted match: its metrics (hidden from perfdata: pids change), and a
 * line when it is listed. */
static void
proc_item(const struct pl_common *c, struct snap *s, struct pl_result *r, struct proc *p,
	  unsigned wanted, const char *basis)
{
	char name[32];
	struct pl_item *it;
	double v[NPER] = { p->rss, p->cpu, p->age, (double)p->st.num_threads, p->fds };
	const enum pl_unit u[NPER] = { PL_U_BYTES, PL_U_PERCENT, PL_U_SECONDS, PL_U_NONE,
				       PL_U_NONE };

	pl_snprintf(name, sizeof(name), "pid%lld", (long long)p->st.pid);
	it = pl_result_item(r, "process", name);
	for (int i = 0; i < NPER; i++) {
		struct pl_metric *m;
		char why[160];

		if (i == 4 && !(wanted & (1u << 4)) && c->verbose == 0)
			continue;
		m = pl_item_metric(it, per_proc[i], v[i], u[i]);
		m->hidden = true;
		if (i == 1 && isnan(v[i]))
			pl_metric_missing(m, PL_MISSING_RUN, basis, NULL);
		if (i == 4 && isnan(v[i])) {
			if (p->fd_errno == EACCES || p->fd_errno == EPERM) {
				pl_snprintf(why, sizeof(why), _("no permission to list /proc/%lld/fd"),
					    (long long)p->st.pid);
				pl_metric_missing(m, PL_MISSING_LASTING, why,
						  _("run the check as root, or give it CAP_SYS_PTRACE "
						  "(setcap cap_sys_ptrace+ep check_process)"));
			} else {
				pl_metric_missing(m, PL_MISSING_RUN, _("the process ended while its "
						  "descriptors were counted"), NULL);
			}
		}
	}
	if (p->listed)
		proc_line(c, s, it, p);
}

/* Orders matches for the listing: zombies and D first, then by CPU, then RSS. */
static int
cmp_worst(const void *a, const void *b)
{
	const struct proc *x = *(const struct proc *const *)a, *y = *(const struct proc *const *)b;
	int bx = x->st.state == 'Z' || x->st.state == 'D';
	int by = y->st.state == 'Z' || y->st.state == 'D';
	double cx = isnan(x->cpu) ? -1 : x->cpu, cy = isnan(y->cpu) ? -1 : y->cpu;

	if (bx != by)
		return by - bx;
	if (cx != cy)
		return cx < cy ? 1 : -1;
	if (x->rss != y->rss)
		return x->rss < y->rss ? 1 : -1;
	return x->st.pid < y->st.pid ? -1 : x->st.pid > y->st.pid;
}

struct totals {
	size_t live, zombies, dstate, counted;
	double rss, cpu, threads, zombie_age;
	bool cpu_known;
};

/* Figures of every counted match; the list in worst-first order into *order. */
static void
proc_figures(const struct pl_common *c, struct snap *s, unsigned wanted, struct totals *t,
	     struct proc ***order)
{
	memset(t, 0, sizeof(*t));
	*order = calloc(s->n + 1, sizeof(**order));
	if (*order == NULL)
		pl_die(PL_UNKNOWN, _("out of memory"));
	for (size_t i = 0; i < s->n; i++) {
		struct proc *p = &s->v[i];

		if (!p->match || p->why_out != NULL)
			continue;
		p->rss = (double)p->st.rss * s->page;
		p->age = s->uptime - (double)p->st.starttime / s->hz;
		if (p->age < 0)
			p->age = 0;
		if ((wanted & (1u << 4)) || c->verbose > 0)
			count_fds(c, p);
		(*order)[t->counted++] = p;
		if (p->st.state == 'Z') {
			t->zombies++;
			if (p->age > t->zombie_age)
				t->zombie_age = p->age;
			continue;
		}
		t->live++;
		t->dstate += p->st.state == 'D';
		t->rss += p->rss;
		t->threads += (double)p->st.num_threads;
		if (!isnan(p->cpu)) {
			t->cpu += p->cpu;
			t->cpu_known = true;
		}
	}
	qsort(*order, t->counted, sizeof(**order), cmp_worst);
}

static bool
has_selection(const struct proc_config *cfg)
{
	return cfg->names.n || cfg->exes.n || cfg->has_re || cfg->nuids || cfg->ppid ||
	       cfg->pidfile || cfg->units.n || cfg->cgroups.n;
}

/* What was asked, for the summary: "name worker, user nobody". */
static void
what_asked(const struct proc_config *cfg, struct pl_buf *b)
{
	char e[512];

	for (size_t i = 0; i < cfg->names.n && i < 3; i++) {
		pl_name_str(e, sizeof(e), cfg->names.v[i]);
		pl_buf_printf(b, "%s%s", b->len ? ", " : "", e);
	}
	for (size_t i = 0; i < cfg->units.n && i < 3; i++) {
		pl_name_str(e, sizeof(e), cfg->units.v[i]);
		pl_buf_printf(b, "%s%s", b->len ? ", " : "", e);
	}
	if (b->len == 0 && cfg->exes.n > 0) {
		pl_name_str(e, sizeof(e), cfg->exes.v[0]);
		pl_buf_printf(b, "%s", e);
	}
}

/* "worker.service: 3 processes, 1 zombie, rss 4.66MiB, cpu 6%": each part that shows a
 * metric tied to it, so that a breach is named right there. */
static void
proc_summary(const struct proc_config *cfg, struct pl_result *r, const struct totals *t)
{
	struct pl_buf b = PL_BUF_INIT;
	char h[32], h2[32];

	what_asked(cfg, &b);
	pl_result_summary(r, "%s%s", pl_buf_str(&b), b.len ? ": " : "");
	pl_result_summary_metric(r, pl_result_metric(r, "procs"),
				 P_("%zu process", "%zu processes", t->live), t->live);
	/* Each part names its figure by itself, the ", " outside it: a part worse than
	 * what the line names first leads the line and leaves the summary. */
	if (t->zombies) {
		pl_result_summary_add(r, ", ");
		pl_result_summary_metric(r, pl_result_metric(r, "zombies"),
					 P_("%zu zombie", "%zu zombies", t->zombies), t->zombies);
	}
	if (t->dstate) {
		pl_result_summary_add(r, ", ");
		pl_result_summary_metric(r, pl_result_metric(r, "uninterruptible"),
					 _("%zu in uninterruptible sleep (D)"), t->dstate);
	}
	if (t->live) {
		pl_result_summary_add(r, ", ");
		pl_result_summary_metric(r, pl_result_metric(r, "rss"), "rss %s",
					 pl_unit_human(h, sizeof(h), t->rss, PL_U_BYTES));
		if (t->cpu_known) {
			pl_result_summary_add(r, ", ");
			pl_result_summary_metric(r, pl_result_metric(r, "cpu"), "cpu %s",
						 pl_unit_human(h2, sizeof(h2), t->cpu,
							       PL_U_PERCENT));
		}
	}
	pl_buf_free(&b);
}

static void
proc_report(const struct proc_config *cfg, const struct pl_common *c, struct snap *s,
	    struct pl_result *r, const char *basis)
{
	unsigned wanted = per_proc_wanted(c);
	struct proc **order;
	struct totals t;
	struct pl_metric *m;
	char h[32];
	size_t listed = 0, others = 0;
	bool patterns = false;      /* a --warningx/--criticalx that could name a process */

	for (size_t i = 0; i < c->thresholds.n; i++)
		patterns |= c->thresholds.v[i].pattern != NULL;
	proc_figures(c, s, wanted, &t, &order);
	pl_result_expect_items(r, "process");
	m = pl_metric_add(r, "procs", (double)t.live, PL_U_NONE);
	pl_metric_minmax(m, 0, NAN);
	if (has_selection(cfg))
		pl_range_parse("1:", &m->crit, h, sizeof(h));
	pl_metric_minmax(pl_metric_add(r, "zombies", (double)t.zombies, PL_U_NONE), 0, NAN);
	pl_metric_minmax(pl_metric_add(r, "uninterruptible", (double)t.dstate, PL_U_NONE), 0, NAN);
	pl_metric_add(r, "zombie_age", t.zombie_age, PL_U_SECONDS)->prec = 0;
	pl_metric_add(r, "rss", t.rss, PL_U_BYTES)->prec = 0;
	m = pl_metric_add(r, "cpu", t.cpu_known || t.live == 0 ? t.cpu : NAN, PL_U_PERCENT);
	if (isnan(m->value))
		pl_metric_missing(m, PL_MISSING_RUN, basis, NULL);
	pl_metric_add(r, "threads", t.threads, PL_U_NONE);

	for (size_t i = 0; i < t.counted; i++) {
		struct proc *p = order[i];
		char label[48];
		double v[NPER] = { p->rss, p->cpu, p->age, (double)p->st.num_threads, p->fds };
		const enum pl_unit u[NPER] = { PL_U_BYTES, PL_U_PERCENT, PL_U_SECONDS, PL_U_NONE,
					       PL_U_NONE };
		bool hit = p->st.state == 'Z' || p->st.state == 'D' ||
			   (p->fd_errno != 0 && (wanted & (1u << 4)));

		for (int k = 0; k < NPER && !hit && patterns; k++) {
			pl_snprintf(label, sizeof(label), "pid%lld_%s", (long long)p->st.pid, per_proc[k]);
			hit = breaches(c, label, v[k], u[k]);
		}
		p->listed = hit || others < LIST_MAX;
		if (p->listed) {
			listed++;
			others += !hit;
		}
		if (p->listed || wanted != 0)
			proc_item(c, s, r, p, wanted, basis);
	}
	if (t.counted > listed)
		pl_result_line(r, P_("%zu more matching process not listed",
				     "%zu more matching processes not listed", t.counted - listed),
			       t.counted - listed);

	proc_summary(cfg, r, &t);
	pl_result_line(r, "%s", basis);
	free(order);
}

/* The matches left out as this check's own, for the long output. */
static void
report_ourselves(const struct snap *s, struct pl_result *r)
{
	struct pl_buf b = PL_BUF_INIT;
	size_t n = 0;

	for (size_t i = 0; i < s->n; i++) {
		const struct proc *p = &s->v[i];

		if (!p->match || p->why_out == NULL)
			continue;
		if (n++ < 5)
			pl_buf_printf(&b, "%s%lld (%s)", b.len ? ", " : "", (long long)p->st.pid,
				      p->why_out);
	}
	if (n > 5)
		pl_buf_printf(&b, _(" and %zu more"), n - 5);
	if (n > 0)
		pl_result_line(r, _("not counted: %s"), pl_buf_str(&b));
	pl_buf_free(&b);
}

static void
snap_free(struct snap *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].cmd);
	free(s->v);
	pl_buf_free(&s->buf);
	if (s->procfd >= 0)
		close(s->procfd);
}

int
main(int argc, char **argv)
{
	struct proc_config cfg;
	struct pl_common c;
	struct pl_result r;
	struct snap s;
	char basis[256], err[256];
	int64_t pidfile_pid = 0;

	memset(&cfg, 0, sizeof(cfg));
	memset(&s, 0, sizeof(s));
	s.procfd = -1;
	pl_plugin_parse(&proc_plugin, argc, argv, &cfg, &c);
	pl_plugin_arm(&c);
	pl_result_init(&r, proc_plugin.name, proc_plugin.service);
	s.self_name = proc_plugin.name;
	s.hz = (double)sysconf(_SC_CLK_TCK);
	s.page = (double)sysconf(_SC_PAGESIZE);
	if (s.hz <= 0 || s.page <= 0)
		pl_die(PL_UNKNOWN, _("sysconf gives no clock tick rate or page size"));
	pl_buf_init(&s.buf, 4 << 20);
	if (pl_uptime(c.root, &s.uptime, err, sizeof(err)) != 0)
		pl_die(PL_UNKNOWN, "%s", err);
	if (cfg.pidfile != NULL && (pidfile_pid = pidfile_read(&cfg, &c, &s, &r)) < 0)
		pidfile_pid = -1;
	snap_read(&cfg, &c, &s, pidfile_pid);
	if (pidfile_pid >= 0)
		snap_select(&cfg, &c, &s, pidfile_pid);
	mark_ours(&c, &s);
	if (pidfile_pid > 0)
		pidfile_judge(&cfg, &s, pidfile_pid, &r);
	cpu_rates(&c, &s, &r, basis, sizeof(basis));
	proc_report(&cfg, &c, &s, &r, basis);
	report_ourselves(&s, &r);
	if (s.kthreads_out > 0 && c.verbose > 0)
		pl_result_line(&r, P_("%zu kernel thread left out (--kernel-threads counts it)",
				      "%zu kernel threads left out (--kernel-threads counts them)",
				      s.kthreads_out), s.kthreads_out);
	if (s.unreadable_exe > 0 && c.verbose > 0)
		pl_result_line(&r, P_("%zu process's program file (exe) not readable by this user: "
				      "matched by command name only",
				      "%zu processes' program file (exe) not readable by this user: "
				      "matched by command name only", s.unreadable_exe),
			       s.unreadable_exe);
	pl_debug(&c, 1, "%zu processes read, %zu gone while reading", s.n, s.gone);
	snap_free(&s);
	if (cfg.has_re)
		regfree(&cfg.re);
	pl_exit(&r, &c);
}
