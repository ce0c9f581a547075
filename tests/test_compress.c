/*
 * test_compress.c: gzip output checked by the system's gzip and by zlib's
 * gzread, at chunk and block boundaries, levels 1/6/9, with 1, 2 and 4
 * threads, the trailer's CRC and ISIZE checked; attributes carried over;
 * and the crash-safety contract: a failed write (file size limit, full
 * file system) leaves the source, no temporary and no thread; an existing
 * target is never replaced. The one-pass copytruncate is test_compress_ct.
 * No .timeout here: criterion's timeout bookkeeping leaks (48 bytes, seen
 * by ASan) when several timed tests overlap; meson's 300 s guards a hang.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "engine/compress.h"
#include "engine/compress_par.h"
#include "engine/durable.h"
#include "util/fsutil.h"
#include "tests/priotest.h"
#include "tests/testutil.h"

TestSuite(compress, .init = tu_dirfd_init, .fini = tu_fini);

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
	fd = open(tu_at(name), O_WRONLY | O_CREAT | O_TRUNC, 0644);
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

	snprintf(cmd, sizeof(cmd), "gzip -t '%s'", tu_at(name));
	cr_assert_eq(system(cmd), 0, "gzip -t failed on %s", name);
	snprintf(cmd, sizeof(cmd), "gzip -dc '%s'", tu_at(name));
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
	gzFile g = gzopen(tu_at(name), "rb");
	char *got = malloc(len + 2);
	int n;

	cr_assert_not_null(g);
	n = gzread(g, got, (unsigned)len + 1);
	cr_assert_eq(n, (int)len, "gzread %d, want %zu", n, len);
	cr_assert_eq(memcmp(got, want, len), 0);
	cr_assert_eq(gzclose(g), Z_OK);
	free(got);
}

/* The trailer: CRC-32 and ISIZE (little-endian) of WANT, as zlib computes. */
static void
check_trailer(const char *name, const char *want, size_t len)
{
	unsigned char t[8];
	uint32_t crc, isize;
	int fd;

	fd = open(tu_at(name), O_RDONLY);
	cr_assert_geq(fd, 0);
	cr_assert_eq(pread(fd, t, 8, lseek(fd, 0, SEEK_END) - 8), 8);
	close(fd);
	crc = (uint32_t)t[0] | (uint32_t)t[1] << 8 | (uint32_t)t[2] << 16 |
	    (uint32_t)t[3] << 24;
	isize = (uint32_t)t[4] | (uint32_t)t[5] << 8 | (uint32_t)t[6] << 16 |
	    (uint32_t)t[7] << 24;
	cr_assert_eq(crc, (uint32_t)crc32(0, (const Bytef *)want, (uInt)len),
	    "%s: trailer CRC %#x", name, crc);
	cr_assert_eq(isize, (uint32_t)len, "%s: ISIZE %u, want %zu", name,
	    isize, len);
}

static void
round_trip_t(size_t len, int level, int threads, bool random)
{
	struct compress_opts o = { .level = level, .threads = threads };
	char *want = make_log("a.log.1", len, random);

	cr_assert_eq(compress_file(tu_dirfd, "a.log.1", tu_dirfd, "a.log.1.gz",
	    &o), 0, "len %zu level %d threads %d: %s", len, level, threads,
	    strerror(errno));
	cr_assert(!tu_exists(tu_at("a.log.1")), "source not removed");
	cr_assert(!tu_exists(tu_at(".a.log.1.gz.mond-tmp")));
	check_gzip_tool("a.log.1.gz", want, len);
	check_gzread("a.log.1.gz", want, len);
	check_trailer("a.log.1.gz", want, len);
	cr_assert_eq(unlink(tu_at("a.log.1.gz")), 0);
	free(want);
}

static void
round_trip(size_t len, int level, bool random)
{
	round_trip_t(len, level, 1, random);
}

Test(compress, empty_and_one_byte)
{
	round_trip(0, 6, false);
	round_trip(1, 6, false);
	round_trip(1, 1, true);
}

Test(compress, chunk_boundaries)
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

Test(compress, megabytes_of_log_at_levels_1_6_9)
{
	round_trip(5 * 1024 * 1024 + 3, 1, false);
	round_trip(5 * 1024 * 1024 + 3, 6, false);
	round_trip(5 * 1024 * 1024 + 3, 9, false);
}

Test(compress, level_changes_output)
{
	struct compress_opts fast = { .level = 1, .threads = 1 };
	struct compress_opts best = { .level = 9, .threads = 1 };
	struct stat a, b;

	free(make_log("x", 2 * 1024 * 1024, false));
	cr_assert_eq(compress_file(tu_dirfd, "x", tu_dirfd, "x1.gz", &fast), 0);
	free(make_log("x", 2 * 1024 * 1024, false));
	cr_assert_eq(compress_file(tu_dirfd, "x", tu_dirfd, "x9.gz", &best), 0);
	cr_assert_eq(stat(tu_at("x1.gz"), &a), 0);
	cr_assert_eq(stat(tu_at("x9.gz"), &b), 0);
	cr_assert_lt(b.st_size, a.st_size, "level 9 %jd >= level 1 %jd",
	    (intmax_t)b.st_size, (intmax_t)a.st_size);
}

/*
 * The header gzip writes for the file logrotate puts on its stdin: no
 * name, the file's mtime (what `gunzip -N` restores); one stream or
 * parallel blocks alike.
 */
static void
check_header(int threads)
{
	struct timespec ts[2] = { { 1500000000, 0 }, { 1600000000, 0 } };
	struct compress_opts o = { .level = 6, .threads = threads };
	unsigned char h[10];
	uint32_t mtime;
	int fd;

	free(make_log("a.log.1", 300000, false));
	cr_assert_eq(utimensat(tu_dirfd, "a.log.1", ts, 0), 0);
	cr_assert_eq(compress_file(tu_dirfd, "a.log.1", tu_dirfd, "a.log.1.gz",
	    &o), 0);
	fd = open(tu_at("a.log.1.gz"), O_RDONLY);
	cr_assert_eq(read(fd, h, sizeof(h)), (ssize_t)sizeof(h));
	close(fd);
	cr_assert(h[0] == 0x1f && h[1] == 0x8b && h[2] == 8);
	cr_assert_eq(h[3], 0, "FLG %#x: no name, no extras", h[3]);
	mtime = (uint32_t)h[4] | (uint32_t)h[5] << 8 | (uint32_t)h[6] << 16 |
	    (uint32_t)h[7] << 24;
	cr_assert_eq(mtime, 1600000000u, "MTIME %u, not the source's",
	    (unsigned)mtime);
	cr_assert_eq(h[9], 3, "OS %u, not unix", h[9]);
}

Test(compress, header_has_no_name_and_the_sources_mtime)
{
	check_header(1);
}

Test(compress, parallel_header_has_no_name_and_the_sources_mtime)
{
	check_header(2);
}

Test(compress, keeps_mode_owner_and_mtime)
{
	struct timespec ts[2] = { { 1500000000, 0 }, { 1600000000, 123456789 } };
	struct stat st;
	bool root = geteuid() == 0;

	free(make_log("a.log.1", 5000, false));
	cr_assert_eq(chmod(tu_at("a.log.1"), 0604), 0);
	cr_assert_eq(utimensat(AT_FDCWD, tu_at("a.log.1"), ts, 0), 0);
	if (root)
		cr_assert_eq(chown(tu_at("a.log.1"), 4321, 4322), 0);
	cr_assert_eq(compress_file(tu_dirfd, "a.log.1", tu_dirfd, "a.log.1.gz",
	    NULL), 0, "%s", strerror(errno));
	cr_assert_eq(stat(tu_at("a.log.1.gz"), &st), 0);
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
	tu_write_file(tu_at("a.log.1.gz"), "older archive");
	cr_assert_eq(compress_file(tu_dirfd, "a.log.1", tu_dirfd, "a.log.1.gz",
	    NULL), -1);
	cr_assert_eq(errno, EEXIST);
	cr_assert(tu_exists(tu_at("a.log.1")));
	tu_assert_file(tu_at("a.log.1.gz"), "older archive");
}

/*
 * Killed between the .gz's rename and the source's unlink, the next try
 * finds both; the .gz holds the source's bytes (or their start, had the
 * source grown), so it is made again and the source goes: the stuck
 * "File exists" the crash stress once hit with delaycompress.
 */
Test(compress, a_gz_of_the_source_or_its_start_is_made_again)
{
	char *want = make_log("a.log.1", 5000, false);
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "head -c 3000 '%s' | gzip -c > '%s' && "
	    "gzip -c '%s' > '%s'", tu_at("a.log.1"), tu_at("b.gz"),
	    tu_at("a.log.1"), tu_at("a.log.1.gz"));
	cr_assert_eq(system(cmd), 0);
	cr_assert_eq(compress_file(tu_dirfd, "a.log.1", tu_dirfd, "a.log.1.gz",
	    NULL), 0, "whole: %s", strerror(errno));
	cr_assert(!tu_exists(tu_at("a.log.1")));
	check_gzip_tool("a.log.1.gz", want, 5000);
	free(want);

	want = make_log("a.log.1", 5000, false);
	cr_assert_eq(renameat(tu_dirfd, "b.gz", tu_dirfd, "a.log.1.gz"), 0);
	cr_assert_eq(compress_file(tu_dirfd, "a.log.1", tu_dirfd, "a.log.1.gz",
	    NULL), 0, "start: %s", strerror(errno));
	cr_assert(!tu_exists(tu_at("a.log.1")));
	check_gzip_tool("a.log.1.gz", want, 5000);
	free(want);
}

Test(compress, symlinked_source_is_refused)
{
	free(make_log("real", 100, false));
	cr_assert_eq(symlink(tu_at("real"), tu_at("a.log.1")), 0);
	cr_assert_eq(compress_file(tu_dirfd, "a.log.1", tu_dirfd, "a.log.1.gz",
	    NULL), -1);
	cr_assert_eq(errno, ELOOP);
	cr_assert(tu_exists(tu_at("real")));
	cr_assert(!tu_exists(tu_at("a.log.1.gz")));
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
		if (compress_file(tu_dirfd, "a.log.1", tu_dirfd, "a.log.1.gz",
		    NULL) == 0)
			_exit(3);
		_exit(errno == EFBIG ? 0 : 4);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status), "child died");
	cr_assert_eq(WEXITSTATUS(status), 0, "child exit %d",
	    WEXITSTATUS(status));
	char *got = tu_read_file(tu_at("a.log.1"), &len);
	cr_assert_not_null(got, "source removed");
	cr_assert_eq(len, 1024 * 1024);
	cr_assert_eq(memcmp(got, want, len), 0);
	free(got);
	free(want);
	cr_assert(!tu_exists(tu_at("a.log.1.gz")));
	cr_assert(!tu_exists(tu_at(".a.log.1.gz.mond-tmp")));
}

Test(compress, stale_temp_is_replaced_and_cleaned)
{
	tu_write_file(tu_at(".a.log.1.gz.mond-tmp"), "left by a crash");
	tu_write_file(tu_at(".b.log.1.gz.mond-tmp"), "left by a crash");
	free(make_log("a.log.1", 100, false));
	cr_assert_eq(compress_file(tu_dirfd, "a.log.1", tu_dirfd, "a.log.1.gz",
	    NULL), 0);
	cr_assert(!tu_exists(tu_at(".a.log.1.gz.mond-tmp")));
	cr_assert_eq(durable_clean_temps(tu_dirfd), 1);
	cr_assert(!tu_exists(tu_at(".b.log.1.gz.mond-tmp")));
	cr_assert(tu_exists(tu_at("a.log.1.gz")));
}

Test(compress, from_open_fd_keeps_source)
{
	char *want = make_log("live", 300000, false);
	struct stat st;
	off_t consumed = 0;
	int fd;

	fd = open(tu_at("live"), O_RDONLY);
	cr_assert_eq(fstat(fd, &st), 0);
	cr_assert_eq(compress_fd(fd, &st, tu_dirfd, "live.1.gz", NULL,
	    &consumed), 0, "%s", strerror(errno));
	close(fd);
	cr_assert_eq(consumed, 300000);
	cr_assert(tu_exists(tu_at("live")));
	check_gzread("live.1.gz", want, 300000);
	free(want);
}

Test(compress, other_directory_target)
{
	char *want = make_log("a.log.1", 4000, false);
	int odfd;

	cr_assert_eq(mkdir(tu_at("old"), 0755), 0);
	odfd = fs_open_dirat(tu_dirfd, "old");
	cr_assert_geq(odfd, 0);
	cr_assert_eq(compress_file(tu_dirfd, "a.log.1", odfd, "a.log.1.gz",
	    NULL), 0);
	close(odfd);
	cr_assert(!tu_exists(tu_at("a.log.1")));
	check_gzread("old/a.log.1.gz", want, 4000);
	free(want);
}

/*
 * The parallel path against the same readers: empty, one byte, one block
 * exactly, one block +/- 1, several blocks and many, at levels 1, 6, 9.
 * Noise exercises stored blocks (no compression gain) across boundaries.
 */
static void
block_matrix(int threads)
{
	size_t b = compress_par_block();
	const size_t sizes[] = {
		0, 1, b - 1, b, b + 1, 3 * b, 3 * b + 17, 9 * b + 4097,
	};
	static const int levels[] = { 1, 6, 9 };
	size_t i, l;

	for (l = 0; l < 3; l++)
		for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
			round_trip_t(sizes[i], levels[l], threads, false);
	round_trip_t(b + 1, 6, threads, true);
	round_trip_t(3 * b, 1, threads, true);
}

Test(compress, blocks_one_thread)
{
	block_matrix(1);
}

Test(compress, blocks_two_threads)
{
	block_matrix(2);
}

Test(compress, blocks_four_threads)
{
	block_matrix(4);
}

Test(compress, zero_threads_means_online_cpus)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	cr_assert_eq(compress_par_threads(0), n > COMPRESS_MAX_THREADS ?
	    COMPRESS_MAX_THREADS : n);
	cr_assert_eq(compress_par_threads(1), 1);
	cr_assert_eq(compress_par_threads(3), 3);
	cr_assert_eq(compress_par_threads(1000), COMPRESS_MAX_THREADS);
	round_trip_t(2 * compress_par_block() + 5, 6, 0, false);
}

/* Priming each block with the previous 32 KiB keeps a single stream's ratio. */
Test(compress, parallel_ratio_within_one_percent)
{
	struct compress_opts one = { .level = 6, .threads = 1 };
	struct compress_opts four = { .level = 6, .threads = 4 };
	struct stat a, b;

	free(make_log("x", 16 * 1024 * 1024, false));
	cr_assert_eq(compress_file(tu_dirfd, "x", tu_dirfd, "x1.gz", &one), 0);
	free(make_log("x", 16 * 1024 * 1024, false));
	cr_assert_eq(compress_file(tu_dirfd, "x", tu_dirfd, "x4.gz", &four), 0);
	cr_assert_eq(stat(tu_at("x1.gz"), &a), 0);
	cr_assert_eq(stat(tu_at("x4.gz"), &b), 0);
	cr_assert_leq(b.st_size, a.st_size + a.st_size / 100,
	    "4 threads %jd vs 1 thread %jd", (intmax_t)b.st_size,
	    (intmax_t)a.st_size);
}

static int
count_tasks(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/*
 * In a child limited to 64 KiB files, compression with THREADS fails with
 * EFBIG; the source must be intact, no temporary left, no thread alive.
 */
static void
write_error_case(int threads)
{
	struct compress_opts o = { .level = 6, .threads = threads };
	char *want = make_log("a.log.1", 3 * 1024 * 1024, true), *got;
	size_t len;
	int status;
	pid_t pid;

	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		struct rlimit rl = { 65536, 65536 };
		signal(SIGXFSZ, SIG_IGN);
		if (setrlimit(RLIMIT_FSIZE, &rl) == -1)
			_exit(2);
		if (compress_file(tu_dirfd, "a.log.1", tu_dirfd, "a.log.1.gz",
		    &o) == 0)
			_exit(3);
		if (errno != EFBIG)
			_exit(4);
		_exit(count_tasks() == 1 ? 0 : 5);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status), "child died");
	cr_assert_eq(WEXITSTATUS(status), 0, "threads %d: child exit %d "
	    "(3 ok, 4 errno, 5 threads left)", threads, WEXITSTATUS(status));
	got = tu_read_file(tu_at("a.log.1"), &len);
	cr_assert_not_null(got, "source removed");
	cr_assert_eq(len, 3 * 1024 * 1024);
	cr_assert_eq(memcmp(got, want, len), 0);
	free(got);
	free(want);
	cr_assert(!tu_exists(tu_at("a.log.1.gz")));
	cr_assert(!tu_exists(tu_at(".a.log.1.gz.mond-tmp")));
}

Test(compress, write_error_parallel_leaves_source_no_temp_no_thread)
{
	write_error_case(2);
	write_error_case(4);
	write_error_case(1);
}

/* A full file system (a 256 KiB tmpfs) fails with ENOSPC the same way. */
Test(compress, full_tmpfs_leaves_source_and_no_temp)
{
	struct compress_opts o = { .level = 6, .threads = 2 };
	char *want, *mnt, *got;
	size_t len;
	int mfd, rc, save;

	if (geteuid() != 0)
		cr_skip_test("needs root: mounts a tmpfs");
	mnt = tu_path(tu_dir, "full");
	cr_assert_eq(mkdir(mnt, 0755), 0);
	if (mount("mond-test", mnt, "tmpfs", 0, "size=256k") == -1)
		cr_skip_test("cannot mount tmpfs: %s", strerror(errno));
	want = make_log("a.log.1", 2 * 1024 * 1024, true);
	mfd = fs_open_dir(mnt);
	cr_assert_geq(mfd, 0);
	rc = compress_file(tu_dirfd, "a.log.1", mfd, "a.log.1.gz", &o);
	save = errno;
	cr_assert(!tu_exists(tu_at("full/a.log.1.gz")));
	cr_assert(!tu_exists(tu_at("full/.a.log.1.gz.mond-tmp")));
	close(mfd);
	umount(mnt);
	free(mnt);
	cr_assert_eq(rc, -1);
	cr_assert_eq(save, ENOSPC, "%s", strerror(save));
	got = tu_read_file(tu_at("a.log.1"), &len);
	cr_assert_not_null(got, "source removed");
	cr_assert_eq(len, 2 * 1024 * 1024);
	cr_assert_eq(memcmp(got, want, len), 0);
	free(got);
	free(want);
}

/* Memory stays bounded whatever the size: 64 MiB through 4 threads. */
Test(compress, peak_rss_is_bounded)
{
	struct compress_opts o = { .level = 6, .threads = 4 };
	struct rusage before, after;
	int status;
	pid_t pid;

	free(make_log("big", 64 * 1024 * 1024, false));
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		getrusage(RUSAGE_SELF, &before);
		if (compress_file(tu_dirfd, "big", tu_dirfd, "big.gz",
		    &o) == -1)
			_exit(2);
		getrusage(RUSAGE_SELF, &after);
		/* ru_maxrss is in KiB; the fork inherits our pages too. */
		_exit(after.ru_maxrss - before.ru_maxrss < 24 * 1024 ? 0 : 1);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status));
	cr_assert_eq(WEXITSTATUS(status), 0, "exit %d: 1 = RSS grew by 24 MiB "
	    "or more", WEXITSTATUS(status));
}

/* LEN bytes of varied log lines: slow for deflate -9 (~20 ms a block). */
static char *
make_slow_text(const char *name, size_t len)
{
	char *buf = malloc(len + 1);
	unsigned long long x = 88172645463325252ULL;
	size_t n = 0;
	int fd;

	cr_assert_not_null(buf);
	while (n < len) {
		int k;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		k = snprintf(buf + n, len + 1 - n, "2026-11-25 12:00:%02u host "
		    "app[%llu]: request %llx served in %llu ms\n",
		    (unsigned)(x % 60), x % 65536, x, x % 997);
		cr_assert_gt(k, 0);
		n += (size_t)k > len - n ? len - n : (size_t)k;
	}
	fd = open(tu_at(name), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, buf, len), (ssize_t)len);
	cr_assert_eq(close(fd), 0);
	return buf;
}

/*
 * With every CPU taken by threads at nice 0, SCHED_IDLE workers get
 * almost nothing; the compression must notice and raise them to nice 10
 * instead of crawling for minutes (their state is read before free joins
 * them: after finish they wait for work, still alive).
 */
Test(compress, starved_workers_leave_sched_idle, .timeout = 120)
{
	const size_t len = 4u << 20;
	char *path = tu_path(tu_dir, "out.gz"), *text;
	struct compress_par *cp;
	off_t off = 0, total;
	int ifd, ofd;

	if (!pt_can_leave_idle())
		cr_skip_test("no CAP_SYS_NICE: SCHED_IDLE cannot be left");
	text = make_slow_text("in.txt", len);
	cr_assert_neq(ifd = open(tu_at("in.txt"), O_RDONLY | O_CLOEXEC), -1);
	cr_assert_neq(ofd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600), -1);
	/* a nice-0 spinner on this thread's one CPU, the workers' too */
	pt_crowd_start();
	cr_assert_not_null(cp = compress_par_open(ofd, 9, 2, 0));
	cr_assert_eq(compress_par_feed(cp, ifd, &off, -1), 0);
	cr_assert_eq(compress_par_finish(cp, &total), 0);
	pt_crowd_stop();
	cr_assert_eq(pt_tasks_under(SCHED_OTHER, 10), 2,
	    "the starved workers were not raised to SCHED_OTHER at nice 10");
	cr_assert_eq(pt_tasks_under(SCHED_IDLE, 10), 0);
	compress_par_free(cp);
	cr_assert_eq(total, (off_t)len);
	cr_assert_eq(close(ofd), 0);
	cr_assert_eq(close(ifd), 0);
	check_gzread("out.gz", text, len);
	free(text);
	free(path);
}

/*
 * The pool runs below the loop: nice 10, and SCHED_IDLE too where this
 * process could raise it out again (root); the calling thread keeps its
 * priority.
 */
Test(compress, workers_run_below_the_loop)
{
	char *path = tu_path(tu_dir, "out.gz");
	struct compress_par *cp;
	bool can_unidle = pt_can_leave_idle();
	int fd, found = 0, policy;

	policy = can_unidle ? SCHED_IDLE : SCHED_OTHER;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	cr_assert_neq(fd, -1);
	cr_assert_not_null(cp = compress_par_open(fd, 6, 2, 0));
	for (int i = 0; i < 100 && found < 2; i++) {
		usleep(10000);
		found = pt_tasks_under(policy, 10);
	}
	cr_assert_eq(found, 2, "%d threads at nice 10 under %s", found,
	    can_unidle ? "SCHED_IDLE" : "SCHED_OTHER");
	cr_assert_eq(sched_getscheduler(0), SCHED_OTHER,
	    "the calling thread was demoted too");
	cr_assert_eq(getpriority(PRIO_PROCESS, (id_t)gettid()), 0,
	    "the calling thread was niced too");
	compress_par_free(cp);
	close(fd);
	free(path);
}
