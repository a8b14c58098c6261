/* pl_incident: business hours, roles, availability, the review and the technician's
 * notes (see pl_incident.h). */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "pl_buf.h"
#include "pl_i18n.h"
#include "pl_incident.h"
#include "pl_num.h"

/* ------------------------------------------------------------------ business hours */

static const char *const day_names[7] = { "sun", "mon", "tue", "wed", "thu", "fri", "sat" };

static int
day_of(const char *s, size_t n)
{
	for (int i = 0; i < 7; i++)
		if (n == 3 && strncasecmp(s, day_names[i], 3) == 0)
			return i;
	return -1;
}

/* "HH:MM" of exactly 5 characters, 00:00 to 24:00: minutes, or -1. */
static int
hhmm(const char *s)
{
	int h, m;

	if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) || s[2] != ':' ||
	    !isdigit((unsigned char)s[3]) || !isdigit((unsigned char)s[4]))
		return -1;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	if (m > 59 || h > 24 || (h == 24 && m != 0))
		return -1;
	return h * 60 + m;
}

int
pl_hours_parse(const char *s, struct pl_hours *h, char *err, size_t errlen)
{
	const char *p = s;

	memset(h, 0, sizeof(*h));
	for (;;) {
		const char *c = strchr(p, ',');
		size_t n = c ? (size_t)(c - p) : strlen(p);
		int a, b;

		if (c == NULL) {
			if (n != 11 || p[5] != '-' || (a = hhmm(p)) < 0 || (b = hhmm(p + 6)) < 0 ||
			    a >= b)
				goto bad;
			h->start = a;
			h->end = b;
			break;
		}
		if ((a = day_of(p, n)) >= 0) {
			h->days |= 1u << a;
		} else if (n == 7 && p[3] == '-' && (a = day_of(p, 3)) >= 0 &&
			   (b = day_of(p + 4, 3)) >= 0) {
			for (int d = a;; d = (d + 1) % 7) {
				h->days |= 1u << d;
				if (d == b)
					break;
			}
		} else {
			goto bad;
		}
		p = c + 1;
	}
	if (h->days == 0)
		goto bad;
	h->set = true;
	return 0;
bad:
	pl_snprintf(err, errlen, _("is DAYS,HH:MM-HH:MM: days as mon..sun or a range mon-fri, "
		    "separated by commas, then the daily hours (mon-fri,08:00-18:00)"));
	memset(h, 0, sizeof(*h));
	return -1;
}

/* Local midnight of the day t is in, and the next one. */
static void
day_bounds(time_t t, time_t *start, time_t *next, int *wday)
{
	struct tm tm;

	localtime_r(&t, &tm);
	*wday = tm.tm_wday;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	*start = mktime(&tm);
	tm.tm_mday++;
	tm.tm_isdst = -1;
	*next = mktime(&tm);
	if (*next <= t)             /* a broken zone: never loop */
		*next = t + 86400;
}

/* A minute of the day as a time: mktime, so that a DST change moves it as the clock. */
static time_t
at_minute(time_t day, int minute)
{
	struct tm tm;

	localtime_r(&day, &tm);
	tm.tm_hour = minute / 60;
	tm.tm_min = minute % 60;
	tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

int64_t
pl_hours_overlap(const struct pl_hours *h, int64_t a, int64_t b)
{
	int64_t sum = 0;
	time_t t = (time_t)a;

	if (b <= a)
		return 0;
	if (h == NULL || !h->set)
		return b - a;
	while ((int64_t)t < b) {
		/* Whole weeks at once after the first week: a year of history costs 14 days
		 * of arithmetic, not 365 (a DST change moves a window, never its length). */
		if ((int64_t)t - a >= 7 * 86400 && b - (int64_t)t > 14 * 86400) {
			int64_t weeks = (b - (int64_t)t) / (7 * 86400) - 1, per = 0;

			for (int d = 0; d < 7; d++)
				per += (h->days >> d & 1u) ? (int64_t)(h->end - h->start) * 60 : 0;
			sum += weeks * per;
			t += (time_t)(weeks * 7 * 86400);
			continue;
		}
		time_t d0, d1, w0, w1;
		int wd;

		day_bounds(t, &d0, &d1, &wd);
		if (h->days & (1u << wd)) {
			w0 = at_minute(d0, h->start);
			w1 = h->end == 1440 ? d1 : at_minute(d0, h->end);
			if (w0 < (time_t)a)
				w0 = (time_t)a;
			if ((int64_t)w1 > b)
				w1 = (time_t)b;
			if (w1 > w0)
				sum += (int64_t)(w1 - w0);
		}
		t = d1;
	}
	return sum;
}

/* ------------------------------------------------------------------ roles */

static char *
trimdup(const char *s, size_t n)
{
	char *d;

	while (n > 0 && isspace((unsigned char)*s))
		s++, n--;
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	d = malloc(n + 1);
	if (d != NULL) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

int
pl_roles_parse(const char *buf, size_t len, struct pl_roles *r, char *err, size_t errlen)
{
	const char *p = buf, *end = buf + len;
	size_t line = 0;

	memset(r, 0, sizeof(*r));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *e = nl ? nl : end, *eq, *q;
		char **c, **v;

		line++;
		for (q = p; q < e && isspace((unsigned char)*q); q++)
			;
		if (q == e || *q == '#') {
			p = e + 1;
			continue;
		}
		eq = memchr(q, '=', (size_t)(e - q));
		c = realloc(r->contact, (r->n + 1) * sizeof(*c));
		if (c != NULL)
			r->contact = c;
		v = realloc(r->role, (r->n + 1) * sizeof(*v));
		if (v != NULL)
			r->role = v;
		if (eq == NULL || c == NULL || v == NULL) {
			if (eq == NULL)
				pl_snprintf(err, errlen, _("line %zu is not CONTACT = ROLE"), line);
			else
				pl_snprintf(err, errlen, _("out of memory at line %zu"), line);
			pl_roles_free(r);
			return -1;
		}
		r->contact[r->n] = trimdup(q, (size_t)(eq - q));
		r->role[r->n] = trimdup(eq + 1, (size_t)(e - eq - 1));
		r->n++;
		if (r->contact[r->n - 1] == NULL || r->role[r->n - 1] == NULL ||
		    r->contact[r->n - 1][0] == '\0' || r->role[r->n - 1][0] == '\0') {
			pl_snprintf(err, errlen, _("line %zu is not CONTACT = ROLE"), line);
			pl_roles_free(r);
			return -1;
		}
		p = e + 1;
	}
	return 0;
}

void
pl_roles_free(struct pl_roles *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->contact[i]);
		free(r->role[i]);
	}
	free(r->contact);
	free(r->role);
	memset(r, 0, sizeof(*r));
}

const char *
pl_roles_of(const struct pl_roles *r, const char *contact)
{
	if (r != NULL)
		for (size_t i = 0; i < r->n; i++)
			if (strcmp(r->contact[i], contact) == 0)
				return r->role[i];
	return contact;
}

/* ------------------------------------------------------------------ availability */

static int
iv_cmp(const void *a, const void *b)
{
	const struct pl_interval *x = a, *y = b;

	return x->from < y->from ? -1 : x->from > y->from;
}

/* Adds o's downtimes clipped to [from, to) to *v. 0, or -1. */
static int
add_downtimes(const struct pl_inc_object *o, int64_t from, int64_t to,
	      struct pl_interval **v, size_t *n)
{
	for (size_t i = 0; o != NULL && i < o->ndowntimes; i++) {
		int64_t a = o->downtimes[i].from, b = o->downtimes[i].to;
		struct pl_interval *q;

		a = a < from ? from : a;
		b = b > to ? to : b;
		if (b <= a)
			continue;
		q = realloc(*v, (*n + 1) * sizeof(**v));
		if (q == NULL)
			return -1;
		*v = q;
		(*v)[(*n)++] = (struct pl_interval){ a, b, false };
	}
	return 0;
}

/* Sorts and merges v in place; returns the new count. */
static size_t
merge(struct pl_interval *v, size_t n)
{
	size_t k = 0;

	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), iv_cmp);
	for (size_t i = 1; i < n; i++) {
		if (v[i].from <= v[k].to) {
			if (v[i].to > v[k].to)
				v[k].to = v[i].to;
		} else {
			v[++k] = v[i];
		}
	}
	return k + 1;
}

/* Seconds of [a, b) inside the hours and outside every interval of e (merged). */
static int64_t
outside(const struct pl_hours *h, int64_t a, int64_t b, const struct pl_interval *e,
	size_t ne)
{
	int64_t sum = 0;

	for (size_t i = 0; i < ne && a < b; i++) {
		if (e[i].to <= a)
			continue;
		if (e[i].from >= b)
			break;
		if (e[i].from > a)
			sum += pl_hours_overlap(h, a, e[i].from);
		a = e[i].to;
	}
	if (a < b)
		sum += pl_hours_overlap(h, a, b);
	return sum;
}

static bool
of_object(const struct pl_incident *in, const struct pl_inc_object *o)
{
	if (strcmp(in->host, o->host) != 0 || (in->service == NULL) != (o->service == NULL))
		return false;
	return o->service == NULL || strcmp(in->service, o->service) == 0;
}

void
pl_inc_availability(const struct pl_incidents *s, const struct pl_inc_object *obj,
		    int64_t from, int64_t to, const struct pl_hours *h, struct pl_avail *out)
{
	struct pl_interval *e = NULL, *o = NULL;
	size_t ne = 0, no = 0;
	int64_t counted;

	memset(out, 0, sizeof(*out));
	out->obj = obj;
	out->percent = -1;
	if (from < s->first)
		from = s->first;
	if (to <= from)
		return;
	if (add_downtimes(obj, from, to, &e, &ne) != 0 ||
	    (obj->service != NULL &&
	     add_downtimes(pl_inc_object(s, obj->host, NULL), from, to, &e, &ne) != 0)) {
		free(e);
		return;
	}
	ne = merge(e, ne);
	out->period = pl_hours_overlap(h, from, to);
	out->downtime = out->period - outside(h, from, to, e, ne);
	/* Outages merged first: a log whose lines are out of order may overlap them. */
	for (size_t i = 0; i < s->ninc; i++) {
		const struct pl_incident *in = &s->inc[i];
		int64_t a = in->hard, b = in->recovered ? in->recovered : to;
		struct pl_interval *q;

		if (!of_object(in, obj))
			continue;
		if (in->detected >= from && in->detected < to)
			out->incidents++;
		a = a < from ? from : a;
		b = b > to ? to : b;
		if (b <= a)
			continue;
		q = realloc(o, (no + 1) * sizeof(*q));
		if (q == NULL)
			goto end;
		o = q;
		o[no++] = (struct pl_interval){ a, b, false };
	}
	no = merge(o, no);
	for (size_t i = 0; i < no; i++)
		out->outage += outside(h, o[i].from, o[i].to, e, ne);
	counted = out->period - out->downtime;
	if (counted > 0)
		out->percent = 100.0 * (double)(counted - out->outage) / (double)counted;
end:
	free(e);
	free(o);
}

/* ------------------------------------------------------------------ the review */

static struct pl_role_stat *
role_stat(struct pl_review *r, const char *role)
{
	struct pl_role_stat *q;

	for (size_t i = 0; i < r->nroles; i++)
		if (strcmp(r->roles[i].role, role) == 0)
			return &r->roles[i];
	q = realloc(r->roles, (r->nroles + 1) * sizeof(*q));
	if (q == NULL)
		return NULL;
	r->roles = q;
	q = &r->roles[r->nroles];
	memset(q, 0, sizeof(*q));
	if ((q->role = strdup(role)) == NULL)
		return NULL;
	r->nroles++;
	return q;
}

/* The roles of in's contacts, each once, into stats. 0, or -1. */
static int
count_roles(struct pl_review *r, const struct pl_incident *in, const struct pl_roles *roles,
	    int64_t to)
{
	const char *seen[64];
	size_t nseen = 0;

	for (size_t i = 0; i <= in->ncontacts && nseen < 64; i++) {
		const char *role = i < in->ncontacts ? pl_roles_of(roles, in->contacts[i]) :
				   "(not notified)";
		struct pl_role_stat *st;
		bool dupl = false, esc = false;

		if (i == in->ncontacts && in->ncontacts > 0)
			break;
		for (size_t k = 0; k < nseen; k++)
			dupl |= strcmp(seen[k], role) == 0;
		if (dupl)
			continue;
		seen[nseen++] = role;
		if ((st = role_stat(r, role)) == NULL)
			return -1;
		for (size_t k = 0; k < in->nsteps; k++)
			esc |= in->steps[k].kind == PL_STEP_ESCALATE &&
			       strcmp(pl_roles_of(roles, in->steps[k].who), role) == 0;
		st->incidents++;
		st->escalated += esc;
		if (in->acked && in->acked < to) {
			st->acked++;
			st->mtta += (double)(in->acked - in->detected);
		}
		if (in->recovered && in->recovered <= to) {
			st->recovered++;
			st->mttr += (double)(in->recovered - in->detected);
		}
	}
	return 0;
}

static int
add_ptr(const struct pl_incident ***v, size_t *n, const struct pl_incident *in)
{
	const struct pl_incident **q = realloc(*v, (*n + 1) * sizeof(*q));

	if (q == NULL)
		return -1;
	*v = q;
	q[(*n)++] = in;
	return 0;
}

int
pl_inc_review(const struct pl_incidents *s, int64_t from, int64_t to,
	      const struct pl_hours *h, const struct pl_roles *roles, struct pl_review *out)
{
	double tta = 0, ttr = 0;

	memset(out, 0, sizeof(*out));
	out->from = from;
	out->to = to;
	out->mtta = out->mttr = -1;
	out->avail = calloc(s->nobjs ? s->nobjs : 1, sizeof(*out->avail));
	if (out->avail == NULL)
		return -1;
	for (size_t i = 0; i < s->nobjs; i++)
		pl_inc_availability(s, &s->objs[i], from, to, h, &out->avail[out->navail++]);
	for (size_t i = 0; i < s->ninc; i++) {
		const struct pl_incident *in = &s->inc[i];

		if (in->detected < to && (in->recovered == 0 || in->recovered > to) &&
		    add_ptr(&out->open, &out->nopen, in) != 0)
			return -1;
		if (in->detected < from || in->detected >= to)
			continue;
		if (add_ptr(&out->in_period, &out->nin, in) != 0 ||
		    count_roles(out, in, roles, to) != 0)
			return -1;
		out->incidents++;
		out->by_severity[in->severity >= 0 && in->severity <= 3 ? in->severity : 3]++;
		if (in->acked && in->acked < to)
			out->acked++, tta += (double)(in->acked - in->detected);
		if (in->recovered && in->recovered <= to)
			out->recovered++, ttr += (double)(in->recovered - in->detected);
	}
	if (out->acked)
		out->mtta = tta / (double)out->acked;
	if (out->recovered)
		out->mttr = ttr / (double)out->recovered;
	for (size_t i = 0; i < out->nroles; i++) {
		struct pl_role_stat *st = &out->roles[i];

		st->mtta = st->acked ? st->mtta / (double)st->acked : -1;
		st->mttr = st->recovered ? st->mttr / (double)st->recovered : -1;
	}
	return 0;
}

void
pl_review_free(struct pl_review *r)
{
	for (size_t i = 0; i < r->nroles; i++)
		free(r->roles[i].role);
	free(r->roles);
	free(r->avail);
	free(r->open);
	free(r->in_period);
	memset(r, 0, sizeof(*r));
}

/* ------------------------------------------------------------------ fault notes */

/* Appends "\n" and the continuation to *v. */
static int
append(char **v, const char *s, size_t n)
{
	size_t a = strlen(*v);
	char *q = realloc(*v, a + n + 2);

	if (q == NULL)
		return -1;
	if (a > 0)
		q[a++] = '\n';
	memcpy(q + a, s, n);
	q[a + n] = '\0';
	*v = q;
	return 0;
}

static char **
note_field(struct pl_fault_notes *n, const char *k, size_t kn)
{
	static const struct { const char *key; size_t off; } keys[] = {
		{ "cause", offsetof(struct pl_fault_notes, cause) },
		{ "handling", offsetof(struct pl_fault_notes, handling) },
		{ "impact", offsetof(struct pl_fault_notes, impact) },
		{ "business impact", offsetof(struct pl_fault_notes, impact) },
		{ "prevention", offsetof(struct pl_fault_notes, prevention) },
		{ "author", offsetof(struct pl_fault_notes, author) },
		{ "reviewed", offsetof(struct pl_fault_notes, reviewed) },
	};
	char **q, **w;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strlen(keys[i].key) == kn && strncasecmp(keys[i].key, k, kn) == 0)
			return (char **)((char *)n + keys[i].off);
	q = realloc(n->extra_key, (n->nextra + 1) * sizeof(*q));
	if (q != NULL)
		n->extra_key = q;
	w = realloc(n->extra_val, (n->nextra + 1) * sizeof(*w));
	if (w != NULL)
		n->extra_val = w;
	if (q == NULL || w == NULL || (q[n->nextra] = trimdup(k, kn)) == NULL)
		return NULL;
	w[n->nextra] = NULL;
	return &w[n->nextra++];
}

int
pl_notes_parse(const char *buf, size_t len, struct pl_fault_notes *n, char *err,
	       size_t errlen)
{
	const char *p = buf, *end = buf + len;
	char **cur = NULL;

	memset(n, 0, sizeof(*n));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *e = nl ? nl : end, *c, *q;

		for (q = p; q < e && isspace((unsigned char)*q); q++)
			;
		if (q == e || (*q == '#' && q == p)) {
			p = e + 1;
			continue;
		}
		if (q > p && cur != NULL) {
			char *t = trimdup(q, (size_t)(e - q));

			if (t == NULL || append(cur, t, strlen(t)) != 0) {
				free(t);
				goto oom;
			}
			free(t);
		} else if ((c = memchr(q, ':', (size_t)(e - q))) != NULL && c > q) {
			char *k = trimdup(q, (size_t)(c - q)), *v;

			if (k == NULL || (cur = note_field(n, k, strlen(k))) == NULL) {
				free(k);
				goto oom;
			}
			free(k);
			v = trimdup(c + 1, (size_t)(e - c - 1));
			if (v == NULL)
				goto oom;
			if (*cur == NULL) {
				*cur = v;
			} else {
				int rc = append(cur, v, strlen(v));

				free(v);
				if (rc != 0)
					goto oom;
			}
		} else {
			n->bad_lines++;
			cur = NULL;
		}
		p = e + 1;
	}
	return 0;
oom:
	pl_notes_free(n);
	pl_snprintf(err, errlen, _("out of memory"));
	return -1;
}

void
pl_notes_free(struct pl_fault_notes *n)
{
	free(n->cause);
	free(n->handling);
	free(n->impact);
	free(n->prevention);
	free(n->author);
	free(n->reviewed);
	for (size_t i = 0; i < n->nextra; i++) {
		free(n->extra_key[i]);
		free(n->extra_val[i]);
	}
	free(n->extra_key);
	free(n->extra_val);
	memset(n, 0, sizeof(*n));
}
