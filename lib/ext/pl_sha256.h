/* pl_sha256: SHA-256 through OpenSSL's libcrypto, for what the suite fingerprints: a
 * normalized firewall ruleset against its baseline, a restored file against the live one
 * or a manifest. Links libcrypto only.
 *
 * The hex form is 64 lowercase digits and a NUL (PL_SHA256_HEX bytes). */
#ifndef PL_SHA256_H
#define PL_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include "pl_deadline.h"

#define PL_SHA256_LEN 32
#define PL_SHA256_HEX (2 * PL_SHA256_LEN + 1)

/* An incremental digest: init, update any number of times, final. Owned by the caller
 * (on its stack); pl_sha256_final frees what init took, also after a failed update. */
struct pl_sha256 {
	void *ctx; /* an EVP_MD_CTX */
};

/* 0, or -1 with why in err (libcrypto's own message). */
int pl_sha256_init(struct pl_sha256 *h, char *err, size_t errlen);
int pl_sha256_update(struct pl_sha256 *h, const void *data, size_t len, char *err,
		     size_t errlen);
/* Writes the digest as hex into hex (PL_SHA256_HEX bytes) and frees the context; hex may
 * be NULL to only free it. 0, or -1 with why in err. */
int pl_sha256_final(struct pl_sha256 *h, char hex[PL_SHA256_HEX], char *err, size_t errlen);

/* The digest of len bytes at data, as hex. 0, or -1 with why in err. */
int pl_sha256_hex(const void *data, size_t len, char hex[PL_SHA256_HEX], char *err,
		  size_t errlen);

/* The digest of what the open descriptor fd reads to its end, as hex, and the number of
 * bytes read in *bytes (may be NULL). Stops with -1 ("timed out after N bytes") when
 * the deadline d (may be NULL) runs out between reads; -1 with errno's text on a read
 * error. Does not close fd. */
int pl_sha256_fd(int fd, const struct pl_deadline *d, char hex[PL_SHA256_HEX],
		 uint64_t *bytes, char *err, size_t errlen);

#endif
