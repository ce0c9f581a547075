/*
 * confscan.c: a tokenizer just good enough to balance braces and find
 * stanza lines the way libconfuse's lexer sees the text (quotes with
 * backslash escapes, `#`, `//` and C comments). It only reads: it never
 * judges options or values, which stay libconfuse's and conf.c's job.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/confscan.h"
#include "util/fsutil.h"

struct token {
	bool		 word;	/* an unquoted word (else string or symbol) */
	const char	*start;
	size_t		 len;
	int		 line;
};

struct scanner {
	struct confscan	*cs;
	const char	*path;
	char		*p, *end;
	int		 line;
	int		*open;		/* lines of the `{` still open */
	size_t		 nopen, capopen;
	struct token	 prev[2];	/* the last two tokens at depth 0 */
};

static int
push_int(int **arr, size_t *n, size_t *cap, int v)
{
	int *a;

	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 8;
		if ((a = reallocarray(*arr, *cap, sizeof(int))) == NULL)
			return -1;
		*arr = a;
	}
	(*arr)[(*n)++] = v;
	return 0;
}

static void
scan_error(struct scanner *s, int line, const char *msg)
{
	s->cs->nerrors++;
	fprintf(stderr, "mond: %s:%d: %s\n", s->path, line, msg);
}

static void
shift_token(struct scanner *s, bool word, const char *start, size_t len,
    int line)
{
	s->prev[0] = s->prev[1];
	s->prev[1] = (struct token){ word, start, len, line };
	if (word && len == 11 && memcmp(start, "include_dir", 11) == 0)
		s->cs->include_line = line;
}

/* Blanks a comment out, up to (not including) the newline or past the close. */
static void
blank_comment(struct scanner *s)
{
	bool c_style = s->p[1] == '*';

	if (!c_style) {
		for (; s->p < s->end && *s->p != '\n'; s->p++)
			*s->p = ' ';
		return;
	}
	s->p[0] = s->p[1] = ' ';
	for (s->p += 2; s->p < s->end; s->p++) {
		if (*s->p == '\n') {
			s->line++;
			continue;
		}
		if (*s->p == '*' && s->p + 1 < s->end && s->p[1] == '/') {
			s->p[0] = s->p[1] = ' ';
			s->p += 2;
			return;
		}
		*s->p = ' ';
	}
}

static void
skip_string(struct scanner *s)
{
	char quote = *s->p;
	char *start = s->p;
	int line = s->line;

	for (s->p++; s->p < s->end && *s->p != quote; s->p++) {
		if (*s->p == '\\' && s->p + 1 < s->end)
			s->p++;
		if (*s->p == '\n')
			s->line++;
	}
	if (s->p >= s->end) {
		scan_error(s, line, "string is never closed (missing quote)");
		s->cs->unterminated = 1;
		return;
	}
	s->p++;
	if (s->nopen == 0)
		shift_token(s, false, start, (size_t)(s->p - start), line);
}

static bool
is_delim(const char *p, const char *end)
{
	if (strchr(" \t\r\n#\"'={}()+,", *p) != NULL)
		return true;
	return *p == '/' && p + 1 < end && (p[1] == '/' || p[1] == '*');
}

static int
open_brace(struct scanner *s)
{
	struct token *kw = &s->prev[0];

	if (s->nopen == 0 && kw->word && kw->len == 3 &&
	    memcmp(kw->start, "log", 3) == 0 &&
	    push_int(&s->cs->stanza_lines, &s->cs->nstanzas,
	    &s->cs->capstanzas, kw->line) == -1)
		return -1;
	memset(s->prev, 0, sizeof(s->prev));
	return push_int(&s->open, &s->nopen, &s->capopen, s->line);
}

static int
scan(struct scanner *s)
{
	char *start;
	size_t i;

	while (s->p < s->end) {
		switch (*s->p) {
		case '\n':
			s->line++;
			/* FALLTHROUGH */
		case ' ': case '\t': case '\r':
			s->p++;
			continue;
		case '#':
			blank_comment(s);
			continue;
		case '"': case '\'':
			skip_string(s);
			continue;
		case '{':
			if (open_brace(s) == -1)
				return -1;
			s->p++;
			continue;
		case '}':
			if (s->nopen > 0)
				s->nopen--;
			memset(s->prev, 0, sizeof(s->prev));
			s->p++;
			continue;
		case '/':
			if (s->p + 1 < s->end && (s->p[1] == '/' ||
			    s->p[1] == '*')) {
				blank_comment(s);
				continue;
			}
			break;
		case '=': case ',': case '(': case ')': case '+':
			if (s->nopen == 0)
				shift_token(s, false, s->p, 1, s->line);
			s->p++;
			continue;
		}
		for (start = s->p; s->p < s->end && !is_delim(s->p, s->end);)
			s->p++;
		if (s->p == start)
			s->p++;
		else if (s->nopen == 0)
			shift_token(s, true, start, (size_t)(s->p - start),
			    s->line);
	}
	for (i = 0; i < s->nopen && !s->cs->unterminated; i++)
		scan_error(s, s->open[i], "\"{\" is never closed (missing \"}\")");
	return 0;
}

int
confscan_file(const char *path, struct confscan *cs)
{
	struct scanner s = { .cs = cs, .path = path, .line = 1 };
	int rc;

	memset(cs, 0, sizeof(*cs));
	if ((cs->text = fs_read_file(path, CONFSCAN_MAXLEN, &cs->len,
	    &cs->st)) == NULL)
		return -1;
	s.p = cs->text;
	s.end = cs->text + cs->len;
	rc = scan(&s);
	free(s.open);
	return rc;
}

void
confscan_free(struct confscan *cs)
{
	free(cs->text);
	free(cs->stanza_lines);
	memset(cs, 0, sizeof(*cs));
}
