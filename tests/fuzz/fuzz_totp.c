// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for the text side of lib/totp.c: base32 seeds, the
 * code syntax check and otpauth:// URIs.  The input, NUL-terminated, is a
 * base32 text and a code; its raw bytes are a seed to encode; and split at
 * its first two '\n' it is ISSUER\nUSER\nSEED for rs_totp_uri.
 *
 * Invariants: base32 decoding succeeds exactly for what the header
 * documents, yields 5 bits per character and re-encodes to the same text
 * (up to case, blanks, padding and the unused low bits) that decodes to the
 * same bytes; a smaller limit only adds -E2BIG; encoding never writes past
 * its buffer.  A code is valid exactly when it is six ASCII digits.  A URI
 * is printable ASCII without spaces, starts with "otpauth://totp/", and its
 * parts decode back to the issuer, user and seed; one that does not fit is
 * flagged, never overrun, and a seed that is too long writes nothing.
 *
 *   clang -std=gnu11 -g -O1 -Iinclude -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
 *	tests/fuzz/fuzz_totp.c lib/totp.c lib/secret.c lib/buf.c -loath
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ramsec/buf.h"
#include "ramsec/totp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define B32_ALPHABET "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
#define URI_PREFIX   "otpauth://totp/"
#define URI_TAIL     "&algorithm=SHA1&digits=6&period=30"
#define URI_CAP	     1024 /* policyd/mfa.c's uribuf */
#define GUARD	     16

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

/* A buffer of n bytes followed by a guard, so that overruns show. */
static char *guarded(size_t n)
{
	char *p = malloc(n + GUARD);

	if (p)
		memset(p, '#', n + GUARD);
	return p;
}

static void check_guard(const char *p, size_t n)
{
	for (size_t i = 0; i < GUARD; i++)
		check(p[n + i] == '#');
}

static bool is_b32(char c)
{
	return c && strchr(B32_ALPHABET, c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
}

/*
 * The documented grammar: base32 characters in either case, blanks and '='
 * anywhere but no data after a '=', a length that whole bytes can make.
 * Returns the number of data characters, or -1.  norm gets them upper case.
 */
static long b32_reference(const char *s, char *norm)
{
	size_t chars = 0;
	bool pad = false;

	for (; *s; s++) {
		if (*s == ' ' || *s == '\t')
			continue;
		if (*s == '=') {
			pad = true;
			continue;
		}
		if (!is_b32(*s) || pad)
			return -1;
		norm[chars++] = *s >= 'a' && *s <= 'z' ? (char)(*s - 'a' + 'A') : *s;
	}
	norm[chars] = '\0';
	if (chars % 8 == 1 || chars % 8 == 3 || chars % 8 == 6)
		return -1;
	return (long)chars;
}

static size_t b32_len(size_t n)
{
	return (n * 8 + 4) / 5;
}

/* Encodes n bytes into a buffer of exactly the documented size; the text
 * is the alphabet only, of the right length, and decodes to the bytes. */
static void check_encode(const uint8_t *in, size_t n, char *ret_text)
{
	size_t len = 8 * ((n + 4) / 5) + 1, got = 0;
	char *text = guarded(len);
	uint8_t *back = malloc(n + 1);

	if (!text || !back)
		goto out;
	rs_base32_encode(in, n, text, len);
	check_guard(text, len);
	check(strlen(text) == b32_len(n) && strspn(text, B32_ALPHABET) == b32_len(n));
	check(rs_base32_decode(text, back, n, &got) == 0);
	check(got == n && memcmp(back, in, n) == 0);
	if (ret_text)
		memcpy(ret_text, text, strlen(text) + 1);
	/* too short a buffer: a NUL-terminated prefix, nothing past it */
	for (size_t cut = 0; cut < 3 && cut < len; cut++) {
		char *small = guarded(cut);

		if (!small)
			break;
		rs_base32_encode(in, n, small, cut);
		check_guard(small, cut);
		if (cut > 0)
			check(strlen(small) < cut && strncmp(small, text, strlen(small)) == 0);
		free(small);
	}
out:
	free(text);
	free(back);
}

static void check_decode(const char *text, size_t size)
{
	char *norm = malloc(size + 1), *again = malloc(b32_len(size) + 1);
	uint8_t *out = malloc(size + 1), *small = malloc(RS_TOTP_SEED_LEN);
	size_t n = (size_t)-1, m = (size_t)-1;
	long chars;
	int rc, rs;

	if (!norm || !again || !out || !small)
		goto out;
	chars = b32_reference(text, norm);
	rc = rs_base32_decode(text, out, size + 1, &n);
	check(rc == (chars < 0 ? -EINVAL : 0));
	rs = rs_base32_decode(text, small, RS_TOTP_SEED_LEN, &m);
	if (rc < 0) {
		check(rs == -EINVAL || rs == -E2BIG);
		goto out;
	}
	check(n == (size_t)chars * 5 / 8);
	check(rs == (n <= RS_TOTP_SEED_LEN ? 0 : -E2BIG));
	if (rs == 0)
		check(m == n && memcmp(small, out, n) == 0);
	/* the same text but for the low bits of its last character */
	check_encode(out, n, again);
	check(strlen(again) == (size_t)chars);
	check(chars == 0 || strncmp(again, norm, (size_t)chars - 1) == 0);
out:
	free(norm);
	free(again);
	free(out);
	free(small);
}

/* Percent-decodes n bytes of s into out; false on a bad escape or a byte
 * that should have been escaped. */
static bool unescape(const char *s, size_t n, char *out)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		const char *hi, *lo;

		if (s[i] != '%') {
			if (!strchr("-._~", s[i]) && !(s[i] >= '0' && s[i] <= '9') &&
			    !((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z'))
				return false;
			out[o++] = s[i];
			continue;
		}
		if (i + 2 >= n)
			return false;
		/* upper case hex, as rs_totp_uri writes it */
		hi = s[i + 1] ? strchr(hex, s[i + 1]) : NULL;
		lo = hi && s[i + 2] ? strchr(hex, s[i + 2]) : NULL;
		if (!lo)
			return false;
		out[o++] = (char)((hi - hex) << 4 | (lo - hex));
		i += 2;
	}
	out[o] = '\0';
	return true;
}

/* The parts of a URI that fit: issuer, user and secret come back. */
static void check_uri_parts(const char *uri, const char *issuer, const char *user,
			    const uint8_t *seed, size_t n)
{
	const char *label = uri + strlen(URI_PREFIX), *colon, *query, *amp;
	size_t ul = strlen(uri), got = 0;
	char *part = malloc(ul + 1);
	uint8_t secret[RS_TOTP_SEED_MAX + 1];

	if (!part)
		return;
	check(strncmp(uri, URI_PREFIX, strlen(URI_PREFIX)) == 0);
	for (size_t i = 0; i < ul; i++)
		check(uri[i] > 0x20 && uri[i] < 0x7f);
	check(ul >= strlen(URI_TAIL) && strcmp(uri + ul - strlen(URI_TAIL), URI_TAIL) == 0);
	colon = strchr(label, ':');
	query = strstr(label, "?secret=");
	check(colon && query && colon < query);
	check(unescape(label, (size_t)(colon - label), part) && strcmp(part, issuer) == 0);
	check(unescape(colon + 1, (size_t)(query - colon - 1), part) && strcmp(part, user) == 0);
	query += strlen("?secret=");
	amp = strstr(query, "&issuer=");
	check(amp != NULL);
	memcpy(part, query, (size_t)(amp - query));
	part[amp - query] = '\0';
	check(strspn(part, B32_ALPHABET) == strlen(part));
	check(rs_base32_decode(part, secret, sizeof(secret), &got) == 0);
	check(got == n && memcmp(secret, seed, n) == 0);
	amp += strlen("&issuer=");
	check(unescape(amp, strlen(amp) - strlen(URI_TAIL), part) && strcmp(part, issuer) == 0);
	free(part);
}

/* Renders the URI into a buffer of cap bytes; returns it (malloc'd). */
static char *render_uri(const char *issuer, const char *user, const uint8_t *seed, size_t n,
			size_t cap, struct rs_buf *b)
{
	char *mem = guarded(cap);

	if (!mem)
		return NULL;
	rs_buf_init(b, mem, cap);
	rs_totp_uri(issuer, user, seed, n, b);
	check_guard(mem, cap);
	check(b->len < cap && strnlen(mem, cap) == b->len);
	return mem;
}

static void check_uri(const char *issuer, const char *user, const uint8_t *seed, size_t n)
{
	size_t cap = strlen(URI_PREFIX) + 6 * strlen(issuer) + 3 * strlen(user) + 256;
	struct rs_buf big, b;
	char *full = render_uri(issuer, user, seed, n, cap, &big), *cut;

	if (!full)
		return;
	if (n > RS_TOTP_SEED_MAX) {
		check(big.overflow && big.len == 0); /* never a secret cut short */
		free(full);
		return;
	}
	check(!big.overflow);
	check_uri_parts(full, issuer, user, seed, n);
	/* where policyd puts it: the same text, or flagged */
	cut = render_uri(issuer, user, seed, n, URI_CAP, &b);
	if (cut)
		check(big.len < URI_CAP ? !b.overflow && strcmp(cut, full) == 0 : b.overflow);
	free(cut);
	free(full);
}

/* ISSUER\nUSER\nSEED: the seed is raw bytes, NULs included. */
static void split_uri(const uint8_t *data, size_t size, const char *text)
{
	const uint8_t *nl1 = memchr(data, '\n', size), *nl2 = NULL;
	char *issuer = strdup(text), *user = NULL;
	const uint8_t *seed = data + size;

	if (!issuer)
		return;
	issuer[strcspn(issuer, "\n")] = '\0';
	if (nl1) {
		nl2 = memchr(nl1 + 1, '\n', size - (size_t)(nl1 + 1 - data));
		user =
		    strndup((const char *)nl1 + 1, (size_t)((nl2 ? nl2 : data + size) - nl1 - 1));
		seed = nl2 ? nl2 + 1 : data + size;
	} else {
		user = strdup("");
	}
	if (user)
		check_uri(issuer, user, seed, (size_t)(data + size - seed));
	free(issuer);
	free(user);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	size_t len;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	len = strlen(text);

	check(rs_totp_code_syntax(text) ==
	      (len == RS_TOTP_DIGITS && strspn(text, "0123456789") == RS_TOTP_DIGITS));
	check(!rs_totp_code_syntax(NULL));
	check_decode(text, size);
	check_encode(data, size, NULL);
	split_uri(data, size, text);
	free(text);
	return 0;
}
