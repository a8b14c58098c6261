/* check_url: an HTTP(S) URL's answer and how long each phase of it took (libcurl).
 *
 * One request (redirects followed up to a limit, lib/ext/pl_http), judged on the status
 * code of the last response (lists, ranges and a mapping to states, lib/source/
 * pl_httpspec), the body (must or must not hold a string or match a regex, size
 * limits), the time of every phase, and the days left of every certificate the server
 * sent on that same connection. The phases are always in the perfdata, also when the
 * request failed or timed out: those reached with their values, the rest without, so
 * that a graph shows where it stalled. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "pl_i18n.h"
#include "pl_buf.h"
#include "pl_clock.h"
#include "pl_deadline.h"
#include "pl_file.h"
#include "pl_http.h"
#include "pl_httpspec.h"
#include "pl_plugin.h"
#include "pl_result.h"
#include "pl_timeout.h"

#define BODY_KEEP ((size_t)4 << 20)  /* bytes of a body the matches look at */
#define MAX_LIST 32

struct url_config {
	const char *url, *method, *body, *body_file, *proxy, *user_agent, *sni;
	char *connect_to;            /* --sni's CURLOPT_CONNECT_TO entry */
	struct pl_strlist headers, resolve, contains, lacks, regex, lacks_regex;
	struct pl_http_codes expect;
	struct pl_http_map map;
	double min_size, max_size;
	int max_redirects;
	bool proxy_env, ipv4, ipv6, http11, http2, insecure, cert_only;
	const char *cafile, *capath, *cert, *key, *user, *password, *bearer;
	int tls_min;
};

static int
opt_expect(void *base, const struct pl_option *o, const char *v, char *err, size_t errlen)
{
	struct url_config *cfg = base;

	(void)o;
	return pl_http_codes_parse(v, strlen(v), &cfg->expect, err, errlen);
}

static int
opt_map(void *base, const struct pl_option *o, const char *v, char *err, size_t errlen)
{
	struct url_config *cfg = base;

	(void)o;
	return pl_http_map_parse(v, strlen(v), &cfg->map, err, errlen);
}

/* A header "Name: value": a token, a colon, no line break; credentials never (they would
 * be on the command line). */
static int
check_header(const char *v, char *err, size_t errlen)
{
	const char *colon = strchr(v, ':');

	if (colon == NULL || colon == v) {
		pl_snprintf(err, errlen, _("not a header (write it 'Name: value')"));
		return -1;
	}
	for (const char *p = v; p < colon; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("!#$%&'*+-.^_`|~", *p) != NULL)) {
			pl_snprintf(err, errlen, _("the header's name holds a character a name may "
				    "not (write it 'Name: value')"));
			return -1;
		}
	if (strpbrk(v, "\r\n") != NULL) {
		pl_snprintf(err, errlen, _("a line break in a header"));
		return -1;
	}
	if ((colon - v == 13 && strncasecmp(v, "Authorization", 13) == 0) ||
	    (colon - v == 19 && strncasecmp(v, "Proxy-Authorization", 19) == 0) ||
	    (colon - v == 6 && strncasecmp(v, "Cookie", 6) == 0)) {
		pl_snprintf(err, errlen, _("credentials on the command line can be read by every "
			    "user: give --user with --password-file, or --bearer-file"));
		return -1;
	}
	return 0;
}

static int
check_method(const char *v, char *err, size_t errlen)
{
	if (*v == '\0' || strlen(v) > 20)
		goto bad;
	for (const char *p = v; *p; p++)
		if (!(*p >= 'A' && *p <= 'Z'))
			goto bad;
	return 0;
bad:
	pl_snprintf(err, errlen, _("not a method (give one in capitals: GET, HEAD, POST, PUT, "
		    "DELETE, OPTIONS...)"));
	return -1;
}

/* host:port:address[,address...] as curl --resolve takes it. */
static int
check_resolve(const char *v, char *err, size_t errlen)
{
	const char *a = strchr(v, ':'), *b = a != NULL ? strchr(a + 1, ':') : NULL;

	if (a == NULL || b == NULL || a == v || b == a + 1 || b[1] == '\0' || *v == '-' ||
	    *v == '+')
		goto bad;
	for (const char *p = a + 1; p < b; p++)
		if (*p < '0' || *p > '9')
			goto bad;
	return 0;
bad:
	pl_snprintf(err, errlen, _("not HOST:PORT:ADDRESS (like www.example.com:443:127.0.0.1)"));
	return -1;
}

/* A DNS name for --sni: letters, digits, '-' and '.', not starting with '-' or '.'. */
static int
check_sni(const char *v, char *err, size_t errlen)
{
	size_t n = strlen(v);

	if (n == 0 || n > 253 || v[0] == '-' || v[0] == '.')
		goto bad;
	for (const char *p = v; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '.'))
			goto bad;
	return 0;
bad:
	pl_snprintf(err, errlen, _("not a DNS name (like www.example.com)"));
	return -1;
}

static int
check_regex(const char *v, char *err, size_t errlen)
{
	regex_t re;
	int rc = regcomp(&re, v, REG_EXTENDED | REG_NOSUB);

	if (rc != 0) {
		char why[200];

		regerror(rc, &re, why, sizeof(why));
		pl_snprintf(err, errlen, _("not an extended regular expression: %s"), why);
		return -1;
	}
	regfree(&re);
	return 0;
}

static const struct pl_choice tls_versions[] = {
	{ "1.0", PL_TLS_10, false }, { "1.1", PL_TLS_11, false }, { "1.2", PL_TLS_12, false },
	{ "1.3", PL_TLS_13, false }, { NULL, 0, false },
};

#define ID (PL_OPT_IDENTITY)

static const struct pl_option url_opts[] = {
	{ .name = "url", .letter = 'u', .type = PL_OPT_STRING, .arg = "URL",
	  .flags = ID | PL_OPT_SYNOPSIS, PL_OPT_AT(struct url_config, url),
	  .help = N_("The http:// or https:// URL to ask. Required. Credentials are never part of "
		  "it (see --user and --bearer).") },
	{ .name = "method", .type = PL_OPT_STRING, .arg = "METHOD", .check = check_method,
	  .flags = ID, PL_OPT_AT(struct url_config, method),
	  .help = N_("The request method (default GET, or POST with a body). HEAD reads no body.") },
	{ .name = "header", .type = PL_OPT_LIST, .arg = "'NAME: VALUE'", .max = MAX_LIST,
	  .check = check_header, .flags = ID, PL_OPT_AT(struct url_config, headers),
	  .help = N_("A request header; repeatable. Authorization and Cookie are refused: they "
		  "are credentials, and the command line is readable by every user.") },
	{ .name = "body", .type = PL_OPT_STRING, .arg = "TEXT", .flags = ID,
	  PL_OPT_AT(struct url_config, body),
	  .help = N_("The request body (the method becomes POST unless --method says another).") },
	{ .name = "body-file", .type = PL_OPT_STRING, .arg = "FILE", .flags = ID,
	  PL_OPT_AT(struct url_config, body_file),
	  .help = N_("The request body from a file (at most 1 MiB).") },
	{ .name = "expect", .letter = 'e', .type = PL_OPT_STRING, .arg = "CODES",
	  .fn = opt_expect, .flags = PL_OPT_REPEAT,
	  .help = N_("The status codes that are OK, judged on the last response after redirects: "
		  "codes, ranges and classes separated by commas (200,301-302,2xx); any other is "
		  "CRITICAL. Without it: 1xx to 3xx OK, 4xx WARNING, 5xx CRITICAL. Repeatable.") },
	{ .name = "status-map", .type = PL_OPT_STRING, .arg = "CODES=STATE,...", .fn = opt_map,
	  .flags = PL_OPT_REPEAT,
	  .help = N_("The state of given status codes, before --expect and the defaults: "
		  "404=ok,5xx=critical,429=warning. Where entries overlap the narrowest wins. "
		  "Repeatable.") },
	{ .name = "body-contains", .type = PL_OPT_LIST, .arg = "TEXT", .max = MAX_LIST,
	  PL_OPT_AT(struct url_config, contains),
	  .help = N_("CRITICAL unless the body holds TEXT (bytes, case matters). Repeatable: each "
		  "must be there. Matches look at the body's first 4 MiB.") },
	{ .name = "body-lacks", .type = PL_OPT_LIST, .arg = "TEXT", .max = MAX_LIST,
	  PL_OPT_AT(struct url_config, lacks),
	  .help = N_("CRITICAL when the body holds TEXT. Repeatable.") },
	{ .name = "body-regex", .type = PL_OPT_LIST, .arg = "REGEX", .max = MAX_LIST,
	  .check = check_regex, PL_OPT_AT(struct url_config, regex),
	  .help = N_("CRITICAL unless the body matches the extended regular expression REGEX. "
		  "Repeatable.") },
	{ .name = "body-lacks-regex", .type = PL_OPT_LIST, .arg = "REGEX", .max = MAX_LIST,
	  .check = check_regex, PL_OPT_AT(struct url_config, lacks_regex),
	  .help = N_("CRITICAL when the body matches REGEX. Repeatable.") },
	{ .name = "min-size", .type = PL_OPT_SIZE, .min = 0, .max = 1e15,
	  PL_OPT_AT(struct url_config, min_size),
	  .help = N_("CRITICAL when the body is smaller (a truncated page).") },
	{ .name = "max-size", .type = PL_OPT_SIZE, .min = 0, .max = 1e15,
	  PL_OPT_AT(struct url_config, max_size),
	  .help = N_("CRITICAL when the body is larger.") },
	{ .name = "max-redirects", .type = PL_OPT_INT, .min = 0, .max = 50,
	  PL_OPT_AT(struct url_config, max_redirects),
	  .help = N_("Redirects followed at most (default 10; 0: none, the redirect itself is "
		  "judged). Relative locations are resolved against the URL they came from, "
		  "query strings kept; a URL seen twice is a loop (CRITICAL); more than this is "
		  "CRITICAL. Credentials go only to the scheme, host and port of --url.") },
	{ .name = "proxy", .type = PL_OPT_STRING, .arg = "URL", .flags = ID,
	  PL_OPT_AT(struct url_config, proxy),
	  .help = N_("Send the request through this proxy (http://proxy:3128).") },
	{ .name = "proxy-env", .type = PL_OPT_SWITCH, PL_OPT_AT(struct url_config, proxy_env),
	  .help = N_("Use the proxy of the environment (http_proxy, https_proxy, all_proxy, "
		  "no_proxy). Without it the environment's proxy is never used.") },
	{ .name = "resolve", .type = PL_OPT_LIST, .arg = "HOST:PORT:ADDRESS", .max = MAX_LIST,
	  .check = check_resolve, .flags = ID, PL_OPT_AT(struct url_config, resolve),
	  .help = N_("Connect to ADDRESS for HOST:PORT instead of what DNS says; the Host header "
		  "and TLS name (SNI, and the name checked in the certificate) stay HOST. "
		  "Repeatable.") },
	{ .name = "sni", .type = PL_OPT_STRING, .arg = "NAME", .check = check_sni, .flags = ID,
	  PL_OPT_AT(struct url_config, sni),
	  .help = N_("Name NAME in TLS (the SNI sent, the name verified in the certificate) and in "
		  "the Host header while connecting to the host and port of --url (an address "
		  "or another name): a virtual host checked on one server of several. "
		  "Redirects to NAME go to that host too.") },
	{ .name = "ipv4", .letter = '4', .type = PL_OPT_SWITCH, .flags = ID,
	  PL_OPT_AT(struct url_config, ipv4), .help = N_("Connect over IPv4 only.") },
	{ .name = "ipv6", .letter = '6', .type = PL_OPT_SWITCH, .flags = ID,
	  PL_OPT_AT(struct url_config, ipv6), .help = N_("Connect over IPv6 only.") },
	{ .name = "http1.1", .type = PL_OPT_SWITCH, PL_OPT_AT(struct url_config, http11),
	  .help = N_("Speak HTTP/1.1 only.") },
	{ .name = "http2", .type = PL_OPT_SWITCH, PL_OPT_AT(struct url_config, http2),
	  .help = N_("Require HTTP/2 (negotiated by TLS ALPN; over http:// without upgrade). A "
		  "server that answers in HTTP/1.1 is CRITICAL.") },
	{ .name = "insecure", .type = PL_OPT_SWITCH, PL_OPT_AT(struct url_config, insecure),
	  .help = N_("Do not verify the server's certificate (its days left are still reported). "
		  "Verification is on by default.") },
	{ .name = "ca-file", .type = PL_OPT_STRING, .arg = "FILE",
	  PL_OPT_AT(struct url_config, cafile),
	  .help = N_("Verify against the CA certificates in FILE (PEM) instead of the system's.") },
	{ .name = "ca-dir", .type = PL_OPT_STRING, .arg = "DIR",
	  PL_OPT_AT(struct url_config, capath),
	  .help = N_("Verify against a directory of hashed CA certificates (c_rehash).") },
	{ .name = "client-cert", .type = PL_OPT_STRING, .arg = "FILE",
	  PL_OPT_AT(struct url_config, cert),
	  .help = N_("A client certificate (PEM), for servers that ask for one.") },
	{ .name = "client-key", .type = PL_OPT_STRING, .arg = "FILE",
	  PL_OPT_AT(struct url_config, key),
	  .help = N_("The client certificate's private key (PEM, unencrypted): a file of root or "
		  "the user running the check, mode 600, not a symlink. Default: in "
		  "--client-cert's file.") },
	{ .name = "tls-min", .type = PL_OPT_CHOICE, .arg = "VERSION", .choices = tls_versions,
	  PL_OPT_AT(struct url_config, tls_min),
	  .help = N_("The oldest TLS version accepted; a server that offers only older ones fails "
		  "the handshake (CRITICAL).") },
	{ .name = "certificate", .letter = 'C', .type = PL_OPT_SWITCH, .flags = ID,
	  PL_OPT_AT(struct url_config, cert_only),
	  .help = N_("Only the TLS handshake: the chain's days left, no request is sent.") },
	{ .name = "user", .type = PL_OPT_STRING, .arg = "NAME",
	  PL_OPT_AT(struct url_config, user),
	  .help = N_("Basic authentication as NAME, with --password.") },
	{ .name = "password", .type = PL_OPT_STRING, .flags = PL_OPT_SECRET,
	  .env = "PLUMBLINE_URL_PASSWORD", PL_OPT_AT(struct url_config, password),
	  .help = N_("The password for --user.") },
	{ .name = "bearer", .type = PL_OPT_STRING, .flags = PL_OPT_SECRET,
	  .env = "PLUMBLINE_URL_BEARER", PL_OPT_AT(struct url_config, bearer),
	  .help = N_("A bearer token (Authorization: Bearer).") },
	{ .name = "user-agent", .type = PL_OPT_STRING, .arg = "TEXT",
	  PL_OPT_AT(struct url_config, user_agent),
	  .help = N_("The User-Agent header (default check_url/VERSION).") },
	{ .name = NULL },
};

static const char *const url_primary[] = { "total", NULL };

static const struct pl_plugin url_plugin = {
	.name = "check_url",
	.service = "URL",
	.purpose = N_("an HTTP(S) URL's status, body, time per phase and certificate chain"),
	.description =
		N_("Asks one URL through libcurl and judges the answer: the status code of the "
		"last response after redirects (--expect, --status-map), the body "
		"(--body-contains, --body-regex, --body-lacks, --min-size, --max-size), the time "
		"of each phase, and the days left of every certificate of the chain the server "
		"sent, on the same connection as the request.\n"
		"The phases are in the perfdata on every run, also when the request failed or "
		"timed out: dns (name lookup), connect (TCP handshake), tls (TLS handshake), "
		"ttfb (from the request sent to the first byte of the answer), total (the whole "
		"request, redirects included) and size (bytes of the body). A phase that was "
		"never reached has no value (left out of the perfdata, null in JSON), so that a "
		"graph shows where a request stalled. -w and -c apply to total; --warningx and "
		"--criticalx to any phase ('tls=0.5').\n"
		"Certificates: each one the server sent is an item certN (cert0 the server's "
		"own), with its days left as certN_days: WARNING under 30 days, CRITICAL under 7 "
		"by default ('--warningx cert*_days=14:' changes it). TLS verification is on "
		"unless --insecure; an expired certificate or one for another name is CRITICAL "
		"then. --certificate does the handshake alone.\n"
		"Timeouts: --timeout bounds the whole check; libcurl is given what is left of it, "
		"and a request that runs out of time reports the phases it reached and the "
		"--timeout state (UNKNOWN unless '-t 10:critical'). A server that cannot be "
		"reached, or answers wrongly, is CRITICAL.\n"
		"Credentials never come from the command line: --password and --bearer from "
		"their files (--password-file, --bearer-file, mode 600), PLUMBLINE_URL_PASSWORD, "
		"PLUMBLINE_URL_BEARER or the --extra-opts file. Proxies from the environment "
		"only with --proxy-env."),
	.options = url_opts,
	.primary = url_primary,
	.metrics =
		N_("dns, connect, tls, ttfb, total (seconds; see above), size (bytes of the last "
		"response's body), redirects (followed), certN_days (days left of each "
		"certificate of the chain, cert0 the server's)."),
	.examples =
		N_("  check_url --url https://www.example.com/ -w 1 -c 3\n"
		"      Status 1xx-3xx after redirects is OK; WARNING over 1 s, CRITICAL over 3 s.\n"
		"  check_url --url https://api.example.com/health --expect 200 "
		"--body-contains '\"status\":\"up\"' --bearer-file /etc/nagios/api.token\n"
		"      Only 200 is OK and the body must say it is up; a token from a file.\n"
		"  check_url --url https://www.example.com/gone --status-map '404=ok,5xx=critical'\n"
		"      A page that should be gone: 404 is OK.\n"
		"  check_url --url https://www.example.com/ --certificate --warningx 'cert*_days=21:'\n"
		"      The TLS handshake only: WARNING when any certificate of the chain has\n"
		"      fewer than 21 days left.\n"
		"  check_url --url https://www.example.com/ --resolve www.example.com:443:192.0.2.10 "
		"--criticalx 'ttfb=0.5'\n"
		"      One backend of a pool, with the public name in Host and SNI; CRITICAL when\n"
		"      it takes over half a second to answer.\n"),
};

/* The TLS options: an https:// URL (or redirects) for them, and files that can be read;
 * the client's private key held to the rules of the secret files. */
static void
config_tls_files(const struct url_config *cfg, bool https)
{
	char err[300];

	/* An http:// URL may redirect to https://, where they apply. */
	if (!https && cfg->max_redirects == 0 && (cfg->cafile || cfg->capath || cfg->cert ||
						  cfg->insecure || cfg->tls_min))
		pl_usage_die(_("the TLS options need an https:// URL, or redirects followed to one"));
	{
		const char *const files[] = { cfg->cafile, cfg->capath, cfg->cert, cfg->key };
		const char *const names[] = { "ca-file", "ca-dir", "client-cert", "client-key" };

		for (int i = 0; i < 4; i++) {
			char e[300];

			if (files[i] == NULL || access(files[i], R_OK) == 0)
				continue;
			pl_name_str(e, sizeof(e), files[i]);
			pl_usage_die(_("--%s: cannot read %s: %s"), names[i], e, strerror(errno));
		}
	}
	/* The client's private key is a secret: held to the rules of the secret files. */
	if (cfg->key != NULL) {
		struct pl_file_rules rules = {
			PL_FILE_TRUSTED | PL_FILE_PRIVATE | PL_FILE_SENSITIVE, (size_t)1 << 20,
			"the private key"
		};
		struct pl_buf b = PL_BUF_INIT;

		if (pl_read_trusted(AT_FDCWD, cfg->key, &rules, &b, NULL, err, sizeof(err)) != 0) {
			pl_buf_free(&b);
			pl_usage_die("--client-key: %s", err);
		}
		explicit_bzero(b.data, b.size);
		pl_buf_free(&b);
	}
}

static void
config_check(struct url_config *cfg, bool *https)
{
	char err[300];
	int rc;

	if (cfg->url == NULL)
		pl_usage_die(_("give the URL to ask with --url (https://host/path)"));
	rc = pl_http_url_check(cfg->url, err, sizeof(err));
	if (rc < 0)
		pl_usage_die("--url: %s", err);
	*https = rc == 1;
	if (cfg->sni != NULL) {
		/* the URL with NAME as its host and the CONNECT_TO entry, for the whole run */
		static char *named, *cto;

		if (!*https)
			pl_usage_die(_("--sni needs an https:// URL (over http://, give --header "
				     "'Host: NAME')"));
		if (pl_http_sni(cfg->url, cfg->sni, &named, &cto, err, sizeof(err)) != 0)
			pl_usage_die("--sni: %s", err);
		cfg->url = named;
		cfg->connect_to = cto;
	}
	if (cfg->cert_only && !*https)
		pl_usage_die(_("--certificate needs an https:// URL"));
	if (cfg->cert_only && (cfg->method || cfg->body || cfg->body_file || cfg->expect.n ||
			       cfg->map.n || cfg->contains.n || cfg->lacks.n || cfg->regex.n ||
			       cfg->lacks_regex.n || cfg->min_size > 0 || cfg->max_size > 0))
		pl_usage_die(_("--certificate sends no request: leave out the options about the "
			     "request and its answer"));
	if (cfg->body != NULL && cfg->body_file != NULL)
		pl_usage_die(_("give the body with --body or --body-file, not both"));
	if (cfg->ipv4 && cfg->ipv6)
		pl_usage_die(_("-4 and -6 together leave no way to connect: give one of them"));
	if (cfg->http11 && cfg->http2)
		pl_usage_die(_("--http1.1 and --http2 together: give one of them"));
	if (cfg->proxy != NULL && cfg->proxy_env)
		pl_usage_die(_("--proxy and --proxy-env together: give one of them"));
	if (cfg->password != NULL && cfg->user == NULL)
		pl_usage_die(_("--password needs --user"));
	if (cfg->user != NULL && cfg->password == NULL)
		pl_usage_die(_("--user needs its password from --password-file or "
			     "PLUMBLINE_URL_PASSWORD"));
	if (cfg->user != NULL && cfg->bearer != NULL)
		pl_usage_die(_("--user and --bearer together: give one kind of credentials"));
	if (cfg->user != NULL && strchr(cfg->user, ':') != NULL)
		pl_usage_die(_("--user: a name with ':' cannot be sent in basic authentication"));
	if (cfg->max_size > 0 && cfg->min_size > cfg->max_size)
		pl_usage_die(_("--min-size is over --max-size: no body could pass"));
	if ((cfg->insecure) && (cfg->cafile || cfg->capath))
		pl_usage_die(_("--insecure verifies nothing: --ca-file and --ca-dir would not be used"));
	if (cfg->key != NULL && cfg->cert == NULL)
		pl_usage_die(_("--client-key needs --client-cert"));
	config_tls_files(cfg, *https);
}

static void
request_of(const struct url_config *cfg, const struct pl_buf *body, struct pl_http_req *q)
{
	static char ua[64];

	memset(q, 0, sizeof(*q));
	pl_snprintf(ua, sizeof(ua), "check_url/%s (Plumbline)", PACKAGE_VERSION);
	q->url = cfg->url;
	q->method = cfg->method;
	if (cfg->body != NULL) {
		q->body = cfg->body;
		q->body_len = strlen(cfg->body);
	} else if (cfg->body_file != NULL) {
		q->body = pl_buf_str(body);
		q->body_len = body->len;
	}
	q->headers = cfg->headers.v;
	q->nheaders = cfg->headers.n;
	q->resolve = cfg->resolve.v;
	q->nresolve = cfg->resolve.n;
	if (cfg->connect_to != NULL) {
		static const char *cto[1];

		cto[0] = cfg->connect_to;
		q->connect_to = cto;
		q->nconnect_to = 1;
	}
	q->proxy = cfg->proxy;
	q->proxy_env = cfg->proxy_env;
	q->ip = cfg->ipv4 ? 4 : cfg->ipv6 ? 6 : 0;
	q->version = cfg->http11 ? PL_HTTP_11 : cfg->http2 ? PL_HTTP_2 : PL_HTTP_ANY;
	q->insecure = cfg->insecure;
	q->cafile = cfg->cafile;
	q->capath = cfg->capath;
	q->cert = cfg->cert;
	q->key = cfg->key;
	q->tls_min = (enum pl_http_tls)cfg->tls_min;
	q->user = cfg->user;
	q->password = cfg->password;
	q->bearer = cfg->bearer;
	q->max_redirects = cfg->max_redirects;
	q->cert_only = cfg->cert_only;
	q->body_cap = BODY_KEEP;
	q->user_agent = cfg->user_agent != NULL ? cfg->user_agent : ua;
}

/* The phases as metrics: those not reached without a value, saying why. */
static void
phase_metrics(const struct pl_http_resp *h, bool https, struct pl_result *r,
	      struct pl_metric **total)
{
	static const char *const names[] = { "dns", "connect", "tls", "ttfb" };
	struct pl_http_phases ph;
	double v[4];
	char why[200];

	pl_http_phases(&h->times, &ph);
	v[0] = ph.dns;
	v[1] = ph.connect;
	v[2] = ph.tls;
	v[3] = ph.ttfb;
	pl_snprintf(why, sizeof(why), _("the request stopped %s"),
		    h->phase != NULL ? h->phase : _("in an earlier phase"));
	for (int i = 0; i < 4; i++) {
		struct pl_metric *m = pl_metric_add(r, names[i], v[i], PL_U_SECONDS);

		m->prec = 6;
		pl_metric_minmax(m, 0, NAN);
		if (i == 2 && !https)
			pl_metric_missing(m, PL_MISSING_LASTING, _("an http:// URL has no TLS handshake"),
					  _("give an https:// URL"));
		else if (i == 3 && h->times.tls && h->fail == PL_HTTPF_NONE && isnan(v[i]))
			pl_metric_missing(m, PL_MISSING_RUN, _("--certificate sends no request"), NULL);
		else if (isnan(v[i]))
			pl_metric_missing(m, PL_MISSING_RUN, why, NULL);
	}
	*total = pl_metric_add(r, "total", h->total, PL_U_SECONDS);
	(*total)->prec = 6;
	pl_metric_minmax(*total, 0, NAN);
	pl_metric_minmax(pl_metric_add(r, "size", (double)h->size, PL_U_BYTES), 0, NAN);
	pl_metric_minmax(pl_metric_add(r, "redirects", h->nurls > 0 ? (double)(h->nurls - 1) : 0,
				       PL_U_NONE), 0, NAN);
}

/* Each certificate of the chain as an item certN with its days left; the one that
 * expires first in the summary. */
static void
cert_items(const struct pl_http_resp *h, struct pl_result *r)
{
	struct pl_time now;
	struct pl_metric *first = NULL;
	size_t first_i = 0;
	char err[200];

	if (h->ncerts == 0)
		return;
	if (pl_clock_now(&now, err, sizeof(err)) != 0)
		pl_die(PL_UNKNOWN, "%s", err);
	for (size_t i = 0; i < h->ncerts; i++) {
		const struct pl_http_cert *c = &h->certs[i];
		char name[16];
		struct pl_item *it;
		struct pl_metric *m;
		double days = c->has_time ? pl_http_days_left(c->not_after, now.sec) : NAN;

		pl_snprintf(name, sizeof(name), "cert%zu", i);
		it = pl_result_item(r, "certificate", name);
		m = pl_item_metric(it, "days", days, PL_U_NONE);
		m->prec = 1;
		pl_range_parse("30:", &m->warn, err, sizeof(err));
		pl_range_parse("7:", &m->crit, err, sizeof(err));
		if (!c->has_time) {
			pl_metric_missing(m, PL_MISSING_LASTING, _("libcurl gave no expiry date"), NULL);
		} else {
			struct pl_time t = { c->not_after, 0 };
			char when[PL_RFC3339_SIZE];

			pl_rfc3339_format(&t, 0, when, sizeof(when));
			pl_item_line(it, _("%s, expires %s, issued by %s"), c->subject, when, c->issuer);
			if (first == NULL || days < first->value) {
				first = m;
				first_i = i;
			}
		}
		pl_item_fact(it, "subject", "%s", c->subject);
		pl_item_fact(it, "issuer", "%s", c->issuer);
	}
	if (h->certs_sent > h->ncerts)
		pl_result_line(r, _("the server sent %zu certificates; the first %zu are reported"),
			       h->certs_sent, h->ncerts);
	if (first != NULL) {
		if (r->summary.len > 0)
			pl_result_summary_add(r, ", ");
		if (first->value < 0)
			pl_result_summary_metric(r, first, _("cert%zu expired %.0f days ago"), first_i,
						 -first->value);
		else
			pl_result_summary_metric(r, first, _("cert%zu expires in %.0f days"), first_i,
						 (double)(long long)first->value);
	}
}

/* The body rules: a finding each that fails. */
static void
body_checks(const struct url_config *cfg, const struct pl_http_resp *h, struct pl_result *r)
{
	const char *b = pl_buf_str(&h->body);
	size_t n = h->body.len;
	char e[200];

	for (size_t i = 0; i < cfg->contains.n; i++) {
		if (memmem(b, n, cfg->contains.v[i], strlen(cfg->contains.v[i])) == NULL) {
			pl_name_str(e, sizeof(e), cfg->contains.v[i]);
			pl_result_finding(r, PL_CRITICAL, _("body lacks '%s'"), e);
		}
	}
	for (size_t i = 0; i < cfg->lacks.n; i++) {
		if (memmem(b, n, cfg->lacks.v[i], strlen(cfg->lacks.v[i])) != NULL) {
			pl_name_str(e, sizeof(e), cfg->lacks.v[i]);
			pl_result_finding(r, PL_CRITICAL, _("body holds '%s'"), e);
		}
	}
	for (int pass = 0; pass < 2; pass++) {
		const struct pl_strlist *l = pass == 0 ? &cfg->regex : &cfg->lacks_regex;

		for (size_t i = 0; i < l->n; i++) {
			regex_t re;
			regmatch_t m = { 0, (regoff_t)n };
			bool hit;

			if (regcomp(&re, l->v[i], REG_EXTENDED | REG_NOSUB) != 0)
				pl_die(PL_UNKNOWN, _("a --body-regex no longer compiles"));
			hit = regexec(&re, b, 1, &m, REG_STARTEND) == 0;
			regfree(&re);
			if (hit != (pass == 0)) {
				pl_name_str(e, sizeof(e), l->v[i]);
				pl_result_finding(r, PL_CRITICAL, pass == 0 ? _("body does not match '%s'") :
						  _("body matches '%s'"), e);
			}
		}
	}
	if (cfg->min_size > 0 && (double)h->size < cfg->min_size)
		pl_result_finding(r, PL_CRITICAL, _("body of %llu B, under --min-size %.0f B"),
				  (unsigned long long)h->size, cfg->min_size);
	if (cfg->max_size > 0 && (double)h->size > cfg->max_size)
		pl_result_finding(r, PL_CRITICAL, _("body of %llu B, over --max-size %.0f B"),
				  (unsigned long long)h->size, cfg->max_size);
}

static void
redirect_lines(const struct pl_http_resp *h, struct pl_result *r)
{
	struct pl_buf b;

	if (h->nurls < 2)
		return;
	pl_buf_init(&b, 3000);
	for (size_t i = 0; i < h->nurls; i++) {
		char e[600];

		pl_name_str(e, sizeof(e), h->urls[i]);
		pl_buf_printf(&b, "%s%s", i ? " -> " : "", e);
	}
	pl_result_line(r, _("redirects: %s"), pl_buf_str(&b));
	pl_buf_free(&b);
}

static void
failure(const struct pl_common *c, const struct url_config *cfg, const struct pl_http_resp *h,
	const char *u, struct pl_result *r)
{
	char e[600];

	pl_name_str(e, sizeof(e), h->err);
	switch (h->fail) {
	case PL_HTTPF_TIMEOUT:
		pl_result_finding(r, c->timeout_state, _("%s timed out after %gs %s"), u,
				  c->timeout, h->phase);
		pl_result_line(r, _("libcurl: %s"), e);
		break;
	case PL_HTTPF_DNS:
		pl_result_finding(r, PL_CRITICAL, "%s: %s", u, e);
		break;
	case PL_HTTPF_CONNECT:
		if (h->os_errno != 0) {
			pl_result_finding(r, PL_CRITICAL, _("%s cannot connect: %s"), u,
					  strerror((int)h->os_errno));
			pl_result_line(r, _("libcurl: %s"), e);
		} else {
			pl_result_finding(r, PL_CRITICAL, _("%s cannot connect: %s"), u, e);
		}
		break;
	case PL_HTTPF_PROXY:
		pl_result_finding(r, PL_CRITICAL, _("%s through the proxy: %s"), u, e);
		break;
	case PL_HTTPF_VERIFY:
		pl_result_finding(r, PL_CRITICAL, _("%s certificate not accepted: %s"), u, e);
		break;
	case PL_HTTPF_TLS:
		pl_result_finding(r, PL_CRITICAL, _("%s TLS handshake failed: %s"), u, e);
		break;
	case PL_HTTPF_LOOP:
		pl_result_finding(r, PL_CRITICAL, _("%s redirects in a loop"), u);
		break;
	case PL_HTTPF_REDIRECTS:
		pl_result_finding(r, PL_CRITICAL, _("%s more than %d redirects"), u, cfg->max_redirects);
		break;
	case PL_HTTPF_OTHER:
	case PL_HTTPF_NONE:
		pl_result_finding(r, PL_CRITICAL, _("%s failed %s: %s"), u,
				  h->phase ? h->phase : _("before the request"), e);
		break;
	}
}

static void
judge(const struct pl_common *c, const struct url_config *cfg, const struct pl_http_resp *h,
      int ok, struct pl_result *r)
{
	struct pl_metric *total;
	char u[600], t[32], exp[300];
	int how;
	enum pl_state st;

	pl_name_str(u, sizeof(u), cfg->url);
	phase_metrics(h, strncasecmp(cfg->url, "https:", 6) == 0, r, &total);
	pl_snprintf(t, sizeof(t), "%.2fs", h->total);
	if (ok != 0) {
		failure(c, cfg, h, u, r);
	} else if (cfg->cert_only) {
		pl_result_summary(r, P_("%s handshake, %zu certificate ",
					"%s handshake, %zu certificates ", h->certs_sent), u,
				  h->certs_sent);
		pl_result_summary_metric(r, total, _("in %s"), t);
	} else {
		st = pl_http_judge(h->status, &cfg->map, &cfg->expect, &how);
		if (st == PL_OK) {
			pl_result_summary(r, "%s %d%s%s ", u, h->status, h->reason[0] ? " " : "",
					  h->reason);
			pl_result_summary_metric(r, total, _("in %s"), t);
		} else {
			pl_http_codes_format(&cfg->expect, exp, sizeof(exp));
			if (how == 2)
				pl_result_finding(r, st, _("%s %d%s%s (expected %s) in %s"), u, h->status,
						  h->reason[0] ? " " : "", h->reason, exp, t);
			else
				pl_result_finding(r, st, _("%s %d%s%s in %s"), u, h->status,
						  h->reason[0] ? " " : "", h->reason, t);
		}
		if (cfg->http2 && strcmp(h->version, "2") != 0)
			pl_result_finding(r, PL_CRITICAL, _("answered in HTTP/%s, not HTTP/2 (--http2)"),
					  h->version);
		body_checks(cfg, h, r);
	}
	cert_items(h, r);
	redirect_lines(h, r);
	if (h->nurls > 1) {
		char e[600];

		pl_name_str(e, sizeof(e), h->urls[h->nurls - 1]);
		pl_result_fact(r, "final_url", "%s", e);
	}
	if (h->version[0])
		pl_result_fact(r, "http_version", "%s", h->version);
	if (h->address[0])
		pl_result_fact(r, "address", "%s port %ld", h->address, h->port);
	pl_result_expect_items(r, "certificate");
}

int
main(int argc, char **argv)
{
	struct url_config cfg;
	struct pl_common c;
	struct pl_result r;
	struct pl_http_req q;
	struct pl_http_resp h;
	struct pl_buf body = PL_BUF_INIT;
	bool https;
	int ok;

	memset(&cfg, 0, sizeof(cfg));
	cfg.max_redirects = 10;
	pl_plugin_parse(&url_plugin, argc, argv, &cfg, &c);
	config_check(&cfg, &https);
	pl_plugin_arm(&c);
	if (cfg.body_file != NULL) {
		char err[400];

		pl_buf_init(&body, (size_t)1 << 20);
		if (pl_read_file(NULL, cfg.body_file, &body, err, sizeof(err)) != 0)
			pl_die(PL_UNKNOWN, "--body-file: %s", err);
	}
	pl_result_init(&r, url_plugin.name, url_plugin.service);
	request_of(&cfg, &body, &q);
	pl_debug(&c, 1, "%s", pl_http_libcurl());
	pl_timeout_waiting(cfg.cert_only ? _("the TLS handshake") : _("the answer"));
	ok = pl_http_fetch(&q, NULL, &h);
	pl_timeout_waiting(_("nothing (reporting)"));
	judge(&c, &cfg, &h, ok, &r);
	pl_http_resp_free(&h);
	pl_buf_free(&body);
	pl_exit(&r, &c);
}
