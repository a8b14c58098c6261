/* pl_eve: the JSON lines of intrusion detection, as data (json-c, through pl_json).
 *
 *   - Suricata's eve.json: "alert" events (alert.severity, alert.signature,
 *     alert.category, src_ip, dest_ip, timestamp) and "stats" events (timestamp,
 *     stats.uptime, stats.capture.kernel_packets and kernel_drops); every other
 *     event_type is "other".
 *   - Snort 3's alert_json: one alert per line (priority, msg, class, src_addr or
 *     src_ap, dst_addr or dst_ap); its default fields lack msg and priority, which are
 *     then "" and -1.
 *   - Wazuh's (and OSSEC's) alerts.json: one alert per line, rule.level 0..15,
 *     rule.description, rule.groups[0], data.srcip, agent.name.
 *
 * A cheap pre-filter (pl_eve_prefilter) tells the eve.json lines that cannot be an
 * alert or a stats event without parsing them: Suricata writes a flat
 * "event_type":"TYPE" once per line. It is exact: a line is left unparsed only when it
 * holds the quoted key "event_type" exactly once, written as "event_type":"TYPE" with a
 * TYPE of plain characters that is neither alert nor stats; a line without the key, with
 * it twice, spaced or escaped, is parsed. (A key spelt with escapes, "event\u005ftype",
 * beside a plain one is the one case it would take the plain one's word for.)
 *
 * Each function takes one line (need not be NUL-terminated), fills the caller's struct
 * (strings copied, cut) and frees what json-c made. */
#ifndef PL_EVE_H
#define PL_EVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pl_ids.h"

enum pl_eve_type {
	PL_EVE_MALFORMED = -1,        /* not a JSON object */
	PL_EVE_OTHER = 0,             /* flow, dns, http, ...: not counted */
	PL_EVE_ALERT = 1,
	PL_EVE_STATS = 2,
};

struct pl_eve_stats {
	bool has_time;
	struct pl_time time;
	double uptime;                /* seconds; -1 when not given */
	bool has_capture;             /* kernel_packets and kernel_drops both given */
	uint64_t kernel_packets, kernel_drops;
};

/* PL_EVE_OTHER when the line surely is neither an alert nor a stats event (see above),
 * else PL_EVE_ALERT (it must be parsed to tell). */
enum pl_eve_type pl_eve_prefilter(const char *line, size_t len);

/* Parses one eve.json line. An alert fills *a, a stats event *s. Returns its type; on
 * PL_EVE_MALFORMED err says why (pl_json_parse's words, or "not an object"). An alert
 * without alert.severity has severity -1. */
enum pl_eve_type pl_eve_parse(const char *line, size_t len, struct pl_ids_alert *a,
			      struct pl_eve_stats *s, char *err, size_t errlen);

/* One alert_json line of Snort 3 into *a. Returns 0, or -1 with why in err. */
int pl_snort_json_parse(const char *line, size_t len, struct pl_ids_alert *a, char *err,
			size_t errlen);

/* One alerts.json line of Wazuh or OSSEC into *a (severity: rule.level). Returns 0, or
 * -1 with why in err (not JSON, no integer rule.level in 0..15). */
int pl_wazuh_parse(const char *line, size_t len, struct pl_ids_alert *a, char *err,
		   size_t errlen);

#endif
