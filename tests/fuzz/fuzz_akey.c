// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for the access key parsers of lib/akey.c.  The input,
 * NUL-terminated, is a line for rs_akey_parse and an SSH_AUTH_INFO_0 text
 * for rs_akey_from_authinfo.  The outputs are buffers of exactly the
 * documented sizes, so a write past them is an ASan finding even when the
 * parse fails (outputs of a failure are not trusted, only bounded).
 *
 * Invariants of a success: type is one of OpenSSH's user key types, b64 is
 * strict base64 whose blob starts with that type (decoded here by a
 * reference decoder), both NUL-terminated within their limits and found in
 * the input; "TYPE B64" and "publickey TYPE B64" give the same result; a
 * line that parses is found by rs_akey_from_authinfo as "publickey LINE".
 *
 *   clang -std=gnu11 -g -O1 -Iinclude -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
 *	tests/fuzz/fuzz_akey.c lib/akey.c
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ramsec/akey.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TYPE_SIZE (RS_AKEY_TYPE_MAX + 1)
#define B64_SIZE  (RS_AKEY_B64_MAX + 1)
#define LINE_MAX_ (RS_AKEY_TYPE_MAX + RS_AKEY_B64_MAX + 16) /* akey.c's line[] */

static const char *const key_types[] = {
    "ssh-ed25519",
    "sk-ssh-ed25519@openssh.com",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "sk-ecdsa-sha2-nistp256@openssh.com",
    "ssh-rsa",
};

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

static bool known_type(const char *t)
{
	for (size_t i = 0; i < sizeof(key_types) / sizeof(key_types[0]); i++)
		if (strcmp(t, key_types[i]) == 0)
			return true;
	return false;
}

static int b64_digit(char c)
{
	static const char set[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *at = c ? strchr(set, c) : NULL;

	return at ? (int)(at - set) : -1;
}

/*
 * The reference: strict base64 (length a multiple of 4, '=' only as the
 * last one or two characters) decoded into out, at most max bytes kept.
 * Returns the decoded length, or -1.
 */
static long b64_decode(const char *s, uint8_t *out, size_t max)
{
	size_t n = strlen(s), pad = 0, o = 0;

	if (n == 0 || n % 4)
		return -1;
	while (pad < 2 && s[n - 1 - pad] == '=')
		pad++;
	for (size_t i = 0; i < n; i += 4) {
		uint32_t v = 0;

		for (size_t j = 0; j < 4; j++) {
			int d = i + j >= n - pad ? 0 : b64_digit(s[i + j]);

			if (d < 0)
				return -1;
			v = v << 6 | (uint32_t)d;
		}
		for (size_t j = 0; j < 3; j++, o++)
			if (o < max)
				out[o] = (uint8_t)(v >> (16 - 8 * j));
	}
	return (long)(o - pad);
}

/* A successful result: bounded, known, strict, self-describing. */
static void check_key(const char *input, const char *type, const char *b64)
{
	uint8_t head[4 + RS_AKEY_TYPE_MAX];
	size_t tl = strnlen(type, TYPE_SIZE), kl = strnlen(b64, B64_SIZE);
	long n;

	check(tl > 0 && tl <= RS_AKEY_TYPE_MAX && kl > 0 && kl <= RS_AKEY_B64_MAX);
	check(known_type(type));
	n = b64_decode(b64, head, sizeof(head));
	check(n >= (long)(4 + tl));
	check(head[0] == 0 && head[1] == 0 && head[2] == 0 && head[3] == tl);
	check(memcmp(head + 4, type, tl) == 0);
	check(strstr(input, type) != NULL && strstr(input, b64) != NULL);
}

/* "TYPE B64" and "publickey TYPE B64" give type and b64 back. */
static void check_again(const char *type, const char *b64)
{
	char line[10 + TYPE_SIZE + B64_SIZE], *t2 = malloc(TYPE_SIZE), *k2 = malloc(B64_SIZE);

	if (!t2 || !k2)
		goto out;
	snprintf(line, sizeof(line), "publickey %s %s", type, b64);
	check(rs_akey_parse(line + 10, t2, k2) == 0);
	check(strcmp(t2, type) == 0 && strcmp(k2, b64) == 0);
	memset(t2, 0, TYPE_SIZE);
	memset(k2, 0, B64_SIZE);
	check(rs_akey_from_authinfo(line, t2, k2) == 0);
	check(strcmp(t2, type) == 0 && strcmp(k2, b64) == 0);
out:
	free(t2);
	free(k2);
}

/* A line that parses is found again after "publickey " in an authinfo. */
static void check_as_authinfo(const char *text, const char *type, const char *b64)
{
	size_t n = strlen(text);
	char *info, *t2 = malloc(TYPE_SIZE), *k2 = malloc(B64_SIZE);

	if (strchr(text, '\n') || 10 + n >= LINE_MAX_ || !t2 || !k2)
		goto out;
	info = malloc(10 + n + 1);
	if (!info)
		goto out;
	memcpy(info, "publickey ", 10);
	memcpy(info + 10, text, n + 1);
	check(rs_akey_from_authinfo(info, t2, k2) == 0);
	check(strcmp(t2, type) == 0 && strcmp(k2, b64) == 0);
	free(info);
out:
	free(t2);
	free(k2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *type = malloc(TYPE_SIZE), *b64 = malloc(B64_SIZE);
	int rc;

	if (!text || !type || !b64)
		goto out;
	memcpy(text, data, size);
	text[size] = '\0';

	memset(type, 0xa5, TYPE_SIZE);
	memset(b64, 0xa5, B64_SIZE);
	rc = rs_akey_parse(text, type, b64);
	check(rc == 0 || rc == -EINVAL);
	if (rc == 0) {
		check(strncmp(text, type, strlen(type)) == 0); /* the type comes first */
		check_key(text, type, b64);
		check_again(type, b64);
		check_as_authinfo(text, type, b64);
	}

	memset(type, 0xa5, TYPE_SIZE);
	memset(b64, 0xa5, B64_SIZE);
	rc = rs_akey_from_authinfo(text, type, b64);
	check(rc == 0 || rc == -ENOENT);
	if (rc == 0) {
		check(strstr(text, "publickey ") != NULL);
		check_key(text, type, b64);
		check_again(type, b64);
	}
out:
	free(text);
	free(type);
	free(b64);
	return 0;
}
