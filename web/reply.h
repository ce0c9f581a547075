/*
 * reply.h: the text of the front's answers: an http_reply's status line
 * and fields, HTTP's Date field, and the answers the front gives on its
 * own (a refused request, one client too many). It formats into the
 * caller's memory and never touches a socket or a connection.
 */
#ifndef MOND_REPLY_H
#define MOND_REPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "web/front.h"

struct event_base;

/* HTTP's Date field, formatted at most once a second. */
struct reply_date {
	time_t		 at;		/* the second of field; -1 before any */
	char		 field[40];	/* "Date: ...\r\n" */
};

/* D before its first use: no second formatted yet. */
void	reply_date_init(struct reply_date *d);

/*
 * D's field ("Date: ...\r\n") for the second of BASE's cached clock
 * (the system's when BASE has none), formatted again only when that
 * second changed. Points into D.
 */
const char *reply_date(struct reply_date *d, struct event_base *base);

/* The lengths of a head's parts, measured once per answer. */
struct reply_lens {
	size_t	reason;
	size_t	date;
	size_t	type;		/* 0 without a Content-Type */
	size_t	extra;
};

/*
 * The most bytes reply_head writes for R with Date field DATE: the fixed
 * text, the longest code and length, and R's own fields, whose lengths it
 * leaves in *LENS for reply_head.
 */
size_t	reply_head_max(const struct http_reply *r, const char *date,
	    struct reply_lens *lens);

/*
 * Writes at P the head of R (status line, R's fields, DATE, its
 * Content-Length, the empty line) as answer to a request of version
 * 1.MINOR: "Connection: close" without KEEP, "Connection: keep-alive"
 * when a 1.0 request stays open. P has reply_head_max() bytes of room;
 * LENS is what that measured. Returns the end of what it wrote.
 */
char	*reply_head(char *p, const struct http_reply *r, const char *date,
	    const struct reply_lens *lens, int minor, bool keep);

/* Room for the page reply_error writes. */
#define REPLY_ERROR_PAGE	160

/*
 * Fills R with the front's answer to a request it refuses: CODE 413, 431
 * or 505, any other as 400, with a short HTML page written to BODY
 * (REPLY_ERROR_PAGE bytes), which R points to and does not release.
 */
void	reply_error(struct http_reply *r, int code, char *body);

/*
 * The whole answer (503, Retry-After, "Connection: close") to a client
 * past max_clients; its length in *LEN. A static string.
 */
const char *reply_busy(size_t *len);

#endif
