/*
 * pathwalk.h: who besides root could change what a directory path names
 * (DESIGN §6).
 * A path is only as safe as every directory on the way to it: a user who
 * may write any of them can swap what follows for a symlink and send
 * root somewhere else. pathwalk_dir resolves the path from "/" one
 * component at a time, never letting the kernel follow a link, and for
 * each directory it looks a name up in asks who may change that name.
 * The stanza's file work then runs as that user (pass.c), so the swap
 * gains them nothing they could not do themselves.
 */
#ifndef MOND_PATHWALK_H
#define MOND_PATHWALK_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Walks the absolute directory path PATH. A symlink on the way is followed
 * by the walk itself, its target walked in turn (at most 40 of them). For
 * each directory a component is looked up in:
 *  - written by its owner only (or by root's group too): the owner, when
 *    not root, controls the path from there on;
 *  - writable by others or a group other than root's without the sticky
 *    bit: anybody may swap the name, so the path is refused;
 *  - with the sticky bit: the directory's owner and the entry's owner; a
 *    name missing there is refused, since anyone may make it later.
 * A POSIX ACL counts as the mode does: a named user who may write is an
 * owner, a named group other than root's shares the directory. Whether a
 * user can reach the directory is not asked (bind mounts, descriptors).
 * PATH's last directory itself is not judged here: which names in it may
 * be trusted is the log's own rule (fs_dir_insecure, per-file checks).
 * A component that does not exist ends the walk: what follows will be made,
 * or be missing, under the identity found so far.
 *
 * Returns 0 with *OWNER the one user who controls the path (0: nobody but
 * root); -1 with errno EPERM and WHY saying which directory and why when
 * refused (two different users, or a shared writable directory); -1 with
 * another errno (WHY says where) when the walk itself failed.
 */
int	pathwalk_dir(const char *path, uid_t *owner, char *why, size_t whylen);

#endif
