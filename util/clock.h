/*
 * clock.h: the monotonic clock the daemon measures intervals with (timer
 * re-checks, the worker's heartbeat, script deadlines, the status cache).
 * Wall-clock steps never move it.
 */
#ifndef MOND_CLOCK_H
#define MOND_CLOCK_H

#include <time.h>

/* Seconds on CLOCK_MONOTONIC; fatal() if the clock cannot be read. */
double	mond_monotonic(void);

/*
 * Whole seconds on CLOCK_MONOTONIC_COARSE, for the many checks made per
 * second against a limit of seconds (connection deadlines, mon.log's
 * identity check): no finer than a tick, and cheap.
 */
time_t	mond_mono_secs(void);

#endif
