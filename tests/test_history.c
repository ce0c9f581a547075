/*
 * test_history.c: a log's last day, kept (history.c), carried by the
 * status table (status.c) from the passes and the sizes it reads, and
 * drawn as the status page's sparkline (sparkline.c) into real SVG.
 */
#include <criterion/criterion.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/history.h"
#include "daemon/status.h"
#include "engine/pass.h"
#include "engine/state.h"
#include "tests/testutil.h"
#include "web/render.h"
#include "web/render_int.h"

#define T0	((time_t)1795600000)	/* 2026-11-25 09:46:40 UTC */
#define STEP	STATUS_HISTORY_STEP
#define DAY	STATUS_HISTORY_SPAN

/* ---- the day kept ---- */

Test(history, a_full_day_slides_keeping_the_latest_steps_in_order)
{
	struct size_history *h = calloc(1, sizeof(*h));
	size_t i;

	for (i = 0; i < 200; i++)
		history_sample(h, STEP, T0 + (time_t)i * STEP, (long long)i);
	cr_assert_eq(h->nsamples, STATUS_HISTORY_MAX);
	cr_assert_eq(h->samples[h->nsamples - 1].size, 199);
	/* the oldest left is the first inside the day ending at the newest */
	cr_assert_eq(h->samples[0].at, T0 + (time_t)(199 - 143) * STEP);
	for (i = 1; i < h->nsamples; i++)
		cr_assert_eq(h->samples[i].at - h->samples[i - 1].at, STEP);
	free(h);
}

Test(history, one_step_keeps_its_largest_size_and_latest_time)
{
	struct size_history *h = calloc(1, sizeof(*h));
	time_t t = T0 - T0 % STEP;

	history_sample(h, STEP, t + 1, 500);
	history_sample(h, STEP, t + 200, 20);		/* rotated meanwhile */
	history_sample(h, STEP, t + 300, 40);
	cr_assert_eq(h->nsamples, 1);
	cr_assert_eq(h->samples[0].size, 500);
	cr_assert_eq(h->samples[0].at, t + 300);
	history_sample(h, STEP, t + STEP, 41);	/* the next step */
	cr_assert_eq(h->nsamples, 2);
	cr_assert_eq(h->samples[1].size, 41);
	free(h);
}

Test(history, what_is_a_day_old_goes_even_before_the_array_fills)
{
	struct size_history *h = calloc(1, sizeof(*h));

	history_sample(h, STEP, T0, 1);
	history_rotation(h, STEP, T0);
	history_sample(h, STEP, T0 + 3 * STEP, 2);
	cr_assert_eq(h->nsamples, 2);
	history_sample(h, STEP, T0 + DAY, 3);
	cr_assert_eq(h->nsamples, 2, "T0 is a day old at T0 + DAY");
	cr_assert_eq(h->samples[0].size, 2);
	cr_assert_eq(h->nrotations, 0, "its rotation went with it");
	free(h);
}

Test(history, rotations_are_bounded_and_the_latest_kept)
{
	struct size_history *h = calloc(1, sizeof(*h));
	size_t i;

	for (i = 0; i < STATUS_ROTATIONS_MAX + 6; i++)
		history_rotation(h, STEP, T0 + (time_t)i * 60);
	cr_assert_eq(h->nrotations, STATUS_ROTATIONS_MAX);
	cr_assert_eq(h->rotations[0], T0 + 6 * 60);
	cr_assert_eq(h->rotations[STATUS_ROTATIONS_MAX - 1],
	    T0 + (time_t)(STATUS_ROTATIONS_MAX + 5) * 60);
	free(h);
}

Test(history, a_time_gone_back_drops_what_came_after_it_and_stays_in_order)
{
	struct size_history *h = calloc(1, sizeof(*h));
	time_t t = T0 - T0 % STEP;

	history_sample(h, STEP, t + 10, 1);
	history_sample(h, STEP, t + STEP + 10, 2);
	history_sample(h, STEP, t + 2 * STEP + 10, 3);
	history_rotation(h, STEP, t + 2 * STEP + 10);
	/* a report of a pass begun in the second step: the third goes */
	history_sample(h, STEP, t + STEP + 5, 7);
	cr_assert_eq(h->nsamples, 2);
	cr_assert_eq(h->samples[1].size, 7, "merged into its step");
	cr_assert_eq(h->samples[1].at, t + STEP + 10, "at its latest time");
	cr_assert_eq(h->nrotations, 0);
	/* a clock an hour back: all of it was after */
	history_rotation(h, STEP, t - 3600);
	history_sample(h, STEP, t - 3600, 5);
	cr_assert_eq(h->nsamples, 1);
	cr_assert_eq(h->samples[0].at, t - 3600);
	cr_assert_eq(h->nrotations, 1);
	free(h);
}

/* ---- the day the status table keeps ---- */

static void
result(struct pass_result *r, char *path, enum pass_outcome o, off_t size)
{
	memset(r, 0, sizeof(*r));
	r->path = path;
	r->outcome = o;
	r->size = size;
	r->next_due = (time_t)-1;
	r->kept_files = r->kept_bytes = -1;
}

Test(history, passes_and_page_loads_fill_each_logs_day_which_follows_its_path)
{
	char *dir = tu_tmpdir(), *a = tu_path(dir, "a.log"), *b = tu_path(dir, "b.log");
	struct log_rule rule = { .title = "x", .size = 10, .maxsize = SIZE_UNSET,
	    .minsize = SIZE_UNSET, .rotate = 1 };
	struct mond_conf conf = { .rules = &rule, .nrules = 1 };
	struct pass_result res[2];
	struct pass_report rep = { .results = res, .nresults = 2 };
	struct status_table *t = status_new(0);
	struct status_snapshot s = { 0 };

	tu_write_file(a, "123");
	result(&res[0], a, PASS_ROTATED, 4000);
	res[0].packed_in = 4000;
	res[0].packed_out = 400;
	result(&res[1], b, PASS_IDLE, -1);
	cr_assert_eq(status_update(t, &conf, &rep, true, T0 - 2 * STEP), 0);
	/* the next full pass lists them the other way round */
	result(&res[0], b, PASS_IDLE, -1);
	result(&res[1], a, PASS_ROTATED, 900);
	res[1].packed_in = 1000;
	res[1].packed_out = 50;
	cr_assert_eq(status_update(t, &conf, &rep, true, T0 - STEP), 0);
	status_fill(t, &s, T0);
	cr_assert_str_eq(s.rows[1].path, a);
	/* the sizes the passes saw, before their rotations, then the page's */
	cr_assert_eq(s.rows[1].nhistory, 3);
	cr_assert_eq(s.rows[1].history[0].size, 4000);
	cr_assert_eq(s.rows[1].history[0].at, T0 - 2 * STEP);
	cr_assert_eq(s.rows[1].history[1].size, 900);
	cr_assert_eq(s.rows[1].history[2].size, 3, "stat()ed for the page");
	cr_assert_eq(s.rows[1].history[2].at, T0);
	cr_assert_eq(s.rows[1].nrotated_at, 2);
	cr_assert_eq(s.rows[1].rotated_at[0], T0 - 2 * STEP);
	cr_assert_eq(s.rows[1].rotated_at[1], T0 - STEP);
	cr_assert_eq(s.rows[1].packed_in, 5000, "summed across passes");
	cr_assert_eq(s.rows[1].packed_out, 450);
	/* b.log, missing throughout: a day of one missing sample, no line */
	cr_assert_eq(s.rows[0].nhistory, 1);
	cr_assert_eq(s.rows[0].history[0].size, -1);
	cr_assert_eq(s.rows[0].nrotated_at, 0);
	/* a pass begun before that reading, in its step: merged, not lost */
	result(&res[0], b, PASS_IDLE, -1);
	result(&res[1], a, PASS_IDLE, 9999);
	cr_assert_eq(status_update(t, &conf, &rep, true, T0 - 1), 0);
	status_fill(t, &s, T0);
	cr_assert_eq(s.rows[1].nhistory, 3);
	cr_assert_eq(s.rows[1].history[2].size, 9999);
	cr_assert_eq(s.rows[1].history[2].at, T0);
	status_free(t);
	tu_rmtree(dir);
	free(a);
	free(b);
	free(dir);
}

/* ---- what a pass compressed ---- */

TestSuite(packed, .init = tu_mond_init, .fini = tu_fini, .timeout = 60);

/* A log of N bytes that compress well. */
static void
write_log(const char *name, size_t n)
{
	char *text = malloc(n + 1);
	size_t i;

	for (i = 0; i < n; i++)
		text[i] = i % 64 == 63 ? '\n' : (char)('a' + i % 7);
	text[n] = '\0';
	tu_write_file(tu_at(name), text);
	free(text);
}

static long long
size_of(const char *name)
{
	struct stat st;

	cr_assert_eq(stat(tu_at(name), &st), 0, "%s", name);
	return (long long)st.st_size;
}

Test(packed, a_pass_counts_the_bytes_it_compressed_and_what_they_made)
{
	struct pass_report rep = { 0 };
	struct pass_opts po = { .now = time(NULL), .force = true };
	struct mond_conf *conf;
	struct state *st;
	char *text;
	size_t i;

	write_log("gz.log", 100000);
	write_log("ct.log", 50000);
	write_log("plain.log", 7000);
	cr_assert(asprintf(&text, "log \"%s/gz.log\" {\n rotate = 2\n"
	    " compress = yes\n}\nlog \"%s/ct.log\" {\n rotate = 2\n"
	    " copytruncate = yes\n compress = yes\n}\n"
	    "log \"%s/plain.log\" {\n rotate = 2\n}\n", tu_dir, tu_dir,
	    tu_dir) != -1);
	tu_mond_conf(text, NULL);
	free(text);
	cr_assert_not_null(conf = conf_load(tu_conf));
	cr_assert_not_null(st = state_new());
	cr_assert_eq(pass_run(conf, st, &po, &rep), 0);
	cr_assert_eq(rep.nresults, 3);
	for (i = 0; i < 3; i++) {
		const struct pass_result *r = &rep.results[i];
		const char *name = strrchr(r->path, '/') + 1;

		cr_assert_eq(r->outcome, PASS_ROTATED, "%s", name);
		if (strcmp(name, "plain.log") == 0) {
			cr_assert_eq(r->packed_in, 0);
			cr_assert_eq(r->packed_out, 0);
			continue;
		}
		cr_assert_eq(r->packed_in, strcmp(name, "gz.log") == 0 ?
		    100000 : 50000, "%s: %lld", name, r->packed_in);
		cr_assert(asprintf(&text, "%s.1.gz", name) != -1);
		cr_assert_eq(r->packed_out, size_of(text), "%s", text);
		cr_assert_lt(r->packed_out, r->packed_in / 10);
		free(text);
	}
	pass_report_free(&rep);
	state_free(st);
	conf_free(conf);
}

/* ---- the day drawn ---- */

static char *
spark_at(const struct status_row *r, int step)
{
	struct render_buf b = { 0 };

	render_sparkline(&b, r, T0, step);
	cr_assert(!b.failed);
	return b.data;
}

static char *
spark(const struct status_row *r)
{
	return spark_at(r, 0);
}

/*
 * Half a day ago at the threshold, then half of it; a gap of eleven
 * hours nobody sampled; then a quarter of it and half again now. One
 * sample older than a day and one from the future are left out.
 */
static const struct status_sample day[] = {
	{ T0 - DAY - 600, 999999 }, { T0 - 43200, 1024 }, { T0 - 42600, 512 },
	{ T0 - 600, 256 }, { T0, 512 }, { T0 + 600, 888888 },
};
static const time_t rot[] = { T0 - DAY - 5, T0 - 21600, T0 - 60, T0 + 60 };

static struct status_row
row(void)
{
	struct status_row r = { .path = "/var/log/<svg onload=x>.log",
	    .size = 512, .threshold = 1024, .threshold_kind = THRESHOLD_SIZE,
	    .history = day, .nhistory = 6, .rotated_at = rot,
	    .nrotated_at = 4 };

	return r;
}

Test(sparkline, points_are_scaled_into_the_view_box_and_break_at_gaps)
{
	struct status_row r = row();
	char *h = spark(&r);

	cr_assert_not_null(strstr(h, "<svg class=\"spark\" width=\"168\" "
	    "height=\"40\" viewBox=\"0 0 168 40\" preserveAspectRatio=\"none\" "
	    "role=\"img\""), "%s", h);
	/* x: 0 a day ago, 168 now; y: 38 for nothing, 4 for the peak */
	cr_assert_eq(tu_count(h, "<polyline class=\"size\""), 2, "%s", h);
	cr_assert_not_null(strstr(h, "points=\"84.0,4.0 85.2,21.0\"/>"), "%s", h);
	cr_assert_not_null(strstr(h, "points=\"166.8,29.5 168.0,21.0\"/>"));
	cr_assert_not_null(strstr(h, "<polygon class=\"area\" fill=\"#1a73e8\" "
	    "fill-opacity=\"0.12\" points=\"84.0,38 84.0,4.0 85.2,21.0 85.2,38\""));
	cr_assert_null(strstr(h, "999999"), "older than a day: left out");
	cr_assert_not_null(strstr(h, "peak 1.0 KiB"), "%s", h);
	/* the threshold is the peak: its dashed line at the top */
	cr_assert_not_null(strstr(h, "<line class=\"threshold\" x1=\"0\" "
	    "y1=\"4.0\" x2=\"168\" y2=\"4.0\""), "%s", h);
	cr_assert(strstr(h, "</svg>") == h + strlen(h) - 6);
	free(h);
}

Test(sparkline, each_rotation_of_the_day_is_marked_with_its_time)
{
	struct status_row r = row();
	char *h = spark(&r);

	cr_assert_eq(tu_count(h, "<g class=\"rot\">"), 2, "%s", h);
	cr_assert_not_null(strstr(h, "<g class=\"rot\"><title>rotated "
	    "2026-11-25 03:46 UTC</title><line x1=\"126.0\" y1=\"4\" "
	    "x2=\"126.0\" y2=\"38\""), "%s", h);
	cr_assert_not_null(strstr(h, "x1=\"167.9\""));
	cr_assert_not_null(strstr(h, ", 2 rotations\""));
	free(h);
}

Test(sparkline, an_empty_day_draws_a_frame_that_says_so)
{
	struct status_row r = row();
	struct status_sample missing = { T0 - 60, -1 };
	char *h;

	r.history = NULL;
	r.nhistory = 0;
	r.rotated_at = NULL;
	r.nrotated_at = 0;
	h = spark(&r);
	cr_assert_not_null(strstr(h, "<svg class=\"spark\""));
	cr_assert_not_null(strstr(h, ">no samples yet</text></svg>"), "%s", h);
	cr_assert_not_null(strstr(h, "aria-label=\"no size sampled in the last "
	    "24 hours, 0 rotations\""));
	cr_assert_null(strstr(h, "<polyline"));
	cr_assert_null(strstr(h, "threshold"));
	free(h);
	/* a log missing all day is no line either */
	r.history = &missing;
	r.nhistory = 1;
	h = spark(&r);
	cr_assert_not_null(strstr(h, "no samples yet"));
	free(h);
}

Test(sparkline, a_lone_sample_is_a_dot)
{
	struct status_row r = row();
	struct status_sample one = { T0, 100 };
	char *h;

	r.history = &one;
	r.nhistory = 1;
	h = spark(&r);
	cr_assert_not_null(strstr(h, "<circle class=\"size\" cx=\"168.0\" "
	    "cy=\"4.0\" r=\"1.5\""), "%s", h);
	cr_assert_null(strstr(h, "<polyline"));
	cr_assert_null(strstr(h, "class=\"threshold\""), "1024 is off the "
	    "drawing when the peak is 100");
	free(h);
}

/* MOND_HISTORY_STEP's shorter day: 144 steps of 10 s, said as such. */
Test(sparkline, a_shorter_step_draws_a_shorter_span_and_says_so)
{
	static const struct status_sample mins[] = {
		{ T0 - 720, 100 }, { T0 - 710, 200 }, { T0, 50 },
	};
	struct status_row r = row();
	struct status_snapshot s = { .version = "1", .conf_path = "/c",
	    .now = T0, .started = T0 - 60, .rows = &r, .nrows = 1,
	    .history_step = 10 };
	struct render_buf b = { 0 };
	char *h;

	r.history = mins;
	r.nhistory = 3;
	r.nrotated_at = 0;
	h = spark_at(&r, 10);
	/* half the 1440 s span ago: x 84; then 10 s later; a gap; now */
	cr_assert_not_null(strstr(h, "points=\"84.0,21.0 85.2,4.0\"/>"), "%s", h);
	cr_assert_not_null(strstr(h, "<circle class=\"size\" cx=\"168.0\" "
	    "cy=\"29.5\""), "%s", h);
	cr_assert_not_null(strstr(h, "size over the last 24 minutes, peak "
	    "200 B"));
	free(h);
	cr_assert_eq(render_html(&b, &s), 0);
	cr_assert_not_null(strstr(b.data, "<th>Last 24 minutes</th>"));
	render_buf_free(&b);
}

/* The page's SVG holds no text of a path: nothing there to escape. */
Test(sparkline, the_page_draws_one_per_row_and_no_path_reaches_the_svg)
{
	struct status_row rs[2] = { row(), row() };
	struct status_snapshot s = { .version = "1", .conf_path = "/c",
	    .now = T0, .started = T0 - 60, .rows = rs, .nrows = 2 };
	struct render_buf b = { 0 };
	const char *p, *end;

	rs[1].path = "/var/log/\"><script>alert(1)</script>";
	rs[1].nhistory = 0;
	cr_assert_eq(render_html(&b, &s), 0);
	cr_assert_eq(tu_count(b.data, "<svg class=\"spark\""), 2);
	cr_assert_null(strstr(b.data, "<script"), "%s", b.data);
	cr_assert_null(strstr(b.data, "<svg onload"));
	cr_assert_not_null(strstr(b.data, "&lt;svg onload=x&gt;.log"));
	for (p = b.data; (p = strstr(p, "<svg class=\"spark\"")) != NULL;
	    p = end) {
		cr_assert_not_null(end = strstr(p, "</svg>"));
		cr_assert_null(memmem(p, (size_t)(end - p), "/var/log", 8));
		cr_assert_null(memmem(p, (size_t)(end - p), "style=", 6));
		cr_assert_null(memmem(p, (size_t)(end - p), "href", 4));
	}
	render_buf_free(&b);
}
