/*
 * confkeep.c: what a reload keeps of the running configuration. When a
 * logrotate file that loaded cleanly before has a new error, the stanzas
 * it had in the running configuration stay in force, not only those the
 * reader could still take: a typo in one package's file must not stop
 * that package's rotation until someone notices. It only rearranges
 * configs in memory.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "conf/confrule.h"

/* Whether FILE lost a stanza, or the rest of itself, in CONF. */
static bool
lost_some(const struct mond_conf *conf, const char *file)
{
	size_t i;

	for (i = 0; i < conf->nproblems; i++)
		if ((conf->problems[i].kind == CONF_PROBLEM_SKIPPED ||
		    conf->problems[i].kind == CONF_PROBLEM_IGNORED) &&
		    strcmp(conf->problems[i].file, file) == 0)
			return true;
	return false;
}

static size_t
rules_of(const struct mond_conf *conf, const char *file)
{
	size_t i, n = 0;

	for (i = 0; i < conf->nrules; i++)
		n += strcmp(conf->rules[i].file, file) == 0;
	return n;
}

/*
 * Where NEW's rule I stood in OLD: the index of the rule of the same
 * file and the same ordinal in that file; past OLD's rules of that file,
 * its last; SIZE_MAX for a file OLD did not have.
 */
static size_t
old_rank(const struct mond_conf *new, size_t i, const struct mond_conf *old)
{
	const char *file = new->rules[i].file;
	size_t j, ord = 0, last = SIZE_MAX;

	for (j = 0; j < i; j++)
		ord += strcmp(new->rules[j].file, file) == 0;
	for (j = 0; j < old->nrules; j++) {
		if (strcmp(old->rules[j].file, file) != 0)
			continue;
		if (ord-- == 0)
			return j;
		last = j;
	}
	return last;
}

/*
 * NEW's rules, with those of FILE replaced by OLD's, each where it stood
 * in OLD among the other files' rules: order decides which stanza a
 * glob's log goes to, so a kept stanza must not fall behind a later
 * file's `*.log`. Returns 0, -1 on ENOMEM (NEW unchanged).
 */
static int
swap_file(struct mond_conf *new, const struct mond_conf *old,
    const char *file)
{
	size_t nold = rules_of(old, file), nnew = rules_of(new, file);
	size_t i, j = 0, k = 0, nk = 0, ncopied = 0, rank;
	size_t total = new->nrules - nnew + nold;
	struct log_rule *rules, *kept;

	rules = calloc(total + 1, sizeof(*rules));
	kept = calloc(nold + 1, sizeof(*kept));
	if (rules == NULL || kept == NULL)
		goto nomem;
	for (i = 0; i < old->nrules; i++)
		if (strcmp(old->rules[i].file, file) == 0) {
			if (confrule_copy(&kept[ncopied], &old->rules[i]) == -1)
				goto nomem;
			ncopied++;
		}
	/* J walks OLD's rules; each of FILE's is placed as it is passed. */
	for (i = 0; i < new->nrules; i++) {
		if (strcmp(new->rules[i].file, file) == 0)
			continue;
		/* A file OLD did not have tells nothing: no rank. */
		rank = old_rank(new, i, old);
		for (; rank != SIZE_MAX && j < rank; j++)
			if (strcmp(old->rules[j].file, file) == 0)
				rules[k++] = kept[nk++];
		rules[k++] = new->rules[i];
	}
	while (nk < ncopied)
		rules[k++] = kept[nk++];
	for (i = 0; i < new->nrules; i++)
		if (strcmp(new->rules[i].file, file) == 0)
			confrule_free(&new->rules[i]);
	free(kept);
	free(new->rules);
	new->rules = rules;
	new->nrules = total;
	return 0;
nomem:
	for (i = 0; i < ncopied; i++)
		confrule_free(&kept[i]);
	free(kept);
	free(rules);
	errno = ENOMEM;
	return -1;
}

/* Whether FILE is one of the first N problems' files: each file once. */
static bool
seen_before(const struct mond_conf *conf, size_t n, const char *file)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(conf->problems[i].file, file) == 0)
			return true;
	return false;
}

int
conf_keep_good(struct mond_conf *new, const struct mond_conf *old)
{
	size_t i, n = new->nproblems;

	/* Only the problems the load found: the notes added here are not. */
	for (i = 0; i < n; i++) {
		const char *file = new->problems[i].file;

		if (seen_before(new, i, file) || !lost_some(new, file) ||
		    rules_of(old, file) == 0)
			continue;
		if (swap_file(new, old, file) == -1)
			return -1;
		if (conf_problem(new, file, 0, CONF_PROBLEM_NOTE, "%zu "
		    "stanza%s of the running configuration kept in force",
		    rules_of(new, file), rules_of(new, file) == 1 ? "" : "s") ==
		    -1)
			return -1;
	}
	return 0;
}
