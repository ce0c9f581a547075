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
#include "util/applog.h"
#include "web/http.h"
#include "web/render.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[] = "/dev/shm/mond-fuzz-http.XXXXXX";
static struct http_counts counts;
static struct status_row rows[40];
static struct status_http_count http_counts[HTTP_NCOUNTED];
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

/*
 * The status routes on: forty rows make every page bigger than what the
 * front copies, so the referenced-body path is fuzzed too.
 */
static void
snapshot(struct status_snapshot *s, void *arg)
{
	static char paths[40][64];
	size_t i;

	(void)arg;
	memset(s, 0, sizeof(*s));
	for (i = 0; i < 40; i++) {
		snprintf(paths[i], sizeof(paths[i]),
		    "/var/log/fuzz/<a & \"b\">-%02zu.log", i);
		rows[i] = (struct status_row){ .path = paths[i], .rule = "r",
		    .size = (long long)i * 1000, .threshold = 4096,
		    .threshold_kind = THRESHOLD_SIZE, .next_due = (time_t)-1,
		    .backups = 3, .outcome = "idle" };
	}
	s->version = "fuzz";
	s->conf_path = "/etc/mond.conf";
	s->now = 1700000000;
	s->started = s->now - 60;
	s->worker_alive = true;
	s->rows = rows;
	s->nrows = 40;
	s->nhttp = http_counts_list(&counts, http_counts);
	s->http = http_counts;
}

static int
alive(void *arg)
{
	(void)arg;
	return 1;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct http_status_ops ops = { snapshot, alive, &counts, NULL };
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
	http_set_status(srv, &ops);
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
