/*
 * rotate.c: runs a plan's actions on real files, and in dry-run mode prints
 * them instead from the very same switch, so the dry run cannot drift from
 * the real code path. It opens the plan's two directories once (O_NOFOLLOW)
 * and acts relative to them; the log itself is re-opened O_NOFOLLOW and
 * judged by fstat before anything touches it, because the planner's lstat
 * may be stale. It must never follow a symlink, write through a path, or
 * splice a path into shell text.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "daemon/clock.h"
#include "daemon/compress.h"
#include "daemon/fsutil.h"
#include "daemon/log.h"
#include "daemon/recover.h"
#include "daemon/rotate.h"

struct run {
	const struct log_rule	*rule;
	const struct plan	*plan;
	const struct rotate_opts *opts;
	int			 logfd;		/* -1 until needed */
	int			 tgtfd;		/* -1 until needed; == logfd without olddir */
	char			*why;
	size_t			 whylen;
};

static long	script_timeout(void);

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
 * fs_create_swap, so the log's path is never missing. Returns the number
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
		if (fs_create_swap(lfd, a->from_name, tfd, a->to_name, &at,
		    0) == -1)
			return fail(r, "%s: rename to %s and create", a->from,
			    a->to);
		return 2;
	}
	if (fs_rename(lfd, a->from_name, tfd, a->to_name, true) == -1)
		return fail(r, "%s: rename to %s", a->from, a->to);
	return 1;
}

static struct compress_opts
compress_opts_of(const struct log_rule *rule)
{
	return (struct compress_opts){ .level = rule->compresslevel,
	    .threads = rule->compressthreads };
}

/*
 * The gzipped copy of ACT_COPY's `gzip` form: the log LIVE (stat ST) is
 * read once into the .gz, then with TRUNC the compressed part leaves the
 * log the lossless way (compress_copytruncate). Like do_copy's, a
 * copytruncate's .gz is held under RECOVER_GZCOPY_SUFFIX until its bytes
 * have left the log, so a kill in between never leaves a rotated file
 * that duplicates the log. Returns 0 or -1.
 */
static int
copy_gzip(struct run *r, const struct plan_action *a, int live,
    const struct stat *st, int tfd, bool trunc)
{
	struct compress_opts co = compress_opts_of(r->rule);
	struct fs_ct_result res;
	char hold[NAME_MAX + 1];

	if (trunc) {
		if (faccessat(tfd, a->to_name, F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
			errno = EEXIST;	/* checked before a byte leaves the log */
			return fail(r, "%s: create", a->to);
		}
		if (snprintf(hold, sizeof(hold), "%s%s%s", FS_TMP_PREFIX,
		    a->from_name, RECOVER_GZCOPY_SUFFIX) >= (int)sizeof(hold)) {
			errno = ENAMETOOLONG;
			return fail(r, "%s: copy", a->from);
		}
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
		return 0;
	}
	if (compress_fd(live, st, tfd, a->to_name, &co, NULL) == -1)
		return fail(r, "%s: copy to %s", a->from, a->to);
	return 0;
}

/*
 * ACT_COPY, and with a following ACT_TRUNCATE the lossless copytruncate.
 * The copy gets the log's mode and owner. A copytruncate copies under
 * RECOVER_COPY_SUFFIX and takes the rotated name only once its bytes have
 * left the log: a kill in between leaves a name recover_log knows, never
 * a rotated file that duplicates the log. Returns actions consumed, or -1.
 */
static int
do_copy(struct run *r, const struct plan_action *a,
    const struct plan_action *next)
{
	bool trunc = next != NULL && next->kind == ACT_TRUNCATE &&
	    same_log(a, next);
	char tmp[NAME_MAX + 1];
	const char *name = a->to_name;
	struct fs_ct_result res;
	struct fs_attr at;
	struct stat st;
	int live, dst, tfd, rc;

	if (trunc) {
		if (snprintf(tmp, sizeof(tmp), "%s%s%s", FS_TMP_PREFIX,
		    a->from_name, RECOVER_COPY_SUFFIX) >= (int)sizeof(tmp)) {
			errno = ENAMETOOLONG;
			return fail(r, "%s: copy", a->from);
		}
		name = tmp;
	}
	if ((live = open_log(r, a, trunc ? O_RDWR : O_RDONLY, &st)) == -1)
		return -1;
	if ((tfd = dir_fd(r, a->to_dir)) == -1) {
		close(live);
		return -1;
	}
	if (a->gzip) {
		rc = copy_gzip(r, a, live, &st, tfd, trunc);
		close(live);
		return rc == -1 ? -1 : trunc ? 2 : 1;
	}
	at = attr_of(&st);
	if (trunc && faccessat(tfd, a->to_name, F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
		errno = EEXIST;	/* checked before a byte leaves the log */
		fail(r, "%s: create", a->to);
		close(live);
		return -1;
	}
	if ((dst = fs_create_excl(tfd, name, &at, 0)) == -1) {
		fail(r, "%s: create", a->to);
		close(live);
		return -1;
	}
	if (trunc)
		rc = fs_fsync_dir(tfd) == -1 ? -1 :
		    fs_copytruncate(live, dst, 0, &res);
	else
		rc = fs_copy(live, 0, dst, 0, 0, NULL);
	if (rc == -1) {
		fail(r, "%s: copy to %s", a->from, a->to);
		unlinkat(tfd, name, 0);
	} else if (trunc) {
		log_debug("%s: copytruncate by %s, %lld bytes copied, %lld "
		    "left at its head", a->from, res.method == FS_CT_COLLAPSED ?
		    "collapse" : "truncate", (long long)res.copied,
		    (long long)res.left);
		/* The log lost these bytes: the copy is now their only home. */
		if (fs_rename(tfd, name, tfd, a->to_name, true) == -1 ||
		    fs_fsync_dir(tfd) == -1)
			rc = fail(r, "%s: rename to %s (the copied lines stay "
			    "in %s)", a->from, a->to, name);
	}
	close(dst);
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
		if ((rc = fs_mkdir(pfd, name, &at)) == -1)
			fail(r, "%s: mkdir", a->from);
		close(pfd);
	}
	free(parent);
	free(path);
	return rc;
}

static int
do_compress(struct run *r, const struct plan_action *a)
{
	struct compress_opts co = compress_opts_of(r->rule);
	int dfd;

	if ((dfd = dir_fd(r, a->from_dir)) == -1)
		return -1;
	if (compress_file(dfd, a->from_name, dfd, a->to_name, &co) == -1) {
		if (errno == ENOENT && a->enoent_ok)
			return 0;
		return fail(r, "%s: compress to %s", a->from, a->to);
	}
	return 0;
}

static int
do_remove(struct run *r, const struct plan_action *a)
{
	int dfd;

	if ((dfd = dir_fd(r, a->from_dir)) == -1)
		return -1;
	if (fs_unlink(dfd, a->from_name) == -1) {
		if (errno == ENOENT && a->enoent_ok)
			return 0;
		return fail(r, "%s: remove", a->from);
	}
	return 0;
}

static int
do_script(struct run *r, const struct plan_action *a)
{
	int status;

	status = rotate_script(a->text, a->arg1, a->arg2, r->opts->cancel);
	if (status == -1 && errno == ETIMEDOUT)
		return fail(r, "%s: %s script killed after %ld s", a->arg1,
		    plan_script_name(a->script), script_timeout());
	if (status == -1 && errno == ECANCELED)
		return fail(r, "%s: %s script killed: mond is stopping",
		    a->arg1, plan_script_name(a->script));
	if (status == -1)
		return fail(r, "%s: %s script", a->arg1,
		    plan_script_name(a->script));
	if (status != 0) {
		snprintf(r->why, r->whylen, "%s: %s script exited %d", a->arg1,
		    plan_script_name(a->script), status);
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

	/* The line (with its user and group look-ups) only for a reader. */
	if ((r->opts->dry_run && r->opts->out != NULL) || log_debugging())
		plan_action_render(a, line, sizeof(line), user_name, group_name);
	if (r->opts->dry_run) {
		if (r->opts->out != NULL)
			fprintf(r->opts->out, "%s\n", line);
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

/* The script's bound in seconds: MOND_SCRIPT_TIMEOUT (a testing aid) or 10 min. */
static long
script_timeout(void)
{
	const char *env = getenv("MOND_SCRIPT_TIMEOUT");
	char *end;
	long v;

	if (env != NULL && *env != '\0') {
		errno = 0;
		v = strtol(env, &end, 10);
		if (errno == 0 && *end == '\0' && v > 0)
			return v;
	}
	return ROTATE_SCRIPT_TIMEOUT;
}

/* Polls for PID's exit until DEADLINE (or forever when < 0); 1 = exited. */
static int
reap(pid_t pid, int *status, double deadline, const atomic_bool *cancel)
{
	struct timespec nap = { 0, 1000000 };
	pid_t w;

	for (;;) {
		if ((w = waitpid(pid, status, WNOHANG)) == pid)
			return 1;
		if (w == -1 && errno != EINTR)
			return -1;
		if (cancel != NULL && atomic_load(cancel)) {
			errno = ECANCELED;
			return 0;
		}
		if (deadline >= 0 && mond_monotonic() >= deadline) {
			errno = ETIMEDOUT;
			return 0;
		}
		nanosleep(&nap, NULL);
		if (nap.tv_nsec < 50000000)
			nap.tv_nsec *= 2;
	}
}

/* Ends the script's process group: SIGTERM, SIGKILL after 5 s, reaped. */
static void
kill_script(pid_t pid)
{
	int status;

	kill(-pid, SIGTERM);
	if (reap(pid, &status, mond_monotonic() + 5, NULL) != 1) {
		kill(-pid, SIGKILL);
		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			;
	}
	kill(-pid, SIGKILL);	/* whatever it left behind in its group */
}

/* In the child: the signal state of a freshly started process, own group. */
static void
script_child(void)
{
	struct sigaction sa;
	sigset_t none;
	int sig;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL);	/* fails harmlessly for some */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setpgid(0, 0);
}

int
rotate_script(const char *text, const char *arg1, const char *arg2,
    const atomic_bool *cancel)
{
	pid_t pid;
	int status, fd, rc, save;

	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		script_child();
		/*
		 * Scripts run with the real ids (root under `su`), as
		 * logrotate's do once sh resets its effective ids.
		 */
		if (seteuid(getuid()) == -1 || setegid(getgid()) == -1)
			_exit(126);
		if ((fd = open("/dev/null", O_RDONLY)) != -1) {
			dup2(fd, STDIN_FILENO);
			if (fd != STDIN_FILENO)
				close(fd);
		}
		execl("/bin/sh", "sh", "-c", text, "mond_script", arg1, arg2,
		    (char *)NULL);
		_exit(127);
	}
	setpgid(pid, pid);	/* either side may win the race; both agree */
	if ((rc = reap(pid, &status, mond_monotonic() + (double)script_timeout(),
	    cancel)) != 1) {
		save = errno;
		if (rc == 0)
			kill_script(pid);
		errno = save;
		return -1;
	}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
