/*
 * holders.c: the lease probe and the walk of /proc behind holders.h. The
 * walk costs a stat per descriptor of every process, so it is made once
 * per pass, only for the files a lease did not clear (pass_pending.c),
 * never on the daemon's loop, and stops as soon as every file has a
 * writer. The stat asks for cached attributes only (AT_STATX_DONT_SYNC):
 * a process with a file open on an unreachable network mount must not
 * hang the walk.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "engine/holders.h"

/* linux/capability.h's CAP_SYS_PTRACE, without its kernel types */
#define CAP_SYS_PTRACE_BIT	19

struct walk {
	struct holder_query *q;
	size_t		*order;		/* q's indices by device and inode */
	size_t		 n;
	size_t		 left;		/* queries without a writer yet */
	int		 procfd;
	bool		 blind;		/* some descriptors were refused */
};

/* qsort_r has no portable form: the array being sorted, for by_file. */
static _Thread_local const struct holder_query *sorting;

static int
cmp_file(dev_t da, ino_t ia, dev_t db, ino_t ib)
{
	if (da != db)
		return da < db ? -1 : 1;
	return ia < ib ? -1 : ia > ib;
}

static int
by_file(const void *a, const void *b)
{
	const struct holder_query *x = &sorting[*(const size_t *)a];
	const struct holder_query *y = &sorting[*(const size_t *)b];

	return cmp_file(x->dev, x->ino, y->dev, y->ino);
}

/* The first position in w->order of a query on DEV:INO, or w->n. */
static size_t
first_of(const struct walk *w, dev_t dev, ino_t ino)
{
	size_t lo = 0, hi = w->n, mid;
	const struct holder_query *m;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		m = &w->q[w->order[mid]];
		if (cmp_file(m->dev, m->ino, dev, ino) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* A /proc entry's name as a pid; 0 when it names no process. */
static pid_t
pid_of(const char *name)
{
	long v = 0;
	const char *p;

	for (p = name; *p >= '0' && *p <= '9'; p++)
		if ((v = v * 10 + (*p - '0')) > 0x7fffffffL)
			return 0;
	return p != name && *p == '\0' ? (pid_t)v : 0;
}

/*
 * Whether PID's descriptor FD is open for writing, from its fdinfo flags.
 * One that cannot be read counts as a writer: a compression too early
 * loses lines, one too late costs only disk.
 */
static bool
writes(int procfd, pid_t pid, const char *fd)
{
	char path[64 + NAME_MAX], buf[256], *flags;
	unsigned long mode;
	ssize_t len;
	int info;

	snprintf(path, sizeof(path), "%ld/fdinfo/%s", (long)pid, fd);
	if ((info = openat(procfd, path, O_RDONLY | O_CLOEXEC)) == -1)
		return errno != ENOENT;
	len = read(info, buf, sizeof(buf) - 1);
	close(info);
	if (len <= 0)
		return true;
	buf[len] = '\0';
	if ((flags = strstr(buf, "flags:")) == NULL)
		return true;
	mode = strtoul(flags + strlen("flags:"), NULL, 8);
	return (mode & O_ACCMODE) != O_RDONLY;
}

/* PID's name into COMM ("?" when it cannot be read). */
static void
comm_of(int procfd, pid_t pid, char *comm)
{
	char path[64];
	ssize_t len;
	int fd;

	snprintf(path, sizeof(path), "%ld/comm", (long)pid);
	len = -1;
	if ((fd = openat(procfd, path, O_RDONLY | O_CLOEXEC)) != -1) {
		len = read(fd, comm, HOLDERS_COMM_MAX);
		close(fd);
	}
	if (len <= 0) {
		strcpy(comm, "?");
		return;
	}
	comm[len] = '\0';
	comm[strcspn(comm, "\n")] = '\0';
}

/* The queries on the file ST names get PID, once it writes through FD. */
static void
match(struct walk *w, pid_t pid, const char *fd, const struct statx *st)
{
	dev_t dev = makedev(st->stx_dev_major, st->stx_dev_minor);
	ino_t ino = (ino_t)st->stx_ino;
	bool asked = false, writer = false;
	struct holder_query *q;
	size_t k;

	/* one file may be asked for twice: two hard links */
	for (k = first_of(w, dev, ino); k < w->n; k++) {
		q = &w->q[w->order[k]];
		if (q->dev != dev || q->ino != ino)
			break;
		if (q->pid != 0)
			continue;
		if (!asked) {
			asked = true;
			writer = writes(w->procfd, pid, fd);
		}
		if (!writer)
			return;
		q->pid = pid;
		comm_of(w->procfd, pid, q->comm);
		w->left--;
	}
}

/* Every descriptor of PID; a process gone or hidden from mond is none. */
static void
scan_process(struct walk *w, pid_t pid)
{
	char path[64];
	struct dirent *de;
	struct statx st;
	DIR *dp;
	int fdfd;

	snprintf(path, sizeof(path), "%ld/fd", (long)pid);
	if ((fdfd = openat(w->procfd, path, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1) {
		if (errno == EACCES || errno == EPERM)
			w->blind = true;
		return;
	}
	if ((dp = fdopendir(fdfd)) == NULL) {
		close(fdfd);
		return;
	}
	while (w->left > 0 && (de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		/* follows the link to the open file: its name does not count */
		if (statx(dirfd(dp), de->d_name, AT_STATX_DONT_SYNC,
		    STATX_TYPE | STATX_INO, &st) == -1) {
			/* the link itself is the ptrace check's (not ENOENT) */
			if (errno == EACCES || errno == EPERM)
				w->blind = true;
			continue;
		}
		if (!S_ISREG(st.stx_mode))
			continue;
		match(w, pid, de->d_name, &st);
	}
	closedir(dp);
}

/*
 * Whether the calling thread may look into every process: CAP_SYS_PTRACE
 * in its effective set (the capabilities are per thread).
 */
static bool
may_trace_all(void)
{
	char line[128];
	unsigned long long eff;
	bool yes = false;
	FILE *fp;

	if ((fp = fopen("/proc/thread-self/status", "re")) == NULL)
		return false;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (sscanf(line, "CapEff: %llx", &eff) == 1) {
			yes = eff & (1ULL << CAP_SYS_PTRACE_BIT);
			break;
		}
	fclose(fp);
	return yes;
}

/*
 * Whether the /proc mounted on /proc hides processes (hidepid=1, 2,
 * noaccess or invisible): they are then not even listed. A mountinfo
 * that cannot be read counts as hiding.
 */
static bool
proc_hides(void)
{
	char line[1024], *opts;
	bool hides = true;
	FILE *fp;

	if ((fp = fopen("/proc/self/mountinfo", "re")) == NULL)
		return true;
	while (fgets(line, sizeof(line), fp) != NULL) {
		/* ID PARENT DEV ROOT MOUNTPOINT ... - TYPE SOURCE SUPEROPTS */
		if (strstr(line, " /proc ") == NULL ||
		    (opts = strstr(line, " - proc ")) == NULL)
			continue;
		hides = strstr(opts, "hidepid=") != NULL &&
		    strstr(opts, "hidepid=0") == NULL &&
		    strstr(opts, "hidepid=off") == NULL;
		break;
	}
	fclose(fp);
	return hides;
}

int
holders_find(struct holder_query *q, size_t n, bool *blind)
{
	struct walk w = { q, NULL, n, n, -1, false };
	struct dirent *de;
	DIR *proc;
	pid_t pid;
	size_t i;
	int err = 0;

	for (i = 0; i < n; i++) {
		q[i].pid = 0;
		q[i].comm[0] = '\0';
	}
	*blind = false;
	if (n == 0)
		return 0;
	if (!may_trace_all() && proc_hides())
		w.blind = true;
	if ((w.order = calloc(n, sizeof(*w.order))) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		w.order[i] = i;
	sorting = q;
	qsort(w.order, n, sizeof(*w.order), by_file);
	if ((proc = opendir("/proc")) == NULL) {
		free(w.order);
		return -1;
	}
	w.procfd = dirfd(proc);
	while (w.left > 0) {
		errno = 0;
		if ((de = readdir(proc)) == NULL) {
			err = errno;
			break;
		}
		if ((pid = pid_of(de->d_name)) != 0)
			scan_process(&w, pid);
	}
	closedir(proc);
	free(w.order);
	*blind = w.blind;
	errno = err;
	return err != 0 ? -1 : 0;
}

enum holders_lease
holders_lease(int dirfd, const char *name, dev_t dev, ino_t ino)
{
	enum holders_lease answer = HOLDERS_UNKNOWN;
	struct stat st;
	int fd;

	/* O_NONBLOCK: no FIFO put in its place, nor another's lease, waits */
	if ((fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_NOCTTY | O_CLOEXEC)) == -1)
		return HOLDERS_UNKNOWN;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_dev != dev || st.st_ino != ino) {
		close(fd);
		return HOLDERS_UNKNOWN;
	}
	/*
	 * A lease break signals the lease's owner, SIGIO by default, which
	 * kills: SIGURG is ignored (fscopy.c's fs_lease_alone does the same).
	 */
	if (fcntl(fd, F_SETSIG, SIGURG) == 0) {
		if (fcntl(fd, F_SETLEASE, F_RDLCK) == 0) {
			answer = HOLDERS_FREE;
			(void)fcntl(fd, F_SETLEASE, F_UNLCK);
		} else if (errno == EAGAIN)
			answer = HOLDERS_WRITTEN;
	}
	close(fd);
	return answer;
}
