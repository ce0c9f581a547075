/*
 * test_fsutil.c: the safe file primitives on real files in mkdtemp
 * directories: refusals (symlink, FIFO, planted names), exact attributes,
 * logrotate's directory rule, the never-missing create, copies, and a
 * lossless copytruncate racing a real writer process.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/magic.h>

#include "daemon/fsutil.h"
#include "tests/testutil.h"

/* PATH's size, read back; -1 when unreadable. */
static long
file_len(const char *path)
{
	size_t len;
	char *got = tu_read_file(path, &len);

	if (got == NULL)
		return -1;
	free(got);
	return (long)len;
}

TestSuite(fsutil, .init = tu_dirfd_init, .fini = tu_fini);

Test(fsutil, open_dir_refuses_symlink)
{
	cr_assert_eq(mkdir(tu_at("real"), 0755), 0);
	cr_assert_eq(symlink(tu_at("real"), tu_at("link")), 0);
	cr_assert_eq(fs_open_dir(tu_at("link")), -1);
	cr_assert(errno == ELOOP || errno == ENOTDIR, "errno %d", errno);
	cr_assert_eq(fs_open_dirat(tu_dirfd, "link"), -1);
	int fd = fs_open_dirat(tu_dirfd, "real");
	cr_assert_geq(fd, 0);
	close(fd);
}

Test(fsutil, open_log_refuses_symlink)
{
	struct stat st;

	tu_write_file(tu_at("target"), "secret\n");
	cr_assert_eq(symlink(tu_at("target"), tu_at("a.log")), 0);
	cr_assert_eq(fs_open_log(tu_dirfd, "a.log", O_RDWR, &st), -1);
	cr_assert_eq(errno, ELOOP);
}

Test(fsutil, open_log_refuses_fifo_without_blocking)
{
	struct stat st;

	cr_assert_eq(mkfifo(tu_at("a.log"), 0644), 0);
	alarm(5);	/* a blocking open would hang the test: fail it instead */
	cr_assert_eq(fs_open_log(tu_dirfd, "a.log", O_RDONLY, &st), -1);
	cr_assert_eq(errno, EINVAL);
	cr_assert_eq(fs_open_log(tu_dirfd, "a.log", O_RDWR, &st), -1);
	cr_assert_eq(errno, EINVAL);
	alarm(0);
}

Test(fsutil, open_log_refuses_directory)
{
	struct stat st;

	cr_assert_eq(mkdir(tu_at("d.log"), 0755), 0);
	cr_assert_eq(fs_open_log(tu_dirfd, "d.log", O_RDONLY, &st), -1);
	cr_assert_eq(errno, EINVAL);
}

Test(fsutil, open_log_reports_nlink_and_blocks_normally)
{
	struct stat st;
	int fd;

	tu_write_file(tu_at("a.log"), "x\n");
	cr_assert_eq(link(tu_at("a.log"), tu_at("b")), 0);
	fd = fs_open_log(tu_dirfd, "a.log", O_RDWR | O_APPEND, &st);
	cr_assert_geq(fd, 0, "%s", strerror(errno));
	cr_assert_eq(st.st_nlink, 2);
	cr_assert(S_ISREG(st.st_mode));
	cr_assert_eq(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	cr_assert_neq(fcntl(fd, F_GETFL) & O_APPEND, 0);
	cr_assert_neq(fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
	close(fd);
}

Test(fsutil, create_excl_refuses_existing)
{
	struct fs_attr a = { 0640, (uid_t)-1, (gid_t)-1 };

	tu_write_file(tu_at("a.log"), "keep\n");
	cr_assert_eq(fs_create_excl(tu_dirfd, "a.log", &a, 0), -1);
	cr_assert_eq(errno, EEXIST);
	tu_assert_file(tu_at("a.log"), "keep\n");
}

Test(fsutil, create_excl_refuses_planted_symlink)
{
	struct fs_attr a = { 0644, (uid_t)-1, (gid_t)-1 };

	cr_assert_eq(symlink(tu_at("victim"), tu_at("a.log")), 0);
	cr_assert_eq(fs_create_excl(tu_dirfd, "a.log", &a, 0), -1);
	cr_assert_eq(errno, EEXIST);
	cr_assert(!tu_exists(tu_at("victim")), "wrote through the symlink");
}

Test(fsutil, create_excl_sets_exact_mode_despite_umask)
{
	struct fs_attr a = { 0666, (uid_t)-1, (gid_t)-1 };
	struct stat st;
	int fd;

	umask(077);
	fd = fs_create_excl(tu_dirfd, "a.log", &a, O_APPEND);
	cr_assert_geq(fd, 0, "%s", strerror(errno));
	cr_assert_eq(fstat(fd, &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0666, "mode %o", st.st_mode & 07777);
	cr_assert_eq(st.st_size, 0);
	close(fd);
}

Test(fsutil, create_excl_sets_owner)
{
	struct fs_attr a = { 0640, 4321, 4322 };
	struct stat st;
	int fd;

	if (geteuid() != 0)
		cr_skip_test("needs root: chown to another user");
	fd = fs_create_excl(tu_dirfd, "a.log", &a, 0);
	cr_assert_geq(fd, 0, "%s", strerror(errno));
	cr_assert_eq(stat(tu_at("a.log"), &st), 0);
	cr_assert_eq(st.st_uid, 4321);
	cr_assert_eq(st.st_gid, 4322);
	cr_assert_eq(st.st_mode & 07777, 0640);
	close(fd);
}

static int
insecure(const char *name, mode_t mode, gid_t gid)
{
	struct stat st;

	cr_assert_eq(mkdir(tu_at(name), 0700), 0);
	if (gid != (gid_t)-1)
		cr_assert_eq(chown(tu_at(name), (uid_t)-1, gid), 0);
	cr_assert_eq(chmod(tu_at(name), mode), 0);
	cr_assert_eq(stat(tu_at(name), &st), 0);
	return fs_dir_insecure(&st);
}

Test(fsutil, dir_insecure_follows_logrotate_rule)
{
	cr_assert_eq(insecure("w777", 0777, (gid_t)-1), 1);
	cr_assert_eq(insecure("sticky", 01777, (gid_t)-1), 1,
	    "sticky does not make a world-writable dir secure");
	cr_assert_eq(insecure("d755", 0755, (gid_t)-1), 0);
	if (geteuid() != 0)
		cr_skip_test("needs root: chgrp to a non-root group");
	cr_assert_eq(insecure("g775", 0775, 4000), 1);
	cr_assert_eq(insecure("g775root", 0775, 0), 0);
	cr_assert_eq(insecure("g755", 0755, 4000), 0);
}

Test(fsutil, create_swap_moves_old_and_leaves_new)
{
	struct fs_attr a = { 0640, (uid_t)-1, (gid_t)-1 };
	struct stat st;

	tu_write_file(tu_at("a.log"), "old contents\n");
	cr_assert_eq(fs_create_swap(tu_dirfd, "a.log", tu_dirfd, "a.log.1", &a,
	    0), 0, "%s", strerror(errno));
	tu_assert_file(tu_at("a.log.1"), "old contents\n");
	cr_assert_eq(file_len(tu_at("a.log")), 0);
	cr_assert_eq(stat(tu_at("a.log"), &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0640);
	cr_assert(!tu_exists(tu_at(".a.log.mond-swap")));
}

Test(fsutil, create_swap_refuses_existing_old_name)
{
	struct fs_attr a = { 0640, (uid_t)-1, (gid_t)-1 };

	tu_write_file(tu_at("a.log"), "live\n");
	tu_write_file(tu_at("a.log.1"), "older\n");
	cr_assert_eq(fs_create_swap(tu_dirfd, "a.log", tu_dirfd, "a.log.1", &a,
	    0), -1);
	cr_assert_eq(errno, EEXIST);
	tu_assert_file(tu_at("a.log"), "live\n");
	tu_assert_file(tu_at("a.log.1"), "older\n");
	cr_assert(!tu_exists(tu_at(".a.log.mond-swap")));
}

static void
swap_race(int flags)
{
	struct fs_attr a = { 0644, (uid_t)-1, (gid_t)-1 };
	int pipefd[2], i, misses = -1;
	char old[32];
	pid_t pid;

	tu_write_file(tu_at("a.log"), "0\n");
	cr_assert_eq(pipe(pipefd), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		/* Watch the name until killed; report misses on the pipe. */
		struct stat st;
		int n = 0;
		close(pipefd[0]);
		for (i = 0; i < 200000; i++)
			if (fstatat(tu_dirfd, "a.log", &st,
			    AT_SYMLINK_NOFOLLOW) == -1)
				n++;
		if (write(pipefd[1], &n, sizeof(n)) != sizeof(n))
			_exit(1);
		_exit(0);
	}
	close(pipefd[1]);
	for (i = 1; i <= 300; i++) {
		snprintf(old, sizeof(old), "a.log.%d", i);
		cr_assert_eq(fs_create_swap(tu_dirfd, "a.log", tu_dirfd, old,
		    &a, flags), 0, "%s", strerror(errno));
	}
	cr_assert_eq(read(pipefd[0], &misses, sizeof(misses)),
	    sizeof(misses));
	waitpid(pid, NULL, 0);
	cr_assert_eq(misses, 0, "a.log was missing %d times", misses);
}

Test(fsutil, create_swap_never_leaves_path_missing)
{
	swap_race(0);
}

Test(fsutil, create_swap_link_fallback_never_leaves_path_missing)
{
	swap_race(FS_SWAP_LINK);
	tu_assert_file(tu_at("a.log.300"), "");
}

Test(fsutil, create_swap_link_fallback_moves_old)
{
	struct fs_attr a = { 0600, (uid_t)-1, (gid_t)-1 };
	struct stat st;

	tu_write_file(tu_at("a.log"), "old contents\n");
	cr_assert_eq(fs_create_swap(tu_dirfd, "a.log", tu_dirfd, "a.log.1", &a,
	    FS_SWAP_LINK), 0, "%s", strerror(errno));
	tu_assert_file(tu_at("a.log.1"), "old contents\n");
	tu_assert_file(tu_at("a.log"), "");
	cr_assert_eq(stat(tu_at("a.log.1"), &st), 0);
	cr_assert_eq(st.st_nlink, 1, "the old log kept a second name");
	cr_assert(!tu_exists(tu_at(".a.log.mond-swap")));
}

static void
recovered(const char *swap, const char *to, int err, void *arg)
{
	char *out = arg;

	snprintf(out, 256, "%s>%s:%d", swap, to ? to : "-", err);
}

Test(fsutil, recover_swaps_keeps_data_drops_empty)
{
	char seen[256] = "";

	tu_write_file(tu_at(".a.log.mond-swap"), "old\n");
	tu_write_file(tu_at(".e.log.mond-swap"), "");
	cr_assert_eq(fs_clean_temps(tu_dirfd), 0,
	    "clean_temps took a swap file");
	cr_assert(tu_exists(tu_at(".a.log.mond-swap")));
	cr_assert_eq(fs_recover_swaps(tu_dirfd, recovered, seen), 2);
	tu_assert_file(tu_at("a.log.mond-recovered"), "old\n");
	cr_assert(!tu_exists(tu_at(".a.log.mond-swap")));
	cr_assert(!tu_exists(tu_at(".e.log.mond-swap")));
	cr_assert_str_eq(seen, ".a.log.mond-swap>a.log.mond-recovered:0");
}

Test(fsutil, create_swap_keeps_a_nonempty_leftover)
{
	struct fs_attr a = { 0640, (uid_t)-1, (gid_t)-1 };

	tu_write_file(tu_at("a.log"), "live\n");
	tu_write_file(tu_at(".a.log.mond-swap"), "older\n");
	cr_assert_eq(fs_create_swap(tu_dirfd, "a.log", tu_dirfd, "a.log.1", &a,
	    0), -1);
	cr_assert_eq(errno, EEXIST);
	tu_assert_file(tu_at(".a.log.mond-swap"), "older\n");
	tu_assert_file(tu_at("a.log"), "live\n");
}

Test(fsutil, create_tmp_replaces_a_leftover_and_write_all_writes)
{
	struct fs_attr a = { 0640, (uid_t)-1, (gid_t)-1 };
	struct stat st;
	int fd;

	tu_write_file(tu_at(".s.mond-tmp"), "stale partial copy");
	fd = fs_create_tmp(tu_dirfd, ".s.mond-tmp", &a);
	cr_assert_geq(fd, 0, "%s", strerror(errno));
	cr_assert_eq(fs_write_all(fd, "new\n", 4), 0);
	close(fd);
	tu_assert_file(tu_at(".s.mond-tmp"), "new\n");
	cr_assert_eq(stat(tu_at(".s.mond-tmp"), &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0640);
}

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

static void
check_copy(int flags)
{
	int in, out;
	off_t n;
	size_t la, lb;
	char *a, *b;

	fill(tu_at("src"), 3 * 1024 * 1024 + 17);
	in = open(tu_at("src"), O_RDONLY);
	out = open(tu_at("dst"), O_RDWR | O_CREAT | O_EXCL, 0600);
	cr_assert(in >= 0 && out >= 0);
	cr_assert_eq(fs_copy(in, 0, out, 0, flags, &n), 0, "%s",
	    strerror(errno));
	cr_assert_eq(n, 3 * 1024 * 1024 + 17);
	a = tu_read_file(tu_at("src"), &la);
	b = tu_read_file(tu_at("dst"), &lb);
	cr_assert_eq(la, lb);
	cr_assert_eq(memcmp(a, b, la), 0);
	free(b);
	/* From an offset, appending at another. */
	cr_assert_eq(fs_copy(in, la - 5, out, (off_t)lb, flags, &n), 0);
	cr_assert_eq(n, 5);
	b = tu_read_file(tu_at("dst"), &lb);
	cr_assert_eq(lb, la + 5);
	cr_assert_eq(memcmp(a + la - 5, b + la, 5), 0);
	free(a);
	free(b);
	close(in);
	close(out);
}

Test(fsutil, copy_with_copy_file_range)
{
	check_copy(0);
}

Test(fsutil, copy_with_read_write)
{
	check_copy(FS_COPY_NOCFR);
}

Test(fsutil, clean_temps_removes_only_ours)
{
	tu_write_file(tu_at(".a.log.mond-tmp"), "x");
	tu_write_file(tu_at(".a.log.1.gz.mond-tmp"), "x");
	tu_write_file(tu_at("a.log"), "x");
	tu_write_file(tu_at("b.mond-tmp"), "x");
	cr_assert_eq(symlink(tu_at("a.log"), tu_at(".c.mond-tmp")), 0);
	cr_assert_eq(mkdir(tu_at(".d.mond-tmp"), 0700), 0);
	cr_assert_eq(fs_clean_temps(tu_dirfd), 2);
	cr_assert(!tu_exists(tu_at(".a.log.mond-swap")));
	cr_assert(!tu_exists(tu_at(".a.log.1.gz.mond-tmp")));
	cr_assert(tu_exists(tu_at("a.log")));
	cr_assert(tu_exists(tu_at("b.mond-tmp")));
	cr_assert(tu_exists(tu_at(".d.mond-tmp")));
	struct stat st;
	cr_assert_eq(lstat(tu_at(".c.mond-tmp"), &st), 0);
}

Test(fsutil, mkdir_sets_attrs_and_accepts_existing)
{
	struct fs_attr a = { 0750, (uid_t)-1, (gid_t)-1 };
	struct stat st;

	umask(077);
	cr_assert_eq(fs_mkdir(tu_dirfd, "old", &a), 0, "%s", strerror(errno));
	cr_assert_eq(stat(tu_at("old"), &st), 0);
	cr_assert(S_ISDIR(st.st_mode));
	cr_assert_eq(st.st_mode & 07777, 0750);
	cr_assert_eq(fs_mkdir(tu_dirfd, "old", &a), 0);
	tu_write_file(tu_at("file"), "x");
	cr_assert_eq(fs_mkdir(tu_dirfd, "file", &a), -1);
	cr_assert_eq(errno, ENOTDIR);
	cr_assert_eq(symlink(tu_at("old"), tu_at("link")), 0);
	cr_assert_eq(fs_mkdir(tu_dirfd, "link", &a), -1);
}

Test(fsutil, rename_noreplace_and_unlink)
{
	tu_write_file(tu_at("a"), "a");
	tu_write_file(tu_at("b"), "b");
	cr_assert_eq(fs_rename(tu_dirfd, "a", tu_dirfd, "b", true), -1);
	cr_assert_eq(errno, EEXIST);
	cr_assert_eq(fs_rename(tu_dirfd, "a", tu_dirfd, "c", true), 0);
	cr_assert_eq(fs_rename(tu_dirfd, "c", tu_dirfd, "b", false), 0);
	tu_assert_file(tu_at("b"), "a");
	cr_assert_eq(fs_unlink(tu_dirfd, "b"), 0);
	cr_assert_eq(fs_unlink(tu_dirfd, "b"), -1);
	cr_assert_eq(errno, ENOENT);
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

Test(fsutil, copytruncate_collapse_loses_nothing, .timeout = 120)
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
Test(fsutil, copytruncate_default_no_duplicates, .timeout = 120)
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

Test(fsutil, copytruncate_collapse_leaves_unaligned_tail_in_live)
{
	struct fs_ct_result res;
	int live, dst;

	if (!fs_is(tu_dir, EXT4_SUPER_MAGIC) && !fs_is(tu_dir, XFS_SUPER_MAGIC))
		cr_skip_test("/tmp is neither ext4 nor xfs: no COLLAPSE_RANGE");
	fill(tu_at("live"), 3 * 4096 + 100);
	live = open(tu_at("live"), O_RDWR | O_APPEND);
	dst = open(tu_at("copy"), O_RDWR | O_CREAT | O_EXCL, 0600);
	cr_assert_eq(fs_copytruncate(live, dst, 0, &res), 0);
	cr_assert_eq(res.method, FS_CT_COLLAPSED);
	cr_assert_eq(res.copied, 3 * 4096);
	cr_assert_eq(res.left, 100);
	cr_assert_eq(res.dup, 0);
	cr_assert_eq(file_len(tu_at("live")), 100);
	cr_assert_eq(file_len(tu_at("copy")), 3 * 4096);
	close(live);
	close(dst);
}

Test(fsutil, copytruncate_small_log_is_truncated_whole)
{
	struct fs_ct_result res;
	int live, dst;

	tu_write_file(tu_at("live"), "a short log\n");
	live = open(tu_at("live"), O_RDWR | O_APPEND);
	dst = open(tu_at("copy"), O_RDWR | O_CREAT | O_EXCL, 0600);
	cr_assert_eq(fs_copytruncate(live, dst, 0, &res), 0);
	cr_assert_eq(res.method, FS_CT_TRUNCATED);
	cr_assert_eq(res.copied, 12);
	cr_assert_eq(file_len(tu_at("live")), 0);
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
Test(fsutil, copytruncate_forced_truncate_bounded_loss, .timeout = 120)
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

Test(fsutil, copytruncate_on_tmpfs_falls_back, .timeout = 120)
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

/* ---- fs_split_path and the callers' edge cases ---------------------- */

#include "daemon/applog.h"
#include "daemon/recover.h"
#include "daemon/state.h"

static const struct split_case {
	const char	*path;
	const char	*dir;
	const char	*base;
} split_cases[] = {
	{ "mond.log",	".",	"mond.log" },	/* no slash */
	{ "/x",		"/",	"x" },
	{ "/a/b",	"/a",	"b" },
	{ "a/b",	"a",	"b" },
	{ "a/b/",	"a/b",	"" },		/* trailing slash: no name */
	{ "//a",	"/",	"a" },
	{ "a//b",	"a/",	"b" },
	{ "/",		"/",	"" },
	{ "",		".",	"" },
};

Test(fsutil, split_path_table)
{
	const struct split_case *c;
	const char *base;
	size_t i;
	char *d;

	for (i = 0; i < sizeof(split_cases) / sizeof(split_cases[0]); i++) {
		c = &split_cases[i];
		d = NULL;
		cr_assert_eq(fs_split_path(c->path, &d, &base), 0, "\"%s\"",
		    c->path);
		cr_assert_str_eq(d, c->dir, "\"%s\": dir", c->path);
		cr_assert_str_eq(base, c->base, "\"%s\": base", c->path);
		/* the name is PATH's own tail, not a copy */
		cr_assert_eq(base, c->path + strlen(c->path) - strlen(c->base),
		    "\"%s\": base is not in PATH", c->path);
		free(d);
		/* the name alone: the same pointer, nothing allocated */
		base = NULL;
		cr_assert_eq(fs_split_path(c->path, NULL, &base), 0);
		cr_assert_eq(base, c->path + strlen(c->path) - strlen(c->base),
		    "\"%s\": base alone", c->path);
	}
}

/* No PATH_MAX or NAME_MAX inside: open() is the one to say ENAMETOOLONG. */
Test(fsutil, split_path_longer_than_path_max)
{
	size_t dl = 3 * PATH_MAX, bl = 2 * NAME_MAX;
	char *path = malloc(dl + 1 + bl + 1), *d;
	const char *base;

	cr_assert_not_null(path);
	memset(path, 'd', dl);
	path[0] = '/';
	path[dl] = '/';
	memset(path + dl + 1, 'f', bl);
	path[dl + 1 + bl] = '\0';
	cr_assert_eq(fs_split_path(path, &d, &base), 0);
	cr_assert_eq(strlen(d), dl);
	cr_assert_eq(strncmp(d, path, dl), 0);
	cr_assert_eq(base, path + dl + 1);
	cr_assert_eq(strlen(base), bl);
	free(d);
	free(path);
}

/* applog needs a file name: "dir/" and "" are refused before any open. */
Test(fsutil, applog_path_without_a_name_is_eisdir)
{
	struct applog_conf conf = { .maxbytes = 0, .backups = 0 };
	char slash[600];

	snprintf(slash, sizeof(slash), "%s/", tu_dir);
	conf.path = slash;
	errno = 0;
	cr_assert_null(applog_open(&conf));
	cr_assert_eq(errno, EISDIR, "%s", strerror(errno));
	conf.path = "";
	errno = 0;
	cr_assert_null(applog_open(&conf));
	cr_assert_eq(errno, EISDIR, "%s", strerror(errno));
}

/* A refused path leaves the old one (its name points into its path). */
Test(fsutil, applog_reconfigure_to_no_name_keeps_the_old_file)
{
	struct applog_conf conf = { .path = tu_at("a.log") };
	struct applog *al;
	char slash[600];

	cr_assert_not_null(al = applog_open(&conf), "%s", strerror(errno));
	snprintf(slash, sizeof(slash), "%s/", tu_dir);
	conf.path = slash;
	errno = 0;
	cr_assert_eq(applog_reconfigure(al, &conf), -1);
	cr_assert_eq(errno, EISDIR, "%s", strerror(errno));
	cr_assert_eq(applog_write(al, MSG_INFO, "still a"), 0);
	conf.path = tu_at("b.log");
	cr_assert_eq(applog_reconfigure(al, &conf), 0, "%s", strerror(errno));
	cr_assert_eq(applog_write(al, MSG_INFO, "now b"), 0);
	applog_close(al);
	cr_assert_eq(tu_count_lines(tu_at("a.log"), "still a"), 1);
	cr_assert_eq(tu_count_lines(tu_at("b.log"), "now b"), 1);
	cr_assert_eq(tu_count_lines(tu_at("a.log"), "now b"), 0);
}

/*
 * Fixed: state_lock and state_save on "dir/" said ENAMETOOLONG; on ""
 * state_lock took ".lock" in the working directory and state_save wrote
 * its temporary there, failing only at the rename (ENOENT).
 */
Test(fsutil, state_path_without_a_name_is_eisdir)
{
	struct state *st = state_new();
	char slash[600];

	cr_assert_not_null(st);
	cr_assert_eq(chdir(tu_dir), 0);
	snprintf(slash, sizeof(slash), "%s/", tu_dir);
	errno = 0;
	cr_assert_eq(state_lock(slash, 0), -1);
	cr_assert_eq(errno, EISDIR, "\"%s\": %s", slash, strerror(errno));
	errno = 0;
	cr_assert_eq(state_save(st, slash), -1);
	cr_assert_eq(errno, EISDIR, "\"%s\": %s", slash, strerror(errno));
	errno = 0;
	cr_assert_eq(state_lock("", 0), -1);
	cr_assert_eq(errno, EISDIR, "\"\": %s", strerror(errno));
	errno = 0;
	cr_assert_eq(state_save(st, ""), -1);
	cr_assert_eq(errno, EISDIR, "\"\": %s", strerror(errno));
	cr_assert_not(tu_exists(tu_at(".lock")), "\"\" locked in the cwd");
	state_free(st);
}

/* rotate's createolddir: "old/" is made as "old" in the log's directory. */
Test(fsutil, createolddir_with_a_trailing_slash)
{
	char *state = tu_path(tu_dir, "state");
	char *cpath = tu_path(tu_dir, "mond.conf");
	const char *argv[] = { "--force-rotate", "-s", state, "-c", cpath,
	    NULL };
	struct tu_run run;
	char conf[2048];
	struct stat st;

	snprintf(conf, sizeof(conf), "statefile = \"%s\"\ncontrol = \"%s\"\n"
	    "applog {\n path = \"%s\"\n}\nlog \"%s\" {\n rotate = 1\n"
	    " olddir = \"old/\"\n createolddir = \"0750\"\n}\n", state,
	    tu_at("mond.sock"), tu_at("mon.log"), tu_at("a.log"));
	tu_write_file(cpath, conf);
	tu_write_file(tu_at("a.log"), "one line\n");
	run = tu_run_mond(argv);
	cr_assert_eq(run.status, 0, "%s", run.err);
	cr_assert_eq(lstat(tu_at("old"), &st), 0, "old: %s", strerror(errno));
	cr_assert(S_ISDIR(st.st_mode));
	cr_assert_eq(st.st_mode & 07777, 0750);
	tu_assert_file(tu_at("old/a.log.1"), "one line\n");
	tu_run_free(&run);
	free(state);
	free(cpath);
}

/*
 * recover_log acts on a log named by a path with a '/' only: "a.log" is
 * not taken as one in the working directory (pass.c always gives the
 * globbed, absolute path). The same leftover beside an absolute path goes.
 */
Test(fsutil, recover_log_needs_a_path_with_a_slash)
{
	struct log_rule rule = { .copytruncate = true, .start = 1 };

	tu_write_file(tu_at("a.log"), "one\ntwo\n");
	tu_write_file(tu_at(".a.log.mond-copy"), "one\n");
	cr_assert_eq(chdir(tu_dir), 0);
	cr_assert_eq(recover_log(&rule, "a.log", "."), 0);
	cr_assert(tu_exists(tu_at(".a.log.mond-copy")), "acted on \"a.log\"");
	cr_assert_eq(recover_log(&rule, tu_at("a.log"), tu_dir), 1);
	cr_assert_not(tu_exists(tu_at(".a.log.mond-copy")));
	tu_assert_file(tu_at("a.log"), "one\ntwo\n");
}
