/* Unit tests of pl_store: the file format, every load status, symlinks, directory checks,
 * concurrent writers and the two generations kept for rates. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pl_buf.h"
#include "pl_store.h"
#include "tests.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define PLUGIN "check_x"
#define KEY "k1"
#define FILE_NAME PLUGIN "-" KEY ".state"

/* The text of a good file, which the corrupt cases below spoil one way each. */
#define HEAD "plumbline-state 1\nplugin " PLUGIN "\nkey " KEY "\nboot_id b1\n"
#define GOOD HEAD "time 123.5\nprev_time 100.25\nv a 1\nv b hello world\nend\n"

/* A private directory for one test, removed by rm_dir. */
static void
make_dir(char *path, size_t len)
{
	pl_strlcpy(path, "/tmp/pl-unit-store-XXXXXX", len);
	ck_assert_ptr_nonnull(mkdtemp(path));
}

static void
rm_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		char full[4096];

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		pl_snprintf(full, sizeof(full), "%s/%s", path, e->d_name);
		if (unlink(full) != 0)
			rmdir(full);
	}
	closedir(d);
	rmdir(path);
}

/* Counts the entries of a directory whose names contain part. */
static int
count_entries(const char *path, const char *part)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
		    strstr(e->d_name, part) != NULL)
			n++;
	closedir(d);
	return n;
}

static void
write_file(const char *dir, const char *name, const char *data, size_t len)
{
	char full[4096];
	int fd;

	pl_snprintf(full, sizeof(full), "%s/%s", dir, name);
	fd = open(full, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void
read_text(const char *dir, const char *name, char *out, size_t len)
{
	char full[4096];
	ssize_t n;
	int fd;

	pl_snprintf(full, sizeof(full), "%s/%s", dir, name);
	fd = open(full, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	n = read(fd, out, len - 1);
	ck_assert_int_ge(n, 0);
	out[n] = '\0';
	close(fd);
}

static int
open_dir(const char *path)
{
	char resolved[4096], err[512] = "";
	int fd = pl_store_dir_open(path, resolved, sizeof(resolved), err, sizeof(err));

	ck_assert_msg(fd >= 0, "%s", err);
	ck_assert_str_eq(resolved, path);
	return fd;
}

START_TEST(test_store_format)
{
	struct pl_store st;
	struct pl_buf b = PL_BUF_INIT;

	pl_store_init(&st, PLUGIN, KEY);
	pl_strlcpy(st.boot_id, "b1", sizeof(st.boot_id));
	st.time = 123.5;
	st.prev_time = 100.25;
	ck_assert_int_eq(pl_store_set(&st, "a", "1"), 0);
	ck_assert_int_eq(pl_store_set(&st, "b", "hello world"), 0);
	pl_store_format(&st, &b);
	ck_assert_str_eq(pl_buf_str(&b), GOOD);
	pl_buf_free(&b);
	pl_store_free(&st);
}
END_TEST

START_TEST(test_store_round_trip)
{
	struct pl_store st, back;
	struct pl_buf b = PL_BUF_INIT;
	char err[256] = "";
	uint64_t u;

	pl_store_init(&st, PLUGIN, KEY);
	pl_strlcpy(st.boot_id, "7aeaabb5-bc9e-42fe-9a39-a4490ef671db", sizeof(st.boot_id));
	st.time = 86400.125;
	ck_assert_int_eq(pl_store_set(&st, "empty", ""), 0);
	ck_assert_int_eq(pl_store_set(&st, "spaces", "  a  b  "), 0);
	ck_assert_int_eq(pl_store_set_u64(&st, "big", UINT64_MAX), 0);
	ck_assert_int_eq(pl_store_set(&st, "prev.x", "7"), 0);
	pl_store_format(&st, &b);

	pl_store_init(&back, PLUGIN, KEY);
	ck_assert_msg(pl_store_parse(b.data, b.len, &back, err, sizeof(err)) == 0, "%s", err);
	ck_assert_str_eq(back.boot_id, st.boot_id);
	ck_assert_double_eq(back.time, 86400.125);
	ck_assert_double_eq(back.prev_time, 0);
	ck_assert_uint_eq(back.n, 4);
	ck_assert_str_eq(pl_store_get(&back, "empty"), "");
	ck_assert_str_eq(pl_store_get(&back, "spaces"), "  a  b  ");
	ck_assert_int_eq(pl_store_get_u64(&back, "big", &u), 0);
	ck_assert_uint_eq(u, UINT64_MAX);
	ck_assert_str_eq(pl_store_get_gen(&back, PL_STORE_PREV, "x"), "7");
	ck_assert_ptr_null(pl_store_get(&back, "nothing"));
	/* An empty boot id (a kernel that does not say) survives too. */
	st.boot_id[0] = '\0';
	pl_buf_reset(&b);
	pl_store_format(&st, &b);
	ck_assert_int_eq(pl_store_parse(b.data, b.len, &back, err, sizeof(err)), 0);
	ck_assert_str_eq(back.boot_id, "");
	pl_buf_free(&b);
	pl_store_free(&st);
	pl_store_free(&back);
}
END_TEST

START_TEST(test_store_set_get)
{
	struct pl_store st;
	uint64_t u = 5;

	pl_store_init(&st, PLUGIN, KEY);
	/* Names without blanks or newlines, values without newlines. */
	ck_assert_int_eq(pl_store_set(&st, "", "x"), -1);
	ck_assert_int_eq(pl_store_set(&st, "a b", "x"), -1);
	ck_assert_int_eq(pl_store_set(&st, "a\tb", "x"), -1);
	ck_assert_int_eq(pl_store_set(&st, "a\n", "x"), -1);
	ck_assert_int_eq(pl_store_set(&st, "a", "x\ny"), -1);
	ck_assert_int_eq(pl_store_set(&st, "a", "x\r"), -1);
	ck_assert_uint_eq(st.n, 0);
	/* Setting twice replaces. */
	ck_assert_int_eq(pl_store_set(&st, "a", "1"), 0);
	ck_assert_int_eq(pl_store_set(&st, "a", "2"), 0);
	ck_assert_uint_eq(st.n, 1);
	ck_assert_str_eq(pl_store_get(&st, "a"), "2");
	ck_assert_int_eq(pl_store_get_u64(&st, "a", &u), 0);
	ck_assert_uint_eq(u, 2);
	ck_assert_int_eq(pl_store_set(&st, "s", "12x"), 0);
	ck_assert_int_eq(pl_store_get_u64(&st, "s", &u), -1);
	ck_assert_int_eq(pl_store_get_u64(&st, "missing", &u), -1);
	/* Many values: the array grows. */
	for (int i = 0; i < 1000; i++) {
		char name[32];

		pl_snprintf(name, sizeof(name), "n%d", i);
		ck_assert_int_eq(pl_store_set_u64(&st, name, (uint64_t)i * 3), 0);
	}
	ck_assert_int_eq(pl_store_get_u64(&st, "n999", &u), 0);
	ck_assert_uint_eq(u, 2997);
	pl_store_clear(&st);
	ck_assert_uint_eq(st.n, 0);
	ck_assert_str_eq(st.plugin, PLUGIN);
	ck_assert_str_eq(st.key, KEY);
	pl_store_free(&st);
}
END_TEST

/* Files that must not be used; each gives CORRUPT, and a later save replaces it. */
static const struct {
	const char *what;
	const char *text;
	size_t len;   /* 0: strlen(text) */
} corrupt_cases[] = {
	{ "garbage", "garbage\x01\x02 not a state file\n", 0 },
	{ "empty", "", 0 },
	{ "no end line", HEAD "time 1\nprev_time 0\nv a 1\n", 0 },
	{ "cut in a value", HEAD "time 1\nprev_time 0\nv a 12", 0 },
	{ "cut in the head", "plumbline-state 1\nplugin " PLUGIN "\nke", 0 },
	{ "NUL byte", HEAD "time 1\nprev_time 0\nv a 1\0\nend\n", sizeof(HEAD) + 29 },
	{ "wrong version", "plumbline-state 2\nplugin " PLUGIN "\nkey " KEY
	  "\nboot_id b1\ntime 1\nprev_time 0\nend\n", 0 },
	{ "version not a number", "plumbline-state x\nplugin " PLUGIN "\nkey " KEY
	  "\nboot_id b1\ntime 1\nprev_time 0\nend\n", 0 },
	{ "other plugin", "plumbline-state 1\nplugin check_y\nkey " KEY
	  "\nboot_id b1\ntime 1\nprev_time 0\nend\n", 0 },
	{ "other key", "plumbline-state 1\nplugin " PLUGIN "\nkey k2\nboot_id b1\ntime 1\n"
	  "prev_time 0\nend\n", 0 },
	{ "bad time", HEAD "time -1\nprev_time 0\nend\n", 0 },
	{ "time not a number", HEAD "time nan\nprev_time 0\nend\n", 0 },
	{ "no prev_time", HEAD "time 1\nend\n", 0 },
	{ "malformed value line", HEAD "time 1\nprev_time 0\nx a 1\nend\n", 0 },
	{ "value line without value", HEAD "time 1\nprev_time 0\nv a\nend\n", 0 },
	{ "data after end", HEAD "time 1\nprev_time 0\nend\nv a 1\n", 0 },
	{ "CRLF", "plumbline-state 1\r\nplugin " PLUGIN "\r\nkey " KEY "\r\nboot_id b1\r\n"
	  "time 1\r\nprev_time 0\r\nend\r\n", 0 },
};

START_TEST(test_store_corrupt)
{
	struct pl_store st;
	char dir[64], why[512] = "", err[512] = "";
	size_t len = corrupt_cases[_i].len ? corrupt_cases[_i].len
					   : strlen(corrupt_cases[_i].text);
	int fd;

	make_dir(dir, sizeof(dir));
	fd = open_dir(dir);
	write_file(dir, FILE_NAME, corrupt_cases[_i].text, len);
	pl_store_init(&st, PLUGIN, KEY);
	ck_assert_int_eq(pl_store_set(&st, "stale", "1"), 0);
	ck_assert_msg(pl_store_load(fd, &st, "b1", why, sizeof(why)) == PL_STORE_CORRUPT,
		      "%s: not CORRUPT (%s)", corrupt_cases[_i].what, why);
	ck_assert_msg(why[0] != '\0', "%s: no reason", corrupt_cases[_i].what);
	ck_assert_uint_eq(st.n, 0);
	/* The pure parser says the same. */
	ck_assert_int_eq(pl_store_parse(corrupt_cases[_i].text, len, &st, err, sizeof(err)), -1);
	ck_assert(err[0] != '\0');
	/* A later save replaces the file. The caller sets the time, as pl_sample does: a
	 * rejected file may have left its own in st. */
	ck_assert_int_eq(pl_store_set(&st, "a", "42"), 0);
	pl_strlcpy(st.boot_id, "b1", sizeof(st.boot_id));
	st.time = 10;
	st.prev_time = 0;
	ck_assert_msg(pl_store_save(fd, &st, err, sizeof(err)) == 0, "%s", err);
	pl_store_clear(&st);
	ck_assert_int_eq(pl_store_load(fd, &st, "b1", why, sizeof(why)), PL_STORE_LOADED);
	ck_assert_str_eq(pl_store_get(&st, "a"), "42");
	pl_store_free(&st);
	close(fd);
	rm_dir(dir);
}
END_TEST

START_TEST(test_store_states)
{
	struct pl_store st, other;
	char dir[64], why[512] = "", err[512] = "";
	int fd;

	make_dir(dir, sizeof(dir));
	fd = open_dir(dir);
	pl_store_init(&st, PLUGIN, KEY);
	ck_assert_int_eq(pl_store_load(fd, &st, "b1", why, sizeof(why)), PL_STORE_MISSING);
	ck_assert(why[0] != '\0');

	pl_strlcpy(st.boot_id, "b1", sizeof(st.boot_id));
	st.time = 50;
	st.prev_time = 40;
	ck_assert_int_eq(pl_store_set_u64(&st, "ticks", 1234), 0);
	ck_assert_msg(pl_store_save(fd, &st, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(count_entries(dir, ""), 1);
	ck_assert_int_eq(count_entries(dir, FILE_NAME), 1);
	{
		struct stat sb;
		char full[256];

		pl_snprintf(full, sizeof(full), "%s/%s", dir, FILE_NAME);
		ck_assert_int_eq(lstat(full, &sb), 0);
		ck_assert_int_eq(sb.st_mode & 0777, 0600);
	}

	/* Normal load */
	pl_store_clear(&st);
	st.time = 0;
	ck_assert_int_eq(pl_store_load(fd, &st, "b1", why, sizeof(why)), PL_STORE_LOADED);
	ck_assert_str_eq(pl_store_get(&st, "ticks"), "1234");
	ck_assert_double_eq(st.time, 50);
	ck_assert_double_eq(st.prev_time, 40);

	/* Another boot: not used */
	ck_assert_int_eq(pl_store_load(fd, &st, "b2", why, sizeof(why)), PL_STORE_REBOOTED);
	ck_assert_uint_eq(st.n, 0);
	ck_assert(why[0] != '\0');

	/* Another key or plugin has its own file. */
	pl_store_init(&other, PLUGIN, "k2");
	ck_assert_int_eq(pl_store_load(fd, &other, "b1", why, sizeof(why)), PL_STORE_MISSING);
	pl_store_free(&other);
	pl_store_init(&other, "check_y", KEY);
	ck_assert_int_eq(pl_store_load(fd, &other, "b1", why, sizeof(why)), PL_STORE_MISSING);
	pl_store_free(&other);

	pl_store_free(&st);
	close(fd);
	rm_dir(dir);
}
END_TEST

START_TEST(test_store_symlink)
{
	struct pl_store st;
	char dir[64], link[256], target[256], text[256], why[512] = "", err[512] = "";
	struct stat sb;
	int fd;

	make_dir(dir, sizeof(dir));
	fd = open_dir(dir);
	write_file(dir, "target", GOOD, strlen(GOOD));
	pl_snprintf(link, sizeof(link), "%s/%s", dir, FILE_NAME);
	pl_snprintf(target, sizeof(target), "%s/target", dir);
	/* A planted link to a valid state file of ours: still not followed. */
	ck_assert_int_eq(symlink(target, link), 0);

	pl_store_init(&st, PLUGIN, KEY);
	ck_assert_int_eq(pl_store_load(fd, &st, "b1", why, sizeof(why)), PL_STORE_CORRUPT);
	ck_assert_uint_eq(st.n, 0);
	ck_assert(why[0] != '\0');
	read_text(dir, "target", text, sizeof(text));
	ck_assert_str_eq(text, GOOD);

	/* Saving replaces the link itself; the target is untouched. */
	pl_strlcpy(st.boot_id, "b1", sizeof(st.boot_id));
	ck_assert_int_eq(pl_store_set(&st, "mine", "1"), 0);
	ck_assert_msg(pl_store_save(fd, &st, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(lstat(link, &sb), 0);
	ck_assert(S_ISREG(sb.st_mode));
	read_text(dir, "target", text, sizeof(text));
	ck_assert_str_eq(text, GOOD);
	ck_assert_int_eq(pl_store_load(fd, &st, "b1", why, sizeof(why)), PL_STORE_LOADED);
	ck_assert_str_eq(pl_store_get(&st, "mine"), "1");

	/* A dangling link: neither followed nor created through. */
	unlink(link);
	ck_assert_int_eq(symlink("/tmp/pl-unit-store-nonexistent-target", link), 0);
	ck_assert_int_eq(pl_store_load(fd, &st, "b1", why, sizeof(why)), PL_STORE_CORRUPT);
	ck_assert_int_eq(pl_store_save(fd, &st, err, sizeof(err)), 0);
	ck_assert_int_eq(lstat("/tmp/pl-unit-store-nonexistent-target", &sb), -1);
	ck_assert_int_eq(lstat(link, &sb), 0);
	ck_assert(S_ISREG(sb.st_mode));

	pl_store_free(&st);
	close(fd);
	rm_dir(dir);
}
END_TEST

START_TEST(test_store_not_regular)
{
	struct pl_store st;
	char dir[64], path[256], why[512] = "";
	int fd;

	make_dir(dir, sizeof(dir));
	fd = open_dir(dir);
	/* A FIFO in place of the file: refused at once, never waited on. */
	pl_snprintf(path, sizeof(path), "%s/%s", dir, FILE_NAME);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	pl_store_init(&st, PLUGIN, KEY);
	ck_assert_int_eq(pl_store_load(fd, &st, "b1", why, sizeof(why)), PL_STORE_CORRUPT);
	unlink(path);
	/* A directory in place of the file */
	ck_assert_int_eq(mkdir(path, 0700), 0);
	ck_assert_int_eq(pl_store_load(fd, &st, "b1", why, sizeof(why)), PL_STORE_CORRUPT);
	rmdir(path);
	pl_store_free(&st);
	close(fd);
	rm_dir(dir);
}
END_TEST

START_TEST(test_store_dir_checks)
{
	char dir[64], sub[256], link[256], resolved[4096], err[512];
	struct stat sb;
	int fd;

	make_dir(dir, sizeof(dir));
	/* A missing directory is made, private. */
	pl_snprintf(sub, sizeof(sub), "%s/state", dir);
	fd = open_dir(sub);
	close(fd);
	ck_assert_int_eq(stat(sub, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0700);

	/* Writable by others, or by the group */
	ck_assert_int_eq(chmod(sub, 0777), 0);
	err[0] = '\0';
	ck_assert_int_eq(pl_store_dir_open(sub, resolved, sizeof(resolved), err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, sub));
	ck_assert_int_eq(chmod(sub, 0770), 0);
	ck_assert_int_eq(pl_store_dir_open(sub, resolved, sizeof(resolved), err, sizeof(err)), -1);
	ck_assert_int_eq(chmod(sub, 0755), 0);
	fd = open_dir(sub);
	close(fd);

	/* Owned by someone else (needs root to set up) */
	if (geteuid() == 0) {
		ck_assert_int_eq(chmod(sub, 0700), 0);
		ck_assert_int_eq(chown(sub, 65534, 65534), 0);
		err[0] = '\0';
		ck_assert_int_eq(pl_store_dir_open(sub, resolved, sizeof(resolved), err,
						   sizeof(err)), -1);
		ck_assert_ptr_nonnull(strstr(err, sub));
		ck_assert_int_eq(chown(sub, 0, 0), 0);
	}

	/* A symlink to a good directory is refused. */
	pl_snprintf(link, sizeof(link), "%s/link", dir);
	ck_assert_int_eq(symlink(sub, link), 0);
	err[0] = '\0';
	ck_assert_int_eq(pl_store_dir_open(link, resolved, sizeof(resolved), err, sizeof(err)), -1);
	ck_assert(err[0] != '\0');
	unlink(link);

	/* A parent that does not exist */
	pl_snprintf(link, sizeof(link), "%s/no/such", dir);
	err[0] = '\0';
	ck_assert_int_eq(pl_store_dir_open(link, resolved, sizeof(resolved), err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "no/such"));

	rmdir(sub);
	rm_dir(dir);
}
END_TEST

/* Two writers and a reader at once: a reader sees a whole file or none, never a mix. */
START_TEST(test_store_concurrent)
{
	char dir[64];
	pid_t kids[2];
	int fd, loaded = 0, missing = 0, bad = 0, running = 2, status;

	make_dir(dir, sizeof(dir));
	fd = open_dir(dir);
	for (int k = 0; k < 2; k++) {
		kids[k] = fork();
		ck_assert_int_ge(kids[k], 0);
		if (kids[k] == 0) {
			struct pl_store st;
			char err[512];

			pl_store_init(&st, PLUGIN, KEY);
			pl_strlcpy(st.boot_id, "b1", sizeof(st.boot_id));
			for (int i = 0; i < 300; i++) {
				uint64_t v = (uint64_t)(k + 1) * 1000000 + (uint64_t)i;

				/* Values of different lengths, so a mix would show. */
				for (int j = 0; j < 20 + (i % 7) * (k + 1); j++) {
					char name[16];

					pl_snprintf(name, sizeof(name), "c%d", j);
					pl_store_set_u64(&st, name, v);
				}
				st.time = (double)i;
				if (pl_store_save(fd, &st, err, sizeof(err)) != 0)
					_exit(1);
				pl_store_clear(&st);
			}
			pl_store_free(&st);
			_exit(0);
		}
	}
	while (running > 0) {
		struct pl_store st;
		char why[512] = "";
		enum pl_store_status s;

		pl_store_init(&st, PLUGIN, KEY);
		s = pl_store_load(fd, &st, "b1", why, sizeof(why));
		if (s == PL_STORE_LOADED) {
			const char *c0 = pl_store_get(&st, "c0");

			loaded++;
			/* Every value of one file comes from the same save. */
			for (size_t i = 0; i < st.n; i++)
				if (c0 == NULL || strcmp(st.v[i].value, c0) != 0)
					bad++;
		} else if (s == PL_STORE_MISSING) {
			missing++;
		} else {
			bad++;
		}
		pl_store_free(&st);
		for (int k = 0; k < 2; k++) {
			if (kids[k] > 0 && waitpid(kids[k], &status, WNOHANG) == kids[k]) {
				ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
					      "writer %d failed", k);
				kids[k] = 0;
				running--;
			}
		}
	}
	ck_assert_int_eq(bad, 0);
	ck_assert_int_gt(loaded + missing, 0);
	/* No temporary file is left behind: only the state file. */
	ck_assert_int_eq(count_entries(dir, ".tmp"), 0);
	ck_assert_int_eq(count_entries(dir, ""), 1);
	close(fd);
	rm_dir(dir);
}
END_TEST

START_TEST(test_store_pick)
{
	struct pl_store st;
	double then = -1;

	pl_store_init(&st, PLUGIN, KEY);
	st.time = 100;
	st.prev_time = 50;
	/* The newest reading is too recent: compare with the one before. */
	ck_assert_str_eq(pl_store_pick(&st, 100.5, 1, &then), PL_STORE_PREV);
	ck_assert_double_eq(then, 50);
	/* Old enough (the window is inclusive) */
	ck_assert_str_eq(pl_store_pick(&st, 101, 1, &then), "");
	ck_assert_double_eq(then, 100);
	ck_assert_str_eq(pl_store_pick(&st, 400, 1, &then), "");
	ck_assert_double_eq(then, 100);
	/* No previous generation: the newest, however recent */
	st.prev_time = 0;
	ck_assert_str_eq(pl_store_pick(&st, 100.5, 1, &then), "");
	ck_assert_double_eq(then, 100);
	/* A previous generation that is not older is not used. */
	st.prev_time = 100;
	ck_assert_str_eq(pl_store_pick(&st, 100.5, 1, &then), "");
	pl_store_free(&st);
}
END_TEST

START_TEST(test_store_rotate)
{
	struct pl_store st, back;
	struct pl_buf b = PL_BUF_INIT;
	char err[256] = "";

	pl_store_init(&st, PLUGIN, KEY);
	st.time = 100;
	st.prev_time = 50;
	ck_assert_int_eq(pl_store_set(&st, "prev.a", "0"), 0);
	ck_assert_int_eq(pl_store_set(&st, "prev.gone", "0"), 0);
	ck_assert_int_eq(pl_store_set(&st, "a", "1"), 0);
	ck_assert_int_eq(pl_store_set(&st, "b", "2"), 0);
	ck_assert_int_eq(pl_store_rotate(&st, 160), 0);
	ck_assert_double_eq(st.time, 160);
	ck_assert_double_eq(st.prev_time, 100);
	ck_assert_uint_eq(st.n, 2);
	ck_assert_str_eq(pl_store_get_gen(&st, PL_STORE_PREV, "a"), "1");
	ck_assert_str_eq(pl_store_get_gen(&st, PL_STORE_PREV, "b"), "2");
	ck_assert_ptr_null(pl_store_get_gen(&st, PL_STORE_PREV, "gone"));
	ck_assert_ptr_null(pl_store_get_gen(&st, "", "a"));
	ck_assert_int_eq(pl_store_set(&st, "a", "3"), 0);
	ck_assert_str_eq(pl_store_get_gen(&st, "", "a"), "3");

	/* Both generations survive a save. */
	pl_store_format(&st, &b);
	pl_store_init(&back, PLUGIN, KEY);
	ck_assert_msg(pl_store_parse(b.data, b.len, &back, err, sizeof(err)) == 0, "%s", err);
	ck_assert_double_eq(back.prev_time, 100);
	ck_assert_str_eq(pl_store_get_gen(&back, PL_STORE_PREV, "a"), "1");
	ck_assert_str_eq(pl_store_get_gen(&back, "", "a"), "3");
	/* Rotating again drops the oldest generation. */
	ck_assert_int_eq(pl_store_rotate(&back, 220), 0);
	ck_assert_str_eq(pl_store_get_gen(&back, PL_STORE_PREV, "a"), "3");
	ck_assert_ptr_null(pl_store_get_gen(&back, PL_STORE_PREV, "b"));
	ck_assert_uint_eq(back.n, 1);
	pl_buf_free(&b);
	pl_store_free(&st);
	pl_store_free(&back);
}
END_TEST

START_TEST(test_store_key_hash)
{
	char a[32], b[32];

	pl_store_key_hash("", 0, a, sizeof(a));
	ck_assert_str_eq(a, "cbf29ce484222325");
	pl_store_key_hash("a", 1, a, sizeof(a));
	ck_assert_str_eq(a, "af63dc4c8601ec8c");
	pl_store_key_hash("-w 80", 5, a, sizeof(a));
	pl_store_key_hash("-w 81", 5, b, sizeof(b));
	ck_assert_str_ne(a, b);
	ck_assert_uint_eq(strlen(a), 16);
}
END_TEST

/* A temporary file left by a run stopped between write and rename is removed by a later
 * save once it is a minute old; a younger one (a run still going) is left alone. */
START_TEST(test_store_stale_temps)
{
	char dir[64], err[256], old[4096], young[4096];
	struct timespec times[2] = { { 0, 0 }, { 0, 0 } };
	struct pl_store st;
	int fd, tfd;

	make_dir(dir, sizeof(dir));
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(fd, 0);
	pl_snprintf(old, sizeof(old), "%s/." PLUGIN "-" KEY ".state.11.22.tmp", dir);
	pl_snprintf(young, sizeof(young), "%s/." PLUGIN "-" KEY ".state.33.44.tmp", dir);
	tfd = open(old, O_WRONLY | O_CREAT, 0600);
	ck_assert_int_ge(tfd, 0);
	close(tfd);
	times[0].tv_sec = times[1].tv_sec = time(NULL) - 3600;
	ck_assert_int_eq(utimensat(AT_FDCWD, old, times, 0), 0);
	tfd = open(young, O_WRONLY | O_CREAT, 0600);
	ck_assert_int_ge(tfd, 0);
	close(tfd);
	pl_store_init(&st, PLUGIN, KEY);
	st.time = 1;
	ck_assert_msg(pl_store_save(fd, &st, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_ne(access(old, F_OK), 0);
	ck_assert_int_eq(access(young, F_OK), 0);
	pl_store_free(&st);
	close(fd);
	rm_dir(dir);
}
END_TEST

TCase *
tc_store(void)
{
	TCase *tc = tcase_create("store");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_store_format);
	tcase_add_test(tc, test_store_round_trip);
	tcase_add_test(tc, test_store_set_get);
	tcase_add_loop_test(tc, test_store_corrupt, 0, N(corrupt_cases));
	tcase_add_test(tc, test_store_states);
	tcase_add_test(tc, test_store_symlink);
	tcase_add_test(tc, test_store_not_regular);
	tcase_add_test(tc, test_store_dir_checks);
	tcase_add_test(tc, test_store_concurrent);
	tcase_add_test(tc, test_store_pick);
	tcase_add_test(tc, test_store_rotate);
	tcase_add_test(tc, test_store_key_hash);
	tcase_add_test(tc, test_store_stale_temps);
	return tc;
}
