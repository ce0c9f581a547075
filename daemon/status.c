/*
 * status.c: the per-log status table the loop keeps from the worker's
 * reports, in the order the last full pass listed the logs, with an index
 * by path so counters follow their log across passes and reloads, and the
 * file systems the last full pass's logs are on. Only the loop thread
 * touches it; it never blocks but for one fstatat() per log and one
 * fstatvfs() per file system when a page is built, at most once a second,
 * never through a symlink. Those sizes, and the pass's, are also each
 * log's day of history (history.c) for the sparkline.
 */
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/clock.h"
#include "engine/plan.h"
#include "engine/retain.h"
#include "daemon/history.h"
#include "daemon/status.h"

/*
 * The rows are the table itself, not a copy: status_fill hands them out as
 * they are. The table owns each row's path, rule and error (strdup'd, freed
 * in free_rows); outcome points at pass_outcome_name()'s static text.
 * Likewise fs, each with its path owned and, in fsfd, a descriptor to
 * measure it again by (a dup of the pass's, -1 where a user controls the
 * only directories of it: then the pass's figures stand). Each of the
 * first STATUS_STAT_MAX rows has its last day in hist, beside it (NULL
 * until its first sample, or when there was no memory for it).
 */
struct status_table {
	struct status_row *rows;	/* the last full pass's order */
	struct size_history **hist;	/* the same order */
	struct status_row **byname;	/* the same, sorted by path */
	size_t		 n;
	struct status_fs *fs;		/* the last full pass's, by path */
	int		*fsfd;
	size_t		 nfs;
	/* the config's minfree, as of the last report */
	int		 minfree_pct;
	long long	 minfree_bytes;
	int		 step;		/* of the histories, in seconds */
	/* when status_fill last stat()ed the logs (CLOCK_MONOTONIC) */
	double		 sized_at;
	bool		 sized;
};

struct status_table *
status_new(int step)
{
	struct status_table *t;

	if ((t = calloc(1, sizeof(*t))) != NULL)
		t->step = step > 0 && step <= STATUS_HISTORY_STEP ? step :
		    STATUS_HISTORY_STEP;
	return t;
}

static int
byname_cmp(const void *a, const void *b)
{
	const struct status_row *const *x = a, *const *y = b;

	return strcmp((*x)->path, (*y)->path);
}

static struct status_row *
find(const struct status_table *t, const char *path)
{
	struct status_row key = { .path = path }, *kp = &key, **row;

	if (t->n == 0)
		return NULL;
	row = bsearch(&kp, t->byname, t->n, sizeof(*t->byname), byname_cmp);
	return row != NULL ? *row : NULL;
}

/* Replaces the table's *DST by a copy of SRC (NULL allowed); -1 on ENOMEM. */
static int
set_str(const char **dst, const char *src)
{
	char *s = NULL;

	if (src != NULL && (s = strdup(src)) == NULL)
		return -1;
	free((char *)*dst);
	*dst = s;
	return 0;
}

/* Row I's history, made at its first use; NULL past the bound or memory. */
static struct size_history *
hist_of(struct size_history **hist, size_t i)
{
	if (i >= STATUS_STAT_MAX)
		return NULL;
	if (hist[i] == NULL)
		hist[i] = calloc(1, sizeof(*hist[i]));
	return hist[i];
}

/*
 * R into ROW and its history H (may be NULL): the size the pass saw is a
 * sample, before the rotation it may have made.
 */
static int
apply(struct status_row *row, struct size_history *h, int step,
    const struct mond_conf *conf, const struct pass_result *r, time_t now)
{
	const struct log_rule *rule = NULL;

	/* A report made under a config since replaced may name a stale rule. */
	if (r->rule < conf->nrules)
		rule = &conf->rules[r->rule];
	if (set_str(&row->rule, rule ? rule->title : NULL) == -1 ||
	    set_str(&row->error, r->outcome == PASS_FAILED ? r->why :
	    NULL) == -1)
		return -1;
	row->threshold_kind = THRESHOLD_NONE;
	row->threshold = rule == NULL ? -1 : plan_threshold(rule,
	    r->next_due != (time_t)-1 && r->next_due <= now,
	    &row->threshold_kind);
	row->backups = rule ? rule->rotate : 0;
	row->size = (long long)r->size;
	row->last = r->last;
	row->next_due = r->next_due;
	row->outcome = pass_outcome_name(r->outcome);
	row->rotated_files = r->kept_files;
	row->rotated_bytes = r->kept_bytes;
	row->packed_in += r->packed_in;
	row->packed_out += r->packed_out;
	if (h != NULL && r->size >= 0)
		history_sample(h, step, now, (long long)r->size);
	if (r->outcome == PASS_ROTATED) {
		row->rotations++;
		if (h != NULL)
			history_rotation(h, step, now);
	} else if (r->outcome == PASS_FAILED)
		row->failures++;
	return 0;
}

static void
free_hist(struct size_history **hist, size_t n)
{
	size_t i;

	for (i = 0; hist != NULL && i < n; i++)
		free(hist[i]);
	free(hist);
}

static void
free_rows(struct status_row *rows, size_t n)
{
	size_t i;

	/* ROWS is NULL when replace() could not allocate it. */
	for (i = 0; rows != NULL && i < n; i++) {
		free((char *)rows[i].path);
		free((char *)rows[i].rule);
		free((char *)rows[i].error);
	}
	free(rows);
}

/* A full pass: the rows become REP's logs, counters carried by path. */
static int
replace(struct status_table *t, const struct mond_conf *conf,
    const struct pass_report *rep, time_t now)
{
	struct status_row *nr = NULL, **nb = NULL, *old;
	struct size_history **nh = NULL;
	size_t i, n = rep->nresults;

	if (n > 0 && ((nr = calloc(n, sizeof(*nr))) == NULL ||
	    (nb = calloc(n, sizeof(*nb))) == NULL ||
	    (nh = calloc(n, sizeof(*nh))) == NULL))
		goto fail;
	for (i = 0; i < n; i++) {
		const struct pass_result *r = &rep->results[i];

		if ((nr[i].path = strdup(r->path)) == NULL)
			goto fail;
		if ((old = find(t, r->path)) != NULL) {
			nr[i].rotations = old->rotations;
			nr[i].failures = old->failures;
			nr[i].packed_in = old->packed_in;
			nr[i].packed_out = old->packed_out;
			/* its day goes along, whatever its place now */
			if (i < STATUS_STAT_MAX) {
				nh[i] = t->hist[old - t->rows];
				t->hist[old - t->rows] = NULL;
			}
		}
		if (apply(&nr[i], hist_of(nh, i), t->step, conf, r, now) == -1)
			goto fail;
		nb[i] = &nr[i];
	}
	if (n > 0)
		qsort(nb, n, sizeof(*nb), byname_cmp);
	free_rows(t->rows, t->n);
	free_hist(t->hist, t->n);
	free(t->byname);
	t->rows = nr;
	t->hist = nh;
	t->byname = nb;
	t->n = n;
	return 0;
fail:
	/* the days taken from the old rows are lost with the new ones */
	free_rows(nr, n);
	free_hist(nh, n);
	free(nb);
	errno = ENOMEM;
	return -1;
}

/* FS's figures from SV, as T's minfree judges them (-1s when unknown). */
static void
fs_figures(const struct status_table *t, struct status_fs *fs,
    const struct statvfs *sv)
{
	fs->free = fs->size = fs->minfree = -1;
	if (sv != NULL && retain_space(sv, t->minfree_pct, t->minfree_bytes,
	    &fs->free, &fs->size, &fs->minfree) == -1)
		fs->free = fs->size = fs->minfree = -1;
}

/*
 * FS measured again through FD, an O_PATH descriptor of a directory no
 * user can redirect; -1 (a user controls it) keeps the pass's figures.
 */
static void
fs_space(const struct status_table *t, struct status_fs *fs, int fd)
{
	struct statvfs sv;

	if (fd == -1)
		return;
	fs_figures(t, fs, fstatvfs(fd, &sv) == 0 ? &sv : NULL);
}

static void
free_fs(struct status_fs *fs, int *fd, size_t n)
{
	size_t i;

	for (i = 0; fs != NULL && i < n; i++) {
		free((char *)fs[i].path);
		if (fd != NULL && fd[i] != -1)
			close(fd[i]);
	}
	free(fs);
	free(fd);
}

/*
 * The file systems become REP's, with the figures the pass measured and
 * a descriptor of their own. -1 on ENOMEM (the old ones stay).
 */
static int
replace_fs(struct status_table *t, const struct pass_report *rep)
{
	struct status_fs *nf;
	size_t i, n = rep->nfs;
	int *nd;

	if ((nf = calloc(n + 1, sizeof(*nf))) == NULL ||
	    (nd = calloc(n + 1, sizeof(*nd))) == NULL) {
		free(nf);
		return -1;
	}
	for (i = 0; i < n; i++) {
		nd[i] = -1;
		if ((nf[i].path = strdup(rep->fs[i].path)) == NULL) {
			free_fs(nf, nd, i);
			return -1;
		}
		fs_figures(t, &nf[i], rep->fs[i].sv_ok ? &rep->fs[i].sv : NULL);
		/* without one, the pass's figures stand until the next */
		if (rep->fs[i].fd != -1)
			nd[i] = fcntl(rep->fs[i].fd, F_DUPFD_CLOEXEC, 0);
	}
	free_fs(t->fs, t->fsfd, t->nfs);
	t->fs = nf;
	t->fsfd = nd;
	t->nfs = n;
	return 0;
}

int
status_update(struct status_table *t, const struct mond_conf *conf,
    const struct pass_report *rep, bool full, time_t now)
{
	struct status_row *row;
	size_t i;

	t->minfree_pct = conf->minfree_pct;
	t->minfree_bytes = conf->minfree_bytes;
	/* a pass cut short (stopping, no memory) lists no file system */
	if (full && rep->fs != NULL && replace_fs(t, rep) == -1) {
		errno = ENOMEM;
		return -1;
	}
	if (full)
		return replace(t, conf, rep, now);
	/* A forced pass over some logs: the next full pass adds new ones. */
	for (i = 0; i < rep->nresults; i++)
		if ((row = find(t, rep->results[i].path)) != NULL &&
		    apply(row, hist_of(t->hist, (size_t)(row - t->rows)),
		    t->step, conf, &rep->results[i], now) == -1) {
			errno = ENOMEM;
			return -1;
		}
	return 0;
}

/*
 * The size of the log at PATH now, -1 when missing or not a regular file:
 * a symlink's target is never looked at (a skipped `s.log -> /etc/shadow`
 * must not publish the size of /etc/shadow).
 */
static long long
log_size(const char *path)
{
	struct stat st;

	if (fstatat(AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
	    !S_ISREG(st.st_mode))
		return -1;
	return (long long)st.st_size;
}

/* Whether the sizes are older than a second: pages re-stat at most then. */
static bool
sizes_stale(struct status_table *t)
{
	double now = mond_monotonic();

	if (t->sized && now - t->sized_at < 1.0)
		return false;
	t->sized_at = now;
	t->sized = true;
	return true;
}

/* Each row's day as its history has it now. */
static void
point_history(struct status_table *t)
{
	struct status_row *row;
	size_t i;

	for (i = 0; i < t->n; i++) {
		row = &t->rows[i];
		row->history = NULL;
		row->rotated_at = NULL;
		row->nhistory = row->nrotated_at = 0;
		if (i >= STATUS_STAT_MAX || t->hist[i] == NULL)
			continue;
		row->history = t->hist[i]->samples;
		row->nhistory = t->hist[i]->nsamples;
		row->rotated_at = t->hist[i]->rotations;
		row->nrotated_at = t->hist[i]->nrotations;
	}
}

void
status_fill(struct status_table *t, struct status_snapshot *s, time_t now)
{
	struct size_history *h;
	size_t i;

	if (sizes_stale(t)) {
		for (i = 0; i < t->n && i < STATUS_STAT_MAX; i++) {
			t->rows[i].size = log_size(t->rows[i].path);
			if ((h = hist_of(t->hist, i)) != NULL)
				history_sample(h, t->step, now,
				    t->rows[i].size);
		}
		for (i = 0; i < t->nfs; i++)
			fs_space(t, &t->fs[i], t->fsfd[i]);
	}
	point_history(t);
	s->rows = t->rows;
	s->nrows = t->n;
	s->fs = t->fs;
	s->nfs = t->nfs;
	s->history_step = t->step;
}

void
status_free(struct status_table *t)
{
	if (t == NULL)
		return;
	free_rows(t->rows, t->n);
	free_hist(t->hist, t->n);
	free(t->byname);
	free_fs(t->fs, t->fsfd, t->nfs);
	free(t);
}
