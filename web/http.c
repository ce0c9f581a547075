/* http.c: STUB, replaced by the web front work. */
#include <stddef.h>
#include "web/http.h"

struct http_server *
http_start(struct event_base *base, const struct http_conf *conf,
    struct applog *applog)
{
	(void)base; (void)conf; (void)applog;
	return NULL;
}

int
http_port(const struct http_server *srv)
{
	(void)srv;
	return 0;
}

void
http_stop(struct http_server *srv)
{
	(void)srv;
}
