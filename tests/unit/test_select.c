#include "config.h"

#include "tests.h"

TCase *
tc_select(void)
{
	return tcase_create("select");
}
