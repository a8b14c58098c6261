/* check_disk_io: being written. */
#include "config.h"

#include "pl_plugin.h"

int
main(void)
{
	pl_die(PL_UNKNOWN, "check_disk_io is not built yet");
}
