/*
 * http.h: the TCP web front. evhttp on http.listen:http.port; GET / answers
 * "Stage Seven!" and logs through the applog. Nothing reachable here
 * changes a file.
 */
#ifndef MOND_HTTP_H
#define MOND_HTTP_H

#include "conf/conf.h"

struct event_base;
struct applog;
struct http_server;

/*
 * Binds and starts serving on BASE. The applog is borrowed, not owned.
 * Returns NULL (after logging why) when the address cannot be bound.
 */
struct http_server *http_start(struct event_base *base,
	    const struct http_conf *conf, struct applog *applog);

/* The port actually bound (useful with port = 0). */
int	http_port(const struct http_server *srv);

void	http_stop(struct http_server *srv);

#endif
