/* pl_notify_send: plumbline-notify's transport through libcurl: one HTTPS POST of a JSON
 * body, and one mail through SMTP (STARTTLS) or SMTPS. One attempt each, bounded by the
 * milliseconds given (CURLOPT_TIMEOUT_MS, with CURLOPT_NOSIGNAL so that libcurl never
 * touches signals); the retries and their backoff are the caller's. Links libcurl only.
 *
 * This is the notifier's own module, beside lib/ext/pl_http (check_url's): the two share
 * no code yet. No message here holds a URL's path or query, which carry the robots' keys:
 * a transport error names the host at most, as libcurl's own messages do. */
#ifndef PL_NOTIFY_SEND_H
#define PL_NOTIFY_SEND_H

#include <stdbool.h>
#include <stddef.h>

#include "pl_buf.h"

/* The largest reply body kept, in bytes: the robots answer in a hundred. */
#define PL_NOTIFY_REPLY_CAP 65536

struct pl_notify_http {
	long status;             /* HTTP status; 0 when no answer came */
	struct pl_buf body;      /* the reply body, at most PL_NOTIFY_REPLY_CAP bytes (the
				  * caller frees it with pl_buf_free) */
	char retry_after[64];    /* the Retry-After header's value, or "" */
	bool timed_out;          /* the attempt ran out of time */
	bool permanent;          /* no answer, and another try will not change that: a bad
				  * URL, a certificate that does not verify */
	char err[256];           /* why no answer came */
};

/* Initialises libcurl once for the process (curl_global_init). 0, or -1 with err. */
int pl_notify_send_init(char *err, size_t errlen);

/* POSTs len bytes of body to url with "Content-Type: application/json" and the extra
 * headers (NULL-terminated list; may be NULL), verifying TLS (cacert: a CA file, or NULL
 * for the system's), following no redirect, within timeout_ms. Fills r (r->body is reset
 * first). Returns 0 when an HTTP answer came, whatever its status, or -1 when none did
 * (r->err says why; r->timed_out when time ran out). */
int pl_notify_post(const char *url, const char *const *headers, const char *body, size_t len,
		   const char *cacert, long timeout_ms, struct pl_notify_http *r);

struct pl_notify_smtp {
	const char *url;         /* smtp://HOST[:PORT] or smtps://HOST[:PORT] */
	const char *user;        /* NULL: no login */
	const char *password;
	const char *from;
	const char *const *to;
	size_t nto;
	bool require_tls;        /* smtp:// only with STARTTLS (CURLUSESSL_ALL) */
	const char *cacert;
};

/* Sends the message (headers and body, CRLF line ends) of len bytes. Returns 0, or -1
 * with why in err and the server's last reply code in *code (0 when none), *permanent
 * set when trying again cannot help (a 5xx reply, a refused login, no STARTTLS where it
 * is required, a certificate that does not verify), *timed_out when time ran out. */
int pl_notify_smtp_send(const struct pl_notify_smtp *s, const char *msg, size_t len,
			long timeout_ms, long *code, bool *timed_out, bool *permanent, char *err,
			size_t errlen);

#endif
