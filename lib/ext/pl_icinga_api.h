/* pl_icinga_api: the current state of Icinga 2's hosts and services from its REST API
 * (/v1/objects/hosts and /v1/objects/services), read as a stream.
 *
 * The request asks only for the attributes a report needs (PL_IA_*_ATTRS) and, with a
 * host filter, for those hosts only (a filter expression with filter_vars: match() on
 * host.name per name or glob); the reply is parsed with yajl as it arrives (libcurl
 * hands its bytes to pl_ia_feed): each element of "results" becomes a struct pl_engstate
 * handed to the callback when its object closes, and is then forgotten. Memory stays
 * bounded whatever the number of objects: one record's values, each cut at
 * PL_IA_VALUE_MAX (counted in long_lines), and yajl's buffer for one token, which
 * PL_IA_RECORD_MAX bounds (an element larger than that ends the reading with an error).
 *
 * Icinga 2 writes an object's full output in last_check_result.output: its first line is
 * the record's output, the rest its long output; performance_data (an array of strings,
 * or a string) is joined with spaces. A host DOWN with last_reachable false is
 * UNREACHABLE. An element without a name or a readable state is counted malformed and
 * skipped; JSON that is not JSON ends the reading with the error located.
 *
 * Parser: pl_ia_init, pl_ia_feed chunks cut anywhere, pl_ia_finish, pl_ia_free (no
 * libcurl: unit tests and the fuzz target use it on files). Fetch: pl_ia_read. */
#ifndef PL_ICINGA_API_H
#define PL_ICINGA_API_H

#include <stdbool.h>
#include <stddef.h>

#include "pl_engstate.h"

#define PL_IA_VALUE_MAX 65536        /* bytes of one value kept (output, perfdata) */
#define PL_IA_NAME_MAX 1024          /* bytes of a name kept */
#define PL_IA_RECORD_MAX (16u << 20) /* bytes of one results[] element */

/* What is asked for (attrs of the request body). */
#define PL_IA_HOST_ATTRS "name", "display_name", "state", "state_type", "last_check", \
	"last_state_change", "acknowledgement", "downtime_depth", "flapping", \
	"last_reachable", "last_check_result"
#define PL_IA_SERVICE_ATTRS "name", "host_name", PL_IA_HOST_ATTRS_NONAME
#define PL_IA_HOST_ATTRS_NONAME "display_name", "state", "state_type", "last_check", \
	"last_state_change", "acknowledgement", "downtime_depth", "flapping", \
	"last_reachable", "last_check_result"

struct pl_ia_rec;    /* one element's values, pl_icinga_api.c */

struct pl_ia {
	void *yajl;                  /* yajl_handle */
	pl_engstate_cb cb;
	void *arg;
	struct pl_engstate_filter filter;
	struct pl_engstate_counts *counts;
	struct pl_ia_rec *rec;
	int path[16];                /* what each open container is */
	int depth;
	int key;                     /* the key just read, in the innermost map */
	int keys[16];                /* the key under which each container was opened */
	size_t since;                /* bytes fed since the last element closed */
	int stop;
	int api_error;               /* the reply's "error" (an HTTP status), 0: none */
	char api_status[256];        /* the reply's "status" */
	char err[256];
};

int pl_ia_init(struct pl_ia *ia, const struct pl_engstate_filter *filter, pl_engstate_cb cb,
	       void *arg, struct pl_engstate_counts *counts, char *err, size_t errlen);
/* 0; the callback's nonzero value; or -1 with ia->err (not JSON, element too large). */
int pl_ia_feed(struct pl_ia *ia, const char *data, size_t len);
int pl_ia_finish(struct pl_ia *ia);
void pl_ia_free(struct pl_ia *ia);

/* The request body for hosts (services false) or services: attrs and, with hosts in
 * the filter, the filter. Returns a malloc'd string, or NULL (out of memory). */
char *pl_ia_body(const struct pl_engstate_filter *filter, bool services);

struct pl_deadline;

struct pl_ia_conn {
	const char *url;             /* "https://icinga.example:5665" (no path) */
	const char *user;
	const char *password;        /* from pl_secret, never argv */
	const char *cafile;          /* Icinga's ca.crt; NULL: the system's CAs */
	bool insecure;               /* no certificate verification, only when asked */
};

/* Reads hosts then services (as the filter asks) through libcurl under the deadline d
 * (NULL: the process deadline). 0, the callback's nonzero value, or -1 with err ("the
 * API said 401: Unauthorized (check the API user and its password)"). */
int pl_ia_read(const struct pl_ia_conn *c, const struct pl_engstate_filter *filter,
	       pl_engstate_cb cb, void *arg, const struct pl_deadline *d,
	       struct pl_engstate_counts *counts, char *err, size_t errlen);

#endif
