/*
 * printconf.c: the canonical text of a loaded config, for `mond -t -v`.
 * Every option of every rule is written with defaults {} and built-ins
 * applied, in one fixed order, as valid mond.conf syntax, so the output
 * loads again to the same output. It only writes to the stream it is given.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"

/* Collects the first write error so callers check once, at the end. */
struct out {
	FILE	*fp;
	int	 err;
};

static void
put(struct out *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (vfprintf(o->fp, fmt, ap) < 0 && o->err == 0)
		o->err = errno ? errno : EIO;
	va_end(ap);
}

/*
 * A double-quoted libconfuse string. `$` is escaped because libconfuse
 * expands "${VAR}" inside double quotes; newlines stay literal so that
 * scripts read as scripts. Other control characters are "\xHH": libconfuse
 * reads at most two hex digits, where an octal escape followed by a digit
 * ("\014" "0") reads back as the bad escape "\0140".
 */
static void
put_quoted(struct out *o, const char *s)
{
	const unsigned char *p;

	put(o, "\"");
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\' || *p == '$')
			put(o, "\\%c", *p);
		else if (*p == '\n' || *p == '\t' || *p >= 0x20)
			put(o, "%c", *p);
		else
			put(o, "\\x%02x", *p);
	}
	put(o, "\"");
}

static void
put_str(struct out *o, const char *name, const char *value)
{
	if (value == NULL)
		return;
	put(o, "\t%s = ", name);
	put_quoted(o, value);
	put(o, "\n");
}

static void
put_bool(struct out *o, const char *name, bool value)
{
	put(o, "\t%s = %s\n", name, value ? "yes" : "no");
}

static void
put_size(struct out *o, const char *name, long long value)
{
	if (value != SIZE_UNSET)
		put(o, "\t%s = %lld\n", name, value);
}

/* Seconds in the largest unit that holds them exactly; nothing for 0. */
static void
put_duration(struct out *o, const char *name, long secs)
{
	static const struct { long len; char unit; } units[] = {
		{ 86400, 'd' }, { 3600, 'h' }, { 60, 'm' }, { 1, 's' },
	};
	size_t i;

	for (i = 0; secs > 0 && i < sizeof(units) / sizeof(units[0]); i++)
		if (secs % units[i].len == 0) {
			put(o, "\t%s = %ld%c\n", name, secs / units[i].len,
			    units[i].unit);
			return;
		}
}

static void
put_user(struct out *o, uid_t uid, bool space)
{
	struct passwd *pw = getpwuid(uid);

	if (pw != NULL)
		put(o, "%s%s", space ? " " : "", pw->pw_name);
	else
		put(o, "%s%lu", space ? " " : "", (unsigned long)uid);
}

static void
put_group(struct out *o, gid_t gid)
{
	struct group *gr = getgrgid(gid);

	if (gr != NULL)
		put(o, " %s", gr->gr_name);
	else
		put(o, " %lu", (unsigned long)gid);
}

static void
put_create(struct out *o, const char *name, const struct create_spec *cs)
{
	if (!cs->enabled || (!cs->has_mode && !cs->has_uid)) {
		put(o, "\t%s = %s\n", name, cs->enabled ? "yes" : "no");
		return;
	}
	/* logrotate's `create root adm` keeps the log's mode. */
	if (cs->has_mode)
		put(o, "\t%s = \"%04o", name, (unsigned int)cs->mode);
	else
		put(o, "\t%s = \"", name);
	if (cs->has_uid)
		put_user(o, cs->uid, cs->has_mode);
	if (cs->has_gid)
		put_group(o, cs->gid);
	put(o, "\"\n");
}

/* compressoptions as one string that splits back into the same words. */
static void
put_words(struct out *o, const char *name, char *const *words, size_t n)
{
	const char *p;
	size_t i, len = 1;
	char *s, *q;

	if (n == 0)
		return;
	for (i = 0; i < n; i++)
		len += 2 * strlen(words[i]) + 3;
	if ((s = malloc(len)) == NULL) {
		if (o->err == 0)
			o->err = ENOMEM;
		return;
	}
	q = s;
	for (i = 0; i < n; i++) {
		if (i > 0)
			*q++ = ' ';
		if (words[i][0] == '\0') {
			*q++ = '"';
			*q++ = '"';
		}
		for (p = words[i]; *p != '\0'; p++) {
			if (strchr(" \t\n\r\f\v'\"\\", *p) != NULL)
				*q++ = '\\';
			*q++ = *p;
		}
	}
	*q = '\0';
	put_str(o, name, s);
	free(s);
}

static void
put_rule(struct out *o, const struct log_rule *r)
{
	size_t i;

	put(o, "\nlog ");
	put_quoted(o, r->title);
	put(o, " {\n");
	if (r->npatterns > 1) {
		put(o, "\tfiles = {");
		for (i = 1; i < r->npatterns; i++) {
			put(o, i > 1 ? ", " : "");
			put_quoted(o, r->patterns[i]);
		}
		put(o, "}\n");
	}
	put_str(o, "scriptarg", r->script_arg);
	if (r->frequency != FREQ_NONE)
		put(o, "\tfrequency = %s\n", conf_freq_name(r->frequency));
	if (r->frequency == FREQ_WEEKLY)
		put(o, "\tweekday = %d\n", r->weekday);
	put_size(o, "size", r->size);
	put_size(o, "minsize", r->minsize);
	put_size(o, "maxsize", r->maxsize);
	put_size(o, "maxtotal", r->maxtotal);
	put(o, "\trotate = %d\n\tstart = %d\n", r->rotate, r->start);
	put(o, "\tmaxage = %d\n\tminage = %d\n", r->maxage, r->minage);
	put_bool(o, "missingok", r->missingok);
	put_bool(o, "ifempty", r->ifempty);
	put_create(o, "create", &r->create);
	put_bool(o, "copy", r->copy);
	put_bool(o, "copytruncate", r->copytruncate);
	put_bool(o, "compress", r->compress);
	put_bool(o, "delaycompress", r->delaycompress);
	put_duration(o, "compresswhenclosed", r->compresswhenclosed);
	put(o, "\tcompressor = %s\n", conf_compressor_name(r->compressor));
	put(o, "\tcompresslevel = %d\n", r->compresslevel);
	put(o, "\tcompressthreads = %d\n", r->compressthreads);
	put_str(o, "compresscmd", r->compresscmd);
	put_words(o, "compressoptions", r->compressoptions,
	    r->ncompressoptions);
	put_str(o, "uncompresscmd", r->uncompresscmd);
	put_str(o, "compressext", r->compressext);
	put_bool(o, "dateext", r->dateext);
	put_str(o, "dateformat", r->dateformat);
	put_bool(o, "dateyesterday", r->dateyesterday);
	put_bool(o, "datehourago", r->datehourago);
	put_str(o, "extension", r->extension);
	put_str(o, "addextension", r->addextension);
	put_str(o, "olddir", r->olddir);
	put_create(o, "createolddir", &r->createolddir);
	put_bool(o, "sharedscripts", r->sharedscripts);
	if (r->has_su) {
		put(o, "\tsu = \"");
		put_user(o, r->su_uid, false);
		put_group(o, r->su_gid);
		put(o, "\"\n");
	}
	put_bool(o, "allowhardlink", r->allowhardlink);
	put_bool(o, "ignoreduplicates", r->ignoreduplicates);
	put_bool(o, "renamecopy", r->renamecopy);
	put_bool(o, "shred", r->shred);
	if (r->shred)
		put(o, "\tshredcycles = %d\n", r->shredcycles);
	put_str(o, "mail", r->mail);
	if (r->mail != NULL)
		put_bool(o, "mailfirst", r->mailfirst);
	put_str(o, "firstaction", r->firstaction);
	put_str(o, "prerotate", r->prerotate);
	put_str(o, "postrotate", r->postrotate);
	put_str(o, "preremove", r->preremove);
	put_str(o, "lastaction", r->lastaction);
	put(o, "}\n");
}

int
conf_print(const struct mond_conf *conf, FILE *fp)
{
	struct out o = { fp, 0 };
	size_t i;

	put(&o, "statefile = ");
	put_quoted(&o, conf->statefile);
	put(&o, "\ncontrol = ");
	put_quoted(&o, conf->control);
	put(&o, "\nmail_command = ");
	put_quoted(&o, conf->mail_command);
	put(&o, "\nlogrotate_state = ");
	put_quoted(&o, conf->logrotate_state);
	put(&o, "\nmessages = ");
	put_quoted(&o, conf->messages != NULL ? conf->messages : "");
	put(&o, "\n");
	if (conf->minfree_pct > 0)
		put(&o, "minfree = \"%d%%\"\n", conf->minfree_pct);
	else if (conf->minfree_bytes > 0)
		put(&o, "minfree = %lld\n", conf->minfree_bytes);
	/* The whole list as patterns: no default extension is added back. */
	if (conf->taboo != NULL) {
		put(&o, "tabooext = {}\ntaboopat = {");
		for (i = 0; i < conf->ntaboo; i++) {
			put(&o, i > 0 ? ", " : "");
			put_quoted(&o, conf->taboo[i]);
		}
		put(&o, "}\n");
	}
	/*
	 * No include_dir nor logrotate_conf: their rules are printed inline
	 * like the others, so the text stands alone and prints the same when
	 * loaded again.
	 */
	put(&o, "\nhttp {\n");
	put_str(&o, "listen", conf->http.listen);
	put(&o, "\tport = %d\n\ttimeout = %d\n", conf->http.port,
	    conf->http.timeout);
	put_bool(&o, "status", conf->http.status);
	put_bool(&o, "status_json", conf->http.status_json);
	put_bool(&o, "metrics", conf->http.metrics);
	put_str(&o, "user", conf->http.user);
	put(&o, "\tmax_clients = %d\n", conf->http.max_clients);
	put_str(&o, "status_allow", conf->http.status_allow);
	put(&o, "}\n");
	put(&o, "\napplog {\n");
	put_str(&o, "path", conf->applog.path);
	put(&o, "\tmaxbytes = %lld\n\tbackups = %d\n\tlevel = %s\n}\n",
	    conf->applog.maxbytes, conf->applog.backups,
	    conf->applog.level == APPLOG_INFO ? "info" : "debug");
	for (i = 0; i < conf->nrules; i++)
		put_rule(&o, &conf->rules[i]);
	if (fflush(fp) == EOF && o.err == 0)
		o.err = errno;
	if (o.err != 0) {
		errno = o.err;
		return -1;
	}
	return 0;
}
