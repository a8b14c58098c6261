/* pl_http: one HTTP(S) request through libcurl under the deadline (see pl_http.h). */
#include "config.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pl_http.h"
#include "pl_i18n.h"

const char *
pl_http_libcurl(void)
{
	static char text[128];
	curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);

	pl_snprintf(text, sizeof(text), "libcurl %s, %s", v->version,
		    v->ssl_version != NULL ? v->ssl_version : "no TLS");
	return text;
}

int
pl_http_url_check(const char *url, char *err, size_t errlen)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *user = NULL, *pass = NULL;
	int rc = -1;

	if (u == NULL) {
		pl_snprintf(err, errlen, _("out of memory"));
		return -1;
	}
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK) {
		pl_snprintf(err, errlen, _("not a URL (give it whole: https://host/path)"));
		goto end;
	}
	if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    (strcasecmp(scheme, "http") != 0 && strcasecmp(scheme, "https") != 0)) {
		pl_snprintf(err, errlen, _("not an http:// or https:// URL"));
		goto end;
	}
	if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PASSWORD, &pass, 0) == CURLUE_OK) {
		pl_snprintf(err, errlen, _("credentials in the URL would be on the command line, where "
			    "every user can read them: give --user with --password-file, or "
			    "--bearer-file"));
		goto end;
	}
	rc = strcasecmp(scheme, "https") == 0 ? 1 : 0;
end:
	curl_free(scheme);
	curl_free(user);
	curl_free(pass);
	curl_url_cleanup(u);
	return rc;
}

int
pl_http_sni(const char *url, const char *name, char **out_url, char **connect_to, char *err,
	    size_t errlen)
{
	CURLU *u = curl_url();
	char *host = NULL, *port = NULL, *nu = NULL;
	struct pl_buf b = PL_BUF_INIT;
	int rc = -1;

	*out_url = *connect_to = NULL;
	if (u == NULL) {
		pl_snprintf(err, errlen, _("out of memory"));
		return -1;
	}
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK) {
		pl_snprintf(err, errlen, _("the URL's host and port cannot be read"));
		goto end;
	}
	if (curl_url_set(u, CURLUPART_HOST, name, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_URL, &nu, 0) != CURLUE_OK) {
		pl_snprintf(err, errlen, _("not a host name libcurl takes"));
		goto end;
	}
	/* An IPv6 host comes in brackets, as CURLOPT_CONNECT_TO wants it. */
	if (pl_buf_printf(&b, "%s:%s:%s:%s", name, port, host, port) != 0) {
		pl_snprintf(err, errlen, _("the host name is too long"));
		goto end;
	}
	*out_url = strdup(nu);
	*connect_to = strdup(pl_buf_str(&b));
	if (*out_url == NULL || *connect_to == NULL) {
		free(*out_url);
		free(*connect_to);
		*out_url = *connect_to = NULL;
		pl_snprintf(err, errlen, _("out of memory"));
		goto end;
	}
	rc = 0;
end:
	pl_buf_free(&b);
	curl_free(host);
	curl_free(port);
	curl_free(nu);
	curl_url_cleanup(u);
	return rc;
}

/* "scheme://host:port" of url into out, "" when it cannot be read. */
static void
origin(const char *url, char *out, size_t len)
{
	CURLU *u = curl_url();
	char *s = NULL, *h = NULL, *p = NULL;

	out[0] = '\0';
	if (u == NULL)
		return;
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &s, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &p, CURLU_DEFAULT_PORT) == CURLUE_OK)
		pl_snprintf(out, len, "%s://%s:%s", s, h, p);
	curl_free(s);
	curl_free(h);
	curl_free(p);
	curl_url_cleanup(u);
}

/* A copy of url without user name and password: libcurl's redirect URL carries the
 * credentials of the request it came from, which must never be shown. NULL when out of
 * memory; url itself when libcurl cannot read it. */
static char *
strip_userinfo(const char *url)
{
	CURLU *u = curl_url();
	char *out = NULL, *copy;

	if (u != NULL && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_USER, NULL, 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_PASSWORD, NULL, 0) == CURLUE_OK)
		curl_url_get(u, CURLUPART_URL, &out, 0);
	curl_url_cleanup(u);
	if (out == NULL)
		return strdup(url);
	copy = strdup(out);
	curl_free(out);
	return copy;
}

struct ctx {
	struct pl_http_resp *r;
	size_t cap;
	const struct pl_http_req *q;
	int64_t start;               /* pl_mono_ns() when the request started */
	int64_t tls_out;             /* when the first TLS bytes went out; 0: not yet */
};

/* libcurl 7.88 sets its connect time only once the TLS handshake is done too: the
 * first TLS bytes sent (the ClientHello) say when the TCP handshake was, so that a
 * handshake that stalls still shows its connect phase. Called with CURLOPT_VERBOSE,
 * which prints nothing with a debug function set. */
static int
on_debug(CURL *h, curl_infotype type, char *data, size_t size, void *vp)
{
	struct ctx *x = vp;

	(void)h;
	(void)data;
	(void)size;
	if (type == CURLINFO_SSL_DATA_OUT && x->tls_out == 0)
		x->tls_out = pl_mono_ns();
	return 0;
}

static size_t
on_body(char *p, size_t size, size_t n, void *vp)
{
	struct ctx *x = vp;
	size_t len = size * n;

	x->r->size += len;
	if (x->q->sink != NULL)
		return x->q->sink(p, len, x->q->sink_arg) == 0 ? len : 0;
	if (x->r->body.len < x->cap) {
		size_t room = x->cap - x->r->body.len;

		pl_buf_add(&x->r->body, p, len < room ? len : room);
	}
	return len;
}

static size_t
on_header(char *p, size_t size, size_t n, void *vp)
{
	struct ctx *x = vp;
	size_t len = size * n;
	int code;

	/* The last status line wins (a 100 Continue comes before the real one). */
	if (len > 5 && memcmp(p, "HTTP/", 5) == 0)
		pl_http_status_line(p, len, &code, x->r->version, sizeof(x->r->version),
				    x->r->reason, sizeof(x->r->reason));
	return len;
}

static enum pl_http_fail
classify(CURLcode rc)
{
	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
		return PL_HTTPF_TIMEOUT;
	case CURLE_COULDNT_RESOLVE_HOST:
		return PL_HTTPF_DNS;
	case CURLE_COULDNT_RESOLVE_PROXY:
#if LIBCURL_VERSION_NUM >= 0x074900
	case CURLE_PROXY:
#endif
		return PL_HTTPF_PROXY;
	case CURLE_COULDNT_CONNECT:
		return PL_HTTPF_CONNECT;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
		return PL_HTTPF_VERIFY;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_USE_SSL_FAILED:
		return PL_HTTPF_TLS;
	default:
		return PL_HTTPF_OTHER;
	}
}

static double
info_time(CURL *h, CURLINFO what)
{
	curl_off_t us = 0;

	if (curl_easy_getinfo(h, what, &us) != CURLE_OK || us < 0)
		return 0;
	return (double)us / 1e6;
}

static void
read_times(CURL *h, bool tls, bool done, struct pl_http_times *t)
{
	t->namelookup = info_time(h, CURLINFO_NAMELOOKUP_TIME_T);
	t->connect = info_time(h, CURLINFO_CONNECT_TIME_T);
	t->appconnect = info_time(h, CURLINFO_APPCONNECT_TIME_T);
	t->pretransfer = info_time(h, CURLINFO_PRETRANSFER_TIME_T);
	t->starttransfer = info_time(h, CURLINFO_STARTTRANSFER_TIME_T);
	t->total = info_time(h, CURLINFO_TOTAL_TIME_T);
	t->tls = tls;
	t->done = done;
}

/* "Subject:...", "Issuer:...", "Expire date:..." of each certificate. */
static void
read_certs(CURL *h, struct pl_http_resp *r)
{
	struct curl_certinfo *ci = NULL;
	char err[128];

	if (curl_easy_getinfo(h, CURLINFO_CERTINFO, &ci) != CURLE_OK || ci == NULL ||
	    ci->num_of_certs <= 0)
		return;
	r->certinfo = true;
	r->certs_sent = (size_t)ci->num_of_certs;
	for (int i = 0; i < ci->num_of_certs && r->ncerts < PL_HTTP_CERTS_MAX; i++) {
		struct pl_http_cert *c = &r->certs[r->ncerts++];

		for (struct curl_slist *l = ci->certinfo[i]; l != NULL; l = l->next) {
			const char *s = l->data;

			if (strncmp(s, "Subject:", 8) == 0)
				pl_strlcpy(c->subject, s + 8, sizeof(c->subject));
			else if (strncmp(s, "Issuer:", 7) == 0)
				pl_strlcpy(c->issuer, s + 7, sizeof(c->issuer));
			else if (strncmp(s, "Expire date:", 12) == 0)
				c->has_time = pl_http_cert_time(s + 12, strlen(s + 12),
								&c->not_after, err,
								sizeof(err)) == 0;
		}
		/* Names are shown: no control bytes. */
		for (char *p = c->subject; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = '?';
		for (char *p = c->issuer; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = '?';
	}
}

static const char *
phase_of(const struct pl_http_times *t, bool cert_only)
{
	struct pl_http_phases ph;

	pl_http_phases(t, &ph);
	if (ph.dns != ph.dns)
		return _("while resolving the name");
	if (ph.connect != ph.connect)
		return _("while connecting");
	if (t->tls && ph.tls != ph.tls)
		return _("in the TLS handshake");
	if (cert_only)
		return _("in the TLS handshake");
	if (ph.ttfb != ph.ttfb)
		return _("waiting for the response");
	return _("while reading the response");
}

static int
setup(CURL *h, const struct pl_http_req *q, struct curl_slist **hdrs,
      struct curl_slist **res, struct curl_slist **cto, char *errbuf, struct ctx *x)
{
	CURLcode rc = CURLE_OK;
	long ver = CURL_HTTP_VERSION_NONE, ssl = CURL_SSLVERSION_DEFAULT;

#define SET(opt, val) do { if (rc == CURLE_OK) rc = curl_easy_setopt(h, opt, val); } while (0)
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_ERRORBUFFER, errbuf);
#if LIBCURL_VERSION_NUM >= 0x075500
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
#else
	SET(CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	SET(CURLOPT_WRITEFUNCTION, on_body);
	SET(CURLOPT_WRITEDATA, x);
	SET(CURLOPT_HEADERFUNCTION, on_header);
	SET(CURLOPT_HEADERDATA, x);
	if (strncasecmp(q->url, "https:", 6) == 0) {
		SET(CURLOPT_DEBUGFUNCTION, on_debug);
		SET(CURLOPT_DEBUGDATA, x);
		SET(CURLOPT_VERBOSE, 1L);
	}
	SET(CURLOPT_USERAGENT, q->user_agent);
	/* "" is no proxy at all, whatever the environment says. */
	if (q->proxy != NULL)
		SET(CURLOPT_PROXY, q->proxy);
	else if (!q->proxy_env)
		SET(CURLOPT_PROXY, "");
	SET(CURLOPT_IPRESOLVE, q->ip == 4 ? (long)CURL_IPRESOLVE_V4 :
	    q->ip == 6 ? (long)CURL_IPRESOLVE_V6 : (long)CURL_IPRESOLVE_WHATEVER);
	if (q->version == PL_HTTP_11)
		ver = CURL_HTTP_VERSION_1_1;
	else if (q->version == PL_HTTP_2)
		ver = strncasecmp(q->url, "http:", 5) == 0 ? CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE :
			CURL_HTTP_VERSION_2TLS;
	SET(CURLOPT_HTTP_VERSION, ver);
	SET(CURLOPT_SSL_VERIFYPEER, q->insecure ? 0L : 1L);
	SET(CURLOPT_SSL_VERIFYHOST, q->insecure ? 0L : 2L);
	if (q->cafile != NULL)
		SET(CURLOPT_CAINFO, q->cafile);
	if (q->capath != NULL)
		SET(CURLOPT_CAPATH, q->capath);
	if (q->cert != NULL)
		SET(CURLOPT_SSLCERT, q->cert);
	if (q->key != NULL)
		SET(CURLOPT_SSLKEY, q->key);
	switch (q->tls_min) {
	case PL_TLS_10: ssl = CURL_SSLVERSION_TLSv1_0; break;
	case PL_TLS_11: ssl = CURL_SSLVERSION_TLSv1_1; break;
	case PL_TLS_12: ssl = CURL_SSLVERSION_TLSv1_2; break;
	case PL_TLS_13: ssl = CURL_SSLVERSION_TLSv1_3; break;
	case PL_TLS_ANY: break;
	}
	SET(CURLOPT_SSLVERSION, ssl);
	for (size_t i = 0; i < q->nresolve; i++) {
		struct curl_slist *n = curl_slist_append(*res, q->resolve[i]);

		if (n == NULL)
			return -1;
		*res = n;
	}
	if (*res != NULL)
		SET(CURLOPT_RESOLVE, *res);
	for (size_t i = 0; i < q->nconnect_to; i++) {
		struct curl_slist *n = curl_slist_append(*cto, q->connect_to[i]);

		if (n == NULL)
			return -1;
		*cto = n;
	}
	if (*cto != NULL)
		SET(CURLOPT_CONNECT_TO, *cto);
	for (size_t i = 0; i < q->nheaders; i++) {
		struct curl_slist *n = curl_slist_append(*hdrs, q->headers[i]);

		if (n == NULL)
			return -1;
		*hdrs = n;
	}
	if (*hdrs != NULL)
		SET(CURLOPT_HTTPHEADER, *hdrs);
	if (q->cert_only)
		SET(CURLOPT_CONNECT_ONLY, 1L);
#undef SET
	return rc == CURLE_OK ? 0 : -1;
}

/* The method and body of a request; with get, a plain GET (after a 303, or a 301/302
 * after a POST). */
static int
set_method(CURL *h, const struct pl_http_req *q, bool get)
{
	CURLcode rc;
	const char *m = q->method;

	if (get || (m == NULL && q->body == NULL) || (m != NULL && strcmp(m, "GET") == 0 &&
						      q->body == NULL)) {
		rc = curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
		if (rc == CURLE_OK)
			rc = curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, (char *)NULL);
		return rc == CURLE_OK ? 0 : -1;
	}
	if (m != NULL && strcmp(m, "HEAD") == 0) {
		rc = curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
		return rc == CURLE_OK ? 0 : -1;
	}
	if (q->body != NULL) {
		rc = curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)q->body_len);
		if (rc == CURLE_OK)
			rc = curl_easy_setopt(h, CURLOPT_POSTFIELDS, q->body);
	} else {
		rc = curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	}
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST,
				      m != NULL && strcmp(m, q->body != NULL ? "POST" : "GET") != 0 ?
				      m : (const char *)NULL);
	return rc == CURLE_OK ? 0 : -1;
}

static int
set_auth(CURL *h, const struct pl_http_req *q, bool send)
{
	CURLcode rc = CURLE_OK;

	if (send && q->bearer != NULL) {
		rc = curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BEARER);
		if (rc == CURLE_OK)
			rc = curl_easy_setopt(h, CURLOPT_XOAUTH2_BEARER, q->bearer);
	} else if (send && q->user != NULL) {
		rc = curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		if (rc == CURLE_OK)
			rc = curl_easy_setopt(h, CURLOPT_USERNAME, q->user);
		if (rc == CURLE_OK)
			rc = curl_easy_setopt(h, CURLOPT_PASSWORD,
					      q->password != NULL ? q->password : "");
	} else {
		curl_easy_setopt(h, CURLOPT_XOAUTH2_BEARER, (char *)NULL);
		curl_easy_setopt(h, CURLOPT_USERNAME, (char *)NULL);
		curl_easy_setopt(h, CURLOPT_PASSWORD, (char *)NULL);
		rc = curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_NONE);
	}
	return rc == CURLE_OK ? 0 : -1;
}

static int
fail(struct pl_http_resp *r, enum pl_http_fail f, const char *text)
{
	r->fail = f;
	pl_strlcpy(r->err, text, sizeof(r->err));
	return -1;
}

int
pl_http_fetch(const struct pl_http_req *q, const struct pl_deadline *d,
	      struct pl_http_resp *r)
{
	static bool inited;
	CURL *h = NULL;
	struct curl_slist *hdrs = NULL, *res = NULL, *cto = NULL;
	char errbuf[CURL_ERROR_SIZE], first[512], now_origin[512];
	struct ctx x = { r, q->body_cap, q, 0, 0 };
	char *url = NULL;
	bool get = false;
	int ret = -1;

	memset(r, 0, sizeof(*r));
	pl_buf_init(&r->body, q->body_cap + 1);
	if (!inited) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return fail(r, PL_HTTPF_OTHER, _("libcurl could not be initialised"));
		inited = true;
	}
	h = curl_easy_init();
	errbuf[0] = '\0';
	if (h == NULL || setup(h, q, &hdrs, &res, &cto, errbuf, &x) != 0) {
		fail(r, PL_HTTPF_OTHER, _("libcurl refused the request's settings (out of "
		     "memory, or an option this libcurl lacks)"));
		goto end;
	}
	origin(q->url, first, sizeof(first));
	url = strdup(q->url);
	if (url == NULL) {
		fail(r, PL_HTTPF_OTHER, _("out of memory"));
		goto end;
	}
	for (;;) {
		CURLcode rc;
		long code = 0, hv = 0, port = 0, certinfo;
		char *next = NULL, *ip = NULL;
		bool tls = strncasecmp(url, "https:", 6) == 0;

		r->urls[r->nurls++] = url;
		url = NULL;
		origin(r->urls[r->nurls - 1], now_origin, sizeof(now_origin));
		/* The chain of the first request over TLS (after an http:// to https://
		 * redirect too). */
		certinfo = tls && !r->certinfo;
		if (set_method(h, q, get) != 0 ||
		    set_auth(h, q, strcmp(first, now_origin) == 0) != 0 ||
		    curl_easy_setopt(h, CURLOPT_URL, r->urls[r->nurls - 1]) != CURLE_OK ||
		    curl_easy_setopt(h, CURLOPT_CERTINFO, certinfo) != CURLE_OK) {
			fail(r, PL_HTTPF_OTHER, _("libcurl refused the request's settings"));
			goto end;
		}
		if (pl_deadline_expired(d)) {
			r->fail = PL_HTTPF_TIMEOUT;
			r->phase = _("before the request");
			pl_strlcpy(r->err, _("no time was left for the request"), sizeof(r->err));
			goto end;
		}
		curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)pl_deadline_left_ms(d));
		pl_buf_reset(&r->body);
		r->size = 0;
		r->reason[0] = '\0';
		r->version[0] = '\0';
		errbuf[0] = '\0';
		x.start = pl_mono_ns();
		x.tls_out = 0;
		rc = curl_easy_perform(h);
		read_times(h, tls, rc == CURLE_OK && !q->cert_only, &r->times);
		if (tls && r->times.connect <= 0 && x.tls_out > x.start)
			r->times.connect = (double)(x.tls_out - x.start) / 1e9;
		r->total += r->times.total;
		if (curl_easy_getinfo(h, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip != NULL)
			pl_strlcpy(r->address, ip, sizeof(r->address));
		if (curl_easy_getinfo(h, CURLINFO_PRIMARY_PORT, &port) == CURLE_OK)
			r->port = port;
		if (certinfo)
			read_certs(h, r);
		if (rc != CURLE_OK) {
			r->fail = classify(rc);
			r->phase = phase_of(&r->times, q->cert_only);
			pl_strlcpy(r->err, errbuf[0] ? errbuf : curl_easy_strerror(rc),
				   sizeof(r->err));
			curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &r->os_errno);
			goto end;
		}
		if (q->cert_only) {
			ret = 0;
			goto end;
		}
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
		r->status = (int)code;
		if (curl_easy_getinfo(h, CURLINFO_HTTP_VERSION, &hv) == CURLE_OK && hv != 0)
			pl_strlcpy(r->version, hv == CURL_HTTP_VERSION_1_0 ? "1.0" :
				   hv == CURL_HTTP_VERSION_1_1 ? "1.1" :
				   hv == CURL_HTTP_VERSION_2_0 ? "2" : "3", sizeof(r->version));
		if (r->reason[0] == '\0')
			pl_strlcpy(r->reason, pl_http_reason(r->status), sizeof(r->reason));
		if (code < 300 || code > 399 || q->max_redirects <= 0 ||
		    curl_easy_getinfo(h, CURLINFO_REDIRECT_URL, &next) != CURLE_OK || next == NULL)
			break;
		url = strip_userinfo(next);
		if (url == NULL) {
			fail(r, PL_HTTPF_OTHER, _("out of memory"));
			goto end;
		}
		next = url;
		for (size_t i = 0; i < r->nurls; i++) {
			if (strcmp(r->urls[i], next) == 0) {
				fail(r, PL_HTTPF_LOOP, _("a redirect loop"));
				if (r->nurls < PL_HTTP_HOPS_MAX) {
					r->urls[r->nurls++] = url;
					url = NULL;
				}
				goto end;
			}
		}
		if ((int)r->nurls > q->max_redirects || r->nurls >= PL_HTTP_HOPS_MAX) {
			fail(r, PL_HTTPF_REDIRECTS, _("too many redirects"));
			if (r->nurls < PL_HTTP_HOPS_MAX) {
				r->urls[r->nurls++] = url;
				url = NULL;
			}
			goto end;
		}
		if (code == 303 || ((code == 301 || code == 302) && q->body != NULL))
			get = true;
	}
	ret = 0;
end:
	free(url);
	curl_easy_cleanup(h);
	curl_slist_free_all(hdrs);
	curl_slist_free_all(res);
	curl_slist_free_all(cto);
	return ret;
}

void
pl_http_resp_free(struct pl_http_resp *r)
{
	for (size_t i = 0; i < r->nurls; i++)
		free(r->urls[i]);
	r->nurls = 0;
	pl_buf_free(&r->body);
}
