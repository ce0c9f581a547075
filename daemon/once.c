/*
 * once.c: `mond --once` and the in-process `mond --force-rotate`: load the
 * config, take the lock, load the state, make one pass, save the state
 * (without the entries of logs a pass over every rule does not see), the
 * order logrotate's main() keeps. A config error exits before any file
 * moves; a dry run takes no lock and writes no state.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf/conf.h"
#include "daemon/log.h"
#include "daemon/mond.h"
#include "daemon/pass.h"
#include "daemon/state.h"

static void
print_report(const struct pass_report *rep)
{
	const struct pass_result *res;
	size_t i;

	for (i = 0; i < rep->nresults; i++) {
		res = &rep->results[i];
		log_info("%s: %s: %s", res->path, pass_outcome_name(res->outcome),
		    res->why);
	}
}

/* pass_opts.expanded: the entries of logs this pass will not see go. */
static void
prune_unseen(void *arg)
{
	static const struct pass_report none;

	if (state_prune_unseen(arg, &none) == -1)
		log_warn("state not pruned");
}

int
mond_once(const struct run_opts *opts, bool force)
{
	struct pass_opts po = { .force = force, .dry_run = opts->dry_run,
	    .patterns = opts->patterns, .npatterns = opts->npatterns,
	    .out = opts->dry_run ? stdout : NULL };
	struct pass_report rep = { 0 };
	struct mond_conf *conf;
	struct state *st = NULL;
	const char *path;
	int lock = -1, rc = EXIT_ERROR;

	if ((conf = conf_load(opts->conf_path)) == NULL)
		return EXIT_ERROR;
	po.mail_command = conf->mail_command;
	path = opts->state_path != NULL ? opts->state_path : conf->statefile;
	if (!opts->dry_run && (lock = state_lock_or_say(path)) == -1) {
		rc = errno == EWOULDBLOCK ? EXIT_LOCKED : EXIT_ERROR;
		goto out;
	}
	if ((st = state_load_adopting(path, conf->logrotate_conf != NULL ?
	    conf->logrotate_state : NULL)) == NULL) {
		log_warn("%s: cannot read the state", path);
		goto out;
	}
	po.now = opts->has_now ? opts->now : time(NULL);
	/* The daemon's rule (worker.c): a whole pass drops what it won't see. */
	if (!opts->dry_run && opts->npatterns == 0) {
		po.expanded = prune_unseen;
		po.rule_done_arg = st;
	}
	rc = pass_run(conf, st, &po, &rep) == 0 ? EXIT_OK : EXIT_ERROR;
	fflush(stdout);
	if (opts->verbose > 0)
		print_report(&rep);
	if (!opts->dry_run && state_save(st, path) == -1)
		rc = EXIT_ERROR;
out:
	pass_report_free(&rep);
	state_free(st);
	if (lock >= 0)
		state_unlock(lock);
	conf_free(conf);
	return rc;
}
