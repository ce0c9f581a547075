/*
 * main.c: the command line. Parses options, picks a mode, maps the outcome
 * to an exit code (0 ok, 1 error, 2 usage, 3 lock held). Nothing else lives
 * here: every mode is a call into libmond.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf/conf.h"
#include "daemon/control.h"
#include "util/log.h"
#include "daemon/mond.h"
#include "web/frontmain.h"

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: mond [-v] [--now TIME] [-s STATE] [-c FILE]   run the daemon\n"
	    "       mond -t|--check-config [-v] [-c FILE]\n"
	    "       mond --once [-v] [--dry-run] [--now TIME] [-s STATE] [-c FILE]\n"
	    "       mond --force-rotate [--dry-run] [--now TIME] [-s STATE] [-c FILE] [PATTERN...]\n"
	    "       mond --version | --help\n");
}

/*
 * --now "YYYY-MM-DDTHH:MM[:SS]", local time: tests move mond's clock with
 * it instead of sleeping.
 */
static int
parse_now(const char *text, time_t *t)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	end = strptime(text, "%Y-%m-%dT%H:%M", &tm);
	if (end == NULL)
		return -1;
	if (*end == ':') {
		end = strptime(end, ":%S", &tm);
		if (end == NULL)
			return -1;
	}
	if (*end != '\0')
		return -1;
	tm.tm_isdst = -1;	/* local time: let mktime find DST */
	*t = mktime(&tm);
	return *t == (time_t)-1 ? -1 : 0;
}

enum mode { MODE_DAEMON, MODE_CHECK, MODE_ONCE, MODE_FORCE };

/*
 * mond's own command line (ARGV after any logrotate or front check) into
 * *O and *MODE, the patterns left in O. Returns -1 to go on, else the
 * exit code (usage errors, --version, --help).
 */
static int
parse_args(int argc, char *argv[], struct run_opts *o, enum mode *mode)
{
	enum { OPT_ONCE = 256, OPT_FORCE, OPT_DRYRUN, OPT_NOW, OPT_VERSION,
	    OPT_HELP };
	static const struct option longopts[] = {
		{ "config",		required_argument, NULL, 'c' },
		{ "check-config",	no_argument,	   NULL, 't' },
		{ "verbose",		no_argument,	   NULL, 'v' },
		{ "state",		required_argument, NULL, 's' },
		{ "once",		no_argument,	   NULL, OPT_ONCE },
		{ "force-rotate",	no_argument,	   NULL, OPT_FORCE },
		{ "dry-run",		no_argument,	   NULL, OPT_DRYRUN },
		{ "now",		required_argument, NULL, OPT_NOW },
		{ "version",		no_argument,	   NULL, OPT_VERSION },
		{ "help",		no_argument,	   NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 }
	};
	int nmodes = 0, ch;

	while ((ch = getopt_long(argc, argv, "c:s:tv", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			o->conf_path = optarg;
			break;
		case 's':
			o->state_path = optarg;
			break;
		case 't':
			*mode = MODE_CHECK;
			nmodes++;
			break;
		case 'v':
			o->verbose++;
			break;
		case OPT_ONCE:
			*mode = MODE_ONCE;
			nmodes++;
			break;
		case OPT_FORCE:
			*mode = MODE_FORCE;
			nmodes++;
			break;
		case OPT_DRYRUN:
			o->dry_run = true;
			break;
		case OPT_NOW:
			if (parse_now(optarg, &o->now) == -1) {
				fprintf(stderr, "mond: --now %s: expected "
				    "YYYY-MM-DDTHH:MM[:SS]\n", optarg);
				return EXIT_USAGE;
			}
			o->has_now = true;
			break;
		case OPT_VERSION:
			printf("mond %s\n", MOND_VERSION);
			return EXIT_OK;
		case OPT_HELP:
			usage(stdout);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (nmodes > 1) {
		fprintf(stderr, "mond: -t, --once and --force-rotate exclude "
		    "each other\n");
		return EXIT_USAGE;
	}
	o->patterns = argv + optind;
	o->npatterns = (size_t)(argc - optind);
	return -1;
}

/* Whether O's options go with MODE; says why not. Returns 0 or -1. */
static int
options_fit(const struct run_opts *o, enum mode mode)
{
	if (o->npatterns > 0 && mode != MODE_FORCE) {
		usage(stderr);
		return -1;
	}
	/* The daemon takes --now (its clock starts there) and -s too. */
	if (o->dry_run && mode != MODE_ONCE && mode != MODE_FORCE) {
		fprintf(stderr, "mond: --dry-run goes with --once or "
		    "--force-rotate\n");
		return -1;
	}
	if ((o->has_now || o->state_path) && mode == MODE_CHECK) {
		fprintf(stderr, "mond: --now and -s do not go with -t\n");
		return -1;
	}
	return 0;
}

int
main(int argc, char *argv[])
{
	struct run_opts opts = { .conf_path = CONF_DEFAULT_PATH };
	enum mode mode = MODE_DAEMON;
	const char *name;
	int rc;

	/*
	 * Without TZ, glibc stats /etc/localtime on every localtime_r() and
	 * mktime(); naming it once keeps a 10,000-log pass, in the daemon as
	 * in --once, from doing 20,000 stats. Here, before any thread exists:
	 * setenv() while another thread reads the environment is undefined.
	 */
	if (getenv("TZ") == NULL && setenv("TZ", ":/etc/localtime", 0) == -1)
		log_warn("setenv TZ");
	/* Installed as logrotate (as sendmail is by postfix): its interface. */
	if (argc > 0 && (name = strrchr(argv[0], '/')) != NULL)
		name++;
	else
		name = argc > 0 ? argv[0] : "";
	if (strcmp(name, "logrotate") == 0)
		return mond_logrotate(argc, argv);
	/* The web front's process, executed by the daemon (webproc.c). */
	if (argc == 2 && strcmp(argv[1], "--web-front") == 0) {
		log_init(0);
		return front_main(FRONT_LINK_FD);
	}
	if ((rc = parse_args(argc, argv, &opts, &mode)) != -1)
		return rc;
	if (options_fit(&opts, mode) == -1)
		return EXIT_USAGE;

	log_init(opts.verbose);
	switch (mode) {
	case MODE_CHECK:
		return mond_check_config(&opts);
	case MODE_ONCE:
		return mond_once(&opts, false);
	case MODE_FORCE:
		/* Through the running daemon when there is one. */
		if ((rc = control_cli_force(&opts)) != -1)
			return rc;
		return mond_once(&opts, true);
	case MODE_DAEMON:
		break;
	}
	return mond_daemon(&opts);
}
