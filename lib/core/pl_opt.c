#include "config.h"

#include <string.h>

#include "pl_opt.h"

void
pl_wrap(struct pl_buf *out, const char *text, int indent, int width)
{
	const char *p = text;

	while (*p) {
		int col = indent;
		const char *nl = strchr(p, '\n');
		const char *para_end = nl ? nl : p + strlen(p);

		if (p < para_end)
			pl_buf_printf(out, "%*s", indent, "");
		while (p < para_end) {
			const char *w = p, *we;

			while (w < para_end && *w == ' ')
				w++;
			we = w;
			while (we < para_end && *we != ' ')
				we++;
			if (we == w)
				break;
			if (col > indent && col + 1 + (we - w) > width) {
				pl_buf_printf(out, "\n%*s", indent, "");
				col = indent;
			}
			if (col > indent) {
				pl_buf_putc(out, ' ');
				col++;
			}
			pl_buf_add(out, w, (size_t)(we - w));
			col += (int)(we - w);
			p = we;
		}
		pl_buf_putc(out, '\n');
		p = nl ? nl + 1 : para_end;
	}
}

void
pl_opt_help(const struct pl_option *opts, struct pl_buf *out)
{
	for (const struct pl_option *o = opts; o->name != NULL; o++) {
		if (o->key > 0 && o->key < 256)
			pl_buf_printf(out, " -%c, --%s", o->key, o->name);
		else
			pl_buf_printf(out, " --%s", o->name);
		if (o->has_arg == PL_ARG)
			pl_buf_printf(out, "=%s", o->arg);
		else if (o->has_arg == PL_OPTARG)
			pl_buf_printf(out, "[=%s]", o->arg);
		pl_buf_putc(out, '\n');
		pl_wrap(out, o->help, 6, 79);
	}
}

void
pl_opt_synopsis(const struct pl_option *opts, struct pl_buf *out)
{
	for (const struct pl_option *o = opts; o->name != NULL; o++) {
		if (!(o->flags & PL_OPT_SYNOPSIS))
			continue;
		if (o->key > 0 && o->key < 256)
			pl_buf_printf(out, " [-%c", o->key);
		else
			pl_buf_printf(out, " [--%s", o->name);
		if (o->has_arg == PL_ARG)
			pl_buf_printf(out, " %s", o->arg);
		else if (o->has_arg == PL_OPTARG)
			pl_buf_printf(out, "[=%s]", o->arg);
		pl_buf_putc(out, ']');
	}
}
