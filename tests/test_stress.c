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
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

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
