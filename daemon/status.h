/*
 * status.h: the daemon's one record of how each log is doing, kept by the
 * loop thread from the reports the worker hands back: the last pass's
 * view of each log plus counters of rotations and failures, kept per path
 * across reloads. The web front and the control socket both read it
 * through status_fill(); nothing else keeps per-log status.
 */
#ifndef MOND_STATUS_H
#define MOND_STATUS_H

#include <stdbool.h>
#include <time.h>

#include "conf/conf.h"
#include "engine/pass.h"
#include "web/render.h"

struct status_table;

/*
 * A table whose histories (history.h) take a sample each STEP seconds;
 * 0 or out of 1..STATUS_HISTORY_STEP: STATUS_HISTORY_STEP.
 */
struct status_table *status_new(int step);

/*
 * Folds REP (made under CONF by a pass run at NOW, the worker's clock) in:
 * each result counts as a rotation or a failure of its path. A log's
 * threshold is the size trigger's, judged at NOW as watch_update() does,
 * so minsize shows once the time rotation is due by the daemon's clock
 * (moved by --now), not the real one. When FULL (a pass over every log)
 * the rows become exactly REP's logs; paths still there keep their
 * counters; and the file systems REP's (pass.h's pass_fs), unless the pass
 * listed none. Each row's rotated files are REP's count; what REP says
 * was compressed adds to the row's packed_in and packed_out, kept by path
 * like the counters. Returns 0, or -1
 * with errno ENOMEM (the table keeps its previous rows).
 */
int	status_update(struct status_table *t, const struct mond_conf *conf,
	    const struct pass_report *rep, bool full, time_t now);

/*
 * Points S's rows and file systems at the table's own, not a copy (valid
 * until the next status_update or status_fill), with each log's size read
 * now (fstatat, not following a symlink: -1 for a missing or non-regular
 * log), for up to STATUS_STAT_MAX logs; beyond that the sizes are the last
 * pass's. Each file system's free space and size are read now too
 * (fstatvfs), with minfree's threshold there. A size read is also a
 * sample at NOW (the daemon's clock, as the passes' is) of the log's day
 * (history.h), as is the size each pass saw; each rotation a pass reports
 * is one at the pass's time. Only the first STATUS_STAT_MAX logs have a
 * day: sizeof(struct size_history) each, under 3 KiB, so at most 12 MiB
 * for all of them. All of it is read at most
 * once a second: a fill within a second of the last one shows the same
 * figures, so page load does not turn into stat load on the loop. Fills
 * rows, nrows, fs, nfs and history_step only; the caller sets the rest.
 */
void	status_fill(struct status_table *t, struct status_snapshot *s,
	    time_t now);

#define STATUS_STAT_MAX	4096

void	status_free(struct status_table *t);

#endif
