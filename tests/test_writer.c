/*
 * test_writer.c: compresswhenclosed with a real writer. A child process
 * opens the log with O_APPEND and writes lines, keeps its descriptor
 * across the rotation (so its next lines land in the rotated file, as a
 * daemon's do until it reopens its log), and closes it when the test
 * says. The real daemon, its rotation forced through the control socket,
 * must leave the rotated file plain while the writer holds it, compress
 * it within seconds once the writer closed it, with every line the
 * writer wrote, and compress it anyway once compresswhenclosed's bound is
 * over; plain delaycompress stays one rotation late. --once --dry-run
 * says who holds the file. A mond that cannot see every process (no
 * CAP_SYS_PTRACE) still learns of a writer through a lease, and never
 * takes one it can neither see nor lease for none.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "tests/testutil.h"

/* The test's writer, killed by the fini if an assert left it running. */
static pid_t running;

static void
writer_fini(void)
{
	if (running > 0 && kill(running, SIGKILL) == 0)
		(void)waitpid(running, NULL, 0);
	tu_fini();
}

TestSuite(writer, .init = tu_mond_init, .fini = writer_fini, .timeout = 120);

/* The child: its pid, the pipe that drives it and the one it answers on. */
struct writer {
	pid_t	 pid;
	int	 cmd;
	int	 ack;
};

/*
 * The child's loop: 'w' writes the next "line N", 'c' closes the log, 'n'
 * does nothing; each is answered by the same byte once done. It lives on
 * after the close, until the pipe closes: the descriptor, not the
 * process, is what counts.
 */
static void
writer_main(const char *log, int mode, int cmd, int ack)
{
	char c, line[32];
	int fd, n = 0, len;

	if ((fd = open(log, mode | O_CLOEXEC)) == -1)
		_exit(2);
	while (read(cmd, &c, 1) == 1) {
		if (c == 'w') {
			len = snprintf(line, sizeof(line), "line %d\n", ++n);
			if (write(fd, line, (size_t)len) != len)
				_exit(3);
		} else if (c == 'c' && close(fd) == -1)
			_exit(4);
		if (write(ack, &c, 1) != 1)
			_exit(5);
	}
	_exit(0);
}

/*
 * A child holding LOG open with MODE (O_WRONLY | O_APPEND: a writer), as
 * user UID and group GID when UID is not 0.
 */
static struct writer
writer_start_as(const char *log, int mode, uid_t uid, gid_t gid)
{
	struct writer w;
	int to[2], from[2];

	cr_assert_eq(pipe(to), 0);
	cr_assert_eq(pipe(from), 0);
	w.pid = fork();
	cr_assert_neq(w.pid, -1, "fork: %s", strerror(errno));
	if (w.pid == 0) {
		close(to[1]);
		close(from[0]);
		if (uid != 0 && (setgroups(0, NULL) == -1 ||
		    setgid(gid) == -1 || setuid(uid) == -1))
			_exit(6);
		writer_main(log, mode, to[0], from[1]);
	}
	close(to[0]);
	close(from[1]);
	running = w.pid;
	w.cmd = to[1];
	w.ack = from[0];
	return w;
}

static struct writer
writer_start(const char *log, int mode)
{
	return writer_start_as(log, mode, 0, 0);
}

/* Each command of CMDS, in turn, each done before the next. */
static void
writer_do(struct writer *w, const char *cmds)
{
	char c;

	for (; *cmds != '\0'; cmds++) {
		cr_assert_eq(write(w->cmd, cmds, 1), 1);
		cr_assert_eq(read(w->ack, &c, 1), 1, "the writer died");
		cr_assert_eq(c, *cmds);
	}
}

static void
writer_stop(struct writer *w)
{
	int status;

	close(w->cmd);
	close(w->ack);
	cr_assert_eq(waitpid(w->pid, &status, 0), w->pid);
	running = 0;
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "the writer failed: status %d", status);
}

/* "line FROM\n" .. "line TO\n". */
static char *
lines(int from, int to)
{
	char *s = calloc(1, 32 * (size_t)(to - from + 2));
	int i;

	cr_assert_not_null(s);
	for (i = from; i <= to; i++)
		sprintf(s + strlen(s), "line %d\n", i);
	return s;
}

/* What the gzip file PATH decompresses to (NUL-terminated). */
static char *
gunzip(const char *path)
{
	gzFile g = gzopen(path, "rb");
	char *buf = calloc(1, 65536);
	int n;

	cr_assert_not_null(g, "%s: %s", path, strerror(errno));
	cr_assert_not_null(buf);
	n = gzread(g, buf, 65535);
	cr_assert_geq(n, 0);
	cr_assert_eq(gzclose(g), Z_OK);
	return buf;
}

/* The stanza of tu_dir/app.log with BODY, in tu_conf. */
static void
app_conf(const char *body)
{
	char *stanza;

	cr_assert(asprintf(&stanza, "log \"%s/app.log\" {\n size = 1G\n"
	    " rotate = 3\n create = yes\n compress = yes\n%s}\n", tu_dir,
	    body) != -1);
	tu_mond_conf(stanza, NULL);
	free(stanza);
}

/* --force-rotate of LOG through the running daemon's socket. */
static void
force_rotate_log(const char *log)
{
	const char *argv[] = { "-c", tu_conf, "--force-rotate", log, NULL };
	struct tu_run r = tu_run_mond(argv);

	cr_assert_eq(r.status, 0, "--force-rotate: %s%s", r.out, r.err);
	tu_run_free(&r);
}

/* The same of tu_dir/app.log. */
static void
force_rotate(void)
{
	char *log = tu_path(tu_dir, "app.log");

	force_rotate_log(log);
	free(log);
}

/* PATH must be there plain, and no PATH.gz. */
static void
still_plain(const char *path)
{
	char gz[512];

	snprintf(gz, sizeof(gz), "%s.gz", path);
	cr_assert_not(tu_exists(gz), "%s was compressed while its writer "
	    "held it open", path);
	cr_assert(tu_exists(path), "%s is gone", path);
}

/* Sleeps SECS, then still_plain(PATH). */
static void
still_plain_after(const char *path, double secs)
{
	usleep((useconds_t)(secs * 1e6));
	still_plain(path);
}

/* The "pass done" lines of a daemon started with -v, so far. */
static int
passes_done(void)
{
	char *err = tu_daemon_stderr(&tu_mond);
	const char *p = err;
	int n = 0;

	while ((p = strstr(p, "pass done")) != NULL) {
		n++;
		p++;
	}
	free(err);
	return n;
}

/*
 * Waits up to SECS until the daemon's stderr holds NEEDLE COUNT times, or
 * the file AT exists (the wrong outcome has come: no use waiting on).
 */
static bool
wait_said_or_made(const char *needle, int count, const char *at,
    double secs)
{
	double t0 = tu_now();

	while (!tu_daemon_wait_stderr(&tu_mond, needle, count, 0)) {
		if (tu_exists(at))
			return true;
		if (tu_now() - t0 >= secs)
			return false;
		usleep(20000);
	}
	return true;
}

/*
 * Once N more passes (of a daemon started with -v) have looked at PATH,
 * it must still be plain: a sleep alone would pass a daemon that had not
 * looked yet.
 */
static void
still_plain_after_passes(const char *path, int n)
{
	int want = passes_done() + n;
	char gz[512];

	snprintf(gz, sizeof(gz), "%s.gz", path);
	cr_assert(wait_said_or_made("pass done", want, gz, 10.0),
	    "%d more passes did not come within 10 s", n);
	still_plain(path);
}

Test(writer, the_rotated_file_waits_for_its_writer_to_close_it)
{
	char *log = tu_path(tu_dir, "app.log");
	char *rot = tu_path(tu_dir, "app.log.1");
	char *gz = tu_path(tu_dir, "app.log.1.gz");
	const char *const verbose[] = { "-v", NULL };
	char *got, *want, said[128];
	struct writer w;

	app_conf(" compresswhenclosed = 1h\n");
	tu_write_file(log, "");
	w = writer_start(log, O_WRONLY | O_APPEND);
	writer_do(&w, "wwwww");
	tu_mond_start(verbose);
	force_rotate();
	cr_assert(tu_exists(rot), "app.log was not rotated");
	/* its descriptor still names the rotated file: lines land there */
	writer_do(&w, "www");
	snprintf(said, sizeof(said), "app.log.1 is held open by pid %ld ",
	    (long)w.pid);
	cr_assert(tu_daemon_wait_stderr(&tu_mond, said, 1, 3.0),
	    "the daemon did not say who holds app.log.1");
	/* several rechecks go by while the writer holds it */
	still_plain_after_passes(rot, 3);
	writer_do(&w, "c");
	cr_assert_geq(tu_wait_for(gz, 5.0), 0, "app.log.1 was not compressed "
	    "within 5 s of its writer closing it");
	cr_assert_not(tu_exists(rot), "app.log.1 stayed beside its .gz");
	got = gunzip(gz);
	want = lines(1, 8);
	cr_assert_str_eq(got, want, "lines were lost");
	writer_stop(&w);
	free(want);
	free(got);
	free(gz);
	free(rot);
	free(log);
}

/*
 * The wait ends with the compression done as the user who controls the
 * log's path (her directory above the log's), as the rotation was: root's
 * own file, found at the rotated name in her directory once the writer
 * closed, is hers to leave alone (she cannot read it), not root's to
 * compress there.
 */
Test(writer, the_wait_ends_as_the_user_who_controls_the_path)
{
	char *home = tu_path(tu_dir, "alice"), *dir, *log, *rot, *gz, *planted;
	char *stanza, said[1024];
	struct writer w;
	uid_t alice;
	gid_t alice_g;

	tu_need_root("a real user's directory");
	alice = tu_user_add("mt_wr_a", &alice_g);
	cr_assert_eq(chmod(tu_dir, 0711), 0);
	/* hers above the log's directory: the walk gives her the path */
	cr_assert_eq(mkdir(home, 0755), 0);
	cr_assert_eq(chown(home, alice, alice_g), 0);
	dir = tu_path(home, "logs");
	cr_assert_eq(mkdir(dir, 0755), 0);
	cr_assert_eq(chown(dir, alice, alice_g), 0);
	log = tu_path(dir, "app.log");
	rot = tu_path(dir, "app.log.1");
	gz = tu_path(dir, "app.log.1.gz");
	planted = tu_path(dir, ".planted");
	tu_write_file(log, "");
	cr_assert_eq(chown(log, alice, alice_g), 0);
	cr_assert(asprintf(&stanza, "log \"%s\" {\n size = 1G\n rotate = 3\n"
	    " create = yes\n compress = yes\n compresswhenclosed = 1h\n}\n",
	    log) != -1);
	tu_mond_conf(stanza, NULL);
	w = writer_start(log, O_WRONLY | O_APPEND);
	writer_do(&w, "w");
	tu_mond_start(NULL);
	force_rotate_log(log);
	cr_assert(tu_daemon_wait_stderr(&tu_mond, "app.log.1 is held open",
	    1, 3.0), "app.log.1 did not wait for its writer");
	tu_write_file(planted, "root's own lines\n");
	cr_assert_eq(chmod(planted, 0600), 0);
	cr_assert_eq(rename(planted, rot), 0);
	writer_do(&w, "c");
	writer_stop(&w);
	/* The closed file's compression has been tried, as her. */
	snprintf(said, sizeof(said), "compresswhenclosed: %s: compress to ",
	    rot);
	cr_assert(wait_said_or_made(said, 1, gz, 10.0), "no "
	    "compression tried once the writer closed; mond said:\n%s",
	    tu_daemon_stderr(&tu_mond));
	cr_assert_not(tu_exists(gz), "root's file in alice's directory was "
	    "compressed as root; mond said:\n%s", tu_daemon_stderr(&tu_mond));
	cr_assert(tu_file_is(rot, "root's own lines\n"));
	free(stanza);
	free(planted);
	free(gz);
	free(rot);
	free(log);
	free(dir);
	free(home);
}

Test(writer, a_writer_that_never_closes_is_compressed_after_the_bound)
{
	char *log = tu_path(tu_dir, "app.log");
	char *rot = tu_path(tu_dir, "app.log.1");
	char *gz = tu_path(tu_dir, "app.log.1.gz");
	char *got, *want;
	struct writer w;
	double t0;

	app_conf(" compresswhenclosed = 3s\n");
	tu_write_file(log, "");
	w = writer_start(log, O_WRONLY | O_APPEND);
	writer_do(&w, "www");
	tu_mond_start(NULL);
	force_rotate();
	t0 = tu_now();
	writer_do(&w, "w");
	still_plain_after(rot, 1.5);
	cr_assert_geq(tu_wait_for(gz, 5.0), 0, "still held, app.log.1 was "
	    "not compressed after compresswhenclosed's 3 s");
	cr_assert_geq(tu_now() - t0, 1.9, "compressed before the bound");
	cr_assert(tu_daemon_wait_stderr(&tu_mond, "compressed anyway", 1,
	    2.0), "no warning that a writer still held it");
	got = gunzip(gz);
	want = lines(1, 4);
	cr_assert_str_eq(got, want);
	writer_stop(&w);
	free(want);
	free(got);
	free(gz);
	free(rot);
	free(log);
}

Test(writer, a_reader_does_not_hold_the_compression_back)
{
	char *log = tu_path(tu_dir, "app.log");
	char *gz = tu_path(tu_dir, "app.log.1.gz");
	struct writer reader;

	app_conf(" compresswhenclosed = 1h\n");
	tu_write_file(log, "read me\n");
	reader = writer_start(log, O_RDONLY);
	writer_do(&reader, "n");	/* it has the log open */
	tu_mond_start(NULL);
	force_rotate();
	cr_assert_geq(tu_wait_for(gz, 3.0), 0, "a file open only for "
	    "reading waited");
	writer_stop(&reader);
	free(gz);
	free(log);
}

Test(writer, plain_delaycompress_still_waits_for_the_next_rotation)
{
	char *log = tu_path(tu_dir, "app.log");
	char *rot = tu_path(tu_dir, "app.log.1");
	char *rot2 = tu_path(tu_dir, "app.log.2.gz");
	char *got, *want;
	struct writer w;

	app_conf(" delaycompress = yes\n");
	tu_write_file(log, "");
	w = writer_start(log, O_WRONLY | O_APPEND);
	writer_do(&w, "ww");
	tu_mond_start(NULL);
	force_rotate();
	writer_do(&w, "wc");
	/* closed at once, and still plain: delaycompress means next time */
	still_plain_after(rot, 2.5);
	force_rotate();
	cr_assert(tu_exists(rot2), "the next rotation did not compress it");
	got = gunzip(rot2);
	want = lines(1, 3);
	cr_assert_str_eq(got, want);
	writer_stop(&w);
	free(want);
	free(got);
	free(rot2);
	free(rot);
	free(log);
}

Test(writer, once_dry_run_says_who_holds_the_file)
{
	char *rot = tu_path(tu_dir, "app.log.1");
	char *gz = tu_path(tu_dir, "app.log.1.gz");
	const char *dry[] = { "-c", tu_conf, "--once", "--dry-run", NULL };
	const char *once[] = { "-c", tu_conf, "--once", NULL };
	struct tu_run r;
	struct writer w;
	char said[160];

	app_conf(" compresswhenclosed = 1h\n");
	tu_write_file(tu_at("app.log"), "");
	tu_write_file(rot, "");
	w = writer_start(rot, O_WRONLY | O_APPEND);
	writer_do(&w, "w");
	r = tu_run_mond(dry);
	snprintf(said, sizeof(said), "%s is held open by pid %ld (", rot,
	    (long)w.pid);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_not_null(strstr(r.out, said), "dry run said: %s", r.out);
	cr_assert_not_null(strstr(r.out, "): compression waits"), "%s",
	    r.out);
	tu_run_free(&r);
	r = tu_run_mond(once);
	cr_assert_eq(r.status, 0, "%s", r.err);
	tu_run_free(&r);
	cr_assert_not(tu_exists(gz), "--once compressed a file held open");
	writer_do(&w, "c");
	r = tu_run_mond(dry);
	snprintf(said, sizeof(said), "gzip %s\n", rot);
	cr_assert_not_null(strstr(r.out, said), "dry run said: %s", r.out);
	tu_run_free(&r);
	cr_assert_not(tu_exists(gz), "the dry run compressed");
	r = tu_run_mond(once);
	cr_assert_eq(r.status, 0, "%s", r.err);
	tu_run_free(&r);
	cr_assert(tu_exists(gz), "--once left a closed file plain");
	{
		char *got = gunzip(gz);

		cr_assert_str_eq(got, "line 1\n");
		free(got);
	}
	writer_stop(&w);
	free(gz);
	free(rot);
}

/*
 * mond --once [--dry-run] without CAP_SYS_PTRACE, so other users' fds are
 * hidden, and without CAP_LEASE too unless LEASE.
 */
static struct tu_run
run_hidden(bool dry, bool lease)
{
	const char *caps = lease ? "-sys_ptrace" : "-sys_ptrace,-lease";
	char bset[64], inh[64];
	const char *argv[] = { "/usr/bin/setpriv", bset, inh, tu_mond_bin(),
	    "-c", tu_conf, "--once", dry ? "--dry-run" : NULL, NULL };

	snprintf(bset, sizeof(bset), "--bounding-set=%s", caps);
	snprintf(inh, sizeof(inh), "--inh-caps=%s", caps);

	if (!tu_have("setpriv"))
		cr_skip_test("needs setpriv (util-linux) to drop "
		    "CAP_SYS_PTRACE");
	return tu_run_prog(argv[0], argv);
}

/* app.log.1, owned by UID:GID, held by a writer of that uid. */
static struct writer
foreign_writer(uid_t uid, gid_t gid)
{
	struct writer w;

	app_conf(" compresswhenclosed = 1h\n");
	cr_assert_eq(chmod(tu_dir, 0755), 0);
	tu_write_file(tu_at("app.log"), "");
	tu_write_file(tu_at("app.log.1"), "");
	cr_assert_eq(chown(tu_at("app.log.1"), uid, gid), 0);
	w = writer_start_as(tu_at("app.log.1"), O_WRONLY | O_APPEND, uid, gid);
	writer_do(&w, "w");
	return w;
}

Test(writer, a_writer_hidden_from_proc_is_still_seen_through_its_lease)
{
	char *gz = tu_path(tu_dir, "app.log.1.gz");
	struct tu_run r;
	struct writer w;
	gid_t gid;
	uid_t uid = tu_user_add("mond_wrtest", &gid);

	w = foreign_writer(uid, gid);
	r = run_hidden(true, true);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_not_null(strstr(r.out, "app.log.1 is held open by a process "
	    "mond cannot see: compression waits"), "dry run said: %s", r.out);
	tu_run_free(&r);
	r = run_hidden(false, true);
	tu_run_free(&r);
	cr_assert_not(tu_exists(gz), "compressed while its writer held it");
	/* the lease, taken as the file's owner, tells the close */
	writer_do(&w, "c");
	r = run_hidden(false, true);
	cr_assert_eq(r.status, 0, "%s", r.err);
	tu_run_free(&r);
	cr_assert(tu_exists(gz), "left plain once its writer closed it");
	writer_stop(&w);
	free(gz);
}

Test(writer, with_neither_lease_nor_proc_it_waits_for_the_deadline)
{
	char *gz = tu_path(tu_dir, "app.log.1.gz");
	struct tu_run r;
	struct writer w;

	tu_need_root("runs a writer as another uid");
	/* no CAP_LEASE, and no passwd entry to take the owner's identity */
	w = foreign_writer(54321, 54321);
	r = run_hidden(true, false);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_not_null(strstr(r.out, "app.log.1: who holds it open is "
	    "unknown: compression waits"), "dry run said: %s", r.out);
	cr_assert_not_null(strstr(r.err, "it waits until its deadline"),
	    "%s", r.err);
	tu_run_free(&r);
	/* closed now, but nothing can tell mond so: it still waits */
	writer_do(&w, "c");
	r = run_hidden(false, false);
	cr_assert_eq(r.status, 0, "%s", r.err);
	tu_run_free(&r);
	cr_assert_not(tu_exists(gz), "compressed while blind to its writer");
	writer_stop(&w);
	free(gz);
}
