/*
 * fsutil.c: safe file primitives (DESIGN §6). Every function acts on a
 * directory fd and one path component, opens with O_NOFOLLOW and judges the
 * result by fstat on the fd, never by a second lookup of the path. It never
 * logs and never follows a symlink it did not expect.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fsutil.h"

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE	(1 << 0)
#endif
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE		(1 << 1)
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
fs_tmpname(const char *name, char *buf, size_t size)
{
	int n;

	n = snprintf(buf, size, "%s%s%s", FS_TMP_PREFIX, name, FS_TMP_SUFFIX);
	if (n < 0 || (size_t)n >= size || n > NAME_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/*
 * Every ".mond-tmp" file is a copy (compress, state) whose source is still
 * in place until the copy has been renamed to its final name, so deleting
 * one loses nothing; the swap name is different (FS_SWAP_SUFFIX) because
 * after the exchange it holds a log's only copy.
 */
int
fs_create_tmp(int dirfd, const char *tmp, const struct fs_attr *attr)
{
	int fd;

	fd = fs_create_excl(dirfd, tmp, attr, 0);
	if (fd == -1 && errno == EEXIST) {
		/* A crashed mond's copy: its source is still in place. */
		if (unlinkat(dirfd, tmp, 0) == -1)
			return -1;
		fd = fs_create_excl(dirfd, tmp, attr, 0);
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

static int
exists_at(int dirfd, const char *name)
{
	struct stat st;

	return fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

int
fs_swapname(const char *name, char *buf, size_t size)
{
	int n;

	n = snprintf(buf, size, "%s%s%s", FS_TMP_PREFIX, name, FS_SWAP_SUFFIX);
	if (n < 0 || (size_t)n >= size || n > NAME_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/*
 * Removes SWAP only when it is an empty regular file: then it is the
 * unused new file of a create that stopped before the exchange (or an
 * empty old log) and nothing is lost. Returns 0, or -1 with EEXIST for a
 * non-empty one, which only fs_recover_swaps may move.
 */
static int
drop_empty_swap(int dirfd, const char *swap)
{
	struct stat st;

	if (fstatat(dirfd, swap, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISREG(st.st_mode) || st.st_size != 0) {
		errno = EEXIST;
		return -1;
	}
	return unlinkat(dirfd, swap, 0);
}

int
fs_create_swap(int dirfd, const char *name, int olddirfd, const char *oldname,
    const struct fs_attr *attr, int flags)
{
	char tmp[NAME_MAX + 1];
	int fd, save;

	if (fs_swapname(name, tmp, sizeof(tmp)) == -1)
		return -1;
	if (exists_at(olddirfd, oldname)) {
		errno = EEXIST;
		return -1;
	}
	if (drop_empty_swap(dirfd, tmp) == -1)
		return -1;
	if ((fd = fs_create_excl(dirfd, tmp, attr, 0)) == -1)
		return -1;
	close(fd);

	if (flags & FS_SWAP_LINK)
		goto link;
	if (renameat2(dirfd, tmp, dirfd, name, RENAME_EXCHANGE) == 0) {
		/*
		 * NAME is the new file, TMP holds the old log. If the move
		 * on fails, neither is touched again: writers may already
		 * append to NAME, and TMP is the old data's only home until
		 * fs_recover_swaps (next pass) gives it a visible name.
		 */
		if (fs_rename(dirfd, tmp, olddirfd, oldname, true) == 0)
			return 0;
		return -1;
	}
	if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
		goto fail;
link:
	/* No RENAME_EXCHANGE: a second link keeps NAME present throughout. */
	if (linkat(dirfd, name, olddirfd, oldname, 0) == -1)
		goto fail;
	if (renameat(dirfd, tmp, dirfd, name) == -1) {
		/* NAME still is the old log, so OLDNAME is a spare link. */
		save = errno;
		unlinkat(olddirfd, oldname, 0);
		errno = save;
		goto fail;
	}
	return 0;
fail:
	/* Before the exchange TMP is our own empty file. */
	save = errno;
	unlinkat(dirfd, tmp, 0);
	errno = save;
	return -1;
}

static int
has_affixes(const char *name, const char *suffix)
{
	size_t n = strlen(name), pl = strlen(FS_TMP_PREFIX),
	    sl = strlen(suffix);

	return n > pl + sl && strncmp(name, FS_TMP_PREFIX, pl) == 0 &&
	    strcmp(name + n - sl, suffix) == 0;
}

/*
 * Calls FN(DIRFD, NAME, ARG) for each entry of DIRFD whose name is ours
 * with SUFFIX (FS_TMP_PREFIX NAME SUFFIX); FN returns 1 when it changed
 * something. Returns how many did, or -1 with errno when reading the
 * directory failed.
 */
static int
each_ours(int dirfd, const char *suffix,
    int (*fn)(int dirfd, const char *name, void *arg), void *arg)
{
	struct dirent *de;
	DIR *d;
	int fd, n = 0, save;

	/* fdopendir takes the fd; keep the caller's. */
	if ((fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	if ((d = fdopendir(fd)) == NULL) {
		close_keep(fd);
		return -1;
	}
	errno = 0;
	while ((de = readdir(d)) != NULL) {
		if (has_affixes(de->d_name, suffix))
			n += fn(dirfd, de->d_name, arg);
		errno = 0;
	}
	save = errno;
	closedir(d);
	errno = save;
	return save != 0 ? -1 : n;
}

/* A stale temporary: gone if it is a regular file. */
static int
clean_temp(int dirfd, const char *name, void *arg)
{
	struct stat st;

	(void)arg;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
	    !S_ISREG(st.st_mode))
		return 0;
	return unlinkat(dirfd, name, 0) == 0 ? 1 : 0;
}

int
fs_clean_temps(int dirfd)
{
	return each_ours(dirfd, FS_TMP_SUFFIX, clean_temp, NULL);
}

int
fs_keep_recovered(int dirfd, const char *name, const char *base,
    size_t baselen, const char *ext, char *to, size_t tosize)
{
	int len = (int)baselen, i, n;

	for (i = 0; i < 1000; i++) {
		if (i == 0)
			n = snprintf(to, tosize, "%.*s%s%s", len, base,
			    FS_RECOVERED_SUFFIX, ext);
		else
			n = snprintf(to, tosize, "%.*s%s.%d%s", len, base,
			    FS_RECOVERED_SUFFIX, i, ext);
		if (n < 0 || (size_t)n >= tosize || n > NAME_MAX) {
			errno = ENAMETOOLONG;
			return -1;
		}
		if (fs_rename(dirfd, name, dirfd, to, true) == 0)
			return 0;
		if (errno != EEXIST)
			return -1;
	}
	return -1;
}

/* Moves the non-empty SWAP to NAME.mond-recovered[.N], never replacing. */
static int
recover_swap(int dirfd, const char *swap, char *to, size_t tosize)
{
	size_t pl = strlen(FS_TMP_PREFIX), sl = strlen(FS_SWAP_SUFFIX);

	return fs_keep_recovered(dirfd, swap, swap + pl,
	    strlen(swap) - pl - sl, "", to, tosize);
}

struct swap_arg {
	fs_recover_cb	 cb;
	void		*arg;
};

/* A swap left by a crash: dropped when empty, else made visible. */
static int
recover_one_swap(int dirfd, const char *name, void *arg)
{
	struct swap_arg *sa = arg;
	char to[NAME_MAX + 1];

	if (drop_empty_swap(dirfd, name) == 0)
		return 1;
	if (errno == EEXIST) {
		/* Data (or not a file): make it visible, never drop it. */
		if (recover_swap(dirfd, name, to, sizeof(to)) == 0) {
			sa->cb(name, to, 0, sa->arg);
			return 1;
		}
	}
	sa->cb(name, NULL, errno, sa->arg);
	return 0;
}

int
fs_recover_swaps(int dirfd, fs_recover_cb cb, void *arg)
{
	struct swap_arg sa = { cb, arg };

	return each_ours(dirfd, FS_SWAP_SUFFIX, recover_one_swap, &sa);
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
