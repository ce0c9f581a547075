/*
 * reply.c: the text of the front's answers (reply.h). Heads are written
 * with memcpy and hand-made digits, not printf: one is formatted per
 * request, on the front's hottest path. Only the Date field, which
 * changes once a second, goes through snprintf. Nothing here knows a
 * connection, a socket or where the bytes will be sent from.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "web/reply.h"

static const char error_page[] =
    "<!doctype html>\n<title>%d %s</title>\n<h1>%s</h1>\n";

void
reply_date_init(struct reply_date *d)
{
	d->at = (time_t)-1;
	d->field[0] = '\0';
}

const char *
reply_date(struct reply_date *d, struct event_base *base)
{
	static const char days[][4] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char months[][4] = { "Jan", "Feb", "Mar", "Apr", "May",
		"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct timeval tv;
	struct tm tm;

	if (event_base_gettimeofday_cached(base, &tv) == -1)
		tv.tv_sec = time(NULL);
	if (tv.tv_sec != d->at && gmtime_r(&tv.tv_sec, &tm) != NULL) {
		d->at = tv.tv_sec;
		snprintf(d->field, sizeof(d->field),
		    "Date: %s, %02d %s %04d %02d:%02d:%02d GMT\r\n",
		    days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12],
		    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	}
	return d->field;
}

static char *
put(char *p, const char *s, size_t n)
{
	memcpy(p, s, n);
	return p + n;
}

static char *
put_num(char *p, size_t v)
{
	char digits[24];
	size_t i = sizeof(digits);

	do
		digits[--i] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	return put(p, digits + i, sizeof(digits) - i);
}

size_t
reply_head_max(const struct http_reply *r, const char *date,
    struct reply_lens *lens)
{
	lens->reason = strlen(r->reason);
	lens->date = strlen(date);
	lens->type = r->type != NULL ? strlen(r->type) : 0;
	lens->extra = r->extra != NULL ? strlen(r->extra) : 0;
	return 128 + lens->reason + lens->date + lens->type + lens->extra;
}

char *
reply_head(char *p, const struct http_reply *r, const char *date,
    const struct reply_lens *lens, int minor, bool keep)
{
	p = put(p, "HTTP/1.1 ", 9);
	p = put_num(p, (size_t)r->code);
	*p++ = ' ';
	p = put(p, r->reason, lens->reason);
	p = put(p, "\r\n", 2);
	if (r->type != NULL) {
		p = put(p, "Content-Type: ", 14);
		p = put(p, r->type, lens->type);
		p = put(p, "\r\n", 2);
	}
	if (r->extra != NULL)
		p = put(p, r->extra, lens->extra);
	p = put(p, date, lens->date);
	p = put(p, "Content-Length: ", 16);
	p = put_num(p, r->len);
	p = put(p, "\r\n", 2);
	if (!keep)
		p = put(p, "Connection: close\r\n", 19);
	else if (minor == 0)
		p = put(p, "Connection: keep-alive\r\n", 24);
	return put(p, "\r\n", 2);
}

void
reply_error(struct http_reply *r, int code, char *body)
{
	const char *reason;
	int n;

	memset(r, 0, sizeof(*r));
	r->code = code;
	switch (code) {
	case 413: reason = "Content Too Large"; break;
	case 431: reason = "Request Header Fields Too Large"; break;
	case 505: reason = "HTTP Version Not Supported"; break;
	default: reason = "Bad Request"; r->code = 400; break;
	}
	r->reason = reason;
	r->type = "text/html; charset=utf-8";
	r->body = body;
	n = snprintf(body, REPLY_ERROR_PAGE, error_page, r->code, reason,
	    reason);
	r->len = n > 0 && n < REPLY_ERROR_PAGE ? (size_t)n : 0;
}

const char *
reply_busy(size_t *len)
{
	static const char busy[] = "HTTP/1.1 503 Service Unavailable\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Retry-After: 1\r\nContent-Length: 17\r\n"
	    "Connection: close\r\n\r\ntoo many clients\n";

	*len = sizeof(busy) - 1;
	return busy;
}
