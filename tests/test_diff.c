/*
 * test_diff.c: mond against Debian's logrotate 3.21. Each scenario starts
 * two identical trees, runs the same stanza through both tools for a few
 * steps and requires the same names, contents (gunzipped), modes and owners
 * (suite "diff"); where DESIGN §3 makes mond differ on purpose, mond's
 * documented tree is asserted instead. Suite "dryrun" runs every scenario's
 * starting tree through `--dry-run` and requires that nothing changed.
 * Logrotate's result is the spec: these tests never edit it to suit mond.
 * MOND_DIFF_KEEP=1 in the environment keeps each scenario's directory.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "tests/diffutil.h"
#include "tests/testutil.h"

#define F(n, t)		{ .name = (n), .text = (t) }
#define FM(n, t, m)	{ .name = (n), .text = (t), .mode = (m) }
#define FA(n, t, days)	{ .name = (n), .text = (t), .age_days = (days) }
#define FL(n, to)	{ .name = (n), .link = (to) }
#define D(n)		{ .name = (n) }
#define FORCE		{ DF_FORCE, NULL, NULL }
#define FORCE_ADD(n, t)	{ DF_FORCE, (n), (t) }
#define DUE		{ DF_DUE, NULL, NULL }
#define DUE_ADD(n, t)	{ DF_DUE, (n), (t) }

/*
 * The running test's directory and the texts a failed assert abandons;
 * the .fini hook frees them, so a failing scenario leaks nothing.
 */
static struct df_run run;
static char *held[4];
static struct tu_run held_run;

static char *
hold(int slot, char *text)
{
	free(held[slot]);
	held[slot] = text;
	return text;
}

static void
fini(void)
{
	for (int i = 0; i < 4; i++)
		free(hold(i, NULL));
	tu_run_free(&held_run);
	if (run.dir == NULL)
		return;
	if (getenv("MOND_DIFF_KEEP") != NULL) {
		cr_log_warn("kept in %s", run.dir);
		run.dir[0] = '\0';	/* tu_rmtree("") removes nothing */
	}
	df_cleanup(&run);
}

static const char *
how_name(enum df_how how)
{
	return how == DF_FORCE ? "--force-rotate" : "--once";
}

/* mond must leave every state line we wrote (DESIGN §3: no advance on failure). */
static void
check_state_kept(void)
{
	char *now = hold(0, tu_read_file(run.mo_state, NULL));
	char *want = hold(1, strdup(run.state_text[1])), *save = NULL, *line;

	cr_assert_not_null(now, "%s: mond removed its state file", run.mo_state);
	for (line = strtok_r(want, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		if (line[0] == '"')
			cr_expect_not_null(strstr(now, line), "state line `%s` "
			    "was changed though the rotation failed; state "
			    "now:\n%s", line, now);
}

/* A failing mond must say which log failed (its stanza's first pattern). */
static void
check_names_log(const struct df_scenario *sc, const char *what, const char *err)
{
	size_t n = strcspn(sc->paths, " ");

	cr_assert(memmem(err, strlen(err), sc->paths, n) != NULL, "%s: %s "
	    "failed without naming %.*s; stderr:\n%s", sc->name, what, (int)n,
	    sc->paths, err);
}

static void
run_steps(const struct df_scenario *sc)
{
	int i;

	for (i = 0; i < DF_MAX_STEPS && sc->steps[i].how != DF_END; i++) {
		char *err = NULL;
		int status;

		df_append(run.lr, &sc->steps[i]);
		status = df_run_logrotate(&run, sc->steps[i].how, &err);
		hold(0, err);
		if (sc->mond_tree[0] != NULL)
			continue;	/* logrotate is only a witness there */
		if (sc->fails)
			cr_assert_neq(status, 0, "%s: step %d: logrotate should "
			    "have failed", sc->name, i + 1);
		else
			cr_assert_eq(status, 0, "%s: step %d: logrotate (the "
			    "spec) exited %d: %s", sc->name, i + 1, status, err);
	}
	for (i = 0; i < DF_MAX_STEPS && sc->steps[i].how != DF_END; i++) {
		enum df_how how = sc->steps[i].how;

		df_append(run.mo, &sc->steps[i]);
		tu_run_free(&held_run);
		held_run = df_run_mond(&run, how, false);
		cr_assert_eq(held_run.status, sc->fails ? 1 : 0, "%s: step %d: "
		    "mond %s exited %d, expected %d; stderr:\n%s", sc->name,
		    i + 1, how_name(how), held_run.status, sc->fails ? 1 : 0,
		    held_run.err);
		if (sc->fails)
			check_names_log(sc, "mond", held_run.err);
	}
}

static void
check_diff(const struct df_scenario *sc)
{
	char *diff;

	df_require_peer();
	df_prepare(sc, &run);
	run_steps(sc);
	if (sc->mond_tree[0] != NULL) {
		diff = hold(2, df_tree_expect(run.mo, sc->mond_tree));
		cr_assert_null(diff, "%s: mond's tree is not the documented one "
		    "(DESIGN §3):\n%s", sc->name, diff);
		if (sc->lr_has != NULL) {
			char *p = hold(3, tu_path(run.lr, sc->lr_has));

			cr_expect(tu_exists(p), "%s: logrotate no longer leaves "
			    "%s: this deliberate difference may be gone",
			    sc->name, sc->lr_has);
		}
		if (sc->state_kept)
			check_state_kept();
	} else {
		diff = hold(2, df_tree_diff(run.lr, run.mo));
		cr_assert_null(diff, "%s: trees differ (logrotate's is the "
		    "spec):\n%s", sc->name, diff);
		diff = hold(2, df_side_diff(&run));
		cr_assert_null(diff, "%s: the mailer, compressor or "
		    "decompressor saw different things (logrotate's is the "
		    "spec):\n%s", sc->name, diff);
	}
	if (sc->cmp_state) {
		char *a = hold(0, df_state_names(run.lr_state, run.lr));
		char *b = hold(1, df_state_names(run.mo_state, run.mo));

		cr_assert_str_eq(a, b, "%s: state files name different logs: "
		    "logrotate [%s], mond [%s]", sc->name, a, b);
	}
}

static void
dry_pass(const struct df_scenario *sc, enum df_how how, bool rotates,
    const char *before)
{
	int want = sc->dry_fails ? 1 : 0;
	char *after;

	tu_run_free(&held_run);
	held_run = df_run_mond(&run, how, true);
	cr_assert_eq(held_run.status, want, "%s: mond --dry-run %s exited %d, "
	    "expected %d; stderr:\n%s", sc->name, how_name(how),
	    held_run.status, want, held_run.err);
	if (want != 0)
		check_names_log(sc, "mond --dry-run", held_run.err);
	if (rotates)
		cr_assert(held_run.out[0] != '\0', "%s: mond --dry-run %s "
		    "printed nothing though it would rotate; stderr:\n%s",
		    sc->name, how_name(how), held_run.err);
	after = hold(1, df_fingerprint(run.mo, run.mo_state));
	cr_assert_str_eq(before, after, "%s: mond --dry-run %s changed the "
	    "tree or the state.\nbefore:\n%s\nafter:\n%s", sc->name,
	    how_name(how), before, after);
}

static void
check_dry(const struct df_scenario *sc)
{
	char *before;

	df_require_root();
	df_prepare(sc, &run);
	df_append(run.mo, &sc->steps[0]);
	before = hold(0, df_fingerprint(run.mo, run.mo_state));
	dry_pass(sc, DF_DUE, sc->once_rotates, before);
	dry_pass(sc, DF_FORCE, !sc->force_idle, before);
}

/* One scenario: a `diff` test and a `dryrun` test of the same name. */
#define SCENARIO(id, ...)						\
	static const struct df_scenario sc_##id = { .name = #id, __VA_ARGS__ }; \
	Test(diff, id, .fini = fini, .timeout = 60) { check_diff(&sc_##id); } \
	Test(dryrun, id, .fini = fini, .timeout = 60) { check_dry(&sc_##id); }

/* ---- numbering ---------------------------------------------------- */

SCENARIO(rotate3_shift,
    .paths = "a.log", .body = "rotate 3",
    .files = { F("a.log", "v1\n") },
    .steps = { FORCE, FORCE_ADD("a.log", "v2\n"), FORCE_ADD("a.log", "v3\n"),
	FORCE_ADD("a.log", "v4\n") })

SCENARIO(rotate0,
    .paths = "a.log", .body = "rotate 0",
    .files = { F("a.log", "gone\n"), F("keep.txt", "k\n") },
    .steps = { FORCE })

SCENARIO(start0,
    .paths = "a.log", .body = "rotate 2\nstart 0",
    .files = { F("a.log", "v1\n") },
    .steps = { FORCE, FORCE_ADD("a.log", "v2\n"), FORCE_ADD("a.log", "v3\n") })

SCENARIO(start5,
    .paths = "a.log", .body = "rotate 2\nstart 5",
    .files = { F("a.log", "v1\n") },
    .steps = { FORCE, FORCE_ADD("a.log", "v2\n"), FORCE_ADD("a.log", "v3\n") })

/* ---- compression -------------------------------------------------- */

SCENARIO(compress,
    .paths = "a.log", .body = "rotate 2\ncompress",
    .files = { FM("a.log", "one\none\n", 0640) },
    .steps = { FORCE, FORCE_ADD("a.log", "two\n") })

SCENARIO(delaycompress,
    .paths = "a.log", .body = "rotate 3\ncompress\ndelaycompress",
    .files = { F("a.log", "v1\n") },
    .steps = { FORCE, FORCE_ADD("a.log", "v2\n"), FORCE_ADD("a.log", "v3\n") })

SCENARIO(compresslevel9,
    .paths = "a.log", .body = "rotate 1\ncompress\ncompresslevel 9",
    .files = { F("a.log", "level nine level nine level nine\n") },
    .steps = { FORCE })

SCENARIO(compresslevel1,
    .paths = "a.log", .body = "rotate 1\ncompress\ncompresslevel 1",
    .files = { F("a.log", "level one level one level one\n") },
    .steps = { FORCE })

/* ---- create, copy, copytruncate ---------------------------------------- */

SCENARIO(create_plain,
    .paths = "a.log", .body = "rotate 1\ncreate",
    .files = { FM("a.log", "old\n", 0600) },
    .steps = { FORCE, FORCE_ADD("a.log", "new\n") })

SCENARIO(create_mode,
    .paths = "a.log", .body = "rotate 1\ncreate 0640",
    .files = { FM("a.log", "old\n", 0600) },
    .steps = { FORCE })

SCENARIO(create_owner,
    .paths = "a.log", .body = "rotate 1\ncreate 0640 daemon adm",
    .files = { F("a.log", "old\n") },
    .steps = { FORCE, FORCE_ADD("a.log", "new\n") })

SCENARIO(copy,
    .paths = "a.log", .body = "rotate 2\ncopy",
    .files = { F("a.log", "v1\n") },
    .steps = { FORCE, FORCE_ADD("a.log", "v2\n") })

SCENARIO(copytruncate,
    .paths = "a.log", .body = "rotate 1\ncopytruncate",
    .files = { FM("a.log", "before\n", 0640) },
    .steps = { FORCE, FORCE_ADD("a.log", "after\n") })

/* mond gzips these copies in the same read of the log (one pass). */
SCENARIO(copytruncate_compress,
    .paths = "a.log", .body = "rotate 2\ncopytruncate\ncompress",
    .files = { FM("a.log", "before\n", 0640) },
    .steps = { FORCE, FORCE_ADD("a.log", "after\n"),
	FORCE_ADD("a.log", "later\n") })

SCENARIO(copy_compress,
    .paths = "a.log", .body = "rotate 2\ncopy\ncompress",
    .files = { F("a.log", "v1\n") },
    .steps = { FORCE, FORCE_ADD("a.log", "v2\n") })

/* ---- missing and empty files --------------------------------------- */

SCENARIO(missingok,
    .paths = "a.log", .body = "rotate 1\nmissingok",
    .files = { F("b.log", "not mine\n") },
    .steps = { FORCE }, .force_idle = true)

SCENARIO(missing_error,
    .paths = "a.log", .body = "rotate 1",
    .files = { F("b.log", "not mine\n") },
    .steps = { FORCE }, .fails = true, .dry_fails = true, .force_idle = true)

SCENARIO(notifempty_forced,
    .paths = "a.log", .body = "rotate 1\nnotifempty",
    .files = { F("a.log", "") },
    .steps = { FORCE }, .force_idle = true)

SCENARIO(ifempty_forced,
    .paths = "a.log", .body = "rotate 1\nifempty\ncreate",
    .files = { F("a.log", "") },
    .steps = { FORCE })

/* ---- size rules (not forced) ------------------------------------------ */

SCENARIO(size_above,
    .paths = "a.log", .body = "rotate 1\nsize 10",
    .files = { F("a.log", "more than ten bytes\n") },
    .state = { { "a.log", 0 } },
    .steps = { DUE }, .once_rotates = true)

SCENARIO(size_below,
    .paths = "a.log", .body = "rotate 1\nsize 100",
    .files = { F("a.log", "short\n") },
    .state = { { "a.log", 3 } },
    .steps = { DUE })

SCENARIO(size_k_suffix,
    .paths = "a.log", .body = "rotate 1\nsize 1k",
    .files = { F("a.log", "under one kibibyte\n") },
    .state = { { "a.log", 3 } },
    .steps = { DUE, DUE_ADD("a.log",
	"0123456789012345678901234567890123456789012345678901234567890123"
	"0123456789012345678901234567890123456789012345678901234567890123"
	"0123456789012345678901234567890123456789012345678901234567890123"
	"0123456789012345678901234567890123456789012345678901234567890123"
	"0123456789012345678901234567890123456789012345678901234567890123"
	"0123456789012345678901234567890123456789012345678901234567890123"
	"0123456789012345678901234567890123456789012345678901234567890123"
	"0123456789012345678901234567890123456789012345678901234567890123"
	"0123456789012345678901234567890123456789012345678901234567890123"
	"0123456789012345678901234567890123456789012345678901234567890123"
	"0123456789012345678901234567890123456789012345678901234567890123"
	"0123456789012345678901234567890123456789012345678901234567890123"
	"0123456789012345678901234567890123456789012345678901234567890123"
	"0123456789012345678901234567890123456789012345678901234567890123"
	"0123456789012345678901234567890123456789012345678901234567890123"
	"0123456789012345678901234567890123456789012345678901234567890123\n") })

SCENARIO(minsize_due_above,
    .paths = "a.log", .body = "daily\nrotate 1\nminsize 10",
    .files = { F("a.log", "more than ten bytes\n") },
    .state = { { "a.log", 2 } },
    .steps = { DUE }, .once_rotates = true)

SCENARIO(minsize_due_below,
    .paths = "a.log", .body = "daily\nrotate 1\nminsize 100",
    .files = { F("a.log", "short\n") },
    .state = { { "a.log", 2 } },
    .steps = { DUE })

SCENARIO(maxsize_early,
    .paths = "a.log", .body = "weekly\nrotate 1\nmaxsize 10",
    .files = { F("a.log", "more than ten bytes\n") },
    .state = { { "a.log", 0 } },
    .steps = { DUE }, .once_rotates = true)

/* ---- time rules, by the state file's dates ------------------------------ */

SCENARIO(daily_due,
    .paths = "a.log", .body = "daily\nrotate 2",
    .files = { F("a.log", "d\n") },
    .state = { { "a.log", 2 } },
    .steps = { DUE }, .once_rotates = true, .cmp_state = true)

SCENARIO(weekly_due,
    .paths = "a.log", .body = "weekly\nrotate 2",
    .files = { F("a.log", "w\n") },
    .state = { { "a.log", 8 } },
    .steps = { DUE }, .once_rotates = true)

SCENARIO(monthly_due,
    .paths = "a.log", .body = "monthly\nrotate 2",
    .files = { F("a.log", "m\n") },
    .state = { { "a.log", 40 } },
    .steps = { DUE }, .once_rotates = true)

SCENARIO(daily_not_due,
    .paths = "a.log", .body = "daily\nrotate 2",
    .files = { F("a.log", "d\n") },
    .state = { { "a.log", 0 } },
    .steps = { DUE })

SCENARIO(first_sight,
    .paths = "a.log", .body = "daily\nrotate 2",
    .files = { F("a.log", "new log\n") },
    .steps = { DUE }, .cmp_state = true)

/* ---- names ---------------------------------------------------------- */

SCENARIO(dateext,
    .paths = "a.log", .body = "rotate 2\ndateext",
    .files = { F("a.log", "dated\n") },
    .steps = { FORCE })

SCENARIO(dateformat,
    .paths = "a.log", .body = "rotate 2\ndateext\ndateformat -%Y-%m-%d",
    .files = { F("a.log", "dated\n") },
    .steps = { FORCE })

SCENARIO(dateyesterday,
    .paths = "a.log", .body = "rotate 2\ndateext\ndateyesterday",
    .files = { F("a.log", "yesterday's\n") },
    .steps = { FORCE })

SCENARIO(dateext_compress_keep2,
    .paths = "a.log", .body = "rotate 2\ndateext\ncompress",
    .files = { F("a.log", "today\n"), FA("a.log-20200101.gz", "x\n", 30),
	FA("a.log-20200102.gz", "y\n", 29), FA("a.log-20200103.gz", "z\n", 28) },
    .steps = { FORCE })

SCENARIO(extension,
    .paths = "app.log", .body = "rotate 2\nextension .log\ncompress",
    .files = { F("app.log", "v1\n") },
    .steps = { FORCE, FORCE_ADD("app.log", "v2\n") })

SCENARIO(olddir_create,
    .paths = "a.log", .body = "rotate 2\nolddir old\ncreateolddir 0750 root adm",
    .files = { F("a.log", "v1\n") },
    .steps = { FORCE, FORCE_ADD("a.log", "v2\n") })

SCENARIO(maxage,
    .paths = "a.log", .body = "rotate 5\nmaxage 10",
    .files = { F("a.log", "now\n"), FA("a.log.1", "recent\n", 2),
	FA("a.log.2", "old\n", 20), FA("a.log.3", "older\n", 40) },
    .steps = { FORCE })

/* ---- patterns -------------------------------------------------------- */

SCENARIO(glob3,
    .paths = "*.log", .body = "rotate 1",
    .files = { F("a.log", "a\n"), F("b.log", "b\n"), F("c.log", "c\n"),
	F("d.txt", "not matched\n") },
    .steps = { FORCE })

SCENARIO(files_list,
    .paths = "a.log b.txt", .body = "rotate 1\ncompress",
    .files = { F("a.log", "a\n"), F("b.txt", "b\n"), F("c.txt", "c\n") },
    .steps = { FORCE })

/* ---- scripts -------------------------------------------------------- */

SCENARIO(postrotate_each,
    .paths = "*.log",
    .body = "rotate 1\npostrotate echo \"post $(basename \"$1\")\" >> @D/side.txt",
    .files = { F("a.log", "a\n"), F("b.log", "b\n") },
    .steps = { FORCE })

SCENARIO(sharedscripts_prerotate,
    .paths = "*.log",
    .body = "rotate 1\nsharedscripts\nprerotate echo pre >> @D/side.txt\n"
	"postrotate echo post >> @D/side.txt",
    .files = { F("a.log", "a\n"), F("b.log", "b\n"), F("c.log", "c\n") },
    .steps = { FORCE })

/* ---- mail (logrotate's -m, mond's mail_command: one recording mailer) ---- */

SCENARIO(mail_maillast,
    .paths = "a.log", .body = "rotate 1\nmail ops@example.org",
    .files = { F("a.log", "v1\n") },
    .steps = { FORCE, FORCE_ADD("a.log", "v2\n"), FORCE_ADD("a.log", "v3\n") })

SCENARIO(mail_compress,
    .paths = "a.log", .body = "rotate 1\ncompress\nmail ops@example.org\n"
	"maillast",
    .files = { F("a.log", "v1\n") },
    .steps = { FORCE, FORCE_ADD("a.log", "v2\n"), FORCE_ADD("a.log", "v3\n") })

SCENARIO(mail_delaycompress,
    .paths = "a.log", .body = "rotate 2\ncompress\ndelaycompress\n"
	"mail ops@example.org",
    .files = { F("a.log", "v1\n") },
    .steps = { FORCE, FORCE_ADD("a.log", "v2\n"), FORCE_ADD("a.log", "v3\n"),
	FORCE_ADD("a.log", "v4\n") })

SCENARIO(mailfirst_compress,
    .paths = "a.log", .body = "rotate 1\ncompress\nmail ops@example.org\n"
	"mailfirst",
    .files = { F("a.log", "v1\n") },
    .steps = { FORCE, FORCE_ADD("a.log", "v2\n") })

SCENARIO(mailfirst_delaycompress,
    .paths = "a.log", .body = "rotate 2\ncompress\ndelaycompress\n"
	"mail ops@example.org\nmailfirst",
    .files = { F("a.log", "v1\n") },
    .steps = { FORCE, FORCE_ADD("a.log", "v2\n"), FORCE_ADD("a.log", "v3\n") })

/* logrotate's test 64: compressed first, then mailed decompressed, removed */
SCENARIO(mail_rotate0_compress_dateext,
    .paths = "a.log", .body = "rotate 0\ndateext\ncompress\n"
	"mail ops@example.org",
    .files = { F("a.log", "zero\n") },
    .steps = { FORCE })

SCENARIO(mail_rotate0_compress,
    .paths = "a.log", .body = "rotate 0\ncompress\nmail ops@example.org\n"
	"preremove echo \"rm $(basename \"$1\")\" >> @D/side.txt",
    .files = { F("a.log", "zero\n") },
    .steps = { FORCE })

/* maxage removals are mailed even with mailfirst */
SCENARIO(mail_maxage,
    .paths = "a.log", .body = "rotate 5\nmaxage 10\nmail ops@example.org\n"
	"mailfirst",
    .files = { F("a.log", "now\n"), FA("a.log.1", "recent\n", 2),
	FA("a.log.2", "old\n", 20), FA("a.log.3", "older\n", 40) },
    .steps = { FORCE })

SCENARIO(mail_dateext_extras,
    .paths = "a.log", .body = "rotate 1\ndateext\nmail ops@example.org",
    .files = { F("a.log", "today\n"), FA("a.log-20200101", "x\n", 30),
	FA("a.log-20200102", "y\n", 29), FA("a.log-20200103", "z\n", 28) },
    .steps = { FORCE })

/* ---- shred, preremove ----------------------------------------------- */

/*
 * Shred is seen through a second link to the file it overwrites: shred
 * -u leaves it empty, an unlink would leave it whole (allowhardlink lets
 * logrotate shred such a file at all).
 */
SCENARIO(shred,
    .paths = "a.log", .body = "rotate 1\nshred\nallowhardlink",
    .files = { F("a.log", "secret 2\n"), F("a.log.1", "secret 1\n"),
	D("keep/"), FL("keep/seen", "a.log.1") },
    .steps = { FORCE, FORCE_ADD("a.log", "secret 3\n") })

SCENARIO(shredcycles_compress,
    .paths = "a.log", .body = "rotate 2\nshred\nshredcycles 2\ncompress\n"
	"delaycompress\nallowhardlink",
    .files = { F("a.log", "secret 2\n"), F("a.log.1", "secret 1\n"),
	D("keep/"), FL("keep/seen", "a.log.1") },
    .steps = { FORCE, FORCE_ADD("a.log", "secret 3\n"),
	FORCE_ADD("a.log", "secret 4\n") })

/* logrotate refuses to shred a file with two links: it stays, an error */
SCENARIO(shred_hardlinked_is_kept,
    .paths = "a.log", .body = "rotate 1\nshred",
    .files = { F("a.log", "secret 2\n"), F("a.log.1", "secret 1\n"),
	D("keep/"), FL("keep/seen", "a.log.1"), F("a.log.2", "old\n") },
    .steps = { FORCE }, .fails = true)

/* preremove before every removal: the compressed source's too */
SCENARIO(preremove_compress,
    .paths = "a.log", .body = "rotate 1\ncompress\n"
	"preremove echo \"rm $(basename \"$1\")\" >> @D/side.txt",
    .files = { F("a.log", "v1\n") },
    .steps = { FORCE, FORCE_ADD("a.log", "v2\n"), FORCE_ADD("a.log", "v3\n") })

SCENARIO(preremove_delaycompress_shred,
    .paths = "a.log", .body = "rotate 2\ncompress\ndelaycompress\nshred\n"
	"preremove echo \"rm $(basename \"$1\")\" >> @D/side.txt",
    .files = { F("a.log", "v1\n") },
    .steps = { FORCE, FORCE_ADD("a.log", "v2\n"), FORCE_ADD("a.log", "v3\n"),
	FORCE_ADD("a.log", "v4\n") })

/* ---- renamecopy --------------------------------------------------------- */

/* postrotate sees LOG.tmp, and no rotated file yet (logrotate's test 58) */
SCENARIO(renamecopy,
    .paths = "a.log", .body = "rotate 1\nrenamecopy\ncreate 0640\n"
	"postrotate ls @D > @D/seen.txt",
    .files = { FM("a.log", "v1\n", 0600) },
    .steps = { FORCE, FORCE_ADD("a.log", "v2\n") })

SCENARIO(renamecopy_olddir_compress,
    .paths = "a.log", .body = "rotate 2\nrenamecopy\ncreate\nolddir old\n"
	"compress\npostrotate cd @D && ls . old >> seen.txt",
    .files = { F("a.log", "v1\n"), D("old/") },
    .steps = { FORCE, FORCE_ADD("a.log", "v2\n"), FORCE_ADD("a.log", "v3\n") })

/* logrotate's test 73: nothing copied (so nothing removed), log truncated */
SCENARIO(copytruncate_rotate0,
    .paths = "a.log", .body = "rotate 0\ncopytruncate\n"
	"preremove echo \"rm $(basename \"$1\")\" >> @D/side.txt",
    .files = { F("a.log", "gone\n") },
    .steps = { FORCE })

/* ---- compressors ------------------------------------------------------ */

SCENARIO(compresscmd_bzip2,
    .paths = "a.log", .body = "rotate 2\ncompress\ncompresscmd bzip2\n"
	"uncompresscmd bunzip2\ncompressoptions -9\nmail ops@example.org",
    .files = { FM("a.log", "v1 v1 v1\n", 0640) },
    .steps = { FORCE, FORCE_ADD("a.log", "v2\n"), FORCE_ADD("a.log", "v3\n") })

/* argv, LOGROTATE_COMPRESSED_FILENAME and stderr of a compressor script */
SCENARIO(compresscmd_script,
    .paths = "a.log", .body = "rotate 2\ncompress\ncompresscmd @D/../ccmd\n"
	"compressoptions -f \"--two words\"\ncompressext .zz\n"
	"delaycompress",
    .files = { F("a.log", "v1\n") },
    .steps = { FORCE, FORCE_ADD("a.log", "v2\n"), FORCE_ADD("a.log", "v3\n") })

SCENARIO(compresscmd_copytruncate,
    .paths = "a.log", .body = "rotate 1\ncopytruncate\ncompress\n"
	"compresscmd @D/../ccmd\ncompressext .gz",
    .files = { F("a.log", "v1\n") },
    .steps = { FORCE, FORCE_ADD("a.log", "v2\n") })

SCENARIO(uncompresscmd_mail,
    .paths = "a.log", .body = "rotate 1\ncompress\nuncompresscmd @D/../uncmd\n"
	"compresscmd @D/../ccmd\ncompressext .gz\nmail ops@example.org",
    .files = { F("a.log", "v1\n") },
    .steps = { FORCE, FORCE_ADD("a.log", "v2\n") })

SCENARIO(compressext_in_process,
    .paths = "a.log", .body = "rotate 2\ncompress\ncompressext .gzip",
    .files = { F("a.log", "v1\n") },
    .steps = { FORCE, FORCE_ADD("a.log", "v2\n"), FORCE_ADD("a.log", "v3\n") })

/* logrotate's test 72: a stray a.log.1.gz is kept as a .backup */
SCENARIO(stray_compressed_destination,
    .paths = "a.log", .body = "rotate 3\ncompress\ndelaycompress",
    .files = { F("a.log", "zero\n"), F("a.log.1", "first\n"),
	F("a.log.1.gz", "unexpected\n") },
    .steps = { FORCE })

/* ---- names and time --------------------------------------------------- */

SCENARIO(addextension,
    .paths = "a.log", .body = "rotate 2\naddextension .log",
    .files = { F("a.log", "v1\n") },
    .steps = { FORCE, FORCE_ADD("a.log", "v2\n"), FORCE_ADD("a.log", "v3\n") })

SCENARIO(addextension_new_compress,
    .paths = "a.log", .body = "rotate 2\naddextension .newext\ncompress",
    .files = { F("a.log", "v1\n") },
    .steps = { FORCE, FORCE_ADD("a.log", "v2\n"), FORCE_ADD("a.log", "v3\n") })

SCENARIO(datehourago,
    .paths = "a.log", .body = "rotate 2\ndateext\ndateformat -%Y%m%d%H\n"
	"datehourago",
    .files = { F("a.log", "an hour ago\n") },
    .steps = { FORCE })

SCENARIO(weekly_today,
    .paths = "a.log", .body = "weekly @W\nrotate 1",
    .files = { F("a.log", "w\n") },
    .state = { { "a.log", 1 } },
    .steps = { DUE }, .once_rotates = true)

SCENARIO(weekly_not_today,
    .paths = "a.log", .body = "weekly @V\nrotate 1",
    .files = { F("a.log", "w\n") },
    .state = { { "a.log", 1 } },
    .steps = { DUE })

SCENARIO(weekly_7_days,
    .paths = "a.log b.log", .body = "weekly 7\nrotate 1",
    .files = { F("a.log", "a\n"), F("b.log", "b\n") },
    .state = { { "a.log", 6 }, { "b.log", 7 } },
    .steps = { DUE }, .once_rotates = true)

/* ---- deliberate differences (DESIGN §3): mond's documented tree ---------- */

/* logrotate's glob takes x.log.1 as a log and makes x.log.1.1. */
SCENARIO(mond_glob_skips_siblings,
    .paths = "*.log*", .body = "rotate 2",
    .files = { F("x.log", "live\n"), F("x.log.1", "older\n") },
    .steps = { FORCE },
    .mond_tree = { "x.log.1=live\n", "x.log.2=older\n", NULL },
    .lr_has = "x.log.1.1")

/*
 * logrotate stops reading the state at a bad line, so a.log's entry after it
 * is lost and a.log is "seen for the first time": not rotated. mond skips
 * only the bad line and rotates a.log, due since two days.
 */
SCENARIO(mond_bad_state_line,
    .paths = "a.log", .body = "daily\nrotate 1",
    .files = { F("a.log", "due\n") },
    .state = { { "a.log", 2 } },
    .state_extra = "this is not a state line\n",
    .steps = { DUE }, .once_rotates = true,
    .mond_tree = { "a.log.1=due\n", NULL }, .lr_has = "a.log")

/* A failed prerotate: nothing moves and the state keeps the old date. */
SCENARIO(mond_state_kept_on_failure,
    .paths = "a.log", .body = "daily\nrotate 1\nprerotate exit 1",
    .files = { F("a.log", "stays\n") },
    .state = { { "a.log", 2 } },
    .steps = { DUE }, .fails = true, .once_rotates = true,
    .mond_tree = { "a.log=stays\n", NULL }, .state_kept = true)
