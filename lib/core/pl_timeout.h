/* pl_timeout: the plugin's deadline.
 *
 * pl_timeout_arm() starts a real-time timer before any I/O. When it fires, the handler
 * writes one prepared result ("CPU UNKNOWN - timed out after 10s while reading
 * /proc/stat", or the same as a JSON document) and ends the process with the chosen
 * state. The result is rendered by pl_render() when the deadline is armed and again when
 * the output form changes, and cut where the waiting text goes; the handler only escapes
 * that text into a static buffer and calls write() and _exit(), all async-signal-safe. */
#ifndef PL_TIMEOUT_H
#define PL_TIMEOUT_H

#include <stddef.h>

#include "pl_result.h"

/* seconds > 0; fractions allowed. service is the status line's first word. Sets the
 * process deadline (pl_deadline) seconds from now, and the backstop timer
 * pl_deadline_grace(seconds) after it: the handler kills the registered child's process
 * group (pl_deadline_child) before it prints. */
void pl_timeout_arm(double seconds, enum pl_state state, const char *service);
/* The output form and the plugin's name ("check_cpu", for JSON) the timeout is reported
 * in; prepares the text again if the deadline was armed. Default: nagios, no name. */
void pl_timeout_output(enum pl_format fmt, const char *plugin);
/* What the plugin waits for now; what must outlive the call (a string literal or a
 * buffer that stays valid), since the handler may print it at any moment. */
void pl_timeout_waiting(const char *what);
/* The same for one file: "VERB PATH" ("reading /proc/uptime"), copied into a buffer of
 * this module. Returns the text it replaced, for pl_timeout_waiting() to put back when
 * the wait is over (the library's readers of files do so). Waits nest up to
 * PL_TIMEOUT_NEST deep with every text kept (a run inside a read inside a read); a
 * deeper one reuses the outermost's buffer. */
#define PL_TIMEOUT_NEST 8
const char *pl_timeout_waiting_on(const char *verb, const char *path);
void pl_timeout_disarm(void);
/* A last word before the handler prints and exits (NULL: none): fn must be
 * async-signal-safe (system calls on data prepared beforehand, as plumbline-status'
 * "status unavailable" page). pl_die calls the same hook. */
void pl_timeout_on_expire(void (*fn)(void));
/* Calls the hook once, and forgets it (pl_die and the handler). Async-signal-safe. */
void pl_timeout_last_word(void);

/* What the handler would write now, into out (size bytes, NUL-terminated); returns the
 * length. Async-signal-safe. */
size_t pl_timeout_message(char *out, size_t size);
/* Escapes s for the output form into out (size bytes, always NUL-terminated). As in
 * every text of a result, a newline becomes a blank and '|' a '/' (one line, no
 * perfdata); then for JSON as the inside of a string literal, else with tabs as blanks
 * and other control bytes as '?'; a byte that is not UTF-8 becomes U+FFFD in every form,
 * as in pl_json_string. A text that does not fit is cut on a whole character and ends
 * in "...". Returns the length. Async-signal-safe: it only reads s and writes out. */
size_t pl_timeout_escape(enum pl_format fmt, const char *s, char *out, size_t size);

#endif
