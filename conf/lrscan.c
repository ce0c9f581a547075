/*
 * lrscan.c: one logrotate file's text, walked one character at a time in
 * the states logrotate 3.21's readConfigFile() walks it, so that whatever
 * it skips after an error (the rest of a line, of a stanza, of the file)
 * is skipped here too, character for character. It cuts words and values
 * out of the text and hands keywords to lrdirective.c and stanzas to
 * lrconf.c; it never opens a file and never judges a value.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf/confrule.h"
#include "conf/lrconf.h"

static const char *const script_names[] = {
	"prerotate", "postrotate", "firstaction", "lastaction", "preremove",
};

char
lr_at(const struct lr_file *f, size_t pos)
{
	return pos < f->len ? f->buf[pos] : '\0';
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool
is_space(char c)
{
	return isspace((unsigned char)c) != 0;
}

int
lr_line_at(struct lr_file *f, size_t pos)
{
	if (pos > f->len)
		pos = f->len;
	/* Mostly forwards; a value cut out may step back one character. */
	for (; f->line_pos > pos; f->line_pos--)
		if (f->buf[f->line_pos - 1] == '\n')
			f->line_no--;
	for (; f->line_pos < pos; f->line_pos++)
		if (f->buf[f->line_pos] == '\n')
			f->line_no++;
	return f->line_no;
}

enum conf_problem_kind
lr_raise_kind(const struct lr_file *f)
{
	/* In a stanza the stanza is left out (said once more, as SKIPPED). */
	return f->cur != NULL ? CONF_PROBLEM_ERROR : CONF_PROBLEM_SKIPPED;
}

/*
 * logrotate's isolateWord: blanks skipped, then letters only. *POS ends on
 * the first character after the word; returns the word's length.
 */
size_t
lr_word(const struct lr_file *f, size_t *pos)
{
	size_t p = *pos, start;

	while (p < f->len && is_blank(f->buf[p]))
		p++;
	for (start = p; p < f->len && isalpha((unsigned char)f->buf[p]);)
		p++;
	*pos = p;
	return p - start;
}

/*
 * logrotate's isolateLine: from *POS to the end of the line, trailing
 * white space cut. *POS ends just before the newline, so that the newline
 * is the next character looked at. When the value is all white space
 * back to before *POS (a "\r" where one was expected), logrotate's length
 * goes negative and it takes the rest of the file: so does this.
 */
char *
lr_line(struct lr_file *f, size_t *pos)
{
	size_t start = *pos, nl = start, e;
	char *s;

	while (nl < f->len && f->buf[nl] != '\n')
		nl++;
	for (e = nl; e > 0 && is_space(lr_at(f, e)); e--)
		;
	if (e + 1 >= start)
		s = strndup(f->buf + start, e + 1 - start);
	else
		s = strndup(f->buf + start, f->len - start);
	*pos = nl > 0 ? nl - 1 : 0;
	return s;
}

/*
 * logrotate's isolateValue: blanks, an optional '=', blanks, then the rest
 * of the line. Nothing before the newline is "argument expected after
 * WHAT", a problem of KIND, with *VALUE NULL and *POS where it was.
 * Returns 0, 1 for that problem, or -1 on ENOMEM.
 */
int
lr_value(struct lr_file *f, size_t *pos, const char *what,
    enum conf_problem_kind kind, char **value)
{
	size_t p = *pos;

	*value = NULL;
	while (p < f->len && is_blank(f->buf[p]))
		p++;
	if (p < f->len && f->buf[p] == '=')
		for (p++; p < f->len && is_blank(f->buf[p]);)
			p++;
	if (p < f->len && f->buf[p] == '\n') {
		if (lr_problem(f, lr_line_at(f, *pos), kind,
		    "argument expected after %s", what) == -1)
			return -1;
		return 1;
	}
	*pos = p;
	if ((*value = lr_line(f, pos)) == NULL)
		return -1;
	return 0;
}

static bool
is_script_name(const char *w, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(script_names) / sizeof(script_names[0]); i++)
		if (strlen(script_names[i]) == n &&
		    memcmp(script_names[i], w, n) == 0)
			return true;
	return false;
}

/*
 * RAISE_ERROR: in a stanza, the stanza is bad (said at the next
 * character, which that eats); outside, the rest of the file is dropped.
 */
static int
raise_error(struct lr_file *f)
{
	if (f->cur == NULL)
		return 1;
	f->state = LR_ERROR;
	return 0;
}

static int
keyword(struct lr_file *f)
{
	size_t start = f->pos, n;
	char sep;
	int line = lr_line_at(f, start);

	n = lr_word(f, &f->pos);
	sep = lr_at(f, f->pos);
	if (!is_space(sep) && sep != '=') {
		if (lr_problem(f, line, lr_raise_kind(f), "keyword '%.*s' not "
		    "properly separated, found %#x", (int)n, f->buf + start,
		    (unsigned int)(int)(signed char)sep) == -1)
			return -1;
		return raise_error(f);
	}
	switch (lr_directive(f, f->buf + start, n, line)) {
	case LR_OK:
		return 0;
	case LR_RAISE:
		return raise_error(f);
	case LR_ABORT:
		return 1;
	default:
		return -1;
	}
}

static int
put_char(char **s, size_t *len, size_t *cap, char c)
{
	char *ns;

	if (*len + 2 > *cap) {
		*cap = *cap ? *cap * 2 : 256;
		if ((ns = realloc(*s, *cap)) == NULL)
			return -1;
		*s = ns;
	}
	(*s)[(*len)++] = c;
	(*s)[*len] = '\0';
	return 0;
}

/*
 * logrotate's parseGlobString: the path text from here to its '{', over
 * as many lines as it takes, lines starting with '#' (after blanks) left
 * out but their blanks and newline kept. f->pos ends on the '{'. NULL
 * with the problem said (or with errno ENOMEM).
 */
static char *
glob_text(struct lr_file *f, int line)
{
	enum { INIT, DATA, COMMENT } mode = INIT;
	size_t p, len = 0, cap = 0;
	char *s = NULL, c;
	const char *why = "missing '{' after log files definition";

	errno = 0;
	for (p = f->pos; p < f->len && (c = f->buf[p]) != '\0'; p++) {
		if (mode == INIT && c == '#')
			mode = COMMENT;
		else if (mode == INIT && !is_space(c))
			mode = DATA;
		else if (mode != INIT && c == '\n')
			mode = INIT;
		if (mode == COMMENT)
			continue;
		if (c == '}') {
			why = "unexpected } (missing previous '{')";
			break;
		}
		if (c == '{') {
			f->pos = p;
			return s;
		}
		if (put_char(&s, &len, &cap, c) == -1)
			goto nomem;
	}
	if (lr_problem(f, line, CONF_PROBLEM_SKIPPED, "%s", why) == -1)
		goto nomem;
	free(s);
	return NULL;
nomem:
	free(s);
	errno = ENOMEM;
	return NULL;
}

/* A line starting with a path: a new stanza, its patterns up to '{'. */
static int
path_line(struct lr_file *f)
{
	int line = lr_line_at(f, f->pos);
	char **words, *text;
	size_t i, n;

	if (f->cur != NULL) {
		if (lr_problem(f, line, CONF_PROBLEM_ERROR,
		    "unexpected log filename") == -1)
			return -1;
		f->state = LR_ERROR;
		return 0;
	}
	if (lr_stanza_open(f, line) == -1)
		return -1;
	if ((text = glob_text(f, line)) == NULL)
		return errno == ENOMEM ? -1 : 1;
	f->cur->script_arg = text;
	if (confrule_split_words(text, &words, &n) == -1 && errno == ENOMEM)
		return -1;
	/* popt refuses no word as it refuses a bad quote. */
	if (words == NULL || n == 0) {
		confrule_free_words(words);
		if (lr_problem(f, line, CONF_PROBLEM_SKIPPED,
		    "error parsing filename") == -1)
			return -1;
		return 1;
	}
	for (i = 0; i < n; i++)
		if (lr_stanza_add(f, words[i]) == -1) {
			confrule_free_words(words);
			return -1;
		}
	confrule_free_words(words);
	return 0;
}

static int
close_brace(struct lr_file *f)
{
	if (f->cur == NULL) {
		if (lr_problem(f, lr_line_at(f, f->pos), CONF_PROBLEM_SKIPPED,
		    "unexpected }") == -1)
			return -1;
		return 1;
	}
	if (lr_stanza_close(f) == -1)
		return -1;
	f->state = LR_DEF_END;
	return 0;
}

static int
state_default(struct lr_file *f)
{
	char c = f->buf[f->pos];

	if (is_blank(c) || c == '\n')
		return 0;
	if (c == '#') {
		f->state = LR_SKIP_LINE;
		return 0;
	}
	if (isalpha((unsigned char)c))
		return keyword(f);
	if (c == '/' || c == '"' || c == '\'' || c == '~')
		return path_line(f);
	if (c == '}')
		return close_brace(f);
	if (lr_problem(f, lr_line_at(f, f->pos), lr_raise_kind(f),
	    "lines must begin with a keyword or a filename (possibly in "
	    "double quotes)") == -1)
		return -1;
	return raise_error(f);
}

/* The script ends at the start of the endscript line. */
static int
end_script(struct lr_file *f, size_t word)
{
	size_t b = word;
	char *s;

	while (b > 0 && f->buf[b - 1] != '\n')
		b--;
	/* "postrotate endscript" on one line: logrotate reads garbage. */
	s = strndup(f->buf + f->script_start,
	    b > f->script_start ? b - f->script_start : 0);
	if (s == NULL)
		return -1;
	free(*f->script);
	*f->script = s;
	return 0;
}

static int
state_script(struct lr_file *f)
{
	int skipping = f->state & LR_SKIP_CONFIG;
	size_t n = lr_word(f, &f->pos);

	if (n == 9 && memcmp(f->buf + f->pos - 9, "endscript", 9) == 0) {
		if (!skipping && f->script != NULL &&
		    end_script(f, f->pos - 9) == -1)
			return -1;
		f->script = NULL;
		f->state = skipping ? LR_SKIP_CONFIG : 0;
		return 0;
	}
	f->state = (lr_at(f, f->pos) == '\n' ? 0 : LR_SKIP_LINE) | LR_SCRIPT |
	    skipping;
	return 0;
}

/* A bad stanza, said at the character after the error (which it eats). */
static int
state_error(struct lr_file *f)
{
	f->logerror = true;
	f->state = LR_SKIP_CONFIG;
	return lr_problem(f, f->cur != NULL ? f->cur->line : 0,
	    CONF_PROBLEM_SKIPPED, "found error in %s, skipping",
	    f->cur != NULL && f->cur->script_arg != NULL ?
	    f->cur->script_arg : "log config");
}

/*
 * A bad stanza is skipped to a '}' that starts a line (an indented one is
 * eaten with its line, as logrotate eats it), knowing scripts.
 */
static int
state_skip_config(struct lr_file *f)
{
	size_t n;

	if (f->buf[f->pos] == '}') {
		f->state = 0;
		return lr_stanza_drop(f);
	}
	n = lr_word(f, &f->pos);
	if (is_script_name(f->buf + f->pos - n, n))
		f->state = LR_SCRIPT | LR_SKIP_CONFIG;
	else if (lr_at(f, f->pos) != '\n')
		f->state = LR_SKIP_LINE | LR_SKIP_CONFIG;
	return 0;
}

static int
state_def_end(struct lr_file *f)
{
	char c = f->buf[f->pos];
	int skipping = f->state & LR_SKIP_CONFIG;

	if (is_blank(c))
		return 0;
	if (c == '\n') {
		f->state = skipping;
		return 0;
	}
	f->state = LR_SKIP_LINE | skipping;
	return lr_problem(f, lr_line_at(f, f->pos), CONF_PROBLEM_NOTE,
	    "unexpected text after }");
}

static int
step(struct lr_file *f)
{
	if (f->state & LR_SKIP_LINE) {
		if (f->buf[f->pos] == '\n')
			f->state &= ~LR_SKIP_LINE;
		return 0;
	}
	if (f->state & LR_SCRIPT)
		return state_script(f);
	if (f->state & LR_ERROR)
		return state_error(f);
	if (f->state & LR_DEF_END)
		return state_def_end(f);
	if (f->state & LR_SKIP_CONFIG)
		return state_skip_config(f);
	return state_default(f);
}

static int
end_of_file(struct lr_file *f)
{
	if (f->script != NULL) {
		if (lr_problem(f, f->script_line, CONF_PROBLEM_SKIPPED,
		    "prerotate, postrotate or preremove without endscript") ==
		    -1)
			return -1;
		return 1;
	}
	if (f->cur == NULL)
		return f->logerror ? 1 : 0;
	/*
	 * logrotate keeps a stanza cut short by the end of the file, even one
	 * it has said it skips: the first is kept, the second is not.
	 */
	if (f->state & LR_ERROR && state_error(f) == -1)
		return -1;
	if (f->state & LR_SKIP_CONFIG) {
		if (lr_stanza_drop(f) == -1)
			return -1;
	} else {
		conf_msg(CONF_MSG_WARNING, "%s:%d: no '}' before the end of "
		    "the file", f->path, f->cur->line);
		if (lr_stanza_close(f) == -1)
			return -1;
	}
	return f->logerror ? 1 : 0;
}

int
lr_scan(struct lr_file *f)
{
	int rc = 0;

	for (f->pos = 0; f->pos < f->len; f->pos++)
		if ((rc = step(f)) != 0)
			break;
	if (rc == 0)
		rc = end_of_file(f);
	/* An error that ends the file takes the stanza it was in along. */
	if (rc != 0 && f->cur != NULL && lr_stanza_drop(f) == -1)
		rc = -1;
	f->script = NULL;
	return rc;
}
