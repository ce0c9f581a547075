/*
 * testutil.c: shared helpers of the criterion suites. They run the real
 * binary and talk to real sockets; nothing here mocks mond.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "tests/testutil.h"

char		*tu_dir;
int		 tu_dirfd = -1;
char		*tu_conf;
char		*tu_sock;
char		*tu_mon_log;
char		*tu_messages;
char		*tu_state;
struct tu_daemon tu_mond;

const char *
tu_mond_bin(void)
{
	const char *bin = getenv("MOND_BIN");

	cr_assert_not_null(bin, "MOND_BIN is not set: run the suites with meson test");
	return bin;
}

const char *
tu_srcdir(void)
{
	const char *dir = getenv("MOND_SRCDIR");

	cr_assert_not_null(dir, "MOND_SRCDIR is not set: run the suites with meson test");
	return dir;
}

void
tu_need_root(const char *why)
{
	if (geteuid() != 0)
		cr_skip_test("needs root: %s", why);
}

char *
tu_tmpdir(void)
{
	char *dir = strdup("/tmp/mond-test.XXXXXX");

	cr_assert_not_null(dir);
	cr_assert_not_null(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	return dir;
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(path) == -1 && errno != ENOENT ? -1 : 0;
}

void
tu_rmtree(const char *dir)
{
	if (dir != NULL)
		nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

char *
tu_path(const char *dir, const char *name)
{
	char *p;

	cr_assert(asprintf(&p, "%s/%s", dir, name) != -1);
	return p;
}

void
tu_write_file(const char *path, const char *text)
{
	/* 0644 whatever the umask: mond refuses group/other-writable configs. */
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	FILE *fp = fd == -1 ? NULL : fdopen(fd, "w");

	cr_assert_not_null(fp, "%s: %s", path, strerror(errno));
	cr_assert_eq(fputs(text, fp) == EOF && *text != '\0', 0, "%s: write failed", path);
	cr_assert_eq(fclose(fp), 0, "%s: %s", path, strerror(errno));
}

char *
tu_read_file(const char *path, size_t *lenp)
{
	FILE *fp = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (fp == NULL)
		return NULL;
	do {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 8192;
			buf = realloc(buf, cap);
			cr_assert_not_null(buf);
		}
		n = fread(buf + len, 1, cap - len - 1, fp);
		len += n;
	} while (n > 0);
	fclose(fp);
	buf[len] = '\0';
	if (lenp != NULL)
		*lenp = len;
	return buf;
}

bool
tu_file_is(const char *path, const char *text)
{
	char *got = tu_read_file(path, NULL);
	bool same = got != NULL && strcmp(got, text) == 0;

	free(got);
	return same;
}

void
tu_assert_file(const char *path, const char *want)
{
	char *got = tu_read_file(path, NULL);

	cr_assert_not_null(got, "%s unreadable", path);
	cr_assert_str_eq(got, want, "%s", path);
	free(got);
}

void
tu_append(const char *path, size_t n)
{
	FILE *fp = fopen(path, "a");
	size_t i;

	cr_assert_not_null(fp, "%s: %s", path, strerror(errno));
	for (i = 0; i < n; i++)
		fputc("abcdefghijklmnopqrstuvwxyz\n"[i % 27], fp);
	cr_assert_eq(fclose(fp), 0, "%s: %s", path, strerror(errno));
}

bool
tu_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

long
tu_file_len(const char *path)
{
	size_t len;
	char *got = tu_read_file(path, &len);

	if (got == NULL)
		return -1;
	free(got);
	return (long)len;
}

char *
tu_listing(const char *dir)
{
	char *cmd, *out;
	FILE *fp;
	size_t len = 0, cap = 65536;

	cr_assert(asprintf(&cmd, "ls -lA --time-style=+%%s '%s' | sort", dir)
	    != -1);
	fp = popen(cmd, "r");
	cr_assert_not_null(fp, "%s: %s", cmd, strerror(errno));
	out = calloc(1, cap);
	cr_assert_not_null(out);
	len = fread(out, 1, cap - 1, fp);
	out[len] = '\0';
	pclose(fp);
	free(cmd);
	return out;
}

static char *
slurp_fd(int fd)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	ssize_t n;

	for (;;) {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 8192;
			buf = realloc(buf, cap);
			cr_assert_not_null(buf);
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	return buf;
}

static int
wait_status(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) == -1)
		cr_assert_eq(errno, EINTR, "waitpid: %s", strerror(errno));
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

/*
 * In a forked child: /dev/null (opened with MODE) on stdin, OUT (or
 * /dev/null when -1) on stdout, ERR on stderr, and nothing else: the test
 * runner's other descriptors (criterion's pipes, other tests' files) must
 * not reach mond or its scripts. Exits 126 when that cannot be set up.
 */
static void
child_fds(int mode, int out, int err)
{
	int devnull, fd;

	if ((devnull = open("/dev/null", mode)) == -1 ||
	    dup2(devnull, 0) == -1 ||
	    dup2(out != -1 ? out : devnull, 1) == -1 || dup2(err, 2) == -1)
		_exit(126);
	if (close_range(3, ~0U, 0) == -1)
		for (fd = 3; fd < 65536; fd++)
			close(fd);
}

struct tu_run
tu_run_mond(const char *const argv[])
{
	return tu_run_prog(tu_mond_bin(), argv);
}

struct tu_run
tu_run_prog(const char *prog, const char *const argv[])
{
	struct tu_run r = { 0 };
	char outpath[] = "/tmp/mond-out.XXXXXX", errpath[] = "/tmp/mond-err.XXXXXX";
	const char *args[64];
	int outfd, errfd;
	size_t n = 0;
	pid_t pid;

	args[n++] = prog;
	for (; argv != NULL && argv[n - 1] != NULL; n++) {
		cr_assert_lt(n, 63);
		args[n] = argv[n - 1];
	}
	args[n] = NULL;

	/* Files, not pipes: a chatty child can never block on a full pipe. */
	outfd = mkstemp(outpath);
	errfd = mkstemp(errpath);
	cr_assert(outfd != -1 && errfd != -1, "mkstemp: %s", strerror(errno));
	unlink(outpath);
	unlink(errpath);
	pid = fork();
	cr_assert_neq(pid, -1, "fork: %s", strerror(errno));
	if (pid == 0) {
		child_fds(O_RDONLY, outfd, errfd);
		execv(args[0], (char *const *)args);
		_exit(127);
	}
	r.status = wait_status(pid);
	lseek(outfd, 0, SEEK_SET);
	lseek(errfd, 0, SEEK_SET);
	r.out = slurp_fd(outfd);
	r.err = slurp_fd(errfd);
	close(outfd);
	close(errfd);
	return r;
}

void
tu_run_free(struct tu_run *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

int
tu_daemon_start(struct tu_daemon *d, const char *conf, const char *const extra[])
{
	const char *args[64];
	size_t n = 0;
	int errfd, i;

	memset(d, 0, sizeof(*d));
	args[n++] = tu_mond_bin();
	args[n++] = "-c";
	args[n++] = conf;
	for (i = 0; extra != NULL && extra[i] != NULL; i++) {
		cr_assert_lt(n, 63);
		args[n++] = extra[i];
	}
	args[n] = NULL;

	snprintf(d->err_path, sizeof(d->err_path), "/tmp/mond-daemon.XXXXXX");
	errfd = mkstemp(d->err_path);
	cr_assert_neq(errfd, -1, "mkstemp: %s", strerror(errno));
	d->pid = fork();
	cr_assert_neq(d->pid, -1, "fork: %s", strerror(errno));
	if (d->pid == 0) {
		child_fds(O_RDWR, -1, errfd);
		execv(args[0], (char *const *)args);
		_exit(127);
	}
	close(errfd);

	for (i = 0; i < 1000; i++) {
		char *err = tu_read_file(d->err_path, NULL);
		const char *p = err ? strstr(err, "listening on http://") : NULL;
		int status;

		if (p != NULL) {
			/* "listening on http://ADDR:PORT/"; ADDR may be [v6] */
			const char *slash = strchr(p + strlen("listening on http://"), '/');
			const char *q = slash;

			while (q != NULL && q > p && q[-1] != ':')
				q--;
			if (slash != NULL && q != NULL && q > p) {
				d->port = atoi(q);
				free(err);
				return d->port > 0 ? 0 : -1;
			}
		}
		free(err);
		if (waitpid(d->pid, &status, WNOHANG) == d->pid) {
			d->pid = 0;
			return -1;
		}
		usleep(10000);
	}
	/* Never started listening: do not leave it running for the caller. */
	kill(d->pid, SIGKILL);
	waitpid(d->pid, NULL, 0);
	d->pid = 0;
	return -1;
}

int
tu_daemon_signal_wait(struct tu_daemon *d, int sig)
{
	int status;

	cr_assert_gt(d->pid, 0, "the daemon is not running");
	cr_assert_eq(kill(d->pid, sig), 0, "kill: %s", strerror(errno));
	status = wait_status(d->pid);
	d->pid = 0;
	return status;
}

void
tu_daemon_kill(struct tu_daemon *d)
{
	if (d->pid > 0) {
		kill(d->pid, SIGKILL);
		waitpid(d->pid, NULL, 0);
		d->pid = 0;
	}
	if (d->err_path[0] != '\0') {
		unlink(d->err_path);
		d->err_path[0] = '\0';
	}
}

char *
tu_daemon_stderr(struct tu_daemon *d)
{
	char *s = tu_read_file(d->err_path, NULL);

	return s != NULL ? s : strdup("");
}

bool
tu_daemon_wait_stderr(struct tu_daemon *d, const char *needle, int count,
    double secs)
{
	double t0 = tu_now();

	for (;;) {
		char *err = tu_daemon_stderr(d);
		const char *p = err;
		int n = 0;

		while (n < count && (p = strstr(p, needle)) != NULL) {
			n++;
			p++;
		}
		free(err);
		if (n >= count)
			return true;
		if (tu_now() - t0 >= secs)
			return false;
		usleep(20000);
	}
}

double
tu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double
tu_wait_for(const char *path, double secs)
{
	double t0 = tu_now();

	for (;;) {
		if (tu_exists(path))
			return tu_now() - t0;
		if (tu_now() - t0 >= secs)
			return -1;
		usleep(20000);
	}
}

void
tu_dir_init(void)
{
	tu_dir = tu_tmpdir();
}

void
tu_dirfd_init(void)
{
	tu_dir_init();
	/* fs_open_dir()'s flags, without making the fixture depend on it. */
	tu_dirfd = open(tu_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	cr_assert_geq(tu_dirfd, 0, "open %s: %s", tu_dir, strerror(errno));
}

void
tu_mond_init(void)
{
	tu_dir_init();
	tu_conf = tu_path(tu_dir, "mond.conf");
	tu_sock = tu_path(tu_dir, "mond.sock");
	tu_mon_log = tu_path(tu_dir, "mon/mon.log");
	tu_messages = tu_path(tu_dir, "mond.log");
	tu_state = tu_path(tu_dir, "status");
}

void
tu_acl_user_may_write(const char *path, uid_t uid)
{
	/* version 2, then (tag, perm, id): user::rwx user:UID:rwx group::r-x
	 * mask::rwx other::r-x, little-endian, in the kernel's order */
	static const struct { unsigned tag, perm; } e[] = {
		{ 0x01, 7 }, { 0x02, 7 }, { 0x04, 5 }, { 0x10, 7 }, { 0x20, 5 } };
	unsigned char x[4 + 5 * 8] = { 2 };
	unsigned id;
	size_t i, b;

	for (i = 0; i < 5; i++) {
		unsigned char *p = x + 4 + 8 * i;

		id = e[i].tag == 0x02 ? (unsigned)uid : 0xffffffffu;
		p[0] = (unsigned char)e[i].tag;
		p[2] = (unsigned char)e[i].perm;
		for (b = 0; b < 4; b++)
			p[4 + b] = (unsigned char)(id >> (8 * b));
	}
	if (setxattr(path, "system.posix_acl_access", x, sizeof(x), 0) == 0)
		return;
	if (errno == ENOTSUP || errno == EOPNOTSUPP)
		cr_skip_test("no POSIX ACLs on %s", path);
	cr_assert_fail("setxattr %s: %s", path, strerror(errno));
}

/* Users tu_user_add made, removed by tu_fini. */
static char *tu_users[4];

/* useradd and userdel fail while another holds /etc/passwd's lock. */
static int
run_account_tool(const char *const argv[])
{
	struct tu_run r;
	int i, status = -1;

	for (i = 0; i < 50; i++) {
		r = tu_run_prog(argv[0], argv + 1);
		status = r.status;
		tu_run_free(&r);
		if (status != 1 && status != 10)	/* lock or group file */
			break;
		usleep(100 * 1000);
	}
	return status;
}

uid_t
tu_user_add(const char *name, gid_t *gid)
{
	const char *add[] = { "/usr/sbin/useradd", "--system", "--user-group",
	    "--no-create-home", "--shell", "/usr/sbin/nologin", name, NULL };
	struct passwd *pw;
	size_t i;

	tu_need_root("makes a user");
	for (i = 0; i < 4 && tu_users[i] != NULL; i++)
		;
	cr_assert_lt(i, 4, "tu_user_add: more than four users");
	if (getpwnam(name) == NULL)
		cr_assert_eq(run_account_tool(add), 0, "useradd %s failed", name);
	cr_assert_not_null(tu_users[i] = strdup(name));
	cr_assert_not_null(pw = getpwnam(name), "%s: no such user", name);
	if (gid != NULL)
		*gid = pw->pw_gid;
	return pw->pw_uid;
}

static void
users_remove(void)
{
	const char *del[] = { "/usr/sbin/userdel", NULL, NULL };
	size_t i;

	for (i = 0; i < 4 && tu_users[i] != NULL; i++) {
		del[1] = tu_users[i];
		if (run_account_tool(del) != 0)
			fprintf(stderr, "userdel %s failed\n", tu_users[i]);
		free(tu_users[i]);
		tu_users[i] = NULL;
	}
}

void
tu_fini(void)
{
	tu_daemon_kill(&tu_mond);
	if (tu_dirfd != -1)
		close(tu_dirfd);
	tu_dirfd = -1;
	tu_rmtree(tu_dir);
	users_remove();
	free(tu_state);
	free(tu_mon_log);
	free(tu_messages);
	free(tu_sock);
	free(tu_conf);
	free(tu_dir);
	tu_state = tu_mon_log = tu_messages = tu_sock = tu_conf = tu_dir = NULL;
}

char *
tu_at(const char *name)
{
	static char buf[8][PATH_MAX];
	static int i;

	i = (i + 1) % 8;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", tu_dir, name);
	return buf[i];
}

void
tu_mond_conf(const char *stanzas, const struct tu_conf *c)
{
	static const struct tu_conf defaults;
	char *text;

	cr_assert_not_null(tu_conf, "tu_mond_conf without tu_mond_init");
	if (c == NULL)
		c = &defaults;
	cr_assert(asprintf(&text,
	    "statefile = \"%s\"\n"
	    "control = \"%s\"\n"
	    "messages = \"%s\"\n%s"
	    "http {\n    listen = \"127.0.0.1\"\n    port = 0\n%s}\n"
	    "applog {\n    path = \"%s\"\n%s}\n%s",
	    c->statefile != NULL ? c->statefile : tu_state, tu_sock,
	    c->messages != NULL ? c->messages : tu_messages,
	    c->top != NULL ? c->top : "",
	    c->http != NULL ? c->http : "",
	    c->mon_log != NULL ? c->mon_log : tu_mon_log,
	    c->applog != NULL ? c->applog : "",
	    stanzas != NULL ? stanzas : "") != -1);
	tu_write_file(tu_conf, text);
	free(text);
}

pid_t
tu_front_pid(struct tu_daemon *d, int nth)
{
	static const char start[] = "web front started (pid ";
	char *err = tu_daemon_stderr(d), *p = err;
	long pid = -1;
	int n = 0;

	while ((p = strstr(p, start)) != NULL && (nth == 0 || n < nth)) {
		p += sizeof(start) - 1;
		pid = strtol(p, NULL, 10);
		n++;
	}
	cr_assert(n > 0 && (nth == 0 || n == nth), "no web front start "
	    "number %d in:\n%s", nth, err);
	free(err);
	return (pid_t)pid;
}

int
tu_open_fds(pid_t pid)
{
	char path[64];
	struct dirent *de;
	DIR *dp;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	cr_assert_not_null(dp = opendir(path), "%s: %s", path, strerror(errno));
	while ((de = readdir(dp)) != NULL)
		n += de->d_name[0] != '.';
	closedir(dp);
	return n;
}

void
tu_front_dir(const char *path)
{
	char *dir = strdup(path), *slash;
	struct passwd *pw;

	cr_assert_not_null(dir);
	slash = strrchr(dir, '/');
	cr_assert_not_null(slash, "%s: no directory", path);
	*slash = '\0';
	cr_assert(mkdir(dir, 0750) == 0 || errno == EEXIST, "mkdir %s: %s", dir,
	    strerror(errno));
	if (geteuid() == 0) {
		cr_assert_not_null(pw = getpwnam("mond"),
		    "no user mond: make test creates it");
		cr_assert_eq(chown(dir, pw->pw_uid, pw->pw_gid), 0, "chown %s: %s",
		    dir, strerror(errno));
	}
	free(dir);
}

char *
tu_confq(const char *s)
{
	char *out = malloc(strlen(s) * 2 + 1), *o = out;

	cr_assert_not_null(out);
	for (; *s != '\0'; s++) {
		if (*s == '\n') {
			*o++ = '\\';
			*o++ = 'n';
			continue;
		}
		if (*s == '\\' || *s == '"' || *s == '$')
			*o++ = '\\';
		*o++ = *s;
	}
	*o = '\0';
	return out;
}

void
tu_mond_start(const char *const extra[])
{
	char said[4096], *err;
	size_t len;

	cr_assert_not_null(tu_conf, "tu_mond_start without tu_mond_init");
	if (tu_daemon_start(&tu_mond, tu_conf, extra) == 0)
		return;
	/* Its last words, copied: a failed assert never comes back to free. */
	err = tu_daemon_stderr(&tu_mond);
	len = strlen(err);
	snprintf(said, sizeof(said), "%s",
	    len < sizeof(said) ? err : err + len - (sizeof(said) - 1));
	free(err);
	cr_assert_fail("mond did not start: %s", said);
}

/* Sends REQUEST on the connected FD, reads until EOF or TIMEOUT_MS, closes FD. */
static char *
talk(int fd, const char *request, int timeout_ms)
{
	struct pollfd pfd;
	char *buf = NULL;
	size_t len = 0, cap = 0, reqlen = strlen(request), off = 0;
	struct timespec start, now;

	while (off < reqlen) {
		ssize_t n = send(fd, request + off, reqlen - off, MSG_NOSIGNAL);

		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;	/* the server may close early on a bad request */
		off += (size_t)n;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	pfd.fd = fd;
	pfd.events = POLLIN;
	for (;;) {
		long elapsed;
		ssize_t n;

		clock_gettime(CLOCK_MONOTONIC, &now);
		elapsed = (now.tv_sec - start.tv_sec) * 1000 +
		    (now.tv_nsec - start.tv_nsec) / 1000000;
		if (elapsed >= timeout_ms ||
		    poll(&pfd, 1, (int)(timeout_ms - elapsed)) <= 0)
			break;
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 8192;
			buf = realloc(buf, cap);
			cr_assert_not_null(buf);
		}
		n = recv(fd, buf + len, cap - len - 1, 0);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (buf == NULL)
		buf = calloc(1, 1);
	else
		buf[len] = '\0';
	return buf;
}

/* Closes FD with connect()'s errno kept for the caller; returns NULL. */
static char *
close_keeping_errno(int fd)
{
	int saved = errno;

	close(fd);
	errno = saved;
	return NULL;
}

char *
tu_http_raw(int port, const char *request, int timeout_ms)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int fd;

	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return NULL;
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		return close_keeping_errno(fd);
	return talk(fd, request, timeout_ms);
}

char *
tu_unix_http(const char *path, const char *request, int timeout_ms)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	strncpy(sun.sun_path, path, sizeof(sun.sun_path) - 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return NULL;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		return close_keeping_errno(fd);
	return talk(fd, request, timeout_ms);
}

int
tu_http_status(const char *response)
{
	int code;

	if (response == NULL || sscanf(response, "HTTP/1.%*d %d", &code) != 1)
		return -1;
	return code;
}

const char *
tu_http_body(const char *response)
{
	const char *p = response ? strstr(response, "\r\n\r\n") : NULL;

	return p ? p + 4 : NULL;
}

int
tu_count_lines(const char *path, const char *needle)
{
	char *text = tu_read_file(path, NULL), *line, *save = NULL;
	int count = 0;

	if (text == NULL)
		return 0;
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		if (strstr(line, needle) != NULL)
			count++;
	free(text);
	return count;
}

size_t
tu_count(const char *hay, const char *needle)
{
	size_t n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

int
tu_wait_lines(const char *path, const char *needle, int n, double secs)
{
	double until = tu_now() + secs;
	int count;

	while ((count = tu_count_lines(path, needle)) < n && tu_now() < until)
		usleep(20000);
	return count;
}

char *
tu_filter(const char *cmd, const char *input, int *status)
{
	char *dir = tu_tmpdir(), *in = tu_path(dir, "stdin"), *full, *out;
	size_t len = 0, cap = 4096;
	FILE *fp;
	int rc;

	tu_write_file(in, input);
	cr_assert(asprintf(&full, "(%s) < '%s'", cmd, in) != -1);
	cr_assert_not_null(fp = popen(full, "r"), "popen %s", cmd);
	cr_assert_not_null(out = malloc(cap));
	while (!feof(fp) && !ferror(fp)) {
		if (len + 1024 + 1 > cap)
			cr_assert_not_null(out = realloc(out, cap *= 2));
		len += fread(out + len, 1, 1024, fp);
	}
	out[len] = '\0';
	rc = pclose(fp);
	*status = WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
	free(full);
	tu_rmtree(dir);
	free(in);
	free(dir);
	return out;
}

bool
tu_have(const char *prog)
{
	char *cmd;
	int rc;

	cr_assert(asprintf(&cmd, "command -v '%s' >/dev/null 2>&1", prog) != -1);
	rc = system(cmd);
	free(cmd);
	return rc == 0;
}

bool
tu_under_asan(void)
{
#if defined(__SANITIZE_ADDRESS__)
	return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
	return true;
#endif
#endif
	return false;
}
