/*
 * test_lrcli.c: mond run under the name `logrotate` (a symlink, as
 * -Dlogrotate_link installs it) against Debian's logrotate 3.21 with the
 * same arguments: exit codes, the state file's lock, -d, -l and several
 * configuration files. Scripts and cron jobs read the exit status, so it
 * must be logrotate's for each case.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/testutil.h"

#define PEER	"/usr/sbin/logrotate"

static char *link_path;		/* tu_dir/bin/logrotate -> mond */
static pid_t kids[2];		/* a failed assert must not leave these */

static void
init(void)
{
	char *bin;

	tu_dir_init();
	bin = tu_path(tu_dir, "bin");
	cr_assert_eq(mkdir(bin, 0755), 0);
	link_path = tu_path(bin, "logrotate");
	cr_assert_eq(symlink(tu_mond_bin(), link_path), 0, "symlink: %s",
	    strerror(errno));
	free(bin);
}

static void
fini(void)
{
	int st;

	for (size_t i = 0; i < 2; i++)
		if (kids[i] > 0 && kill(kids[i], SIGKILL) == 0)
			waitpid(kids[i], &st, 0);
	free(link_path);
	link_path = NULL;
	tu_fini();
}

TestSuite(lrcli, .init = init, .fini = fini, .timeout = 60);

/* A config in the test's directory rotating NAME (daily, rotate 2). */
static char *
config(const char *conf, const char *name)
{
	char *path = tu_path(tu_dir, conf), *log = tu_path(tu_dir, name),
	    *text;

	cr_assert(asprintf(&text, "%s {\n\tdaily\n\trotate 2\n}\n", log) > 0);
	tu_write_file(path, text);
	tu_write_file(log, "a line\n");
	free(text);
	free(log);
	return path;
}

struct cli_case {
	const char	*what;
	/* "@C" is a good config, "@B" a bad one, "@S" the state file */
	const char	*args[6];
	int		 status;	/* logrotate's, and so mond's */
};

static const struct cli_case cases[] = {
	{ "no arguments", { NULL }, 1 },
	{ "an unknown option", { "--bogus", "-s", "@S", "@C", NULL }, 2 },
	{ "-s without its value", { "@C", "-s", NULL }, 2 },
	{ "both lock options", { "--skip-state-lock", "--wait-for-state-lock",
	    "-s", "@S", "@C", NULL }, 1 },
	{ "--version", { "--version", NULL }, 0 },
	{ "--usage", { "--usage", NULL }, 0 },
	{ "--help", { "--help", NULL }, 0 },
	{ "-?", { "-?", NULL }, 0 },
	{ "a missing config file", { "-s", "@S", "@D/none.conf", NULL }, 1 },
	{ "a config with an error", { "-s", "@S", "@B", NULL }, 1 },
	{ "a good config, forced", { "-f", "-s", "@S", "@C", NULL }, 0 },
	{ "a good config, debug", { "-d", "-s", "@S", "@C", NULL }, 0 },
};

/* Runs PROG with C's arguments, each @ word made a path of the test's. */
static struct tu_run
run_case(const char *prog, const struct cli_case *c, const char *tag)
{
	const char *argv[8];
	char *own[8] = { 0 }, *good, *bad, *state, name[64];
	struct tu_run r;
	size_t i;

	snprintf(name, sizeof(name), "%s-good.conf", tag);
	good = config(name, tag);
	snprintf(name, sizeof(name), "%s-bad.conf", tag);
	bad = tu_path(tu_dir, name);
	tu_write_file(bad, "/nowhere/x.log {\n\trotate two\n}\n");
	snprintf(name, sizeof(name), "%s.state", tag);
	state = tu_path(tu_dir, name);
	for (i = 0; c->args[i] != NULL; i++) {
		const char *a = c->args[i];

		if (strcmp(a, "@C") == 0)
			argv[i] = good;
		else if (strcmp(a, "@B") == 0)
			argv[i] = bad;
		else if (strcmp(a, "@S") == 0)
			argv[i] = state;
		else if (strncmp(a, "@D", 2) == 0) {
			cr_assert(asprintf(&own[i], "%s%s", tu_dir, a + 2) > 0);
			argv[i] = own[i];
		} else
			argv[i] = a;
	}
	argv[i] = NULL;
	r = tu_run_prog(prog, argv);
	for (i = 0; i < 8; i++)
		free(own[i]);
	free(good), free(bad), free(state);
	return r;
}

static void
require_peer(void)
{
	if (access(PEER, X_OK) != 0)
		cr_skip_test(PEER " is not installed (make test installs it)");
	if (geteuid() != 0)
		cr_skip_test("logrotate refuses configs not owned by root: "
		    "run as root");
}

Test(lrcli, every_exit_status_is_logrotates)
{
	size_t i;

	require_peer();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tu_run lr = run_case(PEER, &cases[i], "lr");
		struct tu_run mo = run_case(link_path, &cases[i], "mo");

		cr_expect_eq(lr.status, cases[i].status, "%s: logrotate "
		    "exits %d, the table says %d: %s", cases[i].what,
		    lr.status, cases[i].status, lr.err);
		cr_expect_eq(mo.status, lr.status, "%s: mond as logrotate "
		    "exits %d, logrotate %d\nmond said: %s\nlogrotate said: %s",
		    cases[i].what, mo.status, lr.status, mo.err, lr.err);
		tu_run_free(&lr);
		tu_run_free(&mo);
	}
}

Test(lrcli, version_names_logrotate_3_21)
{
	const char *argv[] = { "--version", NULL };
	struct tu_run r = tu_run_prog(link_path, argv);

	cr_assert_eq(r.status, 0);
	cr_assert_eq(strncmp(r.out, "logrotate 3.21.0", 16), 0, "--version "
	    "printed: %s", r.out);
	tu_run_free(&r);
}

/* Holds an flock on PATH in a child until it is killed; returns its pid. */
static pid_t
hold_lock(const char *path)
{
	int ready[2], fd;
	pid_t pid;
	char c;

	cr_assert_eq(pipe(ready), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		fd = open(path, O_RDWR | O_CREAT, 0600);
		if (fd == -1 || flock(fd, LOCK_EX) == -1)
			_exit(1);
		(void)!write(ready[1], "x", 1);
		for (;;)
			pause();
	}
	close(ready[1]);
	cr_assert_eq(read(ready[0], &c, 1), 1, "the lock holder failed");
	close(ready[0]);
	kids[0] = pid;
	return pid;
}

static void
release(pid_t pid)
{
	int st;

	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	kids[0] = 0;
}

Test(lrcli, a_held_state_lock_exits_3_and_rotates_nothing)
{
	char *conf = config("a.conf", "a.log"), *state = tu_path(tu_dir, "st");
	const char *argv[] = { "-f", "-s", state, conf, NULL };
	const char *skip[] = { "-f", "--skip-state-lock", "-s", state, conf,
	    NULL };
	pid_t holder = hold_lock(state);
	struct tu_run r = tu_run_prog(link_path, argv);

	cr_expect_eq(r.status, 3, "exit %d: %s", r.status, r.err);
	cr_expect_not_null(strstr(r.err, "is already locked"), "%s", r.err);
	cr_expect(!tu_exists(tu_at("a.log.1")), "rotated without the lock");
	tu_run_free(&r);
	r = tu_run_prog(link_path, skip);
	cr_expect_eq(r.status, 0, "--skip-state-lock: exit %d: %s", r.status,
	    r.err);
	cr_expect(tu_exists(tu_at("a.log.1")), "--skip-state-lock did not "
	    "rotate");
	tu_run_free(&r);
	release(holder);
	free(conf), free(state);
}

Test(lrcli, wait_for_state_lock_rotates_once_the_holder_lets_go)
{
	char *conf = config("a.conf", "a.log"), *state = tu_path(tu_dir, "st");
	pid_t holder = hold_lock(state), pid;
	int st;

	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		if (null != -1) {
			dup2(null, 1);
			dup2(null, 2);
		}
		execl(link_path, link_path, "-f", "--wait-for-state-lock",
		    "-s", state, conf, (char *)NULL);
		_exit(127);
	}
	kids[1] = pid;
	usleep(500 * 1000);
	cr_assert_eq(waitpid(pid, &st, WNOHANG), 0, "it did not wait");
	cr_assert(!tu_exists(tu_at("a.log.1")), "rotated under the lock");
	release(holder);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	kids[1] = 0;
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %d", st);
	cr_assert(tu_exists(tu_at("a.log.1")), "not rotated after the wait");
	free(conf), free(state);
}

Test(lrcli, debug_moves_nothing_and_writes_no_state)
{
	char *conf = config("a.conf", "a.log"), *state = tu_path(tu_dir, "st");
	const char *argv[] = { "-d", "-f", "-s", state, conf, NULL };
	char *before = tu_listing(tu_dir), *after;
	struct tu_run r = tu_run_prog(link_path, argv);

	cr_assert_eq(r.status, 0, "%s", r.err);
	after = tu_listing(tu_dir);
	cr_assert_str_eq(after, before, "-d changed the directory");
	cr_assert(!tu_exists(state), "-d wrote the state file");
	cr_assert_not_null(strstr(r.err, "a.log"), "-d said nothing about "
	    "the log: %s", r.err);
	tu_run_free(&r);
	free(before), free(after), free(conf), free(state);
}

Test(lrcli, log_option_gets_the_messages_without_verbose)
{
	char *conf = config("a.conf", "a.log"), *state = tu_path(tu_dir, "st"),
	    *logf = tu_path(tu_dir, "lr.out"), *text;
	const char *argv[] = { "-f", "-l", logf, "-s", state, conf, NULL };
	struct tu_run r = tu_run_prog(link_path, argv);

	cr_assert_eq(r.status, 0, "%s", r.err);
	text = tu_read_file(logf, NULL);
	cr_assert_not_null(text, "-l did not write %s", logf);
	cr_assert_not_null(strstr(text, "a.log"), "-l's file does not name "
	    "the log: %s", text);
	tu_run_free(&r);
	free(text), free(conf), free(state), free(logf);
}

Test(lrcli, several_config_files_are_all_read)
{
	char *c1 = config("a.conf", "a.log"), *c2 = config("b.conf", "b.log"),
	    *state = tu_path(tu_dir, "st");
	const char *argv[] = { "-f", "-s", state, c1, c2, NULL };
	struct tu_run r = tu_run_prog(link_path, argv);

	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(tu_exists(tu_at("a.log.1")) && tu_exists(tu_at("b.log.1")),
	    "not both configs were rotated");
	cr_assert(tu_exists(state), "no state written");
	tu_run_free(&r);
	free(c1), free(c2), free(state);
}

/*
 * logrotate rewrites its state on every run, changed or not (monitors
 * read the file's mtime as "logrotate ran"), and keeps a gone log's entry
 * for a year: mond under its name does both, though mond itself writes
 * its state only when it changed.
 */
Test(lrcli, the_state_is_written_every_run_and_keeps_a_year)
{
	char *conf = config("a.conf", "a.log"), *state = tu_path(tu_dir, "st");
	const char *argv[] = { "-s", state, conf, NULL };
	struct stat before, after;
	struct tm tm;
	char *text, recent[64];
	time_t t = time(NULL) - 180 * 86400;
	struct tu_run r;

	cr_assert_not_null(localtime_r(&t, &tm));
	snprintf(recent, sizeof(recent), "%d-%d-%d-%d:%d:%d", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	cr_assert(asprintf(&text, "logrotate state -- version 2\n"
	    "\"/gone/two/years\" %d-1-1-0:0:0\n\"/gone/half/a/year\" %s\n",
	    tm.tm_year + 1900 - 2, recent) > 0);
	tu_write_file(state, text);
	free(text);
	r = tu_run_prog(link_path, argv);
	cr_assert_eq(r.status, 0, "%s", r.err);
	tu_run_free(&r);
	cr_assert_eq(tu_count_lines(state, "/gone/two/years"), 0);
	cr_assert_eq(tu_count_lines(state, "/gone/half/a/year"), 1);
	cr_assert_eq(tu_count_lines(state, "a.log\""), 1);
	cr_assert_eq(stat(state, &before), 0);
	r = tu_run_prog(link_path, argv);	/* nothing due: nothing changed */
	cr_assert_eq(r.status, 0, "%s", r.err);
	tu_run_free(&r);
	cr_assert_eq(stat(state, &after), 0);
	cr_assert(after.st_ino != before.st_ino ||
	    after.st_mtim.tv_sec != before.st_mtim.tv_sec ||
	    after.st_mtim.tv_nsec != before.st_mtim.tv_nsec,
	    "the state was not rewritten, as logrotate does on every run");
	cr_assert_eq(tu_count_lines(state, "/gone/half/a/year"), 1);
	free(conf), free(state);
}
