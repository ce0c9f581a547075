/*
 * confrule.h: what both config readers (conf.c for mond.conf, lrconf.c for
 * logrotate's files) do to a struct log_rule once its directives are read:
 * the derived defaults, the checks across options, copying and freeing.
 * Internal to conf/.
 */
#ifndef MOND_CONFRULE_H
#define MOND_CONFRULE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "conf/conf.h"

#define CONFRULE_DATEFORMAT		"-%Y%m%d"
#define CONFRULE_DATEFORMAT_HOURLY	"-%Y%m%d%H"
#define CONFRULE_COMPRESSEXT		".gz"

/* A problem with rule R, at R's file and line: "what is wrong". */
typedef void (*confrule_report_fn)(void *arg, const struct log_rule *r,
	    const char *fmt, va_list ap);

/*
 * Completes R after its reader set what was written: dateformat's default
 * (with the hour for hourly rules), compressext's default and the one its
 * compresscmd implies (logrotate's table: gzip .gz, bzip2 .bz2, xz .xz,
 * zstd .zst, compress .Z, zip "zip") unless EXT_SET, and gzip and gunzip
 * with at most a level folded into mond's in-process zlib. The log stays in
 * place under copy and copytruncate, so any create is dropped, as logrotate
 * ignores it. Returns 0, or -1 on ENOMEM.
 */
int	confrule_finish(struct log_rule *r, bool ext_set);

/*
 * The extension logrotate's table gives the compressor CMD (its base name
 * is looked up: "/usr/bin/xz" gives ".xz"), or NULL for one it does not
 * know.
 */
const char *confrule_known_ext(const char *cmd);

/*
 * Reports through REPORT every combination in R the engine cannot honour
 * (a relative pattern, copy with copytruncate, a "/" in dateformat...).
 * Returns how many it reported.
 */
int	confrule_check(const struct log_rule *r, confrule_report_fn report,
	    void *arg);

/*
 * A deep copy of SRC into DST (zeroed first). Returns 0, or -1 on ENOMEM
 * with DST holding nothing to free.
 */
int	confrule_copy(struct log_rule *dst, const struct log_rule *src);

/* Frees what R owns (not R itself); R is zeroed. */
void	confrule_free(struct log_rule *r);

/*
 * Splits TEXT into words as logrotate's popt (poptParseArgvString) does:
 * blanks separate, '…' and "…" quote, a backslash takes the next character
 * as it is (inside quotes it stays, unless it escapes the quote), and an
 * empty word ("") is no word. *WORDS gets a NULL-terminated array (free
 * with confrule_free_words), *N its length, which may be 0 (popt's error;
 * the caller decides). Returns 0, or -1 with errno EINVAL (a backslash
 * ending TEXT, or an unclosed quote, which popt would take to the end) or
 * ENOMEM.
 */
int	confrule_split_words(const char *text, char ***words, size_t *n);
void	confrule_free_words(char **words);

#endif
