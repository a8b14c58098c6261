/* Unit tests of pl_select: include and exclude rules by glob and regular expression. */
#include "config.h"

#include <string.h>

#include "pl_buf.h"
#include "pl_select.h"
#include "tests.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Rules are written "+glob", "-glob", "+~regex", "-~regex", separated by blanks. */
static void
add_rules(struct pl_select *s, const char *rules)
{
	char copy[256], err[256];
	char *p = copy;

	pl_strlcpy(copy, rules, sizeof(copy));
	while (*p) {
		char *w = p, *e;
		bool include, is_regex = false;

		while (*w == ' ')
			w++;
		if (*w == '\0')
			break;
		e = strchr(w, ' ');
		if (e != NULL)
			*e = '\0';
		include = *w++ == '+';
		if (*w == '~') {
			is_regex = true;
			w++;
		}
		ck_assert_msg(pl_select_add(s, include, is_regex, w, err, sizeof(err)) == 0, "%s",
			      err);
		p = e ? e + 1 : w + strlen(w);
	}
}

static const struct {
	const char *rules;
	const char *name;
	enum pl_select_verdict verdict;
	bool default_in;
	bool taken;
} cases[] = {
	/* No rule: the plugin's default decides. */
	{ "", "sda", PL_SELECT_DEFAULT, true, true },
	{ "", "loop0", PL_SELECT_DEFAULT, false, false },
	/* Globs match the whole name. */
	{ "+sd*", "sda", PL_SELECT_INCLUDED, true, true },
	{ "+sd*", "nvme0n1", PL_SELECT_DEFAULT, true, false },
	{ "+sd?", "sda1", PL_SELECT_DEFAULT, true, false },
	{ "+sd[ab]", "sdb", PL_SELECT_INCLUDED, true, true },
	{ "-loop*", "loop3", PL_SELECT_EXCLUDED, true, false },
	{ "-loop*", "sda", PL_SELECT_DEFAULT, true, true },
	/* Regexes match anywhere unless anchored. */
	{ "+~nvme", "nvme0n1", PL_SELECT_INCLUDED, true, true },
	{ "+~^n.*p[0-9]+$", "nvme0n1p2", PL_SELECT_INCLUDED, true, true },
	{ "+~^n.*p[0-9]+$", "nvme0n1", PL_SELECT_DEFAULT, true, false },
	{ "-~^(loop|ram)[0-9]+$", "ram12", PL_SELECT_EXCLUDED, true, false },
	{ "-~^(loop|ram)[0-9]+$", "xram12", PL_SELECT_DEFAULT, true, true },
	{ "-~a", "sda", PL_SELECT_EXCLUDED, true, false },
	/* An exclude always wins, in either order. */
	{ "+sd* -sdb", "sdb", PL_SELECT_EXCLUDED, true, false },
	{ "-sdb +sd*", "sdb", PL_SELECT_EXCLUDED, true, false },
	{ "+sd* -sdb", "sda", PL_SELECT_INCLUDED, true, true },
	{ "+~. -~^sd", "sdc", PL_SELECT_EXCLUDED, true, false },
	/* An explicit include overrides a default that would leave the name out. */
	{ "+loop0", "loop0", PL_SELECT_INCLUDED, false, true },
	{ "+~^loop", "loop7", PL_SELECT_INCLUDED, false, true },
	/* With an include rule, names no include names are out, defaults or not. */
	{ "+loop0", "sda", PL_SELECT_DEFAULT, true, false },
	/* Exclude rules only: defaults still decide for the rest. */
	{ "-sda", "loop0", PL_SELECT_DEFAULT, false, false },
	{ "-sda", "sdb", PL_SELECT_DEFAULT, true, true },
};

START_TEST(test_select)
{
	struct pl_select s = { NULL, 0 };
	const char *names[1] = { cases[_i].name };

	add_rules(&s, cases[_i].rules);
	ck_assert_msg(pl_select_match(&s, cases[_i].name) == cases[_i].verdict,
		      "rules '%s', name %s: verdict %d", cases[_i].rules, cases[_i].name,
		      (int)pl_select_match(&s, cases[_i].name));
	ck_assert_msg(pl_select_take(&s, names, 1, cases[_i].default_in) == cases[_i].taken,
		      "rules '%s', name %s", cases[_i].rules, cases[_i].name);
	pl_select_free(&s);
	ck_assert_ptr_null(s.v);
	ck_assert_uint_eq(s.n, 0);
}
END_TEST

START_TEST(test_select_aliases)
{
	struct pl_select s = { NULL, 0 };
	const char *names[] = { "dm-0", "vg0-root", NULL, "" };

	/* Any name of a device may match: its alias is included... */
	add_rules(&s, "+vg0-*");
	ck_assert(pl_select_take(&s, names, 4, false));
	pl_select_free(&s);
	/* ... or excluded, which wins over an include through another name. */
	add_rules(&s, "+dm-* -vg0-root");
	ck_assert(!pl_select_take(&s, names, 4, true));
	pl_select_free(&s);
	ck_assert(!pl_select_take(&s, names, 0, false));
	ck_assert(pl_select_take(&s, names, 0, true));
}
END_TEST

START_TEST(test_select_has_include)
{
	struct pl_select s = { NULL, 0 };

	ck_assert(!pl_select_has_include(&s));
	add_rules(&s, "-loop*");
	ck_assert(!pl_select_has_include(&s));
	add_rules(&s, "+~^sd");
	ck_assert(pl_select_has_include(&s));
	pl_select_free(&s);
}
END_TEST

START_TEST(test_select_invalid)
{
	static const char *const bad[] = { "(", "[a-", "a{2,1}", "(ab", "[[:nope:]]" };
	struct pl_select s = { NULL, 0 };
	char err[256];

	for (int i = 0; i < N(bad); i++) {
		err[0] = '\0';
		ck_assert_msg(pl_select_add(&s, true, true, bad[i], err, sizeof(err)) == -1,
			      "regex '%s' was accepted", bad[i]);
		/* The reason, never the pattern (it may come from an option file). */
		ck_assert_ptr_nonnull(strstr(err, "not a valid extended regular expression"));
		ck_assert_uint_eq(s.n, 0);
	}
	ck_assert_int_eq(pl_select_add(&s, true, true, "S3CR3T(", err, sizeof(err)), -1);
	ck_assert_ptr_null(strstr(err, "S3CR3T"));
	/* An empty name or pattern is refused too. */
	ck_assert_int_eq(pl_select_add(&s, false, false, "", err, sizeof(err)), -1);
	ck_assert(err[0] != '\0');
	ck_assert_int_eq(pl_select_add(&s, false, true, "", err, sizeof(err)), -1);
	ck_assert_uint_eq(s.n, 0);
	pl_select_free(&s);
}
END_TEST

/* pl_select_none: why nothing was taken, naming rules by option, never by text. */
static const struct {
	const char *rules;       /* "+glob", "-glob", "~ere" (exclude regex), "=ere" (include) */
	const char *want;        /* NULL: the rules had no part in it */
} none_cases[] = {
	{ "-e*", "no interface selected: 1 excluded by --exclude, the others left out by "
	  "default" },
	{ "-e* -l*", "no interface selected: 2 excluded by --exclude, the others left out by "
	  "default" },
	{ "-e* -l* -d*", "every interface (3) was excluded by --exclude" },
	{ "-e* ~^[ld]", "every interface (3) was excluded by --exclude and --exclude-regex" },
	{ "~.", "every interface (3) was excluded by --exclude-regex" },
	{ "+x*", "no interface matches the --include rules" },
	{ "+e* -eth*", "no interface matches the --include rules (1 excluded by --exclude)" },
	{ "=^e -e*", "no interface matches the --include rules (1 excluded by --exclude)" },
	{ "", NULL },
	{ "-zz*", NULL },
};

START_TEST(test_select_none)
{
	static const char *const names[] = { "eth0", "lo", "docker0" };
	struct pl_select s = { NULL, 0 };
	char rules[64], err[256], why[256];
	const char *got;

	pl_strlcpy(rules, none_cases[_i].rules, sizeof(rules));
	for (char *r = rules; *r != '\0';) {
		char *end = strchr(r, ' ');

		if (end != NULL)
			*end = '\0';
		ck_assert_int_eq(pl_select_add(&s, r[0] == '+' || r[0] == '=',
					       r[0] == '~' || r[0] == '=', r + 1, err, sizeof(err)),
				 0);
		r = end != NULL ? end + 1 : r + strlen(r);
	}
	got = pl_select_none(&s, names, N(names), "interface", why, sizeof(why));
	if (none_cases[_i].want == NULL)
		ck_assert_msg(got == NULL, "case %d: [%s]", _i, got);
	else
		ck_assert_msg(got != NULL && strcmp(got, none_cases[_i].want) == 0, "case %d: [%s]",
			      _i, got ? got : "NULL");
	/* One name, excluded. */
	if (_i == 0) {
		ck_assert_str_eq(pl_select_none(&s, names, 1, "array", why, sizeof(why)),
				 "the only array was excluded by --exclude");
	}
	pl_select_free(&s);
}
END_TEST


/* pl_select_nothing and pl_select_list: the reason, the hint when no rule spoke, and the
 * names there were, escaped, ten at most. */
START_TEST(test_select_nothing)
{
	static const char *const names[] = { "eth0", "lo", "a\033b" };
	static const char *const many[] = { "n1", "n2", "n3", "n4", "n5", "n6", "n7", "n8",
					    "n9", "n10", "n11", "n12" };
	struct pl_select s = { NULL, 0 };
	struct pl_buf b = PL_BUF_INIT;
	char err[256];

	ck_assert(!pl_select_nothing(&s, pl_name_at_strv, names, N(names), "interface",
				     "interfaces", NULL, &b));
	ck_assert_str_eq(pl_buf_str(&b), "no interface selected (interfaces: eth0, lo, a\\x1bb)");
	pl_buf_reset(&b);
	ck_assert(!pl_select_nothing(&s, pl_name_at_strv, names, 1, "block device", "devices",
				     "loop devices need --include", &b));
	ck_assert_str_eq(pl_buf_str(&b),
			 "no block device selected (loop devices need --include; devices: eth0)");
	pl_buf_reset(&b);
	ck_assert(!pl_select_nothing(&s, pl_name_at_strv, names, 0, "md array", "arrays",
				     "a hint", &b));
	ck_assert_str_eq(pl_buf_str(&b), "no md array selected (a hint)");
	pl_buf_reset(&b);
	ck_assert_int_eq(pl_select_add(&s, false, false, "*", err, sizeof(err)), 0);
	ck_assert(pl_select_nothing(&s, pl_name_at_strv, names, 2, "interface", "interfaces",
				    "never shown", &b));
	ck_assert_str_eq(pl_buf_str(&b),
			 "every interface (2) was excluded by --exclude (interfaces: eth0, lo)");
	pl_buf_reset(&b);
	pl_select_list(&b, pl_name_at_strv, many, N(many));
	ck_assert_str_eq(pl_buf_str(&b), "n1, n2, n3, n4, n5, n6, n7, n8, n9, n10 (+2 more)");
	pl_buf_free(&b);
	pl_select_free(&s);
}
END_TEST

TCase *
tc_select(void)
{
	TCase *tc = tcase_create("select");

	tcase_add_loop_test(tc, test_select, 0, N(cases));
	tcase_add_test(tc, test_select_aliases);
	tcase_add_test(tc, test_select_has_include);
	tcase_add_test(tc, test_select_invalid);
	tcase_add_loop_test(tc, test_select_none, 0, N(none_cases));
	tcase_add_test(tc, test_select_nothing);
	return tc;
}
