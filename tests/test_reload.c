/*
 * test_reload.c: SIGHUP while the worker logs. A reload that moves mon.log
 * must change the one applog in place (the worker holds it without a
 * lock), and one that touches only applog {} must leave the listener, and
 * so its port, alone; and a big config must parse fast, since a reload
 * parses on the loop thread. Each test has its own directory, port and socket.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tests/testutil.h"

TestSuite(reload, .init = tu_mond_init, .fini = tu_fini, .timeout = 120);

/*
 * The config: mond's messages at LOGNAME, then N stanzas for logs that
 * do not exist.
 */
static void
write_conf(const char *logname, int n)
{
	struct tu_conf c = { .messages = tu_at(logname) };
	size_t size = 1 + (size_t)n * 128, len = 0;
	char *stanzas = malloc(size);
	int i;

	cr_assert_not_null(stanzas);
	stanzas[0] = '\0';
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(stanzas + len, size - len,
		    "log \"%s/missing%d.log\" {\n size = 1k\n}\n", tu_dir, i);
	tu_mond_conf(stanzas, &c);
	free(stanzas);
}

Test(reload, a_sighup_storm_moving_the_messages_log_while_the_worker_logs)
{
	char *a = tu_path(tu_dir, "a.log"), *b = tu_path(tu_dir, "b.log");
	double t0;
	int i, st;

	write_conf("a.log", 3000);
	tu_mond_start(NULL);
	/*
	 * Each reload waits for the last, so every one moves the log; the
	 * SIGUSR1s meanwhile keep the worker logging while it does.
	 */
	for (i = 0; i < 30; i++) {
		write_conf(i % 2 == 0 ? "b.log" : "a.log", 3000);
		cr_assert_eq(kill(tu_mond.pid, SIGHUP), 0);
		t0 = tu_now();
		while (!tu_daemon_wait_stderr(&tu_mond,
		    "configuration reloaded", i + 1, 0.0)) {
			cr_assert_lt(tu_now() - t0, 30.0,
			    "reload %d was not applied", i + 1);
			cr_assert_eq(kill(tu_mond.pid, SIGUSR1), 0);
			usleep(5000);
		}
	}
	cr_assert(tu_daemon_wait_stderr(&tu_mond, "No such file or directory",
	    3000 * 4, 60.0), "the reloads were not applied");
	st = tu_daemon_signal_wait(&tu_mond, SIGTERM);
	cr_assert_eq(st, 0, "mond exited %d after the reloads", st);
	cr_assert_gt(tu_count_lines(a, "No such file or directory"), 0,
	    "the messages log got none of the worker's lines");
	cr_assert_gt(tu_count_lines(b, "No such file or directory"), 0,
	    "the moved messages log got none of the worker's lines");
	free(b);
	free(a);
}

Test(reload, a_messages_only_reload_keeps_the_front_and_its_port)
{
	char *b = tu_path(tu_dir, "b.log"), *resp;
	int port;

	write_conf("a.log", 1);
	tu_mond_start(NULL);
	port = tu_mond.port;
	write_conf("b.log", 1);
	cr_assert_eq(kill(tu_mond.pid, SIGHUP), 0);
	cr_assert(tu_daemon_wait_stderr(&tu_mond, "configuration reloaded", 1,
	    10.0));
	resp = tu_http_raw(port, "GET / HTTP/1.0\r\n\r\n", 5000);
	cr_assert_not_null(resp, "port %d no longer answers after a "
	    "messages-only reload", port);
	cr_assert_eq(tu_http_status(resp), 200);
	cr_assert_not(tu_daemon_wait_stderr(&tu_mond, "web front started", 2,
	    0.0), "the front was restarted for a change it does not use");
	cr_assert_geq(tu_count_lines(b, "configuration reloaded"), 1,
	    "the reload line did not go to the new messages log");
	free(resp);
	free(b);
}

/* Waits up to 10 s for NAME in the test's directory to exist. */
static void
wait_rotated(const char *name, const char *why)
{
	if (tu_wait_for(tu_at(name), 10.0) < 0.0)
		cr_assert_fail("%s: no %s; mond said:\n%s", why, tu_at(name),
		    tu_daemon_stderr(&tu_mond));
}

/*
 * A typo in one package's logrotate file, found at a reload, must not
 * stop that package's rotation: the file's running stanzas stay, the
 * other files' changes apply, and /status.json says what was kept.
 */
Test(reload, a_logrotate_file_that_breaks_keeps_its_running_stanzas)
{
	char *dir = tu_path(tu_dir, "lr.d"), *a = tu_path(dir, "a"),
	    *b = tu_path(dir, "b"), *alog = tu_path(tu_dir, "a.log"),
	    *blog = tu_path(tu_dir, "b.log"), *clog = tu_path(tu_dir, "c.log"),
	    *text, *resp;

	cr_assert_eq(mkdir(dir, 0755), 0);
	cr_assert(asprintf(&text, "%s {\n\tsize 1\n\trotate 3\n}\n", alog) > 0);
	tu_write_file(a, text);
	free(text);
	cr_assert(asprintf(&text, "%s {\n\tsize 1\n\trotate 2\n}\n", blog) > 0);
	tu_write_file(b, text);
	free(text);
	cr_assert(asprintf(&text, "logrotate_conf = \"%s\"\n", dir) > 0);
	tu_mond_conf(text, NULL);
	free(text);
	tu_mond_start(NULL);
	tu_append(alog, 100);
	wait_rotated("a.log.1", "before the reload");

	cr_assert(asprintf(&text, "%s {\n\tsize 1\n\trotate x3\n}\n",
	    alog) > 0);
	tu_write_file(a, text);
	free(text);
	tu_write_file(clog, "");
	cr_assert(asprintf(&text, "%s %s {\n\tsize 1\n\trotate 2\n}\n",
	    blog, clog) > 0);
	tu_write_file(b, text);
	free(text);
	cr_assert_eq(kill(tu_mond.pid, SIGHUP), 0);
	cr_assert(tu_daemon_wait_stderr(&tu_mond, "configuration reloaded", 1,
	    10.0), "the reload was not applied");

	tu_append(alog, 100);
	wait_rotated("a.log.2", "the broken file's log, "
	    "after the reload");
	tu_append(clog, 100);
	wait_rotated("c.log.1", "the log the other file "
	    "gained");
	resp = tu_http_raw(tu_mond.port, "GET /status.json HTTP/1.0\r\n\r\n",
	    5000);
	cr_assert_not_null(resp);
	cr_assert_not_null(strstr(resp, "1 stanza of the running "
	    "configuration kept"), "/status.json does not say the stanza was "
	    "kept:\n%s", resp);
	cr_assert_not_null(strstr(resp, "bad rotation count 'x3'"),
	    "/status.json does not name the error:\n%s", resp);
	free(resp);
	free(dir), free(a), free(b), free(alog), free(blog), free(clog);
}

/* CPU seconds (user + system) of the children waited for so far. */
static double
children_cpu(void)
{
	struct rusage ru;

	cr_assert_eq(getrusage(RUSAGE_CHILDREN, &ru), 0);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

Test(reload, five_thousand_stanzas_check_in_under_two_cpu_seconds)
{
	const char *argv[] = { "-t", "-c", tu_conf, NULL };
	struct tu_run r;
	double before, cpu;

	write_conf("a.log", 5000);
	before = children_cpu();
	r = tu_run_mond(argv);
	cpu = children_cpu() - before;
	cr_assert_eq(r.status, 0, "mond -t: %s", r.err);
	/* About 0.2 s here; 2 s leaves room for a loaded or sanitized run. */
	cr_assert_lt(cpu, 2.0, "mond -t took %.2f s of CPU for 5,000 stanzas",
	    cpu);
	tu_run_free(&r);
}
