/*
 * durable.h: crash safety's one home (DESIGN §5). mond may be killed
 * between any two system calls, so every file it writes next to a log is
 * first written under a name of its own, made here and nowhere else, and
 * a restarted mond knows from that name alone what was under way and what
 * to do with it. Three things live here: those names; the one way a file
 * is written and then put in place (create a temporary, write it, fsync,
 * rename, fsync the directory); and the per-directory half of recovery.
 * recover.h is the per-log half.
 */
#ifndef MOND_DURABLE_H
#define MOND_DURABLE_H

#include <limits.h>
#include <stdbool.h>

#include "util/fsutil.h"

/*
 * What a name of ours holds, hence what a leftover of it means. Each is
 * "." NAME SUFFIX in the directory of the file it stands for.
 */
enum durable_kind {
	/*
	 * ".mond-tmp": a file being written whose source is still in place
	 * (a compressed file, a copy, the state). Always removable.
	 */
	DURABLE_TMP,
	/*
	 * ".mond-swap": create's new empty log; after the exchange, the old
	 * log until it is moved on. Removable only when empty.
	 */
	DURABLE_SWAP,
	/*
	 * ".mond-copy": copytruncate's copy of LOG, held until every copied
	 * byte has left the live log, then renamed to the rotated name.
	 */
	DURABLE_COPY,
	/* ".mond-copy.gz": the same, compressed on the way (gzip or zstd). */
	DURABLE_GZCOPY,
};

/* What a kept leftover is renamed to: NAME ".mond-recovered[.N]" EXT. */
#define DURABLE_RECOVERED_SUFFIX	".mond-recovered"

/*
 * The KIND name for NAME into BUF (NAME_MAX + 1 will do). Returns 0, or
 * -1 with ENAMETOOLONG when it is longer than a file name may be.
 */
int	durable_name(enum durable_kind kind, const char *name, char *buf,
	    size_t size);

/*
 * A file being written under a name of ours and then put in place. DIRFD
 * is the caller's; NAME is the file's current name: ours until PUBLISHED,
 * its final one after; FD is -1 once closed.
 */
struct durable_file {
	int	dirfd;
	int	fd;
	bool	published;
	char	name[NAME_MAX + 1];
};

/*
 * Creates KIND's name for OF in DIRFD as fs_create_excl does (mode and
 * owner from ATTR, O_RDWR). A leftover DURABLE_TMP is ours to replace and
 * is, once; any other kind's leftover fails with EEXIST, for recovery to
 * settle first. DURABLE_SWAP is durable_swap's alone. Returns 0 or -1.
 */
int	durable_create(struct durable_file *f, enum durable_kind kind,
	    int dirfd, const char *of, const struct fs_attr *attr);

/*
 * Makes F's bytes durable under FINAL: fsync, rename (never over an
 * existing FINAL unless DURABLE_REPLACE), fsync of the directory. FD stays
 * open, and F is FINAL (PUBLISHED) once renamed. On failure nothing is
 * removed: for a held copy it may be the only home of its bytes, and
 * callers whose source still exists call durable_abort. Returns 0 or -1.
 */
#define DURABLE_REPLACE	0x1
int	durable_publish(struct durable_file *f, const char *final, int flags);

/* durable_publish, then close. Returns 0 or -1 (F is closed either way). */
int	durable_commit(struct durable_file *f, const char *final, int flags);

/*
 * Closes F (if open) and, unless it was published, removes it, keeping
 * errno: for a file whose every byte is still somewhere else. A published
 * F stays in place (say its directory's sync failed: the file is whole).
 * Returns -1, so that an error path can end `return durable_abort(&f);`.
 */
int	durable_abort(struct durable_file *f);

/*
 * durable_abort, but a published F goes too: for one put in place before
 * its source gave anything up (copytruncate's .gz before the cut).
 */
int	durable_discard(struct durable_file *f);

/*
 * Rotates NAME to OLDNAME (in OLDDIRFD, same file system) and leaves a new
 * empty file with ATTR at NAME, so that NAME is never missing: the new
 * file is made under DURABLE_SWAP's name with its final attributes, then
 * exchanged with renameat2(RENAME_EXCHANGE) and the old file moved on;
 * where the file system has no RENAME_EXCHANGE, by linkat(NAME, OLDNAME)
 * and a rename of the swap over NAME. An empty leftover swap is replaced,
 * a non-empty one fails with EEXIST. OLDNAME must not exist (EEXIST,
 * nothing moved). On failure before the exchange NAME keeps the old file;
 * if the move after the exchange fails, NAME is the new file and the old
 * data stays under the swap name for durable_recover_swaps: nothing is
 * unlinked that may hold a line. Neither directory is fsynced. Returns 0.
 */
#define DURABLE_SWAP_LINK	0x1	/* skip RENAME_EXCHANGE (tests, odd fs) */
int	durable_swap(int dirfd, const char *name, int olddirfd,
	    const char *oldname, const struct fs_attr *attr, int flags);

/*
 * Renames NAME in DIRFD to the first free BASE DURABLE_RECOVERED_SUFFIX
 * [.N] EXT (BASE being its first BASELEN bytes), never replacing a file,
 * and leaves that name in TO: for what a crash left with data only it
 * holds. Returns 0, or -1 with errno (ENAMETOOLONG when no name fits).
 */
int	durable_keep_recovered(int dirfd, const char *name, const char *base,
	    size_t baselen, const char *ext, char *to, size_t tosize);

/*
 * Removes the regular files in DIRFD named as DURABLE_TMP: each is a
 * partial copy whose source still exists. Returns how many, or -1 (errno)
 * when the directory can't be read.
 */
int	durable_clean_temps(int dirfd);

/*
 * Leftover DURABLE_SWAP files in DIRFD: an empty regular one is removed;
 * anything else (it may be a log's only copy) is kept under
 * durable_keep_recovered's name and CB gets (swap, recovered name, 0,
 * ARG); when that fails CB gets (swap, NULL, errno, ARG) and the file
 * stays. Returns how many were removed or kept, or -1 (errno) when the
 * directory can't be read.
 */
typedef void (*durable_recover_cb)(const char *swap, const char *to, int err,
    void *arg);
int	durable_recover_swaps(int dirfd, durable_recover_cb cb, void *arg);

#endif
