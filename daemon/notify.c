/*
 * notify.c: the daemon's side of systemd's notify protocol (notify.h).
 * Datagrams on $NOTIFY_SOCKET through libsystemd's sd_notify; a failed one
 * is said once and the daemon goes on, since systemd then only misses news.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <systemd/sd-daemon.h>

#include "daemon/notify.h"
#include "util/log.h"

struct notify {
	struct event	*ev_watchdog;	/* NULL: systemd wants no pings */
	notify_alive_fn	 alive;
	void		*arg;
	bool		 said_failure;
	bool		 worker_down;	/* pings held back: said once */
	char		 status[512];	/* the last STATUS= sent */
};

static void
send_state(struct notify *n, const char *state)
{
	int rc = sd_notify(0, state);

	if (rc < 0 && !n->said_failure) {
		log_warnx("sd_notify %.*s: %s", (int)strcspn(state, "=\n"),
		    state, strerror(-rc));
		n->said_failure = true;
	}
}

static void
on_watchdog(evutil_socket_t fd, short what, void *arg)
{
	struct notify *n = arg;

	(void)fd; (void)what;
	if (n->alive(n->arg)) {
		if (n->worker_down)
			log_info("watchdog: the rotation worker answers again");
		n->worker_down = false;
		send_state(n, "WATCHDOG=1");
	} else if (!n->worker_down) {
		log_warnx("watchdog: the rotation worker is stuck or gone; "
		    "no more pings, so systemd restarts mond");
		n->worker_down = true;
	}
}

struct notify *
notify_start(struct event_base *base, notify_alive_fn alive, void *arg)
{
	struct notify *n;
	uint64_t usec = 0;
	struct timeval half;
	int rc;

	if ((n = calloc(1, sizeof(*n))) == NULL) {
		log_warn("notify");
		return NULL;
	}
	n->alive = alive;
	n->arg = arg;
	if ((rc = sd_watchdog_enabled(0, &usec)) < 0)
		log_warnx("WATCHDOG_USEC: %s: no watchdog pings",
		    strerror(-rc));
	if (rc <= 0 || usec == 0)
		return n;
	/* Half the period, as sd_watchdog_enabled(3) advises. */
	half.tv_sec = (time_t)(usec / 2 / 1000000);
	half.tv_usec = (suseconds_t)(usec / 2 % 1000000);
	if ((n->ev_watchdog = event_new(base, -1, EV_PERSIST, on_watchdog,
	    n)) == NULL || event_add(n->ev_watchdog, &half) == -1) {
		log_warnx("watchdog: cannot arm its timer");
		notify_free(n);
		return NULL;
	}
	return n;
}

void
notify_ready(struct notify *n)
{
	send_state(n, "READY=1");
	/* The first ping at once: systemd's timer runs from the start. */
	if (n->ev_watchdog != NULL)
		on_watchdog(-1, 0, n);
}

void
notify_reloading(struct notify *n)
{
	send_state(n, "RELOADING=1");
}

void
notify_stopping(struct notify *n)
{
	send_state(n, "STOPPING=1");
}

void
notify_status(struct notify *n, size_t nlogs, const char *last_path,
    time_t last, size_t nfailing)
{
	char line[sizeof(n->status)], when[32];
	struct tm tm;

	if (last_path != NULL && last != 0 && localtime_r(&last, &tm) != NULL &&
	    strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm) > 0)
		snprintf(line, sizeof(line),
		    "STATUS=%zu log%s; last rotation %s at %s; %zu failing",
		    nlogs, nlogs == 1 ? "" : "s", last_path, when, nfailing);
	else
		snprintf(line, sizeof(line),
		    "STATUS=%zu log%s; no rotation yet; %zu failing",
		    nlogs, nlogs == 1 ? "" : "s", nfailing);
	/* One line: a path with a newline must not start a second field. */
	line[strcspn(line, "\n")] = '\0';
	if (strcmp(line, n->status) == 0)
		return;
	memcpy(n->status, line, sizeof(line));
	send_state(n, line);
}

void
notify_free(struct notify *n)
{
	if (n == NULL)
		return;
	if (n->ev_watchdog != NULL)
		event_free(n->ev_watchdog);
	free(n);
}
