#include "config.h"

#include "tests.h"

TCase *
tc_store(void)
{
	return tcase_create("store");
}
