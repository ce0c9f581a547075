/*
 * rotate.h: carries out one plan's actions (plan.h) on real files, or, in
 * dry-run mode, prints the line each would run and touches nothing; both
 * go through the same switch. Every operation is relative to the plan's
 * log and target directories opened once with O_NOFOLLOW; a log is never
 * opened by path. It never decides what is due (plan.c) nor which plans
 * run together (pass.c).
 */
#ifndef MOND_ROTATE_H
#define MOND_ROTATE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>

#include "conf/conf.h"
#include "engine/plan.h"
#include "util/spawn.h"

/*
 * What the actions compressed: the bytes read into compressed files and
 * the st_size of the files they made, added to (never reset) by
 * rotate_run for each compression that stood.
 */
struct rotate_packed {
	long long	 in;
	long long	 out;
};

/* The bit of a phase in a phase mask. */
#define ROTATE_PHASE(p)		(1u << (p))
#define ROTATE_ALL_PHASES	0x7fu

struct rotate_opts {
	bool	 dry_run;	/* print, touch nothing */
	FILE	*out;		/* dry-run lines; NULL = nowhere */
	bool	 shared;	/* run actions marked `shared` (else skip them) */
	/*
	 * Set when mond stops: a running script (compressor, mailer...) is
	 * killed; NULL = never.
	 */
	const atomic_bool *cancel;
	/* What ACT_MAIL runs (the config's mail_command); NULL = /usr/bin/mail */
	const char *mail_command;
	/*
	 * The words of the dry-run and debug lines; NULL = mond's own
	 * (plan_action_render with user and group names). logrotate's
	 * command line speaks logrotate's.
	 */
	int	(*render)(const struct plan_action *a, char *buf, size_t len);
	/* createolddir takes a directory already there as it is (pass.h) */
	bool	 olddir_as_found;
	/* When non-NULL, receives what was compressed (not in a dry run) */
	struct rotate_packed *packed;
};

/* A script running longer than this (seconds) is killed and has failed. */
#define ROTATE_SCRIPT_TIMEOUT	SPAWN_TIMEOUT

/*
 * Runs, in order, the actions of PLAN (built for RULE) whose phase is in
 * PHASES. Stops at the first failure, which is logged with the file and
 * strerror and copied into WHY (WHYLEN bytes); every file is then either
 * in its old place or its new one. A script exiting non-zero is a
 * failure. Returns 0, or -1.
 */
int	rotate_run(const struct log_rule *rule, const struct plan *plan,
	    unsigned phases, const struct rotate_opts *opts, char *why,
	    size_t whylen);

/*
 * Runs shell TEXT as `sh -c TEXT mond_script ARG1 [ARG2]`, so the paths
 * reach it as $1 and $2 and are never parsed as shell, in its own process
 * group with default signal dispositions and an empty mask. Waits for it,
 * at most ROTATE_SCRIPT_TIMEOUT seconds ($MOND_SCRIPT_TIMEOUT overrides it,
 * for tests) and only while CANCEL (may be NULL) is unset; past that its
 * group gets SIGTERM, then SIGKILL after 5 s, and -1 with errno ETIMEDOUT
 * or ECANCELED is returned (spawn_wait). Returns its exit status (0..255,
 * 128+signal), or -1 with errno.
 */
int	rotate_script(const char *text, const char *arg1, const char *arg2,
	    const atomic_bool *cancel);

#endif
