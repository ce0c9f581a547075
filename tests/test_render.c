/*
 * test_render.c: the status bodies built from plain snapshots (render.c),
 * checked by real parsers where there are some (python3's json, promtool),
 * the per-log status table (status.c) on real files, and a snapshot's way
 * to the web front (frontmsg.c).
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "engine/pass.h"
#include "engine/plan.h"
#include "daemon/status.h"
#include "tests/testutil.h"
#include "web/frontmsg.h"
#include "web/render.h"

#define T0	1795600000	/* 2026-11-25 09:46:40 UTC */

/* A day of the first log: test_history.c draws it; here it travels. */
static const struct status_sample day0[] = {
	{ T0 - 43200, 1024 }, { T0 - 42600, 512 }, { T0 - 600, -1 },
	{ T0, 512 },
};
static const time_t rot0[] = { T0 - 21600, T0 - 60 };

static const struct status_row rows[] = {
	{ .path = "/var/log/<script>.log", .rule = "/var/log/*.log",
	  .size = 512, .threshold = 1024, .threshold_kind = THRESHOLD_SIZE,
	  .last = T0 - 3600, .next_due = (time_t)-1, .backups = 4,
	  .outcome = "idle", .rotations = 2,
	  .rotated_files = 3, .rotated_bytes = 1536,
	  .history = day0, .nhistory = 4, .rotated_at = rot0,
	  .nrotated_at = 2, .packed_in = 4096, .packed_out = 512 },
	{ .path = "/var/log/q\"b\\s\nn\x01\xff.log", .rule = "r&<>",
	  .size = 5000, .threshold = 4096, .threshold_kind = THRESHOLD_MAXSIZE,
	  .last = 0, .next_due = T0 + 7200, .backups = -1,
	  .outcome = "failed", .error = "rename to <x>.1: Permission denied",
	  .failures = 3, .rotated_files = -1, .rotated_bytes = -1 },
	{ .path = "/var/log/gone.log", .rule = "/var/log/gone.log",
	  .size = -1, .threshold = -1, .threshold_kind = THRESHOLD_NONE,
	  .last = T0 - 86400, .next_due = T0 + 60, .backups = 7,
	  .outcome = "skipped", .rotated_files = 0, .rotated_bytes = 0 },
};

#define MiB	(1024LL * 1024)

static const struct status_fs fss[] = {
	{ "/", 300 * MiB, 1024 * MiB, 100 * MiB },
	{ "/srv/l\"o<g>", 1000, 4096, -1 },
	{ "/full", 100 * MiB, 2048 * MiB, 200 * MiB },
	{ "/gone", -1, -1, -1 },
};

static const struct status_http_count http[] = {
	{ 200, 41 }, { 404, 2 }, { 405, 0 },
};

static const struct status_problem problems[] = {
	{ "/etc/logrotate.d/<pkg>", 7, "unknown unit 'x'", true },
	{ "/etc/logrotate.d/b\"q", 3, "unknown option 'waeekly' -- ignoring "
	  "line", false },
	{ "/etc/logrotate.d/owned", 0, "Ignoring /etc/logrotate.d/owned because "
	  "the file owner is wrong", true },
};

static struct status_snapshot
snap(void)
{
	struct status_snapshot s = {
		.version = "1.2.3", .conf_path = "/etc/mond<1>.conf",
		.now = T0, .started = T0 - 90061, .worker_alive = true,
		.rows = rows, .nrows = 3, .http = http, .nhttp = 3,
		.problems = problems, .nproblems = 3, .fs = fss, .nfs = 4,
	};
	return s;
}

static char *
html(void)
{
	struct status_snapshot s = snap();
	struct render_buf b = { 0 };

	cr_assert_eq(render_html(&b, &s), 0);
	return b.data;
}

Test(render, html_has_one_row_per_log)
{
	char *h = html();

	cr_assert_eq(tu_count(h, "<tr class=\"log\""), 3, "%s", h);
	cr_assert_eq(tu_count(h, "<svg class=\"bar\""), 2, "missing/no-limit logs have no bar");
	free(h);
}

Test(render, html_shows_rotated_files_and_file_systems)
{
	char *h = html();

	cr_assert_not_null(strstr(h, "<th>Kept in rotated files</th>"), "%s", h);
	cr_assert_eq(tu_count(h, "<td data-label=\"Kept in rotated files\">"), 3);
	cr_assert_not_null(strstr(h, "rotated files\">3 files, 1.5 KiB</td>"),
	    "%s", h);
	cr_assert_not_null(strstr(h, "rotated files\"><span class=\"dim\">"
	    "unknown</span>"));
	cr_assert_not_null(strstr(h, "rotated files\">0 files, 0 B</td>"));
	cr_assert_eq(tu_count(h, "<tr class=\"fs\""), 4, "%s", h);
	cr_assert_not_null(strstr(h, "<code>/srv/l&quot;o&lt;g&gt;</code>"));
	cr_assert_not_null(strstr(h, "Free\">300.0 MiB <span class=\"dim\">"
	    "(29%)</span></td><td data-label=\"Size\">1.0 GiB</td>"
	    "<td data-label=\"minfree\">100.0 MiB</td>"), "%s", h);
	cr_assert_not_null(strstr(h, "minfree\"><span class=\"dim\">not set"));
	/* 100 MiB free where minfree keeps 200: the one said to be short */
	cr_assert_eq(tu_count(h, "under minfree"), 1);
	cr_assert_not_null(strstr(h, "<span class=\"err\">100.0 MiB <span "
	    "class=\"dim\">(5%)</span> under minfree</span>"), "%s", h);
	free(h);
}

Test(render, html_shows_a_sparkline_and_the_compression_ratio_per_log)
{
	char *h = html();

	cr_assert_not_null(strstr(h, "<th>Last 24 hours</th>"), "%s", h);
	cr_assert_not_null(strstr(h, "<th>Compressed</th>"));
	cr_assert_eq(tu_count(h, "<td class=\"day\" data-label=\"Last 24 hours\">"
	    "<svg class=\"spark\""), 3, "one per row, days or not: %s", h);
	/* 512 bytes out of 4096 in: to an eighth, the bytes beside it */
	cr_assert_not_null(strstr(h, "data-label=\"Compressed\">to 12.5% "
	    "<span class=\"dim\">(512 B of 4.0 KiB)</span></td>"), "%s", h);
	cr_assert_eq(tu_count(h, "data-label=\"Compressed\"><span class=\"dim\">"
	    "none yet</span>"), 2, "nothing compressed: no ratio");
	free(h);
}

Test(render, html_escapes_every_path_and_text)
{
	char *h = html();

	cr_assert_null(strstr(h, "<script>"), "%s", h);
	cr_assert_not_null(strstr(h, "/var/log/&lt;script&gt;.log"));
	cr_assert_not_null(strstr(h, "q&quot;b\\s\xef\xbf\xbdn\xef\xbf\xbd\xef\xbf\xbd.log"),
	    "control and non-UTF-8 bytes become U+FFFD: %s", h);
	cr_assert_not_null(strstr(h, "r&amp;&lt;&gt;"));
	cr_assert_not_null(strstr(h, "rename to &lt;x&gt;.1: Permission denied"));
	cr_assert_not_null(strstr(h, "/etc/mond&lt;1&gt;.conf"));
	free(h);
}

Test(render, html_is_self_contained_and_phone_ready)
{
	char *h = html();

	cr_assert_not_null(strstr(h, "<meta name=\"viewport\""));
	cr_assert_not_null(strstr(h, "@media (max-width:"));
	cr_assert_null(strstr(h, "<script"), "no JavaScript");
	cr_assert_null(strstr(h, "src="), "no external assets");
	cr_assert_null(strstr(h, "href="), "no external assets");
	free(h);
}

Test(render, html_shows_uptime_version_times_and_bars)
{
	char *h = html();

	cr_assert_not_null(strstr(h, "version 1.2.3"));
	cr_assert_not_null(strstr(h, "up 25h 1m"), "%s", h);
	/* 512 of 1024: half the bar; 5000 of 4096: full and red. */
	cr_assert_not_null(strstr(h, "width=\"60.0\""), "%s", h);
	cr_assert_not_null(strstr(h, "width=\"120.0\" height=\"10\" rx=\"2\" fill=\"#d93025\""));
	cr_assert_not_null(strstr(h, "2026-11-25 08:46 UTC"), "last rotation");
	cr_assert_not_null(strstr(h, "(in 2h 0m)"), "next due: %s", h);
	cr_assert_not_null(strstr(h, "(3 failed)"));
	cr_assert_not_null(strstr(h, ">missing<"));
	cr_assert_not_null(strstr(h, ">all<"), "backups -1 = all kept");
	free(h);
}

Test(render, json_parses_with_every_field_and_the_exact_path)
{
	struct status_snapshot s = snap();
	struct render_buf b = { 0 };
	char *out;
	int st;

	if (!tu_have("python3"))
		cr_skip_test("python3 is not installed: cannot validate JSON");
	cr_assert_eq(render_json(&b, &s), 0);
	out = tu_filter("python3 -c 'import json,sys\n"
	    "d = json.load(sys.stdin)\n"
	    "l = d[\"logs\"]\n"
	    "print(len(l), d[\"version\"], d[\"uptime_seconds\"], d[\"http_requests\"][\"200\"])\n"
	    "print(ascii(l[1][\"path\"]))\n"
	    "print(l[0][\"threshold_kind\"], l[1][\"threshold_kind\"], l[2][\"threshold_kind\"])\n"
	    "print(l[0][\"next_due\"], l[1][\"last_rotation\"], l[2][\"size\"], l[1][\"backups\"])\n"
	    "print(l[1][\"error\"], l[0][\"error\"], l[0][\"rotations_total\"], l[1][\"failures_total\"])\n"
	    "print(l[0][\"rotated_files\"], l[0][\"rotated_bytes\"], l[1][\"rotated_bytes\"], l[2][\"rotated_files\"])\n"
	    "print(l[0][\"history\"], l[0][\"rotations_24h\"], l[1][\"history\"])\n"
	    "print(l[0][\"compressed_input_bytes\"], l[0][\"compressed_output_bytes\"], l[0][\"compression_ratio\"], l[1][\"compression_ratio\"])\n"
	    "f = d[\"filesystems\"]\n"
	    "print(len(f), f[1][\"path\"], f[0][\"free_bytes\"], f[0][\"size_bytes\"], f[0][\"minfree_bytes\"], f[1][\"minfree_bytes\"], f[3][\"free_bytes\"])\n"
	    "print(sorted(l[0]), sorted(f[0]))'", b.data, &st);
	cr_assert_eq(st, 0, "python3 rejected: %s\n%s", out, b.data);
	cr_assert_str_eq(out,
	    "3 1.2.3 90061 41\n"
	    "'/var/log/q\"b\\\\s\\nn\\x01\\ufffd.log'\n"
	    "size maxsize none\n"
	    "None None -1 -1\n"
	    "rename to <x>.1: Permission denied None 2 3\n"
	    "3 1536 None 0\n"
	    "[[1795556800, 1024], [1795557400, 512], [1795599400, -1], "
	    "[1795600000, 512]] [1795578400, 1795599940] []\n"
	    "4096 512 0.125 None\n"
	    "4 /srv/l\"o<g> 314572800 1073741824 104857600 None None\n"
	    "['backups', 'compressed_input_bytes', 'compressed_output_bytes', "
	    "'compression_ratio', 'error', 'failures_total', 'history', "
	    "'last_rotation', 'next_due', 'outcome', 'path', 'rotated_bytes', "
	    "'rotated_files', 'rotations_24h', 'rotations_total', 'rule', "
	    "'size', 'threshold', 'threshold_kind'] "
	    "['free_bytes', 'minfree_bytes', 'path', 'size_bytes']\n");
	free(out);
	render_buf_free(&b);
}

Test(render, json_escapes_quotes_backslashes_and_control_bytes)
{
	struct status_snapshot s = snap();
	struct render_buf b = { 0 };

	cr_assert_eq(render_json(&b, &s), 0);
	cr_assert_not_null(strstr(b.data,
	    "\"path\":\"/var/log/q\\\"b\\\\s\\nn\\u0001\xef\xbf\xbd.log\""),
	    "%s", b.data);
	render_buf_free(&b);
}

static char *
metrics(void)
{
	struct status_snapshot s = snap();
	struct render_buf b = { 0 };

	cr_assert_eq(render_metrics(&b, &s), 0);
	return b.data;
}

Test(render, metrics_have_help_type_and_one_sample_per_log)
{
	static const char *const names[] = {
		"mond_log_size_bytes", "mond_log_threshold_bytes",
		"mond_rotations_total", "mond_rotation_failures_total",
		"mond_last_rotation_timestamp_seconds",
		"mond_next_rotation_timestamp_seconds",
		"mond_http_requests_total", "mond_build_info",
		"mond_config_skipped", "mond_config_problems",
		"mond_log_rotated_files", "mond_log_rotated_bytes",
		"mond_fs_free_bytes", "mond_fs_size_bytes",
		"mond_fs_minfree_bytes", "mond_log_compressed_input_bytes_total",
		"mond_log_compressed_output_bytes_total",
		"mond_log_compression_ratio",
	};
	char *m = metrics(), *want;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		cr_assert(asprintf(&want, "# HELP %s ", names[i]) != -1);
		cr_assert_eq(tu_count(m, want), 1, "%s", want);
		free(want);
		cr_assert(asprintf(&want, "# TYPE %s %s\n", names[i],
		    strstr(names[i], "_total") ? "counter" : "gauge") != -1);
		cr_assert_eq(tu_count(m, want), 1, "%s", want);
		free(want);
	}
	cr_assert_eq(tu_count(m, "\nmond_rotations_total{log="), 3);
	cr_assert_eq(tu_count(m, "\nmond_log_size_bytes{log="), 2, "missing log left out");
	cr_assert_eq(tu_count(m, "\nmond_log_threshold_bytes{log="), 2);
	cr_assert_eq(tu_count(m, "\nmond_last_rotation_timestamp_seconds{log="), 2);
	cr_assert_eq(tu_count(m, "\nmond_next_rotation_timestamp_seconds{log="), 2);
	cr_assert_not_null(strstr(m, "\nmond_log_size_bytes{log=\"/var/log/<script>.log\"} 512\n"));
	cr_assert_not_null(strstr(m, "\nmond_rotation_failures_total{log="
	    "\"/var/log/q\\\"b\\\\s\\nn\x01\xef\xbf\xbd.log\"} 3\n"), "%s", m);
	cr_assert_not_null(strstr(m, "\nmond_http_requests_total{code=\"200\"} 41\n"));
	cr_assert_not_null(strstr(m, "\nmond_build_info{version=\"1.2.3\"} 1\n"));
	/* unknowns are left out, not shown as -1 */
	cr_assert_eq(tu_count(m, "\nmond_log_rotated_bytes{log="), 2, "%s", m);
	cr_assert_eq(tu_count(m, "\nmond_log_rotated_files{log="), 2);
	cr_assert_not_null(strstr(m, "\nmond_log_rotated_bytes{log="
	    "\"/var/log/<script>.log\"} 1536\n"));
	cr_assert_not_null(strstr(m, "\nmond_log_rotated_files{log="
	    "\"/var/log/gone.log\"} 0\n"));
	cr_assert_eq(tu_count(m, "\nmond_log_compressed_input_bytes_total{log="), 3);
	cr_assert_not_null(strstr(m, "\nmond_log_compressed_output_bytes_total"
	    "{log=\"/var/log/<script>.log\"} 512\n"));
	cr_assert_eq(tu_count(m, "\nmond_log_compression_ratio{log="), 1,
	    "only where something was compressed: %s", m);
	cr_assert_not_null(strstr(m, "\nmond_log_compression_ratio{log="
	    "\"/var/log/<script>.log\"} 0.1250\n"));
	cr_assert_eq(tu_count(m, "\nmond_fs_free_bytes{fs="), 3);
	cr_assert_eq(tu_count(m, "\nmond_fs_size_bytes{fs="), 3);
	cr_assert_eq(tu_count(m, "\nmond_fs_minfree_bytes{fs="), 2);
	cr_assert_not_null(strstr(m, "\nmond_fs_free_bytes{fs=\"/\"} 314572800\n"));
	cr_assert_not_null(strstr(m, "\nmond_fs_size_bytes{fs=\"/srv/l\\\"o<g>\"} "
	    "4096\n"), "%s", m);
	cr_assert_not_null(strstr(m, "\nmond_fs_minfree_bytes{fs=\"/full\"} "
	    "209715200\n"));
	cr_assert_null(strstr(m, "-1\n"), "no unknown as -1: %s", m);
	cr_assert_eq(m[strlen(m) - 1], '\n');
	free(m);
}

Test(render, metrics_pass_promtool)
{
	char *m = metrics(), *out;
	int st;

	if (!tu_have("promtool"))
		cr_skip_test("promtool (Debian's prometheus) is not installed");
	out = tu_filter("promtool check metrics 2>&1", m, &st);
	cr_assert_eq(st, 0, "promtool: %s\n%s", out, m);
	cr_assert_str_eq(out, "", "promtool complains: %s", out);
	free(out);
	free(m);
}

Test(render, skipped_stanzas_show_on_every_body)
{
	struct status_snapshot s = snap();
	struct render_buf b = { 0 };
	char *out;
	int st;

	cr_assert_eq(render_html(&b, &s), 0);
	cr_assert_not_null(strstr(b.data, "<h2>Configuration: 3 problems</h2>"));
	cr_assert_not_null(strstr(b.data, "<code>/etc/logrotate.d/&lt;pkg&gt;:7"
	    "</code>: unknown unit &#39;x&#39; <span class=\"err\">skipped"),
	    "%s", b.data);
	cr_assert_not_null(strstr(b.data, "<code>/etc/logrotate.d/owned</code>"));
	cr_assert_eq(tu_count(b.data, "line ignored"), 1);
	render_buf_free(&b);

	cr_assert_eq(render_metrics(&b, &s), 0);
	cr_assert_not_null(strstr(b.data, "\nmond_config_skipped 2\n"));
	cr_assert_not_null(strstr(b.data, "\nmond_config_problems 3\n"));
	render_buf_free(&b);

	if (!tu_have("python3"))
		cr_skip_test("python3 is not installed: cannot validate JSON");
	cr_assert_eq(render_json(&b, &s), 0);
	out = tu_filter("python3 -c 'import json,sys\n"
	    "p = json.load(sys.stdin)[\"config_problems\"]\n"
	    "print(len(p), [x[\"skipped\"] for x in p])\n"
	    "print(p[1][\"file\"], p[1][\"line\"], p[1][\"what\"])'", b.data,
	    &st);
	cr_assert_eq(st, 0, "python3 rejected: %s\n%s", out, b.data);
	cr_assert_str_eq(out, "3 [True, False, True]\n/etc/logrotate.d/b\"q 3 "
	    "unknown option 'waeekly' -- ignoring line\n");
	free(out);
	render_buf_free(&b);
}

Test(render, an_empty_snapshot_renders_valid_bodies)
{
	struct status_snapshot s = snap();
	struct render_buf b = { 0 };

	s.nrows = 0;
	s.worker_alive = false;
	cr_assert_eq(render_html(&b, &s), 0);
	cr_assert_not_null(strstr(b.data, "No log matched"));
	cr_assert_not_null(strstr(b.data, ">down<"));
	render_buf_free(&b);
	cr_assert_eq(render_json(&b, &s), 0);
	cr_assert_not_null(strstr(b.data, "\"worker_alive\":false,"
	    "\"history_step_seconds\":600,\"logs\":[]"), "%s", b.data);
	render_buf_free(&b);
	s.nfs = 0;
	cr_assert_eq(render_json(&b, &s), 0);
	cr_assert_not_null(strstr(b.data, "\"filesystems\":[]"), "%s", b.data);
	render_buf_free(&b);
	cr_assert_eq(render_html(&b, &s), 0);
	cr_assert_null(strstr(b.data, "File systems"), "no empty table");
	render_buf_free(&b);
}

/* ---- the status table ---- */

static struct log_rule *
rule(const char *title, long long size, long long maxsize, long long minsize)
{
	struct log_rule *r = calloc(1, sizeof(*r));

	r->title = (char *)title;
	r->size = size;
	r->maxsize = maxsize;
	r->minsize = minsize;
	r->rotate = 5;
	return r;
}

/* The kind of RULE's threshold, its bytes in *B. */
static enum threshold_kind
kind_of(const struct log_rule *r, bool time_due, long long *b)
{
	enum threshold_kind k = THRESHOLD_NONE;

	*b = plan_threshold(r, time_due, &k);
	return k;
}

Test(status, the_threshold_is_the_one_the_size_trigger_uses)
{
	struct log_rule *r = rule("t", 100, 50, 10);
	long long b;

	/* the least of size and maxsize: the trigger fires at maxsize 50 */
	cr_assert_eq(kind_of(r, false, &b), THRESHOLD_MAXSIZE);
	cr_assert_eq(b, 50);
	/* minsize counts only when the time rotation is due */
	cr_assert_eq(kind_of(r, true, &b), THRESHOLD_MINSIZE);
	cr_assert_eq(b, 10);
	r->maxsize = SIZE_UNSET;
	cr_assert_eq(kind_of(r, false, &b), THRESHOLD_SIZE);
	cr_assert_eq(b, 100);
	r->size = SIZE_UNSET;
	cr_assert_eq(kind_of(r, false, &b), THRESHOLD_NONE);
	cr_assert_eq(b, -1);
	cr_assert_eq(kind_of(r, true, &b), THRESHOLD_MINSIZE);
	cr_assert_eq(b, 10);
	r->minsize = SIZE_UNSET;
	cr_assert_eq(kind_of(r, true, &b), THRESHOLD_NONE);
	cr_assert_eq(b, -1);
	free(r);
}

/* The worker's clock when the status tests' passes ran. */
#define PASS_NOW	((time_t)1773100800)	/* 2026-03-10 */

static void
result(struct pass_result *r, char *path, enum pass_outcome o)
{
	memset(r, 0, sizeof(*r));
	r->path = path;
	r->outcome = o;
	r->next_due = (time_t)-1;
	if (o == PASS_FAILED)
		snprintf(r->why, sizeof(r->why), "rename: Permission denied");
}

Test(status, counters_follow_their_path_across_passes_and_new_configs)
{
	char *dir = tu_tmpdir(), *a = tu_path(dir, "a.log"), *b = tu_path(dir, "b.log");
	struct log_rule *r = rule("x", 10, SIZE_UNSET, SIZE_UNSET);
	struct mond_conf conf = { .rules = r, .nrules = 1 };
	struct pass_result res[2];
	struct pass_report rep = { .results = res, .nresults = 2 };
	struct status_table *t = status_new(0);
	struct status_snapshot s = { 0 };

	tu_write_file(a, "12345");
	result(&res[0], a, PASS_ROTATED);
	result(&res[1], b, PASS_FAILED);
	cr_assert_eq(status_update(t, &conf, &rep, true, PASS_NOW), 0);
	result(&res[0], a, PASS_ROTATED);
	rep.nresults = 1;	/* a forced pass over a.log only */
	cr_assert_eq(status_update(t, &conf, &rep, false, PASS_NOW), 0);
	/* The next full pass (a reload's, say) lists b first, then a. */
	result(&res[0], b, PASS_IDLE);
	result(&res[1], a, PASS_IDLE);
	rep.nresults = 2;
	cr_assert_eq(status_update(t, &conf, &rep, true, PASS_NOW), 0);
	status_fill(t, &s, PASS_NOW);
	cr_assert_eq(s.nrows, 2);
	cr_assert_str_eq(s.rows[0].path, b);
	cr_assert_eq(s.rows[0].failures, 1);
	cr_assert_null(s.rows[0].error, "an idle pass clears the error");
	cr_assert_eq(s.rows[0].size, -1, "b.log does not exist");
	cr_assert_str_eq(s.rows[1].path, a);
	cr_assert_eq(s.rows[1].rotations, 2);
	cr_assert_eq(s.rows[1].size, 5, "stat()ed when the page is built");
	cr_assert_eq(s.rows[1].threshold, 10);
	cr_assert_eq(s.rows[1].backups, 5);
	cr_assert_str_eq(s.rows[1].rule, "x");
	/* A pass without b.log: its row and counters go. */
	rep.nresults = 1;
	result(&res[0], a, PASS_FAILED);
	cr_assert_eq(status_update(t, &conf, &rep, true, PASS_NOW), 0);
	status_fill(t, &s, PASS_NOW);
	cr_assert_eq(s.nrows, 1);
	cr_assert_eq(s.rows[0].failures, 1);
	cr_assert_eq(s.rows[0].rotations, 2);
	cr_assert_str_eq(s.rows[0].error, "rename: Permission denied");
	status_free(t);
	free(r);
	tu_rmtree(dir);
	free(a);
	free(b);
	free(dir);
}

Test(status, a_result_naming_a_rule_the_config_lacks_is_kept_without_one)
{
	struct mond_conf conf = { .nrules = 0 };
	struct pass_result res;
	struct pass_report rep = { .results = &res, .nresults = 1 };
	struct status_table *t = status_new(0);
	struct status_snapshot s = { 0 };

	result(&res, "/nonexistent/x.log", PASS_IDLE);
	res.rule = 7;
	cr_assert_eq(status_update(t, &conf, &rep, true, PASS_NOW), 0);
	status_fill(t, &s, PASS_NOW);
	cr_assert_eq(s.nrows, 1);
	cr_assert_null(s.rows[0].rule);
	cr_assert_eq(s.rows[0].threshold_kind, THRESHOLD_NONE);
	status_free(t);
}

/*
 * minsize joins the threshold when the time rotation is due by the pass's
 * clock (the one the size trigger judges by), whatever the real clock says:
 * here 2099, long after the real one.
 */
Test(status, minsize_counts_from_the_moment_due_by_the_pass_clock)
{
	struct log_rule *r = rule("m", SIZE_UNSET, SIZE_UNSET, 10);
	struct mond_conf conf = { .rules = r, .nrules = 1 };
	struct pass_result res;
	struct pass_report rep = { .results = &res, .nresults = 1 };
	struct status_table *t = status_new(0);
	struct status_snapshot s = { 0 };
	time_t due = (time_t)4083955200;	/* 2099-06-01 */

	result(&res, "/nonexistent/m.log", PASS_IDLE);
	res.next_due = due;
	cr_assert_eq(status_update(t, &conf, &rep, true, due - 1), 0);
	status_fill(t, &s, PASS_NOW);
	cr_assert_eq(s.rows[0].threshold_kind, THRESHOLD_NONE);
	cr_assert_eq(s.rows[0].threshold, -1);
	cr_assert_eq(status_update(t, &conf, &rep, true, due), 0);
	status_fill(t, &s, PASS_NOW);
	cr_assert_eq(s.rows[0].threshold_kind, THRESHOLD_MINSIZE);
	cr_assert_eq(s.rows[0].threshold, 10);
	status_free(t);
	free(r);
}

/*
 * A report's rotated-file counts land on their rows; its file systems
 * keep the pass's figures, with minfree's share of each from the config,
 * and one the pass left a descriptor of is measured again through it (as
 * the page is built); one the pass could not measure is unknown.
 */
Test(status, rotated_files_and_file_systems_come_from_the_report)
{
	char *dir = tu_tmpdir(), *a = tu_path(dir, "a.log");
	struct log_rule *r = rule("x", 10, SIZE_UNSET, SIZE_UNSET);
	struct mond_conf conf = { .rules = r, .nrules = 1, .minfree_pct = 10 };
	struct pass_fs pfs[2] = { { .path = dir }, { .path = "/" } };
	struct pass_result res;
	struct pass_report rep = { .results = &res, .nresults = 1, .fs = pfs,
	    .nfs = 2 };
	struct status_table *t = status_new(0);
	struct status_snapshot s = { 0 };
	long long unit, free_now;
	struct statvfs sv;

	cr_assert_neq(pfs[0].fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC),
	    -1);
	cr_assert_eq(fstatvfs(pfs[0].fd, &pfs[0].sv), 0);
	pfs[0].sv_ok = true;
	pfs[1].fd = -1;		/* a user's: the pass could not measure it */
	result(&res, a, PASS_ROTATED);
	res.kept_files = 2;
	res.kept_bytes = 12345;
	cr_assert_eq(status_update(t, &conf, &rep, true, PASS_NOW), 0);
	/* the table holds its own descriptor: the report's may go */
	cr_assert_eq(close(pfs[0].fd), 0);
	tu_write_file(a, "grown since the pass\n");
	status_fill(t, &s, PASS_NOW);
	cr_assert_eq(s.rows[0].rotated_files, 2);
	cr_assert_eq(s.rows[0].rotated_bytes, 12345);
	cr_assert_eq(s.nfs, 2);
	cr_assert_str_eq(s.fs[0].path, dir);
	cr_assert_eq(statvfs(dir, &sv), 0);
	unit = sv.f_frsize > 0 ? (long long)sv.f_frsize : (long long)sv.f_bsize;
	free_now = (long long)sv.f_bavail * unit;
	cr_assert_eq(s.fs[0].size, (long long)sv.f_blocks * unit);
	cr_assert_eq(s.fs[0].minfree, s.fs[0].size / 100 * 10);
	/* others write to the same file system meanwhile: 1% of slack */
	cr_assert_leq(llabs(s.fs[0].free - free_now), s.fs[0].size / 100 + unit,
	    "free %lld, statvfs %lld", s.fs[0].free, free_now);
	cr_assert_eq(s.fs[1].free, -1, "figures for what the pass never saw");
	cr_assert_eq(s.fs[1].size, -1);
	/* a pass that listed no file system (cut short) keeps the last ones */
	rep.fs = NULL;
	rep.nfs = 0;
	conf.minfree_pct = 0;
	cr_assert_eq(status_update(t, &conf, &rep, true, PASS_NOW), 0);
	status_fill(t, &s, PASS_NOW);
	cr_assert_eq(s.nfs, 2);
	status_free(t);
	free(r);
	tu_rmtree(dir);
	free(a);
	free(dir);
}

/* ---- the snapshot's way to the web front ---- */

/* snap() encoded as the root process sends it; *LEN bytes, malloc'd. */
static unsigned char *
encoded(size_t *len)
{
	struct status_snapshot s = snap();
	struct evbuffer *b = evbuffer_new();
	unsigned char *p;

	cr_assert_not_null(b);
	fmsg_put_snapshot(b, &s);
	*len = evbuffer_get_length(b);
	cr_assert_not_null(p = malloc(*len));
	cr_assert_eq(evbuffer_remove(b, p, *len), (int)*len);
	evbuffer_free(b);
	return p;
}

Test(fmsg, rotated_files_and_file_systems_reach_the_front)
{
	struct front_snapshot fs;
	size_t len;
	unsigned char *p = encoded(&len);

	cr_assert_eq(fmsg_get_snapshot(p, len, &fs), 0);
	cr_assert_eq(fs.s.nrows, 3);
	cr_assert_eq(fs.s.rows[0].rotated_files, 3);
	cr_assert_eq(fs.s.rows[0].rotated_bytes, 1536);
	cr_assert_eq(fs.s.rows[1].rotated_files, -1, "unknown stays unknown");
	cr_assert_eq(fs.s.rows[1].rotated_bytes, -1);
	cr_assert_eq(fs.s.nfs, 4);
	cr_assert_str_eq(fs.s.fs[1].path, "/srv/l\"o<g>");
	cr_assert_eq(fs.s.fs[0].free, 300 * MiB);
	cr_assert_eq(fs.s.fs[0].size, 1024 * MiB);
	cr_assert_eq(fs.s.fs[2].minfree, 200 * MiB);
	cr_assert_eq(fs.s.fs[1].minfree, -1);
	cr_assert_eq(fs.s.fs[3].free, -1);
	front_snapshot_free(&fs);
}

Test(fmsg, a_logs_day_and_compression_reach_the_front)
{
	struct front_snapshot fs;
	size_t len, i;
	unsigned char *p = encoded(&len);

	cr_assert_eq(fmsg_get_snapshot(p, len, &fs), 0);
	cr_assert_eq(fs.s.rows[0].nhistory, 4);
	for (i = 0; i < 4; i++) {
		cr_assert_eq(fs.s.rows[0].history[i].at, day0[i].at);
		cr_assert_eq(fs.s.rows[0].history[i].size, day0[i].size);
	}
	cr_assert_eq(fs.s.rows[0].nrotated_at, 2);
	cr_assert_eq(fs.s.rows[0].rotated_at[1], T0 - 60);
	cr_assert_eq(fs.s.rows[0].packed_in, 4096);
	cr_assert_eq(fs.s.rows[0].packed_out, 512);
	cr_assert_eq(fs.s.rows[1].nhistory, 0);
	cr_assert_null(fs.s.rows[1].history);
	front_snapshot_free(&fs);
}

/*
 * A row's day as the root process encodes it, with COUNT samples
 * claimed, SIZE for the second and the rotations' times given.
 */
static int
decode_day(uint32_t count, long long size, time_t r0, time_t r1)
{
	struct status_row row = rows[1];
	struct status_snapshot s = snap();
	struct status_sample day[2] = { { T0 - 600, 10 }, { T0, size } };
	time_t rot[2] = { r0, r1 };
	struct front_snapshot fs;
	struct evbuffer *b = evbuffer_new();
	unsigned char *p;
	size_t len, off;
	int rc;

	row.history = day;
	row.nhistory = 2;
	row.rotated_at = rot;
	row.nrotated_at = 2;
	s.rows = &row;
	s.nrows = 1;
	s.nproblems = s.nfs = 0;
	fmsg_put_snapshot(b, &s);
	len = evbuffer_get_length(b);
	cr_assert_not_null(p = malloc(len));
	evbuffer_remove(b, p, len);
	evbuffer_free(b);
	/* the count sits before the samples, rotations and two empty lists */
	off = len - 4 - 4 - 2 * 8 - 4 - 2 * 16 - 4;
	memcpy(p + off, &count, sizeof(count));
	rc = fmsg_get_snapshot(p, len, &fs);
	if (rc == 0)
		front_snapshot_free(&fs);
	else
		free(p);
	return rc;
}

Test(fmsg, a_day_out_of_bounds_or_out_of_order_is_refused)
{
	cr_assert_eq(decode_day(2, 20, T0 - 9, T0 - 5), 0, "the sound one");
	cr_assert_eq(decode_day(STATUS_HISTORY_MAX + 1, 20, T0 - 9, T0 - 5),
	    -1, "past the bound");
	cr_assert_eq(decode_day(UINT32_MAX, 20, T0 - 9, T0 - 5), -1);
	cr_assert_eq(decode_day(2, -2, T0 - 9, T0 - 5), -1, "a size below -1");
	cr_assert_eq(decode_day(2, 20, T0 - 5, T0 - 9), -1, "rotations "
	    "out of order");
}

/* The step sits after the two strings, two times and worker_alive. */
Test(fmsg, a_history_step_out_of_its_range_is_refused)
{
	struct front_snapshot fs;
	size_t len, off = 4 + strlen("1.2.3") + 1 + 4 +
	    strlen("/etc/mond<1>.conf") + 1 + 8 + 8 + 4;
	unsigned char *p = encoded(&len);
	uint32_t step;

	memcpy(&step, p + off, sizeof(step));
	cr_assert_eq(step, STATUS_HISTORY_STEP, "none given: the default");
	step = STATUS_HISTORY_STEP + 1;
	memcpy(p + off, &step, sizeof(step));
	cr_assert_eq(fmsg_get_snapshot(p, len, &fs), -1);
	step = 0;
	memcpy(p + off, &step, sizeof(step));
	cr_assert_eq(fmsg_get_snapshot(p, len, &fs), -1);
	step = 10;
	memcpy(p + off, &step, sizeof(step));
	cr_assert_eq(fmsg_get_snapshot(p, len, &fs), 0);
	cr_assert_eq(fs.s.history_step, 10);
	front_snapshot_free(&fs);
}

Test(fmsg, a_cut_snapshot_or_one_claiming_too_many_file_systems_is_refused)
{
	struct front_snapshot fs;
	size_t len, cut, tail = 0, i;
	unsigned char *p = encoded(&len), *q;
	uint32_t many = UINT32_MAX;

	/* every shorter payload ends inside some field */
	for (cut = 0; cut < len; cut++) {
		cr_assert_not_null(q = malloc(cut + 1));
		memcpy(q, p, cut);
		cr_assert_eq(fmsg_get_snapshot(q, cut, &fs), -1, "cut at %zu "
		    "of %zu", cut, len);
		free(q);
	}
	/* the file systems come last: their count sits before them */
	for (i = 0; i < 4; i++)
		tail += 4 + strlen(fss[i].path) + 1 + 3 * 8;
	memcpy(p + len - tail - 4, &many, sizeof(many));
	cr_assert_eq(fmsg_get_snapshot(p, len, &fs), -1);
	free(p);
}
