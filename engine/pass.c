/*
 * pass.c: one pass of the engine over a config (DESIGN §3). For each rule
 * it takes its logs from pass_match.c (every pattern globbed first),
 * plans every log (pass_plan.c: lstat, state entry and the directory's
 * listing, read once per directory per pass, then plan_build), and runs
 * the due plans phase by phase so that sharedscripts, firstaction and
 * lastaction happen in logrotate's order, each log's file work as whoever
 * controls its path (pathwalk.c). The state is advanced only for a rotation
 * that fully succeeded; what the pass keeps of the state and of the disk is
 * pass_keep.c's. It never loads a config, takes the lock or saves the state
 * (once.c and the daemon do).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/compress.h"
#include "util/fsutil.h"
#include "util/log.h"
#include "engine/pass.h"
#include "engine/pass_int.h"
#include "engine/plan.h"
#include "engine/rotate.h"
#include "engine/state.h"
#include "util/strmap.h"
#include "engine/su.h"

/* ---- the report ---- */

static struct pass_result *
add_result(struct pass *p, const char *path, size_t rule, size_t *idx)
{
	struct pass_report *rep = p->rep;
	struct pass_result *nr, *res;
	size_t cap;

	/* Doubling: one realloc per result made a big pass quadratic. */
	if (rep->nresults == p->capresults) {
		cap = p->capresults ? p->capresults * 2 : 64;
		nr = reallocarray(rep->results, cap, sizeof(*nr));
		if (nr == NULL) {
			p->nomem = true;
			return NULL;
		}
		rep->results = nr;
		p->capresults = cap;
	}
	res = &rep->results[rep->nresults];
	memset(res, 0, sizeof(*res));
	if ((res->path = strdup(path)) == NULL) {
		p->nomem = true;
		return NULL;
	}
	res->rule = rule;
	res->size = -1;
	res->next_due = (time_t)-1;
	res->kept_files = res->kept_bytes = -1;
	res->recheck = (time_t)-1;
	*idx = rep->nresults++;
	return res;
}

void
pass_set_outcome(struct pass *p, size_t idx, enum pass_outcome o,
    const char *why)
{
	struct pass_result *res = &p->rep->results[idx];

	res->outcome = o;
	snprintf(res->why, sizeof(res->why), "%s", why);
	if (o == PASS_FAILED)
		p->rep->nfailed++;
	else if (o == PASS_ROTATED)
		p->rep->nrotated++;
}

/* ---- planning ---- */

/*
 * plan_next_due, remembered for the last rule and date asked: mktime()
 * costs a stat of /etc/localtime, and the logs of a pattern mostly share
 * their last rotation.
 */
time_t
pass_next_due(struct pass *p, size_t ri, time_t last)
{
	if (!p->nd_valid || p->nd_rule != ri || p->nd_last != last) {
		p->nd_value = plan_next_due(&p->conf->rules[ri], last,
		    p->opts->now);
		p->nd_rule = ri;
		p->nd_last = last;
		p->nd_valid = true;
	}
	return p->nd_value;
}

/*
 * Plans the log PATH of rule RI into IT. Returns true when it is due; the
 * report already holds the outcome of a log that is not.
 */
static bool
plan_log(struct pass *p, size_t ri, struct item *it)
{
	int rc;

	if (add_result(p, it->path, ri, &it->res) == NULL)
		return false;
	if ((rc = pass_build_plan(p, ri, it, false)) != -1)
		return rc == 1;
	p->nomem = true;
	snprintf(it->why, sizeof(it->why), "%s: out of memory", it->path);
	log_warnx("%s", it->why);
	pass_set_outcome(p, it->res, PASS_FAILED, it->why);
	return false;
}

/* ---- running a rule's due plans ---- */

bool
pass_run_phases(struct pass *p, const struct log_rule *r, struct item *it,
    unsigned phases, bool shared)
{
	struct rotate_packed packed = { 0, 0 };
	struct rotate_opts ro = { p->opts->dry_run, p->opts->out, shared,
	    p->opts->cancel, p->opts->mail_command, p->opts->render,
	    p->opts->olddir_as_found, &packed };
	struct pass_result *res;
	struct su_ids ids;
	bool as_owner = it->as_uid != 0 && !p->opts->dry_run;

	if (!it->ok)
		return false;
	/* Whatever comes of it, its family is to be read again at the end. */
	if (it->listed && !p->opts->dry_run)
		p->dirs[it->tdir].changed = true;
	/* The rule's own su, if any, is the thread's already (run_rule). */
	if (as_owner && su_enter_user(it->as_uid, &ids) == -1) {
		snprintf(it->why, sizeof(it->why), "taking the identity of uid "
		    "%lu, who controls its path: %s", (unsigned long)it->as_uid,
		    strerror(errno));
		log_warnx("%s: %s", it->path, it->why);
		return it->ok = false;
	}
	if (rotate_run(r, &it->plan, phases, &ro, it->why,
	    sizeof(it->why)) == -1) {
		it->ok = false;
		if (as_owner)
			log_warnx("%s: that was done as uid %lu, who controls "
			    "its path; set su to choose whose work it is",
			    it->path, (unsigned long)it->as_uid);
	}
	/* what was compressed stays so, even when a later step failed */
	res = &p->rep->results[it->res];
	res->packed_in += packed.in;
	res->packed_out += packed.out;
	if (it->ok)
		pass_trim(p, r, it, phases, shared);
	if (as_owner)
		su_leave(&ids);
	return it->ok;
}

/*
 * A run-once script of PHASE: the first live plan's copy. ANYWAY (the
 * stanza's lastaction): the first plan's even when none is live, as
 * logrotate runs lastaction once any log was due. A failure fails every
 * live log. Returns false when the script failed.
 */
static bool
run_shared(struct pass *p, const struct log_rule *r, struct item *its,
    size_t n, enum plan_phase phase, bool anyway)
{
	size_t i, s;
	bool was_ok;

	for (s = 0; s < n && !its[s].ok; s++)
		;
	if (s == n && (!anyway || n == 0))
		return true;
	if (s == n)
		s = 0;
	was_ok = its[s].ok;
	its[s].ok = true;
	if (pass_run_phases(p, r, &its[s], ROTATE_PHASE(phase), true)) {
		its[s].ok = was_ok;
		return true;
	}
	for (i = 0; i < n; i++)
		if (i != s && its[i].ok) {
			its[i].ok = false;
			memcpy(its[i].why, its[s].why, sizeof(its[i].why));
		}
	return false;
}

static bool
cancelled(const struct pass *p)
{
	return p->opts->cancel != NULL && atomic_load(p->opts->cancel);
}

/* "DIR/NAME" of where IT's log rotates into: its rotated name's family. */
static char *
family_key(const struct item *it)
{
	const char *name = strrchr(it->path, '/');
	char *key;

	if (asprintf(&key, "%s/%s", it->plan.target_dir != NULL ?
	    it->plan.target_dir : "", name != NULL ? name + 1 : it->path) == -1)
		return NULL;
	return key;
}

/*
 * Before IT runs: when a log of the same name rotated into the same
 * directory earlier in this pass (an olddir shared by a wildcard's
 * logs), IT's plan was made from a listing that no longer holds, so it
 * is made again. Returns false when IT is no longer due (its outcome set).
 */
static bool
fresh_plan(struct pass *p, size_t ri, struct item *it)
{
	char *key = family_key(it);
	bool found = false;
	int rc;

	rc = key != NULL &&
	    strmap_upsert(&p->families, key, 0, &found) != NULL ? 1 : -1;
	free(key);
	if (rc == 1 && found)
		rc = pass_build_plan(p, ri, it, true);
	if (rc == -1) {
		/* it fails when run; finish_due reports it */
		p->nomem = true;
		it->ok = false;
		snprintf(it->why, sizeof(it->why), "out of memory");
	}
	if (rc != 0)
		return true;
	it->settled = true;
	return false;
}

/* Fails every live log of a sharedscripts stanza: FAILED (if not NULL) did. */
static void
block(struct item *its, size_t n, const char *failed)
{
	size_t i;

	for (i = 0; failed != NULL && i < n; i++)
		if (its[i].ok) {
			its[i].ok = false;
			snprintf(its[i].why, sizeof(its[i].why), "not rotated: "
			    "%s failed, and its stanza has sharedscripts",
			    failed);
		}
}

/*
 * The due logs ITS of rule R, in plan.h's phase order. A cancel stops
 * between logs; a sharedscripts rule runs its scripts around all of its
 * logs, so it is finished as one unit, and not at all when BLOCKED (one
 * of its logs failed, as logrotate then rotates none of them). firstaction
 * and lastaction run once any log is due, as logrotate's do; a failing
 * firstaction stops the stanza.
 */
static void
run_due(struct pass *p, size_t ri, struct item *its, size_t n,
    const char *blocked)
{
	const struct log_rule *r = &p->conf->rules[ri];
	size_t i;

	if (!run_shared(p, r, its, n, PHASE_FIRST, true))
		return;
	block(its, n, blocked);
	if (r->sharedscripts) {
		for (i = 0; i < n; i++)
			pass_run_phases(p, r, &its[i],
			    ROTATE_PHASE(PHASE_PRE), false);
		for (i = 0; i < n && its[i].ok; i++)
			;
		block(its, n, i < n ? its[i].path : NULL);
		run_shared(p, r, its, n, PHASE_PRESCRIPT, false);
		for (i = 0; i < n; i++)
			pass_run_phases(p, r, &its[i],
			    ROTATE_PHASE(PHASE_ROTATE), false);
		run_shared(p, r, its, n, PHASE_POSTSCRIPT, false);
		for (i = 0; i < n; i++)
			pass_run_phases(p, r, &its[i],
			    ROTATE_PHASE(PHASE_POST), false);
	} else
		for (i = 0; i < n; i++) {
			if (cancelled(p)) {
				its[i].stopped = true;
				continue;
			}
			if (!its[i].ok || !fresh_plan(p, ri, &its[i]))
				continue;
			pass_run_phases(p, r, &its[i], ROTATE_PHASE(PHASE_PRE) |
			    ROTATE_PHASE(PHASE_PRESCRIPT) |
			    ROTATE_PHASE(PHASE_ROTATE) |
			    ROTATE_PHASE(PHASE_POSTSCRIPT) |
			    ROTATE_PHASE(PHASE_POST), false);
		}
	run_shared(p, r, its, n, PHASE_LAST, true);
}

/* Records the outcome of each due log; the state moves only on success. */
static void
finish_due(struct pass *p, struct item *its, size_t n)
{
	struct pass_result *res;
	size_t i;

	for (i = 0; i < n; i++) {
		res = &p->rep->results[its[i].res];
		if (its[i].settled)
			continue;	/* not due once planned again */
		if (its[i].stopped) {
			pass_set_outcome(p, its[i].res, PASS_SKIPPED,
			    "not rotated: mond is stopping");
			continue;
		}
		if (!its[i].ok) {
			pass_set_outcome(p, its[i].res, PASS_FAILED,
			    its[i].why);
			continue;
		}
		if (!p->opts->dry_run &&
		    state_set(p->state, its[i].path, p->opts->now) == -1) {
			p->nomem = true;
			pass_set_outcome(p, its[i].res, PASS_FAILED,
			    "out of memory");
			continue;
		}
		pass_set_outcome(p, its[i].res, PASS_ROTATED, its[i].plan.why);
		if (p->opts->dry_run)
			continue;
		if (its[i].plan.rotated != NULL &&
		    (res->rotated = strdup(its[i].plan.rotated)) == NULL)
			p->nomem = true;
		res->last = p->opts->now;
		res->next_due = pass_next_due(p, res->rule, p->opts->now);
		log_debug("%s: rotated (%s)", its[i].path, its[i].plan.why);
		if (its[i].as_uid != 0)
			log_info("%s: rotated as uid %lu, who controls its "
			    "path (no su in its stanza)", its[i].path,
			    (unsigned long)its[i].as_uid);
	}
}

static void
free_items(struct item *its, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(its[i].path);
		plan_free(&its[i].plan);
	}
	free(its);
}

/* The first log of RI's that failed before running, or NULL. */
static const char *
failed_log(const struct pass *p, const struct item *its, size_t from,
    size_t n)
{
	size_t i;

	for (i = from; i < n; i++)
		if (p->rep->results[its[i].res].outcome == PASS_FAILED)
			return its[i].path;
	return NULL;
}

static void
run_rule(struct pass *p, size_t ri, struct item *its, size_t n)
{
	const struct log_rule *r = &p->conf->rules[ri];
	const char *blocked = NULL;
	struct item tmp;
	struct su_ids ids;
	size_t ndue = 0, nwanted, i;

	/* Plan all; the due ones move to the front, in glob order. */
	for (i = 0; i < n && !p->nomem; i++)
		if (plan_log(p, ri, &its[i])) {
			tmp = its[ndue];
			its[ndue++] = its[i];
			its[i] = tmp;
		}
	/*
	 * Then those due but failed while planned: they count for firstaction
	 * and lastaction (their plans hold only those), their outcome is set.
	 */
	for (i = nwanted = ndue; i < n; i++)
		if (its[i].plan.was_due) {
			its[i].ok = false;
			its[i].settled = true;
			tmp = its[nwanted];
			its[nwanted++] = its[i];
			its[i] = tmp;
		}
	if (r->sharedscripts)
		blocked = failed_log(p, its, ndue, n);
	if (nwanted > 0 && !p->opts->dry_run && su_enter(r, &ids) == -1) {
		for (i = 0; i < ndue; i++) {
			its[i].ok = false;
			snprintf(its[i].why, sizeof(its[i].why), "%s: su "
			    "%lu:%lu: %s", its[i].path, (unsigned long)r->su_uid,
			    (unsigned long)r->su_gid, strerror(errno));
			log_warnx("%s", its[i].why);
		}
	} else if (nwanted > 0) {
		run_due(p, ri, its, nwanted, blocked);
		if (!p->opts->dry_run)
			su_leave(&ids);
	}
	finish_due(p, its, ndue);
}

int
pass_run(const struct mond_conf *conf, struct state *state,
    const struct pass_opts *opts, struct pass_report *report)
{
	struct pass_report own = { 0 };
	struct pass p = { .conf = conf, .state = state, .opts = opts,
	    .rep = report != NULL ? report : &own, .euid = geteuid() };
	struct ruleset *rs;
	struct pass_match *ms = NULL;
	size_t i, nms = 0, before;
	int rc;

	if ((rs = calloc(conf->nrules + 1, sizeof(*rs))) == NULL)
		return -1;
	/*
	 * Every pattern is globbed first, as logrotate reads them all
	 * before rotating: a rule's rotation never changes what a later
	 * rule matches.
	 */
	if (pass_match_all(&p, &ms, &nms) == -1) {
		p.nomem = true;
		log_warnx("expanding the patterns: out of memory");
	}
	for (i = 0; i < conf->nrules && !p.nomem; i++)
		if (pass_match_expand(&p, i, ms, nms, &rs[i].its,
		    &rs[i].n) == -1) {
			p.nomem = true;
			log_warnx("%s:%d: out of memory", conf->rules[i].file,
			    conf->rules[i].line);
		}
	pass_match_free(ms, nms);
	free(p.datew);
	strmap_free(&p.matched);
	if (!p.nomem && opts->expanded != NULL)
		pass_keep_state(&p, rs);
	for (i = 0; i < conf->nrules && !p.nomem && !cancelled(&p); i++) {
		before = p.rep->nrotated;
		run_rule(&p, i, rs[i].its, rs[i].n);
		if (opts->rule_done != NULL && !opts->dry_run &&
		    p.rep->nrotated > before)
			opts->rule_done(opts->rule_done_arg);
	}
	if (!p.nomem && !cancelled(&p))
		pass_pending(&p, rs);
	if (!p.nomem && !opts->dry_run && opts->npatterns == 0 &&
	    !cancelled(&p))
		pass_keep_space(&p, rs);
	if (!p.nomem && !opts->dry_run && !cancelled(&p))
		pass_keep_count(&p, rs);
	for (i = 0; i < conf->nrules; i++)
		free_items(rs[i].its, rs[i].n);
	free(rs);
	strmap_free(&p.claimed);
	strmap_free(&p.families);
	strmap_free(&p.dirmap);
	pass_dir_free_all(&p);
	rc = p.nomem || p.rep->nfailed > 0 ? -1 : 0;
	if (p.nomem)
		errno = ENOMEM;
	pass_report_free(&own);
	return rc;
}

void
pass_report_free(struct pass_report *report)
{
	size_t i;

	if (report == NULL)
		return;
	for (i = 0; i < report->nresults; i++) {
		free(report->results[i].path);
		free(report->results[i].rotated);
	}
	free(report->results);
	for (i = 0; i < report->nfs; i++) {
		free(report->fs[i].path);
		if (report->fs[i].fd != -1)
			close(report->fs[i].fd);
	}
	free(report->fs);
	memset(report, 0, sizeof(*report));
}

const char *
pass_outcome_name(enum pass_outcome outcome)
{
	switch (outcome) {
	case PASS_IDLE:
		return "idle";
	case PASS_ROTATED:
		return "rotated";
	case PASS_SKIPPED:
		return "skipped";
	case PASS_FAILED:
		return "failed";
	}
	return "?";
}
