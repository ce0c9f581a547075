/*
 * applog.c: the web front's own log, mon.log, written and rolled over as
 * Python 3.12's RotatingFileHandler(maxBytes, backupCount) does, so the seed
 * application's users see the same files. It owns one O_APPEND descriptor,
 * guarded by a mutex (a worker thread logs too), and never writes a partial
 * line on purpose: each line is a single write(2). It must never take the
 * daemon down: every failure is a -1 to the caller. The struct lives as
 * long as the daemon: a reload changes its settings in place
 * (applog_reconfigure), so other threads may hold the pointer unlocked.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/applog.h"
#include "util/clock.h"
#include "util/fsutil.h"

/* How often (seconds) the path is compared with the open file. */
#define IDENTITY_CHECK_SECS	1

struct applog {
	pthread_mutex_t	 mu;
	char		*path;
	char		*dir;		/* PATH's directory ("." or "/" at least) */
	const char	*base;		/* PATH's last component, in PATH */
	long long	 maxbytes;
	int		 backups;
	atomic_int	 level;		/* an enum applog_level; read unlocked */
	uid_t		 owner_uid;	/* the ids that opened it: only they */
	gid_t		 owner_gid;	/* may create or rename its files */

	int		 fd;		/* -1 after a failed (re)open */
	long long	 size;		/* Python's stream.tell(): our end of file */
	dev_t		 dev;
	ino_t		 ino;
	time_t		 checked;	/* last identity check, monotonic seconds */
	bool		 failing;	/* a failure was reported; quiet till success */
	bool		 roll_failing;	/* the same, for renames */
	char		 roll_what[PATH_MAX + 2 * NAME_MAX + 32]; /* failed step */
};

static const char *const level_names[] = {
	[MSG_DEBUG] = "DEBUG",
	[MSG_INFO] = "INFO",
	[MSG_WARNING] = "WARNING",
	[MSG_ERROR] = "ERROR",
};

/*
 * mkdir -p of directory DIR, one component at a time relative to an open
 * directory fd, and returns DIR's fd. Directories made here get 0755
 * whatever the umask (fchmod on the opened fd), as the seed's os.makedirs()
 * + os.chmod(0o755) leaves them; one we made, and the last component
 * always, are opened O_NOFOLLOW, so a symlink swapped in is never entered.
 * Existing components above are followed, as Python does.
 */
static int
open_parent_dirs(const char *dir)
{
	char buf[PATH_MAX], *comp, *save = NULL;
	int fd, nfd, made, flags, saved;
	size_t len = strlen(dir);

	if (len >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, dir, len + 1);
	fd = open(dir[0] == '/' ? "/" : ".",
	    O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1)
		return -1;
	for (comp = strtok_r(buf, "/", &save); comp != NULL;
	    comp = strtok_r(NULL, "/", &save)) {
		made = mkdirat(fd, comp, 0755) == 0;
		if (!made && errno != EEXIST) {
			saved = errno;
			close(fd);
			errno = saved;
			return -1;
		}
		flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
		/* strtok_r leaves SAVE at the rest: only slashes = last. */
		if (made || save[strspn(save, "/")] == '\0')
			flags |= O_NOFOLLOW;
		nfd = openat(fd, comp, flags);
		if (nfd != -1 && made && fchmod(nfd, 0755) == -1) {
			close(nfd);
			nfd = -1;
		}
		close(fd);
		fd = nfd;
		if (fd == -1)
			return -1;
	}
	return fd;
}

/*
 * (Re)opens the path in append mode, through the opened directory and with
 * O_NOFOLLOW: as root, a symlink or a hard link planted at mon.log must not
 * turn our lines into writes to another file. Mode 0666 & ~umask, as
 * Python's open(path, 'a') creates it (0644 under the usual umask 022).
 * Like Python, the size starts at the end of what is already there.
 */
static int
open_file(struct applog *al)
{
	struct stat st;
	int dfd, fd, saved;

	if (al->fd != -1) {
		close(al->fd);
		al->fd = -1;
	}
	if ((dfd = open_parent_dirs(al->dir)) == -1)
		return -1;
	fd = openat(dfd, al->base, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW |
	    O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0666);
	saved = errno;
	close(dfd);
	if (fd == -1) {
		errno = saved;
		return -1;
	}
	if (fstat(fd, &st) == -1)
		goto fail;
	if (!S_ISREG(st.st_mode) || st.st_nlink > 1) {
		errno = S_ISREG(st.st_mode) ? EMLINK : EINVAL;
		goto fail;
	}
	al->fd = fd;
	al->size = st.st_size;
	al->dev = st.st_dev;
	al->ino = st.st_ino;
	return 0;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

/* What a failed open means, for the one line on stderr. */
static const char *
why(int err)
{
	if (err == ELOOP)
		return "is a symbolic link, refused";
	if (err == EINVAL)
		return "not a regular file, refused";
	if (err == EMLINK)
		return "has more than one hard link, refused";
	return strerror(err);
}

/* fstatat of NAME in the directory DIR, never following a symlink. */
static int
stat_nofollow(const char *dir, const char *name, struct stat *st)
{
	int dfd, rc, saved;

	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	rc = fstatat(dfd, name, st, AT_SYMLINK_NOFOLLOW);
	saved = errno;
	close(dfd);
	errno = saved;
	return rc;
}

/*
 * Whether the calling thread runs with the ids that opened AL. The worker
 * switches its own thread's ids for `su` rules (su.c) and logs meanwhile;
 * a file it created, or renamed, then would be made as that user: such a
 * thread only writes to the descriptor already open. Two system calls, so
 * asked only on the way to an open or a rollover.
 */
static bool
opener_ids(const struct applog *al)
{
	return geteuid() == al->owner_uid && getegid() == al->owner_gid;
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
	if (al->fd == -1 || stat_nofollow(al->dir, al->base, &st) == -1 ||
	    st.st_dev != al->dev || st.st_ino != al->ino) {
		if (opener_ids(al))
			return open_file(al);
		/*
		 * Under a `su` identity: the open descriptor or nothing,
		 * and the next thread with our ids checks again at once.
		 */
		al->checked = 0;
		if (al->fd != -1)
			return 0;
		errno = EPERM;
		return -1;
	}
	if (fstat(al->fd, &st) == -1)
		return -1;
	al->size = st.st_size;
	return 0;
}

/*
 * Renames FROM to TO in DFD, TO removed first, when FROM exists (Python's
 * order). Names, not targets: a symlink is moved or removed, not followed.
 */
static int
shift(int dfd, const char *from, const char *to, const char **op)
{
	struct stat st;

	*op = "stat";
	if (fstatat(dfd, from, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return errno == ENOENT ? 0 : -1;
	*op = "remove";
	if (unlinkat(dfd, to, 0) == -1 && errno != ENOENT)
		return -1;
	*op = "rename";
	return renameat(dfd, from, dfd, to);
}

/*
 * The highest I < backups for which PATH.I exists, found by one scan of
 * the directory: the shift below would otherwise stat() every name up to
 * backups - 1 under the lock, and with hundreds of backups that stalled
 * GET / for milliseconds at each rollover. Names above it do not exist, so
 * starting there changes nothing. When the scan fails: backups - 1.
 */
static int
top_backup(const struct applog *al, int dfd)
{
	size_t blen = strlen(al->base);
	struct dirent *de;
	long n, top = 0;
	char *end;
	DIR *dp;
	int fd;

	if (al->backups <= 8)
		return al->backups - 1;
	if ((fd = fs_open_dirat(dfd, ".")) == -1)
		return al->backups - 1;
	if ((dp = fdopendir(fd)) == NULL) {
		close(fd);
		return al->backups - 1;
	}
	while ((de = readdir(dp)) != NULL) {
		if (strncmp(de->d_name, al->base, blen) != 0 ||
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
	char from[NAME_MAX + 1], to[NAME_MAX + 1];
	const char *op = "name";
	int i, dfd, rc = 0, saved = 0;

	if ((dfd = open(al->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		rc = -1;
	for (i = rc == 0 ? top_backup(al, dfd) : -1; i >= 0 && rc == 0; i--) {
		if (i == 0)
			snprintf(from, sizeof(from), "%s", al->base);
		else
			snprintf(from, sizeof(from), "%s.%d", al->base, i);
		if (snprintf(to, sizeof(to), "%s.%d", al->base, i + 1) >=
		    (int)sizeof(to)) {
			errno = ENAMETOOLONG;
			rc = -1;
		} else
			rc = shift(dfd, from, to, &op);
	}
	if (rc == -1) {
		saved = errno;
		/* Name the step for the caller's one line on stderr. */
		if (dfd == -1)
			snprintf(al->roll_what, sizeof(al->roll_what),
			    "open directory %s", al->dir);
		else if (strcmp(op, "remove") == 0)
			snprintf(al->roll_what, sizeof(al->roll_what),
			    "remove %s/%s", al->dir, to);
		else
			snprintf(al->roll_what, sizeof(al->roll_what),
			    "%s %s/%s%s%s", op, al->dir, from,
			    strcmp(op, "rename") == 0 ? " to " : "",
			    strcmp(op, "rename") == 0 ? to : "");
	}
	if (dfd != -1)
		close(dfd);
	/* Reopen even after a failed rename so the next line has a file. */
	if (open_file(al) == -1 && rc == 0) {
		saved = errno;
		rc = -1;
		snprintf(al->roll_what, sizeof(al->roll_what), "reopen");
	}
	if (rc == -1)
		errno = saved;
	return rc;
}

/* PATH into its directory and last component, which must be a name. */
static int
split_path(struct applog *al)
{
	if (fs_split_path(al->path, &al->dir, &al->base) == -1)
		return -1;
	if (al->base[0] == '\0') {
		errno = EISDIR;
		return -1;
	}
	return 0;
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
	atomic_init(&al->level, (int)conf->level);
	al->owner_uid = geteuid();
	al->owner_gid = getegid();
	if ((al->path = strdup(conf->path)) == NULL || split_path(al) == -1)
		goto fail;
	if (open_file(al) == -1)
		goto fail;
	al->checked = mond_mono_secs();
	if ((errno = pthread_mutex_init(&al->mu, NULL)) != 0)
		goto fail;
	return al;
fail:
	saved = errno;
	if (al->fd != -1)
		close(al->fd);
	free(al->path);
	free(al->dir);
	free(al);
	errno = saved;
	return NULL;
}

int
applog_reconfigure(struct applog *al, const struct applog_conf *conf)
{
	char *opath, *odir;
	const char *obase;
	int ofd, saved;

	pthread_mutex_lock(&al->mu);
	opath = al->path;
	odir = al->dir;
	obase = al->base;
	ofd = al->fd;
	al->dir = NULL;
	if ((al->path = strdup(conf->path)) == NULL || split_path(al) == -1)
		goto fail;
	if (strcmp(al->path, opath) != 0) {
		al->fd = -1;	/* the old one stays open till the new one is */
		if (open_file(al) == -1)
			goto fail;
		if (ofd != -1)
			close(ofd);
		al->checked = mond_mono_secs();
		al->failing = al->roll_failing = false;
	}
	free(opath);
	free(odir);
	al->maxbytes = conf->maxbytes;
	al->backups = conf->backups;
	atomic_store(&al->level, (int)conf->level);
	pthread_mutex_unlock(&al->mu);
	return 0;
fail:
	/* open_file() touched neither size nor identity when it failed. */
	saved = errno;
	free(al->path);
	free(al->dir);
	al->path = opath;
	al->dir = odir;
	al->base = obase;
	al->fd = ofd;
	pthread_mutex_unlock(&al->mu);
	errno = saved;
	return -1;
}

/* Whether AL's level drops lines of LEVEL. */
static bool
filtered(struct applog *al, enum applog_msg_level level)
{
	return atomic_load_explicit(&al->level, memory_order_relaxed) ==
	    APPLOG_INFO && level < MSG_INFO;
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

/*
 * Reports the first failure of a run straight to stderr (log_warn() would
 * come back here), then stays quiet until a line gets through. Called
 * with the lock held.
 */
static void
note_outcome(struct applog *al, int rc, int err)
{
	if (rc == -1 && !al->failing)
		fprintf(stderr, "mond: %s: %s\n", al->path, why(err));
	al->failing = rc == -1;
}

/* Whether LEN more bytes bring the file to maxbytes (when it rolls at all). */
static bool
reaches_max(const struct applog *al, size_t len)
{
	return al->maxbytes > 0 && al->backups > 0 &&
	    al->size + (long long)len >= al->maxbytes;
}

/* One write(2) of LEN bytes at the file's end; a short one is ENOSPC. */
static int
write_whole(struct applog *al, const char *buf, size_t len)
{
	ssize_t n;

	do
		n = write(al->fd, buf, len);
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

/* Writes LINE under the lock: identity check, rollover, one write(2). */
static int
append_line(struct applog *al, const char *line, size_t len, time_t now)
{
	if (check_identity(al, now) == -1)
		return -1;
	/* shouldRollover(): never an empty file (the file is regular). */
	if (al->size > 0 && reaches_max(al, len) && opener_ids(al)) {
		/*
		 * Python drops the line when a rename fails, and every line
		 * after it; here the file grows past maxbytes instead, and
		 * the failure is said once per streak.
		 */
		if (rollover(al) == -1) {
			if (!al->roll_failing)
				fprintf(stderr, "mond: %s: rollover: %s: %s\n",
				    al->path, al->roll_what, strerror(errno));
			al->roll_failing = true;
		} else
			al->roll_failing = false;
		if (al->fd == -1)
			return -1;
	}
	return write_whole(al, line, len);
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
	if (filtered(al, level))
		return 0;
	clock_gettime(CLOCK_REALTIME, &ts);
	len = applog_format(small, sizeof(small), &ts, level, msg);
	if (len >= sizeof(small)) {
		if ((line = malloc(len + 1)) == NULL)
			return -1;
		applog_format(line, len + 1, &ts, level, msg);
	}

	pthread_mutex_lock(&al->mu);
	rc = append_line(al, line, len, mond_mono_secs());
	saved = errno;
	note_outcome(al, rc, saved);
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
	free(al->dir);
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
	int rc = 0, saved = 0;

	if (al == NULL || n > APPLOG_MAX_LINES) {
		errno = EINVAL;
		return -1;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	off[0] = 0;
	for (i = 0; i < n; i++) {
		if (filtered(al, lines[i].level))
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
	now = mond_mono_secs();
	/* append_line's identity check is then a no-op for this second. */
	if (check_identity(al, now) == 0 && al->fd != -1 &&
	    !reaches_max(al, off[k])) {
		if ((rc = write_whole(al, buf, off[k])) == -1)
			saved = errno;
	} else
		for (i = 0; i < k; i++)
			if (append_line(al, buf + off[i], off[i + 1] - off[i],
			    now) == -1) {
				saved = errno;
				rc = -1;
			}
	note_outcome(al, rc, saved);
	pthread_mutex_unlock(&al->mu);
	errno = saved;
	return rc;
}
