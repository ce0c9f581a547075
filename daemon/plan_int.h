/*
 * plan_int.h: internal to plan.c, plan_decide.c and plan_names.c. The
 * decision step, and how a rule names the rotated versions of a log
 * (numbers, dateext suffixes, `extension` moved to the end, ".gz") and
 * recognises them again. Pure: no file is looked at.
 */
#ifndef MOND_PLAN_INT_H
#define MOND_PLAN_INT_H

#include <stdbool.h>
#include <time.h>

#include "daemon/plan.h"

/* Sets status, why, record and first_sight of *P; never any action. */
void	plan_decide(const struct plan_input *in, struct plan *p);
/* printf into p->why, truncated to fit. */
void	plan_why(struct plan *p, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#define NAMES_FMT_MAX	128

struct names {
	char		*base;		/* log basename, `extension` cut off */
	const char	*ext;		/* "" or the rule's extension */
	const char	*comp;		/* "" or ".gz" */
	const char	*datefmt;	/* the rule's dateformat, or the default */
	char		 strf[NAMES_FMT_MAX];	/* datefmt made safe for strftime */
	char		 date[NAMES_FMT_MAX];	/* the dateext suffix for now */
};

/* A dateext suffix read back, for ordering: epoch (%s), Y, m, d, H, M, S. */
struct datekey {
	long long	 f[7];
};

/* Fills N for the log basename LOGBASE at NOW. Returns 0, -1 on ENOMEM. */
int	names_init(struct names *n, const struct log_rule *rule,
	    const char *logbase, time_t now);
void	names_free(struct names *n);

/* 1 when CAND is base "." N ext SUFFIX exactly (N canonical decimal). */
int	names_numbered(const struct names *n, const char *cand,
	    const char *suffix, long long *num);

/* 1 when CAND is base DATE ext SUFFIX with DATE in the dateformat's shape. */
int	names_dated(const struct names *n, const char *cand,
	    const char *suffix, struct datekey *key);

int	datekey_cmp(const struct datekey *a, const struct datekey *b);

#endif
