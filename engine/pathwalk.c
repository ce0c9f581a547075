/*
 * pathwalk.c: resolving a directory path one component at a time with
 * openat2(RESOLVE_NO_SYMLINKS) (an O_NOFOLLOW openat where the kernel has
 * no openat2), judging every directory a name is looked up in. See
 * pathwalk.h for the rule.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "engine/dirwriters.h"
#include "engine/pathwalk.h"

#define WALK_MAXLINKS	40	/* the kernel's own limit */

struct walk {
	int	 fd;			/* the directory reached so far */
	char	 at[PATH_MAX];		/* its path, as resolved */
	uid_t	 owner;			/* 0, or the one user in control */
	char	*why;
	size_t	 whylen;
};

/* O_PATH|O_NOFOLLOW open of one component: a symlink comes back as itself. */
static int
open_component(int dirfd, const char *name)
{
	static atomic_bool no_openat2;
	struct open_how how = { .flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
	    .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
	long fd;

	if (!atomic_load(&no_openat2)) {
		fd = syscall(SYS_openat2, dirfd, name, &how, sizeof(how));
		if (fd != -1 || errno != ENOSYS)
			return (int)fd;
		atomic_store(&no_openat2, true);	/* kernels before 5.6 */
	}
	return openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
}

/* UID controls the path from W->at on; two different users is refused. */
static int
take_owner(struct walk *w, uid_t uid)
{
	/*
	 * Whether the user can reach the directory is not asked: a bind
	 * mount, an ACL, a descriptor or a mode they change back all reach.
	 */
	if (uid == 0 || uid == w->owner)
		return 0;
	if (w->owner != 0) {
		snprintf(w->why, w->whylen, "%s: under the control of two "
		    "users (uid %lu and %lu)", w->at, (unsigned long)w->owner,
		    (unsigned long)uid);
		errno = EPERM;
		return -1;
	}
	w->owner = uid;
	return 0;
}

/*
 * Who may change the name looked up in W's directory (stat DST), its ACL
 * included (dirwriters.h): its entry's owner too when the directory is
 * sticky and shared (ENTRY_UID, or -1 when the entry does not exist: then
 * anyone could make it, and the path is refused).
 */
static int
judge_dir(struct walk *w, const struct stat *dst, uid_t entry_uid)
{
	struct dir_writers dw;
	bool sticky = dst->st_mode & S_ISVTX, shared;
	size_t i;

	if (dirw_read(w->fd, dst, &dw) == -1) {
		snprintf(w->why, w->whylen, "%s: reading its ACL: %s", w->at,
		    strerror(errno));
		return -1;
	}
	/* In a sticky directory a user the ACL lets write adds names too. */
	shared = dw.others || dw.group || dw.more_users ||
	    (sticky && dw.nusers > 0);
	if (shared && !sticky) {
		snprintf(w->why, w->whylen, "%s: writable by %s", w->at,
		    dw.others ? "anyone" : dw.group ? "a group other than "
		    "root's" : "more users than its owner");
		errno = EPERM;
		return -1;
	}
	if (shared && entry_uid == (uid_t)-1) {
		snprintf(w->why, w->whylen, "%s: a name missing in it, which "
		    "anyone may make", w->at);
		errno = EPERM;
		return -1;
	}
	if (take_owner(w, dst->st_uid) == -1)
		return -1;
	for (i = 0; !sticky && i < dw.nusers; i++)
		if (take_owner(w, dw.users[i]) == -1)
			return -1;
	if (shared)
		return take_owner(w, entry_uid);
	return 0;
}

/* W->at with NAME appended (or cut back for ".."), for messages only. */
static void
at_step(struct walk *w, const char *name)
{
	char *slash;
	size_t n = strlen(w->at);

	if (strcmp(name, "..") == 0) {
		if ((slash = strrchr(w->at, '/')) != NULL && slash != w->at)
			*slash = '\0';
		else
			snprintf(w->at, sizeof(w->at), "/");
		return;
	}
	snprintf(w->at + n, sizeof(w->at) - n, "%s%s",
	    n > 0 && w->at[n - 1] == '/' ? "" : "/", name);
}

/* NAME's symlink at FD read, and REST (after it) put behind it in *PATH. */
static int
splice_link(struct walk *w, int fd, const char *rest, char **path)
{
	char target[PATH_MAX], *np;
	ssize_t n;

	if ((n = readlinkat(fd, "", target, sizeof(target) - 1)) == -1) {
		snprintf(w->why, w->whylen, "%s: reading the link", w->at);
		return -1;
	}
	target[n] = '\0';
	if (asprintf(&np, "%s/%s", target, rest) == -1)
		return -1;
	free(*path);
	*path = np;
	if (target[0] == '/') {
		if ((fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
			return -1;
		close(w->fd);
		w->fd = fd;
		snprintf(w->at, sizeof(w->at), "/");
	} else
		at_step(w, "..");	/* the link's own name is not a dir */
	return 0;
}

/*
 * One component NAME (REST follows it in *PATH): judged, then entered or,
 * a symlink, spliced in before REST. Returns 0 when entered, 2 when
 * spliced, 1 when the walk ends here (NAME missing), -1 on refusal or
 * error.
 */
static int
step(struct walk *w, const char *name, const char *rest, char **path,
    int *nlinks)
{
	struct stat dst, st;
	int fd, rc;

	if (fstat(w->fd, &dst) == -1)
		return -1;
	if ((fd = open_component(w->fd, name)) == -1) {
		if (errno == ENOENT)
			return judge_dir(w, &dst, (uid_t)-1) == -1 ? -1 : 1;
		return -1;
	}
	if (fstat(fd, &st) == -1 || (strcmp(name, "..") != 0 &&
	    judge_dir(w, &dst, st.st_uid) == -1)) {
		close(fd);
		return -1;
	}
	at_step(w, name);
	if (S_ISLNK(st.st_mode)) {
		rc = ++*nlinks > WALK_MAXLINKS ? (errno = ELOOP, -1) :
		    splice_link(w, fd, rest, path);
		close(fd);
		return rc == -1 ? -1 : 2;
	}
	if (!S_ISDIR(st.st_mode)) {
		close(fd);
		errno = ENOTDIR;
		return -1;
	}
	close(w->fd);
	w->fd = fd;
	return 0;
}

/* Cuts PATH's first component into NAME; *REST points just after it. */
static int
first_component(const char *path, char *name, size_t size, const char **rest)
{
	size_t n;

	while (*path == '/')
		path++;
	n = strcspn(path, "/");
	if (n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(name, path, n);
	name[n] = '\0';
	*rest = path + n;
	while (**rest == '/')
		(*rest)++;
	return 0;
}

int
pathwalk_dir(const char *dirpath, uid_t *owner, char *why, size_t whylen)
{
	struct walk w = { .fd = -1, .at = "/", .why = why, .whylen = whylen };
	char name[NAME_MAX + 1], *path;
	const char *rest;
	int nlinks = 0, rc = 0, saved;

	why[0] = '\0';
	*owner = 0;
	if (dirpath[0] != '/') {
		errno = EINVAL;
		return -1;
	}
	if ((path = strdup(dirpath)) == NULL)
		return -1;
	if ((w.fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
		rc = -1;
	while (rc == 0 || rc == 2) {
		if ((rc = first_component(path, name, sizeof(name), &rest)) ==
		    -1 || name[0] == '\0')
			break;
		if (strcmp(name, ".") == 0)
			rc = 0;
		else if ((rc = step(&w, name, rest, &path, &nlinks)) != 0)
			continue;
		memmove(path, rest, strlen(rest) + 1);
	}
	saved = errno;
	if (rc == -1 && saved != EPERM && why[0] == '\0')
		snprintf(why, whylen, "%s%s%s", w.at,
		    strcmp(w.at, "/") == 0 ? "" : "/", name);
	if (w.fd != -1)
		close(w.fd);
	free(path);
	*owner = w.owner;
	errno = saved;
	return rc == -1 ? -1 : 0;
}
