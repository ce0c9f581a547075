/*
 * webproc.h: the root process's side of the web front. It forks and
 * executes `mond --web-front` with one end of a socketpair, sends it its
 * settings, and from then on only answers: a snapshot of the status when
 * the front asks, a notice when the status changed. A front that dies is
 * logged and started again; rotation never waits for it.
 */
#ifndef MOND_WEBPROC_H
#define MOND_WEBPROC_H

#include "conf/conf.h"
#include "web/http.h"
#include "web/render.h"

struct event_base;
struct webproc;

/* Where the snapshots come from: as http_status_ops' snapshot. */
typedef void (*webproc_snapshot_fn)(struct status_snapshot *s, void *arg);

/*
 * Starts a front on HTTP and APPLOG (copied), its response counts going
 * on from those of OLD (NULL: zero), and waits until it listens. When OLD
 * listened on the address and port HTTP names, the new one takes the port
 * OLD bound (the same with port = 0). NULL after saying why (the front's
 * own words included).
 */
struct webproc *webproc_start(struct event_base *base,
	    const struct http_conf *http, const struct applog_conf *applog,
	    const struct webproc *old, webproc_snapshot_fn snapshot,
	    void *arg);

/* The status changed: the front's next status page asks again. */
void	webproc_stale(struct webproc *wp);

/* The responses the front last reported, by code (http_counts_list). */
const struct http_counts *webproc_counts(const struct webproc *wp);

/* Stops the front (SIGTERM, then SIGKILL), not to be restarted. */
void	webproc_halt(struct webproc *wp);

/* Stops the front as webproc_halt() and frees WP. */
void	webproc_stop(struct webproc *wp);

#endif
