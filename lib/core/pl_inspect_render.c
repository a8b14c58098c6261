/* pl_inspect_render: the inspection report as text, one self-contained HTML page, or
 * JSON (schema contrib/schema/inspect.schema.json). See pl_inspect.h. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "pl_buf.h"
#include "pl_clock.h"
#include "pl_i18n.h"
#include "pl_inspect.h"
#include "pl_num.h"
#include "pl_result.h"

#define KEY_METRICS 4

static void
fmt_time(int64_t t, char *buf, size_t len)
{
	struct pl_time pt = { t, 0 };

	if (t <= 0 || pl_rfc3339_format(&pt, 0, buf, len) < 0)
		pl_strlcpy(buf, "", len);
}

/* "label=value+uom, ..." of the first KEY_METRICS metrics. */
static void
key_perf(const struct pl_insp_item *it, struct pl_buf *out)
{
	struct pl_insp_metric m[KEY_METRICS];
	size_t n = pl_insp_perf_parse(it->perf, strlen(it->perf), m, KEY_METRICS, NULL);
	char num[64];

	for (size_t i = 0; i < n; i++)
		pl_buf_printf(out, "%s%s=%s%s", i ? ", " : "", m[i].label,
			      pl_fmt_num(num, sizeof(num), m[i].value, 3), m[i].uom);
}

/* Control bytes shown as '?' in terminal text (plugin output is outside data). */
static void
put_safe(struct pl_buf *out, const char *s)
{
	for (; *s != '\0'; s++)
		pl_buf_putc(out, ((unsigned char)*s < 0x20 && *s != '\n') || *s == 0x7f ? '?' :
			    *s);
}

static const char *
change_title(int c)
{
	static const char *const t[] = { N_("ok"), N_("new problems"), N_("recovered"),
					 N_("still open"), N_("flapping") };

	return c >= 0 && c <= PL_INSP_FLAPPING ? pl_tr(t[c]) : "?";
}

/* An item's change as a person reads it (JSON gives pl_insp_change_name). */
static const char *
change_word(int c)
{
	static const char *const t[] = { N_("ok"), N_("new"), N_("recovered"), N_("open"),
					 N_("flapping") };

	return c >= 0 && c <= PL_INSP_FLAPPING ? pl_tr(t[c]) : pl_tr(t[0]);
}

/* The names of the items whose change is c, separated by ", ", each through put. */
static void
change_names(const struct pl_insp_report *r, int c, struct pl_buf *out,
	     void (*put)(struct pl_buf *, const char *))
{
	bool first = true;

	for (size_t i = 0; i < r->n; i++) {
		if (r->v[i].change != c)
			continue;
		pl_buf_puts(out, first ? "" : ", ");
		first = false;
		if (r->v[i].host[0] != '\0') {
			put(out, r->v[i].host);
			pl_buf_putc(out, '/');
		}
		put(out, r->v[i].name);
	}
}

static bool
engine_mode(const struct pl_insp_report *r)
{
	return strcmp(r->mode, "engine") == 0;
}

/* One item in the text report; in engine mode the host is the section's title. */
static void
text_item(const struct pl_insp_item *it, struct pl_buf *out, struct pl_buf *kp, bool host)
{
	pl_buf_printf(out, "[%-8s] ", pl_insp_state_word(it->state));
	if (host && it->host[0] != '\0') {
		put_safe(out, it->host);
		pl_buf_putc(out, '/');
	}
	put_safe(out, it->name);
	if (it->change != PL_INSP_SAME_OK)
		pl_buf_printf(out, " (%s)", change_word(it->change));
	pl_buf_puts(out, ": ");
	put_safe(out, it->status);
	pl_buf_putc(out, '\n');
	pl_buf_reset(kp);
	key_perf(it, kp);
	if (kp->len > 0) {
		pl_buf_printf(out, "           %s: ", _("perfdata"));
		put_safe(out, pl_buf_str(kp));
		pl_buf_putc(out, '\n');
	}
}

/* Engine mode: a section per host (the items are sorted by host). */
static bool
new_host(const struct pl_insp_report *r, size_t i)
{
	return i == 0 || strcmp(r->v[i].host, r->v[i - 1].host) != 0;
}

static void
render_text(const struct pl_insp_report *r, struct pl_buf *out)
{
	size_t c[4];
	char ts[PL_RFC3339_SIZE], st[PL_RFC3339_SIZE];
	struct pl_buf kp = PL_BUF_INIT;

	pl_insp_counts(r, c);
	fmt_time(r->time, ts, sizeof(ts));
	/* The first line is a status line: the service name and the state word stay. */
	pl_buf_printf(out, "INSPECTION %s - ", pl_insp_state_word(pl_insp_worst(r)));
	pl_buf_printf(out, _("%zu checks: %zu ok, %zu warning, %zu critical, %zu unknown\n"),
		      r->n, c[0], c[1], c[2], c[3]);
	pl_buf_printf(out, _("Host: %s   Time: %s   Report: %s\n"), r->host, ts, r->id);
	if (r->source[0] != '\0') {
		pl_buf_puts(out, _("Source: "));
		put_safe(out, r->source);
		pl_buf_putc(out, '\n');
	}
	for (size_t i = 0; engine_mode(r) && i < r->n; i++) {
		if (new_host(r, i)) {
			pl_buf_puts(out, "\n== ");
			put_safe(out, r->v[i].host);
			pl_buf_puts(out, " ==\n");
		}
		text_item(&r->v[i], out, &kp, false);
	}
	for (int g = 0; !engine_mode(r) && g < PL_INSP_NGROUPS; g++) {
		bool head = false;

		for (size_t i = 0; i < r->n; i++) {
			const struct pl_insp_item *it = &r->v[i];

			if (it->group != g)
				continue;
			if (!head)
				pl_buf_printf(out, "\n== %s ==\n", pl_insp_group_title(g));
			head = true;
			text_item(it, out, &kp, true);
		}
	}
	pl_buf_printf(out, "\n== %s ==\n", _("Changes since the previous report"));
	{
		size_t k[PL_INSP_FLAPPING + 1] = { 0 };

		for (size_t i = 0; i < r->n; i++)
			k[r->v[i].change]++;
		pl_buf_printf(out, _("new problems %zu, recovered %zu, still open %zu, flapping "
				     "%zu, gone %zu\n"), k[PL_INSP_NEW], k[PL_INSP_RECOVERED], k[PL_INSP_OPEN],
			      k[PL_INSP_FLAPPING], r->gone);
		for (int ch = PL_INSP_NEW; ch <= PL_INSP_FLAPPING; ch++) {
			if (k[ch] == 0)
				continue;
			pl_buf_printf(out, "  %s: ", change_title(ch));
			change_names(r, ch, out, put_safe);
			pl_buf_putc(out, '\n');
		}
	}
	pl_buf_printf(out, "\n== %s ==\n", _("Inspector's sign-off"));
	if (r->signed_off) {
		fmt_time(r->sign_time, st, sizeof(st));
		pl_buf_printf(out, _("Signed by: %s\nTime: %s\nRemarks: "), r->sign_name, st);
		put_safe(out, r->sign_remarks);
		pl_buf_putc(out, '\n');
	} else {
		pl_buf_puts(out, _("Name: ______________________  Time: ____________________\n"
				   "Remarks: ______________________________________________\n"
				   "(or: plumbline-inspect --sign --name NAME --remarks TEXT)\n"));
	}
	pl_buf_free(&kp);
}

static void
json_time(struct pl_buf *out, int64_t t)
{
	char ts[PL_RFC3339_SIZE];

	fmt_time(t, ts, sizeof(ts));
	if (ts[0] == '\0')
		pl_buf_puts(out, "null");
	else
		pl_json_string(out, ts);
}

static void
json_item(const struct pl_insp_item *it, struct pl_buf *out)
{
	struct pl_insp_metric m[32];
	size_t n = pl_insp_perf_parse(it->perf, strlen(it->perf), m, 32, NULL);
	char num[64];

	pl_buf_puts(out, "{\"host\":");
	pl_json_string(out, it->host);
	pl_buf_puts(out, ",\"name\":");
	pl_json_string(out, it->name);
	pl_buf_printf(out, ",\"group\":\"%s\",\"plugin\":", pl_insp_group_name(it->group));
	pl_json_string(out, it->plugin);
	pl_buf_printf(out, ",\"state\":%d,\"state_text\":\"%s\",\"status\":", it->state,
		      pl_insp_state_word(it->state));
	pl_json_string(out, it->status);
	pl_buf_puts(out, ",\"long_output\":");
	pl_json_string(out, it->long_out);
	pl_buf_puts(out, ",\"perfdata_text\":");
	pl_json_string(out, it->perf);
	pl_buf_puts(out, ",\"perfdata\":[");
	for (size_t i = 0; i < n; i++) {
		pl_buf_puts(out, i ? ",{\"label\":" : "{\"label\":");
		pl_json_string(out, m[i].label);
		pl_buf_printf(out, ",\"value\":%s,\"uom\":", pl_fmt_num(num, sizeof(num),
							      m[i].value, 6));
		pl_json_string(out, m[i].uom);
		pl_buf_putc(out, '}');
	}
	pl_buf_printf(out, "],\"change\":\"%s\",\"history\":\"%s\",\"last_change\":",
		      pl_insp_change_name(it->change), it->hist);
	json_time(out, it->last_change);
	pl_buf_putc(out, '}');
}

static void
render_json(const struct pl_insp_report *r, struct pl_buf *out)
{
	size_t c[4];
	int w = pl_insp_worst(r);

	pl_insp_counts(r, c);
	pl_buf_printf(out, "{\"schema_version\":%d,\"program\":\"plumbline-inspect\","
		      "\"report_id\":\"%s\",\"mode\":", PL_INSP_SCHEMA, r->id);
	pl_json_string(out, r->mode);
	pl_buf_puts(out, ",\"host\":");
	pl_json_string(out, r->host);
	if (r->source[0] != '\0') {
		pl_buf_puts(out, ",\"source\":");
		pl_json_string(out, r->source);
	}
	pl_buf_puts(out, ",\"time\":");
	json_time(out, r->time);
	pl_buf_printf(out, ",\"state\":%d,\"state_text\":\"%s\",\"counts\":{\"ok\":%zu,"
		      "\"warning\":%zu,\"critical\":%zu,\"unknown\":%zu},\"gone\":%zu,"
		      "\"signoff\":{\"signed\":%s,\"name\":", w, pl_insp_state_word(w), c[0],
		      c[1], c[2], c[3], r->gone, r->signed_off ? "true" : "false");
	if (r->signed_off) {
		pl_json_string(out, r->sign_name);
		pl_buf_puts(out, ",\"time\":");
		json_time(out, r->sign_time);
		pl_buf_puts(out, ",\"remarks\":");
		pl_json_string(out, r->sign_remarks);
	} else {
		pl_buf_puts(out, "null,\"time\":null,\"remarks\":null");
	}
	pl_buf_puts(out, "},\"items\":[");
	for (size_t i = 0; i < r->n; i++) {
		if (i)
			pl_buf_putc(out, ',');
		json_item(&r->v[i], out);
	}
	pl_buf_puts(out, "]}\n");
}


static const char css[] =
	"body{font-family:sans-serif;margin:1.5em;color:#111;background:#fff}"
	"h1{font-size:1.4em;margin:0 0 .3em}h2{font-size:1.1em;margin:1.2em 0 .4em}"
	"table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:.25em "
	".45em;text-align:left;vertical-align:top;font-size:.9em}th{background:#eee}"
	".st{font-weight:bold;white-space:nowrap}.s0{background:#c8f0c8}.s1{background:#ffe9a8}"
	".s2{background:#ffb3b3}.s3{background:#e0c8f0}"
	".overall{display:inline-block;padding:.3em .8em;border:2px solid #333;font-size:1.2em}"
	"pre{white-space:pre-wrap;margin:.2em 0 0;font-size:.85em}"
	"details summary{cursor:pointer;color:#335}"
	".sign th,.changes th{width:14em}.sign td{height:2.2em}.changes td:nth-child(2)"
	"{width:3em;text-align:right}.meta{color:#333}"
	/* Chinese breaks between any two characters: a short heading or change word would
	 * wrap in its narrow column. */
	".checks th,.checks td:last-child{white-space:nowrap}"
	"@media print{body{margin:0;font-size:10pt}details{display:block}"
	"details>summary{display:none}th{background:#ddd!important}"
	".s0,.s1,.s2,.s3{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
	"tr{page-break-inside:avoid}}";

static void
html_row(const struct pl_insp_item *it, struct pl_buf *out, struct pl_buf *tmp, bool host)
{
	pl_buf_printf(out, "<tr class=\"s%d\"><td class=\"st\">%s</td><td>", it->state,
		      pl_insp_state_word(it->state));
	if (host && it->host[0] != '\0') {
		pl_html_text(out, it->host);
		pl_buf_putc(out, '/');
	}
	pl_html_text(out, it->name);
	pl_buf_puts(out, "</td><td>");
	pl_html_text(out, it->status);
	if (it->long_out[0] != '\0') {
		pl_buf_printf(out, "<details><summary>%s</summary><pre>", _("details"));
		pl_html_text(out, it->long_out);
		pl_buf_puts(out, "</pre></details>");
	}
	pl_buf_reset(tmp);
	key_perf(it, tmp);
	pl_buf_puts(out, "</td><td>");
	pl_html_text(out, pl_buf_str(tmp));
	pl_buf_printf(out, "</td><td>%s</td></tr>\n", change_word(it->change));
}

/* The head row of a table of checks; first is "Service" or "Check". */
static void
html_head_row(struct pl_buf *out, const char *first)
{
	pl_buf_printf(out, "<tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>\n",
		      _("State"), first, _("Status"), _("Key figures"), _("Change"));
}

/* Engine mode: a table per host. */
static void
html_hosts(const struct pl_insp_report *r, struct pl_buf *out, struct pl_buf *tmp)
{
	for (size_t i = 0; engine_mode(r) && i < r->n; i++) {
		if (new_host(r, i)) {
			pl_buf_puts(out, i > 0 ? "</table>\n<h2>" : "<h2>");
			pl_html_text(out, r->v[i].host);
			pl_buf_puts(out, "</h2>\n<table class=\"checks\">");
			html_head_row(out, _("Service"));
		}
		html_row(&r->v[i], out, tmp, false);
		if (i + 1 == r->n)
			pl_buf_puts(out, "</table>\n");
	}
}

/* What changed since the previous report: a line per kind of change, with the names. */
static void
html_changes(const struct pl_insp_report *r, struct pl_buf *out)
{
	size_t k[PL_INSP_FLAPPING + 1] = { 0 };

	for (size_t i = 0; i < r->n; i++)
		k[r->v[i].change]++;
	pl_buf_printf(out, "<h2>%s</h2>\n<table class=\"changes\" id=\"changes\">",
		      _("Changes since the previous report"));
	for (int c = PL_INSP_NEW; c <= PL_INSP_FLAPPING; c++) {
		pl_buf_printf(out, "<tr><th>%s</th><td>%zu</td><td>", change_title(c), k[c]);
		change_names(r, c, out, pl_html_text);
		pl_buf_puts(out, "</td></tr>");
	}
	pl_buf_printf(out, "<tr><th>%s</th><td>%zu</td><td></td></tr></table>\n",
		      _("gone (in the previous report, not in this one)"), r->gone);
}

static void
render_html(const struct pl_insp_report *r, struct pl_buf *out)
{
	size_t c[4];
	int w = pl_insp_worst(r);
	char ts[PL_RFC3339_SIZE], st[PL_RFC3339_SIZE], lang[32];
	struct pl_buf tmp = PL_BUF_INIT;

	pl_insp_counts(r, c);
	fmt_time(r->time, ts, sizeof(ts));
	pl_i18n_tag(lang, sizeof(lang));
	pl_buf_printf(out, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
		      "<meta name=\"viewport\" content=\"width=device-width\">"
		      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
		      "'none'; style-src 'unsafe-inline'\"><title>%s ", lang,
		      _("Inspection report"));
	pl_html_text(out, r->host);
	pl_buf_printf(out, " %s</title><style>%s</style></head><body>\n<h1>%s ", ts, css,
		      _("Daily inspection:"));
	pl_html_text(out, r->host);
	pl_buf_printf(out, "</h1>\n<p class=\"meta\">%s &middot; ", ts);
	pl_buf_printf(out, _("report %s &middot; %zu checks: %zu ok, %zu warning, %zu "
			     "critical, %zu unknown"), r->id, r->n, c[0], c[1], c[2], c[3]);
	pl_buf_printf(out, "</p>\n<p id=\"overall\" class=\"overall s%d\">%s %s</p>\n", w,
		      _("Overall:"), pl_insp_state_word(w));
	if (r->source[0] != '\0') {
		pl_buf_printf(out, "<p class=\"meta\" id=\"source\">%s ", _("Source:"));
		pl_html_text(out, r->source);
		pl_buf_puts(out, "</p>\n");
	}
	html_hosts(r, out, &tmp);
	for (int g = 0; !engine_mode(r) && g < PL_INSP_NGROUPS; g++) {
		bool head = false;

		for (size_t i = 0; i < r->n; i++) {
			if (r->v[i].group != g)
				continue;
			if (!head) {
				pl_buf_printf(out, "<h2>%s</h2>\n<table class=\"checks\" id=\"g-%s\">",
					      pl_insp_group_title(g), pl_insp_group_name(g));
				html_head_row(out, _("Check"));
			}
			head = true;
			html_row(&r->v[i], out, &tmp, true);
		}
		if (head)
			pl_buf_puts(out, "</table>\n");
	}
	html_changes(r, out);
	pl_buf_printf(out, "<h2>%s</h2>\n<table class=\"sign\">", _("Inspector's sign-off"));
	if (r->signed_off) {
		fmt_time(r->sign_time, st, sizeof(st));
		pl_buf_printf(out, "<tr><th>%s</th><td id=\"sign-name\">", _("Signed by"));
		pl_html_text(out, r->sign_name);
		pl_buf_printf(out, "</td></tr><tr><th>%s</th><td>%s</td></tr><tr><th>%s</th><td>",
			      _("Time"), st, _("Remarks"));
		pl_html_text(out, r->sign_remarks);
		pl_buf_puts(out, "</td></tr>");
	} else {
		pl_buf_printf(out, "<tr><th>%s</th><td></td></tr><tr><th>%s</th><td></td></tr>"
			      "<tr><th>%s</th><td></td></tr><tr><th>%s</th><td></td></tr>",
			      _("Name"), _("Time"), _("Remarks"), _("Signature"));
	}
	pl_buf_puts(out, "</table>\n</body></html>\n");
	pl_buf_free(&tmp);
}

void
pl_insp_render(const struct pl_insp_report *r, int fmt, struct pl_buf *out)
{
	if (fmt == PL_INSP_JSON)
		render_json(r, out);
	else if (fmt == PL_INSP_HTML)
		render_html(r, out);
	else
		render_text(r, out);
}
