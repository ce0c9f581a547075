/*
 * test_web.c: the status routes of the real daemon (/status, /status.json,
 * /metrics, /healthz) over a real socket, checked with real consumers where
 * they are installed: python3's json, promtool, headless Chromium. Tests
 * needing one of those skip with the reason when it is absent.
 */
#include <criterion/criterion.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/thread.h>

#include "conf/conf.h"
#include "engine/state.h"
#include "daemon/worker.h"
#include "tests/testutil.h"
#include "tests/webfx.h"

TestSuite(web, .init = tu_mond_init, .fini = tu_fini, .timeout = 90);

Test(web, status_page_has_a_row_per_log_and_shows_names_as_text)
{
	char *resp;

	webfx_start("");
	resp = webfx_get("/status");
	cr_assert_eq(tu_http_status(resp), 200, "%s", resp);
	cr_assert_not_null(strstr(resp, "\r\nContent-Type: text/html; charset=utf-8\r\n"));
	cr_assert_eq(tu_count(resp, "<tr class=\"log\""), 3, "%s", resp);
	cr_assert_not_null(strstr(resp, "logs/&lt;script&gt;.log"));
	cr_assert_null(strstr(resp, "<script>"));
	cr_assert_not_null(strstr(resp, tu_conf), "the config path at the top");
	free(resp);
}

Test(web, status_json_parses_and_matches_the_control_sockets)
{
	char *resp, *ctl, *out;
	const char *body, *cbody;
	int st;

	if (!tu_have("python3"))
		cr_skip_test("python3 is not installed: cannot validate JSON");
	webfx_start("");
	resp = webfx_get("/status.json");
	cr_assert_eq(tu_http_status(resp), 200, "%s", resp);
	cr_assert_not_null(strstr(resp, "\r\nContent-Type: application/json\r\n"));
	cr_assert_not_null(body = tu_http_body(resp));
	out = tu_filter("python3 -c 'import json,sys\n"
	    "d = json.load(sys.stdin)\n"
	    "print(len(d[\"logs\"]), d[\"worker_alive\"], sorted(l[\"threshold_kind\"] for l in d[\"logs\"]))'",
	    body, &st);
	cr_assert_eq(st, 0, "%s\n%s", out, body);
	cr_assert_str_eq(out, "3 True ['maxsize', 'size', 'size']\n", "%s", body);
	free(out);
	/* One source: the control socket gives the same logs, same fields. */
	ctl = tu_unix_http(tu_sock, "GET /status.json HTTP/1.0\r\n\r\n", 5000);
	cr_assert_not_null(ctl);
	cr_assert_eq(tu_http_status(ctl), 200, "%s", ctl);
	cr_assert_not_null(cbody = tu_http_body(ctl));
	{
		char *both;

		cr_assert(asprintf(&both, "%s\f%s", body, cbody) != -1);
		out = tu_filter("python3 -c 'import json,sys\n"
		    "a, b = sys.stdin.read().split(\"\\f\")\n"
		    "a, b = json.loads(a), json.loads(b)\n"
		    "print(a[\"logs\"] == b[\"logs\"])'", both, &st);
		cr_assert_str_eq(out, "True\n", "%s\n---\n%s", body, cbody);
		free(both);
	}
	free(out);
	free(ctl);
	free(resp);
}

Test(web, metrics_from_the_daemon_pass_promtool)
{
	char *resp, *out;
	const char *body;
	int st;

	webfx_start("");
	resp = webfx_get("/metrics");
	cr_assert_eq(tu_http_status(resp), 200, "%s", resp);
	cr_assert_not_null(strstr(resp,
	    "\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"));
	cr_assert_not_null(body = tu_http_body(resp));
	cr_assert_eq(tu_count(body, "\nmond_log_size_bytes{log="), 3, "%s", body);
	cr_assert_eq(tu_count(body, "\nmond_rotations_total{log="), 3);
	cr_assert_not_null(strstr(body, "\nmond_build_info{version=\""));
	cr_assert_not_null(strstr(body, "\nmond_http_requests_total{code=\"200\"} "));
	if (!tu_have("promtool")) {
		free(resp);
		cr_skip_test("promtool (Debian's prometheus) is not installed: "
		    "format checked by hand only");
	}
	out = tu_filter("promtool check metrics 2>&1", body, &st);
	cr_assert_eq(st, 0, "promtool: %s\n%s", out, body);
	cr_assert_str_eq(out, "", "promtool complains: %s", out);
	free(out);
	free(resp);
}

Test(web, healthz_is_ok_while_the_worker_lives)
{
	char *resp;

	webfx_start("");
	resp = webfx_get("/healthz");
	cr_assert_eq(tu_http_status(resp), 200, "%s", resp);
	cr_assert_str_eq(tu_http_body(resp), "ok\n");
	free(resp);
	cr_assert_eq(webfx_status_of("/healthz/x"), 404);
}

Test(web, each_status_route_can_be_turned_off)
{
	webfx_start("  status = no\n  metrics = no\n");
	cr_assert_eq(webfx_status_of("/status"), 404);
	cr_assert_eq(webfx_status_of("/metrics"), 404);
	cr_assert_eq(webfx_status_of("/status.json"), 200, "the one left on");
	cr_assert_eq(webfx_status_of("/healthz"), 200);
	cr_assert_eq(webfx_status_of("/"), 200);
	tu_daemon_kill(&tu_mond);
	memset(&tu_mond, 0, sizeof(tu_mond));
	webfx_start("  status_json = no\n");
	cr_assert_eq(webfx_status_of("/status.json"), 404);
	cr_assert_eq(webfx_status_of("/status"), 200);
	cr_assert_eq(webfx_status_of("/metrics"), 200);
}

Test(web, status_routes_take_get_and_head_only)
{
	char *resp;

	webfx_start("");
	resp = tu_http_raw(tu_mond.port, "POST /metrics HTTP/1.1\r\nHost: t\r\n"
	    "Content-Length: 0\r\nConnection: close\r\n\r\n", 5000);
	cr_assert_eq(tu_http_status(resp), 405, "%s", resp);
	cr_assert_not_null(strstr(resp, "\r\nAllow: GET, HEAD\r\n"));
	free(resp);
	resp = tu_http_raw(tu_mond.port, "HEAD /status HTTP/1.1\r\nHost: t\r\n"
	    "Connection: close\r\n\r\n", 5000);
	cr_assert_eq(tu_http_status(resp), 200, "%s", resp);
	cr_assert_str_eq(tu_http_body(resp), "", "HEAD has no body");
	cr_assert_not_null(strstr(resp, "\r\nContent-Length: "));
	free(resp);
}

/* The value of SAMPLE (a full "name{labels}") in /metrics, or -1. */
static long long
metric(const char *sample)
{
	char *resp = webfx_get("/metrics"), *want;
	const char *p;
	long long v = -1;

	cr_assert(asprintf(&want, "\n%s ", sample) != -1);
	if ((p = strstr(resp, want)) != NULL)
		v = atoll(p + strlen(want));
	free(want);
	free(resp);
	return v;
}

Test(web, http_requests_are_counted_by_code)
{
	int i;

	webfx_start("");
	for (i = 0; i < 3; i++)
		cr_assert_eq(webfx_status_of("/"), 200);
	cr_assert_eq(webfx_status_of("/nope"), 404);
	cr_assert_eq(webfx_status_of("/nope"), 404);
	cr_assert_eq(metric("mond_http_requests_total{code=\"404\"}"), 2);
	/* Past the second for which the front reuses a rendered page. */
	usleep(1100 * 1000);
	/* 3 hits on / and the previous scrape: this one is not counted yet. */
	cr_assert_eq(metric("mond_http_requests_total{code=\"200\"}"), 4);
}

/* SAMPLE's value once it is WANT, within 5 s; else the last one read. */
static long long
metric_becomes(const char *sample, long long want)
{
	long long v = -1;
	int i;

	for (i = 0; i < 50 && (v = metric(sample)) != want; i++)
		usleep(100000);
	return v;
}

Test(web, rotation_counters_survive_a_reload)
{
	char *log = tu_path(tu_dir, "logs/a.log"), *sample, big[2048];
	char *other, *other_sample;
	long long n = -1;
	int i;

	webfx_start("");
	cr_assert(asprintf(&sample, "mond_rotations_total{log=\"%s\"}", log) != -1);
	cr_assert_eq(metric(sample), 0);
	memset(big, 'z', sizeof(big) - 2);
	big[sizeof(big) - 2] = '\n';
	big[sizeof(big) - 1] = '\0';
	tu_write_file(log, big);	/* past size = 1k: the watch triggers */
	for (i = 0; i < 50 && (n = metric(sample)) < 1; i++)
		usleep(100000);
	cr_assert_eq(n, 1, "rotated once within 5 s");
	tu_write_file(log, "again\n");	/* a row exists for the log it matches */
	/* A reload with a changed config (a rule for another log added). */
	webfx_write_conf("", NULL);
	{
		char *text = tu_read_file(tu_conf, NULL), *more;

		cr_assert(asprintf(&more, "%slog \"%s/other.log\" {\n  size = 5k\n"
		    "  missingok = yes\n}\n", text, tu_dir) != -1);
		tu_write_file(tu_conf, more);
		free(more);
		free(text);
	}
	other = tu_path(tu_dir, "other.log");
	tu_write_file(other, "o\n");
	cr_assert(asprintf(&other_sample, "mond_rotations_total{log=\"%s\"}",
	    other) != -1);
	cr_assert_eq(kill(tu_mond.pid, SIGHUP), 0);
	/* The new rule's row in /metrics: the front now shows the reload. */
	cr_assert(tu_daemon_wait_stderr(&tu_mond, "configuration reloaded", 1,
	    5.0), "no reload");
	cr_assert_eq(metric_becomes(other_sample, 0), 0, "the reloaded rule's "
	    "log is not in /metrics within 5 s");
	cr_assert_eq(metric(sample), 1, "the counter follows the path");
	free(other_sample);
	free(other);
	free(sample);
	free(log);
}

/* ---- what the logs keep, and where ---- */

/* What DIR's NAME.* files hold on disk, by st_size; *FILES of them. */
static long long
kept_on_disk(const char *dir, const char *name, long long *files)
{
	size_t len = strlen(name);
	long long sum = 0;
	struct dirent *de;
	struct stat st;
	DIR *d;

	*files = 0;
	cr_assert_not_null(d = opendir(dir), "%s: %s", dir, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, name, len) != 0 || de->d_name[len] != '.')
			continue;
		cr_assert_eq(fstatat(dirfd(d), de->d_name, &st, 0), 0);
		sum += (long long)st.st_size;
		(*files)++;
	}
	cr_assert_eq(closedir(d), 0);
	return sum;
}

/* LEN bytes of noise that gzip cannot shrink to nothing, then a newline. */
static void
write_noise(const char *path, size_t len, unsigned seed)
{
	char *text = malloc(len + 2);
	size_t i;

	cr_assert_not_null(text);
	srand(seed);
	for (i = 0; i < len; i++)
		text[i] = (char)('a' + rand() % 26);
	text[len] = '\n';
	text[len + 1] = '\0';
	tu_write_file(path, text);
	free(text);
}

/*
 * Rotates LOG once more (past size = 1k: the size trigger's pass) and
 * waits for the rotation counter to reach N.
 */
static void
rotate_once_more(const char *log, const char *counter, size_t len, int n)
{
	write_noise(log, len, (unsigned)n);
	cr_assert_eq(metric_becomes(counter, n), n, "rotation %d within 5 s",
	    n);
}

/*
 * What /metrics, /status.json and /status say a log keeps is what its
 * rotated files hold on disk, compressed: after each rotation, and after
 * `rotate` took the oldest away.
 */
Test(web, rotated_bytes_are_the_rotated_files_on_disk)
{
	char *logs = tu_path(tu_dir, "logs"), *log = tu_path(logs, "a.log");
	char *stanza, *bytes, *files, *rotations, *want, *resp, *in, *out;
	long long disk, ndisk, before, gz1, gz2, gz3;

	webfx_make_logs();
	cr_assert(asprintf(&stanza, "log \"%s\" {\n  size = 1k\n  rotate = 2\n"
	    "  compress = yes\n}\n", log) != -1);
	webfx_write_conf("", stanza);
	tu_mond_start(NULL);
	webfx_wait_for_rows();
	cr_assert(asprintf(&bytes, "mond_log_rotated_bytes{log=\"%s\"}", log)
	    != -1);
	cr_assert(asprintf(&files, "mond_log_rotated_files{log=\"%s\"}", log)
	    != -1);
	cr_assert(asprintf(&rotations, "mond_rotations_total{log=\"%s\"}",
	    log) != -1);
	cr_assert(asprintf(&in, "mond_log_compressed_input_bytes_total{log="
	    "\"%s\"}", log) != -1);
	cr_assert(asprintf(&out, "mond_log_compressed_output_bytes_total{log="
	    "\"%s\"}", log) != -1);
	cr_assert_eq(metric(files), 0, "nothing rotated yet");
	cr_assert_eq(metric(in), 0, "nothing compressed yet");
	cr_assert_eq(metric(bytes), 0);

	rotate_once_more(log, rotations, 3000, 1);
	disk = gz1 = kept_on_disk(logs, "a.log", &ndisk);
	cr_assert_eq(ndisk, 1);
	cr_assert(disk > 0 && disk < 3000, "a.log.1.gz: %lld bytes", disk);
	cr_assert_eq(metric_becomes(bytes, disk), disk);
	cr_assert_eq(metric(files), 1);

	rotate_once_more(log, rotations, 9000, 2);
	before = disk;
	disk = kept_on_disk(logs, "a.log", &ndisk);
	cr_assert_eq(ndisk, 2);
	cr_assert_eq(metric_becomes(bytes, disk), disk);
	cr_assert_eq(metric(files), 2);
	cr_assert_gt(disk, before);
	gz2 = disk - gz1;	/* a.log.1.gz; a.log.2.gz is the first */

	/* the third: a.log.3.gz goes (rotate = 2), the count follows */
	rotate_once_more(log, rotations, 2000, 3);
	cr_assert_not(tu_exists(tu_at("logs/a.log.3.gz")));
	before = disk;
	disk = kept_on_disk(logs, "a.log", &ndisk);
	cr_assert_eq(ndisk, 2);
	cr_assert_neq(disk, before);
	cr_assert_eq(metric_becomes(bytes, disk), disk);
	cr_assert_eq(metric(files), 2);
	gz3 = disk - gz2;

	/* all three compressed, the one since removed too: the log's bytes */
	cr_assert_eq(metric(in), 3001 + 9001 + 2001);
	cr_assert_eq(metric(out), gz1 + gz2 + gz3);
	resp = webfx_get("/status.json");
	cr_assert(asprintf(&want, "\"rotated_files\":2,\"rotated_bytes\":%lld,"
	    "\"compressed_input_bytes\":14003,\"compressed_output_bytes\":%lld,"
	    "\"compression_ratio\":%.4f,", disk, gz1 + gz2 + gz3,
	    (double)(gz1 + gz2 + gz3) / 14003) != -1);
	cr_assert_not_null(strstr(resp, want), "%s in %s", want, resp);
	free(want);
	free(resp);
	resp = webfx_get("/status");
	cr_assert_not_null(strstr(resp, "<th>Kept in rotated files</th>"), "%s",
	    resp);
	cr_assert_not_null(strstr(resp, "rotated files\">2 files, "), "%s",
	    resp);
	cr_assert(asprintf(&want, "data-label=\"Compressed\">to %.1f%% ",
	    100.0 * (double)(gz1 + gz2 + gz3) / 14003) != -1);
	cr_assert_not_null(strstr(resp, want), "%s in %s", want, resp);
	free(want);
	free(resp);
	free(in);
	free(out);
	free(rotations);
	free(files);
	free(bytes);
	free(stanza);
	free(log);
	free(logs);
}

static char *mnt;		/* the tmpfs, unmounted by its test's end */

static void
unmount_fs(void)
{
	if (mnt != NULL && umount2(mnt, MNT_DETACH) == -1)
		fprintf(stderr, "umount %s: %s\n", mnt, strerror(errno));
	free(mnt);
	mnt = NULL;
}

/* MNT's free bytes (for unprivileged users) and *SIZE, by statvfs. */
static long long
fs_free(long long *size)
{
	struct statvfs sv;

	cr_assert_eq(statvfs(mnt, &sv), 0);
	*size = (long long)sv.f_blocks * (long long)sv.f_frsize;
	return (long long)sv.f_bavail * (long long)sv.f_frsize;
}

/*
 * A 1 MiB tmpfs holding a log: its free space, size and minfree's 10% of
 * it, labelled by its mount point, are what statvfs says, and follow a
 * file written there within a second.
 */
Test(web, free_space_is_shown_per_file_system, .fini = unmount_fs)
{
	char *stanza, *free_s, *size_s, *minfree_s, *resp, *want;
	char real[PATH_MAX];
	struct tu_conf c = { .top = "minfree = \"10%\"\n",
	    .mon_log = tu_at("mon/mon.log") };
	long long size, avail, shown, slack = 8192;
	char *p;

	tu_need_root("mounts a tmpfs");
	mnt = tu_path(tu_dir, "fs");
	cr_assert_eq(mkdir(mnt, 0755), 0);
	if (mount("tmpfs", mnt, "tmpfs", 0, "size=1m,mode=0755") == -1)
		cr_skip_test("cannot mount a tmpfs here: %s", strerror(errno));
	cr_assert_not_null(realpath(mnt, real));
	p = tu_path(mnt, "a.log");
	tu_write_file(p, "small\n");
	cr_assert(asprintf(&stanza, "log \"%s\" {\n  size = 1M\n  rotate = 1\n"
	    "}\n", p) != -1);
	free(p);
	tu_mond_conf(stanza, &c);
	tu_mond_start(NULL);
	webfx_wait_for_rows();
	cr_assert(asprintf(&free_s, "mond_fs_free_bytes{fs=\"%s\"}", real) != -1);
	cr_assert(asprintf(&size_s, "mond_fs_size_bytes{fs=\"%s\"}", real) != -1);
	cr_assert(asprintf(&minfree_s, "mond_fs_minfree_bytes{fs=\"%s\"}",
	    real) != -1);
	avail = fs_free(&size);
	cr_assert_eq(size, 1024 * 1024, "a 1 MiB tmpfs");
	cr_assert_eq(metric(size_s), size);
	cr_assert_eq(metric(minfree_s), size / 100 * 10);
	shown = metric(free_s);
	cr_assert_leq(llabs(shown - avail), slack, "free %lld, statvfs %lld",
	    shown, avail);

	/* 300 KiB more on it: the figure follows within a second */
	p = tu_path(mnt, "filler");
	write_noise(p, 300 * 1024, 7);
	free(p);
	avail = fs_free(&size);
	usleep(1100000);
	shown = metric(free_s);
	cr_assert_leq(llabs(shown - avail), slack, "free %lld, statvfs %lld",
	    shown, avail);
	cr_assert_lt(shown, size - 300 * 1024);

	resp = webfx_get("/status.json");
	cr_assert(asprintf(&want, "{\"path\":\"%s\",\"free_bytes\":%lld,"
	    "\"size_bytes\":%lld,\"minfree_bytes\":%lld}", real, shown, size,
	    size / 100 * 10) != -1);
	cr_assert_not_null(strstr(resp, want), "%s in %s", want, resp);
	free(want);
	free(resp);
	resp = webfx_get("/status");
	cr_assert(asprintf(&want, "<tr class=\"fs\"><td data-label=\"Mounted "
	    "on\"><code>%s</code>", real) != -1);
	cr_assert_not_null(strstr(resp, want), "%s in %s", want, resp);
	free(want);
	free(resp);
	free(minfree_s);
	free(size_s);
	free(free_s);
	free(stanza);
}

/*
 * minsize counts once the log's time rotation is due, by the clock the
 * size trigger uses: the daemon's, moved by --now. Here it is due by that
 * clock (2099) and far from due by the real one; the page shows the
 * threshold the trigger then acts on.
 */
Test(web, a_minsize_threshold_shows_by_the_daemons_clock)
{
	static const char want[] =
	    "\"threshold\":1048576,\"threshold_kind\":\"minsize\"";
	char *log = tu_path(tu_dir, "m.log"), *stanza, *state, *resp;
	const char *extra[] = { "--now", "2099-06-01T12:00", NULL };

	tu_write_file(log, "small\n");
	cr_assert(asprintf(&state, "logrotate state -- version 2\n"
	    "\"%s\" 2099-5-31-10:0:0\n", log) != -1);
	tu_write_file(tu_state, state);
	cr_assert(asprintf(&stanza, "log \"%s\" {\n  frequency = daily\n"
	    "  minsize = 1M\n  rotate = 1\n}\n", log) != -1);
	tu_mond_conf(stanza, NULL);
	tu_mond_start(extra);
	webfx_wait_for_rows();
	cr_assert_not(tu_exists(tu_at("m.log.1")), "due, but under minsize");
	resp = webfx_get("/status.json");
	cr_assert_not_null(strstr(resp, want), "%s", resp);
	free(resp);
	resp = tu_unix_http(tu_sock, "GET /status.json HTTP/1.0\r\n\r\n",
	    5000);
	cr_assert_not_null(resp);
	cr_assert_not_null(strstr(resp, want), "control socket: %s", resp);
	free(resp);
	/* The trigger agrees: past minsize, the log rotates. */
	tu_append(log, 1100000);
	cr_assert_geq(tu_wait_for(tu_at("m.log.1"), 5.0), 0,
	    "not rotated past minsize within 5 s");
	free(stanza);
	free(state);
	free(log);
}

/* ---- the worker's health, through libmond ---- */

static void
done_cb(struct worker_job *job, void *arg)
{
	(void)arg;
	worker_job_free(job);
}

Test(web, a_worker_on_one_job_too_long_is_not_alive)
{
	char *text, *log = tu_path(tu_dir, "slow.log");
	char *st_path = tu_path(tu_dir, "st");
	struct event_base *base;
	struct mond_conf *conf;
	struct worker *w;
	int i;

	tu_write_file(log, "data\n");
	cr_assert(asprintf(&text, "statefile = \"%s\"\ncontrol = \"%s\"\n"
	    "log \"%s\" {\n  size = 1\n  prerotate = \"sleep 3\"\n}\n",
	    st_path, tu_sock, log) != -1);
	tu_write_file(tu_conf, text);
	cr_assert_eq(evthread_use_pthreads(), 0);
	cr_assert_not_null(base = event_base_new());
	cr_assert_not_null(conf = conf_load(tu_conf));
	w = worker_start(base, conf, state_new(), st_path, 0, done_cb, NULL);
	cr_assert_not_null(w);
	cr_assert(worker_alive(w, 1), "idle is alive");
	worker_request_pass(w);
	/* The prerotate script holds the pass for 3 s: past a 1 s bound. */
	for (i = 0; i < 40 && worker_alive(w, 1); i++)
		usleep(100000);
	cr_assert(!worker_alive(w, 1), "stuck beyond the bound");
	cr_assert(worker_alive(w, 60), "not beyond a longer one");
	for (i = 0; i < 60 && !worker_alive(w, 1); i++)
		usleep(100000);
	cr_assert(worker_alive(w, 1), "alive again once the job is done");
	worker_stop(w);
	event_base_free(base);
	free(text);
	free(st_path);
	free(log);
}

Test(web, a_symlinked_log_never_shows_its_targets_size)
{
	char *target = tu_path(tu_dir, "secret"), *link_, *resp, big[123457];

	memset(big, 's', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	tu_write_file(target, big);	/* 123456 bytes, outside the logs */
	webfx_make_logs();
	link_ = tu_path(tu_dir, "logs/s.log");
	cr_assert_eq(symlink(target, link_), 0);
	webfx_write_conf("", NULL);
	cr_assert_eq(tu_daemon_start(&tu_mond, tu_conf, NULL), 0);
	usleep(1100000);	/* past the first pass and the size cache */
	resp = webfx_get("/metrics");
	cr_assert_not_null(strstr(resp, "a.log\"} 11\n"), "%s", resp);
	cr_assert_null(strstr(resp, "123456"), "the target's size: %s", resp);
	free(resp);
	resp = webfx_get("/status.json");
	cr_assert_null(strstr(resp, "123456"), "the target's size: %s", resp);
	free(resp);
	free(link_);
	free(target);
}

Test(web, sizes_are_read_at_most_once_a_second)
{
	char *log = tu_path(tu_dir, "logs/a.log"), *sample;
	long long first, again;
	FILE *f;

	webfx_start("");
	cr_assert(asprintf(&sample, "mond_log_size_bytes{log=\"%s\"}", log)
	    != -1);
	usleep(1100000);
	cr_assert_eq(first = metric(sample), 11);
	cr_assert_not_null(f = fopen(log, "a"));
	cr_assert_eq(fputs("grown by twenty bytes", f) >= 0, true);
	cr_assert_eq(fclose(f), 0);
	/* within the second: the cached size, no new stat on the loop */
	again = metric(sample);
	cr_assert_eq(again, first, "re-stat within a second: %lld", again);
	usleep(1100000);
	cr_assert_eq(metric(sample), 32);
	free(sample);
	free(log);
}
