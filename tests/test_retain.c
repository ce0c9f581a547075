/*
 * test_retain.c: `maxtotal`, retention by bytes, through the real binary:
 * after each rotation the oldest rotated files go until the rest fit, the
 * newest always stays, compressed sizes are what count, and a failing
 * preremove keeps its file.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/testutil.h"

TestSuite(retain, .init = tu_mond_init, .fini = tu_fini);

/* LEN bytes of one repeated line into PATH. */
static void
write_bytes(const char *path, size_t len)
{
	char *text = malloc(len + 1);
	size_t i;

	cr_assert_not_null(text);
	for (i = 0; i < len; i++)
		text[i] = i % 30 == 29 ? '\n' : (char)('a' + i % 26);
	text[len] = '\0';
	tu_write_file(path, text);
	free(text);
}

/* ROUNDS forced rotations of LOG, LEN bytes written before each. */
static char *
rotate_rounds(const char *log, size_t len, int rounds)
{
	const char *argv[] = { "-c", tu_conf, "--force-rotate", NULL };
	struct tu_run run;
	char *err = strdup("");
	int i;

	for (i = 0; i < rounds; i++) {
		char *e;

		write_bytes(log, len);
		run = tu_run_mond(argv);
		cr_assert_eq(run.status, 0, "round %d: %s", i, run.err);
		cr_assert(asprintf(&e, "%s%s", err, run.err) != -1);
		free(err);
		err = e;
		tu_run_free(&run);
	}
	return err;
}

static void
conf_with(const char *log, const char *opts)
{
	char *stanza;

	cr_assert(asprintf(&stanza, "log \"%s\" {\n rotate = 10\n%s}\n", log,
	    opts) != -1);
	tu_mond_conf(stanza, NULL);
	free(stanza);
}

Test(retain, the_oldest_go_until_the_rest_fit)
{
	char *log = tu_path(tu_dir, "a.log"), *err;

	conf_with(log, " maxtotal = 1000\n");
	err = rotate_rounds(log, 300, 6);
	/* 300 bytes each: three fit in 1000, the three older ones went */
	cr_assert(tu_exists(tu_at("a.log.1")));
	cr_assert(tu_exists(tu_at("a.log.2")));
	cr_assert(tu_exists(tu_at("a.log.3")));
	cr_assert(!tu_exists(tu_at("a.log.4")), "a.log.4 kept: %s", err);
	cr_assert(!tu_exists(tu_at("a.log.5")));
	cr_assert(!tu_exists(tu_at("a.log.6")));
	cr_assert_not_null(strstr(err, "over maxtotal 1000"), "%s", err);
	free(err);
	free(log);
}

Test(retain, the_newest_stays_even_alone_over_the_limit)
{
	char *log = tu_path(tu_dir, "a.log"), *err;

	conf_with(log, " maxtotal = 100\n");
	err = rotate_rounds(log, 300, 2);
	cr_assert(tu_exists(tu_at("a.log.1")), "the newest went: %s", err);
	cr_assert(!tu_exists(tu_at("a.log.2")), "%s", err);
	free(err);
	free(log);
}

Test(retain, compressed_sizes_are_what_count)
{
	char *log = tu_path(tu_dir, "a.log"), *err;
	int i;

	/* 6 x 20 kB would not fit in 10 kB; gzipped, each is under 1 kB */
	conf_with(log, " maxtotal = 10k\n compress = yes\n");
	err = rotate_rounds(log, 20000, 6);
	for (i = 1; i <= 6; i++) {
		char name[32];

		snprintf(name, sizeof(name), "a.log.%d.gz", i);
		cr_assert(tu_exists(tu_at(name)), "%s went: %s", name, err);
	}
	free(err);
	free(log);
}

Test(retain, a_failing_preremove_keeps_its_file)
{
	char *log = tu_path(tu_dir, "a.log"), *err;

	conf_with(log, " maxtotal = 100\n preremove = \"exit 1\"\n");
	err = rotate_rounds(log, 300, 2);
	cr_assert(tu_exists(tu_at("a.log.2")), "removed despite preremove");
	cr_assert_not_null(strstr(err, "error running preremove script"),
	    "%s", err);
	free(err);
	free(log);
}

Test(retain, maxtotal_zero_or_with_shred_is_refused)
{
	const char *argv[] = { "-t", "-c", tu_conf, NULL };
	char *log = tu_path(tu_dir, "a.log");
	struct tu_run run;

	conf_with(log, " maxtotal = 0\n");
	run = tu_run_mond(argv);
	cr_assert_eq(run.status, 1);
	cr_assert_not_null(strstr(run.err, "maxtotal must be more than 0"),
	    "%s", run.err);
	tu_run_free(&run);
	conf_with(log, " maxtotal = 1M\n shred = yes\n");
	run = tu_run_mond(argv);
	cr_assert_eq(run.status, 1);
	cr_assert_not_null(strstr(run.err, "maxtotal with shred"), "%s",
	    run.err);
	tu_run_free(&run);
	free(log);
}
