/*
 * lrconf.h: the parts of the logrotate reader, internal to conf/.
 * lrconf.c opens paths, directories and files and keeps the stanzas;
 * lrscan.c walks one file's text character by character as logrotate's
 * readConfigFile does; lrdirective.c applies one keyword to a rule, with
 * lrvalue.c for the owners and modes.
 */
#ifndef MOND_LRCONF_H
#define MOND_LRCONF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "conf/conf.h"
#include "util/strmap.h"

/* logrotate's bound on nested includes. */
#define LR_MAX_NESTING	16U

/*
 * Who named a pattern first. Stanzas are dropped and moved while files
 * are read, so the pattern map points here rather than into conf->rules.
 */
struct lr_owner {
	char		*file;
	int		 line;
	bool		 ignoredup;	/* of a stanza done reading */
	bool		 dead;		/* dropped: its patterns are free again */
	const struct log_rule *live;	/* the stanza while it is read */
};

/* One conf_read_logrotate() call: what carries across files. */
struct lr_reader {
	struct mond_conf *conf;
	char		**taboo;	/* fnmatch patterns a directory skips */
	size_t		 ntaboo;
	struct strmap	 seen;		/* pattern -> index in owners */
	struct lr_owner	*owners;
	size_t		 nowners;
	unsigned	 depth;		/* includes open */
	size_t		 rules_cap;	/* room in conf->rules */
};

/*
 * The scanner's state, logrotate's: a base state and the flags that
 * combine with it (a skipped line inside a script of a skipped stanza).
 */
#define LR_SKIP_LINE	0x01	/* up to the end of the line */
#define LR_SCRIPT	0x02	/* up to endscript */
#define LR_SKIP_CONFIG	0x04	/* a bad stanza, up to its } */
#define LR_DEF_END	0x08	/* just after a stanza's } */
#define LR_ERROR	0x10	/* a bad stanza: say so at the next char */

/* One file being read. */
struct lr_file {
	struct lr_reader *rd;
	const char	*path;		/* as messages name it */
	const char	*cwd;		/* where relative includes are; NULL: . */
	char		*buf;		/* the text, buf[len] == '\0' */
	size_t		 len;
	size_t		 pos;		/* the character being looked at */
	size_t		 line_pos;	/* line_no counts the lines before it */
	int		 line_no;
	int		 state;
	struct log_rule	*defs;		/* the globals (or the including stanza) */
	struct log_rule	*cur;		/* the stanza being read, or NULL */
	size_t		 cur_slot;	/* its place in conf->rules */
	size_t		 cur_owner;
	bool		 crit_set;	/* a criterion was given in this stanza */
	char		**script;	/* where the script being read goes */
	size_t		 script_start;
	int		 script_line;
	bool		 logerror;	/* logrotate's "this file had errors" */
};

/* What a directive did. */
enum lr_verdict {
	LR_OK,
	LR_RAISE,	/* a bad value: the stanza, or the file, is left out */
	LR_ABORT,	/* the rest of the file is left out, even in a stanza */
	LR_NOMEM,
};

/* What one create, createolddir or su line sets; the rest is kept. */
struct lr_ids {
	bool		 has_mode, has_uid, has_gid;
	mode_t		 mode;
	uid_t		 uid;
	gid_t		 gid;
};

/*
 * Unless said otherwise these return 0, or -1 on ENOMEM; the readers of
 * files and values also return 1 for "had an error" (said already), which
 * is logrotate's return of 1 from readConfigPath/readConfigFile.
 */

/* lrconf.c */
/* logrotate's readConfigPath: PATH (a file or directory) with DEFS. */
int	lr_read_path(struct lr_reader *rd, struct lr_file *from,
	    const char *path, struct log_rule *defs);
/* A problem at F's LINE (0: the whole file), recorded and said. */
int	lr_problem(struct lr_file *f, int line, enum conf_problem_kind kind,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* f->cur: a copy of f->defs starting at LINE, its place kept. */
int	lr_stanza_open(struct lr_file *f, int line);
/* One path word for f->cur, unless an earlier stanza names it. */
int	lr_stanza_add(struct lr_file *f, const char *pattern);
/* f->cur finished, checked and kept, or left out with the reason. */
int	lr_stanza_close(struct lr_file *f);
/* f->cur left out: its place and its paths given back. */
int	lr_stanza_drop(struct lr_file *f);
/* The tabooext (EXT) or taboopat line's "[+] a, b". */
int	lr_taboo_set(struct lr_reader *rd, const char *list, bool ext);
/* logrotate's default taboo list as "*EXT" patterns, appended to *LIST. */
int	lr_taboo_defaults(char ***list, size_t *n);
void	lr_taboo_free(char **list, size_t n);
/* Whether a directory's listing leaves NAME out ("." and ".." too). */
bool	lr_taboo_name(char *const *list, size_t n, const char *name);
/* "~/..." of an include or olddir from $HOME; 1: no home (said). */
int	lr_expand_home(struct lr_file *f, int line, char **path);

/* lrscan.c */
/* Reads f->buf into stanzas and globals: 0, 1 (an error), -1. */
int	lr_scan(struct lr_file *f);
/* The line of the character at POS (1 for the first). */
int	lr_line_at(struct lr_file *f, size_t pos);
/* The character at POS, '\0' past the end (as logrotate's mmap has it). */
char	lr_at(const struct lr_file *f, size_t pos);
/* isolateWord, isolateLine and isolateValue: see lrscan.c. */
size_t	lr_word(const struct lr_file *f, size_t *pos);
char	*lr_line(struct lr_file *f, size_t *pos);
int	lr_value(struct lr_file *f, size_t *pos, const char *what,
	    enum conf_problem_kind kind, char **value);
/* The kind of a bad value's problem: ERROR in a stanza, else SKIPPED. */
enum conf_problem_kind lr_raise_kind(const struct lr_file *f);

/* lrvalue.c */
/* readModeUidGid: TEXT into IDS; 1 when it is bad (said). */
int	lr_parse_ids(struct lr_file *f, int line, const char *text,
	    const char *directive, bool with_mode, struct lr_ids *ids);

/* lrdirective.c */
/* The keyword KEY at f->pos (just after it) applied to the rule read. */
enum lr_verdict lr_directive(struct lr_file *f, const char *key,
	    size_t keylen, int line);

#endif
