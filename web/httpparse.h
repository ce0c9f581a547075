/*
 * httpparse.h: reads one HTTP/1.x request head (request line and header
 * fields) out of a buffer. Pure: no I/O, no allocation, no libevent; it
 * keeps nothing but what the front acts on, and points into the buffer.
 */
#ifndef MOND_HTTPPARSE_H
#define MOND_HTTPPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

enum http_method {
	HTTP_GET, HTTP_HEAD, HTTP_POST, HTTP_PUT, HTTP_DELETE, HTTP_OPTIONS,
	HTTP_TRACE, HTTP_CONNECT, HTTP_PATCH,
	HTTP_OTHER		/* a well-formed method mond does not know */
};

struct http_request {
	enum http_method method;
	const char	*target;	/* as sent, into the buffer; not NUL-ended */
	size_t		 target_len;
	int		 minor;		/* HTTP/1.minor */
	bool		 keep_alive;	/* per version and Connection: */
	bool		 has_body;	/* Content-Length > 0, or Transfer-Encoding */
	const struct sockaddr *peer;	/* set by the front, not the parser */
};

/*
 * Parses the head at the start of BUF (LEN bytes). Returns its length,
 * the empty line included, once it is complete; 0 while it is not and
 * could still be (more bytes are needed); or minus the status to answer:
 * -400 (malformed), -431 (longer than MAX_HEAD bytes), -505 (not HTTP/1).
 * Lines may end in CRLF or a bare LF; empty lines before the request line
 * are skipped (and counted in the length returned).
 */
ssize_t	http_parse_head(const char *buf, size_t len, size_t max_head,
	    struct http_request *req);

#endif
