/*
 * pass_pending.c: compresswhenclosed, the pass's half. Once every rule
 * ran, the rotated files that wait for their writer (plan_pending) are
 * gathered from fresh listings of their directories; a lease on each says
 * whether anyone writes it, /proc, walked once for those not cleared,
 * says who (holders.c); each is compressed now or left for a later pass,
 * which its result's recheck asks the daemon for. A dry run says which
 * of the two it would be and why.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fsutil.h"
#include "engine/holders.h"
#include "util/log.h"
#include "engine/pass_int.h"
#include "engine/plan.h"
#include "engine/rotate.h"
#include "engine/state.h"
#include "engine/su.h"

/* A failed compression is tried again this much later. */
#define PENDING_RETRY_SECS	300

/* One rotated file that waits, and what is known of it. */
struct waiting {
	size_t		 ri;		/* its rule */
	struct item	*it;		/* its log */
	char		*name;		/* basename in the log's target dir */
	char		*tgtdir;	/* that directory */
	time_t		 last;		/* the log's state entry */
	bool		 gone;		/* no longer a regular file there */
};

struct gathered {
	struct pass	*p;
	struct waiting	*w;
	size_t		 n, cap;
	/* the log plan_pending() is asked about */
	size_t		 ri;
	struct item	*it;
	const char	*tgtdir;
	time_t		 last;
};

static bool
cancelled(const struct pass *p)
{
	return p->opts->cancel != NULL && atomic_load(p->opts->cancel);
}

/* plan_pending()'s callback: NAME of the log in hand waits. */
static int
add_waiting(const char *name, void *arg)
{
	struct gathered *g = arg;
	struct waiting *nw;

	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 16;
		if ((nw = reallocarray(g->w, g->cap, sizeof(*nw))) == NULL)
			return -1;
		g->w = nw;
	}
	memset(&g->w[g->n], 0, sizeof(g->w[g->n]));
	if ((g->w[g->n].name = strdup(name)) == NULL)
		return -1;
	if ((g->w[g->n].tgtdir = strdup(g->tgtdir)) == NULL) {
		free(g->w[g->n].name);
		return -1;
	}
	g->w[g->n].ri = g->ri;
	g->w[g->n].it = g->it;
	g->w[g->n].last = g->last;
	g->n++;
	return 0;
}

/*
 * TD listed again if a rotation of this pass unlisted it, as IT's
 * identity, as the planning listed it. Returns 0, or -1 when it could
 * not be read (said).
 */
static int
relist(struct pass *p, const struct log_rule *r, struct item *it,
    struct dir *td)
{
	struct su_ids ids;

	if (td->listed)
		return td->err == 0 ? 0 : -1;
	if (!p->opts->dry_run && su_enter_for(r, it->as_uid, &ids) == -1) {
		log_warn("%s: compresswhenclosed: taking its user's identity",
		    it->path);
		return -1;
	}
	/* what a killed mond left was cleaned when it was first listed */
	if (pass_dir_list(p, td, r->maxage > 0, false) == -1 && !p->nomem)
		log_warnx("%s: compresswhenclosed: reading %s: %s", it->path,
		    td->path, strerror(td->err));
	if (!p->opts->dry_run)
		su_leave(&ids);
	return td->err == 0 && !p->nomem ? 0 : -1;
}

/*
 * The files of IT's log (rule RI) that wait, appended to G. A log whose
 * directories the planner refuses, or whose listing fails, has none.
 */
static void
gather_log(struct gathered *g, size_t ri, struct item *it)
{
	struct pass *p = g->p;
	const struct log_rule *r = &p->conf->rules[ri];
	struct plan_input in = { .rule = r, .path = it->path,
	    .euid = p->euid, .now = p->opts->now };
	char *logdir = NULL, *tgtdir = NULL;
	const char *name;
	struct dir *ld, *td;
	bool refused;

	if (pass_dir_names(r, it->path, &logdir, &tgtdir, &name) == -1 ||
	    (ld = pass_dir_get(p, logdir)) == NULL) {
		p->nomem = true;
		goto done;
	}
	refused = ld->insecure;
	if ((td = pass_dir_get(p, tgtdir)) == NULL) {
		p->nomem = true;
		goto done;
	}
	if ((p->euid == 0 && !r->has_su && (refused || td->insecure)) ||
	    relist(p, r, it, td) == -1)
		goto done;
	if (state_get(p->state, it->path, &in.last) == -1)
		in.last = 0;
	in.siblings = td->sib;
	in.nsiblings = td->nsib;
	g->ri = ri;
	g->it = it;
	g->tgtdir = tgtdir;
	g->last = in.last;
	if (plan_pending(&in, add_waiting, g) == -1)
		p->nomem = true;
done:
	free(logdir);
	free(tgtdir);
}

/* Forgets the listing of IT's target directory, changed by its rotation. */
static void
unlist_target(struct pass *p, const struct log_rule *r, struct item *it)
{
	char *logdir, *tgtdir;
	const char *name;
	struct dir *td;

	if (pass_dir_names(r, it->path, &logdir, &tgtdir, &name) == -1) {
		p->nomem = true;
		return;
	}
	if ((td = pass_dir_get(p, tgtdir)) != NULL)
		pass_dir_unlist(td);
	free(logdir);
	free(tgtdir);
}

/*
 * The logs of rules that wait for writers, into G: those planned and not
 * due, and those this pass rotated (not in a dry run, where nothing
 * moved and the rotation's plan said what happens to the rotated file).
 */
static void
gather(struct gathered *g, const struct ruleset *rs)
{
	struct pass *p = g->p;
	const struct log_rule *r;
	enum pass_outcome o;
	struct item *it;
	size_t ri, i;

	/* first: the directories this pass's rotations changed */
	for (ri = 0; ri < p->conf->nrules && !p->opts->dry_run; ri++) {
		r = &p->conf->rules[ri];
		for (i = 0; plan_waits_for_writer(r) && i < rs[ri].n; i++) {
			it = &rs[ri].its[i];
			if (p->rep->results[it->res].outcome == PASS_ROTATED)
				unlist_target(p, r, it);
		}
	}
	for (ri = 0; ri < p->conf->nrules && !p->nomem; ri++) {
		r = &p->conf->rules[ri];
		for (i = 0; plan_waits_for_writer(r) && i < rs[ri].n &&
		    !p->nomem; i++) {
			it = &rs[ri].its[i];
			o = p->rep->results[it->res].outcome;
			if (o == PASS_IDLE ||
			    (o == PASS_ROTATED && !p->opts->dry_run))
				gather_log(g, ri, it);
		}
	}
}

/*
 * Neither the kernel nor /proc could say whether a file is written: once
 * an hour (the daemon looks every few seconds while a file waits), why.
 * Passes run one at a time, on one thread: the static needs no lock.
 */
static void
say_blind(struct pass *p)
{
	static time_t said;

	if (said != 0 && p->opts->now - said < 3600 && p->opts->now >= said)
		return;
	said = p->opts->now;
	log_warnx("compresswhenclosed: no lease could be taken on a rotated "
	    "file (not its owner, no CAP_LEASE, or a file system without "
	    "leases), and some processes are hidden from mond (no "
	    "CAP_SYS_PTRACE, or /proc mounted hidepid as systemd's "
	    "ProtectProc= does): it waits until its deadline");
}

/*
 * The kernel's answer for W's file, whose fstatat it leaves in ST: the
 * directory opened and the file looked at as the log's identity (gone,
 * W->gone, when it is not a regular file there), the lease asked as the
 * file's owner, who may take one without CAP_LEASE (a unit's bounding set
 * lacks it). A dry run stays root.
 */
static enum holders_lease
probe(struct pass *p, struct waiting *w, struct stat *st)
{
	const struct log_rule *r = &p->conf->rules[w->ri];
	enum holders_lease answer = HOLDERS_UNKNOWN;
	struct su_ids ids;
	bool as_owner;
	int dfd;

	if (!p->opts->dry_run && su_enter_for(r, w->it->as_uid, &ids) == -1) {
		w->gone = true;
		return HOLDERS_UNKNOWN;
	}
	/* the file as the log's identity sees it, not through root's eyes */
	if ((dfd = fs_open_dir(w->tgtdir)) != -1 && (fstatat(dfd, w->name, st,
	    AT_SYMLINK_NOFOLLOW) == -1 || !S_ISREG(st->st_mode))) {
		close(dfd);
		dfd = -1;
	}
	if (!p->opts->dry_run)
		su_leave(&ids);
	if ((w->gone = dfd == -1))
		return HOLDERS_UNKNOWN;
	as_owner = !p->opts->dry_run && p->euid == 0 && st->st_uid != 0;
	if (!as_owner || su_enter_user(st->st_uid, &ids) == 0) {
		answer = holders_lease(dfd, w->name, st->st_dev, st->st_ino);
		if (as_owner)
			su_leave(&ids);
	}
	close(dfd);
	return answer;
}

/*
 * Who writes each waiting file of G, into H (as many; Q has room for as
 * many queries, and H's names point into it). The lease answers whether
 * one does; /proc, walked once for all the files a lease did not clear,
 * names it, or decides where no lease could be had. A file gone
 * meanwhile is marked so.
 */
static void
find_writers(struct gathered *g, struct plan_holder *h,
    struct holder_query *q)
{
	struct pass *p = g->p;
	struct waiting *w;
	size_t i, k, nq = 0, *qi;
	struct stat st;
	bool blind = false, unseen = false;
	enum holders_lease lease;

	if ((qi = calloc(g->n + 1, sizeof(*qi))) == NULL) {
		p->nomem = true;
		return;
	}
	for (i = 0; i < g->n; i++) {
		w = &g->w[i];
		h[i] = (struct plan_holder){ PLAN_HOLD_NONE, 0, NULL };
		lease = probe(p, w, &st);
		if (w->gone)
			continue;
		switch (lease) {
		case HOLDERS_FREE:
			continue;
		case HOLDERS_WRITTEN:
			/* until /proc names it */
			h[i].kind = PLAN_HOLD_HIDDEN;
			break;
		case HOLDERS_UNKNOWN:
			h[i].kind = PLAN_HOLD_UNKNOWN;
			break;
		}
		q[nq].dev = st.st_dev;
		q[nq].ino = st.st_ino;
		qi[nq++] = i;
	}
	if (p->nomem || nq == 0) {
		free(qi);
		return;
	}
	if (holders_find(q, nq, &blind) == -1) {
		log_warn("/proc: who holds the rotated files open is unknown");
		free(qi);
		return;
	}
	for (k = 0; k < nq; k++) {
		i = qi[k];
		if (q[k].pid != 0)
			h[i] = (struct plan_holder){ PLAN_HOLD_PID, q[k].pid,
			    q[k].comm };
		else if (h[i].kind == PLAN_HOLD_UNKNOWN && !blind)
			h[i].kind = PLAN_HOLD_NONE;
		else if (h[i].kind == PLAN_HOLD_UNKNOWN)
			unseen = true;
	}
	if (unseen)
		say_blind(p);
	free(qi);
}

/* The compression PLAN of W, which H writes, run as its log's identity. */
static void
compress_now(struct pass *p, const struct waiting *w,
    const struct plan_holder *h, struct plan *plan, time_t *recheck)
{
	const struct log_rule *r = &p->conf->rules[w->ri];
	struct item tmp;
	struct su_ids ids;
	bool ok;

	memset(&tmp, 0, sizeof(tmp));
	tmp.path = w->it->path;
	tmp.res = w->it->res;	/* its compression counts as the log's */
	tmp.plan = *plan;
	tmp.ok = true;
	tmp.as_uid = w->it->as_uid;
	/* as the rotation was: su's user, or the one who controls the path */
	if (!p->opts->dry_run && su_enter_for(r, w->it->as_uid, &ids) == -1) {
		log_warn("%s: compresswhenclosed: taking its user's identity",
		    w->it->path);
		*recheck = p->opts->now + PENDING_RETRY_SECS;
		return;
	}
	ok = pass_run_phases(p, r, &tmp, ROTATE_PHASE(PHASE_PRE), false);
	if (!p->opts->dry_run)
		su_leave(&ids);
	if (p->opts->dry_run)
		return;
	if (!ok) {
		log_warnx("%s: compresswhenclosed: %s", w->it->path, tmp.why);
		*recheck = p->opts->now + PENDING_RETRY_SECS;
	} else if (h->kind != PLAN_HOLD_NONE)
		log_warnx("%s: compressed anyway", plan->why);
	else
		log_info("%s: compressed", plan->why);
}

/* W compressed now, or left for later (said); HOLDER writes it. */
static void
settle(struct pass *p, const struct waiting *w, const struct plan_holder *h)
{
	const struct log_rule *r = &p->conf->rules[w->ri];
	struct pass_result *res = &p->rep->results[w->it->res];
	struct plan_input in = { .rule = r, .path = w->it->path,
	    .euid = p->euid, .now = p->opts->now, .last = w->last };
	struct plan plan;
	struct dir *td;
	time_t recheck;

	if ((td = pass_dir_get(p, w->tgtdir)) == NULL ||
	    relist(p, r, w->it, td) == -1)
		return;
	in.siblings = td->sib;
	in.nsiblings = td->nsib;
	if (plan_build_pending(&in, w->name, h, &plan, &recheck) == -1) {
		p->nomem = true;
		return;
	}
	if (plan.status == PLAN_DUE) {
		compress_now(p, w, h, &plan, &recheck);
		/* the listing no longer holds: W is now its .gz */
		pass_dir_unlist(td);
	} else if (p->opts->dry_run && p->opts->out != NULL)
		fprintf(p->opts->out, "%s\n", plan.why);
	else if (res->outcome == PASS_ROTATED)
		log_info("%s", plan.why);
	else
		log_debug("%s", plan.why);
	if (recheck != (time_t)-1 &&
	    (res->recheck == (time_t)-1 || recheck < res->recheck))
		res->recheck = recheck;
	plan_free(&plan);
}

void
pass_pending(struct pass *p, const struct ruleset *rs)
{
	struct gathered g = { .p = p };
	struct plan_holder *h = NULL;
	struct holder_query *q = NULL;
	bool any = false;
	size_t i;

	for (i = 0; i < p->conf->nrules; i++)
		any = any || plan_waits_for_writer(&p->conf->rules[i]);
	if (!any)
		return;
	gather(&g, rs);
	if (g.n > 0 && !p->nomem &&
	    ((h = calloc(g.n, sizeof(*h))) == NULL ||
	    (q = calloc(g.n, sizeof(*q))) == NULL))
		p->nomem = true;
	if (g.n > 0 && !p->nomem)
		find_writers(&g, h, q);
	for (i = 0; i < g.n && !p->nomem && !cancelled(p); i++)
		if (!g.w[i].gone)
			settle(p, &g.w[i], &h[i]);
	for (i = 0; i < g.n; i++) {
		free(g.w[i].name);
		free(g.w[i].tgtdir);
	}
	free(g.w);
	free(h);
	free(q);
	if (p->nomem)
		log_warnx("compresswhenclosed: out of memory");
}
