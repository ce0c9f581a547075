/*
 * decompress.c: see decompress.h. zlib's gz* reader for gzip (and for
 * anything that is not zstd, which it passes through), libzstd's
 * streaming decompressor for zstd. A zstd file must end at a frame's end:
 * one cut short is an error, as a truncated gzip is for zlib.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "engine/decompress.h"

static const unsigned char zstd_magic[4] = { 0x28, 0xb5, 0x2f, 0xfd };

struct decompress {
	int		 fd;
	gzFile		 gz;		/* gzip, or NULL */
	ZSTD_DCtx	*dctx;		/* zstd, or NULL */
	unsigned char	*ibuf;
	size_t		 ibufsz;
	ZSTD_inBuffer	 in;
	size_t		 frame_left;	/* 0 between frames */
	bool		 eof;
};

bool
decompress_is_zstd(int fd)
{
	unsigned char head[4];
	ssize_t n;

	do
		n = pread(fd, head, sizeof(head), 0);
	while (n == -1 && errno == EINTR);
	return n == (ssize_t)sizeof(head) && head[0] == zstd_magic[0] &&
	    head[1] == zstd_magic[1] && head[2] == zstd_magic[2] &&
	    head[3] == zstd_magic[3];
}

struct decompress *
decompress_open(int fd)
{
	struct decompress *d;

	if ((d = calloc(1, sizeof(*d))) == NULL) {
		close(fd);
		return NULL;
	}
	d->fd = fd;
	if (!decompress_is_zstd(fd)) {
		if ((d->gz = gzdopen(fd, "rb")) == NULL) {
			decompress_close(d);
			errno = ENOMEM;
			return NULL;
		}
		return d;
	}
	d->ibufsz = ZSTD_DStreamInSize();
	if ((d->dctx = ZSTD_createDCtx()) == NULL ||
	    (d->ibuf = malloc(d->ibufsz)) == NULL) {
		decompress_close(d);
		errno = ENOMEM;
		return NULL;
	}
	d->in = (ZSTD_inBuffer){ d->ibuf, 0, 0 };
	return d;
}

static ssize_t
gz_read(struct decompress *d, void *buf, size_t len)
{
	int n, err;

	if (len > INT32_MAX)
		len = INT32_MAX;
	if ((n = gzread(d->gz, buf, (unsigned)len)) > 0)
		return n;
	gzerror(d->gz, &err);
	if (n < 0 || (err != Z_OK && err != Z_STREAM_END)) {
		errno = err == Z_MEM_ERROR ? ENOMEM : EIO;
		return -1;
	}
	return 0;
}

/* More input for libzstd when it used all it had. 0, or -1 with errno. */
static int
zstd_fill(struct decompress *d)
{
	ssize_t n;

	if (d->in.pos < d->in.size || d->eof)
		return 0;
	do
		n = read(d->fd, d->ibuf, d->ibufsz);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return -1;
	d->in = (ZSTD_inBuffer){ d->ibuf, (size_t)n, 0 };
	d->eof = n == 0;
	return 0;
}

static ssize_t
zstd_read(struct decompress *d, void *buf, size_t len)
{
	ZSTD_outBuffer out = { buf, len, 0 };
	size_t rc, before;

	while (out.pos == 0 && len > 0) {
		if (zstd_fill(d) == -1)
			return -1;
		if (d->eof && d->in.pos == d->in.size && d->frame_left == 0)
			return 0;
		before = d->in.pos;
		rc = ZSTD_decompressStream(d->dctx, &out, &d->in);
		if (ZSTD_isError(rc)) {
			errno = ZSTD_getErrorCode(rc) ==
			    ZSTD_error_memory_allocation ? ENOMEM : EIO;
			return -1;
		}
		d->frame_left = rc;
		/* Nothing more to read and nothing came out: cut short. */
		if (d->eof && out.pos == 0 && d->in.pos == before) {
			errno = EIO;
			return -1;
		}
	}
	return (ssize_t)out.pos;
}

ssize_t
decompress_read(struct decompress *d, void *buf, size_t len)
{
	return d->gz != NULL ? gz_read(d, buf, len) : zstd_read(d, buf, len);
}

bool
decompress_direct(struct decompress *d)
{
	return d->gz != NULL && gzdirect(d->gz);
}

void
decompress_close(struct decompress *d)
{
	if (d == NULL)
		return;
	if (d->gz != NULL)
		gzclose_r(d->gz);	/* closes the fd */
	else
		close(d->fd);
	ZSTD_freeDCtx(d->dctx);
	free(d->ibuf);
	free(d);
}
