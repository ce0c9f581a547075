/*
 * log.h: the daemon's own messages. Everything goes to stderr (the journal
 * under systemd) prefixed "mond: "; once an applog is attached, warnings,
 * errors and rotation outcomes are copied into mon.log too. Never used for
 * the web front's per-request lines (that is applog_write()).
 */
#ifndef MOND_LOG_H
#define MOND_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdnoreturn.h>

struct applog;

/* VERBOSE > 0 lets log_debug() through. */
void	log_init(int verbose);
/* 1 when log_debug() prints: callers skip building what it would drop. */
int	log_debugging(void);
/*
 * Copies INFO and worse into AL as well as stderr; NULL detaches. Read by
 * every thread without a lock: call it before other threads log and after
 * they stopped, and keep AL alive meanwhile (a reload uses
 * applog_reconfigure(), never a new applog).
 */
void	log_set_applog(struct applog *al);

/*
 * logrotate's command line speaks as logrotate does: errors "error: ...",
 * warnings "warning: ...", everything else bare and only with -v; COPY
 * (may be NULL: -l FILE) gets every message whatever the verbosity, and
 * SYSLOG (-l syslog) sends them to syslog as "logrotate".
 */
void	log_set_logrotate_style(FILE *copy, bool syslog);

/* log_warn() and fatal() append ": strerror(errno)". */
void	log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
noreturn void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
noreturn void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
