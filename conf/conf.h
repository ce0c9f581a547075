/*
 * conf.h: what /etc/mond.conf becomes. conf_load() parses the file with
 * libconfuse into a struct mond_conf and nothing else: it never creates,
 * moves or opens a log. The struct is immutable once loaded; a reload loads
 * a new one and swaps it in only on success.
 */
#ifndef MOND_CONF_H
#define MOND_CONF_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "util/applog.h"

#define CONF_DEFAULT_PATH "/etc/mond.conf"

/* The compressors mond runs in process. */
enum compressor {
	COMPRESSOR_GZIP,
	COMPRESSOR_ZSTD
};

enum freq {
	FREQ_NONE = 0,		/* no time rule: size only */
	FREQ_HOURLY,
	FREQ_DAILY,
	FREQ_WEEKLY,
	FREQ_MONTHLY,
	FREQ_YEARLY,
};

/*
 * Which of a rule's options its size threshold comes from (plan_threshold):
 * the size trigger fires on it and the status pages name it.
 */
enum threshold_kind {
	THRESHOLD_NONE = 0,	/* time only: no size limit */
	THRESHOLD_SIZE,
	THRESHOLD_MAXSIZE,
	THRESHOLD_MINSIZE,
};

/*
 * A file's attributes as `create = "MODE [OWNER [GROUP]]"` gives them (also
 * used by createolddir). Whatever is not given is taken, as logrotate does,
 * from the file being rotated (or 0755/current ids for a directory).
 */
struct create_spec {
	bool	enabled;
	bool	has_mode;
	bool	has_uid;
	bool	has_gid;
	mode_t	mode;
	uid_t	uid;
	gid_t	gid;
};

/* Sizes are bytes; SIZE_UNSET marks an option the user did not give. */
#define SIZE_UNSET	(-1LL)

/* One `log "PATTERN" {}` stanza with defaults {} and built-ins applied. */
struct log_rule {
	char		*title;		/* the stanza's title, as written */
	char		**patterns;	/* title, then every `files` entry */
	size_t		 npatterns;
	char		*file;		/* config file and line of the stanza, */
	int		 line;		/*   for messages */

	enum freq	 frequency;
	int		 weekday;	/* weekly: 0 (Sunday)..6 that day, 7 every 7 days */
	long long	 size;		/* rotate when >= size, time ignored */
	long long	 minsize;	/* veto a due time rotation below it */
	long long	 maxsize;	/* force a rotation at or above it */
	long long	 maxtotal;	/* rotated files' bytes kept (retain.c) */
	int		 rotate;	/* backups kept; 0 none; -1 forever */
	int		 start;		/* first backup number (default 1) */
	int		 maxage;	/* days; 0 = unset */
	int		 minage;	/* days; 0 = unset */

	bool		 missingok;
	bool		 ifempty;
	struct create_spec create;
	bool		 copy;
	bool		 copytruncate;
	bool		 compress;
	bool		 delaycompress;
	/*
	 * compresswhenclosed, in seconds; 0 = off. The rotated file waits,
	 * plain, until no process holds it open for writing, at the latest
	 * this long after its rotation (plan_waits_for_writer: when it
	 * applies).
	 */
	long		 compresswhenclosed;
	/* gzip 1..9, default 6; zstd 1..19, default 3 */
	int		 compresslevel;
	int		 compressthreads; /* workers; 0 (default) = online CPUs */
	/*
	 * The compressor. compresscmd NULL: COMPRESSOR in process (zlib or
	 * libzstd). Else the program is run as a filter (stdin the file,
	 * stdout the compressed one) with compressoptions as its arguments,
	 * as logrotate runs it; conf_load leaves gzip, or zstd with .zst,
	 * whose options only give a level (and zstd's a thread count) in
	 * process, folded into compressor, compresslevel and compressthreads.
	 */
	enum compressor	 compressor;
	char		*compresscmd;
	char		**compressoptions; /* NULL-terminated; never NULL */
	size_t		 ncompressoptions;
	char		*uncompresscmd;	/* NULL = in process (zlib) */
	char		*compressext;	/* never NULL: ".gz" by default */
	bool		 dateext;
	/* strftime(3) text; never NULL: conf_load sets "-%Y%m%d" (hourly
	 * "-%Y%m%d%H"), the only place that knows the defaults */
	char		*dateformat;
	bool		 dateyesterday;
	char		*extension;	/* NULL when unset */
	char		*addextension;	/* NULL when unset */
	bool		 datehourago;
	char		*olddir;	/* NULL when unset; relative = to the log's dir */
	struct create_spec createolddir;

	/*
	 * $1 of the once-per-stanza scripts (firstaction, lastaction and the
	 * shared pre/postrotate). NULL: the patterns joined by spaces. The
	 * logrotate reader keeps logrotate's: the path text as written
	 * before its `{`.
	 */
	char		*script_arg;
	char		*prerotate;	/* shell text, NULL when unset */
	char		*postrotate;
	char		*firstaction;
	char		*lastaction;
	char		*preremove;
	bool		 sharedscripts;

	bool		 has_su;
	uid_t		 su_uid;
	gid_t		 su_gid;
	bool		 allowhardlink;
	/*
	 * A later stanza naming one of this stanza's logs again is no error:
	 * that log stays this stanza's (logrotate's ignoreduplicates).
	 */
	bool		 ignoreduplicates;

	char		*mail;		/* address for old logs; NULL = nomail */
	bool		 mailfirst;	/* mail the just-rotated file (else the removed one) */
	bool		 shred;		/* remove old logs with shred -u */
	int		 shredcycles;	/* shred -n; 0 = shred's default */
	bool		 renamecopy;	/* rename to LOG.tmp, copy to the rotated name after postrotate */
};

struct http_conf {
	char		*listen;	/* address to bind, default "0.0.0.0" */
	int		 port;		/* default 5000 */
	int		 timeout;	/* seconds, read and write, default 10 */
	bool		 status;	/* GET /status served (default yes) */
	bool		 status_json;	/* GET /status.json served (default yes) */
	bool		 metrics;	/* GET /metrics served (default yes) */
	char		*user;		/* the front drops to it when root; "mond" */
	int		 max_clients;	/* connections at once; default 512 */
	char		*status_allow;	/* networks beside loopback; "" none */
};

/*
 * What the logrotate reader could not take, as logrotate would have it:
 * it skips what it cannot read and loads the rest.
 */
enum conf_problem_kind {
	CONF_PROBLEM_NOTE,	/* a line ignored; logrotate exits 0 for it */
	CONF_PROBLEM_ERROR,	/* logrotate exits 1 for it; nothing left out */
	CONF_PROBLEM_SKIPPED,	/* a stanza, or the rest of a file, left out */
	CONF_PROBLEM_IGNORED,	/* a whole file left out; logrotate exits 0 */
};

struct conf_problem {
	char		*file;
	int		 line;		/* 0: the whole file */
	char		*what;		/* "what is wrong", no file or line */
	enum conf_problem_kind kind;
};

struct mond_conf {
	char		*path;		/* the file this was loaded from */
	char		*statefile;
	char		*control;
	char		*include_dir;	/* NULL when unset */
	char		*logrotate_conf; /* NULL when unset */
	char		*logrotate_state; /* its state, taken over at first start */
	char		*mail_command;	/* "/usr/bin/mail" unless set */
	/*
	 * fnmatch(3) patterns of file names an included directory's listing
	 * skips (logrotate's tabooext/taboopat); NULL: logrotate's default
	 * list (".dpkg-old", ".rpmsave", "~"...).
	 */
	char		**taboo;
	size_t		 ntaboo;
	struct http_conf http;
	struct applog_conf applog;
	/*
	 * mond's own messages (rotations, errors) beside stderr: written by
	 * the root process only, rolled as mon.log is, in a file the web
	 * front cannot reach. NULL: stderr only.
	 */
	char		*messages;
	/*
	 * minfree: free space each file system holding rotated logs keeps
	 * (retain.c); one of them is set, or neither (0).
	 */
	long long	 minfree_bytes;
	int		 minfree_pct;
	struct log_rule	*rules;
	size_t		 nrules;
	struct conf_problem *problems;	/* what was skipped, in the order found */
	size_t		 nproblems;
};

/*
 * Loads and validates PATH (and every *.conf of its include_dir). Every
 * problem is printed to stderr as "mond: FILE:LINE: message", all of them,
 * not only the first. Returns the new config, or NULL when anything in
 * mond.conf was wrong (nothing half-loaded is ever returned). The
 * logrotate files of logrotate_conf are read after it as logrotate reads
 * them (conf_read_logrotate): what they could not give is left out and
 * recorded in ->problems of the config returned.
 */
struct mond_conf *conf_load(const char *path);

/*
 * Reads logrotate's configuration PATHS (files or directories, in order,
 * as logrotate's command line takes them) the way logrotate 3.21 reads
 * them, appending their stanzas to CONF->rules. The globals start at
 * logrotate's built-in values and carry from one file to the next, into
 * includes and across PATHS. What cannot be read is reported through
 * conf_msg() as "FILE:LINE: what is wrong" in logrotate's words, recorded
 * in CONF->problems and left out, as logrotate leaves it out: a bad
 * stanza, or the rest of a file after an error outside any stanza; the
 * rest still loads. Returns 0, or -1 on ENOMEM (CONF then still holds
 * what was read; conf_free it). Runs on one thread only.
 */
int	conf_read_logrotate(struct mond_conf *conf, char *const *paths,
	    size_t npaths);

/*
 * For a reload: each logrotate file that lost stanzas in NEW (an error
 * since OLD was loaded) gets OLD's stanzas of that file back instead, in
 * place, with a note among NEW's problems; the other files' new stanzas
 * stand. Returns 0, or -1 on ENOMEM (NEW as it was loaded).
 */
int	conf_keep_good(struct mond_conf *new, const struct mond_conf *old);

/* An empty config with every global at its default, or NULL (ENOMEM). */
struct mond_conf *conf_new(void);

enum conf_msg_level {
	CONF_MSG_ERROR,
	CONF_MSG_WARNING,
	CONF_MSG_DEBUG,		/* what logrotate -d/-v says while reading */
};

/*
 * Where the readers' messages go. The default prints errors and warnings
 * to stderr as "mond: TEXT" and drops the debug ones; logrotate's command
 * line installs its own ("error: TEXT"). FN NULL restores the default.
 */
typedef void (*conf_msg_fn)(enum conf_msg_level level, const char *text);
void	conf_set_msg(conf_msg_fn fn);
void	conf_msg(enum conf_msg_level level, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * Records a problem of KIND in CONF and says it through conf_msg as an
 * error: "FILE:LINE: what", or "FILE: what" when LINE is 0. Returns 0, or
 * -1 on ENOMEM.
 */
int	conf_problem(struct mond_conf *conf, const char *file, int line,
	    enum conf_problem_kind kind, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));

/* Frees a config from conf_load(); NULL is fine. */
void conf_free(struct mond_conf *conf);

/*
 * Writes the canonical form of CONF to FP: every option, defaults applied,
 * in a fixed order, so that conf_load() of the output prints the same text
 * again. Returns 0, or -1 with errno set when writing failed.
 */
int conf_print(const struct mond_conf *conf, FILE *fp);

/* Names used by the config grammar and by conf_print(). */
const char *conf_freq_name(enum freq freq);
const char *conf_compressor_name(enum compressor c);

#endif
