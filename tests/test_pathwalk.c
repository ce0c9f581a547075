/*
 * test_pathwalk.c: pathwalk_dir's rule on real directories: who may
 * change what a path names. Owners are set with chown to ids no user
 * needs to have (the walk reads ids, it never becomes anyone).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/pathwalk.h"
#include "tests/testutil.h"

static void
setup(void)
{
	tu_dirfd_init();
	/* Others may reach the test's directories, as under /home. */
	cr_assert_eq(chmod(tu_dir, 0755), 0);
}

TestSuite(pathwalk, .init = setup, .fini = tu_fini);

static void
mkdir_owned(const char *rel, uid_t uid, gid_t gid, mode_t mode)
{
	cr_assert_eq(mkdir(tu_at(rel), 0700), 0, "%s: %s", rel, strerror(errno));
	cr_assert_eq(chown(tu_at(rel), uid, gid), 0);
	cr_assert_eq(chmod(tu_at(rel), mode), 0);
}

/* pathwalk_dir on tu_dir/REL: its return, with *OWNER and WHY. */
static int
walk(const char *rel, uid_t *owner, char *why, size_t whylen)
{
	return pathwalk_dir(tu_at(rel), owner, why, whylen);
}

Test(pathwalk, a_path_only_root_may_change_has_no_owner)
{
	char why[512];
	uid_t owner = 42;

	tu_need_root("chown");
	mkdir_owned("a", 0, 0, 0755);
	mkdir_owned("a/b", 0, 0, 0775);	/* root's group: still root's */
	cr_assert_eq(walk("a/b", &owner, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(owner, 0);
}

Test(pathwalk, a_users_middle_directory_makes_them_the_owner)
{
	char why[512];
	uid_t owner;

	tu_need_root("chown");
	mkdir_owned("home", 4321, 4321, 0755);
	mkdir_owned("home/logs", 4321, 4321, 0755);
	cr_assert_eq(walk("home/logs", &owner, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(owner, 4321);
	/* The last directory's own owner is the log's rule, not the walk's. */
	mkdir_owned("var", 0, 0, 0755);
	mkdir_owned("var/app", 4321, 4321, 0755);
	cr_assert_eq(walk("var/app", &owner, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(owner, 0);
}

/*
 * A user who shuts her own directory is still in control: she may open it
 * again, or reach it by a bind mount, an ACL or a descriptor.
 */
Test(pathwalk, a_users_closed_directory_is_still_hers)
{
	char why[512];
	uid_t owner = 42;

	tu_need_root("chown");
	mkdir_owned("home", 4321, 4321, 0600);
	mkdir_owned("home/logs", 4321, 4321, 0755);
	cr_assert_eq(walk("home/logs", &owner, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(owner, 4321);
}

Test(pathwalk, an_acl_that_lets_a_user_write_makes_them_the_owner)
{
	struct stat st;
	char why[512];
	uid_t owner = 42;

	tu_need_root("ACLs for another user");
	mkdir_owned("shared", 0, 0, 0755);
	mkdir_owned("shared/logs", 0, 0, 0755);
	tu_acl_user_may_write(tu_at("shared"), 4321);
	cr_assert_eq(stat(tu_at("shared"), &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0775, "the mask shows as group bits");
	cr_assert_eq(walk("shared/logs", &owner, why, sizeof(why)), 0, "%s",
	    why);
	cr_assert_eq(owner, 4321, "the ACL's user was not counted");
	/*
	 * Group bits that are only the mask are not the group's: a root:4322
	 * directory whose group may not write reads 0775 all the same.
	 */
	mkdir_owned("grp", 0, 4322, 0755);
	mkdir_owned("grp/logs", 0, 0, 0755);
	tu_acl_user_may_write(tu_at("grp"), 4321);
	cr_assert_eq(walk("grp/logs", &owner, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(owner, 4321);
}

Test(pathwalk, a_shared_writable_directory_is_refused)
{
	char why[512];
	uid_t owner;

	tu_need_root("chown");
	mkdir_owned("open", 0, 0, 0777);
	mkdir_owned("open/logs", 0, 0, 0755);
	cr_assert_eq(walk("open/logs", &owner, why, sizeof(why)), -1);
	cr_assert_eq(errno, EPERM);
	cr_assert_not_null(strstr(why, "writable by anyone"), "%s", why);
	cr_assert_not_null(strstr(why, tu_at("open")), "%s", why);
	mkdir_owned("grp", 0, 4322, 0775);
	mkdir_owned("grp/logs", 0, 0, 0755);
	cr_assert_eq(walk("grp/logs", &owner, why, sizeof(why)), -1);
	cr_assert_not_null(strstr(why, "writable by a group"), "%s", why);
}

Test(pathwalk, in_a_sticky_directory_the_entry_owner_counts)
{
	char why[512];
	uid_t owner;

	tu_need_root("chown");
	mkdir_owned("tmp", 0, 0, 01777);
	mkdir_owned("tmp/root", 0, 0, 0755);
	mkdir_owned("tmp/user", 4321, 4321, 0755);
	cr_assert_eq(walk("tmp/root", &owner, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(owner, 0);
	cr_assert_eq(walk("tmp/user", &owner, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(owner, 4321);
	/* Not there yet: anyone may make it before mond looks again. */
	cr_assert_eq(walk("tmp/later", &owner, why, sizeof(why)), -1);
	cr_assert_eq(errno, EPERM);
	cr_assert_not_null(strstr(why, "missing"), "%s", why);
}

Test(pathwalk, two_users_on_one_path_are_refused)
{
	char why[512];
	uid_t owner;

	tu_need_root("chown");
	mkdir_owned("u1", 4321, 4321, 0755);
	mkdir_owned("u1/u2", 4322, 4322, 0755);
	mkdir_owned("u1/u2/logs", 4322, 4322, 0755);
	cr_assert_eq(walk("u1/u2/logs", &owner, why, sizeof(why)), -1);
	cr_assert_eq(errno, EPERM);
	cr_assert_not_null(strstr(why, "two users"), "%s", why);
}

Test(pathwalk, symlinks_are_walked_and_their_owner_judged)
{
	char why[512];
	uid_t owner;

	tu_need_root("chown");
	mkdir_owned("srv", 0, 0, 0755);
	mkdir_owned("srv/log", 0, 0, 0755);
	mkdir_owned("var", 0, 0, 0755);
	cr_assert_eq(symlink("../srv/log", tu_at("var/log")), 0);
	cr_assert_eq(symlink(tu_at("srv"), tu_at("abs")), 0);
	cr_assert_eq(walk("var/log", &owner, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(owner, 0);
	cr_assert_eq(walk("abs/log", &owner, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(owner, 0);
	/* A user's link to root's directory: the user is still in control. */
	mkdir_owned("home", 4321, 4321, 0755);
	cr_assert_eq(symlink(tu_at("srv"), tu_at("home/app")), 0);
	cr_assert_eq(lchown(tu_at("home/app"), 4321, 4321), 0);
	cr_assert_eq(walk("home/app/log", &owner, why, sizeof(why)), 0, "%s",
	    why);
	cr_assert_eq(owner, 4321);
	/* A loop ends. */
	cr_assert_eq(symlink("loop", tu_at("loop")), 0);
	cr_assert_eq(walk("loop/x", &owner, why, sizeof(why)), -1);
	cr_assert_eq(errno, ELOOP);
}

Test(pathwalk, dots_and_odd_slashes)
{
	char why[512], path[4096];
	uid_t owner;

	cr_assert_eq(mkdir(tu_at("d"), 0755), 0);
	snprintf(path, sizeof(path), "%s//./d/../d/", tu_dir);
	cr_assert_eq(pathwalk_dir(path, &owner, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(pathwalk_dir("relative", &owner, why, sizeof(why)), -1);
	cr_assert_eq(errno, EINVAL);
	tu_write_file(tu_at("file"), "x");
	cr_assert_eq(walk("file/x", &owner, why, sizeof(why)), -1);
	cr_assert_eq(errno, ENOTDIR);
	cr_assert_not_null(strstr(why, "file"), "%s", why);
}

/*
 * Where the kernel has no openat2 (before 5.6), one O_NOFOLLOW openat
 * per component: the same answers. A child makes openat2 fail ENOSYS
 * with a seccomp filter, as such a kernel would, and walks.
 */
Test(pathwalk, without_openat2_the_fallback_gives_the_same_answers)
{
	scmp_filter_ctx ctx;
	char why[512];
	uid_t owner;
	int status;
	pid_t pid;

	tu_need_root("chown");
	mkdir_owned("home", 4321, 4321, 0755);
	mkdir_owned("home/logs", 4321, 4321, 0755);
	mkdir_owned("open", 0, 0, 0777);
	mkdir_owned("open/logs", 0, 0, 0755);
	cr_assert_eq(symlink(tu_at("home"), tu_at("link")), 0);
	cr_assert_neq(pid = fork(), -1);
	if (pid == 0) {
		if ((ctx = seccomp_init(SCMP_ACT_ALLOW)) == NULL ||
		    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
		    SCMP_SYS(openat2), 0) != 0 || seccomp_load(ctx) != 0)
			_exit(10);
		if (syscall(SYS_openat2, AT_FDCWD, "/", NULL, 0) != -1 ||
		    errno != ENOSYS)
			_exit(11);	/* the filter did not take */
		if (walk("link/logs", &owner, why, sizeof(why)) != 0 ||
		    owner != 4321)
			_exit(12);
		if (walk("open/logs", &owner, why, sizeof(why)) != -1 ||
		    errno != EPERM)
			_exit(13);
		_exit(0);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status), "the child died: status %d", status);
	cr_assert_eq(WEXITSTATUS(status), 0, "case %d failed without openat2",
	    WEXITSTATUS(status));
}
