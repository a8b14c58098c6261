/* pl_match: the lines of a block of text that match a set of patterns, found fast.
 *
 * A log check looks for a few patterns (critical ones, warning ones, exceptions) in
 * megabytes of new lines, of which few match. Testing each line against each pattern
 * (a strstr per line over a copied line) costs a pass over every line per pattern.
 * Instead the block is searched as a whole: each pattern that can start a match (a
 * "trigger") keeps the position of its next occurrence in the block, found with memmem
 * (glibc's is a two-way search with a vectorised first-byte scan), and only the line that
 * holds the earliest occurrence is looked at: there every pattern (exceptions included)
 * is tested on that line alone. The search then goes on after that line, and a pattern
 * is searched again only when its next occurrence was passed. On x86-64 one pass finds
 * the next occurrence of any of them instead (see struct pl_matcher): a regex of three
 * branches costs about what one fixed string does.
 *
 * Regular expressions (POSIX extended, regcomp) are tested with REG_STARTEND on the line
 * in place, never copied. A regex is searched through literals it cannot match without:
 * for each top-level branch ("a|b" has two) the longest run of plain characters that
 * every match of the branch holds ("Failed password for .* from" has "Failed password
 * for "), so that only lines holding one of them are handed to regexec. A branch without
 * such a run makes the regex a candidate on every line (correct, slower).
 *
 * Matching is by bytes: a line may hold any byte but newline, NUL included (a fixed
 * string matches across a NUL; what a regex makes of a NUL is regexec's business, the
 * same on both paths). Case matters. Patterns hold no newline. */
#ifndef PL_MATCH_H
#define PL_MATCH_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

#define PL_MATCH_MAX 64          /* patterns in one matcher */
#define PL_MATCH_LIT_MAX 8       /* literals of one regex's prefilter (one per branch) */

struct pl_pattern {
	bool regex;
	bool trigger;        /* a line holding it is a candidate (exceptions are not) */
	unsigned bits;       /* the caller's classes of this pattern, ORed into a match */
	char *text;          /* the fixed string, or the regex's literals' storage */
	size_t len;
	regex_t re;
	size_t nlit;         /* 0 with a regex: no prefilter, every line is a candidate */
	const char *lit[PL_MATCH_LIT_MAX];
	size_t litlen[PL_MATCH_LIT_MAX];
};

struct pl_matcher {
	struct pl_pattern v[PL_MATCH_MAX];
	size_t n;
	size_t ntrigger;
	/* The trigger literals, for one pass that finds any of them (on x86-64, SSE2):
	 * per literal two of its bytes, the rarest in log text, at offsets off1 and off2,
	 * are compared at 16 positions at once; only positions where both match are
	 * compared in full. nlit 0: one memmem per literal instead. */
	size_t nlit;
	const char *lit[PL_MATCH_MAX * PL_MATCH_LIT_MAX];
	size_t litlen[PL_MATCH_MAX * PL_MATCH_LIT_MAX];
	size_t off1[PL_MATCH_MAX * PL_MATCH_LIT_MAX], off2[PL_MATCH_MAX * PL_MATCH_LIT_MAX];
	size_t maxoff;
	bool avx2;                   /* 32 positions at once (the CPU has AVX2) */
};


void pl_matcher_init(struct pl_matcher *m);
void pl_matcher_free(struct pl_matcher *m);

/* Adds a pattern: a fixed string (regex false) or a POSIX extended regex, with the
 * caller's class bits. trigger: a line that holds it is reported (false for an
 * exception, which only adds its bits to a line another pattern found). Returns 0, or
 * -1 with why in err (an empty pattern, a regex regcomp refused, too many patterns);
 * the message never repeats the pattern. */
int pl_matcher_add(struct pl_matcher *m, const char *text, bool regex, bool trigger,
		   unsigned bits, char *err, size_t errlen);

/* Called for each line that a trigger matches: the line without its newline, and the
 * bits of every pattern that matches it. */
typedef void pl_match_fn(void *ctx, const char *line, size_t len, unsigned bits);

/* Finds the lines of buf[0, len) that a trigger matches, in order, and calls fn for each.
 * Lines end in '\n'; the last may lack it (it is a line all the same). Returns the number
 * of lines reported. */
size_t pl_matcher_scan(const struct pl_matcher *m, const char *buf, size_t len,
		       pl_match_fn *fn, void *ctx);

/* The bits of every pattern that matches the one line [line, line + len) (no newline in
 * it), and in *hit whether a trigger does: the slow reference (each pattern on the line)
 * that the fuzz target and the tests compare pl_matcher_scan with. */
unsigned pl_matcher_line(const struct pl_matcher *m, const char *line, size_t len, bool *hit);

/* The literals that every match of the POSIX extended regex re must hold, one per
 * top-level branch, stored in buf (at least strlen(re) + 1 bytes), pointed to by lit
 * with their lengths in litlen. Returns how many (one per branch), or 0 when some branch
 * has none of at least 2 bytes, has a construct it does not know, or there are more
 * branches than max: then every line is a candidate. */
size_t pl_regex_literals(const char *re, char *buf, const char **lit, size_t *litlen,
			 size_t max);

/* The line splitter of pl_tail: counts the complete lines of buf[0, len), stopping after
 * the max-th (max 0: no limit) and before a line longer than max_len bytes without its
 * newline (max_len 0: no limit; *too_long is then set). Returns how many it counted and
 * sets *end to the bytes up to and including the newline of the last one counted (0 when
 * none). */
size_t pl_count_lines(const char *buf, size_t len, size_t max, size_t max_len, size_t *end,
		      bool *too_long);

#endif
