#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "pl_i18n.h"
#include "pl_buf.h"
#include "pl_ini.h"
#include "pl_text.h"

static bool
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Trims blanks from both ends of [*s, *e). */
static void
trim(const char **s, const char **e)
{
	while (*s < *e && blank(**s))
		(*s)++;
	while (*e > *s && blank((*e)[-1]))
		(*e)--;
}

int
pl_ini_parse(const char *buf, size_t len, const char *section, pl_ini_cb cb, void *ctx,
	     char *err, size_t errlen)
{
	struct pl_lines it;
	const char *s, *e;
	bool in_section = false;
	int count = 0;

	pl_lines_init(&it, buf, len);
	while (pl_lines_next(&it, &s, &e, NULL)) {
		trim(&s, &e);
		if (s == e || *s == '#' || *s == ';')
			continue;
		if (memchr(s, '\0', (size_t)(e - s)) != NULL) {
			pl_snprintf(err, errlen, _("line %zu holds a NUL byte"), it.lineno);
			return -1;
		}
		if (*s == '[') {
			const char *ns = s + 1, *ne = e - 1;

			if (e - s < 3 || *ne != ']') {
				pl_snprintf(err, errlen,
					    _("line %zu: a section header is written [name]"),
					    it.lineno);
				return -1;
			}
			trim(&ns, &ne);
			in_section = strlen(section) == (size_t)(ne - ns) &&
				     memcmp(ns, section, (size_t)(ne - ns)) == 0;
			continue;
		}
		if (!in_section)
			continue;
		{
			const char *eq = memchr(s, '=', (size_t)(e - s));
			const char *ks = s, *ke = eq ? eq : e;
			char *key, *value = NULL;
			int rc;

			trim(&ks, &ke);
			if (ks == ke) {
				pl_snprintf(err, errlen, _("line %zu: no option name before '='"),
					    it.lineno);
				return -1;
			}
			for (const char *k = ks; k < ke; k++) {
				if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') ||
				      (*k >= '0' && *k <= '9') || *k == '-' || *k == '_')) {
					/* The line is not echoed: the file may hold a secret,
					 * or be one that was never an option file at all. */
					pl_snprintf(err, errlen,
						    _("line %zu: not an option name (letters, digits, '-')"),
						    it.lineno);
					return -1;
				}
			}
			key = strndup(ks, (size_t)(ke - ks));
			if (eq != NULL) {
				const char *vs = eq + 1, *ve = e;

				trim(&vs, &ve);
				if (ve - vs >= 2 && *vs == '"' && ve[-1] == '"') {
					vs++;
					ve--;
				}
				value = strndup(vs, (size_t)(ve - vs));
			}
			if (key == NULL || (eq != NULL && value == NULL)) {
				free(key);
				free(value);
				pl_snprintf(err, errlen, _("out of memory"));
				return -1;
			}
			rc = cb(ctx, key, value, it.lineno, err, errlen);
			explicit_bzero(key, strlen(key));
			free(key);
			if (value != NULL)
				explicit_bzero(value, strlen(value));
			free(value);
			if (rc != 0)
				return -1;
			count++;
		}
	}
	return count;
}
