/*
 * plan.c: the planner's entry point and its action list. Once plan_decide()
 * says a log is due, it lists the actions that rotate it in logrotate 3.21's
 * order, simulating the target directory from the caller's sibling list to
 * know what is shifted, compressed and removed. It must never do I/O (no
 * open, stat, clock or name lookup), so every plan is a table test; rotate.c
 * carries the actions out.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/fsutil.h"	/* fs_split_path: string work, no I/O */
#include "daemon/plan.h"
#include "daemon/plan_int.h"

#define DAY	86400LL

/* A rotated file as the plan leaves it so far: the target dir, simulated. */
struct vfile {
	char		*name;
	time_t		 mtime;
	bool		 exists;
};

struct builder {
	const struct plan_input *in;
	const struct log_rule *r;
	struct plan	*p;
	struct names	 n;
	struct vfile	*v;
	size_t		 nv, capv;
	char		*dispose;	/* basename removed in PHASE_POST */
	const char	*rname;		/* p->rotated's name, no '/' */
	bool		 nomem;
};

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
		(void)fs_split_path(a->from, NULL, &a->from_name);
	}
	if (tname != NULL) {
		if ((a->to = join(p->target_dir, tname)) == NULL) {
			free(a->from);
			goto nomem;
		}
		(void)fs_split_path(a->to, NULL, &a->to_name);
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

/* An unknown mtime ((time_t)-1) is never old: maxage must not guess. */
static bool
too_old(struct builder *b, time_t mtime)
{
	return b->r->maxage > 0 && mtime != (time_t)-1 &&
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
	const char *fname = b->rname;
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
		plan_why(b->p, "destination %s/%s already exists: skipped",
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

/*
 * copy/copytruncate with compress and no delaycompress: the copy is made
 * gzipped in the same read of the log, instead of written plain and read
 * back (the files left are the same). Not with rotate = 0, where the copy
 * is removed at once.
 */
static bool
one_pass_gzip(const struct log_rule *r)
{
	return (r->copy || r->copytruncate) && r->compress &&
	    !r->delaycompress && r->rotate != 0;
}

static void
rotate_log(struct builder *b)
{
	const struct log_rule *r = b->r;
	const char *path = b->in->path, *fname = b->rname;
	const struct stat *st = b->in->st;
	struct plan_action *a;

	if ((r->copy || r->copytruncate) && one_pass_gzip(r)) {
		char *gz;

		if (asprintf(&gz, "%s.gz", fname) == -1) {
			b->nomem = true;
			return;
		}
		if ((a = add(b, ACT_COPY, PHASE_ROTATE, PLAN_DIR_LOG, path,
		    PLAN_DIR_TARGET, gz)) != NULL)
			a->gzip = true;
		if (r->copytruncate)
			add(b, ACT_TRUNCATE, PHASE_ROTATE, PLAN_DIR_LOG, path,
			    PLAN_DIR_LOG, NULL);
		vadd(b, gz, b->in->now);
		free(gz);
		return;
	}
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
	const char *fname = b->rname;

	if (r->rotate == 0) {
		/* Kept for the scripts' sake, then gone: no point gzipping it. */
		free(b->dispose);
		if ((b->dispose = strdup(fname)) == NULL)
			b->nomem = true;
	} else if (r->compress && !r->delaycompress && !one_pass_gzip(r))
		compress_file(b, PHASE_POST, fname);
	if (b->dispose != NULL && vfind(b, b->dispose) != NULL)
		remove_file(b, PHASE_POST, b->dispose);
}

/* The log's and the target's directories, and the log's name into *BASE. */
static int
set_dirs(struct builder *b, const char **base)
{
	const char *olddir = b->r->olddir;
	struct plan *p = b->p;

	if (fs_split_path(b->in->path, &p->log_dir, base) == -1)
		return -1;
	if (olddir == NULL)
		p->target_dir = strdup(p->log_dir);
	else if (olddir[0] == '/')
		p->target_dir = strdup(olddir);
	else
		p->target_dir = join(p->log_dir, olddir);
	return p->target_dir == NULL ? -1 : 0;
}

/*
 * The stanza's patterns joined by spaces: $1 of the scripts that run once
 * per stanza, as logrotate passes its pattern list. NULL on ENOMEM.
 */
static char *
join_patterns(const struct log_rule *r)
{
	size_t i, len = 1;
	char *s;

	for (i = 0; i < r->npatterns; i++)
		len += strlen(r->patterns[i]) + 1;
	if ((s = calloc(1, len)) == NULL)
		return NULL;
	for (i = 0; i < r->npatterns; i++) {
		if (i > 0)
			strcat(s, " ");
		strcat(s, r->patterns[i]);
	}
	return s;
}

static void
build_actions(struct builder *b)
{
	const struct log_rule *r = b->r;
	const char *path = b->in->path;
	char *pats = join_patterns(r);
	const char *arg1 = r->sharedscripts ? pats : path;
	struct plan_action *a;

	if (pats == NULL) {
		b->nomem = true;
		return;
	}
	script(b, SCRIPT_FIRSTACTION, PHASE_FIRST, r->firstaction, true,
	    pats, NULL);
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
		if (shift_dated(b) == -1) {
			free(pats);
			return;
		}
	} else
		shift_numbered(b);
	script(b, SCRIPT_PREROTATE, PHASE_PRESCRIPT, r->prerotate,
	    r->sharedscripts, arg1, NULL);
	rotate_log(b);
	script(b, SCRIPT_POSTROTATE, PHASE_POSTSCRIPT, r->postrotate,
	    r->sharedscripts, arg1, r->sharedscripts ? NULL : b->p->rotated);
	finish(b);
	script(b, SCRIPT_LASTACTION, PHASE_LAST, r->lastaction, true,
	    pats, NULL);
	free(pats);
}

/* A name that is not one component of its directory: "/", ".", "..". */
static bool
bad_name(const char *name)
{
	return strchr(name, '/') != NULL || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0;
}

static int
plan_due(struct builder *b)
{
	const char *base;
	char *name;
	size_t i;
	int n, rc = -1;

	if (set_dirs(b, &base) == -1)
		return -1;
	if (names_init(&b->n, b->r, base, b->in->now) == -1) {
		if (errno != EINVAL)
			return -1;
		b->p->status = PLAN_ERROR;
		b->p->record = PLAN_RECORD_NONE;
		plan_why(b->p, "dateformat is too long (%zu bytes)",
		    strlen(b->r->dateformat));
		return 0;
	}
	if (b->r->dateext && b->n.date[0] == '\0') {
		/* An empty suffix would name the log itself. */
		b->p->status = PLAN_ERROR;
		b->p->record = PLAN_RECORD_NONE;
		plan_why(b->p, "dateformat \"%s\" gives an empty suffix",
		    b->n.datefmt);
		names_free(&b->n);
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
	if (n != -1 && !bad_name(name)) {
		/* the name join() put last in p->rotated */
		b->rname = name;
		build_actions(b);
	} else if (n != -1) {
		/* dateformat with a "/": the log would leave its directory. */
		b->p->status = PLAN_ERROR;
		b->p->record = PLAN_RECORD_NONE;
		plan_why(b->p, "rotated name \"%s\" is not a file name in "
		    "the log's directory", name);
	}
	if (n != -1)
		free(name);
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
	plan_decide(in, plan);
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
