/* pl_json: json-c with a depth cap, JSON lines, and typed getters. See pl_json.h. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "pl_buf.h"
#include "pl_i18n.h"
#include "pl_json.h"

/* Line and column (from 1) of byte off of text, for an error a person can find. */
static void
position(const char *text, size_t off, size_t *line, size_t *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

static bool
only_space(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\n' && p[i] != '\r')
			return false;
	return true;
}

struct json_object *
pl_json_parse(const char *text, size_t len, char *err, size_t errlen)
{
	struct json_tokener *tok = NULL;
	struct json_object *obj = NULL;
	size_t line, col;

	if (len == 0 || only_space(text, len)) {
		pl_snprintf(err, errlen, _("empty input"));
		return NULL;
	}
	if (len > (size_t)INT32_MAX) {
		pl_snprintf(err, errlen, _("input of %zu bytes is too large"), len);
		return NULL;
	}
	tok = json_tokener_new_ex(PL_JSON_MAX_DEPTH);
	if (tok == NULL) {
		pl_snprintf(err, errlen, _("out of memory"));
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	obj = json_tokener_parse_ex(tok, text, (int)len);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	size_t used = json_tokener_get_parse_end(tok);
	if (jerr == json_tokener_continue) {
		/* A top-level number has no end marker: one more NUL byte tells the
		 * tokener the input is over. Anything else still open is cut short. */
		obj = json_tokener_parse_ex(tok, "", 1);
		jerr = obj != NULL ? json_tokener_get_error(tok) : json_tokener_continue;
		used = len;
	}
	if (obj == NULL || jerr != json_tokener_success) {
		if (jerr == json_tokener_continue) {
			pl_snprintf(err, errlen, _("the JSON ends before its last value is closed"));
		} else {
			position(text, used < len ? used : len, &line, &col);
			pl_snprintf(err, errlen, _("line %zu, column %zu: %s"), line, col,
				    json_tokener_error_desc(jerr));
		}
		json_object_put(obj);
		obj = NULL;
	} else if (used < len && !only_space(text + used, len - used)) {
		position(text, used, &line, &col);
		pl_snprintf(err, errlen, _("line %zu, column %zu: text after the JSON value"), line,
			    col);
		json_object_put(obj);
		obj = NULL;
	}
	json_tokener_free(tok);
	return obj;
}

int
pl_json_lines(const char *text, size_t len, pl_json_line_fn fn, void *arg,
	      struct pl_json_lines_stats *st)
{
	struct pl_json_lines_stats local;
	size_t lineno = 0;
	int rc = 0;

	if (st == NULL)
		st = &local;
	memset(st, 0, sizeof(*st));
	for (size_t pos = 0; pos < len && rc == 0;) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl != NULL ? (size_t)(nl - text) : len;
		char why[96];

		lineno++;
		if (!only_space(text + pos, end - pos)) {
			struct json_object *obj = pl_json_parse(text + pos, end - pos, why,
								sizeof(why));
			st->lines++;
			if (obj == NULL) {
				st->malformed++;
				if (st->first_bad == 0) {
					st->first_bad = lineno;
					pl_strlcpy(st->first_err, why, sizeof(st->first_err));
				}
			} else {
				rc = fn(obj, lineno, arg);
				json_object_put(obj);
			}
		}
		pos = end + 1;
	}
	return rc;
}

struct json_object *
pl_json_get(struct json_object *obj, const char *key)
{
	struct json_object *v = NULL;

	if (obj == NULL || !json_object_is_type(obj, json_type_object))
		return NULL;
	if (!json_object_object_get_ex(obj, key, &v))
		return NULL;
	return v;
}

static struct json_object *
typed(struct json_object *obj, const char *key, enum json_type t)
{
	struct json_object *v = pl_json_get(obj, key);

	return v != NULL && json_object_is_type(v, t) ? v : NULL;
}

const char *
pl_json_str(struct json_object *obj, const char *key)
{
	struct json_object *v = typed(obj, key, json_type_string);

	return v != NULL ? json_object_get_string(v) : NULL;
}

struct json_object *
pl_json_obj(struct json_object *obj, const char *key)
{
	return typed(obj, key, json_type_object);
}

struct json_object *
pl_json_arr(struct json_object *obj, const char *key)
{
	return typed(obj, key, json_type_array);
}

int
pl_json_int(struct json_object *obj, const char *key, int64_t *out)
{
	struct json_object *v = pl_json_get(obj, key);

	if (v != NULL && json_object_is_type(v, json_type_int)) {
		int64_t i = json_object_get_int64(v);

		/* json-c clamps an integer outside int64 to its ends, at parse time and in
		 * the getter (a uint64 above INT64_MAX): the ends themselves are refused, so
		 * that a value too large is never taken as another one. */
		if (i == INT64_MAX || i == INT64_MIN)
			return -1;
		*out = i;
		return 0;
	}
	if (v != NULL && json_object_is_type(v, json_type_double)) {
		double d = json_object_get_double(v);
		/* 2^53: beyond it a double no longer holds every integer, so its value may
		 * not be the one written. */
		if (isfinite(d) && fabs(d) < 9007199254740992.0 && d == (double)(int64_t)d) {
			*out = (int64_t)d;
			return 0;
		}
	}
	return -1;
}

int
pl_json_num(struct json_object *obj, const char *key, double *out)
{
	struct json_object *v = pl_json_get(obj, key);

	if (v == NULL || !(json_object_is_type(v, json_type_int) ||
			   json_object_is_type(v, json_type_double)))
		return -1;
	*out = json_object_get_double(v);
	return isfinite(*out) ? 0 : -1;
}

int
pl_json_bool(struct json_object *obj, const char *key, bool *out)
{
	struct json_object *v = typed(obj, key, json_type_boolean);

	if (v == NULL)
		return -1;
	*out = json_object_get_boolean(v) != 0;
	return 0;
}

struct json_object *
pl_json_path(struct json_object *obj, const char *path)
{
	char name[128];

	while (obj != NULL && *path != '\0') {
		const char *dot = strchr(path, '.');
		size_t n = dot != NULL ? (size_t)(dot - path) : strlen(path);

		if (n == 0 || n >= sizeof(name))
			return NULL;
		memcpy(name, path, n);
		name[n] = '\0';
		obj = pl_json_get(obj, name);
		path += n + (dot != NULL);
		if (dot != NULL && *path == '\0')
			return NULL;
	}
	return obj;
}
