/*
 * fuzz_state.c: libFuzzer target for the state file reader. Each input is
 * a state file in a private tmpfs directory; state_load must return (bad
 * lines are skipped, never fatal), and what it kept must survive
 * state_save and a second state_load with the same number of entries;
 * saving that second load must give the same bytes again, so names with
 * quotes, backslashes and newlines, and the times, round-trip exactly.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/state.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[] = "/dev/shm/mond-fuzz-state.XXXXXX";
static char in_path[64], out_path[64], out2_path[64];

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
	    "/tmp/mond-fuzz-state.XXXXXX")) == NULL)
		abort();
	atexit(cleanup);
	snprintf(in_path, sizeof(in_path), "%s/in", dir);
	snprintf(out_path, sizeof(out_path), "%s/out", dir);
	snprintf(out2_path, sizeof(out2_path), "%s/out2", dir);
	if ((devnull = fopen("/dev/null", "w")) == NULL)
		abort();
	stderr = devnull;
	return 0;
}

static char *
slurp(const char *path, size_t *len)
{
	static char buf[2][1 << 20];
	static int k;
	FILE *fp = fopen(path, "r");
	char *b = buf[k++ & 1];

	if (fp == NULL)
		abort();
	*len = fread(b, 1, sizeof(buf[0]), fp);
	fclose(fp);
	return b;
}

static int
same_file(const char *a, const char *b)
{
	size_t la, lb;
	const char *ta = slurp(a, &la), *tb = slurp(b, &lb);

	return la == lb && memcmp(ta, tb, la) == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct state *st, *again;
	FILE *fp = fopen(in_path, "w");

	if (fp == NULL || (size > 0 && fwrite(data, 1, size, fp) != size) ||
	    fclose(fp) != 0)
		abort();
	if ((st = state_load(in_path)) == NULL)
		abort();	/* readable file: only ENOMEM may fail */
	if (state_save(st, out_path) != 0)
		abort();
	if ((again = state_load(out_path)) == NULL)
		abort();
	if (state_count(again) != state_count(st))
		abort();	/* an entry was lost or forged in the round trip */
	if (state_save(again, out2_path) != 0)
		abort();
	if (!same_file(out_path, out2_path))
		abort();	/* a name or a time changed in the round trip */
	state_free(again);
	state_free(st);
	return 0;
}
