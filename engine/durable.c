/*
 * durable.c: the names of mond's own files, the write-then-rename that
 * puts a file in place, create's exchange, and the per-directory half of
 * recovery (DESIGN §5). Nothing here logs: errors come back as -1 with
 * errno, and the caller names the file.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/durable.h"

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE		(1 << 1)
#endif

#define DURABLE_PREFIX	"."

static const char *const suffixes[] = {
	[DURABLE_TMP] = ".mond-tmp",
	[DURABLE_SWAP] = ".mond-swap",
	[DURABLE_COPY] = ".mond-copy",
	[DURABLE_GZCOPY] = ".mond-copy.gz",
};

int
durable_name(enum durable_kind kind, const char *name, char *buf, size_t size)
{
	int n;

	n = snprintf(buf, size, "%s%s%s", DURABLE_PREFIX, name,
	    suffixes[kind]);
	if (n < 0 || (size_t)n >= size || n > NAME_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* 1 when NAME is KIND's name for some non-empty name. */
static int
is_kind(const char *name, enum durable_kind kind)
{
	size_t n = strlen(name), pl = strlen(DURABLE_PREFIX),
	    sl = strlen(suffixes[kind]);

	return n > pl + sl && strncmp(name, DURABLE_PREFIX, pl) == 0 &&
	    strcmp(name + n - sl, suffixes[kind]) == 0;
}

int
durable_create(struct durable_file *f, enum durable_kind kind, int dirfd,
    const char *of, const struct fs_attr *attr)
{
	f->dirfd = dirfd;
	f->fd = -1;
	f->published = false;
	if (kind == DURABLE_SWAP) {
		errno = EINVAL;
		return -1;
	}
	if (durable_name(kind, of, f->name, sizeof(f->name)) == -1)
		return -1;
	f->fd = fs_create_excl(dirfd, f->name, attr, 0);
	/*
	 * A crashed mond's temporary: its source is still in place. Held
	 * copies are not replaced: they may be all that is left of lines.
	 */
	if (f->fd == -1 && errno == EEXIST && kind == DURABLE_TMP &&
	    unlinkat(dirfd, f->name, 0) == 0)
		f->fd = fs_create_excl(dirfd, f->name, attr, 0);
	return f->fd == -1 ? -1 : 0;
}

int
durable_publish(struct durable_file *f, const char *final, int flags)
{
	size_t len = strlen(final);

	if (len >= sizeof(f->name)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (fsync(f->fd) == -1)
		return -1;
	if (fs_rename(f->dirfd, f->name, f->dirfd, final,
	    !(flags & DURABLE_REPLACE)) == -1)
		return -1;
	memcpy(f->name, final, len + 1);
	f->published = true;
	return fs_fsync_dir(f->dirfd);
}

int
durable_commit(struct durable_file *f, const char *final, int flags)
{
	int rc, save;

	rc = durable_publish(f, final, flags);
	save = errno;
	if (close(f->fd) == -1 && rc == 0) {
		save = errno;
		rc = -1;
	}
	f->fd = -1;
	errno = save;
	return rc;
}

/* Closes F and removes it when UNLINK, keeping errno. Returns -1. */
static int
drop(struct durable_file *f, bool unlink)
{
	int save = errno;

	if (f->fd != -1)
		close(f->fd);
	f->fd = -1;
	if (unlink)
		unlinkat(f->dirfd, f->name, 0);
	errno = save;
	return -1;
}

int
durable_abort(struct durable_file *f)
{
	return drop(f, !f->published);
}

int
durable_discard(struct durable_file *f)
{
	return drop(f, true);
}

/*
 * Removes SWAP only when it is an empty regular file: then it is the
 * unused new file of a create that stopped before the exchange (or an
 * empty old log) and nothing is lost. Returns 0, or -1 with EEXIST for a
 * non-empty one, which only durable_recover_swaps may move.
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

/* Without RENAME_EXCHANGE: a second link keeps NAME present throughout. */
static int
swap_by_link(int dirfd, const char *name, const char *swap, int olddirfd,
    const char *oldname)
{
	int save;

	if (linkat(dirfd, name, olddirfd, oldname, 0) == -1)
		return -1;
	if (renameat(dirfd, swap, dirfd, name) == -1) {
		/* NAME still is the old log, so OLDNAME is a spare link. */
		save = errno;
		unlinkat(olddirfd, oldname, 0);
		errno = save;
		return -1;
	}
	return 0;
}

int
durable_swap(int dirfd, const char *name, int olddirfd, const char *oldname,
    const struct fs_attr *attr, int flags)
{
	char swap[NAME_MAX + 1];
	struct stat st;
	int fd, save;

	if (durable_name(DURABLE_SWAP, name, swap, sizeof(swap)) == -1)
		return -1;
	if (fstatat(olddirfd, oldname, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		errno = EEXIST;
		return -1;
	}
	if (drop_empty_swap(dirfd, swap) == -1)
		return -1;
	if ((fd = fs_create_excl(dirfd, swap, attr, 0)) == -1)
		return -1;
	close(fd);

	if (!(flags & DURABLE_SWAP_LINK)) {
		if (renameat2(dirfd, swap, dirfd, name, RENAME_EXCHANGE) == 0)
			/*
			 * NAME is the new file, SWAP holds the old log. If
			 * the move on fails, neither is touched again:
			 * writers may already append to NAME, and SWAP is
			 * the old data's only home until the next pass's
			 * durable_recover_swaps gives it a visible name.
			 */
			return fs_rename(dirfd, swap, olddirfd, oldname, true);
		if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
			goto fail;
	}
	if (swap_by_link(dirfd, name, swap, olddirfd, oldname) == 0)
		return 0;
fail:
	/* Before the exchange SWAP is our own empty file. */
	save = errno;
	unlinkat(dirfd, swap, 0);
	errno = save;
	return -1;
}

int
durable_keep_recovered(int dirfd, const char *name, const char *base,
    size_t baselen, const char *ext, char *to, size_t tosize)
{
	int len = (int)baselen, i, n;

	for (i = 0; i < 1000; i++) {
		if (i == 0)
			n = snprintf(to, tosize, "%.*s%s%s", len, base,
			    DURABLE_RECOVERED_SUFFIX, ext);
		else
			n = snprintf(to, tosize, "%.*s%s.%d%s", len, base,
			    DURABLE_RECOVERED_SUFFIX, i, ext);
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

/*
 * Calls FN(DIRFD, NAME, ARG) for each entry of DIRFD named as KIND; FN
 * returns 1 when it changed something. Returns how many did, or -1 with
 * errno when reading the directory failed.
 */
static int
each_of_kind(int dirfd, enum durable_kind kind,
    int (*fn)(int dirfd, const char *name, void *arg), void *arg)
{
	struct dirent *de;
	DIR *d;
	int fd, n = 0, save;

	/* fdopendir takes the fd; keep the caller's. */
	if ((fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	if ((d = fdopendir(fd)) == NULL) {
		save = errno;
		close(fd);
		errno = save;
		return -1;
	}
	errno = 0;
	while ((de = readdir(d)) != NULL) {
		if (is_kind(de->d_name, kind))
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
durable_clean_temps(int dirfd)
{
	return each_of_kind(dirfd, DURABLE_TMP, clean_temp, NULL);
}

struct swap_arg {
	durable_recover_cb	 cb;
	void			*arg;
};

/* A swap left by a crash: dropped when empty, else made visible. */
static int
recover_one_swap(int dirfd, const char *swap, void *arg)
{
	size_t pl = strlen(DURABLE_PREFIX), sl = strlen(suffixes[DURABLE_SWAP]);
	struct swap_arg *sa = arg;
	char to[NAME_MAX + 1];

	if (drop_empty_swap(dirfd, swap) == 0)
		return 1;
	/* Data (or not a file): make it visible, never drop it. */
	if (errno == EEXIST && durable_keep_recovered(dirfd, swap, swap + pl,
	    strlen(swap) - pl - sl, "", to, sizeof(to)) == 0) {
		sa->cb(swap, to, 0, sa->arg);
		return 1;
	}
	sa->cb(swap, NULL, errno, sa->arg);
	return 0;
}

int
durable_recover_swaps(int dirfd, durable_recover_cb cb, void *arg)
{
	struct swap_arg sa = { cb, arg };

	return each_of_kind(dirfd, DURABLE_SWAP, recover_one_swap, &sa);
}
