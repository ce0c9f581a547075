/*
 * fuzz_frontmsg.c: libFuzzer target for the frames between the root
 * process and the web front (web/frontmsg.c). The input is a byte stream
 * as either side might read it: frames are taken off it with the root
 * process's bound (what a compromised front could send) and the front's,
 * and each payload is decoded as a config and as a snapshot. Besides
 * crashes and sanitizer reports, it aborts when a decoded snapshot points
 * outside its payload or claims more rows or file systems than the
 * payload could hold.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "web/frontmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
inside(const char *s, const unsigned char *p, size_t len)
{
	if (s != NULL && ((const unsigned char *)s < p ||
	    (const unsigned char *)s + strlen(s) >= p + len))
		abort();
}

static void
decode(unsigned char *payload, size_t len)
{
	struct fmsg_reader r = { payload, len, false };
	struct front_config fc;
	struct front_snapshot fs;
	unsigned char *copy;
	size_t i;

	if (fmsg_get_config(&r, &fc) == 0)
		inside(fc.http.listen, payload, len);
	if (len == 0 || (copy = malloc(len)) == NULL)
		return;
	memcpy(copy, payload, len);
	if (fmsg_get_snapshot(copy, len, &fs) == -1) {
		free(copy);
		return;
	}
	if (fs.s.nrows > len / 88 || fs.s.nfs > len / 28)
		abort();
	for (i = 0; i < fs.s.nrows; i++) {
		inside(fs.s.rows[i].path, copy, len);
		inside(fs.s.rows[i].error, copy, len);
	}
	for (i = 0; i < fs.s.nfs; i++)
		inside(fs.s.fs[i].path, copy, len);
	front_snapshot_free(&fs);
}

static void
take_all(const uint8_t *data, size_t size, size_t max)
{
	struct evbuffer *in = evbuffer_new();
	enum fmsg_type type;
	unsigned char *payload;
	size_t len;

	if (in == NULL)
		return;
	evbuffer_add(in, data, size);
	while (fmsg_next(in, max, &type, &payload, &len) == 1) {
		if (len > max)
			abort();
		decode(payload, len);
		free(payload);
	}
	evbuffer_free(in);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	take_all(data, size, FMSG_FROM_FRONT_MAX);
	take_all(data, size, 1 << 20);
	return 0;
}
