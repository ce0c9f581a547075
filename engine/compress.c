/*
 * compress.c: gzip (one ordinary member, no name, the source's mtime, as
 * logrotate's `gzip` reading the file on its stdin writes) with zlib, zstd
 * (one frame with its checksum, as `zstd` writes) with libzstd, or a
 * rule's compressor program (compress_ext.c), into a temporary that
 * becomes the final name only once complete and on disk; copytruncate's
 * TRUNCATE way appends a member or frame for what writers added during its
 * syncs. It never removes a source whose output is not durable, and never
 * leaves its temporary behind on error. The streams themselves are
 * compress_par.c's (gzip, one or parallel blocks) and compress_zstd.c's.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine/compress.h"
#include "engine/compress_int.h"
#include "engine/compress_par.h"
#include "engine/compress_zstd.h"
#include "engine/decompress.h"
#include "engine/fscopy.h"
#include "engine/durable.h"
#include "util/fsutil.h"

/* The source's times; after the last write, which would move them. */
static int
set_times(int fd, const struct stat *st)
{
	struct timespec ts[2];

	ts[0] = st->st_atim;
	ts[1] = st->st_mtim;
	return futimens(fd, ts);
}

/* The source's owner, mode and times onto the finished temporary. */
static int
copy_attrs(int fd, const struct stat *st)
{
	if (fchown(fd, st->st_uid, st->st_gid) == -1) {
		/* Unprivileged, a foreign owner can't be given: keep ours. */
		if (errno != EPERM || geteuid() == 0)
			return -1;
	}
	if (fchmod(fd, st->st_mode & 07777) == -1)
		return -1;
	return set_times(fd, st);
}

/* ST with HOW's times, when it has its own (the log's, as rotated). */
static struct stat
attr_with(const struct stat *st, const struct compress_how *how)
{
	struct stat a = *st;

	if (how != NULL && how->has_times) {
		a.st_atim = how->atime;
		a.st_mtim = how->mtime;
	}
	return a;
}

/* The temporary for DST_NAME, mode 0600 until its attributes are copied. */
static int
tmp_create(struct durable_file *out, int dst_dirfd, const char *dst_name)
{
	struct fs_attr tattr = { 0600, (uid_t)-1, (gid_t)-1 };

	return durable_create(out, DURABLE_TMP, dst_dirfd, dst_name, &tattr);
}

static int
level_of(const struct compress_opts *opts)
{
	int level = opts != NULL ? opts->level : 0;

	if (opts != NULL && opts->kind == COMPRESS_ZSTD)
		return level < COMPRESS_ZSTD_MIN || level > COMPRESS_ZSTD_MAX ?
		    COMPRESS_ZSTD_DEFAULT : level;
	return level < 1 || level > 9 ? 6 : level;
}

struct compress_opts
compress_rule_opts(const struct log_rule *rule)
{
	return (struct compress_opts){ .level = rule->compresslevel,
	    .threads = rule->compressthreads,
	    .kind = rule->compressor == COMPRESSOR_ZSTD ? COMPRESS_ZSTD :
	    COMPRESS_GZIP };
}

static int
threads_of(const struct compress_opts *opts)
{
	return opts != NULL ? opts->threads : 0;
}

/* One gzip member or one zstd frame being written. */
struct stream {
	struct compress_par	*gz;
	struct compress_zstd	*zs;
};

static int
stream_open(struct stream *s, int out, const struct compress_opts *opts,
    int threads, time_t mtime)
{
	s->gz = NULL;
	s->zs = NULL;
	if (opts != NULL && opts->kind == COMPRESS_ZSTD)
		s->zs = compress_zstd_open(out, level_of(opts), threads);
	else
		s->gz = compress_par_open(out, level_of(opts), threads, mtime);
	return s->gz != NULL || s->zs != NULL ? 0 : -1;
}

static int
stream_feed(struct stream *s, int in, off_t *off, off_t limit)
{
	return s->zs != NULL ? compress_zstd_feed(s->zs, in, off, limit) :
	    compress_par_feed(s->gz, in, off, limit);
}

static int
stream_finish(struct stream *s, off_t *total)
{
	return s->zs != NULL ? compress_zstd_finish(s->zs, total) :
	    compress_par_finish(s->gz, total);
}

/* Ends the threads and frees; twice is fine. */
static void
stream_free(struct stream *s)
{
	compress_zstd_free(s->zs);
	compress_par_free(s->gz);
	s->gz = NULL;
	s->zs = NULL;
}

/*
 * The gzip header's MTIME for IN: a rotated file's own mtime, as gzip
 * stores it; for a live log compressed in place of copytruncate's copy
 * (LIVE), the time of the copy logrotate would have made. 0 (none) when
 * it cannot be read.
 */
static time_t
mtime_of(int in, bool live)
{
	struct stat st;

	if (live)
		return time(NULL);
	return fstat(in, &st) == 0 ? st.st_mtime : 0;
}

/*
 * IN (a live log when LIVE) from offset 0 up to LIMIT (-1: its end of
 * file) as one gzip member or zstd frame into the temporary OUT. *CONSUMED gets the
 * input byte count. Returns 0, or -1 with errno; the threads are gone
 * either way.
 */
static int
compress_range(int in, bool live, off_t limit, int out,
    const struct compress_opts *opts, off_t *consumed)
{
	struct stream st;
	off_t off = 0;
	int rc = -1;

	if (stream_open(&st, out, opts, threads_of(opts),
	    mtime_of(in, live)) == -1)
		return -1;
	if (stream_feed(&st, in, &off, limit) == 0 &&
	    stream_finish(&st, consumed) == 0)
		rc = 0;
	stream_free(&st);
	return rc;
}

/* Attributes, then into place; the source is still there on failure. */
static int
tmp_commit(struct durable_file *out, const struct stat *attr,
    const char *dst_name)
{
	if (copy_attrs(out->fd, attr) == -1 ||
	    durable_commit(out, dst_name, 0) == -1)
		return durable_abort(out);
	return 0;
}

int
compress_fd(int in, const struct stat *attr, int dst_dirfd,
    const char *dst_name, const struct compress_opts *opts, off_t *consumed)
{
	struct durable_file out;
	off_t total = 0;

	if (tmp_create(&out, dst_dirfd, dst_name) == -1)
		return -1;
	if (compress_range(in, false, -1, out.fd, opts, &total) == -1)
		return durable_abort(&out);
	if (tmp_commit(&out, attr, dst_name) == -1)
		return -1;
	if (consumed != NULL)
		*consumed = total;
	return 0;
}

#define HOLDS_BUFSZ	65536

/* Static buffers: compression runs on the rotation thread only. */
int
compress_holds(int packedfd, int plain, enum compress_holds_how how)
{
	static char bz[HOLDS_BUFSZ], bp[HOLDS_BUFSZ];
	struct decompress *d;
	off_t off = 0;
	ssize_t nz, np;
	int same = -1;

	if ((d = decompress_open(packedfd)) == NULL)
		return -1;
	for (;;) {
		if ((nz = decompress_read(d, bz, HOLDS_BUFSZ)) == -1) {
			/* what came before the cut matched, chunk by chunk */
			same = errno != EIO ? -1 : how == HOLDS_CUT_PREFIX;
			break;
		}
		np = pread(plain, bp, nz == 0 ? 1 : (size_t)nz, off);
		if (np == -1)
			break;
		if (nz == 0) {
			same = how != HOLDS_EXACT || np == 0;
			break;
		}
		if (np != nz || memcmp(bz, bp, (size_t)nz) != 0) {
			same = 0;
			break;
		}
		off += nz;
	}
	decompress_close(d);	/* closes PACKEDFD */
	return same;
}

int
compress_drop_stale(int src_dirfd, const char *src_name, int dst_dirfd,
    const char *dst_name)
{
	struct stat st;
	int gz, in, held;

	if ((gz = fs_open_log(dst_dirfd, dst_name, O_RDONLY, &st)) == -1) {
		errno = EEXIST;
		return -1;
	}
	if ((in = fs_open_log(src_dirfd, src_name, O_RDONLY, &st)) == -1) {
		close(gz);
		return -1;
	}
	held = compress_holds(gz, in, HOLDS_PREFIX);	/* closes GZ */
	close(in);
	if (held != 1) {
		errno = EEXIST;
		return -1;
	}
	return fs_unlink(dst_dirfd, dst_name);
}

/* HOW's program from IN into the temporary, then committed as DST_NAME. */
static int
make_ext(int in, const struct stat *attr, int dst_dirfd, const char *dst_name,
    const struct compress_how *how, int *status)
{
	struct durable_file out;

	if (tmp_create(&out, dst_dirfd, dst_name) == -1)
		return -1;
	if (compress_ext_run(in, out.fd, how, status) == -1)
		return durable_abort(&out);
	return tmp_commit(&out, attr, dst_name);
}

int
compress_make(int src_dirfd, const char *src_name, int dst_dirfd,
    const char *dst_name, const struct compress_how *how,
    struct compress_src *src)
{
	struct stat now, attr;
	int save;

	memset(src, 0, sizeof(*src));
	src->fd = -1;
	src->status = -1;
	if (fstatat(dst_dirfd, dst_name, &now, AT_SYMLINK_NOFOLLOW) == 0) {
		if (how->cmd != NULL) {
			errno = EEXIST;
			return -1;
		}
		if (compress_drop_stale(src_dirfd, src_name, dst_dirfd,
		    dst_name) == -1)
			return -1;
	}
	if ((src->fd = fs_open_log(src_dirfd, src_name, O_RDONLY,
	    &src->st)) == -1)
		return -1;
	if (how->refuse_links && src->st.st_nlink > 1) {
		close(src->fd);
		src->fd = -1;
		errno = EMLINK;
		return -1;
	}
	attr = attr_with(&src->st, how);
	if (how->cmd != NULL) {
		src->consumed = -1;
		if (make_ext(src->fd, &attr, dst_dirfd, dst_name, how,
		    &src->status) == 0)
			return 0;
	} else if (compress_fd(src->fd, &attr, dst_dirfd, dst_name,
	    &how->zopts, &src->consumed) == 0)
		return 0;
	save = errno;
	close(src->fd);
	src->fd = -1;
	errno = save;
	return -1;
}

void
compress_keep(struct compress_src *src)
{
	if (src->fd != -1)
		close(src->fd);
	src->fd = -1;
}

int
compress_drop(int src_dirfd, const char *src_name, int dst_dirfd,
    const char *dst_name, struct compress_src *src, compress_remove_fn rm,
    void *arg)
{
	struct stat now;
	off_t want = src->consumed != -1 ? src->consumed : src->st.st_size;
	int save;

	/*
	 * Remove the source only if the output holds all of it and the name
	 * still is the file we read; else undo the output, keep the source.
	 */
	if (fstat(src->fd, &now) == -1)
		goto fail_gz;
	if (now.st_size != want) {
		errno = EAGAIN;
		goto fail_gz;
	}
	if (fstatat(src_dirfd, src_name, &now, AT_SYMLINK_NOFOLLOW) == -1)
		goto fail_gz;
	if (now.st_dev != src->st.st_dev || now.st_ino != src->st.st_ino) {
		errno = ESTALE;
		goto fail_gz;
	}
	if ((rm != NULL ? rm(src_dirfd, src_name, arg) :
	    unlinkat(src_dirfd, src_name, 0)) == -1 ||
	    fs_fsync_dir(src_dirfd) == -1)
		goto fail;
	compress_keep(src);
	return 0;
fail_gz:
	save = errno;
	unlinkat(dst_dirfd, dst_name, 0);
	errno = save;
fail:
	save = errno;
	compress_keep(src);
	errno = save;
	return -1;
}

int
compress_file(int src_dirfd, const char *src_name, int dst_dirfd,
    const char *dst_name, const struct compress_opts *opts)
{
	struct compress_how how = { .deadline = -1 };
	struct compress_src src;

	if (opts != NULL)
		how.zopts = *opts;
	else
		how.zopts.level = 6;
	if (compress_make(src_dirfd, src_name, dst_dirfd, dst_name, &how,
	    &src) == -1)
		return -1;
	return compress_drop(src_dirfd, src_name, dst_dirfd, dst_name, &src,
	    NULL, NULL);
}

#define CT_PASSES	16	/* catch-up passes after the bulk, at most */

#define CT_SYNCED	4	/* synced catch-up members, at most */

/*
 * LIVE's bytes from *OFF to its end of file as one more gzip member or
 * zstd frame at the end of OUT (both readers concatenate them), synced if
 * SYNC.
 */
static int
append_member(int live, off_t *off, int out, const struct compress_opts *opts,
    bool sync)
{
	struct stream st;
	int rc = -1;

	if (lseek(out, 0, SEEK_END) == -1 ||
	    stream_open(&st, out, opts, 1, mtime_of(live, true)) == -1)
		return -1;
	if (stream_feed(&st, live, off, -1) == 0 &&
	    stream_finish(&st, NULL) == 0 && (!sync || fdatasync(out) == 0))
		rc = 0;
	stream_free(&st);
	return rc;
}

/*
 * The TRUNCATE way: see compress.h. The .gz is complete, on disk and
 * under its final name (directory synced) before LIVE is truncated, so a
 * power loss never leaves the only copy of the bulk in a torn file.
 * Whatever arrived during that sync goes into another member, synced in
 * turn, until a look finds nothing new: the loss window is then that look
 * and the ftruncate. A writer that never pauses through CT_SYNCED members
 * gets the last one synced only after the truncate. fsutil.c's
 * ct_truncate is the same algorithm for a plain copy; keep them in step.
 */
static int
ct_truncate(int live, const struct stat *attr, int dst_dirfd,
    const char *dst_name, const struct compress_opts *opts,
    struct fs_ct_result *res)
{
	struct stream cs = { NULL, NULL };
	struct durable_file out;
	struct stat now;
	off_t off = 0, prev;
	int passes = 0;
	bool last = false;

	if (tmp_create(&out, dst_dirfd, dst_name) == -1)
		return -1;
	if (stream_open(&cs, out.fd, opts, threads_of(opts),
	    mtime_of(live, true)) == -1)
		return durable_abort(&out);
	if (stream_feed(&cs, live, &off, -1) == -1 ||
	    fdatasync(out.fd) == -1 || copy_attrs(out.fd, attr) == -1)
		goto fail;
	/* Catch up with the writers until a pass finds nothing new. */
	do {
		prev = off;
		if (stream_feed(&cs, live, &off, -1) == -1)
			goto fail;
	} while (off > prev && ++passes < CT_PASSES);
	if (stream_finish(&cs, NULL) == -1 || set_times(out.fd, attr) == -1)
		goto fail;
	stream_free(&cs);
	/* Under DST_NAME from here: LIVE keeps every byte until the cut. */
	if (durable_publish(&out, dst_name, 0) == -1)
		goto fail;
	/* What arrived during the syncs: more members, until nothing comes. */
	for (passes = 0; !last; passes++) {
		if (fstat(live, &now) == -1)
			goto fail;
		if (now.st_size <= off)
			break;
		last = passes + 1 >= CT_SYNCED;
		if (append_member(live, &off, out.fd, opts, !last) == -1 ||
		    set_times(out.fd, attr) == -1)
			goto fail;
	}
	if (ftruncate(live, 0) == -1)
		goto fail;	/* LIVE keeps everything: the .gz would duplicate */
	res->method = FS_CT_TRUNCATED;
	res->copied = off;
	res->left = 0;
	if (last)
		(void)fdatasync(out.fd);
	close(out.fd);
	return 0;
fail:
	stream_free(&cs);
	return durable_discard(&out);	/* LIVE still has every byte */
}

int
compress_copytruncate(int live, const struct stat *attr, int dst_dirfd,
    const char *dst_name, const struct compress_opts *opts, int flags,
    struct fs_ct_result *res)
{
	struct durable_file out;
	struct stat st;
	off_t aligned, total = 0;
	bool retry = false;
	int save, rc;

	res->method = FS_CT_TRUNCATED;
	res->copied = res->left = res->dup = 0;
	if (fstatat(dst_dirfd, dst_name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		errno = EEXIST;
		return -1;
	}
	if (fstat(live, &st) == -1)
		return -1;
	/* Nobody else holds the log, nor can until the end: logrotate's way. */
	if (!(flags & FS_CT_COLLAPSE_ONLY) && fs_lease_alone(live)) {
		rc = ct_truncate(live, attr, dst_dirfd, dst_name, opts, res);
		fs_lease_end(live);
		return rc;
	}
	if (flags & FS_CT_TRUNCATE)
		goto truncate;
	if (!fs_can_collapse(live) && !(flags & FS_CT_COLLAPSE_ONLY))
		goto truncate;
	if (fs_collapsible(live, st.st_size, &aligned) == -1)
		return -1;
	if (aligned <= 0 && !(flags & FS_CT_COLLAPSE_ONLY))
		goto truncate;

	/* Exactly the prefix that will leave LIVE goes into the .gz. */
	if (tmp_create(&out, dst_dirfd, dst_name) == -1)
		return -1;
	if (compress_range(live, true, aligned, out.fd, opts, &total) == -1)
		return durable_abort(&out);
	if (total != aligned) {
		errno = EAGAIN;		/* LIVE shrank under us */
		return durable_abort(&out);
	}
	if (tmp_commit(&out, attr, dst_name) == -1)
		goto undo;
	if (aligned > 0 && fs_collapse(live, aligned) == -1) {
		/* A file system that can't collapse after all: truncate. */
		retry = errno == EOPNOTSUPP && !(flags & FS_CT_COLLAPSE_ONLY);
		goto undo;
	}
	res->method = FS_CT_COLLAPSED;
	res->copied = aligned;
	res->left = st.st_size - aligned;
	return 0;
undo:
	/* LIVE still holds every byte: the .gz goes. */
	save = errno;
	if (unlinkat(dst_dirfd, dst_name, 0) == 0)
		(void)fs_fsync_dir(dst_dirfd);
	errno = save;
	if (!retry)
		return -1;
truncate:
	return ct_truncate(live, attr, dst_dirfd, dst_name, opts, res);
}

