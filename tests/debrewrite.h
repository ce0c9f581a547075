/*
 * debrewrite.h: the Debian suite's helpers (test_debian.c). debrewrite.c
 * turns a package's logrotate.d file into one text that runs on a test
 * tree instead of the machine's /var/log, and says which logs to create;
 * debfetch.c downloads the packages and unpacks them. Neither runs
 * logrotate or mond, and neither decides pass or fail.
 */
#ifndef MOND_DEBREWRITE_H
#define MOND_DEBREWRITE_H

#include <stddef.h>

/*
 * Where a side's directory goes in a rewritten text: "@R/tree" is the
 * root of the tree the stanzas name, "@R/run" holds the record files.
 * Both tools get the same text with their own directory put in.
 */
#define DR_SIDE		"@R"

struct dr_conf {
	char	*text;		/* the rewritten file, DR_SIDE in it */
	char   **logs;		/* files to create, relative to the tree */
	size_t	 nlogs;
	int	 nscripts;	/* script bodies replaced by markers */
	int	 nsu_dropped;	/* `su` lines dropped (user or group unknown) */
	int	 nowners;	/* create owners unknown here, made root */
};

/*
 * Rewrites TEXT, a logrotate.d file: every absolute path of a stanza
 * header and of `olddir` gets DR_SIDE "/tree" in front, every script body
 * becomes one line appending "KIND $1 $2" to DR_SIDE "/run/scripts", `su`
 * lines naming a user or group this machine lacks are dropped, and
 * create/createolddir owners it lacks become root. For each header
 * pattern it lists one log (a plain path) or two (a glob, its wildcards
 * filled in two ways). Returns 0, or -1 with *WHY set (static text) when
 * the file is not one it understands (a script without endscript, a
 * relative header path, an include).
 */
int	 dr_rewrite(const char *text, struct dr_conf *out, const char **why);
void	 dr_free(struct dr_conf *c);
/* TEMPLATE with every DR_SIDE replaced by SIDE (malloc'd). */
char	*dr_subst(const char *template, const char *side);
/* TEXT with every occurrence of FROM replaced by TO (malloc'd). */
char	*dr_replace(const char *text, const char *from, const char *to);

/*
 * Downloads PKGS (NULL-terminated) with apt-get under a private apt state
 * in DIR/apt (the machine's sources, its own lists and cache, no lock),
 * then unpacks each .deb with dpkg-deb -x into DIR/x/PACKAGE. Meant for a
 * criterion report hook, so it never asserts: returns 0, or -1 with *WHY
 * a malloc'd reason (the tail of apt's output).
 */
int	 dr_fetch(const char *dir, const char *const pkgs[], char **why);

#endif
