/*
 * spawn.c: starting and reaping the children of a rotation. The child
 * resets what a daemon thread may have changed (signals, mask, process
 * group, ids) before it executes anything, and only calls what is safe
 * between fork and exec, apart from a `fn` child's own work. The parent
 * never waits without a bound: a hung program is killed, group and all.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/clock.h"
#include "util/spawn.h"

#define POLL_SLICE_MS	50	/* how often a read wait looks at CANCEL */

long
spawn_timeout(void)
{
	const char *env = getenv("MOND_SCRIPT_TIMEOUT");
	char *end;
	long v;

	if (env != NULL && *env != '\0') {
		errno = 0;
		v = strtol(env, &end, 10);
		if (errno == 0 && *end == '\0' && v > 0)
			return v;
	}
	return SPAWN_TIMEOUT;
}

double
spawn_deadline(void)
{
	return mond_monotonic() + (double)spawn_timeout();
}

/* In the child: the signal state of a freshly started process, own group. */
static void
reset_signals(void)
{
	struct sigaction sa;
	sigset_t none;
	int sig;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL);	/* fails harmlessly for some */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setpgid(0, 0);
}

/*
 * In the child. Raw system calls: su.c switched this thread alone, and
 * the child is a copy of this thread only.
 */
static int
set_ids(enum spawn_ids ids)
{
	uid_t ruid = getuid(), euid = geteuid();
	gid_t rgid = getgid(), egid = getegid();

	if (euid == ruid && egid == rgid)
		return 0;
	if (ids == SPAWN_REAL_IDS) {
		/* Root's euid back first: it may set the group. */
		if (syscall(SYS_setresuid, -1, ruid, -1) == -1 ||
		    syscall(SYS_setresgid, -1, rgid, -1) == -1)
			return -1;
		return 0;
	}
	/* Root first (the saved id allows it), then the user's for good. */
	(void)syscall(SYS_setresuid, -1, 0, -1);
	if (syscall(SYS_setresgid, egid, egid, egid) == -1 ||
	    syscall(SYS_setresuid, euid, euid, euid) == -1)
		return -1;
	return 0;
}

/* In the child: S's fds onto 0, 1, 2, moved out of the way first. */
static int
set_fds(const struct spawn *s)
{
	int hi[3], i, fd;

	for (i = 0; i < 3; i++) {
		hi[i] = -1;
		if (s->fd[i] >= 0 &&
		    (hi[i] = fcntl(s->fd[i], F_DUPFD_CLOEXEC, 3)) == -1)
			return -1;
	}
	for (i = 0; i < 3; i++) {
		if (hi[i] >= 0) {
			if (dup2(hi[i], i) == -1)
				return -1;
		} else if (s->fd[i] == SPAWN_DEVNULL) {
			if ((fd = open("/dev/null", O_RDWR)) == -1)
				return -1;
			if (fd != i && (dup2(fd, i) == -1 || close(fd) == -1))
				return -1;
		} else if (s->fd[i] == SPAWN_CLOSED)
			(void)close(i);
	}
	return 0;
}

pid_t
spawn_start(const struct spawn *s)
{
	pid_t pid;

	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		reset_signals();
		if (set_ids(s->ids) == -1 || set_fds(s) == -1)
			_exit(126);
		if (s->file == NULL)
			_exit(s->fn(s->arg));
		if (s->envp != NULL)
			execvpe(s->file, s->argv, s->envp);
		else
			execvp(s->file, s->argv);
		_exit(127);
	}
	setpgid(pid, pid);	/* either side may win the race; both agree */
	return pid;
}

/* Polls for PID's exit until DEADLINE (or forever when < 0); 1 = exited. */
static int
reap(pid_t pid, int *status, double deadline, const atomic_bool *cancel)
{
	struct timespec nap = { 0, 1000000 };
	pid_t w;

	for (;;) {
		if ((w = waitpid(pid, status, WNOHANG)) == pid)
			return 1;
		if (w == -1 && errno != EINTR)
			return -1;
		if (cancel != NULL && atomic_load(cancel)) {
			errno = ECANCELED;
			return 0;
		}
		if (deadline >= 0 && mond_monotonic() >= deadline) {
			errno = ETIMEDOUT;
			return 0;
		}
		nanosleep(&nap, NULL);
		if (nap.tv_nsec < 50000000)
			nap.tv_nsec *= 2;
	}
}

/* Ends PID's process group: SIGTERM, SIGKILL after 5 s, reaped. */
static void
kill_group(pid_t pid)
{
	int status;

	kill(-pid, SIGTERM);
	if (reap(pid, &status, mond_monotonic() + 5, NULL) != 1) {
		kill(-pid, SIGKILL);
		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			;
	}
	kill(-pid, SIGKILL);	/* whatever it left behind in its group */
}

int
spawn_wait(pid_t pid, double deadline, const atomic_bool *cancel)
{
	int status, rc, save;

	if ((rc = reap(pid, &status, deadline, cancel)) != 1) {
		save = errno;
		if (rc == 0)
			kill_group(pid);
		errno = save;
		return -1;
	}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

int
spawn_collect(int fd, char *buf, size_t cap, size_t *len, double deadline,
    const atomic_bool *cancel)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char sink[4096];
	ssize_t n;
	size_t room;
	int ms;

	*len = 0;
	if (cap > 0)
		buf[0] = '\0';
	for (;;) {
		if (cancel != NULL && atomic_load(cancel)) {
			errno = ECANCELED;
			return -1;
		}
		ms = POLL_SLICE_MS;
		if (deadline >= 0) {
			double left = deadline - mond_monotonic();

			if (left <= 0) {
				errno = ETIMEDOUT;
				return -1;
			}
			if (left * 1000 < ms)
				ms = (int)(left * 1000) + 1;
		}
		if (poll(&pfd, 1, ms) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (pfd.revents == 0)
			continue;
		room = cap > *len + 1 ? cap - *len - 1 : 0;
		if (room > 0)
			n = read(fd, buf + *len, room);
		else
			n = read(fd, sink, sizeof(sink));
		if (n == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n == -1)
			return -1;
		if (n == 0)
			return 0;
		if (room > 0) {
			*len += (size_t)n;
			buf[*len] = '\0';
		}
	}
}
