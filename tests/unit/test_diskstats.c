#include "config.h"

#include "tests.h"

TCase *
tc_diskstats(void)
{
	return tcase_create("diskstats");
}
