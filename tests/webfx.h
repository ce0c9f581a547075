/* webfx.h: the web suites' fixture (webfx.c). */
#ifndef MOND_TESTS_WEBFX_H
#define MOND_TESTS_WEBFX_H

#include <stddef.h>

/*
 * The test's config: HTTP options HTTPOPTS, mon.log in a directory still
 * to be made, then three logs (or STANZAS).
 */
void	 webfx_write_conf(const char *httpopts, const char *stanzas);
/* logs/a.log, logs/<script>.log and logs/app.txt under tu_dir. */
void	 webfx_make_logs(void);
/* Waits until the first pass has filled the status table. */
void	 webfx_wait_for_rows(void);
/* The three logs, the config with HTTPOPTS, the daemon, its rows. */
void	 webfx_start(const char *httpopts);
/* The whole response to GET PATH on the daemon's front (malloc'd). */
char	*webfx_get(const char *path);
/* The status code of GET PATH. */
int	 webfx_status_of(const char *path);

#endif
