#include "config.h"

#include "tests.h"

TCase *
tc_proc(void)
{
	return tcase_create("proc");
}
