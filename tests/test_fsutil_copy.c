/*
 * test_fsutil_copy.c: fsutil's data movers on real files in mkdtemp
 * directories: fs_copy (copy_file_range and read/write, from offsets, each
 * proved by a seccomp filter forbidding the other) and
 * fs_copytruncate racing a real writer process: COLLAPSE_RANGE on ext4 or
 * xfs loses nothing, the TRUNCATE fallback (forced, or on tmpfs) loses a
 * bounded window, and neither ever duplicates a line.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/magic.h>

#include "engine/fscopy.h"
#include "util/fsutil.h"
#include "tests/testutil.h"

TestSuite(fsutil_copy, .init = tu_dirfd_init, .fini = tu_fini);

static void
fill(const char *path, size_t n)
{
	FILE *f = fopen(path, "w");
	size_t i;

	cr_assert_not_null(f);
	for (i = 0; i < n; i++)
		fputc("abcdefghij\n"[(i * 7) % 11], f);
	cr_assert_eq(fclose(f), 0);
}

/* Syscalls that move bytes through the caller: fs_copy's read/write path. */
static const int rw_calls[] = {
	SCMP_SYS(read), SCMP_SYS(pread64), SCMP_SYS(readv), SCMP_SYS(preadv),
	SCMP_SYS(preadv2), SCMP_SYS(write), SCMP_SYS(pwrite64),
	SCMP_SYS(writev), SCMP_SYS(pwritev), SCMP_SYS(pwritev2),
};

/* Syscalls that move bytes inside the kernel. */
static const int kernel_calls[] = {
	SCMP_SYS(copy_file_range), SCMP_SYS(sendfile), SCMP_SYS(splice),
};

/* Makes each of the N syscalls in CALLS fail with EPERM from now on. */
static int
forbid(const int *calls, size_t n)
{
	scmp_filter_ctx ctx;
	size_t i;

	if ((ctx = seccomp_init(SCMP_ACT_ALLOW)) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), calls[i],
		    0) != 0)
			return -1;
	return seccomp_load(ctx) == 0 ? 0 : -1;
}

/*
 * In a child with the other path's syscalls forbidden (so that fs_copy
 * succeeds only by the path FLAGS asks for): IN whole to OUT, then IN's
 * last 5 bytes appended. Exits 0, or the number of the step that failed.
 */
static void
copy_confined(int in, int out, off_t len, int flags)
{
	bool rw = flags & FS_COPY_NOCFR;
	char byte;
	off_t n;

	if ((rw ? forbid(kernel_calls, sizeof(kernel_calls) /
	    sizeof(kernel_calls[0])) : forbid(rw_calls, sizeof(rw_calls) /
	    sizeof(rw_calls[0]))) == -1)
		_exit(10);
	if ((rw ? copy_file_range(in, NULL, out, NULL, 0, 0) :
	    pread(in, &byte, 1, 0)) != -1 || errno != EPERM)
		_exit(11);	/* the filter did not take */
	if (fs_copy(in, 0, out, 0, flags, &n) != 0 || n != len)
		_exit(12);
	if (fs_copy(in, len - 5, out, len, flags, &n) != 0 || n != 5)
		_exit(13);
	_exit(0);
}

static void
check_copy(int flags)
{
	const off_t len = 3 * 1024 * 1024 + 17;
	int in, out, status;
	size_t la, lb;
	char *a, *b;
	pid_t pid;

	fill(tu_at("src"), (size_t)len);
	in = open(tu_at("src"), O_RDONLY);
	out = open(tu_at("dst"), O_RDWR | O_CREAT | O_EXCL, 0600);
	cr_assert(in >= 0 && out >= 0);
	cr_assert_neq(pid = fork(), -1);
	if (pid == 0)
		copy_confined(in, out, len, flags);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status), "the child died: status %d", status);
	cr_assert_eq(WEXITSTATUS(status), 0, "step %d failed with the other "
	    "path forbidden", WEXITSTATUS(status));
	a = tu_read_file(tu_at("src"), &la);
	b = tu_read_file(tu_at("dst"), &lb);
	cr_assert_eq(la, (size_t)len);
	cr_assert_eq(lb, la + 5);
	cr_assert_eq(memcmp(a, b, la), 0);
	cr_assert_eq(memcmp(a + la - 5, b + la, 5), 0);
	free(a);
	free(b);
	close(in);
	close(out);
}

/*
 * Each path is proved by the child's filter: with every read and write
 * forbidden the copy can only be copy_file_range's, and with the
 * kernel's copies forbidden only read/write's.
 */
Test(fsutil_copy, copy_with_copy_file_range)
{
	int in, out;

	/* Where the kernel will not copy between these files, skip. */
	tu_write_file(tu_at("probe"), "x");
	in = open(tu_at("probe"), O_RDONLY);
	out = open(tu_at("probe.copy"), O_WRONLY | O_CREAT | O_EXCL, 0600);
	cr_assert(in >= 0 && out >= 0);
	if (copy_file_range(in, NULL, out, NULL, 1, 0) != 1)
		cr_skip_test("copy_file_range: %s", strerror(errno));
	close(in);
	close(out);
	check_copy(0);
}

Test(fsutil_copy, copy_with_read_write)
{
	check_copy(FS_COPY_NOCFR);
}

/*
 * A sparse log (data, a 10 MB hole, data, then a 1 MB hole to its end)
 * copies as its data only: same bytes, same size, a few blocks on disk.
 */
static void
check_sparse_copy(int flags)
{
	const off_t size = 11 * 1024 * 1024;
	struct stat st;
	char *a, *b;
	size_t la, lb;
	int in, out;
	off_t n;

	in = open(tu_at("sparse"), O_RDWR | O_CREAT | O_EXCL, 0600);
	out = open(tu_at("copy"), O_RDWR | O_CREAT | O_EXCL, 0600);
	cr_assert(in >= 0 && out >= 0);
	cr_assert_eq(pwrite(in, "head\n", 5, 0), 5);
	cr_assert_eq(pwrite(in, "tail\n", 5, 10 * 1024 * 1024), 5);
	cr_assert_eq(ftruncate(in, size), 0);
	cr_assert_eq(fstat(in, &st), 0);
	if (st.st_blocks > 256)
		cr_skip_test("this file system keeps no holes (%lld blocks)",
		    (long long)st.st_blocks);
	cr_assert_eq(fs_copy(in, 0, out, 0, flags, &n), 0, "%s",
	    strerror(errno));
	cr_assert_eq(n, size, "went past %lld bytes, not %lld",
	    (long long)n, (long long)size);
	cr_assert_eq(fstat(out, &st), 0);
	cr_assert_eq(st.st_size, size, "the copy is %lld bytes",
	    (long long)st.st_size);
	cr_assert_leq(st.st_blocks, 256, "the copy's holes were filled: %lld "
	    "blocks of 512", (long long)st.st_blocks);
	a = tu_read_file(tu_at("sparse"), &la);
	b = tu_read_file(tu_at("copy"), &lb);
	cr_assert(la == lb && memcmp(a, b, la) == 0, "the copy differs");
	free(a);
	free(b);
	close(in);
	close(out);
}

Test(fsutil_copy, a_sparse_log_copies_as_its_data_only)
{
	check_sparse_copy(0);
}

Test(fsutil_copy, a_sparse_log_copies_as_its_data_only_by_read_write)
{
	check_sparse_copy(FS_COPY_NOCFR);
}

/*
 * copytruncate racing a writer: a child appends numbered lines (O_APPEND,
 * one write each) while the parent copytruncates into copy.1, copy.2...
 * Afterwards copies + live file, concatenated, must be every line once, in
 * order. Returns the number of lines missing (the TRUNCATE window).
 */
#define CT_LINES 40000

static int
copytruncate_race(const char *d, int flags, int *ncollapsed, int *ntrunc,
    int pause_us, bool strict, int *mangled)
{
	struct fs_ct_result res;
	char name[PATH_MAX], *all = NULL, *buf;
	size_t alllen = 0, len;
	int ddfd, live, dst, status, rounds = 0, next = 0, missing = 0, i;
	pid_t pid;

	ddfd = fs_open_dir(d);
	cr_assert_geq(ddfd, 0);
	snprintf(name, sizeof(name), "%s/live.log", d);
	live = open(name, O_RDWR | O_CREAT | O_APPEND, 0644);
	cr_assert_geq(live, 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		char line[160];
		struct timespec ts = { 0, pause_us * 1000L };
		int fd = open(name, O_WRONLY | O_APPEND);
		for (i = 0; i < CT_LINES; i++) {
			int n = snprintf(line, sizeof(line), "%07d %.*s\n", i,
			    i % 97, "................................"
			    "................................................"
			    "..................................................");
			if (fd == -1 || write(fd, line, (size_t)n) != n)
				_exit(1);
			if (pause_us > 0 && i % 8 == 0)
				nanosleep(&ts, NULL);
		}
		_exit(0);
	}
	*ncollapsed = *ntrunc = *mangled = 0;
	for (;;) {
		int done = waitpid(pid, &status, WNOHANG) == pid;
		snprintf(name, sizeof(name), "copy.%d", ++rounds);
		dst = openat(ddfd, name, O_RDWR | O_CREAT | O_EXCL, 0600);
		cr_assert_geq(dst, 0);
		cr_assert_eq(fs_copytruncate(live, dst, flags, &res), 0,
		    "round %d: %s", rounds, strerror(errno));
		cr_assert_eq(lseek(dst, 0, SEEK_END), res.copied);
		if (res.method == FS_CT_COLLAPSED)
			(*ncollapsed)++;
		else
			(*ntrunc)++;
		close(dst);
		if (done)
			break;
		usleep(2000);
	}
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	for (i = 1; i <= rounds; i++) {
		snprintf(name, sizeof(name), "%s/copy.%d", d, i);
		buf = tu_read_file(name, &len);
		all = realloc(all, alllen + len + 1);
		memcpy(all + alllen, buf, len);
		alllen += len;
		free(buf);
	}
	snprintf(name, sizeof(name), "%s/live.log", d);
	buf = tu_read_file(name, &len);
	all = realloc(all, alllen + len + 1);
	memcpy(all + alllen, buf, len);
	alllen += len;
	all[alllen] = '\0';
	free(buf);
	/*
	 * Every line once, in order: a repeat fails, a gap is counted. A line
	 * cut by the TRUNCATE window (its first part was read, the rest landed
	 * just before the ftruncate) is counted as lost, never as a line.
	 */
	for (char *l = all; *l != '\0'; ) {
		char *nl = strchr(l, '\n'), *end;
		long num;
		if (nl == NULL)
			nl = l + strlen(l) - 1;
		num = strtol(l, &end, 10);
		if (end != l + 7 || *end != ' ' || num < 0 || num >= CT_LINES ||
		    nl - l != 8 + num % 97) {
			cr_assert(!strict, "line %.*s mangled", (int)(nl - l), l);
			(*mangled)++;
			l = nl + 1;
			continue;
		}
		cr_assert_geq(num, next, "line %ld again after %d", num, next);
		missing += (int)num - next;
		next = (int)num + 1;
		l = nl + 1;
	}
	missing += CT_LINES - next;
	cr_log_info("%s: %d rounds, %d lines missing, %d cut", d, rounds,
	    missing, *mangled);
	free(all);
	close(live);
	close(ddfd);
	return missing;
}

static bool
fs_is(const char *d, long magic)
{
	struct statfs s;

	return statfs(d, &s) == 0 && s.f_type == magic;
}

Test(fsutil_copy, copytruncate_collapse_loses_nothing, .timeout = 120)
{
	int nc, nt, missing, cut;

	if (!fs_is(tu_dir, EXT4_SUPER_MAGIC) && !fs_is(tu_dir, XFS_SUPER_MAGIC))
		cr_skip_test("/tmp is neither ext4 nor xfs: no COLLAPSE_RANGE");
	missing = copytruncate_race(tu_dir, FS_CT_COLLAPSE_ONLY, &nc, &nt, 0,
	    true, &cut);
	cr_assert_eq(missing, 0, "%d lines lost", missing);
	cr_assert_eq(nt, 0, "%d truncations", nt);
	cr_assert_gt(nc, 0);
}

/* The default: COLLAPSE, and the short-window TRUNCATE for a tail < 1 block. */
Test(fsutil_copy, copytruncate_default_no_duplicates, .timeout = 120)
{
	int nc, nt, missing, cut;

	if (!fs_is(tu_dir, EXT4_SUPER_MAGIC) && !fs_is(tu_dir, XFS_SUPER_MAGIC))
		cr_skip_test("/tmp is neither ext4 nor xfs: no COLLAPSE_RANGE");
	missing = copytruncate_race(tu_dir, 0, &nc, &nt, 100, false, &cut);
	cr_assert_gt(nc, 0);
	/*
	 * A truncation loses what the writer adds in its last window (the
	 * known gap, mond.conf(5)): a bound on that window at the writer's
	 * pace, loose enough for a test runner that is descheduled in it.
	 */
	cr_assert_leq(missing, 32 * nt, "%d lines lost in %d truncations",
	    missing, nt);
	cr_assert_leq(cut, nt);
}

Test(fsutil_copy, copytruncate_collapse_leaves_unaligned_tail_in_live)
{
	struct fs_ct_result res;
	int live, dst, writer;

	if (!fs_is(tu_dir, EXT4_SUPER_MAGIC) && !fs_is(tu_dir, XFS_SUPER_MAGIC))
		cr_skip_test("/tmp is neither ext4 nor xfs: no COLLAPSE_RANGE");
	fill(tu_at("live"), 3 * 4096 + 100);
	live = open(tu_at("live"), O_RDWR | O_APPEND);
	/* the writer that copytruncate is for, holding its log open */
	writer = open(tu_at("live"), O_WRONLY | O_APPEND);
	dst = open(tu_at("copy"), O_RDWR | O_CREAT | O_EXCL, 0600);
	cr_assert_eq(fs_copytruncate(live, dst, 0, &res), 0);
	cr_assert_eq(res.method, FS_CT_COLLAPSED);
	cr_assert_eq(res.copied, 3 * 4096);
	cr_assert_eq(res.left, 100);
	cr_assert_eq(res.dup, 0);
	cr_assert_eq(tu_file_len(tu_at("live")), 100);
	cr_assert_eq(tu_file_len(tu_at("copy")), 3 * 4096);
	close(writer);
	close(live);
	close(dst);
}

/* Open nowhere else, and kept so by a lease: logrotate's whole copy. */
Test(fsutil_copy, copytruncate_of_a_log_nobody_holds_copies_it_all)
{
	struct fs_ct_result res;
	int live, dst;

	fill(tu_at("live"), 3 * 4096 + 100);
	live = open(tu_at("live"), O_RDWR | O_APPEND);
	dst = open(tu_at("copy"), O_RDWR | O_CREAT | O_EXCL, 0600);
	cr_assert_eq(fs_copytruncate(live, dst, 0, &res), 0);
	cr_assert_eq(res.method, FS_CT_TRUNCATED);
	cr_assert_eq(res.copied, 3 * 4096 + 100);
	cr_assert_eq(res.left, 0);
	cr_assert_eq(tu_file_len(tu_at("live")), 0);
	cr_assert_eq(tu_file_len(tu_at("copy")), 3 * 4096 + 100);
	/* the lease is gone: the log opens at once again */
	cr_assert_eq(fcntl(live, F_GETLEASE), F_UNLCK);
	close(live);
	close(dst);
}

/*
 * A writer opening the log while mond holds the lease breaks it, and the
 * kernel tells the file's owner. F_SETLEASE makes the caller the owner
 * until fs_lease_alone clears it; a break inside that window sent SIGIO,
 * which kills. The window is recreated here by making this process the
 * owner again: the break must come as a signal nobody dies of.
 */
Test(fsutil_copy, a_lease_break_kills_no_one)
{
	struct timespec pause = { 0, 200 * 1000 * 1000 };
	int live, st;
	pid_t pid;

	fill(tu_at("live"), 100);
	live = open(tu_at("live"), O_RDWR | O_APPEND);
	cr_assert_geq(live, 0);
	if (!fs_lease_alone(live))
		cr_skip_test("no lease here (%s)", strerror(errno));
	cr_assert_eq(fcntl(live, F_GETOWN), 0, "the lease's owner was kept");
	cr_assert_eq(fcntl(live, F_SETOWN, getpid()), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0)
		_exit(open(tu_at("live"), O_WRONLY | O_APPEND) == -1);
	nanosleep(&pause, NULL);	/* the child's open breaks the lease */
	cr_assert_eq(waitpid(pid, &st, WNOHANG), 0, "the writer's open did "
	    "not wait for the lease");
	fs_lease_end(live);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	close(live);
}

Test(fsutil_copy, copytruncate_small_log_is_truncated_whole)
{
	struct fs_ct_result res;
	int live, dst;

	tu_write_file(tu_at("live"), "a short log\n");
	live = open(tu_at("live"), O_RDWR | O_APPEND);
	dst = open(tu_at("copy"), O_RDWR | O_CREAT | O_EXCL, 0600);
	cr_assert_eq(fs_copytruncate(live, dst, 0, &res), 0);
	cr_assert_eq(res.method, FS_CT_TRUNCATED);
	cr_assert_eq(res.copied, 12);
	cr_assert_eq(tu_file_len(tu_at("live")), 0);
	tu_assert_file(tu_at("copy"), "a short log\n");
	close(live);
	close(dst);
}

/*
 * The TRUNCATE path has a window of two syscalls in which a write is lost
 * (documented in fsutil.h). With the writer pausing every 8 lines, at most
 * one burst can fall in each window: nothing duplicated, order kept, and
 * what is lost stays far below one burst per round.
 */
Test(fsutil_copy, copytruncate_forced_truncate_bounded_loss, .timeout = 120)
{
	int nc, nt, missing, cut;

	missing = copytruncate_race(tu_dir, FS_CT_TRUNCATE | FS_CT_NOCFR, &nc,
	    &nt, 100, false, &cut);
	cr_assert_eq(nc, 0);
	cr_assert_gt(nt, 0);
	cr_assert_leq(missing, 8 * nt, "%d lines lost in %d rounds", missing,
	    nt);
	cr_assert_leq(cut, nt, "%d lines cut in %d rounds", cut, nt);
}

Test(fsutil_copy, copytruncate_on_tmpfs_falls_back, .timeout = 120)
{
	char d[] = "/dev/shm/mond-test.XXXXXX";
	int nc, nt, missing, cut;

	if (mkdtemp(d) == NULL)
		cr_skip_test("no /dev/shm: %s", strerror(errno));
	if (!fs_is(d, TMPFS_MAGIC)) {
		tu_rmtree(d);
		cr_skip_test("/dev/shm is not tmpfs");
	}
	missing = copytruncate_race(d, 0, &nc, &nt, 100, false, &cut);
	tu_rmtree(d);
	cr_assert_eq(nc, 0, "tmpfs has no COLLAPSE_RANGE");
	cr_assert_gt(nt, 0);
	cr_assert_leq(missing, 8 * nt, "%d lines lost in %d rounds", missing,
	    nt);
	cr_assert_leq(cut, nt, "%d lines cut in %d rounds", cut, nt);
}
