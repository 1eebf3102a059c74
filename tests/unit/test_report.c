// SPDX-License-Identifier: MIT
/*
 * Unit tests for lib/report.c: the password strength classes at each
 * boundary and the security score, every deduction alone exactly as
 * include/ramsec/report.h documents it, then together clamped at 0.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ramsec/report.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* --- password strength -------------------------------------------------------- */

struct strength_case {
	int len;
	bool lower, upper, num, sym;
	int reuse;
	enum rs_strength want;
};

static const struct strength_case strength_cases[] = {
    /* high: 12+ characters, 3+ classes, reuse prevention 3+ */
    {12, true, true, true, false, 3, RS_STRENGTH_HIGH},
    {12, false, true, true, true, 3, RS_STRENGTH_HIGH},
    {12, true, false, true, true, 3, RS_STRENGTH_HIGH},
    {12, true, true, false, true, 3, RS_STRENGTH_HIGH},
    {32, true, true, true, true, 24, RS_STRENGTH_HIGH},
    /* one short of high on each axis: mid (10+ or 2+ classes) */
    {11, true, true, true, false, 3, RS_STRENGTH_MID},
    {12, true, true, false, false, 3, RS_STRENGTH_MID},
    {12, true, true, true, false, 2, RS_STRENGTH_MID},
    {12, true, true, true, true, 0, RS_STRENGTH_MID},
    /* mid by length alone (no class) */
    {10, false, false, false, false, 0, RS_STRENGTH_MID},
    {32, false, false, false, false, 24, RS_STRENGTH_MID},
    /* mid by classes alone (short) */
    {8, true, true, false, false, 0, RS_STRENGTH_MID},
    {9, false, false, true, true, 0, RS_STRENGTH_MID},
    {8, true, true, true, true, 24, RS_STRENGTH_MID},
    /* low: under 10 and under 2 classes */
    {9, false, false, false, false, 0, RS_STRENGTH_LOW},
    {9, true, false, false, false, 24, RS_STRENGTH_LOW},
    {9, false, false, false, true, 3, RS_STRENGTH_LOW},
    {8, false, false, false, false, 0, RS_STRENGTH_LOW},
};

static void test_password_strength(void **state)
{
	(void)state;
	for (size_t i = 0; i < NELEM(strength_cases); i++) {
		const struct strength_case *c = &strength_cases[i];
		struct rs_policy p;
		enum rs_strength got;

		rs_policy_init_defaults(&p);
		p.password.minimum_password_length = c->len;
		p.password.require_lowercase_characters = c->lower;
		p.password.require_uppercase_characters = c->upper;
		p.password.require_numbers = c->num;
		p.password.require_symbols = c->sym;
		p.password.password_reuse_prevention = c->reuse;
		got = rs_password_strength(&p.password);
		if (got != c->want)
			fail_msg("case %zu (len %d, classes %d%d%d%d, reuse %d): got %s, want %s",
				 i, c->len, c->lower, c->upper, c->num, c->sym, c->reuse,
				 rs_strength_name(got), rs_strength_name(c->want));
	}
}

static void test_defaults_are_low(void **state)
{
	struct rs_policy p;

	(void)state;
	rs_policy_init_defaults(&p); /* length 8, no class, no reuse prevention */
	assert_int_equal(rs_password_strength(&p.password), RS_STRENGTH_LOW);
}

static void test_strength_name(void **state)
{
	(void)state;
	assert_string_equal(rs_strength_name(RS_STRENGTH_HIGH), "high");
	assert_string_equal(rs_strength_name(RS_STRENGTH_MID), "mid");
	assert_string_equal(rs_strength_name(RS_STRENGTH_LOW), "low");
}

/* --- score -------------------------------------------------------------------- */

enum pw { PW_HIGH, PW_MID, PW_LOW };

struct score_case {
	const char *name;
	enum pw pw;
	bool masks;
	int attempts;
	struct rs_report_counts c;
	int want;
};

/* The best counts: every user and root with MFA, nothing else to report. */
#define GOOD .users = 2, .users_mfa = 2, .root_mfa = true

static const struct score_case score_cases[] = {
    {"best case", PW_HIGH, true, 5, {GOOD}, 100},
    {"no governed user", PW_HIGH, true, 5, {.root_mfa = true}, 100},
    {"locked users cost nothing", PW_HIGH, true, 5, {GOOD, .users_locked = 2}, 100},
    {"max_login_attempts 1", PW_HIGH, true, 1, {GOOD}, 100},
    /* 25 x share without MFA, integer division */
    {"1 of 2 without MFA", PW_HIGH, true, 5, {.users = 2, .users_mfa = 1, .root_mfa = true}, 88},
    {"1 of 3 without MFA", PW_HIGH, true, 5, {.users = 3, .users_mfa = 2, .root_mfa = true}, 92},
    {"2 of 3 without MFA", PW_HIGH, true, 5, {.users = 3, .users_mfa = 1, .root_mfa = true}, 84},
    {"1 of 4 without MFA", PW_HIGH, true, 5, {.users = 4, .users_mfa = 3, .root_mfa = true}, 94},
    {"1 of 26 without MFA",
     PW_HIGH,
     true,
     5,
     {.users = 26, .users_mfa = 25, .root_mfa = true},
     100},
    {"2 of 2 without MFA", PW_HIGH, true, 5, {.users = 2, .root_mfa = true}, 75},
    {"1 of 1 without MFA", PW_HIGH, true, 5, {.users = 1, .root_mfa = true}, 75},
    /* password strength */
    {"strength mid", PW_MID, true, 5, {GOOD}, 90},
    {"strength low", PW_LOW, true, 5, {GOOD}, 80},
    /* the policy */
    {"masks unset", PW_HIGH, false, 5, {GOOD}, 85},
    {"max_login_attempts 0", PW_HIGH, true, 0, {GOOD}, 85},
    /* root */
    {"root without MFA", PW_HIGH, true, 5, {.users = 2, .users_mfa = 2}, 90},
    {"root 1 key", PW_HIGH, true, 5, {GOOD, .root_keys = 1}, 90},
    {"root 2 keys (once)", PW_HIGH, true, 5, {GOOD, .root_keys = 2}, 90},
    /* users' keys and passwords, each at most once */
    {"unused key", PW_HIGH, true, 5, {GOOD, .users_unused_keys = 1}, 95},
    {"unused keys x2", PW_HIGH, true, 5, {GOOD, .users_unused_keys = 2}, 95},
    {"old key", PW_HIGH, true, 5, {GOOD, .users_old_keys = 1}, 95},
    {"old keys x2", PW_HIGH, true, 5, {GOOD, .users_old_keys = 2}, 95},
    {"expired", PW_HIGH, true, 5, {GOOD, .users_expired = 1}, 95},
    {"expired x2", PW_HIGH, true, 5, {GOOD, .users_expired = 2}, 95},
    {"break-glass", PW_HIGH, true, 5, {GOOD, .break_glass_30d = 1}, 95},
    {"break-glass x7", PW_HIGH, true, 5, {GOOD, .break_glass_30d = 7}, 95},
    /* together */
    {"mid + masks + root MFA + unused + 1/3",
     PW_MID,
     false,
     5,
     {.users = 3, .users_mfa = 2, .users_unused_keys = 1},
     100 - 8 - 10 - 15 - 10 - 5},
    {"exactly 0", PW_LOW, false, 0, {.users = 2, .root_keys = 1, .users_unused_keys = 1}, 0},
    {"all at once, clamped at 0",
     PW_LOW,
     false,
     0,
     {.users = 3,
      .users_unused_keys = 3,
      .users_old_keys = 3,
      .users_expired = 3,
      .users_locked = 3,
      .root_keys = 2,
      .break_glass_30d = 1},
     0},
    {"all but the MFA share, clamped at 0",
     PW_LOW,
     false,
     0,
     {.users = 2,
      .users_mfa = 1,
      .users_unused_keys = 1,
      .users_old_keys = 1,
      .users_expired = 1,
      .root_keys = 1,
      .break_glass_30d = 1},
     0},
};

static void set_policy(struct rs_policy *p, const struct score_case *c)
{
	char reason[128];

	rs_policy_init_defaults(p);
	p->password.minimum_password_length = c->pw == PW_HIGH ? 12 : c->pw == PW_MID ? 10 : 8;
	p->password.require_lowercase_characters = c->pw == PW_HIGH;
	p->password.require_uppercase_characters = c->pw == PW_HIGH;
	p->password.require_numbers = c->pw == PW_HIGH;
	p->password.password_reuse_prevention = c->pw == PW_HIGH ? 3 : 0;
	p->password.max_login_attempts = c->attempts;
	if (c->masks)
		assert_int_equal(rs_policy_set_masks(
				     p->pref.login_network_masks_text, &p->pref.login_network_masks,
				     "10.0.0.0/8;192.168.1.0/24", reason, sizeof(reason)),
				 0);
	else
		assert_int_equal(p->pref.login_network_masks.n, 0);
	assert_int_equal(rs_password_strength(&p->password), c->pw == PW_HIGH  ? RS_STRENGTH_HIGH
							     : c->pw == PW_MID ? RS_STRENGTH_MID
									       : RS_STRENGTH_LOW);
}

static void test_score(void **state)
{
	(void)state;
	for (size_t i = 0; i < NELEM(score_cases); i++) {
		const struct score_case *c = &score_cases[i];
		struct rs_policy p;
		int got;

		set_policy(&p, c);
		got = rs_report_score(&p, &c->c);
		if (got != c->want)
			fail_msg("%s: score %d, want %d", c->name, got, c->want);
	}
}

static void test_score_defaults(void **state)
{
	struct rs_policy p;
	struct rs_report_counts c = {0};

	(void)state;
	/* defaults: low strength 20, masks unset 15, attempts 0 15, no root MFA 10 */
	rs_policy_init_defaults(&p);
	assert_int_equal(rs_report_score(&p, &c), 100 - 20 - 15 - 15 - 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_password_strength), cmocka_unit_test(test_defaults_are_low),
	    cmocka_unit_test(test_strength_name),     cmocka_unit_test(test_score),
	    cmocka_unit_test(test_score_defaults),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
