/* pl_incident: events into incidents, downtimes and the review (see pl_incident.h). */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pl_buf.h"
#include "pl_clock.h"
#include "pl_i18n.h"
#include "pl_incident.h"
#include "pl_num.h"

/* ------------------------------------------------------------------ small helpers */

static char *
dup(struct pl_incidents *s, const char *v)
{
	char *d = strdup(v != NULL ? v : "");

	if (d == NULL)
		s->oom = true;
	return d;
}

/* Grows *p (of *cap elements of size sz) to hold n + 1. 0, or -1. */
static int
grow(void **p, size_t *cap, size_t n, size_t sz)
{
	void *q;
	size_t c;

	if (n < *cap)
		return 0;
	c = *cap ? *cap * 2 : 16;
	q = realloc(*p, c * sz);
	if (q == NULL)
		return -1;
	*p = q;
	*cap = c;
	return 0;
}

static uint64_t
fnv(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return (h ^ 0xff) * 1099511628211ull;
}

static uint64_t
obj_hash(const char *host, const char *service)
{
	return fnv(fnv(1469598103934665603ull, host), service ? service : "\001host");
}

static bool
same(const struct pl_inc_object *o, const char *host, const char *service)
{
	if (strcmp(o->host, host) != 0)
		return false;
	if (o->service == NULL || service == NULL)
		return o->service == service;
	return strcmp(o->service, service) == 0;
}

/* The object's slot in the index: its own, or the empty one where it would go. */
static size_t *
slot(const struct pl_incidents *s, const char *host, const char *service)
{
	size_t mask = s->capindex - 1, i = (size_t)obj_hash(host, service) & mask;

	while (s->index[i] != 0 && !same(&s->objs[s->index[i] - 1], host, service))
		i = (i + 1) & mask;
	return &s->index[i];
}

static int
rehash(struct pl_incidents *s)
{
	size_t cap = s->capindex ? s->capindex * 2 : 64;
	size_t *old = s->index, oldcap = s->capindex;

	s->index = calloc(cap, sizeof(*s->index));
	if (s->index == NULL) {
		s->index = old;
		return -1;
	}
	s->capindex = cap;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i] != 0) {
			struct pl_inc_object *o = &s->objs[old[i] - 1];

			*slot(s, o->host, o->service) = old[i];
		}
	free(old);
	return 0;
}

const struct pl_inc_object *
pl_inc_object(const struct pl_incidents *s, const char *host, const char *service)
{
	size_t *p;

	if (s->capindex == 0)
		return NULL;
	p = slot(s, host, service);
	return *p ? &s->objs[*p - 1] : NULL;
}

static struct pl_inc_object *
object(struct pl_incidents *s, const char *host, const char *service)
{
	struct pl_inc_object *o;
	size_t *p;

	if ((s->nobjs + 1) * 2 > s->capindex && rehash(s) != 0)
		return NULL;
	p = slot(s, host, service);
	if (*p != 0)
		return &s->objs[*p - 1];
	if (grow((void **)&s->objs, &s->capobjs, s->nobjs, sizeof(*s->objs)) != 0)
		return NULL;
	o = &s->objs[s->nobjs];
	memset(o, 0, sizeof(*o));
	o->host = dup(s, host);
	o->service = service ? dup(s, service) : NULL;
	o->soft_output = dup(s, "");
	o->state = -1;
	o->open = -1;
	if (s->oom)
		return NULL;
	*p = ++s->nobjs;
	return o;
}

void
pl_inc_init(struct pl_incidents *s)
{
	memset(s, 0, sizeof(*s));
}

static void
inc_free(struct pl_incident *in)
{
	free(in->host);
	free(in->service);
	free(in->severity_word);
	free(in->notified_to);
	free(in->ack_author);
	free(in->ack_comment);
	free(in->detect_output);
	free(in->hard_output);
	free(in->recover_output);
	free(in->escalated_to);
	for (size_t i = 0; i < in->ncontacts; i++)
		free(in->contacts[i]);
	free(in->contacts);
	for (size_t i = 0; i < in->nsteps; i++) {
		free(in->steps[i].state_word);
		free(in->steps[i].who);
		free(in->steps[i].text);
	}
	free(in->steps);
}

static void
drop_pending(struct pl_inc_object *o)
{
	for (size_t i = 0; i < o->npending; i++) {
		free(o->pending[i].word);
		free(o->pending[i].contact);
		free(o->pending[i].output);
	}
	free(o->pending);
	o->pending = NULL;
	o->npending = 0;
}

void
pl_inc_free(struct pl_incidents *s)
{
	for (size_t i = 0; i < s->nobjs; i++) {
		free(s->objs[i].host);
		free(s->objs[i].service);
		free(s->objs[i].soft_output);
		free(s->objs[i].downtimes);
		drop_pending(&s->objs[i]);
	}
	for (size_t i = 0; i < s->ninc; i++)
		inc_free(&s->inc[i]);
	free(s->objs);
	free(s->index);
	free(s->inc);
	memset(s, 0, sizeof(*s));
}

const char *
pl_step_name(enum pl_step_kind k)
{
	switch (k) {
	case PL_STEP_SOFT: return "soft";
	case PL_STEP_HARD: return "hard";
	case PL_STEP_NOTIFY: return "notified";
	case PL_STEP_RENOTIFY: return "notified again";
	case PL_STEP_ESCALATE: return "escalated";
	case PL_STEP_ACK: return "acknowledged";
	case PL_STEP_DOWNTIME_START: return "downtime started";
	case PL_STEP_DOWNTIME_END: return "downtime ended";
	case PL_STEP_FLAP_START: return "flapping started";
	case PL_STEP_FLAP_END: return "flapping ended";
	case PL_STEP_RECOVER: return "recovered";
	case PL_STEP_RECOVERY_NOTIFY: return "recovery notified";
	}
	return "?";
}

const char *
pl_step_title(enum pl_step_kind k)
{
	/* The names above, as the reports show them to a person. */
	static const struct { enum pl_step_kind k; const char *t; } t[] = {
		{ PL_STEP_SOFT, N_("soft") }, { PL_STEP_HARD, N_("hard") },
		{ PL_STEP_NOTIFY, N_("notified") }, { PL_STEP_RENOTIFY, N_("notified again") },
		{ PL_STEP_ESCALATE, N_("escalated") }, { PL_STEP_ACK, N_("acknowledged") },
		{ PL_STEP_DOWNTIME_START, N_("downtime started") },
		{ PL_STEP_DOWNTIME_END, N_("downtime ended") },
		{ PL_STEP_FLAP_START, N_("flapping started") },
		{ PL_STEP_FLAP_END, N_("flapping ended") }, { PL_STEP_RECOVER, N_("recovered") },
		{ PL_STEP_RECOVERY_NOTIFY, N_("recovery notified") },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].k == k)
			return pl_tr(t[i].t);
	return "?";
}

/* ------------------------------------------------------------------ incidents */

static void
step(struct pl_incidents *s, struct pl_incident *in, int64_t t, enum pl_step_kind k,
     int state, const char *word, const char *who, const char *text)
{
	struct pl_inc_step *st;

	if (in->nsteps >= PL_INC_STEPS) {
		in->steps_dropped++;
		return;
	}
	if (grow((void **)&in->steps, &in->capsteps, in->nsteps, sizeof(*in->steps)) != 0) {
		s->oom = true;
		return;
	}
	st = &in->steps[in->nsteps++];
	st->time = t;
	st->kind = k;
	st->state = state;
	st->state_word = dup(s, word);
	st->who = dup(s, who);
	st->text = dup(s, text);
}

/* Appends ", v" (or v) to *list. */
static void
list_add(struct pl_incidents *s, char **list, const char *v)
{
	size_t a = *list ? strlen(*list) : 0, b = strlen(v);
	char *n = realloc(*list, a + b + 3);

	if (n == NULL) {
		s->oom = true;
		return;
	}
	if (a > 0)
		memcpy(n + a, ", ", 2), a += 2;
	memcpy(n + a, v, b + 1);
	*list = n;
}

/* The rank of a state as a severity: WARNING 1 < UNKNOWN 2 < CRITICAL 3. */
static int
rank(int state)
{
	return state == 2 ? 3 : state == 3 ? 2 : state == 1 ? 1 : 0;
}

static void
make_id(struct pl_incident *in)
{
	int64_t y;
	int m, d;
	int64_t t = in->detected, days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
	int64_t sod = t - days * 86400;

	pl_civil_from_days(days, &y, &m, &d);
	pl_snprintf(in->id, sizeof(in->id), "%04lld%02d%02d-%02d%02d%02d-%08x", (long long)y,
		    m, d, (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60),
		    (unsigned)(obj_hash(in->host, in->service) & 0xffffffffu));
}

static void on_notify(struct pl_incidents *s, struct pl_incident *in,
		      const struct pl_event *ev);

/* The notifications logged just before the hard state (within PL_INC_PENDING_S). */
#define PL_INC_PENDING_S 5

static void
replay_pending(struct pl_incidents *s, struct pl_inc_object *o, int64_t t)
{
	for (size_t i = 0; i < o->npending; i++) {
		struct pl_inc_pending *p = &o->pending[i];
		struct pl_event ev = {
			.kind = PL_EV_NOTIFY, .time = p->time, .host = o->host,
			.service = o->service, .state = p->state, .state_word = p->word,
			.output = p->output, .ntype = PL_NT_PROBLEM, .contact = p->contact,
			.command = "", .number = p->number, .author = "", .comment = "",
		};

		if (p->time + PL_INC_PENDING_S >= t && p->time <= t)
			on_notify(s, &s->inc[o->open], &ev);
	}
	drop_pending(o);
}

static void
add_pending(struct pl_incidents *s, struct pl_inc_object *o, const struct pl_event *ev)
{
	struct pl_inc_pending *q;

	if (o->npending >= PL_INC_PENDING) {
		s->stray++;
		return;
	}
	q = realloc(o->pending, (o->npending + 1) * sizeof(*q));
	if (q == NULL) {
		s->oom = true;
		return;
	}
	o->pending = q;
	q = &o->pending[o->npending++];
	q->time = ev->time;
	q->number = ev->number;
	q->state = ev->state;
	q->word = dup(s, ev->state_word);
	q->contact = dup(s, ev->contact);
	q->output = dup(s, ev->output);
}

static void
open_incident(struct pl_incidents *s, struct pl_inc_object *o, const struct pl_event *ev)
{
	struct pl_incident *in;

	if (grow((void **)&s->inc, &s->capinc, s->ninc, sizeof(*s->inc)) != 0) {
		s->oom = true;
		return;
	}
	in = &s->inc[s->ninc];
	memset(in, 0, sizeof(*in));
	in->host = dup(s, o->host);
	in->service = o->service ? dup(s, o->service) : NULL;
	in->restated = ev->kind == PL_EV_RESTATE && o->soft_since == 0;
	in->detected = o->soft_since ? o->soft_since : ev->time;
	in->hard = ev->time;
	in->severity = ev->state;
	in->severity_word = dup(s, ev->state_word);
	in->detect_output = dup(s, o->soft_since ? o->soft_output : ev->output);
	in->hard_output = dup(s, ev->output);
	make_id(in);
	if (o->soft_since)
		step(s, in, o->soft_since, PL_STEP_SOFT, o->soft_state,
		     pl_inc_word(o->service == NULL, o->soft_state), "", o->soft_output);
	step(s, in, ev->time, PL_STEP_HARD, ev->state, ev->state_word, "", ev->output);
	o->open = (long)s->ninc++;
	replay_pending(s, o, ev->time);
}

const char *
pl_inc_word(bool host, int state)
{
	static const char *const sw[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };
	static const char *const hw[] = { "UP", "WARNING", "DOWN", "UNREACHABLE" };

	if (state < 0 || state > 3)
		return "";
	return host ? hw[state] : sw[state];
}

static void
on_state(struct pl_incidents *s, struct pl_inc_object *o, const struct pl_event *ev)
{
	struct pl_incident *in = o->open >= 0 ? &s->inc[o->open] : NULL;

	if (ev->state == 0) {
		if (in != NULL) {
			in->recovered = ev->time;
			in->recover_output = dup(s, ev->output);
			step(s, in, ev->time, PL_STEP_RECOVER, 0, ev->state_word, "", ev->output);
			o->open = -1;
		}
		o->soft_since = 0;
		s->stray += o->npending;
		drop_pending(o);
	} else if (!ev->hard) {
		if (in != NULL) {
			if (ev->state != o->state)
				step(s, in, ev->time, PL_STEP_SOFT, ev->state, ev->state_word, "",
				     ev->output);
		} else if (o->soft_since == 0 || ev->state != o->soft_state) {
			if (o->soft_since == 0)
				o->soft_since = ev->time;
			o->soft_state = ev->state;
			free(o->soft_output);
			o->soft_output = dup(s, ev->output);
		}
	} else if (in == NULL) {
		open_incident(s, o, ev);
		o->soft_since = 0;
	} else if (ev->state != o->state || !o->hard) {
		step(s, in, ev->time, PL_STEP_HARD, ev->state, ev->state_word, "", ev->output);
		if (rank(ev->state) > rank(in->severity)) {
			in->severity = ev->state;
			free(in->severity_word);
			in->severity_word = dup(s, ev->state_word);
		}
	}
	o->state = ev->state;
	o->hard = ev->hard;
}

static bool
told(const struct pl_incident *in, const char *contact)
{
	for (size_t i = 0; i < in->ncontacts; i++)
		if (strcmp(in->contacts[i], contact) == 0)
			return true;
	return false;
}

static void
on_notify(struct pl_incidents *s, struct pl_incident *in, const struct pl_event *ev)
{
	char **c;
	bool first;

	if (ev->ntype == PL_NT_RECOVERY) {
		step(s, in, ev->time, PL_STEP_RECOVERY_NOTIFY, ev->state, ev->state_word,
		     ev->contact, ev->output);
		return;
	}
	if (ev->ntype == PL_NT_ACK && in->acked == 0) {
		in->acked = ev->time;
		in->ack_author = dup(s, ev->author);
		in->ack_comment = dup(s, ev->comment);
		step(s, in, ev->time, PL_STEP_ACK, -1, "", ev->author, ev->comment);
	}
	if (ev->ntype != PL_NT_PROBLEM)
		return;
	if (in->notified == 0) {
		in->notified = ev->time;
		in->notify_key = ev->number;
	}
	/* The first notification's batch: its number when the engine says it, else the
	 * few seconds an engine takes to notify every contact of it. */
	if (ev->number > 0 && in->notify_key > 0)
		first = ev->number == in->notify_key;
	else
		first = ev->time - in->notified <= PL_INC_BATCH_S;
	if (told(in, ev->contact)) {
		step(s, in, ev->time, PL_STEP_RENOTIFY, ev->state, ev->state_word, ev->contact,
		     ev->output);
		return;
	}
	if (first) {
		list_add(s, &in->notified_to, ev->contact);
		step(s, in, ev->time, PL_STEP_NOTIFY, ev->state, ev->state_word, ev->contact,
		     ev->output);
	} else {
		in->nescalations++;
		list_add(s, &in->escalated_to, ev->contact);
		step(s, in, ev->time, PL_STEP_ESCALATE, ev->state, ev->state_word, ev->contact,
		     ev->output);
	}
	c = realloc(in->contacts, (in->ncontacts + 1) * sizeof(*c));
	if (c == NULL) {
		s->oom = true;
		return;
	}
	in->contacts = c;
	c = &in->contacts[in->ncontacts];
	if ((*c = dup(s, ev->contact)) != NULL)
		in->ncontacts++;
}

static void
on_downtime(struct pl_incidents *s, struct pl_inc_object *o, const struct pl_event *ev)
{
	struct pl_incident *in = o->open >= 0 ? &s->inc[o->open] : NULL;

	if (ev->phase == PL_PH_START) {
		if (o->dt_depth++ == 0)
			o->dt_start = ev->time;
		if (in != NULL)
			step(s, in, ev->time, PL_STEP_DOWNTIME_START, -1, "", "", ev->comment);
		return;
	}
	if (o->dt_depth == 0) {
		/* The history began inside this downtime. */
		o->dt_start = s->first;
		o->dt_depth = 1;
	}
	if (--o->dt_depth > 0)
		return;
	if (grow((void **)&o->downtimes, &o->capdowntimes, o->ndowntimes,
		 sizeof(*o->downtimes)) != 0) {
		s->oom = true;
		return;
	}
	o->downtimes[o->ndowntimes++] = (struct pl_interval){ o->dt_start, ev->time, false };
	if (in != NULL)
		step(s, in, ev->time, PL_STEP_DOWNTIME_END, -1, "", "", ev->comment);
}

int
pl_inc_event(const struct pl_event *ev, void *arg)
{
	struct pl_incidents *s = arg;
	struct pl_inc_object *o;
	struct pl_incident *in;

	if (s->first == 0 || ev->time < s->first)
		s->first = ev->time;
	if (ev->time > s->last)
		s->last = ev->time;
	if ((o = object(s, ev->host, ev->service)) == NULL) {
		s->oom = true;
		return -1;
	}
	in = o->open >= 0 ? &s->inc[o->open] : NULL;
	switch (ev->kind) {
	case PL_EV_STATE:
	case PL_EV_RESTATE:
		if (ev->state >= 0)
			on_state(s, o, ev);
		break;
	case PL_EV_NOTIFY:
		if (in != NULL)
			on_notify(s, in, ev);
		else if (ev->ntype == PL_NT_PROBLEM)
			add_pending(s, o, ev);
		else if (ev->ntype == PL_NT_ACK)
			s->stray++;
		break;
	case PL_EV_ACK:
		if (in == NULL) {
			s->stray++;
		} else {
			if (in->acked == 0) {
				in->acked = ev->time;
				in->ack_author = dup(s, ev->author);
				in->ack_comment = dup(s, ev->comment);
			}
			step(s, in, ev->time, PL_STEP_ACK, -1, "", ev->author, ev->comment);
		}
		break;
	case PL_EV_DOWNTIME:
		on_downtime(s, o, ev);
		break;
	case PL_EV_FLAPPING:
		o->flapping = ev->phase == PL_PH_START;
		if (in != NULL)
			step(s, in, ev->time, o->flapping ? PL_STEP_FLAP_START : PL_STEP_FLAP_END,
			     -1, "", "", ev->comment);
		break;
	}
	return s->oom ? -1 : 0;
}

void
pl_inc_finish(struct pl_incidents *s, int64_t end)
{
	for (size_t i = 0; i < s->nobjs; i++) {
		struct pl_inc_object *o = &s->objs[i];

		if (o->dt_depth == 0)
			continue;
		if (grow((void **)&o->downtimes, &o->capdowntimes, o->ndowntimes,
			 sizeof(*o->downtimes)) != 0) {
			s->oom = true;
			continue;
		}
		o->downtimes[o->ndowntimes++] = (struct pl_interval){
			o->dt_start, end > o->dt_start ? end : o->dt_start, true };
		o->dt_depth = 0;
	}
}

const struct pl_incident *
pl_inc_find(const struct pl_incidents *s, const char *id)
{
	for (size_t i = 0; i < s->ninc; i++)
		if (strcmp(s->inc[i].id, id) == 0)
			return &s->inc[i];
	return NULL;
}

const struct pl_incident *
pl_inc_at(const struct pl_incidents *s, const char *host, const char *service, int64_t t)
{
	const struct pl_incident *before = NULL;

	for (size_t i = 0; i < s->ninc; i++) {
		const struct pl_incident *in = &s->inc[i];

		if (strcmp(in->host, host) != 0 || (in->service == NULL) != (service == NULL) ||
		    (service != NULL && strcmp(in->service, service) != 0) || in->detected > t)
			continue;
		if (in->recovered == 0 || in->recovered >= t)
			return in;
		before = in;
	}
	return before;
}
