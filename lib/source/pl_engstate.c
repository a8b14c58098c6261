/* pl_engstate: the filter and the state words the engine readers share. */
#include "config.h"

#include <fnmatch.h>
#include <string.h>

#include "pl_engstate.h"

bool
pl_engstate_host_wanted(const struct pl_engstate_filter *f, const char *host)
{
	if (f == NULL || f->nhosts == 0)
		return true;
	for (size_t i = 0; i < f->nhosts; i++)
		if (f->hosts[i] != NULL && fnmatch(f->hosts[i], host, 0) == 0)
			return true;
	return false;
}

int
pl_engstate_host_to_state(int host_state)
{
	switch (host_state) {
	case PL_ES_UP:
		return 0;
	case PL_ES_DOWN:
		return 2;
	default:
		return 3;
	}
}

const char *
pl_engstate_word(bool is_host, int engine_state)
{
	static const char *const hw[] = { "UP", "DOWN", "UNREACHABLE" };
	static const char *const sw[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };

	if (is_host)
		return engine_state >= 0 && engine_state <= 2 ? hw[engine_state] : "UNKNOWN";
	return engine_state >= 0 && engine_state <= 3 ? sw[engine_state] : "UNKNOWN";
}
