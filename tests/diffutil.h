/*
 * diffutil.h: the machinery of the differential suite (test_diff.c). A
 * scenario is a starting tree, a stanza written once in logrotate's words,
 * and a few steps; this file builds two identical copies of the tree,
 * renders the stanza into both grammars, runs logrotate on one copy and
 * mond on the other, and compares the results. It never judges a scenario
 * itself: it returns differences as text for the suite to assert on.
 */
#ifndef MOND_DIFFUTIL_H
#define MOND_DIFFUTIL_H

#include <stdbool.h>
#include <sys/types.h>

#include "tests/testutil.h"

/* A file of the starting tree; NAME ending in '/' is a directory. */
struct df_file {
	const char	*name;
	const char	*text;
	mode_t		 mode;		/* 0 = 0644 (0755 for a directory) */
	int		 age_days;	/* mtime this many days before the run */
	const char	*link;		/* a hard link to this earlier file */
};

/* A state file entry: the log NAME was last rotated DAYS_AGO days ago. */
struct df_state {
	const char	*name;
	int		 days_ago;
};

enum df_how { DF_END = 0, DF_FORCE, DF_DUE };

/* One step: append TEXT to each of the space-separated APPEND names, then run. */
struct df_step {
	enum df_how	 how;
	const char	*append;
	const char	*text;
};

#define DF_MAX_FILES	8
#define DF_MAX_STATE	4
#define DF_MAX_STEPS	5

struct df_scenario {
	const char	*name;
	/*
	 * Space-separated patterns relative to the tree; the first is the
	 * stanza's title, the others logrotate's extra paths / mond's `files`.
	 */
	const char	*paths;
	/*
	 * The stanza body in logrotate's words, one directive a line; a script
	 * directive holds its one-line script on the same line. "@D" stands
	 * for the tree's absolute path, "@W" for today's weekday (0-6), "@V"
	 * for tomorrow's.
	 */
	const char	*body;
	struct df_file	 files[DF_MAX_FILES];
	struct df_state	 state[DF_MAX_STATE];
	const char	*state_extra;	/* raw lines put before the entries */
	struct df_step	 steps[DF_MAX_STEPS];
	bool		 fails;		/* every step fails: mond exits 1, logrotate != 0 */
	bool		 cmp_state;	/* also compare the logs named in both state files */
	/* --dry-run expectations (the step list says what the real runs do) */
	bool		 once_rotates;	/* `--once` would rotate something */
	bool		 force_idle;	/* `--force-rotate` would rotate nothing */
	bool		 dry_fails;	/* the dry runs exit 1 (a log is missing) */
	/*
	 * Deliberate differences (DESIGN §3): when MOND_TREE is set, mond's tree
	 * must be exactly these "NAME=CONTENT" entries (directories "NAME/"),
	 * and logrotate's tree must hold LR_HAS (documenting the difference).
	 */
	const char	*mond_tree[DF_MAX_FILES + 2];
	const char	*lr_has;
	bool		 state_kept;	/* mond leaves the state lines as written */
};

/* One scenario's temp dir: DIR/lr and DIR/mo are the two trees. */
struct df_run {
	char	*dir;
	char	*lr, *mo;
	char	*lr_conf, *mo_conf;
	char	*lr_state, *mo_state;
	char	*state_text[2];		/* as written before the first step */
};

/* Skips the calling test unless root and logrotate is installed. */
void	 df_require_peer(void);
/* The path of Debian's logrotate, or NULL when it is not installed. */
const char *df_logrotate_bin(void);
/* Skips the calling test unless root (mond-only parts). */
void	 df_require_root(void);
/* Builds DIR, both trees, both configs, both state files. */
void	 df_prepare(const struct df_scenario *sc, struct df_run *run);
void	 df_cleanup(struct df_run *run);
/* Appends the step's text to its files in TREE. */
void	 df_append(const char *tree, const struct df_step *step);
/*
 * Runs ARGV[0] (a path) with stdin /dev/null and stdout/stderr into files
 * (never a full pipe); waits and returns its status and output.
 */
struct tu_run df_run_argv(const char *const argv[]);
/* Runs logrotate for a step on the lr tree; returns its exit status. */
int	 df_run_logrotate(struct df_run *run, enum df_how how, char **err);
/* Runs mond for a step on the mo tree, optionally with --dry-run. */
struct tu_run df_run_mond(struct df_run *run, enum df_how how, bool dry);
/*
 * Compares trees A and B: names, type, mode, uid, gid, content (gzip
 * decompressed), gzip-ness and the gzip header's XFL byte. Returns NULL
 * when equal, else a malloc'd description of every difference.
 */
char	*df_tree_diff(const char *a, const char *b);
/*
 * What the helper programs (DIR/mailer, the `-m` and mail_command of both
 * tools; DIR/ccmd, a recording compresscmd; DIR/uncmd, a recording
 * uncompresscmd) recorded for logrotate's tree and for mond's: NULL when
 * the same, else a malloc'd description. DIR/cfail is a compresscmd that
 * fails. A body names them as "@D/../ccmd".
 */
char	*df_side_diff(const struct df_run *run);
/* Writes those helpers into RUN->dir (df_prepare does it). */
void	 df_write_helpers(const struct df_run *run);
/* The record WHAT ("mail", "ccmd", "uncmd") of one tool, or NULL. */
char	*df_side_record(const struct df_run *run, bool lr, const char *what);
/* Checks TREE against a DF scenario's mond_tree list; NULL when equal. */
char	*df_tree_expect(const char *tree, const char *const *expect);
/*
 * Everything about TREE and the file STATE that a dry run must not change
 * (names, raw contents' CRC, sizes, modes, owners, mtimes), as text.
 */
char	*df_fingerprint(const char *tree, const char *state);
/* The sorted, root-stripped list of log names in state file PATH. */
char	*df_state_names(const char *path, const char *root);

#endif
