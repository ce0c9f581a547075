/*
 * applog.c: the web front's own log, mon.log, written and rolled over as
 * Python 3.12's RotatingFileHandler(maxBytes, backupCount) does, so the seed
 * application's users see the same files. It owns one O_APPEND descriptor,
 * guarded by a mutex (a worker thread logs too), and never writes a partial
 * line on purpose: each line is a single write(2). It must never take the
 * daemon down: every failure is a -1 to the caller.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/applog.h"

/* How often (seconds) the path is compared with the open file. */
#define IDENTITY_CHECK_SECS	1

struct applog {
	pthread_mutex_t	 mu;
	char		*path;
	long long	 maxbytes;
	int		 backups;
	enum applog_level level;

	int		 fd;		/* -1 after a failed (re)open */
	long long	 size;		/* Python's stream.tell(): our end of file */
	bool		 regular;	/* only regular files roll over (bpo-45401) */
	dev_t		 dev;
	ino_t		 ino;
	time_t		 checked;	/* last identity check, monotonic seconds */
	bool		 failing;	/* a failure was reported; quiet till success */
	bool		 roll_failing;	/* the same, for renames */
};

static const char *const level_names[] = {
	[MSG_DEBUG] = "DEBUG",
	[MSG_INFO] = "INFO",
	[MSG_WARNING] = "WARNING",
	[MSG_ERROR] = "ERROR",
};

/*
 * mkdir -p of PATH's directory. Directories made here get 0755 whatever the
 * umask, as the seed's os.makedirs() + os.chmod(0o755) leaves them.
 */
static int
make_parent_dirs(const char *path)
{
	char dir[PATH_MAX];
	char *slash, *p;
	size_t len = strlen(path);

	if (len >= sizeof(dir)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(dir, path, len + 1);
	if ((slash = strrchr(dir, '/')) == NULL || slash == dir)
		return 0;
	*slash = '\0';
	for (p = dir + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;

		*p = '\0';
		if (mkdir(dir, 0755) == 0) {
			if (chmod(dir, 0755) == -1)
				return -1;
		} else if (errno != EEXIST)
			return -1;
		*p = saved;
		if (saved == '\0')
			break;
	}
	return 0;
}

/*
 * (Re)opens the path in append mode. Mode 0666 & ~umask, as Python's
 * open(path, 'a') creates it (0644 under the usual umask 022). Like Python,
 * the size starts at the end of what is already there.
 */
static int
open_file(struct applog *al)
{
	struct stat st;
	int fd;

	if (al->fd != -1) {
		close(al->fd);
		al->fd = -1;
	}
	if (make_parent_dirs(al->path) == -1)
		return -1;
	fd = open(al->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
	if (fd == -1)
		return -1;
	if (fstat(fd, &st) == -1) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	al->fd = fd;
	al->size = st.st_size;
	al->regular = S_ISREG(st.st_mode);
	al->dev = st.st_dev;
	al->ino = st.st_ino;
	return 0;
}

/*
 * At most once a second: reopen when the path no longer names our file
 * (renamed or removed by someone else), and take the size from the file
 * itself, so lines appended by another writer count as Python's tell()
 * would count them.
 */
static int
check_identity(struct applog *al, time_t now)
{
	struct stat st;

	if (al->fd != -1 && now == al->checked)
		return 0;
	al->checked = now;
	if (al->fd == -1 || stat(al->path, &st) == -1 ||
	    st.st_dev != al->dev || st.st_ino != al->ino)
		return open_file(al);
	if (fstat(al->fd, &st) == -1)
		return -1;
	al->size = st.st_size;
	al->regular = S_ISREG(st.st_mode);
	return 0;
}

/* A clock that wall-clock steps cannot hold still; coarse is cheap enough. */
static time_t
mono_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return ts.tv_sec;
}

/* Renames FROM to TO, TO removed first, when FROM exists (Python's order). */
static int
shift(const char *from, const char *to)
{
	struct stat st;

	if (stat(from, &st) == -1)
		return errno == ENOENT ? 0 : -1;
	if (unlink(to) == -1 && errno != ENOENT)
		return -1;
	return rename(from, to);
}

/*
 * The highest I < backups for which PATH.I exists, found by one scan of
 * the directory: the shift below would otherwise stat() every name up to
 * backups - 1 under the lock, and with hundreds of backups that stalled
 * GET / for milliseconds at each rollover. Names above it do not exist, so
 * starting there changes nothing. When the scan fails: backups - 1.
 */
static int
top_backup(const struct applog *al)
{
	const char *slash = strrchr(al->path, '/');
	const char *base = slash ? slash + 1 : al->path;
	size_t blen = strlen(base);
	char dir[PATH_MAX], *end;
	struct dirent *de;
	long n, top = 0;
	DIR *dp;

	if (al->backups <= 8)
		return al->backups - 1;
	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (snprintf(dir, sizeof(dir), "%.*s", (int)(slash - al->path),
	    slash == al->path ? "/" : al->path) >= (int)sizeof(dir))
		return al->backups - 1;
	if ((dp = opendir(slash == al->path ? "/" : dir)) == NULL)
		return al->backups - 1;
	while ((de = readdir(dp)) != NULL) {
		if (strncmp(de->d_name, base, blen) != 0 ||
		    de->d_name[blen] != '.' || de->d_name[blen + 1] < '1' ||
		    de->d_name[blen + 1] > '9')
			continue;
		n = strtol(de->d_name + blen + 1, &end, 10);
		if (*end == '\0' && n > top)
			top = n;
	}
	closedir(dp);
	return top < al->backups - 1 ? (int)top : al->backups - 1;
}

/*
 * doRollover(): .(n-1) → .n … .1 → .2, then base → .1, and a fresh base.
 * Called only with backups > 0: with none, Python reopens the same file and
 * it keeps growing, which is what not rolling over at all leaves too.
 */
static int
rollover(struct applog *al)
{
	char from[PATH_MAX], to[PATH_MAX];
	int i, rc = 0, saved = 0;

	for (i = top_backup(al); i >= 0 && rc == 0; i--) {
		if (i == 0)
			snprintf(from, sizeof(from), "%s", al->path);
		else
			snprintf(from, sizeof(from), "%s.%d", al->path, i);
		if (snprintf(to, sizeof(to), "%s.%d", al->path, i + 1) >=
		    (int)sizeof(to)) {
			errno = ENAMETOOLONG;
			rc = -1;
		} else
			rc = shift(from, to);
	}
	if (rc == -1)
		saved = errno;
	/* Reopen even after a failed rename so the next line has a file. */
	if (open_file(al) == -1 && rc == 0) {
		saved = errno;
		rc = -1;
	}
	if (rc == -1)
		errno = saved;
	return rc;
}

struct applog *
applog_open(const struct applog_conf *conf)
{
	struct applog *al;
	int saved;

	if ((al = calloc(1, sizeof(*al))) == NULL)
		return NULL;
	al->fd = -1;
	al->maxbytes = conf->maxbytes;
	al->backups = conf->backups;
	al->level = conf->level;
	if ((al->path = strdup(conf->path)) == NULL)
		goto fail;
	if (open_file(al) == -1)
		goto fail;
	al->checked = mono_seconds();
	if ((errno = pthread_mutex_init(&al->mu, NULL)) != 0)
		goto fail;
	return al;
fail:
	saved = errno;
	if (al->fd != -1)
		close(al->fd);
	free(al->path);
	free(al);
	errno = saved;
	return NULL;
}

/*
 * The "%Y-%m-%d %H:%M:%S" text of SEC in local time, made once per second
 * per thread: at thousands of lines a second, localtime_r and strftime
 * were most of a line's cost.
 */
static size_t
stamp_of(time_t sec, char *out, size_t size)
{
	static _Thread_local time_t cached_sec = -1;
	static _Thread_local char cached[64];
	static _Thread_local size_t cached_len;
	struct tm tm;

	if (sec != cached_sec) {
		if (localtime_r(&sec, &tm) == NULL || (cached_len = strftime(cached,
		    sizeof(cached), "%Y-%m-%d %H:%M:%S", &tm)) == 0)
			cached_len = (size_t)snprintf(cached, sizeof(cached),
			    "%lld", (long long)sec);
		cached_sec = sec;
	}
	if (cached_len >= size)
		return 0;
	memcpy(out, cached, cached_len + 1);
	return cached_len;
}

size_t
applog_format(char *buf, size_t size, const struct timespec *ts,
    enum applog_msg_level level, const char *msg)
{
	static const char name[] = " - mond - ", sep[] = " - ";
	char stamp[64];
	size_t slen, llen, mlen, len;
	long ms = ts->tv_nsec / 1000000;
	char *p;
	int n;

	if ((unsigned)level > MSG_ERROR)
		level = MSG_ERROR;
	slen = stamp_of(ts->tv_sec, stamp, sizeof(stamp));
	llen = strlen(level_names[level]);
	mlen = strlen(msg);
	/* Python: "%s,%03d" % (asctime, int(record.msecs)), truncated. */
	len = slen + 4 + sizeof(name) - 1 + llen + sizeof(sep) - 1 + mlen + 1;
	if (len < size && ms >= 0 && ms < 1000) {
		p = buf;
		memcpy(p, stamp, slen);
		p += slen;
		*p++ = ',';
		*p++ = (char)('0' + ms / 100);
		*p++ = (char)('0' + ms / 10 % 10);
		*p++ = (char)('0' + ms % 10);
		memcpy(p, name, sizeof(name) - 1);
		p += sizeof(name) - 1;
		memcpy(p, level_names[level], llen);
		p += llen;
		memcpy(p, sep, sizeof(sep) - 1);
		p += sizeof(sep) - 1;
		memcpy(p, msg, mlen);
		p += mlen;
		*p++ = '\n';
		*p = '\0';
		return len;
	}
	n = snprintf(buf, size, "%s,%03ld - mond - %s - %s\n", stamp, ms,
	    level_names[level], msg);
	return n < 0 ? 0 : (size_t)n;
}

/* Writes LINE under the lock: identity check, rollover, one write(2). */
static int
append_line(struct applog *al, const char *line, size_t len, time_t now)
{
	ssize_t n;

	if (check_identity(al, now) == -1)
		return -1;
	/* shouldRollover(): never an empty file, never a non-regular one. */
	if (al->maxbytes > 0 && al->backups > 0 && al->regular &&
	    al->size > 0 && al->size + (long long)len >= al->maxbytes) {
		/*
		 * Python drops the line when a rename fails, and every line
		 * after it; here the file grows past maxbytes instead, and
		 * the failure is said once per streak.
		 */
		if (rollover(al) == -1) {
			if (!al->roll_failing)
				fprintf(stderr, "mond: %s: rollover: %s\n",
				    al->path, strerror(errno));
			al->roll_failing = true;
		} else
			al->roll_failing = false;
		if (al->fd == -1)
			return -1;
	}
	do
		n = write(al->fd, line, len);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return -1;
	al->size += n;
	if ((size_t)n != len) {
		errno = ENOSPC;
		return -1;
	}
	return 0;
}

int
applog_write(struct applog *al, enum applog_msg_level level, const char *msg)
{
	char small[512], *line = small;
	struct timespec ts;
	size_t len;
	int rc, saved;

	if (al == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (al->level == APPLOG_INFO && level < MSG_INFO)
		return 0;
	clock_gettime(CLOCK_REALTIME, &ts);
	len = applog_format(small, sizeof(small), &ts, level, msg);
	if (len >= sizeof(small)) {
		if ((line = malloc(len + 1)) == NULL)
			return -1;
		applog_format(line, len + 1, &ts, level, msg);
	}

	pthread_mutex_lock(&al->mu);
	rc = append_line(al, line, len, mono_seconds());
	saved = errno;
	/*
	 * Report the first failure of a run straight to stderr: log_warn()
	 * would come back here. Quiet again until a line gets through.
	 */
	if (rc == -1 && !al->failing)
		fprintf(stderr, "mond: %s: %s\n", al->path, strerror(saved));
	al->failing = rc == -1;
	pthread_mutex_unlock(&al->mu);

	if (line != small)
		free(line);
	errno = saved;
	return rc;
}

void
applog_close(struct applog *al)
{
	if (al == NULL)
		return;
	if (al->fd != -1)
		close(al->fd);
	pthread_mutex_destroy(&al->mu);
	free(al->path);
	free(al);
}

/*
 * The web front's pair of lines, fast: one clock reading, one lock, and
 * when no rollover can fall between them (the file stays under maxbytes
 * with all of them, so Python would not roll before any), one write(2)
 * for all. Otherwise each line goes as applog_write() sends it.
 */
int
applog_write_lines(struct applog *al, const struct applog_line *lines,
    size_t n)
{
	char buf[1024];
	size_t off[APPLOG_MAX_LINES + 1], len, i, k = 0;
	struct timespec ts;
	time_t now;
	ssize_t w;
	int rc = 0, saved = 0;

	if (al == NULL || n > APPLOG_MAX_LINES) {
		errno = EINVAL;
		return -1;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	off[0] = 0;
	for (i = 0; i < n; i++) {
		if (al->level == APPLOG_INFO && lines[i].level < MSG_INFO)
			continue;
		len = applog_format(buf + off[k], sizeof(buf) - off[k], &ts,
		    lines[i].level, lines[i].msg);
		if (off[k] + len >= sizeof(buf)) {
			/* Too long for the fast path: one at a time. */
			for (i = 0; i < n; i++)
				if (applog_write(al, lines[i].level,
				    lines[i].msg) == -1)
					rc = -1;
			return rc;
		}
		off[k + 1] = off[k] + len;
		k++;
	}
	if (k == 0)
		return 0;

	pthread_mutex_lock(&al->mu);
	now = mono_seconds();
	if (check_identity(al, now) == 0 && al->fd != -1 &&
	    (al->maxbytes <= 0 || al->backups <= 0 ||
	    al->size + (long long)off[k] < al->maxbytes)) {
		do
			w = write(al->fd, buf, off[k]);
		while (w == -1 && errno == EINTR);
		if (w != -1)
			al->size += w;
		if (w == -1 || (size_t)w != off[k]) {
			saved = w == -1 ? errno : ENOSPC;
			rc = -1;
		}
	} else
		for (i = 0; i < k; i++)
			if (append_line(al, buf + off[i], off[i + 1] - off[i],
			    now) == -1) {
				saved = errno;
				rc = -1;
			}
	if (rc == -1 && !al->failing)
		fprintf(stderr, "mond: %s: %s\n", al->path, strerror(saved));
	al->failing = rc == -1;
	pthread_mutex_unlock(&al->mu);
	errno = saved;
	return rc;
}
