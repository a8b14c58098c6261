/* pl_clamav: what ClamAV says about itself, as pure parsers over a buffer.
 *
 *   - clamd's reply to VERSION: "ClamAV 1.0.7/27472/Mon Dec  1 09:30:00 2026" (engine,
 *     the version of the loaded daily database, its build time as ctime() in clamd's
 *     time zone), or "ClamAV 1.4.6" alone when no daily.* database is loaded;
 *   - the 512-byte header of a .cvd/.cld/.cud database:
 *     "ClamAV-VDB:01 Dec 2026 09-30 +0000:27472:2:216:MD5:DSIG:builder:STIME" padded
 *     with spaces (the build time is strftime "%d %b %Y %H-%M %z");
 *   - the summary clamscan and clamdscan print at the end of a scan
 *     ("----------- SCAN SUMMARY -----------", "Infected files: N", ...);
 *   - one setting of clamd.conf ("LocalSocket /run/clamav/clamd.ctl").
 *
 * None of them prints, allocates or reads a file; each returns 0, or -1 with why in err
 * (the message quotes nothing raw: bytes it shows are escaped, and cut). */
#ifndef PL_CLAMAV_H
#define PL_CLAMAV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pl_clock.h"

/* The size of a database header. */
#define PL_CVD_HEADER 512

struct pl_clamd_version {
	char engine[32];           /* "1.0.7" */
	bool has_daily;            /* false: "ClamAV 1.4.6" alone (no daily.* loaded) */
	uint64_t daily;            /* 27472 */
	char date[32];             /* "Mon Dec  1 09:30:00 2026" as clamd printed it */
	struct pl_time built;      /* that date read as UTC (clamd prints its local time) */
};

/* Parses clamd's VERSION reply (len bytes; a trailing NUL or newline is allowed). */
int pl_clamd_version_parse(const char *buf, size_t len, struct pl_clamd_version *out,
			   char *err, size_t errlen);

struct pl_cvd_header {
	struct pl_time built;      /* field 1, "01 Dec 2026 09-30 +0000", with its offset */
	uint64_t version;          /* field 2 */
	uint64_t sigs;             /* field 3 */
	unsigned level;            /* field 4, the functionality level */
	char builder[32];          /* field 7, escaped and cut; "" when absent */
};

/* Parses a database header: the first min(len, 512) bytes of the file. Fewer than 512
 * bytes is an error (a cut file), as is a magic other than "ClamAV-VDB". */
int pl_cvd_header_parse(const char *buf, size_t len, struct pl_cvd_header *out, char *err,
			size_t errlen);

struct pl_scan_summary {
	bool found;                /* a "Infected files:" line was seen */
	uint64_t infected;         /* of the LAST summary in the buffer */
	bool has_scanned;
	uint64_t scanned;          /* "Scanned files: N" of that summary */
	uint64_t summaries;        /* how many summaries the buffer holds */
};

/* Reads the last scan summary of a clamscan/clamdscan log. A log without one is no
 * error (found false); a "Infected files:" line without a number is. */
int pl_scan_summary_parse(const char *buf, size_t len, struct pl_scan_summary *out,
			  char *err, size_t errlen);

/* The value of the last uncommented "key value" line of a clamd.conf (key matched
 * exactly, case-sensitively, as clamd does) into out (NUL-terminated). Returns 1 when
 * found, 0 when not, -1 when the value does not fit in outlen. */
int pl_clamd_conf_get(const char *buf, size_t len, const char *key, char *out,
		      size_t outlen);

/* The first n bytes at p for a message, into out (NUL-terminated): printable ASCII kept,
 * a backslash and anything else (NUL included) as \xHH, cut after 48 bytes of input with
 * "..." after. 200 bytes of out always suffice. */
void pl_clamav_show(char *out, size_t outlen, const char *p, size_t n);

#endif
