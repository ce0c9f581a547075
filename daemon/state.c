/*
 * state.c: the state file (logrotate's "version 2" format) held in a hash
 * table, its atomic save, and the lock that keeps a second mond away. A
 * bad line costs only that line (logrotate #45 stopped everything); the
 * file on disk is only ever replaced whole, by rename.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "daemon/fsutil.h"
#include "daemon/log.h"
#include "daemon/state.h"
#include "daemon/strmap.h"

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
};

struct state *
state_new(void)
{
	return calloc(1, sizeof(struct state));
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
	if (strmap_get(&st->index, logpath, st->n, &found) == NULL) {
		free(path);
		return -1;
	}
	st->ents[st->n].path = path;
	st->ents[st->n].used = true;
	st->ents[st->n++].when = when;
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

long
state_prune_unused(struct state *st, time_t now, time_t maxage)
{
	struct strmap index = { 0 };
	size_t i, n = 0;
	bool found;

	/* The new index first: on ENOMEM nothing has changed yet. */
	for (i = 0; i < st->n; i++) {
		if (!st->ents[i].used && now - st->ents[i].when > maxage)
			continue;
		if (strmap_get(&index, st->ents[i].path, n++, &found) == NULL) {
			strmap_free(&index);
			errno = ENOMEM;
			return -1;
		}
	}
	for (i = n = 0; i < st->n; i++) {
		if (!st->ents[i].used && now - st->ents[i].when > maxage) {
			log_debug("Removing %s from state file, because it does "
			    "not exist and has not been rotated for one year",
			    st->ents[i].path);
			free(st->ents[i].path);
			continue;
		}
		st->ents[n++] = st->ents[i];
	}
	strmap_free(&st->index);
	st->index = index;
	i = st->n - n;
	st->n = n;
	return (long)i;
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

/* A state file larger than this is not ours (10,000 logs take ~1 MB). */
#define STATE_MAXLEN	(256u << 20)

struct state *
state_load(const char *path)
{
	struct state *st;
	char *buf, *line, *nl, *name = NULL;
	size_t len, lineno = 0, i;
	int rc;

	if ((st = state_new()) == NULL)
		return NULL;
	if ((buf = fs_read_file(path, STATE_MAXLEN, &len, NULL)) == NULL) {
		if (errno == ENOENT)
			return st;
		if (errno == EINVAL || errno == ELOOP)
			log_warnx("%s: read: not a regular file (a symlink, "
			    "FIFO or device is never read)", path);
		else
			log_warn("%s: read", path);
		goto fail;
	}
	if ((name = malloc(len + 1)) == NULL)
		goto fail;
	for (line = buf; line < buf + len; line = nl + 1) {
		lineno++;
		if ((nl = memchr(line, '\n', (size_t)(buf + len - line))) == NULL)
			nl = buf + len;
		*nl = '\0';
		if (strlen(line) != (size_t)(nl - line)) {
			log_warnx("%s:%zu: NUL byte in line, skipped", path,
			    lineno);
			continue;
		}
		if (lineno == 1) {
			if (strcmp(line, STATE_HEADER) != 0 &&
			    strcmp(line, STATE_HEADER1) != 0)
				log_warnx("%s:1: not a state file header, "
				    "skipped", path);
			continue;
		}
		if ((rc = parse_line(st, line, name)) == -1)
			goto fail;
		/* logrotate's words: scripts grep for them. */
		if (rc == 1 && ++st->nbad > 0)
			log_warnx("bad line %zu in state file %s (skipped)",
			    lineno, path);
	}
	/* Read, not seen: a run marks what it sees (state_mark_used). */
	for (i = 0; i < st->n; i++)
		st->ents[i].used = false;
	free(name);
	free(buf);
	return st;
fail:
	rc = errno;
	free(name);
	free(buf);
	state_free(st);
	errno = rc;
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

int
state_save(const struct state *st, const char *path)
{
	struct fs_attr attr = { 0640, (uid_t)-1, (gid_t)-1 };
	struct sbuf sb = { NULL, 0, 0, 0 };
	char tmp[NAME_MAX + 1];
	const char *base, *op = "open directory";
	int dfd, fd = -1, save;
	size_t i;

	if ((dfd = open_parent(path, &base)) == -1)
		goto fail;
	op = "temporary name";
	if (fs_tmpname(base, tmp, sizeof(tmp)) == -1)
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
	if ((fd = fs_create_tmp(dfd, tmp, &attr)) == -1)
		goto fail;
	op = "write";
	if (fs_write_all(fd, sb.b, sb.n) == -1)
		goto fail_tmp;
	op = "fsync";
	if (fsync(fd) == -1)
		goto fail_tmp;
	op = "close";
	save = close(fd);
	fd = -1;
	if (save == -1)
		goto fail_tmp;
	op = "rename";
	if (renameat(dfd, tmp, dfd, base) == -1)
		goto fail_tmp;
	op = "fsync directory";
	if (fs_fsync_dir(dfd) == -1)
		goto fail;
	close(dfd);
	free(sb.b);
	return 0;
fail_tmp:
	save = errno;
	if (fd != -1)
		close(fd);
	fd = -1;
	unlinkat(dfd, tmp, 0);
	errno = save;
fail:
	save = errno;
	log_warnx("%s: state save: %s: %s", path, op, strerror(save));
	if (fd != -1)
		close(fd);
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
