/*
 * http.h: the TCP web front on http.listen:http.port; GET / answers
 * "Stage Seven!" and logs through the applog; /status, /status.json,
 * /metrics and /healthz show what the daemon knows. Nothing reachable here
 * changes a file.
 */
#ifndef MOND_HTTP_H
#define MOND_HTTP_H

#include "conf/conf.h"

struct event_base;
struct applog;
struct http_server;
struct status_snapshot;
struct status_http_count;

/* The status codes counted for mond_http_requests_total. */
#define HTTP_NCOUNTED	6

/*
 * Responses sent, by code. Owned by the caller so that the counts survive
 * a listener restarted by a reload. Only the loop thread writes them.
 */
struct http_counts {
	unsigned long long n[HTTP_NCOUNTED];
};

/*
 * Where the status routes get their data. SNAPSHOT fills every field of
 * S (version NULL when there is no data yet: the pages answer 503), the http counts included (COUNTS as http_counts_list() lists them,
 * into storage of its own), so a page is one call and a render; its
 * pointers stay valid until the loop runs again. ALIVE says whether the
 * worker is alive for /healthz. COUNTS is borrowed: the front counts its
 * responses there.
 */
struct http_status_ops {
	void	(*snapshot)(struct status_snapshot *s, void *arg);
	int	(*alive)(void *arg);
	struct http_counts *counts;
	void	*arg;
};

/*
 * Binds and starts serving on BASE. The applog is borrowed, not owned.
 * Returns NULL (after logging why) when the address cannot be bound;
 * says nothing when it could (the caller says when it serves).
 */
struct http_server *http_start(struct event_base *base,
	    const struct http_conf *conf, struct applog *applog);

/*
 * Enables /status, /status.json, /metrics (as the config allows) and
 * /healthz on SRV; until then they answer 404.
 */
void	http_set_status(struct http_server *srv,
	    const struct http_status_ops *ops);

/*
 * Lists COUNTS into OUT (HTTP_NCOUNTED slots), one per code; returns how
 * many it wrote.
 */
size_t	http_counts_list(const struct http_counts *counts,
	    struct status_http_count *out);

/* The log GET / writes to (borrowed); NULL: none. */
void	http_set_applog(struct http_server *srv, struct applog *applog);

/* The port actually bound (useful with port = 0). */
int	http_port(const struct http_server *srv);

void	http_stop(struct http_server *srv);

#endif
