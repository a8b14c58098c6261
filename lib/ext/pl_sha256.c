/* pl_sha256: SHA-256 with OpenSSL's EVP interface. See pl_sha256.h. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>

#include "pl_i18n.h"
#include "pl_buf.h"
#include "pl_sha256.h"

/* libcrypto's last error as text, or what failed when it queued none. */
static int
crypto_fail(const char *what, char *err, size_t errlen)
{
	unsigned long e = ERR_get_error();
	char msg[160];

	if (e != 0) {
		ERR_error_string_n(e, msg, sizeof(msg));
		pl_snprintf(err, errlen, _("SHA-256 %s failed: %s"), what, msg);
	} else {
		pl_snprintf(err, errlen, _("SHA-256 %s failed"), what);
	}
	ERR_clear_error();
	return -1;
}

int
pl_sha256_init(struct pl_sha256 *h, char *err, size_t errlen)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	h->ctx = NULL;
	if (ctx == NULL)
		return crypto_fail("setup", err, errlen);
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(ctx);
		return crypto_fail("setup", err, errlen);
	}
	h->ctx = ctx;
	return 0;
}

int
pl_sha256_update(struct pl_sha256 *h, const void *data, size_t len, char *err,
		 size_t errlen)
{
	if (h->ctx == NULL) {
		pl_snprintf(err, errlen, _("SHA-256 used before pl_sha256_init"));
		return -1;
	}
	if (len > 0 && EVP_DigestUpdate(h->ctx, data, len) != 1)
		return crypto_fail("update", err, errlen);
	return 0;
}

int
pl_sha256_final(struct pl_sha256 *h, char hex[PL_SHA256_HEX], char *err, size_t errlen)
{
	static const char digits[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	int rc = 0;

	if (h->ctx == NULL) {
		pl_snprintf(err, errlen, _("SHA-256 used before pl_sha256_init"));
		return -1;
	}
	if (hex != NULL) {
		if (EVP_DigestFinal_ex(h->ctx, md, &n) != 1 || n != PL_SHA256_LEN) {
			rc = crypto_fail("final", err, errlen);
		} else {
			for (unsigned int i = 0; i < n; i++) {
				hex[2 * i] = digits[md[i] >> 4];
				hex[2 * i + 1] = digits[md[i] & 15];
			}
			hex[2 * n] = '\0';
		}
	}
	EVP_MD_CTX_free(h->ctx);
	h->ctx = NULL;
	return rc;
}

int
pl_sha256_hex(const void *data, size_t len, char hex[PL_SHA256_HEX], char *err,
	      size_t errlen)
{
	struct pl_sha256 h;

	if (pl_sha256_init(&h, err, errlen) != 0)
		return -1;
	if (pl_sha256_update(&h, data, len, err, errlen) != 0) {
		pl_sha256_final(&h, NULL, NULL, 0);
		return -1;
	}
	return pl_sha256_final(&h, hex, err, errlen);
}

int
pl_sha256_fd(int fd, const struct pl_deadline *d, char hex[PL_SHA256_HEX], uint64_t *bytes,
	     char *err, size_t errlen)
{
	unsigned char buf[65536];
	struct pl_sha256 h;
	uint64_t total = 0;

	if (pl_sha256_init(&h, err, errlen) != 0)
		return -1;
	for (;;) {
		ssize_t n;

		if (d != NULL && pl_deadline_expired(d)) {
			pl_snprintf(err, errlen, _("timed out after %llu bytes"),
				    (unsigned long long)total);
			goto fail;
		}
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			pl_snprintf(err, errlen, _("read failed after %llu bytes: %s"),
				    (unsigned long long)total, strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		if (pl_sha256_update(&h, buf, (size_t)n, err, errlen) != 0)
			goto fail;
		total += (uint64_t)n;
	}
	if (bytes != NULL)
		*bytes = total;
	return pl_sha256_final(&h, hex, err, errlen);
fail:
	pl_sha256_final(&h, NULL, NULL, 0);
	return -1;
}
