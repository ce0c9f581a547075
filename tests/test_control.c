/*
 * test_control.c: the running daemon's control socket: its mode and peer
 * check, a stale socket replaced but never a regular file, status.json
 * over it, and --force-rotate (or --once) going through it to the daemon,
 * or rotating in process when none runs. Each test has its own
 * directory, port, state file and socket.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/testutil.h"

TestSuite(control, .init = tu_mond_init, .fini = tu_fini, .timeout = 120);

/* The test's config: one rule for LOG, size = 1M, rotate = 1, then OPTS. */
static void
one_rule(const char *log, const char *opts)
{
	char *stanza;

	cr_assert(asprintf(&stanza, "log \"%s\" {\n size = 1M\n rotate = 1\n"
	    "%s}\n", log, opts) != -1);
	tu_mond_conf(stanza, NULL);
	free(stanza);
}

Test(control, force_rotate_goes_through_the_running_daemon)
{
	char *log = tu_path(tu_dir, "f.log"), *rot = tu_path(tu_dir, "f.log.1");
	char *want;
	struct tu_run r;

	one_rule(log, " create = yes\n");
	tu_write_file(log, "some text\n");
	tu_mond_start(NULL);
	{
		const char *argv[] = { "-c", tu_conf, "--force-rotate", log,
		    NULL };

		r = tu_run_mond(argv);
	}
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	cr_assert(asprintf(&want, "rotated %s\n", log) != -1);
	cr_assert_not_null(strstr(r.out, want), "report: %s", r.out);
	cr_assert_not_null(strstr(r.out, "0 failed"), "report: %s", r.out);
	cr_assert(tu_exists(rot));
	/* The daemon did it: its mon.log says so. */
	cr_assert_geq(tu_count_lines(tu_messages, "INFO - rotated "), 1);
	tu_run_free(&r);
	free(want);
	free(rot);
	free(log);
}

/* A pattern is sent as a query value: its &, %, + and spaces survive. */
Test(control, force_rotate_patterns_with_query_characters_arrive_intact)
{
	char *log = tu_path(tu_dir, "a b&c=%2F+d.log");
	char *rot = tu_path(tu_dir, "a b&c=%2F+d.log.1");
	struct tu_run r;

	one_rule(log, "");
	tu_write_file(log, "some text\n");
	tu_mond_start(NULL);
	{
		const char *argv[] = { "-c", tu_conf, "--force-rotate", log,
		    NULL };

		r = tu_run_mond(argv);
	}
	cr_assert_eq(r.status, 0, "exit %d: %s %s", r.status, r.out, r.err);
	cr_assert_not_null(strstr(r.out, log), "report: %s", r.out);
	cr_assert(tu_exists(rot), "%s was not rotated", log);
	tu_run_free(&r);
	free(rot);
	free(log);
}

Test(control, force_rotate_reports_failures_and_exits_one)
{
	char *log = tu_path(tu_dir, "gone.log");
	struct tu_run r;

	one_rule(log, "");
	tu_mond_start(NULL);
	{
		const char *argv[] = { "-c", tu_conf, "--force-rotate", NULL };

		r = tu_run_mond(argv);
	}
	cr_assert_eq(r.status, 1, "exit %d: %s", r.status, r.out);
	cr_assert_not_null(strstr(r.out, "failed "), "report: %s", r.out);
	cr_assert_not_null(strstr(r.out, "1 failed"), "report: %s", r.out);
	tu_run_free(&r);
	free(log);
}

/*
 * Runs --force-rotate with N copies of PATTERN against the running daemon
 * (through sh: more arguments than tu_run_mond takes); stderr joins *OUT.
 */
static int
force_many(const char *pattern, int n, char **out)
{
	char *cmd;
	int status;

	cr_assert(asprintf(&cmd, "P='%s'; i=0; set --; while [ $i -lt %d ]; "
	    "do set -- \"$@\" \"$P\"; i=$((i+1)); done; "
	    "exec \"%s\" -c \"%s\" --force-rotate \"$@\" 2>&1", pattern, n,
	    tu_mond_bin(), tu_conf) != -1);
	*out = tu_filter(cmd, "", &status);
	free(cmd);
	return status;
}

Test(control, force_rotate_rejects_empty_and_oversized_patterns)
{
	char *log = tu_path(tu_dir, "p.log"), *rot = tu_path(tu_dir, "p.log.1");
	char *resp, *out;
	char longpat[201];
	int st;

	one_rule(log, "");
	tu_write_file(log, "text\n");
	tu_mond_start(NULL);
	/* 2000 empty patterns: a usage error, not a smashed stack. */
	st = force_many("", 2000, &out);
	cr_assert_eq(st, 2, "exit %d: %s", st, out);
	cr_assert_not_null(strstr(out, "empty PATTERN"), "output: %s", out);
	free(out);
	/* 2000 long ones (%-encoded to three times their size): too long. */
	memset(longpat, '*', sizeof(longpat) - 1);
	longpat[sizeof(longpat) - 1] = '\0';
	st = force_many(longpat, 2000, &out);
	cr_assert_eq(st, 2, "exit %d: %s", st, out);
	cr_assert_not_null(strstr(out, "do not fit"), "output: %s", out);
	free(out);
	/* The daemon is still there and rotated nothing. */
	resp = tu_unix_http(tu_sock, "GET /status.json HTTP/1.0\r\n\r\n",
	    5000);
	cr_assert_eq(tu_http_status(resp), 200, "%s", resp);
	cr_assert_not(tu_exists(rot));
	free(resp);
	free(rot);
	free(log);
}

Test(control, force_rotate_without_a_daemon_rotates_in_process)
{
	char *log = tu_path(tu_dir, "n.log"), *rot = tu_path(tu_dir, "n.log.1");
	struct tu_run r;
	const char *argv[] = { "-c", NULL, "--force-rotate", NULL };

	one_rule(log, "");
	tu_write_file(log, "text\n");
	argv[1] = tu_conf;
	r = tu_run_mond(argv);
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	cr_assert(tu_exists(rot));
	cr_assert_null(strstr(r.out, "0 failed"), "a daemon answered?");
	cr_assert_not(tu_exists(tu_sock));
	tu_run_free(&r);
	free(rot);
	free(log);
}

Test(control, once_while_the_daemon_runs_exits_three)
{
	struct tu_run r;
	const char *argv[] = { "-c", NULL, "--once", NULL };

	tu_mond_conf("", NULL);
	tu_mond_start(NULL);
	argv[1] = tu_conf;
	r = tu_run_mond(argv);
	cr_assert_eq(r.status, 3, "exit %d: %s", r.status, r.err);
	tu_run_free(&r);
}

Test(control, the_control_socket_is_0600_and_serves_status_json)
{
	char *log = tu_path(tu_dir, "s.log"), *stanza, *resp, *want;
	struct stat st;

	cr_assert(asprintf(&stanza, "log \"%s\" {\n size = 10k\n}\n", log) != -1);
	tu_mond_conf(stanza, NULL);
	tu_write_file(log, "abc\n");
	tu_mond_start(NULL);
	cr_assert_eq(lstat(tu_sock, &st), 0);
	cr_assert(S_ISSOCK(st.st_mode));
	cr_assert_eq(st.st_mode & 07777, 0600, "mode %o", st.st_mode & 07777);
	usleep(300000);
	resp = tu_unix_http(tu_sock, "GET /status.json HTTP/1.0\r\n\r\n", 5000);
	cr_assert_not_null(resp);
	cr_assert_eq(tu_http_status(resp), 200, "%s", resp);
	cr_assert(asprintf(&want, "\"path\":\"%s\",\"size\":4,"
	    "\"threshold\":10240", log) != -1);
	cr_assert_not_null(strstr(resp, want), "%s", resp);
	free(resp);
	/* The TCP front has no such route and rotates nothing. */
	resp = tu_http_raw(tu_mond.port, "POST /rotate HTTP/1.0\r\n\r\n", 5000);
	cr_assert_eq(tu_http_status(resp), 404, "%s", resp);
	free(resp);
	free(want);
	free(stanza);
	free(log);
}

Test(control, a_stale_socket_is_replaced_and_a_regular_file_is_not)
{
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct tu_daemon other;
	char *content;

	strncpy(sun.sun_path, tu_sock, sizeof(sun.sun_path) - 1);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(fd);	/* a socket file nobody listens on */
	tu_mond_conf("", NULL);
	tu_mond_start(NULL);
	tu_daemon_signal_wait(&tu_mond, SIGTERM);
	cr_assert_not(tu_exists(tu_sock), "the socket outlived the daemon");
	tu_write_file(tu_sock, "precious\n");
	cr_assert_neq(tu_daemon_start(&other, tu_conf, NULL), 0,
	    "started over a regular file at the socket path");
	content = tu_read_file(tu_sock, NULL);
	cr_assert_str_eq(content, "precious\n");
	free(content);
	tu_daemon_kill(&other);
}

Test(control, the_control_socket_refuses_a_non_root_peer)
{
	pid_t pid;
	int status;

	if (geteuid() != 0)
		cr_skip_test("needs root: setuid to nobody");
	tu_mond_conf("", NULL);
	tu_mond_start(NULL);
	/* Open the way on purpose so that only SO_PEERCRED stands in it. */
	cr_assert_eq(chmod(tu_dir, 0755), 0);
	if ((pid = fork()) == 0) {
		char *resp;

		if (setgid(65534) == -1 || setuid(65534) == -1)
			_exit(10);
		/* Mode 0600: nobody cannot even connect. */
		resp = tu_unix_http(tu_sock,
		    "GET /status.json HTTP/1.0\r\n\r\n", 5000);
		if (resp != NULL || errno != EACCES)
			_exit(11);
		_exit(0);
	}
	cr_assert_gt(pid, 0);
	waitpid(pid, &status, 0);
	cr_assert_eq(WEXITSTATUS(status), 0, "child %d", WEXITSTATUS(status));
	cr_assert_eq(chmod(tu_sock, 0666), 0);
	if ((pid = fork()) == 0) {
		char *resp;

		if (setgid(65534) == -1 || setuid(65534) == -1)
			_exit(10);
		resp = tu_unix_http(tu_sock, "POST /rotate HTTP/1.0\r\n\r\n",
		    5000);
		if (resp == NULL)
			_exit(12);
		/* 403, or closed without an answer. */
		_exit(resp[0] == '\0' || tu_http_status(resp) == 403 ? 0 : 13);
	}
	waitpid(pid, &status, 0);
	cr_assert_eq(WEXITSTATUS(status), 0, "child %d", WEXITSTATUS(status));
	cr_assert_eq(tu_count_lines(tu_messages, "rotated"), 0);
}
