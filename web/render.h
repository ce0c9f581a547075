/*
 * render.h: the bodies of GET /status (HTML), /status.json and /metrics
 * (Prometheus text format 0.0.4), built from plain structs. Nothing here
 * knows libevent, files or clocks: the caller fills a snapshot, and every
 * text in it is escaped for the format it lands in.
 */
#ifndef MOND_RENDER_H
#define MOND_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "conf/conf.h"

/*
 * A log's last day: the largest size seen in each step of
 * STATUS_HISTORY_STEP seconds, oldest first, at most STATUS_HISTORY_MAX
 * of them; and the rotations of the same span, at most
 * STATUS_ROTATIONS_MAX (the latest). A shorter step (a testing aid,
 * MOND_HISTORY_STEP) makes the span STATUS_HISTORY_MAX of those.
 */
#define STATUS_HISTORY_STEP	600
#define STATUS_HISTORY_MAX	144
#define STATUS_HISTORY_SPAN	(STATUS_HISTORY_MAX * STATUS_HISTORY_STEP)
#define STATUS_ROTATIONS_MAX	64

struct status_sample {
	time_t		 at;		/* when the size was last read */
	long long	 size;		/* bytes; -1 when missing */
};

/* One configured log (a file a pattern matched). */
struct status_row {
	const char	*path;
	const char	*rule;		/* the stanza's title */
	long long	 size;		/* bytes; -1 when missing */
	long long	 threshold;	/* bytes; -1 when kind is NONE */
	enum threshold_kind threshold_kind;
	time_t		 last;		/* last rotation; 0 = never */
	time_t		 next_due;	/* (time_t)-1 = size only */
	int		 backups;	/* rule's rotate: kept; -1 = forever */
	const char	*outcome;	/* of the last pass: "idle", "rotated"... */
	const char	*error;		/* the last failure's text; NULL = none */
	unsigned long long rotations;	/* since the daemon started */
	unsigned long long failures;
	/* its rotated files after the last pass: count, st_size sum; -1 = ? */
	long long	 rotated_files;
	long long	 rotated_bytes;
	/* the last day, as above: NULL, 0 when none */
	const struct status_sample *history;
	size_t		 nhistory;
	const time_t	*rotated_at;	/* oldest first */
	size_t		 nrotated_at;
	/*
	 * Since the daemon started: the bytes mond compressed of the log's
	 * rotated files, and the size of the files that made (0, 0: none).
	 */
	long long	 packed_in;
	long long	 packed_out;
};

/* A file system holding configured logs (their directories or olddirs). */
struct status_fs {
	const char	*path;		/* its mount point */
	long long	 free;		/* bytes free for non-root; -1 unknown */
	long long	 size;		/* bytes; -1 unknown */
	long long	 minfree;	/* what minfree keeps free there; -1 none */
};

/* What the configuration readers could not take (conf.h's conf_problem). */
struct status_problem {
	const char	*file;
	int		 line;		/* 0: the whole file */
	const char	*what;
	bool		 skipped;	/* a stanza or file left out; else a line */
};

/* Responses the web front sent with one status code. */
struct status_http_count {
	int		 code;
	unsigned long long count;
};

struct status_snapshot {
	const char	*version;
	const char	*conf_path;
	time_t		 now;
	time_t		 started;
	bool		 worker_alive;
	const struct status_row *rows;
	size_t		 nrows;
	const struct status_http_count *http;
	size_t		 nhttp;
	const struct status_problem *problems;
	size_t		 nproblems;
	const struct status_fs *fs;
	size_t		 nfs;
	/* seconds each history sample stands for; 0: STATUS_HISTORY_STEP */
	int		 history_step;
	/* Changes with the data: pages rendered for one serial are reused. */
	unsigned long long serial;
};

/* A growing byte buffer; failed is set (and sticks) when an append ran out of memory. */
struct render_buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
	bool	 failed;
};

/*
 * Each appends its body to BUF. Returns 0, or -1 with errno ENOMEM (BUF
 * then holds a truncated body the caller must not send).
 */
int	render_html(struct render_buf *buf, const struct status_snapshot *s);
int	render_json(struct render_buf *buf, const struct status_snapshot *s);
int	render_metrics(struct render_buf *buf, const struct status_snapshot *s);

/* "size", "maxsize", "minsize" or "none". */
const char *render_threshold_name(enum threshold_kind kind);

void	render_buf_free(struct render_buf *buf);

#endif
