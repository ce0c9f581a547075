/*
 * confvalue.c: the libconfuse parse callbacks that turn one option's text
 * into its value: sizes, bounded integers, frequencies, levels, create
 * specs and su ids (users and groups resolved here, at load time). Each
 * reports a bad value with cfg_error() and still returns 0, so that one
 * load reports every bad value; conf.c counts the errors.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "conf/confvalue.h"
#include "conf/netallow.h"

static int
parse_ll(const char *s, long long *out)
{
	char *end;

	if (*s == '\0')
		return -1;
	errno = 0;
	*out = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	return 0;
}

int
confvalue_size(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	const char *p = value;
	long long n = 0, mult = 1;

	*(long *)result = 0;
	if (*p < '0' || *p > '9')
		goto bad;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (n > (LLONG_MAX - 9) / 10)
			goto bad;
		n = n * 10 + (*p - '0');
	}
	switch (*p) {
	case '\0':
		break;
	case 'k': case 'K':
		mult = 1024LL;
		p++;
		break;
	case 'm': case 'M':
		mult = 1024LL * 1024;
		p++;
		break;
	case 'g': case 'G':
		mult = 1024LL * 1024 * 1024;
		p++;
		break;
	default:
		goto bad;
	}
	if (*p != '\0' || n > LLONG_MAX / mult || n * mult > LONG_MAX)
		goto bad;
	*(long *)result = (long)(n * mult);
	return 0;
bad:
	cfg_error(cfg, "%s = \"%s\": bad size (expected N, Nk, NM or NG)",
	    opt->name, value);
	return 0;
}

int
confvalue_minfree(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	size_t n = strlen(value);
	long long pct;
	char num[32];

	if (n > 1 && n < sizeof(num) && value[n - 1] == '%') {
		memcpy(num, value, n - 1);
		num[n - 1] = '\0';
		if (parse_ll(num, &pct) == 0 && pct >= 1 && pct <= 99) {
			*(long *)result = (long)-pct;
			return 0;
		}
		cfg_error(cfg, "%s = \"%s\": expected 1%% to 99%%, or a size",
		    opt->name, value);
		return 0;
	}
	confvalue_size(cfg, opt, value, result);
	if (*(long *)result == 0 && strcmp(value, "0") == 0)
		cfg_error(cfg, "%s = \"%s\": must be more than 0", opt->name,
		    value);
	return 0;
}

#define DURATION_MAX	(365L * 86400)

int
confvalue_duration(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	const char *units = "smhd";
	static const long mult[] = { 1, 60, 3600, 86400 };
	size_t n = strlen(value);
	const char *u;
	long long v;
	char num[32];

	*(long *)result = 0;
	if (strcmp(value, "no") == 0 || strcmp(value, "0") == 0)
		return 0;
	if (n == 0 || n >= sizeof(num))
		goto bad;
	memcpy(num, value, n + 1);
	/* num[n - 1] is no NUL: strchr finds a unit or nothing */
	if ((u = strchr(units, num[n - 1])) != NULL)
		num[n - 1] = '\0';
	if (parse_ll(num, &v) == -1 || v < 0 || !isdigit((unsigned char)num[0]))
		goto bad;
	if (u != NULL && v <= DURATION_MAX)
		v *= mult[u - units];
	if (v > DURATION_MAX) {
		cfg_error(cfg, "%s = \"%s\": more than 365 days", opt->name,
		    value);
		return 0;
	}
	*(long *)result = (long)v;
	return 0;
bad:
	cfg_error(cfg, "%s = \"%s\": bad duration (expected N, Ns, Nm, Nh or "
	    "Nd; no or 0 for none)", opt->name, value);
	return 0;
}

struct range {
	const char	*name;
	long		 min, max;
	const char	*expect;
};

static const struct range ranges[] = {
	/* Caps keep a rollover's or a shift's work bounded. */
	{ "rotate", -1, 100000, "-1 (keep forever) to 100000" },
	{ "start", 0, INT_MAX, "0 or more" },
	{ "maxage", 0, INT_MAX, "0 or more days" },
	{ "minage", 0, INT_MAX, "0 or more days" },
	/* gzip's 1..9 is confrule_check's: the compressor may come later */
	{ "compresslevel", 1, 19, "1 to 9 (gzip) or 19 (zstd)" },
	{ "compressthreads", 0, INT_MAX, "0 (one per online CPU) or more" },
	{ "weekday", 0, 7, "0 (Sunday) to 6, or 7 (every seven days)" },
	{ "shredcycles", 0, INT_MAX, "0 (shred's default) or more" },
	{ "port", 0, 65535, "0 to 65535" },
	{ "timeout", 1, 86400, "1 to 86400 seconds" },
	{ "backups", 0, 1000, "0 to 1000" },
};

int
confvalue_int(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	const struct range *r = NULL;
	long long n;
	size_t i;

	*(long *)result = 0;
	for (i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
		if (strcmp(ranges[i].name, opt->name) == 0)
			r = &ranges[i];
	if (parse_ll(value, &n) == -1)
		cfg_error(cfg, "%s = \"%s\": not an integer", opt->name, value);
	else if (r != NULL && (n < r->min || n > r->max))
		cfg_error(cfg, "%s = %s: out of range (expected %s)",
		    opt->name, value, r->expect);
	else
		*(long *)result = (long)n;
	return 0;
}

int
confvalue_freq(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	int f;

	*(long *)result = FREQ_NONE;
	for (f = FREQ_HOURLY; f <= FREQ_YEARLY; f++)
		if (strcmp(value, conf_freq_name((enum freq)f)) == 0) {
			*(long *)result = f;
			return 0;
		}
	cfg_error(cfg, "%s = \"%s\": unknown frequency (expected hourly, "
	    "daily, weekly, monthly or yearly)", opt->name, value);
	return 0;
}

int
confvalue_compressor(cfg_t *cfg, cfg_opt_t *opt, const char *value,
    void *result)
{
	*(long *)result = COMPRESSOR_GZIP;
	if (strcmp(value, "gzip") == 0)
		return 0;
	if (strcmp(value, "zstd") == 0) {
		*(long *)result = COMPRESSOR_ZSTD;
		return 0;
	}
	cfg_error(cfg, "%s = \"%s\": unknown compressor (expected gzip or "
	    "zstd)", opt->name, value);
	return 0;
}

int
confvalue_level(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	*(long *)result = APPLOG_DEBUG;
	if (strcmp(value, "debug") == 0)
		return 0;
	if (strcmp(value, "info") == 0) {
		*(long *)result = APPLOG_INFO;
		return 0;
	}
	cfg_error(cfg, "%s = \"%s\": unknown level (expected debug or info)",
	    opt->name, value);
	return 0;
}

/* A user name, or a numeric uid as logrotate accepts. */
static int
lookup_user(const char *name, uid_t *uid)
{
	struct passwd *pw;
	long long n;

	if ((pw = getpwnam(name)) != NULL) {
		*uid = pw->pw_uid;
		return 0;
	}
	if (parse_ll(name, &n) == 0 && n >= 0 && n < (long long)UINT_MAX) {
		*uid = (uid_t)n;
		return 0;
	}
	return -1;
}

static int
lookup_group(const char *name, gid_t *gid)
{
	struct group *gr;
	long long n;

	if ((gr = getgrnam(name)) != NULL) {
		*gid = gr->gr_gid;
		return 0;
	}
	if (parse_ll(name, &n) == 0 && n >= 0 && n < (long long)UINT_MAX) {
		*gid = (gid_t)n;
		return 0;
	}
	return -1;
}

/* Splits TEXT on blanks into at most MAX words; returns the count, or MAX+1. */
static size_t
split_words(char *text, char *words[], size_t max)
{
	size_t n = 0;
	char *w;

	for (w = strtok(text, " \t\n"); w != NULL; w = strtok(NULL, " \t\n")) {
		if (n == max)
			return max + 1;
		words[n++] = w;
	}
	return n;
}

static int
parse_mode(const char *s, mode_t *mode)
{
	const char *p;
	unsigned long m = 0;

	if (strlen(s) < 3 || strlen(s) > 4)
		return -1;
	for (p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '7')
			return -1;
		m = m * 8 + (unsigned long)(*p - '0');
	}
	*mode = (mode_t)m;
	return 0;
}

/* create and createolddir: yes | no | "[MODE] [OWNER [GROUP]]". */
int
confvalue_create(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	struct create_spec *cs;
	char *copy, *w[3];
	size_t n;

	if ((cs = calloc(1, sizeof(*cs))) == NULL ||
	    (copy = strdup(value)) == NULL) {
		free(cs);
		cfg_error(cfg, "%s: %s", opt->name, strerror(errno));
		return -1;
	}
	*(void **)result = cs;
	if (strcmp(value, "yes") == 0 || strcmp(value, "no") == 0) {
		cs->enabled = value[0] == 'y';
		goto done;
	}
	cs->enabled = true;
	n = split_words(copy, w, 3);
	if (n == 0 || n > 3) {
		cfg_error(cfg, "%s = \"%s\": expected yes, no or "
		    "\"MODE [OWNER [GROUP]]\"", opt->name, value);
		goto done;
	}
	/* logrotate's "OWNER [GROUP]": no mode, the log's is kept. */
	if (n < 3 && !isdigit((unsigned char)w[0][0]) && getpwnam(w[0]) !=
	    NULL) {
		cs->has_uid = lookup_user(w[0], &cs->uid) == 0;
		if (n > 1 && lookup_group(w[1], &cs->gid) == -1)
			cfg_error(cfg, "%s = \"%s\": unknown group \"%s\"",
			    opt->name, value, w[1]);
		cs->has_gid = n > 1;
		goto done;
	}
	if (parse_mode(w[0], &cs->mode) == -1)
		cfg_error(cfg, "%s = \"%s\": bad mode \"%s\" (expected octal, "
		    "e.g. 0640)", opt->name, value, w[0]);
	cs->has_mode = true;
	if (n > 1 && lookup_user(w[1], &cs->uid) == -1)
		cfg_error(cfg, "%s = \"%s\": unknown user \"%s\"", opt->name,
		    value, w[1]);
	cs->has_uid = n > 1;
	if (n > 2 && lookup_group(w[2], &cs->gid) == -1)
		cfg_error(cfg, "%s = \"%s\": unknown group \"%s\"", opt->name,
		    value, w[2]);
	cs->has_gid = n > 2;
done:
	free(copy);
	return 0;
}

int
confvalue_su(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	struct confvalue_su *su;
	char *copy, *w[2];

	if ((su = calloc(1, sizeof(*su))) == NULL ||
	    (copy = strdup(value)) == NULL) {
		free(su);
		cfg_error(cfg, "%s: %s", opt->name, strerror(errno));
		return -1;
	}
	*(void **)result = su;
	if (split_words(copy, w, 2) != 2)
		cfg_error(cfg, "%s = \"%s\": expected \"USER GROUP\"",
		    opt->name, value);
	else if (lookup_user(w[0], &su->uid) == -1)
		cfg_error(cfg, "%s = \"%s\": unknown user \"%s\"", opt->name,
		    value, w[0]);
	else if (lookup_group(w[1], &su->gid) == -1)
		cfg_error(cfg, "%s = \"%s\": unknown group \"%s\"", opt->name,
		    value, w[1]);
	free(copy);
	return 0;
}

int
confvalue_check_addr(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, cfg_opt_size(opt) - 1);
	unsigned char buf[sizeof(struct in6_addr)];

	/* A name would be resolved at every start; mond binds what it was given. */
	if (v == NULL || (inet_pton(AF_INET, v, buf) != 1 &&
	    inet_pton(AF_INET6, v, buf) != 1))
		cfg_error(cfg, "%s = \"%s\": not a numeric IPv4 or IPv6 "
		    "address", opt->name, v != NULL ? v : "");
	return 0;
}

int
confvalue_check_networks(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, cfg_opt_size(opt) - 1), *bad;
	struct net_allow nets[NETALLOW_MAX];
	size_t n;

	if (v != NULL && netallow_parse(v, nets, &n, &bad) == -1)
		cfg_error(cfg, "%s: \"%.*s\" is not an address or network "
		    "(ADDR or ADDR/PREFIX, at most %d)", opt->name,
		    (int)strcspn(bad, ", \t"), bad, NETALLOW_MAX);
	return 0;
}

int
confvalue_check_positive(cfg_t *cfg, cfg_opt_t *opt)
{
	long v = cfg_opt_getnint(opt, cfg_opt_size(opt) - 1);

	if (v < 1)
		cfg_error(cfg, "%s = %ld: must be at least 1", opt->name, v);
	return 0;
}

int
confvalue_check_nonempty(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, cfg_opt_size(opt) - 1);

	if (v == NULL || *v == '\0')
		cfg_error(cfg, "%s = \"\": must not be empty", opt->name);
	return 0;
}
