/*
 * applog.h: the web front's own log (mon.log), with the rollover rules of
 * Python 3.12's logging.handlers.RotatingFileHandler(maxBytes, backupCount)
 * and its Formatter('%(asctime)s - %(name)s - %(levelname)s - %(message)s').
 * Each line is one write(2) on an O_APPEND descriptor: readers never see
 * half a line.
 */
#ifndef MOND_APPLOG_H
#define MOND_APPLOG_H

#include <stddef.h>
#include <time.h>

enum applog_level {
	APPLOG_DEBUG = 0,	/* DEBUG and INFO lines */
	APPLOG_INFO,		/* INFO lines only */
};

struct applog_conf {
	char		*path;		/* default /var/log/mon/mon.log */
	long long	 maxbytes;	/* 0 = never roll over */
	int		 backups;	/* 0 = never roll over */
	enum applog_level level;
};

enum applog_msg_level {
	MSG_DEBUG = 0,
	MSG_INFO,
	MSG_WARNING,
	MSG_ERROR,
};

struct applog;

/*
 * Opens (creating it, and its directory with mode 0755, if missing) the log
 * CONF describes. CONF is copied. Returns NULL with errno set on failure.
 */
struct applog *applog_open(const struct applog_conf *conf);

/*
 * Moves AL to CONF's path, maxbytes, backups and level, under AL's lock,
 * reopening only when the path changed. AL itself stays: the pointer is
 * meant to be kept for the daemon's whole life, so threads that hold it
 * (log.c, the worker, the web front) need no synchronisation of their own.
 * On failure AL keeps all its old settings and -1 is returned with errno.
 */
int	applog_reconfigure(struct applog *al, const struct applog_conf *conf);

/*
 * Appends one line for MSG at LEVEL, unless CONF's level filters it out,
 * rolling the file over first when the line would make it reach maxbytes.
 * A thread whose effective ids are not those that opened AL (a `su` rule's)
 * never reopens or rolls over: it writes to the open descriptor only.
 * Returns 0, or -1 with errno set (the line is lost; the caller goes on).
 */
int	applog_write(struct applog *al, enum applog_msg_level level, const char *msg);

/* One line of applog_write_lines(). */
struct applog_line {
	enum applog_msg_level level;
	const char	*msg;
};

#define APPLOG_MAX_LINES	8

/*
 * As applog_write() for each of LINES (N <= APPLOG_MAX_LINES) in order,
 * with one timestamp; lines no rollover separates go out in one write(2),
 * so each line is still whole. Returns 0, or -1 with errno when a line
 * was lost.
 */
int	applog_write_lines(struct applog *al, const struct applog_line *lines,
	    size_t n);

/*
 * Formats one line as the Python formatter would, timestamp from TS in local
 * time, "\n" included, into BUF of SIZE bytes. Returns the line's length
 * (which may be >= SIZE when truncated, as snprintf does).
 */
size_t	applog_format(char *buf, size_t size, const struct timespec *ts,
	    enum applog_msg_level level, const char *msg);

/* Only once no other thread can reach AL (log_set_applog(NULL) first). */
void	applog_close(struct applog *al);

#endif
