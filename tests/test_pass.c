/*
 * test_pass.c: how one pass runs a stanza's logs together, as logrotate
 * 3.21 does: a sharedscripts stanza with a failing log rotates none of
 * them, firstaction and lastaction run once any log is due, logs of one
 * name that share an olddir all rotate, and the state keeps what it must.
 * The real mond binary on real files (`--force-rotate`, `--once`).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "tests/testutil.h"

TestSuite(pass, .init = tu_mond_init, .fini = tu_fini, .timeout = 60);

/* mond ARG -s STATE -c CONF for a config of STANZAS ("@D" is tu_dir). */
static struct tu_run
run_with(const char *arg, const char *stanzas)
{
	const char *argv[] = { arg, "-s", tu_state, "-c", tu_conf, NULL };
	char *text = NULL, *at;
	size_t len;
	FILE *fp = open_memstream(&text, &len);

	cr_assert_not_null(fp);
	for (; (at = strstr(stanzas, "@D")) != NULL; stanzas = at + 2)
		fprintf(fp, "%.*s%s", (int)(at - stanzas), stanzas, tu_dir);
	fputs(stanzas, fp);
	fclose(fp);
	tu_mond_conf(text, NULL);
	free(text);
	return tu_run_mond(argv);
}

Test(pass, sharedscripts_with_a_missing_log_rotates_none_of_them)
{
	struct tu_run r;

	tu_write_file(tu_at("a.log"), "a\n");
	tu_write_file(tu_at("a.log.1"), "older\n");
	r = run_with("--force-rotate",
	    "log \"@D/a.log\" {\n files = {\"@D/b.log\"}\n rotate = 1\n"
	    " sharedscripts = yes\n"
	    " firstaction = \"echo first >> @D/side\"\n"
	    " prerotate = \"echo pre >> @D/side\"\n"
	    " postrotate = \"echo post >> @D/side\"\n"
	    " lastaction = \"echo last >> @D/side\"\n}\n");
	cr_assert_eq(r.status, 1, "exit %d: %s", r.status, r.err);
	cr_assert(tu_file_is(tu_at("a.log"), "a\n"), "a.log moved");
	cr_assert(tu_file_is(tu_at("a.log.1"), "older\n"),
	    "a.log.1 was shifted though nothing rotates");
	cr_assert(!tu_exists(tu_at("a.log.2")));
	/* logrotate runs these once a log is due, even when none rotates */
	cr_assert(tu_file_is(tu_at("side"), "first\nlast\n"),
	    "scripts: %s", tu_read_file(tu_at("side"), NULL));
	cr_assert_not_null(strstr(r.err, "stat of "), "%s", r.err);
	cr_assert_not_null(strstr(r.err, "b.log failed: No such file or "
	    "directory"), "%s", r.err);
	tu_run_free(&r);
}

Test(pass, without_sharedscripts_the_others_still_rotate)
{
	struct tu_run r;

	tu_write_file(tu_at("a.log"), "a\n");
	r = run_with("--force-rotate",
	    "log \"@D/a.log\" {\n files = {\"@D/b.log\"}\n rotate = 1\n"
	    " prerotate = \"echo pre $1 >> @D/side\"\n}\n");
	cr_assert_eq(r.status, 1, "exit %d: %s", r.status, r.err);
	cr_assert(tu_file_is(tu_at("a.log.1"), "a\n"));
	{
		char want[512];

		snprintf(want, sizeof(want), "pre %s/a.log\n", tu_dir);
		cr_assert(tu_file_is(tu_at("side"), want));
	}
	tu_run_free(&r);
}

Test(pass, missingok_does_not_block_a_sharedscripts_stanza)
{
	struct tu_run r;

	tu_write_file(tu_at("a.log"), "a\n");
	r = run_with("--force-rotate",
	    "log \"@D/a.log\" {\n files = {\"@D/b.log\"}\n rotate = 1\n"
	    " missingok = yes\n sharedscripts = yes\n"
	    " postrotate = \"echo post >> @D/side\"\n}\n");
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	cr_assert(tu_file_is(tu_at("a.log.1"), "a\n"));
	cr_assert(tu_file_is(tu_at("side"), "post\n"));
	tu_run_free(&r);
}

Test(pass, a_failing_firstaction_stops_the_stanza_and_lastaction)
{
	struct tu_run r;

	tu_write_file(tu_at("a.log"), "a\n");
	r = run_with("--force-rotate",
	    "log \"@D/a.log\" {\n rotate = 1\n"
	    " firstaction = \"echo first >> @D/side; exit 3\"\n"
	    " lastaction = \"echo last >> @D/side\"\n}\n");
	cr_assert_eq(r.status, 1, "exit %d: %s", r.status, r.err);
	cr_assert(tu_file_is(tu_at("a.log"), "a\n"));
	cr_assert(tu_file_is(tu_at("side"), "first\n"));
	tu_run_free(&r);
}

/* Two logs called test.log, one olddir: the second shifts the first. */
Test(pass, same_named_logs_sharing_an_olddir_all_rotate)
{
	struct tu_run r;

	cr_assert_eq(mkdir(tu_at("adir"), 0755), 0);
	cr_assert_eq(mkdir(tu_at("bdir"), 0755), 0);
	tu_write_file(tu_at("adir/test.log"), "from a\n");
	tu_write_file(tu_at("bdir/test.log"), "from b\n");
	r = run_with("--force-rotate",
	    "log \"@D/*/test.log\" {\n rotate = 2\n olddir = \"@D/old\"\n"
	    " createolddir = \"0700\"\n}\n");
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	cr_assert(tu_file_is(tu_at("old/test.log.1"), "from b\n"));
	cr_assert(tu_file_is(tu_at("old/test.log.2"), "from a\n"));
	cr_assert(!tu_exists(tu_at("adir/test.log")));
	tu_run_free(&r);
}

/* The switch from logrotate: its state's times, not a first sight. */
Test(pass, the_first_start_takes_over_logrotates_state)
{
	char text[1024];
	struct tu_run r;
	struct tm tm;
	time_t yesterday = time(NULL) - 86400;

	localtime_r(&yesterday, &tm);
	tu_write_file(tu_at("a.log"), "a\n");
	tu_write_file(tu_at("lr.conf"), "");
	snprintf(text, sizeof(text), "logrotate state -- version 2\n"
	    "\"%s\" %d-%d-%d-12:0:0\n", tu_at("a.log"), tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday);
	tu_write_file(tu_at("lr.state"), text);
	r = run_with("--once",
	    "logrotate_conf = \"@D/lr.conf\"\n"
	    "logrotate_state = \"@D/lr.state\"\n"
	    "log \"@D/a.log\" {\n frequency = daily\n rotate = 1\n}\n");
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	cr_assert(tu_file_is(tu_at("a.log.1"), "a\n"),
	    "a.log was not due by logrotate's state: %s", r.err);
	cr_assert_not_null(strstr(r.err, "took over"), "%s", r.err);
	cr_assert(tu_file_is(tu_at("lr.state"), text), "logrotate's state "
	    "was written to");
	tu_run_free(&r);
}

/* Once mond has a state of its own, logrotate's is not read again. */
Test(pass, an_existing_state_is_not_replaced_by_logrotates)
{
	struct tu_run r;

	tu_write_file(tu_at("a.log"), "a\n");
	tu_write_file(tu_at("lr.conf"), "");
	tu_write_file(tu_at("lr.state"), "logrotate state -- version 2\n"
	    "\"/x\" 2020-1-1-0:0:0\n");
	tu_write_file(tu_state, "logrotate state -- version 2\n");
	r = run_with("--once",
	    "logrotate_conf = \"@D/lr.conf\"\n"
	    "logrotate_state = \"@D/lr.state\"\n"
	    "log \"@D/a.log\" {\n frequency = daily\n rotate = 1\n}\n");
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	cr_assert(!tu_exists(tu_at("a.log.1")), "first sight rotated a.log");
	cr_assert_null(strstr(r.err, "took over"), "%s", r.err);
	tu_run_free(&r);
}
