/*
 * pass_keep.c: what a pass keeps, and lets go. Of the state, the entries
 * of the logs it sees and of a few a time rule's wildcard misses for a
 * while (pass_keep_state); of the disk, each log's rotated files within
 * its maxtotal once it rotated (pass_trim) and every file system's
 * minfree once the pass is over (pass_keep_space), both done by retain.c
 * as the log's identity.
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/log.h"
#include "daemon/pass_int.h"
#include "daemon/retain.h"
#include "daemon/rotate.h"
#include "daemon/state.h"

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

