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
#include "util/log.h"
#include "daemon/mond.h"
#include "engine/pass.h"
#include "engine/state.h"

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

/*
 * `mond -t`: "configuration OK" on stdout, exit 0. `mond -t -v`: ONLY the
 * canonical config on stdout (no "configuration OK"), so that its output
 * can be saved and fed back to `mond -t -c`. Errors go to stderr (conf_load
 * prints them) and the exit code is 1; nothing goes to stdout then. What
 * the logrotate files could not give (conf->problems, said as they were
 * found) also makes the exit code 1, without "configuration OK"; -v still
 * prints what did load, which is what the daemon would run.
 */
int
mond_check_config(const struct run_opts *opts)
{
	struct mond_conf *conf = conf_load(opts->conf_path);
	int rc = EXIT_OK;

	if (conf == NULL)
		return EXIT_ERROR;
	if (conf->nproblems > 0)
		rc = EXIT_ERROR;
	if (opts->verbose > 0) {
		if (conf_print(conf, stdout) == -1) {
			fprintf(stderr, "mond: stdout: %s\n", strerror(errno));
			rc = EXIT_ERROR;
		}
	} else if (rc == EXIT_OK)
		puts("configuration OK");
	conf_free(conf);
	return rc;
}
