/*
 * test_compress_ext.c: compress_make()/compress_drop() with a rule's own
 * compressor, as logrotate runs it: its argv, LOGROTATE_COMPRESSED_FILENAME,
 * its stderr logged after logrotate's line, a failure reported and the
 * source kept, no temporary ever left; the source's mode, owner, atime and
 * mtime on the output (logrotate's test 108) in process too; the source
 * removed only when it is still the file compressed, unchanged.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "util/clock.h"
#include "engine/compress.h"
#include "util/fsutil.h"
#include "util/log.h"
#include "tests/testutil.h"

TestSuite(compress_ext, .init = tu_dirfd_init, .fini = tu_fini);

/* 2000-01-01 00:00 UTC, logrotate's test 108 */
#define Y2K	946684800

/*
 * DIR/NAME: a shell compressor that records each argument on a line of
 * DIR/args, its LOGROTATE_COMPRESSED_FILENAME in DIR/env, says TALK on
 * stderr (when not NULL), then runs BODY (gzip by default).
 */
static const char *
script(const char *name, const char *talk, const char *body)
{
	char *text;

	cr_assert(asprintf(&text, "#!/bin/sh\n"
	    "for a in \"$@\"; do printf '%%s\\n' \"$a\"; done > '%s'\n"
	    "printf '%%s\\n' \"$LOGROTATE_COMPRESSED_FILENAME\" > '%s'\n"
	    "%s%s%s"
	    "%s\n", tu_at("args"), tu_at("env"), talk ? "echo '" : "",
	    talk ? talk : "", talk ? "' >&2\n" : "",
	    body ? body : "exec gzip -c") != -1);
	tu_write_file(tu_at(name), text);
	free(text);
	cr_assert_eq(chmod(tu_at(name), 0755), 0);
	return tu_at(name);
}

/* HOW for the program CMD with OPTIONS, on the source tu_dir/a.log.1. */
static struct compress_how
how_ext(const char *cmd, char *const *options)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s", tu_at("a.log.1"));
	return (struct compress_how){ .cmd = cmd, .options = options,
	    .path = path, .deadline = mond_monotonic() + 30 };
}

/* NAME's decompressed text (gzip), or NULL when it is none. */
static char *
gunzip_file(const char *name)
{
	gzFile g = gzopen(tu_at(name), "rb");
	static char buf[65536];
	int n;

	cr_assert_not_null(g, "%s", name);
	n = gzread(g, buf, sizeof(buf) - 1);
	gzclose(g);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return strdup(buf);
}

static void
assert_no_temp(void)
{
	char *ls = tu_listing(tu_dir);

	cr_assert_null(strstr(ls, ".mond-tmp"), "a temporary is left: %s", ls);
	free(ls);
}

/* Runs FN with stderr going to a file; returns what was written there. */
static char *
capture_stderr(int (*fn)(void *), void *arg, int *rc)
{
	int save = dup(2), fd = open(tu_at("stderr"), O_RDWR | O_CREAT |
	    O_TRUNC, 0600);

	cr_assert(save != -1 && fd != -1);
	fflush(stderr);
	dup2(fd, 2);
	*rc = fn(arg);
	fflush(stderr);
	dup2(save, 2);
	close(save);
	close(fd);
	return tu_read_file(tu_at("stderr"), NULL);
}

struct make_arg {
	struct compress_how	*how;
	struct compress_src	*src;
	const char		*dst;
};

static int
make_it(void *arg)
{
	struct make_arg *m = arg;

	return compress_make(tu_dirfd, "a.log.1", tu_dirfd, m->dst, m->how,
	    m->src);
}

Test(compress_ext, runs_like_logrotate_argv_env_stdin_stdout)
{
	char *opts[] = { "-9", "two words", NULL }, *got, *args, *env;
	struct compress_how how = how_ext(script("zip.sh", NULL, NULL), opts);
	struct compress_src src;

	tu_write_file(tu_at("a.log.1"), "line one\nline two\n");
	cr_assert_eq(compress_make(tu_dirfd, "a.log.1", tu_dirfd, "a.log.1.z",
	    &how, &src), 0, "%s", strerror(errno));
	/* made, the source still there until compress_drop */
	cr_assert(tu_exists(tu_at("a.log.1")));
	got = gunzip_file("a.log.1.z");
	cr_assert_str_eq(got, "line one\nline two\n");
	args = tu_read_file(tu_at("args"), NULL);
	cr_assert_str_eq(args, "-9\ntwo words\n", "argv after the command");
	env = tu_read_file(tu_at("env"), NULL);
	cr_assert_str_eq(env, tu_at("a.log.1\n"));
	cr_assert_eq(compress_drop(tu_dirfd, "a.log.1", tu_dirfd, "a.log.1.z",
	    &src, NULL, NULL), 0, "%s", strerror(errno));
	cr_assert_not(tu_exists(tu_at("a.log.1")));
	cr_assert_eq(src.fd, -1);
	assert_no_temp();
	free(got);
	free(args);
	free(env);
}

Test(compress_ext, stderr_is_logged_after_logrotates_line)
{
	struct compress_how how = how_ext(script("talk.sh", "disk is slow",
	    NULL), NULL);
	struct compress_src src;
	struct make_arg m = { &how, &src, "a.log.1.gz" };
	char *err, want[4200];
	int rc;

	tu_write_file(tu_at("a.log.1"), "x\n");
	err = capture_stderr(make_it, &m, &rc);
	cr_assert_eq(rc, 0, "stderr: %s", err);
	snprintf(want, sizeof(want), "Compressing program wrote following "
	    "message to stderr when compressing log %s:\n", tu_at("a.log.1"));
	cr_assert_not_null(strstr(err, want), "stderr: %s", err);
	cr_assert_not_null(strstr(err, "disk is slow"), "stderr: %s", err);
	cr_assert_gt(strstr(err, "disk is slow"), strstr(err, want));
	compress_keep(&src);
	free(err);
}

Test(compress_ext, a_failing_program_keeps_the_source_and_says_so)
{
	struct compress_how how = how_ext(script("fail.sh", "no space",
	    "cat > /dev/null; exit 3"), NULL);
	struct compress_src src;
	struct make_arg m = { &how, &src, "a.log.1.gz" };
	char *err;
	int rc;

	tu_write_file(tu_at("a.log.1"), "keep me\n");
	err = capture_stderr(make_it, &m, &rc);
	cr_assert_eq(rc, -1);
	cr_assert_eq(src.status, 3, "the exit status, for the caller's "
	    "\"failed to compress log\"");
	cr_assert_eq(src.fd, -1);
	cr_assert_not_null(strstr(err, "no space"), "stderr: %s", err);
	tu_assert_file(tu_at("a.log.1"), "keep me\n");
	cr_assert_not(tu_exists(tu_at("a.log.1.gz")));
	assert_no_temp();
	free(err);

	/* a program that cannot be run at all: 127, the same */
	how.cmd = tu_at("no-such-compressor");
	cr_assert_eq(compress_make(tu_dirfd, "a.log.1", tu_dirfd,
	    "a.log.1.gz", &how, &src), -1);
	cr_assert_eq(src.status, 127);
	assert_no_temp();
}

Test(compress_ext, a_hung_program_is_killed_at_its_deadline)
{
	struct compress_how how = how_ext(script("hang.sh", NULL, "sleep 30"),
	    NULL);
	struct compress_src src;
	double t0 = mond_monotonic();

	tu_write_file(tu_at("a.log.1"), "x\n");
	how.deadline = t0 + 1;
	cr_assert_eq(compress_make(tu_dirfd, "a.log.1", tu_dirfd,
	    "a.log.1.gz", &how, &src), -1);
	cr_assert_eq(errno, ETIMEDOUT, "%s", strerror(errno));
	cr_assert_lt(mond_monotonic() - t0, 10);
	cr_assert(tu_exists(tu_at("a.log.1")));
	cr_assert_not(tu_exists(tu_at("a.log.1.gz")));
	assert_no_temp();
}

Test(compress_ext, an_existing_output_is_never_replaced)
{
	struct compress_how how = how_ext(script("zip.sh", NULL, NULL), NULL);
	struct compress_src src;

	tu_write_file(tu_at("a.log.1"), "x\n");
	tu_write_file(tu_at("a.log.1.gz"), "someone's");
	cr_assert_eq(compress_make(tu_dirfd, "a.log.1", tu_dirfd,
	    "a.log.1.gz", &how, &src), -1);
	cr_assert_eq(errno, EEXIST);
	tu_assert_file(tu_at("a.log.1.gz"), "someone's");
	cr_assert_not(tu_exists(tu_at("args")), "run though it would fail");
}

/* The output's mode, owner, atime and mtime, each way it is made. */
static void
check_attrs(const char *cmd, bool given)
{
	struct timespec ts[2] = { { Y2K, 0 }, { Y2K, 0 } };
	struct compress_how how = cmd != NULL ? how_ext(cmd, NULL) :
	    (struct compress_how){ .deadline = -1 };
	struct compress_src src;
	struct stat st;
	bool root = geteuid() == 0;

	tu_write_file(tu_at("a.log.1"), "zero\n");
	cr_assert_eq(chmod(tu_at("a.log.1"), 0640), 0);
	if (root)
		cr_assert_eq(chown(tu_at("a.log.1"), 4321, 4322), 0);
	cr_assert_eq(utimensat(AT_FDCWD, tu_at("a.log.1"), ts, 0), 0);
	if (given) {
		how.has_times = true;
		how.atime = (struct timespec){ Y2K + 60, 5 };
		how.mtime = (struct timespec){ Y2K + 120, 7 };
	}
	cr_assert_eq(compress_make(tu_dirfd, "a.log.1", tu_dirfd,
	    "a.log.1.gz", &how, &src), 0, "%s", strerror(errno));
	cr_assert_eq(compress_drop(tu_dirfd, "a.log.1", tu_dirfd,
	    "a.log.1.gz", &src, NULL, NULL), 0, "%s", strerror(errno));
	cr_assert_eq(stat(tu_at("a.log.1.gz"), &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0640, "mode %o", st.st_mode & 07777);
	if (root) {
		cr_assert_eq(st.st_uid, 4321);
		cr_assert_eq(st.st_gid, 4322);
	}
	/* reading the source must not have moved the atime it passes on */
	cr_assert_eq(st.st_atim.tv_sec, given ? Y2K + 60 : Y2K, "atime %lld",
	    (long long)st.st_atim.tv_sec);
	cr_assert_eq(st.st_mtim.tv_sec, given ? Y2K + 120 : Y2K, "mtime %lld",
	    (long long)st.st_mtim.tv_sec);
	if (given) {
		cr_assert_eq(st.st_atim.tv_nsec, 5);
		cr_assert_eq(st.st_mtim.tv_nsec, 7);
	}
}

Test(compress_ext, output_takes_mode_owner_atime_and_mtime_in_process)
{
	check_attrs(NULL, false);
}

Test(compress_ext, output_takes_mode_owner_atime_and_mtime_external)
{
	check_attrs(script("zip.sh", NULL, NULL), false);
}

Test(compress_ext, output_takes_the_times_it_is_given)
{
	check_attrs(NULL, true);
	cr_assert_eq(unlink(tu_at("a.log.1.gz")), 0);
	check_attrs(script("zip.sh", NULL, NULL), true);
}

Test(compress_ext, a_source_that_grew_is_kept_and_the_output_goes)
{
	struct compress_how how = how_ext(script("zip.sh", NULL, NULL), NULL);
	struct compress_src src;
	FILE *fp;

	tu_write_file(tu_at("a.log.1"), "before\n");
	cr_assert_eq(compress_make(tu_dirfd, "a.log.1", tu_dirfd,
	    "a.log.1.gz", &how, &src), 0);
	cr_assert_not_null(fp = fopen(tu_at("a.log.1"), "a"));
	fputs("a late line\n", fp);
	fclose(fp);
	cr_assert_eq(compress_drop(tu_dirfd, "a.log.1", tu_dirfd,
	    "a.log.1.gz", &src, NULL, NULL), -1);
	cr_assert_eq(errno, EAGAIN);
	tu_assert_file(tu_at("a.log.1"), "before\na late line\n");
	cr_assert_not(tu_exists(tu_at("a.log.1.gz")));
}

static int
refuse(int dirfd, const char *name, void *arg)
{
	(void)dirfd;
	(void)name;
	*(int *)arg += 1;
	errno = EPERM;
	return -1;
}

Test(compress_ext, the_callers_removal_failing_keeps_both)
{
	struct compress_how how = { .deadline = -1 };
	struct compress_src src;
	int calls = 0;

	tu_write_file(tu_at("a.log.1"), "both stay\n");
	cr_assert_eq(compress_make(tu_dirfd, "a.log.1", tu_dirfd,
	    "a.log.1.gz", &how, &src), 0);
	cr_assert_eq(compress_drop(tu_dirfd, "a.log.1", tu_dirfd,
	    "a.log.1.gz", &src, refuse, &calls), -1);
	cr_assert_eq(calls, 1);
	tu_assert_file(tu_at("a.log.1"), "both stay\n");
	cr_assert(tu_exists(tu_at("a.log.1.gz")));
}

Test(compress_ext, drop_stale_takes_only_our_own_killed_output)
{
	char cmd[1024];

	tu_write_file(tu_at("a.log.1"), "0123456789\n");
	snprintf(cmd, sizeof(cmd), "head -c 4 '%s' | gzip -c > '%s'",
	    tu_at("a.log.1"), tu_at("a.log.1.gz"));
	cr_assert_eq(system(cmd), 0);
	cr_assert_eq(compress_drop_stale(tu_dirfd, "a.log.1", tu_dirfd,
	    "a.log.1.gz"), 0);
	cr_assert_not(tu_exists(tu_at("a.log.1.gz")));

	tu_write_file(tu_at("a.log.1.gz"), "unexpected\n");
	cr_assert_eq(compress_drop_stale(tu_dirfd, "a.log.1", tu_dirfd,
	    "a.log.1.gz"), -1);
	cr_assert_eq(errno, EEXIST);
	tu_assert_file(tu_at("a.log.1.gz"), "unexpected\n");
}
