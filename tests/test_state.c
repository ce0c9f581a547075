/*
 * test_state.c: the state file on real files: logrotate's format read and
 * written byte for byte, odd names round-tripping, a bad line costing only
 * itself, the atomic save, and the lock that a second holder can't take;
 * a file written only when it changed, dead entries dropped, any size read.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "conf/conf.h"
#include "daemon/mond.h"
#include "engine/pass.h"
#include "engine/state.h"
#include "tests/testutil.h"

TestSuite(state, .init = tu_dir_init, .fini = tu_fini);

static time_t
local(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm = { 0 };

	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

/* Runs state_load(PATH) with stderr captured into *ERR (malloc'd). */
static struct state *
load_capturing(const char *path, char **err)
{
	struct state *st;
	int save, fd;

	fflush(stderr);
	save = dup(2);
	fd = open(tu_at("stderr"), O_RDWR | O_CREAT | O_TRUNC, 0600);
	cr_assert(save >= 0 && fd >= 0);
	dup2(fd, 2);
	st = state_load(path);
	fflush(stderr);
	dup2(save, 2);
	close(save);
	close(fd);
	*err = tu_read_file(tu_at("stderr"), NULL);
	return st;
}

Test(state, missing_file_is_empty_state)
{
	struct state *st = state_load(tu_at("nope"));
	time_t t;

	cr_assert_not_null(st);
	cr_assert_eq(state_count(st), 0);
	cr_assert_eq(state_get(st, "/var/log/x", &t), -1);
	cr_assert_eq(errno, ENOENT);
	state_free(st);
}

Test(state, reads_what_logrotate_writes)
{
	struct state *st;
	time_t t;

	tu_write_file(tu_at("status"),
	    "logrotate state -- version 2\n"
	    "\"/var/log/syslog\" 2025-3-12-6:25:7\n"
	    "\"/var/log/a \\\"q\\\" \\\\b\\nc\" 2016-12-1-4:0:0\n"
	    "\n"
	    "\"/var/log/odd\\tname\" 2020-2-29-23:59:59\n"
	    "/var/log/v1 2010-5-6\n");
	st = state_load(tu_at("status"));
	cr_assert_not_null(st);
	cr_assert_eq(state_count(st), 4);
	cr_assert_eq(state_get(st, "/var/log/syslog", &t), 0);
	cr_assert_eq(t, local(2025, 3, 12, 6, 25, 7));
	cr_assert_eq(state_get(st, "/var/log/a \"q\" \\b\nc", &t), 0);
	cr_assert_eq(t, local(2016, 12, 1, 4, 0, 0));
	/* A backslash before anything else stays, as logrotate reads it. */
	cr_assert_eq(state_get(st, "/var/log/odd\\tname", &t), 0);
	cr_assert_eq(t, local(2020, 2, 29, 23, 59, 59));
	cr_assert_eq(state_get(st, "/var/log/v1", &t), 0);
	cr_assert_eq(t, local(2010, 5, 6, 0, 0, 0));
	state_free(st);
}

Test(state, writes_logrotate_format_exactly)
{
	struct state *st = state_new();

	cr_assert_not_null(st);
	cr_assert_eq(state_set(st, "/var/log/syslog",
	    local(2025, 3, 2, 6, 5, 7)), 0);
	cr_assert_eq(state_set(st, "/l/a\"b\\c\nd", local(2026, 11, 25, 23, 0,
	    0)), 0);
	cr_assert_eq(state_save(st, tu_at("status")), 0);
	tu_assert_file(tu_at("status"), "logrotate state -- version 2\n"
	    "\"/var/log/syslog\" 2025-3-2-6:5:7\n"
	    "\"/l/a\\\"b\\\\c\\nd\" 2026-11-25-23:0:0\n");
	state_free(st);
}

Test(state, odd_names_round_trip)
{
	static const char *names[] = {
		"/var/log/plain.log",
		"/var/log/with space.log",
		"/var/log/new\nline.log",
		"/var/log/\"quoted\".log",
		"/var/log/back\\slash.log",
		"/var/log/back\\nnot-a-newline.log",
		"/var/log/trailing\\",
		"/var/log/\\\"mix\\\n\".log",
		"/var/log/utf8-\xc3\xa9t\xc3\xa9-\xe6\x97\xa5\xe5\xbf\x97.log",
		"/var/log/tab\there",
	};
	size_t i, n = sizeof(names) / sizeof(names[0]);
	struct state *st = state_new(), *back;
	char *err;
	time_t t;

	for (i = 0; i < n; i++)
		cr_assert_eq(state_set(st, names[i],
		    local(2026, 1 + (int)i, 2, 3, 4, 5)), 0);
	cr_assert_eq(state_save(st, tu_at("status")), 0);
	back = load_capturing(tu_at("status"), &err);
	cr_assert_not_null(back);
	cr_assert_str_eq(err, "", "warnings: %s", err);
	cr_assert_eq(state_count(back), n);
	for (i = 0; i < n; i++) {
		cr_assert_eq(state_get(back, names[i], &t), 0, "lost %s",
		    names[i]);
		cr_assert_eq(t, local(2026, 1 + (int)i, 2, 3, 4, 5));
	}
	state_free(st);
	state_free(back);
	free(err);
}

Test(state, bad_line_is_skipped_with_warning_others_kept)
{
	struct state *st;
	char *err, want[600];
	time_t t;

	tu_write_file(tu_at("status"),
	    "logrotate state -- version 2\n"
	    "\"/var/log/a\" 2026-1-2-3:4:5\n"
	    "\"/var/log/b\" 2026-13-2-3:4:5\n"
	    "\"/var/log/unterminated 2026-1-2\n"
	    "garbage\n"
	    "\"/var/log/c\" 2026-1-2-3:4:5 extra\n"
	    "\"/var/log/d\" 1969-1-1\n"
	    "\"/var/log/e\" 2026-2-3-4:5:6\n");
	st = load_capturing(tu_at("status"), &err);
	cr_assert_not_null(st);
	cr_assert_eq(state_count(st), 2);
	cr_assert_eq(state_get(st, "/var/log/a", &t), 0);
	cr_assert_eq(state_get(st, "/var/log/e", &t), 0);
	cr_assert_eq(t, local(2026, 2, 3, 4, 5, 6));
	cr_assert_eq(state_get(st, "/var/log/b", &t), -1);
	cr_assert_eq(state_bad_lines(st), 5);
	for (int line = 3; line <= 7; line++) {
		snprintf(want, sizeof(want), "bad line %d in state file %s ",
		    line, tu_at("status"));
		cr_assert_not_null(strstr(err, want), "no '%s' in: %s", want,
		    err);
	}
	snprintf(want, sizeof(want), "bad line 2 ");
	cr_assert_null(strstr(err, want), "good line warned: %s", err);
	state_free(st);
	free(err);
}

Test(state, prune_drops_only_unused_entries_older_than_the_bound)
{
	struct state *st = state_new();
	time_t now = local(2026, 6, 1, 12, 0, 0), t;

	cr_assert_not_null(st);
	tu_write_file(tu_at("status"),
	    "logrotate state -- version 2\n"
	    "\"/old/gone\" 2020-1-1-0:0:0\n"
	    "\"/old/seen\" 2020-1-1-0:0:0\n"
	    "\"/new/gone\" 2026-5-1-0:0:0\n"
	    "\"/old/set\" 2020-1-1-0:0:0\n");
	state_free(st);
	st = state_load(tu_at("status"));
	cr_assert_not_null(st);
	state_mark_used(st, "/old/seen");
	state_mark_used(st, "/not/there");
	cr_assert_eq(state_set(st, "/old/set", now), 0);
	cr_assert_eq(state_prune_unused(st, now, 365 * 86400), 1);
	cr_assert_eq(state_count(st), 3);
	cr_assert_eq(state_get(st, "/old/gone", &t), -1);
	cr_assert_eq(state_get(st, "/old/seen", &t), 0);
	cr_assert_eq(state_get(st, "/new/gone", &t), 0);
	cr_assert_eq(state_get(st, "/old/set", &t), 0);
	cr_assert_eq(t, now);
	/* the index follows the compacted entries */
	cr_assert_eq(state_set(st, "/new/gone", now), 0);
	cr_assert_eq(state_count(st), 3);
	state_free(st);
}

Test(state, bad_header_is_warned_lines_kept)
{
	struct state *st;
	char *err, want[600];
	time_t t;

	tu_write_file(tu_at("status"),
	    "something else\n\"/x\" 2026-1-2-3:4:5\n");
	st = load_capturing(tu_at("status"), &err);
	cr_assert_not_null(st);
	cr_assert_eq(state_get(st, "/x", &t), 0);
	snprintf(want, sizeof(want), "%s:1:", tu_at("status"));
	cr_assert_not_null(strstr(err, want), "%s", err);
	state_free(st);
	free(err);
}

Test(state, unreadable_state_is_an_error)
{
	cr_assert_eq(mkdir(tu_at("status"), 0700), 0);
	cr_assert_null(state_load(tu_at("status")));
}

Test(state, save_is_atomic_0640_and_leaves_no_temp)
{
	struct state *st = state_new();
	struct stat sb;
	time_t t;

	tu_write_file(tu_at("status"), "old\n");
	tu_write_file(tu_at(".status.mond-tmp"), "stale temp of a crash\n");
	umask(077);
	cr_assert_eq(state_set(st, "/a", 1000000000), 0);
	cr_assert_eq(state_save(st, tu_at("status")), 0, "%s", strerror(errno));
	cr_assert_eq(stat(tu_at("status"), &sb), 0);
	cr_assert_eq(sb.st_mode & 07777, 0640, "mode %o", sb.st_mode & 07777);
	cr_assert(!tu_exists(tu_at(".status.mond-tmp")));
	state_free(st);
	st = state_load(tu_at("status"));
	cr_assert_eq(state_get(st, "/a", &t), 0);
	cr_assert_eq(t, 1000000000);
	state_free(st);
}

Test(state, failed_save_keeps_old_and_removes_temp)
{
	struct state *st = state_new();

	/* A directory at the path: the rename over it must fail. */
	cr_assert_eq(mkdir(tu_at("status"), 0700), 0);
	tu_write_file(tu_at("status/keep"), "x");
	cr_assert_eq(state_set(st, "/a", 1), 0);
	cr_assert_eq(state_save(st, tu_at("status")), -1);
	cr_assert(tu_exists(tu_at("status/keep")));
	cr_assert(!tu_exists(tu_at(".status.mond-tmp")));
	state_free(st);
}

Test(state, save_refuses_symlink_at_temp_name)
{
	struct state *st = state_new();

	/* A planted symlink at the temp name is replaced, never written through. */
	cr_assert_eq(symlink(tu_at("victim"), tu_at(".status.mond-tmp")), 0);
	cr_assert_eq(state_set(st, "/a", 1), 0);
	cr_assert_eq(state_save(st, tu_at("status")), 0);
	cr_assert(!tu_exists(tu_at("victim")));
	cr_assert(tu_exists(tu_at("status")));
	state_free(st);
}

Test(state, twenty_thousand_entries_fast, .timeout = 20)
{
	struct state *st = state_new(), *back;
	struct timespec a, b;
	char name[64];
	time_t t;
	int i;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < 20000; i++) {
		snprintf(name, sizeof(name), "/var/log/app/%d.log", i);
		cr_assert_eq(state_set(st, name, 1700000000 + i), 0);
	}
	cr_assert_eq(state_set(st, "/var/log/app/7.log", 5), 0);
	cr_assert_eq(state_count(st), 20000);
	cr_assert_eq(state_save(st, tu_at("status")), 0);
	back = state_load(tu_at("status"));
	cr_assert_not_null(back);
	cr_assert_eq(state_count(back), 20000);
	for (i = 0; i < 20000; i++) {
		snprintf(name, sizeof(name), "/var/log/app/%d.log", i);
		cr_assert_eq(state_get(back, name, &t), 0);
		cr_assert_eq(t, i == 7 ? 5 : 1700000000 + i);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	cr_assert_lt((b.tv_sec - a.tv_sec) * 1000 +
	    (b.tv_nsec - a.tv_nsec) / 1000000, 2000, "too slow");
	state_free(st);
	state_free(back);
}

Test(state, lock_second_holder_gets_ewouldblock)
{
	int a, b;

	a = state_lock(tu_at("status"), 0);
	cr_assert_geq(a, 0, "%s", strerror(errno));
	/* Another open file description in the same process. */
	b = state_lock(tu_at("status"), 0);
	cr_assert_eq(b, -1);
	cr_assert_eq(errno, EWOULDBLOCK);
	state_unlock(a);
	b = state_lock(tu_at("status"), 0);
	cr_assert_geq(b, 0);
	state_unlock(b);
	cr_assert(tu_exists(tu_at("status.lock")));
}

Test(state, lock_held_by_other_process_and_timeout)
{
	struct timespec a, b;
	int pfd[2], fd;
	char c;
	pid_t pid;

	cr_assert_eq(pipe(pfd), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		close(pfd[0]);
		fd = state_lock(tu_at("status"), 0);
		if (write(pfd[1], fd >= 0 ? "y" : "n", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(pfd[1]);
	cr_assert_eq(read(pfd[0], &c, 1), 1);
	cr_assert_eq(c, 'y');
	clock_gettime(CLOCK_MONOTONIC, &a);
	cr_assert_eq(state_lock(tu_at("status"), 300), -1);
	cr_assert_eq(errno, EWOULDBLOCK);
	clock_gettime(CLOCK_MONOTONIC, &b);
	cr_assert_geq((b.tv_sec - a.tv_sec) * 1000 +
	    (b.tv_nsec - a.tv_nsec) / 1000000, 290);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	fd = state_lock(tu_at("status"), 1000);
	cr_assert_geq(fd, 0, "%s", strerror(errno));
	state_unlock(fd);
}

Test(state, lock_refused_in_writable_directory)
{
	cr_assert_eq(mkdir(tu_at("pub"), 0700), 0);
	cr_assert_eq(chmod(tu_at("pub"), 01777), 0);
	cr_assert_eq(state_lock(tu_at("pub/status"), 0), -1);
	cr_assert_eq(errno, EPERM);
	cr_assert(!tu_exists(tu_at("pub/status.lock")));
	cr_assert_eq(chmod(tu_at("pub"), 0775), 0);
	if (getegid() != 0) {
		cr_assert_eq(state_lock(tu_at("pub/status"), 0), -1);
		cr_assert_eq(errno, EPERM);
	}
	if (geteuid() == 0) {
		cr_assert_eq(chown(tu_at("pub"), 0, 4000), 0);
		cr_assert_eq(state_lock(tu_at("pub/status"), 0), -1);
		cr_assert_eq(errno, EPERM);
		cr_assert_eq(chown(tu_at("pub"), 4000, 0), 0);
		cr_assert_eq(chmod(tu_at("pub"), 0755), 0);
		cr_assert_eq(state_lock(tu_at("pub/status"), 0), -1,
		    "a directory owned by another user");
		cr_assert_eq(errno, EPERM);
	}
}

Test(state, lock_never_follows_a_planted_symlink)
{
	cr_assert_eq(symlink(tu_at("victim"), tu_at("status.lock")), 0);
	cr_assert_eq(state_lock(tu_at("status"), 0), -1);
	cr_assert_eq(errno, ELOOP);
	cr_assert(!tu_exists(tu_at("victim")));
}

/* What the daemon's worker does in rule_done: save, here checked too. */
struct saver {
	struct state	*st;
	char		*path, *a, *b;
	int		 calls;
	bool		 a_saved[2], b_saved[2];
};

static void
save_after_rule(void *arg)
{
	struct saver *s = arg;
	char *text;

	cr_assert_eq(state_save(s->st, s->path), 0);
	cr_assert_not_null(text = tu_read_file(s->path, NULL));
	if (s->calls < 2) {
		s->a_saved[s->calls] = strstr(text, s->a) != NULL;
		s->b_saved[s->calls] = strstr(text, s->b) != NULL;
	}
	s->calls++;
	free(text);
}

/*
 * A crash in a long pass must not forget rotations done: the state is
 * saved after each rule that rotated (rule_done), before the next rule
 * moves, and not after a rule that rotated nothing.
 */
Test(state, saved_after_each_rule_that_rotated)
{
	char *conf = tu_path(tu_dir, "mond.conf"), *text;
	struct saver s = { NULL, tu_path(tu_dir, "st"),
	    tu_path(tu_dir, "a.log"), tu_path(tu_dir, "b.log"), 0, { 0 },
	    { 0 } };
	struct pass_opts po = { .force = true, .rule_done = save_after_rule,
	    .rule_done_arg = &s };
	struct pass_report rep = { 0 };
	struct mond_conf *c;

	cr_assert(asprintf(&text, "statefile = \"%s\"\ncontrol = \"%s/sock\"\n"
	    "applog {\n path = \"%s/mon/mon.log\"\n}\nmessages = \"\"\n"
	    "log \"%s\" {\n rotate = 2\n}\n"
	    "log \"%s/none.log\" {\n missingok = yes\n}\n"
	    "log \"%s\" {\n rotate = 2\n}\n", s.path, tu_dir, tu_dir, s.a,
	    tu_dir, s.b) != -1);
	tu_write_file(conf, text);
	tu_write_file(s.a, "a\n");
	tu_write_file(s.b, "b\n");
	cr_assert_not_null(c = conf_load(conf));
	cr_assert_not_null(s.st = state_load(s.path));
	po.now = time(NULL);
	cr_assert_eq(pass_run(c, s.st, &po, &rep), 0);
	cr_assert_eq(rep.nrotated, 2);
	cr_assert_eq(s.calls, 2, "%d calls for 2 rotating rules", s.calls);
	cr_assert(s.a_saved[0] && !s.b_saved[0],
	    "the first save is not between the two rules");
	cr_assert(s.a_saved[1] && s.b_saved[1]);
	pass_report_free(&rep);
	state_free(s.st);
	conf_free(c);
	free(text);
	free(conf);
	free(s.path);
	free(s.a);
	free(s.b);
}

/* ---- a bounded state file: written when changed, pruned, any size ---- */

/* PATH's inode: a save writes a new file and renames it over, so a new one. */
static ino_t
inode_of(const char *path)
{
	struct stat sb;

	cr_assert_eq(stat(path, &sb), 0, "%s: %s", path, strerror(errno));
	return sb.st_ino;
}

/*
 * Saves ST to PATH and says whether that wrote the file. The inode before
 * is alive while the temporary is made, so a written file's differs.
 */
static bool
save_wrote(struct state *st, const char *path)
{
	struct stat before, after;
	bool existed = stat(path, &before) == 0;

	cr_assert_eq(state_save(st, path), 0, "%s", strerror(errno));
	cr_assert_eq(stat(path, &after), 0);
	return !existed || before.st_ino != after.st_ino ||
	    before.st_mtim.tv_nsec != after.st_mtim.tv_nsec ||
	    before.st_mtim.tv_sec != after.st_mtim.tv_sec;
}

/*
 * Fixed: every save rewrote and fsynced the whole file, changed or not.
 * Only a new entry, another time or a dropped entry makes a save write.
 */
Test(state, save_writes_only_when_something_changed)
{
	char *path = tu_path(tu_dir, "status");
	struct state *st = state_new();
	time_t t1 = local(2026, 1, 2, 3, 4, 5), t2 = local(2026, 1, 2, 3, 4, 6);

	cr_assert_eq(state_set(st, "/a", t1), 0);
	cr_assert(save_wrote(st, path), "a new state is written");
	cr_assert(!save_wrote(st, path), "nothing changed, yet written");
	cr_assert_eq(state_set(st, "/a", t1), 0);
	state_mark_used(st, "/a");
	cr_assert(!save_wrote(st, path), "the same time, yet written");
	cr_assert_eq(state_set(st, "/a", t2), 0);
	cr_assert(save_wrote(st, path), "a new time not written");
	cr_assert_eq(state_set(st, "/b", t1), 0);
	cr_assert(save_wrote(st, path), "a new entry not written");
	tu_assert_file(path, "logrotate state -- version 2\n"
	    "\"/a\" 2026-1-2-3:4:6\n\"/b\" 2026-1-2-3:4:5\n");
	state_free(st);
	/* read back clean: saving it again writes nothing */
	cr_assert_not_null(st = state_load(path));
	cr_assert(!save_wrote(st, path), "a clean file rewritten");
	state_mark_dirty(st);
	cr_assert(save_wrote(st, path), "state_mark_dirty did not write");
	state_free(st);
	free(path);
}

/* What the loaded file can't be kept as is for is written once, then no more. */
Test(state, a_file_not_as_saved_is_rewritten_once)
{
	static const char *texts[] = {
		"logrotate state -- version 2\n\"/a\" 2026-1-2-3:4:5\nbad\n",
		"something else\n\"/a\" 2026-1-2-3:4:5\n",
		"logrotate state -- version 1\n\"/a\" 2026-1-2-3:4:5\n",
		"logrotate state -- version 2\n\"/a\" 2026-1-2\n"
		    "\"/a\" 2026-1-2-3:4:5\n",
		"",
	};
	char *path = tu_path(tu_dir, "status"), *err;
	struct state *st;
	size_t i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		tu_write_file(path, texts[i]);
		st = load_capturing(path, &err);
		cr_assert_not_null(st);
		cr_assert(save_wrote(st, path), "text %zu kept as it was", i);
		cr_assert(!save_wrote(st, path), "text %zu written twice", i);
		state_free(st);
		free(err);
		st = load_capturing(path, &err);
		cr_assert_str_eq(err, "", "text %zu still warns: %s", i, err);
		cr_assert(!save_wrote(st, path), "text %zu: clean, rewritten",
		    i);
		state_free(st);
		free(err);
	}
	free(path);
}

/* A missing file is created; a file gone, replaced or elsewhere is written. */
Test(state, a_missing_moved_or_replaced_file_is_written)
{
	char *path = tu_path(tu_dir, "status");
	char *other = tu_path(tu_dir, "other");
	struct state *st;

	cr_assert_not_null(st = state_load(path));
	cr_assert(save_wrote(st, path), "a missing state file not created");
	tu_assert_file(path, "logrotate state -- version 2\n");
	cr_assert_eq(unlink(path), 0);
	cr_assert(save_wrote(st, path), "a removed state file not rewritten");
	cr_assert(save_wrote(st, other), "not saved at another path");
	tu_write_file(path, "logrotate state -- version 2\n\"/x\" 2026-1-1\n");
	cr_assert(save_wrote(st, path), "a replaced state file not rewritten");
	tu_assert_file(path, "logrotate state -- version 2\n");
	state_free(st);
	free(other);
	free(path);
}

/*
 * A failed save leaves the change pending: the next save writes it, though
 * the file on disk is still the one last written (only the change says so).
 */
Test(state, a_failed_save_is_written_at_the_next)
{
	char *path = tu_path(tu_dir, "status");
	char *tmp = tu_path(tu_dir, ".status.mond-tmp");
	struct state *st = state_new();

	cr_assert_eq(state_set(st, "/a", local(2026, 1, 2, 3, 4, 5)), 0);
	cr_assert(save_wrote(st, path));
	cr_assert_eq(state_set(st, "/a", local(2026, 1, 2, 3, 4, 6)), 0);
	/* a directory at the temporary name: it can't be made */
	cr_assert_eq(mkdir(tmp, 0700), 0);
	cr_assert_eq(state_save(st, path), -1);
	cr_assert_eq(rmdir(tmp), 0);
	cr_assert(save_wrote(st, path), "the change was forgotten");
	tu_assert_file(path, "logrotate state -- version 2\n"
	    "\"/a\" 2026-1-2-3:4:6\n");
	state_free(st);
	free(tmp);
	free(path);
}

/*
 * mond's rule after a pass over the whole config: what that pass saw or
 * named stays, whatever its age; everything else goes, whatever its age.
 */
Test(state, prune_unseen_keeps_only_what_the_pass_saw_or_named)
{
	struct pass_result res[2] = { { .path = "/named/missing" },
	    { .path = "/not/in/state" } };
	struct pass_report rep = { .results = res, .nresults = 2 };
	char *path = tu_path(tu_dir, "status");
	time_t now = local(2026, 6, 1, 12, 0, 0), t;
	struct state *st;

	tu_write_file(path, "logrotate state -- version 2\n"
	    "\"/old/gone\" 2020-1-1-0:0:0\n"
	    "\"/new/gone\" 2026-6-1-11:0:0\n"
	    "\"/seen\" 2020-1-1-0:0:0\n"
	    "\"/named/missing\" 2020-1-1-0:0:0\n"
	    "\"/set\" 2020-1-1-0:0:0\n"
	    "\"/seen/last/pass\" 2026-6-1-11:0:0\n");
	cr_assert_not_null(st = state_load(path));
	state_mark_used(st, "/seen/last/pass");
	state_clear_marks(st);
	state_mark_used(st, "/seen");
	cr_assert_eq(state_set(st, "/set", now), 0);
	cr_assert_eq(state_set(st, "/first/sight", now), 0);
	cr_assert_eq(state_prune_unseen(st, &rep), 3);
	cr_assert_eq(state_count(st), 4);
	cr_assert_eq(state_get(st, "/old/gone", &t), -1);
	cr_assert_eq(state_get(st, "/new/gone", &t), -1);
	cr_assert_eq(state_get(st, "/seen/last/pass", &t), -1);
	cr_assert_eq(state_get(st, "/not/in/state", &t), -1);
	cr_assert_eq(state_get(st, "/seen", &t), 0);
	cr_assert_eq(state_get(st, "/named/missing", &t), 0);
	cr_assert_eq(state_get(st, "/first/sight", &t), 0);
	cr_assert(save_wrote(st, path));
	/* the next pass sees the same: nothing goes, nothing is written */
	state_clear_marks(st);
	state_mark_used(st, "/seen");
	state_mark_used(st, "/set");
	state_mark_used(st, "/first/sight");
	cr_assert_eq(state_prune_unseen(st, &rep), 0);
	cr_assert(!save_wrote(st, path), "nothing dropped, yet written");
	state_free(st);
	free(path);
}

/*
 * Fixed: past 256 MiB state_load failed with EFBIG and the daemon did not
 * start. It reads a chunk at a time now: a 300 MiB line (sparse, NUL bytes)
 * is one bad line skipped in bounded memory, the entries after it kept.
 */
Test(state, a_state_file_of_any_size_loads, .timeout = 60)
{
	char *path = tu_path(tu_dir, "status");
	static const char tail[] = "\n\"/after\" 2026-1-2-3:4:5\n";
	struct rusage ru;
	struct state *st;
	time_t t;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, "logrotate state -- version 2\n", 29), 29);
	cr_assert_eq(ftruncate(fd, 300L << 20), 0);
	cr_assert_eq(lseek(fd, 0, SEEK_END), 300L << 20);
	cr_assert_eq(write(fd, tail, sizeof(tail) - 1),
	    (ssize_t)sizeof(tail) - 1);
	cr_assert_eq(close(fd), 0);
	st = state_load(path);
	cr_assert_not_null(st, "a 300 MiB state refused: %s", strerror(errno));
	cr_assert_eq(state_count(st), 1);
	cr_assert_eq(state_get(st, "/after", &t), 0);
	cr_assert_eq(t, local(2026, 1, 2, 3, 4, 5));
	cr_assert_eq(state_bad_lines(st), 1);
	cr_assert_eq(getrusage(RUSAGE_SELF, &ru), 0);
	if (!tu_under_asan())
		cr_assert_lt(ru.ru_maxrss, 64 * 1024, "%ld KiB to read it",
		    ru.ru_maxrss);
	cr_assert(save_wrote(st, path));
	cr_assert_lt(tu_file_len(path), 100);
	state_free(st);
	free(path);
}

/* Bytes this process passed to write(2) so far (/proc/self/io wchar). */
static long long
wchar(void)
{
	char *io = tu_read_file("/proc/self/io", NULL), *p;
	long long n;

	cr_assert_not_null(io);
	cr_assert_not_null(p = strstr(io, "wchar: "));
	n = atoll(p + 7);
	free(io);
	return n;
}

/* mond --once --now NOW (FORCE: --force-rotate) on tu_dir's config. */
static void
once(bool force, time_t now)
{
	struct run_opts o = { .conf_path = tu_at("mond.conf"),
	    .has_now = true, .now = now };

	cr_assert_eq(mond_once(&o, force), EXIT_OK);
}

/*
 * The finding: 58,000 dead entries, then every pass rewrote all of them.
 * 100,000 here: the first whole pass drops them, and from then on a pass
 * writes what the live logs need, and one that changed nothing, nothing.
 */
Test(state, dead_entries_go_and_passes_write_what_the_logs_need,
    .timeout = 60)
{
	char *path = tu_path(tu_dir, "status");
	time_t now = time(NULL);
	FILE *fp;
	ino_t ino;
	long long w;
	char *text, name[64];
	int i;

	cr_assert(asprintf(&text, "statefile = \"%s\"\ncontrol = \"%s/sock\"\n"
	    "applog {\n path = \"%s/mon/mon.log\"\n}\nmessages = \"\"\n"
	    "log \"%s/logs/*.log\" {\n size = 1M\n rotate = 1\n}\n"
	    "log \"%s/named.log\" {\n missingok = yes\n}\n", path, tu_dir,
	    tu_dir, tu_dir, tu_dir) != -1);
	tu_write_file(tu_at("mond.conf"), text);
	free(text);
	cr_assert_eq(mkdir(tu_at("logs"), 0755), 0);
	for (i = 0; i < 50; i++) {
		snprintf(name, sizeof(name), "logs/%d.log", i);
		tu_write_file(tu_at(name), "a line\n");
	}
	cr_assert_not_null(fp = fopen(path, "w"));
	/* a log the config names, missing now: its time stays */
	fprintf(fp, "logrotate state -- version 2\n\"%s/named.log\" "
	    "2026-1-2-3:4:5\n", tu_dir);
	for (i = 0; i < 100000; i++)
		fprintf(fp, "\"%s/logs/gone-%d.log\" 2026-1-2-3:4:5\n", tu_dir,
		    i);
	cr_assert_eq(fclose(fp), 0);
	cr_assert_gt(tu_file_len(path), 4000000);

	w = wchar();
	once(false, now);
	cr_assert_lt(tu_file_len(path), 64 * 52, "not pruned: %ld bytes",
	    tu_file_len(path));
	cr_assert_lt(wchar() - w, 64 * 1024, "%lld bytes written",
	    wchar() - w);
	cr_assert_eq(tu_count_lines(path, "gone-"), 0);
	cr_assert_eq(tu_count_lines(path, "/logs/"), 50);
	cr_assert_eq(tu_count_lines(path, "/named.log\" 2026-1-2-3:4:5"), 1);

	ino = inode_of(path);
	w = wchar();
	once(false, now + 60);
	cr_assert_eq(inode_of(path), ino, "nothing changed, yet written");
	cr_assert_lt(wchar() - w, 4096, "%lld bytes written", wchar() - w);

	w = wchar();
	once(true, now + 120);
	cr_assert_neq(inode_of(path), ino, "50 rotations not saved");
	cr_assert_lt(wchar() - w, 64 * 1024, "%lld bytes written",
	    wchar() - w);
	cr_assert_eq(tu_count_lines(path, "/logs/"), 50);
	cr_assert_eq(tu_count_lines(path, "/named.log\""), 1);
	free(path);
}

/*
 * A daily log a wildcard finds, rotated without create and written again
 * only later that day: absent from one pass, it keeps its time, so the
 * next day rotates it as logrotate would (the review's case: dropped, it
 * came back as a first sight and waited a day more).
 */
Test(state, a_log_briefly_away_keeps_its_schedule)
{
	char *path = tu_path(tu_dir, "status"), *text;
	time_t day1 = local(2026, 1, 1, 0, 10, 0);

	cr_assert(asprintf(&text, "statefile = \"%s\"\ncontrol = \"%s/sock\"\n"
	    "applog {\n path = \"%s/mon/mon.log\"\n}\nmessages = \"\"\n"
	    "log \"%s/logs/*.log\" {\n frequency = daily\n rotate = 2\n"
	    " create = no\n missingok = yes\n}\n", path, tu_dir, tu_dir,
	    tu_dir) != -1);
	tu_write_file(tu_at("mond.conf"), text);
	free(text);
	cr_assert_eq(mkdir(tu_at("logs"), 0755), 0);
	tu_write_file(tu_at("logs/job.log"), "day 1\n");
	once(false, day1);			/* first sight, recorded */
	once(false, day1 + 86400);		/* rotated, no new log */
	cr_assert(tu_exists(tu_at("logs/job.log.1")));
	cr_assert(!tu_exists(tu_at("logs/job.log")));
	once(false, day1 + 86400 + 600);	/* a pass while it is away */
	cr_assert_eq(tu_count_lines(path, "/logs/job.log\""), 1,
	    "its entry went while it was away");
	tu_write_file(tu_at("logs/job.log"), "day 2\n");
	once(false, day1 + 2 * 86400);		/* due again */
	cr_assert(tu_exists(tu_at("logs/job.log.2")), "not rotated on day 3");
	tu_assert_file(tu_at("logs/job.log.1"), "day 2\n");
	free(path);
}

/*
 * The same grace cannot be a way to grow the state: 2,000 names a yearly
 * rule's wildcard once saw, made and deleted, keep at most as many
 * entries as the rule has logs, plus 16 (the review's case: all 2,000
 * stayed, and more each round).
 */
Test(state, the_grace_keeps_few_entries_of_logs_away)
{
	char *path = tu_path(tu_dir, "status"), *text;
	time_t now = local(2026, 6, 1, 12, 0, 0);
	FILE *fp;
	int i;

	cr_assert(asprintf(&text, "statefile = \"%s\"\ncontrol = \"%s/sock\"\n"
	    "applog {\n path = \"%s/mon/mon.log\"\n}\nmessages = \"\"\n"
	    "log \"%s/logs/*.log\" {\n frequency = yearly\n rotate = 2\n"
	    " missingok = yes\n}\n", path, tu_dir, tu_dir, tu_dir) != -1);
	tu_write_file(tu_at("mond.conf"), text);
	free(text);
	cr_assert_eq(mkdir(tu_at("logs"), 0755), 0);
	tu_write_file(tu_at("logs/live.log"), "a line\n");
	cr_assert_not_null(fp = fopen(path, "w"));
	fprintf(fp, "logrotate state -- version 2\n");
	for (i = 0; i < 2000; i++)
		fprintf(fp, "\"%s/logs/gone-%d.log\" 2026-5-31-12:0:0\n", tu_dir,
		    i);
	cr_assert_eq(fclose(fp), 0);
	once(false, now);
	cr_assert_eq(tu_count_lines(path, "/logs/gone-"), 1 + 16, "%ld bytes",
	    tu_file_len(path));
	cr_assert_eq(tu_count_lines(path, "/logs/live.log\""), 1);
	free(path);
}
