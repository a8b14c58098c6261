/* pl_ini: option files, so that secrets and long option sets stay off the command line.
 *
 *   ; the section is the plugin's name unless --extra-opts names another
 *   [check_cpu]
 *   warning = 80
 *   criticalx = iowait=~:40
 *   ; an option without an argument
 *   per-cpu
 *
 * Comments take whole lines: a ';' or '#' inside a value is part of the value.
 * Each "key = value" line becomes "--key=value"; "key" alone becomes "--key". Blank lines
 * and lines starting with '#' or ';' are comments. Values may be wrapped in double
 * quotes to keep blanks at their ends. */
#ifndef PL_INI_H
#define PL_INI_H

#include <stddef.h>

/* Called for each option of the section, with its line number (from 1); value is NULL
 * for a bare key. key and value are valid during the call only (copy what you keep;
 * they are zeroed afterwards, as a value may be a secret). Returns 0 to go on, -1 to
 * stop parsing (the parse then fails with the callback's err). */
typedef int (*pl_ini_cb)(void *ctx, const char *key, const char *value, size_t line,
			 char *err, size_t errlen);

/* Parses buf and calls cb for each option in section. Returns the number of options
 * seen in that section (0 when the section is absent or empty), or -1 with why in err
 * when a line is malformed. */
int pl_ini_parse(const char *buf, size_t len, const char *section, pl_ini_cb cb, void *ctx,
		 char *err, size_t errlen);

#endif
