#include "config.h"

#include <string.h>

#include "pl_text.h"

void
pl_lines_init(struct pl_lines *it, const char *buf, size_t len)
{
	it->p = buf;
	/* Adding even 0 to a NULL pointer is undefined in C, and an empty text may come as NULL. */
	it->end = len > 0 ? buf + len : buf;
	it->lineno = 0;
}

bool
pl_lines_next(struct pl_lines *it, const char **ls, const char **le, bool *cut)
{
	const char *nl;

	if (it->p >= it->end)
		return false;
	nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
	*ls = it->p;
	*le = nl != NULL ? nl : it->end;
	it->p = nl != NULL ? nl + 1 : it->end;
	it->lineno++;
	if (cut != NULL)
		*cut = nl == NULL;
	return true;
}
