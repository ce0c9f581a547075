/*
 * confrule.c: the part of reading a log stanza that does not depend on the
 * syntax it was written in. Both readers fill a struct log_rule their own
 * way and then come here for the derived defaults, the checks across
 * options and the copies; so a stanza means the same thing whichever file
 * it came from. Nothing here touches a file.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "conf/confrule.h"

/* logrotate's table: the extension a known compressor's name implies. */
static const struct {
	const char	*cmd;
	const char	*ext;
} known_ext[] = {
	{ "gzip", ".gz" },
	{ "bzip2", ".bz2" },
	{ "xz", ".xz" },
	{ "zstd", ".zst" },
	{ "compress", ".Z" },
	{ "zip", "zip" },
};

static const char *
base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL ? slash + 1 : path;
}

static int
replace(char **field, const char *value)
{
	char *s = NULL;

	if (value != NULL && (s = strdup(value)) == NULL)
		return -1;
	free(*field);
	*field = s;
	return 0;
}

/* "-N" with 1 <= N <= MAX: N; else 0. */
static int
level_word(const char *w, int max)
{
	char *end;
	long n;

	if (w[0] != '-' || w[1] < '1' || w[1] > '9')
		return 0;
	n = strtol(w + 1, &end, 10);
	return *end == '\0' && n <= max ? (int)n : 0;
}

/* "-TN" or "--threads=N": N (0: one per CPU, as for zstd); else -1. */
static int
threads_word(const char *w)
{
	const char *digits;
	char *end;
	long n;

	if (strncmp(w, "-T", 2) == 0)
		digits = w + 2;
	else if (strncmp(w, "--threads=", 10) == 0)
		digits = w + 10;
	else
		return -1;
	if (*digits < '0' || *digits > '9')
		return -1;
	n = strtol(digits, &end, 10);
	return *end == '\0' && n <= 1024 ? (int)n : -1;
}

/*
 * Whether OPTS (N of them) ask CMD for nothing but what mond does in
 * process: gzip a level ("-9"); zstd a level, a thread count and the
 * quiet and stdout flags its filter use implies. *LEVEL (0: the
 * default) and *THREADS (-1: unsaid) get what they say.
 */
static bool
foldable(const char *cmd, char **opts, size_t n, int *level, int *threads)
{
	bool zstd = strcmp(cmd, "zstd") == 0;
	size_t i;
	int t;

	*level = 0;
	*threads = -1;
	if (!zstd)
		return n == 0 || (n == 1 && (*level = level_word(opts[0], 9)) > 0);
	for (i = 0; i < n; i++) {
		if ((t = level_word(opts[i], 19)) > 0)
			*level = t;
		else if ((t = threads_word(opts[i])) >= 0)
			*threads = t;
		else if (strcmp(opts[i], "-q") != 0 &&
		    strcmp(opts[i], "--quiet") != 0 &&
		    strcmp(opts[i], "-c") != 0 &&
		    strcmp(opts[i], "--stdout") != 0)
			return false;
	}
	return true;
}

/*
 * gzip with at most a level, or zstd writing .zst with at most a level
 * and threads, is what mond does in process, faster.
 */
static int
fold_compressor(struct log_rule *r)
{
	const char *cmd = r->compresscmd != NULL ? base_name(r->compresscmd) :
	    "";
	const char *ext = strcmp(cmd, "zstd") == 0 ? ".zst" : ".gz";
	int level, threads;

	if (r->compresscmd != NULL && strcmp(r->compressext, ext) == 0 &&
	    (strcmp(cmd, "gzip") == 0 || strcmp(cmd, "zstd") == 0) &&
	    foldable(cmd, r->compressoptions, r->ncompressoptions, &level,
	    &threads)) {
		r->compressor = strcmp(cmd, "zstd") == 0 ? COMPRESSOR_ZSTD :
		    COMPRESSOR_GZIP;
		r->compresslevel = level > 0 ? level :
		    r->compressor == COMPRESSOR_ZSTD ? 3 : 6;
		if (threads >= 0)
			r->compressthreads = threads;
		free(r->compresscmd);
		r->compresscmd = NULL;
		confrule_free_words(r->compressoptions);
		r->ncompressoptions = 0;
		if ((r->compressoptions = calloc(1, sizeof(char *))) == NULL)
			return -1;
	}
	/* The in-process reader takes gzip and zstd alike. */
	if (r->uncompresscmd != NULL && r->compresscmd == NULL &&
	    (strcmp(base_name(r->uncompresscmd), "gunzip") == 0 ||
	    strcmp(base_name(r->uncompresscmd), "unzstd") == 0))
		return replace(&r->uncompresscmd, NULL);
	return 0;
}

const char *
confrule_known_ext(const char *cmd)
{
	size_t i;

	for (i = 0; i < sizeof(known_ext) / sizeof(known_ext[0]); i++)
		if (strcmp(base_name(cmd), known_ext[i].cmd) == 0)
			return known_ext[i].ext;
	return NULL;
}

int
confrule_finish(struct log_rule *r, bool ext_set)
{
	const char *ext = NULL;

	if (r->dateformat == NULL && replace(&r->dateformat,
	    r->frequency == FREQ_HOURLY ? CONFRULE_DATEFORMAT_HOURLY :
	    CONFRULE_DATEFORMAT) == -1)
		return -1;
	if (r->compresscmd != NULL && !ext_set)
		ext = confrule_known_ext(r->compresscmd);
	else if (r->compressor == COMPRESSOR_ZSTD && !ext_set)
		ext = ".zst";
	if (ext != NULL && replace(&r->compressext, ext) == -1)
		return -1;
	if (r->compressext == NULL &&
	    replace(&r->compressext, CONFRULE_COMPRESSEXT) == -1)
		return -1;
	if (r->compressoptions == NULL &&
	    (r->compressoptions = calloc(1, sizeof(char *))) == NULL)
		return -1;
	/* The log stays in place: there is nothing to create. */
	if (r->copy || r->copytruncate)
		memset(&r->create, 0, sizeof(r->create));
	/* renamecopy and copytruncate exclude each other; the last one wins,
	 * which the reader settled already. */
	return fold_compressor(r);
}

static int
report(confrule_report_fn fn, void *arg, const struct log_rule *r,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fn(arg, r, fmt, ap);
	va_end(ap);
	return 1;
}

int
confrule_check(const struct log_rule *r, confrule_report_fn fn, void *arg)
{
	int n = 0;
	size_t i;

	for (i = 0; i < r->npatterns; i++)
		if (r->patterns[i][0] != '/')
			n += report(fn, arg, r, "log \"%s\": pattern \"%s\" is "
			    "not an absolute path", r->title, r->patterns[i]);
	if (r->copy && r->copytruncate)
		n += report(fn, arg, r, "log \"%s\": copy and copytruncate "
		    "exclude each other", r->title);
	if (r->dateext && r->dateformat != NULL && *r->dateformat == '\0')
		n += report(fn, arg, r, "log \"%s\": dateformat = \"\" with "
		    "dateext would name the log itself", r->title);
	/* These end up inside a file name next to the log. */
	if (r->dateformat != NULL && strchr(r->dateformat, '/') != NULL)
		n += report(fn, arg, r, "log \"%s\": dateformat must not "
		    "contain \"/\"", r->title);
	if (r->extension != NULL && strchr(r->extension, '/') != NULL)
		n += report(fn, arg, r, "log \"%s\": extension must not "
		    "contain \"/\"", r->title);
	if (r->addextension != NULL && strchr(r->addextension, '/') != NULL)
		n += report(fn, arg, r, "log \"%s\": addextension must not "
		    "contain \"/\"", r->title);
	if (r->compress && strchr(r->compressext, '/') != NULL)
		n += report(fn, arg, r, "log \"%s\": compressext must not "
		    "contain \"/\"", r->title);
	if (r->compressor == COMPRESSOR_GZIP && r->compresslevel > 9)
		n += report(fn, arg, r, "log \"%s\": compresslevel = %d: gzip's "
		    "levels are 1 to 9 (zstd's 1 to 19)", r->title,
		    r->compresslevel);
	if (r->maxtotal == 0)
		n += report(fn, arg, r, "log \"%s\": maxtotal must be more "
		    "than 0", r->title);
	/* maxtotal unlinks: shredding is rotate's removal alone (rotate.c) */
	if (r->maxtotal != SIZE_UNSET && r->shred)
		n += report(fn, arg, r, "log \"%s\": maxtotal with shred is not "
		    "supported", r->title);
	/* what maxtotal removes is not mailed: refused, not lost silently */
	if (r->maxtotal != SIZE_UNSET && r->mail != NULL)
		n += report(fn, arg, r, "log \"%s\": maxtotal with mail is not "
		    "supported", r->title);
	if (r->minsize != SIZE_UNSET && r->maxsize != SIZE_UNSET &&
	    r->minsize > r->maxsize)
		n += report(fn, arg, r, "log \"%s\": minsize is larger than "
		    "maxsize", r->title);
	return n;
}

static int
copy_str(char **dst, const char *src)
{
	if (src == NULL) {
		*dst = NULL;
		return 0;
	}
	return (*dst = strdup(src)) == NULL ? -1 : 0;
}

static int
copy_words(char ***dst, char *const *src, size_t n)
{
	size_t i;

	*dst = NULL;
	if (src == NULL)
		return 0;
	if ((*dst = calloc(n + 1, sizeof(char *))) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (((*dst)[i] = strdup(src[i])) == NULL)
			return -1;
	return 0;
}

int
confrule_copy(struct log_rule *dst, const struct log_rule *src)
{
	int rc = 0;

	*dst = *src;
	/* Every owned pointer again, so that a failure frees only copies. */
	dst->title = dst->file = dst->dateformat = dst->extension = NULL;
	dst->addextension = dst->olddir = dst->script_arg = NULL;
	dst->prerotate = dst->postrotate = dst->firstaction = NULL;
	dst->lastaction = dst->preremove = dst->mail = NULL;
	dst->compresscmd = dst->uncompresscmd = dst->compressext = NULL;
	dst->patterns = dst->compressoptions = NULL;
	rc |= copy_str(&dst->title, src->title);
	rc |= copy_str(&dst->file, src->file);
	rc |= copy_words(&dst->patterns, src->patterns, src->npatterns);
	rc |= copy_str(&dst->dateformat, src->dateformat);
	rc |= copy_str(&dst->extension, src->extension);
	rc |= copy_str(&dst->addextension, src->addextension);
	rc |= copy_str(&dst->olddir, src->olddir);
	rc |= copy_str(&dst->script_arg, src->script_arg);
	rc |= copy_str(&dst->prerotate, src->prerotate);
	rc |= copy_str(&dst->postrotate, src->postrotate);
	rc |= copy_str(&dst->firstaction, src->firstaction);
	rc |= copy_str(&dst->lastaction, src->lastaction);
	rc |= copy_str(&dst->preremove, src->preremove);
	rc |= copy_str(&dst->mail, src->mail);
	rc |= copy_str(&dst->compresscmd, src->compresscmd);
	rc |= copy_str(&dst->uncompresscmd, src->uncompresscmd);
	rc |= copy_str(&dst->compressext, src->compressext);
	rc |= copy_words(&dst->compressoptions, src->compressoptions,
	    src->ncompressoptions);
	if (rc != 0) {
		confrule_free(dst);
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void
confrule_free_words(char **words)
{
	size_t i;

	for (i = 0; words != NULL && words[i] != NULL; i++)
		free(words[i]);
	free(words);
}

void
confrule_free(struct log_rule *r)
{
	size_t i;

	free(r->title);
	for (i = 0; r->patterns != NULL && i < r->npatterns; i++)
		free(r->patterns[i]);
	free(r->patterns);
	free(r->file);
	free(r->dateformat);
	free(r->extension);
	free(r->addextension);
	free(r->olddir);
	free(r->script_arg);
	free(r->prerotate);
	free(r->postrotate);
	free(r->firstaction);
	free(r->lastaction);
	free(r->preremove);
	free(r->mail);
	free(r->compresscmd);
	free(r->uncompresscmd);
	free(r->compressext);
	confrule_free_words(r->compressoptions);
	memset(r, 0, sizeof(*r));
}

/* Appends C to the word being built in *W (length *LEN, room *CAP). */
static int
word_put(char **w, size_t *len, size_t *cap, char c)
{
	char *nw;

	if (*len + 2 > *cap) {
		*cap = *cap ? *cap * 2 : 32;
		if ((nw = realloc(*w, *cap)) == NULL)
			return -1;
		*w = nw;
	}
	(*w)[(*len)++] = c;
	(*w)[*len] = '\0';
	return 0;
}

static int
words_add(char ***words, size_t *n, char *w)
{
	char **nw;

	if ((nw = reallocarray(*words, *n + 2, sizeof(char *))) == NULL)
		return -1;
	*words = nw;
	nw[(*n)++] = w;
	nw[*n] = NULL;
	return 0;
}

/* Ends the word being built in *W, if it holds anything: popt keeps no "". */
static int
word_end(char ***words, size_t *n, char **w, size_t *len, size_t *cap)
{
	if (*len == 0)
		return 0;
	if (words_add(words, n, *w) == -1)
		return -1;
	*w = NULL;
	*len = *cap = 0;
	return 0;
}

int
confrule_split_words(const char *text, char ***words, size_t *n)
{
	const char *p;
	char *w = NULL, quote = '\0';
	size_t len = 0, cap = 0;
	int err = ENOMEM;

	*n = 0;
	if ((*words = calloc(1, sizeof(char *))) == NULL)
		return -1;
	for (p = text; *p != '\0'; p++) {
		if (quote != '\0' && *p == quote) {
			quote = '\0';
			continue;
		}
		if (quote == '\0' && strchr(" \t\n\r\f\v", *p) != NULL) {
			if (word_end(words, n, &w, &len, &cap) == -1)
				goto fail;
			continue;
		}
		if (quote == '\0' && (*p == '"' || *p == '\'')) {
			quote = *p;
			continue;
		}
		if (*p == '\\') {
			/* A backslash ending the text escapes nothing. */
			if (*++p == '\0') {
				err = EINVAL;
				goto fail;
			}
			/* Quoted, it stays unless it escapes the quote. */
			if (quote != '\0' && *p != quote &&
			    word_put(&w, &len, &cap, '\\') == -1)
				goto fail;
		}
		if (word_put(&w, &len, &cap, *p) == -1)
			goto fail;
	}
	if (quote != '\0') {
		err = EINVAL;
		goto fail;
	}
	if (word_end(words, n, &w, &len, &cap) == -1)
		goto fail;
	free(w);
	return 0;
fail:
	free(w);
	confrule_free_words(*words);
	*words = NULL;
	*n = 0;
	errno = err;
	return -1;
}
