/*
 * plan.h: the planner's contract. plan_build() decides, from what the caller
 * gathered (the rule, an lstat, the state entry, the clock, the rotated
 * siblings on disk), whether one log rotates now, says why, and lists the
 * actions that rotate.c runs in order. The planner does no I/O at all: it
 * never opens, stats, reads the clock or looks a name up; everything it
 * knows arrives through struct plan_input.
 */
#ifndef MOND_PLAN_H
#define MOND_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#include "conf/conf.h"

/* One file of the target directory (the log's dir, or olddir). */
struct plan_sibling {
	const char	*name;		/* basename, no '/' */
	/*
	 * For maxage; (time_t)-1 = unknown (the caller could not read it),
	 * and an unknown mtime is never old: nothing is removed for it.
	 */
	time_t		 mtime;
};

struct plan_input {
	const struct log_rule *rule;
	const char	*path;		/* the log, as globbed ("/var/log/a.log") */
	const struct stat *st;		/* lstat(path); NULL when it does not exist */
	/*
	 * path's directory is insecure by logrotate's rule, ACL included
	 * (pass_dir.c): skipped when euid is 0 and the rule has no `su`.
	 */
	bool		 dir_insecure;
	uid_t		 euid;
	time_t		 last;		/* the state entry; 0 = none (first sight) */
	time_t		 now;
	bool		 force;
	/*
	 * The entries of the target directory (olddir when set, else the
	 * log's directory), sorted by strcmp() (plan_sort_siblings() does
	 * it). Unrelated names may be included: the planner picks the ones
	 * that are rotated versions of this log. May be NULL when nsiblings
	 * is 0 (then nothing old is shifted or removed).
	 */
	const struct plan_sibling *siblings;
	size_t		 nsiblings;
	/*
	 * logrotate's command line: a dateext name already taken fails the
	 * log ("destination ... already exists, skipping rotation"), as
	 * logrotate's own test suite wants. Else the name takes the next
	 * counter of its date (LOG-DATE.1, .2, ...; mond.conf(5)).
	 */
	bool		 date_taken_fails;
};

enum plan_status {
	PLAN_IDLE = 0,		/* nothing to do now */
	PLAN_DUE,		/* rotate: run the actions */
	PLAN_SKIP,		/* left alone on purpose (missingok, symlink...) */
	PLAN_ERROR,		/* left alone, and the pass counts a failure */
};

/* What the caller writes into the state file for this log. */
enum plan_record {
	PLAN_RECORD_NONE = 0,
	PLAN_RECORD_NOW,	/* first sight, not rotating: record `now` */
	PLAN_RECORD_ON_SUCCESS,	/* record `now` once every action succeeded */
};

enum act_kind {
	ACT_MKDIR,		/* from: olddir to create (EEXIST as a dir is fine) */
	ACT_SCRIPT,		/* run script text with $1 = arg1, $2 = arg2 */
	ACT_RENAME,		/* from -> to */
	ACT_COPY,		/* copy from -> to (new file), from untouched;
				   with `gzip`, `to` is the compressed copy */
	ACT_TRUNCATE,		/* from: truncate what ACT_COPY copied */
	ACT_CREATE,		/* from: new empty file with mode/uid/gid */
	ACT_COMPRESS,		/* from -> to (from + compressext), then remove
				   from (preremove `text` first, maybe shred) */
	ACT_REMOVE,		/* unlink from (or shred it) */
	ACT_MAIL,		/* mail from to `address` (maybe decompressed) */
};

enum script_kind {
	SCRIPT_FIRSTACTION,
	SCRIPT_PREROTATE,
	SCRIPT_POSTROTATE,
	SCRIPT_PREREMOVE,
	SCRIPT_LASTACTION,
};

/*
 * The order a rule's actions run in, logrotate's. A rule whose pattern
 * matched several due logs runs them like this:
 *   PHASE_FIRST once (firstaction is always shared);
 *   sharedscripts: every plan's PHASE_PRE, the PHASE_PRESCRIPT once, every
 *     plan's PHASE_ROTATE, PHASE_POSTSCRIPT once, every plan's PHASE_POST;
 *   else: for each plan in turn, its PHASE_PRE .. PHASE_POST;
 *   PHASE_LAST once.
 * An action with `shared` set is one of those run-once scripts: the caller
 * runs the first plan's copy and ignores the others (theirs are equal).
 * A single plan's actions are already in phase order, so a one-log rule may
 * just run them front to back.
 */
enum plan_phase {
	PHASE_FIRST,		/* firstaction */
	PHASE_PRE,		/* mkdir olddir, compress previous, shift, old
				   removals (each mailed first) */
	PHASE_PRESCRIPT,	/* prerotate */
	PHASE_ROTATE,		/* rename (renamecopy: to LOG.tmp) or
				   copy(+truncate), create */
	PHASE_POSTSCRIPT,	/* postrotate */
	PHASE_POST,		/* renamecopy's copy, compress, mail, preremove +
				   remove the disposed one */
	PHASE_LAST,		/* lastaction */
};

/* Which directory an action's path lies in, for openat() on a dir fd. */
enum plan_dir {
	PLAN_DIR_LOG,		/* plan->log_dir */
	PLAN_DIR_TARGET,	/* plan->target_dir (== log_dir without olddir) */
};

struct plan_action {
	enum act_kind	 kind;
	enum plan_phase	 phase;
	/*
	 * Paths are as the log's path was given (absolute when it was),
	 * `from_name`/`to_name` point at their last component inside
	 * from/to, and from_dir/to_dir tell which of the plan's dirs holds
	 * them. For ACT_MKDIR, from is target_dir itself.
	 */
	char		*from;
	const char	*from_name;
	enum plan_dir	 from_dir;
	char		*to;		/* RENAME, COPY, COMPRESS; else NULL */
	const char	*to_name;
	enum plan_dir	 to_dir;
	/*
	 * A file the caller listed among the siblings may have vanished since:
	 * ENOENT on `from` is then not an error (logrotate ignores it too).
	 */
	bool		 enoent_ok;
	/* ACT_CREATE, ACT_MKDIR: final attributes; (uid_t)-1 = leave as made */
	mode_t		 mode;
	uid_t		 uid;
	gid_t		 gid;
	/*
	 * ACT_SCRIPT. ACT_COMPRESS: `text` is the rule's preremove (NULL:
	 * none), run with $1 = from once `to` is durable and before from is
	 * removed; its failure keeps from, as logrotate's shred_file does.
	 */
	enum script_kind script;
	const char	*text;		/* the rule's shell text, not owned */
	char		*arg1;		/* $1: log path, or the rule's title */
	char		*arg2;		/* $2: the rotated name, or NULL */
	bool		 shared;
	/*
	 * ACT_COPY: write `to` compressed in process straight from the log,
	 * in one read (copy or copytruncate with compress and no
	 * delaycompress); no ACT_COMPRESS of the copy follows.
	 */
	bool		 compressed;
	/* That, and ACT_COMPRESS without cmd: zstd rather than gzip */
	bool		 zstd;
	/*
	 * ACT_REMOVE, and ACT_COMPRESS's removal of from: `shred -u [-n
	 * shredcycles] -` on the file first (a hard-linked file, without
	 * allowhardlink, is an error and stays).
	 */
	bool		 shred;
	int		 shredcycles;
	/* ACT_COMPRESS: the rule's compresscmd, NULL = in process */
	const char	*cmd;
	/*
	 * ACT_COMPRESS: where an unexpected existing `to` goes first
	 * (logrotate's "TO-YYYYMMDDHH.backup", a name in to's directory);
	 * NULL when the siblings showed none, and a `to` found anyway fails.
	 */
	char		*backup;
	/*
	 * ACT_COMPRESS of the file just rotated: the compressed file gets
	 * these times (the log's, from the plan's lstat, as logrotate takes
	 * them) instead of the source's own.
	 */
	bool		 has_times;
	struct timespec	 atime, mtime;
	/* ACT_MAIL: `mail_command -s subject address`, from on stdin */
	const char	*address;	/* the rule's mail, not owned */
	char		*subject;
	bool		 uncompress;	/* decompress from first */
};

#define PLAN_WHY_MAX	256

struct plan {
	enum plan_status status;
	enum plan_record record;
	bool		 first_sight;
	/*
	 * PLAN_ERROR for a log that plan_decide() found due but whose rotation
	 * could not be planned (a dateext name taken: "destination ... already
	 * exists, skipping rotation"; a dateformat that names nothing). Such
	 * a log counts as rotating for firstaction and lastaction, as in
	 * logrotate: its actions are only those two scripts. False in every
	 * other case.
	 */
	bool		 was_due;
	char		 why[PLAN_WHY_MAX];
	char		*log_dir;	/* dirname of the log's path */
	char		*target_dir;	/* where rotated files live */
	char		*rotated;	/* the log's new name (dir + base.1 or date) */
	struct plan_action *actions;
	size_t		 nactions;
};

/*
 * Fills *PLAN from IN. Returns 0 (look at plan->status), or -1 with errno
 * ENOMEM (or EINVAL for an input without rule/path); *PLAN then holds
 * nothing to free. Any *PLAN filled must be released with plan_free().
 */
int	plan_build(const struct plan_input *in, struct plan *plan);

/* Frees what plan_build() allocated in *PLAN; safe on a zeroed plan. */
void	plan_free(struct plan *plan);

/*
 * compresswhenclosed applies to RULE: it compresses, and it renames its
 * log away, so the writer may still hold the rotated file. copy,
 * copytruncate and renamecopy leave a copy no writer holds: for them it
 * does nothing.
 */
bool	plan_waits_for_writer(const struct log_rule *rule);

/*
 * Whether the rotation leaves the rotated file plain for later:
 * delaycompress, or plan_waits_for_writer.
 */
bool	plan_delays_compress(const struct log_rule *rule);

/*
 * The rotated files of IN's log that wait for their writer (when
 * plan_waits_for_writer): those the rotation left plain, the one numbered
 * `start`, or each plain dateext one, among IN's siblings. CB(NAME, ARG)
 * is called for each basename; it returns 0, or -1 to stop. Returns 0,
 * -1 when CB stopped or on ENOMEM.
 */
int	plan_pending(const struct plan_input *in,
	    int (*cb)(const char *name, void *arg), void *arg);

/* Who holds a pending file open for writing, as the caller found out. */
enum plan_hold {
	PLAN_HOLD_NONE = 0,	/* no process does */
	PLAN_HOLD_PID,		/* pid (comm) does */
	PLAN_HOLD_HIDDEN,	/* a process mond cannot see does */
	PLAN_HOLD_UNKNOWN,	/* whether any does is unknown */
};

struct plan_holder {
	enum plan_hold	 kind;
	pid_t		 pid;		/* PLAN_HOLD_PID */
	const char	*comm;		/* its name; NULL unknown */
};

/*
 * When a pending file of RULE's log, rotated at LAST (the state entry), is
 * compressed even while a writer holds it: LAST (NOW if LAST is later or
 * unknown) plus compresswhenclosed.
 */
time_t	plan_pending_deadline(const struct log_rule *rule, time_t last,
	    time_t now);

/*
 * Plans the pending file NAME (a basename from plan_pending) of IN's log,
 * which HOLDER holds open for writing. With no holder (PLAN_HOLD_NONE),
 * or at its deadline, PLAN_DUE and one ACT_COMPRESS in PHASE_PRE (the
 * compression delaycompress would do at the next rotation), *RECHECK
 * (time_t)-1; else PLAN_IDLE, why "LOG.1 is held open by pid N (comm):
 * compression waits ...", and *RECHECK the moment to look again: within
 * seconds of the rotation, less often as it ages, never past the
 * deadline. Returns 0, or -1 with errno (ENOMEM); release *PLAN with
 * plan_free() either way.
 */
int	plan_build_pending(const struct plan_input *in, const char *name,
	    const struct plan_holder *holder, struct plan *plan,
	    time_t *recheck);

/* Sorts siblings by name with strcmp(), as plan_input wants them. */
void	plan_sort_siblings(struct plan_sibling *sib, size_t n);

/* Names for the dry-run lines; return NULL to print the number. */
typedef const char *(*plan_user_fn)(uid_t uid);
typedef const char *(*plan_group_fn)(gid_t gid);

/*
 * Writes the dry-run line of A into BUF (at most LEN bytes, always
 * NUL-terminated): "mv a.log a.log.1", "copy a.log a.log.1", "truncate a.log",
 * "create a.log 0640 root:adm", "mkdir old 0755", "gzip a.log.1",
 * "compress a.log.1 with bzip2", "rm a.log.8.gz", "shred a.log.8.gz",
 * "run postrotate for a.log", "mail a.log.8.gz to root". What a compress
 * also does follows in brackets: "gzip a.log.1 (a.log.1.gz exists: kept
 * as a.log.1.gz-2026112512.backup; preremove, shred a.log.1)"; a mail's
 * subject when it is not the file, and its decompression, likewise.
 * USER/GROUP may be NULL.
 * Returns the length the full line has (as snprintf does).
 */
int	plan_action_render(const struct plan_action *a, char *buf, size_t len,
	    plan_user_fn user, plan_group_fn group);

/* "firstaction", "prerotate", ... */
const char *plan_script_name(enum script_kind kind);

/*
 * The first moment at or after which RULE's time criterion is due when the
 * log was last rotated at LAST (local calendar, DST-correct through mktime):
 * the next hour, midnight, weekday (Sunday by default; a week after LAST's
 * date with weekday 7), 1st of the month or 1st of January.
 * A LAST more than 25 hours after NOW (a clock set back) gives NOW. Returns
 * (time_t)-1 when the rule has no time criterion (size only). The result
 * may be before NOW: the log is due already. minsize/minage can still veto
 * it then; plan_build() is the judge when the timer fires.
 */
time_t	plan_next_due(const struct log_rule *rule, time_t last, time_t now);

/* RULE's compressed suffix: its compressext (".gz" when NULL). */
const char *plan_compext(const struct log_rule *rule);

/*
 * 1 when CANDIDATE (a basename) is a rotated version of the log whose
 * basename is LOGNAME under RULE: LOGNAME.N, LOGNAME.N + compressext, or
 * the dateext form (a taken date's counter LOG-DATE.N included), with
 * `extension` moved to the end (`addextension` added). 0 otherwise
 * (LOGNAME itself too).
 */
int	plan_is_sibling(const struct log_rule *rule, const char *logname,
	    const char *candidate);

/* Where a rotated file's name puts it among its log's (plan_name_age). */
struct plan_age {
	int		 shape;		/* 0 none, 1 numbered, 2 dated */
	long long	 key[8];
};

/*
 * Fills *AGE with the place of NAME, a rotated version of the log LOGNAME
 * under RULE (as plan_is_sibling judges it), by its name alone: a higher
 * LOG.N is older; a dated one is ordered by its date, then its counter
 * (LOG-DATE, LOG-DATE.1, LOG-DATE.2, oldest first). Returns 1; 0 when
 * NAME is none of those (its shape then 0).
 */
int	plan_name_age(const struct log_rule *rule, const char *logname,
	    const char *name, struct plan_age *age);

/*
 * <0 when A is older than B by name, >0 when newer, 0 when their names do
 * not tell (equal, or not of one shape).
 */
int	plan_age_cmp(const struct plan_age *a, const struct plan_age *b);

/*
 * Calls CB(I, ARG) for each I of SIB (N entries, sorted as
 * plan_sort_siblings() sorts) that plan_is_sibling() takes for a rotated
 * version of LOGNAME under RULE, in their order; a binary search finds
 * where they start, so a big directory costs little. Returns 0, or -1 on
 * ENOMEM (then CB was not called).
 */
typedef void (*plan_member_fn)(size_t i, void *arg);
int	plan_family(const struct log_rule *rule, const char *logname,
	    const struct plan_sibling *sib, size_t n, plan_member_fn cb,
	    void *arg);

/* The longest compressed suffix plan_unrotate() guesses (COMP NULL). */
#define PLAN_COMP_MAX	16

/*
 * Calls CB(STEM, ARG) for each name STEM of which NAME (a basename) could
 * be a rotated version: NAME = BASE ROT REST, ROT a ".N" or (DLEN > 0)
 * DLEN bytes of date, maybe with a counter ".N" after them, REST an
 * extension and then a compressed suffix;
 * STEM = BASE + that extension, or BASE alone (`addextension` on a name
 * without it). EXT is the only extension tried ("" for none, NULL any),
 * COMP the only suffix (NULL: any of at most PLAN_COMP_MAX bytes), each
 * besides none. Stops and returns 1 when CB returns 1; else 0.
 * plan_is_sibling is the judge of each stem.
 */
typedef int (*plan_stem_fn)(const char *stem, void *arg);
int	plan_unrotate(const char *name, const char *ext, const char *comp,
	    size_t dlen, plan_stem_fn cb, void *arg);

/* The length of RULE's dateformat suffix as names are parsed (%Y is 4...). */
size_t	plan_date_width(const struct log_rule *rule);

/*
 * 1 when PATH, matched by RULE's wildcard PATTERN, is a rotated version
 * under RULE's own naming (".N" with `extension` moved to the end or
 * `addextension` added, or RULE's dateformat when dateext, each with an
 * optional compressext) of a name
 * that PATTERN would match too: a rotation of this rule's own logs, even
 * when the live log is gone. "worker.1" under "worker.*" is a log.
 */
int	plan_is_rotated_by(const struct log_rule *rule, const char *pattern,
	    const char *path);

/*
 * The distinct plan_date_width()s of CONF's rules into WIDTHS (room for
 * conf->nrules); returns how many.
 */
size_t	plan_date_widths(const struct mond_conf *conf, size_t *widths);

/*
 * 1 when NAME (a basename) is a rotated sibling, under that log's own
 * rule, of a log in the same directory: RULE_OF(STEM, ARG) returns the
 * rule of the known log STEM there, or NULL when STEM is no log. WIDTHS
 * are plan_date_widths(). This is how a wildcard match, or a new file the
 * size trigger sees, is told from a rotated file of another rule.
 */
typedef const struct log_rule *(*plan_rule_fn)(const char *stem, void *arg);
int	plan_is_rotated_name(const char *name, const size_t *widths,
	    size_t nwidths, plan_rule_fn rule_of, void *arg);

/*
 * The size in bytes at which a write makes RULE's log due: the least of
 * `size` and `maxsize`, and `minsize` too when TIME_DUE (its time rotation
 * is due and waits only for minsize). -1 when no size makes it due. This is
 * the threshold the daemon's size trigger uses and the status pages show;
 * *KIND (may be NULL) says which option it came from.
 */
long long plan_threshold(const struct log_rule *rule, bool time_due,
	    enum threshold_kind *kind);

#endif
