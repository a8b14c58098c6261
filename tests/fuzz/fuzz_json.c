/* Fuzz target: pl_json_parse over the whole input, then pl_json_lines over it, and the
 * typed getters and pl_json_path on every object found: none may crash, leak or read
 * past the input (which is not NUL-terminated here), and a parsed document's own
 * serialisation must parse again to the same serialisation (text, not
 * json_object_equal: json-c takes NaN, which equals nothing).
 * fuzz-libs: json-c
 * fuzz-seeds: none (hand-written ones are in seeds/json) */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pl_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
poke(struct json_object *o)
{
	int64_t i;
	double d;
	bool b;

	(void)pl_json_str(o, "event_type");
	(void)pl_json_int(o, "level", &i);
	(void)pl_json_num(o, "time", &d);
	(void)pl_json_bool(o, "ok", &b);
	(void)pl_json_arr(o, "tags");
	(void)pl_json_path(o, "alert.severity");
	(void)pl_json_path(o, "stats.capture.kernel_drops");
}

static int
each(struct json_object *obj, size_t lineno, void *arg)
{
	(void)lineno;
	(void)arg;
	poke(obj);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[128];
	char *copy = malloc(size > 0 ? size : 1);
	struct json_object *o;

	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	o = pl_json_parse(copy, size, err, sizeof(err));
	if (o != NULL) {
		const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
		struct json_object *again = pl_json_parse(text, strlen(text), err, sizeof(err));

		if (again == NULL ||
		    strcmp(text, json_object_to_json_string_ext(again, JSON_C_TO_STRING_PLAIN)) != 0)
			abort();
		poke(o);
		json_object_put(again);
		json_object_put(o);
	} else if (err[0] == '\0') {
		abort(); /* a failure must say why */
	}
	pl_json_lines(copy, size, each, NULL, NULL);
	free(copy);
	return 0;
}
