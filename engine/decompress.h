/*
 * decompress.h: reading back, in process, what mond compressed: gzip (any
 * number of members) or zstd (any number of frames), told apart by their
 * magic. Used to check an output before its source goes, and to mail a
 * compressed log. Like zlib's gzread, a file that is neither is read as it
 * is.
 */
#ifndef MOND_DECOMPRESS_H
#define MOND_DECOMPRESS_H

#include <stdbool.h>
#include <sys/types.h>

struct decompress;

/* Whether FD begins with zstd's magic (a frame, not a skippable one). */
bool	decompress_is_zstd(int fd);

/*
 * Reads FD from its current offset (a fresh fd: the start), which it owns
 * from now on. NULL with errno.
 */
struct decompress *decompress_open(int fd);

/*
 * Up to LEN bytes of the plain text into BUF: the count, 0 at a clean
 * end, or -1 with errno (EIO: corrupt or cut short).
 */
ssize_t	decompress_read(struct decompress *d, void *buf, size_t len);

/* After a read: whether the file was neither, and read as it is. */
bool	decompress_direct(struct decompress *d);

/* Closes the fd and frees; NULL is fine. */
void	decompress_close(struct decompress *d);

#endif
