#include "config.h"

#include "tests.h"

TCase *
tc_result(void)
{
	return tcase_create("result");
}
