/*
 * clock.c: the monotonic clock.
 */
#include <time.h>

#include "util/clock.h"
#include "util/log.h"

double
mond_monotonic(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		fatal("clock_gettime(CLOCK_MONOTONIC)");
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

time_t
mond_mono_secs(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC_COARSE, &ts) == -1)
		fatal("clock_gettime(CLOCK_MONOTONIC_COARSE)");
	return ts.tv_sec;
}
