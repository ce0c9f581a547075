/*
 * log.c: the daemon's own messages, to stderr (the journal) and, for INFO
 * and worse, to mon.log once an applog is attached. It never exits except
 * in fatal(), which is for impossible states and ENOMEM.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "util/applog.h"
#include "util/log.h"

static int		 log_verbose;
static struct applog	*log_applog;
static bool		 log_lr;	/* logrotate's command line */
static FILE		*log_copy;
static bool		 log_syslog;

void
log_init(int verbose)
{
	log_verbose = verbose;
}

int
log_debugging(void)
{
	return log_verbose > 0 || log_copy != NULL || log_syslog;
}

void
log_set_applog(struct applog *al)
{
	log_applog = al;
}

void
log_set_logrotate_style(FILE *copy, bool syslog)
{
	log_lr = true;
	log_copy = copy;
	log_syslog = syslog;
	if (syslog)
		openlog("logrotate", 0, LOG_USER);
}

static const char *
lr_prefix(enum applog_msg_level level)
{
	return level == MSG_ERROR ? "error: " : level == MSG_WARNING ?
	    "warning: " : "";
}

/* logrotate's words: its levels, and stdout for nothing. */
static void
lr_out(enum applog_msg_level level, const char *msg)
{
	static const int prio[] = { [MSG_DEBUG] = LOG_INFO,
	    [MSG_INFO] = LOG_INFO, [MSG_WARNING] = LOG_WARNING,
	    [MSG_ERROR] = LOG_ERR };

	if (level >= MSG_WARNING || log_verbose > 0)
		fprintf(stderr, "%s%s\n", lr_prefix(level), msg);
	if (log_copy != NULL) {
		fprintf(log_copy, "%s%s\n", lr_prefix(level), msg);
		fflush(log_copy);
	}
	if (log_syslog)
		syslog(prio[level], "%s", msg);
}

/*
 * Copies SRC into DST (SIZE bytes, truncating) with every control byte
 * written as \n, \r, \t or \xHH: a file name holding a newline cannot
 * make one message look like two in mon.log or the journal.
 */
static void
escape_controls(char *dst, size_t size, const char *src)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	unsigned char ch;

	for (; (ch = (unsigned char)*src) != '\0' && o + 5 < size; src++) {
		if (ch >= 0x20 && ch != 0x7f) {
			dst[o++] = (char)ch;
			continue;
		}
		dst[o++] = '\\';
		if (ch == '\n' || ch == '\r' || ch == '\t')
			dst[o++] = ch == '\n' ? 'n' : ch == '\r' ? 'r' : 't';
		else {
			dst[o++] = 'x';
			dst[o++] = hex[ch >> 4];
			dst[o++] = hex[ch & 0xf];
		}
	}
	dst[o] = '\0';
}

static void
vlog(enum applog_msg_level level, const char *fmt, va_list ap, const char *why)
{
	char raw[2048], msg[sizeof(raw) * 4];
	int n, saved = errno;	/* callers may log and then read errno */

	n = vsnprintf(raw, sizeof(raw), fmt, ap);
	if (n >= 0 && why != NULL && (size_t)n < sizeof(raw))
		snprintf(raw + n, sizeof(raw) - (size_t)n, ": %s", why);
	/*
	 * mon.log first: whoever sees a line on stderr (the journal, a test)
	 * may then count on finding it in mon.log too.
	 */
	if (log_lr) {
		lr_out(level, raw);	/* as logrotate prints names: raw */
		errno = saved;
		return;
	}
	escape_controls(msg, sizeof(msg), raw);
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
log_warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(MSG_WARNING, fmt, ap, NULL);
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

	/* -l FILE hears logrotate's debug lines even without -v. */
	if (!log_debugging())
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
