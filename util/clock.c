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
