/*
 * test_stress.c: faults injected into the real daemon, and the proof that
 * no line was lost: kill -9 at random instants during rotations, copytruncate
 * under a fast writer, a full file system, HTTP load while mon.log rolls,
 * and a storm of reloads. Sizes come from STRESS_* variables (make stress:
 * full size; .ci/run: short); each test prints its figures for the README.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <zlib.h>

#include "daemon/state.h"
#include "tests/stressutil.h"
#include "tests/testutil.h"

static char *
conf_text(const char *dir, const char *applog, const char *stanzas)
{
	char *text;

	cr_assert(asprintf(&text,
	    "statefile = \"%s/status\"\n"
	    "control = \"%s/mond.sock\"\n"
	    "http {\n    listen = \"127.0.0.1\"\n    port = 0\n}\n"
	    "applog {\n    path = \"%s/mon/mon.log\"\n%s}\n%s",
	    dir, dir, dir, applog, stanzas) != -1);
	return text;
}

/* Writes the config at DIR/mond.conf by rename, so a reader never sees half. */
static char *
write_conf(const char *dir, const char *applog, const char *stanzas)
{
	char *text = conf_text(dir, applog, stanzas);
	char *path = tu_path(dir, "mond.conf"), *tmp = tu_path(dir, "conf.new");

	tu_write_file(tmp, text);
	cr_assert_eq(rename(tmp, path), 0, "rename: %s", strerror(errno));
	free(text);
	free(tmp);
	return path;
}

static void
start_daemon(struct tu_daemon *d, const char *conf)
{
	if (tu_daemon_start(d, conf, NULL) != 0) {
		char *err = tu_daemon_stderr(d);

		cr_assert_fail("mond did not start: %s", err);
	}
}

/* The state file parses: every line is "PATH" Y-M-D-h:m:s, and LOG is in it. */
static void
check_state(const char *dir, const char *log)
{
	char *path = tu_path(dir, "status"), *text, *line, *save = NULL;
	struct state *st;
	regex_t re;
	time_t when;
	int n = 0;

	cr_assert_eq(regcomp(&re, "^\"([^\"\\\\]|\\\\.)*\" "
	    "[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}-[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}$",
	    REG_EXTENDED | REG_NOSUB), 0);
	cr_assert_not_null(text = tu_read_file(path, NULL), "%s: missing", path);
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save), n++)
		if (n > 0)	/* "logrotate state -- version 2" */
			cr_expect_eq(regexec(&re, line, 0, NULL, 0), 0,
			    "state line %d does not parse: %s", n + 1, line);
	cr_assert_not_null(st = state_load(path));
	cr_expect_eq(state_get(st, log, &when), 0, "%s not in the state", log);
	state_free(st);
	regfree(&re);
	free(text);
	free(path);
}

/* ------------------------------------------------------------------ */
/* Crash at any instant                                                */

struct crash_variant {
	const char	*name;
	const char	*options;	/* inside the log stanza */
	bool		 reopen;	/* the writer follows a renamed log */
};

/*
 * A writer appends numbered lines to logs/app.log while mond rotates it
 * every 64k and is killed with SIGKILL 0-200 ms after each start, until
 * ROTATIONS rotations happened. Then one clean start (which cleans up what
 * the kills left) and the census: every line exactly once.
 */
static void
crash_run(const struct crash_variant *v)
{
	char *dir = tu_tmpdir(), *logs = tu_path(dir, "logs"), *log, *conf, *stanza;
	long target = (su_env("STRESS_ROTATIONS", 250) + 4) / 5;
	double deadline = su_now() + (double)su_env("STRESS_CRASH_SECONDS", 600);
	struct tu_daemon d;
	struct su_writer w;
	struct su_count c;
	unsigned kills = 0;
	uint64_t written;

	cr_assert_eq(mkdir(logs, 0755), 0);
	log = tu_path(logs, "app.log");
	cr_assert(asprintf(&stanza, "log \"%s\" {\n size = 64k\n rotate = 1000\n"
	    " %s\n}\n", log, v->options) != -1);
	conf = write_conf(dir, "", stanza);
	srandom((unsigned)getpid());
	/* ~1 MB/s: a rotation every ~60 ms, so most kills land near one. */
	su_writer_start(&w, log, 65536, 32, v->reopen);
	do {
		start_daemon(&d, conf);
		usleep((useconds_t)(random() % 200001));
		tu_daemon_kill(&d);
		kills++;
	} while (su_count_rotated(logs, "app.log") < (unsigned)target && su_now() < deadline);
	written = su_writer_stop(&w);

	/* The clean start: its first pass removes what the kills left. */
	start_daemon(&d, conf);
	usleep(1500000);
	cr_assert_eq(tu_daemon_signal_wait(&d, SIGTERM), 0);
	tu_daemon_kill(&d);

	su_count_lines(logs, "app.log", written, &c);
	cr_log_info("crash[%s]: %u kill -9, %u rotations, %llu lines written, "
	    "%llu read in %u files (%u recovered), lost %llu, duplicated %llu, "
	    "torn %llu, bad gz %u, temporaries left %u", v->name, kills,
	    c.rotated, (unsigned long long)written, (unsigned long long)c.lines,
	    c.files, c.recovered, (unsigned long long)c.lost,
	    (unsigned long long)c.dup, (unsigned long long)c.bad, c.gz_bad,
	    c.temps);
	fprintf(stderr, "STRESS crash %s kills=%u rotations=%u written=%llu "
	    "lost=%llu dup=%llu torn=%llu gzbad=%u temps=%u recovered=%u\n",
	    v->name, kills, c.rotated, (unsigned long long)written,
	    (unsigned long long)c.lost, (unsigned long long)c.dup,
	    (unsigned long long)c.bad, c.gz_bad, c.temps, c.recovered);
	cr_expect_geq(c.rotated, (unsigned)target, "only %u rotations", c.rotated);
	cr_expect_eq(c.lost, 0, "%llu lines lost", (unsigned long long)c.lost);
	cr_expect_eq(c.dup, 0, "%llu lines duplicated", (unsigned long long)c.dup);
	cr_expect_eq(c.bad, 0, "%llu torn lines", (unsigned long long)c.bad);
	cr_expect_eq(c.gz_bad, 0, "%u truncated .gz", c.gz_bad);
	cr_expect_eq(c.temps, 0, "%u temporaries left after a clean start", c.temps);
	check_state(dir, log);
	free(stanza);
	free(conf);
	free(log);
	free(logs);
	tu_rmtree(dir);
	free(dir);
}

Test(crash, create_compress_delaycompress, .timeout = 900)
{
	static const struct crash_variant v = { "create+compress+delaycompress",
	    "create = yes\n compress = yes\n delaycompress = yes", true };

	crash_run(&v);
}

Test(crash, create_compress, .timeout = 900)
{
	static const struct crash_variant v = { "create+compress",
	    "create = yes\n compress = yes", true };

	crash_run(&v);
}

Test(crash, create_plain, .timeout = 900)
{
	static const struct crash_variant v = { "create",
	    "create = yes", true };

	crash_run(&v);
}

Test(crash, copytruncate_compress, .timeout = 900)
{
	static const struct crash_variant v = { "copytruncate+compress",
	    "copytruncate = yes\n compress = yes", false };

	crash_run(&v);
}

Test(crash, copytruncate_delaycompress, .timeout = 900)
{
	static const struct crash_variant v = { "copytruncate+delaycompress",
	    "copytruncate = yes\n compress = yes\n delaycompress = yes", false };

	crash_run(&v);
}

/* ------------------------------------------------------------------ */
/* copytruncate without the loss window                                */

static bool
can_collapse(const char *dir)
{
	char *probe = tu_path(dir, ".collapse-probe");
	static char block[8192];
	int fd = open(probe, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	bool ok;

	cr_assert_neq(fd, -1, "%s: %s", probe, strerror(errno));
	cr_assert_eq(write(fd, block, sizeof(block)), (ssize_t)sizeof(block));
	ok = fallocate(fd, FALLOC_FL_COLLAPSE_RANGE, 0, 4096) == 0;
	close(fd);
	unlink(probe);
	free(probe);
	return ok;
}

static int
sh(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/*
 * A directory for the logs on a file system with COLLAPSE_RANGE: the test's
 * own when it has it, else an ext4 image mounted on loop (root only).
 * *MNT is set when a mount must be undone. NULL (after cr_skip) otherwise.
 */
static char *
collapse_dir(const char *dir, char **mnt)
{
	char *logs = tu_path(dir, "logs"), *img, *cmd;

	*mnt = NULL;
	cr_assert_eq(mkdir(logs, 0755), 0);
	if (can_collapse(logs))
		return logs;
	if (geteuid() != 0)
		cr_skip_test("needs root: %s has no COLLAPSE_RANGE and an ext4 "
		    "loop mount needs root", dir);
	img = tu_path(dir, "ext4.img");
	cr_assert(asprintf(&cmd, "truncate -s 200M %s && mkfs.ext4 -q -F %s "
	    "&& mount -o loop %s %s", img, img, img, logs) != -1);
	if (sh(cmd) != 0)
		cr_skip_test("no COLLAPSE_RANGE here and no ext4 loop mount "
		    "(mkfs.ext4 or loop devices missing)");
	*mnt = logs;
	free(cmd);
	free(img);
	return logs;
}

/* What a test mounted, unmounted by unmount() even when it failed. */
static const char *mounted;

static void
unmount(void)
{
	char cmd[512];

	if (mounted == NULL)
		return;
	snprintf(cmd, sizeof(cmd), "umount %s", mounted);
	sh(cmd);
	mounted = NULL;
}

/* logrotate's copytruncate: copy to NAME.N, then truncate NAME. */
static void
plain_copytruncate(const char *log, int n)
{
	char *dst, buf[65536];
	int in, out;
	ssize_t r;

	cr_assert(asprintf(&dst, "%s.%d", log, n) != -1);
	cr_assert_neq(in = open(log, O_RDONLY | O_CLOEXEC), -1);
	cr_assert_neq(out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0644), -1);
	while ((r = read(in, buf, sizeof(buf))) > 0)
		cr_assert_eq(write(out, buf, (size_t)r), r);
	close(out);
	close(in);
	cr_assert_eq(truncate(log, 0), 0);
	free(dst);
}

Test(copytruncate, no_loss_window, .timeout = 900, .fini = unmount)
{
	char *dir = tu_tmpdir(), *mnt, *logs, *log, *cplog, *stanza, *conf;
	long n = su_env("STRESS_CT_ROTATIONS", 100), rate = 100000, i;
	const char *argv[] = { "-c", NULL, "--force-rotate", NULL };
	struct su_writer w;
	struct su_count c, p;
	uint64_t written, pwritten;
	double t0, secs;

	logs = collapse_dir(dir, &mnt);
	mounted = mnt;
	log = tu_path(logs, "app.log");
	cplog = tu_path(logs, "cp.log");
	cr_assert(asprintf(&stanza, "log \"%s\" {\n copytruncate = yes\n"
	    " rotate = 1000\n size = 1G\n}\n", log) != -1);
	argv[1] = conf = write_conf(dir, "", stanza);

	su_writer_start(&w, log, rate, 50, false);
	t0 = su_now();
	for (i = 0; i < n; i++) {
		struct tu_run r;

		usleep(20000);
		r = tu_run_mond(argv);
		cr_assert_eq(r.status, 0, "--force-rotate: %s", r.err);
		tu_run_free(&r);
	}
	usleep(20000);
	written = su_writer_stop(&w);
	secs = su_now() - t0;
	su_count_lines(logs, "app.log", written, &c);

	/* The same writer against logrotate's copy-then-truncate. */
	su_writer_start(&w, cplog, rate, 50, false);
	for (i = 1; i <= n; i++) {
		usleep(20000);
		plain_copytruncate(cplog, (int)i);
	}
	usleep(20000);
	pwritten = su_writer_stop(&w);
	su_count_lines(logs, "cp.log", pwritten, &p);

	fprintf(stderr, "STRESS copytruncate rotations=%ld rate=%.0f lines/s "
	    "mond: written=%llu lost=%llu dup=%llu torn=%llu | plain "
	    "copy+truncate: written=%llu lost=%llu dup=%llu\n", n,
	    (double)written / secs, (unsigned long long)written,
	    (unsigned long long)c.lost, (unsigned long long)c.dup,
	    (unsigned long long)c.bad, (unsigned long long)pwritten,
	    (unsigned long long)p.lost, (unsigned long long)p.dup);
	cr_expect_geq((double)written / secs, 50000.0, "writer too slow");
	cr_expect_geq(c.rotated, (unsigned)n - 1, "only %u rotations", c.rotated);
	cr_expect_eq(c.lost, 0, "mond lost %llu lines", (unsigned long long)c.lost);
	cr_expect_eq(c.dup, 0, "mond duplicated %llu lines",
	    (unsigned long long)c.dup);
	cr_expect_eq(c.bad, 0, "%llu torn lines", (unsigned long long)c.bad);
	unmount();
	free(stanza);
	free(conf);
	free(cplog);
	free(log);
	free(logs);
	tu_rmtree(dir);
	free(dir);
}

/* ------------------------------------------------------------------ */
/* Disk full                                                           */

static bool
wait_for(bool (*cond)(void *), void *arg, double secs)
{
	double end = su_now() + secs;

	while (su_now() < end) {
		if (cond(arg))
			return true;
		usleep(20000);
	}
	return cond(arg);
}

static bool
path_exists(void *arg)
{
	return tu_exists(arg);
}

struct grep_arg {
	const char	*path;
	const char	*needle;
};

static bool
file_has(void *arg)
{
	struct grep_arg *g = arg;

	return tu_count_lines(g->path, g->needle) > 0;
}

static void
random_file(const char *path, size_t size, char **data)
{
	int fd;
	size_t i;

	*data = malloc(size);
	cr_assert_not_null(*data);
	srandom(42);
	for (i = 0; i < size; i++)
		(*data)[i] = (char)(random() & 0xff);
	cr_assert_neq(fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644), -1);
	cr_assert_eq(write(fd, *data, size), (ssize_t)size);
	close(fd);
}

static char *
gunzip(const char *path, size_t *len)
{
	gzFile gz = gzopen(path, "rb");
	size_t cap = 8 << 20;
	char *buf = malloc(cap);
	int n;

	cr_assert_not_null(gz, "%s: cannot open", path);
	*len = 0;
	while ((n = gzread(gz, buf + *len, (unsigned)(cap - *len))) > 0)
		if ((*len += (size_t)n) == cap)
			cr_assert_not_null(buf = realloc(buf, cap *= 2));
	cr_assert_geq(n, 0, "%s: not a complete gzip file", path);
	gzclose(gz);
	return buf;
}

/*
 * compress on a 8 MB tmpfs holding a 6 MB log of random bytes: the .gz
 * cannot fit. The rotated file must stay byte-identical with no .gz under
 * a final name, the error said, the state not advanced, the web up; after
 * the file system grows, the next trigger finishes the job.
 */
Test(diskfull, compress_fails_cleanly_then_retries, .timeout = 120,
    .fini = unmount)
{
	char *dir, *fs, *log, *one, *gz1, *gz2, *stanza, *conf, *cmd, *data;
	char *monlog, *resp, *back, *state;
	const size_t size = 6 << 20;
	struct grep_arg g;
	struct tu_daemon d;
	size_t len;

	if (geteuid() != 0)
		cr_skip_test("needs root: mounts a small tmpfs");
	dir = tu_tmpdir();
	fs = tu_path(dir, "fs");
	cr_assert_eq(mkdir(fs, 0755), 0);
	cr_assert(asprintf(&cmd, "mount -t tmpfs -o size=8m,mode=0755 tmpfs %s",
	    fs) != -1);
	if (sh(cmd) != 0)
		cr_skip_test("cannot mount a tmpfs here");
	mounted = fs;
	free(cmd);
	log = tu_path(fs, "app.log");
	one = tu_path(fs, "app.log.1");
	gz1 = tu_path(fs, "app.log.1.gz");
	gz2 = tu_path(fs, "app.log.2.gz");
	monlog = tu_path(dir, "mon/mon.log");
	state = tu_path(dir, "status");
	random_file(log, size, &data);
	cr_assert(asprintf(&stanza, "log \"%s\" {\n size = 1M\n rotate = 5\n"
	    " create = yes\n compress = yes\n}\n", log) != -1);
	conf = write_conf(dir, "", stanza);
	/* An old last rotation, so "not advanced" can be told from "new log". */
	cr_assert(asprintf(&cmd, "logrotate state -- version 2\n"
	    "\"%s\" 2020-1-1-0:0:0\n", log) != -1);
	tu_write_file(state, cmd);
	free(cmd);

	start_daemon(&d, conf);
	g.path = monlog;
	g.needle = "No space left on device";
	cr_assert(wait_for(file_has, &g, 10), "no ENOSPC error in mon.log");
	cr_expect(tu_count_lines(monlog, "ERROR") > 0, "the error is not an "
	    "ERROR line");
	usleep(300000);
	back = tu_read_file(one, &len);
	cr_assert_not_null(back, "%s is gone", one);
	cr_expect(len == size && memcmp(back, data, size) == 0,
	    "%s is not byte-identical to the log (%zu bytes)", one, len);
	free(back);
	cr_expect_not(tu_exists(gz1), "a partial .gz under its final name");
	cr_expect_eq(tu_count_lines(state, "2020-1-1-0:0:0"), 1,
	    "the state was advanced");
	resp = tu_http_raw(d.port, "GET / HTTP/1.0\r\n\r\n", 2000);
	cr_expect_eq(tu_http_status(resp), 200, "GET / while the disk is full");
	free(resp);

	/* Room again: a later trigger finishes the compression and rotates. */
	cr_assert(asprintf(&cmd, "mount -o remount,size=64m %s", fs) != -1);
	cr_assert_eq(sh(cmd), 0);
	free(cmd);
	cmd = malloc(2 << 20);
	memset(cmd, 'x', 2 << 20);
	{
		int fd = open(log, O_WRONLY | O_APPEND | O_CLOEXEC);

		cr_assert_neq(fd, -1);
		cr_assert_eq(write(fd, cmd, 2 << 20), 2 << 20);
		close(fd);
	}
	free(cmd);
	cr_expect(wait_for(path_exists, gz2, 10), "no retry after space came back");
	if (tu_exists(gz2)) {
		back = gunzip(gz2, &len);
		cr_expect(len == size && memcmp(back, data, size) == 0,
		    "%s does not hold the log", gz2);
		free(back);
	}
	cr_expect_eq(tu_daemon_signal_wait(&d, SIGTERM), 0);
	tu_daemon_kill(&d);
	cr_expect_eq(tu_count_lines(state, "2020-1-1-0:0:0"), 0, "the state was "
	    "not advanced by the rotation that succeeded");
	free(data);
	free(state);
	free(monlog);
	free(conf);
	free(stanza);
	free(gz2);
	free(gz1);
	free(one);
	free(log);
	unmount();
	free(fs);
	tu_rmtree(dir);
	free(dir);
}
