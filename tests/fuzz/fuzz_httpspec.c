/* Fuzz target: check_url's parsers of outside data over arbitrary bytes: a status code
 * list and a status map (from the command line or an option file), a status line (from
 * the server) and a certificate's expiry time (from the server's certificate, as libcurl
 * prints it). A refusal says why and leaves the list as it was; a reading is in range.
 * fuzz-seeds: http/status-lines http/certinfo-chain.txt */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pl_httpspec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct pl_http_codes c;
	struct pl_http_map m;
	char err[256], ver[8], reason[64], text[512];
	int code;
	int64_t t;

	memset(&c, 0, sizeof(c));
	if (pl_http_codes_parse(buf, size, &c, err, sizeof(err)) != 0) {
		if (err[0] == '\0' || c.n != 0)
			abort();
	} else {
		if (c.n == 0 || c.n > PL_HTTP_CODES_MAX)
			abort();
		for (size_t i = 0; i < c.n; i++)
			if (c.v[i].lo < 100 || c.v[i].hi > 999 || c.v[i].lo > c.v[i].hi)
				abort();
		pl_http_codes_format(&c, text, sizeof(text));
		if (text[0] == '\0')
			abort();
	}
	memset(&m, 0, sizeof(m));
	if (pl_http_map_parse(buf, size, &m, err, sizeof(err)) != 0) {
		if (err[0] == '\0' || m.n != 0)
			abort();
	} else {
		for (size_t i = 0; i < m.n; i++)
			if (m.v[i].lo < 100 || m.v[i].hi > 999 || m.v[i].state > PL_UNKNOWN)
				abort();
		if (pl_http_judge(404, &m, &c, NULL) > PL_UNKNOWN)
			abort();
	}
	if (pl_http_status_line(buf, size, &code, ver, sizeof(ver), reason, sizeof(reason)) == 0) {
		if (code < 100 || code > 999 || strlen(ver) >= sizeof(ver))
			abort();
		for (const unsigned char *p = (const unsigned char *)reason; *p; p++)
			if (*p < 0x20 || *p >= 0x7f)
				abort();
	}
	if (pl_http_cert_time(buf, size, &t, err, sizeof(err)) != 0) {
		if (err[0] == '\0')
			abort();
	} else if (t < -62167219200LL || t > 253402300800LL) {
		abort();   /* outside years 0000..9999 */
	}
	return 0;
}
