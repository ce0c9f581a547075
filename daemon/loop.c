/*
 * loop.c: the daemon's loop (DESIGN §4). One libevent base carries the
 * web front, the control socket, the signals, the size triggers (watch.c)
 * and one timer to the earliest next-due moment; the rotation work itself
 * runs on the worker thread (worker.c). The loop never blocks on a file: it
 * only queues passes and reads their reports back.
 */
#include <sys/resource.h>

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/thread.h>

#include "conf/conf.h"
#include "util/applog.h"
#include "util/clock.h"
#include "daemon/control.h"
#include "util/log.h"
#include "daemon/mond.h"
#include "daemon/notify.h"
#include "engine/pass.h"
#include "engine/state.h"
#include "daemon/status.h"
#include "daemon/watch.h"
#include "daemon/webproc.h"
#include "daemon/worker.h"
#include "web/http.h"
#include "web/render.h"

/* The timer wakes at least this often to notice clock jumps and suspend. */
#define RECHECK_SECS	60
/* A log that failed, or is due but vetoed, is looked at again after this. */
#define RETRY_SECS	300
/*
 * /healthz and the watchdog call the worker stuck when one job has run this
 * long; $MOND_STUCK_SECS (a testing aid) when a positive number.
 */
#define STUCK_SECS	900

struct daemon {
	const struct run_opts	*opts;
	struct mond_conf	*conf;		/* owned by the worker once it runs */
	bool			 conf_owned;
	struct event_base	*base;
	struct applog		*messages;	/* mond's own lines; or NULL */
	struct webproc		*web;
	struct control		*control;
	struct worker		*worker;
	struct watch		*watch;
	struct notify		*notify;	/* systemd's READY, STATUS, watchdog */
	int			 stuck_secs;
	int			 lockfd;
	struct event		*ev_term;
	struct event		*ev_int;
	struct event		*ev_hup;
	struct event		*ev_usr1;
	struct event		*ev_timer;
	struct event		*ev_sample;	/* twice a history step */
	int			 history_step;
	bool			 usr1_queued;
	time_t			 due;		/* earliest next-due; -1 none */
	time_t			 armed_wall;	/* the clock when the timer was armed */
	double			 armed_mono;
	struct pass_report	 last;		/* the last full pass */
	time_t			 last_now;
	struct status_table	*status;	/* what the status pages show */
	/* the front's counts as the last snapshot listed them */
	struct status_http_count http_listed[HTTP_NCOUNTED];
	struct status_problem	*problems;	/* the conf's, as the pages list them */
	time_t			 started;
	char			*rotated_path;	/* the last log this run rotated */
	time_t			 rotated_at;
};

static void fill_snapshot(struct status_snapshot *s, void *arg);
static int worker_is_alive(void *arg);

/*
 * The sizes read for the history, as a page would (status_fill, at most
 * once a second whoever asks): nobody need be looking for a day to show.
 */
static void
on_sample(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;
	struct status_snapshot s;

	(void)fd; (void)what;
	status_fill(d->status, &s, worker_now(d->worker));
}

/*
 * The logs' sizes are read twice a step even when no page asks, so no
 * step goes without a sample.
 */
static int
start_sampling(struct daemon *d)
{
	struct timeval tv = { d->history_step / 2, d->history_step % 2 *
	    500000 };

	if ((d->ev_sample = event_new(d->base, -1, EV_PERSIST, on_sample,
	    d)) == NULL || event_add(d->ev_sample, &tv) == -1) {
		log_warnx("status: cannot sample the logs' sizes");
		return -1;
	}
	return 0;
}

/* The web front's process on CONF, going on from OLD's (may be NULL). */
static struct webproc *
start_web(struct daemon *d, const struct mond_conf *conf,
    const struct webproc *old)
{
	return webproc_start(d->base, &conf->http, &conf->applog, old,
	    fill_snapshot, d);
}

/* mond's own lines beside stderr: rolled as mon.log, at INFO. */
static int
messages_conf(const struct mond_conf *conf, struct applog_conf *out)
{
	*out = (struct applog_conf){ conf->messages, 1000000, 7, APPLOG_INFO };
	return conf->messages != NULL ? 0 : -1;
}

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
	    a->timeout == b->timeout && a->status == b->status &&
	    a->status_json == b->status_json && a->metrics == b->metrics &&
	    str_eq(a->user, b->user) && a->max_clients == b->max_clients &&
	    str_eq(a->status_allow, b->status_allow);
}

/*
 * Moves the web front and mond's messages to NEW's settings. The messages
 * log is changed in place (other threads hold it). The front keeps its
 * connections unless http {} or applog {} changed; then a new front is
 * started in its place (it binds and takes mon.log's directory as root,
 * which the running one no longer can). When either cannot be applied,
 * the old settings are put back. Returns 0, or -1 when NEW could not be
 * applied (the daemon still runs on the old).
 */
static int
apply_web(struct daemon *d, const struct mond_conf *new)
{
	struct applog_conf oldm, newm;
	struct webproc *old = d->web;
	bool had = messages_conf(d->conf, &oldm) == 0;
	bool has = messages_conf(new, &newm) == 0;

	if (had != has)
		log_warnx("%s: messages turns on or off at the next start only",
		    new->path);
	else if (has && !applog_conf_eq(&oldm, &newm) &&
	    applog_reconfigure(d->messages, &newm) == -1) {
		log_warn("%s: cannot open the messages log", newm.path);
		return -1;
	}
	/* Unchanged, and running: a front that failed is tried again. */
	if (d->web != NULL && http_conf_eq(&d->conf->http, &new->http) &&
	    applog_conf_eq(&d->conf->applog, &new->applog))
		return 0;
	/* Stopped first: the new one may bind the same port. */
	webproc_halt(old);
	if ((d->web = start_web(d, new, old)) != NULL) {
		webproc_stop(old);
		return 0;
	}
	if (has && had && !applog_conf_eq(&oldm, &newm) &&
	    applog_reconfigure(d->messages, &oldm) == -1)
		log_warn("%s: cannot reopen the messages log", oldm.path);
	if ((d->web = start_web(d, d->conf, old)) == NULL)
		log_warnx("the web front is down until the next reload");
	webproc_stop(old);
	return -1;
}

/* Sleeps until the earliest due moment, but never past RECHECK_SECS. */
static void
arm_timer(struct daemon *d)
{
	struct timeval tv = { RECHECK_SECS, 0 };
	time_t now = worker_now(d->worker);

	evtimer_del(d->ev_timer);
	if (d->due == (time_t)-1)
		return;
	if (d->due - now < RECHECK_SECS)
		tv.tv_sec = d->due > now ? d->due - now : 0;
	d->armed_wall = now;
	d->armed_mono = mond_monotonic();
	if (evtimer_add(d->ev_timer, &tv) == -1)
		log_warnx("cannot arm the rotation timer");
}

/*
 * The timer: the wall clock decides, not the time slept. A pass runs when
 * the due moment has passed, or when the wall clock moved by more than the
 * monotonic one (suspend, a clock set): the planner then decides from the
 * state, so nothing is skipped or done twice.
 */
static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;
	time_t now = worker_now(d->worker), expect;

	(void)fd; (void)what;
	expect = d->armed_wall + (time_t)(mond_monotonic() - d->armed_mono);
	if (now >= d->due || now - expect > 2 || expect - now > 2) {
		log_debug("timer: looking at the logs");
		d->due = (time_t)-1;
		worker_request_pass(d->worker);
		return;
	}
	arm_timer(d);
}

/*
 * systemd's one-line STATUS=: the logs and failures of the last full pass,
 * and the last rotation this run made (a state file's times include logs
 * first seen, never rotated).
 */
static void
say_status(struct daemon *d)
{
	size_t i, failing = 0;

	for (i = 0; i < d->last.nresults; i++)
		if (d->last.results[i].outcome == PASS_FAILED)
			failing++;
	notify_status(d->notify, d->last.nresults, d->rotated_path,
	    d->rotated_at, failing);
}

/* Keeps the last log REP rotated, for say_status. */
static void
note_rotation(struct daemon *d, const struct pass_report *rep, time_t now)
{
	char *copy;
	size_t i;

	for (i = rep->nresults; i-- > 0; )
		if (rep->results[i].outcome == PASS_ROTATED)
			break;
	if (i == (size_t)-1)
		return;
	if ((copy = strdup(rep->results[i].path)) == NULL) {
		log_warn("status");
		return;
	}
	free(d->rotated_path);
	d->rotated_path = copy;
	d->rotated_at = now;
}

/* The earliest moment a full report says something may become due. */
static time_t
earliest_due(const struct pass_report *rep, time_t now)
{
	time_t due = (time_t)-1, t;
	size_t i;

	for (i = 0; i < rep->nresults; i++) {
		const struct pass_result *r = &rep->results[i];

		/* a rotated file waiting for its writer: the planner's time */
		if (r->recheck != (time_t)-1 &&
		    (due == (time_t)-1 || r->recheck < due))
			due = r->recheck;
		if (r->outcome == PASS_FAILED)
			t = now + RETRY_SECS;
		else if (r->next_due == (time_t)-1)
			continue;
		else if (r->next_due <= now)
			t = now + RETRY_SECS;	/* vetoed (minsize, minage) */
		else
			t = r->next_due;
		if (due == (time_t)-1 || t < due)
			due = t;
	}
	return due;
}

static void
on_full_report(struct daemon *d, struct worker_job *job)
{
	pass_report_free(&d->last);
	d->last = job->report;
	memset(&job->report, 0, sizeof(job->report));
	d->last_now = job->now;
	if (d->watch != NULL &&
	    watch_update(d->watch, worker_conf(d->worker), &d->last,
	    job->now) == -1)
		log_warn("size triggers");
	d->due = earliest_due(&d->last, job->now);
	arm_timer(d);
	say_status(d);
}

/* A job is back from the worker (or cancelled at exit, now == 0). */
static void
on_job_done(struct worker_job *job, void *arg)
{
	struct daemon *d = arg;
	struct evhttp_request *req = job->req;

	if (job->force && job->req == NULL && job->npatterns == 0)
		d->usr1_queued = false;
	if (req != NULL) {
		if (job->now == 0)
			control_reply_error(req, 503, "Service Unavailable",
			    "mond is stopping");
		else
			control_reply_report(req, &job->report);
	}
	if (job->now != 0 && status_update(d->status, worker_conf(d->worker),
	    &job->report, job->npatterns == 0, job->now) == -1)
		log_warn("status");
	webproc_stale(d->web);
	if (job->now != 0)
		note_rotation(d, &job->report, job->now);
	if (job->now != 0 && job->npatterns == 0)
		on_full_report(d, job);
	else if (job->now != 0)
		worker_request_pass(d->worker);	/* refresh the whole picture */
	worker_job_free(job);
}

static void
on_trigger(void *arg)
{
	struct daemon *d = arg;

	log_debug("size trigger: looking at the logs");
	worker_request_pass(d->worker);
}

static int
submit_forced(struct daemon *d, struct evhttp_request *req, char **pats,
    size_t n)
{
	struct worker_job *job;

	if ((job = calloc(1, sizeof(*job))) == NULL) {
		log_warn("calloc");
		control_free_patterns(pats, n);
		return -1;
	}
	job->force = true;
	job->patterns = pats;
	job->npatterns = n;
	job->req = req;
	worker_submit(d->worker, job);
	return 0;
}

/* POST /rotate on the control socket: answered when the pass is done. */
static void
on_control_rotate(struct evhttp_request *req, char **pats, size_t n,
    void *arg)
{
	struct daemon *d = arg;

	if (n == 0) {
		control_free_patterns(pats, n);
		pats = NULL;
	}
	if (submit_forced(d, req, pats, n) == -1)
		control_reply_error(req, 500, "Internal Server Error",
		    strerror(ENOMEM));
}

/* The conf's problems as the pages take them (pointing into the conf). */
static void
list_problems(struct daemon *d, struct status_snapshot *s)
{
	const struct conf_problem *cp;
	struct status_problem *np;
	size_t i, n = d->conf->nproblems;

	if (n == 0)
		return;
	if ((np = reallocarray(d->problems, n, sizeof(*np))) == NULL) {
		log_warn("status: configuration problems");
		return;
	}
	d->problems = np;
	for (i = 0; i < n; i++) {
		cp = &d->conf->problems[i];
		np[i] = (struct status_problem){ cp->file, cp->line, cp->what,
		    cp->kind == CONF_PROBLEM_SKIPPED ||
		    cp->kind == CONF_PROBLEM_IGNORED };
	}
	s->problems = np;
	s->nproblems = n;
}

/*
 * The status pages' data, all of it: the table, sizes stat()ed now, the
 * daemon's facts, the web front's counts so far, what the config left out.
 */
static void
fill_snapshot(struct status_snapshot *s, void *arg)
{
	struct daemon *d = arg;

	memset(s, 0, sizeof(*s));
	s->now = worker_now(d->worker);
	status_fill(d->status, s, s->now);
	s->version = MOND_VERSION;
	s->conf_path = d->conf->path;
	s->started = d->started;
	s->worker_alive = worker_is_alive(d);
	if (d->web != NULL)
		s->nhttp = http_counts_list(webproc_counts(d->web),
		    d->http_listed);
	s->http = d->http_listed;
	list_problems(d, s);
}

static int
worker_is_alive(void *arg)
{
	struct daemon *d = arg;

	return worker_alive(d->worker, d->stuck_secs);
}

static bool
watchdog_alive(void *arg)
{
	return worker_is_alive(arg) != 0;
}

/*
 * $NAME as a count of seconds from 1 to DFLT, else DFLT: testing aids
 * that shorten the daemon's longer intervals (MOND_HISTORY_STEP: a day
 * that passes in minutes; MOND_STUCK_SECS: a worker judged stuck sooner).
 */
static int
env_secs(const char *name, int dflt)
{
	const char *env = getenv(name);
	char *end;
	long v;

	if (env == NULL || *env == '\0')
		return dflt;
	errno = 0;
	v = strtol(env, &end, 10);
	return errno == 0 && *end == '\0' && v > 0 && v <= dflt ? (int)v : dflt;
}

/* GET /status.json on the control socket: the web front's JSON. */
static void
on_control_status(struct evbuffer *b, void *arg)
{
	struct daemon *d = arg;
	struct status_snapshot snap;
	struct render_buf buf = { 0 };

	fill_snapshot(&snap, d);
	if (render_json(&buf, &snap) == -1)
		log_warn("control: status.json");
	else
		evbuffer_add(b, buf.data, buf.len);
	render_buf_free(&buf);
}

static void
on_stop(evutil_socket_t sig, short what, void *arg)
{
	struct daemon *d = arg;

	(void)what;
	log_info("signal %d: exiting", (int)sig);
	notify_stopping(d->notify);
	event_base_loopexit(d->base, NULL);
}

/* SIGUSR1: force-rotate everything (merged while one is waiting). */
static void
on_usr1(evutil_socket_t sig, short what, void *arg)
{
	struct daemon *d = arg;

	(void)sig; (void)what;
	if (d->usr1_queued)
		return;
	log_info("SIGUSR1: rotating every log");
	if (submit_forced(d, NULL, NULL, 0) == 0)
		d->usr1_queued = true;
}

/* The new config replaces the old only when all of it applies. */
static void
reload(struct daemon *d)
{
	struct mond_conf *new;
	struct watch *w;

	if ((new = conf_load(d->opts->conf_path)) == NULL) {
		log_warnx("%s: reload failed, keeping the running configuration",
		    d->opts->conf_path);
		return;
	}
	if (conf_keep_good(new, d->conf) == -1) {
		log_warnx("%s: reload: %s, keeping the running configuration",
		    d->opts->conf_path, strerror(ENOMEM));
		conf_free(new);
		return;
	}
	if ((w = watch_new(d->base, new, on_trigger, d)) == NULL ||
	    apply_web(d, new) == -1) {
		log_warnx("%s: reload not applied, keeping the running "
		    "configuration", d->opts->conf_path);
		watch_free(w);
		conf_free(new);
		return;
	}
	if (!str_eq(new->control, d->conf->control) ||
	    !str_eq(new->statefile, d->conf->statefile))
		log_warnx("%s: control and statefile change at the next "
		    "start only", d->opts->conf_path);
	watch_free(d->watch);
	d->watch = w;
	worker_set_conf(d->worker, new);
	d->conf = new;
	webproc_stale(d->web);
	log_info("%s: configuration reloaded", d->opts->conf_path);
	worker_request_pass(d->worker);
}

/* SIGHUP: systemd is told the reload ran, whether it applied or not. */
static void
on_reload(evutil_socket_t sig, short what, void *arg)
{
	struct daemon *d = arg;

	(void)sig; (void)what;
	notify_reloading(d->notify);
	reload(d);
	notify_ready(d->notify);
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
	struct event **evs[] = { &d->ev_hup, &d->ev_int, &d->ev_term,
	    &d->ev_usr1, &d->ev_timer, &d->ev_sample };
	size_t i;

	/* First: pending control replies still need the control server. */
	worker_stop(d->worker);
	watch_free(d->watch);
	notify_free(d->notify);
	for (i = 0; i < sizeof(evs) / sizeof(evs[0]); i++)
		if (*evs[i] != NULL)
			event_free(*evs[i]);
	control_stop(d->control);
	webproc_stop(d->web);
	if (d->base != NULL)
		event_base_free(d->base);
	if (d->lockfd != -1)
		state_unlock(d->lockfd);
	pass_report_free(&d->last);
	free(d->problems);
	free(d->rotated_path);
	status_free(d->status);
	log_set_applog(NULL);
	if (d->messages != NULL)
		applog_close(d->messages);
	if (d->conf_owned)
		conf_free(d->conf);
}

/* The lock for the daemon's whole life, and the state it guards. */
static int
take_state(struct daemon *d, struct state **st, const char **path)
{
	*path = d->opts->state_path ? d->opts->state_path : d->conf->statefile;
	if ((d->lockfd = state_lock_or_say(*path)) == -1)
		return errno == EWOULDBLOCK ? EXIT_LOCKED : EXIT_ERROR;
	if ((*st = state_load_adopting(*path, d->conf->logrotate_conf != NULL ?
	    d->conf->logrotate_state : NULL)) == NULL) {
		log_warn("%s", *path);
		return EXIT_ERROR;
	}
	return EXIT_OK;
}

static int
start_rotation(struct daemon *d)
{
	struct control_ops ops = { on_control_rotate, on_control_status, d };
	struct state *st;
	const char *statepath;
	time_t offset = 0;
	int rc;

	if ((rc = take_state(d, &st, &statepath)) != EXIT_OK)
		return rc;
	if (d->opts->has_now)
		offset = d->opts->now - time(NULL);
	if ((d->control = control_start(d->base, d->conf->control,
	    &ops)) == NULL) {
		state_free(st);
		return EXIT_ERROR;
	}
	d->worker = worker_start(d->base, d->conf, st, statepath, offset,
	    on_job_done, d);
	if (d->worker == NULL) {
		state_free(st);
		return EXIT_ERROR;
	}
	d->conf_owned = false;
	if ((d->watch = watch_new(d->base, d->conf, on_trigger, d)) == NULL)
		return EXIT_ERROR;
	return EXIT_OK;
}

/*
 * With epoll's changelist, event changes made and undone within one loop
 * turn (the control socket's evhttp toggles EV_WRITE around each request)
 * never reach the kernel.
 */
static struct event_base *
new_base(void)
{
	struct event_config *cfg;
	struct event_base *base;

	if ((cfg = event_config_new()) == NULL)
		return NULL;
	event_config_set_flag(cfg, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
	base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	return base;
}

/* Idle web clients cost an fd each: take the hard limit the admin allows. */
static void
raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1) {
		log_warn("getrlimit NOFILE");
		return;
	}
	if (rl.rlim_cur == rl.rlim_max)
		return;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
		log_warn("setrlimit NOFILE");
}

int
mond_daemon(const struct run_opts *opts)
{
	struct daemon d = { .opts = opts, .lockfd = -1, .due = (time_t)-1,
	    .stuck_secs = env_secs("MOND_STUCK_SECS", STUCK_SECS),
	    .history_step = env_secs("MOND_HISTORY_STEP",
	    STATUS_HISTORY_STEP) };
	struct applog_conf mconf;
	int rc = EXIT_ERROR;

	if ((d.conf = conf_load(opts->conf_path)) == NULL)
		return EXIT_ERROR;
	d.conf_owned = true;
	if (messages_conf(d.conf, &mconf) == 0 &&
	    (d.messages = applog_open(&mconf)) == NULL) {
		log_warn("%s: cannot open the messages log", mconf.path);
		goto done;
	}
	/* Before any thread: every line of this run is in it. */
	log_set_applog(d.messages);
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) {
		log_warn("signal SIGPIPE");
		goto done;
	}
	raise_nofile();
	/* The worker wakes the loop from its thread with event_active(). */
	if (evthread_use_pthreads() == -1 || (d.base = new_base()) == NULL) {
		log_warnx("event_base_new failed");
		goto done;
	}
	if (add_signal(&d, &d.ev_term, SIGTERM, on_stop) == -1 ||
	    add_signal(&d, &d.ev_int, SIGINT, on_stop) == -1 ||
	    add_signal(&d, &d.ev_hup, SIGHUP, on_reload) == -1 ||
	    add_signal(&d, &d.ev_usr1, SIGUSR1, on_usr1) == -1)
		goto done;
	if ((d.ev_timer = evtimer_new(d.base, on_timer, &d)) == NULL)
		goto done;
	if ((d.status = status_new(d.history_step)) == NULL) {
		log_warn("status");
		goto done;
	}
	if ((rc = start_rotation(&d)) != EXIT_OK)
		goto done;
	rc = EXIT_ERROR;
	d.started = worker_now(d.worker);
	if (start_sampling(&d) == -1 ||
	    (d.web = start_web(&d, d.conf, NULL)) == NULL)
		goto done;
	/* The config is loaded and the control socket and the front listen. */
	if ((d.notify = notify_start(d.base, watchdog_alive, &d)) == NULL)
		goto done;
	notify_ready(d.notify);
	worker_request_pass(d.worker);
	if (event_base_dispatch(d.base) == -1) {
		log_warnx("event_base_dispatch failed");
		goto done;
	}
	rc = EXIT_OK;
done:
	daemon_free(&d);
	return rc;
}
