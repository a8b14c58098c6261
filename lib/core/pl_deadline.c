#include "config.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <time.h>

#include "pl_deadline.h"

static struct pl_deadline process = { INT64_MAX };
static volatile sig_atomic_t child_pgid;

int64_t
pl_mono_ns(void)
{
	struct timespec ts;

	/* CLOCK_MONOTONIC cannot fail on Linux with a valid pointer. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static const struct pl_deadline *
or_process(const struct pl_deadline *d)
{
	return d != NULL ? d : &process;
}

struct pl_deadline
pl_deadline_in(double seconds)
{
	struct pl_deadline d;
	int64_t now = pl_mono_ns();

	if (isnan(seconds) || seconds > 1e9)   /* infinity, or past any timeout we take */
		return PL_DEADLINE_NEVER;
	if (seconds <= 0)
		d.at = now;
	else
		d.at = now + (int64_t)(seconds * 1e9);
	return d;
}

struct pl_deadline
pl_deadline_min(const struct pl_deadline *a, const struct pl_deadline *b)
{
	a = or_process(a);
	b = or_process(b);
	return a->at <= b->at ? *a : *b;
}

void
pl_deadline_start(double seconds)
{
	process = pl_deadline_in(seconds);
}

struct pl_deadline
pl_deadline_process(void)
{
	return process;
}

double
pl_deadline_grace(double timeout)
{
	return timeout > 10 ? 1.0 : timeout > 0 ? timeout / 10 : 0;
}

bool
pl_deadline_expired(const struct pl_deadline *d)
{
	d = or_process(d);
	return d->at != INT64_MAX && pl_mono_ns() >= d->at;
}

double
pl_deadline_left(const struct pl_deadline *d)
{
	int64_t left;

	d = or_process(d);
	if (d->at == INT64_MAX)
		return INFINITY;
	left = d->at - pl_mono_ns();
	return left > 0 ? (double)left / 1e9 : 0;
}

int
pl_deadline_left_ms(const struct pl_deadline *d)
{
	int64_t left;

	d = or_process(d);
	if (d->at == INT64_MAX)
		return INT_MAX;
	left = d->at - pl_mono_ns();
	if (left <= 0)
		return 1;
	left = (left + 999999) / 1000000;
	return left > INT_MAX ? INT_MAX : (int)left;
}

unsigned int
pl_deadline_left_s(const struct pl_deadline *d)
{
	int64_t left;

	d = or_process(d);
	if (d->at == INT64_MAX)
		return 86400;
	left = d->at - pl_mono_ns();
	if (left <= 0)
		return 1;
	left = (left + 999999999) / 1000000000;
	return left > 86400 ? 86400 : (unsigned int)left;
}

int
pl_deadline_poll(const struct pl_deadline *d, struct pollfd *fds, nfds_t n)
{
	d = or_process(d);
	for (;;) {
		struct timespec ts;
		int64_t left = d->at - pl_mono_ns();
		int rc;

		/* Past the deadline the timeout is 0: one look without waiting. */
		if (left < 0)
			left = 0;
		ts.tv_sec = (time_t)(left / 1000000000);
		ts.tv_nsec = (long)(left % 1000000000);
		rc = ppoll(fds, n, d->at == INT64_MAX ? NULL : &ts, NULL);
		if (rc >= 0 || errno != EINTR)
			return rc;
	}
}

void
pl_deadline_child(pid_t pgid)
{
	child_pgid = pgid > 0 ? (sig_atomic_t)pgid : 0;
}

void
pl_deadline_kill_child(void)
{
	pid_t g = (pid_t)child_pgid;

	if (g > 0)
		kill(-g, SIGKILL);
}
