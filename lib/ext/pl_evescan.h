/* pl_evescan: one line of Suricata's eve.json parsed as a token stream (yajl), for the
 * lines the pre-filter (pl_eve_prefilter) could not leave out.
 *
 * The same reading as pl_eve_parse (lib/ext/pl_eve, json-c), which stays the reference
 * it is tested against (tests/unit/test_eve.c, and the fuzz target fuzz_eve that
 * compares the two on every input): the line must be one JSON object (nothing after it,
 * at most PL_EVESCAN_MAX_DEPTH containers deep, as json-c's cap) or it is malformed, with
 * why; event_type decides; the fields kept are the same
 * (alert.severity, alert.signature, alert.category, src_ip, dest_ip, timestamp;
 * stats.uptime and stats.capture.kernel_packets and kernel_drops), of the same types
 * (a string is a string, an integer an integer or an integral double below 2^53), and a
 * key given twice means its last value, as in a json-c tree. Strings are cut at a NUL,
 * as json-c's C strings are.
 *
 * One difference, on purpose: this is strict JSON (RFC 8259), where json-c's strict mode
 * still lets a few things by: single quotes ('a'), NaN and Infinity, a control character
 * unescaped in a string, a number ending in '.' or with a leading zero (00, -01). No JSON
 * writer makes them; here such a line is malformed. (Never the other way: a line json-c
 * refuses is refused here too.)
 *
 * What it saves: json-c builds a tree of the whole line (an allocation per value, a hash
 * table per object) to read seven of its fields. Here the line is lexed once and only
 * the fields needed are copied, straight into the caller's structs; yajl's own few
 * allocations come from a buffer on the stack, so a line costs no malloc (a line with a
 * very long escaped string spills to the heap, freed before the return). */
#ifndef PL_EVESCAN_H
#define PL_EVESCAN_H

#include <stddef.h>

#include "pl_eve.h"

#define PL_EVESCAN_MAX_DEPTH 64   /* containers open at most: json-c's tokener's cap */

/* Parses one eve.json line (need not be NUL-terminated). Returns its type: an alert
 * fills *a, a stats event *s (the other may be written to as well); PL_EVE_MALFORMED
 * with why in err. An alert without an integer alert.severity has severity -1. */
enum pl_eve_type pl_evescan_line(const char *line, size_t len, struct pl_ids_alert *a,
				 struct pl_eve_stats *s, char *err, size_t errlen);

#endif
