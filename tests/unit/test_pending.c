// SPDX-License-Identifier: MIT
/* The pending MFA steps: limits per user, per source and in all, and who
 * is pushed out to make room. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ramsec/pending.h"

#define NOW INT64_C(1000000)

static struct rs_pending_table t;
static uint64_t next_token;

/* Adds a step; returns its token (0 when refused). */
static uint64_t add(const char *key, const char *source, bool known, bool ok, int64_t now)
{
	struct rs_pending p = {.token = ++next_token, .known = known, .password_ok = ok};

	snprintf(p.key, sizeof(p.key), "%s", key);
	snprintf(p.source, sizeof(p.source), "%s", source);
	return rs_pending_add(&t, &p, now) == 0 ? p.token : 0;
}

static int take(uint64_t token, const char *key, int64_t now)
{
	struct rs_pending r;

	return rs_pending_take(&t, token, key, now, &r);
}

static int reset(void **state)
{
	(void)state;
	memset(&t, 0, sizeof(t));
	next_token = 0;
	return 0;
}

/* A new logon of a user does not cancel that user's step in another. */
static void test_parallel_logons_of_one_user(void **state)
{
	uint64_t a, b;

	(void)state;
	a = add("u:alice", "192.0.2.1", true, true, NOW);
	b = add("u:alice", "192.0.2.1", true, true, NOW + 1);
	assert_true(a && b);
	assert_int_equal(take(a, "u:alice", NOW + 2), 1);
	assert_int_equal(take(b, "u:alice", NOW + 3), 1);
	assert_int_equal(take(b, "u:alice", NOW + 3), -ENOENT); /* used */
}

/* At most RS_PENDING_PER_KEY steps per user: decoys go first. */
static void test_per_user_limit(void **state)
{
	uint64_t real, tok[RS_PENDING_PER_KEY];

	(void)state;
	real = add("u:alice", "192.0.2.1", true, true, NOW);
	for (int i = 1; i < RS_PENDING_PER_KEY; i++)
		tok[i] = add("u:alice", "198.51.100.1", true, false, NOW + i);
	/* the 9th pushes out the oldest decoy, not the real step */
	assert_true(add("u:alice", "198.51.100.1", true, false, NOW + 100));
	assert_int_equal(take(tok[1], "u:alice", NOW + 101), -ENOENT);
	assert_int_equal(take(tok[2], "u:alice", NOW + 101), 1);
	assert_int_equal(take(real, "u:alice", NOW + 101), 1);
	assert_int_equal(t.evicted, 1);
}

/* A flood from one source evicts only its own steps. */
static void test_per_source_limit(void **state)
{
	uint64_t other, first = 0;
	char key[32];

	(void)state;
	other = add("u:bob", "203.0.113.9", true, true, NOW);
	for (int i = 0; i < 10 * RS_PENDING_PER_SOURCE; i++) {
		uint64_t tok;

		snprintf(key, sizeof(key), "h:%04d", i);
		tok = add(key, "198.51.100.66", false, false, NOW + i);
		assert_true(tok);
		if (i == 0)
			first = tok;
	}
	assert_int_equal(take(first, "h:0000", NOW + 1000), -ENOENT);
	assert_int_equal(take(other, "u:bob", NOW + 1000), 1);
	/* the source holds its limit, not more */
	snprintf(key, sizeof(key), "h:%04d", 10 * RS_PENDING_PER_SOURCE - 1);
	assert_int_equal(take(next_token, key, NOW + 1000), 1);
}

/* Filled by decoys from many sources: a real step still gets in, pushing
 * out an unknown name's decoy before a known name's. */
static void test_full_of_decoys(void **state)
{
	char key[32], src[32];
	uint64_t known_decoy, real;

	(void)state;
	known_decoy = add("u:carol", "10.0.0.1", true, false, NOW);
	for (int i = 1; i < RS_PENDING_MAX; i++) {
		snprintf(key, sizeof(key), "h:%05d", i);
		snprintf(src, sizeof(src), "10.%d.%d.%d", i >> 16 & 255, i >> 8 & 255, i & 255);
		assert_true(add(key, src, false, false, NOW + i));
	}
	real = add("u:alice", "192.0.2.1", true, true, NOW + RS_PENDING_MAX);
	assert_true(real);
	assert_int_equal(take(1 + 1, "h:00001", NOW + RS_PENDING_MAX), -ENOENT);
	assert_int_equal(take(known_decoy, "u:carol", NOW + RS_PENDING_MAX), 1);
	assert_int_equal(take(real, "u:alice", NOW + RS_PENDING_MAX), 1);
}

/* Only live real steps: nothing may be pushed out. */
static void test_full_of_real_steps(void **state)
{
	char key[32], src[32];

	(void)state;
	for (int i = 0; i < RS_PENDING_MAX; i++) {
		snprintf(key, sizeof(key), "u:%05d", i);
		snprintf(src, sizeof(src), "10.0.%d.%d", i >> 8 & 255, i & 255);
		assert_true(add(key, src, true, true, NOW + i));
	}
	assert_false(add("u:alice", "192.0.2.1", true, true, NOW + RS_PENDING_MAX));
	/* until they expire */
	assert_true(add("u:alice", "192.0.2.1", true, true, NOW + RS_PENDING_TTL_MS + 1));
}

static void test_take(void **state)
{
	uint64_t a;

	(void)state;
	a = add("u:alice", "192.0.2.1", true, true, NOW);
	assert_int_equal(take(a, "u:mallory", NOW + 1), -ENOENT); /* not theirs */
	assert_int_equal(take(a ^ 1, "u:alice", NOW + 1), -ENOENT);
	assert_int_equal(take(0, "u:alice", NOW + 1), -ENOENT);
	assert_int_equal(take(a, "u:alice", NOW + RS_PENDING_TTL_MS), 0); /* expired */
	assert_int_equal(take(a, "u:alice", NOW + 1), -ENOENT);		  /* and gone */
	a = add("u:alice", "192.0.2.1", true, true, NOW);
	assert_int_equal(take(a, "u:alice", NOW + RS_PENDING_TTL_MS - 1), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_parallel_logons_of_one_user, reset),
	    cmocka_unit_test_setup(test_per_user_limit, reset),
	    cmocka_unit_test_setup(test_per_source_limit, reset),
	    cmocka_unit_test_setup(test_full_of_decoys, reset),
	    cmocka_unit_test_setup(test_full_of_real_steps, reset),
	    cmocka_unit_test_setup(test_take, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
