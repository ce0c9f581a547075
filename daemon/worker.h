/*
 * worker.h: the thread that does the rotation work for the daemon. It owns
 * the state (loaded once, saved after every pass that changed it) and every
 * config handed to it; the loop only queues jobs and gets them back, done,
 * through an event on its base. Nothing here touches the loop's objects.
 */
#ifndef MOND_WORKER_H
#define MOND_WORKER_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "conf/conf.h"
#include "engine/pass.h"

struct event_base;
struct state;
struct worker;

struct worker_job {
	bool		 force;
	char		**patterns;	/* owned (control_free_patterns) */
	size_t		 npatterns;
	void		*req;		/* the loop's pending reply, or NULL */
	/* filled by the worker */
	time_t		 now;		/* the clock the pass ran at */
	int		 rc;		/* pass_run's */
	struct pass_report report;
	struct worker_job *next;
};

/* Called on the loop's thread with a finished job, which it then owns. */
typedef void (*worker_done_fn)(struct worker_job *job, void *arg);

/*
 * Starts the thread. STATE (owned from now on) is saved to STATEPATH;
 * CONF (owned) is the first config; OFFSET is added to time(NULL) to make
 * the passes' clock. DONE runs on BASE's thread. NULL after logging why.
 * BASE must have been made with evthread_use_pthreads() in effect.
 */
struct worker *worker_start(struct event_base *base, struct mond_conf *conf,
	    struct state *state, const char *statepath, time_t offset,
	    worker_done_fn done, void *arg);

/* The config passes use from the next one on; the worker owns NEW. */
void	worker_set_conf(struct worker *w, struct mond_conf *new);
/* The config now in force (borrowed: valid until the next set_conf). */
const struct mond_conf *worker_conf(const struct worker *w);

/*
 * 1 while the thread runs and is idle or has been on its current job for
 * at most STUCK_SECS; 0 when it exited or looks stuck. Any thread may ask.
 */
bool	worker_alive(struct worker *w, int stuck_secs);

/* Asks for a pass over everything; merged with any pass already waiting. */
void	worker_request_pass(struct worker *w);
/* Queues JOB (owned from now on) behind the jobs already waiting. */
void	worker_submit(struct worker *w, struct worker_job *job);

/*
 * Stops: the pass in hand finishes the log it is on, the state is saved,
 * the thread joined. Jobs not run, and finished ones not yet delivered, go
 * to DONE with nresults 0 and rc -1 (ECANCELED) so pending replies can be
 * answered; then everything is freed. NULL is fine.
 */
void	worker_stop(struct worker *w);

void	worker_job_free(struct worker_job *job);

/* The worker's clock: time(NULL) plus the offset. */
time_t	worker_now(const struct worker *w);

#endif
