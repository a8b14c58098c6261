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

#include "pl_i18n.h"
#include "pl_buf.h"
#include "pl_file.h"
#include "pl_match.h"
#include "pl_tail.h"
#include "pl_text.h"
#include "pl_timeout.h"

#define POS_VERSION 2
#define POS_N1 10            /* version 1: one file */
#define POS_N 19             /* version 2: the log, then the rotated file read on */

/* The log itself: no owner or mode rules, but pl_open_trusted's O_NOFOLLOW, O_NONBLOCK
 * and regular file only. */
static const struct pl_file_rules log_rules = { .flags = 0, .cap = 0, .what = NULL };

/* One run's reading: the caps left, the buffer, the log's directory, and what to tell. */
struct run {
	const struct pl_tail_opts *o;
	struct pl_deadline dl;
	size_t max_line;
	uint64_t bytes_left, lines_left;   /* UINT64_MAX: no cap */
	char *buf;                         /* max_line + PL_TAIL_BLOCK + 1 bytes, owned */
	char dir[4096], base[256];         /* where rotated files of the log are looked for */
	pl_tail_fn *fn;
	void *ctx;
	struct pl_tail_result *res;
	char *err;
	size_t errlen;
};

/* How the log's name stands to the file the saved position read. */
enum how {
	SAME,          /* the same file with the same bytes: read on */
	REWRITTEN,     /* the same inode, other bytes (copytruncate, rewritten from the top) */
	RENAMED,       /* another file, or none (rotated by rename) */
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

/* True when fd's bytes match both fingerprints of a (the file holds what a read). */
static bool
same_bytes(int fd, uint64_t size, const struct pl_tail_at *a)
{
	uint64_t h;

	if (size < a->off || size < a->fplen || a->tfplen > a->off)
		return false;
	if (hash_at(fd, 0, a->fplen, &h) != 0 || h != a->fp)
		return false;
	if (hash_at(fd, a->off - a->tfplen, a->tfplen, &h) != 0 || h != a->tfp)
		return false;
	return true;
}

/* Sets a to fd at offset off, with fresh fingerprints. */
static void
at_set(int fd, const struct stat *sb, uint64_t off, uint64_t flags, struct pl_tail_at *a)
{
	uint64_t size = (uint64_t)sb->st_size;

	a->dev = (uint64_t)sb->st_dev;
	a->ino = (uint64_t)sb->st_ino;
	a->off = off;
	a->size = size > off ? size : off;
	a->fplen = a->size < PL_TAIL_FP ? a->size : PL_TAIL_FP;
	if (hash_at(fd, 0, a->fplen, &a->fp) != 0) {
		a->fplen = 0;
		a->fp = pl_hash_bytes(NULL, 0);
	}
	a->tfplen = off < PL_TAIL_FP ? off : PL_TAIL_FP;
	if (hash_at(fd, off - a->tfplen, a->tfplen, &a->tfp) != 0) {
		a->tfplen = 0;
		a->tfp = pl_hash_bytes(NULL, 0);
	}
	a->flags = flags;
}

static void
at_of_pos(const struct pl_tail_pos *p, struct pl_tail_at *a)
{
	*a = (struct pl_tail_at){ p->dev, p->ino, p->off, p->size, p->fp, p->fplen, p->tfp,
				  p->tfplen, p->flags };
}

static void
pos_of_at(const struct pl_tail_at *a, struct pl_tail_pos *p)
{
	p->dev = a->dev;
	p->ino = a->ino;
	p->off = a->off;
	p->size = a->size;
	p->fp = a->fp;
	p->fplen = a->fplen;
	p->tfp = a->tfp;
	p->tfplen = a->tfplen;
	p->flags = a->flags;
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

/* True when n is a rotated name of base: base followed by '.', '-' or '_' and more. */
static bool
rotated_name(const char *n, const char *base)
{
	size_t blen = strlen(base);

	return strncmp(n, base, blen) == 0 && n[blen] != '\0' && strchr(".-_", n[blen]) &&
	       n[blen + 1] != '\0';
}

/* A rotated file of the log: the name, and the file open. */
struct rotated {
	char name[256];
	int fd;
	struct stat sb;
	char gz[256];            /* a compressed rotated name seen, for the message */
};

/* Looks in the log's directory for a rotated name that is the file a read: by inode
 * (rename: same inode, and its bytes those read; copy: copy true, another inode with the
 * same bytes). Returns the open descriptor in r->fd (-1 when none), and notes a
 * compressed name in r->gz. */
static void
find_rotated(const struct run *ru, const struct pl_tail_at *a, bool copy, struct rotated *r)
{
	int dfd;
	DIR *d;
	struct dirent *e;

	r->fd = -1;
	r->gz[0] = '\0';
	dfd = open(ru->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
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

		if (!rotated_name(n, ru->base))
			continue;
		if (compressed(n)) {
			if (r->gz[0] == '\0')
				pl_strlcpy(r->gz, n, sizeof(r->gz));
			continue;
		}
		if (fstatat(dirfd(d), n, &sb, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(sb.st_mode))
			continue;
		if (copy ? (uint64_t)sb.st_ino == a->ino : (uint64_t)sb.st_ino != a->ino)
			continue;
		if (copy && (uint64_t)sb.st_size < a->off)
			continue;
		fd = openat(dirfd(d), n, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    (copy || (uint64_t)sb.st_dev == a->dev || a->fplen > 0) &&
		    same_bytes(fd, (uint64_t)sb.st_size, a)) {
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

/* At the end of fd: a last line without a newline is still being written, and stays
 * (the offset at its start), unless the file is done with (final: a rotated file that
 * stopped growing or that a newer rotation replaced), where it is handed over, once. */
static void
at_end(struct run *ru, size_t *have, uint64_t *off, uint64_t *flags, bool final)
{
	if (!final)
		return;
	if (*have > 0) {
		ru->buf[*have] = '\n';
		hand(ru, ru->buf, *have + 1, 1, false);
		consume(ru, have, off, *have);
	}
	*flags &= ~(uint64_t)PL_TAIL_IN_LONG;
}

/* Reads fd from *off to its end (or a cap), handing the lines over; *off and *flags move
 * with what was consumed. final: see at_end. Returns 0 (capped set in the result when a
 * cap stopped it), or -1 with err. */
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
			pl_snprintf(ru->err, ru->errlen, _("cannot read %s: %s"), name, strerror(errno));
			return -1;
		}
		if (n == 0) {
			at_end(ru, &have, off, flags, final);
			return 0;
		}
		have += (size_t)n;
	}
}

/* Reads fd from a's offset on and moves a there (fresh fingerprints, the size seen after
 * the reading). flags_keep: bits of a's flags that are not the reader's. */
static int
read_file(struct run *ru, int fd, const char *name, struct pl_tail_at *a, bool final,
	  uint64_t flags_keep)
{
	uint64_t off = a->off, flags = a->flags & ~flags_keep, lines = ru->res->lines;
	struct stat sb;

	if (read_from(ru, fd, name, &off, &flags, final) != 0)
		return -1;
	if (fstat(fd, &sb) != 0) {
		pl_snprintf(ru->err, ru->errlen, _("cannot stat %s: %s"), name, strerror(errno));
		return -1;
	}
	at_set(fd, &sb, off, flags | (a->flags & flags_keep), a);
	/* The last write of the file the last lines came from (a log rotated or truncated
	 * empty since was written when it was emptied, not when they were). */
	if (ru->res->lines > lines)
		ru->res->mtime = sb.st_mtim;
	return 0;
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

#define BETWEEN_MAX 16

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

static bool
later(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec > b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec > b->tv_nsec);
}

/* Rotated twice (or more) between two runs: the files rotated after the old one (other
 * rotated names whose last write came after the old file's, neither the old file nor the
 * log itself) were never seen. Lists them into v (at most BETWEEN_MAX), oldest first; a
 * compressed one cannot be read, and the loss is said. Returns how many. */
static size_t
list_between(struct run *ru, const struct stat *old, uint64_t cur_ino, struct between *v)
{
	size_t n = 0;
	DIR *d = opendir(ru->dir);
	struct dirent *e;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL && n < BETWEEN_MAX) {
		const char *nm = e->d_name;
		struct stat sb;

		if (!rotated_name(nm, ru->base) ||
		    fstatat(dirfd(d), nm, &sb, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(sb.st_mode) ||
		    sb.st_ino == old->st_ino || (uint64_t)sb.st_ino == cur_ino ||
		    !later(&sb.st_mtim, &old->st_mtim))
			continue;
		if (compressed(nm)) {
			event(ru->res, _("rotated again since the last run, and %s is compressed "
			      "(compressed files are not read): its lines were not read"), nm);
			ru->res->lost = true;
			continue;
		}
		pl_strlcpy(v[n].name, nm, sizeof(v[n].name));
		v[n++].mtime = sb.st_mtim;
	}
	closedir(d);
	qsort(v, n, sizeof(v[0]), by_mtime);
	return n;
}

/* Reads the rotated file name of the log's directory whole into *a. */
static int
read_between(struct run *ru, const char *name, bool final, struct pl_tail_at *a)
{
	char p[4096 + 256];
	struct stat sb;
	int fd, rc = 0;

	pl_snprintf(p, sizeof(p), "%s/%s", ru->dir, name);
	fd = open(p, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode)) {
		at_set(fd, &sb, 0, 0, a);
		rc = read_file(ru, fd, name, a, final, 0);
		if (rc == 0)
			event(ru->res, _("rotated again since the last run: read %s too"), name);
	}
	close(fd);
	return rc;
}

/* The old file *a names, finished when it can be found (rename or copy: the copy that
 * copytruncate made). A renamed one may still grow (its writer has not reopened the log
 * yet), so its last line without a newline is kept for later, unless files rotated after
 * it (never seen) are there: they are read whole too, and the last of them is the one
 * kept. *a moves to the last file read and where it stopped; *open_end says that file
 * may still grow (it becomes the file read on); *found that the old file was there. */
static int
finish_old(struct run *ru, struct pl_tail_at *a, bool copy, uint64_t cur_ino, bool *found,
	   bool *open_end)
{
	struct between v[BETWEEN_MAX];
	struct rotated r;
	size_t n = 0;
	uint64_t lines;
	int rc;

	*found = *open_end = false;
	find_rotated(ru, a, copy, &r);
	if (r.fd < 0) {
		if (r.gz[0])
			event(ru->res, _("the rotated file was compressed before this run (%s; "
			      "compressed files are not read): the lines written to it after the "
			      "last run were not read"), r.gz);
		else if (copy)
			event(ru->res, "%s", _("the copy of the truncated file was not found "
			      "beside it: the lines written to it after the last run were not "
			      "read"));
		else
			event(ru->res, "%s", _("the rotated file was not found beside it: the "
			      "lines written to it after the last run were not read"));
		ru->res->lost = true;
		return 0;
	}
	*found = true;
	if (!copy)
		n = list_between(ru, &r.sb, cur_ino, v);
	lines = ru->res->lines;
	rc = read_file(ru, r.fd, r.name, a, copy || n > 0, 0);
	close(r.fd);
	if (rc != 0)
		return -1;
	/* copytruncate's copy was written when it was made, not when its lines were. */
	if (copy && ru->res->lines > lines)
		ru->res->mtime = (struct timespec){ 0, 0 };
	if (copy)
		event(ru->res, _("copied and truncated: finished %s first"), r.name);
	else
		event(ru->res, _("rotated: finished %s first"), r.name);
	*open_end = !copy && n == 0;
	for (size_t i = 0; i < n && !ru->res->capped; i++) {
		if (read_between(ru, v[i].name, i + 1 < n, a) != 0)
			return -1;
		*open_end = i + 1 == n;
	}
	return 0;
}

/* The rotated file the last run finished (prev), read on while it grows: a writer that
 * has not reopened the log yet (its HUP still to come) appends to it. Dropped once it
 * stopped growing (no byte past the size the last run saw) while the log has bytes
 * (log_written: somebody writes there now; a log still empty means its writer may not
 * have reopened yet), when it is gone, or when a newer rotation takes its place (last);
 * its last line without a newline is handed over then, once. A cap stopping it keeps it
 * for the next run. */
static int
finish_prev(struct run *ru, struct pl_tail_at *prev, bool last, bool log_written)
{
	struct rotated r;
	uint64_t at = prev->off;
	bool final;
	int rc;

	if (!(prev->flags & PL_TAIL_PREV))
		return 0;
	find_rotated(ru, prev, false, &r);
	if (r.fd < 0) {
		if (prev->size > prev->off) {
			event(ru->res, _("the rotated file was gone before its last line was "
			      "complete: that line was not read"));
			ru->res->lost = true;
		}
		memset(prev, 0, sizeof(*prev));
		return 0;
	}
	final = last || ((uint64_t)r.sb.st_size <= prev->size && log_written);
	rc = read_file(ru, r.fd, r.name, prev, final, PL_TAIL_PREV);
	close(r.fd);
	if (rc != 0)
		return -1;
	if (prev->off > at)
		event(ru->res, _("read on in %s (written to after its rotation)"), r.name);
	if (final && !ru->res->capped)
		memset(prev, 0, sizeof(*prev));
	return 0;
}

/* Judges the log (fd, sb; fd -1 when missing) against the file the position read. */
static enum how
judge(struct run *ru, int fd, const struct stat *sb, const struct pl_tail_at *cur)
{
	if (fd >= 0 && (uint64_t)sb->st_ino == cur->ino &&
	    ((uint64_t)sb->st_dev == cur->dev || cur->fplen > 0)) {
		if (same_bytes(fd, (uint64_t)sb->st_size, cur))
			return SAME;
		if ((uint64_t)sb->st_size < cur->off) {
			ru->res->truncated = true;
			event(ru->res, _("truncated (copytruncate?): read again from the start"));
		} else {
			ru->res->rewritten = true;
			event(ru->res, _("rewritten from the top: read again from the start"));
		}
		return REWRITTEN;
	}
	ru->res->rotated = true;
	if (fd < 0)
		event(ru->res, _("missing (being rotated?)"));
	return RENAMED;
}

/* A run with a saved position: the rotated file still read on first, then the old file
 * finished when the log is another one now, then the log. *pos moves only on success. */
static int
read_saved(struct run *ru, const char *path, int fd, const struct stat *sb,
	   struct pl_tail_pos *pos)
{
	struct pl_tail_at cur, prev = pos->prev;
	enum how how;
	bool found = false, open_end = false;

	at_of_pos(pos, &cur);
	how = judge(ru, fd, sb, &cur);
	if (finish_prev(ru, &prev, how == RENAMED, fd >= 0 && sb->st_size > 0) != 0)
		return -1;
	if (how != SAME && !ru->res->capped) {
		if (finish_old(ru, &cur, how == REWRITTEN, fd >= 0 ? (uint64_t)sb->st_ino : 0,
			       &found, &open_end) != 0)
			return -1;
		if (fd < 0 && !found) {
			pl_snprintf(ru->err, ru->errlen, _("cannot open %s: %s"), path,
				    strerror(ENOENT));
			errno = ENOENT;
			return -1;
		}
		/* Stopped inside a rotated file, the next run goes on there; and when the
		 * log itself is missing, the position stays on the rotated one, at its end,
		 * for the next run to find again. */
		if (!ru->res->capped && fd >= 0) {
			if (open_end) {
				prev = cur;
				prev.flags |= PL_TAIL_PREV;
			}
			at_set(fd, sb, 0, 0, &cur);
		}
	}
	if (fd >= 0 && !ru->res->capped && read_file(ru, fd, path, &cur, false, 0) != 0)
		return -1;
	pos_of_at(&cur, pos);
	pos->prev = prev;
	return 0;
}

/* The first run: from the end of the last complete line, or from the start. */
static int
read_first(struct run *ru, const char *path, int fd, const struct stat *sb,
	   struct pl_tail_pos *pos)
{
	struct pl_tail_at cur;
	uint64_t flags = 0, off;

	ru->res->first = true;
	off = ru->o->from_start ? 0 : start_at_end(fd, (uint64_t)sb->st_size, &flags);
	ru->res->skipped = off;
	at_set(fd, sb, off, flags, &cur);
	if (read_file(ru, fd, path, &cur, false, 0) != 0)
		return -1;
	memset(pos, 0, sizeof(*pos));
	pos_of_at(&cur, pos);
	return 0;
}

static int
run_init(struct run *ru, const char *path, const struct pl_tail_opts *o, pl_tail_fn *fn,
	 void *ctx, struct pl_tail_result *res, char *err, size_t errlen)
{
	struct pl_deadline proc = pl_deadline_process();

	memset(ru, 0, sizeof(*ru));
	ru->o = o;
	ru->dl = o->deadline ? *o->deadline : proc;
	ru->max_line = o->max_line ? o->max_line : PL_TAIL_LINE_MAX;
	/* At least one line (or a cut one) per run, so that a run always gets on. */
	ru->bytes_left = o->max_bytes ? o->max_bytes : UINT64_MAX;
	if (ru->bytes_left <= ru->max_line)
		ru->bytes_left = ru->max_line + 1;
	ru->lines_left = o->max_lines ? o->max_lines : UINT64_MAX;
	ru->fn = fn;
	ru->ctx = ctx;
	ru->res = res;
	ru->err = err;
	ru->errlen = errlen;
	split_path(path, ru->dir, sizeof(ru->dir), ru->base, sizeof(ru->base));
	ru->buf = malloc(ru->max_line + PL_TAIL_BLOCK + 1);
	if (ru->buf == NULL) {
		pl_snprintf(err, errlen, _("out of memory"));
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

int
pl_tail_read(const char *path, struct pl_tail_pos *pos, bool have_pos,
	     const struct pl_tail_opts *o, pl_tail_fn *fn, void *ctx,
	     struct pl_tail_result *res, char *err, size_t errlen)
{
	struct pl_tail_pos p = have_pos ? *pos : (struct pl_tail_pos){ 0 };
	struct run ru;
	struct stat sb;
	int fd, rc, open_errno;

	memset(res, 0, sizeof(*res));
	/* Never through a symbolic link in the log's place (ELOOP, "name the file
	 * itself"), whoever owns it, and only a regular file (EINVAL): a check run with
	 * privileges on a log in a directory the application may write would read any
	 * file a link there points to. */
	fd = pl_open_trusted(AT_FDCWD, path, &log_rules, &sb, err, errlen);
	open_errno = errno;
	if (fd < 0 && (open_errno != ENOENT || !have_pos)) {
		if (open_errno != ELOOP && open_errno != EINVAL)
			pl_snprintf(err, errlen, _("cannot open %s: %s"), path,
				    strerror(open_errno));
		errno = open_errno;
		return -1;
	}
	rc = run_init(&ru, path, o, fn, ctx, res, err, errlen);
	if (rc == 0)
		rc = have_pos ? read_saved(&ru, path, fd, &sb, &p) :
				read_first(&ru, path, fd, &sb, &p);
	open_errno = errno;
	if (rc == 0)
		*pos = p;
	if (fd >= 0)
		close(fd);
	free(ru.buf);
	errno = open_errno;
	return rc;
}

/* Whether a is well formed (the fingerprints within their bounds). */
static bool
at_ok(const struct pl_tail_at *a)
{
	return a->fplen <= PL_TAIL_FP && a->tfplen <= PL_TAIL_FP && a->tfplen <= a->off;
}

static void
at_get(const uint64_t *v, struct pl_tail_at *a)
{
	*a = (struct pl_tail_at){ v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8] };
}

/* Version 2: the version, the log's 9 numbers, the rotated file's 9 (all 0: none).
 * Version 1 (before the rotated file was read on) has the log's only: read as one
 * without a rotated file. */
bool
pl_tail_pos_get(const struct pl_store *st, const char *ns, const char *name,
		struct pl_tail_pos *pos)
{
	uint64_t v[POS_N];
	struct pl_tail_at cur;
	int n = pl_store_get_vec(st, PL_STORE_GEN_NEW, ns, name, v, POS_N);

	if (!((n == POS_N1 && v[0] == 1) || (n == POS_N && v[0] == POS_VERSION)))
		return false;
	memset(pos, 0, sizeof(*pos));
	at_get(v + 1, &cur);
	if (n == POS_N)
		at_get(v + 10, &pos->prev);
	if (!at_ok(&cur) || !at_ok(&pos->prev))
		return false;
	pos_of_at(&cur, pos);
	return true;
}

int
pl_tail_pos_put(struct pl_store *st, const char *ns, const char *name,
		const struct pl_tail_pos *pos)
{
	const struct pl_tail_at *r = &pos->prev;
	const uint64_t v[POS_N] = { POS_VERSION, pos->dev, pos->ino, pos->off, pos->size,
				    pos->fp, pos->fplen, pos->tfp, pos->tfplen, pos->flags,
				    r->dev, r->ino, r->off, r->size, r->fp, r->fplen, r->tfp,
				    r->tfplen, r->flags };

	return pl_store_put_vec(st, PL_STORE_KEEP, ns, name, v, POS_N);
}

/* The marks: one per non-OK state (its latest match, in ms; 0: none), so that a worse
 * state's mark never replaces a milder one that outlasts it. Version 2: { 2, WARNING's,
 * CRITICAL's, UNKNOWN's }. Version 1 ({ ms, state }: one mark) is read as its one. */
#define HOLD_VERSION 2

void
pl_hold_judge(struct pl_store *st, const char *ns, const char *name, enum pl_state state,
	      double now, double event, double hold, struct pl_hold *out)
{
	uint64_t v[4] = { 0 };
	double at[4] = { 0 };    /* by state; 0: no mark */
	int n, worst = PL_OK, then = PL_OK;
	bool any = false;

	memset(out, 0, sizeof(*out));
	out->state = state;
	if (!(hold > 0)) {
		pl_store_del(st, PL_STORE_GEN_NEW, ns, name);
		return;
	}
	n = pl_store_get_vec(st, PL_STORE_GEN_NEW, ns, name, v, 4);
	if (n == 4 && v[0] == HOLD_VERSION) {
		for (int s = PL_WARNING; s <= PL_UNKNOWN; s++)
			at[s] = (double)v[s] / 1e3;
	} else if (n == 2 && v[1] >= PL_WARNING && v[1] <= PL_UNKNOWN) {
		at[v[1]] = (double)v[0] / 1e3;
	}
	/* A held state ends hold seconds after its match (a clock set back keeps it no
	 * longer than that either: a mark from the future is taken as now). */
	for (int s = PL_WARNING; s <= PL_UNKNOWN; s++) {
		if (at[s] > now)
			at[s] = now;
		if (at[s] > 0 && now - at[s] >= hold)
			at[s] = 0;
	}
	if (!(event > 0) || event > now)
		event = now;
	if (state != PL_OK && now - event < hold && event > at[state])
		at[state] = event;   /* of two marks of one state, the later stays */
	v[0] = HOLD_VERSION;
	for (int s = PL_WARNING; s <= PL_UNKNOWN; s++) {
		v[s] = at[s] > 0 ? (uint64_t)(at[s] * 1e3 + 0.5) : 0;
		any = any || v[s] != 0;
		if (v[s] != 0 && pl_state_severity((enum pl_state)s) >
				 pl_state_severity((enum pl_state)worst))
			worst = s;
	}
	if (!any) {
		pl_store_del(st, PL_STORE_GEN_NEW, ns, name);
		return;
	}
	pl_store_put_vec(st, PL_STORE_KEEP, ns, name, v, 4);
	if (pl_state_severity((enum pl_state)worst) >= pl_state_severity(state))
		out->state = (enum pl_state)worst;
	if (at[out->state] > 0)
		out->until = at[out->state] + hold;
	/* A milder state whose hold outlasts the reported one's (or that is held while
	 * this run's state is not): the one the check falls back to next. */
	for (int s = PL_WARNING; s <= PL_UNKNOWN; s++)
		if (at[s] > 0 && s != (int)out->state &&
		    pl_state_severity((enum pl_state)s) < pl_state_severity(out->state) &&
		    at[s] + hold > out->until &&
		    (then == PL_OK || pl_state_severity((enum pl_state)s) >
				      pl_state_severity((enum pl_state)then)))
			then = s;
	if (then != PL_OK) {
		out->then = (enum pl_state)then;
		out->then_until = at[then] + hold;
	}
}

enum pl_state
pl_hold_apply_at(struct pl_store *st, const char *ns, const char *name, enum pl_state state,
		 double now, double event, double hold, double *until)
{
	struct pl_hold h;

	pl_hold_judge(st, ns, name, state, now, event, hold, &h);
	*until = h.until;
	return h.state;
}

enum pl_state
pl_hold_apply(struct pl_store *st, const char *ns, const char *name, enum pl_state state,
	      double now, double hold, double *until)
{
	return pl_hold_apply_at(st, ns, name, state, now, now, hold, until);
}
