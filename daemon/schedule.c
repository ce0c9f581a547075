/*
 * schedule.c: the daemon's loop. One libevent base carries the web front and
 * the signals (SIGTERM/SIGINT stop, SIGHUP reloads); the rotation timers and
 * the worker thread hang off the same struct daemon later. The loop itself
 * never blocks on a file: it only dispatches.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "conf/conf.h"
#include "daemon/applog.h"
#include "daemon/log.h"
#include "daemon/mond.h"
#include "web/http.h"

struct daemon {
	const struct run_opts	*opts;
	struct mond_conf	*conf;
	struct event_base	*base;
	struct applog		*applog;
	struct http_server	*http;
	struct event		*ev_term;
	struct event		*ev_int;
	struct event		*ev_hup;
};

static bool
str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static bool
applog_conf_eq(const struct applog_conf *a, const struct applog_conf *b)
{
	return str_eq(a->path, b->path) && a->maxbytes == b->maxbytes &&
	    a->backups == b->backups && a->level == b->level;
}

static bool
http_conf_eq(const struct http_conf *a, const struct http_conf *b)
{
	return str_eq(a->listen, b->listen) && a->port == b->port &&
	    a->timeout == b->timeout;
}

static struct applog *
open_applog(const struct applog_conf *conf)
{
	struct applog *al;

	if ((al = applog_open(conf)) == NULL)
		log_warn("%s: cannot open the applog", conf->path);
	return al;
}

/*
 * Moves the web front and its log to NEW's settings. The listener is
 * restarted (its connections dropped) only when one of them changed; when
 * the new one cannot start, the old settings are put back. Returns 0, or
 * -1 when NEW could not be applied (the daemon still runs on the old).
 */
static int
apply_web(struct daemon *d, const struct mond_conf *new)
{
	struct applog *al = d->applog;
	struct http_server *srv;
	bool log_changed = !applog_conf_eq(&d->conf->applog, &new->applog);

	if (!log_changed && http_conf_eq(&d->conf->http, &new->http))
		return 0;
	if (log_changed && (al = open_applog(&new->applog)) == NULL)
		return -1;
	http_stop(d->http);
	d->http = NULL;
	if ((srv = http_start(d->base, &new->http, al)) == NULL) {
		if (al != d->applog)
			applog_close(al);
		d->http = http_start(d->base, &d->conf->http, d->applog);
		if (d->http == NULL)
			log_warnx("the web front is down until the next reload");
		return -1;
	}
	d->http = srv;
	if (al != d->applog) {
		log_set_applog(al);
		applog_close(d->applog);
		d->applog = al;
	}
	return 0;
}

static void
on_stop(evutil_socket_t sig, short what, void *arg)
{
	struct daemon *d = arg;

	(void)what;
	log_info("signal %d: exiting", (int)sig);
	event_base_loopexit(d->base, NULL);
}

/* SIGHUP: the new config replaces the old only when all of it applies. */
static void
on_reload(evutil_socket_t sig, short what, void *arg)
{
	struct daemon *d = arg;
	struct mond_conf *new;

	(void)sig; (void)what;
	if ((new = conf_load(d->opts->conf_path)) == NULL) {
		log_warnx("%s: reload failed, keeping the running configuration",
		    d->opts->conf_path);
		return;
	}
	if (apply_web(d, new) == -1) {
		log_warnx("%s: reload not applied, keeping the running "
		    "configuration", d->opts->conf_path);
		conf_free(new);
		return;
	}
	conf_free(d->conf);
	d->conf = new;
	log_info("%s: configuration reloaded", d->opts->conf_path);
}

static int
add_signal(struct daemon *d, struct event **ev, int sig,
    event_callback_fn cb)
{
	if ((*ev = evsignal_new(d->base, sig, cb, d)) == NULL ||
	    event_add(*ev, NULL) == -1) {
		log_warnx("cannot watch signal %d", sig);
		return -1;
	}
	return 0;
}

static void
daemon_free(struct daemon *d)
{
	if (d->ev_hup != NULL)
		event_free(d->ev_hup);
	if (d->ev_int != NULL)
		event_free(d->ev_int);
	if (d->ev_term != NULL)
		event_free(d->ev_term);
	http_stop(d->http);
	if (d->base != NULL)
		event_base_free(d->base);
	log_set_applog(NULL);
	applog_close(d->applog);
	conf_free(d->conf);
}

int
mond_daemon(const struct run_opts *opts)
{
	struct daemon d = { .opts = opts };
	int rc = EXIT_ERROR;

	if ((d.conf = conf_load(opts->conf_path)) == NULL)
		return EXIT_ERROR;
	if ((d.applog = open_applog(&d.conf->applog)) == NULL)
		goto done;
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) {
		log_warn("signal SIGPIPE");
		goto done;
	}
	if ((d.base = event_base_new()) == NULL) {
		log_warnx("event_base_new failed");
		goto done;
	}
	if (add_signal(&d, &d.ev_term, SIGTERM, on_stop) == -1 ||
	    add_signal(&d, &d.ev_int, SIGINT, on_stop) == -1 ||
	    add_signal(&d, &d.ev_hup, SIGHUP, on_reload) == -1)
		goto done;
	if ((d.http = http_start(d.base, &d.conf->http, d.applog)) == NULL)
		goto done;
	/*
	 * Attached after the start-up line: mon.log starts as the seed's
	 * does, with nothing but what the page and the rotations write.
	 */
	log_set_applog(d.applog);
	if (event_base_dispatch(d.base) == -1) {
		log_warnx("event_base_dispatch failed");
		goto done;
	}
	rc = EXIT_OK;
done:
	daemon_free(&d);
	return rc;
}
