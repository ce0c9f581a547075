/*
 * test_debian.c: mond against Debian's logrotate on the logrotate.d files
 * real Debian 12 packages ship (issue 11). The packages are downloaded
 * once per run (a report hook, before any test); each file is rewritten
 * once (debrewrite.c) to name a test tree, and three identical trees are
 * rotated three times: by /usr/sbin/logrotate, by mond under the name
 * logrotate with the same arguments, and by `mond -c` reading the file
 * through logrotate_conf. After each round the trees (names, modes,
 * owners, contents), the scripts' calls, the mail and the exit statuses
 * must be logrotate's. Logrotate's result is the spec: nothing here edits
 * it to suit mond. MOND_DIFF_KEEP=1 keeps the directories; without the
 * network the suite skips, unless MOND_CI is set, where it fails.
 */
#include <criterion/criterion.h>
#include <criterion/hooks.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tests/debrewrite.h"
#include "tests/diffutil.h"
#include "tests/testutil.h"

#define ENV_DIR		"MOND_DEBIAN_DIR"	/* set by the hook */
#define ENV_ERR		"MOND_DEBIAN_ERR"	/* why it has no packages */
#define ROUNDS		3	/* forced, then one unforced */
#define AGE_DAYS	40	/* the unforced round: daily to monthly due */
#define MIN_PACKAGES	30
#define NO_STATE	"/nonexistent"	/* df_fingerprint: the tree alone */

/*
 * Debian 12 packages shipping /etc/logrotate.d files (checked with
 * dpkg-deb -c), small ones preferred: the whole set is about 25 MB.
 */
#define PACKAGES(X) \
	X(apache2, "apache2") X(apt, "apt") X(apt_cacher, "apt-cacher") \
	X(apt_cacher_ng, "apt-cacher-ng") X(aptitude, "aptitude") \
	X(certbot, "certbot") X(chrony, "chrony") \
	X(conntrackd, "conntrackd") X(corosync, "corosync") \
	X(cups_daemon, "cups-daemon") X(dpkg, "dpkg") \
	X(e2guardian, "e2guardian") X(exim4_base, "exim4-base") \
	X(fail2ban, "fail2ban") X(hylafax_server, "hylafax-server") \
	X(icinga2_common, "icinga2-common") X(iptraf_ng, "iptraf-ng") \
	X(ircd_hybrid, "ircd-hybrid") X(jetty9, "jetty9") \
	X(libvirt_daemon_system, "libvirt-daemon-system") \
	X(lighttpd, "lighttpd") X(mailman3, "mailman3") X(mgetty, "mgetty") \
	X(minidlna, "minidlna") X(monit, "monit") X(mosquitto, "mosquitto") \
	X(mpd, "mpd") X(munin, "munin") X(munin_node, "munin-node") \
	X(nginx_common, "nginx-common") \
	X(postgresql_common, "postgresql-common") X(ppp, "ppp") \
	X(privoxy, "privoxy") X(prosody, "prosody") \
	X(pure_ftpd_common, "pure-ftpd-common") \
	X(redis_sentinel, "redis-sentinel") X(redis_server, "redis-server") \
	X(rkhunter, "rkhunter") X(rsyslog, "rsyslog") X(samba, "samba") \
	X(sane_utils, "sane-utils") X(shorewall, "shorewall") \
	X(slurmctld, "slurmctld") X(slurmd, "slurmd") \
	X(squidguard, "squidguard") X(sssd_common, "sssd-common") \
	X(tinyproxy, "tinyproxy") X(ufw, "ufw") X(ulogd2, "ulogd2") \
	X(unattended_upgrades, "unattended-upgrades") X(uwsgi, "uwsgi") \
	X(varnish, "varnish") X(vsftpd, "vsftpd") X(xrdp, "xrdp") \
	X(zabbix_agent, "zabbix-agent") X(logrotate, "logrotate")

#define NAME_OF(id, name)	name,
static const char *const packages[] = { PACKAGES(NAME_OF) NULL };

ReportHook(PRE_ALL)(struct criterion_test_set *set)
{
	char dir[] = "/tmp/mond-debian.XXXXXX", *why = NULL;

	(void)set;
	/* The tests skip without root before looking at the packages. */
	if (geteuid() != 0)
		return;
	if (mkdtemp(dir) == NULL) {
		setenv(ENV_ERR, strerror(errno), 1);
		return;
	}
	/* The workers are exec'd afresh: only the environment reaches them. */
	setenv(ENV_DIR, dir, 1);
	if (dr_fetch(dir, packages, &why) == -1)
		setenv(ENV_ERR, why != NULL ? why : "download failed", 1);
	free(why);
}

ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
	const char *dir = getenv(ENV_DIR);

	(void)stats;
	if (dir == NULL)
		return;
	if (getenv("MOND_DIFF_KEEP") != NULL)
		fprintf(stderr, "debian: packages kept in %s\n", dir);
	else
		tu_rmtree(dir);
}

/* The unpacked packages' directory; skips or fails the test without it. */
static const char *
unpacked(void)
{
	const char *err = getenv(ENV_ERR), *dir = getenv(ENV_DIR);

	df_require_peer();
	if (err != NULL || dir == NULL) {
		if (getenv("MOND_CI") != NULL)
			cr_assert_fail("MOND_CI: the packages are required: %s",
			    err ? err : "never fetched");
		cr_skip_test("no Debian packages: %s", err ? err : "never fetched");
	}
	return dir;
}

/* The logrotate.d files PKG ships, sorted (malloc'd names, NULL ends). */
static char **
shipped(const char *dir, const char *pkg, size_t *np)
{
	char *path, **v = NULL;
	struct dirent **ents;
	int n;

	cr_assert_neq(asprintf(&path, "%s/x/%s/etc/logrotate.d", dir, pkg), -1);
	n = scandir(path, &ents, NULL, alphasort);
	*np = 0;
	for (int i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.') {
			v = realloc(v, (*np + 2) * sizeof(*v));
			cr_assert_not_null(v);
			v[(*np)++] = tu_path(path, ents[i]->d_name);
			v[*np] = NULL;
		}
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
	free(path);
	return v;
}

/* Every package, then the count: the acceptance point's "at least 30". */
Test(debian, coverage)
{
	const char *dir = unpacked();
	int with = 0, files = 0;

	for (int i = 0; packages[i] != NULL; i++) {
		size_t n;
		char **v = shipped(dir, packages[i], &n);

		for (size_t k = 0; k < n; k++) {
			cr_log_info("%s: %s", packages[i], strrchr(v[k], '/') + 1);
			free(v[k]);
		}
		if (n == 0)
			cr_log_warn("%s: no logrotate.d file", packages[i]);
		with += n > 0;
		files += (int)n;
		free(v);
	}
	cr_log_info("%d logrotate.d files from %d packages", files, with);
	cr_assert_geq(with, MIN_PACKAGES, "only %d packages yielded a "
	    "logrotate.d file", with);
}

enum { LR, MO, MC, NSIDES };

static const char *const side_dir[NSIDES] = { "lr", "mo", "mc" };
static const char *const side_title[NSIDES] = { "logrotate",
	"mond as logrotate", "mond -c" };

/* One tree and what rotates it: DIR/tree, and DIR/run for the rest. */
struct side {
	char		*dir, *tree, *run, *conf, *state, *mailer, *mondconf;
	struct tu_run	 r;
};

/*
 * The running test's state, freed by the .fini hook so that a failed
 * assert (which ends the worker) leaves no temporary directory behind.
 */
static struct {
	char		*dir, *bin, *text, *msg;
	struct side	 s[NSIDES];
	struct dr_conf	 c;
} fx;

static void
side_free(struct side *s)
{
	free(s->dir);
	free(s->tree);
	free(s->run);
	free(s->conf);
	free(s->state);
	free(s->mailer);
	free(s->mondconf);
	tu_run_free(&s->r);
	memset(s, 0, sizeof(*s));
}

static void
fx_free(void)
{
	if (fx.dir != NULL) {
		if (getenv("MOND_DIFF_KEEP") != NULL)
			cr_log_warn("kept in %s", fx.dir);
		else
			tu_rmtree(fx.dir);
	}
	for (int i = 0; i < NSIDES; i++)
		side_free(&fx.s[i]);
	dr_free(&fx.c);
	free(fx.dir);
	free(fx.bin);
	free(fx.text);
	free(fx.msg);
	memset(&fx, 0, sizeof(fx));
}

TestSuite(debian, .fini = fx_free);

static void
write_mode(const char *path, const char *data, size_t len, mode_t mode)
{
	FILE *fp = fopen(path, "w");

	cr_assert_not_null(fp, "%s: %s", path, strerror(errno));
	cr_assert_eq(fwrite(data, 1, len, fp), len, "%s: write", path);
	cr_assert_eq(fclose(fp), 0, "%s: %s", path, strerror(errno));
	cr_assert_eq(chmod(path, mode), 0, "%s: %s", path, strerror(errno));
}

static void
mkdir_mode(const char *path, mode_t mode)
{
	cr_assert(mkdir(path, mode) == 0 || errno == EEXIST, "%s: %s", path,
	    strerror(errno));
	cr_assert_eq(chmod(path, mode), 0, "%s: %s", path, strerror(errno));
}

/*
 * mond's binary copied to DIR/bin/logrotate: mond takes logrotate's
 * command line by argv[0]'s name, and a symlink would keep its own.
 */
static char *
mond_as_logrotate(const char *dir)
{
	char *bindir = tu_path(dir, "bin"), *to = tu_path(bindir, "logrotate");
	size_t len;
	char *data = tu_read_file(tu_mond_bin(), &len);

	cr_assert_not_null(data, "%s: %s", tu_mond_bin(), strerror(errno));
	mkdir_mode(bindir, 0755);
	write_mode(to, data, len, 0755);
	free(data);
	free(bindir);
	return to;
}

/* The side's mailer: what `-m` (mail_command) is handed, noted. */
static void
write_mailer(const struct side *s)
{
	char *text;

	cr_assert_neq(asprintf(&text, "#!/bin/sh\n{ printf 'args:'; "
	    "printf ' %%s' \"$@\"; printf '\\n'; cat; printf '.\\n'; } "
	    ">> '%s/mail'\n", s->run), -1);
	write_mode(s->mailer, text, strlen(text), 0755);
	free(text);
}

static void
write_mondconf(const struct side *s)
{
	char *text;

	cr_assert_neq(asprintf(&text, "statefile = \"%s\"\n"
	    "control = \"%s/mond.sock\"\nmail_command = \"%s\"\n"
	    "http {\n\tlisten = \"127.0.0.1\"\n\tport = 0\n}\n"
	    "applog {\n\tpath = \"%s/mon/mon.log\"\n}\nmessages = \"%s/mond.log\"\n"
	    "logrotate_conf = \"%s\"\n", s->state, s->run, s->mailer, s->run,
	    s->run,
	    s->conf), -1);
	write_mode(s->mondconf, text, strlen(text), 0644);
	free(text);
}

/* Appends a line naming LOG and ROUND to the side's copy of LOG. */
static void
append_log(const struct side *s, const char *log, int round)
{
	char *path = tu_path(s->tree, log);
	FILE *fp = fopen(path, "a");

	cr_assert_not_null(fp, "%s: %s", path, strerror(errno));
	fprintf(fp, "%s: round %d line\n", log, round);
	cr_assert_eq(fclose(fp), 0, "%s: %s", path, strerror(errno));
	free(path);
}

/* The side's tree: each log (0644) in root-owned 0755 directories. */
static void
build_tree(const struct side *s, const struct dr_conf *c)
{
	mkdir_mode(s->tree, 0755);
	for (size_t i = 0; i < c->nlogs; i++) {
		char *path = tu_path(s->tree, c->logs[i]);

		for (char *p = path + strlen(s->tree) + 1;
		    (p = strchr(p, '/')) != NULL; p++) {
			*p = '\0';
			mkdir_mode(path, 0755);
			*p = '/';
		}
		free(path);
		append_log(s, c->logs[i], 0);
		path = tu_path(s->tree, c->logs[i]);
		cr_assert_eq(chmod(path, 0644), 0);
		free(path);
	}
}

static void
side_init(struct side *s, const char *name, const char *template)
{
	char *text;

	s->dir = tu_path(fx.dir, name);
	s->tree = tu_path(s->dir, "tree");
	s->run = tu_path(s->dir, "run");
	s->conf = tu_path(s->run, "logrotate.conf");
	s->state = tu_path(s->run, "state");
	s->mailer = tu_path(s->run, "mailer");
	s->mondconf = tu_path(s->run, "mond.conf");
	mkdir_mode(s->dir, 0755);
	mkdir_mode(s->run, 0755);
	text = dr_subst(template, s->dir);
	cr_assert_not_null(text);
	/* logrotate skips a config group- or world-writable, or not root's */
	write_mode(s->conf, text, strlen(text), 0644);
	free(text);
	write_mailer(s);
	build_tree(s, &fx.c);
}

/*
 * Runs side I's tool once, FORCEd or as cron runs it (logrotate without
 * -f, mond --once): then only what the state and the rules make due.
 */
static void
side_run(int i, bool force)
{
	struct side *s = &fx.s[i];
	const char *lr[] = { i == LR ? df_logrotate_bin() : fx.bin, "-f",
		"-s", s->state, "-m", s->mailer, s->conf, NULL };
	const char *mc[] = { tu_mond_bin(), "-c", s->mondconf,
		force ? "--force-rotate" : "--once", NULL };

	if (!force)
		memmove(&lr[1], &lr[2], 6 * sizeof(lr[0]));
	tu_run_free(&s->r);
	s->r = df_run_argv(i == MC ? mc : lr);
}

/*
 * Dates every entry of the state file PATH AGE_DAYS back, as a month and
 * more without a run would: the unforced round then rotates by each
 * stanza's own frequency and size rules, read from the state.
 */
static void
age_state(const char *path)
{
	char *text = tu_read_file(path, NULL), *save = NULL, *line, *buf;
	time_t t = time(NULL) - (time_t)AGE_DAYS * 86400;
	struct tm tm;
	size_t len;
	FILE *fp = open_memstream(&buf, &len);

	cr_assert(text != NULL && fp != NULL, "%s: %s", path, strerror(errno));
	localtime_r(&t, &tm);
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		char *end = line[0] == '"' ? strrchr(line, '"') : NULL;

		if (end == NULL || end == line)
			fprintf(fp, "%s\n", line);
		else
			fprintf(fp, "%.*s %d-%d-%d-%d:%d:%d\n",
			    (int)(end + 1 - line), line, tm.tm_year + 1900,
			    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
			    tm.tm_sec);
	}
	cr_assert_eq(fclose(fp), 0);
	write_mode(path, buf, len, 0640);
	free(buf);
	free(text);
}

/* Side I's record WHAT (scripts, mail), its tree's root written @TREE. */
static char *
record(int i, const char *what)
{
	char *path = tu_path(fx.s[i].run, what), *raw, *text;

	raw = tu_read_file(path, NULL);
	text = dr_replace(raw != NULL ? raw : "", fx.s[i].tree, "@TREE");
	cr_assert_not_null(text);
	free(raw);
	free(path);
	return text;
}

/*
 * Where mond differs from logrotate on purpose, for a whole file: the
 * trees, scripts and mail must still be logrotate's, but each tool must
 * exit as listed and logrotate must say LR_SAYS, so that the entry goes
 * stale (and fails) once either tool changes.
 */
static const struct documented {
	const char	*pkg, *file;
	bool		 globals;	/* under Debian's logrotate.conf */
	int		 lr_status, mond_status;
	const char	*lr_says;
} documented[] = {
	/*
	 * mond.conf(5), DIFFERENCES FROM LOGROTATE: copytruncate with rotate
	 * 0 (xrdp sets no `rotate`) and compress only empties the log and
	 * stops without an error; logrotate then fails compressing the copy
	 * it never made, and exits 1.
	 */
	{ "xrdp", "xrdp", false, 1, 0,
	    "for compression: No such file or directory" },
};

static const struct documented *
documented_for(const char *pkg, const char *file, bool globals)
{
	for (size_t i = 0; i < sizeof(documented) / sizeof(documented[0]); i++)
		if (strcmp(documented[i].pkg, pkg) == 0 &&
		    strcmp(documented[i].file, file) == 0 &&
		    documented[i].globals == globals)
			return &documented[i];
	return NULL;
}

/* The exit statuses: logrotate's, or those DOC documents. */
static bool
status_diff(FILE *fp, int i, const struct documented *doc)
{
	const struct tu_run *lr = &fx.s[LR].r, *mo = &fx.s[i].r;

	if (doc == NULL) {
		if (mo->status == lr->status)
			return false;
		fprintf(fp, "exit status %d (logrotate) vs %d (%s)\n",
		    lr->status, mo->status, side_title[i]);
		return true;
	}
	if (lr->status == doc->lr_status && strstr(lr->err, doc->lr_says) &&
	    mo->status == doc->mond_status)
		return false;
	fprintf(fp, "documented difference gone: logrotate should exit %d "
	    "saying \"%s\", %s exit %d; they exit %d and %d\n",
	    doc->lr_status, doc->lr_says, side_title[i], doc->mond_status,
	    lr->status, mo->status);
	return true;
}

/* Adds to FP how side I differs from logrotate's; returns 1 if it does. */
static bool
side_diff(FILE *fp, int i, const struct documented *doc)
{
	static const char *const records[] = { "scripts", "mail" };
	char *d = df_tree_diff(fx.s[LR].tree, fx.s[i].tree);
	bool differ = d != NULL;

	if (d != NULL)
		fprintf(fp, "trees, logrotate vs %s:\n%s", side_title[i], d);
	free(d);
	if (status_diff(fp, i, doc))
		differ = true;
	for (int k = 0; k < 2; k++) {
		char *a = record(LR, records[k]), *b = record(i, records[k]);

		if (strcmp(a, b) != 0) {
			fprintf(fp, "%s recorded, logrotate:\n%s--- %s:\n%s",
			    records[k], a, side_title[i], b);
			differ = true;
		}
		free(a);
		free(b);
	}
	return differ;
}

/* Both state files name the same logs (the dates are the run's). */
static bool
state_diff(FILE *fp)
{
	char *a = df_state_names(fx.s[LR].state, fx.s[LR].tree);
	char *b = df_state_names(fx.s[MO].state, fx.s[MO].tree);
	bool differ = strcmp(a, b) != 0;

	if (differ)
		fprintf(fp, "state names logrotate: %s\n    mond as logrotate: "
		    "%s\n", a, b);
	free(a);
	free(b);
	return differ;
}

/* The assert message: where, the rewritten file, what each tool said. */
static char *
message(const char *pkg, const char *file, const char *how, int round,
    const char *diff)
{
	char *buf;
	size_t len;
	FILE *fp = open_memstream(&buf, &len);

	cr_assert_not_null(fp);
	fprintf(fp, "%s: %s%s, round %d of %d (%s) differs:\n%s\n"
	    "=== rewritten file (" DR_SIDE " is each side's directory):\n%s",
	    pkg, file, how, round, ROUNDS + 1, round > ROUNDS ? "unforced" :
	    "forced", diff, fx.text);
	for (int i = 0; i < NSIDES; i++)
		fprintf(fp, "=== %s: exit %d, stdout:\n%s--- stderr:\n%s",
		    side_title[i], fx.s[i].r.status, fx.s[i].r.out,
		    fx.s[i].r.err);
	fclose(fp);
	return buf;
}

/*
 * FILE's text, alone or, with GLOBALS (Debian's logrotate.conf), in place
 * of its `include /etc/logrotate.d`: the defaults every package's file
 * really runs under (weekly, rotate 4, create).
 */
static char *
file_text(const char *file, const char *globals)
{
	static const char include[] = "include /etc/logrotate.d\n";
	char *text = tu_read_file(file, NULL), *all;

	cr_assert_not_null(text, "%s: %s", file, strerror(errno));
	if (globals == NULL)
		return text;
	cr_assert_not_null(strstr(globals, include), "Debian's logrotate.conf "
	    "has no `%s`", include);
	all = dr_replace(globals, include, text);
	cr_assert_not_null(all);
	free(text);
	return all;
}

/*
 * That round 1 tested something: logrotate took the rewritten file
 * (exit 0, or the documented status), changed its tree, and ran the
 * scripts the file has. Two tools that both refused the file, or a
 * rewrite that named no file that exists, would compare equal.
 */
static void
check_round_one(const char *pkg, const char *name, const char *how,
    const struct documented *doc, const char *before)
{
	char *after = df_fingerprint(fx.s[LR].tree, NO_STATE);
	char *scripts = record(LR, "scripts");
	int want = doc != NULL ? doc->lr_status : 0;

	cr_assert_eq(fx.s[LR].r.status, want, "%s: %s%s: logrotate exits %d "
	    "on the rewritten file:\n%s\n%s", pkg, name, how,
	    fx.s[LR].r.status, fx.s[LR].r.err, fx.c.text);
	cr_assert_str_neq(after, before, "%s: %s%s: logrotate -f changed "
	    "nothing in the tree:\n%s", pkg, name, how, fx.c.text);
	cr_assert(fx.c.nscripts == 0 || scripts[0] != '\0', "%s: %s%s: %d "
	    "scripts, none ran under logrotate", pkg, name, how,
	    fx.c.nscripts);
	free(after);
	free(scripts);
}

/* One logrotate.d file through all three sides, ROUNDS times and one. */
static void
run_file(const char *pkg, const char *file, const char *globals)
{
	static const char state0[] = "logrotate state -- version 2\n";
	const char *why = NULL, *name = strrchr(file, '/') + 1;
	const struct documented *doc = documented_for(pkg, name,
	    globals != NULL);
	const char *how = globals ? " (under logrotate.conf)" : "";
	char *diff, *before;
	size_t len;

	fx.text = file_text(file, globals);
	cr_assert_eq(dr_rewrite(fx.text, &fx.c, &why), 0, "%s: %s%s: cannot "
	    "rewrite it: %s\n%s", pkg, name, how, why, fx.text);
	free(fx.text);
	fx.text = strdup(fx.c.text);
	fx.dir = tu_tmpdir();
	fx.bin = mond_as_logrotate(fx.dir);
	for (int i = 0; i < NSIDES; i++) {
		side_init(&fx.s[i], side_dir[i], fx.c.text);
		write_mode(fx.s[i].state, state0, strlen(state0), 0640);
	}
	write_mondconf(&fx.s[MC]);
	before = df_fingerprint(fx.s[LR].tree, NO_STATE);
	for (int round = 1; round <= ROUNDS + 1; round++) {
		FILE *fp = open_memstream(&diff, &len);
		bool differ = false;

		cr_assert_not_null(fp);
		for (int i = 0; i < NSIDES; i++) {
			for (size_t k = 0; round > 1 && k < fx.c.nlogs; k++)
				append_log(&fx.s[i], fx.c.logs[k], round);
			if (round > ROUNDS)
				age_state(fx.s[i].state);
			side_run(i, round <= ROUNDS);
		}
		/* the unforced round rotates nothing of xrdp's: no difference */
		differ |= side_diff(fp, MO, round <= ROUNDS ? doc : NULL);
		differ |= side_diff(fp, MC, round <= ROUNDS ? doc : NULL);
		differ |= state_diff(fp);
		fclose(fp);
		if (differ)
			fx.msg = message(pkg, name, how, round, diff);
		free(diff);
		cr_assert(!differ, "%s", fx.msg);
		if (round == 1) {
			check_round_one(pkg, name, how, doc, before);
			free(before);
		}
	}
	cr_log_info("%s: %s%s: %zu logs, %d scripts, %d su dropped, %d owners "
	    "made root: %d rounds the same%s", pkg, name, how, fx.c.nlogs,
	    fx.c.nscripts, fx.c.nsu_dropped, fx.c.nowners, ROUNDS + 1,
	    doc ? " (but the documented exit statuses)" : "");
	fx_free();
}

/* Each of PKG's files alone, then under Debian's logrotate.conf. */
static void
run_package(const char *pkg)
{
	const char *dir = unpacked();
	size_t n;
	char **files = shipped(dir, pkg, &n), *conf, *globals;

	cr_assert_gt(n, 0, "%s shipped no /etc/logrotate.d file", pkg);
	cr_assert_neq(asprintf(&conf, "%s/x/logrotate/etc/logrotate.conf",
	    dir), -1);
	globals = tu_read_file(conf, NULL);
	cr_assert_not_null(globals, "%s: %s", conf, strerror(errno));
	free(conf);
	for (size_t i = 0; i < n; i++) {
		run_file(pkg, files[i], NULL);
		run_file(pkg, files[i], globals);
		free(files[i]);
	}
	free(files);
	free(globals);
}

#define TEST_OF(id, name)	Test(debian, id) { run_package(name); }
PACKAGES(TEST_OF)

/*
 * The rewriter on the shapes the packages use: a header over several
 * lines with the brace alone, quoted and several paths on a line, a
 * script with backslashed lines, su and create owners that do not exist,
 * olddir. It needs neither root nor the network.
 */
Test(debian, rewrite)
{
	static const char in[] =
	    "# a comment\n"
	    "/var/log/syslog\n"
	    "/var/log/mail.log\n"
	    "{\n"
	    "\tpostrotate\n"
	    "\t\tif true; then \\\n"
	    "\t\t\tendscript-not; \\\n"
	    "\t\tfi\n"
	    "\tendscript\n"
	    "}\n"
	    "\"/var/log/app/*.log\" /var/log/x?[ab].log {\n"
	    "\tsu nosuchuser-mond nosuchgroup-mond\n"
	    "\tsu root root\n"
	    "\tcreate 0640 nosuchuser-mond adm\n"
	    "\tolddir /var/log/old\n"
	    "\tolddir old\n"
	    "\tsize=5M\n"
	    "}\n";
	static const char want[] =
	    "# a comment\n"
	    "@R/tree/var/log/syslog \n"
	    "@R/tree/var/log/mail.log \n"
	    "{\n"
	    "\tpostrotate\n"
	    "\t\techo \"postrotate $1 $2\" >> @R/run/scripts\n"
	    "\tendscript\n"
	    "}\n"
	    "\"@R/tree/var/log/app/*.log\" @R/tree/var/log/x?[ab].log {\n"
	    "\t# dropped: su nosuchuser-mond nosuchgroup-mond\n"
	    "\tsu root root\n"
	    "\tcreate 0640 root adm\n"
	    "\tolddir @R/tree/var/log/old\n"
	    "\tolddir old\n"
	    "\tsize=5M\n"
	    "}\n";
	static const char *const logs[] = { "var/log/syslog",
		"var/log/mail.log", "var/log/app/access.log",
		"var/log/app/error.log", "var/log/xaa.log", "var/log/xea.log" };
	const char *why = NULL;

	cr_assert_eq(dr_rewrite(in, &fx.c, &why), 0, "%s", why);
	cr_assert_str_eq(fx.c.text, want);
	cr_assert_eq(fx.c.nlogs, 6);
	for (size_t i = 0; i < 6; i++)
		cr_assert_str_eq(fx.c.logs[i], logs[i]);
	cr_assert_eq(fx.c.nscripts, 1);
	cr_assert_eq(fx.c.nsu_dropped, 1);
	cr_assert_eq(fx.c.nowners, 1);
	dr_free(&fx.c);
	cr_assert_eq(dr_rewrite("/var/log/a {\n\tprerotate\n\t\tx\n}\n",
	    &fx.c, &why), -1);
	cr_assert_str_eq(why, "a script without endscript");
	cr_assert_eq(dr_rewrite("var/log/a {\n}\n", &fx.c, &why), -1);
}
