/* Unit tests of lib/ext/pl_notify: the robots' signatures against vectors made with
 * OpenSSL's command line (each command is in the comment above its vector), UTF-8 repair
 * and cutting, message text and its limits, payloads read back with json-c, the channels'
 * error codes, Retry-After, RFC 2047 words, quoted-printable, mail dates and the journal
 * line. */
#include "config.h"

#if defined(HAVE_JSONC) && defined(HAVE_LIBCRYPTO)
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <openssl/evp.h>

#include "pl_buf.h"
#include "pl_json.h"
#include "pl_notify.h"

TCase *tc_notify(void);

/* RFC 4231 test case 2. */
START_TEST(test_hmac_rfc4231)
{
	unsigned char mac[32];
	char err[128], hex[65];

	ck_assert_int_eq(pl_hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, mac, err,
					sizeof(err)), 0);
	for (int i = 0; i < 32; i++)
		pl_snprintf(hex + 2 * i, 3, "%02x", mac[i]);
	ck_assert_str_eq(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}
END_TEST

START_TEST(test_sign_vectors)
{
	char out[PL_NOTIFY_SIGN_SIZE], err[128];

	/* printf '1700000000000\nSEC123' | openssl dgst -sha256 -hmac SEC123 -binary | base64
	 * gives lkcPI1uoxBY1gUnCnnPH1Kkru0Hqjo7rFpA3haIVhEQ=, then percent-encoded. */
	ck_assert_int_eq(pl_notify_sign_dingtalk("SEC123", 1700000000000LL, out, err,
						 sizeof(err)), 0);
	ck_assert_str_eq(out, "lkcPI1uoxBY1gUnCnnPH1Kkru0Hqjo7rFpA3haIVhEQ%3D");
	/* printf '' | openssl dgst -sha256 -hmac "$(printf '1700000000\nsecret')" -binary |
	 * base64: the key is timestamp + "\n" + secret, the message empty. */
	ck_assert_int_eq(pl_notify_sign_feishu("secret", 1700000000LL, out, err, sizeof(err)), 0);
	ck_assert_str_eq(out, "fiWS2+gh28DOydAv7hzONH/mDn9+b1Y4Y5ivXWXy8vA=");
	/* printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac k */
	ck_assert_int_eq(pl_notify_sign_webhook("k", 1700000000LL, "{\"a\":1}", 7, out, err,
						sizeof(err)), 0);
	ck_assert_str_eq(out, "1b6ad1bc9bf48c52ce01939866d5877c6cc4e87ddad27e16673cb8c4964394a3");
}
END_TEST

START_TEST(test_base64_urlenc)
{
	char out[16];
	struct pl_buf b = PL_BUF_INIT;

	ck_assert_int_eq(pl_base64((const unsigned char *)"foob", 4, out, sizeof(out)), 8);
	ck_assert_str_eq(out, "Zm9vYg==");
	ck_assert_int_eq(pl_base64((const unsigned char *)"foobar", 6, out, 8), -1);
	pl_url_encode("a+b/c=d e~_.-", &b);
	ck_assert_str_eq(pl_buf_str(&b), "a%2Bb%2Fc%3Dd%20e~_.-");
	pl_buf_free(&b);
}
END_TEST

static const struct {
	const char *in;
	size_t len;
	bool oneline;
	const char *out;
	size_t bad;
} clean_cases[] = {
	{ "plain", 5, false, "plain", 0 },
	{ "caf\xc3\xa9 \xe4\xb8\xad", 9, false, "caf\xc3\xa9 \xe4\xb8\xad", 0 },
	{ "a\xff" "b", 3, false, "a\xef\xbf\xbd" "b", 1 },
	{ "\xc0\xaf", 2, false, "\xef\xbf\xbd\xef\xbf\xbd", 2 },            /* overlong '/' */
	{ "\xed\xa0\x80", 3, false, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", 3 }, /* surrogate */
	{ "\xf4\x90\x80\x80", 4, false,
	  "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", 4 },           /* > U+10FFFF */
	{ "cut \xe4\xb8", 6, false, "cut \xef\xbf\xbd\xef\xbf\xbd", 2 },    /* cut short */
	{ "a\r\nb\rc\n", 7, false, "a\nb\nc\n", 0 },
	{ "bell\x07 esc\x1b nul", 14, false, "bell\xef\xbf\xbd esc\xef\xbf\xbd nul", 2 },
	{ "x\x00y", 3, false, "x\xef\xbf\xbdy", 1 },
	{ "c1\xc2\x85!", 5, false, "c1\xef\xbf\xbd!", 2 },
	{ "  two\nlines\t ", 13, true, "two lines", 0 },
};

START_TEST(test_clean)
{
	struct pl_buf b = PL_BUF_INIT;
	size_t bad = pl_notify_clean(clean_cases[_i].in, clean_cases[_i].len,
				     clean_cases[_i].oneline, &b);

	ck_assert_str_eq(pl_buf_str(&b), clean_cases[_i].out);
	ck_assert_uint_eq(bad, clean_cases[_i].bad);
	pl_buf_free(&b);
}
END_TEST

START_TEST(test_utf8_cut)
{
	const char *s = "ab\xe4\xb8\xad\xf0\x9f\x98\x80z";   /* a b 中 😀 z: 10 bytes */

	ck_assert_uint_eq(pl_utf8_cut(s, 10, 100), 10);
	ck_assert_uint_eq(pl_utf8_cut(s, 10, 2), 2);
	ck_assert_uint_eq(pl_utf8_cut(s, 10, 3), 2);
	ck_assert_uint_eq(pl_utf8_cut(s, 10, 4), 2);
	ck_assert_uint_eq(pl_utf8_cut(s, 10, 5), 5);
	ck_assert_uint_eq(pl_utf8_cut(s, 10, 8), 5);
	ck_assert_uint_eq(pl_utf8_cut(s, 10, 9), 9);
	ck_assert_uint_eq(pl_utf8_cut(s, 10, 0), 0);
}
END_TEST

START_TEST(test_types)
{
	enum pl_notify_type t;

	ck_assert_int_eq(pl_notify_type_parse("PROBLEM", &t), 0);
	ck_assert_int_eq(t, PL_NT_PROBLEM);
	ck_assert_int_eq(pl_notify_type_parse("DowntimeRemoved", &t), 0);
	ck_assert_int_eq(t, PL_NT_DOWNTIME_CANCELLED);
	ck_assert_int_eq(pl_notify_type_parse("FLAPPINGSTOP", &t), 0);
	ck_assert_int_eq(t, PL_NT_FLAPPING_END);
	ck_assert_int_eq(pl_notify_type_parse("downtime-start", &t), 0);
	ck_assert_int_eq(t, PL_NT_DOWNTIME_START);
	ck_assert_str_eq(pl_notify_type_name(PL_NT_DOWNTIME_CANCELLED), "DOWNTIMECANCELLED");
	ck_assert_int_eq(pl_notify_type_parse("PANIC", &t), -1);
	ck_assert_int_eq(pl_notify_type_parse("", &t), -1);
}
END_TEST

static const struct pl_notify_msg sample = {
	.type = PL_NT_PROBLEM, .host = "web1", .host_display = "Web 1", .address = "192.0.2.7",
	.service = "disk", .state = "CRITICAL",
	.output = "DISK CRITICAL - / 97% used\n/var *99%* [x](y)", .time = "2026-12-02 05:00:00",
	.link = "https://mon.example/icingaweb2/icingadb/service?name=disk&host.name=web1",
};

START_TEST(test_title)
{
	struct pl_buf b = PL_BUF_INIT;
	struct pl_notify_msg m = sample;

	pl_notify_title(&m, &b);
	ck_assert_str_eq(pl_buf_str(&b), "PROBLEM: Web 1/disk is CRITICAL");
	pl_buf_reset(&b);
	m.type = PL_NT_ACKNOWLEDGEMENT;
	m.author = "alice";
	pl_notify_title(&m, &b);
	ck_assert_str_eq(pl_buf_str(&b), "ACKNOWLEDGEMENT: Web 1/disk CRITICAL acknowledged, by alice");
	pl_buf_reset(&b);
	m.service = NULL;
	m.type = PL_NT_RECOVERY;
	m.state = "UP";
	pl_notify_title(&m, &b);
	ck_assert_str_eq(pl_buf_str(&b), "RECOVERY: host Web 1 is UP");
	pl_buf_free(&b);
}
END_TEST

START_TEST(test_text_styles)
{
	struct pl_buf b = PL_BUF_INIT;
	struct pl_notify_msg m = sample;

	m.comment = "first line\nsecond <line>";
	ck_assert_uint_eq(pl_notify_text(&m, PL_MD_COMMON, 0, &b), 0);
	ck_assert_ptr_nonnull(strstr(pl_buf_str(&b), "**Host:** Web 1 (web1), 192.0.2.7  \n"));
	ck_assert_ptr_nonnull(strstr(pl_buf_str(&b), "/var \\*99%\\* \\[x\\](y)  \n"));
	ck_assert_ptr_nonnull(strstr(pl_buf_str(&b), "first line  \nsecond \\<line\\>  \n"));
	ck_assert_ptr_nonnull(strstr(pl_buf_str(&b), "[Open in the monitoring](https://mon."));
	pl_buf_reset(&b);
	pl_notify_text(&m, PL_MD_SLACK, 0, &b);
	ck_assert_ptr_nonnull(strstr(pl_buf_str(&b), "*PROBLEM: Web 1/disk is CRITICAL*"));
	ck_assert_ptr_nonnull(strstr(pl_buf_str(&b), "second &lt;line&gt;\n"));
	ck_assert_ptr_nonnull(strstr(pl_buf_str(&b), "<https://mon.example/"));
	pl_buf_reset(&b);
	pl_notify_text(&m, PL_MD_NONE, 0, &b);
	ck_assert_ptr_nonnull(strstr(pl_buf_str(&b), "Comment:\nfirst line\nsecond <line>\n"));
	ck_assert_ptr_nonnull(strstr(pl_buf_str(&b), "/var *99%* [x](y)\n"));
	pl_buf_free(&b);
}
END_TEST

/* Long output of 3-byte characters cut to each limit: the text fits, ends on a character
 * boundary, carries the marker and keeps the link. */
START_TEST(test_text_cut)
{
	static const size_t limits[] = { 4096, 20000, 2048, 1000 };
	struct pl_buf out = PL_BUF_INIT, b = PL_BUF_INIT, chk = PL_BUF_INIT;
	struct pl_notify_msg m = sample;

	for (int i = 0; i < 30000; i++)
		pl_buf_puts(&out, i % 50 == 49 ? "\n" : "\xe4\xb8\xad");
	m.output = pl_buf_str(&out);
	for (size_t k = 0; k < sizeof(limits) / sizeof(limits[0]); k++) {
		for (int st = 0; st < 3; st++) {
			size_t left;

			pl_buf_reset(&b);
			pl_buf_reset(&chk);
			left = pl_notify_text(&m, (enum pl_notify_style)st, limits[k], &b);
			ck_assert_uint_gt(left, 0);
			ck_assert_uint_le(b.len, limits[k]);
			ck_assert_uint_gt(b.len, limits[k] - 200);
			ck_assert_uint_eq(pl_notify_clean(b.data, b.len, false, &chk), 0);
			ck_assert_ptr_nonnull(strstr(pl_buf_str(&b), "[... cut: "));
			ck_assert_ptr_nonnull(strstr(pl_buf_str(&b), "host.name=web1"));
		}
	}
	/* A comment alone over the limit: the whole text is cut, the marker last. */
	m.output = "short";
	m.comment = pl_buf_str(&out);
	pl_buf_reset(&b);
	ck_assert_uint_gt(pl_notify_text(&m, PL_MD_COMMON, 4096, &b), 0);
	ck_assert_uint_le(b.len, 4096);
	ck_assert_ptr_nonnull(strstr(pl_buf_str(&b), "[... cut: "));
	pl_buf_free(&out);
	pl_buf_free(&b);
	pl_buf_free(&chk);
}
END_TEST

/* Quotes, backslashes, $, control characters (cleaned first) survive the JSON and read
 * back unchanged. */
START_TEST(test_payload_escaping)
{
	static const char nasty[] = "say \"hi\" \\ $HOME $(id) `x` </script> \t tab";
	struct pl_notify_payload_opts o = { .markdown = false };
	struct pl_notify_msg m = sample;
	struct pl_buf b = PL_BUF_INIT;
	struct json_object *doc;
	const char *t;
	char err[128];

	m.output = nasty;
	ck_assert_int_eq(pl_notify_payload(PL_NC_WECOM, &m, &o, &b, NULL, err, sizeof(err)), 0);
	doc = pl_json_parse(b.data, b.len, err, sizeof(err));
	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(pl_json_str(doc, "msgtype"), "text");
	t = pl_json_str(pl_json_obj(doc, "text"), "content");
	ck_assert_ptr_nonnull(strstr(t, nasty));
	json_object_put(doc);

	ck_assert_int_eq(pl_notify_payload(PL_NC_WEBHOOK, &m, &o, &b, NULL, err, sizeof(err)), 0);
	doc = pl_json_parse(b.data, b.len, err, sizeof(err));
	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(pl_json_str(pl_json_obj(doc, "notification"), "output"), nasty);
	ck_assert_str_eq(pl_json_str(pl_json_obj(doc, "notification"), "type"), "PROBLEM");
	ck_assert_ptr_null(strstr(b.data, "\\/"));   /* no escaped slashes */
	json_object_put(doc);

	o.markdown = true;
	o.feishu_timestamp = "1700000000";
	o.feishu_sign = "abc=";
	ck_assert_int_eq(pl_notify_payload(PL_NC_FEISHU, &m, &o, &b, NULL, err, sizeof(err)), 0);
	doc = pl_json_parse(b.data, b.len, err, sizeof(err));
	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(pl_json_str(doc, "msg_type"), "interactive");
	ck_assert_str_eq(pl_json_str(doc, "sign"), "abc=");
	ck_assert_str_eq(pl_json_str(pl_json_path(doc, "card.header"), "template"), "red");
	json_object_put(doc);
	ck_assert_int_eq(pl_notify_payload(PL_NC_MAIL, &m, &o, &b, NULL, err, sizeof(err)), -1);
	{
		/* Feishu's 30 KB is the request's: 40,000 quotes (each escaped twice over, as
		 * markdown and as JSON) are cut until the body fits. */
		struct pl_buf q = PL_BUF_INIT;
		size_t cut = 0;

		for (int i = 0; i < 40000; i++)
			pl_buf_putc(&q, i % 100 == 99 ? '\n' : (i % 2 ? '"' : '*'));
		m.output = pl_buf_str(&q);
		ck_assert_int_eq(pl_notify_payload(PL_NC_FEISHU, &m, &o, &b, &cut, err,
						   sizeof(err)), 0);
		ck_assert_uint_le(b.len, 30 * 1024);
		ck_assert_uint_gt(b.len, 28 * 1024);
		ck_assert_uint_gt(cut, 0);
		doc = pl_json_parse(b.data, b.len, err, sizeof(err));
		ck_assert_ptr_nonnull(doc);
		json_object_put(doc);
		pl_buf_free(&q);
	}
	pl_buf_free(&b);
}
END_TEST

static const struct {
	enum pl_notify_channel ch;
	long status;
	const char *body;
	enum pl_notify_outcome outcome;
	int64_t code;
	const char *in_line;
} replies[] = {
	{ PL_NC_DINGTALK, 200, "{\"errcode\":0,\"errmsg\":\"ok\"}", PL_NO_SENT, 0, "" },
	{ PL_NC_DINGTALK, 200, "{\"errcode\":310000,\"errmsg\":\"sign not match\"}", PL_NO_FAIL,
	  310000, "DingTalk error 310000: security settings" },
	{ PL_NC_DINGTALK, 200, "{\"errcode\":130101,\"errmsg\":\"send too fast\"}", PL_NO_RETRY,
	  130101, "sent too fast" },
	{ PL_NC_DINGTALK, 200, "{\"errcode\":777,\"errmsg\":\"new\\nthing\"}", PL_NO_FAIL, 777,
	  "DingTalk error 777: 'new thing'" },
	{ PL_NC_WECOM, 200, "{\"errcode\":45002,\"errmsg\":\"content size exceed limit\"}",
	  PL_NO_FAIL, 45002, "WeCom error 45002: the content is over the size limit" },
	{ PL_NC_WECOM, 200, "{\"errcode\":45009,\"errmsg\":\"api freq out of limit\"}",
	  PL_NO_RETRY, 45009, "rate limited" },
	{ PL_NC_WECOM, 200, "{\"errcode\":93000,\"errmsg\":\"invalid webhook url\"}", PL_NO_FAIL,
	  93000, "webhook key" },
	{ PL_NC_FEISHU, 200, "{\"code\":0,\"msg\":\"success\",\"data\":{}}", PL_NO_SENT, 0, "" },
	{ PL_NC_FEISHU, 200, "{\"StatusCode\":0,\"StatusMessage\":\"success\"}", PL_NO_SENT, 0,
	  "" },
	{ PL_NC_FEISHU, 200, "{\"code\":19021,\"msg\":\"sign match fail\",\"data\":{}}",
	  PL_NO_FAIL, 19021, "Feishu error 19021: the signature did not match" },
	{ PL_NC_FEISHU, 400, "{\"code\":9499,\"msg\":\"Bad Request\"}", PL_NO_FAIL, 9499,
	  "malformed" },
	{ PL_NC_SLACK, 200, "ok", PL_NO_SENT, 0, "" },
	{ PL_NC_SLACK, 404, "no_service", PL_NO_FAIL, 0, "Slack answered HTTP 404 no_service" },
	{ PL_NC_SLACK, 429, "rate_limited", PL_NO_RETRY, 0, "rate limited" },
	{ PL_NC_WEBHOOK, 204, "", PL_NO_SENT, 0, "" },
	{ PL_NC_WEBHOOK, 500, "oops", PL_NO_RETRY, 0, "the webhook answered HTTP 500: 'oops'" },
	{ PL_NC_WEBHOOK, 403, "", PL_NO_FAIL, 0, "the webhook answered HTTP 403" },
	{ PL_NC_WEBHOOK, 429, "", PL_NO_RETRY, 0, "HTTP 429 (rate limited)" },
	{ PL_NC_DINGTALK, 200, "<html>proxy</html>", PL_NO_FAIL, 0, "not a DingTalk reply" },
	{ PL_NC_WECOM, 200, "{\"ok\":true}", PL_NO_FAIL, 0, "has no errcode" },
	{ PL_NC_DINGTALK, 502, "bad gateway", PL_NO_RETRY, 0, "HTTP 502" },
};

START_TEST(test_replies)
{
	struct pl_notify_reply r;

	pl_notify_reply_parse(replies[_i].ch, replies[_i].status, replies[_i].body,
			      strlen(replies[_i].body), &r);
	ck_assert_int_eq(r.outcome, replies[_i].outcome);
	ck_assert_int_eq(r.code, replies[_i].code);
	ck_assert_msg(strstr(r.line, replies[_i].in_line) != NULL, "line '%s' lacks '%s'", r.line,
		      replies[_i].in_line);
	ck_assert_ptr_null(strchr(r.line, '\n'));
}
END_TEST

START_TEST(test_retry_after)
{
	/* Wed, 21 Oct 2015 07:28:00 GMT is 1445412480. */
	ck_assert(pl_notify_retry_after("2", 0) == 2);
	ck_assert(pl_notify_retry_after(" 120 ", 0) == 120);
	ck_assert(pl_notify_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 1445412470) == 10);
	ck_assert(pl_notify_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 1445412490) == 0);
	ck_assert(pl_notify_retry_after("soon", 0) == -1);
	ck_assert(pl_notify_retry_after("-1", 0) == -1);
	ck_assert(pl_notify_retry_after("99999999999", 0) == -1);
}
END_TEST

/* Decodes the encoded words of s back into out, checking each word's shape. */
static void
rfc2047_decode(const char *s, struct pl_buf *out)
{
	while (*s != '\0') {
		const char *end;
		unsigned char dec[128];
		int n;

		if (strncmp(s, "\r\n ", 3) == 0)
			s += 3;
		ck_assert_msg(strncmp(s, "=?UTF-8?B?", 10) == 0, "not a word: %s", s);
		end = strstr(s + 10, "?=");
		ck_assert_ptr_nonnull(end);
		ck_assert_int_le(end + 2 - s, 75);
		n = EVP_DecodeBlock(dec, (const unsigned char *)s + 10, (int)(end - s - 10));
		ck_assert_int_ge(n, 0);
		while (n > 0 && end[-1] == '=') {
			n--;
			end--;
		}
		end = strstr(s + 10, "?=");
		pl_buf_add(out, dec, (size_t)n);
		s = end + 2;
	}
}

START_TEST(test_rfc2047)
{
	struct pl_buf b = PL_BUF_INIT, d = PL_BUF_INIT, chk = PL_BUF_INIT;
	const char *zh = "PROBLEM: \xe6\x9c\x8d\xe5\x8a\xa1\xe5\x99\xa8 web1/\xe7\xa3\x81\xe7\x9b\x98 "
			 "is CRITICAL \xe2\x80\x94 \xe7\xa3\x81\xe7\x9b\x98\xe7\xa9\xba\xe9\x97\xb4"
			 "\xe4\xb8\x8d\xe8\xb6\xb3\xe8\xaf\xb7\xe5\xb0\xbd\xe5\xbf\xab\xe5\xa4\x84"
			 "\xe7\x90\x86";

	pl_rfc2047_encode("PROBLEM: web1/disk is CRITICAL", &b);
	ck_assert_str_eq(pl_buf_str(&b), "PROBLEM: web1/disk is CRITICAL");
	pl_buf_reset(&b);
	pl_rfc2047_encode(zh, &b);
	ck_assert_ptr_nonnull(strstr(b.data, "\r\n =?UTF-8?B?"));   /* folded: two words */
	rfc2047_decode(b.data, &d);
	ck_assert_str_eq(pl_buf_str(&d), zh);
	/* Each word decodes to whole characters: no word splits one. */
	for (const char *w = b.data; (w = strstr(w, "=?UTF-8?B?")) != NULL; w += 10) {
		struct pl_buf one = PL_BUF_INIT;
		const char *e = strstr(w, "?=");
		char word[128];

		pl_snprintf(word, sizeof(word), "%.*s", (int)(e + 2 - w), w);
		rfc2047_decode(word, &one);
		pl_buf_reset(&chk);
		ck_assert_uint_eq(pl_notify_clean(one.data, one.len, false, &chk), 0);
		pl_buf_free(&one);
	}
	pl_buf_reset(&b);
	pl_rfc2047_encode("=?UTF-8?B?evil?=", &b);
	ck_assert(strncmp(b.data, "=?UTF-8?B?PT9VVEYtOD9CP2V2aWw/PQ==?=", 36) == 0);
	pl_buf_free(&b);
	pl_buf_free(&d);
	pl_buf_free(&chk);
}
END_TEST

START_TEST(test_qp)
{
	struct pl_buf b = PL_BUF_INIT;
	char longline[300];
	const char *p;
	const char *in = "a=b caf\xc3\xa9 \n.dot\nFrom me\ntrail \n";

	pl_qp_encode(in, strlen(in), &b);
	ck_assert_str_eq(pl_buf_str(&b),
			 "a=3Db caf=C3=A9=20\r\n=2Edot\r\n=46rom me\r\ntrail=20\r\n");
	pl_buf_reset(&b);
	memset(longline, 'x', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = '\0';
	pl_qp_encode(longline, strlen(longline), &b);
	for (p = b.data; *p != '\0';) {
		const char *e = strstr(p, "\r\n");

		ck_assert_ptr_nonnull(e);
		ck_assert_int_le(e - p, 76);
		p = e + 2;
	}
	pl_buf_free(&b);
}
END_TEST

START_TEST(test_mail_date_address)
{
	char d[64];

	pl_mail_date(0, d, sizeof(d));
	ck_assert_str_eq(d, "Thu, 01 Jan 1970 00:00:00 +0000");
	pl_mail_date(1796189400, d, sizeof(d));     /* 2026-12-02T05:30:00Z */
	ck_assert_str_eq(d, "Wed, 02 Dec 2026 05:30:00 +0000");
	pl_mail_date(951782400, d, sizeof(d));      /* 2000-02-29 */
	ck_assert_str_eq(d, "Tue, 29 Feb 2000 00:00:00 +0000");
	ck_assert(pl_notify_address_ok("ops@example.com"));
	ck_assert(!pl_notify_address_ok("ops@example.com\r\nBcc: x@y"));
	ck_assert(!pl_notify_address_ok("Ops <ops@example.com>"));
	ck_assert(!pl_notify_address_ok("a,b@c"));
	ck_assert(!pl_notify_address_ok("@c"));
	ck_assert(!pl_notify_address_ok("a@"));
	ck_assert(!pl_notify_address_ok("a@b@c"));
}
END_TEST

START_TEST(test_mail_message)
{
	struct pl_buf b = PL_BUF_INIT;
	struct pl_notify_msg m = sample;
	const char *to[] = { "a@example.com", "b@example.com" };

	m.comment = "line one\nline two";
	pl_notify_mail(&m, "icinga@example.com", to, 2, "Wed, 02 Dec 2026 05:30:00 +0000",
		       "<1.2.x@h>", &b);
	ck_assert_ptr_nonnull(strstr(b.data, "Date: Wed, 02 Dec 2026 05:30:00 +0000\r\n"));
	ck_assert_ptr_nonnull(strstr(b.data, "To: a@example.com,\r\n b@example.com\r\n"));
	ck_assert_ptr_nonnull(strstr(b.data, "Subject: PROBLEM: Web 1/disk is CRITICAL\r\n"));
	ck_assert_ptr_nonnull(strstr(b.data, "Message-ID: <1.2.x@h>\r\n"));
	ck_assert_ptr_nonnull(strstr(b.data, "Content-Transfer-Encoding: quoted-printable\r\n"));
	ck_assert_ptr_nonnull(strstr(b.data, "\r\n\r\nPROBLEM: Web 1/disk is CRITICAL\r\n"));
	ck_assert_ptr_nonnull(strstr(b.data, "Comment:\r\nline one\r\nline two\r\n"));
	/* No bare LF anywhere. */
	for (const char *p = b.data; (p = strchr(p, '\n')) != NULL; p++)
		ck_assert(p > b.data && p[-1] == '\r');
	pl_buf_free(&b);
}
END_TEST

START_TEST(test_journal_line)
{
	struct pl_notify_msg m = sample;
	struct pl_notify_journal j = {
		.time = "2026-12-02T05:30:00.000Z", .channel = "dingtalk", .msg = &m,
		.engine = "icinga2", .sent = false, .attempts = 3, .http_status = 500,
		.error = "DingTalk answered HTTP 500", .duration = 2.5, .bytes = 321,
	};
	struct pl_buf b = PL_BUF_INIT;
	struct json_object *doc;
	int64_t v;
	char err[128];

	ck_assert_int_eq(pl_notify_journal_line(&j, &b), 0);
	ck_assert_uint_eq(b.data[b.len - 1], '\n');
	ck_assert_ptr_null(memchr(b.data, '\n', b.len - 1));
	doc = pl_json_parse(b.data, b.len, err, sizeof(err));
	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(pl_json_str(doc, "result"), "failed");
	ck_assert_str_eq(pl_json_str(doc, "type"), "PROBLEM");
	ck_assert_str_eq(pl_json_str(doc, "host"), "web1");
	ck_assert_int_eq(pl_json_int(doc, "attempts", &v), 0);
	ck_assert_int_eq(v, 3);
	ck_assert_int_eq(pl_json_int(doc, "duration_ms", &v), 0);
	ck_assert_int_eq(v, 2500);
	ck_assert(json_object_is_type(pl_json_get(doc, "code"), json_type_null) ||
		  pl_json_get(doc, "code") == NULL);
	json_object_put(doc);
	pl_buf_free(&b);
}
END_TEST

TCase *
tc_notify(void)
{
	TCase *tc = tcase_create("notify");

	tcase_add_test(tc, test_hmac_rfc4231);
	tcase_add_test(tc, test_sign_vectors);
	tcase_add_test(tc, test_base64_urlenc);
	tcase_add_loop_test(tc, test_clean, 0, (int)(sizeof(clean_cases) / sizeof(clean_cases[0])));
	tcase_add_test(tc, test_utf8_cut);
	tcase_add_test(tc, test_types);
	tcase_add_test(tc, test_title);
	tcase_add_test(tc, test_text_styles);
	tcase_add_test(tc, test_text_cut);
	tcase_add_test(tc, test_payload_escaping);
	tcase_add_loop_test(tc, test_replies, 0, (int)(sizeof(replies) / sizeof(replies[0])));
	tcase_add_test(tc, test_retry_after);
	tcase_add_test(tc, test_rfc2047);
	tcase_add_test(tc, test_qp);
	tcase_add_test(tc, test_mail_date_address);
	tcase_add_test(tc, test_mail_message);
	tcase_add_test(tc, test_journal_line);
	return tc;
}
#endif
