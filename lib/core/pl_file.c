#include "config.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pl_i18n.h"
#include "pl_file.h"
#include "pl_num.h"
#include "pl_timeout.h"

bool
pl_root_is_live(const char *root)
{
	return root == NULL || root[0] == '\0' || strcmp(root, "/") == 0;
}

bool
pl_path_exists(const char *root, const char *path)
{
	char full[4096];
	struct stat st;

	return pl_path(root, path, full, sizeof(full)) == 0 && lstat(full, &st) == 0;
}

/* Whether the uid in an environment variable (a number, or a user name when by_name) is
 * set and not the real uid: a caller other than who runs. A value that names no uid
 * counts as another caller (setting these variables oneself only restricts oneself). */
static bool
other_caller(const char *var, bool by_name)
{
	const char *v = getenv(var);
	uint64_t uid;

	if (v == NULL)
		return false;
	if (by_name) {
		const struct passwd *pw = getpwnam(v);

		return pw == NULL || pw->pw_uid != getuid();
	}
	return pl_parse_u64(v, UINT32_MAX, &uid) != 0 || (uid_t)uid != getuid();
}

bool
pl_privileged(void)
{
	return getauxval(AT_SECURE) != 0 || getuid() != geteuid() || getgid() != getegid() ||
	       other_caller("SUDO_UID", false) || other_caller("DOAS_USER", true) ||
	       other_caller("PKEXEC_UID", false);
}

int
pl_root_check(const char *root, char *err, size_t errlen)
{
	struct stat st;

	if (pl_privileged()) {
		pl_snprintf(err, errlen,
			    _("cannot be used with privileges (setuid, capabilities, sudo): it would read files for the caller"));
		return -1;
	}
	if (stat(root, &st) != 0 || !S_ISDIR(st.st_mode)) {
		pl_snprintf(err, errlen, _("not a directory"));
		return -1;
	}
	return 0;
}

int
pl_path(const char *root, const char *path, char *out, size_t len)
{
	size_t a = pl_root_is_live(root) ? 0 : strlen(root), b = strlen(path);

	/* Every file read joins one: no stdio for it. */
	if (len == 0 || a + b >= len) {
		if (len > 0)
			out[0] = '\0';
		return -1;
	}
	if (a > 0)
		memcpy(out, root, a);
	memcpy(out + a, path, b + 1);
	return 0;
}

/* A cap in messages: whole MiB as such ("1 MiB"), else bytes. */
static void
size_text(size_t n, char *out, size_t len)
{
	if (n >= ((size_t)1 << 20) && n % ((size_t)1 << 20) == 0)
		pl_snprintf(out, len, "%zu MiB", n >> 20);
	else
		pl_snprintf(out, len, "%zu bytes", n);
}

/* Gives b size bytes of memory (more than it has). A secret is moved, never realloc'ed:
 * the old copy is zeroed before it is freed. */
static int
buf_room(struct pl_buf *b, size_t size, bool secret)
{
	char *p;

	if (!secret) {
		p = realloc(b->data, size);
		if (p == NULL)
			return -1;
	} else {
		p = malloc(size);
		if (p == NULL)
			return -1;
		if (b->data != NULL) {
			memcpy(p, b->data, b->len);
			explicit_bzero(b->data, b->size);
			free(b->data);
		}
	}
	b->data = p;
	b->size = size;
	return 0;
}

int
pl_read_fd(int fd, const char *name, const struct pl_file_rules *r, struct pl_buf *out,
	   char *err, size_t errlen)
{
	const bool secret = (r->flags & PL_FILE_SENSITIVE) != 0;
	const size_t limit = r->cap + 1;  /* one byte past the cap: the file is too large */
	size_t first = 4096;
	struct stat st;
	bool sized = false;
	char cap[32];
	int e;

	pl_buf_reset(out);
	/* A regular file's size (0 for /proc files) makes one allocation the whole read,
	 * with a byte to see the end (or that it grew) and one for the NUL. */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
		/* What is left from the offset: a caller that seeked to the tail reads that. */
		off_t at = lseek(fd, 0, SEEK_CUR);
		uint64_t left = (uint64_t)st.st_size;

		if (at > 0)
			left = at < st.st_size ? (uint64_t)(st.st_size - at) : 0;
		/* Too large already: refused without reading it. */
		if (left > r->cap)
			goto too_large;
		first = (size_t)left + 2;
		sized = left > 0;
	}
	if (out->size < first && buf_room(out, first, secret) != 0)
		goto oom;
	for (;;) {
		size_t room;
		ssize_t n;

		if (out->len + 1 == out->size) {
			size_t next = out->size < 2048 ? 4096 : out->size * 2;

			if (buf_room(out, next < limit + 1 ? next : limit + 1, secret) != 0)
				goto oom;
		}
		room = out->size - 1 - out->len;
		if (room > limit - out->len)
			room = limit - out->len;
		n = read(fd, out->data + out->len, room);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = errno;
			pl_snprintf(err, errlen, _("cannot read %s: %s"), name, strerror(e));
			goto fail;
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
		if (out->len == limit)
			goto too_large;
		/* A file with a size (not /proc's, whose reads may stop at a page of records)
		 * that gave less than asked is at its end: no read() to see 0. */
		if (sized && (size_t)n < room)
			break;
	}
	out->data[out->len] = '\0';
	return 0;
too_large:
	e = EFBIG;
	size_text(r->cap, cap, sizeof(cap));
	pl_snprintf(err, errlen, _("%s is larger than %s"), name, cap);
	goto fail;
oom:
	e = ENOMEM;
	pl_snprintf(err, errlen, _("cannot read %s: out of memory"), name);
fail:
	if (out->data != NULL && secret)
		explicit_bzero(out->data, out->size);
	out->len = 0;
	if (out->data != NULL)
		out->data[0] = '\0';
	errno = e;
	return -1;
}

int
pl_open_trusted(int dirfd, const char *path, const struct pl_file_rules *r,
		struct stat *stp, char *err, size_t errlen)
{
	const char *what = r->what != NULL ? r->what : _("it");
	struct stat st;
	int fd, e;

	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		e = errno;
		if (e == ELOOP)
			pl_snprintf(err, errlen, _("%s is a symbolic link; name the file itself"), path);
		else
			pl_snprintf(err, errlen, _("cannot read %s: %s"), path, strerror(e));
		errno = e;
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		e = EINVAL;
		pl_snprintf(err, errlen, _("%s is not a regular file"), path);
	} else if ((r->flags & PL_FILE_OURS) && st.st_uid != geteuid()) {
		e = EPERM;
		pl_snprintf(err, errlen, _("%s belongs to uid %lu, not to the user running the check (chown it)"),
			    path, (unsigned long)st.st_uid);
	} else if ((r->flags & (PL_FILE_TRUSTED | PL_FILE_PRIVATE)) && st.st_uid != 0 &&
		   st.st_uid != geteuid()) {
		e = EPERM;
		pl_snprintf(err, errlen, _("%s belongs to uid %lu, not to root or the user running the check (chown it)"),
			    path, (unsigned long)st.st_uid);
	} else if ((r->flags & PL_FILE_PRIVATE) && (st.st_mode & 077)) {
		e = EACCES;
		pl_snprintf(err, errlen, _("%s is open to group or others, who could read or change %s (chmod 600 %s)"),
			    path, what, path);
	} else if ((r->flags & PL_FILE_TRUSTED) && (st.st_mode & 022)) {
		e = EACCES;
		pl_snprintf(err, errlen, _("%s is writable by group or others; they could change %s (chmod go-w %s)"),
			    path, what, path);
	} else {
		if (stp != NULL)
			*stp = st;
		return fd;
	}
	close(fd);
	errno = e;
	return -1;
}

int
pl_read_trusted(int dirfd, const char *path, const struct pl_file_rules *r,
		struct pl_buf *out, struct stat *st, char *err, size_t errlen)
{
	const bool named = !(r->flags & PL_FILE_UNNAMED);
	const char *was = named ? pl_timeout_waiting_on(_("reading"), path) : NULL;
	int fd, rc = -1, e;

	fd = pl_open_trusted(dirfd, path, r, st, err, errlen);
	if (fd >= 0) {
		rc = pl_read_fd(fd, path, r, out, err, errlen);
		e = errno;
		close(fd);
	} else {
		e = errno;
	}
	if (named)
		pl_timeout_waiting(was);
	errno = e;
	return rc;
}

int
pl_read_file(const char *root, const char *path, struct pl_buf *out, char *err, size_t errlen)
{
	struct pl_file_rules rules = { 0, out->cap != 0 ? out->cap : PL_FILE_CAP, NULL };
	char full[4096];
	const char *was;
	int fd, rc = -1;

	if (out->cap == 0)
		out->cap = PL_FILE_CAP;
	if (pl_path(root, path, full, sizeof(full)) != 0) {
		pl_buf_reset(out);
		pl_snprintf(err, errlen, _("path too long: %s"), path);
		return -1;
	}
	/* open() and read() are where a run blocks (a FIFO, a hung file system): a timeout
	 * then names this file, whatever the plugin said it was doing. */
	was = pl_timeout_waiting_on(_("reading"), path);
	fd = open(full, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		pl_buf_reset(out);
		pl_snprintf(err, errlen, _("cannot read %s: %s"), full, strerror(errno));
	} else {
		rc = pl_read_fd(fd, full, &rules, out, err, errlen);
		close(fd);
	}
	pl_timeout_waiting(was);
	return rc;
}

int
pl_read_at(int dirfd, const char *rel, struct pl_buf *out)
{
	size_t cap = out->cap != 0 ? out->cap : PL_FILE_CAP;
	int fd, e = 0;

	pl_buf_reset(out);
	/* O_NONBLOCK: a FIFO in the place of a kernel file (a fixture tree, a bind mount)
	 * opens at once and reads as empty or EAGAIN, instead of waiting for a writer. */
	fd = openat(dirfd, rel, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return -1;
	for (;;) {
		size_t room;
		ssize_t n;

		if (out->size < out->len + 2) {
			size_t next = out->size < 2048 ? 4096 : out->size * 2;

			if (next > cap + 2)
				next = cap + 2;
			if (next <= out->len + 1 || buf_room(out, next, false) != 0) {
				e = next <= out->len + 1 ? EFBIG : ENOMEM;
				break;
			}
		}
		room = out->size - 1 - out->len;
		n = read(fd, out->data + out->len, room);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = errno;
			break;
		}
		out->len += (size_t)n;
		out->data[out->len] = '\0';
		if (out->len > cap) {
			e = EFBIG;
			break;
		}
		if ((size_t)n < room)
			break;
	}
	close(fd);
	if (e != 0) {
		pl_buf_reset(out);
		errno = e;
		return -1;
	}
	return 0;
}

/* The body of the pl_read_small family: reads the open file fd into buf (see there).
 * Returns its length, or -1 with the errno in *e. */
static int
read_small_fd(int fd, char *buf, size_t len, int *e)
{
	size_t got = 0;

	while (got < len - 1) {
		ssize_t n = read(fd, buf + got, len - 1 - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*e = errno;
			return -1;
		}
		got += (size_t)n;
		/* A read that gave less than asked reached the end: a sysfs attribute is
		 * made whole at the first read, and a regular file (a fixture) or a small
		 * /proc file gives all it has. No second read() to see 0: with six
		 * attributes per interface, that was a quarter of check_net's calls. */
		if (n == 0 || got < len - 1)
			break;
	}
	if (got == len - 1) {
		char extra;

		if (read(fd, &extra, 1) > 0) {
			*e = EFBIG;
			return -1;
		}
	}
	/* An attribute is text: a NUL inside would cut the value short ("10\0...00" read
	 * as 10) and let a wrong figure through. */
	if (memchr(buf, '\0', got) != NULL) {
		*e = EILSEQ;
		return -1;
	}
	while (got > 0 && (buf[got - 1] == '\n' || buf[got - 1] == ' '))
		got--;
	buf[got] = '\0';
	return (int)got;
}

static int
read_small(const char *root, const char *path, char *buf, size_t len, int oflags)
{
	char full[4096];
	const char *was;
	int fd, rc = -1, e = 0;

	if (len == 0 || pl_path(root, path, full, sizeof(full)) != 0) {
		errno = ENAMETOOLONG;
		return -1;
	}
	was = pl_timeout_waiting_on(_("reading"), path);
	fd = open(full, O_RDONLY | O_CLOEXEC | O_NOCTTY | oflags);
	if (fd < 0)
		e = errno;
	else
		rc = read_small_fd(fd, buf, len, &e);
	if (fd >= 0)
		close(fd);
	pl_timeout_waiting(was);
	if (rc < 0) {
		buf[0] = '\0';
		errno = e;
	}
	return rc;
}

int
pl_dir_open(const char *root, const char *path)
{
	char full[4096];
	const char *was;
	int fd;

	if (pl_path(root, path, full, sizeof(full)) != 0) {
		errno = ENAMETOOLONG;
		return -1;
	}
	was = pl_timeout_waiting_on(_("opening"), path);
	fd = open(full, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	pl_timeout_waiting(was);
	return fd;
}

/* openat(dirfd, rel) and the small read: the body of pl_read_small_at and _in. */
static int
read_small_rel(int dirfd, const char *rel, char *buf, size_t len, int oflags)
{
	int fd, rc = -1, e = 0;

	fd = openat(dirfd, rel, O_RDONLY | O_CLOEXEC | O_NOCTTY | oflags);
	if (fd < 0)
		e = errno;
	else
		rc = read_small_fd(fd, buf, len, &e);
	if (fd >= 0)
		close(fd);
	if (rc < 0) {
		buf[0] = '\0';
		errno = e;
	}
	return rc;
}

int
pl_read_small_at(int dirfd, const char *name, char *buf, size_t len, bool nofollow)
{
	if (len == 0 || strchr(name, '/') != NULL) {
		errno = EINVAL;
		return -1;
	}
	return read_small_rel(dirfd, name, buf, len, nofollow ? O_NOFOLLOW : 0);
}

static bool
one_component(const char *s)
{
	return s[0] != '\0' && strchr(s, '/') == NULL && strcmp(s, ".") != 0 &&
	       strcmp(s, "..") != 0;
}

int
pl_read_small_in(int dirfd, const char *sub, const char *name, char *buf, size_t len)
{
	char rel[512];

	if (len == 0 || !one_component(sub) || !one_component(name) ||
	    pl_snprintf(rel, sizeof(rel), "%s/%s", sub, name) >= (int)sizeof(rel)) {
		if (len > 0)
			buf[0] = '\0';
		errno = EINVAL;
		return -1;
	}
	return read_small_rel(dirfd, rel, buf, len, 0);
}

int
pl_read_small(const char *root, const char *path, char *buf, size_t len)
{
	return read_small(root, path, buf, len, 0);
}

int
pl_read_small_nofollow(const char *root, const char *path, char *buf, size_t len)
{
	return read_small(root, path, buf, len, O_NOFOLLOW);
}

void
pl_boot_id(const char *root, char *buf, size_t len)
{
	if (pl_read_small(root, "/proc/sys/kernel/random/boot_id", buf, len) < 0)
		buf[0] = '\0';
	for (char *p = buf; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') || *p == '-')) {
			buf[0] = '\0';
			break;
		}
}

int
pl_uptime(const char *root, double *out, char *err, size_t errlen)
{
	char buf[128];
	const char *p, *end;

	if (pl_root_is_live(root)) {
		struct timespec ts;

		if (clock_gettime(CLOCK_BOOTTIME, &ts) == 0) {
			*out = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
			return 0;
		}
	}
	if (pl_read_small(root, "/proc/uptime", buf, sizeof(buf)) < 0 && errno != EILSEQ) {
		pl_snprintf(err, errlen, _("cannot read %s/proc/uptime: %s"),
			    pl_root_is_live(root) ? "" : root, strerror(errno));
		return -1;
	}
	p = buf;
	end = buf + strlen(buf);
	if (pl_scan_double(&p, end, out) != 0 || *out < 0) {
		pl_snprintf(err, errlen, _("%s/proc/uptime is malformed"),
			    pl_root_is_live(root) ? "" : root);
		return -1;
	}
	return 0;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
pl_dir_list(const char *root, const char *path, char ***names, size_t *n, char *err,
	    size_t errlen)
{
	char full[4096];
	const char *was;
	struct dirent *de;
	size_t cap = 0;
	DIR *d;

	*names = NULL;
	*n = 0;
	if (pl_path(root, path, full, sizeof(full)) != 0) {
		pl_snprintf(err, errlen, _("path too long: %s"), path);
		errno = ENAMETOOLONG;
		return -1;
	}
	was = pl_timeout_waiting_on(_("listing"), path);
	d = opendir(full);
	if (d == NULL) {
		int e = errno;

		pl_timeout_waiting(was);
		pl_snprintf(err, errlen, _("cannot list %s: %s"), full, strerror(e));
		errno = e;
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		char *copy;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (*n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			char **v;

			if (ncap > 65536)
				break;
			v = realloc(*names, ncap * sizeof(*v));
			if (v == NULL)
				break;
			*names = v;
			cap = ncap;
		}
		copy = strdup(de->d_name);
		if (copy == NULL)
			break;
		(*names)[(*n)++] = copy;
	}
	closedir(d);
	pl_timeout_waiting(was);
	if (*n > 1)
		qsort(*names, *n, sizeof(**names), cmp_names);
	return 0;
}

void
pl_dir_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int
pl_write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int
pl_open_beneath(int dirfd, const char *rel, int flags)
{
	char part[256];
	const char *p = rel;
	int fd = dirfd, next;

	if (rel[0] == '/' || rel[0] == '\0') {
		errno = EINVAL;
		return -1;
	}
	for (;;) {
		size_t k = strcspn(p, "/");
		bool last = p[k] == '\0';

		if (k == 0 || k >= sizeof(part) || (k == 2 && p[0] == '.' && p[1] == '.') ||
		    (k == 1 && p[0] == '.')) {
			if (fd != dirfd)
				close(fd);
			errno = k >= sizeof(part) ? ENAMETOOLONG : EINVAL;
			return -1;
		}
		memcpy(part, p, k);
		part[k] = '\0';
		next = openat(fd, part, last ? flags | O_NOFOLLOW | O_CLOEXEC :
			      O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd != dirfd) {
			int e = errno;

			close(fd);
			errno = e;
		}
		if (next < 0)
			return -1;
		if (last)
			return next;
		fd = next;
		p += k + 1;
	}
}

/* Empties the open directory fd (closed here), depth levels down. */
static int
empty_dir(int fd, const char *path, int depth, char *err, size_t errlen)
{
	DIR *d;
	struct dirent *e;
	int rc = 0;

	if (depth > 256) {
		close(fd);
		pl_snprintf(err, errlen, _("%s: more than 256 levels deep"), path);
		return -1;
	}
	(void)fchmod(fd, 0700);
	if ((d = fdopendir(fd)) == NULL) {
		pl_snprintf(err, errlen, _("cannot read %s: %s"), path, strerror(errno));
		close(fd);
		return -1;
	}
	while (rc == 0 && (e = readdir(d)) != NULL) {
		char sub[4096];
		int cfd;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		pl_snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		if (unlinkat(dirfd(d), e->d_name, 0) == 0 || errno == ENOENT)
			continue;
		if (errno != EISDIR && errno != EPERM) {
			pl_snprintf(err, errlen, _("cannot remove %s: %s"), sub, strerror(errno));
			rc = -1;
			break;
		}
		cfd = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (cfd < 0) {
			pl_snprintf(err, errlen, _("cannot open %s: %s"), sub, strerror(errno));
			rc = -1;
			break;
		}
		rc = empty_dir(cfd, sub, depth + 1, err, errlen);
		if (rc == 0 && unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR) != 0 &&
		    errno != ENOENT) {
			pl_snprintf(err, errlen, _("cannot remove %s: %s"), sub, strerror(errno));
			rc = -1;
		}
	}
	closedir(d);
	return rc;
}

int
pl_remove_tree(int dirfd, const char *name, char *err, size_t errlen)
{
	int fd;

	if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM) {
		pl_snprintf(err, errlen, _("cannot remove %s: %s"), name, strerror(errno));
		return -1;
	}
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		pl_snprintf(err, errlen, _("cannot open %s: %s"), name, strerror(errno));
		return -1;
	}
	if (empty_dir(fd, name, 0, err, errlen) != 0)
		return -1;
	if (unlinkat(dirfd, name, AT_REMOVEDIR) != 0 && errno != ENOENT) {
		pl_snprintf(err, errlen, _("cannot remove %s: %s"), name, strerror(errno));
		return -1;
	}
	return 0;
}
