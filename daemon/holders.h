/*
 * holders.h: which processes hold given files open for writing, from one
 * walk of /proc (compresswhenclosed). A name says nothing once a file is
 * renamed, so each descriptor is stat()ed through /proc/PID/fd/N, which
 * follows to the open file itself, and compared by device and inode.
 */
#ifndef MOND_HOLDERS_H
#define MOND_HOLDERS_H

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
 * all N, and ends early once each has a writer. Processes gone meanwhile,
 * and those whose descriptors mond may not see (run as another user),
 * are passed over. Returns 0, or -1 with errno when /proc cannot be read.
 */
int	holders_find(struct holder_query *q, size_t n);

#endif
