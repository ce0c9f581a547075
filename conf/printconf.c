/* printconf.c: STUB, replaced by the conf work. */
#include <stdio.h>
#include "conf/conf.h"
#include "daemon/mond.h"

int
conf_print(const struct mond_conf *conf, FILE *fp)
{
	(void)conf; (void)fp;
	return 0;
}

int
mond_check_config(const struct run_opts *opts)
{
	struct mond_conf *conf = conf_load(opts->conf_path);

	if (conf == NULL)
		return EXIT_ERROR;
	puts("configuration OK");
	conf_free(conf);
	return EXIT_OK;
}
