/*
 * test_durable.c: engine/durable.c, crash safety's home: the names of
 * mond's own files (byte for byte what earlier versions left, so a new
 * mond recovers an old one's leftovers), the write-then-rename, create's
 * exchange, and what the per-directory recovery makes of leftovers.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conf/conf.h"
#include "engine/durable.h"
#include "engine/recover.h"
#include "util/fsutil.h"
#include "tests/testutil.h"

TestSuite(durable, .init = tu_dirfd_init, .fini = tu_fini);

Test(durable, names_are_the_ones_on_disk)
{
	static const struct { enum durable_kind kind; const char *name; }
	    want[] = {
		{ DURABLE_TMP, ".a.log.mond-tmp" },
		{ DURABLE_SWAP, ".a.log.mond-swap" },
		{ DURABLE_COPY, ".a.log.mond-copy" },
		{ DURABLE_GZCOPY, ".a.log.mond-copy.gz" },
	};
	char buf[NAME_MAX + 1], longname[NAME_MAX + 1];
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		cr_assert_eq(durable_name(want[i].kind, "a.log", buf,
		    sizeof(buf)), 0);
		cr_assert_str_eq(buf, want[i].name);
	}
	/* A log name that fits leaves no room for ours: refused, not cut. */
	memset(longname, 'x', NAME_MAX - 5);
	longname[NAME_MAX - 5] = '\0';
	cr_assert_eq(durable_name(DURABLE_TMP, longname, buf, sizeof(buf)), -1);
	cr_assert_eq(errno, ENAMETOOLONG);
}

Test(durable, commit_puts_in_place_never_over_a_file)
{
	struct fs_attr a = { 0640, (uid_t)-1, (gid_t)-1 };
	struct durable_file f;

	tu_write_file(tu_at("s"), "old\n");
	cr_assert_eq(durable_create(&f, DURABLE_TMP, tu_dirfd, "s", &a), 0);
	cr_assert_eq(fs_write_all(f.fd, "new\n", 4), 0);
	cr_assert_eq(durable_commit(&f, "s", 0), -1);
	cr_assert_eq(errno, EEXIST);
	tu_assert_file(tu_at("s"), "old\n");
	/* Not published: the abort takes the temporary, nothing else. */
	cr_assert_eq(f.published, false);
	durable_abort(&f);
	cr_assert(!tu_exists(tu_at(".s.mond-tmp")));
	tu_assert_file(tu_at("s"), "old\n");

	cr_assert_eq(durable_create(&f, DURABLE_TMP, tu_dirfd, "s", &a), 0);
	cr_assert_eq(fs_write_all(f.fd, "new\n", 4), 0);
	cr_assert_eq(durable_commit(&f, "s", DURABLE_REPLACE), 0, "%s",
	    strerror(errno));
	cr_assert_eq(f.fd, -1);
	tu_assert_file(tu_at("s"), "new\n");
	cr_assert(!tu_exists(tu_at(".s.mond-tmp")));
}

Test(durable, abort_keeps_what_was_published_discard_does_not)
{
	struct fs_attr a = { 0600, (uid_t)-1, (gid_t)-1 };
	struct durable_file f;

	cr_assert_eq(durable_create(&f, DURABLE_TMP, tu_dirfd, "p.gz", &a), 0);
	cr_assert_eq(fs_write_all(f.fd, "z", 1), 0);
	cr_assert_eq(durable_publish(&f, "p.gz", 0), 0, "%s", strerror(errno));
	cr_assert_str_eq(f.name, "p.gz");
	cr_assert_neq(f.fd, -1, "publish closed the file");
	errno = EIO;
	cr_assert_eq(durable_abort(&f), -1);
	cr_assert_eq(errno, EIO, "abort lost the caller's errno");
	tu_assert_file(tu_at("p.gz"), "z");

	cr_assert_eq(durable_create(&f, DURABLE_TMP, tu_dirfd, "q.gz", &a), 0);
	cr_assert_eq(durable_publish(&f, "q.gz", 0), 0);
	durable_discard(&f);
	cr_assert(!tu_exists(tu_at("q.gz")));
}

Test(durable, a_held_copy_is_never_replaced)
{
	struct fs_attr a = { 0600, (uid_t)-1, (gid_t)-1 };
	struct durable_file f;

	tu_write_file(tu_at(".a.log.mond-copy"), "only home of these lines\n");
	cr_assert_eq(durable_create(&f, DURABLE_COPY, tu_dirfd, "a.log", &a),
	    -1);
	cr_assert_eq(errno, EEXIST);
	tu_assert_file(tu_at(".a.log.mond-copy"), "only home of these lines\n");
	cr_assert_eq(durable_create(&f, DURABLE_SWAP, tu_dirfd, "a.log", &a),
	    -1, "a swap made outside durable_swap");
	cr_assert_eq(errno, EINVAL);
}

Test(durable, swap_moves_old_and_leaves_new)
{
	struct fs_attr a = { 0640, (uid_t)-1, (gid_t)-1 };
	struct stat st;

	tu_write_file(tu_at("a.log"), "old contents\n");
	cr_assert_eq(durable_swap(tu_dirfd, "a.log", tu_dirfd, "a.log.1", &a,
	    0), 0, "%s", strerror(errno));
	tu_assert_file(tu_at("a.log.1"), "old contents\n");
	cr_assert_eq(tu_file_len(tu_at("a.log")), 0);
	cr_assert_eq(stat(tu_at("a.log"), &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0640);
	cr_assert(!tu_exists(tu_at(".a.log.mond-swap")));
}

/* A swap of a.log to a.log.1 refused (EEXIST) since NAME holds data. */
static void
swap_refused_by(const char *name)
{
	struct fs_attr a = { 0640, (uid_t)-1, (gid_t)-1 };

	tu_write_file(tu_at("a.log"), "live\n");
	tu_write_file(tu_at(name), "older\n");
	cr_assert_eq(durable_swap(tu_dirfd, "a.log", tu_dirfd, "a.log.1", &a,
	    0), -1);
	cr_assert_eq(errno, EEXIST);
	tu_assert_file(tu_at("a.log"), "live\n");
	tu_assert_file(tu_at(name), "older\n");
}

Test(durable, swap_refuses_existing_old_name)
{
	swap_refused_by("a.log.1");
	cr_assert(!tu_exists(tu_at(".a.log.mond-swap")));
}

/*
 * The swap race's shared page. A look the watcher made while a swap ran
 * is the only kind that tests anything, so the swapper counts the swaps
 * during which the watcher's count of looks moved, and goes on until
 * enough did.
 */
struct swap_watch {
	atomic_int	stop;		/* the swapper is done */
	atomic_long	looks;		/* fstatat calls made */
	atomic_long	misses;		/* of those, finding no a.log */
};

/*
 * Swaps a look must have fallen in. On a loaded machine (CI runs suites
 * side by side on two CPUs) the two sides rarely run at once: 161 of
 * 20000 swaps overlapped in one such run, so the swapper may go on long.
 */
#define SWAPS_OVERLAPPED	100
#define SWAPS_AT_MOST		100000	/* give up (and fail) after these */

/* The watcher: looks at a.log until told to stop, or its parent dies. */
static void
watch_name(struct swap_watch *w, pid_t parent)
{
	struct stat st;

	/* A failed assert ends the swapper without telling us to stop. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 || getppid() != parent)
		_exit(1);
	while (!atomic_load(&w->stop)) {
		if (fstatat(tu_dirfd, "a.log", &st, AT_SYMLINK_NOFOLLOW) == -1)
			atomic_fetch_add(&w->misses, 1);
		atomic_fetch_add(&w->looks, 1);
	}
	_exit(0);
}

/* Swaps a.log until SWAPS_OVERLAPPED swaps overlapped a look; how many. */
static int
swap_race(int flags)
{
	struct fs_attr a = { 0644, (uid_t)-1, (gid_t)-1 };
	struct swap_watch *w;
	int swaps, overlapped = 0;
	char old[32];
	pid_t pid, parent = getpid();

	tu_write_file(tu_at("a.log"), "0\n");
	w = mmap(NULL, sizeof(*w), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(w, MAP_FAILED);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0)
		watch_name(w, parent);
	/* Swaps before the watcher runs would count for nothing. */
	while (atomic_load(&w->looks) == 0)
		sched_yield();
	for (swaps = 0; overlapped < SWAPS_OVERLAPPED &&
	    swaps < SWAPS_AT_MOST; swaps++) {
		long looks_before = atomic_load(&w->looks);

		snprintf(old, sizeof(old), "a.log.%d", swaps + 1);
		cr_assert_eq(durable_swap(tu_dirfd, "a.log", tu_dirfd, old,
		    &a, flags), 0, "%s", strerror(errno));
		/* Moved past one more look: that look began inside. */
		if (atomic_load(&w->looks) > looks_before + 1)
			overlapped++;
	}
	atomic_store(&w->stop, 1);
	cr_assert_eq(waitpid(pid, NULL, 0), pid);
	cr_log_info("swap race: %d swaps, %d with a look inside, %ld looks",
	    swaps, overlapped, atomic_load(&w->looks));
	cr_assert_eq(atomic_load(&w->misses), 0, "a.log was missing %ld "
	    "times", atomic_load(&w->misses));
	cr_assert_geq(overlapped, SWAPS_OVERLAPPED, "only %d of %d swaps had "
	    "a look inside", overlapped, swaps);
	cr_assert_eq(munmap(w, sizeof(*w)), 0);
	return swaps;
}

Test(durable, swap_never_leaves_path_missing)
{
	swap_race(0);
}

Test(durable, swap_link_fallback_never_leaves_path_missing)
{
	char last[32];

	snprintf(last, sizeof(last), "a.log.%d", swap_race(DURABLE_SWAP_LINK));
	tu_assert_file(tu_at(last), "");
}

Test(durable, swap_link_fallback_moves_old)
{
	struct fs_attr a = { 0600, (uid_t)-1, (gid_t)-1 };
	struct stat st;

	tu_write_file(tu_at("a.log"), "old contents\n");
	cr_assert_eq(durable_swap(tu_dirfd, "a.log", tu_dirfd, "a.log.1", &a,
	    DURABLE_SWAP_LINK), 0, "%s", strerror(errno));
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

Test(durable, recover_swaps_keeps_data_drops_empty)
{
	char seen[256] = "";

	tu_write_file(tu_at(".a.log.mond-swap"), "old\n");
	tu_write_file(tu_at(".e.log.mond-swap"), "");
	cr_assert_eq(durable_clean_temps(tu_dirfd), 0,
	    "clean_temps took a swap file");
	cr_assert(tu_exists(tu_at(".a.log.mond-swap")));
	cr_assert_eq(durable_recover_swaps(tu_dirfd, recovered, seen), 2);
	tu_assert_file(tu_at("a.log.mond-recovered"), "old\n");
	cr_assert(!tu_exists(tu_at(".a.log.mond-swap")));
	cr_assert(!tu_exists(tu_at(".e.log.mond-swap")));
	cr_assert_str_eq(seen, ".a.log.mond-swap>a.log.mond-recovered:0");
}

Test(durable, swap_keeps_a_nonempty_leftover)
{
	swap_refused_by(".a.log.mond-swap");
}

Test(durable, create_tmp_replaces_a_leftover_and_write_all_writes)
{
	struct fs_attr a = { 0640, (uid_t)-1, (gid_t)-1 };
	struct durable_file f;
	struct stat st;

	tu_write_file(tu_at(".s.mond-tmp"), "stale partial copy");
	cr_assert_eq(durable_create(&f, DURABLE_TMP, tu_dirfd, "s", &a), 0,
	    "%s", strerror(errno));
	cr_assert_str_eq(f.name, ".s.mond-tmp");
	cr_assert_eq(fs_write_all(f.fd, "new\n", 4), 0);
	close(f.fd);
	tu_assert_file(tu_at(".s.mond-tmp"), "new\n");
	cr_assert_eq(stat(tu_at(".s.mond-tmp"), &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0640);
}

Test(durable, clean_temps_removes_only_ours)
{
	struct stat st;

	tu_write_file(tu_at(".a.log.mond-tmp"), "x");
	tu_write_file(tu_at(".a.log.1.gz.mond-tmp"), "x");
	tu_write_file(tu_at("a.log"), "x");
	tu_write_file(tu_at("b.mond-tmp"), "x");
	cr_assert_eq(symlink(tu_at("a.log"), tu_at(".c.mond-tmp")), 0);
	cr_assert_eq(mkdir(tu_at(".d.mond-tmp"), 0700), 0);
	cr_assert_eq(durable_clean_temps(tu_dirfd), 2);
	cr_assert(!tu_exists(tu_at(".a.log.mond-tmp")));
	cr_assert(!tu_exists(tu_at(".a.log.1.gz.mond-tmp")));
	cr_assert(tu_exists(tu_at("a.log")));
	cr_assert(tu_exists(tu_at("b.mond-tmp")));
	cr_assert(tu_exists(tu_at(".d.mond-tmp")));
	/* A symlink is never followed, nor removed as ours. */
	cr_assert_eq(lstat(tu_at(".c.mond-tmp"), &st), 0);
}


/* The recovery table, per log: each leftover is settled once. */
Test(durable, recovery_settles_each_leftover_once)
{
	struct log_rule ct = { .copytruncate = true, .start = 1 };
	struct log_rule rc = { .renamecopy = true, .start = 1 };

	tu_write_file(tu_at("a.log"), "new\n");
	tu_write_file(tu_at(".a.log.mond-copy"), "lines only here\n");
	tu_write_file(tu_at("b.log"), "b\n");
	tu_write_file(tu_at("b.log.tmp"), "renamed, never copied\n");
	cr_assert_eq(recover_log(&ct, tu_at("a.log"), tu_dir), 1);
	cr_assert_eq(recover_log(&rc, tu_at("b.log"), tu_dir), 1);
	tu_assert_file(tu_at("a.log.mond-recovered"), "lines only here\n");
	tu_assert_file(tu_at("b.log.mond-recovered"), "renamed, never copied\n");
	/* Run again, each finds nothing to settle and moves nothing. */
	cr_assert_eq(recover_log(&ct, tu_at("a.log"), tu_dir), 0);
	cr_assert_eq(recover_log(&rc, tu_at("b.log"), tu_dir), 0);
	cr_assert_not(tu_exists(tu_at("a.log.mond-recovered.1")));
	cr_assert_not(tu_exists(tu_at("b.log.mond-recovered.1")));
	tu_assert_file(tu_at("a.log"), "new\n");
	tu_assert_file(tu_at("b.log"), "b\n");
}

static int
listed(const char *name, void *arg)
{
	const char *const *names = arg;

	for (; *names != NULL; names++)
		if (strcmp(*names, name) == 0)
			return 1;
	return 0;
}

/* recover_wanted asks the listing for exactly the table's leftovers. */
Test(durable, recovery_is_wanted_for_its_leftovers_only)
{
	struct log_rule ct = { .copytruncate = true, .start = 1 };
	struct log_rule gz = { .compress = true, .start = 1 };
	struct log_rule gzdelay = { .compress = true, .delaycompress = true,
	    .start = 1 };
	struct log_rule rc_olddir = { .renamecopy = true, .start = 1,
	    .olddir = "old" };
	const char *clean[] = { "a.log", "a.log.2.gz", ".b.log.mond-copy", NULL };
	const char *copy[] = { "a.log", ".a.log.mond-copy", NULL };
	const char *gzcopy[] = { "a.log", ".a.log.mond-copy.gz", NULL };
	const char *slot1[] = { "a.log", "a.log.1", NULL };

	cr_assert_eq(recover_wanted(&ct, "a.log", listed, clean), 0);
	cr_assert_eq(recover_wanted(&ct, "a.log", listed, copy), 1);
	cr_assert_eq(recover_wanted(&ct, "a.log", listed, gzcopy), 1);
	cr_assert_eq(recover_wanted(&gz, "a.log", listed, slot1), 1);
	cr_assert_eq(recover_wanted(&gzdelay, "a.log", listed, slot1), 0,
	    "with delaycompress .1 stays plain");
	cr_assert_eq(recover_wanted(&gz, "a.log", listed, copy), 0);
	/* LOG.tmp is in the log's dir, which this listing is not. */
	cr_assert_eq(recover_wanted(&rc_olddir, "a.log", listed, clean), 1);
}
