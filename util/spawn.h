/*
 * spawn.h: the programs a rotation runs (scripts, an external compressor,
 * the mailer and its decompressor, shred), started and waited for the one
 * way: own process group, default signal dispositions, an empty mask, the
 * standard fds wired as asked, ids chosen as logrotate chooses them, and a
 * bounded, cancellable wait that kills the whole group past its time. It
 * never decides what to run: rotate.c, compress_ext.c and mail.c do.
 */
#ifndef MOND_SPAWN_H
#define MOND_SPAWN_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* A child running longer than this (seconds) is killed and has failed. */
#define SPAWN_TIMEOUT	600

enum spawn_ids {
	/*
	 * The real ids (root when a `su` rule switched the thread's
	 * effective ones): scripts and the mail command, as logrotate.
	 */
	SPAWN_REAL_IDS,
	/*
	 * The thread's effective ids, made real and saved too, so the child
	 * cannot get root back: the compressor, the mail's decompressor and
	 * shred under `su`, as logrotate's switch_user_permanently.
	 */
	SPAWN_EFFECTIVE_IDS,
};

#define SPAWN_KEEP	(-1)	/* the fd stays as the parent has it */
#define SPAWN_DEVNULL	(-2)	/* /dev/null */
#define SPAWN_CLOSED	(-3)	/* closed in the child */

struct spawn {
	const char	*file;		/* execvp()ed; NULL: run fn instead */
	char *const	*argv;
	char *const	*envp;		/* NULL: the parent's environment */
	/* Without file: the child runs FN(ARG) and exits with its result. */
	int		(*fn)(void *arg);
	void		*arg;
	int		 fd[3];		/* become 0, 1, 2: an fd or SPAWN_* */
	enum spawn_ids	 ids;
};

/*
 * Starts S. The child exits 126 when its set-up fails and 127 when the
 * program cannot be run. Returns its pid, or -1 with errno.
 */
pid_t	spawn_start(const struct spawn *s);

/*
 * Waits for PID until DEADLINE (mond_monotonic() seconds; < 0 never) and
 * only while CANCEL (may be NULL) is unset; past that its group gets
 * SIGTERM, then SIGKILL 5 s later, it is reaped and -1 is returned with
 * errno ETIMEDOUT or ECANCELED. Returns its exit status (0..255, or 128 +
 * the signal that ended it), or -1 with errno.
 */
int	spawn_wait(pid_t pid, double deadline, const atomic_bool *cancel);

/*
 * Reads FD until end of file, keeping the first CAP - 1 bytes in BUF
 * (NUL-terminated; *LEN their count) and dropping the rest, within the
 * same DEADLINE and CANCEL. Returns 0, or -1 with errno (ETIMEDOUT,
 * ECANCELED, or the read's).
 */
int	spawn_collect(int fd, char *buf, size_t cap, size_t *len,
	    double deadline, const atomic_bool *cancel);

/*
 * The bound of a child in seconds: $MOND_SCRIPT_TIMEOUT (a testing aid)
 * when a positive number, else SPAWN_TIMEOUT.
 */
long	spawn_timeout(void);

/* mond_monotonic() + spawn_timeout(): the deadline of a child started now. */
double	spawn_deadline(void);

#endif
