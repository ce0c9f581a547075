/*
 * fsutil.c: safe file primitives (DESIGN §6). Every function acts on a
 * directory fd and one path component, opens with O_NOFOLLOW and judges the
 * result by fstat on the fd, never by a second lookup of the path. It never
 * logs and never follows a symlink it did not expect.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>	/* renameat, renameat2 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fsutil.h"

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE	(1 << 0)
#endif

/* Closes FD keeping errno, for error paths. */
static void
close_keep(int fd)
{
	int save = errno;

	if (fd != -1)
		close(fd);
	errno = save;
}

int
fs_open_dir(const char *path)
{
	/*
	 * A symlink is followed, last component included: pathwalk_dir has
	 * found that only root could have made it (/var/log -> /srv/log), or
	 * else the work runs as the user who could, with their rights only.
	 */
	return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

int
fs_open_dirat(int dirfd, const char *name)
{
	return openat(dirfd, name,
	    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

int
fs_split_path(const char *path, char **dir, const char **base)
{
	const char *slash = strrchr(path, '/');

	*base = slash != NULL ? slash + 1 : path;
	if (dir == NULL)
		return 0;
	if (slash == NULL)
		*dir = strdup(".");
	else
		*dir = strndup(path,
		    slash == path ? 1 : (size_t)(slash - path));
	return *dir == NULL ? -1 : 0;
}

int
fs_open_log(int dirfd, const char *name, int flags, struct stat *st)
{
	int fd, fl;

	/* O_NONBLOCK so a FIFO planted at the name can't hang the open. */
	fd = openat(dirfd, name, flags | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK |
	    O_NOCTTY);
	if (fd == -1)
		return -1;
	if (fstat(fd, st) == -1)
		goto fail;
	if (!S_ISREG(st->st_mode)) {
		errno = EINVAL;
		goto fail;
	}
	if (!(flags & O_NONBLOCK) && ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == -1))
		goto fail;
	return fd;
fail:
	close_keep(fd);
	return -1;
}

char *
fs_read_file(const char *path, size_t maxlen, size_t *len, struct stat *st)
{
	struct stat sb, *sp = st != NULL ? st : &sb;
	char *buf = NULL, *nb;
	size_t cap = 0, n = 0;
	ssize_t r;
	int fd, save;

	/* O_NONBLOCK: a FIFO planted at PATH fails the S_ISREG test, not hangs. */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC |
	    O_NOCTTY);
	if (fd == -1)
		return NULL;
	if (fstat(fd, sp) == -1)
		goto fail;
	if (!S_ISREG(sp->st_mode)) {
		errno = EINVAL;
		goto fail;
	}
	for (;;) {
		if (cap - n < 4096) {
			cap = cap ? cap * 2 : (size_t)sp->st_size + 4096;
			if ((nb = realloc(buf, cap + 1)) == NULL)
				goto fail;
			buf = nb;
		}
		r = read(fd, buf + n, cap - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			goto fail;
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > maxlen) {
			errno = EFBIG;
			goto fail;
		}
	}
	close(fd);
	buf[n] = '\0';
	*len = n;
	return buf;
fail:
	save = errno;
	free(buf);
	close(fd);
	errno = save;
	return NULL;
}

int
fs_dir_insecure(const struct stat *dirst)
{
	if (dirst->st_mode & S_IWOTH)
		return 1;
	if ((dirst->st_mode & S_IWGRP) && dirst->st_gid != 0)
		return 1;
	return 0;
}

/* fchown (ids not -1) then fchmod, on the fd. */
static int
apply_attr(int fd, const struct fs_attr *attr)
{
	if (attr->uid != (uid_t)-1 || attr->gid != (gid_t)-1)
		if (fchown(fd, attr->uid, attr->gid) == -1)
			return -1;
	/* After fchown: it clears set-id bits, so the mode comes last. */
	return fchmod(fd, attr->mode);
}

int
fs_create_excl(int dirfd, const char *name, const struct fs_attr *attr,
    int flags)
{
	int fd;

	fd = openat(dirfd, name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC | flags, 0600);
	if (fd == -1)
		return -1;
	if (apply_attr(fd, attr) == -1) {
		close_keep(fd);
		/* We made it (O_EXCL), so removing NAME removes only ours. */
		int save = errno;
		unlinkat(dirfd, name, 0);
		errno = save;
		return -1;
	}
	return fd;
}

int
fs_write_all(int fd, const void *buf, size_t n)
{
	const char *b = buf;
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

ssize_t
fs_pread_upto(int fd, void *buf, size_t want, off_t *off, off_t limit)
{
	char *b = buf;
	size_t got = 0;
	ssize_t r;

	if (limit >= 0 && (off_t)want > limit - *off)
		want = limit > *off ? (size_t)(limit - *off) : 0;
	while (got < want) {
		r = pread(fd, b + got, want - got, *off);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
		*off += r;
	}
	return (ssize_t)got;
}

int
fs_fsync_dir(int dirfd)
{
	return fsync(dirfd);
}

/*
 * A no-replace rename of a file by linkat + unlinkat: an existing NEW
 * fails with EEXIST. If the unlink fails, the second name is undone.
 */
static int
rename_by_link(int olddirfd, const char *old, int newdirfd, const char *new)
{
	int save;

	if (linkat(olddirfd, old, newdirfd, new, 0) == -1)
		return -1;
	if (unlinkat(olddirfd, old, 0) == 0)
		return 0;
	save = errno;
	unlinkat(newdirfd, new, 0);
	errno = save;
	return -1;
}

int
fs_rename(int olddirfd, const char *old, int newdirfd, const char *new,
    bool noreplace)
{
	if (!noreplace)
		return renameat(olddirfd, old, newdirfd, new);
	if (renameat2(olddirfd, old, newdirfd, new, RENAME_NOREPLACE) == 0)
		return 0;
	/* NFS and older file systems lack the flag: link never replaces. */
	if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
		return -1;
	return rename_by_link(olddirfd, old, newdirfd, new);
}

int
fs_unlink(int dirfd, const char *name)
{
	return unlinkat(dirfd, name, 0);
}

/*
 * A directory found where createolddir makes one is used only if root, we
 * or its intended owner made it, and nobody else may write it beyond what
 * ATTR grants: otherwise a user who made it first would hold what lands
 * there.
 */
static bool
dir_acceptable(const struct stat *st, const struct fs_attr *attr)
{
	if (st->st_uid != 0 && st->st_uid != geteuid() &&
	    (attr->uid == (uid_t)-1 || st->st_uid != attr->uid))
		return false;
	if ((st->st_mode & S_IWOTH) && !(attr->mode & S_IWOTH))
		return false;
	return !((st->st_mode & S_IWGRP) && st->st_gid != 0 &&
	    !(attr->mode & S_IWGRP));
}

int
fs_mkdir(int dirfd, const char *name, const struct fs_attr *attr, int flags)
{
	struct stat st;
	int fd;
	bool made = true;

	if (mkdirat(dirfd, name, 0700) == -1) {
		if (errno != EEXIST)
			return -1;
		made = false;
	}
	if ((fd = fs_open_dirat(dirfd, name)) == -1)
		return -1;
	if (made && apply_attr(fd, attr) == -1) {
		close_keep(fd);
		return -1;
	}
	if (!made && !(flags & FS_MKDIR_AS_FOUND) && fstat(fd, &st) == -1) {
		close_keep(fd);
		return -1;
	}
	if (!made && !(flags & FS_MKDIR_AS_FOUND) && !dir_acceptable(&st, attr)) {
		close(fd);
		errno = EPERM;
		return -1;
	}
	close(fd);
	return 0;
}
