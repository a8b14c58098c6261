/* pl_http: one HTTP(S) request through libcurl, under the deadline, and what it showed.
 *
 * The request (method, headers, body, TLS settings, proxy, --resolve entries,
 * credentials) is sent to the URL; redirects are followed here, one request at a time
 * on the same handle (so connections are reused), up to max_redirects: libcurl resolves
 * each Location against the URL it came from (relative ones, query strings kept), a URL
 * seen before is a loop, and credentials go only to the scheme, host and port they were
 * given for. 301, 302 and 303 turn a POST into a GET, as browsers do; 307 and 308 keep
 * the method and body.
 *
 * Time: each request gets CURLOPT_TIMEOUT_MS from what is left of the deadline, with
 * CURLOPT_NOSIGNAL (libcurl never touches signals; pl_timeout's SIGALRM is the
 * backstop). A request that fails or runs out of time still fills the phases it reached
 * (pl_httpspec's pl_http_phases).
 *
 * Certificates: with CURLOPT_CERTINFO, the chain the server sent on the connection of
 * the first request over TLS (the URL given, or the https:// URL an http:// one
 * redirected to; never a separate connection), each certificate's subject, issuer and
 * expiry. cert_only completes the TLS handshake and sends no request
 * (CURLOPT_CONNECT_ONLY).
 *
 * Proxies: only the one given, unless proxy_env: then libcurl's reading of http_proxy,
 * https_proxy, all_proxy and no_proxy. Without either, none at all, whatever the
 * environment says (an engine's environment is not the admin's shell). */
#ifndef PL_HTTP_H
#define PL_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pl_buf.h"
#include "pl_deadline.h"
#include "pl_httpspec.h"

#define PL_HTTP_CERTS_MAX 10     /* certificates of a chain kept */
#define PL_HTTP_HOPS_MAX 51      /* URLs of a redirect chain kept (max_redirects <= 50) */

enum pl_http_ver { PL_HTTP_ANY = 0, PL_HTTP_11, PL_HTTP_2 };
enum pl_http_tls { PL_TLS_ANY = 0, PL_TLS_10, PL_TLS_11, PL_TLS_12, PL_TLS_13 };

struct pl_http_req {
	const char *url;
	const char *method;          /* NULL: GET, or POST with a body */
	const char *body;            /* NULL: none */
	size_t body_len;
	const char *const *headers;  /* "Name: value" */
	size_t nheaders;
	const char *const *resolve;  /* "host:port:address" (CURLOPT_RESOLVE) */
	size_t nresolve;
	const char *const *connect_to; /* "host:port:host2:port2" (CURLOPT_CONNECT_TO) */
	size_t nconnect_to;
	const char *proxy;           /* NULL: none (or the environment's with proxy_env) */
	bool proxy_env;
	int ip;                      /* 0 any, 4 or 6 */
	enum pl_http_ver version;
	bool insecure;               /* no verification of the server's certificate */
	const char *cafile, *capath, *cert, *key;
	enum pl_http_tls tls_min;
	const char *user, *password; /* basic credentials (user with password) */
	const char *bearer;          /* a bearer token */
	int max_redirects;           /* 0: none followed */
	bool cert_only;
	size_t body_cap;             /* bytes of the body kept for matching */
	const char *user_agent;
	/* Not NULL: every response body's bytes go here as they arrive, none kept in
	 * resp.body (a reply of any size in bounded memory); nonzero stops the transfer
	 * (a PL_HTTPF_OTHER failure). */
	int (*sink)(const char *p, size_t n, void *arg);
	void *sink_arg;
};

enum pl_http_fail {
	PL_HTTPF_NONE = 0,
	PL_HTTPF_TIMEOUT,            /* the deadline passed */
	PL_HTTPF_DNS,                /* the name could not be resolved */
	PL_HTTPF_CONNECT,            /* refused, unreachable */
	PL_HTTPF_TLS,                /* the handshake failed */
	PL_HTTPF_VERIFY,             /* the server's certificate was not accepted */
	PL_HTTPF_LOOP,               /* a redirect to a URL seen before */
	PL_HTTPF_REDIRECTS,          /* more redirects than allowed */
	PL_HTTPF_PROXY,              /* the proxy failed */
	PL_HTTPF_OTHER,
};

struct pl_http_cert {
	char subject[256], issuer[256];
	int64_t not_after;           /* seconds since the epoch */
	bool has_time;
};

/* Owned by the caller: pl_http_resp_free() releases it. */
struct pl_http_resp {
	int status;                  /* of the last response; 0: none */
	char version[8];             /* "1.1", "2" */
	char reason[128];
	struct pl_http_times times;  /* of the last request */
	double total;                /* every request, redirects included */
	uint64_t size;               /* bytes of the last response's body */
	struct pl_buf body;          /* its first body_cap bytes */
	char *urls[PL_HTTP_HOPS_MAX];   /* the URLs requested, in order */
	size_t nurls;
	struct pl_http_cert certs[PL_HTTP_CERTS_MAX];
	size_t ncerts, certs_sent;   /* kept, and as many as the server sent */
	bool certinfo;               /* certificates were asked for and read */
	char address[64];            /* the server's address, as connected */
	long port;
	enum pl_http_fail fail;
	char err[512];               /* why, when fail */
	const char *phase;           /* where it failed: "while resolving the name", "in the
				      * TLS handshake", "waiting for the response", ... */
	long os_errno;               /* the system's error of a failed connect; 0: none */
};

/* The libcurl version ("7.88.1") and its TLS library ("OpenSSL/3.0.19"). */
const char *pl_http_libcurl(void);

/* Checks a URL given by the user with libcurl's URL parser: an http:// or https:// URL
 * without credentials in it (they would be on the command line). Returns 1 for https,
 * 0 for http, or -1 with why in err. */
int pl_http_url_check(const char *url, char *err, size_t errlen);

/* For a TLS name other than the URL's host (check_url --sni NAME): into *out_url the URL
 * with its host replaced by name, so that name is the SNI sent, the name verified in the
 * certificate and the Host header; into *connect_to the CURLOPT_CONNECT_TO entry
 * "name:port:host:port" (pl_http_req.connect_to) that still connects to the URL's host
 * and port. Both to free with free(). 0, or -1 with why in err. */
int pl_http_sni(const char *url, const char *name, char **out_url, char **connect_to,
		char *err, size_t errlen);

/* Sends the request (see above); d NULL: the process deadline. Returns 0 when a response
 * was read (or, with cert_only, the handshake completed), or -1 with r->fail, r->err
 * and the phases reached. -1 with PL_HTTPF_OTHER also for a request libcurl refused to
 * set up (an option this build lacks, out of memory). */
int pl_http_fetch(const struct pl_http_req *q, const struct pl_deadline *d,
		  struct pl_http_resp *r);

void pl_http_resp_free(struct pl_http_resp *r);

#endif
