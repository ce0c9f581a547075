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

struct status_table *status_new(void);

/*
 * Folds REP (made under CONF by a pass run at NOW, the worker's clock) in:
 * each result counts as a rotation or a failure of its path. A log's
 * threshold is the size trigger's, judged at NOW as watch_update() does,
 * so minsize shows once the time rotation is due by the daemon's clock
 * (moved by --now), not the real one. When FULL (a pass over every log)
 * the rows become exactly REP's logs; paths still there keep their
 * counters; and the file systems REP's (pass.h's pass_fs), unless the pass
 * listed none. Each row's rotated files are REP's count. Returns 0, or -1
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
 * (fstatvfs), with minfree's threshold there. All of it is read at most
 * once a second: a fill within a second of the last one shows the same
 * figures, so page load does not turn into stat load on the loop. Fills
 * rows, nrows, fs and nfs only; the caller sets the rest of S.
 */
void	status_fill(struct status_table *t, struct status_snapshot *s);

#define STATUS_STAT_MAX	4096

void	status_free(struct status_table *t);

#endif
