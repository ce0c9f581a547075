/*
 * fuzz_httpparse.c: libFuzzer target for the request-head reader alone,
 * on the input as one buffer and cut at every length up to 64 bytes (as
 * reads split it). Besides crashes and sanitizer reports, it aborts when
 * the reader claims more than it was given, or a target outside it.
 */
#include <stdint.h>
#include <stdlib.h>

#include "web/httpparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const char *buf, size_t len)
{
	struct http_request req;
	ssize_t rc = http_parse_head(buf, len, 8192, &req);

	if (rc > (ssize_t)len)
		abort();
	if (rc > 0 && (req.target < buf || req.target_len == 0 ||
	    req.target + req.target_len > buf + rc))
		abort();
	if (rc < 0 && rc != -400 && rc != -431 && rc != -505)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size > 0 ? size : 1);
	size_t cut;

	if (copy == NULL)
		return 0;
	/* An exact-size copy: any read past the end is ASan's to see. */
	for (cut = 0; cut <= size && cut <= 64; cut++) {
		char *part = malloc(cut > 0 ? cut : 1);

		if (part == NULL)
			break;
		for (size_t i = 0; i < cut; i++)
			part[i] = (char)data[i];
		check(part, cut);
		free(part);
	}
	for (size_t i = 0; i < size; i++)
		copy[i] = (char)data[i];
	check(copy, size);
	free(copy);
	return 0;
}
