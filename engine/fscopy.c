/*
 * fscopy.c: moving a log's bytes (DESIGN §6): fs_copy, which keeps a
 * sparse log's holes without trusting the file system's map of them,
 * and the copytruncate strategies, which must never lose a byte a
 * writer appends meanwhile. Like fsutil.c it acts on fds the caller
 * opened safely and never logs.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <linux/falloc.h>
#include <linux/magic.h>

#include "engine/fscopy.h"
#include "util/fsutil.h"

#define ZERO_BLOCK	4096

/* Whether the N bytes at P are all zero. */
static bool
all_zero(const char *p, size_t n)
{
	return n > 0 && p[0] == 0 && memcmp(p, p + 1, n - 1) == 0;
}

/*
 * Writes BUF's R bytes at *OUT_OFF, advancing the offsets; with SPARSE,
 * a block of zeros is skipped instead (OUT is new: the gap reads as
 * zeros once fs_copy extends OUT past it).
 */
static int
put_chunk(int out, const char *buf, size_t r, off_t *in_off, off_t *out_off,
    off_t *total, bool sparse)
{
	size_t done, n;
	ssize_t w;

	for (done = 0; done < r; done += n) {
		n = r - done < ZERO_BLOCK ? r - done : ZERO_BLOCK;
		if (sparse && all_zero(buf + done, n))
			w = (ssize_t)n;
		else if ((w = pwrite(out, buf + done, n, *out_off)) == -1) {
			if (errno != EINTR)
				return -1;
			w = 0;
		}
		n = (size_t)w;
		*out_off += w;
		*in_off += w;
		*total += w;
	}
	return 0;
}

/* Copies IN from *IN_OFF to its end of file by read/write. */
static int
copy_rw(int in, off_t *in_off, int out, off_t *out_off, off_t *total,
    bool sparse)
{
	char buf[65536];
	ssize_t r;

	for (;;) {
		r = pread(in, buf, sizeof(buf), *in_off);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return -1;
		if (r == 0)
			return 0;
		if (put_chunk(out, buf, (size_t)r, in_off, out_off, total,
		    sparse) == -1)
			return -1;
	}
}

/*
 * By copy_file_range while the kernel takes it, then by read/write
 * (EXDEV, ENOSYS, EINVAL, EOPNOTSUPP, EBADF: the offsets were not moved).
 */
static int
copy_all(int in, off_t *in_off, int out, off_t *out_off, int flags,
    off_t *total)
{
	ssize_t n;

	while (!(flags & FS_COPY_NOCFR)) {
		n = copy_file_range(in, in_off, out, out_off, 1 << 30, 0);
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
		break;
	}
	return copy_rw(in, in_off, out, out_off, total, false);
}

/*
 * A sparse log (fewer blocks than its size needs: a database's, wtmp
 * after a truncate -s) is copied as logrotate copies it: every byte is
 * read, and blocks of zeros are not written, so its holes stay holes.
 * The file system's own hole map (SEEK_HOLE) is not trusted with a live
 * log: where it is wrong about fresh writes, bytes would become zeros.
 */
int
fs_copy(int in, off_t in_off, int out, off_t out_off, int flags,
    off_t *ncopied)
{
	struct stat ist, ost;
	off_t total = 0;
	bool sparse;
	int rc, save;

	sparse = fstat(in, &ist) == 0 &&
	    (off_t)ist.st_blocks * 512 < ist.st_size;
	if (!sparse)
		rc = copy_all(in, &in_off, out, &out_off, flags, &total);
	else {
		rc = copy_rw(in, &in_off, out, &out_off, &total, true);
		/* Zeros skipped at the end: OUT still has to reach them. */
		save = errno;
		if (fstat(out, &ost) == -1 || (ost.st_size < out_off &&
		    ftruncate(out, out_off) == -1))
			rc = -1;
		else
			errno = save;
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
	/*
	 * F_SETLEASE makes this process the file's owner, and a lease break
	 * signals the owner: SIGIO unless F_SETSIG says otherwise, and SIGIO
	 * kills. A writer opening the log between F_SETLEASE and F_SETOWN
	 * below would end mond (CI saw a test die so). SIGURG is ignored by
	 * default: the break is told with it, to no one.
	 */
	if (fcntl(fd, F_SETSIG, SIGURG) == -1 ||
	    fcntl(fd, F_SETLEASE, F_WRLCK) == -1)
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
