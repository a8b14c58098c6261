/* pl_diskstats: the /proc/diskstats parser on every fixture and on malformed text, and
 * the /proc/self/mountinfo parser with its lookups. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "pl_buf.h"
#include "pl_diskstats.h"
#include "pl_file.h"
#include "tests.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Reads a fixture file (path below tests/fixtures) into b; fails the test if it cannot. */
static void
read_fixture(const char *path, struct pl_buf *b)
{
	char err[512];

	ck_assert_msg(pl_read_file(fixtures_dir(), path, b, err, sizeof(err)) == 0, "%s", err);
}

/* One fixture file: the device count and the counters of one device. */
struct fixture_case {
	const char *path;
	size_t n;
	size_t idx;
	const char *name;
	unsigned major, minor;
	int nfields;
	uint64_t rd_ios, rd_sectors, wr_sectors, io_ticks, time_in_queue, fl_ticks;
};

static const struct fixture_case fixture_cases[] = {
	{ "/diskio/virtio/t0/proc/diskstats", 10, 8, "vda", 254, 0, 17,
	  26408, 2351146, 413024, 4668, 9538, 14 },
	{ "/diskio/virtio/t1/proc/diskstats", 10, 8, "vda", 254, 0, 17,
	  26551, 2360546, 413688, 4696, 9658, 14 },
	{ "/diskio/old-kernel-14field/t0/proc/diskstats", 5, 0, "sda", 8, 0, 11,
	  25354637, 1003346126, 505697032, 9653880, 82621804, 0 },
	{ "/diskio/old-kernel-14field/t1/proc/diskstats", 5, 0, "sda", 8, 0, 11,
	  25354947, 1003365966, 505699312, 9654071, 82622042, 0 },
	{ "/diskio/sata/t0/proc/diskstats", 3, 0, "sda", 8, 0, 17,
	  14202, 579164, 180500, 11628, 55200, 182 },
	{ "/diskio/sata/t1/proc/diskstats", 3, 0, "sda", 8, 0, 17,
	  14342, 588124, 186740, 11923, 55629, 243 },
	{ "/diskio/nvme/t0/proc/diskstats", 3, 2, "nvme0n1p2", 259, 2, 11,
	  45914, 4631243, 39451632, 131580, 940970, 0 },
	{ "/diskio/nvme/t1/proc/diskstats", 3, 2, "nvme0n1p2", 259, 2, 11,
	  46734, 4683723, 39474512, 131690, 941106, 0 },
	{ "/diskio/lvm/t0/proc/diskstats", 7, 5, "dm-0", 252, 0, 11,
	  59910002, 1003337218, 505696880, 11325968, 1206301256, 0 },
	{ "/diskio/lvm/t1/proc/diskstats", 7, 5, "dm-0", 252, 0, 11,
	  59910522, 1003370498, 505702400, 11326871, 1206302384, 0 },
	{ "/diskio/md-raid1/t0/proc/diskstats", 5, 4, "md0", 9, 0, 17,
	  401081, 28508340, 29007714, 0, 0, 0 },
	{ "/diskio/md-raid1/t1/proc/diskstats", 5, 4, "md0", 9, 0, 17,
	  401196, 28515700, 29012034, 0, 0, 0 },
	{ "/diskio/backwards/t0/proc/diskstats", 10, 8, "vda", 254, 0, 17,
	  26408, 2351146, 413024, 4668, 9538, 14 },
	{ "/diskio/backwards/t1/proc/diskstats", 10, 8, "vda", 254, 0, 17,
	  25551, 2270546, 413688, 4396, 9658, 14 },
	{ "/diskio/device-change/t0/proc/diskstats", 11, 9, "vdb", 254, 16, 17,
	  2204, 160418, 2330120, 22010, 41122, 611 },
	{ "/diskio/device-change/t1/proc/diskstats", 11, 9, "vdc", 254, 32, 17,
	  311, 12290, 0, 64, 81, 0 },
};

START_TEST(test_fixture)
{
	const struct fixture_case *tc = &fixture_cases[_i];
	struct pl_buf b = PL_BUF_INIT;
	struct pl_diskstats ds;
	const struct pl_diskstats_entry *e;
	char err[256];

	read_fixture(tc->path, &b);
	ck_assert_msg(pl_diskstats_parse(pl_buf_str(&b), b.len, &ds, err, sizeof(err)) == 0,
		      "%s: %s", tc->path, err);
	ck_assert_uint_eq(ds.n, tc->n);
	e = &ds.v[tc->idx];
	ck_assert_str_eq(e->name, tc->name);
	ck_assert_ptr_eq(pl_diskstats_find(&ds, tc->name), e);
	ck_assert_ptr_eq(pl_diskstats_find_dev(&ds, tc->major, tc->minor), e);
	ck_assert_uint_eq(e->major, tc->major);
	ck_assert_uint_eq(e->minor, tc->minor);
	ck_assert_int_eq(e->nfields, tc->nfields);
	ck_assert_uint_eq(e->f[PL_DS_RD_IOS], tc->rd_ios);
	ck_assert_uint_eq(e->f[PL_DS_RD_SECTORS], tc->rd_sectors);
	ck_assert_uint_eq(e->f[PL_DS_WR_SECTORS], tc->wr_sectors);
	ck_assert_uint_eq(e->f[PL_DS_IO_TICKS], tc->io_ticks);
	ck_assert_uint_eq(e->f[PL_DS_TIME_IN_QUEUE], tc->time_in_queue);
	ck_assert_uint_eq(e->f[PL_DS_FL_TICKS], tc->fl_ticks);
	ck_assert_ptr_null(pl_diskstats_find(&ds, "nosuchdisk"));
	pl_diskstats_free(&ds);
	pl_buf_free(&b);
}
END_TEST

/* Every field of one real 20-word line lands in its place. */
START_TEST(test_all_fields)
{
	static const char text[] =
		" 254       0 vda 26408 5669 2351146 7480 2864 5254 413024 1808 0 4668 9538 "
		"3955 55 135600 234 377 14\n";
	static const uint64_t want[PL_DS_NFIELDS] = {
		26408, 5669, 2351146, 7480, 2864, 5254, 413024, 1808, 0, 4668, 9538,
		3955, 55, 135600, 234, 377, 14,
	};
	struct pl_diskstats ds;
	char err[256];

	ck_assert_int_eq(pl_diskstats_parse(text, strlen(text), &ds, err, sizeof(err)), 0);
	ck_assert_uint_eq(ds.n, 1);
	for (int k = 0; k < PL_DS_NFIELDS; k++)
		ck_assert_uint_eq(ds.v[0].f[k], want[k]);
	pl_diskstats_free(&ds);
}
END_TEST

struct broken_case {
	const char *path;
	const char *err;   /* a part of the message */
};

static const struct broken_case broken_cases[] = {
	{ "/diskio/broken-empty/proc/diskstats", "empty" },
	{ "/diskio/broken-garbage/proc/diskstats", "line 9 (vda): field 3 is not a number" },
	{ "/diskio/broken-truncated/proc/diskstats", "line 9 (vda): 5 stat fields" },
	{ "/diskio/broken-too-few-fields/proc/diskstats", "line 1 (loop0): 3 stat fields" },
};

START_TEST(test_broken_fixture)
{
	const struct broken_case *tc = &broken_cases[_i];
	struct pl_buf b = PL_BUF_INIT;
	struct pl_diskstats ds;
	char err[256] = "";

	read_fixture(tc->path, &b);
	ck_assert_int_eq(pl_diskstats_parse(pl_buf_str(&b), b.len, &ds, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, tc->err) != NULL, "%s: got '%s'", tc->path, err);
	pl_diskstats_free(&ds);
	pl_buf_free(&b);
}
END_TEST

#define F11 " 1 2 3 4 5 6 7 8 9 10 11"

/* Text, whether it parses, and then the device count, the first device's field count and
 * one of its fields; or a part of the error. */
struct text_case {
	const char *text;
	int rc;
	size_t n;
	int nfields;
	int field;
	uint64_t value;
	const char *err;
};

static const struct text_case text_cases[] = {
	{ "", -1, 0, 0, 0, 0, "the file is empty" },
	{ "\n\n  \n", -1, 0, 0, 0, 0, "no device lines" },
	{ "8 0 sda" F11 "\n", 0, 1, 11, PL_DS_TIME_IN_QUEUE, 11, NULL },
	{ "8 0 sda" F11 " 12 13 14 15\n", 0, 1, 15, PL_DS_DC_TICKS, 15, NULL },
	{ "8 0 sda" F11 " 12 13 14 15 16 17\n", 0, 1, 17, PL_DS_FL_TICKS, 17, NULL },
	/* A future kernel's extra fields are counted and ignored. */
	{ "8 0 sda" F11 " 12 13 14 15 16 17 18 19\n", 0, 1, 19, PL_DS_FL_TICKS, 17, NULL },
	/* The 2.6-era partition line: reads, sectors read, writes, sectors written. */
	{ "8 1 sda1 10 20 30 40\n", 0, 1, 4, PL_DS_RD_SECTORS, 20, NULL },
	{ "8 1 sda1 10 20 30 40\n", 0, 1, 4, PL_DS_WR_IOS, 30, NULL },
	{ "8 1 sda1 10 20 30 40\n", 0, 1, 4, PL_DS_WR_SECTORS, 40, NULL },
	{ "8 1 sda1 10 20 30 40\n", 0, 1, 4, PL_DS_RD_MERGES, 0, NULL },
	{ "\t8\t0\tsda\t1 2 3 4 5 6 7 8 9 10 11\t\n", 0, 1, 11, PL_DS_RD_IOS, 1, NULL },
	{ "8 0 sda" F11 "\n\n8 16 sdb" F11 "\n", 0, 2, 11, PL_DS_WR_IOS, 5, NULL },
	{ "8 0 sda 18446744073709551615 2 3 4 5 6 7 8 9 10 11\n", 0, 1, 11, PL_DS_RD_IOS,
	  UINT64_MAX, NULL },
	{ "8 0 sda 18446744073709551616 2 3 4 5 6 7 8 9 10 11\n", -1, 0, 0, 0, 0,
	  "field 1 is not a number" },
	{ "8 0 sda" F11, -1, 0, 0, 0, 0, "cut short" },
	{ "8 0 sda 1 2 3 4 5\n", -1, 0, 0, 0, 0, "5 stat fields" },
	{ "8 0 sda 1 2 3 4 5 6 7 8 9 10\n", -1, 0, 0, 0, 0, "10 stat fields" },
	{ "8 0 sda\n", -1, 0, 0, 0, 0, "0 stat fields" },
	{ "8 0 sda 1 2 -3 4 5 6 7 8 9 10 11\n", -1, 0, 0, 0, 0, "field 3 is not a number" },
	{ "8 0 sda 1 2 3 4 5 6 7 8 9 10 11x\n", -1, 0, 0, 0, 0, "field 11 is not a number" },
	{ "8 0 sda 1 2 3 4 5 6 7 8 9 10 1.5\n", -1, 0, 0, 0, 0, "field 11 is not a number" },
	{ "8 0 sda" F11 "\r\n", -1, 0, 0, 0, 0, "field 11 is not a number" },
	{ "x 0 sda" F11 "\n", -1, 0, 0, 0, 0, "line 1: no major" },
	{ "8x 0 sda" F11 "\n", -1, 0, 0, 0, 0, "line 1: no major" },
	{ "4294967296 0 sda" F11 "\n", -1, 0, 0, 0, 0, "no major" },
	{ "8 y sda" F11 "\n", -1, 0, 0, 0, 0, "line 1: no minor" },
	{ "8 0\n", -1, 0, 0, 0, 0, "line 1: no device name" },
	{ "8 0 sda" F11 "\n8\n", -1, 0, 0, 0, 0, "line 2: no minor" },
	/* An odd name does not hide what else is wrong with its line, nor shows its bytes. */
	{ "8 0 sd\033[31m 1 2\n", -1, 0, 0, 0, 0, "line 1 (a device with an odd name): 2 stat" },
	{ "8 0 sd\033[31m" F11, -1, 0, 0, 0, 0, "line 1 (a device with an odd name): cut" },
};

/* A line whose name no kernel gives is that device's problem (in bad), not the file's. */
struct odd_case {
	const char *text;
	size_t len;                      /* of text, or 0: strlen */
	size_t n, nbad, lineno;
	const char *name, *why;
};

#define NUL_TEXT "8 0 sd\0x" F11 "\n8 16 sdb" F11 "\n"

static const struct odd_case odd_cases[] = {
	{ "8 0 sda" F11 "\n8 99 x\033[31m" F11 "\n8 16 sdb" F11 "\n", 0, 2, 1, 2, "x\033[31m",
	  "is not a device name" },
	{ "8 99 \377" F11 "\n8 0 sda" F11 "\n", 0, 1, 1, 1, "\377", "is not a device name" },
	{ "8 0 .." F11 "\n", 0, 0, 1, 1, "..", "is not a device name" },
	{ "8 0 sd\001" F11 "\n", 0, 0, 1, 1, "sd\001", "is not a device name" },
	{ "8 0 " "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcd" F11 "\n",
	  0, 0, 1, 1, "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabc",
	  "overlong" },
	{ NUL_TEXT, sizeof(NUL_TEXT) - 1, 1, 1, 1, "sd", "NUL byte" },
};

START_TEST(test_odd_names)
{
	const struct odd_case *tc = &odd_cases[_i];
	struct pl_diskstats ds;
	char err[256] = "";
	size_t len = tc->len ? tc->len : strlen(tc->text);

	ck_assert_msg(pl_diskstats_parse(tc->text, len, &ds, err, sizeof(err)) == 0,
		      "case %d: %s", _i, err);
	ck_assert_uint_eq(ds.n, tc->n);
	ck_assert_uint_eq(ds.nbad, tc->nbad);
	ck_assert_uint_eq(ds.bad[0].lineno, tc->lineno);
	ck_assert_str_eq(ds.bad[0].name, tc->name);
	ck_assert_msg(strstr(ds.bad[0].why, tc->why) != NULL, "case %d: %s", _i, ds.bad[0].why);
	ck_assert_ptr_null(pl_diskstats_find(&ds, tc->name));
	pl_diskstats_free(&ds);
}
END_TEST

START_TEST(test_text)
{
	const struct text_case *tc = &text_cases[_i];
	struct pl_diskstats ds;
	char err[256] = "";
	int rc = pl_diskstats_parse(tc->text, strlen(tc->text), &ds, err, sizeof(err));

	ck_assert_msg(rc == tc->rc, "case %d: rc %d (%s)", _i, rc, err);
	if (rc == 0) {
		ck_assert_uint_eq(ds.n, tc->n);
		ck_assert_int_eq(ds.v[0].nfields, tc->nfields);
		ck_assert_uint_eq(ds.v[0].f[tc->field], tc->value);
	} else {
		ck_assert_msg(strstr(err, tc->err) != NULL, "case %d: got '%s'", _i, err);
	}
	pl_diskstats_free(&ds);
}
END_TEST

START_TEST(test_names)
{
	char s[PL_DISKSTATS_NAME_MAX];

	ck_assert(pl_diskstats_name_ok("sda"));
	ck_assert(pl_diskstats_name_ok("cciss/c0d0"));
	ck_assert(!pl_diskstats_name_ok(""));
	ck_assert(!pl_diskstats_name_ok("."));
	ck_assert(!pl_diskstats_name_ok(".."));
	ck_assert(!pl_diskstats_name_ok("a b"));
	ck_assert_str_eq(pl_diskstats_sysfs_name("cciss/c0d0p1", s, sizeof(s)), "cciss!c0d0p1");
	ck_assert_str_eq(pl_diskstats_sysfs_name("sda", s, sizeof(s)), "sda");
}
END_TEST

/* --- mountinfo --- */

START_TEST(test_mountinfo_fixture)
{
	struct pl_buf b = PL_BUF_INIT;
	struct pl_mountinfo mi;
	const struct pl_mount *m;
	char err[256];

	read_fixture("/diskio/lvm/t0/proc/self/mountinfo", &b);
	ck_assert_msg(pl_mountinfo_parse(pl_buf_str(&b), b.len, &mi, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_uint_eq(mi.n, 5);
	m = pl_mountinfo_find(&mi, "/");
	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(m->major, 252);
	ck_assert_uint_eq(m->minor, 0);
	ck_assert_str_eq(m->fstype, "ext4");
	ck_assert_str_eq(m->source, "/dev/mapper/vg0-root");
	m = pl_mountinfo_find(&mi, "/boot//");
	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(m->major, 8);
	ck_assert_uint_eq(m->minor, 2);
	ck_assert_ptr_null(pl_mountinfo_find(&mi, "/var"));
	ck_assert_ptr_null(pl_mountinfo_find(&mi, "/boo"));
	ck_assert_str_eq(pl_mountinfo_holding(&mi, "/var/lib")->point, "/");
	ck_assert_str_eq(pl_mountinfo_holding(&mi, "/bootx")->point, "/");
	ck_assert_str_eq(pl_mountinfo_holding(&mi, "/boot/efi/EFI")->point, "/boot/efi");
	ck_assert_str_eq(pl_mountinfo_holding(&mi, "/boot/grub")->point, "/boot");
	ck_assert_str_eq(pl_mountinfo_holding(&mi, "/boot")->point, "/boot");
	ck_assert_ptr_null(pl_mountinfo_holding(&mi, "boot"));
	pl_mountinfo_free(&mi);

	read_fixture("/diskio/virtio/t0/proc/self/mountinfo", &b);
	ck_assert_msg(pl_mountinfo_parse(pl_buf_str(&b), b.len, &mi, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_uint_eq(mi.n, 21);
	m = pl_mountinfo_find(&mi, "/dev/shm");
	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(m->minor, 27);   /* the one mounted on top */
	ck_assert_str_eq(pl_mountinfo_find(&mi, "/run/netns")->source, "/dev/vda");
	pl_mountinfo_free(&mi);
	pl_buf_free(&b);
}
END_TEST

START_TEST(test_mountinfo_escapes)
{
	static const char text[] =
		"36 35 8:1 / /mnt/my\\040disk rw,relatime shared:1 master:2 - ext4 /dev/sda1 rw\n"
		"37 35 8:2 / /mnt/back\\134slash rw - xfs /dev/sda2 rw\n"
		"38 35 8:3 / /mnt/nul\\000x rw - xfs /dev/sda3 rw\n"
		"39 35 8:4 / /mnt/short\\04 rw - xfs\n"
		"40 35 0:50 / /mnt/tab\\011and\\012nl rw - tmpfs tmpfs rw\n";
	struct pl_mountinfo mi;
	char err[256];

	ck_assert_int_eq(pl_mountinfo_parse(text, strlen(text), &mi, err, sizeof(err)), 0);
	ck_assert_uint_eq(mi.n, 5);
	ck_assert_str_eq(mi.v[0].point, "/mnt/my disk");
	ck_assert_ptr_eq(pl_mountinfo_find(&mi, "/mnt/my disk"), &mi.v[0]);
	ck_assert_str_eq(mi.v[1].point, "/mnt/back\\slash");
	ck_assert_str_eq(mi.v[2].point, "/mnt/nul\\000x");
	ck_assert_str_eq(mi.v[3].point, "/mnt/short\\04");
	ck_assert_str_eq(mi.v[3].source, "");
	ck_assert_str_eq(mi.v[4].point, "/mnt/tab\tand\nnl");
	ck_assert_uint_eq(mi.v[4].major, 0);
	ck_assert_uint_eq(mi.v[4].minor, 50);
	pl_mountinfo_free(&mi);
}
END_TEST

struct mi_case {
	const char *text;
	const char *err;   /* NULL: parses */
};

static const struct mi_case mi_cases[] = {
	{ "", NULL },
	{ "\n", NULL },
	{ "1 2 8:1 / /x rw - ext4 /dev/sda1 rw\n", NULL },
	{ "1 2 8:1 / /x rw - ext4 /dev/sda1 rw", "line 1: cut short" },
	{ "a 2 8:1 / /x rw - ext4 /dev/sda1 rw\n", "line 1: no mount id" },
	{ "1\n", "line 1: no mount id" },
	{ "1 2 81 / /x rw - ext4 s\n", "no major:minor" },
	{ "1 2 8: / /x rw - ext4 s\n", "no major:minor" },
	{ "1 2 :1 / /x rw - ext4 s\n", "no major:minor" },
	{ "1 2 8:1x / /x rw - ext4 s\n", "no major:minor" },
	{ "1 2 8:4294967296 / /x rw - ext4 s\n", "no major:minor" },
	{ "1 2 8:1\n", "no root" },
	{ "1 2 8:1 /\n", "no mount point" },
	{ "1 2 8:1 / /x\n", "no mount options" },
	{ "1 2 8:1 / /x rw ext4 /dev/sda1\n", "no file system type" },
	{ "1 2 8:1 / /x rw -\n", "no file system type" },
	{ "1 2 8:1 / /x rw - ext4 s\n1 2 x\n", "line 2: no major:minor" },
};

START_TEST(test_mountinfo_text)
{
	const struct mi_case *tc = &mi_cases[_i];
	struct pl_mountinfo mi;
	char err[256] = "";
	int rc = pl_mountinfo_parse(tc->text, strlen(tc->text), &mi, err, sizeof(err));

	if (tc->err == NULL) {
		ck_assert_msg(rc == 0, "case %d: %s", _i, err);
	} else {
		ck_assert_msg(rc == -1, "case %d parsed", _i);
		ck_assert_msg(strstr(err, tc->err) != NULL, "case %d: got '%s'", _i, err);
	}
	pl_mountinfo_free(&mi);
}
END_TEST

/* Which mount holds a path: a table with stacked, nested and shadowed mounts. Ids and
 * parents as the kernel gives them; "/" is not the first line (it is not on real
 * systems either). */
static const char holding_table[] =
	"22 30 0:21 / /proc rw - proc proc rw\n"
	"27 1 254:0 / / rw - ext4 /dev/vda rw\n"
	/* mounted on the first / before the second was stacked on it: hidden */
	"28 27 8:49 / /hidden rw - ext4 /dev/sdd2 rw\n"
	/* a second file system stacked on / (as an initramfs or container pivot leaves it) */
	"30 27 0:50 / / rw - overlay overlay rw\n"
	"40 30 8:1 / /srv rw - ext4 /dev/sda1 rw\n"
	"41 40 8:2 / /srv/data rw - xfs /dev/sda2 rw\n"
	/* /srv/data stacked: sdb1 on top of sda2 */
	"42 41 8:17 / /srv/data rw - xfs /dev/sdb1 rw\n"
	/* /opt/a/b mounted first, then /opt over it: /opt/a/b is hidden */
	"50 30 8:33 / /opt/a/b rw - ext4 /dev/sdc1 rw\n"
	"51 30 8:34 / /opt rw - ext4 /dev/sdc2 rw\n"
	"60 30 0:40 / /mnt/my\\040disk rw - ext4 /dev/sdd1 rw\n";

static const struct {
	const char *path;
	const char *source;     /* of the holding mount; NULL: none */
} holding_cases[] = {
	{ "/", "overlay" },
	{ "/var", "overlay" },
	{ "/proc/1", "proc" },
	{ "/srv", "/dev/sda1" },
	{ "/srv/", "/dev/sda1" },
	{ "/srvx", "overlay" },
	{ "/srv/data", "/dev/sdb1" },
	{ "/srv/data/pg/base", "/dev/sdb1" },
	{ "/srv/datax", "/dev/sda1" },
	{ "/srv/data/../x", "/dev/sda1" },
	{ "/srv/./data//pg", "/dev/sdb1" },
	{ "/srv/data/../../srv/data", "/dev/sdb1" },
	{ "/../../srv", "/dev/sda1" },
	{ "/opt/a/b/c", "/dev/sdc2" },
	{ "/opt/a/b", "/dev/sdc2" },
	{ "/hidden/x", "overlay" },
	{ "/mnt/my disk/x", "/dev/sdd1" },
	{ "/mnt/my", "overlay" },
	{ "srv", NULL },
	{ "", NULL },
};

START_TEST(test_mountinfo_holding)
{
	struct pl_mountinfo mi;
	const struct pl_mount *m;
	char err[256];

	ck_assert_int_eq(pl_mountinfo_parse(holding_table, strlen(holding_table), &mi, err,
					    sizeof(err)), 0);
	ck_assert_uint_eq(mi.v[4].id, 40);
	ck_assert_uint_eq(mi.v[4].parent, 30);
	m = pl_mountinfo_holding(&mi, holding_cases[_i].path);
	if (holding_cases[_i].source == NULL)
		ck_assert_ptr_null(m);
	else
		ck_assert_msg(m != NULL && strcmp(m->source, holding_cases[_i].source) == 0,
			      "%s: got %s", holding_cases[_i].path, m ? m->source : "none");
	pl_mountinfo_free(&mi);
}
END_TEST

/* Ids that form no tree (no mount sits on a "/" mount): the longest prefix decides. */
START_TEST(test_mountinfo_holding_no_tree)
{
	static const char text[] =
		"5 5 8:1 / /srv rw - ext4 /dev/sda1 rw\n"
		"6 6 8:2 / /srv/data rw - ext4 /dev/sda2 rw\n";
	struct pl_mountinfo mi;
	char err[256];

	ck_assert_int_eq(pl_mountinfo_parse(text, strlen(text), &mi, err, sizeof(err)), 0);
	ck_assert_str_eq(pl_mountinfo_holding(&mi, "/srv/data/x")->source, "/dev/sda2");
	ck_assert_str_eq(pl_mountinfo_holding(&mi, "/srv/x")->source, "/dev/sda1");
	ck_assert_ptr_null(pl_mountinfo_holding(&mi, "/var"));
	pl_mountinfo_free(&mi);
}
END_TEST

static bool
same_num(double a, double b)
{
	return (isnan(a) && isnan(b)) || fabs(a - b) < 1e-9 * (fabs(b) + 1);
}

/* Partitions told by name alone, against the devices of a reading. */
static const struct {
	const char *name;
	bool partition;
} part_cases[] = {
	{ "sda1", true }, { "sda12", true }, { "sda", false }, { "sdb1", false },
	{ "nvme0n1p2", true }, { "nvme0n1", false }, { "nvme0n12", false },
	{ "mmcblk0p1", true }, { "md10", false }, { "md1", false }, { "dm-1", false },
	{ "loop01", false }, { "sdp1", true }, { "12", false }, { "x", false },
};

START_TEST(test_partition_name)
{
	static const char text[] =
		"8 0 sda 1 2 3 4 5 6 7 8 9 10 11\n"
		"8 1 sda1 1 2 3 4 5 6 7 8 9 10 11\n"
		"8 240 sdp 1 2 3 4 5 6 7 8 9 10 11\n"
		"259 0 nvme0n1 1 2 3 4 5 6 7 8 9 10 11\n"
		"179 0 mmcblk0 1 2 3 4 5 6 7 8 9 10 11\n"
		"9 1 md1 1 2 3 4 5 6 7 8 9 10 11\n"
		"253 0 dm-0 1 2 3 4 5 6 7 8 9 10 11\n"
		"7 0 loop0 1 2 3 4 5 6 7 8 9 10 11\n"
		"8 0 sda 9 9 9 9 9 9 9 9 9 9 9\n";
	struct pl_diskstats ds;
	char err[256];

	ck_assert_int_eq(pl_diskstats_parse(text, strlen(text), &ds, err, sizeof(err)), 0);
	ck_assert_msg(pl_diskstats_partition_name(&ds, part_cases[_i].name) ==
		      part_cases[_i].partition, "%s", part_cases[_i].name);
	/* The first line of a name listed twice is the device. */
	ck_assert_ptr_eq(pl_diskstats_find(&ds, "sda"), &ds.v[0]);
	ck_assert_ptr_eq(pl_diskstats_find(&ds, "loop0"), &ds.v[7]);
	ck_assert_ptr_null(pl_diskstats_find(&ds, "sdq"));
	pl_diskstats_free(&ds);
}
END_TEST

/* Rates between two readings 10 s apart: then has every field at 1000, now as given. */
static const struct {
	int nfields;
	uint64_t rd_ios, rd_sectors, rd_ticks, wr_ios, io_ticks, queue;
	bool has_then, other_dev;
	enum pl_ds_gap gap;
	double rbytes, riops, util, rawait, q;
	bool untimed;
} ds_rate_cases[] = {
	{ 11, 1100, 3048, 1200, 1000, 5000, 3000, true, false, PL_DS_GAP_NONE,
	  2048 * 512 / 10.0, 10, 40, 0.002, 0.2, false },
	/* no reads: await 0, not unknown */
	{ 11, 1000, 1000, 1000, 1000, 1000, 1000, true, false, PL_DS_GAP_NONE,
	  0, 0, 0, 0, 0, false },
	/* busier than the interval (clocks read apart): 100% */
	{ 11, 1100, 1000, 1000, 1000, 12000, 1000, true, false, PL_DS_GAP_NONE,
	  0, 10, 100, 0, 0, false },
	{ 11, 1100, 1000, 1000, 1000, 1000, 1000, false, false, PL_DS_GAP_NEW,
	  NAN, NAN, NAN, NAN, NAN, false },
	{ 11, 1100, 1000, 1000, 1000, 1000, 1000, true, true, PL_DS_GAP_OTHER,
	  NAN, NAN, NAN, NAN, NAN, false },
	{ 11, 900, 1000, 1000, 1000, 1000, 1000, true, false, PL_DS_GAP_BACK,
	  NAN, NAN, NAN, NAN, NAN, false },
	/* an old partition line: bytes and IOPS only */
	{ 4, 1100, 3048, 0, 1000, 0, 0, true, false, PL_DS_GAP_NONE,
	  2048 * 512 / 10.0, 10, NAN, NAN, NAN, false },
};

START_TEST(test_ds_rates)
{
	struct pl_diskstats_entry now, then;
	struct pl_diskstats_rates r;

	memset(&now, 0, sizeof(now));
	memset(&then, 0, sizeof(then));
	now.nfields = then.nfields = ds_rate_cases[_i].nfields;
	for (int k = 0; k < PL_DS_NFIELDS; k++)
		now.f[k] = then.f[k] = k == PL_DS_IN_FLIGHT ? 0 : 1000;
	if (now.nfields == 4)
		for (int k = 0; k < PL_DS_NFIELDS; k++)
			now.f[k] = then.f[k] = 0;
	now.f[PL_DS_RD_IOS] = ds_rate_cases[_i].rd_ios;
	then.f[PL_DS_RD_IOS] = 1000;
	now.f[PL_DS_RD_SECTORS] = ds_rate_cases[_i].rd_sectors;
	then.f[PL_DS_RD_SECTORS] = 1000;
	if (now.nfields > 4) {
		now.f[PL_DS_RD_TICKS] = ds_rate_cases[_i].rd_ticks;
		now.f[PL_DS_IO_TICKS] = ds_rate_cases[_i].io_ticks;
		now.f[PL_DS_TIME_IN_QUEUE] = ds_rate_cases[_i].queue;
	}
	then.minor = ds_rate_cases[_i].other_dev ? 1 : 0;
	pl_diskstats_rates(&now, ds_rate_cases[_i].has_then ? &then : NULL, 10, &r);
	ck_assert_int_eq(r.gap, ds_rate_cases[_i].gap);
	ck_assert_msg(same_num(r.rbytes, ds_rate_cases[_i].rbytes), "rbytes %g", r.rbytes);
	ck_assert_msg(same_num(r.riops, ds_rate_cases[_i].riops), "riops %g", r.riops);
	ck_assert_msg(same_num(r.util, ds_rate_cases[_i].util), "util %g", r.util);
	ck_assert_msg(same_num(r.rawait, ds_rate_cases[_i].rawait), "rawait %g", r.rawait);
	ck_assert_msg(same_num(r.queue, ds_rate_cases[_i].q), "queue %g", r.queue);
	ck_assert(r.untimed == ds_rate_cases[_i].untimed);
	ck_assert((pl_diskstats_gap_text(r.gap) == NULL) == (r.gap == PL_DS_GAP_NONE));
}
END_TEST

/* md counts requests but no time: its util and waits stay unknown, never 0. */
START_TEST(test_ds_untimed)
{
	struct pl_diskstats_entry now, then;
	struct pl_diskstats_rates r;

	memset(&now, 0, sizeof(now));
	memset(&then, 0, sizeof(then));
	now.nfields = then.nfields = 17;
	now.f[PL_DS_RD_IOS] = 50;
	now.f[PL_DS_RD_SECTORS] = 400;
	ck_assert(!pl_diskstats_timed(&now));
	pl_diskstats_rates(&now, &then, 2, &r);
	ck_assert(r.untimed);
	ck_assert_int_eq(r.gap, PL_DS_GAP_NONE);
	ck_assert(same_num(r.riops, 25));
	ck_assert(isnan(r.util) && isnan(r.rawait) && isnan(r.queue));
}
END_TEST

TCase *
tc_diskstats(void)
{
	TCase *tc = tcase_create("diskstats");

	tcase_add_loop_test(tc, test_fixture, 0, N(fixture_cases));
	tcase_add_test(tc, test_all_fields);
	tcase_add_loop_test(tc, test_broken_fixture, 0, N(broken_cases));
	tcase_add_loop_test(tc, test_text, 0, N(text_cases));
	tcase_add_loop_test(tc, test_odd_names, 0, N(odd_cases));
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_mountinfo_fixture);
	tcase_add_test(tc, test_mountinfo_escapes);
	tcase_add_loop_test(tc, test_mountinfo_text, 0, N(mi_cases));
	tcase_add_loop_test(tc, test_mountinfo_holding, 0, N(holding_cases));
	tcase_add_test(tc, test_mountinfo_holding_no_tree);
	tcase_add_loop_test(tc, test_partition_name, 0, N(part_cases));
	tcase_add_loop_test(tc, test_ds_rates, 0, N(ds_rate_cases));
	tcase_add_test(tc, test_ds_untimed);
	return tc;
}
