/*
 * frontmsg.c: frames and payloads between the root process and the web
 * front (frontmsg.h). Encoding is plain: integers in host order, strings
 * as a length with the NUL counted (0 for NULL), so the decoder can hand
 * out pointers into the payload after checking the NUL is there.
 */
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "web/frontmsg.h"

int
fmsg_frame(struct evbuffer *out, enum fmsg_type type, struct evbuffer *payload)
{
	unsigned char head[FMSG_HEAD];
	uint32_t len = payload != NULL ?
	    (uint32_t)evbuffer_get_length(payload) : 0;

	memcpy(head, &len, sizeof(len));
	head[4] = (unsigned char)type;
	if (evbuffer_add(out, head, sizeof(head)) == -1)
		return -1;
	return payload != NULL ? evbuffer_add_buffer(out, payload) : 0;
}

int
fmsg_next(struct evbuffer *in, size_t max, enum fmsg_type *type,
    unsigned char **payload, size_t *len)
{
	unsigned char head[FMSG_HEAD];
	uint32_t n;

	if (evbuffer_copyout(in, head, sizeof(head)) != (ev_ssize_t)sizeof(head))
		return 0;
	memcpy(&n, head, sizeof(n));
	if (n > max)
		return -1;
	if (evbuffer_get_length(in) < sizeof(head) + n)
		return 0;
	*payload = NULL;
	if (n > 0 && (*payload = malloc(n)) == NULL)
		return -1;
	evbuffer_drain(in, sizeof(head));
	if (n > 0)
		evbuffer_remove(in, *payload, n);
	*type = (enum fmsg_type)head[4];
	*len = n;
	return 1;
}

void
fmsg_put_u32(struct evbuffer *b, uint32_t v)
{
	evbuffer_add(b, &v, sizeof(v));
}

void
fmsg_put_u64(struct evbuffer *b, uint64_t v)
{
	evbuffer_add(b, &v, sizeof(v));
}

void
fmsg_put_str(struct evbuffer *b, const char *s)
{
	uint32_t n = s != NULL ? (uint32_t)strlen(s) + 1 : 0;

	fmsg_put_u32(b, n);
	if (n > 0)
		evbuffer_add(b, s, n);
}

static const unsigned char *
take(struct fmsg_reader *r, size_t n)
{
	const unsigned char *p = r->p;

	if (r->bad || r->left < n) {
		r->bad = true;
		return NULL;
	}
	r->p += n;
	r->left -= n;
	return p;
}

/* N bytes into V, which stays as it was when they are not there. */
static void
take_into(struct fmsg_reader *r, void *v, size_t n)
{
	const unsigned char *p = take(r, n);

	if (p != NULL)
		memcpy(v, p, n);
}

uint32_t
fmsg_get_u32(struct fmsg_reader *r)
{
	uint32_t v = 0;

	take_into(r, &v, sizeof(v));
	return v;
}

uint64_t
fmsg_get_u64(struct fmsg_reader *r)
{
	uint64_t v = 0;

	take_into(r, &v, sizeof(v));
	return v;
}

const char *
fmsg_get_str(struct fmsg_reader *r)
{
	uint32_t n = fmsg_get_u32(r);
	const unsigned char *p;

	if (n == 0)
		return NULL;
	if ((p = take(r, n)) == NULL || p[n - 1] != '\0') {
		r->bad = true;
		return NULL;
	}
	return (const char *)p;
}

void
fmsg_put_config(struct evbuffer *b, const struct http_conf *http,
    const struct applog_conf *applog, const struct http_counts *counts)
{
	size_t i;

	fmsg_put_str(b, http->listen);
	fmsg_put_u32(b, (uint32_t)http->port);
	fmsg_put_u32(b, (uint32_t)http->timeout);
	fmsg_put_u32(b, (uint32_t)(http->status | http->status_json << 1 |
	    http->metrics << 2));
	fmsg_put_str(b, http->user);
	fmsg_put_u32(b, (uint32_t)http->max_clients);
	fmsg_put_str(b, http->status_allow);
	fmsg_put_str(b, applog->path);
	fmsg_put_u64(b, (uint64_t)applog->maxbytes);
	fmsg_put_u32(b, (uint32_t)applog->backups);
	fmsg_put_u32(b, (uint32_t)applog->level);
	for (i = 0; i < HTTP_NCOUNTED; i++)
		fmsg_put_u64(b, counts->n[i]);
}

int
fmsg_get_config(struct fmsg_reader *r, struct front_config *fc)
{
	uint32_t routes;
	size_t i;

	memset(fc, 0, sizeof(*fc));
	fc->http.listen = (char *)fmsg_get_str(r);
	fc->http.port = (int)fmsg_get_u32(r);
	fc->http.timeout = (int)fmsg_get_u32(r);
	routes = fmsg_get_u32(r);
	fc->http.status = routes & 1;
	fc->http.status_json = routes & 2;
	fc->http.metrics = routes & 4;
	fc->http.user = (char *)fmsg_get_str(r);
	fc->http.max_clients = (int)fmsg_get_u32(r);
	fc->http.status_allow = (char *)fmsg_get_str(r);
	fc->applog.path = (char *)fmsg_get_str(r);
	fc->applog.maxbytes = (long long)fmsg_get_u64(r);
	fc->applog.backups = (int)fmsg_get_u32(r);
	fc->applog.level = (enum applog_level)fmsg_get_u32(r);
	for (i = 0; i < HTTP_NCOUNTED; i++)
		fc->counts.n[i] = fmsg_get_u64(r);
	if (r->bad || fc->http.listen == NULL || fc->applog.path == NULL)
		return -1;
	return 0;
}

/* A row's compression figures and its last day (render.h's bounds). */
static void
put_day(struct evbuffer *b, const struct status_row *w)
{
	size_t i, n;

	fmsg_put_u64(b, (uint64_t)w->packed_in);
	fmsg_put_u64(b, (uint64_t)w->packed_out);
	n = w->nhistory < STATUS_HISTORY_MAX ? w->nhistory : STATUS_HISTORY_MAX;
	fmsg_put_u32(b, (uint32_t)n);
	for (i = 0; i < n; i++) {
		fmsg_put_u64(b, (uint64_t)w->history[i].at);
		fmsg_put_u64(b, (uint64_t)w->history[i].size);
	}
	n = w->nrotated_at < STATUS_ROTATIONS_MAX ? w->nrotated_at :
	    STATUS_ROTATIONS_MAX;
	fmsg_put_u32(b, (uint32_t)n);
	for (i = 0; i < n; i++)
		fmsg_put_u64(b, (uint64_t)w->rotated_at[i]);
}

void
fmsg_put_snapshot(struct evbuffer *b, const struct status_snapshot *s)
{
	size_t i;

	fmsg_put_str(b, s->version);
	fmsg_put_str(b, s->conf_path);
	fmsg_put_u64(b, (uint64_t)s->now);
	fmsg_put_u64(b, (uint64_t)s->started);
	fmsg_put_u32(b, s->worker_alive);
	fmsg_put_u32(b, (uint32_t)(s->history_step > 0 ? s->history_step :
	    STATUS_HISTORY_STEP));
	fmsg_put_u32(b, (uint32_t)s->nrows);
	for (i = 0; i < s->nrows; i++) {
		const struct status_row *w = &s->rows[i];

		fmsg_put_str(b, w->path);
		fmsg_put_str(b, w->rule);
		fmsg_put_u64(b, (uint64_t)w->size);
		fmsg_put_u64(b, (uint64_t)w->threshold);
		fmsg_put_u32(b, (uint32_t)w->threshold_kind);
		fmsg_put_u64(b, (uint64_t)w->last);
		fmsg_put_u64(b, (uint64_t)w->next_due);
		fmsg_put_u32(b, (uint32_t)w->backups);
		fmsg_put_str(b, w->outcome);
		fmsg_put_str(b, w->error);
		fmsg_put_u64(b, w->rotations);
		fmsg_put_u64(b, w->failures);
		fmsg_put_u64(b, (uint64_t)w->rotated_files);
		fmsg_put_u64(b, (uint64_t)w->rotated_bytes);
		put_day(b, w);
	}
	fmsg_put_u32(b, (uint32_t)s->nproblems);
	for (i = 0; i < s->nproblems; i++) {
		fmsg_put_str(b, s->problems[i].file);
		fmsg_put_u32(b, (uint32_t)s->problems[i].line);
		fmsg_put_str(b, s->problems[i].what);
		fmsg_put_u32(b, s->problems[i].skipped);
	}
	fmsg_put_u32(b, (uint32_t)s->nfs);
	for (i = 0; i < s->nfs; i++) {
		fmsg_put_str(b, s->fs[i].path);
		fmsg_put_u64(b, (uint64_t)s->fs[i].free);
		fmsg_put_u64(b, (uint64_t)s->fs[i].size);
		fmsg_put_u64(b, (uint64_t)s->fs[i].minfree);
	}
}

/*
 * The smallest encoding of a row (four string lengths, four u32, ten
 * u64), of a problem (two string lengths, two u32) and of a file system
 * (a string length, three u64): bounds a count.
 */
#define ROW_MIN		(4 * 4 + 4 * 4 + 8 * 10)
#define PROBLEM_MIN	(4 * 4)
#define FS_MIN		(4 + 8 * 3)

/*
 * put_day's figures, checked as render.c takes them on trust: counts
 * within render.h's bounds and what is left, bytes not below 0 and sizes
 * not below -1, times in order. Copied out of the payload (its 8-byte
 * fields are not aligned) into arrays of the row's own, freed with the
 * snapshot (free_days).
 */
static void
get_day(struct fmsg_reader *r, struct status_row *w)
{
	struct status_sample *hs = NULL;
	time_t *rt = NULL;
	size_t i, n;

	w->packed_in = (long long)fmsg_get_u64(r);
	w->packed_out = (long long)fmsg_get_u64(r);
	n = fmsg_get_u32(r);
	if (r->bad || w->packed_in < 0 || w->packed_out < 0 ||
	    n > STATUS_HISTORY_MAX || n > r->left / 16 ||
	    (n > 0 && (hs = calloc(n, sizeof(*hs))) == NULL)) {
		r->bad = true;
		return;
	}
	for (i = 0; i < n; i++) {
		hs[i].at = (time_t)fmsg_get_u64(r);
		hs[i].size = (long long)fmsg_get_u64(r);
		if (hs[i].size < -1 || (i > 0 && hs[i].at < hs[i - 1].at))
			r->bad = true;
	}
	if (n > 0)
		w->history = hs;
	w->nhistory = n;
	n = fmsg_get_u32(r);
	if (r->bad || n > STATUS_ROTATIONS_MAX || n > r->left / 8 ||
	    (n > 0 && (rt = calloc(n, sizeof(*rt))) == NULL)) {
		r->bad = true;
		return;
	}
	for (i = 0; i < n; i++) {
		rt[i] = (time_t)fmsg_get_u64(r);
		if (i > 0 && rt[i] < rt[i - 1])
			r->bad = true;
	}
	if (n > 0)
		w->rotated_at = rt;
	w->nrotated_at = n;
}

static void
get_row(struct fmsg_reader *r, struct status_row *w)
{
	w->path = fmsg_get_str(r);
	w->rule = fmsg_get_str(r);
	w->size = (long long)fmsg_get_u64(r);
	w->threshold = (long long)fmsg_get_u64(r);
	w->threshold_kind = (enum threshold_kind)fmsg_get_u32(r);
	w->last = (time_t)fmsg_get_u64(r);
	w->next_due = (time_t)fmsg_get_u64(r);
	w->backups = (int)fmsg_get_u32(r);
	w->outcome = fmsg_get_str(r);
	w->error = fmsg_get_str(r);
	w->rotations = fmsg_get_u64(r);
	w->failures = fmsg_get_u64(r);
	w->rotated_files = (long long)fmsg_get_u64(r);
	w->rotated_bytes = (long long)fmsg_get_u64(r);
	if (w->path == NULL || w->rule == NULL || w->outcome == NULL ||
	    w->threshold_kind > THRESHOLD_MINSIZE)
		r->bad = true;
	get_day(r, w);
}

/* The file systems, at the payload's end, into FS; -1 when malformed. */
static int
get_fs(struct fmsg_reader *r, struct front_snapshot *fs)
{
	size_t i, n = fmsg_get_u32(r);

	if (r->bad || n > r->left / FS_MIN ||
	    (n > 0 && (fs->fs = calloc(n, sizeof(*fs->fs))) == NULL))
		return -1;
	for (i = 0; i < n && !r->bad; i++) {
		fs->fs[i].path = fmsg_get_str(r);
		fs->fs[i].free = (long long)fmsg_get_u64(r);
		fs->fs[i].size = (long long)fmsg_get_u64(r);
		fs->fs[i].minfree = (long long)fmsg_get_u64(r);
		if (fs->fs[i].path == NULL)
			r->bad = true;
	}
	fs->s.fs = fs->fs;
	fs->s.nfs = n;
	return r->bad ? -1 : 0;
}

/* What get_day allocated for each of ROWS (N of them, calloc'd). */
static void
free_days(struct status_row *rows, size_t n)
{
	size_t i;

	for (i = 0; rows != NULL && i < n; i++) {
		free((void *)rows[i].history);
		free((void *)rows[i].rotated_at);
	}
}

int
fmsg_get_snapshot(unsigned char *payload, size_t len, struct front_snapshot *fs)
{
	struct fmsg_reader r = { payload, len, false };
	struct status_snapshot *s = &fs->s;
	size_t i, n;

	memset(fs, 0, sizeof(*fs));
	s->version = fmsg_get_str(&r);
	s->conf_path = fmsg_get_str(&r);
	s->now = (time_t)fmsg_get_u64(&r);
	s->started = (time_t)fmsg_get_u64(&r);
	s->worker_alive = fmsg_get_u32(&r) != 0;
	s->history_step = (int)fmsg_get_u32(&r);
	if (s->history_step < 1 || s->history_step > STATUS_HISTORY_STEP)
		goto bad;
	n = fmsg_get_u32(&r);
	if (r.bad || n > r.left / ROW_MIN ||
	    (n > 0 && (fs->rows = calloc(n, sizeof(*fs->rows))) == NULL))
		goto bad;
	s->rows = fs->rows;
	s->nrows = n;
	for (i = 0; i < n && !r.bad; i++)
		get_row(&r, &fs->rows[i]);
	n = fmsg_get_u32(&r);
	if (r.bad || n > r.left / PROBLEM_MIN || (n > 0 &&
	    (fs->problems = calloc(n, sizeof(*fs->problems))) == NULL))
		goto bad;
	for (i = 0; i < n && !r.bad; i++) {
		fs->problems[i].file = fmsg_get_str(&r);
		fs->problems[i].line = (int)fmsg_get_u32(&r);
		fs->problems[i].what = fmsg_get_str(&r);
		fs->problems[i].skipped = fmsg_get_u32(&r) != 0;
		if (fs->problems[i].file == NULL || fs->problems[i].what == NULL)
			r.bad = true;
	}
	s->problems = fs->problems;
	s->nproblems = n;
	if (get_fs(&r, fs) == -1)
		goto bad;
	if (r.bad || s->version == NULL || s->conf_path == NULL)
		goto bad;
	fs->payload = payload;
	return 0;
bad:
	free_days(fs->rows, fs->s.nrows);
	free(fs->rows);
	free(fs->problems);
	free(fs->fs);
	memset(fs, 0, sizeof(*fs));
	return -1;
}

void
front_snapshot_free(struct front_snapshot *fs)
{
	free_days(fs->rows, fs->s.nrows);
	free(fs->payload);
	free(fs->rows);
	free(fs->problems);
	free(fs->fs);
	memset(fs, 0, sizeof(*fs));
}
