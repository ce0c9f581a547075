/*
 * mail.h: mailing a rotated file as logrotate's mailLog does it: the
 * mail command as `COMMAND -s SUBJECT ADDRESS` with the file (maybe
 * decompressed on the way) on its stdin and its stdout closed. It never
 * decides what is mailed or when (plan.c), nor removes anything.
 */
#ifndef MOND_MAIL_H
#define MOND_MAIL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

/* What mail_command is when the config gives none. */
#define MAIL_DEFAULT_COMMAND	"/usr/bin/mail"

struct mail_how {
	const char	*command;	/* NULL: MAIL_DEFAULT_COMMAND */
	const char	*address;
	const char	*subject;
	/*
	 * Decompress first: through UNCOMPRESSCMD as a filter (stdin the
	 * file, stdout the mail's stdin, under `su` the stanza's ids), or
	 * with zlib in a child when it is NULL, which like gunzip fails on
	 * anything that is not gzip.
	 */
	bool		 uncompress;
	const char	*uncompresscmd;
	bool		 allowhardlink;	/* else a hard-linked file is refused */
	double		 deadline;	/* for both children: spawn_wait's */
	const atomic_bool *cancel;
};

/*
 * Mails NAME in DIRFD (PATH in messages) as HOW says. The mail command runs
 * with the real ids (root under `su`), as logrotate's. Returns 0, or -1
 * with WHY (WHYLEN bytes) in logrotate's words: "mail command failed for
 * PATH", "uncompress command failed mailing PATH", "failed to open PATH
 * for mailing: ...".
 */
int	mail_send(int dirfd, const char *name, const char *path,
	    const struct mail_how *how, char *why, size_t whylen);

#endif
