/* pl_engstate: one host's or service's current state as a monitoring engine holds it,
 * the record that the engine readers (pl_statusdat for Nagios' status.dat, pl_icinga_api
 * for Icinga 2's REST API) hand to a callback one at a time, never as a whole list: a
 * fleet of 300,000 services is read in bounded memory.
 *
 * The strings of a record belong to the reader and are valid only during the callback
 * (copy what is kept). A host's state is mapped onto the plugin states so that one
 * report sorts hosts and services alike: UP is OK (0), DOWN is CRITICAL (2), UNREACHABLE
 * is UNKNOWN (3); engine_state and state_word keep what the engine said. */
#ifndef PL_ENGSTATE_H
#define PL_ENGSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum pl_es_host_state { PL_ES_UP = 0, PL_ES_DOWN = 1, PL_ES_UNREACHABLE = 2 };

struct pl_engstate {
	const char *host;
	const char *service;        /* NULL: the host itself */
	const char *display_name;   /* "" when the engine has none (status.dat) */
	int state;                  /* 0-3, a host's mapped (see above) */
	int engine_state;           /* as the engine says: a host's 0 UP, 1 DOWN, 2 UNREACHABLE */
	const char *state_word;     /* "OK".."UNKNOWN", "UP", "DOWN", "UNREACHABLE", "PENDING" */
	bool checked;               /* false: never checked yet (pending) */
	bool hard;                  /* state type: hard, else soft */
	const char *output;         /* the first line of the plugin's output */
	const char *long_output;    /* the lines after it, newlines real ("" when none) */
	const char *perfdata;       /* space-separated, as the plugin wrote it */
	int64_t last_check;         /* seconds since the epoch, 0 when never */
	int64_t last_state_change;
	bool acknowledged;
	bool in_downtime;
	bool flapping;
	bool truncated;             /* a value was longer than the reader's bound, cut */
};

/* Return 0 to go on, anything else stops the reader (which then returns that value). */
typedef int (*pl_engstate_cb)(const struct pl_engstate *rec, void *arg);

/* Which hosts: each entry a name or an fnmatch(3) glob ("web*"); none: every host. */
struct pl_engstate_filter {
	const char *const *hosts;
	size_t nhosts;
	bool no_hosts;              /* deliver services only */
	bool no_services;           /* deliver hosts only */
};

struct pl_engstate_counts {
	size_t hosts;               /* host records delivered */
	size_t services;            /* service records delivered */
	size_t skipped;             /* records the filter left out */
	size_t malformed;           /* records (or lines outside any) that could not be read */
	size_t long_lines;          /* values cut at the reader's bound (records still delivered) */
};

/* True when the filter lets this host through. */
bool pl_engstate_host_wanted(const struct pl_engstate_filter *f, const char *host);

/* The plugin state of a host's engine state, and the words of either. */
int pl_engstate_host_to_state(int host_state);
const char *pl_engstate_word(bool is_host, int engine_state);

#endif
