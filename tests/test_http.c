/*
 * test_http.c: the web front of the real mond binary, started on an
 * ephemeral port with a config written into the test's own directory, and
 * spoken to over a real socket.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tests/testutil.h"

static char *log_path;		/* mon.log, in a directory the daemon makes */

static void
setup(void)
{
	tu_mond_init();
	log_path = tu_path(tu_dir, "mon/mon.log");
}

static void
teardown(void)
{
	free(log_path);
	tu_fini();
}

TestSuite(http, .init = setup, .fini = teardown, .timeout = 60);

/*
 * The test's config: mon.log at LOG_PATH keeping LEVEL, rolled over past
 * MAXBYTES into BACKUPS files; the front's client TIMEOUT in seconds.
 */
static void
write_conf(const char *level, long long maxbytes, int backups, int timeout)
{
	char http[64], *applog;
	struct tu_conf c = { .mon_log = log_path, .http = http };

	snprintf(http, sizeof(http), "    timeout = %d\n", timeout);
	cr_assert(asprintf(&applog, "    maxbytes = %lld\n    backups = %d\n"
	    "    level = %s\n", maxbytes, backups, level) != -1);
	c.applog = applog;
	tu_mond_conf(NULL, &c);
	free(applog);
}

static void
start(const char *level, long long maxbytes, int backups, int timeout)
{
	write_conf(level, maxbytes, backups, timeout);
	tu_mond_start(NULL);
}

static char *
get(const char *request)
{
	char *resp = tu_http_raw(tu_mond.port, request, 5000);

	cr_assert_not_null(resp, "connect: %s", strerror(errno));
	return resp;
}

/* The value of header NAME in RESPONSE ("" when absent), malloc'd. */
static char *
header(const char *response, const char *name)
{
	const char *end = strstr(response, "\r\n\r\n"), *p = response;
	size_t nlen = strlen(name);

	while ((p = strstr(p, "\r\n")) != NULL && p < end) {
		p += 2;
		if (strncasecmp(p, name, nlen) == 0 && p[nlen] == ':') {
			const char *v = p + nlen + 1, *eol;

			while (*v == ' ')
				v++;
			eol = strstr(v, "\r\n");
			return strndup(v, (size_t)(eol - v));
		}
	}
	return strdup("");
}

static bool
matches(const char *line, const char *level)
{
	char *re;
	regex_t rx;
	bool ok;

	cr_assert(asprintf(&re, "^[0-9]{4}-[0-9]{2}-[0-9]{2} "
	    "[0-9]{2}:[0-9]{2}:[0-9]{2},[0-9]{3} - mond - %s - "
	    "Home page accessed at %s level$", level, level) != -1);
	cr_assert_eq(regcomp(&rx, re, REG_EXTENDED | REG_NOSUB), 0);
	ok = regexec(&rx, line, 0, NULL, 0) == 0;
	regfree(&rx);
	free(re);
	return ok;
}

#define GET_HOME "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"

Test(http, get_home_answers_stage_seven_and_logs_two_lines)
{
	char *resp, *ctype, *text, *nl;

	start("debug", 1000000, 7, 5);
	resp = get(GET_HOME);
	cr_assert_eq(tu_http_status(resp), 200, "%s", resp);
	cr_expect_str_eq(tu_http_body(resp), "Stage Seven!");
	ctype = header(resp, "Content-Type");
	cr_expect_str_eq(ctype, "text/html; charset=utf-8");

	text = tu_read_file(log_path, NULL);
	cr_assert_not_null(text, "%s: missing", log_path);
	nl = strchr(text, '\n');
	cr_assert_not_null(nl, "mon.log: %s", text);
	*nl = '\0';
	cr_expect(matches(text, "DEBUG"), "first line: %s", text);
	cr_assert_not_null(strchr(nl + 1, '\n'), "one line only");
	*strchr(nl + 1, '\n') = '\0';
	cr_expect(matches(nl + 1, "INFO"), "second line: %s", nl + 1);
	cr_expect_eq(tu_count_lines(log_path, ""), 2, "exactly two lines");
	free(text);
	free(ctype);
	free(resp);
}

Test(http, level_info_logs_only_the_info_line)
{
	char *resp, *text;

	start("info", 1000000, 7, 5);
	resp = get(GET_HOME);
	cr_assert_eq(tu_http_status(resp), 200);
	text = tu_read_file(log_path, NULL);
	cr_assert_not_null(text);
	cr_assert_eq(tu_count_lines(log_path, ""), 1, "mon.log: %s", text);
	*strchr(text, '\n') = '\0';
	cr_expect(matches(text, "INFO"), "%s", text);
	free(text);
	free(resp);
}

Test(http, head_home_has_no_body_but_the_length)
{
	char *resp, *len;

	start("debug", 1000000, 7, 5);
	resp = get("HEAD / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
	cr_assert_eq(tu_http_status(resp), 200, "%s", resp);
	cr_expect_str_eq(tu_http_body(resp), "");
	len = header(resp, "Content-Length");
	cr_expect_str_eq(len, "12");
	free(len);
	free(resp);
}

Test(http, unknown_path_is_404_whatever_the_method)
{
	char *resp;

	start("debug", 1000000, 7, 5);
	resp = get("GET /nope HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
	cr_expect_eq(tu_http_status(resp), 404, "%s", resp);
	free(resp);
	resp = get("DELETE /nope HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
	cr_expect_eq(tu_http_status(resp), 404, "%s", resp);
	free(resp);
	cr_expect_eq(tu_count_lines(log_path, "Home page"), 0);
}

Test(http, other_methods_on_home_are_405_with_allow)
{
	static const char *const methods[] = { "POST", "PUT", "DELETE",
	    "OPTIONS", "PATCH" };

	start("debug", 1000000, 7, 5);
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		char *req, *resp, *allow;

		cr_assert(asprintf(&req, "%s / HTTP/1.1\r\nHost: t\r\n"
		    "Connection: close\r\n\r\n", methods[i]) != -1);
		resp = get(req);
		cr_expect_eq(tu_http_status(resp), 405, "%s: %s", methods[i],
		    resp);
		allow = header(resp, "Allow");
		cr_expect_str_eq(allow, "GET, HEAD", "%s", methods[i]);
		free(allow);
		free(resp);
		free(req);
	}
	cr_expect_eq(tu_count_lines(log_path, "Home page"), 0);
}

Test(http, request_bodies_are_refused)
{
	char *resp;

	start("debug", 1000000, 7, 5);
	resp = get("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n"
	    "Connection: close\r\n\r\nhello");
	cr_expect_eq(tu_http_status(resp), 413, "%s", resp);
	free(resp);
}

Test(http, headers_over_8k_are_refused_and_the_daemon_goes_on)
{
	char *big, *req, *resp;

	start("debug", 1000000, 7, 5);
	big = malloc(9 * 1024 + 1);
	cr_assert_not_null(big);
	memset(big, 'a', 9 * 1024);
	big[9 * 1024] = '\0';
	cr_assert(asprintf(&req, "GET / HTTP/1.1\r\nHost: t\r\nX-Big: %s\r\n"
	    "Connection: close\r\n\r\n", big) != -1);
	resp = get(req);
	cr_expect(tu_http_status(resp) >= 400 && tu_http_status(resp) < 500,
	    "status %d", tu_http_status(resp));
	cr_expect_eq(tu_count_lines(log_path, "Home page"), 0);
	free(resp);
	resp = get(GET_HOME);
	cr_expect_eq(tu_http_status(resp), 200, "after: %s", resp);
	free(resp);
	free(req);
	free(big);
}

Test(http, a_bad_request_line_is_400_and_the_daemon_goes_on)
{
	char *resp;

	start("debug", 1000000, 7, 5);
	resp = get("GARBAGE\r\n\r\n");
	cr_expect_eq(tu_http_status(resp), 400, "%s", resp);
	free(resp);
	resp = get("GET / HTTP/9.9x\r\n\r\n");
	cr_expect(tu_http_status(resp) == 400 || tu_http_status(resp) == -1,
	    "%s", resp);
	free(resp);
	resp = get(GET_HOME);
	cr_expect_eq(tu_http_status(resp), 200, "after: %s", resp);
	free(resp);
}

Test(http, idle_and_slow_clients_are_closed_after_the_timeout)
{
	double t0, idle, slow;
	char *resp;

	start("debug", 1000000, 7, 1);
	t0 = tu_now();
	resp = get("");
	idle = tu_now() - t0;
	free(resp);
	t0 = tu_now();
	resp = get("GET / HTTP/1.1\r\nHost: t\r\n");	/* never finished */
	slow = tu_now() - t0;
	free(resp);
	cr_expect(idle >= 0.8 && idle < 4.0, "idle closed after %.2fs", idle);
	cr_expect(slow >= 0.8 && slow < 4.0, "slow closed after %.2fs", slow);
}

Test(http, sigterm_exits_zero)
{
	char *resp;

	start("debug", 1000000, 7, 5);
	resp = get(GET_HOME);
	cr_assert_eq(tu_http_status(resp), 200);
	free(resp);
	cr_expect_eq(tu_daemon_signal_wait(&tu_mond, SIGTERM), 0);
}

Test(http, sigint_exits_zero)
{
	start("debug", 1000000, 7, 5);
	cr_expect_eq(tu_daemon_signal_wait(&tu_mond, SIGINT), 0);
}

Test(http, a_failed_reload_keeps_the_daemon_serving)
{
	char *resp, *err;
	int i;

	start("debug", 1000000, 7, 5);
	tu_write_file(tu_conf, "http { nonsense = \n");
	cr_assert_eq(kill(tu_mond.pid, SIGHUP), 0);
	for (i = 0; i < 200; i++) {
		err = tu_daemon_stderr(&tu_mond);
		if (strstr(err, "reload failed") != NULL)
			break;
		free(err);
		err = NULL;
		usleep(10000);
	}
	cr_assert_not_null(err, "no reload message");
	free(err);
	resp = get(GET_HOME);
	cr_expect_eq(tu_http_status(resp), 200, "%s", resp);
	free(resp);
	cr_expect_eq(tu_daemon_signal_wait(&tu_mond, SIGTERM), 0);
}

Test(http, many_hits_roll_mon_log_over_and_lose_no_line)
{
	enum { HITS = 120, BACKUPS = 50 };
	int i, total = 0, files = 0;

	start("debug", 1000, BACKUPS, 5);
	for (i = 0; i < HITS; i++) {
		char *resp = get(GET_HOME);

		cr_assert_eq(tu_http_status(resp), 200, "hit %d: %s", i, resp);
		free(resp);
	}
	for (i = 0; i <= BACKUPS; i++) {
		char *p;
		struct stat st;

		if (i == 0)
			p = strdup(log_path);
		else
			cr_assert(asprintf(&p, "%s.%d", log_path, i) != -1);
		if (stat(p, &st) == 0) {
			files++;
			cr_expect_lt(st.st_size, 1000, "%s: %lld bytes", p,
			    (long long)st.st_size);
			total += tu_count_lines(p, "Home page accessed at INFO");
		}
		free(p);
	}
	cr_expect_gt(files, 10, "rolled over into %d files only", files);
	cr_expect_eq(total, HITS, "INFO lines across mon.log*: %d", total);
}

Test(http, head_on_an_unknown_path_is_404_without_a_body)
{
	char *resp;

	start("debug", 1000000, 7, 5);
	resp = get("HEAD /nope HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
	cr_expect_eq(tu_http_status(resp), 404, "%s", resp);
	cr_expect_str_eq(tu_http_body(resp), "");
	free(resp);
}

Test(http, an_applog_that_cannot_open_stops_the_start_with_exit_1)
{
	char *blocker = tu_path(tu_dir, "mon");
	const char *argv[] = { "-c", tu_conf, NULL };
	struct tu_run r;

	tu_write_file(blocker, "a file where the directory should be\n");
	write_conf("debug", 1000000, 7, 5);
	r = tu_run_mond(argv);
	cr_expect_eq(r.status, 1, "status %d: %s", r.status, r.err);
	cr_expect_not_null(strstr(r.err, log_path), "%s", r.err);
	cr_expect_not_null(strstr(r.err, strerror(ENOTDIR)), "%s", r.err);
	cr_expect_null(strstr(r.err, "listening on"), "%s", r.err);
	tu_run_free(&r);
	free(blocker);
}

/* As root, a symlink at mon.log must not turn GET / into a write there. */
Test(http, a_symlink_planted_at_mon_log_is_refused_and_get_still_works)
{
	char *victim = tu_path(tu_dir, "victim");
	char *moved = tu_path(tu_dir, "moved");
	char *resp, *err, *text;
	bool ok;

	start("debug", 1000000, 7, 5);
	free(get(GET_HOME));
	tu_write_file(victim, "precious\n");
	cr_assert_eq(rename(log_path, moved), 0);
	cr_assert_eq(symlink(victim, log_path), 0);
	usleep(1100 * 1000);
	resp = get(GET_HOME);
	cr_assert_eq(tu_http_status(resp), 200, "%s", resp);
	cr_assert_str_eq(tu_http_body(resp), "Stage Seven!");
	free(resp);
	text = tu_read_file(victim, NULL);
	cr_assert_str_eq(text, "precious\n");
	free(text);
	/* relayed from the front's stderr, which may lag under load */
	ok = tu_daemon_wait_stderr(&tu_mond, "is a symbolic link, refused", 1,
	    5.0);
	err = tu_daemon_stderr(&tu_mond);
	cr_assert(ok, "%s", err);
	free(err);
	free(moved);
	free(victim);
}

Test(http, a_missing_config_stops_the_start_with_exit_1)
{
	const char *argv[] = { "-c", "/nonexistent/mond.conf", NULL };
	struct tu_run r = tu_run_mond(argv);

	cr_expect_eq(r.status, 1, "status %d: %s", r.status, r.err);
	tu_run_free(&r);
}

/* The port of the last "listening on" line the daemon wrote, or 0. */
static int
last_listening_port(void)
{
	char *err = tu_daemon_stderr(&tu_mond), *p, *last = NULL;
	int port = 0;

	for (p = err; (p = strstr(p, "listening on http://")) != NULL; p++)
		last = p;
	if (last != NULL) {
		char *slash = strchr(last + strlen("listening on http://"), '/');

		while (slash != NULL && slash > last && slash[-1] != ':')
			slash--;
		port = slash != NULL ? atoi(slash) : 0;
	}
	free(err);
	return port;
}

Test(http, a_reload_applies_a_new_applog_level)
{
	char *resp, *err = NULL;
	int i;

	start("debug", 1000000, 7, 5);
	write_conf("info", 1000000, 7, 5);
	cr_assert_eq(kill(tu_mond.pid, SIGHUP), 0);
	for (i = 0; i < 200 && err == NULL; i++) {
		err = tu_daemon_stderr(&tu_mond);
		if (strstr(err, "configuration reloaded") == NULL) {
			free(err);
			err = NULL;
			usleep(10000);
		}
	}
	cr_assert_not_null(err, "no reload");
	free(err);
	/* The listener restarts with the applog: port 0 picks a new port. */
	tu_mond.port = last_listening_port();
	resp = get(GET_HOME);
	cr_assert_eq(tu_http_status(resp), 200, "%s", resp);
	free(resp);
	cr_expect_eq(tu_count_lines(log_path, "Home page accessed at DEBUG"), 0);
	cr_expect_eq(tu_count_lines(log_path, "Home page accessed at INFO"), 1);
	/* Exit 0 also says ASan found no leak of the swapped config. */
	cr_expect_eq(tu_daemon_signal_wait(&tu_mond, SIGTERM), 0);
}

/*
 * A flood of GET / rolls mon.log over many times: mond's own lines, in
 * their own file, are all still there (they used to share mon.log and go
 * with its oldest backup).
 */
Test(http, a_flood_of_hits_cannot_roll_mond_s_own_lines_away)
{
	char *log = tu_path(tu_dir, "a.log"), *stanza;
	struct tu_conf c = { .mon_log = log_path,
	    .applog = "    maxbytes = 1000\n    backups = 1\n" };
	int i;

	cr_assert(asprintf(&stanza, "log \"%s\" {\n size = 1\n rotate = 1\n}\n",
	    log) != -1);
	tu_write_file(log, "x\n");
	tu_mond_conf(stanza, &c);
	tu_mond_start(NULL);
	cr_assert(tu_daemon_wait_stderr(&tu_mond, "rotated ", 1, 5.0));
	for (i = 0; i < 200; i++)
		free(get(GET_HOME));
	cr_assert_lt(tu_count_lines(log_path, "Home page"), 200,
	    "mon.log did not roll over: the flood proved nothing");
	cr_assert_eq(tu_count_lines(tu_messages, "INFO - rotated "), 1,
	    "mond's rotation line went with mon.log's backups");
	cr_assert_eq(tu_count_lines(tu_messages, "INFO - web front started"),
	    1, "mond's start line went with mon.log's backups");
	free(stanza);
	free(log);
}
