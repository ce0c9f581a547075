/*
 * test_lrtree.c: whole trees of logrotate files as Debian ships them:
 * this machine's /etc/logrotate.conf (a copy) with the /etc/logrotate.d
 * it includes, and tests/lrconf/debian.d, package files of the usual
 * shapes (path lists over lines, shared scripts with backslashes,
 * backticks and $(...), a .dpkg-dist left behind). Each must load with
 * no problem, as Debian's logrotate -d loads it (same stanzas, same $1
 * text, same criterion, same order), and print through mond -t -v as a
 * mond.conf that loads back to the same text.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/lrutil.h"
#include "tests/testutil.h"

static const char *
logrotate_bin(void)
{
	if (access("/usr/sbin/logrotate", X_OK) == 0)
		return "/usr/sbin/logrotate";
	if (access("/sbin/logrotate", X_OK) == 0)
		return "/sbin/logrotate";
	return NULL;
}

/* What logrotate -d prints for R's criterion after its pattern. */
static void
crit_text(const struct log_rule *r, char *buf, size_t len)
{
	switch (r->frequency) {
	case FREQ_NONE:
		snprintf(buf, len, "%lld bytes", r->size);
		break;
	case FREQ_DAILY:
		snprintf(buf, len, "after 1 days");
		break;
	default:
		snprintf(buf, len, "%s", conf_freq_name(r->frequency));
	}
}

/*
 * Debian's logrotate -d on PATH must name the same stanzas as CONF holds,
 * in the same order, with the same pattern text and criterion.
 */
static void
expect_as_logrotate(const struct mond_conf *conf, const char *path,
    const char *dir)
{
	const char *bin = logrotate_bin(), *p, *next, *none;
	char *cmd, *out, *want, crit[64];
	size_t i, n = 0;
	int status;

	if (bin == NULL || getuid() != 0) {
		cr_log_warn("no logrotate to compare with (or not root)");
		return;
	}
	cr_assert(asprintf(&cmd, "%s -d -s '%s/state' '%s' 2>&1", bin, dir,
	    path) != -1);
	out = tu_filter(cmd, "", &status);
	/* A stanza whose every path was another's: logrotate keeps it. */
	for (p = out; (p = strstr(p, "rotating pattern: ")) != NULL; p++) {
		next = strstr(p + 1, "rotating pattern: ");
		none = strstr(p, "No logs found. Rotation not needed.");
		if (none == NULL || (next != NULL && next < none))
			n++;
	}
	cr_expect_eq(n, conf->nrules, "logrotate loads %zu stanzas, mond %zu:"
	    "\n%s", n, conf->nrules, out);
	for (p = out, i = 0; i < conf->nrules; i++) {
		crit_text(&conf->rules[i], crit, sizeof(crit));
		cr_assert(asprintf(&want, "rotating pattern: %s %s ",
		    conf->rules[i].script_arg, crit) != -1);
		cr_expect_not_null(p = strstr(p, want), "logrotate -d does not "
		    "say, in order, \"%s\":\n%s", want, out);
		free(want);
		if (p == NULL)
			break;
		p++;
	}
	free(out);
	free(cmd);
}

/* mond -t -v with logrotate_conf = LRCONF, then on its own output. */
static void
expect_round_trip(const char *dir, const char *lrconf)
{
	char *conf = tu_path(dir, "mond.conf"), *again = tu_path(dir,
	    "again.conf"), *text;
	const char *argv[] = { "-t", "-v", "-c", conf, NULL };
	const char *argv2[] = { "-t", "-v", "-c", again, NULL };
	struct tu_run r, r2;

	cr_assert(asprintf(&text, "statefile = \"%s/st\"\nlogrotate_conf = "
	    "\"%s\"\n", dir, lrconf) != -1);
	tu_write_file(conf, text);
	r = tu_run_mond(argv);
	cr_expect_eq(r.status, 0, "mond -t -v: exit %d: %s", r.status, r.err);
	cr_expect_str_empty(r.err);
	tu_write_file(again, r.out);
	r2 = tu_run_mond(argv2);
	cr_expect_eq(r2.status, 0, "round trip: exit %d: %s", r2.status,
	    r2.err);
	cr_expect_str_eq(r2.out, r.out, "round trip prints:\n%s", r2.out);
	tu_run_free(&r);
	tu_run_free(&r2);
	free(text);
	free(again);
	free(conf);
}

static struct mond_conf *
read_one(const char *path)
{
	struct mond_conf *conf = conf_new();
	char *paths[] = { (char *)path };
	size_t i;

	cr_assert_not_null(conf);
	cr_assert_eq(conf_read_logrotate(conf, paths, 1), 0);
	for (i = 0; i < conf->nproblems; i++)
		cr_expect_fail("%s:%d: %s", conf->problems[i].file,
		    conf->problems[i].line, conf->problems[i].what);
	return conf;
}

Test(lrtree, this_machines_logrotate_conf_loads_with_no_problem)
{
	char *dir = tu_tmpdir(), *copy = tu_path(dir, "logrotate.conf");
	char *text = tu_read_file("/etc/logrotate.conf", NULL);
	struct mond_conf *conf;

	if (text == NULL)
		cr_skip_test("no /etc/logrotate.conf here");
	/* Its include of /etc/logrotate.d stays as it is. */
	tu_write_file(copy, text);
	conf = read_one(copy);
	cr_expect_eq(conf->nproblems, 0);
	if (access("/etc/logrotate.d", F_OK) == 0)
		cr_expect_gt(conf->nrules, 0, "nothing from /etc/logrotate.d");
	expect_as_logrotate(conf, copy, dir);
	expect_round_trip(dir, copy);
	conf_free(conf);
	free(text);
	free(copy);
	tu_rmtree(dir);
	free(dir);
}

Test(lrtree, this_machines_logrotate_d_loads_with_no_problem)
{
	struct mond_conf *conf;
	char *dir;

	if (access("/etc/logrotate.d", F_OK) != 0)
		cr_skip_test("no /etc/logrotate.d here");
	conf = read_one("/etc/logrotate.d");
	cr_expect_eq(conf->nproblems, 0);
	dir = tu_tmpdir();
	expect_as_logrotate(conf, "/etc/logrotate.d", dir);
	conf_free(conf);
	tu_rmtree(dir);
	free(dir);
}

/* Debian's /etc/logrotate.conf, including the bundled tree. */
static char *
debian_conf(const char *dir)
{
	char *path = tu_path(dir, "logrotate.conf"), *text;

	cr_assert(asprintf(&text,
	    "# see \"man logrotate\" for details\n"
	    "\n"
	    "# global options do not affect preceding include directives\n"
	    "\n"
	    "# rotate log files weekly\n"
	    "weekly\n"
	    "\n"
	    "# keep 4 weeks worth of backlogs\n"
	    "rotate 4\n"
	    "\n"
	    "# create new (empty) log files after rotating old ones\n"
	    "create\n"
	    "\n"
	    "# use date as a suffix of the rotated file\n"
	    "#dateext\n"
	    "\n"
	    "# uncomment this if you want your log files compressed\n"
	    "#compress\n"
	    "\n"
	    "# packages drop log rotation information into this directory\n"
	    "include %s/tests/lrconf/debian.d\n"
	    "\n"
	    "# system-specific logs may also be configured here.\n",
	    tu_srcdir()) != -1);
	tu_write_file(path, text);
	free(text);
	return path;
}

static const struct log_rule *
find(const struct mond_conf *conf, const char *title)
{
	size_t i;

	for (i = 0; i < conf->nrules; i++)
		if (strcmp(conf->rules[i].title, title) == 0)
			return &conf->rules[i];
	cr_assert_fail("no stanza %s", title);
	return NULL;
}

Test(lrtree, a_debian_tree_loads_whole_as_logrotate_loads_it)
{
	char *dir = tu_tmpdir(), *path = debian_conf(dir);
	struct mond_conf *conf = read_one(path);
	const struct log_rule *r;

	cr_expect_eq(conf->nproblems, 0);
	/* 16 files, samba's two stanzas, nginx.dpkg-dist left out. */
	cr_expect_eq(conf->nrules, 17);
	r = find(conf, "/var/log/syslog");
	cr_expect_eq(r->npatterns, 13);
	cr_expect(r->sharedscripts && r->compress && r->delaycompress);
	cr_expect_str_eq(r->postrotate, "\n\t\t/usr/lib/rsyslog/rsyslog-rotate"
	    "\n");
	r = find(conf, "/var/log/mysql/mysql.log");
	cr_expect_eq(r->npatterns, 4);
	cr_expect_eq(r->frequency, FREQ_DAILY);
	cr_expect(r->create.enabled && r->create.mode == 0640 &&
	    r->create.uid == 0);
	cr_expect_not_null(strstr(r->postrotate, "`my_print_defaults --mysqld "
	    "| grep -oP \"pid-file=\\K[^$]+\"`"));
	r = find(conf, "/var/log/cups/*log");
	/* The globals' create (no mode) and weekly, its own daily. */
	cr_expect(r->create.enabled && !r->create.has_mode);
	cr_expect_eq(r->frequency, FREQ_DAILY);
	r = find(conf, "/var/log/exim4/paniclog");
	cr_expect_eq(r->frequency, FREQ_NONE);
	cr_expect_eq(r->size, 10 * 1024 * 1024);
	cr_expect_not(r->create.enabled);
	r = find(conf, "/var/log/postgresql/*.log");
	cr_expect(r->copytruncate && r->has_su && r->su_uid == 0);
	cr_expect_not(r->create.enabled, "copytruncate drops create");
	r = find(conf, "/var/log/samba/log.nmbd");
	cr_expect_eq(r->rotate, 7);
	cr_expect_str_eq(r->script_arg, "/var/log/samba/log.nmbd ");
	expect_as_logrotate(conf, path, dir);
	expect_round_trip(dir, path);
	conf_free(conf);
	free(path);
	tu_rmtree(dir);
	free(dir);
}

/*
 * Every logrotate "error:" line about the config must be one of CONF's
 * problems, in order (logrotate's "FILE:LINE " taken off), and CONF may
 * have no other.
 */
static void
expect_errors_as_logrotate(const struct mond_conf *conf, const char *path,
    const char *dir)
{
	const char *bin = logrotate_bin(), *line, *end, *what;
	char *cmd, *out, *text;
	size_t i = 0, len;
	int status;

	if (bin == NULL || getuid() != 0)
		return;
	cr_assert(asprintf(&cmd, "%s -d -s '%s/state' '%s' 2>&1", bin, dir,
	    path) != -1);
	out = tu_filter(cmd, "", &status);
	for (line = out; *line != '\0'; line = *end != '\0' ? end + 1 : end) {
		if ((end = strchr(line, '\n')) == NULL)
			end = line + strlen(line);
		cr_assert_not_null(text = strndup(line, (size_t)(end - line)));
		if (strncmp(text, "error: ", 7) != 0 ||
		    strstr(text, "stat of ") != NULL) {
			free(text);
			continue;
		}
		what = text + 7;
		/* "FILE:LINE what", "FILE:LINE, what", "FILE:what". */
		if (strncmp(what, path, strlen(path)) == 0) {
			what += strlen(path) + 1;
			while (*what >= '0' && *what <= '9')
				what++;
			what += *what == ',' ? 2 : *what == ' ' ? 1 : 0;
		}
		len = strlen(what);
		if (i < conf->nproblems)
			cr_expect(strncmp(conf->problems[i].what, what, len) ==
			    0, "problem %zu is \"%s\", logrotate says \"%s\"",
			    i, conf->problems[i].what, what);
		else
			cr_expect_fail("logrotate also says \"%s\"", what);
		free(text);
		i++;
	}
	cr_expect_eq(i, conf->nproblems, "logrotate says %zu errors, mond has "
	    "%zu problems:\n%s", i, conf->nproblems, out);
	free(out);
	free(cmd);
}

/*
 * logrotate's reading where it surprises: each text must load the same
 * stanzas and say the same errors as logrotate -d. "@D@" is a directory.
 */
static const char *const quirks[] = {
	/* An error at a line's end eats the next line's '}'. */
	"@D@/a.log {\n    rotate\n}\n@D@/b.log {\n    daily\n}\n"
	"@D@/c.log {\n}\n",
	/* An indented '}' does not end a skipped stanza. */
	"@D@/a.log {\n    rotate x\n  }\n@D@/b.log {\n    daily\n}\n"
	"@D@/c.log {\n    weekly\n}\n",
	/* The rest of an errors line is read as keywords. */
	"@D@/a.log {\n errors root@x\n}\n@D@/b.log {\n errors root\n}\n",
	/* popt: no word; an empty compressoptions. */
	"@D@/a.log {\n compressoptions\n}\n@D@/c.log {\n}\n\"\" {\n}\n",
	/* Identical wildcards and a path named twice in one stanza. */
	"@D@/*.log {\n}\n@D@/*.log {\n}\n@D@/z.log @D@/z.log {\n}\n",
	/* Text after '}', a stray '}' at the top. */
	"@D@/a.log {\n daily\n}\n@D@/b.log {\n monthly\n}}\n"
	"@D@/c.log {\n  postrotate\n   x\n  endscript }\n}\n",
	/* '{' on the next line, paths over lines, comments among them. */
	"compress\n@D@/a.log\n# c {\n  \"@D@/b c.log\"\n{\n  hourly\n}\n"
	"@D@/d.log { }\n",
	/* Values: sizes, counts, owners, weekly, mail, su, create. */
	"@D@/a.log {\n su root\n}\n@D@/b.log {\n create 0640 nosuchuser-mond\n"
	"}\n@D@/e.log {\n mail a b\n}\n@D@/f.log {\n size 10m\n}\n"
	"@D@/g.log {\n size -5\n}\n@D@/h.log {\n size 0x10k\n minsize 010\n"
	" start 0x5\n}\n@D@/i.log {\n rotate -2\n}\n@D@/m.log {\n"
	" su = root root\n}\n@D@/n.log {\n create=0600\n}\n@D@/p.log {\n}\n"
	"@D@/o.log {\n weekly x\n}\n@D@/q.log {\n}\n",
	/* A keyword glued to junk at the top ends the file. */
	"random noise\n@D@/a.log {\n}\na::x\n@D@/b.log {\n}\n",
	/* The end of the file inside a stanza. */
	"@D@/a.log {\n    daily\n",
};

Test(lrtree, logrotates_surprises_read_as_logrotate_reads_them)
{
	char *dir, *path, *text;
	struct mond_conf *conf;
	char *paths[1];
	size_t i;

	if (logrotate_bin() == NULL || getuid() != 0)
		cr_skip_test("needs Debian's logrotate, and root");
	for (i = 0; i < sizeof(quirks) / sizeof(quirks[0]); i++) {
		dir = tu_tmpdir();
		path = tu_path(dir, "lr.conf");
		text = lr_replace(quirks[i], "@D@", dir);
		tu_write_file(path, text);
		conf = conf_new();
		paths[0] = path;
		lr_capture_start();
		cr_assert_eq(conf_read_logrotate(conf, paths, 1), 0);
		free(lr_capture_stop());
		expect_as_logrotate(conf, path, dir);
		expect_errors_as_logrotate(conf, path, dir);
		conf_free(conf);
		free(text);
		free(path);
		tu_rmtree(dir);
		free(dir);
	}
}
