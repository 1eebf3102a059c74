// SPDX-License-Identifier: MIT
/* Hash classes and the cost ceiling. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ramsec/hashcost.h"

static void test_classes(void **state)
{
	static const struct {
		const char *hash, *cls;
	} cases[] = {
	    {"$y$j9T$3rc7p2AE/xf9oIcYO9Mhf.$abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
	     "$y$j9T$"},
	    {"$y$jBT$8Rc9cNPtwYrKtkhJhPmwS0$x", "$y$jBT$"},
	    {"$gy$j9T$salt$hash", "$gy$j9T$"},
	    {"$2b$13$6yeT5/kCcmmP1dLNaf6ed.Tabcdefghijklmnopqrstuvwxyz01234", "$2b$13$"},
	    {"$2y$05$abcdefghijklmnopqrstuu", "$2y$05$"},
	    {"$6$xO/wJpDNHcGXM3yP$ukU5V.MTVr", "$6$"},
	    {"$6$rounds=65536$salt$hash", "$6$rounds=65536$"},
	    {"$5$rounds=1000$salt$hash", "$5$rounds=1000$"},
	    {"$5$salt$hash", "$5$"},
	    {"$1$salt$hash", "$1$"},
	    {"$md5$rounds=904$salt$hash", "$md5$"},
	    {"$7$CU..../....2KrpwjbChbpNNz1RwtQF3F8nOp94$xyz", "$7$CU..../...."},
	    {"abJnggxhB/yWI", "des"},
	    {"$y$j9T$", "$y$j9T$"}, /* a bare setting is a hash of its class */
	};
	static const char *const bad[] = {"",	"!",	  "!$y$j9T$x$y", "*",	  "$",
					  "$$", "$y$j9T", "$2b$13",	 "$7$CU", NULL};
	char out[RS_HASH_CLASS_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (rs_hash_class(cases[i].hash, out) != 0 || strcmp(out, cases[i].cls))
			fail_msg("%s: got \"%s\", want \"%s\"", cases[i].hash, out, cases[i].cls);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (rs_hash_class(bad[i], out) != -EINVAL)
			fail_msg("%s: accepted as \"%s\"", bad[i] ? bad[i] : "NULL", out);
		assert_string_equal(out, "");
	}
}

static void test_ceiling(void **state)
{
	static struct rs_cost_table t;

	(void)state;
	assert_int_equal(rs_cost_ceiling(&t), 0);
	rs_cost_note(&t, "$y$j9T$", 20);
	rs_cost_note(&t, "$2b$13$", 380);
	rs_cost_note(&t, "$y$jBT$", 66);
	assert_int_equal(rs_cost_ceiling(&t), 760); /* twice the costliest */
	/* load only adds: the least recent sample is the cost */
	for (int i = 0; i < 5; i++)
		rs_cost_note(&t, "$y$j9T$", 900);
	assert_int_equal(rs_cost_of(&t, "$y$j9T$"), 20);
	assert_int_equal(rs_cost_ceiling(&t), 760);
	/* until the low sample rolls out of the ring */
	for (int i = 0; i < RS_COST_SAMPLES; i++)
		rs_cost_note(&t, "$y$j9T$", 500);
	assert_int_equal(rs_cost_ceiling(&t), 1000);
	assert_int_equal(rs_cost_of(&t, "$1$"), -1);
	assert_true(rs_cost_usable(&t, "$1$")); /* unknown yet: measured at its check */
	/* a class over RS_COST_CLASS_MAX is not usable and not waited for */
	rs_cost_note(&t, "$2b$18$", 12000);
	assert_false(rs_cost_usable(&t, "$2b$18$"));
	assert_true(rs_cost_usable(&t, "$2b$13$"));
	assert_int_equal(rs_cost_ceiling(&t), 1000);
	rs_cost_note(&t, "$2b$15$", 990);
	assert_int_equal(rs_cost_ceiling(&t), 1980);
	rs_cost_note(&t, "$6$rounds=900000$", 1000);
	assert_int_equal(rs_cost_ceiling(&t), RS_COST_CEILING_MAX);
}

static void test_full_table(void **state)
{
	static struct rs_cost_table t;
	char cls[32];

	(void)state;
	for (int i = 0; i < RS_COST_CLASSES; i++) {
		snprintf(cls, sizeof(cls), "$6$rounds=%d$", 1000 + i);
		rs_cost_note(&t, cls, 10 + i);
	}
	assert_int_equal(rs_cost_ceiling(&t), 2 * (10 + RS_COST_CLASSES - 1));
	rs_cost_note(&t, "$2b$12$", 200); /* no room: the ceiling still covers it */
	assert_int_equal(rs_cost_ceiling(&t), 400);
	rs_cost_note(&t, "$2b$04$", 1); /* cheaper than the top: nothing to do */
	assert_int_equal(rs_cost_ceiling(&t), 400);
	assert_int_equal(t.n, RS_COST_CLASSES);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_classes),
	    cmocka_unit_test(test_ceiling),
	    cmocka_unit_test(test_full_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
