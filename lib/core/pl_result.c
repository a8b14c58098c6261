#include "config.h"

#include <fnmatch.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pl_buf.h"
#include "pl_num.h"
#include "pl_result.h"

static struct pl_metric scratch_metric;   /* handed out when an allocation fails */
static struct pl_item scratch_item;       /* likewise; never kept by a result */

const char *
pl_state_name(enum pl_state s)
{
	switch (s) {
	case PL_OK: return "OK";
	case PL_WARNING: return "WARNING";
	case PL_CRITICAL: return "CRITICAL";
	case PL_UNKNOWN: return "UNKNOWN";
	}
	return "UNKNOWN";
}

int
pl_state_parse(const char *s, enum pl_state *out)
{
	static const char *const names[] = { "ok", "warning", "critical", "unknown" };

	for (int i = 0; i < 4; i++) {
		char digit[2] = { (char)('0' + i), '\0' };

		if (strcasecmp(s, names[i]) == 0 || strcmp(s, digit) == 0) {
			*out = (enum pl_state)i;
			return 0;
		}
	}
	return -1;
}

static int
severity(enum pl_state s)
{
	switch (s) {
	case PL_OK: return 0;
	case PL_WARNING: return 1;
	case PL_UNKNOWN: return 2;
	case PL_CRITICAL: return 3;
	}
	return 2;
}

enum pl_state
pl_state_worst(enum pl_state a, enum pl_state b)
{
	return severity(a) >= severity(b) ? a : b;
}

int
pl_thresholds_add(struct pl_thresholds *t, bool critical, bool labelled, const char *spec,
		  char *err, size_t errlen)
{
	struct pl_threshold th;
	struct pl_threshold *v;
	const char *range = spec;

	memset(&th, 0, sizeof(th));
	th.critical = critical;
	if (labelled) {
		const char *eq = strchr(spec, '=');

		if (eq == NULL || eq == spec) {
			pl_snprintf(err, errlen,
				    "not LABEL=RANGE (example: 'iowait=~:20' or '*_util=90')");
			return -1;
		}
		th.pattern = strndup(spec, (size_t)(eq - spec));
		range = eq + 1;
	}
	if (pl_range_parse(range, &th.range, err, errlen) != 0) {
		free(th.pattern);
		return -1;
	}
	th.text = strdup(spec);
	v = realloc(t->v, (t->n + 1) * sizeof(*v));
	if (th.text == NULL || v == NULL || (labelled && th.pattern == NULL)) {
		free(th.text);
		free(th.pattern);
		if (v != NULL)
			t->v = v;
		pl_snprintf(err, errlen, "out of memory");
		return -1;
	}
	t->v = v;
	t->v[t->n++] = th;
	return 0;
}

void
pl_thresholds_free(struct pl_thresholds *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].pattern);
		free(t->v[i].text);
	}
	free(t->v);
	t->v = NULL;
	t->n = 0;
}

void
pl_result_init(struct pl_result *r, const char *plugin, const char *service)
{
	memset(r, 0, sizeof(*r));
	r->plugin = plugin;
	r->service = service;
	pl_buf_init(&r->summary, 1024);
}

static void
facts_free(struct pl_fact *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].key);
		free(v[i].value);
	}
	free(v);
}

void
pl_result_free(struct pl_result *r)
{
	for (size_t i = 0; i < r->nmetrics; i++) {
		free(r->metrics[i]->name);
		free(r->metrics[i]->why);
		free(r->metrics[i]->fix);
		free(r->metrics[i]);
	}
	free(r->metrics);
	for (size_t i = 0; i < r->nlines; i++)
		free(r->lines[i].text);
	free(r->lines);
	for (size_t i = 0; i < r->nitems; i++) {
		struct pl_item *it = r->items[i];

		free(it->kind);
		free(it->name);
		free(it->prefix);
		facts_free(it->facts, it->nfacts);
		free(it);
	}
	free(r->items);
	free(r->item_hash);
	facts_free(r->facts, r->nfacts);
	pl_buf_free(&r->summary);
	memset(r, 0, sizeof(*r));
}

static struct pl_metric *
scratch(struct pl_result *r)
{
	r->oom = true;
	memset(&scratch_metric, 0, sizeof(scratch_metric));
	return &scratch_metric;
}

struct pl_metric *
pl_metric_add(struct pl_result *r, const char *label, double value, enum pl_unit unit)
{
	struct pl_metric *m;

	if (r->nmetrics == r->metrics_cap) {
		size_t ncap = r->metrics_cap ? r->metrics_cap * 2 : 32;
		struct pl_metric **v = realloc(r->metrics, ncap * sizeof(*v));

		if (v == NULL)
			goto oom;
		r->metrics = v;
		r->metrics_cap = ncap;
	}
	m = calloc(1, sizeof(*m));
	if (m == NULL)
		goto oom;
	pl_strlcpy(m->label, label, sizeof(m->label));
	m->value = value;
	m->unit = unit;
	m->prec = -1;
	r->metrics[r->nmetrics++] = m;
	return m;
oom:
	return scratch(r);
}

struct pl_metric *
pl_metric_addf(struct pl_result *r, double value, enum pl_unit unit, const char *fmt, ...)
{
	char label[PL_LABEL_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(label, sizeof(label), fmt, ap);
	va_end(ap);
	return pl_metric_add(r, label, value, unit);
}

void
pl_metric_minmax(struct pl_metric *m, double min, double max)
{
	m->has_min = !isnan(min);
	m->min = min;
	m->has_max = !isnan(max);
	m->max = max;
}

void
pl_metric_missing(struct pl_metric *m, enum pl_missing kind, const char *why, const char *fix)
{
	if (m == &scratch_metric)
		return;
	m->value = NAN;
	m->missing = kind;
	free(m->why);
	free(m->fix);
	m->why = why != NULL ? strdup(why) : NULL;
	m->fix = fix != NULL ? strdup(fix) : NULL;
	if (m->item != NULL && ((why != NULL && m->why == NULL) || (fix != NULL && m->fix == NULL)))
		m->item->result->oom = true;
}

/* FNV-1a, for the item table and for the hash that ends a cut label. */
static uint32_t
fnv1a(uint32_t h, const void *p, size_t n)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 16777619u;
	}
	return h;
}

#define FNV_BASIS 2166136261u

static uint32_t
item_key(const struct pl_item *parent, const char *kind, const char *name)
{
	size_t pi = parent != NULL ? parent->index + 1 : 0;
	uint32_t h = fnv1a(FNV_BASIS, &pi, sizeof(pi));

	h = fnv1a(h, kind, strlen(kind) + 1);
	return fnv1a(h, name, strlen(name));
}

static bool
item_is(const struct pl_item *it, const struct pl_item *parent, const char *kind,
	const char *name)
{
	return it->parent == parent && strcmp(it->kind, kind) == 0 && strcmp(it->name, name) == 0;
}

struct pl_item *
pl_result_find_item(const struct pl_result *r, const struct pl_item *parent, const char *kind,
		    const char *name)
{
	if (r->hash_cap == 0)
		return NULL;
	for (size_t h = item_key(parent, kind, name) & (r->hash_cap - 1);; h = (h + 1) &
	     (r->hash_cap - 1)) {
		size_t k = r->item_hash[h];

		if (k == 0)
			return NULL;
		if (item_is(r->items[k - 1], parent, kind, name))
			return r->items[k - 1];
	}
}

/* Makes room for one more item: the list, and the table kept at most half full. */
static int
items_grow(struct pl_result *r)
{
	if (r->nitems == r->items_cap) {
		size_t ncap = r->items_cap ? r->items_cap * 2 : 16;
		struct pl_item **v = realloc(r->items, ncap * sizeof(*v));

		if (v == NULL)
			return -1;
		r->items = v;
		r->items_cap = ncap;
	}
	if ((r->nitems + 1) * 2 > r->hash_cap) {
		size_t ncap = r->hash_cap ? r->hash_cap * 2 : 32;
		size_t *t = calloc(ncap, sizeof(*t));

		if (t == NULL)
			return -1;
		for (size_t i = 0; i < r->nitems; i++) {
			const struct pl_item *it = r->items[i];
			size_t h = item_key(it->parent, it->kind, it->name) & (ncap - 1);

			while (t[h] != 0)
				h = (h + 1) & (ncap - 1);
			t[h] = i + 1;
		}
		free(r->item_hash);
		r->item_hash = t;
		r->hash_cap = ncap;
	}
	return 0;
}

static struct pl_item *
item_get(struct pl_result *r, struct pl_item *parent, const char *kind, const char *name)
{
	struct pl_item *it;
	struct pl_buf prefix = PL_BUF_INIT;
	size_t h;

	if (parent == &scratch_item)
		return &scratch_item;
	it = pl_result_find_item(r, parent, kind, name);
	if (it != NULL)
		return it;
	if (items_grow(r) != 0 || (it = calloc(1, sizeof(*it))) == NULL)
		goto oom;
	pl_buf_init(&prefix, 4096);
	if (parent != NULL) {
		pl_buf_puts(&prefix, parent->prefix);
		pl_buf_putc(&prefix, '_');
	}
	pl_label_escape(&prefix, name);
	it->result = r;
	it->parent = parent;
	it->kind = strdup(kind);
	it->name = strdup(name);
	it->prefix = strdup(pl_buf_str(&prefix));
	pl_buf_free(&prefix);
	if (it->kind == NULL || it->name == NULL || it->prefix == NULL) {
		free(it->kind);
		free(it->name);
		free(it->prefix);
		free(it);
		goto oom;
	}
	it->index = r->nitems;
	r->items[r->nitems++] = it;
	h = item_key(parent, kind, name) & (r->hash_cap - 1);
	while (r->item_hash[h] != 0)
		h = (h + 1) & (r->hash_cap - 1);
	r->item_hash[h] = it->index + 1;
	if (parent != NULL) {
		*(parent->last_child ? &parent->last_child->next : &parent->child) = it;
		parent->last_child = it;
	} else {
		*(r->last_child ? &r->last_child->next : &r->child) = it;
		r->last_child = it;
	}
	return it;
oom:
	r->oom = true;
	memset(&scratch_item, 0, sizeof(scratch_item));
	scratch_item.result = r;
	return &scratch_item;
}

struct pl_item *
pl_result_item(struct pl_result *r, const char *kind, const char *name)
{
	return item_get(r, NULL, kind, name);
}

struct pl_item *
pl_item_item(struct pl_item *parent, const char *kind, const char *name)
{
	return item_get(parent->result, parent, kind, name);
}

struct pl_metric *
pl_item_metric(struct pl_item *it, const char *metric, double value, enum pl_unit unit)
{
	struct pl_buf label = PL_BUF_INIT;
	struct pl_metric *m;

	if (it == &scratch_item)
		return scratch(it->result);
	pl_buf_init(&label, 8192);
	pl_buf_puts(&label, it->prefix);
	pl_buf_putc(&label, '_');
	pl_label_escape(&label, metric);
	if (label.len > PL_LABEL_MAX - 1) {
		/* Cut, with a hash of the whole label so that two long names stay apart. */
		uint32_t h = fnv1a(FNV_BASIS, label.data, label.len);

		label.len = PL_LABEL_MAX - 1 - 10;
		label.data[label.len] = '\0';
		pl_buf_printf(&label, "_h%08x", (unsigned)h);
	}
	if (label.oom) {
		pl_buf_free(&label);
		return scratch(it->result);
	}
	m = pl_metric_add(it->result, pl_buf_str(&label), value, unit);
	pl_buf_free(&label);
	if (m == &scratch_metric)
		return m;
	m->item = it;
	m->name = strdup(metric);
	if (m->name == NULL)
		it->result->oom = true;
	return m;
}

static struct pl_fact *
fact_slot(struct pl_result *r, struct pl_fact **v, size_t *n, size_t *cap, const char *key)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*v)[i].key, key) == 0) {
			free((*v)[i].value);
			(*v)[i].value = NULL;
			return &(*v)[i];
		}
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 4;
		struct pl_fact *nv = realloc(*v, ncap * sizeof(*nv));

		if (nv == NULL) {
			r->oom = true;
			return NULL;
		}
		*v = nv;
		*cap = ncap;
	}
	(*v)[*n].key = strdup(key);
	(*v)[*n].value = NULL;
	if ((*v)[*n].key == NULL) {
		r->oom = true;
		return NULL;
	}
	return &(*v)[(*n)++];
}

static void __attribute__((format(printf, 6, 0)))
add_fact(struct pl_result *r, struct pl_fact **v, size_t *n, size_t *cap, const char *key,
	 const char *fmt, va_list ap)
{
	struct pl_fact *f = fact_slot(r, v, n, cap, key);
	struct pl_buf b = PL_BUF_INIT;

	if (f == NULL)
		return;
	pl_buf_init(&b, 4096);
	pl_buf_vprintf(&b, fmt, ap);
	for (char *p = b.data; p && *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '|')
			*p = *p == '|' ? '/' : ' ';
	f->value = b.data != NULL ? b.data : strdup("");
	if (f->value == NULL)
		r->oom = true;
}

void
pl_item_fact(struct pl_item *it, const char *key, const char *fmt, ...)
{
	va_list ap;

	if (it == &scratch_item)
		return;
	va_start(ap, fmt);
	add_fact(it->result, &it->facts, &it->nfacts, &it->facts_cap, key, fmt, ap);
	va_end(ap);
}

void
pl_result_fact(struct pl_result *r, const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_fact(r, &r->facts, &r->nfacts, &r->facts_cap, key, fmt, ap);
	va_end(ap);
}

static bool
is_under(const struct pl_item *x, const struct pl_item *it)
{
	for (; x != NULL; x = x->parent)
		if (x == it)
			return true;
	return false;
}

enum pl_state
pl_item_state(const struct pl_item *it)
{
	const struct pl_result *r = it->result;
	enum pl_state s = PL_OK;

	if (it == &scratch_item)
		return PL_UNKNOWN;
	for (size_t i = 0; i < r->nmetrics; i++)
		if (is_under(r->metrics[i]->item, it))
			s = pl_state_worst(s, r->metrics[i]->state);
	for (size_t i = 0; i < r->nlines; i++)
		if (r->lines[i].state >= 0 && is_under(r->lines[i].item, it))
			s = pl_state_worst(s, (enum pl_state)r->lines[i].state);
	return s;
}

static bool
label_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == '-';
}

static bool
is_hex(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

void
pl_label_escape(struct pl_buf *b, const char *name)
{
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		/* "_xHH" always means an escaped byte, so a '_' that would start one is
		 * itself escaped: the mapping can be undone, hence no two names collide. */
		bool ambiguous = *p == '_' && p[1] == 'x' && is_hex(p[2]) && is_hex(p[3]);

		if (label_char(*p) && !ambiguous)
			pl_buf_putc(b, (char)*p);
		else
			pl_buf_printf(b, "_x%02x", *p);
	}
}

int
pl_label_str(char *out, size_t len, const char *name)
{
	struct pl_buf b = PL_BUF_INIT;
	size_t n;

	pl_buf_init(&b, 4096);
	pl_label_escape(&b, name);
	n = pl_strlcpy(out, pl_buf_str(&b), len);
	n = b.truncated ? len : n;
	pl_buf_free(&b);
	return n < len ? 0 : -1;
}

void
pl_name_escape(struct pl_buf *b, const char *name)
{
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if (*p == '\\')
			pl_buf_puts(b, "\\\\");
		else if (*p < 0x20 || *p >= 0x7f)
			pl_buf_printf(b, "\\x%02x", *p);
		else
			pl_buf_putc(b, (char)*p);
	}
}

struct pl_metric *
pl_result_metric(const struct pl_result *r, const char *label)
{
	for (size_t i = 0; i < r->nmetrics; i++)
		if (strcmp(r->metrics[i]->label, label) == 0)
			return r->metrics[i];
	return NULL;
}

void
pl_result_summary(struct pl_result *r, const char *fmt, ...)
{
	va_list ap;

	pl_buf_reset(&r->summary);
	va_start(ap, fmt);
	pl_buf_vprintf(&r->summary, fmt, ap);
	va_end(ap);
}

static void __attribute__((format(printf, 4, 0)))
add_line(struct pl_result *r, struct pl_item *it, int state, const char *fmt, va_list ap)
{
	struct pl_buf b;

	if (r->nlines == r->lines_cap) {
		size_t ncap = r->lines_cap ? r->lines_cap * 2 : 16;
		struct pl_line *v = realloc(r->lines, ncap * sizeof(*v));

		if (v == NULL) {
			r->oom = true;
			return;
		}
		r->lines = v;
		r->lines_cap = ncap;
	}
	pl_buf_init(&b, 4096);
	pl_buf_vprintf(&b, fmt, ap);
	if (b.data == NULL) {
		r->oom = true;
		return;
	}
	/* Output is line-oriented: a newline or '|' inside a text would break the format. */
	for (char *p = b.data; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '|')
			*p = *p == '|' ? '/' : ' ';
	r->lines[r->nlines].state = state;
	r->lines[r->nlines].text = b.data;
	r->lines[r->nlines].item = it;
	r->nlines++;
}

void
pl_result_line(struct pl_result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_line(r, NULL, -1, fmt, ap);
	va_end(ap);
}

void
pl_item_line(struct pl_item *it, const char *fmt, ...)
{
	va_list ap;

	if (it == &scratch_item)
		return;
	va_start(ap, fmt);
	add_line(it->result, it, -1, fmt, ap);
	va_end(ap);
}

void
pl_item_finding(struct pl_item *it, enum pl_state state, const char *fmt, ...)
{
	va_list ap;

	if (it == &scratch_item) {
		it->result->oom = true;
		return;
	}
	va_start(ap, fmt);
	add_line(it->result, it, (int)state, fmt, ap);
	va_end(ap);
}

void
pl_result_finding(struct pl_result *r, enum pl_state state, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_line(r, NULL, (int)state, fmt, ap);
	va_end(ap);
}

/* A line as shown: an item's texts after the item's escaped name. */
static void
line_put(struct pl_buf *b, const struct pl_line *l)
{
	if (l->item != NULL) {
		pl_name_escape(b, l->item->name);
		pl_buf_puts(b, ": ");
	}
	pl_buf_puts(b, l->text);
}

static size_t
line_len(const struct pl_line *l)
{
	return strlen(l->text) + (l->item != NULL ? strlen(l->item->name) * 4 + 2 : 0);
}

static int
label_cmp(const void *a, const void *b)
{
	const struct pl_metric *const *x = a, *const *y = b;

	return strcmp((*x)->label, (*y)->label);
}

/* Two metrics with one perfdata label would be one graph mixing two things: a bug in the
 * plugin, said as an UNKNOWN finding rather than hidden. */
static void
check_labels(struct pl_result *r)
{
	struct pl_metric **v;

	if (r->nmetrics < 2)
		return;
	v = malloc(r->nmetrics * sizeof(*v));
	if (v == NULL) {
		r->oom = true;
		return;
	}
	memcpy(v, r->metrics, r->nmetrics * sizeof(*v));
	qsort(v, r->nmetrics, sizeof(*v), label_cmp);
	for (size_t i = 1; i < r->nmetrics; i++) {
		if (strcmp(v[i - 1]->label, v[i]->label) != 0 ||
		    (i >= 2 && strcmp(v[i - 2]->label, v[i]->label) == 0))
			continue;
		pl_result_finding(r, PL_UNKNOWN,
				  "bug: two metrics have the perfdata label '%s' (please report "
				  "this against %s)", v[i]->label, r->plugin ? r->plugin : "the plugin");
	}
	free(v);
}

/* Lists the labels for a message: "user, nice, system, ... (12 more)". */
static void
list_labels(const struct pl_result *r, char *buf, size_t len)
{
	struct pl_buf b;
	size_t shown = 0;

	pl_buf_init(&b, 160);
	for (size_t i = 0; i < r->nmetrics && b.len < 120; i++, shown++)
		pl_buf_printf(&b, "%s%s", i ? ", " : "", r->metrics[i]->label);
	if (shown < r->nmetrics)
		pl_buf_printf(&b, " (+%zu more)", r->nmetrics - shown);
	pl_strlcpy(buf, pl_buf_str(&b), len);
	pl_buf_free(&b);
}

/* "'busy' in percent" or "'*_util' in percent, '*_bits' in bits/s", for messages. */
static void
primary_units(const struct pl_result *r, const char *const *primary, char *buf, size_t len)
{
	struct pl_buf b;

	pl_buf_init(&b, 200);
	for (size_t k = 0; primary != NULL && primary[k] != NULL; k++) {
		for (size_t j = 0; j < r->nmetrics; j++) {
			if (fnmatch(primary[k], r->metrics[j]->label, 0) != 0)
				continue;
			pl_buf_printf(&b, "%s'%s' in %s", b.len ? ", " : "", primary[k],
				      pl_unit_name(r->metrics[j]->unit));
			break;
		}
	}
	pl_strlcpy(buf, pl_buf_str(&b), len);
	pl_buf_free(&b);
}

int
pl_result_apply(struct pl_result *r, const struct pl_thresholds *t,
		const char *const *primary, char *err, size_t errlen)
{
	char labels[200];

	check_labels(r);
	for (size_t i = 0; i < t->n; i++) {
		const struct pl_threshold *th = &t->v[i];
		const char *opt = th->critical ? (th->pattern ? "--criticalx" : "-c")
					       : (th->pattern ? "--warningx" : "-w");
		bool matched = false, present = false;

		if (th->pattern == NULL) {
			/* The first primary pattern whose metrics are in the range's unit. */
			const char *fitted = NULL, *seen = NULL;
			char units[200];

			for (size_t k = 0; primary != NULL && primary[k] != NULL && !fitted; k++) {
				for (size_t j = 0; j < r->nmetrics; j++) {
					struct pl_metric *m = r->metrics[j];

					if (fnmatch(primary[k], m->label, 0) != 0)
						continue;
					if (seen == NULL)
						seen = m->label;
					present = true;
					if (!pl_range_fits(&th->range, m->unit))
						continue;
					*(th->critical ? &m->crit : &m->warn) =
						pl_range_for(&th->range, m->unit);
					fitted = primary[k];
				}
			}
			if (fitted != NULL || !present)
				continue;   /* applied, or the primary metric is not measured now */
			primary_units(r, primary, units, sizeof(units));
			pl_snprintf(err, errlen, "%s %s: a range in %s fits no primary metric (%s)",
				    opt, th->text, pl_unit_name(th->range.unit), units);
			return -1;
		}
		for (size_t k = 0; k < r->nmetrics; k++) {
			struct pl_metric *m = r->metrics[k];

			if (fnmatch(th->pattern, m->label, 0) != 0)
				continue;
			if (!pl_range_fits(&th->range, m->unit)) {
				pl_snprintf(err, errlen, "%s %s: '%s' is in %s (suffixes: %s)", opt,
					    th->text, m->label, pl_unit_name(m->unit),
					    pl_unit_suffixes(m->unit));
				return -1;
			}
			*(th->critical ? &m->crit : &m->warn) = pl_range_for(&th->range, m->unit);
			matched = true;
		}
		if (!matched) {
			list_labels(r, labels, sizeof(labels));
			pl_snprintf(err, errlen, "%s %s: no metric is labelled '%s'; labels: %s", opt,
				    th->text, th->pattern, labels[0] ? labels : "none");
			return -1;
		}
	}
	for (size_t k = 0; k < r->nmetrics; k++) {
		struct pl_metric *m = r->metrics[k];

		if (pl_range_alerts(&m->crit, m->value))
			m->state = PL_CRITICAL;
		else if (pl_range_alerts(&m->warn, m->value))
			m->state = PL_WARNING;
		else
			m->state = PL_OK;
	}
	return 0;
}

enum pl_state
pl_result_state(const struct pl_result *r)
{
	enum pl_state s = PL_OK;

	if (r->oom)
		return PL_UNKNOWN;
	for (size_t i = 0; i < r->nmetrics; i++)
		s = pl_state_worst(s, r->metrics[i]->state);
	for (size_t i = 0; i < r->nlines; i++)
		if (r->lines[i].state >= 0)
			s = pl_state_worst(s, (enum pl_state)r->lines[i].state);
	return s;
}

/* "iowait=45.2% (crit > 30%)" */
static void
metric_problem(const struct pl_metric *m, struct pl_buf *b)
{
	char v[64], why[96];
	const struct pl_range *rg = m->state == PL_CRITICAL ? &m->crit : &m->warn;

	pl_unit_human(v, sizeof(v), m->value, m->unit);
	pl_range_why(rg, m->value, m->unit, why, sizeof(why));
	pl_buf_printf(b, "%s=%s (%s %s)", m->label, v, m->state == PL_CRITICAL ? "crit" : "warn",
		      why);
}

/* Problems lead the status line, the most severe first, at most three named. Returns
 * true when the line names every problem in full, so that the long output need not
 * repeat them. */
static bool
status_line(const struct pl_result *r, struct pl_buf *b)
{
	static const enum pl_state order[] = { PL_CRITICAL, PL_UNKNOWN, PL_WARNING };
	enum pl_state st = pl_result_state(r);
	size_t named = 0, more = 0;

	pl_buf_printf(b, "%s %s - ", r->service, pl_state_name(st));
	if (r->oom) {
		pl_buf_puts(b, "out of memory while building the result; ");
	}
	for (size_t o = 0; o < 3; o++) {
		for (size_t i = 0; i < r->nlines; i++) {
			if (r->lines[i].state != (int)order[o])
				continue;
			if (named++ < 3) {
				if (named > 1)
					pl_buf_puts(b, ", ");
				line_put(b, &r->lines[i]);
			} else
				more++;
		}
		for (size_t i = 0; i < r->nmetrics; i++) {
			if (r->metrics[i]->state != order[o])
				continue;
			if (named++ < 3) {
				if (named > 1)
					pl_buf_puts(b, ", ");
				metric_problem(r->metrics[i], b);
			} else {
				more++;
			}
		}
	}
	if (more)
		pl_buf_printf(b, " (+%zu more)", more);
	if (r->summary.len) {
		/* Not "; ": Nagios Core rewrites semicolons in plugin output. */
		if (named)
			pl_buf_puts(b, " - ");
		pl_buf_add(b, r->summary.data, r->summary.len);
	} else if (!named) {
		pl_buf_puts(b, "no problems found");
	}
	if (b->len > PL_STATUS_CAP) {
		b->len = PL_STATUS_CAP - 3;
		b->data[b->len] = '\0';
		pl_buf_puts(b, "...");
		more++;
	}
	for (char *p = b->data; p && *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '|')
			*p = *p == '|' ? '/' : ' ';
	return more == 0;
}

static int
metric_prec(const struct pl_metric *m)
{
	if (m->prec >= 0)
		return m->prec;
	switch (m->unit) {
	case PL_U_BYTES:
	case PL_U_COUNTER:
		return 0;
	case PL_U_SECONDS:
	case PL_U_VOLTS:
		return 6;
	default:
		return 2;
	}
}

/* 'label'=value[uom];warn;crit;min;max, empty trailing fields left out. */
static void
perf_item(const struct pl_metric *m, struct pl_buf *b)
{
	char f[5][64];
	int last = 0;
	bool quote = strpbrk(m->label, " ='\"") != NULL;

	/* Labels come from outside data (interface names, mount points): a '|' or a
	 * control character would break the output's structure, so they become '_'. */
	if (quote)
		pl_buf_putc(b, '\'');
	for (const unsigned char *p = (const unsigned char *)m->label; *p; p++) {
		if (*p == '\'' && quote)
			pl_buf_putc(b, '\'');
		pl_buf_putc(b, *p == '|' || *p < 0x20 || *p == 0x7f ? '_' : (char)*p);
	}
	if (quote)
		pl_buf_putc(b, '\'');
	if (isnan(m->value))
		pl_snprintf(f[0], sizeof(f[0]), "U");
	else
		pl_snprintf(f[0], sizeof(f[0]), "%s%s",
			    pl_fmt_num(f[4], sizeof(f[4]), m->value, metric_prec(m)),
			    pl_unit_uom(m->unit));
	pl_range_format(&m->warn, f[1], sizeof(f[1]));
	pl_range_format(&m->crit, f[2], sizeof(f[2]));
	f[3][0] = f[4][0] = '\0';
	if (m->has_min)
		pl_fmt_num(f[3], sizeof(f[3]), m->min, metric_prec(m));
	{
		char mx[64] = "";

		if (m->has_max)
			pl_fmt_num(mx, sizeof(mx), m->max, metric_prec(m));
		pl_strlcpy(f[4], mx, sizeof(f[4]));
	}
	for (int i = 1; i < 5; i++)
		if (f[i][0])
			last = i;
	pl_buf_printf(b, "=%s", f[0]);
	for (int i = 1; i <= last; i++)
		pl_buf_printf(b, ";%s", f[i]);
}

/* The length of the valid UTF-8 sequence at p (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF), or 0. */
static size_t
utf8_len(const unsigned char *p)
{
	size_t n;
	unsigned lo = 0x80, hi = 0xbf;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (p[0] == 0xe0)
		lo = 0xa0;
	else if (p[0] == 0xed)
		hi = 0x9f;
	else if (p[0] == 0xf0)
		lo = 0x90;
	else if (p[0] == 0xf4)
		hi = 0x8f;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

void
pl_json_string(struct pl_buf *out, const char *s)
{
	pl_buf_putc(out, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p >= 0x80) {
			size_t n = utf8_len(p);

			if (n == 0) {
				pl_buf_puts(out, "\xef\xbf\xbd");   /* U+FFFD */
				continue;
			}
			pl_buf_add(out, p, n);
			p += n - 1;
			continue;
		}
		switch (*p) {
		case '"': pl_buf_puts(out, "\\\""); break;
		case '\\': pl_buf_puts(out, "\\\\"); break;
		case '\n': pl_buf_puts(out, "\\n"); break;
		case '\r': pl_buf_puts(out, "\\r"); break;
		case '\t': pl_buf_puts(out, "\\t"); break;
		default:
			if (*p < 0x20)
				pl_buf_printf(out, "\\u%04x", *p);
			else
				pl_buf_putc(out, (char)*p);
		}
	}
	pl_buf_putc(out, '"');
}

static void
json_num(struct pl_buf *out, double v, int prec)
{
	char n[64];

	if (isnan(v) || isinf(v))
		pl_buf_puts(out, "null");
	else
		pl_buf_puts(out, pl_fmt_num(n, sizeof(n), v, prec));
}

static void
json_metric(struct pl_buf *out, const struct pl_metric *m)
{
	static const char *const missing[] = { "", "this run", "lasting" };
	char rg[96];

	pl_buf_puts(out, "{\"label\":");
	pl_json_string(out, m->label);
	if (m->item != NULL) {
		pl_buf_puts(out, ",\"name\":");
		pl_json_string(out, m->name ? m->name : "");
	}
	pl_buf_puts(out, ",\"value\":");
	json_num(out, m->value, metric_prec(m));
	pl_buf_puts(out, ",\"unit\":");
	pl_json_string(out, pl_unit_name(m->unit));
	pl_buf_puts(out, ",\"uom\":");
	pl_json_string(out, pl_unit_uom(m->unit));
	pl_buf_puts(out, ",\"warn\":");
	if (m->warn.set)
		pl_json_string(out, pl_range_format(&m->warn, rg, sizeof(rg)));
	else
		pl_buf_puts(out, "null");
	pl_buf_puts(out, ",\"crit\":");
	if (m->crit.set)
		pl_json_string(out, pl_range_format(&m->crit, rg, sizeof(rg)));
	else
		pl_buf_puts(out, "null");
	pl_buf_puts(out, ",\"min\":");
	json_num(out, m->has_min ? m->min : NAN, metric_prec(m));
	pl_buf_puts(out, ",\"max\":");
	json_num(out, m->has_max ? m->max : NAN, metric_prec(m));
	pl_buf_printf(out, ",\"state\":\"%s\",\"perfdata\":%s", pl_state_name(m->state),
		      m->hidden ? "false" : "true");
	if (m->missing != PL_MISSING_NONE && isnan(m->value)) {
		pl_buf_printf(out, ",\"missing\":{\"for\":\"%s\",\"why\":",
			      missing[m->missing]);
		if (m->why != NULL)
			pl_json_string(out, m->why);
		else
			pl_buf_puts(out, "null");
		pl_buf_puts(out, ",\"fix\":");
		if (m->fix != NULL)
			pl_json_string(out, m->fix);
		else
			pl_buf_puts(out, "null");
		pl_buf_putc(out, '}');
	}
	pl_buf_putc(out, '}');
}

/* Metrics and lines grouped by item: the indexes of group g (0: the result itself,
 * 1 + i: item i) are v[start[g]] .. v[start[g + 1] - 1], in the order added. */
struct groups {
	size_t *start, *v;
};

static int
group(size_t ngroups, size_t n, const size_t *key, struct groups *g)
{
	g->start = calloc(ngroups + 1, sizeof(*g->start));
	g->v = malloc((n ? n : 1) * sizeof(*g->v));
	if (g->start == NULL || g->v == NULL)
		return -1;
	for (size_t i = 0; i < n; i++)
		g->start[key[i] + 1]++;
	for (size_t k = 0; k < ngroups; k++)
		g->start[k + 1] += g->start[k];
	{
		size_t *fill = calloc(ngroups, sizeof(*fill));

		if (fill == NULL)
			return -1;
		for (size_t i = 0; i < n; i++)
			g->v[g->start[key[i]] + fill[key[i]]++] = i;
		free(fill);
	}
	return 0;
}

struct json_ctx {
	const struct pl_result *r;
	struct groups metrics, lines;
	enum pl_state *states;       /* per item */
};

static void
json_facts(struct pl_buf *out, const struct pl_fact *f, size_t n)
{
	pl_buf_puts(out, ",\"facts\":{");
	for (size_t i = 0; i < n; i++) {
		if (i)
			pl_buf_putc(out, ',');
		pl_json_string(out, f[i].key);
		pl_buf_putc(out, ':');
		pl_json_string(out, f[i].value);
	}
	pl_buf_putc(out, '}');
}

/* The findings, lines, metrics, facts and items of group g (the result or an item). */
static void
json_node(const struct json_ctx *x, size_t g, const struct pl_item *first,
	  const struct pl_fact *facts, size_t nfacts, struct pl_buf *out)
{
	const struct pl_result *r = x->r;

	pl_buf_puts(out, ",\"findings\":[");
	for (size_t j = x->lines.start[g], k = 0; j < x->lines.start[g + 1]; j++) {
		const struct pl_line *l = &r->lines[x->lines.v[j]];

		if (l->state < 0)
			continue;
		pl_buf_printf(out, "%s{\"state\":\"%s\",\"text\":", k++ ? "," : "",
			      pl_state_name((enum pl_state)l->state));
		pl_json_string(out, l->text);
		pl_buf_putc(out, '}');
	}
	pl_buf_puts(out, "],\"lines\":[");
	for (size_t j = x->lines.start[g], k = 0; j < x->lines.start[g + 1]; j++) {
		const struct pl_line *l = &r->lines[x->lines.v[j]];

		if (l->state >= 0)
			continue;
		if (k++)
			pl_buf_putc(out, ',');
		pl_json_string(out, l->text);
	}
	pl_buf_puts(out, "],\"metrics\":[");
	for (size_t j = x->metrics.start[g]; j < x->metrics.start[g + 1]; j++) {
		if (j > x->metrics.start[g])
			pl_buf_putc(out, ',');
		json_metric(out, r->metrics[x->metrics.v[j]]);
	}
	pl_buf_putc(out, ']');
	json_facts(out, facts, nfacts);
	pl_buf_puts(out, ",\"items\":[");
	for (const struct pl_item *it = first; it != NULL; it = it->next) {
		if (it != first)
			pl_buf_putc(out, ',');
		pl_buf_puts(out, "{\"kind\":");
		pl_json_string(out, it->kind);
		pl_buf_puts(out, ",\"name\":");
		pl_json_string(out, it->name);
		pl_buf_puts(out, ",\"label\":");
		pl_json_string(out, it->prefix);
		pl_buf_printf(out, ",\"state\":\"%s\"", pl_state_name(x->states[it->index]));
		json_node(x, it->index + 1, it->child, it->facts, it->nfacts, out);
		pl_buf_putc(out, '}');
	}
	pl_buf_putc(out, ']');
}

/* Each item's state: the worst of what is in it or below it. */
static void
item_states(const struct pl_result *r, enum pl_state *st)
{
	for (size_t i = 0; i < r->nitems; i++)
		st[i] = PL_OK;
	for (size_t i = 0; i < r->nmetrics; i++)
		for (const struct pl_item *it = r->metrics[i]->item; it; it = it->parent)
			st[it->index] = pl_state_worst(st[it->index], r->metrics[i]->state);
	for (size_t i = 0; i < r->nlines; i++) {
		if (r->lines[i].state < 0)
			continue;
		for (const struct pl_item *it = r->lines[i].item; it; it = it->parent)
			st[it->index] = pl_state_worst(st[it->index],
						       (enum pl_state)r->lines[i].state);
	}
}

static void
render_json(const struct pl_result *r, const char *status, struct pl_buf *out)
{
	enum pl_state st = pl_result_state(r);
	struct json_ctx x = { r, { NULL, NULL }, { NULL, NULL }, NULL };
	size_t n = r->nmetrics > r->nlines ? r->nmetrics : r->nlines;
	size_t *key = malloc((n ? n : 1) * sizeof(*key));

	x.states = malloc((r->nitems ? r->nitems : 1) * sizeof(*x.states));
	if (key == NULL || x.states == NULL)
		goto oom;
	for (size_t i = 0; i < r->nmetrics; i++)
		key[i] = r->metrics[i]->item ? r->metrics[i]->item->index + 1 : 0;
	if (group(r->nitems + 1, r->nmetrics, key, &x.metrics) != 0)
		goto oom;
	for (size_t i = 0; i < r->nlines; i++)
		key[i] = r->lines[i].item ? r->lines[i].item->index + 1 : 0;
	if (group(r->nitems + 1, r->nlines, key, &x.lines) != 0)
		goto oom;
	item_states(r, x.states);

	pl_buf_puts(out, "{\"plugin\":");
	pl_json_string(out, r->plugin ? r->plugin : "");
	pl_buf_puts(out, ",\"service\":");
	pl_json_string(out, r->service);
	pl_buf_printf(out, ",\"state\":\"%s\",\"exit_code\":%d,\"status\":", pl_state_name(st),
		      (int)st);
	pl_json_string(out, status);
	pl_buf_puts(out, ",\"summary\":");
	pl_json_string(out, pl_buf_str(&r->summary));
	json_node(&x, 0, r->child, r->facts, r->nfacts, out);
	pl_buf_puts(out, "}\n");
	goto end;
oom:
	pl_buf_puts(out, "{\"plugin\":");
	pl_json_string(out, r->plugin ? r->plugin : "");
	pl_buf_puts(out, ",\"service\":");
	pl_json_string(out, r->service);
	pl_buf_puts(out, ",\"state\":\"UNKNOWN\",\"exit_code\":3,\"status\":\"out of memory\"}\n");
end:
	free(key);
	free(x.states);
	free(x.metrics.start);
	free(x.metrics.v);
	free(x.lines.start);
	free(x.lines.v);
}

void
pl_render(const struct pl_result *r, enum pl_format fmt, size_t max_lines, struct pl_buf *out)
{
	struct pl_buf status, perf, item;
	size_t nlines = 0, left = 0, perf_left = 0;
	const char *sep = fmt == PL_FMT_ONELINE ? "; " : "\n";
	bool complete;

	pl_buf_init(&status, PL_STATUS_CAP + 64);
	complete = status_line(r, &status);
	if (fmt == PL_FMT_JSON) {
		render_json(r, pl_buf_str(&status), out);
		pl_buf_free(&status);
		return;
	}
	/* Perfdata gets at most half of the output budget; whole items only. */
	pl_buf_init(&perf, PL_OUTPUT_CAP);
	pl_buf_init(&item, 1024);
	for (size_t i = 0; i < r->nmetrics; i++) {
		if (r->metrics[i]->hidden)
			continue;
		/* An item takes at least its label, '=' and a digit: one that cannot fit is
		 * counted without being formatted (with thousands of metrics, most are). */
		if (perf.len + strlen(r->metrics[i]->label) + 3 > PL_OUTPUT_CAP / 2) {
			perf_left++;
			continue;
		}
		pl_buf_reset(&item);
		perf_item(r->metrics[i], &item);
		if (perf.len + item.len + 1 > PL_OUTPUT_CAP / 2) {
			perf_left++;
			continue;
		}
		if (perf.len)
			pl_buf_putc(&perf, ' ');
		pl_buf_add(&perf, item.data, item.len);
	}
	pl_buf_free(&item);

	pl_buf_add(out, status.data, status.len);
	/* Long output: the findings, then the plugin's lines, capped in count and size. A
	 * problem the status line already names in full is not said twice. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < r->nlines; i++) {
			const struct pl_line *l = &r->lines[i];

			if ((pass == 0) != (l->state >= 0))
				continue;
			if (complete && l->state > PL_OK)
				continue;
			/* Room for the separator, a "[CRITICAL] " prefix and the two notices
			 * below, so that the whole output stays within the cap. */
			if (nlines >= max_lines ||
			    out->len + line_len(l) + perf.len + 16 + 200 > PL_OUTPUT_CAP) {
				left++;
				continue;
			}
			pl_buf_puts(out, sep);
			if (l->state >= 0)
				pl_buf_printf(out, "[%s] ", pl_state_name((enum pl_state)l->state));
			line_put(out, l);
			nlines++;
		}
	}
	/* Facts: the whole check's, then each item's. */
	for (size_t i = 0; i <= r->nitems; i++) {
		const struct pl_item *it = i > 0 ? r->items[i - 1] : NULL;
		const struct pl_fact *f = it ? it->facts : r->facts;
		size_t n = it ? it->nfacts : r->nfacts;

		for (size_t k = 0; k < n; k++) {
			size_t need = strlen(f[k].key) + strlen(f[k].value) +
				      (it ? strlen(it->name) * 4 + 1 : 0) + 2;

			if (nlines >= max_lines ||
			    out->len + need + perf.len + 16 + 200 > PL_OUTPUT_CAP) {
				left++;
				continue;
			}
			pl_buf_puts(out, sep);
			if (it != NULL) {
				pl_name_escape(out, it->name);
				pl_buf_putc(out, ' ');
			}
			pl_buf_printf(out, "%s: %s", f[k].key, f[k].value);
			nlines++;
		}
	}
	if (left && max_lines > 0)
		pl_buf_printf(out, "%s... %zu more line%s left out (raise --max-lines to see more)",
			      sep, left, left == 1 ? "" : "s");
	if (perf_left)
		pl_buf_printf(out, "%s... %zu perfdata item%s left out (output size limit)", sep,
			      perf_left, perf_left == 1 ? "" : "s");
	if (perf.len) {
		/* On the first line for the default form, so that the engines see it even if
		 * they keep only one line; after the long text in the one-line form. */
		if (fmt == PL_FMT_NAGIOS) {
			size_t first = status.len;
			struct pl_buf tmp;

			pl_buf_init(&tmp, PL_OUTPUT_CAP + 1024);
			pl_buf_add(&tmp, out->data, first);
			pl_buf_puts(&tmp, " | ");
			pl_buf_add(&tmp, perf.data, perf.len);
			pl_buf_add(&tmp, out->data + first, out->len - first);
			pl_buf_reset(out);
			pl_buf_add(out, tmp.data, tmp.len);
			pl_buf_free(&tmp);
		} else {
			pl_buf_puts(out, " | ");
			pl_buf_add(out, perf.data, perf.len);
		}
	}
	pl_buf_putc(out, '\n');
	pl_buf_free(&perf);
	pl_buf_free(&status);
}
