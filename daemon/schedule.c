/* schedule.c: STUB, replaced by the web front work (loop) and [3/6]. */
#include <stdio.h>
#include "daemon/mond.h"

int
mond_daemon(const struct run_opts *opts)
{
	(void)opts;
	fprintf(stderr, "mond: the daemon is not written yet\n");
	return EXIT_ERROR;
}
