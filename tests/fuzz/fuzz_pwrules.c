// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for lib/pwrules.c.  The first bytes of the input set
 * the policy knobs and the user name, the rest is the password:
 *
 *   byte 0  bit 0 owner, bits 1-4 require lower/upper/digit/symbol,
 *           bit 5 password_not_contain_user_name, bit 6 no user (NULL),
 *           bit 7 hard_expire
 *   byte 1  minimum_password_length      8 + b % 25  (8-32)
 *   byte 2  minimum_password_different_character  b % 9  (0-8)
 *   byte 3  password_reuse_prevention    b % 25  (0-24)
 *   byte 4  length of the user name      b % (RS_NAME_MAX + 1)
 *   then the user name (NUL-terminated copy), then the password
 *
 * The fields of struct rs_password_policy that the rules do not read come
 * from bytes 1-3 too, within their ranges: at their defaults instead, they
 * must not change the verdict.
 *
 * The password is handed over in a buffer of exactly its length, without a
 * NUL, so any read past len is an ASan finding: rs_pwrules_check takes
 * "len bytes, may hold anything".
 *
 * Invariants: only the rules that apply can break; over RS_PASSWORD_MAX
 * bytes is refused and nothing else is said; the ASCII character classes,
 * the user name, the length bounds and (for ASCII passwords) the exact
 * character counts agree with a plain reference; the description has one
 * line per broken rule, is bounded and NUL-terminated, and is empty exactly
 * when nothing is broken; a generated password passes the rules.
 *
 *   clang -std=gnu11 -g -O1 -Iinclude -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
 *	tests/fuzz/fuzz_pwrules.c lib/pwrules.c lib/policy.c lib/cidr.c lib/buf.c
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ramsec/buf.h"
#include "ramsec/eval.h"
#include "ramsec/policy.h"
#include "ramsec/pwrules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HEAD	 5
#define DESC_CAP RS_DECISION_MSG_MAX /* where rs_eval_new_password puts the text */
#define GUARD	 16

#define OWNER_BITS (RS_PW_OWNER_SHORT | RS_PW_OWNER_CLASSES)
#define ALL_BITS   ((RS_PW_REUSED << 1) - 1)

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

/* rs_policy_init_defaults, once: it parses the default masks and names. */
static const struct rs_policy *defaults(void)
{
	static struct rs_policy d;
	static bool ready;

	if (!ready)
		rs_policy_init_defaults(&d);
	ready = true;
	return &d;
}

/* The policy of bytes 0-3, every field within its documented range. */
static void make_policy(const uint8_t *h, struct rs_policy *p)
{
	struct rs_password_policy *pp = &p->password;

	*p = *defaults();
	pp->require_lowercase_characters = h[0] & 0x02;
	pp->require_uppercase_characters = h[0] & 0x04;
	pp->require_numbers = h[0] & 0x08;
	pp->require_symbols = h[0] & 0x10;
	pp->password_not_contain_user_name = h[0] & 0x20;
	pp->minimum_password_length = 8 + h[1] % 25;
	pp->minimum_password_different_character = h[2] % 9;
	pp->password_reuse_prevention = h[3] % 25;
	/* not read by the rules, varied all the same: none of them may matter */
	pp->hard_expire = h[0] & 0x80;
	pp->max_password_age = (h[1] << 8 | h[2]) % 1096;
	pp->max_login_attempts = h[2] % (RS_MAX_LOGIN_ATTEMPTS_MAX + 1);
	pp->initial_password_age = h[3] % 91;
	/* the harness's own promise: a policy the config loader could give */
	check(rs_policy_validate(p, NULL, NULL, 0) == 0);
}

/* pp with the fields that the rules do not read at their defaults. */
static const struct rs_password_policy *unread_reset(const struct rs_password_policy *pp)
{
	static struct rs_password_policy q;

	q = defaults()->password;
	q.minimum_password_length = pp->minimum_password_length;
	q.require_lowercase_characters = pp->require_lowercase_characters;
	q.require_uppercase_characters = pp->require_uppercase_characters;
	q.require_numbers = pp->require_numbers;
	q.require_symbols = pp->require_symbols;
	q.minimum_password_different_character = pp->minimum_password_different_character;
	q.password_not_contain_user_name = pp->password_not_contain_user_name;
	return &q;
}

static bool has_byte_in(const char *pw, size_t len, char lo, char hi)
{
	for (size_t i = 0; i < len; i++)
		if (pw[i] >= lo && pw[i] <= hi)
			return true;
	return false;
}

static bool has_symbol(const char *pw, size_t len)
{
	return has_byte_in(pw, len, '!', '/') || has_byte_in(pw, len, ':', '@') ||
	       has_byte_in(pw, len, '[', '`') || has_byte_in(pw, len, '{', '~');
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* The reference for the user name rule: ASCII case folding only. */
static bool contains_user(const char *pw, size_t len, const char *user)
{
	size_t m = user ? strlen(user) : 0;

	for (size_t i = 0; m > 0 && i + m <= len; i++) {
		size_t j = 0;

		while (j < m && lower(pw[i + j]) == lower(user[j]))
			j++;
		if (j == m)
			return true;
	}
	return false;
}

static bool is_ascii(const char *pw, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)pw[i] >= 0x80)
			return false;
	return true;
}

/* For an ASCII password every byte is a character; control bytes are one
 * replacement character between them. */
static void ascii_census(const char *pw, size_t len, bool *bad, size_t *distinct)
{
	bool seen[129] = {false};

	*bad = false;
	*distinct = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)pw[i];
		bool ctl = c < 0x20 || c == 0x7f;

		*bad |= ctl;
		if (ctl)
			c = 128;
		*distinct += !seen[c];
		seen[c] = true;
	}
}

/* The rules of a non-owner check against the reference above. */
static void check_user_rules(const struct rs_password_policy *pp, const char *user, const char *pw,
			     size_t len, unsigned broken)
{
	check((broken & (OWNER_BITS | RS_PW_TOO_LONG | RS_PW_REUSED)) == 0);
	check(!!(broken & RS_PW_NO_LOWER) ==
	      (pp->require_lowercase_characters && !has_byte_in(pw, len, 'a', 'z')));
	check(!!(broken & RS_PW_NO_UPPER) ==
	      (pp->require_uppercase_characters && !has_byte_in(pw, len, 'A', 'Z')));
	check(!!(broken & RS_PW_NO_DIGIT) ==
	      (pp->require_numbers && !has_byte_in(pw, len, '0', '9')));
	check(!!(broken & RS_PW_NO_SYMBOL) == (pp->require_symbols && !has_symbol(pw, len)));
	check(!!(broken & RS_PW_HAS_USER) ==
	      (pp->password_not_contain_user_name && contains_user(pw, len, user)));
	/* a character is 1-4 bytes, an invalid byte one character */
	if (len < (size_t)pp->minimum_password_length)
		check(broken & RS_PW_TOO_SHORT);
	if (len >= 4 * (size_t)pp->minimum_password_length)
		check(!(broken & RS_PW_TOO_SHORT));
	if (len < (size_t)pp->minimum_password_different_character)
		check(broken & RS_PW_FEW_DISTINCT);
	if (is_ascii(pw, len)) {
		bool bad;
		size_t distinct;

		ascii_census(pw, len, &bad, &distinct);
		check(!!(broken & RS_PW_BAD_TEXT) == bad);
		check(!!(broken & RS_PW_TOO_SHORT) == (len < (size_t)pp->minimum_password_length));
		check(!!(broken & RS_PW_FEW_DISTINCT) ==
		      (distinct < (size_t)pp->minimum_password_different_character));
	}
}

static void check_owner_rules(const char *pw, size_t len, unsigned broken)
{
	check((broken & ~(OWNER_BITS | RS_PW_BAD_TEXT)) == 0);
	if (len < RS_OWNER_MIN_LENGTH)
		check(broken & RS_PW_OWNER_SHORT);
	if (is_ascii(pw, len)) {
		bool bad;
		size_t distinct;
		int classes = (has_byte_in(pw, len, 'a', 'z') || has_byte_in(pw, len, 'A', 'Z')) +
			      has_byte_in(pw, len, '0', '9') + has_symbol(pw, len);

		ascii_census(pw, len, &bad, &distinct);
		check(!!(broken & RS_PW_BAD_TEXT) == bad);
		check(!!(broken & RS_PW_OWNER_SHORT) == (len < RS_OWNER_MIN_LENGTH));
		check(!!(broken & RS_PW_OWNER_CLASSES) == (classes < 2));
	}
}

static unsigned popcount(unsigned v)
{
	return (unsigned)__builtin_popcount(v);
}

/*
 * Describes broken into a buffer of cap bytes followed by a guard: the text
 * stays inside and is NUL-terminated; unless cut short it has one
 * '\n'-ended line per rule and is empty exactly when nothing is broken.
 */
static void check_describe(const struct rs_password_policy *pp, unsigned broken, size_t cap)
{
	char *mem = malloc(cap + GUARD);
	struct rs_buf b;
	size_t lines = 0;

	if (!mem)
		return;
	memset(mem, '#', cap + GUARD);
	rs_buf_init(&b, mem, cap);
	rs_pwrules_describe(pp, broken, &b);
	for (size_t i = 0; i < GUARD; i++)
		check(mem[cap + i] == '#');
	check(b.len < cap && strnlen(mem, cap) == b.len);
	/* every rule at once fits where the text goes */
	if (cap >= DESC_CAP)
		check(!b.overflow);
	if (!b.overflow) {
		for (size_t i = 0; i < b.len; i++) {
			check(mem[i] == '\n' || (mem[i] >= 0x20 && mem[i] < 0x7f));
			lines += mem[i] == '\n';
		}
		check(b.len == 0 || mem[b.len - 1] == '\n');
		check(lines == popcount(broken));
		check((b.len > 0) == (broken != 0));
	}
	free(mem);
}

/* A password made for the policy from the input's bytes passes it. */
static void check_generate(const struct rs_password_policy *pp, const char *user,
			   const uint8_t *rnd, size_t n)
{
	char out[RS_PASSWORD_MAX + 1];

	if (rs_pwrules_generate(pp, user, rnd, n, out, sizeof(out)) < 0)
		return;
	check(strlen(out) >= 16 && strlen(out) >= (size_t)pp->minimum_password_length);
	check(rs_pwrules_check(pp, false, user, out, strlen(out)) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rs_policy p;
	char user[RS_NAME_MAX + 1];
	const char *who;
	size_t ul, len;
	char *pw;
	unsigned broken;
	bool owner;

	if (size < HEAD)
		return 0;
	make_policy(data, &p);
	owner = data[0] & 0x01;
	ul = data[4] % (RS_NAME_MAX + 1);
	if (ul > size - HEAD)
		ul = size - HEAD;
	memcpy(user, data + HEAD, ul);
	user[ul] = '\0';
	who = data[0] & 0x40 ? NULL : user;
	len = size - HEAD - ul;
	pw = malloc(len ? len : 1);
	if (!pw)
		return 0;
	memcpy(pw, data + HEAD + ul, len);

	broken = rs_pwrules_check(&p.password, owner, who, pw, len);
	check((broken & ~(unsigned)ALL_BITS) == 0 && !(broken & RS_PW_REUSED));
	if (len > RS_PASSWORD_MAX)
		check(broken == RS_PW_TOO_LONG);
	else if (owner)
		check_owner_rules(pw, len, broken);
	else
		check_user_rules(&p.password, who, pw, len, broken);
	check(rs_pwrules_check(unread_reset(&p.password), owner, who, pw, len) == broken);
	/* no user and an empty user name are the same */
	if (!who || !*who)
		check(rs_pwrules_check(&p.password, owner, who ? NULL : "", pw, len) == broken);

	check_describe(&p.password, broken, DESC_CAP);
	check_describe(&p.password, broken | RS_PW_REUSED, DESC_CAP);
	check_describe(&p.password, ALL_BITS, DESC_CAP);
	check_describe(&p.password, broken, 1 + data[3] % 64); /* cut short, never overrun */
	check_generate(&p.password, who, data + HEAD + ul, len);
	free(pw);
	return 0;
}
