/*
 * test_netallow.c: http.status_allow's lists, parsed and matched against
 * real socket addresses: prefixes on and off byte edges, IPv6, v4-mapped
 * peers and entries, loopback, and what the parser refuses.
 */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "conf/netallow.h"

static struct net_allow nets[NETALLOW_MAX];
static size_t nnets;

static void
parse_ok(const char *text)
{
	const char *bad = NULL;

	cr_assert_eq(netallow_parse(text, nets, &nnets, &bad), 0,
	    "\"%s\" refused at \"%s\"", text, bad ? bad : "");
}

/* Whether the peer ADDR (IPv4 or IPv6 text) is allowed by the list. */
static bool
allowed(const char *addr)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };

	if (inet_pton(AF_INET, addr, &sin.sin_addr) == 1)
		return netallow_match(nets, nnets, (struct sockaddr *)&sin);
	cr_assert_eq(inet_pton(AF_INET6, addr, &sin6.sin6_addr), 1, "%s", addr);
	return netallow_match(nets, nnets, (struct sockaddr *)&sin6);
}

Test(netallow, loopback_is_always_in_and_nothing_else_by_default)
{
	parse_ok("");
	cr_assert_eq(nnets, 0);
	cr_assert(allowed("127.0.0.1"));
	cr_assert(allowed("127.8.9.10"));
	cr_assert(allowed("::1"));
	cr_assert(allowed("::ffff:127.0.0.1"));
	cr_assert_not(allowed("10.0.0.1"));
	cr_assert_not(allowed("::ffff:10.0.0.1"));
	cr_assert_not(allowed("2001:db8::1"));
}

Test(netallow, prefixes_match_on_and_off_byte_edges)
{
	parse_ok("10.1.0.0/16, 192.0.2.7 198.51.100.128/25\t203.0.113.0/23");
	cr_assert_eq(nnets, 4);
	cr_assert(allowed("10.1.255.3"));
	cr_assert_not(allowed("10.2.0.1"));
	cr_assert(allowed("192.0.2.7"));
	cr_assert_not(allowed("192.0.2.8"));
	cr_assert(allowed("198.51.100.200"));
	cr_assert_not(allowed("198.51.100.127"));
	cr_assert(allowed("203.0.112.9"));	/* /23 takes .112 and .113 */
	cr_assert(allowed("203.0.113.9"));
	cr_assert_not(allowed("203.0.114.9"));
	/* A "::" listener sees IPv4 clients as mapped: judged as IPv4. */
	cr_assert(allowed("::ffff:10.1.2.3"));
	cr_assert_not(allowed("::ffff:10.2.2.3"));
}

Test(netallow, ipv6_networks_and_zero_prefixes)
{
	parse_ok("2001:db8::/32");
	cr_assert(allowed("2001:db8:1::5"));
	cr_assert_not(allowed("2001:db9::5"));
	cr_assert_not(allowed("10.0.0.1"));
	parse_ok("0.0.0.0/0");
	cr_assert(allowed("8.8.8.8"));
	cr_assert_not(allowed("2001:db8::1"), "an IPv4 /0 let IPv6 in");
}

Test(netallow, a_v4_mapped_entry_is_its_ipv4_network)
{
	parse_ok("::ffff:10.0.0.0/104");
	cr_assert_eq(nets[0].family, AF_INET);
	cr_assert_eq(nets[0].prefix, 8);
	cr_assert(allowed("10.9.9.9"));
	cr_assert(allowed("::ffff:10.9.9.9"));
	cr_assert_not(allowed("11.0.0.1"));
}

Test(netallow, what_is_not_a_network_is_refused_naming_it)
{
	static const char *const bad[] = { "10.0.0.0/33", "10.0.0.0/",
	    "10.0.0.0/x", "example.org", "10.0.0", "2001:db8::/129",
	    "::ffff:10.0.0.0/95", "10.0.0.0/-1" };
	const char *at;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[64];

		snprintf(text, sizeof(text), "192.0.2.1, %s", bad[i]);
		at = NULL;
		cr_assert_eq(netallow_parse(text, nets, &nnets, &at), -1,
		    "\"%s\" taken", bad[i]);
		cr_assert_eq(strncmp(at, bad[i], strlen(bad[i])), 0,
		    "\"%s\": refused at \"%s\"", bad[i], at);
	}
}

Test(netallow, at_most_sixty_four_entries)
{
	char text[NETALLOW_MAX * 16 + 32];
	const char *at;
	size_t i, n = 0;

	for (i = 0; i <= NETALLOW_MAX; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "10.0.%zu.1 ",
		    i);
	cr_assert_eq(netallow_parse(text, nets, &nnets, &at), -1);
	text[strlen(text) - strlen("10.0.64.1 ")] = '\0';
	parse_ok(text);
	cr_assert_eq(nnets, NETALLOW_MAX);
}
