/*
 * history.c: a log's last day of sizes and rotations (history.h). The
 * arrays slide rather than wrap, with one memmove of at most a few KiB a
 * step, so a reader gets them in order with no copy; a log costs
 * sizeof(struct size_history), under 3 KiB, whatever happens to it.
 */
#include <string.h>

#include "daemon/history.h"

/*
 * Drops what is older than the span at NOW, and what is after it (the
 * samples of later steps): the clock went back, or a pass's report (of
 * the time it began) came after later readings. Either way what stays is
 * in order, and NOW goes at its end or into its last step.
 */
static void
prune(struct size_history *h, int step, time_t now)
{
	time_t span = (time_t)step * STATUS_HISTORY_MAX;
	size_t i;

	while (h->nsamples > 0 &&
	    h->samples[h->nsamples - 1].at / step > now / step)
		h->nsamples--;
	while (h->nrotations > 0 && h->rotations[h->nrotations - 1] > now)
		h->nrotations--;
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
	/* its step's: a pass's report may be older than the last reading */
	if (last != NULL && last->at / step == now / step) {
		if (size > last->size)
			last->size = size;
		if (now > last->at)
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
