#include "config.h"

#include "tests.h"

TCase *
tc_mdstat(void)
{
	return tcase_create("mdstat");
}
