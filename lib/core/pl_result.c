#include "config.h"

#include <fnmatch.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pl_i18n.h"
#include "pl_buf.h"
#include "pl_num.h"
#include "pl_result.h"
#include "pl_text.h"

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

int
pl_state_severity(enum pl_state s)
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
	return pl_state_severity(a) >= pl_state_severity(b) ? a : b;
}

static const char *
threshold_opt(const struct pl_threshold *th)
{
	return th->critical ? (th->pattern ? "--criticalx" : "-c")
			    : (th->pattern ? "--warningx" : "-w");
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
				    _("not LABEL=RANGE (example: 'iowait=~:20' or '*_util=90')"));
			return -1;
		}
		th.pattern = strndup(spec, (size_t)(eq - spec));
		range = eq + 1;
	}
	if (pl_range_parse(range, &th.range, err, errlen) != 0) {
		free(th.pattern);
		return -1;
	}
	/* How messages name it; pl_plugin replaces it with the option and its origin. */
	{
		struct pl_buf b = PL_BUF_INIT;

		if (pl_buf_printf(&b, "%s %s", threshold_opt(&th), spec) == 0 && !b.oom)
			th.text = b.data;
		else
			pl_buf_free(&b);
	}
	/* The room doubles when n reaches a power of 2: 10,000 options stay linear. */
	v = (t->n & (t->n - 1)) != 0 ? t->v :
	    realloc(t->v, (t->n ? t->n * 2 : 1) * sizeof(*v));
	if (th.text == NULL || v == NULL || (labelled && th.pattern == NULL)) {
		free(th.text);
		free(th.pattern);
		if (v != NULL)
			t->v = v;
		pl_snprintf(err, errlen, _("out of memory"));
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
	r->missing_state = PL_UNKNOWN;
	pl_buf_init(&r->summary, 1024);
	pl_buf_init(&r->usage, PL_USAGE_CAP);
}

static void
facts_free(struct pl_fact *v)
{
	free(v);     /* the keys and values are in the result's text blocks */
}

static void
notes_free(struct pl_result *r)
{
	for (size_t i = 0; i < r->nnotes; i++) {
		free(r->notes[i].label);
		free(r->notes[i].reason);
		free(r->notes[i].fix);
		free(r->notes[i].thresholds[0]);
		free(r->notes[i].thresholds[1]);
	}
	r->nnotes = 0;
}

static char *
dup_or_null(struct pl_result *r, const char *s)
{
	char *d = s != NULL ? strdup(s) : NULL;

	if (s != NULL && d == NULL)
		r->oom = true;
	return d;
}

/* Keeps what a threshold could not judge, for JSON. */
static void
add_note(struct pl_result *r, struct pl_item *it, enum pl_note_for why_for, const char *label,
	 const char *reason, const char *fix, const char *th0, const char *th1)
{
	struct pl_note *n;

	if (r->nnotes == r->notes_cap) {
		size_t ncap = r->notes_cap ? r->notes_cap * 2 : 8;
		struct pl_note *v = realloc(r->notes, ncap * sizeof(*v));

		if (v == NULL) {
			r->oom = true;
			return;
		}
		r->notes = v;
		r->notes_cap = ncap;
	}
	n = &r->notes[r->nnotes++];
	n->item = it;
	n->why_for = why_for;
	n->label = dup_or_null(r, label);
	n->reason = dup_or_null(r, reason != NULL ? reason : "no value");
	n->fix = dup_or_null(r, fix);
	n->thresholds[0] = dup_or_null(r, th0 != NULL ? th0 : th1);
	n->thresholds[1] = dup_or_null(r, th0 != NULL ? th1 : NULL);
}

/* Metrics are taken from blocks of 16 to 1,024, never freed one by one: a check of 5,000
 * interfaces makes 50,000 of them. A block is not zeroed as a whole (13 MB at 5,000
 * interfaces, most of it label bytes never written): metric_new() zeroes each metric but
 * the tail of its label. */
_Static_assert(offsetof(struct pl_metric, label) == 0, "metric_new() zeroes what follows label");

/* The labels and names of a result live in blocks of text, a string after another: two
 * metrics cost no allocation of their own, and the labels of neighbouring metrics share
 * cache lines. A block is never moved, so the strings keep their addresses. */
struct pl_text_block {
	struct pl_text_block *next;
	size_t used, cap;
	char t[];
};

struct pl_metric_block {
	struct pl_metric_block *next;
	size_t used, cap;
	struct pl_metric m[];
};

void
pl_result_free(struct pl_result *r)
{
	for (size_t i = 0; i < r->nmetrics; i++) {
		free(r->metrics[i]->why);
		free(r->metrics[i]->fix);
	}
	free(r->metrics);
	while (r->mblocks != NULL) {
		struct pl_metric_block *b = r->mblocks;

		r->mblocks = b->next;
		free(b);
	}
	while (r->tblocks != NULL) {
		struct pl_text_block *b = r->tblocks;

		r->tblocks = b->next;
		free(b);
	}
	pl_buf_free(&r->label);
	for (size_t i = 0; i < r->nlines; i++)
		free(r->lines[i].text);
	free(r->lines);
	for (size_t i = 0; i < r->nitems; i++) {
		struct pl_item *it = r->items[i];

		facts_free(it->facts);
		free(it);
	}
	free(r->items);
	free(r->item_hash);
	notes_free(r);
	free(r->notes);
	facts_free(r->facts);
	free(r->marks);
	pl_buf_free(&r->summary);
	pl_buf_free(&r->usage);
	memset(r, 0, sizeof(*r));
}

static struct pl_metric *
metric_new(struct pl_result *r)
{
	struct pl_metric_block *b = r->mblocks;
	struct pl_metric *m;

	if (b == NULL || b->used == b->cap) {
		size_t cap = b == NULL ? 16 : b->cap < 1024 ? b->cap * 2 : 1024;

		b = malloc(sizeof(*b) + cap * sizeof(b->m[0]));
		if (b == NULL)
			return NULL;
		b->used = 0;
		b->cap = cap;
		b->next = r->mblocks;
		r->mblocks = b;
	}
	m = &b->m[b->used++];
	memset(m, 0, sizeof(*m));
	return m;
}

/* A copy of the len bytes at s, NUL-terminated, in the result's text blocks; NULL when
 * out of memory. */
static char *
text_copy(struct pl_result *r, const char *s, size_t len)
{
	struct pl_text_block *b = r->tblocks;
	char *t;

	if (b == NULL || b->cap - b->used < len + 1) {
		size_t cap = b == NULL ? 1024 : b->cap < 65536 ? b->cap * 2 : 65536;

		if (cap < len + 1)
			cap = len + 1;
		b = malloc(sizeof(*b) + cap);
		if (b == NULL)
			return NULL;
		b->used = 0;
		b->cap = cap;
		b->next = r->tblocks;
		r->tblocks = b;
	}
	t = b->t + b->used;
	memcpy(t, s, len);
	t[len] = '\0';
	b->used += len + 1;
	return t;
}

static char *
text_dup(struct pl_result *r, const char *s)
{
	return text_copy(r, s, strlen(s));
}

static struct pl_metric *
scratch(struct pl_result *r)
{
	r->oom = true;
	memset(&scratch_metric, 0, sizeof(scratch_metric));
	scratch_metric.label = "";
	return &scratch_metric;
}

struct pl_metric *
pl_metric_add(struct pl_result *r, const char *label, double value, enum pl_unit unit)
{
	struct pl_metric *m;
	size_t len;

	if (r->nmetrics == r->metrics_cap) {
		size_t ncap = r->metrics_cap ? r->metrics_cap * 2 : 32;
		struct pl_metric **v = realloc(r->metrics, ncap * sizeof(*v));

		if (v == NULL)
			goto oom;
		r->metrics = v;
		r->metrics_cap = ncap;
	}
	m = metric_new(r);
	if (m == NULL)
		goto oom;
	len = strlen(label);
	m->label = text_copy(r, label, len < PL_LABEL_MAX - 1 ? len : PL_LABEL_MAX - 1);
	if (m->label == NULL) {
		r->mblocks->used--;
		goto oom;
	}
	m->value = value;
	m->unit = unit;
	m->prec = -1;
	r->metrics[r->nmetrics++] = m;
	return m;
oom:
	return scratch(r);
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

/* The item table's slots hold the index + 1 in the low 32 bits (0: empty) and the high
 * 32 bits of the item's key above: a probe that meets another item reads no item. */
static uint64_t
item_key(const struct pl_item *parent, const char *kind, const char *name)
{
	size_t pi = parent != NULL ? parent->index + 1 : 0;
	uint64_t h = pl_hash_more(PL_HASH_INIT, &pi, sizeof(pi));

	h = pl_hash_more(h, kind, strlen(kind) + 1);
	return pl_hash_mix(pl_hash_more(h, name, strlen(name)));
}

#define ITEM_TAG 0xffffffff00000000ULL

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
	uint64_t key;

	if (r->hash_cap == 0)
		return NULL;
	key = item_key(parent, kind, name);
	for (size_t h = key & (r->hash_cap - 1);; h = (h + 1) & (r->hash_cap - 1)) {
		uint64_t v = r->item_hash[h];
		size_t k = (size_t)(v & 0xffffffffU);

		if (k == 0)
			return NULL;
		if ((v & ITEM_TAG) == (key & ITEM_TAG) && item_is(r->items[k - 1], parent, kind,
								    name))
			return r->items[k - 1];
	}
}

/* Makes room for one more item: the list, and the table kept at most half full. */
static int
items_grow(struct pl_result *r)
{
	if (r->nitems >= 0x7fffffff)
		return -1;
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
		uint64_t *t = calloc(ncap, sizeof(*t));

		if (t == NULL)
			return -1;
		for (size_t i = 0; i < r->nitems; i++) {
			const struct pl_item *it = r->items[i];
			uint64_t key = item_key(it->parent, it->kind, it->name);
			size_t h = key & (ncap - 1);

			while (t[h] != 0)
				h = (h + 1) & (ncap - 1);
			t[h] = (key & ITEM_TAG) | (i + 1);
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
	struct pl_buf *prefix = &r->label;   /* pl_item_metric's buffer, free here */
	uint64_t key;
	size_t h;

	if (parent == &scratch_item)
		return &scratch_item;
	it = pl_result_find_item(r, parent, kind, name);
	if (it != NULL)
		return it;
	if (items_grow(r) != 0 || (it = calloc(1, sizeof(*it))) == NULL)
		goto oom;
	if (prefix->data == NULL)
		pl_buf_init(prefix, 8192);
	pl_buf_reset(prefix);
	if (parent != NULL) {
		pl_buf_puts(prefix, parent->prefix);
		pl_buf_putc(prefix, '_');
	}
	pl_label_escape(prefix, name);
	it->result = r;
	it->parent = parent;
	it->kind = text_dup(r, kind);
	it->name = text_dup(r, name);
	it->prefix = prefix->oom ? NULL : text_copy(r, pl_buf_str(prefix), prefix->len);
	if (prefix->oom)
		pl_buf_free(prefix);
	if (it->kind == NULL || it->name == NULL || it->prefix == NULL) {
		free(it);
		goto oom;
	}
	it->index = r->nitems;
	r->items[r->nitems++] = it;
	key = item_key(parent, kind, name);
	h = key & (r->hash_cap - 1);
	while (r->item_hash[h] != 0)
		h = (h + 1) & (r->hash_cap - 1);
	r->item_hash[h] = (key & ITEM_TAG) | (it->index + 1);
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

/* Cuts an item metric's label (PREFIX "_" METRIC, the prefix plen bytes) to
 * PL_LABEL_MAX - 1 bytes. The "_METRIC" suffix stays, so that globs on the metric
 * ("*_rx_bits") still find it: the prefix is cut and ends in "_h" and 8 hex digits of a
 * hash of the whole prefix (the same for every metric of the item). A cut never ends
 * inside an "_xHH" escape. Only a metric name too long by itself cuts the whole label. */
static void
cut_label(struct pl_buf *label, size_t plen)
{
	size_t slen = label->len - plen;             /* "_METRIC" */
	uint32_t h;
	char *suffix;
	size_t keep;

	if (slen + 10 + 8 > PL_LABEL_MAX - 1) {
		h = (uint32_t)pl_hash_bytes(label->data, label->len);
		label->len = PL_LABEL_MAX - 1 - 10;
		label->data[label->len] = '\0';
		pl_buf_printf(label, "_h%08x", (unsigned)h);
		return;
	}
	suffix = strdup(label->data + plen);
	if (suffix == NULL) {
		label->oom = true;
		return;
	}
	h = (uint32_t)pl_hash_bytes(label->data, plen);
	keep = PL_LABEL_MAX - 1 - slen - 10;
	/* "_xHH" is four bytes: do not keep a part of one. */
	for (size_t i = keep > 3 ? keep - 3 : 0; i < keep; i++)
		if (label->data[i] == '_' && label->data[i + 1] == 'x' && i + 4 > keep) {
			keep = i;
			break;
		}
	label->len = keep;
	label->data[keep] = '\0';
	pl_buf_printf(label, "_h%08x%s", (unsigned)h, suffix);
	free(suffix);
}

struct pl_metric *
pl_item_metric(struct pl_item *it, const char *metric, double value, enum pl_unit unit)
{
	struct pl_buf *label;
	struct pl_metric *m;

	if (it == &scratch_item)
		return scratch(it->result);
	/* One buffer for every label of the result, kept between calls. */
	label = &it->result->label;
	if (label->data == NULL)
		pl_buf_init(label, 8192);
	pl_buf_reset(label);
	pl_buf_puts(label, it->prefix);
	pl_buf_putc(label, '_');
	pl_label_escape(label, metric);
	if (label->len > PL_LABEL_MAX - 1)
		cut_label(label, strlen(it->prefix));
	if (label->oom) {
		pl_buf_free(label);
		return scratch(it->result);
	}
	m = pl_metric_add(it->result, pl_buf_str(label), value, unit);
	pl_metric_place(m, it, metric);
	return m;
}

void
pl_metric_place(struct pl_metric *m, struct pl_item *it, const char *metric)
{
	if (m == &scratch_metric || it == &scratch_item)
		return;
	m->item = it;
	m->name = text_dup(it->result, metric);
	if (m->name == NULL)
		it->result->oom = true;
	*(it->last_metric ? &it->last_metric->item_next : &it->metric) = m;
	it->last_metric = m;
}

struct pl_metric *
pl_item_find_metric(const struct pl_item *it, const char *metric)
{
	if (it == &scratch_item)
		return NULL;
	for (const struct pl_metric *m = it->metric; m != NULL; m = m->item_next)
		if (m->name != NULL && strcmp(m->name, metric) == 0)
			return (struct pl_metric *)m;
	return NULL;
}

static struct pl_fact *
fact_slot(struct pl_result *r, struct pl_fact **v, size_t *n, size_t *cap, const char *key)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*v)[i].key, key) == 0) {
			(*v)[i].value = NULL;     /* the old value stays in the text blocks */
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
	(*v)[*n].key = text_dup(r, key);
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
	struct pl_buf *b = &r->label;     /* pl_item_metric's buffer, free here */

	if (f == NULL)
		return;
	if (b->data == NULL)
		pl_buf_init(b, 8192);
	pl_buf_reset(b);
	pl_buf_vprintf(b, fmt, ap);
	if (b->len > 4096)
		b->data[b->len = 4096] = '\0';
	pl_one_line(b->data);
	f->value = b->oom ? NULL : text_copy(r, pl_buf_str(b), strlen(pl_buf_str(b)));
	if (f->value == NULL)
		r->oom = true;
	if (b->oom)
		pl_buf_free(b);
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

bool
pl_metric_by_rule(const struct pl_metric *m)
{
	struct pl_buf b = PL_BUF_INIT;
	bool same;

	if (m->item == NULL || m->name == NULL)
		return false;
	pl_buf_init(&b, 4096);
	pl_buf_puts(&b, m->item->prefix);
	pl_buf_putc(&b, '_');
	pl_label_escape(&b, m->name);
	if (b.len > PL_LABEL_MAX - 1)
		cut_label(&b, strlen(m->item->prefix));
	same = strcmp(pl_buf_str(&b), m->label) == 0;
	pl_buf_free(&b);
	return same;
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

/* pl_name_str and pl_text_str: utf8 keeps well-formed UTF-8 sequences whole. */
static int
name_str(char *out, size_t len, const char *name, bool utf8)
{
	size_t n = 0;

	if (len == 0)
		return -1;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		static const char hex[] = "0123456789abcdef";
		char e[4] = { (char)*p };
		size_t k = 1, u = *p >= 0x80 && utf8 ? pl_utf8_len(p) : 0;

		if (u > 1) {
			if (n + u >= len) {
				out[n] = '\0';
				return -1;
			}
			memcpy(out + n, p, u);
			n += u;
			p += u - 1;
			continue;
		}
		if (*p == '\\') {
			e[1] = '\\';
			k = 2;
		} else if (*p < 0x20 || *p >= 0x7f) {
			e[0] = '\\';
			e[1] = 'x';
			e[2] = hex[*p >> 4];
			e[3] = hex[*p & 15];
			k = 4;
		}
		if (n + k >= len) {
			out[n] = '\0';
			return -1;
		}
		memcpy(out + n, e, k);
		n += k;
	}
	out[n] = '\0';
	return 0;
}

int
pl_name_str(char *out, size_t len, const char *name)
{
	return name_str(out, len, name, false);
}

int
pl_text_str(char *out, size_t len, const char *text)
{
	return name_str(out, len, text, true);
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
	r->nmarks = 0;
	va_start(ap, fmt);
	pl_buf_vprintf(&r->summary, fmt, ap);
	va_end(ap);
}

void
pl_result_usage(struct pl_result *r, const char *fmt, ...)
{
	va_list ap;

	pl_buf_reset(&r->usage);
	va_start(ap, fmt);
	pl_buf_vprintf(&r->usage, fmt, ap);
	va_end(ap);
}

void
pl_result_summary_add(struct pl_result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pl_buf_vprintf(&r->summary, fmt, ap);
	va_end(ap);
}

static void __attribute__((format(printf, 4, 0)))
summary_part(struct pl_result *r, const struct pl_metric *m, bool aside, const char *fmt,
	     va_list ap)
{
	size_t start = r->summary.len;

	pl_buf_vprintf(&r->summary, fmt, ap);
	if (m == NULL || m == &scratch_metric)
		return;
	if (r->nmarks == r->marks_cap) {
		size_t ncap = r->marks_cap ? r->marks_cap * 2 : 8;
		struct pl_mark *v = realloc(r->marks, ncap * sizeof(*v));

		if (v == NULL) {
			r->oom = true;
			return;
		}
		r->marks = v;
		r->marks_cap = ncap;
	}
	r->marks[r->nmarks++] = (struct pl_mark){ start, r->summary.len, m, aside };
}

void
pl_result_summary_metric(struct pl_result *r, const struct pl_metric *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	summary_part(r, m, false, fmt, ap);
	va_end(ap);
}

void
pl_result_summary_aside(struct pl_result *r, const struct pl_metric *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	summary_part(r, m, true, fmt, ap);
	va_end(ap);
}

void
pl_result_expect_items(struct pl_result *r, const char *kind)
{
	r->expect_kind = kind;
}

void
pl_result_expect_family(struct pl_result *r, const char *prefix, const char *kind)
{
	if (r->nfamilies < PL_RESULT_FAMILIES) {
		r->family_prefix[r->nfamilies] = prefix;
		r->family_kind[r->nfamilies++] = kind;
	}
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
	pl_one_line(b.data);
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
pl_findings_add(struct pl_findings *f, enum pl_state state, const char *fmt, ...)
{
	va_list ap;

	if (f->n == PL_FINDINGS_MAX)
		return;
	f->v[f->n].state = state;
	va_start(ap, fmt);
	vsnprintf(f->v[f->n].text, sizeof(f->v[0].text), fmt, ap);
	va_end(ap);
	f->n++;
	f->worst = pl_state_worst(f->worst, state);
}

void
pl_item_findings(struct pl_item *it, const struct pl_findings *f)
{
	for (size_t i = 0; i < f->n; i++)
		pl_item_finding(it, f->v[i].state, "%s", f->v[i].text);
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

static const char *
label_at(const void *ctx, size_t i)
{
	return ((const struct pl_result *)ctx)->metrics[i]->label;
}

/* Two metrics with one perfdata label would be one graph mixing two things: a bug in the
 * plugin, said as an UNKNOWN finding rather than hidden (once per label, in the order the
 * metrics were added). A hash of the labels: 50,000 metrics cost no sort. */
static void
check_labels(struct pl_result *r)
{
	struct pl_names ix = { NULL, 0, 0 };
	bool *told;
	size_t first;

	if (r->nmetrics < 2)
		return;
	told = calloc(r->nmetrics, sizeof(*told));
	if (told == NULL || pl_names_reserve(&ix, r->nmetrics, label_at, r) != 0) {
		free(told);
		r->oom = true;
		return;
	}
	for (size_t i = 0; i < r->nmetrics; i++) {
		int rc = pl_names_add(&ix, i, label_at, r);

		if (rc < 0) {
			r->oom = true;
			break;
		}
		if (rc == 0 || !pl_names_find(&ix, r->metrics[i]->label, label_at, r, &first) ||
		    told[first])
			continue;
		told[first] = true;
		pl_result_finding(r, PL_UNKNOWN,
				  _("bug: two metrics have the perfdata label '%s' (please report "
				  "this against %s)"), r->metrics[i]->label,
				  r->plugin ? r->plugin : "the plugin");
	}
	pl_names_free(&ix);
	free(told);
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
		pl_buf_printf(&b, _(" (+%zu more)"), r->nmetrics - shown);
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
			pl_buf_printf(&b, _("%s'%s' in %s"), b.len ? ", " : "", primary[k],
				      pl_tr(pl_unit_name(r->metrics[j]->unit)));
			break;
		}
	}
	pl_strlcpy(buf, pl_buf_str(&b), len);
	pl_buf_free(&b);
}

/* A labelled threshold that matches no metric: is it about an item this host lacks?
 * It is when the part after some '_' matches the name of a metric the items here have
 * ("md0_spare": md1 has a "spare"; only metrics labelled by the one rule count), when
 * it starts with a label family the check declared ("fan_"), or when the check reports
 * items and found none.
 * Sets *kind to the kind of item it is about. */
static bool
absent_item(const struct pl_result *r, const char *pattern, const char **kind)
{
	for (size_t i = 0; i < r->nfamilies; i++)
		if (strncmp(pattern, r->family_prefix[i], strlen(r->family_prefix[i])) == 0) {
			*kind = r->family_kind[i];
			return true;
		}
	if (r->nitems == 0) {
		*kind = r->expect_kind;
		return r->expect_kind != NULL;
	}
	for (const char *u = strchr(pattern, '_'); u != NULL; u = strchr(u + 1, '_')) {
		for (size_t k = 0; k < r->nmetrics; k++) {
			const struct pl_metric *m = r->metrics[k];

			if (pl_metric_by_rule(m) && fnmatch(u + 1, m->name, 0) == 0) {
				*kind = m->item->kind;
				return true;
			}
		}
	}
	return false;
}


static void
set_range(struct pl_metric *m, const struct pl_threshold *th, size_t i)
{
	if (th->critical) {
		m->crit = pl_range_for(&th->range, m->unit);
		m->crit_src = i + 1;
	} else {
		m->warn = pl_range_for(&th->range, m->unit);
		m->warn_src = i + 1;
	}
}

/* -w/-c: the first primary pattern whose metrics are in the range's unit. Returns 0, or
 * -1 with why in err. */
static int
apply_primary(struct pl_result *r, const struct pl_threshold *th, size_t i,
	      const char *const *primary, char *err, size_t errlen)
{
	const char *fitted = NULL;
	bool present = false;
	char units[200];

	for (size_t k = 0; primary != NULL && primary[k] != NULL && !fitted; k++) {
		for (size_t j = 0; j < r->nmetrics; j++) {
			struct pl_metric *m = r->metrics[j];

			if (fnmatch(primary[k], m->label, 0) != 0)
				continue;
			present = true;
			if (!pl_range_fits(&th->range, m->unit))
				continue;
			set_range(m, th, i);
			fitted = primary[k];
		}
	}
	if (fitted != NULL || !present)
		return 0;   /* applied, or the primary metric is not measured now */
	primary_units(r, primary, units, sizeof(units));
	pl_snprintf(err, errlen, _("%s: a range in %s fits no primary metric (%s)"), th->text,
		    pl_tr(pl_unit_name(th->range.unit)), units);
	return -1;
}

static int
apply_labelled(struct pl_result *r, const struct pl_threshold *th, size_t i, char *err,
	       size_t errlen)
{
	const char *kind = NULL;
	bool matched = false;
	char labels[200];

	for (size_t k = 0; k < r->nmetrics; k++) {
		struct pl_metric *m = r->metrics[k];

		if (fnmatch(th->pattern, m->label, 0) != 0)
			continue;
		if (!pl_range_fits(&th->range, m->unit)) {
			pl_snprintf(err, errlen, _("%s: '%s' is in %s (suffixes: %s)"), th->text,
				    m->label, pl_tr(pl_unit_name(m->unit)),
				    pl_tr(pl_unit_suffixes(m->unit)));
			return -1;
		}
		set_range(m, th, i);
		matched = true;
	}
	if (matched)
		return 0;
	if (absent_item(r, th->pattern, &kind)) {
		/* One config for a group of hosts: an item another host has is no error. */
		pl_result_line(r, _("%s: no %s on this host matches its LABEL; not judged here"),
			       th->text, kind);
		{
			char why[160];

			pl_snprintf(why, sizeof(why), _("no %s on this host matches its LABEL"), kind);
			add_note(r, NULL, PL_NOTE_ABSENT, th->pattern, why, NULL, th->text, NULL);
		}
		return 0;
	}
	list_labels(r, labels, sizeof(labels));
	pl_snprintf(err, errlen, _("%s: no metric label matches its LABEL; labels: %s"), th->text,
		    labels[0] ? labels : "none");
	return -1;
}

/* True when the critical range lies inside the warning range (and is not the same):
 * every value outside the warning range is outside the critical one too, so the
 * metric goes CRITICAL where it should first be WARNING. */
static bool
never_warns(const struct pl_range *w, const struct pl_range *c)
{
	double wl = w->start_inf ? -INFINITY : w->start, wh = w->end_inf ? INFINITY : w->end;
	double cl = c->start_inf ? -INFINITY : c->start, ch = c->end_inf ? INFINITY : c->end;

	if (!w->set || !c->set || w->inside || c->inside)
		return false;
	return cl >= wl && ch <= wh && (cl != wl || ch != wh);
}

/* "-w 90 -c 80": a warning line per pair of thresholds, naming one metric. */
static void
swapped_ranges(struct pl_result *r, const struct pl_thresholds *t)
{
	size_t seen[8][2], nseen = 0;

	for (size_t k = 0; k < r->nmetrics; k++) {
		const struct pl_metric *m = r->metrics[k];
		bool dup = false;

		if (m->warn_src == 0 || m->crit_src == 0 || !never_warns(&m->warn, &m->crit))
			continue;
		for (size_t i = 0; i < nseen; i++)
			dup |= seen[i][0] == m->warn_src && seen[i][1] == m->crit_src;
		if (dup || nseen == 8)
			continue;
		seen[nseen][0] = m->warn_src;
		seen[nseen++][1] = m->crit_src;
		pl_result_line(r, _("%s and %s: the critical range lies inside the warning range, "
			       "so %s can never be WARNING, only CRITICAL (swapped?)"),
			       t->v[m->warn_src - 1].text, t->v[m->crit_src - 1].text, m->label);
	}
}

static bool
same_text(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* The line of thresholds not judged this run: "eth0 rx_util, tx_util (eth0 appeared
 * since the last run), sda util", each reason once for the metrics of one item in a
 * row, at most five metrics named. */
struct skipped {
	struct pl_buf b;
	size_t n;
	const struct pl_metric *last;    /* the last metric named, its reason still due */
};

static void
skipped_close(struct skipped *k)
{
	if (k->last != NULL && k->last->why != NULL)
		pl_buf_printf(&k->b, " (%s)", k->last->why);
	k->last = NULL;
}

static void
skipped_add(struct skipped *k, const struct pl_metric *m)
{
	bool rule = pl_metric_by_rule(m);

	if (k->n++ >= 5)
		return;
	if (k->last != NULL && rule && k->last->item == m->item &&
	    same_text(k->last->why, m->why)) {
		pl_buf_printf(&k->b, ", %s", m->name);
		return;
	}
	skipped_close(k);
	pl_buf_puts(&k->b, k->n > 1 ? ", " : "");
	if (rule) {
		pl_name_escape(&k->b, m->item->name);
		pl_buf_printf(&k->b, " %s", m->name);
	} else {
		pl_buf_puts(&k->b, m->label);
	}
	k->last = rule ? m : NULL;
	if (!rule && m->why != NULL)
		pl_buf_printf(&k->b, " (%s)", m->why);
}

/* Judges every metric. A user's threshold on a metric without a value is never silently
 * green: a lasting reason makes it r->missing_state; for this run only, one line lists
 * what was not judged. */
static void
evaluate(struct pl_result *r, const struct pl_thresholds *t)
{
	struct skipped k;

	memset(&k, 0, sizeof(k));
	pl_buf_init(&k.b, 2048);
	for (size_t i = 0; i < r->nmetrics; i++) {
		struct pl_metric *m = r->metrics[i];
		bool user = m->warn_src != 0 || m->crit_src != 0;

		m->state = PL_OK;
		if (isnan(m->value)) {
			bool lasting = m->missing == PL_MISSING_LASTING;

			if (user && lasting)
				m->state = r->missing_state;
			else if (user)
				skipped_add(&k, m);
			if (user)
				add_note(r, m->item, lasting ? PL_NOTE_LASTING : PL_NOTE_RUN,
					 m->label, m->why, m->fix,
					 m->warn_src ? t->v[m->warn_src - 1].text : NULL,
					 m->crit_src ? t->v[m->crit_src - 1].text : NULL);
			continue;
		}
		if (pl_range_alerts(&m->crit, m->value))
			m->state = PL_CRITICAL;
		else if (pl_range_alerts(&m->warn, m->value))
			m->state = PL_WARNING;
	}
	skipped_close(&k);
	if (k.n > 5)
		pl_buf_printf(&k.b, _(" (+%zu more)"), k.n - 5);
	if (k.n)
		pl_result_line(r, _("not judged this run (no value): %s"), pl_buf_str(&k.b));
	pl_buf_free(&k.b);
}

int
pl_result_apply(struct pl_result *r, const struct pl_thresholds *t,
		const char *const *primary, char *err, size_t errlen)
{
	check_labels(r);
	notes_free(r);
	for (size_t k = 0; k < r->nmetrics; k++)
		r->metrics[k]->warn_src = r->metrics[k]->crit_src = 0;
	for (size_t i = 0; i < t->n; i++) {
		const struct pl_threshold *th = &t->v[i];
		int rc = th->pattern == NULL ? apply_primary(r, th, i, primary, err, errlen)
					     : apply_labelled(r, th, i, err, errlen);

		if (rc != 0)
			return -1;
	}
	evaluate(r, t);
	swapped_ranges(r, t);
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
