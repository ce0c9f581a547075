/* priotest.c: see priotest.h. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "tests/priotest.h"

static atomic_bool spin_stop;
static pthread_t spinner;

static void *
probe_unidle(void *ok)
{
	struct sched_param sp = { .sched_priority = 0 };

	*(bool *)ok = pthread_setschedparam(pthread_self(), SCHED_IDLE,
	    &sp) == 0 && pthread_setschedparam(pthread_self(), SCHED_OTHER,
	    &sp) == 0;
	return NULL;
}

bool
pt_can_leave_idle(void)
{
	pthread_t probe;
	bool ok = false;

	if (sched_getscheduler(0) != SCHED_OTHER ||
	    getpriority(PRIO_PROCESS, 0) != 0)
		cr_skip_test("the test runs at a lowered priority already");
	cr_assert_eq(pthread_create(&probe, NULL, probe_unidle, &ok), 0);
	cr_assert_eq(pthread_join(probe, NULL), 0);
	return ok;
}

int
pt_tasks_under(int policy, int nice)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	cr_assert_not_null(d);
	while ((e = readdir(d)) != NULL) {
		pid_t tid = (pid_t)atoi(e->d_name);

		errno = 0;
		if (e->d_name[0] != '.' && sched_getscheduler(tid) == policy &&
		    getpriority(PRIO_PROCESS, (id_t)tid) == nice && errno == 0)
			n++;
	}
	closedir(d);
	return n;
}

/* Spins at nice 0 until told to stop, or for 60 s if a regression hangs. */
static void *
spin(void *arg)
{
	struct timespec t0, t;

	(void)arg;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		for (int i = 0; i < 1000000; i++)
			if (atomic_load_explicit(&spin_stop,
			    memory_order_relaxed))
				return NULL;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (t.tv_sec - t0.tv_sec < 60);
	return NULL;
}

/*
 * One CPU for this thread and, by inheritance, the spinner and the
 * workers: the others stay free for the tests running beside this one.
 */
void
pt_crowd_start(void)
{
	cpu_set_t one;
	int cpu;

	cr_assert_geq(cpu = sched_getcpu(), 0);
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	cr_assert_eq(sched_setaffinity(0, sizeof(one), &one), 0, "%s",
	    strerror(errno));
	atomic_store(&spin_stop, false);
	cr_assert_eq(pthread_create(&spinner, NULL, spin, NULL), 0);
}

void
pt_crowd_stop(void)
{
	atomic_store(&spin_stop, true);
	cr_assert_eq(pthread_join(spinner, NULL), 0);
}
