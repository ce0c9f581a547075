/*
 * stressutil.c: the numbered-line writer and the line census of the stress
 * suite. The writer is a plain child process doing what an application
 * does; the census reads what mond left, decompressing in process, and
 * never trusts a name: every file of the log's family is read.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "tests/stressutil.h"
#include "tests/testutil.h"

long
su_env(const char *name, long def)
{
	const char *v = getenv(name);
	char *end;
	long n;

	if (v == NULL || *v == '\0')
		return def;
	n = strtol(v, &end, 10);
	return *end == '\0' && n > 0 ? n : def;
}

double
su_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static unsigned
check_of(uint64_t n)
{
	return (unsigned)((n * 7919 + 13) % 100000);
}

/* The writer's loop; never returns. Exits 1 when a write fails. */
static void
writer_main(const char *path, long rate, int batch, bool reopen,
    volatile uint64_t *shared)
{
	char *buf = malloc((size_t)batch * SU_LINE + 1);
	uint64_t n = 0;
	double start = su_now();
	int fd = -1, i;

	if (buf == NULL)
		_exit(1);
	while (shared[1] == 0) {
		for (i = 0; i < batch; i++)
			snprintf(buf + i * SU_LINE, SU_LINE + 1, "%09llu %05u\n",
			    (unsigned long long)(n + (uint64_t)i),
			    check_of(n + (uint64_t)i));
		if (fd == -1 && (fd = open(path, O_WRONLY | O_APPEND |
		    O_CREAT | O_CLOEXEC, 0644)) == -1)
			_exit(1);
		/* One write per batch: a line is never split by a rotation. */
		if (write(fd, buf, (size_t)batch * SU_LINE) !=
		    (ssize_t)batch * SU_LINE)
			_exit(1);
		if (reopen) {
			close(fd);
			fd = -1;
		}
		n += (uint64_t)batch;
		shared[0] = n;
		if (rate > 0) {
			double ahead = (double)n / (double)rate -
			    (su_now() - start);

			if (ahead > 0)
				usleep((useconds_t)(ahead * 1e6));
		}
	}
	_exit(0);
}

void
su_writer_start(struct su_writer *w, const char *path, long rate, int batch,
    bool reopen)
{
	w->shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq((void *)w->shared, MAP_FAILED, "mmap: %s", strerror(errno));
	w->shared[0] = w->shared[1] = 0;
	w->pid = fork();
	cr_assert_neq(w->pid, -1, "fork: %s", strerror(errno));
	if (w->pid == 0)
		writer_main(path, rate, batch, reopen, w->shared);
}

uint64_t
su_writer_stop(struct su_writer *w)
{
	uint64_t n;
	int status;

	w->shared[1] = 1;
	while (waitpid(w->pid, &status, 0) == -1)
		cr_assert_eq(errno, EINTR);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "the writer failed (status %d)", status);
	n = w->shared[0];
	munmap((void *)w->shared, 4096);
	return n;
}

/* The number of the line at P ("NNNNNNNNN CCCCC\n"), or -1 when garbled. */
static long long
parse_line(const char *p)
{
	unsigned long long n = 0;
	unsigned chk = 0;
	int i;

	for (i = 0; i < 9; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		n = n * 10 + (unsigned)(p[i] - '0');
	}
	for (i = 10; i < 15; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		chk = chk * 10 + (unsigned)(p[i] - '0');
	}
	if (p[9] != ' ' || p[15] != '\n' || chk != check_of(n))
		return -1;
	return (long long)n;
}

/* Counts the lines of BUF[0..LEN); a partial last line is torn. */
static void
census(const char *buf, size_t len, uint64_t expected, unsigned char *seen,
    struct su_count *c)
{
	size_t off;

	for (off = 0; off + SU_LINE <= len; off += SU_LINE) {
		long long n = parse_line(buf + off);

		if (n < 0 || (uint64_t)n >= expected) {
			c->bad++;
			continue;
		}
		c->lines++;
		if (seen[n] == 255)
			continue;
		if (++seen[n] > 1)
			c->dup++;
	}
	if (off != len)
		c->bad++;
}

static char *
read_gz(const char *path, size_t *len, bool *ok)
{
	gzFile gz = gzopen(path, "rb");
	size_t cap = 1 << 20;
	char *buf = malloc(cap);
	int n, err;

	cr_assert_not_null(buf);
	*len = 0;
	*ok = gz != NULL;
	if (gz == NULL)
		return buf;
	for (;;) {
		if (cap - *len < 65536)
			cr_assert_not_null(buf = realloc(buf, cap *= 2));
		n = gzread(gz, buf + *len, 65536);
		if (n <= 0)
			break;
		*len += (size_t)n;
	}
	gzerror(gz, &err);
	/* A truncated member reads as Z_BUF_ERROR at its end. */
	if (n < 0 || (err != Z_OK && err != Z_STREAM_END))
		*ok = false;
	gzclose(gz);
	return buf;
}

/*
 * The zstd file PATH decompressed with libzstd itself, not mond's reader:
 * *OK only when every frame is whole (the last one ended, checksums
 * right) and nothing follows.
 */
static char *
read_zst(const char *path, size_t *len, bool *ok)
{
	size_t inlen, cap = 1 << 20, rc = 0;
	char *in = tu_read_file(path, &inlen), *buf = malloc(cap);
	ZSTD_DCtx *dctx = ZSTD_createDCtx();
	ZSTD_inBuffer ib = { in, inlen, 0 };
	ZSTD_outBuffer ob;

	cr_assert_not_null(buf);
	cr_assert_not_null(dctx);
	*len = 0;
	*ok = in != NULL && inlen > 0;
	while (*ok && ib.pos < ib.size) {
		if (cap - *len < 65536)
			cr_assert_not_null(buf = realloc(buf, cap *= 2));
		ob = (ZSTD_outBuffer){ buf + *len, cap - *len, 0 };
		rc = ZSTD_decompressStream(dctx, &ob, &ib);
		*len += ob.pos;
		if (ZSTD_isError(rc))
			*ok = false;
	}
	/* Output libzstd still holds once the input is all in. */
	while (*ok && rc != 0) {
		if (cap - *len < 65536)
			cr_assert_not_null(buf = realloc(buf, cap *= 2));
		ob = (ZSTD_outBuffer){ buf + *len, cap - *len, 0 };
		rc = ZSTD_decompressStream(dctx, &ob, &ib);
		*len += ob.pos;
		if (ZSTD_isError(rc) || ob.pos == 0)
			*ok = false;
	}
	ZSTD_freeDCtx(dctx);
	free(in);
	return buf;
}

static bool
has_suffix(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a >= b && strcmp(s + a - b, suf) == 0;
}

void
su_count_lines(const char *dir, const char *base, uint64_t expected,
    struct su_count *c)
{
	unsigned char *seen = calloc(expected + 1, 1);
	unsigned char numbers[100001] = { 0 };
	size_t blen = strlen(base);
	struct dirent *de;
	DIR *d = opendir(dir);
	uint64_t i;

	memset(c, 0, sizeof(*c));
	cr_assert_not_null(seen);
	cr_assert_not_null(d, "%s: %s", dir, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		const char *name = de->d_name, *rest;
		char *path, *buf;
		size_t len;
		bool ok = true;

		if (strstr(name, ".mond-tmp") || strstr(name, ".mond-swap")) {
			c->temps++;
			cr_log_warn("temporary left: %s/%s", dir, name);
			continue;
		}
		if (strncmp(name, base, blen) != 0 ||
		    (name[blen] != '\0' && name[blen] != '.'))
			continue;
		rest = name + blen;
		if (strstr(name, ".mond-recovered")) {
			c->recovered++;
			cr_log_info("recovered file: %s/%s", dir, name);
		} else if (rest[0] == '.') {
			long k = strtol(rest + 1, NULL, 10);

			if (k > 0 && k <= 100000 && !numbers[k]) {
				numbers[k] = 1;
				c->rotated++;
			}
		}
		cr_assert(asprintf(&path, "%s/%s", dir, name) != -1);
		if (has_suffix(name, ".gz")) {
			buf = read_gz(path, &len, &ok);
			if (!ok) {
				c->gz_bad++;
				cr_log_error("%s: not a complete gzip file", path);
			}
		} else if (has_suffix(name, ".zst")) {
			buf = read_zst(path, &len, &ok);
			if (!ok) {
				c->gz_bad++;
				cr_log_error("%s: not a complete zstd file", path);
			}
		} else if ((buf = tu_read_file(path, &len)) == NULL) {
			cr_assert_not_null(buf = calloc(1, 1));
			len = 0;
		}
		census(buf, len, expected, seen, c);
		c->files++;
		free(buf);
		free(path);
	}
	closedir(d);
	for (i = 0; i < expected; i++)
		if (seen[i] == 0)
			c->lost++;
	free(seen);
}

unsigned
su_count_rotated(const char *dir, const char *base)
{
	unsigned char numbers[100001] = { 0 };
	size_t blen = strlen(base);
	struct dirent *de;
	unsigned n = 0;
	DIR *d = opendir(dir);

	cr_assert_not_null(d, "%s: %s", dir, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		long k;

		if (strncmp(de->d_name, base, blen) != 0 ||
		    de->d_name[blen] != '.')
			continue;
		k = strtol(de->d_name + blen + 1, NULL, 10);
		if (k > 0 && k <= 100000 && !numbers[k]) {
			numbers[k] = 1;
			n++;
		}
	}
	closedir(d);
	return n;
}

long
su_rss_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	fclose(fp);
	return kb;
}

long
su_fd_count(pid_t pid)
{
	char path[64];
	struct dirent *de;
	long n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	if ((d = opendir(path)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

int
su_sh(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}


char *
su_gunzip(const char *path, size_t *len)
{
	gzFile gz = gzopen(path, "rb");
	size_t cap = 8 << 20;
	char *buf = malloc(cap);
	int n;

	cr_assert_not_null(gz, "%s: cannot open", path);
	*len = 0;
	while ((n = gzread(gz, buf + *len, (unsigned)(cap - *len))) > 0)
		if ((*len += (size_t)n) == cap)
			cr_assert_not_null(buf = realloc(buf, cap *= 2));
	cr_assert_geq(n, 0, "%s: not a complete gzip file", path);
	gzclose(gz);
	return buf;
}


/* Counts lines with NEEDLE in every DIR/BASE*, and lines not matching RE. */
void
su_applog_census(const char *dir, const char *base, const char *needle,
    long *hits, long *torn, int *files)
{
	regex_t re;
	struct dirent *de;
	DIR *d = opendir(dir);

	*hits = *torn = 0;
	*files = 0;
	cr_assert_not_null(d);
	cr_assert_eq(regcomp(&re, "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:"
	    "[0-9]{2},[0-9]{3} - mond - (DEBUG|INFO|WARNING|ERROR|CRITICAL) - "
	    "[^\n]*$", REG_EXTENDED | REG_NOSUB), 0);
	while ((de = readdir(d)) != NULL) {
		char *path, *text, *line, *next;
		size_t len;

		if (strncmp(de->d_name, base, strlen(base)) != 0)
			continue;
		path = tu_path(dir, de->d_name);
		cr_assert_not_null(text = tu_read_file(path, &len));
		if (len > 0 && text[len - 1] != '\n')
			(*torn)++;
		for (line = text; *line != '\0'; line = next) {
			if ((next = strchr(line, '\n')) != NULL)
				*next++ = '\0';
			else
				next = line + strlen(line);
			if (regexec(&re, line, 0, NULL, 0) != 0) {
				if (*torn < 5)
					cr_log_error("torn line in %s: %s", path,
					    line);
				(*torn)++;
			} else if (strstr(line, needle) != NULL)
				(*hits)++;
		}
		(*files)++;
		free(text);
		free(path);
	}
	closedir(d);
	regfree(&re);
}
