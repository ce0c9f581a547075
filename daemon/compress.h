/*
 * compress.h: gzip with zlib, crash-safe. Output goes to a temporary
 * "." NAME ".mond-tmp" beside the final name, is fsynced, given the
 * source's mode/owner/mtime, renamed into place and the directory fsynced;
 * only then may the source go. A kill at any instant leaves the complete
 * source or the complete .gz (plus maybe a temporary fs_clean_temps takes).
 */
#ifndef MOND_COMPRESS_H
#define MOND_COMPRESS_H

#include <sys/stat.h>
#include <sys/types.h>

struct compress_opts {
	int	level;		/* 1..9; 0 or out of range means 6 */
	int	threads;	/* reserved for the parallel path; 0/1 = one */
};

/*
 * Compresses the regular file SRC_NAME in SRC_DIRFD (opened O_NOFOLLOW;
 * symlinks and non-regular files refused as fs_open_log does) into
 * DST_NAME in DST_DIRFD (e.g. "log.1.gz"), then unlinks the source. An
 * existing DST_NAME fails with EEXIST before any work. On any failure the
 * source is intact and no temporary is left. Returns 0, or -1 with errno.
 */
int	compress_file(int src_dirfd, const char *src_name, int dst_dirfd,
	    const char *dst_name, const struct compress_opts *opts);

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

/* Removes stale mond temporaries in DIRFD (see fs_clean_temps). */
int	compress_clean_temps(int dirfd);

#endif
