/* pl_event: one thing that happened to a host or a service, as a monitoring engine's
 * history tells it: a state change (hard or soft), a notification to a contact, an
 * acknowledgement, the start or end of a downtime or of flapping, or a state as the
 * engine restated it (Nagios' INITIAL/CURRENT STATE lines at a start or a log rotation).
 *
 * The history readers (pl_nagioslog for Nagios' nagios.log; Icinga 2's event stream
 * later) hand these records to a callback one at a time, in the order they happened;
 * pl_incident turns them into incidents. The strings belong to the reader and are valid
 * only during the callback (copy what is kept); absent text is "" (never NULL), except
 * service, which is NULL for a host. A host's state is mapped onto the plugin states
 * as pl_engstate does: UP is OK (0), DOWN is CRITICAL (2), UNREACHABLE is UNKNOWN (3). */
#ifndef PL_EVENT_H
#define PL_EVENT_H

#include <stdbool.h>
#include <stdint.h>

enum pl_event_kind {
	PL_EV_STATE = 1,     /* a check result that changed the state, or a soft retry */
	PL_EV_RESTATE,       /* the state as restated at a start or log rotation */
	PL_EV_NOTIFY,        /* a notification sent to one contact */
	PL_EV_ACK,           /* a problem acknowledged */
	PL_EV_DOWNTIME,      /* a downtime started, stopped or was cancelled */
	PL_EV_FLAPPING,      /* flapping started, stopped or its detection was disabled */
};

/* What a notification was about: the engines' types. */
enum pl_notify_type {
	PL_NT_PROBLEM = 1, PL_NT_RECOVERY, PL_NT_ACK, PL_NT_CUSTOM, PL_NT_DOWNTIMESTART,
	PL_NT_DOWNTIMEEND, PL_NT_DOWNTIMECANCELLED, PL_NT_FLAPPINGSTART, PL_NT_FLAPPINGSTOP,
	PL_NT_FLAPPINGDISABLED, PL_NT_OTHER,
};

/* Of a downtime or flapping event. */
enum pl_event_phase { PL_PH_START = 1, PL_PH_STOP, PL_PH_CANCEL };

struct pl_event {
	enum pl_event_kind kind;
	int64_t time;              /* seconds since the epoch */
	const char *host;
	const char *service;       /* NULL: the host itself */
	int state;                 /* 0-3 (a host's mapped, see above); -1 when not said */
	int engine_state;          /* as the engine says it (a host's 0 UP, 1 DOWN, 2 UNR.) */
	const char *state_word;    /* "CRITICAL", "DOWN", ... ("" when not said) */
	bool hard;                 /* STATE, RESTATE: a hard state */
	int attempt;               /* STATE: the check attempt (0 when not said) */
	const char *output;        /* the plugin output at this step */
	/* NOTIFY */
	enum pl_notify_type ntype;
	const char *contact;       /* one contact (a user); the engine's group is not said */
	const char *command;       /* the notification command */
	int64_t number;            /* the engine's notification number; 0 when not said */
	/* ACK, and NOTIFY of an acknowledgement or a custom notification */
	const char *author;
	const char *comment;
	/* DOWNTIME, FLAPPING */
	enum pl_event_phase phase;
};

/* Return 0 to go on, anything else stops the reader (which then returns that value). */
typedef int (*pl_event_cb)(const struct pl_event *ev, void *arg);

/* Names, for output and tests: "state", "notification", ...; "PROBLEM", ... */
const char *pl_event_kind_name(enum pl_event_kind k);
const char *pl_notify_type_name(enum pl_notify_type t);

#endif
