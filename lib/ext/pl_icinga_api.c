/* pl_icinga_api: Icinga 2's object query replies parsed as a stream with yajl (see
 * pl_icinga_api.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_gen.h>
#include <yajl/yajl_parse.h>

#include "pl_buf.h"
#include "pl_i18n.h"
#include "pl_icinga_api.h"
#include "pl_num.h"

enum { P_OTHER, P_TOP, P_RESULTS, P_ELEM, P_ATTRS, P_LCR, P_PERF };

enum {
	K_NONE, K_RESULTS, K_ERROR, K_STATUS, K_TYPE, K_ATTRS, K_NAME, K_HOST_NAME,
	K_DISPLAY, K_STATE, K_STATE_TYPE, K_LAST_CHECK, K_LAST_CHANGE, K_ACK, K_DOWNTIME,
	K_FLAPPING, K_REACHABLE, K_LCR, K_OUTPUT, K_PERF
};

static const struct { const char *s; int k; } keytab[] = {
	{ "results", K_RESULTS }, { "error", K_ERROR }, { "status", K_STATUS },
	{ "type", K_TYPE }, { "attrs", K_ATTRS }, { "name", K_NAME },
	{ "host_name", K_HOST_NAME }, { "display_name", K_DISPLAY }, { "state", K_STATE },
	{ "state_type", K_STATE_TYPE }, { "last_check", K_LAST_CHECK },
	{ "last_state_change", K_LAST_CHANGE }, { "acknowledgement", K_ACK },
	{ "downtime_depth", K_DOWNTIME }, { "flapping", K_FLAPPING },
	{ "last_reachable", K_REACHABLE }, { "last_check_result", K_LCR },
	{ "output", K_OUTPUT }, { "performance_data", K_PERF },
};

struct pl_ia_rec {
	char type[16];
	char objname[PL_IA_NAME_MAX];   /* the element's "name": "host!service" */
	char name[PL_IA_NAME_MAX];
	char host[PL_IA_NAME_MAX];
	char display[PL_IA_NAME_MAX];
	char output[PL_IA_VALUE_MAX];
	char perf[PL_IA_VALUE_MAX];
	size_t perflen;
	double state, state_type, last_check, last_change, ack, downtime;
	bool has_state, flapping, reachable, checked, truncated;
};

static void
rec_reset(struct pl_ia_rec *r)
{
	r->type[0] = r->objname[0] = r->name[0] = r->host[0] = r->display[0] = '\0';
	r->output[0] = r->perf[0] = '\0';
	r->perflen = 0;
	r->state = r->state_type = r->last_check = r->last_change = r->ack = r->downtime = 0;
	r->has_state = r->flapping = r->checked = r->truncated = false;
	r->reachable = true;
}

static struct pl_ia *
IA(void *ctx)
{
	return ctx;
}

static int
parent(const struct pl_ia *ia)
{
	return ia->depth > 0 && ia->depth <= 16 ? ia->path[ia->depth - 1] : P_OTHER;
}

/* Copies a string value, cut at cap - 1 bytes (NUL bytes become spaces). */
static void
keep(struct pl_ia *ia, char *dst, size_t cap, const unsigned char *s, size_t n)
{
	size_t k = n < cap - 1 ? n : cap - 1;

	if (k < n) {
		ia->rec->truncated = true;
		ia->counts->long_lines++;
	}
	for (size_t i = 0; i < k; i++)
		dst[i] = s[i] == '\0' ? ' ' : (char)s[i];
	dst[k] = '\0';
}

static void
perf_add(struct pl_ia *ia, const unsigned char *s, size_t n)
{
	struct pl_ia_rec *r = ia->rec;
	size_t room = sizeof(r->perf) - 1 - r->perflen;

	if (n == 0)
		return;
	if (r->perflen > 0 && room > 0) {
		r->perf[r->perflen++] = ' ';
		room--;
	}
	if (n > room) {
		if (!r->truncated)
			ia->counts->long_lines++;
		r->truncated = true;
		n = room;
	}
	for (size_t i = 0; i < n; i++)
		r->perf[r->perflen++] = s[i] == '\0' ? ' ' : (char)s[i];
	r->perf[r->perflen] = '\0';
}

static int
on_string(void *ctx, const unsigned char *s, size_t n)
{
	struct pl_ia *ia = IA(ctx);
	struct pl_ia_rec *r = ia->rec;

	switch (parent(ia)) {
	case P_TOP:
		if (ia->key == K_STATUS)
			keep(ia, ia->api_status, sizeof(ia->api_status), s, n);
		break;
	case P_ELEM:
		if (ia->key == K_TYPE)
			keep(ia, r->type, sizeof(r->type), s, n);
		else if (ia->key == K_NAME)
			keep(ia, r->objname, sizeof(r->objname), s, n);
		break;
	case P_ATTRS:
		if (ia->key == K_NAME)
			keep(ia, r->name, sizeof(r->name), s, n);
		else if (ia->key == K_HOST_NAME)
			keep(ia, r->host, sizeof(r->host), s, n);
		else if (ia->key == K_DISPLAY)
			keep(ia, r->display, sizeof(r->display), s, n);
		break;
	case P_LCR:
		if (ia->key == K_OUTPUT)
			keep(ia, r->output, sizeof(r->output), s, n);
		else if (ia->key == K_PERF)
			perf_add(ia, s, n);
		break;
	case P_PERF:
		perf_add(ia, s, n);
		break;
	default:
		break;
	}
	return 1;
}

static int
on_number(void *ctx, const char *s, size_t n)
{
	struct pl_ia *ia = IA(ctx);
	struct pl_ia_rec *r = ia->rec;
	const char *p = s;
	double v;

	if (pl_scan_double(&p, s + n, &v) != 0 || p != s + n)
		return 1;
	if (parent(ia) == P_TOP && ia->key == K_ERROR) {
		ia->api_error = v >= 100 && v < 1000 ? (int)v : 500;
		return 1;
	}
	if (parent(ia) != P_ATTRS)
		return 1;
	switch (ia->key) {
	case K_STATE:
		r->state = v;
		r->has_state = true;
		break;
	case K_STATE_TYPE:
		r->state_type = v;
		break;
	case K_LAST_CHECK:
		r->last_check = v;
		break;
	case K_LAST_CHANGE:
		r->last_change = v;
		break;
	case K_ACK:
		r->ack = v;
		break;
	case K_DOWNTIME:
		r->downtime = v;
		break;
	default:
		break;
	}
	return 1;
}

static int
on_bool(void *ctx, int b)
{
	struct pl_ia *ia = IA(ctx);

	if (parent(ia) == P_ATTRS && ia->key == K_FLAPPING)
		ia->rec->flapping = b != 0;
	else if (parent(ia) == P_ATTRS && ia->key == K_REACHABLE)
		ia->rec->reachable = b != 0;
	return 1;
}

static int
on_null(void *ctx)
{
	(void)ctx;
	return 1;
}

static int
on_key(void *ctx, const unsigned char *s, size_t n)
{
	struct pl_ia *ia = IA(ctx);

	ia->key = K_NONE;
	for (size_t i = 0; i < sizeof(keytab) / sizeof(keytab[0]); i++)
		if (strlen(keytab[i].s) == n && memcmp(keytab[i].s, s, n) == 0) {
			ia->key = keytab[i].k;
			break;
		}
	return 1;
}

static void
open_container(struct pl_ia *ia, bool map)
{
	int p = parent(ia), what = P_OTHER;

	if (ia->depth == 0)
		what = map ? P_TOP : P_OTHER;
	else if (p == P_TOP && !map && ia->key == K_RESULTS)
		what = P_RESULTS;
	else if (p == P_RESULTS && map)
		what = P_ELEM;
	else if (p == P_ELEM && map && ia->key == K_ATTRS)
		what = P_ATTRS;
	else if (p == P_ATTRS && map && ia->key == K_LCR)
		what = P_LCR;
	else if (p == P_LCR && !map && ia->key == K_PERF)
		what = P_PERF;
	if (what == P_ELEM)
		rec_reset(ia->rec);
	if (what == P_LCR)
		ia->rec->checked = true;
	if (ia->depth < 16) {
		ia->path[ia->depth] = what;
		ia->keys[ia->depth] = ia->key;
	}
	ia->depth++;
	ia->key = K_NONE;
}

static void emit(struct pl_ia *ia);

static int
close_container(struct pl_ia *ia)
{
	int was = parent(ia);

	ia->depth--;
	if (ia->depth < 16)
		ia->key = ia->keys[ia->depth];
	if (was == P_ELEM) {
		ia->since = 0;
		emit(ia);
		if (ia->stop != 0)
			return 0;
	}
	return 1;
}

static int
on_start_map(void *ctx)
{
	open_container(IA(ctx), true);
	return 1;
}

static int
on_end_map(void *ctx)
{
	return close_container(IA(ctx));
}

static int
on_start_array(void *ctx)
{
	open_container(IA(ctx), false);
	return 1;
}

static int
on_end_array(void *ctx)
{
	return close_container(IA(ctx));
}

static const yajl_callbacks callbacks = {
	on_null, on_bool, NULL, NULL, on_number, on_string,
	on_start_map, on_key, on_end_map, on_start_array, on_end_array,
};

static int64_t
secs(double v)
{
	return v > 0 && v < 9.2e18 ? (int64_t)v : 0;
}

static void
emit(struct pl_ia *ia)
{
	struct pl_ia_rec *r = ia->rec;
	struct pl_engstate e;
	bool is_host = strcmp(r->type, "Host") == 0;
	char *nl;
	int st;

	if (!is_host && strcmp(r->type, "Service") != 0) {
		ia->counts->malformed++;
		return;
	}
	/* Names: the attrs, else the object's "host!service". */
	if (is_host && r->name[0] == '\0')
		memcpy(r->name, r->objname, sizeof(r->name));
	if (!is_host && (r->host[0] == '\0' || r->name[0] == '\0')) {
		char *bang = strchr(r->objname, '!');

		if (bang != NULL) {
			*bang = '\0';
			if (r->host[0] == '\0')
				pl_strlcpy(r->host, r->objname, sizeof(r->host));
			if (r->name[0] == '\0')
				pl_strlcpy(r->name, bang + 1, sizeof(r->name));
		}
	}
	if (!r->has_state || r->state < 0 || r->state > (is_host ? 1 : 3) ||
	    r->state != (int)r->state || (is_host ? r->name : r->host)[0] == '\0' ||
	    (!is_host && r->name[0] == '\0')) {
		ia->counts->malformed++;
		return;
	}
	if (!pl_engstate_host_wanted(&ia->filter, is_host ? r->name : r->host) ||
	    (is_host && ia->filter.no_hosts) || (!is_host && ia->filter.no_services)) {
		ia->counts->skipped++;
		return;
	}
	memset(&e, 0, sizeof(e));
	st = (int)r->state;
	if (is_host && st == 1 && !r->reachable)
		st = PL_ES_UNREACHABLE;
	e.host = is_host ? r->name : r->host;
	e.service = is_host ? NULL : r->name;
	e.display_name = r->display;
	e.engine_state = st;
	e.state = is_host ? pl_engstate_host_to_state(st) : st;
	e.checked = r->checked;
	e.state_word = r->checked ? pl_engstate_word(is_host, st) : "PENDING";
	e.hard = r->state_type >= 1;
	nl = strchr(r->output, '\n');
	if (nl != NULL)
		*nl = '\0';
	e.output = r->output;
	e.long_output = nl != NULL ? nl + 1 : "";
	e.perfdata = r->perf;
	e.last_check = secs(r->last_check);
	e.last_state_change = secs(r->last_change);
	e.acknowledged = r->ack > 0;
	e.in_downtime = r->downtime > 0;
	e.flapping = r->flapping;
	e.truncated = r->truncated;
	if (is_host)
		ia->counts->hosts++;
	else
		ia->counts->services++;
	ia->stop = ia->cb(&e, ia->arg);
}

int
pl_ia_init(struct pl_ia *ia, const struct pl_engstate_filter *filter, pl_engstate_cb cb,
	   void *arg, struct pl_engstate_counts *counts, char *err, size_t errlen)
{
	memset(ia, 0, sizeof(*ia));
	memset(counts, 0, sizeof(*counts));
	ia->cb = cb;
	ia->arg = arg;
	ia->counts = counts;
	if (filter != NULL)
		ia->filter = *filter;
	ia->rec = malloc(sizeof(*ia->rec));
	ia->yajl = ia->rec != NULL ? yajl_alloc(&callbacks, NULL, ia) : NULL;
	if (ia->yajl == NULL) {
		pl_ia_free(ia);
		pl_snprintf(err, errlen, _("Icinga 2 API reply: out of memory"));
		return -1;
	}
	rec_reset(ia->rec);
	return 0;
}

void
pl_ia_free(struct pl_ia *ia)
{
	if (ia->yajl != NULL)
		yajl_free(ia->yajl);
	free(ia->rec);
	ia->yajl = NULL;
	ia->rec = NULL;
}

static int
parse_error(struct pl_ia *ia, const char *data, size_t len)
{
	unsigned char *m = yajl_get_error(ia->yajl, 0, (const unsigned char *)data, len);
	size_t at = yajl_get_bytes_consumed(ia->yajl);

	pl_snprintf(ia->err, sizeof(ia->err), _("Icinga 2 API reply is not JSON (%s, near byte "
		    "%zu of a chunk)"), m != NULL ? (const char *)m : "parse error", at);
	for (char *p = ia->err; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = ' ';
	if (m != NULL)
		yajl_free_error(ia->yajl, m);
	return -1;
}

int
pl_ia_feed(struct pl_ia *ia, const char *data, size_t len)
{
	yajl_status s;

	if (ia->stop != 0)
		return ia->stop;
	if (ia->err[0] != '\0')
		return -1;
	/* yajl keeps a token split across chunks: one element's bytes are bounded, so that
	 * a single endless string cannot grow it without end. */
	while (len > 0) {
		size_t n = len < 65536 ? len : 65536;

		ia->since += n;
		if (ia->since > PL_IA_RECORD_MAX) {
			pl_snprintf(ia->err, sizeof(ia->err), _("Icinga 2 API reply: one object "
				    "over %u MiB, not read"), PL_IA_RECORD_MAX >> 20);
			return -1;
		}
		s = yajl_parse(ia->yajl, (const unsigned char *)data, n);
		if (ia->stop != 0)
			return ia->stop;
		if (s != yajl_status_ok)
			return parse_error(ia, data, n);
		data += n;
		len -= n;
	}
	return 0;
}

int
pl_ia_finish(struct pl_ia *ia)
{
	if (ia->stop != 0)
		return ia->stop;
	if (ia->err[0] != '\0')
		return -1;
	if (yajl_complete_parse(ia->yajl) != yajl_status_ok)
		return parse_error(ia, "", 0);
	if (ia->stop != 0)
		return ia->stop;
	if (ia->api_error != 0) {
		pl_snprintf(ia->err, sizeof(ia->err), _("the Icinga 2 API said %d: %s"),
			    ia->api_error, ia->api_status[0] ? ia->api_status : "(no status)");
		return -1;
	}
	return 0;
}

static void
gen_str(yajl_gen g, const char *s)
{
	yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

char *
pl_ia_body(const struct pl_engstate_filter *f, bool services)
{
	static const char *const hattrs[] = { PL_IA_HOST_ATTRS };
	static const char *const sattrs[] = { PL_IA_SERVICE_ATTRS };
	const char *const *attrs = services ? sattrs : hattrs;
	size_t nattrs = services ? sizeof(sattrs) / sizeof(sattrs[0]) :
		sizeof(hattrs) / sizeof(hattrs[0]);
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *out;
	size_t len;
	char *ret = NULL;

	if (g == NULL)
		return NULL;
	yajl_gen_map_open(g);
	gen_str(g, "attrs");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < nattrs; i++)
		gen_str(g, attrs[i]);
	yajl_gen_array_close(g);
	if (f != NULL && f->nhosts > 0) {
		struct pl_buf e;
		char var[32];

		pl_buf_init(&e, 0);
		for (size_t i = 0; i < f->nhosts; i++)
			pl_buf_printf(&e, "%smatch(h%zu, host.name)", i > 0 ? " || " : "", i);
		gen_str(g, "filter");
		gen_str(g, pl_buf_str(&e));
		pl_buf_free(&e);
		gen_str(g, "filter_vars");
		yajl_gen_map_open(g);
		for (size_t i = 0; i < f->nhosts; i++) {
			pl_snprintf(var, sizeof(var), "h%zu", i);
			gen_str(g, var);
			gen_str(g, f->hosts[i] != NULL ? f->hosts[i] : "");
		}
		yajl_gen_map_close(g);
	}
	yajl_gen_map_close(g);
	if (yajl_gen_get_buf(g, &out, &len) == yajl_gen_status_ok) {
		ret = malloc(len + 1);
		if (ret != NULL) {
			memcpy(ret, out, len);
			ret[len] = '\0';
		}
	}
	yajl_gen_free(g);
	return ret;
}
