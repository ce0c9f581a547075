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
#include "web/render.h"

#define MAX_HEADERS_SIZE	8192
/* How long accepting stops after accept() fails (EMFILE...), in ms. */
#define ACCEPT_PAUSE_MS		100
/* At most one "accept paused" message per this many seconds. */
#define ACCEPT_WARN_EVERY	10

static const char home_body[] = "Stage Seven!";
static const struct applog_line home_lines[] = {
	{ MSG_DEBUG, "Home page accessed at DEBUG level" },
	{ MSG_INFO, "Home page accessed at INFO level" },
};
static const char not_found_body[] =
    "<!doctype html>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n";
static const char not_allowed_body[] =
    "<!doctype html>\n<title>405 Method Not Allowed</title>\n"
    "<h1>Method Not Allowed</h1>\n";

static const int counted_codes[HTTP_NCOUNTED] = { 200, 404, 405, 500, 503 };

struct http_server {
	struct evhttp	*http;
	struct applog	*applog;
	struct evconnlistener *listener;
	struct event	*resume;	/* re-enables accepting after a pause */
	time_t		 warned;	/* last "accept paused" message */
	int		 port;
	bool		 status, status_json, metrics;	/* routes the config allows */
	struct http_status_ops ops;
	struct http_counts spare;	/* counts until http_set_status */
	struct http_counts *counts;
	struct http_server *next;	/* in servers */
};

static void
count(struct http_server *srv, int code)
{
	size_t i;

	for (i = 0; i < HTTP_NCOUNTED; i++)
		if (counted_codes[i] == code) {
			srv->counts->n[i]++;
			return;
		}
}

size_t
http_counts_list(const struct http_counts *counts,
    struct status_http_count *out)
{
	size_t i;

	for (i = 0; i < HTTP_NCOUNTED; i++) {
		out[i].code = counted_codes[i];
		out[i].count = counts->n[i];
	}
	return HTTP_NCOUNTED;
}

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
send_typed(struct http_server *srv, struct evhttp_request *req, int code,
    const char *reason, const char *type, const char *body, size_t len,
    evbuffer_ref_cleanup_cb cleanup)
{
	struct evkeyvalq *hdrs = evhttp_request_get_output_headers(req);
	char clen[24];

	evhttp_add_header(hdrs, "Content-Type", type);
	if (evhttp_request_get_command(req) == EVHTTP_REQ_HEAD) {
		snprintf(clen, sizeof(clen), "%zu", len);
		evhttp_add_header(hdrs, "Content-Length", clen);
		if (cleanup != NULL)
			cleanup(body, len, NULL);
	} else if (evbuffer_add_reference(evhttp_request_get_output_buffer(req),
	    body, len, cleanup, NULL) == -1 && cleanup != NULL)
		cleanup(body, len, NULL);
	count(srv, code);
	evhttp_send_reply(req, code, reason, NULL);
}

static void
send_page(struct http_server *srv, struct evhttp_request *req, int code,
    const char *reason, const char *body, size_t len)
{
	send_typed(srv, req, code, reason, "text/html; charset=utf-8", body,
	    len, NULL);
}

static int
is_get_or_head(struct evhttp_request *req)
{
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);

	return cmd == EVHTTP_REQ_GET || cmd == EVHTTP_REQ_HEAD;
}

/* 405 naming what the route takes, as Flask does. */
static void
send_not_allowed(struct http_server *srv, struct evhttp_request *req)
{
	evhttp_add_header(evhttp_request_get_output_headers(req), "Allow",
	    "GET, HEAD");
	send_page(srv, req, HTTP_BADMETHOD, "Method Not Allowed", not_allowed_body,
	    sizeof(not_allowed_body) - 1);
}

/* GET / : the seed's page, and its two log lines. */
static void
home_cb(struct evhttp_request *req, void *arg)
{
	struct http_server *srv = arg;

	if (!is_get_or_head(req)) {
		send_not_allowed(srv, req);
		return;
	}
	/*
	 * Both lines in one write when no rollover falls between them. A
	 * failed line is reported by the applog; the page is served anyway.
	 */
	applog_write_lines(srv->applog, home_lines,
	    sizeof(home_lines) / sizeof(home_lines[0]));
	send_page(srv, req, HTTP_OK, "OK", home_body, sizeof(home_body) - 1);
}

/* Every path without a route: 404, whatever the method (as Flask does). */
static void
not_found_cb(struct evhttp_request *req, void *arg)
{
	send_page(arg, req, HTTP_NOTFOUND, "Not Found", not_found_body,
	    sizeof(not_found_body) - 1);
}

static void
free_body(const void *data, size_t len, void *extra)
{
	(void)len; (void)extra;
	free((void *)data);
}

enum page { PAGE_HTML, PAGE_JSON, PAGE_METRICS };

/*
 * /status, /status.json, /metrics: built per request from the daemon's
 * snapshot (one stat() per log), handed to libevent without a copy.
 */
static void
serve_status(struct evhttp_request *req, struct http_server *srv,
    enum page page)
{
	static const char *const types[] = {
		[PAGE_HTML] = "text/html; charset=utf-8",
		[PAGE_JSON] = "application/json",
		[PAGE_METRICS] = "text/plain; version=0.0.4; charset=utf-8",
	};
	struct status_http_count counts[HTTP_NCOUNTED];
	struct status_snapshot snap;
	struct render_buf buf = { 0 };
	int rc;

	if (!is_get_or_head(req)) {
		send_not_allowed(srv, req);
		return;
	}
	memset(&snap, 0, sizeof(snap));
	srv->ops.snapshot(&snap, srv->ops.arg);
	/* The counts so far: this response is not among them yet. */
	snap.nhttp = http_counts_list(srv->counts, counts);
	snap.http = counts;
	if (page == PAGE_HTML)
		rc = render_html(&buf, &snap);
	else if (page == PAGE_JSON)
		rc = render_json(&buf, &snap);
	else
		rc = render_metrics(&buf, &snap);
	if (rc == -1) {
		render_buf_free(&buf);
		log_warn("http: status page");
		send_typed(srv, req, HTTP_INTERNAL, "Internal Server Error",
		    "text/plain; charset=utf-8", "out of memory\n", 14, NULL);
		return;
	}
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Cache-Control", "no-store");
	send_typed(srv, req, HTTP_OK, "OK", types[page], buf.data, buf.len,
	    free_body);
}

static void
status_html_cb(struct evhttp_request *req, void *arg)
{
	serve_status(req, arg, PAGE_HTML);
}

static void
status_json_cb(struct evhttp_request *req, void *arg)
{
	serve_status(req, arg, PAGE_JSON);
}

static void
metrics_cb(struct evhttp_request *req, void *arg)
{
	serve_status(req, arg, PAGE_METRICS);
}

/* ok while the loop answers (it is answering) and the worker is alive. */
static void
healthz_cb(struct evhttp_request *req, void *arg)
{
	static const char ok[] = "ok\n", down[] = "worker not responding\n";
	struct http_server *srv = arg;

	if (!is_get_or_head(req)) {
		send_not_allowed(srv, req);
		return;
	}
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Cache-Control", "no-store");
	if (srv->ops.alive(srv->ops.arg))
		send_typed(srv, req, HTTP_OK, "OK", "text/plain; charset=utf-8",
		    ok, sizeof(ok) - 1, NULL);
	else
		send_typed(srv, req, HTTP_SERVUNAVAIL, "Service Unavailable",
		    "text/plain; charset=utf-8", down, sizeof(down) - 1, NULL);
}

void
http_set_status(struct http_server *srv, const struct http_status_ops *ops)
{
	int rc = 0;

	srv->ops = *ops;
	srv->counts = ops->counts;
	if (srv->status)
		rc |= evhttp_set_cb(srv->http, "/status", status_html_cb, srv);
	if (srv->status_json)
		rc |= evhttp_set_cb(srv->http, "/status.json", status_json_cb,
		    srv);
	if (srv->metrics)
		rc |= evhttp_set_cb(srv->http, "/metrics", metrics_cb, srv);
	rc |= evhttp_set_cb(srv->http, "/healthz", healthz_cb, srv);
	if (rc != 0)
		log_warnx("http: cannot route the status pages");
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
	srv->counts = &srv->spare;
	srv->status = conf->status;
	srv->status_json = conf->status_json;
	srv->metrics = conf->metrics;
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

	errno = 0;
	sock = evhttp_bind_socket_with_handle(srv->http, conf->listen,
	    (ev_uint16_t)conf->port);
	if (sock == NULL) {
		/* A resolver failure inside libevent leaves errno at 0. */
		if (errno != 0)
			log_warn("http: bind %s port %d", conf->listen,
			    conf->port);
		else
			log_warnx("http: bind %s port %d: address not usable",
			    conf->listen, conf->port);
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
