/* pl_secret: reading a secret (a password, a token) from a file.
 *
 * Whoever can read the file knows the secret, and whoever can write it or replace it
 * decides what the check sends where: the file must be a regular file (no symlink,
 * FIFO or device) of root or of the user running the check, with no access at all for
 * group and others. The messages say what to do (chmod 600 FILE, chown). */
#ifndef PL_SECRET_H
#define PL_SECRET_H

#include <stddef.h>
#include <sys/types.h>

#define PL_SECRET_MAX 4096   /* the longest secret, in bytes */

/* Reads the secret in path into out (cap bytes, NUL-terminated; cap <= PL_SECRET_MAX + 1
 * is enough), without one trailing newline ("\n" or "\r\n"). An empty secret, one that
 * holds a NUL byte or one longer than cap - 1 bytes is refused. Returns its length, or
 * -1 with why in err (which names path, never the contents). out and every buffer used
 * on the way are zeroed on failure; the caller zeroes out after use (explicit_bzero). */
ssize_t pl_secret_read(const char *path, char *out, size_t cap, char *err, size_t errlen);

#endif
