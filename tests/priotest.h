/*
 * priotest.h: what the tests of the compression pools' priority share
 * (test_compress.c for gzip's, test_compress_zstd.c for libzstd's): whether
 * SCHED_IDLE can be left here, the threads at a policy and nice value, and
 * a crowd: this thread pinned to its CPU beside a nice-0 spinner, so that
 * idle-class workers it starts get almost no CPU whatever the machine has.
 */
#ifndef MOND_PRIOTEST_H
#define MOND_PRIOTEST_H

#include <stdbool.h>

/*
 * Whether a thread of this process may leave SCHED_IDLE once in it
 * (CAP_SYS_NICE); skips the test when it runs at a lowered priority
 * already, where nothing it checks could be seen.
 */
bool	pt_can_leave_idle(void);

/* Threads of this process under POLICY at nice NICE. */
int	pt_tasks_under(int policy, int nice);

/* Pins this thread to its CPU and starts the spinner there (60 s at most). */
void	pt_crowd_start(void);
void	pt_crowd_stop(void);

#endif
