/*
 * test_rotate_dated.c: dateext names that never collide (issue 14), end
 * to end with the real mond binary: forced rotations at one clock time
 * (--force-rotate --now), as a size trigger firing several times a day
 * makes them, each take the next counter of the date, and rotate keeps
 * exactly its number of the newest, compressed under their own names;
 * two logs of one name sharing an olddir both rotate. Under the name
 * logrotate, mond refuses a taken name as logrotate 3.21 does.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "tests/testutil.h"

TestSuite(rotate_dated, .init = tu_mond_init, .fini = tu_fini, .timeout = 60);

#define NOW	"2026-03-04T10:00"
#define DATE	"20260304"

/* S with every @D made tu_dir (malloc'd). */
static char *
at_dir(const char *s)
{
	char *out, *at;
	size_t len;
	FILE *fp = open_memstream(&out, &len);

	cr_assert_not_null(fp);
	for (; (at = strstr(s, "@D")) != NULL; s = at + 2)
		fprintf(fp, "%.*s%s", (int)(at - s), s, tu_dir);
	fputs(s, fp);
	fclose(fp);
	return out;
}

/* tu_conf with STANZAS (@D is tu_dir). */
static void
conf(const char *stanzas)
{
	char *text = at_dir(stanzas);

	tu_mond_conf(text, NULL);
	free(text);
}

/* One forced pass at NOW; it must succeed. */
static void
force(void)
{
	const char *argv[] = { "--force-rotate", "--now", NOW, "-s", tu_state,
	    "-c", tu_conf, NULL };
	struct tu_run r = tu_run_mond(argv);

	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	tu_run_free(&r);
}

/* The text of the gzip file PATH; NULL when it is no gzip file. */
static char *
gunzip(const char *path)
{
	char buf[4096];
	gzFile g = gzopen(path, "rb");
	int n;

	if (g == NULL)
		return NULL;
	n = gzread(g, buf, sizeof(buf) - 1);
	gzclose(g);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return strdup(buf);
}

static void
assert_gz(const char *name, const char *want)
{
	char *got = gunzip(tu_at(name));

	cr_assert_not_null(got, "%s: no gzip file", name);
	cr_assert_str_eq(got, want, "%s", name);
	free(got);
}

Test(rotate_dated, each_rotation_of_a_day_takes_the_next_counter)
{
	char line[32], name[64];
	int i;

	cr_assert_eq(mkdir(tu_at("logs"), 0755), 0);
	/* a wildcard that would match the rotated names too */
	conf("log \"@D/logs/*.log*\" {\n rotate = 3\n dateext = yes\n"
	    " compress = yes\n delaycompress = yes\n}\n");
	for (i = 1; i <= 5; i++) {
		snprintf(line, sizeof(line), "round %d\n", i);
		tu_write_file(tu_at("logs/a.log"), line);
		force();
	}
	/* rounds 3, 4 (compressed) and 5 (delaycompress): rotate = 3 */
	assert_gz("logs/a.log-" DATE ".2.gz", "round 3\n");
	assert_gz("logs/a.log-" DATE ".3.gz", "round 4\n");
	tu_assert_file(tu_at("logs/a.log-" DATE ".4"), "round 5\n");
	for (i = 0; i <= 1; i++) {
		snprintf(name, sizeof(name), i == 0 ? "logs/a.log-%s.gz" :
		    "logs/a.log-%s.%d.gz", DATE, i);
		cr_assert_not(tu_exists(tu_at(name)), "%s: the oldest stayed",
		    name);
	}
	cr_assert_not(tu_exists(tu_at("logs/a.log-" DATE ".4.gz")));
	cr_assert_not(tu_exists(tu_at("logs/a.log")), "no create: no new log");
}

Test(rotate_dated, extension_stays_last_after_the_counter)
{
	cr_assert_eq(mkdir(tu_at("logs"), 0755), 0);
	conf("log \"@D/logs/*.log\" {\n rotate = 5\n dateext = yes\n"
	    " extension = \".log\"\n compress = yes\n}\n");
	tu_write_file(tu_at("logs/app.log"), "one\n");
	force();
	tu_write_file(tu_at("logs/app.log"), "two\n");
	force();
	assert_gz("logs/app-" DATE ".log.gz", "one\n");
	assert_gz("logs/app-" DATE ".1.log.gz", "two\n");
}

Test(rotate_dated, same_named_logs_sharing_an_olddir_both_rotate)
{
	cr_assert_eq(mkdir(tu_at("adir"), 0755), 0);
	cr_assert_eq(mkdir(tu_at("bdir"), 0755), 0);
	tu_write_file(tu_at("adir/test.log"), "from a\n");
	tu_write_file(tu_at("bdir/test.log"), "from b\n");
	conf("log \"@D/*/test.log\" {\n rotate = 2\n dateext = yes\n"
	    " olddir = \"@D/old\"\n createolddir = \"0700\"\n}\n");
	force();
	tu_assert_file(tu_at("old/test.log-" DATE), "from a\n");
	tu_assert_file(tu_at("old/test.log-" DATE ".1"), "from b\n");
}

/*
 * logrotate's test 30 wants the taken name refused: under the name
 * logrotate, mond fails the log with logrotate's words, and the files
 * stay as they were.
 */
Test(rotate_dated, logrotates_command_line_refuses_a_taken_name)
{
	char *bin = tu_path(tu_dir, "bin"), *lr, *cf, *text, *want, *next;
	char date[16];
	struct tu_run r;
	struct tm tm;
	time_t now = time(NULL);

	cr_assert_eq(mkdir(bin, 0755), 0);
	lr = tu_path(bin, "logrotate");
	cr_assert_eq(symlink(tu_mond_bin(), lr), 0, "%s", strerror(errno));
	cr_assert_not_null(localtime_r(&now, &tm));
	cr_assert_gt(strftime(date, sizeof(date), "%Y%m%d", &tm), 0);
	cf = tu_path(tu_dir, "lr.conf");
	cr_assert(asprintf(&text, "%s/t.log {\n daily\n rotate 9\n dateext\n}\n",
	    tu_dir) != -1);
	tu_write_file(cf, text);
	free(text);
	tu_write_file(tu_at("t.log"), "live\n");
	cr_assert(asprintf(&text, "t.log-%s", date) != -1);
	tu_write_file(tu_at(text), "taken\n");
	{
		const char *argv[] = { "-f", "-s", tu_state, cf, NULL };

		r = tu_run_prog(lr, argv);
	}
	cr_assert_eq(r.status, 1, "exit %d: %s", r.status, r.err);
	cr_assert(asprintf(&want, "destination %s/%s already exists, "
	    "skipping rotation", tu_dir, text) != -1);
	cr_assert_not_null(strstr(r.err, want), "%s", r.err);
	tu_assert_file(tu_at("t.log"), "live\n");
	tu_assert_file(tu_at(text), "taken\n");
	cr_assert(asprintf(&next, "%s.1", text) != -1);
	cr_assert_not(tu_exists(tu_at(next)), "the counter is mond's own");
	free(next);
	free(want);
	free(text);
	tu_run_free(&r);
	free(cf);
	free(lr);
	free(bin);
}
