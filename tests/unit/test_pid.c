/* Unit tests of the per-process /proc parsers (pl_pid) on the fixture tree
 * tests/fixtures/process/host and on malformed buffers. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "pl_buf.h"
#include "pl_file.h"
#include "pl_pid.h"
#include "tests.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static void
read_fixture(const char *path, struct pl_buf *out)
{
	char dir[4096], err[512] = "";

	pl_snprintf(dir, sizeof(dir), "%s/process/host", fixtures_dir());
	pl_buf_init(out, 0);
	ck_assert_msg(pl_read_file(dir, path, out, err, sizeof(err)) == 0, "%s", err);
}

/* Captured stat files: pid, comm, state, ppid, kernel thread, threads, starttime, rss. */
static const struct {
	const char *path;
	int64_t pid;
	const char *comm;
	char state;
	int64_t ppid;
	bool kthread;
	int64_t threads;
	uint64_t start;
	int64_t rss;
} stat_cases[] = {
	{ "/proc/16038/stat", 16038, "long-running-wo", 'S', 16032, false, 1, 73589, 410 },
	{ "/proc/16040/stat", 16040, "a) b (c", 'S', 16032, false, 1, 73589, 396 },
	{ "/proc/16146/stat", 16146, "python3", 'Z', 16043, false, 1, 73614, 0 },
	{ "/proc/16070/stat", 16070, "long-running-wo", 'D', 16032, false, 1, 73589, 392 },
	{ "/proc/2/stat", 2, "kthreadd", 'S', 0, true, 1, 14, 0 },
	{ "/proc/4/stat", 4, "kworker/R-rcu_gp", 'I', 2, true, 1, 14, 0 },
	{ "/proc/1/stat", 1, "process_api", 'S', 0, false, 12, 14, 3461 },
};

START_TEST(stat_fixtures)
{
	struct pl_buf b;
	struct pl_pid_stat s;
	char err[256] = "";

	read_fixture(stat_cases[_i].path, &b);
	ck_assert_msg(pl_pid_stat_parse(pl_buf_str(&b), b.len, &s, err, sizeof(err)) == 0,
		      "%s: %s", stat_cases[_i].path, err);
	ck_assert_int_eq(s.pid, stat_cases[_i].pid);
	ck_assert_str_eq(s.comm, stat_cases[_i].comm);
	ck_assert_int_eq(s.state, stat_cases[_i].state);
	ck_assert_int_eq(s.ppid, stat_cases[_i].ppid);
	ck_assert_int_eq(pl_pid_is_kthread(&s), stat_cases[_i].kthread);
	ck_assert_int_eq(s.num_threads, stat_cases[_i].threads);
	ck_assert_uint_eq(s.starttime, stat_cases[_i].start);
	ck_assert_int_eq(s.rss, stat_cases[_i].rss);
	pl_buf_free(&b);
}
END_TEST

START_TEST(stat_python_times)
{
	struct pl_buf b;
	struct pl_pid_stat s;
	char err[256];

	read_fixture("/proc/16043/stat", &b);
	ck_assert_int_eq(pl_pid_stat_parse(pl_buf_str(&b), b.len, &s, err, sizeof(err)), 0);
	ck_assert_uint_eq(s.utime, 4);
	ck_assert_uint_eq(s.stime, 1);
	ck_assert_uint_eq(s.vsize, 16961536);
	pl_buf_free(&b);
}
END_TEST

/* Names that try to fool a parser that stops at the first ')'. */
START_TEST(stat_odd_names)
{
	static const struct { const char *text; const char *comm; char state; } v[] = {
		{ "7 (a) S 1 2 3) R 1 7 7 0 -1 4194304 0 0 0 0 5 6 0 0 20 0 3 0 99 100 7\n",
		  "a) S 1 2 3", 'R' },
		{ "7 () Z 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 99 0 0", "", 'Z' },
		{ "7 ((x)) S 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 99 0 0\n", "(x)", 'S' },
		{ "7 (new\nline) S 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 99 0 0\n", "new\nline", 'S' },
	};
	struct pl_pid_stat s;
	char err[256] = "";

	for (int i = 0; i < N(v); i++) {
		ck_assert_msg(pl_pid_stat_parse(v[i].text, strlen(v[i].text), &s, err, sizeof(err)) == 0,
			      "case %d: %s", i, err);
		ck_assert_str_eq(s.comm, v[i].comm);
		ck_assert_int_eq(s.state, v[i].state);
		ck_assert_uint_eq(s.starttime, 99);
	}
}
END_TEST

START_TEST(stat_broken)
{
	static const char *const v[] = {
		"",
		"x (a) S 1",
		"7 a) S 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 99 0 0\n",
		"7 (a S 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 99 0 0\n",
		"7 (a) S 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 99 0\n",       /* no rss */
		"7 (a) S 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 99 0 x\n",
		"7 (a) S 1 7 7 0 -1 0 0 0 0 -5 0 0 0 0 20 0 1 0 99 0 0\n",    /* utime < 0 */
		"7 (a) S -1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 99 0 0\n",
		"7 (a)  1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 99 0 0\n",      /* no state */
		"7 (a) S 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 99999999999999999999 0 0\n",
		"0 (a) S 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 99 0 0\n",
	};
	struct pl_pid_stat s;
	char err[256];

	for (int i = 0; i < N(v); i++) {
		err[0] = '\0';
		ck_assert_msg(pl_pid_stat_parse(v[i], strlen(v[i]), &s, err, sizeof(err)) == -1,
			      "case %d parsed", i);
		ck_assert_msg(strncmp(err, "stat: ", 6) == 0, "case %d: %s", i, err);
	}
	/* A NUL inside is malformed, never a shorter text. */
	ck_assert_int_eq(pl_pid_stat_parse("7 (a\0) S 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 99 0 0",
					   53, &s, err, sizeof(err)), -1);
}
END_TEST

/* Fields 26 and 27 (the text's addresses) when the line has them; a line without them
 * or with a garbled one still parses, without them. */
START_TEST(stat_code_fields)
{
	struct pl_buf b;
	struct pl_pid_stat s;
	char err[256] = "";
	static const char *const shorter[] = {
		"7 (a) S 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 99 0 0\n",
		"7 (a) S 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 99 0 0 18446744073709551615 5\n",
		"7 (a) S 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 99 0 0 18446744073709551615 5 x\n",
		"7 (a) S 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 99 0 0 1 5 9x 3\n",
	};

	read_fixture("/proc/16038/stat", &b);
	ck_assert_int_eq(pl_pid_stat_parse(pl_buf_str(&b), b.len, &s, err, sizeof(err)), 0);
	ck_assert(s.code_known);
	ck_assert_uint_eq(s.startcode, 94386372788224u);
	ck_assert_uint_eq(s.endcode, 94386372806153u);
	pl_buf_free(&b);
	read_fixture("/proc/2/stat", &b);
	ck_assert_int_eq(pl_pid_stat_parse(pl_buf_str(&b), b.len, &s, err, sizeof(err)), 0);
	ck_assert(s.code_known);
	ck_assert_uint_eq(s.startcode, 0);
	ck_assert_uint_eq(s.endcode, 0);
	pl_buf_free(&b);
	for (int i = 0; i < N(shorter); i++) {
		ck_assert_msg(pl_pid_stat_parse(shorter[i], strlen(shorter[i]), &s, err,
						sizeof(err)) == 0, "case %d: %s", i, err);
		ck_assert_msg(!s.code_known, "case %d", i);
		ck_assert_int_eq(s.rss, 0);
	}
	{
		const char *t = "7 (a) S 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 99 0 0 "
				"18446744073709551615 4096 8192";

		ck_assert_int_eq(pl_pid_stat_parse(t, strlen(t), &s, err, sizeof(err)), 0);
	}
	ck_assert(s.code_known);
	ck_assert_uint_eq(s.endcode - s.startcode, 4096);
}
END_TEST

START_TEST(stat_long_comm_cut)
{
	char text[512];
	struct pl_pid_stat s;
	char err[256];

	pl_snprintf(text, sizeof(text), "9 (%0100d) S 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 99 0 0\n", 0);
	ck_assert_int_eq(pl_pid_stat_parse(text, strlen(text), &s, err, sizeof(err)), 0);
	ck_assert(s.comm_cut);
	ck_assert_uint_eq(strlen(s.comm), PL_PID_COMM_MAX - 1);
}
END_TEST

START_TEST(status_fixtures)
{
	struct pl_buf b;
	struct pl_pid_status s;
	char err[256] = "";

	read_fixture("/proc/16042/status", &b);
	ck_assert_msg(pl_pid_status_parse(pl_buf_str(&b), b.len, &s, err, sizeof(err)) == 0, "%s", err);
	ck_assert_str_eq(s.name, "sleep");
	ck_assert_int_eq(s.state, 'S');
	ck_assert_int_eq(s.ppid, 16032);
	ck_assert_int_eq(s.tgid, 16042);
	ck_assert_uint_eq(s.uid[0], 65534);
	ck_assert_uint_eq(s.uid[1], 65534);
	ck_assert_uint_eq(s.gid[0], 65534);
	ck_assert(s.present & PL_PS_VMRSS);
	ck_assert_int_eq(s.threads, 1);
	pl_buf_free(&b);

	read_fixture("/proc/16146/status", &b);
	ck_assert_msg(pl_pid_status_parse(pl_buf_str(&b), b.len, &s, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(s.state, 'Z');
	ck_assert(!(s.present & PL_PS_VMRSS));     /* a zombie has no memory */
	pl_buf_free(&b);

	read_fixture("/proc/16038/status", &b);
	ck_assert_int_eq(pl_pid_status_parse(pl_buf_str(&b), b.len, &s, err, sizeof(err)), 0);
	ck_assert_str_eq(s.name, "long-running-wo");
	ck_assert_uint_eq(s.vmrss, 1748 * 1024);
	pl_buf_free(&b);
}
END_TEST

START_TEST(status_escapes_and_broken)
{
	static const char ok[] = "Name:\ta\\nb\\\\c\nState:\tS (sleeping)\nPPid:\t1\n"
				 "Uid:\t0\t1\t2\t3\n";
	static const char *const bad[] = {
		"State:\tS\nPPid:\t1\nUid:\t0\t0\t0\t0\n",               /* no Name */
		"Name:\ta\nState:\tS\nPPid:\t1\n",                       /* no Uid */
		"Name:\ta\nState:\tS\nPPid:\tx\nUid:\t0\t0\t0\t0\n",
		"Name:\ta\nState:\tS\nPPid:\t1\nUid:\t0\t0\t0\n",        /* 3 ids */
		"Name:\ta\nState:\tS\nPPid:\t1\nUid:\t0\t0\t0\t0\nVmRSS:\t12 MB\n",
		"Name:\ta\nState:\tS\nPPid:\t1\nUid:\t0\t0\t0\t99999999999\n",
		"Name:\tab",                                              /* cut */
	};
	struct pl_pid_status s;
	char err[256];

	ck_assert_int_eq(pl_pid_status_parse(ok, strlen(ok), &s, err, sizeof(err)), 0);
	ck_assert_str_eq(s.name, "a\nb\\c");
	ck_assert_uint_eq(s.uid[3], 3);
	for (int i = 0; i < N(bad); i++) {
		err[0] = '\0';
		ck_assert_msg(pl_pid_status_parse(bad[i], strlen(bad[i]), &s, err, sizeof(err)) == -1,
			      "case %d parsed", i);
		ck_assert_msg(strncmp(err, "status: ", 8) == 0, "case %d: %s", i, err);
	}
}
END_TEST

START_TEST(cmdline)
{
	static const char sh[] = "sh\0-c\0/usr/lib/nagios/plugins/check_process 1006 0; true";
	struct pl_buf b;
	struct pl_buf t = PL_BUF_INIT;
	const char *a;
	size_t n;

	read_fixture("/proc/16045/cmdline", &b);
	ck_assert_uint_eq(pl_pid_cmdline_text(pl_buf_str(&b), b.len, &t), 3);
	ck_assert_str_eq(pl_buf_str(&t), "sh -c /usr/lib/nagios/plugins/check_process 1006 0; true");
	a = pl_pid_cmdline_arg(pl_buf_str(&b), b.len, 2, &n);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(n, strlen("/usr/lib/nagios/plugins/check_process 1006 0; true"));
	ck_assert_ptr_null(pl_pid_cmdline_arg(pl_buf_str(&b), b.len, 3, &n));
	pl_buf_free(&b);
	/* A rewritten command line without its last NUL counts the same. */
	pl_buf_reset(&t);
	ck_assert_uint_eq(pl_pid_cmdline_text(sh, sizeof(sh) - 1, &t), 3);
	ck_assert_str_eq(pl_buf_str(&t), "sh -c /usr/lib/nagios/plugins/check_process 1006 0; true");
	/* A kernel thread's or zombie's is empty. */
	pl_buf_reset(&t);
	ck_assert_uint_eq(pl_pid_cmdline_text("", 0, &t), 0);
	ck_assert_str_eq(pl_buf_str(&t), "");
	/* Empty arguments stay as blanks: "a  b". */
	pl_buf_reset(&t);
	ck_assert_uint_eq(pl_pid_cmdline_text("a\0\0b\0", 5, &t), 3);
	ck_assert_str_eq(pl_buf_str(&t), "a  b");
	pl_buf_free(&t);
}
END_TEST

START_TEST(cgroup)
{
	static const char v2[] = "0::/system.slice/nginx.service\n";
	static const char hybrid_root[] = "9:name=systemd:/user.slice/session-3.scope\n"
					  "4:memory:/x\n0::/\n";
	struct pl_buf b;
	struct pl_cgroup_line l;
	const char *p;
	size_t n, pos = 0, lines = 0;
	char err[256];
	bool memory = false;

	ck_assert_int_eq(pl_pid_cgroup_parse(v2, strlen(v2), &p, &n, err, sizeof(err)), 0);
	ck_assert_uint_eq(n, strlen("/system.slice/nginx.service"));
	ck_assert(pl_cgroup_has_unit(p, n, "nginx.service"));
	ck_assert(pl_cgroup_has_unit(p, n, "system.slice"));
	ck_assert(!pl_cgroup_has_unit(p, n, "nginx"));
	ck_assert(!pl_cgroup_has_unit(p, n, "x.service"));
	/* A user's own unit of the same name is not the system's. */
	{
		const char *u = "/user.slice/user-1000.slice/user@1000.service/app.slice/"
				"nginx.service";
		size_t un = strlen(u);

		ck_assert(!pl_cgroup_has_unit(u, un, "nginx.service"));
		ck_assert(!pl_cgroup_has_unit(u, un, "app.slice"));
		ck_assert(pl_cgroup_has_unit(u, un, "user@1000.service"));
		ck_assert(pl_cgroup_has_unit(u, un, "user-1000.slice"));
	}
	ck_assert(pl_cgroup_under(p, n, "/system.slice"));
	ck_assert(pl_cgroup_under(p, n, "/system.slice/"));
	ck_assert(pl_cgroup_under(p, n, "/"));
	ck_assert(pl_cgroup_under(p, n, "/system.slice/nginx.service"));
	ck_assert(!pl_cgroup_under(p, n, "/system"));
	ck_assert(!pl_cgroup_under(p, n, "/system.slice/nginx.service/x"));
	ck_assert(!pl_cgroup_is_container(p, n));

	ck_assert_int_eq(pl_pid_cgroup_parse(hybrid_root, strlen(hybrid_root), &p, &n, err,
					     sizeof(err)), 0);
	ck_assert_uint_eq(n, strlen("/user.slice/session-3.scope"));

	/* The captured hybrid file of this host: every hierarchy at "/" but memory. */
	read_fixture("/proc/16043/cgroup", &b);
	ck_assert_int_eq(pl_pid_cgroup_parse(pl_buf_str(&b), b.len, &p, &n, err, sizeof(err)), 0);
	ck_assert_uint_eq(n, 1);
	while (pl_pid_cgroup_next(pl_buf_str(&b), b.len, &pos, &l)) {
		lines++;
		if (l.nctrl == 6 && memcmp(l.ctrl, "memory", 6) == 0)
			memory = pl_cgroup_under(l.path, l.plen, "/process_api");
	}
	ck_assert_uint_eq(lines, 10);
	ck_assert(memory);
	pl_buf_free(&b);

	ck_assert(pl_cgroup_is_container("/system.slice/docker-3f2a9c01d4e5.scope", 39));
	/* Host services and a user's scopes named like a runtime's are not containers. */
	ck_assert(!pl_cgroup_is_container("/system.slice/docker-cleanup.service", 36));
	ck_assert(!pl_cgroup_is_container("/system.slice/kubepods-exporter.service", 39));
	ck_assert(!pl_cgroup_is_container("/user.slice/user-1000.slice/docker-fake.scope", 45));
	{
		const char *u = "/user.slice/user-1000.slice/user@1000.service/app.slice/"
				"docker-3f2a9c01d4e5.scope";

		ck_assert(!pl_cgroup_is_container(u, strlen(u)));
	}
	ck_assert(pl_cgroup_is_container("/kubepods.slice/kubepods-burstable.slice/x", 42));
	ck_assert(pl_cgroup_is_container("/lxc.payload.web/init.scope", 27));
	ck_assert(!pl_cgroup_is_container("/system.slice/machine.slice", 27));
	ck_assert(pl_cgroup_is_container("/docker/3f2a", 12));
	ck_assert(pl_cgroup_is_container("/machine.slice/machine-qemu.scope", 33));
	ck_assert(!pl_cgroup_is_container("/system.slice/dockerd.service", 29));
	ck_assert_int_eq(pl_pid_cgroup_parse("garbage\n", 8, &p, &n, err, sizeof(err)), -1);
	ck_assert_int_eq(pl_pid_cgroup_parse("x::/a\n", 6, &p, &n, err, sizeof(err)), -1);
	ck_assert_int_eq(pl_pid_cgroup_parse("", 0, &p, &n, err, sizeof(err)), -1);
}
END_TEST

START_TEST(pidfile)
{
	static const struct { const char *text; int rc; int64_t pid; } v[] = {
		{ "16038\n", 0, 16038 }, { "16038", 0, 16038 }, { " 42 \n", 0, 42 },
		{ "", -1, 0 }, { "\n", -1, 0 }, { "0\n", -1, 0 }, { "-5\n", -1, 0 },
		{ "4194305\n", -1, 0 }, { "12\n13\n", -1, 0 }, { "12abc\n", -1, 0 },
		{ "x12\n", -1, 0 }, { "12\n\n", -1, 0 },
	};
	char err[256];

	for (int i = 0; i < N(v); i++) {
		int64_t pid = 0;

		ck_assert_msg(pl_pidfile_parse(v[i].text, strlen(v[i].text), &pid, err, sizeof(err)) ==
			      v[i].rc, "case %d", i);
		if (v[i].rc == 0)
			ck_assert_int_eq(pid, v[i].pid);
	}
}
END_TEST

START_TEST(pid_dir_names)
{
	static const struct { const char *name; bool ok; uint64_t pid; } v[] = {
		{ "1", true, 1 }, { "16038", true, 16038 }, { "4194304", true, 4194304 },
		{ "4194305", false, 0 }, { "0", false, 0 }, { "0123", false, 0 },
		{ "00", false, 0 }, { "", false, 0 }, { "self", false, 0 },
		{ "12a", false, 0 }, { "+12", false, 0 }, { "-1", false, 0 },
		{ " 12", false, 0 }, { "99999999", false, 0 }, { "18446744073709551617", false, 0 },
	};

	for (int i = 0; i < N(v); i++) {
		uint64_t pid = 7;

		ck_assert_msg(pl_pid_name(v[i].name, &pid) == v[i].ok, "case %d (%s)", i, v[i].name);
		ck_assert_uint_eq(pid, v[i].ok ? v[i].pid : 7);
	}
}
END_TEST

START_TEST(exe_basename)
{
	static const struct { const char *path, *base; } v[] = {
		{ "/usr/sbin/nginx", "nginx" }, { "/usr/sbin/nginx (deleted)", "nginx" },
		{ "nginx", "nginx" }, { "/", "" }, { "", "" }, { "/a b/c d", "c d" },
	};

	for (int i = 0; i < N(v); i++) {
		const char *b;
		size_t n;

		pl_pid_basename(v[i].path, strlen(v[i].path), &b, &n);
		ck_assert_uint_eq(n, strlen(v[i].base));
		ck_assert(memcmp(b, v[i].base, n) == 0);
	}
}
END_TEST

START_TEST(cpu_pct)
{
	/* 150 ticks of 100 Hz over 3 s: half a CPU */
	ck_assert(fabs(pl_pid_cpu_pct(1000, 1150, 100, 3) - 50) < 1e-9);
	/* two CPUs busy: 200% */
	ck_assert(fabs(pl_pid_cpu_pct(0, 1200, 100, 6) - 200) < 1e-9);
	ck_assert(pl_pid_cpu_pct(5, 5, 100, 1) == 0);
	ck_assert(isnan(pl_pid_cpu_pct(10, 9, 100, 1)));    /* went back */
	ck_assert(isnan(pl_pid_cpu_pct(0, 9, 100, 0)));     /* no time between */
	ck_assert(isnan(pl_pid_cpu_pct(0, 9, 0, 1)));       /* no tick rate */
	ck_assert(isnan(pl_pid_cpu_pct(0, 9, 100, NAN)));
}
END_TEST

TCase *
tc_pid(void)
{
	TCase *tc = tcase_create("pid");

	tcase_add_loop_test(tc, stat_fixtures, 0, N(stat_cases));
	tcase_add_test(tc, stat_python_times);
	tcase_add_test(tc, stat_odd_names);
	tcase_add_test(tc, stat_broken);
	tcase_add_test(tc, stat_long_comm_cut);
	tcase_add_test(tc, stat_code_fields);
	tcase_add_test(tc, status_fixtures);
	tcase_add_test(tc, status_escapes_and_broken);
	tcase_add_test(tc, cmdline);
	tcase_add_test(tc, cgroup);
	tcase_add_test(tc, pidfile);
	tcase_add_test(tc, pid_dir_names);
	tcase_add_test(tc, exe_basename);
	tcase_add_test(tc, cpu_pct);
	return tc;
}
