/*
 * compress_prio.c: see compress_prio.h. Linux keeps the nice value and the
 * scheduling class per thread, and a new thread inherits its creator's.
 */
#include <linux/capability.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include "engine/compress_prio.h"

bool
compress_prio_can_leave_idle(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0
	};
	struct __user_cap_data_struct caps[_LINUX_CAPABILITY_U32S_3];
	struct rlimit rl;

	if (syscall(SYS_capget, &hdr, caps) == 0 &&
	    (caps[CAP_TO_INDEX(CAP_SYS_NICE)].effective &
	    CAP_TO_MASK(CAP_SYS_NICE)) != 0)
		return true;
	return getrlimit(RLIMIT_NICE, &rl) == 0 &&
	    (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= 20 - COMPRESS_NICE);
}

/* Nice COMPRESS_NICE unless already nicer. */
static void
nice_self(void)
{
	id_t tid = (id_t)gettid();
	int cur;

	errno = 0;
	cur = getpriority(PRIO_PROCESS, tid);
	if ((cur != -1 || errno == 0) && cur >= COMPRESS_NICE)
		return;
	(void)setpriority(PRIO_PROCESS, tid, COMPRESS_NICE);
}

/*
 * SCHED_IDLE: a woken loop thread always preempts a compressing one,
 * which nice alone does not promise. The nice value set first is the one
 * the thread keeps if it is raised back to SCHED_OTHER.
 */
void
compress_prio_lower(bool idle_class)
{
	struct sched_param sp = { .sched_priority = 0 };

	nice_self();
	if (idle_class)
		(void)pthread_setschedparam(pthread_self(), SCHED_IDLE, &sp);
}

void
compress_prio_idle(pid_t tid)
{
	struct sched_param sp = { .sched_priority = 0 };

	(void)sched_setscheduler(tid, SCHED_IDLE, &sp);
}

void
compress_prio_raise(pid_t tid)
{
	struct sched_param sp = { .sched_priority = 0 };

	(void)sched_setscheduler(tid, SCHED_OTHER, &sp);
}
