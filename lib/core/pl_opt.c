#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pl_i18n.h"
#include "pl_ini.h"
#include "pl_num.h"
#include "pl_opt.h"
#include "pl_result.h"
#include "pl_secret.h"
#include "pl_unit.h"

/* ------------------------------------------------------------------ help text */

/* The end of the run of Chinese closing punctuation (，。、；：）！？」) at p: before
 * none of them may a line break. */
static const char *
closers_end(const char *p, const char *end)
{
	static const char *const closing[] = { "\xef\xbc\x8c", "\xe3\x80\x82",
					       "\xe3\x80\x81", "\xef\xbc\x9b",
					       "\xef\xbc\x9a", "\xef\xbc\x89",
					       "\xef\xbc\x81", "\xef\xbc\x9f", "\xe3\x80\x8d" };
	bool more = true;

	while (more) {
		more = false;
		for (size_t i = 0; i < sizeof(closing) / sizeof(closing[0]); i++)
			if (end - p >= 3 && memcmp(p, closing[i], 3) == 0) {
				more = true;
				p += 3;
				break;
			}
	}
	return p;
}

/* Whether p starts with Chinese opening punctuation, after which no line breaks. */
static bool
opener(const char *p, const char *end)
{
	static const char *const opening[] = { "\xef\xbc\x88", "\xe3\x80\x8c",
					       "\xe2\x80\x9c", "\xe3\x80\x8a" };

	for (size_t i = 0; i < sizeof(opening) / sizeof(opening[0]); i++)
		if (end - p >= 3 && memcmp(p, opening[i], 3) == 0)
			return true;
	return false;
}

/* A word of wrapped text: a run of bytes up to a blank, or one East Asian wide
 * character (a line may break before and after each, as Chinese has no blanks), with
 * the closing punctuation after either, before which no line breaks ("--api-url、"
 * stays one word), and the opening punctuation before either, after which none breaks
 * ("（--status-file" stays one word). */
static const char *
wrap_word(const char *w, const char *end)
{
	const char *we = w;

	while (opener(w, end) && w + 3 < end && w[3] != ' ')
		w += 3;

	if (pl_text_width(w, (size_t)(end - w) < 3 ? (size_t)(end - w) : 3) == 2 &&
	    (unsigned char)*w >= 0xe0)
		return closers_end(w + 3, end);
	while (we < end && *we != ' ') {
		if ((unsigned char)*we >= 0xe0 && we > w &&
		    pl_text_width(we, (size_t)(end - we) < 3 ? (size_t)(end - we) : 3) == 2)
			return closers_end(we, end);
		we++;
	}
	return we;
}

void
pl_wrap(struct pl_buf *out, const char *text, int indent, int width)
{
	const char *p = text;

	while (*p) {
		int col = indent;
		const char *nl = strchr(p, '\n');
		const char *para_end = nl ? nl : p + strlen(p);

		if (p < para_end)
			pl_buf_printf(out, "%*s", indent, "");
		while (p < para_end) {
			const char *w = p, *we;
			int ww;
			bool blank;

			while (w < para_end && *w == ' ')
				w++;
			blank = w > p;
			we = wrap_word(w, para_end);
			if (we == w)
				break;
			ww = (int)pl_text_width(w, (size_t)(we - w));
			if (col > indent && col + (blank ? 1 : 0) + ww > width) {
				pl_buf_printf(out, "\n%*s", indent, "");
				col = indent;
			}
			if (col > indent && blank) {
				pl_buf_putc(out, ' ');
				col++;
			}
			pl_buf_add(out, w, (size_t)(we - w));
			col += ww;
			p = we;
		}
		pl_buf_putc(out, '\n');
		p = nl ? nl + 1 : para_end;
	}
}

void
pl_man_text(struct pl_buf *b, const char *text, const char *nl)
{
	bool bol = true;

	for (const char *t = text; *t; t++) {
		if (*t == '\n' && nl != NULL) {
			pl_buf_puts(b, nl);
			bol = true;
			continue;
		}
		if (bol && (*t == '.' || *t == '\''))
			pl_buf_puts(b, "\\&");   /* a request character at a line's start */
		if (*t == '\\')
			pl_buf_puts(b, "\\e");
		else if (*t == '-')
			pl_buf_puts(b, "\\-");
		else
			pl_buf_putc(b, *t);
		bol = *t == '\n';
	}
}

void
pl_man_options(struct pl_buf *b, const struct pl_option *opts)
{
	for (const struct pl_option *o = opts; o->name != NULL; o++) {
		struct pl_buf t = PL_BUF_INIT;

		if (o->flags & PL_OPT_HIDDEN)
			continue;
		pl_buf_puts(b, ".TP\n\\fB");
		if (o->letter != 0)
			pl_buf_printf(b, "\\-%c\\fR, \\fB", o->letter);
		pl_buf_puts(b, "\\-\\-");
		pl_man_text(b, o->name, NULL);
		if (o->flags & PL_OPT_SECRET)
			pl_buf_puts(b, "\\-file");
		pl_buf_puts(b, "\\fR");
		if (o->flags & PL_OPT_SECRET) {
			pl_buf_puts(b, "=\\fIFILE\\fR");
		} else if (pl_opt_has_value(o)) {
			bool optional = o->type == PL_OPT_OPTIONAL;

			pl_buf_puts(b, optional ? "[=\\fI" : "=\\fI");
			pl_man_text(b, pl_opt_argname(o), NULL);
			pl_buf_puts(b, optional ? "\\fR]" : "\\fR");
		}
		pl_buf_putc(b, '\n');
		pl_opt_text(o, &t);
		pl_man_text(b, pl_buf_str(&t), NULL);
		pl_buf_free(&t);
		pl_buf_putc(b, '\n');
	}
}

bool
pl_opt_has_value(const struct pl_option *o)
{
	return o->type != PL_OPT_SWITCH && o->type != PL_OPT_COUNT;
}

const char *
pl_opt_argname(const struct pl_option *o)
{
	if (o->arg != NULL)
		return o->arg;
	switch (o->type) {
	case PL_OPT_SWITCH:
	case PL_OPT_COUNT: return "";
	case PL_OPT_INT: return "N";
	case PL_OPT_NUMBER: return "NUMBER";
	case PL_OPT_DURATION: return "DURATION";
	case PL_OPT_SIZE: return "SIZE";
	case PL_OPT_RATE: return "RATE";
	case PL_OPT_STATE: return "STATE";
	case PL_OPT_CHOICE: return "WORD";
	case PL_OPT_STRING:
	case PL_OPT_LIST:
	case PL_OPT_OPTIONAL: break;
	}
	return o->flags & PL_OPT_SECRET ? "SECRET" : "TEXT";
}

/* "0 to 5", "at least 1", "at most 100", or "" when the option has no bounds. */
static void
bounds(const struct pl_option *o, const char *unit, char *buf, size_t len)
{
	char a[32], b[32];

	pl_fmt_num(a, sizeof(a), o->min, 6);
	pl_fmt_num(b, sizeof(b), o->max, 6);
	if (o->min == 0 && o->max == 0)
		buf[0] = '\0';
	else if (o->max == 0 && o->min != 0)
		pl_snprintf(buf, len, _(" of at least %s%s"), a, unit);
	else
		pl_snprintf(buf, len, _(" from %s%s to %s%s"), a, unit, b, unit);
}

char *
pl_opt_describe(const struct pl_option *o, char *buf, size_t len)
{
	char b[96];
	struct pl_buf w = PL_BUF_INIT;

	buf[0] = '\0';
	switch (o->type) {
	case PL_OPT_SWITCH:
	case PL_OPT_COUNT:
	case PL_OPT_STRING:
	case PL_OPT_LIST:
	case PL_OPT_OPTIONAL:
		break;
	case PL_OPT_INT:
		bounds(o, "", b, sizeof(b));
		pl_snprintf(buf, len, _("a whole number%s"), b);
		break;
	case PL_OPT_NUMBER:
		bounds(o, "", b, sizeof(b));
		pl_snprintf(buf, len, _("a number%s"), b);
		break;
	case PL_OPT_DURATION:
		bounds(o, "s", b, sizeof(b));
		pl_snprintf(buf, len, _("a duration%s (a plain number is seconds; or %s)"), b,
			    pl_tr(pl_unit_suffixes(PL_U_SECONDS)));
		break;
	case PL_OPT_SIZE:
		bounds(o, "B", b, sizeof(b));
		pl_snprintf(buf, len, _("a size%s (a plain number is bytes; or %s)"), b,
			    pl_tr(pl_unit_suffixes(PL_U_BYTES)));
		break;
	case PL_OPT_RATE:
		bounds(o, "bit/s", b, sizeof(b));
		pl_snprintf(buf, len, _("a bit rate%s with a unit: %s"), b,
			    pl_tr(pl_unit_suffixes(PL_U_BITS_PER_S)));
		break;
	case PL_OPT_STATE:
		pl_snprintf(buf, len, "%s", _("ok, warning, critical or unknown"));
		break;
	case PL_OPT_CHOICE: {
		size_t n = 0, k = 0;

		for (const struct pl_choice *c = o->choices; c != NULL && c->word != NULL; c++)
			n += !c->alias;
		for (const struct pl_choice *c = o->choices; c != NULL && c->word != NULL; c++) {
			if (c->alias)
				continue;
			pl_buf_printf(&w, "%s%s", k == 0 ? "" : k + 1 == n ? _(" or ") : ", ",
				      c->word);
			k++;
		}
		pl_snprintf(buf, len, "%s", pl_buf_str(&w));
		pl_buf_free(&w);
		break;
	}
	}
	return buf;
}

void
pl_opt_text(const struct pl_option *o, struct pl_buf *t)
{
	char d[256];

	const char *h = pl_tr(o->help ? o->help : "");

	/* Help texts name configured paths as @SYSCONFDIR@ and @STATE_ROOT@, so that one
	 * msgid serves every build. */
	for (const char *q; (q = strchr(h, '@')) != NULL; h = q + 1) {
		pl_buf_add(t, h, (size_t)(q - h));
		if (strncmp(q, "@SYSCONFDIR@", 12) == 0) {
			pl_buf_puts(t, PL_SYSCONFDIR);
			q += 11;
		} else if (strncmp(q, "@STATE_ROOT@", 12) == 0) {
			pl_buf_puts(t, PL_STATE_ROOT);
			q += 11;
		} else {
			pl_buf_putc(t, '@');
		}
	}
	pl_buf_puts(t, h);
	pl_opt_describe(o, d, sizeof(d));
	if (d[0] != '\0')
		pl_buf_printf(t, " %s: %s.", pl_opt_argname(o), d);
	if (o->type == PL_OPT_LIST || (o->flags & PL_OPT_REPEAT))
		pl_buf_puts(t, _(" Repeatable."));
	if (o->flags & PL_OPT_SECRET) {
		pl_buf_printf(t, _(" A secret: give it with --%s-file=FILE (a file of mode 600), "),
			      o->name);
		if (o->env != NULL)
			pl_buf_printf(t, _("in $%s, "), o->env);
		pl_buf_printf(t, _("or as '%s = ...' in the --extra-opts file; never on the "
				"command line."), o->name);
	}
}

void
pl_opt_help(const struct pl_option *opts, struct pl_buf *out)
{
	for (const struct pl_option *o = opts; o->name != NULL; o++) {
		struct pl_buf t = PL_BUF_INIT;

		if (o->flags & PL_OPT_HIDDEN)
			continue;
		if (o->letter != 0)
			pl_buf_printf(out, " -%c, --%s", o->letter, o->name);
		else
			pl_buf_printf(out, " --%s", o->name);
		if (o->flags & PL_OPT_SECRET)
			pl_buf_printf(out, "-file=FILE");
		else if (o->type == PL_OPT_OPTIONAL)
			pl_buf_printf(out, "[=%s]", pl_opt_argname(o));
		else if (pl_opt_has_value(o))
			pl_buf_printf(out, "=%s", pl_opt_argname(o));
		pl_buf_putc(out, '\n');
		pl_opt_text(o, &t);
		pl_wrap(out, pl_buf_str(&t), 6, 79);
		pl_buf_free(&t);
	}
}

void
pl_opt_synopsis(const struct pl_option *opts, struct pl_buf *out)
{
	for (const struct pl_option *o = opts; o->name != NULL; o++) {
		if (!(o->flags & PL_OPT_SYNOPSIS) || (o->flags & PL_OPT_HIDDEN))
			continue;
		if (o->letter != 0)
			pl_buf_printf(out, " [-%c", o->letter);
		else
			pl_buf_printf(out, " [--%s", o->name);
		if (o->flags & PL_OPT_SECRET)
			pl_buf_puts(out, "-file FILE");
		else if (o->type == PL_OPT_OPTIONAL)
			pl_buf_printf(out, "[=%s]", pl_opt_argname(o));
		else if (pl_opt_has_value(o))
			pl_buf_printf(out, " %s", pl_opt_argname(o));
		pl_buf_putc(out, ']');
	}
}

/* ------------------------------------------------------------------ numbers */

int
pl_opt_number(const struct pl_option *o, const char *s, double *out, char *err,
	      size_t errlen)
{
	const char *p = s, *end = s + strlen(s);
	char what[256];
	enum pl_unit u;
	double v, f;
	bool bounded = o->min != 0 || o->max != 0;

	pl_opt_describe(o, what, sizeof(what));
	if (o->type == PL_OPT_INT) {
		int64_t i;

		if (pl_scan_i64(&p, end, &i) != 0 || p != end) {
			pl_snprintf(err, errlen, _("not a whole number: give %s"), what);
			return -1;
		}
		v = (double)i;
	} else {
		if (pl_scan_double(&p, end, &v) != 0) {
			pl_snprintf(err, errlen, _("not a number: give %s"), what);
			return -1;
		}
		if (pl_unit_suffix(p, (size_t)(end - p), &u, &f) != 0) {
			pl_snprintf(err, errlen, _("unknown unit: give %s"), what);
			return -1;
		}
		switch (o->type) {
		case PL_OPT_DURATION:
			if (u != PL_U_NONE && u != PL_U_SECONDS)
				goto wrong_unit;
			break;
		case PL_OPT_SIZE:
			if (u != PL_U_NONE && u != PL_U_BYTES)
				goto wrong_unit;
			break;
		case PL_OPT_RATE:
			if (u == PL_U_NONE) {
				pl_snprintf(err, errlen, _("no unit: give %s"), what);
				return -1;
			}
			/* Link speeds are said in bits: 10MB/s is more likely a slip for
			 * 10Mbit/s than a figure in bytes. */
			if (u != PL_U_BITS_PER_S)
				goto wrong_unit;
			break;
		default:
			if (u != PL_U_NONE)
				goto wrong_unit;
			break;
		}
		v *= f;
	}
	if (bounded && (v < o->min || (o->max != 0 && v > o->max))) {
		pl_snprintf(err, errlen, _("out of range: give %s"), what);
		return -1;
	}
	*out = v;
	return 0;
wrong_unit:
	pl_snprintf(err, errlen, _("in %s, a unit this option does not take: give %s"),
		    pl_tr(pl_unit_name(u)), what);
	return -1;
}

/* ------------------------------------------------------------------ suggestions */

int
pl_edit_distance(const char *a, size_t na, const char *b, size_t nb)
{
	int d[65][65];

	if (na > 64 || nb > 64)
		return 99;
	for (size_t i = 0; i <= na; i++)
		d[i][0] = (int)i;
	for (size_t j = 0; j <= nb; j++)
		d[0][j] = (int)j;
	for (size_t i = 1; i <= na; i++) {
		for (size_t j = 1; j <= nb; j++) {
			int cost = a[i - 1] != b[j - 1];
			int best = d[i - 1][j] + 1;

			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < best)
				best = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[na][nb] > 99 ? 99 : d[na][nb];
}

static size_t
common_suffix(const char *a, size_t na, const char *b, size_t nb)
{
	size_t n = 0;

	while (n < na && n < nb && a[na - 1 - n] == b[nb - 1 - n])
		n++;
	return n;
}

const char *
pl_opt_suggest(const struct pl_opt_table *tables, size_t ntables, const char *name)
{
	size_t n = strcspn(name, "="), bestn = 0, bests = 0;
	const char *best = NULL, *prefix = NULL;
	int bestd = 99;

	if (n == 0)
		return NULL;
	for (size_t t = 0; t < ntables; t++) {
		for (const struct pl_option *o = tables[t].opts; o->name != NULL; o++) {
			size_t on = strlen(o->name), s;
			int d;

			if (o->flags & PL_OPT_HIDDEN)
				continue;
			/* An abbreviation: the shortest option it starts. */
			if (on > n && strncmp(o->name, name, n) == 0 &&
			    (prefix == NULL || on < strlen(prefix)))
				prefix = o->name;
			d = pl_edit_distance(name, n, o->name, on);
			s = common_suffix(name, n, o->name, on);
			if (d < bestd || (d == bestd && s > bests)) {
				best = o->name;
				bestd = d;
				bests = s;
				bestn = on;
			}
		}
	}
	if (prefix != NULL)
		return prefix;
	/* Near enough: at most three edits, fewer than half the letters of the longer
	 * word, and not most of what was typed (short words are near everything). */
	if (best != NULL && bestd <= 3 && (size_t)bestd * 2 < (n > bestn ? n : bestn) &&
	    (size_t)bestd <= n / 2 + 1)
		return best;
	return NULL;
}

int
pl_opt_choice(const struct pl_option *o, const char *word, int *value)
{
	for (const struct pl_choice *c = o->choices; c != NULL && c->word != NULL; c++) {
		if (strcmp(c->word, word) == 0) {
			*value = c->value;
			return 0;
		}
	}
	return -1;
}

const char *
pl_opt_where(const struct pl_opt_parser *p)
{
	return p->where;
}

const struct pl_option *
pl_opt_find(const struct pl_opt_table *tables, size_t ntables, const char *name)
{
	for (size_t t = 0; t < ntables; t++)
		for (const struct pl_option *o = tables[t].opts; o->name != NULL; o++)
			if (strcmp(o->name, name) == 0)
				return o;
	return NULL;
}

/* ------------------------------------------------------------------ the parser */

/* Where a value came from, for messages. */
struct origin {
	const char *file;      /* NULL: the command line (or the environment, with env) */
	size_t line;
	const char *env;       /* the environment variable */
	const char *shown;     /* how the option was written: "-w", "--warning" */
	bool via_file;         /* a secret read from --NAME-file */
	int argi;              /* its place on the command line, or 0 */
};

void
pl_opt_init(struct pl_opt_parser *p, const struct pl_opt_table *tables, size_t ntables)
{
	memset(p, 0, sizeof(*p));
	p->tables = tables;
	p->ntables = ntables;
	p->prog = "the plugin";
}

void
pl_opt_free(struct pl_opt_parser *p)
{
	for (size_t i = 0; i < p->nowned; i++) {
		explicit_bzero(p->owned[i], strlen(p->owned[i]));
		free(p->owned[i]);
	}
	free(p->owned);
	for (size_t t = 0; t < p->ntables; t++) {
		for (const struct pl_option *o = p->tables[t].opts; o->name != NULL; o++) {
			if (o->type == PL_OPT_LIST && o->fn == NULL) {
				struct pl_strlist *l =
					(struct pl_strlist *)((char *)p->tables[t].base + o->off);

				free(l->v);
				l->v = NULL;
				l->n = 0;
			}
		}
	}
	p->owned = NULL;
	p->nowned = p->capowned = 0;
}

/* Keeps s (a malloc'd copy) until pl_opt_free. Returns s, or NULL (and frees it). */
static char *
own(struct pl_opt_parser *p, char *s)
{
	if (s == NULL)
		return NULL;
	if (p->nowned == p->capowned) {
		size_t ncap = p->capowned ? p->capowned * 2 : 16;
		char **v = realloc(p->owned, ncap * sizeof(*v));

		if (v == NULL) {
			explicit_bzero(s, strlen(s));
			free(s);
			return NULL;
		}
		p->owned = v;
		p->capowned = ncap;
	}
	p->owned[p->nowned++] = s;
	return s;
}

/* The table holding o. */
static void *
base_of(const struct pl_opt_parser *p, const struct pl_option *o)
{
	for (size_t t = 0; t < p->ntables; t++) {
		const struct pl_option *b = p->tables[t].opts;

		for (const struct pl_option *q = b; q->name != NULL; q++)
			if (q == o)
				return p->tables[t].base;
	}
	return NULL;
}

/* "--name" and where it came from, before every message about an option. */
static void
who(const struct pl_option *o, const struct origin *at, char *buf, size_t len)
{
	const char *shown = at->shown;
	char tmp[96];

	if (shown == NULL) {
		pl_snprintf(tmp, sizeof(tmp), "--%s%s", o->name, at->via_file ? "-file" : "");
		shown = tmp;
	}
	if (at->file != NULL)
		pl_snprintf(buf, len, _("%s (%s line %zu)"), shown, at->file, at->line);
	else if (at->env != NULL)
		pl_snprintf(buf, len, _("%s (from $%s)"), shown, at->env);
	else
		pl_snprintf(buf, len, "%s", shown);
}

static int
size_error(const struct pl_option *o, char *err, size_t errlen)
{
	pl_snprintf(err, errlen, "option table: --%s lands in a field of the wrong size", o->name);
	return -1;
}

/* Takes value into the field of o. Returns 0, or -1 with why in err (no prefix). */
static int
land(struct pl_opt_parser *p, const struct pl_option *o, const char *value, char *err,
     size_t errlen)
{
	char *at = (char *)base_of(p, o);
	double v;

	if (at == NULL) {
		pl_snprintf(err, errlen, "option table: --%s has no struct", o->name);
		return -1;
	}
	/* "--name=" or "--name ''": a text option given nothing is a mistake (a variable
	 * of the engine's that was empty), never "match everything" or "the default". An
	 * option with a handler says so in its own words (its handler must refuse ""). */
	if (value != NULL && value[0] == '\0' && !(o->flags & PL_OPT_SECRET) && o->fn == NULL &&
	    (o->type == PL_OPT_STRING || o->type == PL_OPT_LIST)) {
		pl_snprintf(err, errlen, _("an empty value (give a %s, or leave the option out)"),
			    o->arg != NULL ? o->arg : "value");
		return -1;
	}
	if (o->check != NULL && value != NULL && o->check(value, err, errlen) != 0)
		return -1;
	if (o->fn != NULL)
		return o->fn(at, o, value, err, errlen);
	at += o->off;
	switch (o->type) {
	case PL_OPT_SWITCH:
		if (o->size != sizeof(bool))
			return size_error(o, err, errlen);
		*(bool *)at = true;
		return 0;
	case PL_OPT_COUNT:
		if (o->size != sizeof(int))
			return size_error(o, err, errlen);
		if (*(int *)at < (int)o->max || o->max == 0)
			(*(int *)at)++;
		return 0;
	case PL_OPT_STRING:
		if (o->size != sizeof(const char *))
			return size_error(o, err, errlen);
		*(const char **)at = value;
		return 0;
	case PL_OPT_INT:
		if (pl_opt_number(o, value, &v, err, errlen) != 0)
			return -1;
		if (o->size == sizeof(int32_t)) {
			int32_t i = (int32_t)v;

			if (v < INT32_MIN || v > INT32_MAX) {
				pl_snprintf(err, errlen, _("out of range"));
				return -1;
			}
			memcpy(at, &i, sizeof(i));
		} else if (o->size == sizeof(int64_t)) {
			int64_t i = (int64_t)v;

			memcpy(at, &i, sizeof(i));
		} else {
			return size_error(o, err, errlen);
		}
		return 0;
	case PL_OPT_NUMBER:
	case PL_OPT_DURATION:
	case PL_OPT_SIZE:
	case PL_OPT_RATE:
		if (o->size != sizeof(double))
			return size_error(o, err, errlen);
		if (pl_opt_number(o, value, &v, err, errlen) != 0)
			return -1;
		*(double *)at = v;
		return 0;
	case PL_OPT_STATE:
		if (o->size != sizeof(enum pl_state))
			return size_error(o, err, errlen);
		if (pl_state_parse(value, (enum pl_state *)at) != 0) {
			pl_snprintf(err, errlen, _("not a state: give ok, warning, critical or unknown"));
			return -1;
		}
		return 0;
	case PL_OPT_CHOICE: {
		char what[256];

		if (o->size != sizeof(int))
			return size_error(o, err, errlen);
		if (pl_opt_choice(o, value, (int *)at) == 0)
			return 0;
		pl_snprintf(err, errlen, _("unknown word: give %s"),
			    pl_opt_describe(o, what, sizeof(what)));
		return -1;
	}
	case PL_OPT_LIST: {
		struct pl_strlist *l = (struct pl_strlist *)at;
		const char **nv;

		if (o->size != sizeof(struct pl_strlist))
			return size_error(o, err, errlen);
		if (o->max != 0 && l->n >= (size_t)o->max) {
			pl_snprintf(err, errlen, _("at most %zu of them"), (size_t)o->max);
			return -1;
		}
		nv = realloc(l->v, (l->n + 1) * sizeof(*nv));
		if (nv == NULL) {
			pl_snprintf(err, errlen, _("out of memory"));
			return -1;
		}
		l->v = nv;
		l->v[l->n++] = value;
		return 0;
	}
	case PL_OPT_OPTIONAL:
		return 0;
	}
	pl_snprintf(err, errlen, "option table: --%s has no type", o->name);
	return -1;
}

/* Takes one occurrence of o with value (NULL for none), from at. The message in err
 * starts with the option and its origin. */
static int
take(struct pl_opt_parser *p, const struct pl_option *o, const char *value,
     const struct origin *at, char *err, size_t errlen)
{
	char w[512], why[400];

	if (p->dry) {
		if (o == p->watch) {
			p->watched = value;
			p->watch_seen = true;
		}
		return 0;
	}
	if ((o->flags & PL_OPT_SECRET) && at->file == NULL && at->env == NULL && !at->via_file) {
		who(o, at, w, sizeof(w));
		pl_snprintf(err, errlen,
			    _("%s: a secret is never taken from the command line, where every user "
			    "can read it; put it in a file of mode 600 and give --%s-file=FILE%s%s, "
			    "or write '%s = ...' in the --extra-opts file"), w, o->name,
			    o->env ? ", or set $" : "", o->env ? o->env : "", o->name);
		return -1;
	}
	/* A handler that keeps it says which occurrence: a later message has no argument
	 * to point at. */
	who(o, at, p->where, sizeof(p->where));
	if (at->file == NULL && at->env == NULL && at->argi > 0) {
		size_t n = strlen(p->where);

		pl_snprintf(p->where + n, sizeof(p->where) - n, _(" (argument %d)"), at->argi);
	}
	if (land(p, o, value, why, sizeof(why)) != 0) {
		who(o, at, w, sizeof(w));
		pl_snprintf(err, errlen, "%s: %s", w, why);
		return -1;
	}
	if (p->seen != NULL)
		p->seen(p->seen_ctx, o, (o->flags & PL_OPT_SECRET) ? NULL : value);
	return 0;
}

/* A secret from the file named by --NAME-file, then taken as o's value. */
static int
take_secret_file(struct pl_opt_parser *p, const struct pl_option *o, const char *path,
		 const struct origin *at, char *err, size_t errlen)
{
	char why[512], w[512], *s;
	struct origin f = *at;

	if (p->dry)
		return 0;
	s = malloc(PL_SECRET_MAX + 1);
	if (s == NULL) {
		pl_snprintf(err, errlen, _("out of memory"));
		return -1;
	}
	f.via_file = true;
	if (pl_secret_read(path, s, PL_SECRET_MAX + 1, why, sizeof(why)) < 0) {
		explicit_bzero(s, PL_SECRET_MAX + 1);
		free(s);
		who(o, &f, w, sizeof(w));
		if (o->flags & PL_OPT_LATE) {
			if (p->late_err[0] == '\0')
				pl_snprintf(p->late_err, sizeof(p->late_err), "%s: %s", w, why);
			return 0;
		}
		pl_snprintf(err, errlen, "%s: %s", w, why);
		return -1;
	}
	if (own(p, s) == NULL) {
		pl_snprintf(err, errlen, _("out of memory"));
		return -1;
	}
	return take(p, o, s, &f, err, errlen);
}

/* The secret option whose --NAME-file name is name, or NULL. */
static const struct pl_option *
find_secret_file(const struct pl_opt_parser *p, const char *name, size_t n)
{
	if (n <= 5 || strncmp(name + n - 5, "-file", 5) != 0)
		return NULL;
	for (size_t t = 0; t < p->ntables; t++)
		for (const struct pl_option *o = p->tables[t].opts; o->name != NULL; o++)
			if ((o->flags & PL_OPT_SECRET) && strlen(o->name) == n - 5 &&
			    strncmp(o->name, name, n - 5) == 0)
				return o;
	return NULL;
}

static const struct pl_option *
find_n(const struct pl_opt_parser *p, const char *name, size_t n)
{
	for (size_t t = 0; t < p->ntables; t++)
		for (const struct pl_option *o = p->tables[t].opts; o->name != NULL; o++)
			if (strlen(o->name) == n && strncmp(o->name, name, n) == 0)
				return o;
	return NULL;
}

static const struct pl_option *
find_letter(const struct pl_opt_parser *p, char c)
{
	for (size_t t = 0; t < p->ntables; t++)
		for (const struct pl_option *o = p->tables[t].opts; o->name != NULL; o++)
			if (o->letter != 0 && o->letter == c)
				return o;
	return NULL;
}

/* An option name as typed, fit to be shown: letters, digits, '-' and '_' only (a name
 * is not a value, but argv may hold anything), at most 64 bytes. */
static bool
showable(const char *name, size_t n)
{
	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return false;
	}
	return true;
}

static int
unknown(const struct pl_opt_parser *p, const char *dashes, const char *name, size_t n,
	const char *where, char *err, size_t errlen)
{
	char typed[80];
	const char *near;

	if (!showable(name, n)) {
		pl_snprintf(err, errlen, _("%sunknown option (a name of letters, digits and '-')"),
			    where);
		return -1;
	}
	pl_snprintf(typed, sizeof(typed), "%.*s", (int)n, name);
	near = pl_opt_suggest(p->tables, p->ntables, typed);
	if (near != NULL && strncmp(near, typed, n) == 0 && strlen(near) > n)
		pl_snprintf(err, errlen, _("%s%s%s: unknown option (write options in full); "
			    "did you mean %s%s?"), where, dashes, typed, dashes, near);
	else if (near != NULL)
		pl_snprintf(err, errlen, _("%s%s%s: unknown option; did you mean %s%s?"), where,
			    dashes, typed, dashes, near);
	else
		pl_snprintf(err, errlen, _("%s%s%s: unknown option"), where, dashes, typed);
	return -1;
}

int
pl_opt_env(struct pl_opt_parser *p, char *err, size_t errlen)
{
	for (size_t t = 0; t < p->ntables; t++) {
		for (const struct pl_option *o = p->tables[t].opts; o->name != NULL; o++) {
			struct origin at = { NULL, 0, o->env, NULL, false, 0 };
			const char *v;

			if (!(o->flags & PL_OPT_SECRET) || o->env == NULL)
				continue;
			v = getenv(o->env);
			if (v == NULL)
				continue;
			if (v[0] == '\0') {
				pl_snprintf(err, errlen, _("$%s is set but empty"), o->env);
				return -1;
			}
			if (take(p, o, v, &at, err, errlen) != 0)
				return -1;
		}
	}
	return 0;
}

struct ini_ctx {
	struct pl_opt_parser *p;
	const char *file, *section;
	bool failed;           /* the callback failed: its message names the file */
};

static int
ini_option(void *vctx, const char *key, const char *value, size_t line, char *err,
	   size_t errlen)
{
	struct ini_ctx *x = vctx;
	struct pl_opt_parser *p = x->p;
	struct origin at = { x->file, line, NULL, NULL, false, 0 };
	size_t n = strlen(key);
	const struct pl_option *o = find_n(p, key, n), *secret;
	char where[400], *copy;

	x->failed = true;

	pl_snprintf(where, sizeof(where), _("%s line %zu: "), x->file, line);
	if (strcmp(key, "extra-opts") == 0) {
		pl_snprintf(err, errlen, _("%sextra-opts cannot be used inside an option file"),
			    where);
		return -1;
	}
	secret = o == NULL ? find_secret_file(p, key, n) : NULL;
	if (o == NULL && secret == NULL) {
		const char *near = pl_opt_suggest(p->tables, p->ntables, key);
		char hint[160];

		/* Nothing of the line is echoed: a line without '=' may be a password pasted
		 * alone, and a key that is no option's name may be one too. Only a known
		 * option's name (the suggestion) is shown. */
		hint[0] = '\0';
		if (near != NULL)
			pl_snprintf(hint, sizeof(hint), _("; did you mean '%s'?"), near);
		if (value == NULL)
			pl_snprintf(err, errlen, _("%s line %zu in section [%s] has no '=' and is not a "
				    "known switch: write NAME = VALUE%s"), x->file, line, x->section,
				    hint);
		else
			pl_snprintf(err, errlen, _("%s line %zu in section [%s]: the name before '=' "
				    "is not a known option%s"), x->file, line, x->section, hint);
		return -1;
	}
	if (secret != NULL) {
		if (value == NULL || value[0] == '\0') {
			pl_snprintf(err, errlen, _("%s%s needs a file name (write '%s = FILE')"), where,
				    key, key);
			return -1;
		}
		if (take_secret_file(p, secret, value, &at, err, errlen) != 0)
			return -1;
		x->failed = false;
		return 0;
	}
	if (!pl_opt_has_value(o) && value != NULL) {
		pl_snprintf(err, errlen, _("%s--%s takes no value (write the name alone)"), where,
			    o->name);
		return -1;
	}
	if (pl_opt_has_value(o) && o->type != PL_OPT_OPTIONAL && value == NULL) {
		pl_snprintf(err, errlen, _("%s--%s needs a value (write '%s = %s')"), where, o->name,
			    o->name, pl_opt_argname(o));
		return -1;
	}
	copy = value != NULL ? own(p, strdup(value)) : NULL;
	if (value != NULL && copy == NULL) {
		pl_snprintf(err, errlen, _("out of memory"));
		return -1;
	}
	if (take(p, o, copy, &at, err, errlen) != 0)
		return -1;
	x->failed = false;
	return 0;
}

int
pl_opt_ini(struct pl_opt_parser *p, const char *buf, size_t len, const char *file,
	   const char *section, char *err, size_t errlen)
{
	struct ini_ctx x = { p, file, section, false };
	char why[512];
	int rc;

	why[0] = '\0';
	rc = pl_ini_parse(buf, len, section, ini_option, &x, why, sizeof(why));
	if (rc < 0) {
		/* Messages of the callback name the file already; the reader's do not. */
		if (x.failed)
			pl_snprintf(err, errlen, "%s", why);
		else
			pl_snprintf(err, errlen, "%s %s", file, why);
	}
	return rc;
}

int
pl_opt_argv(struct pl_opt_parser *p, int argc, char **argv, bool (*skip)(const char *),
	    char *err, size_t errlen)
{
	const struct pl_option *last = NULL;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (skip != NULL && skip(a)) {
			last = NULL;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			if (i + 1 < argc) {
				pl_snprintf(err, errlen, _("argument %d (after --) is not an option; "
					    "%s takes only options"), i + 1, p->prog);
				goto fail;
			}
			break;
		}
		if (a[0] == '-' && a[1] == '-') {
			const char *name = a + 2, *eq = strchr(name, '=');
			size_t n = eq ? (size_t)(eq - name) : strlen(name);
			const char *value = eq ? eq + 1 : NULL;
			const struct pl_option *o = find_n(p, name, n), *secret = NULL;
			struct origin at = { NULL, 0, NULL, NULL, false, i };

			if (o == NULL)
				secret = find_secret_file(p, name, n);
			if (o == NULL && secret == NULL)
				{
				unknown(p, "--", name, n, "", err, errlen);
				goto fail;
			}
			if (secret != NULL) {
				if (value == NULL && i + 1 < argc)
					value = argv[++i];
				if (value == NULL || value[0] == '\0') {
					pl_snprintf(err, errlen, _("--%s-file needs a file name"),
						    secret->name);
					goto fail;
				}
				if (take_secret_file(p, secret, value, &at, err, errlen) != 0)
					goto fail;
				last = NULL;
				continue;
			}
			if (!pl_opt_has_value(o) && value != NULL) {
				pl_snprintf(err, errlen, _("--%s takes no value"), o->name);
				goto fail;
			}
			if (pl_opt_has_value(o) && o->type != PL_OPT_OPTIONAL && value == NULL) {
				/* A secret is refused before its value is looked at. */
				if (!(o->flags & PL_OPT_SECRET) && i + 1 >= argc) {
					if (p->dry && o == p->watch)
						p->watch_seen = true, p->watched = NULL;
					pl_snprintf(err, errlen, _("--%s needs a value (%s)"), o->name,
						    pl_opt_argname(o));
					goto fail;
				}
				if (i + 1 < argc)
					value = argv[++i];
			}
			if (take(p, o, value, &at, err, errlen) != 0)
				goto fail;
			last = pl_opt_has_value(o) ? NULL : o;
			continue;
		}
		if (a[0] == '-' && a[1] != '\0') {
			for (const char *c = a + 1; *c; c++) {
				const struct pl_option *o = find_letter(p, *c);
				char shown[3] = { '-', *c, '\0' };
				struct origin at = { NULL, 0, NULL, shown, false, i };
				const char *value = NULL;

				if (o == NULL) {
					if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
					    (*c >= '0' && *c <= '9'))
						pl_snprintf(err, errlen, _("-%c: unknown option"), *c);
					else
						pl_snprintf(err, errlen, _("argument %d: unknown option"),
							    i);
					goto fail;
				}
				if (pl_opt_has_value(o)) {
					if (c[1] != '\0')
						value = c + 1;
					else if (i + 1 < argc)
						value = argv[++i];
					else if (!(o->flags & PL_OPT_SECRET)) {
						if (p->dry && o == p->watch)
							p->watch_seen = true, p->watched = NULL;
						pl_snprintf(err, errlen, _("-%c needs a value (%s)"), *c,
							    pl_opt_argname(o));
						goto fail;
					}
					if (take(p, o, value, &at, err, errlen) != 0)
						goto fail;
					last = NULL;
					break;
				}
				if (take(p, o, NULL, &at, err, errlen) != 0)
					goto fail;
				last = o;
			}
			continue;
		}
		/* Not an option: never shown, it may be a value meant for an option. */
		if (last != NULL)
			pl_snprintf(err, errlen, _("argument %d is not an option (--%s before it "
				    "takes no value; %s takes only options)"), i, last->name, p->prog);
		else
			pl_snprintf(err, errlen, _("argument %d is not an option (%s takes only "
				    "options)"), i, p->prog);
fail:
		/* A dry run reads on: a later option may still be the one it looks for. */
		if (!p->dry)
			return -1;
		last = NULL;
	}
	return 0;
}

int
pl_opt_scan(struct pl_opt_parser *p, int argc, char **argv, bool (*skip)(const char *),
	    const char *name, const char **value)
{
	char err[512];

	p->dry = true;
	p->watch = pl_opt_find(p->tables, p->ntables, name);
	p->watched = NULL;
	p->watch_seen = false;
	pl_opt_argv(p, argc, argv, skip, err, sizeof(err));
	p->dry = false;
	*value = p->watched;
	return p->watch_seen ? 1 : 0;
}
