/*
 * test_plan_lr.c: the planner's tables for logrotate 3.21's further
 * directives (issue 11): compressext, compresscmd, addextension,
 * datehourago, weekday, mail and mailfirst, shred, preremove on the
 * compressed source, renamecopy, rotate 0 with compress or a copy, a stray
 * compressed destination, the log's times, was_due, script_arg. Each case
 * pins what logrotate's prerotateSingleLog / rotateSingleLog /
 * postrotateSingleLog would do, as dry-run lines. No file is touched.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/plan.h"
#include "tests/planfx.h"

TestSuite(plan_lr, .init = fx_utc, .fini = fx_fini);

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

Test(plan_lr, compressext_names_shifts_and_disposes)
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
	fx_expect_lines(&f, (const char *[]){
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
	fx_expect_lines(&f, (const char *[]){
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
	fx_expect_lines(&f, (const char *[]){
	    "mv /l/a.log /l/a.log-20261125",
	    "gzip /l/a.log-20261125",
	    "rm /l/a.log-20261120.xz",
	    NULL });
	plan_free(&f.p);

	fx_init(&f);
	f.r.compress = true;
	f.r.compressext = "";
	fx_run(&f);
	fx_expect_status(&f, PLAN_ERROR, "empty compressext");
}

Test(plan_lr, compressext_is_how_siblings_are_recognised)
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

Test(plan_lr, addextension_names_as_logrotate)
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
	fx_expect_lines(&f, (const char *[]){
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

Test(plan_lr, datehourago_names_the_hour_before)
{
	static struct fx f;

	fx_init(&f);
	f.r.dateext = f.r.datehourago = true;
	f.r.frequency = FREQ_HOURLY;
	f.r.dateformat = "-%Y%m%d%H";
	f.now = fx_time("2026-11-25 00:10");
	f.last = fx_time("2026-11-24 23:10");
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){
	    "mv /l/a.log /l/a.log-2026112423", NULL });
	plan_free(&f.p);

	/* after dateyesterday's noon, as logrotate applies them */
	f.r.dateyesterday = true;
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){
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

Test(plan_lr, weekday_picks_the_day_a_week_begins)
{
	static struct fx f;
	size_t i;

	for (i = 0; i < sizeof(weekday_cases) / sizeof(weekday_cases[0]); i++) {
		const struct weekday_case *c = &weekday_cases[i];

		fx_init(&f);
		f.r.weekday = c->weekday;
		f.last = fx_time(c->last);
		f.now = fx_time(c->now);
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

Test(plan_lr, next_due_knows_the_weekday)
{
	static struct fx f;
	size_t i;

	for (i = 0; i < sizeof(weekday_dues) / sizeof(weekday_dues[0]); i++) {
		const struct weekday_due *c = &weekday_dues[i];

		fx_init(&f);
		f.r.weekday = c->weekday;
		cr_assert_eq(plan_next_due(&f.r, fx_time(c->last), fx_time(c->last)),
		    fx_time(c->next), "case %zu", i);
		/* and plan_build agrees on both sides of it */
		f.last = fx_time(c->last);
		f.now = fx_time(c->next) - 1;
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

Test(plan_lr, mail_as_logrotate_sends_it)
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

Test(plan_lr, maxage_mails_before_it_removes_even_with_mailfirst)
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
	fx_expect_lines(&f, (const char *[]){
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

Test(plan_lr, shred_marks_every_removal)
{
	static struct fx f;

	fx_init(&f);
	f.r.shred = true;
	f.r.shredcycles = 20;
	f.r.compress = true;
	f.r.rotate = 1;
	fx_sib(&f, "a.log.1.gz", 0);
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){
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

Test(plan_lr, renamecopy_copies_after_postrotate)
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
	fx_expect_lines(&f, (const char *[]){
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
	fx_expect_lines(&f, (const char *[]){
	    "copy /l/a.log /o/a.log.1",
	    "truncate /l/a.log",
	    "run postrotate for /l/a.log",
	    NULL });
}

Test(plan_lr, copy_modes_with_rotate_0_copy_nothing)
{
	static struct fx f;

	/* logrotate's test 73: only the truncation is left */
	fx_init(&f);
	f.r.copytruncate = true;
	f.r.rotate = 0;
	f.r.compress = true;
	f.r.mail = "ops@x";
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){ "truncate /l/a.log", NULL });
	plan_free(&f.p);

	fx_init(&f);
	f.r.copy = true;
	f.r.rotate = 0;
	f.r.postrotate = "post";
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){ "run postrotate for /l/a.log", NULL });
}

Test(plan_lr, one_pass_copytruncate_gzip_only_in_process_without_preremove)
{
	static struct fx f;

	fx_init(&f);
	f.r.copytruncate = f.r.compress = true;
	f.r.rotate = 1;
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){
	    "copy+gzip /l/a.log /l/a.log.1.gz", "truncate /l/a.log", NULL });
	plan_free(&f.p);

	f.r.compresscmd = "xz";
	f.r.compressext = ".xz";
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){
	    "copy /l/a.log /l/a.log.1", "truncate /l/a.log",
	    "compress /l/a.log.1 with xz", NULL });
	plan_free(&f.p);

	f.r.compresscmd = NULL;
	f.r.compressext = ".gz";
	f.r.preremove = "hook";
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){
	    "copy /l/a.log /l/a.log.1", "truncate /l/a.log",
	    "gzip /l/a.log.1 (preremove)", NULL });
}

Test(plan_lr, an_unexpected_compressed_destination_is_set_aside)
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
	fx_expect_lines(&f, (const char *[]){
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

Test(plan_lr, the_new_rotated_file_gets_the_logs_times)
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

Test(plan_lr, was_due_marks_a_due_log_that_could_not_be_planned)
{
	static struct fx f;

	fx_init(&f);
	f.r.dateext = true;
	f.date_taken_fails = true;	/* logrotate's command line */
	fx_sib(&f, "a.log-20261125", 0);
	fx_run(&f);
	fx_expect_status(&f, PLAN_ERROR, "destination /l/a.log-20261125 already "
	    "exists, skipping rotation");
	cr_assert(f.p.was_due);
	plan_free(&f.p);

	/* with compress, the name logrotate prints is the .gz */
	f.r.compress = true;
	f.nsib = 0;
	fx_sib(&f, "a.log-20261125.gz", 0);
	fx_run(&f);
	fx_expect_status(&f, PLAN_ERROR, "destination /l/a.log-20261125.gz "
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

Test(plan_lr, script_arg_is_the_stanzas_first_argument)
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
