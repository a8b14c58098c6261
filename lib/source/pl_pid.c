#include "config.h"

#include <ctype.h>
#include <math.h>
#include <string.h>

#include "pl_buf.h"
#include "pl_i18n.h"
#include "pl_num.h"
#include "pl_pid.h"
#include "pl_text.h"

/* The last ')' in [buf, buf + len), or NULL: memrchr, since the 30-odd fields after
 * the name are most of the line (a byte loop from the end was a third of the parse). */
static const char *
last_paren(const char *buf, size_t len)
{
	return memrchr(buf, ')', len);
}

int
pl_pid_stat_parse(const char *buf, size_t len, struct pl_pid_stat *out, char *err,
		  size_t errlen)
{
	const char *p = buf, *end = buf + len, *open, *close;
	int64_t f[25];
	size_t n;

	memset(out, 0, sizeof(*out));
	if (len == 0 || memchr(buf, '\0', len) != NULL) {
		pl_snprintf(err, errlen, "%s", len == 0 ? _("stat: empty") :
			    _("stat: a NUL byte in the text"));
		return -1;
	}
	if (pl_scan_i64(&p, end, &out->pid) != 0 || out->pid <= 0) {
		pl_snprintf(err, errlen, _("stat: no process id at the start"));
		return -1;
	}
	if (end - p < 2 || p[0] != ' ' || p[1] != '(') {
		pl_snprintf(err, errlen, _("stat: no '(' after the process id"));
		return -1;
	}
	open = p + 2;
	close = last_paren(open, (size_t)(end - open));
	if (close == NULL) {
		pl_snprintf(err, errlen, _("stat: no ')' after the command name"));
		return -1;
	}
	n = (size_t)(close - open);
	out->comm_cut = n >= sizeof(out->comm);
	if (out->comm_cut)
		n = sizeof(out->comm) - 1;
	memcpy(out->comm, open, n);
	out->comm[n] = '\0';
	p = close + 1;
	if (end - p < 3 || p[0] != ' ' || p[1] == ' ' || p[1] == '\n' || p[2] != ' ') {
		pl_snprintf(err, errlen, _("stat: no state after the command name"));
		return -1;
	}
	out->state = p[1];
	p += 2;
	/* Fields 4..24; signed ones (tty_nr, tpgid, cutime, priority, nice) are read as
	 * signed, and those that cannot be negative are checked below. */
	for (int i = 4; i <= 24; i++) {
		if (p >= end || *p != ' ') {
			pl_snprintf(err, errlen, _("stat: field %d is missing (the text ends early)"), i);
			return -1;
		}
		p++;
		if (pl_scan_i64(&p, end, &f[i]) != 0) {
			pl_snprintf(err, errlen, _("stat: field %d is not a number"), i);
			return -1;
		}
	}
	if (p < end && *p != ' ' && *p != '\n') {
		pl_snprintf(err, errlen, _("stat: field 24 is not a number"));
		return -1;
	}
	for (int i = 9; i <= 24; i++) {
		bool may_be_negative = i == 16 || i == 17 || i == 18 || i == 19 || i == 21;

		if (f[i] < 0 && !may_be_negative) {
			pl_snprintf(err, errlen, _("stat: field %d is negative"), i);
			return -1;
		}
	}
	if (f[4] < 0 || f[20] < 0) {
		pl_snprintf(err, errlen, _("stat: field %d is negative"), f[4] < 0 ? 4 : 20);
		return -1;
	}
	out->ppid = f[4];
	out->pgrp = f[5];
	out->session = f[6];
	out->flags = (uint64_t)f[9];
	out->utime = (uint64_t)f[14];
	out->stime = (uint64_t)f[15];
	out->num_threads = f[20];
	out->starttime = (uint64_t)f[22];
	out->vsize = (uint64_t)f[23];
	out->rss = f[24];
	/* Fields 25 to 27 (rsslim, startcode, endcode), when they are there and numbers;
	 * never an error, since nothing needs them. */
	{
		uint64_t u[3];
		int i;

		for (i = 0; i < 3 && p < end && *p == ' '; i++) {
			p++;
			if (pl_scan_u64(&p, end, &u[i]) != 0)
				break;
		}
		if (i == 3 && (p == end || *p == ' ' || *p == '\n')) {
			out->startcode = u[1];
			out->endcode = u[2];
			out->code_known = true;
		}
	}
	return 0;
}

bool
pl_pid_is_kthread(const struct pl_pid_stat *s)
{
	return (s->flags & PL_PID_PF_KTHREAD) != 0;
}

double
pl_pid_cpu_pct(uint64_t then, uint64_t now, double hz, double dt)
{
	if (!(dt > 0) || !(hz > 0) || now < then)
		return NAN;
	return (double)(now - then) / hz / dt * 100;
}

/* The kernel's escapes in the Name line (string_escape_mem with ESCAPE_SPACE and
 * ESCAPE_SPECIAL): \n \t \r \f \v \\ \a \e; any other byte after '\' stays as it is. */
static void
unescape_name(const char *s, const char *e, char *out, size_t outlen)
{
	size_t o = 0;

	while (s < e && o + 1 < outlen) {
		char c = *s++;

		if (c == '\\' && s < e) {
			switch (*s) {
			case 'n': c = '\n'; s++; break;
			case 't': c = '\t'; s++; break;
			case 'r': c = '\r'; s++; break;
			case 'f': c = '\f'; s++; break;
			case 'v': c = '\v'; s++; break;
			case 'a': c = '\a'; s++; break;
			case 'e': c = '\033'; s++; break;
			case '\\': c = '\\'; s++; break;
			default: break;
			}
		}
		out[o++] = c;
	}
	out[o] = '\0';
}

/* "KEY:\tVALUE": true when [ls, le) starts with key and a colon; *v is the value with
 * the blanks after the colon skipped. */
static bool
key_is(const char *ls, const char *le, const char *key, const char **v)
{
	size_t n = strlen(key);

	if ((size_t)(le - ls) <= n || memcmp(ls, key, n) != 0 || ls[n] != ':')
		return false;
	*v = ls + n + 1;
	while (*v < le && (**v == '\t' || **v == ' '))
		(*v)++;
	return true;
}

/* Reads count unsigned numbers separated by blanks that fill [p, le). */
static int
read_ids(const char *p, const char *le, uint32_t *ids, int count)
{
	for (int i = 0; i < count; i++) {
		uint64_t v;

		pl_skip_blanks(&p, le);
		if (pl_scan_u64(&p, le, &v) != 0 || v > UINT32_MAX)
			return -1;
		ids[i] = (uint32_t)v;
	}
	pl_skip_blanks(&p, le);
	return p == le ? 0 : -1;
}

/* A whole number filling [p, le), optionally followed by " kB" (then in bytes). */
static int
read_num(const char *p, const char *le, bool kb, int64_t *out)
{
	pl_skip_blanks(&p, le);
	if (pl_scan_i64(&p, le, out) != 0 || *out < 0)
		return -1;
	if (kb) {
		pl_skip_blanks(&p, le);
		if (le - p != 2 || memcmp(p, "kB", 2) != 0 || *out > INT64_MAX / 1024)
			return -1;
		*out *= 1024;
		p += 2;
	}
	pl_skip_blanks(&p, le);
	return p == le ? 0 : -1;
}

int
pl_pid_status_parse(const char *buf, size_t len, struct pl_pid_status *out, char *err,
		    size_t errlen)
{
	static const struct { const char *key; unsigned bit; } required[] = {
		{ "Name", PL_PS_NAME }, { "State", PL_PS_STATE }, { "PPid", PL_PS_PPID },
		{ "Uid", PL_PS_UID },
	};
	struct pl_lines it;
	const char *ls, *le, *v;
	bool cut;
	int64_t n;

	memset(out, 0, sizeof(*out));
	pl_lines_init(&it, buf, len);
	while (pl_lines_next(&it, &ls, &le, &cut)) {
		int bad = 0;

		if (memchr(ls, '\0', (size_t)(le - ls)) != NULL) {
			pl_snprintf(err, errlen, _("status: line %zu: a NUL byte in the text"), it.lineno);
			return -1;
		}
		if (cut && key_is(ls, le, "Name", &v)) {
			pl_snprintf(err, errlen, _("status: line %zu: the text ends inside it"), it.lineno);
			return -1;
		}
		if (key_is(ls, le, "Name", &v)) {
			unescape_name(v, le, out->name, sizeof(out->name));
			out->present |= PL_PS_NAME;
		} else if (key_is(ls, le, "State", &v)) {
			if (v >= le || *v == ' ')
				bad = 1;
			else
				out->state = *v;
			out->present |= PL_PS_STATE;
		} else if (key_is(ls, le, "Tgid", &v)) {
			bad = read_num(v, le, false, &out->tgid);
			out->present |= PL_PS_TGID;
		} else if (key_is(ls, le, "PPid", &v)) {
			bad = read_num(v, le, false, &out->ppid);
			out->present |= PL_PS_PPID;
		} else if (key_is(ls, le, "Uid", &v)) {
			bad = read_ids(v, le, out->uid, 4);
			out->present |= PL_PS_UID;
		} else if (key_is(ls, le, "Gid", &v)) {
			bad = read_ids(v, le, out->gid, 4);
			out->present |= PL_PS_GID;
		} else if (key_is(ls, le, "Threads", &v)) {
			bad = read_num(v, le, false, &out->threads);
			out->present |= PL_PS_THREADS;
		} else if (key_is(ls, le, "VmRSS", &v)) {
			bad = read_num(v, le, true, &n);
			out->vmrss = (uint64_t)n;
			out->present |= PL_PS_VMRSS;
		} else {
			continue;
		}
		if (bad) {
			pl_snprintf(err, errlen, cut ? _("status: line %zu: malformed (the text ends "
							 "inside it)") :
				    _("status: line %zu: malformed value"), it.lineno);
			return -1;
		}
	}
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (!(out->present & required[i].bit)) {
			pl_snprintf(err, errlen, _("status: no %s line"), required[i].key);
			return -1;
		}
	return 0;
}

size_t
pl_pid_cmdline_text(const char *buf, size_t len, struct pl_buf *out)
{
	size_t args = 0, i = 0;

	while (i < len) {
		const char *a = buf + i, *z = memchr(a, '\0', len - i);
		size_t n = z != NULL ? (size_t)(z - a) : len - i;

		if (args > 0)
			pl_buf_putc(out, ' ');
		pl_buf_add(out, a, n);
		args++;
		i += n + 1;
	}
	if (out->data == NULL)
		pl_buf_add(out, "", 0);
	return args;
}

const char *
pl_pid_cmdline_arg(const char *buf, size_t len, size_t want, size_t *n)
{
	size_t i = 0, k = 0;

	while (i < len) {
		const char *a = buf + i, *z = memchr(a, '\0', len - i);
		size_t l = z != NULL ? (size_t)(z - a) : len - i;

		if (k++ == want) {
			*n = l;
			return a;
		}
		i += l + 1;
	}
	*n = 0;
	return NULL;
}

bool
pl_pid_cgroup_next(const char *buf, size_t len, size_t *pos, struct pl_cgroup_line *l)
{
	struct pl_lines it;
	const char *ls, *le;

	if (*pos > len)
		return false;
	pl_lines_init(&it, buf + *pos, len - *pos);
	while (pl_lines_next(&it, &ls, &le, NULL)) {
		const char *c1 = memchr(ls, ':', (size_t)(le - ls)), *c2, *p;
		bool digits = c1 != NULL && c1 > ls;

		*pos = (size_t)(it.p - buf);
		for (const char *d = ls; digits && d < c1; d++)
			digits = *d >= '0' && *d <= '9';
		if (!digits || (c2 = memchr(c1 + 1, ':', (size_t)(le - c1 - 1))) == NULL)
			continue;
		p = c2 + 1;
		if (p == le || *p != '/' || memchr(p, '\0', (size_t)(le - p)) != NULL)
			continue;
		l->unified = c1 - ls == 1 && *ls == '0' && c2 == c1 + 1;
		l->ctrl = c1 + 1;
		l->nctrl = (size_t)(c2 - c1 - 1);
		l->path = p;
		l->plen = (size_t)(le - p);
		return true;
	}
	*pos = len + 1;
	return false;
}

int
pl_pid_cgroup_parse(const char *buf, size_t len, const char **path, size_t *plen, char *err,
		    size_t errlen)
{
	struct pl_cgroup_line l, best[3];   /* the unified one, name=systemd, the first */
	bool have[3] = { false, false, false };
	size_t pos = 0;

	while (pl_pid_cgroup_next(buf, len, &pos, &l)) {
		int k = l.unified ? 0 : l.nctrl == 12 && memcmp(l.ctrl, "name=systemd", 12) == 0 ?
			1 : 2;

		if (!have[k]) {
			best[k] = l;
			have[k] = true;
		}
		if (k != 2 && !have[2]) {
			best[2] = l;
			have[2] = true;
		}
	}
	/* On a hybrid system the unified hierarchy may hold every process at "/": then the
	 * systemd one says more. */
	for (int k = 0; k < 3; k++)
		if (have[k] && (best[k].plen > 1 || k == 2 ||
				(k == 0 && !have[1]))) {
			*path = best[k].path;
			*plen = best[k].plen;
			return 0;
		}
	*path = NULL;
	*plen = 0;
	pl_snprintf(err, errlen, _("cgroup: no line of the form ID:CONTROLLERS:/PATH"));
	return -1;
}

/* True when [c, c + n) is a user manager's unit, "user@UID.service". */
static bool
is_user_manager(const char *c, size_t n)
{
	return n > 13 && memcmp(c, "user@", 5) == 0 && memcmp(c + n - 8, ".service", 8) == 0;
}

bool
pl_cgroup_has_unit(const char *path, size_t plen, const char *unit)
{
	size_t un = strlen(unit), i = 0;

	if (un == 0)
		return false;
	while (i < plen) {
		size_t s, e;

		while (i < plen && path[i] == '/')
			i++;
		s = i;
		while (i < plen && path[i] != '/')
			i++;
		e = i;
		if (e - s == un && memcmp(path + s, unit, un) == 0)
			return true;
		/* Below a user's manager are that user's own units: not the system's. */
		if (is_user_manager(path + s, e - s))
			return false;
	}
	return false;
}

bool
pl_cgroup_under(const char *path, size_t plen, const char *dir)
{
	size_t dn = strlen(dir);

	while (dn > 1 && dir[dn - 1] == '/')
		dn--;
	if (dn == 1 && dir[0] == '/')
		return plen > 0 && path[0] == '/';
	if (dn == 0 || plen < dn || memcmp(path, dir, dn) != 0)
		return false;
	return plen == dn || path[dn] == '/';
}

/* True when [c, c + n) is PREFIX, 12 or more hex digits (a runtime's container id) and
 * ".scope": "docker-3f2a9c01d4e5....scope", not "docker-cleanup.scope". */
static bool
is_id_scope(const char *c, size_t n, const char *prefix)
{
	size_t pn = strlen(prefix), i;

	if (n < pn + 12 + 6 || memcmp(c, prefix, pn) != 0 || memcmp(c + n - 6, ".scope", 6) != 0)
		return false;
	for (i = pn; i < n - 6; i++)
		if (!isxdigit((unsigned char)c[i]))
			return false;
	return true;
}

bool
pl_cgroup_is_container(const char *path, size_t plen)
{
	/* By component, at its place. At the top (with a component below it): docker's
	 * cgroupfs driver /docker/ID, LXC /lxc/NAME, libvirt /machine/NAME, GitHub's
	 * /actions_job/ID; /lxc.payload.NAME (LXD); /machine.slice/... (nspawn, libvirt,
	 * podman as root); Kubernetes /kubepods/... and /kubepods.slice/.... Anywhere but
	 * below a user's manager: the systemd driver's scopes docker-ID.scope,
	 * cri-containerd-ID.scope, crio-ID.scope, libpod-ID.scope (ID: 12+ hex digits).
	 * Below user@UID.service is a user's own (rootless podman too): never a container
	 * of the host's, whatever the names. */
	static const char *const tops[] = { "docker", "lxc", "machine", "actions_job",
					    "machine.slice", "kubepods", "kubepods.slice" };
	static const char *const scopes[] = { "docker-", "cri-containerd-", "crio-",
					      "libpod-" };
	size_t i = 0, depth = 0;

	while (i < plen) {
		size_t s, e, n;
		const char *c;
		bool more;

		while (i < plen && path[i] == '/')
			i++;
		s = i;
		while (i < plen && path[i] != '/')
			i++;
		e = i;
		if (e == s)
			break;
		c = path + s;
		n = e - s;
		more = e < plen && e + 1 < plen;
		if (n > 13 && memcmp(c, "user@", 5) == 0 && memcmp(c + n - 8, ".service", 8) == 0)
			return false;
		if (depth == 0) {
			for (size_t k = 0; k < sizeof(tops) / sizeof(tops[0]); k++)
				if (more && strlen(tops[k]) == n && memcmp(c, tops[k], n) == 0)
					return true;
			if (n > 12 && memcmp(c, "lxc.payload.", 12) == 0)
				return true;
		}
		for (size_t k = 0; k < sizeof(scopes) / sizeof(scopes[0]); k++)
			if (is_id_scope(c, n, scopes[k]))
				return true;
		depth++;
	}
	return false;
}

int
pl_pidfile_parse(const char *buf, size_t len, int64_t *pid, char *err, size_t errlen)
{
	const char *p = buf, *end = buf + len;

	pl_skip_blanks(&p, end);
	if (pl_scan_i64(&p, end, pid) != 0 || *pid < 1 || *pid > 4194304) {
		pl_snprintf(err, errlen, _("it does not start with a process id (1 to 4194304)"));
		return -1;
	}
	pl_skip_blanks(&p, end);
	if (p < end && *p == '\n')
		p++;
	if (p != end) {
		pl_snprintf(err, errlen, _("it holds more than a process id and a newline"));
		return -1;
	}
	return 0;
}

bool
pl_pid_name(const char *name, uint64_t *pid)
{
	uint64_t v = 0;
	size_t i;

	if (name[0] < '1' || name[0] > '9')
		return false;
	for (i = 0; name[i] != '\0'; i++) {
		if (name[i] < '0' || name[i] > '9' || i >= 7)
			return false;
		v = v * 10 + (uint64_t)(name[i] - '0');
	}
	if (v > 4194304)
		return false;
	*pid = v;
	return true;
}

void
pl_pid_basename(const char *path, size_t len, const char **b, size_t *n)
{
	static const char deleted[] = " (deleted)";
	size_t dl = sizeof(deleted) - 1, i;

	if (len > dl && memcmp(path + len - dl, deleted, dl) == 0)
		len -= dl;
	for (i = len; i > 0 && path[i - 1] != '/'; i--)
		;
	*b = path + i;
	*n = len - i;
}
