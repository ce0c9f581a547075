/*
 * test_rotate.c: the rotation engine end to end: the real mond binary with
 * --once / --force-rotate on real files in a mkdtemp directory, --now
 * moving the clock. Suite "once" checks options, exit codes and the state;
 * suite "safety" checks DESIGN §6 (symlinks, hard links, FIFOs, insecure
 * directories, exclusive creation, a log swapped mid-rotation, script
 * arguments never parsed as shell).
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <zlib.h>

#include "engine/state.h"
#include "tests/testutil.h"

static char *dir, *conf, *state;
static struct tu_run run;
static char *held[4];

static void
init(void)
{
	dir = tu_tmpdir();
	conf = tu_path(dir, "mond.conf");
	state = tu_path(dir, "state");
}

static void
fini(void)
{
	for (int i = 0; i < 4; i++)
		free(held[i]);
	tu_run_free(&run);
	if (dir != NULL)
		tu_rmtree(dir);
	free(dir);
	free(conf);
	free(state);
}

static char *
hold(int slot, char *p)
{
	free(held[slot]);
	return held[slot] = p;
}

/* DIR/NAME, freed by fini. */
static const char *
P(int slot, const char *name)
{
	return hold(slot, tu_path(dir, name));
}

/* Writes the config: the globals, then BODY with every @D made DIR. */
static void
write_conf(const char *body)
{
	char *out, *at;
	size_t len;
	FILE *fp = open_memstream(&out, &len);

	cr_assert_not_null(fp);
	fprintf(fp, "statefile = \"%s/unused-state\"\ncontrol = \"%s/mond.sock\"\n"
	    "messages = \"\"\n"
	    "applog {\n\tpath = \"%s/aux/mon.log\"\n}\n", dir, dir, dir);
	for (; (at = strstr(body, "@D")) != NULL; body = at + 2)
		fprintf(fp, "%.*s%s", (int)(at - body), body, dir);
	fputs(body, fp);
	fclose(fp);
	tu_write_file(conf, out);
	free(out);
}

/* Runs mond with the given arguments (NULL-ended), then -s STATE -c CONF. */
static int
mond(const char *arg, ...)
{
	const char *argv[32];
	va_list ap;
	int n = 0;

	va_start(ap, arg);
	for (; arg != NULL && n < 26; arg = va_arg(ap, const char *))
		argv[n++] = arg;
	va_end(ap);
	argv[n++] = "-s";
	argv[n++] = state;
	argv[n++] = "-c";
	argv[n++] = conf;
	argv[n] = NULL;
	tu_run_free(&run);
	run = tu_run_mond(argv);
	return run.status;
}

static char *
slurp(const char *path)
{
	return hold(3, tu_read_file(path, NULL));
}

static mode_t
mode_of(const char *path)
{
	struct stat st;

	cr_assert_eq(lstat(path, &st), 0, "%s: %s", path, strerror(errno));
	return st.st_mode & 07777;
}

static void
need_root(void)
{
	if (geteuid() != 0)
		cr_skip_test("needs root: file owners and su");
}

#define ONCE(...)	mond("--once", __VA_ARGS__, NULL)
#define FORCE(...)	mond("--force-rotate", __VA_ARGS__, NULL)

/* ---- time and options ---------------------------------------------- */

Test(once, daily_first_sight_then_due_next_day, .init = init, .fini = fini)
{
	tu_write_file(P(0, "a.log"), "day one\n");
	write_conf("log \"@D/a.log\" {\n frequency = daily\n rotate = 2\n}\n");
	cr_assert_eq(ONCE("--now", "2026-01-01T10:00"), 0, "%s", run.err);
	cr_assert_not(tu_exists(P(1, "a.log.1")), "first sight rotated");
	cr_assert_not_null(strstr(slurp(state), "a.log\" 2026-1-1-10:0:0"),
	    "first sight not recorded: %s", slurp(state));
	cr_assert_eq(ONCE("--now", "2026-01-01T23:50"), 0, "%s", run.err);
	cr_assert_not(tu_exists(P(1, "a.log.1")), "rotated the same day");
	cr_assert_eq(ONCE("--now", "2026-01-02T00:05"), 0, "%s", run.err);
	cr_assert_str_eq(slurp(P(1, "a.log.1")), "day one\n");
	cr_assert_not(tu_exists(P(0, "a.log")), "no create: the log is gone");
	cr_assert_not_null(strstr(slurp(state), "a.log\" 2026-1-2-0:5:0"),
	    "state not advanced: %s", slurp(state));
}

Test(once, size_rotates_only_above, .init = init, .fini = fini)
{
	tu_write_file(P(0, "a.log"), "12345\n");
	write_conf("log \"@D/a.log\" {\n size = 10\n rotate = 1\n create = yes\n}\n");
	cr_assert_eq(ONCE("--now", "2026-03-01T10:00"), 0, "%s", run.err);
	cr_assert_not(tu_exists(P(1, "a.log.1")));
	tu_write_file(P(0, "a.log"), "12345678901\n");
	cr_assert_eq(ONCE("--now", "2026-03-01T10:01"), 0, "%s", run.err);
	cr_assert_str_eq(slurp(P(1, "a.log.1")), "12345678901\n");
	cr_assert_str_eq(slurp(P(0, "a.log")), "");
}

Test(once, create_sets_mode_and_owner, .init = init, .fini = fini)
{
	struct passwd *pw;
	struct group *gr;
	struct stat st;

	need_root();
	pw = getpwnam("daemon");
	gr = getgrnam("adm");
	cr_assert(pw != NULL && gr != NULL, "users daemon and group adm");
	tu_write_file(P(0, "a.log"), "old\n");
	write_conf("log \"@D/a.log\" {\n rotate = 1\n create = \"0640 daemon adm\"\n}\n");
	cr_assert_eq(FORCE("--now", "2026-03-01T10:00"), 0, "%s", run.err);
	cr_assert_eq(lstat(P(0, "a.log"), &st), 0);
	cr_assert(S_ISREG(st.st_mode));
	cr_assert_eq(st.st_mode & 07777, 0640);
	cr_assert_eq(st.st_uid, pw->pw_uid);
	cr_assert_eq(st.st_gid, gr->gr_gid);
	cr_assert_eq(st.st_size, 0);
	cr_assert_str_eq(slurp(P(1, "a.log.1")), "old\n");
}

Test(once, create_keeps_the_logs_mode, .init = init, .fini = fini)
{
	tu_write_file(P(0, "a.log"), "old\n");
	cr_assert_eq(chmod(P(0, "a.log"), 0604), 0);
	write_conf("log \"@D/a.log\" {\n rotate = 1\n create = yes\n}\n");
	cr_assert_eq(FORCE("--now", "2026-03-01T10:00"), 0, "%s", run.err);
	cr_assert_eq(mode_of(P(0, "a.log")), 0604);
	cr_assert_eq(mode_of(P(1, "a.log.1")), 0604);
}

Test(once, compress_and_shift, .init = init, .fini = fini)
{
	char *gz;
	size_t len;

	tu_write_file(P(0, "a.log"), "first\n");
	write_conf("log \"@D/a.log\" {\n rotate = 2\n compress = yes\n create = yes\n}\n");
	cr_assert_eq(FORCE("--now", "2026-03-01T10:00"), 0, "%s", run.err);
	tu_write_file(P(0, "a.log"), "second\n");
	cr_assert_eq(FORCE("--now", "2026-03-01T11:00"), 0, "%s", run.err);
	cr_assert(tu_exists(P(1, "a.log.1.gz")) && tu_exists(P(1, "a.log.2.gz")));
	cr_assert_not(tu_exists(P(1, "a.log.1")), "compressed source left");
	gz = hold(2, tu_read_file(P(1, "a.log.2.gz"), &len));
	cr_assert(len > 2 && (unsigned char)gz[0] == 0x1f &&
	    (unsigned char)gz[1] == 0x8b, "not gzip");
}

Test(once, copytruncate_loses_nothing, .init = init, .fini = fini)
{
	char *big, *copy, *live, *both;
	size_t i, n = 3 * 4096 + 123;

	big = hold(0, malloc(n + 1));
	for (i = 0; i < n; i++)
		big[i] = (char)('a' + i % 26);
	big[n] = '\0';
	tu_write_file(P(1, "a.log"), big);
	write_conf("log \"@D/a.log\" {\n rotate = 1\n copytruncate = yes\n}\n");
	cr_assert_eq(FORCE("--now", "2026-03-01T10:00"), 0, "%s", run.err);
	copy = hold(2, tu_read_file(P(3, "a.log.1"), NULL));
	live = tu_read_file(P(3, "a.log"), NULL);
	cr_assert(copy != NULL && live != NULL);
	cr_assert_eq(asprintf(&both, "%s%s", copy, live), (int)n);
	free(live);
	cr_assert_str_eq(both, big, "copy + live log != the original");
	free(both);
}

Test(once, exit_3_when_the_lock_is_held, .init = init, .fini = fini)
{
	int fd;

	tu_write_file(P(0, "a.log"), "x\n");
	write_conf("log \"@D/a.log\" {\n rotate = 1\n}\n");
	cr_assert_neq(fd = state_lock(state, 0), -1, "state_lock: %s",
	    strerror(errno));
	cr_assert_eq(FORCE("--now", "2026-03-01T10:00"), 3, "%s", run.err);
	cr_assert_not_null(strstr(run.err, "another mond"), "%s", run.err);
	cr_assert_not(tu_exists(P(1, "a.log.1")), "rotated without the lock");
	state_unlock(fd);
	cr_assert_eq(FORCE("--now", "2026-03-01T10:00"), 0, "%s", run.err);
	cr_assert(tu_exists(P(1, "a.log.1")));
}

Test(once, exit_2_on_usage, .init = init, .fini = fini)
{
	write_conf("");
	cr_assert_eq(mond("--once", "stray", NULL), 2, "%s", run.err);
}

Test(once, config_error_moves_nothing, .init = init, .fini = fini)
{
	tu_write_file(P(0, "a.log"), "x\n");
	write_conf("log \"@D/a.log\" {\n rotate = 1\n}\n"
	    "log \"@D/b.log\" {\n no_such_option = 1\n}\n");
	cr_assert_eq(FORCE("--now", "2026-03-01T10:00"), 1, "%s", run.err);
	cr_assert_str_eq(slurp(P(0, "a.log")), "x\n");
	cr_assert_not(tu_exists(P(1, "a.log.1")));
	cr_assert_not(tu_exists(state), "state written on a config error");
}

Test(once, missing_log_fails_others_rotate, .init = init, .fini = fini)
{
	tu_write_file(P(0, "b.log"), "b\n");
	write_conf("log \"@D/a.log\" {\n rotate = 1\n}\n"
	    "log \"@D/b.log\" {\n rotate = 1\n}\n");
	cr_assert_eq(FORCE("--now", "2026-03-01T10:00"), 1, "%s", run.err);
	cr_assert_not_null(strstr(run.err, P(0, "a.log")), "%s", run.err);
	cr_assert_str_eq(slurp(P(1, "b.log.1")), "b\n");
}

static void
state_kept_after(const char *hook)
{
	char body[256];

	tu_write_file(P(0, "a.log"), "a\n");
	tu_write_file(state, "logrotate state -- version 2\n");
	snprintf(body, sizeof(body), "log \"@D/a.log\" {\n frequency = daily\n"
	    " rotate = 1\n %s = \"exit 3\"\n}\n", hook);
	write_conf(body);
	/* Recorded on the 1st; due on the 3rd. */
	cr_assert_eq(ONCE("--now", "2026-01-01T10:00"), 0, "%s", run.err);
	cr_assert_eq(ONCE("--now", "2026-01-03T10:00"), 1, "%s", run.err);
	cr_assert_not_null(strstr(slurp(state), "a.log\" 2026-1-1-10:0:0"),
	    "state advanced though %s failed: %s", hook, slurp(state));
	cr_assert_not_null(strstr(run.err, hook), "%s", run.err);
}

Test(once, failed_prerotate_keeps_state_and_log, .init = init, .fini = fini)
{
	state_kept_after("prerotate");
	cr_assert_str_eq(slurp(P(0, "a.log")), "a\n");
	cr_assert_not(tu_exists(P(1, "a.log.1")));
}

Test(once, failed_postrotate_keeps_state, .init = init, .fini = fini)
{
	state_kept_after("postrotate");
	cr_assert_str_eq(slurp(P(1, "a.log.1")), "a\n");
}

Test(once, bad_state_line_is_skipped, .init = init, .fini = fini)
{
	char text[512];

	tu_write_file(P(0, "a.log"), "due\n");
	snprintf(text, sizeof(text), "logrotate state -- version 2\n"
	    "garbage here\n\"%s/a.log\" 2026-1-1-10:0:0\n", dir);
	tu_write_file(state, text);
	write_conf("log \"@D/a.log\" {\n frequency = daily\n rotate = 1\n}\n");
	cr_assert_eq(ONCE("--now", "2026-01-02T10:00"), 0, "%s", run.err);
	cr_assert_not_null(strstr(run.err, "bad line 2 in state file "),
	    "no warning: %s", run.err);
	cr_assert_str_eq(slurp(P(1, "a.log.1")), "due\n");
	cr_assert_null(strstr(slurp(state), "garbage"));
}

Test(once, force_pattern_selects_logs, .init = init, .fini = fini)
{
	tu_write_file(P(0, "a.log"), "a\n");
	tu_write_file(P(0, "b.log"), "b\n");
	write_conf("log \"@D/a.log\" {\n rotate = 1\n}\n"
	    "log \"@D/b.log\" {\n rotate = 1\n}\n");
	cr_assert_eq(mond("--force-rotate", "--now", "2026-03-01T10:00",
	    "*/a.log", NULL), 0, "%s", run.err);
	cr_assert(tu_exists(P(1, "a.log.1")));
	cr_assert_not(tu_exists(P(1, "b.log.1")), "b.log was not selected");
	cr_assert_str_eq(slurp(P(0, "b.log")), "b\n");
}

Test(once, first_rule_wins_a_path, .init = init, .fini = fini)
{
	tu_write_file(P(0, "a.log"), "a\n");
	write_conf("log \"@D/a.log\" {\n rotate = 1\n compress = yes\n}\n"
	    "log \"@D/*.log\" {\n rotate = 1\n}\n");
	cr_assert_eq(FORCE("--now", "2026-03-01T10:00"), 0, "%s", run.err);
	cr_assert(tu_exists(P(1, "a.log.1.gz")), "first rule did not win");
	cr_assert_not(tu_exists(P(1, "a.log.1")));
	cr_assert_not_null(strstr(run.err, "earlier rule wins"), "%s", run.err);
}

Test(once, dry_run_prints_and_changes_nothing, .init = init, .fini = fini)
{
	tu_write_file(P(0, "a.log"), "a\n");
	tu_write_file(P(1, "a.log.1.gz"), "older\n");
	write_conf("log \"@D/a.log\" {\n rotate = 2\n compress = yes\n"
	    " postrotate = \"touch @D/ran\"\n}\n");
	cr_assert_eq(mond("--force-rotate", "--dry-run", "--now",
	    "2026-03-01T10:00", NULL), 0, "%s", run.err);
	cr_assert_not_null(strstr(run.out, hold(2, strdup("mv "))), "%s", run.out);
	{
		char want[1024];

		snprintf(want, sizeof(want), "mv %s/a.log.1.gz %s/a.log.2.gz\n",
		    dir, dir);
		cr_assert_not_null(strstr(run.out, want), "%s", run.out);
		snprintf(want, sizeof(want), "mv %s/a.log %s/a.log.1\n", dir, dir);
		cr_assert_not_null(strstr(run.out, want), "%s", run.out);
		snprintf(want, sizeof(want), "gzip %s/a.log.1\n", dir);
		cr_assert_not_null(strstr(run.out, want), "%s", run.out);
	}
	cr_assert_str_eq(slurp(P(0, "a.log")), "a\n");
	cr_assert_str_eq(slurp(P(1, "a.log.1.gz")), "older\n");
	cr_assert_not(tu_exists(P(0, "a.log.2.gz")));
	cr_assert_not(tu_exists(P(0, "ran")), "dry run ran a script");
	cr_assert_not(tu_exists(state), "dry run wrote the state");
}

/* The text of the gzip file PATH, freed by fini; "" when unreadable. */
static char *
slurp_gz(int slot, const char *path)
{
	gzFile gz = gzopen(path, "rb");
	char buf[4096];
	int n = gz != NULL ? gzread(gz, buf, sizeof(buf) - 1) : 0;

	if (gz != NULL)
		gzclose(gz);
	buf[n > 0 ? n : 0] = '\0';
	return hold(slot, strdup(buf));
}

/*
 * compress switched on beside an old plain .1 (or a kill between a
 * rename and its compression): the .1 is compressed first, never
 * overwritten, and the rotation goes on.
 */
Test(once, never_overwrites_a_rotated_file, .init = init, .fini = fini)
{
	tu_write_file(P(0, "a.log"), "new\n");
	tu_write_file(P(1, "a.log.1"), "older\n");
	write_conf("log \"@D/a.log\" {\n rotate = 2\n compress = yes\n}\n");
	cr_assert_eq(FORCE("--now", "2026-03-01T10:00"), 0, "%s", run.err);
	cr_assert_str_eq(slurp_gz(2, P(0, "a.log.1.gz")), "new\n");
	cr_assert_str_eq(slurp_gz(2, P(0, "a.log.2.gz")), "older\n");
	cr_assert_not(tu_exists(P(0, "a.log.1")));
}

/*
 * A crash between the exchange and the move on leaves the old log's data
 * in the swap file: the next pass must keep it under a visible name and
 * say so, and still remove an empty leftover.
 */
Test(once, interrupted_swap_is_recovered_not_deleted, .init = init,
    .fini = fini)
{
	tu_write_file(P(0, ".a.log.mond-swap"), "old data\n");
	tu_write_file(P(1, "a.log"), "");
	tu_write_file(P(2, "a.log.mond-recovered"), "earlier\n");
	tu_write_file(P(2, ".b.log.mond-swap"), "");
	tu_write_file(P(2, "b.log"), "b\n");
	write_conf("log \"@D/*.log\" {\n size = 100\n rotate = 2\n}\n");
	cr_assert_eq(ONCE("--now", "2026-03-01T10:00"), 0, "%s", run.err);
	cr_assert_str_eq(slurp(P(0, "a.log.mond-recovered.1")), "old data\n");
	cr_assert_str_eq(slurp(P(0, "a.log.mond-recovered")), "earlier\n");
	cr_assert(!tu_exists(P(0, ".a.log.mond-swap")));
	cr_assert(strstr(run.err, ".a.log.mond-swap") != NULL &&
	    strstr(run.err, "a.log.mond-recovered.1") != NULL, "%s", run.err);
	cr_assert(!tu_exists(P(0, ".b.log.mond-swap")), "empty swap not removed");
	cr_assert_str_eq(slurp(P(0, "b.log")), "b\n");
}

/* A kill between the .gz's rename and the source's unlink: both exist. */
Test(once, interrupted_compress_keeps_one_copy, .init = init, .fini = fini)
{
	gzFile gz;

	tu_write_file(P(0, "a.log"), "new\n");
	tu_write_file(P(0, "a.log.1"), "older\n");
	cr_assert_not_null(gz = gzopen(P(1, "a.log.1.gz"), "wb"));
	cr_assert_eq(gzputs(gz, "older\n"), 6);
	cr_assert_eq(gzclose(gz), Z_OK);
	write_conf("log \"@D/a.log\" {\n size = 1M\n rotate = 2\n"
	    " compress = yes\n}\n");
	cr_assert_eq(ONCE("--now", "2026-03-01T10:00"), 0, "%s", run.err);
	cr_assert_not(tu_exists(P(0, "a.log.1")), "both copies kept");
	cr_assert_str_eq(slurp_gz(2, P(0, "a.log.1.gz")), "older\n");
	cr_assert_str_eq(slurp(P(0, "a.log")), "new\n");
}

/*
 * copytruncate killed before a byte left the log: the copy is a prefix of
 * the log and goes; killed after the collapse but before the copy was cut:
 * the tail the log still holds is cut and the rest kept, visibly.
 */
Test(once, interrupted_copytruncate_never_duplicates, .init = init,
    .fini = fini)
{
	struct statfs sfs;
	size_t blk, len;
	char *block;

	cr_assert_eq(statfs(dir, &sfs), 0);
	blk = (size_t)sfs.f_bsize;
	write_conf("log \"@D/a.log\" {\n size = 1M\n rotate = 2\n"
	    " copytruncate = yes\n}\n");
	tu_write_file(P(0, "a.log"), "one\ntwo\n");
	tu_write_file(P(1, ".a.log.mond-copy"), "one\n");
	cr_assert_eq(ONCE("--now", "2026-03-01T10:00"), 0, "%s", run.err);
	cr_assert_not(tu_exists(P(1, ".a.log.mond-copy")));
	cr_assert_not(tu_exists(P(1, "a.log.mond-recovered")));
	cr_assert_str_eq(slurp(P(0, "a.log")), "one\ntwo\n");

	cr_assert_not_null(block = calloc(1, blk + 8));
	memset(block, 'x', blk - 1);
	block[blk - 1] = '\n';
	strcpy(block + blk, "tail\n");
	tu_write_file(P(1, ".a.log.mond-copy"), block);
	tu_write_file(P(0, "a.log"), "tail\nmore\n");
	cr_assert_eq(ONCE("--now", "2026-03-01T10:00"), 0, "%s", run.err);
	cr_assert_not(tu_exists(P(1, ".a.log.mond-copy")));
	hold(2, tu_read_file(P(1, "a.log.mond-recovered"), &len));
	cr_assert_eq(len, blk, "the recovered copy has %zu bytes", len);
	cr_assert_str_eq(slurp(P(0, "a.log")), "tail\nmore\n");
	free(block);
}

/* LINE, gzipped, as the file PATH. */
static void
write_gz(const char *path, const char *line)
{
	gzFile gz = gzopen(path, "wb");

	cr_assert_not_null(gz, "%s", path);
	cr_assert_eq(gzputs(gz, line), (int)strlen(line));
	cr_assert_eq(gzclose(gz), Z_OK);
}

/*
 * The same for copytruncate + compress, whose .gz waits under its holding
 * name until its bytes have left the log: killed before, it holds a prefix
 * of the log and goes; killed after, it is their only home and is kept.
 */
Test(once, interrupted_copytruncate_compress_never_duplicates, .init = init,
    .fini = fini)
{
	write_conf("log \"@D/a.log\" {\n size = 1M\n rotate = 2\n"
	    " copytruncate = yes\n compress = yes\n}\n");
	tu_write_file(P(0, "a.log"), "one\ntwo\n");
	write_gz(P(1, ".a.log.mond-copy.gz"), "one\n");
	cr_assert_eq(ONCE("--now", "2026-03-01T10:00"), 0, "%s", run.err);
	cr_assert_not(tu_exists(P(1, ".a.log.mond-copy.gz")));
	cr_assert_not(tu_exists(P(1, "a.log.mond-recovered.gz")));
	cr_assert_str_eq(slurp(P(0, "a.log")), "one\ntwo\n");

	write_gz(P(1, ".a.log.mond-copy.gz"), "gone\n");
	tu_write_file(P(0, "a.log"), "tail\nmore\n");
	cr_assert_eq(ONCE("--now", "2026-03-01T10:00"), 0, "%s", run.err);
	cr_assert_not(tu_exists(P(1, ".a.log.mond-copy.gz")));
	cr_assert_str_eq(slurp_gz(2, P(1, "a.log.mond-recovered.gz")), "gone\n");
	cr_assert_str_eq(slurp(P(0, "a.log")), "tail\nmore\n");
}

Test(once, fifo_at_the_state_path_fails_at_once, .init = init, .fini = fini,
    .timeout = 10)
{
	tu_write_file(P(0, "a.log"), "a\n");
	write_conf("log \"@D/a.log\" {\n size = 1\n rotate = 1\n}\n");
	cr_assert_eq(mkfifo(state, 0600), 0);
	cr_assert_eq(ONCE("--now", "2026-03-01T10:00"), 1, "%s", run.err);
	cr_assert(strstr(run.err, "not a regular file") != NULL, "%s", run.err);
	cr_assert_str_eq(slurp(P(0, "a.log")), "a\n");
}

/* A size in defaults {} must not turn a daily stanza into a size rule. */
Test(once, stanza_frequency_beats_size_in_defaults, .init = init,
    .fini = fini)
{
	tu_write_file(P(0, "a.log"), "more than ten bytes\n");
	write_conf("defaults {\n size = 10\n}\n"
	    "log \"@D/a.log\" {\n frequency = daily\n rotate = 1\n}\n");
	cr_assert_eq(ONCE("--now", "2026-03-01T10:00"), 0, "%s", run.err);
	cr_assert_not(tu_exists(P(1, "a.log.1")), "rotated by defaults' size");
	cr_assert_eq(ONCE("--now", "2026-03-01T18:00"), 0, "%s", run.err);
	cr_assert_not(tu_exists(P(1, "a.log.1")), "rotated by defaults' size");
	cr_assert_eq(ONCE("--now", "2026-03-02T10:00"), 0, "%s", run.err);
	cr_assert(tu_exists(P(1, "a.log.1")), "daily did not rotate");
}

/* The names in DIR, sorted, space-separated, without the test's own files. */
static const char *
listing(void)
{
	struct dirent **de;
	char buf[1024] = "";
	int n, i;

	n = scandir(dir, &de, NULL, alphasort);
	cr_assert_geq(n, 0);
	for (i = 0; i < n; i++) {
		if (de[i]->d_name[0] != '.' && strcmp(de[i]->d_name, "mond.conf") &&
		    strncmp(de[i]->d_name, "state", 5) && strcmp(de[i]->d_name, "aux")) {
			strcat(buf, de[i]->d_name);
			strcat(buf, " ");
		}
		free(de[i]);
	}
	free(de);
	return hold(3, strdup(buf));
}

Test(once, extension_rotations_are_not_rotated_again, .init = init,
    .fini = fini)
{
	const char *when[] = { "2026-03-01T10:00", "2026-03-01T11:00",
	    "2026-03-01T12:00" };

	write_conf("log \"@D/*.log\" {\n size = 1\n rotate = 3\n"
	    " extension = \".log\"\n create = yes\n}\n");
	for (int i = 0; i < 3; i++) {
		tu_write_file(P(0, "app.log"), "line\n");
		cr_assert_eq(ONCE("--now", when[i]), 0, "%s", run.err);
	}
	cr_assert_str_eq(listing(), "app.1.log app.2.log app.3.log app.log ");
}

Test(once, a_live_log_named_like_a_rotation_is_rotated, .init = init,
    .fini = fini)
{
	tu_write_file(P(0, "worker.1"), "w\n");
	write_conf("log \"@D/worker.*\" {\n size = 1\n rotate = 2\n}\n");
	cr_assert_eq(ONCE("--now", "2026-03-01T10:00"), 0, "%s", run.err);
	cr_assert_str_eq(slurp(P(0, "worker.1.1")), "w\n");
	tu_write_file(P(0, "worker.1"), "v\n");
	cr_assert_eq(ONCE("--now", "2026-03-01T11:00"), 0, "%s", run.err);
	cr_assert_str_eq(listing(), "worker.1.1 worker.1.2 ");
}

Test(once, sharedscripts_run_once, .init = init, .fini = fini)
{
	tu_write_file(P(0, "a.log"), "a\n");
	tu_write_file(P(0, "b.log"), "b\n");
	write_conf("log \"@D/*.log\" {\n rotate = 1\n sharedscripts = yes\n"
	    " firstaction = \"echo first >> @D/side\"\n"
	    " prerotate = \"echo pre \\\"$1\\\" >> @D/side\"\n"
	    " postrotate = \"echo post >> @D/side\"\n"
	    " lastaction = \"echo last >> @D/side\"\n}\n");
	cr_assert_eq(FORCE("--now", "2026-03-01T10:00"), 0, "%s", run.err);
	{
		char want[512];

		snprintf(want, sizeof(want), "first\npre %s/*.log\npost\nlast\n",
		    dir);
		cr_assert_str_eq(slurp(P(0, "side")), want);
	}
	cr_assert(tu_exists(P(0, "a.log.1")) && tu_exists(P(0, "b.log.1")));
}

/* ---- safety (DESIGN §6) ---------------------------------------------- */

Test(safety, symlinked_log_skipped, .init = init, .fini = fini)
{
	tu_write_file(P(0, "victim"), "precious\n");
	cr_assert_eq(symlink(P(0, "victim"), P(1, "a.log")), 0);
	write_conf("log \"@D/a.log\" {\n rotate = 1\n create = yes\n"
	    " copytruncate = no\n}\n");
	cr_assert_eq(FORCE("--now", "2026-03-01T10:00"), 0, "%s", run.err);
	cr_assert_not(tu_exists(P(2, "a.log.1")));
	cr_assert_eq(mode_of(P(0, "victim")), 0644);
	cr_assert_str_eq(slurp(P(0, "victim")), "precious\n");
	cr_assert_not_null(strstr(run.err, "symbolic link"), "%s", run.err);
}

Test(safety, hardlinked_log_skipped_unless_allowed, .init = init, .fini = fini)
{
	tu_write_file(P(0, "a.log"), "linked\n");
	cr_assert_eq(link(P(0, "a.log"), P(1, "other")), 0);
	write_conf("log \"@D/a.log\" {\n rotate = 1\n}\n");
	cr_assert_eq(FORCE("--now", "2026-03-01T10:00"), 0, "%s", run.err);
	cr_assert_not(tu_exists(P(2, "a.log.1")), "hard-linked log rotated");
	write_conf("log \"@D/a.log\" {\n rotate = 1\n allowhardlink = yes\n}\n");
	cr_assert_eq(FORCE("--now", "2026-03-01T10:00"), 0, "%s", run.err);
	cr_assert_str_eq(slurp(P(2, "a.log.1")), "linked\n");
}

Test(safety, fifo_skipped_without_hanging, .init = init, .fini = fini,
    .timeout = 20)
{
	cr_assert_eq(mkfifo(P(0, "a.log"), 0644), 0);
	write_conf("log \"@D/a.log\" {\n rotate = 1\n copytruncate = yes\n}\n");
	cr_assert_eq(FORCE("--now", "2026-03-01T10:00"), 0, "%s", run.err);
	cr_assert_not(tu_exists(P(1, "a.log.1")));
	cr_assert_not_null(strstr(run.err, "not a regular file"), "%s", run.err);
}

Test(safety, insecure_dir_needs_su, .init = init, .fini = fini)
{
	const char *sub;

	need_root();
	sub = P(0, "open");
	cr_assert_eq(chmod(dir, 0711), 0);	/* daemon must reach open/ */
	cr_assert_eq(mkdir(sub, 0777), 0);
	cr_assert_eq(chmod(sub, 0777), 0);
	tu_write_file(P(1, "open/a.log"), "a\n");
	write_conf("log \"@D/open/a.log\" {\n rotate = 1\n}\n");
	cr_assert_eq(FORCE("--now", "2026-03-01T10:00"), 1, "%s", run.err);
	cr_assert_not(tu_exists(P(2, "open/a.log.1")));
	cr_assert_not_null(strstr(run.err, "open/a.log"), "%s", run.err);

	write_conf("log \"@D/open/a.log\" {\n rotate = 1\n su = \"daemon daemon\"\n"
	    " create = \"0640 daemon daemon\"\n}\n");
	cr_assert_eq(FORCE("--now", "2026-03-01T10:00"), 0, "%s", run.err);
	cr_assert_str_eq(slurp(P(2, "open/a.log.1")), "a\n");
	{
		struct stat st;
		struct passwd *pw = getpwnam("daemon");

		cr_assert_not_null(pw);
		cr_assert_eq(lstat(P(2, "open/a.log"), &st), 0);
		cr_assert_eq(st.st_uid, pw->pw_uid, "new log not the su user's");
	}
}

Test(safety, planted_temp_symlink_not_followed, .init = init, .fini = fini)
{
	tu_write_file(P(0, "victim"), "precious\n");
	cr_assert_eq(chmod(P(0, "victim"), 0644), 0);
	tu_write_file(P(1, "a.log"), "a\n");
	/* durable_swap makes the new log under this name first. */
	cr_assert_eq(symlink(P(0, "victim"), P(2, ".a.log.mond-swap")), 0);
	write_conf("log \"@D/a.log\" {\n rotate = 1\n create = \"0600\"\n}\n");
	cr_assert_eq(FORCE("--now", "2026-03-01T10:00"), 0, "%s", run.err);
	cr_assert_str_eq(slurp(P(0, "victim")), "precious\n");
	cr_assert_eq(mode_of(P(0, "victim")), 0644);
	cr_assert_eq(mode_of(P(1, "a.log")), 0600);
	cr_assert_str_eq(slurp(P(2, "a.log.1")), "a\n");
}

Test(safety, planted_rotated_symlink_not_followed, .init = init, .fini = fini)
{
	tu_write_file(P(0, "victim"), "precious\n");
	tu_write_file(P(1, "a.log"), "secret\n");
	cr_assert_eq(chmod(P(1, "a.log"), 0600), 0);
	/*
	 * A link at the dated name takes that name like any file: the copy
	 * goes to the next counter's (made with O_EXCL), never through it.
	 */
	cr_assert_eq(symlink(P(0, "victim"), P(2, "a.log-20260301")), 0);
	write_conf("log \"@D/a.log\" {\n rotate = 3\n copy = yes\n dateext = yes\n}\n");
	cr_assert_eq(FORCE("--now", "2026-03-01T10:00"), 0, "%s", run.err);
	cr_assert_str_eq(slurp(P(0, "victim")), "precious\n");
	cr_assert_eq(mode_of(P(0, "victim")), 0644);
	cr_assert_str_eq(slurp(P(1, "a.log")), "secret\n");
	cr_assert_str_eq(slurp(P(2, "a.log-20260301.1")), "secret\n");
	cr_assert_eq(mode_of(P(2, "a.log-20260301.1")), 0600);
}

static void
swap_mid_rotation(const char *opts)
{
	char body[1024];
	struct stat before, after;

	tu_write_file(P(0, "victim"), "precious\n");
	cr_assert_eq(lstat(P(0, "victim"), &before), 0);
	tu_write_file(P(1, "a.log"), "a\n");
	snprintf(body, sizeof(body), "log \"@D/a.log\" {\n rotate = 1\n %s\n"
	    " prerotate = \"mv \\\"$1\\\" \\\"$1.moved\\\" && ln -s @D/victim \\\"$1\\\"\"\n}\n",
	    opts);
	write_conf(body);
	FORCE("--now", "2026-03-01T10:00");
	cr_assert_str_eq(slurp(P(0, "victim")), "precious\n", "%s", run.err);
	cr_assert_eq(lstat(P(0, "victim"), &after), 0);
	cr_assert_eq(after.st_mode, before.st_mode);
	cr_assert_eq(after.st_uid, before.st_uid);
	cr_assert_eq(after.st_gid, before.st_gid);
	cr_assert_eq(after.st_size, before.st_size);
}

Test(safety, swap_for_symlink_copytruncate, .init = init, .fini = fini)
{
	swap_mid_rotation("copytruncate = yes");
	cr_assert_eq(run.status, 1, "%s", run.err);
	cr_assert_not_null(strstr(run.err, "symbolic link"), "%s", run.err);
	cr_assert_not(tu_exists(P(2, "a.log.1")), "copied through the link");
}

Test(safety, swap_for_symlink_create, .init = init, .fini = fini)
{
	swap_mid_rotation("create = \"0600 daemon daemon\"");
	cr_assert_eq(run.status, 1, "%s", run.err);
}

Test(safety, script_args_are_not_shell, .init = init, .fini = fini)
{
	char want[512];

	cr_assert_eq(chdir(dir), 0);
	tu_write_file(P(0, "$(touch PWNED).log"), "x\n");
	write_conf("log \"@D/$(touch PWNED).log\" {\n rotate = 1\n"
	    " postrotate = 'echo \"$1\" >> @D/side'\n}\n");
	cr_assert_eq(FORCE("--now", "2026-03-01T10:00"), 0, "%s", run.err);
	cr_assert_not(tu_exists(P(1, "PWNED")), "the name ran as shell");
	snprintf(want, sizeof(want), "%s/$(touch PWNED).log\n", dir);
	cr_assert_str_eq(slurp(P(2, "side")), want);
}
