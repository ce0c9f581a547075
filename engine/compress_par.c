/*
 * compress_par.c: the gzip stream under compress.c. With one thread it is
 * plain zlib gzip. With more, the input is cut into blocks that worker
 * threads deflate as raw deflate, each primed with the 32 KiB of input
 * before it (so the ratio stays a single stream's) and ended by a sync
 * flush so the pieces concatenate; the calling thread reads, writes the
 * pieces in order, combines their CRCs and writes header and trailer.
 * It never names, syncs or removes a file (compress.c does), holds at most
 * JOBS_PER_THREAD x threads blocks in memory (a block: 32 KiB of history
 * plus COMPRESS_BLOCK in, compressBound(COMPRESS_BLOCK) out, ~544 KiB at
 * the default; so ~2.1 MiB per thread, plus its deflate state of about
 * 256 KiB), and joins every thread it started. Its workers run at the
 * priority compress_prio.c sets (nice, and SCHED_IDLE when they could be
 * raised out of it again), so the web front keeps the CPU; when the CPUs
 * are so busy that the reader waits COMPRESS_STARVED_SECS for one block,
 * the workers leave SCHED_IDLE, so that a loaded server still compresses
 * (and the worker thread still reaches its other logs).
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "engine/compress_par.h"
#include "engine/compress_prio.h"
#include "util/fsutil.h"

#define DICT		32768		/* deflate's window: the priming history */
#define COMPRESS_BLOCK	(256 * 1024)	/* see bench/compress for the choice */
#define SINGLE_CHUNK	(256 * 1024)
/* Blocks in flight per worker: enough queued to ride out a descheduled reader. */
#ifndef JOBS_PER_THREAD
#define JOBS_PER_THREAD	4
#endif

static size_t block_size = COMPRESS_BLOCK;

/* One block in flight: read by the main thread, deflated by a worker. */
struct job {
	unsigned char	*in;		/* DICT bytes of room for history, then data */
	size_t		 dictlen;	/* history actually at in + DICT - dictlen */
	size_t		 len;		/* data bytes at in + DICT */
	unsigned char	*out;
	size_t		 outcap;
	size_t		 outlen;
	uLong		 crc;		/* crc32 of the data alone */
	bool		 done;		/* under mu */
	int		 err;		/* errno from the worker, or 0 */
};

struct compress_par {
	int		 out;
	int		 level;
	int		 nthreads;	/* 1: the single stream below */
	bool		 started;	/* header written */
	uint32_t	 mtime;		/* the header's MTIME */
	uLong		 crc;
	off_t		 total;

	/* nthreads == 1 */
	z_stream	 zs;
	gz_header	 zhead;		/* zlib holds on to it until it writes */
	bool		 zs_init;
	unsigned char	*ibuf, *obuf;

	/* nthreads > 1 */
	z_stream	*wzs;		/* one per worker */
	int		 nzs;		/* how many are deflateInit'ed */
	pthread_t	*tids;
	int		 nstarted;
	struct job	*jobs;
	size_t		 njobs;
	/* sequence numbers; job k lives in jobs[k % njobs] */
	unsigned long long next_read, next_job, next_write;
	pthread_mutex_t	 mu;
	pthread_cond_t	 work, done;
	bool		 sync_init;
	bool		 stop;
	bool		 idle_class;	/* workers go SCHED_IDLE (set at open) */
	bool		 starved;	/* workers raised out of SCHED_IDLE */
	unsigned char	 hist[DICT];	/* the last DICT bytes read */
	size_t		 histlen;
};

struct worker_arg {
	struct compress_par	*cp;
	int			 idx;
};

size_t
compress_par_block(void)
{
	return block_size;
}

int
compress_par_set_block(size_t size)
{
	if (size < 65536 || size > 16 * 1024 * 1024) {
		errno = EINVAL;
		return -1;
	}
	block_size = size;
	return 0;
}

int
compress_par_threads(int threads)
{
	long n;

	if (threads <= 0) {
		n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n < 1 ? 1 : n > COMPRESS_MAX_THREADS ?
		    COMPRESS_MAX_THREADS : (int)n;
	}
	return threads > COMPRESS_MAX_THREADS ? COMPRESS_MAX_THREADS : threads;
}

/* zlib's failures as errno; its messages are for humans. */
static int
zerr(int zrc)
{
	return zrc == Z_MEM_ERROR ? ENOMEM : EIO;
}

/* --- one thread: zlib writes the gzip wrapper itself --- */

static int
single_open(struct compress_par *cp)
{
	int zrc;

	cp->ibuf = malloc(SINGLE_CHUNK);
	cp->obuf = malloc(SINGLE_CHUNK);
	if (cp->ibuf == NULL || cp->obuf == NULL) {
		errno = ENOMEM;
		return -1;
	}
	zrc = deflateInit2(&cp->zs, cp->level, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY);
	if (zrc == Z_OK) {
		cp->zs_init = true;
		cp->zhead.time = cp->mtime;
		cp->zhead.os = 3;	/* unix, as zlib's own header says */
		zrc = deflateSetHeader(&cp->zs, &cp->zhead);
	}
	if (zrc != Z_OK) {
		errno = zerr(zrc);
		return -1;
	}
	return 0;
}

/* Runs deflate with FLUSH until it wants more input, writing it all. */
static int
single_pump(struct compress_par *cp, int flush)
{
	int zrc;

	do {
		cp->zs.next_out = cp->obuf;
		cp->zs.avail_out = SINGLE_CHUNK;
		zrc = deflate(&cp->zs, flush);
		if (zrc == Z_STREAM_ERROR) {
			errno = EIO;
			return -1;
		}
		if (fs_write_all(cp->out, cp->obuf,
		    SINGLE_CHUNK - cp->zs.avail_out) == -1)
			return -1;
	} while (cp->zs.avail_out == 0);
	if (flush == Z_FINISH && zrc != Z_STREAM_END) {
		errno = EIO;
		return -1;
	}
	return 0;
}

static int
single_feed(struct compress_par *cp, int in, off_t *off, off_t limit)
{
	ssize_t r;

	for (;;) {
		if ((r = fs_pread_upto(in, cp->ibuf, SINGLE_CHUNK, off, limit)) == -1)
			return -1;
		if (r == 0)
			return 0;
		cp->total += r;
		cp->zs.next_in = cp->ibuf;
		cp->zs.avail_in = (uInt)r;
		if (single_pump(cp, Z_NO_FLUSH) == -1)
			return -1;
		if (r < SINGLE_CHUNK)
			return 0;
	}
}

/* --- several threads --- */

/* Deflates one job on ZS: history as dictionary, ended by a sync flush. */
static int
deflate_job(z_stream *zs, struct job *j)
{
	unsigned char *grown;
	size_t used;
	int zrc;

	if ((zrc = deflateReset(zs)) != Z_OK)
		return zerr(zrc);
	if (j->dictlen > 0 && (zrc = deflateSetDictionary(zs,
	    j->in + DICT - j->dictlen, (uInt)j->dictlen)) != Z_OK)
		return zerr(zrc);
	zs->next_in = j->in + DICT;
	zs->avail_in = (uInt)j->len;
	zs->next_out = j->out;
	zs->avail_out = (uInt)j->outcap;
	for (;;) {
		zrc = deflate(zs, Z_SYNC_FLUSH);
		if (zrc != Z_OK && zrc != Z_BUF_ERROR)
			return zerr(zrc);
		if (zs->avail_out > 0)
			break;
		/* Past the bound (can't happen with zlib's own): grow. */
		used = j->outcap;
		if ((grown = realloc(j->out, j->outcap * 2)) == NULL)
			return ENOMEM;
		j->out = grown;
		j->outcap *= 2;
		zs->next_out = j->out + used;
		zs->avail_out = (uInt)(j->outcap - used);
	}
	j->outlen = j->outcap - zs->avail_out;
	j->crc = crc32(0, j->in + DICT, (uInt)j->len);
	return 0;
}

static void *
deflate_worker(void *arg)
{
	struct worker_arg *wa = arg;
	struct compress_par *cp = wa->cp;
	z_stream *zs = &cp->wzs[wa->idx];
	struct job *j;
	int err;

	free(wa);
	pthread_mutex_lock(&cp->mu);
	/* Not idle-class when raised before it ever ran. */
	compress_prio_lower(cp->idle_class && !cp->starved);
	for (;;) {
		while (!cp->stop && cp->next_job == cp->next_read)
			pthread_cond_wait(&cp->work, &cp->mu);
		if (cp->stop)
			break;
		j = &cp->jobs[cp->next_job++ % cp->njobs];
		pthread_mutex_unlock(&cp->mu);
		err = deflate_job(zs, j);
		pthread_mutex_lock(&cp->mu);
		j->err = err;
		j->done = true;
		pthread_cond_signal(&cp->done);
	}
	pthread_mutex_unlock(&cp->mu);
	return NULL;
}

/* Starts the workers with every signal blocked: signals are the loop's. */
static int
start_workers(struct compress_par *cp)
{
	struct worker_arg *wa;
	sigset_t all, old;
	int i, rc = 0;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (i = 0; i < cp->nthreads; i++) {
		if ((wa = malloc(sizeof(*wa))) == NULL) {
			rc = ENOMEM;
			break;
		}
		wa->cp = cp;
		wa->idx = i;
		if ((rc = pthread_create(&cp->tids[i], NULL, deflate_worker,
		    wa)) != 0) {
			free(wa);
			break;
		}
		cp->nstarted++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		errno = rc;
		return -1;
	}
	return 0;
}

static int
par_open(struct compress_par *cp)
{
	pthread_condattr_t attr;
	size_t i, outcap;
	int zrc, rc;

	cp->njobs = JOBS_PER_THREAD * (size_t)cp->nthreads;
	cp->jobs = calloc(cp->njobs, sizeof(*cp->jobs));
	cp->wzs = calloc((size_t)cp->nthreads, sizeof(*cp->wzs));
	cp->tids = calloc((size_t)cp->nthreads, sizeof(*cp->tids));
	if (cp->jobs == NULL || cp->wzs == NULL || cp->tids == NULL)
		goto nomem;
	outcap = compressBound((uLong)block_size) + 64;
	for (i = 0; i < cp->njobs; i++) {
		cp->jobs[i].in = malloc(DICT + block_size);
		cp->jobs[i].out = malloc(outcap);
		cp->jobs[i].outcap = outcap;
		if (cp->jobs[i].in == NULL || cp->jobs[i].out == NULL)
			goto nomem;
	}
	for (; cp->nzs < cp->nthreads; cp->nzs++) {
		zrc = deflateInit2(&cp->wzs[cp->nzs], cp->level, Z_DEFLATED, -15,
		    8, Z_DEFAULT_STRATEGY);
		if (zrc != Z_OK) {
			errno = zerr(zrc);
			return -1;
		}
	}
	if ((errno = pthread_mutex_init(&cp->mu, NULL)) != 0)
		return -1;
	if ((errno = pthread_cond_init(&cp->work, NULL)) != 0) {
		pthread_mutex_destroy(&cp->mu);
		return -1;
	}
	if ((errno = pthread_condattr_init(&attr)) != 0) {
		pthread_cond_destroy(&cp->work);
		pthread_mutex_destroy(&cp->mu);
		return -1;
	}
	/* done is waited on with a deadline: one the wall clock cannot move. */
	if ((rc = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC)) == 0)
		rc = pthread_cond_init(&cp->done, &attr);
	pthread_condattr_destroy(&attr);
	if (rc != 0) {
		pthread_cond_destroy(&cp->work);
		pthread_mutex_destroy(&cp->mu);
		errno = rc;
		return -1;
	}
	cp->sync_init = true;
	cp->idle_class = compress_prio_can_leave_idle();
	return start_workers(cp);
nomem:
	errno = ENOMEM;
	return -1;
}

/* The last DICT bytes of everything read, after LEN more bytes at DATA. */
static void
slide_hist(struct compress_par *cp, const unsigned char *data, size_t len)
{
	size_t keep;

	if (len >= DICT) {
		memcpy(cp->hist, data + len - DICT, DICT);
		cp->histlen = DICT;
		return;
	}
	keep = cp->histlen + len > DICT ? DICT - len : cp->histlen;
	memmove(cp->hist, cp->hist + cp->histlen - keep, keep);
	memcpy(cp->hist + keep, data, len);
	cp->histlen = keep + len;
}

/* Writes job J (done) and folds its CRC in. Returns 0 or -1 (errno). */
static int
emit_block(struct compress_par *cp, struct job *j)
{
	if (j->err != 0) {
		errno = j->err;
		return -1;
	}
	if (fs_write_all(cp->out, j->out, j->outlen) == -1)
		return -1;
	cp->crc = crc32_combine(cp->crc, j->crc, (z_off_t)j->len);
	cp->total += (off_t)j->len;
	return 0;
}

/*
 * Reads the next block into its job and queues it. *EOF is set when the
 * input ended (the block may still hold data). Returns 0 or -1 (errno).
 */
static int
queue_block(struct compress_par *cp, int in, off_t *off, off_t limit,
    bool *eof)
{
	struct job *j = &cp->jobs[cp->next_read % cp->njobs];
	ssize_t r;

	r = fs_pread_upto(in, j->in + DICT, block_size, off, limit);
	if (r == -1)
		return -1;
	if ((size_t)r < block_size)
		*eof = true;
	if (r == 0)
		return 0;
	j->len = (size_t)r;
	j->dictlen = cp->histlen;
	j->err = 0;
	memcpy(j->in + DICT - cp->histlen, cp->hist, cp->histlen);
	slide_hist(cp, j->in + DICT, j->len);
	if (*eof && cp->next_write == cp->next_read) {
		/*
		 * A last short block with nothing in flight (a live log's tail
		 * that arrived meanwhile): no worker holds a stream, so deflate
		 * it here, sparing a thread hand-off in copytruncate's window.
		 */
		if ((j->err = deflate_job(&cp->wzs[0], j)) != 0) {
			errno = j->err;
			return -1;
		}
		return emit_block(cp, j);
	}
	pthread_mutex_lock(&cp->mu);
	j->done = false;
	cp->next_read++;
	pthread_cond_signal(&cp->work);
	pthread_mutex_unlock(&cp->mu);
	return 0;
}

/*
 * Waits (under mu) for a worker to finish a block, the one the reader
 * needs next being due by DEADLINE (NULL: no clock to read). Passing the
 * deadline means the workers get no CPU under SCHED_IDLE: they go back to
 * SCHED_OTHER, keeping the nice value compress_prio_lower() set.
 */
static void
wait_done(struct compress_par *cp, const struct timespec *deadline)
{
	struct sched_param sp = { .sched_priority = 0 };
	int i;

	if (!cp->idle_class || cp->starved || deadline == NULL) {
		pthread_cond_wait(&cp->done, &cp->mu);
		return;
	}
	if (pthread_cond_timedwait(&cp->done, &cp->mu, deadline) != ETIMEDOUT)
		return;
	cp->starved = true;
	for (i = 0; i < cp->nstarted; i++)
		(void)pthread_setschedparam(cp->tids[i], SCHED_OTHER, &sp);
}

static int
par_feed(struct compress_par *cp, int in, off_t *off, off_t limit)
{
	struct timespec due, *deadline;
	struct job *j;
	bool eof = false, ready;

	for (;;) {
		/* One deadline per block awaited: other blocks do not renew it. */
		deadline = NULL;
		if (clock_gettime(CLOCK_MONOTONIC, &due) == 0) {
			due.tv_sec += COMPRESS_STARVED_SECS;
			deadline = &due;
		}
		pthread_mutex_lock(&cp->mu);
		j = &cp->jobs[cp->next_write % cp->njobs];
		ready = cp->next_write < cp->next_read && j->done;
		while (!ready && (eof || cp->next_read - cp->next_write ==
		    cp->njobs) && cp->next_write < cp->next_read) {
			wait_done(cp, deadline);
			ready = j->done;
		}
		pthread_mutex_unlock(&cp->mu);
		if (ready) {
			/* Only this thread moves next_write: no lock needed. */
			if (emit_block(cp, j) == -1)
				return -1;
			cp->next_write++;
			continue;
		}
		if (eof)
			return 0;	/* nothing in flight, input ended */
		if (queue_block(cp, in, off, limit, &eof) == -1)
			return -1;
	}
}

/* RFC 1952 header as zlib writes it: no name, the MTIME given, OS unix. */
static int
put_header(struct compress_par *cp)
{
	unsigned char h[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3 };
	int i;

	for (i = 0; i < 4; i++)
		h[4 + i] = (unsigned char)(cp->mtime >> (8 * i));
	h[8] = cp->level == 9 ? 2 : cp->level == 1 ? 4 : 0;
	return fs_write_all(cp->out, h, sizeof(h));
}

static int
par_finish(struct compress_par *cp)
{
	/* An empty final fixed block (BFINAL, BTYPE 01, end code), then the trailer. */
	unsigned char t[10] = { 0x03, 0x00 };
	uint32_t crc = (uint32_t)cp->crc, isize = (uint32_t)cp->total;
	int i;

	for (i = 0; i < 4; i++) {
		t[2 + i] = (unsigned char)(crc >> (8 * i));
		t[6 + i] = (unsigned char)(isize >> (8 * i));
	}
	return fs_write_all(cp->out, t, sizeof(t));
}

struct compress_par *
compress_par_open(int out, int level, int threads, time_t mtime)
{
	struct compress_par *cp;
	int rc;

	if ((cp = calloc(1, sizeof(*cp))) == NULL)
		return NULL;
	cp->out = out;
	/* MTIME has 32 bits; gzip writes 0 for a time it cannot hold. */
	cp->mtime = mtime > 0 && mtime <= (time_t)UINT32_MAX ?
	    (uint32_t)mtime : 0;
	cp->level = level < 1 || level > 9 ? 6 : level;
	cp->nthreads = compress_par_threads(threads);
	cp->crc = crc32(0, NULL, 0);
	rc = cp->nthreads == 1 ? single_open(cp) : par_open(cp);
	if (rc == -1) {
		int save = errno;
		compress_par_free(cp);
		errno = save;
		return NULL;
	}
	return cp;
}

int
compress_par_feed(struct compress_par *cp, int in, off_t *off, off_t limit)
{
	if (cp->nthreads == 1)
		return single_feed(cp, in, off, limit);
	if (!cp->started) {
		if (put_header(cp) == -1)
			return -1;
		cp->started = true;
	}
	return par_feed(cp, in, off, limit);
}

int
compress_par_finish(struct compress_par *cp, off_t *total)
{
	int rc;

	if (cp->nthreads == 1)
		rc = single_pump(cp, Z_FINISH);
	else {
		rc = 0;
		if (!cp->started && (rc = put_header(cp)) == 0)
			cp->started = true;
		if (rc == 0)
			rc = par_finish(cp);
	}
	if (rc == 0 && total != NULL)
		*total = cp->total;
	return rc;
}

void
compress_par_free(struct compress_par *cp)
{
	size_t i;
	int k, save = errno;

	if (cp == NULL)
		return;
	if (cp->sync_init) {
		pthread_mutex_lock(&cp->mu);
		cp->stop = true;
		pthread_cond_broadcast(&cp->work);
		pthread_mutex_unlock(&cp->mu);
	}
	for (k = 0; k < cp->nstarted; k++)
		pthread_join(cp->tids[k], NULL);
	if (cp->sync_init) {
		pthread_cond_destroy(&cp->done);
		pthread_cond_destroy(&cp->work);
		pthread_mutex_destroy(&cp->mu);
	}
	for (k = 0; k < cp->nzs; k++)
		deflateEnd(&cp->wzs[k]);
	for (i = 0; cp->jobs != NULL && i < cp->njobs; i++) {
		free(cp->jobs[i].in);
		free(cp->jobs[i].out);
	}
	free(cp->jobs);
	free(cp->wzs);
	free(cp->tids);
	if (cp->zs_init)
		deflateEnd(&cp->zs);
	free(cp->ibuf);
	free(cp->obuf);
	free(cp);
	errno = save;
}
