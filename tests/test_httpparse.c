/*
 * test_httpparse.c: the request-head reader of the TCP front, on buffers:
 * what it takes, what it refuses with which status, and when it waits.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/httpparse.h"

#define MAX	8192

static ssize_t
parse(const char *head, struct http_request *req)
{
	return http_parse_head(head, strlen(head), MAX, req);
}

/*
 * The parser zeroes REQ before it reads, so a head it refuses leaves every
 * flag false: a check that a flag is off means something only once the
 * whole head was taken.
 */
static void
parse_whole(const char *head, struct http_request *req)
{
	cr_assert_eq(parse(head, req), (ssize_t)strlen(head),
	    "%s: want the whole head taken", head);
}

static void
expect_status(const char *head, ssize_t status)
{
	struct http_request req;

	cr_expect_eq(parse(head, &req), -status, "%s: want %zd",
	    head, status);
}

Test(httpparse, a_whole_get_returns_its_length_and_fields)
{
	static const char head[] = "GET /a?b=1 HTTP/1.1\r\nHost: x\r\n\r\nNEXT";
	struct http_request req;

	cr_assert_eq(parse(head, &req), (ssize_t)strlen(head) - 4);
	cr_expect_eq(req.method, HTTP_GET);
	cr_expect_eq(req.target_len, 6);
	cr_expect_eq(memcmp(req.target, "/a?b=1", 6), 0);
	cr_expect_eq(req.minor, 1);
	cr_expect(req.keep_alive);
	cr_expect_not(req.has_body);
}

Test(httpparse, an_unfinished_head_waits_for_more)
{
	struct http_request req;

	cr_expect_eq(parse("", &req), 0);
	cr_expect_eq(parse("GET / HT", &req), 0);
	cr_expect_eq(parse("GET / HTTP/1.1\r\nHost: x\r\n", &req), 0);
	cr_expect_eq(parse("GET / HTTP/1.1\r\nHost: x\r\n\r", &req), 0);
}

Test(httpparse, bare_lf_lines_and_leading_empty_lines_are_taken)
{
	static const char head[] = "\r\n\nHEAD / HTTP/1.0\nHost: x\n\n";
	struct http_request req;

	cr_assert_eq(parse(head, &req), (ssize_t)strlen(head));
	cr_expect_eq(req.method, HTTP_HEAD);
	cr_expect_eq(req.minor, 0);
}

Test(httpparse, keep_alive_follows_version_and_connection)
{
	struct http_request req;

	parse_whole("GET / HTTP/1.0\r\n\r\n", &req);
	cr_expect_not(req.keep_alive, "1.0 closes by default");
	parse_whole("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n",
	    &req);
	cr_expect(req.keep_alive, "1.0 with keep-alive");
	parse_whole("GET / HTTP/1.1\r\n\r\n", &req);
	cr_expect(req.keep_alive, "1.1 keeps by default");
	parse_whole("GET / HTTP/1.1\r\nConnection: foo, CLOSE \r\n\r\n",
	    &req);
	cr_expect_not(req.keep_alive, "close among other options");
	parse_whole("GET / HTTP/1.1\r\nconnection:close\r\n\r\n", &req);
	cr_expect_not(req.keep_alive, "no space after the colon");
	parse_whole("GET / HTTP/1.1\r\nX-Connection: close\r\n\r\n", &req);
	cr_expect(req.keep_alive, "another field's value is not Connection");
}

Test(httpparse, bodies_are_flagged)
{
	struct http_request req;

	parse_whole("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\n", &req);
	cr_expect(req.has_body);
	parse_whole("POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n", &req);
	cr_expect_not(req.has_body);
	parse_whole("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
	    &req);
	cr_expect(req.has_body);
	parse_whole("POST / HTTP/1.1\r\n"
	    "Content-Length: 99999999999999999999999\r\n\r\n", &req);
	cr_expect(req.has_body, "a length past 64 bits is still a body");
}

Test(httpparse, methods_are_told_apart_and_unknown_ones_kept)
{
	static const struct { const char *m; enum http_method want; } t[] = {
		{ "GET", HTTP_GET }, { "HEAD", HTTP_HEAD },
		{ "POST", HTTP_POST }, { "PUT", HTTP_PUT },
		{ "DELETE", HTTP_DELETE }, { "OPTIONS", HTTP_OPTIONS },
		{ "TRACE", HTTP_TRACE }, { "CONNECT", HTTP_CONNECT },
		{ "PATCH", HTTP_PATCH }, { "BREW", HTTP_OTHER },
		{ "get", HTTP_OTHER }, { "GETS", HTTP_OTHER },
	};
	struct http_request req;
	char head[64];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(head, sizeof(head), "%s / HTTP/1.1\r\n\r\n", t[i].m);
		cr_assert_gt(parse(head, &req), 0, "%s", t[i].m);
		cr_expect_eq(req.method, t[i].want, "%s", t[i].m);
	}
}

Test(httpparse, malformed_request_lines_are_400)
{
	expect_status("GARBAGE\r\n\r\n", 400);
	expect_status("GET /\r\n\r\n", 400);		/* HTTP/0.9 */
	expect_status("GET  / HTTP/1.1\r\n\r\n", 400);	/* empty target */
	expect_status("GET / HTTP/1.1 \r\n\r\n", 400);
	expect_status("GET / HTTP/9.9x\r\n\r\n", 400);
	expect_status("GET / HTTX/1.1\r\n\r\n", 400);
	expect_status("GET / http/1.1\r\n\r\n", 400);
	expect_status("G(T / HTTP/1.1\r\n\r\n", 400);
	expect_status("GET /\x7f HTTP/1.1\r\n\r\n", 400);
	expect_status("GET /a\tb HTTP/1.1\r\n\r\n", 400);
	expect_status("GET / HTTP/1.1\rX\r\n\r\n", 400);	/* bare CR */
}

Test(httpparse, other_major_versions_are_505)
{
	expect_status("GET / HTTP/2.0\r\n\r\n", 505);
	expect_status("GET / HTTP/0.9\r\n\r\n", 505);
}

Test(httpparse, a_later_minor_version_is_served_as_1_1)
{
	struct http_request req;

	cr_assert_gt(parse("GET / HTTP/1.7\r\n\r\n", &req), 0);
	cr_expect_eq(req.minor, 7);
	cr_expect(req.keep_alive);
}

Test(httpparse, fields_that_could_be_read_two_ways_are_400)
{
	expect_status("GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400);
	expect_status("GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", 400);
	expect_status("GET / HTTP/1.1\r\nNoColon\r\n\r\n", 400);
	expect_status("GET / HTTP/1.1\r\n: x\r\n\r\n", 400);
	expect_status("GET / HTTP/1.1\r\nA: b\rc\r\n\r\n", 400);
	expect_status("GET / HTTP/1.1\r\nA: b\x01\r\n\r\n", 400);
	expect_status("POST / HTTP/1.1\r\nContent-Length: 1\r\n"
	    "Content-Length: 2\r\n\r\n", 400);
	expect_status("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400);
	expect_status("POST / HTTP/1.1\r\nContent-Length: 1 2\r\n\r\n", 400);
	expect_status("POST / HTTP/1.1\r\nContent-Length:\r\n\r\n", 400);
}

Test(httpparse, a_nul_anywhere_in_the_head_is_400)
{
	static const char head[] = "GET / HTTP/1.1\r\nA: b\0c\r\n\r\n";
	struct http_request req;

	cr_expect_eq(http_parse_head(head, sizeof(head) - 1, MAX, &req), -400);
}

Test(httpparse, lengths_too_big_to_compare_conflict_with_any_other)
{
	struct http_request req;

	cr_expect_eq(parse("POST / HTTP/1.1\r\n"
	    "Content-Length: 100000000000000000000001\r\n"
	    "Content-Length: 100000000000000000000002\r\n\r\n", &req), -400);
	cr_expect_eq(parse("POST / HTTP/1.1\r\nContent-Length: 5\r\n"
	    "Content-Length: 100000000000000000000005\r\n\r\n", &req), -400);
}

Test(httpparse, repeated_equal_lengths_and_tabs_in_values_are_taken)
{
	struct http_request req;

	cr_expect_gt(parse("POST / HTTP/1.1\r\nContent-Length: 0\r\n"
	    "Content-Length:\t0\t\r\n\r\n", &req), 0);
	cr_expect_gt(parse("GET / HTTP/1.1\r\nA: b\tc\r\n\r\n", &req), 0);
}

Test(httpparse, a_head_past_the_limit_is_431_whole_or_not)
{
	char *head = malloc(MAX + 64);
	struct http_request req;
	size_t len;

	cr_assert_not_null(head);
	len = (size_t)snprintf(head, MAX + 64, "GET / HTTP/1.1\r\nX: ");
	memset(head + len, 'a', MAX);
	len += MAX - 10;
	/* Not finished, already over: no use waiting. */
	cr_expect_eq(http_parse_head(head, len, MAX, &req), -431);
	memcpy(head + len, "\r\n\r\n", 4);
	cr_expect_eq(http_parse_head(head, len + 4, MAX, &req), -431);
	/* Just under: taken. */
	len = MAX - 4;
	memcpy(head + len, "\r\n\r\n", 4);
	cr_expect_eq(http_parse_head(head, len + 4, MAX, &req),
	    (ssize_t)len + 4);
	free(head);
}

Test(httpparse, a_bad_line_is_refused_before_the_head_ends)
{
	struct http_request req;

	cr_expect_eq(parse("GARBAGE\r\nHost: x\r\n", &req), -400);
	cr_expect_eq(parse("GET / HTTP/1.1\r\nBad Field\r\n", &req), -400);
}
