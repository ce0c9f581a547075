/*
 * diffhelp.c: the helper programs of the differential suite. Both tools
 * are given the same scripts (a mailer, a compressor, a failing one, a
 * decompressor), each noting what it was handed into a record per tree;
 * comparing the records shows whether mond ran them as logrotate does.
 * Nothing here runs either tool or judges a scenario.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/diffutil.h"

/*
 * The helpers both tools run, one copy each (DIR/NAME): each records what
 * it was given into DIR/lr.NAME or DIR/mo.NAME, by which tree the file it
 * works on is in, with that tree's root written "@D"; df_side_diff then
 * compares the two records.
 */
static const char helper_head[] =
    "#!/bin/sh\n"
    "d='%s'\n"
    "rec() { case \"$1\" in *\"$d/lr\"*) t=lr ;; *) t=mo ;; esac; "
    "out=\"$d/$t.$2\"; }\n"
    "norm() { printf '%%s' \"$1\" | sed -e \"s|$d/lr|@D|g\" "
    "-e \"s|$d/mo|@D|g\"; }\n";

static const struct {
	const char	*name, *body;
} helpers[] = {
	/* -m / mail_command: the arguments, then the text mailed */
	{ "mailer",
	    "rec \"$*\" mail\n"
	    "{ printf 'args: %s\\n' \"$(norm \"$*\")\"; cat; "
	    "printf '.\\n'; } >> \"$out\"\n" },
	/* compresscmd: its argv and file, a word on stderr, then gzip */
	{ "ccmd",
	    "f=\"$LOGROTATE_COMPRESSED_FILENAME\"\n"
	    "rec \"$f\" ccmd\n"
	    "{ printf 'argv:'; printf ' [%s]' \"$@\"; "
	    "printf '\\nfile: %s\\n' \"$(norm \"$f\")\"; } >> \"$out\"\n"
	    "echo 'ccmd: compressing' >&2\n"
	    "exec gzip -c -n\n" },
	/* a compresscmd that fails, saying why */
	{ "cfail",
	    "cat > /dev/null\necho 'cfail: no space left' >&2\nexit 3\n" },
	/* uncompresscmd: says it ran, then gunzip */
	{ "uncmd",
	    "rec \"$(readlink /proc/$$/fd/0)\" uncmd\n"
	    "printf 'uncmd %s\\n' \"$*\" >> \"$out\"\n"
	    "exec gzip -d -c\n" },
};

void
df_write_helpers(const struct df_run *run)
{
	for (size_t i = 0; i < sizeof(helpers) / sizeof(helpers[0]); i++) {
		char *path = tu_path(run->dir, helpers[i].name), *text;

		cr_assert(asprintf(&text, helper_head, run->dir) != -1);
		tu_write_file(path, text);
		free(text);
		FILE *fp = fopen(path, "a");
		cr_assert_not_null(fp, "%s: %s", path, strerror(errno));
		fputs(helpers[i].body, fp);
		cr_assert_eq(fclose(fp), 0);
		cr_assert_eq(chmod(path, 0755), 0, "%s: %s", path,
		    strerror(errno));
		free(path);
	}
}

char *
df_side_diff(const struct df_run *run)
{
	static const char *const recs[] = { "mail", "ccmd", "uncmd", NULL };
	size_t len;
	char *buf;
	FILE *fp = open_memstream(&buf, &len);

	cr_assert_not_null(fp);
	for (int i = 0; recs[i] != NULL; i++) {
		char *pa, *pb, *a, *b;

		cr_assert(asprintf(&pa, "%s/lr.%s", run->dir, recs[i]) != -1);
		cr_assert(asprintf(&pb, "%s/mo.%s", run->dir, recs[i]) != -1);
		a = tu_read_file(pa, NULL);
		b = tu_read_file(pb, NULL);
		if (strcmp(a ? a : "", b ? b : "") != 0)
			fprintf(fp, "  %s: logrotate's helper got\n%s  mond's "
			    "got\n%s", recs[i], a ? a : "(nothing)\n",
			    b ? b : "(nothing)\n");
		free(a);
		free(b);
		free(pa);
		free(pb);
	}
	fclose(fp);
	if (len == 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

char *
df_side_record(const struct df_run *run, bool lr, const char *what)
{
	char *p, *text;

	cr_assert(asprintf(&p, "%s/%s.%s", run->dir, lr ? "lr" : "mo",
	    what) != -1);
	text = tu_read_file(p, NULL);
	free(p);
	return text;
}
