/*
 * test_fsutil.c: the safe file primitives on real files in mkdtemp
 * directories: refusals (symlink, FIFO, planted names), exact attributes,
 * logrotate's directory rule, the never-missing create swap, temporary
 * names, and fs_split_path with its callers' edge cases. Copies and
 * copytruncate are in test_fsutil_copy.c.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/applog.h"
#include "util/fsutil.h"
#include "engine/recover.h"
#include "engine/state.h"
#include "tests/testutil.h"

TestSuite(fsutil, .init = tu_dirfd_init, .fini = tu_fini);

/*
 * A log's directory path may hold an admin's symlink (pathwalk judged it);
 * one component inside a directory (an olddir) may not.
 */
Test(fsutil, open_dir_follows_a_path_but_dirat_no_link)
{
	int fd;

	cr_assert_eq(mkdir(tu_at("real"), 0755), 0);
	cr_assert_eq(symlink(tu_at("real"), tu_at("link")), 0);
	cr_assert_geq(fd = fs_open_dir(tu_at("link")), 0, "%s", strerror(errno));
	close(fd);
	cr_assert_eq(fs_open_dirat(tu_dirfd, "link"), -1);
	cr_assert(errno == ELOOP || errno == ENOTDIR, "errno %d", errno);
	cr_assert_geq(fd = fs_open_dirat(tu_dirfd, "real"), 0);
	close(fd);
}

Test(fsutil, open_log_refuses_symlink)
{
	struct stat st;

	tu_write_file(tu_at("target"), "secret\n");
	cr_assert_eq(symlink(tu_at("target"), tu_at("a.log")), 0);
	cr_assert_eq(fs_open_log(tu_dirfd, "a.log", O_RDWR, &st), -1);
	cr_assert_eq(errno, ELOOP);
}

Test(fsutil, open_log_refuses_fifo_without_blocking)
{
	struct stat st;

	cr_assert_eq(mkfifo(tu_at("a.log"), 0644), 0);
	alarm(5);	/* a blocking open would hang the test: fail it instead */
	cr_assert_eq(fs_open_log(tu_dirfd, "a.log", O_RDONLY, &st), -1);
	cr_assert_eq(errno, EINVAL);
	cr_assert_eq(fs_open_log(tu_dirfd, "a.log", O_RDWR, &st), -1);
	cr_assert_eq(errno, EINVAL);
	alarm(0);
}

Test(fsutil, open_log_refuses_directory)
{
	struct stat st;

	cr_assert_eq(mkdir(tu_at("d.log"), 0755), 0);
	cr_assert_eq(fs_open_log(tu_dirfd, "d.log", O_RDONLY, &st), -1);
	cr_assert_eq(errno, EINVAL);
}

Test(fsutil, open_log_reports_nlink_and_blocks_normally)
{
	struct stat st;
	int fd;

	tu_write_file(tu_at("a.log"), "x\n");
	cr_assert_eq(link(tu_at("a.log"), tu_at("b")), 0);
	fd = fs_open_log(tu_dirfd, "a.log", O_RDWR | O_APPEND, &st);
	cr_assert_geq(fd, 0, "%s", strerror(errno));
	cr_assert_eq(st.st_nlink, 2);
	cr_assert(S_ISREG(st.st_mode));
	cr_assert_eq(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	cr_assert_neq(fcntl(fd, F_GETFL) & O_APPEND, 0);
	cr_assert_neq(fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
	close(fd);
}

Test(fsutil, create_excl_refuses_existing)
{
	struct fs_attr a = { 0640, (uid_t)-1, (gid_t)-1 };

	tu_write_file(tu_at("a.log"), "keep\n");
	cr_assert_eq(fs_create_excl(tu_dirfd, "a.log", &a, 0), -1);
	cr_assert_eq(errno, EEXIST);
	tu_assert_file(tu_at("a.log"), "keep\n");
}

Test(fsutil, create_excl_refuses_planted_symlink)
{
	struct fs_attr a = { 0644, (uid_t)-1, (gid_t)-1 };

	cr_assert_eq(symlink(tu_at("victim"), tu_at("a.log")), 0);
	cr_assert_eq(fs_create_excl(tu_dirfd, "a.log", &a, 0), -1);
	cr_assert_eq(errno, EEXIST);
	cr_assert(!tu_exists(tu_at("victim")), "wrote through the symlink");
}

Test(fsutil, create_excl_sets_exact_mode_despite_umask)
{
	struct fs_attr a = { 0666, (uid_t)-1, (gid_t)-1 };
	struct stat st;
	int fd;

	umask(077);
	fd = fs_create_excl(tu_dirfd, "a.log", &a, O_APPEND);
	cr_assert_geq(fd, 0, "%s", strerror(errno));
	cr_assert_eq(fstat(fd, &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0666, "mode %o", st.st_mode & 07777);
	cr_assert_eq(st.st_size, 0);
	close(fd);
}

Test(fsutil, create_excl_sets_owner)
{
	struct fs_attr a = { 0640, 4321, 4322 };
	struct stat st;
	int fd;

	if (geteuid() != 0)
		cr_skip_test("needs root: chown to another user");
	fd = fs_create_excl(tu_dirfd, "a.log", &a, 0);
	cr_assert_geq(fd, 0, "%s", strerror(errno));
	cr_assert_eq(stat(tu_at("a.log"), &st), 0);
	cr_assert_eq(st.st_uid, 4321);
	cr_assert_eq(st.st_gid, 4322);
	cr_assert_eq(st.st_mode & 07777, 0640);
	close(fd);
}

static int
insecure(const char *name, mode_t mode, gid_t gid)
{
	struct stat st;

	cr_assert_eq(mkdir(tu_at(name), 0700), 0);
	if (gid != (gid_t)-1)
		cr_assert_eq(chown(tu_at(name), (uid_t)-1, gid), 0);
	cr_assert_eq(chmod(tu_at(name), mode), 0);
	cr_assert_eq(stat(tu_at(name), &st), 0);
	return fs_dir_insecure(&st);
}

Test(fsutil, dir_insecure_follows_logrotate_rule)
{
	cr_assert_eq(insecure("w777", 0777, (gid_t)-1), 1);
	cr_assert_eq(insecure("sticky", 01777, (gid_t)-1), 1,
	    "sticky does not make a world-writable dir secure");
	cr_assert_eq(insecure("d755", 0755, (gid_t)-1), 0);
	if (geteuid() != 0)
		cr_skip_test("needs root: chgrp to a non-root group");
	cr_assert_eq(insecure("g775", 0775, 4000), 1);
	cr_assert_eq(insecure("g775root", 0775, 0), 0);
	cr_assert_eq(insecure("g755", 0755, 4000), 0);
}

Test(fsutil, mkdir_sets_attrs_and_accepts_existing)
{
	struct fs_attr a = { 0750, (uid_t)-1, (gid_t)-1 };
	struct stat st;

	umask(077);
	cr_assert_eq(fs_mkdir(tu_dirfd, "old", &a, 0), 0, "%s", strerror(errno));
	cr_assert_eq(stat(tu_at("old"), &st), 0);
	cr_assert(S_ISDIR(st.st_mode));
	cr_assert_eq(st.st_mode & 07777, 0750);
	cr_assert_eq(fs_mkdir(tu_dirfd, "old", &a, 0), 0);
	tu_write_file(tu_at("file"), "x");
	cr_assert_eq(fs_mkdir(tu_dirfd, "file", &a, 0), -1);
	cr_assert_eq(errno, ENOTDIR);
	cr_assert_eq(symlink(tu_at("old"), tu_at("link")), 0);
	cr_assert_eq(fs_mkdir(tu_dirfd, "link", &a, 0), -1);
}

/* createolddir finds a directory someone else made first: not used. */
Test(fsutil, mkdir_refuses_a_directory_someone_else_made)
{
	struct fs_attr a = { 0755, (uid_t)-1, (gid_t)-1 };
	struct fs_attr theirs = { 0755, 4321, (gid_t)-1 };

	tu_need_root("chown to another user");
	cr_assert_eq(mkdir(tu_at("old"), 0755), 0);
	cr_assert_eq(chown(tu_at("old"), 4321, 4321), 0);
	cr_assert_eq(fs_mkdir(tu_dirfd, "old", &a, 0), -1);
	cr_assert_eq(errno, EPERM);
	/* Unless it is the owner createolddir names. */
	cr_assert_eq(fs_mkdir(tu_dirfd, "old", &theirs, 0), 0, "%s",
	    strerror(errno));
	/* Root's, but others may write it: not used either. */
	cr_assert_eq(mkdir(tu_at("open"), 0755), 0);
	cr_assert_eq(chmod(tu_at("open"), 0777), 0);
	cr_assert_eq(fs_mkdir(tu_dirfd, "open", &a, 0), -1);
	cr_assert_eq(errno, EPERM);
	/* logrotate's command line takes it as logrotate does. */
	cr_assert_eq(fs_mkdir(tu_dirfd, "open", &a, FS_MKDIR_AS_FOUND), 0);
}

Test(fsutil, rename_noreplace_and_unlink)
{
	tu_write_file(tu_at("a"), "a");
	tu_write_file(tu_at("b"), "b");
	cr_assert_eq(fs_rename(tu_dirfd, "a", tu_dirfd, "b", true), -1);
	cr_assert_eq(errno, EEXIST);
	cr_assert_eq(fs_rename(tu_dirfd, "a", tu_dirfd, "c", true), 0);
	cr_assert_eq(fs_rename(tu_dirfd, "c", tu_dirfd, "b", false), 0);
	tu_assert_file(tu_at("b"), "a");
	cr_assert_eq(fs_unlink(tu_dirfd, "b"), 0);
	cr_assert_eq(fs_unlink(tu_dirfd, "b"), -1);
	cr_assert_eq(errno, ENOENT);
}

/* ---- fs_split_path and the callers' edge cases ---------------------- */

static const struct split_case {
	const char	*path;
	const char	*dir;
	const char	*base;
} split_cases[] = {
	{ "mond.log",	".",	"mond.log" },	/* no slash */
	{ "/x",		"/",	"x" },
	{ "/a/b",	"/a",	"b" },
	{ "a/b",	"a",	"b" },
	{ "a/b/",	"a/b",	"" },		/* trailing slash: no name */
	{ "//a",	"/",	"a" },
	{ "a//b",	"a/",	"b" },
	{ "/",		"/",	"" },
	{ "",		".",	"" },
};

Test(fsutil, split_path_table)
{
	const struct split_case *c;
	const char *base;
	size_t i;
	char *d;

	for (i = 0; i < sizeof(split_cases) / sizeof(split_cases[0]); i++) {
		c = &split_cases[i];
		d = NULL;
		cr_assert_eq(fs_split_path(c->path, &d, &base), 0, "\"%s\"",
		    c->path);
		cr_assert_str_eq(d, c->dir, "\"%s\": dir", c->path);
		cr_assert_str_eq(base, c->base, "\"%s\": base", c->path);
		/* the name is PATH's own tail, not a copy */
		cr_assert_eq(base, c->path + strlen(c->path) - strlen(c->base),
		    "\"%s\": base is not in PATH", c->path);
		free(d);
		/* the name alone: the same pointer, nothing allocated */
		base = NULL;
		cr_assert_eq(fs_split_path(c->path, NULL, &base), 0);
		cr_assert_eq(base, c->path + strlen(c->path) - strlen(c->base),
		    "\"%s\": base alone", c->path);
	}
}

/* No PATH_MAX or NAME_MAX inside: open() is the one to say ENAMETOOLONG. */
Test(fsutil, split_path_longer_than_path_max)
{
	size_t dl = 3 * PATH_MAX, bl = 2 * NAME_MAX;
	char *path = malloc(dl + 1 + bl + 1), *d;
	const char *base;

	cr_assert_not_null(path);
	memset(path, 'd', dl);
	path[0] = '/';
	path[dl] = '/';
	memset(path + dl + 1, 'f', bl);
	path[dl + 1 + bl] = '\0';
	cr_assert_eq(fs_split_path(path, &d, &base), 0);
	cr_assert_eq(strlen(d), dl);
	cr_assert_eq(strncmp(d, path, dl), 0);
	cr_assert_eq(base, path + dl + 1);
	cr_assert_eq(strlen(base), bl);
	free(d);
	free(path);
}

/* applog needs a file name: "dir/" and "" are refused before any open. */
Test(fsutil, applog_path_without_a_name_is_eisdir)
{
	struct applog_conf conf = { .maxbytes = 0, .backups = 0 };
	char slash[600];

	snprintf(slash, sizeof(slash), "%s/", tu_dir);
	conf.path = slash;
	errno = 0;
	cr_assert_null(applog_open(&conf));
	cr_assert_eq(errno, EISDIR, "%s", strerror(errno));
	conf.path = "";
	errno = 0;
	cr_assert_null(applog_open(&conf));
	cr_assert_eq(errno, EISDIR, "%s", strerror(errno));
}

/* A refused path leaves the old one (its name points into its path). */
Test(fsutil, applog_reconfigure_to_no_name_keeps_the_old_file)
{
	struct applog_conf conf = { .path = tu_at("a.log") };
	struct applog *al;
	char slash[600];

	cr_assert_not_null(al = applog_open(&conf), "%s", strerror(errno));
	snprintf(slash, sizeof(slash), "%s/", tu_dir);
	conf.path = slash;
	errno = 0;
	cr_assert_eq(applog_reconfigure(al, &conf), -1);
	cr_assert_eq(errno, EISDIR, "%s", strerror(errno));
	cr_assert_eq(applog_write(al, MSG_INFO, "still a"), 0);
	conf.path = tu_at("b.log");
	cr_assert_eq(applog_reconfigure(al, &conf), 0, "%s", strerror(errno));
	cr_assert_eq(applog_write(al, MSG_INFO, "now b"), 0);
	applog_close(al);
	cr_assert_eq(tu_count_lines(tu_at("a.log"), "still a"), 1);
	cr_assert_eq(tu_count_lines(tu_at("b.log"), "now b"), 1);
	cr_assert_eq(tu_count_lines(tu_at("a.log"), "now b"), 0);
}

/*
 * Fixed: state_lock and state_save on "dir/" said ENAMETOOLONG; on ""
 * state_lock took ".lock" in the working directory and state_save wrote
 * its temporary there, failing only at the rename (ENOENT).
 */
Test(fsutil, state_path_without_a_name_is_eisdir)
{
	struct state *st = state_new();
	char slash[600];

	cr_assert_not_null(st);
	cr_assert_eq(chdir(tu_dir), 0);
	snprintf(slash, sizeof(slash), "%s/", tu_dir);
	errno = 0;
	cr_assert_eq(state_lock(slash, 0), -1);
	cr_assert_eq(errno, EISDIR, "\"%s\": %s", slash, strerror(errno));
	errno = 0;
	cr_assert_eq(state_save(st, slash), -1);
	cr_assert_eq(errno, EISDIR, "\"%s\": %s", slash, strerror(errno));
	errno = 0;
	cr_assert_eq(state_lock("", 0), -1);
	cr_assert_eq(errno, EISDIR, "\"\": %s", strerror(errno));
	errno = 0;
	cr_assert_eq(state_save(st, ""), -1);
	cr_assert_eq(errno, EISDIR, "\"\": %s", strerror(errno));
	cr_assert_not(tu_exists(tu_at(".lock")), "\"\" locked in the cwd");
	state_free(st);
}

/* rotate's createolddir: "old/" is made as "old" in the log's directory. */
Test(fsutil, createolddir_with_a_trailing_slash)
{
	char *state = tu_path(tu_dir, "state");
	char *cpath = tu_path(tu_dir, "mond.conf");
	const char *argv[] = { "--force-rotate", "-s", state, "-c", cpath,
	    NULL };
	struct tu_run run;
	char conf[2048];
	struct stat st;

	snprintf(conf, sizeof(conf), "statefile = \"%s\"\ncontrol = \"%s\"\n"
	    "messages = \"\"\napplog {\n path = \"%s\"\n}\nlog \"%s\" {\n rotate = 1\n"
	    " olddir = \"old/\"\n createolddir = \"0750\"\n}\n", state,
	    tu_at("mond.sock"), tu_at("mon/mon.log"), tu_at("a.log"));
	tu_write_file(cpath, conf);
	tu_write_file(tu_at("a.log"), "one line\n");
	run = tu_run_mond(argv);
	cr_assert_eq(run.status, 0, "%s", run.err);
	cr_assert_eq(lstat(tu_at("old"), &st), 0, "old: %s", strerror(errno));
	cr_assert(S_ISDIR(st.st_mode));
	cr_assert_eq(st.st_mode & 07777, 0750);
	tu_assert_file(tu_at("old/a.log.1"), "one line\n");
	tu_run_free(&run);
	free(state);
	free(cpath);
}

/*
 * recover_log acts on a log named by a path with a '/' only: "a.log" is
 * not taken as one in the working directory (pass.c always gives the
 * globbed, absolute path). The same leftover beside an absolute path goes.
 */
Test(fsutil, recover_log_needs_a_path_with_a_slash)
{
	struct log_rule rule = { .copytruncate = true, .start = 1 };

	tu_write_file(tu_at("a.log"), "one\ntwo\n");
	tu_write_file(tu_at(".a.log.mond-copy"), "one\n");
	cr_assert_eq(chdir(tu_dir), 0);
	cr_assert_eq(recover_log(&rule, "a.log", "."), 0);
	cr_assert(tu_exists(tu_at(".a.log.mond-copy")), "acted on \"a.log\"");
	cr_assert_eq(recover_log(&rule, tu_at("a.log"), tu_dir), 1);
	cr_assert_not(tu_exists(tu_at(".a.log.mond-copy")));
	tu_assert_file(tu_at("a.log"), "one\ntwo\n");
}
