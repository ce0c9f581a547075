/*
 * fsutil.h: the only way mond touches files next to a log. Everything works
 * relative to a directory fd opened once (its path judged by pathwalk.h),
 * and every file in it is opened O_NOFOLLOW and then judged by fstat on
 * the fd, so a name swapped for a symlink after a check is never followed. Nothing here
 * prints: errors come back as -1 with errno, and the caller names the file.
 * The primitives that move bytes (fs_copy, fs_copytruncate and its
 * pieces) are engine/fscopy.h's.
 */
#ifndef MOND_FSUTIL_H
#define MOND_FSUTIL_H

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

/*
 * Temporaries mond creates are named "." NAME ".mond-tmp" in the directory
 * of their final name, so a restarted mond can find and remove its own
 * leftovers (fs_clean_temps) and nothing else.
 */
#define FS_TMP_PREFIX	"."
#define FS_TMP_SUFFIX	".mond-tmp"
/*
 * fs_create_swap's temporary, "." NAME ".mond-swap": after the exchange it
 * holds the OLD log until it is moved on, so it is never deleted unless
 * empty; a non-empty one becomes NAME ".mond-recovered[.N]".
 */
#define FS_SWAP_SUFFIX		".mond-swap"
#define FS_RECOVERED_SUFFIX	".mond-recovered"

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
 * Renames NAME in DIRFD to the first free BASE.mond-recovered[.N]EXT (BASE
 * being its first BASELEN bytes), never replacing a file, and leaves that
 * name in TO. For what a crash left with data only it holds. Returns 0, or
 * -1 with errno (ENAMETOOLONG when no such name fits).
 */
int	fs_keep_recovered(int dirfd, const char *name, const char *base,
	    size_t baselen, const char *ext, char *to, size_t tosize);

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

/*
 * Rotates NAME to OLDNAME (in OLDDIRFD, same file system) and leaves a new
 * empty file with ATTR at NAME, so that NAME is never missing: the new
 * file is made under FS_TMP name with its final attributes, then swapped
 * in with renameat2(RENAME_EXCHANGE) and the old file moved on; where the
 * file system has no RENAME_EXCHANGE, by linkat(NAME, OLDNAME) and a rename
 * of the temporary over NAME. The temporary is the FS_SWAP_SUFFIX name; an
 * empty leftover there is replaced, a non-empty one fails with EEXIST.
 * OLDNAME must not exist (EEXIST otherwise, nothing moved). On failure
 * before the exchange NAME keeps the old file; if the move after the
 * exchange fails, NAME is the new file and the old data stays under the
 * swap name for fs_recover_swaps: nothing is unlinked that may hold a
 * line. Neither directory is fsynced. FLAGS: FS_SWAP_LINK. Returns 0.
 */
#define FS_SWAP_LINK	0x1	/* skip RENAME_EXCHANGE (tests, odd fs) */
int	fs_create_swap(int dirfd, const char *name, int olddirfd,
	    const char *oldname, const struct fs_attr *attr, int flags);

/*
 * Creates the temporary TMP (an fs_tmpname) in DIRFD as fs_create_excl
 * does; a leftover regular file or symlink at TMP is removed first, once
 * (every ".mond-tmp" is a copy whose source still exists). Returns the fd.
 */
int	fs_create_tmp(int dirfd, const char *tmp, const struct fs_attr *attr);

/* write(2) until all N bytes of BUF are out, resuming short writes and
 * EINTR. Returns 0, or -1 with errno. */
int	fs_write_all(int fd, const void *buf, size_t n);

/*
 * pread(2) up to WANT bytes of FD at *OFF into BUF, short only at end of
 * file or at LIMIT (-1: none), resuming EINTR; *OFF advances by what was
 * read. Returns the count, or -1 with errno.
 */
ssize_t	fs_pread_upto(int fd, void *buf, size_t want, off_t *off, off_t limit);

/* "." NAME ".mond-tmp" into BUF; -1 with ENAMETOOLONG when it won't fit. */
int	fs_tmpname(const char *name, char *buf, size_t size);

/* "." NAME ".mond-swap" into BUF; -1 with ENAMETOOLONG when it won't fit. */
int	fs_swapname(const char *name, char *buf, size_t size);

/*
 * Removes the regular files named like mond temporaries (FS_TMP_SUFFIX) in
 * DIRFD: each is a partial copy whose source still exists, or an unused
 * empty file. Swap files are not touched (fs_recover_swaps). Returns how
 * many were removed, or -1 (errno) when the directory can't be read.
 */
int	fs_clean_temps(int dirfd);

/*
 * Leftover fs_create_swap temporaries in DIRFD: an empty regular one is
 * removed; anything else (it may be a log's only copy) is renamed, never
 * replacing, to NAME ".mond-recovered" (or ".mond-recovered.N") and CB is
 * called with (swap, recovered name, 0, ARG); when that fails CB gets
 * (swap, NULL, errno, ARG) and the file stays. Returns how many were
 * removed or recovered, or -1 (errno) when the directory can't be read.
 */
typedef void (*fs_recover_cb)(const char *swap, const char *to, int err,
    void *arg);
int	fs_recover_swaps(int dirfd, fs_recover_cb cb, void *arg);

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
