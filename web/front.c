/*
 * front.c: connections of the TCP front, on libevent's loop.
 *
 * Why not evhttp: per keep-alive request evhttp makes six system calls
 * (ioctl FIONREAD, readv, two epoll_ctl to arm and disarm EV_WRITE for a
 * write it defers a loop turn, writev, and the log's write) and some 40
 * mallocs; the speed target is 0.8x nginx, which makes three. Here a
 * connection is registered once for reading; each read is parsed in place
 * in the front's buffer, the answers to every complete request are staged
 * in one buffer and written at once with send(2). Only what the socket
 * does not take goes to an evbuffer, and only then is EV_WRITE armed.
 *
 * Bounds: a request head is at most HTTP_MAX_HEAD bytes and must arrive
 * within the timeout of the connection's last answer (a client sending a
 * byte at a time gains nothing, and costs no re-reading of its head);
 * answers waiting for a reader stop the reading of further requests past
 * OUT_HIGH bytes, and the front's unsent total past HELD_MAX makes the
 * routes refuse big pages (front_crowded); a pipelining client gets a
 * turn of TURN_REQUESTS answers or TURN_NSEC, then the others theirs; a
 * reader is dropped when its kernel queue stops draining for a timeout,
 * not merely when mond's writes to it are far apart; a connection that
 * ends after its answer (close, HTTP/1.0, an error) shuts its write side
 * and drains what the client still sends for LINGER_SECS, so that its
 * last answer is not lost to a reset.
 */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "util/clock.h"
#include "util/log.h"
#include "web/front.h"
#include "web/reply.h"

#define READ_SIZE	16384
/* Bodies up to this size are copied into the staging buffer. */
#define COPY_BODY_MAX	2048
/* Past this many bytes unsent, a connection's further requests wait. */
#define OUT_HIGH	(64 * 1024)
/* A connection's turn on the loop: this many requests or this long. */
#define TURN_REQUESTS	64
#define TURN_NSEC	1000000L
#define LINGER_SECS	2
/* Past this many unsent bytes in all, routes stop building big pages. */
#define HELD_MAX	(32 * 1024 * 1024)

struct conn {
	struct http_front *front;
	evutil_socket_t	 fd;
	struct event	*rev, *wev, *timer;
	struct event	*turn;		/* its next turn, after the others' */
	char		*carry;		/* bytes of requests not served yet */
	size_t		 carry_len;
	struct evbuffer	*out;		/* answers the socket has not taken */
	bool		 closing;	/* no request after the staged ones */
	bool		 lingering;	/* answered, write side shut, draining */
	bool		 reading;	/* rev is added */
	bool		 more;		/* a whole head waits in carry */
	int		 outq;		/* kernel send queue when timer was set */
	time_t		 born;		/* monotonic second it was accepted */
	struct sockaddr_storage peer;
	struct conn	*prev, *next;
};

struct http_front {
	struct event_base *base;
	const struct timeval *idle;	/* idle_tv, as a common timeout */
	struct timeval	 idle_tv;
	http_route_fn	 route;
	void		*arg;
	struct conn	*conns;
	size_t		 nconns;
	size_t		 max_conns;
	time_t		 deadline;	/* a connection's whole life, seconds */
	size_t		 held;		/* bytes in all the connections' out */
	struct reply_date date;		/* of the answers of this second */
	/*
	 * Scratch every connection shares within one callback: in[] holds a
	 * carry and what was read after it, parsed in place; stage[] answers
	 * for one send(2). Both must be empty between callbacks (what was not
	 * served went to a carry, what the socket did not take to an out):
	 * each callback asserts staged == 0 on entry.
	 */
	char		 in[HTTP_MAX_HEAD + READ_SIZE];
	size_t		 staged;
	char		 stage[16384];
};

/* Whether C has lived its whole allowed life. */
static bool
past_deadline(const struct conn *c)
{
	return mond_mono_secs() - c->born >= c->front->deadline;
}

static void
conn_close(struct conn *c)
{
	struct http_front *fr = c->front;

	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		fr->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	fr->nconns--;
	event_free(c->rev);
	event_free(c->wev);
	event_free(c->timer);
	event_free(c->turn);
	if (c->out != NULL) {
		/* Freeing calls no callback: what it held is taken off here. */
		fr->held -= evbuffer_get_length(c->out);
		evbuffer_free(c->out);	/* releases the bodies it holds */
	}
	free(c->carry);
	if (close(c->fd) == -1 && errno != EINTR)
		log_warn("http: close");
	free(c);
}

/* Keeps the front's total of unsent bytes as C's out grows and drains. */
static void
count_held(struct evbuffer *buf, const struct evbuffer_cb_info *info,
    void *arg)
{
	struct http_front *fr = arg;

	(void)buf;
	fr->held += info->n_added;
	fr->held -= info->n_deleted;
}

static int
new_out(struct conn *c)
{
	if (c->out != NULL)
		return 0;
	if ((c->out = evbuffer_new()) == NULL)
		return -1;
	if (evbuffer_add_cb(c->out, count_held, c->front) == NULL) {
		evbuffer_free(c->out);
		c->out = NULL;
		return -1;
	}
	return 0;
}

/* Moves the staged bytes to C's evbuffer; -1 when out of memory. */
static int
spill(struct conn *c)
{
	struct http_front *fr = c->front;

	if (fr->staged == 0)
		return 0;
	if (new_out(c) == -1)
		return -1;
	if (evbuffer_add(c->out, fr->stage, fr->staged) == -1)
		return -1;
	fr->staged = 0;
	return 0;
}

static size_t
unsent(const struct conn *c)
{
	return c->front->staged + (c->out != NULL ?
	    evbuffer_get_length(c->out) : 0);
}

/*
 * Stages the answer R to a request of version 1.MINOR. Without KEEP the
 * connection ends after it. -1 when out of memory (R's body released).
 */
static int
stage_reply(struct conn *c, const struct http_reply *r, bool head, int minor,
    bool keep)
{
	struct http_front *fr = c->front;
	const char *date = reply_date(&fr->date, fr->base);
	struct reply_lens lens;
	size_t need = reply_head_max(r, date, &lens);
	bool copy = !head && r->len <= COPY_BODY_MAX;
	char *p;

	if (need + COPY_BODY_MAX > sizeof(fr->stage)) {
		errno = E2BIG;		/* a route's fields are short */
		goto fail;
	}
	if (fr->staged + need + (copy ? r->len : 0) > sizeof(fr->stage) &&
	    spill(c) == -1)
		goto fail;
	p = reply_head(fr->stage + fr->staged, r, date, &lens, minor, keep);
	if (copy) {
		memcpy(p, r->body, r->len);
		p += r->len;
	}
	fr->staged = (size_t)(p - fr->stage);
	if (copy || head) {
		if (r->release != NULL)
			r->release(r->body, r->len, r->release_arg);
		return 0;
	}
	/* A big page is referenced, not copied, behind what is staged. */
	if (spill(c) == -1 || evbuffer_add_reference(c->out, r->body, r->len,
	    r->release, r->release_arg) == -1)
		goto fail;
	return 0;
fail:
	if (r->release != NULL)
		r->release(r->body, r->len, r->release_arg);
	return -1;
}

/* 400, 413, 431, 505: said once, then the connection ends. */
static int
stage_error(struct conn *c, int code, bool head)
{
	char body[REPLY_ERROR_PAGE];
	struct http_reply r;

	reply_error(&r, code, body);
	c->closing = true;
	return stage_reply(c, &r, head, 1, false);
}

/*
 * Asks the route for REQ's answer and stages it. Past its deadline a
 * connection gets this answer, with "Connection: close", and no more.
 */
static int
answer(struct conn *c, const struct http_request *head)
{
	struct http_front *fr = c->front;
	struct http_request req = *head;
	struct http_reply r = { 0 };

	/* No route takes a body, and skipping one unread is unsafe. */
	if (req.has_body)
		return stage_error(c, 413, req.method == HTTP_HEAD);
	req.peer = (const struct sockaddr *)&c->peer;
	if (req.keep_alive && past_deadline(c))
		req.keep_alive = false;
	fr->route(fr->arg, &req, &r);
	if (!req.keep_alive)
		c->closing = true;
	return stage_reply(c, &r, req.method == HTTP_HEAD, req.minor,
	    req.keep_alive);
}

/*
 * Keeps the LEN unserved bytes at P (a head not whole, requests past a
 * turn or past OUT_HIGH) in C's carry, C's own memory, since the front's
 * buffer is every connection's; none once C is closing.
 */
static int
keep_carry(struct conn *c, const char *p, size_t len)
{
	char *carry;

	if (len == 0 || c->closing) {
		free(c->carry);
		c->carry = NULL;
		c->carry_len = 0;
		return 0;
	}
	if ((carry = realloc(c->carry, len)) == NULL)
		return -1;
	memmove(carry, p, len);
	c->carry = carry;
	c->carry_len = len;
	return 0;
}

/* Copies C's carry to the start of the front's buffer; returns its length. */
static size_t
take_carry(struct conn *c)
{
	if (c->carry_len > 0)
		memcpy(c->front->in, c->carry, c->carry_len);
	return c->carry_len;
}

/*
 * Makes the close of C a reset: what the kernel still holds for a reader
 * cut at its deadline goes at once, not at the reader's pace.
 */
static void
drop_queue(struct conn *c)
{
	struct linger reset = { 1, 0 };

	if (setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &reset,
	    sizeof(reset)) == -1)
		log_warn("http: setsockopt SO_LINGER");
}

/* Bytes the kernel still holds to send on C, or -1. */
static int
send_queue(const struct conn *c)
{
	int q;

	return ioctl(c->fd, SIOCOUTQ, &q) == 0 ? q : -1;
}

/*
 * The timeout for a client to read: restarted on each write mond makes,
 * and (on_timeout) as long as the kernel's queue for it keeps draining,
 * but never past the connection's deadline: a reader still waited for
 * then is closed by on_timeout, however steadily it reads.
 */
static int
arm_write_timer(struct conn *c)
{
	struct timeval tv = c->front->idle_tv;
	time_t left = c->born + c->front->deadline - mond_mono_secs();

	c->outq = send_queue(c);
	if (left >= tv.tv_sec)
		return evtimer_add(c->timer, c->front->idle);
	tv.tv_sec = left > 0 ? left : 0;
	tv.tv_usec = 0;
	return evtimer_add(c->timer, &tv);
}

static void
start_linger(struct conn *c)
{
	struct timeval tv = { LINGER_SECS, 0 };

	c->lingering = true;
	if (shutdown(c->fd, SHUT_WR) == -1 ||
	    (!c->reading && event_add(c->rev, NULL) == -1) ||
	    evtimer_add(c->timer, &tv) == -1) {
		conn_close(c);
		return;
	}
	c->reading = true;
}

/*
 * Writes what is staged and unsent. Returns 0 when all is sent and C goes
 * on; 1 when the socket is full (EV_WRITE armed); -1 when C was closed or
 * has answered its last request.
 */
static int
flush(struct conn *c)
{
	struct http_front *fr = c->front;
	ssize_t n;

	if (c->out != NULL && evbuffer_get_length(c->out) > 0) {
		if (spill(c) == -1)
			goto broken;
		if (evbuffer_write(c->out, c->fd) == -1 && errno != EAGAIN &&
		    errno != EINTR)
			goto broken;
	} else if (fr->staged > 0) {
		n = send(c->fd, fr->stage, fr->staged, MSG_NOSIGNAL);
		if (n == -1 && errno != EAGAIN && errno != EINTR)
			goto broken;
		if (n == -1)
			n = 0;
		/* What the socket did not take waits in C's evbuffer. */
		if ((size_t)n < fr->staged && (new_out(c) == -1 ||
		    evbuffer_add(c->out, fr->stage + n, fr->staged - (size_t)n) ==
		    -1))
			goto broken;
		fr->staged = 0;
	}
	if (c->out != NULL && evbuffer_get_length(c->out) > 0) {
		/* Stop reading until the client reads what it asked. */
		if ((c->reading && event_del(c->rev) == -1) ||
		    event_add(c->wev, NULL) == -1 ||
		    arm_write_timer(c) == -1)
			goto broken;
		c->reading = false;
		return 1;
	}
	if (c->closing) {
		start_linger(c);
		return -1;
	}
	return 0;
broken:
	fr->staged = 0;
	conn_close(c);
	return -1;
}

/* Whether a head's end (an empty line) is in BUF[LEN] at or after FRESH. */
static bool
head_may_end(const char *buf, size_t len, size_t fresh)
{
	const char *p = buf + (fresh > 2 ? fresh - 2 : 0), *end = buf + len;

	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		if (++p == end)
			break;
		if (*p == '\n' || (*p == '\r' && p + 1 < end && p[1] == '\n'))
			return true;
	}
	return false;
}

/*
 * A connection's use of its turn: answers given and, from the second
 * (the first may have waited for its head), the time taken.
 */
struct turn {
	struct timespec	 start;
	int		 answered;
};

/* Whether the turn T is over: TURN_REQUESTS answers, or TURN_NSEC. */
static bool
turn_over(const struct turn *t)
{
	struct timespec now;

	if (t->answered >= TURN_REQUESTS)
		return true;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t->start.tv_sec) * 1000000000L +
	    (now.tv_nsec - t->start.tv_nsec) >= TURN_NSEC;
}

/*
 * Parses the request at the start of BUF[LEN] and stages its answer,
 * unless C's turn T is over (C->more set then). Returns the bytes of the
 * request answered; 0 when none was: its head is not whole yet, the turn
 * is over, or the head was refused with an error (C closing then); -1
 * when C is broken.
 */
static ssize_t
answer_next(struct conn *c, const char *buf, size_t len, struct turn *t)
{
	struct http_request req;
	ssize_t rc;

	if ((rc = http_parse_head(buf, len, HTTP_MAX_HEAD, &req)) == 0)
		return 0;
	/* Only a whole head (or a refusal) waits a turn. */
	if (t->answered == 1)
		clock_gettime(CLOCK_MONOTONIC, &t->start);
	else if (t->answered > 1 && turn_over(t)) {
		c->more = true;
		return 0;
	}
	if (rc < 0)
		return stage_error(c, (int)-rc, false) == -1 ? -1 : 0;
	t->answered++;
	return answer(c, &req) == -1 ? -1 : rc;
}

/* Why serve_stretch stopped. */
enum stop {
	STOP_INPUT,	/* no whole request left, or C ends after its answers */
	STOP_FULL,	/* OUT_HIGH bytes unsent: the rest waits for them */
	STOP_TURN,	/* its turn is over: the rest at the loop's next turn */
	STOP_BROKEN	/* out of memory or events: C must be closed */
};

/*
 * Stages the answers to the requests in the first LEN bytes of the
 * front's buffer while they are whole, C goes on, its turn T lasts and
 * its unsent answers are under OUT_HIGH; keeps the rest in C's carry.
 */
static enum stop
serve_stretch(struct conn *c, size_t len, struct turn *t)
{
	struct http_front *fr = c->front;
	enum stop why = STOP_INPUT;
	size_t off = 0;
	ssize_t rc;

	assert(fr->staged == 0);
	while (off < len && !c->closing) {
		if (unsent(c) >= OUT_HIGH) {
			why = STOP_FULL;
			break;
		}
		if ((rc = answer_next(c, fr->in + off, len - off, t)) == -1)
			return STOP_BROKEN;
		if (rc == 0)
			break;
		off += (size_t)rc;
	}
	if (c->more)
		why = STOP_TURN;
	if (keep_carry(c, fr->in + off, len - off) == -1)
		return STOP_BROKEN;
	/* A finished request earns the next one a whole timeout. */
	if (off > 0 && !c->closing && evtimer_add(c->timer, fr->idle) == -1)
		return STOP_BROKEN;
	return why;
}

/*
 * Serves the LEN bytes at the start of the front's buffer, those from
 * FRESH on just read: stretches of answers, each written out, until C
 * ends or waits to write, no whole request is left, or its turn is over
 * (the rest at the loop's next turn: one client cannot hold the loop).
 */
static void
serve(struct conn *c, size_t len, size_t fresh)
{
	/* A timer: an event made active now would run again this turn. */
	static const struct timeval next_turn = { 0, 0 };
	struct turn t = { .answered = 0 };
	enum stop why;

	/*
	 * The head did not end in what just came: it is no more complete
	 * than it was, and a client trickling it costs no re-reading (a bad
	 * line in it is answered once it ends, or at the size limit).
	 */
	if (fresh > 0 && len < HTTP_MAX_HEAD &&
	    !head_may_end(c->front->in, len, fresh)) {
		if (keep_carry(c, c->front->in, len) == -1)
			goto broken;
		return;
	}
	for (;;) {
		if ((why = serve_stretch(c, len, &t)) == STOP_BROKEN)
			goto broken;
		if (flush(c) != 0)
			return;		/* closed, ending, or waiting to write */
		if (why != STOP_FULL)
			break;
		/* All sent, but requests still wait: serve them now. */
		len = take_carry(c);
	}
	if (why == STOP_TURN && evtimer_add(c->turn, &next_turn) == -1)
		goto broken;
	return;
broken:
	log_warn("http: connection dropped");
	c->front->staged = 0;
	conn_close(c);
}

/* Serves what waits in C's carry, without reading. */
static void
serve_carry(struct conn *c)
{
	c->more = false;
	if (c->carry_len == 0)
		return;
	serve(c, take_carry(c), 0);
}

static void
on_read(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;
	struct http_front *fr = c->front;
	size_t have;
	ssize_t n;

	(void)what;
	assert(fr->staged == 0);
	if (c->lingering) {
		n = recv(fd, fr->in, sizeof(fr->in), 0);
		if (n == 0 || (n == -1 && errno != EAGAIN && errno != EINTR))
			conn_close(c);
		return;
	}
	if (c->more) {
		serve_carry(c);
		return;
	}
	have = take_carry(c);
	n = recv(fd, fr->in + have, sizeof(fr->in) - have, 0);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		conn_close(c);
		return;
	}
	serve(c, have + (size_t)n, have);
}

static void
on_write(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;

	(void)what;
	assert(c->front->staged == 0);
	if (evbuffer_write(c->out, fd) == -1 && errno != EAGAIN &&
	    errno != EINTR) {
		conn_close(c);
		return;
	}
	if (evbuffer_get_length(c->out) > 0) {
		if (arm_write_timer(c) == -1)
			conn_close(c);
		return;
	}
	if (event_del(c->wev) == -1) {
		conn_close(c);
		return;
	}
	if (c->closing) {
		start_linger(c);
		return;
	}
	if (event_add(c->rev, NULL) == -1 ||
	    evtimer_add(c->timer, c->front->idle) == -1) {
		conn_close(c);
		return;
	}
	c->reading = true;
	/* Requests read before the answers backed up come first. */
	serve_carry(c);
}

/*
 * Idle too long, slow to send a head, done lingering, or not reading its
 * answers: closed, unless the kernel's queue for it drained since the
 * timer was set (a slow but steady reader, which wakes EV_WRITE rarely)
 * and the connection is not past its deadline: a reader taking a byte
 * now and then cannot keep it open for ever.
 */
static void
on_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;
	int q;

	(void)fd;
	(void)what;
	assert(c->front->staged == 0);
	/*
	 * Past its deadline a reader still waited for is not waited longer,
	 * and what the kernel holds for it goes too (a reset, not a FIN
	 * after megabytes more at its pace).
	 */
	if (!c->lingering && !c->reading && past_deadline(c))
		drop_queue(c);
	else if (!c->lingering && !c->reading && (q = send_queue(c)) != -1 &&
	    q < c->outq) {
		c->outq = q;
		if (evtimer_add(c->timer, c->front->idle) == 0)
			return;
	}
	conn_close(c);
}

/* Its next turn; with answers unsent, on_write serves the rest. */
static void
on_turn(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;

	(void)fd;
	(void)what;
	assert(c->front->staged == 0);
	if (c->more && c->reading && !c->lingering)
		serve_carry(c);
}

struct http_front *
front_new(struct event_base *base, int timeout, int max_clients,
    http_route_fn route, void *arg)
{
	struct http_front *fr;

	if ((fr = calloc(1, sizeof(*fr))) == NULL)
		return NULL;
	fr->base = base;
	fr->max_conns = max_clients > 0 ? (size_t)max_clients : 1;
	fr->deadline = (time_t)timeout * FRONT_DEADLINE_TIMEOUTS;
	fr->route = route;
	fr->arg = arg;
	reply_date_init(&fr->date);
	fr->idle_tv.tv_sec = timeout;
	/*
	 * Thousands of connections share one timeout: libevent's O(1) queue,
	 * or its heap once a base has used up its 256 common timeouts.
	 */
	if ((fr->idle = event_base_init_common_timeout(base, &fr->idle_tv)) ==
	    NULL)
		fr->idle = &fr->idle_tv;
	return fr;
}

/*
 * One client too many: a 503 if the socket takes it at once, then closed.
 * Nothing is read and nothing waits, so a flood of connections costs a
 * send and a close each.
 */
static void
turn_away(evutil_socket_t fd)
{
	size_t len;
	const char *busy = reply_busy(&len);

	(void)send(fd, busy, len, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (close(fd) == -1 && errno != EINTR)
		log_warn("http: close");
}

void
front_adopt(struct http_front *fr, evutil_socket_t fd,
    const struct sockaddr *sa, int salen)
{
	struct conn *c;
	int one = 1;

	assert(fr->staged == 0);
	if (fr->nconns >= fr->max_conns) {
		turn_away(fd);
		return;
	}
	/* An answer is one write; Nagle would only hold back a spilled tail. */
	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == -1 &&
	    errno != EOPNOTSUPP)
		log_warn("http: setsockopt TCP_NODELAY");
	if ((c = calloc(1, sizeof(*c))) == NULL)
		goto fail;
	c->front = fr;
	c->fd = fd;
	c->born = mond_mono_secs();
	if (sa != NULL && salen > 0 && (size_t)salen <= sizeof(c->peer))
		memcpy(&c->peer, sa, (size_t)salen);
	c->rev = event_new(fr->base, fd, EV_READ | EV_PERSIST, on_read, c);
	c->wev = event_new(fr->base, fd, EV_WRITE | EV_PERSIST, on_write, c);
	c->timer = evtimer_new(fr->base, on_timeout, c);
	c->turn = evtimer_new(fr->base, on_turn, c);
	if (c->rev == NULL || c->wev == NULL || c->timer == NULL ||
	    c->turn == NULL ||
	    event_add(c->rev, NULL) == -1 ||
	    evtimer_add(c->timer, fr->idle) == -1)
		goto fail;
	c->reading = true;
	fr->nconns++;
	c->next = fr->conns;
	if (fr->conns != NULL)
		fr->conns->prev = c;
	fr->conns = c;
	return;
fail:
	log_warnx("http: cannot take a connection: out of memory or events");
	if (c != NULL) {
		if (c->rev != NULL)
			event_free(c->rev);
		if (c->wev != NULL)
			event_free(c->wev);
		if (c->timer != NULL)
			event_free(c->timer);
		if (c->turn != NULL)
			event_free(c->turn);
		free(c);
	}
	if (close(fd) == -1 && errno != EINTR)
		log_warn("http: close");
}

bool
front_crowded(const struct http_front *fr)
{
	return fr->held >= HELD_MAX;
}

void
front_free(struct http_front *fr)
{
	if (fr == NULL)
		return;
	while (fr->conns != NULL)
		conn_close(fr->conns);
	free(fr);
}
