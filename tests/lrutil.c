/*
 * lrutil.c: the logrotate reader's case runner (see lrutil.h). A rule
 * prints as "R FILE:LINE pats=<...> arg=<...>" and then, in a fixed order,
 * only what differs from logrotate's built-in globals, so that a case
 * shows what its text changed and nothing else.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/lrutil.h"
#include "tests/testutil.h"

static char	*captured;
static size_t	 ncaptured;

char *
lr_replace(const char *text, const char *from, const char *to)
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

static void
sink(enum conf_msg_level level, const char *text)
{
	char *line;

	if (level == CONF_MSG_ERROR)
		return;
	cr_assert(asprintf(&line, "M %s %s\n", level == CONF_MSG_WARNING ?
	    "warning" : "debug", text) != -1);
	captured = realloc(captured, ncaptured + strlen(line) + 1);
	cr_assert_not_null(captured);
	memcpy(captured + ncaptured, line, strlen(line) + 1);
	ncaptured += strlen(line);
	free(line);
}

void
lr_capture_start(void)
{
	free(captured);
	captured = strdup("");
	ncaptured = 0;
	conf_set_msg(sink);
}

char *
lr_capture_stop(void)
{
	char *s = captured;

	conf_set_msg(NULL);
	captured = NULL;
	ncaptured = 0;
	return s;
}

/* An open_memstream that fails the test rather than the caller. */
struct buf {
	char	*s;
	size_t	 n;
	FILE	*fp;
};

static void
put_esc(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\n')
			fputs("\\n", fp);
		else if (*s == '\t')
			fputs("\\t", fp);
		else
			fputc(*s, fp);
	}
}

static void
put_text(FILE *fp, const char *name, const char *value)
{
	if (value == NULL)
		return;
	fprintf(fp, " %s=<", name);
	put_esc(fp, value);
	fputc('>', fp);
}

static void
put_create(FILE *fp, const char *name, const struct create_spec *cs)
{
	if (!cs->enabled)
		return;
	fprintf(fp, " %s", name);
	if (cs->has_mode)
		fprintf(fp, "=%04o", (unsigned int)cs->mode);
	if (cs->has_uid)
		fprintf(fp, ",u%lu", (unsigned long)cs->uid);
	if (cs->has_gid)
		fprintf(fp, ",g%lu", (unsigned long)cs->gid);
}

static void
put_flag(FILE *fp, const char *name, bool on)
{
	if (on)
		fprintf(fp, " %s", name);
}

static void
put_crit(FILE *fp, const struct log_rule *r)
{
	if (r->frequency == FREQ_WEEKLY)
		fprintf(fp, " weekly:%d", r->weekday);
	else if (r->frequency != FREQ_NONE)
		fprintf(fp, " %s", conf_freq_name(r->frequency));
	if (r->size != SIZE_UNSET && (r->frequency != FREQ_NONE ||
	    r->size != 1048576))
		fprintf(fp, " size=%lld", r->size);
	if (r->frequency == FREQ_NONE && r->size == SIZE_UNSET)
		fputs(" NO-CRITERION", fp);
	if (r->minsize != SIZE_UNSET)
		fprintf(fp, " minsize=%lld", r->minsize);
	if (r->maxsize != SIZE_UNSET)
		fprintf(fp, " maxsize=%lld", r->maxsize);
}

static void
put_compress(FILE *fp, const struct log_rule *r)
{
	size_t i;

	put_flag(fp, "compress", r->compress);
	put_flag(fp, "delaycompress", r->delaycompress);
	put_flag(fp, "zstd", r->compressor == COMPRESSOR_ZSTD);
	if (r->compresslevel != 6)
		fprintf(fp, " level=%d", r->compresslevel);
	if (r->compressthreads != 0)
		fprintf(fp, " threads=%d", r->compressthreads);
	put_text(fp, "cmd", r->compresscmd);
	if (r->ncompressoptions > 0) {
		fputs(" opts=<", fp);
		for (i = 0; i < r->ncompressoptions; i++)
			fprintf(fp, "%s%s", i > 0 ? "|" : "",
			    r->compressoptions[i]);
		fputc('>', fp);
	}
	put_text(fp, "uncmd", r->uncompresscmd);
	if (r->compressext == NULL || strcmp(r->compressext, ".gz") != 0)
		put_text(fp, "ext", r->compressext != NULL ? r->compressext :
		    "NULL");
}

static void
put_rule(FILE *fp, const struct log_rule *r)
{
	size_t i;

	fprintf(fp, "R %s:%d pats=<", r->file, r->line);
	for (i = 0; i < r->npatterns; i++)
		fprintf(fp, "%s%s", i > 0 ? "|" : "", r->patterns[i]);
	fputc('>', fp);
	if (r->npatterns == 0 || strcmp(r->title, r->patterns[0]) != 0)
		put_text(fp, "TITLE", r->title);
	put_text(fp, "arg", r->script_arg);
	put_crit(fp, r);
	if (r->rotate != 0)
		fprintf(fp, " rotate=%d", r->rotate);
	if (r->start != 1)
		fprintf(fp, " start=%d", r->start);
	if (r->maxage != 0)
		fprintf(fp, " maxage=%d", r->maxage);
	if (r->minage != 0)
		fprintf(fp, " minage=%d", r->minage);
	put_flag(fp, "missingok", r->missingok);
	put_flag(fp, "notifempty", !r->ifempty);
	put_create(fp, "create", &r->create);
	put_flag(fp, "copy", r->copy);
	put_flag(fp, "copytruncate", r->copytruncate);
	put_flag(fp, "renamecopy", r->renamecopy);
	put_compress(fp, r);
	put_flag(fp, "dateext", r->dateext);
	if (strcmp(r->dateformat, r->frequency == FREQ_HOURLY ? "-%Y%m%d%H" :
	    "-%Y%m%d") != 0)
		put_text(fp, "dateformat", r->dateformat);
	put_flag(fp, "dateyesterday", r->dateyesterday);
	put_flag(fp, "datehourago", r->datehourago);
	put_text(fp, "extension", r->extension);
	put_text(fp, "addextension", r->addextension);
	put_text(fp, "olddir", r->olddir);
	put_create(fp, "createolddir", &r->createolddir);
	put_text(fp, "first", r->firstaction);
	put_text(fp, "pre", r->prerotate);
	put_text(fp, "post", r->postrotate);
	put_text(fp, "preremove", r->preremove);
	put_text(fp, "last", r->lastaction);
	put_flag(fp, "sharedscripts", r->sharedscripts);
	if (r->has_su)
		fprintf(fp, " su=%lu:%lu", (unsigned long)r->su_uid,
		    (unsigned long)r->su_gid);
	put_flag(fp, "allowhardlink", r->allowhardlink);
	put_flag(fp, "ignoreduplicates", r->ignoreduplicates);
	put_text(fp, "mail", r->mail);
	put_flag(fp, "mailfirst", r->mailfirst);
	put_flag(fp, "shred", r->shred);
	if (r->shredcycles != 0)
		fprintf(fp, " shredcycles=%d", r->shredcycles);
	fputc('\n', fp);
}

static const char *const kinds[] = {
	[CONF_PROBLEM_NOTE] = "note",
	[CONF_PROBLEM_ERROR] = "error",
	[CONF_PROBLEM_SKIPPED] = "skipped",
	[CONF_PROBLEM_IGNORED] = "ignored",
};

char *
lr_summary(const struct mond_conf *conf, const char *dir, const char *msgs)
{
	struct buf b = { 0 };
	char *res;
	size_t i;

	b.fp = open_memstream(&b.s, &b.n);
	cr_assert_not_null(b.fp);
	for (i = 0; i < conf->nrules; i++)
		put_rule(b.fp, &conf->rules[i]);
	for (i = 0; i < conf->nproblems; i++) {
		fprintf(b.fp, "P %s:%d %s ", conf->problems[i].file,
		    conf->problems[i].line, kinds[conf->problems[i].kind]);
		put_esc(b.fp, conf->problems[i].what);
		fputc('\n', b.fp);
	}
	if (msgs != NULL)
		fputs(msgs, b.fp);
	cr_assert_eq(fclose(b.fp), 0);
	res = lr_replace(b.s, dir, "@D@");
	free(b.s);
	return res;
}

static void
make_files(const struct lr_case *c, const char *dir)
{
	const struct lr_file_spec *fs;
	char *path, *text;

	for (fs = c->files; fs->name != NULL; fs++) {
		path = tu_path(dir, fs->name);
		if (fs->text == NULL)
			cr_assert_eq(mkdir(path, fs->mode ? fs->mode : 0755), 0,
			    "%s: mkdir %s: %s", c->name, path, strerror(errno));
		else {
			text = lr_replace(fs->text, "@D@", dir);
			tu_write_file(path, text);
			free(text);
			if (fs->mode != 0)
				cr_assert_eq(chmod(path, fs->mode), 0);
		}
		if (fs->uid != 0)
			cr_assert_eq(chown(path, fs->uid, (gid_t)-1), 0);
		free(path);
	}
}

/* The case's paths, "@D@/" put in front of the relative ones. */
static size_t
read_paths(const struct lr_case *c, const char *dir, char **paths, size_t max)
{
	char *list, *w, *save = NULL;
	size_t n = 0;

	list = strdup(c->read != NULL ? c->read : c->files[0].name);
	cr_assert_not_null(list);
	for (w = strtok_r(list, " ", &save); w != NULL && n < max;
	    w = strtok_r(NULL, " ", &save))
		paths[n++] = w[0] == '/' ? strdup(w) : tu_path(dir, w);
	free(list);
	return n;
}

void
lr_run_case(const struct lr_case *c)
{
	char *dir = tu_tmpdir(), *paths[8], *got, *want, *msgs = NULL;
	struct mond_conf *conf = conf_new();
	size_t i, n;

	cr_assert_not_null(conf);
	make_files(c, dir);
	if (c->home != NULL && strcmp(c->home, "-") == 0)
		unsetenv("HOME");
	else if (c->home != NULL) {
		got = lr_replace(c->home, "@D@", dir);
		setenv("HOME", got, 1);
		free(got);
	}
	n = read_paths(c, dir, paths, 8);
	lr_capture_start();
	cr_expect_eq(conf_read_logrotate(conf, paths, n), 0, "%s", c->name);
	msgs = lr_capture_stop();
	got = lr_summary(conf, dir, c->msgs ? msgs : NULL);
	want = strdup(c->want);
	cr_expect_str_eq(got, want, "case \"%s\":\n--- got:\n%s--- want:\n%s",
	    c->name, got, want);
	free(want);
	free(got);
	free(msgs);
	for (i = 0; i < n; i++)
		free(paths[i]);
	conf_free(conf);
	tu_rmtree(dir);
	free(dir);
}

void
lr_run_cases(const struct lr_case *cases, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		lr_run_case(&cases[i]);
}
