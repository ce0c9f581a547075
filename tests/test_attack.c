/*
 * test_attack.c: nobody gets in through the file system. The real mond,
 * run as root, against what an unprivileged user or a hostile log name can
 * do: symlinks swapped in while it rotates, insecure directories, the
 * state file and its lock (CVE-2022-1348), names that try to forge state
 * entries or reach a shell through the script hooks. Sockets are in
 * test_attack_net.c. Each test has its own directories and state.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "daemon/state.h"
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

static char *listing(const char *d);

/* S as a libconfuse double-quoted string's inside (\\, \", \$, \n). */
static char *
confq(const char *s)
{
	char *out = malloc(strlen(s) * 2 + 1), *o = out;

	cr_assert_not_null(out);
	for (; *s != '\0'; s++) {
		if (*s == '\n') {
			*o++ = '\\';
			*o++ = 'n';
			continue;
		}
		if (*s == '\\' || *s == '"' || *s == '$')
			*o++ = '\\';
		*o++ = *s;
	}
	*o = '\0';
	return out;
}

/* The test's config with STATEFILE, then STANZAS; a 3 s HTTP timeout. */
static void
write_conf_state(const char *statefile, const char *stanzas)
{
	struct tu_conf c = { .statefile = statefile,
	    .http = "    timeout = 3\n" };

	tu_mond_conf(stanzas, &c);
}

static void
write_conf(const char *stanzas)
{
	write_conf_state(state_path, stanzas);
}

/* mkdir -p of PATH's directory part. */
static void
mkdir_parents(const char *path)
{
	char *p = strdup(path), *s;

	cr_assert_not_null(p);
	for (s = strchr(p + 1, '/'); s != NULL; s = strchr(s + 1, '/')) {
		*s = '\0';
		cr_assert(mkdir(p, 0755) == 0 || errno == EEXIST, "mkdir %s: %s",
		    p, strerror(errno));
		*s = '/';
	}
	free(p);
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
	lq = confq(log);
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

/* An olddir swapped for a symlink to another directory is not entered. */
Test(attack, a_symlinked_olddir_is_not_followed)
{
	char *logdir = tu_path(tu_dir, "logs"), *log = tu_path(logdir, "x.log");
	char *old = tu_path(logdir, "old"), *stanza, *list0, *list1;
	const char *argv[] = { "-c", tu_conf, "--force-rotate", NULL };
	struct tu_run run;

	cr_assert_eq(mkdir(logdir, 0755), 0);
	tu_write_file(log, "a line\n");
	cr_assert_eq(symlink(outside, old), 0);
	cr_assert(asprintf(&stanza, "log \"%s\" {\n rotate = 2\n olddir = \"old\"\n"
	    " compress = yes\n}\n", log) != -1);
	write_conf(stanza);
	list0 = listing(outside);
	run = tu_run_mond(argv);
	list1 = listing(outside);
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
	int i;

	tu_need_root("chown of the outside file");
	target = make_outside_file(&before);
	write_conf("");
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
	usleep(1100 * 1000);	/* past the applog's once-a-second check */
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

/* NUL-separated sorted-ish listing of DIR's names, for "nothing moved". */
static char *
listing(const char *d)
{
	char *cmd, *out;
	FILE *fp;
	size_t len = 0, cap = 65536;

	cr_assert(asprintf(&cmd, "ls -lA --time-style=+%%s '%s' | sort", d) != -1);
	fp = popen(cmd, "r");
	cr_assert_not_null(fp);
	out = calloc(1, cap);
	len = fread(out, 1, cap - 1, fp);
	out[len] = '\0';
	pclose(fp);
	free(cmd);
	return out;
}

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
	before = listing(logdir);
	run = tu_run_mond(argv);
	after = listing(logdir);
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

/* ---------------------------------------------------------------------- */
/* The state file and its lock (CVE-2022-1348)                            */

Test(attack, a_state_lock_in_a_user_writable_directory_is_refused)
{
	char *tmpdir = tu_path(tu_dir, "tmp"), *st = tu_path(tmpdir, "status");
	char *lock = tu_path(tmpdir, "status.lock");
	char *log = tu_path(tu_dir, "a.log"), *rot = tu_path(tu_dir, "a.log.1");
	char *stanza;
	const char *argv[] = { "-c", tu_conf, "--once", NULL };
	struct tu_run run;
	static const mode_t modes[] = { 01777, 0777, 0775 };
	size_t i;

	tu_need_root("the lock directory rule is root's");
	cr_assert_eq(mkdir(tmpdir, 0755), 0);
	tu_write_file(log, "x\n");
	cr_assert(asprintf(&stanza, "log \"%s\" {\n size = 1\n rotate = 1\n}\n",
	    log) != -1);
	write_conf_state(st, stanza);
	for (i = 0; i < 3; i++) {
		cr_assert_eq(chown(tmpdir, 0, i == 2 ? 65534 : 0), 0);
		cr_assert_eq(chmod(tmpdir, modes[i]), 0);
		run = tu_run_mond(argv);
		cr_assert_eq(run.status, 1, "mode %o: exit %d: %s", modes[i],
		    run.status, run.err);
		cr_assert_not_null(strstr(run.err, lock), "%s", run.err);
		cr_assert_not_null(strstr(run.err, "writable by others"), "%s",
		    run.err);
		cr_assert(!tu_exists(lock), "a lock file was made in %o", modes[i]);
		cr_assert(!tu_exists(rot), "rotated without the lock");
		tu_run_free(&run);
	}
	free(stanza);
	free(rot);
	free(log);
	free(lock);
	free(st);
	free(tmpdir);
}

/* The daemon, too, refuses the lock there, and says why. */
Test(attack, the_daemon_refuses_a_state_lock_in_a_world_writable_directory)
{
	char *tmpdir = tu_path(tu_dir, "tmp"), *st = tu_path(tmpdir, "status");
	char *lock = tu_path(tmpdir, "status.lock"), *err;
	int rc;

	tu_need_root("the lock directory rule is root's");
	cr_assert_eq(mkdir(tmpdir, 0755), 0);
	cr_assert_eq(chmod(tmpdir, 01777), 0);
	write_conf_state(st, "");
	cr_assert_neq(tu_daemon_start(&tu_mond, tu_conf, NULL), 0,
	    "the daemon started with its lock in a 1777 directory");
	err = tu_daemon_stderr(&tu_mond);
	rc = tu_mond.pid;	/* 0: it exited, reaped by tu_daemon_start */
	cr_assert_eq(rc, 0);
	cr_assert_not_null(strstr(err, lock), "%s", err);
	cr_assert_not_null(strstr(err, "writable by others"),
	    "no clear reason: %s", err);
	cr_assert(!tu_exists(lock));
	free(err);
	free(lock);
	free(st);
	free(tmpdir);
}

Test(attack, an_unprivileged_user_cannot_open_or_hold_the_lock)
{
	char *log = tu_path(tu_dir, "a.log"), *rot = tu_path(tu_dir, "a.log.1");
	char *lock, *stanza;
	const char *argv[] = { "-c", tu_conf, "--once", NULL };
	struct tu_run run;
	int status;
	pid_t pid;

	tu_need_root("setuid to nobody");
	cr_assert(asprintf(&lock, "%s.lock", state_path) != -1);
	tu_write_file(log, "x\n");
	cr_assert(asprintf(&stanza, "log \"%s\" {\n size = 1\n rotate = 1\n}\n",
	    log) != -1);
	write_conf(stanza);
	/* A first run makes the lock and the state. */
	run = tu_run_mond(argv);
	cr_assert_eq(run.status, 0, "%s", run.err);
	tu_run_free(&run);
	cr_assert(tu_exists(lock));
	cr_assert_eq(chmod(tu_dir, 0755), 0);	/* the path is walkable */

	if ((pid = fork()) == 0) {
		int fd;

		if (setgroups(0, NULL) == -1 || setgid(65534) == -1 ||
		    setuid(65534) == -1)
			_exit(10);
		if (open(lock, O_RDONLY) != -1 || errno != EACCES)
			_exit(11);
		if (open(lock, O_RDWR) != -1 || errno != EACCES)
			_exit(12);
		/* Nor replace it, nor the state, nor plant a new one. */
		if (unlink(lock) != -1 || errno != EACCES)
			_exit(13);
		fd = open(state_path, O_WRONLY);
		if (fd != -1 || errno != EACCES)
			_exit(14);
		_exit(0);
	}
	cr_assert_gt(pid, 0);
	waitpid(pid, &status, 0);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "nobody got at the lock: step %d", WEXITSTATUS(status));
	/*
	 * What nobody can hold (the directory, the state file read-only)
	 * does not stop mond: hold them while it rotates.
	 */
	helper = fork();
	cr_assert_neq(helper, -1);
	if (helper == 0) {
		int dfd, sfd;

		if (setgroups(0, NULL) == -1 || setgid(65534) == -1 ||
		    setuid(65534) == -1)
			_exit(10);
		dfd = open(state_dir, O_RDONLY | O_DIRECTORY);
		sfd = open(state_path, O_RDONLY);
		if (dfd != -1)
			flock(dfd, LOCK_EX);
		if (sfd != -1)
			flock(sfd, LOCK_EX);
		for (;;)
			pause();
	}
	usleep(200000);
	/* Rotation goes on. */
	tu_write_file(log, "y\n");
	unlink(rot);
	run = tu_run_mond(argv);
	cr_assert_eq(run.status, 0, "blocked by nobody: %s", run.err);
	cr_assert(tu_exists(rot), "not rotated while nobody held what it could");
	tu_run_free(&run);
	free(stanza);
	free(lock);
	free(rot);
	free(log);
}

/* Rotates LOGDIR/NAME once and parses the state: exactly its entry. */
static void
roundtrip(const char *name)
{
	char *logdir, *log, *stanza, *pat, *rot, *statep;
	const char *argv[] = { "-c", tu_conf, "--once", NULL };
	struct tu_run run;
	struct state *st;
	time_t when;
	static int k;

	cr_assert(asprintf(&logdir, "%s/l%d", tu_dir, k) != -1);
	cr_assert(asprintf(&statep, "%s/status%d", state_dir, k++) != -1);
	cr_assert_eq(mkdir(logdir, 0755), 0);
	log = tu_path(logdir, name);
	cr_assert(asprintf(&rot, "%s.1", log) != -1);
	mkdir_parents(log);	/* a crafted name may hold slashes */
	tu_write_file(log, "a line\n");
	pat = confq(log);
	cr_assert(asprintf(&stanza, "log \"%s\" {\n size = 1\n"
	    " rotate = 1\n}\n", pat) != -1);
	write_conf_state(statep, stanza);
	run = tu_run_mond(argv);
	cr_assert_eq(run.status, 0, "[%s] %s", name, run.err);
	tu_run_free(&run);
	cr_assert(tu_exists(rot), "[%s] not rotated", name);
	st = state_load(statep);
	cr_assert_not_null(st);
	cr_assert_eq(state_count(st), 1, "[%s] %zu entries", name,
	    state_count(st));
	cr_assert_eq(state_get(st, log, &when), 0, "[%s] name not round-tripped",
	    name);
	cr_assert_eq(state_get(st, "/etc/passwd", &when), -1);
	state_free(st);
	free(stanza);
	free(pat);
	free(rot);
	free(log);
	free(statep);
	free(logdir);
}

Test(attack, hostile_names_round_trip_exactly_through_the_state_file)
{
	roundtrip("new\nline.log");
	roundtrip("quo\"te.log");
	roundtrip("back\\slash\\n.log");
	roundtrip("sp ace\ttab .log");
	roundtrip("\xc3\xa9t\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x93\x9c.log");
	roundtrip("trail\\.log");
	roundtrip("\"lead.log");
	/* An entry of its own must not come out of a crafted name. */
	roundtrip("a\"\n\"/etc/passwd\" 2000-1-1\n\".log");
	roundtrip("b\\\"\n\"/etc/passwd\" 2000-1-1\n.log");
}

/* ---------------------------------------------------------------------- */
/* Script hooks and shell metacharacters                                  */

static void
scripts_case(bool shared, int k)
{
	static const char *const forms[] = {
	    "$(touch %s/pwned-a).log",
	    "a;touch %s/pwned-b;.log",
	    "`touch %s/pwned-c`.log",
	    "a|touch %s/pwned-d|.log",
	    "a&touch %s/pwned-e&.log",
	    "a'$(touch %s/pwned-f)'.log",
	    "a\"$(touch %s/pwned-g)\".log",
	    "a\n touch %s/pwned-h\n.log",
	    "${IFS}touch${IFS}%s/pwned-i.log",
	};
	size_t nf = sizeof(forms) / sizeof(forms[0]), i;
	char *marks, *rec, *logdir, *stanzas = strdup(""), *paths[16];
	char *text, *recorded, *q, *rq;
	const char *argv[] = { "-c", tu_conf, "--force-rotate", NULL };
	struct tu_run run;

	cr_assert(asprintf(&marks, "%s/marks%d", tu_dir, k) != -1);
	cr_assert(asprintf(&logdir, "%s/logs%d", tu_dir, k) != -1);
	cr_assert(asprintf(&rec, "%s/rec%d", tu_dir, k) != -1);
	cr_assert_eq(mkdir(marks, 0777), 0);
	cr_assert_eq(mkdir(logdir, 0755), 0);
	rq = confq(rec);
	for (i = 0; i < nf; i++) {
		char *name, *s;

		cr_assert(asprintf(&name, forms[i], marks) != -1);
		cr_assert(asprintf(&paths[i], "%s/%s", logdir, name) != -1);
		free(name);
		mkdir_parents(paths[i]);
		tu_write_file(paths[i], "line\n");
		q = confq(paths[i]);
		/* Each hook appends what it got in $1, NUL-terminated. */
#define HOOK(h) " " h " = \"printf '" h ":%%s\\\\000' \\\"\\$1\\\" >> '%s'\"\n"
		cr_assert(asprintf(&s, "%slog \"%s\" {\n rotate = 0\n"
		    " sharedscripts = %s\n"
		    HOOK("firstaction") HOOK("prerotate") HOOK("postrotate")
		    HOOK("preremove") HOOK("lastaction") "}\n", stanzas, q,
		    shared ? "yes" : "no", rq, rq, rq, rq, rq) != -1);
#undef HOOK
		free(stanzas);
		stanzas = s;
		free(q);
	}
	write_conf(stanzas);
	run = tu_run_mond(argv);
	text = listing(marks);
	cr_assert_null(strstr(text, "pwned"), "a name ran a command: %s", text);
	free(text);
	cr_assert_eq(run.status, 0, "exit %d: %s", run.status, run.err);
	tu_run_free(&run);
	recorded = tu_read_file(rec, NULL);
	cr_assert_not_null(recorded, "no hook ran");
	for (i = 0; i < nf; i++) {
		static const char *const hooks[] = { "firstaction", "prerotate",
		    "postrotate", "preremove", "lastaction" };
		size_t h;

		for (h = 0; h < 5; h++) {
			/* Records are NUL-separated: search each one. */
			char *want, *p;
			size_t total, off;
			bool found = false;
			const char *expect = paths[i];
			char *rotated = NULL;

			if (strcmp(hooks[h], "preremove") == 0) {
				cr_assert(asprintf(&rotated, "%s.1", paths[i]) != -1);
				expect = rotated;
			}
			cr_assert(asprintf(&want, "%s:%s", hooks[h], expect) != -1);
			p = tu_read_file(rec, &total);
			for (off = 0; off < total; off += strlen(p + off) + 1)
				if (strcmp(p + off, want) == 0)
					found = true;
			cr_assert(found, "[shared=%d] %s did not get the literal "
			    "name %s", shared, hooks[h], expect);
			free(p);
			free(want);
			free(rotated);
		}
		free(paths[i]);
	}
	free(recorded);
	free(stanzas);
	free(rq);
	free(rec);
	free(logdir);
	free(marks);
}

Test(attack, hostile_log_names_run_nothing_through_any_script_hook)
{
	tu_need_root("logs under a root-owned tree");
	scripts_case(false, 0);
	scripts_case(true, 1);
}
