/* pl_icinga_fetch: pl_ia_read, the object queries sent through pl_http (libcurl) with
 * their reply handed to the stream parser as it arrives (see pl_icinga_api.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "pl_buf.h"
#include "pl_i18n.h"
#include "pl_http.h"
#include "pl_icinga_api.h"

static int
sink(const char *p, size_t n, void *arg)
{
	struct pl_ia *ia = arg;

	return pl_ia_feed(ia, p, n) != 0;
}

static int
query(const struct pl_ia_conn *c, const struct pl_engstate_filter *f, bool services,
      pl_engstate_cb cb, void *arg, const struct pl_deadline *d,
      struct pl_engstate_counts *counts, char *err, size_t errlen)
{
	static const char *const hdrs[] = {
		"Accept: application/json", "Content-Type: application/json",
		"X-HTTP-Method-Override: GET",
	};
	struct pl_http_req q;
	struct pl_http_resp r;
	struct pl_ia ia;
	char url[1024];
	char *body;
	size_t ulen = strlen(c->url);
	int rc;

	while (ulen > 0 && c->url[ulen - 1] == '/')
		ulen--;
	pl_snprintf(url, sizeof(url), "%.*s/v1/objects/%s", (int)ulen, c->url,
		    services ? "services" : "hosts");
	body = pl_ia_body(f, services);
	if (body == NULL || pl_ia_init(&ia, f, cb, arg, counts, err, errlen) != 0) {
		free(body);
		pl_snprintf(err, errlen, _("Icinga 2 API: out of memory"));
		return -1;
	}
	memset(&q, 0, sizeof(q));
	q.url = url;
	q.method = "POST";
	q.body = body;
	q.body_len = strlen(body);
	q.headers = hdrs;
	q.nheaders = sizeof(hdrs) / sizeof(hdrs[0]);
	q.insecure = c->insecure;
	q.cafile = c->cafile;
	q.user = c->user;
	q.password = c->password;
	q.user_agent = "plumbline";
	q.sink = sink;
	q.sink_arg = &ia;
	rc = pl_http_fetch(&q, d, &r);
	if (rc == 0 && ia.stop != 0) {
		rc = ia.stop;
	} else if (ia.stop != 0) {
		rc = ia.stop;
	} else if (ia.err[0] != '\0') {
		pl_snprintf(err, errlen, "%s (%s)", ia.err, url);
		rc = -1;
	} else if (rc != 0) {
		if (r.fail == PL_HTTPF_VERIFY)
			pl_snprintf(err, errlen, _("Icinga 2 API %s: %s (give Icinga's ca.crt, or "
						   "--insecure)"), url, r.err);
		else
			pl_snprintf(err, errlen, _("Icinga 2 API %s: %s"), url, r.err);
		rc = -1;
	} else {
		rc = pl_ia_finish(&ia);
		if (rc == -1 && r.status == 401)
			pl_snprintf(err, errlen, _("Icinga 2 API %s said 401 Unauthorized (check the "
				    "API user and its password)"), url);
		else if (rc == -1)
			pl_snprintf(err, errlen, "%s (%s, HTTP %d)", ia.err, url, r.status);
		else if (r.status != 200) {
			pl_snprintf(err, errlen, _("Icinga 2 API %s said HTTP %d"), url, r.status);
			rc = -1;
		}
	}
	pl_ia_free(&ia);
	pl_http_resp_free(&r);
	free(body);
	return rc;
}

int
pl_ia_read(const struct pl_ia_conn *c, const struct pl_engstate_filter *filter,
	   pl_engstate_cb cb, void *arg, const struct pl_deadline *d,
	   struct pl_engstate_counts *counts, char *err, size_t errlen)
{
	struct pl_engstate_counts one;
	int rc = 0;

	memset(counts, 0, sizeof(*counts));
	for (int services = 0; services < 2 && rc == 0; services++) {
		if (filter != NULL && (services ? filter->no_services : filter->no_hosts))
			continue;
		rc = query(c, filter, services, cb, arg, d, &one, err, errlen);
		counts->hosts += one.hosts;
		counts->services += one.services;
		counts->skipped += one.skipped;
		counts->malformed += one.malformed;
		counts->long_lines += one.long_lines;
	}
	return rc;
}
