/*
 * sandbox.h: how the web front gives up what it does not need, in the
 * order OpenBSD's daemons do: everything privileged first (bind, the log's
 * directory), then the root directory, the ids, and last a seccomp
 * allow-list, after which a call outside the list ends the process.
 */
#ifndef MOND_SANDBOX_H
#define MOND_SANDBOX_H

#include <pwd.h>
#include <stdbool.h>

/*
 * Chroots into the working directory (when root), then becomes PW's uid
 * and gid with no supplementary groups, and checks that root cannot be
 * regained. PW NULL (not root): only the checks. Returns 0, or -1 after
 * saying why.
 */
int	sandbox_drop(const struct passwd *pw);

/*
 * Caps the descriptors at NOFILE, sets no-new-privs and loads the
 * allow-list. Returns 0, or -1 after saying why.
 */
int	sandbox_lock(unsigned long nofile);

/* Whether the allow-list kills (false in sanitizer builds: it logs). */
bool	sandbox_kills(void);

#endif
