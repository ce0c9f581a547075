/*
 * pass_fs.c: the file systems a pass's logs live on, for the status pages
 * (pass_int.h's pass_list_fs). Nothing here resolves a path a user may
 * change as root: the label is the kernel's mount table read by device,
 * a directory a user controls is opened and measured only as that user,
 * and only a directory no user controls keeps a descriptor that the loop
 * may measure again later (status.c), so no user can point it elsewhere.
 */
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/pass_int.h"
#include "engine/su.h"

/* mountinfo's escapes (\040 for a space...) undone in place. */
static void
unescape(char *s)
{
	char *w = s;

	for (; *s != '\0'; s++, w++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*w = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 |
			    (s[3] - '0'));
			s += 3;
		} else
			*w = *s;
	}
	*w = '\0';
}

/*
 * DEV's mount point, the shortest of its entries in /proc/self/mountinfo
 * (a bind mount of it elsewhere is longer, as a rule), or "device M:N".
 * A malloc'd string, NULL on ENOMEM.
 */
static char *
mount_point(dev_t dev)
{
	char *line = NULL, *best = NULL, *mnt, *save;
	unsigned int maj, mnr;
	size_t cap = 0;
	FILE *fp;

	if ((fp = fopen("/proc/self/mountinfo", "re")) != NULL) {
		while (getline(&line, &cap, fp) != -1) {
			/* ID PARENT MAJOR:MINOR ROOT MOUNTPOINT ... */
			if (strtok_r(line, " ", &save) == NULL ||
			    strtok_r(NULL, " ", &save) == NULL ||
			    (mnt = strtok_r(NULL, " ", &save)) == NULL ||
			    sscanf(mnt, "%u:%u", &maj, &mnr) != 2 ||
			    makedev(maj, mnr) != dev ||
			    strtok_r(NULL, " ", &save) == NULL ||
			    (mnt = strtok_r(NULL, " ", &save)) == NULL)
				continue;
			unescape(mnt);
			if (best == NULL || strlen(mnt) < strlen(best)) {
				free(best);
				if ((best = strdup(mnt)) == NULL)
					break;
			}
		}
		free(line);
		fclose(fp);
	}
	if (best == NULL && asprintf(&best, "device %u:%u", major(dev),
	    minor(dev)) == -1)
		best = NULL;
	return best;
}

/*
 * FS measured through D's directory: as the user who controls its path
 * (nothing kept), or, where none does, through an O_PATH descriptor kept
 * in FS->fd. A directory the walk refused is not measured at all.
 */
static void
measure(struct pass *p, struct dir *d, struct pass_fs *fs)
{
	struct su_ids ids;
	struct stat st;
	bool as_user = false;
	int fd;

	if (p->euid == 0) {
		if (pass_dir_walk(p, d) == -1)
			return;
		as_user = d->owner != 0;
	}
	if (as_user && su_enter_user(d->owner, &ids) == -1)
		return;
	fd = open(d->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (as_user)
		su_leave(&ids);
	if (fd == -1)
		return;
	if (fstat(fd, &st) == 0 && st.st_dev == fs->dev &&
	    fstatvfs(fd, &fs->sv) == 0)
		fs->sv_ok = true;
	if (as_user || !fs->sv_ok)
		close(fd);
	else
		fs->fd = fd;
}

static int
fs_by_path(const void *a, const void *b)
{
	return strcmp(((const struct pass_fs *)a)->path,
	    ((const struct pass_fs *)b)->path);
}

void
pass_list_fs(struct pass *p)
{
	struct pass_report *rep = p->rep;
	struct pass_fs *fs;
	size_t i, j;

	if ((rep->fs = calloc(p->ndirs + 1, sizeof(*rep->fs))) == NULL) {
		p->nomem = true;
		return;
	}
	for (i = 0; i < p->ndirs; i++) {
		if (!p->dirs[i].stat_ok)
			continue;
		for (j = 0; j < rep->nfs &&
		    rep->fs[j].dev != p->dirs[i].st.st_dev; j++)
			;
		fs = &rep->fs[j];
		if (j < rep->nfs) {
			/* another directory of it, for a figure it lacks */
			if (!fs->sv_ok)
				measure(p, &p->dirs[i], fs);
			continue;
		}
		fs->dev = p->dirs[i].st.st_dev;
		fs->fd = -1;
		if ((fs->path = mount_point(fs->dev)) == NULL) {
			p->nomem = true;
			return;
		}
		rep->nfs++;
		measure(p, &p->dirs[i], fs);
	}
	qsort(rep->fs, rep->nfs, sizeof(*rep->fs), fs_by_path);
}
