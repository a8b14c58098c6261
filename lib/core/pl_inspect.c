/* pl_inspect: the daily inspection report's model, check lists, perfdata and renderers.
 * See pl_inspect.h. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pl_buf.h"
#include "pl_clock.h"
#include "pl_i18n.h"
#include "pl_inspect.h"
#include "pl_num.h"
#include "pl_result.h"
#include "pl_text.h"

static char *
dup_cut(const char *s, size_t n, size_t cap)
{
	char *d;

	if (s == NULL)
		s = "", n = 0;
	if (n > cap) {
		n = cap;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;   /* cut at a character boundary */
	}
	d = malloc(n + 1);
	if (d == NULL)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

/* Long output past its cap: cut, and a last line says how much was left out. */
static char *
dup_long(const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;
	char *d, note[96];
	size_t dl, nl;

	if (n <= PL_INSP_LONG_CAP)
		return dup_cut(s, n, n);
	d = dup_cut(s, n, PL_INSP_LONG_CAP);
	if (d == NULL)
		return NULL;
	dl = strlen(d);
	pl_snprintf(note, sizeof(note), _("\n(long output cut: %zu of %zu bytes shown)"), dl, n);
	nl = strlen(note);
	{
		char *nd = realloc(d, dl + nl + 1);

		if (nd == NULL) {
			free(d);
			return NULL;
		}
		memcpy(nd + dl, note, nl + 1);
		return nd;
	}
}

void
pl_insp_init(struct pl_insp_report *r, const char *host, const char *mode, int64_t now)
{
	memset(r, 0, sizeof(*r));
	pl_strlcpy(r->host, host != NULL ? host : "", sizeof(r->host));
	pl_strlcpy(r->mode, mode != NULL ? mode : "local", sizeof(r->mode));
	r->time = now;
}

static void
item_free(struct pl_insp_item *it)
{
	free(it->host);
	free(it->name);
	free(it->plugin);
	free(it->status);
	free(it->long_out);
	free(it->perf);
}

void
pl_insp_free(struct pl_insp_report *r)
{
	for (size_t i = 0; i < r->n; i++)
		item_free(&r->v[i]);
	free(r->v);
	r->v = NULL;
	r->n = r->cap = 0;
}

static const char *const physical[] = {
	"check_hwmon", "check_mdraid", "check_disk", "check_disk_io", "check_smart",
	"check_raid", "check_sensors", "check_ipmi", "check_ipmi_sensor", "check_hpasm",
	"check_openmanage", "check_temp", "check_ups", "check_apcupsd", NULL,
};
static const char *const logs[] = {
	"check_log_errors", "check_ids", "check_log", "check_logfiles", "check_journal",
	"check_syslog", NULL,
};

int
pl_insp_group_of(const char *plugin)
{
	const char *b;

	if (plugin == NULL)
		return PL_INSP_OTHER;
	b = strrchr(plugin, '/');
	b = b != NULL ? b + 1 : plugin;
	for (size_t i = 0; physical[i] != NULL; i++)
		if (strcmp(b, physical[i]) == 0)
			return PL_INSP_PHYSICAL;
	for (size_t i = 0; logs[i] != NULL; i++)
		if (strcmp(b, logs[i]) == 0)
			return PL_INSP_LOGS;
	return PL_INSP_OTHER;
}

const char *
pl_insp_group_name(int g)
{
	static const char *const n[] = { "physical", "logs", "other" };

	return g >= 0 && g < PL_INSP_NGROUPS ? n[g] : "other";
}

const char *
pl_insp_group_title(int g)
{
	static const char *const n[] = {
		N_("Physical state (inspection item)"), N_("System logs (inspection item)"),
		N_("Other checks"),
	};

	return pl_tr(g >= 0 && g < PL_INSP_NGROUPS ? n[g] : n[2]);
}

const char *
pl_insp_change_name(int c)
{
	static const char *const n[] = { "ok", "new", "recovered", "open", "flapping" };

	return c >= 0 && c <= PL_INSP_FLAPPING ? n[c] : "ok";
}

const char *
pl_insp_state_word(int s)
{
	static const char *const n[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };

	return s >= 0 && s <= 3 ? n[s] : "UNKNOWN";
}

struct pl_insp_item *
pl_insp_add(struct pl_insp_report *r, const char *host, const char *name, const char *plugin,
	    int state, const char *status, const char *long_out, const char *perf,
	    int64_t last_change)
{
	struct pl_insp_item *it;
	const char *b;

	if (r->n == r->cap) {
		size_t nc = r->cap ? r->cap * 2 : 16;
		struct pl_insp_item *nv = realloc(r->v, nc * sizeof(*nv));

		if (nv == NULL)
			return NULL;
		r->v = nv;
		r->cap = nc;
	}
	it = &r->v[r->n];
	memset(it, 0, sizeof(*it));
	b = plugin != NULL ? strrchr(plugin, '/') : NULL;
	b = b != NULL ? b + 1 : plugin;
	it->host = dup_cut(host, host ? strlen(host) : 0, 255);
	it->name = dup_cut(name, name ? strlen(name) : 0, 255);
	it->plugin = dup_cut(b, b ? strlen(b) : 0, 255);
	it->status = dup_cut(status, status ? strlen(status) : 0, PL_INSP_STATUS_CAP);
	it->long_out = dup_long(long_out);
	it->perf = dup_cut(perf, perf ? strlen(perf) : 0, PL_INSP_PERF_CAP);
	if (!it->host || !it->name || !it->plugin || !it->status || !it->long_out || !it->perf) {
		item_free(it);
		return NULL;
	}
	it->state = state >= 0 && state <= 3 ? state : 3;
	it->last_change = last_change;
	it->group = pl_insp_group_of(it->plugin);
	it->hist[0] = (char)('0' + it->state);
	r->n++;
	return it;
}

static void
trim(const char **s, const char **e)
{
	while (*s < *e && (**s == ' ' || **s == '\t'))
		(*s)++;
	while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t' || (*e)[-1] == '\r'))
		(*e)--;
}

struct pl_insp_item *
pl_insp_add_output(struct pl_insp_report *r, const char *host, const char *name,
		   const char *plugin, int state, const char *out, size_t len,
		   int64_t last_change)
{
	struct pl_buf st = PL_BUF_INIT, lo = PL_BUF_INIT, pf = PL_BUF_INIT;
	struct pl_lines it;
	const char *ls, *le;
	bool in_perf = false, first = true;
	struct pl_insp_item *res;

	pl_buf_init(&st, PL_INSP_STATUS_CAP + 8);
	pl_buf_init(&lo, PL_INSP_LONG_CAP + 8);
	pl_buf_init(&pf, PL_INSP_PERF_CAP + 8);
	pl_lines_init(&it, out, out != NULL ? len : 0);
	while (pl_lines_next(&it, &ls, &le, NULL)) {
		const char *bar = memchr(ls, '|', (size_t)(le - ls));
		const char *te = bar != NULL ? bar : le;
		const char *ts = ls;

		bool was_first = first;

		if (first) {
			trim(&ts, &te);
			pl_buf_add(&st, ts, (size_t)(te - ts));
			first = false;
		} else if (!in_perf) {
			if (lo.len > 0)
				pl_buf_putc(&lo, '\n');
			pl_buf_add(&lo, ls, (size_t)(te - ls));
		}
		if (in_perf || bar != NULL) {
			const char *ps = in_perf ? ls : bar + 1, *pe = le;

			trim(&ps, &pe);
			if (pe > ps) {
				if (pf.len > 0)
					pl_buf_putc(&pf, ' ');
				pl_buf_add(&pf, ps, (size_t)(pe - ps));
			}
			if (!was_first && bar != NULL)
				in_perf = true;
		}
	}
	res = pl_insp_add(r, host, name, plugin, state, pl_buf_str(&st), pl_buf_str(&lo),
			  pl_buf_str(&pf), last_change);
	pl_buf_free(&st);
	pl_buf_free(&lo);
	pl_buf_free(&pf);
	return res;
}

int
pl_insp_worst(const struct pl_insp_report *r)
{
	int w = 0;

	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].state > w)
			w = r->v[i].state;
	return w;
}

void
pl_insp_counts(const struct pl_insp_report *r, size_t counts[4])
{
	memset(counts, 0, 4 * sizeof(counts[0]));
	for (size_t i = 0; i < r->n; i++)
		counts[r->v[i].state & 3]++;
}

static int
item_cmp(const void *a, const void *b)
{
	const struct pl_insp_item *x = a, *y = b;
	int c;

	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	c = strcmp(x->host, y->host);
	return c != 0 ? c : strcmp(x->name, y->name);
}

void
pl_insp_finish(struct pl_insp_report *r)
{
	uint64_t h = PL_HASH_INIT;
	struct pl_time t = { r->time, 0 };
	char ts[PL_RFC3339_SIZE];
	int64_t y;
	int mo, d;
	int64_t s = r->time % 86400;

	if (r->n > 1)
		qsort(r->v, r->n, sizeof(r->v[0]), item_cmp);
	for (size_t i = 0; i < r->n; i++) {
		h = pl_hash_more(h, r->v[i].host, strlen(r->v[i].host) + 1);
		h = pl_hash_more(h, r->v[i].name, strlen(r->v[i].name) + 1);
		h = pl_hash_more(h, r->v[i].status, strlen(r->v[i].status) + 1);
	}
	(void)t;
	(void)ts;
	if (s < 0)
		s += 86400;
	pl_civil_from_days((r->time - s) / 86400, &y, &mo, &d);
	pl_snprintf(r->id, sizeof(r->id), "%04lld%02d%02dT%02d%02d%02dZ-%08llx", (long long)y,
		    mo, d, (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60),
		    (unsigned long long)(h & 0xffffffffu));
}

/* ---- check lists ---- */

static bool
name_ok(const char *s, size_t n)
{
	if (n == 0 || n > 127)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '.' || c == '-'))
			return false;
	}
	return true;
}

static int
list_put(struct pl_insp_list *l, const char *name, size_t nn, const char *cmd, size_t cn,
	 size_t lineno)
{
	struct pl_insp_check *c = NULL;

	for (size_t i = 0; i < l->n; i++)
		if (strlen(l->v[i].name) == nn && memcmp(l->v[i].name, name, nn) == 0)
			c = &l->v[i];
	if (c == NULL) {
		if (l->n == l->cap) {
			size_t nc = l->cap ? l->cap * 2 : 16;
			struct pl_insp_check *nv = realloc(l->v, nc * sizeof(*nv));

			if (nv == NULL)
				return -1;
			l->v = nv;
			l->cap = nc;
		}
		c = &l->v[l->n++];
	}
	memset(c, 0, sizeof(*c));
	memcpy(c->name, name, nn);
	if (cn >= sizeof(c->command))
		cn = sizeof(c->command) - 1;
	memcpy(c->command, cmd, cn);
	c->lineno = lineno;
	return 0;
}

static int
list_include(struct pl_insp_list *l, const char *pfx, const char *p, size_t n)
{
	char **nv = realloc(l->includes, (l->nincludes + 1) * sizeof(*nv));
	size_t pl = strlen(pfx);

	if (nv == NULL)
		return -1;
	l->includes = nv;
	nv[l->nincludes] = malloc(pl + n + 1);
	if (nv[l->nincludes] == NULL)
		return -1;
	memcpy(nv[l->nincludes], pfx, pl);
	memcpy(nv[l->nincludes] + pl, p, n);
	nv[l->nincludes][pl + n] = '\0';
	l->nincludes++;
	return 0;
}

static void
list_bad(struct pl_insp_list *l, size_t lineno)
{
	if (l->bad++ == 0)
		l->first_bad = lineno;
}

/* One line that is not blank or a comment. */
static int
list_line(struct pl_insp_list *l, const char *s, const char *e, size_t lineno)
{
	const char *eq = memchr(s, '=', (size_t)(e - s));
	const char *ks = s, *ke, *vs, *ve = e;

	if (memchr(s, '\0', (size_t)(e - s)) != NULL || eq == NULL) {
		list_bad(l, lineno);
		return 0;
	}
	ke = eq;
	vs = eq + 1;
	trim(&ks, &ke);
	trim(&vs, &ve);
	if ((size_t)(ke - ks) > 9 && memcmp(ks, "command[", 8) == 0 && ke[-1] == ']') {
		if (!name_ok(ks + 8, (size_t)(ke - ks) - 9) || vs == ve) {
			list_bad(l, lineno);
			return 0;
		}
		return list_put(l, ks + 8, (size_t)(ke - ks) - 9, vs, (size_t)(ve - vs), lineno);
	}
	if ((size_t)(ke - ks) == 7 && memcmp(ks, "include", 7) == 0 && vs < ve)
		return list_include(l, "", vs, (size_t)(ve - vs));
	if ((size_t)(ke - ks) == 11 && memcmp(ks, "include_dir", 11) == 0 && vs < ve)
		return list_include(l, "dir:", vs, (size_t)(ve - vs));
	if (name_ok(ks, (size_t)(ke - ks)) && vs < ve && *vs == '/')
		return list_put(l, ks, (size_t)(ke - ks), vs, (size_t)(ve - vs), lineno);
	/* another NRPE setting (server_port=5666, allowed_hosts=...): not a check */
	if (name_ok(ks, (size_t)(ke - ks)))
		return 0;
	list_bad(l, lineno);
	return 0;
}

int
pl_insp_list_parse(const char *buf, size_t len, struct pl_insp_list *l)
{
	struct pl_lines it;
	const char *ls, *le;

	pl_lines_init(&it, buf, len);
	while (pl_lines_next(&it, &ls, &le, NULL)) {
		trim(&ls, &le);
		if (ls == le || *ls == '#')
			continue;
		if (list_line(l, ls, le, it.lineno) != 0)
			return -1;
	}
	return 0;
}

void
pl_insp_list_free(struct pl_insp_list *l)
{
	for (size_t i = 0; i < l->nincludes; i++)
		free(l->includes[i]);
	free(l->includes);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* ---- argv ---- */

void
pl_insp_argv_free(char **argv)
{
	if (argv == NULL)
		return;
	for (size_t i = 0; argv[i] != NULL; i++)
		free(argv[i]);
	free(argv);
}

static int
argv_push(char ***v, size_t *n, const char *w, size_t wn)
{
	char **nv = realloc(*v, (*n + 2) * sizeof(*nv));

	if (nv == NULL)
		return -1;
	*v = nv;
	nv[*n] = malloc(wn + 1);
	if (nv[*n] == NULL)
		return -1;
	memcpy(nv[*n], w, wn);
	nv[*n][wn] = '\0';
	(*n)++;
	nv[*n] = NULL;
	return 0;
}

static bool
is_arg_macro(const char *p)
{
	size_t i = 4;

	if (strncmp(p, "$ARG", 4) != 0 || p[4] < '0' || p[4] > '9')
		return false;
	while (p[i] >= '0' && p[i] <= '9')
		i++;
	return p[i] == '$';
}

int
pl_insp_argv_split(const char *cmd, char ***argv, char *err, size_t errlen)
{
	struct pl_buf w = PL_BUF_INIT;
	char **v = NULL;
	size_t n = 0;
	const char *p = cmd;
	int rc = -1;

	pl_buf_init(&w, 4096);
	*argv = NULL;
	while (*p != '\0') {
		bool word = false;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		pl_buf_reset(&w);
		while (*p != '\0' && *p != ' ' && *p != '\t') {
			if (*p == '\'' || *p == '"') {
				const char *q = strchr(p + 1, *p);

				if (q == NULL) {
					pl_snprintf(err, errlen, _("unbalanced %c quote"), *p);
					goto out;
				}
				pl_buf_add(&w, p + 1, (size_t)(q - p - 1));
				p = q + 1;
			} else if (*p == '$' && is_arg_macro(p)) {
				pl_snprintf(err, errlen, _("uses the NRPE macro %.*s, which is filled "
					    "only from a caller's arguments; give the value itself"),
					    (int)(strchr(p + 1, '$') - p + 1), p);
				goto out;
			} else if (strchr("|&;<>()`\\$*?[]{}~", *p) != NULL) {
				/* '|' is named: it would start perfdata in a status line */
				if (*p == '|')
					pl_snprintf(err, errlen, "%s", _("holds the shell character "
						    "(a pipe), but no shell runs the command: write "
						    "the program and its arguments alone"));
				else
					pl_snprintf(err, errlen, _("holds the shell character '%c', "
						    "but no shell runs the command: write the program "
						    "and its arguments alone"), *p);
				goto out;
			} else {
				pl_buf_putc(&w, *p++);
			}
			word = true;
		}
		if (word && argv_push(&v, &n, pl_buf_str(&w), w.len) != 0) {
			pl_snprintf(err, errlen, _("out of memory"));
			goto out;
		}
	}
	if (n == 0) {
		pl_snprintf(err, errlen, _("is empty"));
		goto out;
	}
	if (v[0][0] != '/') {
		pl_snprintf(err, errlen, _("names %s, not an absolute path"), v[0]);
		goto out;
	}
	*argv = v;
	v = NULL;
	rc = 0;
out:
	pl_insp_argv_free(v);
	pl_buf_free(&w);
	return rc;
}

/* ---- perfdata ---- */

static const char *
perf_field(const char **p, const char *end, char *out, size_t outlen)
{
	const char *s = *p;
	size_t n;

	while (*p < end && **p != ';' && **p != ' ')
		(*p)++;
	n = (size_t)(*p - s);
	if (out != NULL) {
		if (n >= outlen)
			n = outlen - 1;
		memcpy(out, s, n);
		out[n] = '\0';
	}
	if (*p < end && **p == ';')
		(*p)++;
	return s;
}

/* One "label=value..." at *p; false when malformed (then *p is past it). */
static bool
perf_one(const char **p, const char *end, struct pl_insp_metric *m)
{
	size_t ln = 0;
	char num[64];
	const char *q;
	size_t i;

	memset(m, 0, sizeof(*m));
	if (**p == '\'') {
		(*p)++;
		for (;;) {
			if (*p >= end)
				return false;
			if (**p == '\'') {
				if (*p + 1 < end && (*p)[1] == '\'') {
					(*p)++;
				} else {
					(*p)++;
					break;
				}
			}
			if (ln < sizeof(m->label) - 1)
				m->label[ln++] = **p;
			(*p)++;
		}
	} else {
		while (*p < end && **p != '=' && **p != ' ') {
			if (ln < sizeof(m->label) - 1)
				m->label[ln++] = **p;
			(*p)++;
		}
	}
	m->label[ln] = '\0';
	if (ln == 0 || *p >= end || **p != '=')
		goto skip;
	(*p)++;
	for (i = 0; *p < end && i < sizeof(num) - 1 &&
	     (strchr("0123456789.-+eE", **p) != NULL); i++, (*p)++)
		num[i] = **p;
	num[i] = '\0';
	q = num;
	if (i == 0 || pl_scan_double(&q, num + i, &m->value) != 0 || q != num + i ||
	    !isfinite(m->value))
		goto skip;
	for (i = 0; *p < end && **p != ';' && **p != ' ' && i < sizeof(m->uom) - 1; i++, (*p)++)
		m->uom[i] = **p;
	m->uom[i] = '\0';
	if (*p < end && **p != ';' && **p != ' ')
		goto skip;
	if (*p < end && **p == ';') {
		(*p)++;
		perf_field(p, end, m->warn, sizeof(m->warn));
		m->has_warn = m->warn[0] != '\0';
		perf_field(p, end, m->crit, sizeof(m->crit));
		m->has_crit = m->crit[0] != '\0';
		perf_field(p, end, NULL, 0);
		perf_field(p, end, NULL, 0);
		if (*p < end && **p != ' ')
			goto skip;
	}
	return true;
skip:
	while (*p < end && **p != ' ')
		(*p)++;
	return false;
}

size_t
pl_insp_perf_parse(const char *s, size_t len, struct pl_insp_metric *out, size_t max,
		   size_t *bad)
{
	const char *p = s, *end = s + len;
	size_t n = 0, b = 0;
	struct pl_insp_metric m;

	while (p < end) {
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
			p++;
		if (p >= end)
			break;
		if (perf_one(&p, end, &m)) {
			if (n < max)
				out[n] = m;
			n++;
		} else {
			b++;
		}
	}
	if (bad != NULL)
		*bad = b;
	return n < max ? n : max;
}

/* ---- history ---- */

void
pl_insp_hist_key(const struct pl_insp_item *it, char *out, size_t len)
{
	pl_snprintf(out, len, "%s/%s", it->host, it->name);
}

int
pl_insp_change_of(const char *hist)
{
	size_t n = strlen(hist), changes = 0;
	int now, before;

	if (n == 0)
		return PL_INSP_SAME_OK;
	for (size_t i = 1; i < n; i++)
		if (hist[i] != hist[i - 1])
			changes++;
	if (changes >= PL_INSP_FLAP)
		return PL_INSP_FLAPPING;
	now = hist[n - 1] - '0';
	before = n > 1 ? hist[n - 2] - '0' : 0;
	if (now != 0)
		return before != 0 ? PL_INSP_OPEN : PL_INSP_NEW;
	return before != 0 ? PL_INSP_RECOVERED : PL_INSP_SAME_OK;
}

void
pl_insp_history(struct pl_insp_report *r, const char *(*get)(void *ctx, const char *key),
		void *ctx)
{
	char key[600];

	for (size_t i = 0; i < r->n; i++) {
		struct pl_insp_item *it = &r->v[i];
		const char *h;
		size_t n = 0;

		pl_insp_hist_key(it, key, sizeof(key));
		int64_t since = 0;

		h = get != NULL ? get(ctx, key) : NULL;
		if (h != NULL) {
			size_t hl = strnlen(h, 64), skip;

			for (size_t j = 0; j < hl; j++)
				if (h[j] < '0' || h[j] > '3')
					hl = j;
			if (h[hl] == ' ' && pl_parse_i64(h + hl + 1, 0, INT64_MAX / 2, &since) != 0)
				since = 0;
			skip = hl >= PL_INSP_HIST ? hl - (PL_INSP_HIST - 1) : 0;
			memcpy(it->hist, h + skip, hl - skip);
			n = hl - skip;
		}
		it->hist[n] = (char)('0' + it->state);
		it->hist[n + 1] = '\0';
		it->change = pl_insp_change_of(it->hist);
		if (it->engine_flapping)
			it->change = PL_INSP_FLAPPING;
		/* An engine knows when the state changed; locally, this report saw it change
		 * (or the item first), else the time kept from the report that did. */
		if (it->last_change == 0)
			it->last_change = n > 0 && it->hist[n - 1] == it->hist[n] && since > 0 ?
					  since : r->time;
	}
}

void
pl_insp_hist_format(const struct pl_insp_item *it, char *out, size_t len)
{
	pl_snprintf(out, len, "%s %lld", it->hist, (long long)it->last_change);
}

/* ---- the stored form ---- */

static void
put_field(struct pl_buf *out, const char *s)
{
	for (; *s != '\0'; s++)
		pl_buf_putc(out, *s == '\x1f' ? ' ' : *s);
	pl_buf_putc(out, '\x1f');
}

void
pl_insp_item_format(const struct pl_insp_item *it, struct pl_buf *out)
{
	size_t start = out->len, used, lo, perf_len;

	pl_buf_printf(out, "%d\x1f%lld\x1f%d\x1f", it->state, (long long)it->last_change,
		      it->change);
	put_field(out, it->host);
	put_field(out, it->name);
	put_field(out, it->plugin);
	put_field(out, it->status);
	used = out->len - start + strlen(it->status) + strlen(it->hist) + 2 +
	       (perf_len = strnlen(it->perf, 1024));
	lo = strlen(it->long_out);
	if (used + lo > PL_INSP_STORED_MAX) {
		size_t keep = used < PL_INSP_STORED_MAX - 64 ? PL_INSP_STORED_MAX - 64 - used : 0;

		while (keep > 0 && ((unsigned char)it->long_out[keep] & 0xc0) == 0x80)
			keep--;
		for (size_t i = 0; i < keep; i++)
			pl_buf_putc(out, it->long_out[i] == '\x1f' ? ' ' : it->long_out[i]);
		pl_buf_printf(out, "\n%s\x1f", _("(cut in the stored report)"));
	} else {
		put_field(out, it->long_out);
	}
	for (size_t i = 0; i < perf_len; i++)
		pl_buf_putc(out, it->perf[i] == '\x1f' ? ' ' : it->perf[i]);
	pl_buf_putc(out, '\x1f');
	put_field(out, it->hist);
}

int
pl_insp_item_parse(struct pl_insp_report *r, const char *s)
{
	const char *f[10];
	size_t fl[10];
	char tmp[10][32];
	char *copy[10] = { 0 };
	int64_t st, lc, ch;
	struct pl_insp_item *it;
	int rc = -1;
	size_t k = 0;

	for (const char *p = s; k < 10; k++) {
		const char *e = strchr(p, '\x1f');

		if (e == NULL)
			return -1;
		f[k] = p;
		fl[k] = (size_t)(e - p);
		p = e + 1;
	}
	for (k = 0; k < 3; k++) {
		if (fl[k] >= sizeof(tmp[k]))
			return -1;
		memcpy(tmp[k], f[k], fl[k]);
		tmp[k][fl[k]] = '\0';
	}
	if (pl_parse_i64(tmp[0], 0, 3, &st) != 0 ||
	    pl_parse_i64(tmp[1], INT64_MIN / 2, INT64_MAX / 2, &lc) != 0 ||
	    pl_parse_i64(tmp[2], 0, PL_INSP_FLAPPING, &ch) != 0)
		return -1;
	for (k = 3; k < 10; k++)
		if ((copy[k] = dup_cut(f[k], fl[k], fl[k])) == NULL)
			goto out;
	it = pl_insp_add(r, copy[3], copy[4], copy[5], (int)st, copy[6], copy[7], copy[8], lc);
	if (it != NULL) {
		it->change = (int)ch;
		pl_strlcpy(it->hist, copy[9], sizeof(it->hist));
		rc = 0;
	}
out:
	for (k = 3; k < 10; k++)
		free(copy[k]);
	return rc;
}
