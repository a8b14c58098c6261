/* pl_pid: parsers of the per-process files of /proc (stat, status, cmdline, cgroup) and
 * of pidfiles, pure functions over a buffer.
 *
 * Each parser returns 0, or -1 with what is wrong in err ("stat: no ')' after the
 * command name"). They never read files themselves: check_process reads /proc directly
 * (pl_file) and hands the bytes here. Texts taken from a file (a command name, a cgroup
 * path) may hold any byte but NUL; callers print them escaped (pl_name_escape). */
#ifndef PL_PID_H
#define PL_PID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pl_buf.h"

/* The kernel's command name is 16 bytes with its NUL (TASK_COMM_LEN); workqueue workers
 * show longer ones ("kworker/u8:2-events_unbound"). Longer names are cut here. */
#define PL_PID_COMM_MAX 64
/* PF_KTHREAD in the flags field of stat (include/linux/sched.h, since 2.6.27). */
#define PL_PID_PF_KTHREAD 0x00200000u

/* /proc/PID/stat. The command name is in parentheses and may hold blanks and ')'
 * ("(my (odd) prog)"): it runs from the first '(' to the LAST ')' of the text, which is
 * the only reading that cannot be fooled by a name (proc(5)). Fields are numbered as in
 * proc(5); the parser needs fields 1 to 24 (every kernel since 2.6 has 44 or more)
 * and takes 26 and 27 when they are there. */
struct pl_pid_stat {
	int64_t pid;                  /* 1 */
	char comm[PL_PID_COMM_MAX];   /* 2, without the parentheses */
	bool comm_cut;                /* longer than PL_PID_COMM_MAX - 1 bytes: cut */
	char state;                   /* 3: R S D Z T t X I ... */
	int64_t ppid;                 /* 4 */
	int64_t pgrp, session;        /* 5, 6 */
	uint64_t flags;               /* 9: PF_* */
	uint64_t utime, stime;        /* 14, 15: clock ticks */
	int64_t num_threads;          /* 20 */
	uint64_t starttime;           /* 22: clock ticks after boot */
	uint64_t vsize;               /* 23: bytes */
	int64_t rss;                  /* 24: pages (may be 0; never negative here) */
	/* 26, 27: the addresses of the program text, when the file has them (code_known).
	 * The kernel writes 1 and 1 for a process the reader may not ptrace, 0 and 0 for
	 * one without user space (a zombie, a kernel thread). endcode - startcode is the
	 * size of the program's text: the same for every process that runs one file. */
	uint64_t startcode, endcode;
	bool code_known;
};

int pl_pid_stat_parse(const char *buf, size_t len, struct pl_pid_stat *out, char *err,
		      size_t errlen);
/* A kernel thread (PF_KTHREAD), which has no user space, no cmdline and no exe. */
bool pl_pid_is_kthread(const struct pl_pid_stat *s);

/* The CPU % of a process over dt seconds from its utime + stime ticks then and now (hz
 * ticks a second): 100 is one CPU busy the whole time. NAN when it cannot be had: no
 * time between the readings, no tick rate, or fewer ticks now than then (another
 * process with the same pid and start time cannot be, so a reading that went back is
 * not trusted). */
double pl_pid_cpu_pct(uint64_t then, uint64_t now, double hz, double dt);

/* /proc/PID/status: the lines check_process uses. present says which were there: Name,
 * State, PPid and Uid are in every kernel's file and required; Threads and VmRSS are
 * missing in some (a zombie or a kernel thread has no VmRSS). Name is given escaped by
 * the kernel (a newline as "\n", a backslash as "\\"): it is unescaped here. */
enum {
	PL_PS_NAME = 1 << 0, PL_PS_STATE = 1 << 1, PL_PS_PPID = 1 << 2, PL_PS_UID = 1 << 3,
	PL_PS_GID = 1 << 4, PL_PS_THREADS = 1 << 5, PL_PS_VMRSS = 1 << 6, PL_PS_TGID = 1 << 7,
};

struct pl_pid_status {
	unsigned present;
	char name[PL_PID_COMM_MAX];
	char state;
	int64_t tgid, ppid;
	uint32_t uid[4], gid[4];      /* real, effective, saved, file system */
	int64_t threads;
	uint64_t vmrss;               /* bytes */
};

int pl_pid_status_parse(const char *buf, size_t len, struct pl_pid_status *out, char *err,
			size_t errlen);

/* /proc/PID/cmdline: the arguments, each ended by a NUL (a process may have rewritten
 * its arguments: then the last one may lack its NUL, and it still counts). Appends to
 * out the whole command line with each NUL between arguments as a space, and no
 * trailing one; returns the number of arguments (0 for a kernel thread or a zombie,
 * whose file is empty). out's cap bounds the text. */
size_t pl_pid_cmdline_text(const char *buf, size_t len, struct pl_buf *out);
/* Argument i (0-based) of a cmdline buffer: a pointer into buf and its length in *n, or
 * NULL when there are not that many. */
const char *pl_pid_cmdline_arg(const char *buf, size_t len, size_t i, size_t *n);

/* /proc/PID/cgroup: "ID:CONTROLLERS:PATH" lines, one per hierarchy (one "0::PATH" line
 * on a cgroup v2 system; a v1 or hybrid system has one per controller). */
struct pl_cgroup_line {
	const char *ctrl;     /* the controllers ("memory", "name=systemd", "" for v2) */
	size_t nctrl;
	const char *path;     /* starts with '/' */
	size_t plen;
	bool unified;         /* the "0::" line */
};
/* The next well-formed line at or after *pos (start with 0; pointers into buf); false
 * at the end. Malformed lines are skipped. */
bool pl_pid_cgroup_next(const char *buf, size_t len, size_t *pos, struct pl_cgroup_line *l);
/* The path that says where the process is, for units and messages: that of the unified
 * hierarchy, unless it is "/" on a hybrid system while name=systemd's is not; on a
 * v1-only system that of name=systemd, else that of the first line. Sets *path (into
 * buf) and *plen. Returns 0, or -1 with err when no line has the shape. */
int pl_pid_cgroup_parse(const char *buf, size_t len, const char **path, size_t *plen,
			char *err, size_t errlen);
/* True when unit ("nginx.service", "user.slice") is a component of the cgroup path:
 * the unit's own cgroup is the leaf ("/system.slice/nginx.service"), a delegated
 * service's processes sit below it ("/system.slice/docker.service/x") and a slice holds
 * the units below it. A system unit only: the components below a user manager
 * ("user@1000.service") are that user's units and never match (the manager itself,
 * "user@1000.service", does and holds them; one user unit: pl_cgroup_under with its path). */
bool pl_cgroup_has_unit(const char *path, size_t plen, const char *unit);
/* True when the cgroup path is dir or below it ("/a/b" is below "/a", "/ab" is not;
 * "/" holds every path). */
bool pl_cgroup_under(const char *path, size_t plen, const char *dir);
/* True when the cgroup path is one a container runtime makes (docker, containerd,
 * podman/libpod, LXC/LXD, systemd-nspawn and libvirt machines, Kubernetes pods). */
bool pl_cgroup_is_container(const char *path, size_t plen);

/* A pidfile: a decimal pid from 1 to 4194304 (PID_MAX_LIMIT), optionally followed by
 * blanks and a newline, nothing else (some daemons write more lines: refused, rather
 * than guessed). Returns 0 with *pid, or -1 with err. */
int pl_pidfile_parse(const char *buf, size_t len, int64_t *pid, char *err, size_t errlen);

/* Whether name, an entry of /proc, is a process's directory: a pid as the kernel writes
 * it, decimal digits without a leading zero (a "0123" is no pid: a fixture or a mount
 * over /proc could hold one, and it would name process 123 twice), from 1 to 4194304
 * (PID_MAX_LIMIT). Sets *pid when it is. */
bool pl_pid_name(const char *name, uint64_t *pid);

/* The last component of a path ("/usr/sbin/nginx" -> "nginx"), into [*b, *b + *n), and
 * without the " (deleted)" the kernel adds to the exe link of a replaced binary. */
void pl_pid_basename(const char *path, size_t len, const char **b, size_t *n);

#endif
