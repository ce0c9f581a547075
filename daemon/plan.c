/*
 * plan.c: the planner. From a rule, an lstat, the state entry, the clock and
 * the list of rotated siblings it decides whether a log rotates and which
 * actions do it, in logrotate 3.21's order. It must never do I/O: no open,
 * stat, clock or name lookup happens here, so every decision is a table
 * test. rotate.c carries the actions out.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/plan.h"
#include "daemon/plan_names.h"

#define DAY	86400LL
#define MB	1048576LL

/* A rotated file as the plan leaves it so far: the target dir, simulated. */
struct vfile {
	char		*name;
	time_t		 mtime;
	bool		 exists;
	struct datekey	 key;
};

struct builder {
	const struct plan_input *in;
	const struct log_rule *r;
	struct plan	*p;
	struct names	 n;
	struct vfile	*v;
	size_t		 nv, capv;
	char		*dispose;	/* basename removed in PHASE_POST */
	bool		 nomem;
};

static const char *
freq_name(enum freq f)
{
	static const char *const names[] = {
		"size", "hourly", "daily", "weekly", "monthly", "yearly",
	};

	return (size_t)f < sizeof(names) / sizeof(names[0]) ? names[f] : "?";
}

static void
why(struct plan *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->why, sizeof(p->why), fmt, ap);
	va_end(ap);
}

static void
day_text(time_t t, bool hour, char *buf, size_t len)
{
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, len, hour ? "%Y-%m-%d %H:00" : "%Y-%m-%d", &tm);
}

/* Days between two calendar dates, exact whatever DST does to midnights. */
static long long
civil_days(const struct tm *tm)
{
	long long y = tm->tm_year + 1900LL, m = tm->tm_mon + 1, d = tm->tm_mday;
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe;
}

static bool
same_hour(const struct tm *a, const struct tm *b)
{
	return a->tm_year == b->tm_year && a->tm_mon == b->tm_mon &&
	    a->tm_mday == b->tm_mday && a->tm_hour == b->tm_hour;
}

static bool
freq_due(enum freq f, const struct tm *now, const struct tm *last)
{
	long long days;

	switch (f) {
	case FREQ_HOURLY:
		return !same_hour(now, last);
	case FREQ_DAILY:
		return now->tm_mday != last->tm_mday ||
		    now->tm_mon != last->tm_mon || now->tm_year != last->tm_year;
	case FREQ_WEEKLY:
		days = civil_days(now) - civil_days(last);
		return days >= 7 || (days >= 1 && now->tm_wday == 0);
	case FREQ_MONTHLY:
		return now->tm_mon != last->tm_mon || now->tm_year != last->tm_year;
	case FREQ_YEARLY:
		return now->tm_year != last->tm_year;
	case FREQ_NONE:
		break;
	}
	return false;
}

/*
 * The time criterion, with logrotate's vetoes: minsize and minage only ever
 * hold back a rotation that time made due, never size or force.
 */
static bool
time_due(const struct plan_input *in, time_t last, struct plan *p)
{
	const struct log_rule *r = in->rule;
	const char *fname = freq_name(r->frequency);
	bool hourly = r->frequency == FREQ_HOURLY;
	struct tm tnow, tlast;
	char lt[32], mt[32];

	day_text(last, hourly, lt, sizeof(lt));
	if (last - in->now > 25 * 3600) {
		why(p, "last rotation %s is in the future: rotating", lt);
		return true;
	}
	localtime_r(&in->now, &tnow);
	localtime_r(&last, &tlast);
	if (same_hour(&tnow, &tlast) || !freq_due(r->frequency, &tnow, &tlast)) {
		why(p, "not due: %s, last %s", fname, lt);
		return false;
	}
	if (r->minsize > 0 && in->st->st_size < r->minsize) {
		why(p, "not due: size %lld < minsize %lld (%s, last %s)",
		    (long long)in->st->st_size, r->minsize, fname, lt);
		return false;
	}
	if (r->minage > 0 && r->minage * DAY >= (long long)(in->now - in->st->st_mtime)) {
		day_text(in->st->st_mtime, false, mt, sizeof(mt));
		why(p, "not due: minage %d days, modified %s", r->minage, mt);
		return false;
	}
	why(p, "%s: last %s", fname, lt);
	return true;
}

static bool
criteria(const struct plan_input *in, time_t last, struct plan *p)
{
	const struct log_rule *r = in->rule;
	long long size = in->st->st_size, thr = r->size;

	if (in->force) {
		why(p, "forced");
		return true;
	}
	if (r->maxsize > 0 && size > r->maxsize) {
		why(p, "size %lld > maxsize %lld", size, r->maxsize);
		return true;
	}
	if (thr < 0 && r->frequency == FREQ_NONE)
		thr = MB;	/* neither size nor frequency: logrotate's 1M */
	if (thr >= 0) {
		if (size >= thr)
			why(p, "size %lld >= %lld", size, thr);
		else
			why(p, "not due: size %lld < %lld", size, thr);
		return size >= thr;
	}
	return time_due(in, last, p);
}

static bool
insecure_dir(const struct stat *d)
{
	return (d->st_mode & S_IWOTH) || (d->st_gid != 0 && (d->st_mode & S_IWGRP));
}

/* The checks that leave a log alone; true when it may be considered. */
static bool
admissible(const struct plan_input *in, struct plan *p)
{
	const struct log_rule *r = in->rule;
	const struct stat *st = in->st;

	p->status = PLAN_SKIP;
	if (in->dir_st != NULL && in->euid == 0 && !r->has_su &&
	    insecure_dir(in->dir_st)) {
		p->status = PLAN_ERROR;
		why(p, "parent directory is writable by others or by a "
		    "non-root group: skipped (set su)");
	} else if (st == NULL) {
		if (!r->missingok)
			p->status = PLAN_ERROR;
		why(p, r->missingok ? "missing, missingok" : "log does not exist");
	} else if (S_ISLNK(st->st_mode))
		why(p, "symbolic link: skipped");
	else if (!S_ISREG(st->st_mode))
		why(p, "not a regular file: skipped");
	else if (st->st_nlink > 1 && !r->allowhardlink)
		why(p, "%lu hard links and allowhardlink = no: skipped",
		    (unsigned long)st->st_nlink);
	else {
		p->status = PLAN_IDLE;
		return true;
	}
	return false;
}

static void
decide(const struct plan_input *in, struct plan *p)
{
	const struct log_rule *r = in->rule;
	time_t last = in->last != 0 ? in->last : in->now;
	bool due, by_time;
	size_t l;

	if (!admissible(in, p))
		return;
	p->first_sight = in->last == 0;
	due = criteria(in, last, p);
	if (due && !r->ifempty && in->st->st_size == 0) {
		due = false;
		why(p, "empty and ifempty = no");
	}
	p->status = due ? PLAN_DUE : PLAN_IDLE;
	if (due)
		p->record = PLAN_RECORD_ON_SUCCESS;
	else if (p->first_sight)
		p->record = PLAN_RECORD_NOW;
	if (due || !p->first_sight)
		return;
	by_time = !in->force && r->size < 0 && r->frequency != FREQ_NONE;
	if (by_time && strncmp(p->why, "not due: ", 9) == 0)
		why(p, "first sight: state recorded");
	else if ((l = strlen(p->why)) + 30 < sizeof(p->why))
		snprintf(p->why + l, sizeof(p->why) - l,
		    " (first sight: state recorded)");
}

/* ---- building the action list ---- */

static char *
join(const char *dir, const char *name)
{
	char *s;

	if (asprintf(&s, "%s%s%s", dir,
	    dir[0] != '\0' && dir[strlen(dir) - 1] == '/' ? "" : "/", name) == -1)
		return NULL;
	return s;
}

static void
clear_actions(struct plan *p)
{
	size_t i;

	for (i = 0; i < p->nactions; i++) {
		free(p->actions[i].from);
		free(p->actions[i].to);
		free(p->actions[i].arg1);
		free(p->actions[i].arg2);
	}
	free(p->actions);
	p->actions = NULL;
	p->nactions = 0;
}

static struct plan_action *
add(struct builder *b, enum act_kind kind, enum plan_phase phase,
    enum plan_dir fdir, const char *fname, enum plan_dir tdir, const char *tname)
{
	struct plan *p = b->p;
	struct plan_action *a, *na;
	size_t cap = p->nactions + 1;

	if (b->nomem)
		return NULL;
	if ((na = reallocarray(p->actions, cap, sizeof(*na))) == NULL)
		goto nomem;
	p->actions = na;
	a = &na[p->nactions];
	memset(a, 0, sizeof(*a));
	a->kind = kind;
	a->phase = phase;
	a->uid = (uid_t)-1;
	a->gid = (gid_t)-1;
	a->from_dir = fdir;
	a->to_dir = tdir;
	if (fname != NULL) {
		/* The only file of the log's dir an action names is the log. */
		a->from = fdir == PLAN_DIR_LOG ? strdup(fname) :
		    join(p->target_dir, fname);
		if (a->from == NULL)
			goto nomem;
		a->from_name = strrchr(a->from, '/') != NULL ?
		    strrchr(a->from, '/') + 1 : a->from;
	}
	if (tname != NULL) {
		if ((a->to = join(p->target_dir, tname)) == NULL) {
			free(a->from);
			goto nomem;
		}
		a->to_name = strrchr(a->to, '/') + 1;
	}
	p->nactions++;
	return a;
nomem:
	b->nomem = true;
	return NULL;
}

static void
script(struct builder *b, enum script_kind kind, enum plan_phase phase,
    const char *text, bool shared, const char *arg1, const char *arg2)
{
	struct plan_action *a;

	if (text == NULL)
		return;
	if ((a = add(b, ACT_SCRIPT, phase, PLAN_DIR_LOG, NULL, PLAN_DIR_LOG,
	    NULL)) == NULL)
		return;
	a->script = kind;
	a->text = text;
	a->shared = shared;
	a->arg1 = strdup(arg1);
	a->arg2 = arg2 != NULL ? strdup(arg2) : NULL;
	if (a->arg1 == NULL || (arg2 != NULL && a->arg2 == NULL))
		b->nomem = true;
}

static struct vfile *
vfind(struct builder *b, const char *name)
{
	size_t i;

	for (i = 0; i < b->nv; i++)
		if (b->v[i].exists && strcmp(b->v[i].name, name) == 0)
			return &b->v[i];
	return NULL;
}

static void
vadd(struct builder *b, const char *name, time_t mtime)
{
	struct vfile *nv;

	if (b->nomem || vfind(b, name) != NULL)
		return;
	if (b->nv == b->capv) {
		b->capv = b->capv ? b->capv * 2 : 16;
		if ((nv = reallocarray(b->v, b->capv, sizeof(*nv))) == NULL) {
			b->nomem = true;
			return;
		}
		b->v = nv;
	}
	memset(&b->v[b->nv], 0, sizeof(b->v[b->nv]));
	if ((b->v[b->nv].name = strdup(name)) == NULL) {
		b->nomem = true;
		return;
	}
	b->v[b->nv].mtime = mtime;
	b->v[b->nv++].exists = true;
}

static void
vdel(struct builder *b, const char *name)
{
	struct vfile *f = vfind(b, name);

	if (f != NULL)
		f->exists = false;
}

static void
vmove(struct builder *b, const char *from, const char *to)
{
	struct vfile *f = vfind(b, from);
	time_t mtime = f != NULL ? f->mtime : b->in->now;

	vdel(b, to);
	vdel(b, from);
	vadd(b, to, mtime);
}

/* The siblings starting with the base name: a binary search, then a scan. */
static void
load_siblings(struct builder *b)
{
	const struct plan_sibling *s = b->in->siblings;
	size_t lo = 0, hi = b->in->nsiblings, mid, blen = strlen(b->n.base);

	if (s == NULL)
		return;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strncmp(s[mid].name, b->n.base, blen) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < b->in->nsiblings &&
	    strncmp(s[lo].name, b->n.base, blen) == 0; lo++)
		vadd(b, s[lo].name, s[lo].mtime);
}

static void
remove_file(struct builder *b, enum plan_phase phase, const char *name)
{
	struct plan_action *a;
	char *path;

	if ((path = join(b->p->target_dir, name)) == NULL) {
		b->nomem = true;
		return;
	}
	script(b, SCRIPT_PREREMOVE, phase, b->r->preremove, false, path, NULL);
	free(path);
	if ((a = add(b, ACT_REMOVE, phase, PLAN_DIR_TARGET, name,
	    PLAN_DIR_TARGET, NULL)) != NULL)
		a->enoent_ok = true;
	vdel(b, name);
}

static void
compress_file(struct builder *b, enum plan_phase phase, const char *name)
{
	char *gz;

	if (asprintf(&gz, "%s.gz", name) == -1) {
		b->nomem = true;
		return;
	}
	add(b, ACT_COMPRESS, phase, PLAN_DIR_TARGET, name, PLAN_DIR_TARGET, gz);
	vmove(b, name, gz);
	free(gz);
}

static bool
too_old(struct builder *b, time_t mtime)
{
	return b->r->maxage > 0 &&
	    (long long)(b->in->now - mtime) / DAY > b->r->maxage;
}

/* An old rotated file in hand while the list it came from changes. */
struct old {
	char		*name;
	long long	 num;
	time_t		 mtime;
	struct datekey	 key;
};

static int
old_by_num_desc(const void *a, const void *b)
{
	const struct old *x = a, *y = b;

	return x->num < y->num ? 1 : x->num > y->num ? -1 : 0;
}

/* Dated names in logrotate's order: by the date read back, then by name. */
static int
old_by_date(const void *a, const void *b)
{
	const struct old *x = a, *y = b;
	int c = datekey_cmp(&x->key, &y->key);

	return c != 0 ? c : strcmp(x->name, y->name);
}

/*
 * The existing rotated files in the numbered (NUMBERED) or dated shape
 * with SUFFIX after the extension, copied out of the simulated dir.
 */
static struct old *
collect(struct builder *b, bool numbered, const char *suffix, size_t *n)
{
	struct old *o, o1;
	size_t i;

	*n = 0;
	if ((o = calloc(b->nv + 1, sizeof(*o))) == NULL) {
		b->nomem = true;
		return NULL;
	}
	for (i = 0; i < b->nv; i++) {
		memset(&o1, 0, sizeof(o1));
		if (!b->v[i].exists || (numbered ?
		    !names_numbered(&b->n, b->v[i].name, suffix, &o1.num) :
		    !names_dated(&b->n, b->v[i].name, suffix, &o1.key)))
			continue;
		o1.mtime = b->v[i].mtime;
		if ((o1.name = strdup(b->v[i].name)) == NULL)
			b->nomem = true;
		else
			o[(*n)++] = o1;
	}
	qsort(o, *n, sizeof(*o), numbered ? old_by_num_desc : old_by_date);
	return o;
}

static void
free_old(struct old *o, size_t n)
{
	size_t i;

	for (i = 0; o != NULL && i < n; i++)
		free(o[i].name);
	free(o);
}

/*
 * logrotate's shift: gzip the uncompressed previous .start (delaycompress),
 * then rename .i to .i+1 from the top down, removing what maxage condemns;
 * what lands on .start+count is disposed of after the rotation.
 */
static void
shift_numbered(struct builder *b)
{
	const struct log_rule *r = b->r;
	long long start = r->start < 0 ? 1 : r->start, count, top;
	struct old *o;
	size_t n, i;
	char *prev, *to;
	struct plan_action *a;

	if (r->compress && r->delaycompress) {
		if (asprintf(&prev, "%s.%lld%s", b->n.base, start, b->n.ext) == -1) {
			b->nomem = true;
			return;
		}
		if (vfind(b, prev) != NULL)
			compress_file(b, PHASE_PRE, prev);
		free(prev);
	}
	if ((o = collect(b, true, b->n.comp, &n)) == NULL)
		return;
	count = r->rotate == 0 ? 1 : r->rotate;
	top = count + start - 1;
	if (r->rotate < 0)	/* keep all: shift up from the highest there is */
		top = n > 0 && o[0].num > start - 1 ? o[0].num : start - 1;
	for (i = 0; i < n && !b->nomem; i++) {
		if (o[i].num > top)
			continue;
		if (too_old(b, o[i].mtime)) {
			remove_file(b, PHASE_PRE, o[i].name);
			continue;
		}
		if (asprintf(&to, "%s.%lld%s%s", b->n.base, o[i].num + 1,
		    b->n.ext, b->n.comp) == -1) {
			b->nomem = true;
			break;
		}
		a = add(b, ACT_RENAME, PHASE_PRE,
		    PLAN_DIR_TARGET, o[i].name, PLAN_DIR_TARGET, to);
		if (a != NULL)
			a->enoent_ok = true;
		vmove(b, o[i].name, to);
		free(to);
	}
	free_old(o, n);
	if (r->rotate >= 0 && asprintf(&b->dispose, "%s.%lld%s%s", b->n.base,
	    start + count, b->n.ext, b->n.comp) == -1) {
		b->dispose = NULL;
		b->nomem = true;
	}
}

/*
 * dateext never shifts: today's name is new, and of the dated ones that
 * exist the oldest beyond `rotate` (and those past maxage) go; the last of
 * those to go waits until after the rotation, as logrotate's does.
 */
static int
shift_dated(struct builder *b)
{
	const struct log_rule *r = b->r;
	const char *fname = strrchr(b->p->rotated, '/') + 1;
	size_t n, i, last = (size_t)-1, count;
	struct old *o;
	char *gz;

	if (asprintf(&gz, "%s%s", fname, b->n.comp) == -1) {
		b->nomem = true;
		return -1;
	}
	if (vfind(b, gz) != NULL ||
	    (r->compress && r->delaycompress && vfind(b, fname) != NULL)) {
		clear_actions(b->p);
		b->p->status = PLAN_ERROR;
		b->p->record = PLAN_RECORD_NONE;
		why(b->p, "destination %s/%s already exists: skipped",
		    b->p->target_dir, gz);
		free(gz);
		return -1;
	}
	free(gz);
	if (r->compress && r->delaycompress) {
		if ((o = collect(b, false, "", &n)) == NULL)
			return -1;
		for (i = 0; i < n; i++)
			compress_file(b, PHASE_PRE, o[i].name);
		free_old(o, n);
	}
	if ((o = collect(b, false, b->n.comp, &n)) == NULL)
		return -1;
	count = r->rotate == 0 ? 1 : (size_t)r->rotate;
	for (i = 0; i < n; i++) {
		if ((r->rotate >= 0 && n >= count && i <= n - count) ||
		    too_old(b, o[i].mtime)) {
			/* rotate = 0 drops them all now; see finish() */
			if (last != (size_t)-1)
				remove_file(b, PHASE_PRE, o[last].name);
			last = i;
		}
	}
	if (last != (size_t)-1) {
		if (r->rotate == 0)
			remove_file(b, PHASE_PRE, o[last].name);
		else if ((b->dispose = strdup(o[last].name)) == NULL)
			b->nomem = true;
	}
	free_old(o, n);
	return 0;
}

static void
rotate_log(struct builder *b)
{
	const struct log_rule *r = b->r;
	const char *path = b->in->path, *final = b->p->rotated;
	const char *fname = strrchr(final, '/') + 1;
	const struct stat *st = b->in->st;
	struct plan_action *a;

	if (r->copy || r->copytruncate) {
		add(b, ACT_COPY, PHASE_ROTATE, PLAN_DIR_LOG, path,
		    PLAN_DIR_TARGET, fname);
		if (r->copytruncate)
			add(b, ACT_TRUNCATE, PHASE_ROTATE, PLAN_DIR_LOG, path,
			    PLAN_DIR_LOG, NULL);
	} else {
		add(b, ACT_RENAME, PHASE_ROTATE, PLAN_DIR_LOG, path,
		    PLAN_DIR_TARGET, fname);
		if (r->create.enabled &&
		    (a = add(b, ACT_CREATE, PHASE_ROTATE, PLAN_DIR_LOG, path,
		    PLAN_DIR_LOG, NULL)) != NULL) {
			a->mode = r->create.has_mode ? r->create.mode :
			    st->st_mode & 0777;
			a->uid = r->create.has_uid ? r->create.uid : st->st_uid;
			a->gid = r->create.has_gid ? r->create.gid : st->st_gid;
		}
	}
	vadd(b, fname, b->in->now);
}

static void
finish(struct builder *b)
{
	const struct log_rule *r = b->r;
	const char *fname = strrchr(b->p->rotated, '/') + 1;

	if (r->rotate == 0) {
		/* Kept for the scripts' sake, then gone: no point gzipping it. */
		free(b->dispose);
		if ((b->dispose = strdup(fname)) == NULL)
			b->nomem = true;
	} else if (r->compress && !r->delaycompress)
		compress_file(b, PHASE_POST, fname);
	if (b->dispose != NULL && vfind(b, b->dispose) != NULL)
		remove_file(b, PHASE_POST, b->dispose);
}

static int
set_dirs(struct builder *b)
{
	const char *path = b->in->path, *slash = strrchr(path, '/');
	const char *olddir = b->r->olddir;
	struct plan *p = b->p;

	if (slash == NULL)
		p->log_dir = strdup(".");
	else if (slash == path)
		p->log_dir = strdup("/");
	else
		p->log_dir = strndup(path, (size_t)(slash - path));
	if (p->log_dir == NULL)
		return -1;
	if (olddir == NULL)
		p->target_dir = strdup(p->log_dir);
	else if (olddir[0] == '/')
		p->target_dir = strdup(olddir);
	else
		p->target_dir = join(p->log_dir, olddir);
	return p->target_dir == NULL ? -1 : 0;
}

static void
build_actions(struct builder *b)
{
	const struct log_rule *r = b->r;
	const char *path = b->in->path;
	const char *arg1 = r->sharedscripts ? r->title : path;
	struct plan_action *a;

	script(b, SCRIPT_FIRSTACTION, PHASE_FIRST, r->firstaction, true,
	    r->title, NULL);
	if (r->olddir != NULL && r->createolddir.enabled &&
	    (a = add(b, ACT_MKDIR, PHASE_PRE, PLAN_DIR_TARGET, NULL,
	    PLAN_DIR_TARGET, NULL)) != NULL) {
		a->from = strdup(b->p->target_dir);
		a->from_name = a->from;
		if (a->from == NULL)
			b->nomem = true;
		a->mode = r->createolddir.has_mode ? r->createolddir.mode : 0755;
		if (r->createolddir.has_uid)
			a->uid = r->createolddir.uid;
		if (r->createolddir.has_gid)
			a->gid = r->createolddir.gid;
	}
	if (r->dateext) {
		if (shift_dated(b) == -1)
			return;
	} else
		shift_numbered(b);
	script(b, SCRIPT_PREROTATE, PHASE_PRESCRIPT, r->prerotate,
	    r->sharedscripts, arg1, NULL);
	rotate_log(b);
	script(b, SCRIPT_POSTROTATE, PHASE_POSTSCRIPT, r->postrotate,
	    r->sharedscripts, arg1, r->sharedscripts ? NULL : b->p->rotated);
	finish(b);
	script(b, SCRIPT_LASTACTION, PHASE_LAST, r->lastaction, true,
	    r->title, NULL);
}

static int
plan_due(struct builder *b)
{
	const char *slash = strrchr(b->in->path, '/');
	const char *base = slash != NULL ? slash + 1 : b->in->path;
	char *name;
	size_t i;
	int n, rc = -1;

	if (set_dirs(b) == -1)
		return -1;
	if (names_init(&b->n, b->r, base, b->in->now) == -1) {
		if (errno != EINVAL)
			return -1;
		b->p->status = PLAN_ERROR;
		why(b->p, "dateformat \"%s\" is too long", b->r->dateformat);
		return 0;
	}
	load_siblings(b);
	if (b->r->dateext)
		n = asprintf(&name, "%s%s%s", b->n.base, b->n.date, b->n.ext);
	else
		n = asprintf(&name, "%s.%d%s", b->n.base,
		    b->r->start < 0 ? 1 : b->r->start, b->n.ext);
	if (n == -1 || (b->p->rotated = join(b->p->target_dir, name)) == NULL)
		b->nomem = true;
	if (n != -1)
		free(name);
	if (!b->nomem)
		build_actions(b);
	if (!b->nomem)
		rc = 0;
	for (i = 0; i < b->nv; i++)
		free(b->v[i].name);
	free(b->v);
	free(b->dispose);
	names_free(&b->n);
	if (rc == -1)
		errno = ENOMEM;
	return rc;
}

int
plan_build(const struct plan_input *in, struct plan *plan)
{
	struct builder b;

	memset(plan, 0, sizeof(*plan));
	if (in == NULL || in->rule == NULL || in->path == NULL) {
		errno = EINVAL;
		return -1;
	}
	decide(in, plan);
	if (plan->status != PLAN_DUE)
		return 0;
	memset(&b, 0, sizeof(b));
	b.in = in;
	b.r = in->rule;
	b.p = plan;
	if (plan_due(&b) == -1) {
		plan_free(plan);
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void
plan_free(struct plan *plan)
{
	if (plan == NULL)
		return;
	clear_actions(plan);
	free(plan->log_dir);
	free(plan->target_dir);
	free(plan->rotated);
	plan->log_dir = plan->target_dir = plan->rotated = NULL;
}

static int
sibling_cmp(const void *a, const void *b)
{
	return strcmp(((const struct plan_sibling *)a)->name,
	    ((const struct plan_sibling *)b)->name);
}

void
plan_sort_siblings(struct plan_sibling *sib, size_t n)
{
	if (n > 1)
		qsort(sib, n, sizeof(*sib), sibling_cmp);
}
