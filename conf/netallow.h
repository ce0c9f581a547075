/*
 * netallow.h: the networks http.status_allow names ("10.1.0.0/16, ::1,
 * 192.0.2.7"), and whether a peer's address is in one of them. Loopback
 * is always in: the status routes answer the machine itself.
 */
#ifndef MOND_NETALLOW_H
#define MOND_NETALLOW_H

#include <stdbool.h>
#include <stddef.h>

#include <sys/socket.h>

struct net_allow {
	int		 family;	/* AF_INET or AF_INET6 */
	unsigned char	 addr[16];	/* network order; 4 used for AF_INET */
	int		 prefix;	/* leading bits that must match */
};

#define NETALLOW_MAX	64

/*
 * Parses TEXT: numeric addresses, each with an optional "/PREFIX", apart
 * by commas or blanks; "" is none. Fills OUT (NETALLOW_MAX slots) and *N.
 * Returns 0, or -1 with *BAD pointing at the first word it refused.
 */
int	netallow_parse(const char *text, struct net_allow *out, size_t *n,
	    const char **bad);

/* Whether SA (AF_INET, AF_INET6, v4-mapped too) is loopback or in NETS. */
bool	netallow_match(const struct net_allow *nets, size_t n,
	    const struct sockaddr *sa);

#endif
