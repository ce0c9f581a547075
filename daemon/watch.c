/*
 * watch.c: size triggers by inotify. It watches directories, never the logs
 * themselves (a rotated log keeps its watch otherwise, and new files would
 * go unseen), remembers which known logs were written to, and checks them
 * only after a hold-off so a burst of writes costs one stat per log. It
 * never rotates: it only tells the scheduler that a pass is worth running.
 */
#include <sys/inotify.h>
#include <sys/stat.h>

#include <errno.h>
#include <fnmatch.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "util/fsutil.h"
#include "util/log.h"
#include "engine/plan.h"
#include "daemon/watch.h"

#define HOLDOFF_USEC	200000
#define WATCH_MASK	(IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_ONLYDIR)

struct entry {
	char		*path;
	long long	 threshold;	/* bytes; -1 = never triggers */
	size_t		 rule;		/* index into the watch's conf */
	bool		 dirty;
};

struct dirw {
	int		 wd;
	char		*dir;
};

struct watch {
	int			 fd;
	struct event		*ev_in;
	struct event		*ev_hold;
	const struct mond_conf	*conf;
	size_t			*datew, ndatew;	/* plan_date_widths(conf) */
	struct entry		*entries;	/* sorted by path */
	size_t			 nentries;
	struct dirw		*dirs;
	size_t			 ndirs;
	bool			 new_file;
	watch_trigger_fn	 trigger;
	void			*arg;
};

static int
entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->path,
	    ((const struct entry *)b)->path);
}

static struct entry *
find_entry(const struct watch *w, const char *path)
{
	struct entry key = { .path = (char *)(uintptr_t)path };

	if (w->nentries == 0)
		return NULL;
	return bsearch(&key, w->entries, w->nentries, sizeof(key), entry_cmp);
}

static const char *
dir_of(const struct watch *w, int wd)
{
	size_t i;

	for (i = 0; i < w->ndirs; i++)
		if (w->dirs[i].wd == wd)
			return w->dirs[i].dir;
	return NULL;
}

/* Adds a watch on DIR (a directory that may not exist yet: then nothing). */
static int
add_dir(struct watch *w, const char *dir)
{
	struct dirw *nd;
	int wd;

	if ((wd = inotify_add_watch(w->fd, dir, WATCH_MASK)) == -1) {
		if (errno != ENOENT && errno != ENOTDIR)
			log_warn("%s: inotify_add_watch", dir);
		return 0;
	}
	if (dir_of(w, wd) != NULL)
		return 0;
	if ((nd = realloc(w->dirs, (w->ndirs + 1) * sizeof(*nd))) == NULL)
		return -1;
	w->dirs = nd;
	if ((nd[w->ndirs].dir = strdup(dir)) == NULL)
		return -1;
	nd[w->ndirs++].wd = wd;
	return 0;
}

/* The directory part of PATH, when it has one without glob characters. */
static int
add_dir_of(struct watch *w, const char *path)
{
	const char *base;
	char *dir;
	int rc = 0;

	if (fs_split_path(path, &dir, &base) == -1)
		return -1;
	if (base != path && strpbrk(dir, "*?[") == NULL)
		rc = add_dir(w, dir);
	free(dir);
	return rc;
}

struct stem_arg {
	const struct watch	*w;
	const char		*dir;
};

/* The rule of the known log STEM in a->dir, else NULL. */
static const struct log_rule *
known_rule(const char *stem, void *arg)
{
	const struct stem_arg *a = arg;
	const struct entry *e;
	char path[4096];

	if ((size_t)snprintf(path, sizeof(path), "%s%s%s", a->dir,
	    strcmp(a->dir, "/") == 0 ? "" : "/", stem) >= sizeof(path) ||
	    (e = find_entry(a->w, path)) == NULL ||
	    e->rule >= a->w->conf->nrules)
		return NULL;
	return &a->w->conf->rules[e->rule];
}

/*
 * A new name NAME in the watched directory DIR (PATH is both) that some
 * rule's pattern names. Rotated names are not new logs, whichever rule
 * rotated them: ours, or an application's own dateext-like rotation of a
 * known log (pass.c leaves those out the same way).
 */
static bool
is_new_log(const struct watch *w, const char *dir, const char *name,
    const char *path)
{
	struct stem_arg a = { w, dir };
	size_t i, j;

	for (i = 0; i < w->conf->nrules; i++) {
		const struct log_rule *r = &w->conf->rules[i];

		for (j = 0; j < r->npatterns; j++)
			if (fnmatch(r->patterns[j], path,
			    FNM_PATHNAME | FNM_PERIOD) == 0 &&
			    !plan_is_rotated_by(r, r->patterns[j], path))
				return !plan_is_rotated_name(name, w->datew,
				    w->ndatew, known_rule, &a);
	}
	return false;
}

static void
note_event(struct watch *w, const struct inotify_event *ev)
{
	const char *dir;
	struct entry *e;
	char path[4096];

	if (ev->mask & IN_Q_OVERFLOW) {
		w->new_file = true;	/* events lost: look at everything */
		return;
	}
	if (ev->len == 0 || (dir = dir_of(w, ev->wd)) == NULL)
		return;
	if ((size_t)snprintf(path, sizeof(path), "%s%s%s", dir,
	    strcmp(dir, "/") == 0 ? "" : "/", ev->name) >= sizeof(path))
		return;
	if ((e = find_entry(w, path)) != NULL) {
		if (e->threshold >= 0)
			e->dirty = true;
		else if (ev->mask & (IN_CREATE | IN_MOVED_TO))
			w->new_file = true;	/* e.g. missing at the last pass */
	} else if ((ev->mask & (IN_CREATE | IN_MOVED_TO)) &&
	    is_new_log(w, dir, ev->name, path))
		w->new_file = true;	/* a write alone makes no new log */
}

static void
on_inotify(evutil_socket_t fd, short what, void *arg)
{
	struct watch *w = arg;
	char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event *ev;
	struct timeval tv = { 0, HOLDOFF_USEC };
	ssize_t n;
	char *p;

	(void)what;
	for (;;) {
		if ((n = read(fd, buf, sizeof(buf))) == -1) {
			if (errno != EAGAIN && errno != EINTR)
				log_warn("inotify read");
			break;
		}
		if (n <= 0)
			break;
		for (p = buf; p < buf + n; p += sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)(void *)p;
			note_event(w, ev);
		}
	}
	if (!evtimer_pending(w->ev_hold, NULL))
		evtimer_add(w->ev_hold, &tv);
}

/* After the hold-off: one stat per log written to. */
static void
on_holdoff(evutil_socket_t fd, short what, void *arg)
{
	struct watch *w = arg;
	bool fire = w->new_file;
	struct stat st;
	size_t i;

	(void)fd; (void)what;
	w->new_file = false;
	for (i = 0; i < w->nentries; i++) {
		struct entry *e = &w->entries[i];

		if (!e->dirty)
			continue;
		e->dirty = false;
		if (stat(e->path, &st) == 0 && st.st_size >= e->threshold)
			fire = true;
	}
	if (fire)
		w->trigger(w->arg);
}

struct watch *
watch_new(struct event_base *base, const struct mond_conf *conf,
    watch_trigger_fn trigger, void *arg)
{
	struct watch *w;
	size_t i, j;

	if ((w = calloc(1, sizeof(*w))) == NULL) {
		log_warn("watch: calloc");
		return NULL;
	}
	w->conf = conf;
	w->trigger = trigger;
	if ((w->datew = calloc(conf->nrules + 1, sizeof(*w->datew))) == NULL) {
		log_warn("watch: calloc");
		free(w);
		return NULL;
	}
	w->ndatew = plan_date_widths(conf, w->datew);
	w->arg = arg;
	if ((w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1) {
		log_warn("inotify_init1");
		free(w->datew);
		free(w);
		return NULL;
	}
	w->ev_in = event_new(base, w->fd, EV_READ | EV_PERSIST, on_inotify, w);
	w->ev_hold = evtimer_new(base, on_holdoff, w);
	if (w->ev_in == NULL || w->ev_hold == NULL ||
	    event_add(w->ev_in, NULL) == -1) {
		log_warnx("watch: cannot add the inotify event");
		watch_free(w);
		return NULL;
	}
	for (i = 0; i < conf->nrules; i++)
		for (j = 0; j < conf->rules[i].npatterns; j++)
			if (add_dir_of(w, conf->rules[i].patterns[j]) == -1) {
				log_warn("watch");
				watch_free(w);
				return NULL;
			}
	return w;
}

static long long
threshold_of(const struct log_rule *r, const struct pass_result *res,
    time_t now)
{
	long long t;

	if (res->outcome == PASS_FAILED || res->outcome == PASS_SKIPPED)
		return -1;
	t = plan_threshold(r, res->next_due != (time_t)-1 &&
	    res->next_due <= now, NULL);
	/* Already past it and not rotated: a write must not loop passes. */
	if (t != -1 && res->outcome == PASS_IDLE && res->size >= t)
		return -1;
	return t;
}

static void
free_entries(struct watch *w)
{
	size_t i;

	for (i = 0; i < w->nentries; i++)
		free(w->entries[i].path);
	free(w->entries);
	w->entries = NULL;
	w->nentries = 0;
}

int
watch_update(struct watch *w, const struct mond_conf *conf,
    const struct pass_report *rep, time_t now)
{
	struct timeval tv = { 0, HOLDOFF_USEC };
	struct entry *old = w->entries, *o;
	size_t nold = w->nentries, i;
	bool check = false;
	int rc = 0;

	w->entries = NULL;
	w->nentries = 0;
	if (rep->nresults > 0 &&
	    (w->entries = calloc(rep->nresults, sizeof(*w->entries))) == NULL)
		rc = -1;
	for (i = 0; i < rep->nresults && rc == 0; i++) {
		const struct pass_result *res = &rep->results[i];
		struct entry key = { .path = res->path };

		if ((w->entries[i].path = strdup(res->path)) == NULL) {
			rc = -1;
			break;
		}
		w->nentries = i + 1;
		w->entries[i].rule = res->rule;
		w->entries[i].threshold = res->rule < conf->nrules ?
		    threshold_of(&conf->rules[res->rule], res, now) : -1;
		/*
		 * A write since the pass looked at the log: one the old entry
		 * saw, or any to a log new in this pass (unknown names' writes
		 * are ignored). Checked once after the hold-off.
		 */
		o = nold > 0 ? bsearch(&key, old, nold, sizeof(key),
		    entry_cmp) : NULL;
		w->entries[i].dirty = w->entries[i].threshold >= 0 &&
		    (o != NULL ? o->dirty : true);
		/*
		 * Written or created since the pass looked, where this report
		 * has no threshold (the pass found the log missing): the event
		 * must not die with the old entry. One more look.
		 */
		if (o != NULL && o->dirty && w->entries[i].threshold < 0)
			w->new_file = true;
		check = check || w->entries[i].dirty || w->new_file;
		rc = add_dir_of(w, res->path);
	}
	/* Even after a failure: find_entry's bsearch needs them sorted. */
	if (w->nentries > 0)
		qsort(w->entries, w->nentries, sizeof(*w->entries), entry_cmp);
	for (i = 0; i < nold; i++)
		free(old[i].path);
	free(old);
	if (check && !evtimer_pending(w->ev_hold, NULL))
		evtimer_add(w->ev_hold, &tv);
	return rc;
}

void
watch_free(struct watch *w)
{
	size_t i;

	if (w == NULL)
		return;
	if (w->ev_in != NULL)
		event_free(w->ev_in);
	if (w->ev_hold != NULL)
		event_free(w->ev_hold);
	if (w->fd != -1)
		close(w->fd);
	free_entries(w);
	for (i = 0; i < w->ndirs; i++)
		free(w->dirs[i].dir);
	free(w->dirs);
	free(w->datew);
	free(w);
}
