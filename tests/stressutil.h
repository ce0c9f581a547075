/*
 * stressutil.h: what the stress suite's tests share: a numbered-line
 * writer in a child process, the count of every line across a log and its
 * rotated files (gzip read in process), and /proc readings of the daemon.
 * Only tests/test_stress.c uses it; nothing here touches a file outside the
 * test's own directory.
 */
#ifndef MOND_STRESSUTIL_H
#define MOND_STRESSUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Every line is "NNNNNNNNN CCCCC\n": 16 bytes, a divisor of any block. */
#define SU_LINE		16

/* An env integer (STRESS_*), or DEF when unset or not a number. */
long	su_env(const char *name, long def);

struct su_writer {
	pid_t			 pid;
	volatile uint64_t	*shared;	/* [0] lines written, [1] stop */
};
/*
 * Forks a writer appending numbered lines to PATH at about RATE lines/s
 * (0: as fast as it can), BATCH lines per write(2). REOPEN: open(O_APPEND|
 * O_CREAT) per batch, as an application that follows a renamed log;
 * otherwise one long-lived O_APPEND fd, as copytruncate assumes.
 */
void	su_writer_start(struct su_writer *w, const char *path, long rate,
	    int batch, bool reopen);
/* Stops the writer; returns how many lines it wrote. */
uint64_t su_writer_stop(struct su_writer *w);

struct su_count {
	uint64_t	lines;		/* lines read */
	uint64_t	lost;		/* numbers < expected never seen */
	uint64_t	dup;		/* extra copies */
	uint64_t	bad;		/* torn/garbled lines, beyond-range */
	unsigned	files;		/* files read */
	unsigned	gz_bad;		/* .gz that did not read to a clean EOF */
	unsigned	recovered;	/* .mond-recovered files among them */
	unsigned	temps;		/* .mond-tmp / .mond-swap names present */
	unsigned	rotated;	/* distinct BASE.N numbers */
};
/*
 * Reads every file in DIR named BASE or BASE.* (".gz" read through gzread
 * to EOF) and counts the lines 0..EXPECTED-1. Temporaries are counted, not
 * read.
 */
void	su_count_lines(const char *dir, const char *base, uint64_t expected,
	    struct su_count *c);

/* How many distinct BASE.N (N > 0, maybe .gz) are in DIR. */
unsigned su_count_rotated(const char *dir, const char *base);

/* VmRSS of PID in KiB, and the number of its open fds; -1 on failure. */
long	su_rss_kb(pid_t pid);
long	su_fd_count(pid_t pid);

/* system(CMD)'s exit code (128 when it did not exit). */
int	su_sh(const char *cmd);

/* The whole of the gzip file PATH (asserted complete), *LEN bytes. */
char	*su_gunzip(const char *path, size_t *len);

/*
 * Over every DIR/BASE* (mon.log and its backups): *HITS lines containing
 * NEEDLE, *TORN lines not in mon.log's exact format (or a file not ending
 * in a newline), *FILES files read.
 */
void	su_applog_census(const char *dir, const char *base, const char *needle,
	    long *hits, long *torn, int *files);

/* Monotonic seconds. */
double	su_now(void);

#endif
