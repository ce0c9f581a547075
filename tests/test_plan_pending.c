/*
 * test_plan_pending.c: compresswhenclosed in the planner, as tables. The
 * rotation leaves the rotated file plain as delaycompress does; which
 * files then wait (plan_pending), and whether one is compressed now or
 * waits for its writer, up to its deadline (plan_build_pending). No file
 * is touched; times are UTC.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/plan.h"
#include "tests/planfx.h"

TestSuite(plan_pending, .init = fx_utc, .fini = fx_fini);

static struct plan_input
input(struct fx *f)
{
	plan_sort_siblings(f->sib, f->nsib);
	return (struct plan_input){ .rule = &f->r, .path = f->path,
	    .st = &f->st, .euid = f->euid, .last = f->last, .now = f->now,
	    .siblings = f->sib, .nsiblings = f->nsib };
}

/* plan_pending's names, joined by spaces, into the static buffer. */
static char found[512];

static int
collect(const char *name, void *arg)
{
	(void)arg;
	if (found[0] != '\0')
		strcat(found, " ");
	strcat(found, name);
	return 0;
}

static const char *
pending(struct fx *f)
{
	struct plan_input in = input(f);

	found[0] = '\0';
	cr_assert_eq(plan_pending(&in, collect, NULL), 0);
	return found;
}

/* A compress rule that waits for its writer at most an hour. */
static void
waiting_rule(struct fx *f)
{
	fx_init(f);
	f->r.compress = true;
	f->r.compresswhenclosed = 3600;
}

Test(plan_pending, the_rotation_leaves_the_new_file_plain_for_later)
{
	static struct fx f;

	waiting_rule(&f);
	f.r.rotate = 2;
	fx_sib(&f, "a.log.1.gz", 0);
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){
	    "mv /l/a.log.1.gz /l/a.log.2.gz",
	    "mv /l/a.log /l/a.log.1",
	    NULL });
}

Test(plan_pending, a_plain_previous_file_still_goes_at_the_next_rotation)
{
	static struct fx f;

	/* held through a whole period: compressed before the shift */
	waiting_rule(&f);
	f.r.rotate = 2;
	fx_sib(&f, "a.log.1", 0);
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){
	    "gzip /l/a.log.1",
	    "mv /l/a.log.1.gz /l/a.log.2.gz",
	    "mv /l/a.log /l/a.log.1",
	    NULL });
}

Test(plan_pending, copytruncate_compresses_at_once_as_compress_does)
{
	static struct fx f;

	waiting_rule(&f);
	f.r.copytruncate = true;
	cr_assert_not(plan_waits_for_writer(&f.r));
	fx_run(&f);
	fx_expect_lines(&f, (const char *[]){
	    "copy+gzip /l/a.log /l/a.log.1.gz",
	    "truncate /l/a.log",
	    NULL });
	fx_sib(&f, "a.log.1", 0);
	cr_assert_str_empty(pending(&f));
}

Test(plan_pending, which_files_wait)
{
	static struct fx f;

	waiting_rule(&f);
	fx_sib(&f, "a.log.1", 0);
	fx_sib(&f, "a.log.2", 0);	/* recovery's, not the writer's */
	fx_sib(&f, "a.log.2.gz", 0);
	fx_sib(&f, "a.log", 0);
	fx_sib(&f, "b.log.1", 0);
	cr_assert_str_eq(pending(&f), "a.log.1");

	f.r.start = 0;
	cr_assert_str_empty(pending(&f));

	/* dateext: every plain dated one, as delaycompress's shift takes */
	waiting_rule(&f);
	f.r.dateext = true;
	fx_sib(&f, "a.log-20261124", 0);
	fx_sib(&f, "a.log-20261123", 0);
	fx_sib(&f, "a.log-20261120.gz", 0);
	fx_sib(&f, "a.log.1", 0);
	cr_assert_str_eq(pending(&f), "a.log-20261123 a.log-20261124");

	/* off, or no compress: nothing waits */
	waiting_rule(&f);
	f.r.compresswhenclosed = 0;
	fx_sib(&f, "a.log.1", 0);
	cr_assert_str_empty(pending(&f));
	f.r.compresswhenclosed = 60;
	f.r.compress = false;
	cr_assert_str_empty(pending(&f));
}

/*
 * plan_build_pending of a.log.1 held by PID (0 none, -1 unknown, -2 one
 * hidden from mond) at NOW, rotated at LAST.
 */
static time_t
decide(struct fx *f, pid_t pid, const char *last, const char *now)
{
	struct plan_holder h = { pid > 0 ? PLAN_HOLD_PID : pid == 0 ?
	    PLAN_HOLD_NONE : pid == -1 ? PLAN_HOLD_UNKNOWN : PLAN_HOLD_HIDDEN,
	    pid, pid > 0 ? "writer" : NULL };
	struct plan_input in;
	time_t recheck;
	size_t i, o = 0;

	f->last = fx_time(last);
	f->now = fx_time(now);
	in = input(f);
	plan_free(&f->p);
	cr_assert_eq(plan_build_pending(&in, "a.log.1", &h, &f->p,
	    &recheck), 0);
	f->lines[0] = '\0';
	for (i = 0; i < f->p.nactions; i++) {
		o += (size_t)plan_action_render(&f->p.actions[i], f->lines + o,
		    sizeof(f->lines) - o, NULL, NULL);
		f->lines[o++] = '\n';
		f->lines[o] = '\0';
	}
	return recheck;
}

Test(plan_pending, no_writer_compresses_now)
{
	static struct fx f;

	waiting_rule(&f);
	fx_sib(&f, "a.log.1", 0);
	cr_assert_eq(decide(&f, 0, "2026-11-25 12:00", "2026-11-25 12:00"),
	    (time_t)-1);
	fx_expect_status(&f, PLAN_DUE, "/l/a.log.1: no process holds it open "
	    "for writing");
	cr_assert_str_eq(f.lines, "gzip /l/a.log.1\n");
	cr_assert_eq(f.p.actions[0].phase, PHASE_PRE);
}

Test(plan_pending, a_writer_makes_it_wait_and_asks_for_a_recheck)
{
	static struct fx f;
	time_t t;

	waiting_rule(&f);
	fx_sib(&f, "a.log.1", 0);
	t = decide(&f, 4242, "2026-11-25 12:00", "2026-11-25 12:00");
	fx_expect_status(&f, PLAN_IDLE, "/l/a.log.1 is held open by pid 4242 "
	    "(writer): compression waits, at the latest until "
	    "2026-11-25 13:00:00");
	cr_assert_str_empty(f.lines);
	/* soon after the rotation: the writer most likely reopens then */
	cr_assert_eq(t, f.now + 1);
	/* later ones further apart, at most 30 s */
	t = decide(&f, 4242, "2026-11-25 12:00", "2026-11-25 12:02");
	cr_assert_eq(t, f.now + 30);
	t = decide(&f, 4242, "2026-11-25 12:00", "2026-11-25 12:01");
	cr_assert_eq(t, f.now + 15);
	/* never past the deadline: here 10 s off, closer than a step */
	f.r.compresswhenclosed = 3550;
	t = decide(&f, 4242, "2026-11-25 12:00", "2026-11-25 12:59");
	cr_assert_eq(t, fx_time("2026-11-25 12:59") + 10);
}

Test(plan_pending, the_deadline_compresses_a_file_still_held)
{
	static struct fx f;

	waiting_rule(&f);
	fx_sib(&f, "a.log.1", 0);
	fx_sib(&f, "a.log.1.gz", 0);	/* a stray one: kept aside */
	cr_assert_eq(decide(&f, 4242, "2026-11-25 12:00",
	    "2026-11-25 13:00"), (time_t)-1);
	fx_expect_status(&f, PLAN_DUE, "still held open by pid 4242 (writer), "
	    "but compresswhenclosed's 3600s are over");
	cr_assert_str_eq(f.lines, "gzip /l/a.log.1 (a.log.1.gz exists: kept "
	    "as a.log.1.gz-2026112513.backup)\n");
}

Test(plan_pending, an_unknown_or_future_rotation_time_counts_from_now)
{
	static struct fx f;

	waiting_rule(&f);
	fx_sib(&f, "a.log.1", 0);
	cr_assert_eq(plan_pending_deadline(&f.r, 0, 1000), 4600);
	cr_assert_eq(plan_pending_deadline(&f.r, 5000, 1000), 4600);
	cr_assert_eq(plan_pending_deadline(&f.r, 400, 1000), 4000);
	/* who holds it is unknown (no lease, /proc hidden): waits */
	decide(&f, -1, "2026-11-25 12:00", "2026-11-25 12:10");
	fx_expect_status(&f, PLAN_IDLE, "/l/a.log.1: who holds it open is "
	    "unknown: compression waits, at the latest until 2026-11-25 "
	    "13:00:00");
	decide(&f, -1, "2026-11-25 12:00", "2026-11-25 13:10");
	fx_expect_status(&f, PLAN_DUE, "who holds it open is unknown, and "
	    "compresswhenclosed's 3600s are over");
	/* a writer the lease sees and /proc does not: waits likewise */
	decide(&f, -2, "2026-11-25 12:00", "2026-11-25 12:10");
	fx_expect_status(&f, PLAN_IDLE, "/l/a.log.1 is held open by a process "
	    "mond cannot see: compression waits");
}
