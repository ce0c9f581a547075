/*
 * pass_match.c: which files a pass looks at. It globs every rule's
 * patterns before anything moves, tells rotated files from logs (a
 * wildcard never takes another log's rotated sibling) and hands each rule
 * its logs, first rule winning. It never stats, plans or rotates.
 */
#include <fnmatch.h>
#include <glob.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"
#include "engine/pass_int.h"
#include "engine/plan.h"
#include "util/strmap.h"

static bool
selected(const struct pass_opts *o, const struct log_rule *r, const char *path)
{
	size_t i, j;

	if (o->npatterns == 0)
		return true;
	for (i = 0; i < o->npatterns; i++) {
		if (fnmatch(o->patterns[i], path, 0) == 0)
			return true;
		for (j = 0; j < r->npatterns; j++)
			if (strcmp(o->patterns[i], r->patterns[j]) == 0)
				return true;
	}
	return false;
}

static bool
has_magic(const char *pattern)
{
	return strpbrk(pattern, "*?[") != NULL;
}

/*
 * Appends PATH to the rule's logs unless another rule claimed it first
 * (first rule wins, as the config reads) or the caller did not select it.
 */
static int
add_item(struct pass *p, size_t ri, const char *path, struct item **its,
    size_t *n, size_t *cap)
{
	const struct log_rule *r = &p->conf->rules[ri];
	struct item *ni;
	size_t *owner;
	bool found;

	if ((owner = strmap_upsert(&p->claimed, path, ri, &found)) == NULL)
		return -1;
	if (found) {
		const struct log_rule *first = &p->conf->rules[*owner];

		/* logrotate's ignoreduplicates: the earlier stanza says so. */
		if (*owner != ri && first->ignoreduplicates)
			log_debug("%s:%d ignore duplicate log entry for %s",
			    r->file, r->line, path);
		else if (*owner != ri)
			log_warnx("%s: matched by %s:%d and earlier by %s:%d; "
			    "the earlier rule wins", path, r->file, r->line,
			    first->file, first->line);
		return 0;
	}
	if (!selected(p->opts, r, path))
		return 0;
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		if ((ni = reallocarray(*its, *cap, sizeof(*ni))) == NULL)
			return -1;
		*its = ni;
	}
	memset(&(*its)[*n], 0, sizeof(**its));
	if (((*its)[*n].path = strdup(path)) == NULL)
		return -1;
	(*its)[*n].ok = true;
	(*n)++;
	return 0;
}

/* One glob() result, kept until every rule's patterns are expanded. */
struct pass_match {
	char	*path;
	size_t	 ri, pi;	/* rule, and its pattern */
	bool	 wild;		/* from a wildcard, and not the pattern itself */
};

struct sib_arg {
	struct pass	*p;
	char		*path;		/* PATH_MAX: its dir "/" */
	size_t		 dirlen;	/* the part before a stem */
};

/* The rule of STEM when a rule matched it in the candidate's dir, or NULL. */
static const struct log_rule *
log_stem_rule(const char *stem, void *arg)
{
	struct sib_arg *a = arg;
	size_t len = strlen(stem), *ri;

	/* Asked for every split of every name: no printf here. */
	if (a->dirlen + len >= PATH_MAX)
		return NULL;
	memcpy(a->path + a->dirlen, stem, len + 1);
	if ((ri = strmap_find(&a->p->matched, a->path)) == NULL)
		return NULL;
	return &a->p->conf->rules[*ri];
}

/*
 * Whether a wildcard's match M is a rotated file rather than a log (the
 * exact rule is in mond.conf(5)): a rotated sibling, under that log's
 * rule, of a log any rule matched in the same directory; or a rotated
 * name under M's own rule of a name its pattern matches.
 */
static bool
is_rotated(struct pass *p, const struct pass_match *m)
{
	const struct log_rule *r = &p->conf->rules[m->ri];
	const char *slash = strrchr(m->path, '/');
	char path[PATH_MAX];
	struct sib_arg a = { p, path, 0 };

	if (plan_is_rotated_by(r, r->patterns[m->pi], m->path))
		return true;
	/*
	 * log_stem_rule rebuilds DIR "/" STEM as globbed, so DIR is all
	 * before the last '/' ("" for a log in /), not fs_split_path's.
	 */
	if (slash == NULL || (size_t)(slash - m->path) + 1 >= sizeof(path))
		return false;
	a.dirlen = (size_t)(slash - m->path) + 1;
	memcpy(path, m->path, a.dirlen);
	return plan_is_rotated_name(slash + 1, p->datew, p->ndatew,
	    log_stem_rule, &a);
}

/*
 * Every rule's patterns globbed (sorted), into *MS; a pattern that matches
 * nothing names itself, so a missing log is reported. Every match is
 * recorded in p->matched (path -> first rule) for is_rotated.
 */
static int
glob_all(struct pass *p, struct pass_match **ms, size_t *n)
{
	const struct log_rule *r;
	struct pass_match *nm;
	size_t ri, i, j, cap = 0, *slot;
	bool found;
	glob_t g;
	int rc;

	for (ri = 0; ri < p->conf->nrules; ri++) {
		r = &p->conf->rules[ri];
		for (i = 0; i < r->npatterns; i++) {
			rc = glob(r->patterns[i], GLOB_NOCHECK, NULL, &g);
			if (rc != 0) {
				if (rc == GLOB_NOSPACE) {
					globfree(&g);
					return -1;
				}
				/* Without GLOB_ERR only GLOB_ABORTED is left. */
				log_warnx("%s:%d: %s: cannot expand the pattern "
				    "(glob error %d)", r->file, r->line,
				    r->patterns[i], rc);
				continue;
			}
			for (j = 0; j < g.gl_pathc; j++) {
				if (*n == cap) {
					cap = cap ? cap * 2 : 64;
					if ((nm = reallocarray(*ms, cap,
					    sizeof(*nm))) == NULL)
						goto nomem;
					*ms = nm;
				}
				nm = &(*ms)[*n];
				nm->ri = ri;
				nm->pi = i;
				nm->wild = has_magic(r->patterns[i]) &&
				    strcmp(g.gl_pathv[j], r->patterns[i]) != 0;
				if ((nm->path = strdup(g.gl_pathv[j])) == NULL)
					goto nomem;
				(*n)++;
				if ((slot = strmap_upsert(&p->matched, nm->path, ri,
				    &found)) == NULL)
					goto nomem;
			}
			globfree(&g);
		}
	}
	return 0;
nomem:
	globfree(&g);
	return -1;
}

/* The distinct dateformat widths of the rules, for is_rotated. */
static int
date_widths(struct pass *p)
{
	if ((p->datew = calloc(p->conf->nrules + 1, sizeof(*p->datew))) == NULL)
		return -1;
	p->ndatew = plan_date_widths(p->conf, p->datew);
	return 0;
}

int
pass_match_expand(struct pass *p, size_t ri, const struct pass_match *ms,
    size_t nms, struct item **its, size_t *n)
{
	size_t i, cap = 0;

	for (i = 0; i < nms; i++) {
		if (ms[i].ri != ri || (ms[i].wild && is_rotated(p, &ms[i])))
			continue;
		if (add_item(p, ri, ms[i].path, its, n, &cap) == -1)
			return -1;
	}
	return 0;
}

int
pass_match_all(struct pass *p, struct pass_match **ms, size_t *n)
{
	if (glob_all(p, ms, n) == -1 || date_widths(p) == -1)
		return -1;
	return 0;
}

void
pass_match_free(struct pass_match *ms, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(ms[i].path);
	free(ms);
}
