/*
 * test_applog.c: mon.log against Python 3.12's RotatingFileHandler. Every
 * line a case writes has the same length L, so the expected sizes of
 * mon.log, .1, .2 ... are tables of multiples of L.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "util/applog.h"
#include "tests/testutil.h"

#define MAXFILES	8
#define MISSING		(-1)

static char *dir;

static void
setup(void)
{
	umask(022);
	dir = tu_tmpdir();
}

static void
teardown(void)
{
	tu_rmtree(dir);
	free(dir);
}

TestSuite(applog, .init = setup, .fini = teardown);

/* The length of one line of MSG at LEVEL: the timestamp has a fixed width. */
static long long
line_len(enum applog_msg_level level, const char *msg)
{
	struct timespec ts = { .tv_sec = 1795645801, .tv_nsec = 0 };
	char buf[512];

	return (long long)applog_format(buf, sizeof(buf), &ts, level, msg);
}

/*
 * Waits 1.1 s by the monotonic clock, whatever interrupts the sleep: the
 * applog compares its path with its file at most once a second.
 */
static void
wait_identity_check(void)
{
	struct timespec t0, now;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		usleep(50 * 1000);
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while ((now.tv_sec - t0.tv_sec) * 1000 +
	    (now.tv_nsec - t0.tv_nsec) / 1000000 < 1100);
}

static struct applog *
open_log(const char *path, long long maxbytes, int backups,
    enum applog_level level)
{
	struct applog_conf conf = {
		.path = (char *)path, .maxbytes = maxbytes,
		.backups = backups, .level = level,
	};
	struct applog *al = applog_open(&conf);

	cr_assert_not_null(al, "applog_open %s: %s", path, strerror(errno));
	return al;
}

/* Size of PATH, or MISSING. */
static long long
size_of(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long long)st.st_size : MISSING;
}

static char *
sibling(const char *base, int i)
{
	char *p;

	if (i == 0)
		return strdup(base);
	cr_assert(asprintf(&p, "%s.%d", base, i) != -1);
	return p;
}

/*
 * Writes NLINES lines ("line 00", "line 01"...) with maxbytes MAXL*L+EXTRA
 * and BACKUPS, then checks the sizes of base, .1, ... against WANT (in
 * lines; MISSING for no file), up to and including the first MISSING.
 */
static void
check_table(const char *name, long long maxl, long long extra, int backups,
    int nlines, const int want[MAXFILES])
{
	char *path = tu_path(dir, name), msg[32];
	long long len = line_len(MSG_INFO, "line 00");
	struct applog *al;
	int i;

	al = open_log(path, maxl * len + extra, backups, APPLOG_DEBUG);
	for (i = 0; i < nlines; i++) {
		snprintf(msg, sizeof(msg), "line %02d", i);
		cr_assert_eq(applog_write(al, MSG_INFO, msg), 0,
		    "write %d: %s", i, strerror(errno));
	}
	applog_close(al);
	for (i = 0; i < MAXFILES; i++) {
		char *p = sibling(path, i);
		long long got = size_of(p);
		long long exp = want[i] == MISSING ? MISSING : want[i] * len;

		cr_expect_eq(got, exp, "%s: size %lld, want %lld (%d lines)",
		    p, got, exp, want[i]);
		free(p);
		if (want[i] == MISSING)
			break;
	}
	free(path);
}

Test(applog, maxbytes_zero_never_rolls_over)
{
	check_table("mon.log", 0, 0, 3, 10, (int[MAXFILES]){ 10, MISSING });
}

Test(applog, backups_zero_never_renames_and_keeps_growing)
{
	check_table("mon.log", 2, 0, 0, 5, (int[MAXFILES]){ 5, MISSING });
}

Test(applog, reaching_maxbytes_exactly_rolls_over)
{
	/* size + len == maxbytes: every line after the first rolls. */
	check_table("mon.log", 2, 0, 3, 5,
	    (int[MAXFILES]){ 1, 1, 1, 1, MISSING });
}

Test(applog, one_byte_below_maxbytes_does_not_roll_over)
{
	/* 2L == maxbytes - 1 is kept; the third line would make 3L. */
	check_table("mon.log", 2, 1, 3, 5,
	    (int[MAXFILES]){ 1, 2, 2, MISSING });
}

Test(applog, oldest_beyond_backups_is_dropped)
{
	check_table("mon.log", 3, 1, 2, 10,
	    (int[MAXFILES]){ 1, 3, 3, MISSING });
}

Test(applog, rollover_keeps_the_newest_lines_in_order)
{
	char *path = tu_path(dir, "mon.log"), *p1, *p2, *text;

	check_table("mon.log", 3, 1, 2, 10,
	    (int[MAXFILES]){ 1, 3, 3, MISSING });
	p1 = sibling(path, 1);
	p2 = sibling(path, 2);
	text = tu_read_file(path, NULL);
	cr_assert(strstr(text, "line 09\n") != NULL, "base: %s", text);
	free(text);
	text = tu_read_file(p1, NULL);
	cr_assert(strstr(text, "line 06\n") != NULL &&
	    strstr(text, "line 08\n") != NULL, ".1: %s", text);
	cr_assert(strstr(text, "line 06\n") < strstr(text, "line 08\n"));
	free(text);
	text = tu_read_file(p2, NULL);
	cr_assert(strstr(text, "line 03\n") != NULL &&
	    strstr(text, "line 05\n") != NULL, ".2: %s", text);
	free(text);
	free(p1);
	free(p2);
	free(path);
}

Test(applog, a_line_longer_than_maxbytes_goes_whole_into_an_empty_file)
{
	char *path = tu_path(dir, "mon.log"), *p1 = sibling(path, 1);
	long long len = line_len(MSG_INFO, "line 00");
	struct applog *al = open_log(path, 10, 1, APPLOG_DEBUG);

	cr_assert_gt(len, 10);
	cr_assert_eq(applog_write(al, MSG_INFO, "line 00"), 0);
	cr_expect_eq(size_of(path), len);
	cr_expect_eq(size_of(p1), MISSING, "an empty file never rolls over");
	cr_assert_eq(applog_write(al, MSG_INFO, "line 01"), 0);
	cr_expect_eq(size_of(path), len);
	cr_expect_eq(size_of(p1), len);
	applog_close(al);
	free(p1);
	free(path);
}

Test(applog, existing_content_counts_toward_maxbytes)
{
	char *path = tu_path(dir, "mon.log"), *p1 = sibling(path, 1);
	long long len = line_len(MSG_INFO, "line 00");
	struct applog *al;

	tu_write_file(path, "0123456789\n");
	al = open_log(path, len + 11, 1, APPLOG_DEBUG);
	cr_assert_eq(applog_write(al, MSG_INFO, "line 00"), 0);
	cr_expect_eq(size_of(p1), 11, "11 + L reaches maxbytes: roll first");
	cr_expect_eq(size_of(path), len);
	applog_close(al);
	free(p1);
	free(path);
}

Test(applog, missing_directories_are_created_0755_and_the_file_0644)
{
	char *path = tu_path(dir, "a/b/mon.log"), *a = tu_path(dir, "a"),
	    *b = tu_path(dir, "a/b");
	struct applog *al;
	struct stat st;

	umask(077);
	al = open_log(path, 0, 0, APPLOG_DEBUG);
	cr_assert_eq(stat(a, &st), 0);
	cr_expect_eq(st.st_mode & 07777, 0755, "a: %o", st.st_mode & 07777);
	cr_assert_eq(stat(b, &st), 0);
	cr_expect_eq(st.st_mode & 07777, 0755, "a/b: %o", st.st_mode & 07777);
	/* Python's open(..., 'a'): 0666 & ~umask. */
	cr_assert_eq(stat(path, &st), 0, "created at open, as Python does");
	cr_expect_eq(st.st_mode & 07777, 0600, "mon.log: %o",
	    st.st_mode & 07777);
	applog_close(al);
	umask(022);
	unlink(path);
	al = open_log(path, 0, 0, APPLOG_DEBUG);
	cr_assert_eq(stat(path, &st), 0);
	cr_expect_eq(st.st_mode & 07777, 0644);
	applog_close(al);
	free(a);
	free(b);
	free(path);
}

Test(applog, reopens_after_the_file_was_renamed_away)
{
	char *path = tu_path(dir, "mon.log"), *moved = tu_path(dir, "moved");
	long long len = line_len(MSG_INFO, "line 00");
	struct applog *al = open_log(path, 0, 0, APPLOG_DEBUG);

	cr_assert_eq(applog_write(al, MSG_INFO, "line 00"), 0);
	cr_assert_eq(rename(path, moved), 0);
	wait_identity_check();
	cr_assert_eq(applog_write(al, MSG_INFO, "line 01"), 0);
	cr_expect_eq(size_of(moved), len, "moved: %lld", size_of(moved));
	cr_expect_eq(size_of(path), len, "a new mon.log holds the new line: "
	    "%lld", size_of(path));
	cr_assert_eq(unlink(path), 0);
	wait_identity_check();
	cr_assert_eq(applog_write(al, MSG_INFO, "line 02"), 0);
	cr_expect_eq(size_of(path), len, "recreated after removal");
	applog_close(al);
	free(moved);
	free(path);
}

Test(applog, another_writers_lines_count_toward_maxbytes)
{
	char *path = tu_path(dir, "mon.log"), *p1 = sibling(path, 1);
	long long len = line_len(MSG_INFO, "line 00");
	struct applog *al = open_log(path, 2 * len + 50, 1, APPLOG_DEBUG);
	FILE *fp;

	cr_assert_eq(applog_write(al, MSG_INFO, "line 00"), 0);
	fp = fopen(path, "a");
	cr_assert_not_null(fp);
	for (int i = 0; i < 10; i++)
		fputs("123456789\n", fp);
	fclose(fp);
	wait_identity_check();
	cr_assert_eq(applog_write(al, MSG_INFO, "line 01"), 0);
	cr_expect_eq(size_of(p1), len + 100, "L + 100 + L reaches maxbytes");
	cr_expect_eq(size_of(path), len);
	applog_close(al);
	free(p1);
	free(path);
}

Test(applog, level_info_filters_debug_lines)
{
	char *path = tu_path(dir, "mon.log"), *text;
	struct applog *al = open_log(path, 0, 0, APPLOG_INFO);

	cr_assert_eq(applog_write(al, MSG_DEBUG, "dbg"), 0);
	cr_assert_eq(applog_write(al, MSG_INFO, "inf"), 0);
	cr_assert_eq(applog_write(al, MSG_ERROR, "err"), 0);
	applog_close(al);
	text = tu_read_file(path, NULL);
	cr_expect_null(strstr(text, "DEBUG"), "%s", text);
	cr_expect_not_null(strstr(text, " - mond - INFO - inf\n"), "%s", text);
	cr_expect_not_null(strstr(text, " - mond - ERROR - err\n"), "%s", text);
	free(text);
	cr_expect_eq(tu_count_lines(path, " - mond - "), 2);
	free(path);
}

Test(applog, level_debug_keeps_debug_lines)
{
	char *path = tu_path(dir, "mon.log");
	struct applog *al = open_log(path, 0, 0, APPLOG_DEBUG);

	cr_assert_eq(applog_write(al, MSG_DEBUG, "dbg"), 0);
	applog_close(al);
	cr_expect_eq(tu_count_lines(path, " - mond - DEBUG - dbg"), 1);
	free(path);
}

Test(applog, format_is_pythons_with_truncated_milliseconds)
{
	/* 2026-11-25 22:30:01 UTC, and .123999999 s truncates to 123. */
	struct timespec ts = { .tv_sec = 1795645801, .tv_nsec = 123999999 };
	const char *want = "2026-11-25 22:30:01,123 - mond - DEBUG - "
	    "Home page accessed at DEBUG level\n";
	char buf[256];
	size_t n;

	setenv("TZ", "UTC", 1);
	tzset();
	n = applog_format(buf, sizeof(buf), &ts, MSG_DEBUG,
	    "Home page accessed at DEBUG level");
	cr_assert_str_eq(buf, want);
	cr_assert_eq(n, strlen(want));
	ts.tv_nsec = 7000000;
	applog_format(buf, sizeof(buf), &ts, MSG_WARNING, "w");
	cr_assert_str_eq(buf, "2026-11-25 22:30:01,007 - mond - WARNING - w\n");
}

Test(applog, format_uses_local_time)
{
	struct timespec ts = { .tv_sec = 1795645801, .tv_nsec = 0 };
	char buf[256];

	setenv("TZ", "Etc/GMT-2", 1);	/* POSIX sign: UTC+2 */
	tzset();
	applog_format(buf, sizeof(buf), &ts, MSG_INFO, "x");
	cr_assert_str_eq(buf, "2026-11-26 00:30:01,000 - mond - INFO - x\n");
}

Test(applog, format_reports_the_full_length_when_truncated)
{
	struct timespec ts = { .tv_sec = 1795645801, .tv_nsec = 0 };
	char buf[8];
	size_t n = applog_format(buf, sizeof(buf), &ts, MSG_INFO, "x");

	cr_assert_eq(n, strlen("2026-11-25 22:30:01,000 - mond - INFO - x\n"));
	cr_assert_eq(buf[7], '\0');
}

Test(applog, a_symlink_or_fifo_at_the_path_is_refused)
{
	char *path = tu_path(dir, "mon.log"), *victim = tu_path(dir, "victim");
	struct applog_conf conf = { .path = path, .maxbytes = 10, .backups = 3 };

	tu_write_file(victim, "precious\n");
	cr_assert_eq(symlink(victim, path), 0);
	errno = 0;
	cr_assert_null(applog_open(&conf));
	cr_expect_eq(errno, ELOOP, "%s", strerror(errno));
	cr_assert_eq(unlink(path), 0);
	cr_assert_eq(mkfifo(path, 0644), 0);
	errno = 0;
	cr_assert_null(applog_open(&conf), "a FIFO was opened (or hung)");
	/* ENXIO: no reader, O_NONBLOCK; EINVAL: opened, not regular. */
	cr_expect(errno == ENXIO || errno == EINVAL, "%s", strerror(errno));
	cr_assert_eq(unlink(path), 0);
	cr_assert_eq(link(victim, path), 0);
	cr_assert_null(applog_open(&conf), "a hard link was opened");
	cr_assert(tu_file_is(victim, "precious\n"), "the victim file changed");
	free(victim);
	free(path);
}

Test(applog, a_symlink_planted_later_is_not_followed)
{
	char *path = tu_path(dir, "mon.log"), *victim = tu_path(dir, "victim");
	char *moved = tu_path(dir, "moved");
	struct applog *al = open_log(path, 0, 0, APPLOG_DEBUG);

	tu_write_file(victim, "precious\n");
	cr_assert_eq(applog_write(al, MSG_INFO, "line 00"), 0);
	cr_assert_eq(rename(path, moved), 0);
	cr_assert_eq(symlink(victim, path), 0);
	wait_identity_check();
	cr_expect_eq(applog_write(al, MSG_INFO, "line 01"), -1);
	cr_expect_eq(errno, ELOOP, "%s", strerror(errno));
	cr_assert(tu_file_is(victim, "precious\n"), "the victim file changed");
	applog_close(al);
	free(moved);
	free(victim);
	free(path);
}

Test(applog, a_failed_write_returns_minus_one)
{
	char *path = tu_path(dir, "mon.log");
	struct rlimit rl = { 16, 16 };
	struct applog *al;

	/* A file already at the size limit: the write fails with EFBIG. */
	tu_write_file(path, "0123456789abcdef");
	signal(SIGXFSZ, SIG_IGN);
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	al = open_log(path, 0, 0, APPLOG_DEBUG);
	errno = 0;
	cr_expect_eq(applog_write(al, MSG_INFO, "line"), -1);
	cr_expect_eq(errno, EFBIG, "%s", strerror(errno));
	applog_close(al);
	free(path);
}

Test(applog, open_fails_with_errno_when_the_directory_cannot_be_made)
{
	char *file = tu_path(dir, "file"), *path = tu_path(dir, "file/mon.log");
	struct applog_conf conf = { .path = path, .maxbytes = 0 };

	tu_write_file(file, "x");
	errno = 0;
	cr_assert_null(applog_open(&conf));
	cr_expect_eq(errno, ENOTDIR, "%s", strerror(errno));
	free(path);
	free(file);
}

enum { THREADS = 4, PER_THREAD = 400 };

static void *
writer(void *arg)
{
	struct applog *al = arg;
	char msg[32];

	for (int i = 0; i < PER_THREAD; i++) {
		snprintf(msg, sizeof(msg), "line %03d", i);
		cr_assert_eq(applog_write(al, MSG_INFO, msg), 0);
	}
	return NULL;
}

Test(applog, concurrent_writers_lose_and_split_no_line)
{
	char *path = tu_path(dir, "mon.log");
	long long len = line_len(MSG_INFO, "line 000");
	struct applog *al = open_log(path, 4000, 100, APPLOG_DEBUG);
	pthread_t t[THREADS];
	int i, total = 0, files = 0;

	for (i = 0; i < THREADS; i++)
		cr_assert_eq(pthread_create(&t[i], NULL, writer, al), 0);
	for (i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	applog_close(al);
	for (i = 0; i <= 100; i++) {
		char *p = sibling(path, i);
		long long size = size_of(p);

		if (size != MISSING) {
			files++;
			cr_expect_eq(size % len, 0, "%s: %lld bytes", p, size);
			cr_expect_lt(size, 4000, "%s", p);
			total += tu_count_lines(p, " - mond - INFO - line ");
		}
		free(p);
	}
	cr_expect_gt(files, 10);
	cr_expect_eq(total, THREADS * PER_THREAD);
	free(path);
}

Test(applog, a_failed_rollover_keeps_the_lines_in_the_current_file)
{
	char *path = tu_path(dir, "mon.log"), *p1 = sibling(path, 1),
	    *inside = tu_path(p1, "x");
	long long len = line_len(MSG_INFO, "line 00");
	struct applog *al = open_log(path, 2 * len, 1, APPLOG_DEBUG);

	char *errpath = tu_path(dir, "stderr"), *err, *want;
	int save = dup(2), efd;

	/* A non-empty directory as .1: removing it fails, even for root. */
	cr_assert_eq(mkdir(p1, 0755), 0);
	tu_write_file(inside, "x");
	efd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert(efd != -1 && save != -1 && dup2(efd, 2) == 2);
	for (int i = 0; i < 3; i++)
		cr_assert_eq(applog_write(al, MSG_INFO, "line 00"), 0,
		    "line %d: %s", i, strerror(errno));
	cr_assert_eq(dup2(save, 2), 2);
	close(efd);
	close(save);
	cr_expect_eq(size_of(path), 3 * len, "no line lost");
	/* The one stderr line names the step and the file that failed. */
	err = tu_read_file(errpath, NULL);
	cr_assert(asprintf(&want, "mond: %s: rollover: remove %s/mon.log.1: ",
	    path, dir) != -1);
	cr_expect(strncmp(err, want, strlen(want)) == 0, "%s", err);
	free(want);
	free(err);
	free(errpath);
	cr_assert_eq(unlink(inside), 0);
	cr_assert_eq(rmdir(p1), 0);
	cr_assert_eq(applog_write(al, MSG_INFO, "line 00"), 0);
	cr_expect_eq(size_of(p1), 3 * len, "rolls over once it can");
	cr_expect_eq(size_of(path), len);
	applog_close(al);
	free(inside);
	free(p1);
	free(path);
}

/* ---- applog_write_lines: the web front's pair of lines ---- */

static const struct applog_line pair[] = {
	{ MSG_DEBUG, "Home page accessed at DEBUG level" },
	{ MSG_INFO, "Home page accessed at INFO level" },
};

/*
 * N pairs through applog_write_lines() leave the same files, line for
 * line, as 2N applog_write() calls: a rollover may fall between the two.
 */
static void
check_pairs_like_single_lines(long long maxbytes, int n)
{
	static int run;
	char *a, *b, name[32];
	struct applog *la, *lb;
	int i;

	snprintf(name, sizeof(name), "a%d.log", run);
	a = tu_path(dir, name);
	snprintf(name, sizeof(name), "b%d.log", run++);
	b = tu_path(dir, name);
	la = open_log(a, maxbytes, 5, APPLOG_DEBUG);
	lb = open_log(b, maxbytes, 5, APPLOG_DEBUG);

	for (i = 0; i < n; i++) {
		cr_assert_eq(applog_write_lines(la, pair, 2), 0);
		cr_assert_eq(applog_write(lb, pair[0].level, pair[0].msg), 0);
		cr_assert_eq(applog_write(lb, pair[1].level, pair[1].msg), 0);
	}
	applog_close(la);
	applog_close(lb);
	for (i = 0; i < MAXFILES; i++) {
		char *pa = sibling(a, i), *pb = sibling(b, i);

		cr_expect_eq(size_of(pa), size_of(pb), "%s: %lld vs %lld "
		    "(maxbytes %lld)", pa, size_of(pa), size_of(pb), maxbytes);
		free(pa);
		free(pb);
	}
	free(a);
	free(b);
}

Test(applog, write_lines_rolls_over_where_single_lines_would)
{
	long long d = line_len(MSG_DEBUG, pair[0].msg);
	long long i = line_len(MSG_INFO, pair[1].msg);

	check_pairs_like_single_lines(0, 7);
	check_pairs_like_single_lines(d + i, 7);	/* between the pair */
	check_pairs_like_single_lines(d + i + 1, 7);
	check_pairs_like_single_lines(2 * (d + i) + d, 7);
	check_pairs_like_single_lines(d, 7);		/* every line alone */
}

Test(applog, write_lines_keeps_each_line_whole_and_in_order)
{
	char *path = tu_path(dir, "mon.log"), *text, *dbg, *inf;
	struct applog *al = open_log(path, 0, 0, APPLOG_DEBUG);

	cr_assert_eq(applog_write_lines(al, pair, 2), 0);
	applog_close(al);
	text = tu_read_file(path, NULL);
	dbg = strstr(text, " - mond - DEBUG - Home page accessed at DEBUG level\n");
	inf = strstr(text, " - mond - INFO - Home page accessed at INFO level\n");
	cr_assert(dbg != NULL && inf != NULL && dbg < inf, "%s", text);
	cr_assert_eq(tu_count_lines(path, " - mond - "), 2);
	free(text);
	free(path);
}

Test(applog, write_lines_at_level_info_writes_the_info_line_only)
{
	char *path = tu_path(dir, "mon.log");
	struct applog *al = open_log(path, 0, 0, APPLOG_INFO);

	cr_assert_eq(applog_write_lines(al, pair, 2), 0);
	applog_close(al);
	cr_assert_eq(tu_count_lines(path, "DEBUG"), 0);
	cr_assert_eq(tu_count_lines(path, "INFO level"), 1);
	free(path);
}

Test(applog, a_rollover_with_many_backups_shifts_every_one_present)
{
	char *path = tu_path(dir, "mon.log"), *p;
	struct applog *al;
	int i;
	static const int present[] = { 1, 2, 15, 19, 20 };

	tu_write_file(path, "x\n");
	for (i = 0; i < 5; i++) {
		char body[16];

		p = sibling(path, present[i]);
		snprintf(body, sizeof(body), "was %d\n", present[i]);
		tu_write_file(p, body);
		free(p);
	}
	al = open_log(path, 3, 20, APPLOG_DEBUG);
	cr_assert_eq(applog_write(al, MSG_INFO, "line"), 0);	/* rolls */
	applog_close(al);
	/* .1 -> .2 -> .3, .15 -> .16, .19 -> .20 (the old .20 goes). */
	static const struct { int i; const char *text; } want[] = {
		{ 1, "x\n" }, { 2, "was 1\n" }, { 3, "was 2\n" },
		{ 16, "was 15\n" }, { 20, "was 19\n" },
		{ 15, NULL }, { 19, NULL }, { 21, NULL },
	};
	for (i = 0; i < (int)(sizeof(want) / sizeof(want[0])); i++) {
		char *text;

		p = sibling(path, want[i].i);
		text = tu_read_file(p, NULL);
		if (want[i].text == NULL)
			cr_expect_null(text, "%s exists", p);
		else
			cr_expect(text != NULL && strcmp(text, want[i].text) == 0,
			    "%s: %s", p, text ? text : "(missing)");
		free(text);
		free(p);
	}
	free(path);
}

/* Writes N lines from a thread running as nobody (euid 65534) alone. */
struct as_nobody {
	struct applog	*al;
	int		 n;
	int		 switched;
};

static void *
write_as_nobody(void *arg)
{
	struct as_nobody *a = arg;
	int i;

	/* The raw call changes this thread only, as su.c does. */
	if (syscall(SYS_setresuid, -1, 65534, -1) == -1)
		return NULL;
	a->switched = 1;
	for (i = 0; i < a->n; i++)
		applog_write(a->al, MSG_INFO, "as nobody");
	if (syscall(SYS_setresuid, -1, 0, -1) == -1)
		abort();
	return NULL;
}

static void
run_as_nobody(struct applog *al, int n)
{
	struct as_nobody a = { al, n, 0 };
	pthread_t t;

	cr_assert_eq(pthread_create(&t, NULL, write_as_nobody, &a), 0);
	cr_assert_eq(pthread_join(t, NULL), 0);
	cr_assert(a.switched, "setresuid: cannot become nobody");
}

Test(applog, a_su_thread_neither_rolls_over_nor_recreates_mon_log)
{
	char *sub = tu_path(dir, "d"), *path, *one;
	struct applog *al;
	struct stat st;

	if (geteuid() != 0)
		cr_skip_test("needs root: switches a thread to nobody");
	/* Where nobody could create and rename, were it allowed to. */
	cr_assert_eq(chmod(dir, 0755), 0);
	cr_assert_eq(mkdir(sub, 0777), 0);
	cr_assert_eq(chmod(sub, 0777), 0);
	path = tu_path(sub, "mon.log");
	one = sibling(path, 1);
	al = open_log(path, 200, 2, APPLOG_INFO);
	cr_assert_eq(applog_write(al, MSG_INFO, "as root"), 0);

	run_as_nobody(al, 20);
	cr_assert_not(tu_exists(one), "a su thread rolled mon.log over");
	cr_assert_eq(tu_count_lines(path, "as nobody"), 20);
	cr_assert_eq(applog_write(al, MSG_INFO, "as root"), 0);
	cr_assert(tu_exists(one), "root did not roll over past maxbytes");

	cr_assert_eq(unlink(path), 0);
	wait_identity_check();
	run_as_nobody(al, 1);
	cr_assert_not(tu_exists(path), "a su thread recreated mon.log");
	cr_assert_eq(applog_write(al, MSG_INFO, "as root"), 0);
	cr_assert_eq(stat(path, &st), 0, "root did not reopen mon.log");
	cr_assert_eq(st.st_uid, 0);
	applog_close(al);
	free(one);
	free(path);
	free(sub);
}
