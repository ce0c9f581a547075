/*
 * pathwalk.c: resolving a directory path one component at a time with
 * openat2(RESOLVE_NO_SYMLINKS) (an O_NOFOLLOW openat where the kernel has
 * no openat2), judging every directory a name is looked up in. See
 * pathwalk.h for the rule.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/openat2.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "daemon/pathwalk.h"

#define WALK_MAXLINKS	40	/* the kernel's own limit */
#define WALK_MAXDEPTH	256
#define WALK_MAXGROUPS	256

/* A directory on the way, as far as searching it goes. */
struct hop {
	mode_t	 mode;
	uid_t	 uid;
	gid_t	 gid;
};

struct walk {
	int	 fd;			/* the directory reached so far */
	char	 at[PATH_MAX];		/* its path, as resolved */
	uid_t	 owner;			/* 0, or the one user in control */
	char	*why;
	size_t	 whylen;
	struct hop chain[WALK_MAXDEPTH];	/* "/" .. the directory at fd */
	size_t	 depth;
	/* the groups of the user last asked about (can_reach) */
	uid_t	 guid;
	int	 ngroups;		/* -1: not known */
	gid_t	 groups[WALK_MAXGROUPS];
};

/* Whether W->guid is in GID; a user whose groups are unknown may be. */
static bool
in_group(const struct walk *w, gid_t gid)
{
	int i;

	if (w->ngroups < 0)
		return true;
	for (i = 0; i < w->ngroups; i++)
		if (w->groups[i] == gid)
			return true;
	return false;
}

static void
learn_groups(struct walk *w, uid_t uid)
{
	char buf[4096];
	struct passwd pw, *pwp;
	int n = WALK_MAXGROUPS;

	/* No passwd entry, or too many groups: it may be in any group. */
	w->guid = uid;
	w->ngroups = -1;
	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &pwp) == 0 && pwp != NULL &&
	    getgrouplist(pw.pw_name, pw.pw_gid, w->groups, &n) != -1)
		w->ngroups = n;
}

/*
 * Whether UID may search every directory from "/" to where the walk is:
 * a user who cannot reach a directory can change nothing in it (a tree
 * unpacked under root's 0700 directory keeps its tarball's owners).
 * In doubt (past WALK_MAXDEPTH, unknown groups) it says yes.
 */
static bool
can_reach(struct walk *w, uid_t uid)
{
	const struct hop *h;
	mode_t bit;
	size_t i;

	if (w->depth >= WALK_MAXDEPTH)
		return true;
	if (w->ngroups == -2 || w->guid != uid)
		learn_groups(w, uid);
	for (i = 0; i < w->depth; i++) {
		h = &w->chain[i];
		bit = h->uid == uid ? S_IXUSR : in_group(w, h->gid) ? S_IXGRP :
		    S_IXOTH;
		if (!(h->mode & bit))
			return false;
	}
	return true;
}

static void
chain_push(struct walk *w, const struct stat *st)
{
	if (w->depth < WALK_MAXDEPTH)
		w->chain[w->depth] = (struct hop){ st->st_mode, st->st_uid,
		    st->st_gid };
	w->depth++;
}

/* O_PATH|O_NOFOLLOW open of one component: a symlink comes back as itself. */
static int
open_component(int dirfd, const char *name)
{
	static bool no_openat2;
	struct open_how how = { .flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
	    .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
	long fd;

	if (!no_openat2) {
		fd = syscall(SYS_openat2, dirfd, name, &how, sizeof(how));
		if (fd != -1 || errno != ENOSYS)
			return (int)fd;
		no_openat2 = true;	/* kernels before 5.6 */
	}
	return openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
}

/* UID controls the path from W->at on; two different users is refused. */
static int
take_owner(struct walk *w, uid_t uid)
{
	if (uid == 0 || uid == w->owner || !can_reach(w, uid))
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
 * Who may change the name looked up in W's directory (stat DST): its
 * entry's owner too when the directory is sticky (ENTRY_UID, or -1 when
 * the entry does not exist yet).
 */
static int
judge_dir(struct walk *w, const struct stat *dst, uid_t entry_uid)
{
	bool shared = (dst->st_mode & S_IWOTH) ||
	    ((dst->st_mode & S_IWGRP) && dst->st_gid != 0);

	if (shared && !(dst->st_mode & S_ISVTX)) {
		if (dst->st_mode & S_IWOTH)
			snprintf(w->why, w->whylen, "%s: writable by anyone",
			    w->at);
		else
			snprintf(w->why, w->whylen, "%s: writable by group %lu",
			    w->at, (unsigned long)dst->st_gid);
		errno = EPERM;
		return -1;
	}
	if (take_owner(w, dst->st_uid) == -1)
		return -1;
	if (shared && entry_uid != (uid_t)-1)
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
		w->depth = 1;
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
	if (strcmp(name, "..") != 0)
		chain_push(w, &st);
	else if (w->depth > 1)
		w->depth--;
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
	struct stat root;
	int nlinks = 0, rc = 0, saved;

	why[0] = '\0';
	*owner = 0;
	if (dirpath[0] != '/') {
		errno = EINVAL;
		return -1;
	}
	if ((path = strdup(dirpath)) == NULL)
		return -1;
	w.ngroups = -2;
	if ((w.fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    fstat(w.fd, &root) == -1)
		rc = -1;
	else
		chain_push(&w, &root);
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
