/*
 * holders.h: whether some process holds a file open for writing, and
 * which (compresswhenclosed). The kernel answers the first for any
 * process through a lease; /proc names the process, or answers instead
 * where no lease can be taken. A name says nothing once a file is
 * renamed, so each descriptor is stat()ed through /proc/PID/fd/N, which
 * follows to the open file itself, and compared by device and inode.
 */
#ifndef MOND_HOLDERS_H
#define MOND_HOLDERS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define HOLDERS_COMM_MAX	16	/* /proc/PID/comm: TASK_COMM_LEN */

struct holder_query {
	dev_t		 dev;		/* in: the file */
	ino_t		 ino;
	pid_t		 pid;		/* out: one writer; 0 none found */
	char		 comm[HOLDERS_COMM_MAX + 1];	/* out: its name */
};

/*
 * Fills each of the N queries of Q with one process that has a
 * descriptor on its file open for writing (O_WRONLY or O_RDWR in
 * /proc/PID/fdinfo/N); readers are not counted. One walk of /proc serves
 * all N, and ends early once each has a writer. Processes gone meanwhile
 * are passed over. *BLIND is set when some process may have been hidden:
 * its descriptors were refused (another user's, and no CAP_SYS_PTRACE),
 * or /proc is mounted hidepid (systemd's ProtectProc=) without that
 * capability; a query without a writer then says nothing. Returns 0, or
 * -1 with errno when /proc cannot be read.
 */
int	holders_find(struct holder_query *q, size_t n, bool *blind);

enum holders_lease {
	HOLDERS_FREE,		/* no descriptor anywhere writes the file */
	HOLDERS_WRITTEN,	/* some process has it open for writing */
	HOLDERS_UNKNOWN,	/* no lease here: ask /proc */
};

/*
 * Whether any process, in any namespace and whoever it is, has the
 * regular file NAME in DIRFD (device DEV, inode INO, as lstat()ed) open
 * for writing: the kernel grants a read lease (F_SETLEASE F_RDLCK) only on
 * a file nobody writes. The lease is given up at once; a writer opening
 * the file meanwhile waits those microseconds. It needs the file's owner
 * (or CAP_LEASE) and a file system with leases: UNKNOWN otherwise, or
 * when NAME is no longer that file.
 */
enum holders_lease holders_lease(int dirfd, const char *name, dev_t dev,
	    ino_t ino);

#endif
