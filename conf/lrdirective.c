/*
 * lrdirective.c: what each logrotate 3.21 keyword does to the rule it is
 * read into (a stanza, or the globals), with logrotate's value syntax:
 * sizes through strtoull base 0 with its units, counts through strtol,
 * owners and modes as its sscanf reads them, and its messages. It only
 * sets fields of struct log_rule (and, for include and the taboo lists,
 * asks lrconf.c); the engine gives them meaning.
 */
#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "conf/confrule.h"
#include "conf/lrconf.h"

/* mond.conf's bound (confvalue.c): a shift's work stays bounded. */
#define MAX_ROTATE	100000

struct directive;
typedef enum lr_verdict (*directive_fn)(struct lr_file *, struct log_rule *,
    const struct directive *, int);

struct directive {
	const char	*name;
	directive_fn	 fn;
	size_t		 off;	/* a bool field of struct log_rule, or a script */
	int		 arg;
};

#define FIELD(f)	offsetof(struct log_rule, f)

static bool *
flag(struct log_rule *r, size_t off)
{
	return (bool *)((char *)r + off);
}

static char **
field(struct log_rule *r, size_t off)
{
	return (char **)((char *)r + off);
}

static enum lr_verdict
verdict(int rc)
{
	return rc == -1 ? LR_NOMEM : rc == 1 ? LR_RAISE : LR_OK;
}

/* A problem of a bad value: the stanza's (or the file's) end. */
static enum lr_verdict
bad(struct lr_file *f, int line, const char *fmt, const char *value)
{
	if (lr_problem(f, line, lr_raise_kind(f), fmt, value) == -1)
		return LR_NOMEM;
	return LR_RAISE;
}

static enum lr_verdict
set_flag(struct lr_file *f, struct log_rule *r, const struct directive *d,
    int line)
{
	(void)f;
	(void)line;
	*flag(r, d->off) = d->arg != 0;
	/* The two ways of leaving the log in place exclude each other. */
	if (d->off == FIELD(copytruncate) && d->arg)
		r->renamecopy = false;
	if (d->off == FIELD(renamecopy) && d->arg)
		r->copytruncate = false;
	return LR_OK;
}

/* nocreate, nocreateolddir: the mode and owner stay for a later create. */
static enum lr_verdict
no_create(struct lr_file *f, struct log_rule *r, const struct directive *d,
    int line)
{
	(void)f;
	(void)line;
	((struct create_spec *)(void *)flag(r, d->off))->enabled = false;
	return LR_OK;
}

/* noolddir, nomail. */
static enum lr_verdict
clear_str(struct lr_file *f, struct log_rule *r, const struct directive *d,
    int line)
{
	(void)f;
	(void)line;
	free(*field(r, d->off));
	*field(r, d->off) = NULL;
	return LR_OK;
}

static const char *
crit_name(enum freq freq)
{
	return freq == FREQ_NONE ? "size" : conf_freq_name(freq);
}

/* The last criterion given wins; the other half of it is unset. */
static void
set_crit(struct lr_file *f, struct log_rule *r, enum freq freq,
    long long size)
{
	if (f->crit_set && r->frequency != freq)
		conf_msg(CONF_MSG_DEBUG, "note: '%s' overrides previously "
		    "specified '%s'", crit_name(freq), crit_name(r->frequency));
	f->crit_set = true;
	r->frequency = freq;
	r->size = freq == FREQ_NONE ? size : SIZE_UNSET;
}

static enum lr_verdict
frequency(struct lr_file *f, struct log_rule *r, const struct directive *d,
    int line)
{
	(void)line;
	set_crit(f, r, (enum freq)d->arg, SIZE_UNSET);
	return LR_OK;
}

/* `weekly [0-7]`: a bad day ends the file, even inside a stanza. */
static enum lr_verdict
weekly(struct lr_file *f, struct log_rule *r, const struct directive *d,
    int line)
{
	const char *p;
	char *v, *end;
	unsigned long day;

	(void)d;
	set_crit(f, r, FREQ_WEEKLY, SIZE_UNSET);
	if ((v = lr_line(f, &f->pos)) == NULL)
		return LR_NOMEM;
	/* sscanf("%u%c") == 1: a number, alone. */
	for (p = v; isspace((unsigned char)*p); p++)
		;
	if (*p == '+' || *p == '-')
		p++;
	errno = 0;
	day = strtoul(v, &end, 10);
	if (*v == '\0' || (isdigit((unsigned char)*p) && *end == '\0' &&
	    errno == 0 && day <= 7)) {
		r->weekday = *v == '\0' ? 0 : (int)day;
		free(v);
		return LR_OK;
	}
	if (lr_problem(f, line, CONF_PROBLEM_SKIPPED, "bad weekly directive "
	    "'%s'", v) == -1) {
		free(v);
		return LR_NOMEM;
	}
	free(v);
	return LR_ABORT;
}

/* size, minsize, maxsize: N[k|K|M|G], N as strtoull base 0 reads it. */
static enum lr_verdict
size(struct lr_file *f, struct log_rule *r, const struct directive *d,
    int line)
{
	unsigned long long n, mult = 1;
	enum lr_verdict rv = LR_OK;
	char *v, *end;
	size_t l;
	int rc;

	/* No value is no error here, as in logrotate. */
	if ((rc = lr_value(f, &f->pos, d->name, CONF_PROBLEM_NOTE, &v)) != 0)
		return rc == -1 ? LR_NOMEM : LR_OK;
	if (*v == '\0')
		goto done;
	l = strlen(v) - 1;
	if (v[l] == 'k' || v[l] == 'K')
		mult = 1024;
	else if (v[l] == 'M')
		mult = 1024 * 1024;
	else if (v[l] == 'G')
		mult = 1024 * 1024 * 1024;
	else if (!isdigit((unsigned char)v[l])) {
		char unit[2] = { v[l], '\0' };

		rv = bad(f, line, "unknown unit '%s'", unit);
		goto done;
	}
	if (mult != 1)
		v[l] = '\0';
	errno = 0;
	n = strtoull(v, &end, 0);
	if (*end != '\0' || errno != 0 || n > (unsigned long long)LLONG_MAX /
	    mult) {
		rv = bad(f, line, "bad size '%s'", v);
		goto done;
	}
	n *= mult;
	/* logrotate's 0 is "unset" for the two bounds. */
	if (d->arg == 0)
		set_crit(f, r, FREQ_NONE, (long long)n);
	else if (d->arg == 1)
		r->minsize = n > 0 ? (long long)n : SIZE_UNSET;
	else
		r->maxsize = n > 0 ? (long long)n : SIZE_UNSET;
done:
	free(v);
	return rv;
}

/* rotate (arg 0), start (1), minage (2), maxage (3), shredcycles (4). */
static enum lr_verdict
count(struct lr_file *f, struct log_rule *r, const struct directive *d,
    int line)
{
	static const char *const what[] = { "rotate count", "start count",
	    "minage count", "maxage count", "shred cycles" };
	static const char *const msg[] = { "bad rotation count '%s'",
	    "bad start count '%s'", "bad minimum age '%s'",
	    "bad maximum age '%s'", "bad shred cycles '%s'" };
	int *const dest[] = { &r->rotate, &r->start, &r->minage, &r->maxage,
	    &r->shredcycles };
	enum lr_verdict rv = LR_OK;
	char *v, *end;
	int rc, n;

	if ((rc = lr_value(f, &f->pos, what[d->arg], lr_raise_kind(f),
	    &v)) != 0)
		return verdict(rc);
	/* Truncated to int as logrotate stores it. */
	if (d->arg == 0)
		n = (int)strtol(v, &end, 0);
	else
		n = (int)strtoul(v, &end, 0);
	if (*end != '\0' || n < (d->arg == 0 ? -1 : 0))
		rv = bad(f, line, msg[d->arg], v);
	else if (d->arg == 0 && n > MAX_ROTATE)
		rv = bad(f, line, "bad rotation count '%s' (mond keeps at "
		    "most 100000)", v);
	else
		*dest[d->arg] = n;
	free(v);
	return rv;
}

/* dateformat: no value is said and leaves the default. */
static enum lr_verdict
dateformat(struct lr_file *f, struct log_rule *r, const struct directive *d,
    int line)
{
	(void)d;
	(void)line;
	free(r->dateformat);
	return lr_value(f, &f->pos, "dateformat", CONF_PROBLEM_NOTE,
	    &r->dateformat) == -1 ? LR_NOMEM : LR_OK;
}

/* extension, addextension: the rest of the line, as it is. */
static enum lr_verdict
text(struct lr_file *f, struct log_rule *r, const struct directive *d,
    int line)
{
	const char *what = d->off == FIELD(extension) ? "extension name" :
	    "addextension name";
	char *v;
	int rc;

	(void)line;
	if ((rc = lr_value(f, &f->pos, what, lr_raise_kind(f), &v)) != 0)
		return verdict(rc);
	free(*field(r, d->off));
	*field(r, d->off) = v;
	conf_msg(CONF_MSG_DEBUG, "%s is now %s", d->name, v);
	return LR_OK;
}

/* logrotate's readPath: printable, no blank (UTF-8 taken as printable). */
static enum lr_verdict
path(struct lr_file *f, struct log_rule *r, const struct directive *d,
    int line)
{
	static const char *const what[] = { "olddir", "compress",
	    "uncompress", "compress-ext" };
	const unsigned char *p;
	char *v;
	int rc;

	if ((rc = lr_value(f, &f->pos, what[d->arg], lr_raise_kind(f),
	    &v)) != 0)
		return verdict(rc);
	for (p = (const unsigned char *)v; *p != '\0'; p++)
		if (*p <= ' ' || *p == 0x7f) {
			rc = lr_problem(f, line, lr_raise_kind(f), "bad %s path "
			    "%s", what[d->arg], v);
			free(v);
			return rc == -1 ? LR_NOMEM : LR_RAISE;
		}
	if (d->arg == 0 && (rc = lr_expand_home(f, line, &v)) != 0) {
		free(v);
		return verdict(rc);
	}
	free(*field(r, d->off));
	*field(r, d->off) = v;
	/* A known compressor names its extension now; compressext may follow. */
	if (d->off == FIELD(compresscmd) && confrule_known_ext(v) != NULL) {
		free(r->compressext);
		if ((r->compressext = strdup(confrule_known_ext(v))) == NULL)
			return LR_NOMEM;
	}
	return LR_OK;
}

/* logrotate's readAddress: printable ASCII, no space. */
static enum lr_verdict
mail(struct lr_file *f, struct log_rule *r, const struct directive *d,
    int line)
{
	size_t from = f->pos, to;
	enum lr_verdict rv;
	const char *p;
	char *v, *said;
	int rc;

	(void)d;
	free(r->mail);
	r->mail = NULL;
	if ((rc = lr_value(f, &f->pos, "mail", lr_raise_kind(f), &v)) != 0)
		return verdict(rc);
	for (p = v; *p > ' ' && *p < 0x7f; p++)
		;
	if (*p != '\0') {
		/* logrotate says the text from the keyword on, blank first. */
		for (to = from; to < f->len && f->buf[to] != '\n'; to++)
			;
		if ((said = strndup(f->buf + from, to - from)) == NULL)
			rv = LR_NOMEM;
		else
			rv = bad(f, line, "bad mail address %s", said);
		free(said);
		free(v);
		return rv;
	}
	r->mail = v;
	return LR_OK;
}

static enum lr_verdict
deprecated(struct lr_file *f, struct log_rule *r, const struct directive *d,
    int line)
{
	(void)r;
	(void)d;
	/* The rest of the line is read on as keywords, as logrotate does. */
	conf_msg(CONF_MSG_WARNING, "%s:%d: the errors directive is deprecated "
	    "and no longer used.", f->path, line);
	return LR_OK;
}

/* The script is the text from here to the start of the endscript line. */
static enum lr_verdict
script(struct lr_file *f, struct log_rule *r, const struct directive *d,
    int line)
{
	free(*field(r, d->off));
	*field(r, d->off) = NULL;
	f->script = field(r, d->off);
	f->script_start = f->pos;
	f->script_line = line;
	f->state = LR_SCRIPT;
	return LR_OK;
}

static enum lr_verdict
taboo(struct lr_file *f, struct log_rule *r, const struct directive *d,
    int line)
{
	char *v;
	int rc;

	(void)r;
	if (f->cur != NULL) {
		if (lr_problem(f, line, CONF_PROBLEM_ERROR, "%s may not appear "
		    "inside of log file definition", d->name) == -1)
			return LR_NOMEM;
		f->state = LR_ERROR;
		return LR_OK;
	}
	if ((rc = lr_value(f, &f->pos, d->name, CONF_PROBLEM_NOTE, &v)) != 0)
		return rc == -1 ? LR_NOMEM : LR_OK;
	rc = lr_taboo_set(f->rd, v, d->arg != 0);
	free(v);
	return rc == -1 ? LR_NOMEM : LR_OK;
}

static enum lr_verdict
include(struct lr_file *f, struct log_rule *r, const struct directive *d,
    int line)
{
	char *v;
	int rc;

	(void)d;
	if ((rc = lr_value(f, &f->pos, "include", lr_raise_kind(f), &v)) != 0)
		return verdict(rc);
	if ((rc = lr_expand_home(f, line, &v)) != 0) {
		free(v);
		return verdict(rc);
	}
	conf_msg(CONF_MSG_DEBUG, "including %s", v);
	if (f->rd->depth >= LR_MAX_NESTING) {
		f->logerror = true;
		rc = lr_problem(f, line, CONF_PROBLEM_SKIPPED, "include nesting "
		    "too deep");
	} else {
		f->rd->depth++;
		rc = lr_read_path(f->rd, f, v, r);
		f->rd->depth--;
		if (rc == 1)
			f->logerror = true;
	}
	free(v);
	return rc == -1 ? LR_NOMEM : LR_OK;
}

static enum lr_verdict
compressoptions(struct lr_file *f, struct log_rule *r,
    const struct directive *d, int line)
{
	char *v;
	int rc;

	(void)d;
	confrule_free_words(r->compressoptions);
	r->compressoptions = NULL;
	r->ncompressoptions = 0;
	if ((v = lr_line(f, &f->pos)) == NULL)
		return LR_NOMEM;
	rc = confrule_split_words(v, &r->compressoptions, &r->ncompressoptions);
	free(v);
	if (rc == -1 && errno == ENOMEM)
		return LR_NOMEM;
	if (rc == -1 || r->ncompressoptions == 0)
		return bad(f, line, "%s", "invalid compression options");
	return LR_OK;
}

/* create, createolddir: [MODE] [OWNER [GROUP]], what is not given kept. */
static enum lr_verdict
create(struct lr_file *f, struct log_rule *r, const struct directive *d,
    int line)
{
	struct create_spec *cs = (struct create_spec *)(void *)flag(r, d->off);
	struct lr_ids ids = { cs->has_mode, cs->has_uid, cs->has_gid,
	    cs->mode, cs->uid, cs->gid };
	char *v;
	int rc;

	if ((v = lr_line(f, &f->pos)) == NULL)
		return LR_NOMEM;
	rc = lr_parse_ids(f, line, v, d->name, true, &ids);
	free(v);
	if (rc != 0)
		return verdict(rc);
	cs->enabled = true;
	cs->has_mode = ids.has_mode;
	cs->has_uid = ids.has_uid;
	cs->has_gid = ids.has_gid;
	cs->mode = ids.mode;
	cs->uid = ids.uid;
	cs->gid = ids.gid;
	return LR_OK;
}

/* su USER GROUP: either may come from an earlier su. */
static enum lr_verdict
su(struct lr_file *f, struct log_rule *r, const struct directive *d,
    int line)
{
	struct lr_ids ids = { false, r->has_su, r->has_su, 0, r->su_uid,
	    r->su_gid };
	char *v;
	int rc;

	(void)d;
	if ((v = lr_line(f, &f->pos)) == NULL)
		return LR_NOMEM;
	rc = lr_parse_ids(f, line, v, "su", false, &ids);
	free(v);
	if (rc != 0)
		return verdict(rc);
	if (!ids.has_uid)
		return bad(f, line, "%s", "no user for su");
	if (!ids.has_gid)
		return bad(f, line, "%s", "no group for su");
	r->has_su = true;
	r->su_uid = ids.uid;
	r->su_gid = ids.gid;
	return LR_OK;
}

static const struct directive directives[] = {
	{ "compress", set_flag, FIELD(compress), 1 },
	{ "nocompress", set_flag, FIELD(compress), 0 },
	{ "delaycompress", set_flag, FIELD(delaycompress), 1 },
	{ "nodelaycompress", set_flag, FIELD(delaycompress), 0 },
	{ "shred", set_flag, FIELD(shred), 1 },
	{ "noshred", set_flag, FIELD(shred), 0 },
	{ "allowhardlink", set_flag, FIELD(allowhardlink), 1 },
	{ "noallowhardlink", set_flag, FIELD(allowhardlink), 0 },
	{ "sharedscripts", set_flag, FIELD(sharedscripts), 1 },
	{ "nosharedscripts", set_flag, FIELD(sharedscripts), 0 },
	{ "copytruncate", set_flag, FIELD(copytruncate), 1 },
	{ "nocopytruncate", set_flag, FIELD(copytruncate), 0 },
	{ "renamecopy", set_flag, FIELD(renamecopy), 1 },
	{ "norenamecopy", set_flag, FIELD(renamecopy), 0 },
	{ "copy", set_flag, FIELD(copy), 1 },
	{ "nocopy", set_flag, FIELD(copy), 0 },
	{ "ifempty", set_flag, FIELD(ifempty), 1 },
	{ "notifempty", set_flag, FIELD(ifempty), 0 },
	{ "dateext", set_flag, FIELD(dateext), 1 },
	{ "nodateext", set_flag, FIELD(dateext), 0 },
	{ "dateyesterday", set_flag, FIELD(dateyesterday), 1 },
	{ "datehourago", set_flag, FIELD(datehourago), 1 },
	{ "dateformat", dateformat, 0, 0 },
	{ "noolddir", clear_str, FIELD(olddir), 0 },
	{ "mailfirst", set_flag, FIELD(mailfirst), 1 },
	{ "maillast", set_flag, FIELD(mailfirst), 0 },
	{ "su", su, 0, 0 },
	{ "create", create, FIELD(create), 0 },
	{ "createolddir", create, FIELD(createolddir), 0 },
	{ "nocreateolddir", no_create, FIELD(createolddir), 0 },
	{ "nocreate", no_create, FIELD(create), 0 },
	{ "size", size, 0, 0 },
	{ "minsize", size, 0, 1 },
	{ "maxsize", size, 0, 2 },
	{ "shredcycles", count, 0, 4 },
	{ "hourly", frequency, 0, FREQ_HOURLY },
	{ "daily", frequency, 0, FREQ_DAILY },
	{ "monthly", frequency, 0, FREQ_MONTHLY },
	{ "weekly", weekly, 0, 0 },
	{ "yearly", frequency, 0, FREQ_YEARLY },
	{ "rotate", count, 0, 0 },
	{ "start", count, 0, 1 },
	{ "minage", count, 0, 2 },
	{ "maxage", count, 0, 3 },
	{ "errors", deprecated, 0, 0 },
	{ "mail", mail, 0, 0 },
	{ "nomail", clear_str, FIELD(mail), 0 },
	{ "missingok", set_flag, FIELD(missingok), 1 },
	{ "nomissingok", set_flag, FIELD(missingok), 0 },
	{ "ignoreduplicates", set_flag, FIELD(ignoreduplicates), 1 },
	{ "prerotate", script, FIELD(prerotate), 0 },
	{ "firstaction", script, FIELD(firstaction), 0 },
	{ "postrotate", script, FIELD(postrotate), 0 },
	{ "lastaction", script, FIELD(lastaction), 0 },
	{ "preremove", script, FIELD(preremove), 0 },
	{ "tabooext", taboo, 0, 1 },
	{ "taboopat", taboo, 0, 0 },
	{ "include", include, 0, 0 },
	{ "olddir", path, FIELD(olddir), 0 },
	{ "extension", text, FIELD(extension), 0 },
	{ "addextension", text, FIELD(addextension), 0 },
	{ "compresscmd", path, FIELD(compresscmd), 1 },
	{ "uncompresscmd", path, FIELD(uncompresscmd), 2 },
	{ "compressoptions", compressoptions, 0, 0 },
	{ "compressext", path, FIELD(compressext), 3 },
};

enum lr_verdict
lr_directive(struct lr_file *f, const char *key, size_t keylen, int line)
{
	struct log_rule *r = f->cur != NULL ? f->cur : f->defs;
	size_t i;

	for (i = 0; i < sizeof(directives) / sizeof(directives[0]); i++)
		if (strlen(directives[i].name) == keylen &&
		    memcmp(directives[i].name, key, keylen) == 0)
			return directives[i].fn(f, r, &directives[i], line);
	if (lr_problem(f, line, CONF_PROBLEM_NOTE, "unknown option '%.*s' -- "
	    "ignoring line", (int)keylen, key) == -1)
		return LR_NOMEM;
	if (lr_at(f, f->pos) != '\n')
		f->state = LR_SKIP_LINE;
	return LR_OK;
}
