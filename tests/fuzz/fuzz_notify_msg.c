/* Fuzz target: the message builder (pl_notify_clean, pl_notify_text, pl_notify_payload,
 * pl_notify_mail, pl_rfc2047_encode, pl_qp_encode) on outside text: the input, split at
 * its first two NUL bytes into output, comment and host, is cleaned as the notifier
 * cleans the engine's macros and made into every channel's message. None may crash; the
 * cleaned text is valid UTF-8 without control characters, every text stays within its
 * channel's limit, every payload is JSON that json-c reads back, and no mail line (CRLF
 * ended) passes 998 bytes.
 * fuzz-libs: json-c libcrypto
 * fuzz-seeds: none (hand-written seeds in seeds/notify_msg/) */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pl_json.h"
#include "pl_notify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
part(const uint8_t *data, size_t size, size_t *at, bool oneline, struct pl_buf *out)
{
	const uint8_t *nul = *at < size ? memchr(data + *at, '\0', size - *at) : NULL;
	size_t end = nul ? (size_t)(nul - data) : size;
	struct pl_buf chk = PL_BUF_INIT;

	if (*at < size)
		pl_notify_clean((const char *)data + *at, end - *at, oneline, out);
	*at = end < size ? end + 1 : size;
	/* Cleaned text cleans to itself. */
	if (pl_notify_clean(pl_buf_str(out), out->len, oneline, &chk) != 0 ||
	    strcmp(pl_buf_str(&chk), pl_buf_str(out)) != 0)
		abort();
	pl_buf_free(&chk);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pl_buf o = PL_BUF_INIT, c = PL_BUF_INIT, h = PL_BUF_INIT, b = PL_BUF_INIT;
	struct pl_notify_msg m = { .type = PL_NT_PROBLEM, .service = "svc", .state = "CRITICAL",
				   .link = "https://mon.example/x?a=1&b=2" };
	struct pl_notify_payload_opts po = { .markdown = true, .feishu_timestamp = "1",
					     .feishu_sign = "s" };
	const char *to[] = { "a@example.com" };
	size_t at = 0;
	char err[256];

	part(data, size, &at, false, &o);
	part(data, size, &at, false, &c);
	part(data, size, &at, true, &h);
	m.output = pl_buf_str(&o);
	m.comment = pl_buf_str(&c);
	m.host = pl_buf_str(&h);
	m.author = pl_buf_str(&h);
	for (int st = PL_MD_NONE; st <= PL_MD_SLACK; st++) {
		pl_buf_reset(&b);
		pl_notify_text(&m, (enum pl_notify_style)st, 2048, &b);
		if (b.len > 2048)
			abort();
	}
	for (int ch = PL_NC_DINGTALK; ch < PL_NC_MAIL; ch++)
		for (int md = 0; md < 2; md++) {
			struct json_object *doc;
			size_t cut;

			po.markdown = md;
			if (pl_notify_payload((enum pl_notify_channel)ch, &m, &po, &b, &cut, err,
					      sizeof(err)) != 0)
				abort();
			doc = pl_json_parse(b.data, b.len, err, sizeof(err));
			if (doc == NULL)
				abort();
			json_object_put(doc);
		}
	pl_buf_reset(&b);
	pl_notify_mail(&m, "f@example.com", to, 1, "Thu, 01 Jan 1970 00:00:00 +0000", "<x@y>",
		       &b);
	for (const char *p = pl_buf_str(&b), *e; *p != '\0'; p = e + 2) {
		e = strstr(p, "\r\n");
		if (e == NULL || e - p > 998)
			abort();
	}
	pl_buf_free(&o);
	pl_buf_free(&c);
	pl_buf_free(&h);
	pl_buf_free(&b);
	return 0;
}
