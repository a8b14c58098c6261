/* pl_file: reading kernel and system files below the root the plugin was pointed at.
 *
 * Plugins name files by their absolute path on a live system ("/proc/stat"); the root
 * ("/" normally, a fixture tree in tests) is put in front. Reads are bounded: a file
 * larger than the cap is an error, never a growing buffer. */
#ifndef PL_FILE_H
#define PL_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "pl_buf.h"

struct stat;

#define PL_FILE_CAP ((size_t)8 << 20)

/* True when the process holds privileges its caller may lack: setuid or setgid, file
 * capabilities (the kernel's AT_SECURE), or a run through sudo, doas or pkexec for
 * another user, whichever user it runs as (SUDO_UID, DOAS_USER's uid or PKEXEC_UID set
 * and not the real uid: `sudo -u nagios` counts as much as root). Options and
 * environment variables that name files to read or write are refused or ignored then. */
bool pl_privileged(void);

/* Checks that a fixture root may be used: it must be a directory, and the process must
 * not hold privileges its caller lacks (pl_privileged), so that the
 * switch cannot be used to read files the caller could not read anyway. */
int pl_root_check(const char *root, char *err, size_t errlen);

/* Joins root and an absolute path ("/proc/stat") into out. NULL or "" root means "/". */
int pl_path(const char *root, const char *path, char *out, size_t len);

/* Reads the whole file into out (reset first; at most out->cap bytes, PL_FILE_CAP when
 * it is 0). Returns 0, or -1 with e.g. "cannot read /proc/stat: No such file or
 * directory" in err. */
int pl_read_file(const char *root, const char *path, struct pl_buf *out, char *err,
		 size_t errlen);

/* What a file must be for pl_open_trusted, which always refuses a symlink in place of
 * the file itself (O_NOFOLLOW) and anything but a regular file, and never blocks on a
 * FIFO (O_NONBLOCK). */
#define PL_FILE_TRUSTED   0x01u  /* of root or the effective user, writable by nobody else */
#define PL_FILE_PRIVATE   0x02u  /* ... and with no access at all for group and others */
#define PL_FILE_OURS      0x04u  /* of the effective user (not root's, unless we are root) */
/* For pl_read_fd and pl_read_trusted: */
#define PL_FILE_SENSITIVE 0x08u  /* the text is a secret: every copy made on the way, and
				  * out itself on failure, is zeroed before it is freed */
#define PL_FILE_UNNAMED   0x10u  /* pl_read_trusted leaves the deadline's waiting text as
				  * the caller set it (else "reading PATH" while it reads) */

/* The rules of one whole-file read. */
struct pl_file_rules {
	unsigned flags;    /* PL_FILE_* above */
	size_t cap;        /* the largest file taken, in bytes */
	const char *what;  /* what the file holds, in the message about its mode
			    * ("the secret"); NULL: "it" */
};

/* Opens path (relative to dirfd, or absolute with AT_FDCWD) for reading as the rules say,
 * stat of the file in *st when st is not NULL. Returns the descriptor, or -1 with errno
 * (the open's own, ELOOP for a symlink, EINVAL for no regular file, EPERM for a wrong
 * owner, EACCES for a wrong mode) and one sentence naming path in err: "PATH is a symbolic
 * link; name the file itself", "PATH belongs to uid N, not to root or the user running
 * the check (chown it)", "PATH is open to group or others, who could read or change WHAT
 * (chmod 600 PATH)", "PATH is writable by group or others; they could change WHAT (chmod
 * go-w PATH)". */
int pl_open_trusted(int dirfd, const char *path, const struct pl_file_rules *r,
		    struct stat *st, char *err, size_t errlen);

/* Reads fd to its end into out (reset first; one allocation when fd is a regular file
 * whose size fstat gives), at most r->cap bytes. name is the file in messages. Returns
 * 0, or -1 with errno (EFBIG: larger than the cap, "NAME is larger than CAP"; ENOMEM;
 * the read's own, "cannot read NAME: ...") and why in err. Only r->cap and
 * PL_FILE_SENSITIVE are used. */
int pl_read_fd(int fd, const char *name, const struct pl_file_rules *r, struct pl_buf *out,
	       char *err, size_t errlen);

/* pl_open_trusted, pl_read_fd and close in one: the whole file at path into out, stat of
 * the file in *st when st is not NULL; "reading PATH" is the deadline's waiting text
 * meanwhile unless PL_FILE_UNNAMED. Returns 0, or -1 with errno and why in err. */
int pl_read_trusted(int dirfd, const char *path, const struct pl_file_rules *r,
		    struct pl_buf *out, struct stat *st, char *err, size_t errlen);

/* Reads the file rel of the directory dirfd (openat with O_NOFOLLOW) into out (reset
 * first; at most out->cap bytes, PL_FILE_CAP when 0), for the many small kernel files of
 * one directory (/proc/PID/stat of every process): no path joined, no fstat, and a read
 * that returns less than it asked for ends the file, since procfs and sysfs files give
 * all they have up to the size asked (a small file costs one read). Not for regular files
 * on disk. Opened with O_NONBLOCK: a FIFO in the file's place never blocks (it reads as
 * empty, or fails with EAGAIN while a writer holds it open). The caller names what it
 * waits on for the timeout, once for all the files.
 * Returns 0, or -1 with errno (EFBIG past the cap, ENOMEM). */
int pl_read_at(int dirfd, const char *rel, struct pl_buf *out);

/* Reads a small file (a sysfs attribute) into buf, without a trailing newline.
 * Returns its length, or -1 (errno set, buf "") when it cannot be read, does not fit
 * (EFBIG) or is not text: a NUL byte inside is malformed (EILSEQ), never a shorter
 * value. A read that returns less than it asked for is taken as the end of the file
 * (true of sysfs attributes, regular files and the one-line /proc files this is for;
 * not of a pipe, whose writer may not have written all yet: use pl_read_file there).
 * A FIFO in the file's place blocks (unlike pl_read_at) until the deadline, whose
 * message then names the file.
 *
 * pl_read_file, pl_read_small and pl_dir_list name the file in the timeout's waiting
 * text ("reading /proc/uptime", "listing /sys/block") while they may block, and put the
 * caller's text back when they return. */
int pl_read_small(const char *root, const char *path, char *buf, size_t len);
/* The same, refusing a symlink in place of the file itself (ELOOP): for a file whose
 * text is shown (a chip's name, a sensor's label), which in sysfs is never a link, so
 * that a tree given with --root cannot have the plugin print some other file. */
int pl_read_small_nofollow(const char *root, const char *path, char *buf, size_t len);

/* For many attributes of one directory (an interface's six): the directory below root
 * opened once (a symlink on the way is followed, as sysfs class links need), and each
 * file read relative to it, so that the kernel walks the long path once, not once per
 * file. pl_dir_open returns the descriptor (the caller closes it) or -1 with errno.
 * pl_read_small_at reads name (one component, no '/': EINVAL) in dirfd as pl_read_small
 * does, into a caller's small buffer with its text rules (pl_read_at is the pl_buf
 * reader of the same kind; nofollow: refusing a symlink in its place, ELOOP); it sets no
 * waiting text, so the caller names what it waits on (pl_timeout_waiting_on). */
int pl_dir_open(const char *root, const char *path);
int pl_read_small_at(int dirfd, const char *name, char *buf, size_t len, bool nofollow);
/* The same for the file name in the subdirectory sub of dirfd ("eth0" and "speed": one
 * openat of "eth0/speed"), each one component (no '/', not "." or "..": EINVAL): for
 * many small directories below one (5,000 interfaces), two system calls fewer per
 * directory than opening each. A symlink at sub is followed (sysfs class links). */
int pl_read_small_in(int dirfd, const char *sub, const char *name, char *buf, size_t len);

/* The boot id of the system under root, or "" when the kernel does not say. */
void pl_boot_id(const char *root, char *buf, size_t len);

/* Seconds since boot: CLOCK_BOOTTIME on a live system, <root>/proc/uptime under a
 * fixture root (so that tests control time). Returns 0, or -1 with why in err. */
int pl_uptime(const char *root, double *out, char *err, size_t errlen);

bool pl_root_is_live(const char *root);

/* True when path exists below root (lstat: a dangling symlink exists too). */
bool pl_path_exists(const char *root, const char *path);

/* The names in a directory below root (without "." and ".."), sorted. *names is an
 * array of *n strings that the caller frees with pl_dir_free. At most 65536 names.
 * Returns 0, or -1 with why in err (a missing directory: errno ENOENT). */
int pl_dir_list(const char *root, const char *path, char ***names, size_t *n, char *err,
		size_t errlen);
void pl_dir_free(char **names, size_t n);

/* Writes all n bytes of buf to fd, going on after short writes and EINTR. Returns 0, or
 * -1 with errno (EIO for a write that wrote nothing). Async-signal-safe: it calls only
 * write(), so a signal handler may use it. */
int pl_write_all(int fd, const void *buf, size_t n);

/* Opens rel (a relative path: no "..", no empty component) below the directory dirfd
 * without following any symlink on the way or at the end (each component opened with
 * O_NOFOLLOW), for what a restore wrote from a backup, whose contents may hold links
 * anywhere. flags are open(2)'s for the last component (O_NOFOLLOW and O_CLOEXEC are
 * added). Returns the descriptor, or -1 with errno (ELOOP for a symlink on the way,
 * EINVAL for a path that is not relative and plain). */
int pl_open_beneath(int dirfd, const char *rel, int flags);

/* Removes name (a directory of the caller's, or any file) in dirfd and everything below
 * it, never following a symlink (a link is removed, not what it names); directories on
 * the way are made 0700 first, as a restore may have made them read-only. At most 256
 * levels deep. Returns 0 (also when name does not exist), or -1 with why in err (the
 * first path that could not be removed). */
int pl_remove_tree(int dirfd, const char *name, char *err, size_t errlen);

#endif
