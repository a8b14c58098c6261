/* pl_match: see pl_match.h. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "pl_buf.h"
#include "pl_match.h"

void
pl_matcher_init(struct pl_matcher *m)
{
	memset(m, 0, sizeof(*m));
}

void
pl_matcher_free(struct pl_matcher *m)
{
	for (size_t i = 0; i < m->n; i++) {
		if (m->v[i].regex)
			regfree(&m->v[i].re);
		free(m->v[i].text);
	}
	memset(m, 0, sizeof(*m));
}

/* The end of the bracket expression that starts at re[i] == '[', or 0 when it has none. */
static size_t
bracket_end(const char *re, size_t i)
{
	size_t j = i + 1;

	if (re[j] == '^')
		j++;
	if (re[j] == ']')
		j++;
	while (re[j] != '\0' && re[j] != ']') {
		if (re[j] == '[' && (re[j + 1] == ':' || re[j + 1] == '=' || re[j + 1] == '.')) {
			char close = re[j + 1];
			const char *e = strchr(re + j + 2, close);

			if (e == NULL || e[1] != ']')
				return 0;
			j = (size_t)(e - re) + 2;
			continue;
		}
		j++;
	}
	return re[j] == ']' ? j : 0;
}

/* The end of the group that starts at re[i] == '(', or 0 when it is not closed. */
static size_t
group_end(const char *re, size_t i)
{
	int depth = 0;

	for (size_t j = i; re[j] != '\0'; j++) {
		if (re[j] == '\\') {
			if (re[++j] == '\0')
				return 0;
		} else if (re[j] == '[') {
			j = bracket_end(re, j);
			if (j == 0)
				return 0;
		} else if (re[j] == '(') {
			depth++;
		} else if (re[j] == ')' && --depth == 0) {
			return j;
		}
	}
	return 0;
}

/* The longest literal run of the branch re[from, to) into out (its length), or -1 when
 * the branch holds a construct this does not know. */
static long
branch_literal(const char *re, size_t from, size_t to, char *out)
{
	char run[1024];
	size_t rlen = 0, best = 0;
	bool last_lit = false;

#define FLUSH() do { if (rlen > best) { memcpy(out, run, rlen); best = rlen; } \
		     rlen = 0; last_lit = false; } while (0)
	for (size_t i = from; i < to; i++) {
		unsigned char c = (unsigned char)re[i];

		if (rlen >= sizeof(run))
			FLUSH();
		switch (c) {
		case '\\':
			if (i + 1 >= to)
				return -1;
			c = (unsigned char)re[++i];
			if (isalnum(c) || c == '<' || c == '>' || c == '`' || c == '\'') {
				FLUSH();    /* \w \b \< \1...: not a plain character */
				break;
			}
			run[rlen++] = (char)c;
			last_lit = true;
			break;
		case '(': {
			size_t e = group_end(re, i);

			if (e == 0 || e >= to)
				return -1;
			FLUSH();
			i = e;
			break;
		}
		case '[': {
			size_t e = bracket_end(re, i);

			if (e == 0 || e >= to)
				return -1;
			FLUSH();
			i = e;
			break;
		}
		case '*':
		case '?':
		case '{':
			/* The atom before is optional (or repeated a number of times that may
			 * be 0): it leaves the run, which ends. */
			if (last_lit && rlen > 0)
				rlen--;
			FLUSH();
			if (c == '{') {
				const char *e = memchr(re + i, '}', to - i);

				if (e == NULL)
					return -1;
				i = (size_t)(e - re);
			}
			break;
		case '+':
			/* At least once: the atom stays, but what follows may come after a
			 * repetition of it. */
			FLUSH();
			break;
		case '.':
		case '^':
		case '$':
		case ')':
		case '|':
			FLUSH();
			break;
		case '\n':
			return -1;
		default:
			run[rlen++] = (char)c;
			last_lit = true;
			break;
		}
	}
	FLUSH();
#undef FLUSH
	return (long)best;
}

size_t
pl_regex_literals(const char *re, char *buf, const char **lit, size_t *litlen, size_t max)
{
	size_t n = 0, from = 0, used = 0, len = strlen(re);

	/* The top-level branches: split at each '|' outside groups and brackets. */
	for (size_t i = 0; i <= len; i++) {
		long l;

		if (i < len && re[i] == '\\') {
			if (++i >= len)
				return 0;
			continue;
		}
		if (i < len && re[i] == '(') {
			size_t e = group_end(re, i);

			if (e == 0)
				return 0;
			i = e;
			continue;
		}
		if (i < len && re[i] == '[') {
			size_t e = bracket_end(re, i);

			if (e == 0)
				return 0;
			i = e;
			continue;
		}
		if (i < len && re[i] != '|')
			continue;
		if (n >= max)
			return 0;
		l = branch_literal(re, from, i, buf + used);
		if (l < 2)
			return 0;
		lit[n] = buf + used;
		litlen[n] = (size_t)l;
		used += (size_t)l;
		n++;
		from = i + 1;
	}
	return n;
}

int
pl_matcher_add(struct pl_matcher *m, const char *text, bool regex, bool trigger,
	       unsigned bits, char *err, size_t errlen)
{
	struct pl_pattern *p;
	size_t len = strlen(text);

	if (m->n >= PL_MATCH_MAX) {
		pl_snprintf(err, errlen, "too many patterns (at most %d)", PL_MATCH_MAX);
		return -1;
	}
	if (len == 0) {
		pl_snprintf(err, errlen, "an empty pattern would match every line");
		return -1;
	}
	if (memchr(text, '\n', len) != NULL) {
		pl_snprintf(err, errlen, "a pattern cannot hold a newline (lines are matched one "
			    "at a time)");
		return -1;
	}
	if (regex) {
		/* glibc's regcomp takes time and memory exponential in stacked repetition
		 * operators ("a++++++++++++++++"), which mean nothing more than one. */
		for (size_t i = 0; i + 1 < len; i++) {
			if (text[i] == '\\') {
				i++;
				continue;
			}
			if (text[i] == '[') {
				size_t e = bracket_end(text, i);

				if (e == 0)
					break;     /* regcomp says what is wrong */
				i = e;
				continue;
			}
			if (strchr("*+?}", text[i]) != NULL && strchr("*+?{", text[i + 1]) != NULL &&
			    text[i + 1] != '\0') {
				pl_snprintf(err, errlen, "two repetition operators in a row ('++', "
					    "'*?', '}{'...): write one");
				return -1;
			}
		}
	}
	p = &m->v[m->n];
	memset(p, 0, sizeof(*p));
	p->regex = regex;
	p->trigger = trigger;
	p->bits = bits;
	p->len = len;
	p->text = malloc(len + 1);
	if (p->text == NULL) {
		pl_snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (regex) {
		int rc = regcomp(&p->re, text, REG_EXTENDED | REG_NOSUB);

		if (rc != 0) {
			char why[256];

			regerror(rc, &p->re, why, sizeof(why));
			pl_snprintf(err, errlen, "not a valid extended regular expression: %s", why);
			free(p->text);
			p->text = NULL;
			return -1;
		}
		p->nlit = pl_regex_literals(text, p->text, p->lit, p->litlen, PL_MATCH_LIT_MAX);
	} else {
		memcpy(p->text, text, len + 1);
		p->nlit = 1;
		p->lit[0] = p->text;
		p->litlen[0] = len;
	}
	m->n++;
	m->ntrigger += trigger;
	return 0;
}

/* regexec is given a NUL-terminated copy of the line (REG_STARTEND bounds it all the
 * same, NULs inside included): regexec's contract is a string, and the sanitizers'
 * interceptor of it reads up to a NUL, which a line in the middle of a block has not.
 * Only candidate lines get here, and most are short. */
static bool
regex_matches(const struct pl_pattern *p, const char *line, size_t len)
{
	char small[4096], *copy = small;
	regmatch_t pm[1];
	bool ok;

	if (len >= sizeof(small)) {
		copy = malloc(len + 1);
		if (copy == NULL)
			return false;
	}
	memcpy(copy, line, len);
	copy[len] = '\0';
	pm[0].rm_so = 0;
	pm[0].rm_eo = (regoff_t)len;
	ok = regexec(&p->re, copy, 1, pm, REG_STARTEND) == 0;
	if (copy != small)
		free(copy);
	return ok;
}

static bool
pattern_matches(const struct pl_pattern *p, const char *line, size_t len)
{
	if (!p->regex)
		return memmem(line, len, p->text, p->len) != NULL;
	return regex_matches(p, line, len);
}

unsigned
pl_matcher_line(const struct pl_matcher *m, const char *line, size_t len, bool *hit)
{
	unsigned bits = 0;

	*hit = false;
	for (size_t i = 0; i < m->n; i++) {
		if (pattern_matches(&m->v[i], line, len)) {
			bits |= m->v[i].bits;
			*hit |= m->v[i].trigger;
		}
	}
	return bits;
}

/* Every line a candidate: a trigger regex without literals. */
static size_t
scan_lines(const struct pl_matcher *m, const char *buf, size_t len, pl_match_fn *fn,
	   void *ctx)
{
	size_t found = 0, pos = 0;

	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t le = nl ? (size_t)(nl - buf) : len;
		bool hit;
		unsigned bits = pl_matcher_line(m, buf + pos, le - pos, &hit);

		if (hit) {
			fn(ctx, buf + pos, le - pos, bits);
			found++;
		}
		pos = le + 1;
	}
	return found;
}

size_t
pl_matcher_scan(const struct pl_matcher *m, const char *buf, size_t len, pl_match_fn *fn,
		void *ctx)
{
	const char *lit[PL_MATCH_MAX * PL_MATCH_LIT_MAX];
	size_t litlen[PL_MATCH_MAX * PL_MATCH_LIT_MAX], next[PL_MATCH_MAX * PL_MATCH_LIT_MAX];
	size_t nslot = 0, found = 0, pos = 0;

	if (len == 0 || m->ntrigger == 0)
		return 0;
	for (size_t i = 0; i < m->n; i++) {
		const struct pl_pattern *p = &m->v[i];

		if (!p->trigger)
			continue;
		if (p->nlit == 0)
			return scan_lines(m, buf, len, fn, ctx);
		for (size_t k = 0; k < p->nlit; k++) {
			const char *at = memmem(buf, len, p->lit[k], p->litlen[k]);

			lit[nslot] = p->lit[k];
			litlen[nslot] = p->litlen[k];
			next[nslot++] = at ? (size_t)(at - buf) : len;
		}
	}
	for (;;) {
		size_t cand = len, ls, le;
		const char *nl;
		bool hit;
		unsigned bits;

		for (size_t s = 0; s < nslot; s++)
			if (next[s] < cand)
				cand = next[s];
		if (cand >= len)
			break;
		nl = cand > pos ? memrchr(buf + pos, '\n', cand - pos) : NULL;
		ls = nl ? (size_t)(nl - buf) + 1 : pos;
		nl = memchr(buf + cand, '\n', len - cand);
		le = nl ? (size_t)(nl - buf) : len;
		bits = pl_matcher_line(m, buf + ls, le - ls, &hit);
		if (hit) {
			fn(ctx, buf + ls, le - ls, bits);
			found++;
		}
		pos = le + 1;
		if (pos >= len)
			break;
		for (size_t s = 0; s < nslot; s++) {
			if (next[s] < pos) {
				const char *at = memmem(buf + pos, len - pos, lit[s], litlen[s]);

				next[s] = at ? (size_t)(at - buf) : len;
			}
		}
	}
	return found;
}

size_t
pl_count_lines(const char *buf, size_t len, size_t max, size_t max_len, size_t *end,
	       bool *too_long)
{
	size_t n = 0, pos = 0;

	*end = 0;
	*too_long = false;
	while (pos < len && (max == 0 || n < max)) {
		const char *nl = memchr(buf + pos, '\n', len - pos);

		if (nl == NULL)
			break;
		if (max_len > 0 && (size_t)(nl - buf) - pos > max_len) {
			*too_long = true;
			break;
		}
		n++;
		pos = (size_t)(nl - buf) + 1;
		*end = pos;
	}
	return n;
}
