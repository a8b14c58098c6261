#include "config.h"

#include "tests.h"

TCase *
tc_hwmon(void)
{
	return tcase_create("hwmon");
}
