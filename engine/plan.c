/*
 * plan.c: the planner's entry point and the shape of a rotation
 * (DESIGN §3). Once plan_decide() says a log is due, it lists the actions
 * that rotate it in logrotate 3.21's order (prerotateSingleLog,
 * rotateSingleLog, postrotateSingleLog), simulating the target directory
 * from the caller's sibling list to know what is shifted, compressed,
 * mailed and removed. It must never do I/O (no open, stat, clock or name
 * lookup), so every plan is a table test; rotate.c carries the actions out.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/fsutil.h"	/* fs_split_path: string work, no I/O */
#include "engine/plan.h"
#include "engine/plan_int.h"

#define DAY	86400LL

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

	if (r->compress && plan_delays_compress(r)) {
		if (asprintf(&prev, "%s.%lld%s", b->n.base, start, b->n.ext) == -1) {
			b->nomem = true;
			return;
		}
		if (vdir_find(b, prev) != NULL)
			list_compress(b, PHASE_PRE, prev, false);
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
			list_remove(b, PHASE_PRE, o[i].name, true);
			continue;
		}
		if (asprintf(&to, "%s.%lld%s%s", b->n.base, o[i].num + 1,
		    b->n.ext, b->n.comp) == -1) {
			b->nomem = true;
			break;
		}
		a = list_add(b, ACT_RENAME, PHASE_PRE,
		    PLAN_DIR_TARGET, o[i].name, PLAN_DIR_TARGET, to);
		if (a != NULL)
			a->enoent_ok = true;
		vdir_move(b, o[i].name, to);
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
	if (vdir_find(b, gz) != NULL || (r->compress &&
	    plan_delays_compress(r) && vdir_find(b, fname) != NULL)) {
		/* logrotate names its firstRotated: plain with delaycompress */
		list_clear(b->p);
		b->p->status = PLAN_ERROR;
		b->p->record = PLAN_RECORD_NONE;
		plan_why(b->p, "destination %s/%s%s already exists, skipping "
		    "rotation", b->p->target_dir, fname,
		    plan_delays_compress(r) ? "" : b->n.comp);
		free(gz);
		return -1;
	}
	free(gz);
	if (r->compress && plan_delays_compress(r)) {
		if ((o = collect(b, false, "", &n)) == NULL)
			return -1;
		for (i = 0; i < n; i++)
			list_compress(b, PHASE_PRE, o[i].name, false);
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
				list_remove(b, PHASE_PRE, o[last].name, true);
			last = i;
		}
	}
	if (last != (size_t)-1) {
		if (r->rotate == 0)
			list_remove(b, PHASE_PRE, o[last].name, true);
		else if ((b->dispose = strdup(o[last].name)) == NULL)
			b->nomem = true;
	}
	free_old(o, n);
	return 0;
}

/*
 * copy/copytruncate with compress and no delaycompress: the copy is made
 * compressed in the same read of the log, instead of written plain and
 * read back (the files left are the same). Only in process, and not
 * with a preremove, which logrotate runs on the plain copy before its
 * removal; rotate = 0 copies nothing at all.
 */
static bool
one_pass_compress(const struct log_rule *r)
{
	return (r->copy || r->copytruncate) && r->compress &&
	    !plan_delays_compress(r) && r->rotate != 0 &&
	    r->compresscmd == NULL && r->preremove == NULL;
}

/* renamecopy, which copy and copytruncate override, as in logrotate. */
static bool
renamecopy(const struct log_rule *r)
{
	return r->renamecopy && !r->copy && !r->copytruncate;
}

/* The renamecopy name of the log: its path + ".tmp", in its own dir. */
static char *
tmp_path(struct builder *b)
{
	char *s;

	if (asprintf(&s, "%s.tmp", b->in->path) == -1) {
		b->nomem = true;
		return NULL;
	}
	return s;
}

static void
rotate_log(struct builder *b)
{
	const struct log_rule *r = b->r;
	const char *path = b->in->path, *fname = b->rname;
	const struct stat *st = b->in->st;
	struct plan_action *a;
	char *tmp;

	if ((r->copy || r->copytruncate) && r->rotate == 0) {
		/* Nothing would be kept: logrotate skips the copy. */
		if (r->copytruncate)
			list_add(b, ACT_TRUNCATE, PHASE_ROTATE, PLAN_DIR_LOG, path,
			    PLAN_DIR_LOG, NULL);
		return;
	}
	if (one_pass_compress(r)) {
		char *gz;

		if (asprintf(&gz, "%s%s", fname, plan_compext(r)) == -1) {
			b->nomem = true;
			return;
		}
		if ((a = list_add(b, ACT_COPY, PHASE_ROTATE, PLAN_DIR_LOG, path,
		    PLAN_DIR_TARGET, gz)) != NULL) {
			a->compressed = true;
			a->zstd = r->compressor == COMPRESSOR_ZSTD;
		}
		if (r->copytruncate)
			list_add(b, ACT_TRUNCATE, PHASE_ROTATE, PLAN_DIR_LOG, path,
			    PLAN_DIR_LOG, NULL);
		vdir_add(b, gz, b->in->now);
		free(gz);
		return;
	}
	if (r->copy || r->copytruncate) {
		list_add(b, ACT_COPY, PHASE_ROTATE, PLAN_DIR_LOG, path,
		    PLAN_DIR_TARGET, fname);
		if (r->copytruncate)
			list_add(b, ACT_TRUNCATE, PHASE_ROTATE, PLAN_DIR_LOG, path,
			    PLAN_DIR_LOG, NULL);
		vdir_add(b, fname, b->in->now);
		return;
	}
	if (renamecopy(r)) {
		/* LOG.tmp now; copied to the rotated name after postrotate */
		if ((tmp = tmp_path(b)) == NULL)
			return;
		list_add(b, ACT_RENAME, PHASE_ROTATE, PLAN_DIR_LOG, path,
		    PLAN_DIR_LOG, tmp);
		free(tmp);
	} else {
		list_add(b, ACT_RENAME, PHASE_ROTATE, PLAN_DIR_LOG, path,
		    PLAN_DIR_TARGET, fname);
		vdir_add(b, fname, b->in->now);
	}
	if (r->create.enabled &&
	    (a = list_add(b, ACT_CREATE, PHASE_ROTATE, PLAN_DIR_LOG, path,
	    PLAN_DIR_LOG, NULL)) != NULL) {
		a->mode = r->create.has_mode ? r->create.mode :
		    st->st_mode & 0777;
		a->uid = r->create.has_uid ? r->create.uid : st->st_uid;
		a->gid = r->create.has_gid ? r->create.gid : st->st_gid;
	}
}

/* renamecopy's second half: LOG.tmp copied to the rotated name, removed. */
static void
copy_tmp(struct builder *b)
{
	char *tmp;

	if ((tmp = tmp_path(b)) == NULL)
		return;
	list_add(b, ACT_COPY, PHASE_POST, PLAN_DIR_LOG, tmp, PLAN_DIR_TARGET,
	    b->rname);
	list_add(b, ACT_REMOVE, PHASE_POST, PLAN_DIR_LOG, tmp, PLAN_DIR_LOG, NULL);
	vdir_add(b, b->rname, b->in->now);
	free(tmp);
}

/*
 * logrotate's postrotateSingleLog: renamecopy's copy, the compression of
 * the new rotated file, the mail (the disposed file, or with mailfirst the
 * new one), then the disposal. With rotate = 0 the new file itself is
 * disposed of, compressed first as logrotate does.
 */
static void
finish(struct builder *b)
{
	const struct log_rule *r = b->r;
	const char *fname = b->rname;
	bool copying = r->copy || r->copytruncate;
	bool now_gz = r->compress && !plan_delays_compress(r);
	char *first;

	if (renamecopy(r))
		copy_tmp(b);
	if (now_gz && !one_pass_compress(r) && !(copying && r->rotate == 0))
		list_compress(b, PHASE_POST, fname, true);
	if (r->rotate == 0 && !copying) {
		free(b->dispose);
		if (asprintf(&b->dispose, "%s%s", fname, now_gz ? b->n.comp :
		    "") == -1) {
			b->dispose = NULL;
			b->nomem = true;
		}
	}
	if (r->mail != NULL && r->mailfirst) {
		/* firstRotated: the new file as it is now */
		if (asprintf(&first, "%s%s", fname,
		    plan_delays_compress(r) ? "" : b->n.comp) == -1) {
			b->nomem = true;
			return;
		}
		if (vdir_find(b, first) != NULL)
			list_mail(b, PHASE_POST, first);
		free(first);
	}
	if (b->dispose != NULL && vdir_find(b, b->dispose) != NULL)
		list_remove(b, PHASE_POST, b->dispose, !r->mailfirst);
}

int
plan_dirs(struct builder *b, const char **base)
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
		p->target_dir = list_join(p->log_dir, olddir);
	return p->target_dir == NULL ? -1 : 0;
}

/*
 * $1 of the scripts that run once per stanza: the rule's script_arg (the
 * logrotate reader's pattern text), else its patterns joined by spaces,
 * as logrotate passes its pattern list. NULL on ENOMEM.
 */
static char *
join_patterns(const struct log_rule *r)
{
	size_t i, len = 1;
	char *s;

	if (r->script_arg != NULL)
		return strdup(r->script_arg);

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
	list_script(b, SCRIPT_FIRSTACTION, PHASE_FIRST, r->firstaction, true,
	    pats, NULL);
	if (r->olddir != NULL && r->createolddir.enabled &&
	    (a = list_add(b, ACT_MKDIR, PHASE_PRE, PLAN_DIR_TARGET, NULL,
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
	list_script(b, SCRIPT_PREROTATE, PHASE_PRESCRIPT, r->prerotate,
	    r->sharedscripts, arg1, NULL);
	rotate_log(b);
	list_script(b, SCRIPT_POSTROTATE, PHASE_POSTSCRIPT, r->postrotate,
	    r->sharedscripts, arg1, r->sharedscripts ? NULL : b->p->rotated);
	finish(b);
	list_script(b, SCRIPT_LASTACTION, PHASE_LAST, r->lastaction, true,
	    pats, NULL);
	free(pats);
}

/*
 * The counter this rotation's dated name takes: 0 (the plain LOG-DATE)
 * when no file of its date is there, else one past the highest there, so
 * that a newer rotation always has the higher counter, even once rotate
 * removed the lower ones. A compressed file (with compress or not) holds
 * its name too. -1 when the counters are spent.
 */
static long long
next_counter(struct builder *b)
{
	const char *suffix[] = { "", plan_compext(b->r) };
	size_t plen = strlen(b->n.base), dlen = strlen(b->n.date), i, k;
	const char *name;
	struct datekey key;
	long long next = 0;

	for (i = 0; i < b->nv; i++) {
		name = b->v[i].name;
		/* this date's names only: the date has one width */
		if (!b->v[i].exists || strncmp(name, b->n.base, plen) != 0 ||
		    strncmp(name + plen, b->n.date, dlen) != 0)
			continue;
		for (k = 0; k < 2; k++)
			if (names_dated(&b->n, name, suffix[k], &key) &&
			    key.f[DATEKEY_COUNTER] >= next)
				next = key.f[DATEKEY_COUNTER] + 1;
	}
	return next > NAMES_COUNTER_MAX ? -1 : next;
}

/*
 * The rotated basename into *NAME: LOG.start, or LOG-DATE with the next
 * counter of its date (logrotate's command line: LOG-DATE, which fails
 * later when taken). Returns 0, -1 on ENOMEM, 1 when no name is left
 * (p->status set).
 */
static int
rotated_name(struct builder *b, char **name)
{
	long long counter = 0;
	int n;

	if (!b->r->dateext)
		n = asprintf(name, "%s.%d%s", b->n.base,
		    b->r->start < 0 ? 1 : b->r->start, b->n.ext);
	else if (!b->in->date_taken_fails &&
	    (counter = next_counter(b)) == -1) {
		b->p->status = PLAN_ERROR;
		b->p->record = PLAN_RECORD_NONE;
		plan_why(b->p, "every counter of %s%s%s is taken", b->n.base,
		    b->n.date, b->n.ext);
		return 1;
	} else if (counter == 0)
		n = asprintf(name, "%s%s%s", b->n.base, b->n.date, b->n.ext);
	else
		n = asprintf(name, "%s%s.%lld%s", b->n.base, b->n.date, counter,
		    b->n.ext);
	if (n == -1) {
		*name = NULL;
		return -1;
	}
	return 0;
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

	if (plan_dirs(b, &base) == -1)
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
	if (b->r->compress && *plan_compext(b->r) == '\0') {
		/* The compressed file would take its source's own name. */
		b->p->status = PLAN_ERROR;
		b->p->record = PLAN_RECORD_NONE;
		plan_why(b->p, "compress with an empty compressext");
		names_free(&b->n);
		return 0;
	}
	vdir_load(b);
	if ((n = rotated_name(b, &name)) == 1)
		goto done;
	if (n == -1 || (b->p->rotated = list_join(b->p->target_dir, name)) == NULL)
		b->nomem = true;
	if (n != -1 && !bad_name(name)) {
		/* the name list_join() put last in p->rotated */
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
done:
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

/*
 * A due log whose rotation could not be planned keeps only the stanza's
 * firstaction and lastaction: logrotate runs those once any log was due,
 * even one it then fails to rotate. Returns 0, or -1 on ENOMEM.
 */
static int
stanza_scripts_only(struct builder *b)
{
	const struct log_rule *r = b->r;
	char *pats;

	list_clear(b->p);
	if (r->firstaction == NULL && r->lastaction == NULL)
		return 0;
	if ((pats = join_patterns(r)) == NULL)
		return -1;
	b->nomem = false;
	list_script(b, SCRIPT_FIRSTACTION, PHASE_FIRST, r->firstaction, true,
	    pats, NULL);
	list_script(b, SCRIPT_LASTACTION, PHASE_LAST, r->lastaction, true,
	    pats, NULL);
	free(pats);
	return b->nomem ? -1 : 0;
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
	if (plan_due(&b) == -1 || (plan->status == PLAN_ERROR &&
	    stanza_scripts_only(&b) == -1)) {
		plan_free(plan);
		errno = ENOMEM;
		return -1;
	}
	plan->was_due = plan->status == PLAN_ERROR;
	return 0;
}

void
plan_free(struct plan *plan)
{
	if (plan == NULL)
		return;
	list_clear(plan);
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
