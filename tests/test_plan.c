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

#include "daemon/plan.h"

static void
utc(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
}


/* "YYYY-MM-DD HH:MM" in the current zone. */
static time_t
T(const char *s)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	cr_assert_eq(sscanf(s, "%d-%d-%d %d:%d", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min) >= 3, 1, "bad time %s", s);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

struct fx {
	struct log_rule	 r;
	struct stat	 st;
	bool		 missing;
	struct stat	 dir;
	bool		 has_dir;
	uid_t		 euid;
	time_t		 last, now;
	bool		 force;
	const char	*path;
	struct plan_sibling sib[16];
	size_t		 nsib;
	struct plan	 p;
	char		 lines[4096];
};

static char *patterns[] = { "/l/*.log" };

static struct fx *cur;

static void
fini(void)
{
	if (cur != NULL)
		plan_free(&cur->p);
}

TestSuite(plan, .init = utc, .fini = fini);

/* A weekly, rotate 4 rule on a 100-byte 0640 root:adm log, due by a week. */
static void
fx_init(struct fx *f)
{
	if (cur != NULL)
		plan_free(&cur->p);
	memset(f, 0, sizeof(*f));
	cur = f;
	f->r.title = "/l/*.log";
	f->r.patterns = patterns;
	f->r.npatterns = 1;
	f->r.frequency = FREQ_WEEKLY;
	f->r.size = f->r.minsize = f->r.maxsize = SIZE_UNSET;
	f->r.rotate = 4;
	f->r.start = 1;
	f->r.dateformat = "-%Y%m%d";	/* as conf_load sets it */
	f->r.compressext = ".gz";	/* likewise */
	f->r.ifempty = true;
	f->r.compresslevel = 6;
	f->path = "/l/a.log";
	f->now = T("2026-11-25 12:00");
	f->last = T("2026-11-15 12:00");
	f->st.st_mode = S_IFREG | 0640;
	f->st.st_size = 100;
	f->st.st_nlink = 1;
	f->st.st_uid = 0;
	f->st.st_gid = 4;
	f->st.st_mtime = f->now - 3600;
	f->euid = 1000;
}

static void
fx_sib(struct fx *f, const char *name, time_t mtime)
{
	cr_assert_lt(f->nsib, 16);
	f->sib[f->nsib].name = name;
	f->sib[f->nsib++].mtime = mtime;
}

/* Builds the plan; its dry-run lines, one per action, land in f->lines. */
static void
fx_run(struct fx *f)
{
	struct plan_input in = {
		.rule = &f->r, .path = f->path,
		.st = f->missing ? NULL : &f->st,
		.dir_st = f->has_dir ? &f->dir : NULL,
		.euid = f->euid, .last = f->last, .now = f->now,
		.force = f->force, .siblings = f->sib, .nsiblings = f->nsib,
	};
	size_t i, o = 0;

	plan_free(&f->p);
	plan_sort_siblings(f->sib, f->nsib);
	cr_assert_eq(plan_build(&in, &f->p), 0);
	f->lines[0] = '\0';
	for (i = 0; i < f->p.nactions; i++) {
		o += (size_t)plan_action_render(&f->p.actions[i], f->lines + o,
		    sizeof(f->lines) - o, NULL, NULL);
		cr_assert_lt(o + 1, sizeof(f->lines));
		f->lines[o++] = '\n';
		f->lines[o] = '\0';
	}
}

static void
expect_lines(struct fx *f, const char *const *want)
{
	char buf[4096] = "";

	for (; *want != NULL; want++) {
		strcat(buf, *want);
		strcat(buf, "\n");
	}
	cr_assert_eq(f->p.status, PLAN_DUE, "not due: %s", f->p.why);
	cr_assert_str_eq(f->lines, buf);
}

static void
expect_status(struct fx *f, enum plan_status st, const char *why)
{
	cr_assert_eq(f->p.status, st, "status %d, want %d (why: %s)",
	    f->p.status, st, f->p.why);
	cr_assert_not_null(strstr(f->p.why, why), "why \"%s\" lacks \"%s\"",
	    f->p.why, why);
	if (st != PLAN_DUE)
		cr_assert_eq(f->p.nactions, 0);
}

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
		f.last = T(c->last);
		f.now = T(c->now);
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
		expect_status(&f, PLAN_IDLE, "first sight: state recorded");
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
	expect_status(&f, PLAN_DUE, "size 100 >= 50");
	cr_assert_eq(f.p.record, PLAN_RECORD_ON_SUCCESS);
	plan_free(&f.p);

	fx_init(&f);
	f.r.size = 500;
	f.last = 0;
	fx_run(&f);
	expect_status(&f, PLAN_IDLE, "not due: size 100 < 500 (first sight");
	cr_assert_eq(f.p.record, PLAN_RECORD_NOW);
	plan_free(&f.p);

	fx_init(&f);
	f.last = 0;
	f.force = true;
	fx_run(&f);
	expect_status(&f, PLAN_DUE, "forced");
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
		f.last = T(c->last);
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
	expect_status(&f, PLAN_IDLE, "empty and ifempty = no");
	plan_free(&f.p);

	fx_init(&f);
	f.r.ifempty = false;
	f.r.size = 0;
	f.st.st_size = 0;
	fx_run(&f);
	expect_status(&f, PLAN_IDLE, "empty and ifempty = no");
	plan_free(&f.p);

	fx_init(&f);
	f.r.ifempty = true;
	f.st.st_size = 0;
	fx_run(&f);
	expect_status(&f, PLAN_DUE, "weekly");
}

Test(plan, minage_vetoes_young_logs_only)
{
	static struct fx f;

	fx_init(&f);
	f.r.minage = 3;
	f.st.st_mtime = f.now - 3 * 86400;	/* exactly 3 days: too young */
	fx_run(&f);
	expect_status(&f, PLAN_IDLE, "not due: minage 3 days, modified 2026-11-22");
	plan_free(&f.p);

	fx_init(&f);
	f.r.minage = 3;
	f.st.st_mtime = f.now - 3 * 86400 - 1;
	fx_run(&f);
	expect_status(&f, PLAN_DUE, "weekly");
	plan_free(&f.p);

	fx_init(&f);	/* size is not held back by minage */
	f.r.minage = 3;
	f.r.size = 10;
	fx_run(&f);
	expect_status(&f, PLAN_DUE, "size 100 >= 10");
}

Test(plan, forced_rotates_what_time_says_not_due)
{
	static struct fx f;

	fx_init(&f);
	f.last = f.now - 60;
	fx_run(&f);
	expect_status(&f, PLAN_IDLE, "not due");
	plan_free(&f.p);
	f.force = true;
	fx_run(&f);
	expect_status(&f, PLAN_DUE, "forced");
}

/* ---- missing logs and the safety skips ---- */

Test(plan, missing_log_is_quiet_with_missingok_else_an_error)
{
	static struct fx f;

	fx_init(&f);
	f.missing = true;
	f.r.missingok = true;
	fx_run(&f);
	expect_status(&f, PLAN_SKIP, "missing");
	cr_assert_eq(f.p.record, PLAN_RECORD_NONE);
	plan_free(&f.p);

	f.r.missingok = false;
	f.force = true;
	fx_run(&f);
	expect_status(&f, PLAN_ERROR, "log does not exist");
}

Test(plan, symlink_fifo_and_hardlinked_logs_are_skipped_even_forced)
{
	static struct fx f;

	fx_init(&f);
	f.force = true;
	f.st.st_mode = S_IFLNK | 0777;
	fx_run(&f);
	expect_status(&f, PLAN_SKIP, "symbolic link");
	plan_free(&f.p);

	f.st.st_mode = S_IFIFO | 0644;
	fx_run(&f);
	expect_status(&f, PLAN_SKIP, "not a regular file");
	plan_free(&f.p);

	f.st.st_mode = S_IFDIR | 0755;
	fx_run(&f);
	expect_status(&f, PLAN_SKIP, "not a regular file");
	plan_free(&f.p);

	f.st.st_mode = S_IFREG | 0644;
	f.st.st_nlink = 2;
	fx_run(&f);
	expect_status(&f, PLAN_SKIP, "2 hard links");
	plan_free(&f.p);

	f.r.allowhardlink = true;
	fx_run(&f);
	expect_status(&f, PLAN_DUE, "forced");
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
	expect_lines(&f, (const char *[]){
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
	expect_lines(&f, (const char *[]){ "mv /l/a.log /l/a.log.1", NULL });
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
	expect_lines(&f, (const char *[]){
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
	expect_lines(&f, (const char *[]){
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
	expect_lines(&f, (const char *[]){
	    "mv /l/a.log /l/a.log.1",
	    "run postrotate for /l/a.log",
	    "gzip /l/a.log.1",
	    "rm /l/a.log.1.gz",
	    NULL });
	plan_free(&f.p);

	f.r.compress = false;
	fx_run(&f);
	expect_lines(&f, (const char *[]){
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
	expect_lines(&f, (const char *[]){
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
	expect_lines(&f, (const char *[]){
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
	expect_lines(&f, (const char *[]){
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
	expect_lines(&f, (const char *[]){
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
	expect_lines(&f, (const char *[]){
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
	expect_lines(&f, (const char *[]){
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
	expect_lines(&f, (const char *[]){ "mv /l/app.txt /l/app.txt.1", NULL });
}

Test(plan, olddir_relative_absolute_and_created)
{
	static struct fx f;

	fx_init(&f);
	f.r.olddir = "old";
	fx_sib(&f, "a.log.1", 0);
	fx_run(&f);
	expect_lines(&f, (const char *[]){
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
	expect_lines(&f, (const char *[]){
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
	expect_lines(&f, (const char *[]){ "copy /l/a.log /l/a.log.1", NULL });
	plan_free(&f.p);

	fx_init(&f);
	f.r.copytruncate = true;
	f.r.compress = true;
	fx_run(&f);
	/* One pass: the copy is gzipped as it is read, not read twice. */
	expect_lines(&f, (const char *[]){
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
	expect_lines(&f, (const char *[]){
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
	expect_lines(&f, (const char *[]){
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
	expect_lines(&f, (const char *[]){
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
	expect_lines(&f, (const char *[]){
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
	expect_lines(&f, (const char *[]){
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
	expect_lines(&f, (const char *[]){
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
	expect_lines(&f, (const char *[]){ "mv /l/a.log /l/a.log-2026112512", NULL });
	plan_free(&f.p);

	fx_init(&f);	/* stray '%' stays literal, as logrotate prints it */
	f.r.dateext = true;
	f.r.dateformat = "_%Y%a";
	fx_run(&f);
	expect_lines(&f, (const char *[]){ "mv /l/a.log /l/a.log_2026%a", NULL });
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
	expect_lines(&f, (const char *[]){
	    "gzip /l/app-20261124.log",
	    "rm /l/app-20261110.log.gz",
	    "mv /l/app.log /l/app-20261125.log",
	    "rm /l/app-20261120.log.gz",
	    NULL });
}

Test(plan, dateext_existing_destination_is_an_error)
{
	static struct fx f;

	fx_init(&f);
	f.r.dateext = true;
	f.r.firstaction = "x";
	fx_sib(&f, "a.log-20261125", 0);
	fx_run(&f);
	expect_status(&f, PLAN_ERROR, "/l/a.log-20261125 already exists");
	cr_assert_eq(f.p.record, PLAN_RECORD_NONE);
}

Test(plan, dateformat_that_names_nothing_is_an_error)
{
	static struct fx f;
	char longfmt[300];

	fx_init(&f);
	f.r.dateext = true;
	f.r.dateformat = "";
	fx_run(&f);
	expect_status(&f, PLAN_ERROR, "empty suffix");
	cr_assert_eq(f.p.record, PLAN_RECORD_NONE);

	memset(longfmt, 'x', sizeof(longfmt) - 1);
	longfmt[sizeof(longfmt) - 1] = '\0';
	f.r.dateformat = longfmt;
	fx_run(&f);
	expect_status(&f, PLAN_ERROR, "too long");
}

Test(plan, dateformat_with_a_slash_is_refused)
{
	static struct fx f;

	fx_init(&f);
	f.r.dateext = true;
	f.r.dateformat = "-%Y/%m%d";
	fx_run(&f);
	expect_status(&f, PLAN_ERROR, "not a file name");
	cr_assert_eq(f.p.record, PLAN_RECORD_NONE);
}

Test(plan, log_in_the_root_directory)
{
	static struct fx f;

	fx_init(&f);
	f.path = "/a.log";
	fx_run(&f);
	expect_lines(&f, (const char *[]){ "mv /a.log /a.log.1", NULL });
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
		cr_assert_eq(plan_next_due(&f.r, T(due_cases[i].last),
		    T(due_cases[i].last)), T(due_cases[i].next), "case %zu", i);
	}
	/* and plan_build agrees on both sides of one boundary */
	fx_init(&f);
	f.r.frequency = FREQ_WEEKLY;
	f.last = T("2026-11-25 13:20");
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
	cr_assert_eq(plan_next_due(&f.r, 0, f.now), T("2026-12-01 00:00"));
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
	cr_assert_eq(plan_next_due(&f.r, T("2026-03-28 10:00"), f.now),
	    1774738800 /* 2026-03-28 23:00 UTC */);
	/* a week with a 23-hour day in it is still 7 days */
	f.r.frequency = FREQ_WEEKLY;
	f.last = T("2026-03-25 10:00");
	f.now = T("2026-04-01 09:00");
	fx_run(&f);
	expect_status(&f, PLAN_DUE, "weekly: last 2026-03-25");
	plan_free(&f.p);
	/* the repeated hour of October is one hour for hourly */
	f.r.frequency = FREQ_HOURLY;
	f.last = 1792886400 + 1800;	/* 2026-10-25 02:30 CEST = 00:30 UTC */
	f.now = f.last + 3600;		/* 02:30 CET, same wall-clock hour */
	fx_run(&f);
	expect_status(&f, PLAN_IDLE, "not due: hourly");
}

/* ---- logrotate 3.21's further directives (issue 11) ---- */

/* plan_is_rotated_name's rule_of: the logs of LISTED all have its rule. */
struct listed {
	const struct log_rule	*rule;
	const char		**logs;
};

static const struct log_rule *
rule_of_listed(const char *stem, void *arg)
{
	const struct listed *l = arg;

	for (size_t i = 0; l->logs[i] != NULL; i++)
		if (strcmp(l->logs[i], stem) == 0)
			return l->rule;
	return NULL;
}

Test(plan, compressext_names_shifts_and_disposes)
{
	static struct fx f;

	fx_init(&f);
	f.r.compress = true;
	f.r.compresscmd = "/usr/bin/bzip2";
	f.r.compressext = ".bz2";
	f.r.rotate = 2;
	fx_sib(&f, "a.log.1.bz2", 0);
	fx_sib(&f, "a.log.2.bz2", 0);
	fx_sib(&f, "a.log.1.gz", 0);	/* not this rule's suffix: left */
	fx_run(&f);
	expect_lines(&f, (const char *[]){
	    "mv /l/a.log.2.bz2 /l/a.log.3.bz2",
	    "mv /l/a.log.1.bz2 /l/a.log.2.bz2",
	    "mv /l/a.log /l/a.log.1",
	    "compress /l/a.log.1 with bzip2",
	    "rm /l/a.log.3.bz2",
	    NULL });
	cr_assert_str_eq(f.p.actions[3].to, "/l/a.log.1.bz2");
	cr_assert_str_eq(f.p.actions[3].cmd, "/usr/bin/bzip2");
	plan_free(&f.p);

	/* delaycompress compresses the previous one to the same suffix */
	fx_init(&f);
	f.r.compress = f.r.delaycompress = true;
	f.r.compressext = ".zst";
	f.r.rotate = 2;
	fx_sib(&f, "a.log.1", 0);
	fx_run(&f);
	expect_lines(&f, (const char *[]){
	    "gzip /l/a.log.1",
	    "mv /l/a.log.1.zst /l/a.log.2.zst",
	    "mv /l/a.log /l/a.log.1",
	    NULL });
	cr_assert_str_eq(f.p.actions[0].to, "/l/a.log.1.zst");
	plan_free(&f.p);

	/* dateext */
	fx_init(&f);
	f.r.compress = f.r.dateext = true;
	f.r.compressext = ".xz";
	f.r.rotate = 1;
	fx_sib(&f, "a.log-20261120.xz", 0);
	fx_sib(&f, "a.log-20261121.gz", 0);
	fx_run(&f);
	expect_lines(&f, (const char *[]){
	    "mv /l/a.log /l/a.log-20261125",
	    "gzip /l/a.log-20261125",
	    "rm /l/a.log-20261120.xz",
	    NULL });
	plan_free(&f.p);

	fx_init(&f);
	f.r.compress = true;
	f.r.compressext = "";
	fx_run(&f);
	expect_status(&f, PLAN_ERROR, "empty compressext");
}

Test(plan, compressext_is_how_siblings_are_recognised)
{
	static struct fx f;
	const char *zst[] = { "a.log", "worker", NULL };

	fx_init(&f);
	f.r.compressext = ".bz2";
	cr_assert(plan_is_sibling(&f.r, "a.log", "a.log.3.bz2"));
	cr_assert(plan_is_sibling(&f.r, "a.log", "a.log-20261125.bz2"));
	cr_assert_not(plan_is_sibling(&f.r, "a.log", "a.log.3.gz"));
	cr_assert(plan_is_rotated_by(&f.r, "/l/*", "/l/a.log.3.bz2"));
	cr_assert_not(plan_is_rotated_by(&f.r, "/l/*.log*", "/l/a.log.3.gz"));
	f.r.compressext = "zip";	/* logrotate's table: no dot */
	cr_assert(plan_is_sibling(&f.r, "a.log", "a.log.3zip"));
	cr_assert(plan_is_rotated_by(&f.r, "/l/*", "/l/a.log.3zip"));

	/* by any rule in the directory: the rule of the stem decides */
	f.r.compressext = ".zst";
	cr_assert(plan_is_rotated_name("a.log.2.zst", NULL, 0, rule_of_listed,
	    &(struct listed){ &f.r, zst }));
	cr_assert(plan_is_rotated_name("worker.7.zst", NULL, 0, rule_of_listed,
	    &(struct listed){ &f.r, zst }));
	cr_assert_not(plan_is_rotated_name("a.log.2.gz", NULL, 0,
	    rule_of_listed, &(struct listed){ &f.r, zst }));
	cr_assert_not(plan_is_rotated_name("b.log.2.zst", NULL, 0,
	    rule_of_listed, &(struct listed){ &f.r, zst }));
}

/* logrotate's tests 78, 100 and 101: where addextension puts the ending */
static const struct addext_case {
	const char	*path, *addext, *extension;
	bool		 dateext, compress;
	const char	*rotated;
} addext_cases[] = {
	{ "/l/test.log", ".log", NULL, false, false, "/l/test.1.log" },
	{ "/l/test.log", ".newext", NULL, false, false, "/l/test.log.1.newext" },
	{ "/l/test", ".log", NULL, false, false, "/l/test.1.log" },
	{ "/l/test.log", ".log", NULL, true, false, "/l/test-20261125.log" },
	{ "/l/test.log", ".log", NULL, false, true, "/l/test.1.log" },
	/* extension, checked on what addextension left, wins when it fits */
	{ "/l/test.txt.log", ".log", ".txt", false, false, "/l/test.1.txt" },
	{ "/l/test.log", ".log", ".log", false, false, "/l/test.1.log" },
};

Test(plan, addextension_names_as_logrotate)
{
	static struct fx f;
	size_t i;

	for (i = 0; i < sizeof(addext_cases) / sizeof(addext_cases[0]); i++) {
		const struct addext_case *c = &addext_cases[i];

		fx_init(&f);
		f.path = c->path;
		f.r.addextension = (char *)c->addext;
		f.r.extension = (char *)c->extension;
		f.r.dateext = c->dateext;
		f.r.compress = c->compress;
		fx_run(&f);
		cr_assert_eq(f.p.status, PLAN_DUE, "case %zu: %s", i, f.p.why);
		cr_assert_str_eq(f.p.rotated, c->rotated, "case %zu", i);
		plan_free(&f.p);
	}

	/* the numbers shift inside the extension, and the .gz goes after */
	fx_init(&f);
	f.r.addextension = ".newext";
	f.r.compress = true;
	fx_sib(&f, "a.log.1.newext.gz", 0);
	fx_sib(&f, "a.log.1.gz", 0);	/* another naming: not ours */
	fx_run(&f);
	expect_lines(&f, (const char *[]){
	    "mv /l/a.log.1.newext.gz /l/a.log.2.newext.gz",
	    "mv /l/a.log /l/a.log.1.newext",
	    "gzip /l/a.log.1.newext",
	    NULL });
	cr_assert(plan_is_sibling(&f.r, "a.log", "a.log.2.newext.gz"));
	cr_assert(plan_is_rotated_by(&f.r, "/l/*.log", "/l/a.log.2.newext"));
	f.r.addextension = ".log";
	cr_assert(plan_is_sibling(&f.r, "test", "test.2.log"));
	cr_assert(plan_is_rotated_by(&f.r, "/l/test", "/l/test.2.log"));
	cr_assert(plan_is_rotated_by(&f.r, "/l/*.log", "/l/test.2.log.gz"));
}

Test(plan, datehourago_names_the_hour_before)
{
	static struct fx f;

	fx_init(&f);
	f.r.dateext = f.r.datehourago = true;
	f.r.frequency = FREQ_HOURLY;
	f.r.dateformat = "-%Y%m%d%H";
	f.now = T("2026-11-25 00:10");
	f.last = T("2026-11-24 23:10");
	fx_run(&f);
	expect_lines(&f, (const char *[]){
	    "mv /l/a.log /l/a.log-2026112423", NULL });
	plan_free(&f.p);

	/* after dateyesterday's noon, as logrotate applies them */
	f.r.dateyesterday = true;
	fx_run(&f);
	expect_lines(&f, (const char *[]){
	    "mv /l/a.log /l/a.log-2026112411", NULL });
}

/* 2026-11-25 is a Wednesday (3), 2026-11-22 a Sunday. */
static const struct weekday_case {
	int		 weekday;
	const char	*last, *now;
	bool		 due;
} weekday_cases[] = {
	{ 3, "2026-11-24 10:00", "2026-11-25 00:05", true },	/* Tue -> Wed */
	{ 3, "2026-11-25 00:05", "2026-11-25 23:00", false },	/* same day */
	{ 3, "2026-11-19 10:00", "2026-11-24 10:00", false },	/* Thu -> Tue */
	{ 3, "2026-11-18 10:00", "2026-11-25 09:00", true },	/* 7 days */
	{ 3, "2026-11-21 10:00", "2026-11-22 10:00", false },	/* Sunday: not it */
	{ 0, "2026-11-21 10:00", "2026-11-22 10:00", true },
	{ 7, "2026-11-21 10:00", "2026-11-22 10:00", false },	/* every 7 days */
	{ 7, "2026-11-21 10:00", "2026-11-27 23:59", false },
	{ 7, "2026-11-21 10:00", "2026-11-28 00:00", true },
	{ 6, "2026-11-27 23:00", "2026-11-28 00:00", true },	/* Fri -> Sat */
};

Test(plan, weekday_picks_the_day_a_week_begins)
{
	static struct fx f;
	size_t i;

	for (i = 0; i < sizeof(weekday_cases) / sizeof(weekday_cases[0]); i++) {
		const struct weekday_case *c = &weekday_cases[i];

		fx_init(&f);
		f.r.weekday = c->weekday;
		f.last = T(c->last);
		f.now = T(c->now);
		f.st.st_mtime = f.now - 10 * 86400;
		fx_run(&f);
		cr_assert_eq(f.p.status, c->due ? PLAN_DUE : PLAN_IDLE,
		    "case %zu (weekday %d, %s -> %s): %s", i, c->weekday,
		    c->last, c->now, f.p.why);
		plan_free(&f.p);
	}
}

static const struct weekday_due {
	int		 weekday;
	const char	*last, *next;
} weekday_dues[] = {
	{ 3, "2026-11-24 10:00", "2026-11-25 00:00" },	/* Tue -> Wed */
	{ 3, "2026-11-25 10:00", "2026-12-02 00:00" },	/* Wed -> next Wed */
	{ 3, "2026-11-26 10:00", "2026-12-02 00:00" },	/* Thu -> Wed */
	{ 6, "2026-11-27 23:00", "2026-11-28 00:00" },	/* Fri -> Sat */
	{ 7, "2026-11-25 10:00", "2026-12-02 00:00" },	/* a week after */
	{ 0, "2026-11-25 13:20", "2026-11-29 00:00" },
};

Test(plan, next_due_knows_the_weekday)
{
	static struct fx f;
	size_t i;

	for (i = 0; i < sizeof(weekday_dues) / sizeof(weekday_dues[0]); i++) {
		const struct weekday_due *c = &weekday_dues[i];

		fx_init(&f);
		f.r.weekday = c->weekday;
		cr_assert_eq(plan_next_due(&f.r, T(c->last), T(c->last)),
		    T(c->next), "case %zu", i);
		/* and plan_build agrees on both sides of it */
		f.last = T(c->last);
		f.now = T(c->next) - 1;
		f.st.st_mtime = f.last;
		fx_run(&f);
		cr_assert_eq(f.p.status, PLAN_IDLE, "case %zu: %s", i, f.p.why);
		plan_free(&f.p);
		f.now += 1;
		fx_run(&f);
		cr_assert_eq(f.p.status, PLAN_DUE, "case %zu: %s", i, f.p.why);
		plan_free(&f.p);
	}
}

/*
 * What is mailed, when, under which subject and whether decompressed:
 * logrotate's postrotateSingleLog and mailLogWrapper (tests 64, 65, 75).
 */
struct mail_case {
	const char	*name;
	int		 rotate;
	bool		 compress, delaycompress, mailfirst, dateext;
	const char	*sib[3];
	const char	*lines[8];
};

static const struct mail_case mail_cases[] = {
	{ "maillast mails the shifted-out file", 2, false, false, false, false,
	    { "a.log.1", "a.log.2" }, {
	    "mv /l/a.log.2 /l/a.log.3",
	    "mv /l/a.log.1 /l/a.log.2",
	    "mv /l/a.log /l/a.log.1",
	    "mail /l/a.log.3 to ops@x",
	    "rm /l/a.log.3" } },
	{ "maillast decompresses a compressed one", 1, true, false, false,
	    false, { "a.log.1.gz" }, {
	    "mv /l/a.log.1.gz /l/a.log.2.gz",
	    "mv /l/a.log /l/a.log.1",
	    "gzip /l/a.log.1",
	    "mail /l/a.log.2.gz to ops@x decompressed",
	    "rm /l/a.log.2.gz" } },
	{ "delaycompress (test 75)", 2, true, true, false, false,
	    { "a.log.1.gz", "a.log.2.gz" }, {
	    "mv /l/a.log.2.gz /l/a.log.3.gz",
	    "mv /l/a.log.1.gz /l/a.log.2.gz",
	    "mv /l/a.log /l/a.log.1",
	    "mail /l/a.log.3.gz to ops@x decompressed",
	    "rm /l/a.log.3.gz" } },
	{ "nothing disposed, nothing mailed", 2, false, false, false, false,
	    { "a.log.1" }, {
	    "mv /l/a.log.1 /l/a.log.2",
	    "mv /l/a.log /l/a.log.1" } },
	{ "mailfirst mails the new one, under the log's name", 1, true, false,
	    true, false, { "a.log.1.gz" }, {
	    "mv /l/a.log.1.gz /l/a.log.2.gz",
	    "mv /l/a.log /l/a.log.1",
	    "gzip /l/a.log.1",
	    "mail /l/a.log.1.gz to ops@x (subject /l/a.log) decompressed",
	    "rm /l/a.log.2.gz" } },
	{ "mailfirst with delaycompress sends it as is", 1, true, true, true,
	    false, { "a.log.1" }, {
	    "gzip /l/a.log.1",
	    "mv /l/a.log.1.gz /l/a.log.2.gz",
	    "mv /l/a.log /l/a.log.1",
	    "mail /l/a.log.1 to ops@x",
	    "rm /l/a.log.2.gz" } },
	{ "rotate 0 + compress: the .gz is mailed (test 64)", 0, true, false,
	    false, true, { NULL }, {
	    "mv /l/a.log /l/a.log-20261125",
	    "gzip /l/a.log-20261125",
	    "mail /l/a.log-20261125.gz to ops@x decompressed",
	    "rm /l/a.log-20261125.gz" } },
	{ "rotate 0 without compress (test 65)", 0, false, false, false, true,
	    { NULL }, {
	    "mv /l/a.log /l/a.log-20261125",
	    "mail /l/a.log-20261125 to ops@x",
	    "rm /l/a.log-20261125" } },
	{ "dateext mails each extra it removes", 1, false, false, false, true,
	    { "a.log-20261120", "a.log-20261121" }, {
	    "mail /l/a.log-20261120 to ops@x",
	    "rm /l/a.log-20261120",
	    "mv /l/a.log /l/a.log-20261125",
	    "mail /l/a.log-20261121 to ops@x",
	    "rm /l/a.log-20261121" } },
	{ "mailfirst: dateext extras are still mailed", 1, false, false, true,
	    true, { "a.log-20261120", "a.log-20261121" }, {
	    "mail /l/a.log-20261120 to ops@x",
	    "rm /l/a.log-20261120",
	    "mv /l/a.log /l/a.log-20261125",
	    "mail /l/a.log-20261125 to ops@x",
	    "rm /l/a.log-20261121" } },
};

Test(plan, mail_as_logrotate_sends_it)
{
	static struct fx f;
	size_t i, j;

	for (i = 0; i < sizeof(mail_cases) / sizeof(mail_cases[0]); i++) {
		const struct mail_case *c = &mail_cases[i];
		char want[1024] = "";

		fx_init(&f);
		f.r.mail = "ops@x";
		f.r.rotate = c->rotate;
		f.r.compress = c->compress;
		f.r.delaycompress = c->delaycompress;
		f.r.mailfirst = c->mailfirst;
		f.r.dateext = c->dateext;
		for (j = 0; j < 3 && c->sib[j] != NULL; j++)
			fx_sib(&f, c->sib[j], 0);
		fx_run(&f);
		for (j = 0; j < 8 && c->lines[j] != NULL; j++) {
			strcat(want, c->lines[j]);
			strcat(want, "\n");
		}
		cr_assert_eq(f.p.status, PLAN_DUE, "%s: %s", c->name, f.p.why);
		cr_assert_str_eq(f.lines, want, "%s", c->name);
		plan_free(&f.p);
	}
}

Test(plan, maxage_mails_before_it_removes_even_with_mailfirst)
{
	static struct fx f;

	fx_init(&f);
	f.r.mail = "ops@x";
	f.r.mailfirst = true;
	f.r.maxage = 10;
	f.r.compress = true;
	f.r.preremove = "hook";
	fx_sib(&f, "a.log.1.gz", f.now - 2 * 86400);
	fx_sib(&f, "a.log.2.gz", f.now - 20 * 86400);
	fx_run(&f);
	expect_lines(&f, (const char *[]){
	    "mail /l/a.log.2.gz to ops@x (subject /l/a.log) decompressed",
	    "run preremove for /l/a.log.2.gz",
	    "rm /l/a.log.2.gz",
	    "mv /l/a.log.1.gz /l/a.log.2.gz",
	    "mv /l/a.log /l/a.log.1",
	    "gzip /l/a.log.1 (preremove)",
	    "mail /l/a.log.1.gz to ops@x (subject /l/a.log) decompressed",
	    NULL });
	cr_assert_eq(f.p.actions[0].phase, PHASE_PRE);
	cr_assert_eq(f.p.actions[6].phase, PHASE_POST);
	cr_assert_str_eq(f.p.actions[6].address, "ops@x");
	cr_assert(f.p.actions[6].uncompress);
	cr_assert_str_eq(f.p.actions[6].subject, "/l/a.log");
}

Test(plan, shred_marks_every_removal)
{
	static struct fx f;

	fx_init(&f);
	f.r.shred = true;
	f.r.shredcycles = 20;
	f.r.compress = true;
	f.r.rotate = 1;
	fx_sib(&f, "a.log.1.gz", 0);
	fx_run(&f);
	expect_lines(&f, (const char *[]){
	    "mv /l/a.log.1.gz /l/a.log.2.gz",
	    "mv /l/a.log /l/a.log.1",
	    "gzip /l/a.log.1 (shred a.log.1)",
	    "shred /l/a.log.2.gz",
	    NULL });
	cr_assert(f.p.actions[2].shred);
	cr_assert_eq(f.p.actions[2].shredcycles, 20);
	cr_assert(f.p.actions[3].shred);
	cr_assert_eq(f.p.actions[3].shredcycles, 20);
}

Test(plan, renamecopy_copies_after_postrotate)
{
	static struct fx f;

	fx_init(&f);
	f.r.renamecopy = true;
	f.r.create.enabled = true;
	f.r.postrotate = "post";
	f.r.rotate = 1;
	f.r.compress = true;
	f.r.olddir = "/o";	/* on another file system, maybe */
	fx_run(&f);
	expect_lines(&f, (const char *[]){
	    "mv /l/a.log /l/a.log.tmp",
	    "create /l/a.log 0640 0:4",
	    "run postrotate for /l/a.log",
	    "copy /l/a.log.tmp /o/a.log.1",
	    "rm /l/a.log.tmp",
	    "gzip /o/a.log.1",
	    NULL });
	cr_assert_str_eq(f.p.rotated, "/o/a.log.1");
	cr_assert_str_eq(f.p.actions[2].arg2, "/o/a.log.1");
	cr_assert_eq(f.p.actions[0].to_dir, PLAN_DIR_LOG);
	cr_assert_str_eq(f.p.actions[0].to_name, "a.log.tmp");
	cr_assert_eq(f.p.actions[3].phase, PHASE_POST);
	cr_assert_eq(f.p.actions[3].from_dir, PLAN_DIR_LOG);
	cr_assert_str_eq(f.p.actions[3].from_name, "a.log.tmp");
	cr_assert_eq(f.p.actions[4].from_dir, PLAN_DIR_LOG);
	cr_assert_not(f.p.actions[4].shred);
	plan_free(&f.p);

	/* copytruncate wins over renamecopy, as in logrotate (test 62) */
	f.r.copytruncate = true;
	f.r.create.enabled = false;
	f.r.compress = false;
	fx_run(&f);
	expect_lines(&f, (const char *[]){
	    "copy /l/a.log /o/a.log.1",
	    "truncate /l/a.log",
	    "run postrotate for /l/a.log",
	    NULL });
}

Test(plan, copy_modes_with_rotate_0_copy_nothing)
{
	static struct fx f;

	/* logrotate's test 73: only the truncation is left */
	fx_init(&f);
	f.r.copytruncate = true;
	f.r.rotate = 0;
	f.r.compress = true;
	f.r.mail = "ops@x";
	fx_run(&f);
	expect_lines(&f, (const char *[]){ "truncate /l/a.log", NULL });
	plan_free(&f.p);

	fx_init(&f);
	f.r.copy = true;
	f.r.rotate = 0;
	f.r.postrotate = "post";
	fx_run(&f);
	expect_lines(&f, (const char *[]){ "run postrotate for /l/a.log", NULL });
}

Test(plan, one_pass_copytruncate_gzip_only_in_process_without_preremove)
{
	static struct fx f;

	fx_init(&f);
	f.r.copytruncate = f.r.compress = true;
	f.r.rotate = 1;
	fx_run(&f);
	expect_lines(&f, (const char *[]){
	    "copy+gzip /l/a.log /l/a.log.1.gz", "truncate /l/a.log", NULL });
	plan_free(&f.p);

	f.r.compresscmd = "xz";
	f.r.compressext = ".xz";
	fx_run(&f);
	expect_lines(&f, (const char *[]){
	    "copy /l/a.log /l/a.log.1", "truncate /l/a.log",
	    "compress /l/a.log.1 with xz", NULL });
	plan_free(&f.p);

	f.r.compresscmd = NULL;
	f.r.compressext = ".gz";
	f.r.preremove = "hook";
	fx_run(&f);
	expect_lines(&f, (const char *[]){
	    "copy /l/a.log /l/a.log.1", "truncate /l/a.log",
	    "gzip /l/a.log.1 (preremove)", NULL });
}

Test(plan, an_unexpected_compressed_destination_is_set_aside)
{
	static struct fx f;

	/* logrotate's test 72: a stray a.log.1.gz beside a.log.1 */
	fx_init(&f);
	f.r.compress = f.r.delaycompress = true;
	f.r.rotate = 3;
	fx_sib(&f, "a.log.1", 0);
	fx_sib(&f, "a.log.1.gz", 0);
	fx_sib(&f, "a.log.2.gz", 0);
	fx_run(&f);
	expect_lines(&f, (const char *[]){
	    "gzip /l/a.log.1 (a.log.1.gz exists: kept as "
	    "a.log.1.gz-2026112512.backup)",
	    "mv /l/a.log.2.gz /l/a.log.3.gz",
	    "mv /l/a.log.1.gz /l/a.log.2.gz",
	    "mv /l/a.log /l/a.log.1",
	    NULL });
	cr_assert_str_eq(f.p.actions[0].backup, "a.log.1.gz-2026112512.backup");
	plan_free(&f.p);

	/* none expected: none named */
	fx_init(&f);
	f.r.compress = true;
	fx_run(&f);
	cr_assert_null(f.p.actions[1].backup);
}

Test(plan, the_new_rotated_file_gets_the_logs_times)
{
	static struct fx f;

	fx_init(&f);
	f.r.compress = f.r.delaycompress = true;
	f.st.st_atim.tv_sec = 946684800;
	f.st.st_mtim.tv_sec = 946684801;
	fx_sib(&f, "a.log.1", 0);
	fx_run(&f);
	cr_assert_eq(f.p.actions[0].kind, ACT_COMPRESS);
	cr_assert_not(f.p.actions[0].has_times, "a previous one keeps its own");
	plan_free(&f.p);

	f.r.delaycompress = false;
	f.nsib = 0;
	fx_run(&f);
	cr_assert_eq(f.p.actions[1].kind, ACT_COMPRESS);
	cr_assert(f.p.actions[1].has_times);
	cr_assert_eq(f.p.actions[1].atime.tv_sec, 946684800);
	cr_assert_eq(f.p.actions[1].mtime.tv_sec, 946684801);
}

Test(plan, was_due_marks_a_due_log_that_could_not_be_planned)
{
	static struct fx f;

	fx_init(&f);
	f.r.dateext = true;
	fx_sib(&f, "a.log-20261125", 0);
	fx_run(&f);
	expect_status(&f, PLAN_ERROR, "destination /l/a.log-20261125 already "
	    "exists, skipping rotation");
	cr_assert(f.p.was_due);
	plan_free(&f.p);

	/* with compress, the name logrotate prints is the .gz */
	f.r.compress = true;
	f.nsib = 0;
	fx_sib(&f, "a.log-20261125.gz", 0);
	fx_run(&f);
	expect_status(&f, PLAN_ERROR, "destination /l/a.log-20261125.gz "
	    "already exists, skipping rotation");
	cr_assert(f.p.was_due);
	plan_free(&f.p);

	f.nsib = 0;
	fx_run(&f);
	cr_assert_eq(f.p.status, PLAN_DUE);
	cr_assert_not(f.p.was_due);
	plan_free(&f.p);

	fx_init(&f);
	f.missing = true;
	fx_run(&f);
	cr_assert_eq(f.p.status, PLAN_ERROR);
	cr_assert_not(f.p.was_due, "never due: it does not exist");
}

Test(plan, script_arg_is_the_stanzas_first_argument)
{
	static struct fx f;

	fx_init(&f);
	f.r.script_arg = "/l/*.log /l/other";
	f.r.firstaction = "first";
	f.r.sharedscripts = true;
	f.r.prerotate = "pre";
	fx_run(&f);
	cr_assert_str_eq(f.p.actions[0].arg1, "/l/*.log /l/other");
	cr_assert_str_eq(f.p.actions[1].arg1, "/l/*.log /l/other");
}
