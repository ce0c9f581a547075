/*
 * recover.h: finishing, before a log is planned, what a killed mond left
 * half done for it: a copytruncate copy still under its temporary name,
 * and a rotated file whose compression never completed. It only ever
 * removes a file whose every byte is still somewhere else.
 */
#ifndef MOND_RECOVER_H
#define MOND_RECOVER_H

#include "conf/conf.h"

/*
 * For the log LOGPATH of RULE, whose rotated files live in TGTDIR:
 *  - a leftover held copy (durable.h's DURABLE_COPY) that is a byte prefix
 *    of the live log is removed (nothing had left the log yet); any other
 *    is kept as LOGNAME ".mond-recovered[.N]" and reported; the same for a
 *    compressed one (DURABLE_GZCOPY, judged by what it decompresses to),
 *    kept as LOGNAME ".mond-recovered[.N].gz" (or .zst);
 *  - with `compress` (numbered names, no `extension` or `addextension`),
 *    a rotated file at the compression slot (start, or start+1 with
 *    delaycompress) left uncompressed is compressed now with the rule's
 *    compressor, or (gzip in process) removed when its .gz is complete
 *    and holds exactly its bytes (killed between the .gz's rename and the
 *    source's unlink);
 *  - with `renamecopy`, a LOGNAME.tmp left in the log's directory (killed
 *    before it was copied to its rotated name) is kept as
 *    LOGNAME ".mond-recovered[.N]" and reported.
 * Every action is logged. Errors are logged and leave the files as they
 * were. Returns the number of files changed.
 */
int	recover_log(const struct log_rule *rule, const char *logpath,
	    const char *tgtdir);

/*
 * 1 when TGTDIR's listing (asked through HAS, which answers whether a name
 * is in it) shows something recover_log() would act on for the log named
 * LOGNAME under RULE: a leftover copy, or a file at the compression slot;
 * always for renamecopy with olddir (its LOG.tmp is not in that listing).
 * A pass asks this first, so the common case costs no system call.
 */
int	recover_wanted(const struct log_rule *rule, const char *logname,
	    int (*has)(const char *name, void *arg), void *arg);

#endif
