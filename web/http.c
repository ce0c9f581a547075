/*
 * http.c: the TCP web front: its listener, its routes and their pages.
 * Connections are front.c's. It only reads: nothing reachable from
 * here changes a file but mon.log's lines.
 */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>
#include <event2/util.h>

#include "conf/netallow.h"
#include "util/acceptpause.h"
#include "util/applog.h"
#include "util/log.h"
#include "web/http.h"
#include "web/front.h"
#include "web/render.h"


static const char home_body[] = "Stage Seven!";
static const struct applog_line home_lines[] = {
	{ MSG_DEBUG, "Home page accessed at DEBUG level" },
	{ MSG_INFO, "Home page accessed at INFO level" },
};
static const char not_found_body[] =
    "<!doctype html>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n";
static const char forbidden_body[] =
    "<!doctype html>\n<title>403 Forbidden</title>\n<h1>Forbidden</h1>\n"
    "<p>The status pages answer loopback and http.status_allow only.\n";
static const char not_allowed_body[] =
    "<!doctype html>\n<title>405 Method Not Allowed</title>\n"
    "<h1>Method Not Allowed</h1>\n";

static const int counted_codes[HTTP_NCOUNTED] = {
	200, 403, 404, 405, 500, 503 };

enum page { PAGE_HTML, PAGE_JSON, PAGE_METRICS, NPAGES };

/*
 * A status page rendered once and sent to every client that asks for it
 * within the same second of the same snapshot: a flood of /status costs
 * one render a second. REFS counts the answers holding it, and the cache.
 */
struct page_cache {
	char		*body;
	size_t		 len;
	unsigned	 refs;
	unsigned long long serial;
	time_t		 second;
};

struct http_server {
	struct http_front *front;
	struct applog	*applog;
	struct evconnlistener *listener;
	struct accept_pause *pause;	/* accept() failing: a pause, no spin */
	int		 port;
	bool		 status, status_json, metrics;	/* routes the config allows */
	struct http_status_ops ops;
	struct http_counts spare;	/* counts until http_set_status */
	struct http_counts *counts;
	struct net_allow nets[NETALLOW_MAX];	/* status_allow */
	size_t		 nnets;
	struct page_cache *pages[NPAGES];
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

static void
reply(struct http_server *srv, struct http_reply *r, int code,
    const char *reason, const char *type, const char *body, size_t len)
{
	r->code = code;
	r->reason = reason;
	r->type = type;
	r->body = body;
	r->len = len;
	count(srv, code);
}

static void
reply_page(struct http_server *srv, struct http_reply *r, int code,
    const char *reason, const char *body, size_t len)
{
	reply(srv, r, code, reason, "text/html; charset=utf-8", body, len);
}

static int
is_get_or_head(const struct http_request *req)
{
	return req->method == HTTP_GET || req->method == HTTP_HEAD;
}

/* 405 naming what the route takes, as Flask does. */
static void
not_allowed(struct http_server *srv, struct http_reply *r)
{
	r->extra = "Allow: GET, HEAD\r\n";
	reply_page(srv, r, 405, "Method Not Allowed", not_allowed_body,
	    sizeof(not_allowed_body) - 1);
}

/* GET / : the seed's page, and its two log lines. */
static void
serve_home(struct http_server *srv, const struct http_request *req,
    struct http_reply *r)
{
	if (!is_get_or_head(req)) {
		not_allowed(srv, r);
		return;
	}
	/*
	 * Both lines in one write when no rollover falls between them. A
	 * failed line is reported by the applog; the page is served anyway.
	 */
	if (srv->applog != NULL)
		applog_write_lines(srv->applog, home_lines,
		    sizeof(home_lines) / sizeof(home_lines[0]));
	reply_page(srv, r, 200, "OK", home_body, sizeof(home_body) - 1);
}

/* Every path without a route: 404, whatever the method (as Flask does). */
static void
not_found(struct http_server *srv, struct http_reply *r)
{
	reply_page(srv, r, 404, "Not Found", not_found_body,
	    sizeof(not_found_body) - 1);
}

static void
page_unref(struct page_cache *pc)
{
	if (pc != NULL && --pc->refs == 0) {
		free(pc->body);
		free(pc);
	}
}

static void
release_page(const void *data, size_t len, void *extra)
{
	(void)data; (void)len;
	page_unref(extra);
}

/* The status routes answer loopback and the networks of status_allow. */
static void
forbidden(struct http_server *srv, struct http_reply *r)
{
	reply_page(srv, r, 403, "Forbidden", forbidden_body,
	    sizeof(forbidden_body) - 1);
}

static bool
status_allowed(const struct http_server *srv, const struct http_request *req)
{
	return req->peer != NULL &&
	    netallow_match(srv->nets, srv->nnets, req->peer);
}

/*
 * PAGE for SNAP, from the cache when it was rendered for the same
 * snapshot within this second. NULL when out of memory.
 */
static struct page_cache *
rendered(struct http_server *srv, enum page page,
    const struct status_snapshot *snap)
{
	struct page_cache *pc = srv->pages[page];
	struct render_buf buf = { 0 };
	time_t second = time(NULL);
	int rc;

	if (pc != NULL && pc->serial == snap->serial && pc->second == second)
		return pc;
	if (page == PAGE_HTML)
		rc = render_html(&buf, snap);
	else if (page == PAGE_JSON)
		rc = render_json(&buf, snap);
	else
		rc = render_metrics(&buf, snap);
	if (rc == -1 || (pc = calloc(1, sizeof(*pc))) == NULL) {
		render_buf_free(&buf);
		return NULL;
	}
	/* Held until the clients read it: not the doubling's spare room. */
	if (buf.len > 0 && buf.len < buf.cap) {
		char *fit = realloc(buf.data, buf.len);

		if (fit != NULL)
			buf.data = fit;
	}
	pc->body = buf.data;
	pc->len = buf.len;
	pc->refs = 1;
	pc->serial = snap->serial;
	pc->second = second;
	page_unref(srv->pages[page]);
	srv->pages[page] = pc;
	return pc;
}

/*
 * /status, /status.json, /metrics: built per request from the daemon's
 * snapshot (one stat() per log), handed to the front without a copy.
 */
static void
serve_status(struct http_server *srv, const struct http_request *req,
    struct http_reply *r, enum page page)
{
	static const char *const types[] = {
		[PAGE_HTML] = "text/html; charset=utf-8",
		[PAGE_JSON] = "application/json",
		[PAGE_METRICS] = "text/plain; version=0.0.4; charset=utf-8",
	};
	static const char oom[] = "out of memory\n";
	static const char busy[] = "too many answers unread; retry\n";
	struct status_snapshot snap;
	struct page_cache *pc;

	if (!status_allowed(srv, req)) {
		forbidden(srv, r);
		return;
	}
	if (!is_get_or_head(req)) {
		not_allowed(srv, r);
		return;
	}
	/* Clients not reading what they asked: no page more until they do. */
	if (front_crowded(srv->front)) {
		r->extra = "Retry-After: 1\r\n";
		reply(srv, r, 503, "Service Unavailable",
		    "text/plain; charset=utf-8", busy, sizeof(busy) - 1);
		return;
	}
	/* The counts so far: this response is not among them yet. */
	srv->ops.snapshot(&snap, srv->ops.arg);
	if (snap.version == NULL) {
		static const char none[] = "no status from mond yet; retry\n";

		r->extra = "Retry-After: 1\r\n";
		reply(srv, r, 503, "Service Unavailable",
		    "text/plain; charset=utf-8", none, sizeof(none) - 1);
		return;
	}
	if ((pc = rendered(srv, page, &snap)) == NULL) {
		log_warn("http: status page");
		reply(srv, r, 500, "Internal Server Error",
		    "text/plain; charset=utf-8", oom, sizeof(oom) - 1);
		return;
	}
	pc->refs++;
	r->extra = "Cache-Control: no-store\r\n";
	r->release = release_page;
	r->release_arg = pc;
	reply(srv, r, 200, "OK", types[page], pc->body, pc->len);
}

/* ok while the loop answers (it is answering) and the worker is alive. */
static void
serve_healthz(struct http_server *srv, const struct http_request *req,
    struct http_reply *r)
{
	static const char ok[] = "ok\n", down[] = "worker not responding\n";

	if (!is_get_or_head(req)) {
		not_allowed(srv, r);
		return;
	}
	r->extra = "Cache-Control: no-store\r\n";
	if (srv->ops.alive(srv->ops.arg))
		reply(srv, r, 200, "OK", "text/plain; charset=utf-8", ok,
		    sizeof(ok) - 1);
	else
		reply(srv, r, 503, "Service Unavailable",
		    "text/plain; charset=utf-8", down, sizeof(down) - 1);
}

/*
 * The decoded path of REQ's target, malloc'd: origin form ("/a?q") or
 * absolute form ("http://host/a"), "%2F"-style escapes decoded. NULL
 * when it has none, or it decodes to a NUL.
 */
static char *
decoded_path(const struct http_request *req)
{
	struct evhttp_uri *uri = NULL;
	const char *path;
	char *target, *decoded = NULL;
	size_t dlen;

	if ((target = strndup(req->target, req->target_len)) == NULL)
		return NULL;
	if (target[0] == '/') {
		path = target;
		target[strcspn(target, "?#")] = '\0';
	} else {
		if ((uri = evhttp_uri_parse(target)) == NULL ||
		    evhttp_uri_get_scheme(uri) == NULL)
			goto done;
		path = evhttp_uri_get_path(uri);
		if (path == NULL || path[0] == '\0')
			path = "/";
	}
	/* A %00 would cut the path short: no route matches it. */
	if ((decoded = evhttp_uridecode(path, 0, &dlen)) != NULL &&
	    dlen != strlen(decoded)) {
		free(decoded);
		decoded = NULL;
	}
done:
	if (uri != NULL)
		evhttp_uri_free(uri);
	free(target);
	return decoded;
}

/* The front's route: every well-formed request gets its answer here. */
static void
route(void *arg, const struct http_request *req, struct http_reply *r)
{
	struct http_server *srv = arg;
	size_t n = req->target_len;
	/* The status routes exist once http_set_status gave their data. */
	bool status_on = srv->ops.snapshot != NULL;
	char *path;

	/* GET / and GET /?query, as they come, without a copy. */
	if (req->target[0] == '/' && (n == 1 || req->target[1] == '?')) {
		serve_home(srv, req, r);
		return;
	}
	if ((path = decoded_path(req)) == NULL) {
		not_found(srv, r);
		return;
	}
	if (strcmp(path, "/") == 0)
		serve_home(srv, req, r);
	else if (status_on && strcmp(path, "/healthz") == 0)
		serve_healthz(srv, req, r);
	else if (status_on && srv->status && strcmp(path, "/status") == 0)
		serve_status(srv, req, r, PAGE_HTML);
	else if (status_on && srv->status_json &&
	    strcmp(path, "/status.json") == 0)
		serve_status(srv, req, r, PAGE_JSON);
	else if (status_on && srv->metrics &&
	    strcmp(path, "/metrics") == 0)
		serve_status(srv, req, r, PAGE_METRICS);
	else
		not_found(srv, r);
	free(path);
}

void
http_set_status(struct http_server *srv, const struct http_status_ops *ops)
{
	srv->ops = *ops;
	srv->counts = ops->counts;
}

/* Reads back the port bound, which differs from the config's when it is 0. */
static int
bound_port(evutil_socket_t fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		return -1;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	errno = EAFNOSUPPORT;
	return -1;
}

static void
accept_cb(struct evconnlistener *lev, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct http_server *srv = arg;

	(void)lev;
	front_adopt(srv->front, fd, sa, salen);
}

/*
 * Listens on LISTEN, a numeric address (the config takes no names).
 * NULL after saying why.
 */
static struct evconnlistener *
listen_on(struct http_server *srv, struct event_base *base,
    const struct http_conf *conf)
{
	struct evutil_addrinfo hints = { .ai_family = AF_UNSPEC,
	    .ai_socktype = SOCK_STREAM, .ai_protocol = IPPROTO_TCP,
	    .ai_flags = EVUTIL_AI_PASSIVE | EVUTIL_AI_NUMERICHOST |
	    EVUTIL_AI_NUMERICSERV };
	struct evutil_addrinfo *ai = NULL;
	struct evconnlistener *lev;
	char port[8];
	int rc;

	snprintf(port, sizeof(port), "%d", conf->port);
	if ((rc = evutil_getaddrinfo(conf->listen, port, &hints, &ai)) != 0) {
		log_warnx("http: bind %s port %d: %s", conf->listen,
		    conf->port, evutil_gai_strerror(rc));
		return NULL;
	}
	lev = evconnlistener_new_bind(base, accept_cb, srv,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC | LEV_OPT_REUSEABLE,
	    -1, ai->ai_addr, (int)ai->ai_addrlen);
	if (lev == NULL)
		log_warn("http: bind %s port %d", conf->listen, conf->port);
	evutil_freeaddrinfo(ai);
	return lev;
}

struct http_server *
http_start(struct event_base *base, const struct http_conf *conf,
    struct applog *applog)
{
	struct http_server *srv;
	const char *bad;

	if ((srv = calloc(1, sizeof(*srv))) == NULL) {
		log_warn("http: calloc");
		return NULL;
	}
	srv->applog = applog;
	srv->counts = &srv->spare;
	srv->status = conf->status;
	srv->status_json = conf->status_json;
	srv->metrics = conf->metrics;
	if (conf->status_allow != NULL && netallow_parse(conf->status_allow,
	    srv->nets, &srv->nnets, &bad) == -1) {
		log_warnx("http: status_allow: \"%s\" is not a network", bad);
		goto fail;
	}
	/* Read and write: idle keep-alives and slow clients are closed. */
	if ((srv->front = front_new(base, conf->timeout > 0 ? conf->timeout :
	    10, conf->max_clients, route, srv)) == NULL) {
		log_warn("http: front");
		goto fail;
	}
	if ((srv->listener = listen_on(srv, base, conf)) == NULL)
		goto fail;
	if ((srv->pause = accept_pause_new(base, srv->listener, "http")) ==
	    NULL) {
		log_warnx("http: cannot guard accept");
		goto fail;
	}
	if ((srv->port = bound_port(evconnlistener_get_fd(srv->listener))) ==
	    -1) {
		log_warn("http: getsockname %s", conf->listen);
		goto fail;
	}
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
http_set_applog(struct http_server *srv, struct applog *applog)
{
	srv->applog = applog;
}

void
http_stop(struct http_server *srv)
{
	size_t i;

	if (srv == NULL)
		return;
	for (i = 0; i < NPAGES; i++)
		page_unref(srv->pages[i]);
	if (srv->listener != NULL)
		evconnlistener_free(srv->listener);
	front_free(srv->front);
	accept_pause_free(srv->pause);
	free(srv);
}
