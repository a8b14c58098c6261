/* Fuzz target: pl_nagioslog over arbitrary bytes, fed whole and again in pieces cut at a
 * place the input chooses: the same events and counts either way; every event has a host,
 * a state in -1..3, strings that are never NULL (but a host's service) and no longer than
 * the line bound. The events then go through pl_incident and its review, whose figures
 * stay in their bounds (availability 0..100 %, outage and downtime within the period).
 * fuzz-seeds: nagioslog/real-4.4.6.log nagioslog/nagios.log nagioslog/archives-nagios-11-15-2026-00.log */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pl_incident.h"
#include "pl_nagioslog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct acc {
	uint64_t sum;
	size_t n;
	struct pl_incidents *inc;
};

static uint64_t
hash(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h * 31 + 7;
}

static int
cb(const struct pl_event *e, void *arg)
{
	struct acc *a = arg;
	const char *s[] = { e->host, e->state_word, e->output, e->contact, e->command,
			    e->author, e->comment };

	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		if (s[i] == NULL || strlen(s[i]) > PL_NL_LINE_MAX)
			abort();
	if (e->host[0] == '\0' || e->state < -1 || e->state > 3)
		abort();
	if (e->service != NULL && e->service[0] == '\0')
		abort();
	a->sum = hash(hash(hash(a->sum, e->host), e->service ? e->service : "-"), e->output);
	a->sum = hash(a->sum, e->comment) + (uint64_t)e->kind * 5 + (uint64_t)(e->state + 1);
	a->n++;
	if (a->inc != NULL && pl_inc_event(e, a->inc) != 0)
		abort();
	return 0;
}

static void
run(const uint8_t *data, size_t size, size_t step, struct acc *a, struct pl_nl_counts *c)
{
	struct pl_nl nl;
	char err[128];

	memset(c, 0, sizeof(*c));
	if (pl_nl_init(&nl, cb, a, c, err, sizeof(err)) != 0)
		abort();
	for (size_t o = 0; o < size; o += step)
		pl_nl_feed(&nl, (const char *)data + o, size - o < step ? size - o : step);
	pl_nl_finish(&nl);
	pl_nl_free(&nl);
}

static void
review(struct pl_incidents *s)
{
	struct pl_review r;
	struct pl_hours h;
	char err[128];

	pl_inc_finish(s, s->last);
	if (pl_hours_parse("mon-fri,08:00-18:00", &h, err, sizeof(err)) != 0)
		abort();
	if (pl_inc_review(s, s->first, s->last + 1, &h, NULL, &r) != 0)
		abort();
	for (size_t i = 0; i < r.navail; i++) {
		const struct pl_avail *a = &r.avail[i];

		if (a->percent > 100.0 + 1e-9 || a->downtime < 0 || a->outage < 0 ||
		    a->downtime > a->period || a->outage > a->period - a->downtime)
			abort();
	}
	if (r.incidents > s->ninc || r.nopen > s->ninc)
		abort();
	pl_review_free(&r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pl_incidents inc;
	struct acc a = { 0, 0, &inc }, b = { 0, 0, NULL };
	struct pl_nl_counts ca, cb2;
	size_t step = size > 0 ? (size_t)data[0] % 61 + 1 : 1;

	pl_inc_init(&inc);
	run(data, size, size > 0 ? size : 1, &a, &ca);
	run(data, size, step, &b, &cb2);
	if (a.n != b.n || a.sum != b.sum || memcmp(&ca, &cb2, sizeof(ca)) != 0 ||
	    a.n != ca.events || ca.lines != ca.events + ca.ignored + ca.malformed)
		abort();
	review(&inc);
	pl_inc_free(&inc);
	return 0;
}
