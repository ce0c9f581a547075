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
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
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

/*
 * After requests that must not have rotated LOG (which held WRITTEN
 * before them): a line appended, then root's forced rotation, queued
 * behind anything those requests queued and answered once done. ROT then
 * holds WRITTEN and the line only if root's was the one rotation; an
 * earlier one would have left ROT the line alone (rotate = 1, no create).
 * A sleep and !exists(ROT) would pass a daemon that had not got round to
 * it yet.
 */
static void
rotated_once_by_root(const char *log, const char *rot, const char *written,
    const char *why)
{
	static const char after[] = "appended after the requests\n";
	char *resp, *want;
	FILE *fp;

	cr_assert_not_null(fp = fopen(log, "a"), "%s", strerror(errno));
	cr_assert_geq(fputs(after, fp), 0);
	cr_assert_eq(fclose(fp), 0);
	resp = tu_unix_http(tu_sock, "POST /rotate HTTP/1.0\r\n"
	    "Content-Length: 0\r\n\r\n", 5000);
	cr_assert_not_null(resp);
	cr_assert_eq(tu_http_status(resp), 200, "%s", resp);
	free(resp);
	cr_assert_geq(tu_wait_for(rot, 5.0), 0, "root's request did not "
	    "rotate");
	cr_assert(asprintf(&want, "%s%s", written, after) != -1);
	cr_assert(tu_file_is(rot, want), "%s", why);
	free(want);
}

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
	/* And root can, so the test's request was a real one. */
	rotated_once_by_root(log, rot, "x\n", "nobody forced a rotation");
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
	rotated_once_by_root(log, rot, "x\n", "a TCP request rotated the log");
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

Test(attack_net, the_front_full_of_clients_neither_spins_nor_floods_and_recovers)
{
	char *log = tu_path(tu_dir, "a.log");
	int fds[400], lines0, lines1;
	double cpu0, cpu1, t0, dt = 0;
	char *resp = NULL;
	pid_t front;

	raise_nofile(600);
	/* Its descriptors capped at 16 + 32: 400 clients find it full. */
	max_clients = 16;
	tu_write_file(log, "x\n");
	front_conf(log);
	tu_mond_start(NULL);
	front = tu_front_pid(&tu_mond, 1);
	lines0 = stderr_lines();
	cpu0 = cpu_seconds(front);
	open_idle(tu_mond.port, fds, 400);
	sleep(2);
	cpu1 = cpu_seconds(front);
	lines1 = stderr_lines();
	cr_assert_lt(lines1 - lines0, 100, "stderr grew by %d lines at the fd "
	    "limit", lines1 - lines0);
	cr_assert_lt(cpu1 - cpu0, 1.0, "the front spun %.2f s of CPU in 2 s "
	    "when full", cpu1 - cpu0);
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

/* ---------------------------------------------------------------------- */
/* Findings of the review: each attack that used to stop rotation          */

/*
 * The review's attack: the descriptor limit lowered to a few more than
 * the daemon holds, then hundreds of cheap TCP connections. They used to
 * take every descriptor of the one process, and a log due then was
 * reported missing. The connections now cost the front alone, which
 * turns away those past max_clients with 503; the log rotates.
 */
Test(attack_net, a_connection_flood_at_a_low_fd_limit_cannot_stop_a_rotation)
{
	char *log = tu_path(tu_dir, "a.log"), *rot = tu_path(tu_dir, "a.log.1");
	char *stanza, *resp;
	struct rlimit low;
	int fds[400], i;

	tu_need_root("lowering the daemon's hard fd limit, then raising it");
	raise_nofile(600);
	cr_assert(asprintf(&stanza, "log \"%s\" {\n size = 1k\n rotate = 1\n}\n",
	    log) != -1);
	max_clients = 100;
	write_conf(stanza);
	tu_write_file(log, "x\n");
	tu_mond_start(NULL);
	low.rlim_cur = low.rlim_max = (rlim_t)tu_open_fds(tu_mond.pid) + 16;
	cr_assert_eq(prlimit(tu_mond.pid, RLIMIT_NOFILE, &low, NULL), 0,
	    "prlimit: %s", strerror(errno));
	cr_assert_eq(open_idle(tu_mond.port, fds, 400), 400);
	wait_connected(fds, 400, 8.0);
	resp = tu_http_raw(tu_mond.port, "GET / HTTP/1.0\r\n\r\n", 3000);
	cr_assert_eq(tu_http_status(resp), 503, "past max_clients: %s", resp);
	free(resp);
	tu_append(log, 4000);
	cr_assert_geq(tu_wait_for(rot, 3.0), 0, "no rotation under the "
	    "flood:\n%s", tu_daemon_stderr(&tu_mond));
	cr_assert_not(tu_daemon_wait_stderr(&tu_mond, "does not exist", 1,
	    0.0), "%s", tu_daemon_stderr(&tu_mond));
	close_all(fds, 400);
	for (i = 0; i < 50; i++) {
		resp = tu_http_raw(tu_mond.port, "GET / HTTP/1.0\r\n\r\n", 3000);
		if (tu_http_status(resp) == 200)
			break;
		free(resp);
		resp = NULL;
		usleep(100000);
	}
	cr_assert_not_null(resp, "the front did not recover after the flood");
	free(resp);
	free(stanza);
	free(rot);
	free(log);
}

/*
 * A reader that takes 4 KiB every 100 ms of 16 pipelined /status.json
 * pages of 3000 logs (more than the kernel queues) keeps the queue
 * draining: it used to keep its connection for ever. The front lets go
 * of it (its descriptor count falls back) at the deadline, six timeouts
 * after it connected.
 */
Test(attack_net, a_slow_but_steady_reader_is_cut_at_the_deadline)
{
	enum { REQUESTS = 16, LOGS = 3000 };
	struct sockaddr_in sin = { .sin_family = AF_INET };
	static const char req[] = "GET /status.json HTTP/1.1\r\nHost: x\r\n\r\n";
	char buf[4096], *all, *stanzas;
	int fd, small = 4096, before;
	size_t i, len = sizeof(req) - 1, size = LOGS * 96 + 1, used = 0;
	double t0, lived = 0;
	ssize_t n;
	pid_t front;

	cr_assert_not_null(stanzas = malloc(size));
	for (i = 0; i < LOGS; i++)
		used += (size_t)snprintf(stanzas + used, size - used,
		    "log \"%s/m%zu.log\" {\n missingok = yes\n}\n", tu_dir, i);
	http_timeout = 2;
	write_conf(stanzas);
	free(stanzas);
	tu_mond_start(NULL);
	/* The pages are big once the first pass has listed every log. */
	t0 = tu_now();
	for (;;) {
		char *page = tu_http_raw(tu_mond.port,
		    "GET /status.json HTTP/1.0\r\n\r\n", 5000);
		bool big = page != NULL && strlen(page) > LOGS * 150;

		free(page);
		if (big)
			break;
		cr_assert_lt(tu_now() - t0, 30.0, "/status.json never listed "
		    "the %d logs", LOGS);
		usleep(200000);
	}
	front = tu_front_pid(&tu_mond, 1);
	/* Once the probes above have let go (they linger a moment). */
	for (before = -1; before != tu_open_fds(front); usleep(200000))
		before = tu_open_fds(front);
	cr_assert((all = malloc(len * REQUESTS)) != NULL);
	for (i = 0; i < REQUESTS; i++)
		memcpy(all + i * len, req, len);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert_neq(fd, -1);
	cr_assert_eq(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small,
	    sizeof(small)), 0);
	sin.sin_port = htons((uint16_t)tu_mond.port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	t0 = tu_now();
	cr_assert_eq(write(fd, all, len * REQUESTS), (ssize_t)(len * REQUESTS));
	usleep(300000);
	cr_assert_geq(tu_open_fds(front), before + 1, "the front did not take "
	    "the connection");
	while (tu_open_fds(front) > before) {
		lived = tu_now() - t0;
		cr_assert_lt(lived, 6 * http_timeout + 4.0, "a slow reader "
		    "kept its connection %.1f s past a %d s deadline", lived,
		    6 * http_timeout);
		n = recv(fd, buf, sizeof(buf), 0);
		cr_assert_gt(n, 0, "the answers ran out at %.1f s (%s): the "
		    "reader was not slow; mond said:\n%s", lived, n == 0 ?
		    "EOF" : strerror(errno), tu_daemon_stderr(&tu_mond));

		usleep(100000);
	}
	cr_assert_geq(lived, 6 * http_timeout - 1.0, "let go at %.1f s, "
	    "before its deadline: it was not slow enough to test it", lived);
	close(fd);
	free(all);
}

/*
 * The control socket's listener at the descriptor limit: it used to
 * retry accept() at once for ever, a core spinning and stderr flooding.
 */
Test(attack_net, the_control_socket_at_its_fd_limit_backs_off)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct rlimit low;
	int fds[40], i, lines0, lines1;
	double cpu0, cpu1;
	char *resp;

	front_conf(tu_at("none.log"));
	tu_mond_start(NULL);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", tu_sock);
	low.rlim_cur = low.rlim_max = (rlim_t)tu_open_fds(tu_mond.pid) + 4;
	cr_assert_eq(prlimit(tu_mond.pid, RLIMIT_NOFILE, &low, NULL), 0,
	    "prlimit: %s", strerror(errno));
	lines0 = stderr_lines();
	cpu0 = cpu_seconds(tu_mond.pid);
	for (i = 0; i < 40; i++) {
		fds[i] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
		cr_assert_neq(fds[i], -1);
		connect(fds[i], (struct sockaddr *)&sun, sizeof(sun));
	}
	sleep(2);
	cpu1 = cpu_seconds(tu_mond.pid);
	lines1 = stderr_lines();
	cr_assert_lt(cpu1 - cpu0, 0.5, "the root process spun %.2f s of CPU "
	    "in 2 s at its fd limit", cpu1 - cpu0);
	cr_assert_lt(lines1 - lines0, 20, "stderr grew by %d lines",
	    lines1 - lines0);
	cr_assert(tu_daemon_wait_stderr(&tu_mond, "control: accept: ", 1, 0.0),
	    "the limit was never reached: the test proved nothing");
	/* Ours closed, the ones it took close too: room again. */
	close_all(fds, 40);
	usleep(300000);
	resp = tu_unix_http(tu_sock, "GET /status.json HTTP/1.0\r\n\r\n", 5000);
	cr_assert_eq(tu_http_status(resp), 200, "%s", resp);
	free(resp);
}

/* ---------------------------------------------------------------------- */
/* The status routes from another host                                     */

/* Runs CMD through sh; its exit status. */
static int
sh(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static char netns[32], veth[16];

static void
net_teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "ip netns del %s 2>/dev/null; "
	    "ip link del %s 2>/dev/null", netns, veth);
	sh(cmd);
	tu_fini();
}

/*
 * A second host: network namespace NETNS holding 10.251.B.2, joined by a
 * veth pair to this one's 10.251.B.1 (B from the test's pid, so suites
 * running at once do not collide).
 */
static void
make_peer_host(int *b)
{
	char cmd[512];

	*b = (int)(getpid() % 200) + 20;
	snprintf(netns, sizeof(netns), "mondt%d", (int)getpid());
	snprintf(veth, sizeof(veth), "mvh%d", (int)getpid() % 100000);
	snprintf(cmd, sizeof(cmd),
	    "ip netns add %s && ip link add %s type veth peer name mvp%d && "
	    "ip link set mvp%d netns %s && ip addr add 10.251.%d.1/24 dev %s "
	    "&& ip link set %s up && ip -n %s addr add 10.251.%d.2/24 dev "
	    "mvp%d && ip -n %s link set mvp%d up && ip -n %s link set lo up",
	    netns, veth, (int)getpid() % 100000, (int)getpid() % 100000, netns,
	    *b, veth, veth, netns, *b, (int)getpid() % 100000, netns,
	    (int)getpid() % 100000, netns);
	if (sh(cmd) != 0)
		cr_skip_test("cannot make a network namespace with a veth pair "
		    "here (ip netns, veth)");
}

/*
 * The status code of GET PATH from the other host to 10.251.B.1:PORT
 * (-1 when it got none): a child joins the namespace, asks, and writes
 * the code down a pipe.
 */
static int
status_from_peer(int b, int port, const char *path)
{
	char nspath[64], req[128];
	int pfd[2], code = -1, st;
	pid_t pid;

	snprintf(nspath, sizeof(nspath), "/run/netns/%s", netns);
	snprintf(req, sizeof(req), "GET %s HTTP/1.0\r\n\r\n", path);
	cr_assert_eq(pipe(pfd), 0);
	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		struct sockaddr_in sin = { .sin_family = AF_INET };
		char buf[64] = "";
		int nsfd = open(nspath, O_RDONLY), fd, c = -1;

		if (nsfd == -1 || setns(nsfd, CLONE_NEWNET) == -1)
			_exit(2);
		sin.sin_port = htons((uint16_t)port);
		snprintf(buf, sizeof(buf), "10.251.%d.1", b);
		inet_pton(AF_INET, buf, &sin.sin_addr);
		if ((fd = socket(AF_INET, SOCK_STREAM, 0)) != -1 &&
		    connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
		    write(fd, req, strlen(req)) == (ssize_t)strlen(req) &&
		    read(fd, buf, sizeof(buf) - 1) > 12)
			sscanf(buf, "HTTP/1.%*d %d", &c);
		if (write(pfd[1], &c, sizeof(c)) != sizeof(c))
			_exit(3);
		_exit(0);
	}
	close(pfd[1]);
	if (read(pfd[0], &code, sizeof(code)) != sizeof(code))
		code = -1;
	close(pfd[0]);
	waitpid(pid, &st, 0);
	return code;
}

Test(attack_net, status_routes_answer_another_host_only_when_allowed,
    .fini = net_teardown)
{
	static const char *const private[] = { "/status", "/status.json",
	    "/metrics" };
	char http[128], *resp;
	struct tu_conf c = { .http = http };
	size_t i;
	int b;

	tu_need_root("a network namespace and a veth pair");
	make_peer_host(&b);
	snprintf(http, sizeof(http), "    listen = \"0.0.0.0\"\n");
	tu_mond_conf(NULL, &c);
	tu_mond_start(NULL);
	cr_assert_eq(status_from_peer(b, tu_mond.port, "/"), 200,
	    "the other host cannot reach the front at all");
	cr_assert_eq(status_from_peer(b, tu_mond.port, "/healthz"), 200);
	for (i = 0; i < 3; i++)
		cr_assert_eq(status_from_peer(b, tu_mond.port, private[i]), 403,
		    "%s answered another host", private[i]);
	resp = tu_http_raw(tu_mond.port, "GET /status HTTP/1.0\r\n\r\n", 3000);
	cr_assert_eq(tu_http_status(resp), 200, "loopback: %s", resp);
	free(resp);

	snprintf(http, sizeof(http), "    listen = \"0.0.0.0\"\n"
	    "    status_allow = \"192.0.2.0/24, 10.251.%d.0/24\"\n", b);
	tu_mond_conf(NULL, &c);
	cr_assert_eq(kill(tu_mond.pid, SIGHUP), 0);
	cr_assert(tu_daemon_wait_stderr(&tu_mond, "configuration reloaded", 1,
	    10.0));
	for (i = 0; i < 3; i++)
		cr_assert_eq(status_from_peer(b, tu_mond.port, private[i]), 200,
		    "%s refused a host status_allow names", private[i]);
}

/*
 * The control socket's path in a shared directory, taken first by
 * another user who answers like the daemon: --force-rotate used to print
 * the forged report and exit 0. It now checks who answered.
 */
Test(attack_net, a_squatted_control_socket_is_not_trusted_by_the_client)
{
	static const char forged[] = "HTTP/1.0 200 OK\r\nX-Mond-Failed: 0\r\n"
	    "Content-Length: 18\r\n\r\nrotated everything";
	const char *argv[] = { "--force-rotate", "-c", tu_conf, NULL };
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct passwd *pw;
	struct tu_run r;
	int pfd[2], st;
	pid_t pid;
	char go;

	tu_need_root("a socket made by another user");
	cr_assert_not_null(pw = getpwnam("nobody"));
	/* The socket in a shared directory; the config in one of root's. */
	cr_assert_eq(chmod(tu_dir, 0755), 0);
	cr_assert_eq(mkdir(tu_at("shared"), 0755), 0);
	cr_assert_eq(chmod(tu_at("shared"), 0777), 0);
	free(tu_sock);
	tu_sock = tu_path(tu_dir, "shared/ctl.sock");
	front_conf(tu_at("none.log"));
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", tu_sock);
	cr_assert_eq(pipe(pfd), 0);
	if ((pid = fork()) == 0) {
		char buf[4096];
		int l, c;

		if (setgid(pw->pw_gid) == -1 || setuid(pw->pw_uid) == -1 ||
		    (l = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
		    bind(l, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
		    listen(l, 4) == -1 || write(pfd[1], "y", 1) != 1)
			_exit(2);
		if ((c = accept(l, NULL, NULL)) == -1)
			_exit(3);
		(void)read(c, buf, sizeof(buf));
		(void)write(c, forged, sizeof(forged) - 1);
		_exit(0);
	}
	cr_assert_neq(pid, -1);
	close(pfd[1]);
	cr_assert_eq(read(pfd[0], &go, 1), 1, "the squatter did not start");
	close(pfd[0]);
	r = tu_run_mond(argv);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	cr_assert_neq(r.status, 0, "--force-rotate trusted a squatter: %s",
	    r.out);
	cr_assert_null(strstr(r.out, "rotated everything"), "%s", r.out);
	cr_assert_not_null(strstr(r.err, "not trusted"), "%s", r.err);
	tu_run_free(&r);
}
