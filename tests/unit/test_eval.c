// SPDX-License-Identifier: MIT
/*
 * Unit tests for lib/eval.c: who is governed, which tty is a console, and
 * the decisions of a logon with the exact messages a user reads.  Unknown
 * users must get what known users get (no oracle), except that a right
 * password never lets them in.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ramsec/eval.h"

#define T	 INT64_C(1700000000)
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

#define DENIED(addr) "Access denied: logons from " addr " are not allowed for this account."
#define NOT_AN_ADDRESS                                                                             \
	"Access denied: the source address is not allowed for this account (it is not an IP "      \
	"address)."
#define NO_LOCAL  "Access denied: local logons are not allowed for this account."
#define LOCKED(n) "The account is locked after too many failed logon attempts; try again in " n "."

/* --- policy helpers ----------------------------------------------------------- */

static const struct rs_setting *setting(const char *name)
{
	const struct rs_setting *s = rs_setting_lookup(name);

	if (!s)
		fail_msg("no setting %s", name);
	return s;
}

static void set_bool(struct rs_policy *p, const char *name, bool v)
{
	assert_int_equal(rs_setting_set_bool(p, setting(name), v, NULL, 0), 0);
}

static void set_int(struct rs_policy *p, const char *name, long long v)
{
	assert_int_equal(rs_setting_set_int(p, setting(name), v, NULL, 0), 0);
}

static void set_masks(struct rs_policy *p, const char *name, const char *text)
{
	char reason[256];

	if (rs_setting_set_string(p, setting(name), text, reason, sizeof(reason)) != 0)
		fail_msg("%s = \"%s\": %s", name, text, reason);
}

/* Fails unless d is verdict v, reason r and message msg. */
static void expect(const struct rs_decision *d, enum rs_verdict v, enum rs_reason r,
		   const char *msg, const char *what)
{
	if (d->verdict != v || d->reason != r || strcmp(d->message, msg) != 0)
		fail_msg("%s: got %s/%s \"%s\", want %s/%s \"%s\"", what,
			 rs_verdict_str(d->verdict), rs_reason_str(d->reason), d->message,
			 rs_verdict_str(v), rs_reason_str(r), msg);
}

/* --- scope ---------------------------------------------------------------------- */

struct scope_case {
	const char *name;
	bool root_governed;
	const char *exclude;   /* NULL: none */
	long min_uid, max_uid; /* 0, 0: the defaults 1000, 60000 */
	uint32_t uid, gid;
	bool want;
};

static const uint32_t scope_gids[] = {4242, 5000};

static const struct scope_case scope_cases[] = {
    {"root", true, NULL, 0, 0, 0, 0, true},
    {"root ungoverned", false, NULL, 0, 0, 0, 0, false},
    {"root ungoverned, in a scope group", false, NULL, 0, 0, 0, 4242, false},
    {"root", true, "root", 0, 0, 0, 0, false},
    {"alice", true, NULL, 0, 0, 999, 100, false},
    {"alice", true, NULL, 0, 0, 1000, 100, true},
    {"alice", true, NULL, 0, 0, 60000, 100, true},
    {"alice", true, NULL, 0, 0, 60001, 100, false},
    {"alice", true, NULL, 0, 0, 4294967294u, 100, false},
    {"alice", true, NULL, 2000, 3000, 1999, 100, false},
    {"alice", true, NULL, 2000, 3000, 2000, 100, true},
    {"alice", true, NULL, 2000, 3000, 3000, 100, true},
    {"alice", true, NULL, 2000, 3000, 3001, 100, false},
    {"svc", true, NULL, 0, 0, 500, 4242, true},
    {"svc", true, NULL, 0, 0, 70000, 5000, true},
    {"svc", true, NULL, 0, 0, 500, 4243, false},
    {"alice", true, "alice", 0, 0, 1500, 100, false},
    {"alice", true, "alice", 0, 0, 500, 4242, false},
    {"bob", true, "alice", 0, 0, 1500, 100, true},
    {"Alice", true, "alice", 0, 0, 1500, 100, true}, /* names are case-sensitive */
};

static void test_scope(void **state)
{
	static struct rs_policy p;

	(void)state;
	for (size_t i = 0; i < NELEM(scope_cases); i++) {
		const struct scope_case *c = &scope_cases[i];
		uint32_t gids[] = {100, c->gid};
		struct rs_identity id = {.uid = c->uid, .gids = gids, .ngids = NELEM(gids)};
		bool got;

		rs_policy_init_defaults(&p);
		set_bool(&p, "root_account.governed", c->root_governed);
		if (c->exclude)
			assert_int_equal(rs_setting_add_name(&p, setting("scope.exclude_users"),
							     c->exclude, NULL, 0),
					 0);
		if (c->max_uid) {
			set_int(&p, "scope.min_uid", c->min_uid);
			set_int(&p, "scope.max_uid", c->max_uid);
		}
		got = rs_scope_governs(&p, c->name, &id, scope_gids, NELEM(scope_gids));
		if (got != c->want)
			fail_msg("case %zu: %s uid %u gid %u: governed %d, want %d", i, c->name,
				 c->uid, c->gid, got, c->want);
		/* without scope groups only the uid counts */
		if (c->uid == 500 || c->uid == 70000)
			assert_false(rs_scope_governs(&p, c->name, &id, NULL, 0));
	}
}

/* --- console ttys ---------------------------------------------------------------- */

static const char *const consoles[] = {
    "tty1",    "/dev/tty1", "tty0", "tty9999", "ttyS0",	       "/dev/ttyS1",
    "ttyAMA0", "ttyUSB0",   "hvc0", "console", "/dev/console",
};

static const char *const not_consoles[] = {
    "pts/0",
    "/dev/pts/0",
    "tty",
    "ttyp0",
    "tty1a",
    ":0",
    ":0.0",
    "",
    "tty12345",
    "../tty1",
    "/dev/../tty1",
    "/dev/",
    "/dev//dev/tty1",
    "ttyS",
    "hvc",
    "tty-1",
    "tty+1",
    "tty 1",
    " tty1",
    "tty1\n",
    "Console",
    "console0",
    "/devtty1",
    "dev/tty1",
    "ssh",
    "vt1",
    "tty\xd9\xa1",
};

static void test_console_names(void **state)
{
	(void)state;
	for (size_t i = 0; i < NELEM(consoles); i++)
		if (!rs_tty_is_console_name(consoles[i]))
			fail_msg("\"%s\" is a console", consoles[i]);
	for (size_t i = 0; i < NELEM(not_consoles); i++)
		if (rs_tty_is_console_name(not_consoles[i]))
			fail_msg("\"%s\" is not a console", not_consoles[i]);
	assert_false(rs_tty_is_console_name(NULL));
}

/* --- masks at auth start, pre-verify and account ----------------------------------- */

struct mask_case {
	const char *name;
	const char *user_masks, *root_masks;
	bool no_bypass; /* local_logons_bypass_masks = false */
	bool exempt;	/* exempt_key_logins_from_masks = true */
	bool is_root, key_login;
	const char *rhost;
	const char *deny; /* NULL: allowed; else the message */
};

static const struct mask_case mask_cases[] = {
    {"no masks", "", "", false, false, false, false, "203.0.113.5", NULL},
    {"no masks, no rhost, no bypass", "", "", true, false, false, false, NULL, NULL},
    {"no masks, hostname", "", "", false, false, false, false, "host.example.com", NULL},
    {"inside v4", "10.0.0.0/8", "", false, false, false, false, "10.1.2.3", NULL},
    {"outside v4", "10.0.0.0/8", "", false, false, false, false, "198.51.100.7",
     DENIED("198.51.100.7")},
    {"last of a /24", "192.0.2.0/24", "", false, false, false, false, "192.0.2.255", NULL},
    {"next after a /24", "192.0.2.0/24", "", false, false, false, false, "192.0.3.0",
     DENIED("192.0.3.0")},
    {"second of two masks", "10.0.0.0/8; 2001:db8::/32", "", false, false, false, false,
     "2001:db8:ffff::1", NULL},
    {"outside v6", "2001:db8::/32", "", false, false, false, false, "2001:db9::1",
     DENIED("2001:db9::1")},
    {"v6 shown normalised", "10.0.0.0/8", "", false, false, false, false, "2001:DB8:0::1",
     DENIED("2001:db8::1")},
    {"mapped inside", "10.0.0.0/8", "", false, false, false, false, "::ffff:10.0.0.1", NULL},
    {"mapped outside", "10.0.0.0/8", "", false, false, false, false, "::ffff:198.51.100.7",
     DENIED("198.51.100.7")},
    {"mapped vs ::/0", "::/0", "", false, false, false, false, "::ffff:10.0.0.1",
     DENIED("10.0.0.1")},
    {"v4 in a mapped mask", "::ffff:10.0.0.0/104", "", false, false, false, false, "10.9.9.9",
     NULL},
    {"zone inside", "fe80::/10", "", false, false, false, false, "fe80::1%eth0", NULL},
    {"zone outside", "2001:db8::/32", "", false, false, false, false, "fe80::1%eth0",
     DENIED("fe80::1")},
    {"hostname", "10.0.0.0/8", "", false, false, false, false, "host.example.com", NOT_AN_ADDRESS},
    {"hostname like an address", "10.0.0.0/8", "", false, false, false, false,
     "10.0.0.1.example.com", NOT_AN_ADDRESS},
    {"octal address", "0.0.0.0/0", "", false, false, false, false, "010.0.0.1", NOT_AN_ADDRESS},
    {"bracketed v6", "::/0", "", false, false, false, false, "[::1]", NOT_AN_ADDRESS},
    {"format directives", "10.0.0.0/8", "", false, false, false, false, "%n%s%s", NOT_AN_ADDRESS},
    {"no rhost, bypass", "10.0.0.0/8", "", false, false, false, false, NULL, NULL},
    {"empty rhost, bypass", "10.0.0.0/8", "", false, false, false, false, "", NULL},
    {"no rhost, no bypass", "10.0.0.0/8", "", true, false, false, false, NULL, NO_LOCAL},
    {"empty rhost, no bypass", "10.0.0.0/8", "", true, false, false, false, "", NO_LOCAL},
    {"root inside its masks", "10.0.0.0/8", "192.0.2.0/24", false, false, true, false, "192.0.2.9",
     NULL},
    {"root only in users' masks", "10.0.0.0/8", "192.0.2.0/24", false, false, true, false,
     "10.1.2.3", DENIED("10.1.2.3")},
    {"user only in root's masks", "10.0.0.0/8", "192.0.2.0/24", false, false, false, false,
     "192.0.2.9", DENIED("192.0.2.9")},
    {"root without masks", "10.0.0.0/8", "", false, false, true, false, "198.51.100.7", NULL},
    {"user when only root has masks", "", "192.0.2.0/24", false, false, false, false,
     "198.51.100.7", NULL},
    {"root, no rhost, no bypass", "", "192.0.2.0/24", true, false, true, false, NULL, NO_LOCAL},
    {"key login, exempt", "10.0.0.0/8", "", false, true, false, true, "198.51.100.7", NULL},
    {"key login, not exempt", "10.0.0.0/8", "", false, false, false, true, "198.51.100.7",
     DENIED("198.51.100.7")},
    {"password logon, exempt on", "10.0.0.0/8", "", false, true, false, false, "198.51.100.7",
     DENIED("198.51.100.7")},
    {"root key login, exempt", "", "192.0.2.0/24", false, true, true, true, "198.51.100.7", NULL},
    {"root key login, not exempt", "", "192.0.2.0/24", false, false, true, true, "198.51.100.7",
     DENIED("198.51.100.7")},
};

static void mask_policy(struct rs_policy *p, const struct mask_case *c)
{
	rs_policy_init_defaults(p);
	set_masks(p, "security_preference.login_network_masks", c->user_masks);
	set_masks(p, "root_account.login_network_masks", c->root_masks);
	set_bool(p, "security_preference.local_logons_bypass_masks", !c->no_bypass);
	set_bool(p, "security_preference.exempt_key_logins_from_masks", c->exempt);
}

static void test_masks(void **state)
{
	static struct rs_policy p;
	const struct rs_lock_state unlocked = {0};

	(void)state;
	for (size_t i = 0; i < NELEM(mask_cases); i++) {
		const struct mask_case *c = &mask_cases[i];
		struct rs_facts f = {.user = c->is_root ? "root" : "alice",
				     .known = true,
				     .governed = true,
				     .is_root = c->is_root,
				     .rhost = c->rhost,
				     .password_logon = !c->key_login,
				     .key_login = c->key_login};
		enum rs_verdict v = c->deny ? RS_V_DENY : RS_V_CONTINUE;
		enum rs_reason r = c->deny ? RS_R_MASK : RS_R_NONE;
		const char *msg = c->deny ? c->deny : "";
		struct rs_decision d;

		mask_policy(&p, c);
		if (rs_masks_allow(&p, &f) != !c->deny)
			fail_msg("%s: rs_masks_allow = %d, want %d", c->name, !c->deny ? 0 : 1,
				 !c->deny);
		rs_eval_auth_start(&p, &f, &d);
		expect(&d, v, r, msg, c->name);
		assert_int_equal(rs_eval_pre_verify(&p, &f, &unlocked, T, &d), !!c->deny);
		expect(&d, v, r, msg, c->name);
		rs_eval_account(&p, &f, &unlocked, T, &d);
		expect(&d, c->deny ? RS_V_DENY : RS_V_ALLOW, r, msg, c->name);

		/* an unknown name is masked the same way (no oracle) */
		f.known = f.governed = f.is_root = false;
		f.user = "nosuchuser";
		if (c->is_root)
			continue;
		rs_eval_auth_start(&p, &f, &d);
		expect(&d, v, r, msg, c->name);
		assert_int_equal(rs_eval_pre_verify(&p, &f, &unlocked, T, &d), !!c->deny);
		expect(&d, v, r, msg, c->name);
		rs_eval_account(&p, &f, &unlocked, T, &d);
		expect(&d, RS_V_DENY, RS_R_UNKNOWN_USER, "", c->name);
	}
}

/* A 1 KiB rhost and one over: not an address, denied with the short message. */
static void test_long_rhost(void **state)
{
	static struct rs_policy p;
	static char rhost[1100];
	struct rs_facts f = {.user = "alice", .known = true, .governed = true, .rhost = rhost};
	struct rs_decision d;

	(void)state;
	mask_policy(&p, &mask_cases[4]);
	for (size_t n = 1023; n <= 1025; n++) {
		memset(rhost, 'a', n);
		rhost[n] = '\0';
		rs_eval_auth_start(&p, &f, &d);
		expect(&d, RS_V_DENY, RS_R_MASK, NOT_AN_ADDRESS, "long rhost");
	}
}

/* Known but not governed: ignored whatever the masks say. */
static void test_out_of_scope(void **state)
{
	static struct rs_policy p;
	struct rs_facts f = {.user = "svc", .known = true, .rhost = "198.51.100.7"};
	struct rs_lock_state locked = {.locked_until = T + 100};
	struct rs_decision d;

	(void)state;
	mask_policy(&p, &mask_cases[4]);
	rs_eval_auth_start(&p, &f, &d);
	expect(&d, RS_V_IGNORE, RS_R_OUT_OF_SCOPE, "", "auth start");
	assert_true(rs_eval_pre_verify(&p, &f, &locked, T, &d));
	expect(&d, RS_V_IGNORE, RS_R_OUT_OF_SCOPE, "", "pre verify");
	rs_eval_account(&p, &f, &locked, T, &d);
	expect(&d, RS_V_IGNORE, RS_R_OUT_OF_SCOPE, "", "account");
	/* an unknown name is governed: it goes on to the prompt */
	f.known = false;
	f.rhost = "10.0.0.1";
	rs_eval_auth_start(&p, &f, &d);
	expect(&d, RS_V_CONTINUE, RS_R_NONE, "", "unknown");
}

/* --- the lock through the decisions ----------------------------------------------- */

/* Seconds before the end of a lock, and what the user reads. */
static const struct {
	int64_t before_end;
	const char *msg;
	int64_t minutes;
} lock_steps[] = {
    {3600, LOCKED("60 minutes"), 60}, {3541, LOCKED("60 minutes"), 60},
    {3540, LOCKED("59 minutes"), 59}, {61, LOCKED("2 minutes"), 2},
    {60, LOCKED("1 minute"), 1},      {1, LOCKED("1 minute"), 1},
};

/* max_login_attempts = 5: four wrong passwords say nothing, the fifth locks
 * for 60 minutes, and the lock counts down to "1 minute". */
static void run_lockout(const struct rs_facts *f, struct rs_lock_state *s)
{
	static struct rs_policy p;
	enum rs_reason bad = f->known ? RS_R_BAD_PASSWORD : RS_R_UNKNOWN_USER;
	struct rs_decision d;
	int64_t end;

	rs_policy_init_defaults(&p);
	set_int(&p, "password_policy.max_login_attempts", 5);
	memset(s, 0, sizeof(*s));
	for (int i = 0; i < 4; i++) {
		assert_false(rs_eval_pre_verify(&p, f, s, T + i, &d));
		expect(&d, RS_V_CONTINUE, RS_R_NONE, "", "before");
		rs_eval_password(&p, f, false, s, T + i, &d);
		expect(&d, RS_V_DENY, bad, "", "wrong password");
	}
	assert_false(rs_eval_pre_verify(&p, f, s, T + 4, &d));
	rs_eval_password(&p, f, false, s, T + 4, &d);
	expect(&d, RS_V_DENY, RS_R_LOCKED, LOCKED("60 minutes"), "5th wrong password");
	assert_int_equal(d.minutes, 60);
	end = T + 4 + RS_LOCK_DURATION;
	assert_true(s->locked_until == end);

	for (size_t i = 0; i < NELEM(lock_steps); i++) {
		assert_true(rs_eval_pre_verify(&p, f, s, end - lock_steps[i].before_end, &d));
		expect(&d, RS_V_DENY, RS_R_LOCKED, lock_steps[i].msg, "locked");
		assert_int_equal(d.minutes, lock_steps[i].minutes);
		if (!f->known)
			continue;
		rs_eval_account(&p, f, s, end - lock_steps[i].before_end, &d);
		expect(&d, RS_V_DENY, RS_R_LOCKED, lock_steps[i].msg, "account while locked");
	}
	/* the clock stepped back a day: still locked, never unlocked early */
	assert_true(rs_eval_pre_verify(&p, f, s, T - 86400, &d));
	assert_int_equal(d.reason, RS_R_LOCKED);
	/* at the end: free again, and the count starts afresh */
	assert_false(rs_eval_pre_verify(&p, f, s, end, &d));
	expect(&d, RS_V_CONTINUE, RS_R_NONE, "", "after the lock");
	if (f->known) {
		rs_eval_account(&p, f, s, end, &d);
		expect(&d, RS_V_ALLOW, RS_R_NONE, "", "account after the lock");
	}
	rs_eval_password(&p, f, false, s, end, &d);
	expect(&d, RS_V_DENY, bad, "", "first failure after the lock");
}

static void test_lockout_known_and_unknown(void **state)
{
	struct rs_facts known = {
	    .user = "alice", .known = true, .governed = true, .password_logon = true};
	struct rs_facts unknown = {.user = "alcie", .password_logon = true};
	struct rs_lock_state a, b;

	(void)state;
	run_lockout(&known, &a);
	run_lockout(&unknown, &b);
	assert_memory_equal(&a, &b, sizeof(a)); /* the same state, the same times */
}

static void test_password_ok(void **state)
{
	static struct rs_policy p;
	struct rs_facts f = {.user = "alice", .known = true, .governed = true};
	struct rs_lock_state s = {0}, zero = {0};
	struct rs_decision d;

	(void)state;
	rs_policy_init_defaults(&p);
	set_int(&p, "password_policy.max_login_attempts", 5);
	for (int i = 0; i < 4; i++)
		rs_eval_password(&p, &f, false, &s, T + i, &d);
	rs_eval_password(&p, &f, true, &s, T + 10, &d);
	expect(&d, RS_V_ALLOW, RS_R_NONE, "", "right password");
	assert_int_equal(d.minutes, 0);
	assert_memory_equal(&s, &zero, sizeof(s)); /* failures cleared */
	for (int i = 0; i < 4; i++) {
		rs_eval_password(&p, &f, false, &s, T + 20 + i, &d);
		expect(&d, RS_V_DENY, RS_R_BAD_PASSWORD, "", "again");
	}
}

/* An unknown name never gets in, even with a "right" password: it counts
 * as a failure like any other. */
static void test_password_unknown_user(void **state)
{
	static struct rs_policy p;
	struct rs_facts f = {.user = "nosuchuser"};
	struct rs_lock_state s = {0};
	struct rs_decision d;

	(void)state;
	rs_policy_init_defaults(&p);
	for (int i = 0; i < 100; i++) {
		rs_eval_password(&p, &f, true, &s, T + i, &d);
		expect(&d, RS_V_DENY, RS_R_UNKNOWN_USER, "", "unknown, ok");
	}
	assert_int_equal(s.nfail, RS_FAIL_MAX);
	set_int(&p, "password_policy.max_login_attempts", 1);
	rs_lock_clear(&s);
	rs_eval_password(&p, &f, true, &s, T, &d);
	expect(&d, RS_V_DENY, RS_R_LOCKED, LOCKED("60 minutes"), "unknown, ok, 1 attempt");
}

/* max_login_attempts = 0: wrong passwords are refused but never lock. */
static void test_unlimited_attempts(void **state)
{
	static struct rs_policy p;
	struct rs_facts f = {.user = "alice", .known = true, .governed = true};
	struct rs_lock_state s = {0};
	struct rs_decision d;

	(void)state;
	rs_policy_init_defaults(&p);
	assert_int_equal(p.password.max_login_attempts, 0);
	for (int i = 0; i < 100; i++) {
		rs_eval_password(&p, &f, false, &s, T + i, &d);
		expect(&d, RS_V_DENY, RS_R_BAD_PASSWORD, "", "unlimited");
		assert_false(rs_eval_pre_verify(&p, &f, &s, T + i, &d));
	}
	rs_eval_password(&p, &f, true, &s, T + 200, &d);
	expect(&d, RS_V_ALLOW, RS_R_NONE, "", "unlimited, right password");
}

/* The account phase: masks first; the lock and the password's validity
 * bind password logons only (RAM: access keys are not locked by password
 * guesses, nor cut off by password expiry). */
static void test_account_order(void **state)
{
	static struct rs_policy p;
	struct rs_facts f = {.user = "alice",
			     .known = true,
			     .governed = true,
			     .rhost = "198.51.100.7",
			     .key_login = true};
	struct rs_lock_state s = {.locked_until = T + 60};
	struct rs_decision d;

	(void)state;
	mask_policy(&p, &mask_cases[4]);
	rs_eval_account(&p, &f, &s, T, &d);
	expect(&d, RS_V_DENY, RS_R_MASK, DENIED("198.51.100.7"), "key login: masked and locked");
	set_bool(&p, "security_preference.exempt_key_logins_from_masks", true);
	rs_eval_account(&p, &f, &s, T, &d);
	expect(&d, RS_V_ALLOW, RS_R_NONE, "", "exempt key login: the lock is not for keys");
	set_int(&p, "password_policy.max_password_age", 90);
	set_bool(&p, "password_policy.hard_expire", true);
	f.pw.set_at = T - 91 * RS_DAY;
	f.pw.reset_required = true;
	rs_eval_account(&p, &f, &s, T, &d);
	expect(&d, RS_V_ALLOW, RS_R_NONE, "", "key login: hard expired, reset required, locked");

	/* the same user with a password: every password rule applies */
	f.key_login = false;
	f.password_logon = true;
	f.rhost = "10.0.0.1";
	rs_eval_account(&p, &f, &s, T, &d);
	expect(&d, RS_V_DENY, RS_R_LOCKED, LOCKED("1 minute"), "password logon, locked");
	assert_int_equal(d.minutes, 1);
	rs_eval_account(&p, &f, &s, T + 60, &d);
	expect(&d, RS_V_DENY, RS_R_PW_EXPIRED,
	       "Your password has expired; an administrator must reset it.", "hard expired");

	/* local, no password checked (su from root, cron): no password rules */
	f.password_logon = f.key_login = false;
	f.rhost = NULL;
	rs_eval_account(&p, &f, &s, T, &d);
	expect(&d, RS_V_ALLOW, RS_R_NONE, "", "su from root while locked and expired");
}

static const struct {
	const char *name;
	bool hard_expire, reset_required, is_root;
	int64_t age_days; /* of the password; max_password_age = 90 */
	enum rs_verdict v;
	enum rs_reason r;
	const char *msg;
} validity_cases[] = {
    {"fresh", false, false, false, 1, RS_V_ALLOW, RS_R_NONE, ""},
    {"5 days left", false, false, false, 85, RS_V_ALLOW, RS_R_NONE,
     "Your password expires in 5 days."},
    {"1 day left", false, false, false, 89, RS_V_ALLOW, RS_R_NONE,
     "Your password expires in 1 day."},
    {"expired", false, false, false, 90, RS_V_CHANGE, RS_R_PW_CHANGE,
     "Your password has expired; you must change it now."},
    {"hard expired", true, false, false, 91, RS_V_DENY, RS_R_PW_EXPIRED,
     "Your password has expired; an administrator must reset it."},
    {"reset required", false, true, false, 1, RS_V_CHANGE, RS_R_PW_CHANGE,
     "You are required to change your password now."},
    {"root, expired", true, true, true, 400, RS_V_ALLOW, RS_R_NONE, ""},
};

static void test_account_validity(void **state)
{
	static struct rs_policy p;
	const struct rs_lock_state s = {0};
	struct rs_decision d;

	(void)state;
	for (size_t i = 0; i < NELEM(validity_cases); i++) {
		struct rs_facts f = {
		    .user = "alice", .known = true, .governed = true, .password_logon = true};

		rs_policy_init_defaults(&p);
		set_int(&p, "password_policy.max_password_age", 90);
		set_bool(&p, "password_policy.hard_expire", validity_cases[i].hard_expire);
		f.is_root = validity_cases[i].is_root;
		f.pw.set_at = T - validity_cases[i].age_days * RS_DAY;
		f.pw.reset_required = validity_cases[i].reset_required;
		rs_eval_account(&p, &f, &s, T, &d);
		expect(&d, validity_cases[i].v, validity_cases[i].r, validity_cases[i].msg,
		       validity_cases[i].name);
	}
}

/* Secrets outside a logon: one counter with logons; locked = refused even
 * when right; with max_login_attempts 0 the user's own requests are capped
 * at 5 wrong ones in 5 minutes, root's are not. */
static void test_secret_gate(void **state)
{
	static struct rs_policy p;
	struct rs_lock_state s = {0};
	struct rs_decision d;

	(void)state;
	rs_policy_init_defaults(&p);
	set_int(&p, "password_policy.max_login_attempts", 3);
	for (int i = 0; i < 2; i++) {
		assert_false(rs_eval_secret_gate(&p, &s, true, T + i, &d));
		expect(&d, RS_V_CONTINUE, RS_R_NONE, "", "before");
		rs_eval_secret_wrong(&p, &s, true, T + i, RS_R_MFA_WRONG, "wrong code", &d);
		expect(&d, RS_V_DENY, RS_R_MFA_WRONG, "wrong code", "wrong");
	}
	rs_eval_secret_wrong(&p, &s, true, T + 2, RS_R_MFA_WRONG, "wrong code", &d);
	expect(&d, RS_V_DENY, RS_R_LOCKED, LOCKED("60 minutes"), "the 3rd locks");
	assert_true(rs_eval_secret_gate(&p, &s, false, T + 3, &d));
	expect(&d, RS_V_DENY, RS_R_LOCKED, LOCKED("60 minutes"), "locked: root's request too");
	assert_true(rs_eval_secret_gate(&p, &s, true, T + 3602 - 60, &d));
	expect(&d, RS_V_DENY, RS_R_LOCKED, LOCKED("1 minute"), "a minute left");
	assert_false(rs_eval_secret_gate(&p, &s, true, T + 3602, &d));

	/* the same counter as the logon's: a locked logon locks these too */
	memset(&s, 0, sizeof(s));
	rs_lock_record_failure(&s, T, 3);
	rs_lock_record_failure(&s, T, 3);
	rs_lock_record_failure(&s, T, 3);
	assert_true(rs_eval_secret_gate(&p, &s, true, T, &d));

	/* max_login_attempts 0: no lock, but 5 in 5 minutes for self-service */
	set_int(&p, "password_policy.max_login_attempts", 0);
	memset(&s, 0, sizeof(s));
	for (int i = 0; i < 4; i++)
		rs_eval_secret_wrong(&p, &s, true, T + i, RS_R_BAD_PASSWORD, "wrong", &d);
	expect(&d, RS_V_DENY, RS_R_BAD_PASSWORD, "wrong", "4th");
	rs_eval_secret_wrong(&p, &s, true, T + 4, RS_R_BAD_PASSWORD, "wrong", &d);
	expect(&d, RS_V_DENY, RS_R_THROTTLED, "Too many wrong attempts; try again in 5 minutes.",
	       "5th: capped");
	assert_true(rs_eval_secret_gate(&p, &s, true, T + 299, &d));
	expect(&d, RS_V_DENY, RS_R_THROTTLED, "Too many wrong attempts; try again in 1 minute.",
	       "capped for the rest of the window");
	assert_false(rs_eval_secret_gate(&p, &s, false, T + 5, &d)); /* root: no cap */
	assert_false(rs_eval_secret_gate(&p, &s, true, T + 300, &d));
	assert_true(s.locked_until == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_scope),
	    cmocka_unit_test(test_console_names),
	    cmocka_unit_test(test_masks),
	    cmocka_unit_test(test_long_rhost),
	    cmocka_unit_test(test_out_of_scope),
	    cmocka_unit_test(test_lockout_known_and_unknown),
	    cmocka_unit_test(test_password_ok),
	    cmocka_unit_test(test_password_unknown_user),
	    cmocka_unit_test(test_unlimited_attempts),
	    cmocka_unit_test(test_account_order),
	    cmocka_unit_test(test_account_validity),
	    cmocka_unit_test(test_secret_gate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
