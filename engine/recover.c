/*
 * recover.c: the per-log half of crash recovery (DESIGN §5; durable.c's
 * durable_clean_temps and durable_recover_swaps are the per-directory
 * half). A mond killed between two steps of a rotation leaves a state no
 * plan expects; this finishes or undoes that step before the log is
 * planned, so the next rotation neither fails on the leftover nor
 * duplicates its lines. The steps it knows are the table `stages` at the
 * end: each names its leftover and settles it, and settling twice is
 * settling once. It never removes a file whose bytes are not all somewhere
 * else, and never touches another log.
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
#include "engine/durable.h"
#include "engine/fscopy.h"
#include "util/fsutil.h"
#include "util/log.h"
#include "engine/plan.h"
#include "engine/recover.h"
#include "util/spawn.h"

#define BUFSZ	65536

/* One log's recovery: where its files are, opened once. */
struct recover_ctx {
	const struct log_rule	*rule;
	const char		*tgtdir;	/* rotated files, TFD */
	const char		*ldir;		/* the log's directory, LDFD */
	const char		*base;		/* the log's name */
	int			 tfd;
	int			 ldfd;		/* -1: not opened */
};

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
	if (durable_keep_recovered(tfd, copy, base, strlen(base), ext, to,
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


/* copytruncate's held copy (DURABLE_COPY): undo or keep it. */
static int
settle_held_copy(const struct recover_ctx *c, const char *copy)
{
	struct stat cst, lst;
	off_t cut;
	int cfd, lfd, pre;

	if (open_pair(c->rule, c->ldfd, c->tfd, c->tgtdir, copy, c->base,
	    &cfd, &cst, &lfd, &lst) == -1)
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
		if ((cfd = openat(c->tfd, copy, O_WRONLY | O_NOFOLLOW |
		    O_CLOEXEC)) == -1 || ftruncate(cfd, cut) == -1 ||
		    fdatasync(cfd) == -1)
			log_warn("%s/%s: cutting what the log still holds",
			    c->tgtdir, copy);
		else
			log_info("%s/%s: cut to %lld bytes, the rest is still "
			    "at the log's head", c->tgtdir, copy,
			    (long long)cut);
		if (cfd != -1)
			close(cfd);
	}
	/* Killed before any byte left the log: the copy is redundant. */
	return settle_copy(c->tfd, c->tgtdir, copy, c->base, "", pre == 1);
}

/*
 * copytruncate + compress's held copy (DURABLE_GZCOPY, gzip or zstd):
 * killed before its bytes left the log, it decompresses to a prefix of
 * the log and goes. That includes a copy cut short in a catch-up member
 * or frame, since those are appended before the log is cut. Otherwise it
 * is their only home and is kept, named for what it holds, whatever the
 * rule says now.
 */
static int
settle_held_gzcopy(const struct recover_ctx *c, const char *copy)
{
	struct stat cst, lst;
	int cfd, lfd, pre = 0;
	bool zstd;

	if (open_pair(c->rule, c->ldfd, c->tfd, c->tgtdir, copy, c->base,
	    &cfd, &cst, &lfd, &lst) == -1)
		return 0;
	zstd = decompress_is_zstd(cfd);
	if (lfd != -1) {
		/* closes CFD */
		pre = compress_holds(cfd, lfd, HOLDS_CUT_PREFIX);
		close(lfd);
	} else
		close(cfd);
	return settle_copy(c->tfd, c->tgtdir, copy, c->base,
	    zstd ? ".zst" : ".gz", pre == 1);
}

/*
 * The rotated file NAME at the compression slot, left uncompressed:
 * compressed now, with the rule's compressor. compress_make also finishes
 * a compression (gzip in process) killed between its output's rename and
 * the source's unlink, and leaves a different output be.
 */
static int
settle_uncompressed(const struct recover_ctx *c, const char *name)
{
	const struct log_rule *rule = c->rule;
	struct compress_how how = { .zopts = compress_rule_opts(rule),
	    .cmd = rule->compresscmd,
	    .options = rule->compressoptions, .deadline = spawn_deadline(),
	    .refuse_links = !rule->allowhardlink };
	char gzname[NAME_MAX + 1], path[PATH_MAX];
	struct compress_src src;
	struct stat st;

	if (snprintf(gzname, sizeof(gzname), "%s%s", name,
	    plan_compext(rule)) >= (int)sizeof(gzname) ||
	    snprintf(path, sizeof(path), "%s/%s", c->tgtdir, name) >=
	    (int)sizeof(path))
		return 0;
	if (fstatat(c->tfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
	    !S_ISREG(st.st_mode))
		return 0;
	how.path = path;
	if (compress_make(c->tfd, name, c->tfd, gzname, &how, &src) == -1 ||
	    compress_drop(c->tfd, name, c->tfd, gzname, &src, NULL,
	    NULL) == -1) {
		if (errno == EEXIST)
			log_warnx("%s/%s: left uncompressed beside a different "
			    "%s; not touched", c->tgtdir, name, gzname);
		else if (errno == EMLINK)
			log_warnx("%s/%s: left uncompressed, but has hard links: "
			    "not touched", c->tgtdir, name);
		else if (src.status != -1)
			log_warnx("failed to compress log %s", path);
		else
			log_warn("%s/%s: compressing what an interrupted "
			    "rotation left", c->tgtdir, name);
		return 0;
	}
	log_info("%s/%s: compressed, finishing an interrupted rotation",
	    c->tgtdir, name);
	return 1;
}

/*
 * renamecopy's LOG.tmp, left by a kill before it was copied to its
 * rotated name: every line of it is still only there, and the next
 * rotation could not rename the log onto it. Kept aside, never removed.
 */
static int
settle_renamecopy_tmp(const struct recover_ctx *c, const char *tmp)
{
	char to[NAME_MAX + 1];
	struct stat st;

	if (fstatat(c->ldfd, tmp, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
	    !S_ISREG(st.st_mode))
		return 0;
	if (durable_keep_recovered(c->ldfd, tmp, c->base, strlen(c->base), "",
	    to, sizeof(to)) == -1) {
		log_warn("%s/%s: left by an interrupted renamecopy; not moved",
		    c->ldir, tmp);
		return 0;
	}
	log_warnx("%s/%s: left by an interrupted renamecopy; kept as %s/%s",
	    c->ldir, tmp, c->ldir, to);
	return 1;
}

static bool
by_copytruncate(const struct log_rule *rule)
{
	return rule->copytruncate;
}

static bool
by_renamecopy(const struct log_rule *rule)
{
	return rule->renamecopy && !rule->copy && !rule->copytruncate;
}

/* Numbered names, whose compression slot recovery can find. */
static bool
by_numbered_compress(const struct log_rule *rule)
{
	return rule->compress && !rule->dateext && rule->extension == NULL &&
	    rule->addextension == NULL && *plan_compext(rule) != '\0';
}

static int
held_copy_name(const struct log_rule *rule, const char *logname, char *buf,
    size_t size)
{
	(void)rule;
	return durable_name(DURABLE_COPY, logname, buf, size);
}

static int
held_gzcopy_name(const struct log_rule *rule, const char *logname, char *buf,
    size_t size)
{
	(void)rule;
	return durable_name(DURABLE_GZCOPY, logname, buf, size);
}

static int
renamecopy_tmp_name(const struct log_rule *rule, const char *logname,
    char *buf, size_t size)
{
	(void)rule;
	return snprintf(buf, size, "%s.tmp", logname) < (int)size ? 0 : -1;
}

/* LOG.N at the slot compression starts from (start, +1 with delay). */
static int
slot_name(const struct log_rule *rule, const char *logname, char *buf,
    size_t size)
{
	int slot = rule->start + (plan_delays_compress(rule) ? 1 : 0);

	return snprintf(buf, size, "%s.%d", logname, slot) < (int)size ? 0 : -1;
}

/*
 * The rotation steps a kill can interrupt, each with the file it leaves
 * (in the log's directory or the target one), under which rules, and how
 * that is settled. DESIGN §5's table is this one in words; the next step
 * is always the log's normal plan, which then finds nothing in its way.
 */
static const struct stage {
	const char	*step;
	bool		 in_logdir;	/* the leftover's place */
	bool		 reads_log;	/* settling needs the log's dir */
	bool		(*applies)(const struct log_rule *rule);
	int		(*leftover)(const struct log_rule *rule,
			    const char *logname, char *buf, size_t size);
	int		(*settle)(const struct recover_ctx *c,
			    const char *leftover);
} stages[] = {
	{ "copytruncate", false, true, by_copytruncate, held_copy_name,
	  settle_held_copy },
	{ "copytruncate with compress", false, true, by_copytruncate,
	  held_gzcopy_name, settle_held_gzcopy },
	{ "renamecopy", true, true, by_renamecopy, renamecopy_tmp_name,
	  settle_renamecopy_tmp },
	{ "compression", false, false, by_numbered_compress, slot_name,
	  settle_uncompressed },
};

#define NSTAGES	(sizeof(stages) / sizeof(stages[0]))

int
recover_wanted(const struct log_rule *rule, const char *logname,
    int (*has)(const char *name, void *arg), void *arg)
{
	char name[NAME_MAX + 1];
	size_t i;

	for (i = 0; i < NSTAGES; i++) {
		if (!stages[i].applies(rule))
			continue;
		/* The listing is the target dir's: the log's is elsewhere. */
		if (stages[i].in_logdir && rule->olddir != NULL)
			return 1;
		if (stages[i].leftover(rule, logname, name, sizeof(name)) == 0 &&
		    has(name, arg))
			return 1;
	}
	return 0;
}

int
recover_log(const struct log_rule *rule, const char *logpath,
    const char *tgtdir)
{
	struct recover_ctx c = { .rule = rule, .tgtdir = tgtdir, .ldfd = -1 };
	char name[NAME_MAX + 1], *ldir;
	size_t i;
	int n = 0, k;

	if (strchr(logpath, '/') == NULL ||
	    fs_split_path(logpath, &ldir, &c.base) == -1)
		return 0;
	c.ldir = ldir;
	if ((c.tfd = fs_open_dir(tgtdir)) == -1) {
		free(ldir);
		return 0;
	}
	for (i = 0; i < NSTAGES; i++) {
		const struct stage *s = &stages[i];

		if (!s->applies(rule) ||
		    s->leftover(rule, c.base, name, sizeof(name)) == -1)
			continue;
		if (s->reads_log && c.ldfd == -1 &&
		    (c.ldfd = fs_open_dir(ldir)) == -1)
			continue;
		if ((k = s->settle(&c, name)) > 0)
			log_debug("%s: settled what an interrupted %s left",
			    logpath, s->step);
		n += k;
	}
	if (c.ldfd != -1)
		close(c.ldfd);
	close(c.tfd);
	free(ldir);
	return n;
}
