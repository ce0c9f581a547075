/*
 * compress.c: gzip (one ordinary member, no name, mtime 0, as logrotate's
 * `gzip` reading a pipe writes) with zlib, into a temporary that becomes
 * the final name only once complete and on disk. It never removes a source
 * whose .gz is not durable, and never leaves its temporary behind on error.
 * The single-stream deflate below is the path the parallel one (issue 5)
 * will sit beside, behind the same two entry points.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "daemon/compress.h"
#include "daemon/fsutil.h"

#define CHUNK	(256 * 1024)

static int
write_all(int fd, const unsigned char *b, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, b, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Maps zlib's failure to an errno; its messages are for humans. */
static int
zerr(int zrc)
{
	return zrc == Z_MEM_ERROR ? ENOMEM : EIO;
}

/*
 * Deflates IN (offset 0 to end of file) into OUT as one gzip member.
 * deflateEnd on every path. Returns 0, or -1 with errno.
 */
static int
deflate_fd(int in, int out, int level, off_t *consumed)
{
	unsigned char *ibuf, *obuf;
	z_stream zs;
	off_t off = 0;
	ssize_t r;
	int zrc, flush, rc = -1, save = 0;

	ibuf = malloc(CHUNK);
	obuf = malloc(CHUNK);
	if (ibuf == NULL || obuf == NULL) {
		free(ibuf);
		free(obuf);
		errno = ENOMEM;
		return -1;
	}
	memset(&zs, 0, sizeof(zs));
	zrc = deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY);
	if (zrc != Z_OK) {
		free(ibuf);
		free(obuf);
		errno = zerr(zrc);
		return -1;
	}
	do {
		do
			r = pread(in, ibuf, CHUNK, off);
		while (r == -1 && errno == EINTR);
		if (r == -1) {
			save = errno;
			goto done;
		}
		off += r;
		flush = r == 0 ? Z_FINISH : Z_NO_FLUSH;
		zs.next_in = ibuf;
		zs.avail_in = (uInt)r;
		do {
			zs.next_out = obuf;
			zs.avail_out = CHUNK;
			zrc = deflate(&zs, flush);
			if (zrc == Z_STREAM_ERROR) {
				save = EIO;
				goto done;
			}
			if (write_all(out, obuf, CHUNK - zs.avail_out) == -1) {
				save = errno;
				goto done;
			}
		} while (zs.avail_out == 0);
	} while (flush != Z_FINISH);
	if (zrc != Z_STREAM_END) {
		save = EIO;
		goto done;
	}
	rc = 0;
	if (consumed != NULL)
		*consumed = off;
done:
	deflateEnd(&zs);
	free(ibuf);
	free(obuf);
	if (rc == -1)
		errno = save;
	return rc;
}

/* The source's owner, mode and times onto the finished temporary. */
static int
copy_attrs(int fd, const struct stat *st)
{
	struct timespec ts[2];

	if (fchown(fd, st->st_uid, st->st_gid) == -1) {
		/* Unprivileged, a foreign owner can't be given: keep ours. */
		if (errno != EPERM || geteuid() == 0)
			return -1;
	}
	if (fchmod(fd, st->st_mode & 07777) == -1)
		return -1;
	ts[0] = st->st_atim;
	ts[1] = st->st_mtim;
	return futimens(fd, ts);
}

int
compress_fd(int in, const struct stat *attr, int dst_dirfd,
    const char *dst_name, const struct compress_opts *opts, off_t *consumed)
{
	struct fs_attr tattr = { 0600, (uid_t)-1, (gid_t)-1 };
	char tmp[NAME_MAX + 1];
	int out, level, save;

	level = opts != NULL ? opts->level : 6;
	if (level < 1 || level > 9)
		level = 6;
	if (fs_tmpname(dst_name, tmp, sizeof(tmp)) == -1)
		return -1;
	out = fs_create_excl(dst_dirfd, tmp, &tattr, 0);
	if (out == -1 && errno == EEXIST && unlinkat(dst_dirfd, tmp, 0) == 0)
		out = fs_create_excl(dst_dirfd, tmp, &tattr, 0);
	if (out == -1)
		return -1;
	if (deflate_fd(in, out, level, consumed) == -1 ||
	    copy_attrs(out, attr) == -1 || fsync(out) == -1)
		goto fail;
	if (close(out) == -1) {
		out = -1;
		goto fail;
	}
	out = -1;
	if (fs_rename(dst_dirfd, tmp, dst_dirfd, dst_name, true) == -1)
		goto fail;
	if (fs_fsync_dir(dst_dirfd) == -1)
		return -1;
	return 0;
fail:
	save = errno;
	if (out != -1)
		close(out);
	unlinkat(dst_dirfd, tmp, 0);
	errno = save;
	return -1;
}

int
compress_file(int src_dirfd, const char *src_name, int dst_dirfd,
    const char *dst_name, const struct compress_opts *opts)
{
	struct stat st, now;
	off_t consumed = 0;
	int in, save;

	if (fstatat(dst_dirfd, dst_name, &now, AT_SYMLINK_NOFOLLOW) == 0) {
		errno = EEXIST;
		return -1;
	}
	if ((in = fs_open_log(src_dirfd, src_name, O_RDONLY, &st)) == -1)
		return -1;
	if (compress_fd(in, &st, dst_dirfd, dst_name, opts, &consumed) == -1)
		goto fail;
	/*
	 * Remove the source only if the .gz holds all of it and the name
	 * still is the file we read; else undo the .gz, keep the source.
	 */
	if (fstat(in, &now) == -1)
		goto fail_gz;
	if (now.st_size != consumed) {
		errno = EAGAIN;
		goto fail_gz;
	}
	if (fstatat(src_dirfd, src_name, &now, AT_SYMLINK_NOFOLLOW) == -1)
		goto fail_gz;
	if (now.st_dev != st.st_dev || now.st_ino != st.st_ino) {
		errno = ESTALE;
		goto fail_gz;
	}
	if (unlinkat(src_dirfd, src_name, 0) == -1 ||
	    fs_fsync_dir(src_dirfd) == -1)
		goto fail;
	close(in);
	return 0;
fail_gz:
	save = errno;
	unlinkat(dst_dirfd, dst_name, 0);
	errno = save;
fail:
	save = errno;
	close(in);
	errno = save;
	return -1;
}

int
compress_clean_temps(int dirfd)
{
	return fs_clean_temps(dirfd);
}
