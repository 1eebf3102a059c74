// SPDX-License-Identifier: MIT
/*
 * Unit tests for lib/totp.c and lib/qr.c: the RFC 6238 vectors, code syntax,
 * the acceptance window with its replay and clock-back rules, device binding
 * with two consecutive codes, base32 (RFC 4648), the otpauth:// URI, who
 * needs MFA under each mfa_operation_for_login, and the QR rendering.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ramsec/buf.h"
#include "ramsec/policy.h"
#include "ramsec/totp.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* RFC 6238 Appendix B's SHA-1 seed */
static const uint8_t rfc_seed[] = "12345678901234567890";
#define RFC_SEED_LEN 20
#define SEED	     rfc_seed, RFC_SEED_LEN
#define RFC_SEED_B32 "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

#define NOW	((int64_t)1700000015) /* 5 s into step 56666667 */
#define S0	((int64_t)56666667)
#define REFUSED INT64_MIN /* want -1 */
#define NO_LAST INT64_MIN /* last_step -1: no code used yet */
#define SPREAD	14	  /* steps either side of S0 that the tests use */

/* The 6-digit code of step S0 + off. */
static void code_at(int64_t off, char *out)
{
	assert_int_equal(rs_totp_code(SEED, S0 + off, 6, out), 0);
}

/* The step S0 + off, or -1 for REFUSED. */
#define ABS_STEP(off) ((off) == REFUSED ? -1 : S0 + (off))

/* --- rs_totp_code, rs_totp_step ----------------------------------------- */

static const struct {
	int64_t t;
	const char *code8;
} rfc_cases[] = {
    {59, "94287082"},	      {1111111109, "07081804"}, {1111111111, "14050471"},
    {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000LL, "65353130"},
};

static void test_rfc6238_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(rfc_cases); i++) {
		for (unsigned digits = 6; digits <= 8; digits += 2) {
			const char *want = rfc_cases[i].code8 + 8 - digits;
			char out[16];

			memset(out, 'X', sizeof(out));
			if (rs_totp_code(SEED, rfc_cases[i].t / 30, digits, out) != 0 ||
			    strcmp(out, want) != 0)
				fail_msg("T=%lld digits %u: got \"%.9s\", want \"%s\"",
					 (long long)rfc_cases[i].t, digits, out, want);
			assert_int_equal(out[digits + 1], 'X'); /* writes digits + 1 bytes */
		}
	}
}

/* clang-format off */
static const struct {
	int64_t t, step;
} step_cases[] = {
    {0, 0}, {29, 0}, {30, 1}, {59, 1}, {60, 2}, {1111111109, 37037036}, {NOW, S0},
    {-1, -1}, {-29, -1}, {-30, -1}, {-31, -1}, {INT64_MIN, -1}, {INT64_MAX, INT64_MAX / 30},
};
/* clang-format on */

static void test_step(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(step_cases); i++)
		if (rs_totp_step(step_cases[i].t) != step_cases[i].step)
			fail_msg("step(%lld) = %lld, want %lld", (long long)step_cases[i].t,
				 (long long)rs_totp_step(step_cases[i].t),
				 (long long)step_cases[i].step);
}

static void test_code_refused(void **state)
{
	static const unsigned bad_digits[] = {0, 1, 5, 7, 9, 10, 255};
	char out[32];

	(void)state;
	for (size_t i = 0; i < N(bad_digits); i++)
		if (rs_totp_code(SEED, S0, bad_digits[i], out) != -EINVAL)
			fail_msg("digits %u accepted", bad_digits[i]);
	assert_int_equal(rs_totp_code(SEED, -1, 6, out), -EINVAL);
	/* a step past INT64_MAX / 30 has no time (step * 30 would overflow) */
	assert_int_equal(rs_totp_code(SEED, INT64_MAX / 30 + 1, 6, out), -EINVAL);
}

/* --- rs_totp_code_syntax ------------------------------------------------ */

/* clang-format off */
static const struct {
	const char *code;
	bool ok;
} syntax_cases[] = {
    {"123456", true}, {"000000", true}, {"999999", true},
    {NULL, false}, {"", false}, {"12345", false}, {"1234567", false},
    {" 123456", false}, {"123456 ", false}, {"123 456", false}, {"123456\n", false},
    {"+12345", false}, {"-12345", false}, {"12a456", false},
    {"12345/", false}, {"12345:", false},	/* '0' - 1, '9' + 1 */
    {"\xd9\xa1\xd9\xa2\xd9\xa3\xd9\xa4\xd9\xa5\xd9\xa6", false}, /* Arabic-Indic 1-6 */
    {"\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93\xef\xbc\x94\xef\xbc\x95\xef\xbc\x96",
     false}, /* fullwidth 1-6 */
};
/* clang-format on */

static void test_code_syntax(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(syntax_cases); i++)
		if (rs_totp_code_syntax(syntax_cases[i].code) != syntax_cases[i].ok)
			fail_msg("syntax(\"%s\"): want %d",
				 syntax_cases[i].code ? syntax_cases[i].code : "(null)",
				 syntax_cases[i].ok);
}

/* --- rs_totp_match -------------------------------------------------------- */

struct match_case {
	int64_t code_off; /* the code of step S0 + code_off */
	int window;
	int64_t last_off; /* last_step S0 + last_off, or NO_LAST */
	int64_t want_off; /* S0 + want_off, or REFUSED */
};

/* clang-format off */
static const struct match_case match_cases[] = {
    /* the window's edges */
    {0, 1, NO_LAST, 0}, {-1, 1, NO_LAST, -1}, {1, 1, NO_LAST, 1},
    {-2, 1, NO_LAST, REFUSED}, {2, 1, NO_LAST, REFUSED},
    {0, 0, NO_LAST, 0}, {-1, 0, NO_LAST, REFUSED}, {1, 0, NO_LAST, REFUSED},
    {-2, 2, NO_LAST, -2}, {2, 2, NO_LAST, 2}, {-3, 2, NO_LAST, REFUSED}, {3, 2, NO_LAST, REFUSED},
    {-10, 10, NO_LAST, -10}, {10, 10, NO_LAST, 10}, {11, 10, NO_LAST, REFUSED},
    {0, 11, NO_LAST, REFUSED}, {0, -1, NO_LAST, REFUSED}, /* windows 11 and -1 */
    /* last_step: a step at or before it is a replay */
    {0, 1, 0, REFUSED}, {-1, 1, -1, REFUSED}, {-1, 1, 0, REFUSED}, {0, 1, 1, REFUSED},
    {0, 1, -1, 0}, {1, 1, 0, 1}, {-1, 1, -2, -1}, {0, 1, -1000, 0},
};
/* clang-format on */

static void test_match_window(void **state)
{
	char a[8], b[8];

	(void)state;
	/* the tests tell steps apart by their codes: no two alike near S0 */
	for (int64_t i = -SPREAD; i <= SPREAD; i++)
		for (int64_t j = i + 1; j <= SPREAD; j++) {
			code_at(i, a);
			code_at(j, b);
			if (!strcmp(a, b))
				fail_msg("steps S0%+lld and S0%+lld share %s", (long long)i,
					 (long long)j, a);
		}
	for (size_t i = 0; i < N(match_cases); i++) {
		const struct match_case *c = &match_cases[i];
		int64_t last = c->last_off == NO_LAST ? -1 : S0 + c->last_off;
		int64_t got, want = ABS_STEP(c->want_off);
		char code[8];

		code_at(c->code_off, code);
		got = rs_totp_match(SEED, NOW, c->window, last, code);
		if (got != want)
			fail_msg("code S0%+lld window %d last S0%+lld: got %lld, want %lld",
				 (long long)c->code_off, c->window, (long long)c->last_off,
				 (long long)got, (long long)want);
	}
}

/* The caller stores the step returned: the same code works once; then the
 * clock steps back 60 s and steps <= the last one stay refused. */
static void test_match_replay(void **state)
{
	int64_t last = -1;
	char code[8];

	(void)state;
	code_at(0, code);
	last = rs_totp_match(SEED, NOW, 1, last, code);
	assert_int_equal(last, S0);
	assert_int_equal(rs_totp_match(SEED, NOW, 1, last, code), -1);
	assert_int_equal(rs_totp_match(SEED, NOW + 29, 1, last, code), -1);
	code_at(-1, code); /* older than the last one used */
	assert_int_equal(rs_totp_match(SEED, NOW, 1, last, code), -1);
	for (int64_t off = -4; off <= 0; off++) { /* the clock back to step S0-2 */
		code_at(off, code);
		for (int w = 1; w <= 3; w++)
			if (rs_totp_match(SEED, NOW - 60, w, last, code) != -1)
				fail_msg("clock back, w%d: code of S0%+lld accepted", w,
					 (long long)off);
	}
	code_at(1, code); /* S0+1, in the window of 3 around S0-2, works once */
	last = rs_totp_match(SEED, NOW - 60, 3, last, code);
	assert_int_equal(last, S0 + 1);
	assert_int_equal(rs_totp_match(SEED, NOW + 30, 1, last, code), -1);
}

static void test_match_wrong(void **state)
{
	static const char *const bad[] = {NULL, "", "12345", "1234567", " 12345", "abcdef"};
	char code[8];

	(void)state;
	code_at(0, code); /* S0's code with its last digit changed: no step of the window has it */
	code[5] = code[5] == '9' ? '0' : (char)(code[5] + 1);
	assert_int_equal(rs_totp_match(SEED, NOW, 10, -1, code), -1);
	for (size_t i = 0; i < N(bad); i++)
		assert_int_equal(rs_totp_match(SEED, NOW, 1, -1, bad[i]), -1);
	/* another seed's code */
	code_at(0, code);
	assert_int_equal(
	    rs_totp_match((const uint8_t *)"abcdefghijklmnopqrst", 20, NOW, 1, -1, code), -1);
	/* the far future: a window past INT64_MAX / 30 steps is refused */
	assert_int_equal(rs_totp_match(SEED, INT64_MAX, 1, -1, "123456"), -1);
	/* negative times have no step */
	assert_int_equal(rs_totp_match(SEED, -1, 1, -1, "123456"), -1);
}

/* --- rs_totp_match_pair ------------------------------------------------- */

struct pair_case {
	int64_t off1, off2; /* the codes of S0 + off1 and S0 + off2 */
	int window;
	int64_t want_off; /* S0 + want_off, or REFUSED */
};

/* clang-format off */
static const struct pair_case pair_cases[] = {
    /* (S0-1, S0), the next pair (S0, S0+1), and (S0-2, S0-1): t in the window */
    {-1, 0, 1, 0}, {0, 1, 1, 1}, {-2, -1, 1, -1},
    /* not consecutive, reversed, a gap */
    {0, 0, 1, REFUSED}, {0, -1, 1, REFUSED}, {-2, 0, 1, REFUSED}, {0, 2, 1, REFUSED},
    /* outside the window, and the window's size */
    {1, 2, 1, REFUSED}, {-3, -2, 1, REFUSED}, {1, 2, 2, 2}, {-1, 0, 0, 0}, {0, 1, 0, REFUSED},
    {-11, -10, 10, -10}, {-1, 0, 11, REFUSED}, {-1, 0, -1, REFUSED},
};
/* clang-format on */

static void test_pair(void **state)
{
	static const char *const bad[] = {NULL, "", "12345", "1234567", " 12345", "12a456"};
	char c1[8], c2[8];

	(void)state;
	for (size_t i = 0; i < N(pair_cases); i++) {
		const struct pair_case *c = &pair_cases[i];
		int64_t got, want = ABS_STEP(c->want_off);

		code_at(c->off1, c1);
		code_at(c->off2, c2);
		got = rs_totp_match_pair(SEED, NOW, c->window, c1, c2);
		if (got != want)
			fail_msg("pair (S0%+lld, S0%+lld) window %d: got %lld, want %lld",
				 (long long)c->off1, (long long)c->off2, c->window, (long long)got,
				 (long long)want);
	}
	code_at(-1, c1); /* malformed codes beside a right one */
	code_at(0, c2);
	for (size_t i = 0; i < N(bad); i++) {
		assert_int_equal(rs_totp_match_pair(SEED, NOW, 1, bad[i], c2), -1);
		assert_int_equal(rs_totp_match_pair(SEED, NOW, 1, c1, bad[i]), -1);
	}
	code_at(-S0, c1); /* at step 0: (0, 1) in the window; no step -1 before 0 */
	code_at(-S0 + 1, c2);
	assert_int_equal(rs_totp_match_pair(SEED, 15, 1, c1, c2), 1);
	assert_int_equal(rs_totp_match_pair(SEED, 15, 0, c1, c2), -1);
	assert_int_equal(rs_totp_match_pair(SEED, 15, 0, c1, c1), -1);
}

/* --- base32 ------------------------------------------------------------- */

/* clang-format off */
static const struct {
	const char *plain, *b32;
} b32_cases[] = {
    {"", ""}, {"f", "MY"}, {"fo", "MZXQ"}, {"foo", "MZXW6"}, {"foob", "MZXW6YQ"},
    {"fooba", "MZXW6YTB"}, {"foobar", "MZXW6YTBOI"}, {"12345678901234567890", RFC_SEED_B32},
};
/* clang-format on */

static void test_base32_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(b32_cases); i++) {
		const char *plain = b32_cases[i].plain, *b32 = b32_cases[i].b32;
		size_t n = strlen(plain), got_n = 999;
		char text[64];
		uint8_t bin[64];

		rs_base32_encode((const uint8_t *)plain, n, text, 8 * ((n + 4) / 5) + 1);
		if (strcmp(text, b32) != 0)
			fail_msg("encode(\"%s\") = \"%s\", want \"%s\"", plain, text, b32);
		if (rs_base32_decode(b32, bin, sizeof(bin), &got_n) != 0 || got_n != n ||
		    memcmp(bin, plain, n) != 0)
			fail_msg("decode(\"%s\") != \"%s\"", b32, plain);
	}
}

/* The decoder: padding, lower case and blanks accepted; bad characters,
 * bad lengths and too little room refused, *ret_n untouched. */
/* clang-format off */
static const struct {
	const char *text;
	size_t max;
	int rc;
	const char *plain;
} b32_decode[] = {
    {"MY======", 64, 0, "f"}, {"MZXQ====", 64, 0, "fo"}, {"MZXW6===", 64, 0, "foo"},
    {"MZXW6YQ=", 64, 0, "foob"}, {"MZXW6YTBOI======", 64, 0, "foobar"}, {"my", 64, 0, "f"},
    {"mzxw6ytboi", 64, 0, "foobar"}, {"mzxw6yq=", 64, 0, "foob"}, {"MzXw6YtBoI", 64, 0, "foobar"},
    {"MZXW 6YTB OI", 64, 0, "foobar"}, {"\tMZXW6YTBOI ", 64, 0, "foobar"},
    /* bad characters, data after padding */
    {"MZXW1", 64, -EINVAL, NULL}, {"MZ!W", 64, -EINVAL, NULL}, {"0", 64, -EINVAL, NULL},
    {"MZXW8", 64, -EINVAL, NULL}, {"MZXW6=YQ", 64, -EINVAL, NULL}, {"MY=Q", 64, -EINVAL, NULL},
    {"MZ-XW", 64, -EINVAL, NULL}, {"MZXW\n", 64, -EINVAL, NULL}, {"\xc3\xa9MY", 64, -EINVAL, NULL},
    /* lengths 1, 3, 6 mod 8 */
    {"M", 64, -EINVAL, NULL}, {"MZX", 64, -EINVAL, NULL}, {"MZXW6Y", 64, -EINVAL, NULL},
    {"MZXW6YTBO", 64, -EINVAL, NULL}, {"MZXW6YTBOIA", 64, -EINVAL, NULL},
    {"MZXW6YTBOIAAAA", 64, -EINVAL, NULL}, {"M=======", 64, -EINVAL, NULL},
    /* output too small, and exactly the room needed */
    {"MZXW6YTBOI", 5, -E2BIG, NULL}, {"MY", 0, -E2BIG, NULL}, {RFC_SEED_B32, 19, -E2BIG, NULL},
    {"MZXW6YTBOI", 6, 0, "foobar"}, {"MY", 1, 0, "f"}, {"", 0, 0, ""},
};
/* clang-format on */

static void test_base32_decode(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(b32_decode); i++) {
		const char *plain = b32_decode[i].plain;
		uint8_t bin[64];
		size_t n = 999;
		int rc = rs_base32_decode(b32_decode[i].text, bin, b32_decode[i].max, &n);

		if (rc != b32_decode[i].rc || (rc < 0 && n != 999) ||
		    (rc == 0 && (n != strlen(plain) || memcmp(bin, plain, n) != 0)))
			fail_msg("decode(\"%s\", max %zu) = %d (n %zu), want %d \"%s\"",
				 b32_decode[i].text, b32_decode[i].max, rc, n, b32_decode[i].rc,
				 plain ? plain : "");
	}
}

static uint64_t xorshift(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static void test_base32_roundtrip(void **state)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL;

	(void)state;
	for (int round = 0; round < 20; round++)
		for (size_t n = 0; n <= 64; n++) {
			uint8_t in[64], back[64];
			char text[8 * 13 + 1];
			size_t got = 999;

			for (size_t i = 0; i < n; i++)
				in[i] = (uint8_t)xorshift(&x);
			rs_base32_encode(in, n, text, 8 * ((n + 4) / 5) + 1);
			assert_int_equal(strlen(text), (8 * n + 4) / 5);
			assert_int_equal(strspn(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
					 strlen(text));
			if (rs_base32_decode(text, back, n, &got) != 0 || got != n ||
			    memcmp(in, back, n) != 0)
				fail_msg("round trip of %zu bytes: \"%s\"", n, text);
		}
}

/* --- rs_totp_uri -------------------------------------------------------- */

#define URI_TAIL "&algorithm=SHA1&digits=6&period=30"

static const struct {
	const char *issuer, *user, *want;
} uri_cases[] = {
    {"host", "alice", "otpauth://totp/host:alice?secret=" RFC_SEED_B32 "&issuer=host" URI_TAIL},
    {"My Host", "bob smith",
     "otpauth://totp/My%20Host:bob%20smith?secret=" RFC_SEED_B32 "&issuer=My%20Host" URI_TAIL},
    {"a/b:c", "alice@example.com",
     "otpauth://totp/a%2Fb%3Ac:alice%40example.com?secret=" RFC_SEED_B32
     "&issuer=a%2Fb%3Ac" URI_TAIL},
    {"h\xc3\xb4te", "j\xc3\xbcrgen", /* hôte, jürgen */
     "otpauth://totp/h%C3%B4te:j%C3%BCrgen?secret=" RFC_SEED_B32 "&issuer=h%C3%B4te" URI_TAIL},
    {"x&y=z?#%+", "u_v-w.x~y",
     "otpauth://totp/x%26y%3Dz%3F%23%25%2B:u_v-w.x~y?secret=" RFC_SEED_B32
     "&issuer=x%26y%3Dz%3F%23%25%2B" URI_TAIL},
};

static void test_uri(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(uri_cases); i++) {
		char storage[512];
		struct rs_buf b;

		rs_buf_init(&b, storage, sizeof(storage));
		rs_totp_uri(uri_cases[i].issuer, uri_cases[i].user, SEED, &b);
		assert_false(b.overflow);
		if (strcmp(storage, uri_cases[i].want) != 0)
			fail_msg("uri(\"%s\", \"%s\"):\n got %s\nwant %s", uri_cases[i].issuer,
				 uri_cases[i].user, storage, uri_cases[i].want);
	}
}

/* The secret is the whole seed, whatever its length. */
static void test_uri_long_seed(void **state)
{
	uint8_t seed[64];
	char storage[512], want[128];
	struct rs_buf b;

	(void)state;
	for (size_t i = 0; i < sizeof(seed); i++)
		seed[i] = (uint8_t)(i * 37 + 11);
	rs_base32_encode(seed, sizeof(seed), want, sizeof(want));
	rs_buf_init(&b, storage, sizeof(storage));
	rs_totp_uri("host", "alice", seed, sizeof(seed), &b);
	/* a 64-byte seed (RS_TOTP_SEED_MAX) is encoded whole, never cut */
	if (!strstr(storage, want))
		fail_msg("64-byte seed: secret %s missing from %s", want, storage);
}

/* --- rs_mfa_needed ------------------------------------------------------ */

#define IND RS_MFA_INDEPENDENT
#define MAN RS_MFA_MANDATORY
#define ADA RS_MFA_ADAPTIVE
#define NON RS_MFA_NONE
#define COD RS_MFA_CODE
#define BND RS_MFA_BIND

struct need_case {
	enum rs_mfa_operation op;
	bool root_required, known, is_root, bound, bind_required;
	enum rs_mfa_need want[2]; /* source not seen lately, seen */
};

/* op, root_required, known, is_root, bound, bind_required: unseen, seen */
/* clang-format off */
static const struct need_case need_cases[] = {
    /* independent: bound or bind_required; the source does not matter */
    {IND, 0, 1, 0, 0, 0, {NON, NON}}, {IND, 0, 1, 0, 0, 1, {BND, BND}},
    {IND, 0, 1, 0, 1, 0, {COD, COD}}, {IND, 0, 1, 0, 1, 1, {COD, COD}},
    {IND, 0, 0, 0, 0, 0, {NON, NON}},
    /* mandatory: everyone; BIND without a device, CODE for unknown users */
    {MAN, 0, 1, 0, 0, 0, {BND, BND}}, {MAN, 0, 1, 0, 0, 1, {BND, BND}},
    {MAN, 0, 1, 0, 1, 0, {COD, COD}}, {MAN, 0, 1, 0, 1, 1, {COD, COD}},
    {MAN, 0, 0, 0, 0, 0, {COD, COD}},
    /* adaptive: bound and an unusual source; bind_required binds */
    {ADA, 0, 1, 0, 0, 0, {NON, NON}}, {ADA, 0, 1, 0, 0, 1, {BND, BND}},
    {ADA, 0, 1, 0, 1, 0, {COD, NON}},
    /* bound, seen, and an admin set bind_required again: ramsec.conf(5) is silent;
     * the library asks for a code, the safe reading */
    {ADA, 0, 1, 0, 1, 1, {COD, COD}},
    {ADA, 0, 0, 0, 0, 0, {NON, NON}},
    /* root: root_account.mfa_required or a bound device, whatever the op */
    {IND, 0, 1, 1, 0, 0, {NON, NON}}, {MAN, 0, 1, 1, 0, 0, {NON, NON}},
    {ADA, 0, 1, 1, 0, 0, {NON, NON}}, {IND, 0, 1, 1, 1, 0, {COD, COD}},
    {MAN, 0, 1, 1, 1, 0, {COD, COD}}, {ADA, 0, 1, 1, 1, 0, {COD, COD}},
    {IND, 1, 1, 1, 0, 0, {BND, BND}}, {MAN, 1, 1, 1, 0, 0, {BND, BND}},
    {ADA, 1, 1, 1, 0, 0, {BND, BND}}, {IND, 1, 1, 1, 1, 0, {COD, COD}},
    {MAN, 1, 1, 1, 1, 0, {COD, COD}}, {ADA, 1, 1, 1, 1, 0, {COD, COD}},
    /* root_account.mfa_required does not touch other users */
    {IND, 1, 1, 0, 0, 0, {NON, NON}}, {ADA, 1, 1, 0, 1, 0, {COD, NON}},
};
/* clang-format on */

static const char *const need_names[] = {"NONE", "CODE", "BIND"};

static void test_mfa_needed(void **state)
{
	struct rs_policy p;

	(void)state;
	rs_policy_init_defaults(&p);
	assert_int_equal(p.pref.mfa_operation_for_login, RS_MFA_INDEPENDENT);
	assert_false(p.root.mfa_required);
	for (size_t i = 0; i < N(need_cases); i++) {
		const struct need_case *c = &need_cases[i];

		p.pref.mfa_operation_for_login = c->op;
		p.root.mfa_required = c->root_required;
		for (int seen = 0; seen <= 1; seen++) {
			struct rs_mfa_facts m = {c->known, c->is_root, c->bound, c->bind_required,
						 seen};
			enum rs_mfa_need got = rs_mfa_needed(&p, &m);

			if (got != c->want[seen])
				fail_msg("%s root_required %d known %d root %d bound %d "
					 "bind_required %d seen %d: got %s, want %s",
					 rs_mfa_operation_name(c->op), c->root_required, c->known,
					 c->is_root, c->bound, c->bind_required, seen,
					 (unsigned)got < 3 ? need_names[got] : "?",
					 need_names[c->want[seen]]);
		}
	}
}

/* --- rs_qr_matrix, rs_qr_text ------------------------------------------- */

#define QR_BUF (256 * 1024)

static const char *const blocks[4] = {"\u2588", "\u2580", "\u2584", " "};

/* Checks the text against the matrix, cell by cell: light is a block,
 * dark a blank, two rows per line, a quiet zone of 2 modules. */
static void check_qr_text(const char *text, const uint8_t *m, int w)
{
	int size = w + 4, lines = 0;
	const char *p = text;

	for (int y = 0; y < size; y += 2, lines++) {
		for (int x = 0; x < size; x++) {
			int mx = x - 2, y0 = y - 2, y1 = y - 1;
			int top = mx >= 0 && mx < w && y0 >= 0 && y0 < w && m[y0 * w + mx];
			int bot = mx >= 0 && mx < w && y1 >= 0 && y1 < w && m[y1 * w + mx];
			const char *want = blocks[top * 2 + bot];

			if (strncmp(p, want, strlen(want)) != 0)
				fail_msg("cell (%d, %d): got \"%.3s\", want \"%s\"", x, y, p, want);
			p += strlen(want);
		}
		if (*p++ != '\n')
			fail_msg("line %d: not %d cells", lines, size);
	}
	assert_int_equal(lines, (w + 4 + 1) / 2);
	assert_int_equal(*p, '\0');
}

static void check_qr(const char *input)
{
	char *storage = malloc(QR_BUF);
	uint8_t *m = NULL;
	int w = 0, dark = 0;
	struct rs_buf b;

	assert_non_null(storage);
	assert_int_equal(rs_qr_matrix(input, &m, &w), 0);
	assert_non_null(m);
	if (w < 21 || w > 177 || (w - 21) % 4 != 0)
		fail_msg("width %d is no QR size", w);
	for (int i = 0; i < w * w; i++) {
		assert_true(m[i] <= 1);
		dark += m[i];
	}
	assert_true(dark > 0 && dark < w * w);
	/* finder pattern corners: dark, with a light ring inside */
	assert_true(m[0] && m[w - 1] && m[(w - 1) * w] && !m[w + 1]);
	rs_buf_init(&b, storage, QR_BUF);
	assert_int_equal(rs_qr_text(input, &b), 0);
	assert_false(b.overflow);
	check_qr_text(storage, m, w);
	free(m);
	free(storage);
}

static void test_qr_uri(void **state)
{
	char storage[512];
	struct rs_buf b;

	(void)state;
	rs_buf_init(&b, storage, sizeof(storage));
	rs_totp_uri("host", "alice", SEED, &b);
	check_qr(storage);
	check_qr("x");
	check_qr("otpauth://totp/h%C3%B4te:j%C3%BCrgen?secret=" RFC_SEED_B32);
}

/* 2331 bytes fill version 40-M in byte mode; 3000 do not fit; "" is
 * either refused or a version 1 code. */
static void test_qr_sizes(void **state)
{
	static const size_t sizes[] = {0, 2331, 2332, 3000};
	char *big = malloc(3001), *storage = malloc(QR_BUF);

	(void)state;
	assert_non_null(big);
	assert_non_null(storage);
	for (size_t i = 0; i < N(sizes); i++) {
		uint8_t *m = (uint8_t *)"untouched";
		int w = -7, r;
		struct rs_buf b;

		memset(big, 'a', sizes[i]);
		big[sizes[i]] = '\0';
		r = rs_qr_matrix(big, &m, &w);
		if (r == 0) {
			assert_int_equal(w, sizes[i] ? 177 : 21);
			check_qr(big);
			free(m);
			continue;
		}
		assert_true(r == -EINVAL || (r == -ENOMEM && sizes[i] > 0));
		assert_int_equal(w, -7); /* outputs untouched on failure */
		assert_string_equal((const char *)m, "untouched");
		rs_buf_init(&b, storage, QR_BUF);
		assert_int_equal(rs_qr_text(big, &b), r);
		assert_int_equal(b.len, 0);
		assert_true(sizes[i] > 2331 || sizes[i] == 0);
	}
	free(big);
	free(storage);
}

int main(void)
{
	/* clang-format off */
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc6238_vectors), cmocka_unit_test(test_step),
	    cmocka_unit_test(test_code_refused), cmocka_unit_test(test_code_syntax),
	    cmocka_unit_test(test_match_window), cmocka_unit_test(test_match_replay),
	    cmocka_unit_test(test_match_wrong), cmocka_unit_test(test_pair),
	    cmocka_unit_test(test_base32_vectors), cmocka_unit_test(test_base32_decode),
	    cmocka_unit_test(test_base32_roundtrip), cmocka_unit_test(test_uri),
	    cmocka_unit_test(test_uri_long_seed), cmocka_unit_test(test_mfa_needed),
	    cmocka_unit_test(test_qr_uri), cmocka_unit_test(test_qr_sizes),
	};
	/* clang-format on */

	return cmocka_run_group_tests_name("totp", tests, NULL, NULL) ? 1 : 0;
}
