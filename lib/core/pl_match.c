/* pl_match: see pl_match.h. */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <immintrin.h>
#endif

#include "pl_i18n.h"
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

/* The trigger literals, all of them, in lit/litlen; returns how many, or SIZE_MAX when a
 * trigger regex has none (every line is a candidate). */
static size_t
trigger_literals(const struct pl_matcher *m, const char **lit, size_t *litlen)
{
	size_t n = 0;

	for (size_t i = 0; i < m->n; i++) {
		const struct pl_pattern *p = &m->v[i];

		if (!p->trigger)
			continue;
		if (p->nlit == 0)
			return SIZE_MAX;
		for (size_t k = 0; k < p->nlit; k++) {
			lit[n] = p->lit[k];
			litlen[n++] = p->litlen[k];
		}
	}
	return n;
}

/* How rare a byte is in log text, higher is rarer: blanks, common lower-case letters and
 * digits are everywhere, upper case and punctuation less so. */
static int
rarity(unsigned char c)
{
	if (c == ' ')
		return 0;
	if (c != '\0' && strchr("etaoinsrhldcu0123456789", c) != NULL)
		return 1;
	if (c >= 'a' && c <= 'z')
		return 2;
	if (c >= 'A' && c <= 'Z')
		return 3;
	return c < 0x80 ? 4 : 3;
}

/* The one-pass search's table (see struct pl_matcher), where the CPU has SSE2. */
static void
lit_build(struct pl_matcher *m)
{
	size_t n = trigger_literals(m, m->lit, m->litlen);

	m->nlit = 0;
	m->maxoff = 0;
#if defined(__SSE2__)
	if (n == SIZE_MAX || n == 0)
		return;
	for (size_t i = 0; i < n; i++) {
		const unsigned char *l = (const unsigned char *)m->lit[i];
		size_t len = m->litlen[i], a = 0, b;

		/* The rarest byte, then the rarest other one (the last when all tie). */
		for (size_t j = 1; j < len; j++)
			if (rarity(l[j]) > rarity(l[a]))
				a = j;
		b = a == len - 1 ? 0 : len - 1;
		for (size_t j = 0; j < len; j++)
			if (j != a && rarity(l[j]) > rarity(l[b]))
				b = j;
		m->off1[i] = a;
		m->off2[i] = b;
		if (a > m->maxoff)
			m->maxoff = a;
		if (b > m->maxoff)
			m->maxoff = b;
	}
	m->nlit = n;
#if defined(__GNUC__)
	m->avx2 = __builtin_cpu_supports("avx2") != 0;
#endif
#else
	(void)n;
#endif
}

int
pl_matcher_add(struct pl_matcher *m, const char *text, bool regex, bool trigger,
	       unsigned bits, char *err, size_t errlen)
{
	struct pl_pattern *p;
	size_t len = strlen(text);

	if (m->n >= PL_MATCH_MAX) {
		pl_snprintf(err, errlen, _("too many patterns (at most %d)"), PL_MATCH_MAX);
		return -1;
	}
	if (len == 0) {
		pl_snprintf(err, errlen, _("an empty pattern would match every line"));
		return -1;
	}
	if (memchr(text, '\n', len) != NULL) {
		pl_snprintf(err, errlen, _("a pattern cannot hold a newline (lines are matched one "
			    "at a time)"));
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
				pl_snprintf(err, errlen, _("two repetition operators in a row ('++', "
					    "'*?', '}{'...): write one"));
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
		pl_snprintf(err, errlen, _("out of memory"));
		return -1;
	}
	if (regex) {
		int rc = regcomp(&p->re, text, REG_EXTENDED | REG_NOSUB);

		if (rc != 0) {
			char why[256];

			regerror(rc, &p->re, why, sizeof(why));
			pl_snprintf(err, errlen, _("not a valid extended regular expression: %s"), why);
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
	lit_build(m);
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

#if defined(__SSE2__)
/* The first of the candidate positions i + (each set bit of mask) where a trigger literal
 * really starts, or len: the vector loops below mark candidates by two bytes of each
 * literal, and this checks them whole. */
static inline size_t
lit_verify(const struct pl_matcher *m, const char *buf, size_t len, size_t i, unsigned mask)
{
	while (mask != 0) {
		size_t at = i + (size_t)__builtin_ctz(mask);

		for (size_t k = 0; k < m->nlit; k++)
			if (at + m->litlen[k] <= len &&
			    memcmp(buf + at, m->lit[k], m->litlen[k]) == 0)
				return at;
		mask &= mask - 1;
	}
	return len;
}
#endif

#if defined(__SSE2__) && defined(__GNUC__)
/* The same 32 positions at a time, where the CPU has AVX2 (most x86-64 since 2013). */
__attribute__((target("avx2"))) static size_t
lit_next_avx2(const struct pl_matcher *m, const char *buf, size_t len, size_t *from)
{
	__m256i c1[PL_MATCH_MAX * PL_MATCH_LIT_MAX], c2[PL_MATCH_MAX * PL_MATCH_LIT_MAX];
	size_t i = *from;

	for (size_t k = 0; k < m->nlit; k++) {
		c1[k] = _mm256_set1_epi8(m->lit[k][m->off1[k]]);
		c2[k] = _mm256_set1_epi8(m->lit[k][m->off2[k]]);
	}
	while (i + m->maxoff + 32 <= len) {
		__m256i acc = _mm256_setzero_si256();
		size_t at;

		for (size_t k = 0; k < m->nlit; k++) {
			__m256i a = _mm256_loadu_si256((const __m256i *)(const void *)
						       (buf + i + m->off1[k]));
			__m256i b = _mm256_loadu_si256((const __m256i *)(const void *)
						       (buf + i + m->off2[k]));

			acc = _mm256_or_si256(acc, _mm256_and_si256(_mm256_cmpeq_epi8(a, c1[k]),
								    _mm256_cmpeq_epi8(b, c2[k])));
		}
		at = lit_verify(m, buf, len, i, (unsigned)_mm256_movemask_epi8(acc));
		if (at < len)
			return at;
		i += 32;
	}
	*from = i;
	return len;
}
#endif

/* The first position at or after from where a trigger literal starts, or len. */
static size_t
lit_next(const struct pl_matcher *m, const char *buf, size_t len, size_t from)
{
	size_t i = from;

#if defined(__SSE2__)
	__m128i c1[PL_MATCH_MAX * PL_MATCH_LIT_MAX], c2[PL_MATCH_MAX * PL_MATCH_LIT_MAX];

#if defined(__GNUC__)
	if (m->avx2) {
		size_t at = lit_next_avx2(m, buf, len, &i);

		if (at < len)
			return at;
	}
#endif
	for (size_t k = 0; k < m->nlit; k++) {
		c1[k] = _mm_set1_epi8(m->lit[k][m->off1[k]]);
		c2[k] = _mm_set1_epi8(m->lit[k][m->off2[k]]);
	}
	while (i + m->maxoff + 16 <= len) {
		__m128i acc = _mm_setzero_si128();
		size_t at;

		for (size_t k = 0; k < m->nlit; k++) {
			__m128i a = _mm_loadu_si128((const __m128i *)(const void *)
						    (buf + i + m->off1[k]));
			__m128i b = _mm_loadu_si128((const __m128i *)(const void *)
						    (buf + i + m->off2[k]));

			acc = _mm_or_si128(acc, _mm_and_si128(_mm_cmpeq_epi8(a, c1[k]),
							      _mm_cmpeq_epi8(b, c2[k])));
		}
		at = lit_verify(m, buf, len, i, (unsigned)_mm_movemask_epi8(acc));
		if (at < len)
			return at;
		i += 16;
	}
#endif
	for (; i < len; i++)
		for (size_t k = 0; k < m->nlit; k++)
			if (buf[i] == m->lit[k][0] && i + m->litlen[k] <= len &&
			    memcmp(buf + i, m->lit[k], m->litlen[k]) == 0)
				return i;
	return len;
}

/* The lines that hold a trigger literal, found with lit_next. */
static size_t
scan_lit(const struct pl_matcher *m, const char *buf, size_t len, pl_match_fn *fn, void *ctx)
{
	size_t found = 0, pos = 0;

	while (pos < len) {
		size_t cand = lit_next(m, buf, len, pos), ls, le;
		const char *nl;
		bool hit;
		unsigned bits;

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
	if (m->nlit > 0)
		return scan_lit(m, buf, len, fn, ctx);
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

#if defined(__SSE2__) && defined(__GNUC__)
/* pl_count_lines without a cap on lines, 32 bytes at a time where the CPU has AVX2:
 * the newlines of a chunk counted at once, and only the first of each chunk checked
 * against max_len (32 <= max_len: those after it end shorter lines). Leaves the last
 * bytes (under 32) to the caller: *pos is where it stopped, *last after the last newline
 * counted. Returns the count, and false in *ok when a line is too long. */
__attribute__((target("avx2,popcnt"))) static size_t
count_avx2(const char *buf, size_t len, size_t max_len, size_t *pos, size_t *last, bool *ok)
{
	const __m256i nl = _mm256_set1_epi8('\n');
	size_t n = 0, i = *pos, l = *last;

	*ok = true;
	for (; i + 32 <= len; i += 32) {
		__m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(buf + i));
		unsigned mask = (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, nl));

		if (mask == 0)
			continue;
		if (max_len > 0 && i + (size_t)__builtin_ctz(mask) - l > max_len) {
			*ok = false;
			break;
		}
		n += (size_t)__builtin_popcount(mask);
		l = i + 32 - (size_t)__builtin_clz(mask);
	}
	*pos = i;
	*last = l;
	return n;
}
#endif

size_t
pl_count_lines(const char *buf, size_t len, size_t max, size_t max_len, size_t *end,
	       bool *too_long)
{
	size_t n = 0, pos = 0;

	*end = 0;
	*too_long = false;
#if defined(__SSE2__) && defined(__GNUC__)
	/* Without a line cap that this text could reach, the fast count. */
	if ((max == 0 || max > len) && (max_len == 0 || max_len >= 32) && len >= 64 &&
	    __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt")) {
		bool ok;

		n = count_avx2(buf, len, max_len, &pos, end, &ok);
		if (!ok) {
			*too_long = true;
			return n;
		}
		/* The rest from after the last newline counted. */
		pos = *end;
	}
#endif
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
