#include "config.h"

#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "pl_i18n.h"
#include "pl_notify_send.h"

int
pl_notify_send_init(char *err, size_t errlen)
{
	CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);

	if (rc != CURLE_OK) {
		pl_snprintf(err, errlen, _("cannot initialise libcurl: %s"), curl_easy_strerror(rc));
		return -1;
	}
	return 0;
}

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	struct pl_buf *b = arg;

	/* Past the cap the rest is dropped, not refused: the reply's start says enough. */
	pl_buf_add(b, p, size * n);
	return size * n;
}

static size_t
on_header(char *p, size_t size, size_t n, void *arg)
{
	struct pl_notify_http *r = arg;
	size_t len = size * n;
	static const char name[] = "retry-after:";

	if (len > sizeof(name) - 1 && strncasecmp(p, name, sizeof(name) - 1) == 0) {
		size_t i = sizeof(name) - 1, j;

		while (i < len && (p[i] == ' ' || p[i] == '\t'))
			i++;
		j = len;
		while (j > i && (p[j - 1] == '\r' || p[j - 1] == '\n' || p[j - 1] == ' '))
			j--;
		if (j - i < sizeof(r->retry_after)) {
			memcpy(r->retry_after, p + i, j - i);
			r->retry_after[j - i] = '\0';
		}
	}
	return len;
}

/* Errors that another attempt cannot change. */
static bool
permanent_error(CURLcode rc)
{
	switch (rc) {
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_LOGIN_DENIED:
	case CURLE_USE_SSL_FAILED:
	case CURLE_REMOTE_ACCESS_DENIED:
		return true;
	default:
		return false;
	}
}

/* What libcurl said, without a URL: its error buffer names a host at most. */
static void
curl_why(CURLcode rc, const char *ebuf, char *err, size_t errlen)
{
	pl_snprintf(err, errlen, "%s%s%s", curl_easy_strerror(rc), ebuf[0] ? ": " : "", ebuf);
}

int
pl_notify_post(const char *url, const char *const *headers, const char *body, size_t len,
	       const char *cacert, long timeout_ms, struct pl_notify_http *r)
{
	struct curl_slist *hl = NULL;
	char ebuf[CURL_ERROR_SIZE] = "";
	CURL *c = curl_easy_init();
	CURLcode rc;
	int ret = -1;

	r->status = 0;
	r->retry_after[0] = '\0';
	r->timed_out = false;
	r->permanent = false;
	r->err[0] = '\0';
	if (r->body.cap == 0)
		pl_buf_init(&r->body, PL_NOTIFY_REPLY_CAP);
	pl_buf_reset(&r->body);
	if (c == NULL) {
		pl_snprintf(r->err, sizeof(r->err), "cannot start libcurl");
		return -1;
	}
	hl = curl_slist_append(hl, "Content-Type: application/json; charset=utf-8");
	hl = curl_slist_append(hl, "Expect:");
	for (size_t i = 0; headers != NULL && headers[i] != NULL; i++)
		hl = curl_slist_append(hl, headers[i]);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms > 0 ? timeout_ms : 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms > 0 ? timeout_ms : 1L);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "plumbline-notify/" PACKAGE_VERSION);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &r->body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	if (cacert != NULL)
		curl_easy_setopt(c, CURLOPT_CAINFO, cacert);
	rc = curl_easy_perform(c);
	if (rc != CURLE_OK) {
		r->timed_out = rc == CURLE_OPERATION_TIMEDOUT;
		r->permanent = permanent_error(rc);
		curl_why(rc, ebuf, r->err, sizeof(r->err));
		goto end;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	ret = 0;
end:
	curl_slist_free_all(hl);
	curl_easy_cleanup(c);
	return ret;
}

struct upload {
	const char *p;
	size_t left;
};

static size_t
on_read(char *buf, size_t size, size_t n, void *arg)
{
	struct upload *u = arg;
	size_t m = size * n < u->left ? size * n : u->left;

	memcpy(buf, u->p, m);
	u->p += m;
	u->left -= m;
	return m;
}

int
pl_notify_smtp_send(const struct pl_notify_smtp *s, const char *msg, size_t len,
		    long timeout_ms, long *code, bool *timed_out, bool *permanent, char *err,
		    size_t errlen)
{
	struct curl_slist *rcpt = NULL;
	struct upload u = { msg, len };
	char ebuf[CURL_ERROR_SIZE] = "";
	CURL *c = curl_easy_init();
	CURLcode rc;
	int ret = -1;

	*code = 0;
	*timed_out = false;
	*permanent = false;
	if (c == NULL) {
		pl_snprintf(err, errlen, "cannot start libcurl");
		return -1;
	}
	for (size_t i = 0; i < s->nto; i++)
		rcpt = curl_slist_append(rcpt, s->to[i]);
	curl_easy_setopt(c, CURLOPT_URL, s->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms > 0 ? timeout_ms : 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms > 0 ? timeout_ms : 1L);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, s->from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
	curl_easy_setopt(c, CURLOPT_READDATA, &u);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
	if (s->require_tls)
		curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	if (s->user != NULL) {
		curl_easy_setopt(c, CURLOPT_USERNAME, s->user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, s->password != NULL ? s->password : "");
	}
	if (s->cacert != NULL)
		curl_easy_setopt(c, CURLOPT_CAINFO, s->cacert);
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, code);
	if (rc != CURLE_OK) {
		*timed_out = rc == CURLE_OPERATION_TIMEDOUT;
		*permanent = permanent_error(rc) || *code >= 500;
		curl_why(rc, ebuf, err, errlen);
		goto end;
	}
	ret = 0;
end:
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	return ret;
}
