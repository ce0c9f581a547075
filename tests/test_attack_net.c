/*
 * test_attack_net.c: nobody gets in over a socket. The real mond daemon
 * against a non-root peer on its control socket, and against what any
 * client can do to the TCP front: every method on every path, over a
 * thousand idle connections, its own fd limit, slow-header clients and
 * oversized headers, while GET / keeps answering within 100 ms. Each
 * test has its own directory, state, socket and port.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/testutil.h"

static int http_timeout = 3;	/* the front's idle/slow client timeout */
static int max_clients = 512;	/* the front's cap, as by default */

TestSuite(attack_net, .init = tu_mond_init, .fini = tu_fini, .timeout = 240);

/* The test's config: STANZAS, the front timing out after HTTP_TIMEOUT. */
static void
write_conf(const char *stanzas)
{
	char http[96];
	struct tu_conf c = { .http = http };

	snprintf(http, sizeof(http), "    timeout = %d\n    max_clients = %d\n",
	    http_timeout, max_clients);
	tu_mond_conf(stanzas, &c);
}

/* ---------------------------------------------------------------------- */
/* The control socket                                                     */

Test(attack_net, a_non_root_peer_cannot_force_a_rotation_through_the_socket)
{
	char *log = tu_path(tu_dir, "a.log"), *rot = tu_path(tu_dir, "a.log.1");
	char *stanza;
	int status;
	pid_t pid;

	tu_need_root("setuid to nobody");
	tu_write_file(log, "x\n");
	cr_assert(asprintf(&stanza, "log \"%s\" {\n size = 1G\n rotate = 1\n}\n",
	    log) != -1);
	write_conf(stanza);
	tu_mond_start(NULL);
	cr_assert_eq(chmod(tu_dir, 0755), 0);
	/* Open the socket's mode on purpose: only SO_PEERCRED stands. */
	cr_assert_eq(chmod(tu_sock, 0666), 0);
	if ((pid = fork()) == 0) {
		char *resp;

		if (setgroups(0, NULL) == -1 || setgid(65534) == -1 ||
		    setuid(65534) == -1)
			_exit(10);
		resp = tu_unix_http(tu_sock, "POST /rotate HTTP/1.0\r\n"
		    "Content-Length: 0\r\n\r\n", 5000);
		if (resp == NULL)
			_exit(errno == EACCES ? 0 : 12);
		_exit(resp[0] == '\0' || tu_http_status(resp) == 403 ? 0 : 13);
	}
	cr_assert_gt(pid, 0);
	waitpid(pid, &status, 0);
	cr_assert_eq(WEXITSTATUS(status), 0, "child %d", WEXITSTATUS(status));
	usleep(300000);
	cr_assert(!tu_exists(rot), "nobody forced a rotation");
	/* And root can, so the test's request was a real one. */
	{
		char *resp = tu_unix_http(tu_sock, "POST /rotate HTTP/1.0\r\n"
		    "Content-Length: 0\r\n\r\n", 5000);

		cr_assert_not_null(resp);
		free(resp);
		cr_assert_geq(tu_wait_for(rot, 5.0), 0,
		    "root's request did not rotate");
	}
	free(stanza);
	free(rot);
	free(log);
}

/* ---------------------------------------------------------------------- */
/* The TCP front                                                          */

/* GET / answered with 200 "Stage Seven!"; returns the seconds it took. */
static double
get_home(int port)
{
	double t0 = tu_now(), dt;
	char *resp = tu_http_raw(port, "GET / HTTP/1.0\r\n\r\n", 5000);

	dt = tu_now() - t0;
	cr_assert_not_null(resp, "GET / could not connect");
	cr_assert_eq(tu_http_status(resp), 200, "GET /: %s", resp);
	cr_assert_str_eq(tu_http_body(resp), "Stage Seven!");
	free(resp);
	return dt;
}

static void
front_conf(const char *log)
{
	char *stanza;

	cr_assert(asprintf(&stanza, "log \"%s\" {\n size = 1G\n rotate = 1\n}\n",
	    log) != -1);
	write_conf(stanza);
	free(stanza);
}

Test(attack_net, no_tcp_route_changes_anything)
{
	static const char *const paths[] = { "/", "/status", "/status.json",
	    "/metrics", "/healthz", "/rotate", "/rotate?log=*", "/reload",
	    "/stop", "/state", "/config" };
	static const char *const methods[] = { "POST", "PUT", "DELETE",
	    "PATCH" };
	char *log = tu_path(tu_dir, "a.log"), *rot = tu_path(tu_dir, "a.log.1");
	size_t p, m;

	tu_write_file(log, "x\n");
	front_conf(log);
	tu_mond_start(NULL);
	for (p = 0; p < sizeof(paths) / sizeof(paths[0]); p++)
		for (m = 0; m < 4; m++) {
			char *req, *resp;
			int code;

			cr_assert(asprintf(&req, "%s %s HTTP/1.0\r\n"
			    "Content-Length: 0\r\n\r\n", methods[m],
			    paths[p]) != -1);
			resp = tu_http_raw(tu_mond.port, req, 3000);
			cr_assert_not_null(resp);
			code = tu_http_status(resp);
			cr_assert(code >= 400 && code < 500, "%s %s -> %d",
			    methods[m], paths[p], code);
			free(resp);
			free(req);
		}
	usleep(300000);
	cr_assert(!tu_exists(rot), "a TCP request rotated the log");
	free(rot);
	free(log);
}

/* N non-blocking connections to PORT, left idle; their fds in FDS. */
static int
open_idle(int port, int *fds, int n)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int i, opened = 0;

	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (i = 0; i < n; i++) {
		fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		cr_assert_neq(fds[i], -1, "socket %d: %s", i, strerror(errno));
		if (connect(fds[i], (struct sockaddr *)&sin, sizeof(sin)) == 0 ||
		    errno == EINPROGRESS)
			opened++;
		/* Past the listen backlog the kernel drops them: pace. */
		if (i % 50 == 49)
			usleep(20000);
	}
	return opened;
}

/*
 * Waits until every one of FDS finished connecting (the kernel queues
 * SYNs past the listen backlog and retries them after a second).
 */
static void
wait_connected(int *fds, int n, double secs)
{
	double t0 = tu_now();
	int i = 0;

	while (i < n) {
		struct pollfd pfd = { .fd = fds[i], .events = POLLOUT };
		int err = 0;
		socklen_t len = sizeof(err);

		cr_assert_lt(tu_now() - t0, secs, "only %d of %d connected",
		    i, n);
		if (poll(&pfd, 1, 100) == 1) {
			cr_assert_eq(getsockopt(fds[i], SOL_SOCKET, SO_ERROR, &err,
			    &len), 0);
			cr_assert_eq(err, 0, "connection %d: %s", i, strerror(err));
			i++;
		}
	}
	usleep(300000);	/* and the daemon accepted what it could */
}

static void
close_all(int *fds, int n)
{
	int i;

	for (i = 0; i < n; i++)
		close(fds[i]);
}

static void
raise_nofile(rlim_t want)
{
	struct rlimit rl;

	cr_assert_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	if (rl.rlim_cur >= want)
		return;
	rl.rlim_cur = want < rl.rlim_max ? want : rl.rlim_max;
	if (rl.rlim_cur < want && geteuid() == 0)
		rl.rlim_cur = rl.rlim_max = want;
	cr_assert_eq(setrlimit(RLIMIT_NOFILE, &rl), 0, "%s", strerror(errno));
}

Test(attack_net, over_a_thousand_idle_connections_leave_get_home_fast)
{
	char *log = tu_path(tu_dir, "a.log");
	int fds[1100], i;
	double worst = 0;

	struct rlimit rl;

	/*
	 * The daemon starts with the usual soft limit of 1024 (systemd's
	 * default), below what 1100 clients and its own files need: it must
	 * raise it itself.
	 */
	cr_assert_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	if (rl.rlim_max < 1300)
		cr_skip_test("hard fd limit %lu < 1300", (unsigned long)rl.rlim_max);
	rl.rlim_cur = 1024;
	cr_assert_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
	http_timeout = 60;	/* idle ones stay for the whole test */
	max_clients = 1200;	/* all of them admitted */
	tu_write_file(log, "x\n");
	front_conf(log);
	tu_mond_start(NULL);
	raise_nofile(1300);
	cr_assert_eq(open_idle(tu_mond.port, fds, 1100), 1100);
	wait_connected(fds, 1100, 8.0);
	usleep(500000);
	for (i = 0; i < 10; i++) {
		double dt = get_home(tu_mond.port);

		if (dt > worst)
			worst = dt;
	}
	cr_assert_lt(worst, 0.1, "GET / took %.3f s beside 1100 idle "
	    "connections", worst);
	close_all(fds, 1100);
	free(log);
}

/* Lines of the daemon's stderr. */
static int
stderr_lines(void)
{
	char *err = tu_daemon_stderr(&tu_mond), *p;
	int n = 0;

	for (p = err; *p != '\0'; p++)
		n += *p == '\n';
	free(err);
	return n;
}

static double
cpu_seconds(pid_t pid)
{
	char path[64], *text, *p;
	unsigned long ut = 0, stt = 0;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	text = tu_read_file(path, NULL);
	cr_assert_not_null(text);
	/* Fields after the ")" of comm: utime is the 12th, stime the 13th. */
	p = strrchr(text, ')');
	cr_assert_not_null(p);
	for (i = 0; i < 12 && p != NULL; i++)
		p = strchr(p + 1, ' ');
	cr_assert_not_null(p);
	sscanf(p + 1, "%lu %lu", &ut, &stt);
	free(text);
	return (double)(ut + stt) / (double)sysconf(_SC_CLK_TCK);
}

Test(attack_net, the_daemon_at_its_fd_limit_neither_spins_nor_floods_and_recovers)
{
	char *log = tu_path(tu_dir, "a.log");
	struct rlimit low = { 48, 48 };
	int fds[400], lines0, lines1;
	double cpu0, cpu1, t0, dt = 0;
	char *resp = NULL;

	raise_nofile(600);
	tu_write_file(log, "x\n");
	front_conf(log);
	tu_mond_start(NULL);
	/* Whatever the daemon raised at start, its hard limit is now low. */
	cr_assert_eq(prlimit(tu_mond.pid, RLIMIT_NOFILE, &low, NULL), 0,
	    "prlimit: %s", strerror(errno));
	lines0 = stderr_lines();
	cpu0 = cpu_seconds(tu_mond.pid);
	open_idle(tu_mond.port, fds, 400);
	sleep(2);
	cpu1 = cpu_seconds(tu_mond.pid);
	lines1 = stderr_lines();
	cr_assert_lt(lines1 - lines0, 100, "stderr grew by %d lines at the fd "
	    "limit", lines1 - lines0);
	cr_assert_lt(cpu1 - cpu0, 1.0, "the daemon spun %.2f s of CPU in 2 s "
	    "at its fd limit", cpu1 - cpu0);
	close_all(fds, 400);
	/* Once they are gone, the front answers again. */
	t0 = tu_now();
	while (tu_now() - t0 < 5) {
		resp = tu_http_raw(tu_mond.port, "GET / HTTP/1.0\r\n\r\n",
		    1000);
		if (resp != NULL && tu_http_status(resp) == 200)
			break;
		free(resp);
		resp = NULL;
		usleep(50000);
	}
	dt = tu_now() - t0;
	cr_assert_not_null(resp, "GET / never answered again after the fd "
	    "limit");
	free(resp);
	cr_assert_lt(dt, 3.0, "%.2f s to answer again", dt);
	cr_assert_lt(get_home(tu_mond.port), 0.1);
	free(log);
}

/* Sends one byte a second on each slow client while GET / is timed. */
Test(attack_net, slow_header_clients_do_not_slow_get_home)
{
	char *log = tu_path(tu_dir, "a.log");
	static const char head[] = "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ";
	int fds[50], i, sec, n;
	double worst = 0;

	raise_nofile(300);
	tu_write_file(log, "x\n");
	front_conf(log);
	tu_mond_start(NULL);
	n = open_idle(tu_mond.port, fds, 50);
	cr_assert_eq(n, 50);
	usleep(200000);
	for (sec = 0; sec < 5; sec++) {
		for (i = 0; i < 50; i++)
			(void)!send(fds[i], &head[sec % (sizeof(head) - 1)], 1,
			    MSG_NOSIGNAL);
		for (i = 0; i < 5; i++) {
			double dt = get_home(tu_mond.port);

			if (dt > worst)
				worst = dt;
			usleep(150000);
		}
		usleep(200000);
	}
	cr_assert_lt(worst, 0.1, "GET / took %.3f s beside slow clients",
	    worst);
	close_all(fds, 50);
	free(log);
}

Test(attack_net, oversized_headers_are_refused_and_the_front_keeps_serving)
{
	char *log = tu_path(tu_dir, "a.log"), *req, *resp;
	size_t big = 64 * 1024, i;
	int code;

	tu_write_file(log, "x\n");
	front_conf(log);
	tu_mond_start(NULL);
	/* One huge header line, then many header lines, then no CRLF at all. */
	for (i = 0; i < 3; i++) {
		char *fill = malloc(big + 1);
		size_t j;

		cr_assert_not_null(fill);
		for (j = 0; j < big; j++)
			fill[j] = i == 1 && j % 40 == 39 ? '\n' : 'a';
		if (i == 1)
			for (j = 39; j < big; j += 40)
				fill[j - 1] = '\r', fill[j - 20] = ':';
		fill[big] = '\0';
		cr_assert(asprintf(&req, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: %s%s",
		    fill, i == 2 ? "" : "\r\n\r\n") != -1);
		resp = tu_http_raw(tu_mond.port, req, 3000);
		cr_assert_not_null(resp);
		code = tu_http_status(resp);
		cr_assert(resp[0] == '\0' || (code >= 400 && code < 500),
		    "case %zu: a %zu-byte header got %d", i, big, code);
		cr_assert_lt(get_home(tu_mond.port), 0.1);
		free(resp);
		free(req);
		free(fill);
	}
	free(log);
}


/*
 * A client trickling its headers a byte a second is closed once the
 * front's timeout has passed since it connected, not kept forever: a byte
 * does not restart the clock, a whole request does.
 */
Test(attack_net, a_slow_header_client_is_closed_after_the_timeout)
{
	char *log = tu_path(tu_dir, "a.log");
	static const char head[] = "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: "
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
	int fd, i;
	double t0;
	bool closed = false;

	http_timeout = 2;
	tu_write_file(log, "x\n");
	front_conf(log);
	tu_mond_start(NULL);
	cr_assert_eq(open_idle(tu_mond.port, &fd, 1), 1);
	wait_connected(&fd, 1, 3.0);
	t0 = tu_now();
	for (i = 0; i < (int)sizeof(head) - 1 && tu_now() - t0 < 10; i++) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		char c;

		if (send(fd, &head[i], 1, MSG_NOSIGNAL) == -1 ||
		    (poll(&pfd, 1, 1000) == 1 && recv(fd, &c, 1, 0) <= 0)) {
			closed = true;
			break;
		}
	}
	close(fd);
	cr_assert(closed, "a byte a second kept the connection %.0f s past a "
	    "%d s timeout", tu_now() - t0, http_timeout);
	cr_assert_lt(tu_now() - t0, 2.0 * http_timeout + 1.0,
	    "closed only after %.1f s", tu_now() - t0);
	free(log);
}
