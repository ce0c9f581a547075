/*
 * test_daemon.c: the real mond daemon keeping logs within their rules:
 * size triggers, the next-due timer (its clock moved with --now), reloads,
 * SIGUSR1, signals during a long compression, the web front answering
 * while the worker rotates, the scripts it runs, and dateext names when
 * a size trigger fires several times in one day. The control socket
 * and --force-rotate are test_control.c. Each test has its own directory,
 * port, state file and socket.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/testutil.h"

TestSuite(daemon, .init = tu_mond_init, .fini = tu_fini, .timeout = 120);

Test(daemon, a_log_crossing_size_is_rotated_within_two_seconds)
{
	const char *const verbose[] = { "-v", NULL };
	char *log = tu_path(tu_dir, "app.log");
	char *rot = tu_path(tu_dir, "app.log.1");
	char *stanza;
	double took;

	cr_assert(asprintf(&stanza, "log \"%s/*.log\" {\n size = 4k\n"
	    " rotate = 2\n create = yes\n}\n", tu_dir) != -1);
	tu_mond_conf(stanza, NULL);
	tu_write_file(log, "start\n");
	tu_mond_start(verbose);
	/* Its first pass has looked at app.log: only then is absence news. */
	cr_assert(tu_daemon_wait_stderr(&tu_mond, "pass done", 1, 10.0),
	    "no first pass");
	cr_assert_not(tu_exists(rot), "rotated before crossing its size");
	tu_append(log, 5000);
	took = tu_wait_for(rot, 2.0);
	cr_assert_geq(took, 0, "app.log crossed 4k but was not rotated in 2 s");
	cr_assert(tu_daemon_wait_stderr(&tu_mond, "rotated ", 1, 2.0));
	/* "rotated " on stderr may be -v's line before the INFO one. */
	cr_assert_geq(tu_wait_lines(tu_messages, "INFO - rotated ", 1, 2.0), 1,
	    "no INFO rotated line in mon.log");
	cr_assert(tu_exists(log), "create = yes left no new log");
	free(stanza);
	free(rot);
	free(log);
}

Test(daemon, a_new_file_matching_a_pattern_is_picked_up)
{
	char *log = tu_path(tu_dir, "late.log");
	char *rot = tu_path(tu_dir, "late.log.1");
	char *stanza, *big;

	cr_assert(asprintf(&stanza, "log \"%s/*.log\" {\n size = 1k\n"
	    " missingok = yes\n rotate = 1\n}\n", tu_dir) != -1);
	tu_mond_conf(stanza, NULL);
	tu_mond_start(NULL);
	big = calloc(1, 3000);
	memset(big, 'x', 2999);
	tu_write_file(log, big);
	cr_assert_geq(tu_wait_for(rot, 2.0), 0, "a new oversized log was not "
	    "rotated within 2 s");
	free(big);
	free(stanza);
	free(rot);
	free(log);
}

Test(daemon, a_daily_log_rotates_when_the_daemons_clock_passes_midnight)
{
	char *log = tu_path(tu_dir, "d.txt"), *rot = tu_path(tu_dir, "d.txt.1");
	char *stanza;
	const char *extra[] = { "--now", "2026-03-10T23:59:57", "-v", NULL };

	cr_assert(asprintf(&stanza, "log \"%s\" {\n frequency = daily\n"
	    " rotate = 3\n}\n", log) != -1);
	tu_mond_conf(stanza, NULL);
	tu_write_file(log, "a line\n");
	tu_mond_start(extra);
	/* The first pass, before midnight on its clock, has looked. */
	cr_assert(tu_daemon_wait_stderr(&tu_mond, "pass done", 1, 3.0),
	    "no first pass within the 3 s before midnight");
	cr_assert_not(tu_exists(rot), "rotated before midnight");
	cr_assert_geq(tu_wait_for(rot, 8.0), 0, "not rotated after midnight "
	    "(the daemon's clock started 3 s before it)");
	free(stanza);
	free(rot);
	free(log);
}

Test(daemon, a_good_reload_applies_the_new_rule)
{
	const char *const verbose[] = { "-v", NULL };
	char *log = tu_path(tu_dir, "r.log"), *rot = tu_path(tu_dir, "r.log.1");
	char *s1, *s2;

	cr_assert(asprintf(&s1, "log \"%s\" {\n size = 1M\n rotate = 1\n}\n", log) != -1);
	cr_assert(asprintf(&s2, "log \"%s\" {\n size = 2k\n rotate = 1\n}\n", log) != -1);
	tu_mond_conf(s1, NULL);
	tu_write_file(log, "x\n");
	/* 3k before the start, so that the first pass sees them. */
	tu_append(log, 3000);
	tu_mond_start(verbose);
	cr_assert(tu_daemon_wait_stderr(&tu_mond, "pass done", 1, 10.0),
	    "no first pass");
	cr_assert_not(tu_exists(rot), "rotated under the 1M rule");
	tu_mond_conf(s2, NULL);
	cr_assert_eq(kill(tu_mond.pid, SIGHUP), 0);
	cr_assert(tu_daemon_wait_stderr(&tu_mond, "configuration reloaded", 1,
	    5.0));
	cr_assert_geq(tu_wait_for(rot, 2.0), 0, "the reloaded 2k rule did not "
	    "rotate a 3k log");
	free(s2);
	free(s1);
	free(rot);
	free(log);
}

Test(daemon, a_broken_reload_keeps_the_old_rules_serving_and_rotating)
{
	char *log = tu_path(tu_dir, "b.log"), *rot = tu_path(tu_dir, "b.log.1");
	char *s1, *resp;

	cr_assert(asprintf(&s1, "log \"%s\" {\n size = 2k\n rotate = 1\n}\n", log) != -1);
	tu_mond_conf(s1, NULL);
	tu_write_file(log, "x\n");
	tu_mond_start(NULL);
	tu_write_file(tu_conf, "log \"/x\" {\n no_such_option = 1\n}\n");
	cr_assert_eq(kill(tu_mond.pid, SIGHUP), 0);
	cr_assert(tu_daemon_wait_stderr(&tu_mond, "reload failed", 1, 5.0));
	cr_assert_geq(tu_count_lines(tu_messages, "ERROR - "), 1,
	    "no ERROR line in mon.log for the failed reload");
	resp = tu_http_raw(tu_mond.port, "GET / HTTP/1.0\r\n\r\n", 5000);
	cr_assert_eq(tu_http_status(resp), 200);
	tu_append(log, 3000);
	cr_assert_geq(tu_wait_for(rot, 2.0), 0,
	    "the old rules stopped rotating");
	free(resp);
	free(s1);
	free(rot);
	free(log);
}

Test(daemon, sigusr1_force_rotates_everything)
{
	char *a = tu_path(tu_dir, "u1.log"), *b = tu_path(tu_dir, "u2.log");
	char *ra = tu_path(tu_dir, "u1.log.1");
	char *rb = tu_path(tu_dir, "u2.log.1");
	char *stanza;

	cr_assert(asprintf(&stanza, "log \"%s/u*.log\" {\n size = 1M\n rotate = 1\n}\n",
	    tu_dir) != -1);
	tu_mond_conf(stanza, NULL);
	tu_write_file(a, "a\n");
	tu_write_file(b, "b\n");
	tu_mond_start(NULL);
	cr_assert_eq(kill(tu_mond.pid, SIGUSR1), 0);
	cr_assert_geq(tu_wait_for(ra, 3.0), 0);
	cr_assert_geq(tu_wait_for(rb, 3.0), 0);
	free(stanza);
	free(rb);
	free(ra);
	free(b);
	free(a);
}

/* MB megabytes of varied text lines, so that gzip has work to do. */
static void
write_big(const char *path, size_t mb)
{
	FILE *fp = fopen(path, "w");
	unsigned long long x = 88172645463325252ULL;
	size_t written = 0;

	cr_assert_not_null(fp, "%s: %s", path, strerror(errno));
	while (written < mb * 1024 * 1024) {
		int n;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		n = fprintf(fp, "2026-11-25 12:00:%02u host app[%llu]: request "
		    "%llx served in %llu ms\n", (unsigned)(x % 60), x % 65536,
		    x, x % 997);
		cr_assert_gt(n, 0);
		written += (size_t)n;
	}
	cr_assert_eq(fclose(fp), 0);
}

static off_t
size_of(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_size : -1;
}

static void
big_log_conf(const char *log)
{
	char *stanza;

	cr_assert(asprintf(&stanza, "log \"%s\" {\n size = 1G\n rotate = 2\n"
	    " compress = yes\n}\n", log) != -1);
	tu_mond_conf(stanza, NULL);
	free(stanza);
}

Test(daemon, sigterm_during_a_long_compression_exits_zero_leaving_no_partial_gz)
{
	char *log = tu_path(tu_dir, "big.log");
	char *rot = tu_path(tu_dir, "big.log.1");
	char *gz = tu_path(tu_dir, "big.log.1.gz"), *cmd;
	off_t size;
	double t0;
	int status;

	big_log_conf(log);
	write_big(log, 200);
	size = size_of(log);
	tu_mond_start(NULL);
	cr_assert_eq(kill(tu_mond.pid, SIGUSR1), 0);
	cr_assert_geq(tu_wait_for(rot, 10.0), 0, "the big log was not rotated");
	usleep(300000);
	cr_assert_not(tu_exists(gz) && !tu_exists(rot),
	    "compression already over: nothing to interrupt");
	t0 = tu_now();
	status = tu_daemon_signal_wait(&tu_mond, SIGTERM);
	cr_assert_eq(status, 0, "exit %d", status);
	cr_assert_lt(tu_now() - t0, 60.0, "took %.1f s to stop", tu_now() - t0);
	if (tu_exists(gz)) {
		cr_assert(asprintf(&cmd, "gzip -t '%s'", gz) != -1);
		cr_assert_eq(system(cmd), 0, "a broken .gz under its final name");
		free(cmd);
		cr_assert_not(tu_exists(rot), "both the .gz and its source");
	} else
		cr_assert_eq(size_of(rot), size, "the source is not intact");
	free(gz);
	free(rot);
	free(log);
}

Test(daemon, sigterm_stops_between_logs_and_leaves_the_next_one_alone)
{
	char *a = tu_path(tu_dir, "a.log"), *a1 = tu_path(tu_dir, "a.log.1");
	char *b = tu_path(tu_dir, "b.log"), *b1 = tu_path(tu_dir, "b.log.1");
	char *b1gz = tu_path(tu_dir, "b.log.1.gz"), *stanza;
	off_t bsize;
	int status;

	cr_assert(asprintf(&stanza, "log \"%s/*.log\" {\n size = 1G\n"
	    " rotate = 2\n compress = yes\n}\n", tu_dir) != -1);
	tu_mond_conf(stanza, NULL);
	free(stanza);
	write_big(a, 200);
	write_big(b, 20);
	bsize = size_of(b);
	tu_mond_start(NULL);
	cr_assert_eq(kill(tu_mond.pid, SIGUSR1), 0);
	cr_assert_geq(tu_wait_for(a1, 10.0), 0, "a.log was not rotated");
	status = tu_daemon_signal_wait(&tu_mond, SIGTERM);
	cr_assert_eq(status, 0, "exit %d", status);
	cr_assert_not(tu_exists(b1) || tu_exists(b1gz),
	    "b.log was rotated after SIGTERM");
	cr_assert_eq(size_of(b), bsize, "b.log changed");
	free(b1gz);
	free(b1);
	free(b);
	free(a1);
	free(a);
}

/* Bytes PID has read so far (rchar of /proc/PID/io). */
static long long
read_bytes(pid_t pid)
{
	char path[64], *text, *p;
	long long n = -1;

	snprintf(path, sizeof(path), "/proc/%d/io", (int)pid);
	cr_assert_not_null(text = tu_read_file(path, NULL), "%s", path);
	if ((p = strstr(text, "rchar: ")) != NULL)
		n = atoll(p + 7);
	free(text);
	cr_assert_geq(n, 0, "no rchar in %s", path);
	return n;
}

/*
 * Not a wall-clock test (bench/latency-during-compress.sh measures that):
 * each GET / is timed by the compressor's own progress, the bytes the
 * daemon read while it waited. A loop blocked by the compression would
 * answer only after all 200 MiB; a free one answers while a few blocks
 * (256 KiB each) go by, however slow the machine.
 */
Test(daemon, the_web_front_answers_while_a_big_log_compresses)
{
	char *log = tu_path(tu_dir, "big.log");
	char *rot = tu_path(tu_dir, "big.log.1");
	char *gz = tu_path(tu_dir, "big.log.1.gz");
	long long before, worst = 0;
	int during = 0;

	big_log_conf(log);
	write_big(log, 200);
	tu_mond_start(NULL);
	cr_assert_eq(kill(tu_mond.pid, SIGUSR1), 0);
	cr_assert_geq(tu_wait_for(rot, 10.0), 0, "the big log was not rotated");
	while (tu_exists(rot) && during < 20) {
		char *resp;

		before = read_bytes(tu_mond.pid);
		resp = tu_http_raw(tu_mond.port, "GET / HTTP/1.0\r\n\r\n", 5000);
		cr_assert_eq(tu_http_status(resp), 200);
		free(resp);
		if (!tu_exists(rot))
			break;
		if ((before = read_bytes(tu_mond.pid) - before) > worst)
			worst = before;
		during++;
	}
	cr_assert_eq(during, 20, "only %d answers came back while big.log.1 "
	    "was being compressed", during);
	cr_assert_lt(worst, 8 << 20, "a GET / waited while the compressor "
	    "read %lld bytes", worst);
	cr_assert_geq(tu_wait_for(gz, 60.0), 0);
	free(gz);
	free(rot);
	free(log);
}

/* A rule for DIR/NAME with POSTROTATE (shell text, no double quotes). */
static char *
script_rule(const char *name, const char *postrotate)
{
	char *stanza;

	cr_assert(asprintf(&stanza, "log \"%s/%s\" {\n size = 1M\n rotate = 1\n"
	    " postrotate = \"%s\"\n}\n", tu_dir, name, postrotate) != -1);
	return stanza;
}

static int
force_one(const char *name, char **out)
{
	char *log = tu_path(tu_dir, name);
	const char *argv[] = { "-c", tu_conf, "--force-rotate", log, NULL };
	struct tu_run r = tu_run_mond(argv);
	int status = r.status;

	cr_assert(asprintf(out, "%s%s", r.out, r.err) != -1);
	tu_run_free(&r);
	free(log);
	return status;
}

Test(daemon, scripts_start_with_default_signals_in_their_own_group)
{
	char *stanza, *out, *sig, *pg, *l = tu_path(tu_dir, "s.log");
	char *sigf = tu_path(tu_dir, "sigign"), *pgf = tu_path(tu_dir, "pgrp");
	unsigned long long ign;
	long pid, pgrp;

	/* The daemon ignores SIGPIPE; its scripts must not inherit that. */
	cr_assert(asprintf(&stanza, "log \"%s\" {\n size = 1M\n rotate = 1\n"
	    " postrotate = \"grep SigIgn /proc/$$/status > %s; "
	    "echo $$ $(cut -d' ' -f5 /proc/$$/stat) > %s\"\n}\n", l, sigf,
	    pgf) != -1);
	tu_mond_conf(stanza, NULL);
	tu_write_file(l, "x\n");
	tu_mond_start(NULL);
	cr_assert_eq(force_one("s.log", &out), 0, "%s", out);
	sig = tu_read_file(sigf, NULL);
	pg = tu_read_file(pgf, NULL);
	cr_assert(sig != NULL && pg != NULL, "%s", out);
	cr_assert_eq(sscanf(sig, "SigIgn: %llx", &ign), 1, "%s", sig);
	cr_assert_eq(ign & 0x1000, 0, "SIGPIPE ignored in the script: %s", sig);
	cr_assert_eq(sscanf(pg, "%ld %ld", &pid, &pgrp), 2, "%s", pg);
	cr_assert_eq(pid, pgrp, "not its own process group: %s", pg);
	free(sig);
	free(pg);
	free(out);
	free(stanza);
	free(pgf);
	free(sigf);
	free(l);
}

Test(daemon, a_script_past_its_timeout_is_killed_and_fails)
{
	char *stanza = script_rule("t.log", "sleep 30"), *out;
	char *l = tu_path(tu_dir, "t.log");
	double t0;

	setenv("MOND_SCRIPT_TIMEOUT", "1", 1);
	tu_mond_conf(stanza, NULL);
	tu_write_file(l, "x\n");
	tu_mond_start(NULL);
	t0 = tu_now();
	cr_assert_eq(force_one("t.log", &out), 1, "%s", out);
	cr_assert_lt(tu_now() - t0, 10, "the script ran %.1f s", tu_now() - t0);
	cr_assert_not_null(strstr(out, "killed after 1 s"), "%s", out);
	cr_assert_not_null(strstr(out, "1 failed"), "%s", out);
	free(out);
	free(stanza);
	free(l);
}

Test(daemon, sigterm_does_not_wait_for_a_hung_script)
{
	char *started = tu_path(tu_dir, "started"), *cmd, *stanza;
	char *l = tu_path(tu_dir, "h.log");
	double t0;
	int status;

	cr_assert(asprintf(&cmd, "touch %s; sleep 40", started) != -1);
	/* size = 1: the daemon rotates it on its own, within a second. */
	cr_assert(asprintf(&stanza, "log \"%s\" {\n size = 1\n rotate = 1\n"
	    " postrotate = \"%s\"\n}\n", l, cmd) != -1);
	tu_mond_conf(stanza, NULL);
	tu_write_file(l, "some bytes\n");
	tu_mond_start(NULL);
	cr_assert_geq(tu_wait_for(started, 10.0), 0,
	    "the script never started");
	t0 = tu_now();
	status = tu_daemon_signal_wait(&tu_mond, SIGTERM);
	cr_assert_lt(tu_now() - t0, 10, "SIGTERM took %.1f s", tu_now() - t0);
	cr_assert_eq(status, 0, "exit %d", status);
	free(stanza);
	free(cmd);
	free(l);
	free(started);
}

Test(daemon, writes_to_another_rules_rotated_file_do_not_trigger_passes)
{
	const char *const verbose[] = { "-v", NULL };
	char *d = tu_path(tu_dir, "d");
	char *main_log = tu_path(tu_dir, "d/main.log");
	char *dated = tu_path(tu_dir, "d/main.log-20261126");
	char *older = tu_path(tu_dir, "d/main.log-20261125");
	char *outside = tu_path(tu_dir, "zz.log");
	char *sentinel = tu_path(tu_dir, "d/zz.log");
	char *stanza, *err;
	const char *at;
	int i, passes = 0;
	double t0;

	cr_assert_eq(mkdir(d, 0755), 0);
	cr_assert(asprintf(&stanza, "log \"%s/main.log\" {\n dateext = yes\n"
	    " frequency = daily\n rotate = 3\n}\n"
	    "log \"%s/*\" {\n size = 1M\n}\n", d, d) != -1);
	tu_mond_conf(stanza, NULL);
	tu_write_file(main_log, "live\n");
	tu_write_file(dated, "rotated by the app\n");
	tu_mond_start(verbose);
	cr_assert(tu_daemon_wait_stderr(&tu_mond, "pass done", 1, 10.0),
	    "no first pass");
	/* An application still writing its rotated file, then a new one. */
	for (i = 0; i < 40; i++) {
		tu_append(dated, 100);
		usleep(50000);
	}
	tu_write_file(older, "another rotated name\n");
	/*
	 * Then a log that must trigger, moved in whole (one event): once it
	 * is rotated, every earlier event has had its hold-off and its say.
	 */
	tu_write_file(outside, "");
	tu_append(outside, 1100 * 1024);
	cr_assert_eq(rename(outside, sentinel), 0, "%s", strerror(errno));
	for (t0 = tu_now(); tu_file_len(sentinel) == 1100 * 1024 &&
	    tu_now() - t0 < 10.0;)
		usleep(20000);
	cr_assert_neq(tu_file_len(sentinel), 1100 * 1024, "the 1.1M log "
	    "moved in was not rotated");
	err = tu_daemon_stderr(&tu_mond);
	for (at = err; (at = strstr(at, "size trigger: looking")) != NULL; at++)
		passes++;
	cr_assert_geq(passes, 1, "the 1.1M log's trigger is not in: %s", err);
	cr_assert_leq(passes, 2, "%d passes for writes to rotated names and "
	    "one log to rotate: %s", passes - 1, err);
	free(err);
	free(stanza);
	free(sentinel);
	free(outside);
	free(older);
	free(dated);
	free(main_log);
	free(d);
}

/*
 * A log whose name holds a newline and a forged line after it: rotated,
 * and said in one line, the newline escaped, on stderr and in the
 * messages file; no line of either begins with the forgery.
 */
Test(daemon, a_newline_in_a_log_name_cannot_forge_a_line)
{
	char *log = tu_path(tu_dir, "evil\nmond: ERROR - forged.log");
	char *q = tu_confq(tu_dir), *stanza, *err, *text;

	cr_assert(asprintf(&stanza, "log \"%s/evil*.log\" {\n size = 1\n"
	    " rotate = 1\n}\n", q) != -1);
	tu_mond_conf(stanza, NULL);
	tu_write_file(log, "some bytes\n");
	tu_mond_start(NULL);
	cr_assert(tu_daemon_wait_stderr(&tu_mond, "rotated ", 1, 5.0),
	    "the log was not rotated");
	err = tu_daemon_stderr(&tu_mond);
	cr_assert_not_null(strstr(err, "evil\\nmond: ERROR - forged.log"),
	    "%s", err);
	cr_assert_null(strstr(err, "\nmond: ERROR - forged"), "%s", err);
	text = tu_read_file(tu_messages, NULL);
	cr_assert_not_null(text);
	cr_assert_not_null(strstr(text, "evil\\nmond: ERROR - forged.log"),
	    "%s", text);
	cr_assert_null(strstr(text, "\nmond: ERROR - forged"), "%s", text);
	free(text);
	free(err);
	free(stanza);
	free(q);
	free(log);
}

/* One rotated file of a dated family: its name and the counter after it. */
struct dated_file {
	char		 name[256];
	long		 counter;	/* 0 for the plain LOG-DATE */
};

static int
by_counter(const void *a, const void *b)
{
	const struct dated_file *x = a, *y = b;

	return x->counter < y->counter ? -1 : x->counter > y->counter;
}

/*
 * The files of tu_dir named PREFIX or PREFIX.N, oldest first by counter,
 * into F (room for MAX); returns how many. Any other name starting with
 * PREFIX fails the test: no rotated file may be named otherwise.
 */
static size_t
dated_family(const char *prefix, struct dated_file *f, size_t max)
{
	size_t plen = strlen(prefix), n = 0;
	struct dirent *de;
	DIR *d = opendir(tu_dir);
	char *end;
	long c;

	cr_assert_not_null(d);
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, prefix, plen) != 0)
			continue;
		c = 0;
		if (de->d_name[plen] != '\0') {
			cr_assert_eq(de->d_name[plen], '.', "%s", de->d_name);
			c = strtol(de->d_name + plen + 1, &end, 10);
			cr_assert(*end == '\0' && c > 0, "%s", de->d_name);
		}
		cr_assert_lt(n, max);
		snprintf(f[n].name, sizeof(f[n].name), "%s", de->d_name);
		f[n++].counter = c;
	}
	closedir(d);
	qsort(f, n, sizeof(*f), by_counter);
	return n;
}

/* The rotated files F (N) and then the live LOG, end to end (malloc'd). */
static char *
family_text(const struct dated_file *f, size_t n, const char *log)
{
	char *all = strdup(""), *part, *joined;
	size_t i;

	for (i = 0; i <= n; i++) {
		part = tu_read_file(i < n ? tu_at(f[i].name) : log, NULL);
		cr_assert_not_null(part, "%s", i < n ? f[i].name : log);
		cr_assert(asprintf(&joined, "%s%s", all, part) != -1);
		free(all);
		free(part);
		all = joined;
	}
	return all;
}

/*
 * logrotate's "destination ... already exists, skipping rotation" when a
 * size trigger fires twice in one dateformat period (its #435, #327):
 * here a.log and b.log pass 1k a few times a second for 2.5 s, all on
 * one day. Every rotation gets a name of its own (LOG-DATE, then .1, .2
 * ...), no byte is lost or doubled: the rotated files oldest first, then
 * the live log, are exactly what was written; with rotate = 3, exactly
 * three stay, and they are the newest.
 */
Test(daemon, a_size_trigger_firing_within_one_day_never_reuses_a_name)
{
	const char *extra[] = { "--now", "2026-03-10T12:00:00", NULL };
	char *a = tu_path(tu_dir, "a.log"), *b = tu_path(tu_dir, "b.log");
	char line[128], *wrote = strdup(""), *next, *got, *stanza;
	struct dated_file fa[64], fb[64];
	size_t na, nb, len;
	double t0;
	FILE *fp;
	int i;

	cr_assert(asprintf(&stanza, "log \"%s\" {\n size = 1k\n rotate = 100\n"
	    " dateext = yes\n create = yes\n}\n"
	    "log \"%s\" {\n size = 1k\n rotate = 3\n dateext = yes\n"
	    " create = yes\n}\n", a, b) != -1);
	tu_mond_conf(stanza, NULL);
	free(stanza);
	tu_write_file(a, "");
	tu_write_file(b, "");
	tu_mond_start(extra);
	usleep(300000);
	/* 100-byte lines every 10 ms: 1k every tenth of a second */
	for (i = 0, t0 = tu_now(); tu_now() - t0 < 2.5; i++) {
		len = (size_t)snprintf(line, sizeof(line), "%06d %092d\n", i, i);
		cr_assert_eq(len, 100);
		for (int k = 0; k < 2; k++) {
			cr_assert_not_null(fp = fopen(k == 0 ? a : b, "a"));
			cr_assert_geq(fputs(line, fp), 0);
			cr_assert_eq(fclose(fp), 0);
		}
		cr_assert(asprintf(&next, "%s%s", wrote, line) != -1);
		free(wrote);
		wrote = next;
		usleep(10000);
	}
	usleep(1500000);	/* the last trigger has fired */
	cr_assert_eq(tu_daemon_signal_wait(&tu_mond, SIGTERM), 0);

	na = dated_family("a.log-20260310", fa, 64);
	cr_assert_geq(na, 4, "only %zu rotations of a.log in 2.5 s", na);
	cr_assert_eq(fa[0].counter, 0, "the first is the plain name");
	cr_assert_eq(fa[na - 1].counter, (long)na - 1, "counters skipped");
	got = family_text(fa, na, a);
	cr_assert_str_eq(got, wrote, "a.log's rotated files and the live log "
	    "are not what was written");
	free(got);

	nb = dated_family("b.log-20260310", fb, 64);
	cr_assert_eq(nb, 3, "rotate = 3 kept %zu", nb);
	cr_assert_geq(fb[0].counter, 2, "the oldest were not the ones that "
	    "went: %s", fb[0].name);
	got = family_text(fb, nb, b);
	len = strlen(got);
	cr_assert(len < strlen(wrote) && strcmp(wrote + strlen(wrote) - len,
	    got) == 0, "b.log's three and the live log are not the newest "
	    "of what was written");
	free(got);
	free(wrote);
	free(b);
	free(a);
}
