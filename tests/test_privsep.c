/*
 * test_privsep.c: the web front as a process of its own. Its identity and
 * confinement read from /proc, a call outside its allow-list made in it
 * (a new socket, through gdb, as an exploit would make one), the root process's sockets,
 * rotation while the front is dead, and the status routes seen from
 * another host: a network namespace joined by a veth pair the test makes.
 */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/testutil.h"

TestSuite(privsep, .init = tu_mond_init, .fini = tu_fini, .timeout = 120);

/* The value of FIELD ("Uid:", ...) in /proc/PID/status, malloc'd. */
static char *
proc_status(long pid, const char *field)
{
	char path[64], *text, *p, *end;

	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	text = tu_read_file(path, NULL);
	cr_assert_not_null(text, "%s: %s", path, strerror(errno));
	p = strstr(text, field);
	cr_assert_not_null(p, "%s has no %s", path, field);
	p += strlen(field);
	p += strspn(p, " \t");
	end = p + strcspn(p, "\n");
	p = strndup(p, (size_t)(end - p));
	free(text);
	return p;
}

static void
get_home_ok(int port)
{
	char *resp = tu_http_raw(port, "GET / HTTP/1.0\r\n\r\n", 3000);

	cr_assert_not_null(resp, "GET /: %s", strerror(errno));
	cr_assert_eq(tu_http_status(resp), 200, "%s", resp);
	free(resp);
}

Test(privsep, the_front_runs_unprivileged_and_confined)
{
	char *uid, *cap, *nnp, *sec;
	long pid;

	tu_need_root("the front drops root only when it has it");
	tu_mond_conf(NULL, NULL);
	tu_mond_start(NULL);
	get_home_ok(tu_mond.port);
	pid = (long)tu_front_pid(&tu_mond, 1);
	cr_assert_neq(pid, tu_mond.pid);
	uid = proc_status(pid, "Uid:");
	cap = proc_status(pid, "CapEff:");
	nnp = proc_status(pid, "NoNewPrivs:");
	sec = proc_status(pid, "Seccomp:");
	cr_assert_neq(strtol(uid, NULL, 10), 0, "front uid %s", uid);
	cr_assert(strspn(uid, "0123456789\t") == strlen(uid) &&
	    strstr(uid, "\t0") == NULL, "some id of the front is root: %s", uid);
	cr_assert_str_eq(cap, "0000000000000000");
	cr_assert_str_eq(nnp, "1");
	cr_assert_str_eq(sec, "2");
	free(sec);
	free(nnp);
	free(cap);
	free(uid);
}

/* Whether /proc/net/FILE lists socket INODE. */
static bool
net_has_inode(const char *file, const char *inode)
{
	char path[64], *text, needle[40];
	bool found;

	snprintf(path, sizeof(path), "/proc/%d/net/%s", (int)tu_mond.pid, file);
	if ((text = tu_read_file(path, NULL)) == NULL)
		return false;
	snprintf(needle, sizeof(needle), " %s ", inode);
	found = strstr(text, needle) != NULL;
	free(text);
	return found;
}

Test(privsep, the_root_process_holds_no_tcp_socket)
{
	char path[64], link[128], fd[64 + 256];
	struct dirent *de;
	DIR *dp;
	int sockets = 0;

	tu_mond_conf(NULL, NULL);
	tu_mond_start(NULL);
	get_home_ok(tu_mond.port);
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)tu_mond.pid);
	cr_assert_not_null(dp = opendir(path), "%s: %s", path, strerror(errno));
	while ((de = readdir(dp)) != NULL) {
		ssize_t n;

		snprintf(fd, sizeof(fd), "%s/%s", path, de->d_name);
		if ((n = readlink(fd, link, sizeof(link) - 1)) <= 0)
			continue;
		link[n] = '\0';
		if (strncmp(link, "socket:[", 8) != 0)
			continue;
		sockets++;
		link[strlen(link) - 1] = '\0';
		cr_assert_not(net_has_inode("tcp", link + 8) ||
		    net_has_inode("tcp6", link + 8),
		    "the root process holds TCP socket %s", link + 8);
	}
	closedir(dp);
	cr_assert_gt(sockets, 0, "no socket at all: the check saw nothing");
}

/*
 * Makes the front PID write LEN bytes of BUF to its fd FD, as an exploit
 * in it would: gdb stops it in its idle epoll_wait, whose `syscall`
 * instruction (the two bytes before the stopped pc) it reruns as write(2)
 * on a buffer placed below the stack pointer, then puts every register
 * back. Not gdb's `call`: on CPUs whose extended register state this gdb
 * cannot write back (seen: "Couldn't write extended state status"), a
 * call never runs. Returns gdb's run; its stdout says "wrote N".
 */
static struct tu_run
front_write(long pid, int fd, const char *buf, size_t len)
{
	static const char *const regs[] = { "rip", "rax", "rdi", "rsi", "rdx",
	    "rcx", "r11", "orig_rax" };
	char *script = tu_path(tu_dir, "write.gdb"), pidtext[24];
	const char *argv[] = { "-p", pidtext, "-batch", "-x", script, NULL };
	struct tu_run r;
	size_t i;
	FILE *fp;

	cr_assert_not_null(fp = fopen(script, "w"));
	for (i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		fprintf(fp, "set $saved_%s = $%s\n", regs[i], regs[i]);
	fprintf(fp, "if *(unsigned short *)($pc - 2) != 0x050f\n"
	    "  echo not stopped after a syscall instruction\\n\n  quit 3\n"
	    "end\n");
	fprintf(fp, "set {unsigned char[%zu]}($rsp - 4096) = {", len);
	for (i = 0; i < len; i++)
		fprintf(fp, "%s%u", i > 0 ? "," : "", (unsigned char)buf[i]);
	fprintf(fp, "}\nset $orig_rax = -1\nset $rax = 1\nset $rdi = %d\n"
	    "set $rsi = $rsp - 4096\nset $rdx = %zu\nset $pc = $pc - 2\n"
	    "stepi\nprintf \"wrote %%ld\\n\", $rax\n", fd, len);
	for (i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		fprintf(fp, "set $%s = $saved_%s\n", regs[i], regs[i]);
	cr_assert_eq(fclose(fp), 0);
	snprintf(pidtext, sizeof(pidtext), "%ld", pid);
	r = tu_run_prog("/usr/bin/gdb", argv);
	free(script);
	return r;
}

Test(privsep, a_forbidden_call_ends_the_front_and_a_new_one_serves_within_a_second)
{
	const char *argv[] = { "-p", NULL, "-batch", "-ex",
	    "call (int)socket(2, 1, 0)", NULL };
	char pidtext[24];
	struct tu_run r;
	double t0;
	long pid;

	tu_need_root("gdb attaching to another user's process");
	if (tu_under_asan())
		cr_skip_test("sanitizer builds log calls outside the list");
	if (access("/usr/bin/gdb", X_OK) == -1)
		cr_skip_test("gdb is not installed (make test installs it)");
	tu_mond_conf(NULL, NULL);
	tu_mond_start(NULL);
	get_home_ok(tu_mond.port);
	pid = (long)tu_front_pid(&tu_mond, 1);
	snprintf(pidtext, sizeof(pidtext), "%ld", pid);
	argv[1] = pidtext;
	r = tu_run_prog("/usr/bin/gdb", argv);
	t0 = tu_now();
	cr_assert(tu_daemon_wait_stderr(&tu_mond, "killed by signal 31", 1,
	    10.0), "the front survived a call outside its list; gdb said:\n%s%s",
	    r.out, r.err);
	cr_assert(tu_daemon_wait_stderr(&tu_mond, "web front started", 2,
	    1.0), "no new front within a second of the old one's death");
	cr_assert_lt(tu_now() - t0, 1.5);
	cr_assert_eq(kill(tu_mond.pid, 0), 0, "the root process died too");
	get_home_ok(tu_mond.port);
	tu_run_free(&r);
}

Test(privsep, a_log_rotates_while_the_front_is_dead)
{
	char *log = tu_path(tu_dir, "a.log"), *rot = tu_path(tu_dir, "a.log.1");
	char *stanza;
	long pid;

	cr_assert(asprintf(&stanza, "log \"%s\" {\n size = 1k\n rotate = 1\n}\n",
	    log) != -1);
	tu_mond_conf(stanza, NULL);
	tu_write_file(log, "x\n");
	tu_mond_start(NULL);
	pid = (long)tu_front_pid(&tu_mond, 1);
	/* Stopped, then killed: it cannot be restarted before the write. */
	cr_assert_eq(kill((pid_t)pid, SIGKILL), 0);
	tu_append(log, 4000);
	cr_assert_geq(tu_wait_for(rot, 3.0), 0, "no rotation with the front "
	    "dead:\n%s", tu_daemon_stderr(&tu_mond));
	cr_assert(tu_daemon_wait_stderr(&tu_mond, "web front started", 2, 5.0));
	get_home_ok(tu_mond.port);
	free(stanza);
	free(rot);
	free(log);
}

/*
 * What a compromised front could send: a frame of a type it may not
 * send, written on its link by gdb. The root process kills that front and
 * starts another; nothing else happens.
 */
Test(privsep, a_front_that_sends_what_it_may_not_is_killed_and_replaced)
{
	static const char frame[] = { 1, 0, 0, 0, 7, 'Z' };
	struct tu_run r;

	tu_need_root("gdb attaching to another user's process");
	if (access("/usr/bin/gdb", X_OK) == -1)
		cr_skip_test("gdb is not installed (make test installs it)");
	tu_mond_conf(NULL, NULL);
	tu_mond_start(NULL);
	get_home_ok(tu_mond.port);
	r = front_write((long)tu_front_pid(&tu_mond, 1), 3, frame,
	    sizeof(frame));
	cr_assert(tu_daemon_wait_stderr(&tu_mond, "sent what it may not", 1,
	    10.0), "a bad frame was taken; gdb said:\n%s%s", r.out, r.err);
	cr_assert(tu_daemon_wait_stderr(&tu_mond, "web front started", 2,
	    2.0), "no new front after the bad one was killed");
	cr_assert_eq(kill(tu_mond.pid, 0), 0, "the root process died");
	get_home_ok(tu_mond.port);
	tu_run_free(&r);
}

/*
 * A compromised front writing to its stderr: its lines reach the journal
 * only through the root process, prefixed and at most ten a second, so
 * it can neither forge mond's lines nor flood the messages file.
 */
Test(privsep, a_front_cannot_forge_or_flood_mond_s_lines)
{
	char lines[2048], *err, *p;
	size_t n = 0, i;
	struct tu_run r;
	int forged = 0, relayed = 0;
	double t0;

	tu_need_root("gdb attaching to another user's process");
	if (access("/usr/bin/gdb", X_OK) == -1)
		cr_skip_test("gdb is not installed (make test installs it)");
	tu_mond_conf(NULL, NULL);
	tu_mond_start(NULL);
	/* 50 times, in one write, a line that looks like mond's own error. */
	for (i = 0; i < 50; i++)
		n += (size_t)snprintf(lines + n, sizeof(lines) - n,
		    "mond: ERROR - forged\n");
	r = front_write((long)tu_front_pid(&tu_mond, 1), 2, lines, n);
	cr_assert(tu_daemon_wait_stderr(&tu_mond, "web front: mond: ERROR - "
	    "forged", 1, 5.0), "nothing relayed; gdb said:\n%s%s", r.out,
	    r.err);
	/*
	 * The rate, measured to the last line rather than guessed from a
	 * count after a sleep (which a slow root process would pass): ten
	 * a second, so the 40 after the first ten take four more seconds.
	 */
	t0 = tu_now();
	cr_assert(tu_daemon_wait_stderr(&tu_mond, "web front: mond: ERROR - "
	    "forged", 50, 15.0), "the 50 lines were not all relayed in 15 s");
	cr_assert_geq(tu_now() - t0, 3.0, "50 lines relayed in %.1f s",
	    tu_now() - t0);
	err = tu_daemon_stderr(&tu_mond);
	for (p = err; (p = strstr(p, "mond: ERROR - forged")) != NULL; p++) {
		if (p == err || p[-1] == '\n')
			forged++;
		else
			relayed++;
	}
	cr_assert_eq(forged, 0, "%d forged lines passed as mond's:\n%s",
	    forged, err);
	cr_assert_eq(relayed, 50, "%d of 50 lines relayed", relayed);
	cr_assert_leq(tu_count_lines(tu_messages, "forged"), 50);
	free(err);
	tu_run_free(&r);
}

/*
 * A front that cannot start says why on its stderr, which goes through
 * the root process: the reason (the port is taken) reaches the journal
 * even though the front has exited by the time it is read.
 */
Test(privsep, a_front_that_cannot_bind_gets_its_reason_said)
{
	char http[64], *conf2 = tu_path(tu_dir, "second.conf"), *text, *err;
	struct tu_conf c = { .http = http, .statefile = tu_at("state2") };
	struct tu_daemon second;
	char *saved_sock = tu_sock;

	tu_mond_conf(NULL, NULL);
	tu_mond_start(NULL);
	snprintf(http, sizeof(http), "    port = %d\n", tu_mond.port);
	/* The second daemon's own socket and config, the first's port. */
	tu_sock = tu_path(tu_dir, "second.sock");
	tu_mond_conf(NULL, &c);
	free(tu_sock);
	tu_sock = saved_sock;
	text = tu_read_file(tu_conf, NULL);
	tu_write_file(conf2, text);
	cr_assert_neq(tu_daemon_start(&second, conf2, NULL), 0,
	    "a second daemon started on a port in use");
	err = tu_daemon_stderr(&second);
	cr_assert_not_null(strstr(err, "web front: "), "%s", err);
	cr_assert_not_null(strstr(err, strerror(EADDRINUSE)), "%s", err);
	free(err);
	tu_daemon_kill(&second);
	free(text);
	free(conf2);
}
