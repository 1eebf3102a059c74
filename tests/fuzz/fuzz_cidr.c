// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for lib/cidr.c.  The input, NUL-terminated, goes to
 * rs_addr_parse, rs_cidr_parse and rs_cidr_list_parse; whatever parses must
 * format and re-parse to the same value, lie inside its own network and
 * carry no host bits; whatever fails must leave a bounded, printable reason.
 *
 *   clang -std=gnu11 -g -O1 -Iinclude -D_GNU_SOURCE \
 *	-fsanitize=fuzzer,address,undefined tests/fuzz/fuzz_cidr.c lib/cidr.c lib/buf.c
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ramsec/cidr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REASON_LEN 160

/* Any finding aborts, which libFuzzer reports with the input. */
static void check(int ok)
{
	if (!ok)
		abort();
}

static unsigned int max_prefix(const struct rs_addr *a)
{
	return a->family == 4 ? 32 : 128;
}

/* A failed parse leaves a non-empty, NUL-terminated, printable reason. */
static void check_reason(const char *reason, size_t len)
{
	size_t n = strnlen(reason, len);

	check(n > 0 && n < len);
	for (size_t i = 0; i < n; i++)
		check(reason[i] >= 0x20 && reason[i] < 0x7f);
}

static void check_addr(const struct rs_addr *a)
{
	struct rs_addr again;
	char text[RS_ADDR_STRLEN];

	check(a->family == 4 || a->family == 6);
	if (a->family == 4)
		for (int i = 4; i < 16; i++)
			check(a->bytes[i] == 0);
	rs_addr_format(a, text, sizeof(text));
	check(rs_addr_parse(text, &again) == 0);
	check(memcmp(a, &again, sizeof(again)) == 0);
}

static void check_cidr(const struct rs_cidr *c)
{
	struct rs_cidr again, wide = *c;
	char text[RS_ADDR_STRLEN + 4], reason[REASON_LEN];

	check_addr(&c->addr);
	check(c->prefix <= max_prefix(&c->addr));
	check(rs_cidr_contains(c, &c->addr));
	rs_cidr_format(c, text, sizeof(text));
	check(rs_cidr_parse(text, &again, reason, sizeof(reason)) == 0);
	check(reason[0] == '\0');
	check(memcmp(c, &again, sizeof(again)) == 0);
	/* one bit shorter still holds the network */
	if (wide.prefix > 0) {
		wide.prefix--;
		check(rs_cidr_contains(&wide, &c->addr));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rs_addr a;
	struct rs_cidr c;
	struct rs_cidr_list l;
	char reason[REASON_LEN], tiny[8];
	char *text = malloc(size + 1);
	int rc;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	if (rs_addr_parse(text, &a) == 0)
		check_addr(&a);
	else
		check(memcmp(&a, &(struct rs_addr){0}, sizeof(a)) == 0);

	rc = rs_cidr_parse(text, &c, reason, sizeof(reason));
	if (rc == 0) {
		check_cidr(&c);
		if (rs_addr_parse(text, &a) == 0) /* a bare address is a host mask */
			check(rs_cidr_contains(&c, &a) && c.prefix == max_prefix(&a));
	} else {
		check(rc == -EINVAL);
		check_reason(reason, sizeof(reason));
		memset(tiny, '#', sizeof(tiny));
		check(rs_cidr_parse(text, &c, tiny, 5) == rc);
		check(strlen(tiny) <= 4 && tiny[5] == '#');
	}

	memset(&l, 0xa5, sizeof(l));
	rc = rs_cidr_list_parse(text, &l, reason, sizeof(reason));
	if (rc == 0) {
		check(l.n <= RS_CIDR_MAX);
		for (size_t i = 0; i < l.n; i++) {
			check_cidr(&l.e[i]);
			check(rs_cidr_list_match(&l, &l.e[i].addr));
		}
	} else {
		check(rc == -EINVAL || rc == -E2BIG);
		check_reason(reason, sizeof(reason));
		for (size_t i = 0; i < sizeof(l); i++)
			check(((unsigned char *)&l)[i] == 0xa5);
	}
	free(text);
	return 0;
}
