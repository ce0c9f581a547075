/*
 * plan_names.c: the planner's pure helpers: the names of rotated files and
 * their recognition, the dry-run rendering of an action, and the calendar
 * arithmetic of plan_next_due(). Like plan.c it never touches a file; the
 * only libc state it reads is the time zone, through localtime_r/mktime.
 */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/plan.h"
#include "engine/plan_int.h"

#define NAME_MAX_STEM		(NAME_MAX + 1)
#define PATH_MAX_STEM		PATH_MAX

/* The strftime conversions logrotate allows in dateformat, and their widths. */
static int
spec_width(char c, int *field)
{
	static const char specs[] = "sYmdHMSV";
	static const int widths[] = { 10, 4, 2, 2, 2, 2, 2, 2 };
	const char *p;

	if (c == '\0' || (p = strchr(specs, c)) == NULL)
		return 0;
	*field = (int)(p - specs);	/* 7 (%V) is matched but not kept */
	return widths[p - specs];
}

static const char *
skip_spaces(const char *s)
{
	while (*s == ' ')
		s++;
	return s;
}

/*
 * Any other '%' is printed literally, as logrotate does, so a stray "%a"
 * can never make a name that the recognition below would not find again.
 */
static int
make_strf(const char *fmt, char *out, size_t len)
{
	size_t o = 0;
	int field;

	for (fmt = skip_spaces(fmt); *fmt != '\0'; fmt++) {
		if (o + 3 >= len)
			return -1;
		if (*fmt == '%' && spec_width(fmt[1], &field) > 0) {
			out[o++] = '%';
			out[o++] = *++fmt;
		} else if (*fmt == '%') {
			out[o++] = '%';
			out[o++] = '%';
		} else
			out[o++] = *fmt;
	}
	out[o] = '\0';
	return 0;
}

/*
 * logrotate's naming: `addextension` is cut from the name when the name
 * ends in it and is always the rotated names' ending; `extension` (checked
 * on what is left) is both only when the name ends in it.
 */
static size_t
cut_ext(const char *base, size_t blen, const char *ext, bool always,
    const char **out)
{
	size_t elen;

	if (ext == NULL || *ext == '\0')
		return blen;
	elen = strlen(ext);
	if (elen <= blen && strncmp(base + blen - elen, ext, elen) == 0) {
		*out = ext;
		return blen - elen;
	}
	if (always)
		*out = ext;
	return blen;
}

int
names_init(struct names *n, const struct log_rule *rule, const char *logbase,
    time_t now)
{
	size_t blen = strlen(logbase);
	struct tm tm;

	memset(n, 0, sizeof(*n));
	n->ext = "";
	n->comp = rule->compress ? plan_compext(rule) : "";
	blen = cut_ext(logbase, blen, rule->addextension, true, &n->ext);
	blen = cut_ext(logbase, blen, rule->extension, false, &n->ext);
	if ((n->base = strndup(logbase, blen)) == NULL)
		return -1;

	/* conf_load always sets it, hourly's default included. */
	assert(rule->dateformat != NULL);
	n->datefmt = rule->dateformat;
	if (make_strf(n->datefmt, n->strf, sizeof(n->strf)) == -1) {
		names_free(n);
		errno = EINVAL;
		return -1;
	}

	localtime_r(&now, &tm);
	if (rule->dateyesterday) {
		/* Noon keeps "yesterday" clear of DST's missing or double hour. */
		tm.tm_hour = 12;
		tm.tm_mday -= 1;
		tm.tm_isdst = -1;
		if (mktime(&tm) == (time_t)-1)
			localtime_r(&now, &tm);
	}
	if (rule->datehourago) {
		/* After dateyesterday, as logrotate: an hour before its noon. */
		tm.tm_hour -= 1;
		if (mktime(&tm) == (time_t)-1)
			localtime_r(&now, &tm);
	}
	if (strftime(n->date, sizeof(n->date), n->strf, &tm) == 0)
		n->date[0] = '\0';
	return 0;
}

const char *
plan_compext(const struct log_rule *rule)
{
	return rule->compressext != NULL ? rule->compressext : ".gz";
}

void
names_free(struct names *n)
{
	free(n->base);
	n->base = NULL;
}

int
names_numbered(const struct names *n, const char *cand, const char *suffix,
    long long *num)
{
	size_t blen = strlen(n->base);
	const char *p;
	long long v = 0;

	if (strncmp(cand, n->base, blen) != 0 || cand[blen] != '.')
		return 0;
	p = cand + blen + 1;
	if (!isdigit((unsigned char)*p) || (p[0] == '0' && isdigit((unsigned char)p[1])))
		return 0;
	for (; isdigit((unsigned char)*p); p++) {
		if (v > 100000000LL)
			return 0;
		v = v * 10 + (*p - '0');
	}
	if (strncmp(p, n->ext, strlen(n->ext)) != 0)
		return 0;
	p += strlen(n->ext);
	if (strcmp(p, suffix) != 0)
		return 0;
	*num = v;
	return 1;
}

/* 1 when P is exactly N's extension, then SUFFIX. */
static int
ext_then(const struct names *n, const char *p, const char *suffix)
{
	size_t elen = strlen(n->ext);

	return strncmp(p, n->ext, elen) == 0 && strcmp(p + elen, suffix) == 0;
}

/*
 * P past a taken date's counter ".N" into *END, N into *NUM: 1, or 0 when
 * P holds none (".0", ".01" and a number past NAMES_COUNTER_MAX included,
 * so that each counter has one name).
 */
static int
date_counter(const char *p, const char **end, long long *num)
{
	long long v = 0;

	if (p[0] != '.' || p[1] < '1' || p[1] > '9')
		return 0;
	for (p++; isdigit((unsigned char)*p); p++) {
		v = v * 10 + (*p - '0');
		if (v > NAMES_COUNTER_MAX)
			return 0;
	}
	*end = p;
	*num = v;
	return 1;
}

int
names_dated(const struct names *n, const char *cand, const char *suffix,
    struct datekey *key)
{
	size_t blen = strlen(n->base);
	const char *f, *p, *end;
	int w, field, i;
	long long v;

	memset(key, 0, sizeof(*key));
	if (strncmp(cand, n->base, blen) != 0)
		return 0;
	p = cand + blen;
	for (f = skip_spaces(n->datefmt); *f != '\0'; f++) {
		if (*f == '%' && (w = spec_width(f[1], &field)) > 0) {
			for (v = 0, i = 0; i < w; i++, p++) {
				if (!isdigit((unsigned char)*p))
					return 0;
				v = v * 10 + (*p - '0');
			}
			if (field < DATEKEY_COUNTER)	/* not %V's */
				key->f[field] = v;
			f++;
		} else if (*p++ != *f)
			return 0;
	}
	/* The name as logrotate makes it first: an odd extension stays one. */
	if (ext_then(n, p, suffix))
		return 1;
	if (!date_counter(p, &end, &v) || !ext_then(n, end, suffix))
		return 0;
	key->f[DATEKEY_COUNTER] = v;
	return 1;
}

int
datekey_cmp(const struct datekey *a, const struct datekey *b)
{
	size_t i;

	for (i = 0; i <= DATEKEY_COUNTER; i++)
		if (a->f[i] != b->f[i])
			return a->f[i] < b->f[i] ? -1 : 1;
	return 0;
}

int
plan_is_sibling(const struct log_rule *rule, const char *logname,
    const char *candidate)
{
	struct names n;
	struct datekey key;
	long long num;
	int yes;

	/* The date itself is irrelevant here; any `now` will do. */
	if (names_init(&n, rule, logname, 0) == -1)
		return 0;
	yes = names_numbered(&n, candidate, "", &num) ||
	    names_numbered(&n, candidate, plan_compext(rule), &num) ||
	    names_dated(&n, candidate, "", &key) ||
	    names_dated(&n, candidate, plan_compext(rule), &key);
	names_free(&n);
	return yes;
}

_Static_assert(sizeof(((struct plan_age *)0)->key) == sizeof(struct datekey),
    "plan_age holds a datekey");

int
plan_name_age(const struct log_rule *rule, const char *logname,
    const char *name, struct plan_age *age)
{
	struct names n;
	struct datekey key;
	long long num;
	size_t i;

	memset(age, 0, sizeof(*age));
	if (names_init(&n, rule, logname, 0) == -1)
		return 0;
	if (names_numbered(&n, name, "", &num) ||
	    names_numbered(&n, name, plan_compext(rule), &num)) {
		age->shape = 1;
		age->key[0] = -num;	/* LOG.1 is the newest */
	} else if (names_dated(&n, name, "", &key) ||
	    names_dated(&n, name, plan_compext(rule), &key)) {
		age->shape = 2;
		for (i = 0; i <= DATEKEY_COUNTER; i++)
			age->key[i] = key.f[i];
	}
	names_free(&n);
	return age->shape != 0;
}

int
plan_age_cmp(const struct plan_age *a, const struct plan_age *b)
{
	size_t i;

	if (a->shape == 0 || a->shape != b->shape)
		return 0;
	for (i = 0; i < sizeof(a->key) / sizeof(a->key[0]); i++)
		if (a->key[i] != b->key[i])
			return a->key[i] < b->key[i] ? -1 : 1;
	return 0;
}

/* The index of the first of SIB (N, sorted) that starts with BASE. */
static size_t
first_with_prefix(const struct plan_sibling *sib, size_t n, const char *base)
{
	size_t lo = 0, hi = n, mid, blen = strlen(base);

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strncmp(sib[mid].name, base, blen) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int
plan_family(const struct log_rule *rule, const char *logname,
    const struct plan_sibling *sib, size_t n, plan_member_fn cb, void *arg)
{
	const char *comp = plan_compext(rule);
	struct datekey key;
	struct names nm;
	long long num;
	size_t i, blen;

	if (names_init(&nm, rule, logname, 0) == -1)
		return -1;
	/* Every rotated name starts with the base: only those are judged. */
	blen = strlen(nm.base);
	for (i = first_with_prefix(sib, n, nm.base); i < n &&
	    strncmp(sib[i].name, nm.base, blen) == 0; i++)
		if (names_numbered(&nm, sib[i].name, "", &num) ||
		    names_numbered(&nm, sib[i].name, comp, &num) ||
		    names_dated(&nm, sib[i].name, "", &key) ||
		    names_dated(&nm, sib[i].name, comp, &key))
			cb(i, arg);
	names_free(&nm);
	return 0;
}

size_t
plan_date_width(const struct log_rule *rule)
{
	assert(rule->dateformat != NULL);
	const char *f = rule->dateformat;
	size_t n = 0;
	int w, field;

	/* What names_dated consumes: fixed-width fields, literal bytes. */
	for (f = skip_spaces(f); *f != '\0'; f++) {
		if (*f == '%' && (w = spec_width(f[1], &field)) > 0) {
			n += (size_t)w;
			f++;
		} else
			n++;
	}
	return n;
}

/* CB on G[0..cut) + G[from..to); 1 when CB says so. */
static int
try_stem(const char *g, size_t cut, size_t from, size_t to,
    plan_stem_fn cb, void *arg)
{
	char buf[NAME_MAX_STEM];
	size_t n = cut + (to - from);

	/* Called for every split of every log name a pass sees: no printf. */
	if (n == 0 || n >= sizeof(buf))
		return 0;
	memcpy(buf, g, cut);
	memcpy(buf + cut, g + from, to - from);
	buf[n] = '\0';
	return cb(buf, arg);
}

/*
 * NAME's rotation part is NAME[P..Q); what follows is an extension, then
 * a compressed suffix. Each way to split that rest (EXT and COMP as in
 * plan_unrotate) gives the stem NAME[0..P) + extension, and NAME[0..P)
 * alone for an extension that addextension added.
 */
static int
stems_after(const char *name, size_t len, size_t p, size_t q, const char *ext,
    const char *comp, plan_stem_fn cb, void *arg)
{
	size_t rlen = len - q, k, clen;

	for (k = 0; k <= rlen; k++) {
		clen = rlen - k;
		if (comp != NULL ? clen != 0 && (clen != strlen(comp) ||
		    strcmp(name + q + k, comp) != 0) : clen > PLAN_COMP_MAX)
			continue;
		if (ext != NULL && k != 0 && (k != strlen(ext) ||
		    strncmp(name + q, ext, k) != 0))
			continue;
		if (try_stem(name, p, q, q + k, cb, arg) ||
		    (k > 0 && try_stem(name, p, q, q, cb, arg)))
			return 1;
	}
	return 0;
}

/* Q past a run of ".DIGITS" at NAME[Q], or Q itself when none is there. */
static size_t
past_number(const char *name, size_t q)
{
	size_t e;

	if (name[q] != '.' || !isdigit((unsigned char)name[q + 1]))
		return q;
	for (e = q + 1; isdigit((unsigned char)name[e]); e++)
		;
	return e;
}

int
plan_unrotate(const char *name, const char *ext, const char *comp,
    size_t dlen, plan_stem_fn cb, void *arg)
{
	size_t len = strlen(name), p, q, c;

	for (p = 1; p < len; p++) {
		if (dlen == 0) {
			if ((q = past_number(name, p)) == p)
				continue;
		} else if ((q = p + dlen) > len)
			break;
		if (stems_after(name, len, p, q, ext, comp, cb, arg))
			return 1;
		/* a taken date's counter: LOG-DATE.N */
		if (dlen > 0 && (c = past_number(name, q)) != q &&
		    stems_after(name, len, p, c, ext, comp, cb, arg))
			return 1;
	}
	return 0;
}

struct own_arg {
	const struct log_rule	*rule;
	const char		*pattern, *dir, *name;
};

/* A stem that the rule's pattern matches and whose sibling NAME is. */
static int
own_stem(const char *stem, void *arg)
{
	struct own_arg *o = arg;
	char path[PATH_MAX_STEM];
	int n;

	n = snprintf(path, sizeof(path), "%s/%s", o->dir, stem);
	if (n < 0 || (size_t)n >= sizeof(path))
		return 0;
	return fnmatch(o->pattern, path, FNM_PATHNAME | FNM_PERIOD) == 0 &&
	    plan_is_sibling(o->rule, stem, o->name);
}

int
plan_is_rotated_by(const struct log_rule *rule, const char *pattern,
    const char *path)
{
	const char *slash = strrchr(path, '/');
	struct own_arg o = { rule, pattern, "", path };
	char dir[PATH_MAX_STEM];
	size_t dlen = rule->dateext ? plan_date_width(rule) : 0;

	/*
	 * Not fs_split_path: own_stem rebuilds DIR "/" STEM, so DIR is all
	 * before the last '/', "" for a log in / (not "/"), and without a
	 * slash too; a path too long for the buffer is not rotated.
	 */
	if (slash != NULL) {
		if ((size_t)(slash - path) >= sizeof(dir))
			return 0;
		memcpy(dir, path, (size_t)(slash - path));
		dir[slash - path] = '\0';
		o.dir = dir;
		o.name = slash + 1;
	}
	if (rule->extension != NULL && *rule->extension != '\0' &&
	    plan_unrotate(o.name, rule->extension, plan_compext(rule), dlen,
	    own_stem, &o))
		return 1;
	if (rule->addextension != NULL && *rule->addextension != '\0' &&
	    plan_unrotate(o.name, rule->addextension, plan_compext(rule), dlen,
	    own_stem, &o))
		return 1;
	return plan_unrotate(o.name, "", plan_compext(rule), dlen, own_stem,
	    &o);
}

const char *
plan_script_name(enum script_kind kind)
{
	switch (kind) {
	case SCRIPT_FIRSTACTION:
		return "firstaction";
	case SCRIPT_PREROTATE:
		return "prerotate";
	case SCRIPT_POSTROTATE:
		return "postrotate";
	case SCRIPT_PREREMOVE:
		return "preremove";
	case SCRIPT_LASTACTION:
		return "lastaction";
	}
	return "script";
}

static const char *
id_name(char *buf, size_t len, unsigned long id, const char *name)
{
	if (name != NULL)
		return name;
	snprintf(buf, len, "%lu", id);
	return buf;
}

/* "0640 root:adm", with "-" for an owner left as it is made. */
static void
attrs(const struct plan_action *a, char *buf, size_t len, plan_user_fn user,
    plan_group_fn group)
{
	char ub[32], gb[32];
	const char *u = "-", *g = "-";

	if (a->uid != (uid_t)-1)
		u = id_name(ub, sizeof(ub), (unsigned long)a->uid,
		    user != NULL ? user(a->uid) : NULL);
	if (a->gid != (gid_t)-1)
		g = id_name(gb, sizeof(gb), (unsigned long)a->gid,
		    group != NULL ? group(a->gid) : NULL);
	snprintf(buf, len, "%04o %s:%s", (unsigned)(a->mode & 07777), u, g);
}

/*
 * "gzip X", "zstd X" or "compress X with CMD", then what else it does,
 * bracketed.
 */
static int
render_compress(const struct plan_action *a, char *buf, size_t len)
{
	const char *slash = a->cmd != NULL ? strrchr(a->cmd, '/') : NULL;
	char extra[PATH_MAX + 64] = "";
	size_t o = 0;

	if (a->backup != NULL)
		o += (size_t)snprintf(extra, sizeof(extra), "%s exists: kept as "
		    "%s", a->to_name, a->backup);
	if (a->text != NULL && o < sizeof(extra))
		o += (size_t)snprintf(extra + o, sizeof(extra) - o, "%spreremove",
		    o > 0 ? "; " : "");
	if (a->shred && o < sizeof(extra))
		o += (size_t)snprintf(extra + o, sizeof(extra) - o, "%sshred %s",
		    o > 0 ? "; " : "", a->from_name);
	if (a->cmd == NULL)
		return snprintf(buf, len, "%s %s%s%s%s", a->zstd ? "zstd" :
		    "gzip", a->from,
		    o > 0 ? " (" : "", extra, o > 0 ? ")" : "");
	return snprintf(buf, len, "compress %s with %s%s%s%s", a->from,
	    slash != NULL ? slash + 1 : a->cmd, o > 0 ? " (" : "", extra,
	    o > 0 ? ")" : "");
}

int
plan_action_render(const struct plan_action *a, char *buf, size_t len,
    plan_user_fn user, plan_group_fn group)
{
	char at[96];

	switch (a->kind) {
	case ACT_MKDIR:
		attrs(a, at, sizeof(at), user, group);
		return snprintf(buf, len, "mkdir %s %s", a->from, at);
	case ACT_SCRIPT:
		return snprintf(buf, len, "run %s for %s",
		    plan_script_name(a->script), a->arg1);
	case ACT_RENAME:
		return snprintf(buf, len, "mv %s %s", a->from, a->to);
	case ACT_COPY:
		return snprintf(buf, len, "%s %s %s", !a->compressed ? "copy" :
		    a->zstd ? "copy+zstd" : "copy+gzip", a->from, a->to);
	case ACT_TRUNCATE:
		return snprintf(buf, len, "truncate %s", a->from);
	case ACT_CREATE:
		attrs(a, at, sizeof(at), user, group);
		return snprintf(buf, len, "create %s %s", a->from, at);
	case ACT_COMPRESS:
		return render_compress(a, buf, len);
	case ACT_REMOVE:
		return snprintf(buf, len, "%s %s", a->shred ? "shred" : "rm",
		    a->from);
	case ACT_MAIL:
		return snprintf(buf, len, "mail %s to %s%s%s%s%s", a->from,
		    a->address, strcmp(a->subject, a->from) != 0 ?
		    " (subject " : "", strcmp(a->subject, a->from) != 0 ?
		    a->subject : "", strcmp(a->subject, a->from) != 0 ? ")" : "",
		    a->uncompress ? " decompressed" : "");
	}
	return snprintf(buf, len, "?");
}

/*
 * The moment the calendar field FREQ compares next changes after LAST.
 * mktime() with tm_isdst = -1 normalises a midnight or hour that DST skips
 * to the first instant that exists.
 */
time_t
plan_next_due(const struct log_rule *rule, time_t last, time_t now)
{
	struct tm tm;

	if (rule->frequency == FREQ_NONE || rule->size >= 0)
		return (time_t)-1;
	if (last == 0)
		last = now;	/* first sight: the entry recorded now */
	if (last - now > 25 * 3600)
		return now;
	localtime_r(&last, &tm);
	tm.tm_min = 0;
	tm.tm_sec = 0;
	switch (rule->frequency) {
	case FREQ_HOURLY:
		tm.tm_hour += 1;
		break;
	case FREQ_DAILY:
		tm.tm_hour = 0;
		tm.tm_mday += 1;
		break;
	case FREQ_WEEKLY:
		/*
		 * The next `weekday` after LAST's date, no later than 7 days
		 * after it (weekday 7: exactly then).
		 */
		tm.tm_hour = 0;
		tm.tm_mday += rule->weekday < 0 || rule->weekday > 6 ? 7 :
		    (rule->weekday - tm.tm_wday + 6) % 7 + 1;
		break;
	case FREQ_MONTHLY:
		tm.tm_hour = 0;
		tm.tm_mday = 1;
		tm.tm_mon += 1;
		break;
	case FREQ_YEARLY:
		tm.tm_hour = 0;
		tm.tm_mday = 1;
		tm.tm_mon = 0;
		tm.tm_year += 1;
		break;
	case FREQ_NONE:
		return (time_t)-1;
	}
	tm.tm_isdst = -1;
	return mktime(&tm);
}

size_t
plan_date_widths(const struct mond_conf *conf, size_t *widths)
{
	size_t i, j, w, n = 0;

	for (i = 0; i < conf->nrules; i++) {
		w = plan_date_width(&conf->rules[i]);
		for (j = 0; j < n && widths[j] != w; j++)
			;
		if (j == n)
			widths[n++] = w;
	}
	return n;
}

struct rot_arg {
	const char	*name;
	plan_rule_fn	 rule_of;
	void		*arg;
};

static int
rot_stem(const char *stem, void *arg)
{
	struct rot_arg *a = arg;
	const struct log_rule *r = a->rule_of(stem, a->arg);

	return r != NULL && plan_is_sibling(r, stem, a->name);
}

int
plan_is_rotated_name(const char *name, const size_t *widths, size_t nwidths,
    plan_rule_fn rule_of, void *arg)
{
	struct rot_arg a = { name, rule_of, arg };
	size_t i;

	if (plan_unrotate(name, NULL, NULL, 0, rot_stem, &a))
		return 1;
	for (i = 0; i < nwidths; i++)
		if (widths[i] > 0 &&
		    plan_unrotate(name, NULL, NULL, widths[i], rot_stem, &a))
			return 1;
	return 0;
}
