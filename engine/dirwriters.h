/*
 * dirwriters.h: who besides its owner may write a directory, from its
 * mode and its POSIX ACL. With an ACL the mode's group bits are only the
 * ACL's mask, so the mode alone hides a named user or group who may
 * write: the path walk (pathwalk.c) and the log's own directory rule
 * (pass_dir.c) both ask here.
 */
#ifndef MOND_DIRWRITERS_H
#define MOND_DIRWRITERS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#define DIRW_MAXUSERS	8

struct dir_writers {
	bool	 others;	/* the mode lets anyone write */
	bool	 group;		/* a group other than root's may (mode or ACL) */
	uid_t	 users[DIRW_MAXUSERS];	/* named ACL users who may, not root */
	size_t	 nusers;
	bool	 more_users;	/* past DIRW_MAXUSERS */
};

/*
 * Reads who may write the directory DIRFD (an O_PATH descriptor will do),
 * whose fstat is ST. The owning group counts by the mode, or, with an ACL
 * that has a mask (then the mode's group bits), by its group entry under
 * that mask. Returns 0, or -1 with errno when its ACL cannot be read.
 */
int	dirw_read(int dirfd, const struct stat *st, struct dir_writers *w);

/*
 * logrotate's rule for a log's directory (fs_dir_insecure), with the ACL:
 * insecure when anyone, a group other than root's, or a named user other
 * than its owner may write it.
 */
bool	dirw_insecure(const struct dir_writers *w, const struct stat *st);

#endif
