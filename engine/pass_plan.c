/*
 * pass_plan.c: one log of a pass planned (DESIGN §3, gather and plan).
 * What the planner needs is gathered once: the log's lstat and state
 * entry, then, as whoever controls its path (pathwalk.h), its target
 * directory's listing, read again only when crash recovery changed it.
 * plan_build() then decides, and what it decided is recorded: the report
 * line's next due date, the state of a first sighting, the outcome of a
 * log that is not due.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/pass_int.h"
#include "engine/plan.h"
#include "engine/recover.h"
#include "engine/state.h"
#include "engine/su.h"
#include "util/log.h"

/* IT's log failed before it was planned, for WHY (logged). */
static void
fail_early(struct pass *p, struct item *it, const char *fmt, const char *a)
{
	snprintf(it->why, sizeof(it->why), fmt, a);
	log_warnx("%s: %s", it->path, it->why);
	pass_set_outcome(p, it->res, PASS_FAILED, it->why);
}

/*
 * Whose work IT's files are: root's, su's, or, without su, that of the
 * one user who controls the path to the log's directory or to its olddir
 * (pathwalk.h), as if the stanza said su with that user. LD and TD (the
 * same for no olddir) are the two directories. Returns 0 with IT->as_uid
 * set, or 1 when the log is refused (its outcome set).
 */
static int
identity_of(struct pass *p, const struct log_rule *r, struct item *it,
    struct dir *ld, struct dir *td)
{
	const char *why = NULL;

	it->as_uid = 0;
	if (p->euid != 0 || r->has_su)
		return 0;
	if (pass_dir_walk(p, ld) == -1)
		why = ld->walk_why;	/* NULL, with p->nomem, on ENOMEM */
	else if (td != ld && pass_dir_walk(p, td) == -1)
		why = td->walk_why;
	else if (td != ld && td->insecure &&
	    !p->opts->olddir_as_found)
		why = "the olddir is writable by others or by a non-root group";
	else if (ld->owner != 0 && td->owner != 0 && ld->owner != td->owner)
		why = "the log's directory and its olddir are in the hands "
		    "of two users";
	if (why != NULL || p->nomem) {
		fail_early(p, it, "%s: skipped (set su to say whose work it is)",
		    why != NULL ? why : "out of memory");
		return 1;
	}
	it->as_uid = ld->owner != 0 ? ld->owner : td->owner;
	return 0;
}

/*
 * TD's listing as rule R needs it (CLEAN as pass_dir_list's), read again
 * when RELIST or when maxage wants mtimes an earlier listing lacks.
 * Returns 0, with td->err set when TD could not be read; -1 on ENOMEM.
 */
static int
read_target(struct pass *p, const struct log_rule *r, struct dir *td,
    bool clean, bool relist)
{
	if (relist || (td->listed && r->maxage > 0 && !td->have_mtimes))
		pass_dir_unlist(td);
	if (!td->listed && pass_dir_list(p, td, r->maxage > 0, clean) == -1 &&
	    p->nomem)
		return -1;
	return 0;
}

/*
 * What a killed mond left half done for IT's log NAME, finished before
 * planning (recover.h); the listing of TD says whether anything was left,
 * so the usual case costs nothing. True when recovery changed TD.
 */
static bool
recovered(struct pass *p, const struct log_rule *r, struct item *it,
    const struct dir *ld, struct dir *td, const char *name)
{
	return !p->opts->dry_run && ld->stat_ok && !ld->insecure &&
	    td->stat_ok && !td->insecure && td->err == 0 &&
	    recover_wanted(r, name, pass_dir_has, td) &&
	    recover_log(r, it->path, td->path) > 0;
}

/*
 * TD listed (again when RELIST), with what a killed mond left half done
 * for IT's log NAME recovered first; run under IT's identity. Returns 0;
 * 1 when the log failed (its outcome set); -1 on ENOMEM.
 */
static int
list_target(struct pass *p, const struct log_rule *r, struct item *it,
    struct dir *ld, struct dir *td, const char *name, bool relist)
{
	/*
	 * Others may write TD (an olddir taken as found, logrotate's way):
	 * root removes and renames nothing there that may be theirs.
	 */
	bool clean = !(p->euid == 0 && !r->has_su && td->insecure);
	char why[sizeof(it->why)];

	/* Refused by the planner (admissible): nothing in it is touched. */
	if (p->euid == 0 && !r->has_su && ld->insecure)
		return 0;
	if (read_target(p, r, td, clean, relist) == -1)
		return -1;
	/* Recovery renamed and removed there: the listing no longer holds. */
	if (recovered(p, r, it, ld, td, name) &&
	    read_target(p, r, td, clean, true) == -1)
		return -1;
	if (td->err != 0) {
		/* Without the listing, shifting or maxage would guess. */
		snprintf(why, sizeof(why), "%s: reading the directory: %s%s",
		    td->path, strerror(td->err), it->as_uid == 0 ? "" :
		    " (as the user who controls its path; set su to choose)");
		fail_early(p, it, "%s", why);
		return 1;
	}
	it->listed = td->listed;
	it->tdir = (size_t)(td - p->dirs);
	return 0;
}

/*
 * IT's identity for its file work (su_enter_for; not in a dry run) into
 * IDS. Returns 0, or 1 when it could not be taken (the outcome set).
 */
static int
enter_identity(struct pass *p, const struct log_rule *r, struct item *it,
    const char *logdir, struct su_ids *ids)
{
	if (p->opts->dry_run || su_enter_for(r, it->as_uid, ids) == 0)
		return 0;
	if (errno == ESRCH)
		fail_early(p, it, "%s: its path is in the hands of a uid with "
		    "no passwd entry: skipped (set su)", logdir);
	else
		fail_early(p, it, "taking its user's identity: %s",
		    strerror(errno));
	return 1;
}

/*
 * The target directory of IT's log, listed and recovered (list_target)
 * as the log's identity, into IN's siblings; IN->dir_insecure from the log's
 * directory. Returns 0; 1 when the log failed (its outcome set); -1 on
 * ENOMEM.
 */
static int
target_listing(struct pass *p, const struct log_rule *r, struct item *it,
    struct plan_input *in, bool relist)
{
	char *logdir = NULL, *tgtdir = NULL;
	const char *name;
	struct dir *ld, *td;
	struct su_ids ids;
	size_t li;
	int rc = -1;

	it->listed = false;
	if (pass_dir_names(r, it->path, &logdir, &tgtdir, &name) == -1 ||
	    (ld = pass_dir_get(p, logdir)) == NULL)
		goto done;
	li = (size_t)(ld - p->dirs);
	if ((td = pass_dir_get(p, tgtdir)) == NULL)
		goto done;
	ld = &p->dirs[li];	/* the get may have moved the array */
	in->dir_insecure = ld->insecure;
	rc = 0;
	/* A missing log has no rotated files to shift: nothing to list. */
	if (in->st == NULL)
		goto done;
	if ((rc = identity_of(p, r, it, ld, td)) != 0 ||
	    (rc = enter_identity(p, r, it, logdir, &ids)) != 0)
		goto done;
	rc = list_target(p, r, it, ld, td, name, relist);
	if (!p->opts->dry_run)
		su_leave(&ids);
	if (rc == 0) {
		in->siblings = td->sib;
		in->nsiblings = td->nsib;
	}
done:
	free(logdir);
	free(tgtdir);
	return rc;
}

/* The outcome of a log that is not due, logged as logrotate would. */
static void
not_due(struct pass *p, struct item *it, bool missing)
{
	switch (it->plan.status) {
	case PLAN_DUE:
		break;
	case PLAN_IDLE:
		pass_set_outcome(p, it->res, PASS_IDLE, it->plan.why);
		break;
	case PLAN_SKIP:
		log_info("%s: %s", it->path, it->plan.why);
		pass_set_outcome(p, it->res, PASS_SKIPPED, it->plan.why);
		break;
	case PLAN_ERROR:
		/* logrotate's words for a missing log: scripts grep them. */
		if (missing)
			log_warnx("stat of %s failed: %s", it->path,
			    strerror(ENOENT));
		else
			log_warnx("%s: %s", it->path, it->plan.why);
		pass_set_outcome(p, it->res, PASS_FAILED, it->plan.why);
		break;
	}
}

/*
 * IT's log as it is now into IN (ST its lstat; IN->st NULL when missing)
 * and its report line: size, and the last rotation from the state.
 * Returns 0; 1 when the lstat failed but not for absence (outcome set).
 */
static int
gather_log(struct pass *p, struct item *it, struct plan_input *in,
    struct stat *st)
{
	struct pass_result *res = &p->rep->results[it->res];
	time_t last;

	if (lstat(it->path, st) == 0) {
		in->st = st;
		/* a symlink's or device's size is not the log's */
		res->size = S_ISREG(st->st_mode) ? st->st_size : -1;
		state_mark_used(p->state, it->path);
	} else if (errno != ENOENT && errno != ENOTDIR) {
		snprintf(it->why, sizeof(it->why), "stat of %s failed: %s",
		    it->path, strerror(errno));
		log_warnx("%s", it->why);
		pass_set_outcome(p, it->res, PASS_FAILED, it->why);
		return 1;
	}
	if (state_get(p->state, it->path, &last) == -1)
		last = 0;
	in->last = res->last = last;
	return 0;
}

/*
 * The planner's verdict on IN into IT->plan (rule RI), and what it means
 * at once: the report's next due date, and the state moved now when the
 * plan says so (PLAN_RECORD_NOW). -1 on ENOMEM.
 */
static int
decide(struct pass *p, size_t ri, struct item *it,
    const struct plan_input *in)
{
	struct pass_result *res = &p->rep->results[it->res];

	plan_free(&it->plan);
	if (plan_build(in, &it->plan) == -1)
		return -1;
	res->next_due = pass_next_due(p, ri, in->last);
	if (it->plan.record == PLAN_RECORD_NOW && !p->opts->dry_run) {
		if (state_set(p->state, it->path, p->opts->now) == -1)
			return -1;
		res->last = p->opts->now;
	}
	return 0;
}

/*
 * Plans the log of IT (rule RI) into IT->plan, once more after a first
 * plan (AGAIN: its target directory changed since), without a new report
 * line: its inputs gathered (gather_log, target_listing), then decided.
 * Returns 1 when due, 0 when not (outcome set), -1 on ENOMEM.
 */
int
pass_build_plan(struct pass *p, size_t ri, struct item *it, bool again)
{
	const struct log_rule *r = &p->conf->rules[ri];
	struct plan_input in = { .rule = r, .path = it->path, .euid = p->euid,
	    .now = p->opts->now, .force = p->opts->force,
	    .date_taken_fails = p->opts->date_taken_fails };
	struct stat st;
	int rc;

	if (gather_log(p, it, &in, &st) != 0)
		return 0;
	if ((rc = target_listing(p, r, it, &in, again)) != 0)
		return rc == 1 ? 0 : -1;
	if (decide(p, ri, it, &in) == -1)
		return -1;
	if (it->plan.status == PLAN_DUE)
		return 1;
	not_due(p, it, in.st == NULL);
	return 0;
}
