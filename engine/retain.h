/*
 * retain.h: retention by bytes, `maxtotal`. What `rotate` and `maxage`
 * count in files and days, this counts in bytes, after the rotation,
 * when the compressed sizes are known.
 */
#ifndef MOND_RETAIN_H
#define MOND_RETAIN_H

#include <stdatomic.h>
#include <stddef.h>
#include <sys/types.h>

#include "conf/conf.h"

/*
 * After LOGNAME's rotation under RULE (maxtotal > 0), its rotated files in
 * TGTDIR (plan_is_sibling; regular files, links never followed) are
 * removed oldest first (by mtime, a tie by rotation number), until their
 * sizes add up to at most RULE's maxtotal. The newest (the last, and
 * NEWEST, the basename this rotation made, if not NULL, or it compressed)
 * always stays, and the live log does not count. RULE's preremove runs
 * before each removal ($1 the file): failing, it keeps that file, whose
 * bytes still count, and the next oldest is tried; one that moved the file
 * away removed it. Each removal is logged. Returns how many went, or -1
 * with WHY set.
 */
int	retain_maxtotal(const struct log_rule *rule, const char *tgtdir,
	    const char *logname, const char *newest, const atomic_bool *cancel,
	    char *why, size_t whylen);

/* A log minfree may take rotated files of: its rule, where, as whom. */
struct retain_log {
	const struct log_rule *rule;
	const char	*tgtdir;	/* where its rotated files are */
	const char	*logname;	/* its basename */
	uid_t		 as_uid;	/* the path's owner, or 0 (pass.c) */
};

/*
 * minfree: for each file system holding LOGS' rotated files whose free
 * space (for unprivileged users, f_bavail) is under CONF's minfree, the
 * oldest rotated files of those logs, oldest first across logs by mtime,
 * are removed one by one, each as its log's identity and after its
 * preremove, until the free space is back or nothing may go: never a live
 * log, never a log's newest rotated file. Each removal is logged, and a
 * file system left short is warned of. Returns how many went.
 */
long	retain_minfree(const struct mond_conf *conf,
	    const struct retain_log *logs, size_t n, const atomic_bool *cancel);

struct statvfs;

/*
 * Of the file system SV describes: *AVAIL, the bytes free for unprivileged
 * users (f_bavail), *SIZE, and *WANT, what minfree keeps free there (PCT
 * percent of the size, else BYTES; -1 when neither is above 0). Returns 0,
 * or -1 with ENOTSUP for a file system without a size (proc, sysfs).
 */
int	retain_space(const struct statvfs *sv, int pct, long long bytes,
	    long long *avail, long long *size, long long *want);

#endif
