/*
 * control.h: the daemon's control socket, an evhttp server on an AF_UNIX
 * socket (mode 0600) whose peers must be root or the daemon's own uid, and
 * the blocking client `mond --force-rotate` uses to reach it. The server
 * rotates nothing itself: POST /rotate is handed to the scheduler, which
 * replies through control_reply_report() once the worker is done.
 */
#ifndef MOND_CONTROL_H
#define MOND_CONTROL_H

#include <stddef.h>
#include <stdio.h>

#include "conf/conf.h"
#include "daemon/mond.h"

struct event_base;
struct evbuffer;
struct evhttp_request;
struct pass_report;
struct control;

struct control_ops {
	/*
	 * POST /rotate: PATTERNS (NULL-terminated, N of them, owned by the
	 * callee from now on; free with control_free_patterns) name the logs,
	 * none = all. The callee owns REQ until it calls control_reply_*().
	 */
	void	(*rotate)(struct evhttp_request *req, char **patterns,
		    size_t n, void *arg);
	/* GET /status.json: appends the JSON body to BUF. */
	void	(*status)(struct evbuffer *buf, void *arg);
	void	*arg;
};

/*
 * Creates the socket at PATH (its directory must exist; a stale socket is
 * replaced, anything else at PATH is an error, a live daemon answering on
 * it too) and serves it on BASE. Returns NULL after logging why.
 */
struct control *control_start(struct event_base *base, const char *path,
	    const struct control_ops *ops);
/* Stops serving and removes the socket file. NULL is fine. */
void	control_stop(struct control *ctl);

/*
 * Answers a POST /rotate with REP: one line per log ("rotated PATH",
 * "skipped PATH: why", "failed PATH: why"), then "N failed"; status 200,
 * header X-Mond-Failed: N.
 */
void	control_reply_report(struct evhttp_request *req,
	    const struct pass_report *rep);
/* Answers REQ with CODE and a one-line text body. */
void	control_reply_error(struct evhttp_request *req, int code,
	    const char *reason, const char *msg);
void	control_free_patterns(char **patterns, size_t n);

/*
 * Client: asks the daemon listening on CONF->control for a forced pass over
 * PATTERNS (N of them; none = all), copies the report lines to OUT and sets
 * *FAILED to the number of failed logs. Returns 0 when the daemon answered;
 * -1 with errno ENOENT or ECONNREFUSED when no daemon listens there; -1
 * with another errno (after a message on stderr) when it went wrong.
 */
int	control_force_rotate(const struct mond_conf *conf,
	    char *const *patterns, size_t n, FILE *out, int *failed);

/*
 * `mond --force-rotate` without --dry-run/--now/-s: loads the config and
 * tries the daemon. Returns the exit code when the daemon (or a failure)
 * decided it, or -1 when no daemon runs and the caller rotates in process.
 */
int	control_cli_force(const struct run_opts *opts);

#endif
