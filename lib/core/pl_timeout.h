/* pl_timeout: the plugin's deadline.
 *
 * pl_timeout_arm() starts a real-time timer before any I/O. When it fires, the handler
 * writes one prepared line ("CPU UNKNOWN - timed out after 10s while reading
 * /proc/stat") and ends the process with the chosen state. The handler only calls
 * write() and _exit(), both async-signal-safe; everything it prints was built before. */
#ifndef PL_TIMEOUT_H
#define PL_TIMEOUT_H

#include "pl_result.h"

/* seconds > 0; fractions allowed. service is the status line's first word. */
void pl_timeout_arm(double seconds, enum pl_state state, const char *service);
/* What the plugin waits for now; what must outlive the call (a string literal or a
 * buffer that stays valid), since the handler may print it at any moment. */
void pl_timeout_waiting(const char *what);
void pl_timeout_disarm(void);

#endif
