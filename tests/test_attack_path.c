/*
 * test_attack_path.c: nobody gets in through a directory. The real mond,
 * run as root, against two real unprivileged users these tests make: a
 * symlink or a directory of theirs anywhere on a log's path, leftovers
 * planted for crash recovery, an olddir they made first or may write.
 * Symlinks at the names in a log's own directory are test_attack.c's.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/testutil.h"

static char *outside;		/* root's, 0700: no user may reach it */
static char *state_path;
static uid_t alice, bob;
static gid_t alice_g, bob_g;
static pid_t helper = -1;

static void
setup(void)
{
	tu_mond_init();
	outside = tu_tmpdir();
	state_path = tu_path(tu_dir, "status");
	/* The users must be able to walk to their own directories. */
	cr_assert_eq(chmod(tu_dir, 0755), 0);
}

static void
teardown(void)
{
	if (helper > 0) {
		kill(helper, SIGKILL);
		waitpid(helper, NULL, 0);
		helper = -1;
	}
	tu_fini();
	tu_rmtree(outside);
	free(state_path);
	free(outside);
}

TestSuite(attack_path, .init = setup, .fini = teardown, .timeout = 240);

/*
 * alice and bob, named after TAG: the suite's tests run side by side, and
 * each removes its own users.
 */
static void
make_users(const char *tag)
{
	char name[33];

	tu_need_root("mond as root against real users");
	snprintf(name, sizeof(name), "mt_%s_a", tag);
	alice = tu_user_add(name, &alice_g);
	snprintf(name, sizeof(name), "mt_%s_b", tag);
	bob = tu_user_add(name, &bob_g);
}

/* mkdir PATH with MODE for UID:GID. Returns PATH. */
static char *
dir_as(char *path, uid_t uid, gid_t gid, mode_t mode)
{
	cr_assert_eq(mkdir(path, 0700), 0, "%s: %s", path, strerror(errno));
	cr_assert_eq(chown(path, uid, gid), 0);
	cr_assert_eq(chmod(path, mode), 0);
	return path;
}

static char *
file_as(char *path, const char *text, uid_t uid, gid_t gid, mode_t mode)
{
	tu_write_file(path, text);
	cr_assert_eq(chown(path, uid, gid), 0);
	cr_assert_eq(chmod(path, mode), 0);
	return path;
}

static void
symlink_as(const char *target, const char *path, uid_t uid, gid_t gid)
{
	cr_assert_eq(symlink(target, path), 0, "%s: %s", path, strerror(errno));
	cr_assert_eq(lchown(path, uid, gid), 0);
}

/* Everything under DIR, names, owners, modes, sizes and nanosecond times. */
static char *
tree(const char *dir)
{
	const char *argv[] = { "-lAR", "--time-style=+%s.%N", dir, NULL };
	struct tu_run r = tu_run_prog("/bin/ls", argv);
	char *out = r.out;

	cr_assert_eq(r.status, 0, "ls %s: %s", dir, r.err);
	r.out = NULL;
	tu_run_free(&r);
	return out;
}

static struct tu_run
rotate_with(const char *stanza)
{
	const char *argv[] = { "-c", tu_conf, "--force-rotate", NULL };
	struct tu_conf c = { .statefile = state_path };

	tu_mond_conf(stanza, &c);
	return tu_run_mond(argv);
}

/* Root's decoy: OUTSIDE/REL/a.log, what a swapped link would lead to. */
static void
decoy(const char *rel)
{
	char *d = tu_path(outside, rel), *cmd;

	cr_assert(asprintf(&cmd, "mkdir -p '%s'", d) != -1);
	cr_assert_eq(system(cmd), 0);
	free(cmd);
	free(file_as(tu_path(d, "a.log"), "root's own lines\n", 0, 0, 0600));
	free(d);
}

/* ---------------------------------------------------------------------- */
/* A user's directory on the path                                         */

Test(attack_path, a_symlink_in_a_middle_directory_reaches_nothing_of_roots)
{
	char *home, *ah, *app, *logs, *log, *stanza, *before, *after, *real;
	struct tu_run run;
	struct stat st;
	bool note;

	make_users("mid");
	home = dir_as(tu_path(tu_dir, "home"), 0, 0, 0755);
	ah = dir_as(tu_path(home, "alice"), alice, alice_g, 0755);
	app = dir_as(tu_path(ah, "app"), alice, alice_g, 0755);
	logs = dir_as(tu_path(app, "logs"), alice, alice_g, 0755);
	log = file_as(tu_path(logs, "a.log"), "alice's line\n", alice,
	    alice_g, 0644);
	cr_assert(asprintf(&stanza, "log \"%s/*.log\" {\n rotate = 2\n"
	    " create = yes\n compress = yes\n}\n", logs) != -1);

	/* Her own logs still rotate, as her. */
	run = rotate_with(stanza);
	cr_assert_eq(run.status, 0, "%s", run.err);
	note = strstr(run.err, "rotated as uid") != NULL;
	tu_run_free(&run);
	real = tu_path(logs, "a.log.1.gz");
	cr_assert_eq(stat(real, &st), 0, "a.log.1.gz not made");
	cr_assert_eq(st.st_uid, alice, "the .gz is uid %u's", st.st_uid);
	free(real);

	/* Then she swaps her middle directory for a link to root's. */
	decoy("logs");
	real = tu_path(ah, "app.real");
	cr_assert_eq(rename(app, real), 0);
	symlink_as(outside, app, alice, alice_g);
	before = tree(outside);
	run = rotate_with(stanza);
	after = tree(outside);
	cr_assert_str_eq(after, before, "root rotated through her link:\n%s",
	    run.err);
	cr_assert_eq(run.status, 1, "claimed success: %s", run.err);
	tu_run_free(&run);
	cr_assert(note, "no note of whose work her rotation was");

	/* Shutting her own home (she may open it again) changes nothing. */
	cr_assert_eq(chmod(ah, 0600), 0);
	run = rotate_with(stanza);
	free(after);
	after = tree(outside);
	cr_assert_str_eq(after, before, "root rotated through her link once "
	    "her home was shut:\n%s", run.err);
	tu_run_free(&run);
	free(before);
	free(after);
	free(real);
	free(stanza);
	free(log);
	free(logs);
	free(app);
	free(ah);
	free(home);
}

Test(attack_path, a_root_symlink_the_admin_made_is_followed)
{
	char *srv = tu_path(tu_dir, "srv"), *var = tu_path(tu_dir, "var");
	char *srvlog = tu_path(srv, "log"), *varlog = tu_path(var, "log");
	char *log = tu_path(srvlog, "a.log"), *rot = tu_path(srvlog, "a.log.1");
	char *stanza;
	struct tu_run run;

	cr_assert_eq(mkdir(srv, 0755), 0);
	cr_assert_eq(mkdir(srvlog, 0755), 0);
	cr_assert_eq(mkdir(var, 0755), 0);
	cr_assert_eq(symlink("../srv/log", varlog), 0);	/* /var/log -> /srv/log */
	tu_write_file(log, "a line\n");
	cr_assert(asprintf(&stanza, "log \"%s/*.log\" {\n rotate = 1\n}\n",
	    varlog) != -1);
	run = rotate_with(stanza);
	cr_assert_eq(run.status, 0, "%s", run.err);
	cr_assert(tu_exists(rot), "a.log.1 not made through the link");
	tu_run_free(&run);
	free(stanza);
	free(rot);
	free(log);
	free(varlog);
	free(srvlog);
	free(var);
	free(srv);
}

/*
 * A root:root 0755 directory whose ACL lets alice write: its mode shows
 * only the ACL's mask, as if root's group could write.
 */
Test(attack_path, an_acl_that_lets_a_user_write_counts_as_hers)
{
	char *shared, *logs, *real, *stanza, *before, *after, *target;
	struct tu_run run;

	make_users("acl");
	shared = dir_as(tu_path(tu_dir, "shared"), 0, 0, 0755);
	tu_acl_user_may_write(shared, alice);
	logs = dir_as(tu_path(shared, "logs"), 0, 0, 0755);
	tu_write_file(tu_at("shared/logs/a.log"), "root's\n");
	decoy("logs");
	/* alice moves root's logs aside and points the name at root's */
	real = tu_path(shared, "logs.real");
	cr_assert_eq(rename(logs, real), 0);
	target = tu_path(outside, "logs");
	symlink_as(target, logs, alice, alice_g);
	free(target);
	cr_assert(asprintf(&stanza, "log \"%s/*.log\" {\n rotate = 1\n"
	    " copytruncate = yes\n}\n", logs) != -1);
	before = tree(outside);
	run = rotate_with(stanza);
	after = tree(outside);
	cr_assert_str_eq(after, before, "root truncated through her link:\n%s",
	    run.err);
	cr_assert_eq(run.status, 1, "%s", run.err);
	cr_assert_not_null(strstr(run.err, "who controls its path"), "not "
	    "refused for her ACL: %s", run.err);
	tu_run_free(&run);
	free(before);
	free(after);
	free(stanza);
	free(real);
	free(logs);
	free(shared);
}

/* The same ACL on a sticky directory: bob may add names there too. */
Test(attack_path, an_acl_user_of_a_sticky_directory_counts_for_his_names)
{
	char *pub, *logs, *target, *stanza, *before, *after;
	struct tu_run run;

	make_users("aclst");
	pub = dir_as(tu_path(tu_dir, "pub"), 0, 0, 01755);
	tu_acl_user_may_write(pub, bob);
	decoy("logs");
	logs = tu_path(pub, "logs");
	target = tu_path(outside, "logs");
	symlink_as(target, logs, bob, bob_g);
	cr_assert(asprintf(&stanza, "log \"%s/*.log\" {\n rotate = 1\n"
	    " copytruncate = yes\n}\n", logs) != -1);
	before = tree(outside);
	run = rotate_with(stanza);
	after = tree(outside);
	cr_assert_str_eq(after, before, "root truncated through his link:\n%s",
	    run.err);
	cr_assert_eq(run.status, 1, "%s", run.err);
	tu_run_free(&run);
	free(before);
	free(after);
	free(stanza);
	free(target);
	free(logs);
	free(pub);
}

/*
 * LOGS/a.log rotated into OLD: refused for the olddir, and neither
 * directory changed (MOVED says what it would have meant).
 */
static void
olddir_refused(const char *logs, const char *old, const char *moved)
{
	char *stanza, *b0, *b1, *a0, *a1;
	struct tu_run run;

	cr_assert(asprintf(&stanza, "log \"%s/a.log\" {\n rotate = 1\n"
	    " olddir = \"%s\"\n}\n", logs, old) != -1);
	b0 = tu_listing(logs);
	b1 = tu_listing(old);
	run = rotate_with(stanza);
	a0 = tu_listing(logs);
	a1 = tu_listing(old);
	cr_assert_eq(run.status, 1, "%s", run.err);
	cr_assert_not_null(strstr(run.err, "olddir"), "%s", run.err);
	cr_assert_str_eq(a0, b0);
	cr_assert_str_eq(a1, b1, "%s", moved);
	tu_run_free(&run);
	free(a0);
	free(a1);
	free(b0);
	free(b1);
	free(stanza);
}

/*
 * A log's directory, or an olddir, that an ACL lets another user write is
 * insecure as a group-writable one is (its mode reads 0775, group root).
 */
Test(attack_path, an_acl_writable_log_directory_or_olddir_is_refused)
{
	char *logs, *old, *stanza, *b0, *a0;
	struct tu_run run;

	make_users("acldir");
	logs = dir_as(tu_path(tu_dir, "logs"), 0, 0, 0755);
	tu_write_file(tu_at("logs/a.log"), "root's\n");
	tu_acl_user_may_write(logs, bob);
	cr_assert(asprintf(&stanza, "log \"%s/a.log\" {\n rotate = 1\n}\n",
	    logs) != -1);
	b0 = tu_listing(logs);
	run = rotate_with(stanza);
	a0 = tu_listing(logs);
	cr_assert_eq(run.status, 1, "%s", run.err);
	cr_assert_not_null(strstr(run.err, "writable by others"), "%s", run.err);
	cr_assert_str_eq(a0, b0, "rotated in a directory bob may write");
	tu_run_free(&run);
	free(a0);
	free(stanza);

	/* the log's directory root's alone, the olddir bob's to write too */
	tu_rmtree(logs);
	dir_as(logs, 0, 0, 0755);
	tu_write_file(tu_at("logs/a.log"), "root's\n");
	old = dir_as(tu_path(tu_dir, "old"), 0, 0, 0755);
	tu_acl_user_may_write(old, bob);
	olddir_refused(logs, old, "rotated into an olddir bob may write");
	free(b0);
	free(old);
	free(logs);
}

/*
 * An olddir not there yet in a sticky directory: anyone could make it
 * (a link to their own directory) between the check and the rotation.
 */
Test(attack_path, a_missing_olddir_anyone_may_make_is_refused)
{
	char *logs = tu_path(tu_dir, "logs"), *pub, *stanza;
	struct tu_run run;

	tu_need_root("the check applies to root only");
	cr_assert_eq(mkdir(logs, 0755), 0);
	tu_write_file(tu_at("logs/a.log"), "root's\n");
	pub = dir_as(tu_path(tu_dir, "pub"), 0, 0, 01777);
	cr_assert(asprintf(&stanza, "log \"%s/a.log\" {\n rotate = 1\n"
	    " olddir = \"%s/archive\"\n}\n", logs, pub) != -1);
	run = rotate_with(stanza);
	cr_assert_eq(run.status, 1, "%s", run.err);
	cr_assert_not_null(strstr(run.err, "missing"), "%s", run.err);
	cr_assert(tu_exists(tu_at("logs/a.log")));
	cr_assert(!tu_exists(tu_at("logs/a.log.1")));
	tu_run_free(&run);
	free(stanza);
	free(pub);
	free(logs);
}

/* A directory on the path that ANYONE-ish may write: refused, untouched. */
static void
shared_case(mode_t mode, gid_t gid, const char *what)
{
	char *shared = tu_path(tu_dir, "shared"), *logs, *stanza, *before, *after;
	struct tu_run run;

	tu_rmtree(shared);
	dir_as(shared, 0, gid, mode);
	logs = dir_as(tu_path(shared, "logs"), 0, 0, 0755);
	tu_write_file(tu_at("shared/logs/a.log"), "precious\n");
	cr_assert(asprintf(&stanza, "log \"%s/*.log\" {\n rotate = 2\n"
	    " create = yes\n}\n", logs) != -1);
	before = tree(shared);
	run = rotate_with(stanza);
	after = tree(shared);
	cr_assert_eq(run.status, 1, "[%s] exit %d: %s", what, run.status,
	    run.err);
	cr_assert_not_null(strstr(run.err, what), "[%s] %s", what, run.err);
	cr_assert_not_null(strstr(run.err, shared), "[%s] the directory is "
	    "not named: %s", what, run.err);
	cr_assert_str_eq(after, before, "[%s] something moved", what);
	tu_run_free(&run);
	free(before);
	free(after);
	free(stanza);
	free(logs);
	free(shared);
}

Test(attack_path, a_directory_others_may_write_on_the_path_is_refused)
{
	tu_need_root("the check applies to root only");
	shared_case(0777, 0, "writable by anyone");
	shared_case(0775, 65534, "writable by a group other than root's");
}

/* In a sticky directory only an entry's owner may move it. */
Test(attack_path, in_a_sticky_directory_the_entrys_owner_is_who_counts)
{
	char *pub, *mine, *theirs, *stanza;
	struct tu_run run;
	struct stat st;

	make_users("sticky");
	pub = dir_as(tu_path(tu_dir, "pub"), 0, 0, 01777);
	mine = dir_as(tu_path(pub, "root"), 0, 0, 0755);
	theirs = dir_as(tu_path(pub, "bob"), bob, bob_g, 0755);
	tu_write_file(tu_at("pub/root/a.log"), "root's\n");
	free(file_as(tu_path(theirs, "b.log"), "bob's\n", bob, bob_g, 0644));
	cr_assert(asprintf(&stanza, "log \"%s/*.log\" {\n rotate = 1\n"
	    " create = yes\n}\nlog \"%s/*.log\" {\n rotate = 1\n"
	    " create = yes\n}\n", mine, theirs) != -1);
	run = rotate_with(stanza);
	cr_assert_eq(run.status, 0, "%s", run.err);
	tu_run_free(&run);
	cr_assert(tu_exists(tu_at("pub/root/a.log.1")));
	cr_assert_eq(stat(tu_at("pub/bob/b.log"), &st), 0);
	cr_assert_eq(st.st_uid, bob, "bob's new log was made by uid %u",
	    st.st_uid);
	cr_assert(tu_exists(tu_at("pub/bob/b.log.1")));
	free(stanza);
	free(theirs);
	free(mine);
	free(pub);
}

Test(attack_path, a_path_in_the_hands_of_two_users_is_refused)
{
	char *ah, *bd, *logs, *stanza, *before, *after;
	struct tu_run run;

	make_users("two");
	ah = dir_as(tu_path(tu_dir, "alice"), alice, alice_g, 0755);
	bd = dir_as(tu_path(ah, "bob"), bob, bob_g, 0755);
	logs = dir_as(tu_path(bd, "logs"), bob, bob_g, 0755);
	free(file_as(tu_path(logs, "b.log"), "bob's\n", bob, bob_g, 0644));
	cr_assert(asprintf(&stanza, "log \"%s/*.log\" {\n rotate = 1\n}\n",
	    logs) != -1);
	before = tree(ah);
	run = rotate_with(stanza);
	after = tree(ah);
	cr_assert_eq(run.status, 1, "%s", run.err);
	cr_assert_not_null(strstr(run.err, "two users"), "%s", run.err);
	cr_assert_str_eq(after, before, "something moved");
	tu_run_free(&run);
	free(before);
	free(after);
	free(stanza);
	free(logs);
	free(bd);
	free(ah);
}

/* ---------------------------------------------------------------------- */
/* Crash recovery as the stanza's user                                    */

Test(attack_path, cleanup_in_a_sticky_directory_runs_as_the_su_user)
{
	char *pub, *stanza, *planted;
	struct tu_run run;

	make_users("clean");
	pub = dir_as(tu_path(tu_dir, "pub"), 0, 0, 01777);
	free(file_as(tu_path(pub, "a.log"), "alice's\n", alice, alice_g, 0644));
	/* bob's own file, named like a temporary mond would leave */
	planted = file_as(tu_path(pub, ".b.log.mond-tmp"), "bob's work\n",
	    bob, bob_g, 0644);
	cr_assert(asprintf(&stanza, "log \"%s/a.log\" {\n rotate = 1\n"
	    " su = \"mt_clean_a mt_clean_a\"\n}\n", pub) != -1);
	run = rotate_with(stanza);
	cr_assert_eq(run.status, 0, "%s", run.err);
	tu_run_free(&run);
	cr_assert(tu_exists(tu_at("pub/a.log.1")));
	cr_assert(tu_exists(planted), "bob's file was removed as root");
	free(planted);
	free(stanza);
	free(pub);
}

/*
 * A hard link to root's file at the name of an interrupted copytruncate's
 * copy, shaped so that recovery would cut it (its tail is the log's head):
 * what a user may plant where fs.protected_hardlinks is 0. The test plants
 * it as root, since this machine's kernel protects hard links.
 */
Test(attack_path, recovery_never_cuts_a_planted_hard_link)
{
	char *logs, *stanza, *precious, *copy, *text, *got;
	struct tu_run run;
	size_t len;

	make_users("hlink");
	logs = dir_as(tu_path(tu_dir, "logs"), alice, alice_g, 0755);
	free(file_as(tu_path(logs, "a.log"), "hello\nworld\n", alice, alice_g,
	    0644));
	cr_assert_not_null(text = calloc(1, 4096 + 7));
	memset(text, 'A', 4096);
	memcpy(text + 4096, "hello\n", 7);
	precious = file_as(tu_path(outside, "precious"), text, 0, 0, 0600);
	copy = tu_path(logs, ".a.log.mond-copy");
	cr_assert_eq(link(precious, copy), 0, "%s", strerror(errno));
	cr_assert(asprintf(&stanza, "log \"%s/a.log\" {\n rotate = 1\n"
	    " copytruncate = yes\n"
	    " su = \"mt_hlink_a mt_hlink_a\"\n}\n", logs) != -1);
	run = rotate_with(stanza);
	tu_run_free(&run);
	got = tu_read_file(precious, &len);
	cr_assert_eq(len, strlen(text), "root's file cut to %zu bytes", len);
	cr_assert_str_eq(got, text);
	free(got);
	free(text);
	free(copy);
	free(precious);
	free(stanza);
	free(logs);
}

/* ---------------------------------------------------------------------- */
/* olddir                                                                 */

Test(attack_path, an_olddir_others_may_write_is_refused)
{
	char *logs = tu_path(tu_dir, "logs"), *old = tu_path(tu_dir, "old");

	tu_need_root("the check applies to root only");
	cr_assert_eq(mkdir(logs, 0755), 0);
	cr_assert_eq(mkdir(old, 0755), 0);
	cr_assert_eq(chmod(old, 0777), 0);
	tu_write_file(tu_at("logs/a.log"), "root's\n");
	olddir_refused(logs, old, "a rotated log went into a shared olddir");
	free(old);
	free(logs);
}

Test(attack_path, an_olddir_a_user_made_first_is_not_used)
{
	char *logs = tu_path(tu_dir, "logs"), *pub, *old, *stanza, *before;
	char *after;
	struct tu_run run;

	make_users("oldmade");
	cr_assert_eq(mkdir(logs, 0755), 0);
	tu_write_file(tu_at("logs/a.log"), "root's\n");
	pub = dir_as(tu_path(tu_dir, "pub"), 0, 0, 01777);
	old = dir_as(tu_path(pub, "old"), bob, bob_g, 0755);	/* bob was first */
	cr_assert(asprintf(&stanza, "log \"%s/a.log\" {\n rotate = 1\n"
	    " olddir = \"%s\"\n createolddir = \"0755 root root\"\n}\n", logs,
	    old) != -1);
	before = tu_listing(old);
	run = rotate_with(stanza);
	after = tu_listing(old);
	cr_assert_eq(run.status, 1, "%s", run.err);
	cr_assert_str_eq(after, before, "root's log went into bob's olddir");
	cr_assert(tu_exists(tu_at("logs/a.log")));
	tu_run_free(&run);
	free(before);
	free(after);
	free(stanza);
	free(old);
	free(pub);
	free(logs);
}

/* ---------------------------------------------------------------------- */
/* The race: each level of a three-level path swapped while mond rotates  */

struct race {
	atomic_int	in_run;		/* the parent is inside a mond run */
	atomic_long	swaps;		/* swaps made */
	atomic_long	overlapped;	/* of those, made during a run */
};

/*
 * As alice: forever exchanges DIR (a directory of hers) with a link to
 * TARGET, waits a little, exchanges them back, and appends to LOG.
 */
static void
swap_dirs(struct race *rc, const char *dir, const char *target,
    const char *log)
{
	char link_name[4096];
	int fd;
	unsigned x = (unsigned)getpid();

	if (setgroups(0, NULL) == -1 || setgid(alice_g) == -1 ||
	    setuid(alice) == -1)
		_exit(2);
	snprintf(link_name, sizeof(link_name), "%s.link", dir);
	unlink(link_name);
	if (symlink(target, link_name) == -1)
		_exit(3);
	for (;;) {
		x = x * 1103515245u + 12345u;
		if (renameat2(AT_FDCWD, link_name, AT_FDCWD, dir,
		    RENAME_EXCHANGE) == 0) {
			atomic_fetch_add(&rc->swaps, 1);
			if (atomic_load(&rc->in_run))
				atomic_fetch_add(&rc->overlapped, 1);
			usleep((x >> 4) % 2000);
			(void)renameat2(AT_FDCWD, link_name, AT_FDCWD, dir,
			    RENAME_EXCHANGE);
		}
		/* Her application writes on, so each run has work. */
		if ((fd = open(log, O_WRONLY | O_APPEND | O_CREAT, 0644)) != -1) {
			(void)!write(fd, "line\n", 5);
			close(fd);
		}
		usleep((x >> 8) % 4000);
	}
}

/* DIR back in place if the swapper was killed while it was away. */
static void
unswap(const char *dir)
{
	char link_name[4096];
	struct stat st;

	snprintf(link_name, sizeof(link_name), "%s.link", dir);
	if (lstat(dir, &st) == 0 && S_ISLNK(st.st_mode))
		cr_assert_eq(renameat2(AT_FDCWD, link_name, AT_FDCWD, dir,
		    RENAME_EXCHANGE), 0, "%s: %s", dir, strerror(errno));
	cr_assert_eq(unlink(link_name), 0);
}

Test(attack_path, swapping_any_level_of_a_three_level_path_never_reaches_root)
{
	static const char *const levels[] = { "a", "a/b", "a/b/c" };
	static const char *const rest[] = { "b/c", "c", "." };
	struct race *rc;
	char *base, *stanza, *before, *after, *dir, *target, *log;
	size_t l;
	int r, rotated;

	make_users("race");
	rc = mmap(NULL, sizeof(*rc), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(rc, MAP_FAILED);
	base = dir_as(tu_path(tu_dir, "alice"), alice, alice_g, 0755);
	free(dir_as(tu_path(base, "a"), alice, alice_g, 0755));
	free(dir_as(tu_path(tu_dir, "alice/a/b"), alice, alice_g, 0755));
	free(dir_as(tu_path(tu_dir, "alice/a/b/c"), alice, alice_g, 0755));
	log = tu_path(base, "a/b/c/a.log");
	cr_assert(asprintf(&stanza, "log \"%s/a/b/c/*.log\" {\n rotate = 2\n"
	    " size = 1\n create = yes\n missingok = yes\n}\n", base) != -1);
	for (l = 0; l < 3; l++) {
		char rel[64];

		snprintf(rel, sizeof(rel), "L%zu/%s", l, rest[l]);
		decoy(rel);
		snprintf(rel, sizeof(rel), "L%zu", l);
		target = tu_path(outside, rel);	/* the level's stand-in */
		dir = tu_path(base, levels[l]);
		atomic_store(&rc->swaps, 0);
		atomic_store(&rc->overlapped, 0);
		before = tree(outside);
		helper = fork();
		cr_assert_neq(helper, -1);
		if (helper == 0)
			swap_dirs(rc, dir, target, log);
		for (r = rotated = 0; r < 60; r++) {
			struct tu_run run;

			atomic_store(&rc->in_run, 1);
			run = rotate_with(stanza);
			atomic_store(&rc->in_run, 0);
			rotated += run.status == 0;
			tu_run_free(&run);
		}
		kill(helper, SIGKILL);
		waitpid(helper, NULL, 0);
		helper = -1;
		unswap(dir);
		after = tree(outside);
		cr_log_info("level %s: %ld swaps, %ld during a rotation, %d of "
		    "60 runs rotated", levels[l], atomic_load(&rc->swaps),
		    atomic_load(&rc->overlapped), rotated);
		fprintf(stderr, "swap race, level %s: %ld swaps, %ld during a "
		    "rotation, %d of 60 runs rotated\n", levels[l],
		    atomic_load(&rc->swaps), atomic_load(&rc->overlapped),
		    rotated);
		cr_assert_gt(atomic_load(&rc->overlapped), 0, "level %s: no "
		    "swap overlapped a rotation", levels[l]);
		cr_assert_str_eq(after, before, "level %s: root's files moved",
		    levels[l]);
		cr_assert_gt(rotated, 0, "level %s: the race stopped every "
		    "rotation", levels[l]);
		free(before);
		free(after);
		free(dir);
		free(target);
	}
	munmap(rc, sizeof(*rc));
	free(log);
	free(stanza);
	free(base);
}

/* A uid with no passwd entry cannot be acted as: refused, untouched. */
Test(attack_path, a_path_held_by_a_uid_without_an_account_is_refused)
{
	char *home, *logs, *stanza, *before, *after;
	struct tu_run run;

	tu_need_root("chown to a uid nobody has");
	home = dir_as(tu_path(tu_dir, "home"), 4321, 4321, 0755);
	logs = dir_as(tu_path(home, "logs"), 4321, 4321, 0755);
	tu_write_file(tu_at("home/logs/a.log"), "a line\n");
	cr_assert(asprintf(&stanza, "log \"%s/*.log\" {\n rotate = 1\n}\n",
	    logs) != -1);
	before = tree(home);
	run = rotate_with(stanza);
	after = tree(home);
	cr_assert_eq(run.status, 1, "%s", run.err);
	cr_assert_not_null(strstr(run.err, "no passwd entry"), "%s", run.err);
	cr_assert_str_eq(after, before, "something moved");
	tu_run_free(&run);
	free(before);
	free(after);
	free(stanza);
	free(logs);
	free(home);
}

/* A hard link planted as a rotated log is not read into a .gz. */
Test(attack_path, a_planted_hard_link_is_not_compressed)
{
	char *logs = tu_path(tu_dir, "logs"), *precious, *stanza;
	struct tu_run run;
	struct stat st;

	tu_need_root("root's file in root's directory");
	cr_assert_eq(mkdir(logs, 0755), 0);
	tu_write_file(tu_at("logs/a.log"), "new lines\n");
	precious = file_as(tu_path(outside, "precious"), "root's secret\n", 0,
	    0, 0600);
	cr_assert_eq(link(precious, tu_at("logs/a.log.1")), 0);
	cr_assert(asprintf(&stanza, "log \"%s/a.log\" {\n rotate = 3\n"
	    " compress = yes\n delaycompress = yes\n}\n", logs) != -1);
	run = rotate_with(stanza);
	cr_assert_eq(run.status, 1, "%s", run.err);
	cr_assert(!tu_exists(tu_at("logs/a.log.2.gz")), "root's file was "
	    "compressed into the log's directory");
	cr_assert_eq(stat(precious, &st), 0);
	cr_assert_eq(st.st_nlink, 2, "the planted link was removed");
	tu_run_free(&run);
	free(stanza);
	free(precious);
	free(logs);
}

/*
 * Run as logrotate, mond takes a shared olddir as logrotate does, but
 * root does not clean up in it: the temporaries there may be anyone's.
 */
Test(attack_path, as_logrotate_a_shared_olddir_is_not_cleaned_up)
{
	char *bin = tu_path(tu_dir, "bin"), *lr = tu_path(bin, "logrotate");
	char *old, *planted, *conf = tu_path(tu_dir, "lr.conf"), *text;
	const char *argv[] = { "-f", "-s", NULL, NULL, NULL };
	struct tu_run run;

	make_users("lrold");
	cr_assert_eq(mkdir(bin, 0755), 0);
	cr_assert_eq(symlink(tu_mond_bin(), lr), 0);
	cr_assert_eq(mkdir(tu_at("logs"), 0755), 0);
	tu_write_file(tu_at("logs/a.log"), "root's\n");
	old = dir_as(tu_path(tu_dir, "old"), 0, 0, 01777);
	planted = file_as(tu_path(old, ".b.log.mond-tmp"), "bob's work\n", bob,
	    bob_g, 0644);
	cr_assert(asprintf(&text, "%s/logs/a.log {\n rotate 1\n olddir %s\n}\n",
	    tu_dir, old) != -1);
	tu_write_file(conf, text);
	argv[2] = state_path;
	argv[3] = conf;
	run = tu_run_prog(lr, argv);
	cr_assert_eq(run.status, 0, "%s", run.err);
	tu_run_free(&run);
	cr_assert(tu_exists(tu_at("old/a.log.1")), "not rotated into it");
	cr_assert(tu_exists(planted), "bob's file was removed as root");
	free(text);
	free(planted);
	free(old);
	free(conf);
	free(lr);
	free(bin);
}
