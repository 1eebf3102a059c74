// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for common/config.c.  The input is the text of a
 * config file for rs_config_parse (as if read from NAME).
 *
 * Invariants: the result is 0, -EINVAL or -ENOMEM.  A failure leaves *ret
 * untouched and a non-empty message in err that names the place: "NAME:
 * REASON" or "NAME:LINE: REASON" with a line inside the file; a smaller
 * err only cuts the message, never overruns it.  A success is a policy
 * that rs_policy_validate accepts, whose rendering (libconfig syntax) fits,
 * parses back and renders to the same text; its JSON rendering is ASCII.
 *
 *   clang -std=gnu11 -g -O1 -Iinclude -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
 *	tests/fuzz/fuzz_config.c common/config.c lib/policy.c lib/cidr.c lib/buf.c -lconfig
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ramsec/buf.h"
#include "common/config.h"
#include "ramsec/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NAME	   "fuzz.conf"
#define ERR_LEN	   512
#define RENDER_CAP (64 * 1024) /* every key at its longest, escaped, fits */
#define TINY	   6

/*
 * Any finding aborts, which libFuzzer reports with the input.  A macro, so
 * the report names the property: at -O1 the aborts of an inline function
 * merge into one, and the stack no longer tells which check failed.
 */
#define check(ok) ((ok) ? (void)0 : failed(__LINE__, #ok))

static __attribute__((noreturn)) void failed(int line, const char *what)
{
	fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, line, what);
	abort();
}

static bool all_bytes(const void *p, size_t n, uint8_t v)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != v)
			return false;
	return true;
}

/* Lines in the file: one more than its newlines. */
static unsigned long lines_of(const uint8_t *data, size_t size)
{
	unsigned long n = 1;

	for (size_t i = 0; i < size; i++)
		n += data[i] == '\n';
	return n;
}

/* "NAME: REASON" or "NAME:LINE: REASON", LINE between 1 and the last. */
static void check_message(const char *err, unsigned long lines)
{
	const char *at = err + strlen(NAME);
	char *end;
	unsigned long line;

	check(strnlen(err, ERR_LEN) < ERR_LEN);
	check(strncmp(err, NAME ":", strlen(NAME ":")) == 0);
	at++;
	if (*at != ' ') {
		line = strtoul(at, &end, 10);
		check(end > at && *end == ':' && line >= 1 && line <= lines);
		at = end + 1;
	}
	check(at[0] == ' ' && at[1] != '\0' && at[1] != ' ');
}

static void render(const struct rs_policy *p, bool json, char *mem, struct rs_buf *b)
{
	rs_buf_init(b, mem, RENDER_CAP);
	rs_policy_render(p, json, b);
	check(!b->overflow && strlen(mem) == b->len);
}

/* A loaded policy is valid, renders, and its text loads to itself. */
static void check_policy(const struct rs_policy *p)
{
	static struct rs_policy again;
	static char text[RENDER_CAP], text2[RENDER_CAP];
	struct rs_buf b, b2;
	char err[ERR_LEN];
	const char *key = "unset";

	check(rs_policy_validate(p, &key, err, sizeof(err)) == 0 && key == NULL);
	render(p, false, text, &b);
	check(rs_config_parse(NAME, text, b.len, &again, err, sizeof(err)) == 0);
	render(&again, false, text2, &b2);
	check(b.len == b2.len && memcmp(text, text2, b.len) == 0);
	render(p, true, text, &b);
	for (size_t i = 0; i < b.len; i++)
		check(text[i] >= 0x20 && text[i] < 0x7f);
	check(text[0] == '{' && text[b.len - 1] == '}');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rs_policy p;
	char *err = malloc(ERR_LEN), *tiny = malloc(TINY);
	int rc, again;

	if (!err || !tiny)
		goto out;
	memset(&p, 0xa5, sizeof(p));
	memset(err, '#', ERR_LEN);
	rc = rs_config_parse(NAME, (const char *)data, size, &p, err, ERR_LEN);
	check(rc == 0 || rc == -EINVAL || rc == -ENOMEM);
	if (rc == 0) {
		check(err[0] == '\0');
		check_policy(&p);
		goto out;
	}
	check(all_bytes(&p, sizeof(p), 0xa5));
	check_message(err, lines_of(data, size));
	/* err is exactly TINY bytes: ASan sees any write past it */
	again = rs_config_parse(NAME, (const char *)data, size, &p, tiny, TINY);
	check(again == rc && strnlen(tiny, TINY) == TINY - 1 && strncmp(tiny, err, TINY - 1) == 0);
	check(all_bytes(&p, sizeof(p), 0xa5));
out:
	free(err);
	free(tiny);
	return 0;
}
