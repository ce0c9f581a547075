/*
 * clock.h: the monotonic clock the daemon measures intervals with (timer
 * re-checks, the worker's heartbeat, script deadlines, the status cache).
 * Wall-clock steps never move it.
 */
#ifndef MOND_CLOCK_H
#define MOND_CLOCK_H

/* Seconds on CLOCK_MONOTONIC; fatal() if the clock cannot be read. */
double	mond_monotonic(void);

#endif
