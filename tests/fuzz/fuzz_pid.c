/* Fuzz target: the per-process parsers of pl_pid (stat, status, cmdline, cgroup,
 * pidfile, a /proc directory's name) over the same arbitrary bytes.
 * fuzz-seeds: proc/16038/stat proc/16040/stat proc/16146/stat proc/2/stat proc/16042/status proc/16146/status proc/16045/cmdline proc/16043/cgroup run/worker.pid */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pl_buf.h"
#include "pl_pid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data, *path, *a;
	struct pl_pid_stat st;
	struct pl_pid_status ps;
	struct pl_cgroup_line l;
	struct pl_buf t = PL_BUF_INIT;
	char err[256];
	size_t n, args, pos = 0, plen;
	int64_t pid;

	if (pl_pid_stat_parse(buf, size, &st, err, sizeof(err)) == 0) {
		if (st.pid <= 0 || st.ppid < 0 || st.num_threads < 0 || st.rss < 0)
			abort();
		if (strlen(st.comm) >= PL_PID_COMM_MAX)
			abort();
	}
	if (pl_pid_status_parse(buf, size, &ps, err, sizeof(err)) == 0) {
		if (!(ps.present & PL_PS_NAME) || !(ps.present & PL_PS_UID))
			abort();
		if (strlen(ps.name) >= PL_PID_COMM_MAX)
			abort();
	}
	pl_buf_init(&t, 1 << 20);
	args = pl_pid_cmdline_text(buf, size, &t);
	if (t.len > size)
		abort();
	for (size_t i = 0; i < args; i++)
		if ((a = pl_pid_cmdline_arg(buf, size, i, &n)) == NULL || a < buf || a + n > buf + size)
			abort();
	if (pl_pid_cmdline_arg(buf, size, args, &n) != NULL)
		abort();
	pl_buf_free(&t);
	while (pl_pid_cgroup_next(buf, size, &pos, &l))
		if (l.path < buf || l.path + l.plen > buf + size || l.plen == 0 || l.path[0] != '/')
			abort();
	if (pl_pid_cgroup_parse(buf, size, &path, &plen, err, sizeof(err)) == 0) {
		if (path < buf || path + plen > buf + size)
			abort();
		(void)pl_cgroup_has_unit(path, plen, "a.service");
		(void)pl_cgroup_under(path, plen, "/a");
		(void)pl_cgroup_is_container(path, plen);
	}
	if (pl_pidfile_parse(buf, size, &pid, err, sizeof(err)) == 0 && (pid < 1 || pid > 4194304))
		abort();
	/* A directory name of /proc: the first bytes up to a NUL, at most 15. */
	{
		char name[16];
		uint64_t v;

		n = size < sizeof(name) - 1 ? size : sizeof(name) - 1;
		memcpy(name, buf, n);
		name[n] = '\0';
		if (pl_pid_name(name, &v) && (v < 1 || v > 4194304 || name[0] == '0'))
			abort();
	}
	return 0;
}
