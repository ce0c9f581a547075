/*
 * su.h: `su = "USER GROUP"`. A rule's file operations run with the
 * user's effective ids (and that group alone as supplementary group), so
 * what mond creates belongs to them and a directory the user may write
 * is handled with the user's rights only. The switch is per thread: in
 * the daemon the worker takes the user's identity while the loop that
 * serves HTTP stays root.
 */
#ifndef MOND_SU_H
#define MOND_SU_H

#include <stdbool.h>
#include <sys/types.h>

#include "conf/conf.h"

/* What su_enter() saved, for su_leave() to restore. */
struct su_ids {
	bool	 switched;
	uid_t	 euid;
	gid_t	 egid;
	gid_t	*groups;
	int	 ngroups;
};

/*
 * Switches the calling thread to RULE's su ids when RULE has `su` and
 * the thread runs as root; otherwise does nothing. Returns 0, or -1 with
 * errno (the thread's ids are then unchanged).
 */
int	su_enter(const struct log_rule *rule, struct su_ids *ids);

/*
 * Switches the calling thread, when it runs as root, to UID with that
 * user's primary group and supplementary groups, as the user would have
 * them after logging in: the identity a stanza takes by itself when UID
 * controls its logs' path (pathwalk.h). UID 0 does nothing. Returns 0, or
 * -1 with errno (ESRCH: UID has no passwd entry).
 */
int	su_enter_user(uid_t uid, struct su_ids *ids);

/*
 * A log's identity: RULE's su when it has one, else AS_UID's (the user who
 * controls its path, 0 for root: nothing changes). Returns as su_enter.
 */
int	su_enter_for(const struct log_rule *rule, uid_t as_uid,
	    struct su_ids *ids);

/* Back to the ids su_enter() saved; fatal() if that fails. */
void	su_leave(struct su_ids *ids);

#endif
