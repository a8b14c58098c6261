/* check_hwmon: being written. */
#include "config.h"

#include "pl_plugin.h"

int
main(void)
{
	pl_die(PL_UNKNOWN, "check_hwmon is not built yet");
}
