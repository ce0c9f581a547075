/*
 * test_rotate_lr.c: logrotate 3.21's further directives end to end, with
 * the real mond binary on real files (--force-rotate / --once, --now):
 * compresscmd and its messages, the .backup of a stray compressed file,
 * the compressed file's times, preremove's failure, mail and its failure,
 * shred and its fallback, renamecopy (and its dry run), the ids a `su`
 * stanza's programs run with, weekday. Messages are logrotate's words.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "tests/testutil.h"

static char *dir, *conf, *state;
static struct tu_run run;
static char *held[6];

/* 2000-01-01 00:00 UTC, logrotate's test 108 */
#define Y2K	946684800

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
	for (int i = 0; i < 6; i++)
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

/* S with every @D made DIR, freed by fini. */
static char *
at_dir(int slot, const char *s)
{
	char *out, *at;
	size_t len;
	FILE *fp = open_memstream(&out, &len);

	cr_assert_not_null(fp);
	for (; (at = strstr(s, "@D")) != NULL; s = at + 2)
		fprintf(fp, "%.*s%s", (int)(at - s), s, dir);
	fputs(s, fp);
	fclose(fp);
	return hold(slot, out);
}

/* The config: the globals (mail_command DIR/mailer), then BODY. */
static void
write_conf(const char *body)
{
	char *text;

	cr_assert(asprintf(&text, "statefile = \"%s/unused-state\"\nmessages = \"\"\n"
	    "control = \"%s/mond.sock\"\nmail_command = \"%s/mailer\"\n"
	    "applog {\n\tpath = \"%s/aux/mon.log\"\n}\n%s", dir, dir, dir, dir,
	    at_dir(5, body)) != -1);
	tu_write_file(conf, text);
	free(text);
}

/* An executable DIR/NAME with TEXT (@D made DIR) after "#!/bin/sh". */
static void
write_script(const char *name, const char *text)
{
	char *body;

	cr_assert(asprintf(&body, "#!/bin/sh\n%s\n", at_dir(4, text)) != -1);
	tu_write_file(P(4, name), body);
	free(body);
	cr_assert_eq(chmod(P(4, name), 0755), 0);
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

#define FORCE()		mond("--force-rotate", "--now", "2026-03-04T10:00", NULL)

static char *
slurp(int slot, const char *path)
{
	return hold(slot, tu_read_file(path, NULL));
}

/* The text of the gzip file PATH; "" when unreadable. */
static char *
slurp_gz(int slot, const char *path)
{
	static char buf[8192];
	gzFile g = gzopen(path, "rb");
	int n = g != NULL ? gzread(g, buf, sizeof(buf) - 1) : -1;

	if (g != NULL)
		gzclose(g);
	buf[n > 0 ? n : 0] = '\0';
	return hold(slot, strdup(buf));
}

/* stderr must hold "mond: " + TEXT (@D made DIR). */
static void
expect_err(const char *text)
{
	char *want = at_dir(3, text);

	cr_assert_not_null(strstr(run.err, want), "stderr lacks \"%s\":\n%s",
	    want, run.err);
}

static void
need_root(void)
{
	if (geteuid() != 0)
		cr_skip_test("needs root: file owners and su");
}

TestSuite(rotate_lr, .init = init, .fini = fini);

/* ---- compresscmd ------------------------------------------------------ */

Test(rotate_lr, compresscmd_runs_with_its_options_env_and_stderr)
{
	write_script("zz", "for a in \"$@\"; do echo \"[$a]\"; done > @D/args\n"
	    "echo \"$LOGROTATE_COMPRESSED_FILENAME\" > @D/env\n"
	    "echo 'zz: a word on stderr' >&2\nexec gzip -c");
	tu_write_file(P(0, "a.log"), "log line\n");
	write_conf("log \"@D/a.log\" {\n rotate = 1\n compress = yes\n"
	    " compresscmd = \"@D/zz\"\n compressoptions = \"-9 'two words'\"\n"
	    " compressext = \".zz\"\n}\n");
	cr_assert_eq(FORCE(), 0, "%s", run.err);
	cr_assert_str_eq(slurp_gz(0, P(1, "a.log.1.zz")), "log line\n");
	cr_assert_not(tu_exists(P(1, "a.log.1")));
	cr_assert_str_eq(slurp(2, P(1, "args")), "[-9]\n[two words]\n");
	cr_assert_str_eq(slurp(2, P(1, "env")), at_dir(3, "@D/a.log.1\n"));
	expect_err("mond: Compressing program wrote following message to stderr "
	    "when compressing log @D/a.log.1:\nmond: zz: a word on stderr\n");
}

Test(rotate_lr, a_failing_compresscmd_keeps_the_rotated_file)
{
	write_script("bad", "cat > /dev/null\necho 'bad: no room' >&2\nexit 2");
	tu_write_file(P(0, "a.log"), "keep\n");
	write_conf("log \"@D/a.log\" {\n rotate = 1\n compress = yes\n"
	    " compresscmd = \"@D/bad\"\n}\n");
	cr_assert_eq(FORCE(), 1, "%s", run.err);
	expect_err("mond: failed to compress log @D/a.log.1\n");
	expect_err("bad: no room");
	cr_assert_str_eq(slurp(0, P(1, "a.log.1")), "keep\n");
	cr_assert_not(tu_exists(P(1, "a.log.1.gz")));
	cr_assert_null(strstr(hold(2, tu_listing(dir)), "mond-tmp"));
}

/* logrotate's test 72 */
Test(rotate_lr, a_stray_compressed_file_is_kept_as_a_backup)
{
	tu_write_file(P(0, "a.log"), "zero\n");
	tu_write_file(P(1, "a.log.1"), "first\n");
	tu_write_file(P(2, "a.log.1.gz"), "unexpected\n");
	write_conf("log \"@D/a.log\" {\n rotate = 3\n compress = yes\n"
	    " delaycompress = yes\n create = yes\n}\n");
	cr_assert_eq(FORCE(), 0, "%s", run.err);
	expect_err("mond: destination @D/a.log.1.gz already exists, renaming "
	    "to @D/a.log.1.gz-2026030410.backup\n");
	cr_assert_str_eq(slurp(0, P(1, "a.log.1.gz-2026030410.backup")),
	    "unexpected\n");
	cr_assert_str_eq(slurp(0, P(1, "a.log.1")), "zero\n");
	cr_assert_str_eq(slurp_gz(0, P(1, "a.log.2.gz")), "first\n");
	cr_assert_str_eq(slurp(0, P(1, "a.log")), "");
}

/* logrotate's test 108, and the same through a copy and a compresscmd */
static void
check_y2k(const char *opts)
{
	struct timespec ts[2] = { { Y2K, 0 }, { Y2K, 0 } };
	char *body;
	struct stat st;

	tu_write_file(P(0, "a.log"), "zero\n");
	cr_assert_eq(utimensat(AT_FDCWD, P(0, "a.log"), ts, 0), 0);
	cr_assert(asprintf(&body, "log \"@D/a.log\" {\n rotate = 1\n"
	    " compress = yes\n%s}\n", opts) != -1);
	write_conf(body);
	free(body);
	cr_assert_eq(FORCE(), 0, "%s", run.err);
	cr_assert_eq(stat(P(1, "a.log.1.gz"), &st), 0);
	cr_assert_eq(st.st_atim.tv_sec, Y2K, "atime %lld with%s",
	    (long long)st.st_atim.tv_sec, opts);
	cr_assert_eq(st.st_mtim.tv_sec, Y2K, "mtime %lld with%s",
	    (long long)st.st_mtim.tv_sec, opts);
	cr_assert_str_eq(slurp_gz(2, P(1, "a.log.1.gz")), "zero\n");
}

Test(rotate_lr, the_compressed_file_keeps_the_logs_atime_and_mtime)
{
	check_y2k(" create = yes\n");
}

Test(rotate_lr, the_compressed_copy_keeps_the_logs_atime_and_mtime)
{
	write_script("zz", "exec gzip -c");
	check_y2k(" copytruncate = yes\n compresscmd = \"@D/zz\"\n"
	    " compressext = \".gz\"\n");
}

/* ---- preremove ---------------------------------------------------------- */

/* logrotate's test 39 */
Test(rotate_lr, a_failing_preremove_keeps_the_file)
{
	tu_write_file(P(0, "a.log"), "zero\n");
	write_conf("log \"@D/a.log\" {\n rotate = 0\n"
	    " preremove = \"echo \\\"$1\\\" >> @D/seen; exit 1\"\n}\n");
	cr_assert_eq(FORCE(), 1, "%s", run.err);
	expect_err("mond: error running preremove script for @D/a.log.1 of "
	    "'@D/a.log'. Not removing this file.\n");
	cr_assert_str_eq(slurp(0, P(1, "a.log.1")), "zero\n");
	cr_assert_str_eq(slurp(0, P(1, "seen")), at_dir(2, "@D/a.log.1\n"));
}

Test(rotate_lr, preremove_runs_before_the_compressed_source_goes)
{
	tu_write_file(P(0, "a.log"), "zero\n");
	write_conf("log \"@D/a.log\" {\n rotate = 1\n compress = yes\n"
	    " preremove = \"ls @D > @D/seen; exit 1\"\n}\n");
	cr_assert_eq(FORCE(), 1, "%s", run.err);
	expect_err("mond: error running preremove script for @D/a.log.1 of "
	    "'@D/a.log'. Not removing this file.\n");
	/* the .gz was complete when it ran; both stay, as in logrotate */
	cr_assert_not_null(strstr(slurp(0, P(1, "seen")), "a.log.1.gz\n"));
	cr_assert_str_eq(slurp(0, P(1, "a.log.1")), "zero\n");
	cr_assert_str_eq(slurp_gz(0, P(1, "a.log.1.gz")), "zero\n");
}

/* ---- mail ----------------------------------------------------------------- */

static void
write_mailer(const char *extra)
{
	char *text;

	cr_assert(asprintf(&text, "{ for a in \"$@\"; do echo \"[$a]\"; done; "
	    "cat; echo .; } >> @D/mailed\n%s", extra) != -1);
	write_script("mailer", text);
	free(text);
}

Test(rotate_lr, maillast_mails_the_disposed_file_decompressed)
{
	write_mailer("");
	tu_write_file(P(0, "a.log"), "new\n");
	tu_write_file(P(1, "a.log.1"), "old\n");
	write_conf("log \"@D/a.log\" {\n rotate = 1\n compress = yes\n"
	    " delaycompress = yes\n mail = \"ops@example.org\"\n}\n");
	cr_assert_eq(FORCE(), 0, "%s", run.err);
	cr_assert_str_eq(slurp(0, P(1, "mailed")), at_dir(2,
	    "[-s]\n[@D/a.log.2.gz]\n[ops@example.org]\nold\n.\n"));
	cr_assert_not(tu_exists(P(1, "a.log.2.gz")));
}

Test(rotate_lr, mailfirst_mails_the_new_file_under_the_logs_name)
{
	write_mailer("");
	tu_write_file(P(0, "a.log"), "new\n");
	write_conf("log \"@D/a.log\" {\n rotate = 1\n compress = yes\n"
	    " mail = \"ops@example.org\"\n mailfirst = yes\n}\n");
	cr_assert_eq(FORCE(), 0, "%s", run.err);
	cr_assert_str_eq(slurp(0, P(1, "mailed")), at_dir(2,
	    "[-s]\n[@D/a.log]\n[ops@example.org]\nnew\n.\n"));
	cr_assert(tu_exists(P(1, "a.log.1.gz")));
}

Test(rotate_lr, a_failing_mail_keeps_the_file)
{
	write_mailer("exit 1");
	tu_write_file(P(0, "a.log"), "new\n");
	tu_write_file(P(1, "a.log.1"), "old\n");
	write_conf("log \"@D/a.log\" {\n rotate = 1\n mail = \"ops@x\"\n}\n");
	cr_assert_eq(FORCE(), 1, "%s", run.err);
	expect_err("mond: mail command failed for @D/a.log.2\n");
	cr_assert_str_eq(slurp(0, P(1, "a.log.2")), "old\n");
}

Test(rotate_lr, a_gz_that_gunzip_refuses_is_not_mailed_away)
{
	write_mailer("");
	tu_write_file(P(0, "a.log"), "new\n");
	tu_write_file(P(1, "a.log.1.gz"), "not gzip\n");
	write_conf("log \"@D/a.log\" {\n rotate = 1\n compress = yes\n"
	    " mail = \"ops@x\"\n}\n");
	cr_assert_eq(FORCE(), 1, "%s", run.err);
	expect_err("mond: uncompress command failed mailing @D/a.log.2.gz\n");
	cr_assert_str_eq(slurp(0, P(1, "a.log.2.gz")), "not gzip\n");
}

/* ---- shred ---------------------------------------------------------------- */

/* A `shred` first in PATH: records its argv and stdout, then BODY. */
static void
fake_shred(const char *body)
{
	char *text, *path;

	cr_assert_eq(mkdir(P(0, "bin"), 0755), 0);
	cr_assert(asprintf(&text, "for a in \"$@\"; do echo \"[$a]\"; done >> "
	    "@D/shredded\nout=$(readlink /proc/$$/fd/1)\n"
	    "echo \"$out\" >> @D/shredded\n%s", body) !=
	    -1);
	write_script("bin/shred", text);
	free(text);
	cr_assert(asprintf(&path, "%s:%s", P(0, "bin"), getenv("PATH")) != -1);
	setenv("PATH", path, 1);
	free(path);
}

Test(rotate_lr, shred_overwrites_through_its_stdout_then_unlinks)
{
	fake_shred(": > /proc/$$/fd/1");
	tu_write_file(P(0, "a.log"), "new\n");
	tu_write_file(P(1, "a.log.1"), "secret\n");
	write_conf("log \"@D/a.log\" {\n rotate = 1\n shred = yes\n"
	    " shredcycles = 5\n}\n");
	cr_assert_eq(FORCE(), 0, "%s", run.err);
	cr_assert_str_eq(slurp(0, P(1, "shredded")), at_dir(2,
	    "[-u]\n[-n]\n[5]\n[-]\n@D/a.log.2\n"));
	cr_assert_not(tu_exists(P(1, "a.log.2")));
	cr_assert_str_eq(slurp(0, P(1, "a.log.1")), "new\n");
}

Test(rotate_lr, a_failing_shred_falls_back_to_unlink)
{
	fake_shred("exit 1");
	tu_write_file(P(0, "a.log"), "new\n");
	tu_write_file(P(1, "a.log.1"), "secret\n");
	write_conf("log \"@D/a.log\" {\n rotate = 1\n shred = yes\n}\n");
	cr_assert_eq(FORCE(), 0, "%s", run.err);
	expect_err("mond: Failed to shred @D/a.log.2, trying unlink\n");
	cr_assert_str_eq(slurp(0, P(1, "shredded")), at_dir(2,
	    "[-u]\n[-]\n@D/a.log.2\n"));
	cr_assert_not(tu_exists(P(1, "a.log.2")));
}

Test(rotate_lr, a_hard_linked_file_is_not_shredded)
{
	fake_shred("");
	tu_write_file(P(0, "a.log"), "new\n");
	tu_write_file(P(1, "a.log.1"), "secret\n");
	cr_assert_eq(link(P(1, "a.log.1"), P(2, "elsewhere")), 0);
	write_conf("log \"@D/a.log\" {\n rotate = 1\n shred = yes\n}\n");
	cr_assert_eq(FORCE(), 1, "%s", run.err);
	expect_err("mond: failed to shred \"@D/a.log.2\", because shredding "
	    "files with multiple hard links is disabled for @D/a.log.\n");
	cr_assert_str_eq(slurp(0, P(1, "a.log.2")), "secret\n");
	cr_assert_not(tu_exists(P(1, "shredded")));
}

/* ---- renamecopy ------------------------------------------------------------ */

Test(rotate_lr, renamecopy_copies_the_tmp_after_postrotate)
{
	struct stat st;

	tu_write_file(P(0, "a.log"), "zero\n");
	cr_assert_eq(chmod(P(0, "a.log"), 0640), 0);
	cr_assert_eq(mkdir(P(0, "old"), 0755), 0);
	write_conf("log \"@D/a.log\" {\n rotate = 1\n renamecopy = yes\n"
	    " create = yes\n olddir = \"old\"\n"
	    " postrotate = \"ls @D @D/old > @D/seen\"\n}\n");
	cr_assert_eq(FORCE(), 0, "%s", run.err);
	cr_assert_not_null(strstr(slurp(0, P(1, "seen")), "a.log.tmp\n"));
	cr_assert_null(strstr(slurp(0, P(1, "seen")), "a.log.1"));
	cr_assert_str_eq(slurp(0, P(1, "old/a.log.1")), "zero\n");
	cr_assert_eq(stat(P(1, "old/a.log.1"), &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0640);
	cr_assert_not(tu_exists(P(1, "a.log.tmp")));
	cr_assert_str_eq(slurp(0, P(1, "a.log")), "");
}

/* logrotate's test 59 */
Test(rotate_lr, renamecopy_dry_run_touches_nothing)
{
	char *before;

	tu_write_file(P(0, "a.log"), "zero\n");
	tu_write_file(P(1, "a.log.1"), "");
	tu_write_file(P(2, "a.log.2"), "");
	write_conf("log \"@D/a.log\" {\n rotate = 1\n renamecopy = yes\n"
	    " create = yes\n}\n");
	before = hold(3, tu_listing(dir));
	cr_assert_eq(mond("--force-rotate", "--dry-run", "--now",
	    "2026-03-04T10:00", NULL), 0, "%s", run.err);
	cr_assert_not_null(strstr(run.out, at_dir(4, "mv @D/a.log @D/a.log.tmp\n")),
	    "%s", run.out);
	cr_assert_str_eq(hold(4, tu_listing(dir)), before);
	cr_assert_str_eq(slurp(0, P(0, "a.log")), "zero\n");
}

Test(rotate_lr, a_leftover_renamecopy_tmp_is_kept_aside)
{
	tu_write_file(P(0, "a.log"), "zero\n");
	tu_write_file(P(1, "a.log.tmp"), "killed before its copy\n");
	write_conf("log \"@D/a.log\" {\n rotate = 1\n renamecopy = yes\n}\n");
	cr_assert_eq(FORCE(), 0, "%s", run.err);
	expect_err("left by an interrupted renamecopy; kept as "
	    "@D/a.log.mond-recovered");
	cr_assert_str_eq(slurp(0, P(1, "a.log.mond-recovered")),
	    "killed before its copy\n");
	cr_assert_str_eq(slurp(0, P(1, "a.log.1")), "zero\n");
}

/* ---- su, weekday ------------------------------------------------------------ */

Test(rotate_lr, under_su_the_compressor_is_the_user_and_mail_is_root)
{
	struct passwd *pw;
	char want[64];

	need_root();
	cr_assert_not_null(pw = getpwnam("daemon"));
	cr_assert_eq(chmod(dir, 0711), 0);	/* the user must reach sub/ */
	cr_assert_eq(mkdir(P(0, "sub"), 0755), 0);
	cr_assert_eq(chown(P(0, "sub"), pw->pw_uid, pw->pw_gid), 0);
	tu_write_file(P(0, "sub/a.log"), "new\n");
	cr_assert_eq(chown(P(0, "sub/a.log"), pw->pw_uid, pw->pw_gid), 0);
	write_script("zz", "id -u > @D/sub/compressor-id\nexec gzip -c");
	write_mailer("id -u > @D/mailer-id");
	write_conf("log \"@D/sub/a.log\" {\n rotate = 0\n compress = yes\n"
	    " compresscmd = \"@D/zz\"\n compressext = \".gz\"\n"
	    " mail = \"ops@x\"\n su = \"daemon daemon\"\n}\n");
	cr_assert_eq(FORCE(), 0, "%s", run.err);
	snprintf(want, sizeof(want), "%u\n", (unsigned)pw->pw_uid);
	cr_assert_str_eq(slurp(0, P(1, "sub/compressor-id")), want);
	cr_assert_str_eq(slurp(0, P(1, "mailer-id")), "0\n");
	cr_assert_not_null(strstr(slurp(0, P(1, "mailed")), "new\n"));
	cr_assert_not(tu_exists(P(1, "sub/a.log.1.gz")));
}

Test(rotate_lr, weekday_names_the_day_a_week_begins)
{
	tu_write_file(P(0, "a.log"), "w\n");
	/* 2026-03-04 is a Wednesday (3); last rotated on the Tuesday */
	write_conf("log \"@D/a.log\" {\n frequency = weekly\n weekday = 3\n"
	    " rotate = 1\n}\n");
	cr_assert_eq(mond("--once", "--now", "2026-03-03T10:00", NULL), 0,
	    "%s", run.err);
	cr_assert_eq(mond("--once", "--now", "2026-03-04T00:10", NULL), 0,
	    "%s", run.err);
	cr_assert_str_eq(slurp(0, P(1, "a.log.1")), "w\n");
}

/* ---- recovery ------------------------------------------------------------- */

Test(rotate_lr, a_file_left_uncompressed_is_compressed_with_the_rules_own)
{
	write_script("zz", "echo \"$LOGROTATE_COMPRESSED_FILENAME\" >> @D/env\n"
	    "exec gzip -c");
	tu_write_file(P(0, "a.log"), "new\n");
	/* a mond killed between the rename and the compression left this */
	tu_write_file(P(1, "a.log.1"), "older\n");
	write_conf("log \"@D/a.log\" {\n rotate = 2\n compress = yes\n"
	    " compresscmd = \"@D/zz\"\n compressext = \".zz\"\n}\n");
	cr_assert_eq(FORCE(), 0, "%s", run.err);
	expect_err("a.log.1: compressed, finishing an interrupted rotation");
	cr_assert_str_eq(slurp_gz(0, P(1, "a.log.2.zz")), "older\n");
	cr_assert_str_eq(slurp_gz(0, P(1, "a.log.1.zz")), "new\n");
	cr_assert_str_eq(slurp(0, P(1, "env")), at_dir(2,
	    "@D/a.log.1\n@D/a.log.1\n"));
	cr_assert_not(tu_exists(P(1, "a.log.1")));
}
