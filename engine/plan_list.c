/*
 * plan_list.c: the planner's action list and its simulation of the target
 * directory: appending actions with their paths, and the compound steps
 * logrotate repeats wherever a file goes (mail it, preremove, remove or
 * shred it; compress it as compressLogFile does). Like plan.c it never
 * does I/O: what is "in the directory" is the caller's listing as the
 * plan has changed it so far.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/fsutil.h"	/* fs_split_path: string work, no I/O */
#include "engine/plan.h"
#include "engine/plan_int.h"

char *
list_join(const char *dir, const char *name)
{
	char *s;

	if (asprintf(&s, "%s%s%s", dir,
	    dir[0] != '\0' && dir[strlen(dir) - 1] == '/' ? "" : "/", name) == -1)
		return NULL;
	return s;
}

void
list_clear(struct plan *p)
{
	size_t i;

	for (i = 0; i < p->nactions; i++) {
		free(p->actions[i].from);
		free(p->actions[i].to);
		free(p->actions[i].arg1);
		free(p->actions[i].arg2);
		free(p->actions[i].subject);
		free(p->actions[i].backup);
	}
	free(p->actions);
	p->actions = NULL;
	p->nactions = 0;
}

struct plan_action *
list_add(struct builder *b, enum act_kind kind, enum plan_phase phase,
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
	/*
	 * A file of the log's dir is named by its path (the log, or its
	 * renamecopy LOG.tmp); one of the target dir by its basename.
	 */
	if (fname != NULL) {
		a->from = fdir == PLAN_DIR_LOG ? strdup(fname) :
		    list_join(p->target_dir, fname);
		if (a->from == NULL)
			goto nomem;
		(void)fs_split_path(a->from, NULL, &a->from_name);
	}
	if (tname != NULL) {
		a->to = tdir == PLAN_DIR_LOG ? strdup(tname) :
		    list_join(p->target_dir, tname);
		if (a->to == NULL) {
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

void
list_script(struct builder *b, enum script_kind kind, enum plan_phase phase,
    const char *text, bool shared, const char *arg1, const char *arg2)
{
	struct plan_action *a;

	if (text == NULL)
		return;
	if ((a = list_add(b, ACT_SCRIPT, phase, PLAN_DIR_LOG, NULL, PLAN_DIR_LOG,
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

struct vfile *
vdir_find(struct builder *b, const char *name)
{
	size_t i;

	for (i = 0; i < b->nv; i++)
		if (b->v[i].exists && strcmp(b->v[i].name, name) == 0)
			return &b->v[i];
	return NULL;
}

void
vdir_add(struct builder *b, const char *name, time_t mtime)
{
	struct vfile *nv;

	if (b->nomem || vdir_find(b, name) != NULL)
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

void
vdir_del(struct builder *b, const char *name)
{
	struct vfile *f = vdir_find(b, name);

	if (f != NULL)
		f->exists = false;
}

void
vdir_move(struct builder *b, const char *from, const char *to)
{
	struct vfile *f = vdir_find(b, from);
	time_t mtime = f != NULL ? f->mtime : b->in->now;

	vdir_del(b, to);
	vdir_del(b, from);
	vdir_add(b, to, mtime);
}

/* The siblings starting with the base name: a binary search, then a scan. */
void
vdir_load(struct builder *b)
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
		vdir_add(b, s[lo].name, s[lo].mtime);
}

/*
 * logrotate's mailLogWrapper: NAME (in the target dir) is decompressed for
 * mailing when the rule compresses, except a mailfirst file that
 * delaycompress left plain; a mailfirst file decompressed is mailed under
 * the log's own path.
 */
void
list_mail(struct builder *b, enum plan_phase phase, const char *name)
{
	const struct log_rule *r = b->r;
	struct plan_action *a;
	bool unz = r->compress && !(r->mailfirst && plan_delays_compress(r));

	if ((a = list_add(b, ACT_MAIL, phase, PLAN_DIR_TARGET, name,
	    PLAN_DIR_TARGET, NULL)) == NULL)
		return;
	a->address = r->mail;
	a->uncompress = unz;
	if ((a->subject = strdup(unz && r->mailfirst ? b->in->path :
	    a->from)) == NULL)
		b->nomem = true;
}

/*
 * NAME (in the target dir) leaves: mailed first when MAIL and the rule
 * mails, then preremove, then removed (or shredded).
 */
void
list_remove(struct builder *b, enum plan_phase phase, const char *name,
    bool mail)
{
	struct plan_action *a;
	char *path;

	if (mail && b->r->mail != NULL)
		list_mail(b, phase, name);
	if ((path = list_join(b->p->target_dir, name)) == NULL) {
		b->nomem = true;
		return;
	}
	list_script(b, SCRIPT_PREREMOVE, phase, b->r->preremove, false, path, NULL);
	free(path);
	if ((a = list_add(b, ACT_REMOVE, phase, PLAN_DIR_TARGET, name,
	    PLAN_DIR_TARGET, NULL)) != NULL) {
		a->enoent_ok = true;
		a->shred = b->r->shred;
		a->shredcycles = b->r->shredcycles;
	}
	vdir_del(b, name);
}

/* "NAME-YYYYMMDDHH.backup" at the plan's clock, logrotate's name. */
static char *
backup_name(struct builder *b, const char *name)
{
	char stamp[32];
	struct tm tm;
	char *s;

	localtime_r(&b->in->now, &tm);
	if (strftime(stamp, sizeof(stamp), "-%Y%m%d%H", &tm) == 0)
		stamp[0] = '\0';
	if (asprintf(&s, "%s%s.backup", name, stamp) == -1)
		return NULL;
	return s;
}

/*
 * NAME to NAME + compressext, then NAME removed as logrotate's shred_file
 * removes it (preremove first, maybe shred). JUST_ROTATED: the log's
 * times from the plan's lstat go onto the compressed file.
 */
void
list_compress(struct builder *b, enum plan_phase phase, const char *name,
    bool just_rotated)
{
	const struct log_rule *r = b->r;
	struct plan_action *a;
	char *gz;

	if (asprintf(&gz, "%s%s", name, plan_compext(r)) == -1) {
		b->nomem = true;
		return;
	}
	if ((a = list_add(b, ACT_COMPRESS, phase, PLAN_DIR_TARGET, name,
	    PLAN_DIR_TARGET, gz)) != NULL) {
		a->cmd = r->compresscmd;
		a->zstd = r->compresscmd == NULL &&
		    r->compressor == COMPRESSOR_ZSTD;
		a->text = r->preremove;
		a->script = SCRIPT_PREREMOVE;
		a->shred = r->shred;
		a->shredcycles = r->shredcycles;
		if (vdir_find(b, gz) != NULL) {
			if ((a->backup = backup_name(b, a->to_name)) == NULL)
				b->nomem = true;
			else
				vdir_add(b, a->backup, b->in->now);
		}
		if (just_rotated) {
			a->has_times = true;
			a->atime = b->in->st->st_atim;
			a->mtime = b->in->st->st_mtim;
		}
	}
	vdir_move(b, name, gz);
	free(gz);
}
