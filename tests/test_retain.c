/*
 * test_retain.c: `maxtotal`, retention by bytes, through the real binary:
 * after each rotation the oldest rotated files go until the rest fit, the
 * newest always stays, compressed sizes are what count, and a failing
 * preremove keeps its file; minfree on a small tmpfs that really fills.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <limits.h>
#include <time.h>

#include "conf/conf.h"
#include "engine/pass.h"
#include "engine/state.h"
#include "tests/testutil.h"

TestSuite(retain, .init = tu_mond_init, .fini = tu_fini);

/* LEN bytes of one repeated line into PATH. */
static void
write_bytes(const char *path, size_t len)
{
	char *text = malloc(len + 1);
	size_t i;

	cr_assert_not_null(text);
	for (i = 0; i < len; i++)
		text[i] = i % 30 == 29 ? '\n' : (char)('a' + i % 26);
	text[len] = '\0';
	tu_write_file(path, text);
	free(text);
}

/* ROUNDS forced rotations of LOG, LEN bytes written before each. */
static char *
rotate_rounds(const char *log, size_t len, int rounds)
{
	const char *argv[] = { "-c", tu_conf, "--force-rotate", NULL };
	struct tu_run run;
	char *err = strdup("");
	int i;

	for (i = 0; i < rounds; i++) {
		char *e;

		write_bytes(log, len);
		run = tu_run_mond(argv);
		cr_assert_eq(run.status, 0, "round %d: %s", i, run.err);
		cr_assert(asprintf(&e, "%s%s", err, run.err) != -1);
		free(err);
		err = e;
		tu_run_free(&run);
	}
	return err;
}

static void
conf_with(const char *log, const char *opts)
{
	char *stanza;

	cr_assert(asprintf(&stanza, "log \"%s\" {\n rotate = 10\n%s}\n", log,
	    opts) != -1);
	tu_mond_conf(stanza, NULL);
	free(stanza);
}

Test(retain, the_oldest_go_until_the_rest_fit)
{
	char *log = tu_path(tu_dir, "a.log"), *err;

	conf_with(log, " maxtotal = 1000\n");
	err = rotate_rounds(log, 300, 6);
	/* 300 bytes each: three fit in 1000, the three older ones went */
	cr_assert(tu_exists(tu_at("a.log.1")));
	cr_assert(tu_exists(tu_at("a.log.2")));
	cr_assert(tu_exists(tu_at("a.log.3")));
	cr_assert(!tu_exists(tu_at("a.log.4")), "a.log.4 kept: %s", err);
	cr_assert(!tu_exists(tu_at("a.log.5")));
	cr_assert(!tu_exists(tu_at("a.log.6")));
	cr_assert_not_null(strstr(err, "over maxtotal 1000"), "%s", err);
	free(err);
	free(log);
}

Test(retain, the_newest_stays_even_alone_over_the_limit)
{
	char *log = tu_path(tu_dir, "a.log"), *err;

	conf_with(log, " maxtotal = 100\n");
	err = rotate_rounds(log, 300, 2);
	cr_assert(tu_exists(tu_at("a.log.1")), "the newest went: %s", err);
	cr_assert(!tu_exists(tu_at("a.log.2")), "%s", err);
	free(err);
	free(log);
}

Test(retain, compressed_sizes_are_what_count)
{
	char *log = tu_path(tu_dir, "a.log"), *err;
	int i;

	/* 6 x 20 kB would not fit in 10 kB; gzipped, each is under 1 kB */
	conf_with(log, " maxtotal = 10k\n compress = yes\n");
	err = rotate_rounds(log, 20000, 6);
	for (i = 1; i <= 6; i++) {
		char name[32];

		snprintf(name, sizeof(name), "a.log.%d.gz", i);
		cr_assert(tu_exists(tu_at(name)), "%s went: %s", name, err);
	}
	free(err);
	free(log);
}

Test(retain, a_failing_preremove_keeps_its_file)
{
	char *log = tu_path(tu_dir, "a.log"), *err;

	conf_with(log, " maxtotal = 100\n preremove = \"exit 1\"\n");
	err = rotate_rounds(log, 300, 2);
	cr_assert(tu_exists(tu_at("a.log.2")), "removed despite preremove");
	cr_assert_not_null(strstr(err, "error running preremove script"),
	    "%s", err);
	free(err);
	free(log);
}

/*
 * copy + compress stamps each .gz with the log's mtime: two rotations
 * with no write between make twins. The one just made stays (the review
 * found it removed and the older kept); its twin, as new, stays too.
 */
Test(retain, the_file_just_made_stays_when_mtimes_tie)
{
	const char *argv[] = { "-c", tu_conf, "--force-rotate", NULL };
	char *log = tu_path(tu_dir, "a.log");
	struct tu_run run;
	int i;

	conf_with(log, " maxtotal = 10\n copy = yes\n compress = yes\n");
	write_bytes(log, 300);
	for (i = 0; i < 2; i++) {
		run = tu_run_mond(argv);
		cr_assert_eq(run.status, 0, "%s", run.err);
		tu_run_free(&run);
	}
	cr_assert(tu_exists(tu_at("a.log.1.gz")), "the newest went");
	cr_assert(tu_exists(tu_at("a.log.2.gz")), "its twin went");
	free(log);
}

/* A file its preremove keeps still counts; the next oldest goes instead. */
Test(retain, a_file_kept_by_preremove_does_not_stop_the_trim)
{
	const char *argv[] = { "-c", tu_conf, "--force-rotate", NULL };
	struct timespec old[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
	struct timespec mid[2] = { { 1100000000, 0 }, { 1100000000, 0 } };
	char *log = tu_path(tu_dir, "a.log");
	struct tu_run run;

	conf_with(log, " maxtotal = 700\n"
	    " preremove = \"! grep -q STUCK \\\"$1\\\"\"\n");
	tu_write_file(tu_at("a.log.3"), "STUCK\n");
	cr_assert_eq(utimensat(AT_FDCWD, tu_at("a.log.3"), old, 0), 0);
	write_bytes(tu_at("a.log.2"), 300);
	cr_assert_eq(utimensat(AT_FDCWD, tu_at("a.log.2"), mid, 0), 0);
	write_bytes(tu_at("a.log.1"), 300);
	write_bytes(log, 300);
	run = tu_run_mond(argv);
	cr_assert_eq(run.status, 0, "%s", run.err);
	/* shifted: STUCK is a.log.4, kept; a.log.3 went; 606 bytes left */
	cr_assert(tu_exists(tu_at("a.log.4")), "%s", run.err);
	cr_assert(!tu_exists(tu_at("a.log.3")), "the trim stopped at the "
	    "kept file: %s", run.err);
	cr_assert(tu_exists(tu_at("a.log.2")) && tu_exists(tu_at("a.log.1")));
	tu_run_free(&run);
	free(log);
}

/*
 * Rotations within one clock tick tie on mtime; their names then say which
 * is older: of one date, the plain name, then .2 before .10 (by number,
 * not as strings).
 */
Test(retain, tied_dated_names_go_in_counter_order)
{
	const char *argv[] = { "-c", tu_conf, "--force-rotate", NULL };
	struct timespec tick[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
	const char *tied[] = { "a.log-20200101", "a.log-20200101.2",
	    "a.log-20200101.10" };
	char *log = tu_path(tu_dir, "a.log");
	struct tu_run run;
	size_t i;

	conf_with(log, " maxtotal = 700\n dateext = yes\n");
	for (i = 0; i < 3; i++) {
		write_bytes(tu_at(tied[i]), 300);
		cr_assert_eq(utimensat(AT_FDCWD, tu_at(tied[i]), tick, 0), 0);
	}
	write_bytes(log, 300);
	run = tu_run_mond(argv);
	cr_assert_eq(run.status, 0, "%s", run.err);
	/* 1200 bytes: the two oldest go, 600 are left */
	cr_assert(!tu_exists(tu_at("a.log-20200101")), "%s", run.err);
	cr_assert(!tu_exists(tu_at("a.log-20200101.2")), ".2 kept, so .10 "
	    "was taken for older: %s", run.err);
	cr_assert(tu_exists(tu_at("a.log-20200101.10")), "%s", run.err);
	tu_run_free(&run);
	free(log);
}

/* A preremove that moves the file away has done the removal. */
Test(retain, a_preremove_that_moves_the_file_removed_it)
{
	char *log = tu_path(tu_dir, "a.log"), *arch = tu_path(tu_dir, "arch");
	char *opts, *err;

	cr_assert_eq(mkdir(arch, 0755), 0);
	cr_assert(asprintf(&opts, " maxtotal = 700\n"
	    " preremove = \"mv \\\"$1\\\" %s/\"\n", arch) != -1);
	conf_with(log, opts);
	err = rotate_rounds(log, 300, 5);
	cr_assert_null(strstr(err, "maxtotal: remove"), "%s", err);
	cr_assert(!tu_exists(tu_at("a.log.3")), "%s", err);
	cr_assert(tu_exists(tu_at("arch/a.log.3")), "%s", err);
	free(err);
	free(opts);
	free(arch);
	free(log);
}

Test(retain, maxtotal_zero_or_with_shred_or_mail_is_refused)
{
	const char *argv[] = { "-t", "-c", tu_conf, NULL };
	char *log = tu_path(tu_dir, "a.log");
	struct tu_run run;

	conf_with(log, " maxtotal = 0\n");
	run = tu_run_mond(argv);
	cr_assert_eq(run.status, 1);
	cr_assert_not_null(strstr(run.err, "maxtotal must be more than 0"),
	    "%s", run.err);
	tu_run_free(&run);
	conf_with(log, " maxtotal = 1M\n shred = yes\n");
	run = tu_run_mond(argv);
	cr_assert_eq(run.status, 1);
	cr_assert_not_null(strstr(run.err, "maxtotal with shred"), "%s",
	    run.err);
	tu_run_free(&run);
	conf_with(log, " maxtotal = 1M\n mail = \"root@localhost\"\n");
	run = tu_run_mond(argv);
	cr_assert_eq(run.status, 1);
	cr_assert_not_null(strstr(run.err, "maxtotal with mail"), "%s",
	    run.err);
	tu_run_free(&run);
	free(log);
}

Test(retain, minfree_takes_a_percentage_or_a_size)
{
	static const struct { const char *v, *err; } cases[] = {
		{ "\"5%\"", NULL }, { "2G", NULL },
		{ "\"0%\"", "expected 1% to 99%" },
		{ "\"100%\"", "expected 1% to 99%" },
		{ "0", "must be more than 0" }, { "\"5x\"", "bad size" },
	};
	const char *argv[] = { "-t", "-c", tu_conf, NULL };
	struct tu_run run;
	char top[64];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tu_conf c = { .top = top };

		snprintf(top, sizeof(top), "minfree = %s\n", cases[i].v);
		tu_mond_conf(NULL, &c);
		run = tu_run_mond(argv);
		cr_assert_eq(run.status, cases[i].err == NULL ? 0 : 1, "%s: %s",
		    cases[i].v, run.err);
		if (cases[i].err != NULL)
			cr_assert_not_null(strstr(run.err, cases[i].err), "%s: %s",
			    cases[i].v, run.err);
		tu_run_free(&run);
	}
}

/* ---------------------------------------------------------------------- */
/* minfree, on a 1 MiB tmpfs where free space really runs out             */

static char *mnt;		/* the tmpfs, unmounted by its test's end */

static void
mount_small_fs(void)
{
	tu_need_root("mounts a tmpfs");
	mnt = tu_path(tu_dir, "fs");
	cr_assert_eq(mkdir(mnt, 0755), 0);
	if (mount("tmpfs", mnt, "tmpfs", 0, "size=1m,mode=0755") == -1)
		cr_skip_test("cannot mount a tmpfs here: %s", strerror(errno));
}

static void
unmount_small_fs(void)
{
	if (mnt != NULL && umount2(mnt, MNT_DETACH) == -1)
		fprintf(stderr, "umount %s: %s\n", mnt, strerror(errno));
	free(mnt);
	mnt = NULL;
}

/* MNT/NAME, 100 KiB, with mtime T. */
static void
rotated_file(const char *name, time_t t)
{
	struct timespec ts[2] = { { t, 0 }, { t, 0 } };
	char *path = tu_path(mnt, name);

	write_bytes(path, 100 * 1024);
	cr_assert_eq(utimensat(AT_FDCWD, path, ts, 0), 0);
	free(path);
}

static long long
free_bytes(void)
{
	struct statvfs sv;

	cr_assert_eq(statvfs(mnt, &sv), 0);
	return (long long)sv.f_bavail * (long long)sv.f_frsize;
}

static void
minfree_conf(void)
{
	char *stanzas;
	struct tu_conf c = { .top = "minfree = \"50%\"\n" };

	cr_assert(asprintf(&stanzas, "log \"%s/a.log\" {\n size = 1G\n"
	    " rotate = 10\n}\nlog \"%s/b.log\" {\n size = 1G\n rotate = 10\n}\n",
	    mnt, mnt) != -1);
	tu_mond_conf(stanzas, &c);
	free(stanzas);
}

Test(retain, minfree_takes_the_oldest_rotated_files_across_logs,
    .fini = unmount_small_fs)
{
	const char *argv[] = { "-c", tu_conf, "--once", NULL };
	static const char *const order[] = { "b.log.4", "a.log.4", "b.log.3",
	    "a.log.3", "b.log.2", "a.log.2", "b.log.1", "a.log.1" };
	struct tu_run run;
	char *p;
	size_t i;

	mount_small_fs();
	for (i = 0; i < 8; i++)
		rotated_file(order[i], 1700000000 + (time_t)i * 60);
	p = tu_path(mnt, "a.log");
	write_bytes(p, 1000);
	free(p);
	p = tu_path(mnt, "b.log");
	write_bytes(p, 1000);
	free(p);
	cr_assert_lt(free_bytes(), 512 * 1024, "the fs is not short yet");
	minfree_conf();
	run = tu_run_mond(argv);
	cr_assert_eq(run.status, 0, "%s", run.err);
	cr_assert_geq(free_bytes(), 512 * 1024, "still short: %s", run.err);
	/* the oldest went first, whichever log they were of */
	cr_assert(!tu_exists(tu_at("fs/b.log.4")), "%s", run.err);
	cr_assert(!tu_exists(tu_at("fs/a.log.4")), "%s", run.err);
	for (i = 4; i < 8; i++) {
		p = tu_path(mnt, order[i]);
		cr_assert(tu_exists(p), "%s went before older ones", order[i]);
		free(p);
	}
	cr_assert(tu_exists(tu_at("fs/a.log")) && tu_exists(tu_at("fs/b.log")));
	cr_assert_not_null(strstr(run.err, "under minfree"), "%s", run.err);
	tu_run_free(&run);
}

Test(retain, minfree_never_takes_a_live_log_or_the_newest,
    .fini = unmount_small_fs)
{
	const char *argv[] = { "-c", tu_conf, "--once", NULL };
	struct tu_run run;
	char *p;

	mount_small_fs();
	rotated_file("a.log.2", 1700000000);
	rotated_file("a.log.1", 1700000060);
	rotated_file("b.log.1", 1700000120);
	p = tu_path(mnt, "ballast");	/* not a log: never touched */
	write_bytes(p, 600 * 1024);
	free(p);
	p = tu_path(mnt, "a.log");
	write_bytes(p, 1000);
	free(p);
	p = tu_path(mnt, "b.log");
	write_bytes(p, 1000);
	free(p);
	minfree_conf();
	run = tu_run_mond(argv);
	cr_assert_eq(run.status, 0, "%s", run.err);
	cr_assert(!tu_exists(tu_at("fs/a.log.2")), "%s", run.err);
	cr_assert(tu_exists(tu_at("fs/a.log.1")), "a's newest went");
	cr_assert(tu_exists(tu_at("fs/b.log.1")), "b's newest went");
	cr_assert(tu_exists(tu_at("fs/a.log")));
	cr_assert(tu_exists(tu_at("fs/ballast")));
	cr_assert_not_null(strstr(run.err, "no rotated file left"), "%s",
	    run.err);
	tu_run_free(&run);
}

/*
 * Names do not always tell which is newest: with this dateformat the
 * newer date sorts first. Twins by mtime both stay (the review found the
 * newer removed).
 */
Test(retain, minfree_keeps_twins_of_the_newest_whatever_their_names,
    .fini = unmount_small_fs)
{
	const char *argv[] = { "-c", tu_conf, "--once", NULL };
	struct tu_conf c = { .top = "minfree = \"50%\"\n" };
	struct tu_run run;
	char *p, *stanza;

	mount_small_fs();
	rotated_file("a.log-15062023", 1600000000);
	rotated_file("a.log-31122023", 1700000000);
	rotated_file("a.log-02012024", 1700000000);
	p = tu_path(mnt, "ballast");
	write_bytes(p, 600 * 1024);
	free(p);
	p = tu_path(mnt, "a.log");
	write_bytes(p, 1000);
	free(p);
	cr_assert(asprintf(&stanza, "log \"%s/a.log\" {\n size = 1G\n"
	    " rotate = 10\n dateext = yes\n dateformat = \"-%%d%%m%%Y\"\n}\n",
	    mnt) != -1);
	tu_mond_conf(stanza, &c);
	run = tu_run_mond(argv);
	cr_assert_eq(run.status, 0, "%s", run.err);
	cr_assert(!tu_exists(tu_at("fs/a.log-15062023")), "%s", run.err);
	cr_assert(tu_exists(tu_at("fs/a.log-02012024")), "the newest went");
	cr_assert(tu_exists(tu_at("fs/a.log-31122023")), "its twin went");
	tu_run_free(&run);
	free(stanza);
}

/* MNT/NAME.*: the bytes of NAME's rotated files on disk, by st_size. */
static long long
kept_on_disk(const char *name)
{
	static const char *const all[] = { "1", "2", "3", "4" };
	long long sum = 0;
	struct stat st;
	size_t i;
	char *p;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		cr_assert(asprintf(&p, "%s/%s.%s", mnt, name, all[i]) != -1);
		if (stat(p, &st) == 0)
			sum += (long long)st.st_size;
		free(p);
	}
	return sum;
}

/*
 * What the pass reports each log keeps is what is left once minfree took
 * files, not what it listed before; and the report names the tmpfs, by
 * its mount point, as the one file system of the logs.
 */
Test(retain, the_report_counts_what_minfree_left, .fini = unmount_small_fs)
{
	static const char *const order[] = { "b.log.4", "a.log.4", "b.log.3",
	    "a.log.3", "b.log.2", "a.log.2", "b.log.1", "a.log.1" };
	struct pass_report rep = { 0 };
	struct pass_opts po = { .now = time(NULL) };
	struct mond_conf *conf;
	struct state *st;
	char real[PATH_MAX], *p;
	struct stat sb;
	size_t i;

	mount_small_fs();
	for (i = 0; i < 8; i++)
		rotated_file(order[i], 1700000000 + (time_t)i * 60);
	p = tu_path(mnt, "a.log");
	write_bytes(p, 1000);
	free(p);
	p = tu_path(mnt, "b.log");
	write_bytes(p, 1000);
	free(p);
	minfree_conf();
	cr_assert_not_null(conf = conf_load(tu_conf));
	cr_assert_not_null(st = state_new());
	cr_assert_eq(pass_run(conf, st, &po, &rep), 0);
	cr_assert_not(tu_exists(tu_at("fs/a.log.4")), "minfree took none");
	cr_assert_eq(rep.nresults, 2);
	for (i = 0; i < 2; i++) {
		const char *name = strrchr(rep.results[i].path, '/') + 1;

		cr_assert_lt(rep.results[i].kept_bytes, 400 * 1024, "%s: the "
		    "listing before minfree", name);
		cr_assert_eq(rep.results[i].kept_bytes, kept_on_disk(name),
		    "%s", name);
		cr_assert_eq(rep.results[i].kept_files,
		    rep.results[i].kept_bytes / (100 * 1024));
	}
	cr_assert_eq(rep.nfs, 1);
	cr_assert_not_null(realpath(mnt, real));
	cr_assert_str_eq(rep.fs[0].path, real);
	cr_assert_eq(stat(mnt, &sb), 0);
	cr_assert_eq(rep.fs[0].dev, sb.st_dev);
	pass_report_free(&rep);

	/* a dry run reads and counts nothing */
	po.dry_run = true;
	cr_assert_eq(pass_run(conf, st, &po, &rep), 0);
	cr_assert_eq(rep.results[0].kept_bytes, -1);
	cr_assert_eq(rep.nfs, 0);
	pass_report_free(&rep);
	state_free(st);
	conf_free(conf);
}
