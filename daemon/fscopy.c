/*
 * fscopy.c: moving a log's bytes (DESIGN §6): fs_copy, which keeps a
 * sparse log's holes, and the copytruncate strategies, which must never
 * lose a byte a writer appends meanwhile. Like fsutil.c it acts on fds
 * the caller opened safely and never logs.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <linux/falloc.h>
#include <linux/magic.h>

#include "daemon/fsutil.h"

/* Copies IN from *IN_OFF to END (EOF when END is -1) by read/write. */
static int
copy_rw(int in, off_t *in_off, int out, off_t *out_off, off_t end,
    off_t *total)
{
	char buf[65536];
	size_t want, done;
	ssize_t r, w;

	for (;;) {
		want = sizeof(buf);
		if (end != -1 && end - *in_off < (off_t)want)
			want = (size_t)(end - *in_off);
		if (want == 0)
			return 0;
		r = pread(in, buf, want, *in_off);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return -1;
		if (r == 0)
			return 0;
		for (done = 0; done < (size_t)r; done += (size_t)w) {
			w = pwrite(out, buf + done, (size_t)r - done,
			    *out_off);
			if (w == -1 && errno == EINTR) {
				w = 0;
				continue;
			}
			if (w == -1)
				return -1;
			*out_off += w;
			*in_off += w;
			*total += w;
		}
	}
}

/*
 * One span of data, [*IN_OFF, END) or to EOF when END is -1: by
 * copy_file_range while the kernel takes it (*FLAGS gets FS_COPY_NOCFR
 * when it refuses), then by read/write.
 */
static int
copy_span(int in, off_t *in_off, int out, off_t *out_off, off_t end,
    int *flags, off_t *total)
{
	size_t want;
	ssize_t n;

	while (!(*flags & FS_COPY_NOCFR)) {
		want = 1 << 30;
		if (end != -1 && end - *in_off < (off_t)want)
			want = (size_t)(end - *in_off);
		if (want == 0)
			return 0;
		n = copy_file_range(in, in_off, out, out_off, want, 0);
		if (n > 0) {
			*total += n;
			continue;
		}
		if (n == 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno != EXDEV && errno != ENOSYS && errno != EINVAL &&
		    errno != EOPNOTSUPP && errno != EBADF)
			return -1;
		*flags |= FS_COPY_NOCFR;  /* the offsets were not moved */
	}
	return copy_rw(in, in_off, out, out_off, end, total);
}

/*
 * SEEK_DATA found no data from *IN_OFF on: either IN ends there, or it
 * ends in a hole, which OUT then gets too, grown to the matching size
 * without a block written (a log extended by truncate -s, as logrotate's
 * copy keeps it). Data a writer appends meanwhile is no hole: only a
 * second SEEK_DATA after the size was read tells the two apart. Returns
 * 1 when there is data to copy after all, 0 at the end, -1 on error.
 */
static int
trailing_hole(int in, off_t *in_off, int out, off_t *out_off, off_t *total)
{
	struct stat ist, ost;
	off_t gap;

	if (fstat(in, &ist) == -1)
		return -1;
	if (ist.st_size <= *in_off)
		return 0;
	if (lseek(in, *in_off, SEEK_DATA) != -1)
		return 1;
	if (errno != ENXIO || fstat(out, &ost) == -1)
		return -1;
	gap = ist.st_size - *in_off;
	if (ost.st_size < *out_off + gap && ftruncate(out, *out_off + gap) == -1)
		return -1;
	*in_off += gap;
	*out_off += gap;
	*total += gap;
	return 0;
}

int
fs_copy(int in, off_t in_off, int out, off_t out_off, int flags,
    off_t *ncopied)
{
	off_t total = 0, data, hole;
	int rc = 0;

	for (;;) {
		/* The data extents only: holes stay holes in the copy. */
		data = lseek(in, in_off, SEEK_DATA);
		if (data == -1 && errno == ENXIO) {
			rc = trailing_hole(in, &in_off, out, &out_off, &total);
			if (rc == 1)
				continue;
			break;
		}
		if (data == -1 || (hole = lseek(in, data, SEEK_HOLE)) == -1) {
			/* No map of the holes here: all of it, as data. */
			rc = copy_span(in, &in_off, out, &out_off, -1, &flags,
			    &total);
			break;
		}
		total += data - in_off;
		out_off += data - in_off;
		in_off = data;
		if ((rc = copy_span(in, &in_off, out, &out_off, hole, &flags,
		    &total)) == -1 || in_off < hole)
			break;	/* a failure, or IN shrank under us */
	}
	if (ncopied != NULL)
		*ncopied = total;
	return rc;
}

#define CT_SYNCED	4	/* synced catch-up copies, at most */

/*
 * Copy to end of file, make it durable, copy what arrived during the sync
 * and sync again, until a copy finds nothing new; then truncate. So the
 * copy is on disk before its bytes leave LIVE, and the loss window is the
 * last read that found end of file and the ftruncate: two syscalls,
 * whatever the log's size. A writer that never pauses through CT_SYNCED
 * syncs gets the old compromise: the last catch-up is synced only after
 * the truncate (a power loss then can lose those few bytes; waiting for
 * the sync would lose for certain what arrives during it). compress.c's
 * ct_truncate is the same algorithm for a .gz; keep the two in step.
 */
static int
ct_truncate(int live, int dst, int flags, struct fs_ct_result *res)
{
	off_t off = res->copied, n = 0;
	int cflags = (flags & FS_CT_NOCFR) ? FS_COPY_NOCFR : 0;
	int passes = 0;

	res->method = FS_CT_TRUNCATED;
	do {
		if (fdatasync(dst) == -1)
			return -1;
		if (fs_copy(live, off, dst, off, cflags, &n) == -1) {
			res->copied = off + n;
			return -1;
		}
		off += n;
		res->copied = off;
	} while (n > 0 && ++passes < CT_SYNCED);
	if (ftruncate(live, 0) == -1)
		return -1;
	res->left = 0;
	if (n > 0)
		(void)fdatasync(dst);
	return 0;
}

int
fs_can_collapse(int fd)
{
	struct statfs sfs;

	if (fstatfs(fd, &sfs) == -1)
		return 0;
	return sfs.f_type == EXT4_SUPER_MAGIC || sfs.f_type == XFS_SUPER_MAGIC;
}

int
fs_collapsible(int live, off_t n, off_t *aligned)
{
	struct statfs sfs;
	struct stat st;
	off_t blk;

	if (fstatfs(live, &sfs) == -1 || fstat(live, &st) == -1)
		return -1;
	blk = sfs.f_bsize > 0 ? (off_t)sfs.f_bsize : 4096;
	*aligned = n - n % blk;
	/* COLLAPSE_RANGE may not reach EOF; the size only grows meanwhile. */
	if (*aligned >= st.st_size)
		*aligned -= blk;
	if (*aligned < 0)
		*aligned = 0;
	return 0;
}

int
fs_collapse(int live, off_t len)
{
	if (fallocate(live, FALLOC_FL_COLLAPSE_RANGE, 0, len) == 0)
		return 0;
	if (errno == ENOSYS || errno == EINVAL)
		errno = EOPNOTSUPP;
	return -1;
}

int
fs_lease_alone(int fd)
{
	if (fcntl(fd, F_SETLEASE, F_WRLCK) == -1)
		return 0;
	/* Whoever breaks the lease waits for us; nobody is to be signalled. */
	if (fcntl(fd, F_SETOWN, 0) == -1) {
		fs_lease_end(fd);
		return 0;
	}
	return 1;
}

void
fs_lease_end(int fd)
{
	(void)fcntl(fd, F_SETLEASE, F_UNLCK);
}

/* ALONE: the log is ours only, under a lease: copy it all, then empty it. */
static int
ct_alone(int live, int dst, int cflags, struct fs_ct_result *res)
{
	off_t n = 0;
	int rc = -1;

	if (fs_copy(live, 0, dst, 0, cflags, &n) == 0 && fdatasync(dst) == 0 &&
	    ftruncate(live, 0) == 0)
		rc = 0;
	res->copied = n;
	fs_lease_end(live);
	return rc;
}

int
fs_copytruncate(int live, int dst, int flags, struct fs_ct_result *res)
{
	off_t n, aligned;
	int cflags = (flags & FS_CT_NOCFR) ? FS_COPY_NOCFR : 0;

	res->method = FS_CT_TRUNCATED;
	res->copied = res->left = res->dup = 0;
	if (!(flags & FS_CT_COLLAPSE_ONLY) && fs_lease_alone(live))
		return ct_alone(live, dst, cflags, res);
	if (fs_copy(live, 0, dst, 0, cflags, &n) == -1) {
		res->copied = n;
		return -1;
	}
	res->copied = n;
	if (flags & FS_CT_TRUNCATE)
		return ct_truncate(live, dst, flags, res);

	if (fs_collapsible(live, n, &aligned) == -1)
		return -1;
	if (aligned <= 0 && (flags & FS_CT_COLLAPSE_ONLY)) {
		/* Less than a block: it all stays in LIVE, DST stays empty. */
		if (ftruncate(dst, 0) == -1)
			return -1;
		res->method = FS_CT_COLLAPSED;
		res->left = n;
		res->copied = 0;
		return 0;
	}
	if (aligned <= 0)
		return ct_truncate(live, dst, flags, res);

	/* The copy must be on disk before its bytes leave the live file. */
	if (fdatasync(dst) == -1)
		return -1;
	if (fs_collapse(live, aligned) == -1) {
		if (errno == EOPNOTSUPP && !(flags & FS_CT_COLLAPSE_ONLY))
			return ct_truncate(live, dst, flags, res);
		return -1;
	}
	/*
	 * The unaligned rest stays in LIVE only: drop it from the copy. From
	 * here on DST is the only home of the collapsed bytes, so a failure
	 * must not make the caller remove it: a duplicate beats a loss.
	 */
	res->method = FS_CT_COLLAPSED;
	res->left = n - aligned;
	res->copied = aligned;
	if (ftruncate(dst, aligned) == -1) {
		res->copied = n;
		res->dup = n - aligned;
	}
	(void)fdatasync(dst);
	return 0;
}
