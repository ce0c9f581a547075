/*
 * compress_prio.h: the priority compression threads run at (DESIGN §7),
 * shared by the
 * gzip workers (compress_par.c) and libzstd's (compress_zstd.c), so both
 * leave the CPU to the loop and the web front the same way and are raised
 * out of SCHED_IDLE by the same rule when the machine is so busy that they
 * would starve.
 */
#ifndef MOND_COMPRESS_PRIO_H
#define MOND_COMPRESS_PRIO_H

#include <stdbool.h>
#include <sys/types.h>

#define COMPRESS_NICE		10	/* below the loop's threads (per thread) */
/* A block compresses in ~10 ms of CPU: waiting this long means no CPU. */
#define COMPRESS_STARVED_SECS	2

/*
 * Whether threads of this caller's credentials could leave SCHED_IDLE
 * again: CAP_SYS_NICE, or an RLIMIT_NICE that allows COMPRESS_NICE.
 * Without either (a non-root `su` user, a capability-less sandbox) they
 * must not enter it, or a busy CPU would starve them for good.
 */
bool	compress_prio_can_leave_idle(void);

/*
 * The calling thread to nice COMPRESS_NICE (unless it is nicer) and, when
 * IDLE_CLASS, SCHED_IDLE. Best effort: a refusal only makes compression
 * kinder to nobody, so it is ignored. Threads it creates afterwards
 * inherit both.
 */
void	compress_prio_lower(bool idle_class);

/* Thread TID back to SCHED_OTHER, keeping its nice value. Best effort. */
void	compress_prio_raise(pid_t tid);

/* Thread TID into SCHED_IDLE, keeping its nice value. Best effort. */
void	compress_prio_idle(pid_t tid);

#endif
