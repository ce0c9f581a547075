/*
 * test_compress_zstd.c: zstd in process. Every output is checked by the
 * system's zstd (`zstd -t`, `zstd -dc`), not by mond's own reader: sizes
 * around libzstd's job boundaries, levels, one stream and worker threads;
 * attributes carried over; the crash-safety contract as for gzip (a full
 * file system leaves the source, no temporary and no thread; an existing
 * .zst that is not the source's is kept; one that is, from a compression
 * killed after its rename, is made again); the workers' priority and the
 * starvation guard; copytruncate in one read.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/compress.h"
#include "engine/compress_zstd.h"
#include "engine/fscopy.h"
#include "util/fsutil.h"
#include "tests/priotest.h"
#include "tests/testutil.h"

TestSuite(compress_zstd, .init = tu_dirfd_init, .fini = tu_fini);

/* LEN bytes of varied log lines (xorshift), written to NAME; returned. */
static char *
make_log(const char *name, size_t len)
{
	char *buf = malloc(len + 1);
	unsigned long long x = 88172645463325252ULL;
	size_t n = 0;
	int fd;

	cr_assert_not_null(buf);
	while (n < len) {
		char line[160];
		int k;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		k = snprintf(line, sizeof(line), "2026-12-03 12:%02u:%02u host "
		    "app[%llu]: GET /item/%llu took %llu ms status %d\n",
		    (unsigned)(x % 60), (unsigned)(x / 60 % 60), x % 4096,
		    x % 100000, x % 997, x % 7 ? 200 : 404);
		memcpy(buf + n, line, (size_t)k > len - n ? len - n : (size_t)k);
		n += (size_t)k > len - n ? len - n : (size_t)k;
	}
	fd = open(tu_at(name), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, buf, len), (ssize_t)len);
	cr_assert_eq(close(fd), 0);
	return buf;
}

/* What `zstd -dc PATH` prints (malloc'd); the tool must exit 0. */
static char *
unzstd(const char *path, size_t *len)
{
	char cmd[PATH_MAX + 64], *buf;
	size_t cap = 1 << 20, n = 0, r;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "zstd -t -q '%s'", path);
	cr_assert_eq(system(cmd), 0, "zstd -t refused %s", path);
	snprintf(cmd, sizeof(cmd), "zstd -dcq '%s'", path);
	cr_assert_not_null(f = popen(cmd, "r"));
	cr_assert_not_null(buf = malloc(cap));
	while ((r = fread(buf + n, 1, cap - n, f)) > 0)
		if ((n += r) == cap)
			cr_assert_not_null(buf = realloc(buf, cap *= 2));
	cr_assert_eq(pclose(f), 0, "zstd -dc failed on %s", path);
	*len = n;
	return buf;
}

static void
check_zstd_tool(const char *name, const char *want, size_t len)
{
	size_t n;
	char *got = unzstd(tu_at(name), &n);

	cr_assert_eq(n, len, "%s: zstd -dc gave %zu bytes, want %zu", name, n,
	    len);
	cr_assert_eq(memcmp(got, want, len), 0, "%s: other bytes", name);
	free(got);
}

static off_t
size_of(const char *name)
{
	struct stat st;

	cr_assert_eq(stat(tu_at(name), &st), 0, "%s: %s", name,
	    strerror(errno));
	return st.st_size;
}

static void
round_trip(size_t len, int level, int threads)
{
	struct compress_opts o = { .level = level, .threads = threads,
	    .kind = COMPRESS_ZSTD };
	char *want = make_log("a.log.1", len);

	cr_assert_eq(compress_file(tu_dirfd, "a.log.1", tu_dirfd,
	    "a.log.1.zst", &o), 0, "len %zu level %d threads %d: %s", len,
	    level, threads, strerror(errno));
	cr_assert(!tu_exists(tu_at("a.log.1")), "source not removed");
	cr_assert(!tu_exists(tu_at(".a.log.1.zst.mond-tmp")));
	check_zstd_tool("a.log.1.zst", want, len);
	cr_assert_eq(unlink(tu_at("a.log.1.zst")), 0);
	free(want);
}

Test(compress_zstd, sizes_around_jobs_one_stream_and_workers)
{
	/* 9 MiB: more than one of libzstd's jobs at level 3 (4 MiB) */
	const size_t lens[] = { 0, 1, 131071, 131073, (1 << 20) + 3,
	    (9 << 20) + 1 };
	size_t i;

	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		round_trip(lens[i], 3, 1);
		round_trip(lens[i], 3, 2);
	}
}

Test(compress_zstd, level_is_the_zstd_level)
{
	struct compress_opts fast = { .level = 1, .threads = 1,
	    .kind = COMPRESS_ZSTD };
	struct compress_opts best = { .level = 19, .threads = 1,
	    .kind = COMPRESS_ZSTD };
	char *want = make_log("a", 1 << 20);
	off_t small, big;

	free(make_log("b", 1 << 20));
	cr_assert_eq(compress_file(tu_dirfd, "a", tu_dirfd, "a.zst", &fast), 0);
	cr_assert_eq(compress_file(tu_dirfd, "b", tu_dirfd, "b.zst", &best), 0);
	big = size_of("a.zst");
	small = size_of("b.zst");
	cr_assert_lt(small, big * 9 / 10, "-19 gave %lld bytes, -1 %lld",
	    (long long)small, (long long)big);
	check_zstd_tool("a.zst", want, 1 << 20);
	check_zstd_tool("b.zst", want, 1 << 20);
	free(want);
}

Test(compress_zstd, keeps_mode_owner_and_mtime)
{
	struct compress_opts o = { .kind = COMPRESS_ZSTD };
	struct timespec ts[2] = { { 1000000000, 0 }, { 1500000000, 0 } };
	struct stat st;

	free(make_log("a.log.1", 5000));
	cr_assert_eq(chmod(tu_at("a.log.1"), 0640), 0);
	if (geteuid() == 0)
		cr_assert_eq(chown(tu_at("a.log.1"), 1, 4), 0);
	cr_assert_eq(utimensat(tu_dirfd, "a.log.1", ts, 0), 0);
	cr_assert_eq(compress_file(tu_dirfd, "a.log.1", tu_dirfd,
	    "a.log.1.zst", &o), 0, "%s", strerror(errno));
	cr_assert_eq(stat(tu_at("a.log.1.zst"), &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0640);
	cr_assert_eq(st.st_mtim.tv_sec, 1500000000);
	if (geteuid() == 0) {
		cr_assert_eq(st.st_uid, 1);
		cr_assert_eq(st.st_gid, 4);
	}
}

/*
 * A kill between the .zst's rename and the source's unlink leaves both: a
 * .zst of the whole source, or (copytruncate's catch-up frames) of its
 * start, is ours and is made again; the source goes only then.
 */
Test(compress_zstd, a_zst_of_the_source_or_its_start_is_made_again)
{
	struct compress_opts o = { .kind = COMPRESS_ZSTD };
	char *want = make_log("a.log.1", 50000);
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "head -c 30000 '%s' | zstd -qc > '%s' && "
	    "zstd -qc '%s' > '%s'", tu_at("a.log.1"), tu_at("b.zst"),
	    tu_at("a.log.1"), tu_at("a.log.1.zst"));
	cr_assert_eq(system(cmd), 0);
	cr_assert_eq(compress_file(tu_dirfd, "a.log.1", tu_dirfd,
	    "a.log.1.zst", &o), 0, "whole: %s", strerror(errno));
	cr_assert(!tu_exists(tu_at("a.log.1")));
	check_zstd_tool("a.log.1.zst", want, 50000);
	free(want);

	want = make_log("a.log.1", 50000);
	cr_assert_eq(renameat(tu_dirfd, "b.zst", tu_dirfd, "a.log.1.zst"), 0);
	cr_assert_eq(compress_file(tu_dirfd, "a.log.1", tu_dirfd,
	    "a.log.1.zst", &o), 0, "start: %s", strerror(errno));
	cr_assert(!tu_exists(tu_at("a.log.1")));
	check_zstd_tool("a.log.1.zst", want, 50000);
	free(want);
}

/* A .zst that is another file's, or cut short, is nobody's to replace. */
Test(compress_zstd, a_foreign_or_cut_zst_is_kept)
{
	struct compress_opts o = { .kind = COMPRESS_ZSTD };
	char *want = make_log("a.log.1", 50000), cmd[1024];
	off_t whole;

	snprintf(cmd, sizeof(cmd), "echo other | zstd -qc > '%s'",
	    tu_at("a.log.1.zst"));
	cr_assert_eq(system(cmd), 0);
	cr_assert_eq(compress_file(tu_dirfd, "a.log.1", tu_dirfd,
	    "a.log.1.zst", &o), -1);
	cr_assert_eq(errno, EEXIST, "%s", strerror(errno));
	check_zstd_tool("a.log.1.zst", "other\n", 6);

	snprintf(cmd, sizeof(cmd), "zstd -qfc '%s' > '%s'", tu_at("a.log.1"),
	    tu_at("a.log.1.zst"));
	cr_assert_eq(system(cmd), 0);
	whole = size_of("a.log.1.zst");
	cr_assert_eq(truncate(tu_at("a.log.1.zst"), whole - 9), 0);
	cr_assert_eq(compress_file(tu_dirfd, "a.log.1", tu_dirfd,
	    "a.log.1.zst", &o), -1);
	cr_assert_eq(errno, EEXIST, "%s", strerror(errno));
	cr_assert_eq(size_of("a.log.1.zst"), whole - 9);
	cr_assert_eq(size_of("a.log.1"), 50000, "the source went");
	free(want);
}

static int
count_tasks(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *de;
	int n = 0;

	cr_assert_not_null(d);
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* A full file system (a 256 KiB tmpfs): ENOSPC, and nothing else changes. */
Test(compress_zstd, full_tmpfs_leaves_source_no_temp_no_thread)
{
	struct compress_opts o = { .threads = 2, .kind = COMPRESS_ZSTD };
	char *want, *mnt, *got;
	int mfd, rc, save, tasks;
	size_t len;

	if (geteuid() != 0)
		cr_skip_test("needs root: mounts a tmpfs");
	mnt = tu_path(tu_dir, "full");
	cr_assert_eq(mkdir(mnt, 0755), 0);
	if (mount("mond-test", mnt, "tmpfs", 0, "size=256k") == -1)
		cr_skip_test("cannot mount tmpfs: %s", strerror(errno));
	want = make_log("a.log.1", 16 << 20);
	cr_assert_geq(mfd = fs_open_dir(mnt), 0);
	tasks = count_tasks();
	rc = compress_file(tu_dirfd, "a.log.1", mfd, "a.log.1.zst", &o);
	save = errno;
	cr_assert_eq(count_tasks(), tasks, "a thread outlived the failure");
	cr_assert(!tu_exists(tu_at("full/a.log.1.zst")));
	cr_assert(!tu_exists(tu_at("full/.a.log.1.zst.mond-tmp")));
	close(mfd);
	umount(mnt);
	free(mnt);
	cr_assert_eq(rc, -1);
	cr_assert_eq(save, ENOSPC, "%s", strerror(save));
	got = tu_read_file(tu_at("a.log.1"), &len);
	cr_assert_not_null(got, "source removed");
	cr_assert_eq(len, 16u << 20);
	cr_assert_eq(memcmp(got, want, len), 0);
	free(got);
	free(want);
}

/* copytruncate + compress in one read, both ways, gives a .zst. */
Test(compress_zstd, copytruncate_in_one_read)
{
	struct compress_opts o = { .threads = 2, .kind = COMPRESS_ZSTD };
	const int ways[] = { FS_CT_TRUNCATE, 0 };
	struct fs_ct_result res;
	struct stat st;
	char name[32], *want;
	size_t len;
	int i, live;

	for (i = 0; i < 2; i++) {
		want = make_log("live", (3 << 20) + 100);
		cr_assert_geq(live = open(tu_at("live"), O_RDWR | O_APPEND), 0);
		cr_assert_eq(fstat(live, &st), 0);
		snprintf(name, sizeof(name), "live.%d.zst", i + 1);
		cr_assert_eq(compress_copytruncate(live, &st, tu_dirfd, name,
		    &o, ways[i], &res), 0, "%s", strerror(errno));
		close(live);
		len = (size_t)res.copied;
		cr_assert_eq(res.copied + res.left, (3 << 20) + 100);
		cr_assert_eq(size_of("live"), res.left);
		check_zstd_tool(name, want, len);
		free(want);
	}
}

/* libzstd's workers run as the gzip pool's: nice 10, SCHED_IDLE as root. */
Test(compress_zstd, workers_run_below_the_loop)
{
	char *path = tu_path(tu_dir, "out.zst");
	bool idle = pt_can_leave_idle();
	int policy = idle ? SCHED_IDLE : SCHED_OTHER, fd;
	struct compress_zstd *z;

	cr_assert_neq(fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600), -1);
	cr_assert_not_null(z = compress_zstd_open(fd, 3, 2));
	cr_assert_eq(pt_tasks_under(policy, 10), 2, "%d threads at nice 10 under "
	    "%s", pt_tasks_under(policy, 10), idle ? "SCHED_IDLE" : "SCHED_OTHER");
	cr_assert_eq(sched_getscheduler(0), SCHED_OTHER,
	    "the calling thread was demoted too");
	cr_assert_eq(getpriority(PRIO_PROCESS, (id_t)gettid()), 0,
	    "the calling thread was niced too");
	compress_zstd_free(z);
	cr_assert_eq(pt_tasks_under(policy, 10), 0, "a worker outlived the free");
	close(fd);
	free(path);
}

/*
 * With this thread's one CPU taken by a nice-0 spinner, SCHED_IDLE
 * workers get almost nothing and libzstd's call waits on them: the guard
 * must raise them to SCHED_OTHER at nice 10 (read before free joins them).
 */
Test(compress_zstd, starved_workers_leave_sched_idle)
{
	const size_t len = 8u << 20;
	char *path = tu_path(tu_dir, "out.zst"), *text;
	struct compress_zstd *z;
	off_t off = 0, total;
	int ifd, ofd;

	if (!pt_can_leave_idle())
		cr_skip_test("no CAP_SYS_NICE: SCHED_IDLE cannot be left");
	text = make_log("in.txt", len);
	cr_assert_neq(ifd = open(tu_at("in.txt"), O_RDONLY | O_CLOEXEC), -1);
	cr_assert_neq(ofd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600), -1);
	pt_crowd_start();
	cr_assert_not_null(z = compress_zstd_open(ofd, 9, 2));
	cr_assert_eq(compress_zstd_feed(z, ifd, &off, -1), 0);
	cr_assert_eq(compress_zstd_finish(z, &total), 0);
	pt_crowd_stop();
	cr_assert_eq(pt_tasks_under(SCHED_OTHER, 10), 2,
	    "the starved workers were not raised to SCHED_OTHER at nice 10");
	cr_assert_eq(pt_tasks_under(SCHED_IDLE, 10), 0);
	compress_zstd_free(z);
	cr_assert_eq(total, (off_t)len);
	cr_assert_eq(close(ofd), 0);
	cr_assert_eq(close(ifd), 0);
	check_zstd_tool("out.zst", text, len);
	free(text);
	free(path);
}

/*
 * A stream given up with jobs still queued (its write failed, or the
 * caller's sync did): libzstd's free finishes those jobs first, so with
 * the workers starved under SCHED_IDLE it must raise them, or the rotation
 * thread waits on them for as long as the machine stays busy.
 */
Test(compress_zstd, giving_up_with_jobs_queued_does_not_wait_on_starved_workers)
{
	const size_t len = 16u << 20;
	char *path = tu_path(tu_dir, "out.zst");
	struct compress_zstd *z;
	struct timespec t0, t1;
	off_t off = 0;
	int ifd, ofd;

	if (!pt_can_leave_idle())
		cr_skip_test("no CAP_SYS_NICE: SCHED_IDLE cannot be left");
	free(make_log("in.txt", len));
	cr_assert_neq(ifd = open(tu_at("in.txt"), O_RDONLY | O_CLOEXEC), -1);
	cr_assert_neq(ofd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600), -1);
	pt_crowd_start();
	cr_assert_not_null(z = compress_zstd_open(ofd, 3, 2));
	/* two of level 3's jobs queued, not waited for: the feed returns */
	cr_assert_eq(compress_zstd_feed(z, ifd, &off, -1), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	compress_zstd_free(z);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	pt_crowd_stop();
	cr_assert_lt(t1.tv_sec - t0.tv_sec, 5, "the free waited %lld s on "
	    "starved workers", (long long)(t1.tv_sec - t0.tv_sec));
	cr_assert_eq(close(ofd), 0);
	cr_assert_eq(close(ifd), 0);
	free(path);
}
