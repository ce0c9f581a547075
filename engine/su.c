/*
 * su.c: per-thread identity switching for `su` rules. The raw system
 * calls change the calling thread alone; glibc's seteuid()/setegid()/
 * setgroups() would switch every thread of the daemon.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/log.h"
#include "engine/su.h"

static int
thread_setids(uid_t euid, gid_t egid, size_t ngroups, const gid_t *groups)
{
	/* Root's euid first when going back, the user's last when leaving it. */
	if (euid == 0 && syscall(SYS_setresuid, -1, 0, -1) == -1)
		return -1;
	if (syscall(SYS_setgroups, ngroups, groups) == -1 ||
	    syscall(SYS_setresgid, -1, egid, -1) == -1)
		return -1;
	if (euid != 0 && syscall(SYS_setresuid, -1, euid, -1) == -1)
		return -1;
	return 0;
}

/* Saves the thread's ids into IDS, then takes EUID, EGID and GROUPS. */
static int
enter_ids(uid_t euid, gid_t egid, size_t ngroups, const gid_t *groups,
    struct su_ids *ids)
{
	memset(ids, 0, sizeof(*ids));
	ids->euid = geteuid();
	ids->egid = getegid();
	if (ids->euid != 0)
		return 0;
	if ((ids->ngroups = getgroups(0, NULL)) == -1)
		return -1;
	if ((ids->groups = calloc((size_t)ids->ngroups + 1, sizeof(gid_t))) == NULL)
		return -1;
	if ((ids->ngroups = getgroups(ids->ngroups, ids->groups)) == -1 ||
	    thread_setids(euid, egid, ngroups, groups) == -1) {
		int saved = errno;

		/* Partly switched: back to root, or stop (see su_leave). */
		if (thread_setids(ids->euid, ids->egid,
		    (size_t)(ids->ngroups > 0 ? ids->ngroups : 0), ids->groups) == -1)
			fatal("restoring root's ids after su");
		free(ids->groups);
		ids->groups = NULL;
		errno = saved;
		return -1;
	}
	ids->switched = true;
	return 0;
}

int
su_enter(const struct log_rule *r, struct su_ids *ids)
{
	if (!r->has_su) {
		memset(ids, 0, sizeof(*ids));
		return 0;
	}
	return enter_ids(r->su_uid, r->su_gid, 1, &r->su_gid, ids);
}

int
su_enter_user(uid_t uid, struct su_ids *ids)
{
	char buf[4096];
	struct passwd pw, *pwp;
	gid_t groups[64];
	int ngroups = (int)(sizeof(groups) / sizeof(groups[0])), rc;

	memset(ids, 0, sizeof(*ids));
	if (uid == 0 || geteuid() != 0)
		return 0;
	if ((rc = getpwuid_r(uid, &pw, buf, sizeof(buf), &pwp)) != 0 ||
	    pwp == NULL) {
		errno = rc != 0 ? rc : ESRCH;
		return -1;
	}
	/* Past 64 groups the user acts with fewer rights, never more. */
	if (getgrouplist(pw.pw_name, pw.pw_gid, groups, &ngroups) == -1)
		ngroups = (int)(sizeof(groups) / sizeof(groups[0]));
	return enter_ids(uid, pw.pw_gid, (size_t)ngroups, groups, ids);
}

int
su_enter_for(const struct log_rule *rule, uid_t as_uid, struct su_ids *ids)
{
	if (rule->has_su)
		return su_enter(rule, ids);
	return su_enter_user(as_uid, ids);
}

void
su_leave(struct su_ids *ids)
{
	if (!ids->switched)
		return;
	/* Running on with the wrong ids would be worse than stopping. */
	if (thread_setids(ids->euid, ids->egid, (size_t)ids->ngroups,
	    ids->groups) == -1)
		fatal("restoring root's ids after su");
	free(ids->groups);
	ids->groups = NULL;
	ids->switched = false;
}
