/* pass.c: STUB, replaced by the rotation engine [2/6]. */
#include <stdio.h>
#include "daemon/mond.h"

int
mond_once(const struct run_opts *opts, bool force)
{
	(void)opts; (void)force;
	fprintf(stderr, "mond: --once and --force-rotate are not written yet\n");
	return EXIT_ERROR;
}
