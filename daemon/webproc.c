/*
 * webproc.c: the web front as the root process sees it (webproc.h,
 * DESIGN §1).
 *
 * The front is executed afresh, not merely forked: the parent has threads
 * by the time a front is restarted, and a new image also gets its own
 * address-space layout. The link is a stream socketpair with frames of
 * frontmsg.h; what the front may send is two small kinds of frame, and any
 * other, or a larger one, gets it killed and started again. Nothing it
 * sends names a file or a log: a snapshot is the only thing it can ask for.
 * Its standard output and error are a pipe too, not the journal's stream:
 * each line it writes there is relayed escaped, prefixed "web front: ",
 * and at most ERR_LINES_PER_SEC a second, so it can neither forge mond's
 * lines nor flood them out of the messages file.
 */
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "util/clock.h"
#include "util/log.h"
#include "daemon/webproc.h"
#include "web/frontmain.h"
#include "web/frontmsg.h"

/* How long a starting front may take to say READY. */
#define READY_WAIT_MS		10000
/* Restarts come this soon after a death, backing off to RESTART_MAX_MS. */
#define RESTART_MIN_MS		100
#define RESTART_MAX_MS		5000
/* A front that lived this long resets the back-off. */
#define STEADY_SECS		10
/* The front's stderr lines relayed a second; longer lines are cut. */
#define ERR_LINES_PER_SEC	10
#define ERR_LINE_MAX		512
/* Snapshots queued unread past this: the front is not reading; skip. */
#define OUT_MAX			(64u * 1024 * 1024)
/*
 * At most one snapshot per this long: the front asks once a second, or
 * when told of a change; a front that asks more (a compromised one) gets
 * its asks merged, so it cannot make the root process spend its time
 * building snapshots.
 */
#define SNAPSHOT_EVERY_MS	250

struct webproc {
	struct event_base *base;
	struct http_conf http;
	struct applog_conf applog;
	webproc_snapshot_fn snapshot;
	void		*arg;
	pid_t		 pid;
	struct bufferevent *link;
	struct bufferevent *err;	/* the front's stdout and stderr */
	time_t		 err_second;	/* of the lines counted in err_lines */
	int		 err_lines;
	unsigned long	 err_dropped;
	struct event	*restart;
	struct event	*err_resume;	/* reading its stderr again, next second */
	struct event	*deferred;	/* a merged ask, answered when allowed */
	double		 sent;		/* monotonic time of the last snapshot */
	int		 backoff_ms;
	double		 started;
	int		 port;		/* bound: a restart keeps it */
	struct http_counts counts;
};

static char *
dup_str(const char *s, bool *oom)
{
	char *d;

	if (s == NULL)
		return NULL;
	if ((d = strdup(s)) == NULL)
		*oom = true;
	return d;
}

static void
free_confs(struct webproc *wp)
{
	free(wp->http.listen);
	free(wp->http.user);
	free(wp->http.status_allow);
	free(wp->applog.path);
}

/* Relays what the front wrote, line by line, within the rate. */
static void
relay_lines(struct webproc *wp, struct evbuffer *in, bool all)
{
	char line[ERR_LINE_MAX + 1];
	time_t now = time(NULL);
	struct evbuffer_ptr eol;
	size_t n, len;

	for (;;) {
		len = evbuffer_get_length(in);
		eol = evbuffer_search_eol(in, NULL, NULL, EVBUFFER_EOL_LF);
		if (eol.pos == -1 && len < ERR_LINE_MAX && !(all && len > 0))
			return;
		n = eol.pos != -1 && (size_t)eol.pos < ERR_LINE_MAX ?
		    (size_t)eol.pos : (len < ERR_LINE_MAX ? len : ERR_LINE_MAX);
		evbuffer_remove(in, line, n);
		line[n] = '\0';
		if (eol.pos != -1 && (size_t)eol.pos == n)
			evbuffer_drain(in, 1);
		if (now != wp->err_second) {
			if (wp->err_dropped > 0)
				log_warnx("web front: %lu lines not shown",
				    wp->err_dropped);
			wp->err_second = now;
			wp->err_lines = 0;
			wp->err_dropped = 0;
		}
		if (wp->err_lines++ < ERR_LINES_PER_SEC)
			log_warnx("web front: %s", line);
		else
			wp->err_dropped++;
		/*
		 * Past the rate, stop reading until the next second: a front
		 * writing without pause then blocks on its own full pipe
		 * instead of keeping the root process busy reading.
		 */
		if (!all && wp->err_lines >= ERR_LINES_PER_SEC &&
		    wp->err != NULL) {
			struct timeval tv = { 1, 0 };

			if (bufferevent_disable(wp->err, EV_READ) == 0 &&
			    evtimer_add(wp->err_resume, &tv) == 0)
				return;
		}
	}
}

static void
on_err_resume(evutil_socket_t fd, short what, void *arg)
{
	struct webproc *wp = arg;

	(void)fd; (void)what;
	if (wp->err == NULL)
		return;
	if (bufferevent_enable(wp->err, EV_READ) == -1)
		log_warnx("web front: its stderr is not read any more");
	relay_lines(wp, bufferevent_get_input(wp->err), false);
}

static void
on_err_read(struct bufferevent *bev, void *arg)
{
	relay_lines(arg, bufferevent_get_input(bev), false);
}

static void
on_err_event(struct bufferevent *bev, short what, void *arg)
{
	struct webproc *wp = arg;

	(void)what;
	relay_lines(wp, bufferevent_get_input(bev), true);
	bufferevent_free(bev);
	wp->err = NULL;
}

/*
 * The front's last words, read now: it is gone or going. Into a buffer
 * of our own: a bufferevent's input takes no bytes but its own reads.
 */
static void
drain_err(struct webproc *wp)
{
	struct evbuffer *last;
	int i;

	if (wp->err == NULL)
		return;
	if ((last = evbuffer_new()) != NULL) {
		evbuffer_add_buffer(last, bufferevent_get_input(wp->err));
		for (i = 0; i < 64 && evbuffer_read(last,
		    bufferevent_getfd(wp->err), 4096) > 0; i++)
			;
		relay_lines(wp, last, true);
		evbuffer_free(last);
	}
	bufferevent_free(wp->err);
	wp->err = NULL;
}

/* Kills and reaps the running front, if any. */
static void
reap(struct webproc *wp, bool kill_it)
{
	int status, i;
	pid_t w;

	if (wp->link != NULL) {
		bufferevent_free(wp->link);	/* closes the parent's end */
		wp->link = NULL;
	}
	if (wp->pid <= 0)
		return;
	if (kill_it)
		kill(wp->pid, SIGTERM);
	/* Its end closed or SIGTERM: it leaves at once; then SIGKILL. */
	for (i = 0; (w = waitpid(wp->pid, &status, WNOHANG)) == 0; i++) {
		if (i == 100)
			kill(wp->pid, SIGKILL);
		usleep(10000);
	}
	drain_err(wp);
	if (w == wp->pid && !kill_it) {
		if (WIFSIGNALED(status))
			log_warnx("web front (pid %ld) killed by signal %d",
			    (long)wp->pid, WTERMSIG(status));
		else
			log_warnx("web front (pid %ld) exited with status %d",
			    (long)wp->pid, WEXITSTATUS(status));
	}
	wp->pid = -1;
}

/* In the child, between fork and exec: async-signal-safe calls only. */
static void
exec_front(int fd, int errfd)
{
	static char *const argv[] = { "mond", "--web-front", NULL };
	sigset_t all;
	int null;

	if ((null = open("/dev/null", O_RDONLY)) == -1 ||
	    dup2(null, STDIN_FILENO) == -1 ||
	    dup2(errfd, STDOUT_FILENO) == -1 ||
	    dup2(errfd, STDERR_FILENO) == -1)
		_exit(127);
	/* dup2 onto itself keeps close-on-exec: clear it then. */
	if (fd == FRONT_LINK_FD ? fcntl(fd, F_SETFD, 0) == -1 :
	    dup2(fd, FRONT_LINK_FD) == -1)
		_exit(127);
	/* Linux 5.9 and later (Debian 12 has 6.1): nothing else goes along. */
	if (close_range(FRONT_LINK_FD + 1, ~0U, 0) == -1)
		_exit(127);
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	execv("/proc/self/exe", argv);
	_exit(127);
}

/* Writes all of B on blocking FD. */
static int
write_all(int fd, struct evbuffer *b)
{
	while (evbuffer_get_length(b) > 0)
		if (evbuffer_write(b, fd) == -1 && errno != EINTR)
			return -1;
	return 0;
}

static int
send_config(struct webproc *wp, int fd)
{
	struct evbuffer *payload = evbuffer_new(), *frame = evbuffer_new();
	struct http_conf http = wp->http;
	int rc = -1;

	if (wp->port > 0)
		http.port = wp->port;
	if (payload != NULL && frame != NULL) {
		fmsg_put_config(payload, &http, &wp->applog, &wp->counts);
		if (fmsg_frame(frame, FMSG_CONFIG, payload) == 0)
			rc = write_all(fd, frame);
	}
	if (payload != NULL)
		evbuffer_free(payload);
	if (frame != NULL)
		evbuffer_free(frame);
	return rc;
}

/*
 * Reads FD into IN until READY (0) or FAILED, EOF, timeout (-1, said);
 * what came after READY stays in IN.
 */
static int
await_ready(struct webproc *wp, int fd, struct evbuffer *in)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	double until = mond_monotonic() + READY_WAIT_MS / 1000.0, left;
	enum fmsg_type type;
	unsigned char *payload = NULL;
	size_t len;
	int rc = -1, n;

	while ((left = until - mond_monotonic()) > 0) {
		if (poll(&pfd, 1, (int)(left * 1000) + 1) == -1 &&
		    errno != EINTR)
			break;
		if (!(pfd.revents & (POLLIN | POLLHUP)))
			continue;
		if (evbuffer_read(in, fd, 4096) <= 0) {
			log_warnx("web front exited while starting");
			break;
		}
		if ((n = fmsg_next(in, FMSG_FROM_FRONT_MAX, &type, &payload,
		    &len)) == 0)
			continue;
		if (n == 1 && type == FMSG_READY) {
			struct fmsg_reader r = { payload, len, false };

			wp->port = (int)fmsg_get_u32(&r);
			rc = r.bad ? -1 : 0;
		} else if (n == 1 && type == FMSG_FAILED) {
			struct fmsg_reader r = { payload, len, false };
			const char *why = fmsg_get_str(&r);

			log_warnx("%s", why != NULL ? why : "web front failed");
		}
		break;
	}
	if (left <= 0)
		log_warnx("web front: not ready after %d ms", READY_WAIT_MS);
	free(payload);
	return rc;
}

static void on_link_read(struct bufferevent *bev, void *arg);
static void on_link_event(struct bufferevent *bev, short what, void *arg);

/*
 * FD (the front's end of something) non-blocking on the loop, with READ
 * and EVENT as its callbacks; it is closed on failure and with the
 * bufferevent returned.
 */
static struct bufferevent *
watch_fd(struct webproc *wp, int fd, bufferevent_data_cb read,
    bufferevent_event_cb event)
{
	struct bufferevent *bev;

	if (evutil_make_socket_nonblocking(fd) == -1 ||
	    (bev = bufferevent_socket_new(wp->base, fd,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL) {
		close(fd);
		return NULL;
	}
	bufferevent_setcb(bev, read, NULL, event, wp);
	return bev;
}

/* The pipe the front's stdout and stderr go to, watched; -1 when not. */
static int
watch_err(struct webproc *wp, int fd)
{
	if ((wp->err = watch_fd(wp, fd, on_err_read, on_err_event)) == NULL)
		return -1;
	return bufferevent_enable(wp->err, EV_READ);
}

/* The link, once READY: what came with READY is read first. */
static int
watch_link(struct webproc *wp, int fd, struct evbuffer *early)
{
	if ((wp->link = watch_fd(wp, fd, on_link_read, on_link_event)) == NULL)
		return -1;
	bufferevent_setwatermark(wp->link, EV_READ, 0, 4 * FMSG_FROM_FRONT_MAX);
	if (evbuffer_add_buffer(bufferevent_get_input(wp->link), early) == -1 ||
	    bufferevent_enable(wp->link, EV_READ) == -1)
		return -1;
	if (evbuffer_get_length(bufferevent_get_input(wp->link)) > 0)
		on_link_read(wp->link, wp);
	return 0;
}

static void
say_listening(const struct webproc *wp)
{
	const char *a = wp->http.listen;
	bool v6 = strchr(a, ':') != NULL;

	log_info("listening on http://%s%s%s:%d/", v6 ? "[" : "", a,
	    v6 ? "]" : "", wp->port);
}

/* Forks, executes and configures a front; 0 once it listens. */
static int
spawn(struct webproc *wp)
{
	struct evbuffer *early;
	int sv[2], ep[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1) {
		log_warn("web front: socketpair");
		return -1;
	}
	if (pipe2(ep, O_CLOEXEC) == -1) {
		log_warn("web front: pipe");
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if ((wp->pid = fork()) == -1) {
		log_warn("web front: fork");
		close(sv[0]);
		close(sv[1]);
		close(ep[0]);
		close(ep[1]);
		return -1;
	}
	if (wp->pid == 0)
		exec_front(sv[1], ep[1]);
	close(sv[1]);
	close(ep[1]);
	if (watch_err(wp, ep[0]) == -1)
		log_warnx("web front: its stderr is not read");
	if ((early = evbuffer_new()) == NULL || send_config(wp, sv[0]) == -1 ||
	    await_ready(wp, sv[0], early) == -1) {
		close(sv[0]);
		goto fail;
	}
	if (watch_link(wp, sv[0], early) == -1) {
		log_warnx("web front: cannot watch its link");
		goto fail;
	}
	evbuffer_free(early);
	wp->started = mond_monotonic();
	say_listening(wp);
	log_info("web front started (pid %ld)", (long)wp->pid);
	return 0;
fail:
	if (early != NULL)
		evbuffer_free(early);
	reap(wp, true);
	return -1;
}

static void
schedule_restart(struct webproc *wp)
{
	struct timeval tv;

	if (mond_monotonic() - wp->started >= STEADY_SECS)
		wp->backoff_ms = RESTART_MIN_MS;
	tv.tv_sec = wp->backoff_ms / 1000;
	tv.tv_usec = (wp->backoff_ms % 1000) * 1000;
	if (evtimer_add(wp->restart, &tv) == -1)
		log_warnx("web front: cannot schedule its restart");
	wp->backoff_ms = wp->backoff_ms * 2 > RESTART_MAX_MS ?
	    RESTART_MAX_MS : wp->backoff_ms * 2;
}

static void
on_restart(evutil_socket_t fd, short what, void *arg)
{
	struct webproc *wp = arg;

	(void)fd; (void)what;
	if (spawn(wp) == -1)
		schedule_restart(wp);
}

/* The front died, or broke the protocol: reaped, and started again. */
static void
lost(struct webproc *wp, bool kill_it)
{
	reap(wp, kill_it);
	log_warnx("web front down; starting a new one");
	schedule_restart(wp);
}

static void
send_snapshot(struct webproc *wp)
{
	struct evbuffer *out;
	struct evbuffer *payload;
	struct status_snapshot s;

	if (wp->link == NULL)
		return;
	out = bufferevent_get_output(wp->link);
	if (evbuffer_get_length(out) > OUT_MAX)
		return;
	wp->sent = mond_monotonic();
	if ((payload = evbuffer_new()) == NULL) {
		log_warn("web front: snapshot");
		return;
	}
	wp->snapshot(&s, wp->arg);
	fmsg_put_snapshot(payload, &s);
	if (fmsg_frame(out, FMSG_SNAPSHOT, payload) == -1)
		log_warn("web front: snapshot");
	evbuffer_free(payload);
}

static void
on_deferred(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what;
	send_snapshot(arg);
}

/* A snapshot now, or once SNAPSHOT_EVERY_MS has passed since the last. */
static void
answer_want(struct webproc *wp)
{
	double wait = wp->sent + SNAPSHOT_EVERY_MS / 1000.0 - mond_monotonic();
	struct timeval tv;

	if (wait <= 0) {
		send_snapshot(wp);
		return;
	}
	if (evtimer_pending(wp->deferred, NULL))
		return;
	tv.tv_sec = 0;
	tv.tv_usec = (suseconds_t)(wait * 1e6);
	if (evtimer_add(wp->deferred, &tv) == -1)
		send_snapshot(wp);
}

static void
on_link_read(struct bufferevent *bev, void *arg)
{
	struct webproc *wp = arg;
	enum fmsg_type type;
	unsigned char *payload;
	size_t len, i;
	int n;

	while ((n = fmsg_next(bufferevent_get_input(bev), FMSG_FROM_FRONT_MAX,
	    &type, &payload, &len)) == 1) {
		struct fmsg_reader r = { payload, len, false };
		struct http_counts c;

		if (type != FMSG_WANT) {
			free(payload);
			break;
		}
		for (i = 0; i < HTTP_NCOUNTED; i++)
			c.n[i] = fmsg_get_u64(&r);
		free(payload);
		if (r.bad || r.left != 0)
			break;
		wp->counts = c;
		answer_want(wp);
	}
	if (n != 0) {
		log_warnx("web front (pid %ld) sent what it may not; "
		    "killing it", (long)wp->pid);
		lost(wp, true);
	}
}

static void
on_link_event(struct bufferevent *bev, short what, void *arg)
{
	struct webproc *wp = arg;

	(void)bev;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		lost(wp, false);
}

struct webproc *
webproc_start(struct event_base *base, const struct http_conf *http,
    const struct applog_conf *applog, const struct webproc *old,
    webproc_snapshot_fn snapshot, void *arg)
{
	struct webproc *wp;
	bool oom = false;

	if ((wp = calloc(1, sizeof(*wp))) == NULL) {
		log_warn("web front");
		return NULL;
	}
	wp->base = base;
	wp->snapshot = snapshot;
	wp->arg = arg;
	wp->pid = -1;
	wp->backoff_ms = RESTART_MIN_MS;
	if (old != NULL) {
		wp->counts = old->counts;
		if (old->http.port == http->port && old->http.listen != NULL &&
		    http->listen != NULL &&
		    strcmp(old->http.listen, http->listen) == 0)
			wp->port = old->port;
	}
	wp->http = *http;
	wp->http.listen = dup_str(http->listen, &oom);
	wp->http.user = dup_str(http->user, &oom);
	wp->http.status_allow = dup_str(http->status_allow, &oom);
	wp->applog = *applog;
	wp->applog.path = dup_str(applog->path, &oom);
	if (oom || (wp->restart = evtimer_new(base, on_restart, wp)) == NULL ||
	    (wp->err_resume = evtimer_new(base, on_err_resume, wp)) == NULL ||
	    (wp->deferred = evtimer_new(base, on_deferred, wp)) == NULL) {
		log_warn("web front");
		webproc_stop(wp);
		return NULL;
	}
	if (spawn(wp) == -1) {
		webproc_stop(wp);
		return NULL;
	}
	return wp;
}

void
webproc_stale(struct webproc *wp)
{
	if (wp != NULL && wp->link != NULL &&
	    fmsg_frame(bufferevent_get_output(wp->link), FMSG_STALE, NULL) == -1)
		log_warn("web front: stale notice");
}

const struct http_counts *
webproc_counts(const struct webproc *wp)
{
	return &wp->counts;
}

void
webproc_halt(struct webproc *wp)
{
	if (wp == NULL)
		return;
	if (wp->restart != NULL)
		evtimer_del(wp->restart);
	if (wp->deferred != NULL)
		evtimer_del(wp->deferred);
	reap(wp, true);
	if (wp->err_resume != NULL)
		evtimer_del(wp->err_resume);
}

void
webproc_stop(struct webproc *wp)
{
	if (wp == NULL)
		return;
	webproc_halt(wp);
	if (wp->restart != NULL)
		event_free(wp->restart);
	if (wp->deferred != NULL)
		event_free(wp->deferred);
	if (wp->err_resume != NULL)
		event_free(wp->err_resume);
	free_confs(wp);
	free(wp);
}
