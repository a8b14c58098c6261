#include "config.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "pl_i18n.h"
#include "pl_buf.h"
#include "pl_result.h"
#include "pl_select.h"

int
pl_select_add(struct pl_select *s, bool include, bool is_regex, const char *text, char *err,
	      size_t errlen)
{
	struct pl_select_rule r, *v;

	memset(&r, 0, sizeof(r));
	r.include = include;
	r.is_regex = is_regex;
	if (text[0] == '\0') {
		pl_snprintf(err, errlen, _("give a name or pattern"));
		return -1;
	}
	if (is_regex) {
		int rc = regcomp(&r.re, text, REG_EXTENDED | REG_NOSUB);

		if (rc != 0) {
			char why[128];

			regerror(rc, &r.re, why, sizeof(why));
			pl_snprintf(err, errlen, _("not a valid extended regular expression: %s"), why);
			return -1;
		}
	}
	r.text = strdup(text);
	v = realloc(s->v, (s->n + 1) * sizeof(*v));
	if (r.text == NULL || v == NULL) {
		if (is_regex)
			regfree(&r.re);
		free(r.text);
		if (v != NULL)
			s->v = v;
		pl_snprintf(err, errlen, _("out of memory"));
		return -1;
	}
	s->v = v;
	s->v[s->n++] = r;
	return 0;
}

void
pl_select_free(struct pl_select *s)
{
	for (size_t i = 0; i < s->n; i++) {
		if (s->v[i].is_regex)
			regfree(&s->v[i].re);
		free(s->v[i].text);
	}
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

bool
pl_select_has_include(const struct pl_select *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].include)
			return true;
	return false;
}

static bool
rule_matches(const struct pl_select_rule *r, const char *name)
{
	if (r->is_regex)
		return regexec(&r->re, name, 0, NULL, 0) == 0;
	return fnmatch(r->text, name, 0) == 0;
}

enum pl_select_verdict
pl_select_match(const struct pl_select *s, const char *name)
{
	enum pl_select_verdict v = PL_SELECT_DEFAULT;

	for (size_t i = 0; i < s->n; i++) {
		if (!rule_matches(&s->v[i], name))
			continue;
		if (!s->v[i].include)
			return PL_SELECT_EXCLUDED;
		v = PL_SELECT_INCLUDED;
	}
	return v;
}

bool
pl_select_take(const struct pl_select *s, const char *const *names, size_t nnames,
	       bool default_in)
{
	enum pl_select_verdict best = PL_SELECT_DEFAULT;

	for (size_t i = 0; i < nnames; i++) {
		enum pl_select_verdict v;

		if (names[i] == NULL || names[i][0] == '\0')
			continue;
		v = pl_select_match(s, names[i]);
		if (v == PL_SELECT_EXCLUDED)
			return false;
		if (v == PL_SELECT_INCLUDED)
			best = v;
	}
	if (best == PL_SELECT_INCLUDED)
		return true;
	return !pl_select_has_include(s) && default_in;
}

size_t
pl_select_missing(const struct pl_select *s, const char *const *names, size_t nnames,
		  const char **out, size_t max)
{
	size_t count = 0;

	for (size_t i = 0; i < s->n; i++) {
		const struct pl_select_rule *r = &s->v[i];
		bool found = false;

		if (!r->include || r->is_regex || strpbrk(r->text, "*?[") != NULL)
			continue;
		for (size_t k = 0; k < nnames && !found; k++)
			found = names[k] != NULL && strcmp(names[k], r->text) == 0;
		if (found)
			continue;
		if (count < max)
			out[count] = r->text;
		count++;
	}
	return count;
}

const char *
pl_select_none(const struct pl_select *s, const char *const *names, size_t nnames,
	       const char *what, char *buf, size_t len)
{
	size_t excluded = 0;
	bool by_glob = false, by_regex = false;
	const char *by;

	for (size_t k = 0; k < nnames; k++) {
		bool out = false;

		for (size_t i = 0; i < s->n; i++) {
			const struct pl_select_rule *r = &s->v[i];

			if (r->include || !rule_matches(r, names[k]))
				continue;
			out = true;
			*(r->is_regex ? &by_regex : &by_glob) = true;
		}
		excluded += out;
	}
	by = by_glob && by_regex ? "--exclude and --exclude-regex" :
	     by_regex ? "--exclude-regex" : "--exclude";
	if (nnames == 1 && excluded == 1)
		pl_snprintf(buf, len, _("the only %s was excluded by %s"), what, by);
	else if (nnames > 0 && excluded == nnames)
		pl_snprintf(buf, len, _("every %s (%zu) was excluded by %s"), what, nnames, by);
	else if (pl_select_has_include(s) && excluded > 0)
		pl_snprintf(buf, len, _("no %s matches the --include rules (%zu excluded by %s)"),
			    what, excluded, by);
	else if (pl_select_has_include(s))
		pl_snprintf(buf, len, _("no %s matches the --include rules"), what);
	else if (excluded > 0)
		pl_snprintf(buf, len, _("no %s selected: %zu excluded by %s, the others left out "
			    "by default"), what, excluded, by);
	else
		return NULL;
	return buf;
}

void
pl_select_list(struct pl_buf *out, pl_name_at_fn *name_at, const void *ctx, size_t n)
{
	char e[1024];

	for (size_t i = 0; i < n && i < 10; i++) {
		pl_name_str(e, sizeof(e), name_at(ctx, i));
		pl_buf_printf(out, "%s%s", i ? ", " : "", e);
	}
	if (n > 10)
		pl_buf_printf(out, _(" (+%zu more)"), n - 10);
}

bool
pl_select_nothing(const struct pl_select *s, pl_name_at_fn *name_at, const void *ctx,
		  size_t n, const char *what, const char *plural, const char *hint,
		  struct pl_buf *out)
{
	const char **names = calloc(n + 1, sizeof(*names));
	const char *by_rule = NULL;
	char why[256];

	for (size_t i = 0; names != NULL && i < n; i++)
		names[i] = name_at(ctx, i);
	if (names != NULL)
		by_rule = pl_select_none(s, names, n, what, why, sizeof(why));
	if (by_rule != NULL)
		pl_buf_printf(out, "%s", why);
	else
		pl_buf_printf(out, _("no %s selected"), what);
	if (by_rule == NULL && hint != NULL)
		pl_buf_printf(out, " (%s%s", hint, n > 0 && names != NULL ? "; " : ")");
	else if (n > 0 && names != NULL)
		pl_buf_puts(out, " (");
	if (n > 0 && names != NULL) {
		pl_buf_printf(out, "%s: ", plural);
		pl_select_list(out, name_at, ctx, n);
		pl_buf_putc(out, ')');
	}
	free(names);
	return by_rule != NULL;
}
