#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "pl_i18n.h"
#include "pl_buf.h"
#include "pl_file.h"
#include "pl_secret.h"

/* The file may sit on a hung mount: a timeout while it is read names it
 * (pl_read_trusted). O_NOFOLLOW: a symlink could point anywhere the caller cannot read;
 * O_NONBLOCK: a FIFO is refused rather than waited on. */
ssize_t
pl_secret_read(const char *path, char *out, size_t cap, char *err, size_t errlen)
{
	const struct pl_file_rules rules = {
		PL_FILE_PRIVATE | PL_FILE_SENSITIVE, cap > 0 ? cap - 1 : 0, "the secret",
	};
	struct pl_buf b = PL_BUF_INIT;
	ssize_t rc = -1;
	size_t len;

	if (cap < 2) {
		pl_snprintf(err, errlen, _("no room for a secret"));
		return -1;
	}
	out[0] = '\0';
	if (pl_read_trusted(AT_FDCWD, path, &rules, &b, NULL, err, errlen) != 0) {
		if (errno == EFBIG)
			pl_snprintf(err, errlen, _("%s is longer than a secret may be (%zu bytes)"),
				    path, cap - 1);
		goto end;
	}
	len = b.len;
	if (len > 0 && b.data[len - 1] == '\n') {
		len--;
		if (len > 0 && b.data[len - 1] == '\r')
			len--;
	}
	if (len == 0) {
		pl_snprintf(err, errlen, _("%s is empty"), path);
		goto end;
	}
	if (memchr(b.data, '\0', len) != NULL) {
		pl_snprintf(err, errlen, _("%s holds a NUL byte"), path);
		goto end;
	}
	memcpy(out, b.data, len);
	out[len] = '\0';
	rc = (ssize_t)len;
end:
	if (b.data != NULL)
		explicit_bzero(b.data, b.size);
	pl_buf_free(&b);
	if (rc < 0)
		explicit_bzero(out, cap);
	return rc;
}
