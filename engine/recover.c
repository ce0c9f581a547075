/*
 * recover.c: the per-log half of crash recovery (DESIGN §5; fsutil's
 * fs_clean_temps and fs_recover_swaps are the per-directory half). A mond
 * killed between two steps of a rotation leaves a state no plan expects;
 * this finishes or undoes that step before the log is planned, so the next
 * rotation neither fails on the leftover nor duplicates its lines. It never
 * removes a file whose bytes are not all somewhere else, and never touches
 * another log.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <zlib.h>

#include "engine/compress.h"
#include "engine/decompress.h"
#include "engine/fscopy.h"
#include "util/fsutil.h"
#include "util/log.h"
#include "engine/plan.h"
#include "engine/recover.h"
#include "util/spawn.h"

#define BUFSZ	65536

/* Whether the file A (size ASIZE) is a byte prefix of B. -1 on errors. */
static int
is_prefix(int a, off_t asize, int b)
{
	static char ba[BUFSZ], bb[BUFSZ];
	off_t off = 0;
	ssize_t na, nb;

	while (off < asize) {
		size_t want = asize - off < BUFSZ ? (size_t)(asize - off) : BUFSZ;

		if ((na = pread(a, ba, want, off)) <= 0 ||
		    (nb = pread(b, bb, (size_t)na, off)) == -1)
			return -1;
		if (nb != na || memcmp(ba, bb, (size_t)na) != 0)
			return 0;
		off += na;
	}
	return 1;
}

/*
 * The end of an interrupted copytruncate's copy COPY (of the log BASE):
 * removed when REDUNDANT (the log still holds all of it), else kept as
 * BASE.mond-recovered[.N]EXT. Returns 1 when a file changed.
 */
static int
settle_copy(int tfd, const char *tgtdir, const char *copy, const char *base,
    const char *ext, bool redundant)
{
	char to[NAME_MAX + 1];

	if (redundant) {
		if (fs_unlink(tfd, copy) == -1) {
			log_warn("%s/%s: remove", tgtdir, copy);
			return 0;
		}
		log_info("%s/%s: copy of an interrupted copytruncate removed, "
		    "its lines are still in the log", tgtdir, copy);
		return 1;
	}
	if (fs_keep_recovered(tfd, copy, base, strlen(base), ext, to,
	    sizeof(to)) == -1) {
		log_warn("%s/%s: left by an interrupted copytruncate; not "
		    "moved", tgtdir, copy);
		return 0;
	}
	log_warnx("%s/%s: left by an interrupted copytruncate with data in "
	    "it; kept as %s/%s", tgtdir, copy, tgtdir, to);
	return 1;
}

/*
 * fs_copytruncate collapsed the block-aligned head of the log but was
 * killed before cutting the unaligned rest off the copy: that rest is
 * then both the copy's tail and the log's head. Returns the length the
 * copy must be cut to, or 0 when its tail is not the log's head.
 */
static off_t
dup_tail(int cfd, off_t csize, int lfd, off_t lsize)
{
	static char bc[BUFSZ], bl[BUFSZ];
	struct statfs sfs;
	off_t blk, aligned, rest;
	int k;

	if (fstatfs(lfd, &sfs) == -1)
		return 0;
	blk = sfs.f_bsize > 0 ? (off_t)sfs.f_bsize : 4096;
	if (blk > BUFSZ / 2)
		return 0;
	/* fs_copytruncate keeps one more block when the copy reached EOF. */
	for (k = 0; k < 2; k++) {
		aligned = csize - csize % blk - (off_t)k * blk;
		rest = csize - aligned;
		if (aligned <= 0 || rest <= 0 || rest > lsize)
			continue;
		if (pread(cfd, bc, (size_t)rest, aligned) == (ssize_t)rest &&
		    pread(lfd, bl, (size_t)rest, 0) == (ssize_t)rest &&
		    memcmp(bc, bl, (size_t)rest) == 0)
			return aligned;
	}
	return 0;
}

/*
 * The leftover COPY in TFD and the live log BASE in LDFD (*LFD -1 when it
 * is gone), each judged as a rotation judges a file. A copy mond made has
 * one link and the log's owner (copy_whole and copy_gzip give it the
 * log's attributes): anything else at its name was put there by someone
 * else and is left alone, and so is a log with links it may not have.
 * Returns 0 with *CFD open, or -1.
 */
static int
open_pair(const struct log_rule *rule, int ldfd, int tfd, const char *tgtdir,
    const char *copy, const char *base, int *cfd, struct stat *cst,
    int *lfd, struct stat *lst)
{
	if ((*cfd = fs_open_log(tfd, copy, O_RDONLY, cst)) == -1)
		return -1;
	if ((*lfd = fs_open_log(ldfd, base, O_RDONLY, lst)) == -1 &&
	    errno != ENOENT)
		goto refuse;
	if (*lfd != -1 && lst->st_nlink > 1 && !rule->allowhardlink)
		goto refuse;
	if (cst->st_nlink == 1 && (*lfd == -1 || cst->st_uid == lst->st_uid))
		return 0;
	log_warnx("%s/%s: not a copy mond made (%lu links, uid %lu); left "
	    "alone", tgtdir, copy, (unsigned long)cst->st_nlink,
	    (unsigned long)cst->st_uid);
refuse:
	if (*lfd != -1)
		close(*lfd);
	close(*cfd);
	return -1;
}

/* A copytruncate copy under its temporary name: undo or keep it. */
static int
recover_copy(const struct log_rule *rule, int ldfd, int tfd,
    const char *tgtdir, const char *base)
{
	char copy[NAME_MAX + 1];
	struct stat cst, lst;
	off_t cut;
	int cfd, lfd, pre;

	if (snprintf(copy, sizeof(copy), "%s%s%s", FS_TMP_PREFIX, base,
	    RECOVER_COPY_SUFFIX) >= (int)sizeof(copy))
		return 0;
	if (open_pair(rule, ldfd, tfd, tgtdir, copy, base, &cfd, &cst, &lfd,
	    &lst) == -1)
		return 0;
	pre = 0;
	cut = 0;
	if (lfd != -1) {
		pre = cst.st_size <= lst.st_size ?
		    is_prefix(cfd, cst.st_size, lfd) : 0;
		if (pre == 0)
			cut = dup_tail(cfd, cst.st_size, lfd, lst.st_size);
		close(lfd);
	}
	close(cfd);
	if (cut > 0) {
		if ((cfd = openat(tfd, copy, O_WRONLY | O_NOFOLLOW |
		    O_CLOEXEC)) == -1 || ftruncate(cfd, cut) == -1 ||
		    fdatasync(cfd) == -1)
			log_warn("%s/%s: cutting what the log still holds",
			    tgtdir, copy);
		else
			log_info("%s/%s: cut to %lld bytes, the rest is still "
			    "at the log's head", tgtdir, copy, (long long)cut);
		if (cfd != -1)
			close(cfd);
	}
	/* Killed before any byte left the log: the copy is redundant. */
	return settle_copy(tfd, tgtdir, copy, base, "", pre == 1);
}

/*
 * copytruncate + compress's compressed copy (gzip or zstd, under
 * RECOVER_GZCOPY_SUFFIX either way) under its holding name: killed before
 * its bytes left the log, it decompresses to a prefix of the log and goes.
 * That includes a copy cut short in a catch-up member or frame, since
 * those are appended before the log is cut. Otherwise it is their only
 * home and is kept, named for what it holds, whatever the rule says now.
 */
static int
recover_gzcopy(const struct log_rule *rule, int ldfd, int tfd,
    const char *tgtdir, const char *base)
{
	char copy[NAME_MAX + 1];
	struct stat cst, lst;
	int cfd, lfd, pre = 0;
	bool zstd;

	if (snprintf(copy, sizeof(copy), "%s%s%s", FS_TMP_PREFIX, base,
	    RECOVER_GZCOPY_SUFFIX) >= (int)sizeof(copy))
		return 0;
	if (open_pair(rule, ldfd, tfd, tgtdir, copy, base, &cfd, &cst, &lfd,
	    &lst) == -1)
		return 0;
	zstd = decompress_is_zstd(cfd);
	if (lfd != -1) {
		/* closes CFD */
		pre = compress_holds(cfd, lfd, HOLDS_CUT_PREFIX);
		close(lfd);
	} else
		close(cfd);
	return settle_copy(tfd, tgtdir, copy, base, zstd ? ".zst" : ".gz",
	    pre == 1);
}

/* Numbered names that recover_compress can find the slot of. */
static bool
plain_numbers(const struct log_rule *rule)
{
	return rule->compress && !rule->dateext && rule->extension == NULL &&
	    rule->addextension == NULL && *plan_compext(rule) != '\0';
}

/*
 * The rotated file at the compression slot, left uncompressed: compressed
 * now, with the rule's compressor. compress_make also finishes a
 * compression (gzip in process) killed between its output's rename and
 * the source's unlink, and leaves a different output be.
 */
static int
recover_compress(const struct log_rule *rule, int tfd, const char *tgtdir,
    const char *base)
{
	struct compress_how how = { .zopts = compress_rule_opts(rule),
	    .cmd = rule->compresscmd,
	    .options = rule->compressoptions, .deadline = spawn_deadline(),
	    .refuse_links = !rule->allowhardlink };
	char name[NAME_MAX + 1], gzname[NAME_MAX + 1], path[PATH_MAX];
	struct compress_src src;
	struct stat st;
	int slot = rule->start + (plan_delays_compress(rule) ? 1 : 0);

	if (snprintf(name, sizeof(name), "%s.%d", base, slot) >=
	    (int)sizeof(name) || snprintf(gzname, sizeof(gzname), "%s%s",
	    name, plan_compext(rule)) >= (int)sizeof(gzname) ||
	    snprintf(path, sizeof(path), "%s/%s", tgtdir, name) >=
	    (int)sizeof(path))
		return 0;
	if (fstatat(tfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
	    !S_ISREG(st.st_mode))
		return 0;
	how.path = path;
	if (compress_make(tfd, name, tfd, gzname, &how, &src) == -1 ||
	    compress_drop(tfd, name, tfd, gzname, &src, NULL, NULL) == -1) {
		if (errno == EEXIST)
			log_warnx("%s/%s: left uncompressed beside a different "
			    "%s; not touched", tgtdir, name, gzname);
		else if (errno == EMLINK)
			log_warnx("%s/%s: left uncompressed, but has hard links: "
			    "not touched", tgtdir, name);
		else if (src.status != -1)
			log_warnx("failed to compress log %s", path);
		else
			log_warn("%s/%s: compressing what an interrupted "
			    "rotation left", tgtdir, name);
		return 0;
	}
	log_info("%s/%s: compressed, finishing an interrupted rotation",
	    tgtdir, name);
	return 1;
}

/*
 * renamecopy's LOG.tmp, left by a kill before it was copied to its
 * rotated name: every line of it is still only there, and the next
 * rotation could not rename the log onto it. Kept aside, never removed.
 */
static int
recover_tmp(int ldfd, const char *ldir, const char *base)
{
	char tmp[NAME_MAX + 1], to[NAME_MAX + 1];
	struct stat st;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", base) >= (int)sizeof(tmp) ||
	    fstatat(ldfd, tmp, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
	    !S_ISREG(st.st_mode))
		return 0;
	if (fs_keep_recovered(ldfd, tmp, base, strlen(base), "", to,
	    sizeof(to)) == -1) {
		log_warn("%s/%s: left by an interrupted renamecopy; not moved",
		    ldir, tmp);
		return 0;
	}
	log_warnx("%s/%s: left by an interrupted renamecopy; kept as %s/%s",
	    ldir, tmp, ldir, to);
	return 1;
}

int
recover_wanted(const struct log_rule *rule, const char *logname,
    int (*has)(const char *name, void *arg), void *arg)
{
	char name[NAME_MAX + 1];
	int slot = rule->start + (plan_delays_compress(rule) ? 1 : 0);

	if (rule->copytruncate && snprintf(name, sizeof(name), "%s%s%s",
	    FS_TMP_PREFIX, logname, RECOVER_COPY_SUFFIX) < (int)sizeof(name) &&
	    has(name, arg))
		return 1;
	if (rule->copytruncate && snprintf(name, sizeof(name), "%s%s%s",
	    FS_TMP_PREFIX, logname, RECOVER_GZCOPY_SUFFIX) < (int)sizeof(name) &&
	    has(name, arg))
		return 1;
	/* LOG.tmp lies in the log's dir: listed only without olddir. */
	if (rule->renamecopy && (rule->olddir != NULL ||
	    (snprintf(name, sizeof(name), "%s.tmp", logname) <
	    (int)sizeof(name) && has(name, arg))))
		return 1;
	return plain_numbers(rule) && snprintf(name, sizeof(name), "%s.%d",
	    logname, slot) < (int)sizeof(name) && has(name, arg);
}

int
recover_log(const struct log_rule *rule, const char *logpath,
    const char *tgtdir)
{
	const char *base;
	char *ldir;
	int ldfd, tfd, n = 0;

	if (strchr(logpath, '/') == NULL ||
	    fs_split_path(logpath, &ldir, &base) == -1)
		return 0;
	if ((tfd = fs_open_dir(tgtdir)) == -1) {
		free(ldir);
		return 0;
	}
	if ((rule->copytruncate || rule->renamecopy) &&
	    (ldfd = fs_open_dir(ldir)) != -1) {
		if (rule->copytruncate) {
			n += recover_copy(rule, ldfd, tfd, tgtdir, base);
			n += recover_gzcopy(rule, ldfd, tfd, tgtdir, base);
		}
		if (rule->renamecopy && !rule->copy && !rule->copytruncate)
			n += recover_tmp(ldfd, ldir, base);
		close(ldfd);
	}
	if (plain_numbers(rule))
		n += recover_compress(rule, tfd, tgtdir, base);
	close(tfd);
	free(ldir);
	return n;
}
