/* Fuzz target: the ClamAV parsers over arbitrary bytes: clamd's VERSION reply, a database
 * header, a scan log's summary and a clamd.conf setting. A refusal says why, with no raw
 * control byte; a reading is consistent (an engine version, a date of 24 bytes).
 * fuzz-seeds: clamav/version clamav/daily.cvd clamav/scan.log clamav/clamd.conf */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pl_clamav.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* True when s holds a control, DEL or non-ASCII byte. */
static int
raw_bytes(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p >= 0x7f)
			return 1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct pl_clamd_version v;
	struct pl_cvd_header h;
	struct pl_scan_summary s;
	char err[256], val[64], shown[200];

	if (pl_clamd_version_parse(buf, size, &v, err, sizeof(err)) != 0) {
		if (err[0] == '\0' || raw_bytes(err))
			abort();
	} else {
		if (v.engine[0] == '\0' || raw_bytes(v.engine))
			abort();
		if (v.has_daily && strlen(v.date) != 24)
			abort();
		if (!v.has_daily && v.daily != 0)
			abort();
	}
	if (pl_cvd_header_parse(buf, size, &h, err, sizeof(err)) != 0) {
		if (err[0] == '\0' || raw_bytes(err))
			abort();
	} else {
		if (size < PL_CVD_HEADER || raw_bytes(h.builder))
			abort();
		if (h.built.nsec != 0)
			abort();
	}
	if (pl_scan_summary_parse(buf, size, &s, err, sizeof(err)) != 0) {
		if (err[0] == '\0' || raw_bytes(err) || s.found)
			abort();
	} else if (s.found != (s.summaries > 0)) {
		abort();
	}
	switch (pl_clamd_conf_get(buf, size, "LocalSocket", val, sizeof(val))) {
	case 1:
		if (val[0] == '\0' || strlen(val) >= sizeof(val))
			abort();
		break;
	case 0:
	case -1:
		break;
	default:
		abort();
	}
	pl_clamav_show(shown, sizeof(shown), buf, size);
	if (raw_bytes(shown) || strlen(shown) > 48 * 4 + 3)
		abort();
	return 0;
}
