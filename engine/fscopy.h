/*
 * fscopy.h: the primitives that move a log's bytes: fs_copy, and
 * copytruncate that loses none (fs_copytruncate and the pieces compress.c's
 * one-pass copytruncate + compress shares). Same rules as util/fsutil.h:
 * descriptors in, -1 with errno out, nothing printed.
 */
#ifndef MOND_FSCOPY_H
#define MOND_FSCOPY_H

#include <sys/types.h>

/*
 * Copies IN from offset IN_OFF to its end of file (until a read returns 0)
 * into OUT at OUT_OFF, with copy_file_range where the kernel can and
 * read/write otherwise (EXDEV, ENOSYS, EINVAL, EOPNOTSUPP), resuming short
 * copies and EINTR. FS_COPY_NOCFR forces read/write. A sparse IN (fewer
 * blocks than its size) is read whole and its blocks of zeros are not
 * written: they stay holes in OUT, which must be new. *NCOPIED (if not
 * NULL) gets the bytes copied, even on failure. Returns 0, or -1 (errno).
 */
#define FS_COPY_NOCFR	0x1
int	fs_copy(int in, off_t in_off, int out, off_t out_off, int flags,
	    off_t *ncopied);

/*
 * copytruncate without losing a byte. Copies LIVE (from offset 0) into DST
 * (from offset 0), fdatasyncs DST, then removes the copied prefix from LIVE:
 *
 *  - ALONE: nobody else has the log open (fs_lease_alone), and nobody can
 *    open it until the end: all of it is copied, then LIVE is truncated,
 *    as logrotate does, with no writer to lose. Not with
 *    FS_CT_COLLAPSE_ONLY.
 *  - COLLAPSE: fallocate(FALLOC_FL_COLLAPSE_RANGE) removes the block-
 *    aligned part of the copy from the head of LIVE atomically with
 *    respect to writers; DST is truncated back to that length, so the
 *    unaligned rest stays only in LIVE (as its first bytes). Nothing is
 *    lost, nothing duplicated, but DST may end mid-line.
 *  - TRUNCATE (no COLLAPSE_RANGE, a log smaller than one block, or
 *    FS_CT_TRUNCATE): fdatasync the copy, copy again what arrived during
 *    the sync and sync that, until a copy finds nothing new; then
 *    ftruncate(LIVE, 0) at once, so no byte leaves LIVE before it is on
 *    disk in DST. A write landing between that last read (which found end
 *    of file) and the ftruncate is lost: logrotate's window, shrunk to two
 *    syscalls whatever the log's size.
 *
 * Writers must use O_APPEND (true for any copytruncate setup). DST's name
 * must already be durable (fs_fsync_dir after creating it) for the crash
 * guarantee. Returns -1 only while LIVE is untouched (DST then holds a
 * partial copy the caller removes); once bytes have left LIVE it returns
 * 0, since DST is their only home. Fills *RES.
 */
#define FS_CT_TRUNCATE		0x1	/* force the TRUNCATE path */
#define FS_CT_NOCFR		0x2	/* copies with read/write */
/*
 * Never truncate: less than one block copied leaves everything in LIVE
 * (DST empty, COLLAPSED, left = all); no COLLAPSE_RANGE fails EOPNOTSUPP.
 */
#define FS_CT_COLLAPSE_ONLY	0x4

enum fs_ct_method { FS_CT_COLLAPSED, FS_CT_TRUNCATED };

struct fs_ct_result {
	enum fs_ct_method method;
	off_t	copied;		/* bytes now in DST */
	off_t	left;		/* copied bytes left at LIVE's head (COLLAPSE) */
	off_t	dup;		/* of those, also in DST (shrinking DST failed) */
};

int	fs_copytruncate(int live, int dst, int flags, struct fs_ct_result *res);

/*
 * Whether FD's file is open nowhere but through FD, and kept so until
 * fs_lease_end(FD): a write lease (F_SETLEASE F_WRLCK) is granted only to
 * the file's sole opener, and while it is held an open() from anywhere
 * else waits until it is released (or the kernel's lease-break-time). No
 * signal comes of a lease break. Returns 1 when held; 0 when the file is
 * open elsewhere or a lease is refused (no CAP_LEASE, a file system
 * without leases).
 */
int	fs_lease_alone(int fd);
void	fs_lease_end(int fd);

/*
 * The pieces of fs_copytruncate's COLLAPSE path, shared with compress.c's
 * one-pass copytruncate + compress. fs_collapsible: the longest prefix of
 * LIVE's first N bytes that COLLAPSE_RANGE may remove now: N rounded down
 * to the file system block, one block less when that would reach LIVE's
 * end of file; 0 when under one block. Returns 0 and sets *ALIGNED.
 * fs_collapse: removes LIVE's first LEN bytes (from fs_collapsible)
 * atomically with respect to O_APPEND writers; a file system that can't
 * fails with EOPNOTSUPP (ENOSYS and EINVAL mapped to it). Returns 0.
 * fs_can_collapse: 1 when FD's file system is one known to implement
 * COLLAPSE_RANGE (ext4, xfs), a hint to skip work that would be undone.
 */
int	fs_collapsible(int live, off_t n, off_t *aligned);
int	fs_collapse(int live, off_t len);
int	fs_can_collapse(int fd);

#endif
