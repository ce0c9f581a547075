/*
 * lrcli.c: mond run under the name `logrotate` (DESIGN §9): logrotate
 * 3.21's command line, exit codes and messages over mond's engine, so that
 * cron jobs, timers and scripts written for logrotate keep working. It
 * reads the files named on the command line with the logrotate reader,
 * locks and reads the state as logrotate does, makes one pass and saves the
 * state. It never rotates anything itself: pass_run() does.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "conf/conf.h"
#include "util/log.h"
#include "daemon/mond.h"
#include "engine/pass.h"
#include "engine/plan.h"
#include "engine/state.h"

#define LR_VERSION	"3.21.0"
#define LR_STATEFILE	STATE_LOGROTATE
/* logrotate keeps a gone log's entry this long: a solar year. */
#define LR_STATE_KEEP	31556926

struct lr_opts {
	bool		 debug, force, skip_lock, wait_lock;
	int		 verbose;
	const char	*state, *mail, *log;
	char	       **files;
	size_t		 nfiles;
};

static const char usage_text[] =
    "Usage: logrotate [-dfv?] [-d|--debug] [-f|--force] [-m|--mail=command]\n"
    "        [-s|--state=statefile] [--skip-state-lock]\n"
    "        [--wait-for-state-lock] [-v|--verbose] [-l|--log=logfile]\n"
    "        [--version] [-?|--help] [--usage] [OPTION...] <configfile>\n";

static const char help_text[] =
    "Usage: logrotate [OPTION...] <configfile>\n"
    "  -d, --debug               Don't do anything, just test and print "
    "debug messages\n"
    "  -f, --force               Force file rotation\n"
    "  -m, --mail=command        Command to send mail (instead of "
    "`/usr/bin/mail')\n"
    "  -s, --state=statefile     Path of state file\n"
    "      --skip-state-lock     Do not lock the state file\n"
    "      --wait-for-state-lock Wait for lock on the state file\n"
    "  -v, --verbose             Display messages during rotation\n"
    "  -l, --log=logfile         Log file or 'syslog' to log to syslog\n"
    "      --version             Display version information\n"
    "\n"
    "Help options:\n"
    "  -?, --help                Show this help message\n"
    "      --usage               Display brief usage message\n";

static void
version(void)
{
	printf("logrotate %s (mond %s)\n\n", LR_VERSION, MOND_VERSION);
	printf("    Default mail command:       /usr/bin/mail\n");
	printf("    Default compress command:   gzip (zlib, in process)\n");
	printf("    Default uncompress command: gunzip (zlib, in process)\n");
	printf("    Default compress extension: .gz\n");
	printf("    Default state file path:    %s\n", LR_STATEFILE);
	printf("    ACL support:                no\n");
	printf("    SELinux support:            no\n");
}

/*
 * Closed standard descriptors are opened on /dev/null, so that a log or
 * the state file never lands on fd 1 (logrotate's issue 154: run with
 * stdin and stdout closed).
 */
static void
open_std_fds(void)
{
	int fd;

	for (;;) {
		if ((fd = open("/dev/null", O_RDWR)) == -1)
			return;
		if (fd > STDERR_FILENO) {
			close(fd);
			return;
		}
	}
}

/* Parses ARGV into *O. Returns -1 to go on, else the exit code. */
static int
parse_args(int argc, char *argv[], struct lr_opts *o)
{
	enum { OPT_VERSION = 256, OPT_USAGE, OPT_SKIP, OPT_WAIT, OPT_HELP };
	static const struct option longopts[] = {
		{ "debug",		no_argument,	   NULL, 'd' },
		{ "force",		no_argument,	   NULL, 'f' },
		{ "mail",		required_argument, NULL, 'm' },
		{ "state",		required_argument, NULL, 's' },
		{ "skip-state-lock",	no_argument,	   NULL, OPT_SKIP },
		{ "wait-for-state-lock", no_argument,	   NULL, OPT_WAIT },
		{ "verbose",		no_argument,	   NULL, 'v' },
		{ "log",		required_argument, NULL, 'l' },
		{ "version",		no_argument,	   NULL, OPT_VERSION },
		{ "help",		no_argument,	   NULL, OPT_HELP },
		{ "usage",		no_argument,	   NULL, OPT_USAGE },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, "dfm:s:vl:?", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'd':
			o->debug = true;
			o->verbose++;
			break;
		case 'f':
			o->force = true;
			break;
		case 'm':
			o->mail = optarg;
			break;
		case 's':
			o->state = optarg;
			break;
		case 'v':
			o->verbose++;
			break;
		case 'l':
			o->log = optarg;
			break;
		case OPT_SKIP:
			o->skip_lock = true;
			break;
		case OPT_WAIT:
			o->wait_lock = true;
			break;
		case OPT_VERSION:
			version();
			return EXIT_OK;
		case OPT_USAGE:
			fputs(usage_text, stdout);
			return EXIT_OK;
		case OPT_HELP:
			fputs(help_text, stdout);
			return EXIT_OK;
		case '?':
			/* getopt's '?' is both -? and an unknown option. */
			if (strcmp(argv[optind - 1], "-?") == 0) {
				fputs(help_text, stdout);
				return EXIT_OK;
			}
			/* FALLTHROUGH */
		default:
			fprintf(stderr, "logrotate: bad argument %s: unknown "
			    "option\n", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	o->files = argv + optind;
	o->nfiles = (size_t)(argc - optind);
	if (o->nfiles == 0) {
		fprintf(stderr, "logrotate %s (mond %s)\n\n", LR_VERSION,
		    MOND_VERSION);
		fputs(usage_text, stderr);
		return EXIT_ERROR;
	}
	if (o->skip_lock && o->wait_lock) {
		fprintf(stderr, "logrotate: options --skip-state-lock and "
		    "--wait-for-state-lock are mutually exclusive\n");
		return EXIT_ERROR;
	}
	return -1;
}

/* The config reader's messages, in logrotate's words and levels. */
static void
conf_message(enum conf_msg_level level, const char *text)
{
	switch (level) {
	case CONF_MSG_ERROR:
		log_warnx("%s", text);
		break;
	case CONF_MSG_WARNING:
		log_warning("%s", text);
		break;
	case CONF_MSG_DEBUG:
		log_debug("%s", text);
		break;
	}
}

/*
 * logrotate's lock: the state file itself, flock()ed, created empty (mode
 * 0640) when missing; a world-readable one is not locked, since anyone
 * could hold it (CVE-2022-1348). Returns the fd to keep, -2 when there is
 * nothing to hold, -1 when the lock failed (said).
 */
static int
lock_state(const char *path, const struct lr_opts *o)
{
	struct stat st;
	int fd;

	if (strcmp(path, "/dev/null") == 0)
		return -2;
	if ((fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW)) == -1 &&
	    errno == ENOENT) {
		log_debug("Creating stub state file: %s", path);
		fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC |
		    O_NOFOLLOW, 0640);
	}
	if (fd == -1) {
		log_warnx("error opening state file %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if (o->skip_lock) {
		log_debug("Skip locking state file %s", path);
		close(fd);
		return -2;
	}
	if (fstat(fd, &st) == -1) {
		log_warnx("error stat()ing state file %s: %s", path,
		    strerror(errno));
		close(fd);
		return -1;
	}
	if (st.st_mode & S_IROTH) {
		log_warning("state file %s is world-readable and thus can be "
		    "locked from other unprivileged users. Skipping lock "
		    "acquisition...", path);
		close(fd);
		return -2;
	}
	while (flock(fd, LOCK_EX | (o->wait_lock ? 0 : LOCK_NB)) == -1) {
		if (errno == EINTR)
			continue;
		if (errno == EWOULDBLOCK)
			log_warnx("state file %s is already locked\nlogrotate "
			    "does not support parallel execution on the same "
			    "set of logfiles.", path);
		else
			log_warnx("error acquiring lock on state file %s: %s",
			    path, strerror(errno));
		close(fd);
		return -1;
	}
	log_debug("acquired lock on state file %s", path);
	return fd;
}

/* logrotate exits 1 for these; a note (an unknown option) it lets pass. */
static bool
conf_failed(const struct mond_conf *conf)
{
	size_t i;

	for (i = 0; i < conf->nproblems; i++)
		if (conf->problems[i].kind == CONF_PROBLEM_ERROR ||
		    conf->problems[i].kind == CONF_PROBLEM_SKIPPED)
			return true;
	return false;
}

static int
replace_str(char **field, const char *value)
{
	char *s;

	if ((s = strdup(value)) == NULL)
		return -1;
	free(*field);
	*field = s;
	return 0;
}

/* The state as logrotate reads it: unreadable or bad lines count as errors. */
static struct state *
read_state(const char *path, const struct lr_opts *o, int *rc)
{
	struct state *st;

	log_debug("Reading state from file: %s", path);
	if (strcmp(path, "/dev/null") == 0)
		return state_new();	/* logrotate's "no state" */
	if ((st = state_load(path)) == NULL) {
		if (!o->debug)
			log_warnx("error opening state file %s: %s", path,
			    strerror(errno));
		*rc = EXIT_ERROR;
		return state_new();
	}
	if (state_bad_lines(st) > 0)
		*rc = EXIT_ERROR;
	return st;
}

static int
write_state(struct state *st, const char *path, time_t now)
{
	if (strcmp(path, "/dev/null") == 0)
		return 0;	/* logrotate: asked not to write one */
	/* logrotate rewrites its state on every run, changed or not. */
	state_mark_dirty(st);
	if (state_prune_unused(st, now, LR_STATE_KEEP) == -1 ||
	    state_save(st, path) == -1)
		return -1;
	return 0;
}

/*
 * A plan's action as logrotate -d and -v word it ("renaming A to B",
 * "creating new A mode = 0644 uid = 0 gid = 4"...), for readers and scripts
 * used to them. Returns the length the line has, as snprintf.
 */
static int
lr_render(const struct plan_action *a, char *buf, size_t len)
{
	switch (a->kind) {
	case ACT_MKDIR:
		return snprintf(buf, len, "creating olddir %s mode = 0%o",
		    a->from, (unsigned int)a->mode);
	case ACT_SCRIPT:
		return snprintf(buf, len, "running %s script with args %s %s",
		    plan_script_name(a->script), a->arg1,
		    a->arg2 != NULL ? a->arg2 : "");
	case ACT_RENAME:
		return snprintf(buf, len, "renaming %s to %s", a->from, a->to);
	case ACT_COPY:
		return snprintf(buf, len, "copying %s to %s", a->from, a->to);
	case ACT_TRUNCATE:
		return snprintf(buf, len, "truncating %s", a->from);
	case ACT_CREATE:
		return snprintf(buf, len, "creating new %s mode = 0%o uid = %d "
		    "gid = %d", a->from, (unsigned int)a->mode, (int)a->uid,
		    (int)a->gid);
	case ACT_COMPRESS:
		return snprintf(buf, len, "compressing log %s with: %s",
		    a->from, a->cmd != NULL ? a->cmd : a->zstd ?
		    "zstd (in process)" : "gzip (in process)");
	case ACT_REMOVE:
		return snprintf(buf, len, "removing old log %s", a->from);
	case ACT_MAIL:
		return snprintf(buf, len, "mailing %s to %s", a->from,
		    a->address);
	}
	return snprintf(buf, len, "?");
}

/* One pass over the rules read, as logrotate's main() makes it. */
static int
rotate(struct mond_conf *conf, const struct lr_opts *o)
{
	struct pass_opts po = { .now = time(NULL), .force = o->force,
	    .dry_run = o->debug,
	    .mail_command = conf->mail_command, .render = lr_render,
	    .olddir_as_found = true, .date_taken_fails = true };
	struct state *st;
	int lock = -2, rc = conf_failed(conf) ? EXIT_ERROR : EXIT_OK;

	if (!o->debug && (lock = lock_state(conf->statefile, o)) == -1)
		return EXIT_LOCKED;
	if ((st = read_state(conf->statefile, o, &rc)) == NULL) {
		log_warnx("%s", strerror(ENOMEM));
		rc = EXIT_ERROR;
		goto done;
	}
	log_debug("Handling %zu logs", conf->nrules);
	if (pass_run(conf, st, &po, NULL) == -1)
		rc = EXIT_ERROR;
	fflush(stdout);
	if (!o->debug && write_state(st, conf->statefile, po.now) == -1)
		rc = EXIT_ERROR;
done:
	state_free(st);
	if (lock >= 0)
		close(lock);
	return rc;
}

int
mond_logrotate(int argc, char *argv[])
{
	struct lr_opts o = { 0 };
	struct mond_conf *conf;
	FILE *copy = NULL;
	int rc;

	open_std_fds();
	if ((rc = parse_args(argc, argv, &o)) != -1)
		return rc;
	log_init(o.verbose);
	if (o.log != NULL && strcmp(o.log, "syslog") != 0 &&
	    (copy = fopen(o.log, "we")) == NULL)
		fprintf(stderr, "error: error opening log file %s: %s\n", o.log,
		    strerror(errno));
	log_set_logrotate_style(copy, o.log != NULL &&
	    strcmp(o.log, "syslog") == 0);
	conf_set_msg(conf_message);
	if (o.debug)
		log_warning("logrotate in debug mode does nothing except "
		    "printing debug messages!  Consider using verbose mode "
		    "(-v) instead if this is not what you want.\n");
	if ((conf = conf_new()) == NULL ||
	    replace_str(&conf->statefile, o.state != NULL ? o.state :
	    LR_STATEFILE) == -1 || (o.mail != NULL &&
	    replace_str(&conf->mail_command, o.mail) == -1) ||
	    conf_read_logrotate(conf, o.files, o.nfiles) == -1) {
		log_warnx("%s", strerror(ENOMEM));
		rc = EXIT_ERROR;
	} else
		rc = rotate(conf, &o);
	conf_free(conf);
	if (copy != NULL)
		fclose(copy);
	return rc;
}
