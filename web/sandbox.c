/*
 * sandbox.c: the web front's privilege drop and seccomp allow-list. The
 * list is what the loop needs once it runs: its sockets, the clock, the
 * heap, and mon.log's files inside the directory it was chrooted into.
 * Sanitizer builds log calls outside the list instead of dying: their
 * runtimes make calls of their own (LeakSanitizer's clone and ptrace).
 */
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <linux/sockios.h>

#include <errno.h>
#include <grp.h>
#include <stdbool.h>
#include <unistd.h>

#include <seccomp.h>

#include "util/log.h"
#include "web/sandbox.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZED	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define SANITIZED	1
#endif
#endif

bool
sandbox_kills(void)
{
#ifdef SANITIZED
	return false;
#else
	return true;
#endif
}

int
sandbox_drop(const struct passwd *pw)
{
	if (pw != NULL) {
		if (chroot(".") == -1) {
			log_warn("web front: chroot");
			return -1;
		}
		if (setgroups(1, &pw->pw_gid) == -1 ||
		    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) == -1 ||
		    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == -1) {
			log_warn("web front: cannot become %s", pw->pw_name);
			return -1;
		}
	}
	if (getuid() != 0 && (setuid(0) != -1 || seteuid(0) != -1)) {
		log_warnx("web front: could take root back; stopping");
		return -1;
	}
	return 0;
}

/* Calls allowed whatever their arguments. */
static const int plain_calls[] = {
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev),
	SCMP_SYS(close), SCMP_SYS(recvfrom), SCMP_SYS(sendto),
	SCMP_SYS(recvmsg), SCMP_SYS(sendmsg), SCMP_SYS(accept),
	SCMP_SYS(accept4), SCMP_SYS(shutdown), SCMP_SYS(setsockopt),
	SCMP_SYS(getsockopt), SCMP_SYS(getsockname), SCMP_SYS(getpeername),
	SCMP_SYS(epoll_wait), SCMP_SYS(epoll_pwait), SCMP_SYS(epoll_ctl),
	SCMP_SYS(poll), SCMP_SYS(ppoll), SCMP_SYS(clock_gettime),
	SCMP_SYS(gettimeofday), SCMP_SYS(time), SCMP_SYS(nanosleep),
	SCMP_SYS(clock_nanosleep),
	/* mon.log inside the chroot: open, roll over, check. */
	SCMP_SYS(openat), SCMP_SYS(open), SCMP_SYS(stat), SCMP_SYS(fstat),
	SCMP_SYS(lstat), SCMP_SYS(newfstatat), SCMP_SYS(statx), SCMP_SYS(lseek),
	SCMP_SYS(rename), SCMP_SYS(renameat), SCMP_SYS(renameat2),
	SCMP_SYS(unlink), SCMP_SYS(unlinkat), SCMP_SYS(fsync),
	SCMP_SYS(fdatasync), SCMP_SYS(fcntl), SCMP_SYS(getdents64),
	SCMP_SYS(fchmod), SCMP_SYS(ftruncate), SCMP_SYS(mkdir), SCMP_SYS(mkdirat),
	/* the applog asks whose ids it runs under before it rolls over */
	SCMP_SYS(getuid), SCMP_SYS(geteuid), SCMP_SYS(getgid),
	SCMP_SYS(getegid),
	/* the heap and threads' primitives glibc uses alone */
	SCMP_SYS(brk), SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mremap),
	SCMP_SYS(madvise), SCMP_SYS(mprotect), SCMP_SYS(futex),
	SCMP_SYS(rt_sigaction), SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(rt_sigreturn), SCMP_SYS(sigaltstack), SCMP_SYS(getpid),
	SCMP_SYS(gettid), SCMP_SYS(getrandom), SCMP_SYS(restart_syscall),
	SCMP_SYS(exit), SCMP_SYS(exit_group),
};

/* ioctl only for the send queue (slow readers) and bytes readable. */
static const unsigned long ioctls[] = { SIOCOUTQ, FIONREAD, FIONBIO };

static int
load_filter(void)
{
	scmp_filter_ctx ctx;
	size_t i;
	int rc = -1;

	ctx = seccomp_init(sandbox_kills() ? SCMP_ACT_KILL_PROCESS :
	    SCMP_ACT_LOG);
	if (ctx == NULL) {
		log_warnx("web front: seccomp_init failed");
		return -1;
	}
	/*
	 * A binary tree of the calls, not a list: every recvfrom, sendto and
	 * write of GET / passes the filter, and a list of 70 makes each pay.
	 * Older kernels or libseccomp without it get the list.
	 */
	(void)seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	for (i = 0; i < sizeof(plain_calls) / sizeof(plain_calls[0]); i++)
		if ((errno = -seccomp_rule_add(ctx, SCMP_ACT_ALLOW,
		    plain_calls[i], 0)) != 0) {
			log_warn("web front: seccomp rule %zu", i);
			goto done;
		}
	for (i = 0; i < sizeof(ioctls) / sizeof(ioctls[0]); i++)
		if ((errno = -seccomp_rule_add(ctx, SCMP_ACT_ALLOW,
		    SCMP_SYS(ioctl), 1, SCMP_A1(SCMP_CMP_EQ, ioctls[i]))) != 0) {
			log_warn("web front: seccomp ioctl rule");
			goto done;
		}
	if ((errno = -seccomp_load(ctx)) != 0) {
		log_warn("web front: seccomp_load");
		goto done;
	}
	rc = 0;
done:
	seccomp_release(ctx);
	return rc;
}

int
sandbox_lock(unsigned long nofile)
{
	struct rlimit rl;

	/* Lowering is always allowed; past the hard limit is not. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == -1) {
		log_warn("web front: getrlimit NOFILE");
		return -1;
	}
	if (nofile < rl.rlim_max)
		rl.rlim_max = nofile;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1) {
		log_warn("web front: setrlimit NOFILE %lu", nofile);
		return -1;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1) {
		log_warn("web front: no_new_privs");
		return -1;
	}
	return load_filter();
}
