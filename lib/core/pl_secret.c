#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pl_buf.h"
#include "pl_secret.h"
#include "pl_timeout.h"

static ssize_t secret_read(const char *path, char *out, size_t cap, char *err,
			   size_t errlen);

/* The file may sit on a hung mount: a timeout while it is read names it. */
ssize_t
pl_secret_read(const char *path, char *out, size_t cap, char *err, size_t errlen)
{
	const char *was = pl_timeout_waiting_on("reading", path);
	ssize_t n = secret_read(path, out, cap, err, errlen);

	pl_timeout_waiting(was);
	return n;
}

static ssize_t
secret_read(const char *path, char *out, size_t cap, char *err, size_t errlen)
{
	struct stat st;
	size_t len = 0;
	int fd;

	if (cap < 2) {
		pl_snprintf(err, errlen, "no room for a secret");
		return -1;
	}
	out[0] = '\0';
	/* O_NOFOLLOW: a symlink could point anywhere the caller cannot read; O_NONBLOCK: a
	 * FIFO is refused below rather than waited on. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		if (errno == ELOOP)
			pl_snprintf(err, errlen, "%s is a symbolic link; name the file itself", path);
		else
			pl_snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		pl_snprintf(err, errlen, "%s is not a regular file", path);
		goto fail;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		pl_snprintf(err, errlen,
			    "%s belongs to uid %lu, not to root or the user running the check "
			    "(chown it)", path, (unsigned long)st.st_uid);
		goto fail;
	}
	if (st.st_mode & 077) {
		pl_snprintf(err, errlen,
			    "%s is open to group or others, who could read or change the secret "
			    "(chmod 600 %s)", path, path);
		goto fail;
	}
	for (;;) {
		ssize_t n = read(fd, out + len, cap - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			pl_snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len == cap) {
			pl_snprintf(err, errlen, "%s is longer than a secret may be (%zu bytes)",
				    path, cap - 1);
			goto fail;
		}
	}
	close(fd);
	fd = -1;
	if (len > 0 && out[len - 1] == '\n') {
		len--;
		if (len > 0 && out[len - 1] == '\r')
			len--;
	}
	out[len] = '\0';
	if (len == 0) {
		pl_snprintf(err, errlen, "%s is empty", path);
		goto fail;
	}
	if (memchr(out, '\0', len) != NULL) {
		pl_snprintf(err, errlen, "%s holds a NUL byte", path);
		goto fail;
	}
	return (ssize_t)len;
fail:
	if (fd >= 0)
		close(fd);
	explicit_bzero(out, cap);
	return -1;
}
