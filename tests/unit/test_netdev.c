#include "config.h"

#include "tests.h"

TCase *
tc_netdev(void)
{
	return tcase_create("netdev");
}
