/* Fuzz target: what turns a database server's answer into counts and limits
 * (pl_dbconns: pl_db_pg_take for PostgreSQL's four result sets, pl_db_my_*_take for
 * MySQL's limits, status, threads and accounts), fed result sets in the text form of
 * tests/fixtures/db (pl_db_reply_parse), then judged by pl_db_tightest. A refusal says
 * why; a sample that was taken has counts at or above 0 and a headroom in range.
 * fuzz-seeds: db/pg15-reply.txt db/mariadb-reply.txt */
#include "config.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pl_dbconns.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
refusal(const char *err, size_t errlen)
{
	if (err[0] == '\0' || memchr(err, '\0', errlen) == NULL)
		abort();
}

/* The contract of a taken sample and its tightest limit. */
static void
judge(const struct pl_db_sample *s)
{
	struct pl_db_headroom h;

	if (s->count < 0 || s->reserved < 0 || s->oldest_idle_tx < 0 ||
	    !isfinite(s->oldest_idle_tx))
		abort();
	for (int i = 0; i < PL_DBS_N; i++)
		if (s->states[i] < 0)
			abort();
	for (size_t i = 0; i < s->ndbs; i++)
		if (s->dbs[i].name == NULL || s->dbs[i].count < 0)
			abort();
	for (size_t i = 0; i < s->nusers; i++)
		if (s->users[i].name == NULL || s->users[i].count < 0)
			abort();
	pl_db_tightest(s, &h);
	if (h.kind == PL_DBL_NONE)
		return;
	/* A limit named is positive, its slots left are limit - used and never below 0. */
	if (h.limit <= 0 || h.left < 0 || h.left > h.limit || !(h.pct >= 0) || !isfinite(h.pct))
		abort();
	if (h.used <= h.limit && h.left != h.limit - h.used)
		abort();
	if (memchr(h.what, '\0', sizeof(h.what)) == NULL || h.what[0] == '\0' ||
	    memchr(h.label, '\0', sizeof(h.label)) == NULL || h.label[0] == '\0')
		abort();
	if ((h.kind == PL_DBL_DATABASE || h.kind == PL_DBL_ROLE || h.kind == PL_DBL_USER) &&
	    h.name == NULL)
		abort();
}

static void
pg(const struct pl_db_reply *r)
{
	struct pl_db_sample s;
	char err[256];
	size_t i;

	pl_db_sample_init(&s);
	for (i = 0; i < r->n; i++) {
		err[0] = '\0';
		if (pl_db_pg_take((unsigned)i, &r->set[i], &s, err, sizeof(err)) != 0) {
			refusal(err, sizeof(err));
			break;
		}
	}
	/* pl_pg judges only a full round trip of four. */
	if (i == r->n && r->n == 4)
		judge(&s);
	pl_db_sample_free(&s);
}

static void
my(const struct pl_db_reply *r)
{
	int (*take[])(const struct pl_db_rows *, struct pl_db_sample *, char *, size_t) = {
		pl_db_my_limits_take, NULL, pl_db_my_threads_take, pl_db_my_accounts_take,
	};
	struct pl_db_sample s;
	uint64_t v[PL_MY_NSTATUS];
	char err[256];
	size_t i;
	int rc;

	pl_db_sample_init(&s);
	s.mysql = true;
	for (i = 0; i < r->n && i < 4; i++) {
		err[0] = '\0';
		rc = take[i] != NULL ? take[i](&r->set[i], &s, err, sizeof(err)) :
			pl_db_my_status_take(&r->set[i], v, err, sizeof(err));
		if (rc != 0) {
			refusal(err, sizeof(err));
			break;
		}
		if (i == 0 && (s.max_connections <= 0 || s.user_limit < 0))
			abort();
		if (i == 1)
			s.count = v[PL_MY_THREADS_CONNECTED] > 0 && v[PL_MY_THREADS_CONNECTED] < 1000000000 ?
				(long)v[PL_MY_THREADS_CONNECTED] - 1 : 0;
	}
	if (i >= 3)
		judge(&s);
	pl_db_sample_free(&s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pl_db_reply r;
	char err[256];

	err[0] = '\0';
	if (pl_db_reply_parse((const char *)data, size, &r, err, sizeof(err)) != 0) {
		refusal(err, sizeof(err));
		return 0;
	}
	for (size_t i = 0; i < r.n; i++)
		if (r.set[i].cols == 0 || r.set[i].cols > 16 || (r.set[i].rows > 0 && r.set[i].cell == NULL))
			abort();
	pg(&r);
	my(&r);
	pl_db_reply_free(&r);
	return 0;
}
