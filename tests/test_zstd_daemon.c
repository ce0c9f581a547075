/*
 * test_zstd_daemon.c: compressor = zstd through the real daemon, each
 * file checked by the system's zstd: size triggers with delaycompress,
 * copytruncate in one read, the recovery of a copytruncate killed after
 * its bytes left the log, and the status routes, which count zstd's
 * rotations as gzip's.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/testutil.h"

TestSuite(zstd_daemon, .init = tu_mond_init, .fini = tu_fini, .timeout = 120);

/* N numbered lines from FIRST appended to PATH; the text (malloc'd). */
static char *
append_lines(const char *path, int first, int n)
{
	FILE *fp = fopen(path, "a");
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	int i;

	cr_assert_not_null(fp, "%s: %s", path, strerror(errno));
	cr_assert_not_null(mem);
	for (i = first; i < first + n; i++) {
		fprintf(fp, "line %06d of the zstd log, padded to be longer\n", i);
		fprintf(mem, "line %06d of the zstd log, padded to be longer\n", i);
	}
	cr_assert_eq(fclose(fp), 0);
	cr_assert_eq(fclose(mem), 0);
	return text;
}

/* What `zstd -dc PATH` prints; the file must pass `zstd -t` first. */
static char *
unzstd(const char *path)
{
	char cmd[PATH_MAX + 32], *out;
	int status;

	snprintf(cmd, sizeof(cmd), "zstd -tq '%s'", path);
	cr_assert_eq(system(cmd), 0, "zstd -t refused %s", path);
	snprintf(cmd, sizeof(cmd), "zstd -dcq '%s'", path);
	out = tu_filter(cmd, "", &status);
	cr_assert_eq(status, 0, "zstd -dc %s: exit %d", path, status);
	return out;
}

static void
wait_for(const char *name)
{
	if (tu_wait_for(tu_at(name), 10.0) < 0.0)
		cr_assert_fail("no %s after 10 s; mond said:\n%s", tu_at(name),
		    tu_daemon_stderr(&tu_mond));
}

/* Waits until the log at PATH is the empty one create made. */
static void
wait_emptied(const char *path)
{
	double until = tu_now() + 10.0;
	struct stat st;

	while (stat(path, &st) == -1 || st.st_size != 0) {
		if (tu_now() > until)
			cr_assert_fail("%s not emptied by a rotation after 10 s; "
			    "mond said:\n%s", path, tu_daemon_stderr(&tu_mond));
		usleep(10000);
	}
}

static void
need_zstd(void)
{
	if (!tu_have("zstd"))
		cr_skip_test("no zstd program to check the files with");
}

Test(zstd_daemon, size_triggers_with_delaycompress_leave_zst_files)
{
	char *log = tu_at("a.log"), *stanza, *want[3], *got, *all, *json;
	int i;

	need_zstd();
	cr_assert(asprintf(&stanza, "log \"%s\" {\n size = 1k\n rotate = 5\n"
	    " compress = yes\n compressor = zstd\n delaycompress = yes\n"
	    " create = yes\n}\n", log) != -1);
	tu_mond_conf(stanza, NULL);
	tu_write_file(log, "");
	tu_mond_start(NULL);
	for (i = 0; i < 3; i++) {
		want[i] = append_lines(log, i * 100, 40);
		wait_for(i == 0 ? "a.log.1" : i == 1 ? "a.log.2.zst" :
		    "a.log.3.zst");
		/*
		 * The older file's compression comes before the log's own
		 * rename: lines appended now could still go out with this
		 * rotation. The next batch waits for the new, empty log.
		 */
		wait_emptied(log);
	}
	cr_assert(!tu_exists(tu_at("a.log.2")), "a.log.2 left plain");
	cr_assert(!tu_exists(tu_at("a.log.1.zst")), "delaycompress ignored");
	cr_assert(!tu_exists(tu_at("a.log.2.gz")), "gzip, not zstd");
	got = unzstd(tu_at("a.log.3.zst"));
	cr_assert_str_eq(got, want[0]);
	free(got);
	got = unzstd(tu_at("a.log.2.zst"));
	cr_assert_str_eq(got, want[1]);
	free(got);
	all = tu_read_file(tu_at("a.log.1"), NULL);
	cr_assert_str_eq(all, want[2]);
	free(all);

	json = tu_unix_http(tu_sock, "GET /status.json HTTP/1.0\r\n\r\n",
	    5000);
	cr_assert_not_null(json);
	cr_assert_not_null(strstr(json, "\"rotations_total\":3"),
	    "status.json does not count the three rotations:\n%s", json);
	free(json);
	for (i = 0; i < 3; i++)
		free(want[i]);
	free(stanza);
}

Test(zstd_daemon, copytruncate_writes_the_zst_in_one_read)
{
	char *log = tu_at("a.log"), *stanza, *want, *got, *left;

	need_zstd();
	cr_assert(asprintf(&stanza, "log \"%s\" {\n size = 1k\n rotate = 2\n"
	    " compress = yes\n compressor = zstd\n copytruncate = yes\n}\n",
	    log) != -1);
	tu_mond_conf(stanza, NULL);
	tu_write_file(log, "");
	tu_mond_start(NULL);
	want = append_lines(log, 0, 60);
	wait_for("a.log.1.zst");
	cr_assert(!tu_exists(tu_at("a.log.1")), "a plain copy was made");
	got = unzstd(tu_at("a.log.1.zst"));
	left = tu_read_file(log, NULL);
	cr_assert_not_null(left);
	/* The .zst then what stayed in the log: every line, once. */
	cr_assert_eq(strlen(got) + strlen(left), strlen(want));
	cr_assert_eq(strncmp(got, want, strlen(got)), 0);
	cr_assert_str_eq(left, want + strlen(got));
	free(got);
	free(left);
	free(want);
	free(stanza);
}

/*
 * A copytruncate + compress killed after the log was cut but before its
 * held copy got its name: that copy is the lines' only home, and is kept
 * under the rule's suffix, .zst, which is what it holds.
 */
/* LOG under copytruncate + zstd, big enough that only recovery acts. */
static void
held_copy_conf(const char *log)
{
	char *stanza;

	cr_assert(asprintf(&stanza, "log \"%s\" {\n size = 100k\n rotate = 2\n"
	    " compress = yes\n compressor = zstd\n copytruncate = yes\n}\n",
	    log) != -1);
	tu_mond_conf(stanza, NULL);
	free(stanza);
}

Test(zstd_daemon, a_held_copy_with_data_is_kept_as_zst)
{
	char *log = tu_at("a.log"), cmd[PATH_MAX * 2 + 64], *got;

	need_zstd();
	held_copy_conf(log);
	tu_write_file(log, "new line after the cut\n");
	snprintf(cmd, sizeof(cmd), "printf 'only copy of these\\n' | zstd -qc "
	    "> '%s'", tu_at(".a.log.mond-copy.gz"));
	cr_assert_eq(system(cmd), 0);
	tu_mond_start(NULL);
	wait_for("a.log.mond-recovered.zst");
	cr_assert(!tu_exists(tu_at(".a.log.mond-copy.gz")));
	cr_assert(!tu_exists(tu_at("a.log.mond-recovered.gz")),
	    "zstd kept under a gzip name");
	got = unzstd(tu_at("a.log.mond-recovered.zst"));
	cr_assert_str_eq(got, "only copy of these\n");
	free(got);
}

/*
 * Killed in copytruncate's catch-up: the held copy is one whole frame or
 * member then one cut short, and the log, not cut yet, holds all of it.
 * The copy is redundant and goes; kept, it would duplicate the log in a
 * file no decompressor reads to the end. Both compressors.
 */
Test(zstd_daemon, a_held_copy_cut_in_its_catch_up_goes)
{
	static const char *const tools[] = { "zstd -qc", "gzip -c" };
	char *log = tu_path(tu_dir, "a.log");
	char *copy = tu_path(tu_dir, ".a.log.mond-copy.gz");
	char *head = tu_path(tu_dir, "head"), *tail = tu_path(tu_dir, "tail");
	char cmd[PATH_MAX * 4 + 128];
	size_t i;

	need_zstd();
	held_copy_conf(log);
	for (i = 0; i < 2; i++) {
		free(append_lines(head, 0, 500));
		free(append_lines(tail, 500, 500));
		snprintf(cmd, sizeof(cmd), "%s '%s' > '%s' && %s '%s' | "
		    "head -c 700 >> '%s' && cat '%s' '%s' > '%s' && rm '%s' "
		    "'%s'", tools[i], head, copy, tools[i], tail, copy, head,
		    tail, log, head, tail);
		cr_assert_eq(system(cmd), 0);
		tu_mond_start(NULL);
		cr_assert(tu_daemon_wait_stderr(&tu_mond, "its lines are still "
		    "in the log", 1, 5.0), "%s: the cut copy was not dropped:"
		    "\n%s", tools[i], tu_daemon_stderr(&tu_mond));
		cr_assert_not(tu_exists(copy));
		cr_assert_not(tu_exists(tu_at("a.log.mond-recovered.zst")));
		cr_assert_not(tu_exists(tu_at("a.log.mond-recovered.gz")));
		cr_assert_eq(tu_file_len(log), 1000 * 49, "the log changed");
		cr_assert_eq(tu_daemon_signal_wait(&tu_mond, SIGTERM), 0);
		tu_daemon_kill(&tu_mond);
		cr_assert_eq(unlink(log), 0);
	}
	free(tail);
	free(head);
	free(copy);
	free(log);
}

/* A held copy is named for what it holds, not for the rule's compressor. */
Test(zstd_daemon, a_kept_gzip_copy_stays_gz_under_a_zstd_rule)
{
	char *log = tu_at("a.log"), cmd[PATH_MAX * 2 + 64];

	held_copy_conf(log);
	tu_write_file(log, "new line after the cut\n");
	snprintf(cmd, sizeof(cmd), "printf 'only copy of these\\n' | gzip -c "
	    "> '%s'", tu_at(".a.log.mond-copy.gz"));
	cr_assert_eq(system(cmd), 0);
	tu_mond_start(NULL);
	wait_for("a.log.mond-recovered.gz");
	cr_assert_not(tu_exists(tu_at("a.log.mond-recovered.zst")));
}
