#include "config.h"

#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pl_i18n.h"
#include "pl_buf.h"
#include "pl_clock.h"
#include "pl_deadline.h"
#include "pl_file.h"
#include "pl_num.h"
#include "pl_sample.h"
#include "pl_timeout.h"

/* The time since boot, or -1 with err filled. */
static double
now_uptime(const struct pl_common *c, char *err, size_t errlen)
{
	double t;

	return pl_uptime(c->root, &t, err, errlen) != 0 ? -1 : t;
}

static void
sleep_seconds(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* How long to sample: interval seconds, or half the time left before the process
 * deadline when that is shorter. */
static double
sample_time(double interval)
{
	double half = pl_deadline_left(NULL) / 2;

	return half < interval ? half : interval;
}

/* The wall clock for the state's readings (PLUMBLINE_NOW in tests); 0 when it cannot
 * be had (a malformed PLUMBLINE_NOW): unknown, as in a file without one. */
static double
wall_now(void)
{
	struct pl_time t;
	char err[128];

	if (pl_clock_now(&t, err, sizeof(err)) != 0 || t.sec < 0)
		return 0;
	return (double)t.sec + (double)t.nsec / 1e9;
}

/* Why there is no earlier reading to compare with, from the load status alone. */
static const char *
status_why(enum pl_store_status ss)
{
	switch (ss) {
	case PL_STORE_MISSING: return _("first run");
	case PL_STORE_REBOOTED: return _("the last reading is from before a reboot");
	case PL_STORE_OLD: return _("the state file is from an older version");
	case PL_STORE_CORRUPT: return _("the state file was not usable (-v says why)");
	case PL_STORE_LOADED: break;
	}
	return "";
}

/* Tries the stored reading. Returns the basis, or PL_BASIS_BOOT with why filled. */
static enum pl_basis
from_state(const struct pl_common *c, const struct pl_sample_ops *ops, void *ctx,
	   struct pl_store *st, double t_now, double *dt, char *why, size_t whylen)
{
	char h[32], m[32];
	double t_then;
	int gen = pl_store_pick(st, t_now, PL_SAMPLE_MIN_WINDOW, &t_then);
	/* A window shorter than the sampling interval (or than a second, with no interval)
	 * holds too few ticks to mean anything: sample afresh instead. */
	double min = c->interval > 0 ? c->interval : PL_SAMPLE_MIN_WINDOW;
	int lr;

	if (t_now < t_then) {
		pl_snprintf(why, whylen, _("the last reading is later than now (the clock went back)"));
	} else if (t_now - t_then < min) {
		pl_snprintf(why, whylen, _("the last reading is only %s old, less than the %s a rate needs"),
			    pl_unit_human(h, sizeof(h), t_now - t_then, PL_U_SECONDS),
			    pl_unit_human(m, sizeof(m), min, PL_U_SECONDS));
	} else if ((lr = ops->load(ctx, st, gen)) == 0) {
		*dt = t_now - t_then;
		return PL_BASIS_STATE;
	} else {
		pl_snprintf(why, whylen, "%s", lr == PL_SAMPLE_STILL ?
			    _("no counter moved since the last reading") :
			    _("the counters are not comparable with the last reading (they went back or were replaced)"));
	}
	pl_debug(c, 1, "the stored reading is not used (%s): reading afresh", why);
	return PL_BASIS_BOOT;
}

enum pl_basis
pl_sample(const struct pl_common *c, const struct pl_sample_ops *ops, void *ctx, double *dt,
	  char *basis, size_t basislen, struct pl_result *r)
{
	struct pl_store st;
	enum pl_store_status ss;
	enum pl_basis b = PL_BASIS_BOOT;
	double t_now, t_first;
	char h[32], why[200];
	bool save = true;

	ss = pl_plugin_store_load(c, &st);
	ops->read(ctx, 0);
	if ((t_now = now_uptime(c, basis, basislen)) < 0)
		goto fail;
	pl_strlcpy(why, status_why(ss), sizeof(why));
	if (ss == PL_STORE_LOADED &&
	    (b = from_state(c, ops, ctx, &st, t_now, dt, why, sizeof(why))) == PL_BASIS_STATE) {
		pl_snprintf(basis, basislen, _("over the last %s"),
			    pl_unit_human(h, sizeof(h), *dt, PL_U_SECONDS));
		/* Keep both generations until the newest is old enough to compare against;
		 * then the newest becomes the previous one. */
		save = t_now - st.time >= PL_SAMPLE_MIN_WINDOW;
		if (save) {
			pl_store_rotate(&st, t_now, wall_now());
			ops->store(ctx, 0, &st);
		}
	}
	if (b == PL_BASIS_BOOT && c->interval > 0) {
		/* The sample must leave time for the rest of the run: at most half of what is
		 * left before the deadline, which the basis then says. */
		double nap = sample_time(c->interval);
		int lr = -1;

		/* Slot 0 becomes the earlier reading: store it, wait, read again. */
		pl_store_drop_counters(&st);
		st.time = t_first = t_now;
		st.wall = wall_now();
		st.prev_time = st.prev_wall = 0;
		ops->store(ctx, 0, &st);
		pl_timeout_waiting(_("sampling counters over --interval"));
		sleep_seconds(nap);
		if ((t_now = now_uptime(c, basis, basislen)) < 0)
			goto fail;
		ops->read(ctx, 0);
		if (t_now > t_first && (lr = ops->load(ctx, &st, PL_STORE_GEN_NEW)) == 0) {
			pl_store_rotate(&st, t_now, wall_now());
			ops->store(ctx, 0, &st);
			b = PL_BASIS_SAMPLED;
			*dt = t_now - t_first;
			pl_snprintf(basis, basislen, _("sampled over %ss (%s%s; later runs use the state)"),
				    pl_fmt_num(h, sizeof(h), *dt, 2), why, nap < c->interval ?
				    _(", the --interval cut to half the time left before --timeout") : "");
		} else {
			size_t n = strlen(why);

			pl_snprintf(why + n, sizeof(why) - n, _(", and %s over the %ss sample"),
				    t_now <= t_first ? "the clock did not move" :
				    lr == PL_SAMPLE_STILL ? "no counter moved" :
				    "the counters went back",
				    pl_fmt_num(h, sizeof(h), nap, 2));
		}
	}
	if (b == PL_BASIS_BOOT) {
		ops->zero(ctx);
		*dt = t_now;
		pl_snprintf(basis, basislen, _("average since boot (%s; rates from the next run)"), why);
		pl_store_drop_counters(&st);
		st.time = t_now;
		st.wall = wall_now();
		st.prev_time = st.prev_wall = 0;
		ops->store(ctx, 0, &st);
	}
	if (save)
		pl_plugin_store_save(c, &st, r);
	else
		pl_plugin_store_close(&st);
	pl_store_free(&st);
	return b;
fail:
	pl_plugin_store_close(&st);
	pl_store_free(&st);
	return PL_BASIS_ERROR;
}
