/*
 * debfetch.c: the Debian suite's packages, fetched at test time. apt-get
 * runs under a private state (the machine's sources copied, its own
 * lists, cache and no lock), so the machine's apt is neither read beyond
 * its sources nor changed; each .deb is unpacked with dpkg-deb -x. It runs
 * from a criterion report hook, outside any test: it never asserts, it
 * reports failure as text for the tests to skip or fail on.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/debrewrite.h"

#define SOURCES		"/etc/apt/sources.list.d/debian.sources"
#define SOURCES_LIST	"/etc/apt/sources.list"
#define MAX_ARGS	128

static char *
path2(const char *a, const char *b)
{
	char *p;

	return asprintf(&p, "%s/%s", a, b) == -1 ? NULL : p;
}

/* The last few lines of LOG, as a reason (malloc'd). */
static char *
log_tail(const char *what, const char *log)
{
	char buf[4096], *p, *why;
	ssize_t n = 0;
	int fd = open(log, O_RDONLY | O_CLOEXEC);
	off_t end = fd == -1 ? -1 : lseek(fd, 0, SEEK_END);

	if (end > (off_t)sizeof(buf) - 1)
		lseek(fd, end - (off_t)sizeof(buf) + 1, SEEK_SET);
	else if (end > 0)
		lseek(fd, 0, SEEK_SET);
	if (fd != -1 && (n = read(fd, buf, sizeof(buf) - 1)) < 0)
		n = 0;
	if (fd != -1)
		close(fd);
	buf[n] = '\0';
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	p = buf + n;
	for (int lines = 0; p > buf && lines < 3; p--)
		if (p[-1] == '\n' && ++lines == 3)
			break;
	if (asprintf(&why, "%s failed: %s", what, p) == -1)
		return NULL;
	return why;
}

/* Runs ARGV in CWD with its output appended to LOG; its exit status, or -1. */
static int
run(const char *cwd, const char *log, char *const argv[])
{
	int status, fd;
	pid_t pid;

	fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd == -1)
		return -1;
	pid = fork();
	if (pid == -1) {
		close(fd);
		return -1;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		if (null == -1 || dup2(null, 0) == -1 || dup2(fd, 1) == -1 ||
		    dup2(fd, 2) == -1 || (cwd != NULL && chdir(cwd) == -1))
			_exit(126);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fd);
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int
copy_file(const char *from, const char *to)
{
	char buf[8192];
	ssize_t n;
	int in = open(from, O_RDONLY | O_CLOEXEC), out, rc = 0;

	if (in == -1)
		return -1;
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out == -1) {
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			rc = -1;
	if (n < 0)
		rc = -1;
	close(in);
	if (close(out) == -1)
		rc = -1;
	return rc;
}

/* DIR/apt's layout and the private copy of the machine's sources. */
static int
apt_setup(const char *dir)
{
	static const char *const dirs[] = { "apt", "apt/parts", "apt/lists",
		"apt/lists/partial", "apt/cache", "apt/cache/archives",
		"apt/cache/archives/partial", "debs", "x", NULL };
	char *p;
	int rc = 0;

	for (int i = 0; dirs[i] != NULL && rc == 0; i++) {
		if ((p = path2(dir, dirs[i])) == NULL)
			return -1;
		if (mkdir(p, 0755) == -1 && errno != EEXIST)
			rc = -1;
		free(p);
	}
	/* Debian 12's deb822 file, or the installer's one-line list */
	if (rc == 0 && access(SOURCES, R_OK) == 0 &&
	    (p = path2(dir, "apt/parts/debian.sources")) != NULL) {
		rc = copy_file(SOURCES, p);
		free(p);
	} else if (rc == 0 && (p = path2(dir, "apt/parts/debian.list")) !=
	    NULL) {
		rc = copy_file(SOURCES_LIST, p);
		free(p);
	}
	return rc;
}

/*
 * ARGV for apt-get CMD under DIR's private state: its own lists and
 * cache, no lock on the machine's, and downloads done as root (the
 * temporary directories are closed to the _apt user).
 */
static int
apt_argv(char *argv[], const char *dir, const char *cmd)
{
	static const char *const opts[] = { "Dir::Etc::SourceList=/dev/null",
		"Dir::Etc::SourceParts=%s/apt/parts",
		"Dir::State::Lists=%s/apt/lists", "Dir::Cache=%s/apt/cache",
		"Debug::NoLocking=1", "APT::Sandbox::User=root", NULL };
	int n = 0;

	argv[n++] = strdup("apt-get");
	argv[n++] = strdup("-q");
	for (int i = 0; opts[i] != NULL; i++) {
		argv[n++] = strdup("-o");
		if (asprintf(&argv[n++], opts[i], dir) == -1)
			argv[n - 1] = NULL;
	}
	argv[n++] = strdup(cmd);
	return n;
}

static void
free_argv(char *argv[])
{
	for (int i = 0; argv[i] != NULL; i++) {
		free(argv[i]);
		argv[i] = NULL;
	}
}

static int
apt_download(const char *dir, const char *const pkgs[], char **why)
{
	char *argv[MAX_ARGS] = { 0 }, *log = path2(dir, "apt.log");
	char *debs = path2(dir, "debs");
	int n, rc = -1;

	if (log == NULL || debs == NULL)
		goto done;
	n = apt_argv(argv, dir, "update");
	if (run(NULL, log, argv) != 0) {
		*why = log_tail("apt-get update", log);
		goto done;
	}
	free_argv(argv);
	n = apt_argv(argv, dir, "download");
	for (int i = 0; pkgs[i] != NULL && n < MAX_ARGS - 1; i++)
		argv[n++] = strdup(pkgs[i]);
	argv[n] = NULL;
	if (run(debs, log, argv) != 0) {
		*why = log_tail("apt-get download", log);
		goto done;
	}
	rc = 0;
done:
	free_argv(argv);
	free(log);
	free(debs);
	return rc;
}

/* dpkg-deb -x for each DIR/debs/NAME_VERSION_ARCH.deb into DIR/x/NAME. */
static int
unpack(const char *dir, char **why)
{
	char *debs = path2(dir, "debs"), *log = path2(dir, "dpkg.log");
	DIR *d = debs != NULL ? opendir(debs) : NULL;
	struct dirent *de;
	int rc = d != NULL && log != NULL ? 0 : -1;

	while (rc == 0 && (de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		char *deb, *to;

		if (len < 5 || strcmp(de->d_name + len - 4, ".deb") != 0)
			continue;
		deb = path2(debs, de->d_name);
		if (asprintf(&to, "%s/x/%.*s", dir,
		    (int)strcspn(de->d_name, "_"), de->d_name) == -1)
			to = NULL;
		if (deb == NULL || to == NULL || run(NULL, log, (char *[]){
		    "dpkg-deb", "-x", deb, to, NULL }) != 0) {
			*why = log_tail("dpkg-deb -x", log);
			rc = -1;
		}
		free(deb);
		free(to);
	}
	if (d != NULL)
		closedir(d);
	free(debs);
	free(log);
	return rc;
}

int
dr_fetch(const char *dir, const char *const pkgs[], char **why)
{
	*why = NULL;
	if (access(SOURCES, R_OK) == -1 && access(SOURCES_LIST, R_OK) == -1) {
		if (asprintf(why, "neither %s nor %s to take the mirror from",
		    SOURCES, SOURCES_LIST) == -1)
			*why = NULL;
		return -1;
	}
	if (apt_setup(dir) == -1) {
		if (asprintf(why, "%s: %s", dir, strerror(errno)) == -1)
			*why = NULL;
		return -1;
	}
	if (apt_download(dir, pkgs, why) == -1 || unpack(dir, why) == -1)
		return -1;
	return 0;
}
