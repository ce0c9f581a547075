/*
 * plan_int.h: internal to plan.c, plan_decide.c and plan_names.c. The
 * decision step, and how a rule names the rotated versions of a log
 * (numbers, dateext suffixes, `extension` moved to the end or `addextension`
 * added, the compressed suffix) and
 * recognises them again. Pure: no file is looked at.
 */
#ifndef MOND_PLAN_INT_H
#define MOND_PLAN_INT_H

#include <stdbool.h>
#include <time.h>

#include "engine/plan.h"

/* Sets status, why, record and first_sight of *P; never any action. */
void	plan_decide(const struct plan_input *in, struct plan *p);
/* printf into p->why, truncated to fit. */
void	plan_why(struct plan *p, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#define NAMES_FMT_MAX	128

struct names {
	char		*base;		/* log basename, its extension cut off */
	const char	*ext;		/* "", the rule's extension or addextension */
	const char	*comp;		/* "", or the rule's compressext when compressing */
	const char	*datefmt;	/* the rule's dateformat, or the default */
	char		 strf[NAMES_FMT_MAX];	/* datefmt made safe for strftime */
	char		 date[NAMES_FMT_MAX];	/* the dateext suffix for now */
};

/*
 * A dateext suffix read back, for ordering: epoch (%s), Y, m, d, H, M, S,
 * then the counter that follows a taken date (LOG-DATE.N; 0 for none).
 */
#define DATEKEY_COUNTER	7
struct datekey {
	long long	 f[DATEKEY_COUNTER + 1];
};

/* The highest counter names_dated() reads back. */
#define NAMES_COUNTER_MAX	99999999LL

/* Fills N for the log basename LOGBASE at NOW. Returns 0, -1 on ENOMEM. */
int	names_init(struct names *n, const struct log_rule *rule,
	    const char *logbase, time_t now);
void	names_free(struct names *n);

/* 1 when CAND is base "." N ext SUFFIX exactly (N canonical decimal). */
int	names_numbered(const struct names *n, const char *cand,
	    const char *suffix, long long *num);

/*
 * 1 when CAND is base DATE [.N] ext SUFFIX with DATE in the dateformat's
 * shape and N a counter (canonical decimal, 1 to NAMES_COUNTER_MAX).
 */
int	names_dated(const struct names *n, const char *cand,
	    const char *suffix, struct datekey *key);

int	datekey_cmp(const struct datekey *a, const struct datekey *b);

/* A rotated file as the plan leaves it so far: the target dir, simulated. */
struct vfile {
	char		*name;
	time_t		 mtime;
	bool		 exists;
};

/* One plan_build() in progress (plan.c, plan_list.c). */
struct builder {
	const struct plan_input *in;
	const struct log_rule *r;
	struct plan	*p;
	struct names	 n;
	struct vfile	*v;
	size_t		 nv, capv;
	char		*dispose;	/* basename removed in PHASE_POST */
	const char	*rname;		/* p->rotated's name, no '/' */
	bool		 nomem;		/* set by any failed allocation */
};

/*
 * The plan's log_dir and target_dir (olddir's), and the log's name into
 * *BASE (inside in->path). -1 on ENOMEM.
 */
int	plan_dirs(struct builder *b, const char **base);

/* DIR "/" NAME (no doubled '/'); NULL on ENOMEM. */
char	*list_join(const char *dir, const char *name);
/* Frees P's actions. */
void	list_clear(struct plan *p);
/*
 * Appends an action. FNAME/TNAME: a path for PLAN_DIR_LOG (the log or its
 * LOG.tmp), a basename for PLAN_DIR_TARGET; NULL for none. NULL (and
 * b->nomem) on ENOMEM.
 */
struct plan_action *list_add(struct builder *b, enum act_kind kind,
	    enum plan_phase phase, enum plan_dir fdir, const char *fname,
	    enum plan_dir tdir, const char *tname);
/* An ACT_SCRIPT of TEXT, nothing when TEXT is NULL. */
void	list_script(struct builder *b, enum script_kind kind,
	    enum plan_phase phase, const char *text, bool shared,
	    const char *arg1, const char *arg2);
/* ACT_MAIL of NAME (target dir) as logrotate's mailLogWrapper would. */
void	list_mail(struct builder *b, enum plan_phase phase, const char *name);
/* NAME (target dir) goes: mailed (MAIL and a rule that mails), preremove, rm. */
void	list_remove(struct builder *b, enum plan_phase phase, const char *name,
	    bool mail);
/* NAME compressed as compressLogFile; JUST_ROTATED: the log's times. */
void	list_compress(struct builder *b, enum plan_phase phase,
	    const char *name, bool just_rotated);

/* The simulated directory: its live entry NAME, or NULL. */
struct vfile *vdir_find(struct builder *b, const char *name);
void	vdir_add(struct builder *b, const char *name, time_t mtime);
void	vdir_del(struct builder *b, const char *name);
/* FROM renamed to TO, over whatever TO was; its mtime goes along. */
void	vdir_move(struct builder *b, const char *from, const char *to);
/* The caller's siblings that start with the log's base name. */
void	vdir_load(struct builder *b);

#endif
