/* pl_run: running an outside program (nft, restic, borg) under the deadline.
 *
 * The rules, for every program a plugin runs:
 *   - by absolute path, with an argument vector: never a shell, never a PATH search
 *     (a relative argv[0] is refused);
 *   - in an explicit minimal environment: PATH=/usr/sbin:/usr/bin:/sbin:/bin and
 *     LC_ALL=C, plus only the "NAME=value" entries the caller names
 *     (RESTIC_PASSWORD_FILE, BORG_PASSCOMMAND, HOME...); nothing is inherited;
 *   - stdin from /dev/null, or from a descriptor the caller gives (the read end of a
 *     pipe holding a secret, so that it never appears in argv or the environment);
 *   - in its own process group, with every signal at its default and an empty signal
 *     mask, and no descriptor of the plugin beyond 0, 1 and 2;
 *   - stdout and stderr captured up to caps the caller gives; the rest is still read
 *     (so the child never blocks on a full pipe), counted and dropped, and the result
 *     says a cap was hit;
 *   - under a deadline: when it passes, SIGTERM to the process group, a short grace,
 *     SIGKILL to the group, then the child is reaped; while it runs, the child is
 *     registered with the timeout backstop (pl_deadline_child), which KILLs the group
 *     before the plugin prints its timeout line;
 *   - nothing the child started outlives pl_run(): once the child has ended (and its
 *     pipes are closed, or after a short linger when a grandchild still holds them),
 *     whatever is left in its process group is KILLed before the child is reaped.
 *     Only a process that left the group (setsid) escapes.
 * The result says how it ended (exit status, or the signal), whether it timed out, and
 * what was run, for messages like "timed out after 2s waiting for /usr/bin/restic
 * snapshots". pl_run() does not judge the exit status: the plugin does.
 *
 * The caller must not ignore SIGCHLD (the child could not be waited for then). */
#ifndef PL_RUN_H
#define PL_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pl_buf.h"
#include "pl_deadline.h"

#define PL_RUN_PATH "/usr/sbin:/usr/bin:/sbin:/bin"
/* The largest cap on stdout or stderr: a restore drill's file listing of 2,000,000 files
 * (restic ls --json, ~290 bytes a file). A cap only bounds growth: memory is taken as
 * the output comes. */
#define PL_RUN_CAP_MAX ((size_t)512 << 20)
#define PL_RUN_ENV_MAX 32                    /* entries the caller may add */
#define PL_RUN_WHAT 256                      /* size of pl_run_result.what */

/* What to run. All pointers are the caller's and need only outlive the call. A zeroed
 * struct with argv and the caps set is the common case. */
struct pl_run_spec {
	const char *const *argv;   /* argv[0] an absolute path; ends with NULL */
	/* "NAME=value" entries added to the minimal environment, ending with NULL (or
	 * NULL for none). NAME is [A-Za-z_][A-Za-z0-9_]*; a later entry replaces an
	 * earlier one of the same name, PATH and LC_ALL included. Values may be secrets:
	 * pl_run never shows them. */
	const char *const *env;
	/* What messages call the program, in place of its argv (NULL: argv[0] and the
	 * arguments): for arguments that must not be shown, like a URL with a user. */
	const char *label;
	/* The child's stdin: 0 (or less) for /dev/null, else a descriptor above 2 that
	 * stays the caller's (pl_run neither closes nor reads it). */
	int stdin_fd;
	size_t out_cap, err_cap;   /* bytes of stdout and stderr kept, 0 to keep none;
				    * at most PL_RUN_CAP_MAX */
	/* NULL: the process deadline. Otherwise the earlier of this and the process
	 * deadline. pl_run refuses to run a program without any deadline. */
	const struct pl_deadline *deadline;
	/* Seconds between SIGTERM and SIGKILL; 0: min(0.25 s, a quarter of the backstop's
	 * grace for the time the child was given), so that the plugin still reports
	 * before the backstop fires. */
	double term_grace;
	/* The directory the program starts in (borg extract restores into it); NULL: the
	 * plugin's own. A directory it cannot enter is a failure to start. */
	const char *cwd;
};

/* How it went. pl_run initialises it in every case; free it with pl_run_result_free. */
struct pl_run_result {
	struct pl_buf out, err;     /* what was kept of stdout and stderr (owned) */
	uint64_t out_bytes, err_bytes;   /* all that the child wrote */
	bool out_capped, err_capped;     /* more was written than kept */
	bool exited;                /* it called exit(): status holds the code */
	int status;                 /* exit code 0..255 when exited */
	int signal;                 /* the signal that ended it when !exited, else 0 */
	bool timed_out;             /* the deadline passed and SIGTERM was sent */
	bool killed;                /* it outlived the grace after SIGTERM: SIGKILL sent */
	bool reaped;                /* false only when it did not end even after SIGKILL
				     * (stuck in the kernel): it is left to init */
	double budget;              /* seconds it was given */
	double elapsed;             /* seconds from start to end */
	char what[PL_RUN_WHAT];     /* "/usr/bin/restic snapshots": the label, or the argv
				     * with control bytes escaped, cut to fit */
};

/* Runs sp->argv[0] as described above and waits for it to end, or for the deadline.
 * Returns 0 when the program ran, whatever the outcome (read *r); -1 with why in err
 * when it could not be started: a relative or missing argv[0], a malformed environment
 * entry, a bad stdin_fd, no deadline, the deadline already passed, a program that
 * cannot be executed ("cannot run /usr/bin/restic: No such file or directory"), no
 * descriptors or memory left. */
int pl_run(const struct pl_run_spec *sp, struct pl_run_result *r, char *err, size_t errlen);

void pl_run_result_free(struct pl_run_result *r);

/* The first meaningful line of text (stderr, for an UNKNOWN message): blank lines and
 * the blanks around the line are skipped, a '\r' dropped, a tab shown as a blank, other
 * control bytes and '|' (the perfdata separator) as '?', cut at a character boundary to
 * fit outlen. Returns out ("" when there is no such line). */
char *pl_run_first_line(const char *text, size_t len, char *out, size_t outlen);

/* One sentence on how it ended, for a message: "timed out after 2s waiting for
 * /usr/bin/restic snapshots", "/usr/bin/restic snapshots exited with status 1: Fatal:
 * repository does not exist" (with the first line of stderr, when there is one),
 * "/usr/sbin/nft list ruleset was killed by signal 11 (SIGSEGV)". Returns buf. */
char *pl_run_describe(const struct pl_run_result *r, char *buf, size_t len);

#endif
