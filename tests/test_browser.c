/*
 * test_browser.c: the status page as a real browser builds it, headless
 * Chromium against the real daemon: a row per log, names as text, each
 * log's day as SVG with its rotations marked; it also takes docs/'s
 * screenshots when MOND_SCREENSHOTS names a directory.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/testutil.h"
#include "tests/webfx.h"

TestSuite(browser, .init = tu_mond_init, .fini = tu_fini, .timeout = 90);

#define CHROMIUM "/usr/bin/chromium"

static char *
chromium(const char *args, const char *path)
{
	char *cmd, *out, *profile = tu_path(tu_dir, "chromium-profile");
	int st;

	cr_assert(asprintf(&cmd, CHROMIUM " --headless --no-sandbox "
	    "--disable-gpu --disable-quic --no-first-run "
	    "--disable-background-networking --disable-component-update "
	    "--disable-sync --user-data-dir='%s' %s "
	    "http://127.0.0.1:%d%s 2>/dev/null", profile, args, tu_mond.port,
	    path) != -1);
	out = tu_filter(cmd, "", &st);
	cr_assert_eq(st, 0, "%s failed: %s", cmd, out);
	free(cmd);
	free(profile);
	return out;
}

/* The DOM's row of the log whose name ends in NAME, up to the next row. */
static char *
dom_row(const char *dom, const char *name)
{
	const char *p, *end;

	for (p = dom; (p = strstr(p, "<tr class=\"log\"")) != NULL; p = end) {
		if ((end = strstr(p + 1, "<tr")) == NULL)
			end = p + strlen(p);
		if (memmem(p, (size_t)(end - p), name, strlen(name)) != NULL)
			return strndup(p, (size_t)(end - p));
	}
	cr_assert_fail("no row of %s in %s", name, dom);
	return NULL;
}

/*
 * The page as a browser builds it: a row per log, each with its day as
 * SVG (a line once a few steps have passed: one-second steps here, by
 * MOND_HISTORY_STEP) and a rotation marked on the log forced to rotate;
 * the kept and compressed columns beside.
 */
Test(browser, chromium_renders_one_row_per_log)
{
	static const char *const names[] = { "a.log", "&lt;script&gt;.log",
	    "app.txt" };
	const char *argv[] = { "-c", tu_conf, "--force-rotate", NULL, NULL };
	char *dom, *shots, *shot, *args, *row, *a = tu_path(tu_dir, "logs/a.log");
	struct tu_run r;
	size_t i;

	if (access(CHROMIUM, X_OK) != 0)
		cr_skip_test("%s is not installed (Debian's chromium; make "
		    "test installs it)", CHROMIUM);
	setenv("MOND_HISTORY_STEP", "1", 1);
	webfx_make_logs();
	cr_assert(asprintf(&args, "log \"%s/logs/*.log\" {\n  size = 1k\n"
	    "  rotate = 3\n  create = yes\n  compress = yes\n}\n"
	    "log \"%s/logs/app.txt\" {\n  frequency = daily\n"
	    "  maxsize = 10M\n  rotate = 7\n}\n", tu_dir, tu_dir) != -1);
	webfx_write_conf("", args);
	free(args);
	tu_mond_start(NULL);
	webfx_wait_for_rows();
	usleep(2500000);
	argv[3] = a;
	r = tu_run_mond(argv);
	cr_assert_eq(r.status, 0, "--force-rotate: %s", r.err);
	tu_run_free(&r);
	usleep(1500000);
	dom = chromium("--dump-dom", "/status");
	cr_assert_eq(tu_count(dom, "<tr class=\"log\""), 3, "%s", dom);
	/* The browser parsed the name as text: no script element came of it. */
	cr_assert_null(strstr(dom, "<script"), "%s", dom);
	cr_assert_not_null(strstr(dom, "&lt;script&gt;.log"));
	cr_assert_not_null(strstr(dom, "<th>Last 144 seconds</th>"), "%s", dom);
	cr_assert_not_null(strstr(dom, "<th>Compressed</th>"));
	cr_assert_eq(tu_count(dom, "data-label=\"Kept in rotated files\""), 3);
	for (i = 0; i < 3; i++) {
		row = dom_row(dom, names[i]);
		cr_assert_eq(tu_count(row, "<svg class=\"spark\""), 1, "%s", row);
		cr_assert_geq(tu_count(row, "<polyline class=\"size\""), 1,
		    "%s: no line after 4 steps: %s", names[i], row);
		cr_assert_eq(tu_count(row, "<g class=\"rot\">"), i == 0 ? 1 : 0,
		    "%s: %s", names[i], row);
		/* only a.log's rotated file was compressed */
		cr_assert_eq(tu_count(row, "data-label=\"Compressed\">"
		    "<span class=\"dim\">none yet</span>"), i == 0 ? 0 : 1,
		    "%s", row);
		free(row);
	}
	row = dom_row(dom, "a.log");
	cr_assert_not_null(strstr(row, "rotated files\">1 file, "), "%s", row);
	cr_assert_not_null(strstr(row, "data-label=\"Compressed\">to "),
	    "%s", row);
	free(row);
	free(dom);
	free(a);
	/* MOND_SCREENSHOTS=DIR keeps a phone and a desktop shot for docs/. */
	shots = getenv("MOND_SCREENSHOTS");
	shot = shots ? strdup(shots) : tu_path(tu_dir, "");
	cr_assert(asprintf(&args, "--screenshot='%s/status-phone.png' "
	    "--window-size=412,900 --hide-scrollbars", shot) != -1);
	free(chromium(args, "/status"));
	free(args);
	cr_assert(asprintf(&args, "--screenshot='%s/status.png' "
	    "--window-size=1280,800 --hide-scrollbars", shot) != -1);
	free(chromium(args, "/status"));
	free(args);
	cr_assert(asprintf(&args, "%s/status.png", shot) != -1);
	cr_assert(tu_exists(args), "no screenshot at %s", args);
	free(args);
	free(shot);
}
