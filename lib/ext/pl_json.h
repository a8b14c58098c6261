/* pl_json: what every plugin that reads JSON needs from json-c, once.
 *
 * json-c does the parsing; this module adds what it leaves to each caller: a whole
 * document parsed with a depth cap and an error that says where it went wrong, JSON
 * lines (one object per line: eve.json, alerts.json, a drill journal) walked with the
 * malformed lines counted rather than fatal, and typed getters that never coerce (json-c's
 * json_object_get_int64 turns "abc" into 0 and a string "12" into 12, so a field of the
 * wrong type would pass as a value).
 *
 * Ownership: a parsed document belongs to the caller, who frees it with json_object_put.
 * The getters return borrowed pointers into their object. Links json-c only. */
#ifndef PL_JSON_H
#define PL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

/* Deepest nesting a document may have: far beyond any tool's output (nft -j is 8 deep),
 * small enough that a hostile file cannot exhaust the stack. */
#define PL_JSON_MAX_DEPTH 64

/* Parses the len bytes at text (need not be NUL-terminated) as one JSON value. Returns
 * the value (the caller frees it), or NULL with why in err: "line 3, column 14: unexpected
 * character" or "empty input". Trailing bytes other than white space are an error. */
struct json_object *pl_json_parse(const char *text, size_t len, char *err, size_t errlen);

/* Called for each well-formed line of pl_json_lines, with the parsed value (borrowed:
 * freed after the call returns; take a json_object_get to keep it) and the line's number
 * counting from 1. Returns 0 to go on, or non-zero to stop the walk (which then returns
 * that value). */
typedef int (*pl_json_line_fn)(struct json_object *obj, size_t lineno, void *arg);

struct pl_json_lines_stats {
	size_t lines;     /* lines seen, blank ones excluded */
	size_t malformed; /* lines that were not one JSON value */
	size_t first_bad; /* line number of the first malformed line, 0 if none */
	char first_err[128]; /* why that line was malformed */
};

/* Walks the len bytes at text as JSON lines: each line holding one value is given to fn;
 * blank lines are skipped; a malformed line is counted in st and skipped. An unterminated
 * last line is taken as a line (the caller that reads a growing file passes only complete
 * lines). Returns 0, or what fn returned to stop. st may be NULL. */
int pl_json_lines(const char *text, size_t len, pl_json_line_fn fn, void *arg,
		  struct pl_json_lines_stats *st);

/* The member key of obj when it is an object and key holds a value of the type asked,
 * else NULL / false / -1. None of them coerces: an integer is not a string, a string is
 * not a number, a double with a fraction is not an integer. */
struct json_object *pl_json_get(struct json_object *obj, const char *key);
const char *pl_json_str(struct json_object *obj, const char *key);
struct json_object *pl_json_obj(struct json_object *obj, const char *key);
struct json_object *pl_json_arr(struct json_object *obj, const char *key);
/* 0 with the value in *out, or -1 when missing or of another type. pl_json_int takes an
 * integer strictly inside int64 (json-c clamps larger ones to INT64_MAX or INT64_MIN,
 * so those two are refused), or a double with no fraction under 2^53 in magnitude (where
 * a double still holds the integer written); pl_json_num takes either, finite. */
int pl_json_int(struct json_object *obj, const char *key, int64_t *out);
int pl_json_num(struct json_object *obj, const char *key, double *out);
int pl_json_bool(struct json_object *obj, const char *key, bool *out);

/* Follows a dotted path of member names ("stats.capture.kernel_drops") from obj. Returns
 * the value, or NULL when a step is missing or not an object. A name cannot hold a dot. */
struct json_object *pl_json_path(struct json_object *obj, const char *path);

#endif
