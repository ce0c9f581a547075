/*
 * httpparse.c: the request-head reader of the TCP front (RFC 9112's
 * request line and field lines). Strict where laxness lets a request be
 * read two ways (no space before a field's colon, no folded lines, no
 * conflicting Content-Length, no bare CR or NUL), and it keeps only what
 * the front needs: method, target, version, keep-alive, and whether a
 * body follows.
 */
#include <string.h>
#include <strings.h>

#include "web/httpparse.h"

static const struct {
	const char	*name;
	size_t		 len;
	enum http_method method;
} methods[] = {
	{ "GET", 3, HTTP_GET }, { "HEAD", 4, HTTP_HEAD },
	{ "POST", 4, HTTP_POST }, { "PUT", 3, HTTP_PUT },
	{ "DELETE", 6, HTTP_DELETE }, { "OPTIONS", 7, HTTP_OPTIONS },
	{ "TRACE", 5, HTTP_TRACE }, { "CONNECT", 7, HTTP_CONNECT },
	{ "PATCH", 5, HTTP_PATCH },
};

/* RFC 9110's tchar: what a method or a field name is made of. */
static int
is_tchar(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static int
all_tchar(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (!is_tchar((unsigned char)s[i]))
			return 0;
	return 1;
}

/* Case-insensitive S (LEN bytes) == the NUL-ended lower-case WORD. */
static int
is_word(const char *s, size_t len, const char *word)
{
	return len == strlen(word) && strncasecmp(s, word, len) == 0;
}

/*
 * The line at P (before END): its length without the CRLF or LF, and
 * where the next one starts; NULL while its end has not arrived.
 */
static const char *
next_line(const char *p, const char *end, size_t *len)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	if (nl == NULL)
		return NULL;
	*len = (size_t)(nl - p);
	if (*len > 0 && p[*len - 1] == '\r')
		(*len)--;
	return nl + 1;
}

/* A CR left inside a line, or a NUL, is how smuggled requests start. */
static int
has_stray_bytes(const char *line, size_t len)
{
	return memchr(line, '\r', len) != NULL ||
	    memchr(line, '\0', len) != NULL;
}

static ssize_t
parse_request_line(const char *line, size_t len, struct http_request *req)
{
	const char *end = line + len, *sp1, *sp2, *v;
	size_t mlen, i;

	if ((sp1 = memchr(line, ' ', len)) == NULL)
		return -400;
	mlen = (size_t)(sp1 - line);
	if (!all_tchar(line, mlen))
		return -400;
	req->method = HTTP_OTHER;
	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (methods[i].len == mlen &&
		    memcmp(methods[i].name, line, mlen) == 0)
			req->method = methods[i].method;

	req->target = sp1 + 1;
	if ((sp2 = memchr(req->target, ' ', (size_t)(end - req->target))) ==
	    NULL || sp2 == req->target)
		return -400;
	req->target_len = (size_t)(sp2 - req->target);
	for (i = 0; i < req->target_len; i++) {
		unsigned char c = (unsigned char)req->target[i];

		if (c < 0x21 || c == 0x7f)
			return -400;
	}

	v = sp2 + 1;
	if (end - v != 8 || memcmp(v, "HTTP/", 5) != 0 || v[6] != '.' ||
	    v[5] < '0' || v[5] > '9' || v[7] < '0' || v[7] > '9')
		return -400;
	if (v[5] != '1')
		return -505;
	req->minor = v[7] - '0';
	return 0;
}

struct fields {
	int	 close, keep_alive;
	int	 length_seen, length_huge;
	unsigned long long length;
};

/*
 * Content-Length: digits only, and the same value each time it comes. A
 * value too big to keep exactly (any body is refused, so its size is
 * moot) cannot be compared: a second length beside one is a conflict.
 */
static ssize_t
parse_length(const char *v, size_t len, struct fields *f)
{
	unsigned long long n = 0;
	int huge = 0;
	size_t i;

	if (len == 0)
		return -400;
	for (i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -400;
		if (n >= 100000000000000000ULL)
			huge = 1;
		else
			n = n * 10 + (unsigned long long)(v[i] - '0');
	}
	if (f->length_seen && (huge || f->length_huge || f->length != n))
		return -400;
	f->length_seen = 1;
	f->length_huge = huge;
	f->length = n;
	return 0;
}

/* Connection: a comma-separated list of options. */
static void
parse_connection(const char *v, size_t len, struct fields *f)
{
	const char *end = v + len;

	while (v < end) {
		const char *comma = memchr(v, ',', (size_t)(end - v));
		const char *e = comma != NULL ? comma : end;

		while (v < e && (*v == ' ' || *v == '\t'))
			v++;
		while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (is_word(v, (size_t)(e - v), "close"))
			f->close = 1;
		else if (is_word(v, (size_t)(e - v), "keep-alive"))
			f->keep_alive = 1;
		v = comma != NULL ? comma + 1 : end;
	}
}

static ssize_t
parse_field(const char *line, size_t len, struct fields *f,
    struct http_request *req)
{
	const char *colon = memchr(line, ':', len), *v, *end = line + len;
	size_t i;

	/* A folded line starts with a space, so its "name" fails here too. */
	if (colon == NULL || !all_tchar(line, (size_t)(colon - line)))
		return -400;
	for (v = colon + 1; v < end && (*v == ' ' || *v == '\t'); v++)
		;
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	for (i = 0; v + i < end; i++) {
		unsigned char c = (unsigned char)v[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return -400;
	}
	if (is_word(line, (size_t)(colon - line), "content-length"))
		return parse_length(v, (size_t)(end - v), f);
	if (is_word(line, (size_t)(colon - line), "transfer-encoding"))
		req->has_body = true;
	else if (is_word(line, (size_t)(colon - line), "connection"))
		parse_connection(v, (size_t)(end - v), f);
	return 0;
}

ssize_t
http_parse_head(const char *buf, size_t len, size_t max_head,
    struct http_request *req)
{
	const char *end = buf + (len < max_head ? len : max_head);
	const char *p = buf, *next;
	struct fields f = { 0 };
	size_t n;
	ssize_t rc;

	memset(req, 0, sizeof(*req));
	/* A head whose end is not within MAX_HEAD bytes never will be. */
	for (;;) {
		if ((next = next_line(p, end, &n)) == NULL)
			return len >= max_head ? -431 : 0;
		if (n > 0)
			break;
		p = next;
	}
	if (has_stray_bytes(p, n))
		return -400;
	if ((rc = parse_request_line(p, n, req)) != 0)
		return rc;
	for (p = next;; p = next) {
		if ((next = next_line(p, end, &n)) == NULL)
			return len >= max_head ? -431 : 0;
		if (n == 0)
			break;
		if (has_stray_bytes(p, n))
			return -400;
		if ((rc = parse_field(p, n, &f, req)) != 0)
			return rc;
	}
	if (f.length > 0)
		req->has_body = true;
	req->keep_alive = !f.close && (req->minor >= 1 || f.keep_alive);
	return next - buf;
}
