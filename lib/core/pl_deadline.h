/* pl_deadline: the time a plugin has left, as a value handed to whatever blocks.
 *
 * A deadline is a point on the monotonic clock (CLOCK_MONOTONIC: NTP stepping the wall
 * clock does not move it). The plugin's own one, the process deadline, is set by
 * pl_timeout_arm() from --timeout (pl_plugin_arm() calls it before any I/O). Whatever
 * blocks takes its timeout from a deadline: pl_deadline_left_ms() for libcurl's
 * CURLOPT_TIMEOUT_MS (with CURLOPT_NOSIGNAL) and PostgreSQL's statement_timeout,
 * pl_deadline_left_s() for libpq's connect_timeout and libmariadb's connect, read and
 * write timeouts, which count whole seconds, pl_deadline_poll() for sockets and pipes,
 * pl_run() for child processes. A call that runs out of time then returns an error like
 * any other, and the plugin still reports what it measured (an HTTP check that timed out
 * in TLS prints its DNS and connect times) and what it was waiting for.
 *
 * The SIGALRM timer of pl_timeout stays as a backstop for what cannot be given a timeout
 * (a read() on a hung NFS mount, a library without one, a whole-second timeout rounded
 * up): it fires pl_deadline_grace() after the deadline, min(1 s, 10% of the timeout),
 * kills the process group of the child registered with pl_deadline_child(), prints the
 * timeout line and exits. The plugin's last word may thus come up to that grace after
 * --timeout: keep --timeout that much below the engine's own check timeout.
 *
 * Functions that take a const struct pl_deadline * read the process deadline when given
 * NULL. A deadline that was never set is "never": no limit. */
#ifndef PL_DEADLINE_H
#define PL_DEADLINE_H

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct pl_deadline {
	int64_t at;     /* CLOCK_MONOTONIC nanoseconds; INT64_MAX: never */
};

#define PL_DEADLINE_NEVER ((struct pl_deadline){ INT64_MAX })

/* The monotonic clock (CLOCK_MONOTONIC) that deadlines are on: the one reader of it for
 * the library, in nanoseconds, and in seconds for measuring how long something took. */
int64_t pl_mono_ns(void);
static inline double
pl_mono(void)
{
	return (double)pl_mono_ns() / 1e9;
}

/* A deadline seconds from now. seconds <= 0 gives one that has passed; NaN or infinity
 * gives never. */
struct pl_deadline pl_deadline_in(double seconds);

/* The earlier of a and b (NULL: the process deadline). */
struct pl_deadline pl_deadline_min(const struct pl_deadline *a, const struct pl_deadline *b);

/* Sets the process deadline seconds from now (seconds > 0), and remembers seconds for
 * pl_deadline_grace(). pl_timeout_arm() calls it; a plugin has no need to. */
void pl_deadline_start(double seconds);

/* The process deadline (never before pl_deadline_start). */
struct pl_deadline pl_deadline_process(void);

/* How long after a deadline of timeout seconds the backstop fires: min(1 s, 10% of the
 * timeout). Long enough for a library call that was given the deadline to return and the
 * plugin to report; short enough that the engine still hears from the plugin. */
double pl_deadline_grace(double timeout);

/* True once d has passed. */
bool pl_deadline_expired(const struct pl_deadline *d);

/* Seconds left before d: 0 once it has passed, INFINITY for never. */
double pl_deadline_left(const struct pl_deadline *d);

/* Milliseconds left before d, rounded up, at least 1 and at most INT_MAX (for never):
 * never 0, which libcurl and others read as "no timeout". Check pl_deadline_expired()
 * first where an expired deadline must not start anything; an expired one gives 1 ms, so
 * a call made anyway fails at once. Fits CURLOPT_TIMEOUT_MS and poll(). */
int pl_deadline_left_ms(const struct pl_deadline *d);

/* Whole seconds left before d, rounded up, at least 1 and at most 86400: for libpq's
 * connect_timeout and libmariadb's MYSQL_OPT_{CONNECT,READ,WRITE}_TIMEOUT, where 0
 * means no limit. Rounding up may pass d by less than a second: the backstop covers that
 * (libpq also treats values under 2 as 2). */
unsigned int pl_deadline_left_s(const struct pl_deadline *d);

/* poll() that never waits past d (NULL: the process deadline): restarts after EINTR with
 * the time that is left, and once d has passed still looks once without waiting, so that
 * what is ready is not lost. Returns what poll() returns: the number of ready
 * descriptors, 0 when d passed with none ready, -1 with errno on an error. */
int pl_deadline_poll(const struct pl_deadline *d, struct pollfd *fds, nfds_t n);

/* Registers the process group of a running child (pgid > 0) for the backstop to kill
 * with SIGKILL before it prints and exits; 0 clears it. One child at a time: pl_run()
 * registers its child while it runs and clears it before reaping it (so a reused pid is
 * never killed). Async-signal-safe. */
void pl_deadline_child(pid_t pgid);

/* For the backstop's signal handler: kill(-pgid, SIGKILL) for the registered child, if
 * any. Async-signal-safe (only kill()). */
void pl_deadline_kill_child(void);

#endif
