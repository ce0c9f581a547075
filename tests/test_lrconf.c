/*
 * test_lrconf.c: logrotate's own syntax, read in process by
 * conf_read_logrotate(), as tables (see lrutil.h): every form of stanza,
 * path list and script, and every directive's values with the errors a
 * bad one gives. test_lrerror.c has what an error leaves out. The cases
 * marked with a logrotate test number read as that test of logrotate
 * 3.21's suite has logrotate read its config.
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "tests/lrutil.h"
#include "tests/testutil.h"

#define RUN(cases)	lr_run_cases(cases, sizeof(cases) / sizeof(cases[0]))
#define LR(text)	{ { "lr.conf", text, 0, 0 } }

static const struct lr_case stanza_forms[] = {
	{ "a stanza takes the globals above it, not those below",
	  LR("compress\n"
	     "rotate 4\n"
	     "@D@/a.log {\n"
	     "    daily\n"
	     "}\n"
	     "nocompress\n"
	     "@D@/b.log {\n"
	     "}\n"),
	  NULL,
	  "R @D@/lr.conf:3 pats=<@D@/a.log> arg=<@D@/a.log > daily rotate=4 "
	  "compress\n"
	  "R @D@/lr.conf:7 pats=<@D@/b.log> arg=<@D@/b.log > rotate=4\n",
	  false, NULL },
	{ "{ on its own line, paths over lines, quoted, a comment between",
	  LR("@D@/a.log\n"
	     "# a comment { }\n"
	     "  \"@D@/b c.log\" '@D@/d.log'\n"
	     "@D@/e\\ f.log\n"
	     "{\n"
	     "    rotate 1\n"
	     "}\n"),
	  NULL,
	  "R @D@/lr.conf:1 pats=<@D@/a.log|@D@/b c.log|@D@/d.log|@D@/e f.log> "
	  "arg=<@D@/a.log\\n\\n  \"@D@/b c.log\" '@D@/d.log'\\n@D@/e\\ f.log"
	  "\\n> rotate=1\n", false, NULL },
	{ "logrotate 29: { } on the path line; {} too",
	  LR("rotate 1\n"
	     "daily\n"
	     "\n"
	     "@D@/a.log { }\n"
	     "@D@/b.log {}\n"
	     "@D@/c.log {\n"
	     "}\n"),
	  NULL,
	  "R @D@/lr.conf:4 pats=<@D@/a.log> arg=<@D@/a.log > daily rotate=1\n"
	  "R @D@/lr.conf:5 pats=<@D@/b.log> arg=<@D@/b.log > daily rotate=1\n"
	  "R @D@/lr.conf:6 pats=<@D@/c.log> arg=<@D@/c.log > daily "
	  "rotate=1\n", false, NULL },
	{ "logrotate 28: { on the next line",
	  LR("create\n"
	     "\n"
	     "#testing { on new line\n"
	     "@D@/test.log\n"
	     "{\n"
	     "    weekly\n"
	     "    maxsize 4\n"
	     "    rotate 1\n"
	     "}\n"),
	  NULL,
	  "R @D@/lr.conf:4 pats=<@D@/test.log> arg=<@D@/test.log\\n> weekly:0 "
	  "maxsize=4 rotate=1 create\n", false, NULL },
	{ "key value, key = value, key=value; values lose trailing blanks",
	  LR("@D@/a.log {\n"
	     "  rotate = 5\n"
	     "  size=100k\n"
	     "  maxage   =  3\n"
	     "  dateformat = -%Y-%m-%d   \n"
	     "  extension = .log  \n"
	     "}\n"),
	  NULL,
	  "R @D@/lr.conf:1 pats=<@D@/a.log> arg=<@D@/a.log > size=102400 "
	  "rotate=5 maxage=3 dateformat=<-%Y-%m-%d> extension=<.log>\n",
	  false, NULL },
	{ "flags share a line, a comment may follow one, } may end a line",
	  LR("@D@/a.log { compress\n"
	     "  missingok notifempty # a comment\n"
	     "  daily }\n"),
	  NULL,
	  "R @D@/lr.conf:1 pats=<@D@/a.log> arg=<@D@/a.log > daily missingok "
	  "notifempty compress\n", false, NULL },
	{ "~/ in a pattern is $HOME, as glob's GLOB_TILDE has it",
	  LR("~/a.log ~root/b.log {\n"
	     "}\n"),
	  NULL,
	  "R @D@/lr.conf:1 pats=</home/mond-lr/a.log|/root/b.log> "
	  "arg=<~/a.log ~root/b.log >\n",
	  false, "/home/mond-lr" },
};

Test(lrconf, stanza_forms)
{
	RUN(stanza_forms);
}

static const struct lr_case scripts[] = {
	{ "scripts are kept byte for byte, from after the keyword to the "
	  "start of the endscript line",
	  LR("@D@/a.log {\n"
	     "    postrotate\n"
	     "\tkill -HUP `cat /run/a.pid` \\\n"
	     "\t    || true\n"
	     "\t# a comment } with a brace\n"
	     "}\n"
	     "\techo ${pid%%.pid} $(date)\n"
	     "    endscript\n"
	     "    prerotate\n"
	     "    endscript\n"
	     "    firstaction echo first\n"
	     "    endscript\n"
	     "    lastaction\n"
	     "endscript\n"
	     "    preremove\n"
	     "\trm -f \"$1\"\n"
	     "\tendscript\n"
	     "}\n"),
	  NULL,
	  "R @D@/lr.conf:1 pats=<@D@/a.log> arg=<@D@/a.log > "
	  "first=< echo first\\n> pre=<\\n> "
	  "post=<\\n\\tkill -HUP `cat /run/a.pid` \\\\n\\t    || true\\n"
	  "\\t# a comment } with a brace\\n}\\n\\techo ${pid%%.pid} $(date)"
	  "\\n> preremove=<\\n\\trm -f \"$1\"\\n> last=<\\n>\n", false, NULL },
	{ "a script in the globals goes to the stanzas after it",
	  LR("postrotate\n"
	     "  /bin/true\n"
	     "endscript\n"
	     "@D@/a.log {\n"
	     "  sharedscripts\n"
	     "}\n"),
	  NULL,
	  "R @D@/lr.conf:4 pats=<@D@/a.log> arg=<@D@/a.log > "
	  "post=<\\n  /bin/true\\n> sharedscripts\n", false, NULL },
	{ "a script without endscript ends the file and its stanza",
	  LR("@D@/a.log {\n"
	     "}\n"
	     "@D@/b.log {\n"
	     "    postrotate\n"
	     "    foo\n"
	     "}\n"),
	  NULL,
	  "R @D@/lr.conf:1 pats=<@D@/a.log> arg=<@D@/a.log >\n"
	  "P @D@/lr.conf:4 skipped prerotate, postrotate or preremove "
	  "without endscript\n", false, NULL },
};

Test(lrconf, scripts)
{
	RUN(scripts);
}

static const struct lr_case criteria[] = {
	{ "the last criterion of a stanza wins, with logrotate's note",
	  LR("size 10k\n"
	     "@D@/a.log {\n"
	     "    size 1M\n"
	     "    daily\n"
	     "}\n"
	     "@D@/b.log {\n"
	     "    daily\n"
	     "    size 2M\n"
	     "}\n"
	     "@D@/c.log {\n"
	     "    weekly\n"
	     "}\n"
	     "@D@/d.log {\n"
	     "}\n"),
	  NULL,
	  "R @D@/lr.conf:2 pats=<@D@/a.log> arg=<@D@/a.log > daily\n"
	  "R @D@/lr.conf:6 pats=<@D@/b.log> arg=<@D@/b.log > size=2097152\n"
	  "R @D@/lr.conf:10 pats=<@D@/c.log> arg=<@D@/c.log > weekly:0\n"
	  "R @D@/lr.conf:13 pats=<@D@/d.log> arg=<@D@/d.log > size=10240\n"
	  "M debug reading config file @D@/lr.conf\n"
	  "M debug note: 'daily' overrides previously specified 'size'\n"
	  "M debug note: 'size' overrides previously specified 'daily'\n",
	  true, NULL },
	{ "weekly takes a day 0-7; a bad one ends the file",
	  LR("@D@/a.log {\n"
	     "    weekly 3\n"
	     "}\n"
	     "@D@/b.log {\n"
	     "    weekly 7\n"
	     "}\n"
	     "@D@/c.log {\n"
	     "    weekly\n"
	     "    hourly\n"
	     "}\n"
	     "@D@/d.log {\n"
	     "    weekly 8\n"
	     "}\n"
	     "@D@/e.log {\n"
	     "}\n"),
	  NULL,
	  "R @D@/lr.conf:1 pats=<@D@/a.log> arg=<@D@/a.log > weekly:3\n"
	  "R @D@/lr.conf:4 pats=<@D@/b.log> arg=<@D@/b.log > weekly:7\n"
	  "R @D@/lr.conf:7 pats=<@D@/c.log> arg=<@D@/c.log > hourly\n"
	  "P @D@/lr.conf:12 skipped bad weekly directive ' 8'\n", false, NULL },
	{ "monthly, yearly",
	  LR("monthly\n"
	     "@D@/a.log {\n"
	     "}\n"
	     "@D@/b.log {\n"
	     "    yearly\n"
	     "}\n"),
	  NULL,
	  "R @D@/lr.conf:2 pats=<@D@/a.log> arg=<@D@/a.log > monthly\n"
	  "R @D@/lr.conf:4 pats=<@D@/b.log> arg=<@D@/b.log > yearly\n",
	  false, NULL },
};

Test(lrconf, criteria)
{
	RUN(criteria);
}

static const struct lr_case sizes[] = {
	{ "sizes as logrotate's strtoull base 0 with k, K, M, G",
	  LR("@D@/a.log {\n"
	     "    size 0x10k\n"
	     "    minsize 010\n"
	     "    maxsize 1G\n"
	     "}\n"
	     "@D@/b.log {\n"
	     "    size 5K\n"
	     "    maxsize 0\n"
	     "    minsize 0\n"
	     "}\n"
	     "@D@/c.log {\n"
	     "    size 10m\n"
	     "}\n"
	     "@D@/d.log {\n"
	     "    size 12xk\n"
	     "}\n"
	     "@D@/e.log {\n"
	     "    size -1\n"
	     "}\n"
	     "@D@/f.log {\n"
	     "    size\n"
	     "}\n"),
	  NULL,
	  "R @D@/lr.conf:1 pats=<@D@/a.log> arg=<@D@/a.log > size=16384 "
	  "minsize=8 maxsize=1073741824\n"
	  "R @D@/lr.conf:6 pats=<@D@/b.log> arg=<@D@/b.log > size=5120\n"
	  "R @D@/lr.conf:20 pats=<@D@/f.log> arg=<@D@/f.log >\n"
	  "P @D@/lr.conf:12 error unknown unit 'm'\n"
	  "P @D@/lr.conf:11 skipped found error in @D@/c.log , skipping\n"
	  "P @D@/lr.conf:15 error bad size '12x'\n"
	  "P @D@/lr.conf:14 skipped found error in @D@/d.log , skipping\n"
	  "P @D@/lr.conf:18 error bad size '-1'\n"
	  "P @D@/lr.conf:17 skipped found error in @D@/e.log , skipping\n"
	  "P @D@/lr.conf:21 note argument expected after size\n", false, NULL },
	{ "logrotate 36: a bad unit",
	  LR("# bad unit 'x'\n"
	     "\n"
	     "@D@/test.log {\n"
	     "\tdaily\n"
	     "\tsize 300x\n"
	     "\trotate 1\n"
	     "}\n"),
	  NULL,
	  "P @D@/lr.conf:5 error unknown unit 'x'\n"
	  "P @D@/lr.conf:3 skipped found error in @D@/test.log , skipping\n",
	  false, NULL },
};

Test(lrconf, sizes)
{
	RUN(sizes);
}

static const struct lr_case counts[] = {
	{ "counts as strtol/strtoul base 0; the rest of the line is the value",
	  LR("@D@/a.log {\n"
	     "    rotate 010\n"
	     "    start 0x2\n"
	     "    maxage 7\n"
	     "    minage 0\n"
	     "    shredcycles 0x3\n"
	     "}\n"
	     "@D@/b.log {\n"
	     "    start -1\n"
	     "}\n"
	     "@D@/c.log {\n"
	     "    maxage 1d\n"
	     "}\n"
	     "@D@/d.log {\n"
	     "    minage x\n"
	     "}\n"
	     "@D@/e.log {\n"
	     "    shredcycles -3\n"
	     "}\n"),
	  NULL,
	  "R @D@/lr.conf:1 pats=<@D@/a.log> arg=<@D@/a.log > rotate=8 start=2 "
	  "maxage=7 shredcycles=3\n"
	  "P @D@/lr.conf:9 error bad start count '-1'\n"
	  "P @D@/lr.conf:8 skipped found error in @D@/b.log , skipping\n"
	  "P @D@/lr.conf:12 error bad maximum age '1d'\n"
	  "P @D@/lr.conf:11 skipped found error in @D@/c.log , skipping\n"
	  "P @D@/lr.conf:15 error bad minimum age 'x'\n"
	  "P @D@/lr.conf:14 skipped found error in @D@/d.log , skipping\n"
	  "P @D@/lr.conf:18 error bad shred cycles '-3'\n"
	  "P @D@/lr.conf:17 skipped found error in @D@/e.log , skipping\n",
	  false, NULL },
	{ "logrotate 83: a comment after a value is part of it",
	  LR("@D@/test.log {\n"
	     "    rotate 1 # invalid comment\n"
	     "}\n"),
	  NULL,
	  "P @D@/lr.conf:2 error bad rotation count '1 # invalid comment'\n"
	  "P @D@/lr.conf:1 skipped found error in @D@/test.log , skipping\n",
	  false, NULL },
	{ "rotate -1 keeps all; below is bad, above mond's 100000 too",
	  LR("@D@/a.log {\n"
	     "    rotate -1\n"
	     "}\n"
	     "@D@/b.log {\n"
	     "    rotate -2\n"
	     "}\n"
	     "@D@/c.log {\n"
	     "    rotate 100001\n"
	     "}\n"
	     "@D@/d.log {\n"
	     "    rotate 100000\n"
	     "}\n"),
	  NULL,
	  "R @D@/lr.conf:1 pats=<@D@/a.log> arg=<@D@/a.log > rotate=-1\n"
	  "R @D@/lr.conf:10 pats=<@D@/d.log> arg=<@D@/d.log > rotate=100000\n"
	  "P @D@/lr.conf:5 error bad rotation count '-2'\n"
	  "P @D@/lr.conf:4 skipped found error in @D@/b.log , skipping\n"
	  "P @D@/lr.conf:8 error bad rotation count '100001' (mond keeps at "
	  "most 100000)\n"
	  "P @D@/lr.conf:7 skipped found error in @D@/c.log , skipping\n",
	  false, NULL },
};

Test(lrconf, counts)
{
	RUN(counts);
}

static const struct lr_case copies[] = {
	{ "copytruncate wins over copy; renamecopy and copytruncate: the last",
	  LR("@D@/a.log {\n"
	     "    copy\n"
	     "    copytruncate\n"
	     "}\n"
	     "@D@/b.log {\n"
	     "    copytruncate\n"
	     "    renamecopy\n"
	     "}\n"
	     "@D@/c.log {\n"
	     "    renamecopy\n"
	     "    copytruncate\n"
	     "    create 0640\n"
	     "}\n"
	     "@D@/d.log {\n"
	     "    copy\n"
	     "    nocopy\n"
	     "    copytruncate\n"
	     "    nocopytruncate\n"
	     "    renamecopy\n"
	     "    norenamecopy\n"
	     "}\n"),
	  NULL,
	  "R @D@/lr.conf:1 pats=<@D@/a.log> arg=<@D@/a.log > copytruncate\n"
	  "R @D@/lr.conf:5 pats=<@D@/b.log> arg=<@D@/b.log > renamecopy\n"
	  "R @D@/lr.conf:9 pats=<@D@/c.log> arg=<@D@/c.log > copytruncate\n"
	  "R @D@/lr.conf:14 pats=<@D@/d.log> arg=<@D@/d.log >\n", false, NULL },
};

Test(lrconf, copies)
{
	RUN(copies);
}

static const struct lr_case compressors[] = {
	{ "compresscmd names its extension; a later compressext wins; gzip "
	  "and zstd asking for only a level (and zstd threads) run in process",
	  LR("@D@/a.log {\n"
	     "    compress\n"
	     "    compresscmd /usr/bin/bzip2\n"
	     "    uncompresscmd /usr/bin/bunzip2\n"
	     "}\n"
	     "@D@/b.log {\n"
	     "    compresscmd /usr/bin/xz\n"
	     "    compressext .foo\n"
	     "    compressoptions -9 \"-T 0\"\n"
	     "}\n"
	     "@D@/c.log {\n"
	     "    compressext .foo\n"
	     "    compresscmd zstd\n"
	     "}\n"
	     "@D@/d.log {\n"
	     "    compresscmd /usr/local/bin/mycomp\n"
	     "}\n"
	     "@D@/e.log {\n"
	     "    compresscmd /bin/gzip\n"
	     "    compressoptions -9\n"
	     "}\n"
	     "@D@/f.log {\n"
	     "    compressoptions\n"
	     "}\n"
	     "@D@/g.log {\n"
	     "    compresscmd /usr/bin/my comp\n"
	     "}\n"
	     "@D@/h.log {\n"
	     "    compresscmd /usr/bin/zstd\n"
	     "    compressoptions -19 -T4 -q\n"
	     "}\n"
	     "@D@/i.log {\n"
	     "    compresscmd /usr/bin/zstd\n"
	     "    compressoptions --long -19\n"
	     "}\n"
	     "@D@/j.log {\n"
	     "    compresscmd /usr/bin/zstd\n"
	     "    compressext .zstd\n"
	     "}\n"
	     "@D@/k.log {\n"
	     "    compresscmd /usr/bin/zstd\n"
	     "    uncompresscmd /usr/bin/unzstd\n"
	     "    compressoptions -20\n"
	     "}\n"),
	  NULL,
	  "R @D@/lr.conf:1 pats=<@D@/a.log> arg=<@D@/a.log > compress "
	  "cmd=</usr/bin/bzip2> uncmd=</usr/bin/bunzip2> ext=<.bz2>\n"
	  "R @D@/lr.conf:6 pats=<@D@/b.log> arg=<@D@/b.log > "
	  "cmd=</usr/bin/xz> opts=<-9|-T 0> ext=<.foo>\n"
	  "R @D@/lr.conf:11 pats=<@D@/c.log> arg=<@D@/c.log > zstd level=3 "
	  "ext=<.zst>\n"
	  "R @D@/lr.conf:15 pats=<@D@/d.log> arg=<@D@/d.log > "
	  "cmd=</usr/local/bin/mycomp>\n"
	  "R @D@/lr.conf:18 pats=<@D@/e.log> arg=<@D@/e.log > level=9\n"
	  "R @D@/lr.conf:28 pats=<@D@/h.log> arg=<@D@/h.log > zstd level=19 "
	  "threads=4 ext=<.zst>\n"
	  "R @D@/lr.conf:32 pats=<@D@/i.log> arg=<@D@/i.log > "
	  "cmd=</usr/bin/zstd> opts=<--long|-19> ext=<.zst>\n"
	  "R @D@/lr.conf:36 pats=<@D@/j.log> arg=<@D@/j.log > "
	  "cmd=</usr/bin/zstd> ext=<.zstd>\n"
	  "R @D@/lr.conf:40 pats=<@D@/k.log> arg=<@D@/k.log > "
	  "cmd=</usr/bin/zstd> opts=<-20> uncmd=</usr/bin/unzstd> ext=<.zst>\n"
	  "P @D@/lr.conf:23 error invalid compression options\n"
	  "P @D@/lr.conf:22 skipped found error in @D@/f.log , skipping\n"
	  "P @D@/lr.conf:26 error bad compress path /usr/bin/my comp\n"
	  "P @D@/lr.conf:25 skipped found error in @D@/g.log , skipping\n",
	  false, NULL },
};

Test(lrconf, compressors)
{
	RUN(compressors);
}

static const struct lr_case creates[] = {
	{ "create keeps what it does not give, through nocreate too",
	  LR("create 0640 root adm\n"
	     "@D@/a.log {\n"
	     "}\n"
	     "@D@/b.log {\n"
	     "    create 0600\n"
	     "}\n"
	     "@D@/c.log {\n"
	     "    nocreate\n"
	     "}\n"
	     "@D@/d.log {\n"
	     "    nocreate\n"
	     "    create\n"
	     "}\n"
	     "nocreate\n"
	     "@D@/e.log {\n"
	     "    create daemon root\n"
	     "}\n"
	     "@D@/f.log {\n"
	     "    create 0644daemon\n"
	     "}\n"
	     "@D@/g.log {\n"
	     "    createolddir 0700 daemon adm\n"
	     "    nocreateolddir\n"
	     "    createolddir\n"
	     "}\n"),
	  NULL,
	  "R @D@/lr.conf:2 pats=<@D@/a.log> arg=<@D@/a.log > "
	  "create=0640,u0,g4\n"
	  "R @D@/lr.conf:4 pats=<@D@/b.log> arg=<@D@/b.log > "
	  "create=0600,u0,g4\n"
	  "R @D@/lr.conf:7 pats=<@D@/c.log> arg=<@D@/c.log >\n"
	  "R @D@/lr.conf:10 pats=<@D@/d.log> arg=<@D@/d.log > "
	  "create=0640,u0,g4\n"
	  "R @D@/lr.conf:15 pats=<@D@/e.log> arg=<@D@/e.log > "
	  "create=0640,u1,g0\n"
	  "R @D@/lr.conf:18 pats=<@D@/f.log> arg=<@D@/f.log > "
	  "create=0644,u1,g4\n"
	  "R @D@/lr.conf:21 pats=<@D@/g.log> arg=<@D@/g.log > "
	  "createolddir=0700,u1,g4\n", false, NULL },
	{ "create OWNER GROUP without a mode; bad owners, groups, words",
	  LR("@D@/a.log {\n"
	     "    create root adm\n"
	     "}\n"
	     "@D@/b.log {\n"
	     "    create nosuchuser-mond\n"
	     "}\n"
	     "@D@/c.log {\n"
	     "    create 0640 root nosuchgroup-mond\n"
	     "}\n"
	     "@D@/d.log {\n"
	     "    create 0640 root root extra\n"
	     "}\n"
	     "@D@/e.log {\n"
	     "    create=0600\n"
	     "}\n"
	     "@D@/f.log {\n"
	     "    create 0640 0 4\n"
	     "}\n"),
	  NULL,
	  "R @D@/lr.conf:1 pats=<@D@/a.log> arg=<@D@/a.log > create,u0,g4\n"
	  "R @D@/lr.conf:16 pats=<@D@/f.log> arg=<@D@/f.log > "
	  "create=0640,u0,g4\n"
	  "P @D@/lr.conf:5 error unknown user 'nosuchuser-mond'\n"
	  "P @D@/lr.conf:4 skipped found error in @D@/b.log , skipping\n"
	  "P @D@/lr.conf:8 error unknown group 'nosuchgroup-mond'\n"
	  "P @D@/lr.conf:7 skipped found error in @D@/c.log , skipping\n"
	  "P @D@/lr.conf:11 error extra arguments for create\n"
	  "P @D@/lr.conf:10 skipped found error in @D@/d.log , skipping\n"
	  "P @D@/lr.conf:14 error unknown user '=0600'\n"
	  "P @D@/lr.conf:13 skipped found error in @D@/e.log , skipping\n",
	  false, NULL },
};

Test(lrconf, creates)
{
	RUN(creates);
}

static const struct lr_case sus[] = {
	{ "su USER GROUP; either may come from an earlier su",
	  LR("@D@/a.log {\n"
	     "    su daemon adm\n"
	     "}\n"
	     "@D@/b.log {\n"
	     "    su root\n"
	     "}\n"
	     "su root adm\n"
	     "@D@/c.log {\n"
	     "    su\n"
	     "}\n"
	     "@D@/d.log {\n"
	     "    su daemon\n"
	     "}\n"
	     "@D@/e.log {\n"
	     "    su root adm extra\n"
	     "}\n"
	     "@D@/f.log {\n"
	     "    su root nosuchgroup-mond\n"
	     "}\n"),
	  NULL,
	  "R @D@/lr.conf:1 pats=<@D@/a.log> arg=<@D@/a.log > su=1:4\n"
	  "R @D@/lr.conf:8 pats=<@D@/c.log> arg=<@D@/c.log > su=0:4\n"
	  "R @D@/lr.conf:11 pats=<@D@/d.log> arg=<@D@/d.log > su=1:4\n"
	  "P @D@/lr.conf:5 error no group for su\n"
	  "P @D@/lr.conf:4 skipped found error in @D@/b.log , skipping\n"
	  "P @D@/lr.conf:15 error extra arguments for su\n"
	  "P @D@/lr.conf:14 skipped found error in @D@/e.log , skipping\n"
	  "P @D@/lr.conf:18 error unknown group 'nosuchgroup-mond'\n"
	  "P @D@/lr.conf:17 skipped found error in @D@/f.log , skipping\n",
	  false, NULL },
	{ "su with no user at all",
	  LR("@D@/a.log {\n"
	     "    su\n"
	     "}\n"),
	  NULL,
	  "P @D@/lr.conf:2 error no user for su\n"
	  "P @D@/lr.conf:1 skipped found error in @D@/a.log , skipping\n",
	  false, NULL },
};

Test(lrconf, su)
{
	RUN(sus);
}

static const struct lr_case mails[] = {
	{ "mail ADDRESS: printable, no space; nomail, maillast",
	  LR("@D@/a.log {\n"
	     "    mail admin@example.org\n"
	     "    mailfirst\n"
	     "}\n"
	     "@D@/b.log {\n"
	     "    mail root localhost\n"
	     "}\n"
	     "@D@/c.log {\n"
	     "    mail x@y\n"
	     "    mailfirst\n"
	     "    nomail\n"
	     "    maillast\n"
	     "}\n"
	     "@D@/d.log {\n"
	     "    mail\n"
	     "}\n"),
	  NULL,
	  "R @D@/lr.conf:1 pats=<@D@/a.log> arg=<@D@/a.log > "
	  "mail=<admin@example.org> mailfirst\n"
	  "R @D@/lr.conf:8 pats=<@D@/c.log> arg=<@D@/c.log >\n"
	  "P @D@/lr.conf:6 error bad mail address  root localhost\n"
	  "P @D@/lr.conf:5 skipped found error in @D@/b.log , skipping\n"
	  "P @D@/lr.conf:15 error argument expected after mail\n"
	  "P @D@/lr.conf:14 skipped found error in @D@/d.log , skipping\n",
	  false, NULL },
};

Test(lrconf, mail)
{
	RUN(mails);
}

static const struct lr_case olddirs[] = {
	{ "olddir: ~/ is $HOME, no blank, noolddir",
	  LR("@D@/a.log {\n"
	     "    olddir ~/old\n"
	     "    createolddir\n"
	     "}\n"
	     "@D@/b.log {\n"
	     "    olddir old dir\n"
	     "}\n"
	     "@D@/c.log {\n"
	     "    olddir /var/old\n"
	     "    noolddir\n"
	     "}\n"
	     "@D@/d.log {\n"
	     "    olddir old\n"
	     "}\n"),
	  NULL,
	  "R @D@/lr.conf:1 pats=<@D@/a.log> arg=<@D@/a.log > "
	  "olddir=</home/mond-lr/old> createolddir\n"
	  "R @D@/lr.conf:8 pats=<@D@/c.log> arg=<@D@/c.log >\n"
	  "R @D@/lr.conf:12 pats=<@D@/d.log> arg=<@D@/d.log > olddir=<old>\n"
	  "P @D@/lr.conf:6 error bad olddir path old dir\n"
	  "P @D@/lr.conf:5 skipped found error in @D@/b.log , skipping\n",
	  false, "/home/mond-lr" },
};

Test(lrconf, olddir)
{
	RUN(olddirs);
}

static const struct lr_case flags[] = {
	{ "every flag on in a stanza",
	  LR("@D@/a.log {\n"
	     "    compress delaycompress shred allowhardlink sharedscripts\n"
	     "    copy ifempty dateext dateyesterday datehourago mailfirst\n"
	     "    missingok ignoreduplicates\n"
	     "    shredcycles 3\n"
	     "    start 0\n"
	     "    minage 2\n"
	     "    rotate -1\n"
	     "    addextension .gz\n"
	     "}\n"),
	  NULL,
	  "R @D@/lr.conf:1 pats=<@D@/a.log> arg=<@D@/a.log > rotate=-1 "
	  "start=0 minage=2 missingok copy compress delaycompress dateext "
	  "dateyesterday datehourago addextension=<.gz> sharedscripts "
	  "allowhardlink ignoreduplicates mailfirst shred shredcycles=3\n",
	  false, NULL },
	{ "every no- form undoes a global",
	  LR("compress\n"
	     "delaycompress\n"
	     "shred\n"
	     "allowhardlink\n"
	     "sharedscripts\n"
	     "copy\n"
	     "dateext\n"
	     "missingok\n"
	     "mailfirst\n"
	     "@D@/b.log {\n"
	     "    nocompress nodelaycompress noshred noallowhardlink\n"
	     "    nosharedscripts nocopy notifempty nodateext nomissingok\n"
	     "    maillast\n"
	     "}\n"),
	  NULL,
	  "R @D@/lr.conf:10 pats=<@D@/b.log> arg=<@D@/b.log > notifempty\n",
	  false, NULL },
};

Test(lrconf, flags)
{
	RUN(flags);
}
