/*
 * lrvalue.c: logrotate's readModeUidGid, the "[MODE] [OWNER [GROUP]]" of
 * create, createolddir and su, which logrotate reads with sscanf("%ho
 * %199s %199s%c"): the same text gives the same mode, owner and group
 * here, down to a mode glued to its owner ("0640root") and a first word
 * that is no octal number ("create root adm": the mode is kept). Owners
 * are looked up as logrotate looks them up: a number must be a known id.
 */
#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>

#include "conf/lrconf.h"

/* sscanf's %199s. */
#define WORD_MAX	199

static bool
is_space(char c)
{
	return isspace((unsigned char)c) != 0;
}

/* %ho at *P: 1 read, 0 no octal digit there, -1 nothing but space left. */
static int
scan_mode(const char **p, unsigned short *mode)
{
	const char *s = *p;
	unsigned long v = 0;
	bool neg = false;

	while (is_space(*s))
		s++;
	if (*s == '\0')
		return -1;
	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	if (*s < '0' || *s > '7')
		return 0;
	while (*s >= '0' && *s <= '7')
		v = v * 8 + (unsigned long)(*s++ - '0');
	*mode = (unsigned short)(neg ? -v : v);
	*p = s;
	return 1;
}

/* %199s at *P into W (WORD_MAX + 1 bytes): 1 read, -1 nothing left. */
static int
scan_word(const char **p, char *w)
{
	const char *s = *p;
	size_t n = 0;

	while (is_space(*s))
		s++;
	if (*s == '\0')
		return -1;
	while (*s != '\0' && !is_space(*s) && n < WORD_MAX)
		w[n++] = *s++;
	w[n] = '\0';
	*p = s;
	return 1;
}

/* "%199s %199s%c" at P: how many of the three were read, -1 for none. */
static int
scan_owner(const char *p, char *user, char *group)
{
	if (scan_word(&p, user) == -1)
		return -1;
	if (scan_word(&p, group) == -1)
		return 1;
	return *p != '\0' ? 3 : 2;
}

static int
resolve_uid(const char *name, uid_t *uid)
{
	struct passwd *pw;
	unsigned long n;
	char *end;

	if ((pw = getpwnam(name)) != NULL) {
		*uid = pw->pw_uid;
		return 0;
	}
	n = strtoul(name, &end, 10);
	if (*name != '\0' && *end == '\0' && n < INT_MAX &&
	    getpwuid((uid_t)n) != NULL) {
		*uid = (uid_t)n;
		return 0;
	}
	return -1;
}

static int
resolve_gid(const char *name, gid_t *gid)
{
	struct group *gr;
	unsigned long n;
	char *end;

	if ((gr = getgrnam(name)) != NULL) {
		*gid = gr->gr_gid;
		return 0;
	}
	n = strtoul(name, &end, 10);
	if (*name != '\0' && *end == '\0' && n < INT_MAX &&
	    getgrgid((gid_t)n) != NULL) {
		*gid = (gid_t)n;
		return 0;
	}
	return -1;
}

/*
 * Reads TEXT (the rest of DIRECTIVE's line) into IDS, the mode only
 * WITH_MODE. Returns 0, 1 when it is bad (said, as the stanza's or the
 * file's end), or -1 on ENOMEM.
 */
int
lr_parse_ids(struct lr_file *f, int line, const char *text,
    const char *directive, bool with_mode, struct lr_ids *ids)
{
	char user[WORD_MAX + 1], group[WORD_MAX + 1];
	const char *p = text;
	unsigned short mode = 0;
	bool got_mode = false;
	int rc = 0, n;

	if (with_mode && (rc = scan_mode(&p, &mode)) == 1) {
		got_mode = true;
		n = scan_owner(p, user, group);
		rc += n > 0 ? n : 0;
	}
	/* No mode first: owner and group, the mode kept as it was. */
	if (rc == 0 && (n = scan_owner(text, user, group)) > 0)
		rc = n + 1;
	if (rc == 4)
		return lr_problem(f, line, lr_raise_kind(f), "extra arguments "
		    "for %s", directive) == -1 ? -1 : 1;
	if (got_mode) {
		ids->has_mode = true;
		/* chmod(2) takes no more; logrotate's %ho could. */
		ids->mode = (mode_t)(mode & 07777);
	}
	if (rc > 1) {
		if (resolve_uid(user, &ids->uid) == -1)
			return lr_problem(f, line, lr_raise_kind(f), "unknown "
			    "user '%s'", user) == -1 ? -1 : 1;
		ids->has_uid = true;
	}
	if (rc > 2) {
		if (resolve_gid(group, &ids->gid) == -1)
			return lr_problem(f, line, lr_raise_kind(f), "unknown "
			    "group '%s'", group) == -1 ? -1 : 1;
		ids->has_gid = true;
	}
	return 0;
}
