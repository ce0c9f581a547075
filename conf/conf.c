/*
 * conf.c: turns /etc/mond.conf (and the *.conf files of its include_dir)
 * into a struct mond_conf. It owns the libconfuse option tables, the checks
 * across options and the merge of stanza, defaults {} and built-in values
 * (single values are parsed in confvalue.c), then has logrotate's files
 * read (lrconf.c). It never creates, opens or moves a log, and never
 * returns a half-loaded mond.conf: any error in it means NULL, after every
 * error was printed. logrotate's files load as logrotate loads them,
 * their problems recorded in the config.
 *
 * libconfuse's lexer is global: conf_load() must run on one thread only.
 */
#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <confuse.h>

#include "conf/conf.h"
#include "conf/confrule.h"
#include "conf/confscan.h"
#include "conf/confvalue.h"
#include "conf/lrconf.h"
#include "util/strmap.h"

#define DEFAULT_STATEFILE	"/var/lib/mond/status"
#define DEFAULT_CONTROL		"/run/mond/mond.sock"
#define DEFAULT_APPLOG		"/var/log/mon/mon.log"
#define DEFAULT_MESSAGES	"/var/log/mond.log"
#define DEFAULT_FRONT_USER	"mond"
#define DEFAULT_MAX_CLIENTS	512
#define DEFAULT_MAIL_COMMAND	"/usr/bin/mail"
#define DEFAULT_LOGROTATE_STATE	"/var/lib/logrotate/status"
#define BUILTIN_SIZE		(1024LL * 1024)

/*
 * Errors found while libconfuse parses are counted here rather than
 * aborting the parse, so that one run reports all of them. Global like
 * libconfuse's own lexer state, and for the same one-thread reason.
 */
static int nerrors;
/* The file libconfuse is parsing: its unnamed sections (http...) lack one. */
static const char *parsing;

static const char *const freq_names[] = {
	[FREQ_NONE] = "none",
	[FREQ_HOURLY] = "hourly",
	[FREQ_DAILY] = "daily",
	[FREQ_WEEKLY] = "weekly",
	[FREQ_MONTHLY] = "monthly",
	[FREQ_YEARLY] = "yearly",
};

const char *
conf_freq_name(enum freq freq)
{
	if ((size_t)freq >= sizeof(freq_names) / sizeof(freq_names[0]))
		return "none";
	return freq_names[freq];
}

const char *
conf_compressor_name(enum compressor c)
{
	return c == COMPRESSOR_ZSTD ? "zstd" : "gzip";
}

static void
errfunc(cfg_t *cfg, const char *fmt, va_list ap)
{
	nerrors++;
	fprintf(stderr, "mond: %s:%d: ", parsing != NULL ? parsing : "?",
	    cfg != NULL ? cfg->line : 0);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

/* An error that has a place but no cfg_t (after-parse checks). */
static void
errat(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	nerrors++;
	fprintf(stderr, "mond: %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Every log option; defaults {} takes them all, log {} adds `files`. */
#define LOG_OPTS \
	CFG_INT_CB("frequency", 0, CFGF_NODEFAULT, confvalue_freq), \
	CFG_INT_CB("size", 0, CFGF_NODEFAULT, confvalue_size), \
	CFG_INT_CB("minsize", 0, CFGF_NODEFAULT, confvalue_size), \
	CFG_INT_CB("maxsize", 0, CFGF_NODEFAULT, confvalue_size), \
	CFG_INT_CB("maxtotal", 0, CFGF_NODEFAULT, confvalue_size), \
	CFG_INT_CB("rotate", 0, CFGF_NODEFAULT, confvalue_int), \
	CFG_INT_CB("start", 0, CFGF_NODEFAULT, confvalue_int), \
	CFG_INT_CB("maxage", 0, CFGF_NODEFAULT, confvalue_int), \
	CFG_INT_CB("minage", 0, CFGF_NODEFAULT, confvalue_int), \
	CFG_BOOL("missingok", cfg_false, CFGF_NODEFAULT), \
	CFG_BOOL("ifempty", cfg_false, CFGF_NODEFAULT), \
	CFG_PTR_CB("create", NULL, CFGF_NODEFAULT, confvalue_create, free), \
	CFG_BOOL("copy", cfg_false, CFGF_NODEFAULT), \
	CFG_BOOL("copytruncate", cfg_false, CFGF_NODEFAULT), \
	CFG_BOOL("compress", cfg_false, CFGF_NODEFAULT), \
	CFG_BOOL("delaycompress", cfg_false, CFGF_NODEFAULT), \
	CFG_INT_CB("compresswhenclosed", 0, CFGF_NODEFAULT, \
	    confvalue_duration), \
	CFG_INT_CB("compressor", 0, CFGF_NODEFAULT, confvalue_compressor), \
	CFG_INT_CB("compresslevel", 0, CFGF_NODEFAULT, confvalue_int), \
	CFG_INT_CB("compressthreads", 0, CFGF_NODEFAULT, confvalue_int), \
	CFG_BOOL("dateext", cfg_false, CFGF_NODEFAULT), \
	CFG_STR("dateformat", NULL, CFGF_NODEFAULT), \
	CFG_BOOL("dateyesterday", cfg_false, CFGF_NODEFAULT), \
	CFG_STR("extension", NULL, CFGF_NODEFAULT), \
	CFG_STR("olddir", NULL, CFGF_NODEFAULT), \
	CFG_PTR_CB("createolddir", NULL, CFGF_NODEFAULT, confvalue_create, free), \
	CFG_STR("prerotate", NULL, CFGF_NODEFAULT), \
	CFG_STR("postrotate", NULL, CFGF_NODEFAULT), \
	CFG_STR("firstaction", NULL, CFGF_NODEFAULT), \
	CFG_STR("lastaction", NULL, CFGF_NODEFAULT), \
	CFG_STR("preremove", NULL, CFGF_NODEFAULT), \
	CFG_BOOL("sharedscripts", cfg_false, CFGF_NODEFAULT), \
	CFG_PTR_CB("su", NULL, CFGF_NODEFAULT, confvalue_su, free), \
	CFG_BOOL("allowhardlink", cfg_false, CFGF_NODEFAULT), \
	CFG_INT_CB("weekday", 0, CFGF_NODEFAULT, confvalue_int), \
	CFG_STR("compresscmd", NULL, CFGF_NODEFAULT), \
	CFG_STR("compressoptions", NULL, CFGF_NODEFAULT), \
	CFG_STR("uncompresscmd", NULL, CFGF_NODEFAULT), \
	CFG_STR("compressext", NULL, CFGF_NODEFAULT), \
	CFG_STR("addextension", NULL, CFGF_NODEFAULT), \
	CFG_BOOL("datehourago", cfg_false, CFGF_NODEFAULT), \
	CFG_BOOL("ignoreduplicates", cfg_false, CFGF_NODEFAULT), \
	CFG_STR("mail", NULL, CFGF_NODEFAULT), \
	CFG_BOOL("mailfirst", cfg_false, CFGF_NODEFAULT), \
	CFG_BOOL("shred", cfg_false, CFGF_NODEFAULT), \
	CFG_INT_CB("shredcycles", 0, CFGF_NODEFAULT, confvalue_int), \
	CFG_BOOL("renamecopy", cfg_false, CFGF_NODEFAULT)

static cfg_opt_t log_opts[] = {
	LOG_OPTS,
	CFG_STR_LIST("files", NULL, CFGF_NODEFAULT),
	CFG_STR("scriptarg", NULL, CFGF_NODEFAULT),
	CFG_END()
};

static cfg_opt_t defaults_opts[] = {
	LOG_OPTS,
	CFG_END()
};

static cfg_opt_t http_opts[] = {
	CFG_STR("listen", "0.0.0.0", CFGF_NONE),
	CFG_INT_CB("port", 5000, CFGF_NONE, confvalue_int),
	CFG_INT_CB("timeout", 10, CFGF_NONE, confvalue_int),
	CFG_BOOL("status", cfg_true, CFGF_NONE),
	CFG_BOOL("status_json", cfg_true, CFGF_NONE),
	CFG_BOOL("metrics", cfg_true, CFGF_NONE),
	CFG_STR("user", DEFAULT_FRONT_USER, CFGF_NONE),
	CFG_INT_CB("max_clients", DEFAULT_MAX_CLIENTS, CFGF_NONE, confvalue_int),
	CFG_STR("status_allow", "", CFGF_NONE),
	CFG_END()
};

static cfg_opt_t applog_opts[] = {
	CFG_STR("path", DEFAULT_APPLOG, CFGF_NONE),
	CFG_INT_CB("maxbytes", 1000000, CFGF_NONE, confvalue_size),
	CFG_INT_CB("backups", 7, CFGF_NONE, confvalue_int),
	CFG_INT_CB("level", APPLOG_DEBUG, CFGF_NONE, confvalue_level),
	CFG_END()
};

#define LOG_SECTION \
	CFG_SEC("log", log_opts, CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES)

static cfg_opt_t main_opts[] = {
	CFG_STR("statefile", DEFAULT_STATEFILE, CFGF_NONE),
	CFG_STR("control", DEFAULT_CONTROL, CFGF_NONE),
	CFG_STR("include_dir", NULL, CFGF_NODEFAULT),
	CFG_STR("logrotate_conf", NULL, CFGF_NODEFAULT),
	CFG_STR("logrotate_state", DEFAULT_LOGROTATE_STATE, CFGF_NONE),
	CFG_STR("mail_command", DEFAULT_MAIL_COMMAND, CFGF_NONE),
	CFG_STR("messages", DEFAULT_MESSAGES, CFGF_NONE),
	CFG_INT_CB("minfree", 0, CFGF_NODEFAULT, confvalue_minfree),
	CFG_STR_LIST("tabooext", NULL, CFGF_NODEFAULT),
	CFG_STR_LIST("taboopat", NULL, CFGF_NODEFAULT),
	CFG_SEC("http", http_opts, CFGF_NONE),
	CFG_SEC("applog", applog_opts, CFGF_NONE),
	CFG_SEC("defaults", defaults_opts, CFGF_NONE),
	LOG_SECTION,
	CFG_END()
};

/* An included file holds log stanzas only: anything else is "no such option". */
static cfg_opt_t include_opts[] = {
	LOG_SECTION,
	CFG_END()
};

/* One parsed file: its libconfuse tree and where each log stanza starts. */
struct parsed {
	cfg_t		*cfg;
	char		*path;
	struct confscan	 scan;
};

static void
parsed_free(struct parsed *p)
{
	if (p->cfg != NULL)
		cfg_free(p->cfg);
	free(p->path);
	confscan_free(&p->scan);
}

/*
 * The config holds shell scripts run as root: like logrotate 3.21, a file
 * others could have written is refused, and so is a directory it lies in
 * or is included from. Why ST is refused, or NULL.
 */
static const char *
unsafe_why(const struct stat *st)
{
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return "writable by group or others";
	if (geteuid() == 0 && st->st_uid != 0)
		return "not owned by root";
	return NULL;
}

/* unsafe_why of a config file, reported. Returns 1 (reported) or 0. */
static int
unsafe_file(const char *path, const struct stat *st)
{
	const char *why = unsafe_why(st);

	if (why == NULL)
		return 0;
	nerrors++;
	fprintf(stderr, "mond: %s: %s\n", path, why);
	return 1;
}

/*
 * The same for the directory holding PATH: whoever may write it may put
 * another file in PATH's place. Returns 1 (reported) or 0.
 */
static int
unsafe_dir(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	struct stat st;
	const char *why;

	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else
		snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 :
		    (int)(slash - path), path);
	if (stat(dir, &st) == -1) {
		nerrors++;
		fprintf(stderr, "mond: %s: its directory %s: %s\n", path, dir,
		    strerror(errno));
		return 1;
	}
	if ((why = unsafe_why(&st)) == NULL)
		return 0;
	nerrors++;
	fprintf(stderr, "mond: %s: its directory %s is %s; refused\n", path,
	    dir, why);
	return 1;
}

/*
 * Parses PATH with OPTS into P. The text goes through confscan first: it
 * catches an unclosed `{` (which libconfuse silently accepts), learns each
 * stanza's line, and blanks comments out, because libconfuse 3.3 counts
 * every comment line twice and would report wrong lines. Returns 0 when
 * the file parsed (even with value errors, which are counted), -1 when not.
 */
static int
parse_file(struct parsed *p, const char *path, cfg_opt_t *opts)
{
	FILE *fp;
	int rc;

	memset(p, 0, sizeof(*p));
	if ((p->path = strdup(path)) == NULL ||
	    (p->cfg = cfg_init(opts, CFGF_NONE)) == NULL) {
		errat(path, 0, "%s", strerror(errno));
		return -1;
	}
	cfg_set_error_function(p->cfg, errfunc);
	if (opts == main_opts) {
		cfg_set_validate_func(p->cfg, "http|listen",
		    confvalue_check_addr);
		cfg_set_validate_func(p->cfg, "http|status_allow",
		    confvalue_check_networks);
		cfg_set_validate_func(p->cfg, "http|user",
		    confvalue_check_nonempty);
		cfg_set_validate_func(p->cfg, "http|max_clients",
		    confvalue_check_positive);
		cfg_set_validate_func(p->cfg, "include_dir",
		    confvalue_check_nonempty);
	}
	if (confscan_file(path, &p->scan) == -1) {
		nerrors++;
		fprintf(stderr, "mond: %s: %s\n", path, errno == ELOOP ?
		    "is a symbolic link, refused" : errno == EINVAL ?
		    "not a regular file" : strerror(errno));
		return -1;
	}
	if (unsafe_file(path, &p->scan.st) || unsafe_dir(path))
		return -1;
	nerrors += p->scan.nerrors;
	/* Past an unclosed quote libconfuse would only add noise. */
	if (p->scan.unterminated)
		return -1;
	if ((fp = fmemopen(p->scan.text, p->scan.len, "r")) == NULL) {
		errat(path, 0, "fmemopen: %s", strerror(errno));
		return -1;
	}
	free(p->cfg->filename);
	if ((p->cfg->filename = strdup(path)) == NULL) {
		fclose(fp);
		errat(path, 0, "%s", strerror(errno));
		return -1;
	}
	parsing = path;
	rc = cfg_parse_fp(p->cfg, fp);
	parsing = NULL;
	fclose(fp);
	return rc == CFG_SUCCESS ? 0 : -1;
}

/* The section holding NAME: the stanza's, else defaults {}, else NULL (built-in). */
static cfg_t *
pick(cfg_t *sec, cfg_t *defs, const char *name)
{
	if (cfg_size(sec, name) > 0)
		return sec;
	if (defs != NULL && cfg_size(defs, name) > 0)
		return defs;
	return NULL;
}

static long
get_int(cfg_t *sec, cfg_t *defs, const char *name, long builtin)
{
	cfg_t *s = pick(sec, defs, name);

	return s != NULL ? cfg_getint(s, name) : builtin;
}

static bool
get_bool(cfg_t *sec, cfg_t *defs, const char *name, bool builtin)
{
	cfg_t *s = pick(sec, defs, name);

	return s != NULL ? cfg_getbool(s, name) == cfg_true : builtin;
}

/* A strdup'd copy, NULL for NULL; sets *OOM on failure. */
static char *
dup_or_null(const char *s, bool *oom)
{
	char *d;

	if (s == NULL)
		return NULL;
	if ((d = strdup(s)) == NULL)
		*oom = true;
	return d;
}

static char *
get_str(cfg_t *sec, cfg_t *defs, const char *name, const char *builtin,
    bool *oom)
{
	cfg_t *s = pick(sec, defs, name);

	return dup_or_null(s != NULL ? cfg_getstr(s, name) : builtin, oom);
}

static struct create_spec
get_create(cfg_t *sec, cfg_t *defs, const char *name)
{
	struct create_spec none = { 0 };
	cfg_t *s = pick(sec, defs, name);

	return s != NULL ? *(struct create_spec *)cfg_getptr(s, name) : none;
}

/* confrule_check's reporter: the rule's place, counted as an error. */
static void
report_rule(void *arg, const struct log_rule *r, const char *fmt, va_list ap)
{
	(void)arg;
	nerrors++;
	fprintf(stderr, "mond: %s:%d: ", r->file, r->line);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

/* An option whose "" means "none", as logrotate's noolddir and nomail. */
static char *
get_opt_str(cfg_t *sec, cfg_t *defs, const char *name, bool *oom)
{
	cfg_t *s = pick(sec, defs, name);
	const char *v = s != NULL ? cfg_getstr(s, name) : NULL;

	return v != NULL && *v != '\0' ? dup_or_null(v, oom) : NULL;
}

/* compressoptions, split into words as logrotate splits them. */
static int
get_compressoptions(struct log_rule *r, cfg_t *sec, cfg_t *defs)
{
	cfg_t *s = pick(sec, defs, "compressoptions");

	if (s == NULL)
		return 0;
	if (confrule_split_words(cfg_getstr(s, "compressoptions"),
	    &r->compressoptions, &r->ncompressoptions) == 0)
		return 0;
	if (errno != EINVAL)
		return -1;
	errat(r->file, r->line, "log \"%s\": compressoptions = \"%s\": "
	    "unclosed quote or trailing backslash", r->title,
	    cfg_getstr(s, "compressoptions"));
	return 0;
}

/* R's compression options from SEC with DEFS. Returns 0, or -1 (ENOMEM). */
static int
get_compression(struct log_rule *r, cfg_t *sec, cfg_t *defs)
{
	bool oom = false;

	r->compress = get_bool(sec, defs, "compress", false);
	r->delaycompress = get_bool(sec, defs, "delaycompress", false);
	r->compresswhenclosed = get_int(sec, defs, "compresswhenclosed", 0);
	r->compressor = (enum compressor)get_int(sec, defs, "compressor",
	    COMPRESSOR_GZIP);
	r->compresslevel = (int)get_int(sec, defs, "compresslevel",
	    r->compressor == COMPRESSOR_ZSTD ? 3 : 6);
	r->compressthreads = (int)get_int(sec, defs, "compressthreads", 0);
	r->compresscmd = get_opt_str(sec, defs, "compresscmd", &oom);
	r->uncompresscmd = get_opt_str(sec, defs, "uncompresscmd", &oom);
	r->compressext = get_opt_str(sec, defs, "compressext", &oom);
	if (get_compressoptions(r, sec, defs) == -1)
		oom = true;
	return oom ? -1 : 0;
}

/* Fills R from stanza SEC with DEFS and the built-ins under it. */
static int
build_rule(struct log_rule *r, cfg_t *sec, cfg_t *defs, const char *file,
    int line)
{
	bool oom = false;
	unsigned int i, nfiles = cfg_size(sec, "files");
	struct confvalue_su *su;
	cfg_t *s, *crit;

	memset(r, 0, sizeof(*r));
	r->line = line;
	r->title = dup_or_null(cfg_title(sec), &oom);
	r->file = dup_or_null(file, &oom);
	if ((r->patterns = calloc(nfiles + 1, sizeof(char *))) == NULL)
		return -1;
	r->patterns[r->npatterns++] = dup_or_null(cfg_title(sec), &oom);
	for (i = 0; i < nfiles; i++)
		r->patterns[r->npatterns++] =
		    dup_or_null(cfg_getnstr(sec, "files", i), &oom);

	/*
	 * frequency and size are one criterion, taken whole from the first
	 * section that sets either (a stanza's frequency is not overridden
	 * by a size in defaults {}); both in one section: size wins.
	 */
	crit = pick(sec, NULL, "frequency") != NULL ||
	    pick(sec, NULL, "size") != NULL ? sec : defs;
	r->frequency = crit == NULL ? FREQ_NONE :
	    (enum freq)get_int(crit, NULL, "frequency", FREQ_NONE);
	r->size = crit == NULL ? SIZE_UNSET :
	    get_int(crit, NULL, "size", SIZE_UNSET);
	r->minsize = get_int(sec, defs, "minsize", SIZE_UNSET);
	r->maxsize = get_int(sec, defs, "maxsize", SIZE_UNSET);
	r->maxtotal = get_int(sec, defs, "maxtotal", SIZE_UNSET);
	/* logrotate's built-in criterion, stored so that -t -v shows it. */
	if (r->frequency == FREQ_NONE && r->size == SIZE_UNSET)
		r->size = BUILTIN_SIZE;
	r->rotate = (int)get_int(sec, defs, "rotate", 0);
	r->start = (int)get_int(sec, defs, "start", 1);
	r->maxage = (int)get_int(sec, defs, "maxage", 0);
	r->minage = (int)get_int(sec, defs, "minage", 0);
	r->missingok = get_bool(sec, defs, "missingok", false);
	r->ifempty = get_bool(sec, defs, "ifempty", true);
	r->create = get_create(sec, defs, "create");
	r->copy = get_bool(sec, defs, "copy", false);
	r->copytruncate = get_bool(sec, defs, "copytruncate", false);
	if (get_compression(r, sec, defs) == -1)
		oom = true;
	r->dateext = get_bool(sec, defs, "dateext", false);
	r->dateformat = get_str(sec, defs, "dateformat", NULL, &oom);
	r->dateyesterday = get_bool(sec, defs, "dateyesterday", false);
	r->datehourago = get_bool(sec, defs, "datehourago", false);
	r->extension = get_str(sec, defs, "extension", NULL, &oom);
	r->addextension = get_opt_str(sec, defs, "addextension", &oom);
	r->olddir = get_opt_str(sec, defs, "olddir", &oom);
	r->createolddir = get_create(sec, defs, "createolddir");
	r->prerotate = get_str(sec, defs, "prerotate", NULL, &oom);
	r->postrotate = get_str(sec, defs, "postrotate", NULL, &oom);
	r->firstaction = get_str(sec, defs, "firstaction", NULL, &oom);
	r->lastaction = get_str(sec, defs, "lastaction", NULL, &oom);
	r->preremove = get_str(sec, defs, "preremove", NULL, &oom);
	r->sharedscripts = get_bool(sec, defs, "sharedscripts", false);
	if ((s = pick(sec, defs, "su")) != NULL) {
		su = cfg_getptr(s, "su");
		r->has_su = true;
		r->su_uid = su->uid;
		r->su_gid = su->gid;
	}
	r->allowhardlink = get_bool(sec, defs, "allowhardlink", false);
	r->ignoreduplicates = get_bool(sec, defs, "ignoreduplicates", false);
	r->weekday = (int)get_int(sec, defs, "weekday", 0);
	r->mail = get_opt_str(sec, defs, "mail", &oom);
	r->mailfirst = get_bool(sec, defs, "mailfirst", false);
	r->shred = get_bool(sec, defs, "shred", false);
	r->shredcycles = (int)get_int(sec, defs, "shredcycles", 0);
	r->renamecopy = get_bool(sec, defs, "renamecopy", false);
	r->script_arg = get_str(sec, NULL, "scriptarg", NULL, &oom);
	if (oom || confrule_finish(r, pick(sec, defs, "compressext") != NULL) ==
	    -1)
		return -1;
	confrule_check(r, report_rule, NULL);
	return 0;
}

/* Adds the log stanzas of P to CONF. */
static int
add_rules(struct mond_conf *conf, struct parsed *p, cfg_t *defs)
{
	unsigned int i, n = cfg_size(p->cfg, "log");
	struct log_rule *rules;
	int line;

	if (n == 0)
		return 0;
	rules = reallocarray(conf->rules, conf->nrules + n, sizeof(*rules));
	if (rules == NULL)
		return -1;
	conf->rules = rules;
	for (i = 0; i < n; i++) {
		cfg_t *sec = cfg_getnsec(p->cfg, "log", i);

		line = i < p->scan.nstanzas ? p->scan.stanza_lines[i] :
		    sec->line;
		if (build_rule(&conf->rules[conf->nrules], sec, defs, p->path,
		    line) == -1) {
			confrule_free(&conf->rules[conf->nrules]);
			return -1;
		}
		conf->nrules++;
	}
	return 0;
}

/*
 * One pattern in two places would rotate one file twice. One hash table of
 * the patterns seen, pattern -> rule: a reload parses on the daemon's loop
 * thread, and comparing every pair took a second at 10,000 stanzas.
 */
static void
check_duplicates(const struct mond_conf *conf)
{
	const struct log_rule *r, *first;
	struct strmap seen = { 0 };
	size_t i, k, *slot;
	bool found;

	for (i = 0; i < conf->nrules; i++) {
		r = &conf->rules[i];
		for (k = 0; k < r->npatterns; k++) {
			slot = strmap_upsert(&seen, r->patterns[k], i, &found);
			if (slot == NULL) {
				errat(r->file, r->line, "%s", strerror(ENOMEM));
				goto out;
			}
			if (!found)
				continue;
			first = &conf->rules[*slot];
			errat(r->file, r->line, "pattern \"%s\" is already used "
			    "at %s:%d", r->patterns[k], first->file, first->line);
		}
	}
out:
	strmap_free(&seen);
}

/* glob()'s read error, for the message (conf loads on one thread). */
static int glob_errno;

static int
glob_err(const char *epath, int eerrno)
{
	(void)epath;
	glob_errno = eerrno;
	return 1;
}

/*
 * Leaves the taboo names (CONF's, else logrotate's default list) out of
 * GL, as a logrotate directory include leaves them out. Returns how many
 * paths are left, or -1 on ENOMEM.
 */
static int
drop_taboo(const struct mond_conf *conf, glob_t *gl)
{
	char **defs = NULL, *const *list = conf->taboo;
	size_t i, k = 0, ndefs = 0, n = conf->ntaboo;
	const char *slash;

	if (list == NULL) {
		if (lr_taboo_defaults(&defs, &ndefs) == -1) {
			lr_taboo_free(defs, ndefs);
			return -1;
		}
		list = defs;
		n = ndefs;
	}
	for (i = 0; i < gl->gl_pathc; i++) {
		slash = strrchr(gl->gl_pathv[i], '/');
		if (lr_taboo_name(list, n, slash != NULL ? slash + 1 :
		    gl->gl_pathv[i]))
			free(gl->gl_pathv[i]);
		else
			gl->gl_pathv[k++] = gl->gl_pathv[i];
	}
	gl->gl_pathc = k;
	gl->gl_pathv[k] = NULL;
	lr_taboo_free(defs, ndefs);
	return (int)k;
}

/*
 * The include_dir's *.conf files, in glob()'s sorted order. A missing
 * directory is fine (the shipped config names /etc/mond.d, which packages
 * may never create); an unreadable one is an error, and so is one its
 * files would be refused for (writable by group or others, or, as root,
 * not root's): whoever may write it could add or remove stanzas, or
 * block every start and reload. Returns the count of paths put in *OUT
 * (a glob_t the caller frees), or -1.
 */
static int
list_includes(const struct mond_conf *conf, const char *dir,
    const char *conffile, int line, glob_t *out)
{
	const char *why;
	char *pattern;
	struct stat st;
	DIR *d;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((d = opendir(dir)) == NULL) {
		if (errno == ENOENT)
			return 0;
		errat(conffile, line, "include_dir = \"%s\": %s", dir,
		    strerror(errno));
		return -1;
	}
	if (fstat(dirfd(d), &st) == -1) {
		errat(conffile, line, "include_dir = \"%s\": %s", dir,
		    strerror(errno));
		closedir(d);
		return -1;
	}
	if ((why = unsafe_why(&st)) != NULL) {
		errat(conffile, line, "include_dir = \"%s\": %s; refused", dir,
		    why);
		closedir(d);
		return -1;
	}
	closedir(d);
	if (asprintf(&pattern, "%s/*.conf", dir) == -1)
		return -1;
	glob_errno = 0;
	rc = glob(pattern, GLOB_ERR, glob_err, out);
	free(pattern);
	if (rc == GLOB_NOMATCH)
		return 0;
	if (rc != 0) {
		errat(conffile, line, "include_dir = \"%s\": cannot list it: "
		    "%s", dir, rc == GLOB_NOSPACE ? strerror(ENOMEM) :
		    strerror(glob_errno != 0 ? glob_errno : EIO));
		return -1;
	}
	return drop_taboo(conf, out);
}

/* Appends LIST's items to CONF's taboo list, each with PREFIX. */
static int
add_taboo(struct mond_conf *conf, cfg_t *cfg, const char *name,
    const char *prefix)
{
	unsigned int i, n = cfg_size(cfg, name);
	char **nt;

	if ((nt = reallocarray(conf->taboo, conf->ntaboo + n + 1,
	    sizeof(*nt))) == NULL)
		return -1;
	conf->taboo = nt;
	for (i = 0; i < n; i++) {
		if (asprintf(&nt[conf->ntaboo], "%s%s", prefix,
		    cfg_getnstr(cfg, name, i)) == -1)
			return -1;
		conf->ntaboo++;
	}
	return 0;
}

/*
 * tabooext = {...} replaces logrotate's default extensions, taboopat =
 * {...} adds patterns to them; neither given leaves conf->taboo NULL.
 */
static int
load_taboo(struct mond_conf *conf, cfg_t *cfg)
{
	bool ext = cfg_getopt(cfg, "tabooext")->flags & CFGF_MODIFIED;

	if (!ext && !(cfg_getopt(cfg, "taboopat")->flags & CFGF_MODIFIED))
		return 0;
	if ((conf->taboo = calloc(1, sizeof(char *))) == NULL)
		return -1;
	if (ext ? add_taboo(conf, cfg, "tabooext", "*") == -1 :
	    lr_taboo_defaults(&conf->taboo, &conf->ntaboo) == -1)
		return -1;
	return add_taboo(conf, cfg, "taboopat", "");
}

static int
load_globals(struct mond_conf *conf, cfg_t *cfg)
{
	cfg_t *http = cfg_getsec(cfg, "http");
	cfg_t *applog = cfg_getsec(cfg, "applog");
	bool oom = false;

	conf->statefile = dup_or_null(cfg_getstr(cfg, "statefile"), &oom);
	conf->control = dup_or_null(cfg_getstr(cfg, "control"), &oom);
	if (cfg_size(cfg, "include_dir") > 0)
		conf->include_dir = dup_or_null(cfg_getstr(cfg, "include_dir"),
		    &oom);
	if (cfg_size(cfg, "logrotate_conf") > 0)
		conf->logrotate_conf = dup_or_null(cfg_getstr(cfg,
		    "logrotate_conf"), &oom);
	conf->mail_command = dup_or_null(cfg_getstr(cfg, "mail_command"), &oom);
	conf->logrotate_state = dup_or_null(cfg_getstr(cfg, "logrotate_state"),
	    &oom);
	conf->http.listen = dup_or_null(cfg_getstr(http, "listen"), &oom);
	conf->http.port = (int)cfg_getint(http, "port");
	conf->http.timeout = (int)cfg_getint(http, "timeout");
	conf->http.status = cfg_getbool(http, "status");
	conf->http.status_json = cfg_getbool(http, "status_json");
	conf->http.metrics = cfg_getbool(http, "metrics");
	conf->http.user = dup_or_null(cfg_getstr(http, "user"), &oom);
	conf->http.max_clients = (int)cfg_getint(http, "max_clients");
	conf->http.status_allow = dup_or_null(cfg_getstr(http, "status_allow"),
	    &oom);
	if (*cfg_getstr(cfg, "messages") != '\0')
		conf->messages = dup_or_null(cfg_getstr(cfg, "messages"), &oom);
	/* confvalue_minfree keeps a percentage as its negative */
	if (cfg_size(cfg, "minfree") > 0 && cfg_getint(cfg, "minfree") < 0)
		conf->minfree_pct = (int)-cfg_getint(cfg, "minfree");
	else if (cfg_size(cfg, "minfree") > 0)
		conf->minfree_bytes = cfg_getint(cfg, "minfree");
	conf->applog.path = dup_or_null(cfg_getstr(applog, "path"), &oom);
	conf->applog.maxbytes = cfg_getint(applog, "maxbytes");
	conf->applog.backups = (int)cfg_getint(applog, "backups");
	conf->applog.level = (enum applog_level)cfg_getint(applog, "level");
	return oom || load_taboo(conf, cfg) == -1 ? -1 : 0;
}

struct mond_conf *
conf_new(void)
{
	struct mond_conf *conf;
	bool oom = false;

	if ((conf = calloc(1, sizeof(*conf))) == NULL)
		return NULL;
	conf->statefile = dup_or_null(DEFAULT_STATEFILE, &oom);
	conf->control = dup_or_null(DEFAULT_CONTROL, &oom);
	conf->mail_command = dup_or_null(DEFAULT_MAIL_COMMAND, &oom);
	conf->logrotate_state = dup_or_null(DEFAULT_LOGROTATE_STATE, &oom);
	conf->http.listen = dup_or_null("0.0.0.0", &oom);
	conf->http.port = 5000;
	conf->http.timeout = 10;
	conf->http.status = conf->http.status_json = conf->http.metrics = true;
	conf->http.user = dup_or_null(DEFAULT_FRONT_USER, &oom);
	conf->http.max_clients = DEFAULT_MAX_CLIENTS;
	conf->http.status_allow = dup_or_null("", &oom);
	conf->messages = dup_or_null(DEFAULT_MESSAGES, &oom);
	conf->applog.path = dup_or_null(DEFAULT_APPLOG, &oom);
	conf->applog.maxbytes = 1000000;
	conf->applog.backups = 7;
	conf->applog.level = APPLOG_DEBUG;
	if (oom) {
		conf_free(conf);
		return NULL;
	}
	return conf;
}

struct mond_conf *
conf_load(const char *path)
{
	struct mond_conf *conf;
	struct parsed main = { 0 }, *incs = NULL;
	cfg_t *defs;
	glob_t gl = { 0 };
	int ninc = 0, i, oom = 0;

	nerrors = 0;
	if ((conf = calloc(1, sizeof(*conf))) == NULL ||
	    (conf->path = strdup(path)) == NULL)
		goto nomem;
	if (parse_file(&main, path, main_opts) == -1)
		goto fail;
	defs = cfg_getsec(main.cfg, "defaults");
	if (load_globals(conf, main.cfg) == -1 || add_rules(conf, &main,
	    defs) == -1)
		goto nomem;
	if (conf->include_dir != NULL) {
		if ((ninc = list_includes(conf, conf->include_dir, path,
		    main.scan.include_line, &gl)) == -1)
			goto fail;
		if (ninc > 0 && (incs = calloc((size_t)ninc,
		    sizeof(*incs))) == NULL)
			goto nomem;
		for (i = 0; i < ninc; i++)
			if (parse_file(&incs[i], gl.gl_pathv[i],
			    include_opts) == 0 && add_rules(conf, &incs[i],
			    defs) == -1)
				oom = 1;
		if (oom)
			goto nomem;
	}
	check_duplicates(conf);
	if (nerrors > 0)
		goto fail;
	/* logrotate's files: their problems are kept in conf, not fatal. */
	if (conf->logrotate_conf != NULL &&
	    conf_read_logrotate(conf, &conf->logrotate_conf, 1) == -1)
		goto nomem;
	goto done;
nomem:
	fprintf(stderr, "mond: %s: %s\n", path, strerror(ENOMEM));
fail:
	conf_free(conf);
	conf = NULL;
done:
	for (i = 0; i < ninc; i++)
		parsed_free(&incs[i]);
	free(incs);
	if (gl.gl_pathv != NULL)
		globfree(&gl);
	parsed_free(&main);
	return conf;
}

void
conf_free(struct mond_conf *conf)
{
	size_t i;

	if (conf == NULL)
		return;
	for (i = 0; i < conf->nrules; i++)
		confrule_free(&conf->rules[i]);
	free(conf->rules);
	for (i = 0; i < conf->nproblems; i++) {
		free(conf->problems[i].file);
		free(conf->problems[i].what);
	}
	free(conf->problems);
	for (i = 0; i < conf->ntaboo; i++)
		free(conf->taboo[i]);
	free(conf->taboo);
	free(conf->logrotate_conf);
	free(conf->logrotate_state);
	free(conf->mail_command);
	free(conf->path);
	free(conf->statefile);
	free(conf->control);
	free(conf->include_dir);
	free(conf->http.listen);
	free(conf->http.user);
	free(conf->http.status_allow);
	free(conf->messages);
	free(conf->applog.path);
	free(conf);
}
