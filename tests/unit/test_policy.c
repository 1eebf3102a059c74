// SPDX-License-Identifier: MIT
/*
 * Unit tests for lib/policy.c: the defaults against ramsec.conf(5), every
 * range boundary of every integer key through the setters, booleans, the
 * MFA enum, the idle-day set, names, paths, masks text, validation and the
 * two renderings.  Expected values are written out here, not read from the
 * table under test.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ramsec/buf.h"
#include "ramsec/policy.h"

#define REASON_LEN 512
#define OUT_LEN	   8192

/* Every config key, in the order of the shipped file. */
static const char *const all_keys[] = {"password_policy.minimum_password_length",
				       "password_policy.require_lowercase_characters",
				       "password_policy.require_uppercase_characters",
				       "password_policy.require_numbers",
				       "password_policy.require_symbols",
				       "password_policy.minimum_password_different_character",
				       "password_policy.password_not_contain_user_name",
				       "password_policy.max_password_age",
				       "password_policy.hard_expire",
				       "password_policy.password_reuse_prevention",
				       "password_policy.max_login_attempts",
				       "password_policy.initial_password_age",
				       "security_preference.enable_save_mfa_ticket",
				       "security_preference.allow_user_to_change_password",
				       "security_preference.allow_user_to_manage_access_keys",
				       "security_preference.allow_user_to_manage_mfa_devices",
				       "security_preference.login_session_duration",
				       "security_preference.login_network_masks",
				       "security_preference.mfa_operation_for_login",
				       "security_preference.max_idle_days_for_users",
				       "security_preference.max_idle_days_for_access_keys",
				       "security_preference.exempt_key_logins_from_masks",
				       "security_preference.local_logons_bypass_masks",
				       "root_account.governed",
				       "root_account.login_network_masks",
				       "root_account.mfa_required",
				       "root_account.allow_access_keys",
				       "scope.min_uid",
				       "scope.max_uid",
				       "scope.groups",
				       "scope.exclude_users",
				       "policyd.socket",
				       "policyd.user_socket",
				       "policyd.database",
				       "policyd.key_file",
				       "policyd.pid_file",
				       "policyd.workers",
				       "policyd.store",
				       "policyd.postgresql",
				       "policyd.host_id",
				       "pam.timeout_ms",
				       "pam.fail_delay_ms",
				       "pam.break_glass_users",
				       "mfa.code_window",
				       "mfa.issuer",
				       "policies.default_deny",
				       "policies.time_zone",
				       "directory.min_id",
				       "directory.max_id",
				       "directory.aliases",
				       "directory.home_base",
				       "directory.enumerate"};

#define NKEYS (sizeof(all_keys) / sizeof(all_keys[0]))

static const struct rs_setting *must_find(const char *group, const char *key)
{
	const struct rs_setting *s = rs_setting_find(group, key);

	if (!s)
		fail_msg("no setting %s.%s", group, key);
	return s;
}

/* The value of s in p as the config text shows it. */
static const char *value_of(const struct rs_policy *p, const struct rs_setting *s, bool json)
{
	static char text[1024];
	struct rs_buf b;

	rs_buf_init(&b, text, sizeof(text));
	rs_setting_render_value(p, s, json, &b);
	assert_false(b.overflow);
	return text;
}

static void render(const struct rs_policy *p, bool json, char *out, size_t len)
{
	struct rs_buf b;

	rs_buf_init(&b, out, len);
	rs_policy_render(p, json, &b);
	assert_false(b.overflow);
}

/* Splits "group.key" of all_keys into its parts. */
static void split(const char *full, char *group, char *key)
{
	size_t n = strcspn(full, ".");

	memcpy(group, full, n);
	group[n] = '\0';
	strcpy(key, full + n + 1);
}

static const struct rs_setting *must_lookup(const char *full)
{
	const struct rs_setting *s = rs_setting_lookup(full);

	if (!s)
		fail_msg("no setting %s", full);
	return s;
}

/* True when needle occurs in doc between the first open and the next close. */
static bool in_section(const char *doc, const char *open, const char *close, const char *needle)
{
	const char *a = strstr(doc, open), *b, *c;

	if (!a)
		return false;
	b = strstr(a + strlen(open), close);
	c = strstr(a + strlen(open), needle);
	return b && c && c < b;
}

/* --- the table and lookups ---------------------------------------------- */

/* A connection string shown by settings show never shows a password. */
static void test_conninfo_masked(void **state)
{
	static const char *const cases[][2] = {
	    {"host=db dbname=ramsec", "host=db dbname=ramsec"},
	    {"host=db password=S3cret dbname=x", "host=db password=***** dbname=x"},
	    {"password = 'a b\\' c' host=db", "password = ***** host=db"},
	    {"PASSWORD=x", "PASSWORD=*****"},
	    {"sslpassword=k host=db", "sslpassword=***** host=db"},
	    {"postgresql://u:pw@db:5432/ramsec?sslmode=verify-full",
	     "postgresql://u:*****@db:5432/ramsec?sslmode=verify-full"},
	    {"postgresql://u@db/ramsec?password=pw&sslmode=require",
	     "postgresql://u@db/ramsec?password=*****&sslmode=require"},
	    {"postgresql://db/ramsec", "postgresql://db/ramsec"},
	    {"user=passwordless", "user=passwordless"},
	};
	char out[RS_CONNINFO_MAX + 8];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rs_conninfo_mask(cases[i][0], out, sizeof(out));
		assert_string_equal(out, cases[i][1]);
	}
	rs_conninfo_mask("password=secret", out, 12); /* cut, still terminated */
	assert_null(strstr(out, "sec"));
}

static void test_every_key_known(void **state)
{
	(void)state;
	assert_int_equal(rs_setting_count(), NKEYS);
	for (size_t i = 0; i < NKEYS; i++) {
		char group[64], key[64];
		const struct rs_setting *s;

		split(all_keys[i], group, key);
		s = must_find(group, key);
		assert_string_equal(s->name, all_keys[i]);
		assert_string_equal(s->group, group);
		assert_string_equal(s->key, key);
		assert_ptr_equal(rs_setting_lookup(all_keys[i]), s);
		assert_ptr_equal(rs_setting_at(i), s); /* same order as the file */
		assert_true(rs_group_known(group));
	}
	assert_null(rs_setting_at(NKEYS));
	assert_null(rs_setting_find("password_policy", "Minimum_password_length"));
	assert_null(rs_setting_find("password_policy", "login_session_duration"));
	assert_null(rs_setting_find(NULL, "min_uid"));
	assert_null(rs_setting_find("scope", NULL));
	assert_null(rs_setting_lookup("scope"));
	assert_null(rs_setting_lookup(NULL));
	assert_false(rs_group_known("Password_policy"));
	assert_false(rs_group_known("minimum_password_length"));
	assert_false(rs_group_known(""));
	assert_false(rs_group_known(NULL));
}

/* --- defaults ------------------------------------------------------------ */

static void test_defaults_equal_ram(void **state)
{
	struct rs_policy p;
	const char *key = "x";
	char reason[REASON_LEN];

	(void)state;
	memset(&p, 0xa5, sizeof(p));
	rs_policy_init_defaults(&p);
	assert_int_equal(p.password.minimum_password_length, 8);
	assert_false(p.password.require_lowercase_characters);
	assert_false(p.password.require_uppercase_characters);
	assert_false(p.password.require_numbers);
	assert_false(p.password.require_symbols);
	assert_int_equal(p.password.minimum_password_different_character, 0);
	assert_false(p.password.password_not_contain_user_name);
	assert_int_equal(p.password.max_password_age, 0);
	assert_false(p.password.hard_expire);
	assert_int_equal(p.password.password_reuse_prevention, 0);
	assert_int_equal(p.password.max_login_attempts, 0);
	assert_int_equal(p.password.initial_password_age, 14);

	assert_false(p.pref.enable_save_mfa_ticket);
	assert_true(p.pref.allow_user_to_change_password);
	assert_false(p.pref.allow_user_to_manage_access_keys);
	assert_true(p.pref.allow_user_to_manage_mfa_devices);
	assert_int_equal(p.pref.login_session_duration, 6);
	assert_string_equal(p.pref.login_network_masks_text, "");
	assert_int_equal(p.pref.login_network_masks.n, 0);
	assert_int_equal(p.pref.mfa_operation_for_login, RS_MFA_INDEPENDENT);
	assert_int_equal(p.pref.max_idle_days_for_users, 730);
	assert_int_equal(p.pref.max_idle_days_for_access_keys, 730);
	assert_false(p.pref.exempt_key_logins_from_masks);
	assert_true(p.pref.local_logons_bypass_masks);

	assert_true(p.root.governed);
	assert_string_equal(p.root.login_network_masks_text, "");
	assert_int_equal(p.root.login_network_masks.n, 0);
	assert_false(p.root.mfa_required);

	assert_int_equal(p.scope.min_uid, 1000);
	assert_int_equal(p.scope.max_uid, 60000);
	assert_int_equal(p.scope.groups.n, 0);
	assert_int_equal(p.scope.exclude_users.n, 0);

	assert_string_equal(p.policyd.socket, "/run/ramsec/policyd.sock");
	assert_string_equal(p.policyd.user_socket, "/run/ramsec/user.sock");
	assert_string_equal(p.policyd.database, "/var/lib/ramsec/state.db");
	assert_string_equal(p.policyd.key_file, "/var/lib/ramsec/master.key");
	assert_string_equal(p.policyd.pid_file, "/run/ramsec/policyd.pid");
	assert_int_equal(p.policyd.workers, 0);

	assert_int_equal(p.pam.timeout_ms, 3000);
	assert_int_equal(p.pam.fail_delay_ms, 2000);
	assert_int_equal(p.pam.break_glass_users.n, 1);
	assert_string_equal(p.pam.break_glass_users.name[0], "root");

	assert_int_equal(rs_policy_validate(&p, &key, reason, sizeof(reason)), 0);
	assert_null(key);
	assert_string_equal(reason, "");
}

/* --- integers ------------------------------------------------------------ */

struct int_case {
	const char *group, *key;
	long long min, max;
};

static const struct int_case int_cases[] = {
    {"password_policy", "minimum_password_length", 8, 32},
    {"password_policy", "minimum_password_different_character", 0, 8},
    {"password_policy", "max_password_age", 0, 1095},
    {"password_policy", "password_reuse_prevention", 0, 24},
    {"password_policy", "max_login_attempts", 0, 32},
    {"password_policy", "initial_password_age", 0, 90},
    {"security_preference", "login_session_duration", 1, 24},
    {"scope", "min_uid", 0, 4294967294LL},
    {"scope", "max_uid", 0, 4294967294LL},
    {"policyd", "workers", 0, 64},
    {"pam", "timeout_ms", 100, 60000},
    {"pam", "fail_delay_ms", 0, 10000},
};

static void expect_int_refused(const struct rs_setting *s, long long v, long long min,
			       long long max)
{
	struct rs_policy p, before;
	char reason[REASON_LEN], want[REASON_LEN];

	rs_policy_init_defaults(&p);
	before = p;
	snprintf(want, sizeof(want), "must be between %lld and %lld (got %lld)", min, max, v);
	assert_int_equal(rs_setting_set_int(&p, s, v, reason, sizeof(reason)), -EINVAL);
	assert_string_equal(reason, want);
	assert_memory_equal(&p, &before, sizeof(p)); /* untouched */
}

static void expect_int_accepted(const struct rs_setting *s, long long v)
{
	struct rs_policy p;
	char reason[REASON_LEN], want[32];

	rs_policy_init_defaults(&p);
	assert_int_equal(rs_setting_set_int(&p, s, v, reason, sizeof(reason)), 0);
	snprintf(want, sizeof(want), "%lld", v);
	assert_string_equal(value_of(&p, s, true), want);
}

static void test_int_boundaries(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(int_cases) / sizeof(int_cases[0]); i++) {
		const struct int_case *c = &int_cases[i];
		const struct rs_setting *s = must_find(c->group, c->key);

		assert_int_equal(s->type, RS_SETTING_INT);
		expect_int_refused(s, c->min - 1, c->min, c->max);
		expect_int_accepted(s, c->min);
		expect_int_accepted(s, c->min + 1);
		expect_int_accepted(s, c->max - 1);
		expect_int_accepted(s, c->max);
		expect_int_refused(s, c->max + 1, c->min, c->max);
		expect_int_refused(s, LLONG_MIN, c->min, c->max);
		expect_int_refused(s, LLONG_MAX, c->min, c->max);
		expect_int_refused(s, (long long)UINT32_MAX + 8, c->min, c->max); /* no wrap */
	}
}

static void test_int_exact_message(void **state)
{
	struct rs_policy p;
	char reason[REASON_LEN];
	const struct rs_setting *s = must_find("password_policy", "minimum_password_length");

	(void)state;
	rs_policy_init_defaults(&p);
	assert_int_equal(rs_setting_set_int(&p, s, 40, reason, sizeof(reason)), -EINVAL);
	assert_string_equal(reason, "must be between 8 and 32 (got 40)");
	/* A NULL or short reason buffer is fine. */
	assert_int_equal(rs_setting_set_int(&p, s, 40, NULL, 0), -EINVAL);
	assert_int_equal(rs_setting_set_int(&p, s, 40, reason, 5), -EINVAL);
	assert_string_equal(reason, "must");
	assert_int_equal(rs_setting_set_int(&p, s, 12, NULL, 0), 0);
	assert_int_equal(p.password.minimum_password_length, 12);
}

/* --- max_idle_days_* ----------------------------------------------------- */

static void test_idle_days(void **state)
{
	static const char *const keys[] = {"max_idle_days_for_users",
					   "max_idle_days_for_access_keys"};
	static const long long good[] = {90, 180, 365, 730};
	static const long long bad[] = {0, -90, 1, 89, 91, 100, 179, 181, 364, 366, 729, 731, 1095};
	char reason[REASON_LEN], want[REASON_LEN];
	struct rs_policy p;

	(void)state;
	for (size_t k = 0; k < 2; k++) {
		const struct rs_setting *s = must_find("security_preference", keys[k]);

		assert_int_equal(s->type, RS_SETTING_DAYS);
		for (size_t i = 0; i < 4; i++)
			expect_int_accepted(s, good[i]);
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			rs_policy_init_defaults(&p);
			assert_int_equal(rs_setting_set_int(&p, s, bad[i], reason, sizeof(reason)),
					 -EINVAL);
			snprintf(want, sizeof(want), "must be one of 90, 180, 365, 730 (got %lld)",
				 bad[i]);
			assert_string_equal(reason, want);
			assert_string_equal(value_of(&p, s, true), "730");
		}
		rs_policy_init_defaults(&p);
		assert_int_equal(rs_setting_set_string(&p, s, "90", reason, sizeof(reason)),
				 -EINVAL);
		assert_string_equal(reason, "must be one of 90, 180, 365, 730 (got a string)");
	}
}

/* --- booleans ------------------------------------------------------------ */

static void test_bools(void **state)
{
	static const char *const bools[] = {"password_policy.require_lowercase_characters",
					    "password_policy.require_uppercase_characters",
					    "password_policy.require_numbers",
					    "password_policy.require_symbols",
					    "password_policy.password_not_contain_user_name",
					    "password_policy.hard_expire",
					    "security_preference.enable_save_mfa_ticket",
					    "security_preference.allow_user_to_change_password",
					    "security_preference.allow_user_to_manage_access_keys",
					    "security_preference.allow_user_to_manage_mfa_devices",
					    "security_preference.exempt_key_logins_from_masks",
					    "security_preference.local_logons_bypass_masks",
					    "root_account.governed",
					    "root_account.mfa_required",
					    "root_account.allow_access_keys"};
	char reason[REASON_LEN];
	struct rs_policy p;

	(void)state;
	for (size_t i = 0; i < sizeof(bools) / sizeof(bools[0]); i++) {
		const struct rs_setting *s = must_lookup(bools[i]);

		assert_int_equal(s->type, RS_SETTING_BOOL);
		rs_policy_init_defaults(&p);
		assert_int_equal(rs_setting_set_bool(&p, s, true, reason, sizeof(reason)), 0);
		assert_string_equal(value_of(&p, s, false), "true");
		assert_int_equal(rs_setting_set_bool(&p, s, false, reason, sizeof(reason)), 0);
		assert_string_equal(value_of(&p, s, true), "false");
		assert_int_equal(rs_setting_set_int(&p, s, 1, reason, sizeof(reason)), -EINVAL);
		assert_string_equal(reason, "must be true or false (got an integer)");
		assert_int_equal(rs_setting_set_string(&p, s, "true", reason, sizeof(reason)),
				 -EINVAL);
		assert_string_equal(reason, "must be true or false (got a string)");
		assert_int_equal(rs_setting_add_name(&p, s, "root", reason, sizeof(reason)),
				 -EINVAL);
		assert_string_equal(reason, "must be true or false (got a list)");
		assert_string_equal(value_of(&p, s, true), "false");
	}
	/* and the other way round */
	assert_int_equal(
	    rs_setting_set_bool(&p, must_find("pam", "timeout_ms"), true, reason, sizeof(reason)),
	    -EINVAL);
	assert_string_equal(reason, "must be an integer between 100 and 60000 (got a boolean)");
}

/* --- mfa_operation_for_login --------------------------------------------- */

static void test_mfa_enum(void **state)
{
	static const char *const bad[] = {"",	 "Mandatory", "MANDATORY",     "mandatory ", "none",
					  "off", "true",      "independent\n", "adapt",	     "1"};
	const struct rs_setting *s = must_find("security_preference", "mfa_operation_for_login");
	enum rs_mfa_operation op = RS_MFA_ADAPTIVE;
	char reason[REASON_LEN], want[REASON_LEN];
	struct rs_policy p;

	(void)state;
	assert_string_equal(rs_mfa_operation_name(RS_MFA_INDEPENDENT), "independent");
	assert_string_equal(rs_mfa_operation_name(RS_MFA_MANDATORY), "mandatory");
	assert_string_equal(rs_mfa_operation_name(RS_MFA_ADAPTIVE), "adaptive");
	assert_string_equal(rs_mfa_operation_name((enum rs_mfa_operation)7), "unknown");
	assert_string_equal(rs_mfa_operation_name((enum rs_mfa_operation) - 1), "unknown");
	for (int i = RS_MFA_INDEPENDENT; i <= RS_MFA_ADAPTIVE; i++) {
		const char *name = rs_mfa_operation_name((enum rs_mfa_operation)i);

		assert_int_equal(rs_mfa_operation_parse(name, &op), 0);
		assert_int_equal(op, i);
		rs_policy_init_defaults(&p);
		assert_int_equal(rs_setting_set_string(&p, s, name, reason, sizeof(reason)), 0);
		assert_int_equal(p.pref.mfa_operation_for_login, i);
		snprintf(want, sizeof(want), "\"%s\"", name);
		assert_string_equal(value_of(&p, s, true), want);
	}
	assert_int_equal(rs_mfa_operation_parse(NULL, &op), -EINVAL);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(rs_mfa_operation_parse(bad[i], &op), -EINVAL);
		rs_policy_init_defaults(&p);
		assert_int_equal(rs_setting_set_string(&p, s, bad[i], reason, sizeof(reason)),
				 -EINVAL);
		assert_non_null(strstr(reason, "must be one of \"mandatory\", \"independent\", "
					       "\"adaptive\" (got \""));
		assert_int_equal(p.pref.mfa_operation_for_login, RS_MFA_INDEPENDENT);
	}
	assert_int_equal(rs_setting_set_string(&p, s, "Mandatory", reason, sizeof(reason)),
			 -EINVAL);
	assert_string_equal(reason, "must be one of \"mandatory\", \"independent\", \"adaptive\" "
				    "(got \"Mandatory\")");
	assert_int_equal(rs_setting_set_int(&p, s, 1, reason, sizeof(reason)), -EINVAL);
	assert_string_equal(reason, "must be one of \"mandatory\", \"independent\", \"adaptive\" "
				    "(got an integer)");
}

/* --- names --------------------------------------------------------------- */

static void test_name_valid(void **state)
{
	static const char *const good[] = {
	    "root",
	    "a",
	    "A",
	    "user.name",
	    "user_1",
	    "svc-x",
	    "Root",
	    "machine$",
	    "0",
	    "_x",
	    "abcdefghijklmnopqrstuvwxyz012345", /* 32 */
	    "abcdefghijklmnopqrstuvwxyz01234$", /* 32 with $ */
	};
	static const char *const bad[] = {
	    "",
	    "-x",
	    "$",
	    ".",
	    "..",
	    "a b",
	    "a/b",
	    "../x",
	    "ro:t",
	    "a#",
	    "a\n",
	    "a$b",
	    "a$$",
	    "\t",
	    "é",
	    "%n%s",
	    "a@b",
	    "user@realm",
	    "abcdefghijklmnopqrstuvwxyz0123456", /* 33 */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!rs_policy_name_valid(good[i]))
			fail_msg("refused \"%s\"", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (rs_policy_name_valid(bad[i]))
			fail_msg("accepted \"%s\"", bad[i]);
	assert_false(rs_policy_name_valid(NULL));
}

static void test_name_lists(void **state)
{
	const struct rs_setting *s = must_find("scope", "exclude_users");
	char reason[REASON_LEN], name[16];
	struct rs_name_list l = {0};
	struct rs_policy p;

	(void)state;
	assert_int_equal(rs_name_list_add(&l, "alice"), 0);
	assert_int_equal(rs_name_list_add(&l, "alice"), 0); /* not twice */
	assert_int_equal(l.n, 1);
	assert_true(rs_name_list_contains(&l, "alice"));
	assert_false(rs_name_list_contains(&l, "Alice"));
	assert_false(rs_name_list_contains(&l, "alic"));
	assert_false(rs_name_list_contains(&l, "alice2"));
	assert_false(rs_name_list_contains(&l, NULL));
	assert_false(rs_name_list_contains(NULL, "alice"));
	assert_int_equal(rs_name_list_add(&l, "bad name"), -EINVAL);
	assert_int_equal(rs_name_list_add(&l, NULL), -EINVAL);
	assert_int_equal(l.n, 1);

	rs_policy_init_defaults(&p);
	for (int i = 0; i < RS_LIST_MAX; i++) {
		snprintf(name, sizeof(name), "user%d", i);
		assert_int_equal(rs_setting_add_name(&p, s, name, reason, sizeof(reason)), 0);
	}
	assert_int_equal(rs_setting_add_name(&p, s, "user0", reason, sizeof(reason)), 0);
	assert_int_equal(rs_setting_add_name(&p, s, "onemore", reason, sizeof(reason)), -E2BIG);
	assert_string_equal(reason, "must have at most 32 names");
	assert_int_equal(p.scope.exclude_users.n, RS_LIST_MAX);
	assert_int_equal(rs_setting_add_name(&p, s, "-rf", reason, sizeof(reason)), -EINVAL);
	assert_string_equal(reason,
			    "has an invalid name \"-rf\" (1-32 characters of A-Z a-z 0-9 . _ "
			    "-, optionally ending in $, not starting with -)");
	assert_int_equal(rs_setting_add_name(&p, s, "a\nb", reason, sizeof(reason)), -EINVAL);
	assert_non_null(strstr(reason, "\"a\\x0ab\"")); /* escaped in the reason */

	/* break_glass_users defaults to root; clearing gives nobody */
	s = must_find("pam", "break_glass_users");
	assert_true(rs_name_list_contains(&p.pam.break_glass_users, "root"));
	assert_int_equal(rs_setting_clear_names(&p, s, reason, sizeof(reason)), 0);
	assert_int_equal(p.pam.break_glass_users.n, 0);
	assert_string_equal(value_of(&p, s, true), "[]");
	assert_string_equal(value_of(&p, s, false), "[]");
	assert_int_equal(rs_setting_add_name(&p, s, "admin", reason, sizeof(reason)), 0);
	assert_int_equal(rs_setting_add_name(&p, s, "ops$", reason, sizeof(reason)), 0);
	assert_string_equal(value_of(&p, s, true), "[\"admin\",\"ops$\"]");
	assert_string_equal(value_of(&p, s, false), "[ \"admin\", \"ops$\" ]");
	assert_int_equal(
	    rs_setting_clear_names(&p, must_find("pam", "timeout_ms"), reason, sizeof(reason)),
	    -EINVAL);
	assert_string_equal(reason, "must be an integer between 100 and 60000 (got a list)");
}

/* --- paths --------------------------------------------------------------- */

static void test_paths(void **state)
{
	static const char *const keys[] = {"socket", "user_socket", "database", "key_file",
					   "pid_file"};
	static const struct {
		const char *path, *reason; /* reason NULL: accepted */
	} cases[] = {
	    {"/run/x.sock", NULL},
	    {"/", NULL},
	    {"/a..b/c...", NULL},
	    {"/var/lib/ramsec/.state", NULL},
	    {"/tmp/a\"b", NULL},
	    {"", "must be an absolute path (got \"\")"},
	    {"run/x", "must be an absolute path (got \"run/x\")"},
	    {"./x", "must be an absolute path (got \"./x\")"},
	    {"~/x", "must be an absolute path (got \"~/x\")"},
	    {"/a/../b", "must not contain a \"..\" component (got \"/a/../b\")"},
	    {"/..", "must not contain a \"..\" component (got \"/..\")"},
	    {"/a/..", "must not contain a \"..\" component (got \"/a/..\")"},
	    {"/a\nb", "must not contain control characters (got \"/a\\x0ab\")"},
	    {"/a\tb", "must not contain control characters (got \"/a\\x09b\")"},
	    {"/a\x7f", "must not contain control characters (got \"/a\\x7f\")"},
	};
	char reason[REASON_LEN], longp[RS_PATH_MAX + 2];
	struct rs_policy p;

	(void)state;
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		const struct rs_setting *s = must_find("policyd", keys[k]);

		assert_int_equal(s->type, RS_SETTING_PATH);
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			int r;

			rs_policy_init_defaults(&p);
			r = rs_setting_set_string(&p, s, cases[i].path, reason, sizeof(reason));
			if (!cases[i].reason) {
				assert_int_equal(r, 0);
				continue;
			}
			assert_int_equal(r, -EINVAL);
			assert_string_equal(reason, cases[i].reason);
		}
		/* 255 characters fit in RS_PATH_MAX with the NUL, 256 do not */
		memset(longp, 'a', sizeof(longp));
		longp[0] = '/';
		longp[RS_PATH_MAX - 1] = '\0';
		assert_int_equal(rs_setting_set_string(&p, s, longp, reason, sizeof(reason)), 0);
		longp[RS_PATH_MAX - 1] = 'a';
		longp[RS_PATH_MAX] = '\0';
		assert_int_equal(rs_setting_set_string(&p, s, longp, reason, sizeof(reason)),
				 -EINVAL);
		assert_string_equal(reason, "must be shorter than 256 characters (got 256)");
		assert_int_equal(rs_setting_set_int(&p, s, 1, reason, sizeof(reason)), -EINVAL);
		assert_string_equal(reason, "must be an absolute path in double quotes (got an "
					    "integer)");
		assert_int_equal(rs_setting_set_string(&p, s, NULL, reason, sizeof(reason)),
				 -EINVAL);
	}
	rs_policy_init_defaults(&p);
	assert_int_equal(rs_setting_set_string(&p, must_find("policyd", "database"), "/tmp/a\"b\\c",
					       reason, sizeof(reason)),
			 0);
	assert_string_equal(value_of(&p, must_find("policyd", "database"), true),
			    "\"/tmp/a\\\"b\\\\c\"");
	assert_string_equal(value_of(&p, must_find("policyd", "database"), false),
			    "\"/tmp/a\\\"b\\\\c\"");
}

/* --- masks --------------------------------------------------------------- */

static void test_masks(void **state)
{
	const struct rs_setting *pref = must_find("security_preference", "login_network_masks");
	const struct rs_setting *root = must_find("root_account", "login_network_masks");
	char reason[REASON_LEN], big[600];
	struct rs_policy p;
	const char *key;

	(void)state;
	assert_int_equal(pref->type, RS_SETTING_MASKS);
	rs_policy_init_defaults(&p);
	assert_int_equal(rs_setting_set_string(&p, pref, "10.0.0.0/8;192.168.1.0/24;2001:db8::/32",
					       reason, sizeof(reason)),
			 0);
	assert_int_equal(p.pref.login_network_masks.n, 3);
	assert_string_equal(p.pref.login_network_masks_text,
			    "10.0.0.0/8;192.168.1.0/24;2001:db8::/32");
	assert_int_equal(p.root.login_network_masks.n, 0); /* the other one untouched */
	assert_int_equal(rs_setting_set_string(&p, root, "10.0.0.1", reason, sizeof(reason)), 0);
	assert_int_equal(p.root.login_network_masks.n, 1);
	assert_int_equal(rs_policy_validate(&p, &key, reason, sizeof(reason)), 0);

	/* refused: the previous value stays */
	assert_int_equal(rs_setting_set_string(&p, pref, "10.0.0.1/33", reason, sizeof(reason)),
			 -EINVAL);
	assert_true(strncmp(reason, "is invalid: ", 12) == 0);
	assert_non_null(strstr(reason, "10.0.0.1/33"));
	assert_int_equal(p.pref.login_network_masks.n, 3);
	assert_int_equal(rs_setting_set_string(&p, pref, "10.0.0.0/8;;", reason, sizeof(reason)),
			 -EINVAL);
	assert_int_equal(
	    rs_setting_set_string(&p, pref, "host.example.com", reason, sizeof(reason)), -EINVAL);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(rs_setting_set_string(&p, pref, big, reason, sizeof(reason)), -E2BIG);
	assert_string_equal(p.pref.login_network_masks_text,
			    "10.0.0.0/8;192.168.1.0/24;2001:db8::/32");
	assert_int_equal(rs_setting_set_int(&p, pref, 8, reason, sizeof(reason)), -EINVAL);
	assert_string_equal(reason, "must be a string of CIDR masks separated by ';' (got an "
				    "integer)");

	/* "" means anywhere */
	assert_int_equal(rs_setting_set_string(&p, pref, "", reason, sizeof(reason)), 0);
	assert_int_equal(p.pref.login_network_masks.n, 0);

	/* the text and the list must agree */
	assert_int_equal(rs_policy_set_masks(p.pref.login_network_masks_text,
					     &p.pref.login_network_masks, "10.0.0.0/8", reason,
					     sizeof(reason)),
			 0);
	p.pref.login_network_masks.n = 0;
	assert_int_equal(rs_policy_validate(&p, &key, reason, sizeof(reason)), -EINVAL);
	assert_string_equal(key, "security_preference.login_network_masks");
	assert_string_equal(reason, "does not match its parsed list");
	strcpy(p.root.login_network_masks_text, "nonsense");
	p.pref.login_network_masks.n = 1;
	assert_int_equal(rs_policy_validate(&p, &key, reason, sizeof(reason)), -EINVAL);
	assert_string_equal(key, "root_account.login_network_masks");
}

/* --- validate ------------------------------------------------------------ */

static void test_validate(void **state)
{
	const char *key = NULL;
	char reason[REASON_LEN];
	struct rs_policy p;

	(void)state;
	rs_policy_init_defaults(&p);
	p.scope.min_uid = 1000;
	p.scope.max_uid = 1000;
	assert_int_equal(rs_policy_validate(&p, &key, reason, sizeof(reason)), 0);
	p.scope.max_uid = 999;
	assert_int_equal(rs_policy_validate(&p, &key, reason, sizeof(reason)), -EINVAL);
	assert_string_equal(key, "scope.max_uid");
	assert_string_equal(reason, "must be at least scope.min_uid (1000) (got 999)");

	rs_policy_init_defaults(&p);
	p.password.minimum_password_length = 7;
	assert_int_equal(rs_policy_validate(&p, &key, reason, sizeof(reason)), -EINVAL);
	assert_string_equal(key, "password_policy.minimum_password_length");
	assert_string_equal(reason, "must be between 8 and 32 (got 7)");

	rs_policy_init_defaults(&p);
	p.pref.max_idle_days_for_access_keys = 100;
	assert_int_equal(rs_policy_validate(&p, NULL, NULL, 0), -EINVAL);
	assert_int_equal(rs_policy_validate(&p, &key, reason, sizeof(reason)), -EINVAL);
	assert_string_equal(key, "security_preference.max_idle_days_for_access_keys");

	rs_policy_init_defaults(&p);
	p.pref.mfa_operation_for_login = (enum rs_mfa_operation)3;
	assert_int_equal(rs_policy_validate(&p, &key, reason, sizeof(reason)), -EINVAL);
	assert_string_equal(key, "security_preference.mfa_operation_for_login");

	rs_policy_init_defaults(&p);
	strcpy(p.policyd.database, "relative.db");
	assert_int_equal(rs_policy_validate(&p, &key, reason, sizeof(reason)), -EINVAL);
	assert_string_equal(key, "policyd.database");
	memset(p.policyd.database, 'a', sizeof(p.policyd.database)); /* no NUL */
	assert_int_equal(rs_policy_validate(&p, &key, reason, sizeof(reason)), -EINVAL);

	rs_policy_init_defaults(&p);
	strcpy(p.scope.groups.name[0], "bad name");
	p.scope.groups.n = 1;
	assert_int_equal(rs_policy_validate(&p, &key, reason, sizeof(reason)), -EINVAL);
	assert_string_equal(key, "scope.groups");
	p.scope.groups.n = RS_LIST_MAX + 1;
	assert_int_equal(rs_policy_validate(&p, &key, reason, sizeof(reason)), -EINVAL);
}

/* --- rendering ----------------------------------------------------------- */

static void test_render_every_key(void **state)
{
	static char json[OUT_LEN], text[OUT_LEN];
	static const char tail[] = "\"home_base\":\"/home\",\"enumerate\":false}}";
	char want[160];
	const char *at;
	struct rs_policy p;

	(void)state;
	rs_policy_init_defaults(&p);
	render(&p, true, json, sizeof(json));
	render(&p, false, text, sizeof(text));
	assert_true(strncmp(json, "{\"password_policy\":{\"minimum_password_length\":8,", 48) == 0);
	assert_string_equal(json + strlen(json) - strlen(tail), tail);
	for (size_t i = 0; i < NKEYS; i++) {
		char group[64], key[64], open[80];

		split(all_keys[i], group, key);
		snprintf(open, sizeof(open), "\"%s\":{", group);
		snprintf(want, sizeof(want), "\"%s\":", key);
		if (!in_section(json, open, "}", want))
			fail_msg("json lacks %s in %s", want, open);
		snprintf(open, sizeof(open), "%s = {\n", group);
		at = strstr(text, open);
		assert_true(at && (at == text || at[-1] == '\n'));
		snprintf(want, sizeof(want), "\t%s = ", key);
		if (!in_section(text, open, "\n};\n", want))
			fail_msg("text lacks %s in %s", want + 1, group);
	}
	assert_non_null(strstr(text, "\tmfa_operation_for_login = \"independent\";\n"));
	assert_non_null(strstr(text, "\tbreak_glass_users = [ \"root\" ];\n"));
	assert_non_null(strstr(text, "\tlocal_logons_bypass_masks = true;\n"));
	assert_non_null(strstr(json, "\"mfa_operation_for_login\":\"independent\""));
	assert_non_null(strstr(json, "\"groups\":[]"));
	assert_non_null(strstr(json, "\"socket\":\"/run/ramsec/policyd.sock\""));
}

static void test_render_wide_and_overflow(void **state)
{
	const struct rs_setting *s = must_find("scope", "max_uid");
	char reason[REASON_LEN], small[64];
	struct rs_policy p;
	struct rs_buf b;

	(void)state;
	rs_policy_init_defaults(&p);
	assert_int_equal(rs_setting_set_int(&p, s, 4294967294LL, reason, sizeof(reason)), 0);
	assert_string_equal(value_of(&p, s, false), "4294967294L"); /* libconfig needs the L */
	assert_string_equal(value_of(&p, s, true), "4294967294");
	assert_int_equal(rs_setting_set_int(&p, s, 2147483647LL, reason, sizeof(reason)), 0);
	assert_string_equal(value_of(&p, s, false), "2147483647");

	rs_buf_init(&b, small, sizeof(small));
	rs_policy_render(&p, true, &b);
	assert_true(b.overflow);
	assert_true(strlen(small) < sizeof(small));
}

static void test_summary(void **state)
{
	char buf[128], reason[REASON_LEN];
	struct rs_policy p;

	(void)state;
	rs_policy_init_defaults(&p);
	rs_policy_summary(&p, buf, sizeof(buf));
	assert_string_equal(buf, "password min 8, attempts 0, masks 0, mfa independent");
	assert_int_equal(rs_setting_set_int(&p, must_find("password_policy", "max_login_attempts"),
					    5, reason, sizeof(reason)),
			 0);
	assert_int_equal(
	    rs_setting_set_string(&p, must_find("security_preference", "login_network_masks"),
				  "10.0.0.0/8;10.1.0.0/16", reason, sizeof(reason)),
	    0);
	assert_int_equal(
	    rs_setting_set_string(&p, must_find("security_preference", "mfa_operation_for_login"),
				  "mandatory", reason, sizeof(reason)),
	    0);
	rs_policy_summary(&p, buf, sizeof(buf));
	assert_string_equal(buf, "password min 8, attempts 5, masks 2, mfa mandatory");
}

static void test_expected(void **state)
{
	char buf[128];

	(void)state;
	rs_setting_expected(must_find("password_policy", "minimum_password_length"), buf,
			    sizeof(buf));
	assert_string_equal(buf, "an integer between 8 and 32");
	rs_setting_expected(must_find("scope", "groups"), buf, sizeof(buf));
	assert_string_equal(buf, "a list of names such as [\"root\"]");
	rs_setting_expected(must_find("root_account", "governed"), buf, sizeof(buf));
	assert_string_equal(buf, "true or false");
}

/* Every setting is documented (ramsec.conf(5) is made from the table). */
static void test_every_setting_documented(void **state)
{
	static char text[65536];
	struct rs_buf b;

	(void)state;
	for (size_t i = 0; i < rs_setting_count(); i++) {
		const struct rs_setting *s = rs_setting_at(i);
		const char *ram = NULL, *doc = rs_setting_doc(s, &ram);

		if (!doc || strlen(doc) < 10)
			fail_msg("%s has no documentation in lib/settings_doc.c", s->name);
	}
	rs_buf_init(&b, text, sizeof(text));
	rs_settings_man(&b);
	assert_false(b.overflow);
	assert_non_null(strstr(text, ".B minimum_password_length\n"));
	assert_non_null(strstr(text, "Value: an integer between 8 and 32; default 8.  Mirrors RAM "
				     "SetPasswordPolicy MinimumPasswordLength."));
	assert_null(strstr(text, "(undocumented)"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_setting_documented),
	    cmocka_unit_test(test_every_key_known),
	    cmocka_unit_test(test_conninfo_masked),
	    cmocka_unit_test(test_defaults_equal_ram),
	    cmocka_unit_test(test_int_boundaries),
	    cmocka_unit_test(test_int_exact_message),
	    cmocka_unit_test(test_idle_days),
	    cmocka_unit_test(test_bools),
	    cmocka_unit_test(test_mfa_enum),
	    cmocka_unit_test(test_name_valid),
	    cmocka_unit_test(test_name_lists),
	    cmocka_unit_test(test_paths),
	    cmocka_unit_test(test_masks),
	    cmocka_unit_test(test_validate),
	    cmocka_unit_test(test_render_every_key),
	    cmocka_unit_test(test_render_wide_and_overflow),
	    cmocka_unit_test(test_summary),
	    cmocka_unit_test(test_expected),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
