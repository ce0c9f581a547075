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
#include <unistd.h>

#include "daemon/fsutil.h"
#include "daemon/log.h"
#include "daemon/plan.h"
#include "daemon/retain.h"
#include "daemon/rotate.h"

struct member {
	char		*name;
	off_t		 size;
	struct timespec	 mtime;
};

static int
oldest_first(const void *a, const void *b)
{
	const struct member *x = a, *y = b;

	if (x->mtime.tv_sec != y->mtime.tv_sec)
		return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
	if (x->mtime.tv_nsec != y->mtime.tv_nsec)
		return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
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
		(*m)[*n].mtime = st.st_mtim;
		(*n)++;
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

int
retain_maxtotal(const struct log_rule *rule, const char *tgtdir,
    const char *logname, const atomic_bool *cancel, char *why, size_t whylen)
{
	struct member *m;
	long long total = 0;
	size_t n, i;
	int dfd, gone = 0;

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
	for (i = 0; i + 1 < n && total > rule->maxtotal; i++) {
		if (may_remove(rule, tgtdir, m[i].name, cancel, why,
		    whylen) == -1)
			break;
		if (fs_unlink(dfd, m[i].name) == -1) {
			snprintf(why, whylen, "%s/%s: maxtotal: remove: %s",
			    tgtdir, m[i].name, strerror(errno));
			break;
		}
		total -= m[i].size;
		gone++;
		log_info("%s/%s: removed, %s's rotated files were over maxtotal "
		    "%lld (%lld bytes left)", tgtdir, m[i].name, logname,
		    rule->maxtotal, total);
	}
	family_free(m, n);
	close(dfd);
	return i + 1 < n && total > rule->maxtotal ? -1 : gone;
}
