/*
 * test_notify.c: what the real daemon tells systemd. The test binds the
 * datagram socket systemd would ($NOTIFY_SOCKET, inherited by the daemon)
 * and reads what arrives: READY=1 only once mond listens, RELOADING=1 and
 * READY=1 around each SIGHUP (a broken config included), a STATUS= line,
 * STOPPING=1, and with $WATCHDOG_USEC, WATCHDOG=1 at half the period while
 * the worker is alive and none while it is stuck ($MOND_STUCK_SECS=1,
 * a postrotate script that sleeps).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>
#include <unistd.h>

#include "tests/testutil.h"

static int notify_fd = -1;

/* tu_mond_init, and the notify socket the daemon will inherit the name of. */
static void
notify_init(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	tu_mond_init();
	notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	cr_assert_neq(notify_fd, -1, "socket: %s", strerror(errno));
	cr_assert_lt((size_t)snprintf(sun.sun_path, sizeof(sun.sun_path),
	    "%s/notify", tu_dir), sizeof(sun.sun_path));
	cr_assert_eq(bind(notify_fd, (struct sockaddr *)&sun, sizeof(sun)), 0,
	    "bind %s: %s", sun.sun_path, strerror(errno));
	cr_assert_eq(setenv("NOTIFY_SOCKET", sun.sun_path, 1), 0);
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
}

static void
notify_fini(void)
{
	if (notify_fd != -1)
		close(notify_fd);
	tu_fini();
}

TestSuite(notify, .init = notify_init, .fini = notify_fini, .timeout = 120);

/*
 * The next datagram within SECS, NUL-terminated in BUF; false when none
 * came.
 */
static bool
next_message(char *buf, size_t size, double secs)
{
	struct pollfd pfd = { .fd = notify_fd, .events = POLLIN };
	ssize_t n;
	int rc;

	rc = poll(&pfd, 1, (int)(secs * 1000));
	cr_assert_neq(rc, -1, "poll: %s", strerror(errno));
	if (rc == 0)
		return false;
	n = recv(notify_fd, buf, size - 1, 0);
	cr_assert_geq(n, 0, "recv: %s", strerror(errno));
	buf[n] = '\0';
	return true;
}

/* Reads until a message equal to WANT (or starting with it, PREFIX). */
static bool
wait_message(const char *want, bool prefix, double secs, char *got,
    size_t size)
{
	double end = tu_now() + secs;
	char buf[1024];

	while (tu_now() < end) {
		if (!next_message(buf, sizeof(buf), end - tu_now()))
			return false;
		if (prefix ? strncmp(buf, want, strlen(want)) == 0 :
		    strcmp(buf, want) == 0) {
			if (got != NULL)
				snprintf(got, size, "%s", buf);
			return true;
		}
	}
	return false;
}

/* The WATCHDOG=1 datagrams within SECS (other messages are passed over). */
static int
count_pings(double secs)
{
	double end = tu_now() + secs;
	char buf[1024];
	int n = 0;

	while (tu_now() < end && next_message(buf, sizeof(buf), end - tu_now()))
		if (strcmp(buf, "WATCHDOG=1") == 0)
			n++;
	return n;
}

Test(notify, ready_once_it_listens_and_stopping_at_the_end)
{
	char *resp;

	tu_mond_conf(NULL, NULL);
	tu_mond_start(NULL);
	cr_assert(wait_message("READY=1", false, 10, NULL, 0),
	    "no READY=1 from the daemon");
	/* Ready means both sockets answer now. */
	resp = tu_http_raw(tu_mond.port, "GET / HTTP/1.0\r\n\r\n", 2000);
	cr_assert_not_null(resp);
	cr_assert_str_eq(tu_http_body(resp), "Stage Seven!");
	free(resp);
	resp = tu_unix_http(tu_sock, "GET /status.json HTTP/1.0\r\n\r\n", 2000);
	cr_assert_not_null(resp);
	cr_assert_eq(tu_http_status(resp), 200);
	free(resp);
	cr_assert_eq(tu_daemon_signal_wait(&tu_mond, SIGTERM), 0);
	cr_assert(wait_message("STOPPING=1", false, 2, NULL, 0));
}

Test(notify, no_ready_when_the_front_cannot_listen)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
	    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sin);
	struct tu_conf c = { 0 };
	char http[64], buf[1024];
	int busy;

	/* The port mond is told to take is held by this test. */
	busy = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	cr_assert_neq(busy, -1);
	cr_assert_eq(bind(busy, (struct sockaddr *)&sin, sizeof(sin)), 0);
	cr_assert_eq(listen(busy, 1), 0);
	cr_assert_eq(getsockname(busy, (struct sockaddr *)&sin, &len), 0);
	snprintf(http, sizeof(http), "    port = %d\n", ntohs(sin.sin_port));
	c.http = http;
	tu_mond_conf(NULL, &c);
	cr_assert_eq(tu_daemon_start(&tu_mond, tu_conf, NULL), -1,
	    "mond started on a port in use");
	cr_assert(tu_daemon_wait_stderr(&tu_mond, "in use", 1, 5),
	    "mond did not say why it stopped:\n%s", tu_daemon_stderr(&tu_mond));
	while (next_message(buf, sizeof(buf), 1))
		cr_assert_str_neq(buf, "READY=1",
		    "READY=1 from a mond that could not listen");
	close(busy);
}

Test(notify, reloading_and_ready_around_each_sighup_a_broken_one_too)
{
	char got[1024];

	tu_mond_conf(NULL, NULL);
	tu_mond_start(NULL);
	cr_assert(wait_message("READY=1", false, 10, NULL, 0));
	cr_assert_eq(kill(tu_mond.pid, SIGHUP), 0);
	cr_assert(wait_message("RELOADING=1", false, 5, NULL, 0));
	cr_assert(next_message(got, sizeof(got), 5));
	cr_assert_str_eq(got, "READY=1");
	cr_assert(tu_daemon_wait_stderr(&tu_mond, "configuration reloaded", 1,
	    5));
	tu_write_file(tu_conf, "statefile = \"unterminated\n");
	cr_assert_eq(kill(tu_mond.pid, SIGHUP), 0);
	cr_assert(wait_message("RELOADING=1", false, 5, NULL, 0));
	cr_assert(next_message(got, sizeof(got), 5));
	cr_assert_str_eq(got, "READY=1");
	cr_assert(tu_daemon_wait_stderr(&tu_mond, "keeping the running", 1, 5));
	cr_assert_eq(kill(tu_mond.pid, 0), 0, "mond died of a broken reload");
}

Test(notify, status_names_the_logs_and_the_last_rotation)
{
	char got[1024], *stanza, *log = tu_path(tu_dir, "app.log");

	cr_assert(asprintf(&stanza, "log \"%s\" {\n  size = 1M\n}\n", log)
	    != -1);
	tu_write_file(log, "a line\n");
	tu_mond_conf(stanza, NULL);
	tu_mond_start(NULL);
	cr_assert(wait_message("STATUS=1 log; no rotation yet; 0 failing",
	    false, 10, NULL, 0), "no first STATUS=");
	cr_assert_eq(kill(tu_mond.pid, SIGUSR1), 0);	/* force-rotate */
	cr_assert(wait_message("STATUS=1 log; last rotation ", true, 10, got,
	    sizeof(got)), "no STATUS= after the rotation");
	cr_assert(strstr(got, log) != NULL, "%s", got);
	cr_assert(strstr(got, "; 0 failing") != NULL, "%s", got);
	free(stanza);
	free(log);
}

/*
 * Pings at half of WATCHDOG_USEC while the worker is alive; none once one
 * job has run past $MOND_STUCK_SECS (here a postrotate sleeping 6 s with
 * the bound at 1 s); pings again once it is done.
 */
Test(notify, watchdog_pings_while_the_worker_lives_and_stops_when_stuck)
{
	char *stanza, *log = tu_path(tu_dir, "app.log");
	int healthy, stuck, again;

	cr_assert(asprintf(&stanza, "log \"%s\" {\n  size = 1M\n"
	    "  postrotate = \"sleep 6\"\n}\n", log) != -1);
	tu_write_file(log, "a line\n");
	tu_mond_conf(stanza, NULL);
	cr_assert_eq(setenv("WATCHDOG_USEC", "400000", 1), 0);
	cr_assert_eq(setenv("MOND_STUCK_SECS", "1", 1), 0);
	tu_mond_start(NULL);
	cr_assert(wait_message("READY=1", false, 10, NULL, 0));
	healthy = count_pings(1.0);
	/* 200 ms apart: five in a second, give or take a scheduling slip */
	cr_assert_geq(healthy, 3, "%d pings in 1 s while healthy", healthy);
	cr_assert_leq(healthy, 7, "%d pings in 1 s at a 200 ms period",
	    healthy);
	cr_assert_eq(kill(tu_mond.pid, SIGUSR1), 0);
	/* the job runs from now; past 1 s it is stuck, until 6 s */
	cr_assert(tu_daemon_wait_stderr(&tu_mond, "worker is stuck", 1, 4),
	    "no word of the stuck worker:\n%s", tu_daemon_stderr(&tu_mond));
	/* what was queued before it was stuck is read first */
	while (count_pings(0.05) > 0)
		;
	stuck = count_pings(2.0);
	cr_assert_eq(stuck, 0, "%d pings while the worker was stuck", stuck);
	cr_assert(tu_daemon_wait_stderr(&tu_mond, "worker answers again", 1,
	    8), "the pings never came back:\n%s", tu_daemon_stderr(&tu_mond));
	again = count_pings(1.0);
	cr_assert_geq(again, 3, "%d pings in 1 s once the job ended", again);
	free(stanza);
	free(log);
}
