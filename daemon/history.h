/*
 * history.h: one log's last day for the status page's sparkline: its
 * size sampled (the largest seen in each STATUS_HISTORY_STEP seconds) and
 * the times it rotated, in arrays of fixed size kept oldest first, so the
 * pages read them as they are. Only the loop thread touches them; nothing
 * here reads a file or a clock: the caller hands in the size and the time.
 */
#ifndef MOND_HISTORY_H
#define MOND_HISTORY_H

#include <stddef.h>
#include <time.h>

#include "web/render.h"

struct size_history {
	struct status_sample samples[STATUS_HISTORY_MAX];
	size_t		 nsamples;
	time_t		 rotations[STATUS_ROTATIONS_MAX];
	size_t		 nrotations;
};

/*
 * SIZE (bytes, -1 for missing) seen at NOW: the newest sample when NOW is
 * in its step of STEP seconds (it keeps the larger size, and NOW), else a
 * new one. What is older than the span (STATUS_HISTORY_MAX steps) at NOW
 * goes, and the oldest sample when the array is full; so does what is
 * after NOW, in a later step (the clock went back, or a pass's report of
 * the time it began came after later readings): H stays in order.
 */
void	history_sample(struct size_history *h, int step, time_t now,
	    long long size);

/* A rotation at NOW, with the same pruning; past the bound the oldest goes. */
void	history_rotation(struct size_history *h, int step, time_t now);

#endif
