/*
 * pass_int.h: what pass.c and its helpers (pass_*.c) share inside one
 * pass: the pass's own state and its logs. Nothing outside the engine
 * includes it.
 */
#ifndef MOND_PASS_INT_H
#define MOND_PASS_INT_H

#include <stdbool.h>
#include <sys/stat.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "conf/conf.h"
#include "engine/pass.h"
#include "engine/plan.h"
#include "util/strmap.h"

struct state;

/* One directory as this pass saw it: stat and sorted listing (pass_dir.c). */
struct dir {
	char		*path;
	bool		 stat_ok;
	struct stat	 st;
	bool		 insecure;	/* fs_dir_insecure, its ACL included */
	bool		 listed;
	struct plan_sibling *sib;
	size_t		 nsib;
	bool		 have_mtimes;
	int		 err;		/* listing or an mtime failed: errno */
	/* pathwalk_dir's answer, asked once per pass */
	bool		 walked;
	int		 walk_err;	/* 0, EPERM (refused) or the failure */
	uid_t		 owner;		/* the one user who controls the path */
	char		*walk_why;
	/* a rotation of the pass was there: the listing lacks what it made */
	bool		 changed;
};

/* A log of the rule in hand. */
struct item {
	char		*path;
	struct plan	 plan;
	size_t		 res;		/* index into the report */
	bool		 ok;		/* no action failed so far */
	bool		 stopped;	/* not started: the pass was cancelled */
	bool		 settled;	/* planned again, no longer due: outcome set */
	uid_t		 as_uid;	/* not 0: its files are that user's work */
	/* planned from the listing of p->dirs[tdir], its target directory */
	bool		 listed;
	size_t		 tdir;
	char		 why[256];
};

struct pass {
	const struct mond_conf	*conf;
	struct state		*state;
	const struct pass_opts	*opts;
	struct pass_report	*rep;
	size_t			 capresults;	/* room in rep->results */
	uid_t			 euid;
	struct strmap		 claimed;	/* path -> rule index */
	struct strmap		 matched;	/* every glob match -> first rule */
	size_t			*datew, ndatew;	/* distinct dateformat widths */
	struct strmap		 dirmap;	/* path -> index into dirs */
	struct strmap		 families;	/* "targetdir/logname" rotated so far */
	struct dir		*dirs;
	size_t			 ndirs, capdirs;
	bool			 nomem;
	/* plan_next_due of the last (rule, last) asked: logs share dates */
	size_t			 nd_rule;
	time_t			 nd_last, nd_value;
	bool			 nd_valid;
};

/* The logs of one rule, globbed before anything of the pass moves. */
struct ruleset {
	struct item	*its;
	size_t		 n;
};

/*
 * pass_keep.c. pass_keep_state: every log of RS marked in the state, and
 * some recent entries of logs briefly away, before opts->expanded is told.
 * pass_trim: IT's maxtotal once PHASES included its PHASE_POST.
 * pass_keep_space: minfree over RS's logs after a pass over every rule.
 * pass_keep_count: what each log of RS keeps in rotated files, and the
 * file systems of the pass's directories, into the report, at its end.
 */
void	pass_keep_state(struct pass *p, const struct ruleset *rs);
void	pass_trim(struct pass *p, const struct log_rule *r, struct item *it,
	    unsigned phases, bool shared);
void	pass_keep_space(struct pass *p, const struct ruleset *rs);
void	pass_keep_count(struct pass *p, const struct ruleset *rs);

/*
 * pass_fs.c: each file system of the pass's directories once, into the
 * report: named by its mount point (from /proc/self/mountinfo, by device),
 * measured now as the identity that controls the directory's path, and,
 * where no user controls it, an O_PATH descriptor kept for later looks.
 */
void	pass_list_fs(struct pass *p);

/*
 * pass.c. pass_set_outcome: the report line IDX says O for WHY, and the
 * report's counts follow. pass_next_due: plan_next_due of rule RI after
 * LAST, remembered for the next log that shares both.
 */
void	pass_set_outcome(struct pass *p, size_t idx, enum pass_outcome o,
	    const char *why);
time_t	pass_next_due(struct pass *p, size_t ri, time_t last);

/*
 * pass_plan.c: the log of IT (rule RI) planned into IT->plan, its inputs
 * gathered first; AGAIN plans it once more from a fresh listing of its
 * target directory, which changed since, into the same report line.
 * Returns 1 when due, 0 when not (the outcome set), -1 on ENOMEM.
 */
int	pass_build_plan(struct pass *p, size_t ri, struct item *it,
	    bool again);

/*
 * pass.c: IT's actions of PHASES (a ROTATE_PHASE mask) as IT's identity
 * (the rule's own su is the caller's to take); false, with IT->why, when
 * one failed or IT had failed already.
 */
bool	pass_run_phases(struct pass *p, const struct log_rule *r,
	    struct item *it, unsigned phases, bool shared);

/*
 * pass_pending.c: once every rule ran, the rotated files of RS's logs
 * that wait for their writer (compresswhenclosed) compressed, or left for
 * the pass their result's recheck asks for. RS has conf->nrules entries.
 */
void	pass_pending(struct pass *p, const struct ruleset *rs);

/* The cached directory PATH, stat()ed on first sight. NULL on ENOMEM. */
struct dir *pass_dir_get(struct pass *p, const char *path);
/*
 * Lists D (sorted) through one open of it, first (with CLEAN) cleaning up
 * what a killed mond left there; with MTIMES each entry's mtime too. -1
 * with d->err set (or p->nomem) when it could not.
 */
int	pass_dir_list(struct pass *p, struct dir *d, bool mtimes, bool clean);
/* Who controls D's path, walked once (pathwalk.h); -1 when refused. */
int	pass_dir_walk(struct pass *p, struct dir *d);
/* Forgets D's listing after a change in it, so it is read again. */
void	pass_dir_unlist(struct dir *d);
void	pass_dir_free_all(struct pass *p);
/* The log's directory and its target (olddir) directory, and its name. */
int	pass_dir_names(const struct log_rule *r, const char *path,
	    char **logdir, char **tgtdir, const char **name);
/* Whether NAME is in the listing of the struct dir ARG (recover_wanted's). */
int	pass_dir_has(const char *name, void *arg);

/* One glob() result of some rule's pattern (opaque outside pass_match.c). */
struct pass_match;

/*
 * Globs every rule's patterns (sorted; a pattern that matches nothing
 * names itself, so a missing log is reported) into *MS, records each
 * match in p->matched and the rules' date widths in p->datew. Returns 0,
 * or -1 on ENOMEM; release *MS with pass_match_free() either way.
 */
int	pass_match_all(struct pass *p, struct pass_match **ms, size_t *n);

/*
 * Appends rule RI's logs out of MS to *ITS (*N of them): a wildcard never
 * takes a rotated file (DESIGN §3), a literal path always is taken, the
 * first rule to match a path wins, and OPTS' patterns select. -1 on ENOMEM.
 */
int	pass_match_expand(struct pass *p, size_t ri,
	    const struct pass_match *ms, size_t nms, struct item **its,
	    size_t *n);

void	pass_match_free(struct pass_match *ms, size_t n);

#endif
