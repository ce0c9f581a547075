/*
 * retain.h: retention by bytes, `maxtotal`. What `rotate` and `maxage`
 * count in files and days, this counts in bytes, after the rotation,
 * when the compressed sizes are known.
 */
#ifndef MOND_RETAIN_H
#define MOND_RETAIN_H

#include <stdatomic.h>
#include <stddef.h>

#include "conf/conf.h"

/*
 * After LOGNAME's rotation under RULE (maxtotal > 0), its rotated files in
 * TGTDIR (plan_is_sibling; regular files, links never followed) are
 * removed oldest first, by mtime and then by name, until their sizes add
 * up to at most RULE's maxtotal. The newest is always kept, and the live
 * log does not count. RULE's preremove runs before each removal ($1 the
 * file) and, failing, keeps that file and stops, as rotate's removals do.
 * Each removal is logged. Returns how many went, or -1 with WHY set.
 */
int	retain_maxtotal(const struct log_rule *rule, const char *tgtdir,
	    const char *logname, const atomic_bool *cancel, char *why,
	    size_t whylen);

#endif
