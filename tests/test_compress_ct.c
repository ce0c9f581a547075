/*
 * test_compress_ct.c: the one-pass copytruncate + compress. The .gz holds
 * exactly what left the live file; with a real writer appending numbered
 * lines meanwhile, the .gz files (decompressed) followed by the live file
 * hold every line once, in order: none twice ever, none lost by COLLAPSE.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#include <linux/magic.h>

#include "engine/compress.h"
#include "engine/fscopy.h"
#include "util/fsutil.h"
#include "tests/testutil.h"

TestSuite(compress_ct, .init = tu_dirfd_init, .fini = tu_fini);

static bool
collapse_fs(const char *d)
{
	struct statfs s;

	return statfs(d, &s) == 0 && (s.f_type == EXT4_SUPER_MAGIC ||
	    s.f_type == XFS_SUPER_MAGIC);
}

/* The whole decompressed contents of gzip file PATH (malloc'd), via gzread. */
static char *
gunzip_all(const char *path, size_t *len)
{
	gzFile g = gzopen(path, "rb");
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap);
	int r;

	cr_assert_not_null(g, "gzopen %s", path);
	while ((r = gzread(g, buf + n, (unsigned)(cap - n))) > 0) {
		n += (size_t)r;
		if (n == cap)
			buf = realloc(buf, cap *= 2);
	}
	cr_assert_geq(r, 0, "gzread %s failed", path);
	cr_assert_eq(gzclose(g), Z_OK, "%s: bad CRC or length", path);
	*len = n;
	return buf;
}

/* N bytes of numbered text lines at PATH; returns them (malloc'd). */
static char *
fill(const char *path, size_t n)
{
	char *buf = malloc(n + 1);
	size_t i = 0;
	int k = 0;

	while (i < n) {
		char line[64];
		int w = snprintf(line, sizeof(line), "line %06d of the log\n",
		    k++);
		size_t c = (size_t)w < n - i ? (size_t)w : n - i;
		memcpy(buf + i, line, c);
		i += c;
	}
	buf[n] = '\0';
	tu_write_file(path, buf);
	return buf;
}

static int
open_live(void)
{
	int fd = open(tu_at("live"), O_RDWR | O_APPEND);

	cr_assert_geq(fd, 0);
	return fd;
}

Test(compress_ct, collapse_keeps_unaligned_tail_in_live)
{
	struct compress_opts o = { .level = 6, .threads = 2 };
	struct fs_ct_result res;
	struct stat st;
	char *want, *got;
	size_t len;
	int live, writer;

	if (!collapse_fs(tu_dir))
		cr_skip_test("/tmp is neither ext4 nor xfs: no COLLAPSE_RANGE");
	want = fill(tu_at("live"), 3 * 4096 + 100);
	cr_assert_eq(chmod(tu_at("live"), 0640), 0);
	live = open_live();
	/* the writer that copytruncate is for, holding its log open */
	writer = open(tu_at("live"), O_WRONLY | O_APPEND);
	cr_assert_geq(writer, 0);
	cr_assert_eq(fstat(live, &st), 0);
	cr_assert_eq(compress_copytruncate(live, &st, tu_dirfd, "live.1.gz", &o,
	    0, &res), 0, "%s", strerror(errno));
	close(live);
	close(writer);
	cr_assert_eq(res.method, FS_CT_COLLAPSED);
	cr_assert_eq(res.copied, 3 * 4096);
	cr_assert_eq(res.left, 100);
	cr_assert_eq(res.dup, 0);
	got = gunzip_all(tu_at("live.1.gz"), &len);
	cr_assert_eq(len, 3 * 4096);
	cr_assert_eq(memcmp(got, want, len), 0);
	free(got);
	got = tu_read_file(tu_at("live"), &len);
	cr_assert_eq(len, 100);
	cr_assert_eq(memcmp(got, want + 3 * 4096, 100), 0);
	free(got);
	cr_assert_eq(stat(tu_at("live.1.gz"), &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0640);
	cr_assert(!tu_exists(tu_at(".live.1.gz.mond-tmp")));
	free(want);
}

Test(compress_ct, small_log_is_truncated_whole)
{
	struct fs_ct_result res;
	struct stat st;
	char *got;
	size_t len;
	int live;

	tu_write_file(tu_at("live"), "a short log\n");
	live = open_live();
	cr_assert_eq(fstat(live, &st), 0);
	cr_assert_eq(compress_copytruncate(live, &st, tu_dirfd, "live.1.gz",
	    NULL, 0, &res), 0);
	close(live);
	cr_assert_eq(res.method, FS_CT_TRUNCATED);
	cr_assert_eq(res.copied, 12);
	got = gunzip_all(tu_at("live.1.gz"), &len);
	cr_assert_eq(len, 12);
	cr_assert_eq(memcmp(got, "a short log\n", 12), 0);
	free(got);
	got = tu_read_file(tu_at("live"), &len);
	cr_assert_not_null(got);
	cr_assert_eq(len, 0, "the live log kept %zu bytes", len);
	free(got);
}

Test(compress_ct, forced_truncate_takes_everything)
{
	struct compress_opts o = { .level = 1, .threads = 4 };
	struct fs_ct_result res;
	struct stat st;
	char *want, *got;
	size_t len, n = 5 * 1024 * 1024 + 77;
	int live;

	want = fill(tu_at("live"), n);
	live = open_live();
	cr_assert_eq(fstat(live, &st), 0);
	cr_assert_eq(compress_copytruncate(live, &st, tu_dirfd, "live.1.gz", &o,
	    FS_CT_TRUNCATE, &res), 0);
	close(live);
	cr_assert_eq(res.method, FS_CT_TRUNCATED);
	cr_assert_eq(res.copied, (off_t)n);
	got = gunzip_all(tu_at("live.1.gz"), &len);
	cr_assert_eq(len, n);
	cr_assert_eq(memcmp(got, want, n), 0);
	free(got);
	free(want);
	cr_assert_eq(stat(tu_at("live"), &st), 0);
	cr_assert_eq(st.st_size, 0);
}

Test(compress_ct, existing_target_fails_before_touching_live)
{
	struct fs_ct_result res;
	struct stat st;
	char *got;
	size_t len;
	int live;

	free(fill(tu_at("live"), 50000));
	tu_write_file(tu_at("live.1.gz"), "older archive");
	live = open_live();
	cr_assert_eq(fstat(live, &st), 0);
	cr_assert_eq(compress_copytruncate(live, &st, tu_dirfd, "live.1.gz",
	    NULL, 0, &res), -1);
	cr_assert_eq(errno, EEXIST);
	close(live);
	got = tu_read_file(tu_at("live.1.gz"), NULL);
	cr_assert_str_eq(got, "older archive");
	free(got);
	got = tu_read_file(tu_at("live"), &len);
	cr_assert_eq(len, 50000);
	free(got);
}

/* A write error (64 KiB file size limit) leaves LIVE whole, no .gz, no temp. */
static void
write_error_case(int flags)
{
	char *want = malloc(4 * 1024 * 1024), *got;
	size_t len, i;
	int status, fd;
	pid_t pid;

	unsigned long long x = 88172645463325252ULL;

	for (i = 0; i < 4 * 1024 * 1024; i++) {
		/* Noise, so the .gz can't stay under the limit. */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		want[i] = (char)(x >> 32);
	}
	fd = open(tu_at("live"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert_eq(write(fd, want, 4 * 1024 * 1024), 4 * 1024 * 1024);
	close(fd);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		struct compress_opts o = { .level = 6, .threads = 2 };
		struct rlimit rl = { 65536, 65536 };
		struct fs_ct_result res;
		struct stat st;
		int live = open(tu_at("live"), O_RDWR | O_APPEND);

		signal(SIGXFSZ, SIG_IGN);
		if (live == -1 || fstat(live, &st) == -1 ||
		    setrlimit(RLIMIT_FSIZE, &rl) == -1)
			_exit(2);
		if (compress_copytruncate(live, &st, tu_dirfd, "live.1.gz", &o,
		    flags, &res) == 0)
			_exit(3);
		_exit(errno == EFBIG ? 0 : 4);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "flags %d: child exit %d", flags, WEXITSTATUS(status));
	got = tu_read_file(tu_at("live"), &len);
	cr_assert_eq(len, 4 * 1024 * 1024, "live lost bytes");
	cr_assert_eq(memcmp(got, want, len), 0);
	free(got);
	free(want);
	cr_assert(!tu_exists(tu_at("live.1.gz")));
	cr_assert(!tu_exists(tu_at(".live.1.gz.mond-tmp")));
}

Test(compress_ct, write_error_leaves_live_whole)
{
	write_error_case(0);
	write_error_case(FS_CT_TRUNCATE);
}

/*
 * A child appends numbered lines (O_APPEND, one write each) while the
 * parent runs compress_copytruncate into live.1.gz, live.2.gz... Then the
 * .gz files in order, then the live file, must be every line once, in
 * order. Returns how many are missing (the TRUNCATE window's losses).
 */
#define RACE_LINES 60000

static int
race(const char *d, int flags, int pause_us, int *ncollapsed, int *ntrunc,
    int *ncut)
{
	struct compress_opts o = { .level = 6, .threads = 2 };
	struct fs_ct_result res;
	struct stat st;
	char name[PATH_MAX], *all = NULL, *buf;
	size_t alllen = 0, len;
	int ddfd, live, status, rounds = 0, next = 0, missing = 0, i;
	pid_t pid;

	ddfd = fs_open_dir(d);
	cr_assert_geq(ddfd, 0);
	snprintf(name, sizeof(name), "%s/live", d);
	live = open(name, O_RDWR | O_CREAT | O_APPEND, 0644);
	cr_assert_geq(live, 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		struct timespec ts = { 0, pause_us * 1000L };
		int fd = open(name, O_WRONLY | O_APPEND);
		char line[128];

		for (i = 0; i < RACE_LINES; i++) {
			int n = snprintf(line, sizeof(line), "%07d %.*s\n", i,
			    i % 61, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
			    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
			if (fd == -1 || write(fd, line, (size_t)n) != n)
				_exit(1);
			if (pause_us > 0 && i % 8 == 0)
				nanosleep(&ts, NULL);
		}
		_exit(0);
	}
	*ncollapsed = *ntrunc = 0;
	for (;;) {
		int done = waitpid(pid, &status, WNOHANG) == pid;
		snprintf(name, sizeof(name), "live.%d.gz", ++rounds);
		cr_assert_eq(fstat(live, &st), 0);
		cr_assert_eq(compress_copytruncate(live, &st, ddfd, name, &o,
		    flags, &res), 0, "round %d: %s", rounds, strerror(errno));
		cr_assert_eq(res.dup, 0);
		if (res.method == FS_CT_COLLAPSED)
			(*ncollapsed)++;
		else
			(*ntrunc)++;
		if (done)
			break;
		usleep(3000);
	}
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	for (i = 1; i <= rounds + 1; i++) {
		snprintf(name, sizeof(name), i <= rounds ? "%s/live.%d.gz" :
		    "%s/live", d, i);
		buf = i <= rounds ? gunzip_all(name, &len) :
		    tu_read_file(name, &len);
		all = realloc(all, alllen + len + 1);
		memcpy(all + alllen, buf, len);
		alllen += len;
		free(buf);
	}
	all[alllen] = '\0';
	/*
	 * A repeat fails; a gap is counted. A line cut by the TRUNCATE window
	 * (its head read, its rest landing just before the ftruncate) counts
	 * as lost; under COLLAPSE (NCUT NULL) it fails.
	 */
	if (ncut != NULL)
		*ncut = 0;
	for (char *l = all; *l != '\0'; ) {
		char *nl = strchr(l, '\n'), *end;
		long num;

		cr_assert_not_null(nl, "unterminated last line");
		num = strtol(l, &end, 10);
		if (!(end == l + 7 && *end == ' ' && num >= 0 &&
		    num < RACE_LINES && nl - l == 8 + num % 61)) {
			cr_assert_not_null(ncut, "mangled line %.*s",
			    (int)(nl - l), l);
			(*ncut)++;
			l = nl + 1;
			continue;
		}
		cr_assert_geq(num, next, "line %ld again after %d", num, next);
		missing += (int)num - next;
		next = (int)num + 1;
		l = nl + 1;
	}
	missing += RACE_LINES - next;
	cr_log_info("%s: %d rounds (%d collapsed), %d lines missing", d,
	    rounds, *ncollapsed, missing);
	free(all);
	close(live);
	close(ddfd);
	return missing;
}

Test(compress_ct, collapse_with_writer_loses_nothing)
{
	int nc, nt, missing;

	if (!collapse_fs(tu_dir))
		cr_skip_test("/tmp is neither ext4 nor xfs: no COLLAPSE_RANGE");
	missing = race(tu_dir, FS_CT_COLLAPSE_ONLY, 0, &nc, &nt, NULL);
	cr_assert_eq(missing, 0, "%d lines lost", missing);
	cr_assert_eq(nt, 0);
	cr_assert_gt(nc, 1);
}

/*
 * Forced TRUNCATE: lines can only be lost whole in the window between the
 * last read and the ftruncate, never duplicated or cut. With the writer
 * pausing every 8 lines that is about a burst per round on a quiet
 * machine; TRUNCATE_LOSS_MAX allows for a loaded one (CI runs the ASan
 * build beside other suites). Duplicated and cut lines stay forbidden.
 */
#define TRUNCATE_LOSS_MAX	32
Test(compress_ct, truncate_with_writer_never_duplicates)
{
	int nc, nt, missing, cut;

	missing = race(tu_dir, FS_CT_TRUNCATE, 100, &nc, &nt, &cut);
	cr_assert_eq(nc, 0);
	cr_assert_gt(nt, 1);
	cr_assert_leq(missing, TRUNCATE_LOSS_MAX * nt,
	    "%d lines lost in %d rounds", missing, nt);
	cr_assert_leq(cut, nt, "%d lines cut in %d rounds", cut, nt);
}

Test(compress_ct, tmpfs_falls_back_to_truncate)
{
	char d[] = "/dev/shm/mond-test.XXXXXX";
	struct statfs s;
	int nc, nt, missing, cut;

	if (mkdtemp(d) == NULL)
		cr_skip_test("no /dev/shm: %s", strerror(errno));
	if (statfs(d, &s) == -1 || s.f_type != TMPFS_MAGIC) {
		tu_rmtree(d);
		cr_skip_test("/dev/shm is not tmpfs");
	}
	missing = race(d, 0, 100, &nc, &nt, &cut);
	tu_rmtree(d);
	cr_assert_eq(nc, 0, "tmpfs has no COLLAPSE_RANGE");
	cr_assert_gt(nt, 1);
	cr_assert_leq(missing, TRUNCATE_LOSS_MAX * nt,
	    "%d lines lost in %d rounds", missing, nt);
	cr_assert_leq(cut, nt, "%d lines cut in %d rounds", cut, nt);
}

/* The default on ext4/xfs: COLLAPSE, and TRUNCATE for a log under 2 blocks. */
Test(compress_ct, default_with_writer_never_duplicates)
{
	int nc, nt, missing, cut;

	if (!collapse_fs(tu_dir))
		cr_skip_test("/tmp is neither ext4 nor xfs: no COLLAPSE_RANGE");
	missing = race(tu_dir, 0, 100, &nc, &nt, &cut);
	cr_assert_gt(nc, 0);
	cr_assert_leq(missing, TRUNCATE_LOSS_MAX * nt, "%d lines lost in %d truncations",
	    missing, nt);
	cr_assert_leq(cut, nt);
}

/*
 * COLLAPSE_ONLY where the file system can't collapse (tmpfs): the .gz was
 * made, the collapse fails, so the .gz goes again and LIVE keeps it all.
 */
Test(compress_ct, collapse_only_on_tmpfs_undoes_the_gz)
{
	char d[] = "/dev/shm/mond-test.XXXXXX", path[PATH_MAX], *want, *got;
	struct fs_ct_result res;
	struct statfs s;
	struct stat st;
	size_t len;
	int sdfd, live, rc, save;

	if (mkdtemp(d) == NULL)
		cr_skip_test("no /dev/shm: %s", strerror(errno));
	if (statfs(d, &s) == -1 || s.f_type != TMPFS_MAGIC) {
		tu_rmtree(d);
		cr_skip_test("/dev/shm is not tmpfs");
	}
	snprintf(path, sizeof(path), "%s/live", d);
	want = fill(path, 200000);
	sdfd = fs_open_dir(d);
	live = open(path, O_RDWR | O_APPEND);
	cr_assert_eq(fstat(live, &st), 0);
	rc = compress_copytruncate(live, &st, sdfd, "live.1.gz", NULL,
	    FS_CT_COLLAPSE_ONLY, &res);
	save = errno;
	close(live);
	close(sdfd);
	got = tu_read_file(path, &len);
	snprintf(path, sizeof(path), "%s/live.1.gz", d);
	cr_assert(!tu_exists(path), ".gz left behind");
	snprintf(path, sizeof(path), "%s/.live.1.gz.mond-tmp", d);
	cr_assert(!tu_exists(path), "temporary left behind");
	tu_rmtree(d);
	cr_assert_eq(rc, -1);
	cr_assert_eq(save, EOPNOTSUPP, "%s", strerror(save));
	cr_assert_eq(len, 200000);
	cr_assert_eq(memcmp(got, want, len), 0);
	free(got);
	free(want);
}
