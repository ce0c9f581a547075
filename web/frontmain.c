/*
 * frontmain.c: the web front's own process (DESIGN §1, §8), as `mond
 * --web-front` runs it (the root process forks and executes it; webproc.c).
 * It reads its settings from the socketpair on descriptor 3, binds the
 * listener and takes mon.log's directory while still root, chroots there,
 * becomes the configured user, locks itself in with seccomp, and says
 * READY. From then on it serves HTTP and writes mon.log alone; the status
 * routes ask the parent for a snapshot at most once a second, or when told
 * the status changed, waiting for the answer a bounded time.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "util/applog.h"
#include "util/clock.h"
#include "util/log.h"
#include "web/frontmain.h"
#include "web/frontmsg.h"
#include "web/http.h"
#include "web/sandbox.h"

/*
 * How long a status page (or /healthz) waits for the parent's snapshot,
 * the loop stopped meanwhile. A parent that did not answer is asked
 * again only a second later: a flood of /healthz while it is busy costs
 * GET / at most this long a second.
 */
#define SNAPSHOT_WAIT_MS	500
/* Descriptors beyond the clients': listener, link, mon.log, epoll... */
#define NOFILE_SPARE		32

struct front {
	int		 fd;		/* the link to the parent */
	struct event_base *base;
	struct event	*ev_link;
	struct evbuffer	*in;
	struct http_server *http;
	struct applog	*applog;
	struct front_snapshot snap;
	bool		 have_snap;
	bool		 stale;		/* the parent said the status changed */
	bool		 answering;	/* the parent answered the last ask */
	double		 fetched;	/* monotonic seconds of snap */
	unsigned long long serial;
	struct http_counts counts;
	struct status_http_count listed[HTTP_NCOUNTED];
};

/* Writes all of B to the parent (the link is blocking). */
static int
send_all(struct front *f, struct evbuffer *b)
{
	while (evbuffer_get_length(b) > 0)
		if (evbuffer_write(b, f->fd) == -1 && errno != EINTR)
			return -1;
	return 0;
}

static int
send_frame(struct front *f, enum fmsg_type type, struct evbuffer *payload)
{
	struct evbuffer *b = evbuffer_new();
	int rc = -1;

	if (b != NULL && fmsg_frame(b, type, payload) == 0)
		rc = send_all(f, b);
	if (b != NULL)
		evbuffer_free(b);
	return rc;
}

static void
say_failed(struct front *f, const char *what)
{
	struct evbuffer *b = evbuffer_new();

	if (b == NULL)
		return;
	fmsg_put_str(b, what);
	send_frame(f, FMSG_FAILED, b);
	evbuffer_free(b);
}

/*
 * Acts on every whole frame read; returns 1 once a snapshot came, -1 when
 * the parent broke the protocol.
 */
static int
take_frames(struct front *f)
{
	enum fmsg_type type;
	unsigned char *payload;
	size_t len;
	int rc, got = 0;

	while ((rc = fmsg_next(f->in, FMSG_TO_FRONT_MAX, &type, &payload,
	    &len)) == 1) {
		struct front_snapshot fs;

		switch (type) {
		case FMSG_STALE:
			f->stale = true;
			break;
		case FMSG_SNAPSHOT:
			if (fmsg_get_snapshot(payload, len, &fs) == -1) {
				log_warnx("web front: a bad snapshot");
				free(payload);
				return -1;
			}
			payload = NULL;		/* fs owns it */
			front_snapshot_free(&f->snap);
			f->snap = fs;
			f->have_snap = true;
			f->stale = false;
			f->fetched = mond_monotonic();
			f->serial++;
			got = 1;
			break;
		default:
			break;
		}
		free(payload);
	}
	return rc == -1 ? -1 : got;
}

/* Asks for a snapshot and waits for it, at most SNAPSHOT_WAIT_MS. */
static void
fetch_snapshot(struct front *f)
{
	struct evbuffer *b = evbuffer_new();
	struct pollfd pfd = { .fd = f->fd, .events = POLLIN };
	double until = mond_monotonic() + SNAPSHOT_WAIT_MS / 1000.0, left;
	size_t i;
	int n;

	/* Asked now, answered or not: the next ask a second later at most. */
	f->answering = false;
	f->fetched = mond_monotonic();
	f->stale = false;
	if (b == NULL)
		return;
	for (i = 0; i < HTTP_NCOUNTED; i++)
		fmsg_put_u64(b, f->counts.n[i]);
	n = send_frame(f, FMSG_WANT, b);
	evbuffer_free(b);
	if (n == -1)
		return;
	while ((left = until - mond_monotonic()) > 0) {
		if ((n = poll(&pfd, 1, (int)(left * 1000) + 1)) == -1 &&
		    errno != EINTR)
			return;
		if (n <= 0)
			continue;
		if (evbuffer_read(f->in, f->fd, 1 << 20) <= 0)
			return;
		if ((n = take_frames(f)) == -1)
			exit(1);
		if (n == 1) {
			f->answering = true;
			return;
		}
	}
	log_warnx("web front: no snapshot from mond in %d ms",
	    SNAPSHOT_WAIT_MS);
}

static void
fill_snapshot(struct status_snapshot *s, void *arg)
{
	struct front *f = arg;

	if (f->stale || mond_monotonic() - f->fetched >= 1.0)
		fetch_snapshot(f);
	/* None yet (the parent did not answer): version NULL says so. */
	*s = f->snap.s;
	s->worker_alive = s->worker_alive && f->answering;
	s->serial = f->serial;
	s->nhttp = http_counts_list(&f->counts, f->listed);
	s->http = f->listed;
}

static int
is_alive(void *arg)
{
	struct front *f = arg;
	struct status_snapshot s;

	fill_snapshot(&s, f);
	return s.worker_alive;
}

static void
on_link(evutil_socket_t fd, short what, void *arg)
{
	struct front *f = arg;
	int n;

	(void)what;
	if ((n = evbuffer_read(f->in, fd, 1 << 20)) == -1 && errno == EINTR)
		return;
	if (n <= 0) {
		/* The parent is gone or stopping us: nothing left to serve. */
		event_base_loopbreak(f->base);
		return;
	}
	if (take_frames(f) == -1)
		event_base_loopbreak(f->base);
}

/* Reads frames until the CONFIG; its strings point into *PAYLOAD. */
static int
read_config(struct front *f, struct front_config *fc, unsigned char **payload)
{
	enum fmsg_type type;
	size_t len;
	int rc;

	for (;;) {
		rc = fmsg_next(f->in, FMSG_FROM_FRONT_MAX * 64, &type, payload,
		    &len);
		if (rc == -1)
			return -1;
		if (rc == 1) {
			struct fmsg_reader r = { *payload, len, false };

			if (type == FMSG_CONFIG)
				return fmsg_get_config(&r, fc);
			free(*payload);
			*payload = NULL;
			continue;
		}
		if (evbuffer_read(f->in, f->fd, 65536) <= 0)
			return -1;
	}
}

/* Why a start failed, into WHY; truncated if need be. */
static void __attribute__((format(printf, 3, 4)))
say(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
}

/*
 * Whether root may follow a symlink or make a directory inside the open
 * directory FD: it is root's and nobody else may write it. Not root (PW
 * NULL): whatever the caller may do is the caller's business.
 */
static bool
trusted_dir(int fd, const struct passwd *pw)
{
	struct stat st;

	return pw == NULL || (fstat(fd, &st) == 0 && st.st_uid == 0 &&
	    (st.st_mode & (S_IWGRP | S_IWOTH)) == 0);
}

/*
 * Opens DIR component by component, as root. A component that is a
 * symlink is followed, and a missing one made (0755; the last 0750 and
 * PW's), only inside a trusted directory: a front's user who can write
 * some directory on the way cannot steer root's mkdir or chown elsewhere.
 * Returns the directory's fd, *MADE when this made it; -1 with WHY.
 */
static int
open_log_dir(const char *dir, const struct passwd *pw, bool *made, char *why,
    size_t whylen)
{
	char buf[PATH_MAX], *comp, *next, *save = NULL;
	int fd, nfd;
	bool last;

	*made = false;
	if (snprintf(buf, sizeof(buf), "%s", dir) >= (int)sizeof(buf)) {
		say(why, whylen, "%s: %s", dir, strerror(ENAMETOOLONG));
		return -1;
	}
	if ((fd = open(dir[0] == '/' ? "/" : ".", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		goto fail;
	for (comp = strtok_r(buf, "/", &save); comp != NULL; comp = next) {
		next = strtok_r(NULL, "/", &save);
		last = next == NULL;
		nfd = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		if (nfd == -1 && (errno == ELOOP || errno == ENOTDIR) &&
		    trusted_dir(fd, pw))
			nfd = openat(fd, comp, O_RDONLY | O_DIRECTORY |
			    O_CLOEXEC);
		else if (nfd == -1 && errno == ENOENT && trusted_dir(fd, pw)) {
			if (mkdirat(fd, comp, last && pw != NULL ? 0750 : 0755) ==
			    -1 || (nfd = openat(fd, comp, O_RDONLY | O_DIRECTORY |
			    O_NOFOLLOW | O_CLOEXEC)) == -1)
				goto fail;
			*made = last;
		} else if (nfd == -1 && (errno == ENOENT || errno == ELOOP)) {
			say(why, whylen, "%s: %s is a link or missing inside a "
			    "directory others may write; refused", dir, comp);
			close(fd);
			return -1;
		}
		if (nfd == -1)
			goto fail;
		close(fd);
		fd = nfd;
	}
	if (*made && pw != NULL && fchown(fd, pw->pw_uid, pw->pw_gid) == -1)
		goto fail;
	return fd;
fail:
	say(why, whylen, "%s: %s", dir, strerror(errno));
	if (fd != -1)
		close(fd);
	return -1;
}

/*
 * Makes DIR the working directory (open_log_dir). The front must be able
 * to write it: mon.log rolls over by renaming there.
 */
static int
enter_log_dir(const char *dir, const struct passwd *pw, char *why,
    size_t whylen)
{
	struct stat st;
	bool made;
	int fd;

	if ((fd = open_log_dir(dir, pw, &made, why, whylen)) == -1)
		return -1;
	if (fchdir(fd) == -1 || fstat(fd, &st) == -1) {
		say(why, whylen, "%s: %s", dir, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	if (pw != NULL && !made && !(st.st_uid == pw->pw_uid &&
	    (st.st_mode & S_IWUSR)) && !(st.st_gid == pw->pw_gid &&
	    (st.st_mode & S_IWGRP)) && !(st.st_mode & S_IWOTH)) {
		say(why, whylen, "%s: not writable by user %s (chown "
		    "%s %s)", dir, pw->pw_name, pw->pw_name, dir);
		return -1;
	}
	return 0;
}

/* PATH's directory into DIR and its last component into *BASE. */
static int
split_path(const char *path, char *dir, size_t size, const char **base)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL) {
		snprintf(dir, size, ".");
		*base = path;
	} else if ((size_t)(slash - path) >= size)
		return -1;
	else {
		snprintf(dir, size, "%.*s", slash == path ? 1 : (int)(slash -
		    path), path);
		*base = slash + 1;
	}
	return **base == '\0' ? -1 : 0;
}

/* Everything up to READY; on failure the parent is told why. */
static int
start(struct front *f, struct front_config *fc)
{
	char dir[PATH_MAX], place[PATH_MAX + 128], why[2 * PATH_MAX + 256];
	struct applog_conf alc = fc->applog;
	const char *base;
	const struct passwd *pw = NULL;
	struct http_status_ops ops = { fill_snapshot, is_alive, &f->counts, f };
	struct evbuffer *b;
	time_t t = time(NULL);
	struct tm tm;

	tzset();
	localtime_r(&t, &tm);		/* the zone is read before the chroot */
	if (geteuid() == 0 && (pw = getpwnam(fc->http.user)) == NULL) {
		say(why, sizeof(why), "http: user \"%s\" does not exist "
		    "(make install creates mond's)", fc->http.user);
		goto fail;
	}
	if (pw != NULL && (pw->pw_uid == 0 || pw->pw_gid == 0)) {
		say(why, sizeof(why), "http: user \"%s\" is root's uid or "
		    "gid: the front must not run as root", fc->http.user);
		goto fail;
	}
	if (split_path(fc->applog.path, dir, sizeof(dir), &base) == -1) {
		say(why, sizeof(why), "%s: no file name", fc->applog.path);
		goto fail;
	}
	if (enter_log_dir(dir, pw, place, sizeof(place)) == -1) {
		say(why, sizeof(why), "%s: cannot open the applog: %s",
		    fc->applog.path, place);
		goto fail;
	}
	alc.path = (char *)base;	/* inside the directory entered */
	f->counts = fc->counts;
	if ((f->http = http_start(f->base, &fc->http, NULL)) == NULL) {
		say(why, sizeof(why), "http: cannot listen on %s port %d",
		    fc->http.listen, fc->http.port);
		goto fail;
	}
	http_set_status(f->http, &ops);
	if (sandbox_drop(pw) == -1) {
		say(why, sizeof(why), "cannot drop privileges");
		goto fail;
	}
	if ((f->applog = applog_open(&alc)) == NULL) {
		say(why, sizeof(why), "%s: cannot open the applog: %s",
		    fc->applog.path, strerror(errno));
		goto fail;
	}
	http_set_applog(f->http, f->applog);
	if (sandbox_lock((unsigned long)fc->http.max_clients +
	    NOFILE_SPARE) == -1) {
		say(why, sizeof(why), "cannot lock the sandbox");
		goto fail;
	}
	if ((b = evbuffer_new()) == NULL)
		return -1;
	fmsg_put_u32(b, (uint32_t)http_port(f->http));
	fmsg_put_u32(b, (uint32_t)getpid());
	if (send_frame(f, FMSG_READY, b) == -1) {
		evbuffer_free(b);
		return -1;
	}
	evbuffer_free(b);
	return 0;
fail:
	/* The parent says it, escaped, in its own words' place. */
	say_failed(f, why);
	return -1;
}

int
front_main(int fd)
{
	struct front f = { .fd = fd };
	struct front_config fc;
	unsigned char *payload = NULL;
	int rc = 1;

	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR ||
	    (f.in = evbuffer_new()) == NULL || (f.base = event_base_new()) ==
	    NULL)
		return 1;
	if (read_config(&f, &fc, &payload) == -1) {
		log_warnx("web front: no configuration from mond");
		goto done;
	}
	if (start(&f, &fc) == -1)
		goto done;
	if ((f.ev_link = event_new(f.base, fd, EV_READ | EV_PERSIST, on_link,
	    &f)) == NULL || event_add(f.ev_link, NULL) == -1)
		goto done;
	if (event_base_dispatch(f.base) == -1)
		goto done;
	rc = 0;
done:
	if (f.ev_link != NULL)
		event_free(f.ev_link);
	http_stop(f.http);
	if (f.applog != NULL)
		applog_close(f.applog);
	front_snapshot_free(&f.snap);
	event_base_free(f.base);
	evbuffer_free(f.in);
	free(payload);
	return rc;
}
