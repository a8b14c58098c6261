/* Unit tests of lib/ext/pl_drill: journal lines (well-formed, malformed, written and read
 * back), whole journals (the newest drill and the newest good one, the recent ones in
 * order, malformed lines counted), the listings of restic ls --json, borg list
 * --json-lines and tar -tv captured from restic 0.14, borg 1.2.4 and GNU tar 1.34
 * (tests/fixtures/drill/), the random pick, and sha256sum manifests. */
#include "config.h"

#ifdef HAVE_JSONC
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "pl_buf.h"
#include "pl_clock.h"
#include "pl_drill.h"
#include "pl_file.h"

TCase *tc_drill(void);

static void
fixture(const char *name, struct pl_buf *b)
{
	char path[1024], err[256];
	const char *f = getenv("FIXTURES");

	pl_snprintf(path, sizeof(path), "%s/drill/%s", f ? f : PL_TEST_SRCDIR "/tests/fixtures",
		    name);
	pl_buf_init(b, 0);
	ck_assert_msg(pl_read_file(NULL, path, b, err, sizeof(err)) == 0, "%s", err);
}

static const struct {
	const char *line;
	int rc;
	const char *why;    /* a part of the error */
} line_cases[] = {
	{ "{\"time\":\"2026-11-01T02:00:00Z\",\"result\":\"ok\"}", 0, NULL },
	{ "{\"time\":\"2026-11-01T02:00:00Z\",\"result\":\"failed\",\"message\":\"x\"}", 0, NULL },
	{ "{\"time\":\"2026-11-01T02:00:00Z\",\"result\":\"ok\",\"duration\":null}", 0, NULL },
	{ "{\"result\":\"ok\"}", -1, "no \"time\"" },
	{ "{\"time\":1796090400,\"result\":\"ok\"}", -1, "no \"time\"" },
	{ "{\"time\":\"yesterday\",\"result\":\"ok\"}", -1, "RFC 3339" },
	{ "{\"time\":\"2026-11-01T02:00:00Z\"}", -1, "\"result\"" },
	{ "{\"time\":\"2026-11-01T02:00:00Z\",\"result\":\"OK\"}", -1, "\"result\"" },
	{ "{\"time\":\"2026-11-01T02:00:00Z\",\"result\":\"ok\",\"duration\":\"3\"}", -1, "duration" },
	{ "{\"time\":\"2026-11-01T02:00:00Z\",\"result\":\"ok\",\"files_failed\":-1}", -1, "files_failed" },
	{ "[1,2]", -1, "not a JSON object" },
	{ "{\"time\":\"2026-11-01T02:00:00Z\",\"result\":\"ok\"", -1, "" },
	{ "", -1, "" },
};

START_TEST(test_line)
{
	struct pl_drill_entry e;
	char err[256] = "";
	int rc = pl_drill_line_parse(line_cases[_i].line, strlen(line_cases[_i].line), &e, err,
				     sizeof(err));

	ck_assert_msg(rc == line_cases[_i].rc, "case %d: rc %d (%s)", _i, rc, err);
	if (line_cases[_i].why != NULL)
		ck_assert_msg(strstr(err, line_cases[_i].why) != NULL, "case %d: %s", _i, err);
	if (rc == 0)
		ck_assert_int_eq(e.time.sec, 1793498400); /* 2026-11-01T02:00:00Z */
}
END_TEST

/* What the drill writes reads back the same; a message with quotes, a newline and a '|'
 * stays one line and shows no '|' or control byte. */
START_TEST(test_round_trip)
{
	struct pl_drill_entry e, back;
	struct pl_buf b = PL_BUF_INIT;
	char err[256] = "";

	memset(&e, 0, sizeof(e));
	e.time.sec = 1793498400;
	e.ok = false;
	pl_strlcpy(e.source, "borg", sizeof(e.source));
	pl_strlcpy(e.backup, "web1-full-1", sizeof(e.backup));
	e.files_restored = 3;
	e.bytes_restored = 1024;
	e.files_verified = 2;
	e.files_failed = 1;
	e.duration = 1.5;
	pl_strlcpy(e.who, "root@web1", sizeof(e.who));
	pl_strlcpy(e.message, "a \"quoted\"\nline | pipe", sizeof(e.message));
	pl_buf_init(&b, PL_DRILL_LINE_MAX);
	pl_drill_line_format(&e, &b);
	ck_assert_ptr_nonnull(strchr(pl_buf_str(&b), '\n'));
	ck_assert_ptr_eq(strchr(pl_buf_str(&b), '\n'), pl_buf_str(&b) + b.len - 1);
	ck_assert_msg(pl_drill_line_parse(pl_buf_str(&b), b.len - 1, &back, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert(!back.ok);
	ck_assert_int_eq(back.time.sec, e.time.sec);
	ck_assert_str_eq(back.backup, "web1-full-1");
	ck_assert_str_eq(back.source, "borg");
	ck_assert_str_eq(back.who, "root@web1");
	ck_assert_str_eq(back.message, "a \"quoted\"?line ? pipe");
	ck_assert(back.files_failed == 1 && back.files_verified == 2 && back.duration == 1.5);
	ck_assert(back.bytes_restored == 1024 && back.files_restored == 3);
	/* Figures not known are left out, and read back as unknown. */
	e.duration = NAN;
	e.message[0] = '\0';
	pl_buf_reset(&b);
	pl_drill_line_format(&e, &b);
	ck_assert_ptr_null(strstr(pl_buf_str(&b), "duration"));
	ck_assert_ptr_null(strstr(pl_buf_str(&b), "message"));
	ck_assert_int_eq(pl_drill_line_parse(pl_buf_str(&b), b.len, &back, err, sizeof(err)), 0);
	ck_assert(isnan(back.duration));
	pl_buf_free(&b);
}
END_TEST

START_TEST(test_journal_good)
{
	struct pl_buf b;
	struct pl_drill_journal *j = calloc(1, sizeof(*j));

	fixture("journal-good.jsonl", &b);
	pl_drill_journal_parse(pl_buf_str(&b), b.len, 3, j);
	ck_assert_uint_eq(j->lines, 4);
	ck_assert_uint_eq(j->entries, 4);
	ck_assert_uint_eq(j->good, 3);
	ck_assert_uint_eq(j->failed, 1);
	ck_assert_uint_eq(j->malformed, 0);
	ck_assert(j->has_last && j->has_good);
	ck_assert_str_eq(j->last.backup, "web1-full-2026-11-15");
	ck_assert_int_eq(j->last.time.sec, 1794704400); /* 02:00+01:00 */
	ck_assert_int_eq(j->last.time.nsec, 500000000);
	ck_assert_uint_eq(j->last.lineno, 5);
	ck_assert_str_eq(j->last_good.backup, "web1-full-2026-11-15");
	ck_assert_uint_eq(j->nrecent, 3);
	ck_assert_str_eq(j->recent[0].backup, "2b3c4d5e");
	ck_assert(!j->recent[0].ok);
	ck_assert_str_eq(j->recent[0].message,
			 "1 of 20 files not verified: /srv/data/x differs from the live file");
	ck_assert_str_eq(j->recent[1].backup, "3c4d5e6f");
	ck_assert_str_eq(j->recent[2].backup, "web1-full-2026-11-15");
	ck_assert(j->recent[2].duration == 24.0);
	pl_buf_free(&b);
	free(j);
}
END_TEST

/* A failed newest drill is the last one; the last good one is older. Lines out of time
 * order: the newest by time wins, a later line on a tie. */
START_TEST(test_journal_order)
{
	const char *t =
		"{\"time\":\"2026-11-02T00:00:00Z\",\"result\":\"ok\",\"backup\":\"b\"}\n"
		"{\"time\":\"2026-11-01T00:00:00Z\",\"result\":\"ok\",\"backup\":\"a\"}\n"
		"{\"time\":\"2026-11-03T00:00:00Z\",\"result\":\"failed\",\"backup\":\"c\"}\n"
		"{\"time\":\"2026-11-03T00:00:00Z\",\"result\":\"failed\",\"backup\":\"d\"}";
	struct pl_drill_journal *j = calloc(1, sizeof(*j));

	pl_drill_journal_parse(t, strlen(t), 32, j);
	ck_assert_uint_eq(j->entries, 4);
	ck_assert_str_eq(j->last.backup, "d");
	ck_assert(!j->last.ok);
	ck_assert_str_eq(j->last_good.backup, "b");
	ck_assert_uint_eq(j->nrecent, 4);
	ck_assert_str_eq(j->recent[0].backup, "a");
	ck_assert_str_eq(j->recent[1].backup, "b");
	ck_assert_str_eq(j->recent[3].backup, "d");
	pl_drill_journal_parse("", 0, 5, j);
	ck_assert(!j->has_last && !j->has_good);
	ck_assert_uint_eq(j->entries, 0);
	/* A byte order mark before the first line (an editor's, PowerShell's). */
	t = "\xef\xbb\xbf{\"time\":\"2026-11-02T00:00:00Z\",\"result\":\"ok\"}\r\n";
	pl_drill_journal_parse(t, strlen(t), 5, j);
	ck_assert_uint_eq(j->entries, 1);
	ck_assert_uint_eq(j->malformed, 0);
	ck_assert(j->has_good);
	free(j);
}
END_TEST

START_TEST(test_journal_future)
{
	const char *t =
		"{\"time\":\"2026-11-01T00:00:00Z\",\"result\":\"ok\",\"backup\":\"a\"}\n"
		"{\"time\":\"2099-01-01T00:00:00Z\",\"result\":\"ok\",\"backup\":\"z\"}\n"
		"{\"time\":\"2026-11-02T00:04:00Z\",\"result\":\"ok\",\"backup\":\"b\"}\n";
	struct pl_drill_journal *j = calloc(1, sizeof(*j));
	struct pl_time until;
	char err[100];

	ck_assert_int_eq(pl_rfc3339_parse("2026-11-02T00:05:00Z", 20, &until, err,
					  sizeof(err)), 0);
	pl_drill_journal_parse_until(t, strlen(t), 5, &until, j);
	ck_assert_uint_eq(j->entries, 2);
	ck_assert_uint_eq(j->future, 1);
	ck_assert_uint_eq(j->first_future, 2);
	ck_assert_str_eq(j->last_good.backup, "b");
	ck_assert_uint_eq(j->nrecent, 2);
	pl_drill_journal_parse(t, strlen(t), 5, j);
	ck_assert_uint_eq(j->future, 0);
	ck_assert_str_eq(j->last_good.backup, "z");
	free(j);
}
END_TEST

START_TEST(test_journal_malformed)
{
	struct pl_buf b;
	struct pl_drill_journal *j = calloc(1, sizeof(*j));

	fixture("journal-malformed.jsonl", &b);
	pl_drill_journal_parse(pl_buf_str(&b), b.len, 5, j);
	ck_assert_uint_eq(j->lines, 9);
	ck_assert_uint_eq(j->entries, 3);
	ck_assert_uint_eq(j->malformed, 6);
	ck_assert_uint_eq(j->first_bad, 2);
	ck_assert_msg(strstr(j->first_err, "\"result\"") != NULL, "%s", j->first_err);
	ck_assert(j->last.ok);
	ck_assert(isnan(j->last.duration));
	ck_assert_uint_eq(j->last.lineno, 9);
	pl_buf_free(&b);
	fixture("journal-truncated.jsonl", &b);
	pl_drill_journal_parse(pl_buf_str(&b), b.len, 5, j);
	ck_assert_uint_eq(j->malformed, 1);
	ck_assert_uint_eq(j->first_bad, 1);
	ck_assert_msg(strncmp(j->first_err, "not JSON", 8) == 0, "%s", j->first_err);
	ck_assert(!j->has_last);
	pl_buf_free(&b);
	free(j);
}
END_TEST

START_TEST(test_listings)
{
	struct pl_buf b;
	struct pl_drill_files l;
	char err[256] = "";

	fixture("restic-ls-0.14.jsonl", &b);
	ck_assert_msg(pl_drill_restic_ls_parse(pl_buf_str(&b), b.len, &l, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_uint_eq(l.n, 2);
	ck_assert_str_eq(l.v[0].path, "/srv/data/a");
	ck_assert(l.v[0].size == 6);
	ck_assert_str_eq(l.v[1].path, "/srv/data/sub/b");
	ck_assert(l.v[1].size == 20000);
	pl_drill_files_free(&l);
	/* A borg listing is no restic one (no snapshot line). */
	pl_buf_free(&b);
	fixture("borg-list-1.2.4.jsonl", &b);
	ck_assert_int_eq(pl_drill_restic_ls_parse(pl_buf_str(&b), b.len, &l, err, sizeof(err)), -1);
	ck_assert_int_eq(pl_drill_borg_ls_parse(pl_buf_str(&b), b.len, &l, err, sizeof(err)), 0);
	ck_assert_uint_eq(l.n, 2);
	ck_assert_str_eq(l.v[0].path, "srv/data/sub/b");
	ck_assert(l.v[0].size == 20000);
	ck_assert_str_eq(l.v[1].path, "srv/data/a");
	pl_drill_files_free(&l);
	pl_buf_free(&b);
	fixture("tar-tv-1.34.txt", &b);
	ck_assert_int_eq(pl_drill_tar_ls_parse(pl_buf_str(&b), b.len, &l, err, sizeof(err)), 0);
	ck_assert_uint_eq(l.n, 2);
	ck_assert_uint_eq(l.skipped, 0);
	ck_assert_str_eq(l.v[0].path, "data/sub/b");
	ck_assert(l.v[0].size == 20000);
	ck_assert_str_eq(l.v[1].path, "data/a");
	pl_drill_files_free(&l);
	pl_buf_free(&b);
	{
		const char *t = "-rw-r--r-- root/root 5 2026-12-02 05:46 name with blanks\n"
				"-rw-r--r-- root/root 5 2026-12-02 05:46 esc\\303\\251\n"
				"lrwxrwxrwx root/root 0 2026-12-02 05:46 l -> a\n"
				"-rw-r--r-- root/root x5 2026-12-02 05:46 badsize";

		ck_assert_int_eq(pl_drill_tar_ls_parse(t, strlen(t), &l, err, sizeof(err)), 0);
		ck_assert_uint_eq(l.n, 1);
		ck_assert_str_eq(l.v[0].path, "name with blanks");
		ck_assert_uint_eq(l.skipped, 2);
		pl_drill_files_free(&l);
		ck_assert_int_eq(pl_drill_tar_ls_parse("garbage\n", 8, &l, err, sizeof(err)), -1);
	}
}
END_TEST

START_TEST(test_pick)
{
	size_t idx[100], again[100];

	ck_assert_uint_eq(pl_drill_pick(5, 10, 1, idx), 5);
	ck_assert_uint_eq(idx[4], 4);
	ck_assert_uint_eq(pl_drill_pick(100, 10, 42, idx), 10);
	ck_assert_uint_eq(pl_drill_pick(100, 10, 42, again), 10);
	for (size_t i = 0; i < 10; i++) {
		ck_assert_uint_eq(idx[i], again[i]);
		ck_assert_uint_lt(idx[i], 100);
		if (i > 0)
			ck_assert_uint_gt(idx[i], idx[i - 1]);   /* distinct, in order */
	}
	ck_assert_uint_eq(pl_drill_pick(100, 10, 43, again), 10);
	ck_assert(memcmp(idx, again, 10 * sizeof(idx[0])) != 0);
	ck_assert_uint_eq(pl_drill_pick(0, 10, 1, idx), 0);
	ck_assert_str_eq(pl_drill_relpath("/./srv/a"), "srv/a");
	ck_assert_str_eq(pl_drill_relpath("data/a"), "data/a");
}
END_TEST

START_TEST(test_manifest)
{
	struct pl_buf b;
	struct pl_drill_manifest m;
	char err[256] = "";

	fixture("manifest.sha256", &b);
	ck_assert_msg(pl_drill_manifest_parse(pl_buf_str(&b), b.len, &m, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_uint_eq(m.n, 2);
	ck_assert_str_eq(pl_drill_manifest_find(&m, "/data/a"),
			 "b6a98d9ce9a2d9149288fa3df42d377c3e42737afdcdaf714e33c0a100b51060");
	ck_assert_ptr_nonnull(pl_drill_manifest_find(&m, "data/sub/b"));
	ck_assert_ptr_null(pl_drill_manifest_find(&m, "data/c"));
	pl_drill_manifest_free(&m);
	pl_buf_free(&b);
	fixture("manifest-bad.sha256", &b);
	ck_assert_int_eq(pl_drill_manifest_parse(pl_buf_str(&b), b.len, &m, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "line 2") != NULL, "%s", err);
	pl_buf_free(&b);
	fixture("manifest-escaped.sha256", &b);
	ck_assert_int_eq(pl_drill_manifest_parse(pl_buf_str(&b), b.len, &m, err, sizeof(err)), 0);
	ck_assert_uint_eq(m.n, 1);
	ck_assert_uint_eq(m.skipped, 1);
	ck_assert_str_eq(pl_drill_manifest_find(&m, "data/sub/b"),
			 "571287b8b25f10fff2a94e90976b637663c5b105a83dd0d550bf8839d0ca6d9f");
	pl_drill_manifest_free(&m);
	pl_buf_free(&b);
}
END_TEST

/* Paths as the restore tools' arguments that select them alone (drill.sh restores such
 * names with the real restic and borg). */
static const struct {
	const char *path, *restic, *borg;
} literal_cases[] = {
	{ "-x", "-x", "pp:-x" },
	{ "re:a+b", "re:a+b", "pp:re:a+b" },
	{ "sh:[c]", "sh:\\[c\\]", "pp:sh:[c]" },
	{ "pp:x", "pp:x", "pp:pp:x" },
	{ "fm:*", "fm:\\*", "pp:fm:*" },
	{ "a*b?c", "a\\*b\\?c", "pp:a*b?c" },
	{ "back\\slash", "back\\\\slash", "pp:back\\slash" },
	{ "new\nline", "new\nline", "pp:new\nline" },
	{ "srv/data/f 1[*]", "srv/data/f 1\\[\\*\\]", "pp:srv/data/f 1[*]" },
	{ "/abs/path", "/abs/path", "pp:/abs/path" },
};

START_TEST(test_literal)
{
	char *r = pl_drill_restic_literal(literal_cases[_i].path);
	char *b = pl_drill_borg_literal(literal_cases[_i].path);

	ck_assert_ptr_nonnull(r);
	ck_assert_ptr_nonnull(b);
	ck_assert_str_eq(r, literal_cases[_i].restic);
	ck_assert_str_eq(b, literal_cases[_i].borg);
	free(r);
	free(b);
}
END_TEST

/* An empty path has no pattern of its own: borg's "pp:" would extract everything. */
START_TEST(test_literal_empty)
{
	ck_assert_ptr_null(pl_drill_restic_literal(""));
	ck_assert_ptr_null(pl_drill_borg_literal(""));
}
END_TEST

TCase *
tc_drill(void)
{
	TCase *tc = tcase_create("drill");

	tcase_add_loop_test(tc, test_line, 0, (int)(sizeof(line_cases) / sizeof(line_cases[0])));
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_journal_good);
	tcase_add_test(tc, test_journal_order);
	tcase_add_test(tc, test_journal_future);
	tcase_add_test(tc, test_journal_malformed);
	tcase_add_test(tc, test_listings);
	tcase_add_test(tc, test_pick);
	tcase_add_test(tc, test_manifest);
	tcase_add_loop_test(tc, test_literal, 0,
			    (int)(sizeof(literal_cases) / sizeof(literal_cases[0])));
	tcase_add_test(tc, test_literal_empty);
	return tc;
}
#endif
