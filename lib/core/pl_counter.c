#include "config.h"

#include <math.h>

#include "pl_counter.h"

double
pl_counter_delta(uint64_t now, uint64_t then)
{
	if (now >= then)
		return (double)(now - then);
	if (then <= UINT32_MAX && then >= (uint64_t)1 << 31 && now < (uint64_t)1 << 31)
		return (double)(((uint64_t)1 << 32) - then + now);
	return NAN;
}

double
pl_counter_rate(uint64_t now, uint64_t then, double dt)
{
	double d = pl_counter_delta(now, then);

	if (!(dt > 0) || isnan(d))
		return NAN;
	return d / dt;
}
