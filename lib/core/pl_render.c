/* pl_render: a result as the engines, people and scripts read it. The contract is in
 * pl_result.h (pl_render_with); the JSON form is described by
 * contrib/schema/plumbline-result.schema.json. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pl_buf.h"
#include "pl_i18n.h"
#include "pl_num.h"
#include "pl_result.h"
#include "pl_text.h"

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

/* An item as texts name it: its escaped name, after its parents' and a '/' when it has
 * a parent ("full/web1"), so that two hosts' items of two classes stay apart; deeper
 * than ITEM_PATH_MAX levels, the outer ones are shown as ".../". */
#define ITEM_PATH_MAX 4
static void
item_name_put(struct pl_buf *b, const struct pl_item *it)
{
	const struct pl_item *up[ITEM_PATH_MAX];
	size_t n = 0;

	for (; it != NULL && n < ITEM_PATH_MAX; it = it->parent)
		up[n++] = it;
	if (it != NULL)
		pl_buf_puts(b, ".../");
	while (n-- > 0) {
		pl_name_escape(b, up[n]->name);
		if (n > 0)
			pl_buf_putc(b, '/');
	}
}

/* A text as shown: an item's texts after the item's escaped name. */
static void
line_put(struct pl_buf *b, const struct pl_line *l)
{
	if (l->item != NULL) {
		item_name_put(b, l->item);
		pl_buf_puts(b, ": ");
	}
	pl_buf_puts(b, l->text);
}

/* "sda util" for an item's metric (or "util" inside the item), the label otherwise. */
static void
metric_name(struct pl_buf *b, const struct pl_metric *m, bool with_item)
{
	if (!pl_metric_by_rule(m)) {
		pl_buf_puts(b, m->label);
		return;
	}
	if (with_item) {
		item_name_put(b, m->item);
		pl_buf_putc(b, ' ');
	}
	pl_buf_puts(b, m->name);
}

/* Decimals added at most to tell a value from a limit (no scientific notation). */
#define EXTRA_MAX 6

/* The texts of a value and the bounds of the range it breached (lo: the start, hi: the
 * end; "" when infinite), each with e more decimals than usual: the smallest e (at most
 * EXTRA_MAX) at which the value reads unlike every bound and no bound other than zero
 * reads as zero ("0.08% over 0.07%", not "0.1% over 0.1%"). Returns e. */
static int
limit_texts(const struct pl_metric *m, const struct pl_range *rg, char *v, char *lo,
	    char *hi, size_t len)
{
	char zero[64];

	for (int e = 0;; e++) {
		bool alike = false;

		pl_unit_human_dec(v, len, m->value, m->unit, e);
		pl_unit_human_dec(zero, sizeof(zero), 0, m->unit, e);
		lo[0] = hi[0] = '\0';
		if (!rg->start_inf) {
			pl_unit_human_dec(lo, len, rg->start, m->unit, e);
			alike = strcmp(v, lo) == 0 || (rg->start != 0 && strcmp(lo, zero) == 0);
		}
		if (!rg->end_inf) {
			pl_unit_human_dec(hi, len, rg->end, m->unit, e);
			alike = alike || strcmp(v, hi) == 0 ||
				(rg->end != 0 && strcmp(hi, zero) == 0);
		}
		if (!alike || e == EXTRA_MAX)
			return e;
	}
}

/* Why m is a problem, in words: "(warning over 80%)", or for a value that cannot be had
 * "(not judged: the kernel does not know eth0's link speed; give it with ...)". When
 * val is not NULL, the value as compared with the limit goes there. With summary set
 * the plugin showed the value at the usual decimals: when that reads like a bound, the
 * value follows as compared ("(critical over 0.07%: 0.08%)"). */
static void
metric_limit(struct pl_buf *b, const struct pl_metric *m, char *val, size_t vlen,
	     bool summary)
{
	const struct pl_range *rg = m->state == PL_CRITICAL ? &m->crit : &m->warn;
	char lo[64], hi[64], v[64], usual[64], ulo[64], uhi[64];

	struct pl_buf how = PL_BUF_INIT;

	if (isnan(m->value)) {
		const char *why = m->why ? m->why : _("no value");

		if (m->fix != NULL)
			pl_buf_printf(b, _("(not judged: %s; %s)"), why, m->fix);
		else
			pl_buf_printf(b, _("(not judged: %s)"), why);
		return;
	}
	if (limit_texts(m, rg, v, lo, hi, sizeof(v)) > 0 && summary) {
		/* The usual texts: how the plugin's figure reads beside the bounds. */
		pl_unit_human(usual, sizeof(usual), m->value, m->unit);
		pl_unit_human(ulo, sizeof(ulo), rg->start, m->unit);
		pl_unit_human(uhi, sizeof(uhi), rg->end, m->unit);
		summary = (!rg->start_inf && strcmp(usual, ulo) == 0) ||
			  (!rg->end_inf && strcmp(usual, uhi) == 0);
	} else {
		summary = false;
	}
	if (val != NULL)
		pl_strlcpy(val, v, vlen);
	pl_buf_init(&how, 256);
	if (rg->inside && rg->start_inf && rg->end_inf)
		pl_buf_puts(&how, _("at any value"));
	else if (rg->inside && rg->start_inf)
		pl_buf_printf(&how, _("at or under %s"), hi);
	else if (rg->inside && rg->end_inf)
		pl_buf_printf(&how, _("at or over %s"), lo);
	else if (rg->inside)
		pl_buf_printf(&how, _("between %s and %s"), lo, hi);
	else if (!rg->end_inf && m->value > rg->end)
		pl_buf_printf(&how, _("over %s"), hi);
	else
		pl_buf_printf(&how, _("under %s"), lo);
	/* TRANSLATORS: "(critical over 80%)": the state, then how the limit was passed. */
	if (summary)
		pl_buf_printf(b, _("(%s %s: %s)"), m->state == PL_CRITICAL ? _("critical") :
			      _("warning"), pl_buf_str(&how), v);
	else
		pl_buf_printf(b, _("(%s %s)"), m->state == PL_CRITICAL ? _("critical") :
			      _("warning"), pl_buf_str(&how));
	pl_buf_free(&how);
}

/* "iowait 35% (critical over 30%)", "sda util 95% (warning over 90%)" */
static void
metric_problem(struct pl_buf *b, const struct pl_metric *m, bool with_item)
{
	struct pl_buf lim = PL_BUF_INIT;
	char v[64] = "";

	pl_buf_init(&lim, 4096);
	metric_limit(&lim, m, v, sizeof(v), false);
	metric_name(b, m, with_item);
	if (!isnan(m->value))
		pl_buf_printf(b, " %s", v);
	pl_buf_putc(b, ' ');
	pl_buf_add(b, lim.data, lim.len);
	pl_buf_free(&lim);
}

/* A problem: a finding that is not OK, or a metric that breached a threshold (or could
 * not be judged) and is not shown in the summary already. */
struct problem {
	int sev;
	bool metric;
	size_t idx;                  /* into r->lines or r->metrics */
	bool shown;                  /* named in full on the status line */
	size_t part;                 /* 1 + the summary mark it shows (it leads the line) */
};

/* The problems of a rendering, worst first, and what they take from the summary. */
struct plan {
	struct problem *pv;
	size_t np;
	/* Per metric: 1 + the index of the first metric of its group. Metrics of one item
	 * without a value for one reason are one problem ("eth0 rx_util, tx_util (not
	 * judged: ...)"): the reason once. 0: not a problem. */
	size_t *owner;
	unsigned char *lifted;       /* per summary mark: LIFT_LEAD, LIFT_ALONG or 0 */
};

static int
problem_cmp(const void *a, const void *b)
{
	const struct problem *x = a, *y = b;

	if (x->sev != y->sev)
		return y->sev - x->sev;
	if ((x->part != 0) != (y->part != 0))
		return x->part != 0 ? -1 : 1;
	if (x->part != y->part)
		return x->part < y->part ? -1 : 1;
	if (x->metric != y->metric)
		return x->metric - y->metric;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* A summary part that leads the line (LIFT_LEAD), or one that leaves the summary with
 * the part before it (LIFT_ALONG: the "(1.6%)" after "rx 15.8Mbit/s"). */
enum { LIFT_LEAD = 1, LIFT_ALONG = 2 };

/* The first summary mark that shows m, or -1. */
static long
mark_of(const struct pl_result *r, const struct pl_metric *m)
{
	for (size_t k = 0; k < r->nmarks; k++)
		if (r->marks[k].m == m && !r->marks[k].aside)
			return (long)k;
	return -1;
}

/* The part that says more of mark k's item in parentheses right after it ("rx
 * 15.8Mbit/s (1.6%)"), or -1: it cannot stay when part k leaves. */
static long
companion(const struct pl_result *r, size_t k)
{
	const struct pl_mark *a = &r->marks[k], *b = k + 1 < r->nmarks ? a + 1 : NULL;
	const char *s = r->summary.data;

	if (b == NULL || b->aside || a->m->item == NULL || b->m->item != a->m->item ||
	    b->start != a->end + 1 || b->end > r->summary.len || b->end < b->start + 2 ||
	    s[a->end] != ' ' || s[b->start] != '(' || s[b->end - 1] != ')')
		return -1;
	return (long)k + 1;
}

static bool
same_text(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* Two metrics of one item that have no value for the same reason, in the same state. */
static bool
same_reason(const struct pl_metric *a, const struct pl_metric *b)
{
	return a->item != NULL && a->item == b->item && isnan(a->value) && isnan(b->value) &&
	       a->state == b->state && same_text(a->why, b->why) && same_text(a->fix, b->fix) &&
	       pl_metric_by_rule(a) && pl_metric_by_rule(b);
}

static size_t
metric_index(const struct pl_result *r, const struct pl_metric *m)
{
	size_t i = 0;

	while (i + 1 < r->nmetrics && r->metrics[i] != m)
		i++;
	return i;
}

/* Which summary parts lead the line: when the worst problem is a metric shown in the
 * summary, and the line would otherwise start with something milder (a warning finding,
 * or a milder part earlier in the summary), the worst parts (at most three) lead. */
static void
lift_parts(const struct pl_result *r, struct plan *p)
{
	int first = p->np ? p->pv[0].sev : -1, worst = first;
	size_t nlift = 0;

	for (size_t k = 0; k < r->nmarks; k++) {
		const struct pl_metric *m = r->marks[k].m;
		int sev = pl_state_severity(m->state);

		if (m->state == PL_OK || r->marks[k].aside)
			continue;
		if (first < 0)
			first = sev;
		if (sev > worst)
			worst = sev;
	}
	if (worst <= first)
		return;
	for (size_t k = 0; k < r->nmarks && nlift < 3; k++) {
		const struct pl_metric *m = r->marks[k].m;
		long j;

		if (m->state == PL_OK || pl_state_severity(m->state) != worst ||
		    r->marks[k].aside || mark_of(r, m) != (long)k || p->lifted[k])
			continue;
		p->lifted[k] = LIFT_LEAD;
		p->pv[p->np++] = (struct problem){ worst, true, metric_index(r, m), false, k + 1 };
		nlift++;
		j = companion(r, k);
		if (j < 0 || p->lifted[j])
			continue;
		/* What left with the part is said among the problems when it is one. */
		p->lifted[j] = LIFT_ALONG;
		m = r->marks[j].m;
		if (m->state != PL_OK)
			p->pv[p->np++] = (struct problem){ pl_state_severity(m->state), true,
							   metric_index(r, m), false, 0 };
	}
}

/* The problems, worst first. Returns 0, or -1 when out of memory (p is then empty). */
static int
plan_make(const struct pl_result *r, struct plan *p)
{
	memset(p, 0, sizeof(*p));
	p->pv = malloc((r->nlines + r->nmetrics + 4) * sizeof(*p->pv));
	p->owner = calloc(r->nmetrics + 1, sizeof(*p->owner));
	p->lifted = calloc(r->nmarks + 1, sizeof(*p->lifted));
	if (p->pv == NULL || p->owner == NULL || p->lifted == NULL)
		return -1;
	for (size_t i = 0; i < r->nlines; i++)
		if (r->lines[i].state > PL_OK)
			p->pv[p->np++] = (struct problem){ pl_state_severity(
				(enum pl_state)r->lines[i].state), false, i, false, 0 };
	for (size_t i = 0; i < r->nmetrics; i++) {
		const struct pl_metric *m = r->metrics[i];
		bool joined = false;

		if (m->state == PL_OK || mark_of(r, m) >= 0)
			continue;
		/* The item's metrics come one after another: a look at the last few problems
		 * finds the group (and keeps this linear). */
		for (size_t j = p->np, seen = 0; j > 0 && seen < 16 && p->pv[j - 1].metric &&
		     !joined; j--, seen++)
			if (same_reason(r->metrics[p->pv[j - 1].idx], m)) {
				p->owner[i] = p->pv[j - 1].idx + 1;
				joined = true;
			}
		if (joined)
			continue;
		p->owner[i] = i + 1;
		p->pv[p->np++] = (struct problem){ pl_state_severity(m->state), true, i, false, 0 };
	}
	qsort(p->pv, p->np, sizeof(*p->pv), problem_cmp);
	lift_parts(r, p);
	qsort(p->pv, p->np, sizeof(*p->pv), problem_cmp);
	return 0;
}

static void
plan_free(struct plan *p)
{
	free(p->pv);
	free(p->owner);
	free(p->lifted);
}

/* A metric problem with the others of its group: "eth0 rx_util, tx_util (not judged:
 * the kernel does not know eth0's link speed; ...)". */
static void
group_put(struct pl_buf *b, const struct pl_result *r, const struct plan *p, size_t idx)
{
	const struct pl_metric *m = r->metrics[idx];
	size_t n = 0;

	for (size_t k = idx + 1; k < r->nmetrics; k++)
		n += p->owner[k] == idx + 1;
	if (n == 0) {
		metric_problem(b, m, true);
		return;
	}
	metric_name(b, m, true);
	for (size_t k = idx + 1; k < r->nmetrics; k++)
		if (p->owner[k] == idx + 1)
			pl_buf_printf(b, ", %s", r->metrics[k]->name);
	pl_buf_putc(b, ' ');
	metric_limit(b, m, NULL, 0, false);
}

static void
problem_put(struct pl_buf *b, const struct pl_result *r, const struct plan *p,
	    const struct problem *q)
{
	const struct pl_mark *mk;

	if (q->part != 0) {
		/* The part as the plugin wrote it, and its limit: the figure once. An item's
		 * metric is said as any item's problem is ("sda util 95% (...)"): a part
		 * written to follow the item's name would lose it. */
		mk = &r->marks[q->part - 1];
		if (mk->start < mk->end && mk->end <= r->summary.len && mk->m->item == NULL) {
			pl_buf_add(b, r->summary.data + mk->start, mk->end - mk->start);
			pl_buf_putc(b, ' ');
			metric_limit(b, mk->m, NULL, 0, true);
			return;
		}
	}
	if (q->metric)
		group_put(b, r, p, q->idx);
	else
		line_put(b, &r->lines[q->idx]);
}

/* The next kept byte at or after i (n: none), and the last kept one before i (n: none). */
static size_t
kept_after(const bool *drop, size_t n, size_t i)
{
	while (i < n && drop[i])
		i++;
	return i;
}

static size_t
kept_before(const bool *drop, size_t n, size_t i)
{
	while (i > 0 && drop[i - 1])
		i--;
	return i > 0 ? i - 1 : n;
}

/* Takes a lifted part out of the summary with what joins it to the rest: the ", " after
 * it (or before it), the parentheses around it and the blank before them, or the blank
 * before it; an aside only with the blank before it. */
static void
drop_part(const char *s, size_t n, bool *drop, size_t start, size_t end, bool aside)
{
	size_t a, a2, z, z2;

	for (size_t i = start; i < end && i < n; i++)
		drop[i] = true;
	z = kept_after(drop, n, end);
	z2 = z < n ? kept_after(drop, n, z + 1) : n;
	a = kept_before(drop, n, start);
	a2 = a < n ? kept_before(drop, n, a) : n;
	if (aside) {
		if (a < n && s[a] == ' ')
			drop[a] = true;    /* an aside is no element of a list */
	} else if (z2 < n && s[z] == ',' && s[z2] == ' ') {
		drop[z] = drop[z2] = true;
	} else if (a2 < n && s[a2] == ',' && s[a] == ' ') {
		drop[a] = drop[a2] = true;
	} else if (a < n && z < n && s[a] == '(' && s[z] == ')') {
		drop[a] = drop[z] = true;
		if (a2 < n && s[a2] == ' ')
			drop[a2] = true;
	} else if (a < n && s[a] == ' ' && (z == n || strchr(" ,;)", s[z]) != NULL)) {
		drop[a] = true;
	}
}

/* The summary, with the limit after each part that shows a metric with a problem, and
 * without the parts that lead the line (lifted; NULL: none). */
static void
summary_put(struct pl_buf *b, const struct pl_result *r, const unsigned char *lifted)
{
	const char *s = r->summary.data;
	size_t n = r->summary.len, k = 0, from = b->len;
	bool *drop = NULL;

	if (n == 0)
		return;
	for (size_t i = 0; i < r->nmarks; i++) {
		const struct pl_mark *mk = &r->marks[i];
		unsigned char l = lifted != NULL ? lifted[i] : 0;
		long j = l == LIFT_LEAD ? companion(r, i) : -1;
		size_t end = j >= 0 && lifted[j] == LIFT_ALONG ? r->marks[j].end : mk->end;

		if (mk->aside ? mk->m->state == PL_OK :
		    l == 0 || (l == LIFT_ALONG && i > 0 && lifted[i - 1]))
			continue;     /* stays, or leaves with the part before it */
		if (drop == NULL && (drop = calloc(n, sizeof(*drop))) == NULL)
			break;
		drop_part(s, n, drop, mk->start, end, mk->aside);
	}
	for (size_t i = 0; i <= n; i++) {
		for (; k < r->nmarks && r->marks[k].end <= i; k++) {
			const struct pl_mark *mk = &r->marks[k];

			if (mk->m->state == PL_OK || mk->aside || (lifted != NULL && lifted[k]) ||
			    mk->end < i)
				continue;    /* no problem, led the line, or out of order */
			pl_buf_putc(b, ' ');
			metric_limit(b, mk->m, NULL, 0, true);
		}
		if (i < n && !(drop != NULL && drop[i]))
			pl_buf_putc(b, s[i]);
	}
	free(drop);
	/* A part that led the summary leaves the blank or ", " that followed it. */
	if (b->data != NULL) {
		size_t lead = from;

		while (lead < b->len && (b->data[lead] == ' ' || b->data[lead] == ','))
			lead++;
		memmove(b->data + from, b->data + lead, b->len - lead + 1);
		b->len -= lead - from;
	}
}

static void
no_breaks(struct pl_buf *b, size_t from)
{
	pl_one_line(b->data != NULL ? b->data + from : NULL);
}

/* Problems lead the status line, the worst first, at most three named; the summary
 * follows. Marks the problems it names in full. */
static void
status_line(const struct pl_result *r, struct plan *p, struct pl_buf *b)
{
	size_t named = 0, sumlen;

	pl_buf_printf(b, "%s %s - ", r->service, pl_state_name(pl_result_state(r)));
	if (r->oom)
		pl_buf_puts(b, _("out of memory while building the result, "));
	for (; named < p->np && named < 3; named++) {
		if (named)
			pl_buf_puts(b, ", ");
		problem_put(b, r, p, &p->pv[named]);
		p->pv[named].shown = true;
	}
	if (p->np > named)
		pl_buf_printf(b, _(" (+%zu more)"), p->np - named);
	if (r->summary.len) {
		/* Not "; ": Nagios Core rewrites semicolons in plugin output. */
		if (named)
			pl_buf_puts(b, " - ");
		sumlen = b->len;
		summary_put(b, r, p->lifted);
		if (b->len == sumlen && named) {
			b->len -= 3;       /* the summary was all in the parts that lead */
			b->data[b->len] = '\0';
		}
	} else if (!named) {
		pl_buf_puts(b, _("no problems found"));
	}
	if (b->len > PL_STATUS_CAP) {
		b->len = PL_STATUS_CAP - 3;
		/* Never inside a UTF-8 character (translated text). */
		while (b->len > 0 && ((unsigned char)b->data[b->len] & 0xc0) == 0x80)
			b->len--;
		b->data[b->len] = '\0';
		pl_buf_puts(b, "...");
		for (size_t i = 0; i < named; i++)
			p->pv[i].shown = false;
	}
	no_breaks(b, 0);
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
	pl_buf_putc(b, '=');
	if (isnan(m->value)) {
		pl_buf_putc(b, 'U');
	} else {
		pl_buf_puts(b, pl_fmt_num(f[0], sizeof(f[0]), m->value, metric_prec(m)));
		pl_buf_puts(b, pl_unit_uom(m->unit));
	}
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
	for (int i = 1; i <= last; i++) {
		pl_buf_putc(b, ';');
		pl_buf_puts(b, f[i]);
	}
}

/* The bytes that go into a JSON string as they are: printable ASCII but '"' and '\\'
 * (a table: a run of them is found with one lookup per byte). */
static const bool *
json_plain(void)
{
	static bool plain[256];

	if (!plain['a'])
		for (int c = 0x20; c < 0x7f; c++)
			plain[c] = c != '"' && c != '\\';
	return plain;
}

void
pl_html_text(struct pl_buf *out, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '<': pl_buf_puts(out, "&lt;"); break;
		case '>': pl_buf_puts(out, "&gt;"); break;
		case '&': pl_buf_puts(out, "&amp;"); break;
		case '"': pl_buf_puts(out, "&quot;"); break;
		case '\'': pl_buf_puts(out, "&#39;"); break;
		default:
			pl_buf_putc(out, ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t') ||
				    *s == 0x7f ? '?' : *s);
		}
	}
}

void
pl_json_string(struct pl_buf *out, const char *s)
{
	const bool *plain = json_plain();

	pl_buf_putc(out, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (plain[*p]) {
			/* A run of plain bytes at once. */
			const unsigned char *q = p + 1;

			while (plain[*q])
				q++;
			pl_buf_add(out, p, (size_t)(q - p));
			p = q - 1;
			continue;
		}
		if (*p >= 0x80) {
			size_t n = pl_utf8_len(p);

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
			if (*p < 0x20 || *p == 0x7f)
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
	/* Room for any finite double in plain decimals (DBL_MAX has 309 digits): JSON has
	 * no "U", and pl_fmt_num gives that for a number its buffer cannot hold. */
	char n[330];

	if (isnan(v) || isinf(v) || strcmp(pl_fmt_num(n, sizeof(n), v, prec), "U") == 0)
		pl_buf_puts(out, "null");
	else
		pl_buf_puts(out, n);
}

static void
json_str_or_null(struct pl_buf *out, const char *s)
{
	if (s != NULL)
		pl_json_string(out, s);
	else
		pl_buf_puts(out, "null");
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
	json_str_or_null(out, m->warn.set ? pl_range_format(&m->warn, rg, sizeof(rg)) : NULL);
	pl_buf_puts(out, ",\"crit\":");
	json_str_or_null(out, m->crit.set ? pl_range_format(&m->crit, rg, sizeof(rg)) : NULL);
	pl_buf_puts(out, ",\"min\":");
	json_num(out, m->has_min ? m->min : NAN, metric_prec(m));
	pl_buf_puts(out, ",\"max\":");
	json_num(out, m->has_max ? m->max : NAN, metric_prec(m));
	pl_buf_printf(out, ",\"state\":\"%s\",\"perfdata\":%s", pl_state_name(m->state),
		      m->hidden ? "false" : "true");
	if (m->missing != PL_MISSING_NONE && isnan(m->value)) {
		pl_buf_printf(out, ",\"missing\":{\"for\":\"%s\",\"why\":", missing[m->missing]);
		json_str_or_null(out, m->why);
		pl_buf_puts(out, ",\"fix\":");
		json_str_or_null(out, m->fix);
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
	size_t *fill;

	g->start = calloc(ngroups + 1, sizeof(*g->start));
	g->v = malloc((n ? n : 1) * sizeof(*g->v));
	fill = calloc(ngroups, sizeof(*fill));
	if (g->start == NULL || g->v == NULL || fill == NULL) {
		free(fill);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		g->start[key[i] + 1]++;
	for (size_t k = 0; k < ngroups; k++)
		g->start[k + 1] += g->start[k];
	for (size_t i = 0; i < n; i++)
		g->v[g->start[key[i]] + fill[key[i]]++] = i;
	free(fill);
	return 0;
}

static void
groups_free(struct groups *g)
{
	free(g->start);
	free(g->v);
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

/* What the renderers share: metrics and lines by item, item states. */
struct view {
	const struct pl_result *r;
	struct groups metrics, lines, notes;
	enum pl_state *states;       /* per item */
	/* JSON: the size budget and what it left out */
	size_t budget;
	size_t reserve;              /* bytes the open levels need to close */
	struct pl_buf tmp, text;     /* scratch for one element, kept across the walk */
	size_t left_items, left_metrics, left_findings, left_lines, left_facts, left_notes;
};

static int
view_init(struct view *x, const struct pl_result *r)
{
	size_t n = r->nmetrics > r->nlines ? r->nmetrics : r->nlines;

	if (r->nnotes > n)
		n = r->nnotes;
	size_t *key = malloc((n ? n : 1) * sizeof(*key));
	int rc = -1;

	memset(x, 0, sizeof(*x));
	x->r = r;
	pl_buf_init(&x->tmp, PL_JSON_CAP);
	pl_buf_init(&x->text, 8192);
	x->states = malloc((r->nitems ? r->nitems : 1) * sizeof(*x->states));
	if (key == NULL || x->states == NULL)
		goto end;
	for (size_t i = 0; i < r->nmetrics; i++)
		key[i] = r->metrics[i]->item ? r->metrics[i]->item->index + 1 : 0;
	if (group(r->nitems + 1, r->nmetrics, key, &x->metrics) != 0)
		goto end;
	for (size_t i = 0; i < r->nlines; i++)
		key[i] = r->lines[i].item ? r->lines[i].item->index + 1 : 0;
	if (group(r->nitems + 1, r->nlines, key, &x->lines) != 0)
		goto end;
	for (size_t i = 0; i < r->nnotes; i++)
		key[i] = r->notes[i].item ? r->notes[i].item->index + 1 : 0;
	if (group(r->nitems + 1, r->nnotes, key, &x->notes) != 0)
		goto end;
	item_states(r, x->states);
	rc = 0;
end:
	free(key);
	return rc;
}

static void
view_free(struct view *x)
{
	groups_free(&x->metrics);
	groups_free(&x->lines);
	groups_free(&x->notes);
	pl_buf_free(&x->tmp);
	pl_buf_free(&x->text);
	free(x->states);
}

/* Whether an element of at least least bytes can still fit the budget. Once the budget
 * is spent, what remains is counted without being formatted (with thousands of
 * metrics, most are). */
static bool
json_room(const struct view *x, const struct pl_buf *out, size_t least)
{
	return out->len + least + 1 + x->reserve <= x->budget;
}

/* Appends one JSON array element from tmp when it fits the budget; counts it otherwise. */
static void
json_elem(struct view *x, struct pl_buf *out, const struct pl_buf *tmp, size_t *k,
	  size_t *left)
{
	if (out->len + tmp->len + 1 + x->reserve > x->budget || tmp->truncated || tmp->oom) {
		(*left)++;
		return;
	}
	if ((*k)++)
		pl_buf_putc(out, ',');
	pl_buf_add(out, tmp->data, tmp->len);
}

/* The metrics and items below it, for "left_out". */
static void
count_item(const struct view *x, const struct pl_item *it, size_t *items, size_t *metrics)
{
	(*items)++;
	*metrics += x->metrics.start[it->index + 2] - x->metrics.start[it->index + 1];
	for (const struct pl_item *c = it->child; c != NULL; c = c->next)
		count_item(x, c, items, metrics);
}

/* The fixed text of a level: ',"findings":[],"lines":[],"not_judged":[],"metrics":[],
 * "facts":{},"items":[]' and the brace that closes an item, with room to spare; and an
 * item's own fields without its strings. */
#define NODE_CLOSE 100
#define ITEM_HEAD 64

/* The findings (threshold breaches among them), lines, metrics, facts and items of
 * group g: the result itself (0) or an item (1 + index). */
static void
json_node(struct view *x, size_t g, const struct pl_item *first, const struct pl_fact *facts,
	  size_t nfacts, struct pl_buf *out)
{
	const struct pl_result *r = x->r;
	struct pl_buf *tmp = &x->tmp;
	size_t k = 0;

	pl_buf_puts(out, ",\"findings\":[");
	for (size_t j = x->lines.start[g]; j < x->lines.start[g + 1]; j++) {
		const struct pl_line *l = &r->lines[x->lines.v[j]];

		if (l->state < 0)
			continue;
		if (!json_room(x, out, strlen(l->text) + 24)) {
			x->left_findings++;
			continue;
		}
		pl_buf_reset(tmp);
		pl_buf_printf(tmp, "{\"state\":\"%s\",\"text\":",
			      pl_state_name((enum pl_state)l->state));
		pl_json_string(tmp, l->text);
		pl_buf_putc(tmp, '}');
		json_elem(x, out, tmp, &k, &x->left_findings);
	}
	for (size_t j = x->metrics.start[g]; j < x->metrics.start[g + 1]; j++) {
		const struct pl_metric *m = r->metrics[x->metrics.v[j]];

		if (m->state == PL_OK)
			continue;
		if (!json_room(x, out, strlen(m->label) + 36)) {
			x->left_findings++;
			continue;
		}
		pl_buf_reset(&x->text);
		metric_problem(&x->text, m, false);
		pl_buf_reset(tmp);
		pl_buf_printf(tmp, "{\"state\":\"%s\",\"text\":", pl_state_name(m->state));
		pl_json_string(tmp, pl_buf_str(&x->text));
		pl_buf_puts(tmp, ",\"metric\":");
		pl_json_string(tmp, m->label);
		pl_buf_putc(tmp, '}');
		json_elem(x, out, tmp, &k, &x->left_findings);
	}
	pl_buf_puts(out, "],\"lines\":[");
	k = 0;
	for (size_t j = x->lines.start[g]; j < x->lines.start[g + 1]; j++) {
		const struct pl_line *l = &r->lines[x->lines.v[j]];

		if (l->state >= 0)
			continue;
		if (!json_room(x, out, strlen(l->text) + 2)) {
			x->left_lines++;
			continue;
		}
		pl_buf_reset(tmp);
		pl_json_string(tmp, l->text);
		json_elem(x, out, tmp, &k, &x->left_lines);
	}
	pl_buf_puts(out, "],\"not_judged\":[");
	k = 0;
	for (size_t j = x->notes.start[g]; j < x->notes.start[g + 1]; j++) {
		static const char *const why_for[] = { "this run", "lasting", "not here" };
		const struct pl_note *n = &r->notes[x->notes.v[j]];

		if (!json_room(x, out, 64)) {
			x->left_notes++;
			continue;
		}
		pl_buf_reset(tmp);
		pl_buf_puts(tmp, "{\"label\":");
		pl_json_string(tmp, n->label ? n->label : "");
		pl_buf_printf(tmp, ",\"for\":\"%s\",\"reason\":", why_for[n->why_for]);
		pl_json_string(tmp, n->reason ? n->reason : "");
		pl_buf_puts(tmp, ",\"fix\":");
		json_str_or_null(tmp, n->fix);
		pl_buf_puts(tmp, ",\"thresholds\":[");
		for (size_t i = 0; i < 2 && n->thresholds[i] != NULL; i++) {
			if (i)
				pl_buf_putc(tmp, ',');
			pl_json_string(tmp, n->thresholds[i]);
		}
		pl_buf_puts(tmp, "]}");
		json_elem(x, out, tmp, &k, &x->left_notes);
	}
	pl_buf_puts(out, "],\"metrics\":[");
	k = 0;
	for (size_t j = x->metrics.start[g]; j < x->metrics.start[g + 1]; j++) {
		/* {"label":"","value":null,"unit":"","uom":"","warn":null,... at least */
		if (!json_room(x, out, strlen(r->metrics[x->metrics.v[j]]->label) + 100)) {
			x->left_metrics++;
			continue;
		}
		pl_buf_reset(tmp);
		json_metric(tmp, r->metrics[x->metrics.v[j]]);
		json_elem(x, out, tmp, &k, &x->left_metrics);
	}
	pl_buf_puts(out, "],\"facts\":{");
	k = 0;
	for (size_t i = 0; i < nfacts; i++) {
		if (!json_room(x, out, strlen(facts[i].key) + strlen(facts[i].value) + 5)) {
			x->left_facts++;
			continue;
		}
		pl_buf_reset(tmp);
		pl_json_string(tmp, facts[i].key);
		pl_buf_putc(tmp, ':');
		pl_json_string(tmp, facts[i].value);
		json_elem(x, out, tmp, &k, &x->left_facts);
	}
	pl_buf_puts(out, "},\"items\":[");
	k = 0;
	for (const struct pl_item *it = first; it != NULL; it = it->next) {
		/* An item's own fields take a few hundred bytes; its contents are budgeted
		 * one by one. */
		if (out->len + ITEM_HEAD + strlen(it->kind) * 6 + strlen(it->name) * 6 +
		    strlen(it->prefix) + NODE_CLOSE + x->reserve > x->budget) {
			count_item(x, it, &x->left_items, &x->left_metrics);
			continue;
		}
		x->reserve += NODE_CLOSE;
		if (k++)
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
		x->reserve -= NODE_CLOSE;
	}
	pl_buf_putc(out, ']');
}

static void
render_json(const struct pl_result *r, const struct plan *p, const char *status,
	    struct pl_buf *out)
{
	enum pl_state st = pl_result_state(r);
	struct view x;
	size_t start = out->len;

	pl_buf_printf(out, "{\"schema\":%d,\"plugin\":", PL_JSON_SCHEMA);
	pl_json_string(out, r->plugin ? r->plugin : "");
	pl_buf_puts(out, ",\"service\":");
	pl_json_string(out, r->service);
	pl_buf_printf(out, ",\"state\":\"%s\",\"exit_code\":%d,\"status\":", pl_state_name(st),
		      (int)st);
	pl_json_string(out, status);
	if (view_init(&x, r) != 0) {
		pl_buf_puts(out, ",\"summary\":\"out of memory while rendering\"}\n");
		view_free(&x);
		return;
	}
	pl_buf_puts(out, ",\"summary\":");
	{
		struct pl_buf s = PL_BUF_INIT;

		pl_buf_init(&s, PL_STATUS_CAP * 4);
		summary_put(&s, r, p->lifted);
		no_breaks(&s, 0);
		pl_json_string(out, pl_buf_str(&s));
		pl_buf_free(&s);
	}
	if (r->usage.len) {
		pl_buf_puts(out, ",\"usage\":");
		pl_json_string(out, pl_buf_str(&r->usage));
	}
	/* Room for the "left_out" object; the closing brackets of the open levels are kept
	 * in x.reserve as the tree is walked. The fields above are bounded (the status line
	 * by PL_STATUS_CAP, the summary and the usage by their buffers' caps), so this
	 * leaves room for the rest. */
	x.budget = start + PL_JSON_CAP - 200;
	x.reserve = NODE_CLOSE;
	json_node(&x, 0, r->child, r->facts, r->nfacts, out);
	pl_buf_printf(out, ",\"left_out\":{\"items\":%zu,\"metrics\":%zu,\"findings\":%zu,"
		      "\"lines\":%zu,\"facts\":%zu,\"not_judged\":%zu}}\n", x.left_items,
		      x.left_metrics, x.left_findings, x.left_lines, x.left_facts, x.left_notes);
	view_free(&x);
}

/* One line of long output, ranked: problems not on the status line (worst first),
 * then the texts of items with problems (worst first), OK findings, the check's own
 * texts, the texts of items without problems. */
enum { E_PROBLEM, E_FINDING, E_LINE, E_FACT };

struct entry {
	int cls;
	size_t group;                /* 0: the check, 1 + index: an item */
	int type;
	size_t seq;                  /* order within the class */
	size_t idx;                  /* problem, line or fact index */
};

static int
entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->cls != y->cls)
		return x->cls - y->cls;
	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	if (x->type != y->type)
		return (x->type == E_FACT) - (y->type == E_FACT);
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The class of a plain text of group g. */
static int
text_cls(const struct view *x, size_t g)
{
	if (g == 0)
		return 7;
	if (x->states[g - 1] == PL_OK)
		return 8;
	return 3 + (3 - pl_state_severity(x->states[g - 1]));
}

static struct entry *
entries(const struct view *x, const struct problem *pv, size_t np, size_t *n)
{
	const struct pl_result *r = x->r;
	size_t nf = r->nfacts;
	struct entry *v;

	for (size_t i = 0; i < r->nitems; i++)
		nf += r->items[i]->nfacts;
	v = malloc((np + r->nlines + nf + 1) * sizeof(*v));
	*n = 0;
	if (v == NULL)
		return NULL;
	for (size_t i = 0; i < np; i++)
		if (!pv[i].shown)
			v[(*n)++] = (struct entry){ 3 - pv[i].sev, 0, E_PROBLEM, i, i };
	for (size_t i = 0; i < r->nlines; i++) {
		const struct pl_line *l = &r->lines[i];
		size_t g = l->item ? l->item->index + 1 : 0;

		if (l->state == PL_OK)
			v[(*n)++] = (struct entry){ 6, g, E_FINDING, i, i };
		else if (l->state < 0)
			v[(*n)++] = (struct entry){ text_cls(x, g), g, E_LINE, i, i };
	}
	for (size_t g = 0; g <= r->nitems; g++) {
		size_t cnt = g ? r->items[g - 1]->nfacts : r->nfacts;

		for (size_t k = 0; k < cnt; k++)
			v[(*n)++] = (struct entry){ text_cls(x, g), g, E_FACT, k, k };
	}
	qsort(v, *n, sizeof(*v), entry_cmp);
	return v;
}

static void
entry_put(struct pl_buf *b, const struct pl_result *r, const struct plan *p,
	  const struct entry *e)
{
	const struct problem *pv = p->pv;
	const struct pl_fact *f;

	switch (e->type) {
	case E_PROBLEM:
		if (pv[e->idx].metric)
			pl_buf_printf(b, "[%s] ", pl_state_name(r->metrics[pv[e->idx].idx]->state));
		else
			pl_buf_printf(b, "[%s] ", pl_state_name(
				(enum pl_state)r->lines[pv[e->idx].idx].state));
		problem_put(b, r, p, &pv[e->idx]);
		break;
	case E_FINDING:
		pl_buf_puts(b, "[OK] ");
		line_put(b, &r->lines[e->idx]);
		break;
	case E_LINE:
		line_put(b, &r->lines[e->idx]);
		break;
	case E_FACT:
		f = e->group ? &r->items[e->group - 1]->facts[e->idx] : &r->facts[e->idx];
		if (e->group) {
			item_name_put(b, r->items[e->group - 1]);
			pl_buf_putc(b, ' ');
		}
		pl_buf_printf(b, "%s: %s", f->key, f->value);
		break;
	}
}

/* Perfdata into perf, whole items only, at most cap bytes; returns how many were left
 * out for lack of room. */
static size_t
perfdata(const struct pl_result *r, const struct pl_render_opts *o, size_t cap,
	 struct pl_buf *perf)
{
	struct pl_buf item = PL_BUF_INIT;
	size_t left = 0;

	pl_buf_init(&item, 1024);
	for (size_t i = 0; i < r->nmetrics; i++) {
		const struct pl_metric *m = r->metrics[i];

		/* Many consumers reject "U" (Icinga 2's InfluxdbWriter warns on each): a
		 * metric without a value is left out unless asked for. */
		if (m->hidden || (isnan(m->value) && !o->perf_unknown))
			continue;
		/* An item takes at least its label, '=' and a digit: one that cannot fit is
		 * counted without being formatted (with thousands of metrics, most are). */
		if (perf->len + strlen(m->label) + 3 > cap) {
			left++;
			continue;
		}
		pl_buf_reset(&item);
		perf_item(m, &item);
		if (perf->len + item.len + 1 > cap) {
			left++;
			continue;
		}
		if (perf->len)
			pl_buf_putc(perf, ' ');
		pl_buf_add(perf, item.data, item.len);
	}
	pl_buf_free(&item);
	return left;
}

void
pl_render_with(const struct pl_result *r, const struct pl_render_opts *o, struct pl_buf *out)
{
	struct pl_buf status = PL_BUF_INIT, perf = PL_BUF_INIT, line = PL_BUF_INIT;
	struct plan p;
	struct entry *ev = NULL;
	struct view x;
	size_t ne = 0, nlines = 0, left_count = 0, left_size = 0, perf_left = 0;
	bool oneline = o->format == PL_FMT_ONELINE;
	const char *sep = oneline ? "; " : "\n";
	size_t cap = oneline ? PL_ONELINE_CAP : PL_OUTPUT_CAP;

	(void)plan_make(r, &p);   /* out of memory: no problems named, r->oom said */
	pl_buf_init(&status, PL_STATUS_CAP + 64);
	status_line(r, &p, &status);
	if (o->format == PL_FMT_JSON) {
		render_json(r, &p, pl_buf_str(&status), out);
		goto end;
	}
	pl_buf_init(&perf, PL_OUTPUT_CAP);
	if (!oneline)
		perf_left = perfdata(r, o, PL_OUTPUT_CAP / 2, &perf);
	else if (o->oneline_perf && status.len + 100 < cap)
		perf_left = perfdata(r, o, (cap - status.len - 100) / 2, &perf);
	pl_buf_add(out, status.data, status.len);
	if (view_init(&x, r) == 0)
		ev = entries(&x, p.pv, p.np, &ne);
	pl_buf_init(&line, 8192);
	for (size_t i = 0; ev != NULL && i < ne; i++) {
		/* Lines past --max-lines, or past the room left, are counted unformatted. */
		if (nlines >= o->max_lines) {
			left_count++;
			continue;
		}
		if (out->len + strlen(sep) + perf.len + 4 + 160 > cap) {
			left_size++;
			continue;
		}
		pl_buf_reset(&line);
		entry_put(&line, r, &p, &ev[i]);
		no_breaks(&line, 0);
		/* Room for the separators, the perfdata and the two notices below, so that
		 * the whole output stays within the cap. */
		if (out->len + strlen(sep) + line.len + perf.len + 4 + 160 > cap) {
			left_size++;
			continue;
		}
		pl_buf_puts(out, sep);
		pl_buf_add(out, line.data, line.len);
		nlines++;
	}
	if (ev == NULL && (r->nlines > 0 || p.np > 0))
		pl_buf_printf(out, _("%sout of memory while rendering the long output"), sep);
	view_free(&x);
	if ((left_count && o->max_lines > 0) || left_size)
		pl_buf_printf(out, P_("%s... %zu more line left out (%s)",
				      "%s... %zu more lines left out (%s)", left_count + left_size),
			      sep, left_count + left_size,
			      left_count && o->max_lines > 0 ? _("raise --max-lines to see more") :
			      _("output size limit"));
	if (perf_left)
		pl_buf_printf(out, P_("%s... %zu perfdata item left out (output size limit)",
				      "%s... %zu perfdata items left out (output size limit)",
				      perf_left), sep, perf_left);
	if (perf.len) {
		/* On the first line for the default form, so that the engines see it even if
		 * they keep only one line; after the long text in the one-line form. */
		if (!oneline) {
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
end:
	plan_free(&p);
	free(ev);
	pl_buf_free(&line);
	pl_buf_free(&perf);
	pl_buf_free(&status);
}

void
pl_render(const struct pl_result *r, enum pl_format fmt, size_t max_lines, struct pl_buf *out)
{
	struct pl_render_opts o = { fmt, max_lines, false, false };

	pl_render_with(r, &o, out);
}
