/*
 * compress_zstd.h: the zstd stream under compress.c, beside compress_par.c's
 * gzip and with the same shape: open on an fd, feed from a file by offset
 * (again later for a live log that grew), finish, free. One zstd frame per
 * stream, with its content checksum, as `zstd` writes; several frames
 * appended to one file decompress as one (copytruncate's catch-up).
 * Internal to compress.c (and the benchmark).
 */
#ifndef MOND_COMPRESS_ZSTD_H
#define MOND_COMPRESS_ZSTD_H

#include <sys/types.h>

/* The levels compresslevel may name for zstd, and what 0 means. */
#define COMPRESS_ZSTD_MIN	1
#define COMPRESS_ZSTD_MAX	19
#define COMPRESS_ZSTD_DEFAULT	3

struct compress_zstd;

/*
 * Starts a frame on OUT (written with write(2) from its current offset) at
 * LEVEL with compress_par_threads(THREADS) of libzstd's worker threads
 * (ZSTD_c_nbWorkers; one means none, the caller compresses). The workers
 * start here, every signal blocked, at compress_prio.c's priority.
 * Returns NULL with errno.
 */
struct compress_zstd *compress_zstd_open(int out, int level, int threads);

/*
 * As compress_par_feed(): IN from *OFF to end of file or LIMIT; but libzstd
 * may keep some of it buffered until the next call or the finish.
 */
int	compress_zstd_feed(struct compress_zstd *z, int in, off_t *off,
	    off_t limit);

/* Ends the frame; *TOTAL (if not NULL) the input byte count. 0 or -1. */
int	compress_zstd_finish(struct compress_zstd *z, off_t *total);

/* Joins the workers and frees; NULL is fine. */
void	compress_zstd_free(struct compress_zstd *z);

#endif
