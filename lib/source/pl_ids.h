/* pl_ids: the text formats of intrusion detection, as data. Pure functions over one
 * line (or one reply), never reading a file; the JSON formats (Suricata's eve.json,
 * Snort's alert_json, Wazuh's alerts.json) are in lib/ext/pl_eve, on json-c.
 *
 *   - Snort's alert_fast line (Snort 2.9 and Snort 3; the manual's "fast" alert):
 *       12/01-10:00:01.123456  [**] [1:2100498:7] GPL ATTACK_RESPONSE id check returned
 *       root [**] [Classification: Potentially Bad Traffic] [Priority: 2] {TCP}
 *       192.0.2.1:80 -> 198.51.100.2:34567
 *     (one line; Snort 3 quotes the message: [1:1000001:1] "msg"). Classification and
 *     priority may be missing (a rule without classtype), as may the ports (ICMP).
 *   - sshd's failed logins in an auth log ("Failed password for [invalid user ]U from
 *     A port P ssh2", any "Failed METHOD", "Invalid user U from A port P", rsyslog's
 *     "message repeated N times: [ ... ]"), from a syslog line (sshd[PID]: or
 *     sshd-session[PID]:, after a BSD or an RFC 3339 time stamp) or from a journal
 *     entry's MESSAGE;
 *   - fail2ban's own log: "[JAIL] Ban ADDR" and "[JAIL] Unban ADDR" of fail2ban.actions
 *     ("Restore Ban" after a restart is not a new ban);
 *   - fail2ban-client's "banned" reply, a Python literal:
 *       [{'sshd': ['192.0.2.10', '198.51.100.7']}, {'recidive': []}]
 *
 * Strings handed back are copies, cut to their buffers, NUL-terminated; a NUL in the
 * input ends nothing early except where said. */
#ifndef PL_IDS_H
#define PL_IDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pl_clock.h"

#define PL_IDS_SIG 200
#define PL_IDS_ADDR 64
#define PL_IDS_USER 64
#define PL_IDS_JAIL 64

/* One alert, whatever wrote it. */
struct pl_ids_alert {
	int severity;                 /* Suricata severity, Snort priority, Wazuh level;
				       * -1: the alert has none */
	char signature[PL_IDS_SIG];   /* the rule's message; "" when not given */
	char category[PL_IDS_SIG];    /* classification / category / first group */
	char src[PL_IDS_ADDR];        /* source address, "" when not given */
	char dest[PL_IDS_ADDR];
	bool has_time;
	struct pl_time time;
};

/* Parses one alert_fast line (without its newline). Returns 0, or -1 when the line is
 * not one (no "[**] [G:S:R]" part, an unterminated field). */
int pl_snort_fast_parse(const char *line, size_t len, struct pl_ids_alert *a);

/* The time stamp that starts an alert_fast line: "MM/DD-HH:MM:SS[.ffffff]" (Snort 2.9
 * and 3 by default: no year) or "MM/DD/YY-HH:MM:SS[.ffffff]" (snort -y). Snort writes
 * local time (utc false: read in the TZ of the check; true: snort -U). Without a year,
 * the year is now's, or the one before when that would put the alert more than a day
 * after now (an alert of Dec 31 read on Jan 1): an alert is never taken as from the
 * future beyond a day's clock skew. Returns 0 and *out, or -1 (no such stamp, a date
 * that does not exist). */
int pl_snort_fast_time(const char *line, size_t len, const struct pl_time *now, bool utc,
		       struct pl_time *out);

enum pl_auth_kind { PL_AUTH_NONE = 0, PL_AUTH_FAILED, PL_AUTH_INVALID_USER };

struct pl_auth_event {
	enum pl_auth_kind kind;
	bool invalid_user;            /* a failure for a user that does not exist */
	unsigned count;               /* 1, or N of "message repeated N times" */
	char user[PL_IDS_USER];
	char addr[PL_IDS_ADDR];
};

/* A syslog line: sshd's message after its tag. Returns the kind (PL_AUTH_NONE for any
 * other line, an other program's too). */
enum pl_auth_kind pl_auth_line(const char *line, size_t len, struct pl_auth_event *e);
/* sshd's message alone (a journal entry's MESSAGE). */
enum pl_auth_kind pl_auth_msg(const char *msg, size_t len, struct pl_auth_event *e);

enum pl_f2b_kind { PL_F2B_NONE = 0, PL_F2B_BAN, PL_F2B_UNBAN };

struct pl_f2b_event {
	enum pl_f2b_kind kind;
	char jail[PL_IDS_JAIL];
	char addr[PL_IDS_ADDR];
};

/* One line of fail2ban's log. Returns the kind (PL_F2B_NONE for any other line). */
enum pl_f2b_kind pl_f2b_log_line(const char *line, size_t len, struct pl_f2b_event *e);

#define PL_F2B_JAILS 256          /* jails kept from a reply */
#define PL_F2B_ADDRS 8            /* addresses kept per jail (all are counted) */

struct pl_f2b_jail {
	char name[PL_IDS_JAIL];
	size_t banned;                /* addresses banned now */
	size_t naddr;                 /* kept in addr, at most PL_F2B_ADDRS */
	char addr[PL_F2B_ADDRS][PL_IDS_ADDR];
};

struct pl_f2b_banned {
	struct pl_f2b_jail *v;        /* owned: pl_f2b_banned_free */
	size_t n;
	size_t more;                  /* jails beyond PL_F2B_JAILS, counted only */
	size_t more_banned;           /* their banned addresses */
};

/* Parses fail2ban-client's "banned" reply (trailing white space allowed). Returns 0, or
 * -1 with why in err: not that shape, an unterminated string, out of memory. */
int pl_f2b_banned_parse(const char *buf, size_t len, struct pl_f2b_banned *out, char *err,
			size_t errlen);
void pl_f2b_banned_free(struct pl_f2b_banned *b);

/* An IDS's time stamp: RFC 3339, or Suricata's and Wazuh's "+hhmm" offset without its
 * colon ("2026-12-01T10:00:01.123456+0000"). Returns 0, or -1. */
int pl_ids_time_parse(const char *s, size_t len, struct pl_time *out);

#endif
