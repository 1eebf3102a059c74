// SPDX-License-Identifier: MIT
/*
 * Unit tests for lib/pwage.c: password validity (max_password_age,
 * hard_expire, initial_password_age, password_reset_required) to the
 * second at every boundary, the merge of policyd's record with the shadow
 * entry, and the history check of password_reuse_prevention.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ramsec/policy.h"
#include "ramsec/pwage.h"

#define D  ((int64_t)RS_DAY)
#define T0 ((int64_t)1700000000) /* a set time, 2023-11-14 22:13:20 UTC */

static const char *const status_names[] = {"OK", "WARN", "CHANGE", "EXPIRED"};

static const char *status_name(enum rs_pw_status st)
{
	return (unsigned)st < 4 ? status_names[st] : "?";
}

static void make_policy(int max_age, int initial_age, bool hard, struct rs_password_policy *pp)
{
	struct rs_policy p;

	rs_policy_init_defaults(&p);
	*pp = p.password;
	pp->max_password_age = max_age;
	pp->initial_password_age = initial_age;
	pp->hard_expire = hard;
}

/* --- rs_pw_status ------------------------------------------------------- */

struct status_case {
	const char *name;
	int max_age, initial_age; /* days */
	bool hard;
	int64_t set_at;
	bool initial, reset;
	int64_t now;
	enum rs_pw_status want;
	int64_t expires_at; /* 0 = never */
	int64_t days_left;
};

/* max_password_age alone, set at T0, for hard_expire false and true. */
#define AGE(age, hard, now, want, days)                                                            \
	{                                                                                          \
#age " days, " #hard ", now " #now, age, 0, hard, T0, false, false, T0 + (now),    \
		    want, T0 + (age)*D, days                                                       \
	}

static const struct status_case status_cases[] = {
    /* never */
    {"age 0, just set", 0, 0, false, T0, false, false, T0, RS_PWS_OK, 0, 0},
    {"age 0, 3000 days on", 0, 0, false, T0, false, false, T0 + 3000 * D, RS_PWS_OK, 0, 0},
    {"age 0, hard, 3000 days on", 0, 0, true, T0, false, false, T0 + 3000 * D, RS_PWS_OK, 0, 0},
    /* 30 days */
    AGE(30, false, 0, RS_PWS_OK, 30),
    AGE(30, false, 23 * D - 1, RS_PWS_OK, 8),
    AGE(30, false, 23 * D, RS_PWS_WARN, 7),
    AGE(30, false, 23 * D + 1, RS_PWS_WARN, 7),
    AGE(30, false, 28 * D, RS_PWS_WARN, 2),
    AGE(30, false, 28 * D + 1, RS_PWS_WARN, 2),
    AGE(30, false, 29 * D - 1, RS_PWS_WARN, 2),
    AGE(30, false, 29 * D, RS_PWS_WARN, 1),
    AGE(30, false, 30 * D - 1, RS_PWS_WARN, 1),
    AGE(30, false, 30 * D, RS_PWS_CHANGE, 0),
    AGE(30, false, 30 * D + 1, RS_PWS_CHANGE, 0),
    AGE(30, false, 400 * D, RS_PWS_CHANGE, 0),
    AGE(30, true, 23 * D - 1, RS_PWS_OK, 8),
    AGE(30, true, 23 * D, RS_PWS_WARN, 7),
    AGE(30, true, 30 * D - 1, RS_PWS_WARN, 1),
    AGE(30, true, 30 * D, RS_PWS_EXPIRED, 0),
    AGE(30, true, 30 * D + 1, RS_PWS_EXPIRED, 0),
    /* 1095 days, the largest */
    AGE(1095, false, 0, RS_PWS_OK, 1095),
    AGE(1095, false, 1088 * D - 1, RS_PWS_OK, 8),
    AGE(1095, false, 1088 * D, RS_PWS_WARN, 7),
    AGE(1095, false, 1095 * D - 1, RS_PWS_WARN, 1),
    AGE(1095, false, 1095 * D, RS_PWS_CHANGE, 0),
    AGE(1095, true, 1095 * D - 1, RS_PWS_WARN, 1),
    AGE(1095, true, 1095 * D, RS_PWS_EXPIRED, 0),
    /* a clock before the set time: the whole age is left */
    AGE(30, false, -5 * D, RS_PWS_OK, 35),
    /* set time unknown: never expires by age */
    {"unknown set time", 30, 0, true, 0, false, false, T0 + 3000 * D, RS_PWS_OK, 0, 0},
    {"unknown set time, initial", 0, 14, true, 0, true, false, T0, RS_PWS_OK, 0, 0},
    /* password_reset_required */
    {"reset, age 0", 0, 0, false, T0, false, true, T0, RS_PWS_CHANGE, 0, 0},
    {"reset, unknown set time", 30, 0, true, 0, false, true, T0, RS_PWS_CHANGE, 0, 0},
    {"reset, not expired", 30, 0, false, T0, false, true, T0 + D, RS_PWS_CHANGE, T0 + 30 * D, 29},
    {"reset, not expired, hard", 30, 0, true, T0, false, true, T0 + D, RS_PWS_CHANGE, T0 + 30 * D,
     29},
    {"reset, in the warning", 30, 0, true, T0, false, true, T0 + 29 * D, RS_PWS_CHANGE, T0 + 30 * D,
     1},
    {"reset, expired", 30, 0, false, T0, false, true, T0 + 30 * D, RS_PWS_CHANGE, T0 + 30 * D, 0},
    {"reset, expired, hard", 30, 0, true, T0, false, true, T0 + 30 * D, RS_PWS_EXPIRED, T0 + 30 * D,
     0},
    /* initial_password_age */
    {"initial 14, age 0, day 7", 0, 14, false, T0, true, false, T0 + 7 * D - 1, RS_PWS_OK,
     T0 + 14 * D, 8},
    {"initial 14, age 0, 7 days left", 0, 14, false, T0, true, false, T0 + 7 * D, RS_PWS_WARN,
     T0 + 14 * D, 7},
    {"initial 14, age 0, last second", 0, 14, false, T0, true, false, T0 + 14 * D - 1, RS_PWS_WARN,
     T0 + 14 * D, 1},
    {"initial 14, age 0, expired", 0, 14, false, T0, true, false, T0 + 14 * D, RS_PWS_CHANGE,
     T0 + 14 * D, 0},
    {"initial 14, age 0, expired, hard", 0, 14, true, T0, true, false, T0 + 14 * D, RS_PWS_EXPIRED,
     T0 + 14 * D, 0},
    {"initial 14 before age 30", 30, 14, true, T0, true, false, T0 + 14 * D, RS_PWS_EXPIRED,
     T0 + 14 * D, 0},
    {"initial 14 before age 30, day 13", 30, 14, true, T0, true, false, T0 + 13 * D, RS_PWS_WARN,
     T0 + 14 * D, 1},
    {"age 10 before initial 14", 10, 14, false, T0, true, false, T0 + 10 * D, RS_PWS_CHANGE,
     T0 + 10 * D, 0},
    {"age 14 and initial 14", 14, 14, false, T0, true, false, T0 + 14 * D - 1, RS_PWS_WARN,
     T0 + 14 * D, 1},
    {"initial 90, age 0", 0, 90, false, T0, true, false, T0 + 90 * D, RS_PWS_CHANGE, T0 + 90 * D,
     0},
    {"initial 1, age 0", 0, 1, false, T0, true, false, T0 + D - 1, RS_PWS_WARN, T0 + D, 1},
    {"not initial: initial age ignored", 0, 14, true, T0, false, false, T0 + 100 * D, RS_PWS_OK, 0,
     0},
    {"not initial, age 30", 30, 14, true, T0, false, false, T0 + 14 * D, RS_PWS_OK, T0 + 30 * D,
     16},
    {"initial age 0 is off", 0, 0, true, T0, true, false, T0 + 100 * D, RS_PWS_OK, 0, 0},
    {"initial age 0 is off, age 30", 30, 0, true, T0, true, false, T0 + 14 * D, RS_PWS_OK,
     T0 + 30 * D, 16},
    {"initial and reset", 0, 14, false, T0, true, true, T0, RS_PWS_CHANGE, T0 + 14 * D, 14},
};

static void test_status(void **state)
{
	size_t bad = 0, n = sizeof(status_cases) / sizeof(status_cases[0]);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		const struct status_case *c = &status_cases[i];
		struct rs_password_policy pp;
		struct rs_pw_state s = {
		    .set_at = c->set_at, .initial = c->initial, .reset_required = c->reset};
		int64_t expires = -1, days = -1;
		enum rs_pw_status st, st2;

		make_policy(c->max_age, c->initial_age, c->hard, &pp);
		st = rs_pw_status(&pp, &s, c->now, &expires, &days);
		st2 = rs_pw_status(&pp, &s, c->now, NULL, NULL);
		if (st != c->want || st2 != c->want || expires != c->expires_at ||
		    days != c->days_left) {
			print_error("%s: %s (%s without outputs), expires %+lld, %lld days; want "
				    "%s, expires %+lld, %lld days\n",
				    c->name, status_name(st), status_name(st2),
				    (long long)(expires ? expires - T0 : 0), (long long)days,
				    status_name(c->want),
				    (long long)(c->expires_at ? c->expires_at - T0 : 0),
				    (long long)c->days_left);
			bad++;
		}
	}
	if (bad)
		fail_msg("%zu of %zu cases failed", bad, n);
}

/* days_left rounds up: any part of a day counts as a whole day. */
static void test_days_left_rounding(void **state)
{
	static const struct {
		int64_t left; /* seconds before expiry */
		int64_t days;
	} cases[] = {
	    {1, 1},	    {D - 1, 1}, {D, 1},		{D + 1, 2},   {2 * D - 1, 2}, {2 * D, 2},
	    {2 * D + 1, 3}, {7 * D, 7}, {7 * D + 1, 8}, {30 * D, 30}, {0, 0},	      {-1, 0},
	};
	struct rs_password_policy pp;
	struct rs_pw_state s = {.set_at = T0};

	(void)state;
	make_policy(30, 0, false, &pp);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t days = -1, expires = -1;

		rs_pw_status(&pp, &s, T0 + 30 * D - cases[i].left, &expires, &days);
		if (days != cases[i].days || expires != T0 + 30 * D)
			fail_msg("%lld s left: %lld days, want %lld", (long long)cases[i].left,
				 (long long)days, (long long)cases[i].days);
	}
}

/* The warning starts exactly RS_WARN_DAYS before expiry, for every age. */
static void test_warn_start(void **state)
{
	static const int ages[] = {1, 7, 8, 30, 90, 365, 1095};

	(void)state;
	assert_int_equal(RS_WARN_DAYS, 7);
	for (size_t i = 0; i < sizeof(ages) / sizeof(ages[0]); i++) {
		struct rs_password_policy pp;
		struct rs_pw_state s = {.set_at = T0};
		int64_t exp = T0 + ages[i] * D;

		make_policy(ages[i], 0, true, &pp);
		if (ages[i] > 7)
			assert_int_equal(rs_pw_status(&pp, &s, exp - 7 * D - 1, NULL, NULL),
					 RS_PWS_OK);
		else
			assert_int_equal(rs_pw_status(&pp, &s, T0, NULL, NULL), RS_PWS_WARN);
		assert_int_equal(rs_pw_status(&pp, &s, exp - 7 * D, NULL, NULL), RS_PWS_WARN);
		assert_int_equal(rs_pw_status(&pp, &s, exp - 1, NULL, NULL), RS_PWS_WARN);
		assert_int_equal(rs_pw_status(&pp, &s, exp, NULL, NULL), RS_PWS_EXPIRED);
	}
}

/* --- rs_pw_state_merge -------------------------------------------------- */

#define DAY0 ((long)19675)		 /* 2023-11-14 */
#define MID  ((int64_t)DAY0 * D + 12345) /* recorded in the middle of DAY0 */

struct merge_case {
	const char *name;
	int64_t recorded_at;
	bool initial, reset;
	long lastchg;
	int64_t want_set_at;
	bool want_initial, want_reset;
};

static const struct merge_case merge_cases[] = {
    {"shadow empty", MID, true, false, -1, MID, true, false},
    {"shadow empty, reset", MID, false, true, -1, MID, false, true},
    {"shadow empty, nothing recorded", 0, false, false, -1, 0, false, false},
    {"same day", MID, true, false, DAY0, MID, true, false},
    {"same day, not initial", MID, false, false, DAY0, MID, false, false},
    {"same day, recorded at midnight", DAY0 *D, true, false, DAY0, DAY0 *D, true, false},
    {"same day, recorded last second", DAY0 *D + D - 1, true, false, DAY0, DAY0 *D + D - 1, true,
     false},
    {"shadow a day later", MID, true, false, DAY0 + 1, (DAY0 + 1) * D, false, false},
    {"shadow a day later, last second", DAY0 *D + D - 1, true, false, DAY0 + 1, (DAY0 + 1) * D,
     false, false},
    {"shadow 100 days later", MID, true, false, DAY0 + 100, (DAY0 + 100) * D, false, false},
    {"shadow later, not initial", MID, false, false, DAY0 + 1, (DAY0 + 1) * D, false, false},
    {"shadow later, reset kept", MID, false, true, DAY0 + 2, (DAY0 + 2) * D, false, true},
    {"shadow a day earlier", MID, true, false, DAY0 - 1, MID, true, false},
    {"shadow long before", MID, true, false, 1, MID, true, false},
    {"nothing recorded, shadow day", 0, false, false, DAY0, DAY0 *D, false, false},
    {"shadow day 0", MID, false, false, 0, MID, false, true},
    {"shadow day 0, initial", MID, true, false, 0, MID, true, true},
    {"shadow day 0, nothing recorded", 0, false, false, 0, 0, false, true},
};

static void test_merge(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(merge_cases) / sizeof(merge_cases[0]); i++) {
		const struct merge_case *c = &merge_cases[i];
		struct rs_pw_state s;

		memset(&s, 0xa5, sizeof(s));
		rs_pw_state_merge(c->recorded_at, c->initial, c->reset, c->lastchg, &s);
		if (s.set_at != c->want_set_at || s.initial != c->want_initial ||
		    s.reset_required != c->want_reset)
			fail_msg("%s: set_at %lld initial %d reset %d; want %lld %d %d", c->name,
				 (long long)s.set_at, s.initial, s.reset_required,
				 (long long)c->want_set_at, c->want_initial, c->want_reset);
	}
}

/* Merge then status: what the user sees after changes inside and outside
 * ramsec (policy: initial_password_age 14, max_password_age 0, hard). */
static void test_merge_then_status(void **state)
{
	static const struct {
		const char *name;
		long lastchg;
		int64_t now;
		enum rs_pw_status want;
	} cases[] = {
	    {"admin reset, no change", DAY0, MID + 14 * D, RS_PWS_EXPIRED},
	    {"admin reset, 13 days", DAY0, MID + 13 * D, RS_PWS_WARN},
	    {"changed with passwd next day", DAY0 + 1, MID + 100 * D, RS_PWS_OK},
	    {"chage -d 0", 0, MID + D, RS_PWS_CHANGE},
	    {"chage -d 0, past initial age", 0, MID + 14 * D, RS_PWS_EXPIRED},
	    {"empty field", -1, MID + 14 * D, RS_PWS_EXPIRED},
	};
	struct rs_password_policy pp;

	(void)state;
	make_policy(0, 14, true, &pp);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rs_pw_state s;
		enum rs_pw_status st;

		rs_pw_state_merge(MID, true, false, cases[i].lastchg, &s);
		st = rs_pw_status(&pp, &s, cases[i].now, NULL, NULL);
		if (st != cases[i].want)
			fail_msg("%s: %s, want %s", cases[i].name, status_name(st),
				 status_name(cases[i].want));
	}
}

/* --- rs_history_contains ------------------------------------------------ */

#define HASH_LEN 64

/* 25 distinct hash-like strings; the 25th is past the newest 24. */
static char hashes[RS_HISTORY_MAX + 1][HASH_LEN];

static void make_hashes(void)
{
	for (int i = 0; i <= RS_HISTORY_MAX; i++)
		snprintf(hashes[i], HASH_LEN, "$y$j9T$salt%02d$hashvalue%02dxyzxyzxyzxyz", i, i);
}

static void test_history(void **state)
{
	static const struct {
		const char *name;
		size_t n;	/* entries compared */
		int match;	/* index of the hash looked for, -1: a foreign one */
		unsigned nulls; /* bit i: entry i is NULL */
		bool want;
	} cases[] = {
	    {"n 0, match past n", 0, 0, 0, false},
	    {"n 1, match", 1, 0, 0, true},
	    {"n 1, none", 1, -1, 0, false},
	    {"n 1, match past n", 1, 1, 0, false},
	    {"n 1, NULL", 1, 0, 1u << 0, false},
	    {"n 24, first", 24, 0, 0, true},
	    {"n 24, middle", 24, 11, 0, true},
	    {"n 24, last", 24, 23, 0, true},
	    {"n 24, none", 24, -1, 0, false},
	    {"n 24, 25th not compared", 24, 24, 0, false},
	    {"n 24, NULLs before the match", 24, 23, 0x00ffffu >> 1, true},
	    {"n 24, NULLs around the match", 24, 5, 0xffffdfu, true},
	    {"n 24, the match is NULL", 24, 5, 1u << 5, false},
	    {"n 24, all NULL", 24, 3, 0xffffffu, false},
	};
	const char *entries[RS_HISTORY_MAX + 1];

	(void)state;
	make_hashes();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char computed[HASH_LEN];
		bool got;

		for (int e = 0; e <= RS_HISTORY_MAX; e++)
			entries[e] = cases[i].nulls & (1u << e) ? NULL : hashes[e];
		if (cases[i].match < 0)
			snprintf(computed, sizeof(computed), "$y$j9T$saltXX$hashvalueXX");
		else
			memcpy(computed, hashes[cases[i].match], HASH_LEN);
		got = rs_history_contains(computed, entries, cases[i].n);
		if (got != cases[i].want)
			fail_msg("%s: %d, want %d", cases[i].name, got, cases[i].want);
	}
}

/* Only the whole string matches: no prefix, no extension, no last-byte
 * difference, in either direction. */
static void test_history_exact(void **state)
{
	static const struct {
		const char *computed, *entry;
		bool want;
	} cases[] = {
	    {"$6$salt$abcdef", "$6$salt$abcdef", true},
	    {"$6$salt$abcde", "$6$salt$abcdef", false},
	    {"$6$salt$abcdef", "$6$salt$abcde", false},
	    {"$6$salt$abcdeg", "$6$salt$abcdef", false},
	    {"$6$salt$Abcdef", "$6$salt$abcdef", false},
	    {"", "$6$salt$abcdef", false},
	    {"$6$salt$abcdef", "", false},
	    {"$", "$6$salt$abcdef", false},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *entries[3] = {"$6$other$1", cases[i].entry, "$6$other$2"};

		if (rs_history_contains(cases[i].computed, entries, 3) != cases[i].want)
			fail_msg("\"%s\" in [\"%s\"]: want %d", cases[i].computed, cases[i].entry,
				 cases[i].want);
	}
}

int main(void)
{
	const struct CMUnitTest status[] = {
	    cmocka_unit_test(test_status),
	    cmocka_unit_test(test_days_left_rounding),
	    cmocka_unit_test(test_warn_start),
	};
	const struct CMUnitTest merge[] = {
	    cmocka_unit_test(test_merge),
	    cmocka_unit_test(test_merge_then_status),
	};
	const struct CMUnitTest history[] = {
	    cmocka_unit_test(test_history),
	    cmocka_unit_test(test_history_exact),
	};
	int failed = 0;

	failed += cmocka_run_group_tests_name("pwage_status", status, NULL, NULL);
	failed += cmocka_run_group_tests_name("pwage_merge", merge, NULL, NULL);
	failed += cmocka_run_group_tests_name("pwage_history", history, NULL, NULL);
	return failed ? 1 : 0;
}
