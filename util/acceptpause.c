/*
 * acceptpause.c: a listener's back-off when accept() fails (acceptpause.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <event2/listener.h>

#include "util/acceptpause.h"
#include "util/log.h"

/* At most one "accept paused" message per this many seconds. */
#define ACCEPT_WARN_EVERY	10

/* Listeners paused this way at once: the web front's and the control's. */
#define MAX_PAUSED		8

struct accept_pause {
	struct evconnlistener *lev;
	struct event	*resume;
	const char	*what;
	time_t		 warned;
};

/*
 * The error callback gets the argument the listener was made with (evhttp
 * owns the control socket's), not ours: each pause is found by listener.
 * Only the loop thread touches this.
 */
static struct accept_pause *paused[MAX_PAUSED];

static struct accept_pause *
find(const struct evconnlistener *lev)
{
	size_t i;

	for (i = 0; i < MAX_PAUSED; i++)
		if (paused[i] != NULL && paused[i]->lev == lev)
			return paused[i];
	return NULL;
}

static void
on_error(struct evconnlistener *lev, void *arg)
{
	struct accept_pause *ap = find(lev);
	struct timeval tv = { 0, ACCEPT_PAUSE_MS * 1000 };
	int err = EVUTIL_SOCKET_ERROR();
	time_t now = time(NULL);

	(void)arg;
	if (ap == NULL)
		return;
	if (now - ap->warned >= ACCEPT_WARN_EVERY) {
		ap->warned = now;
		log_warnx("%s: accept: %s; not accepting for %d ms", ap->what,
		    strerror(err), ACCEPT_PAUSE_MS);
	}
	if (evconnlistener_disable(lev) == 0 && evtimer_add(ap->resume, &tv) ==
	    0)
		return;
	/* Without the timer, keep accepting rather than go deaf. */
	evconnlistener_enable(lev);
}

static void
on_resume(evutil_socket_t fd, short what, void *arg)
{
	struct accept_pause *ap = arg;

	(void)fd; (void)what;
	evconnlistener_enable(ap->lev);
}

struct accept_pause *
accept_pause_new(struct event_base *base, struct evconnlistener *lev,
    const char *what)
{
	struct accept_pause *ap;
	size_t i;

	for (i = 0; i < MAX_PAUSED && paused[i] != NULL; i++)
		;
	if (i == MAX_PAUSED || (ap = calloc(1, sizeof(*ap))) == NULL)
		return NULL;
	ap->lev = lev;
	ap->what = what;
	if ((ap->resume = evtimer_new(base, on_resume, ap)) == NULL) {
		free(ap);
		return NULL;
	}
	paused[i] = ap;
	evconnlistener_set_error_cb(lev, on_error);
	return ap;
}

void
accept_pause_free(struct accept_pause *ap)
{
	size_t i;

	if (ap == NULL)
		return;
	for (i = 0; i < MAX_PAUSED; i++)
		if (paused[i] == ap)
			paused[i] = NULL;
	event_free(ap->resume);
	free(ap);
}
