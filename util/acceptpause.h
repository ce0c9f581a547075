/*
 * acceptpause.h: what a listener does when accept() fails for a reason a
 * retry cannot cure at once (EMFILE, ENFILE, ENOMEM). libevent would warn
 * and retry at once, for ever: a core spinning and stderr flooding while
 * the pending connection stays. Instead accepting stops for a moment, and
 * the failure is said at most once every few seconds.
 */
#ifndef MOND_ACCEPTPAUSE_H
#define MOND_ACCEPTPAUSE_H

struct event_base;
struct evconnlistener;
struct accept_pause;

/* How long accepting stops after a failure, in ms. */
#define ACCEPT_PAUSE_MS		100

/*
 * Sets LEV's error callback to pause it; WHAT names it in the message
 * ("http", "control"). NULL when out of memory or events.
 */
struct accept_pause *accept_pause_new(struct event_base *base,
	    struct evconnlistener *lev, const char *what);

/* Before LEV is freed. */
void	accept_pause_free(struct accept_pause *ap);

#endif
