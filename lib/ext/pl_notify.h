/* pl_notify: the pure parts of plumbline-notify, the suite's notification command.
 *
 * Text repaired and cut (UTF-8), a notification as data (struct pl_notify_msg) made into
 * each channel's message and JSON payload (json-c), the robots' signatures (HMAC-SHA256
 * and base64 through libcrypto), the channels' replies read into one outcome and one
 * line, mail headers (RFC 2047 words, RFC 5322 dates) and a quoted-printable body, and
 * the journal's JSON line. Nothing here talks to the network (pl_notify_send does) or
 * reads the clock: times are arguments, so that every function is tested with fixed
 * values. Links json-c and libcrypto.
 *
 * Ownership: every function writes into a struct pl_buf or a char array the caller owns;
 * strings in struct pl_notify_msg are borrowed. */
#ifndef PL_NOTIFY_H
#define PL_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pl_buf.h"

enum pl_notify_channel {
	PL_NC_DINGTALK,
	PL_NC_WECOM,
	PL_NC_FEISHU,
	PL_NC_SLACK,
	PL_NC_WEBHOOK,
	PL_NC_MAIL,
};

/* "dingtalk", "wecom", "feishu", "slack", "webhook", "mail". */
const char *pl_notify_channel_name(enum pl_notify_channel ch);
/* The channel of a name (those above, "lark" for feishu): 0, or -1. */
int pl_notify_channel_parse(const char *name, enum pl_notify_channel *out);

/* The largest message text, in bytes, that the channel takes: WeCom markdown 4,096 and
 * text 2,048, DingTalk 20,000, Feishu 30,000 for the whole request (the text gets
 * 28,000, leaving room for the card around it), Slack 40,000, the generic webhook and
 * mail 65,536 (ours: a notification is not a log). */
size_t pl_notify_limit(enum pl_notify_channel ch, bool markdown);

enum pl_notify_type {
	PL_NT_PROBLEM,
	PL_NT_RECOVERY,
	PL_NT_ACKNOWLEDGEMENT,
	PL_NT_ESCALATION,      /* ours: a problem sent on to the next role */
	PL_NT_CUSTOM,
	PL_NT_DOWNTIME_START,
	PL_NT_DOWNTIME_END,
	PL_NT_DOWNTIME_CANCELLED,
	PL_NT_FLAPPING_START,
	PL_NT_FLAPPING_END,
	PL_NT_FLAPPING_DISABLED,
};

/* The type of an engine's notification type, in any case: Icinga 2's and Nagios'
 * (PROBLEM, RECOVERY, ACKNOWLEDGEMENT, CUSTOM, DOWNTIMESTART, DOWNTIMEEND,
 * DOWNTIMEREMOVED or DOWNTIMECANCELLED, FLAPPINGSTART, FLAPPINGEND or FLAPPINGSTOP,
 * FLAPPINGDISABLED), Icinga 2's object spellings (DowntimeStart, ...), and ESCALATION.
 * 0, or -1 when it is none. */
int pl_notify_type_parse(const char *s, enum pl_notify_type *out);
/* The type as the journal and subjects write it: "PROBLEM", "DOWNTIMESTART", ... */
const char *pl_notify_type_name(enum pl_notify_type t);

/* One notification. Every string is UTF-8 without control characters other than
 * newlines in output, long_output and comment (pl_notify_clean makes them so); NULL or
 * "" is "not given". */
struct pl_notify_msg {
	enum pl_notify_type type;
	const char *host;            /* the host's name */
	const char *host_display;    /* its display name, shown when it differs */
	const char *address;
	const char *service;         /* NULL or "": a host notification */
	const char *service_display;
	const char *state;           /* "CRITICAL", "DOWN", ... as the engine says it */
	const char *output;          /* the plugin's output, first line and long output */
	const char *time;            /* when, as the engine wrote it */
	const char *author;          /* of an acknowledgement, a comment, a downtime */
	const char *comment;
	const char *role;            /* who is notified ("technical support"): "escalated to" */
	const char *link;            /* back to the engine's web interface */
	long number;                 /* the engine's notification number; 0: unknown */
};

/* Makes len bytes of outside text fit for a message: invalid UTF-8 (bad bytes,
 * overlong forms, surrogates, beyond U+10FFFF, a sequence cut short) becomes U+FFFD for
 * each bad byte; "\r\n" and a lone "\r" become "\n"; a tab stays; every other control
 * character (C0, DEL, C1) becomes U+FFFD. With oneline, newlines and tabs become spaces
 * and outer white space is trimmed (a name, a state, a subject). Appends to out; returns
 * the number of bytes that had to be replaced. */
size_t pl_notify_clean(const char *in, size_t len, bool oneline, struct pl_buf *out);

/* The longest n <= max such that the first n bytes of the UTF-8 text s (len bytes) end
 * on a character boundary: a cut never splits a character. */
size_t pl_utf8_cut(const char *s, size_t len, size_t max);

/* Markdown flavours of the channels. */
enum pl_notify_style {
	PL_MD_NONE,     /* plain text (mail, a channel asked for text) */
	PL_MD_COMMON,   /* DingTalk, WeCom, Feishu's lark_md: **bold**, [text](url) */
	PL_MD_SLACK,    /* Slack mrkdwn: *bold*, <url|text>, & < > as entities */
};

/* The one-line title: "PROBLEM: web1/disk is CRITICAL", "RECOVERY: host web1 is UP",
 * "ACKNOWLEDGEMENT: web1/disk CRITICAL, by alice". Appends to out. */
void pl_notify_title(const struct pl_notify_msg *m, struct pl_buf *out);

/* The message text in a style, cut to limit bytes (0: no limit): the title, then one
 * line per field given (host, service, state, time, author, comment, escalated to,
 * notification number), the output, and the link last. Values are escaped for the style
 * (markdown characters with a backslash, Slack's & < > as entities). When the whole would
 * pass limit, the output is cut (on a character boundary, the link and fields kept) and
 * the marker "[... cut: N bytes left out ...]" written where it was cut; when the fields
 * alone pass it, the whole text is cut and ends with the marker. Appends to out; returns
 * the number of bytes left out (0: not cut). */
size_t pl_notify_text(const struct pl_notify_msg *m, enum pl_notify_style style,
		      size_t limit, struct pl_buf *out);

/* What a channel's JSON payload is built from. */
struct pl_notify_payload_opts {
	bool markdown;         /* the channel's markdown message; else its text message */
	const char *feishu_timestamp;  /* Feishu: seconds since the epoch, as text, and */
	const char *feishu_sign;       /* the signature (pl_notify_sign_feishu); NULL: unsigned */
	const char *sent_at;           /* webhook: when it is sent (RFC 3339) */
};

/* The JSON body for a chat channel or the webhook (not mail), built with json-c, into out
 * (reset first). *cut (may be NULL) gets the bytes left out of the text. DingTalk:
 * {"msgtype":"markdown","markdown":{"title","text"}} or {"msgtype":"text","text":
 * {"content"}}; WeCom: {"msgtype":"markdown","markdown":{"content"}} or text; Feishu: an
 * interactive card (a header in the state's colour and one lark_md block), or
 * {"msg_type":"text","content":{"text"}}, with "timestamp" and "sign" when signed; Slack:
 * {"text"} in mrkdwn; the webhook: {"version":1,"title","text","notification":{every
 * field}}. Returns 0, or -1 with why in err (out of memory, the mail channel). */
int pl_notify_payload(enum pl_notify_channel ch, const struct pl_notify_msg *m,
		      const struct pl_notify_payload_opts *o, struct pl_buf *out, size_t *cut,
		      char *err, size_t errlen);

/* HMAC-SHA256 of msg under key, into mac (32 bytes). 0, or -1 with libcrypto's error. */
int pl_hmac_sha256(const void *key, size_t keylen, const void *msg, size_t msglen,
		   unsigned char mac[32], char *err, size_t errlen);
/* Standard base64 (with padding) of len bytes into out (4 * ceil(len / 3) + 1 bytes).
 * Returns the length written, or -1 when out is too small. */
int pl_base64(const unsigned char *in, size_t len, char *out, size_t outlen);
/* Percent-encodes s (everything but A-Z a-z 0-9 - . _ ~) and appends it to out. */
void pl_url_encode(const char *s, struct pl_buf *out);

#define PL_NOTIFY_SIGN_SIZE 128

/* DingTalk: base64(HMAC-SHA256(key = secret, msg = timestamp_ms + "\n" + secret)),
 * percent-encoded for the query string (&timestamp=MS&sign=SIGN). */
int pl_notify_sign_dingtalk(const char *secret, int64_t timestamp_ms,
			    char out[PL_NOTIFY_SIGN_SIZE], char *err, size_t errlen);
/* Feishu/Lark: base64(HMAC-SHA256(key = timestamp_s + "\n" + secret, msg = "")), as the
 * body's "sign" (no percent-encoding). */
int pl_notify_sign_feishu(const char *secret, int64_t timestamp_s,
			  char out[PL_NOTIFY_SIGN_SIZE], char *err, size_t errlen);
/* The generic webhook: lowercase hex of HMAC-SHA256(key = secret, msg = timestamp_s +
 * "." + body), sent as "X-Plumbline-Signature: sha256=HEX" beside
 * "X-Plumbline-Timestamp: TIMESTAMP". */
int pl_notify_sign_webhook(const char *secret, int64_t timestamp_s, const char *body,
			   size_t len, char out[PL_NOTIFY_SIGN_SIZE], char *err, size_t errlen);

enum pl_notify_outcome {
	PL_NO_SENT,    /* the channel took it */
	PL_NO_RETRY,   /* a passing failure: a server error, a rate limit, no answer */
	PL_NO_FAIL,    /* it will fail again: a bad key, signature, keyword, size */
};

struct pl_notify_reply {
	enum pl_notify_outcome outcome;
	int64_t code;          /* the channel's own error code (errcode, code); 0: none */
	bool has_code;
	char line[320];        /* one line: what went wrong and what to do ("" when sent) */
};

/* Reads a channel's answer: the HTTP status and the body (len bytes, need not be
 * NUL-terminated). 429, 408 and 5xx are passing; other 4xx are not. A 2xx from a chat
 * channel is read as its JSON (DingTalk and WeCom errcode/errmsg, Feishu code/msg or the
 * older StatusCode/StatusMessage; Slack's "ok"): a code other than 0 is a failure whose
 * line names the code, the channel's message (cleaned, at most 120 bytes) and the fix
 * for the codes we know (DingTalk 310000: the signature, the keyword or the IP list;
 * WeCom 45002: the size; Feishu 19021: the signature or the clock; ...); the rate-limit
 * codes (DingTalk 130101, WeCom 45009, Feishu 11232) are passing. A 2xx from a chat
 * channel that is not its JSON is a failure ("not a ... reply"). The webhook takes any
 * 2xx. */
void pl_notify_reply_parse(enum pl_notify_channel ch, long status, const char *body,
			   size_t len, struct pl_notify_reply *r);

/* A Retry-After value: delta-seconds or an IMF-fixdate ("Wed, 21 Oct 2015 07:28:00
 * GMT"), taken relative to now (seconds since the epoch). Returns the seconds to wait
 * (0 for a date past), or -1 when the value is neither. */
double pl_notify_retry_after(const char *value, int64_t now);

/* Mail. A header value as RFC 2047 encoded words when it needs them (non-ASCII, "=?",
 * or longer than fits a line): "=?UTF-8?B?...?=" words of at most 75 characters, never
 * splitting a character, folded with CRLF and a space. ASCII text is kept as it is.
 * Appends to out. */
void pl_rfc2047_encode(const char *s, struct pl_buf *out);
/* Quoted-printable (RFC 2045) of UTF-8 text with "\n" line ends: lines of at most 76
 * characters ending in CRLF, '=' and bytes outside printable ASCII encoded, white space
 * before a line end encoded, a '.' or "From " starting a line encoded. Appends to out. */
void pl_qp_encode(const char *s, size_t len, struct pl_buf *out);
/* An RFC 5322 date in UTC ("Wed, 02 Dec 2026 05:40:00 +0000"), no locale. */
void pl_mail_date(int64_t t, char *out, size_t outlen);

/* A whole message: Date, From, To (each address, comma-separated), Subject (the title,
 * RFC 2047), Message-ID (given, with its angle brackets), MIME-Version, a text/plain UTF-8
 * body in quoted-printable, Auto-Submitted: auto-generated and X-Plumbline-Notification:
 * TYPE. Addresses must be bare addr-specs (pl_notify_address_ok). Appends to out. */
void pl_notify_mail(const struct pl_notify_msg *m, const char *from, const char *const *to,
		    size_t nto, const char *date, const char *message_id, struct pl_buf *out);
/* True when s is a plain address local@domain of printable ASCII with no space, comma,
 * angle bracket, quote or control character, at most 254 bytes: what may go into a
 * header and an SMTP command as it is. */
bool pl_notify_address_ok(const char *s);

/* One journal record. */
struct pl_notify_journal {
	const char *time;        /* RFC 3339, when the last attempt ended */
	const char *channel;
	const struct pl_notify_msg *msg;
	const char *engine;      /* "icinga2", "nagios", or NULL */
	const char *user;        /* the engine's user or contact, or NULL */
	const char *recipients;  /* mail: the To addresses; NULL otherwise */
	bool sent;
	unsigned attempts;
	long http_status;        /* of the last attempt; 0: none (no answer, SMTP) */
	bool has_code;
	int64_t code;            /* the channel's error code of the last attempt */
	const char *error;       /* the one line of a failure, or NULL */
	double duration;         /* seconds, all attempts */
	size_t bytes;            /* of the payload sent */
	size_t cut;              /* bytes of the text left out to fit the channel */
	size_t repaired;         /* bytes of the input replaced (invalid UTF-8, controls) */
	const char *message_id;  /* mail */
};

/* The record as one JSON line (json-c) ending in "\n", into out (reset first). The
 * fields are documented in the README ("The journal"). Never holds a secret: no URL, no
 * signature. Returns 0, or -1 (out of memory). */
int pl_notify_journal_line(const struct pl_notify_journal *j, struct pl_buf *out);

#endif
