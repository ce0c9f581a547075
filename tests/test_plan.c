/*
 * test_plan.c: the planner as tables. Each case is a rule, an lstat, a
 * state entry, a clock and the rotated files on disk, and pins what
 * logrotate 3.21 would decide: due or not, why, and the dry-run lines of
 * the actions. No file is touched; times are UTC except in the DST cases.
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/plan.h"
#include "tests/planfx.h"

TestSuite(plan, .init = fx_utc, .fini = fx_fini);

/* ---- frequencies at their calendar edges ---- */

struct freq_case {
	enum freq	 freq;
	const char	*last, *now;
	bool		 due;
	const char	*why;
};

static const struct freq_case freq_cases[] = {
	{ FREQ_HOURLY, "2026-11-25 13:59", "2026-11-25 14:00", true, "hourly: last 2026-11-25 13:00" },
	{ FREQ_HOURLY, "2026-11-25 13:00", "2026-11-25 13:59", false, "not due: hourly, last 2026-11-25 13:00" },
	{ FREQ_HOURLY, "2026-11-24 13:30", "2026-11-25 13:10", true, "hourly" },
	{ FREQ_DAILY, "2026-11-24 23:59", "2026-11-25 00:00", true, "daily: last 2026-11-24" },
	{ FREQ_DAILY, "2026-11-25 00:01", "2026-11-25 23:59", false, "not due: daily, last 2026-11-25" },
	{ FREQ_DAILY, "2026-12-31 12:00", "2027-01-01 00:30", true, "daily: last 2026-12-31" },
	{ FREQ_DAILY, "2026-11-25 10:00", "2026-12-25 09:00", true, "daily" },
	/* 2026-11-22 and 2026-11-29 are Sundays. */
	{ FREQ_WEEKLY, "2026-11-21 23:00", "2026-11-22 00:10", true, "weekly: last 2026-11-21" },
	{ FREQ_WEEKLY, "2026-11-22 00:10", "2026-11-22 23:00", false, "not due: weekly, last 2026-11-22" },
	{ FREQ_WEEKLY, "2026-11-23 09:00", "2026-11-29 08:00", true, "weekly" },
	{ FREQ_WEEKLY, "2026-11-23 09:00", "2026-11-28 23:59", false, "not due: weekly" },
	{ FREQ_WEEKLY, "2026-11-18 10:00", "2026-11-25 09:00", true, "weekly: last 2026-11-18" },
	{ FREQ_WEEKLY, "2026-11-18 10:00", "2026-11-24 23:00", false, "not due" },
	{ FREQ_WEEKLY, "2026-12-28 10:00", "2027-01-03 00:00", true, "weekly" },
	{ FREQ_MONTHLY, "2026-10-31 23:00", "2026-11-01 00:00", true, "monthly: last 2026-10-31" },
	{ FREQ_MONTHLY, "2026-11-01 00:00", "2026-11-30 23:59", false, "not due: monthly, last 2026-11-01" },
	{ FREQ_MONTHLY, "2025-11-15 00:00", "2026-11-15 00:00", true, "monthly: last 2025-11-15" },
	{ FREQ_MONTHLY, "2026-12-31 23:00", "2027-01-01 00:00", true, "monthly" },
	{ FREQ_MONTHLY, "2026-02-28 23:00", "2026-03-01 00:00", true, "monthly" },
	{ FREQ_YEARLY, "2026-12-31 23:59", "2027-01-01 00:00", true, "yearly: last 2026-12-31" },
	{ FREQ_YEARLY, "2026-01-01 00:00", "2026-12-31 23:00", false, "not due: yearly" },
	/* a state more than 25 h ahead of the clock (clock set back): rotate */
	{ FREQ_MONTHLY, "2026-11-27 12:00", "2026-11-25 12:00", true, "in the future" },
	{ FREQ_MONTHLY, "2026-11-26 12:00", "2026-11-25 12:00", false, "not due" },
};

Test(plan, frequencies_at_calendar_edges)
{
	size_t i;
	static struct fx f;

	for (i = 0; i < sizeof(freq_cases) / sizeof(freq_cases[0]); i++) {
		const struct freq_case *c = &freq_cases[i];

		fx_init(&f);
		f.r.frequency = c->freq;
		f.last = fx_time(c->last);
		f.now = fx_time(c->now);
		f.st.st_mtime = f.now - 10 * 86400;
		fx_run(&f);
		cr_assert_eq(f.p.status, c->due ? PLAN_DUE : PLAN_IDLE,
		    "case %zu (%s -> %s): %s", i, c->last, c->now, f.p.why);
		cr_assert_not_null(strstr(f.p.why, c->why),
		    "case %zu: why \"%s\" lacks \"%s\"", i, f.p.why, c->why);
		cr_assert_eq(f.p.record, c->due ? PLAN_RECORD_ON_SUCCESS :
		    PLAN_RECORD_NONE, "case %zu", i);
		plan_free(&f.p);
	}
}

Test(plan, first_sight_is_not_due_and_records_now)
{
	enum freq freqs[] = { FREQ_HOURLY, FREQ_DAILY, FREQ_WEEKLY, FREQ_MONTHLY, FREQ_YEARLY };
	static struct fx f;
	size_t i;

	for (i = 0; i < 5; i++) {
		fx_init(&f);
		f.r.frequency = freqs[i];
		f.last = 0;
		fx_run(&f);
		fx_expect_status(&f, PLAN_IDLE, "first sight: state recorded");
		cr_assert(f.p.first_sight);
		cr_assert_eq(f.p.record, PLAN_RECORD_NOW);
	}
}

Test(plan, first_sight_still_rotates_by_size_and_force)
{
	static struct fx f;

	fx_init(&f);
	f.r.size = 50;
	f.last = 0;
	fx_run(&f);
	fx_expect_status(&f, PLAN_DUE, "size 100 >= 50");
	cr_assert_eq(f.p.record, PLAN_RECORD_ON_SUCCESS);
	plan_free(&f.p);

	fx_init(&f);
	f.r.size = 500;
	f.last = 0;
	fx_run(&f);
	fx_expect_status(&f, PLAN_IDLE, "not due: size 100 < 500 (first sight");
	cr_assert_eq(f.p.record, PLAN_RECORD_NOW);
	plan_free(&f.p);

	fx_init(&f);
	f.last = 0;
	f.force = true;
	fx_run(&f);
	fx_expect_status(&f, PLAN_DUE, "forced");
}

/* ---- size, minsize, maxsize ---- */

struct size_case {
	long long	 size, minsize, maxsize;
	enum freq	 freq;
	const char	*last;		/* now is 2026-11-25 12:00 */
	long long	 st_size;
	bool		 force;
	bool		 due;
	const char	*why;
};

static const struct size_case size_cases[] = {
	{ 1000, -1, -1, FREQ_NONE, "2026-11-25 11:00", 1000, false, true, "size 1000 >= 1000" },
	{ 1000, -1, -1, FREQ_NONE, "2026-11-25 11:00", 999, false, false, "not due: size 999 < 1000" },
	/* size ignores time both ways */
	{ 1000, -1, -1, FREQ_DAILY, "2026-01-01 00:00", 10, false, false, "not due: size 10 < 1000" },
	{ 1000, -1, -1, FREQ_DAILY, "2026-11-25 12:00", 5000, false, true, "size 5000 >= 1000" },
	/* neither size nor frequency: conf_load stores logrotate's 1M */
	{ 1048576, -1, -1, FREQ_NONE, "2026-11-25 11:00", 1048576, false, true, "size 1048576 >= 1048576" },
	{ 1048576, -1, -1, FREQ_NONE, "2026-11-25 11:00", 1048575, false, false, "not due" },
	/* maxsize forces past the time rule, strictly above it */
	{ -1, -1, 1000, FREQ_MONTHLY, "2026-11-02 00:00", 1001, false, true, "size 1001 > maxsize 1000" },
	{ -1, -1, 1000, FREQ_MONTHLY, "2026-11-02 00:00", 1000, false, false, "not due: monthly" },
	/* minsize vetoes a due time rotation... */
	{ -1, 500, -1, FREQ_DAILY, "2026-11-24 12:00", 499, false, false, "not due: size 499 < minsize 500" },
	{ -1, 500, -1, FREQ_DAILY, "2026-11-24 12:00", 500, false, true, "daily: last 2026-11-24" },
	/* ...but not a size, maxsize or forced one */
	{ 100, 500, -1, FREQ_NONE, "2026-11-25 12:00", 200, false, true, "size 200 >= 100" },
	{ -1, 5000, 1000, FREQ_DAILY, "2026-11-25 12:00", 2000, false, true, "maxsize" },
	{ -1, 500, -1, FREQ_DAILY, "2026-11-25 12:00", 10, true, true, "forced" },
};

Test(plan, size_minsize_maxsize_interplay)
{
	static struct fx f;
	size_t i;

	for (i = 0; i < sizeof(size_cases) / sizeof(size_cases[0]); i++) {
		const struct size_case *c = &size_cases[i];

		fx_init(&f);
		f.r.size = c->size;
		f.r.minsize = c->minsize;
		f.r.maxsize = c->maxsize;
		f.r.frequency = c->freq;
		f.last = fx_time(c->last);
		f.st.st_size = c->st_size;
		f.force = c->force;
		fx_run(&f);
		cr_assert_eq(f.p.status, c->due ? PLAN_DUE : PLAN_IDLE,
		    "case %zu: %s", i, f.p.why);
		cr_assert_not_null(strstr(f.p.why, c->why),
		    "case %zu: why \"%s\" lacks \"%s\"", i, f.p.why, c->why);
		plan_free(&f.p);
	}
}

Test(plan, empty_log_with_ifempty_no_never_rotates_even_forced)
{
	static struct fx f;

	fx_init(&f);
	f.r.ifempty = false;
	f.st.st_size = 0;
	f.force = true;
	fx_run(&f);
	fx_expect_status(&f, PLAN_IDLE, "empty and ifempty = no");
	plan_free(&f.p);

	fx_init(&f);
	f.r.ifempty = false;
	f.r.size = 0;
	f.st.st_size = 0;
	fx_run(&f);
	fx_expect_status(&f, PLAN_IDLE, "empty and ifempty = no");
	plan_free(&f.p);

	fx_init(&f);
	f.r.ifempty = true;
	f.st.st_size = 0;
	fx_run(&f);
	fx_expect_status(&f, PLAN_DUE, "weekly");
}

Test(plan, minage_vetoes_young_logs_only)
{
	static struct fx f;

	fx_init(&f);
	f.r.minage = 3;
	f.st.st_mtime = f.now - 3 * 86400;	/* exactly 3 days: too young */
	fx_run(&f);
	fx_expect_status(&f, PLAN_IDLE, "not due: minage 3 days, modified 2026-11-22");
	plan_free(&f.p);

	fx_init(&f);
	f.r.minage = 3;
	f.st.st_mtime = f.now - 3 * 86400 - 1;
	fx_run(&f);
	fx_expect_status(&f, PLAN_DUE, "weekly");
	plan_free(&f.p);

	fx_init(&f);	/* size is not held back by minage */
	f.r.minage = 3;
	f.r.size = 10;
	fx_run(&f);
	fx_expect_status(&f, PLAN_DUE, "size 100 >= 10");
}

Test(plan, forced_rotates_what_time_says_not_due)
{
	static struct fx f;

	fx_init(&f);
	f.last = f.now - 60;
	fx_run(&f);
	fx_expect_status(&f, PLAN_IDLE, "not due");
	plan_free(&f.p);
	f.force = true;
	fx_run(&f);
	fx_expect_status(&f, PLAN_DUE, "forced");
}

/* ---- missing logs and the safety skips ---- */

Test(plan, missing_log_is_quiet_with_missingok_else_an_error)
{
	static struct fx f;

	fx_init(&f);
	f.missing = true;
	f.r.missingok = true;
	fx_run(&f);
	fx_expect_status(&f, PLAN_SKIP, "missing");
	cr_assert_eq(f.p.record, PLAN_RECORD_NONE);
	plan_free(&f.p);

	f.r.missingok = false;
	f.force = true;
	fx_run(&f);
	fx_expect_status(&f, PLAN_ERROR, "log does not exist");
}

Test(plan, symlink_fifo_and_hardlinked_logs_are_skipped_even_forced)
{
	static struct fx f;

	fx_init(&f);
	f.force = true;
	f.st.st_mode = S_IFLNK | 0777;
	fx_run(&f);
	fx_expect_status(&f, PLAN_SKIP, "symbolic link");
	plan_free(&f.p);

	f.st.st_mode = S_IFIFO | 0644;
	fx_run(&f);
	fx_expect_status(&f, PLAN_SKIP, "not a regular file");
	plan_free(&f.p);

	f.st.st_mode = S_IFDIR | 0755;
	fx_run(&f);
	fx_expect_status(&f, PLAN_SKIP, "not a regular file");
	plan_free(&f.p);

	f.st.st_mode = S_IFREG | 0644;
	f.st.st_nlink = 2;
	fx_run(&f);
	fx_expect_status(&f, PLAN_SKIP, "2 hard links");
	plan_free(&f.p);

	f.r.allowhardlink = true;
	fx_run(&f);
	fx_expect_status(&f, PLAN_DUE, "forced");
}

struct dir_case {
	mode_t		 mode;
	gid_t		 gid;
	uid_t		 euid;
	bool		 su;
	bool		 refused;
};

static const struct dir_case dir_cases[] = {
	{ 0777, 0, 0, false, true },		/* world-writable */
	{ 01777, 0, 0, false, true },		/* sticky does not help */
	{ 0775, 4, 0, false, true },		/* group adm may write */
	{ 0775, 0, 0, false, false },		/* group root: fine */
	{ 0755, 4, 0, false, false },
	{ 0777, 0, 1000, false, false },	/* not root: not our business */
	{ 0777, 0, 0, true, false },		/* su given */
};

Test(plan, insecure_parent_directory_as_root_without_su_is_refused)
{
	static struct fx f;
	size_t i;

	for (i = 0; i < sizeof(dir_cases) / sizeof(dir_cases[0]); i++) {
		fx_init(&f);
		f.has_dir = true;
		f.dir.st_mode = S_IFDIR | dir_cases[i].mode;
		f.dir.st_gid = dir_cases[i].gid;
		f.euid = dir_cases[i].euid;
		f.r.has_su = dir_cases[i].su;
		fx_run(&f);
		if (dir_cases[i].refused) {
			cr_assert_eq(f.p.status, PLAN_ERROR, "case %zu", i);
			cr_assert_not_null(strstr(f.p.why, "parent directory"));
		} else
			cr_assert_eq(f.p.status, PLAN_DUE, "case %zu: %s", i, f.p.why);
		plan_free(&f.p);
	}
}

/* ---- actions ---- */

Test(plan, rotate_4_shifts_from_the_oldest_down_and_disposes_the_fifth)
{
	static struct fx f;

	fx_init(&f);
	fx_sib(&f, "a.log.3", 0);
	fx_sib(&f, "a.log.1", 0);
	fx_sib(&f, "a.log.4", 0);
	fx_sib(&f, "a.log.2", 0);
	fx_sib(&f, "b.log.1", 0);	/* another log's: never touched */
	fx_sib(&f, "a.log.bak", 0);
	fx_sib(&f, "a.log.1.gz", 0);	/* not compressing: not ours */
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){
	    "mv /l/a.log.4 /l/a.log.5",
	    "mv /l/a.log.3 /l/a.log.4",
	    "mv /l/a.log.2 /l/a.log.3",
	    "mv /l/a.log.1 /l/a.log.2",
	    "mv /l/a.log /l/a.log.1",
	    "rm /l/a.log.5",
	    NULL });
	cr_assert_str_eq(f.p.rotated, "/l/a.log.1");
	cr_assert_eq(f.p.actions[0].phase, PHASE_PRE);
	cr_assert(f.p.actions[0].enoent_ok);
	cr_assert_str_eq(f.p.actions[0].from_name, "a.log.4");
	cr_assert_eq(f.p.actions[4].phase, PHASE_ROTATE);
	cr_assert_eq(f.p.actions[4].from_dir, PLAN_DIR_LOG);
	cr_assert_eq(f.p.actions[4].to_dir, PLAN_DIR_TARGET);
	cr_assert_eq(f.p.actions[5].phase, PHASE_POST);
}

Test(plan, first_rotation_has_nothing_to_shift)
{
	static struct fx f;

	fx_init(&f);
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){ "mv /l/a.log /l/a.log.1", NULL });
}

Test(plan, compress_shifts_gz_names_and_gzips_the_new_one)
{
	static struct fx f;

	fx_init(&f);
	f.r.compress = true;
	fx_sib(&f, "a.log.1.gz", 0);
	fx_sib(&f, "a.log.2.gz", 0);
	fx_sib(&f, "a.log.4.gz", 0);
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){
	    "mv /l/a.log.4.gz /l/a.log.5.gz",
	    "mv /l/a.log.2.gz /l/a.log.3.gz",
	    "mv /l/a.log.1.gz /l/a.log.2.gz",
	    "mv /l/a.log /l/a.log.1",
	    "gzip /l/a.log.1",
	    "rm /l/a.log.5.gz",
	    NULL });
	cr_assert_str_eq(f.p.actions[4].to, "/l/a.log.1.gz");
}

Test(plan, delaycompress_gzips_the_previous_one_first_and_leaves_the_new_one)
{
	static struct fx f;

	fx_init(&f);
	f.r.compress = f.r.delaycompress = true;
	f.r.rotate = 2;
	fx_sib(&f, "a.log.1", 0);
	fx_sib(&f, "a.log.2.gz", 0);
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){
	    "gzip /l/a.log.1",
	    "mv /l/a.log.2.gz /l/a.log.3.gz",
	    "mv /l/a.log.1.gz /l/a.log.2.gz",
	    "mv /l/a.log /l/a.log.1",
	    "rm /l/a.log.3.gz",
	    NULL });
}

Test(plan, rotate_0_keeps_no_old_version)
{
	static struct fx f;

	fx_init(&f);
	f.r.rotate = 0;
	f.r.compress = true;
	f.r.postrotate = "kill -HUP 1";
	fx_run(&f);
	/* compressed first, as logrotate does, then disposed of (test 64) */
	fx_expect_lines(&f, (const char *[]){
	    "mv /l/a.log /l/a.log.1",
	    "run postrotate for /l/a.log",
	    "gzip /l/a.log.1",
	    "rm /l/a.log.1.gz",
	    NULL });
	plan_free(&f.p);

	f.r.compress = false;
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){
	    "mv /l/a.log /l/a.log.1",
	    "run postrotate for /l/a.log",
	    "rm /l/a.log.1",
	    NULL });
}

Test(plan, rotate_minus_1_keeps_everything_and_shifts_from_the_highest)
{
	static struct fx f;

	fx_init(&f);
	f.r.rotate = -1;
	fx_sib(&f, "a.log.1", 0);
	fx_sib(&f, "a.log.2", 0);
	fx_sib(&f, "a.log.7", 0);
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){
	    "mv /l/a.log.7 /l/a.log.8",
	    "mv /l/a.log.2 /l/a.log.3",
	    "mv /l/a.log.1 /l/a.log.2",
	    "mv /l/a.log /l/a.log.1",
	    NULL });
}

Test(plan, start_sets_the_first_number)
{
	static struct fx f;

	fx_init(&f);
	f.r.start = 0;
	f.r.rotate = 2;
	fx_sib(&f, "a.log.0", 0);
	fx_sib(&f, "a.log.1", 0);
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){
	    "mv /l/a.log.1 /l/a.log.2",
	    "mv /l/a.log.0 /l/a.log.1",
	    "mv /l/a.log /l/a.log.0",
	    "rm /l/a.log.2",
	    NULL });
	plan_free(&f.p);

	fx_init(&f);
	f.r.start = 5;
	f.r.rotate = 2;
	fx_sib(&f, "a.log.5", 0);
	fx_sib(&f, "a.log.6", 0);
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){
	    "mv /l/a.log.6 /l/a.log.7",
	    "mv /l/a.log.5 /l/a.log.6",
	    "mv /l/a.log /l/a.log.5",
	    "rm /l/a.log.7",
	    NULL });
}

Test(plan, maxage_removes_old_versions_while_shifting)
{
	static struct fx f;

	fx_init(&f);
	f.r.maxage = 10;
	f.r.preremove = "echo";
	fx_sib(&f, "a.log.1", f.now - 1 * 86400);
	fx_sib(&f, "a.log.2", f.now - 11 * 86400);
	fx_sib(&f, "a.log.3", f.now - 10 * 86400);	/* 10 days: kept */
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){
	    "mv /l/a.log.3 /l/a.log.4",
	    "run preremove for /l/a.log.2",
	    "rm /l/a.log.2",
	    "mv /l/a.log.1 /l/a.log.2",
	    "mv /l/a.log /l/a.log.1",
	    NULL });
}

Test(plan, maxage_never_removes_a_version_of_unknown_mtime)
{
	static struct fx f;

	fx_init(&f);
	f.r.maxage = 10;
	fx_sib(&f, "a.log.1", (time_t)-1);
	fx_sib(&f, "a.log.2", (time_t)-1);
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){
	    "mv /l/a.log.2 /l/a.log.3",
	    "mv /l/a.log.1 /l/a.log.2",
	    "mv /l/a.log /l/a.log.1",
	    NULL });
}

Test(plan, extension_moves_to_the_end)
{
	static struct fx f;

	fx_init(&f);
	f.path = "/l/app.log";
	f.r.extension = ".log";
	f.r.compress = true;
	fx_sib(&f, "app.1.log.gz", 0);
	fx_sib(&f, "app.log.1.gz", 0);	/* not this shape: left alone */
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){
	    "mv /l/app.1.log.gz /l/app.2.log.gz",
	    "mv /l/app.log /l/app.1.log",
	    "gzip /l/app.1.log",
	    NULL });
	cr_assert_str_eq(f.p.actions[2].to, "/l/app.1.log.gz");
	plan_free(&f.p);

	fx_init(&f);	/* a log not ending in the extension keeps its name */
	f.path = "/l/app.txt";
	f.r.extension = ".log";
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){ "mv /l/app.txt /l/app.txt.1", NULL });
}

Test(plan, olddir_relative_absolute_and_created)
{
	static struct fx f;

	fx_init(&f);
	f.r.olddir = "old";
	fx_sib(&f, "a.log.1", 0);
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){
	    "mv /l/old/a.log.1 /l/old/a.log.2",
	    "mv /l/a.log /l/old/a.log.1",
	    NULL });
	cr_assert_str_eq(f.p.target_dir, "/l/old");
	cr_assert_str_eq(f.p.log_dir, "/l");
	plan_free(&f.p);

	fx_init(&f);
	f.r.olddir = "/arch";
	f.r.createolddir = (struct create_spec){ .enabled = true,
	    .has_mode = true, .mode = 0750, .has_uid = true, .uid = 0 };
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){
	    "mkdir /arch 0750 0:-",
	    "mv /l/a.log /arch/a.log.1",
	    NULL });
	cr_assert_eq(f.p.actions[0].gid, (gid_t)-1);
}

Test(plan, copy_and_copytruncate_leave_the_log_in_place)
{
	static struct fx f;

	fx_init(&f);
	f.r.copy = true;
	f.r.create.enabled = true;	/* ignored with copy, as logrotate does */
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){ "copy /l/a.log /l/a.log.1", NULL });
	plan_free(&f.p);

	fx_init(&f);
	f.r.copytruncate = true;
	f.r.compress = true;
	fx_run(&f);
	/* One pass: the copy is gzipped as it is read, not read twice. */
	fx_expect_lines(&f, (const char *[]){
	    "copy+gzip /l/a.log /l/a.log.1.gz",
	    "truncate /l/a.log",
	    NULL });
	plan_free(&f.p);

	/* delaycompress keeps the copy plain; it is gzipped next time. */
	fx_init(&f);
	f.r.copytruncate = true;
	f.r.compress = true;
	f.r.delaycompress = true;
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){
	    "copy /l/a.log /l/a.log.1",
	    "truncate /l/a.log",
	    NULL });
}

static const char *
fake_user(uid_t uid)
{
	return uid == 0 ? "root" : NULL;
}

static const char *
fake_group(gid_t gid)
{
	return gid == 4 ? "adm" : NULL;
}

Test(plan, create_takes_missing_attributes_from_the_old_log)
{
	static struct fx f;
	char line[128];

	fx_init(&f);
	f.r.create.enabled = true;
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){
	    "mv /l/a.log /l/a.log.1",
	    "create /l/a.log 0640 0:4",
	    NULL });
	plan_action_render(&f.p.actions[1], line, sizeof(line), fake_user, fake_group);
	cr_assert_str_eq(line, "create /l/a.log 0640 root:adm");
	plan_free(&f.p);

	f.r.create = (struct create_spec){ .enabled = true, .has_mode = true,
	    .mode = 0600, .has_gid = true, .gid = 43 };
	f.st.st_uid = 7;
	fx_run(&f);
	plan_action_render(&f.p.actions[1], line, sizeof(line), fake_user, fake_group);
	cr_assert_str_eq(line, "create /l/a.log 0600 7:43");
}

Test(plan, scripts_in_order_with_their_arguments)
{
	static struct fx f;

	fx_init(&f);
	f.r.firstaction = "first";
	f.r.prerotate = "pre";
	f.r.postrotate = "post";
	f.r.lastaction = "last";
	f.r.preremove = "rm-hook";
	f.r.rotate = 1;
	f.r.create.enabled = true;
	f.r.compress = true;
	fx_sib(&f, "a.log.1.gz", 0);
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){
	    "run firstaction for /l/*.log",
	    "mv /l/a.log.1.gz /l/a.log.2.gz",
	    "run prerotate for /l/a.log",
	    "mv /l/a.log /l/a.log.1",
	    "create /l/a.log 0640 0:4",
	    "run postrotate for /l/a.log",
	    "gzip /l/a.log.1 (preremove)",
	    "run preremove for /l/a.log.2.gz",
	    "rm /l/a.log.2.gz",
	    "run lastaction for /l/*.log",
	    NULL });
	/* logrotate's shred_file runs preremove on the compressed source too */
	cr_assert_str_eq(f.p.actions[6].text, "rm-hook");
	cr_assert(f.p.actions[0].shared);
	cr_assert_eq(f.p.actions[0].phase, PHASE_FIRST);
	cr_assert_not(f.p.actions[2].shared);
	cr_assert_str_eq(f.p.actions[2].text, "pre");
	cr_assert_null(f.p.actions[2].arg2);
	cr_assert_str_eq(f.p.actions[5].arg2, "/l/a.log.1");
	cr_assert_eq(f.p.actions[5].phase, PHASE_POSTSCRIPT);
	cr_assert(f.p.actions[9].shared);
	cr_assert_eq(f.p.actions[9].phase, PHASE_LAST);
	plan_free(&f.p);

	f.r.sharedscripts = true;
	fx_run(&f);
	cr_assert(f.p.actions[2].shared);
	cr_assert_str_eq(f.p.actions[2].arg1, "/l/*.log");
	cr_assert(f.p.actions[5].shared);
	cr_assert_null(f.p.actions[5].arg2);
	plan_free(&f.p);

	/* Shared and per-stanza scripts get the pattern list, as logrotate. */
	static char *two[] = { "/l/*.log", "/m/x.log" };
	f.r.patterns = two;
	f.r.npatterns = 2;
	fx_run(&f);
	cr_assert_str_eq(f.p.actions[0].arg1, "/l/*.log /m/x.log");
	cr_assert_str_eq(f.p.actions[2].arg1, "/l/*.log /m/x.log");
	cr_assert_str_eq(f.p.actions[9].arg1, "/l/*.log /m/x.log");
}

/* ---- dateext ---- */

Test(plan, dateext_removes_the_oldest_beyond_rotate)
{
	static struct fx f;

	fx_init(&f);
	f.r.dateext = true;
	f.r.rotate = 2;
	fx_sib(&f, "a.log-20261124", 0);
	fx_sib(&f, "a.log-20261122", 0);
	fx_sib(&f, "a.log-20261123", 0);
	fx_sib(&f, "a.log.1", 0);
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){
	    "rm /l/a.log-20261122",
	    "mv /l/a.log /l/a.log-20261125",
	    "rm /l/a.log-20261123",
	    NULL });
}

Test(plan, dateext_orders_by_the_date_not_the_name)
{
	static struct fx f;

	fx_init(&f);
	f.r.dateext = true;
	f.r.dateformat = "-%d-%m-%Y";
	f.r.rotate = 2;
	fx_sib(&f, "a.log-30-10-2026", 0);
	fx_sib(&f, "a.log-01-11-2026", 0);
	fx_sib(&f, "a.log-02-11-2026", 0);
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){
	    "rm /l/a.log-30-10-2026",
	    "mv /l/a.log /l/a.log-25-11-2026",
	    "rm /l/a.log-01-11-2026",
	    NULL });
}

Test(plan, dateext_compress_dateyesterday_hourly_and_maxage)
{
	static struct fx f;

	fx_init(&f);
	f.r.dateext = f.r.compress = f.r.dateyesterday = true;
	fx_sib(&f, "a.log-20261001.gz", f.now - 55 * 86400);
	f.r.maxage = 30;
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){
	    "mv /l/a.log /l/a.log-20261124",
	    "gzip /l/a.log-20261124",
	    "rm /l/a.log-20261001.gz",
	    NULL });
	plan_free(&f.p);

	fx_init(&f);	/* hourly's default format (from conf) has the hour */
	f.r.dateext = true;
	f.r.frequency = FREQ_HOURLY;
	f.r.dateformat = "-%Y%m%d%H";
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){ "mv /l/a.log /l/a.log-2026112512", NULL });
	plan_free(&f.p);

	fx_init(&f);	/* stray '%' stays literal, as logrotate prints it */
	f.r.dateext = true;
	f.r.dateformat = "_%Y%a";
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){ "mv /l/a.log /l/a.log_2026%a", NULL });
}

Test(plan, dateext_with_delaycompress_and_extension)
{
	static struct fx f;

	fx_init(&f);
	f.path = "/l/app.log";
	f.r.extension = ".log";
	f.r.dateext = f.r.compress = f.r.delaycompress = true;
	f.r.rotate = 2;
	fx_sib(&f, "app-20261124.log", 0);
	fx_sib(&f, "app-20261120.log.gz", 0);
	fx_sib(&f, "app-20261110.log.gz", 0);
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){
	    "gzip /l/app-20261124.log",
	    "rm /l/app-20261110.log.gz",
	    "mv /l/app.log /l/app-20261125.log",
	    "rm /l/app-20261120.log.gz",
	    NULL });
}

/* mond takes the next counter instead (test_plan_dated.c) */
Test(plan, dateext_existing_destination_is_an_error_for_logrotate)
{
	static struct fx f;

	fx_init(&f);
	f.r.dateext = true;
	f.date_taken_fails = true;
	f.r.firstaction = "x";
	f.r.prerotate = "p";
	f.r.lastaction = "y";
	fx_sib(&f, "a.log-20261125", 0);
	fx_run(&f);
	fx_expect_status(&f, PLAN_ERROR, "/l/a.log-20261125 already exists");
	cr_assert_eq(f.p.record, PLAN_RECORD_NONE);
	/* logrotate still runs these two for it: they are all that is left */
	cr_assert(f.p.was_due);
	cr_assert_eq(f.p.nactions, 2);
	cr_assert_eq(f.p.actions[0].kind, ACT_SCRIPT);
	cr_assert_eq(f.p.actions[0].script, SCRIPT_FIRSTACTION);
	cr_assert_eq(f.p.actions[1].script, SCRIPT_LASTACTION);
}

Test(plan, dateformat_that_names_nothing_is_an_error)
{
	static struct fx f;
	char longfmt[300];

	fx_init(&f);
	f.r.dateext = true;
	f.r.dateformat = "";
	fx_run(&f);
	fx_expect_status(&f, PLAN_ERROR, "empty suffix");
	cr_assert_eq(f.p.record, PLAN_RECORD_NONE);

	memset(longfmt, 'x', sizeof(longfmt) - 1);
	longfmt[sizeof(longfmt) - 1] = '\0';
	f.r.dateformat = longfmt;
	fx_run(&f);
	fx_expect_status(&f, PLAN_ERROR, "too long");
}

Test(plan, dateformat_with_a_slash_is_refused)
{
	static struct fx f;

	fx_init(&f);
	f.r.dateext = true;
	f.r.dateformat = "-%Y/%m%d";
	fx_run(&f);
	fx_expect_status(&f, PLAN_ERROR, "not a file name");
	cr_assert_eq(f.p.record, PLAN_RECORD_NONE);
}

Test(plan, log_in_the_root_directory)
{
	static struct fx f;

	fx_init(&f);
	f.path = "/a.log";
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){ "mv /a.log /a.log.1", NULL });
	cr_assert_str_eq(f.p.log_dir, "/");
}

/*
 * How the log's path splits into its directory and name, and where the
 * rotated names go: a log in "/", a path without '/' (the working
 * directory), and doubled slashes, which are kept as given.
 */
static const struct split_case {
	const char	*path;
	char		*olddir;	/* as conf.h has it */
	const char	*log_dir, *target_dir, *name, *rotated;
} split_cases[] = {
	{ "/l/a.log",	NULL,	"/l",	"/l",	"a.log", "/l/a.log.1" },
	{ "/l/a.log",	"old",	"/l",	"/l/old", "a.log", "/l/old/a.log.1" },
	{ "/a.log",	NULL,	"/",	"/",	"a.log", "/a.log.1" },
	{ "/a.log",	"old",	"/",	"/old",	"a.log", "/old/a.log.1" },
	{ "a.log",	NULL,	".",	".",	"a.log", "./a.log.1" },
	{ "a.log",	"old",	".",	"./old", "a.log", "./old/a.log.1" },
	{ "//a.log",	NULL,	"/",	"/",	"a.log", "/a.log.1" },
	{ "/l//a.log",	NULL,	"/l/",	"/l/",	"a.log", "/l/a.log.1" },
	{ "/l//a.log",	"old",	"/l/",	"/l/old", "a.log", "/l/old/a.log.1" },
};

/* NAME is the last component of the string PATH, and a pointer into it. */
static void
expect_name_in(const char *path, const char *name, const char *want)
{
	cr_assert_str_eq(name, want, "\"%s\": name", path);
	cr_assert_eq(name, path + strlen(path) - strlen(want),
	    "\"%s\": name does not point into it", path);
}

Test(plan, log_path_splits_into_dir_and_name)
{
	static struct fx f;
	const struct split_case *c;
	const struct plan_action *a;
	size_t i;

	for (i = 0; i < sizeof(split_cases) / sizeof(split_cases[0]); i++) {
		c = &split_cases[i];
		fx_init(&f);
		f.path = c->path;
		f.r.olddir = c->olddir;
		fx_sib(&f, "a.log.1", 0);
		fx_run(&f);
		cr_assert_eq(f.p.status, PLAN_DUE, "%s: %s", c->path, f.p.why);
		cr_assert_str_eq(f.p.log_dir, c->log_dir, "%s", c->path);
		cr_assert_str_eq(f.p.target_dir, c->target_dir, "%s", c->path);
		cr_assert_str_eq(f.p.rotated, c->rotated, "%s", c->path);
		cr_assert_eq(f.p.nactions, 2, "%s", c->path);
		/* the shift, in the target directory */
		a = &f.p.actions[0];
		cr_assert_eq(a->from_dir, PLAN_DIR_TARGET);
		expect_name_in(a->from, a->from_name, "a.log.1");
		expect_name_in(a->to, a->to_name, "a.log.2");
		/* the log itself, named as it was given */
		a = &f.p.actions[1];
		cr_assert_eq(a->from_dir, PLAN_DIR_LOG);
		cr_assert_str_eq(a->from, c->path);
		expect_name_in(a->from, a->from_name, c->name);
		cr_assert_str_eq(a->to, c->rotated);
		expect_name_in(a->to, a->to_name, "a.log.1");
	}
}

/* ---- names ---- */

Test(plan, is_sibling_knows_each_rule_shape)
{
	static struct fx f;

	fx_init(&f);
	cr_assert(plan_is_sibling(&f.r, "a.log", "a.log.1"));
	cr_assert(plan_is_sibling(&f.r, "a.log", "a.log.12.gz"));
	cr_assert(plan_is_sibling(&f.r, "a.log", "a.log-20261125"));
	cr_assert(plan_is_sibling(&f.r, "a.log", "a.log-20261125.gz"));
	cr_assert_not(plan_is_sibling(&f.r, "a.log", "a.log"));
	cr_assert_not(plan_is_sibling(&f.r, "a.log", "a.log.x"));
	cr_assert_not(plan_is_sibling(&f.r, "a.log", "b.log.1"));
	cr_assert_not(plan_is_sibling(&f.r, "a.log", "a.log.01"));
	f.r.extension = ".log";
	cr_assert(plan_is_sibling(&f.r, "app.log", "app.3.log"));
	cr_assert(plan_is_sibling(&f.r, "app.log", "app.3.log.gz"));
	cr_assert(plan_is_sibling(&f.r, "app.log", "app-20261125.log"));
	cr_assert_not(plan_is_sibling(&f.r, "app.log", "app.log.3"));
}

Test(plan, is_rotated_by_follows_the_rules_own_naming)
{
	static struct fx f;

	fx_init(&f);
	cr_assert(plan_is_rotated_by(&f.r, "/l/*", "/l/syslog.1"));
	cr_assert(plan_is_rotated_by(&f.r, "/l/*", "/l/syslog.10.gz"));
	cr_assert(plan_is_rotated_by(&f.r, "/l/*.log*", "/l/a.log.3"));
	cr_assert_not(plan_is_rotated_by(&f.r, "/l/*.log", "/l/app.8080.log"));
	cr_assert_not(plan_is_rotated_by(&f.r, "/l/*", "/l/a.log"));
	cr_assert_not(plan_is_rotated_by(&f.r, "/l/*", "/l/.1"));
	cr_assert_not(plan_is_rotated_by(&f.r, "/l/*", "/l/a.log-20261125"),
	    "a date is not this rule's naming without dateext");
	/* The stem must be a name the pattern matches: a live worker.1. */
	cr_assert_not(plan_is_rotated_by(&f.r, "/l/worker.*", "/l/worker.1"));

	f.r.extension = ".log";
	cr_assert(plan_is_rotated_by(&f.r, "/l/*.log", "/l/app.1.log"));
	cr_assert(plan_is_rotated_by(&f.r, "/l/*.log", "/l/app.1.1.log"));
	cr_assert(plan_is_rotated_by(&f.r, "/l/*.log", "/l/app.2.log.gz"));
	cr_assert_not(plan_is_rotated_by(&f.r, "/l/*.log", "/l/app.8080x.log"));

	f.r.dateext = true;
	f.r.dateformat = "_%Y-%m-%d";
	cr_assert(plan_is_rotated_by(&f.r, "/l/*.log", "/l/app_2026-11-25.log"));
	cr_assert_not(plan_is_rotated_by(&f.r, "/l/*.log",
	    "/l/app-20261125.log"));
	cr_assert_eq(plan_date_width(&f.r), 11);
}

/*
 * plan_is_rotated_by rebuilds a stem's path as everything before the last
 * '/', a '/', and the stem: a log in "/" stays "/a.log" (not "//a.log"),
 * and a path too long to rebuild is not a rotated one. A path without '/'
 * (mond never asks: patterns are absolute) is taken as a name in "/".
 */
static const struct stem_case {
	const char	*pattern, *path;
	int		 rotated;
} stem_cases[] = {
	{ "/*.log",	"/a.log.1",	1 },
	{ "/a.log",	"/a.log.2.gz",	1 },
	{ "/*.log",	"/a.log",	0 },
	{ "//*.log",	"//a.log.1",	1 },
	{ "/*.log",	"//a.log.1",	0 },
	{ "/*.log",	"a.log.1",	1 },
	{ "*.log",	"a.log.1",	0 },
};

Test(plan, is_rotated_by_rebuilds_the_stem_path)
{
	static struct fx f;
	static char path[PATH_MAX + 16], pattern[PATH_MAX + 16];
	const struct stem_case *c;
	size_t i, dlen;

	fx_init(&f);
	for (i = 0; i < sizeof(stem_cases) / sizeof(stem_cases[0]); i++) {
		c = &stem_cases[i];
		cr_assert_eq(plan_is_rotated_by(&f.r, c->pattern, c->path),
		    c->rotated, "%s under %s", c->path, c->pattern);
	}

	/* "/ddd...d/a.log.1": the stem path "/ddd...d/a.log" must fit */
	for (dlen = PATH_MAX - 16; dlen <= PATH_MAX; dlen += 16) {
		memset(path, 'd', dlen);
		path[0] = '/';
		strcpy(path + dlen, "/a.log.1");
		memcpy(pattern, path, dlen);
		strcpy(pattern + dlen, "/*.log");
		if (dlen + strlen("/a.log") < PATH_MAX)
			cr_assert(plan_is_rotated_by(&f.r, pattern, path),
			    "dir of %zu bytes", dlen);
		else
			cr_assert_not(plan_is_rotated_by(&f.r, pattern, path),
			    "dir of %zu bytes", dlen);
	}
}

/* ---- plan_next_due ---- */

struct due_case {
	enum freq	 freq;
	const char	*last, *next;
};

static const struct due_case due_cases[] = {
	{ FREQ_HOURLY, "2026-11-25 13:20", "2026-11-25 14:00" },
	{ FREQ_HOURLY, "2026-12-31 23:59", "2027-01-01 00:00" },
	{ FREQ_DAILY, "2026-11-25 13:20", "2026-11-26 00:00" },
	{ FREQ_DAILY, "2026-02-28 08:00", "2026-03-01 00:00" },
	{ FREQ_WEEKLY, "2026-11-25 13:20", "2026-11-29 00:00" },	/* Wed -> Sun */
	{ FREQ_WEEKLY, "2026-11-22 00:00", "2026-11-29 00:00" },	/* Sun -> Sun */
	{ FREQ_WEEKLY, "2026-11-28 23:00", "2026-11-29 00:00" },	/* Sat -> Sun */
	{ FREQ_MONTHLY, "2026-12-15 10:00", "2027-01-01 00:00" },
	{ FREQ_MONTHLY, "2026-01-31 10:00", "2026-02-01 00:00" },
	{ FREQ_YEARLY, "2026-06-15 10:00", "2027-01-01 00:00" },
};

Test(plan, next_due_is_the_next_calendar_boundary)
{
	static struct fx f;
	size_t i;

	for (i = 0; i < sizeof(due_cases) / sizeof(due_cases[0]); i++) {
		fx_init(&f);
		f.r.frequency = due_cases[i].freq;
		cr_assert_eq(plan_next_due(&f.r, fx_time(due_cases[i].last),
		    fx_time(due_cases[i].last)), fx_time(due_cases[i].next), "case %zu", i);
	}
	/* and plan_build agrees on both sides of one boundary */
	fx_init(&f);
	f.r.frequency = FREQ_WEEKLY;
	f.last = fx_time("2026-11-25 13:20");
	f.now = plan_next_due(&f.r, f.last, f.now) - 1;
	fx_run(&f);
	cr_assert_eq(f.p.status, PLAN_IDLE, "%s", f.p.why);
	plan_free(&f.p);
	f.now += 1;
	fx_run(&f);
	cr_assert_eq(f.p.status, PLAN_DUE, "%s", f.p.why);
}

Test(plan, next_due_without_a_time_rule_or_in_the_future)
{
	static struct fx f;

	fx_init(&f);
	f.r.size = 100;
	cr_assert_eq(plan_next_due(&f.r, f.last, f.now), (time_t)-1);
	f.r.size = SIZE_UNSET;
	f.r.frequency = FREQ_NONE;
	cr_assert_eq(plan_next_due(&f.r, f.last, f.now), (time_t)-1);
	f.r.frequency = FREQ_MONTHLY;
	cr_assert_eq(plan_next_due(&f.r, f.now + 26 * 3600, f.now), f.now);
	cr_assert_eq(plan_next_due(&f.r, 0, f.now), fx_time("2026-12-01 00:00"));
}

Test(plan, dst_boundaries_in_a_named_zone)
{
	static struct fx f;

	if (access("/usr/share/zoneinfo/Europe/Berlin", R_OK) != 0)
		cr_skip_test("needs tzdata: /usr/share/zoneinfo/Europe/Berlin");
	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	fx_init(&f);
	/* 2026-03-29 02:00 CET does not exist: the hour after 01:30 is 03:00 CEST */
	f.r.frequency = FREQ_HOURLY;
	cr_assert_eq(plan_next_due(&f.r, 1774744200 /* 01:30 CET */, f.now),
	    1774742400 + 3600 /* 01:00 UTC */);
	/* midnight before the switch is 23:00 UTC */
	f.r.frequency = FREQ_DAILY;
	cr_assert_eq(plan_next_due(&f.r, fx_time("2026-03-28 10:00"), f.now),
	    1774738800 /* 2026-03-28 23:00 UTC */);
	/* a week with a 23-hour day in it is still 7 days */
	f.r.frequency = FREQ_WEEKLY;
	f.last = fx_time("2026-03-25 10:00");
	f.now = fx_time("2026-04-01 09:00");
	fx_run(&f);
	fx_expect_status(&f, PLAN_DUE, "weekly: last 2026-03-25");
	plan_free(&f.p);
	/* the repeated hour of October is one hour for hourly */
	f.r.frequency = FREQ_HOURLY;
	f.last = 1792886400 + 1800;	/* 2026-10-25 02:30 CEST = 00:30 UTC */
	f.now = f.last + 3600;		/* 02:30 CET, same wall-clock hour */
	fx_run(&f);
	fx_expect_status(&f, PLAN_IDLE, "not due: hourly");
}
