/*
 * dirwriters.c: a directory's writers from its mode and the
 * system.posix_acl_access xattr, read by hand (libacl would be one more
 * dependency for twenty lines): a version word, then entries of a 16-bit
 * tag, 16-bit permissions and a 32-bit id, little-endian.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "engine/dirwriters.h"

#define ACL_XATTR	"system.posix_acl_access"
#define ACL_TAG_USER	0x02
#define ACL_TAG_GROUP_OBJ 0x04
#define ACL_TAG_GROUP	0x08
#define ACL_TAG_MASK	0x10
#define ACL_PERM_WRITE	0x02
#define ACL_MAXSIZE	(4 + 8 * 1024)

static unsigned
le16(const unsigned char *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static unsigned long
le32(const unsigned char *p)
{
	return (unsigned long)le16(p) | (unsigned long)le16(p + 2) << 16;
}

/*
 * The ACL of DIRFD into BUF: its length, 0 when it has none. Through
 * /proc/self/fd, which takes an O_PATH descriptor and needs no read
 * permission on the directory; where /proc is missing, an open of it.
 */
static ssize_t
read_acl(int dirfd, unsigned char *buf, size_t size)
{
	char proc[64];
	ssize_t n;
	int fd;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", dirfd);
	n = getxattr(proc, ACL_XATTR, buf, size);
	if (n == -1 && errno == ENOENT &&
	    (fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		n = fgetxattr(fd, ACL_XATTR, buf, size);
		close(fd);
	}
	if (n == -1 && (errno == ENODATA || errno == ENOTSUP))
		return 0;
	return n;
}

int
dirw_read(int dirfd, const struct stat *st, struct dir_writers *w)
{
	static _Thread_local unsigned char acl[ACL_MAXSIZE];
	unsigned mask = 07, perm;
	unsigned long id;
	bool has_mask = false;
	ssize_t n, i;

	memset(w, 0, sizeof(*w));
	w->others = st->st_mode & S_IWOTH;
	w->group = (st->st_mode & S_IWGRP) && st->st_gid != 0;
	/* ERANGE: more entries than any sane ACL; refused by the caller */
	if ((n = read_acl(dirfd, acl, sizeof(acl))) == -1)
		return -1;
	for (i = 4; i + 8 <= n; i += 8)
		if (le16(acl + i) == ACL_TAG_MASK) {
			mask = le16(acl + i + 2);
			has_mask = true;
		}
	/* With a mask the mode's group bits are the mask, not the group's. */
	if (has_mask)
		w->group = false;
	for (i = 4; i + 8 <= n; i += 8) {
		perm = le16(acl + i + 2) & mask;
		id = le32(acl + i + 4);
		if (le16(acl + i) == ACL_TAG_GROUP_OBJ) {
			w->group = w->group || ((perm & ACL_PERM_WRITE) &&
			    st->st_gid != 0);
			continue;
		}
		if (!(perm & ACL_PERM_WRITE) || id == 0)
			continue;
		if (le16(acl + i) == ACL_TAG_GROUP)
			w->group = true;
		else if (le16(acl + i) == ACL_TAG_USER && w->nusers <
		    DIRW_MAXUSERS)
			w->users[w->nusers++] = (uid_t)id;
		else if (le16(acl + i) == ACL_TAG_USER)
			w->more_users = true;
	}
	return 0;
}

bool
dirw_insecure(const struct dir_writers *w, const struct stat *st)
{
	size_t i;

	if (w->others || w->group || w->more_users)
		return true;
	for (i = 0; i < w->nusers; i++)
		if (w->users[i] != st->st_uid)
			return true;
	return false;
}
