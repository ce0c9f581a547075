/*
 * log.c: the daemon's own messages, to stderr (the journal) and, for INFO
 * and worse, to mon.log once an applog is attached. It never exits except
 * in fatal(), which is for impossible states and ENOMEM.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/applog.h"
#include "daemon/log.h"

static int		 log_verbose;
static struct applog	*log_applog;

void
log_init(int verbose)
{
	log_verbose = verbose;
}

int
log_debugging(void)
{
	return log_verbose > 0;
}

void
log_set_applog(struct applog *al)
{
	log_applog = al;
}

static void
vlog(enum applog_msg_level level, const char *fmt, va_list ap, const char *why)
{
	char msg[2048];
	int n, saved = errno;	/* callers may log and then read errno */

	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (n >= 0 && why != NULL && (size_t)n < sizeof(msg))
		snprintf(msg + n, sizeof(msg) - (size_t)n, ": %s", why);
	/*
	 * mon.log first: whoever sees a line on stderr (the journal, a test)
	 * may then count on finding it in mon.log too.
	 */
	if (log_applog != NULL && level >= MSG_INFO)
		applog_write(log_applog, level, msg);
	/* One fprintf per line so concurrent writers do not interleave mid-line. */
	fprintf(stderr, "mond: %s\n", msg);
	errno = saved;
}

void
log_warn(const char *fmt, ...)
{
	const char *why = strerror(errno);
	va_list ap;

	va_start(ap, fmt);
	vlog(MSG_ERROR, fmt, ap, why);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(MSG_ERROR, fmt, ap, NULL);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(MSG_INFO, fmt, ap, NULL);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (log_verbose == 0)
		return;
	va_start(ap, fmt);
	vlog(MSG_DEBUG, fmt, ap, NULL);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	const char *why = strerror(errno);
	va_list ap;

	va_start(ap, fmt);
	vlog(MSG_ERROR, fmt, ap, why);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(MSG_ERROR, fmt, ap, NULL);
	va_end(ap);
	exit(1);
}
