/*
 * status.c: the per-log status table the loop keeps from the worker's
 * reports, in the order the last full pass listed the logs, with an index
 * by path so counters follow their log across passes and reloads. Only the
 * loop thread touches it; it never blocks but for one fstatat() per log
 * when a page is built, at most once a second, never through a symlink.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/clock.h"
#include "daemon/plan.h"
#include "daemon/status.h"

struct entry {
	char		*path;
	char		*rule;
	long long	 size;
	long long	 threshold;
	enum threshold_kind kind;
	time_t		 last;
	time_t		 next_due;
	int		 backups;
	enum pass_outcome outcome;
	char		*error;
	unsigned long long rotations;
	unsigned long long failures;
};

struct status_table {
	struct entry	*entries;	/* the last full pass's order */
	struct entry	**byname;	/* the same, sorted by path */
	struct status_row *rows;
	size_t		 n;
	/* when status_fill last stat()ed the logs (CLOCK_MONOTONIC) */
	double		 sized_at;
	bool		 sized;
};

struct status_table *
status_new(void)
{
	return calloc(1, sizeof(struct status_table));
}

enum threshold_kind
status_threshold(const struct log_rule *rule, bool time_due, long long *bytes)
{
	enum plan_threshold_kind k;

	*bytes = plan_threshold(rule, time_due, &k);
	switch (k) {
	case PLAN_THRESHOLD_SIZE:
		return THRESHOLD_SIZE;
	case PLAN_THRESHOLD_MAXSIZE:
		return THRESHOLD_MAXSIZE;
	case PLAN_THRESHOLD_MINSIZE:
		return THRESHOLD_MINSIZE;
	case PLAN_THRESHOLD_NONE:
		break;
	}
	return THRESHOLD_NONE;
}

static int
byname_cmp(const void *a, const void *b)
{
	const struct entry *const *x = a, *const *y = b;

	return strcmp((*x)->path, (*y)->path);
}

static struct entry *
find(const struct status_table *t, const char *path)
{
	struct entry key = { .path = (char *)path }, *kp = &key, **e;

	if (t->n == 0)
		return NULL;
	e = bsearch(&kp, t->byname, t->n, sizeof(*t->byname), byname_cmp);
	return e != NULL ? *e : NULL;
}

/* Replaces *DST with a copy of SRC (NULL allowed); -1 on ENOMEM. */
static int
set_str(char **dst, const char *src)
{
	char *s = NULL;

	if (src != NULL && (s = strdup(src)) == NULL)
		return -1;
	free(*dst);
	*dst = s;
	return 0;
}

static int
apply(struct entry *e, const struct mond_conf *conf,
    const struct pass_result *r)
{
	const struct log_rule *rule = NULL;

	/* A report made under a config since replaced may name a stale rule. */
	if (r->rule < conf->nrules)
		rule = &conf->rules[r->rule];
	if (set_str(&e->rule, rule ? rule->title : NULL) == -1 ||
	    set_str(&e->error, r->outcome == PASS_FAILED ? r->why : NULL) == -1)
		return -1;
	e->kind = rule ? status_threshold(rule, r->next_due != (time_t)-1 &&
	    r->next_due <= time(NULL), &e->threshold) : THRESHOLD_NONE;
	if (rule == NULL)
		e->threshold = -1;
	e->backups = rule ? rule->rotate : 0;
	e->size = (long long)r->size;
	e->last = r->last;
	e->next_due = r->next_due;
	e->outcome = r->outcome;
	if (r->outcome == PASS_ROTATED)
		e->rotations++;
	else if (r->outcome == PASS_FAILED)
		e->failures++;
	return 0;
}

static void
free_entries(struct entry *e, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(e[i].path);
		free(e[i].rule);
		free(e[i].error);
	}
	free(e);
}

/* A full pass: the rows become REP's logs, counters carried by path. */
static int
replace(struct status_table *t, const struct mond_conf *conf,
    const struct pass_report *rep)
{
	struct entry *ne = NULL, **nb = NULL, *old;
	struct status_row *nr = NULL;
	size_t i, n = rep->nresults;

	if (n > 0 && ((ne = calloc(n, sizeof(*ne))) == NULL ||
	    (nb = calloc(n, sizeof(*nb))) == NULL ||
	    (nr = calloc(n, sizeof(*nr))) == NULL))
		goto fail;
	for (i = 0; i < n; i++) {
		const struct pass_result *r = &rep->results[i];

		if ((ne[i].path = strdup(r->path)) == NULL)
			goto fail;
		if ((old = find(t, r->path)) != NULL) {
			ne[i].rotations = old->rotations;
			ne[i].failures = old->failures;
		}
		if (apply(&ne[i], conf, r) == -1)
			goto fail;
		nb[i] = &ne[i];
	}
	if (n > 0)
		qsort(nb, n, sizeof(*nb), byname_cmp);
	free_entries(t->entries, t->n);
	free(t->byname);
	free(t->rows);
	t->entries = ne;
	t->byname = nb;
	t->rows = nr;
	t->n = n;
	return 0;
fail:
	free_entries(ne, n);
	free(nb);
	free(nr);
	errno = ENOMEM;
	return -1;
}

int
status_update(struct status_table *t, const struct mond_conf *conf,
    const struct pass_report *rep, bool full)
{
	struct entry *e;
	size_t i;

	if (full)
		return replace(t, conf, rep);
	/* A forced pass over some logs: the next full pass adds new ones. */
	for (i = 0; i < rep->nresults; i++)
		if ((e = find(t, rep->results[i].path)) != NULL &&
		    apply(e, conf, &rep->results[i]) == -1) {
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

void
status_fill(struct status_table *t, struct status_snapshot *s)
{
	struct status_row *row;
	struct entry *e;
	bool restat = sizes_stale(t);
	size_t i;

	for (i = 0; i < t->n; i++) {
		e = &t->entries[i];
		row = &t->rows[i];
		if (restat && i < STATUS_STAT_MAX)
			e->size = log_size(e->path);
		row->path = e->path;
		row->rule = e->rule;
		row->size = e->size;
		row->threshold = e->threshold;
		row->threshold_kind = e->kind;
		row->last = e->last;
		row->next_due = e->next_due;
		row->backups = e->backups;
		row->outcome = pass_outcome_name(e->outcome);
		row->error = e->error;
		row->rotations = e->rotations;
		row->failures = e->failures;
	}
	s->rows = t->rows;
	s->nrows = t->n;
}

void
status_free(struct status_table *t)
{
	if (t == NULL)
		return;
	free_entries(t->entries, t->n);
	free(t->byname);
	free(t->rows);
	free(t);
}
