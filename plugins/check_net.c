/* check_net: being written. */
#include "config.h"

#include "pl_plugin.h"

int
main(void)
{
	pl_die(PL_UNKNOWN, "check_net is not built yet");
}
