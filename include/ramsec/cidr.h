/* SPDX-License-Identifier: MIT */
/*
 * Addresses and CIDR masks (login_network_masks).
 *
 * Parsing is strict and never resolves names: an IPv4 address is exactly
 * four decimal octets without leading zeros ("010.0.0.1", "10.1" and
 * "0x0a000001" are refused); an IPv6 address is what inet_pton accepts.
 * An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is an IPv4 address.  A zone
 * ("fe80::1%eth0") is dropped from an rhost, refused in a mask.  Anything
 * else (a host name, "[::1]", "") is not an address, and so in no mask.
 *
 * Mapped masks: "::ffff:a.b.c.d/P" with P >= 96 is stored as the IPv4 mask
 * "a.b.c.d/(P-96)" (::ffff:10.0.0.0/104 is 10.0.0.0/8); P < 96 is refused.
 * Since mapped rhosts are IPv4 too, an IPv6 mask such as ::/0 never matches
 * one.  Zones: 1-15 bytes of [A-Za-z0-9_.-], only after an IPv6 address.
 *
 * Reasons are English sentences that start with the offending text, printable
 * ASCII kept, other bytes and '\' shown as \xHH, cut after 64 bytes with
 * "...": "10.0.0.1/8: host bits are set; did you mean 10.0.0.0/8?".
 */
#ifndef RAMSEC_CIDR_H
#define RAMSEC_CIDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RS_CIDR_MAX	 40  /* entries in login_network_masks */
#define RS_CIDR_TEXT_MAX 512 /* characters in login_network_masks */
#define RS_ADDR_STRLEN	 46  /* INET6_ADDRSTRLEN */

struct rs_addr {
	uint8_t family;	   /* 4 or 6 */
	uint8_t bytes[16]; /* network order; IPv4 uses the first 4 */
};

struct rs_cidr {
	struct rs_addr addr;
	uint8_t prefix; /* 0-32 for IPv4, 0-128 for IPv6 */
};

struct rs_cidr_list {
	size_t n;
	struct rs_cidr e[RS_CIDR_MAX];
};

/*
 * Parses an rhost as sshd or login put it in PAM_RHOST.  Returns 0 and fills
 * *ret, or -EINVAL when text is NULL, longer than 1 KiB or is not a literal
 * address (a host name, for instance); *ret is zeroed first either way.
 */
int rs_addr_parse(const char *text, struct rs_addr *ret);

/* Formats an address into buf (at least RS_ADDR_STRLEN bytes; shorter is
 * cut, always NUL-terminated); "?" for a family other than 4 or 6. */
void rs_addr_format(const struct rs_addr *a, char *buf, size_t len);

/*
 * Parses one mask: "ADDR" (a host: /32 or /128) or "ADDR/PREFIX".  Refuses
 * spaces, zones, prefixes out of range or with a sign or leading zero, and
 * host bits set beyond the prefix.  Returns 0, or -EINVAL with a sentence in
 * reason (NUL-terminated, at most len bytes; "" on success).  *ret is written
 * only on success.
 */
int rs_cidr_parse(const char *text, struct rs_cidr *ret, char *reason, size_t len);

/*
 * Parses login_network_masks: entries separated by ';', blanks around an
 * entry ignored, "" = no masks (n = 0).  At most RS_CIDR_MAX entries and
 * RS_CIDR_TEXT_MAX characters; an empty entry ("a;;b", a ';' at an end) is
 * an error.  Returns 0, or -E2BIG ("41 entries; at most 40"), or -EINVAL with
 * a sentence naming the bad entry in reason ("entry 2: 10.0.0.1/8: host bits
 * are set; ...").  The limits are checked before any entry.  *ret is written
 * only on success.
 */
int rs_cidr_list_parse(const char *text, struct rs_cidr_list *ret, char *reason, size_t len);

/* True when a is inside c (same family, first prefix bits equal). */
bool rs_cidr_contains(const struct rs_cidr *c, const struct rs_addr *a);

/* True when a is inside any entry of l. */
bool rs_cidr_list_match(const struct rs_cidr_list *l, const struct rs_addr *a);

/*
 * The group a source belongs to when limits are shared per source: an IPv4
 * address (mapped ones included) stands for itself, an IPv6 address for its
 * /64 (one host's worth: a single machine can use a whole /64), a logon
 * without a remote host is "local", and any other text (a host name from
 * sshd's UseDNS) is a group of its own, "name:" and a hash of it.  Written
 * into buf (at least RS_ADDR_STRLEN + 4 bytes).
 */
void rs_source_group(const char *rhost, char *buf, size_t len);

/* Formats "ADDR/PREFIX" into buf (at least RS_ADDR_STRLEN + 4 bytes). */
void rs_cidr_format(const struct rs_cidr *c, char *buf, size_t len);

#endif
