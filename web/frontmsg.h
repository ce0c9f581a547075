/*
 * frontmsg.h: what the root process and the web front say to each other
 * over their socketpair. A frame is a 4-byte length (of the payload, host
 * order: both ends are one binary on one machine), a 1-byte type, then
 * the payload. The parent trusts nothing the front sends: a frame from it
 * is at most FMSG_FROM_FRONT_MAX bytes and only of the types it may send.
 */
#ifndef MOND_FRONTMSG_H
#define MOND_FRONTMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf/conf.h"
#include "web/http.h"
#include "web/render.h"

struct evbuffer;

enum fmsg_type {
	FMSG_CONFIG = 1,	/* parent: http {}, applog {}, counts so far */
	FMSG_READY,		/* front: listening; u32 port, u32 pid */
	FMSG_FAILED,		/* front: could not start; a message */
	FMSG_STALE,		/* parent: the status changed */
	FMSG_WANT,		/* front: a snapshot, please; its counts */
	FMSG_SNAPSHOT,		/* parent: the status pages' data */
};

#define FMSG_HEAD		5
#define FMSG_FROM_FRONT_MAX	256
#define FMSG_TO_FRONT_MAX	(512u * 1024 * 1024)

/* Reading a payload: every get checks the bounds; bad sticks. */
struct fmsg_reader {
	const unsigned char *p;
	size_t		 left;
	bool		 bad;
};

/*
 * Appends a whole frame of TYPE with PAYLOAD (may be NULL: empty) to OUT.
 * Returns 0, or -1 when out of memory.
 */
int	fmsg_frame(struct evbuffer *out, enum fmsg_type type,
	    struct evbuffer *payload);

/*
 * Takes the next whole frame off IN: *TYPE, and its payload into
 * *PAYLOAD (malloc'd, *LEN bytes; NULL when empty). Returns 1 for a
 * frame, 0 when none is whole yet, -1 when its length passes MAX or
 * memory ran out.
 */
int	fmsg_next(struct evbuffer *in, size_t max, enum fmsg_type *type,
	    unsigned char **payload, size_t *len);

void	fmsg_put_u32(struct evbuffer *b, uint32_t v);
void	fmsg_put_u64(struct evbuffer *b, uint64_t v);
void	fmsg_put_str(struct evbuffer *b, const char *s);	/* NULL too */

uint32_t fmsg_get_u32(struct fmsg_reader *r);
uint64_t fmsg_get_u64(struct fmsg_reader *r);
/* Points into the payload (NUL-ended there); NULL for a NULL put. */
const char *fmsg_get_str(struct fmsg_reader *r);

/* What the front is started with. */
struct front_config {
	struct http_conf http;
	struct applog_conf applog;
	struct http_counts counts;
};

void	fmsg_put_config(struct evbuffer *b, const struct http_conf *http,
	    const struct applog_conf *applog, const struct http_counts *counts);
/* Its strings point into R's payload. -1 when malformed. */
int	fmsg_get_config(struct fmsg_reader *r, struct front_config *fc);

/* S without its http counts (the front has its own). */
void	fmsg_put_snapshot(struct evbuffer *b, const struct status_snapshot *s);

/*
 * A snapshot decoded: S's strings point into PAYLOAD, which it owns with
 * ROWS (and each row's history and rotated_at), PROBLEMS and FS.
 */
struct front_snapshot {
	struct status_snapshot s;
	unsigned char	*payload;
	struct status_row *rows;
	struct status_problem *problems;
	struct status_fs *fs;
};

/* Takes PAYLOAD (LEN bytes) on success; -1 when malformed or no memory. */
int	fmsg_get_snapshot(unsigned char *payload, size_t len,
	    struct front_snapshot *fs);
void	front_snapshot_free(struct front_snapshot *fs);

#endif
