/* pl_counter: differences of kernel counters between two readings.
 *
 * Counters are cumulative since boot (or since a device appeared). A smaller value than
 * last time means a reboot, a reset or a replaced device: that run has no rate for the
 * counter, never a negative or huge one. The one exception is a 32-bit counter (older
 * kernels on 32-bit machines, some drivers) that passed 2^32: when both readings fit in
 * 32 bits and the old one was in the top half, the wrap is counted. */
#ifndef PL_COUNTER_H
#define PL_COUNTER_H

#include <stdint.h>

/* now - then, or NAN when the counter went backwards (see above). */
double pl_counter_delta(uint64_t now, uint64_t then);

/* The delta per second over dt seconds; NAN when dt <= 0 or the delta is NAN. */
double pl_counter_rate(uint64_t now, uint64_t then, double dt);

#endif
