/* pl_text: walking a buffer of text line by line, for the parsers of lib/.
 *
 * A line is the bytes up to a newline, without it. Text that ends in a newline has no
 * empty line after it; text that does not has a last line that is "cut": the file ended
 * inside it (a short read, a truncated copy). The walker only reports that; whether a cut
 * line is an error, and what the message says, is each parser's business. Lines may hold
 * any byte, NUL included, and a '\r' before the newline is part of the line. */
#ifndef PL_TEXT_H
#define PL_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* A cursor over [buf, buf + len). p is where the next line starts (end when none is
 * left); lineno is the number of the line pl_lines_next returned last, 0 before the first
 * and the count of lines after the last. The text is the caller's and must outlive it. */
struct pl_lines {
	const char *p, *end;
	size_t lineno;
};

/* Starts a walk over the len bytes at buf (buf may be NULL when len is 0). */
void pl_lines_init(struct pl_lines *it, const char *buf, size_t len);

/* Sets [*ls, *le) to the next line without its newline and counts it in it->lineno
 * (1-based). Returns false, and leaves everything as it was, at the end of the text.
 * *cut (cut may be NULL) says the line has no newline: the text ended inside it, and it is
 * the last. */
bool pl_lines_next(struct pl_lines *it, const char **ls, const char **le, bool *cut);

#endif
