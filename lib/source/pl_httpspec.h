/* pl_httpspec: the pure parts of an HTTP check, over buffers (no libcurl here).
 *
 * - Status code lists and ranges ("200,301-302,2xx") and a mapping from status to state
 *   ("404=ok,5xx=critical"), and the one judge of a final status code;
 * - a response's status line ("HTTP/1.1 503 Service Unavailable") and the standard
 *   reason phrase of a code (HTTP/2 sends none);
 * - a certificate's expiry time as libcurl's certificate info prints it, and the days
 *   left from now;
 * - the timing phases of one request from libcurl's cumulative times, with the phases
 *   that were never reached (a request that failed or timed out) as NAN.
 * The lists, the mapping and the status line come from users and servers: each parser
 * refuses what it cannot read, with why in err, and never quotes the text. */
#ifndef PL_HTTPSPEC_H
#define PL_HTTPSPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pl_result.h"

#define PL_HTTP_CODES_MAX 64     /* entries of one list or mapping */

/* A set of status codes: ranges lo..hi, inclusive, each within 100..999. */
struct pl_http_codes {
	struct {
		uint16_t lo, hi;
	} v[PL_HTTP_CODES_MAX];
	size_t n;
};

/* Adds the entries of a list to c: entries separated by ',' (blanks around them
 * allowed), each a code ("200"), a range ("200-299") or a class ("2xx", any case).
 * Returns 0, or -1 with why in err (c then unchanged): an empty entry, a code outside
 * 100..999, a range that ends before it starts, more than PL_HTTP_CODES_MAX entries. */
int pl_http_codes_parse(const char *s, size_t len, struct pl_http_codes *c, char *err,
			size_t errlen);
bool pl_http_codes_has(const struct pl_http_codes *c, int code);
/* The list as text ("200, 301-302, 2xx" as ranges: "200, 301-302, 200-299") into out. */
void pl_http_codes_format(const struct pl_http_codes *c, char *out, size_t len);

/* A mapping from status codes to states. */
struct pl_http_map {
	struct {
		uint16_t lo, hi;
		enum pl_state state;
	} v[PL_HTTP_CODES_MAX];
	size_t n;
};

/* Adds the entries of "CODES=STATE[,CODES=STATE...]" to m (CODES as one entry of
 * pl_http_codes_parse, STATE ok, warning, critical, unknown or 0..3). Returns 0, or -1
 * with why in err (m then unchanged). */
int pl_http_map_parse(const char *s, size_t len, struct pl_http_map *m, char *err,
		      size_t errlen);

/* How a final status code is judged:
 *   1. the narrowest entry of map that holds it (of two as narrow, the later one);
 *   2. else, when expect has entries: OK when it holds the code, CRITICAL otherwise;
 *   3. else 100-399 OK, 400-499 WARNING, anything else CRITICAL.
 * *how says which rule decided: 1, 2 or 3 (NULL: not asked). */
enum pl_state pl_http_judge(int code, const struct pl_http_map *map,
			    const struct pl_http_codes *expect, int *how);

/* The standard reason phrase of a code ("Service Unavailable"), or "" for one that has
 * none. */
const char *pl_http_reason(int code);

/* Parses a status line ("HTTP/1.1 503 Service Unavailable", "HTTP/2 200", without or
 * with its CR LF) of len bytes: the code into *code, the version ("1.1", "2") and the
 * reason phrase (control bytes as '?', cut to fit) into the buffers. Returns 0, or -1
 * when it is not a status line. */
int pl_http_status_line(const char *s, size_t len, int *code, char *version, size_t vlen,
			char *reason, size_t rlen);

/* A certificate's expiry time as libcurl's certificate info gives it: OpenSSL's
 * "Mar  1 12:00:00 2027 GMT" (optionally with a fraction of a second) or
 * "2027-03-01 12:00:00 GMT". Seconds since the epoch into *t. Returns 0, or -1 with why
 * in err. */
int pl_http_cert_time(const char *s, size_t len, int64_t *t, char *err, size_t errlen);

/* Days (fractional) from now to t: negative once t has passed. */
double pl_http_days_left(int64_t t, int64_t now);

/* libcurl's times of one request, in seconds from its start, 0 where a phase was not
 * reached (CURLINFO_*_TIME_T / 1e6): name lookup done, connected, TLS handshake done,
 * about to send the request, first byte of the response, the end (or the failure). */
struct pl_http_times {
	double namelookup, connect, appconnect, pretransfer, starttransfer, total;
	bool tls;                    /* the request went over TLS (https) */
	bool done;                   /* a whole response was read */
};

/* The phases, in seconds: dns (name lookup), connect (the TCP handshake), tls (the TLS
 * handshake), ttfb (from the request sent to the first byte of the response), total
 * (the whole request, also when it failed). A phase not reached is NAN, so that the
 * perfdata shows where a request stalled; so is tls without TLS. A reused connection
 * has phases of 0. */
struct pl_http_phases {
	double dns, connect, tls, ttfb, total;
};

void pl_http_phases(const struct pl_http_times *t, struct pl_http_phases *out);

#endif
