/*
 * test_compress.c: gzip output checked by the system's gzip and by zlib's
 * gzread, at chunk boundaries and levels 1/6/9; attributes carried over;
 * and the crash-safety contract: a failed write leaves the source and no
 * temporary, an existing target is never replaced.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "daemon/compress.h"
#include "daemon/fsutil.h"
#include "tests/testutil.h"

static char *dir;
static int dfd = -1;

static void
setup(void)
{
	dir = tu_tmpdir();
	dfd = fs_open_dir(dir);
	cr_assert_geq(dfd, 0);
}

static void
teardown(void)
{
	if (dfd != -1)
		close(dfd);
	tu_rmtree(dir);
	free(dir);
}

TestSuite(compress, .init = setup, .fini = teardown);

static char *
p(const char *name)
{
	static char buf[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

/* PATH's whole contents equal WANT (freed either way). */
static void
assert_file(const char *path, const char *want)
{
	char *got = tu_read_file(path, NULL);

	cr_assert_not_null(got, "%s unreadable", path);
	cr_assert_str_eq(got, want, "%s", path);
	free(got);
}

/* LEN bytes of syslog-like text (or noise when RANDOM), written to NAME. */
static char *
make_log(const char *name, size_t len, bool random)
{
	char *buf = malloc(len + 1), line[256];
	size_t n = 0;
	unsigned seed = 12345;
	int fd, i = 0;

	cr_assert_not_null(buf);
	while (n < len) {
		int k;
		if (random) {
			seed = seed * 1103515245 + 12345;
			buf[n++] = (char)(seed >> 16);
			continue;
		}
		k = snprintf(line, sizeof(line), "Nov 25 23:%02d:%02d host app[%d]: "
		    "request %d from 10.0.%d.%d took %d ms status %d\n",
		    i / 60 % 60, i % 60, 1000 + i % 37, i, i % 256, i * 7 % 256,
		    i * 13 % 997, i % 5 ? 200 : 404);
		i++;
		memcpy(buf + n, line, (size_t)k > len - n ? len - n : (size_t)k);
		n += (size_t)k > len - n ? len - n : (size_t)k;
	}
	fd = open(p(name), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, buf, len), (ssize_t)len);
	close(fd);
	return buf;
}

/* The system gzip must accept NAME and give back exactly WANT. */
static void
check_gzip_tool(const char *name, const char *want, size_t len)
{
	char cmd[1024], *got;
	size_t cap = len + 65536, n = 0, r;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "gzip -t '%s'", p(name));
	cr_assert_eq(system(cmd), 0, "gzip -t failed on %s", name);
	snprintf(cmd, sizeof(cmd), "gzip -dc '%s'", p(name));
	cr_assert_not_null(f = popen(cmd, "r"));
	got = malloc(cap);
	while ((r = fread(got + n, 1, cap - n, f)) > 0)
		n += r;
	cr_assert_eq(pclose(f), 0);
	cr_assert_eq(n, len, "gzip -dc gave %zu bytes, want %zu", n, len);
	cr_assert_eq(memcmp(got, want, len), 0);
	free(got);
}

/* zlib's own reader, in process. */
static void
check_gzread(const char *name, const char *want, size_t len)
{
	gzFile g = gzopen(p(name), "rb");
	char *got = malloc(len + 2);
	int n;

	cr_assert_not_null(g);
	n = gzread(g, got, (unsigned)len + 1);
	cr_assert_eq(n, (int)len, "gzread %d, want %zu", n, len);
	cr_assert_eq(memcmp(got, want, len), 0);
	cr_assert_eq(gzclose(g), Z_OK);
	free(got);
}

static void
round_trip(size_t len, int level, bool random)
{
	struct compress_opts o = { level, 1 };
	char *want = make_log("a.log.1", len, random);

	cr_assert_eq(compress_file(dfd, "a.log.1", dfd, "a.log.1.gz", &o), 0,
	    "len %zu level %d: %s", len, level, strerror(errno));
	cr_assert(!tu_exists(p("a.log.1")), "source not removed");
	cr_assert(!tu_exists(p(".a.log.1.gz.mond-tmp")));
	check_gzip_tool("a.log.1.gz", want, len);
	check_gzread("a.log.1.gz", want, len);
	cr_assert_eq(unlink(p("a.log.1.gz")), 0);
	free(want);
}

Test(compress, empty_and_one_byte)
{
	round_trip(0, 6, false);
	round_trip(1, 6, false);
	round_trip(1, 1, true);
}

Test(compress, chunk_boundaries, .timeout = 60)
{
	static const size_t sizes[] = {
		65535, 65536, 65537, 262143, 262144, 262145, 524288,
	};
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		round_trip(sizes[i], 6, false);
		round_trip(sizes[i], 6, true);
	}
}

Test(compress, megabytes_of_log_at_levels_1_6_9, .timeout = 120)
{
	round_trip(5 * 1024 * 1024 + 3, 1, false);
	round_trip(5 * 1024 * 1024 + 3, 6, false);
	round_trip(5 * 1024 * 1024 + 3, 9, false);
}

Test(compress, level_changes_output)
{
	struct compress_opts fast = { 1, 1 }, best = { 9, 1 };
	struct stat a, b;

	free(make_log("x", 2 * 1024 * 1024, false));
	cr_assert_eq(compress_file(dfd, "x", dfd, "x1.gz", &fast), 0);
	free(make_log("x", 2 * 1024 * 1024, false));
	cr_assert_eq(compress_file(dfd, "x", dfd, "x9.gz", &best), 0);
	cr_assert_eq(stat(p("x1.gz"), &a), 0);
	cr_assert_eq(stat(p("x9.gz"), &b), 0);
	cr_assert_lt(b.st_size, a.st_size, "level 9 %jd >= level 1 %jd",
	    (intmax_t)b.st_size, (intmax_t)a.st_size);
}

Test(compress, header_has_no_name)
{
	unsigned char h[10];
	int fd;

	free(make_log("a.log.1", 1000, false));
	cr_assert_eq(compress_file(dfd, "a.log.1", dfd, "a.log.1.gz", NULL), 0);
	fd = open(p("a.log.1.gz"), O_RDONLY);
	cr_assert_eq(read(fd, h, sizeof(h)), (ssize_t)sizeof(h));
	close(fd);
	cr_assert(h[0] == 0x1f && h[1] == 0x8b && h[2] == 8);
	cr_assert_eq(h[3], 0, "FLG %#x: no name, no extras", h[3]);
}

Test(compress, keeps_mode_owner_and_mtime)
{
	struct timespec ts[2] = { { 1500000000, 0 }, { 1600000000, 123456789 } };
	struct stat st;
	bool root = geteuid() == 0;

	free(make_log("a.log.1", 5000, false));
	cr_assert_eq(chmod(p("a.log.1"), 0604), 0);
	cr_assert_eq(utimensat(AT_FDCWD, p("a.log.1"), ts, 0), 0);
	if (root)
		cr_assert_eq(chown(p("a.log.1"), 4321, 4322), 0);
	cr_assert_eq(compress_file(dfd, "a.log.1", dfd, "a.log.1.gz", NULL), 0,
	    "%s", strerror(errno));
	cr_assert_eq(stat(p("a.log.1.gz"), &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0604, "mode %o", st.st_mode & 07777);
	cr_assert_eq(st.st_mtim.tv_sec, 1600000000);
	cr_assert_eq(st.st_mtim.tv_nsec, 123456789);
	if (!root)
		cr_skip_test("needs root: owner part");
	cr_assert_eq(st.st_uid, 4321);
	cr_assert_eq(st.st_gid, 4322);
}

Test(compress, existing_target_is_never_replaced)
{
	free(make_log("a.log.1", 100, false));
	tu_write_file(p("a.log.1.gz"), "older archive");
	cr_assert_eq(compress_file(dfd, "a.log.1", dfd, "a.log.1.gz", NULL), -1);
	cr_assert_eq(errno, EEXIST);
	cr_assert(tu_exists(p("a.log.1")));
	assert_file(p("a.log.1.gz"), "older archive");
}

Test(compress, symlinked_source_is_refused)
{
	free(make_log("real", 100, false));
	cr_assert_eq(symlink(p("real"), p("a.log.1")), 0);
	cr_assert_eq(compress_file(dfd, "a.log.1", dfd, "a.log.1.gz", NULL), -1);
	cr_assert_eq(errno, ELOOP);
	cr_assert(tu_exists(p("real")));
	cr_assert(!tu_exists(p("a.log.1.gz")));
}

Test(compress, write_error_leaves_source_and_no_temp)
{
	char *want = make_log("a.log.1", 1024 * 1024, true);
	size_t len;
	int status;
	pid_t pid;

	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		/* Writes past 64 KiB fail with EFBIG instead of killing us. */
		struct rlimit rl = { 65536, 65536 };
		signal(SIGXFSZ, SIG_IGN);
		if (setrlimit(RLIMIT_FSIZE, &rl) == -1)
			_exit(2);
		if (compress_file(dfd, "a.log.1", dfd, "a.log.1.gz", NULL) == 0)
			_exit(3);
		_exit(errno == EFBIG ? 0 : 4);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status), "child died");
	cr_assert_eq(WEXITSTATUS(status), 0, "child exit %d",
	    WEXITSTATUS(status));
	char *got = tu_read_file(p("a.log.1"), &len);
	cr_assert_not_null(got, "source removed");
	cr_assert_eq(len, 1024 * 1024);
	cr_assert_eq(memcmp(got, want, len), 0);
	free(got);
	free(want);
	cr_assert(!tu_exists(p("a.log.1.gz")));
	cr_assert(!tu_exists(p(".a.log.1.gz.mond-tmp")));
}

Test(compress, stale_temp_is_replaced_and_cleaned)
{
	tu_write_file(p(".a.log.1.gz.mond-tmp"), "left by a crash");
	tu_write_file(p(".b.log.1.gz.mond-tmp"), "left by a crash");
	free(make_log("a.log.1", 100, false));
	cr_assert_eq(compress_file(dfd, "a.log.1", dfd, "a.log.1.gz", NULL), 0);
	cr_assert(!tu_exists(p(".a.log.1.gz.mond-tmp")));
	cr_assert_eq(compress_clean_temps(dfd), 1);
	cr_assert(!tu_exists(p(".b.log.1.gz.mond-tmp")));
	cr_assert(tu_exists(p("a.log.1.gz")));
}

Test(compress, from_open_fd_keeps_source)
{
	char *want = make_log("live", 300000, false);
	struct stat st;
	off_t consumed = 0;
	int fd;

	fd = open(p("live"), O_RDONLY);
	cr_assert_eq(fstat(fd, &st), 0);
	cr_assert_eq(compress_fd(fd, &st, dfd, "live.1.gz", NULL, &consumed),
	    0, "%s", strerror(errno));
	close(fd);
	cr_assert_eq(consumed, 300000);
	cr_assert(tu_exists(p("live")));
	check_gzread("live.1.gz", want, 300000);
	free(want);
}

Test(compress, other_directory_target)
{
	char *want = make_log("a.log.1", 4000, false);
	int odfd;

	cr_assert_eq(mkdir(p("old"), 0755), 0);
	odfd = fs_open_dirat(dfd, "old");
	cr_assert_geq(odfd, 0);
	cr_assert_eq(compress_file(dfd, "a.log.1", odfd, "a.log.1.gz", NULL), 0);
	close(odfd);
	cr_assert(!tu_exists(p("a.log.1")));
	check_gzread("old/a.log.1.gz", want, 4000);
	free(want);
}
