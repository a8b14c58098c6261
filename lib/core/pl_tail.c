/* pl_tail: see pl_tail.h. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pl_buf.h"
#include "pl_file.h"
#include "pl_match.h"
#include "pl_tail.h"
#include "pl_text.h"
#include "pl_timeout.h"

#define POS_VERSION 1
#define POS_N 10

/* The log itself: no owner or mode rules, but pl_open_trusted's O_NOFOLLOW, O_NONBLOCK
 * and regular file only. */
static const struct pl_file_rules log_rules = { .flags = 0, .cap = 0, .what = NULL };

/* One run's reading: the caps left, the buffer, and what to tell. */
struct run {
	const struct pl_tail_opts *o;
	struct pl_deadline dl;
	size_t max_line;
	uint64_t bytes_left, lines_left;   /* UINT64_MAX: no cap */
	char *buf;                         /* max_line + PL_TAIL_BLOCK + 1 bytes */
	pl_tail_fn *fn;
	void *ctx;
	struct pl_tail_result *res;
	char *err;
	size_t errlen;
};

static void
event(struct pl_tail_result *res, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
event(struct pl_tail_result *res, const char *fmt, ...)
{
	size_t used = strlen(res->events);
	va_list ap;

	if (used > 0 && used + 2 < sizeof(res->events)) {
		memcpy(res->events + used, "; ", 3);
		used += 2;
	}
	va_start(ap, fmt);
	(void)vsnprintf(res->events + used, sizeof(res->events) - used, fmt, ap);
	va_end(ap);
}

/* The hash of bytes [off, off + len) of fd into *h. Returns 0, or -1 when they cannot be
 * read in full (the file is shorter). */
static int
hash_at(int fd, uint64_t off, uint64_t len, uint64_t *h)
{
	char b[PL_TAIL_FP];
	size_t got = 0;

	if (len > sizeof(b))
		return -1;
	while (got < len) {
		ssize_t n = pread(fd, b + got, (size_t)len - got, (off_t)(off + got));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	*h = pl_hash_bytes(b, (size_t)len);
	return 0;
}

/* True when fd's bytes match both fingerprints of p (the file holds what p read). */
static bool
same_bytes(int fd, uint64_t size, const struct pl_tail_pos *p)
{
	uint64_t h;

	if (size < p->off || size < p->fplen || p->tfplen > p->off)
		return false;
	if (hash_at(fd, 0, p->fplen, &h) != 0 || h != p->fp)
		return false;
	if (hash_at(fd, p->off - p->tfplen, p->tfplen, &h) != 0 || h != p->tfp)
		return false;
	return true;
}

/* Sets p to fd at offset off, with fresh fingerprints. */
static void
pos_at(int fd, const struct stat *sb, uint64_t off, uint64_t flags, struct pl_tail_pos *p)
{
	uint64_t size = (uint64_t)sb->st_size;

	p->dev = (uint64_t)sb->st_dev;
	p->ino = (uint64_t)sb->st_ino;
	p->off = off;
	p->size = size > off ? size : off;
	p->fplen = p->size < PL_TAIL_FP ? p->size : PL_TAIL_FP;
	if (hash_at(fd, 0, p->fplen, &p->fp) != 0) {
		p->fplen = 0;
		p->fp = pl_hash_bytes(NULL, 0);
	}
	p->tfplen = off < PL_TAIL_FP ? off : PL_TAIL_FP;
	if (hash_at(fd, off - p->tfplen, p->tfplen, &p->tfp) != 0) {
		p->tfplen = 0;
		p->tfp = pl_hash_bytes(NULL, 0);
	}
	p->flags = flags;
}

static bool
compressed(const char *name)
{
	static const char *const ext[] = { ".gz", ".xz", ".bz2", ".zst", ".lz4", ".Z", NULL };
	size_t n = strlen(name);

	for (size_t i = 0; ext[i] != NULL; i++) {
		size_t e = strlen(ext[i]);

		if (n > e && strcmp(name + n - e, ext[i]) == 0)
			return true;
	}
	return false;
}

/* A rotated file of the log: the name, and the file open. */
struct rotated {
	char name[256];
	int fd;
	struct stat sb;
	char gz[256];            /* a compressed rotated name seen, for the message */
};

/* Looks in dir for a rotated name of base ("base" followed by '.', '-' or '_') that is
 * the file p read: by inode (rename: same inode, and its bytes those read; copy: copy
 * true, another inode with the same bytes). Returns the open descriptor in r->fd (-1
 * when none), and notes a compressed name in r->gz. */
static void
find_rotated(const char *dir, const char *base, const struct pl_tail_pos *p, bool copy,
	     struct rotated *r)
{
	size_t blen = strlen(base);
	int dfd;
	DIR *d;
	struct dirent *e;

	r->fd = -1;
	r->gz[0] = '\0';
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return;
	d = fdopendir(dfd);
	if (d == NULL) {
		close(dfd);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		const char *n = e->d_name;
		struct stat sb;
		int fd;

		if (strncmp(n, base, blen) != 0 || n[blen] == '\0' ||
		    strchr(".-_", n[blen]) == NULL || n[blen + 1] == '\0')
			continue;
		if (compressed(n)) {
			if (r->gz[0] == '\0')
				pl_strlcpy(r->gz, n, sizeof(r->gz));
			continue;
		}
		if (fstatat(dirfd(d), n, &sb, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(sb.st_mode))
			continue;
		if (copy ? (uint64_t)sb.st_ino == p->ino : (uint64_t)sb.st_ino != p->ino)
			continue;
		if (copy && (uint64_t)sb.st_size < p->off)
			continue;
		fd = openat(dirfd(d), n, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    (copy || (uint64_t)sb.st_dev == p->dev || p->fplen > 0) &&
		    same_bytes(fd, (uint64_t)sb.st_size, p)) {
			pl_strlcpy(r->name, n, sizeof(r->name));
			r->fd = fd;
			r->sb = sb;
			break;
		}
		close(fd);
	}
	closedir(d);
}

static void
hand(struct run *ru, const char *b, size_t len, size_t nlines, bool cut)
{
	ru->fn(ru->ctx, b, len, nlines, cut);
	ru->res->lines += nlines;
	if (cut)
		ru->res->cut++;
	if (ru->lines_left != UINT64_MAX)
		ru->lines_left -= nlines;
}

static void
took(struct run *ru, uint64_t n)
{
	ru->res->bytes += n;
	if (ru->bytes_left != UINT64_MAX)
		ru->bytes_left = ru->bytes_left > n ? ru->bytes_left - n : 0;
}

/* True when fd has bytes at off (for "capped": a cap reached at the very end is none). */
static bool
more_at(int fd, uint64_t off)
{
	char c;

	return pread(fd, &c, 1, (off_t)off) == 1;
}

/* Consumes the first n buffered bytes. */
static void
consume(struct run *ru, size_t *have, uint64_t *off, size_t n)
{
	took(ru, n);
	*off += n;
	*have -= n;
	if (*have > 0)
		memmove(ru->buf, ru->buf + n, *have);
}

/* Hands over the line at the buffer's start cut at max_line bytes, consumes those bytes
 * and skips the rest of the line (PL_TAIL_IN_LONG) up to its newline. */
static void
cut_line(struct run *ru, size_t *have, uint64_t *off, uint64_t *flags)
{
	char keep = ru->buf[ru->max_line];

	ru->buf[ru->max_line] = '\n';
	hand(ru, ru->buf, ru->max_line + 1, 1, true);
	ru->buf[ru->max_line] = keep;
	consume(ru, have, off, ru->max_line);
	*flags |= PL_TAIL_IN_LONG;
}

/* The buffered bytes: the rest of a cut line skipped, whole lines handed over (up to the
 * line cap), a line too long cut. Returns false when the line cap stopped it. */
static bool
take_lines(struct run *ru, size_t *have, uint64_t *off, uint64_t *flags)
{
	while (*have > 0) {
		size_t k, nl;
		bool too_long;

		if (*flags & PL_TAIL_IN_LONG) {
			const char *e = memchr(ru->buf, '\n', *have);

			consume(ru, have, off, e ? (size_t)(e - ru->buf) + 1 : *have);
			if (e != NULL)
				*flags &= ~(uint64_t)PL_TAIL_IN_LONG;
			continue;
		}
		if (ru->lines_left == 0)
			return false;
		nl = pl_count_lines(ru->buf, *have, ru->lines_left > SIZE_MAX ? 0 :
				    (size_t)ru->lines_left, ru->max_line, &k, &too_long);
		if (nl > 0) {
			hand(ru, ru->buf, k, nl, false);
			consume(ru, have, off, k);
		}
		if (ru->lines_left == 0)
			return *have == 0;
		if (too_long || *have > ru->max_line) {
			/* A line over max_line, whole or still without its newline. */
			cut_line(ru, have, off, flags);
			continue;
		}
		if (nl == 0)
			break;   /* a partial last line, short enough to wait for */
	}
	return true;
}

/* Reads fd from *off to its end (or a cap), handing the lines over; *off and *flags move
 * with what was consumed. final: the file is rotated, nobody writes it: a last line
 * without a newline counts. Returns 0 (capped set in the result when a cap stopped it),
 * or -1 with err. */
static int
read_from(struct run *ru, int fd, const char *name, uint64_t *off, uint64_t *flags,
	  bool final)
{
	size_t have = 0;

	ru->res->files++;
	for (;;) {
		ssize_t n;
		size_t want = PL_TAIL_BLOCK;

		if (!take_lines(ru, &have, off, flags) ||
		    ((ru->lines_left == 0 || ru->bytes_left <= have ||
		      pl_deadline_expired(&ru->dl)) && (have > 0 || more_at(fd, *off)))) {
			ru->res->capped = true;
			return 0;
		}
		if (ru->lines_left == 0 || ru->bytes_left <= have)
			return 0;
		if (ru->bytes_left - have < want)
			want = (size_t)(ru->bytes_left - have);
		n = pread(fd, ru->buf + have, want, (off_t)(*off + have));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			pl_snprintf(ru->err, ru->errlen, "cannot read %s: %s", name, strerror(errno));
			return -1;
		}
		if (n == 0) {
			/* The end. A last line without a newline is still being written, unless
			 * the file is a rotated one. */
			if (final && have > 0) {
				ru->buf[have] = '\n';
				hand(ru, ru->buf, have + 1, 1, false);
				consume(ru, &have, off, have);
			}
			if (final)
				*flags &= ~(uint64_t)PL_TAIL_IN_LONG;
			return 0;
		}
		have += (size_t)n;
	}
}

/* Where a first run starts: after the last newline of the file (so that a line being
 * written is read whole once it is), at 0 when the file holds none and is shorter than
 * 64 KiB (one line being written), or at its end inside a line when its last 64 KiB (and
 * the byte before them) hold none: *flags then says PL_TAIL_IN_LONG, so that the rest of
 * that line is skipped up to its newline and never handed over as a line of its own. */
static uint64_t
start_at_end(int fd, uint64_t size, uint64_t *flags)
{
	char b[(1 << 16) + 1];
	uint64_t from = size > sizeof(b) ? size - sizeof(b) : 0;
	ssize_t n = pread(fd, b, (size_t)(size - from), (off_t)from);
	const char *nl;

	*flags = 0;
	if (n < 0) {
		*flags = size > 0 ? PL_TAIL_IN_LONG : 0;
		return size;
	}
	nl = n > 0 ? memrchr(b, '\n', (size_t)n) : NULL;
	if (nl != NULL)
		return from + (uint64_t)(nl - b) + 1;
	if (from == 0)
		return 0;
	*flags = PL_TAIL_IN_LONG;
	return size;
}

/* The directory and the last component of path. */
static void
split_path(const char *path, char *dir, size_t dlen, char *base, size_t blen)
{
	const char *s = strrchr(path, '/');

	if (s == NULL) {
		pl_strlcpy(dir, ".", dlen);
		pl_strlcpy(base, path, blen);
	} else if (s == path) {
		pl_strlcpy(dir, "/", dlen);
		pl_strlcpy(base, s + 1, blen);
	} else {
		size_t n = (size_t)(s - path) + 1;

		pl_strlcpy(dir, path, n < dlen ? n : dlen);
		pl_strlcpy(base, s + 1, blen);
	}
}

struct between {
	char name[256];
	struct timespec mtime;
};

static int
by_mtime(const void *a, const void *b)
{
	const struct timespec *x = &((const struct between *)a)->mtime;
	const struct timespec *y = &((const struct between *)b)->mtime;

	if (x->tv_sec != y->tv_sec)
		return x->tv_sec < y->tv_sec ? -1 : 1;
	return x->tv_nsec < y->tv_nsec ? -1 : x->tv_nsec > y->tv_nsec;
}

/* Rotated twice (or more) between two runs: the files rotated after the old one (other
 * rotated names whose last write came after the old file's, neither the old file nor the
 * log itself) were never seen. They are read whole, oldest first, after the old file
 * and before the log; a compressed one cannot be, and the loss is said. *pos moves to
 * where the reading stopped; *stopped when a cap stopped it inside one. */
static int
read_between(struct run *ru, const char *dir, const char *base, const struct stat *old,
	     uint64_t cur_ino, struct pl_tail_pos *pos, bool *stopped)
{
	struct between v[16];
	size_t n = 0, blen = strlen(base);
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = 0;
	DIR *d;
	struct dirent *e;

	if (dfd < 0)
		return 0;
	d = fdopendir(dfd);
	if (d == NULL) {
		close(dfd);
		return 0;
	}
	while ((e = readdir(d)) != NULL && n < sizeof(v) / sizeof(v[0])) {
		const char *nm = e->d_name;
		struct stat sb;

		if (strncmp(nm, base, blen) != 0 || nm[blen] == '\0' ||
		    strchr(".-_", nm[blen]) == NULL || nm[blen + 1] == '\0')
			continue;
		if (fstatat(dirfd(d), nm, &sb, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(sb.st_mode) ||
		    sb.st_ino == old->st_ino || (uint64_t)sb.st_ino == cur_ino)
			continue;
		if (sb.st_mtim.tv_sec < old->st_mtim.tv_sec ||
		    (sb.st_mtim.tv_sec == old->st_mtim.tv_sec &&
		     sb.st_mtim.tv_nsec <= old->st_mtim.tv_nsec))
			continue;
		if (compressed(nm)) {
			event(ru->res, "rotated again since the last run, and %s is compressed "
			      "(compressed files are not read): its lines were not read", nm);
			ru->res->lost = true;
			continue;
		}
		pl_strlcpy(v[n].name, nm, sizeof(v[n].name));
		v[n++].mtime = sb.st_mtim;
	}
	qsort(v, n, sizeof(v[0]), by_mtime);
	for (size_t i = 0; i < n && rc == 0; i++) {
		int fd = openat(dirfd(d), v[i].name,
				O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
		struct stat sb;
		uint64_t off = 0, flags = 0;

		if (fd < 0)
			continue;
		if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode)) {
			rc = read_from(ru, fd, v[i].name, &off, &flags, true);
			if (rc == 0) {
				event(ru->res, "rotated again since the last run: read %s too",
				      v[i].name);
				pos_at(fd, &sb, off, flags, pos);
				*stopped = ru->res->capped;
			}
		}
		close(fd);
		if (*stopped)
			break;
	}
	closedir(d);
	return rc;
}

/* The old file that pos names, finished when it can be found (rename or copy): *found
 * says it was, and *pos then moves to where its reading stopped (*stopped: a cap stopped
 * it before its end). */
static int
finish_old(struct run *ru, const char *dir, const char *base, struct pl_tail_pos *pos,
	   bool copy, uint64_t cur_ino, bool *found, bool *stopped)
{
	struct rotated r;
	uint64_t off = pos->off, flags = pos->flags;
	int rc;

	*found = false;
	*stopped = false;
	find_rotated(dir, base, pos, copy, &r);
	if (r.fd < 0) {
		if (r.gz[0])
			event(ru->res, "the rotated file was compressed before this run (%s; "
			      "compressed files are not read): the lines written to it after the "
			      "last run were not read", r.gz);
		else
			event(ru->res, "the %s file was not found beside it: the lines "
			      "written to it after the last run were not read",
			      copy ? "copy of the truncated" : "rotated");
		ru->res->lost = true;
		return 0;
	}
	*found = true;
	rc = read_from(ru, r.fd, r.name, &off, &flags, true);
	if (rc == 0) {
		event(ru->res, "%s: finished %s first", copy ? "copied and truncated" : "rotated",
		      r.name);
		/* Stopped inside the old file, the next run goes on there; and when the log
		 * itself is missing, it finds the old one again at its end. */
		pos_at(r.fd, &r.sb, off, flags, pos);
		*stopped = ru->res->capped;
		if (!*stopped)
			rc = read_between(ru, dir, base, &r.sb, cur_ino, pos, stopped);
	}
	close(r.fd);
	return rc;
}

int
pl_tail_read(const char *path, struct pl_tail_pos *pos, bool have_pos,
	     const struct pl_tail_opts *o, pl_tail_fn *fn, void *ctx,
	     struct pl_tail_result *res, char *err, size_t errlen)
{
	struct run ru;
	struct pl_tail_pos p = have_pos ? *pos : (struct pl_tail_pos){ 0 };
	struct pl_deadline proc = pl_deadline_process();
	char dir[4096], base[256];
	struct stat sb;
	uint64_t off = 0, flags = 0;
	int fd, rc = -1, open_errno;
	bool cont = false, found = false, stopped = false;

	memset(res, 0, sizeof(*res));
	memset(&ru, 0, sizeof(ru));
	ru.o = o;
	ru.dl = o->deadline ? *o->deadline : proc;
	ru.max_line = o->max_line ? o->max_line : PL_TAIL_LINE_MAX;
	/* At least one line (or a cut one) per run, so that a run always gets on. */
	ru.bytes_left = o->max_bytes ? o->max_bytes : UINT64_MAX;
	if (ru.bytes_left <= ru.max_line)
		ru.bytes_left = ru.max_line + 1;
	ru.lines_left = o->max_lines ? o->max_lines : UINT64_MAX;
	ru.fn = fn;
	ru.ctx = ctx;
	ru.res = res;
	ru.err = err;
	ru.errlen = errlen;
	split_path(path, dir, sizeof(dir), base, sizeof(base));

	/* Never through a symbolic link in the log's place (ELOOP, "name the file
	 * itself"), whoever owns it, and only a regular file (EINVAL): a check run with
	 * privileges on a log in a directory the application may write would read any
	 * file a link there points to. */
	fd = pl_open_trusted(AT_FDCWD, path, &log_rules, &sb, err, errlen);
	open_errno = errno;
	if (fd < 0 && (open_errno != ENOENT || !have_pos)) {
		if (open_errno != ELOOP && open_errno != EINVAL)
			pl_snprintf(err, errlen, "cannot open %s: %s", path,
				    strerror(open_errno));
		errno = open_errno;
		return -1;
	}
	ru.buf = malloc(ru.max_line + PL_TAIL_BLOCK + 1);
	if (ru.buf == NULL) {
		pl_snprintf(err, errlen, "out of memory");
		if (fd >= 0)
			close(fd);
		errno = ENOMEM;
		return -1;
	}

	if (!have_pos) {
		res->first = true;
		off = o->from_start ? 0 : start_at_end(fd, (uint64_t)sb.st_size, &flags);
		res->skipped = off;
		goto read_current;
	}
	if (fd >= 0 && (uint64_t)sb.st_ino == p.ino &&
	    ((uint64_t)sb.st_dev == p.dev || p.fplen > 0)) {
		/* The same inode: read on, unless its bytes are not those read before. */
		cont = same_bytes(fd, (uint64_t)sb.st_size, &p);
		if (cont) {
			off = p.off;
			flags = p.flags;
			goto read_current;
		}
		if ((uint64_t)sb.st_size < p.off) {
			res->truncated = true;
			event(res, "truncated (copytruncate?): read again from the start");
		} else {
			res->rewritten = true;
			event(res, "rewritten from the top: read again from the start");
		}
		if (finish_old(&ru, dir, base, &p, true, (uint64_t)sb.st_ino, &found,
			       &stopped) != 0)
			goto out;
	} else {
		res->rotated = true;
		if (fd < 0)
			event(res, "missing (being rotated?)");
		if (finish_old(&ru, dir, base, &p, false, fd >= 0 ? (uint64_t)sb.st_ino : 0,
			       &found, &stopped) != 0)
			goto out;
	}
	if (stopped) {
		*pos = p;
		rc = 0;
		goto out;
	}
	if (fd < 0) {
		if (!found) {
			pl_snprintf(err, errlen, "cannot open %s: %s", path, strerror(ENOENT));
			errno = ENOENT;
			goto out;
		}
		/* Finished the old file and the new one is not there yet: the position
		 * stays on the old file, at its end, for the next run to find again. */
		*pos = p;
		rc = 0;
		goto out;
	}
	off = 0;
	flags = 0;

read_current:
	if (read_from(&ru, fd, path, &off, &flags, false) != 0)
		goto out;
	if (fstat(fd, &sb) != 0)
		sb.st_size = (off_t)off;
	pos_at(fd, &sb, off, flags, pos);
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	free(ru.buf);
	return rc;
}

bool
pl_tail_pos_get(const struct pl_store *st, const char *ns, const char *name,
		struct pl_tail_pos *pos)
{
	uint64_t v[POS_N];

	if (pl_store_get_vec(st, PL_STORE_GEN_NEW, ns, name, v, POS_N) != POS_N ||
	    v[0] != POS_VERSION)
		return false;
	pos->dev = v[1];
	pos->ino = v[2];
	pos->off = v[3];
	pos->size = v[4];
	pos->fp = v[5];
	pos->fplen = v[6];
	pos->tfp = v[7];
	pos->tfplen = v[8];
	pos->flags = v[9];
	if (pos->fplen > PL_TAIL_FP || pos->tfplen > PL_TAIL_FP || pos->tfplen > pos->off)
		return false;
	return true;
}

int
pl_tail_pos_put(struct pl_store *st, const char *ns, const char *name,
		const struct pl_tail_pos *pos)
{
	const uint64_t v[POS_N] = { POS_VERSION, pos->dev, pos->ino, pos->off, pos->size,
				    pos->fp, pos->fplen, pos->tfp, pos->tfplen, pos->flags };

	return pl_store_put_vec(st, PL_STORE_KEEP, ns, name, v, POS_N);
}

enum pl_state
pl_hold_apply(struct pl_store *st, const char *ns, const char *name, enum pl_state state,
	      double now, double hold, double *until)
{
	uint64_t v[2];
	enum pl_state held = PL_OK;
	double at = 0;

	*until = 0;
	if (!(hold > 0)) {
		pl_store_del(st, PL_STORE_GEN_NEW, ns, name);
		return state;
	}
	if (pl_store_get_vec(st, PL_STORE_GEN_NEW, ns, name, v, 2) == 2 && v[1] <= PL_UNKNOWN) {
		held = (enum pl_state)v[1];
		at = (double)v[0] / 1e3;
	}
	/* A held state ends hold seconds after its match (a clock set back keeps it no
	 * longer than that either: a mark from the future is taken as now). */
	if (at > now)
		at = now;
	if (held != PL_OK && now - at >= hold)
		held = PL_OK;
	if (state != PL_OK && pl_state_severity(state) >= pl_state_severity(held)) {
		v[0] = now > 0 ? (uint64_t)(now * 1e3 + 0.5) : 0;
		v[1] = (uint64_t)state;
		pl_store_put_vec(st, PL_STORE_KEEP, ns, name, v, 2);
		*until = now + hold;
		return state;
	}
	if (held == PL_OK) {
		pl_store_del(st, PL_STORE_GEN_NEW, ns, name);
		return state;
	}
	*until = at + hold;
	return held;
}
