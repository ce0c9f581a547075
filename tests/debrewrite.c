/*
 * debrewrite.c: a Debian package's logrotate.d file, rewritten so that
 * both logrotate and mond can run it on a test tree. The rewrite is one
 * pass over the text producing one template; each side only puts its own
 * directory in, so whatever the rewrite gets wrong, it gets wrong for both
 * tools alike. It reads just enough of the grammar to find stanza headers,
 * scripts and the few directives naming paths or users; everything else
 * is copied as written, for the tools' own readers to judge.
 */
#include <ctype.h>
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/debrewrite.h"

enum mode { TOP, HEADER, STANZA, SCRIPT };

struct rw {
	FILE		*fp;
	struct dr_conf	*c;
	enum mode	 mode;
	const char	*why;
	bool		 oom;
};

static const char *const script_words[] = { "prerotate", "postrotate",
	"firstaction", "lastaction", "preremove", NULL };

static bool
in_list(const char *word, const char *const list[])
{
	for (int i = 0; list[i] != NULL; i++)
		if (strcmp(word, list[i]) == 0)
			return true;
	return false;
}

static void
add_log(struct rw *rw, char *name)
{
	struct dr_conf *c = rw->c;
	char **v;

	if (name == NULL) {
		rw->oom = true;
		return;
	}
	for (size_t i = 0; i < c->nlogs; i++)
		if (strcmp(c->logs[i], name) == 0) {
			free(name);
			return;
		}
	v = realloc(c->logs, (c->nlogs + 1) * sizeof(*v));
	if (v == NULL) {
		rw->oom = true;
		free(name);
		return;
	}
	c->logs = v;
	c->logs[c->nlogs++] = name;
}

/*
 * PATTERN (absolute) with its wildcards filled in as variant WHICH (0 or
 * 1) would match it: '*' becomes "access" or "error", '?' a letter, a
 * bracket class its first member. Two variants show a glob matching more
 * than one log; relative to the tree (no leading '/'), malloc'd.
 */
static char *
fill_glob(const char *pattern, int which)
{
	size_t len = strlen(pattern);
	char *out = malloc(len * 6 + 1), *o = out;
	const char *p = pattern + 1, *end;

	if (out == NULL)
		return NULL;
	while (*p != '\0') {
		if (*p == '*') {
			o += sprintf(o, "%s", which ? "error" : "access");
			p++;
		} else if (*p == '?') {
			*o++ = which ? 'e' : 'a';
			p++;
		} else if (*p == '[' && (end = strchr(p + 2, ']')) != NULL) {
			/* a negated class: a letter outside it would do */
			*o++ = (p[1] == '!' || p[1] == '^') ? 'q' : p[1];
			p = end + 1;
		} else
			*o++ = *p++;
	}
	*o = '\0';
	return out;
}

static void
add_pattern(struct rw *rw, const char *pattern)
{
	bool glob = strpbrk(pattern, "*?[") != NULL;

	add_log(rw, fill_glob(pattern, 0));
	if (glob)
		add_log(rw, fill_glob(pattern, 1));
}

/*
 * The header words of LINE from P on: each path with the tree in front
 * (quoted as it was), until '{' starts the stanza.
 */
static void
put_header(struct rw *rw, const char *p)
{
	while (*p != '\0') {
		char quote = 0, *word;
		const char *start;

		p += strspn(p, " \t");
		if (*p == '\0')
			break;
		if (*p == '{') {
			fprintf(rw->fp, "{%s", p + 1);
			rw->mode = STANZA;
			return;
		}
		if (*p == '"' || *p == '\'')
			quote = *p++;
		start = p;
		while (*p != '\0' && (quote ? *p != quote :
		    !isspace((unsigned char)*p) && *p != '{'))
			p++;
		word = strndup(start, (size_t)(p - start));
		if (quote && *p == quote)
			p++;
		if (word == NULL) {
			rw->oom = true;
			return;
		}
		if (word[0] != '/')
			rw->why = "a stanza header path that is not absolute";
		else
			add_pattern(rw, word);
		if (quote)
			fprintf(rw->fp, "%c%s/tree%s%c ", quote, DR_SIDE, word,
			    quote);
		else
			fprintf(rw->fp, "%s/tree%s ", DR_SIDE, word);
		free(word);
	}
}

/* Splits a directive line into at most N words (modified in place). */
static int
split(char *line, char *w[], int n)
{
	int k = 0;
	char *save = NULL;

	for (char *t = strtok_r(line, " \t", &save); t != NULL && k < n;
	    t = strtok_r(NULL, " \t", &save))
		w[k++] = t;
	return k;
}

/*
 * `create MODE OWNER GROUP` (or createolddir): an owner or group this
 * machine lacks would make both tools refuse the stanza, which tests
 * nothing but the error; root stands in for it, so the files still come
 * out owned by something both tools must agree on.
 */
static void
put_create(struct rw *rw, char *line)
{
	char *w[5];
	int n = split(line, w, 5);

	if (n >= 3 && getpwnam(w[2]) == NULL) {
		w[2] = "root";
		rw->c->nowners++;
	}
	if (n >= 4 && getgrnam(w[3]) == NULL) {
		w[3] = "root";
		rw->c->nowners++;
	}
	fputc('\t', rw->fp);
	for (int i = 0; i < n; i++)
		fprintf(rw->fp, "%s%s", i ? " " : "", w[i]);
	fputc('\n', rw->fp);
}

/*
 * `su USER GROUP` is kept when both exist here, so the stanzas written
 * for root (postgresql-common's `su root root`) still test it; a user
 * this machine lacks would only make both tools reject the stanza, and
 * without it both rotate as root, which the tree's root-owned 0755
 * directories allow.
 */
static void
put_su(struct rw *rw, const char *orig, char *line)
{
	char *w[4];
	int n = split(line, w, 4);

	if (n == 3 && getpwnam(w[1]) != NULL && getgrnam(w[2]) != NULL) {
		fprintf(rw->fp, "%s\n", orig);
		return;
	}
	rw->c->nsu_dropped++;
	fprintf(rw->fp, "\t# dropped: %s\n", orig + strspn(orig, " \t"));
}

/* One line inside a stanza (or a global directive at the top). */
static void
put_directive(struct rw *rw, const char *orig)
{
	char *line = strdup(orig), *w[3], *copy = strdup(orig);
	int n;

	if (line == NULL || copy == NULL) {
		rw->oom = true;
		goto done;
	}
	n = split(copy, w, 3);
	if (n == 0 || w[0][0] == '#')
		fprintf(rw->fp, "%s\n", orig);
	else if (w[0][0] == '}') {
		fprintf(rw->fp, "%s\n", orig);
		rw->mode = TOP;
	} else if (in_list(w[0], script_words)) {
		fprintf(rw->fp, "\t%s\n\t\techo \"%s $1 $2\" >> %s/run/scripts\n",
		    w[0], w[0], DR_SIDE);
		rw->c->nscripts++;
		rw->mode = SCRIPT;
	} else if (strcmp(w[0], "su") == 0)
		put_su(rw, orig, line);
	else if (strcmp(w[0], "create") == 0 ||
	    strcmp(w[0], "createolddir") == 0)
		put_create(rw, line);
	else if (strcmp(w[0], "olddir") == 0 && n == 2 && w[1][0] == '/')
		fprintf(rw->fp, "\tolddir %s/tree%s\n", DR_SIDE, w[1]);
	else if (strcmp(w[0], "include") == 0)
		rw->why = "an include (the tree would not hold its target)";
	else
		fprintf(rw->fp, "%s\n", orig);
done:
	free(line);
	free(copy);
}

static void
put_line(struct rw *rw, const char *line)
{
	const char *p = line + strspn(line, " \t");
	char word[16];

	switch (rw->mode) {
	case TOP:
		if (*p == '/' || *p == '"' || *p == '\'') {
			rw->mode = HEADER;
			put_header(rw, p);
			fputc('\n', rw->fp);
		} else
			put_directive(rw, line);
		break;
	case HEADER:
		put_header(rw, p);
		fputc('\n', rw->fp);
		break;
	case STANZA:
		put_directive(rw, line);
		break;
	case SCRIPT:
		/* logrotate ends a script at a line whose first word is endscript */
		if (sscanf(p, "%15s", word) == 1 &&
		    strcmp(word, "endscript") == 0) {
			fputs("\tendscript\n", rw->fp);
			rw->mode = STANZA;
		}
		break;
	}
}

int
dr_rewrite(const char *text, struct dr_conf *c, const char **why)
{
	struct rw rw = { .c = c, .mode = TOP };
	char *copy = strdup(text), *save = NULL, *line;
	size_t len;

	memset(c, 0, sizeof(*c));
	rw.fp = open_memstream(&c->text, &len);
	if (copy == NULL || rw.fp == NULL) {
		free(copy);
		*why = "out of memory";
		return -1;
	}
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		put_line(&rw, line);
	free(copy);
	if (fclose(rw.fp) != 0)
		rw.oom = true;
	if (rw.why == NULL && rw.mode != TOP)
		rw.why = rw.mode == SCRIPT ? "a script without endscript" :
		    "a stanza without its closing brace";
	if (rw.why == NULL && c->nlogs == 0)
		rw.why = "no stanza";
	if (rw.oom)
		rw.why = "out of memory";
	if (rw.why != NULL) {
		*why = rw.why;
		dr_free(c);
		return -1;
	}
	return 0;
}

void
dr_free(struct dr_conf *c)
{
	for (size_t i = 0; i < c->nlogs; i++)
		free(c->logs[i]);
	free(c->logs);
	free(c->text);
	memset(c, 0, sizeof(*c));
}

char *
dr_replace(const char *text, const char *from, const char *to)
{
	size_t flen = strlen(from), len;
	char *buf;
	FILE *fp = open_memstream(&buf, &len);
	const char *hit;

	if (fp == NULL)
		return NULL;
	while (flen > 0 && (hit = strstr(text, from)) != NULL) {
		fwrite(text, 1, (size_t)(hit - text), fp);
		fputs(to, fp);
		text = hit + flen;
	}
	fputs(text, fp);
	if (fclose(fp) != 0)
		return NULL;
	return buf;
}

char *
dr_subst(const char *template, const char *side)
{
	return dr_replace(template, DR_SIDE, side);
}
