/*
 * watch.h: the size triggers. inotify on the directories of the configured
 * logs; a burst of writes is held off ~200 ms, then the logs written to are
 * stat()ed against their thresholds and, when one crossed, or a new file
 * matching a pattern appeared, the trigger callback runs once. Idle logs
 * cost nothing: no timer runs while nothing is written.
 */
#ifndef MOND_WATCH_H
#define MOND_WATCH_H

#include <time.h>

#include "conf/conf.h"
#include "engine/pass.h"

struct event_base;
struct watch;

typedef void (*watch_trigger_fn)(void *arg);

/* Watches the directories CONF's patterns name. NULL after logging why. */
struct watch *watch_new(struct event_base *base, const struct mond_conf *conf,
	    watch_trigger_fn trigger, void *arg);

/*
 * Takes the thresholds from a full pass's report REP (made at NOW under
 * CONF): a log triggers when its size reaches the smallest of its rule's
 * size, maxsize, and minsize when its time is due already. Logs that just
 * failed or were skipped do not trigger (the timer retries them). The
 * directories of REP's logs are watched too. Returns 0, or -1 on ENOMEM.
 */
int	watch_update(struct watch *w, const struct mond_conf *conf,
	    const struct pass_report *rep, time_t now);

void	watch_free(struct watch *w);

#endif
