// SPDX-License-Identifier: MIT
/*
 * Addresses and CIDR masks: strict parsers, a matcher and formatters.  Pure
 * code: no I/O, no name resolution, no clock.  IPv4 is parsed by hand
 * (inet_aton accepts "10.1", "010.0.0.1" and "0x0a000001"); IPv6 goes through
 * inet_pton, which never resolves names.  The rules for mapped addresses and
 * zones are in include/ramsec/cidr.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ramsec/buf.h"
#include "ramsec/cidr.h"

#define RHOST_MAX    1024 /* longer rhost text is refused unread */
#define ZONE_MAX     15	  /* IFNAMSIZ - 1 */
#define ZONE_CHARS   "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-"
#define MASK_MAX     (RS_ADDR_STRLEN - 1 + 4) /* "ADDR/128" */
#define REASON_QUOTE 64			      /* bytes of an entry shown in a reason */
#define REASON_MAX   512		      /* a reason before the caller's len cuts it */

static const uint8_t mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

/*
 * Parses exactly four decimal octets 0-255 without leading zeros from the
 * n bytes at s.  Returns false on anything else (signs, spaces, hex, "10.1").
 */
static bool parse_v4(const char *s, size_t n, uint8_t out[4])
{
	size_t i = 0;

	for (int k = 0; k < 4; k++) {
		size_t start;
		unsigned int v = 0;

		if (k > 0) {
			if (i >= n || s[i] != '.')
				return false;
			i++;
		}
		start = i;
		while (i < n && i - start < 3 && s[i] >= '0' && s[i] <= '9')
			v = v * 10 + (unsigned int)(s[i++] - '0');
		if (i == start || v > 255 || (i - start > 1 && s[start] == '0'))
			return false;
		out[k] = (uint8_t)v;
	}
	return i == n;
}

/*
 * Parses the n bytes at s as a literal address: IPv4 by parse_v4, IPv6 (when
 * s holds a ':') by inet_pton.  Mapped addresses are left as IPv6.  Returns
 * false, with *ret zeroed, when s is not an address.
 */
static bool parse_raw(const char *s, size_t n, struct rs_addr *ret)
{
	char tmp[RS_ADDR_STRLEN];

	memset(ret, 0, sizeof(*ret));
	if (!memchr(s, ':', n)) {
		ret->family = 4;
		if (parse_v4(s, n, ret->bytes))
			return true;
	} else if (n < sizeof(tmp)) {
		memcpy(tmp, s, n);
		tmp[n] = '\0';
		ret->family = 6;
		if (inet_pton(AF_INET6, tmp, ret->bytes) == 1)
			return true;
	}
	memset(ret, 0, sizeof(*ret));
	return false;
}

/* True for ::ffff:a.b.c.d. */
static bool is_mapped(const struct rs_addr *a)
{
	return a->family == 6 && memcmp(a->bytes, mapped_prefix, sizeof(mapped_prefix)) == 0;
}

/* Turns ::ffff:a.b.c.d into a.b.c.d, in place. */
static void unmap(struct rs_addr *a)
{
	memmove(a->bytes, a->bytes + 12, 4);
	memset(a->bytes + 4, 0, 12);
	a->family = 4;
}

/* A zone, the rest of an rhost after '%', is an interface name. */
static bool zone_valid(const char *z, size_t n)
{
	return n >= 1 && n <= ZONE_MAX && strspn(z, ZONE_CHARS) == n;
}

int rs_addr_parse(const char *text, struct rs_addr *ret)
{
	const char *zone;
	size_t n;

	if (!ret)
		return -EINVAL;
	memset(ret, 0, sizeof(*ret));
	if (!text)
		return -EINVAL;
	n = strnlen(text, RHOST_MAX + 1);
	if (n > RHOST_MAX)
		return -EINVAL;
	zone = memchr(text, '%', n);
	if (zone) {
		if (!zone_valid(zone + 1, n - (size_t)(zone - text) - 1))
			return -EINVAL;
		n = (size_t)(zone - text);
		if (!memchr(text, ':', n))
			return -EINVAL; /* no zones on IPv4 */
	}
	if (!parse_raw(text, n, ret))
		return -EINVAL;
	if (is_mapped(ret))
		unmap(ret);
	return 0;
}

void rs_addr_format(const struct rs_addr *a, char *buf, size_t len)
{
	char tmp[RS_ADDR_STRLEN] = "?";

	if (!buf || len == 0)
		return;
	if (a && a->family == 4)
		snprintf(tmp, sizeof(tmp), "%u.%u.%u.%u", a->bytes[0], a->bytes[1], a->bytes[2],
			 a->bytes[3]);
	else if (a && a->family == 6 && !inet_ntop(AF_INET6, a->bytes, tmp, sizeof(tmp)))
		snprintf(tmp, sizeof(tmp), "?");
	snprintf(buf, len, "%s", tmp);
}

void rs_cidr_format(const struct rs_cidr *c, char *buf, size_t len)
{
	char tmp[RS_ADDR_STRLEN];

	if (!buf || len == 0)
		return;
	rs_addr_format(c ? &c->addr : NULL, tmp, sizeof(tmp));
	snprintf(buf, len, "%s/%u", tmp, c ? c->prefix : 0);
}

/*
 * Appends at most REASON_QUOTE bytes of s to b, printable ASCII as is and
 * every other byte (and '\\') as \xHH, then "..." if s was longer.
 */
static void put_quoted(struct rs_buf *b, const char *s)
{
	size_t i;

	for (i = 0; s[i] && i < REASON_QUOTE; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c >= 0x7f || c == '\\')
			rs_buf_printf(b, "\\x%02x", c);
		else
			rs_buf_put(b, s + i, 1);
	}
	if (s[i])
		rs_buf_put(b, "...", 3);
}

static void set_reason(char *reason, size_t len, const char *text, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/*
 * Writes "TEXT: <fmt>" (or just <fmt> when text is NULL) into reason, cut to
 * len bytes and NUL-terminated; TEXT is escaped and shortened by put_quoted.
 */
static void set_reason(char *reason, size_t len, const char *text, const char *fmt, ...)
{
	char msg[REASON_MAX + 32];
	struct rs_buf b;
	va_list ap;

	if (!reason || len == 0)
		return;
	rs_buf_init(&b, msg, sizeof(msg));
	if (text) {
		put_quoted(&b, text);
		rs_buf_put(&b, ": ", 2);
	}
	va_start(ap, fmt);
	vsnprintf(msg + b.len, sizeof(msg) - b.len, fmt, ap);
	va_end(ap);
	snprintf(reason, len, "%s", msg);
}

/* Zeroes the bits of a beyond prefix. */
static void mask_host_bits(struct rs_addr *a, unsigned int prefix)
{
	for (unsigned int i = 0; i < 16; i++) {
		if (prefix >= 8 * (i + 1))
			continue;
		if (prefix <= 8 * i)
			a->bytes[i] = 0;
		else
			a->bytes[i] &= (uint8_t)(0xff00u >> (prefix - 8 * i));
	}
}

/*
 * Parses the prefix after '/': decimal, no sign, no leading zero, at most
 * max.  Returns 0 or -EINVAL with a reason about text.
 */
static int parse_prefix(const char *p, unsigned int max, const char *text, unsigned int *ret,
			char *reason, size_t len)
{
	unsigned int v = 0;
	size_t i;

	if (!*p) {
		set_reason(reason, len, text, "the prefix length after '/' is missing.");
		return -EINVAL;
	}
	for (i = 0; p[i]; i++) {
		if (p[i] < '0' || p[i] > '9') {
			set_reason(reason, len, text,
				   "the prefix length must be a plain decimal number.");
			return -EINVAL;
		}
		if (v <= 1000)
			v = v * 10 + (unsigned int)(p[i] - '0');
	}
	if (i > 1 && p[0] == '0') {
		set_reason(reason, len, text, "the prefix length has a leading zero.");
		return -EINVAL;
	}
	if (v > max) {
		set_reason(reason, len, text, "prefix /%s is out of range (0-%u for IPv%c).",
			   i > 4 ? "..." : p, max, max == 32 ? '4' : '6');
		return -EINVAL;
	}
	*ret = v;
	return 0;
}

/* Explains in reason why the n bytes at s (part of text) are not an address. */
static void explain_addr(const char *s, size_t n, const char *text, char *reason, size_t len)
{
	if (n == 0)
		set_reason(reason, len, text, "the address before '/' is missing.");
	else if (memchr(s, ':', n))
		set_reason(reason, len, text, "not a valid IPv6 address.");
	else if (strspn(s, "0123456789.") >= n)
		set_reason(reason, len, text,
			   "not a valid IPv4 address (four numbers 0-255, no leading zeros).");
	else
		set_reason(reason, len, text, "not an IP address; host names are not allowed.");
}

/*
 * Checks the characters first (blanks, zones, brackets, length) so that the
 * reason names the real mistake, then the address, the prefix, a mapped
 * address, and last the host bits.  *ret is written only on success.
 */
int rs_cidr_parse(const char *text, struct rs_cidr *ret, char *reason, size_t len)
{
	struct rs_cidr c = {0};
	struct rs_addr net;
	const char *slash;
	char sugg[RS_ADDR_STRLEN + 4];
	unsigned int prefix, max;
	size_t n;

	if (reason && len > 0)
		reason[0] = '\0';
	if (!text || !ret) {
		set_reason(reason, len, NULL, "no mask given.");
		return -EINVAL;
	}
	if (!*text) {
		set_reason(reason, len, NULL, "the mask is empty.");
		return -EINVAL;
	}
	if (strpbrk(text, " \t")) {
		set_reason(reason, len, text, "spaces are not allowed in a mask.");
		return -EINVAL;
	}
	if (strchr(text, '%')) {
		set_reason(reason, len, text, "zones (%%ifname) are not allowed in a mask.");
		return -EINVAL;
	}
	if (strpbrk(text, "[]")) {
		set_reason(reason, len, text, "write the address without brackets.");
		return -EINVAL;
	}
	if (strnlen(text, MASK_MAX + 1) > MASK_MAX) {
		set_reason(reason, len, text, "too long for a mask.");
		return -EINVAL;
	}
	slash = strchr(text, '/');
	n = slash ? (size_t)(slash - text) : strlen(text);
	if (!parse_raw(text, n, &c.addr)) {
		explain_addr(text, n, text, reason, len);
		return -EINVAL;
	}
	max = c.addr.family == 4 ? 32 : 128;
	prefix = max;
	if (slash && parse_prefix(slash + 1, max, text, &prefix, reason, len) < 0)
		return -EINVAL;
	if (is_mapped(&c.addr)) {
		if (prefix < 96) {
			set_reason(reason, len, text,
				   "an IPv4-mapped mask needs a prefix of 96 or more; "
				   "write it as an IPv4 mask.");
			return -EINVAL;
		}
		unmap(&c.addr);
		prefix -= 96;
	}
	c.prefix = (uint8_t)prefix;
	net = c.addr;
	mask_host_bits(&net, prefix);
	if (memcmp(&net, &c.addr, sizeof(net)) != 0) {
		c.addr = net;
		rs_cidr_format(&c, sugg, sizeof(sugg));
		set_reason(reason, len, text, "host bits are set; did you mean %s?", sugg);
		return -EINVAL;
	}
	*ret = c;
	return 0;
}

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

/*
 * Splits text on ';', trims blanks around each entry and parses it.  All
 * limits are checked before any entry, so "41 entries" wins over a bad one.
 */
int rs_cidr_list_parse(const char *text, struct rs_cidr_list *ret, char *reason, size_t len)
{
	struct rs_cidr_list l = {0};
	char entry[RS_CIDR_TEXT_MAX + 1], why[REASON_MAX];
	size_t n, count = 1, i;

	if (reason && len > 0)
		reason[0] = '\0';
	if (!text || !ret) {
		set_reason(reason, len, NULL, "no mask list given.");
		return -EINVAL;
	}
	n = strlen(text);
	if (n > RS_CIDR_TEXT_MAX) {
		set_reason(reason, len, NULL, "the mask list is %zu characters; at most %d.", n,
			   RS_CIDR_TEXT_MAX);
		return -E2BIG;
	}
	if (strspn(text, " \t") == n) {
		*ret = l;
		return 0;
	}
	for (size_t j = 0; j < n; j++)
		count += text[j] == ';';
	if (count > RS_CIDR_MAX) {
		set_reason(reason, len, NULL, "%zu entries; at most %d.", count, RS_CIDR_MAX);
		return -E2BIG;
	}
	for (i = 0; i <= n; l.n++) {
		size_t end = i + strcspn(text + i, ";"), a = i, b = end;

		while (a < b && is_blank(text[a]))
			a++;
		while (b > a && is_blank(text[b - 1]))
			b--;
		memcpy(entry, text + a, b - a);
		entry[b - a] = '\0';
		if (a == b) {
			set_reason(reason, len, NULL,
				   "entry %zu is empty (two ';' in a row or a ';' at an end).",
				   l.n + 1);
			return -EINVAL;
		}
		if (rs_cidr_parse(entry, &l.e[l.n], why, sizeof(why)) < 0) {
			set_reason(reason, len, NULL, "entry %zu: %s", l.n + 1, why);
			return -EINVAL;
		}
		i = end + 1;
	}
	*ret = l;
	return 0;
}

/* Compares whole bytes, then the top (prefix % 8) bits of the next one. */
bool rs_cidr_contains(const struct rs_cidr *c, const struct rs_addr *a)
{
	unsigned int full, rest;

	if (!c || !a || c->addr.family != a->family || (a->family != 4 && a->family != 6) ||
	    c->prefix > (a->family == 4 ? 32 : 128))
		return false;
	full = c->prefix / 8;
	rest = c->prefix % 8;
	if (memcmp(c->addr.bytes, a->bytes, full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((c->addr.bytes[full] ^ a->bytes[full]) & (uint8_t)(0xff00u >> rest)) == 0;
}

bool rs_cidr_list_match(const struct rs_cidr_list *l, const struct rs_addr *a)
{
	if (!l || !a)
		return false;
	for (size_t i = 0; i < l->n && i < RS_CIDR_MAX; i++)
		if (rs_cidr_contains(&l->e[i], a))
			return true;
	return false;
}

void rs_source_group(const char *rhost, char *buf, size_t len)
{
	struct rs_cidr c = {.prefix = 64};
	unsigned h = 2166136261u;

	if (!rhost || !rhost[0]) {
		snprintf(buf, len, "local");
		return;
	}
	if (rs_addr_parse(rhost, &c.addr) < 0) {
		/* a host name (UseDNS) or other text: a group of its own, never
		 * the local logons' */
		for (const char *p = rhost; *p; p++)
			h = (h ^ (unsigned char)*p) * 16777619u;
		snprintf(buf, len, "name:%08x", h);
		return;
	}
	if (c.addr.family == 4) {
		rs_addr_format(&c.addr, buf, len);
		return;
	}
	memset(c.addr.bytes + 8, 0, 8);
	rs_cidr_format(&c, buf, len);
}
