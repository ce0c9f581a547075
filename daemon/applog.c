/* applog.c: STUB, replaced by the web front work. */
#include <errno.h>
#include "daemon/applog.h"

struct applog *
applog_open(const struct applog_conf *conf)
{
	(void)conf;
	errno = ENOSYS;
	return NULL;
}

int
applog_write(struct applog *al, enum applog_msg_level level, const char *msg)
{
	(void)al; (void)level; (void)msg;
	errno = ENOSYS;
	return -1;
}

size_t
applog_format(char *buf, size_t size, const struct timespec *ts,
    enum applog_msg_level level, const char *msg)
{
	(void)buf; (void)size; (void)ts; (void)level; (void)msg;
	return 0;
}

void
applog_close(struct applog *al)
{
	(void)al;
}
