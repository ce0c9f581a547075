/*
 * lrutil.h: the logrotate reader's test tables. A case is a few files
 * written into a fresh directory, the paths conf_read_logrotate() reads,
 * and the text the result must print as: one line per rule loaded (its
 * place, patterns, $1 text and every field that is not logrotate's
 * built-in value), one per problem (place, kind, text) and, when asked,
 * one per warning or debug message. "@D@" stands for the directory.
 */
#ifndef MOND_LRUTIL_H
#define MOND_LRUTIL_H

#include <stdbool.h>
#include <sys/types.h>

#include "conf/conf.h"

struct lr_file_spec {
	const char	*name;	/* relative to the case's directory */
	const char	*text;	/* NULL: a directory */
	mode_t		 mode;	/* 0: 0644 (0755 for a directory) */
	uid_t		 uid;	/* 0: root's */
};

struct lr_case {
	const char	*name;
	struct lr_file_spec files[8];
	const char	*read;	/* paths read, space separated; NULL: files[0] */
	const char	*want;
	bool		 msgs;	/* warnings and debug messages printed too */
	const char	*home;	/* $HOME for the case ("-": unset), or NULL */
};

/*
 * The text CONF prints as, with DIR written "@D@" (MSGS, if not NULL, is
 * appended: the messages captured). malloc'd.
 */
char	*lr_summary(const struct mond_conf *conf, const char *dir,
	    const char *msgs);

/* Runs the case in a fresh directory: its result must print as c->want. */
void	 lr_run_case(const struct lr_case *c);
void	 lr_run_cases(const struct lr_case *cases, size_t n);

/* Captures conf_msg()'s warnings and debug lines from now on. */
void	 lr_capture_start(void);
/* What was captured ("M LEVEL TEXT\n" each), malloc'd; stops capturing. */
char	*lr_capture_stop(void);

/* TEXT with every FROM replaced by TO, malloc'd. */
char	*lr_replace(const char *text, const char *from, const char *to);

#endif
