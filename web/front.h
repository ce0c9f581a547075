/*
 * front.h: the TCP front's connections. A front adopts accepted
 * sockets and, on its event base, reads request heads, asks its route for
 * each answer, writes the answers in order, and closes idle, slow, broken
 * and finished connections. It knows nothing of mond's pages.
 */
#ifndef MOND_FRONT_H
#define MOND_FRONT_H

#include <stdbool.h>

#include <event2/buffer.h>
#include <event2/util.h>

#include "web/httpparse.h"

/* Longest request head (request line and fields) read; past it, 431. */
#define HTTP_MAX_HEAD	8192

struct event_base;
struct http_front;

/*
 * One answer. BODY is sent as is (HEAD gets its length and no body).
 * RELEASE, when set, frees BODY once sent or dropped; without it BODY
 * must outlive the front (a static page).
 */
struct http_reply {
	int		 code;
	const char	*reason;
	const char	*type;		/* Content-Type, or NULL */
	const char	*extra;		/* more fields, each ending CRLF, or NULL */
	const char	*body;
	size_t		 len;
	evbuffer_ref_cleanup_cb release;
	void		*release_arg;	/* RELEASE's third argument */
};

/* Fills REPLY for REQ, a well-formed request without a body. */
typedef void (*http_route_fn)(void *arg, const struct http_request *req,
	    struct http_reply *reply);

/*
 * A front on BASE closing connections that take more than TIMEOUT
 * seconds to send a whole request head or to read what was answered, and
 * any connection FRONT_DEADLINE_TIMEOUTS timeouts after it came, once its
 * current answer is out or at once when it is slow to read it. At most
 * MAX_CLIENTS connections at once: one more gets a 503 and is closed.
 * NULL (errno set) when out of memory.
 */
struct http_front *front_new(struct event_base *base, int timeout,
	    int max_clients, http_route_fn route, void *arg);

#define FRONT_DEADLINE_TIMEOUTS	6

/*
 * Takes FD (non-blocking, connected, from peer SA of SALEN bytes); on
 * failure closes it and says why.
 */
void	front_adopt(struct http_front *front, evutil_socket_t fd,
	    const struct sockaddr *sa, int salen);

/*
 * Whether the answers clients have not read yet hold so much memory that
 * a route should not build another big one (and answer 503 instead).
 */
bool	front_crowded(const struct http_front *front);

/* Closes every connection, then frees FRONT. */
void	front_free(struct http_front *front);

#endif
