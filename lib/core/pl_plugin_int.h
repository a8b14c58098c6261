/* pl_plugin_int: between pl_plugin.c and pl_plugin_state.c, for no one else. */
#ifndef PL_PLUGIN_INT_H
#define PL_PLUGIN_INT_H

#include <stddef.h>

#include "pl_plugin.h"

/* The plugin this process runs (set by pl_plugin_parse). */
const struct pl_plugin *pl_plugin_current(void);
/* What the default state key is a hash of: the plugin's name and each identity option
 * taken, with its value (never a secret's). Kept by pl_plugin_parse for a plugin with
 * state and no --state-key; "" otherwise. */
const char *pl_plugin_key_text(size_t *len);

#endif
