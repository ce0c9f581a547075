/*
 * test_attack_state.c: the state file and the names it records, against
 * an unprivileged user and hostile log names. The real mond, run as root:
 * its lock (CVE-2022-1348), refused in a directory others can write and
 * out of an unprivileged user's reach; names that try to forge state
 * entries or reach a shell through the script hooks. Paths are in
 * test_attack.c. Each test has its own directories and state.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine/state.h"
#include "tests/testutil.h"

static char *state_dir;		/* tu_dir/state, 0755 */
static char *state_path;	/* the state file in it */
static pid_t helper = -1;	/* a child loop a test started, killed in fini */

static void
setup(void)
{
	tu_mond_init();
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
	free(state_path);
	free(state_dir);
}

TestSuite(attack_state, .init = setup, .fini = teardown, .timeout = 240);

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
/* The state file and its lock (CVE-2022-1348)                            */

Test(attack_state, a_state_lock_in_a_user_writable_directory_is_refused)
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
Test(attack_state, the_daemon_refuses_a_state_lock_in_a_world_writable_directory)
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

Test(attack_state, an_unprivileged_user_cannot_open_or_hold_the_lock)
{
	char *log = tu_path(tu_dir, "a.log"), *rot = tu_path(tu_dir, "a.log.1");
	char *lock, *stanza;
	const char *argv[] = { "-c", tu_conf, "--once", NULL };
	struct tu_run run;
	int status, held[2];
	char took = 0;
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
	 * What nobody can hold (the directory; the state file too, were it
	 * open to her: here she cannot open it) does not stop mond: hold it
	 * while it rotates.
	 */
	cr_assert_eq(pipe(held), 0);
	helper = fork();
	cr_assert_neq(helper, -1);
	if (helper == 0) {
		int dfd, sfd;
		char got = 0;

		close(held[0]);
		if (setgroups(0, NULL) == -1 || setgid(65534) == -1 ||
		    setuid(65534) == -1)
			_exit(10);
		dfd = open(state_dir, O_RDONLY | O_DIRECTORY);
		sfd = open(state_path, O_RDONLY);
		if (dfd != -1 && flock(dfd, LOCK_EX) == 0)
			got |= 1;
		if (sfd != -1 && flock(sfd, LOCK_EX) == 0)
			got |= 2;
		if (write(held[1], &got, 1) != 1)
			_exit(11);
		for (;;)
			pause();
	}
	/* Held for sure before mond runs: a sleep would pass a late helper. */
	close(held[1]);
	cr_assert_eq(read(held[0], &took, 1), 1, "the helper said nothing");
	close(held[0]);
	cr_assert(took & 1, "nobody did not get the directory's lock");
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
	pat = tu_confq(log);
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

Test(attack_state, hostile_names_round_trip_exactly_through_the_state_file)
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
	rq = tu_confq(rec);
	for (i = 0; i < nf; i++) {
		char *name, *s;

		cr_assert(asprintf(&name, forms[i], marks) != -1);
		cr_assert(asprintf(&paths[i], "%s/%s", logdir, name) != -1);
		free(name);
		mkdir_parents(paths[i]);
		tu_write_file(paths[i], "line\n");
		q = tu_confq(paths[i]);
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
	text = tu_listing(marks);
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

Test(attack_state, hostile_log_names_run_nothing_through_any_script_hook)
{
	tu_need_root("logs under a root-owned tree");
	scripts_case(false, 0);
	scripts_case(true, 1);
}

/* ---------------------------------------------------------------------- */
/* A bounded state file                                                   */

/* Bytes PID passed to write(2) so far (/proc/PID/io wchar). */
static long long
wchar_of(pid_t pid)
{
	char path[64], *io, *p;
	long long n;

	snprintf(path, sizeof(path), "/proc/%ld/io", (long)pid);
	cr_assert_not_null(io = tu_read_file(path, NULL), "%s", path);
	cr_assert_not_null(p = strstr(io, "wchar: "));
	n = atoll(p + 7);
	free(io);
	return n;
}

/*
 * PATH's inode and mtime, as one string: a save writes a new file and
 * renames it over, so a file written since has another.
 */
static char *
version_of(const char *path)
{
	struct stat sb;
	char *v;

	cr_assert_eq(stat(path, &sb), 0, "%s: %s", path, strerror(errno));
	cr_assert(asprintf(&v, "%ju %jd.%09ld", (uintmax_t)sb.st_ino,
	    (intmax_t)sb.st_mtim.tv_sec, sb.st_mtim.tv_nsec) != -1);
	return v;
}

/*
 * 20 stanzas app0-*.log .. app19-*.log with SIZE, a live log each, and a
 * state of 100,000 entries of their names, since deleted.
 */
static void
bloated_state(const char *size)
{
	char *logdir = tu_path(tu_dir, "logs"), *stanzas = strdup(""), *s;
	FILE *fp;
	int i;

	cr_assert_eq(mkdir(logdir, 0755), 0);
	for (i = 0; i < 20; i++) {
		cr_assert(asprintf(&s, "%slog \"%s/app%d-*.log\" {\n size = %s\n"
		    " rotate = 1\n}\n", stanzas, logdir, i, size) != -1);
		free(stanzas);
		stanzas = s;
		cr_assert(asprintf(&s, "%s/app%d-live.log", logdir, i) != -1);
		tu_write_file(s, "a line\n");
		free(s);
	}
	write_conf(stanzas);
	cr_assert_not_null(fp = fopen(state_path, "w"));
	fprintf(fp, "logrotate state -- version 2\n");
	for (i = 0; i < 100000; i++)
		fprintf(fp, "\"%s/app%d-%d.log\" 2026-1-2-3:4:5\n", logdir,
		    i % 20, i);
	cr_assert_eq(fclose(fp), 0);
	free(stanzas);
	free(logdir);
}

/*
 * The finding: a user who can make files where a pattern looks (here
 * 100,000 names the pattern still matches, since deleted) left an entry
 * each, never dropped, and every pass rewrote and fsynced them all. The
 * real daemon now drops them at its first pass over the config; a pass
 * that changes nothing writes nothing; 20 rotations write 20 small files.
 */
Test(attack_state, dead_entries_are_dropped_and_passes_write_little)
{
	char *before, *after, *v;
	const char *extra[] = { "-v", NULL };
	long long w;
	int i;

	bloated_state("1M");
	cr_assert_gt(tu_file_len(state_path), 4000000);

	tu_mond_start(extra);
	/* the first pass saves the live logs' first sights */
	for (i = 0; i < 200 && tu_count_lines(state_path, "-live.log\"") < 20;
	    i++)
		usleep(100 * 1000);
	cr_assert_eq(tu_count_lines(state_path, "-live.log\""), 20,
	    "no first pass saved: %s", tu_daemon_stderr(&tu_mond));
	cr_assert_lt(tu_file_len(state_path), 20 * 128, "%ld bytes left",
	    tu_file_len(state_path));
	cr_assert(tu_daemon_wait_stderr(&tu_mond, "100000 entries dropped", 1,
	    5.0), "%s", tu_daemon_stderr(&tu_mond));
	cr_assert(tu_daemon_wait_stderr(&tu_mond, "pass done", 1, 5.0));

	/* SIGHUP: a reload, then a pass over the same logs: nothing written */
	v = version_of(state_path);
	before = tu_read_file(state_path, NULL);
	w = wchar_of(tu_mond.pid);
	cr_assert_eq(kill(tu_mond.pid, SIGHUP), 0);
	cr_assert(tu_daemon_wait_stderr(&tu_mond, "pass done", 2, 20.0));
	after = version_of(state_path);
	cr_assert_str_eq(after, v, "a pass that changed nothing rewrote the "
	    "state");
	free(after);
	cr_assert_lt(wchar_of(tu_mond.pid) - w, 16 * 1024, "%lld bytes",
	    wchar_of(tu_mond.pid) - w);

	/* SIGUSR1: 20 rules rotate, 20 saves of 20 entries, not of 100,000 */
	sleep(1);	/* a new second: the rotations change every time */
	w = wchar_of(tu_mond.pid);
	cr_assert_eq(kill(tu_mond.pid, SIGUSR1), 0);
	cr_assert(tu_daemon_wait_stderr(&tu_mond, "pass done", 3, 20.0));
	cr_assert(tu_daemon_wait_stderr(&tu_mond, "rotated ", 20, 0));
	after = tu_read_file(state_path, NULL);
	cr_assert_str_neq(after, before, "rotations not saved");
	cr_assert_lt(wchar_of(tu_mond.pid) - w, 256 * 1024, "%lld bytes for 20 "
	    "rotations", wchar_of(tu_mond.pid) - w);
	cr_assert_eq(tu_count_lines(state_path, "-live.log\""), 20);
	free(after);
	free(before);
	free(v);
}

/*
 * The same bloated state, but the first pass rotates all 20 logs: each
 * rotation's save comes after the dead entries went, so the first pass
 * writes the 20 live entries 20 times, not 100,000 (120 MB before).
 */
Test(attack_state, a_bloated_state_is_written_small_from_the_first_rotation)
{
	bloated_state("1");

	tu_mond_start(NULL);
	cr_assert(tu_daemon_wait_stderr(&tu_mond, "rotated ", 20, 20.0), "%s",
	    tu_daemon_stderr(&tu_mond));
	cr_assert_lt(wchar_of(tu_mond.pid), 1024 * 1024, "%lld bytes written "
	    "by the first pass", wchar_of(tu_mond.pid));
	cr_assert_lt(tu_file_len(state_path), 20 * 128);
}
