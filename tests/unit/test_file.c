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
	static const char *const names[] = { "attr", "secret", "name", "label" };
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

TCase *
tc_file(void)
{
	TCase *tc = tcase_create("file");

	tcase_add_loop_test(tc, test_read_small, 0, N(small_cases));
	tcase_add_test(tc, test_read_small_nofollow);
	tcase_add_test(tc, test_waiting_restored);
	tcase_add_test(tc, test_waiting_on);
	return tc;
}
