/*
 * test_lrinclude.c: the logrotate reader around the text: include of
 * files and directories (order, taboo names, what is not read), the
 * globals across files and paths and their restoring after an error, the
 * nesting bound, ~/, the root-only safety checks, and conf_load() reading
 * logrotate_conf after mond.conf (a path both claim; the taboo options).
 * Then real trees: this machine's /etc/logrotate.conf and logrotate.d,
 * and a Debian-like tree of package files, which must load whole.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/lrutil.h"
#include "tests/testutil.h"

#define RUN(cases)	lr_run_cases(cases, sizeof(cases) / sizeof(cases[0]))
#define F(name, text)	{ name, text, 0, 0 }
#define DIR(name)	{ name, NULL, 0, 0 }

static const struct lr_case includes[] = {
	{ "an included file sees the globals and leaves its own",
	  { F("lr.conf",
	      "rotate 2\n"
	      "include @D@/inc.conf\n"
	      "@D@/b.log {\n"
	      "}\n"),
	    F("inc.conf",
	      "compress\n"
	      "@D@/a.log {\n"
	      "}\n") },
	  NULL,
	  "R @D@/inc.conf:2 pats=<@D@/a.log> arg=<@D@/a.log > rotate=2 "
	  "compress\n"
	  "R @D@/lr.conf:3 pats=<@D@/b.log> arg=<@D@/b.log > rotate=2 "
	  "compress\n"
	  "M debug reading config file @D@/lr.conf\n"
	  "M debug including @D@/inc.conf\n"
	  "M debug reading config file @D@/inc.conf\n",
	  true, NULL },
	{ "a directory: sorted, taboo names, empty and non-regular files "
	  "out, dot files in; a file with an error gives its globals back",
	  { F("lr.conf",
	      "include @D@/d\n"
	      "@D@/z.log {\n"
	      "}\n"),
	    DIR("d"),
	    F("d/b", "rotate 3\n@D@/b.log {\n}\n"),
	    F("d/a", "@D@/a.log {\n}\n"),
	    F("d/c", "rotate 9\n@D@/c.log {\n    size 1x\n}\n@D@/c2.log {\n}\n"),
	    F("d/d.dpkg-old", "@D@/old.log {\n}\n"),
	    F("d/e~", "@D@/old2.log {\n}\n"),
	    F("d/.f", "@D@/f.log {\n}\n") },
	  NULL,
	  "R @D@/d/.f:1 pats=<@D@/f.log> arg=<@D@/f.log >\n"
	  "R @D@/d/a:1 pats=<@D@/a.log> arg=<@D@/a.log >\n"
	  "R @D@/d/b:2 pats=<@D@/b.log> arg=<@D@/b.log > rotate=3\n"
	  "R @D@/d/c:5 pats=<@D@/c2.log> arg=<@D@/c2.log > rotate=9\n"
	  "R @D@/lr.conf:2 pats=<@D@/z.log> arg=<@D@/z.log > rotate=3\n"
	  "P @D@/d/c:3 error unknown unit 'x'\n"
	  "P @D@/d/c:2 skipped found error in @D@/c.log , skipping\n"
	  "P @D@/d/c:0 skipped found error in file c, skipping\n",
	  false, NULL },
	{ "an empty file, a directory in the directory, a taboo name",
	  { F("lr.conf", "include @D@/d\n"),
	    DIR("d"),
	    F("d/empty", ""),
	    DIR("d/sub"),
	    F("d/x.rpmsave", "@D@/x.log {\n}\n") },
	  NULL,
	  "M debug reading config file @D@/lr.conf\n"
	  "M debug including @D@/d\n"
	  "M debug Ignoring x.rpmsave, because of *.rpmsave pattern match\n"
	  "M debug Ignoring empty because it's empty.\n"
	  "M debug Ignoring sub because it's not a regular file.\n",
	  true, NULL },
	{ "logrotate 40: tabooext replaces the list, + adds, taboopat too",
	  { F("lr.conf",
	      "tabooext .v,.sample,.unused,~\n"
	      "tabooext + .x, .y, .z\n"
	      "\n"
	      "taboopat + .*\n"
	      "\n"
	      "include @D@/d\n"),
	    DIR("d"),
	    F("d/config.v", "1\n"),
	    F("d/config.x", "2\n"),
	    F("d/.config.z", "3\n"),
	    F("d/config.dpkg-old", "@D@/old.log {\n}\n"),
	    F("d/ok", "@D@/ok.log {\n}\n") },
	  NULL,
	  "R @D@/d/config.dpkg-old:1 pats=<@D@/old.log> arg=<@D@/old.log >\n"
	  "R @D@/d/ok:1 pats=<@D@/ok.log> arg=<@D@/ok.log >\n",
	  false, NULL },
	{ "logrotate 77: tabooext + ,v adds *v (the empty item dropped)",
	  { F("lr.conf",
	      "tabooext + ,v\n"
	      "\n"
	      "include @D@/d\n"
	      "\n"
	      "@D@/test*.log {\n"
	      "}\n"),
	    DIR("d"),
	    F("d/test-0077.conf", "copytruncate\nrotate 1\n"),
	    F("d/x.conv", "junk\n"),
	    F("d/y,v", "junk\n") },
	  NULL,
	  "R @D@/lr.conf:5 pats=<@D@/test*.log> arg=<@D@/test*.log > rotate=1 "
	  "copytruncate\n",
	  false, NULL },
	{ "include nesting stops at 16",
	  { F("lr.conf", "include @D@/lr.conf\n") },
	  NULL,
	  "P @D@/lr.conf:1 skipped include nesting too deep\n",
	  false, NULL },
	{ "logrotate 106: include ~/dir, olddir ~/",
	  { F("lr.conf", "include ~/includedir\n"),
	    DIR("home"),
	    DIR("home/includedir"),
	    F("home/includedir/x.conf",
	      "@D@/test.log {\n"
	      "  rotate 1\n"
	      "  create\n"
	      "  olddir ~/old\n"
	      "  createolddir 700\n"
	      "}\n") },
	  NULL,
	  "R @D@/home/includedir/x.conf:1 pats=<@D@/test.log> "
	  "arg=<@D@/test.log > rotate=1 create olddir=<@D@/home/old> "
	  "createolddir=0700\n"
	  "M debug reading config file @D@/lr.conf\n"
	  "M debug replaced '~/includedir' with '@D@/home/includedir'\n"
	  "M debug including @D@/home/includedir\n"
	  "M debug reading config file x.conf\n"
	  "M debug replaced '~/old' with '@D@/home/old'\n",
	  true, "@D@/home" },
	{ "a relative include in a directory's file is in that directory",
	  { F("lr.conf", "include @D@/d\n"),
	    DIR("d"),
	    F("d/x", "include sub\n"),
	    DIR("d/sub"),
	    F("d/sub/s", "@D@/s.log {\n}\n") },
	  NULL,
	  "R @D@/d/sub/s:1 pats=<@D@/s.log> arg=<@D@/s.log >\n",
	  false, NULL },
	{ "an include inside a stanza reads into it; order is logrotate's",
	  { F("lr.conf",
	      "include @D@/g.conf\n"
	      "@D@/a.log {\n"
	      "  daily\n"
	      "  include @D@/in.conf\n"
	      "  rotate 3\n"
	      "}\n"),
	    F("g.conf", "rotate 7\n"),
	    F("in.conf", "compress\n@D@/b.log {\n weekly\n}\n") },
	  NULL,
	  "R @D@/lr.conf:2 pats=<@D@/a.log> arg=<@D@/a.log > daily rotate=3 "
	  "compress\n"
	  "R @D@/in.conf:2 pats=<@D@/b.log> arg=<@D@/b.log > weekly:0 rotate=7 "
	  "compress\n",
	  false, NULL },
	{ "an include that is not there is said at the include; the file "
	  "goes on; a path that is not there is said at itself",
	  { F("lr.conf",
	      "include @D@/missing\n"
	      "@D@/a.log {\n"
	      "}\n") },
	  "lr.conf nosuch",
	  "R @D@/lr.conf:2 pats=<@D@/a.log> arg=<@D@/a.log >\n"
	  "P @D@/lr.conf:1 skipped cannot stat @D@/missing: No such file or "
	  "directory\n"
	  "P @D@/nosuch:0 skipped cannot stat @D@/nosuch: No such file or "
	  "directory\n",
	  false, NULL },
	{ "include without a path",
	  { F("lr.conf", "include\n@D@/a.log {\n}\n") },
	  NULL,
	  "P @D@/lr.conf:1 skipped argument expected after include\n",
	  false, NULL },
};

Test(lrinclude, includes)
{
	RUN(includes);
}

static const struct lr_case paths[] = {
	{ "globals carry from one path to the next",
	  { F("one.conf", "rotate 5\n"),
	    F("two.conf", "@D@/a.log {\n}\n") },
	  "one.conf two.conf",
	  "R @D@/two.conf:1 pats=<@D@/a.log> arg=<@D@/a.log > rotate=5\n",
	  false, NULL },
	{ "a path with an error gives back the globals it changed, keeps "
	  "its stanzas",
	  { F("one.conf", "rotate 5\n"),
	    F("bad.conf", "rotate 9\n@D@/x.log {\n}\nbogus::\n"),
	    F("two.conf", "@D@/a.log {\n}\n") },
	  "one.conf bad.conf two.conf",
	  "R @D@/bad.conf:2 pats=<@D@/x.log> arg=<@D@/x.log > rotate=9\n"
	  "R @D@/two.conf:1 pats=<@D@/a.log> arg=<@D@/a.log > rotate=5\n"
	  "P @D@/bad.conf:4 skipped keyword 'bogus' not properly separated, "
	  "found 0x3a\n",
	  false, NULL },
	{ "so does a file with a bad stanza only, or a duplicate",
	  { F("one.conf", "rotate 5\n"),
	    F("bad.conf", "rotate 9\n@D@/x.log {\n  rotate y\n}\n"),
	    F("dup.conf", "rotate 8\n@D@/a.log {\n}\n@D@/a.log {\n}\n"),
	    F("two.conf", "@D@/b.log {\n}\n") },
	  "one.conf bad.conf dup.conf two.conf",
	  "R @D@/dup.conf:2 pats=<@D@/a.log> arg=<@D@/a.log > rotate=8\n"
	  "R @D@/two.conf:1 pats=<@D@/b.log> arg=<@D@/b.log > rotate=5\n"
	  "P @D@/bad.conf:3 error bad rotation count 'y'\n"
	  "P @D@/bad.conf:2 skipped found error in @D@/x.log , skipping\n"
	  "P @D@/dup.conf:4 error duplicate log entry for @D@/a.log (already "
	  "in @D@/dup.conf:2)\n",
	  false, NULL },
};

Test(lrinclude, paths)
{
	RUN(paths);
}

static const struct lr_case unsafe[] = {
	{ "as root, a file others could write, or not root's, is left out",
	  { F("lr.conf", "include @D@/d\n"),
	    DIR("d"),
	    { "d/a", "@D@/a.log {\n}\n", 0664, 0 },
	    { "d/b", "@D@/b.log {\n}\n", 0644, 65534 },
	    { "d/c", "@D@/c.log {\n}\n", 0600, 0 },
	    { "d/e", "@D@/e.log {\n}\n", 0755, 0 } },
	  NULL,
	  "R @D@/d/c:1 pats=<@D@/c.log> arg=<@D@/c.log >\n"
	  "R @D@/d/e:1 pats=<@D@/e.log> arg=<@D@/e.log >\n"
	  "P @D@/d/a:0 ignored Ignoring a because it is writable by group or "
	  "others.\n"
	  "P @D@/d/b:0 ignored Ignoring b because the file owner is wrong "
	  "(should be root or user with uid 0).\n"
	  "M debug reading config file @D@/lr.conf\n"
	  "M debug including @D@/d\n"
	  "M warning Potentially dangerous mode on a: 0664\n"
	  "M debug reading config file c\n"
	  "M warning Potentially dangerous mode on e: 0755\n"
	  "M debug reading config file e\n",
	  true, NULL },
};

Test(lrinclude, unsafe_files_are_left_out_as_root)
{
	tu_need_root("chown to another user; logrotate checks only as root");
	RUN(unsafe);
}

Test(lrinclude, home_from_the_password_database_without_HOME)
{
	struct passwd *pw = getpwuid(getuid());
	char *want;
	struct lr_case c = {
		"no $HOME", { F("lr.conf", "include ~/nonexistent-mond\n") },
		NULL, NULL, true, "-" };

	cr_assert_not_null(pw);
	cr_assert(asprintf(&want,
	    "P @D@/lr.conf:1 skipped cannot stat %s/nonexistent-mond: No such "
	    "file or directory\n"
	    "M debug reading config file @D@/lr.conf\n"
	    "M debug cannot get HOME directory from environment to replace ~/, "
	    "trying password database...\n"
	    "M debug replaced '~/nonexistent-mond' with '%s/nonexistent-mond'\n"
	    "M debug including %s/nonexistent-mond\n", pw->pw_dir, pw->pw_dir,
	    pw->pw_dir) != -1);
	c.want = want;
	lr_run_case(&c);
	free(want);
}

Test(lrinclude, a_file_too_big_is_refused_unread)
{
	char *dir = tu_tmpdir(), *path = tu_path(dir, "lr.conf"), *got;
	struct mond_conf *conf = conf_new();
	char *paths[] = { path };

	tu_write_file(path, "junk junk\n");
	cr_assert_eq(truncate(path, 0x1000000), 0);
	cr_assert_eq(conf_read_logrotate(conf, paths, 1), 0);
	got = lr_summary(conf, dir, NULL);
	cr_expect_str_eq(got, "P @D@/lr.conf:0 skipped file @D@/lr.conf too "
	    "large, probably not a config file.\n");
	free(got);
	conf_free(conf);
	free(path);
	tu_rmtree(dir);
	free(dir);
}

Test(lrinclude, a_fifo_is_not_waited_for, .timeout = 10)
{
	char *dir = tu_tmpdir(), *fifo = tu_path(dir, "fifo"), *got;
	struct mond_conf *conf = conf_new();
	char *paths[] = { fifo };

	cr_assert_eq(mkfifo(fifo, 0644), 0);
	cr_assert_eq(conf_read_logrotate(conf, paths, 1), 0);
	got = lr_summary(conf, dir, NULL);
	cr_expect_str_eq(got, "");
	free(got);
	conf_free(conf);
	free(fifo);
	tu_rmtree(dir);
	free(dir);
}

Test(lrinclude, conf_taboo_replaces_the_default_list)
{
	char *dir = tu_tmpdir(), *d = tu_path(dir, "d"), *got, *p;
	struct mond_conf *conf = conf_new();
	char *paths[] = { d };

	cr_assert_eq(mkdir(d, 0755), 0);
	p = tu_path(d, "a.skip");
	tu_write_file(p, "@D@/a.log {\n}\n");
	free(p);
	p = tu_path(d, "b.dpkg-old");
	got = lr_replace("@D@/b.log {\n}\n", "@D@", dir);
	tu_write_file(p, got);
	free(got);
	free(p);
	conf->taboo = calloc(2, sizeof(char *));
	conf->taboo[0] = strdup("*.skip");
	conf->ntaboo = 1;
	cr_assert_eq(conf_read_logrotate(conf, paths, 1), 0);
	got = lr_summary(conf, dir, NULL);
	cr_expect_str_eq(got, "R @D@/d/b.dpkg-old:1 pats=<@D@/b.log> "
	    "arg=<@D@/b.log >\n");
	free(got);
	conf_free(conf);
	free(d);
	tu_rmtree(dir);
	free(dir);
}

/* mond.conf TEXT (with "@D@") in a fresh DIR, loaded. */
static struct mond_conf *
load_main(const char *dir, const char *text)
{
	char *path = tu_path(dir, "mond.conf"), *t = lr_replace(text, "@D@",
	    dir);
	struct mond_conf *conf;

	tu_write_file(path, t);
	conf = conf_load(path);
	free(t);
	free(path);
	return conf;
}

static void
write_at(const char *dir, const char *name, const char *text)
{
	char *path = tu_path(dir, name), *t = lr_replace(text, "@D@", dir);

	tu_write_file(path, t);
	free(t);
	free(path);
}

Test(lrinclude, a_path_mond_conf_names_stays_there)
{
	char *dir = tu_tmpdir(), *got;
	struct mond_conf *conf;

	write_at(dir, "lr.conf",
	    "@D@/a.log @D@/b.log {\n"
	    "}\n"
	    "@D@/c.log {\n"
	    "}\n");
	lr_capture_start();
	conf = load_main(dir,
	    "logrotate_conf = \"@D@/lr.conf\"\n"
	    "log \"@D@/a.log\" {\n"
	    "}\n"
	    "log \"@D@/x.log\" {\n"
	    "\tfiles = {\"@D@/c.log\"}\n"
	    "\tignoreduplicates = yes\n"
	    "}\n");
	free(lr_capture_stop());
	cr_assert_not_null(conf, "logrotate problems do not refuse mond.conf");
	got = lr_summary(conf, dir, NULL);
	cr_expect_str_eq(got,
	    "R @D@/mond.conf:2 pats=<@D@/a.log>\n"
	    "R @D@/mond.conf:4 pats=<@D@/x.log|@D@/c.log> "
	    "ignoreduplicates\n"
	    "R @D@/lr.conf:1 pats=<@D@/b.log> arg=<@D@/a.log @D@/b.log >\n"
	    "P @D@/lr.conf:1 error duplicate log entry for @D@/a.log (already "
	    "in @D@/mond.conf:2)\n", "%s", got);
	free(got);
	conf_free(conf);
	tu_rmtree(dir);
	free(dir);
}

Test(lrinclude, mond_t_says_each_problem_and_exits_1)
{
	char *dir = tu_tmpdir(), *conf = tu_path(dir, "mond.conf"), *text;
	char *want;
	const char *argv[] = { "-t", "-c", conf, NULL };
	const char *argv_v[] = { "-t", "-v", "-c", conf, NULL };
	struct tu_run r;

	write_at(dir, "lr.conf",
	    "@D@/a.log {\n"
	    "    rotate x\n"
	    "}\n"
	    "@D@/b.log {\n"
	    "    bogus\n"
	    "}\n");
	text = lr_replace("logrotate_conf = \"@D@/lr.conf\"\n", "@D@", dir);
	tu_write_file(conf, text);
	cr_assert(asprintf(&want,
	    "mond: %s/lr.conf:2: bad rotation count 'x'\n"
	    "mond: %s/lr.conf:1: found error in %s/a.log , skipping\n"
	    "mond: %s/lr.conf:5: unknown option 'bogus' -- ignoring line\n",
	    dir, dir, dir, dir) != -1);
	r = tu_run_mond(argv);
	cr_expect_eq(r.status, 1);
	cr_expect_str_empty(r.out, "no \"configuration OK\": %s", r.out);
	cr_expect_str_eq(r.err, want);
	tu_run_free(&r);
	/* -v: what loaded, which the daemon would run, and still exit 1. */
	r = tu_run_mond(argv_v);
	cr_expect_eq(r.status, 1);
	cr_expect_str_eq(r.err, want);
	cr_expect_null(strstr(r.out, "/a.log\""), "%s", r.out);
	cr_expect_not_null(strstr(r.out, "/b.log\" {\n"), "%s", r.out);
	tu_run_free(&r);
	free(want);
	free(text);
	free(conf);
	tu_rmtree(dir);
	free(dir);
}

/*
 * A reload's kept stanzas stand where they stood: d/a's literal path
 * must stay ahead of d/z's glob, which would otherwise take its log, and
 * a broken file's stanzas on both sides of an include keep their sides.
 */
Test(lrinclude, kept_stanzas_keep_their_place_among_the_others)
{
	char *dir = tu_tmpdir(), *sub = tu_path(dir, "d"), *got;
	struct mond_conf *old, *new;
	const char *main_conf = "logrotate_conf = \"@D@/lr.conf\"\n";

	cr_assert_eq(mkdir(sub, 0755), 0);
	free(sub);
	write_at(dir, "lr.conf", "@D@/first.log {\n}\ninclude @D@/d\n"
	    "@D@/last.log {\n}\n");
	write_at(dir, "d/a", "@D@/a.log {\n}\n");
	write_at(dir, "d/z", "@D@/*.log {\n}\n");
	old = load_main(dir, main_conf);
	cr_assert_not_null(old);
	write_at(dir, "d/a", "@D@/a.log {\n\trotate x\n}\n");
	write_at(dir, "lr.conf", "@D@/first.log {\n\trotate x\n}\n"
	    "include @D@/d\n@D@/last.log {\n\trotate x\n}\n");
	lr_capture_start();
	new = load_main(dir, main_conf);
	free(lr_capture_stop());
	cr_assert_not_null(new);
	lr_capture_start();
	cr_assert_eq(conf_keep_good(new, old), 0);
	free(lr_capture_stop());
	got = lr_summary(new, dir, NULL);
	cr_expect_not_null(strstr(got,
	    "R @D@/lr.conf:1 pats=<@D@/first.log> arg=<@D@/first.log >\n"
	    "R @D@/d/a:1 pats=<@D@/a.log> arg=<@D@/a.log >\n"
	    "R @D@/d/z:1 pats=<@D@/*.log> arg=<@D@/*.log >\n"
	    "R @D@/lr.conf:4 pats=<@D@/last.log> arg=<@D@/last.log >\n"),
	    "%s", got);
	cr_expect_not_null(strstr(got, "1 stanza of the running configuration "
	    "kept in force"), "%s", got);
	cr_expect_not_null(strstr(got, "2 stanzas of the running "
	    "configuration kept in force"), "%s", got);
	free(got);
	conf_free(old);
	conf_free(new);
	tu_rmtree(dir);
	free(dir);
}
