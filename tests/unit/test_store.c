/* Unit tests of pl_store: the file format (version 3 with its checksum; version 2, read
 * as generation 0; escapes, vectors, lifetimes), the hash-table lookups, every load
 * status, symlinks, the safe_path-like directory checks, the lock, concurrent writers,
 * the two generations kept for rates and the two slots a save alternates between. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pl_buf.h"
#include "pl_file.h"
#include "pl_num.h"
#include "pl_store.h"
#include "pl_text.h"
#include "tests.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define PLUGIN "check_x"
#define KEY "k1"
#define FILE_NAME PLUGIN "-" KEY ".state"

/* The text of a good file, which the corrupt cases below spoil one way each. */
#define HEAD "plumbline-state 2\nplugin " PLUGIN "\nkey " KEY "\nboot_id b1\n"
#define TIMES "time 1 1700000000\nprev_time 0 0\n"
#define GOOD HEAD "time 123.5 1764620000.25\nprev_time 100.25 1764619976.5\n" \
	"c0 % a u 1\nc0 % b t hello%20world\nc0 if eth%200 u 1 2 3\nc1 if eth%200 u 0 1 2\n" \
	"k log cursor t 4711\nend\n"

/* Shorthands for counters of generation 0 without a namespace. */
static int
set_text(struct pl_store *st, const char *name, const char *value)
{
	return pl_store_put(st, PL_STORE_COUNTER, "", name, value);
}

static int
set_u64(struct pl_store *st, const char *name, uint64_t v)
{
	return pl_store_set_vec(st, "", name, &v, 1);
}

static const char *
get_text(const struct pl_store *st, const char *name)
{
	const struct pl_store_entry *e = pl_store_find(st, PL_STORE_GEN_NEW, "", name);

	return e != NULL ? e->text : NULL;
}

static int
get_u64(const struct pl_store *st, const char *name, uint64_t *out)
{
	return pl_store_get_vec(st, PL_STORE_GEN_NEW, "", name, out, 1) == 1 ? 0 : -1;
}

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

/* The store of GOOD, built through the API. */
static void
fill_good(struct pl_store *st)
{
	const uint64_t v3[] = { 1, 2, 3 }, p3[] = { 0, 1, 2 };

	pl_store_init(st, PLUGIN, KEY);
	pl_strlcpy(st->boot_id, "b1", sizeof(st->boot_id));
	st->time = 100.25;
	st->wall = 1764619976.5;
	ck_assert_int_eq(pl_store_set_vec(st, "if", "eth 0", p3, 3), 0);
	pl_store_rotate(st, 123.5, 1764620000.25);
	ck_assert_int_eq(set_u64(st, "a", 1), 0);
	ck_assert_int_eq(set_text(st, "b", "hello world"), 0);
	ck_assert_int_eq(pl_store_set_vec(st, "if", "eth 0", v3, 3), 0);
	ck_assert_int_eq(pl_store_keep(st, "log", "cursor", "4711"), 0);
}

START_TEST(test_store_format)
{
	struct pl_store st;
	struct pl_buf b = PL_BUF_INIT;

	static const char body[] = "plumbline-state 3\ngen 7\nplugin " PLUGIN "\nkey " KEY
		"\nboot_id b1\ntime 123.5 1764620000.25\nprev_time 100.25 1764619976.5\n"
		"c1 if eth%200 u 0 1 2\nc0 % a u 1\nc0 % b t hello%20world\n"
		"c0 if eth%200 u 1 2 3\nk log cursor t 4711\n";
	char end[32];

	fill_good(&st);
	st.gen = 7;
	pl_store_format(&st, &b);
	/* The rotated generation comes first: it was set first. The last line is the
	 * XXH64 of all before it. */
	pl_snprintf(end, sizeof(end), "end %016llx\n",
		    (unsigned long long)pl_xxh64(body, strlen(body), 0));
	ck_assert_uint_eq(b.len, strlen(body) + strlen(end));
	ck_assert(memcmp(b.data, body, strlen(body)) == 0);
	ck_assert_str_eq(b.data + strlen(body), end);
	pl_buf_free(&b);
	pl_store_free(&st);
}
END_TEST

/* Names and texts of any bytes but NUL come back as they were. */
static const char *const odd_names[] = {
	"eth0", "a b", "tab\there", "new\nline", "cr\r", "100%", "%41", "\x01\x7f\x80\xff",
	" ", "  lead", "trail ", "=;'|", "%", "%%", "\xc3\xa9t\xc3\xa9", "x",
};

START_TEST(test_store_round_trip)
{
	struct pl_store st, back;
	struct pl_buf b = PL_BUF_INIT;
	char err[256] = "";
	const uint64_t big[] = { UINT64_MAX, 0, 42 };
	uint64_t out[PL_STORE_VEC_MAX], u;
	bool old = true;

	pl_store_init(&st, PLUGIN, KEY);
	pl_strlcpy(st.boot_id, "7aeaabb5-bc9e-42fe-9a39-a4490ef671db", sizeof(st.boot_id));
	st.time = 86400.125;
	st.wall = 1764620000.5;
	for (int i = 0; i < N(odd_names); i++) {
		uint64_t v = (uint64_t)i;

		ck_assert_int_eq(pl_store_set_vec(&st, "if", odd_names[i], &v, 1), 0);
		ck_assert_int_eq(pl_store_keep(&st, odd_names[i], "mark", odd_names[i]), 0);
	}
	ck_assert_int_eq(set_text(&st, "empty", ""), 0);
	ck_assert_int_eq(pl_store_set_vec(&st, "", "", NULL, 0), 0);
	ck_assert_int_eq(pl_store_set_vec(&st, "v", "big", big, 3), 0);
	ck_assert_int_eq(set_text(&st, "spaces", "  a  b  "), 0);
	pl_store_format(&st, &b);

	pl_store_init(&back, PLUGIN, KEY);
	ck_assert_msg(pl_store_parse(b.data, b.len, &back, 0, &old, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert(!old);
	ck_assert_str_eq(back.boot_id, st.boot_id);
	ck_assert_double_eq(back.time, 86400.125);
	ck_assert_double_eq(back.wall, 1764620000.5);
	ck_assert_double_eq(back.prev_time, 0);
	ck_assert_uint_eq(back.n, st.n);
	for (int i = 0; i < N(odd_names); i++) {
		ck_assert_int_eq(pl_store_get_vec(&back, PL_STORE_GEN_NEW, "if", odd_names[i], out,
						  PL_STORE_VEC_MAX), 1);
		ck_assert_uint_eq(out[0], (uint64_t)i);
		ck_assert_str_eq(pl_store_kept(&back, odd_names[i], "mark"), odd_names[i]);
	}
	ck_assert_str_eq(get_text(&back, "empty"), "");
	ck_assert_str_eq(get_text(&back, "spaces"), "  a  b  ");
	ck_assert_int_eq(pl_store_get_vec(&back, PL_STORE_GEN_NEW, "", "", out, 1), 0);
	ck_assert_int_eq(pl_store_get_vec(&back, PL_STORE_GEN_NEW, "v", "big", out, 3), 3);
	ck_assert_uint_eq(out[0], UINT64_MAX);
	ck_assert_uint_eq(out[2], 42);
	ck_assert_int_eq(get_u64(&back, "empty", &u), -1);
	ck_assert_ptr_null(get_text(&back, "nothing"));
	/* The file holds no raw blank, control or high byte inside a field. */
	for (size_t i = 0; i < b.len; i++)
		ck_assert(b.data[i] == '\n' || b.data[i] == ' ' ||
			  (b.data[i] > ' ' && b.data[i] < 0x7f));
	/* An empty boot id (a kernel that does not say) survives too. */
	st.boot_id[0] = '\0';
	pl_buf_reset(&b);
	pl_store_format(&st, &b);
	ck_assert_int_eq(pl_store_parse(b.data, b.len, &back, 0, NULL, err, sizeof(err)), 0);
	ck_assert_str_eq(back.boot_id, "");
	pl_buf_free(&b);
	pl_store_free(&st);
	pl_store_free(&back);
}
END_TEST

START_TEST(test_store_set_get)
{
	struct pl_store st;
	uint64_t u = 5, v[PL_STORE_VEC_MAX + 1] = { 0 }, out[4];
	const struct pl_store_entry *e;
	size_t pos;
	int n;

	pl_store_init(&st, PLUGIN, KEY);
	/* Too many numbers, too long a name or text */
	ck_assert_int_eq(pl_store_set_vec(&st, "x", "y", v, PL_STORE_VEC_MAX + 1), -1);
	{
		char longname[2000];

		memset(longname, 'a', sizeof(longname) - 1);
		longname[sizeof(longname) - 1] = '\0';
		ck_assert_int_eq(set_text(&st, longname, "x"), -1);
		ck_assert_int_eq(pl_store_set_vec(&st, longname, "x", v, 1), -1);
	}
	ck_assert_uint_eq(st.n, 0);
	/* Setting twice replaces, in place. */
	ck_assert_int_eq(set_text(&st, "a", "1"), 0);
	ck_assert_int_eq(set_text(&st, "z", "0"), 0);
	ck_assert_int_eq(set_text(&st, "a", "2"), 0);
	ck_assert_uint_eq(st.n, 2);
	ck_assert_str_eq(st.v[0].name, "a");
	ck_assert_str_eq(get_text(&st, "a"), "2");
	ck_assert_int_eq(get_u64(&st, "a", &u), -1);   /* a text, not a number */
	ck_assert_int_eq(set_u64(&st, "a", 2), 0);
	ck_assert_int_eq(get_u64(&st, "a", &u), 0);
	ck_assert_uint_eq(u, 2);
	ck_assert_ptr_null(get_text(&st, "a"));             /* a number, not a text */
	ck_assert_int_eq(get_u64(&st, "missing", &u), -1);
	/* Namespaces keep names apart; a vector longer than asked is not copied. */
	v[0] = 7;
	v[1] = 8;
	ck_assert_int_eq(pl_store_set_vec(&st, "if", "a", v, 2), 0);
	ck_assert_int_eq(pl_store_set_vec(&st, "i", "fa", v, 1), 0);
	ck_assert_int_eq(pl_store_get_vec(&st, 0, "if", "a", out, 1), -1);
	ck_assert_int_eq(pl_store_get_vec(&st, 0, "if", "a", out, 4), 2);
	ck_assert_uint_eq(out[1], 8);
	ck_assert_int_eq(pl_store_get_vec(&st, 0, "i", "fa", out, 4), 1);
	ck_assert_int_eq(pl_store_get_vec(&st, 1, "if", "a", out, 4), -1);
	ck_assert_int_eq(get_u64(&st, "a", &u), 0);
	ck_assert_uint_eq(u, 2);
	/* Kept and counter entries of one name: the later replaces. */
	ck_assert_int_eq(pl_store_keep(&st, "if", "a", "seen"), 0);
	ck_assert_str_eq(pl_store_kept(&st, "if", "a"), "seen");
	ck_assert_int_eq(pl_store_get_vec(&st, 0, "if", "a", out, 4), -1);
	ck_assert_ptr_null(pl_store_kept(&st, "", "z"));         /* a counter, not kept */
	/* Walking a namespace */
	ck_assert_int_eq(pl_store_set_vec(&st, "if", "b", v, 1), 0);
	pos = 0;
	n = 0;
	while ((e = pl_store_next(&st, 0, "if", &pos)) != NULL) {
		ck_assert_str_eq(e->ns, "if");
		n++;
	}
	ck_assert_int_eq(n, 2);
	/* Removing */
	pl_store_del(&st, 0, "if", "a");
	ck_assert_ptr_null(pl_store_find(&st, 0, "if", "a"));
	ck_assert_ptr_nonnull(pl_store_find(&st, 0, "if", "b"));
	ck_assert_ptr_nonnull(pl_store_find(&st, 0, "i", "fa"));
	pl_store_del(&st, 0, "if", "nothing");
	/* Many entries: the table grows, every one is found. */
	for (int i = 0; i < 100000; i++) {
		char name[32];

		pl_snprintf(name, sizeof(name), "n%d", i);
		ck_assert_int_eq(set_u64(&st, name, (uint64_t)i * 3), 0);
	}
	for (int i = 0; i < 100000; i += 997) {
		char name[32];

		pl_snprintf(name, sizeof(name), "n%d", i);
		ck_assert_int_eq(get_u64(&st, name, &u), 0);
		ck_assert_uint_eq(u, (uint64_t)i * 3);
	}
	pl_store_clear(&st);
	ck_assert_uint_eq(st.n, 0);
	ck_assert_ptr_null(pl_store_find(&st, 0, "", "n5"));
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
	{ "no end line", HEAD TIMES "c0 % a u 1\n", 0 },
	{ "cut in a value", HEAD TIMES "c0 % a u 12", 0 },
	{ "cut in the head", "plumbline-state 2\nplugin " PLUGIN "\nke", 0 },
	{ "NUL byte", HEAD TIMES "c0 % a u 1\0\nend\n", sizeof(HEAD TIMES) + 11 },
	{ "future version", "plumbline-state 3\nplugin " PLUGIN "\nkey " KEY
	  "\nboot_id b1\n" TIMES "end\n", 0 },
	{ "version not a number", "plumbline-state x\nplugin " PLUGIN "\nkey " KEY
	  "\nboot_id b1\n" TIMES "end\n", 0 },
	{ "other plugin", "plumbline-state 2\nplugin check_y\nkey " KEY
	  "\nboot_id b1\n" TIMES "end\n", 0 },
	{ "other key", "plumbline-state 2\nplugin " PLUGIN "\nkey k2\nboot_id b1\n" TIMES
	  "end\n", 0 },
	{ "bad time", HEAD "time -1 0\nprev_time 0 0\nend\n", 0 },
	{ "time not a number", HEAD "time nan 0\nprev_time 0 0\nend\n", 0 },
	{ "time without wall clock", HEAD "time 1\nprev_time 0 0\nend\n", 0 },
	{ "no prev_time", HEAD "time 1 0\nend\n", 0 },
	{ "unknown kind", HEAD TIMES "x % a u 1\nend\n", 0 },
	{ "generation 2", HEAD TIMES "c2 % a u 1\nend\n", 0 },
	{ "no value type", HEAD TIMES "c0 % a\nend\n", 0 },
	{ "unknown value type", HEAD TIMES "c0 % a x 1\nend\n", 0 },
	{ "text without text", HEAD TIMES "c0 % a t\nend\n", 0 },
	{ "two texts", HEAD TIMES "c0 % a t x y\nend\n", 0 },
	{ "not a number", HEAD TIMES "c0 % a u 1 x\nend\n", 0 },
	{ "negative number", HEAD TIMES "c0 % a u -1\nend\n", 0 },
	{ "number too big", HEAD TIMES "c0 % a u 18446744073709551616\nend\n", 0 },
	{ "double blank", HEAD TIMES "c0 % a u 1  2\nend\n", 0 },
	{ "trailing blank", HEAD TIMES "c0 % a u 1 \nend\n", 0 },
	{ "tab", HEAD TIMES "c0\t% a u 1\nend\n", 0 },
	{ "empty name unescaped", HEAD TIMES "c0 %  u 1\nend\n", 0 },
	{ "bad escape", HEAD TIMES "c0 % a%2 u 1\nend\n", 0 },
	{ "lower-case escape", HEAD TIMES "c0 % a%2f u 1\nend\n", 0 },
	{ "escaped NUL", HEAD TIMES "c0 % a%00 u 1\nend\n", 0 },
	{ "needless escape", HEAD TIMES "c0 % %61 u 1\nend\n", 0 },
	{ "raw high byte", HEAD TIMES "c0 % \xc3\xa9 u 1\nend\n", 0 },
	{ "kept entry of generation 1", HEAD TIMES "k1 % a t x\nend\n", 0 },
	{ "an entry twice", HEAD TIMES "c0 % a u 1\nc0 % a u 2\nend\n", 0 },
	{ "too many numbers", HEAD TIMES "c0 % a u 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 "
	  "0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 "
	  "0 1 2 3 4\nend\n", 0 },
	{ "data after end", HEAD TIMES "end\nc0 % a u 1\n", 0 },
	{ "CRLF", "plumbline-state 2\r\nplugin " PLUGIN "\r\nkey " KEY "\r\nboot_id b1\r\n"
	  "time 1 0\r\nprev_time 0 0\r\nend\r\n", 0 },
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
	ck_assert_int_eq(set_text(&st, "stale", "1"), 0);
	ck_assert_msg(pl_store_load(fd, &st, "b1", 0, why, sizeof(why)) == PL_STORE_CORRUPT,
		      "%s: not CORRUPT (%s)", corrupt_cases[_i].what, why);
	ck_assert_msg(why[0] != '\0', "%s: no reason", corrupt_cases[_i].what);
	ck_assert_uint_eq(st.n, 0);
	/* The pure parser says the same. */
	ck_assert_int_eq(pl_store_parse(corrupt_cases[_i].text, len, &st, 0, NULL, err,
					sizeof(err)), -1);
	ck_assert(err[0] != '\0');
	ck_assert_uint_eq(st.n, 0);
	/* A later save replaces the file. */
	ck_assert_int_eq(set_text(&st, "a", "42"), 0);
	pl_strlcpy(st.boot_id, "b1", sizeof(st.boot_id));
	st.time = 10;
	ck_assert_msg(pl_store_save(fd, &st, err, sizeof(err)) == 0, "%s", err);
	pl_store_clear(&st);
	ck_assert_int_eq(pl_store_load(fd, &st, "b1", 0, why, sizeof(why)), PL_STORE_LOADED);
	ck_assert_str_eq(get_text(&st, "a"), "42");
	pl_store_free(&st);
	close(fd);
	rm_dir(dir);
}
END_TEST

/* A file of the first format is treated as missing (status OLD, with a reason for -v)
 * and replaced by the next save. */
START_TEST(test_store_old_version)
{
	static const char v1[] = "plumbline-state 1\nplugin " PLUGIN "\nkey " KEY
		"\nboot_id b1\ntime 123.5\nprev_time 100.25\nv a 1\nend\n";
	struct pl_store st;
	char dir[64], why[512] = "", err[512] = "", text[512];
	bool old = false;
	int fd;

	make_dir(dir, sizeof(dir));
	fd = open_dir(dir);
	write_file(dir, FILE_NAME, v1, strlen(v1));
	pl_store_init(&st, PLUGIN, KEY);
	ck_assert_int_eq(pl_store_load(fd, &st, "b1", 0, why, sizeof(why)), PL_STORE_OLD);
	ck_assert_ptr_nonnull(strstr(why, "older"));
	ck_assert_uint_eq(st.n, 0);
	ck_assert_int_eq(pl_store_parse(v1, strlen(v1), &st, 0, &old, err, sizeof(err)), -1);
	ck_assert(old);
	pl_strlcpy(st.boot_id, "b1", sizeof(st.boot_id));
	ck_assert_int_eq(set_u64(&st, "a", 2), 0);
	ck_assert_msg(pl_store_save(fd, &st, err, sizeof(err)) == 0, "%s", err);
	read_text(dir, FILE_NAME, text, sizeof(text));
	ck_assert(strncmp(text, "plumbline-state 3\n", 18) == 0);
	ck_assert_int_eq(pl_store_load(fd, &st, "b1", 0, why, sizeof(why)), PL_STORE_LOADED);
	pl_store_free(&st);
	close(fd);
	rm_dir(dir);
}
END_TEST

START_TEST(test_store_states)
{
	struct pl_store st, other;
	char dir[64], why[512] = "", err[512] = "";
	uint64_t u;
	int fd;

	make_dir(dir, sizeof(dir));
	fd = open_dir(dir);
	pl_store_init(&st, PLUGIN, KEY);
	ck_assert_int_eq(pl_store_load(fd, &st, "b1", 0, why, sizeof(why)), PL_STORE_MISSING);
	ck_assert(why[0] != '\0');

	pl_strlcpy(st.boot_id, "b1", sizeof(st.boot_id));
	st.time = 50;
	st.prev_time = 40;
	st.wall = 1700000050;
	ck_assert_int_eq(set_u64(&st, "ticks", 1234), 0);
	ck_assert_int_eq(pl_store_keep(&st, "log", "cursor", "inode 5 offset 77"), 0);
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
	ck_assert_int_eq(pl_store_load(fd, &st, "b1", 0, why, sizeof(why)), PL_STORE_LOADED);
	ck_assert_int_eq(get_u64(&st, "ticks", &u), 0);
	ck_assert_uint_eq(u, 1234);
	ck_assert_double_eq(st.time, 50);
	ck_assert_double_eq(st.prev_time, 40);
	ck_assert_double_eq(st.wall, 1700000050);

	/* Another boot: the counters are dropped, the kept entries and wall clock stay. */
	ck_assert_int_eq(pl_store_load(fd, &st, "b2", 0, why, sizeof(why)), PL_STORE_REBOOTED);
	ck_assert_uint_eq(st.n, 1);
	ck_assert_int_eq(get_u64(&st, "ticks", &u), -1);
	ck_assert_str_eq(pl_store_kept(&st, "log", "cursor"), "inode 5 offset 77");
	ck_assert_double_eq(st.time, 0);
	ck_assert_double_eq(st.wall, 1700000050);
	ck_assert(why[0] != '\0');

	/* Another key or plugin has its own file. */
	pl_store_init(&other, PLUGIN, "k2");
	ck_assert_int_eq(pl_store_load(fd, &other, "b1", 0, why, sizeof(why)), PL_STORE_MISSING);
	pl_store_free(&other);
	pl_store_init(&other, "check_y", KEY);
	ck_assert_int_eq(pl_store_load(fd, &other, "b1", 0, why, sizeof(why)), PL_STORE_MISSING);
	pl_store_free(&other);

	pl_store_free(&st);
	close(fd);
	rm_dir(dir);
}
END_TEST

/* A file too slow to parse within the budget is discarded like a corrupt one, so that
 * the run goes on to save a new one: never a file that times out every run. */
START_TEST(test_store_budget)
{
	struct pl_store st;
	struct pl_buf b = PL_BUF_INIT;
	char err[256] = "";

	pl_store_init(&st, PLUGIN, KEY);
	for (int i = 0; i < 50000; i++) {
		char name[32];

		pl_snprintf(name, sizeof(name), "n%d", i);
		ck_assert_int_eq(set_u64(&st, name, (uint64_t)i), 0);
	}
	pl_store_format(&st, &b);
	ck_assert_int_eq(pl_store_parse(b.data, b.len, &st, 1e-9, NULL, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "took more than"));
	ck_assert_uint_eq(st.n, 0);
	ck_assert_int_eq(pl_store_parse(b.data, b.len, &st, 10, NULL, err, sizeof(err)), 0);
	ck_assert_uint_eq(st.n, 50000);
	pl_buf_free(&b);
	pl_store_free(&st);
}
END_TEST

START_TEST(test_store_symlink)
{
	struct pl_store st;
	char dir[64], link[256], target[256], text[512], why[512] = "", err[512] = "";
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
	ck_assert_int_eq(pl_store_load(fd, &st, "b1", 0, why, sizeof(why)), PL_STORE_CORRUPT);
	ck_assert_uint_eq(st.n, 0);
	ck_assert(why[0] != '\0');
	read_text(dir, "target", text, sizeof(text));
	ck_assert_str_eq(text, GOOD);

	/* Saving replaces the link itself; the target is untouched. */
	pl_strlcpy(st.boot_id, "b1", sizeof(st.boot_id));
	ck_assert_int_eq(set_text(&st, "mine", "1"), 0);
	ck_assert_msg(pl_store_save(fd, &st, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(lstat(link, &sb), 0);
	ck_assert(S_ISREG(sb.st_mode));
	read_text(dir, "target", text, sizeof(text));
	ck_assert_str_eq(text, GOOD);
	ck_assert_int_eq(pl_store_load(fd, &st, "b1", 0, why, sizeof(why)), PL_STORE_LOADED);
	ck_assert_str_eq(get_text(&st, "mine"), "1");

	/* A dangling link: neither followed nor created through. */
	unlink(link);
	ck_assert_int_eq(symlink("/tmp/pl-unit-store-nonexistent-target", link), 0);
	ck_assert_int_eq(pl_store_load(fd, &st, "b1", 0, why, sizeof(why)), PL_STORE_CORRUPT);
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
	ck_assert_int_eq(pl_store_load(fd, &st, "b1", 0, why, sizeof(why)), PL_STORE_CORRUPT);
	unlink(path);
	/* A directory in place of the file */
	ck_assert_int_eq(mkdir(path, 0700), 0);
	ck_assert_int_eq(pl_store_load(fd, &st, "b1", 0, why, sizeof(why)), PL_STORE_CORRUPT);
	rmdir(path);
	pl_store_free(&st);
	close(fd);
	rm_dir(dir);
}
END_TEST

/* pl_store_dir_open(path) fails and says something containing part. */
static void
refused(const char *path, const char *part)
{
	char resolved[4096], err[1024] = "";
	int fd = pl_store_dir_open(path, resolved, sizeof(resolved), err, sizeof(err));

	if (fd >= 0)
		close(fd);
	ck_assert_msg(fd < 0, "%s was accepted", path);
	ck_assert_msg(strstr(err, part) != NULL, "%s: [%s] does not say [%s]", path, err, part);
}

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
	refused(sub, sub);
	ck_assert_int_eq(chmod(sub, 0770), 0);
	refused(sub, sub);
	ck_assert_int_eq(chmod(sub, 0755), 0);
	fd = open_dir(sub);
	close(fd);

	/* Owned by someone else (needs root to set up) */
	if (geteuid() == 0) {
		ck_assert_int_eq(chmod(sub, 0700), 0);
		ck_assert_int_eq(chown(sub, 65534, 65534), 0);
		refused(sub, sub);
		ck_assert_int_eq(chown(sub, 0, 0), 0);
	}

	/* A symlink to a good directory is refused. */
	pl_snprintf(link, sizeof(link), "%s/link", dir);
	ck_assert_int_eq(symlink(sub, link), 0);
	refused(link, "symlink");
	unlink(link);

	/* A parent that does not exist */
	pl_snprintf(link, sizeof(link), "%s/no/such", dir);
	err[0] = '\0';
	ck_assert_int_eq(pl_store_dir_open(link, resolved, sizeof(resolved), err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "no/such"));

	/* A relative path */
	refused("state", "absolute");
	refused("./state", "absolute");

	rmdir(sub);
	rm_dir(dir);
}
END_TEST

/* The last component, however spelled, is not a symlink: "link/", "link/.", "link//",
 * "link/./" all name the link's target to open(2) with O_NOFOLLOW. Each would have let
 * a planted link send a root-run check's files into /etc. */
static const char *const spellings[] = { "", "/", "/.", "//", "/./", "/.//", "//.", "/./." };

START_TEST(test_store_dir_trailing)
{
	char dir[64], target[256], path[512];

	make_dir(dir, sizeof(dir));
	pl_snprintf(target, sizeof(target), "%s/target", dir);
	ck_assert_int_eq(mkdir(target, 0700), 0);
	pl_snprintf(path, sizeof(path), "%s/link", dir);
	ck_assert_int_eq(symlink(target, path), 0);
	pl_snprintf(path, sizeof(path), "%s/link%s", dir, spellings[_i]);
	refused(path, "symlink");
	/* The real directory, spelled so, is fine. */
	pl_snprintf(path, sizeof(path), "%s/target%s", dir, spellings[_i]);
	{
		char resolved[4096], err[1024] = "";
		int fd = pl_store_dir_open(path, resolved, sizeof(resolved), err, sizeof(err));

		ck_assert_msg(fd >= 0, "%s: %s", path, err);
		close(fd);
	}
	pl_snprintf(path, sizeof(path), "%s/link", dir);
	unlink(path);
	rmdir(target);
	rm_dir(dir);
}
END_TEST

/* The directories above: like OpenSSH's safe_path(). */
START_TEST(test_store_dir_parents)
{
	char dir[64], mid[256], path[512], real[256];
	int fd;

	make_dir(dir, sizeof(dir));
	pl_snprintf(mid, sizeof(mid), "%s/mid", dir);
	ck_assert_int_eq(mkdir(mid, 0755), 0);
	pl_snprintf(path, sizeof(path), "%s/state", mid);
	/* A parent writable by others or by the group: whoever can write there could
	 * replace "state" with a link. */
	ck_assert_int_eq(chmod(mid, 0777), 0);
	refused(path, "writable by others");
	ck_assert_int_eq(chmod(mid, 0775), 0);
	refused(path, "writable by its group");
	/* Sticky and writable by all, like /tmp: fine while the entry is ours. */
	ck_assert_int_eq(chmod(mid, 01777), 0);
	fd = open_dir(path);
	close(fd);
	ck_assert_int_eq(chmod(mid, 0755), 0);
	rmdir(path);

	/* A symlinked parent made by someone trusted (an admin's /var/lib -> /data/lib)
	 * is followed, and its target is checked the same way. */
	pl_snprintf(real, sizeof(real), "%s/real", dir);
	ck_assert_int_eq(mkdir(real, 0755), 0);
	pl_snprintf(path, sizeof(path), "%s/lib", mid);
	ck_assert_int_eq(symlink("../real", path), 0);
	pl_snprintf(path, sizeof(path), "%s/lib/state", mid);
	fd = open_dir(path);
	close(fd);
	pl_snprintf(path, sizeof(path), "%s/state", real);
	ck_assert_int_eq(access(path, F_OK), 0);
	rmdir(path);
	/* ... but not when its target lies below a directory others can write to. */
	{
		char open_dir_[256], target[512], link2[512];

		pl_snprintf(open_dir_, sizeof(open_dir_), "%s/open", dir);
		ck_assert_int_eq(mkdir(open_dir_, 0777), 0);
		ck_assert_int_eq(chmod(open_dir_, 0777), 0);
		pl_snprintf(target, sizeof(target), "%s/real", open_dir_);
		ck_assert_int_eq(mkdir(target, 0755), 0);
		pl_snprintf(link2, sizeof(link2), "%s/lib2", mid);
		ck_assert_int_eq(symlink(target, link2), 0);
		pl_snprintf(path, sizeof(path), "%s/lib2/state", mid);
		refused(path, "writable by others");
		unlink(link2);
		rmdir(target);
		rmdir(open_dir_);
	}

	if (geteuid() == 0) {
		/* A parent of another user (they could swap what is below) */
		ck_assert_int_eq(chown(mid, 65534, 65534), 0);
		pl_snprintf(path, sizeof(path), "%s/state", mid);
		refused(path, "belongs to uid 65534");
		ck_assert_int_eq(chown(mid, 0, 0), 0);
		/* In a sticky directory, an entry of another user is not used. */
		ck_assert_int_eq(chmod(mid, 01777), 0);
		pl_snprintf(path, sizeof(path), "%s/theirs", mid);
		ck_assert_int_eq(mkdir(path, 0700), 0);
		ck_assert_int_eq(chown(path, 65534, 65534), 0);
		refused(path, "belongs to uid 65534");
		rmdir(path);
		/* ... nor a symlink of theirs there */
		ck_assert_int_eq(symlink(real, path), 0);
		ck_assert_int_eq(lchown(path, 65534, 65534), 0);
		pl_snprintf(path, sizeof(path), "%s/theirs/state", mid);
		refused(path, "belongs to uid 65534");
		pl_snprintf(path, sizeof(path), "%s/theirs", mid);
		unlink(path);
		ck_assert_int_eq(chmod(mid, 0755), 0);
	}
	pl_snprintf(path, sizeof(path), "%s/lib", mid);
	unlink(path);
	rmdir(real);
	rmdir(mid);
	rm_dir(dir);
}
END_TEST

/* PLUMBLINE_STATE_DIR is not taken by a privileged run: whoever set the environment of
 * a sudo or pkexec run (or of a setuid program) is not who it runs as. */
static const char *const priv_vars[] = { "SUDO_UID", "PKEXEC_UID", "DOAS_USER" };

START_TEST(test_store_dir_env_privileged)
{
	char dir[64], resolved[4096], err[1024] = "";
	int fd;

	if (geteuid() != 0)
		return;      /* the variables mark privilege only for root */
	make_dir(dir, sizeof(dir));
	setenv("PLUMBLINE_STATE_DIR", dir, 1);
	unsetenv("SUDO_UID");
	unsetenv("PKEXEC_UID");
	unsetenv("DOAS_USER");
	fd = pl_store_dir_open(NULL, resolved, sizeof(resolved), err, sizeof(err));
	ck_assert_msg(fd >= 0, "%s", err);
	ck_assert_str_eq(resolved, dir);
	close(fd);
	setenv(priv_vars[_i], "1000", 1);
	ck_assert(pl_privileged());
	fd = pl_store_dir_open(NULL, resolved, sizeof(resolved), err, sizeof(err));
	if (fd >= 0)
		close(fd);
	ck_assert_str_ne(resolved, dir);
	unsetenv(priv_vars[_i]);
	unsetenv("PLUMBLINE_STATE_DIR");
	rm_dir(dir);
}
END_TEST

/* Any uid: a variable naming a caller other than the real user marks privilege (sudo -u
 * nagios runs as nagios, not root), one naming the real user does not. */
START_TEST(test_privileged_other_caller)
{
	const struct passwd *pw = getpwuid(getuid());
	char me[32], other[32];

	pl_snprintf(me, sizeof(me), "%u", (unsigned)getuid());
	pl_snprintf(other, sizeof(other), "%u", (unsigned)getuid() + 1);
	for (size_t i = 0; i < N(priv_vars); i++)
		unsetenv(priv_vars[i]);
	ck_assert(!pl_privileged());
	for (size_t i = 0; i < 2; i++) {
		setenv(priv_vars[i], me, 1);
		ck_assert_msg(!pl_privileged(), "%s of the real user", priv_vars[i]);
		setenv(priv_vars[i], other, 1);
		ck_assert_msg(pl_privileged(), "%s of another user", priv_vars[i]);
		setenv(priv_vars[i], "not-a-uid", 1);
		ck_assert_msg(pl_privileged(), "%s that names no uid", priv_vars[i]);
		unsetenv(priv_vars[i]);
	}
	if (pw != NULL) {
		setenv("DOAS_USER", pw->pw_name, 1);
		ck_assert(!pl_privileged());
	}
	setenv("DOAS_USER", "no-such-user-plumbline", 1);
	ck_assert(pl_privileged());
	unsetenv("DOAS_USER");
}
END_TEST

/* The lock: a second taker waits, and gives up after its wait. */
START_TEST(test_store_lock)
{
	struct pl_store st;
	char dir[64], err[512] = "";
	int fd, lk, pfd[2];
	pid_t kid;
	struct timespec t0, t1;
	double waited;

	make_dir(dir, sizeof(dir));
	fd = open_dir(dir);
	pl_store_init(&st, PLUGIN, KEY);
	ck_assert_int_eq(pipe(pfd), 0);
	kid = fork();
	ck_assert_int_ge(kid, 0);
	if (kid == 0) {
		int l = pl_store_lock(fd, &st, 1, err, sizeof(err));
		struct timespec nap = { 0, 400000000 };

		if (write(pfd[1], l >= 0 ? "y" : "n", 1) != 1)
			_exit(2);
		nanosleep(&nap, NULL);
		_exit(l >= 0 ? 0 : 1);
	}
	{
		char c = 0;

		ck_assert_int_eq(read(pfd[0], &c, 1), 1);
		ck_assert_int_eq(c, 'y');
	}
	/* Held by the child: a short wait fails, saying so. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	lk = pl_store_lock(fd, &st, 0.05, err, sizeof(err));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ck_assert_int_eq(lk, -1);
	ck_assert_int_eq(errno, EWOULDBLOCK);
	ck_assert_ptr_nonnull(strstr(err, "another run"));
	waited = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	ck_assert(waited >= 0.05 && waited < 0.3);
	/* A longer wait gets it once the child is done. */
	lk = pl_store_lock(fd, &st, 5, err, sizeof(err));
	ck_assert_msg(lk >= 0, "%s", err);
	{
		int status;

		ck_assert_int_eq(waitpid(kid, &status, 0), kid);
		ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	close(lk);
	/* The lock file stays (removing it would race with a waiter). */
	ck_assert_int_eq(count_entries(dir, PLUGIN "-" KEY ".lock"), 1);
	close(pfd[0]);
	close(pfd[1]);
	pl_store_free(&st);
	close(fd);
	rm_dir(dir);
}
END_TEST

/* Read-modify-write by concurrent processes under the lock, as pl_plugin_store_load ..
 * save do: no update is lost, so no two runs ever take the same interval (or the same
 * lines of a log). Without the lock, two would load the same value and one increment
 * would vanish. */
START_TEST(test_store_lock_rmw)
{
	enum { KIDS = 8, ROUNDS = 25 };
	struct pl_store st;
	char dir[64], why[512] = "";
	pid_t kids[KIDS];
	uint64_t n = 0;
	int fd;

	make_dir(dir, sizeof(dir));
	fd = open_dir(dir);
	for (int k = 0; k < KIDS; k++) {
		kids[k] = fork();
		ck_assert_int_ge(kids[k], 0);
		if (kids[k] != 0)
			continue;
		for (int i = 0; i < ROUNDS; i++) {
			struct pl_store s;
			char err[512];
			const char *cur;
			uint64_t v = 0;
			int lk;

			pl_store_init(&s, PLUGIN, KEY);
			lk = pl_store_lock(fd, &s, 20, err, sizeof(err));
			if (lk < 0)
				_exit(1);
			pl_store_load(fd, &s, "b1", 0, err, sizeof(err));
			cur = pl_store_kept(&s, "log", "lines");
			if (cur != NULL && pl_parse_u64(cur, UINT64_MAX, &v) != 0)
				_exit(2);
			{
				char num[32];
				struct timespec nap = { 0, 200000 };

				nanosleep(&nap, NULL);   /* widen the window a race would need */
				pl_snprintf(num, sizeof(num), "%llu", (unsigned long long)v + 1);
				pl_store_keep(&s, "log", "lines", num);
			}
			pl_strlcpy(s.boot_id, "b1", sizeof(s.boot_id));
			if (pl_store_save(fd, &s, err, sizeof(err)) != 0)
				_exit(3);
			close(lk);
			pl_store_free(&s);
		}
		_exit(0);
	}
	for (int k = 0; k < KIDS; k++) {
		int status;

		ck_assert_int_eq(waitpid(kids[k], &status, 0), kids[k]);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child %d: %d", k,
			      WEXITSTATUS(status));
	}
	pl_store_init(&st, PLUGIN, KEY);
	ck_assert_int_eq(pl_store_load(fd, &st, "b1", 0, why, sizeof(why)), PL_STORE_LOADED);
	ck_assert_int_eq(pl_parse_u64(pl_store_kept(&st, "log", "lines"), UINT64_MAX, &n), 0);
	ck_assert_uint_eq(n, KIDS * ROUNDS);
	pl_store_free(&st);
	close(fd);
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
					set_u64(&st, name, v);
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
		s = pl_store_load(fd, &st, "b1", 0, why, sizeof(why));
		if (s == PL_STORE_LOADED) {
			uint64_t c0, ci;

			loaded++;
			/* Every value of one file comes from the same save. */
			if (get_u64(&st, "c0", &c0) != 0)
				bad++;
			for (size_t i = 0; i < st.n; i++)
				if (get_u64(&st, st.v[i].name, &ci) != 0 || ci != c0)
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
	/* No temporary file is left behind: only the two slots. */
	ck_assert_int_eq(count_entries(dir, ".tmp"), 0);
	ck_assert_int_eq(count_entries(dir, ""), 2);
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
	ck_assert_int_eq(pl_store_pick(&st, 100.5, 1, &then), PL_STORE_GEN_PREV);
	ck_assert_double_eq(then, 50);
	/* Old enough (the window is inclusive) */
	ck_assert_int_eq(pl_store_pick(&st, 101, 1, &then), PL_STORE_GEN_NEW);
	ck_assert_double_eq(then, 100);
	ck_assert_int_eq(pl_store_pick(&st, 400, 1, &then), PL_STORE_GEN_NEW);
	ck_assert_double_eq(then, 100);
	/* No previous generation: the newest, however recent */
	st.prev_time = 0;
	ck_assert_int_eq(pl_store_pick(&st, 100.5, 1, &then), PL_STORE_GEN_NEW);
	ck_assert_double_eq(then, 100);
	/* A previous generation that is not older is not used. */
	st.prev_time = 100;
	ck_assert_int_eq(pl_store_pick(&st, 100.5, 1, &then), PL_STORE_GEN_NEW);
	pl_store_free(&st);
}
END_TEST

START_TEST(test_store_rotate)
{
	struct pl_store st, back;
	struct pl_buf b = PL_BUF_INIT;
	char err[256] = "";
	uint64_t v[1], out[1];

	pl_store_init(&st, PLUGIN, KEY);
	st.time = 50;
	st.wall = 1000;
	v[0] = 0;
	ck_assert_int_eq(pl_store_set_vec(&st, "x", "a", v, 1), 0);
	ck_assert_int_eq(pl_store_set_vec(&st, "x", "gone", v, 1), 0);
	pl_store_rotate(&st, 100, 1050);
	v[0] = 1;
	ck_assert_int_eq(pl_store_set_vec(&st, "x", "a", v, 1), 0);
	v[0] = 2;
	ck_assert_int_eq(pl_store_set_vec(&st, "x", "b", v, 1), 0);
	ck_assert_int_eq(pl_store_keep(&st, "x", "mark", "kept"), 0);
	pl_store_rotate(&st, 160, 1110);
	ck_assert_double_eq(st.time, 160);
	ck_assert_double_eq(st.prev_time, 100);
	ck_assert_double_eq(st.wall, 1110);
	ck_assert_double_eq(st.prev_wall, 1050);
	ck_assert_uint_eq(st.n, 3);
	ck_assert_int_eq(pl_store_get_vec(&st, PL_STORE_GEN_PREV, "x", "a", out, 1), 1);
	ck_assert_uint_eq(out[0], 1);
	ck_assert_int_eq(pl_store_get_vec(&st, PL_STORE_GEN_PREV, "x", "b", out, 1), 1);
	ck_assert_int_eq(pl_store_get_vec(&st, PL_STORE_GEN_PREV, "x", "gone", out, 1), -1);
	ck_assert_int_eq(pl_store_get_vec(&st, PL_STORE_GEN_NEW, "x", "a", out, 1), -1);
	/* A kept entry has no generations: rotation leaves it. */
	ck_assert_str_eq(pl_store_kept(&st, "x", "mark"), "kept");
	v[0] = 3;
	ck_assert_int_eq(pl_store_set_vec(&st, "x", "a", v, 1), 0);

	/* Both generations survive a save. */
	pl_store_format(&st, &b);
	pl_store_init(&back, PLUGIN, KEY);
	ck_assert_msg(pl_store_parse(b.data, b.len, &back, 0, NULL, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_double_eq(back.prev_time, 100);
	ck_assert_int_eq(pl_store_get_vec(&back, PL_STORE_GEN_PREV, "x", "a", out, 1), 1);
	ck_assert_uint_eq(out[0], 1);
	ck_assert_int_eq(pl_store_get_vec(&back, PL_STORE_GEN_NEW, "x", "a", out, 1), 1);
	ck_assert_uint_eq(out[0], 3);
	/* Rotating again drops the oldest generation. */
	pl_store_rotate(&back, 220, 1170);
	ck_assert_int_eq(pl_store_get_vec(&back, PL_STORE_GEN_PREV, "x", "a", out, 1), 1);
	ck_assert_uint_eq(out[0], 3);
	ck_assert_int_eq(pl_store_get_vec(&back, PL_STORE_GEN_PREV, "x", "b", out, 1), -1);
	ck_assert_uint_eq(back.n, 2);
	/* Dropping the counters (a reboot) keeps the kept entries only. */
	pl_store_drop_counters(&back);
	ck_assert_uint_eq(back.n, 1);
	ck_assert_str_eq(pl_store_kept(&back, "x", "mark"), "kept");
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

static void
touch(const char *path, time_t age)
{
	struct timespec times[2] = { { 0, 0 }, { 0, 0 } };
	int tfd = open(path, O_WRONLY | O_CREAT, 0600);

	ck_assert_int_ge(tfd, 0);
	close(tfd);
	times[0].tv_sec = times[1].tv_sec = time(NULL) - age;
	ck_assert_int_eq(utimensat(AT_FDCWD, path, times, 0), 0);
}

/* A temporary file left by a run stopped between write and rename (at the one name a
 * locked save writes to) is seen by the next save, which then removes this state's
 * temporaries that are a minute old; a younger one (a run still going) is left alone,
 * and the save writes under a name of its own instead. A save that finds no temporary
 * in its way reads no directory (strace: no getdents64). */
START_TEST(test_store_stale_temps)
{
	char dir[64], err[256], fixed[4096], old[4096], young[4096];
	struct pl_store st;
	int fd;

	make_dir(dir, sizeof(dir));
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(fd, 0);
	pl_snprintf(fixed, sizeof(fixed), "%s/." PLUGIN "-" KEY ".state.tmp", dir);
	pl_snprintf(old, sizeof(old), "%s/." PLUGIN "-" KEY ".state.11.22.tmp", dir);
	pl_snprintf(young, sizeof(young), "%s/." PLUGIN "-" KEY ".state.33.44.tmp", dir);
	touch(fixed, 3600);
	touch(old, 3600);
	touch(young, 0);
	/* Saves write the slots in place; a slot that must be replaced (a symlink there)
	 * goes through a temporary. */
	{
		char l0[4096], l1[4096];

		pl_snprintf(l0, sizeof(l0), "%s/" FILE_NAME, dir);
		pl_snprintf(l1, sizeof(l1), "%s/" FILE_NAME ".1", dir);
		ck_assert_int_eq(symlink("/nonexistent", l0), 0);
		ck_assert_int_eq(symlink("/nonexistent", l1), 0);
	}
	pl_store_init(&st, PLUGIN, KEY);
	st.time = 1;
	ck_assert_msg(pl_store_save(fd, &st, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_ne(access(fixed, F_OK), 0);
	ck_assert_int_ne(access(old, F_OK), 0);
	ck_assert_int_eq(access(young, F_OK), 0);
	ck_assert_int_eq(count_entries(dir, ".tmp"), 1);
	/* A young one at the locked name: kept, and the save still lands. */
	touch(fixed, 0);
	st.time = 2;
	ck_assert_msg(pl_store_save(fd, &st, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(access(fixed, F_OK), 0);
	ck_assert_int_eq(count_entries(dir, ".tmp"), 2);
	ck_assert_int_eq(count_entries(dir, PLUGIN "-" KEY ".state"), 4);
	pl_store_free(&st);
	close(fd);
	rm_dir(dir);
}
END_TEST

/* ------------------------------------------------------------------ the two slots */

#define SLOT1 FILE_NAME ".1"

/* Writes a whole slot: the store with one kept text, as generation gen. */
static void
write_slot(const char *dir, const char *name, uint64_t gen, const char *text)
{
	struct pl_store st;
	struct pl_buf b = PL_BUF_INIT;

	pl_store_init(&st, PLUGIN, KEY);
	pl_strlcpy(st.boot_id, "b1", sizeof(st.boot_id));
	st.time = (double)gen + 1;
	st.gen = gen;
	ck_assert_int_eq(pl_store_keep(&st, "t", "v", text), 0);
	pl_store_format(&st, &b);
	write_file(dir, name, b.data, b.len);
	pl_buf_free(&b);
	pl_store_free(&st);
}

/* Loads and says which text it found ("" for none). */
static enum pl_store_status
load_text(int fd, char *out, size_t len, uint64_t *next)
{
	struct pl_store st;
	char why[512] = "";
	enum pl_store_status rc;
	const char *t;

	pl_store_init(&st, PLUGIN, KEY);
	rc = pl_store_load(fd, &st, "b1", 0, why, sizeof(why));
	t = pl_store_kept(&st, "t", "v");
	pl_strlcpy(out, t != NULL ? t : "", len);
	if (next != NULL)
		*next = st.gen;
	ck_assert(rc == PL_STORE_LOADED || why[0] != '\0');
	pl_store_free(&st);
	return rc;
}

static ino_t
inode_of(const char *dir, const char *name)
{
	char full[4096];
	struct stat sb;

	pl_snprintf(full, sizeof(full), "%s/%s", dir, name);
	ck_assert_int_eq(lstat(full, &sb), 0);
	return sb.st_ino;
}

/* Saves alternate between the slots, each written in place (the same file: no rename
 * over an old one), and a load takes the newest. A shorter text cuts the slot to its
 * length. */
START_TEST(test_store_slots_alternate)
{
	struct pl_store st;
	char dir[64], err[256] = "", text[64], full[4096];
	ino_t i0 = 0, i1 = 0;
	uint64_t next;
	struct stat sb;
	int fd;

	make_dir(dir, sizeof(dir));
	fd = open_dir(dir);
	ck_assert_int_eq(load_text(fd, text, sizeof(text), &next), PL_STORE_MISSING);
	ck_assert_uint_eq(next, 0);
	for (int i = 0; i < 6; i++) {
		char v[64];

		pl_store_init(&st, PLUGIN, KEY);
		pl_strlcpy(st.boot_id, "b1", sizeof(st.boot_id));
		ck_assert_int_ne(pl_store_load(fd, &st, "b1", 0, err, sizeof(err)), PL_STORE_CORRUPT);
		ck_assert_uint_eq(st.gen, (uint64_t)i);
		/* Long texts first, then short ones. */
		pl_snprintf(v, sizeof(v), "%d%s", i, i < 3 ? "-a-long-text-that-shrinks-later" : "");
		ck_assert_int_eq(pl_store_keep(&st, "t", "v", v), 0);
		ck_assert_msg(pl_store_save(fd, &st, err, sizeof(err)) == 0, "%s", err);
		pl_store_free(&st);
		ck_assert_int_eq(load_text(fd, text, sizeof(text), NULL), PL_STORE_LOADED);
		ck_assert_str_eq(text, v);
		if (i == 1) {
			i0 = inode_of(dir, FILE_NAME);
			i1 = inode_of(dir, SLOT1);
		}
	}
	ck_assert_uint_eq(inode_of(dir, FILE_NAME), i0);
	ck_assert_uint_eq(inode_of(dir, SLOT1), i1);
	ck_assert_int_eq(count_entries(dir, ""), 2);
	/* Generation 5 is in slot 1, and slot 0 (generation 4, a short text) was cut to
	 * its own length: it ends with its end line. */
	pl_snprintf(full, sizeof(full), "%s/%s", dir, FILE_NAME);
	ck_assert_int_eq(stat(full, &sb), 0);
	{
		char all[1024];
		const char *end;

		read_text(dir, FILE_NAME, all, sizeof(all));
		ck_assert_uint_eq(strlen(all), (size_t)sb.st_size);
		end = strstr(all, "\nend ");
		ck_assert_ptr_nonnull(end);
		ck_assert_uint_eq(strlen(end), 22);
		ck_assert_ptr_nonnull(strstr(all, "gen 4\n"));
		ck_assert_int_eq(sb.st_mode & 0777, 0600);
	}
	close(fd);
	rm_dir(dir);
}
END_TEST

/* A newest slot that is torn (a byte changed while it was written: the checksum does
 * not match) or cut short is never taken: the other slot is, and the next save writes
 * over the torn one. */
static const char *const torn_kinds[] = { "byte", "cut", "tail", "gen" };

START_TEST(test_store_slot_torn)
{
	struct pl_store st;
	char dir[64], full[4096], text[64], err[256] = "", why[512] = "";
	uint64_t next;
	int fd;

	make_dir(dir, sizeof(dir));
	fd = open_dir(dir);
	write_slot(dir, FILE_NAME, 4, "old");
	write_slot(dir, SLOT1, 5, "new");
	ck_assert_int_eq(load_text(fd, text, sizeof(text), &next), PL_STORE_LOADED);
	ck_assert_str_eq(text, "new");
	ck_assert_uint_eq(next, 6);
	pl_snprintf(full, sizeof(full), "%s/%s", dir, SLOT1);
	{
		char all[1024];
		size_t n;

		read_text(dir, SLOT1, all, sizeof(all));
		n = strlen(all);
		if (_i == 0) {
			char *p = strstr(all, "new");

			p[0] = 'N';      /* torn: the old bytes of a page where new ones go */
		} else if (_i == 1) {
			n -= 30;         /* cut: a crash before the end was written */
		} else if (_i == 2) {
			memcpy(all + n, "c0 % x u 1\n", 12);   /* data after the end line */
			n += 11;
		} else {
			char *p = strstr(all, "gen 5");

			p[4] = '7';      /* another generation than the one summed */
		}
		write_file(dir, SLOT1, all, n);
	}
	pl_store_init(&st, PLUGIN, KEY);
	ck_assert_msg(pl_store_load(fd, &st, "b1", 0, why, sizeof(why)) == PL_STORE_LOADED,
		      "slot torn by '%s' not skipped: %s", torn_kinds[_i], why);
	ck_assert_str_eq(pl_store_kept(&st, "t", "v"), "old");
	/* The save goes over the torn slot, as generation 5. */
	ck_assert_uint_eq(st.gen, 5);
	pl_store_keep(&st, "t", "v", "healed");
	ck_assert_msg(pl_store_save(fd, &st, err, sizeof(err)) == 0, "%s", err);
	pl_store_free(&st);
	ck_assert_int_eq(load_text(fd, text, sizeof(text), &next), PL_STORE_LOADED);
	ck_assert_str_eq(text, "healed");
	ck_assert_uint_eq(next, 6);
	read_text(dir, FILE_NAME, text, sizeof(text));
	ck_assert_ptr_nonnull(strstr(text, "gen 4"));
	close(fd);
	rm_dir(dir);
}
END_TEST

/* Both slots unusable: nothing is loaded (CORRUPT, saying why), and the save starts
 * afresh in slot 0, which the next load takes. */
START_TEST(test_store_slots_both_corrupt)
{
	struct pl_store st;
	char dir[64], text[64], err[256] = "", why[512] = "";
	uint64_t next;
	int fd;

	make_dir(dir, sizeof(dir));
	fd = open_dir(dir);
	{
		static const char bad_sum[] = "plumbline-state 3\ngen 2\nend 0000000000000000\n";

		write_file(dir, FILE_NAME, bad_sum, strlen(bad_sum));
	}
	write_file(dir, SLOT1, "garbage\n", 8);
	pl_store_init(&st, PLUGIN, KEY);
	ck_assert_int_eq(pl_store_load(fd, &st, "b1", 0, why, sizeof(why)), PL_STORE_CORRUPT);
	ck_assert_uint_eq(st.n, 0);
	ck_assert_msg(strstr(why, "torn") != NULL || strstr(why, "Plumbline") != NULL, "%s", why);
	ck_assert_uint_eq(st.gen, 0);
	pl_strlcpy(st.boot_id, "b1", sizeof(st.boot_id));
	pl_store_keep(&st, "t", "v", "fresh");
	ck_assert_msg(pl_store_save(fd, &st, err, sizeof(err)) == 0, "%s", err);
	pl_store_free(&st);
	ck_assert_int_eq(load_text(fd, text, sizeof(text), &next), PL_STORE_LOADED);
	ck_assert_str_eq(text, "fresh");
	ck_assert_uint_eq(next, 1);
	/* A whole slot whose generation belongs to the other slot is not taken either. */
	write_slot(dir, SLOT1, 8, "wrong slot");
	ck_assert_int_eq(load_text(fd, text, sizeof(text), &next), PL_STORE_LOADED);
	ck_assert_str_eq(text, "fresh");
	close(fd);
	rm_dir(dir);
}
END_TEST

/* A symlink in place of a slot, to a whole newer state of ours: never followed, neither
 * read nor written through; the save that lands there replaces the link itself. */
START_TEST(test_store_slot_symlink)
{
	struct pl_store st;
	char dir[64], link[4096], target[4096], text[64], before[1024], after[1024];
	char err[256] = "";
	struct stat sb;
	uint64_t next;
	int fd;

	make_dir(dir, sizeof(dir));
	fd = open_dir(dir);
	write_slot(dir, FILE_NAME, 2, "mine");
	write_slot(dir, "target", 9, "planted");
	read_text(dir, "target", before, sizeof(before));
	pl_snprintf(link, sizeof(link), "%s/%s", dir, SLOT1);
	pl_snprintf(target, sizeof(target), "%s/target", dir);
	ck_assert_int_eq(symlink(target, link), 0);
	ck_assert_int_eq(load_text(fd, text, sizeof(text), &next), PL_STORE_LOADED);
	ck_assert_str_eq(text, "mine");
	ck_assert_uint_eq(next, 3);
	pl_store_init(&st, PLUGIN, KEY);
	ck_assert_int_eq(pl_store_load(fd, &st, "b1", 0, err, sizeof(err)), PL_STORE_LOADED);
	pl_store_keep(&st, "t", "v", "saved");
	ck_assert_msg(pl_store_save(fd, &st, err, sizeof(err)) == 0, "%s", err);
	pl_store_free(&st);
	ck_assert_int_eq(lstat(link, &sb), 0);
	ck_assert(S_ISREG(sb.st_mode));
	read_text(dir, "target", after, sizeof(after));
	ck_assert_str_eq(after, before);
	ck_assert_int_eq(load_text(fd, text, sizeof(text), &next), PL_STORE_LOADED);
	ck_assert_str_eq(text, "saved");
	ck_assert_uint_eq(next, 4);
	close(fd);
	rm_dir(dir);
}
END_TEST

/* A version 2 file (the single file, replaced by rename) is read where it lies, as
 * generation 0: the first save puts generation 1 into the other slot, the second takes
 * the old file's place, in the new format. */
START_TEST(test_store_slot_migration)
{
	struct pl_store st;
	char dir[64], text[1024], err[256] = "", why[512] = "";
	int fd;

	make_dir(dir, sizeof(dir));
	fd = open_dir(dir);
	write_file(dir, FILE_NAME, GOOD, strlen(GOOD));
	for (int i = 0; i < 2; i++) {
		pl_store_init(&st, PLUGIN, KEY);
		ck_assert_int_eq(pl_store_load(fd, &st, "b1", 0, why, sizeof(why)), PL_STORE_LOADED);
		ck_assert_str_eq(pl_store_kept(&st, "log", "cursor"), "4711");
		ck_assert_uint_eq(st.gen, (uint64_t)i + 1);
		ck_assert_msg(pl_store_save(fd, &st, err, sizeof(err)) == 0, "%s", err);
		pl_store_free(&st);
		read_text(dir, FILE_NAME, text, sizeof(text));
		ck_assert_str_eq(text, i == 0 ? GOOD : text);
		if (i == 1)
			ck_assert(strncmp(text, "plumbline-state 3\ngen 2\n", 24) == 0);
	}
	read_text(dir, SLOT1, text, sizeof(text));
	ck_assert(strncmp(text, "plumbline-state 3\ngen 1\n", 24) == 0);
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
	tcase_add_test(tc, test_store_old_version);
	tcase_add_test(tc, test_store_states);
	tcase_add_test(tc, test_store_budget);
	tcase_add_test(tc, test_store_symlink);
	tcase_add_test(tc, test_store_not_regular);
	tcase_add_test(tc, test_store_dir_checks);
	tcase_add_loop_test(tc, test_store_dir_trailing, 0, N(spellings));
	tcase_add_test(tc, test_store_dir_parents);
	tcase_add_test(tc, test_privileged_other_caller);
	tcase_add_loop_test(tc, test_store_dir_env_privileged, 0, N(priv_vars));
	tcase_add_test(tc, test_store_lock);
	tcase_add_test(tc, test_store_lock_rmw);
	tcase_add_test(tc, test_store_concurrent);
	tcase_add_test(tc, test_store_pick);
	tcase_add_test(tc, test_store_rotate);
	tcase_add_test(tc, test_store_key_hash);
	tcase_add_test(tc, test_store_stale_temps);
	tcase_add_test(tc, test_store_slots_alternate);
	tcase_add_loop_test(tc, test_store_slot_torn, 0, N(torn_kinds));
	tcase_add_test(tc, test_store_slots_both_corrupt);
	tcase_add_test(tc, test_store_slot_symlink);
	tcase_add_test(tc, test_store_slot_migration);
	return tc;
}
