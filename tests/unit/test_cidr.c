// SPDX-License-Identifier: MIT
/*
 * Unit tests for lib/cidr.c: every rhost and mask input of docs/ARCHITECTURE.md ("Bad inputs"), the
 * reasons a user would read, and a randomised comparison of the matcher
 * against a bit-by-bit reference.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ramsec/cidr.h"

#define REASON_LEN 256

/* --- rs_addr_parse ------------------------------------------------------ */

struct addr_case {
	const char *text;
	int rc;
	int family;
	const char *formatted; /* rs_addr_format of the result */
};

static const struct addr_case addr_cases[] = {
    {NULL, -EINVAL, 0, NULL},
    {"", -EINVAL, 0, NULL},
    {"localhost", -EINVAL, 0, NULL},
    {"host.example.com", -EINVAL, 0, NULL},
    {"10.0.0.1.example.com", -EINVAL, 0, NULL},
    {"010.0.0.1", -EINVAL, 0, NULL},
    {"10.0.0.01", -EINVAL, 0, NULL},
    {"0.0.0.00", -EINVAL, 0, NULL},
    {"10.1", -EINVAL, 0, NULL},
    {"10.0.1", -EINVAL, 0, NULL},
    {"167772161", -EINVAL, 0, NULL},
    {"0x0a000001", -EINVAL, 0, NULL},
    {"0x0a.0.0.1", -EINVAL, 0, NULL},
    {"+10.0.0.1", -EINVAL, 0, NULL},
    {"10.0.0.-1", -EINVAL, 0, NULL},
    {" 10.0.0.1", -EINVAL, 0, NULL},
    {"10.0.0.1 ", -EINVAL, 0, NULL},
    {"10.0.0.1\n", -EINVAL, 0, NULL},
    {"10.0.0.1.", -EINVAL, 0, NULL},
    {".10.0.0.1", -EINVAL, 0, NULL},
    {"10..0.1", -EINVAL, 0, NULL},
    {"10.0.0.1.5", -EINVAL, 0, NULL},
    {"256.0.0.1", -EINVAL, 0, NULL},
    {"1000.0.0.1", -EINVAL, 0, NULL},
    {"10.0.0.1/32", -EINVAL, 0, NULL},
    {"\xef\xbc\x91.0.0.1", -EINVAL, 0, NULL}, /* fullwidth digit one */
    {"10.0.0.1%eth0", -EINVAL, 0, NULL},
    {"0.0.0.0", 0, 4, "0.0.0.0"},
    {"10.0.0.1", 0, 4, "10.0.0.1"},
    {"255.255.255.255", 0, 4, "255.255.255.255"},
    {"::1", 0, 6, "::1"},
    {"::", 0, 6, "::"},
    {"2001:DB8::1", 0, 6, "2001:db8::1"},
    {"::ffff:10.0.0.1", 0, 4, "10.0.0.1"},
    {"::FFFF:10.0.0.1", 0, 4, "10.0.0.1"},
    {"0:0:0:0:0:ffff:a00:1", 0, 4, "10.0.0.1"},
    {"::ffff:010.0.0.1", -EINVAL, 0, NULL},
    {"::ffff:10.1", -EINVAL, 0, NULL},
    {"::10.0.0.1", 0, 6, "::10.0.0.1"}, /* IPv4-compatible: stays IPv6 */
    {"fe80::1%eth0", 0, 6, "fe80::1"},
    {"fe80::1%enp0s31f6", 0, 6, "fe80::1"},
    {"fe80::1%a23456789012345", 0, 6, "fe80::1"},
    {"fe80::1%a234567890123456", -EINVAL, 0, NULL},
    {"fe80::1%", -EINVAL, 0, NULL},
    {"fe80::1%eth 0", -EINVAL, 0, NULL},
    {"fe80::1%eth0%1", -EINVAL, 0, NULL},
    {"fe80::1%eth/0", -EINVAL, 0, NULL},
    {"::ffff:10.0.0.1%eth0", 0, 4, "10.0.0.1"},
    {"[::1]", -EINVAL, 0, NULL},
    {"[fe80::1%eth0]", -EINVAL, 0, NULL},
    {"::1 ", -EINVAL, 0, NULL},
    {":::1", -EINVAL, 0, NULL},
    {"1::2::3", -EINVAL, 0, NULL},
    {"12345::1", -EINVAL, 0, NULL},
};

static void test_addr_parse(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(addr_cases) / sizeof(addr_cases[0]); i++) {
		const struct addr_case *t = &addr_cases[i];
		struct rs_addr a, zero = {0};
		char buf[RS_ADDR_STRLEN];
		int rc;

		memset(&a, 0xaa, sizeof(a));
		rc = rs_addr_parse(t->text, &a);
		if (rc != t->rc)
			fail_msg("rs_addr_parse(\"%s\") = %d, want %d",
				 t->text ? t->text : "(null)", rc, t->rc);
		if (rc < 0) {
			assert_memory_equal(&a, &zero, sizeof(a));
			continue;
		}
		assert_int_equal(a.family, t->family);
		rs_addr_format(&a, buf, sizeof(buf));
		if (strcmp(buf, t->formatted) != 0)
			fail_msg("\"%s\" formats as \"%s\", want \"%s\"", t->text, buf,
				 t->formatted);
		if (a.family == 4)
			assert_memory_equal(a.bytes + 4, zero.bytes, 12);
	}
}

static void test_addr_parse_long(void **state)
{
	static char text[1100];
	struct rs_addr a;

	(void)state;
	/* 1 KiB of digits and dots, 1 KiB + 1, and a long zone */
	for (size_t n = 1023; n <= 1025; n++) {
		for (size_t i = 0; i < n; i++)
			text[i] = i % 4 == 3 ? '.' : '1';
		text[n] = '\0';
		assert_int_equal(rs_addr_parse(text, &a), -EINVAL);
		assert_int_equal(a.family, 0);
	}
	memset(text, 'a', 1024);
	text[1024] = '\0';
	memcpy(text, "fe80::1%", 8);
	assert_int_equal(rs_addr_parse(text, &a), -EINVAL);
	assert_int_equal(rs_addr_parse("::1", NULL), -EINVAL);
}

/* --- rs_cidr_parse ------------------------------------------------------- */

struct cidr_case {
	const char *text;
	int rc;
	const char *want; /* rs_cidr_format on success, a reason substring on error */
};

static const struct cidr_case cidr_cases[] = {
    {"0.0.0.0/0", 0, "0.0.0.0/0"},
    {"10.0.0.1/32", 0, "10.0.0.1/32"},
    {"10.0.0.1", 0, "10.0.0.1/32"},
    {"10.0.0.0/8", 0, "10.0.0.0/8"},
    {"192.168.1.128/25", 0, "192.168.1.128/25"},
    {"::/0", 0, "::/0"},
    {"::1/128", 0, "::1/128"},
    {"::1", 0, "::1/128"},
    {"2001:DB8::/32", 0, "2001:db8::/32"},
    {"fe80::/10", 0, "fe80::/10"},
    {"::ffff:10.0.0.0/104", 0, "10.0.0.0/8"},
    {"::FFFF:10.0.0.1", 0, "10.0.0.1/32"},
    {"::ffff:10.0.0.1/128", 0, "10.0.0.1/32"},
    {"::ffff:0.0.0.0/96", 0, "0.0.0.0/0"},
    {"::10.0.0.0/104", 0, "::10.0.0.0/104"},
    {"10.0.0.0/33", -EINVAL, "10.0.0.0/33: prefix /33 is out of range (0-32 for IPv4)."},
    {"::1/129", -EINVAL, "::1/129: prefix /129 is out of range (0-128 for IPv6)."},
    {"::ffff:10.0.0.1/129", -EINVAL, "out of range (0-128 for IPv6)"},
    {"10.0.0.0/99999999999999999999", -EINVAL, "prefix /... is out of range"},
    {"10.0.0.1/8", -EINVAL, "10.0.0.1/8: host bits are set; did you mean 10.0.0.0/8?"},
    {"10.0.0.0/0", -EINVAL, "host bits are set; did you mean 0.0.0.0/0?"},
    {"192.168.1.1/31", -EINVAL, "did you mean 192.168.1.0/31?"},
    {"2001:db8::1/32", -EINVAL, "2001:db8::1/32: host bits are set; did you mean 2001:db8::/32?"},
    {"::1/0", -EINVAL, "did you mean ::/0?"},
    {"::ffff:10.0.0.1/104", -EINVAL, "host bits are set; did you mean 10.0.0.0/8?"},
    {"::ffff:10.0.0.0/64", -EINVAL, "an IPv4-mapped mask needs a prefix of 96 or more"},
    {"::ffff:0:0/80", -EINVAL, "IPv4-mapped mask needs a prefix of 96"},
    {"10.0.0.0 /8", -EINVAL, "10.0.0.0 /8: spaces are not allowed in a mask."},
    {"10.0.0.0/ 8", -EINVAL, "spaces are not allowed"},
    {" 10.0.0.0/8", -EINVAL, "spaces are not allowed"},
    {"10.0.0.0/8\t", -EINVAL, "spaces are not allowed"},
    {"10.0.0.0/+8", -EINVAL, "10.0.0.0/+8: the prefix length must be a plain decimal number."},
    {"10.0.0.0/-8", -EINVAL, "must be a plain decimal number"},
    {"10.0.0.0/0x8", -EINVAL, "must be a plain decimal number"},
    {"10.0.0.0/8/8", -EINVAL, "must be a plain decimal number"},
    {"10.0.0.0/08", -EINVAL, "10.0.0.0/08: the prefix length has a leading zero."},
    {"10.0.0.0/00", -EINVAL, "leading zero"},
    {"::/0128", -EINVAL, "leading zero"},
    {"10.0.0.0/", -EINVAL, "10.0.0.0/: the prefix length after '/' is missing."},
    {"/8", -EINVAL, "/8: the address before '/' is missing."},
    {"fe80::%eth0/64", -EINVAL, "fe80::%eth0/64: zones (%ifname) are not allowed in a mask."},
    {"fe80::1%eth0", -EINVAL, "zones (%ifname) are not allowed"},
    {"[::1]/128", -EINVAL, "[::1]/128: write the address without brackets."},
    {"[::1]", -EINVAL, "without brackets"},
    {"010.0.0.0/8", -EINVAL,
     "010.0.0.0/8: not a valid IPv4 address (four numbers 0-255, no leading zeros)."},
    {"10.1/16", -EINVAL, "not a valid IPv4 address"},
    {"256.0.0.0/8", -EINVAL, "not a valid IPv4 address"},
    {"0x0a000000/8", -EINVAL, "0x0a000000/8: not an IP address; host names are not allowed."},
    {"example.com/24", -EINVAL, "host names are not allowed"},
    {"localhost", -EINVAL, "host names are not allowed"},
    {"2001:db8::g/32", -EINVAL, "2001:db8::g/32: not a valid IPv6 address."},
    {"", -EINVAL, "the mask is empty."},
    {NULL, -EINVAL, "no mask given."},
    {"\x01\xff\\/8", -EINVAL, "\\x01\\xff\\x5c/8: "},
    {"10.0.0.0/8\n", -EINVAL, "10.0.0.0/8\\x0a: "},
};

static void test_cidr_parse(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cidr_cases) / sizeof(cidr_cases[0]); i++) {
		const struct cidr_case *t = &cidr_cases[i];
		const char *shown = t->text ? t->text : "(null)";
		struct rs_cidr c, before;
		char reason[REASON_LEN], buf[RS_ADDR_STRLEN + 4];
		int rc;

		memset(&c, 0xaa, sizeof(c));
		before = c;
		memset(reason, 'x', sizeof(reason));
		rc = rs_cidr_parse(t->text, &c, reason, sizeof(reason));
		if (rc != t->rc)
			fail_msg("rs_cidr_parse(\"%s\") = %d (%s), want %d", shown, rc, reason,
				 t->rc);
		if (rc == 0) {
			assert_string_equal(reason, "");
			rs_cidr_format(&c, buf, sizeof(buf));
			if (strcmp(buf, t->want) != 0)
				fail_msg("\"%s\" formats as \"%s\", want \"%s\"", shown, buf,
					 t->want);
			continue;
		}
		assert_memory_equal(&c, &before, sizeof(c));
		if (!strstr(reason, t->want))
			fail_msg("\"%s\": reason \"%s\" lacks \"%s\"", shown, reason, t->want);
	}
}

/* Long and hostile text is escaped and cut in the reason; len is honoured. */
static void test_cidr_reason_bounds(void **state)
{
	char text[1100], reason[REASON_LEN + 8];
	struct rs_cidr c;

	(void)state;
	memset(text, 'a', 1024);
	text[1024] = '\0';
	assert_int_equal(rs_cidr_parse(text, &c, reason, REASON_LEN), -EINVAL);
	assert_non_null(strstr(reason, "...: "));
	assert_true(strlen(reason) < 64 + 80);

	memset(text, '\x80', 200);
	text[200] = '\0';
	assert_int_equal(rs_cidr_parse(text, &c, reason, REASON_LEN), -EINVAL);
	assert_true(strlen(reason) < REASON_LEN);
	assert_non_null(strstr(reason, "\\x80\\x80"));
	for (size_t i = 0; reason[i]; i++)
		assert_true(reason[i] >= 0x20 && reason[i] < 0x7f);

	for (size_t len = 1; len < 20; len++) {
		memset(reason, '#', sizeof(reason));
		assert_int_equal(rs_cidr_parse("10.0.0.1/8", &c, reason, len), -EINVAL);
		assert_int_equal(strlen(reason), len - 1);
		assert_int_equal(reason[len], '#');
	}
	memset(reason, '#', sizeof(reason));
	assert_int_equal(rs_cidr_parse("10.0.0.1/8", &c, reason, 0), -EINVAL);
	assert_int_equal(reason[0], '#');
	assert_int_equal(rs_cidr_parse("10.0.0.1/8", &c, NULL, 0), -EINVAL);
	assert_int_equal(rs_cidr_parse("10.0.0.0/8", NULL, reason, 8), -EINVAL);
	assert_int_equal(rs_cidr_parse("10.0.0.0/8", &c, NULL, 0), 0);
}

/* --- rs_cidr_list_parse -------------------------------------------------- */

struct list_case {
	const char *text;
	int rc;
	size_t n;
	const char *reason;
};

static const struct list_case list_cases[] = {
    {"", 0, 0, NULL},
    {" \t  ", 0, 0, NULL},
    {"10.0.0.0/8", 0, 1, NULL},
    {" 10.0.0.0/8 ;\t192.168.0.0/16\t", 0, 2, NULL},
    {"10.0.0.0/8;::1;fe80::/10;::ffff:172.16.0.0/108", 0, 4, NULL},
    {"10.0.0.0/8;10.0.0.0/8", 0, 2, NULL},
    {"10.0.0.0/8;;192.168.0.0/16", -EINVAL, 0, "entry 2 is empty"},
    {"10.0.0.0/8;", -EINVAL, 0, "entry 2 is empty"},
    {"10.0.0.0/8; \t", -EINVAL, 0, "entry 2 is empty"},
    {";10.0.0.0/8", -EINVAL, 0, "entry 1 is empty"},
    {" ; ", -EINVAL, 0, "entry 1 is empty"},
    {";", -EINVAL, 0, "entry 1 is empty"},
    {"10.0.0.0/8;10.0.0.1/8", -EINVAL, 0,
     "entry 2: 10.0.0.1/8: host bits are set; did you mean 10.0.0.0/8?"},
    {"10.0.0.0/8 ; 10.0.0.0 /8", -EINVAL, 0, "entry 2: 10.0.0.0 /8: spaces are not allowed"},
    {"10.0.0.0/8,192.168.0.0/16", -EINVAL, 0, "entry 1: 10.0.0.0/8,192.168.0.0/16: "},
    {"::1/129", -EINVAL, 0, "entry 1: ::1/129: prefix /129 is out of range"},
    {"10.0.0.0/33", -EINVAL, 0, "entry 1: 10.0.0.0/33: prefix /33 is out of range"},
    {"example.com", -EINVAL, 0, "entry 1: example.com: not an IP address"},
    {"fe80::/10%eth0", -EINVAL, 0, "entry 1: fe80::/10%eth0: zones"},
    {"10.0.0.0/8;\n", -EINVAL, 0, "entry 2: \\x0a: "},
    {NULL, -EINVAL, 0, "no mask list given."},
};

/* Checks one list row; text may be built by the caller. */
static void check_list(const char *text, int want_rc, size_t want_n, const char *want_reason)
{
	struct rs_cidr_list l, before;
	char reason[REASON_LEN];
	int rc;

	memset(&l, 0x5a, sizeof(l));
	before = l;
	memset(reason, 'x', sizeof(reason));
	rc = rs_cidr_list_parse(text, &l, reason, sizeof(reason));
	if (rc != want_rc)
		fail_msg("rs_cidr_list_parse(\"%.80s\") = %d (%s), want %d", text ? text : "(null)",
			 rc, reason, want_rc);
	if (rc == 0) {
		assert_int_equal(l.n, want_n);
		assert_string_equal(reason, "");
		return;
	}
	assert_memory_equal(&l, &before, sizeof(l));
	if (!strstr(reason, want_reason))
		fail_msg("\"%.80s\": reason \"%s\" lacks \"%s\"", text ? text : "(null)", reason,
			 want_reason);
}

static void test_list_parse(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(list_cases) / sizeof(list_cases[0]); i++)
		check_list(list_cases[i].text, list_cases[i].rc, list_cases[i].n,
			   list_cases[i].reason);
}

/* 40 and 41 entries, 512 and 513 characters. */
static void test_list_limits(void **state)
{
	char text[2048];
	size_t len = 0;

	(void)state;
	for (int i = 0; i < 41; i++) {
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%s10.0.0.%d", i ? ";" : "",
					i);
		if (i == 39)
			check_list(text, 0, 40, NULL);
	}
	check_list(text, -E2BIG, 0, "41 entries; at most 40");
	strcat(text, ";;");
	check_list(text, -E2BIG, 0, "43 entries; at most 40");

	memset(text, ' ', 512);
	memcpy(text + 100, "10.0.0.0/8", 10);
	text[512] = '\0';
	check_list(text, 0, 1, NULL);
	text[512] = ' ';
	text[513] = '\0';
	check_list(text, -E2BIG, 0, "the mask list is 513 characters; at most 512.");
	memset(text, ';', 1000);
	text[1000] = '\0';
	check_list(text, -E2BIG, 0, "1000 characters; at most 512");
}

/* --- matching ------------------------------------------------------------ */

struct match_case {
	const char *masks;
	const char *rhost;
	bool match;
};

static const struct match_case match_cases[] = {
    {"10.0.0.0/8", "10.1.2.3", true},
    {"10.0.0.0/8", "11.0.0.0", false},
    {"10.0.0.0/8", "9.255.255.255", false},
    {"10.0.0.0/8", "::ffff:10.0.0.1", true}, /* mapped rhost, v4 mask */
    {"::ffff:10.0.0.0/104", "10.2.3.4", true},
    {"::ffff:10.0.0.0/104", "::ffff:10.2.3.4", true},
    {"10.0.0.1", "10.0.0.1", true},
    {"10.0.0.1", "10.0.0.2", false},
    {"10.0.0.1/32", "10.0.0.1", true},
    {"0.0.0.0/0", "255.255.255.255", true},
    {"0.0.0.0/0", "::1", false}, /* v6 address, v4 mask */
    {"::/0", "10.0.0.1", false}, /* v4 address, v6 mask */
    {"::/0", "::ffff:10.0.0.1", false},
    {"::/0", "::1", true},
    {"::/96", "::10.0.0.1", true},
    {"::a00:0/104", "10.0.0.1", false},
    {"::1", "::1", true},
    {"::1/128", "::2", false},
    {"2001:db8::/32", "2001:db8:ffff::1", true},
    {"2001:db8::/33", "2001:db8:8000::1", false},
    {"2001:db8::/33", "2001:db8:7fff::1", true},
    {"fe80::/10", "fe80::1%eth0", true},
    {"fe80::/10", "febf::1", true},
    {"fe80::/10", "fec0::1", false},
    {"192.168.1.0/24;10.0.0.0/8", "10.9.9.9", true},
    {"192.168.1.0/24;10.0.0.0/8", "192.168.2.1", false},
    {"192.168.1.128/25", "192.168.1.127", false},
    {"192.168.1.128/25", "192.168.1.255", true},
    {"", "10.0.0.1", false},
    {"10.0.0.0/8", "10.0.0.1\n", false}, /* not an address: in no mask */
    {"10.0.0.0/8", "010.0.0.1", false},
    {"10.0.0.0/8", "10.1", false},
    {"10.0.0.0/8", "0x0a000001", false},
    {"10.0.0.0/8", "ten.example.com", false},
    {"0.0.0.0/0;::/0", "", false},
    {"0.0.0.0/0;::/0", NULL, false},
    {"0.0.0.0/0;::/0", "[::1]", false},
};

static void test_match(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(match_cases) / sizeof(match_cases[0]); i++) {
		const struct match_case *t = &match_cases[i];
		struct rs_cidr_list l;
		struct rs_addr a;
		char reason[REASON_LEN];
		bool got;

		assert_int_equal(rs_cidr_list_parse(t->masks, &l, reason, sizeof(reason)), 0);
		/* the caller's rule: an rhost that is not an address is in no mask */
		got = rs_addr_parse(t->rhost, &a) == 0 && rs_cidr_list_match(&l, &a);
		if (got != t->match)
			fail_msg("\"%s\" in \"%s\": %d, want %d", t->rhost ? t->rhost : "(null)",
				 t->masks, got, t->match);
		assert_false(rs_cidr_list_match(&l, &(struct rs_addr){0}));
	}
}

static void test_contains_defensive(void **state)
{
	struct rs_cidr c = {.addr = {.family = 4}, .prefix = 33};
	struct rs_addr a = {.family = 4};
	struct rs_cidr_list l = {.n = 1000};

	(void)state;
	assert_false(rs_cidr_contains(&c, &a)); /* prefix out of range */
	c.prefix = 0;
	assert_true(rs_cidr_contains(&c, &a));
	assert_false(rs_cidr_contains(NULL, &a));
	assert_false(rs_cidr_contains(&c, NULL));
	assert_false(rs_cidr_list_match(NULL, &a));
	assert_true(rs_cidr_list_match(&l, &(struct rs_addr){.family = 6}) == false);
	c.addr.family = 6;
	c.prefix = 129;
	a.family = 6;
	assert_false(rs_cidr_contains(&c, &a));
	c.addr.family = 5;
	c.prefix = 0;
	a.family = 5;
	assert_false(rs_cidr_contains(&c, &a));
}

static void test_format(void **state)
{
	struct rs_addr a = {.family = 4, .bytes = {192, 168, 100, 200}};
	struct rs_cidr c = {.addr = a, .prefix = 32};
	char buf[RS_ADDR_STRLEN + 4];

	(void)state;
	rs_addr_format(&a, buf, 8);
	assert_string_equal(buf, "192.168");
	rs_cidr_format(&c, buf, sizeof(buf));
	assert_string_equal(buf, "192.168.100.200/32");
	rs_cidr_format(&c, buf, 5);
	assert_string_equal(buf, "192.");
	a.family = 0;
	rs_addr_format(&a, buf, sizeof(buf));
	assert_string_equal(buf, "?");
	rs_addr_format(NULL, buf, sizeof(buf));
	assert_string_equal(buf, "?");
	memset(a.bytes, 0xff, 16);
	a.family = 6;
	rs_addr_format(&a, buf, sizeof(buf));
	assert_string_equal(buf, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	rs_addr_format(&a, NULL, 0);
}

/* --- randomised properties ---------------------------------------------- */

#define ITERATIONS 100000

static uint64_t xorshift64(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static int bit(const struct rs_addr *a, unsigned int i)
{
	return (a->bytes[i / 8] >> (7 - i % 8)) & 1;
}

/* The reference: same family, then the first prefix bits one by one. */
static bool ref_contains(const struct rs_cidr *c, const struct rs_addr *a)
{
	if (c->addr.family != a->family)
		return false;
	for (unsigned int i = 0; i < c->prefix; i++)
		if (bit(&c->addr, i) != bit(a, i))
			return false;
	return true;
}

/* A random address; IPv6 ones often have zero runs, embedded or mapped IPv4. */
static void rand_addr(uint64_t *s, int family, struct rs_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->family = (uint8_t)family;
	for (int i = 0; i < (family == 4 ? 4 : 16); i++)
		a->bytes[i] = (uint8_t)xorshift64(s);
	if (family == 4)
		return;
	switch (xorshift64(s) % 6) {
	case 0: { /* a run of zero words, for "::" */
		unsigned int from = (unsigned int)(xorshift64(s) % 8);
		unsigned int to = from + (unsigned int)(xorshift64(s) % (9 - from));

		memset(a->bytes + 2 * from, 0, 2 * (to - from));
		break;
	}
	case 1: /* ::ffff:a.b.c.d */
		memset(a->bytes, 0, 10);
		a->bytes[10] = a->bytes[11] = 0xff;
		break;
	case 2: /* ::a.b.c.d */
		memset(a->bytes, 0, 12);
		break;
	default:
		break;
	}
}

static void clear_host_bits(struct rs_addr *a, unsigned int prefix)
{
	for (unsigned int i = prefix; i < 128; i++)
		a->bytes[i / 8] &= (uint8_t) ~(0x80u >> (i % 8));
}

/* What parsing the text of a gives: mapped IPv6 becomes IPv4. */
static struct rs_cidr normalised(const struct rs_cidr *c)
{
	static const uint8_t mapped[12] = {[10] = 0xff, [11] = 0xff};
	struct rs_cidr n = *c;

	if (n.addr.family == 6 && n.prefix >= 96 && memcmp(n.addr.bytes, mapped, 12) == 0) {
		memmove(n.addr.bytes, n.addr.bytes + 12, 4);
		memset(n.addr.bytes + 4, 0, 12);
		n.addr.family = 4;
		n.prefix -= 96;
	}
	return n;
}

static void test_random_contains(void **state)
{
	uint64_t s = 0x9e3779b97f4a7c15ull;
	unsigned int hits = 0;

	(void)state;
	for (int it = 0; it < ITERATIONS; it++) {
		int family = xorshift64(&s) & 1 ? 6 : 4;
		unsigned int max = family == 4 ? 32 : 128;
		struct rs_cidr c;
		struct rs_addr a;
		uint64_t pick = xorshift64(&s) % 8;

		rand_addr(&s, family, &c.addr);
		c.prefix = (uint8_t)(xorshift64(&s) % (max + 1));
		clear_host_bits(&c.addr, c.prefix);
		if (pick < 4) { /* the network with one bit flipped */
			unsigned int k = (unsigned int)(xorshift64(&s) % max);

			a = c.addr;
			a.bytes[k / 8] ^= (uint8_t)(0x80u >> (k % 8));
			assert_int_equal(rs_cidr_contains(&c, &a), k >= c.prefix);
		} else if (pick < 6) {
			rand_addr(&s, family, &a);
		} else if (pick < 7) {
			rand_addr(&s, family == 4 ? 6 : 4, &a);
		} else {
			a = c.addr;
		}
		if (rs_cidr_contains(&c, &a) != ref_contains(&c, &a))
			fail_msg("iteration %d: contains and reference disagree", it);
		hits += ref_contains(&c, &a);
	}
	/* both outcomes were exercised */
	assert_true(hits > ITERATIONS / 8 && hits < ITERATIONS * 7 / 8);
}

static void test_random_roundtrip(void **state)
{
	uint64_t s = 0x243f6a8885a308d3ull;

	(void)state;
	for (int it = 0; it < ITERATIONS; it++) {
		int family = xorshift64(&s) & 1 ? 6 : 4;
		struct rs_cidr c, got, want;
		struct rs_addr a;
		char text[RS_ADDR_STRLEN + 4], reason[REASON_LEN];

		rand_addr(&s, family, &c.addr);
		c.prefix = (uint8_t)(xorshift64(&s) % (family == 4 ? 33 : 129));
		clear_host_bits(&c.addr, c.prefix);
		rs_cidr_format(&c, text, sizeof(text));
		if (rs_cidr_parse(text, &got, reason, sizeof(reason)) != 0)
			fail_msg("\"%s\" does not parse: %s", text, reason);
		want = normalised(&c);
		if (memcmp(&got, &want, sizeof(got)) != 0)
			fail_msg("\"%s\" parses to another value", text);

		a = c.addr;
		rs_addr_format(&a, text, sizeof(text));
		assert_int_equal(rs_addr_parse(text, &a), 0);
		c.prefix = (uint8_t)(family == 4 ? 32 : 128);
		want = normalised(&c);
		assert_memory_equal(&a, &want.addr, sizeof(a));
	}
}

/* rs_cidr_list_match agrees with "any entry contains". */
static void test_random_list(void **state)
{
	uint64_t s = 0x13198a2e03707344ull;

	(void)state;
	for (int it = 0; it < ITERATIONS / 10; it++) {
		struct rs_cidr_list l = {.n = xorshift64(&s) % (RS_CIDR_MAX + 1)};
		struct rs_addr a;
		bool any = false;

		for (size_t i = 0; i < l.n; i++) {
			int family = xorshift64(&s) & 1 ? 6 : 4;

			rand_addr(&s, family, &l.e[i].addr);
			l.e[i].prefix = (uint8_t)(xorshift64(&s) % (family == 4 ? 9 : 17));
			clear_host_bits(&l.e[i].addr, l.e[i].prefix);
		}
		rand_addr(&s, xorshift64(&s) & 1 ? 6 : 4, &a);
		for (size_t i = 0; i < l.n; i++)
			any |= ref_contains(&l.e[i], &a);
		assert_int_equal(rs_cidr_list_match(&l, &a), any);
	}
}

/* --- source groups (per-source limits) ------------------------------------- */

static void test_source_group(void **state)
{
	static const struct {
		const char *rhost, *want;
	} cases[] = {
	    {"192.0.2.7", "192.0.2.7"},
	    {"::ffff:192.0.2.7", "192.0.2.7"},
	    {"2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"},
	    {"2001:db8:1:2::ffff", "2001:db8:1:2::/64"},
	    {"2001:db8:1:3::1", "2001:db8:1:3::/64"},
	    {"fe80::1%eth0", "fe80::/64"},
	    {"::1", "::/64"},
	    {"", "local"},
	    {NULL, "local"},
	    {"host.example.com", "name:2ed4715c"},
	    {"010.0.0.1", "name:42575aa3"},
	    {"[::1]", "name:6e4c4490"},
	};
	char buf[RS_ADDR_STRLEN + 4];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rs_source_group(cases[i].rhost, buf, sizeof(buf));
		if (strcmp(buf, cases[i].want))
			fail_msg("%s: got %s, want %s", cases[i].rhost ? cases[i].rhost : "NULL",
				 buf, cases[i].want);
	}
}

int main(void)
{
	const struct CMUnitTest parse[] = {
	    cmocka_unit_test(test_addr_parse), cmocka_unit_test(test_addr_parse_long),
	    cmocka_unit_test(test_cidr_parse), cmocka_unit_test(test_cidr_reason_bounds),
	    cmocka_unit_test(test_list_parse), cmocka_unit_test(test_list_limits),
	    cmocka_unit_test(test_format),
	};
	const struct CMUnitTest match[] = {
	    cmocka_unit_test(test_match),
	    cmocka_unit_test(test_contains_defensive),
	};
	const struct CMUnitTest rnd[] = {
	    cmocka_unit_test(test_random_contains),
	    cmocka_unit_test(test_random_roundtrip),
	    cmocka_unit_test(test_random_list),
	    cmocka_unit_test(test_source_group),
	};
	int failed = 0;

	failed += cmocka_run_group_tests_name("cidr_parse", parse, NULL, NULL);
	failed += cmocka_run_group_tests_name("cidr_match", match, NULL, NULL);
	failed += cmocka_run_group_tests_name("cidr_random", rnd, NULL, NULL);
	return failed ? 1 : 0;
}
