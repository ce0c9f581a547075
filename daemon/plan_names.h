/*
 * plan_names.h: internal to plan.c and plan_names.c. How a rule names the
 * rotated versions of a log (numbers, dateext suffixes, `extension` moved
 * to the end, ".gz"), and how such names are recognised again. Pure string
 * work: no file is looked at.
 */
#ifndef MOND_PLAN_NAMES_H
#define MOND_PLAN_NAMES_H

#include <stdbool.h>
#include <time.h>

#include "conf/conf.h"

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
