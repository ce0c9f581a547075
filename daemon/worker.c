/*
 * worker.c: the rotation thread (DESIGN §1). It runs passes one at a time,
 * forced jobs first, merging every plain "look again" request that arrives
 * meanwhile into one follow-up pass; it saves the state after a pass that
 * changed it (dropping, after a pass over every rule, the entries of the
 * logs it did not see) and hands each finished job back to the loop with
 * event_active(). It never calls into libevent except that, and never frees
 * a config a pass is still reading.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "util/clock.h"
#include "daemon/control.h"
#include "util/log.h"
#include "engine/pass.h"
#include "engine/state.h"
#include "daemon/worker.h"

struct worker {
	pthread_t		 thread;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	struct event		*ev_done;
	worker_done_fn		 done_fn;
	void			*arg;
	time_t			 offset;
	struct state		*state;
	char			*statepath;
	atomic_bool		 cancel;
	/* For /healthz: monotonic second the running job began, 0 idle. */
	atomic_llong		 busy_since;
	atomic_bool		 exited;
	/* under mu */
	bool			 stop;
	bool			 want_pass;
	struct worker_job	*queue, **queue_tail;
	struct worker_job	*done, **done_tail;
	struct mond_conf	*conf;		/* current */
	struct mond_conf	*busy;		/* the one the running pass reads */
	struct mond_conf	*retired;	/* replaced while busy */
};

time_t
worker_now(const struct worker *w)
{
	return time(NULL) + w->offset;
}

void
worker_job_free(struct worker_job *job)
{
	if (job == NULL)
		return;
	control_free_patterns(job->patterns, job->npatterns);
	pass_report_free(&job->report);
	free(job);
}

/* Takes the next job to run, or NULL when stopping. Called with mu held. */
static struct worker_job *
next_job(struct worker *w)
{
	struct worker_job *job;

	while (!w->stop && w->queue == NULL && !w->want_pass)
		pthread_cond_wait(&w->cv, &w->mu);
	if (w->stop)
		return NULL;
	if ((job = w->queue) != NULL) {
		if ((w->queue = job->next) == NULL)
			w->queue_tail = &w->queue;
		job->next = NULL;
		return job;
	}
	w->want_pass = false;
	if ((job = calloc(1, sizeof(*job))) == NULL)
		log_warn("worker: calloc");
	return job;
}

static void
log_outcomes(const struct pass_report *rep)
{
	size_t i;

	for (i = 0; i < rep->nresults; i++) {
		const struct pass_result *r = &rep->results[i];

		if (r->outcome != PASS_ROTATED)
			continue;
		if (r->rotated != NULL)
			log_info("rotated %s -> %s", r->path, r->rotated);
		else
			log_info("rotated %s", r->path);
	}
}

static long long
mono_secs(void)
{
	/* Never 0: that means idle. */
	return (long long)mond_monotonic() + 1;
}

/* After each rule that rotated: what is done is on disk before the next. */
static void
save_state(void *arg)
{
	struct worker *w = arg;

	if (state_save(w->state, w->statepath) == -1)
		log_warn("%s: state not saved", w->statepath);
}

/*
 * A pass over every rule, its patterns expanded and its logs marked
 * (pass_opts.expanded): the entries of logs it will not see go
 * (state_prune_unseen) before its first save, so a bloated state is
 * written small from the first rotation on. Not for a pass over some
 * patterns (--force-rotate's), whose marks say nothing of the rest.
 */
static void
prune_state(void *arg)
{
	static const struct pass_report none;
	struct worker *w = arg;
	long n;

	if ((n = state_prune_unseen(w->state, &none)) == -1)
		log_warn("%s: state not pruned", w->statepath);
	else if (n > 0)
		log_info("%s: %ld entries dropped (logs no rule matches any "
		    "more), %zu kept", w->statepath, n, state_count(w->state));
}

static void
run_job(struct worker *w, const struct mond_conf *conf, struct worker_job *job)
{
	struct pass_opts po;
	bool whole = job->npatterns == 0;

	memset(&po, 0, sizeof(po));
	po.now = job->now = worker_now(w);
	po.force = job->force;
	po.patterns = job->patterns;
	po.npatterns = job->npatterns;
	po.cancel = &w->cancel;
	po.rule_done = save_state;
	po.rule_done_arg = w;
	po.mail_command = conf->mail_command;
	if (whole) {
		state_clear_marks(w->state);
		po.expanded = prune_state;
	}
	job->rc = pass_run(conf, w->state, &po, &job->report);
	log_outcomes(&job->report);
	/*
	 * First sights, dropped entries, rules whose save failed above; a
	 * state that did not change is not written (state_save).
	 */
	save_state(w);
	log_debug("pass done: %zu logs, %zu rotated, %zu in the state",
	    job->report.nresults, job->report.nrotated, state_count(w->state));
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct worker_job *job;
	const struct mond_conf *conf;

	pthread_mutex_lock(&w->mu);
	while ((job = next_job(w)) != NULL) {
		conf = w->busy = w->conf;
		pthread_mutex_unlock(&w->mu);

		atomic_store(&w->busy_since, mono_secs());
		run_job(w, conf, job);
		atomic_store(&w->busy_since, 0);

		pthread_mutex_lock(&w->mu);
		w->busy = NULL;
		conf_free(w->retired);
		w->retired = NULL;
		*w->done_tail = job;
		w->done_tail = &job->next;
		event_active(w->ev_done, EV_READ, 0);
	}
	pthread_mutex_unlock(&w->mu);
	atomic_store(&w->exited, true);
	return NULL;
}

/* On the loop: hands every finished job to the scheduler. */
static void
on_done(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;
	struct worker_job *list, *next;

	(void)fd; (void)what;
	pthread_mutex_lock(&w->mu);
	list = w->done;
	w->done = NULL;
	w->done_tail = &w->done;
	pthread_mutex_unlock(&w->mu);
	for (; list != NULL; list = next) {
		next = list->next;
		list->next = NULL;
		w->done_fn(list, w->arg);
	}
}

struct worker *
worker_start(struct event_base *base, struct mond_conf *conf,
    struct state *state, const char *statepath, time_t offset,
    worker_done_fn done, void *arg)
{
	struct worker *w;
	int rc;

	if ((w = calloc(1, sizeof(*w))) == NULL ||
	    (w->statepath = strdup(statepath)) == NULL) {
		log_warn("worker: calloc");
		free(w);
		return NULL;
	}
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	atomic_init(&w->cancel, false);
	atomic_init(&w->busy_since, 0);
	atomic_init(&w->exited, false);
	w->queue_tail = &w->queue;
	w->done_tail = &w->done;
	w->done_fn = done;
	w->arg = arg;
	w->offset = offset;
	if ((w->ev_done = event_new(base, -1, 0, on_done, w)) == NULL) {
		log_warnx("worker: event_new failed");
		goto fail;
	}
	w->conf = conf;
	w->state = state;
	if ((rc = pthread_create(&w->thread, NULL, worker_main, w)) != 0) {
		errno = rc;
		log_warn("worker: pthread_create");
		w->conf = NULL;
		w->state = NULL;
		goto fail;
	}
	return w;
fail:
	if (w->ev_done != NULL)
		event_free(w->ev_done);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	free(w->statepath);
	free(w);
	return NULL;
}

void
worker_set_conf(struct worker *w, struct mond_conf *new)
{
	pthread_mutex_lock(&w->mu);
	if (w->conf == w->busy) {
		conf_free(w->retired);
		w->retired = w->conf;
	} else
		conf_free(w->conf);
	w->conf = new;
	pthread_mutex_unlock(&w->mu);
}

const struct mond_conf *
worker_conf(const struct worker *w)
{
	/* Only the loop's thread changes it: it may read without the lock. */
	return w->conf;
}

bool
worker_alive(struct worker *w, int stuck_secs)
{
	long long since = atomic_load(&w->busy_since);

	if (atomic_load(&w->exited))
		return false;
	return since == 0 || mono_secs() - since <= stuck_secs;
}

void
worker_request_pass(struct worker *w)
{
	pthread_mutex_lock(&w->mu);
	w->want_pass = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

void
worker_submit(struct worker *w, struct worker_job *job)
{
	job->next = NULL;
	pthread_mutex_lock(&w->mu);
	*w->queue_tail = job;
	w->queue_tail = &job->next;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

static void
deliver_cancelled(struct worker *w, struct worker_job *list)
{
	struct worker_job *next;

	for (; list != NULL; list = next) {
		next = list->next;
		list->next = NULL;
		list->rc = -1;
		w->done_fn(list, w->arg);
	}
}

void
worker_stop(struct worker *w)
{
	int rc;

	if (w == NULL)
		return;
	atomic_store(&w->cancel, true);
	pthread_mutex_lock(&w->mu);
	w->stop = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	if ((rc = pthread_join(w->thread, NULL)) != 0) {
		errno = rc;
		log_warn("worker: pthread_join");
	}
	/* The thread is gone: no lock needed from here. */
	on_done(-1, 0, w);
	deliver_cancelled(w, w->queue);
	w->queue = NULL;
	if (state_save(w->state, w->statepath) == -1)
		log_warn("%s: state not saved", w->statepath);
	event_free(w->ev_done);
	state_free(w->state);
	conf_free(w->retired);
	conf_free(w->conf);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	free(w->statepath);
	free(w);
}
