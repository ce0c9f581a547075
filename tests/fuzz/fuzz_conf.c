/*
 * fuzz_conf.c: libFuzzer target for the config loader. Each input is
 * written to a file in a private tmpfs directory and handed to conf_load,
 * the real path `mond -t` takes; a config that loads is printed and loaded
 * again, which must succeed (conf_print's contract). Only crashes,
 * sanitizer reports and a broken round trip count as findings; the
 * loader's error messages go to /dev/null.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/conf.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[] = "/dev/shm/mond-fuzz-conf.XXXXXX";
static char in_path[64], out_path[64];

/* The private directory goes when libFuzzer exits normally. */
static void
cleanup(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		return;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	FILE *devnull;

	(void)argc;
	(void)argv;
	if (mkdtemp(dir) == NULL && mkdtemp(strcpy(dir,
	    "/tmp/mond-fuzz-conf.XXXXXX")) == NULL)
		abort();
	atexit(cleanup);
	snprintf(in_path, sizeof(in_path), "%s/in.conf", dir);
	snprintf(out_path, sizeof(out_path), "%s/out.conf", dir);
	/* libFuzzer keeps its own FILE for reports; mond's messages go away. */
	if ((devnull = fopen("/dev/null", "w")) == NULL)
		abort();
	stderr = devnull;
	return 0;
}

static void
write_file(const char *path, const uint8_t *data, size_t size)
{
	FILE *fp = fopen(path, "w");

	if (fp == NULL)
		abort();
	if (size > 0 && fwrite(data, 1, size, fp) != size)
		abort();
	if (fclose(fp) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mond_conf *conf, *again;
	FILE *fp;

	write_file(in_path, data, size);
	if ((conf = conf_load(in_path)) == NULL)
		return 0;
	if ((fp = fopen(out_path, "w")) == NULL)
		abort();
	if (conf_print(conf, fp) != 0)
		abort();
	if (fclose(fp) != 0)
		abort();
	again = conf_load(out_path);
	if (again == NULL)
		abort();	/* conf_print promised text that loads again */
	conf_free(again);
	conf_free(conf);
	return 0;
}
