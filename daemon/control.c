/*
 * control.c: the control socket, server and client. The server creates the
 * AF_UNIX socket safely (0600 from birth, never unlinking anything but a
 * stale socket), checks each peer's uid with SO_PEERCRED before any route
 * runs, and turns requests into calls to the scheduler. It never rotates,
 * never blocks the loop, and is never bound to TCP.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/queue.h>
#include <sys/un.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "conf/conf.h"
#include "util/acceptpause.h"
#include "daemon/control.h"
#include "util/log.h"
#include "engine/pass.h"

#define MAX_PATTERNS	64
/* Request line and headers the socket reads; the client checks it first. */
#define CONTROL_MAX_REQUEST	8192

struct control {
	struct evhttp	*http;
	struct accept_pause *pause;	/* out of fds: a pause, not a spin */
	char		*path;
	struct control_ops ops;
};

void
control_free_patterns(char **patterns, size_t n)
{
	size_t i;

	if (patterns == NULL)
		return;
	for (i = 0; i < n; i++)
		free(patterns[i]);
	free(patterns);
}

static int
fill_sun(struct sockaddr_un *sun, const char *path)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sun->sun_path, path);
	return 0;
}

/* Only root and the daemon's own uid may talk to it. */
static int
peer_allowed(struct evhttp_request *req)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct bufferevent *bev;
	struct ucred cred;
	socklen_t len = sizeof(cred);
	evutil_socket_t fd;

	if (evcon == NULL ||
	    (bev = evhttp_connection_get_bufferevent(evcon)) == NULL ||
	    (fd = bufferevent_getfd(bev)) == -1)
		return 0;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1) {
		log_warn("control: SO_PEERCRED");
		return 0;
	}
	return cred.uid == 0 || cred.uid == geteuid();
}

void
control_reply_error(struct evhttp_request *req, int code, const char *reason,
    const char *msg)
{
	struct evbuffer *body = evhttp_request_get_output_buffer(req);

	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "text/plain; charset=utf-8");
	evbuffer_add_printf(body, "%s\n", msg);
	evhttp_send_reply(req, code, reason, NULL);
}

void
control_reply_report(struct evhttp_request *req, const struct pass_report *rep)
{
	struct evbuffer *body = evhttp_request_get_output_buffer(req);
	const struct pass_result *r;
	char nfailed[24];
	size_t i;

	for (i = 0; rep != NULL && i < rep->nresults; i++) {
		r = &rep->results[i];
		switch (r->outcome) {
		case PASS_ROTATED:
			evbuffer_add_printf(body, "rotated %s\n", r->path);
			break;
		case PASS_FAILED:
			evbuffer_add_printf(body, "failed %s: %s\n", r->path,
			    r->why);
			break;
		default:
			evbuffer_add_printf(body, "skipped %s: %s\n", r->path,
			    r->why[0] != '\0' ? r->why : "not due");
			break;
		}
	}
	snprintf(nfailed, sizeof(nfailed), "%zu", rep ? rep->nfailed : 0);
	evbuffer_add_printf(body, "%s failed\n", nfailed);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "text/plain; charset=utf-8");
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "X-Mond-Failed", nfailed);
	evhttp_send_reply(req, HTTP_OK, "OK", NULL);
}

/* The ?log=PATTERN values, decoded; NULL (errno) when there are too many. */
static char **
query_patterns(struct evhttp_request *req, size_t *n)
{
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *query = uri ? evhttp_uri_get_query(uri) : NULL;
	struct evkeyvalq kv;
	struct evkeyval *e;
	char **pats;

	*n = 0;
	if ((pats = calloc(MAX_PATTERNS + 1, sizeof(*pats))) == NULL)
		return NULL;
	if (query == NULL)
		return pats;
	TAILQ_INIT(&kv);
	if (evhttp_parse_query_str(query, &kv) == -1) {
		free(pats);
		errno = EINVAL;
		return NULL;
	}
	TAILQ_FOREACH(e, &kv, next) {
		if (strcmp(e->key, "log") != 0)
			continue;
		if (*n == MAX_PATTERNS || (pats[*n] = strdup(e->value)) == NULL) {
			evhttp_clear_headers(&kv);
			control_free_patterns(pats, *n);
			errno = E2BIG;
			return NULL;
		}
		(*n)++;
	}
	evhttp_clear_headers(&kv);
	return pats;
}

/*
 * Whether REQ is from a peer allowed in and uses METHOD (named NAME);
 * when not, it has been answered (403, or 405 with Allow).
 */
static bool
admitted(struct evhttp_request *req, enum evhttp_cmd_type method,
    const char *name)
{
	char only[16];

	if (!peer_allowed(req)) {
		control_reply_error(req, 403, "Forbidden", "forbidden");
		return false;
	}
	if (evhttp_request_get_command(req) == method)
		return true;
	evhttp_add_header(evhttp_request_get_output_headers(req), "Allow",
	    name);
	snprintf(only, sizeof(only), "%s only", name);
	control_reply_error(req, HTTP_BADMETHOD, "Method Not Allowed", only);
	return false;
}

static void
rotate_cb(struct evhttp_request *req, void *arg)
{
	struct control *ctl = arg;
	char **pats;
	size_t n;

	if (!admitted(req, EVHTTP_REQ_POST, "POST"))
		return;
	if ((pats = query_patterns(req, &n)) == NULL) {
		control_reply_error(req, HTTP_BADREQUEST, "Bad Request",
		    strerror(errno));
		return;
	}
	ctl->ops.rotate(req, pats, n, ctl->ops.arg);
}

static void
status_cb(struct evhttp_request *req, void *arg)
{
	struct control *ctl = arg;

	if (!admitted(req, EVHTTP_REQ_GET, "GET"))
		return;
	ctl->ops.status(evhttp_request_get_output_buffer(req), ctl->ops.arg);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "application/json");
	evhttp_send_reply(req, HTTP_OK, "OK", NULL);
}

static void
other_cb(struct evhttp_request *req, void *arg)
{
	(void)arg;
	if (!peer_allowed(req)) {
		control_reply_error(req, 403, "Forbidden", "forbidden");
		return;
	}
	control_reply_error(req, HTTP_NOTFOUND, "Not Found", "not found");
}

/*
 * Clears PATH for a new socket: nothing there, or a stale socket (no one
 * accepts on it) which is removed. A live socket or any other file stays
 * and is an error.
 */
static int
clear_stale(const char *path, const struct sockaddr_un *sun)
{
	struct stat st;
	int fd, rc;

	if (lstat(path, &st) == -1)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISSOCK(st.st_mode)) {
		errno = EEXIST;
		return -1;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	rc = connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
	close(fd);
	if (rc == 0) {
		errno = EADDRINUSE;
		return -1;
	}
	return unlink(path);
}

/* A listening socket at PATH with mode 0600 from the moment it exists. */
static int
listen_unix(const char *path)
{
	struct sockaddr_un sun;
	mode_t old;
	int fd, rc;

	if (fill_sun(&sun, path) == -1 || clear_stale(path, &sun) == -1)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd == -1)
		return -1;
	old = umask(0177);
	rc = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	/* No chmod(path): it would follow a swapped path; umask made it 0600. */
	if (rc == -1 || listen(fd, 64) == -1) {
		rc = errno;
		if (rc != EADDRINUSE)
			unlink(path);
		close(fd);
		errno = rc;
		return -1;
	}
	return fd;
}

struct control *
control_start(struct event_base *base, const char *path,
    const struct control_ops *ops)
{
	struct control *ctl;
	struct evhttp_bound_socket *bound;
	int fd = -1;

	if ((ctl = calloc(1, sizeof(*ctl))) == NULL ||
	    (ctl->path = strdup(path)) == NULL) {
		log_warn("control: calloc");
		free(ctl);
		return NULL;
	}
	ctl->ops = *ops;
	if ((fd = listen_unix(path)) == -1) {
		log_warn("control socket %s", path);
		free(ctl->path);
		free(ctl);
		return NULL;
	}
	if ((ctl->http = evhttp_new(base)) == NULL) {
		log_warnx("control: evhttp_new failed");
		goto fail;
	}
	evhttp_set_allowed_methods(ctl->http, EVHTTP_REQ_GET |
	    EVHTTP_REQ_POST | EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT |
	    EVHTTP_REQ_DELETE);
	evhttp_set_max_headers_size(ctl->http, CONTROL_MAX_REQUEST);
	evhttp_set_max_body_size(ctl->http, 0);
	evhttp_set_timeout(ctl->http, 30);
	if (evhttp_set_cb(ctl->http, "/rotate", rotate_cb, ctl) != 0 ||
	    evhttp_set_cb(ctl->http, "/status.json", status_cb, ctl) != 0) {
		log_warnx("control: cannot route");
		goto fail;
	}
	evhttp_set_gencb(ctl->http, other_cb, ctl);
	if ((bound = evhttp_accept_socket_with_handle(ctl->http, fd)) == NULL) {
		log_warnx("control: cannot serve %s", path);
		goto fail;
	}
	if ((ctl->pause = accept_pause_new(base,
	    evhttp_bound_socket_get_listener(bound), "control")) == NULL) {
		log_warnx("control: cannot guard accept on %s", path);
		evhttp_free(ctl->http);
		ctl->http = NULL;
		unlink(path);
		free(ctl->path);
		free(ctl);
		return NULL;
	}
	log_info("control socket %s", path);
	return ctl;
fail:
	close(fd);
	unlink(path);
	if (ctl->http != NULL)
		evhttp_free(ctl->http);
	free(ctl->path);
	free(ctl);
	return NULL;
}

void
control_stop(struct control *ctl)
{
	if (ctl == NULL)
		return;
	evhttp_free(ctl->http);
	accept_pause_free(ctl->pause);
	if (unlink(ctl->path) == -1 && errno != ENOENT)
		log_warn("%s: unlink", ctl->path);
	free(ctl->path);
	free(ctl);
}

/* ---- client ---- */

/* Reads until EOF; the answer, malloc'd and NUL-terminated, or NULL. */
static char *
read_all(int fd)
{
	struct evbuffer *in;
	char *resp = NULL;
	size_t len;
	int n;

	if ((in = evbuffer_new()) == NULL)
		return NULL;
	while ((n = evbuffer_read(in, fd, -1)) != 0)
		if (n == -1 && errno != EINTR)
			goto out;
	len = evbuffer_get_length(in);
	if ((resp = malloc(len + 1)) != NULL) {
		evbuffer_remove(in, resp, len);
		resp[len] = '\0';
	}
out:
	evbuffer_free(in);
	return resp;
}

static int
send_rotate(int fd, char *const *patterns, size_t n)
{
	static const char tail[] =
	    " HTTP/1.0\r\nHost: mond\r\nContent-Length: 0\r\n\r\n";
	struct evbuffer *req;
	char *enc;
	size_t i;
	int rc = -1;

	if ((req = evbuffer_new()) == NULL ||
	    evbuffer_add(req, "POST /rotate", 12) == -1)
		goto out;
	for (i = 0; i < n; i++) {
		if ((enc = evhttp_uriencode(patterns[i], -1, 0)) == NULL)
			goto out;
		rc = evbuffer_add_printf(req, "%clog=%s", i == 0 ? '?' : '&',
		    enc);
		free(enc);
		if (rc == -1)
			goto out;
	}
	rc = -1;
	if (evbuffer_add(req, tail, sizeof(tail) - 1) == -1)
		goto out;
	if (evbuffer_get_length(req) > CONTROL_MAX_REQUEST) {
		errno = E2BIG;
		goto out;
	}
	while (evbuffer_get_length(req) > 0)
		if (evbuffer_write(req, fd) == -1 && errno != EINTR)
			goto out;
	rc = 0;
out:
	if (req != NULL)
		evbuffer_free(req);
	return rc;
}

/* Prints RESP's body to OUT and reads X-Mond-Failed; -1 when not a 200. */
static int
read_report(const char *path, const char *resp, FILE *out, int *failed)
{
	const char *body, *h;
	int code;

	if (sscanf(resp, "HTTP/1.%*d %d", &code) != 1 ||
	    (body = strstr(resp, "\r\n\r\n")) == NULL) {
		fprintf(stderr, "mond: %s: bad answer from the daemon\n", path);
		errno = EPROTO;
		return -1;
	}
	body += 4;
	if (code != 200) {
		fprintf(stderr, "mond: %s: the daemon answered %d: %s", path,
		    code, body);
		errno = code == 403 ? EPERM : EPROTO;
		return -1;
	}
	*failed = 0;
	if ((h = strcasestr(resp, "\r\nX-Mond-Failed:")) != NULL && h < body)
		*failed = atoi(h + strlen("\r\nX-Mond-Failed:"));
	fputs(body, out);
	fflush(out);
	return 0;
}

/*
 * Whether the process listening on FD is root or ourselves: a socket
 * squatted in a shared directory by another user must not get to answer
 * for the daemon (a forged report, exit 0).
 */
static int
trust_server(int fd, const char *path)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1) {
		fprintf(stderr, "mond: %s: SO_PEERCRED: %s\n", path,
		    strerror(errno));
		return -1;
	}
	if (cred.uid != 0 && cred.uid != geteuid()) {
		fprintf(stderr, "mond: %s: answered by uid %lu, neither root "
		    "nor this user: not the daemon, not trusted\n", path,
		    (unsigned long)cred.uid);
		return -1;
	}
	return 0;
}

int
control_force_rotate(const struct mond_conf *conf, char *const *patterns,
    size_t n, FILE *out, int *failed)
{
	struct sockaddr_un sun;
	char *resp;
	int fd, rc, saved;

	if (fill_sun(&sun, conf->control) == -1) {
		fprintf(stderr, "mond: %s: %s\n", conf->control, strerror(errno));
		return -1;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		fprintf(stderr, "mond: socket: %s\n", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		saved = errno;
		close(fd);
		if (saved != ENOENT && saved != ECONNREFUSED)
			fprintf(stderr, "mond: %s: %s\n", conf->control,
			    strerror(saved));
		errno = saved;
		return -1;
	}
	if (trust_server(fd, conf->control) == -1) {
		close(fd);
		errno = EPERM;
		return -1;
	}
	if (send_rotate(fd, patterns, n) == -1 ||
	    (resp = read_all(fd)) == NULL) {
		saved = errno;
		if (saved == E2BIG)
			fprintf(stderr, "mond: --force-rotate: the patterns do "
			    "not fit in one request (%d bytes)\n",
			    CONTROL_MAX_REQUEST);
		else
			fprintf(stderr, "mond: %s: %s\n", conf->control,
			    strerror(saved));
		close(fd);
		errno = saved == ENOENT || saved == ECONNREFUSED ? EIO : saved;
		return -1;
	}
	close(fd);
	rc = read_report(conf->control, resp, out, failed);
	free(resp);
	return rc;
}

int
control_cli_force(const struct run_opts *opts)
{
	struct mond_conf *conf;
	int failed = 0, rc;
	size_t i;

	/* An empty PATTERN matches nothing and cannot be sent: a usage error. */
	for (i = 0; i < opts->npatterns; i++)
		if (opts->patterns[i][0] == '\0') {
			fprintf(stderr, "mond: --force-rotate: empty PATTERN\n");
			return EXIT_USAGE;
		}
	/* Dry runs, another clock or another state file stay in process. */
	if (opts->dry_run || opts->has_now || opts->state_path != NULL)
		return -1;
	if ((conf = conf_load(opts->conf_path)) == NULL)
		return EXIT_ERROR;
	rc = control_force_rotate(conf, opts->patterns, opts->npatterns,
	    stdout, &failed);
	if (rc == -1 && (errno == ENOENT || errno == ECONNREFUSED))
		rc = -1;
	else if (rc == -1)
		rc = errno == E2BIG ? EXIT_USAGE : EXIT_ERROR;
	else
		rc = failed > 0 ? EXIT_ERROR : EXIT_OK;
	conf_free(conf);
	return rc;
}
