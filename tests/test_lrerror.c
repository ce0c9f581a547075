/*
 * test_lrerror.c: what each error in a logrotate file leaves out, as
 * logrotate leaves it out (tables, see lrutil.h): an error inside a
 * stanza skips the stanza up to a '}' that starts a line, one outside
 * ends the file, an unknown keyword only its line; a path another stanza
 * names is left out of the later one. Each with its FILE:LINE and kind.
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "tests/lrutil.h"
#include "tests/testutil.h"

#define RUN(cases)	lr_run_cases(cases, sizeof(cases) / sizeof(cases[0]))
#define LR(text)	{ { "lr.conf", text, 0, 0 } }

static const struct lr_case stanza_errors[] = {
	{ "logrotate 26 and 104: an unknown keyword is noted, its line "
	  "ignored, the stanza kept; errors is deprecated",
	  LR("@D@/a.log {\n"
	     "    errors root\n"
	     "    waeekly\n"
	     "    rotate 1\n"
	     "}\n"
	     "@D@/b.log {\n"
	     "    errors root@localhost\n"
	     "    rotate 2\n"
	     "}\n"),
	  NULL,
	  "R @D@/lr.conf:1 pats=<@D@/a.log> arg=<@D@/a.log > rotate=1\n"
	  "P @D@/lr.conf:2 note unknown option 'root' -- ignoring line\n"
	  "P @D@/lr.conf:3 note unknown option 'waeekly' -- ignoring line\n"
	  "P @D@/lr.conf:7 error keyword 'root' not properly separated, "
	  "found 0x40\n"
	  "P @D@/lr.conf:6 skipped found error in @D@/b.log , skipping\n"
	  "M debug reading config file @D@/lr.conf\n"
	  "M warning @D@/lr.conf:2: the errors directive is deprecated and "
	  "no longer used.\n"
	  "M warning @D@/lr.conf:7: the errors directive is deprecated and "
	  "no longer used.\n",
	  true, NULL },
	{ "logrotate 37: a bad stanza is skipped to its }, not to one in "
	  "its script",
	  LR("@D@/a.log {\n"
	     "\tsize 300x\n"
	     "\tdaily\n"
	     "    firstaction\n"
	     "\t\ttouch scriptout\n"
	     "\t\t# put some } here\n"
	     "}\n"
	     "\t\techo $(cat scriptout) foo > foo }\n"
	     "\tendscript\n"
	     "\trotate 1\n"
	     "}\n"
	     "\n"
	     "@D@/b.log {\n"
	     "\tdaily\n"
	     "    firstaction\n"
	     "\t\ttouch scriptout\n"
	     "\tendscript\n"
	     "\trotate 1\n"
	     "}\n"),
	  NULL,
	  "R @D@/lr.conf:13 pats=<@D@/b.log> arg=<@D@/b.log > daily rotate=1 "
	  "first=<\\n\\t\\ttouch scriptout\\n>\n"
	  "P @D@/lr.conf:2 error unknown unit 'x'\n"
	  "P @D@/lr.conf:1 skipped found error in @D@/a.log , skipping\n",
	  false, NULL },
	{ "logrotate 105: a keyword glued to junk skips the stanza",
	  LR("@D@/test1.log {\n"
	     "    g@rbag\xe2\x82\xac[]+#*\n"
	     "    rotate 1\n"
	     "}\n"
	     "\n"
	     "@D@/test2.log {\n"
	     "    rotate 1\n"
	     "}\n"),
	  NULL,
	  "R @D@/lr.conf:6 pats=<@D@/test2.log> arg=<@D@/test2.log > "
	  "rotate=1\n"
	  "P @D@/lr.conf:2 error keyword 'g' not properly separated, found "
	  "0x40\n"
	  "P @D@/lr.conf:1 skipped found error in @D@/test1.log , skipping\n",
	  false, NULL },
	{ "an indented } does not end a skipped stanza (logrotate's "
	  "reading): the next stanza goes too",
	  LR("@D@/a.log {\n"
	     "    rotate x\n"
	     "  }\n"
	     "@D@/b.log {\n"
	     "    daily\n"
	     "}\n"
	     "@D@/c.log {\n"
	     "    weekly\n"
	     "}\n"),
	  NULL,
	  "R @D@/lr.conf:7 pats=<@D@/c.log> arg=<@D@/c.log > weekly:0\n"
	  "P @D@/lr.conf:2 error bad rotation count 'x'\n"
	  "P @D@/lr.conf:1 skipped found error in @D@/a.log , skipping\n",
	  false, NULL },
	{ "a value missing at the end of its line: the error eats the next "
	  "line's first character, a } there too (logrotate's reading)",
	  LR("@D@/a.log {\n"
	     "    rotate\n"
	     "}\n"
	     "@D@/b.log {\n"
	     "    daily\n"
	     "}\n"
	     "@D@/c.log {\n"
	     "}\n"),
	  NULL,
	  "R @D@/lr.conf:7 pats=<@D@/c.log> arg=<@D@/c.log >\n"
	  "P @D@/lr.conf:2 error argument expected after rotate count\n"
	  "P @D@/lr.conf:1 skipped found error in @D@/a.log , skipping\n",
	  false, NULL },
	{ "a path inside a stanza (its } forgotten) skips both",
	  LR("@D@/a.log {\n"
	     "  daily\n"
	     "@D@/b.log {\n"
	     "  weekly\n"
	     "}\n"
	     "@D@/c.log {\n"
	     "}\n"),
	  NULL,
	  "R @D@/lr.conf:6 pats=<@D@/c.log> arg=<@D@/c.log >\n"
	  "P @D@/lr.conf:3 error unexpected log filename\n"
	  "P @D@/lr.conf:1 skipped found error in @D@/a.log , skipping\n",
	  false, NULL },
	{ "tabooext and taboopat may not appear in a stanza",
	  LR("@D@/a.log {\n"
	     "    tabooext .x\n"
	     "    rotate 2\n"
	     "}\n"
	     "@D@/b.log {\n"
	     "    taboopat *.x\n"
	     "}\n"
	     "@D@/c.log {\n"
	     "}\n"),
	  NULL,
	  "R @D@/lr.conf:8 pats=<@D@/c.log> arg=<@D@/c.log >\n"
	  "P @D@/lr.conf:2 error tabooext may not appear inside of log file "
	  "definition\n"
	  "P @D@/lr.conf:1 skipped found error in @D@/a.log , skipping\n"
	  "P @D@/lr.conf:6 error taboopat may not appear inside of log file "
	  "definition\n"
	  "P @D@/lr.conf:5 skipped found error in @D@/b.log , skipping\n",
	  false, NULL },
	{ "dateformat without a value is noted and leaves the default; "
	  "extension without one is an error",
	  LR("@D@/a.log {\n"
	     "    dateformat\n"
	     "}\n"
	     "@D@/b.log {\n"
	     "    extension\n"
	     "    rotate 1\n"
	     "}\n"
	     "@D@/c.log {\n"
	     "}\n"),
	  NULL,
	  "R @D@/lr.conf:1 pats=<@D@/a.log> arg=<@D@/a.log >\n"
	  "R @D@/lr.conf:8 pats=<@D@/c.log> arg=<@D@/c.log >\n"
	  "P @D@/lr.conf:2 note argument expected after dateformat\n"
	  "P @D@/lr.conf:5 error argument expected after extension name\n"
	  "P @D@/lr.conf:4 skipped found error in @D@/b.log , skipping\n",
	  false, NULL },
	{ "a stanza mond cannot honour is left out with the reason",
	  LR("@D@/a.log relative.log {\n"
	     "}\n"
	     "@D@/b.log {\n"
	     "    minsize 2M\n"
	     "    maxsize 1M\n"
	     "}\n"
	     "@D@/c.log {\n"
	     "    dateformat -%Y/%m\n"
	     "}\n"
	     "@D@/d.log {\n"
	     "}\n"),
	  NULL,
	  "R @D@/lr.conf:10 pats=<@D@/d.log> arg=<@D@/d.log >\n"
	  "P @D@/lr.conf:1 error log \"@D@/a.log\": pattern \"relative.log\" "
	  "is not an absolute path\n"
	  "P @D@/lr.conf:1 skipped found error in @D@/a.log relative.log , "
	  "skipping\n"
	  "P @D@/lr.conf:3 error log \"@D@/b.log\": minsize is larger than "
	  "maxsize\n"
	  "P @D@/lr.conf:3 skipped found error in @D@/b.log , skipping\n"
	  "P @D@/lr.conf:7 error log \"@D@/c.log\": dateformat must not "
	  "contain \"/\"\n"
	  "P @D@/lr.conf:7 skipped found error in @D@/c.log , skipping\n",
	  false, NULL },
};

Test(lrerror, errors_in_a_stanza_leave_it_out)
{
	RUN(stanza_errors);
}

static const struct lr_case file_errors[] = {
	{ "logrotate 103 and 102: an error outside a stanza ends the file, "
	  "the stanzas before it stay",
	  { { "lr.conf",
	      "random noise\n"
	      "a b c d\n"
	      "@D@/a.log {\n"
	      "}\n"
	      "a::x\n"
	      "@D@/b.log {\n"
	      "}\n", 0, 0 },
	    { "lr2.conf", "\x7f" "ELF\n\n@D@/c.log {\n}\n", 0, 0 },
	    { "lr3.conf", "rotate x\n@D@/d.log {\n}\n", 0, 0 } },
	  "lr.conf lr2.conf lr3.conf",
	  "R @D@/lr.conf:3 pats=<@D@/a.log> arg=<@D@/a.log >\n"
	  "P @D@/lr.conf:1 note unknown option 'random' -- ignoring line\n"
	  "P @D@/lr.conf:2 note unknown option 'a' -- ignoring line\n"
	  "P @D@/lr.conf:5 skipped keyword 'a' not properly separated, found "
	  "0x3a\n"
	  "P @D@/lr2.conf:1 skipped lines must begin with a keyword or a "
	  "filename (possibly in double quotes)\n"
	  "P @D@/lr3.conf:1 skipped bad rotation count 'x'\n", false, NULL },
	{ "logrotate 17 and 25: a path without its {",
	  { { "lr.conf",
	      "create\n"
	      "\n"
	      "# missing {\n"
	      "@D@/a.log\n"
	      "    weekly\n"
	      "}\n"
	      "@D@/b.log {\n"
	      "}\n", 0, 0 },
	    { "lr2.conf", "@D@/c.log\n    weekly\n", 0, 0 } },
	  "lr.conf lr2.conf",
	  "P @D@/lr.conf:4 skipped unexpected } (missing previous '{')\n"
	  "P @D@/lr2.conf:1 skipped missing '{' after log files definition\n",
	  false, NULL },
	{ "a } without a stanza ends the file; text after a } is noted",
	  { { "lr.conf", "}\n@D@/a.log {\n}\n", 0, 0 },
	    { "lr2.conf",
	      "@D@/e.log {\n"
	      "}}\n"
	      "@D@/f.log {\n"
	      "} junk\n"
	      "@D@/g.log {\n"
	      "}\n", 0, 0 } },
	  "lr.conf lr2.conf",
	  "R @D@/lr2.conf:1 pats=<@D@/e.log> arg=<@D@/e.log >\n"
	  "R @D@/lr2.conf:3 pats=<@D@/f.log> arg=<@D@/f.log >\n"
	  "R @D@/lr2.conf:5 pats=<@D@/g.log> arg=<@D@/g.log >\n"
	  "P @D@/lr.conf:1 skipped unexpected }\n"
	  "P @D@/lr2.conf:2 note unexpected text after }\n"
	  "P @D@/lr2.conf:4 note unexpected text after }\n", false, NULL },
	{ "popt refuses a path list of no word",
	  LR("\"\" {\n"
	     "}\n"
	     "@D@/a.log {\n"
	     "}\n"),
	  NULL,
	  "P @D@/lr.conf:1 skipped error parsing filename\n", false, NULL },
	{ "a keyword the file ends on is not separated from anything",
	  LR("@D@/a.log {\n"
	     "}\n"
	     "compress"),
	  NULL,
	  "R @D@/lr.conf:1 pats=<@D@/a.log> arg=<@D@/a.log >\n"
	  "P @D@/lr.conf:3 skipped keyword 'compress' not properly separated, "
	  "found 0\n", false, NULL },
	{ "a stanza the end of the file cuts short is kept, a bad one not",
	  { { "lr.conf", "@D@/a.log {\n    rotate 3", 0, 0 },
	    { "lr2.conf", "@D@/b.log {\n    rotate x\n", 0, 0 } },
	  "lr.conf lr2.conf",
	  "R @D@/lr.conf:1 pats=<@D@/a.log> arg=<@D@/a.log > rotate=3\n"
	  "P @D@/lr2.conf:2 error bad rotation count 'x'\n"
	  "P @D@/lr2.conf:1 skipped found error in @D@/b.log , skipping\n"
	  "M debug reading config file @D@/lr.conf\n"
	  "M warning @D@/lr.conf:1: no '}' before the end of the file\n"
	  "M debug reading config file @D@/lr2.conf\n",
	  true, NULL },
};

Test(lrerror, errors_outside_a_stanza_end_the_file)
{
	RUN(file_errors);
}

static const struct lr_case duplicates[] = {
	{ "a path named twice stays the first stanza's; ignoreduplicates "
	  "quiets it; identical wildcards are names too",
	  LR("@D@/a.log @D@/b.log {\n"
	     "}\n"
	     "@D@/a.log @D@/c.log {\n"
	     "}\n"
	     "@D@/d.log {\n"
	     "    ignoreduplicates\n"
	     "}\n"
	     "@D@/d.log @D@/e.log {\n"
	     "}\n"
	     "@D@/*.log {\n"
	     "}\n"
	     "@D@/*.log @D@/f.log {\n"
	     "}\n"
	     "@D@/g.log @D@/g.log {\n"
	     "}\n"
	     "@D@/a.log {\n"
	     "}\n"),
	  NULL,
	  "R @D@/lr.conf:1 pats=<@D@/a.log|@D@/b.log> arg=<@D@/a.log "
	  "@D@/b.log >\n"
	  "R @D@/lr.conf:3 pats=<@D@/c.log> arg=<@D@/a.log @D@/c.log >\n"
	  "R @D@/lr.conf:5 pats=<@D@/d.log> arg=<@D@/d.log > "
	  "ignoreduplicates\n"
	  "R @D@/lr.conf:8 pats=<@D@/e.log> arg=<@D@/d.log @D@/e.log >\n"
	  "R @D@/lr.conf:10 pats=<@D@/*.log> arg=<@D@/*.log >\n"
	  "R @D@/lr.conf:12 pats=<@D@/f.log> arg=<@D@/*.log @D@/f.log >\n"
	  "R @D@/lr.conf:14 pats=<@D@/g.log> arg=<@D@/g.log @D@/g.log >\n"
	  "P @D@/lr.conf:3 error duplicate log entry for @D@/a.log (already "
	  "in @D@/lr.conf:1)\n"
	  "P @D@/lr.conf:12 error duplicate log entry for @D@/*.log (already "
	  "in @D@/lr.conf:10)\n"
	  "P @D@/lr.conf:14 error duplicate log entry for @D@/g.log (already "
	  "in @D@/lr.conf:14)\n"
	  "P @D@/lr.conf:16 error duplicate log entry for @D@/a.log (already "
	  "in @D@/lr.conf:1)\n"
	  "M debug reading config file @D@/lr.conf\n"
	  "M debug @D@/lr.conf:8 ignore duplicate log entry for @D@/d.log\n"
	  "M debug @D@/lr.conf:16: no log left in @D@/a.log \n",
	  true, NULL },
	{ "logrotate 107: a wildcard over a literal path of an "
	  "ignoreduplicates stanza is settled at pass time",
	  LR("@D@/test.log {\n"
	     "    rotate 1\n"
	     "    ignoreduplicates\n"
	     "}\n"
	     "\n"
	     "@D@/*.log {\n"
	     "    rotate 1\n"
	     "}\n"),
	  NULL,
	  "R @D@/lr.conf:1 pats=<@D@/test.log> arg=<@D@/test.log > rotate=1 "
	  "ignoreduplicates\n"
	  "R @D@/lr.conf:6 pats=<@D@/*.log> arg=<@D@/*.log > rotate=1\n",
	  false, NULL },
	{ "a dropped stanza's paths are free again",
	  LR("@D@/a.log {\n"
	     "    rotate x\n"
	     "}\n"
	     "@D@/a.log {\n"
	     "}\n"),
	  NULL,
	  "R @D@/lr.conf:4 pats=<@D@/a.log> arg=<@D@/a.log >\n"
	  "P @D@/lr.conf:2 error bad rotation count 'x'\n"
	  "P @D@/lr.conf:1 skipped found error in @D@/a.log , skipping\n",
	  false, NULL },
};

Test(lrerror, duplicates)
{
	RUN(duplicates);
}
