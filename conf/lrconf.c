/*
 * lrconf.c: conf_read_logrotate(), logrotate 3.21's configuration read as
 * logrotate reads it, into the same struct log_rule that mond.conf fills.
 * It owns what logrotate's readConfigPath and readConfigFile do around the
 * text: files, directories and their taboo lists, includes, the globals
 * that carry from file to file (and are put back after a file with an
 * error), and each stanza from its first path to its '}', with the
 * duplicate check. It reads and never creates, moves or globs anything:
 * mond globs at each pass, where logrotate globs while it parses.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/confrule.h"
#include "conf/lrconf.h"

/* logrotate refuses bigger files as "probably not a config file". */
#define MAX_FILE	0xffffffL

/* logrotate's defTabooExts; each becomes the pattern "*EXT". */
static const char *const taboo_exts[] = {
	",v", ".bak", ".cfsaved", ".disabled", ".dpkg-bak", ".dpkg-del",
	".dpkg-dist", ".dpkg-new", ".dpkg-old", ".dpkg-tmp", ".rhn-cfg-tmp-*",
	".rpmnew", ".rpmorig", ".rpmsave", ".swp", ".ucf-dist", ".ucf-new",
	".ucf-old", "~",
};

static int
vproblem(struct mond_conf *conf, const char *file, int line,
    enum conf_problem_kind kind, const char *fmt, va_list ap)
{
	char *text;
	int rc;

	if (vasprintf(&text, fmt, ap) == -1)
		return -1;
	rc = conf_problem(conf, file, line, kind, "%s", text);
	free(text);
	return rc;
}

int
lr_problem(struct lr_file *f, int line, enum conf_problem_kind kind,
    const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vproblem(f->rd->conf, f->path, line, kind, fmt, ap);
	va_end(ap);
	return rc;
}

/* A problem with a path: at the include naming it, else at the path. */
static int
path_problem(struct lr_reader *rd, struct lr_file *from, const char *path,
    const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	if (from != NULL)
		rc = vproblem(rd->conf, from->path, lr_line_at(from, from->pos),
		    CONF_PROBLEM_SKIPPED, fmt, ap);
	else
		rc = vproblem(rd->conf, path, 0, CONF_PROBLEM_SKIPPED, fmt, ap);
	va_end(ap);
	return rc == -1 ? -1 : 1;
}

/* ---- the taboo list ---- */

void
lr_taboo_free(char **list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

static int
taboo_add(char ***list, size_t *n, const char *prefix, const char *s,
    size_t len)
{
	char **nl, *p;

	if (asprintf(&p, "%s%.*s", prefix, (int)len, s) == -1)
		return -1;
	if ((nl = reallocarray(*list, *n + 1, sizeof(*nl))) == NULL) {
		free(p);
		return -1;
	}
	*list = nl;
	nl[(*n)++] = p;
	return 0;
}

int
lr_taboo_defaults(char ***list, size_t *n)
{
	size_t i;

	for (i = 0; i < sizeof(taboo_exts) / sizeof(taboo_exts[0]); i++)
		if (taboo_add(list, n, "*", taboo_exts[i],
		    strlen(taboo_exts[i])) == -1)
			return -1;
	return 0;
}

static int
taboo_init(struct lr_reader *rd)
{
	const struct mond_conf *conf = rd->conf;
	size_t i;

	if (conf->taboo == NULL)
		return lr_taboo_defaults(&rd->taboo, &rd->ntaboo);
	for (i = 0; i < conf->ntaboo; i++)
		if (taboo_add(&rd->taboo, &rd->ntaboo, "", conf->taboo[i],
		    strlen(conf->taboo[i])) == -1)
			return -1;
	return 0;
}

/*
 * tabooext (EXT true) or taboopat: "[+] a, b c". Without '+' the list is
 * replaced. Items split on blanks and commas; an empty extension is
 * dropped (it would taboo every file), an empty pattern kept.
 */
int
lr_taboo_set(struct lr_reader *rd, const char *list, bool ext)
{
	const char *p = list, *q;

	if (*p == '+')
		for (p++; *p == ' ' || (*p >= '\t' && *p <= '\r');)
			p++;
	else {
		lr_taboo_free(rd->taboo, rd->ntaboo);
		rd->taboo = NULL;
		rd->ntaboo = 0;
	}
	while (*p != '\0') {
		for (q = p; *q != '\0' && *q != ',' && *q != ' ' &&
		    (*q < '\t' || *q > '\r');)
			q++;
		if ((!ext || q > p) && taboo_add(&rd->taboo, &rd->ntaboo,
		    ext ? "*" : "", p, (size_t)(q - p)) == -1)
			return -1;
		p = q;
		if (*p == ',')
			p++;
		while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
			p++;
	}
	return 0;
}

bool
lr_taboo_name(char *const *list, size_t n, const char *name)
{
	size_t i;

	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return true;
	for (i = 0; i < n; i++)
		if (fnmatch(list[i], name, FNM_PERIOD) == 0) {
			conf_msg(CONF_MSG_DEBUG, "Ignoring %s, because of %s "
			    "pattern match", name, list[i]);
			return true;
		}
	return false;
}

/* ---- ~/ ---- */

/*
 * "~/..." in an include or olddir, from $HOME or the password database.
 * Returns 0 (*PATH replaced when it started so), 1 when no home is found
 * (said), -1 on ENOMEM.
 */
int
lr_expand_home(struct lr_file *f, int line, char **path)
{
	const char *home;
	struct passwd *pw;
	char *np;

	if ((*path)[0] != '~' || (*path)[1] != '/')
		return 0;
	if ((home = secure_getenv("HOME")) == NULL) {
		conf_msg(CONF_MSG_DEBUG, "cannot get HOME directory from "
		    "environment to replace ~/, trying password database...");
		errno = 0;
		if ((pw = getpwuid(getuid())) == NULL)
			return lr_problem(f, line, lr_raise_kind(f), "cannot "
			    "get passwd entry for running user %u: %s",
			    (unsigned int)getuid(), strerror(errno)) == -1 ?
			    -1 : 1;
		home = pw->pw_dir;
	}
	if (asprintf(&np, "%s/%s", home, *path + 2) == -1)
		return -1;
	conf_msg(CONF_MSG_DEBUG, "replaced '%s' with '%s'", *path, np);
	free(*path);
	*path = np;
	return 0;
}

/*
 * A pattern's leading "~" or "~user", as glob(3)'s GLOB_TILDE expands it
 * (logrotate globs with it). Unknown users stay as written.
 */
static char *
expand_tilde(const char *word)
{
	const char *slash, *home = NULL;
	struct passwd *pw;
	char *user, *s;

	if (word[0] != '~')
		return strdup(word);
	if ((slash = strchr(word, '/')) == NULL)
		slash = word + strlen(word);
	if (slash == word + 1) {
		if ((home = getenv("HOME")) == NULL &&
		    (pw = getpwuid(getuid())) != NULL)
			home = pw->pw_dir;
	} else {
		if ((user = strndup(word + 1, (size_t)(slash - word - 1))) ==
		    NULL)
			return NULL;
		if ((pw = getpwnam(user)) != NULL)
			home = pw->pw_dir;
		free(user);
	}
	if (home == NULL)
		return strdup(word);
	return asprintf(&s, "%s%s", home, slash) == -1 ? NULL : s;
}

/* ---- stanzas ---- */

static int
owner_add(struct lr_reader *rd, const char *file, int line,
    const struct log_rule *live, bool ignoredup)
{
	struct lr_owner *no;

	if ((no = reallocarray(rd->owners, rd->nowners + 1,
	    sizeof(*no))) == NULL)
		return -1;
	rd->owners = no;
	no = &rd->owners[rd->nowners];
	memset(no, 0, sizeof(*no));
	if ((no->file = strdup(file)) == NULL)
		return -1;
	no->line = line;
	no->live = live;
	no->ignoredup = ignoredup;
	rd->nowners++;
	return 0;
}

/* A place in conf->rules, kept in logrotate's order: a stanza's first line. */
static int
slot_reserve(struct lr_reader *rd, size_t *slot)
{
	struct mond_conf *conf = rd->conf;
	struct log_rule *nr;
	size_t cap;

	if (conf->nrules == rd->rules_cap) {
		cap = rd->rules_cap < 8 ? 16 : rd->rules_cap * 2;
		if ((nr = reallocarray(conf->rules, cap, sizeof(*nr))) == NULL)
			return -1;
		conf->rules = nr;
		rd->rules_cap = cap;
	}
	memset(&conf->rules[conf->nrules], 0, sizeof(conf->rules[0]));
	*slot = conf->nrules++;
	return 0;
}

int
lr_stanza_open(struct lr_file *f, int line)
{
	struct lr_reader *rd = f->rd;
	struct log_rule *r;
	size_t i;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return -1;
	if (confrule_copy(r, f->defs) == -1) {
		free(r);
		return -1;
	}
	/* Globals read into a stanza (an include inside one) bring its name. */
	free(r->title);
	for (i = 0; i < r->npatterns; i++)
		free(r->patterns[i]);
	free(r->patterns);
	free(r->file);
	free(r->script_arg);
	r->title = r->script_arg = NULL;
	r->npatterns = 0;
	r->line = line;
	if ((r->patterns = calloc(1, sizeof(char *))) == NULL ||
	    (r->file = strdup(f->path)) == NULL ||
	    owner_add(rd, f->path, line, r, false) == -1)
		goto fail;
	f->cur_owner = rd->nowners - 1;
	if (slot_reserve(rd, &f->cur_slot) == -1) {
		rd->owners[f->cur_owner].dead = true;
		rd->owners[f->cur_owner].live = NULL;
		goto fail;
	}
	f->cur = r;
	f->crit_set = false;
	return 0;
fail:
	confrule_free(r);
	free(r);
	return -1;
}

/* One path word of the stanza: ~ expanded, unless another stanza has it. */
int
lr_stanza_add(struct lr_file *f, const char *word)
{
	struct lr_reader *rd = f->rd;
	struct log_rule *r = f->cur;
	const struct lr_owner *o;
	char *p, **np;
	size_t *slot;
	bool found, ignore;
	int rc = 0;

	if ((p = expand_tilde(word)) == NULL)
		return -1;
	if ((slot = strmap_upsert(&rd->seen, p, f->cur_owner, &found)) == NULL)
		goto nomem;
	o = &rd->owners[*slot];
	if (found && o->dead)
		*slot = f->cur_owner;
	else if (found) {
		ignore = o->live != NULL ? o->live->ignoreduplicates :
		    o->ignoredup;
		if (ignore)
			conf_msg(CONF_MSG_DEBUG, "%s:%d ignore duplicate log "
			    "entry for %s", f->path, r->line, p);
		else {
			f->logerror = true;
			rc = lr_problem(f, r->line, CONF_PROBLEM_ERROR,
			    "duplicate log entry for %s (already in %s:%d)", p,
			    o->file, o->line);
		}
		free(p);
		return rc;
	}
	if ((np = reallocarray(r->patterns, r->npatterns + 2,
	    sizeof(*np))) == NULL)
		goto nomem;
	r->patterns = np;
	np[r->npatterns++] = p;
	np[r->npatterns] = NULL;
	return 0;
nomem:
	free(p);
	return -1;
}

static void
slot_remove(struct lr_reader *rd, size_t slot)
{
	struct mond_conf *conf = rd->conf;

	confrule_free(&conf->rules[slot]);
	memmove(&conf->rules[slot], &conf->rules[slot + 1],
	    (conf->nrules - slot - 1) * sizeof(conf->rules[0]));
	conf->nrules--;
}

/* The stanza is left out; its paths are free for later stanzas. */
int
lr_stanza_drop(struct lr_file *f)
{
	if (f->cur == NULL)
		return 0;
	confrule_free(f->cur);
	free(f->cur);
	f->cur = NULL;
	slot_remove(f->rd, f->cur_slot);
	f->rd->owners[f->cur_owner].dead = true;
	f->rd->owners[f->cur_owner].live = NULL;
	return 0;
}

struct check_ctx {
	struct lr_file	*f;
	int		 rc;
};

/* confrule_check's reporter: mond's own reasons to leave a stanza out. */
static void
report_check(void *arg, const struct log_rule *r, const char *fmt,
    va_list ap)
{
	struct check_ctx *ctx = arg;

	if (vproblem(ctx->f->rd->conf, r->file, r->line, CONF_PROBLEM_ERROR,
	    fmt, ap) == -1)
		ctx->rc = -1;
}

/* The stanza's '}': finished and checked as mond.conf's are, then kept. */
int
lr_stanza_close(struct lr_file *f)
{
	struct lr_reader *rd = f->rd;
	struct log_rule *r = f->cur;
	struct check_ctx ctx = { f, 0 };

	f->crit_set = false;
	/* Every path was another stanza's: nothing is left to rotate. */
	if (r->npatterns == 0) {
		conf_msg(CONF_MSG_DEBUG, "%s:%d: no log left in %s", f->path,
		    r->line, r->script_arg);
		return lr_stanza_drop(f);
	}
	/* logrotate copies and truncates when both are given. */
	if (r->copytruncate)
		r->copy = false;
	if ((r->title = strdup(r->patterns[0])) == NULL ||
	    confrule_finish(r, true) == -1)
		return -1;
	if (confrule_check(r, report_check, &ctx) > 0) {
		if (ctx.rc == -1 || lr_problem(f, r->line,
		    CONF_PROBLEM_SKIPPED, "found error in %s, skipping",
		    r->script_arg) == -1)
			return -1;
		return lr_stanza_drop(f);
	}
	rd->conf->rules[f->cur_slot] = *r;
	free(r);
	f->cur = NULL;
	rd->owners[f->cur_owner].ignoredup =
	    rd->conf->rules[f->cur_slot].ignoreduplicates;
	rd->owners[f->cur_owner].live = NULL;
	return 0;
}

/* ---- files and directories ---- */

/* The whole of an open regular file; NULL with errno. */
static char *
slurp(int fd, size_t size, size_t *len)
{
	char *buf;
	ssize_t n;

	if ((buf = malloc(size + 1)) == NULL)
		return NULL;
	for (*len = 0; *len < size; *len += (size_t)n)
		if ((n = read(fd, buf + *len, size - *len)) <= 0) {
			if (n == 0)
				break;
			if (errno == EINTR) {
				n = 0;
				continue;
			}
			free(buf);
			return NULL;
		}
	buf[*len] = '\0';
	return buf;
}

/*
 * As root, logrotate runs these files' scripts as root: it leaves out one
 * others could have written, and says so, and goes on (exit code 0).
 * Returns 1 when the file is left out, 0 when not, -1 on ENOMEM.
 */
static int
unsafe(struct lr_reader *rd, const char *path, const char *name,
    const struct stat *st)
{
	if (getuid() != 0)
		return 0;
	if ((st->st_mode & 07533) != 0400)
		conf_msg(CONF_MSG_WARNING, "Potentially dangerous mode on %s: "
		    "0%o", name, (unsigned int)(st->st_mode & 07777));
	if (st->st_mode & 0022)
		return conf_problem(rd->conf, path, 0, CONF_PROBLEM_IGNORED,
		    "Ignoring %s because it is writable by group or others.",
		    name) == -1 ? -1 : 1;
	if (st->st_uid != 0)
		return conf_problem(rd->conf, path, 0, CONF_PROBLEM_IGNORED,
		    "Ignoring %s because the file owner is wrong (should be "
		    "root or user with uid 0).", name) == -1 ? -1 : 1;
	return 0;
}

/*
 * Reads the file PATH (logrotate names it NAME) with DEFS as globals.
 * Returns 0, 1 when it had an error (logrotate's readConfigFile), -1 on
 * ENOMEM.
 */
static int
read_file(struct lr_reader *rd, const char *path, const char *name,
    const char *cwd, struct log_rule *defs)
{
	struct lr_file f = { .rd = rd, .path = path, .cwd = cwd,
	    .line_no = 1, .defs = defs };
	struct stat st;
	int fd, rc;

	/* Not O_NOFOLLOW: logrotate reads through links. */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY |
	    O_CLOEXEC)) == -1)
		return conf_problem(rd->conf, path, 0, CONF_PROBLEM_SKIPPED,
		    "failed to open config file %s: %s", name,
		    strerror(errno)) == -1 ? -1 : 1;
	if (fstat(fd, &st) == -1) {
		rc = conf_problem(rd->conf, path, 0, CONF_PROBLEM_SKIPPED,
		    "fstat of %s failed: %s", name, strerror(errno));
		goto done;
	}
	rc = 0;
	if (!S_ISREG(st.st_mode)) {
		conf_msg(CONF_MSG_DEBUG, "Ignoring %s because it's not a "
		    "regular file.", name);
		goto out;
	}
	if ((rc = unsafe(rd, path, name, &st)) != 0) {
		rc = rc == -1 ? -1 : 0;
		goto out;
	}
	if (st.st_size > MAX_FILE) {
		rc = conf_problem(rd->conf, path, 0, CONF_PROBLEM_SKIPPED,
		    "file %s too large, probably not a config file.", name);
		goto done;
	}
	if (st.st_size == 0) {
		conf_msg(CONF_MSG_DEBUG, "Ignoring %s because it's empty.",
		    name);
		goto out;
	}
	if ((f.buf = slurp(fd, (size_t)st.st_size, &f.len)) == NULL) {
		rc = errno == ENOMEM ? -1 : conf_problem(rd->conf, path, 0,
		    CONF_PROBLEM_SKIPPED, "Error reading config file %s: %s",
		    name, strerror(errno));
		goto done;
	}
	conf_msg(CONF_MSG_DEBUG, "reading config file %s", name);
	rc = lr_scan(&f);
	free(f.buf);
	goto out;
done:
	/* A problem said: the file had an error, unless saying it failed. */
	rc = rc == -1 ? -1 : 1;
out:
	close(fd);
	return rc;
}

static int
by_collation(const void *a, const void *b)
{
	return strcoll(*(char *const *)a, *(char *const *)b);
}

static int
add_name(char ***names, size_t *n, const char *name)
{
	char **nn;

	if ((nn = reallocarray(*names, *n + 1, sizeof(*nn))) == NULL)
		return -1;
	*names = nn;
	if ((nn[*n] = strdup(name)) == NULL)
		return -1;
	(*n)++;
	return 0;
}

/* What DEFS were before a file: put back when the file had an error. */
static int
read_restoring(struct lr_reader *rd, const char *path, const char *name,
    const char *cwd, struct log_rule *defs)
{
	struct log_rule backup;
	int rc;

	if (confrule_copy(&backup, defs) == -1)
		return -1;
	if ((rc = read_file(rd, path, name, cwd, defs)) == 1) {
		confrule_free(defs);
		*defs = backup;
		return 1;
	}
	confrule_free(&backup);
	return rc;
}

/* A directory: its files but the taboo ones, in strcoll order. */
static int
read_dir(struct lr_reader *rd, struct lr_file *from, const char *dir,
    struct log_rule *defs)
{
	char **names = NULL, *path;
	struct dirent *de;
	size_t i, n = 0;
	int rc = 0, one;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return path_problem(rd, from, dir, "cannot open directory %s: "
		    "%s", dir, strerror(errno));
	while ((de = readdir(d)) != NULL)
		if (!lr_taboo_name(rd->taboo, rd->ntaboo, de->d_name) &&
		    add_name(&names, &n, de->d_name) == -1) {
			rc = -1;
			break;
		}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), by_collation);
	for (i = 0; i < n && rc != -1; i++) {
		if (asprintf(&path, "%s%s%s", dir, dir[0] != '\0' &&
		    dir[strlen(dir) - 1] == '/' ? "" : "/", names[i]) == -1) {
			rc = -1;
			break;
		}
		if ((one = read_restoring(rd, path, names[i], dir, defs)) == 1 && conf_problem(rd->conf, path, 0,
		    CONF_PROBLEM_SKIPPED, "found error in file %s, skipping",
		    names[i]) == -1)
			one = -1;
		if (one != 0)
			rc = one;
		free(path);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

/*
 * logrotate's readConfigPath: PATH (relative to the directory FROM was
 * listed in, as logrotate has changed into it) is a file or a directory.
 * Returns 0, 1 when something in it had an error, -1 on ENOMEM.
 */
int
lr_read_path(struct lr_reader *rd, struct lr_file *from, const char *path,
    struct log_rule *defs)
{
	const char *cwd = from != NULL ? from->cwd : NULL;
	char *full = NULL;
	struct stat st;
	int rc;

	if (path[0] != '/' && cwd != NULL) {
		if (asprintf(&full, "%s/%s", cwd, path) == -1)
			return -1;
		path = full;
	}
	if (stat(path, &st) == -1)
		rc = path_problem(rd, from, path, "cannot stat %s: %s", path,
		    strerror(errno));
	else if (S_ISDIR(st.st_mode))
		rc = read_dir(rd, from, path, defs);
	else
		rc = read_restoring(rd, path, path, cwd, defs);
	free(full);
	return rc;
}

/* logrotate's built-in globals (readAllConfigPaths' defConfig). */
static void
builtin(struct log_rule *r)
{
	memset(r, 0, sizeof(*r));
	r->frequency = FREQ_NONE;
	r->size = 1024 * 1024;
	r->minsize = r->maxsize = r->maxtotal = SIZE_UNSET;
	r->rotate = 0;
	r->start = 1;
	r->ifempty = true;
	r->compresslevel = 6;
}

/* Every path mond.conf's stanzas name, so that a logrotate one loses it. */
static int
seed(struct lr_reader *rd)
{
	const struct log_rule *r;
	size_t i, k, *slot;
	bool found;

	rd->rules_cap = rd->conf->nrules;
	for (i = 0; i < rd->conf->nrules; i++) {
		r = &rd->conf->rules[i];
		if (owner_add(rd, r->file != NULL ? r->file : "?", r->line,
		    NULL, r->ignoreduplicates) == -1)
			return -1;
		for (k = 0; k < r->npatterns; k++)
			if ((slot = strmap_upsert(&rd->seen, r->patterns[k],
			    rd->nowners - 1, &found)) == NULL)
				return -1;
	}
	return 0;
}

int
conf_read_logrotate(struct mond_conf *conf, char *const *paths,
    size_t npaths)
{
	struct lr_reader rd = { .conf = conf };
	struct log_rule defs;
	size_t i;
	int rc = 0;

	builtin(&defs);
	if (taboo_init(&rd) == -1 || seed(&rd) == -1)
		rc = -1;
	for (i = 0; i < npaths && rc != -1; i++)
		if (lr_read_path(&rd, NULL, paths[i], &defs) == -1)
			rc = -1;
	confrule_free(&defs);
	lr_taboo_free(rd.taboo, rd.ntaboo);
	for (i = 0; i < rd.nowners; i++)
		free(rd.owners[i].file);
	free(rd.owners);
	strmap_free(&rd.seen);
	if (rc == -1)
		errno = ENOMEM;
	return rc;
}
