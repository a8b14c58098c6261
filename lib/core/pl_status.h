/* pl_status: the customers' status page of plumbline-status, from the engine's current
 * state (pl_engstate records, one at a time) and a catalogue the admin writes of the
 * services customers know, each a public name over the engine's hosts and services:
 *
 *     # PUBLIC NAME = HOST!SERVICE, HOST!SERVICE, HOST (fnmatch globs in each part)
 *     Website = web1!HTTPS, web2!HTTPS
 *     Email = mail*!SMTP, mail*!IMAP
 *
 * A member "HOST" alone is the host's own state. Nothing else of the engine reaches the
 * page: no host or service name, address or plugin output, only the public names, a
 * status in plain words and times. Incidents (a service degraded, partly or wholly out,
 * or under scheduled maintenance) are remembered across runs in the state store, so the
 * page lists the current ones with their start and the last ones that ended.
 *
 * A member's state counts once the engine holds it as a hard state (a soft one is a
 * retry not yet confirmed); one in scheduled downtime counts as maintenance; one never
 * checked, or UNKNOWN, tells nothing (all members so: the service's status is unknown). */
#ifndef PL_STATUS_H
#define PL_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pl_buf.h"
#include "pl_engstate.h"

/* Worst last: the page's overall status is the highest. */
enum pl_st_level {
	PL_ST_OPERATIONAL = 0,
	PL_ST_UNKNOWN,        /* no member told (never checked, UNKNOWN, no data) */
	PL_ST_MAINTENANCE,    /* a member down within scheduled downtime */
	PL_ST_DEGRADED,       /* a member WARNING */
	PL_ST_PARTIAL,        /* some members CRITICAL or DOWN, not all */
	PL_ST_OUTAGE,         /* every member that told is CRITICAL or DOWN */
	PL_ST_NLEVELS
};

#define PL_ST_NAME_MAX 80      /* bytes of a public name */
#define PL_ST_SERVICES_MAX 500 /* services in a catalogue */
#define PL_ST_MEMBERS_MAX 200  /* members of one service */

struct pl_st_member {
	char *host;              /* a glob */
	char *service;           /* a glob, or NULL: the host itself */
	bool host_glob, service_glob;   /* has a glob character (else compared as is) */
	size_t matched;          /* records it matched this run */
};

struct pl_st_service {
	char *name;
	struct pl_st_member *m;
	size_t nm;
	/* what this run's records said */
	size_t matched, ok, warn, crit, maint, silent;
	bool all_acked;          /* every member with a problem is acknowledged */
	int64_t since;           /* earliest last_state_change of a member with a problem */
	int64_t recovered;       /* latest last_state_change of a member that is fine */
	int64_t newest;          /* newest last_check of its members (none from the future) */
	bool stale;              /* newest older than the page's --max-age (pl_st_judge) */
	enum pl_st_level level;  /* pl_st_judge's */
};

struct pl_st_catalog {
	struct pl_st_service *v;
	size_t n;
	int64_t now;             /* set before pl_st_feed: a last_check later than now +
				  * PL_ST_SKEW (a wrong clock) freshens nothing */
};

#define PL_ST_SKEW 300
#define PL_ST_TIME_MAX INT64_C(253402300799)   /* 9999-12-31T23:59:59Z */

/* Parses the catalogue (name for messages). 0, or -1 with err naming the line. */
int pl_st_catalog_parse(const char *text, size_t len, const char *name,
			struct pl_st_catalog *cat, char *err, size_t errlen);
void pl_st_catalog_free(struct pl_st_catalog *cat);

/* Counts one engine record into every service it is a member of. */
void pl_st_feed(struct pl_st_catalog *cat, const struct pl_engstate *rec);
/* Sets each service's level from what was fed; available false (the engine could not
 * be read): every one is unknown, and so is each service whose members' newest check is
 * older than max_age seconds before cat->now (their checks stopped: stale, never old
 * green shown as current). */
void pl_st_judge(struct pl_st_catalog *cat, bool available, int64_t max_age);
/* The newest check of any service's members (0: none): the data's time. */
int64_t pl_st_data_time(const struct pl_st_catalog *cat);

/* The word (status.json's, never translated) and the plain words (translated). */
const char *pl_st_level_key(enum pl_st_level l);
const char *pl_st_level_text(enum pl_st_level l);
/* The level of a key, or -1. */
int pl_st_level_of(const char *key);

/* An incident: a service's problem from start to end (0: still open), at its worst
 * level. */
struct pl_st_incident {
	char name[PL_ST_NAME_MAX + 1];
	enum pl_st_level level;
	int64_t start, end;
	bool acked;              /* open ones: the team is on it */
};

struct pl_st_history {
	struct pl_st_incident *v;   /* open ones first (by name), then ended, newest first */
	size_t n, cap;
};

/* The stored form of an incident's text ("LEVEL START END ACKED") and back (0 or -1). */
void pl_st_incident_format(const struct pl_st_incident *in, char *buf, size_t len);
int pl_st_incident_parse(const char *name, const char *text, struct pl_st_incident *out);
int pl_st_history_add(struct pl_st_history *h, const struct pl_st_incident *in);
/* This run into the history: an incident opened for each service now with a problem
 * (its start the members' last state change, when earlier than now), worsened or
 * acknowledged while it lasts, ended (now) once the service is operational again; an
 * unknown service changes nothing. Keeps at most keep ended incidents, none that ended
 * more than max_age seconds ago. -1 when memory ran out. */
int pl_st_history_update(struct pl_st_history *h, const struct pl_st_catalog *cat,
			 int64_t now, size_t keep, int64_t max_age);
void pl_st_history_free(struct pl_st_history *h);

/* What the page shows beside the services. */
struct pl_st_page {
	const char *title;
	const char *lang;        /* the HTML lang attribute ("en", "zh-CN") */
	int64_t now;             /* when the page was made */
	int64_t data_time;       /* the engine's newest check (0: none) */
	bool available;          /* false: the engine could not be read or is stale */
	const char *why;         /* when not available: for the page, in plain words */
	int tz_offset;           /* seconds east of UTC for the times shown */
	int refresh;             /* seconds of the page's meta refresh; 0: none */
};

/* The overall level: the worst of the services'. */
enum pl_st_level pl_st_overall(const struct pl_st_catalog *cat);
/* The page as one self-contained HTML file (no script, no outside resource), and as
 * JSON (contrib/schema/status.schema.json). */
void pl_st_render_html(const struct pl_st_page *pg, const struct pl_st_catalog *cat,
		       const struct pl_st_history *h, struct pl_buf *out);
void pl_st_render_json(const struct pl_st_page *pg, const struct pl_st_catalog *cat,
		       const struct pl_st_history *h, struct pl_buf *out);

#endif
