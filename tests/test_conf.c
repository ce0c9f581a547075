/*
 * test_conf.c: the config grammar, pinned by files. Golden pairs
 * tests/conf/NN-name.conf -> NN-name.ok go through the real `mond -t -v`
 * (and its output through it once more: the round trip), bad configs
 * bad-NN-name.conf -> bad-NN-name.err must fail with exactly that stderr.
 * "@SRC@" in expected text stands for $MOND_SRCDIR/tests/conf. A few
 * in-process tests read the struct conf_load() fills.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/conf.h"
#include "tests/testutil.h"

#define MIN_GOLDEN	10
#define MIN_BAD		15

static char *
casedir(void)
{
	return tu_path(tu_srcdir(), "tests/conf");
}

/* The sorted names in DIR ending in ".conf" that do (BAD) or do not start with "bad-". */
static size_t
list_cases(const char *dir, bool bad, char ***out)
{
	struct dirent **ents;
	char **names;
	size_t n = 0;
	int i, count;

	count = scandir(dir, &ents, NULL, alphasort);
	cr_assert_geq(count, 0, "scandir %s", dir);
	names = calloc((size_t)count + 1, sizeof(*names));
	cr_assert_not_null(names);
	for (i = 0; i < count; i++) {
		const char *name = ents[i]->d_name;
		size_t len = strlen(name);

		if (len > 5 && strcmp(name + len - 5, ".conf") == 0 &&
		    (strncmp(name, "bad-", 4) == 0) == bad)
			names[n++] = strdup(name);
		free(ents[i]);
	}
	free(ents);
	*out = names;
	return n;
}

/* TEXT with every FROM replaced by TO (malloc'd). */
static char *
replace_all(const char *text, const char *from, const char *to)
{
	size_t flen = strlen(from), tlen = strlen(to), n = 0;
	const char *p;
	char *res, *q;

	for (p = text; (p = strstr(p, from)) != NULL; p += flen)
		n++;
	res = malloc(strlen(text) + n * tlen + 1);
	cr_assert_not_null(res);
	for (q = res, p = text; *p != '\0';) {
		if (strncmp(p, from, flen) == 0) {
			memcpy(q, to, tlen);
			q += tlen;
			p += flen;
		} else
			*q++ = *p++;
	}
	*q = '\0';
	return res;
}

/* The expected file next to CONF, with EXT instead of ".conf". */
static char *
expected(const char *dir, const char *conf, const char *ext)
{
	char *name = strdup(conf), *path, *text;

	strcpy(name + strlen(name) - 5, ext);
	path = tu_path(dir, name);
	text = tu_read_file(path, NULL);
	cr_expect_not_null(text, "%s: missing %s", conf, name);
	free(name);
	free(path);
	return text;
}

Test(conf, golden_files_print_their_ok_text_and_round_trip)
{
	char *dir = casedir(), **names, *tmp = tu_tmpdir();
	size_t i, n = list_cases(dir, false, &names);

	cr_assert_geq(n, MIN_GOLDEN, "only %zu golden cases in %s", n, dir);
	for (i = 0; i < n; i++) {
		char *conf = tu_path(dir, names[i]), *want, *got;
		char *again = tu_path(tmp, names[i]);
		const char *argv[] = { "-t", "-v", "-c", conf, NULL };
		const char *argv2[] = { "-t", "-v", "-c", again, NULL };
		struct tu_run r = tu_run_mond(argv), r2;

		cr_expect_eq(r.status, 0, "%s: exit %d, stderr: %s", names[i],
		    r.status, r.err);
		cr_expect_str_empty(r.err, "%s: stderr: %s", names[i], r.err);
		want = expected(dir, names[i], ".ok");
		got = replace_all(r.out, dir, "@SRC@");
		if (want != NULL)
			cr_expect_str_eq(got, want, "%s: output differs from "
			    "its .ok:\n%s", names[i], got);

		tu_write_file(again, r.out);
		r2 = tu_run_mond(argv2);
		cr_expect_eq(r2.status, 0, "%s: round trip exit %d: %s",
		    names[i], r2.status, r2.err);
		cr_expect_str_eq(r2.out, r.out, "%s: round trip prints "
		    "different text:\n%s", names[i], r2.out);
		tu_run_free(&r);
		tu_run_free(&r2);
		free(want);
		free(got);
		free(conf);
		free(again);
		free(names[i]);
	}
	free(names);
	tu_rmtree(tmp);
	free(tmp);
	free(dir);
}

Test(conf, bad_files_fail_with_their_exact_errors)
{
	char *dir = casedir(), **names;
	size_t i, n = list_cases(dir, true, &names);

	cr_assert_geq(n, MIN_BAD, "only %zu bad cases in %s", n, dir);
	for (i = 0; i < n; i++) {
		char *conf = tu_path(dir, names[i]), *want, *got;
		const char *argv[] = { "-t", "-c", conf, NULL };
		struct tu_run r = tu_run_mond(argv);

		cr_expect_eq(r.status, 1, "%s: exit %d, want 1", names[i],
		    r.status);
		cr_expect_str_empty(r.out, "%s: stdout: %s", names[i], r.out);
		want = expected(dir, names[i], ".err");
		got = replace_all(r.err, dir, "@SRC@");
		if (want != NULL)
			cr_expect_str_eq(got, want, "%s: stderr differs from "
			    "its .err:\n%s", names[i], got);
		tu_run_free(&r);
		free(want);
		free(got);
		free(conf);
		free(names[i]);
	}
	free(names);
	free(dir);
}

static void
check_ok_abs(const char *conf)
{
	const char *argv[] = { "-t", "-c", conf, NULL };
	struct tu_run r = tu_run_mond(argv);

	cr_expect_eq(r.status, 0, "%s: exit %d: %s", conf, r.status, r.err);
	cr_expect_str_eq(r.out, "configuration OK\n");
	cr_expect_str_empty(r.err);
	tu_run_free(&r);
}

static void
check_ok(const char *name)
{
	char *conf = tu_path(tu_srcdir(), name);

	check_ok_abs(conf);
	free(conf);
}

Test(conf, shipped_mond_conf_passes_check)
{
	if (getgrnam("utmp") == NULL)
		cr_skip_test("conf/mond.conf names group utmp, missing here");
	check_ok("conf/mond.conf");
}

Test(conf, demo_conf_passes_check)
{
	check_ok("conf/demo.conf");
}

Test(conf, missing_file_is_an_error_naming_it)
{
	const char *argv[] = { "-t", "-c", "/nonexistent/mond.conf", NULL };
	struct tu_run r = tu_run_mond(argv);

	cr_expect_eq(r.status, 1);
	cr_expect_str_eq(r.err, "mond: /nonexistent/mond.conf: No such file "
	    "or directory\n");
	tu_run_free(&r);
}

/* Writes TEXT as NAME in DIR and returns the path (malloc'd). */
static char *
write_conf(const char *dir, const char *name, const char *text)
{
	char *path = tu_path(dir, name);

	tu_write_file(path, text);
	return path;
}

Test(conf, defaults_fill_what_a_stanza_leaves_unset)
{
	char *dir = tu_tmpdir();
	char *path = write_conf(dir, "m.conf",
	    "defaults {\n"
	    "\trotate = 4\n"
	    "\tcompress = yes\n"
	    "\tcreate = \"0640 root root\"\n"
	    "}\n"
	    "log \"/l/a\" {\n"
	    "\trotate = 9\n"
	    "}\n"
	    "log \"/l/b\" {\n"
	    "\tfrequency = daily\n"
	    "}\n");
	struct mond_conf *c = conf_load(path);

	cr_assert_not_null(c);
	cr_assert_eq(c->nrules, 2);
	/* The stanza's own value wins over defaults {}. */
	cr_expect_eq(c->rules[0].rotate, 9);
	cr_expect(c->rules[0].compress);
	cr_expect(c->rules[0].create.enabled && c->rules[0].create.has_mode);
	cr_expect_eq(c->rules[0].create.mode, 0640);
	cr_expect_eq(c->rules[0].create.uid, 0);
	/* No frequency and no size anywhere: the built-in 1M criterion. */
	cr_expect_eq(c->rules[0].frequency, FREQ_NONE);
	cr_expect_eq(c->rules[0].size, 1048576);
	cr_expect_eq(c->rules[1].rotate, 4);
	cr_expect_eq(c->rules[1].frequency, FREQ_DAILY);
	cr_expect_eq(c->rules[1].size, SIZE_UNSET);
	/* Built-ins where neither says anything. */
	cr_expect(c->rules[1].ifempty);
	cr_expect_not(c->rules[1].missingok);
	cr_expect_eq(c->rules[1].start, 1);
	cr_expect_eq(c->rules[1].compresslevel, 6);
	cr_expect_str_eq(c->rules[1].dateformat, "-%Y%m%d");
	cr_expect_null(c->rules[1].olddir);
	cr_expect_str_eq(c->rules[1].file, path);
	cr_expect_eq(c->rules[1].line, 9);
	conf_free(c);
	free(path);
	tu_rmtree(dir);
	free(dir);
}

Test(conf, include_dir_files_come_sorted_after_the_main_file)
{
	char *dir = tu_tmpdir(), *inc = tu_path(dir, "d"), *path, *text;
	char *p1, *p2, *p3;
	struct mond_conf *c;

	cr_assert_eq(mkdir(inc, 0755), 0);
	p1 = write_conf(inc, "b.conf", "log \"/l/from-b\" {\n}\n");
	p2 = write_conf(inc, "a.conf", "log \"/l/from-a\" {\n}\n");
	p3 = write_conf(inc, "c.txt", "this is not read\n");
	cr_assert_neq(asprintf(&text, "include_dir = \"%s\"\n"
	    "defaults {\n\trotate = 3\n}\nlog \"/l/main\" {\n}\n", inc), -1);
	path = write_conf(dir, "m.conf", text);
	c = conf_load(path);
	cr_assert_not_null(c);
	cr_assert_eq(c->nrules, 3);
	cr_expect_str_eq(c->rules[0].title, "/l/main");
	cr_expect_str_eq(c->rules[1].title, "/l/from-a");
	cr_expect_str_eq(c->rules[2].title, "/l/from-b");
	cr_expect_str_eq(c->rules[1].file, p2);
	cr_expect_eq(c->rules[2].rotate, 3, "main defaults {} apply");
	conf_free(c);
	free(text);
	free(path);
	free(p1);
	free(p2);
	free(p3);
	free(inc);
	tu_rmtree(dir);
	free(dir);
}

Test(conf, missing_include_dir_is_fine)
{
	char *dir = tu_tmpdir();
	char *path = write_conf(dir, "m.conf",
	    "include_dir = \"/nonexistent/mond.d\"\n");
	struct mond_conf *c = conf_load(path);

	cr_assert_not_null(c);
	cr_expect_eq(c->nrules, 0);
	cr_expect_str_eq(c->include_dir, "/nonexistent/mond.d");
	conf_free(c);
	free(path);
	tu_rmtree(dir);
	free(dir);
}

Test(conf, a_bad_config_loads_as_null)
{
	char *dir = tu_tmpdir();
	char *path = write_conf(dir, "m.conf",
	    "log \"/l/a\" {\n\tsize = 1X\n}\nlog \"/l/b\" {\n}\n");

	cr_expect_null(conf_load(path));
	free(path);
	tu_rmtree(dir);
	free(dir);
}

/* mond -t on PATH: exit 1 and exactly "mond: PATH: WHY\n" on stderr. */
static void
expect_refused(const char *path, const char *why)
{
	const char *argv[] = { "-t", "-c", path, NULL };
	struct tu_run r = tu_run_mond(argv);
	char *want;

	cr_assert(asprintf(&want, "mond: %s: %s\n", path, why) != -1);
	cr_expect_eq(r.status, 1, "%s: exit %d", path, r.status);
	cr_expect_str_eq(r.err, want);
	free(want);
	tu_run_free(&r);
}

Test(conf, group_or_other_writable_config_and_include_are_refused)
{
	char *dir = tu_tmpdir(), *inc = tu_path(dir, "d");
	char *path = write_conf(dir, "m.conf", "log \"/l/a\" {\n}\n");
	char *text, *part;

	cr_assert_eq(chmod(path, 0664), 0);
	expect_refused(path, "writable by group or others");
	cr_assert_eq(chmod(path, 0646), 0);
	expect_refused(path, "writable by group or others");

	cr_assert_eq(mkdir(inc, 0755), 0);
	part = write_conf(inc, "a.conf", "log \"/l/b\" {\n}\n");
	cr_assert(asprintf(&text, "include_dir = \"%s\"\n", inc) != -1);
	free(path);
	path = write_conf(dir, "m.conf", text);
	cr_assert_eq(chmod(path, 0644), 0);
	cr_assert_eq(chmod(part, 0666), 0);
	expect_refused(part, "writable by group or others");
	cr_assert_eq(chmod(part, 0644), 0);
	check_ok_abs(path);
	free(text);
	free(part);
	free(path);
	free(inc);
	tu_rmtree(dir);
	free(dir);
}

/*
 * An include_dir whoever may write could fill with stanzas of their own,
 * or empty, or block every start with a broken file: refused, naming the
 * line that names it, as its files would be.
 */
Test(conf, an_include_dir_others_may_write_is_refused)
{
	char *dir = tu_tmpdir(), *inc = tu_path(dir, "d"), *path, *text, *want;
	const char *argv[] = { "-t", "-c", NULL, NULL };
	struct tu_run r;

	cr_assert_eq(mkdir(inc, 0755), 0);
	free(write_conf(inc, "a.conf", "log \"/l/b\" {\n}\n"));
	cr_assert(asprintf(&text, "statefile = \"/x/s\"\ninclude_dir = \"%s\"\n",
	    inc) != -1);
	path = write_conf(dir, "m.conf", text);
	argv[2] = path;
	cr_assert_eq(chmod(inc, 0777), 0);
	r = tu_run_mond(argv);
	cr_assert(asprintf(&want, "mond: %s:2: include_dir = \"%s\": writable "
	    "by group or others; refused\n", path, inc) != -1);
	cr_expect_eq(r.status, 1);
	cr_expect_str_eq(r.err, want);
	tu_run_free(&r);
	free(want);
	if (geteuid() == 0) {
		cr_assert_eq(chmod(inc, 0755), 0);
		cr_assert_eq(chown(inc, 1, 1), 0);
		r = tu_run_mond(argv);
		cr_expect_eq(r.status, 1);
		cr_expect_not_null(strstr(r.err, "not owned by root; refused"),
		    "%s", r.err);
		tu_run_free(&r);
	}
	free(text);
	free(path);
	free(inc);
	tu_rmtree(dir);
	free(dir);
}

/* Whoever may write the config's directory may swap the config. */
Test(conf, a_config_in_a_directory_others_may_write_is_refused)
{
	char *dir = tu_tmpdir(), *path, *want;
	const char *argv[] = { "-t", "-c", NULL, NULL };
	struct tu_run r;

	path = write_conf(dir, "m.conf", "statefile = \"/x/s\"\n");
	argv[2] = path;
	r = tu_run_mond(argv);
	cr_expect_eq(r.status, 0, "%s", r.err);
	tu_run_free(&r);
	cr_assert_eq(chmod(dir, 0775), 0);
	r = tu_run_mond(argv);
	cr_assert(asprintf(&want, "mond: %s: its directory %s is writable by "
	    "group or others; refused\n", path, dir) != -1);
	cr_expect_eq(r.status, 1);
	cr_expect_str_eq(r.err, want);
	tu_run_free(&r);
	free(want);
	if (geteuid() == 0) {
		cr_assert_eq(chmod(dir, 0755), 0);
		cr_assert_eq(chown(dir, 1, 1), 0);
		r = tu_run_mond(argv);
		cr_expect_eq(r.status, 1);
		cr_expect_not_null(strstr(r.err, "is not owned by root; "
		    "refused"), "%s", r.err);
		tu_run_free(&r);
	}
	free(path);
	tu_rmtree(dir);
	free(dir);
}

Test(conf, config_not_owned_by_root_is_refused_as_root)
{
	char *dir = tu_tmpdir();
	char *path = write_conf(dir, "m.conf", "log \"/l/a\" {\n}\n");

	if (geteuid() != 0)
		cr_skip_test("needs root: chown to another user");
	cr_assert_eq(chown(path, 1, 1), 0);
	expect_refused(path, "not owned by root");
	free(path);
	tu_rmtree(dir);
	free(dir);
}

Test(conf, fifo_or_symlink_config_is_refused_at_once, .timeout = 10)
{
	char *dir = tu_tmpdir(), *fifo = tu_path(dir, "fifo.conf");
	char *link = tu_path(dir, "link.conf");
	char *real = write_conf(dir, "m.conf", "log \"/l/a\" {\n}\n");

	cr_assert_eq(mkfifo(fifo, 0644), 0);
	expect_refused(fifo, "not a regular file");
	cr_assert_eq(symlink(real, link), 0);
	expect_refused(link, "is a symbolic link, refused");
	free(real);
	free(link);
	free(fifo);
	tu_rmtree(dir);
	free(dir);
}

/* tu_run_mond's child gets stdin/out/err only, not the runner's fds. */
Test(conf, helpers_pass_no_stray_descriptor_to_children)
{
	const char *old = getenv("MOND_BIN");
	const char *argv[] = { "-c", "test -e /proc/$$/fd/77 && echo leak; "
	    "echo done", NULL };
	char *keep = strdup(old != NULL ? old : "");
	struct tu_run r;
	int fd = open("/dev/null", O_RDONLY);

	cr_assert(fd != -1 && dup2(fd, 77) == 77);
	setenv("MOND_BIN", "/bin/sh", 1);
	r = tu_run_mond(argv);
	setenv("MOND_BIN", keep, 1);
	cr_expect_str_eq(r.out, "done\n", "%s", r.out);
	tu_run_free(&r);
	close(77);
	close(fd);
	free(keep);
}
