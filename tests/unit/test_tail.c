/* Unit tests of pl_tail (the incremental reader) on real files in a temporary directory:
 * every rotation case of its contract (rename to .1 and dated names, compressed,
 * deleted, copytruncate with and without the copy, rewritten from the top, a rotated log
 * of the same size and modification time, a missing log, a rotated file written to after
 * the run that finished it, a reboot), the first run, partial and huge lines, the caps
 * and the hold time; and of pl_match (the block matcher) against
 * its per-line reference. Each case checks that the lines handed over, over all runs,
 * are each line written exactly once, or that a loss is said. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pl_buf.h"
#include "pl_logitem.h"
#include "pl_match.h"
#include "pl_store.h"
#include "pl_tail.h"
#include "tests.h"

static char dir[64];
static char logp[128];

/* What the runs handed over, concatenated. */
struct got {
	struct pl_buf text;
	size_t lines, cuts;
};

static void
collect(void *ctx, const char *buf, size_t len, size_t nlines, bool cut)
{
	struct got *g = ctx;

	ck_assert(len > 0 && buf[len - 1] == '\n');
	pl_buf_add(&g->text, buf, len);
	g->lines += nlines;
	g->cuts += cut;
}

static void
setup(void)
{
	pl_strlcpy(dir, "/tmp/pl-tail-test.XXXXXX", sizeof(dir));
	ck_assert_ptr_nonnull(mkdtemp(dir));
	pl_snprintf(logp, sizeof(logp), "%s/app.log", dir);
}

/* Removes every file the case made, then the directory (it holds no subdirectory). */
static void
teardown(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[192];

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		pl_snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		ck_assert_int_eq(unlink(p), 0);
	}
	closedir(d);
	ck_assert_int_eq(rmdir(dir), 0);
}

static void
path_of(const char *name, char *out, size_t len)
{
	pl_snprintf(out, len, "%s/%s", dir, name);
}

/* Appends text to the file name (created when missing). */
static void
append(const char *name, const char *text)
{
	char p[192];
	int fd;

	path_of(name, p, sizeof(p));
	fd = open(p, O_WRONLY | O_CREAT | O_APPEND, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void
move(const char *from, const char *to)
{
	char a[192], b[192];

	path_of(from, a, sizeof(a));
	path_of(to, b, sizeof(b));
	ck_assert_int_eq(rename(a, b), 0);
}

/* copytruncate: a copy under another name, then the log cut to 0 in place. */
static void
copy_truncate(const char *to, bool make_copy)
{
	char a[192], b[192], buf[65536];
	int in, out;
	ssize_t n;

	path_of("app.log", a, sizeof(a));
	path_of(to, b, sizeof(b));
	if (make_copy) {
		in = open(a, O_RDONLY);
		out = open(b, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		ck_assert(in >= 0 && out >= 0);
		while ((n = read(in, buf, sizeof(buf))) > 0)
			ck_assert_int_eq(write(out, buf, (size_t)n), n);
		close(in);
		close(out);
	}
	ck_assert_int_eq(truncate(a, 0), 0);
}

/* One run over the log, with the position in *pos / *have. */
static int
run(struct pl_tail_pos *pos, bool *have, const struct pl_tail_opts *o, struct got *g,
    struct pl_tail_result *res)
{
	char err[512];
	int rc = pl_tail_read(logp, pos, *have, o, collect, g, res, err, sizeof(err));

	if (rc == 0)
		*have = true;
	return rc;
}

static void
got_init(struct got *g)
{
	memset(g, 0, sizeof(*g));
	pl_buf_init(&g->text, 0);
}

static const struct pl_tail_opts plain = { 0 };
static const struct pl_tail_opts from_start = { .from_start = true };

START_TEST(first_run_at_end)
{
	struct pl_tail_pos pos;
	struct pl_tail_result res;
	struct got g;
	bool have = false;

	got_init(&g);
	append("app.log", "old 1\nold 2\npartial");
	ck_assert_int_eq(run(&pos, &have, &plain, &g, &res), 0);
	ck_assert(res.first);
	ck_assert_uint_eq(res.lines, 0);
	ck_assert_uint_eq(res.skipped, 12);
	/* The line being written at the first run is read whole once it is complete. */
	append("app.log", " line\nnew 1\n");
	ck_assert_int_eq(run(&pos, &have, &plain, &g, &res), 0);
	ck_assert_str_eq(pl_buf_str(&g.text), "partial line\nnew 1\n");
	ck_assert(!res.first && !res.lost && res.events[0] == '\0');
	ck_assert_int_eq(run(&pos, &have, &plain, &g, &res), 0);
	ck_assert_uint_eq(res.lines, 0);
	pl_buf_free(&g.text);
}
END_TEST

/* The first run on a file whose last 64 KiB hold no newline starts inside a line: the
 * rest of that line is skipped to its newline, never handed over as a line of its own;
 * a file of one short line being written is read from its start. */
START_TEST(first_run_inside_long_line)
{
	struct pl_tail_pos pos;
	struct pl_tail_result res;
	struct got g;
	bool have = false;
	char *big = malloc(70001);

	ck_assert_ptr_nonnull(big);
	got_init(&g);
	memset(big, 'x', 70000);
	big[70000] = '\0';
	append("app.log", "old 1\n");
	append("app.log", big);
	ck_assert_int_eq(run(&pos, &have, &plain, &g, &res), 0);
	ck_assert(res.first);
	ck_assert_uint_eq(res.lines, 0);
	ck_assert_uint_eq(res.skipped, 70006);
	ck_assert(pos.flags & PL_TAIL_IN_LONG);
	append("app.log", "-fragment\nnew 1\n");
	ck_assert_int_eq(run(&pos, &have, &plain, &g, &res), 0);
	ck_assert_str_eq(pl_buf_str(&g.text), "new 1\n");
	ck_assert_uint_eq(g.lines, 1);
	ck_assert(!res.lost && !(pos.flags & PL_TAIL_IN_LONG));
	free(big);
	pl_buf_free(&g.text);

	/* One short line being written, no newline yet: read whole once it is. */
	ck_assert_int_eq(unlink(logp), 0);
	got_init(&g);
	have = false;
	append("app.log", "partial");
	ck_assert_int_eq(run(&pos, &have, &plain, &g, &res), 0);
	ck_assert_uint_eq(res.skipped, 0);
	ck_assert_uint_eq(res.lines, 0);
	append("app.log", " line\n");
	ck_assert_int_eq(run(&pos, &have, &plain, &g, &res), 0);
	ck_assert_str_eq(pl_buf_str(&g.text), "partial line\n");
	pl_buf_free(&g.text);
}
END_TEST

START_TEST(first_run_from_start)
{
	struct pl_tail_pos pos;
	struct pl_tail_result res;
	struct got g;
	bool have = false;

	got_init(&g);
	append("app.log", "a\nb\nc");
	ck_assert_int_eq(run(&pos, &have, &from_start, &g, &res), 0);
	ck_assert_str_eq(pl_buf_str(&g.text), "a\nb\n");
	ck_assert_uint_eq(pos.off, 4);
	append("app.log", "\n");
	ck_assert_int_eq(run(&pos, &have, &from_start, &g, &res), 0);
	ck_assert_str_eq(pl_buf_str(&g.text), "a\nb\nc\n");
	ck_assert_uint_eq(g.lines, 3);
	pl_buf_free(&g.text);
}
END_TEST

/* Rotation by rename to each kind of rotated name: the old file is finished first. */
static const char *const rotated_names[] = {
	"app.log.1", "app.log-20261201", "app.log.2026-12-01", "app.log-2026120114", "app.log_old",
};

START_TEST(rotate_rename)
{
	struct pl_tail_pos pos;
	struct pl_tail_result res;
	struct got g;
	bool have = false;

	got_init(&g);
	append("app.log.3", "an older rotated file\n");
	append("app.log", "a\n");
	ck_assert_int_eq(run(&pos, &have, &from_start, &g, &res), 0);
	append("app.log", "b\nc-partial-at-rotation");
	move("app.log", rotated_names[_i]);
	append("app.log", "d\n");
	ck_assert_int_eq(run(&pos, &have, &plain, &g, &res), 0);
	/* The partial line is held: its writer may still complete it in the rotated file. */
	ck_assert_str_eq(pl_buf_str(&g.text), "a\nb\nd\n");
	ck_assert(res.rotated && !res.lost);
	ck_assert_uint_eq(res.files, 2);
	ck_assert_ptr_nonnull(strstr(res.events, rotated_names[_i]));
	ck_assert(pos.prev.flags & PL_TAIL_PREV);
	/* It stopped growing: the line is handed over once, and the file let go. */
	ck_assert_int_eq(run(&pos, &have, &plain, &g, &res), 0);
	ck_assert_str_eq(pl_buf_str(&g.text), "a\nb\nd\nc-partial-at-rotation\n");
	ck_assert_uint_eq(res.lines, 1);
	ck_assert(!(pos.prev.flags & PL_TAIL_PREV));
	ck_assert_int_eq(run(&pos, &have, &plain, &g, &res), 0);
	ck_assert_uint_eq(res.lines, 0);
	ck_assert_uint_eq(g.lines, 4);
	pl_buf_free(&g.text);
}
END_TEST

/* Written to after its rotation (the writer's HUP comes later): the rotated file is read
 * on by the next runs while it grows, each line once. _i: 0 the writer completes the
 * partial line and writes more, 1 the rotated file is gone with a partial line held
 * (lost, said), 2 the log is rotated again while the first rotated file is held (that
 * one handed over once, the newer one read on), 3 the position goes through the store
 * (a reboot) in between. */
START_TEST(rotated_read_on)
{
	struct pl_tail_pos pos;
	struct pl_tail_result res;
	struct got g;
	bool have = false;
	char p[192];

	got_init(&g);
	append("app.log", "a\n");
	ck_assert_int_eq(run(&pos, &have, &from_start, &g, &res), 0);
	append("app.log", "b\nc-part");
	move("app.log", "app.log.1");
	append("app.log", "d\n");
	ck_assert_int_eq(run(&pos, &have, &plain, &g, &res), 0);
	ck_assert_str_eq(pl_buf_str(&g.text), "a\nb\nd\n");
	if (_i == 3) {
		struct pl_store st;
		struct pl_buf text = PL_BUF_INIT;
		char err[256];

		pl_store_init(&st, "check_log_errors", "k");
		ck_assert_int_eq(pl_tail_pos_put(&st, "log", logp, &pos), 0);
		pl_store_format(&st, &text);
		pl_store_free(&st);
		memset(&pos, 0, sizeof(pos));
		pl_store_init(&st, "check_log_errors", "k");
		ck_assert_int_eq(pl_store_parse(text.data, text.len, &st, 0, NULL, err,
						sizeof(err)), 0);
		ck_assert(pl_tail_pos_get(&st, "log", logp, &pos));
		ck_assert(pos.prev.flags & PL_TAIL_PREV);
		pl_store_free(&st);
		pl_buf_free(&text);
	}
	if (_i == 1) {
		path_of("app.log.1", p, sizeof(p));
		ck_assert_int_eq(unlink(p), 0);
		ck_assert_int_eq(run(&pos, &have, &plain, &g, &res), 0);
		ck_assert(res.lost);
		ck_assert_ptr_nonnull(strstr(res.events, "gone before its last line"));
		ck_assert_str_eq(pl_buf_str(&g.text), "a\nb\nd\n");
		ck_assert(!(pos.prev.flags & PL_TAIL_PREV));
		pl_buf_free(&g.text);
		return;
	}
	if (_i == 2) {
		append("app.log", "e\n");
		move("app.log.1", "app.log.2");
		move("app.log", "app.log.1");
		append("app.log", "f\n");
		ck_assert_int_eq(run(&pos, &have, &plain, &g, &res), 0);
		ck_assert_str_eq(pl_buf_str(&g.text), "a\nb\nd\nc-part\ne\nf\n");
		ck_assert(!res.lost);
		append("app.log.1", "g (late)\n");
		ck_assert_int_eq(run(&pos, &have, &plain, &g, &res), 0);
		ck_assert_str_eq(pl_buf_str(&g.text), "a\nb\nd\nc-part\ne\nf\ng (late)\n");
		pl_buf_free(&g.text);
		return;
	}
	append("app.log.1", "-completed late\nc2 late too\n");
	append("app.log", "e\n");
	ck_assert_int_eq(run(&pos, &have, &plain, &g, &res), 0);
	ck_assert_str_eq(pl_buf_str(&g.text), "a\nb\nd\nc-part-completed late\nc2 late too\ne\n");
	ck_assert(!res.lost && !res.rotated);
	ck_assert_ptr_nonnull(strstr(res.events, "read on in app.log.1"));
	ck_assert(pos.prev.flags & PL_TAIL_PREV);
	/* Not grown since: let go, nothing handed twice. */
	ck_assert_int_eq(run(&pos, &have, &plain, &g, &res), 0);
	ck_assert_uint_eq(res.lines, 0);
	ck_assert(!(pos.prev.flags & PL_TAIL_PREV));
	ck_assert_uint_eq(g.lines, 6);
	pl_buf_free(&g.text);
}
END_TEST

/* The new log still empty (logrotate's create; the writer not reopened yet): the rotated
 * file is kept though it did not grow, and let go only once the log has bytes. */
START_TEST(rotated_log_empty)
{
	struct pl_tail_pos pos;
	struct pl_tail_result res;
	struct got g;
	bool have = false;

	got_init(&g);
	append("app.log", "a\n");
	ck_assert_int_eq(run(&pos, &have, &from_start, &g, &res), 0);
	append("app.log", "b\n");
	move("app.log", "app.log.1");
	append("app.log", "");
	ck_assert_int_eq(run(&pos, &have, &plain, &g, &res), 0);
	ck_assert(pos.prev.flags & PL_TAIL_PREV);
	ck_assert_int_eq(run(&pos, &have, &plain, &g, &res), 0);
	ck_assert(pos.prev.flags & PL_TAIL_PREV);
	append("app.log.1", "c (an hour late, still no HUP)\n");
	ck_assert_int_eq(run(&pos, &have, &plain, &g, &res), 0);
	ck_assert(pos.prev.flags & PL_TAIL_PREV);
	append("app.log", "d\n");
	ck_assert_int_eq(run(&pos, &have, &plain, &g, &res), 0);
	ck_assert(!(pos.prev.flags & PL_TAIL_PREV));
	ck_assert_str_eq(pl_buf_str(&g.text), "a\nb\nc (an hour late, still no HUP)\nd\n");
	pl_buf_free(&g.text);
}
END_TEST

/* Sets the file name's modification time to sec. */
static void
set_mtime(const char *name, time_t sec)
{
	char p[192];
	struct timespec t[2] = { { sec, 0 }, { sec, 0 } };

	path_of(name, p, sizeof(p));
	ck_assert_int_eq(utimensat(AT_FDCWD, p, t, 0), 0);
}

/* res.mtime is the last write of the file the last lines came from: the rotated one when
 * its successor is still empty (that one was written at the rotation), none when they
 * came from copytruncate's copy (its time is its copying's) or when no line came. */
START_TEST(mtime_of_last_lines)
{
	struct pl_tail_pos pos;
	struct pl_tail_result res;
	struct got g;
	bool have = false;

	got_init(&g);
	append("app.log", "a\n");
	set_mtime("app.log", 1000);
	ck_assert_int_eq(run(&pos, &have, &from_start, &g, &res), 0);
	ck_assert_int_eq(res.mtime.tv_sec, 1000);
	ck_assert_int_eq(run(&pos, &have, &plain, &g, &res), 0);
	ck_assert_int_eq(res.mtime.tv_sec, 0);
	append("app.log", "b\n");
	set_mtime("app.log", 2000);
	move("app.log", "app.log.1");
	append("app.log", "");
	set_mtime("app.log", 9000);
	ck_assert_int_eq(run(&pos, &have, &plain, &g, &res), 0);
	ck_assert_uint_eq(res.lines, 1);
	ck_assert_int_eq(res.mtime.tv_sec, 2000);
	append("app.log", "c\n");
	set_mtime("app.log", 9100);
	ck_assert_int_eq(run(&pos, &have, &plain, &g, &res), 0);
	ck_assert_int_eq(res.mtime.tv_sec, 9100);
	append("app.log", "d\n");
	copy_truncate("app.log.2", true);
	set_mtime("app.log.2", 9500);
	ck_assert_int_eq(run(&pos, &have, &plain, &g, &res), 0);
	ck_assert(res.truncated && res.lines == 1);
	ck_assert_int_eq(res.mtime.tv_sec, 0);
	ck_assert_str_eq(pl_buf_str(&g.text), "a\nb\nc\nd\n");
	pl_buf_free(&g.text);
}
END_TEST

/* The caps inside the rotated file read on: later runs go on there, then in the log,
 * each line once. */
START_TEST(rotated_read_on_capped)
{
	struct pl_tail_opts two = { .max_lines = 2 };
	struct pl_tail_pos pos;
	struct pl_tail_result res;
	struct got g;
	bool have = false;
	int k;

	got_init(&g);
	append("app.log", "a\n");
	ck_assert_int_eq(run(&pos, &have, &from_start, &g, &res), 0);
	append("app.log", "b\n");
	move("app.log", "app.log.1");
	append("app.log", "c\n");
	ck_assert_int_eq(run(&pos, &have, &two, &g, &res), 0);
	ck_assert(pos.prev.flags & PL_TAIL_PREV);
	append("app.log.1", "l1\nl2\nl3\nl4\nl5\n");
	append("app.log", "d\ne\n");
	for (k = 0; k < 10 && (k == 0 || res.capped); k++)
		ck_assert_int_eq(run(&pos, &have, &two, &g, &res), 0);
	ck_assert(!res.capped);
	ck_assert_str_eq(pl_buf_str(&g.text), "a\nb\nc\nl1\nl2\nl3\nl4\nl5\nd\ne\n");
	ck_assert_int_eq(run(&pos, &have, &two, &g, &res), 0);
	ck_assert_uint_eq(res.lines, 0);
	ck_assert(!(pos.prev.flags & PL_TAIL_PREV));
	pl_buf_free(&g.text);
}
END_TEST

/* Rotated twice between two runs: the old file is finished, the one rotated after it
 * (never seen) is read whole, then the log; a compressed one in between is a loss. */
START_TEST(rotate_twice)
{
	struct pl_tail_pos pos;
	struct pl_tail_result res;
	struct got g;
	bool have = false;
	struct timespec old[2] = { { 1764600000, 0 }, { 1764600000, 0 } };
	char p[192];

	got_init(&g);
	append("app.log.2.gz", "older and compressed\n");
	path_of("app.log.2.gz", p, sizeof(p));
	ck_assert_int_eq(utimensat(AT_FDCWD, p, old, 0), 0);
	append("app.log", "a\n");
	ck_assert_int_eq(run(&pos, &have, &from_start, &g, &res), 0);
	append("app.log", "b\n");
	move("app.log", "app.log.1");
	/* File times come from a coarse clock (a few ms): the one in between is written
	 * later, as it would be in a real minute between two runs. */
	usleep(30000);
	append("app.log", "c\n");
	move("app.log.1", "app.log.2");
	move("app.log", "app.log.1");
	append("app.log", "d\n");
	if (_i == 1) {
		/* The one in between compressed too: its lines are lost, and said. */
		move("app.log.1", "app.log.1.gz");
	}
	ck_assert_int_eq(run(&pos, &have, &plain, &g, &res), 0);
	ck_assert_str_eq(pl_buf_str(&g.text), _i == 0 ? "a\nb\nc\nd\n" : "a\nb\nd\n");
	ck_assert(res.lost == (_i == 1));
	ck_assert_ptr_nonnull(strstr(res.events, _i == 0 ? "read app.log.1 too" : "app.log.1.gz"));
	ck_assert_int_eq(run(&pos, &have, &plain, &g, &res), 0);
	ck_assert_uint_eq(res.lines, 0);
	pl_buf_free(&g.text);
}
END_TEST

/* Rotated three times between two runs, with logrotate's dateext names (_i 0:
 * app.log-20261201, -20261202, -20261203) or numbered ones (_i 1: .3, .2, .1, each
 * rotation moving the older ones up): the cursor's file is finished, the two never seen
 * are read whole, oldest first, then the log; nothing twice after. */
START_TEST(rotate_thrice)
{
	static const char *const dated[] = { "app.log-20261201", "app.log-20261202",
					     "app.log-20261203" };
	struct pl_tail_pos pos;
	struct pl_tail_result res;
	struct got g;
	bool have = false;

	got_init(&g);
	append("app.log", "a1\n");
	ck_assert_int_eq(run(&pos, &have, &from_start, &g, &res), 0);
	append("app.log", "a2\n");
	for (int k = 0; k < 3; k++) {
		char line[8];

		if (_i == 0) {
			move("app.log", dated[k]);
		} else {
			if (k >= 2)
				move("app.log.2", "app.log.3");
			if (k >= 1)
				move("app.log.1", "app.log.2");
			move("app.log", "app.log.1");
		}
		usleep(30000);   /* file times: a coarse clock (see rotate_twice) */
		pl_snprintf(line, sizeof(line), "%c1\n", 'b' + k);
		append("app.log", line);
	}
	append("app.log", "d2\n");
	ck_assert_int_eq(run(&pos, &have, &plain, &g, &res), 0);
	ck_assert_str_eq(pl_buf_str(&g.text), "a1\na2\nb1\nc1\nd1\nd2\n");
	ck_assert(res.rotated && !res.lost);
	ck_assert_ptr_nonnull(strstr(res.events, _i == 0 ? "app.log-20261202" : "app.log.2"));
	ck_assert_int_eq(run(&pos, &have, &plain, &g, &res), 0);
	ck_assert_uint_eq(res.lines, 0);
	append("app.log", "e\n");
	ck_assert_int_eq(run(&pos, &have, &plain, &g, &res), 0);
	ck_assert_str_eq(pl_buf_str(&g.text), "a1\na2\nb1\nc1\nd1\nd2\ne\n");
	pl_buf_free(&g.text);
}
END_TEST

/* A rotated log of the same size and the same modification time as the new one: told
 * apart by inode. */
START_TEST(rotate_same_size_same_mtime)
{
	struct pl_tail_pos pos;
	struct pl_tail_result res;
	struct got g;
	bool have = false;
	struct timespec ts[2] = { { 1764620000, 0 }, { 1764620000, 0 } };
	char a[192], b[192];

	got_init(&g);
	append("app.log", "x1\n");
	ck_assert_int_eq(run(&pos, &have, &from_start, &g, &res), 0);
	append("app.log", "x2\n");
	move("app.log", "app.log.1");
	append("app.log", "y1\ny2\n");  /* 6 bytes, as the old one */
	path_of("app.log", a, sizeof(a));
	path_of("app.log.1", b, sizeof(b));
	ck_assert_int_eq(utimensat(AT_FDCWD, a, ts, 0), 0);
	ck_assert_int_eq(utimensat(AT_FDCWD, b, ts, 0), 0);
	ck_assert_int_eq(run(&pos, &have, &plain, &g, &res), 0);
	ck_assert_str_eq(pl_buf_str(&g.text), "x1\nx2\ny1\ny2\n");
	ck_assert(res.rotated && !res.lost);
	/* The same again with nothing appended to the rotated one: nothing twice. */
	move("app.log", "app.log.1");
	append("app.log", "z1\nz2\n");
	ck_assert_int_eq(utimensat(AT_FDCWD, a, ts, 0), 0);
	ck_assert_int_eq(run(&pos, &have, &plain, &g, &res), 0);
	ck_assert_str_eq(pl_buf_str(&g.text), "x1\nx2\ny1\ny2\nz1\nz2\n");
	pl_buf_free(&g.text);
}
END_TEST

/* The rotated file was compressed (or deleted) before the run: the new log is read
 * from its start, and the loss is said. */
START_TEST(rotate_compressed_or_gone)
{
	struct pl_tail_pos pos;
	struct pl_tail_result res;
	struct got g;
	bool have = false;
	char p[192];

	got_init(&g);
	append("app.log", "a\n");
	ck_assert_int_eq(run(&pos, &have, &from_start, &g, &res), 0);
	append("app.log", "b\n");
	path_of("app.log", p, sizeof(p));
	ck_assert_int_eq(unlink(p), 0);
	if (_i == 0)
		append("app.log.1.gz", "\x1f\x8b compressed bytes\n");
	append("app.log", "c\n");
	ck_assert_int_eq(run(&pos, &have, &plain, &g, &res), 0);
	ck_assert_str_eq(pl_buf_str(&g.text), "a\nc\n");
	/* The new file may get the old one's inode number back (tmpfs, ext4): then it is
	 * the same inode with other bytes, a rewrite; the loss is said either way. */
	ck_assert(res.rotated || res.rewritten);
	ck_assert(res.lost);
	ck_assert_ptr_nonnull(strstr(res.events, _i == 0 ? "app.log.1.gz" : "not found"));
	pl_buf_free(&g.text);
}
END_TEST

/* copytruncate: with the copy beside it, the copy is finished from the offset first;
 * without it the loss is said. _i: 0 the copy, 1 none, 2 the copy and the log written
 * past the old offset again before the run. */
START_TEST(copytruncate)
{
	struct pl_tail_pos pos;
	struct pl_tail_result res;
	struct got g;
	bool have = false;

	got_init(&g);
	append("app.log", "2026-12-01 first line\n");
	ck_assert_int_eq(run(&pos, &have, &from_start, &g, &res), 0);
	append("app.log", "2026-12-01 second line\n");
	copy_truncate("app.log.1", _i != 1);
	append("app.log", _i == 2 ? "2026-12-02 a new line, longer than the old ones\n" :
	       "new\n");
	ck_assert_int_eq(run(&pos, &have, &plain, &g, &res), 0);
	if (_i == 1) {
		ck_assert_str_eq(pl_buf_str(&g.text), "2026-12-01 first line\nnew\n");
		ck_assert(res.lost && res.truncated);
	} else {
		ck_assert_str_eq(pl_buf_str(&g.text), _i == 2 ?
				 "2026-12-01 first line\n2026-12-01 second line\n"
				 "2026-12-02 a new line, longer than the old ones\n" :
				 "2026-12-01 first line\n2026-12-01 second line\nnew\n");
		ck_assert(!res.lost);
		ck_assert(_i == 0 ? res.truncated : res.rewritten);
		ck_assert_ptr_nonnull(strstr(res.events, "app.log.1"));
	}
	ck_assert_int_eq(run(&pos, &have, &plain, &g, &res), 0);
	ck_assert_uint_eq(res.lines, 0);
	pl_buf_free(&g.text);
}
END_TEST

/* A log rewritten from the top in place (same inode, other first bytes, longer): read
 * again from its start, and said. */
START_TEST(rewritten)
{
	struct pl_tail_pos pos;
	struct pl_tail_result res;
	struct got g;
	bool have = false;
	char p[192];
	int fd;

	got_init(&g);
	append("app.log", "one\ntwo\n");
	ck_assert_int_eq(run(&pos, &have, &from_start, &g, &res), 0);
	path_of("app.log", p, sizeof(p));
	fd = open(p, O_WRONLY | O_TRUNC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "ONE\nTWO\nTHREE\n", 14), 14);
	close(fd);
	ck_assert_int_eq(run(&pos, &have, &plain, &g, &res), 0);
	ck_assert_str_eq(pl_buf_str(&g.text), "one\ntwo\nONE\nTWO\nTHREE\n");
	ck_assert(res.rewritten && res.lost);
	/* The same bytes before the offset, another first line: also a rewrite. */
	fd = open(p, O_WRONLY);
	ck_assert_int_eq(pwrite(fd, "X", 1, 0), 1);
	close(fd);
	append("app.log", "four\n");
	ck_assert_int_eq(run(&pos, &have, &plain, &g, &res), 0);
	ck_assert(res.rewritten);
	ck_assert_uint_eq(res.lines, 4);
	pl_buf_free(&g.text);
}
END_TEST

/* The log missing between the rename and the new file: the old one is finished, and
 * the next run reads the new one from its start, nothing twice. */
START_TEST(missing_between)
{
	struct pl_tail_pos pos;
	struct pl_tail_result res;
	struct got g;
	bool have = false;
	char err[256];

	got_init(&g);
	ck_assert_int_eq(pl_tail_read(logp, &pos, false, &plain, collect, &g, &res, err,
				      sizeof(err)), -1);
	ck_assert_int_eq(errno, ENOENT);
	append("app.log", "a\n");
	ck_assert_int_eq(run(&pos, &have, &from_start, &g, &res), 0);
	append("app.log", "b\n");
	move("app.log", "app.log.1");
	ck_assert_int_eq(run(&pos, &have, &plain, &g, &res), 0);
	ck_assert_str_eq(pl_buf_str(&g.text), "a\nb\n");
	ck_assert_ptr_nonnull(strstr(res.events, "missing"));
	ck_assert_int_eq(run(&pos, &have, &plain, &g, &res), 0);
	ck_assert_uint_eq(res.lines, 0);
	append("app.log.1", "b2 (written late to the rotated file)\n");
	append("app.log", "c\n");
	ck_assert_int_eq(run(&pos, &have, &plain, &g, &res), 0);
	ck_assert_str_eq(pl_buf_str(&g.text), "a\nb\nb2 (written late to the rotated file)\nc\n");
	ck_assert(!res.lost);
	/* Gone with nothing to finish: an error, the position kept. */
	move("app.log", "elsewhere");
	move("app.log.1", "elsewhere.1");
	ck_assert_int_eq(run(&pos, &have, &plain, &g, &res), -1);
	pl_buf_free(&g.text);
}
END_TEST

/* Caps: lines and bytes, the next runs going on where one stopped, also inside a
 * rotated file. */
START_TEST(caps)
{
	struct pl_tail_opts lines = { .from_start = true, .max_lines = 4 };
	struct pl_tail_opts bytes = { .from_start = true, .max_bytes = 35, .max_line = 16 };
	struct pl_tail_pos pos;
	struct pl_tail_result res;
	struct got g;
	bool have = false;
	const struct pl_tail_opts *o = _i == 0 ? &lines : &bytes;
	size_t per = _i == 0 ? 4 : 3;
	char line[32], want[256] = "";

	got_init(&g);
	for (int k = 0; k < 10; k++) {
		pl_snprintf(line, sizeof(line), "line %03d\n", k);   /* 9 bytes */
		append("app.log", line);
		pl_snprintf(want + strlen(want), sizeof(want) - strlen(want), "%s", line);
	}
	ck_assert_int_eq(run(&pos, &have, o, &g, &res), 0);
	ck_assert(res.capped);
	ck_assert_uint_eq(res.lines, per);
	/* Rotated while a backlog is left: the old file is finished over the next runs. */
	move("app.log", "app.log.1");
	append("app.log", "new 1\nnew 2\n");
	pl_snprintf(want + strlen(want), sizeof(want) - strlen(want), "new 1\nnew 2\n");
	for (int k = 0; k < 10 && (k == 0 || res.capped); k++)
		ck_assert_int_eq(run(&pos, &have, o, &g, &res), 0);
	ck_assert(!res.capped);
	ck_assert_str_eq(pl_buf_str(&g.text), want);
	ck_assert_uint_eq(g.lines, 12);
	pl_buf_free(&g.text);
}
END_TEST

/* A line longer than max_line: handed over cut, once, its rest skipped, also when the
 * rest comes in a later run. */
START_TEST(huge_lines)
{
	struct pl_tail_opts o = { .from_start = true, .max_line = 16 };
	struct pl_tail_pos pos;
	struct pl_tail_result res;
	struct got g;
	bool have = false;
	char big[200];

	got_init(&g);
	memset(big, 'x', 100);
	big[100] = '\0';
	append("app.log", "short\n");
	append("app.log", big);
	append("app.log", "\nnext\n");
	append("app.log", big);       /* cut, no newline yet */
	ck_assert_int_eq(run(&pos, &have, &o, &g, &res), 0);
	ck_assert_uint_eq(res.cut, 2);
	ck_assert_str_eq(pl_buf_str(&g.text), "short\nxxxxxxxxxxxxxxxx\nnext\nxxxxxxxxxxxxxxxx\n");
	append("app.log", big);
	append("app.log", "yyy\nafter\n");
	ck_assert_int_eq(run(&pos, &have, &o, &g, &res), 0);
	ck_assert_uint_eq(res.cut, 0);
	ck_assert_uint_eq(res.lines, 1);
	ck_assert_str_eq(pl_buf_str(&g.text) + g.text.len - 6, "after\n");
	ck_assert_uint_eq(g.lines, 5);
	/* A line of exactly max_line bytes is whole. */
	append("app.log", "0123456789abcdef\n");
	ck_assert_int_eq(run(&pos, &have, &o, &g, &res), 0);
	ck_assert_uint_eq(res.cut, 0);
	ck_assert_uint_eq(res.lines, 1);
	pl_buf_free(&g.text);
}
END_TEST

/* Many blocks: 3 MiB of lines that straddle the 1 MiB reads, none lost or doubled. */
START_TEST(big_file)
{
	struct pl_tail_pos pos;
	struct pl_tail_result res;
	struct got g;
	bool have = false;
	struct pl_buf all = PL_BUF_INIT;
	char p[192];
	int fd;

	got_init(&g);
	pl_buf_init(&all, 0);
	for (int k = 0; all.len < (3u << 20); k++)
		pl_buf_printf(&all, "%d %.*s\n", k, k % 97, "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz");
	path_of("app.log", p, sizeof(p));
	fd = open(p, O_WRONLY | O_CREAT, 0600);
	ck_assert_int_eq(write(fd, all.data, all.len), (ssize_t)all.len);
	close(fd);
	ck_assert_int_eq(run(&pos, &have, &from_start, &g, &res), 0);
	ck_assert_uint_eq(g.text.len, all.len);
	ck_assert(memcmp(g.text.data, all.data, all.len) == 0);
	ck_assert_uint_eq(pos.off, all.len);
	pl_buf_free(&all);
	pl_buf_free(&g.text);
}
END_TEST

/* The position in the store, and a device number changed across a reboot (LVM): the
 * same inode with the same bytes reads on. */
START_TEST(pos_store)
{
	struct pl_store st;
	struct pl_tail_pos pos, back;
	struct pl_tail_result res;
	struct got g;
	bool have = false;
	struct pl_buf text = PL_BUF_INIT;
	char err[256];

	got_init(&g);
	append("app.log", "a\nb\n");
	ck_assert_int_eq(run(&pos, &have, &from_start, &g, &res), 0);
	pl_store_init(&st, "check_log_errors", "k");
	ck_assert_int_eq(pl_tail_pos_put(&st, "log", logp, &pos), 0);
	pl_store_format(&st, &text);
	pl_store_free(&st);
	pl_store_init(&st, "check_log_errors", "k");
	ck_assert_int_eq(pl_store_parse(text.data, text.len, &st, 0, NULL, err, sizeof(err)), 0);
	ck_assert(pl_tail_pos_get(&st, "log", logp, &back));
	ck_assert(memcmp(&back, &pos, sizeof(pos)) == 0);
	ck_assert(!pl_tail_pos_get(&st, "log", "/other", &back));
	{
		/* A format 1 entry (before the rotated file was read on): the log only. */
		const uint64_t v1[10] = { 1, pos.dev, pos.ino, pos.off, pos.size, pos.fp,
					  pos.fplen, pos.tfp, pos.tfplen, pos.flags };
		struct pl_tail_pos old;

		ck_assert_int_eq(pl_store_put_vec(&st, PL_STORE_KEEP, "log", "/v1", v1, 10), 0);
		ck_assert(pl_tail_pos_get(&st, "log", "/v1", &old));
		ck_assert(memcmp(&old, &pos, sizeof(pos)) == 0);
		ck_assert_uint_eq(old.prev.flags, 0);
		ck_assert_int_eq(pl_store_put_vec(&st, PL_STORE_KEEP, "log", "/v9", v1, 9), 0);
		ck_assert(!pl_tail_pos_get(&st, "log", "/v9", &old));
	}
	back.dev ^= 0x55;
	append("app.log", "c\n");
	ck_assert_int_eq(run(&back, &have, &plain, &g, &res), 0);
	ck_assert_str_eq(pl_buf_str(&g.text), "a\nb\nc\n");
	ck_assert(!res.rotated && !res.rewritten);
	pl_store_free(&st);
	pl_buf_free(&text);
	pl_buf_free(&g.text);
}
END_TEST

/* A reboot between two runs: the position (with a rotated file read on) is a kept entry
 * of the store, loaded under another boot id, and the reading goes on from it. */
START_TEST(reboot)
{
	struct pl_store st;
	struct pl_tail_pos pos;
	struct pl_tail_result res;
	struct got g;
	bool have = false;
	char err[256], why[256];
	int dfd;

	got_init(&g);
	append("app.log", "a\n");
	ck_assert_int_eq(run(&pos, &have, &from_start, &g, &res), 0);
	append("app.log", "b\npart");
	move("app.log", "app.log.1");
	append("app.log", "c\n");
	ck_assert_int_eq(run(&pos, &have, &plain, &g, &res), 0);
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(dfd, 0);
	pl_store_init(&st, "check_log_errors", "reboot");
	pl_strlcpy(st.boot_id, "b1", sizeof(st.boot_id));
	st.time = 50;
	st.wall = 1764620000;
	ck_assert_int_eq(pl_tail_pos_put(&st, "log", logp, &pos), 0);
	ck_assert_msg(pl_store_save(dfd, &st, err, sizeof(err)) == 0, "%s", err);
	pl_store_free(&st);
	memset(&pos, 0, sizeof(pos));
	pl_store_init(&st, "check_log_errors", "reboot");
	ck_assert_int_eq(pl_store_load(dfd, &st, "b2", 0, why, sizeof(why)), PL_STORE_REBOOTED);
	ck_assert(pl_tail_pos_get(&st, "log", logp, &pos));
	pl_store_free(&st);
	close(dfd);
	append("app.log.1", "-x\n");
	append("app.log", "d\n");
	ck_assert_int_eq(run(&pos, &have, &plain, &g, &res), 0);
	ck_assert_str_eq(pl_buf_str(&g.text), "a\nb\nc\npart-x\nd\n");
	ck_assert(!res.lost && !res.first);
	pl_buf_free(&g.text);
}
END_TEST

START_TEST(not_regular)
{
	struct pl_tail_pos pos;
	struct pl_tail_result res;
	struct got g;
	char err[256];

	got_init(&g);
	ck_assert_int_eq(mkfifo(logp, 0600), 0);
	ck_assert_int_eq(pl_tail_read(logp, &pos, false, &plain, collect, &g, &res, err,
				      sizeof(err)), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
	pl_buf_free(&g.text);
}
END_TEST

/* The log's own name a symbolic link (a directory the application may write, a check
 * run with privileges): refused, whatever it points to, with the fix in the message;
 * the target named itself is read. A directory is no regular file either. */
START_TEST(symlink_refused)
{
	struct pl_tail_pos pos;
	struct pl_tail_result res;
	struct got g;
	char err[512], target[192];

	got_init(&g);
	memset(&pos, 0, sizeof(pos));
	append("secret", "root:hash:1\n");
	path_of("secret", target, sizeof(target));
	ck_assert_int_eq(symlink(target, logp), 0);
	for (int have = 0; have < 2; have++) {
		err[0] = '\0';
		ck_assert_int_eq(pl_tail_read(logp, &pos, have, &from_start, collect, &g, &res,
					      err, sizeof(err)), -1);
		ck_assert_int_eq(errno, ELOOP);
		ck_assert_ptr_nonnull(strstr(err, "symbolic link"));
		ck_assert_ptr_nonnull(strstr(err, "name the file itself"));
		ck_assert_uint_eq(g.lines, 0);
	}
	/* A dangling one too: never "missing". */
	ck_assert_int_eq(unlink(logp), 0);
	ck_assert_int_eq(symlink("/nonexistent/pl-tail", logp), 0);
	ck_assert_int_eq(pl_tail_read(logp, &pos, true, &plain, collect, &g, &res, err,
				      sizeof(err)), -1);
	ck_assert_int_eq(errno, ELOOP);
	/* The target named itself is read. */
	ck_assert_int_eq(pl_tail_read(target, &pos, false, &from_start, collect, &g, &res, err,
				      sizeof(err)), 0);
	ck_assert_str_eq(pl_buf_str(&g.text), "root:hash:1\n");
	/* A directory in the log's place. */
	ck_assert_int_eq(unlink(logp), 0);
	ck_assert_int_eq(mkdir(logp, 0700), 0);
	ck_assert_int_eq(pl_tail_read(logp, &pos, false, &plain, collect, &g, &res, err,
				      sizeof(err)), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
	ck_assert_int_eq(rmdir(logp), 0);
	pl_buf_free(&g.text);
}
END_TEST

START_TEST(hold)
{
	struct pl_store st;
	double until;

	pl_store_init(&st, "p", "k");
	ck_assert_int_eq(pl_hold_apply(&st, "hold", "f", PL_OK, 1000, 600, &until), PL_OK);
	ck_assert(until == 0);
	ck_assert_int_eq(pl_hold_apply(&st, "hold", "f", PL_WARNING, 1000, 600, &until),
			 PL_WARNING);
	ck_assert(until == 1600);
	ck_assert_int_eq(pl_hold_apply(&st, "hold", "f", PL_OK, 1300, 600, &until), PL_WARNING);
	ck_assert(until == 1600);
	ck_assert_int_eq(pl_hold_apply(&st, "hold", "f", PL_CRITICAL, 1400, 600, &until),
			 PL_CRITICAL);
	ck_assert(until == 2000);
	/* A milder match while a worse one is held: the held one stands. */
	ck_assert_int_eq(pl_hold_apply(&st, "hold", "f", PL_WARNING, 1500, 600, &until),
			 PL_CRITICAL);
	ck_assert(until == 2000);
	/* CRITICAL's hold over, the WARNING of 1500 is held for the rest of its own. */
	ck_assert_int_eq(pl_hold_apply(&st, "hold", "f", PL_OK, 2000, 600, &until), PL_WARNING);
	ck_assert(until == 2100);
	ck_assert_int_eq(pl_hold_apply(&st, "hold", "f", PL_OK, 2100, 600, &until), PL_OK);
	ck_assert(until == 0);
	ck_assert_ptr_null(pl_store_find(&st, 0, "hold", "f"));
	/* No hold: this run's state, and no mark. */
	ck_assert_int_eq(pl_hold_apply(&st, "hold", "f", PL_CRITICAL, 3000, 0, &until),
			 PL_CRITICAL);
	ck_assert_ptr_null(pl_store_find(&st, 0, "hold", "f"));
	pl_store_free(&st);
}
END_TEST

/* The hold from the match's own time: read late, the rest of the hold; older than the
 * hold, this run's state and no mark; a future stamp is now; of two marks of one state
 * the later stays; this run's worse state is reported while a milder one is held. */
START_TEST(hold_at)
{
	struct pl_store st;
	double until;

	pl_store_init(&st, "p", "k");
	ck_assert_int_eq(pl_hold_apply_at(&st, "hold", "f", PL_CRITICAL, 1000, 800, 600, &until),
			 PL_CRITICAL);
	ck_assert(until == 1400);
	ck_assert_int_eq(pl_hold_apply_at(&st, "hold", "f", PL_OK, 1300, 1300, 600, &until),
			 PL_CRITICAL);
	ck_assert(until == 1400);
	ck_assert_int_eq(pl_hold_apply_at(&st, "hold", "f", PL_OK, 1400, 1400, 600, &until),
			 PL_OK);
	ck_assert_ptr_null(pl_store_find(&st, 0, "hold", "f"));
	/* Older than the hold: reported, not held. */
	ck_assert_int_eq(pl_hold_apply_at(&st, "hold", "f", PL_WARNING, 5000, 4000, 600, &until),
			 PL_WARNING);
	ck_assert(until == 0);
	ck_assert_ptr_null(pl_store_find(&st, 0, "hold", "f"));
	/* From the future: taken as now. */
	ck_assert_int_eq(pl_hold_apply_at(&st, "hold", "f", PL_WARNING, 6000, 9000, 600, &until),
			 PL_WARNING);
	ck_assert(until == 6600);
	/* The same state again with an older stamp: the later mark stays. */
	ck_assert_int_eq(pl_hold_apply_at(&st, "hold", "f", PL_WARNING, 6100, 5900, 600, &until),
			 PL_WARNING);
	ck_assert(until == 6600);
	/* A worse state too old to hold while WARNING is held: CRITICAL this run, not held
	 * past it (its until is not WARNING's), and WARNING held after it. */
	ck_assert_int_eq(pl_hold_apply_at(&st, "hold", "f", PL_CRITICAL, 6200, 5000, 600, &until),
			 PL_CRITICAL);
	ck_assert(until == 0);
	ck_assert_int_eq(pl_hold_apply_at(&st, "hold", "f", PL_OK, 6300, 0, 600, &until),
			 PL_WARNING);
	ck_assert(until == 6600);
	pl_store_free(&st);
}
END_TEST

/* One mark per state: a worse match older than a held milder one is reported while it
 * holds, and the milder one is held again for the rest of its own time after it (a
 * CRITICAL mark replacing WARNING's would have ended the hold 50 s early). An old
 * one-mark record is read as its one mark. */
START_TEST(hold_per_state)
{
	struct pl_store st;
	struct pl_hold h;
	double until;
	const uint64_t old[2] = { 900000, PL_CRITICAL };

	pl_store_init(&st, "p", "k");
	ck_assert_int_eq(pl_hold_apply_at(&st, "hold", "f", PL_WARNING, 100, 100, 600, &until),
			 PL_WARNING);
	ck_assert(until == 700);
	pl_hold_judge(&st, "hold", "f", PL_CRITICAL, 200, 50, 600, &h);
	ck_assert_int_eq(h.state, PL_CRITICAL);
	ck_assert(h.until == 650);
	ck_assert_int_eq(h.then, PL_WARNING);
	ck_assert(h.then_until == 700);
	pl_hold_judge(&st, "hold", "f", PL_OK, 400, 400, 600, &h);
	ck_assert_int_eq(h.state, PL_CRITICAL);
	ck_assert(h.until == 650);
	ck_assert_int_eq(h.then, PL_WARNING);
	pl_hold_judge(&st, "hold", "f", PL_OK, 651, 651, 600, &h);
	ck_assert_int_eq(h.state, PL_WARNING);
	ck_assert(h.until == 700);
	ck_assert_int_eq(h.then, PL_OK);
	/* A WARNING that ends before the CRITICAL is not named after it. */
	pl_hold_judge(&st, "hold", "f", PL_CRITICAL, 660, 660, 600, &h);
	ck_assert_int_eq(h.state, PL_CRITICAL);
	ck_assert(h.until == 1260);
	ck_assert_int_eq(h.then, PL_OK);
	pl_hold_judge(&st, "hold", "f", PL_OK, 1300, 1300, 600, &h);
	ck_assert_int_eq(h.state, PL_OK);
	ck_assert(h.until == 0);
	ck_assert_ptr_null(pl_store_find(&st, 0, "hold", "f"));
	/* The record of an earlier version: { ms, state }. */
	ck_assert_int_eq(pl_store_put_vec(&st, PL_STORE_KEEP, "hold", "f", old, 2), 0);
	pl_hold_judge(&st, "hold", "f", PL_OK, 1000, 1000, 600, &h);
	ck_assert_int_eq(h.state, PL_CRITICAL);
	ck_assert(h.until == 1500);
	pl_store_free(&st);
}
END_TEST

/* ---------------------------------------------------------------- pl_match */

struct hits {
	struct pl_buf lines;
	size_t n;
	unsigned bits;
};

static void
on_match(void *ctx, const char *line, size_t len, unsigned bits)
{
	struct hits *h = ctx;

	pl_buf_add(&h->lines, line, len);
	pl_buf_printf(&h->lines, " [%u]\n", bits);
	h->n++;
}

/* pl_matcher_scan against the per-line reference, on text. */
static void
same_as_reference(const struct pl_matcher *m, const char *text, size_t len)
{
	struct hits a = { PL_BUF_INIT, 0, 0 }, b = { PL_BUF_INIT, 0, 0 };
	size_t pos = 0;

	pl_buf_init(&a.lines, 0);
	pl_buf_init(&b.lines, 0);
	pl_matcher_scan(m, text, len, on_match, &a);
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t le = nl ? (size_t)(nl - text) : len;
		bool hit;
		unsigned bits = pl_matcher_line(m, text + pos, le - pos, &hit);

		if (hit)
			on_match(&b, text + pos, le - pos, bits);
		pos = le + 1;
	}
	ck_assert_uint_eq(a.n, b.n);
	ck_assert_str_eq(pl_buf_str(&a.lines), pl_buf_str(&b.lines));
	pl_buf_free(&a.lines);
	pl_buf_free(&b.lines);
}

START_TEST(match_fixed_and_regex)
{
	static const char text[] =
		"Dec  1 10:00:01 host sshd[1]: Failed password for root from 10.0.0.1 port 22\n"
		"Dec  1 10:00:02 host kernel: EXT4-fs error (device sda1): bad block\n"
		"Dec  1 10:00:03 host app: error: expected error, ignore me\n"
		"Dec  1 10:00:04 host app: all fine\n"
		"Dec  1 10:00:05 host app: segfault at 0 ip error\n"
		"no newline at the end: error";
	struct pl_matcher m;
	struct hits h = { PL_BUF_INIT, 0, 0 };
	char err[256];

	pl_matcher_init(&m);
	ck_assert_int_eq(pl_matcher_add(&m, "error", false, true, 1, err, sizeof(err)), 0);
	ck_assert_int_eq(pl_matcher_add(&m, "Failed password for .* from", true, true, 2, err,
					sizeof(err)), 0);
	ck_assert_int_eq(pl_matcher_add(&m, "ignore me$", true, false, 4, err, sizeof(err)), 0);
	ck_assert_int_eq(pl_matcher_add(&m, "segfault|oom-kill", true, true, 8, err,
					sizeof(err)), 0);
	ck_assert_uint_eq(m.v[1].nlit, 1);
	ck_assert_uint_eq(m.v[3].nlit, 2);
	pl_buf_init(&h.lines, 0);
	ck_assert_uint_eq(pl_matcher_scan(&m, text, strlen(text), on_match, &h), 5);
	ck_assert_str_eq(pl_buf_str(&h.lines),
			 "Dec  1 10:00:01 host sshd[1]: Failed password for root from 10.0.0.1 port 22 [2]\n"
			 "Dec  1 10:00:02 host kernel: EXT4-fs error (device sda1): bad block [1]\n"
			 "Dec  1 10:00:03 host app: error: expected error, ignore me [5]\n"
			 "Dec  1 10:00:05 host app: segfault at 0 ip error [9]\n"
			 "no newline at the end: error [1]\n");
	same_as_reference(&m, text, strlen(text));
	/* Refusals: empty, a newline, a bad regex; the message does not quote it. */
	ck_assert_int_eq(pl_matcher_add(&m, "", false, true, 1, err, sizeof(err)), -1);
	ck_assert_int_eq(pl_matcher_add(&m, "a\nb", false, true, 1, err, sizeof(err)), -1);
	ck_assert_int_eq(pl_matcher_add(&m, "sec(ret", true, true, 1, err, sizeof(err)), -1);
	ck_assert_ptr_null(strstr(err, "sec(ret"));
	ck_assert_int_eq(pl_matcher_add(&m, "a++++++++++++++++++++++++", true, true, 1, err,
					sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "repetition"));
	ck_assert_int_eq(pl_matcher_add(&m, "x[*+?]+y", true, true, 1, err, sizeof(err)), 0);
	pl_matcher_free(&m);
	pl_buf_free(&h.lines);
}
END_TEST

/* The literals a regex cannot match without. */
static const struct {
	const char *re;
	size_t n;
	const char *lits;     /* joined by '|' */
} lit_cases[] = {
	{ "Failed password for .* from", 1, "Failed password for " },
	{ "error|fail(ed|ure)", 2, "error|fail" },
	{ "colou?r", 1, "colo" },
	{ "ab+c", 1, "ab" },
	{ "a{2}bcd", 1, "bcd" },
	{ "x\\.y", 1, "x.y" },
	{ "\\bword\\b", 1, "word" },
	{ "[ab]cd|ef", 2, "cd|ef" },
	{ "^kernel: .*(oops|panic)", 1, "kernel: " },
	{ "a|b", 0, "" },          /* one-byte literals are no help */
	{ ".*", 0, "" },
	{ "(a|b)c", 0, "" },
	{ "[]x]yz", 1, "yz" },
	{ "[[:digit:]]+ errors", 1, " errors" },
};

START_TEST(regex_literals)
{
	char buf[256], joined[256] = "";
	const char *lit[8];
	size_t len[8];
	size_t n = pl_regex_literals(lit_cases[_i].re, buf, lit, len, 8);

	ck_assert_uint_eq(n, lit_cases[_i].n);
	for (size_t k = 0; k < n; k++)
		pl_snprintf(joined + strlen(joined), sizeof(joined) - strlen(joined), "%s%.*s",
			    k ? "|" : "", (int)len[k], lit[k]);
	ck_assert_str_eq(joined, lit_cases[_i].lits);
}
END_TEST

/* "[LABEL=]PATH" option arguments of the log-reading checks (pl_logitem). */
START_TEST(logitem_arg)
{
	char err[128];
	size_t n = 99;

	ck_assert_str_eq(pl_logitem_arg_path("/var/log/syslog", &n), "/var/log/syslog");
	ck_assert_uint_eq(n, 0);
	ck_assert_str_eq(pl_logitem_arg_path("web=/var/log/a=b", &n), "/var/log/a=b");
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(pl_logitem_arg_path("/var/log/a=b", &n), "/var/log/a=b");
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(pl_logitem_arg_check("web=/var/log/x", "/v", err, sizeof(err)), 0);
	ck_assert_int_eq(pl_logitem_arg_check("=/var/log/x", "/v", err, sizeof(err)), -1);
	ck_assert_str_eq(err, "the LABEL before '=' is empty");
	ck_assert_int_eq(pl_logitem_arg_check("log/x", "/var/log/syslog", err, sizeof(err)), -1);
	ck_assert_str_eq(err, "not an absolute path (give /var/log/syslog, or "
			 "LABEL=/var/log/syslog)");
	ck_assert_int_eq(pl_logitem_arg_check("a=log/x", "/v", err, sizeof(err)), -1);
}
END_TEST

START_TEST(count_lines)
{
	size_t end;
	bool tl;

	ck_assert_uint_eq(pl_count_lines("a\nb\nc", 5, 0, 0, &end, &tl), 2);
	ck_assert_uint_eq(end, 4);
	ck_assert_uint_eq(pl_count_lines("a\nb\nc\n", 6, 2, 0, &end, &tl), 2);
	ck_assert_uint_eq(end, 4);
	ck_assert_uint_eq(pl_count_lines("abc", 3, 0, 0, &end, &tl), 0);
	ck_assert_uint_eq(end, 0);
	ck_assert_uint_eq(pl_count_lines(NULL, 0, 0, 0, &end, &tl), 0);
	ck_assert_uint_eq(pl_count_lines("ab\nabcd\nx\n", 11, 0, 3, &end, &tl), 1);
	ck_assert(tl);
	ck_assert_uint_eq(end, 3);
	ck_assert_uint_eq(pl_count_lines("abc\n", 4, 0, 3, &end, &tl), 1);
	ck_assert(!tl);
}
END_TEST

TCase *
tc_tail(void)
{
	TCase *tc = tcase_create("tail");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, first_run_at_end);
	tcase_add_test(tc, first_run_from_start);
	tcase_add_test(tc, first_run_inside_long_line);
	tcase_add_loop_test(tc, rotate_rename, 0,
			    (int)(sizeof(rotated_names) / sizeof(rotated_names[0])));
	tcase_add_loop_test(tc, rotated_read_on, 0, 4);
	tcase_add_test(tc, rotated_log_empty);
	tcase_add_test(tc, rotated_read_on_capped);
	tcase_add_loop_test(tc, rotate_twice, 0, 2);
	tcase_add_loop_test(tc, rotate_thrice, 0, 2);
	tcase_add_test(tc, rotate_same_size_same_mtime);
	tcase_add_loop_test(tc, rotate_compressed_or_gone, 0, 2);
	tcase_add_loop_test(tc, copytruncate, 0, 3);
	tcase_add_test(tc, rewritten);
	tcase_add_test(tc, missing_between);
	tcase_add_loop_test(tc, caps, 0, 2);
	tcase_add_test(tc, huge_lines);
	tcase_add_test(tc, big_file);
	tcase_add_test(tc, pos_store);
	tcase_add_test(tc, reboot);
	tcase_add_test(tc, not_regular);
	tcase_add_test(tc, symlink_refused);
	tcase_add_test(tc, mtime_of_last_lines);
	tcase_add_test(tc, hold);
	tcase_add_test(tc, hold_at);
	tcase_add_test(tc, hold_per_state);
	tcase_add_test(tc, match_fixed_and_regex);
	tcase_add_loop_test(tc, regex_literals, 0,
			    (int)(sizeof(lit_cases) / sizeof(lit_cases[0])));
	tcase_add_test(tc, count_lines);
	tcase_add_test(tc, logitem_arg);
	return tc;
}
