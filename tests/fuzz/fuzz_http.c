/*
 * fuzz_http.c: libFuzzer target for the HTTP request path of the TCP
 * front. The real http_start() serves on 127.0.0.1 (an ephemeral port)
 * in this process, with a real applog in a private tmpfs directory; each
 * input is written raw into a fresh loopback connection, the write side
 * shut, and the event loop run until the server has answered and closed
 * (or 200 ms passed). Findings are crashes and sanitizer reports.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "conf/conf.h"
#include "daemon/applog.h"
#include "web/http.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[] = "/dev/shm/mond-fuzz-http.XXXXXX";
static struct event_base *base;
static struct http_server *srv;
static int port;

/* The private directory goes when libFuzzer exits normally. */
static void
cleanup(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		return;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char logpath[80];
	struct http_conf hc = { .listen = "127.0.0.1", .port = 0,
	    .timeout = 1 };
	struct applog_conf ac = { .path = logpath, .maxbytes = 65536,
	    .backups = 1, .level = APPLOG_DEBUG };
	struct applog *al;
	FILE *devnull;

	(void)argc;
	(void)argv;
	if (mkdtemp(dir) == NULL && mkdtemp(strcpy(dir,
	    "/tmp/mond-fuzz-http.XXXXXX")) == NULL)
		abort();
	atexit(cleanup);
	snprintf(logpath, sizeof(logpath), "%s/mon.log", dir);
	if ((devnull = fopen("/dev/null", "w")) == NULL)
		abort();
	stderr = devnull;
	/* As the daemon does: a peer gone mid-answer is an error, not a kill. */
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		abort();
	if ((base = event_base_new()) == NULL)
		abort();
	if ((al = applog_open(&ac)) == NULL)
		abort();
	if ((srv = http_start(base, &hc, al)) == NULL)
		abort();
	port = http_port(srv);
	return 0;
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	char buf[65536];
	size_t off = 0;
	double t0;
	int fd;

	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) == -1)
		abort();
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 &&
	    errno != EINPROGRESS)
		abort();
	t0 = now_ms();
	while (now_ms() - t0 < 200) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (off < size) {
			n = send(fd, data + off, size - off, MSG_NOSIGNAL);
			if (n > 0)
				off += (size_t)n;
			else if (n == -1 && errno != EAGAIN &&
			    errno != EINPROGRESS && errno != ENOTCONN)
				off = size;	/* the server closed on us */
			if (off == size)
				shutdown(fd, SHUT_WR);
		} else if (size == 0 && off == 0) {
			shutdown(fd, SHUT_WR);
			off = 1;
		}
		event_base_loop(base, EVLOOP_NONBLOCK);
		if (poll(&pfd, 1, 0) == 1) {
			n = recv(fd, buf, sizeof(buf), 0);
			if (n == 0 || (n == -1 && errno != EAGAIN))
				break;
		}
	}
	close(fd);
	/* Let the server see the close and free the connection. */
	event_base_loop(base, EVLOOP_NONBLOCK);
	event_base_loop(base, EVLOOP_NONBLOCK);
	return 0;
}
