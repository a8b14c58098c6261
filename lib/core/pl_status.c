/* pl_status: the customers' status page. See pl_status.h. */
#include "config.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "pl_buf.h"
#include "pl_clock.h"
#include "pl_i18n.h"
#include "pl_num.h"
#include "pl_result.h"
#include "pl_status.h"
#include "pl_text.h"

/* ---- the catalogue ---- */

static char *
trimmed_dup(const char *s, const char *e)
{
	char *d;

	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	d = malloc((size_t)(e - s) + 1);
	if (d != NULL) {
		memcpy(d, s, (size_t)(e - s));
		d[e - s] = '\0';
	}
	return d;
}

/* A public name: printable text (UTF-8 welcome), no control byte, at most
 * PL_ST_NAME_MAX bytes. */
static bool
name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > PL_ST_NAME_MAX)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

/* One member "HOST" or "HOST!SERVICE" of [s, e) into m. 0, or -1 (malformed). */
static int
member(const char *s, const char *e, struct pl_st_member *m)
{
	const char *bang = memchr(s, '!', (size_t)(e - s));

	m->matched = 0;
	m->service = NULL;
	m->host = trimmed_dup(s, bang != NULL ? bang : e);
	if (m->host == NULL)
		return -1;
	if (bang != NULL && (m->service = trimmed_dup(bang + 1, e)) == NULL)
		return -1;
	if (m->host[0] == '\0' || (m->service != NULL && m->service[0] == '\0') ||
	    (m->service != NULL && strchr(m->service, '!') != NULL))
		return 1;
	m->host_glob = strpbrk(m->host, "*?[\\") != NULL;
	m->service_glob = m->service != NULL && strpbrk(m->service, "*?[\\") != NULL;
	return 0;
}

static void
service_free(struct pl_st_service *sv)
{
	for (size_t i = 0; i < sv->nm; i++) {
		free(sv->m[i].host);
		free(sv->m[i].service);
	}
	free(sv->m);
	free(sv->name);
	memset(sv, 0, sizeof(*sv));
}

/* The members after '=' on one line into sv. 0, -1 (memory) or 1 with why. */
static int
members(const char *s, const char *e, struct pl_st_service *sv, const char **why)
{
	while (s <= e) {
		const char *comma = memchr(s, ',', (size_t)(e - s));
		const char *end = comma != NULL ? comma : e;
		int rc;

		if (sv->nm == PL_ST_MEMBERS_MAX) {
			*why = N_("more members than a service may have (200)");
			return 1;
		}
		rc = member(s, end, &sv->m[sv->nm]);
		sv->nm++;
		if (rc != 0) {
			*why = N_("a member is HOST or HOST!SERVICE (globs allowed), separated by "
				  "commas");
			return rc;
		}
		s = end + 1;
	}
	return 0;
}

/* One "NAME = MEMBERS" line. 0, -1 (memory) or 1 with why. */
static int
catalog_line(struct pl_st_catalog *cat, const char *ls, const char *le, const char **why)
{
	const char *eq = memchr(ls, '=', (size_t)(le - ls));
	struct pl_st_service *sv;
	int rc;

	if (eq == NULL) {
		*why = N_("not a 'PUBLIC NAME = HOST!SERVICE, ...' line");
		return 1;
	}
	if (cat->n == PL_ST_SERVICES_MAX) {
		*why = N_("more services than a page may have (500)");
		return 1;
	}
	sv = &cat->v[cat->n];
	memset(sv, 0, sizeof(*sv));
	sv->name = trimmed_dup(ls, eq);
	sv->m = calloc(PL_ST_MEMBERS_MAX, sizeof(*sv->m));
	cat->n++;
	if (sv->name == NULL || sv->m == NULL)
		return -1;
	if (!name_ok(sv->name)) {
		*why = N_("a public name is 1 to 80 bytes of text without control characters");
		return 1;
	}
	for (size_t i = 0; i + 1 < cat->n; i++)
		if (strcmp(cat->v[i].name, sv->name) == 0) {
			*why = N_("this public name is given twice");
			return 1;
		}
	rc = members(eq + 1, le, sv, why);
	return rc;
}

int
pl_st_catalog_parse(const char *text, size_t len, const char *name,
		    struct pl_st_catalog *cat, char *err, size_t errlen)
{
	struct pl_lines it;
	const char *ls, *le, *why = NULL;
	bool cut;
	int rc = 0;

	memset(cat, 0, sizeof(*cat));
	cat->v = calloc(PL_ST_SERVICES_MAX, sizeof(*cat->v));
	if (cat->v == NULL) {
		pl_snprintf(err, errlen, _("out of memory"));
		return -1;
	}
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {   /* a UTF-8 byte order mark */
		text += 3;
		len -= 3;
	}
	pl_lines_init(&it, text, len);
	while (rc == 0 && pl_lines_next(&it, &ls, &le, &cut)) {
		while (ls < le && (*ls == ' ' || *ls == '\t'))
			ls++;
		if (le > ls && le[-1] == '\r')
			le--;
		if (ls == le || *ls == '#' || *ls == ';')
			continue;
		if (cut || memchr(ls, '\0', (size_t)(le - ls)) != NULL) {
			why = N_("a line longer than the reader takes, or a NUL byte");
			rc = 1;
			break;
		}
		rc = catalog_line(cat, ls, le, &why);
	}
	if (rc == 0 && cat->n == 0) {
		pl_snprintf(err, errlen, _("%s names no service: add lines like 'Website = "
			    "web1!HTTPS, web2!HTTPS'"), name);
		pl_st_catalog_free(cat);
		return -1;
	}
	if (rc != 0) {
		if (rc < 0)
			pl_snprintf(err, errlen, _("out of memory"));
		else
			pl_snprintf(err, errlen, _("%s, line %zu: %s"), name, it.lineno,
				    pl_tr(why));
		pl_st_catalog_free(cat);
		return -1;
	}
	return 0;
}

void
pl_st_catalog_free(struct pl_st_catalog *cat)
{
	for (size_t i = 0; i < cat->n; i++)
		service_free(&cat->v[i]);
	free(cat->v);
	memset(cat, 0, sizeof(*cat));
}

/* ---- this run's records ---- */

/* A glob part is matched with fnmatch, a literal one (most members name their host and
 * service) with strcmp: a catalogue at its caps over a fleet's records is millions of
 * comparisons a run. */
static bool
part_matches(const char *pat, bool glob, const char *s)
{
	return glob ? fnmatch(pat, s, 0) == 0 : strcmp(pat, s) == 0;
}

static bool
member_matches(const struct pl_st_member *m, const struct pl_engstate *rec)
{
	if ((m->service == NULL) != (rec->service == NULL))
		return false;
	if (!part_matches(m->host, m->host_glob, rec->host))
		return false;
	return m->service == NULL || part_matches(m->service, m->service_glob, rec->service);
}

/* What one record says: 0 fine, 1 degraded, 2 down, 3 maintenance, -1 nothing (never
 * checked, UNKNOWN, or a soft state not yet confirmed: the engine retries first). */
static int
record_says(const struct pl_engstate *rec)
{
	int s = rec->state;

	if (!rec->checked || s == 3)
		return -1;
	if (s == 0)
		return 0;
	if (!rec->hard)
		return 0;
	if (rec->in_downtime)
		return 3;
	return s == 1 ? 1 : 2;
}

static void
count(struct pl_st_service *sv, const struct pl_engstate *rec, int64_t now)
{
	int says = record_says(rec);

	sv->matched++;
	if (rec->last_check > sv->newest && rec->last_check <= PL_ST_TIME_MAX &&
	    (now == 0 || rec->last_check <= now + PL_ST_SKEW))
		sv->newest = rec->last_check;
	switch (says) {
	case 0:
		sv->ok++;
		if (rec->last_state_change > sv->recovered &&
		    rec->last_state_change <= PL_ST_TIME_MAX &&
		    (now == 0 || rec->last_state_change <= now))
			sv->recovered = rec->last_state_change;
		return;
	case 1: sv->warn++; break;
	case 2: sv->crit++; break;
	case 3: sv->maint++; break;
	default: sv->silent++; return;
	}
	if (says != 3 && !rec->acknowledged)
		sv->all_acked = false;
	if (rec->last_state_change > 0 && rec->last_state_change <= PL_ST_TIME_MAX &&
	    (sv->since == 0 || rec->last_state_change < sv->since))
		sv->since = rec->last_state_change;
}

void
pl_st_feed(struct pl_st_catalog *cat, const struct pl_engstate *rec)
{
	for (size_t i = 0; i < cat->n; i++) {
		struct pl_st_service *sv = &cat->v[i];
		bool hit = false;

		for (size_t k = 0; k < sv->nm; k++)
			if (member_matches(&sv->m[k], rec)) {
				sv->m[k].matched++;
				hit = true;
			}
		if (hit) {
			if (sv->matched == 0)
				sv->all_acked = true;
			count(sv, rec, cat->now);
		}
	}
}

int64_t
pl_st_data_time(const struct pl_st_catalog *cat)
{
	int64_t t = 0;

	for (size_t i = 0; i < cat->n; i++)
		if (cat->v[i].newest > t)
			t = cat->v[i].newest;
	return t;
}

void
pl_st_judge(struct pl_st_catalog *cat, bool available, int64_t max_age)
{
	for (size_t i = 0; i < cat->n; i++) {
		struct pl_st_service *sv = &cat->v[i];
		size_t told = sv->ok + sv->warn + sv->crit;

		sv->stale = sv->matched > 0 && cat->now > 0 && max_age > 0 &&
			    cat->now - sv->newest > max_age;
		if (!available || sv->stale || (told == 0 && sv->maint == 0))
			sv->level = PL_ST_UNKNOWN;
		else if (sv->crit > 0)
			sv->level = sv->crit == told ? PL_ST_OUTAGE : PL_ST_PARTIAL;
		else if (sv->warn > 0)
			sv->level = PL_ST_DEGRADED;
		else if (sv->maint > 0)
			sv->level = PL_ST_MAINTENANCE;
		else
			sv->level = PL_ST_OPERATIONAL;
		if (sv->level == PL_ST_MAINTENANCE || sv->level == PL_ST_UNKNOWN)
			sv->all_acked = false;
	}
}

static const char *const level_keys[PL_ST_NLEVELS] = {
	"operational", "unknown", "maintenance", "degraded", "partial_outage", "outage"
};

const char *
pl_st_level_key(enum pl_st_level l)
{
	return (unsigned)l < PL_ST_NLEVELS ? level_keys[l] : "unknown";
}

const char *
pl_st_level_text(enum pl_st_level l)
{
	static const char *const t[PL_ST_NLEVELS] = {
		N_("Operating normally"), N_("Status unknown"), N_("Scheduled maintenance"),
		N_("Degraded performance"), N_("Partial outage"), N_("Outage")
	};

	return pl_tr((unsigned)l < PL_ST_NLEVELS ? t[l] : t[PL_ST_UNKNOWN]);
}

int
pl_st_level_of(const char *key)
{
	for (int i = 0; i < PL_ST_NLEVELS; i++)
		if (strcmp(key, level_keys[i]) == 0)
			return i;
	return -1;
}

enum pl_st_level
pl_st_overall(const struct pl_st_catalog *cat)
{
	enum pl_st_level w = PL_ST_OPERATIONAL;

	for (size_t i = 0; i < cat->n; i++)
		if (cat->v[i].level > w)
			w = cat->v[i].level;
	return w;
}

/* ---- the history ---- */

void
pl_st_incident_format(const struct pl_st_incident *in, char *buf, size_t len)
{
	pl_snprintf(buf, len, "%s %lld %lld %d", pl_st_level_key(in->level),
		    (long long)in->start, (long long)in->end, in->acked ? 1 : 0);
}

int
pl_st_incident_parse(const char *name, const char *text, struct pl_st_incident *out)
{
	char word[32];
	const char *p = text, *sp;
	int64_t v[3];
	int lv;

	memset(out, 0, sizeof(*out));
	if (!name_ok(name) || (sp = strchr(p, ' ')) == NULL || (size_t)(sp - p) >= sizeof(word))
		return -1;
	memcpy(word, p, (size_t)(sp - p));
	word[sp - p] = '\0';
	if ((lv = pl_st_level_of(word)) <= PL_ST_UNKNOWN)
		return -1;
	p = sp + 1;
	for (int i = 0; i < 3; i++) {
		char num[24];
		size_t n = strcspn(p, " ");

		/* One spelling: the numbers as the format writes them, no leading zero. */
		if (n == 0 || n >= sizeof(num) || (n > 1 && p[0] == '0') ||
		    (i < 2 && p[n] != ' ') || (i == 2 && p[n]))
			return -1;
		memcpy(num, p, n);
		num[n] = '\0';
		if (strspn(num, "0123456789") != n ||
		    pl_parse_i64(num, 0, i == 2 ? 1 : PL_ST_TIME_MAX, &v[i]) != 0)
			return -1;
		p += n + (p[n] == ' ');
	}
	if (v[0] == 0 || (v[1] != 0 && v[1] < v[0]))
		return -1;
	pl_strlcpy(out->name, name, sizeof(out->name));
	out->level = (enum pl_st_level)lv;
	out->start = v[0];
	out->end = v[1];
	out->acked = v[2] == 1;
	return 0;
}

int
pl_st_history_add(struct pl_st_history *h, const struct pl_st_incident *in)
{
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 16;
		struct pl_st_incident *v = realloc(h->v, cap * sizeof(*v));

		if (v == NULL)
			return -1;
		h->v = v;
		h->cap = cap;
	}
	h->v[h->n++] = *in;
	return 0;
}

static struct pl_st_incident *
open_of(struct pl_st_history *h, const char *name)
{
	for (size_t i = 0; i < h->n; i++)
		if (h->v[i].end == 0 && strcmp(h->v[i].name, name) == 0)
			return &h->v[i];
	return NULL;
}

/* Open ones first, by name; then ended ones, the latest end first. */
static int
by_order(const void *a, const void *b)
{
	const struct pl_st_incident *x = a, *y = b;

	if ((x->end == 0) != (y->end == 0))
		return x->end == 0 ? -1 : 1;
	if (x->end == 0)
		return strcmp(x->name, y->name);
	if (x->end != y->end)
		return x->end > y->end ? -1 : 1;
	return x->start > y->start ? -1 : x->start < y->start;
}

/* One service's run into the history. */
static int
history_service(struct pl_st_history *h, const struct pl_st_service *sv, int64_t now)
{
	struct pl_st_incident *in = open_of(h, sv->name), fresh;

	if (sv->level == PL_ST_UNKNOWN)
		return 0;       /* nothing known: an open incident stays open */
	if (sv->level == PL_ST_OPERATIONAL) {
		/* It ended when its members recovered, as far as the engine says (a run
		 * after a gap finds an outage long over), never before it began. */
		if (in == NULL)
			return 0;
		if (sv->recovered > in->start && sv->recovered <= now)
			in->end = sv->recovered;
		else
			in->end = now > in->start ? now : in->start;
		return 0;
	}
	if (in != NULL && in->level == PL_ST_MAINTENANCE && sv->level != PL_ST_MAINTENANCE) {
		/* A maintenance that ends with the problem still there: the maintenance
		 * ends now, an incident of the problem starts now (not at its start). */
		in->end = now > in->start ? now : in->start;
		in = NULL;
		memset(&fresh, 0, sizeof(fresh));
		pl_strlcpy(fresh.name, sv->name, sizeof(fresh.name));
		fresh.level = sv->level;
		fresh.start = now;
		fresh.acked = sv->all_acked;
		return pl_st_history_add(h, &fresh);
	}
	if (in != NULL) {
		if (sv->level > in->level)
			in->level = sv->level;
		in->acked = sv->all_acked;
		return 0;
	}
	memset(&fresh, 0, sizeof(fresh));
	pl_strlcpy(fresh.name, sv->name, sizeof(fresh.name));
	fresh.level = sv->level;
	fresh.start = sv->since > 0 && sv->since < now ? sv->since : now;
	fresh.acked = sv->all_acked;
	return pl_st_history_add(h, &fresh);
}

int
pl_st_history_update(struct pl_st_history *h, const struct pl_st_catalog *cat,
		     int64_t now, size_t keep, int64_t max_age)
{
	size_t ended = 0, w = 0;

	for (size_t i = 0; i < cat->n; i++)
		if (history_service(h, &cat->v[i], now) != 0)
			return -1;
	/* A service gone from the catalogue: its open incident ends now. */
	for (size_t i = 0; i < h->n; i++) {
		bool listed = false;

		for (size_t k = 0; k < cat->n && !listed; k++)
			listed = strcmp(cat->v[k].name, h->v[i].name) == 0;
		if (!listed && h->v[i].end == 0)
			h->v[i].end = now > h->v[i].start ? now : h->v[i].start;
	}
	if (h->n > 1)
		qsort(h->v, h->n, sizeof(*h->v), by_order);
	for (size_t i = 0; i < h->n; i++) {
		const struct pl_st_incident *in = &h->v[i];

		if (in->end != 0 && (ended >= keep || now - in->end > max_age))
			continue;
		ended += in->end != 0;
		h->v[w++] = *in;
	}
	h->n = w;
	return 0;
}

void
pl_st_history_free(struct pl_st_history *h)
{
	free(h->v);
	memset(h, 0, sizeof(*h));
}
