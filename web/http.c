/*
 * http.c: the TCP web front, an evhttp server with the seed's one page. It
 * owns the listener and its limits (header size, no bodies, timeouts) and
 * answers every request on every path with a reply or an error. It only
 * reads: nothing reachable from here changes a file but mon.log's lines.
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>

#include "daemon/applog.h"
#include "daemon/log.h"
#include "web/http.h"

#define MAX_HEADERS_SIZE	8192
/* How long accepting stops after accept() fails (EMFILE...), in ms. */
#define ACCEPT_PAUSE_MS		100
/* At most one "accept paused" message per this many seconds. */
#define ACCEPT_WARN_EVERY	10

static const char home_body[] = "Stage Seven!";
static const char not_found_body[] =
    "<!doctype html>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n";
static const char not_allowed_body[] =
    "<!doctype html>\n<title>405 Method Not Allowed</title>\n"
    "<h1>Method Not Allowed</h1>\n";

struct http_server {
	struct evhttp	*http;
	struct applog	*applog;
	struct evconnlistener *listener;
	struct event	*resume;	/* re-enables accepting after a pause */
	time_t		 warned;	/* last "accept paused" message */
	int		 port;
	struct http_server *next;	/* in servers */
};

/*
 * libevent hands a listener's error callback the evhttp, not ours: the
 * running servers, to find which one paused (one or two per process).
 */
static struct http_server *servers;

static struct http_server *
server_of(const struct evhttp *http)
{
	struct http_server *srv;

	for (srv = servers; srv != NULL; srv = srv->next)
		if (srv->http == http)
			return srv;
	return NULL;
}

/*
 * Sends a static page, referenced rather than copied. libevent would send
 * a HEAD answer's body and leave out its length: HEAD gets GET's length
 * (as Flask gives it) and no body.
 */
static void
send_page(struct evhttp_request *req, int code, const char *reason,
    const char *body, size_t len)
{
	struct evkeyvalq *hdrs = evhttp_request_get_output_headers(req);
	char clen[24];

	evhttp_add_header(hdrs, "Content-Type", "text/html; charset=utf-8");
	if (evhttp_request_get_command(req) == EVHTTP_REQ_HEAD) {
		snprintf(clen, sizeof(clen), "%zu", len);
		evhttp_add_header(hdrs, "Content-Length", clen);
	} else
		evbuffer_add_reference(evhttp_request_get_output_buffer(req),
		    body, len, NULL, NULL);
	evhttp_send_reply(req, code, reason, NULL);
}

static int
is_get_or_head(struct evhttp_request *req)
{
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);

	return cmd == EVHTTP_REQ_GET || cmd == EVHTTP_REQ_HEAD;
}

/* 405 naming what the route takes, as Flask does. */
static void
send_not_allowed(struct evhttp_request *req)
{
	evhttp_add_header(evhttp_request_get_output_headers(req), "Allow",
	    "GET, HEAD");
	send_page(req, HTTP_BADMETHOD, "Method Not Allowed", not_allowed_body,
	    sizeof(not_allowed_body) - 1);
}

/* GET / : the seed's page, and its two log lines. */
static void
home_cb(struct evhttp_request *req, void *arg)
{
	struct http_server *srv = arg;

	if (!is_get_or_head(req)) {
		send_not_allowed(req);
		return;
	}
	/* A failed line is reported by the applog; the page is served anyway. */
	applog_write(srv->applog, MSG_DEBUG, "Home page accessed at DEBUG level");
	applog_write(srv->applog, MSG_INFO, "Home page accessed at INFO level");
	send_page(req, HTTP_OK, "OK", home_body, sizeof(home_body) - 1);
}

/* Every path without a route: 404, whatever the method (as Flask does). */
static void
not_found_cb(struct evhttp_request *req, void *arg)
{
	(void)arg;
	send_page(req, HTTP_NOTFOUND, "Not Found", not_found_body,
	    sizeof(not_found_body) - 1);
}

/* Reads back the port bound, which differs from the config's when it is 0. */
static int
bound_port(struct evhttp_bound_socket *sock)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	evutil_socket_t fd = evhttp_bound_socket_get_fd(sock);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		return -1;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	errno = EAFNOSUPPORT;
	return -1;
}

/*
 * accept() failed for a reason that a retry cannot cure at once: out of
 * fds (EMFILE, ENFILE) or memory. libevent would warn and retry at once
 * forever, spinning and flooding stderr while the pending connection
 * stays; instead stop accepting for a moment, and say so now and then.
 */
static void
accept_error_cb(struct evconnlistener *lev, void *arg)
{
	struct http_server *srv = server_of(arg);
	struct timeval tv = { 0, ACCEPT_PAUSE_MS * 1000 };
	int err = EVUTIL_SOCKET_ERROR();
	time_t now = time(NULL);

	if (srv == NULL)
		return;
	if (now - srv->warned >= ACCEPT_WARN_EVERY) {
		srv->warned = now;
		log_warnx("http: accept: %s; not accepting for %d ms",
		    strerror(err), ACCEPT_PAUSE_MS);
	}
	if (evconnlistener_disable(lev) == 0 && srv->resume != NULL &&
	    evtimer_add(srv->resume, &tv) == 0)
		return;
	/* Without the timer, keep accepting rather than go deaf. */
	evconnlistener_enable(lev);
}

static void
resume_cb(evutil_socket_t fd, short what, void *arg)
{
	struct http_server *srv = arg;

	(void)fd;
	(void)what;
	if (srv->listener != NULL)
		evconnlistener_enable(srv->listener);
}

/* Idle clients cost an fd each: take the hard limit the admin allows. */
static void
raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1) {
		log_warn("http: getrlimit NOFILE");
		return;
	}
	if (rl.rlim_cur == rl.rlim_max)
		return;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
		log_warn("http: setrlimit NOFILE");
}

static void
set_limits(struct evhttp *http, const struct http_conf *conf)
{
	/*
	 * Every method reaches the routes, so a known path answers 405 with
	 * Allow instead of libevent's bare 501.
	 */
	evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
	    EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	    EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE | EVHTTP_REQ_CONNECT |
	    EVHTTP_REQ_PATCH);
	evhttp_set_max_headers_size(http, MAX_HEADERS_SIZE);
	/* No request bodies over TCP: any Content-Length > 0 gets 413. */
	evhttp_set_max_body_size(http, 0);
	/* Read and write: idle keep-alives and slow clients are closed. */
	evhttp_set_timeout(http, conf->timeout > 0 ? conf->timeout : 10);
}

struct http_server *
http_start(struct event_base *base, const struct http_conf *conf,
    struct applog *applog)
{
	struct http_server *srv;
	struct evhttp_bound_socket *sock;
	const char *v6;

	if ((srv = calloc(1, sizeof(*srv))) == NULL) {
		log_warn("http: calloc");
		return NULL;
	}
	srv->applog = applog;
	raise_nofile();
	if ((srv->resume = evtimer_new(base, resume_cb, srv)) == NULL) {
		log_warnx("http: evtimer_new failed");
		goto fail;
	}
	if ((srv->http = evhttp_new(base)) == NULL) {
		log_warnx("http: evhttp_new failed");
		goto fail;
	}
	set_limits(srv->http, conf);
	if (evhttp_set_cb(srv->http, "/", home_cb, srv) != 0) {
		log_warnx("http: cannot route /");
		goto fail;
	}
	evhttp_set_gencb(srv->http, not_found_cb, srv);

	sock = evhttp_bind_socket_with_handle(srv->http, conf->listen,
	    (ev_uint16_t)conf->port);
	if (sock == NULL) {
		log_warn("http: bind %s port %d", conf->listen, conf->port);
		goto fail;
	}
	srv->listener = evhttp_bound_socket_get_listener(sock);
	evconnlistener_set_error_cb(srv->listener, accept_error_cb);
	srv->next = servers;
	servers = srv;
	if ((srv->port = bound_port(sock)) == -1) {
		log_warn("http: getsockname %s", conf->listen);
		goto fail;
	}
	v6 = strchr(conf->listen, ':');
	log_info("listening on http://%s%s%s:%d/", v6 ? "[" : "",
	    conf->listen, v6 ? "]" : "", srv->port);
	return srv;
fail:
	http_stop(srv);
	return NULL;
}

int
http_port(const struct http_server *srv)
{
	return srv->port;
}

void
http_stop(struct http_server *srv)
{
	struct http_server **pp;

	if (srv == NULL)
		return;
	for (pp = &servers; *pp != NULL; pp = &(*pp)->next)
		if (*pp == srv) {
			*pp = srv->next;
			break;
		}
	if (srv->http != NULL)
		evhttp_free(srv->http);
	if (srv->resume != NULL)
		event_free(srv->resume);
	free(srv);
}
