/*
 * test_plan_dated.c: the planner's dateext names when the date is taken
 * (issue 14): a size trigger firing twice in one dateformat period names
 * the second rotation LOG-DATE.1, the third LOG-DATE.2, and so on, and
 * those files are members of the log's family for rotate, maxage,
 * delaycompress and the wildcard's judgement of what is a log. Under
 * logrotate's command line the taken name still fails the log, as
 * logrotate's test 30 wants. No file is touched; the suite runs in UTC.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "engine/plan.h"
#include "tests/planfx.h"

TestSuite(plan_dated, .init = fx_utc, .fini = fx_fini);

/* fx_init's log, dated: a.log at 2026-11-25 12:00, rotate 4. */
static void
dated(struct fx *f)
{
	fx_init(f);
	f->r.dateext = true;
}

Test(plan_dated, a_taken_date_takes_the_next_counter)
{
	static struct fx f;

	dated(&f);
	fx_sib(&f, "a.log-20261125", 0);
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){
	    "mv /l/a.log /l/a.log-20261125.1", NULL });
	cr_assert_str_eq(f.p.rotated, "/l/a.log-20261125.1");

	fx_sib(&f, "a.log-20261125.1", 0);
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){
	    "mv /l/a.log /l/a.log-20261125.2", NULL });
}

Test(plan_dated, the_counter_follows_the_newest_not_the_first_gap)
{
	static struct fx f;

	/* by number, not by name: .10 is newer than .9 */
	dated(&f);
	fx_sib(&f, "a.log-20261125", 0);
	fx_sib(&f, "a.log-20261125.9", 0);
	fx_sib(&f, "a.log-20261125.10", 0);
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){
	    "mv /l/a.log /l/a.log-20261125.11", NULL });

	/* the plain and .1 gone (rotate removed them): never back to them */
	dated(&f);
	fx_sib(&f, "a.log-20261125.2", 0);
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){
	    "mv /l/a.log /l/a.log-20261125.3", NULL });

	/* each date counts on its own */
	dated(&f);
	fx_sib(&f, "a.log-20261124.3", 0);
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){
	    "mv /l/a.log /l/a.log-20261125", NULL });
}

Test(plan_dated, a_compressed_name_takes_the_date_too)
{
	static struct fx f;

	dated(&f);
	f.r.compress = true;
	fx_sib(&f, "a.log-20261125.gz", 0);
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){
	    "mv /l/a.log /l/a.log-20261125.1",
	    "gzip /l/a.log-20261125.1",
	    NULL });

	fx_sib(&f, "a.log-20261125.1.gz", 0);
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){
	    "mv /l/a.log /l/a.log-20261125.2",
	    "gzip /l/a.log-20261125.2",
	    NULL });

	/* compress switched off since: its .gz still takes the name */
	dated(&f);
	fx_sib(&f, "a.log-20261125.gz", 0);
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){
	    "mv /l/a.log /l/a.log-20261125.1", NULL });
}

Test(plan_dated, delaycompress_compresses_the_previous_under_its_own_name)
{
	static struct fx f;

	dated(&f);
	f.r.compress = f.r.delaycompress = true;
	fx_sib(&f, "a.log-20261125", 0);
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){
	    "gzip /l/a.log-20261125",
	    "mv /l/a.log /l/a.log-20261125.1",
	    NULL });

	dated(&f);
	f.r.compress = f.r.delaycompress = true;
	fx_sib(&f, "a.log-20261125.gz", 0);
	fx_sib(&f, "a.log-20261125.1", 0);
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){
	    "gzip /l/a.log-20261125.1",
	    "mv /l/a.log /l/a.log-20261125.2",
	    NULL });
}

Test(plan_dated, rotate_counts_the_counted_and_removes_the_oldest)
{
	static struct fx f;

	/* oldest first: the day before, then today's plain one, then .1 */
	dated(&f);
	f.r.rotate = 3;
	fx_sib(&f, "a.log-20261125.2", 0);
	fx_sib(&f, "a.log-20261124", 0);
	fx_sib(&f, "a.log-20261125.1", 0);
	fx_sib(&f, "a.log-20261125", 0);
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){
	    "rm /l/a.log-20261124",
	    "mv /l/a.log /l/a.log-20261125.3",
	    "rm /l/a.log-20261125",
	    NULL });

	dated(&f);
	f.r.rotate = 2;
	fx_sib(&f, "a.log-20261125.10", 0);
	fx_sib(&f, "a.log-20261125.9", 0);
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){
	    "mv /l/a.log /l/a.log-20261125.11",
	    "rm /l/a.log-20261125.9",
	    NULL });

	/* compressed ones count the same */
	dated(&f);
	f.r.rotate = 2;
	f.r.compress = true;
	fx_sib(&f, "a.log-20261125.gz", 0);
	fx_sib(&f, "a.log-20261125.1.gz", 0);
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){
	    "mv /l/a.log /l/a.log-20261125.2",
	    "gzip /l/a.log-20261125.2",
	    "rm /l/a.log-20261125.gz",
	    NULL });
}

Test(plan_dated, maxage_removes_an_old_counted_one)
{
	static struct fx f;

	dated(&f);
	f.r.maxage = 30;
	fx_sib(&f, "a.log-20261001.4", f.now - 55 * 86400);
	fx_sib(&f, "a.log-20261124.1", f.now - 86400);
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){
	    "mv /l/a.log /l/a.log-20261125",
	    "rm /l/a.log-20261001.4",
	    NULL });
}

Test(plan_dated, dateyesterday_olddir_and_seconds)
{
	static struct fx f;

	dated(&f);
	f.r.dateyesterday = true;
	fx_sib(&f, "a.log-20261124", 0);
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){
	    "mv /l/a.log /l/a.log-20261124.1", NULL });

	dated(&f);
	f.r.olddir = "/o";
	fx_sib(&f, "a.log-20261125", 0);
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){
	    "mv /l/a.log /o/a.log-20261125.1", NULL });

	/* to the second, and a size trigger firing twice in it */
	dated(&f);
	f.r.dateformat = "-%Y%m%d%H%M%S";
	fx_sib(&f, "a.log-20261125120000", 0);
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){
	    "mv /l/a.log /l/a.log-20261125120000.1", NULL });
}

Test(plan_dated, extension_stays_last_after_the_counter)
{
	static struct fx f;

	dated(&f);
	f.path = "/l/app.log";
	f.r.extension = ".log";
	f.r.compress = true;
	fx_sib(&f, "app-20261125.log.gz", 0);
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){
	    "mv /l/app.log /l/app-20261125.1.log",
	    "gzip /l/app-20261125.1.log",
	    NULL });
}

Test(plan_dated, a_copy_takes_the_counted_name)
{
	static struct fx f;

	dated(&f);
	f.r.copytruncate = f.r.compress = true;
	fx_sib(&f, "a.log-20261125.gz", 0);
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){
	    "copy+gzip /l/a.log /l/a.log-20261125.1.gz",
	    "truncate /l/a.log",
	    NULL });
}

Test(plan_dated, logrotates_command_line_still_refuses_a_taken_date)
{
	static struct fx f;

	dated(&f);
	f.date_taken_fails = true;
	fx_sib(&f, "a.log-20261125", 0);
	fx_run(&f);
	fx_expect_status(&f, PLAN_ERROR, "destination /l/a.log-20261125 "
	    "already exists, skipping rotation");
	cr_assert(f.p.was_due);

	/* a free date is named as ever */
	dated(&f);
	f.date_taken_fails = true;
	fx_sib(&f, "a.log-20261124", 0);
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){
	    "mv /l/a.log /l/a.log-20261125", NULL });
}

/* plan_is_rotated_name's rule_of: "a.log" and "app.log" are logs of R. */
static const struct log_rule *
two_logs(const char *stem, void *arg)
{
	return strcmp(stem, "a.log") == 0 || strcmp(stem, "app.log") == 0 ?
	    arg : NULL;
}

Test(plan_dated, counted_names_are_the_logs_siblings)
{
	static struct fx f;
	size_t w;

	dated(&f);
	cr_assert(plan_is_sibling(&f.r, "a.log", "a.log-20261125.3"));
	cr_assert(plan_is_sibling(&f.r, "a.log", "a.log-20261125.3.gz"));
	cr_assert(plan_is_sibling(&f.r, "a.log", "a.log-20261125.12"));
	cr_assert_not(plan_is_sibling(&f.r, "a.log", "a.log-20261125.0"));
	cr_assert_not(plan_is_sibling(&f.r, "a.log", "a.log-20261125.03"));
	cr_assert_not(plan_is_sibling(&f.r, "a.log", "a.log-20261125.x"));
	cr_assert_not(plan_is_sibling(&f.r, "a.log", "a.log-20261125."));
	cr_assert_not(plan_is_sibling(&f.r, "a.log", "a.log-20261125.3.x"));
	cr_assert(plan_is_rotated_by(&f.r, "/l/*", "/l/a.log-20261125.2"));
	cr_assert(plan_is_rotated_by(&f.r, "/l/*", "/l/a.log-20261125.2.gz"));
	w = plan_date_width(&f.r);
	cr_assert(plan_is_rotated_name("a.log-20261125.2.gz", &w, 1, two_logs,
	    &f.r));

	f.r.extension = ".log";
	cr_assert(plan_is_sibling(&f.r, "app.log", "app-20261125.2.log"));
	cr_assert(plan_is_sibling(&f.r, "app.log", "app-20261125.2.log.gz"));
	cr_assert_not(plan_is_sibling(&f.r, "app.log", "app-20261125.log.2"));
	cr_assert(plan_is_rotated_by(&f.r, "/l/*.log", "/l/app-20261125.2.log"));
	cr_assert(plan_is_rotated_by(&f.r, "/l/*.log",
	    "/l/app-20261125.2.log.gz"));
	cr_assert(plan_is_rotated_name("app-20261125.2.log", &w, 1, two_logs,
	    &f.r));
}

/* What retain.c breaks an mtime tie with. */
Test(plan_dated, names_say_which_is_older)
{
	static struct fx f;
	struct plan_age a, b;

	dated(&f);
	cr_assert(plan_name_age(&f.r, "a.log", "a.log-20261125", &a));
	cr_assert(plan_name_age(&f.r, "a.log", "a.log-20261125.2.gz", &b));
	cr_assert_lt(plan_age_cmp(&a, &b), 0);
	a = b;
	cr_assert(plan_name_age(&f.r, "a.log", "a.log-20261125.10", &b));
	cr_assert_lt(plan_age_cmp(&a, &b), 0, ".2 is older than .10");
	cr_assert(plan_name_age(&f.r, "a.log", "a.log-20261124.99", &a));
	cr_assert_lt(plan_age_cmp(&a, &b), 0, "an earlier date is older");

	cr_assert(plan_name_age(&f.r, "a.log", "a.log.10.gz", &a));
	cr_assert(plan_name_age(&f.r, "a.log", "a.log.9", &b));
	cr_assert_lt(plan_age_cmp(&a, &b), 0, ".10 is older than .9");
	cr_assert_not(plan_name_age(&f.r, "a.log", "b.log.1", &b));
	cr_assert_eq(plan_age_cmp(&a, &b), 0, "no shape tells nothing");

	f.r.extension = ".log";
	cr_assert(plan_name_age(&f.r, "app.log", "app.3.log", &a));
	cr_assert(plan_name_age(&f.r, "app.log", "app.2.log.gz", &b));
	cr_assert_lt(plan_age_cmp(&a, &b), 0);
}
