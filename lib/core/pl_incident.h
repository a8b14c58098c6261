/* pl_incident: a monitoring engine's history (pl_event records, in the order they
 * happened) turned into incidents, downtimes and the figures of the supervision review.
 *
 * An incident is one problem of one host or service: it opens at the first non-OK HARD
 * state (after an OK one, or the first time the object is seen) and closes at the next OK
 * or UP state (hard or soft). Its first detection is the first SOFT non-OK state of the
 * run of check results that led to it (or the hard state, when no soft one came first;
 * or, flagged restated, the state Nagios restated at a start or a log rotation, when
 * that is the first word of the problem: it may have begun earlier).
 *
 * Inside an incident:
 * - the first notification is the first PROBLEM notification; the contacts notified with
 *   it (the same notification number when the engine says it, else within
 *   PL_INC_BATCH_S seconds of it) are its recipients;
 * - an escalation is a later PROBLEM notification to a contact not notified before in
 *   this incident (Nagios logs the contact, never the escalation that chose it; a
 *   re-notification to someone already told is not an escalation);
 * - the acknowledgement is the first acknowledgement (the ACKNOWLEDGE_*_PROBLEM
 *   command, or the acknowledgement's notification when the command was not logged);
 * - the severity is the worst hard state seen (CRITICAL or DOWN above UNKNOWN or
 *   UNREACHABLE above WARNING);
 * - time to acknowledge and time to recover are counted from the first detection.
 * Each step keeps the plugin output of the moment (at most PL_INC_STEPS steps; more are
 * counted, not kept).
 *
 * Downtimes are the intervals between a DOWNTIME STARTED and its STOPPED or CANCELLED
 * (nested ones counted as one); a host's downtime covers its services too. An outage, for
 * availability, is an incident's hard time to its recovery (or the end of the period).
 *
 * Memory: every object seen and every incident is kept (a month of a fleet's history
 * has some thousands); strings are copied. Out of memory makes pl_inc_event return -1
 * and sets oom. */
#ifndef PL_INCIDENT_H
#define PL_INCIDENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pl_event.h"

#define PL_INC_STEPS 256
#define PL_INC_BATCH_S 2

enum pl_step_kind {
	PL_STEP_SOFT = 1,     /* a soft non-OK state (the first is the detection) */
	PL_STEP_HARD,         /* the hard state (the first opens the incident) */
	PL_STEP_NOTIFY,       /* the first notification, to one contact */
	PL_STEP_RENOTIFY,     /* a problem notification again, to someone told before */
	PL_STEP_ESCALATE,     /* a problem notification to a contact not told before */
	PL_STEP_ACK,          /* the acknowledgement (later ones too) */
	PL_STEP_DOWNTIME_START, PL_STEP_DOWNTIME_END,
	PL_STEP_FLAP_START, PL_STEP_FLAP_END,
	PL_STEP_RECOVER,      /* the OK state that ended it */
	PL_STEP_RECOVERY_NOTIFY,
};

struct pl_inc_step {
	int64_t time;
	enum pl_step_kind kind;
	int state;            /* 0-3, -1 when not a state */
	char *state_word;     /* "CRITICAL", "" */
	char *who;            /* the contact or the author; "" */
	char *text;           /* the plugin output, or the comment */
};

struct pl_incident {
	char id[40];          /* "20261202-143000-h1a2b3c4" (UTC time of detection, hash) */
	char *host;
	char *service;        /* NULL: a host's */
	int severity;         /* the worst hard state (1 WARNING, 2 CRITICAL, 3 UNKNOWN) */
	char *severity_word;
	int64_t detected;     /* first soft non-OK, or the hard time */
	bool restated;        /* first seen in a restated state (may have begun earlier) */
	int64_t hard;
	int64_t notified;     /* 0: never */
	char *notified_to;    /* the first notification's contacts, ", " between */
	int64_t notify_key;   /* its notification number; 0 when not said */
	int64_t acked;        /* 0: never */
	char *ack_author, *ack_comment;
	int64_t recovered;    /* 0: still open at the end of the history */
	char *detect_output, *hard_output, *recover_output;
	size_t nescalations;
	char *escalated_to;   /* every escalation's contact, ", " between */
	char **contacts;      /* every contact notified of the problem */
	size_t ncontacts;
	struct pl_inc_step *steps;
	size_t nsteps, capsteps, steps_dropped;
};

#define PL_INC_PENDING 64

struct pl_inc_pending {
	int64_t time, number;
	int state;
	char *word, *contact, *output;
};

struct pl_interval {
	int64_t from, to;
	bool open;            /* still running at the end of the history */
};

struct pl_inc_object {
	char *host;
	char *service;        /* NULL: the host */
	int state;            /* the last state seen (mapped), -1 none */
	bool hard;
	int64_t soft_since;   /* first soft non-OK of the current run, 0 none */
	int soft_state;
	char *soft_output;
	long open;            /* index of its open incident, -1 none */
	int dt_depth;
	int64_t dt_start;
	struct pl_interval *downtimes;
	size_t ndowntimes, capdowntimes;
	bool flapping;
	/* Problem notifications logged before the hard state that opens the incident
	 * (Nagios writes the notification first, in the same second): kept until it
	 * opens, at most PL_INC_PENDING. */
	struct pl_inc_pending *pending;
	size_t npending;
};

struct pl_incidents {
	struct pl_inc_object *objs;
	size_t nobjs, capobjs;
	size_t *index;        /* open hash of objs by host and service */
	size_t capindex;
	struct pl_incident *inc;
	size_t ninc, capinc;
	int64_t first, last;  /* the times of the first and last events */
	size_t stray;         /* events of a kind that needs an open incident without one */
	bool oom;
};

void pl_inc_init(struct pl_incidents *s);
void pl_inc_free(struct pl_incidents *s);
/* A pl_event_cb: takes one event (arg is the struct pl_incidents). 0, or -1 out of
 * memory. */
int pl_inc_event(const struct pl_event *ev, void *arg);
/* At the end of the history: downtimes still running are closed at end (marked open). */
void pl_inc_finish(struct pl_incidents *s, int64_t end);

/* The incident of that ID, or NULL. */
const struct pl_incident *pl_inc_find(const struct pl_incidents *s, const char *id);
/* The incident of host (and service, NULL for the host) that was open at t (detected at
 * or before t, recovered at or after it, or never); else the last one detected before t;
 * NULL when none. */
const struct pl_incident *pl_inc_at(const struct pl_incidents *s, const char *host,
				    const char *service, int64_t t);
/* The object of host and service, or NULL. */
const struct pl_inc_object *pl_inc_object(const struct pl_incidents *s, const char *host,
					  const char *service);

/* Names: "soft", "hard", "notified", ...; the word of a state (mapped) of a host
 * ("UP", "DOWN", "UNREACHABLE") or a service ("OK" .. "UNKNOWN"). */
const char *pl_step_name(enum pl_step_kind k);
/* The same, translated: for the text and HTML reports (JSON gives pl_step_name). */
const char *pl_step_title(enum pl_step_kind k);
const char *pl_inc_word(bool host, int state);

/* ------------------------------------------------------------------ business hours */

/* Which hours count: days (bit 0 Sunday .. bit 6 Saturday, as tm_wday) and a daily
 * window [start, end) in minutes after local midnight. set false: every hour. */
struct pl_hours {
	bool set;
	unsigned days;
	int start, end;
};

/* "mon-fri,08:00-18:00", "mon,wed,fri,09:00-17:30", "sat-sun,00:00-24:00": 0, or -1
 * with why in err (never quoting s). */
int pl_hours_parse(const char *s, struct pl_hours *h, char *err, size_t errlen);
/* Seconds of [a, b) inside the hours, in local time (TZ); b - a when !h->set. */
int64_t pl_hours_overlap(const struct pl_hours *h, int64_t a, int64_t b);

/* ------------------------------------------------------------------ roles */

/* Contacts mapped to roles: lines "CONTACT = ROLE" ('#' starts a comment line); a
 * contact not named is its own role. */
struct pl_roles {
	char **contact, **role;
	size_t n;
};

int pl_roles_parse(const char *buf, size_t len, struct pl_roles *r, char *err, size_t errlen);
void pl_roles_free(struct pl_roles *r);
const char *pl_roles_of(const struct pl_roles *r, const char *contact);

/* ------------------------------------------------------------------ the review */

struct pl_avail {
	const struct pl_inc_object *obj;
	int64_t period;       /* seconds of the period counted (business hours only, if so) */
	int64_t downtime;     /* of those, in scheduled downtime (not counted) */
	int64_t outage;       /* of the rest, in a hard problem */
	double percent;       /* 100 * (period - downtime - outage) / (period - downtime);
			       * -1 when nothing was counted */
	size_t incidents;     /* incidents detected in the period */
};

/* Availability of obj over [from, to) (from clipped to the start of the history). */
void pl_inc_availability(const struct pl_incidents *s, const struct pl_inc_object *obj,
			 int64_t from, int64_t to, const struct pl_hours *h,
			 struct pl_avail *out);

struct pl_role_stat {
	char *role;
	size_t incidents;     /* incidents in the period in which the role was notified */
	size_t escalated;     /* ... in which it was escalated to */
	size_t acked, recovered;
	double mtta, mttr;    /* seconds, means over acked / recovered ones; -1 none */
};

struct pl_review {
	int64_t from, to;     /* the period, as counted */
	struct pl_avail *avail;         /* every object, hosts and services */
	size_t navail;
	struct pl_role_stat *roles;
	size_t nroles;
	size_t by_severity[4];          /* incidents detected in the period, by severity */
	size_t incidents;
	size_t acked, recovered;
	double mtta, mttr;              /* over all incidents of the period; -1 none */
	const struct pl_incident **open; /* faults open at the end of the period */
	size_t nopen;
	const struct pl_incident **in_period;   /* detected in [from, to), in order */
	size_t nin;
};

/* The review of [from, to): 0, or -1 out of memory. */
int pl_inc_review(const struct pl_incidents *s, int64_t from, int64_t to,
		  const struct pl_hours *h, const struct pl_roles *roles, struct pl_review *out);
void pl_review_free(struct pl_review *r);

/* ------------------------------------------------------------------ fault notes */

/* The technician's part of a fault report, from a file beside it: "key: value" lines;
 * a line that starts with a blank continues the value before it; '#' starts a comment
 * line. Keys (case-insensitive): cause, handling, impact ("business impact"),
 * prevention, author, reviewed. Other keys are kept in order in extra. */
struct pl_fault_notes {
	char *cause, *handling, *impact, *prevention, *author, *reviewed;
	char **extra_key, **extra_val;
	size_t nextra;
	size_t bad_lines;     /* lines that are neither "key: value" nor a continuation */
};

int pl_notes_parse(const char *buf, size_t len, struct pl_fault_notes *n, char *err,
		   size_t errlen);
void pl_notes_free(struct pl_fault_notes *n);

#endif
