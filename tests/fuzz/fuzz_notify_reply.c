/* Fuzz target: the chat platforms' replies (pl_notify_reply_parse) for every channel and
 * a spread of HTTP statuses, and Retry-After values (pl_notify_retry_after), over the same
 * input (not NUL-terminated for the reply). None may crash or read past the input; the
 * outcome is one of the three, the line is one line of text, and a 2xx "sent" carries no
 * line.
 * fuzz-libs: json-c libcrypto
 * fuzz-seeds: none (hand-written seeds in seeds/notify_reply/) */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pl_notify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const long statuses[] = { 200, 204, 400, 404, 429, 500, 0 };
	char *copy = malloc(size > 0 ? size : 1);
	char *str = malloc(size + 1);
	struct pl_notify_reply r;

	if (copy == NULL || str == NULL)
		abort();
	if (size > 0)
		memcpy(copy, data, size);
	for (int ch = PL_NC_DINGTALK; ch <= PL_NC_MAIL; ch++)
		for (size_t s = 0; s < sizeof(statuses) / sizeof(statuses[0]); s++) {
			pl_notify_reply_parse((enum pl_notify_channel)ch, statuses[s], copy, size, &r);
			if (r.outcome != PL_NO_SENT && r.outcome != PL_NO_RETRY &&
			    r.outcome != PL_NO_FAIL)
				abort();
			if (memchr(r.line, '\0', sizeof(r.line)) == NULL)
				abort();
			if (strchr(r.line, '\n') != NULL || strchr(r.line, '\r') != NULL)
				abort();
			if (r.outcome == PL_NO_SENT && r.line[0] != '\0')
				abort();
			if (r.outcome == PL_NO_FAIL && r.line[0] == '\0' && ch != PL_NC_MAIL)
				abort();
		}
	memcpy(str, data, size);
	str[size] = '\0';
	{
		double w = pl_notify_retry_after(str, 1700000000);

		if (!(w == -1 || w >= 0))
			abort();
	}
	free(copy);
	free(str);
	return 0;
}
