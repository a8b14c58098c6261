/* pl_select: choosing devices, interfaces, sensors... by name.
 *
 * Rules come from repeatable options: --include/--exclude take a glob, and
 * --include-regex/--exclude-regex an extended regular expression (POSIX ERE, matched
 * anywhere in the name unless anchored). An exclude always wins. When any include rule
 * exists, only names an include rule matches are taken; otherwise the plugin's defaults
 * decide (loop devices and virtual interfaces are out by default, say), and a name that
 * an include rule names explicitly overrides those defaults. */
#ifndef PL_SELECT_H
#define PL_SELECT_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

#include "pl_buf.h"
#include "pl_text.h"

struct pl_select_rule {
	bool include;
	bool is_regex;
	char *text;
	regex_t re;
};

struct pl_select {
	struct pl_select_rule *v;
	size_t n;
};

enum pl_select_verdict {
	PL_SELECT_EXCLUDED = -1,   /* an exclude rule matched */
	PL_SELECT_DEFAULT = 0,     /* no rule spoke: the plugin's defaults decide */
	PL_SELECT_INCLUDED = 1,    /* an include rule matched */
};

int pl_select_add(struct pl_select *s, bool include, bool is_regex, const char *text, char *err,
		  size_t errlen);
void pl_select_free(struct pl_select *s);
bool pl_select_has_include(const struct pl_select *s);
enum pl_select_verdict pl_select_match(const struct pl_select *s, const char *name);
/* The whole decision: the verdict, and for DEFAULT, !has_include && default_in. Several
 * names may stand for one thing (sda and its by-name alias): any of them may match. */
bool pl_select_take(const struct pl_select *s, const char *const *names, size_t nnames,
		    bool default_in);

/* The include rules that name one thing exactly (a glob without wildcards, not a regex)
 * and match none of the names present: an admin who asked for "sdb" by name must hear
 * that it is gone, not get a green line about the others. Fills out with up to max rule
 * texts (owned by s) and returns how many there are in all. */
size_t pl_select_missing(const struct pl_select *s, const char *const *names, size_t nnames,
			 const char **out, size_t max);

/* Why none of names was taken, for a plugin left with nothing to check: "every
 * interface (4) was excluded by --exclude", "no interface matches the --include rules",
 * "no interface selected: 2 excluded by --exclude, the others left out by default"; or NULL when no rule had a
 * part in it (the plugin's defaults left everything out). Rules are named by their
 * option, never by their text, which may come from an option file. what is the noun for
 * one name ("interface"). Writes buf (len bytes) and returns it. */
const char *pl_select_none(const struct pl_select *s, const char *const *names, size_t nnames,
			   const char *what, char *buf, size_t len);

/* Appends the n names (name_at(ctx, i); pl_name_at_strv for an array), escaped as texts
 * show names (pl_name_str), the first ten and a count of the rest: "lo, docker0, eth0
 * (+3 more)". */
void pl_select_list(struct pl_buf *out, pl_name_at_fn *name_at, const void *ctx, size_t n);

/* The line of a plugin left with nothing to check, appended to out: why nothing was
 * taken (pl_select_none's reason, else "no WHAT selected"), then the n names that were
 * there (name_at(ctx, i), as pl_select_list shows them) after plural: "every interface
 * (4) was excluded by --exclude (interfaces: lo, eth0, eth1, eth2)". hint (NULL: none)
 * says what the defaults leave out when no rule had a part in it: "no block device
 * selected (partitions need --partitions; devices: vda, loop0)". Returns whether a rule
 * had a part in it. */
bool pl_select_nothing(const struct pl_select *s, pl_name_at_fn *name_at, const void *ctx,
		       size_t n, const char *what, const char *plural, const char *hint,
		       struct pl_buf *out);

#endif
