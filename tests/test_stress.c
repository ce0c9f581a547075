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
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <zlib.h>

#include "engine/state.h"
#include "tests/stressutil.h"
#include "tests/testutil.h"

static char *
conf_text(const char *dir, const char *applog, const char *stanzas)
{
	char *text;

	cr_assert(asprintf(&text,
	    "statefile = \"%s/status\"\n"
	    "control = \"%s/mond.sock\"\n"
	    "messages = \"%s/mond.log\"\n"
	    "http {\n    listen = \"127.0.0.1\"\n    port = 0\n}\n"
	    "applog {\n    path = \"%s/mon/mon.log\"\n%s}\n%s",
	    dir, dir, dir, dir, applog, stanzas) != -1);
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

	/*
	 * The clean start: its first pass removes what the kills left, and
	 * the leftovers a kill mid-compression and mid-create would leave
	 * (planted, since few kills land exactly there).
	 */
	{
		char *t = tu_path(logs, ".app.log.7.gz.mond-tmp");
		char *s = tu_path(logs, ".app.log.mond-swap");

		tu_write_file(t, "partial gzip");
		tu_write_file(s, "");
		free(t);
		free(s);
	}
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
	if (getenv("STRESS_KEEP") != NULL || c.lost || c.dup || c.bad ||
	    c.temps || c.gz_bad || c.rotated < (unsigned)target)
		cr_log_warn("kept %s", dir);
	else
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

Test(crash, create_zstd_delaycompress, .timeout = 900)
{
	static const struct crash_variant v = { "create+zstd+delaycompress",
	    "create = yes\n compress = yes\n compressor = zstd\n"
	    " delaycompress = yes", true };

	crash_run(&v);
}

Test(crash, copytruncate_zstd, .timeout = 900)
{
	static const struct crash_variant v = { "copytruncate+zstd",
	    "copytruncate = yes\n compress = yes\n compressor = zstd", false };

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
	if (su_sh(cmd) != 0)
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
	su_sh(cmd);
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
	if (su_sh(cmd) != 0)
		cr_skip_test("cannot mount a tmpfs here");
	mounted = fs;
	free(cmd);
	log = tu_path(fs, "app.log");
	one = tu_path(fs, "app.log.1");
	gz1 = tu_path(fs, "app.log.1.gz");
	gz2 = tu_path(fs, "app.log.2.gz");
	monlog = tu_path(dir, "mond.log");	/* mond's own messages */
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
	cr_assert(wait_for(file_has, &g, 10), "no ENOSPC error in mond.log");
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
	cr_assert_eq(su_sh(cmd), 0);
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
		back = su_gunzip(gz2, &len);
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

/* ------------------------------------------------------------------ */
/* Load                                                                */

static pid_t
spawn_wrk(int port, long secs, const char *script, const char *out)
{
	char url[64], dur[32];
	pid_t pid;

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", port);
	snprintf(dur, sizeof(dur), "%lds", secs);
	cr_assert_neq(pid = fork(), -1);
	if (pid == 0) {
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

		if (fd == -1 || dup2(fd, 1) == -1)
			_exit(126);
		/* Few connections: few requests in flight when wrk stops. */
		execlp("wrk", "wrk", "-t2", "-c4", "-d", dur, "-s", script, url,
		    (char *)NULL);
		_exit(127);
	}
	return pid;
}

#define WRK_SCRIPT \
	"local threads = {}\n" \
	"function setup(t) table.insert(threads, t) end\n" \
	"function init(args) ok = 0 end\n" \
	"function response(status, headers, body)\n" \
	"  if status >= 200 and status < 300 then ok = ok + 1 end\n" \
	"end\n" \
	"function done(summary, latency, requests)\n" \
	"  local n = 0\n" \
	"  for _, t in ipairs(threads) do n = n + t:get(\"ok\") end\n" \
	"  io.write(string.format(\"ok2xx=%d\\n\", n))\n" \
	"end\n"

/*
 * wrk on GET / while mon.log rolls over about every second and another
 * log rotates every 64k: every 2xx has its INFO line, no line of any
 * mon.log* is torn, and the RSS at the end is within 2 MiB of the RSS at a
 * third of the run.
 */
Test(load, wrk_while_logs_roll, .timeout = 600)
{
	char *dir = tu_tmpdir(), *logs = tu_path(dir, "logs"), *other, *stanza;
	char *conf, *script = tu_path(dir, "count.lua"), *out, *text, *mon;
	long secs = su_env("STRESS_SECONDS", 30), hits, torn, ok = -1, rss1, rss2;
	struct tu_daemon d;
	struct su_writer w;
	int status, files;
	const char *p;
	pid_t wrk;

	if (su_sh("command -v wrk >/dev/null 2>&1") != 0)
		cr_skip_test("wrk is not installed (apt-get install wrk)");
	cr_assert_eq(mkdir(logs, 0755), 0);
	other = tu_path(logs, "other.log");
	out = tu_path(dir, "wrk.out");
	mon = tu_path(dir, "mon");
	tu_write_file(script, WRK_SCRIPT);
	cr_assert(asprintf(&stanza, "log \"%s\" {\n size = 64k\n rotate = 5\n"
	    " create = yes\n compress = yes\n}\n", other) != -1);
	conf = write_conf(dir, "    maxbytes = 1M\n    backups = 1000\n"
	    "    level = info\n", stanza);
	start_daemon(&d, conf);
	su_writer_start(&w, other, 20000, 20, true);
	wrk = spawn_wrk(d.port, secs, script, out);
	usleep((useconds_t)(secs * 1000000 / 3));
	rss1 = su_rss_kb(d.pid) + su_rss_kb(tu_front_pid(&d, 1));
	while (waitpid(wrk, &status, 0) == -1)
		cr_assert_eq(errno, EINTR);
	su_writer_stop(&w);
	/*
	 * The least of a second's samples: a compression of other.log still
	 * in flight holds ~4 MiB of block buffers that it gives back when
	 * done, which is not growth.
	 */
	rss2 = su_rss_kb(d.pid) + su_rss_kb(tu_front_pid(&d, 1));
	for (int i = 0; i < 10; i++) {
		long r;

		usleep(100000);
		if ((r = su_rss_kb(d.pid) + su_rss_kb(tu_front_pid(&d, 1))) <
		    rss2)
			rss2 = r;
	}
	cr_assert_eq(tu_daemon_signal_wait(&d, SIGTERM), 0);
	tu_daemon_kill(&d);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "wrk failed");
	text = tu_read_file(out, NULL);
	if (text != NULL && (p = strstr(text, "ok2xx=")) != NULL)
		ok = atol(p + 6);
	su_applog_census(mon, "mon.log", "INFO - Home page", &hits, &torn, &files);
	fprintf(stderr, "STRESS load seconds=%ld ok2xx=%ld homepage_lines=%ld "
	    "torn=%ld monlog_files=%d rotated_other=%u rss_kb=%ld->%ld\n", secs,
	    ok, hits, torn, files, su_count_rotated(logs, "other.log"), rss1,
	    rss2);
	cr_assert_gt(ok, 0, "wrk reported no 2xx: %s", text ? text : "");
	cr_expect_gt(su_count_rotated(logs, "other.log"), 0, "%s never rotated",
	    other);
	cr_expect_geq(hits, ok, "%ld responses but %ld INFO lines", ok, hits);
	/* Requests wrk abandoned at its deadline may be logged, not counted. */
	cr_expect_leq(hits, ok + 4, "%ld responses but %ld INFO lines", ok, hits);
	cr_expect_eq(torn, 0, "%ld torn lines", torn);
	cr_expect_geq(files, (int)secs / 2, "mon.log rolled only %d times", files);
	if (!tu_under_asan())
		cr_expect_lt(rss2 - rss1, 2048, "RSS grew from %ld to %ld kB",
		    rss1, rss2);
	free(text);
	free(mon);
	free(out);
	free(script);
	free(conf);
	free(stanza);
	free(other);
	free(logs);
	tu_rmtree(dir);
	free(dir);
}

/* ------------------------------------------------------------------ */
/* Reload storm                                                        */

/* A loop of GET / in a child; counts answers and failures. */
static pid_t
spawn_getter(int port, volatile uint64_t *shared)
{
	pid_t pid = fork();

	cr_assert_neq(pid, -1);
	if (pid != 0)
		return pid;
	while (shared[2] == 0) {
		char *r = tu_http_raw(port, "GET / HTTP/1.0\r\n\r\n", 3000);

		if (tu_http_status(r) == 200)
			shared[0]++;
		else
			shared[1]++;
		free(r);
		usleep(2000);
	}
	_exit(0);
}

static int
count_in(const char *path, const char *const *needles)
{
	int n = 0;

	for (; *needles != NULL; needles++)
		n += tu_count_lines(path, *needles);
	return n;
}

/*
 * SIGHUPs alternating a good config (each with its own log rule) and a
 * broken one, under GET / load: every GET answered, the last good config
 * in force at the end (its rule rotates, the one before does not), fds
 * and RSS as before.
 */
Test(reload, storm_of_sighups, .timeout = 900)
{
	static const char *const done[] = { "configuration reloaded",
	    "reload failed", "reload not applied", NULL };
	char *dir = tu_tmpdir(), *logs = tu_path(dir, "logs"), *conf = NULL;
	long hups = su_env("STRESS_HUPS", 1000), i, last = 0;
	long fd1, fd2, rss1, rss2;
	volatile uint64_t *shared;
	struct tu_daemon d;
	char *stanza, *a, *b, *a1, *b1;
	pid_t getter;
	int status;

	cr_assert_eq(mkdir(logs, 0755), 0);
	cr_assert(asprintf(&stanza, "log \"%s/r0.log\" {\n size = 1k\n"
	    " rotate = 1\n missingok = yes\n}\n", logs) != -1);
	conf = write_conf(dir, "", stanza);
	free(stanza);
	start_daemon(&d, conf);
	usleep(300000);
	fd1 = su_fd_count(d.pid);
	rss1 = su_rss_kb(d.pid);
	shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED |
	    MAP_ANONYMOUS, -1, 0);
	cr_assert_neq((void *)shared, MAP_FAILED);
	getter = spawn_getter(d.port, shared);

	for (i = 1; i <= hups; i++) {
		double end = su_now() + 10;

		if (i % 2 == 1) {
			last = i;
			cr_assert(asprintf(&stanza, "log \"%s/r%ld.log\" {\n"
			    " size = 1k\n rotate = 1\n missingok = yes\n}\n",
			    logs, i) != -1);
		} else
			cr_assert(asprintf(&stanza, "log \"%s/r%ld.log\" {\n"
			    " size = 1k\n rotate = \n", logs, i) != -1);
		free(conf);
		conf = write_conf(dir, "", stanza);
		free(stanza);
		cr_assert_eq(kill(d.pid, SIGHUP), 0);
		/* One answer per signal: each config is read before the next. */
		while (count_in(d.err_path, done) < i && su_now() < end)
			usleep(1000);
		cr_assert_geq(count_in(d.err_path, done), i, "no answer to "
		    "SIGHUP %ld", i);
	}
	shared[2] = 1;
	while (waitpid(getter, &status, 0) == -1)
		cr_assert_eq(errno, EINTR);
	usleep(300000);
	fd2 = su_fd_count(d.pid);
	rss2 = su_rss_kb(d.pid);

	/* The last good config rules: r<last>.log rotates, r<last-2> not. */
	cr_assert(asprintf(&a, "%s/r%ld.log", logs, last) != -1);
	cr_assert(asprintf(&a1, "%s/r%ld.log.1", logs, last) != -1);
	cr_assert(asprintf(&b, "%s/r%ld.log", logs, last - 2) != -1);
	cr_assert(asprintf(&b1, "%s/r%ld.log.1", logs, last - 2) != -1);
	stanza = malloc(4096);
	memset(stanza, 'x', 4095);
	stanza[4095] = '\0';
	tu_write_file(b, stanza);
	tu_write_file(a, stanza);
	free(stanza);
	cr_expect(wait_for(path_exists, a1, 5), "the last good config's rule "
	    "did not rotate %s", a);
	cr_expect_not(tu_exists(b1), "an older config's rule rotated %s", b);
	fprintf(stderr, "STRESS reload hups=%ld gets_ok=%llu gets_failed=%llu "
	    "fds=%ld->%ld rss_kb=%ld->%ld\n", hups,
	    (unsigned long long)shared[0], (unsigned long long)shared[1], fd1,
	    fd2, rss1, rss2);
	cr_expect_gt(shared[0], 0);
	cr_expect_eq(shared[1], 0, "%llu GET / unanswered",
	    (unsigned long long)shared[1]);
	cr_expect_leq(fd2, fd1, "fds grew from %ld to %ld", fd1, fd2);
	if (!tu_under_asan())
		cr_expect_lt(rss2 - rss1, 2048, "RSS grew from %ld to %ld kB",
		    rss1, rss2);
	cr_expect_eq(tu_daemon_signal_wait(&d, SIGTERM), 0);
	tu_daemon_kill(&d);
	munmap((void *)shared, 4096);
	free(a);
	free(a1);
	free(b);
	free(b1);
	free(conf);
	free(logs);
	tu_rmtree(dir);
	free(dir);
}
