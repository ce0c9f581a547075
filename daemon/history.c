/*
 * history.c: a log's last day of sizes and rotations (history.h). The
 * arrays slide rather than wrap, with one memmove of at most a few KiB a
 * step, so a reader gets them in order with no copy; a log costs
 * sizeof(struct size_history), under 3 KiB, whatever happens to it.
 */
#include <string.h>

#include "daemon/history.h"

/* Drops what is older than the span at NOW; all of it when NOW went back. */
static void
prune(struct size_history *h, int step, time_t now)
{
	time_t span = (time_t)step * STATUS_HISTORY_MAX;
	size_t i;

	if ((h->nsamples > 0 && now < h->samples[h->nsamples - 1].at) ||
	    (h->nrotations > 0 && now < h->rotations[h->nrotations - 1])) {
		h->nsamples = h->nrotations = 0;
		return;
	}
	for (i = 0; i < h->nsamples &&
	    h->samples[i].at <= now - span; i++)
		;
	if (i > 0) {
		memmove(h->samples, h->samples + i,
		    (h->nsamples - i) * sizeof(h->samples[0]));
		h->nsamples -= i;
	}
	for (i = 0; i < h->nrotations &&
	    h->rotations[i] <= now - span; i++)
		;
	if (i > 0) {
		memmove(h->rotations, h->rotations + i,
		    (h->nrotations - i) * sizeof(h->rotations[0]));
		h->nrotations -= i;
	}
}

void
history_sample(struct size_history *h, int step, time_t now, long long size)
{
	struct status_sample *last;

	prune(h, step, now);
	last = h->nsamples > 0 ? &h->samples[h->nsamples - 1] : NULL;
	if (last != NULL && last->at / step == now / step) {
		if (size > last->size)
			last->size = size;
		last->at = now;
		return;
	}
	if (h->nsamples == STATUS_HISTORY_MAX) {
		memmove(h->samples, h->samples + 1,
		    (STATUS_HISTORY_MAX - 1) * sizeof(h->samples[0]));
		h->nsamples--;
	}
	h->samples[h->nsamples++] = (struct status_sample){ now, size };
}

void
history_rotation(struct size_history *h, int step, time_t now)
{
	prune(h, step, now);
	if (h->nrotations == STATUS_ROTATIONS_MAX) {
		memmove(h->rotations, h->rotations + 1,
		    (STATUS_ROTATIONS_MAX - 1) * sizeof(h->rotations[0]));
		h->nrotations--;
	}
	h->rotations[h->nrotations++] = now;
}
