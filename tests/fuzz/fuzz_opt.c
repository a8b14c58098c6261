/* Fuzz target: the option parser over a table with every type, fed an option file
 * (pl_opt_ini) and the same bytes split into an argument vector (pl_opt_argv, and the
 * dry run pl_opt_scan). A marker in the input must never come back in a message, and a
 * message always names an option or a place.
 * fuzz-seeds: none (hand-written ones are in seeds/opt) */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pl_buf.h"
#include "pl_opt.h"
#include "pl_result.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct cfg {
	bool sw;
	int count, choice;
	const char *str;
	int64_t i64;
	size_t sz;
	double num, dur, size, rate;
	enum pl_state st;
	struct pl_strlist list;
	const char *secret;
};

static int
handler(void *base, const struct pl_option *o, const char *v, char *err, size_t errlen)
{
	(void)base, (void)o;
	if (v != NULL && v[0] == 'x') {
		pl_snprintf(err, errlen, "refused");
		return -1;
	}
	return 0;
}

static const struct pl_choice words[] = { { "a", 1, false }, { "b", 2, true }, { NULL, 0, false } };

static const struct pl_option opts[] = {
	{ .name = "sw", .letter = 's', .type = PL_OPT_SWITCH, PL_OPT_AT(struct cfg, sw) },
	{ .name = "count", .letter = 'v', .type = PL_OPT_COUNT, .max = 3,
	  PL_OPT_AT(struct cfg, count) },
	{ .name = "str", .letter = 'x', .type = PL_OPT_STRING, PL_OPT_AT(struct cfg, str) },
	{ .name = "int", .letter = 'n', .type = PL_OPT_INT, .min = -10, .max = 1e15,
	  PL_OPT_AT(struct cfg, i64) },
	{ .name = "lines", .type = PL_OPT_INT, .min = 0, .max = 100, PL_OPT_AT(struct cfg, sz) },
	{ .name = "num", .type = PL_OPT_NUMBER, .min = 0, .max = 5, PL_OPT_AT(struct cfg, num) },
	{ .name = "dur", .letter = 't', .type = PL_OPT_DURATION, .min = 0.001, .max = 86400,
	  PL_OPT_AT(struct cfg, dur) },
	{ .name = "size", .type = PL_OPT_SIZE, PL_OPT_AT(struct cfg, size) },
	{ .name = "rate", .type = PL_OPT_RATE, .min = 1, PL_OPT_AT(struct cfg, rate) },
	{ .name = "state", .type = PL_OPT_STATE, PL_OPT_AT(struct cfg, st) },
	{ .name = "word", .type = PL_OPT_CHOICE, .choices = words, PL_OPT_AT(struct cfg, choice) },
	{ .name = "list", .type = PL_OPT_LIST, .max = 4, PL_OPT_AT(struct cfg, list) },
	{ .name = "fn", .type = PL_OPT_STRING, .fn = handler, .flags = PL_OPT_REPEAT },
	{ .name = "opt", .type = PL_OPT_OPTIONAL, .fn = handler },
	{ .name = "secret", .type = PL_OPT_STRING, .flags = PL_OPT_SECRET,
	  PL_OPT_AT(struct cfg, secret) },
	{ .name = NULL },
};

#define MARK "Q7Z9"

static void
check(int rc, const char *err)
{
	if (rc < 0 && err[0] == '\0')          /* a failure always says why */
		abort();
	if (rc < 0 && strstr(err, MARK) != NULL)  /* and never repeats a value */
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfg c;
	struct pl_opt_table table = { opts, &c };
	struct pl_opt_parser p;
	char *text, *argv[66], err[1024];
	int argc = 1, rc;
	const char *v;

	if (size > 4096)
		return 0;
	/* A marker may only be in a value: after '=' on a line, or in an argument that does
	 * not start with '-'. Inputs that put it anywhere else are not this test's. */
	text = malloc(size + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	memset(&c, 0, sizeof(c));
	pl_opt_init(&p, &table, 1);
	err[0] = '\0';
	rc = pl_opt_ini(&p, text, size, "f.ini", "s", err, sizeof(err));
	if (rc < 0 && err[0] == '\0')
		abort();
	pl_opt_free(&p);

	/* The same bytes as arguments, split at newlines. */
	argv[0] = "check_fuzz";
	for (char *s = text; argc < 65 && s < text + size;) {
		char *nl = memchr(s, '\n', (size_t)(text + size - s));

		if (nl != NULL)
			*nl = '\0';
		if (strlen(s) == (size_t)((nl ? nl : text + size) - s))  /* no NUL inside */
			argv[argc++] = s;
		s = nl != NULL ? nl + 1 : text + size;
	}
	argv[argc] = NULL;
	memset(&c, 0, sizeof(c));
	pl_opt_init(&p, &table, 1);
	if (pl_opt_scan(&p, argc, argv, NULL, "word", &v) == 1 && v != NULL &&
	    (v < text || v > text + size))
		abort();                        /* a value points into the arguments */
	err[0] = '\0';
	rc = pl_opt_argv(&p, argc, argv, NULL, err, sizeof(err));
	/* A marker is only in a value when no argument names it as an option. */
	{
		bool in_name = false, names_file = false;

		for (int i = 1; i < argc; i++) {
			const char *m = strstr(argv[i], MARK);
			const char *eq = strchr(argv[i], '=');

			const char *f = strstr(argv[i], "-file");

			if (m != NULL && argv[i][0] == '-' && (eq == NULL || m < eq))
				in_name = true;
			/* --NAME-file names its file in an error on purpose (which file could
			 * not be read): a path, not the secret. */
			if (argv[i][0] == '-' && f != NULL && (eq == NULL || f < eq))
				names_file = true;
		}
		if (!in_name && !names_file)
			check(rc, err);
		else if (rc < 0 && err[0] == '\0')
			abort();
	}
	if (rc == 0 && c.count > 3)
		abort();
	if (rc == 0 && c.list.n > 4)
		abort();
	if (rc == 0 && c.secret != NULL)       /* never from the command line */
		abort();
	pl_opt_free(&p);
	free(text);
	return 0;
}
