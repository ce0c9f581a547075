/*
 * rotate.c: runs a plan's actions on real files, and in dry-run mode prints
 * them instead from the very same switch, so the dry run cannot drift from
 * the real code path. It opens the plan's two directories once (O_NOFOLLOW)
 * and acts relative to them; the log itself is re-opened O_NOFOLLOW and
 * judged by fstat before anything touches it, because the planner's lstat
 * may be stale. Scripts, compressors, the mailer and shred run through
 * spawn.c, and what they fail with is said in logrotate's words. It must
 * never follow a symlink, write through a path, or splice a path into
 * shell text.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/compress.h"
#include "engine/durable.h"
#include "engine/fscopy.h"
#include "util/fsutil.h"
#include "util/log.h"
#include "engine/mail.h"
#include "engine/recover.h"
#include "engine/rotate.h"
#include "util/spawn.h"

struct run {
	const struct log_rule	*rule;
	const struct plan	*plan;
	const struct rotate_opts *opts;
	int			 logfd;		/* -1 until needed */
	int			 tgtfd;		/* -1 until needed; == logfd without olddir */
	char			*why;
	size_t			 whylen;
};

/* Records and logs a failure: "FMT: strerror(errno)". Returns -1. */
static int
fail(struct run *r, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int save = errno;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(r->why, r->whylen, "%s: %s", msg, strerror(save));
	log_warnx("%s", r->why);
	errno = save;
	return -1;
}

/* The same in logrotate's words, which carry no strerror. Returns -1. */
static int
fail_msg(struct run *r, const char *fmt, ...)
{
	va_list ap;
	int save = errno;

	va_start(ap, fmt);
	vsnprintf(r->why, r->whylen, fmt, ap);
	va_end(ap);
	log_warnx("%s", r->why);
	errno = save;
	return -1;
}

/* The stanza as logrotate's messages name it: its pattern text. */
static const char *
pattern_of(const struct log_rule *rule)
{
	return rule->script_arg != NULL ? rule->script_arg : rule->title;
}

/* The fd of the plan's directory WHICH, opened on first use. */
static int
dir_fd(struct run *r, enum plan_dir which)
{
	const struct plan *p = r->plan;
	bool same = strcmp(p->log_dir, p->target_dir) == 0;

	if (which == PLAN_DIR_LOG || same) {
		if (r->logfd == -1 && (r->logfd = fs_open_dir(p->log_dir)) == -1)
			fail(r, "%s: open directory", p->log_dir);
		return r->logfd;
	}
	if (r->tgtfd == -1 && (r->tgtfd = fs_open_dir(p->target_dir)) == -1)
		fail(r, "%s: open directory", p->target_dir);
	return r->tgtfd;
}

/*
 * Opens the log NAME afresh with O_NOFOLLOW and judges the fd: a symlink,
 * a non-regular file or (without allowhardlink) a hard-linked file swapped
 * in since the plan was made is refused. Returns the fd, or -1.
 */
static int
open_log(struct run *r, const struct plan_action *a, int flags, struct stat *st)
{
	int dfd, fd;

	if ((dfd = dir_fd(r, PLAN_DIR_LOG)) == -1)
		return -1;
	if ((fd = fs_open_log(dfd, a->from_name, flags, st)) == -1) {
		if (errno == ELOOP)
			return fail(r, "%s: became a symbolic link: not rotated",
			    a->from);
		if (errno == EINVAL)
			return fail(r, "%s: no longer a regular file: not rotated",
			    a->from);
		return fail(r, "%s: open", a->from);
	}
	if (st->st_nlink > 1 && !r->rule->allowhardlink) {
		close(fd);
		errno = EMLINK;
		return fail(r, "%s: has %lu hard links now: not rotated",
		    a->from, (unsigned long)st->st_nlink);
	}
	return fd;
}

/* The owner ids to give a file made from ST: -1 where ours already. */
static struct fs_attr
attr_of(const struct stat *st)
{
	struct fs_attr at = { st->st_mode & 07777, st->st_uid, st->st_gid };

	if (at.uid == geteuid())
		at.uid = (uid_t)-1;
	if (at.gid == getegid())
		at.gid = (gid_t)-1;
	return at;
}

static bool
same_log(const struct plan_action *a, const struct plan_action *b)
{
	return b != NULL && a->from_dir == PLAN_DIR_LOG &&
	    b->from_dir == PLAN_DIR_LOG && strcmp(a->from, b->from) == 0;
}

/*
 * ACT_RENAME. The log's own rename followed by its ACT_CREATE becomes one
 * durable_swap, so the log's path is never missing. Returns the number
 * of actions consumed, or -1.
 */
static int
do_rename(struct run *r, const struct plan_action *a,
    const struct plan_action *next)
{
	struct fs_attr at;
	struct stat st;
	int fd, lfd, tfd;

	if (a->from_dir != PLAN_DIR_LOG) {
		if ((tfd = dir_fd(r, PLAN_DIR_TARGET)) == -1)
			return -1;
		if (fs_rename(tfd, a->from_name, tfd, a->to_name, false) == -1) {
			if (errno == ENOENT && a->enoent_ok)
				return 1;
			return fail(r, "%s: rename to %s", a->from, a->to);
		}
		return 1;
	}
	if ((fd = open_log(r, a, O_RDONLY, &st)) == -1)
		return -1;
	close(fd);
	if ((lfd = dir_fd(r, PLAN_DIR_LOG)) == -1 ||
	    (tfd = dir_fd(r, a->to_dir)) == -1)
		return -1;
	if (next != NULL && next->kind == ACT_CREATE && same_log(a, next)) {
		at = (struct fs_attr){ next->mode, next->uid, next->gid };
		if (durable_swap(lfd, a->from_name, tfd, a->to_name, &at,
		    0) == -1)
			return fail(r, "%s: rename to %s and create", a->from,
			    a->to);
		return 2;
	}
	if (fs_rename(lfd, a->from_name, tfd, a->to_name, true) == -1)
		return fail(r, "%s: rename to %s", a->from, a->to);
	return 1;
}

/*
 * Counts a compression of IN bytes into NAME in DFD for the status pages:
 * the output's st_size as it now stands. A failed look leaves it out.
 */
static void
tally(struct run *r, int dfd, const char *name, long long in)
{
	struct stat st;

	if (r->opts->packed == NULL || in < 0 ||
	    fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return;
	r->opts->packed->in += in;
	r->opts->packed->out += (long long)st.st_size;
}

/*
 * Whether a copytruncate's rotated name TO is taken already (failed, with
 * EEXIST): asked before a byte leaves the log, which then keeps them all.
 */
static bool
to_taken(struct run *r, const struct plan_action *a, int tfd)
{
	if (faccessat(tfd, a->to_name, F_OK, AT_SYMLINK_NOFOLLOW) == -1)
		return false;
	errno = EEXIST;
	fail(r, "%s: create", a->to);
	return true;
}

/*
 * The compressed copy of ACT_COPY's `compressed` form: the log LIVE (stat
 * ST) is read once into the .gz (or .zst), then with TRUNC the
 * compressed part leaves the log the lossless way (compress_copytruncate). Like do_copy's, a
 * copytruncate's .gz is held under DURABLE_GZCOPY's name until its bytes
 * have left the log, so a kill in between never leaves a rotated file
 * that duplicates the log. Returns 0 or -1.
 */
static int
copy_compressed(struct run *r, const struct plan_action *a, int live,
    const struct stat *st, int tfd, bool trunc)
{
	struct compress_opts co = compress_rule_opts(r->rule);
	struct fs_ct_result res;
	char hold[NAME_MAX + 1];
	off_t consumed = -1;

	if (trunc) {
		if (to_taken(r, a, tfd))
			return -1;
		if (durable_name(DURABLE_GZCOPY, a->from_name, hold,
		    sizeof(hold)) == -1)
			return fail(r, "%s: copy", a->from);
		if (compress_copytruncate(live, st, tfd, hold, &co, 0,
		    &res) == -1)
			return fail(r, "%s: copytruncate to %s", a->from, a->to);
		log_debug("%s: copytruncate+gzip by %s, %lld bytes compressed, "
		    "%lld left at its head", a->from,
		    res.method == FS_CT_COLLAPSED ? "collapse" : "truncate",
		    (long long)res.copied, (long long)res.left);
		/* The log lost these bytes: the .gz is now their only home. */
		if (fs_rename(tfd, hold, tfd, a->to_name, true) == -1 ||
		    fs_fsync_dir(tfd) == -1)
			return fail(r, "%s: rename to %s (the compressed lines "
			    "stay in %s)", a->from, a->to, hold);
		tally(r, tfd, a->to_name, (long long)res.copied);
		return 0;
	}
	if (compress_fd(live, st, tfd, a->to_name, &co, &consumed) == -1)
		return fail(r, "%s: copy to %s", a->from, a->to);
	tally(r, tfd, a->to_name, (long long)consumed);
	return 0;
}

/*
 * A whole copy of LIVE (stat ST) as TO in TFD: written under its
 * temporary name, synced, then renamed into place (never over a file),
 * so a kill leaves no half copy under the rotated name, only a temporary
 * that durable_clean_temps takes (its source still exists).
 */
static int
copy_whole(struct run *r, const struct plan_action *a, int live,
    const struct stat *st, int tfd)
{
	struct fs_attr at = attr_of(st);
	struct durable_file dst;

	if (durable_create(&dst, DURABLE_TMP, tfd, a->to_name, &at) == -1)
		return fail(r, "%s: create", a->to);
	if (fs_copy(live, 0, dst.fd, 0, 0, NULL) == -1 ||
	    durable_commit(&dst, a->to_name, 0) == -1) {
		durable_abort(&dst);	/* the log is untouched */
		return fail(r, "%s: copy to %s", a->from, a->to);
	}
	return 0;
}

/*
 * The lossless copytruncate of LIVE (stat ST) to TO in TFD. The copy gets
 * the log's mode and owner, is held under DURABLE_COPY's name and takes
 * the rotated name only once its bytes have left the log: a kill in
 * between leaves a name recover_log knows, never a rotated file that
 * duplicates the log. Returns 0 or -1.
 */
static int
copy_truncate(struct run *r, const struct plan_action *a, int live,
    const struct stat *st, int tfd)
{
	struct fs_attr at = attr_of(st);
	struct durable_file dst;
	struct fs_ct_result res;

	if (to_taken(r, a, tfd))
		return -1;
	if (durable_create(&dst, DURABLE_COPY, tfd, a->from_name, &at) == -1)
		return fail(r, "%s: create", a->to);
	/* The held name is on disk before a byte can leave the log. */
	if (fs_fsync_dir(tfd) == -1 ||
	    fs_copytruncate(live, dst.fd, 0, &res) == -1) {
		durable_abort(&dst);	/* the log kept every byte */
		return fail(r, "%s: copy to %s", a->from, a->to);
	}
	log_debug("%s: copytruncate by %s, %lld bytes copied, %lld left at "
	    "its head", a->from, res.method == FS_CT_COLLAPSED ? "collapse" :
	    "truncate", (long long)res.copied, (long long)res.left);
	/* The log lost these bytes: the copy is now their only home. */
	if (durable_commit(&dst, a->to_name, 0) == -1)
		return fail(r, "%s: rename to %s (the copied lines stay in %s)",
		    a->from, a->to, dst.name);
	return 0;
}

/*
 * ACT_COPY, and with a following ACT_TRUNCATE the lossless copytruncate,
 * compressed on the way when the action says so. Returns actions
 * consumed, or -1.
 */
static int
do_copy(struct run *r, const struct plan_action *a,
    const struct plan_action *next)
{
	bool trunc = next != NULL && next->kind == ACT_TRUNCATE &&
	    same_log(a, next);
	struct stat st;
	int live, tfd, rc;

	if ((live = open_log(r, a, trunc ? O_RDWR : O_RDONLY, &st)) == -1)
		return -1;
	if ((tfd = dir_fd(r, a->to_dir)) == -1) {
		close(live);
		return -1;
	}
	if (a->compressed)
		rc = copy_compressed(r, a, live, &st, tfd, trunc);
	else if (trunc)
		rc = copy_truncate(r, a, live, &st, tfd);
	else
		rc = copy_whole(r, a, live, &st, tfd);
	close(live);
	return rc == -1 ? -1 : trunc ? 2 : 1;
}

/* An ACT_TRUNCATE on its own (the planner pairs it with ACT_COPY). */
static int
do_truncate(struct run *r, const struct plan_action *a)
{
	struct stat st;
	int fd, rc;

	if ((fd = open_log(r, a, O_RDWR, &st)) == -1)
		return -1;
	if ((rc = ftruncate(fd, 0)) == -1)
		fail(r, "%s: truncate", a->from);
	close(fd);
	return rc;
}

static int
do_create(struct run *r, const struct plan_action *a)
{
	struct fs_attr at = { a->mode, a->uid, a->gid };
	int dfd, fd;

	if ((dfd = dir_fd(r, a->from_dir)) == -1)
		return -1;
	if ((fd = fs_create_excl(dfd, a->from_name, &at, 0)) == -1)
		return fail(r, "%s: create", a->from);
	close(fd);
	return 0;
}

/* createolddir: the target directory itself, made in its parent. */
static int
do_mkdir(struct run *r, const struct plan_action *a)
{
	struct fs_attr at = { a->mode, a->uid, a->gid };
	char *path, *parent = NULL;
	const char *name;
	size_t n;
	int pfd, rc = -1;

	if ((path = strdup(a->from)) == NULL)
		return fail(r, "%s: mkdir", a->from);
	/* olddir "old/" is made as "old"; "/" stays. */
	n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		path[--n] = '\0';
	if (fs_split_path(path, &parent, &name) == -1)
		fail(r, "%s: mkdir", a->from);
	else if ((pfd = fs_open_dir(parent)) == -1)
		fail(r, "%s: open parent directory", a->from);
	else {
		if ((rc = fs_mkdir(pfd, name, &at, r->opts->olddir_as_found ?
		    FS_MKDIR_AS_FOUND : 0)) == -1 && errno == EPERM)
			fail_msg(r, "%s: exists, but someone else made it or "
			    "may write it: not used", a->from);
		else if (rc == -1)
			fail(r, "%s: mkdir", a->from);
		close(pfd);
	}
	free(parent);
	free(path);
	return rc;
}

/* Runs shell TEXT with $1 = ARG1 ($2 = ARG2); the failure said as KIND's. */
static int
run_script(struct run *r, enum script_kind kind, const char *text,
    const char *arg1, const char *arg2)
{
	const char *name = plan_script_name(kind);
	int status;

	status = rotate_script(text, arg1, arg2, r->opts->cancel);
	if (status == -1 && errno == ETIMEDOUT)
		return fail(r, "%s: %s script killed after %ld s", arg1, name,
		    spawn_timeout());
	if (status == -1 && errno == ECANCELED)
		return fail(r, "%s: %s script killed: mond is stopping", arg1,
		    name);
	if (status == -1)
		return fail(r, "%s: %s script", arg1, name);
	if (status == 0)
		return 0;
	/* logrotate's words: scripts and people grep for them. */
	switch (kind) {
	case SCRIPT_PREREMOVE:
		return fail_msg(r, "error running preremove script for %s of "
		    "'%s'. Not removing this file.", arg1,
		    pattern_of(r->rule));
	case SCRIPT_FIRSTACTION:
	case SCRIPT_LASTACTION:
		return fail_msg(r, "error running %s action script for %s: "
		    "exited %d", kind == SCRIPT_FIRSTACTION ? "first" : "last",
		    arg1, status);
	case SCRIPT_PREROTATE:
	case SCRIPT_POSTROTATE:
		break;
	}
	if (r->rule->sharedscripts)
		return fail_msg(r, "error running shared %s script for '%s': "
		    "exited %d", name, pattern_of(r->rule), status);
	return fail_msg(r, "error running non-shared %s script for %s of "
	    "'%s': exited %d", name, arg1, pattern_of(r->rule), status);
}

static int
do_script(struct run *r, const struct plan_action *a)
{
	return run_script(r, a->script, a->text, a->arg1, a->arg2);
}

/*
 * NAME in DFD (PATH) removed as logrotate's shred_file does with shred:
 * a hard-linked file is refused (without allowhardlink) and stays;
 * `shred -u [-n CYCLES] -` overwrites it through its stdout, under `su`
 * with the stanza's ids; a failing shred leaves it to the unlink.
 */
static int
shred_remove(struct run *r, int dfd, const char *name, const char *path,
    int cycles, bool enoent_ok)
{
	char n[16], *argv[6] = { "shred", "-u", NULL };
	struct spawn sp = { .file = "shred", .argv = argv,
	    .ids = SPAWN_EFFECTIVE_IDS };
	struct stat st;
	int fd, i = 2, status;
	pid_t pid;

	if ((fd = openat(dfd, name, O_RDWR | O_NOFOLLOW | O_CLOEXEC |
	    O_NONBLOCK | O_NOCTTY)) == -1) {
		if (errno == ENOENT && enoent_ok)
			return 0;
		return fail(r, "%s: open to shred", path);
	}
	if (fstat(fd, &st) == -1) {
		fail(r, "%s: shred", path);
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return fail(r, "%s: shred", path);
	}
	if (st.st_nlink != 1 && !r->rule->allowhardlink) {
		close(fd);
		return fail_msg(r, "failed to shred \"%s\", because shredding "
		    "files with multiple hard links is disabled for %s.", path,
		    pattern_of(r->rule));
	}
	if (cycles != 0) {
		snprintf(n, sizeof(n), "%d", cycles);
		argv[i++] = "-n";
		argv[i++] = n;
	}
	argv[i++] = "-";
	argv[i] = NULL;
	sp.fd[0] = SPAWN_DEVNULL;
	sp.fd[1] = fd;
	sp.fd[2] = SPAWN_KEEP;
	status = (pid = spawn_start(&sp)) == -1 ? -1 :
	    spawn_wait(pid, spawn_deadline(), r->opts->cancel);
	close(fd);
	if (status != 0)
		log_warnx("Failed to shred %s, trying unlink", path);
	if (unlinkat(dfd, name, 0) == -1 && errno != ENOENT)
		return fail(r, "%s: remove", path);
	return 0;
}

struct drop_ctx {
	struct run			*r;
	const struct plan_action	*a;
	bool				 said;	/* the failure is logged */
};

/* compress_drop's removal of the source: shred, or unlink. */
static int
drop_source(int dirfd, const char *name, void *arg)
{
	struct drop_ctx *c = arg;

	if (!c->a->shred)
		return unlinkat(dirfd, name, 0);
	if (shred_remove(c->r, dirfd, name, c->a->from, c->a->shredcycles,
	    false) == -1) {
		c->said = true;
		return -1;
	}
	return 0;
}

/*
 * An existing `to` the plan expected: a gzip of the source's head is ours
 * (a compression killed after its rename) and compress_make replaces it;
 * anything else goes to the backup name, as logrotate's createOutputFile.
 */
static int
set_aside(struct run *r, const struct plan_action *a, int dfd)
{
	char path[PATH_MAX];
	struct stat st;

	if (a->backup == NULL ||
	    fstatat(dfd, a->to_name, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return 0;
	if (a->cmd == NULL &&
	    compress_drop_stale(dfd, a->from_name, dfd, a->to_name) == 0)
		return 0;
	if (a->cmd == NULL && errno != EEXIST)
		return fail(r, "%s: compress to %s", a->from, a->to);
	snprintf(path, sizeof(path), "%.*s%s", (int)(a->to_name - a->to),
	    a->to, a->backup);
	log_warnx("destination %s already exists, renaming to %s", a->to,
	    path);
	if (fs_rename(dfd, a->to_name, dfd, a->backup, true) == -1)
		return fail(r, "error renaming already existing output file %s "
		    "to %s", a->to, path);
	return 0;
}

/*
 * ACT_COMPRESS as logrotate's compressLogFile: the output made durable,
 * then preremove on the source, then the source removed (shredded).
 */
static int
do_compress(struct run *r, const struct plan_action *a)
{
	struct compress_how how = { .zopts = compress_rule_opts(r->rule),
	    .cmd = a->cmd, .options = r->rule->compressoptions,
	    .path = a->from, .has_times = a->has_times, .atime = a->atime,
	    .mtime = a->mtime, .deadline = spawn_deadline(),
	    .cancel = r->opts->cancel,
	    .refuse_links = !r->rule->allowhardlink };
	struct drop_ctx ctx = { r, a, false };
	struct compress_src src;
	int dfd;

	if ((dfd = dir_fd(r, a->from_dir)) == -1)
		return -1;
	if (a->enoent_ok && faccessat(dfd, a->from_name, F_OK,
	    AT_SYMLINK_NOFOLLOW) == -1 && errno == ENOENT)
		return 0;	/* a previous one that vanished: nothing to do */
	if (set_aside(r, a, dfd) == -1)
		return -1;
	if (compress_make(dfd, a->from_name, dfd, a->to_name, &how,
	    &src) == -1) {
		if (src.status != -1)
			return fail_msg(r, "failed to compress log %s", a->from);
		return fail(r, "%s: compress to %s", a->from, a->to);
	}
	if (a->text != NULL && run_script(r, SCRIPT_PREREMOVE, a->text, a->from,
	    NULL) == -1) {
		compress_keep(&src);
		return -1;
	}
	if (compress_drop(dfd, a->from_name, dfd, a->to_name, &src,
	    drop_source, &ctx) == -1) {
		if (!ctx.said)
			return fail(r, "%s: compress to %s", a->from, a->to);
		return -1;
	}
	/* the source was unchanged to its end: all of it is in the output */
	tally(r, dfd, a->to_name, (long long)src.st.st_size);
	return ctx.said ? -1 : 0;
}

static int
do_remove(struct run *r, const struct plan_action *a)
{
	int dfd;

	if ((dfd = dir_fd(r, a->from_dir)) == -1)
		return -1;
	if (a->shred)
		return shred_remove(r, dfd, a->from_name, a->from,
		    a->shredcycles, a->enoent_ok);
	if (fs_unlink(dfd, a->from_name) == -1) {
		if (errno == ENOENT && a->enoent_ok)
			return 0;
		return fail(r, "%s: remove", a->from);
	}
	return 0;
}

static int
do_mail(struct run *r, const struct plan_action *a)
{
	struct mail_how how = { .command = r->opts->mail_command,
	    .address = a->address, .subject = a->subject,
	    .uncompress = a->uncompress,
	    .uncompresscmd = r->rule->uncompresscmd,
	    .allowhardlink = r->rule->allowhardlink,
	    .deadline = spawn_deadline(), .cancel = r->opts->cancel };
	int dfd;

	if ((dfd = dir_fd(r, a->from_dir)) == -1)
		return -1;
	if (mail_send(dfd, a->from_name, a->from, &how, r->why,
	    r->whylen) == -1) {
		log_warnx("%s", r->why);
		return -1;
	}
	return 0;
}

static const char *
user_name(uid_t uid)
{
	struct passwd *pw = getpwuid(uid);

	return pw != NULL ? pw->pw_name : NULL;
}

static const char *
group_name(gid_t gid)
{
	struct group *gr = getgrgid(gid);

	return gr != NULL ? gr->gr_name : NULL;
}

/*
 * One action (and its partner, see do_rename/do_copy), or its dry-run
 * line. Returns the number of actions consumed, or -1.
 */
static int
act(struct run *r, const struct plan_action *a, const struct plan_action *next)
{
	char line[PATH_MAX * 2 + 64] = "";
	bool read = (r->opts->dry_run && r->opts->out != NULL) ||
	    log_debugging();

	/* The line (with its user and group look-ups) only for a reader. */
	if (read && r->opts->render != NULL)
		r->opts->render(a, line, sizeof(line));
	else if (read)
		plan_action_render(a, line, sizeof(line), user_name, group_name);
	if (r->opts->dry_run) {
		/* Without a stream of its own the line is a debug message. */
		if (r->opts->out != NULL)
			fprintf(r->opts->out, "%s\n", line);
		else
			log_debug("%s", line);
		return 1;
	}
	log_debug("%s", line);
	switch (a->kind) {
	case ACT_MKDIR:
		return do_mkdir(r, a) == -1 ? -1 : 1;
	case ACT_SCRIPT:
		return do_script(r, a) == -1 ? -1 : 1;
	case ACT_RENAME:
		return do_rename(r, a, next);
	case ACT_COPY:
		return do_copy(r, a, next);
	case ACT_TRUNCATE:
		return do_truncate(r, a) == -1 ? -1 : 1;
	case ACT_CREATE:
		return do_create(r, a) == -1 ? -1 : 1;
	case ACT_COMPRESS:
		return do_compress(r, a) == -1 ? -1 : 1;
	case ACT_REMOVE:
		return do_remove(r, a) == -1 ? -1 : 1;
	case ACT_MAIL:
		return do_mail(r, a) == -1 ? -1 : 1;
	}
	errno = EINVAL;
	return fail(r, "%s: unknown action", a->from);
}

int
rotate_run(const struct log_rule *rule, const struct plan *plan,
    unsigned phases, const struct rotate_opts *opts, char *why, size_t whylen)
{
	struct run r = { rule, plan, opts, -1, -1, why, whylen };
	const struct plan_action *a, *next;
	size_t i, j;
	int n = 1, rc = 0;

	for (i = 0; i < plan->nactions; i += (size_t)n) {
		a = &plan->actions[i];
		n = 1;
		if (!(phases & ROTATE_PHASE(a->phase)) ||
		    (a->kind == ACT_SCRIPT && a->shared && !opts->shared))
			continue;
		/* A partner must lie in the same selection. */
		j = i + 1;
		next = j < plan->nactions && (phases &
		    ROTATE_PHASE(plan->actions[j].phase)) ? &plan->actions[j] :
		    NULL;
		if ((n = act(&r, a, next)) == -1) {
			rc = -1;
			break;
		}
	}
	if (r.tgtfd != -1 && r.tgtfd != r.logfd)
		close(r.tgtfd);
	if (r.logfd != -1)
		close(r.logfd);
	return rc;
}

int
rotate_script(const char *text, const char *arg1, const char *arg2,
    const atomic_bool *cancel)
{
	char *argv[] = { "sh", "-c", (char *)text, "mond_script",
	    (char *)arg1, (char *)arg2, NULL };
	/*
	 * Scripts run with the real ids (root under `su`), as logrotate's
	 * do once sh resets its effective ids.
	 */
	struct spawn sp = { .file = "/bin/sh", .argv = argv,
	    .ids = SPAWN_REAL_IDS,
	    .fd = { SPAWN_DEVNULL, SPAWN_KEEP, SPAWN_KEEP } };
	pid_t pid;

	if ((pid = spawn_start(&sp)) == -1)
		return -1;
	return spawn_wait(pid, spawn_deadline(), cancel);
}
