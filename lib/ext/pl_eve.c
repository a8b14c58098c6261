/* pl_eve: eve.json, Snort's alert_json and Wazuh's alerts.json lines (see pl_eve.h). */
#include "config.h"

#include <string.h>

#include "pl_i18n.h"
#include "pl_buf.h"
#include "pl_eve.h"
#include "pl_json.h"

#define KEY "\"event_type\""
#define KEYLEN (sizeof(KEY) - 1)

enum pl_eve_type
pl_eve_prefilter(const char *line, size_t len)
{
	const char *end = line + len, *k, *v, *q;

	k = memmem(line, len, KEY, KEYLEN);
	if (k == NULL)
		return PL_EVE_ALERT;
	v = k + KEYLEN;
	if (end - v < 2 || v[0] != ':' || v[1] != '"')
		return PL_EVE_ALERT;
	v += 2;
	for (q = v; q < end && *q != '"'; q++)
		if (*q == '\\')
			return PL_EVE_ALERT;
	if (q >= end)
		return PL_EVE_ALERT;
	if ((q - v == 5 && memcmp(v, "alert", 5) == 0) ||
	    (q - v == 5 && memcmp(v, "stats", 5) == 0))
		return PL_EVE_ALERT;
	/* Another type: unless the key comes again (the last one would count). */
	if (memmem(q, (size_t)(end - q), KEY, KEYLEN) != NULL)
		return PL_EVE_ALERT;
	return PL_EVE_OTHER;
}

static void
put(char *dst, size_t size, const char *s)
{
	pl_strlcpy(dst, s != NULL ? s : "", size);
}

static void
when(struct json_object *o, const char *key, bool *has, struct pl_time *t)
{
	const char *s = pl_json_str(o, key);

	*has = s != NULL && pl_ids_time_parse(s, strlen(s), t) == 0;
}

static struct json_object *
object(const char *line, size_t len, char *err, size_t errlen)
{
	struct json_object *o = pl_json_parse(line, len, err, errlen);

	if (o != NULL && !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		pl_snprintf(err, errlen, _("not a JSON object"));
		return NULL;
	}
	return o;
}

enum pl_eve_type
pl_eve_parse(const char *line, size_t len, struct pl_ids_alert *a, struct pl_eve_stats *s,
	     char *err, size_t errlen)
{
	struct json_object *o = object(line, len, err, errlen), *al, *cap;
	enum pl_eve_type t = PL_EVE_OTHER;
	const char *type;
	int64_t v;

	if (o == NULL)
		return PL_EVE_MALFORMED;
	type = pl_json_str(o, "event_type");
	if (type != NULL && strcmp(type, "alert") == 0) {
		memset(a, 0, sizeof(*a));
		t = PL_EVE_ALERT;
		al = pl_json_obj(o, "alert");
		a->severity = al != NULL && pl_json_int(al, "severity", &v) == 0 && v >= 0 &&
			      v < 1000 ? (int)v : -1;
		put(a->signature, sizeof(a->signature), pl_json_str(al, "signature"));
		put(a->category, sizeof(a->category), pl_json_str(al, "category"));
		put(a->src, sizeof(a->src), pl_json_str(o, "src_ip"));
		put(a->dest, sizeof(a->dest), pl_json_str(o, "dest_ip"));
		when(o, "timestamp", &a->has_time, &a->time);
	} else if (type != NULL && strcmp(type, "stats") == 0) {
		int64_t p, d;
		double up;

		memset(s, 0, sizeof(*s));
		t = PL_EVE_STATS;
		when(o, "timestamp", &s->has_time, &s->time);
		s->uptime = pl_json_num(pl_json_obj(o, "stats"), "uptime", &up) == 0 ? up : -1;
		cap = pl_json_path(o, "stats.capture");
		if (cap != NULL && pl_json_int(cap, "kernel_packets", &p) == 0 &&
		    pl_json_int(cap, "kernel_drops", &d) == 0 && p >= 0 && d >= 0) {
			s->has_capture = true;
			s->kernel_packets = (uint64_t)p;
			s->kernel_drops = (uint64_t)d;
		}
	}
	json_object_put(o);
	return t;
}

/* "192.0.2.1:80" of src_ap: the address without its port (IPv6: the last ':'). */
static void
ap(char *dst, size_t size, const char *s)
{
	const char *colon = s != NULL ? strrchr(s, ':') : NULL;

	if (s == NULL) {
		dst[0] = '\0';
		return;
	}
	if (colon == NULL)
		colon = s + strlen(s);
	pl_snprintf(dst, size, "%.*s", (int)(colon - s), s);
}

int
pl_snort_json_parse(const char *line, size_t len, struct pl_ids_alert *a, char *err,
		    size_t errlen)
{
	struct json_object *o = object(line, len, err, errlen);
	int64_t v;

	memset(a, 0, sizeof(*a));
	a->severity = -1;
	if (o == NULL)
		return -1;
	if (pl_json_int(o, "priority", &v) == 0 && v >= 0 && v < 1000)
		a->severity = (int)v;
	put(a->signature, sizeof(a->signature), pl_json_str(o, "msg"));
	put(a->category, sizeof(a->category), pl_json_str(o, "class"));
	if (pl_json_str(o, "src_addr") != NULL)
		put(a->src, sizeof(a->src), pl_json_str(o, "src_addr"));
	else
		ap(a->src, sizeof(a->src), pl_json_str(o, "src_ap"));
	if (pl_json_str(o, "dst_addr") != NULL)
		put(a->dest, sizeof(a->dest), pl_json_str(o, "dst_addr"));
	else
		ap(a->dest, sizeof(a->dest), pl_json_str(o, "dst_ap"));
	json_object_put(o);
	return 0;
}

int
pl_wazuh_parse(const char *line, size_t len, struct pl_ids_alert *a, char *err,
	       size_t errlen)
{
	struct json_object *o = object(line, len, err, errlen), *rule, *groups;
	int64_t v;

	memset(a, 0, sizeof(*a));
	a->severity = -1;
	if (o == NULL)
		return -1;
	rule = pl_json_obj(o, "rule");
	if (rule == NULL || pl_json_int(rule, "level", &v) != 0 || v < 0 || v > 15) {
		json_object_put(o);
		pl_snprintf(err, errlen, _("no rule.level of 0 to 15"));
		return -1;
	}
	a->severity = (int)v;
	put(a->signature, sizeof(a->signature), pl_json_str(rule, "description"));
	groups = pl_json_arr(rule, "groups");
	if (groups != NULL && json_object_array_length(groups) > 0 &&
	    json_object_is_type(json_object_array_get_idx(groups, 0), json_type_string))
		put(a->category, sizeof(a->category),
		    json_object_get_string(json_object_array_get_idx(groups, 0)));
	put(a->src, sizeof(a->src), pl_json_str(pl_json_obj(o, "data"), "srcip"));
	put(a->dest, sizeof(a->dest), pl_json_str(pl_json_obj(o, "agent"), "name"));
	when(o, "timestamp", &a->has_time, &a->time);
	json_object_put(o);
	return 0;
}
