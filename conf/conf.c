/* conf.c: STUB, replaced by the conf work. */
#include <stdio.h>
#include "conf/conf.h"

struct mond_conf *
conf_load(const char *path)
{
	fprintf(stderr, "mond: %s: config loading is not written yet\n", path);
	return NULL;
}

void
conf_free(struct mond_conf *conf)
{
	(void)conf;
}

const char *
conf_freq_name(enum freq freq)
{
	(void)freq;
	return "none";
}
