/*
 * webfx.c: the web suites' fixture: a daemon with three logs (one named
 * like markup), started and waited for until its table has rows, and
 * plain HTTP/1.1 GETs to its front. test_web.c and test_browser.c share it.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/testutil.h"
#include "tests/webfx.h"

/*
 * The test's config: HTTP options HTTPOPTS, mon.log in a directory still
 * to be made, then three logs (or STANZAS).
 */
void
webfx_write_conf(const char *httpopts, const char *stanzas)
{
	struct tu_conf c = { .http = httpopts,
	    .mon_log = tu_at("mon/mon.log") };
	char *logs;

	cr_assert(asprintf(&logs,
	    "log \"%s/logs/*.log\" {\n  size = 1k\n  rotate = 3\n}\n"
	    "log \"%s/logs/app.txt\" {\n  frequency = daily\n  maxsize = 10M\n"
	    "  rotate = 7\n}\n", tu_dir, tu_dir) != -1);
	tu_mond_conf(stanzas ? stanzas : logs, &c);
	free(logs);
}

void
webfx_make_logs(void)
{
	char *p;

	cr_assert(asprintf(&p, "mkdir -p '%s/logs'", tu_dir) != -1);
	cr_assert_eq(system(p), 0);
	free(p);
	p = tu_path(tu_dir, "logs/a.log");
	tu_write_file(p, "0123456789\n");
	free(p);
	p = tu_path(tu_dir, "logs/<script>.log");
	tu_write_file(p, "x\n");
	free(p);
	p = tu_path(tu_dir, "logs/app.txt");
	tu_write_file(p, "y\n");
	free(p);
}

/*
 * Waits until the first pass has filled the table (the control socket's
 * status.json is always on).
 */
void
webfx_wait_for_rows(void)
{
	for (int i = 0; i < 100; i++) {
		char *resp = tu_unix_http(tu_sock, "GET /status.json "
		    "HTTP/1.0\r\n\r\n", 5000);
		bool filled = resp != NULL && strstr(resp, "\"path\"") != NULL;

		free(resp);
		if (filled)
			return;
		usleep(50000);
	}
	cr_assert_fail("no log in status.json after 5 s");
}

void
webfx_start(const char *httpopts)
{
	webfx_make_logs();
	webfx_write_conf(httpopts, NULL);
	tu_mond_start(NULL);
	webfx_wait_for_rows();
}

char *
webfx_get(const char *path)
{
	char *req, *resp;

	cr_assert(asprintf(&req, "GET %s HTTP/1.1\r\nHost: t\r\n"
	    "Connection: close\r\n\r\n", path) != -1);
	resp = tu_http_raw(tu_mond.port, req, 5000);
	cr_assert_not_null(resp, "connect: %s", strerror(errno));
	free(req);
	return resp;
}

int
webfx_status_of(const char *path)
{
	char *resp = webfx_get(path);
	int code = tu_http_status(resp);

	free(resp);
	return code;
}
