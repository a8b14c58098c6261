/* Fuzz target: pl_matcher_scan (the block matcher of the log check) and pl_count_lines
 * (pl_tail's line splitter) over arbitrary bytes. The input's first lines are patterns
 * ("F..." a fixed string, "R..." an extended regex, "X..." a fixed exception), up to the
 * first line that starts with none of those; the rest is the text. The matcher must
 * report exactly the lines its per-line reference (every pattern on every line) reports,
 * with the same bits, and the splitter must agree with a plain count of newlines.
 * Regexes come from the admin, not from the log: those with an interval ('{'), whose
 * compilation glibc may blow up to gigabytes ("(a{999}){999}"), are left out, as are
 * regexes over 64 bytes.
 * fuzz-seeds: log/auth.log log/syslog */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pl_match.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seen {
	const char *text;
	size_t len, pos, n;
	const struct pl_matcher *m;
};

/* Each reported line must be the next line the reference reports. */
static void
check(void *ctx, const char *line, size_t len, unsigned bits)
{
	struct seen *s = ctx;

	while (s->pos <= s->len) {
		const char *nl = memchr(s->text + s->pos, '\n', s->len - s->pos);
		size_t le = nl ? (size_t)(nl - s->text) : s->len;
		size_t ls = s->pos;
		bool hit;
		unsigned want;

		if (ls == s->len)
			abort();              /* reported a line the text does not have */
		s->pos = le + 1;
		want = pl_matcher_line(s->m, s->text + ls, le - ls, &hit);
		if (!hit)
			continue;
		if (line != s->text + ls || len != le - ls)
			abort();              /* another line than the reference's next */
		if (bits != want)
			abort();
		s->n++;
		return;
	}
	abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	struct pl_matcher m;
	struct seen s;
	char pat[256], err[256];
	size_t total, ends, count, k, want = 0;
	bool too_long;
	unsigned bit = 1;

	pl_matcher_init(&m);
	while (p < end && (*p == 'F' || *p == 'R' || *p == 'X')) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char kind = *p;

		if (n - 1 < sizeof(pat)) {
			memcpy(pat, p + 1, n - 1);
			pat[n - 1] = '\0';
			if (strlen(pat) == n - 1 &&
			    !(kind == 'R' && (strchr(pat, '{') != NULL || n - 1 > 64)))
				(void)pl_matcher_add(&m, pat, kind == 'R', kind != 'X', bit, err,
						     sizeof(err));
			bit = bit << 1 ? bit << 1 : 1;
		}
		p += n + (nl != NULL);
	}
	/* The rest is the text. */
	s.text = p;
	s.len = (size_t)(end - p);
	s.pos = 0;
	s.n = 0;
	s.m = &m;
	total = pl_matcher_scan(&m, s.text, s.len, check, &s);
	if (total != s.n)
		abort();
	/* No line of the reference's after the last reported one. */
	while (s.pos < s.len) {
		const char *nl = memchr(s.text + s.pos, '\n', s.len - s.pos);
		size_t le = nl ? (size_t)(nl - s.text) : s.len;
		bool hit;

		pl_matcher_line(&m, s.text + s.pos, le - s.pos, &hit);
		if (hit)
			abort();
		s.pos = le + 1;
	}
	/* The splitter: all newlines without limits; with a cap of lines and of length, a
	 * prefix of whole lines none longer than the length. */
	for (size_t i = 0; i < s.len; i++)
		want += s.text[i] == '\n';
	count = pl_count_lines(s.text, s.len, 0, 0, &ends, &too_long);
	if (count != want || too_long || (count > 0 && s.text[ends - 1] != '\n'))
		abort();
	count = pl_count_lines(s.text, s.len, 3, 40, &ends, &too_long);
	k = 0;
	for (size_t i = 0, start = 0; i < ends; i++) {
		if (s.text[i] == '\n') {
			if (i - start > 40)
				abort();
			k++;
			start = i + 1;
		}
	}
	if (k != count || count > 3 || (count < 3 && count < want && !too_long))
		abort();
	pl_matcher_free(&m);
	return 0;
}
