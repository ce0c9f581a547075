/*
 * plan_pending.c: compresswhenclosed, the planner's half. A rotation that
 * renames the log leaves the rotated file plain, as delaycompress does;
 * then each pass asks here which such files there are, and, once the
 * caller found out who holds each open for writing, whether it is
 * compressed now or waits. Pure like plan.c: the holders, the listing and
 * the clock arrive from the caller.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/plan.h"
#include "engine/plan_int.h"

/*
 * A file held open is looked at again this soon after its rotation, when
 * the writer most likely reopens its log, and at most this far apart
 * later on: every look is a pass and a walk of /proc.
 */
#define RECHECK_MIN	1
#define RECHECK_MAX	30

bool
plan_waits_for_writer(const struct log_rule *r)
{
	return r->compress && r->compresswhenclosed > 0 && !r->copy &&
	    !r->copytruncate && !r->renamecopy;
}

bool
plan_delays_compress(const struct log_rule *r)
{
	return r->delaycompress || plan_waits_for_writer(r);
}

/* Whether NAME is one the rotation left plain for later (plan_pending). */
static bool
is_pending(const struct names *n, const struct log_rule *r, const char *name)
{
	long long num, start = r->start < 0 ? 1 : r->start;
	struct datekey key;

	if (r->dateext)
		return names_dated(n, name, "", &key);
	return names_numbered(n, name, "", &num) && num == start;
}

int
plan_pending(const struct plan_input *in,
    int (*cb)(const char *name, void *arg), void *arg)
{
	const char *slash, *base;
	struct names n;
	size_t i;
	int rc = 0;

	if (!plan_waits_for_writer(in->rule) || in->siblings == NULL)
		return 0;
	slash = strrchr(in->path, '/');
	base = slash != NULL ? slash + 1 : in->path;
	if (names_init(&n, in->rule, base, in->now) == -1)
		/* a dateformat too long names nothing: nothing waits */
		return errno == EINVAL ? 0 : -1;
	for (i = 0; i < in->nsiblings && rc == 0; i++)
		if (is_pending(&n, in->rule, in->siblings[i].name))
			rc = cb(in->siblings[i].name, arg);
	names_free(&n);
	return rc;
}

time_t
plan_pending_deadline(const struct log_rule *r, time_t last, time_t now)
{
	time_t from = last == 0 || last > now ? now : last;

	return from + (time_t)r->compresswhenclosed;
}

/* The next look at a file rotated at LAST (plan_build_pending). */
static time_t
recheck_at(const struct log_rule *r, time_t last, time_t now)
{
	time_t deadline = plan_pending_deadline(r, last, now);
	time_t step = (now - (last == 0 || last > now ? now : last)) / 4;

	if (step < RECHECK_MIN)
		step = RECHECK_MIN;
	if (step > RECHECK_MAX)
		step = RECHECK_MAX;
	return now + step < deadline ? now + step : deadline;
}

static void
builder_free(struct builder *b)
{
	size_t i;

	for (i = 0; i < b->nv; i++)
		free(b->v[i].name);
	free(b->v);
	names_free(&b->n);
}

/* Who writes the file, for the plan's why: "pid 812 (nginx)". */
static void
holder_text(const struct plan_holder *h, char *buf, size_t len)
{
	if (h->kind == PLAN_HOLD_PID)
		snprintf(buf, len, "pid %ld (%s)", (long)h->pid,
		    h->comm != NULL ? h->comm : "?");
	else
		snprintf(buf, len, "a process mond cannot see");
}

/* Why the file at PATH is compressed now, or waits, into the plan's why. */
static void
say_why(struct plan *p, const struct log_rule *r, const char *path,
    const struct plan_holder *h, time_t deadline, bool due)
{
	char when[32], who[64];
	struct tm tm;

	localtime_r(&deadline, &tm);
	if (strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm) == 0)
		when[0] = '\0';
	holder_text(h, who, sizeof(who));
	if (h->kind == PLAN_HOLD_NONE)
		plan_why(p, "%s: no process holds it open for writing", path);
	else if (h->kind == PLAN_HOLD_UNKNOWN && due)
		plan_why(p, "%s: who holds it open is unknown, and "
		    "compresswhenclosed's %lds are over", path,
		    r->compresswhenclosed);
	else if (h->kind == PLAN_HOLD_UNKNOWN)
		plan_why(p, "%s: who holds it open is unknown: compression "
		    "waits, at the latest until %s", path, when);
	else if (due)
		plan_why(p, "%s: still held open by %s, but "
		    "compresswhenclosed's %lds are over", path, who,
		    r->compresswhenclosed);
	else
		plan_why(p, "%s is held open by %s: compression waits, at the "
		    "latest until %s", path, who, when);
}

int
plan_build_pending(const struct plan_input *in, const char *name,
    const struct plan_holder *holder, struct plan *plan, time_t *recheck)
{
	const struct log_rule *r = in->rule;
	struct builder b;
	const char *base;
	time_t deadline;
	char *path;
	bool due;

	memset(plan, 0, sizeof(*plan));
	*recheck = (time_t)-1;
	memset(&b, 0, sizeof(b));
	b.in = in;
	b.r = r;
	b.p = plan;
	if (plan_dirs(&b, &base) == -1 || names_init(&b.n, r, base,
	    in->now) == -1 || (path = list_join(plan->target_dir,
	    name)) == NULL) {
		builder_free(&b);
		plan_free(plan);
		errno = ENOMEM;
		return -1;
	}
	deadline = plan_pending_deadline(r, in->last, in->now);
	due = holder->kind == PLAN_HOLD_NONE || in->now >= deadline;
	say_why(plan, r, path, holder, deadline, due);
	free(path);
	plan->status = due ? PLAN_DUE : PLAN_IDLE;
	if (due) {
		/* the siblings say whether a stray .gz needs its backup */
		vdir_load(&b);
		list_compress(&b, PHASE_PRE, name, false);
	} else
		*recheck = recheck_at(r, in->last, in->now);
	builder_free(&b);
	if (b.nomem) {
		plan_free(plan);
		errno = ENOMEM;
		return -1;
	}
	return 0;
}
