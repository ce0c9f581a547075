/*
 * diffutil.c: builds the two trees of a differential scenario, renders one
 * stanza into logrotate's and mond's grammars, runs both tools and compares
 * what they leave. Everything happens under one mkdtemp directory; nothing
 * here touches a path outside it, and nothing here decides pass or fail.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "tests/diffutil.h"

static const char *const logrotate_paths[] = {
	"/usr/sbin/logrotate", "/sbin/logrotate", NULL
};

const char *
df_logrotate_bin(void)
{
	for (int i = 0; logrotate_paths[i] != NULL; i++)
		if (access(logrotate_paths[i], X_OK) == 0)
			return logrotate_paths[i];
	return NULL;
}

void
df_require_root(void)
{
	if (geteuid() != 0)
		cr_skip_test("needs root: logrotate refuses configs and log "
		    "dirs not owned by root, and scenarios chown files");
}

void
df_require_peer(void)
{
	df_require_root();
	if (df_logrotate_bin() == NULL)
		cr_skip_test("logrotate is not installed (apt-get install "
		    "logrotate; `make deps` does it)");
}

/*
 * TEXT with every "@D" replaced by ROOT, "@W" by today's weekday (0-6)
 * and "@V" by tomorrow's (malloc'd).
 */
static char *
subst(const char *text, const char *root)
{
	time_t now = time(NULL);
	struct tm tm;
	char *buf;
	size_t len;
	FILE *fp = open_memstream(&buf, &len);

	cr_assert_not_null(fp);
	localtime_r(&now, &tm);
	for (; *text != '\0'; text++) {
		if (text[0] == '@' && text[1] == 'D') {
			fputs(root, fp);
			text++;
		} else if (text[0] == '@' && (text[1] == 'W' || text[1] == 'V')) {
			fprintf(fp, "%d", (tm.tm_wday + (text[1] == 'V')) % 7);
			text++;
		} else
			fputc(*text, fp);
	}
	fclose(fp);
	return buf;
}

static bool
word_in(const char *word, const char *const list[])
{
	for (int i = 0; list[i] != NULL; i++)
		if (strcmp(word, list[i]) == 0)
			return true;
	return false;
}

static const char *const script_words[] = { "prerotate", "postrotate",
	"firstaction", "lastaction", "preremove", NULL };
static const char *const freq_words[] = { "hourly", "daily", "weekly",
	"monthly", "yearly", NULL };
static const char *const bool_words[] = { "compress", "delaycompress", "copy",
	"copytruncate", "missingok", "dateext", "dateyesterday",
	"sharedscripts", "ifempty", "allowhardlink", "mailfirst", "shred",
	"renamecopy", "datehourago", NULL };
static const char *const bare_words[] = { "rotate", "start", "maxage",
	"minage", "compresslevel", "size", "minsize", "maxsize", "shredcycles",
	NULL };

/* A libconfuse quoted string. */
static void
put_quoted(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', fp);
		fputc(*s, fp);
	}
	fputc('"', fp);
}

/* One body line "WORD ARGS" in logrotate's grammar. */
static void
put_lr_line(FILE *fp, const char *word, const char *args)
{
	if (strcmp(word, "compresslevel") == 0)
		fprintf(fp, "\tcompressoptions -%s\n", args);
	else if (word_in(word, script_words))
		fprintf(fp, "\t%s\n\t\t%s\n\tendscript\n", word, args);
	else
		fprintf(fp, "\t%s%s%s\n", word, *args ? " " : "", args);
}

/* The same line as a mond option (DESIGN §2). */
static void
put_mo_line(FILE *fp, const char *word, const char *args)
{
	if (word_in(word, freq_words)) {
		fprintf(fp, "\tfrequency = %s\n", word);
		if (*args != '\0')	/* logrotate's `weekly N` */
			fprintf(fp, "\tweekday = %s\n", args);
	} else if (strcmp(word, "maillast") == 0)
		fprintf(fp, "\tmailfirst = no\n");
	else if (strcmp(word, "notifempty") == 0)
		fprintf(fp, "\tifempty = no\n");
	else if (word_in(word, bool_words))
		fprintf(fp, "\t%s = yes\n", word);
	else if (word_in(word, bare_words))
		fprintf(fp, "\t%s = %s\n", word, args);
	else if ((strcmp(word, "create") == 0 ||
	    strcmp(word, "createolddir") == 0) && *args == '\0')
		fprintf(fp, "\t%s = yes\n", word);
	else {
		fprintf(fp, "\t%s = ", word);
		put_quoted(fp, args);
		fputc('\n', fp);
	}
}

/* Writes PATH (0644) from a memstream's text and frees it. */
static void
write_text(const char *path, char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	size_t len = strlen(text);

	cr_assert_neq(fd, -1, "%s: %s", path, strerror(errno));
	cr_assert_eq(write(fd, text, len), (ssize_t)len, "%s: write", path);
	cr_assert_eq(fchmod(fd, 0644), 0, "%s: %s", path, strerror(errno));
	cr_assert_eq(close(fd), 0, "%s: %s", path, strerror(errno));
	free(text);
}

/* Renders SC's stanza for one tool (LR: logrotate) with @D = ROOT. */
static char *
render(const struct df_scenario *sc, const struct df_run *run, bool lr)
{
	const char *root = lr ? run->lr : run->mo;
	char *paths = strdup(sc->paths), *body = subst(sc->body, root);
	char *buf, *save = NULL, *p, *line;
	size_t len;
	FILE *fp = open_memstream(&buf, &len);
	int n = 0;

	cr_assert(fp != NULL && paths != NULL);
	if (!lr) {
		fprintf(fp, "statefile = \"%s\"\ncontrol = \"%s/mond.sock\"\n"
		    "mail_command = \"%s/mailer\"\nmessages = \"\"\n"
		    "http {\n\tlisten = \"127.0.0.1\"\n\tport = 0\n}\n"
		    "applog {\n\tpath = \"%s/aux/mon.log\"\n}\n",
		    run->mo_state, run->dir, run->dir, run->dir);
	}
	for (p = strtok_r(paths, " ", &save); p != NULL;
	    p = strtok_r(NULL, " ", &save), n++) {
		if (lr)
			fprintf(fp, "\"%s/%s\" ", root, p);
		else if (n == 0)
			fprintf(fp, "log \"%s/%s\" {\n", root, p);
		else
			fprintf(fp, "%s\"%s/%s\"", n == 1 ? "\tfiles = {" :
			    ", ", root, p);
	}
	fputs(lr ? "{\n" : n > 1 ? "}\n" : "", fp);
	for (line = strtok_r(body, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		char *args = line + strcspn(line, " \t");

		if (*args != '\0')
			*args++ = '\0';
		args += strspn(args, " \t");
		if (lr)
			put_lr_line(fp, line, args);
		else
			put_mo_line(fp, line, args);
	}
	fputs("}\n", fp);
	fclose(fp);
	free(paths);
	free(body);
	return buf;
}

static char *
render_state(const struct df_scenario *sc, const char *root, time_t now)
{
	char *buf;
	size_t len;
	FILE *fp = open_memstream(&buf, &len);

	cr_assert_not_null(fp);
	fputs("logrotate state -- version 2\n", fp);
	if (sc->state_extra != NULL)
		fputs(sc->state_extra, fp);
	for (int i = 0; i < DF_MAX_STATE && sc->state[i].name != NULL; i++) {
		time_t t = now - (time_t)sc->state[i].days_ago * 86400;
		struct tm tm;

		localtime_r(&t, &tm);
		fprintf(fp, "\"%s/%s\" %d-%d-%d-%d:%d:%d\n", root,
		    sc->state[i].name, tm.tm_year + 1900, tm.tm_mon + 1,
		    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	}
	fclose(fp);
	return buf;
}

static void
build_tree(const struct df_scenario *sc, const char *root, time_t base)
{
	cr_assert_eq(mkdir(root, 0755), 0, "%s: %s", root, strerror(errno));
	cr_assert_eq(chmod(root, 0755), 0);
	for (int i = 0; i < DF_MAX_FILES && sc->files[i].name != NULL; i++) {
		const struct df_file *f = &sc->files[i];
		char *path = tu_path(root, f->name);
		size_t n = strlen(path);
		struct timespec ts[2];

		ts[0].tv_sec = ts[1].tv_sec = base - (time_t)f->age_days * 86400;
		ts[0].tv_nsec = ts[1].tv_nsec = 0;
		if (f->link != NULL) {
			char *to = tu_path(root, f->link);

			cr_assert_eq(link(to, path), 0, "%s: %s", path,
			    strerror(errno));
			free(to);
			free(path);
			continue;
		}
		if (path[n - 1] == '/') {
			path[n - 1] = '\0';
			cr_assert_eq(mkdir(path, 0700), 0, "%s: %s", path,
			    strerror(errno));
			cr_assert_eq(chmod(path, f->mode ? f->mode : 0755), 0);
		} else {
			tu_write_file(path, f->text ? f->text : "");
			cr_assert_eq(chmod(path, f->mode ? f->mode : 0644), 0,
			    "%s: %s", path, strerror(errno));
		}
		cr_assert_eq(utimensat(AT_FDCWD, path, ts, 0), 0, "%s: %s",
		    path, strerror(errno));
		free(path);
	}
}

void
df_prepare(const struct df_scenario *sc, struct df_run *run)
{
	time_t now = time(NULL);

	memset(run, 0, sizeof(*run));
	run->dir = tu_tmpdir();
	run->lr = tu_path(run->dir, "lr");
	run->mo = tu_path(run->dir, "mo");
	run->lr_conf = tu_path(run->dir, "lr.conf");
	run->mo_conf = tu_path(run->dir, "mo.conf");
	run->lr_state = tu_path(run->dir, "lr.state");
	run->mo_state = tu_path(run->dir, "mo.state");
	df_write_helpers(run);
	build_tree(sc, run->lr, now - 3600);
	build_tree(sc, run->mo, now - 3600);
	write_text(run->lr_conf, render(sc, run, true));
	write_text(run->mo_conf, render(sc, run, false));
	run->state_text[0] = render_state(sc, run->lr, now);
	run->state_text[1] = render_state(sc, run->mo, now);
	write_text(run->lr_state, strdup(run->state_text[0]));
	write_text(run->mo_state, strdup(run->state_text[1]));
}

void
df_cleanup(struct df_run *run)
{
	tu_rmtree(run->dir);
	free(run->dir);
	free(run->lr);
	free(run->mo);
	free(run->lr_conf);
	free(run->mo_conf);
	free(run->lr_state);
	free(run->mo_state);
	free(run->state_text[0]);
	free(run->state_text[1]);
}

void
df_append(const char *tree, const struct df_step *step)
{
	char *names, *save = NULL, *p;

	if (step->append == NULL)
		return;
	names = strdup(step->append);
	cr_assert_not_null(names);
	for (p = strtok_r(names, " ", &save); p != NULL;
	    p = strtok_r(NULL, " ", &save)) {
		char *path = tu_path(tree, p);
		FILE *fp = fopen(path, "a");

		cr_assert_not_null(fp, "%s: %s", path, strerror(errno));
		fputs(step->text ? step->text : "", fp);
		cr_assert_eq(fclose(fp), 0, "%s: %s", path, strerror(errno));
		free(path);
	}
	free(names);
}

struct tu_run
df_run_argv(const char *const argv[])
{
	struct tu_run r = { 0 };
	FILE *out = tmpfile(), *err = tmpfile();
	int status;
	pid_t pid;

	cr_assert(out != NULL && err != NULL, "tmpfile: %s", strerror(errno));
	pid = fork();
	cr_assert_neq(pid, -1, "fork: %s", strerror(errno));
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);

		dup2(devnull, 0);
		dup2(fileno(out), 1);
		dup2(fileno(err), 2);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) == -1)
		cr_assert_eq(errno, EINTR, "waitpid: %s", strerror(errno));
	r.status = WIFEXITED(status) ? WEXITSTATUS(status) :
	    128 + WTERMSIG(status);
	for (int i = 0; i < 2; i++) {
		FILE *fp = i ? err : out;
		long n = ftell(fp);
		char *buf = calloc(1, (size_t)(n > 0 ? n : 0) + 1);

		cr_assert_not_null(buf);
		rewind(fp);
		if (n > 0 && fread(buf, 1, (size_t)n, fp) != (size_t)n)
			buf[0] = '\0';
		fclose(fp);
		*(i ? &r.err : &r.out) = buf;
	}
	return r;
}

int
df_run_logrotate(struct df_run *run, enum df_how how, char **errp)
{
	char *mailer = tu_path(run->dir, "mailer");
	const char *argv[] = { df_logrotate_bin(), "-m", mailer, "-s",
		run->lr_state, run->lr_conf, NULL, NULL };
	struct tu_run r;
	int status;

	if (how == DF_FORCE) {
		argv[5] = "-f";
		argv[6] = run->lr_conf;
	}
	r = df_run_argv(argv);
	status = r.status;
	if (errp != NULL)
		*errp = strdup(r.err);
	tu_run_free(&r);
	free(mailer);
	return status;
}

struct tu_run
df_run_mond(struct df_run *run, enum df_how how, bool dry)
{
	const char *argv[8];
	int n = 0;

	argv[n++] = how == DF_FORCE ? "--force-rotate" : "--once";
	if (dry)
		argv[n++] = "--dry-run";
	argv[n++] = "-s";
	argv[n++] = run->mo_state;
	argv[n++] = "-c";
	argv[n++] = run->mo_conf;
	argv[n] = NULL;
	return tu_run_mond(argv);
}

/* One file or directory of a tree, as the comparisons see it. */
struct entry {
	char		*name;		/* relative to the tree */
	struct stat	 st;
	char		*raw;		/* regular files: the bytes */
	size_t		 rawlen;
	bool		 gz;		/* starts with gzip's magic */
	int		 xfl;		/* gzip header XFL (level hint), -1 */
	char		*text;		/* decompressed when gz, else raw */
	size_t		 textlen;
};

struct tree {
	struct entry	*v;
	size_t		 n, cap;
};

/* The whole gzip stream RAW inflated, or NULL when it is corrupt. */
static char *
gunzip(const char *raw, size_t rawlen, size_t *lenp)
{
	z_stream zs = { 0 };
	size_t cap = rawlen * 4 + 64, len = 0;
	char *out = malloc(cap + 1);
	int rc;

	cr_assert_not_null(out);
	cr_assert_eq(inflateInit2(&zs, 16 + MAX_WBITS), Z_OK);
	zs.next_in = (Bytef *)raw;
	zs.avail_in = (uInt)rawlen;
	do {
		if (cap - len < 4096) {
			cap *= 2;
			out = realloc(out, cap + 1);
			cr_assert_not_null(out);
		}
		zs.next_out = (Bytef *)out + len;
		zs.avail_out = (uInt)(cap - len);
		rc = inflate(&zs, Z_NO_FLUSH);
		len = cap - zs.avail_out;
	} while (rc == Z_OK);
	inflateEnd(&zs);
	if (rc != Z_STREAM_END) {
		free(out);
		return NULL;
	}
	out[len] = '\0';
	*lenp = len;
	return out;
}

static void
walk(struct tree *t, const char *root, const char *rel)
{
	char *dirpath = *rel ? tu_path(root, rel) : strdup(root);
	DIR *d = opendir(dirpath);
	struct dirent *de;

	cr_assert_not_null(d, "%s: %s", dirpath, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		struct entry *e;
		char *path;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (t->n == t->cap) {
			t->cap = t->cap ? t->cap * 2 : 16;
			t->v = realloc(t->v, t->cap * sizeof(*t->v));
			cr_assert_not_null(t->v);
		}
		e = &t->v[t->n++];
		memset(e, 0, sizeof(*e));
		e->xfl = -1;
		e->name = *rel ? tu_path(rel, de->d_name) : strdup(de->d_name);
		path = tu_path(root, e->name);
		cr_assert_eq(lstat(path, &e->st), 0, "%s: %s", path,
		    strerror(errno));
		if (S_ISDIR(e->st.st_mode)) {
			free(path);
			walk(t, root, e->name);
			continue;
		}
		if (S_ISREG(e->st.st_mode)) {
			e->raw = tu_read_file(path, &e->rawlen);
			cr_assert_not_null(e->raw, "%s: %s", path, strerror(errno));
			e->gz = e->rawlen >= 10 && (unsigned char)e->raw[0] == 0x1f &&
			    (unsigned char)e->raw[1] == 0x8b;
			if (e->gz) {
				e->xfl = (unsigned char)e->raw[8];
				e->text = gunzip(e->raw, e->rawlen, &e->textlen);
			}
			if (e->text == NULL) {
				e->text = e->raw;
				e->textlen = e->rawlen;
			}
		}
		free(path);
	}
	closedir(d);
	free(dirpath);
}

static int
entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name,
	    ((const struct entry *)b)->name);
}

static struct tree
tree_load(const char *root)
{
	struct tree t = { 0 };

	walk(&t, root, "");
	if (t.n > 0)
		qsort(t.v, t.n, sizeof(*t.v), entry_cmp);
	return t;
}

static void
tree_free(struct tree *t)
{
	for (size_t i = 0; i < t->n; i++) {
		if (t->v[i].text != t->v[i].raw)
			free(t->v[i].text);
		free(t->v[i].raw);
		free(t->v[i].name);
	}
	free(t->v);
}

/* Up to 120 bytes of S, newlines shown as \n, for messages. */
static void
put_excerpt(FILE *fp, const char *s, size_t len)
{
	fputc('"', fp);
	for (size_t i = 0; i < len && i < 120; i++) {
		if (s[i] == '\n')
			fputs("\\n", fp);
		else if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			fprintf(fp, "\\x%02x", (unsigned char)s[i]);
		else
			fputc(s[i], fp);
	}
	fputs(len > 120 ? "\"..." : "\"", fp);
}

static void
cmp_entry(FILE *fp, const struct entry *a, const struct entry *b)
{
	const char *n = a->name;

	if ((a->st.st_mode & S_IFMT) != (b->st.st_mode & S_IFMT)) {
		fprintf(fp, "  %s: type %o (logrotate) vs %o (mond)\n", n,
		    a->st.st_mode & S_IFMT, b->st.st_mode & S_IFMT);
		return;
	}
	if ((a->st.st_mode & 07777) != (b->st.st_mode & 07777))
		fprintf(fp, "  %s: mode %04o (logrotate) vs %04o (mond)\n", n,
		    a->st.st_mode & 07777, b->st.st_mode & 07777);
	if (a->st.st_uid != b->st.st_uid || a->st.st_gid != b->st.st_gid)
		fprintf(fp, "  %s: owner %u:%u (logrotate) vs %u:%u (mond)\n", n,
		    a->st.st_uid, a->st.st_gid, b->st.st_uid, b->st.st_gid);
	if (!S_ISREG(a->st.st_mode))
		return;
	if (a->gz != b->gz)
		fprintf(fp, "  %s: %s (logrotate) vs %s (mond)\n", n,
		    a->gz ? "gzip" : "plain", b->gz ? "gzip" : "plain");
	else if (a->xfl != b->xfl)
		fprintf(fp, "  %s: gzip XFL (level) %d (logrotate) vs %d (mond)\n",
		    n, a->xfl, b->xfl);
	if (a->textlen != b->textlen || memcmp(a->text, b->text, a->textlen)) {
		fprintf(fp, "  %s: content%s ", n, a->gz ? " (gunzipped)" : "");
		put_excerpt(fp, a->text, a->textlen);
		fputs(" (logrotate) vs ", fp);
		put_excerpt(fp, b->text, b->textlen);
		fputs(" (mond)\n", fp);
	}
}

/* Closes a memstream; its text, or NULL when nothing was written. */
static char *
finish(FILE *fp, char **bufp, size_t *lenp)
{
	fclose(fp);
	if (*lenp == 0) {
		free(*bufp);
		return NULL;
	}
	return *bufp;
}

char *
df_tree_diff(const char *lr, const char *mo)
{
	struct tree a = tree_load(lr), b = tree_load(mo);
	size_t i = 0, j = 0, len;
	char *buf;
	FILE *fp = open_memstream(&buf, &len);

	cr_assert_not_null(fp);
	while (i < a.n || j < b.n) {
		int c = i == a.n ? 1 : j == b.n ? -1 :
		    strcmp(a.v[i].name, b.v[j].name);

		if (c < 0)
			fprintf(fp, "  %s: only in logrotate's tree\n",
			    a.v[i++].name);
		else if (c > 0)
			fprintf(fp, "  %s: only in mond's tree\n", b.v[j++].name);
		else
			cmp_entry(fp, &a.v[i++], &b.v[j++]);
	}
	tree_free(&a);
	tree_free(&b);
	return finish(fp, &buf, &len);
}

char *
df_tree_expect(const char *root, const char *const *expect)
{
	struct tree t = tree_load(root);
	size_t len, k;
	char *buf;
	FILE *fp = open_memstream(&buf, &len);
	bool *seen = calloc(t.n + 1, sizeof(*seen));

	cr_assert(fp != NULL && seen != NULL);
	for (; *expect != NULL; expect++) {
		const char *eq = strchr(*expect, '=');
		size_t nlen = eq ? (size_t)(eq - *expect) : strlen(*expect);
		bool dir = !eq && nlen > 0 && (*expect)[nlen - 1] == '/';

		for (k = 0; k < t.n; k++)
			if (strlen(t.v[k].name) == nlen - dir &&
			    strncmp(t.v[k].name, *expect, nlen - dir) == 0)
				break;
		if (k == t.n) {
			fprintf(fp, "  %.*s: missing from mond's tree\n",
			    (int)nlen, *expect);
			continue;
		}
		seen[k] = true;
		if (dir != S_ISDIR(t.v[k].st.st_mode))
			fprintf(fp, "  %s: wrong type\n", t.v[k].name);
		else if (eq && (t.v[k].textlen != strlen(eq + 1) ||
		    memcmp(t.v[k].text, eq + 1, t.v[k].textlen) != 0)) {
			fprintf(fp, "  %s: content ", t.v[k].name);
			put_excerpt(fp, t.v[k].text, t.v[k].textlen);
			fputs(" instead of ", fp);
			put_excerpt(fp, eq + 1, strlen(eq + 1));
			fputc('\n', fp);
		}
	}
	for (k = 0; k < t.n; k++)
		if (!seen[k])
			fprintf(fp, "  %s: unexpected in mond's tree\n",
			    t.v[k].name);
	free(seen);
	tree_free(&t);
	return finish(fp, &buf, &len);
}

static void
put_fingerprint(FILE *fp, const char *name, const struct stat *st,
    const char *raw, size_t rawlen)
{
	fprintf(fp, "%s %o %u:%u size=%lld mtime=%lld.%09ld crc=%08lx\n",
	    name, st->st_mode, st->st_uid, st->st_gid, (long long)st->st_size,
	    (long long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec,
	    raw ? crc32(0, (const Bytef *)raw, (uInt)rawlen) : 0UL);
}

char *
df_fingerprint(const char *root, const char *state)
{
	struct tree t = tree_load(root);
	struct stat st;
	size_t len, rawlen = 0;
	char *buf, *raw;
	FILE *fp = open_memstream(&buf, &len);

	cr_assert_not_null(fp);
	cr_assert_eq(lstat(root, &st), 0);
	put_fingerprint(fp, ".", &st, NULL, 0);
	for (size_t i = 0; i < t.n; i++)
		put_fingerprint(fp, t.v[i].name, &t.v[i].st, t.v[i].raw,
		    t.v[i].rawlen);
	if (lstat(state, &st) == 0) {
		raw = tu_read_file(state, &rawlen);
		put_fingerprint(fp, "(state file)", &st, raw, rawlen);
		free(raw);
	} else
		fputs("(state file) absent\n", fp);
	tree_free(&t);
	fclose(fp);
	return buf;
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char *
df_state_names(const char *path, const char *root)
{
	char *text = tu_read_file(path, NULL), *save = NULL, *line, *buf;
	char *names[64];
	size_t n = 0, len, rlen = strlen(root);
	FILE *fp = open_memstream(&buf, &len);

	cr_assert_not_null(fp);
	for (line = text ? strtok_r(text, "\n", &save) : NULL; line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		char *end;

		if (line[0] != '"' || (end = strchr(line + 1, '"')) == NULL)
			continue;
		*end = '\0';
		if (strncmp(line + 1, root, rlen) != 0 || line[1 + rlen] != '/')
			continue;
		/* A subset would compare equal where the whole differs. */
		cr_assert_lt(n, 64, "%s: more than 64 logs of %s", path, root);
		names[n++] = line + 2 + rlen;
	}
	if (n > 0)
		qsort(names, n, sizeof(*names), str_cmp);
	for (size_t i = 0; i < n; i++)
		fprintf(fp, "%s%s", i ? " " : "", names[i]);
	fclose(fp);
	free(text);
	return buf;
}
