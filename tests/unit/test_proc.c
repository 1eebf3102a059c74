// SPDX-License-Identifier: MIT
/*
 * Unit tests for lib/proc.c (rs_stat_starttime: field 22 of /proc/PID/stat,
 * counted from the last ')') and rs_user_idle of lib/eval.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ramsec/eval.h"
#include "ramsec/proc.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define T	 INT64_C(1700000000)
#define DAY	 INT64_C(86400)
#define START	 INT64_C(987654321)

/* --- rs_stat_starttime on the real file --------------------------------------- */

static size_t read_file(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
	return n;
}

static void test_real_self_stat(void **state)
{
	char text[4096], up[128];
	double uptime = 0;
	long hz = sysconf(_SC_CLK_TCK);
	int64_t start;

	(void)state;
	assert_true(read_file("/proc/self/stat", text, sizeof(text)) > 0);
	start = rs_stat_starttime(text);
	/* field 21 (itrealvalue) is always 0: a positive value is field 22 */
	if (start <= 0)
		fail_msg("start time %lld, want > 0 in: %s", (long long)start, text);

	/* the process started after boot and before now */
	read_file("/proc/uptime", up, sizeof(up));
	assert_int_equal(sscanf(up, "%lf", &uptime), 1);
	assert_true(hz > 0);
	assert_true(start <= (int64_t)(uptime * (double)hz) + hz);
}

/* --- rs_stat_starttime on crafted texts --------------------------------------- */

/* "PID (COMM) S 2 ... " with fields 4.. holding their own number except
 * field 22 = START, up to field last (52 in a full file). */
static void make_stat(char *buf, size_t len, const char *comm, int last, const char *f22,
		      const char *tail)
{
	size_t n = (size_t)snprintf(buf, len, "1234 (%s) S", comm);

	for (int field = 4; field <= last; field++) {
		if (field == 22 && f22)
			n += (size_t)snprintf(buf + n, len - n, " %s", f22);
		else if (field == 22)
			n += (size_t)snprintf(buf + n, len - n, " %lld", (long long)START);
		else
			n += (size_t)snprintf(buf + n, len - n, " %d", field * 100);
		assert_true(n < len);
	}
	snprintf(buf + n, len - n, "%s", tail);
}

struct stat_case {
	const char *why;
	const char *comm;
	int last;	 /* last field present */
	const char *f22; /* NULL: START */
	const char *tail;
	int64_t want;
};

/* each field holds its number x 100: reading field 21 would give 2100 */
static const struct stat_case stat_cases[] = {
    {"plain name", "bash", 52, NULL, "\n", START},
    {"no final newline", "bash", 52, NULL, "", START},
    {"empty name", "", 52, NULL, "\n", START},
    {"name with spaces", "a b c", 52, NULL, "\n", START},
    {"name with ') '", "a) b) c", 52, NULL, "\n", START},
    {"name looking like fields", "x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20", 52,
     NULL, "\n", START},
    {"name '('", "(", 52, NULL, "\n", START},
    {"name ')'", ")", 52, NULL, "\n", START},
    {"name '))'", "))", 52, NULL, "\n", START},
    {"name ') S 1'", ") S 1", 52, NULL, "\n", START},
    {"exactly 22 fields", "bash", 22, NULL, "", START},
    {"exactly 22 fields and a newline", "bash", 22, NULL, "\n", START},
    {"start 0", "bash", 52, "0", "\n", 0},
    {"start INT64_MAX", "bash", 52, "9223372036854775807", "\n", INT64_MAX},
    {"start over INT64_MAX", "bash", 52, "9223372036854775808", "\n", -1},
    {"21 fields", "bash", 21, NULL, "\n", -1},
    {"21 fields, no newline", "bash", 21, NULL, "", -1},
    {"21 fields and a space", "bash", 21, NULL, " ", -1},
    {"3 fields", "bash", 3, NULL, "\n", -1},
    {"non-numeric field 22", "bash", 52, "abc", "\n", -1},
    {"field 22 a letter then digits", "bash", 52, "x12", "\n", -1},
    {"field 22 negative", "bash", 52, "-1", "\n", -1},
    {"field 22 negative large", "bash", 52, "-5", "\n", -1},
};

static void test_crafted(void **state)
{
	int failed = 0;

	(void)state;
	for (size_t i = 0; i < NELEM(stat_cases); i++) {
		const struct stat_case *c = &stat_cases[i];
		char text[2048];
		int64_t got;

		make_stat(text, sizeof(text), c->comm, c->last, c->f22, c->tail);
		got = rs_stat_starttime(text);
		if (got != c->want) {
			print_error("%s: %lld, want %lld\n", c->why, (long long)got,
				    (long long)c->want);
			failed++;
		}
	}
	assert_int_equal(failed, 0);
}

static void test_not_stat(void **state)
{
	(void)state;
	assert_int_equal(rs_stat_starttime(NULL), -1);
	assert_int_equal(rs_stat_starttime(""), -1);
	assert_int_equal(rs_stat_starttime("\n"), -1);
	assert_int_equal(rs_stat_starttime("hello"), -1);
	/* no ')': no command name */
	assert_int_equal(rs_stat_starttime("1234 bash S 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 "
					   "20 21 22 23 24"),
			 -1);
	assert_int_equal(rs_stat_starttime("1234 (bash)"), -1);
	assert_int_equal(rs_stat_starttime("1234 (bash) "), -1);
}

/* --- rs_user_idle ------------------------------------------------------------- */

struct user_case {
	const char *why;
	int days;
	int64_t last_logon, first_seen, reset_at, now;
	bool want;
};

static const struct user_case user_cases[] = {
    {"last logon, exactly", 90, T, 0, 0, T + 90 * DAY, true},
    {"last logon, one second before", 90, T, 0, 0, T + 90 * DAY - 1, false},
    {"first seen only, exactly", 90, 0, T, 0, T + 90 * DAY, true},
    {"first seen only, one second before", 90, 0, T, 0, T + 90 * DAY - 1, false},
    {"reset only, exactly", 90, 0, 0, T, T + 90 * DAY, true},
    {"reset only, one second before", 90, 0, 0, T, T + 90 * DAY - 1, false},
    {"first seen latest counts", 90, T, T + 30 * DAY, T + 10 * DAY, T + 90 * DAY, false},
    {"first seen latest, exactly", 90, T, T + 30 * DAY, T + 10 * DAY, T + 120 * DAY, true},
    {"first seen latest, one second before", 90, T, T + 30 * DAY, T + 10 * DAY, T + 120 * DAY - 1,
     false},
    {"reset latest counts", 90, T, T + 10 * DAY, T + 30 * DAY, T + 100 * DAY, false},
    {"reset latest, exactly", 90, T, T + 10 * DAY, T + 30 * DAY, T + 120 * DAY, true},
    {"reset latest, one second before", 90, T, T + 10 * DAY, T + 30 * DAY, T + 120 * DAY - 1,
     false},
    {"logon latest counts", 90, T + 30 * DAY, T, T + 10 * DAY, T + 100 * DAY, false},
    {"logon latest, exactly", 90, T + 30 * DAY, T, T + 10 * DAY, T + 120 * DAY, true},
    {"180 days exactly", 180, T, T, T, T + 180 * DAY, true},
    {"365 days one second before", 365, T, 0, 0, T + 365 * DAY - 1, false},
    {"730 days exactly", 730, 0, T, 0, T + 730 * DAY, true},
    {"730 days one second before", 730, 0, T, 0, T + 730 * DAY - 1, false},
    {"all zero: never idle", 90, 0, 0, 0, T + 10000 * DAY, false},
    {"all zero, now zero", 90, 0, 0, 0, 0, false},
    {"clock before the latest", 90, T, 0, 0, T - 1000 * DAY, false},
};

static void test_user_idle(void **state)
{
	int failed = 0;

	(void)state;
	for (size_t i = 0; i < NELEM(user_cases); i++) {
		const struct user_case *c = &user_cases[i];
		struct rs_policy p;

		rs_policy_init_defaults(&p);
		p.pref.max_idle_days_for_users = c->days;
		p.pref.max_idle_days_for_access_keys = 90; /* not the one that counts */
		if (rs_user_idle(&p, c->last_logon, c->first_seen, c->reset_at, c->now) !=
		    c->want) {
			print_error("%s: want %s\n", c->why, c->want ? "idle" : "not idle");
			failed++;
		}
	}
	assert_int_equal(failed, 0);
}

static void test_user_idle_default_730(void **state)
{
	struct rs_policy p;

	(void)state;
	rs_policy_init_defaults(&p);
	assert_int_equal(p.pref.max_idle_days_for_users, 730);
	assert_false(rs_user_idle(&p, T, 0, 0, T + 730 * DAY - 1));
	assert_true(rs_user_idle(&p, T, 0, 0, T + 730 * DAY));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_real_self_stat),
	    cmocka_unit_test(test_crafted),
	    cmocka_unit_test(test_not_stat),
	    cmocka_unit_test(test_user_idle),
	    cmocka_unit_test(test_user_idle_default_730),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
