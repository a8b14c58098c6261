/* pl_mdstat: the /proc/mdstat parser over every fixture, broken buffers, and the sysfs
 * helpers. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pl_buf.h"
#include "pl_file.h"
#include "pl_mdstat.h"
#include "tests.h"

/* What one array of a fixture must parse to. */
struct md_want {
	const char *fixture;      /* tests/fixtures/mdraid/<fixture>/proc/mdstat */
	size_t narrays;
	size_t index;             /* the array checked below */
	const char *name;
	enum pl_md_state state;
	const char *level;
	size_t nmembers;
	unsigned nfaulty, nspare;
	uint64_t blocks;
	const char *super;
	uint64_t chunk_kb;
	bool has_counts;
	unsigned raid_disks, in_sync;
	const char *status;
	unsigned degraded;
	enum pl_md_action action;
	enum pl_md_progress progress;
	double percent;
	uint64_t done, total;
	double finish;            /* NAN: none */
	uint64_t speed;
	uint64_t bitmap_pages, bitmap_total;   /* 0/0: no bitmap line */
	const char *member0;      /* "sdb2[2]F" style: dev[role] then flag letters */
};

static const struct md_want wants[] = {
	{ "raid1-healthy", 2, 1, "md0", PL_MD_ACTIVE, "raid1", 2, 0, 0, 248896, "", 0,
	  true, 2, 2, "UU", 0, PL_MD_IDLE, PL_MD_RUNNING, 0, 0, 0, NAN, 0, 0, 0, "sdi1[0]" },
	{ "raid1-degraded", 1, 0, "md6", PL_MD_ACTIVE, "raid1", 2, 1, 0, 195310144, "", 0,
	  true, 2, 1, "U_", 1, PL_MD_IDLE, PL_MD_RUNNING, 0, 0, 0, NAN, 0, 0, 0, "sdb2[2]F" },
	{ "raid1-check", 1, 0, "md201", PL_MD_ACTIVE, "raid1", 2, 0, 0, 1993728, "1.2", 0,
	  true, 2, 2, "UU", 0, PL_MD_CHECK, PL_MD_RUNNING, 5.7, 114176, 1993728, 0.2, 114176,
	  0, 0, "sda3[0]" },
	{ "raid5-healthy", 1, 0, "md0", PL_MD_ACTIVE, "raid5", 4, 0, 0, 5860538880, "1.2", 512,
	  true, 4, 4, "UUUU", 0, PL_MD_IDLE, PL_MD_RUNNING, 0, 0, 0, NAN, 0, 0, 0, "sdd1[4]" },
	{ "raid5-recovering", 1, 0, "md0", PL_MD_ACTIVE, "raid5", 4, 0, 0, 23441682432ULL,
	  "1.2", 1024, true, 4, 3, "UUU_", 1, PL_MD_RECOVERY, PL_MD_RUNNING, 37.9,
	  2963739448ULL, 7813894144ULL, 505.9, 159773, 22, 59, "sde1[4]" },
	{ "raid5-reshape", 1, 0, "md42", PL_MD_ACTIVE, "raid5", 3, 0, 1, 1953381440, "1.2", 64,
	  true, 3, 2, "UU_", 1, PL_MD_RESHAPE, PL_MD_RUNNING, 56.1, 1096879076, 1953381440,
	  1868.1, 7640, 4, 15, "sda1[3]S" },
	{ "raid6-resync", 1, 0, "md0", PL_MD_ACTIVE, "raid6", 6, 0, 0, 15627546624ULL, "1.2",
	  512, true, 6, 6, "UUUUUU", 0, PL_MD_RESYNC, PL_MD_RUNNING, 0.4, 17821440,
	  3906886656ULL, 343.2, 188901, 30, 30, "sdg[5]" },
	{ "raid10", 2, 0, "md1", PL_MD_ACTIVE, "raid10", 4, 0, 0, 3890141184ULL, "1.2", 512,
	  true, 4, 4, "UUUU", 0, PL_MD_IDLE, PL_MD_RUNNING, 0, 0, 0, NAN, 0, 0, 29, "sda6[0]" },
	{ "raid0", 1, 0, "md12", PL_MD_ACTIVE, "raid0", 2, 0, 0, 3886394368ULL, "1.2", 512,
	  false, 0, 0, "", 0, PL_MD_IDLE, PL_MD_RUNNING, 0, 0, 0, NAN, 0, 0, 0, "sdc2[0]" },
	{ "inactive", 1, 0, "md219", PL_MD_INACTIVE, "", 3, 0, 3, 7932, "external:imsm", 0,
	  false, 0, 0, "", 0, PL_MD_IDLE, PL_MD_RUNNING, 0, 0, 0, NAN, 0, 0, 0, "sdb[2]S" },
	/* many-arrays: tab-indented lines, DELAYED, PENDING, inactive, degraded raid6. */
	{ "many-arrays", 12, 3, "md4", PL_MD_INACTIVE, "raid1", 2, 0, 0, 4883648, "", 0,
	  true, 2, 2, "UU", 0, PL_MD_IDLE, PL_MD_RUNNING, 0, 0, 0, NAN, 0, 0, 0, "sda3[0]" },
	{ "many-arrays", 12, 4, "md6", PL_MD_ACTIVE, "raid1", 2, 0, 0, 195310144, "", 0,
	  true, 2, 1, "U_", 1, PL_MD_RECOVERY, PL_MD_RUNNING, 8.5, 16775552, 195310144, 17.0,
	  259783, 0, 0, "sdb2[2]" },
	{ "many-arrays", 12, 5, "md8", PL_MD_ACTIVE, "raid1", 2, 0, 0, 195310144, "", 0,
	  true, 2, 2, "UU", 0, PL_MD_RESYNC, PL_MD_RUNNING, 8.5, 16775552, 195310144, 17.0,
	  259783, 0, 0, "sdb1[1]" },
	{ "many-arrays", 12, 6, "md7", PL_MD_ACTIVE, "raid6", 4, 0, 0, 7813735424ULL, "1.2",
	  512, true, 4, 3, "U_UU", 1, PL_MD_IDLE, PL_MD_RUNNING, 0, 0, 0, NAN, 0, 0, 30,
	  "sdb1[0]" },
	{ "many-arrays", 12, 7, "md9", PL_MD_ACTIVE, "raid1", 4, 0, 0, 523968, "1.2", 0,
	  true, 4, 4, "UUUU", 0, PL_MD_RESYNC, PL_MD_DELAYED, 0, 0, 0, NAN, 0, 0, 0,
	  "sdc2[2]" },
	{ "many-arrays", 12, 8, "md10", PL_MD_ACTIVE, "raid0", 2, 0, 0, 314159265, "", 64,
	  false, 0, 0, "", 0, PL_MD_IDLE, PL_MD_RUNNING, 0, 0, 0, NAN, 0, 0, 0, "sda1[0]" },
	{ "many-arrays", 12, 9, "md11", PL_MD_ACTIVE, "raid1", 2, 0, 0, 4190208, "1.2", 0,
	  true, 2, 2, "UU", 0, PL_MD_RESYNC, PL_MD_PENDING, 0, 0, 0, NAN, 0, 0, 0, "sdb2[0]" },
	{ "many-arrays", 12, 11, "md219", PL_MD_INACTIVE, "", 3, 0, 3, 7932, "external:imsm",
	  0, false, 0, 0, "", 0, PL_MD_IDLE, PL_MD_RUNNING, 0, 0, 0, NAN, 0, 0, 0, "sdb[2]S" },
	{ "no-arrays", 0, 0, NULL, 0, NULL, 0, 0, 0, 0, NULL, 0, false, 0, 0, NULL, 0, 0, 0, 0,
	  0, 0, NAN, 0, 0, 0, NULL },
	{ "no-arrays-personalities", 0, 0, NULL, 0, NULL, 0, 0, 0, 0, NULL, 0, false, 0, 0,
	  NULL, 0, 0, 0, 0, 0, 0, NAN, 0, 0, 0, NULL },
};

static int
read_fixture(const char *name, struct pl_buf *b)
{
	char root[1024], err[512];

	pl_snprintf(root, sizeof(root), "%s/mdraid/%s", fixtures_dir(), name);
	return pl_read_file(root, "/proc/mdstat", b, err, sizeof(err));
}

START_TEST(test_mdstat_fixtures)
{
	const struct md_want *w = &wants[_i];
	struct pl_buf b = PL_BUF_INIT;
	struct pl_mdstat st;
	const struct pl_md_array *a;
	const struct pl_md_member *m;
	char err[256], mem[96];

	ck_assert_msg(read_fixture(w->fixture, &b) == 0, "cannot read fixture %s", w->fixture);
	ck_assert_msg(pl_mdstat_parse(pl_buf_str(&b), b.len, &st, err, sizeof(err)) == 0,
		      "%s: %s", w->fixture, err);
	ck_assert_uint_eq(st.narrays, w->narrays);
	if (w->name == NULL)
		goto end;
	a = &st.arrays[w->index];
	ck_assert_str_eq(a->name, w->name);
	ck_assert_int_eq(a->state, w->state);
	ck_assert_str_eq(a->level, w->level);
	ck_assert_uint_eq(a->nmembers, w->nmembers);
	ck_assert_uint_eq(a->nfaulty, w->nfaulty);
	ck_assert_uint_eq(a->nspare, w->nspare);
	ck_assert(a->has_blocks);
	ck_assert_uint_eq(a->blocks, w->blocks);
	ck_assert_str_eq(a->super, w->super);
	ck_assert_uint_eq(a->chunk_kb, w->chunk_kb);
	ck_assert_int_eq(a->has_counts, w->has_counts);
	ck_assert_uint_eq(a->raid_disks, w->raid_disks);
	ck_assert_uint_eq(a->in_sync, w->in_sync);
	ck_assert_str_eq(a->status, w->status);
	ck_assert_uint_eq(pl_md_degraded(a), w->degraded);
	ck_assert_int_eq(a->action, w->action);
	ck_assert_int_eq(a->progress, w->progress);
	ck_assert_double_eq_tol(a->percent, w->percent, 1e-9);
	ck_assert_int_eq(a->has_done, w->total > 0);
	ck_assert_uint_eq(a->done, w->done);
	ck_assert_uint_eq(a->total, w->total);
	ck_assert_int_eq(a->has_finish, !isnan(w->finish));
	if (!isnan(w->finish))
		ck_assert_double_eq_tol(a->finish_min, w->finish, 1e-9);
	ck_assert_uint_eq(a->speed_kps, w->speed);
	ck_assert_int_eq(a->has_bitmap, w->bitmap_total > 0);
	ck_assert_uint_eq(a->bitmap_pages, w->bitmap_pages);
	ck_assert_uint_eq(a->bitmap_total, w->bitmap_total);
	m = pl_md_member(&st, a, 0);
	pl_snprintf(mem, sizeof(mem), "%s[%d]%s%s%s%s%s", m->dev, m->role,
		    m->flags & PL_MD_FAULTY ? "F" : "", m->flags & PL_MD_SPARE ? "S" : "",
		    m->flags & PL_MD_WRITE_MOSTLY ? "W" : "",
		    m->flags & PL_MD_REPLACEMENT ? "R" : "", m->flags & PL_MD_JOURNAL ? "J" : "");
	ck_assert_str_eq(mem, w->member0);
	ck_assert_int_eq(pl_md_is_container(a), strcmp(w->super, "external:imsm") == 0);
end:
	pl_mdstat_free(&st);
	pl_buf_free(&b);
}
END_TEST

#define HEAD "Personalities : [raid1] [raid5] \n"
#define TAIL "unused devices: <none>\n"
#define R1 "md0 : active raid1 sdb1[1] sda1[0]\n      1024 blocks super 1.2 [2/2] [UU]\n"

/* Buffers that must be refused as a whole (not mdstat, cut short, no stanza to blame),
 * and a word the reason must contain. */
static const struct { const char *text; const char *why; } bad[] = {
	{ "", "empty" },
	{ "\n", "Personalities" },
	{ "garbage\n" TAIL, "Personalities" },
	{ HEAD, "truncated" },                                   /* no closing line */
	{ HEAD R1, "truncated" },
	{ HEAD R1 "unused devices: <none>", "truncated" },       /* last line cut */
	{ HEAD "md0 : active raid1 sdb1[1] sda1[0]\n      1024 bl", "truncated" },
	{ HEAD "      1024 blocks\n" TAIL, "outside any array" },
	{ HEAD R1 TAIL "md1 : active raid1 sda1[0]\n", "after the 'unused" },
	{ HEAD R1 "      [=======>.............]  recovery = 37.9", "truncated" },
	{ "Personalities : [raid1]\nmd0 : active raid1 sda1[0]\0\n" TAIL, "NUL" },
};

/* Buffers with one stanza the parser cannot read: that array is malformed, with a word
 * its problem must contain; the file parses. */
static const struct { const char *text; const char *why; } bad_array[] = {
	{ HEAD "md0 : active raid1 sdb1[1] sda1[0]\n" TAIL, "size line" },
	{ HEAD "md0 : actve raid1 sda1[0]\n      1 blocks\n" TAIL, "unknown state" },
	{ HEAD "md0: active raid1 sda1[0]\n" TAIL, "expected an array" },
	{ HEAD "mdf1: testman actve\n" TAIL, "expected an array" },
	{ HEAD "md0 : active raid1\n      1 blocks\n" TAIL, "members" },
	{ HEAD "md0 : active sda1[0]\n      1 blocks\n" TAIL, "level" },
	{ HEAD "md0 : active raid1 sda1[x]\n      1 blocks\n" TAIL, "role" },
	{ HEAD "md0 : active raid1 sda1[0](X)\n      1 blocks\n" TAIL, "flag" },
	{ HEAD "md0 : active raid1 sda1[0](F\n      1 blocks\n" TAIL, "flags" },
	{ HEAD "md0 : active raid1 sda1[0]\n      1 blocks [2/x] [U?]\n" TAIL, "counts" },
	{ HEAD "md0 : active raid1 sda1[0]\n      1 blocks [2/1] [U?]\n" TAIL, "only U and _" },
	{ HEAD "md0 : active raid1 sda1[0]\n      1 blocks [2/1] [U]\n" TAIL, "slots" },
	{ HEAD "md0 : active raid1 sda1[0]\n      1 blocks [2/3] [UU]\n" TAIL, "counts" },
	{ HEAD "md0 : active raid1 sda1[0]\n      1 blocks [2/2]\n" TAIL, "status" },
	{ HEAD "md0 : active raid1 sda1[0]\n      x blocks [2/2] [UU]\n" TAIL, "unknown sync action" },
	{ HEAD "md0 : active raid1 sda1[0]\n      1 blocks wat\n" TAIL, "unexpected 'wat'" },
	{ HEAD R1 "      [=>...]  recovery = abc% (1/2) finish=1.0min speed=1K/sec\n" TAIL,
	  "percentage" },
	{ HEAD R1 "      [=>...]  recovery = 101.0% (1/2)\n" TAIL, "percentage" },
	{ HEAD R1 "      [=>...]  recovery = 1.0% (3/2)\n" TAIL, "progress" },
	{ HEAD R1 "      [=>...]  recovery = 1.0% (1/2) finish=xmin\n" TAIL, "finish" },
	{ HEAD R1 "      [=>...]  recovery = 1.0% (1/2) speed=1M/sec\n" TAIL, "speed" },
	{ HEAD R1 "      [=>...]  recovery = 1.0% (1/2) bogus\n" TAIL, "bogus" },
	{ HEAD R1 "      [=>...]  rebuild = 1.0%\n" TAIL, "unknown sync action" },
	{ HEAD R1 "      resync=LATER\n" TAIL, "percentage" },
	{ HEAD R1 "      resync=DELAYED x\n" TAIL, "after the sync state" },
	{ HEAD R1 "      resync=DELAYED\n      resync=DELAYED\n" TAIL, "second sync" },
	{ HEAD R1 "      bitmap: 3/2 pages [0KB], 65536KB chunk\n" TAIL, "bitmap" },
	{ HEAD R1 "      1024 blocks\n" TAIL, "second size" },
	{ HEAD R1 "      ???\n" TAIL, "unexpected" },
	{ HEAD R1 R1 TAIL, "twice" },
	{ HEAD "md0123456789012345678901234567890123 : active raid1 sda1[0]\n" TAIL,
	  "too long" },
};

START_TEST(test_mdstat_bad)
{
	const char *text = bad[_i].text;
	size_t len = strlen(text);
	struct pl_mdstat st;
	char err[256];

	/* The NUL case is longer than strlen() says. */
	if (strstr(bad[_i].why, "NUL") != NULL)
		len = sizeof("Personalities : [raid1]\nmd0 : active raid1 sda1[0]\0\n" TAIL) - 1;
	ck_assert_msg(pl_mdstat_parse(text, len, &st, err, sizeof(err)) == -1,
		      "case %d parsed: %s", _i, text);
	ck_assert_msg(strstr(err, bad[_i].why) != NULL, "case %d: '%s' lacks '%s'", _i, err,
		      bad[_i].why);
	ck_assert_uint_eq(st.narrays, 0);
	ck_assert_ptr_null(st.arrays);
	pl_mdstat_free(&st);
}
END_TEST

/* One malformed stanza is that array's problem: the file parses, the array says why. */
START_TEST(test_mdstat_bad_array)
{
	struct pl_mdstat st;
	char err[256];
	size_t nbad = 0;

	ck_assert_msg(pl_mdstat_parse(bad_array[_i].text, strlen(bad_array[_i].text), &st, err,
				      sizeof(err)) == 0, "case %d: %s", _i, err);
	for (size_t i = 0; i < st.narrays; i++) {
		if (!st.arrays[i].malformed)
			continue;
		nbad++;
		ck_assert_msg(strstr(st.arrays[i].problem, bad_array[_i].why) != NULL,
			      "case %d: '%s' lacks '%s'", _i, st.arrays[i].problem,
			      bad_array[_i].why);
		ck_assert_msg(strncmp(st.arrays[i].problem, "line ", 5) == 0,
			      "case %d: '%s' names no line", _i, st.arrays[i].problem);
		ck_assert(st.arrays[i].name[0] != '\0');
	}
	ck_assert_uint_eq(nbad, 1);
	pl_mdstat_free(&st);
}
END_TEST

/* The tester's file: md7's bad percentage must not hide md6's failed disk; a name with
 * an escape sequence is its stanza's problem, shown escaped; the arrays after a
 * malformed stanza are read as usual. */
START_TEST(test_mdstat_recovers)
{
	static const char text[] =
		"Personalities : [raid1]\n"
		"md6 : active raid1 sdb2[2](F) sda2[0]\n"
		"      195310144 blocks [2/1] [U_]\n"
		"\n"
		"md7 : active raid1 sdc[0] sdd[1]\n"
		"      100 blocks [2/2] [UU]\n"
		"      [=>...]  recovery = 150.0% (1/100) finish=1.0min speed=1K/sec\n"
		"      bitmap: 0/1 pages [0KB], 65536KB chunk\n"
		"\n"
		"md\x1b[31m : active raid1 sde[0] sdf[1]\n"
		"      100 blocks [2/2] [UU]\n"
		"\n"
		"md8 : active raid1 sdg[0] sdh[1]\n"
		"      100 blocks [2/2] [UU]\n"
		"\n"
		"unused devices: <none>\n";
	struct pl_mdstat st;
	char err[256];

	ck_assert_int_eq(pl_mdstat_parse(text, sizeof(text) - 1, &st, err, sizeof(err)), 0);
	ck_assert_uint_eq(st.narrays, 4);
	ck_assert_str_eq(st.arrays[0].name, "md6");
	ck_assert(!st.arrays[0].malformed);
	ck_assert_uint_eq(st.arrays[0].nfaulty, 1);
	ck_assert_str_eq(st.arrays[1].name, "md7");
	ck_assert(st.arrays[1].malformed);
	ck_assert_str_eq(st.arrays[1].problem, "line 7: bad recovery percentage");
	ck_assert_str_eq(st.arrays[2].name, "md\x1b[31m");
	ck_assert(st.arrays[2].malformed);
	ck_assert_str_eq(st.arrays[2].problem,
			 "line 10: bad array name 'md\\x1b[31m' (letters, digits, '_', '-', '.')");
	ck_assert_str_eq(st.arrays[3].name, "md8");
	ck_assert(!st.arrays[3].malformed);
	ck_assert_uint_eq(st.arrays[3].raid_disks, 2);
	ck_assert_uint_eq(st.nmembers, 6);     /* none read of the badly named one */
	pl_mdstat_free(&st);
}
END_TEST

/* Forms the fixtures lack: flags, named arrays, old and cluster forms, repair. */
START_TEST(test_mdstat_forms)
{
	static const char text[] =
		"Personalities : [linear] [raid1] [raid10] [raid5]\n"
		"read_ahead 1024 sectors\n"
		"md_d0 : active (read-only) raid1 sdc1[2](S) sdb1[1](W) sda1[0] sdd1[3](R)\n"
		"      1024 blocks super 1.2 [2/2] [UU]\n"
		"      recovery=DELAYED\n"
		"\n"
		"md1 : active raid10 sda2[0] sdb2[1](F) sdc2[2] sdd2[3] sde2[4](J)\n"
		"      2048 blocks super 1.2 64K chunks 2 far-copies 4 devices per set [4/3] [U_UU]\n"
		"      [>....................]  repair =  0.0% (0/2048) finish=0.0min speed=0K/sec\n"
		"      bitmap: 1/1 pages [4KB], 65536KB chunk, file: /var/md1.bitmap\n"
		"\n"
		"md2 : active linear sdf1[0] sdg1[1]\n"
		"      4096 blocks super 1.2 64k rounding\n"
		"      \n"
		"md3 : inactive\n"
		"       \n"
		"md4 : active raid1 sdh[0] sdi[1]\n"
		"      8 blocks super 1.2 [2/2] [UU]\n"
		"      \trecover=REMOTE\n"
		"md5 : active raid1 sdj[0] sdk[1]\n"
		"      8 blocks [2/2] [UU]\n"
		"      resync = 50.0%\n"
		"unused devices: sdx1 sdy1 \n";
	struct pl_mdstat st;
	const struct pl_md_array *a;
	char err[256];

	ck_assert_msg(pl_mdstat_parse(text, sizeof(text) - 1, &st, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_uint_eq(st.narrays, 6);
	ck_assert_str_eq(st.personalities, "[linear] [raid1] [raid10] [raid5]");
	a = &st.arrays[0];
	ck_assert_str_eq(a->name, "md_d0");
	ck_assert(a->read_only && !a->auto_read_only);
	ck_assert_uint_eq(a->nspare, 1);
	ck_assert_uint_eq(pl_md_member(&st, a, 0)->flags, PL_MD_SPARE);
	ck_assert_uint_eq(pl_md_member(&st, a, 1)->flags, PL_MD_WRITE_MOSTLY);
	ck_assert_uint_eq(pl_md_member(&st, a, 3)->flags, PL_MD_REPLACEMENT);
	ck_assert_int_eq(a->action, PL_MD_RECOVERY);
	ck_assert_int_eq(a->progress, PL_MD_DELAYED);
	a = &st.arrays[1];
	ck_assert_uint_eq(a->nfaulty, 1);
	ck_assert_uint_eq(pl_md_member(&st, a, 4)->flags, PL_MD_JOURNAL);
	ck_assert_uint_eq(a->chunk_kb, 64);
	ck_assert_str_eq(a->status, "U_UU");
	ck_assert_int_eq(a->action, PL_MD_REPAIR);
	ck_assert_double_eq(a->percent, 0);
	ck_assert(a->has_bitmap && a->bitmap_pages == 1 && a->bitmap_total == 1);
	a = &st.arrays[2];
	ck_assert_str_eq(a->level, "linear");
	ck_assert_uint_eq(a->chunk_kb, 64);
	ck_assert(!a->has_counts);
	ck_assert_uint_eq(pl_md_degraded(a), 0);
	a = &st.arrays[3];
	ck_assert_int_eq(a->state, PL_MD_INACTIVE);
	ck_assert_uint_eq(a->nmembers, 0);
	ck_assert(!a->has_blocks);
	ck_assert(!pl_md_is_container(a));
	a = &st.arrays[4];
	ck_assert_int_eq(a->action, PL_MD_RECOVERY);
	ck_assert_int_eq(a->progress, PL_MD_REMOTE);
	a = &st.arrays[5];
	ck_assert_int_eq(a->action, PL_MD_RESYNC);
	ck_assert_double_eq(a->percent, 50);
	ck_assert(!a->has_done && !a->has_finish && !a->has_speed);
	pl_mdstat_free(&st);
}
END_TEST

START_TEST(test_mdstat_sysfs)
{
	enum pl_md_action act;
	uint64_t d = 9, t = 9;

	ck_assert_int_eq(pl_md_sync_action_parse("repair", &act), 0);
	ck_assert_int_eq(act, PL_MD_REPAIR);
	ck_assert_int_eq(pl_md_sync_action_parse("recover", &act), 0);
	ck_assert_int_eq(act, PL_MD_RECOVERY);
	ck_assert_int_eq(pl_md_sync_action_parse("frozen", &act), 0);
	ck_assert_int_eq(act, PL_MD_IDLE);
	ck_assert_int_eq(pl_md_sync_action_parse("", &act), -1);
	ck_assert_int_eq(pl_md_sync_action_parse("resync ", &act), -1);
	ck_assert_int_eq(pl_md_sync_completed_parse("228352 / 3987456", &d, &t), 1);
	ck_assert_uint_eq(d, 228352);
	ck_assert_uint_eq(t, 3987456);
	ck_assert_int_eq(pl_md_sync_completed_parse("none", &d, &t), 0);
	ck_assert_int_eq(pl_md_sync_completed_parse("delayed", &d, &t), 0);
	ck_assert_int_eq(pl_md_sync_completed_parse("5 / 4", &d, &t), -1);
	ck_assert_int_eq(pl_md_sync_completed_parse("5/40", &d, &t), -1);
	ck_assert_int_eq(pl_md_sync_completed_parse("5 / 40x", &d, &t), -1);
	ck_assert_int_eq(pl_md_sync_completed_parse("", &d, &t), -1);
	ck_assert_str_eq(pl_md_action_name(PL_MD_RESHAPE), "reshape");
	ck_assert_str_eq(pl_md_action_name(PL_MD_IDLE), "idle");
}
END_TEST

/* --- pl_md_judge: the verdict on each array of a fixture, with its sysfs ---------------- */

static const struct pl_md_policy pol_default = { PL_OK, PL_CRITICAL, false };
static const struct pl_md_policy pol_strict = { PL_WARNING, PL_WARNING, true };

static const struct {
	const char *fixture;      /* tests/fixtures/mdraid/<fixture> (mdstat and sysfs) */
	const char *array;
	const struct pl_md_policy *pol;
	enum pl_state state;
	const char *findings;     /* the findings' texts joined by " / " */
	const char *brief;
	unsigned degraded;
	double sync;              /* NAN: none */
	bool mending;
} judge_cases[] = {
	{ "raid1-healthy", "md0", &pol_default, PL_OK, "", "md0 raid1 [UU]", 0, NAN, false },
	{ "raid1-degraded", "md6", &pol_default, PL_CRITICAL,
	  "failed member sdb2 / raid1 degraded [2/1] [U_]", "md6 raid1 [U_] degraded", 1, NAN,
	  false },
	{ "raid1-check", "md201", &pol_default, PL_OK, "", "md201 raid1 [UU] check 5.7%", 0, 5.7,
	  false },
	{ "raid1-check", "md201", &pol_strict, PL_WARNING,
	  "raid1 check 5.7%, ETA <1min at 111.5MiB/s", "md201 raid1 [UU] check 5.7%", 0, 5.7,
	  false },
	/* a recovery with a disk for every missing slot mends: WARNING, not CRITICAL */
	{ "raid5-recovering", "md0", &pol_default, PL_WARNING,
	  "raid5 [UUU_] recovery 37.9%, ETA 8h26m at 156MiB/s",
	  "md0 raid5 [UUU_] recovery 37.9%", 1, 37.9, true },
	/* a reshape of a degraded array does not mend it */
	{ "raid5-reshape", "md42", &pol_default, PL_CRITICAL,
	  "raid5 degraded [3/2] [UU_] / raid5 [UU_] reshape 56.1%, ETA 31h08m at 7.46MiB/s",
	  "md42 raid5 [UU_] degraded reshape 56.1%", 1, 56.1, false },
	{ "raid1-failed-rebuilding", "md0", &pol_default, PL_CRITICAL,
	  "failed member sdb1 / raid1 [U_] recovery 12.6%, ETA 1h11m at 195.3MiB/s",
	  "md0 raid1 [U_] recovery 12.6%", 1, 12.6, true },
	{ "raid1-degraded-resync-pending", "md0", &pol_default, PL_CRITICAL,
	  "raid1 degraded [2/1] [U_] / raid1 [U_] resync pending",
	  "md0 raid1 [U_] degraded resync pending", 1, NAN, false },
	/* sysfs sync_action tells a repair from the resync mdstat prints */
	{ "raid1-repair", "md0", &pol_default, PL_OK, "", "md0 raid1 [UU] repair 21.4%", 0, 21.4,
	  false },
	{ "raid1-mismatch", "md0", &pol_default, PL_OK, "", "md0 raid1 [UU]", 0, NAN, false },
	{ "raid1-mismatch", "md0", &pol_strict, PL_WARNING,
	  "mismatch_cnt 256 after the last check (run a repair, or find out why)",
	  "md0 raid1 [UU]", 0, NAN, false },
	{ "raid0", "md12", &pol_default, PL_OK, "", "md12 raid0", 0, NAN, false },
	{ "inactive", "md219", &pol_default, PL_OK, "", "md219 imsm container", 0, NAN, false },
	{ "many-arrays", "md4", &pol_default, PL_CRITICAL, "inactive (assembled but not started)",
	  "md4 inactive", 0, NAN, false },
	{ "many-arrays", "md4", &pol_strict, PL_WARNING, "inactive (assembled but not started)",
	  "md4 inactive", 0, NAN, false },
	{ "many-arrays", "md9", &pol_default, PL_WARNING, "raid1 resync delayed",
	  "md9 raid1 [UUUU] resync delayed", 0, NAN, false },
	{ "many-arrays", "md7", &pol_default, PL_CRITICAL, "raid6 degraded [4/3] [U_UU]",
	  "md7 raid6 [U_UU] degraded", 1, NAN, false },
};

START_TEST(test_md_judge)
{
	struct pl_mdstat st;
	struct pl_md_sys sys;
	struct pl_md_judgement j;
	struct pl_buf b = PL_BUF_INIT, f = PL_BUF_INIT;
	char root[4096], err[256] = "";
	const struct pl_md_array *a = NULL;

	pl_snprintf(root, sizeof(root), "%s/mdraid/%s", fixtures_dir(), judge_cases[_i].fixture);
	ck_assert_int_eq(pl_read_file(root, "/proc/mdstat", &b, err, sizeof(err)), 0);
	ck_assert_int_eq(pl_mdstat_parse(pl_buf_str(&b), b.len, &st, err, sizeof(err)), 0);
	for (size_t i = 0; i < st.narrays; i++)
		if (strcmp(st.arrays[i].name, judge_cases[_i].array) == 0)
			a = &st.arrays[i];
	ck_assert_ptr_nonnull(a);
	pl_md_sys_read(root, a->name, &sys);
	pl_md_judge(&st, a, &sys, judge_cases[_i].pol, &j);
	pl_buf_init(&f, 1024);
	for (size_t i = 0; i < j.findings.n; i++)
		pl_buf_printf(&f, "%s%s", i ? " / " : "", j.findings.v[i].text);
	ck_assert_int_eq(j.findings.worst, judge_cases[_i].state);
	ck_assert_str_eq(pl_buf_str(&f), judge_cases[_i].findings);
	ck_assert_str_eq(j.brief, judge_cases[_i].brief);
	ck_assert_uint_eq(j.degraded, judge_cases[_i].degraded);
	if (isnan(judge_cases[_i].sync))
		ck_assert(isnan(j.sync));
	else
		ck_assert_double_eq_tol(j.sync, judge_cases[_i].sync, 1e-9);
	ck_assert(j.mending == judge_cases[_i].mending);
	pl_buf_free(&f);
	pl_buf_free(&b);
	pl_mdstat_free(&st);
}
END_TEST

START_TEST(test_md_eta)
{
	static const struct { double min; const char *text; } eta[] = {
		{ 0.2, "<1min" }, { 1, "1min" }, { 59.4, "59min" }, { 59.6, "1h00m" },
		{ 505.9, "8h26m" }, { 2879, "47h59m" }, { 2880, "2d00h" }, { 4620, "3d05h" },
		/* a finish= past any long (the fuzzer's 1e75min): capped, never undefined */
		{ 1e75, "694444d10h" }, { 1e9, "694444d10h" }, { NAN, "?" },
	};
	char buf[32];

	for (size_t i = 0; i < sizeof(eta) / sizeof(eta[0]); i++)
		ck_assert_str_eq(pl_md_eta_text(buf, sizeof(buf), eta[i].min), eta[i].text);
}
END_TEST

/* Every prefix of a real file either parses to the whole file's arrays or fails: a
 * truncated read never passes for a smaller healthy file. */
START_TEST(test_mdstat_prefixes)
{
	struct pl_buf b = PL_BUF_INIT;
	struct pl_mdstat st;
	char err[256];

	ck_assert(read_fixture("many-arrays", &b) == 0);
	for (size_t n = 0; n < b.len; n++) {
		int rc = pl_mdstat_parse(b.data, n, &st, err, sizeof(err));

		ck_assert_msg(rc == -1, "prefix of %zu bytes parsed", n);
		pl_mdstat_free(&st);
	}
	ck_assert_int_eq(pl_mdstat_parse(b.data, b.len, &st, err, sizeof(err)), 0);
	pl_mdstat_free(&st);
	pl_buf_free(&b);
}
END_TEST

TCase *
tc_mdstat(void)
{
	TCase *tc = tcase_create("mdstat");

	tcase_add_loop_test(tc, test_mdstat_fixtures, 0, (int)(sizeof(wants) / sizeof(wants[0])));
	tcase_add_loop_test(tc, test_mdstat_bad, 0, (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_loop_test(tc, test_mdstat_bad_array, 0,
			    (int)(sizeof(bad_array) / sizeof(bad_array[0])));
	tcase_add_test(tc, test_mdstat_recovers);
	tcase_add_test(tc, test_mdstat_forms);
	tcase_add_test(tc, test_mdstat_sysfs);
	tcase_add_loop_test(tc, test_md_judge, 0, (int)(sizeof(judge_cases) / sizeof(judge_cases[0])));
	tcase_add_test(tc, test_md_eta);
	tcase_add_test(tc, test_mdstat_prefixes);
	return tc;
}
