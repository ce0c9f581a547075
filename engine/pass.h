/*
 * pass.h: one pass of the rotation engine over a config. It expands every
 * rule's patterns, plans each log (plan.c), runs the due plans (rotate.c),
 * and records successes in the state. --once, --force-rotate, SIGUSR1, the
 * control socket and the daemon's timers all come through pass_run(). It
 * never loads a config, takes the lock or saves the state: callers do.
 */
#ifndef MOND_PASS_H
#define MOND_PASS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <time.h>

#include "conf/conf.h"

struct state;
struct plan_action;

struct pass_opts {
	time_t		 now;
	bool		 force;		/* rotate whatever time and size say */
	bool		 dry_run;	/* print each action to `out`, touch nothing */
	/*
	 * Only logs whose path matches one of these fnmatch(3) patterns
	 * (a stanza's title matches all of its logs); none = every log.
	 */
	char *const	*patterns;
	size_t		 npatterns;
	FILE		*out;		/* dry-run lines; NULL = nowhere */
	/*
	 * The daemon's stop request (SIGTERM): when non-NULL and true, the
	 * pass finishes the log in hand and looks at no further log.
	 */
	const atomic_bool *cancel;
	/*
	 * When non-NULL, called with rule_done_arg after each rule that
	 * rotated a log (not in dry-run), its successes already in the state:
	 * the daemon saves the state there, so a crash later in a long pass
	 * does not rotate those logs again at restart.
	 */
	void		(*rule_done)(void *arg);
	void		*rule_done_arg;
	/*
	 * When non-NULL, called with rule_done_arg once every pattern is
	 * expanded and every log the pass will look at is marked in the
	 * state (state_mark_used), before anything rotates or is saved: the
	 * daemon drops the entries of the other logs there. Not called when
	 * the expansion ran out of memory.
	 */
	void		(*expanded)(void *arg);
	/* The config's mail_command, for `mail`; NULL = /usr/bin/mail */
	const char	*mail_command;
	/* rotate_opts' render: the words of the dry-run lines; NULL = mond's */
	int		(*render)(const struct plan_action *a, char *buf,
			    size_t len);
	/*
	 * logrotate's command line: an olddir is taken as it is found, as
	 * logrotate takes it (its test suite uses a 0777 one), not judged.
	 */
	bool		 olddir_as_found;
	/*
	 * logrotate's command line too: a dateext name already taken fails
	 * the log, as in logrotate (plan_input's date_taken_fails).
	 */
	bool		 date_taken_fails;
};

enum pass_outcome {
	PASS_IDLE = 0,		/* looked at, nothing due */
	PASS_ROTATED,
	PASS_SKIPPED,		/* left alone on purpose (missingok, symlink...) */
	PASS_FAILED,
};

/* One line of the report per log looked at. */
struct pass_result {
	char		*path;
	enum pass_outcome outcome;
	char		 why[256];	/* plan's reason, or what failed and strerror */
	off_t		 size;		/* size when looked at; -1 when missing */
	time_t		 last;		/* last rotation after the pass; 0 = none */
	time_t		 next_due;	/* plan_next_due; (time_t)-1 = size only */
	/*
	 * compresswhenclosed: a rotated file of this log waits for its
	 * writer; look again at this moment. (time_t)-1 = nothing waits.
	 */
	time_t		 recheck;
	size_t		 rule;		/* index into conf->rules */
	/* PASS_ROTATED: the log's new name (as plan->rotated); else NULL */
	char		*rotated;
	/*
	 * Its rotated files once the pass is done (compressed or not, as
	 * they are on disk): how many and the sum of their st_size; both -1
	 * when the pass did not read its target directory (not in a
	 * dry run, nor for a log missing, refused or failed before planning).
	 */
	long long	 kept_files;
	long long	 kept_bytes;
	/*
	 * What this pass compressed of the log's files (rotate.h's
	 * rotate_packed): bytes in, and the size of what they made; 0, 0
	 * when it compressed nothing.
	 */
	long long	 packed_in;
	long long	 packed_out;
};

/* A file system holding the directories of the pass's logs. */
struct pass_fs {
	dev_t		 dev;
	/*
	 * Its mount point, as /proc/self/mountinfo names the device (the
	 * shortest, for a device mounted more than once), or "device
	 * MAJOR:MINOR" when it is not there: never a path a user chose.
	 */
	char		*path;
	struct statvfs	 sv;		/* at the end of the pass, if sv_ok */
	bool		 sv_ok;
	/*
	 * O_PATH on a directory of it whose path no user controls, for
	 * fstatvfs between passes; -1 where a user does (then only the
	 * pass measures, as that user). Closed by pass_report_free.
	 */
	int		 fd;
};

struct pass_report {
	struct pass_result *results;
	size_t		 nresults;
	size_t		 nrotated;
	size_t		 nfailed;
	/* each file system once, sorted by path (not in a dry run) */
	struct pass_fs	*fs;
	size_t		 nfs;
};

/*
 * Runs one pass of CONF at OPTS->now, reading and updating STATE (which
 * the caller loaded and will save). Every failure is logged (log_warn)
 * with the log's path and strerror and counted; the other logs still
 * rotate. REPORT (zeroed by the caller, may be NULL) receives one result
 * per log. Returns 0 when nothing failed, -1 when any log failed (ENOMEM
 * included); release REPORT with pass_report_free() either way.
 */
int	pass_run(const struct mond_conf *conf, struct state *state,
	    const struct pass_opts *opts, struct pass_report *report);

void	pass_report_free(struct pass_report *report);

/* "rotated", "skipped", ... */
const char *pass_outcome_name(enum pass_outcome outcome);

#endif
