/*
 * fsutil.h: the only way mond touches files next to a log. Everything works
 * relative to a directory fd opened once (its path judged by pathwalk.h),
 * and every file in it is opened O_NOFOLLOW and then judged by fstat on
 * the fd, so a name swapped for a symlink after a check is never
 * followed. Nothing here prints: errors come back as -1 with errno, and
 * the caller names the file. The primitives that move bytes (fs_copy,
 * fs_copytruncate and its pieces) are engine/fscopy.h's; the names of
 * mond's own files and writing a file into place, engine/durable.h's.
 */
#ifndef MOND_FSUTIL_H
#define MOND_FSUTIL_H

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

/* Final attributes of a created file or directory; -1 ids mean "keep". */
struct fs_attr {
	mode_t	mode;
	uid_t	uid;
	gid_t	gid;
};

/*
 * Opens directory PATH read-only (O_DIRECTORY|O_CLOEXEC), following
 * symlinks: the path is one pathwalk_dir judged, and the caller runs as
 * the user who controls it (pass.c). Returns the fd.
 */
int	fs_open_dir(const char *path);
/* The same for NAME inside DIRFD (one component, e.g. an olddir). */
int	fs_open_dirat(int dirfd, const char *name);

/*
 * Splits PATH at its last '/' into a malloc'd *DIR and *BASE, a pointer
 * into PATH just after that slash. No slash: "." and PATH. A slash first
 * gives "/" ("/x", "//x"); otherwise *DIR is all before the last slash
 * ("a//b" gives "a/"). Trailing slashes are not stripped, so "a/b/", "/"
 * and "" leave *BASE empty: a caller that needs a file name checks. DIR
 * may be NULL when only the name is wanted: nothing is allocated and it
 * returns 0. Pure string work, no I/O (the planner uses it). Returns 0,
 * or -1 with ENOMEM (*DIR then NULL).
 */
int	fs_split_path(const char *path, char **dir, const char **base);

/*
 * Opens the existing regular file NAME in DIRFD with O_NOFOLLOW|O_CLOEXEC
 * and FLAGS (O_RDONLY or O_RDWR, maybe O_APPEND), and fills *ST from fstat
 * on the fd. A symlink fails with ELOOP, anything not a regular file (FIFO,
 * device, directory) with EINVAL, without ever blocking on a FIFO. The
 * caller checks ST->st_nlink itself (allowhardlink). Returns the fd.
 */
int	fs_open_log(int dirfd, const char *name, int flags, struct stat *st);

/*
 * Reads the whole regular file PATH (config, include, state) into a
 * malloc'd NUL-terminated buffer, *LEN bytes without the NUL, and fills *ST
 * (if not NULL) from fstat on the fd. Opened O_NOFOLLOW|O_NONBLOCK, so a
 * symlink fails with ELOOP and a FIFO or device with EINVAL at once, never
 * hanging; more than MAXLEN bytes fails with EFBIG. Returns NULL (errno).
 */
char	*fs_read_file(const char *path, size_t maxlen, size_t *len,
	    struct stat *st);

/*
 * logrotate 3.21's rule for a log's directory when running as root without
 * `su`: insecure when world-writable, or group-writable by a group other
 * than root. The sticky bit does not make it secure. Returns 1 or 0.
 */
int	fs_dir_insecure(const struct stat *dirst);

/*
 * Creates NAME in DIRFD with O_CREAT|O_EXCL|O_NOFOLLOW, mode 0600, then
 * fchown (ids that are not -1) and fchmod to ATTR, all on the fd; FLAGS
 * adds e.g. O_APPEND. An existing NAME, symlink included, fails with
 * EEXIST. On failure nothing is left at NAME. Returns an O_RDWR fd.
 */
int	fs_create_excl(int dirfd, const char *name, const struct fs_attr *attr,
	    int flags);

/* write(2) until all N bytes of BUF are out, resuming short writes and
 * EINTR. Returns 0, or -1 with errno. */
int	fs_write_all(int fd, const void *buf, size_t n);

/*
 * pread(2) up to WANT bytes of FD at *OFF into BUF, short only at end of
 * file or at LIMIT (-1: none), resuming EINTR; *OFF advances by what was
 * read. Returns the count, or -1 with errno.
 */
ssize_t	fs_pread_upto(int fd, void *buf, size_t want, off_t *off, off_t limit);

/* fsync of a directory fd, so renames and creations in it are durable. */
int	fs_fsync_dir(int dirfd);

/*
 * renameat; with NOREPLACE an existing NEW fails with EEXIST instead
 * (renameat2 RENAME_NOREPLACE, or linkat + unlinkat of a file where the
 * file system lacks the flag).
 */
int	fs_rename(int olddirfd, const char *old, int newdirfd, const char *new,
	    bool noreplace);
/* unlinkat of a non-directory NAME; ENOENT is reported, not ignored. */
int	fs_unlink(int dirfd, const char *name);

/*
 * createolddir: makes directory NAME in DIRFD and gives it ATTR on the
 * opened fd. An existing directory is left as it is (returns 0) when it
 * belongs to root, to us or to ATTR's owner and nobody else may write it
 * (beyond ATTR's mode); otherwise EPERM: someone else made it first.
 * FS_MKDIR_AS_FOUND takes any existing directory (logrotate's way). An
 * existing non-directory or symlink fails with ENOTDIR/ELOOP.
 */
#define FS_MKDIR_AS_FOUND	0x1	/* any existing directory will do */
int	fs_mkdir(int dirfd, const char *name, const struct fs_attr *attr,
	    int flags);

#endif
