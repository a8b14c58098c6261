#include "config.h"

#include <errno.h>
#include <time.h>
#include <unistd.h>

#include "pl_buf.h"
#include "pl_file.h"
#include "pl_num.h"
#include "pl_sample.h"
#include "pl_timeout.h"

static double
now_uptime(const struct pl_common *c)
{
	char err[256];
	double t;

	if (pl_uptime(c->root, &t, err, sizeof(err)) != 0)
		pl_die(PL_UNKNOWN, "%s", err);
	return t;
}

static void
sleep_seconds(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

enum pl_basis
pl_sample(const struct pl_common *c, const struct pl_sample_ops *ops, void *ctx, double *dt,
	  char *basis, size_t basislen, struct pl_result *r)
{
	struct pl_store st;
	enum pl_store_status ss;
	enum pl_basis b = PL_BASIS_BOOT;
	double t_now, t_then, t_first;
	char h[32];
	int dirfd;
	bool save = true;

	ss = pl_plugin_store_load(c, &st, &dirfd);
	ops->read(ctx, 0);
	t_now = now_uptime(c);
	if (ss == PL_STORE_LOADED) {
		const char *gen = pl_store_pick(&st, t_now, PL_SAMPLE_MIN_WINDOW, &t_then);
		/* A window shorter than the sampling interval (or than a second, with no
		 * interval) holds too few ticks to mean anything: sample afresh instead. */
		double min = c->interval > 0 ? c->interval : PL_SAMPLE_MIN_WINDOW;

		if (t_now - t_then >= min && ops->load(ctx, &st, gen) == 0) {
			b = PL_BASIS_STATE;
			*dt = t_now - t_then;
			pl_snprintf(basis, basislen, "over the last %s",
				    pl_unit_human(h, sizeof(h), *dt, PL_U_SECONDS));
			/* Keep both generations until the newest is old enough to compare
			 * against; then the newest becomes the previous one. */
			save = t_now - st.time >= PL_SAMPLE_MIN_WINDOW;
			if (save) {
				pl_store_rotate(&st, t_now);
				ops->store(ctx, 0, &st);
			}
		} else {
			pl_debug(c, 1, "the stored reading is too recent or not comparable (counters went back): reading afresh");
		}
	}
	if (b == PL_BASIS_BOOT && c->interval > 0) {
		/* Slot 0 becomes the earlier reading: store it, wait, read again. */
		pl_store_clear(&st);
		st.time = t_first = t_now;
		st.prev_time = 0;
		ops->store(ctx, 0, &st);
		pl_timeout_waiting("sampling counters over --interval");
		sleep_seconds(c->interval);
		t_now = now_uptime(c);
		ops->read(ctx, 0);
		if (t_now > t_first && ops->load(ctx, &st, "") == 0) {
			pl_store_rotate(&st, t_now);
			ops->store(ctx, 0, &st);
			b = PL_BASIS_SAMPLED;
			*dt = t_now - t_first;
			pl_snprintf(basis, basislen, "sampled over %ss (first run; later runs use the state)",
				    pl_fmt_num(h, sizeof(h), *dt, 2));
		}
	}
	if (b == PL_BASIS_BOOT) {
		ops->zero(ctx);
		*dt = t_now;
		pl_snprintf(basis, basislen, "average since boot (first run; rates from the next run)");
		pl_store_clear(&st);
		st.time = t_now;
		st.prev_time = 0;
		ops->store(ctx, 0, &st);
	}
	if (save)
		pl_plugin_store_save(c, &st, dirfd, r);
	else
		close(dirfd);
	pl_store_free(&st);
	return b;
}
