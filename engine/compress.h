/*
 * compress.h: gzip with zlib or zstd with libzstd in process, or a rule's
 * own compressor program, crash-safe. Output goes to a temporary "." NAME ".mond-tmp" beside the final
 * name, is fsynced, given the source's mode/owner/atime/mtime, renamed
 * into place and the directory fsynced; only then may the source go. A
 * kill at any instant leaves the complete source or the complete output
 * (plus maybe a temporary durable_clean_temps takes).
 */
#ifndef MOND_COMPRESS_H
#define MOND_COMPRESS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#include "conf/conf.h"
#include "engine/fscopy.h"
#include "util/fsutil.h"

enum compress_kind {
	COMPRESS_GZIP,		/* one gzip member per stream (zlib) */
	COMPRESS_ZSTD		/* one zstd frame per stream (libzstd) */
};

struct compress_opts {
	/* gzip 1..9, zstd 1..19; 0 or out of range: 6 or 3, the tools' own */
	int			level;
	int			threads; /* workers: 0 = online CPUs; 1 = none */
	enum compress_kind	kind;
};

/* RULE's compressor, level and threads for compressing in process. */
struct compress_opts compress_rule_opts(const struct log_rule *rule);

/* How compress_make() compresses one file. */
struct compress_how {
	struct compress_opts zopts;	/* in process, when cmd is NULL */
	/*
	 * An external compressor, run as logrotate runs it (compress_ext.c):
	 * argv cmd + options, stdin the source, stdout the output, the
	 * environment plus LOGROTATE_COMPRESSED_FILENAME=path; whatever it
	 * writes to stderr is logged after logrotate's line naming PATH.
	 */
	const char	*cmd;
	char *const	*options;	/* NULL-terminated; NULL = none */
	const char	*path;		/* the source's path, for both */
	/* The output's atime and mtime; without, the source's own. */
	bool		 has_times;
	struct timespec	 atime, mtime;
	double		 deadline;	/* for the program: spawn_wait's */
	const atomic_bool *cancel;
	/*
	 * A source with more than one hard link fails with EMLINK, as the
	 * log itself would without allowhardlink: someone else linked it.
	 */
	bool		 refuse_links;
};

/* What compress_make() leaves for compress_drop(). */
struct compress_src {
	int		 fd;		/* the source, open read-only; -1 after */
	struct stat	 st;		/* its fstat when opened */
	off_t		 consumed;	/* bytes in the output; -1 unknown */
	/*
	 * The external compressor's exit status when it failed (then -1
	 * was returned): "failed to compress log PATH". -1 otherwise.
	 */
	int		 status;
};

/*
 * Compresses the regular file SRC_NAME in SRC_DIRFD (opened O_NOFOLLOW;
 * symlinks and non-regular files refused as fs_open_log does) as HOW says
 * into DST_NAME in DST_DIRFD, durably, and leaves the source in place and
 * open in *SRC. An existing DST_NAME fails with EEXIST before any work,
 * unless (compressing in process) it holds nothing but the source's first
 * bytes: a compression killed between its rename and the unlink, replaced. On
 * failure the source is intact, no temporary is left and *SRC holds
 * nothing to release (but its status). Returns 0, or -1 with errno.
 */
int	compress_make(int src_dirfd, const char *src_name, int dst_dirfd,
	    const char *dst_name, const struct compress_how *how,
	    struct compress_src *src);

/* Removes NAME from DIRFD (the source); 0, or -1 and it stays. */
typedef int (*compress_remove_fn)(int dirfd, const char *name, void *arg);

/*
 * Ends what compress_make() began: when SRC_NAME still is the file SRC
 * holds and it is unchanged (all of it is in the output), removes it with
 * RM(…, ARG) (NULL: unlinkat) and fsyncs its directory; else the output
 * goes instead (EAGAIN: it grew; ESTALE: another file has the name).
 * Closes SRC's fd either way. Returns 0, or -1 with errno (RM's failure
 * keeps both files).
 */
int	compress_drop(int src_dirfd, const char *src_name, int dst_dirfd,
	    const char *dst_name, struct compress_src *src,
	    compress_remove_fn rm, void *arg);

/* Closes SRC's fd, keeping the source and the output (a preremove failed). */
void	compress_keep(struct compress_src *src);

/*
 * DST_NAME exists beside the source SRC_NAME: when it is a gzip or zstd
 * file that decompresses to the source's bytes or a prefix of them (our
 * compression killed after its rename), it is removed and 0 returned;
 * else -1 with EEXIST (or the source's open error).
 */
int	compress_drop_stale(int src_dirfd, const char *src_name, int dst_dirfd,
	    const char *dst_name);

/*
 * compress_make() in process at OPTS (NULL: gzip -6), then compress_drop()
 * with unlinkat: DST_NAME (e.g. "log.1.gz") replaces SRC_NAME. On any failure
 * the source is intact and no temporary is left. Returns 0, or -1 with
 * errno.
 */
int	compress_file(int src_dirfd, const char *src_name, int dst_dirfd,
	    const char *dst_name, const struct compress_opts *opts);

/*
 * Whether the gzip or zstd file PACKEDFD decompresses, cleanly, to exactly
 * PLAIN's bytes (HOLDS_PREFIX: to a prefix of them; HOLDS_CUT_PREFIX: to a
 * prefix up to where it is cut short, which loses nothing PLAIN lacks):
 * 1, 0, or -1 on errors. Closes PACKEDFD.
 */
enum compress_holds_how { HOLDS_EXACT, HOLDS_PREFIX, HOLDS_CUT_PREFIX };
int	compress_holds(int packedfd, int plain, enum compress_holds_how how);

/*
 * The core, for callers that already hold the source open (copytruncate
 * + compress in one pass): compresses IN from offset 0 to its end of file
 * into DST_NAME in DST_DIRFD the same crash-safe way, with ATTR's mode,
 * owner and mtime (typically the fstat of IN). Removes nothing. *CONSUMED
 * (if not NULL) gets the number of input bytes in the .gz. Returns 0, or
 * -1 with errno and no temporary left.
 */
int	compress_fd(int in, const struct stat *attr, int dst_dirfd,
	    const char *dst_name, const struct compress_opts *opts,
	    off_t *consumed);

/*
 * copytruncate + compress in one pass: reads the live log LIVE (opened
 * O_RDWR, writers appending with O_APPEND) once, writes DST_NAME in
 * DST_DIRFD (e.g. "log.1.gz") the crash-safe way with ATTR's mode, owner
 * and mtime, then removes exactly the compressed prefix from LIVE, as
 * fs_copytruncate does for a plain copy (FLAGS: FS_CT_TRUNCATE,
 * FS_CT_COLLAPSE_ONLY):
 *
 *  - COLLAPSE (ext4, xfs): only LIVE's block-aligned prefix as it was at
 *    the start is compressed; once the .gz is durable under its name, that
 *    prefix leaves LIVE by COLLAPSE_RANGE. The rest stays in LIVE, so the
 *    .gz may end mid-line; nothing is lost or duplicated.
 *  - TRUNCATE (other file systems, a log under two blocks, or forced):
 *    compress to end of file, fdatasync, compress what arrived meanwhile,
 *    end the member, fdatasync, rename it into place and fsync the
 *    directory; what arrived during those syncs becomes further members
 *    (each synced) until a look finds nothing new; then ftruncate LIVE.
 *    A write landing between that last look and the ftruncate is lost: a
 *    window of two syscalls, whatever the log's size.
 *
 * A kill at any instant leaves LIVE complete, or the .gz complete under its
 * name (a kill between rename and collapse/truncate: both, the prefix
 * twice). Returns -1 with errno only while LIVE is untouched, and then no
 * .gz nor temporary is left; an existing DST_NAME fails with EEXIST first.
 * Fills *RES: method, copied (input bytes in the .gz), left (bytes of the
 * log as it was at the start that stay in LIVE), dup (always 0).
 */
int	compress_copytruncate(int live, const struct stat *attr, int dst_dirfd,
	    const char *dst_name, const struct compress_opts *opts, int flags,
	    struct fs_ct_result *res);

#endif
