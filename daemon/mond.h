/*
 * mond.h: what the command line needs from libmond: the exit codes, the
 * options every mode shares, and one entry point per mode. Each entry point
 * returns the process's exit code.
 */
#ifndef MOND_MOND_H
#define MOND_MOND_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

enum {
	EXIT_OK = 0,
	EXIT_ERROR = 1,		/* config error, or any log failed */
	EXIT_USAGE = 2,
	EXIT_LOCKED = 3,	/* another mond holds the lock */
};

struct run_opts {
	const char	*conf_path;
	const char	*state_path;	/* -s; NULL = the config's statefile */
	int		 verbose;
	bool		 dry_run;
	bool		 has_now;
	time_t		 now;		/* --now, when has_now */
	char		**patterns;	/* --force-rotate's arguments */
	size_t		 npatterns;
};

/* -t: load the config, print "configuration OK" (and with -v the canonical form). */
int	mond_check_config(const struct run_opts *opts);
/* The daemon in the foreground, until SIGTERM or SIGINT. */
int	mond_daemon(const struct run_opts *opts);
/* One pass over every rule: rotating what is due, or everything when FORCE. */
int	mond_once(const struct run_opts *opts, bool force);

/*
 * mond run as `logrotate` (a link named so): logrotate 3.21's command line
 * and exit codes (0, 1 error, 2 usage, 3 the state file is locked).
 */
int	mond_logrotate(int argc, char *argv[]);

#endif
