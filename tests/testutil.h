/*
 * testutil.h: what the suites share to test the real thing: temporary
 * directories, the per-test fixture (a directory, or a daemon's config,
 * socket and mon.log in one), running the real mond binary, starting the
 * real daemon on an ephemeral port, and raw HTTP over a real socket.
 * Failures here abort the calling test through criterion's asserts.
 */
#ifndef MOND_TESTUTIL_H
#define MOND_TESTUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* $MOND_BIN (the built mond) and $MOND_SRCDIR (the source tree). */
const char *tu_mond_bin(void);
const char *tu_srcdir(void);
/* Skips the test, "needs root: WHY", unless it runs as root. */
void	 tu_need_root(const char *why);
/*
 * A real unprivileged user NAME (useradd --system, its own group in
 * *GID if not NULL), removed again by tu_fini; skips the test when not
 * root. NAME should be the test's own: suites run side by side.
 */
uid_t	 tu_user_add(const char *name, gid_t *gid);
/*
 * Gives directory PATH the POSIX ACL user::rwx user:UID:rwx group::r-x
 * mask::rwx other::r-x (its mode then reads 0775); skips the test where
 * the file system has no ACLs.
 */
void	 tu_acl_user_may_write(const char *path, uid_t uid);

/* A fresh mkdtemp directory; removed with tu_rmtree(). */
char	*tu_tmpdir(void);
void	 tu_rmtree(const char *dir);
/* DIR "/" NAME, malloc'd. */
char	*tu_path(const char *dir, const char *name);
/* Writes TEXT to PATH (created 0644, truncated). */
void	 tu_write_file(const char *path, const char *text);	/* new files 0644 */
/* The whole file, NUL-terminated, *LEN set if LEN; NULL if it can't be read. */
char	*tu_read_file(const char *path, size_t *len);
bool	 tu_exists(const char *path);
/* PATH's length, read back; -1 when it can't be read. */
long	 tu_file_len(const char *path);
/*
 * `ls -lA` of DIR, lines sorted (names, modes, owners, sizes, mtimes to
 * the second): two equal listings say nothing in DIR moved. malloc'd.
 */
char	*tu_listing(const char *dir);
/* 1 when PATH holds exactly TEXT (0 when it differs or can't be read). */
bool	 tu_file_is(const char *path, const char *text);
/* Fails the test, naming PATH, unless PATH holds exactly WANT. */
void	 tu_assert_file(const char *path, const char *want);
/* Appends N bytes of alphabet lines to PATH (created when missing). */
void	 tu_append(const char *path, size_t n);

struct tu_run {
	int	 status;	/* exit code, or 128+signal */
	char	*out;		/* stdout, NUL-terminated */
	char	*err;		/* stderr, NUL-terminated */
};
/* Runs mond with ARGV (NULL-terminated, without argv[0]) and waits. */
struct tu_run tu_run_mond(const char *const argv[]);
/* Runs PROG (argv[0] is PROG as given) with ARGV and waits. */
struct tu_run tu_run_prog(const char *prog, const char *const argv[]);
void	 tu_run_free(struct tu_run *r);

struct tu_daemon {
	pid_t	 pid;
	int	 port;		/* read back from the daemon's startup line */
	char	 err_path[256];	/* the daemon's stderr goes to this file */
};
/*
 * Starts `mond -c CONF [EXTRA...]` (EXTRA NULL-terminated, may be NULL) and
 * waits up to 10 s for its "listening on http://ADDR:PORT/" line on stderr.
 * Returns 0, or -1 when it died or never said so.
 */
int	 tu_daemon_start(struct tu_daemon *d, const char *conf,
	    const char *const extra[]);
/* Sends SIG and waits for the exit; returns the status as tu_run's. */
int	 tu_daemon_signal_wait(struct tu_daemon *d, int sig);
/* Kills (SIGKILL) a daemon still running; safe to call twice. */
void	 tu_daemon_kill(struct tu_daemon *d);
/* What the daemon wrote on stderr so far (malloc'd). */
char	*tu_daemon_stderr(struct tu_daemon *d);
/*
 * Waits up to SECS (0: looks once) for D's stderr to hold NEEDLE COUNT
 * times; returns 1 when it does, 0 when time ran out.
 */
bool	 tu_daemon_wait_stderr(struct tu_daemon *d, const char *needle,
	    int count, double secs);

/* The monotonic clock, in seconds. */
double	 tu_now(void);
/* Waits up to SECS for PATH to exist; returns the seconds it took, or -1. */
double	 tu_wait_for(const char *path, double secs);

/*
 * The test's fixture. A suite names tu_dir_init, tu_dirfd_init or
 * tu_mond_init as its .init (or calls one from its own) and tu_fini as
 * its .fini. Criterion runs each test in a process of its own, so these
 * are that test's alone; what an init did not set is NULL (or -1).
 */
extern char	*tu_dir;	/* a fresh mkdtemp directory (every init) */
extern int	 tu_dirfd;	/* open O_DIRECTORY on it (tu_dirfd_init) */
extern char	*tu_conf;	/* tu_dir/mond.conf (tu_mond_init) ... */
extern char	*tu_sock;	/* ... tu_dir/mond.sock, the control socket */
extern char	*tu_mon_log;	/* ... tu_dir/mon/mon.log (the front makes mon/) */
extern char	*tu_messages;	/* ... tu_dir/mond.log, mond's own lines */
extern char	*tu_state;	/* ... tu_dir/status */
extern struct tu_daemon tu_mond;	/* started by tu_mond_start() */
void	 tu_dir_init(void);
void	 tu_dirfd_init(void);
void	 tu_mond_init(void);
/* Kills tu_mond if it runs, closes tu_dirfd, removes tu_dir, frees all. */
void	 tu_fini(void);
/*
 * tu_dir "/" NAME in one of 8 static buffers used in turn: for naming
 * several files in one call; copy it to keep it longer.
 */
char	*tu_at(const char *name);

/* What a test's config changes from tu_mond_conf's defaults. */
struct tu_conf {
	const char *statefile;	/* NULL: tu_state */
	const char *mon_log;	/* NULL: tu_mon_log */
	const char *messages;	/* NULL: tu_messages */
	const char *http;	/* lines added inside http {}, or NULL */
	const char *applog;	/* lines added inside applog {}, or NULL */
	const char *top;	/* top-level lines (minfree...), or NULL */
};
/*
 * The web front's process of D: the pid its Nth "web front started" line
 * names (1 = the first), or of its latest with NTH 0.
 */
pid_t	 tu_front_pid(struct tu_daemon *d, int nth);
/* The descriptors PID has open now (its /proc/PID/fd). */
int	 tu_open_fds(pid_t pid);
/*
 * Makes PATH's directory (one level) as the web front's own: owned by
 * the front's user ("mond") when root, so that its mon.log can live there.
 */
void	 tu_front_dir(const char *path);
/*
 * Writes tu_conf: the state file, tu_sock as the control socket, the web
 * front on 127.0.0.1 port 0, mon.log, as C changes them (C may be NULL),
 * then STANZAS (may be NULL).
 */
void	 tu_mond_conf(const char *stanzas, const struct tu_conf *c);
/*
 * S escaped for the inside of a libconfuse double-quoted string (\\, \",
 * \$, newline as \n): any file name as a log pattern. malloc'd.
 */
char	*tu_confq(const char *s);
/*
 * Starts tu_mond from tu_conf with EXTRA, as tu_daemon_start(); a daemon
 * that does not start fails the test with what it said on stderr.
 */
void	 tu_mond_start(const char *const extra[]);

/*
 * Sends REQUEST verbatim to 127.0.0.1:PORT and reads until the server
 * closes or TIMEOUT_MS passes. Returns the response (malloc'd, may be
 * empty), or NULL with connect()'s errno when the connection failed.
 */
char	*tu_http_raw(int port, const char *request, int timeout_ms);
/*
 * The same over the AF_UNIX socket at PATH (the control socket); errno
 * is EACCES for a peer the socket's mode keeps out.
 */
char	*tu_unix_http(const char *path, const char *request, int timeout_ms);
/* The status code of a response's first line, or -1. */
int	 tu_http_status(const char *response);
/* The body (after the blank line) of a response, or NULL. */
const char *tu_http_body(const char *response);

/*
 * Runs the shell command CMD with INPUT on its stdin (through a temp file)
 * and returns its stdout (malloc'd); *STATUS gets the exit code.
 */
char	*tu_filter(const char *cmd, const char *input, int *status);
/* 1 when PROG is found in $PATH (for tests that skip without it). */
bool	 tu_have(const char *prog);

/* How many times NEEDLE occurs in HAY, not overlapping. */
size_t	 tu_count(const char *hay, const char *needle);

/* Counts lines of FILE containing NEEDLE; 0 when missing. */
int	 tu_count_lines(const char *path, const char *needle);
/*
 * Polls FILE until N of its lines contain NEEDLE, for up to SECS: for a
 * line another process writes after what the test saw. Returns the count
 * last seen (less than N when time ran out).
 */
int	 tu_wait_lines(const char *path, const char *needle, int n, double secs);

/*
 * Whether this build (and so the daemon the suites run) is under ASan,
 * whose quarantine and redzones make RSS no measure of mond's own.
 */
bool	 tu_under_asan(void);

#endif
