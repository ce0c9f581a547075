/*
 * netallow.c: address lists for http.status_allow. A v4-mapped IPv6 peer
 * (::ffff:a.b.c.d, what a "::" listener sees) is judged as its IPv4
 * address, so one list serves both kinds of listener.
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/netallow.h"

static const char separators[] = ", \t";

static const unsigned char mapped[12] = { [10] = 0xff, [11] = 0xff };

/*
 * A v4-mapped network (::ffff:10.0.0.0/104) as the IPv4 one it is, since
 * mapped peers are judged as IPv4; one shorter than the mapping is -1.
 */
static int
unmap(struct net_allow *net)
{
	if (net->family != AF_INET6 ||
	    memcmp(net->addr, mapped, sizeof(mapped)) != 0)
		return 0;
	if (net->prefix < 96)
		return -1;
	memmove(net->addr, net->addr + sizeof(mapped), 4);
	memset(net->addr + 4, 0, sizeof(net->addr) - 4);
	net->family = AF_INET;
	net->prefix -= 96;
	return 0;
}

/* One word, "ADDR" or "ADDR/PREFIX", into *NET; -1 when it is neither. */
static int
parse_one(const char *word, size_t len, struct net_allow *net)
{
	char buf[64], *slash, *end;
	long prefix;
	int max;

	if (len >= sizeof(buf))
		return -1;
	memcpy(buf, word, len);
	buf[len] = '\0';
	if ((slash = strchr(buf, '/')) != NULL)
		*slash++ = '\0';
	memset(net, 0, sizeof(*net));
	if (inet_pton(AF_INET, buf, net->addr) == 1) {
		net->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, net->addr) == 1) {
		net->family = AF_INET6;
		max = 128;
	} else
		return -1;
	net->prefix = max;
	if (slash != NULL) {
		if (*slash < '0' || *slash > '9')
			return -1;
		prefix = strtol(slash, &end, 10);
		if (*end != '\0' || prefix > max)
			return -1;
		net->prefix = (int)prefix;
	}
	return unmap(net);
}

int
netallow_parse(const char *text, struct net_allow *out, size_t *n,
    const char **bad)
{
	const char *p = text;
	size_t len;

	*n = 0;
	for (;;) {
		p += strspn(p, separators);
		if (*p == '\0')
			return 0;
		len = strcspn(p, separators);
		if (*n == NETALLOW_MAX || parse_one(p, len, &out[*n]) == -1) {
			*bad = p;
			return -1;
		}
		(*n)++;
		p += len;
	}
}

static bool
prefix_equal(const unsigned char *a, const unsigned char *b, int bits)
{
	int whole = bits / 8, rest = bits % 8;
	unsigned char mask;

	if (memcmp(a, b, (size_t)whole) != 0)
		return false;
	if (rest == 0)
		return true;
	mask = (unsigned char)(0xff << (8 - rest));
	return (a[whole] & mask) == (b[whole] & mask);
}

bool
netallow_match(const struct net_allow *nets, size_t n,
    const struct sockaddr *sa)
{
	const unsigned char *addr;
	int family;
	size_t i;

	if (sa->sa_family == AF_INET) {
		family = AF_INET;
		addr = (const unsigned char *)
		    &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
	} else if (sa->sa_family == AF_INET6) {
		addr = (const unsigned char *)
		    &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
		family = AF_INET6;
		if (memcmp(addr, mapped, sizeof(mapped)) == 0) {
			family = AF_INET;
			addr += sizeof(mapped);
		}
	} else
		return false;
	if (family == AF_INET && addr[0] == 127)
		return true;
	if (family == AF_INET6 &&
	    IN6_IS_ADDR_LOOPBACK((const struct in6_addr *)(const void *)addr))
		return true;
	for (i = 0; i < n; i++)
		if (nets[i].family == family &&
		    prefix_equal(nets[i].addr, addr, nets[i].prefix))
			return true;
	return false;
}
