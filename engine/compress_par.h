/*
 * compress_par.h: the gzip stream under compress.c. One deflate stream on
 * the calling thread, or pigz-style blocks deflated by worker threads and
 * written in input order; either way one ordinary gzip member. Internal to
 * compress.c (and the benchmark); the rotation engine calls compress.h.
 */
#ifndef MOND_COMPRESS_PAR_H
#define MOND_COMPRESS_PAR_H

#include <sys/types.h>

/* At most this many worker threads, whatever is asked: memory stays bounded. */
#define COMPRESS_MAX_THREADS	32

struct compress_par;

/*
 * The worker count THREADS means: 0 the online CPUs, else THREADS, capped
 * at COMPRESS_MAX_THREADS; 1 (or one CPU) is the single-stream path.
 */
int	compress_par_threads(int threads);

/*
 * Starts a gzip member on OUT (written with write(2) from its current
 * offset) at LEVEL (1..9) with compress_par_threads(THREADS) workers; the
 * workers run with every signal blocked. The header carries MTIME (the
 * source's, as gzip stores it for a regular file on its stdin, which is
 * how logrotate runs it). Returns NULL with errno.
 */
struct compress_par *compress_par_open(int out, int level, int threads,
	    time_t mtime);

/*
 * Compresses IN from *OFF (pread) until a read returns 0 or *OFF reaches
 * LIMIT (-1: no limit), advancing *OFF by what was read. May be called
 * again later to go on where it stopped (a live file that grew): all of
 * this call's input is in OUT when it returns. Returns 0, or -1 with errno
 * (the stream is then only good for compress_par_free).
 */
int	compress_par_feed(struct compress_par *cp, int in, off_t *off,
	    off_t limit);

/*
 * Ends the member (final block, CRC-32, ISIZE). *TOTAL (if not NULL) gets
 * the input byte count. Returns 0, or -1 with errno.
 */
int	compress_par_finish(struct compress_par *cp, off_t *total);

/* Stops and joins the workers, ends every deflate stream, frees. */
void	compress_par_free(struct compress_par *cp);

/*
 * Bytes of input per worker job (COMPRESS_BLOCK by default). Setting is for
 * the benchmark's measurements: call it before any stream is open; a size
 * out of 64 KiB..16 MiB is refused with EINVAL. Returns 0 or -1.
 */
size_t	compress_par_block(void);
int	compress_par_set_block(size_t size);

#endif
