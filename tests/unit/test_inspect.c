/* Unit tests of lib/core/pl_inspect: check lists, argv splitting, perfdata, the output
 * split, groups, history and changes, the stored form, and the renderers. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "pl_buf.h"
#include "pl_inspect.h"
#include "pl_inspect_file.h"
#include "tests.h"

START_TEST(test_list_formats)
{
	const char *t = "# comment\n\nserver_port=5666\ncommand[check_a]=/usr/bin/a -w 1\n"
			"b = /usr/bin/b 'x y'\ninclude=/etc/nrpe.d/x.cfg\n"
			"include_dir=/etc/nrpe.d\ncommand[check_a]=/usr/bin/a2\n";
	struct pl_insp_list l;

	memset(&l, 0, sizeof(l));
	ck_assert_int_eq(pl_insp_list_parse(t, strlen(t), &l), 0);
	ck_assert_uint_eq(l.n, 2);
	ck_assert_str_eq(l.v[0].name, "check_a");
	ck_assert_str_eq(l.v[0].command, "/usr/bin/a2");   /* a later one replaces */
	ck_assert_str_eq(l.v[1].name, "b");
	ck_assert_str_eq(l.v[1].command, "/usr/bin/b 'x y'");
	ck_assert_uint_eq(l.nincludes, 2);
	ck_assert_str_eq(l.includes[0], "/etc/nrpe.d/x.cfg");
	ck_assert_str_eq(l.includes[1], "dir:/etc/nrpe.d");
	ck_assert_uint_eq(l.bad, 0);
	pl_insp_list_free(&l);
	t = "ok = /bin/true\nno equals sign\ncommand[bad name]=/x\n";
	ck_assert_int_eq(pl_insp_list_parse(t, strlen(t), &l), 0);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_uint_eq(l.bad, 2);
	ck_assert_uint_eq(l.first_bad, 2);
	pl_insp_list_free(&l);
}
END_TEST

static const struct {
	const char *cmd;
	int rc;
	const char *want;   /* argv joined by '|', or a piece of the error */
} argv_cases[] = {
	{ "/usr/bin/a -w 1", 0, "/usr/bin/a|-w|1" },
	{ "  /usr/bin/a   'x y'  \"z w\" q'r s't ", 0, "/usr/bin/a|x y|z w|qr st" },
	{ "/usr/bin/a ''", 0, "/usr/bin/a|" },
	{ "/usr/bin/a $ARG1$", -1, "NRPE macro $ARG1$" },
	{ "/usr/bin/a -w $ARG12$ x", -1, "NRPE macro $ARG12$" },
	{ "/usr/bin/a | grep x", -1, "(a pipe)" },
	{ "/usr/bin/a > /tmp/x", -1, "'>'" },
	{ "/usr/bin/a $HOME", -1, "'$'" },
	{ "/usr/bin/a *", -1, "'*'" },
	{ "/usr/bin/a 'open", -1, "unbalanced" },
	{ "check_a -w 1", -1, "not an absolute path" },
	{ "   ", -1, "is empty" },
	{ "/usr/bin/a '$ARG1$ | x'", 0, "/usr/bin/a|$ARG1$ | x" },   /* quoted: literal */
};

START_TEST(test_argv)
{
	char **v, err[256];
	struct pl_buf j = PL_BUF_INIT;
	int rc = pl_insp_argv_split(argv_cases[_i].cmd, &v, err, sizeof(err));

	ck_assert_int_eq(rc, argv_cases[_i].rc);
	if (rc == 0) {
		for (size_t k = 0; v[k] != NULL; k++)
			pl_buf_printf(&j, "%s%s", k ? "|" : "", v[k]);
		ck_assert_str_eq(pl_buf_str(&j), argv_cases[_i].want);
		pl_insp_argv_free(v);
	} else {
		ck_assert_ptr_nonnull(strstr(err, argv_cases[_i].want));
	}
	pl_buf_free(&j);
}
END_TEST

START_TEST(test_perf)
{
	struct pl_insp_metric m[4];
	size_t bad, n;
	const char *p = "'a b'=1.5s;1;2;0;10 x=4% 'it''s'=3 bad=abc y=U =3 z=-25B;;;;";

	n = pl_insp_perf_parse(p, strlen(p), m, 4, &bad);
	ck_assert_uint_eq(n, 4);
	ck_assert_uint_eq(bad, 3);
	ck_assert_str_eq(m[0].label, "a b");
	ck_assert(m[0].value == 1.5);
	ck_assert_str_eq(m[0].uom, "s");
	ck_assert(m[0].has_warn && m[0].has_crit);
	ck_assert_str_eq(m[0].warn, "1");
	ck_assert_str_eq(m[1].uom, "%");
	ck_assert_str_eq(m[2].label, "it's");
	ck_assert_str_eq(m[3].label, "z");
	ck_assert(m[3].value == -25);
	ck_assert_uint_eq(pl_insp_perf_parse("'open=1", 7, m, 4, &bad), 0);
	ck_assert_uint_eq(bad, 1);
	ck_assert_uint_eq(pl_insp_perf_parse("", 0, m, 4, &bad), 0);
}
END_TEST

START_TEST(test_output_split)
{
	struct pl_insp_report r;
	const char *o = "DISK OK - fine | a=1\nline 1\nline 2 | b=2\nc=3\n";
	struct pl_insp_item *it;

	pl_insp_init(&r, "h", "local", 1764680000);
	it = pl_insp_add_output(&r, "", "disk", "/usr/lib/nagios/plugins/check_disk", 0, o,
				strlen(o), 0);
	ck_assert_ptr_nonnull(it);
	ck_assert_str_eq(it->status, "DISK OK - fine");
	ck_assert_str_eq(it->long_out, "line 1\nline 2 ");
	ck_assert_str_eq(it->perf, "a=1 b=2 c=3");
	ck_assert_str_eq(it->plugin, "check_disk");
	ck_assert_int_eq(it->group, PL_INSP_PHYSICAL);
	it = pl_insp_add_output(&r, "", "x", "", 7, "", 0, 0);
	ck_assert_int_eq(it->state, 3);
	ck_assert_str_eq(it->status, "");
	pl_insp_free(&r);
}
END_TEST

START_TEST(test_long_cap)
{
	struct pl_insp_report r;
	char *big = malloc(20000);
	struct pl_insp_item *it;

	memset(big, 'x', 19999);
	big[19999] = '\0';
	pl_insp_init(&r, "h", "local", 1);
	it = pl_insp_add(&r, "", "n", "", 0, "OK", big, "", 0);
	ck_assert_ptr_nonnull(strstr(it->long_out, "(long output cut: 4096 of 19999 bytes shown)"));
	pl_insp_free(&r);
	free(big);
}
END_TEST

START_TEST(test_groups)
{
	ck_assert_int_eq(pl_insp_group_of("check_hwmon"), PL_INSP_PHYSICAL);
	ck_assert_int_eq(pl_insp_group_of("/usr/lib/nagios/plugins/check_mdraid"),
			 PL_INSP_PHYSICAL);
	ck_assert_int_eq(pl_insp_group_of("check_log_errors"), PL_INSP_LOGS);
	ck_assert_int_eq(pl_insp_group_of("check_ids"), PL_INSP_LOGS);
	ck_assert_int_eq(pl_insp_group_of("check_cpu"), PL_INSP_OTHER);
	ck_assert_int_eq(pl_insp_group_of("check_hwmonx"), PL_INSP_OTHER);
	ck_assert_int_eq(pl_insp_group_of(NULL), PL_INSP_OTHER);
}
END_TEST

static const struct {
	const char *hist;
	int change;
} change_cases[] = {
	{ "0", PL_INSP_SAME_OK }, { "2", PL_INSP_NEW }, { "02", PL_INSP_NEW },
	{ "22", PL_INSP_OPEN }, { "12", PL_INSP_OPEN }, { "20", PL_INSP_RECOVERED },
	{ "00", PL_INSP_SAME_OK }, { "0202", PL_INSP_FLAPPING }, { "0000000202", PL_INSP_FLAPPING },
	{ "0022220", PL_INSP_RECOVERED }, { "", PL_INSP_SAME_OK },
};

START_TEST(test_change)
{
	ck_assert_int_eq(pl_insp_change_of(change_cases[_i].hist), change_cases[_i].change);
}
END_TEST

static const char *
get_prev(void *ctx, const char *key)
{
	(void)ctx;
	if (strcmp(key, "/a") == 0)
		return "0000000000 1700000000";   /* full: the oldest drops out */
	if (strcmp(key, "/b") == 0)
		return "2 1700000000";
	if (strcmp(key, "/c") == 0)
		return "3x garbage";
	return NULL;
}

START_TEST(test_history)
{
	struct pl_insp_report r;

	pl_insp_init(&r, "h", "local", 1764680000);
	pl_insp_add(&r, "", "a", "", 2, "A", "", "", 0);
	pl_insp_add(&r, "", "b", "", 2, "B", "", "", 0);
	pl_insp_add(&r, "", "c", "", 0, "C", "", "", 0);
	pl_insp_add(&r, "", "d", "", 1, "D", "", "", 0);
	pl_insp_finish(&r);
	pl_insp_history(&r, get_prev, NULL);
	ck_assert_str_eq(r.v[0].hist, "0000000002");
	ck_assert_int_eq(r.v[0].change, PL_INSP_NEW);
	ck_assert_int_eq(r.v[0].last_change, 1764680000);
	ck_assert_str_eq(r.v[1].hist, "22");
	ck_assert_int_eq(r.v[1].change, PL_INSP_OPEN);
	ck_assert_int_eq(r.v[1].last_change, 1700000000);   /* unchanged since then */
	ck_assert_str_eq(r.v[2].hist, "30");
	ck_assert_int_eq(r.v[2].change, PL_INSP_RECOVERED);
	ck_assert_str_eq(r.v[3].hist, "1");
	ck_assert_int_eq(r.v[3].change, PL_INSP_NEW);
	ck_assert_int_eq(pl_insp_worst(&r), 2);
	pl_insp_free(&r);
}
END_TEST

START_TEST(test_stored_roundtrip)
{
	struct pl_insp_report r, b;
	struct pl_buf s = PL_BUF_INIT;

	pl_insp_init(&r, "h", "local", 1764680000);
	pl_insp_init(&b, "h", "local", 1764680000);
	pl_insp_add(&r, "web1", "disk", "check_disk", 1, "DISK WARNING - x\x1fy",
		    "l1\nl2", "a=1", 1764000000);
	r.v[0].change = PL_INSP_OPEN;
	pl_insp_item_format(&r.v[0], &s);
	ck_assert_int_eq(pl_insp_item_parse(&b, pl_buf_str(&s)), 0);
	ck_assert_str_eq(b.v[0].host, "web1");
	ck_assert_str_eq(b.v[0].status, "DISK WARNING - x y");
	ck_assert_str_eq(b.v[0].long_out, "l1\nl2");
	ck_assert_str_eq(b.v[0].perf, "a=1");
	ck_assert_int_eq(b.v[0].state, 1);
	ck_assert_int_eq(b.v[0].change, PL_INSP_OPEN);
	ck_assert_int_eq(b.v[0].last_change, 1764000000);
	ck_assert_int_eq(b.v[0].group, PL_INSP_PHYSICAL);
	ck_assert_int_eq(pl_insp_item_parse(&b, "9\x1f"), -1);
	pl_buf_free(&s);
	pl_insp_free(&r);
	pl_insp_free(&b);
}
END_TEST

START_TEST(test_render)
{
	struct pl_insp_report r;
	struct pl_buf o = PL_BUF_INIT;

	pl_insp_init(&r, "host<1>", "local", 1764680000);
	pl_insp_add(&r, "", "x", "check_ids", 2, "IDS CRITICAL - <script>\"&'", "", "t=1s", 0);
	pl_insp_finish(&r);
	ck_assert_int_eq(strncmp(r.id, "20251202T125320Z-", 17), 0);
	ck_assert_uint_eq(strlen(r.id), 25);
	pl_insp_render(&r, PL_INSP_HTML, &o);
	ck_assert_ptr_null(strstr(pl_buf_str(&o), "<script>"));
	ck_assert_ptr_nonnull(strstr(pl_buf_str(&o), "&lt;script&gt;&quot;&amp;&#39;"));
	ck_assert_ptr_nonnull(strstr(pl_buf_str(&o), "host&lt;1&gt;"));
	ck_assert_ptr_nonnull(strstr(pl_buf_str(&o), "Overall: CRITICAL"));
	ck_assert_ptr_nonnull(strstr(pl_buf_str(&o), "System logs"));
	pl_buf_reset(&o);
	pl_insp_render(&r, PL_INSP_JSON, &o);
	ck_assert_ptr_nonnull(strstr(pl_buf_str(&o), "{\"schema_version\":1,"));
	ck_assert_ptr_nonnull(strstr(pl_buf_str(&o), "\"perfdata\":[{\"label\":\"t\",\"value\":1,"
				     "\"uom\":\"s\"}]"));
	pl_buf_reset(&o);
	pl_insp_render(&r, PL_INSP_TEXT, &o);
	ck_assert_int_eq(strncmp(pl_buf_str(&o), "INSPECTION CRITICAL - 1 checks: 0 ok, 0 warning, "
				 "1 critical, 0 unknown\n", 70), 0);
	pl_buf_free(&o);
	pl_insp_free(&r);
}
END_TEST

/* Engine mode's item file: a report saved and read back whole (a newline and a 0x1e in
 * the long output), and as the history of the next report (keys found, one gone). */
START_TEST(test_item_file)
{
	char dir[] = "/tmp/plumbline-insp-file.XXXXXX", err[512];
	struct pl_insp_report r, back, next;
	struct pl_insp_prev p;
	int fd;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(fd, 0);
	pl_insp_init(&r, "m", "engine", 1764680000);
	ck_assert_ptr_nonnull(pl_insp_add(&r, "web1", "disk", "", 2, "DISK CRITICAL",
					  "line 1\nline\x1e" "2", "used=99%", 1764600000));
	ck_assert_ptr_nonnull(pl_insp_add(&r, "db1", "(host)", "", 0, "PING OK", "", "", 0));
	pl_insp_finish(&r);
	pl_insp_history(&r, NULL, NULL);
	ck_assert_int_eq(pl_insp_file_save(fd, "x.items", &r, err, sizeof(err)), 0);
	pl_insp_init(&back, "m", "engine", 0);
	ck_assert_int_eq(pl_insp_file_load(fd, "x.items", &back, err, sizeof(err)), 0);
	ck_assert_uint_eq(back.n, 2);
	pl_insp_finish(&back);
	ck_assert_str_eq(back.v[1].host, "web1");
	ck_assert_str_eq(back.v[1].long_out, "line 1\nline 2");
	ck_assert_str_eq(back.v[1].perf, "used=99%");
	ck_assert_int_eq(pl_insp_prev_load(fd, "x.items", &p, err, sizeof(err)), 0);
	pl_insp_init(&next, "m", "engine", 1764690000);
	ck_assert_ptr_nonnull(pl_insp_add(&next, "web1", "disk", "", 0, "DISK OK", "", "", 0));
	pl_insp_finish(&next);
	pl_insp_history(&next, pl_insp_prev_get, &p);
	ck_assert_str_eq(next.v[0].hist, "20");
	ck_assert_int_eq(next.v[0].change, PL_INSP_RECOVERED);
	ck_assert_uint_eq(pl_insp_prev_unseen(&p), 1);
	pl_insp_prev_free(&p);
	ck_assert_int_eq(pl_insp_prev_load(fd, "none.items", &p, err, sizeof(err)), 0);
	ck_assert_uint_eq(p.n, 0);
	pl_insp_prev_free(&p);
	ck_assert_int_eq(unlinkat(fd, "x.items", 0), 0);
	close(fd);
	ck_assert_int_eq(rmdir(dir), 0);
	pl_insp_free(&r);
	pl_insp_free(&back);
	pl_insp_free(&next);
}
END_TEST

TCase *
tc_inspect(void)
{
	TCase *tc = tcase_create("inspect");

	tcase_add_test(tc, test_list_formats);
	tcase_add_loop_test(tc, test_argv, 0, sizeof(argv_cases) / sizeof(argv_cases[0]));
	tcase_add_test(tc, test_perf);
	tcase_add_test(tc, test_output_split);
	tcase_add_test(tc, test_long_cap);
	tcase_add_test(tc, test_groups);
	tcase_add_loop_test(tc, test_change, 0, sizeof(change_cases) / sizeof(change_cases[0]));
	tcase_add_test(tc, test_history);
	tcase_add_test(tc, test_stored_roundtrip);
	tcase_add_test(tc, test_render);
	tcase_add_test(tc, test_item_file);
	return tc;
}
