/*
 * state.c: the state file (logrotate's "version 2" format) held in a hash
 * table, its atomic save, and the lock that keeps a second mond away. A
 * bad line costs only that line (logrotate #45 stopped everything); the
 * file on disk is only ever replaced whole, by rename, and only when the
 * entries changed. It is read a chunk at a time: no size refuses a start.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine/durable.h"
#include "util/fsutil.h"
#include "util/log.h"
#include "engine/pass.h"
#include "engine/state.h"
#include "util/strmap.h"

#define STATE_HEADER	"logrotate state -- version 2"
#define STATE_HEADER1	"logrotate state -- version 1"

struct entry {
	char	*path;
	time_t	 when;
	bool	 used;		/* its log was seen, or it was set, in this run */
};

struct state {
	struct entry	*ents;		/* insertion order, as saved */
	size_t		 n, cap;
	struct strmap	 index;		/* path -> index into ents */
	size_t		 nbad;		/* lines state_load skipped */
	/*
	 * Changed since the file `disk` describes was read or written. While
	 * clear and that file is still in place as it was, state_save writes
	 * nothing: a pass that changed nothing costs no write and no fsync,
	 * however many entries there are.
	 */
	bool		 dirty;
	bool		 on_disk;	/* disk describes a file ST matches */
	struct stat	 disk;		/* the file last read or written */
};

struct state *
state_new(void)
{
	struct state *st = calloc(1, sizeof(struct state));

	/* on no disk yet: the first save writes it, even empty */
	if (st != NULL)
		st->dirty = true;
	return st;
}

void
state_mark_dirty(struct state *st)
{
	st->dirty = true;
}

void
state_free(struct state *st)
{
	size_t i;

	if (st == NULL)
		return;
	for (i = 0; i < st->n; i++)
		free(st->ents[i].path);
	free(st->ents);
	strmap_free(&st->index);
	free(st);
}

int
state_get(const struct state *st, const char *logpath, time_t *when)
{
	size_t *i = strmap_find(&st->index, logpath);

	if (i == NULL) {
		errno = ENOENT;
		return -1;
	}
	*when = st->ents[*i].when;
	return 0;
}

int
state_set(struct state *st, const char *logpath, time_t when)
{
	struct entry *e;
	size_t *i, ncap;
	char *path;
	bool found;

	if ((i = strmap_find(&st->index, logpath)) != NULL) {
		if (st->ents[*i].when != when)
			st->dirty = true;
		st->ents[*i].when = when;
		st->ents[*i].used = true;
		return 0;
	}
	if (st->n == st->cap) {
		ncap = st->cap ? st->cap * 2 : 64;
		if ((e = reallocarray(st->ents, ncap, sizeof(*e))) == NULL)
			return -1;
		st->ents = e;
		st->cap = ncap;
	}
	if ((path = strdup(logpath)) == NULL)
		return -1;
	if (strmap_upsert(&st->index, logpath, st->n, &found) == NULL) {
		free(path);
		return -1;
	}
	st->ents[st->n].path = path;
	st->ents[st->n].used = true;
	st->ents[st->n++].when = when;
	st->dirty = true;
	return 0;
}

void
state_mark_used(struct state *st, const char *logpath)
{
	size_t *i = strmap_find(&st->index, logpath);

	if (i != NULL)
		st->ents[*i].used = true;
}

size_t
state_bad_lines(const struct state *st)
{
	return st->nbad;
}

/* Whether prune() drops E: unmarked, and older than MAXAGE unless ALL. */
static bool
doomed(const struct entry *e, time_t now, time_t maxage, bool all)
{
	return !e->used && (all || now - e->when > maxage);
}

static long
prune(struct state *st, time_t now, time_t maxage, bool all)
{
	struct strmap index = { 0 };
	size_t i, n = 0;
	bool found;

	/* The new index first: on ENOMEM nothing has changed yet. */
	for (i = 0; i < st->n; i++) {
		if (doomed(&st->ents[i], now, maxage, all))
			continue;
		if (strmap_upsert(&index, st->ents[i].path, n++, &found) == NULL) {
			strmap_free(&index);
			errno = ENOMEM;
			return -1;
		}
	}
	for (i = n = 0; i < st->n; i++) {
		if (doomed(&st->ents[i], now, maxage, all)) {
			if (!all)
				log_debug("Removing %s from state file, because "
				    "it does not exist and has not been rotated "
				    "for one year", st->ents[i].path);
			free(st->ents[i].path);
			continue;
		}
		st->ents[n++] = st->ents[i];
	}
	strmap_free(&st->index);
	st->index = index;
	i = st->n - n;
	st->n = n;
	if (i > 0)
		st->dirty = true;
	return (long)i;
}

long
state_prune_unused(struct state *st, time_t now, time_t maxage)
{
	return prune(st, now, maxage, false);
}

void
state_clear_marks(struct state *st)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		st->ents[i].used = false;
}

void
state_keep_unseen(struct state *st, bool (*keep)(const char *path,
    time_t when, void *arg), void *arg)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		if (!st->ents[i].used && keep(st->ents[i].path, st->ents[i].when,
		    arg))
			st->ents[i].used = true;
}

long
state_prune_unseen(struct state *st, const struct pass_report *rep)
{
	size_t i;

	/* a log the pass named but could not stat keeps its time too */
	for (i = 0; i < rep->nresults; i++)
		state_mark_used(st, rep->results[i].path);
	return prune(st, 0, 0, true);
}

size_t
state_count(const struct state *st)
{
	return st->n;
}

/*
 * The file name of a line: quoted with logrotate's escapes (\" and \\ and
 * \n; any other backslash pair stays as it is, as logrotate reads it), or
 * a bare word as version 1 wrote. Decoded into OUT (at least as long as
 * the line); *P moves past it. Returns 0, or -1 when malformed.
 */
static int
parse_name(const char **p, char *out)
{
	const char *s = *p;

	if (*s != '"') {
		while (*s != '\0' && *s != ' ' && *s != '\t')
			*out++ = *s++;
		*out = '\0';
		*p = s;
		return 0;
	}
	for (s++; *s != '"'; s++) {
		if (*s == '\0')
			return -1;
		if (*s == '\\') {
			if (s[1] == '\0')
				return -1;
			if (s[1] == '"' || s[1] == '\\')
				s++;
			else if (s[1] == 'n') {
				s++;
				*out++ = '\n';
				continue;
			}
		}
		*out++ = *s;
	}
	*out = '\0';
	*p = s + 1;
	return 0;
}

/* Y-M-D[-h[:m[:s]]] as logrotate accepts it, into local time. */
static int
parse_when(const char *s, time_t *when)
{
	static const char seps[] = "---::";
	int v[6] = { 0 }, n = 0;
	struct tm tm;
	char *end;
	long x;

	for (;;) {
		if (*s < '0' || *s > '9')
			return -1;
		x = strtol(s, &end, 10);
		if (x > 100000)
			return -1;
		v[n++] = (int)x;
		s = end;
		if (*s == '\0' || *s == ' ' || *s == '\t' || n == 6)
			break;
		if (*s++ != seps[n - 1])
			return -1;
	}
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s != '\0' || n < 3)
		return -1;
	if ((v[0] != 1900 && (v[0] < 1970 || v[0] > 2100)) || v[1] < 1 ||
	    v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 || v[4] > 59 ||
	    v[5] > 59)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = v[0] - 1900;
	tm.tm_mon = v[1] - 1;
	tm.tm_mday = v[2];
	tm.tm_hour = v[3];
	tm.tm_min = v[4];
	tm.tm_sec = v[5];
	tm.tm_isdst = -1;
	*when = mktime(&tm);
	return 0;
}

/* One line (NUL-terminated, no newline). 0 ok/blank, 1 bad, -1 ENOMEM. */
static int
parse_line(struct state *st, const char *line, char *name)
{
	const char *p = line;
	time_t when;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0')
		return 0;
	if (parse_name(&p, name) == -1 || name[0] == '\0')
		return 1;
	if (*p != ' ' && *p != '\t')
		return 1;
	while (*p == ' ' || *p == '\t')
		p++;
	if (parse_when(p, &when) == -1)
		return 1;
	return state_set(st, name, when) == -1 ? -1 : 0;
}

/*
 * The file is read a chunk at a time, so that no size of it is too large
 * (memory follows the entries, not the file). A line longer than this is
 * no entry mond or logrotate writes (a name of PATH_MAX bytes, every one
 * escaped, is half of it): it is skipped as a bad line, unbuffered.
 */
#define STATE_LINE_MAX	(4 * PATH_MAX + 64)
#define STATE_CHUNK	(64u << 10)

struct lines {
	int	 fd;
	char	*buf;		/* STATE_LINE_MAX + STATE_CHUNK + 1 */
	size_t	 start, end;	/* the bytes not yet returned */
	size_t	 total;		/* bytes read */
	bool	 eof;
	bool	 skipping;	/* inside a line too long to keep */
};

/*
 * The next line of LR, NUL-terminated in place without its newline, into
 * *LINE and *LEN. Returns 1, 2 for a line too long (skipped, nothing
 * returned), 0 at the end, -1 (errno) when read fails.
 */
static int
next_line(struct lines *lr, char **line, size_t *len)
{
	char *nl;
	ssize_t r;

	for (;;) {
		nl = memchr(lr->buf + lr->start, '\n', lr->end - lr->start);
		if (nl == NULL && lr->eof) {
			if (lr->start == lr->end && !lr->skipping)
				return 0;
			nl = lr->buf + lr->end;	/* a last line, no newline */
		}
		if (nl != NULL) {
			*nl = '\0';
			*line = lr->buf + lr->start;
			*len = (size_t)(nl - *line);
			lr->start = (size_t)(nl - lr->buf) + (lr->eof &&
			    nl == lr->buf + lr->end ? 0 : 1);
			if (!lr->skipping && *len <= STATE_LINE_MAX)
				return 1;
			lr->skipping = false;
			return 2;
		}
		if (lr->end - lr->start >= STATE_LINE_MAX) {
			lr->skipping = true;
			lr->start = lr->end = 0;
		} else if (lr->start > 0) {
			memmove(lr->buf, lr->buf + lr->start,
			    lr->end - lr->start);
			lr->end -= lr->start;
			lr->start = 0;
		}
		r = read(lr->fd, lr->buf + lr->end,
		    STATE_LINE_MAX + STATE_CHUNK - lr->end);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return -1;
		lr->eof = r == 0;
		lr->end += (size_t)r;
		lr->total += (size_t)r;
	}
}

/*
 * Opens PATH for state_load: O_NOFOLLOW and O_NONBLOCK, so a symlink, a
 * FIFO or a device planted there fails at once (never read, never hung
 * on); fills *SB. Returns the fd, or -1 (errno, EINVAL: not regular).
 */
static int
open_state(const char *path, struct stat *sb)
{
	int fd, save;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC |
	    O_NOCTTY);
	if (fd == -1)
		return -1;
	if (fstat(fd, sb) == -1)
		save = errno;
	else if (!S_ISREG(sb->st_mode))
		save = EINVAL;
	else
		return fd;
	close(fd);
	errno = save;
	return -1;
}

/*
 * Every line of LR into ST, warning about the bad ones. Sets ST->dirty
 * when the file is not what state_save would write for the entries kept
 * (a bad or missing header, a bad line, a path twice), so that the next
 * save cleans it once. Returns 0, or -1 (errno: read, ENOMEM).
 */
static int
read_lines(struct state *st, struct lines *lr, const char *path, char *name)
{
	size_t lineno = 0, ngood = 0, len;
	bool header = false, unclean = false;
	char *line;
	int rc;

	while ((rc = next_line(lr, &line, &len)) > 0) {
		lineno++;
		if (rc == 1 && strlen(line) != len) {
			log_warnx("%s:%zu: NUL byte in line, skipped", path,
			    lineno);
			unclean = true;
			continue;
		}
		if (lineno == 1) {
			header = rc == 1 && strcmp(line, STATE_HEADER) == 0;
			if (!header && (rc != 1 ||
			    strcmp(line, STATE_HEADER1) != 0))
				log_warnx("%s:1: not a state file header, "
				    "skipped", path);
			continue;
		}
		if (rc == 1 && (rc = parse_line(st, line, name)) == -1)
			return -1;
		if (rc == 0)
			ngood++;
		/* logrotate's words: scripts grep for them. */
		if (rc != 0 && ++st->nbad > 0)
			log_warnx("bad line %zu in state file %s (skipped)",
			    lineno, path);
	}
	if (rc == -1)
		return -1;
	st->dirty = !header || unclean || st->nbad > 0 || ngood != st->n;
	return 0;
}

struct state *
state_load(const char *path)
{
	struct lines lr = { -1, NULL, 0, 0, 0, false, false };
	struct state *st;
	char *name = NULL;
	size_t i;
	int save;

	if ((st = state_new()) == NULL)
		return NULL;
	if ((lr.fd = open_state(path, &st->disk)) == -1) {
		if (errno == ENOENT)
			return st;
		if (errno == EINVAL || errno == ELOOP)
			log_warnx("%s: read: not a regular file (a symlink, "
			    "FIFO or device is never read)", path);
		else
			log_warn("%s: read", path);
		goto fail;
	}
	if ((lr.buf = malloc(STATE_LINE_MAX + STATE_CHUNK + 1)) == NULL ||
	    (name = malloc(STATE_LINE_MAX + 1)) == NULL)
		goto fail;
	if (read_lines(st, &lr, path, name) == -1) {
		if (errno != ENOMEM)
			log_warn("%s: read", path);
		goto fail;
	}
	/* Grown or shrunk while read: not the file these entries are. */
	st->on_disk = lr.total == (size_t)st->disk.st_size;
	/* Read, not seen: a run marks what it sees (state_mark_used). */
	for (i = 0; i < st->n; i++)
		st->ents[i].used = false;
	close(lr.fd);
	free(name);
	free(lr.buf);
	return st;
fail:
	save = errno;
	if (lr.fd != -1)
		close(lr.fd);
	free(name);
	free(lr.buf);
	state_free(st);
	errno = save;
	return NULL;
}

struct state *
state_load_adopting(const char *path, const char *adopt)
{
	struct state *st;
	struct stat sb;

	if (adopt == NULL || lstat(path, &sb) == 0 || errno != ENOENT ||
	    lstat(adopt, &sb) == -1)
		return state_load(path);
	if ((st = state_load(adopt)) != NULL)
		log_info("%s: no state yet: took over %s (%zu logs), so no log "
		    "rotates early or late for the switch", path, adopt,
		    state_count(st));
	return st;
}

struct sbuf {
	char	*b;
	size_t	 n, cap;
	int	 err;
};

static void
sb_put(struct sbuf *sb, const char *s, size_t len)
{
	char *nb;
	size_t ncap;

	if (sb->err)
		return;
	if (sb->cap - sb->n < len) {
		ncap = (sb->cap + len) * 2;
		if ((nb = realloc(sb->b, ncap)) == NULL) {
			sb->err = errno;
			return;
		}
		sb->b = nb;
		sb->cap = ncap;
	}
	memcpy(sb->b + sb->n, s, len);
	sb->n += len;
}

static void
format_entry(struct sbuf *sb, const struct entry *e)
{
	const char *p;
	struct tm tm;
	char tail[64];
	int n;

	sb_put(sb, "\"", 1);
	for (p = e->path; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			sb_put(sb, "\\", 1);
		if (*p == '\n')
			sb_put(sb, "\\n", 2);
		else
			sb_put(sb, p, 1);
	}
	if (localtime_r(&e->when, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	n = snprintf(tail, sizeof(tail), "\" %d-%d-%d-%d:%d:%d\n",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec);
	sb_put(sb, tail, (size_t)n);
}

/*
 * Splits PATH into an opened directory fd and a pointer to its last name;
 * a PATH that names no file ("", "/", "dir/") fails with EISDIR.
 */
static int
open_parent(const char *path, const char **base)
{
	char *dir;
	int fd, save;

	if (fs_split_path(path, &dir, base) == -1)
		return -1;
	if (**base == '\0') {
		fd = -1;
		errno = EISDIR;
	} else
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	save = errno;
	free(dir);
	errno = save;
	return fd;
}

/*
 * Whether PATH is still the file ST was read from or last written to:
 * nobody removed or replaced it (a rename makes a new inode) or wrote to
 * it since (its size and mtime).
 */
static bool
still_on_disk(const struct state *st, const char *path)
{
	struct stat sb;

	if (!st->on_disk || lstat(path, &sb) == -1)
		return false;
	return sb.st_dev == st->disk.st_dev && sb.st_ino == st->disk.st_ino &&
	    sb.st_size == st->disk.st_size &&
	    sb.st_mtim.tv_sec == st->disk.st_mtim.tv_sec &&
	    sb.st_mtim.tv_nsec == st->disk.st_mtim.tv_nsec;
}

int
state_save(struct state *st, const char *path)
{
	struct fs_attr attr = { 0640, (uid_t)-1, (gid_t)-1 };
	struct sbuf sb = { NULL, 0, 0, 0 };
	struct durable_file f = { .fd = -1 };
	const char *base, *op = "open directory";
	struct stat written;
	int dfd, save;
	size_t i;

	if (!st->dirty && still_on_disk(st, path))
		return 0;
	if ((dfd = open_parent(path, &base)) == -1)
		goto fail;
	sb_put(&sb, STATE_HEADER "\n", sizeof(STATE_HEADER));
	for (i = 0; i < st->n; i++)
		format_entry(&sb, &st->ents[i]);
	if (sb.err) {
		errno = sb.err;
		op = "format";
		goto fail;
	}
	op = "create temporary";
	if (durable_create(&f, DURABLE_TMP, dfd, base, &attr) == -1)
		goto fail;
	op = "write";
	if (fs_write_all(f.fd, sb.b, sb.n) == -1)
		goto fail_tmp;
	op = "fstat";
	if (fstat(f.fd, &written) == -1)
		goto fail_tmp;
	op = "fsync and rename";
	if (durable_commit(&f, base, DURABLE_REPLACE) == -1) {
		if (f.published)	/* in place: only its directory's sync */
			op = "fsync directory";
		goto fail_tmp;
	}
	/* Durable: saves skip until something changes (or PATH does). */
	st->disk = written;
	st->on_disk = true;
	st->dirty = false;
	close(dfd);
	free(sb.b);
	return 0;
fail_tmp:
	durable_abort(&f);
fail:
	save = errno;
	log_warnx("%s: state save: %s: %s", path, op, strerror(save));
	if (dfd != -1)
		close(dfd);
	free(sb.b);
	errno = save;
	return -1;
}

/* Nobody but root and us may create, replace or hold files in DIRST. */
static int
lockdir_safe(const struct stat *dirst)
{
	if (dirst->st_uid != 0 && dirst->st_uid != geteuid())
		return 0;
	return !fs_dir_insecure(dirst);
}

int
state_lock(const char *statepath, int timeout_ms)
{
	char name[NAME_MAX + 1];
	const char *base;
	struct stat sb;
	struct timespec nap = { 0, 20 * 1000 * 1000 };
	int dfd, fd = -1, waited = 0, save;

	if ((dfd = open_parent(statepath, &base)) == -1)
		return -1;
	if (fstat(dfd, &sb) == -1)
		goto fail;
	if (!lockdir_safe(&sb)) {
		errno = EPERM;
		goto fail;
	}
	if ((size_t)snprintf(name, sizeof(name), "%s.lock", base) >=
	    sizeof(name)) {
		errno = ENAMETOOLONG;
		goto fail;
	}
	fd = openat(dfd, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC |
	    O_NONBLOCK | O_NOCTTY, 0600);
	if (fd == -1 || fstat(fd, &sb) == -1)
		goto fail;
	if (!S_ISREG(sb.st_mode) || (sb.st_uid != 0 && sb.st_uid != geteuid())) {
		errno = EPERM;
		goto fail;
	}
	while (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK || waited >= timeout_ms)
			goto fail;
		nanosleep(&nap, NULL);
		waited += 20;
	}
	close(dfd);
	return fd;
fail:
	save = errno;
	if (fd != -1)
		close(fd);
	close(dfd);
	errno = save;
	return -1;
}

void
state_unlock(int fd)
{
	if (fd != -1)
		close(fd);
}

int
state_lock_or_say(const char *statepath)
{
	int fd, saved;

	if ((fd = state_lock(statepath, 0)) != -1)
		return fd;
	saved = errno;
	if (saved == EWOULDBLOCK)
		log_warnx("%s.lock: another mond holds it (is the daemon "
		    "running?)", statepath);
	else if (saved == EPERM)
		log_warnx("%s.lock: its directory is writable by others, "
		    "refusing to lock there", statepath);
	else
		log_warnx("%s.lock: %s", statepath, strerror(saved));
	errno = saved;
	return -1;
}
