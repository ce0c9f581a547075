/*
 * notify.h: what the daemon tells systemd under Type=notify (sd_notify):
 * READY=1 once the config is loaded and every socket listens, RELOADING=1
 * then READY=1 around a SIGHUP, a one-line STATUS=, STOPPING=1, and, when
 * the unit sets WatchdogSec=, WATCHDOG=1 from the loop at half the period
 * while the rotation worker is alive, so that a stuck worker gets the
 * service restarted. Outside systemd (no $NOTIFY_SOCKET) every call does
 * nothing.
 */
#ifndef MOND_NOTIFY_H
#define MOND_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct event_base;
struct notify;

/* Whether the worker may be vouched for; asked before each watchdog ping. */
typedef bool (*notify_alive_fn)(void *arg);

/*
 * Arms the watchdog's timer on BASE when systemd asked for one. NULL only
 * when that fails (said).
 */
struct notify *notify_start(struct event_base *base, notify_alive_fn alive,
	    void *arg);
void	notify_ready(struct notify *n);
void	notify_reloading(struct notify *n);
void	notify_stopping(struct notify *n);
/*
 * STATUS=: "N logs; last rotation PATH at TIME; E failing" (or "no
 * rotation yet"), sent only when it changed.
 */
void	notify_status(struct notify *n, size_t nlogs, const char *last_path,
	    time_t last, size_t nfailing);
void	notify_free(struct notify *n);

#endif
