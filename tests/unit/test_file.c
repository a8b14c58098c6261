/* Unit tests of pl_file's readers on files the test writes: small files that are not
 * text, symlinks in place of a file, and the timeout's waiting text around a read. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pl_buf.h"
#include "pl_file.h"
#include "pl_timeout.h"
#include "tests.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static char root[64];

static void
make_root(void)
{
	pl_strlcpy(root, "/tmp/pl-file-test.XXXXXX", sizeof(root));
	ck_assert_ptr_nonnull(mkdtemp(root));
}

static void
put(const char *name, const char *data, size_t len)
{
	char path[256];
	int fd;

	pl_snprintf(path, sizeof(path), "%s/%s", root, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
}

/* Removes the files a test may have made, then the directory. */
static void
drop_root(void)
{
	static const char *const names[] = { "attr", "secret", "name", "label", "fifo", "big" };
	char path[256];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		pl_snprintf(path, sizeof(path), "%s/%s", root, names[i]);
		unlink(path);
	}
	ck_assert_int_eq(rmdir(root), 0);
}

/* pl_read_small: the bytes of the file, and the expected length (-1: refused, with errno)
 * and text. */
static const struct {
	const char *data;
	size_t len;
	int ret;
	int err;
	const char *text;
} small_cases[] = {
	{ "10\n", 3, 2, 0, "10" },
	{ "10", 2, 2, 0, "10" },
	{ "", 0, 0, 0, "" },
	{ "coretemp \n", 10, 8, 0, "coretemp" },
	/* A NUL inside is not text: never the shorter value before it. */
	{ "10\0" "00\n", 6, -1, EILSEQ, "" },
	{ "\0", 1, -1, EILSEQ, "" },
	{ "45000\n\0", 7, -1, EILSEQ, "" },
	/* Larger than the buffer (16 bytes here, 15 of text). */
	{ "0123456789abcdef", 16, -1, EFBIG, "" },
	{ "0123456789abcde", 15, 15, 0, "0123456789abcde" },
};

START_TEST(test_read_small)
{
	char buf[16];
	int n;

	make_root();
	put("attr", small_cases[_i].data, small_cases[_i].len);
	memset(buf, 'X', sizeof(buf));
	errno = 0;
	n = pl_read_small(root, "/attr", buf, sizeof(buf));
	ck_assert_int_eq(n, small_cases[_i].ret);
	if (n < 0)
		ck_assert_int_eq(errno, small_cases[_i].err);
	ck_assert_str_eq(buf, small_cases[_i].text);
	drop_root();
}
END_TEST

START_TEST(test_read_small_nofollow)
{
	char buf[64], target[256], link[256];

	make_root();
	put("secret", "not-a-sysfs-name\n", 17);
	put("name", "nct6775\n", 8);
	pl_snprintf(target, sizeof(target), "%s/secret", root);
	pl_snprintf(link, sizeof(link), "%s/label", root);
	ck_assert_int_eq(symlink(target, link), 0);

	/* A link in place of the file: followed by pl_read_small, refused by the other. */
	ck_assert_int_eq(pl_read_small(root, "/label", buf, sizeof(buf)), 16);
	errno = 0;
	ck_assert_int_eq(pl_read_small_nofollow(root, "/label", buf, sizeof(buf)), -1);
	ck_assert_int_eq(errno, ELOOP);
	ck_assert_str_eq(buf, "");
	ck_assert_int_eq(pl_read_small_nofollow(root, "/name", buf, sizeof(buf)), 7);
	ck_assert_str_eq(buf, "nct6775");
	drop_root();
}
END_TEST

/* pl_dir_open and pl_read_small_at: the same answers as pl_read_small for each case,
 * read relative to the directory; a name with '/' is refused (EINVAL), a symlink is
 * followed or, with nofollow, refused (ELOOP). */
START_TEST(test_read_small_at)
{
	char buf[16], target[256], link[256];
	int dfd, n;

	make_root();
	dfd = pl_dir_open(root, "/");
	ck_assert_int_ge(dfd, 0);
	for (int i = 0; i < N(small_cases); i++) {
		put("attr", small_cases[i].data, small_cases[i].len);
		memset(buf, 'X', sizeof(buf));
		errno = 0;
		n = pl_read_small_at(dfd, "attr", buf, sizeof(buf), false);
		ck_assert_int_eq(n, small_cases[i].ret);
		if (n < 0)
			ck_assert_int_eq(errno, small_cases[i].err);
		ck_assert_str_eq(buf, small_cases[i].text);
	}
	errno = 0;
	ck_assert_int_eq(pl_read_small_at(dfd, "../attr", buf, sizeof(buf), false), -1);
	ck_assert_int_eq(errno, EINVAL);
	put("secret", "x\n", 2);
	pl_snprintf(target, sizeof(target), "%s/secret", root);
	pl_snprintf(link, sizeof(link), "%s/label", root);
	ck_assert_int_eq(symlink(target, link), 0);
	ck_assert_int_eq(pl_read_small_at(dfd, "label", buf, sizeof(buf), false), 1);
	errno = 0;
	ck_assert_int_eq(pl_read_small_at(dfd, "label", buf, sizeof(buf), true), -1);
	ck_assert_int_eq(errno, ELOOP);
	close(dfd);
	errno = 0;
	ck_assert_int_eq(pl_dir_open(root, "/attr"), -1);
	ck_assert_int_eq(errno, ENOTDIR);
	drop_root();
}
END_TEST

/* pl_read_small_in: "sub/name" read relative to the directory, a symlinked sub followed
 * (sysfs class links); sub and name each one component: '/', "." and ".." are EINVAL. */
START_TEST(test_read_small_in)
{
	static const char *const bad[][2] = { { "a/b", "attr" }, { "if0", "../attr" },
					     { "..", "attr" }, { ".", "attr" }, { "", "attr" },
					     { "if0", "" }, { "if0", "." } };
	char buf[16], path[256], link[256];
	int dfd;

	make_root();
	pl_snprintf(path, sizeof(path), "%s/if0", root);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	put("if0/attr", "up\n", 3);
	pl_snprintf(link, sizeof(link), "%s/name", root);
	ck_assert_int_eq(symlink("if0", link), 0);
	dfd = pl_dir_open(root, "/");
	ck_assert_int_ge(dfd, 0);
	ck_assert_int_eq(pl_read_small_in(dfd, "if0", "attr", buf, sizeof(buf)), 2);
	ck_assert_str_eq(buf, "up");
	ck_assert_int_eq(pl_read_small_in(dfd, "name", "attr", buf, sizeof(buf)), 2);
	errno = 0;
	ck_assert_int_eq(pl_read_small_in(dfd, "if0", "missing", buf, sizeof(buf)), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_str_eq(buf, "");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(buf, 'X', sizeof(buf));
		errno = 0;
		ck_assert_int_eq(pl_read_small_in(dfd, bad[i][0], bad[i][1], buf, sizeof(buf)), -1);
		ck_assert_int_eq(errno, EINVAL);
		ck_assert_str_eq(buf, "");
	}
	close(dfd);
	put("if0/attr", "", 0);
	pl_snprintf(path, sizeof(path), "%s/if0/attr", root);
	unlink(path);
	pl_snprintf(path, sizeof(path), "%s/if0", root);
	ck_assert_int_eq(rmdir(path), 0);
	drop_root();
}
END_TEST

/* After a read, the waiting text is the caller's again (the reader names its file only
 * while it may block: the FIFO cases of tests/blackbox/state-cases.sh). */
START_TEST(test_waiting_restored)
{
	struct pl_buf b = PL_BUF_INIT;
	char buf[16], err[256], got[512];
	char **names = NULL;
	size_t n = 0;

	make_root();
	put("attr", "1\n", 2);
	pl_timeout_arm(86400, PL_UNKNOWN, "XSVC");
	pl_timeout_waiting("judging the sensors");
	ck_assert_int_eq(pl_read_small(root, "/attr", buf, sizeof(buf)), 1);
	ck_assert_int_eq(pl_read_small(root, "/missing", buf, sizeof(buf)), -1);
	ck_assert_int_eq(pl_read_file(root, "/attr", &b, err, sizeof(err)), 0);
	ck_assert_int_eq(pl_read_file(root, "/missing", &b, err, sizeof(err)), -1);
	ck_assert_int_eq(pl_dir_list(root, "/", &names, &n, err, sizeof(err)), 0);
	pl_dir_free(names, n);
	ck_assert_int_eq(pl_dir_list(root, "/missing", &names, &n, err, sizeof(err)), -1);
	pl_timeout_message(got, sizeof(got));
	pl_timeout_disarm();
	ck_assert_msg(strstr(got, "while judging the sensors") != NULL, "%s", got);
	pl_dir_free(names, n);
	pl_buf_free(&b);
	drop_root();
}
END_TEST

/* pl_timeout_waiting_on: the text it sets, and the one it hands back. */
START_TEST(test_waiting_on)
{
	char got[512];
	const char *was;

	pl_timeout_arm(86400, PL_UNKNOWN, "XSVC");
	pl_timeout_waiting("starting up");
	was = pl_timeout_waiting_on("reading", "/proc/uptime");
	pl_timeout_message(got, sizeof(got));
	ck_assert_msg(strstr(got, "while reading /proc/uptime") != NULL, "%s", got);
	/* A second call writes the other buffer; the first text stays whole until then. */
	ck_assert_str_eq(pl_timeout_waiting_on("listing", "/sys/block"), "reading /proc/uptime");
	pl_timeout_message(got, sizeof(got));
	ck_assert_msg(strstr(got, "while listing /sys/block") != NULL, "%s", got);
	pl_timeout_waiting(was);
	pl_timeout_message(got, sizeof(got));
	pl_timeout_disarm();
	ck_assert_msg(strstr(got, "while starting up") != NULL, "%s", got);
}
END_TEST


/* pl_open_trusted: what each rule refuses, with errno and the sentence. */
static const struct {
	unsigned flags;
	mode_t mode;
	int err;               /* 0: opened */
	const char *text;      /* a part of the message */
} trust_cases[] = {
	{ 0, 0666, 0, "" },
	{ PL_FILE_OURS, 0666, 0, "" },
	{ PL_FILE_TRUSTED, 0644, 0, "" },
	{ PL_FILE_TRUSTED, 0664, EACCES, "is writable by group or others; they could change the options (chmod go-w " },
	{ PL_FILE_TRUSTED, 0602, EACCES, "writable by group or others" },
	{ PL_FILE_PRIVATE, 0600, 0, "" },
	{ PL_FILE_PRIVATE, 0640, EACCES, "is open to group or others, who could read or change the options (chmod 600 " },
	{ PL_FILE_PRIVATE, 0601, EACCES, "(chmod 600 " },
};

START_TEST(test_open_trusted)
{
	const struct pl_file_rules r = { trust_cases[_i].flags, 100, "the options" };
	char path[256], err[512] = "";
	struct stat st;
	int fd;

	make_root();
	put("attr", "x", 1);
	pl_snprintf(path, sizeof(path), "%s/attr", root);
	ck_assert_int_eq(chmod(path, trust_cases[_i].mode), 0);
	errno = 0;
	fd = pl_open_trusted(AT_FDCWD, path, &r, &st, err, sizeof(err));
	if (trust_cases[_i].err == 0) {
		ck_assert_msg(fd >= 0, "case %d: %s", _i, err);
		ck_assert_int_eq(st.st_size, 1);
		close(fd);
	} else {
		ck_assert_int_eq(fd, -1);
		ck_assert_int_eq(errno, trust_cases[_i].err);
		ck_assert_msg(strstr(err, trust_cases[_i].text) != NULL, "case %d: %s", _i, err);
		ck_assert_ptr_nonnull(strstr(err, path));
	}
	drop_root();
}
END_TEST

/* A symlink, a FIFO (refused at once, never waited on), a directory, a missing file, and
 * a file of another user (only root can make one). */
START_TEST(test_open_trusted_refuses)
{
	const struct pl_file_rules r = { 0, 100, NULL };
	char path[256], target[256], err[512];
	int dirfd;

	make_root();
	put("name", "x", 1);
	dirfd = open(root, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(dirfd, 0);
	pl_snprintf(target, sizeof(target), "%s/name", root);
	pl_snprintf(path, sizeof(path), "%s/label", root);
	ck_assert_int_eq(symlink(target, path), 0);
	ck_assert_int_eq(pl_open_trusted(dirfd, "label", &r, NULL, err, sizeof(err)), -1);
	ck_assert_int_eq(errno, ELOOP);
	ck_assert_str_eq(err, "label is a symbolic link; name the file itself");
	pl_snprintf(path, sizeof(path), "%s/fifo", root);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_int_eq(pl_open_trusted(dirfd, "fifo", &r, NULL, err, sizeof(err)), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_str_eq(err, "fifo is not a regular file");
	ck_assert_int_eq(pl_open_trusted(AT_FDCWD, root, &r, NULL, err, sizeof(err)), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(pl_open_trusted(dirfd, "secret", &r, NULL, err, sizeof(err)), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_str_eq(err, "cannot read secret: No such file or directory");
	if (geteuid() == 0 && chown(target, 65534, 65534) == 0) {
		const struct pl_file_rules ours = { PL_FILE_OURS, 100, NULL };
		const struct pl_file_rules trusted = { PL_FILE_TRUSTED, 100, NULL };

		ck_assert_int_eq(pl_open_trusted(dirfd, "name", &ours, NULL, err, sizeof(err)), -1);
		ck_assert_int_eq(errno, EPERM);
		ck_assert_ptr_nonnull(strstr(err, "belongs to uid 65534, not to the user"));
		ck_assert_int_eq(pl_open_trusted(dirfd, "name", &trusted, NULL, err, sizeof(err)), -1);
		ck_assert_ptr_nonnull(strstr(err, "not to root or the user running the check"));
	}
	close(dirfd);
	drop_root();
}
END_TEST

/* pl_read_fd and pl_read_trusted: the cap exactly, one byte over, an empty file, a file
 * larger than the first allocation, and the waiting text while it reads. */
START_TEST(test_read_fd)
{
	struct pl_file_rules r = { PL_FILE_SENSITIVE, 10, NULL };
	struct pl_buf b = PL_BUF_INIT;
	static char big[200000];
	char path[256], err[512], got[512];
	int fd;

	make_root();
	put("attr", "0123456789", 10);
	pl_snprintf(path, sizeof(path), "%s/attr", root);
	ck_assert_int_eq(pl_read_trusted(AT_FDCWD, path, &r, &b, NULL, err, sizeof(err)), 0);
	ck_assert_str_eq(pl_buf_str(&b), "0123456789");
	ck_assert_uint_eq(b.len, 10);
	r.cap = 9;
	ck_assert_int_eq(pl_read_trusted(AT_FDCWD, path, &r, &b, NULL, err, sizeof(err)), -1);
	ck_assert_int_eq(errno, EFBIG);
	pl_snprintf(got, sizeof(got), "%s is larger than 9 bytes", path);
	ck_assert_str_eq(err, got);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_str_eq(pl_buf_str(&b), "");
	put("attr", "", 0);
	ck_assert_int_eq(pl_read_trusted(AT_FDCWD, path, &r, &b, NULL, err, sizeof(err)), 0);
	ck_assert_str_eq(pl_buf_str(&b), "");
	/* A file of no size (a /proc file): the buffer grows as it reads. */
	r.cap = (size_t)1 << 20;
	fd = open("/proc/self/status", O_RDONLY);
	ck_assert_int_eq(pl_read_fd(fd, "status", &r, &b, err, sizeof(err)), 0);
	close(fd);
	ck_assert_ptr_nonnull(strstr(pl_buf_str(&b), "Name:"));
	/* A large file: one allocation, and a cap below its size refuses it. */
	memset(big, 'x', sizeof(big));
	put("big", big, sizeof(big));
	pl_snprintf(path, sizeof(path), "%s/big", root);
	ck_assert_int_eq(pl_read_trusted(AT_FDCWD, path, &r, &b, NULL, err, sizeof(err)), 0);
	ck_assert_uint_eq(b.len, sizeof(big));
	fd = open(path, O_RDONLY);
	r.cap = 100000;
	r.flags = 0;
	ck_assert_int_eq(pl_read_fd(fd, "big", &r, &b, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "big is larger than 100000 bytes");
	close(fd);
	/* The file is named while it is read, and the caller's text is back after. */
	pl_timeout_arm(86400, PL_UNKNOWN, "XSVC");
	pl_timeout_waiting("judging");
	ck_assert_int_eq(pl_read_trusted(AT_FDCWD, "/nonexistent", &r, &b, NULL, err,
					 sizeof(err)), -1);
	pl_timeout_message(got, sizeof(got));
	pl_timeout_disarm();
	ck_assert_msg(strstr(got, "while judging") != NULL, "%s", got);
	pl_buf_free(&b);
	drop_root();
}
END_TEST

/* pl_read_at: a /proc file in one piece, a file of several reads, the cap, a missing
 * file and a symlink in the file's place. */
START_TEST(test_read_at)
{
	char dir[] = "/tmp/pl-read-at.XXXXXX", path[64];
	struct pl_buf b = PL_BUF_INIT;
	int pfd, dfd, fd;
	char big[10000];

	pfd = open("/proc/self", O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(pfd, 0);
	ck_assert_int_eq(pl_read_at(pfd, "stat", &b), 0);
	ck_assert(b.len > 20 && b.data[b.len - 1] == '\n');
	ck_assert_uint_eq(strlen(b.data), b.len);
	close(pfd);

	ck_assert_ptr_nonnull(mkdtemp(dir));
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(dfd, 0);
	memset(big, 'x', sizeof(big));
	pl_snprintf(path, sizeof(path), "%s/big", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_eq(pl_write_all(fd, big, sizeof(big)), 0);
	close(fd);
	ck_assert_int_eq(pl_read_at(dfd, "big", &b), 0);
	ck_assert_uint_eq(b.len, sizeof(big));
	b.cap = 5000;
	ck_assert_int_eq(pl_read_at(dfd, "big", &b), -1);
	ck_assert_int_eq(errno, EFBIG);
	ck_assert_uint_eq(b.len, 0);
	b.cap = 0;
	ck_assert_int_eq(pl_read_at(dfd, "none", &b), -1);
	ck_assert_int_eq(errno, ENOENT);
	pl_snprintf(path, sizeof(path), "%s/link", dir);
	ck_assert_int_eq(symlink("big", path), 0);
	ck_assert_int_eq(pl_read_at(dfd, "link", &b), -1);
	ck_assert_int_eq(errno, ELOOP);
	unlink(path);
	/* A FIFO in a kernel file's place: no wait for a writer (the test's timeout
	 * would fail it), read as empty. */
	pl_snprintf(path, sizeof(path), "%s/fifo", dir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_int_eq(pl_read_at(dfd, "fifo", &b), 0);
	ck_assert_uint_eq(b.len, 0);
	unlink(path);
	pl_snprintf(path, sizeof(path), "%s/big", dir);
	unlink(path);
	close(dfd);
	rmdir(dir);
	pl_buf_free(&b);
}
END_TEST

/* pl_open_beneath never follows a link; pl_remove_tree removes a read-only tree and a
 * link in it without touching what the link names. */
START_TEST(test_beneath_and_remove)
{
	char dir[] = "/tmp/pl-beneath.XXXXXX", path[512], err[256];
	int dfd, fd;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	pl_snprintf(path, sizeof(path), "%s/keep", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	pl_snprintf(path, sizeof(path), "%s/keep/precious", dir);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	ck_assert_int_ge(fd, 0);
	close(fd);
	pl_snprintf(path, sizeof(path), "%s/t", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	pl_snprintf(path, sizeof(path), "%s/t/sub", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	pl_snprintf(path, sizeof(path), "%s/t/sub/f", dir);
	fd = open(path, O_WRONLY | O_CREAT, 0400);
	ck_assert_int_ge(fd, 0);
	close(fd);
	pl_snprintf(path, sizeof(path), "%s/t/link", dir);
	ck_assert_int_eq(symlink("../keep", path), 0);
	pl_snprintf(path, sizeof(path), "%s/t/sub", dir);
	ck_assert_int_eq(chmod(path, 0500), 0);
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(dfd, 0);
	fd = pl_open_beneath(dfd, "t/sub/f", O_RDONLY);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(pl_open_beneath(dfd, "t/link/precious", O_RDONLY), -1);
	ck_assert_int_eq(errno, ENOTDIR);
	ck_assert_int_eq(pl_open_beneath(dfd, "t/../keep/precious", O_RDONLY), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(pl_open_beneath(dfd, "/etc/passwd", O_RDONLY), -1);
	ck_assert_int_eq(pl_remove_tree(dfd, "t", err, sizeof(err)), 0);
	ck_assert_int_eq(pl_remove_tree(dfd, "t", err, sizeof(err)), 0);
	pl_snprintf(path, sizeof(path), "%s/keep/precious", dir);
	ck_assert_int_eq(access(path, F_OK), 0);
	ck_assert_int_eq(pl_remove_tree(dfd, "keep", err, sizeof(err)), 0);
	close(dfd);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

TCase *
tc_file(void)
{
	TCase *tc = tcase_create("file");

	tcase_add_loop_test(tc, test_read_small, 0, N(small_cases));
	tcase_add_test(tc, test_read_small_nofollow);
	tcase_add_test(tc, test_read_small_at);
	tcase_add_test(tc, test_read_small_in);
	tcase_add_test(tc, test_waiting_restored);
	tcase_add_test(tc, test_waiting_on);
	tcase_add_test(tc, test_read_at);
	tcase_add_loop_test(tc, test_open_trusted, 0, N(trust_cases));
	tcase_add_test(tc, test_open_trusted_refuses);
	tcase_add_test(tc, test_read_fd);
	tcase_add_test(tc, test_beneath_and_remove);
	return tc;
}
