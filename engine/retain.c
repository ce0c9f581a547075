/*
 * retain.c: `maxtotal`. The family of a log is read from its target
 * directory after the rotation (its compressed files are final by then),
 * sorted oldest first, and trimmed from the old end until it fits. It
 * runs as the log's identity, inside the rotation (pass.c), and never
 * follows a link: a name is judged by fstatat(AT_SYMLINK_NOFOLLOW) and
 * removed by unlinkat relative to the directory opened once.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "util/fsutil.h"
#include "util/log.h"
#include "engine/plan.h"
#include "engine/retain.h"
#include "engine/rotate.h"
#include "engine/su.h"

struct member {
	char		*name;
	off_t		 size;
	long long	 frees;		/* bytes an unlink gives back (minfree) */
	struct timespec	 mtime;
	struct plan_age	 age;		/* its place by name */
};

/*
 * Oldest first by mtime; a tie (a copy stamped with the log's own mtime,
 * rotations within one clock tick) by what the names say (a higher LOG.N,
 * an earlier date or a lower counter of one date is older), else by name.
 */
static int
oldest_first(const void *a, const void *b)
{
	const struct member *x = a, *y = b;
	int c;

	if (x->mtime.tv_sec != y->mtime.tv_sec)
		return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
	if (x->mtime.tv_nsec != y->mtime.tv_nsec)
		return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
	if ((c = plan_age_cmp(&x->age, &y->age)) != 0)
		return c;
	return strcmp(x->name, y->name);
}

static void
family_free(struct member *m, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(m[i].name);
	free(m);
}

/*
 * How many of M (N, oldest first) may go: none of those as new as the
 * newest. Names do not always say which is newest (`extension`, a date
 * format that does not sort), and twins are common (a copy stamped with
 * the log's mtime): every file tied with the newest stays.
 */
static size_t
older_than_newest(const struct member *m, size_t n)
{
	size_t k = n;

	while (k > 0 && m[k - 1].mtime.tv_sec == m[n - 1].mtime.tv_sec &&
	    m[k - 1].mtime.tv_nsec == m[n - 1].mtime.tv_nsec)
		k--;
	return k;
}

/* LOGNAME's rotated regular files in DFD into *M (*N), oldest first. */
static int
family(int dfd, const struct log_rule *rule, const char *logname,
    struct member **m, size_t *n)
{
	struct member *nm;
	struct dirent *de;
	struct stat st;
	size_t cap = 0;
	DIR *d;
	int fd;

	*m = NULL;
	*n = 0;
	/* fdopendir takes the descriptor: a second one of the same directory */
	if ((fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    (d = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		return -1;
	}
	errno = 0;
	while ((de = readdir(d)) != NULL) {
		if (!plan_is_sibling(rule, logname, de->d_name) ||
		    fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
		    !S_ISREG(st.st_mode))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((nm = reallocarray(*m, cap, sizeof(**m))) == NULL)
				goto nomem;
			*m = nm;
		}
		if (((*m)[*n].name = strdup(de->d_name)) == NULL)
			goto nomem;
		(*m)[*n].size = st.st_size;
		/* a file linked elsewhere gives nothing back */
		(*m)[*n].frees = st.st_nlink == 1 ? (long long)st.st_blocks *
		    512 : 0;
		(*m)[*n].mtime = st.st_mtim;
		(void)plan_name_age(rule, logname, de->d_name, &(*m)[*n].age);
		(*n)++;
		errno = 0;
	}
	if (errno != 0) {	/* a partial listing must not decide */
		int saved = errno;

		closedir(d);
		family_free(*m, *n);
		*m = NULL;
		*n = 0;
		errno = saved;
		return -1;
	}
	closedir(d);
	qsort(*m, *n, sizeof(**m), oldest_first);
	return 0;
nomem:
	closedir(d);
	family_free(*m, *n);
	*m = NULL;
	*n = 0;
	errno = ENOMEM;
	return -1;
}

/* preremove on TGTDIR/NAME; 0 when it may go. */
static int
may_remove(const struct log_rule *rule, const char *tgtdir, const char *name,
    const atomic_bool *cancel, char *why, size_t whylen)
{
	char path[PATH_MAX];
	int status;

	if (rule->preremove == NULL)
		return 0;
	snprintf(path, sizeof(path), "%s/%s", tgtdir, name);
	if ((status = rotate_script(rule->preremove, path, NULL, cancel)) == 0)
		return 0;
	/* logrotate's words for a failing preremove */
	snprintf(why, whylen, "error running preremove script for %s of "
	    "'%s'. Not removing this file.", path, rule->title);
	return -1;
}

/* Whether M is the file this rotation made: NEWEST, or it compressed. */
static bool
is_newest(const struct log_rule *rule, const char *newest, const char *name)
{
	size_t len;

	if (newest == NULL)
		return false;
	len = strlen(newest);
	return strncmp(name, newest, len) == 0 && (name[len] == '\0' ||
	    strcmp(name + len, plan_compext(rule)) == 0);
}

/*
 * M (in DFD, TGTDIR) removed after the rule's preremove: 1 when it went
 * (or its preremove moved it away), 0 when it is kept, -1 on an error.
 */
static int
remove_member(const struct log_rule *rule, int dfd, const char *tgtdir,
    const struct member *m, const atomic_bool *cancel, char *why,
    size_t whylen)
{
	if (may_remove(rule, tgtdir, m->name, cancel, why, whylen) == -1) {
		log_warnx("%s", why);
		return 0;
	}
	if (fs_unlink(dfd, m->name) == 0 || errno == ENOENT)
		return 1;
	snprintf(why, whylen, "%s/%s: maxtotal: remove: %s", tgtdir, m->name,
	    strerror(errno));
	return -1;
}

int
retain_maxtotal(const struct log_rule *rule, const char *tgtdir,
    const char *logname, const char *newest, const atomic_bool *cancel,
    char *why, size_t whylen)
{
	struct member *m;
	long long total = 0;
	size_t n, i, nold;
	int dfd, gone = 0, rc = 0;

	if ((dfd = fs_open_dir(tgtdir)) == -1 ||
	    family(dfd, rule, logname, &m, &n) == -1) {
		snprintf(why, whylen, "%s: maxtotal: reading the directory: %s",
		    tgtdir, strerror(errno));
		if (dfd != -1)
			close(dfd);
		return -1;
	}
	for (i = 0; i < n; i++)
		total += m[i].size;
	nold = older_than_newest(m, n);
	/* oldest first; the newest (and its twins, and the one made) stays */
	for (i = 0; i < nold && total > rule->maxtotal && rc != -1; i++) {
		if (is_newest(rule, newest, m[i].name))
			continue;
		if (cancel != NULL && atomic_load(cancel))
			break;
		/* a file its preremove keeps still counts; the next may go */
		if ((rc = remove_member(rule, dfd, tgtdir, &m[i], cancel, why,
		    whylen)) != 1)
			continue;
		total -= m[i].size;
		gone++;
		log_info("%s/%s: removed, %s's rotated files were over maxtotal "
		    "%lld (%lld bytes left)", tgtdir, m[i].name, logname,
		    rule->maxtotal, total);
	}
	family_free(m, n);
	close(dfd);
	return rc == -1 ? -1 : gone;
}

/* A rotated file minfree may remove: whose, and how old. */
struct candidate {
	size_t		 log;		/* index into the logs */
	struct member	 m;
};

static int
candidate_oldest_first(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;

	return oldest_first(&x->m, &y->m);
}

int
retain_space(const struct statvfs *sv, int pct, long long bytes,
    long long *avail, long long *size, long long *want)
{
	long long unit;

	unit = sv->f_frsize > 0 ? (long long)sv->f_frsize :
	    (long long)sv->f_bsize;
	if (sv->f_blocks == 0 || unit == 0) {
		errno = ENOTSUP;	/* no size to keep free space of */
		return -1;
	}
	*avail = (long long)sv->f_bavail * unit;
	*size = (long long)sv->f_blocks * unit;
	*want = pct > 0 ? *size / 100 * pct : bytes > 0 ? bytes : -1;
	return 0;
}

/* The free bytes of FS (statvfs of DIR) and what minfree wants there. */
static int
space_of(const struct mond_conf *conf, const char *dir, long long *avail,
    long long *want)
{
	struct statvfs sv;
	long long size;

	if (statvfs(dir, &sv) == -1)
		return -1;
	return retain_space(&sv, conf->minfree_pct, conf->minfree_bytes, avail,
	    &size, want);
}

/*
 * Every rotated file but the newest of the LOGS on device DEV, appended
 * to *C (*NC, room *CAP), each log's directory listed as its identity.
 */
static int
gather(const struct retain_log *logs, const dev_t *devs, size_t n, dev_t dev,
    const atomic_bool *cancel, struct candidate **c, size_t *nc, size_t *cap)
{
	struct candidate *ncand;
	struct member *m;
	struct su_ids ids;
	size_t i, j, k, nm, nold;
	int dfd, rc;

	for (i = 0; i < n; i++) {
		if (devs[i] != dev)
			continue;
		if (cancel != NULL && atomic_load(cancel))
			break;
		if (su_enter_for(logs[i].rule, logs[i].as_uid, &ids) == -1)
			continue;
		rc = (dfd = fs_open_dir(logs[i].tgtdir)) == -1 ? -1 :
		    family(dfd, logs[i].rule, logs[i].logname, &m, &nm);
		if (dfd != -1)
			close(dfd);
		su_leave(&ids);
		if (rc == -1)
			continue;
		nold = older_than_newest(m, nm);
		for (j = 0; j < nold; j++) {	/* the newest stays */
			if (*nc == *cap) {
				*cap = *cap ? *cap * 2 : 64;
				ncand = reallocarray(*c, *cap, sizeof(**c));
				if (ncand == NULL) {
					for (k = j; k < nm; k++)
						free(m[k].name);
					free(m);
					return -1;
				}
				*c = ncand;
			}
			(*c)[(*nc)++] = (struct candidate){ i, m[j] };
		}
		for (j = nold; j < nm; j++)
			free(m[j].name);
		free(m);
	}
	return 0;
}

/* Removes M of log L as L's identity, after L's preremove. 0 when gone. */
static int
remove_one(const struct retain_log *l, const struct member *m,
    const atomic_bool *cancel)
{
	char why[PATH_MAX + 128];
	struct su_ids ids;
	int dfd = -1, rc = -1;

	if (su_enter_for(l->rule, l->as_uid, &ids) == -1) {
		log_warn("%s: minfree: taking its user's identity", l->tgtdir);
		return -1;
	}
	if (may_remove(l->rule, l->tgtdir, m->name, cancel, why,
	    sizeof(why)) == -1)
		log_warnx("%s", why);
	else if ((dfd = fs_open_dir(l->tgtdir)) == -1 ||
	    (fs_unlink(dfd, m->name) == -1 && errno != ENOENT))
		log_warn("%s/%s: minfree: remove", l->tgtdir, m->name);
	else
		rc = 0;	/* gone, or moved away by its preremove */
	if (dfd != -1)
		close(dfd);
	su_leave(&ids);
	return rc;
}

/* Trims the file system DEV (where LOGS[AT] lives) back to minfree. */
static long
trim_fs(const struct mond_conf *conf, const struct retain_log *logs,
    const dev_t *devs, size_t n, size_t at, const atomic_bool *cancel)
{
	struct candidate *c = NULL;
	size_t nc = 0, cap = 0, k;
	long long avail, want, start, freed = 0;
	long gone = 0;

	if (space_of(conf, logs[at].tgtdir, &avail, &want) == -1 ||
	    avail >= want)
		return 0;
	if (gather(logs, devs, n, devs[at], cancel, &c, &nc, &cap) == -1)
		log_warnx("minfree: out of memory");
	qsort(c, nc, sizeof(*c), candidate_oldest_first);
	/*
	 * What the unlinks give back counts as free already: btrfs and ZFS
	 * show it only later, and waiting for statvfs would take everything.
	 * The next pass looks again.
	 */
	start = avail;
	for (k = 0; k < nc && avail < want && start + freed < want; k++) {
		if (cancel != NULL && atomic_load(cancel))
			break;
		if (remove_one(&logs[c[k].log], &c[k].m, cancel) == 0) {
			gone++;
			freed += c[k].m.frees;
			log_info("%s/%s: removed: free space under minfree "
			    "(%lld bytes free, %lld wanted)", logs[c[k].log].tgtdir,
			    c[k].m.name, avail, want);
		}
		if (space_of(conf, logs[at].tgtdir, &avail, &want) == -1)
			break;
	}
	if (k == nc && avail < want && start + freed < want &&
	    (cancel == NULL || !atomic_load(cancel)))
		log_warnx("%s: %lld bytes free, under minfree's %lld, and no "
		    "rotated file left that may go", logs[at].tgtdir, avail,
		    want);
	for (k = 0; k < nc; k++)
		free(c[k].m.name);
	free(c);
	return gone;
}

long
retain_minfree(const struct mond_conf *conf, const struct retain_log *logs,
    size_t n, const atomic_bool *cancel)
{
	dev_t *devs, *seen;
	size_t i, j, nseen = 0;
	struct stat st;
	long gone = 0;

	if ((conf->minfree_pct <= 0 && conf->minfree_bytes <= 0) || n == 0)
		return 0;
	if ((devs = calloc(n, sizeof(*devs))) == NULL ||
	    (seen = calloc(n, sizeof(*seen))) == NULL) {
		free(devs);
		log_warnx("minfree: out of memory");
		return 0;
	}
	/* One stat per directory in a row: a wildcard's logs share one. */
	for (i = 0; i < n; i++)
		if (i > 0 && strcmp(logs[i].tgtdir, logs[i - 1].tgtdir) == 0)
			devs[i] = devs[i - 1];
		else
			devs[i] = stat(logs[i].tgtdir, &st) == 0 ? st.st_dev :
			    (dev_t)-1;
	/* Each file system once, at its first log; there are a few. */
	for (i = 0; i < n; i++) {
		for (j = 0; j < nseen && seen[j] != devs[i]; j++)
			;
		if (j < nseen || devs[i] == (dev_t)-1)
			continue;
		seen[nseen++] = devs[i];
		gone += trim_fs(conf, logs, devs, n, i, cancel);
	}
	free(seen);
	free(devs);
	return gone;
}
