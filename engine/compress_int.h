/*
 * compress_int.h: internal to compress.c and compress_ext.c. Running an
 * external compressor between two fds; compress.c owns the files around
 * it (temporary, attributes, rename, the source's removal).
 */
#ifndef MOND_COMPRESS_INT_H
#define MOND_COMPRESS_INT_H

#include "engine/compress.h"

/*
 * Runs HOW's compressor with IN (read from its start) as stdin and OUT as
 * stdout, and logs what it wrote to stderr after logrotate's line. Returns
 * 0 when it exited 0; else -1 with errno, and *STATUS its exit status when
 * it ran and failed (-1 when it could not be run or waited for).
 */
int	compress_ext_run(int in, int out, const struct compress_how *how,
	    int *status);

#endif
