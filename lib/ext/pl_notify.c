#include "config.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "pl_clock.h"
#include "pl_i18n.h"
#include "pl_json.h"
#include "pl_notify.h"

/* ------------------------------------------------------------------ channels, types */

static const char *const channel_names[] = {
	[PL_NC_DINGTALK] = "dingtalk", [PL_NC_WECOM] = "wecom", [PL_NC_FEISHU] = "feishu",
	[PL_NC_SLACK] = "slack", [PL_NC_WEBHOOK] = "webhook", [PL_NC_MAIL] = "mail",
};

const char *
pl_notify_channel_name(enum pl_notify_channel ch)
{
	if ((unsigned)ch >= sizeof(channel_names) / sizeof(channel_names[0]))
		return "?";
	return channel_names[ch];
}

int
pl_notify_channel_parse(const char *name, enum pl_notify_channel *out)
{
	for (size_t i = 0; i < sizeof(channel_names) / sizeof(channel_names[0]); i++)
		if (strcmp(name, channel_names[i]) == 0) {
			*out = (enum pl_notify_channel)i;
			return 0;
		}
	if (strcmp(name, "lark") == 0) {
		*out = PL_NC_FEISHU;
		return 0;
	}
	return -1;
}

size_t
pl_notify_limit(enum pl_notify_channel ch, bool markdown)
{
	switch (ch) {
	case PL_NC_WECOM:
		return markdown ? 4096 : 2048;
	case PL_NC_DINGTALK:
		return 20000;
	case PL_NC_FEISHU:
		return 28000;
	case PL_NC_SLACK:
		return 40000;
	case PL_NC_WEBHOOK:
	case PL_NC_MAIL:
		break;
	}
	return 65536;
}

static const struct {
	const char *word;
	enum pl_notify_type type;
} type_words[] = {
	{ "PROBLEM", PL_NT_PROBLEM },
	{ "RECOVERY", PL_NT_RECOVERY },
	{ "ACKNOWLEDGEMENT", PL_NT_ACKNOWLEDGEMENT },
	{ "ESCALATION", PL_NT_ESCALATION },
	{ "CUSTOM", PL_NT_CUSTOM },
	{ "DOWNTIMESTART", PL_NT_DOWNTIME_START },
	{ "DOWNTIMEEND", PL_NT_DOWNTIME_END },
	{ "DOWNTIMECANCELLED", PL_NT_DOWNTIME_CANCELLED },
	{ "FLAPPINGSTART", PL_NT_FLAPPING_START },
	{ "FLAPPINGEND", PL_NT_FLAPPING_END },
	{ "FLAPPINGDISABLED", PL_NT_FLAPPING_DISABLED },
	/* other engines' words for the same */
	{ "DOWNTIMEREMOVED", PL_NT_DOWNTIME_CANCELLED },
	{ "FLAPPINGSTOP", PL_NT_FLAPPING_END },
	{ "ACKNOWLEDGMENT", PL_NT_ACKNOWLEDGEMENT },
};

int
pl_notify_type_parse(const char *s, enum pl_notify_type *out)
{
	char w[32];
	size_t n = 0;

	/* "DowntimeStart", "downtime-start", "DOWNTIME_START" all read the same. */
	for (; *s != '\0'; s++) {
		if (*s == '-' || *s == '_' || *s == ' ')
			continue;
		if (n + 1 >= sizeof(w))
			return -1;
		w[n++] = (char)toupper((unsigned char)*s);
	}
	w[n] = '\0';
	for (size_t i = 0; i < sizeof(type_words) / sizeof(type_words[0]); i++)
		if (strcmp(w, type_words[i].word) == 0) {
			*out = type_words[i].type;
			return 0;
		}
	return -1;
}

const char *
pl_notify_type_name(enum pl_notify_type t)
{
	for (size_t i = 0; i < sizeof(type_words) / sizeof(type_words[0]); i++)
		if (type_words[i].type == t)
			return type_words[i].word;
	return "CUSTOM";
}

/* ------------------------------------------------------------------ UTF-8 */

/* The length of the valid UTF-8 sequence at s (n bytes left), or 0 when the byte at s
 * does not start one (RFC 3629: no overlong forms, no surrogates, at most U+10FFFF). */
static size_t
utf8_seq(const unsigned char *s, size_t n, unsigned *cp)
{
	unsigned c = s[0], v;
	size_t len;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		v = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		v = c & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && v < 0x800) || (len == 4 && (v < 0x10000 || v > 0x10ffff)) ||
	    (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

#define REPLACEMENT "\xef\xbf\xbd"

size_t
pl_notify_clean(const char *in, size_t len, bool oneline, struct pl_buf *out)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t start = out->len, bad = 0, i = 0;

	while (i < len) {
		unsigned cp;
		size_t n = utf8_seq(s + i, len - i, &cp);

		if (n == 0) {
			pl_buf_puts(out, REPLACEMENT);
			bad++;
			i++;
			continue;
		}
		if (cp == '\r') {
			/* "\r\n" is one line end; a lone "\r" is one too. */
			if (i + 1 < len && s[i + 1] == '\n')
				i++;
			cp = '\n';
		}
		if (cp == '\n' || cp == '\t') {
			pl_buf_putc(out, oneline ? ' ' : (char)cp);
		} else if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
			pl_buf_puts(out, REPLACEMENT);
			bad += n;
		} else {
			pl_buf_add(out, s + i, n);
		}
		i += n;
	}
	if (oneline && out->data != NULL) {
		size_t a = start, b = out->len;

		while (a < b && out->data[a] == ' ')
			a++;
		while (b > a && out->data[b - 1] == ' ')
			b--;
		memmove(out->data + start, out->data + a, b - a);
		out->len = start + (b - a);
		out->data[out->len] = '\0';
	}
	return bad;
}

size_t
pl_utf8_cut(const char *s, size_t len, size_t max)
{
	size_t n;

	if (max >= len)
		return len;
	n = max;
	/* Back up over continuation bytes: s[n] must start a character. */
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}

/* ------------------------------------------------------------------ message text */

/* Appends what b holds (nothing for a buffer never written: its data is NULL). */
static void
add_buf(struct pl_buf *out, const struct pl_buf *b, size_t n)
{
	if (n > 0 && b->data != NULL)
		pl_buf_add(out, b->data, n);
}

static bool
given(const char *s)
{
	return s != NULL && s[0] != '\0';
}

static const char *
display_host(const struct pl_notify_msg *m)
{
	return given(m->host_display) ? m->host_display : given(m->host) ? m->host : "?";
}

static const char *
display_service(const struct pl_notify_msg *m)
{
	return given(m->service_display) ? m->service_display : m->service;
}

void
pl_notify_title(const struct pl_notify_msg *m, struct pl_buf *out)
{
	const char *state = given(m->state) ? m->state : "UNKNOWN";

	pl_buf_printf(out, "%s: ", pl_notify_type_name(m->type));
	if (given(m->service))
		pl_buf_printf(out, "%s/%s", display_host(m), display_service(m));
	else
		pl_buf_printf(out, _("host %s"), display_host(m));
	/* The type word before the colon stays English: a receiver's keyword filter (a
	 * DingTalk robot's custom keywords) may match it. */
	switch (m->type) {
	case PL_NT_ACKNOWLEDGEMENT:
		pl_buf_printf(out, _(" %s acknowledged"), state);
		break;
	case PL_NT_DOWNTIME_START:
		pl_buf_puts(out, _(" in downtime"));
		break;
	case PL_NT_DOWNTIME_END:
		pl_buf_puts(out, _(" out of downtime"));
		break;
	case PL_NT_DOWNTIME_CANCELLED:
		pl_buf_puts(out, _(" downtime cancelled"));
		break;
	case PL_NT_FLAPPING_START:
		pl_buf_printf(out, _(" is flapping (%s)"), state);
		break;
	case PL_NT_FLAPPING_END:
	case PL_NT_FLAPPING_DISABLED:
		pl_buf_printf(out, _(" stopped flapping (%s)"), state);
		break;
	default:
		pl_buf_printf(out, _(" is %s"), state);
		break;
	}
	if (given(m->author) && (m->type == PL_NT_ACKNOWLEDGEMENT || m->type == PL_NT_CUSTOM ||
				 m->type == PL_NT_DOWNTIME_START))
		pl_buf_printf(out, _(", by %s"), m->author);
}

/* Appends s escaped for the style. */
static void
esc(const char *s, enum pl_notify_style style, struct pl_buf *out)
{
	if (s == NULL)
		return;
	for (; *s != '\0'; s++) {
		char c = *s;

		if (style == PL_MD_SLACK) {
			if (c == '&')
				pl_buf_puts(out, "&amp;");
			else if (c == '<')
				pl_buf_puts(out, "&lt;");
			else if (c == '>')
				pl_buf_puts(out, "&gt;");
			else
				pl_buf_putc(out, c);
			continue;
		}
		if (style == PL_MD_COMMON && strchr("\\`*_[]<>#|~", c) != NULL)
			pl_buf_putc(out, '\\');
		pl_buf_putc(out, c);
	}
}

/* The line break of a style: DingTalk's and WeCom's markdown join single newlines, so a
 * markdown line ends with two spaces (a hard break) before it. */
static const char *
br(enum pl_notify_style style)
{
	return style == PL_MD_COMMON ? "  \n" : "\n";
}

static void
field(struct pl_buf *out, enum pl_notify_style style, const char *name, const char *value)
{
	if (!given(value))
		return;
	if (style == PL_MD_COMMON)
		pl_buf_printf(out, "**%s:** ", name);
	else if (style == PL_MD_SLACK)
		pl_buf_printf(out, "*%s:* ", name);
	else
		pl_buf_printf(out, "%s: ", name);
	esc(value, style, out);
	pl_buf_puts(out, br(style));
}

/* Appends the output (or a part of it) with each line ended by the style's break. */
static void
output_lines(struct pl_buf *out, enum pl_notify_style style, const char *s, size_t len)
{
	struct pl_buf line = PL_BUF_INIT;
	size_t i = 0;

	while (i < len) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (s + i)) : len - i;

		pl_buf_reset(&line);
		pl_buf_add(&line, s + i, n);
		esc(pl_buf_str(&line), style, out);
		pl_buf_puts(out, br(style));
		i += n + (nl ? 1 : 0);
	}
	pl_buf_free(&line);
}

/* The cut marker's format: one place, as pl_notify_text measures it before writing it
 * (a macro: the compiler checks the format through gettext's format_arg). */
#define CUT_MARKER _("[... cut: %zu bytes left out ...]")

static void
marker(struct pl_buf *out, size_t left, enum pl_notify_style style)
{
	pl_buf_printf(out, CUT_MARKER, left);
	pl_buf_puts(out, br(style));
}

/* A heading over lines of its own (the comment, the output), in the style's bold. */
static void
heading(struct pl_buf *out, enum pl_notify_style style, const char *name)
{
	if (style == PL_MD_COMMON)
		pl_buf_printf(out, "**%s**  \n", name);
	else if (style == PL_MD_SLACK)
		pl_buf_printf(out, "*%s*\n", name);
	else
		pl_buf_printf(out, "%s\n", name);
}

/* Everything but the output and what follows it. */
static void
text_head(const struct pl_notify_msg *m, enum pl_notify_style style, struct pl_buf *out)
{
	struct pl_buf t = PL_BUF_INIT, v = PL_BUF_INIT;

	pl_notify_title(m, &t);
	if (style == PL_MD_COMMON) {
		pl_buf_puts(out, "**");
		esc(pl_buf_str(&t), style, out);
		pl_buf_puts(out, "**");
	} else if (style == PL_MD_SLACK) {
		pl_buf_puts(out, "*");
		esc(pl_buf_str(&t), style, out);
		pl_buf_puts(out, "*");
	} else {
		pl_buf_puts(out, pl_buf_str(&t));
	}
	pl_buf_puts(out, style == PL_MD_NONE ? "\n\n" : "\n\n");
	if (given(m->host_display) && given(m->host) && strcmp(m->host_display, m->host) != 0)
		pl_buf_printf(&v, "%s (%s)", m->host_display, m->host);
	else
		pl_buf_puts(&v, given(m->host) ? m->host : display_host(m));
	if (given(m->address) && (!given(m->host) || strcmp(m->address, m->host) != 0))
		pl_buf_printf(&v, ", %s", m->address);
	field(out, style, _("Host"), pl_buf_str(&v));
	pl_buf_reset(&v);
	if (given(m->service)) {
		if (given(m->service_display) && strcmp(m->service_display, m->service) != 0)
			pl_buf_printf(&v, "%s (%s)", m->service_display, m->service);
		else
			pl_buf_puts(&v, m->service);
		field(out, style, _("Service"), pl_buf_str(&v));
	}
	field(out, style, _("State"), m->state);
	field(out, style, _("Type"), pl_notify_type_name(m->type));
	field(out, style, _("Time"), m->time);
	field(out, style, _("Author"), m->author);
	field(out, style, _("Escalated to"), m->role);
	if (m->number > 0) {
		char n[32];

		pl_snprintf(n, sizeof(n), "%ld", m->number);
		field(out, style, _("Notification"), n);
	}
	if (given(m->comment)) {
		/* A comment of several lines stays several lines. */
		heading(out, style, _("Comment:"));
		output_lines(out, style, m->comment, strlen(m->comment));
	}
	pl_buf_free(&t);
	pl_buf_free(&v);
}

static void
text_tail(const struct pl_notify_msg *m, enum pl_notify_style style, struct pl_buf *out)
{
	if (!given(m->link))
		return;
	pl_buf_puts(out, "\n");
	if (style == PL_MD_COMMON)
		pl_buf_printf(out, "[%s](%s)\n", _("Open in the monitoring"), m->link);
	else if (style == PL_MD_SLACK)
		pl_buf_printf(out, "<%s|%s>\n", m->link, _("Open in the monitoring"));
	else
		pl_buf_printf(out, _("Link: %s\n"), m->link);
}

static void
output_head(enum pl_notify_style style, struct pl_buf *out)
{
	pl_buf_puts(out, "\n");
	heading(out, style, _("Output:"));
}

size_t
pl_notify_text(const struct pl_notify_msg *m, enum pl_notify_style style, size_t limit,
	       struct pl_buf *out)
{
	struct pl_buf head = PL_BUF_INIT, tail = PL_BUF_INIT, body = PL_BUF_INIT;
	const char *o = given(m->output) ? m->output : "";
	size_t olen = strlen(o), left = 0;

	text_head(m, style, &head);
	if (olen > 0)
		output_head(style, &head);
	text_tail(m, style, &tail);
	output_lines(&body, style, o, olen);
	if (limit == 0 || head.len + body.len + tail.len <= limit) {
		add_buf(out, &head, head.len);
		add_buf(out, &body, body.len);
		add_buf(out, &tail, tail.len);
		goto end;
	}
	{
		char mk[160];
		size_t mlen = (size_t)pl_snprintf(mk, sizeof(mk), CUT_MARKER, olen) +
			      strlen(br(style));
		size_t fixed = head.len + tail.len + mlen;

		if (fixed + 64 <= limit) {
			/* Cut the output so that its escaped form fits: escaping only grows
			 * text, so each round shrinks the raw part by the excess. */
			size_t budget = limit - fixed, keep = pl_utf8_cut(o, olen, budget);

			for (int round = 0; round < 16; round++) {
				pl_buf_reset(&body);
				output_lines(&body, style, o, keep);
				if (body.len <= budget || keep == 0)
					break;
				keep = pl_utf8_cut(o, olen, keep - (body.len - budget < keep ?
								     body.len - budget : keep));
			}
			if (body.len <= budget) {
				left = olen - keep;
				add_buf(out, &head, head.len);
				add_buf(out, &body, body.len);
				marker(out, left, style);
				add_buf(out, &tail, tail.len);
				goto end;
			}
		}
		/* The fields alone pass the limit (a huge comment): cut the whole text. */
		pl_buf_reset(&body);
		add_buf(&body, &head, head.len);
		output_lines(&body, style, o, olen);
		add_buf(&body, &tail, tail.len);
		{
			/* The marker's count may have more digits than mk's: room for 20. */
			size_t room = limit > mlen + 24 ? limit - mlen - 24 : 0;
			size_t keep = pl_utf8_cut(body.data, body.len, room);

			/* A cut right after a backslash would escape the marker's '['. */
			while (keep > 0 && body.data[keep - 1] == '\\')
				keep--;
			left = body.len - keep;
			add_buf(out, &body, keep);
			pl_buf_putc(out, '\n');
			marker(out, left, style);
		}
	}
end:
	pl_buf_free(&head);
	pl_buf_free(&tail);
	pl_buf_free(&body);
	return left;
}

/* ------------------------------------------------------------------ payloads */

static void
jadd(struct json_object *o, const char *key, const char *value)
{
	json_object_object_add(o, key, json_object_new_string(value != NULL ? value : ""));
}

static void
jadd_opt(struct json_object *o, const char *key, const char *value)
{
	if (given(value))
		jadd(o, key, value);
	else
		json_object_object_add(o, key, NULL);
}

static const char *
feishu_colour(const struct pl_notify_msg *m)
{
	const char *s = m->state != NULL ? m->state : "";

	if (m->type == PL_NT_RECOVERY || strcmp(s, "OK") == 0 || strcmp(s, "UP") == 0)
		return "green";
	if (m->type == PL_NT_ACKNOWLEDGEMENT || m->type >= PL_NT_DOWNTIME_START)
		return "blue";
	if (strcmp(s, "WARNING") == 0)
		return "orange";
	if (strcmp(s, "UNKNOWN") == 0 || strcmp(s, "UNREACHABLE") == 0)
		return "purple";
	return "red";
}

static int
payload_once(enum pl_notify_channel ch, const struct pl_notify_msg *m,
	     const struct pl_notify_payload_opts *o, size_t limit, struct pl_buf *out,
	     size_t *cut, char *err, size_t errlen)
{
	struct pl_buf title = PL_BUF_INIT, text = PL_BUF_INIT;
	struct json_object *root = NULL, *inner;
	enum pl_notify_style style = o->markdown ? PL_MD_COMMON : PL_MD_NONE;
	size_t left;
	int rc = -1;

	pl_buf_reset(out);
	if (ch == PL_NC_MAIL) {
		pl_snprintf(err, errlen, "mail has no JSON payload");
		return -1;
	}
	if (ch == PL_NC_SLACK)
		style = o->markdown ? PL_MD_SLACK : PL_MD_NONE;
	if (ch == PL_NC_WEBHOOK)
		style = PL_MD_NONE;
	pl_notify_title(m, &title);
	left = pl_notify_text(m, style, limit, &text);
	if (cut != NULL)
		*cut = left;
	root = json_object_new_object();
	if (root == NULL)
		goto oom;
	switch (ch) {
	case PL_NC_DINGTALK:
	case PL_NC_WECOM:
		inner = json_object_new_object();
		jadd(root, "msgtype", o->markdown ? "markdown" : "text");
		if (o->markdown && ch == PL_NC_DINGTALK)
			jadd(inner, "title", pl_buf_str(&title));
		jadd(inner, o->markdown && ch == PL_NC_DINGTALK ? "text" : "content",
		     pl_buf_str(&text));
		json_object_object_add(root, o->markdown ? "markdown" : "text", inner);
		break;
	case PL_NC_FEISHU:
		if (given(o->feishu_sign)) {
			jadd(root, "timestamp", o->feishu_timestamp);
			jadd(root, "sign", o->feishu_sign);
		}
		if (o->markdown) {
			struct json_object *card = json_object_new_object();
			struct json_object *header = json_object_new_object();
			struct json_object *t = json_object_new_object();
			struct json_object *elems = json_object_new_array();
			struct json_object *div = json_object_new_object();
			struct json_object *dt = json_object_new_object();
			struct json_object *cfg = json_object_new_object();

			jadd(root, "msg_type", "interactive");
			json_object_object_add(cfg, "wide_screen_mode", json_object_new_boolean(1));
			json_object_object_add(card, "config", cfg);
			jadd(t, "tag", "plain_text");
			jadd(t, "content", pl_buf_str(&title));
			json_object_object_add(header, "title", t);
			jadd(header, "template", feishu_colour(m));
			json_object_object_add(card, "header", header);
			jadd(div, "tag", "div");
			jadd(dt, "tag", "lark_md");
			jadd(dt, "content", pl_buf_str(&text));
			json_object_object_add(div, "text", dt);
			json_object_array_add(elems, div);
			json_object_object_add(card, "elements", elems);
			json_object_object_add(root, "card", card);
		} else {
			inner = json_object_new_object();
			jadd(root, "msg_type", "text");
			jadd(inner, "text", pl_buf_str(&text));
			json_object_object_add(root, "content", inner);
		}
		break;
	case PL_NC_SLACK:
		jadd(root, "text", pl_buf_str(&text));
		if (!o->markdown)
			json_object_object_add(root, "mrkdwn", json_object_new_boolean(0));
		break;
	case PL_NC_WEBHOOK:
		inner = json_object_new_object();
		json_object_object_add(root, "version", json_object_new_int(1));
		jadd(root, "title", pl_buf_str(&title));
		jadd(root, "text", pl_buf_str(&text));
		jadd_opt(root, "sent_at", o->sent_at);
		jadd(inner, "type", pl_notify_type_name(m->type));
		jadd_opt(inner, "host", m->host);
		jadd_opt(inner, "host_display", m->host_display);
		jadd_opt(inner, "address", m->address);
		jadd_opt(inner, "service", m->service);
		jadd_opt(inner, "service_display", m->service_display);
		jadd_opt(inner, "state", m->state);
		jadd_opt(inner, "output", m->output);
		jadd_opt(inner, "time", m->time);
		jadd_opt(inner, "author", m->author);
		jadd_opt(inner, "comment", m->comment);
		jadd_opt(inner, "role", m->role);
		jadd_opt(inner, "link", m->link);
		json_object_object_add(inner, "number", json_object_new_int64(m->number));
		json_object_object_add(root, "notification", inner);
		break;
	case PL_NC_MAIL:
		break;
	}
	{
		size_t n;
		const char *s = json_object_to_json_string_length(
			root, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n);

		if (s == NULL || pl_buf_add(out, s, n) != 0 || out->oom)
			goto oom;
	}
	rc = 0;
	goto end;
oom:
	pl_snprintf(err, errlen, "out of memory building the %s payload",
		    pl_notify_channel_name(ch));
end:
	json_object_put(root);
	pl_buf_free(&title);
	pl_buf_free(&text);
	return rc;
}

/* Feishu limits the whole request (30 KB), not the text: JSON escaping (quotes,
 * backslashes, newlines) can make a 28,000-byte text a larger body, so the text is cut
 * shorter until the body fits. */
#define FEISHU_BODY_MAX (30 * 1024)

int
pl_notify_payload(enum pl_notify_channel ch, const struct pl_notify_msg *m,
		  const struct pl_notify_payload_opts *o, struct pl_buf *out, size_t *cut,
		  char *err, size_t errlen)
{
	size_t limit = pl_notify_limit(ch, o->markdown);

	for (int round = 0;; round++) {
		if (payload_once(ch, m, o, limit, out, cut, err, errlen) != 0)
			return -1;
		if (ch != PL_NC_FEISHU || out->len <= FEISHU_BODY_MAX || round == 8 ||
		    limit <= 1024)
			return 0;
		limit -= out->len - FEISHU_BODY_MAX + 64 < limit - 1024 ?
			out->len - FEISHU_BODY_MAX + 64 : limit - 1024;
	}
}

/* ------------------------------------------------------------------ signatures */

int
pl_hmac_sha256(const void *key, size_t keylen, const void *msg, size_t msglen,
	       unsigned char mac[32], char *err, size_t errlen)
{
	unsigned int n = 0;
	static const unsigned char empty[1];

	if (keylen > (size_t)INT32_MAX) {
		pl_snprintf(err, errlen, "HMAC key too long");
		return -1;
	}
	if (HMAC(EVP_sha256(), key, (int)keylen, msglen ? msg : empty, msglen, mac, &n) ==
	    NULL || n != 32) {
		char e[200];

		ERR_error_string_n(ERR_get_error(), e, sizeof(e));
		pl_snprintf(err, errlen, "HMAC-SHA256 failed: %s", e);
		return -1;
	}
	return 0;
}

int
pl_base64(const unsigned char *in, size_t len, char *out, size_t outlen)
{
	size_t need = 4 * ((len + 2) / 3) + 1;

	if (outlen < need || len > (size_t)INT32_MAX / 2)
		return -1;
	return EVP_EncodeBlock((unsigned char *)out, in, (int)len);
}

void
pl_url_encode(const char *s, struct pl_buf *out)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
			pl_buf_putc(out, (char)c);
		} else {
			pl_buf_putc(out, '%');
			pl_buf_putc(out, hex[c >> 4]);
			pl_buf_putc(out, hex[c & 15]);
		}
	}
}

int
pl_notify_sign_dingtalk(const char *secret, int64_t timestamp_ms,
			char out[PL_NOTIFY_SIGN_SIZE], char *err, size_t errlen)
{
	struct pl_buf msg = PL_BUF_INIT, enc = PL_BUF_INIT;
	unsigned char mac[32];
	char b64[64];
	int rc = -1;

	out[0] = '\0';
	pl_buf_printf(&msg, "%lld\n%s", (long long)timestamp_ms, secret);
	if (pl_hmac_sha256(secret, strlen(secret), msg.data, msg.len, mac, err, errlen) != 0)
		goto end;
	if (pl_base64(mac, sizeof(mac), b64, sizeof(b64)) < 0)
		goto end;
	pl_url_encode(b64, &enc);
	pl_strlcpy(out, pl_buf_str(&enc), PL_NOTIFY_SIGN_SIZE);
	rc = 0;
end:
	if (msg.data != NULL)
		explicit_bzero(msg.data, msg.len);
	pl_buf_free(&msg);
	pl_buf_free(&enc);
	return rc;
}

int
pl_notify_sign_feishu(const char *secret, int64_t timestamp_s, char out[PL_NOTIFY_SIGN_SIZE],
		      char *err, size_t errlen)
{
	struct pl_buf key = PL_BUF_INIT;
	unsigned char mac[32];
	int rc = -1;

	out[0] = '\0';
	pl_buf_printf(&key, "%lld\n%s", (long long)timestamp_s, secret);
	if (pl_hmac_sha256(key.data, key.len, "", 0, mac, err, errlen) != 0)
		goto end;
	if (pl_base64(mac, sizeof(mac), out, PL_NOTIFY_SIGN_SIZE) < 0)
		goto end;
	rc = 0;
end:
	if (key.data != NULL)
		explicit_bzero(key.data, key.len);
	pl_buf_free(&key);
	return rc;
}

int
pl_notify_sign_webhook(const char *secret, int64_t timestamp_s, const char *body, size_t len,
		       char out[PL_NOTIFY_SIGN_SIZE], char *err, size_t errlen)
{
	struct pl_buf msg = PL_BUF_INIT;
	unsigned char mac[32];
	int rc = -1;

	out[0] = '\0';
	pl_buf_printf(&msg, "%lld.", (long long)timestamp_s);
	pl_buf_add(&msg, body, len);
	if (msg.truncated || msg.oom) {
		pl_snprintf(err, errlen, "the webhook body is too large to sign");
		goto end;
	}
	if (pl_hmac_sha256(secret, strlen(secret), msg.data, msg.len, mac, err, errlen) != 0)
		goto end;
	for (size_t i = 0; i < sizeof(mac); i++)
		pl_snprintf(out + 2 * i, 3, "%02x", mac[i]);
	rc = 0;
end:
	pl_buf_free(&msg);
	return rc;
}

/* ------------------------------------------------------------------ replies */

struct known_code {
	enum pl_notify_channel ch;
	int64_t code;
	enum pl_notify_outcome outcome;
	const char *what;
};

/* The codes the platforms document, and what to do about each. */
static const struct known_code known_codes[] = {
	{ PL_NC_DINGTALK, 310000, PL_NO_FAIL,
	  "security settings refused the message: check the signing secret (--secret-file), "
	  "the robot's keywords (one must be in the message) and its IP list" },
	{ PL_NC_DINGTALK, 300001, PL_NO_FAIL,
	  "the access_token in the webhook URL is not valid (--url-file)" },
	{ PL_NC_DINGTALK, 300005, PL_NO_FAIL, "the robot does not exist (--url-file)" },
	{ PL_NC_DINGTALK, 130101, PL_NO_RETRY,
	  "sent too fast: the robot takes 20 messages a minute" },
	{ PL_NC_DINGTALK, 460101, PL_NO_FAIL, "the message is too long" },
	{ PL_NC_WECOM, 45002, PL_NO_FAIL,
	  "the content is over the size limit (markdown 4096 bytes)" },
	{ PL_NC_WECOM, 45009, PL_NO_RETRY,
	  "rate limited: the robot takes 20 messages a minute" },
	{ PL_NC_WECOM, 93000, PL_NO_FAIL, "the webhook key is not valid (--url-file)" },
	{ PL_NC_WECOM, 40008, PL_NO_FAIL, "the message type is not valid" },
	{ PL_NC_WECOM, 44004, PL_NO_FAIL, "the content is empty" },
	{ PL_NC_FEISHU, 19021, PL_NO_FAIL,
	  "the signature did not match or the timestamp is more than an hour off: check the "
	  "signing secret (--secret-file) and the clock" },
	{ PL_NC_FEISHU, 19022, PL_NO_FAIL, "this IP address is not on the bot's allowlist" },
	{ PL_NC_FEISHU, 19024, PL_NO_FAIL,
	  "the message lacks the bot's keyword (security settings)" },
	{ PL_NC_FEISHU, 19001, PL_NO_FAIL, "the webhook token is not valid (--url-file)" },
	{ PL_NC_FEISHU, 9499, PL_NO_FAIL, "the request was refused as malformed" },
	{ PL_NC_FEISHU, 11232, PL_NO_RETRY, "rate limited" },
	{ PL_NC_FEISHU, 11246, PL_NO_FAIL, "the message is too long" },
};

static const struct {
	const char *error;
	enum pl_notify_outcome outcome;
	const char *what;
} slack_errors[] = {
	{ "invalid_payload", PL_NO_FAIL, "the payload was refused" },
	{ "invalid_token", PL_NO_FAIL, "the webhook URL is not valid (--url-file)" },
	{ "no_service", PL_NO_FAIL, "the webhook is disabled or removed (--url-file)" },
	{ "no_team", PL_NO_FAIL, "the workspace is gone (--url-file)" },
	{ "team_disabled", PL_NO_FAIL, "the workspace is disabled" },
	{ "channel_not_found", PL_NO_FAIL, "the webhook's channel is gone" },
	{ "channel_is_archived", PL_NO_FAIL, "the webhook's channel is archived" },
	{ "action_prohibited", PL_NO_FAIL, "an admin restricted the webhook" },
	{ "rate_limited", PL_NO_RETRY, "rate limited" },
	{ "posting_to_general_channel_denied", PL_NO_FAIL,
	  "posting to #general is restricted" },
};

/* Up to max bytes of the reply, cleaned to one line, into out. */
static void
reply_excerpt(const char *s, size_t len, size_t max, char *out, size_t outlen)
{
	struct pl_buf b = PL_BUF_INIT;
	size_t n;

	pl_notify_clean(s, len < 4 * max ? len : 4 * max, true, &b);
	n = pl_utf8_cut(pl_buf_str(&b), b.len, max);
	if (n < b.len && n + 3 < outlen) {
		b.data[n] = '\0';
		pl_snprintf(out, outlen, "%s...", b.data);
	} else {
		pl_snprintf(out, outlen, "%s", pl_buf_str(&b));
	}
	pl_buf_free(&b);
}

static const char *
channel_title(enum pl_notify_channel ch)
{
	switch (ch) {
	case PL_NC_DINGTALK:
		return "DingTalk";
	case PL_NC_WECOM:
		return "WeCom";
	case PL_NC_FEISHU:
		return "Feishu";
	case PL_NC_SLACK:
		return "Slack";
	case PL_NC_WEBHOOK:
		return "the webhook";
	case PL_NC_MAIL:
		break;
	}
	return "the mail server";
}

static void
reply_json(enum pl_notify_channel ch, const char *body, size_t len, struct pl_notify_reply *r)
{
	struct json_object *doc;
	const char *codekey = ch == PL_NC_FEISHU ? "code" : "errcode";
	const char *msgkey = ch == PL_NC_FEISHU ? "msg" : "errmsg";
	const char *msg;
	char jerr[128], ex[160];
	int64_t code;

	doc = pl_json_parse(body, len, jerr, sizeof(jerr));
	if (doc == NULL || !json_object_is_type(doc, json_type_object)) {
		reply_excerpt(body, len, 80, ex, sizeof(ex));
		r->outcome = PL_NO_FAIL;
		pl_snprintf(r->line, sizeof(r->line), "not a %s reply: '%s'", channel_title(ch),
			    ex);
		json_object_put(doc);
		return;
	}
	if (pl_json_int(doc, codekey, &code) != 0 && ch == PL_NC_FEISHU &&
	    pl_json_int(doc, "StatusCode", &code) == 0)
		msgkey = "StatusMessage";
	else if (pl_json_int(doc, codekey, &code) != 0) {
		reply_excerpt(body, len, 80, ex, sizeof(ex));
		r->outcome = PL_NO_FAIL;
		pl_snprintf(r->line, sizeof(r->line), "%s's reply has no %s: '%s'",
			    channel_title(ch), codekey, ex);
		json_object_put(doc);
		return;
	}
	r->code = code;
	r->has_code = true;
	if (code == 0) {
		r->outcome = PL_NO_SENT;
		json_object_put(doc);
		return;
	}
	msg = pl_json_str(doc, msgkey);
	reply_excerpt(msg != NULL ? msg : "", msg != NULL ? strlen(msg) : 0, 120, ex, sizeof(ex));
	r->outcome = PL_NO_FAIL;
	for (size_t i = 0; i < sizeof(known_codes) / sizeof(known_codes[0]); i++)
		if (known_codes[i].ch == ch && known_codes[i].code == code) {
			r->outcome = known_codes[i].outcome;
			pl_snprintf(r->line, sizeof(r->line), "%s error %lld: %s ('%s')",
				    channel_title(ch), (long long)code, known_codes[i].what, ex);
			json_object_put(doc);
			return;
		}
	pl_snprintf(r->line, sizeof(r->line), "%s error %lld: '%s'", channel_title(ch),
		    (long long)code, ex);
	json_object_put(doc);
}

void
pl_notify_reply_parse(enum pl_notify_channel ch, long status, const char *body, size_t len,
		      struct pl_notify_reply *r)
{
	char ex[160];

	memset(r, 0, sizeof(*r));
	if (body == NULL)
		len = 0;
	if (status < 200 || status > 299) {
		const char *what = status == 429 ? " (rate limited)" : "";

		r->outcome = status == 429 || status == 408 || status >= 500 || status < 100 ?
			PL_NO_RETRY : PL_NO_FAIL;
		if (ch == PL_NC_SLACK) {
			for (size_t i = 0; i < sizeof(slack_errors) / sizeof(slack_errors[0]);
			     i++) {
				size_t n = strlen(slack_errors[i].error);

				if (len >= n && memcmp(body, slack_errors[i].error, n) == 0) {
					pl_snprintf(r->line, sizeof(r->line),
						    "Slack answered HTTP %ld %s: %s", status,
						    slack_errors[i].error, slack_errors[i].what);
					if (status != 429 && status < 500)
						r->outcome = slack_errors[i].outcome;
					return;
				}
			}
		}
		/* A chat platform may say what is wrong in its JSON even with an error status. */
		if ((ch == PL_NC_DINGTALK || ch == PL_NC_WECOM || ch == PL_NC_FEISHU) && len > 0 &&
		    body[0] == '{') {
			struct pl_notify_reply j;
			enum pl_notify_outcome o = r->outcome;

			memset(&j, 0, sizeof(j));
			reply_json(ch, body, len, &j);
			if (j.has_code && j.code != 0) {
				*r = j;
				if (o == PL_NO_RETRY)
					r->outcome = PL_NO_RETRY;
				return;
			}
		}
		reply_excerpt(body, len, 80, ex, sizeof(ex));
		pl_snprintf(r->line, sizeof(r->line), "%s answered HTTP %ld%s%s%s%s",
			    channel_title(ch), status, what, ex[0] ? ": '" : "", ex,
			    ex[0] ? "'" : "");
		return;
	}
	switch (ch) {
	case PL_NC_DINGTALK:
	case PL_NC_WECOM:
	case PL_NC_FEISHU:
		reply_json(ch, body, len, r);
		return;
	case PL_NC_SLACK:
		if (len >= 2 && memcmp(body, "ok", 2) == 0) {
			r->outcome = PL_NO_SENT;
			return;
		}
		reply_excerpt(body, len, 80, ex, sizeof(ex));
		r->outcome = PL_NO_FAIL;
		pl_snprintf(r->line, sizeof(r->line), "not a Slack reply: '%s'", ex);
		return;
	case PL_NC_WEBHOOK:
	case PL_NC_MAIL:
		r->outcome = PL_NO_SENT;
		return;
	}
}

static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
				      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
static const char *const wdays[] = { "Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed" };

static int
digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

double
pl_notify_retry_after(const char *value, int64_t now)
{
	const char *s = value;
	double v = 0;
	int d, y, hh, mm, ss, mon = -1;

	if (s == NULL)
		return -1;
	while (*s == ' ')
		s++;
	if (*s >= '0' && *s <= '9') {
		int n = 0;

		for (; *s >= '0' && *s <= '9' && n < 10; s++, n++)
			v = v * 10 + (*s - '0');
		while (*s == ' ' || *s == '\r' || *s == '\n')
			s++;
		return *s == '\0' && n < 10 ? v : -1;
	}
	/* IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" */
	if (strlen(s) < 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' ||
	    s[16] != ' ' || s[19] != ':' || s[22] != ':' || strncmp(s + 25, " GMT", 4) != 0)
		return -1;
	for (int i = 0; i < 12; i++)
		if (strncmp(s + 8, months[i], 3) == 0)
			mon = i;
	if (mon < 0 || digits(s + 5, 2, &d) || digits(s + 12, 4, &y) || digits(s + 17, 2, &hh) ||
	    digits(s + 20, 2, &mm) || digits(s + 23, 2, &ss) || d < 1 || d > 31 || hh > 23 ||
	    mm > 59 || ss > 60)
		return -1;
	{
		int64_t t = pl_days_from_civil(y, mon + 1, d) * 86400 +
			    hh * 3600 + mm * 60 + ss;

		return t > now ? (double)(t - now) : 0;
	}
}

/* ------------------------------------------------------------------ mail */

static bool
needs_encoding(const char *s)
{
	size_t n = 0;

	if (strstr(s, "=?") != NULL)
		return true;
	for (; *s != '\0'; s++, n++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return true;
	return n > 900;
}

void
pl_rfc2047_encode(const char *s, struct pl_buf *out)
{
	size_t len = strlen(s), i = 0;
	bool first = true;

	if (!needs_encoding(s)) {
		pl_buf_puts(out, s);
		return;
	}
	/* 45 bytes make 60 base64 characters: with "=?UTF-8?B?" and "?=" a 72-character
	 * word, under the 75 of RFC 2047. */
	while (i < len) {
		size_t n = pl_utf8_cut(s + i, len - i, 45);
		char b64[64];

		if (n == 0)
			n = len - i < 45 ? len - i : 1;
		pl_base64((const unsigned char *)s + i, n, b64, sizeof(b64));
		pl_buf_printf(out, "%s=?UTF-8?B?%s?=", first ? "" : "\r\n ", b64);
		first = false;
		i += n;
	}
}

void
pl_qp_encode(const char *s, size_t len, struct pl_buf *out)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t col = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		bool eol = i + 1 >= len || s[i + 1] == '\n';
		char enc[4];
		size_t n;

		if (c == '\n') {
			pl_buf_puts(out, "\r\n");
			col = 0;
			continue;
		}
		if ((c == ' ' || c == '\t') && !eol) {
			enc[0] = (char)c;
			n = 1;
		} else if (c == '=' || c < 0x20 || c > 0x7e || c == ' ' || c == '\t' ||
			   (col == 0 && (c == '.' || (c == 'F' && len - i >= 5 &&
						       memcmp(s + i, "From ", 5) == 0)))) {
			enc[0] = '=';
			enc[1] = hex[c >> 4];
			enc[2] = hex[c & 15];
			n = 3;
		} else {
			enc[0] = (char)c;
			n = 1;
		}
		/* A soft break keeps each line at most 76 characters with its '='. */
		if (col + n > 75) {
			pl_buf_puts(out, "=\r\n");
			col = 0;
			if (c == '.' || c == 'F') {
				/* Now at a line's start: encode as the rule there says. */
				i--;
				continue;
			}
		}
		pl_buf_add(out, enc, n);
		col += n;
	}
	if (col > 0)
		pl_buf_puts(out, "\r\n");
}

void
pl_mail_date(int64_t t, char *out, size_t outlen)
{
	int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
	int64_t rem = t - days * 86400;
	int64_t y;
	int m, d, wd = (int)(((days % 7) + 7) % 7);   /* 1970-01-01 was a Thursday */

	pl_civil_from_days(days, &y, &m, &d);
	pl_snprintf(out, outlen, "%s, %02d %s %04lld %02d:%02d:%02d +0000", wdays[wd], d,
		    months[m - 1], (long long)y, (int)(rem / 3600), (int)(rem / 60 % 60),
		    (int)(rem % 60));
}

bool
pl_notify_address_ok(const char *s)
{
	const char *at = NULL;
	size_t n = 0;

	if (s == NULL)
		return false;
	for (const char *p = s; *p != '\0'; p++, n++) {
		unsigned char c = (unsigned char)*p;

		if (c <= 0x20 || c >= 0x7f || strchr(",<>\"'();:[]\\", c) != NULL)
			return false;
		if (c == '@') {
			if (at != NULL)
				return false;
			at = p;
		}
	}
	return at != NULL && at != s && at[1] != '\0' && n <= 254;
}

void
pl_notify_mail(const struct pl_notify_msg *m, const char *from, const char *const *to,
	       size_t nto, const char *date, const char *message_id, struct pl_buf *out)
{
	struct pl_buf title = PL_BUF_INIT, text = PL_BUF_INIT;

	pl_notify_title(m, &title);
	pl_notify_text(m, PL_MD_NONE, pl_notify_limit(PL_NC_MAIL, false), &text);
	pl_buf_printf(out, "Date: %s\r\nFrom: %s\r\nTo: ", date, from);
	for (size_t i = 0; i < nto; i++)
		pl_buf_printf(out, "%s%s", i ? ",\r\n " : "", to[i]);
	pl_buf_puts(out, "\r\nSubject: ");
	pl_rfc2047_encode(pl_buf_str(&title), out);
	pl_buf_printf(out, "\r\nMessage-ID: %s\r\n", message_id);
	pl_buf_puts(out, "MIME-Version: 1.0\r\n"
		    "Content-Type: text/plain; charset=UTF-8\r\n"
		    "Content-Transfer-Encoding: quoted-printable\r\n"
		    "Auto-Submitted: auto-generated\r\n");
	pl_buf_printf(out, "X-Plumbline-Notification: %s\r\n\r\n", pl_notify_type_name(m->type));
	pl_qp_encode(text.data != NULL ? text.data : "", text.len, out);
	pl_buf_free(&title);
	pl_buf_free(&text);
}

/* ------------------------------------------------------------------ journal */

int
pl_notify_journal_line(const struct pl_notify_journal *j, struct pl_buf *out)
{
	struct json_object *o = json_object_new_object();
	const struct pl_notify_msg *m = j->msg;
	int rc = -1;

	pl_buf_reset(out);
	if (o == NULL)
		return -1;
	json_object_object_add(o, "version", json_object_new_int(1));
	jadd(o, "time", j->time);
	jadd(o, "channel", j->channel);
	jadd(o, "result", j->sent ? "sent" : "failed");
	jadd(o, "type", pl_notify_type_name(m->type));
	jadd_opt(o, "host", m->host);
	jadd_opt(o, "service", m->service);
	jadd_opt(o, "state", m->state);
	if (given(m->output)) {
		/* The journal keeps the first 4 KiB of the output: enough for a report. */
		size_t n = pl_utf8_cut(m->output, strlen(m->output), 4096);

		json_object_object_add(o, "output", json_object_new_string_len(m->output,
									       (int)n));
	} else {
		json_object_object_add(o, "output", NULL);
	}
	jadd_opt(o, "event_time", m->time);
	jadd_opt(o, "author", m->author);
	jadd_opt(o, "comment", m->comment);
	jadd_opt(o, "role", m->role);
	jadd_opt(o, "engine", j->engine);
	jadd_opt(o, "user", j->user);
	jadd_opt(o, "recipients", j->recipients);
	json_object_object_add(o, "number", json_object_new_int64(m->number));
	json_object_object_add(o, "attempts", json_object_new_int((int)j->attempts));
	json_object_object_add(o, "http_status",
			       j->http_status ? json_object_new_int64(j->http_status) : NULL);
	json_object_object_add(o, "code", j->has_code ? json_object_new_int64(j->code) : NULL);
	jadd_opt(o, "error", j->error);
	json_object_object_add(o, "duration_ms",
			       json_object_new_int64((int64_t)llround(j->duration * 1000)));
	json_object_object_add(o, "bytes", json_object_new_int64((int64_t)j->bytes));
	json_object_object_add(o, "cut_bytes", json_object_new_int64((int64_t)j->cut));
	json_object_object_add(o, "repaired_bytes", json_object_new_int64((int64_t)j->repaired));
	jadd_opt(o, "message_id", j->message_id);
	{
		size_t n;
		const char *s = json_object_to_json_string_length(
			o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n);

		if (s != NULL && pl_buf_add(out, s, n) == 0 && pl_buf_putc(out, '\n') == 0 &&
		    !out->oom)
			rc = 0;
	}
	json_object_put(o);
	return rc;
}
