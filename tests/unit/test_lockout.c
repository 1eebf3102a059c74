// SPDX-License-Identifier: MIT
/*
 * Unit tests for lib/lockout.c: the sliding hour at its edges, the lock's
 * exact length, max_login_attempts 0, 1 and 32, the clock stepped back
 * (nobody is ever unlocked early), and the failure list's text form.
 */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ramsec/lockout.h"
#include "ramsec/policy.h"

#define T	 INT64_C(1700000000) /* some time in 2023 */
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static void assert_ascending(const struct rs_lock_state *s)
{
	assert_true(s->nfail <= RS_FAIL_MAX);
	for (uint32_t i = 1; i < s->nfail; i++)
		assert_true(s->fail[i - 1] <= s->fail[i]);
}

/* --- the window ----------------------------------------------------------- */

static void test_window_edges(void **state)
{
	struct rs_lock_state s = {0};

	(void)state;
	assert_int_equal(rs_lock_window_end(&s), 0);

	/* t and t + 3599: both count, two attempts lock */
	assert_false(rs_lock_record_failure(&s, T, 2));
	assert_true(rs_lock_window_end(&s) == T + RS_LOCK_WINDOW);
	assert_true(rs_lock_record_failure(&s, T + 3599, 2));
	assert_int_equal(s.nfail, 2);

	/* t and t + 3600: the first has left */
	rs_lock_clear(&s);
	assert_false(rs_lock_record_failure(&s, T, 2));
	assert_false(rs_lock_record_failure(&s, T + 3600, 2));
	assert_int_equal(s.nfail, 1);
	assert_true(s.fail[0] == T + 3600);
	assert_false(rs_lock_is_locked(&s, T + 3600, NULL));

	/* prune at the edges */
	rs_lock_clear(&s);
	rs_lock_record_failure(&s, T, 0);
	rs_lock_record_failure(&s, T + 3599, 0);
	rs_lock_prune(&s, T + 3599);
	assert_int_equal(s.nfail, 2);
	rs_lock_prune(&s, T + 3600);
	assert_int_equal(s.nfail, 1);
	assert_true(s.fail[0] == T + 3599);
	assert_true(rs_lock_window_end(&s) == T + 3599 + RS_LOCK_WINDOW);
	rs_lock_prune(&s, T + 3599 + 3599);
	assert_int_equal(s.nfail, 1);
	rs_lock_prune(&s, T + 3599 + 3600);
	assert_int_equal(s.nfail, 0);
	assert_int_equal(rs_lock_window_end(&s), 0);
}

static void test_lock_duration(void **state)
{
	struct rs_lock_state s = {0};
	int64_t left = -1;

	(void)state;
	assert_false(rs_lock_record_failure(&s, T, 3));
	assert_false(rs_lock_is_locked(&s, T, &left));
	assert_int_equal(left, 0);
	assert_false(rs_lock_record_failure(&s, T + 100, 3));
	assert_true(rs_lock_record_failure(&s, T + 200, 3));
	/* an hour from the Nth failure; the failures stay counted */
	assert_true(s.locked_until == T + 200 + RS_LOCK_DURATION);
	assert_int_equal(s.nfail, 3);
	assert_true(rs_lock_is_locked(&s, T + 200, &left));
	assert_int_equal(left, 3600);
	assert_int_equal(rs_lock_minutes(left), 60);
	assert_true(rs_lock_is_locked(&s, s.locked_until - 1, &left));
	assert_int_equal(left, 1);
	assert_int_equal(rs_lock_minutes(left), 1);
	assert_true(rs_lock_is_locked(&s, s.locked_until - 1, NULL));
	assert_false(rs_lock_is_locked(&s, s.locked_until, &left));
	assert_int_equal(left, 0);
	assert_false(rs_lock_is_locked(&s, s.locked_until + 1, &left));

	/* once the lock is over, so are the failures that caused it */
	assert_false(rs_lock_record_failure(&s, T + 200 + RS_LOCK_DURATION, 3));
	assert_int_equal(s.nfail, 1);
	assert_false(rs_lock_is_locked(&s, T + 200 + RS_LOCK_DURATION, NULL));
}

/* --- max_login_attempts ------------------------------------------------------ */

static const int attempts_cases[] = {0, 1, 2, 5, 31, RS_MAX_LOGIN_ATTEMPTS_MAX};

static void test_max_attempts(void **state)
{
	(void)state;
	assert_int_equal(RS_FAIL_MAX, RS_MAX_LOGIN_ATTEMPTS_MAX);
	for (size_t c = 0; c < NELEM(attempts_cases); c++) {
		int max = attempts_cases[c];
		struct rs_lock_state s = {0};

		/* failures a second apart, all in one window */
		for (int i = 1; i <= (max ? max : 100); i++) {
			bool locked = rs_lock_record_failure(&s, T + i, max);

			if (locked != (max > 0 && i == max))
				fail_msg("max_attempts %d: failure %d returned %d", max, i, locked);
			assert_int_equal(rs_lock_is_locked(&s, T + i, NULL), locked);
			if (locked)
				assert_true(s.locked_until == T + i + RS_LOCK_DURATION);
		}
		if (max == 0)
			assert_int_equal(s.locked_until, 0);
		assert_ascending(&s);
	}
}

static void test_keeps_newest_32(void **state)
{
	struct rs_lock_state s = {0};

	(void)state;
	for (int i = 0; i < 40; i++)
		assert_false(rs_lock_record_failure(&s, T + i, 0));
	assert_int_equal(s.nfail, RS_FAIL_MAX);
	for (int i = 0; i < RS_FAIL_MAX; i++)
		assert_true(s.fail[i] == T + 8 + i);
	assert_true(rs_lock_window_end(&s) == T + 8 + RS_LOCK_WINDOW);
	/* 32 counted failures lock at 32 */
	assert_true(rs_lock_record_failure(&s, T + 40, RS_FAIL_MAX));
	assert_int_equal(s.nfail, RS_FAIL_MAX);
	assert_true(s.fail[RS_FAIL_MAX - 1] == T + 40);
}

/* --- the clock stepped back ---------------------------------------------------- */

static void test_clock_back(void **state)
{
	struct rs_lock_state s = {0};
	int64_t left;

	(void)state;
	/* a failure stamped in the future stays counted and fail[] ascending */
	rs_lock_record_failure(&s, T, 0);
	rs_lock_record_failure(&s, T - 1000, 0);
	assert_int_equal(s.nfail, 2);
	assert_ascending(&s);
	rs_lock_prune(&s, T - 1000);
	assert_int_equal(s.nfail, 2);
	rs_lock_prune(&s, T - 100000);
	assert_int_equal(s.nfail, 2);

	/* those failures still lock: an hour from the Nth failure, now */
	assert_true(rs_lock_record_failure(&s, T - 5000, 3));
	assert_true(s.locked_until == T - 5000 + RS_LOCK_DURATION);
	assert_ascending(&s);

	/* a lock never ends early when now goes backwards */
	rs_lock_clear(&s);
	assert_true(rs_lock_record_failure(&s, T, 1));
	assert_true(s.locked_until == T + RS_LOCK_DURATION);
	assert_true(rs_lock_is_locked(&s, T - 1, &left));
	assert_true(left == RS_LOCK_DURATION + 1);
	assert_true(rs_lock_is_locked(&s, T - 86400, NULL));
	assert_true(rs_lock_is_locked(&s, 0, NULL));
	/* a failure recorded with the clock a day behind does not shorten it */
	assert_true(rs_lock_record_failure(&s, T - 86400, 1));
	assert_true(s.locked_until == T + RS_LOCK_DURATION);
	assert_true(rs_lock_is_locked(&s, T + RS_LOCK_DURATION - 1, NULL));
	assert_false(rs_lock_is_locked(&s, T + RS_LOCK_DURATION, NULL));
	assert_ascending(&s);
}

/* A random walk of the clock, forwards and back: fail[] stays ascending and
 * bounded, and a lock's end never moves earlier. */
static void test_clock_random_walk(void **state)
{
	uint64_t x = 0x2545f4914f6cdd1dull;
	struct rs_lock_state s = {0};
	int64_t now = T;
	int locks = 0;

	(void)state;
	for (int i = 0; i < 100000; i++) {
		int64_t before = s.locked_until;
		int max = (int)(i / 1000 % 33);
		bool was_locked;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		now += (int64_t)(x % 2000) - (x % 20 == 0 ? 5000 : 800);
		if (x % 97 == 0)
			rs_lock_clear(&s);
		was_locked = rs_lock_is_locked(&s, now, NULL);
		locks += rs_lock_record_failure(&s, now, max) && !was_locked;
		assert_ascending(&s);
		if (x % 97 != 0)
			assert_true(s.locked_until >= before);
		if (was_locked && x % 97 != 0)
			assert_true(rs_lock_is_locked(&s, now, NULL));
	}
	print_message("%d locks, clock ended %+" PRId64 " s from the start\n", locks, now - T);
	assert_true(locks > 100);
}

/* The self-service cap: 5 of the user's own wrong secrets in 5 minutes,
 * whatever the lock, and only the user's own. */
static void test_self_capped(void **state)
{
	struct rs_lock_state s = {0};
	int64_t left;

	(void)state;
	for (int i = 0; i < RS_SELF_MAX - 1; i++) {
		rs_lock_record_self(&s, T + 60 * i);
		assert_false(rs_lock_self_capped(&s, T + 60 * i, &left));
		assert_int_equal(left, 0);
	}
	/* the 5th within the window: capped until the 1st is 5 minutes old */
	rs_lock_record_self(&s, T + 240);
	assert_true(rs_lock_self_capped(&s, T + 240, &left));
	assert_int_equal(left, 60);
	assert_true(rs_lock_self_capped(&s, T + 299, &left));
	assert_int_equal(left, 1);
	assert_false(rs_lock_self_capped(&s, T + 300, &left)); /* the 1st left */
	assert_true(s.locked_until == 0);		       /* and no lock */
	/* spread out (76 s apart): never 5 in 5 minutes */
	memset(&s, 0, sizeof(s));
	for (int i = 0; i < 20; i++) {
		rs_lock_record_self(&s, T + 76 * i);
		assert_false(rs_lock_self_capped(&s, T + 76 * i, NULL));
	}
	/* the clock stepped back an hour: the recent failures still count */
	memset(&s, 0, sizeof(s));
	for (int i = 0; i < RS_SELF_MAX; i++)
		rs_lock_record_self(&s, T + i);
	assert_true(rs_lock_self_capped(&s, T - 3600, &left));
	assert_true(left > 0);
	/* anyone's wrong logons never close it on the user */
	memset(&s, 0, sizeof(s));
	for (int i = 0; i < 30; i++)
		rs_lock_record_failure(&s, T + i, 0);
	assert_false(rs_lock_self_capped(&s, T + 30, NULL));
	assert_int_equal(s.nfail, 30);
	/* an empty record is never capped */
	memset(&s, 0, sizeof(s));
	assert_false(rs_lock_self_capped(&s, T, NULL));
}

/* A right password that goes on to the code: counted, not locking; a
 * wrong code then locks at the limit. */
static void test_note_then_enforce(void **state)
{
	struct rs_lock_state s = {0};

	(void)state;
	rs_lock_record_failure(&s, T, 3);
	rs_lock_record_failure(&s, T + 1, 3);
	rs_lock_note_failure(&s, T + 2); /* the 3rd: no lock yet */
	assert_int_equal(s.nfail, 3);
	assert_false(rs_lock_is_locked(&s, T + 2, NULL));
	assert_true(rs_lock_enforce(&s, T + 3, 3)); /* a wrong code: locked */
	assert_true(s.locked_until == T + 3 + RS_LOCK_DURATION);
	memset(&s, 0, sizeof(s));
	rs_lock_note_failure(&s, T);
	assert_false(rs_lock_enforce(&s, T + 1, 3));
	assert_false(rs_lock_enforce(&s, T + 1, 0)); /* 0: never */
}

static void test_clear(void **state)
{
	struct rs_lock_state s = {0}, zero = {0};

	(void)state;
	for (int i = 0; i < 5; i++)
		rs_lock_record_failure(&s, T + i, 5);
	assert_true(rs_lock_is_locked(&s, T + 5, NULL));
	rs_lock_clear(&s);
	assert_memory_equal(&s, &zero, sizeof(s));
	assert_false(rs_lock_is_locked(&s, T + 5, NULL));
	assert_int_equal(rs_lock_window_end(&s), 0);
	/* a fresh count afterwards */
	for (int i = 0; i < 4; i++)
		assert_false(rs_lock_record_failure(&s, T + 10 + i, 5));
}

/* --- minutes for the message --------------------------------------------------- */

static const struct {
	int64_t seconds, minutes;
} minutes_cases[] = {
    {1, 1},	{59, 1},    {60, 1},	{61, 2},    {119, 2}, {120, 2}, {121, 3},   {1800, 30},
    {3540, 59}, {3541, 60}, {3599, 60}, {3600, 60}, {0, 0},   {-1, 0},	{-3600, 0},
};

static void test_minutes(void **state)
{
	int64_t prev = 1;

	(void)state;
	for (size_t i = 0; i < NELEM(minutes_cases); i++)
		if (rs_lock_minutes(minutes_cases[i].seconds) != minutes_cases[i].minutes)
			fail_msg("rs_lock_minutes(%" PRId64 ") = %" PRId64 ", want %" PRId64,
				 minutes_cases[i].seconds,
				 rs_lock_minutes(minutes_cases[i].seconds),
				 minutes_cases[i].minutes);
	/* every second of a lock: 1..60, never decreasing, never 0 */
	for (int64_t sec = 1; sec <= RS_LOCK_DURATION; sec++) {
		int64_t m = rs_lock_minutes(sec);

		assert_true(m >= 1 && m <= 60 && m >= prev);
		assert_true(m * 60 >= sec && (m - 1) * 60 < sec);
		prev = m;
	}
}

/* --- text form ------------------------------------------------------------------- */

static void round_trip(const struct rs_lock_state *s, const char *want)
{
	char buf[RS_FAIL_TEXT_MAX + 1];
	struct rs_lock_state back;

	memset(buf, '#', sizeof(buf));
	rs_lock_fail_format(s, buf, sizeof(buf));
	assert_true(memchr(buf, '\0', sizeof(buf)) != NULL);
	if (want)
		assert_string_equal(buf, want);
	memset(&back, 0xa5, sizeof(back));
	assert_int_equal(rs_lock_fail_parse(buf, &back), 0);
	assert_int_equal(back.nfail, s->nfail);
	assert_memory_equal(back.fail, s->fail, s->nfail * sizeof(s->fail[0]));
	assert_int_equal(back.nself, s->nself);
	assert_memory_equal(back.self, s->self, s->nself * sizeof(s->self[0]));
}

static void test_format_parse(void **state)
{
	struct rs_lock_state s = {0};

	(void)state;
	/* no failures: "" (the store writes it for every user without any) */
	round_trip(&s, "");
	rs_lock_record_failure(&s, T, 0);
	round_trip(&s, "1700000000");
	rs_lock_record_failure(&s, T + 1, 0);
	rs_lock_record_failure(&s, T - 5, 0); /* clock back: stamped T + 1 */
	round_trip(&s, "1700000000,1700000001,1700000001");

	/* 32 entries with 64-bit times, up to the largest */
	s.nfail = RS_FAIL_MAX;
	for (int i = 0; i < RS_FAIL_MAX; i++)
		s.fail[i] = INT64_MAX - (RS_FAIL_MAX - 1) + i;
	round_trip(&s, NULL);
	for (int i = 0; i < RS_FAIL_MAX; i++)
		s.fail[i] = INT64_MAX;
	round_trip(&s, NULL);
	for (int i = 0; i < RS_FAIL_MAX; i++)
		s.fail[i] = (INT64_C(1) << 40) + i * INT64_C(1000000007);
	round_trip(&s, NULL);
	for (int i = 0; i < RS_FAIL_MAX; i++)
		s.fail[i] = 0;
	round_trip(&s, NULL);

	/* the self-service window after a ';', also with the largest times */
	memset(&s, 0, sizeof(s));
	rs_lock_record_self(&s, T);
	round_trip(&s, ";1700000000");
	rs_lock_record_failure(&s, T, 0);
	rs_lock_record_self(&s, T + 2);
	round_trip(&s, "1700000000;1700000000,1700000002");
	s.nfail = RS_FAIL_MAX;
	s.nself = RS_SELF_MAX;
	for (int i = 0; i < RS_FAIL_MAX; i++)
		s.fail[i] = INT64_MAX;
	for (int i = 0; i < RS_SELF_MAX; i++)
		s.self[i] = INT64_MAX;
	round_trip(&s, NULL);

	/* a buffer of 0 bytes is not written */
	{
		char c = '#';

		rs_lock_fail_format(&s, &c, 0);
		assert_int_equal(c, '#');
	}
}

struct parse_case {
	const char *text;
	int rc;
	uint32_t nfail;
};

static const struct parse_case parse_cases[] = {
    /* "" is the empty list: rs_lock_fail_format writes it for a user without
     * failures and policyd's store parses it back on every read */
    {"", 0, 0},
    {"0", 0, 1},
    {"1,1", 0, 2},
    {"0,9223372036854775807", 0, 2},
    {"1,", -EINVAL, 0},
    {",1", -EINVAL, 0},
    {",", -EINVAL, 0},
    {"1,,2", -EINVAL, 0},
    {"a", -EINVAL, 0},
    {"1a", -EINVAL, 0},
    {"1,a", -EINVAL, 0},
    {"-1", -EINVAL, 0},
    {"1,-1", -EINVAL, 0},
    {"+1", -EINVAL, 0},
    {"2,1", -EINVAL, 0},
    {"1,3,2", -EINVAL, 0},
    {"99999999999999999999", -EINVAL, 0},
    {"9223372036854775808", -EINVAL, 0},
    {"1,99999999999999999999", -EINVAL, 0},
    {" 1", -EINVAL, 0},
    {"1 ", -EINVAL, 0},
    {"1, 2", -EINVAL, 0},
    {"1 ,2", -EINVAL, 0},
    {"1\n", -EINVAL, 0},
    {"1;", -EINVAL, 0},
    {";2", 0, 0},
    {"1;2,2", 0, 1},
    {";", -EINVAL, 0},
    {"1;2;3", -EINVAL, 0},
    {"1;1,2,3,4,5,6", -EINVAL, 0},
    {"1;2,1", -EINVAL, 0},
    {"1.5", -EINVAL, 0},
    {"0x10", -EINVAL, 0},
    {"\xef\xbc\x91", -EINVAL, 0}, /* fullwidth digit one */
};

static void test_parse(void **state)
{
	struct rs_lock_state s, before;

	(void)state;
	for (size_t i = 0; i < NELEM(parse_cases); i++) {
		const struct parse_case *c = &parse_cases[i];
		int rc;

		memset(&s, 0x5a, sizeof(s));
		before = s;
		rc = rs_lock_fail_parse(c->text, &s);
		if (rc != c->rc)
			fail_msg("rs_lock_fail_parse(\"%s\") = %d, want %d", c->text, rc, c->rc);
		if (rc < 0)
			assert_memory_equal(&s, &before, sizeof(s)); /* nothing written */
		else
			assert_int_equal(s.nfail, c->nfail);
	}
}

/* 32 entries parse, 33 do not (and nothing is written). */
/* Checks counted before they run: the window fills with checks in flight,
 * and taking one back leaves the others (and a lock) as they were. */
static void test_reserved_checks(void **state)
{
	struct rs_lock_state s = {0};
	int64_t t0 = 1000000, noted[5];

	(void)state;
	for (int i = 0; i < 5; i++) {
		assert_false(rs_lock_full(&s, t0 + i, 5));
		rs_lock_note_failure(&s, t0 + i);
		noted[i] = rs_lock_last(&s);
		assert_int_equal(noted[i], t0 + i);
	}
	assert_true(rs_lock_full(&s, t0 + 5, 5));		/* no sixth check */
	assert_false(rs_lock_full(&s, t0 + 5, 0));		/* no limit: never full */
	assert_false(rs_lock_is_locked(&s, t0 + 5, NULL));	/* full is not locked */
	assert_false(rs_lock_full(&s, t0 + RS_LOCK_WINDOW, 5)); /* the oldest left */
	rs_lock_unnote(&s, noted[2]);
	assert_int_equal(s.nfail, 4);
	assert_int_equal(s.fail[2], t0 + 3);
	assert_false(rs_lock_full(&s, t0 + 5, 5));
	rs_lock_unnote(&s, 42); /* not there: nothing */
	assert_int_equal(s.nfail, 4);
	/* the clock stepped back: the note is stamped with the newest time */
	rs_lock_note_failure(&s, t0 - 100);
	assert_int_equal(rs_lock_last(&s), t0 + 4);
	rs_lock_unnote(&s, rs_lock_last(&s));
	assert_int_equal(s.nfail, 4);
	assert_true(rs_lock_enforce(&s, t0 + 6, 4));
	rs_lock_unnote(&s, noted[4]);
	assert_true(rs_lock_is_locked(&s, t0 + 6, NULL)); /* a lock stays */
	rs_lock_clear(&s);
	assert_int_equal(rs_lock_last(&s), 0);
}

static void test_parse_count(void **state)
{
	char text[40 * 12];
	struct rs_lock_state s, before;
	size_t pos = 0;

	(void)state;
	for (int i = 0; i < RS_FAIL_MAX; i++)
		pos += (size_t)snprintf(text + pos, sizeof(text) - pos, "%s%d", i ? "," : "",
					1000 + i);
	assert_int_equal(rs_lock_fail_parse(text, &s), 0);
	assert_int_equal(s.nfail, RS_FAIL_MAX);
	assert_true(s.fail[RS_FAIL_MAX - 1] == 1000 + RS_FAIL_MAX - 1);
	snprintf(text + pos, sizeof(text) - pos, ",%d", 2000);
	memset(&s, 0x5a, sizeof(s));
	before = s;
	assert_int_equal(rs_lock_fail_parse(text, &s), -EINVAL);
	assert_memory_equal(&s, &before, sizeof(s));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_window_edges), cmocka_unit_test(test_lock_duration),
	    cmocka_unit_test(test_max_attempts), cmocka_unit_test(test_keeps_newest_32),
	    cmocka_unit_test(test_clock_back),	 cmocka_unit_test(test_clock_random_walk),
	    cmocka_unit_test(test_clear),	 cmocka_unit_test(test_minutes),
	    cmocka_unit_test(test_self_capped),	 cmocka_unit_test(test_note_then_enforce),
	    cmocka_unit_test(test_format_parse), cmocka_unit_test(test_parse),
	    cmocka_unit_test(test_parse_count),	 cmocka_unit_test(test_reserved_checks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
