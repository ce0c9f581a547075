/*
 * confmsg.c: how the config readers speak. Each message goes to one sink,
 * stderr as "mond: ..." by default or the one logrotate's command line
 * installs, and what was left out is also recorded in the config itself,
 * so that `mond -t`, the status pages and a reload can tell.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"

/* The readers run on one thread (libconfuse's lexer is global anyway). */
static conf_msg_fn msg_sink;

void
conf_set_msg(conf_msg_fn fn)
{
	msg_sink = fn;
}

static void
vmsg(enum conf_msg_level level, const char *fmt, va_list ap)
{
	char text[2048];

	vsnprintf(text, sizeof(text), fmt, ap);
	if (msg_sink != NULL)
		msg_sink(level, text);
	else if (level != CONF_MSG_DEBUG)
		fprintf(stderr, "mond: %s\n", text);
}

void
conf_msg(enum conf_msg_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(level, fmt, ap);
	va_end(ap);
}

int
conf_problem(struct mond_conf *conf, const char *file, int line,
    enum conf_problem_kind kind, const char *fmt, ...)
{
	struct conf_problem *np, *p;
	va_list ap;
	char *what;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&what, fmt, ap);
	va_end(ap);
	if (n == -1)
		return -1;
	if (line > 0)
		conf_msg(CONF_MSG_ERROR, "%s:%d: %s", file, line, what);
	else
		conf_msg(CONF_MSG_ERROR, "%s: %s", file, what);
	np = reallocarray(conf->problems, conf->nproblems + 1, sizeof(*np));
	if (np == NULL) {
		free(what);
		return -1;
	}
	conf->problems = np;
	p = &np[conf->nproblems];
	if ((p->file = strdup(file)) == NULL) {
		free(what);
		return -1;
	}
	p->line = line;
	p->what = what;
	p->kind = kind;
	conf->nproblems++;
	return 0;
}
