#include "config.h"

#include "tests.h"

TCase *
tc_misc(void)
{
	return tcase_create("misc");
}
