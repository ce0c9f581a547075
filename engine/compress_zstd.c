/*
 * compress_zstd.c: zstd through libzstd's streaming API. Its worker threads
 * are libzstd's own (a multi-threaded frame needs its jobs' overlap, which
 * only libzstd can make), but they run as compress_par.c's do: they are
 * created by a short-lived thread that first took compress_prio.c's nice
 * value and blocked every signal, and inherit both. Their thread ids are
 * the ones that thread's call added to /proc/self/task; only those found
 * so go SCHED_IDLE, so one that could not be found is never left there
 * with nobody to raise it. A guard thread
 * (at the caller's priority, asleep but for a look every
 * COMPRESS_STARVED_SECS) raises them to SCHED_OTHER, as the gzip workers
 * are, when one call into libzstd has waited that long: the workers got
 * no CPU under SCHED_IDLE, and the call cannot return until they do.
 * Memory: libzstd's jobs, bounded by the level and the worker count, not
 * by the file (bench/compress prints the RSS).
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "engine/compress_par.h"
#include "engine/compress_prio.h"
#include "engine/compress_zstd.h"
#include "util/fsutil.h"

#define ZSTD_IN_CHUNK	(1024 * 1024)	/* a read: several of libzstd's blocks */
#define TASKS_MAX	256		/* threads looked at when finding ours */

struct compress_zstd {
	int		 out;
	ZSTD_CCtx	*cctx;
	unsigned char	*ibuf, *obuf;
	size_t		 obufsz;
	off_t		 total;
	bool		 idle_class;	/* the workers went SCHED_IDLE */
	pid_t		 tids[COMPRESS_MAX_THREADS];
	int		 ntids;

	/* The starvation guard, when idle_class; all under mu. */
	pthread_mutex_t	 mu;
	pthread_cond_t	 wake;
	pthread_t	 guard;
	bool		 guarded;	/* the guard runs; mu and wake exist */
	bool		 stop;
	bool		 starved;	/* the workers were raised */
	bool		 in_call;
	unsigned long long calls;
	size_t		 spawn_rc;	/* the spawning call's result */
	int		 spawn_errno;	/* its write's failure, or 0 */
};

static int
zstd_errno(size_t rc)
{
	return ZSTD_getErrorCode(rc) == ZSTD_error_memory_allocation ?
	    ENOMEM : EIO;
}

/*
 * The ids in /proc/self/task into TIDS; their count, or -1 when they
 * cannot all be read or are more than MAX.
 */
static int
list_tasks(pid_t *tids, int max)
{
	struct dirent *e;
	DIR *d;
	int n = 0;

	if ((d = opendir("/proc/self/task")) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.') {
			if (n == max) {
				n = -1;
				break;
			}
			tids[n++] = (pid_t)atoi(e->d_name);
		}
	if (closedir(d) == -1)
		n = -1;
	return n;
}

static bool
listed(const pid_t *tids, int n, pid_t tid)
{
	int i;

	for (i = 0; i < n; i++)
		if (tids[i] == tid)
			return true;
	return false;
}

/*
 * The spawning thread: libzstd starts its workers on a frame's first call,
 * so an empty one here makes them children of this thread's priority.
 */
static void *
spawn_workers(void *arg)
{
	struct compress_zstd *z = arg;
	pid_t before[TASKS_MAX], after[TASKS_MAX];
	ZSTD_outBuffer ob = { z->obuf, z->obufsz, 0 };
	ZSTD_inBuffer ib = { z->ibuf, 0, 0 };
	int nb, na, i;

	compress_prio_lower(false);
	nb = list_tasks(before, TASKS_MAX);
	z->spawn_rc = ZSTD_compressStream2(z->cctx, &ob, &ib, ZSTD_e_continue);
	na = nb == -1 ? -1 : list_tasks(after, TASKS_MAX);
	for (i = 0; i < na && z->ntids < COMPRESS_MAX_THREADS; i++)
		if (!listed(before, nb, after[i]) && after[i] != gettid())
			z->tids[z->ntids++] = after[i];
	if (z->ntids == 0)
		z->idle_class = false;
	for (i = 0; z->idle_class && i < z->ntids; i++)
		compress_prio_idle(z->tids[i]);
	if (!ZSTD_isError(z->spawn_rc) && ob.pos > 0 &&
	    fs_write_all(z->out, z->obuf, ob.pos) == -1)
		z->spawn_errno = errno;
	return NULL;
}

static int
start_workers(struct compress_zstd *z)
{
	sigset_t all, old;
	pthread_t tid;
	int rc;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&tid, NULL, spawn_workers, z);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		errno = rc;
		return -1;
	}
	pthread_join(tid, NULL);
	if (z->spawn_errno != 0) {
		errno = z->spawn_errno;
		return -1;
	}
	if (ZSTD_isError(z->spawn_rc)) {
		errno = zstd_errno(z->spawn_rc);
		return -1;
	}
	return 0;
}

/*
 * The guard: a call into libzstd that is still the same one after
 * COMPRESS_STARVED_SECS means workers with no CPU under SCHED_IDLE; they
 * go back to SCHED_OTHER, at their nice value, for the rest of the stream.
 */
static void *
guard_workers(void *arg)
{
	struct compress_zstd *z = arg;
	unsigned long long seen;
	struct timespec due;
	bool busy;
	int i, rc;

	pthread_mutex_lock(&z->mu);
	while (!z->stop && !z->starved) {
		seen = z->calls;
		busy = z->in_call;
		clock_gettime(CLOCK_MONOTONIC, &due);
		due.tv_sec += COMPRESS_STARVED_SECS;
		do
			rc = pthread_cond_timedwait(&z->wake, &z->mu, &due);
		while (rc == 0 && !z->stop);
		if (rc != ETIMEDOUT || !busy || !z->in_call || z->calls != seen)
			continue;
		z->starved = true;
		for (i = 0; i < z->ntids; i++)
			compress_prio_raise(z->tids[i]);
	}
	pthread_mutex_unlock(&z->mu);
	return NULL;
}

/* Starts the guard (signals blocked, as every compression thread). */
static int
start_guard(struct compress_zstd *z)
{
	pthread_condattr_t attr;
	sigset_t all, old;
	int rc;

	if ((rc = pthread_condattr_init(&attr)) != 0) {
		errno = rc;
		return -1;
	}
	if ((rc = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC)) == 0)
		rc = pthread_cond_init(&z->wake, &attr);
	pthread_condattr_destroy(&attr);
	if (rc != 0) {
		errno = rc;
		return -1;
	}
	if ((rc = pthread_mutex_init(&z->mu, NULL)) != 0) {
		pthread_cond_destroy(&z->wake);
		errno = rc;
		return -1;
	}
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&z->guard, NULL, guard_workers, z);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		pthread_mutex_destroy(&z->mu);
		pthread_cond_destroy(&z->wake);
		errno = rc;
		return -1;
	}
	z->guarded = true;
	return 0;
}

static void
stop_guard(struct compress_zstd *z)
{
	if (!z->guarded)
		return;
	pthread_mutex_lock(&z->mu);
	z->stop = true;
	pthread_cond_signal(&z->wake);
	pthread_mutex_unlock(&z->mu);
	pthread_join(z->guard, NULL);
	pthread_mutex_destroy(&z->mu);
	pthread_cond_destroy(&z->wake);
	z->guarded = false;
}

/* The guard's view of the calls into libzstd. */
static void
mark_call(struct compress_zstd *z, bool in)
{
	if (!z->guarded)
		return;
	pthread_mutex_lock(&z->mu);
	z->in_call = in;
	if (in)
		z->calls++;
	pthread_mutex_unlock(&z->mu);
}

struct compress_zstd *
compress_zstd_open(int out, int level, int threads)
{
	struct compress_zstd *z;
	int workers = compress_par_threads(threads), save;

	if ((z = calloc(1, sizeof(*z))) == NULL)
		return NULL;
	z->out = out;
	z->obufsz = ZSTD_CStreamOutSize();
	if ((z->cctx = ZSTD_createCCtx()) == NULL ||
	    (z->ibuf = malloc(ZSTD_IN_CHUNK)) == NULL ||
	    (z->obuf = malloc(z->obufsz)) == NULL) {
		errno = ENOMEM;
		goto fail;
	}
	if (ZSTD_isError(ZSTD_CCtx_setParameter(z->cctx,
	    ZSTD_c_compressionLevel, level)) ||
	    ZSTD_isError(ZSTD_CCtx_setParameter(z->cctx,
	    ZSTD_c_checksumFlag, 1))) {
		errno = EINVAL;
		goto fail;
	}
	/* A libzstd built without threads refuses workers: one stream. */
	if (workers > 1 && !ZSTD_isError(ZSTD_CCtx_setParameter(z->cctx,
	    ZSTD_c_nbWorkers, workers))) {
		z->idle_class = compress_prio_can_leave_idle();
		if (start_workers(z) == -1 ||
		    (z->idle_class && start_guard(z) == -1))
			goto fail;
	}
	return z;
fail:
	save = errno;
	compress_zstd_free(z);
	errno = save;
	return NULL;
}

/* One call into libzstd and its output written; what it returned, or -1. */
static int
pump(struct compress_zstd *z, ZSTD_inBuffer *ib, ZSTD_EndDirective how,
    size_t *left)
{
	ZSTD_outBuffer ob = { z->obuf, z->obufsz, 0 };
	size_t rc;

	mark_call(z, true);
	rc = ZSTD_compressStream2(z->cctx, &ob, ib, how);
	mark_call(z, false);
	if (ZSTD_isError(rc)) {
		errno = zstd_errno(rc);
		return -1;
	}
	if (ob.pos > 0 && fs_write_all(z->out, z->obuf, ob.pos) == -1)
		return -1;
	*left = rc;
	return 0;
}

int
compress_zstd_feed(struct compress_zstd *z, int in, off_t *off, off_t limit)
{
	ZSTD_inBuffer ib;
	ssize_t n;
	size_t left;

	for (;;) {
		if ((n = fs_pread_upto(in, z->ibuf, ZSTD_IN_CHUNK, off,
		    limit)) == -1)
			return -1;
		ib = (ZSTD_inBuffer){ z->ibuf, (size_t)n, 0 };
		while (ib.pos < ib.size)
			if (pump(z, &ib, ZSTD_e_continue, &left) == -1)
				return -1;
		z->total += n;
		if (n < ZSTD_IN_CHUNK)
			return 0;
	}
}

int
compress_zstd_finish(struct compress_zstd *z, off_t *total)
{
	ZSTD_inBuffer ib = { z->ibuf, 0, 0 };
	size_t left;

	do {
		if (pump(z, &ib, ZSTD_e_end, &left) == -1)
			return -1;
	} while (left > 0);
	if (total != NULL)
		*total = z->total;
	return 0;
}

void
compress_zstd_free(struct compress_zstd *z)
{
	int i;

	if (z == NULL)
		return;
	stop_guard(z);
	/*
	 * libzstd's free finishes the jobs it queued (a failed write leaves
	 * some): under SCHED_IDLE on a busy machine that could take for ever.
	 */
	for (i = 0; z->idle_class && !z->starved && i < z->ntids; i++)
		compress_prio_raise(z->tids[i]);
	ZSTD_freeCCtx(z->cctx);		/* joins libzstd's workers */
	free(z->ibuf);
	free(z->obuf);
	free(z);
}
