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
 * NEW's rules, with those of FILE replaced by OLD's, in OLD's order, where
 * FILE's first rule was in NEW (or at the end). Returns 0, -1 on ENOMEM
 * (NEW unchanged).
 */
static int
swap_file(struct mond_conf *new, const struct mond_conf *old,
    const char *file)
{
	size_t nold = rules_of(old, file), nnew = rules_of(new, file);
	size_t i, k = 0, at = new->nrules, total = new->nrules - nnew + nold;
	struct log_rule *rules;

	if ((rules = calloc(total + 1, sizeof(*rules))) == NULL)
		return -1;
	for (i = 0; i < new->nrules && at == new->nrules; i++)
		if (strcmp(new->rules[i].file, file) == 0)
			at = i;
	for (i = 0; i < new->nrules && i < at; i++)
		rules[k++] = new->rules[i];
	for (i = 0; i < old->nrules; i++)
		if (strcmp(old->rules[i].file, file) == 0 &&
		    confrule_copy(&rules[k++], &old->rules[i]) == -1)
			goto nomem;
	for (i = at; i < new->nrules; i++)
		if (strcmp(new->rules[i].file, file) == 0)
			confrule_free(&new->rules[i]);
		else
			rules[k++] = new->rules[i];
	free(new->rules);
	new->rules = rules;
	new->nrules = total;
	return 0;
nomem:
	/* Only copies were made so far: free those, NEW is untouched. */
	for (i = at; i < k; i++)
		confrule_free(&rules[i]);
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
		if (conf_problem(new, file, 0, CONF_PROBLEM_NOTE, "kept its "
		    "%zu stanzas of the running configuration",
		    rules_of(new, file)) == -1)
			return -1;
	}
	return 0;
}
