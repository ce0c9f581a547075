/*
 * pass_keep.c: what a pass keeps, and lets go. Of the state, the entries
 * of the logs it sees and of a few a time rule's wildcard misses for a
 * while (pass_keep_state); of the disk, each log's rotated files within
 * its maxtotal once it rotated (pass_trim) and every file system's
 * minfree once the pass is over (pass_keep_space), both done by retain.c
 * as the log's identity; and, for the status pages, the bytes each log
 * keeps in rotated files when the pass is done (pass_keep_count).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/fsutil.h"
#include "util/log.h"
#include "engine/pass_int.h"
#include "engine/plan.h"
#include "engine/retain.h"
#include "engine/rotate.h"
#include "engine/state.h"
#include "engine/su.h"

/*
 * maxtotal, once IT's rotation (its PHASE_POST among PHASES) is done: the
 * rotated files are final then, compressed ones included. A failure is
 * said, but the rotation stands: failing the log would rotate it again.
 */
void
pass_trim(struct pass *p, const struct log_rule *r, struct item *it,
    unsigned phases, bool shared)
{
	const char *name = strrchr(it->path, '/'), *newest;
	char why[sizeof(it->why)];

	if (r->maxtotal <= 0 || shared || p->opts->dry_run ||
	    !(phases & ROTATE_PHASE(PHASE_POST)) ||
	    it->plan.target_dir == NULL)
		return;
	/* the file this rotation made, which stays whatever its mtime */
	newest = it->plan.rotated != NULL ? strrchr(it->plan.rotated, '/') :
	    NULL;
	if (retain_maxtotal(r, it->plan.target_dir, name != NULL ? name + 1 :
	    it->path, newest != NULL ? newest + 1 : it->plan.rotated,
	    p->opts->cancel, why, sizeof(why)) == -1)
		log_warnx("%s: %s", it->path, why);
}

/* A time rule's period, in seconds; 0 when time does not decide. */
static time_t
period_of(const struct log_rule *r)
{
	if (r->size >= 0)
		return 0;	/* size alone decides */
	switch (r->frequency) {
	case FREQ_HOURLY:
		return 3600;
	case FREQ_DAILY:
		return 86400;
	case FREQ_WEEKLY:
		return 7 * 86400;
	case FREQ_MONTHLY:
		return 31 * 86400;
	case FREQ_YEARLY:
		return 366 * 86400;
	case FREQ_NONE:
		break;
	}
	return 0;
}

/* Unseen entries a rule may keep beyond its logs seen (keep_recent). */
#define KEEP_UNSEEN_EXTRA	16

/* keep_recent's view: the pass, and what each rule may still keep. */
struct keep {
	const struct pass	*p;
	size_t			*budget;
};

/*
 * state_keep_unseen's question for a log the pass does not see: kept
 * when the first rule whose pattern names it rotates by time, its last
 * rotation is less than two periods old, and the rule has not kept as
 * many such entries as it has logs now, plus KEEP_UNSEEN_EXTRA. A log
 * rotated without create, not yet written again, keeps its schedule;
 * names made by the thousand and deleted cannot pile up.
 */
static bool
keep_recent(const char *path, time_t when, void *arg)
{
	struct keep *k = arg;
	const struct log_rule *r;
	size_t i, j;

	for (i = 0; i < k->p->conf->nrules; i++) {
		r = &k->p->conf->rules[i];
		for (j = 0; j < r->npatterns; j++)
			if (fnmatch(r->patterns[j], path, FNM_PATHNAME |
			    FNM_PERIOD) == 0) {
				if (k->budget[i] == 0 || k->p->opts->now - when >=
				    2 * period_of(r))
					return false;
				k->budget[i]--;
				return true;
			}
	}
	return false;
}

/*
 * Every log of the pass marked in the state, and some recent entries of
 * logs briefly away (keep_recent), then opts->expanded told. Without
 * memory for the budgets nothing extra is kept.
 */
void
pass_keep_state(struct pass *p, const struct ruleset *rs)
{
	struct keep k = { p, calloc(p->conf->nrules + 1, sizeof(size_t)) };
	size_t i, j;

	for (i = 0; i < p->conf->nrules; i++) {
		for (j = 0; j < rs[i].n; j++)
			state_mark_used(p->state, rs[i].its[j].path);
		if (k.budget != NULL)
			k.budget[i] = rs[i].n + KEEP_UNSEEN_EXTRA;
	}
	if (k.budget != NULL)
		state_keep_unseen(p->state, keep_recent, &k);
	free(k.budget);
	p->opts->expanded(p->opts->rule_done_arg);
}

/*
 * minfree after a pass over every rule, on the file systems of the logs
 * it planned (retain.c): the timer's and the size triggers' passes check
 * it, not only rotations.
 */
void
pass_keep_space(struct pass *p, const struct ruleset *rs)
{
	const struct mond_conf *conf = p->conf;
	struct retain_log *logs;
	const struct item *it;
	enum pass_outcome o;
	char *logdir, *tgtdir;
	const char *name;
	size_t i, j, n = 0;

	if (conf->minfree_pct <= 0 && conf->minfree_bytes <= 0)
		return;
	for (i = 0; i < conf->nrules; i++)
		n += rs[i].n;
	if ((logs = calloc(n + 1, sizeof(*logs))) == NULL) {
		log_warnx("minfree: out of memory");
		return;
	}
	for (i = n = 0; i < conf->nrules; i++)
		for (j = 0; j < rs[i].n; j++) {
			it = &rs[i].its[j];
			o = p->rep->results[it->res].outcome;
			/* logs there and judged sound, not refused or missing */
			/* what mail would archive is not removed unmailed */
			if ((o != PASS_IDLE && o != PASS_ROTATED) ||
			    conf->rules[i].mail != NULL ||
			    p->rep->results[it->res].size < 0 ||
			    pass_dir_names(&conf->rules[i], it->path, &logdir,
			    &tgtdir, &name) == -1)
				continue;
			free(logdir);
			logs[n++] = (struct retain_log){ &conf->rules[i],
			    tgtdir, name, it->as_uid };
		}
	retain_minfree(conf, logs, n, p->opts->cancel);
	for (i = 0; i < n; i++)
		free((char *)logs[i].tgtdir);
	free(logs);
}

/* pass_keep_count's hand: a target directory open as a log's identity. */
struct counting {
	struct pass		*p;
	bool			 open;
	size_t			 dir;		/* index into p->dirs */
	const struct log_rule	*su_rule;	/* entered as its su, or NULL */
	uid_t			 as_uid;	/* else as this user (0: root) */
	struct su_ids		 ids;
	int			 dfd;		/* -1: no such directory */
	struct pass_result	*res;
	bool			 failed;
};

static void
counting_close(struct counting *c)
{
	if (!c->open)
		return;
	if (c->dfd != -1)
		close(c->dfd);
	su_leave(&c->ids);
	c->open = false;
}

/*
 * IT's target directory open as IT's identity (the one its listing was
 * made as), listed again first when the pass changed it. Returns 0, or
 * -1 when it cannot be read (its count stays unknown).
 */
static int
counting_open(struct counting *c, const struct log_rule *r,
    const struct item *it)
{
	struct dir *d = &c->p->dirs[it->tdir];

	if (c->open && c->dir == it->tdir && (r->has_su ? c->su_rule == r :
	    c->su_rule == NULL && c->as_uid == it->as_uid))
		return 0;
	counting_close(c);
	if (su_enter_for(r, it->as_uid, &c->ids) == -1)
		return -1;
	c->open = true;
	c->dir = it->tdir;
	c->su_rule = r->has_su ? r : NULL;
	c->as_uid = it->as_uid;
	c->dfd = -1;
	if (d->changed) {
		pass_dir_unlist(d);
		d->changed = false;
		/* a failure is in d->err (ENOMEM in p->nomem), judged below */
		(void)pass_dir_list(c->p, d, false, false);
	}
	if (d->err == 0 && (c->dfd = fs_open_dir(d->path)) == -1 &&
	    errno != ENOENT)
		d->err = errno;
	if (d->err == 0)
		return 0;
	counting_close(c);
	return -1;
}

/* plan_family's call for a rotated file of the log in hand. */
static void
count_member(size_t i, void *arg)
{
	struct counting *c = arg;
	const struct dir *d = &c->p->dirs[c->dir];
	struct stat st;

	if (c->dfd == -1 || fstatat(c->dfd, d->sib[i].name, &st,
	    AT_SYMLINK_NOFOLLOW) == -1) {
		/*
		 * one gone since the listing (minfree's removals) is not
		 * kept; a failed stat makes the count unknown
		 */
		if (c->dfd != -1 && errno != ENOENT)
			c->failed = true;
		return;
	}
	if (!S_ISREG(st.st_mode))
		return;	/* what maxtotal and minfree never count either */
	c->res->kept_files++;
	c->res->kept_bytes += (long long)st.st_size;
}

/*
 * What each log keeps, counted from the family in its target directory's
 * listing (read again where the pass changed it), each rotated file
 * fstatat()ed as the log's identity, never through a link; logs of one
 * directory and identity share one open of it. Then the file systems.
 */
void
pass_keep_count(struct pass *p, const struct ruleset *rs)
{
	struct counting c = { .p = p };
	const char *name;
	struct item *it;
	size_t i, j;

	for (i = 0; i < p->conf->nrules && !p->nomem; i++)
		for (j = 0; j < rs[i].n && !p->nomem; j++) {
			it = &rs[i].its[j];
			if (!it->listed ||
			    counting_open(&c, &p->conf->rules[i], it) == -1)
				continue;
			c.res = &p->rep->results[it->res];
			c.res->kept_files = c.res->kept_bytes = 0;
			c.failed = false;
			name = strrchr(it->path, '/');
			if (plan_family(&p->conf->rules[i], name != NULL ?
			    name + 1 : it->path, p->dirs[c.dir].sib,
			    p->dirs[c.dir].nsib, count_member, &c) == -1)
				p->nomem = true;
			if (c.failed || p->nomem)
				c.res->kept_files = c.res->kept_bytes = -1;
		}
	counting_close(&c);
	if (!p->nomem)
		pass_list_fs(p);
}
