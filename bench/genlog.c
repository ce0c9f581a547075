/*
 * genlog.c: writes a realistic log for the compression bench to stdout:
 * interleaved syslog lines (cron, sshd, kernel, systemd, an app with
 * request ids) and combined-format access log lines with varying IPs,
 * times, paths, status codes, sizes and user agents. Deterministic for a
 * given seed. Usage: genlog SIZE[k|M|G] [SEED]. Bench-only, not installed.
 */
#include <err.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static uint64_t rng;

static uint64_t
next(void)
{
	/* xorshift64*: fast, deterministic, good enough for log fields. */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ULL;
}

static unsigned
pick(unsigned n)
{
	return (unsigned)(next() >> 33) % n;
}

/* Skewed pick: small indexes far more often, as real traffic is. */
static unsigned
zipf(unsigned n)
{
	unsigned a = pick(n), b = pick(n);

	return a < b ? a : b;
}

static const char *hosts[] = { "web01", "web02", "db01", "cache03" };
static const char *methods[] = { "GET", "GET", "GET", "POST", "HEAD", "PUT" };
static const char *paths[] = {
	"/", "/index.html", "/api/v1/users", "/api/v1/orders", "/static/app.js",
	"/static/style.css", "/images/logo.png", "/login", "/logout",
	"/api/v1/search", "/favicon.ico", "/robots.txt", "/healthz",
	"/api/v2/items", "/cart", "/checkout", "/account/settings",
	"/blog/2026/11/some-post-title", "/wp-login.php", "/.env",
};
static const int statuses[] = { 200, 200, 200, 200, 200, 304, 301, 404, 403,
	500, 502, 201, 204 };
static const char *agents[] = {
	"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
	"curl/7.88.1",
	"Googlebot/2.1 (+http://www.google.com/bot.html)",
	"python-requests/2.31.0",
	"Prometheus/2.45.0",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/605.1.15",
};
static const char *users[] = { "root", "alice", "bob", "deploy", "admin",
	"git", "postgres" };
static const char *mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
	"Aug", "Sep", "Oct", "Nov", "Dec" };

#define N(a)	(sizeof(a) / sizeof((a)[0]))

static int
syslog_line(char *b, size_t n, time_t t)
{
	struct tm tm;
	char ts[32];
	const char *h = hosts[zipf(N(hosts))];

	gmtime_r(&t, &tm);
	snprintf(ts, sizeof(ts), "%s %2d %02d:%02d:%02d", mon[tm.tm_mon],
	    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	switch (pick(6)) {
	case 0:
		return snprintf(b, n, "%s %s CRON[%u]: (%s) CMD (command -v "
		    "debian-sa1 > /dev/null && debian-sa1 1 1)\n", ts, h,
		    1000 + pick(60000), users[zipf(N(users))]);
	case 1:
		return snprintf(b, n, "%s %s sshd[%u]: %s password for %s from "
		    "%u.%u.%u.%u port %u ssh2\n", ts, h, 1000 + pick(60000),
		    pick(4) ? "Failed" : "Accepted", users[zipf(N(users))],
		    pick(223) + 1, pick(256), pick(256), pick(256),
		    1024 + pick(64000));
	case 2:
		return snprintf(b, n, "%s %s kernel: [%u.%06u] [UFW BLOCK] IN=eth0 "
		    "OUT= MAC=52:54:00:%02x:%02x:%02x SRC=%u.%u.%u.%u "
		    "DST=10.0.0.%u LEN=%u TTL=%u PROTO=TCP SPT=%u DPT=%u\n", ts, h,
		    pick(9000000), pick(1000000), pick(256), pick(256),
		    pick(256), pick(223) + 1, pick(256), pick(256), pick(256),
		    pick(20) + 1, 40 + pick(1400), 32 + pick(96),
		    1024 + pick(64000), zipf(3) ? 22 : 3389);
	case 3:
		return snprintf(b, n, "%s %s systemd[1]: Started %s.service - "
		    "%s.\n", ts, h, pick(2) ? "logrotate" : "apt-daily",
		    pick(2) ? "Rotate log files" : "Daily apt download activities");
	default:
		return snprintf(b, n, "%s %s app[%u]: level=%s req=%016llx "
		    "user=%u path=%s took=%ums rows=%u\n", ts, h,
		    2000 + zipf(50), zipf(4) ? "info" : "warn",
		    (unsigned long long)next(), zipf(100000),
		    paths[zipf(N(paths))], zipf(2000), zipf(500));
	}
}

static int
access_line(char *b, size_t n, time_t t)
{
	struct tm tm;
	char ts[40];
	int st = statuses[zipf(N(statuses))];

	gmtime_r(&t, &tm);
	strftime(ts, sizeof(ts), "%d/%b/%Y:%H:%M:%S +0000", &tm);
	return snprintf(b, n, "%u.%u.%u.%u - - [%s] \"%s %s%s HTTP/1.1\" %d %u "
	    "\"%s\" \"%s\"\n", 10 + zipf(200), zipf(256), pick(256), pick(256),
	    ts, methods[zipf(N(methods))], paths[zipf(N(paths))],
	    pick(3) ? "" : "?page=2&sort=desc", st,
	    st == 304 || st == 204 ? 0 : 200 + pick(60000),
	    pick(2) ? "-" : "https://example.com/",
	    agents[zipf(N(agents))]);
}

static long long
parse_size(const char *s)
{
	char *end;
	long long n = strtoll(s, &end, 10);

	switch (*end) {
	case 'k': case 'K': n <<= 10; end++; break;
	case 'm': case 'M': n <<= 20; end++; break;
	case 'g': case 'G': n <<= 30; end++; break;
	}
	if (*end != '\0' || n < 0)
		errx(2, "bad size %s", s);
	return n;
}

int
main(int argc, char **argv)
{
	static char buf[1 << 20];
	long long want, done = 0;
	time_t t = 1764028800;	/* 2025-11-25 00:00 UTC */
	size_t used = 0;
	int k;

	if (argc < 2 || argc > 3)
		errx(2, "usage: genlog SIZE[k|M|G] [SEED]");
	want = parse_size(argv[1]);
	rng = argc == 3 ? strtoull(argv[2], NULL, 10) * 0x9e3779b97f4a7c15ULL +
	    1 : 88172645463325252ULL;
	while (done < want) {
		if (pick(8) == 0)
			t += 1;
		k = pick(2) ? syslog_line(buf + used, sizeof(buf) - used, t) :
		    access_line(buf + used, sizeof(buf) - used, t);
		if (k < 0 || (size_t)k >= sizeof(buf) - used)
			errx(1, "line too long");
		if ((long long)k > want - done)
			k = (int)(want - done);
		used += (size_t)k;
		done += k;
		if (sizeof(buf) - used < 1024 || done == want) {
			if (fwrite(buf, 1, used, stdout) != used)
				err(1, "write");
			used = 0;
		}
	}
	if (fflush(stdout) != 0)
		err(1, "write");
	return 0;
}
