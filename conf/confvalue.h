/*
 * confvalue.h: parse callbacks for libconfuse options (cfg_callback_t).
 * INT ones store a long; PTR ones (create, createolddir, su) store a
 * malloc'd struct that libconfuse frees with free(). Internal to conf/.
 */
#ifndef MOND_CONFVALUE_H
#define MOND_CONFVALUE_H

#include <sys/types.h>
#include <confuse.h>

/* What `su = "USER GROUP"` becomes. */
struct confvalue_su {
	uid_t	uid;
	gid_t	gid;
};

/* N, Nk, NM or NG (1024^n), N >= 0. */
int	confvalue_size(cfg_t *, cfg_opt_t *, const char *, void *);
/* minfree: "N%" (1 to 99, kept as -N) or a size, more than 0. */
int	confvalue_minfree(cfg_t *, cfg_opt_t *, const char *, void *);
/*
 * A duration in seconds: N, Ns, Nm, Nh or Nd, at most 365 d; no (or a
 * zero) for none, 0.
 */
int	confvalue_duration(cfg_t *, cfg_opt_t *, const char *, void *);
/* An integer within the range its option name allows. */
int	confvalue_int(cfg_t *, cfg_opt_t *, const char *, void *);
/* hourly..yearly as enum freq. */
int	confvalue_freq(cfg_t *, cfg_opt_t *, const char *, void *);
int	confvalue_compressor(cfg_t *, cfg_opt_t *, const char *, void *);
/* debug or info as enum applog_level. */
int	confvalue_level(cfg_t *, cfg_opt_t *, const char *, void *);
/* yes | no | "MODE [OWNER [GROUP]]" | "OWNER [GROUP]" as a create_spec. */
int	confvalue_create(cfg_t *, cfg_opt_t *, const char *, void *);
/* "USER GROUP" as a struct confvalue_su. */
int	confvalue_su(cfg_t *, cfg_opt_t *, const char *, void *);

/* Validators (cfg_validate_callback_t): report with cfg_error, return 0. */
/* A numeric IPv4 or IPv6 address (inet_pton), never a host name. */
int	confvalue_check_addr(cfg_t *, cfg_opt_t *);
/* http.status_allow: a list netallow_parse() takes. */
int	confvalue_check_networks(cfg_t *, cfg_opt_t *);
/* An integer of at least 1. */
int	confvalue_check_positive(cfg_t *, cfg_opt_t *);
/* A string that is not "". */
int	confvalue_check_nonempty(cfg_t *, cfg_opt_t *);

#endif
