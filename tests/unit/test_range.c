#include "config.h"

#include "tests.h"

TCase *
tc_range(void)
{
	return tcase_create("range");
}
