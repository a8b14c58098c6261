/* pl_status_render: the status page as HTML and JSON. See pl_status.h. */
#include "config.h"

#include <string.h>

#include "pl_buf.h"
#include "pl_clock.h"
#include "pl_i18n.h"
#include "pl_result.h"
#include "pl_status.h"

/* "2026-12-02 19:30 UTC+08:00" (UTC alone at offset 0); "" for no time. */
static void
fmt_local(int64_t t, int off, char *buf, size_t len)
{
	int64_t s, days, y;
	int m, d, a = off < 0 ? -off : off;

	/* Only times of years 1970 to 9999 are shown (a wild value from the engine is no
	 * date, and its sum with the offset would overflow). */
	if (t <= 0 || t > PL_ST_TIME_MAX) {
		pl_strlcpy(buf, "", len);
		return;
	}
	s = t + off;
	days = s / 86400;
	if (s % 86400 < 0)
		days--;
	pl_civil_from_days(days, &y, &m, &d);
	s -= days * 86400;
	if (off == 0)
		pl_snprintf(buf, len, "%04lld-%02d-%02d %02lld:%02lld UTC", (long long)y, m, d,
			    (long long)(s / 3600), (long long)(s / 60 % 60));
	else
		pl_snprintf(buf, len, "%04lld-%02d-%02d %02lld:%02lld UTC%c%02d:%02d", (long long)y,
			    m, d, (long long)(s / 3600), (long long)(s / 60 % 60),
			    off < 0 ? '-' : '+', a / 3600, a / 60 % 60);
}

static void
fmt_utc(int64_t t, char *buf, size_t len)
{
	struct pl_time pt = { t, 0 };

	if (t <= 0 || t > PL_ST_TIME_MAX || pl_rfc3339_format(&pt, 0, buf, len) < 0)
		pl_strlcpy(buf, "", len);
}

/* "2 h 5 min", "45 min", "under a minute". */
static void
fmt_span(int64_t s, char *buf, size_t len)
{
	if (s < 60)
		pl_snprintf(buf, len, "%s", _("under a minute"));
	else if (s < 3600)
		pl_snprintf(buf, len, _("%lld min"), (long long)(s / 60));
	else if (s < 86400 * 2)
		pl_snprintf(buf, len, _("%lld h %lld min"), (long long)(s / 3600),
			    (long long)(s / 60 % 60));
	else
		pl_snprintf(buf, len, _("%lld days %lld h"), (long long)(s / 86400),
			    (long long)(s / 3600 % 24));
}


static const char css[] =
	"body{font-family:sans-serif;margin:0;color:#111;background:#f4f5f7}"
	"main{max-width:52em;margin:0 auto;padding:1.5em}"
	"h1{font-size:1.5em;margin:0 0 .4em}h2{font-size:1.1em;margin:1.6em 0 .5em}"
	".banner{padding:.8em 1em;border-radius:.3em;font-size:1.15em;font-weight:bold}"
	".updated{color:#444;font-size:.9em}"
	"table{border-collapse:collapse;width:100%;background:#fff}"
	"th,td{border-bottom:1px solid #ddd;padding:.5em .6em;text-align:left}"
	"th{background:#eceef1;font-size:.85em}"
	".st{font-weight:bold;white-space:nowrap}li .st{padding:.1em .4em;border-radius:.2em}"
	"li{margin:.3em 0}"
	".operational{background:#d4f2d4;color:#134d13}.unknown{background:#e6e6e6;color:#333}"
	".maintenance{background:#d6e6fb;color:#123a6b}.degraded{background:#fff0b3;color:#5c4600}"
	".partial_outage{background:#ffd6a8;color:#5c2e00}.outage{background:#ffc2c2;color:#6b0f0f}"
	".note{color:#444;font-size:.9em}"
	"@media print{body{background:#fff}.banner,td.st{border:1px solid #555}}";

static const char *
banner_text(enum pl_st_level w, bool available)
{
	if (!available)
		return _("Current status unavailable");
	switch (w) {
	case PL_ST_OPERATIONAL: return _("All services are operating normally");
	case PL_ST_MAINTENANCE: return _("Scheduled maintenance in progress");
	case PL_ST_DEGRADED: return _("Some services are degraded");
	case PL_ST_UNKNOWN: return _("The status of some services is unknown");
	default: return _("Some services are disrupted");
	}
}

static void
html_services(const struct pl_st_page *pg, const struct pl_st_catalog *cat,
	      const struct pl_st_history *h, struct pl_buf *out)
{
	char t[64];

	pl_buf_printf(out, "<h2>%s</h2>\n<table id=\"services\"><tr><th>%s</th><th>%s</th>"
		      "<th>%s</th></tr>\n", _("Services"), _("Service"), _("Status"),
		      _("Since"));
	for (size_t i = 0; i < cat->n; i++) {
		const struct pl_st_service *sv = &cat->v[i];
		const struct pl_st_incident *in = NULL;

		for (size_t k = 0; k < h->n && in == NULL; k++)
			if (h->v[k].end == 0 && strcmp(h->v[k].name, sv->name) == 0)
				in = &h->v[k];
		fmt_local(in != NULL && sv->level > PL_ST_UNKNOWN ? in->start : 0, pg->tz_offset,
			  t, sizeof(t));
		pl_buf_puts(out, "<tr><td>");
		pl_html_text(out, sv->name);
		pl_buf_printf(out, "</td><td class=\"st %s\">%s</td><td>%s</td></tr>\n",
			      pl_st_level_key(sv->level), pl_st_level_text(sv->level), t);
	}
	pl_buf_puts(out, "</table>\n");
}

static void
html_current(const struct pl_st_page *pg, const struct pl_st_history *h, struct pl_buf *out)
{
	char t[64];
	bool any = false;

	pl_buf_printf(out, "<h2>%s</h2>\n", _("Current incidents"));
	for (size_t i = 0; i < h->n; i++) {
		const struct pl_st_incident *in = &h->v[i];

		if (in->end != 0)
			continue;
		if (!any)
			pl_buf_puts(out, "<ul id=\"current\">\n");
		any = true;
		fmt_local(in->start, pg->tz_offset, t, sizeof(t));
		pl_buf_puts(out, "<li><strong>");
		pl_html_text(out, in->name);
		pl_buf_printf(out, "</strong>: <span class=\"st %s\">%s</span> ",
			      pl_st_level_key(in->level), pl_st_level_text(in->level));
		pl_buf_printf(out, _("since %s."), t);
		if (in->acked)
			pl_buf_printf(out, " %s", _("Our team is working on it."));
		pl_buf_puts(out, "</li>\n");
	}
	if (any)
		pl_buf_puts(out, "</ul>\n");
	else
		pl_buf_printf(out, "<p id=\"current\">%s</p>\n", _("No current incidents."));
}

static void
html_past(const struct pl_st_page *pg, const struct pl_st_history *h, struct pl_buf *out)
{
	char a[64], b[64], span[64];
	bool any = false;

	pl_buf_printf(out, "<h2>%s</h2>\n", _("Past incidents"));
	for (size_t i = 0; i < h->n; i++) {
		const struct pl_st_incident *in = &h->v[i];

		if (in->end == 0)
			continue;
		if (!any)
			pl_buf_printf(out, "<table id=\"past\"><tr><th>%s</th><th>%s</th><th>%s"
				      "</th><th>%s</th><th>%s</th></tr>\n", _("Service"),
				      _("What"), _("From"), _("To"), _("Duration"));
		any = true;
		fmt_local(in->start, pg->tz_offset, a, sizeof(a));
		fmt_local(in->end, pg->tz_offset, b, sizeof(b));
		fmt_span(in->end - in->start, span, sizeof(span));
		pl_buf_puts(out, "<tr><td>");
		pl_html_text(out, in->name);
		pl_buf_printf(out, "</td><td class=\"st %s\">%s</td><td>%s</td><td>%s</td><td>%s"
			      "</td></tr>\n", pl_st_level_key(in->level),
			      pl_st_level_text(in->level), a, b, span);
	}
	if (any)
		pl_buf_puts(out, "</table>\n");
	else
		pl_buf_printf(out, "<p id=\"past\">%s</p>\n", _("No incidents recorded."));
}

void
pl_st_render_html(const struct pl_st_page *pg, const struct pl_st_catalog *cat,
		  const struct pl_st_history *h, struct pl_buf *out)
{
	enum pl_st_level w = pl_st_overall(cat);
	char now[64], data[64];

	fmt_local(pg->now, pg->tz_offset, now, sizeof(now));
	fmt_local(pg->data_time, pg->tz_offset, data, sizeof(data));
	pl_buf_printf(out, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
		      "<meta name=\"viewport\" content=\"width=device-width\">"
		      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		      "style-src 'unsafe-inline'\">", pg->lang);
	if (pg->refresh > 0)
		pl_buf_printf(out, "<meta http-equiv=\"refresh\" content=\"%d\">", pg->refresh);
	pl_buf_puts(out, "<title>");
	pl_html_text(out, pg->title);
	pl_buf_printf(out, "</title><style>%s</style></head><body><main>\n<h1>", css);
	pl_html_text(out, pg->title);
	pl_buf_printf(out, "</h1>\n<p id=\"overall\" class=\"banner %s\">%s</p>\n",
		      pg->available ? pl_st_level_key(w) : "unknown", banner_text(w, pg->available));
	if (!pg->available && pg->why != NULL) {
		pl_buf_puts(out, "<p class=\"note\" id=\"why\">");
		pl_html_text(out, pg->why);
		pl_buf_puts(out, "</p>\n");
	}
	pl_buf_printf(out, "<p class=\"updated\" id=\"updated\">%s %s", _("Last updated:"), now);
	if (data[0] != '\0')
		pl_buf_printf(out, " &middot; %s %s", _("latest check:"), data);
	pl_buf_puts(out, "</p>\n");
	html_services(pg, cat, h, out);
	html_current(pg, h, out);
	html_past(pg, h, out);
	pl_buf_puts(out, "</main></body></html>\n");
}

/* ---- JSON ---- */

static void
json_time(struct pl_buf *out, const char *key, int64_t t)
{
	char ts[PL_RFC3339_SIZE];

	fmt_utc(t, ts, sizeof(ts));
	pl_buf_printf(out, ",\"%s\":", key);
	if (ts[0] != '\0')
		pl_json_string(out, ts);
	else
		pl_buf_puts(out, "null");
}

static void
json_incident(struct pl_buf *out, const struct pl_st_incident *in)
{
	pl_buf_puts(out, "{\"service\":");
	pl_json_string(out, in->name);
	pl_buf_printf(out, ",\"status\":\"%s\",\"text\":", pl_st_level_key(in->level));
	pl_json_string(out, pl_st_level_text(in->level));
	json_time(out, "start", in->start);
	json_time(out, "end", in->end);
	if (in->end == 0)
		pl_buf_printf(out, ",\"acknowledged\":%s", in->acked ? "true" : "false");
	else
		pl_buf_printf(out, ",\"duration_s\":%lld", (long long)(in->end - in->start));
	pl_buf_putc(out, '}');
}

void
pl_st_render_json(const struct pl_st_page *pg, const struct pl_st_catalog *cat,
		  const struct pl_st_history *h, struct pl_buf *out)
{
	enum pl_st_level w = pl_st_overall(cat);
	bool first = true;

	pl_buf_puts(out, "{\"schema\":1,\"title\":");
	pl_json_string(out, pg->title);
	json_time(out, "generated", pg->now);
	json_time(out, "data_time", pg->data_time);
	pl_buf_printf(out, ",\"available\":%s,\"overall\":\"%s\",\"overall_text\":",
		      pg->available ? "true" : "false", pl_st_level_key(w));
	pl_json_string(out, banner_text(w, pg->available));
	pl_buf_puts(out, ",\"services\":[");
	for (size_t i = 0; i < cat->n; i++) {
		pl_buf_puts(out, i ? ",{\"name\":" : "{\"name\":");
		pl_json_string(out, cat->v[i].name);
		pl_buf_printf(out, ",\"status\":\"%s\",\"text\":", pl_st_level_key(cat->v[i].level));
		pl_json_string(out, pl_st_level_text(cat->v[i].level));
		pl_buf_putc(out, '}');
	}
	pl_buf_puts(out, "],\"current\":[");
	for (size_t i = 0; i < h->n; i++)
		if (h->v[i].end == 0) {
			if (!first)
				pl_buf_putc(out, ',');
			first = false;
			json_incident(out, &h->v[i]);
		}
	pl_buf_puts(out, "],\"past\":[");
	first = true;
	for (size_t i = 0; i < h->n; i++)
		if (h->v[i].end != 0) {
			if (!first)
				pl_buf_putc(out, ',');
			first = false;
			json_incident(out, &h->v[i]);
		}
	pl_buf_puts(out, "]}\n");
}
