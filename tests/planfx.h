/*
 * planfx.h: the planner suites' fixture (test_plan.c, test_plan_lr.c): a
 * rule, an lstat, a state entry, a clock and the rotated files on disk,
 * built into a plan whose dry-run lines can be compared. No file is
 * touched; the suites run in UTC.
 */
#ifndef MOND_PLANFX_H
#define MOND_PLANFX_H

#include <stdbool.h>
#include <sys/stat.h>
#include <time.h>

#include "engine/plan.h"

struct fx {
	struct log_rule	 r;
	struct stat	 st;
	bool		 missing;
	struct stat	 dir;
	bool		 has_dir;
	uid_t		 euid;
	time_t		 last, now;
	bool		 force;
	bool		 date_taken_fails;	/* logrotate's command line */
	const char	*path;
	struct plan_sibling sib[16];
	size_t		 nsib;
	struct plan	 p;
	char		 lines[4096];
};

/* The suites' .init (TZ=UTC) and .fini (frees the last fixture's plan). */
void	fx_utc(void);
void	fx_fini(void);

/* "YYYY-MM-DD HH:MM" in the current zone. */
time_t	fx_time(const char *s);

/* A weekly, rotate 4 rule on a 100-byte 0640 root:adm log, due by a week. */
void	fx_init(struct fx *f);
/* One more file NAME (with MTIME) in the target directory. */
void	fx_sib(struct fx *f, const char *name, time_t mtime);
/* Builds the plan; its dry-run lines, one per action, land in f->lines. */
void	fx_run(struct fx *f);
/* The plan is due and its lines are WANT (NULL-terminated). */
void	fx_expect_lines(struct fx *f, const char *const *want);
/* The plan's status is ST, its why holds WHY; no action unless due. */
void	fx_expect_status(struct fx *f, enum plan_status st, const char *why);

#endif
