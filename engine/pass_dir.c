/*
 * pass_dir.c: the directories one pass reads: each stat()ed once and
 * listed (sorted, with mtimes for maxage) once, unless a rotation of the
 * pass changed it; what a killed mond left in it is cleaned up or kept
 * aside when it is first listed. pass.c plans from these listings.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/dirwriters.h"
#include "engine/durable.h"
#include "util/fsutil.h"
#include "util/log.h"
#include "engine/pathwalk.h"
#include "engine/pass_int.h"
#include "engine/plan.h"
#include "util/strmap.h"

/* durable_recover_swaps' report: a swap left by a crash held a log's data. */
static void
swap_report(const char *swap, const char *to, int err, void *arg)
{
	const char *dir = arg;

	if (to != NULL)
		log_warnx("%s/%s: left by an interrupted rotation with data in "
		    "it; kept as %s/%s", dir, swap, dir, to);
	else
		log_warnx("%s/%s: left by an interrupted rotation, may hold "
		    "a log's data; not removed: %s", dir, swap, strerror(err));
}

/*
 * Lists D (sorted) through one open of it; with MTIMES (maxage) each
 * entry's mtime too, from the same fd. An entry whose mtime cannot be read
 * makes d->err (the caller fails the logs of maxage rules there) rather
 * than an old-looking 0: a failed stat must never delete a backup.
 */
int
pass_dir_list(struct pass *p, struct dir *d, bool mtimes, bool clean)
{
	struct plan_sibling *ns;
	struct dirent *de;
	struct stat st;
	size_t cap = 0;
	DIR *dp;
	int fd;

	d->listed = true;
	d->have_mtimes = mtimes;
	d->err = 0;
	if ((fd = fs_open_dir(d->path)) == -1) {
		if (errno == ENOENT)
			return 0;
		d->err = errno;
		return -1;
	}
	/* Leftovers of a crashed mond go before anything is planned. */
	clean = clean && !p->opts->dry_run;
	if (clean && durable_clean_temps(fd) > 0)
		log_info("%s: removed stale mond temporaries", d->path);
	if (clean && durable_recover_swaps(fd, swap_report, d->path) == -1)
		log_warn("%s: recovering interrupted rotations", d->path);
	if ((dp = fdopendir(fd)) == NULL) {
		d->err = errno;
		close(fd);
		return -1;
	}
	while ((de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.' && (de->d_name[1] == '\0' ||
		    (de->d_name[1] == '.' && de->d_name[2] == '\0')))
			continue;
		if (d->nsib == cap) {
			cap = cap ? cap * 2 : 64;
			ns = reallocarray(d->sib, cap, sizeof(*ns));
			if (ns == NULL)
				goto nomem;
			d->sib = ns;
		}
		d->sib[d->nsib].mtime = (time_t)-1;
		if (mtimes) {
			if (fstatat(dirfd(dp), de->d_name, &st,
			    AT_SYMLINK_NOFOLLOW) == 0)
				d->sib[d->nsib].mtime = st.st_mtime;
			else if (errno == ENOENT)
				continue;	/* gone since readdir */
			else if (d->err == 0)
				d->err = errno;
		}
		if ((d->sib[d->nsib].name = strdup(de->d_name)) == NULL)
			goto nomem;
		d->nsib++;
	}
	closedir(dp);
	plan_sort_siblings(d->sib, d->nsib);
	return d->err != 0 ? -1 : 0;
nomem:
	closedir(dp);
	p->nomem = true;
	errno = ENOMEM;
	return -1;
}

/*
 * logrotate's rule for a log's directory (fs_dir_insecure), with the
 * writers its ACL adds; one whose ACL cannot be read counts as insecure.
 */
static bool
dir_insecure(const char *path, const struct stat *st)
{
	struct dir_writers dw;
	bool bad;
	int fd;

	if (fs_dir_insecure(st))
		return true;
	if ((fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
		return errno != ENOENT;	/* gone: the listing will say */
	bad = dirw_read(fd, st, &dw) == -1 || dirw_insecure(&dw, st);
	close(fd);
	return bad;
}

/* The cached directory PATH, stat()ed on first sight. NULL on ENOMEM. */
struct dir *
pass_dir_get(struct pass *p, const char *path)
{
	struct dir *nd, *d;
	size_t *slot;
	bool found;

	if ((slot = strmap_upsert(&p->dirmap, path, p->ndirs, &found)) == NULL)
		goto nomem;
	if (found)
		return &p->dirs[*slot];
	if (p->ndirs == p->capdirs) {
		p->capdirs = p->capdirs ? p->capdirs * 2 : 16;
		nd = reallocarray(p->dirs, p->capdirs, sizeof(*nd));
		if (nd == NULL)
			goto nomem;
		p->dirs = nd;
	}
	d = &p->dirs[p->ndirs];
	memset(d, 0, sizeof(*d));
	if ((d->path = strdup(path)) == NULL)
		goto nomem;
	p->ndirs++;
	d->stat_ok = stat(path, &d->st) == 0;
	d->insecure = d->stat_ok && dir_insecure(path, &d->st);
	return d;
nomem:
	p->nomem = true;
	return NULL;
}

/*
 * Who controls D's path (pathwalk_dir), asked on first need. Returns 0
 * with D->owner, or -1 with D->walk_err and D->walk_why; ENOMEM sets
 * p->nomem.
 */
int
pass_dir_walk(struct pass *p, struct dir *d)
{
	char why[PATH_MAX + 128];

	if (!d->walked) {
		d->walked = true;
		if (pathwalk_dir(d->path, &d->owner, why, sizeof(why)) == -1) {
			d->walk_err = errno != 0 ? errno : EIO;
			if (errno == EPERM)
				d->walk_why = strdup(why);
			else if (asprintf(&d->walk_why, "%s: %s", why,
			    strerror(d->walk_err)) == -1)
				d->walk_why = NULL;
			if (d->walk_why == NULL)
				p->nomem = true;
		}
	}
	return d->walk_err == 0 ? 0 : -1;
}

/* Forgets D's listing after a change in it, so it is read again. */
void
pass_dir_unlist(struct dir *d)
{
	size_t j;

	for (j = 0; j < d->nsib; j++)
		free((char *)d->sib[j].name);
	free(d->sib);
	d->sib = NULL;
	d->nsib = 0;
	d->listed = false;
	d->have_mtimes = false;
	d->err = 0;
}

void
pass_dir_free_all(struct pass *p)
{
	size_t i, j;

	for (i = 0; i < p->ndirs; i++) {
		for (j = 0; j < p->dirs[i].nsib; j++)
			free((char *)p->dirs[i].sib[j].name);
		free(p->dirs[i].sib);
		free(p->dirs[i].path);
		free(p->dirs[i].walk_why);
	}
	free(p->dirs);
}

/*
 * The log's directory and the target (olddir) directory, as plan.c names
 * them, and the log's name (in PATH).
 */
int
pass_dir_names(const struct log_rule *r, const char *path, char **logdir,
    char **tgtdir, const char **name)
{
	int n;

	*tgtdir = NULL;
	if (fs_split_path(path, logdir, name) == -1)
		return -1;
	if (r->olddir == NULL)
		*tgtdir = strdup(*logdir);
	else if (r->olddir[0] == '/')
		*tgtdir = strdup(r->olddir);
	else {
		n = asprintf(tgtdir, "%s%s%s", *logdir,
		    strcmp(*logdir, "/") == 0 ? "" : "/", r->olddir);
		if (n == -1)
			*tgtdir = NULL;
	}
	if (*tgtdir == NULL) {
		free(*logdir);
		return -1;
	}
	return 0;
}

/* recover_wanted()'s question: is NAME in the listing of the dir ARG? */
int
pass_dir_has(const char *name, void *arg)
{
	const struct dir *d = arg;
	size_t lo = 0, hi = d->nsib, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(name, d->sib[mid].name)) == 0)
			return 1;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

