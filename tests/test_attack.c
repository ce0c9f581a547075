/*
 * test_attack.c: nobody gets in through a path. The real mond, run as
 * root, against what an unprivileged user can put in its way: symlinks
 * swapped in while it rotates (every name it writes, olddir, mon.log) and
 * insecure log directories, rotated only with su. The state file's lock and
 * hostile names are in test_attack_state.c, sockets in test_attack_net.c.
 * Each test has its own directories and state.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/testutil.h"

static char *outside;		/* a directory no rotation may reach */
static char *state_dir;		/* tu_dir/state, 0755 */
static char *state_path;	/* the state file in it */
static pid_t helper = -1;	/* a child loop a test started, killed in fini */

static void
setup(void)
{
	tu_mond_init();
	outside = tu_tmpdir();
	state_dir = tu_path(tu_dir, "state");
	state_path = tu_path(state_dir, "status");
	cr_assert_eq(mkdir(state_dir, 0755), 0);
}

static void
teardown(void)
{
	if (helper > 0) {
		kill(helper, SIGKILL);
		waitpid(helper, NULL, 0);
	}
	tu_fini();
	tu_rmtree(outside);
	free(state_path);
	free(state_dir);
	free(outside);
}

TestSuite(attack, .init = setup, .fini = teardown, .timeout = 240);

/* The test's config with its state file, then STANZAS; a 3 s HTTP timeout. */
static void
write_conf(const char *stanzas)
{
	struct tu_conf c = { .statefile = state_path,
	    .http = "    timeout = 3\n" };

	tu_mond_conf(stanzas, &c);
}

/* ---------------------------------------------------------------------- */
/* Symlink races                                                          */

struct snap {
	struct stat st;
	char	*text;
	size_t	 len;
};

static void
snap_take(const char *path, struct snap *s)
{
	cr_assert_eq(lstat(path, &s->st), 0, "%s: %s", path, strerror(errno));
	s->text = tu_read_file(path, &s->len);
	cr_assert_not_null(s->text);
}

/* Everything a write, chown, chmod or truncate would change. */
static void
snap_same(const char *path, const struct snap *a, const char *when)
{
	struct snap b;

	snap_take(path, &b);
	cr_assert_eq(b.len, a->len, "%s: outside file resized %zu -> %zu",
	    when, a->len, b.len);
	cr_assert_eq(memcmp(a->text, b.text, a->len), 0,
	    "%s: outside file rewritten", when);
	cr_assert_eq(b.st.st_size, a->st.st_size, "%s: size", when);
	cr_assert_eq(b.st.st_mode, a->st.st_mode, "%s: mode %o -> %o", when,
	    a->st.st_mode, b.st.st_mode);
	cr_assert_eq(b.st.st_uid, a->st.st_uid, "%s: uid chowned", when);
	cr_assert_eq(b.st.st_gid, a->st.st_gid, "%s: gid chowned", when);
	cr_assert(b.st.st_mtim.tv_sec == a->st.st_mtim.tv_sec &&
	    b.st.st_mtim.tv_nsec == a->st.st_mtim.tv_nsec, "%s: mtime", when);
	/* Any chown/chmod/write/truncate moves ctime, even to equal values. */
	cr_assert(b.st.st_ctim.tv_sec == a->st.st_ctim.tv_sec &&
	    b.st.st_ctim.tv_nsec == a->st.st_ctim.tv_nsec, "%s: ctime", when);
	cr_assert_eq(b.st.st_nlink, a->st.st_nlink, "%s: hard-linked", when);
	free(b.text);
}

/* The file a swapped symlink points to: odd mode, odd owner, old mtime. */
static char *
make_outside_file(struct snap *s)
{
	char *target = tu_path(outside, "precious");
	struct timespec ts[2] = { { 1000000000, 0 }, { 1000000000, 0 } };

	tu_write_file(target, "outside the log directory: never touched\n");
	cr_assert_eq(chmod(target, 0604), 0);
	cr_assert_eq(chown(target, 4321, 4322), 0);
	cr_assert_eq(utimensat(AT_FDCWD, target, ts, 0), 0);
	snap_take(target, s);
	return target;
}

/*
 * The attacker: forever, puts a symlink to TARGET at one of NAMES (atomic
 * rename of a prepared link), waits a little, then puts back a regular
 * log (for the log itself) or removes the link.
 */
static void
swap_loop(const char *target, char *const names[], size_t n, const char *log)
{
	char tmp[4096];
	unsigned x = (unsigned)getpid();
	size_t i;

	for (;;) {
		x = x * 1103515245u + 12345u;
		i = (x >> 8) % n;
		snprintf(tmp, sizeof(tmp), "%s.swap", names[i]);
		unlink(tmp);
		if (symlink(target, tmp) == 0)
			rename(tmp, names[i]);
		usleep((x >> 4) % 3000);
		if (strcmp(names[i], log) == 0) {
			int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);

			if (fd != -1) {
				(void)!write(fd, "a line\nanother line\n", 20);
				close(fd);
				rename(tmp, log);
			}
		} else {
			struct stat st;

			if (lstat(names[i], &st) == 0 && S_ISLNK(st.st_mode))
				unlink(names[i]);
		}
	}
}

static void
race_one(const char *target, const struct snap *before, const char *opts,
    int rounds)
{
	char *logdir = tu_path(tu_dir, "logs");
	char *log = tu_path(logdir, "x.log");
	char *stanza, *lq;
	static const char *const rel[] = { "x.log", "x.log.1", "x.log.2",
	    "x.log.1.gz", "x.log.2.gz", "x.log.3.gz", ".x.log.mond-tmp",
	    ".x.log.1.mond-tmp", ".x.log.1.gz.mond-tmp",
	    ".x.log.2.gz.mond-tmp" };
	char *names[16];
	size_t n = 0, i;
	int r, rotated = 0;

	mkdir(logdir, 0755);
	for (i = 0; i < sizeof(rel) / sizeof(rel[0]); i++)
		names[n++] = tu_path(logdir, rel[i]);
	names[n++] = tu_path(state_dir, ".status.mond-tmp");
	names[n++] = strdup(state_path);
	tu_write_file(log, "first line\n");
	lq = tu_confq(log);
	cr_assert(asprintf(&stanza, "log \"%s\" {\n rotate = 2\n size = 1\n"
	    " missingok = yes\n%s}\n", lq, opts) != -1);
	write_conf(stanza);

	helper = fork();
	cr_assert_neq(helper, -1);
	if (helper == 0)
		swap_loop(target, names, n, log);
	for (r = 0; r < rounds; r++) {
		const char *argv[] = { "-c", tu_conf, "--force-rotate", NULL };
		struct tu_run run = tu_run_mond(argv);

		if (run.status == 0)
			rotated++;
		cr_assert(run.status == 0 || run.status == 1,
		    "[%s] mond exit %d: %s", opts, run.status, run.err);
		tu_run_free(&run);
		snap_same(target, before, opts);
	}
	kill(helper, SIGKILL);
	waitpid(helper, NULL, 0);
	helper = -1;
	snap_same(target, before, opts);
	/* The race must not have stopped every rotation: mond did work. */
	cr_assert_gt(rotated, 0, "[%s] no rotation succeeded", opts);
	for (i = 0; i < n; i++)
		free(names[i]);
	tu_rmtree(logdir);
	unlink(state_path);
	free(stanza);
	free(lq);
	free(log);
	free(logdir);
}

Test(attack, symlinks_swapped_in_during_rotations_never_reach_an_outside_file)
{
	struct snap before;
	char *target;

	tu_need_root("chown of the outside file; mond as root");
	target = make_outside_file(&before);
	race_one(target, &before, " create = yes\n compress = yes\n", 40);
	race_one(target, &before, " create = \"0640\"\n", 40);
	race_one(target, &before, " copytruncate = yes\n compress = yes\n"
	    " delaycompress = yes\n", 40);
	race_one(target, &before, " copy = yes\n compress = yes\n", 30);
	free(before.text);
	free(target);
}

/* The same names, each a symlink standing still before one rotation. */
Test(attack, symlinks_at_every_name_mond_writes_are_not_followed)
{
	static const char *const rel[] = { "x.log.1", "x.log.2", "x.log.1.gz",
	    "x.log.2.gz", ".x.log.mond-tmp", ".x.log.1.gz.mond-tmp" };
	static const char *const variants[] = {
	    " create = yes\n compress = yes\n",
	    " copytruncate = yes\n compress = yes\n",
	    " copy = yes\n compress = yes\n",
	};
	struct snap before;
	char *target, *logdir = tu_path(tu_dir, "logs");
	char *log = tu_path(logdir, "x.log"), *stanza, *p;
	size_t i, v;

	tu_need_root("chown of the outside file; mond as root");
	target = make_outside_file(&before);
	for (v = 0; v < 3; v++) {
		for (i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
			const char *argv[] = { "-c", tu_conf,
			    "--force-rotate", NULL };
			struct tu_run run;

			tu_rmtree(logdir);
			cr_assert_eq(mkdir(logdir, 0755), 0);
			tu_write_file(log, "some lines\nto rotate\n");
			p = tu_path(logdir, rel[i]);
			cr_assert_eq(symlink(target, p), 0);
			free(p);
			p = tu_path(state_dir, ".status.mond-tmp");
			unlink(p);
			cr_assert_eq(symlink(target, p), 0);
			free(p);
			cr_assert(asprintf(&stanza, "log \"%s\" {\n rotate = 1\n"
			    "%s}\n", log, variants[v]) != -1);
			write_conf(stanza);
			free(stanza);
			run = tu_run_mond(argv);
			tu_run_free(&run);
			snap_same(target, &before, rel[i]);
		}
	}
	free(before.text);
	free(target);
	free(log);
	free(logdir);
}

/*
 * An olddir a user swapped for a symlink to root's directory is not
 * entered: the log's directory is hers, so mond works there as her. (A
 * symlink root made is root's choice, followed: test_attack_path.c.)
 */
Test(attack, a_symlinked_olddir_is_not_followed)
{
	char *logdir = tu_path(tu_dir, "logs"), *log = tu_path(logdir, "x.log");
	char *old = tu_path(logdir, "old"), *stanza, *list0, *list1;
	const char *argv[] = { "-c", tu_conf, "--force-rotate", NULL };
	struct tu_run run;
	uid_t uid;
	gid_t gid;

	uid = tu_user_add("mt_oldlink_a", &gid);
	cr_assert_eq(chmod(tu_dir, 0755), 0);
	cr_assert_eq(mkdir(logdir, 0755), 0);
	cr_assert_eq(chown(logdir, uid, gid), 0);
	tu_write_file(log, "a line\n");
	cr_assert_eq(chown(log, uid, gid), 0);
	cr_assert_eq(symlink(outside, old), 0);
	cr_assert_eq(lchown(old, uid, gid), 0);
	cr_assert(asprintf(&stanza, "log \"%s\" {\n rotate = 2\n olddir = \"old\"\n"
	    " compress = yes\n}\n", log) != -1);
	write_conf(stanza);
	list0 = tu_listing(outside);
	run = tu_run_mond(argv);
	list1 = tu_listing(outside);
	cr_assert_str_eq(list1, list0, "mond wrote through the olddir link");
	cr_assert_neq(run.status, 0, "a rotation through a symlinked olddir "
	    "claimed success: %s", run.err);
	tu_run_free(&run);
	free(list0);
	free(list1);
	free(stanza);
	free(old);
	free(log);
	free(logdir);
}

/*
 * mon.log swapped for a symlink: the web front's own log must not follow
 * it, whether the link is there when the daemon starts (it refuses to
 * start, naming the file) or planted while it runs (the lines are dropped
 * with an error, GET / still answers).
 */
Test(attack, a_symlinked_mon_log_is_not_followed)
{
	struct snap before;
	struct tu_daemon refused;
	char *target, *moved, *err;
	double t0;
	int i;

	tu_need_root("chown of the outside file");
	target = make_outside_file(&before);
	write_conf("");
	tu_front_dir(tu_mon_log);
	cr_assert_eq(symlink(target, tu_mon_log), 0);
	cr_assert_neq(tu_daemon_start(&refused, tu_conf, NULL), 0,
	    "started with mon.log a symlink");
	err = tu_daemon_stderr(&refused);
	cr_assert_not_null(strstr(err, tu_mon_log), "%s", err);
	free(err);
	tu_daemon_kill(&refused);
	snap_same(target, &before, "mon.log at start");

	cr_assert_eq(unlink(tu_mon_log), 0);
	tu_mond_start(NULL);
	cr_assert(asprintf(&moved, "%s.moved", tu_mon_log) != -1);
	cr_assert_eq(rename(tu_mon_log, moved), 0);
	cr_assert_eq(symlink(target, tu_mon_log), 0);
	/*
	 * Requests until the front says its log is refused (its check runs
	 * at most once a second): only then is an unchanged target news. A
	 * target that grew ends the wait too, for snap_same to say so.
	 */
	for (t0 = tu_now(); !tu_daemon_wait_stderr(&tu_mond, "web front: mond: "
	    "mon.log: is a symbolic link", 1, 0) &&
	    tu_file_len(target) == (long)before.len;) {
		char *resp = tu_http_raw(tu_mond.port, "GET / HTTP/1.0\r\n\r\n",
		    3000);

		cr_assert_eq(tu_http_status(resp), 200, "%s", resp);
		free(resp);
		cr_assert_lt(tu_now() - t0, 10.0, "the planted link was not "
		    "refused within 10 s:\n%s", tu_daemon_stderr(&tu_mond));
		usleep(100000);
	}
	for (i = 0; i < 3; i++) {
		char *resp = tu_http_raw(tu_mond.port, "GET / HTTP/1.0\r\n\r\n",
		    3000);

		cr_assert_eq(tu_http_status(resp), 200, "%s", resp);
		free(resp);
	}
	snap_same(target, &before, "mon.log planted");
	free(moved);
	free(before.text);
	free(target);
}

/* ---------------------------------------------------------------------- */
/* Insecure directories and su                                            */

static void
insecure_case(mode_t mode, gid_t gid, const char *why)
{
	char *logdir = tu_path(tu_dir, "logs"), *log = tu_path(logdir, "a.log");
	char *stanza, *before, *after;
	const char *argv[] = { "-c", tu_conf, "--force-rotate", NULL };
	struct tu_run run;

	tu_rmtree(logdir);
	cr_assert_eq(mkdir(logdir, 0755), 0);
	tu_write_file(log, "precious\n");
	cr_assert_eq(chown(logdir, 0, gid), 0);
	cr_assert_eq(chmod(logdir, mode), 0);
	cr_assert(asprintf(&stanza, "log \"%s/*.log\" {\n rotate = 3\n"
	    " create = yes\n compress = yes\n}\n", logdir) != -1);
	write_conf(stanza);
	before = tu_listing(logdir);
	run = tu_run_mond(argv);
	after = tu_listing(logdir);
	cr_assert_eq(run.status, 1, "[%s] exit %d: %s", why, run.status,
	    run.err);
	cr_assert_not_null(strstr(run.err, logdir), "[%s] message does not "
	    "name the directory: %s", why, run.err);
	cr_assert_not_null(strstr(run.err, "writable"), "[%s] %s", why, run.err);
	cr_assert_str_eq(after, before, "[%s] something moved", why);
	tu_run_free(&run);
	free(before);
	free(after);
	free(stanza);
	free(log);
	free(logdir);
}

Test(attack, insecure_log_directories_are_refused_without_su)
{
	tu_need_root("the check applies to root only");
	insecure_case(0777, 0, "world-writable");
	insecure_case(01777, 0, "world-writable sticky");
	insecure_case(0775, 65534, "group-writable by nogroup");
	insecure_case(0757, 0, "other-writable only");
}

Test(attack, a_root_group_writable_directory_is_not_insecure)
{
	char *logdir = tu_path(tu_dir, "logs"), *log = tu_path(logdir, "a.log");
	char *stanza, *rot = tu_path(logdir, "a.log.1");
	const char *argv[] = { "-c", tu_conf, "--force-rotate", NULL };
	struct tu_run run;

	tu_need_root("the check applies to root only");
	cr_assert_eq(mkdir(logdir, 0775), 0);
	cr_assert_eq(chmod(logdir, 0775), 0);
	tu_write_file(log, "x\n");
	cr_assert(asprintf(&stanza, "log \"%s\" {\n rotate = 1\n}\n", log) != -1);
	write_conf(stanza);
	run = tu_run_mond(argv);
	cr_assert_eq(run.status, 0, "%s", run.err);
	cr_assert(tu_exists(rot));
	tu_run_free(&run);
	free(stanza);
	free(rot);
	free(log);
	free(logdir);
}

Test(attack, with_su_an_insecure_directory_is_rotated_as_that_user)
{
	char *logdir = tu_path(tu_dir, "logs"), *log = tu_path(logdir, "a.log");
	char *gz = tu_path(logdir, "a.log.1.gz"), *stanza;
	const char *argv[] = { "-c", tu_conf, "--force-rotate", NULL };
	struct tu_run run;
	struct stat st;

	tu_need_root("su switches ids");
	/* The user nobody can walk to the logs. */
	cr_assert_eq(chmod(tu_dir, 0755), 0);
	cr_assert_eq(mkdir(logdir, 0755), 0);
	cr_assert_eq(chown(logdir, 0, 65534), 0);
	cr_assert_eq(chmod(logdir, 0775), 0);
	tu_write_file(log, "lines of nobody\n");
	cr_assert_eq(chown(log, 65534, 65534), 0);
	cr_assert(asprintf(&stanza, "log \"%s/*.log\" {\n rotate = 2\n"
	    " su = \"nobody nogroup\"\n create = \"0640\"\n compress = yes\n}\n",
	    logdir) != -1);
	write_conf(stanza);
	run = tu_run_mond(argv);
	cr_assert_eq(run.status, 0, "%s", run.err);
	tu_run_free(&run);
	cr_assert_eq(stat(log, &st), 0, "the new log was not created");
	cr_assert_eq(st.st_uid, 65534);
	cr_assert_eq(st.st_gid, 65534);
	cr_assert_eq(st.st_mode & 07777, 0640);
	cr_assert_eq(st.st_size, 0);
	cr_assert_eq(stat(gz, &st), 0, "no .1.gz");
	cr_assert_eq(st.st_uid, 65534, "the .gz was made as uid %u",
	    (unsigned)st.st_uid);
	cr_assert_eq(st.st_gid, 65534);

	/*
	 * The ids really switch: the same rule on a root-only directory
	 * fails, since nobody cannot rename in it.
	 */
	free(gz);
	gz = tu_path(logdir, "a.log.1");
	tu_rmtree(logdir);
	cr_assert_eq(mkdir(logdir, 0755), 0);
	tu_write_file(log, "root's\n");
	free(stanza);
	cr_assert(asprintf(&stanza, "log \"%s/*.log\" {\n rotate = 2\n"
	    " su = \"nobody nogroup\"\n}\n", logdir) != -1);
	write_conf(stanza);
	run = tu_run_mond(argv);
	cr_assert_eq(run.status, 1, "rotated as root despite su: %s", run.err);
	cr_assert(!tu_exists(gz), "a.log.1 made in a root-only directory");
	tu_run_free(&run);
	free(stanza);
	free(gz);
	free(log);
	free(logdir);
}
