/*
 * mond-gzip.c: mond's compressor from the command line, for bench/compress
 * only (not installed). `mond-gzip [-z] [-p THREADS] [-l LEVEL] [-b BLOCK]
 * SRC DST` runs compress_fd (crash-safe temp, fsync, rename; the source is
 * kept so the bench can reuse it), gzip or with -z zstd; with -C it runs
 * the one-pass copytruncate + compress on SRC (opened read-write) instead.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/compress.h"
#include "engine/compress_par.h"
#include "engine/fscopy.h"
#include "util/fsutil.h"

static void
usage(void)
{
	fprintf(stderr, "usage: mond-gzip [-Cz] [-p threads] [-l level] "
	    "[-b block] src dst\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct compress_opts o = { .level = 0, .threads = 0 };
	struct fs_ct_result res;
	struct stat st;
	char *dstdir, *dstbase, *d1, *d2;
	int ch, in, dfd, ct = 0;

	while ((ch = getopt(argc, argv, "Czp:l:b:")) != -1) {
		switch (ch) {
		case 'C':
			ct = 1;
			break;
		case 'z':
			o.kind = COMPRESS_ZSTD;
			break;
		case 'p':
			o.threads = atoi(optarg);
			break;
		case 'l':
			o.level = atoi(optarg);
			break;
		case 'b':
			if (compress_par_set_block(strtoul(optarg, NULL, 0) *
			    1024) == -1)
				errx(2, "-b: KiB from 64 to 16384");
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 2)
		usage();
	if ((d1 = strdup(argv[optind + 1])) == NULL ||
	    (d2 = strdup(argv[optind + 1])) == NULL)
		err(1, "strdup");
	dstdir = dirname(d1);
	dstbase = basename(d2);
	if ((dfd = fs_open_dir(dstdir)) == -1)
		err(1, "%s", dstdir);
	if ((in = open(argv[optind], (ct ? O_RDWR : O_RDONLY) | O_NOFOLLOW)) ==
	    -1 || fstat(in, &st) == -1)
		err(1, "%s", argv[optind]);
	if (!ct) {
		if (compress_fd(in, &st, dfd, dstbase, &o, NULL) == -1)
			err(1, "%s", argv[optind + 1]);
		return 0;
	}
	if (compress_copytruncate(in, &st, dfd, dstbase, &o, 0, &res) == -1)
		err(1, "%s", argv[optind]);
	fprintf(stderr, "mond-gzip: %s: %s, %jd bytes compressed, %jd left\n",
	    argv[optind], res.method == FS_CT_COLLAPSED ? "collapsed" :
	    "truncated", (intmax_t)res.copied, (intmax_t)res.left);
	return 0;
}
