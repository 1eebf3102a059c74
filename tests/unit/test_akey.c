// SPDX-License-Identifier: MIT
/*
 * Unit tests for lib/akey.c: parsing authorized_keys style lines (real
 * keys made by ssh-keygen, and synthetic blobs for the types and sizes
 * ssh-keygen cannot make here), finding the key in SSH_AUTH_INFO_0, and
 * when a key is idle.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ramsec/akey.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define T	 INT64_C(1700000000)
#define DAY	 INT64_C(86400)

/* ssh-keygen -t ed25519|ecdsa|rsa -N "" -C "user@host TYPE key" */
#define ED25519_B64 "AAAAC3NzaC1lZDI1NTE5AAAAIFiP2w70dH5+Fnxxpva5NxrVF5NlcmPqZPGKcGCzTVjy"
#define ECDSA256_B64                                                                               \
	"AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBBWfZQWdWNKXZ2mWmcPMHG4WUw1LCVKKF8Go" \
	"Ku"                                                                                       \
	"O0mcMY50MAzZ5bhtRO00+8aaq4laDQ0+aNyESlXc1qcL+fijw="
#define ECDSA384_B64                                                                               \
	"AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAABhBHqkmMNxRM7IGcq8nFUtqoe4LSs/"         \
	"y99ecjJK0v"                                                                               \
	"xycz3bmjpVKvE9GSM90FaiNhzvmQL9EvJXD7JMRyrzJUu2eFB6OJkBKGDQsI0vo+nmNpRD+"                  \
	"QrJ0UADy9LMZN1plhDL"                                                                      \
	"eg=="
#define ECDSA521_B64                                                                               \
	"AAAAE2VjZHNhLXNoYTItbmlzdHA1MjEAAAAIbmlzdHA1MjEAAACFBAFhysuApTDvkUzH8NI3vowMMUuo95czOi5Y" \
	"ZN"                                                                                       \
	"Hm6lopQCiwkPn7dVHhEbUq49zV8QwLCnUQp4Q27Dd25yMkbsEsXQDKuz/FEs9qchanQyC0EYQ/"               \
	"g8FduJSsjLUqjh9M"                                                                         \
	"8dn3CI+rrRExny/9QYML3YY7pyq1ZCccKlq/CeWM8gvSNOb3xg=="
#define RSA_B64                                                                                    \
	"AAAAB3NzaC1yc2EAAAADAQABAAABgQCoZlduKNHs/"                                                \
	"iXvtJ2HfaYjc0j83CxqMafDtkCG6NFsA1ASFWfvoT1JCbuZXJ"                                        \
	"NQixWQSB9zQO0SmFW8BzMxr06smwoIKwFsBULcS3XxY1+785zGM+q8W/QpA+gvMXsIWy/"                    \
	"KSAg6JQFhb9ULaRhCbGV5"                                                                    \
	"Yd0JZ2kF4gOH7TTo9md5MRCEirCwmYIpOgH+ByJ34Zp0Mwc2RpYn975/"                                 \
	"dju3fNB6DSrNGWwUkR84J1XpRfDdREOcWv"                                                       \
	"MuBfqqXZMzltI4H0DoLQ8O9B+23Awazg0tfZ84I4eg4JSEiadLuK6u2UZP3/"                             \
	"P+noRjXLiQMUElubZhwm5PLPe4enf0"                                                           \
	"Tu9sbVhZVprsCa5YKlzttej3xZC1+"                                                            \
	"ukyTFOAVAr9g79ivOBAoZTV3kprqVM3z04BY0TVvQ4UHXpdjX81Kt3g4cqtJF"                            \
	"0Y/O377QKhpedhn1MGZUfAJ9O4xPaub+XHHJtMugoA+jyWMeS+DecMWZoO2PmPGtktLu/"                    \
	"eKhLbZntQ8mG6m39n5pQZ"                                                                    \
	"Lg0="

/* --- synthetic blobs: uint32 length, the type name, then filler ---------------- */

static void b64_encode(const unsigned char *in, size_t n, char *out)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 0;

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)in[i] << 16;

		if (i + 1 < n)
			v |= (unsigned)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		out[o++] = a[(v >> 18) & 63];
		out[o++] = a[(v >> 12) & 63];
		out[o++] = i + 1 < n ? a[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? a[v & 63] : '=';
	}
	out[o] = '\0';
}

/* The base64 of a blob of total bytes naming blob_type. */
static void synth_b64(const char *blob_type, size_t total, char *out)
{
	unsigned char blob[2048];
	size_t tl = strlen(blob_type);

	assert_true(total >= 4 + tl && total <= sizeof(blob));
	memset(blob, 0x5a, total);
	blob[0] = blob[1] = blob[2] = 0;
	blob[3] = (unsigned char)tl;
	memcpy(blob + 4, blob_type, tl);
	b64_encode(blob, total, out);
}

/* --- rs_akey_parse: accepted -------------------------------------------------- */

struct good_case {
	const char *line;
	const char *type;
	const char *b64;
};

static const struct good_case good_cases[] = {
    {"ssh-ed25519 " ED25519_B64 " user@host ed25519 key", "ssh-ed25519", ED25519_B64},
    {"ssh-ed25519 " ED25519_B64, "ssh-ed25519", ED25519_B64},
    {"ssh-ed25519 " ED25519_B64 "\n", "ssh-ed25519", ED25519_B64},
    {"ssh-ed25519 " ED25519_B64 " a comment with  several   spaces\n", "ssh-ed25519", ED25519_B64},
    {"ssh-ed25519 " ED25519_B64 " tab\tin comment", "ssh-ed25519", ED25519_B64},
    {"ecdsa-sha2-nistp256 " ECDSA256_B64 " user@host ecdsa key", "ecdsa-sha2-nistp256",
     ECDSA256_B64},
    {"ecdsa-sha2-nistp384 " ECDSA384_B64 " x", "ecdsa-sha2-nistp384", ECDSA384_B64},
    {"ecdsa-sha2-nistp521 " ECDSA521_B64 " x", "ecdsa-sha2-nistp521", ECDSA521_B64},
    {"ssh-rsa " RSA_B64 " user@host rsa key", "ssh-rsa", RSA_B64},
    {"ssh-rsa " RSA_B64 "\r\n", "ssh-rsa", RSA_B64},
};

static void test_parse_good(void **state)
{
	(void)state;
	for (size_t i = 0; i < NELEM(good_cases); i++) {
		const struct good_case *c = &good_cases[i];
		char type[RS_AKEY_TYPE_MAX + 1], b64[RS_AKEY_B64_MAX + 1];
		int r;

		memset(type, 'X', sizeof(type));
		memset(b64, 'X', sizeof(b64));
		r = rs_akey_parse(c->line, type, b64);
		if (r != 0)
			fail_msg("case %zu (%.40s...): %d, want 0", i, c->line, r);
		assert_string_equal(type, c->type);
		assert_string_equal(b64, c->b64);
	}
}

/* The security-key types and the size limits, with synthetic blobs. */
static void test_parse_synthetic(void **state)
{
	static const char *const types[] = {
	    "ssh-ed25519",
	    "sk-ssh-ed25519@openssh.com",
	    "ecdsa-sha2-nistp256",
	    "ecdsa-sha2-nistp384",
	    "ecdsa-sha2-nistp521",
	    "sk-ecdsa-sha2-nistp256@openssh.com",
	    "ssh-rsa",
	};
	char b64[2048], line[4096], type[RS_AKEY_TYPE_MAX + 1], out[RS_AKEY_B64_MAX + 1];

	(void)state;
	for (size_t i = 0; i < NELEM(types); i++) {
		synth_b64(types[i], 100, b64);
		snprintf(line, sizeof(line), "%s %s comment", types[i], b64);
		if (rs_akey_parse(line, type, out) != 0)
			fail_msg("%s refused", types[i]);
		assert_string_equal(type, types[i]);
		assert_string_equal(out, b64);
	}

	/* 1050 bytes: exactly RS_AKEY_B64_MAX (1400) characters, accepted */
	synth_b64("ssh-rsa", 1050, b64);
	assert_int_equal(strlen(b64), RS_AKEY_B64_MAX);
	snprintf(line, sizeof(line), "ssh-rsa %s big", b64);
	assert_int_equal(rs_akey_parse(line, type, out), 0);
	assert_string_equal(out, b64);

	/* 1053 bytes: 1404 characters, refused */
	synth_b64("ssh-rsa", 1053, b64);
	assert_int_equal(strlen(b64), RS_AKEY_B64_MAX + 4);
	snprintf(line, sizeof(line), "ssh-rsa %s big", b64);
	assert_int_equal(rs_akey_parse(line, type, out), -EINVAL);

	/* a known type OpenSSH does not take for user keys here: ssh-dss */
	synth_b64("ssh-dss", 100, b64);
	snprintf(line, sizeof(line), "ssh-dss %s", b64);
	assert_int_equal(rs_akey_parse(line, type, out), -EINVAL);

	/* an over-long type (41 characters) with a blob that names it */
	synth_b64("sk-ecdsa-sha2-nistp256@openssh.com-abcdef", 100, b64);
	snprintf(line, sizeof(line), "sk-ecdsa-sha2-nistp256@openssh.com-abcdef %s", b64);
	assert_int_equal(rs_akey_parse(line, type, out), -EINVAL);

	/* a blob that is only the 4 length bytes: too short to name the type */
	assert_int_equal(rs_akey_parse("ssh-rsa AAAAAA==", type, out), -EINVAL);
}

/* --- rs_akey_parse: refused --------------------------------------------------- */

struct bad_case {
	const char *why;
	const char *line;
};

static const struct bad_case bad_cases[] = {
    {"empty", ""},
    {"blank", " "},
    {"type only", "ssh-ed25519"},
    {"type and space", "ssh-ed25519 "},
    {"type and newline", "ssh-ed25519\n"},
    {"blob only", ED25519_B64},
    {"leading space", " ssh-ed25519 " ED25519_B64},
    {"unknown type ssh-dss",
     "ssh-dss AAAAB3NzaC1kc3MAAACBAP1/U4EddRIpUt9KnC7s5Of2EbdSPO9EAMMeP4C2USZpRV1AIlH7WT2NWPq/xfW6"
     "MPbLm1Vs14E7gB00b/JmYLdrmVClpJ+f6AR7ECLCT7up1/63xhv4O1fnxqimFQ8E+4P208UewwI1VBNaFpEy9nXzrith1"
     "yrv8iIDGZ3RSAHHAAAAFQCXYFCPFSMLzLKSuYKi64QL8Fgc9QAAAIEA9+GghdabPd7LvKtcNrhXuXmUr7v6OuqC+VdMC"
     "z0HgmdRWVeOutRZT+ZxBxCBgLRJFnEj6EwoFhO3zwkyjMim4TwWeotUfI0o4KOuHiuzpnWRbqN/C/ohNWLx+2J6ASQ7zK"
     "TxvqhRkImog9/hWuWfBpKLZl6Ae1UlZAFMO/7PSSo="},
    {"type prefix of a known one", "ssh-ed2551 " ED25519_B64},
    {"type with a suffix", "ssh-ed25519x " ED25519_B64},
    {"type in capitals", "SSH-ED25519 " ED25519_B64},
    {"ed25519 blob labelled ssh-rsa", "ssh-rsa " ED25519_B64 " x"},
    {"rsa blob labelled ssh-ed25519", "ssh-ed25519 " RSA_B64 " x"},
    {"nistp256 blob labelled nistp384", "ecdsa-sha2-nistp384 " ECDSA256_B64},
    {"ed25519 blob labelled sk-ssh-ed25519", "sk-ssh-ed25519@openssh.com " ED25519_B64},
    {"bad base64 character *",
     "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFiP2w70dH5*Fnxxpva5NxrVF5NlcmPqZ"
     "PGKcGCzTVjy"},
    {"url-safe base64 -",
     "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFiP2w70dH5-Fnxxpva5NxrVF5NlcmPqZPGKcG"
     "CzTVjy"},
    {"url-safe base64 _",
     "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFiP2w70dH5_Fnxxpva5NxrVF5NlcmPqZPGKcGCzTVjy"},
    {"non-ASCII in base64",
     "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFiP2w70dH5\xc3\xa9nxxpva5NxrVF5NlcmPqZPGKcGCzTVjy"},
    {"padding in the middle",
     "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFiP2w70dH5=Fnxxpva5NxrVF5NlcmPqZP"
     "GKcGCzTVjy"},
    {"padding then data", "ecdsa-sha2-nistp384 " ECDSA384_B64 "AAA="},
    {"data after padding in the last quantum",
     "ecdsa-sha2-nistp256 "
     "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBBWfZQWdWNKXZ2mWmcPMHG4WUw1LCVKKF8GoKuO0m"
     "cMY50MAzZ5bhtRO00+8aaq4laDQ0+aNyESlXc1qcL+fij=w"},
    {"three padding characters",
     "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFiP2w70dH5+Fnxxpva5NxrVF5NlcmPqZPGKcGCzA==="},
    {"length 4k-1", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFiP2w70dH5+Fnxxpva5NxrVF5NlcmPqZPGKcGCzT"
		    "Vj"},
    {"length 4k+1", "ssh-ed25519 " ED25519_B64 "A"},
    {"length 4k+2", "ssh-ed25519 " ED25519_B64 "AA"},
    {"missing padding", "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBB"
			"WfZQWdWNKXZ2mWmcPMHG4WUw1LCVKKF8GoKuO0mcMY50MAzZ5bhtRO00+8aaq4laDQ0+aNyES"
			"lXc1qcL+fijw"},
    {"options in front", "command=\"/bin/true\" ssh-ed25519 " ED25519_B64 " x"},
    {"options in front, no space", "no-pty,no-agent-forwarding ssh-ed25519 " ED25519_B64},
    {"over-long type", "sk-ecdsa-sha2-nistp256@openssh.com-abcdef " ED25519_B64},
    {"control character in comment", "ssh-ed25519 " ED25519_B64 " user\x01host"},
    {"escape in comment", "ssh-ed25519 " ED25519_B64 " \x1b[31mred"},
    {"backspace in comment", "ssh-ed25519 " ED25519_B64 " abc\bd"},
    {"vertical tab in comment", "ssh-ed25519 " ED25519_B64 " a\vb"},
    /* DEL (0x7f) is a control character too */
    {"DEL in comment", "ssh-ed25519 " ED25519_B64 " user\x7fhost"},
};

static void test_parse_bad(void **state)
{
	int failed = 0;

	(void)state;
	for (size_t i = 0; i < NELEM(bad_cases); i++) {
		char type[RS_AKEY_TYPE_MAX + 1], b64[RS_AKEY_B64_MAX + 1];
		int r = rs_akey_parse(bad_cases[i].line, type, b64);

		if (r != -EINVAL) {
			print_error("%s: %d, want -EINVAL\n", bad_cases[i].why, r);
			failed++;
		}
	}
	assert_int_equal(failed, 0);
}

static void test_parse_over_long_blob_text(void **state)
{
	/* a base64 text longer than RS_AKEY_B64_MAX made of a real key repeated
	 * is refused (and must not overflow b64) */
	char line[4096], type[RS_AKEY_TYPE_MAX + 1], b64[RS_AKEY_B64_MAX + 1];
	size_t n = (size_t)snprintf(line, sizeof(line), "ssh-rsa ");

	(void)state;
	while (n < RS_AKEY_B64_MAX + 100)
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%s", "AAAAB3NzaC1yc2EA");
	assert_int_equal(rs_akey_parse(line, type, b64), -EINVAL);
}

/* --- rs_akey_from_authinfo ---------------------------------------------------- */

struct info_case {
	const char *why;
	const char *info;
	int want;
	const char *type;
	const char *b64;
};

static const struct info_case info_cases[] = {
    {"one publickey line", "publickey ssh-ed25519 " ED25519_B64 "\n", 0, "ssh-ed25519",
     ED25519_B64},
    {"no final newline", "publickey ssh-ed25519 " ED25519_B64, 0, "ssh-ed25519", ED25519_B64},
    {"rsa", "publickey ssh-rsa " RSA_B64 "\n", 0, "ssh-rsa", RSA_B64},
    {"ecdsa", "publickey ecdsa-sha2-nistp521 " ECDSA521_B64 "\n", 0, "ecdsa-sha2-nistp521",
     ECDSA521_B64},
    {"publickey second after password", "password\npublickey ssh-ed25519 " ED25519_B64 "\n", 0,
     "ssh-ed25519", ED25519_B64},
    {"publickey second after keyboard-interactive",
     "keyboard-interactive\npublickey ecdsa-sha2-nistp256 " ECDSA256_B64 "\n", 0,
     "ecdsa-sha2-nistp256", ECDSA256_B64},
    {"publickey between others",
     "keyboard-interactive\npublickey ssh-ed25519 " ED25519_B64 "\npassword\n", 0, "ssh-ed25519",
     ED25519_B64},
    {"password only", "password\n", -ENOENT, NULL, NULL},
    {"keyboard-interactive only", "keyboard-interactive\n", -ENOENT, NULL, NULL},
    {"both others", "password\nkeyboard-interactive\n", -ENOENT, NULL, NULL},
    {"empty", "", -ENOENT, NULL, NULL},
    {"publickey without key", "publickey\n", -ENOENT, NULL, NULL},
    {"publickey and space", "publickey \n", -ENOENT, NULL, NULL},
    {"publickey glued to type", "publickeyssh-ed25519 " ED25519_B64 "\n", -ENOENT, NULL, NULL},
    {"publickey not at line start", "xpublickey ssh-ed25519 " ED25519_B64 "\n", -ENOENT, NULL,
     NULL},
    {"publickey with a refused key", "publickey ssh-rsa " ED25519_B64 "\n", -ENOENT, NULL, NULL},
    {"password line naming a key", "password ssh-ed25519 " ED25519_B64 "\n", -ENOENT, NULL, NULL},
};

static void test_from_authinfo(void **state)
{
	(void)state;
	for (size_t i = 0; i < NELEM(info_cases); i++) {
		const struct info_case *c = &info_cases[i];
		char type[RS_AKEY_TYPE_MAX + 1] = "", b64[RS_AKEY_B64_MAX + 1] = "";
		int r = rs_akey_from_authinfo(c->info, type, b64);

		if (r != c->want)
			fail_msg("%s: %d, want %d", c->why, r, c->want);
		if (c->want == 0) {
			assert_string_equal(type, c->type);
			assert_string_equal(b64, c->b64);
		}
	}
}

/* --- rs_akey_idle ------------------------------------------------------------- */

struct idle_case {
	const char *why;
	int days;
	int64_t created, last_used, now;
	bool want;
	int64_t enabled_at; /* 0 unless the key was turned active again */
};

static const struct idle_case idle_cases[] = {
    {"never used, exactly max idle", 90, T, 0, T + 90 * DAY, true},
    {"never used, one second before", 90, T, 0, T + 90 * DAY - 1, false},
    {"never used, long after", 90, T, 0, T + 1000 * DAY, true},
    {"just created", 90, T, 0, T, false},
    {"used later: from last use, exactly", 90, T, T + 10 * DAY, T + 100 * DAY, true},
    {"used later: from last use, one second before", 90, T, T + 10 * DAY, T + 100 * DAY - 1, false},
    {"used later: max idle from creation is not enough", 90, T, T + 10 * DAY, T + 90 * DAY, false},
    {"last use before creation: from creation", 90, T + 10 * DAY, T, T + 90 * DAY, false},
    {"last use before creation: from creation, exactly", 90, T + 10 * DAY, T, T + 100 * DAY, true},
    {"no creation time, last use exactly", 90, 0, T, T + 90 * DAY, true},
    {"no creation time, last use one second before", 90, 0, T, T + 90 * DAY - 1, false},
    {"730 days exactly", 730, T, T, T + 730 * DAY, true},
    {"730 days one second before", 730, T, T, T + 730 * DAY - 1, false},
    {"180 days exactly", 180, T, 0, T + 180 * DAY, true},
    {"365 days one second before", 365, T, 0, T + 365 * DAY - 1, false},
    {"0 times: never idle", 90, 0, 0, T + 1000 * DAY, false},
    {"0 times: never idle, now 0", 90, 0, 0, 0, false},
    {"clock before creation", 90, T, 0, T - 1000 * DAY, false},
    {"re-enabled: from enabling, exactly", 90, T, T, T + 100 * DAY, true, T + 10 * DAY},
    {"re-enabled: from enabling, one second before", 90, T, T, T + 100 * DAY - 1, false,
     T + 10 * DAY},
    {"re-enabled before the last use: from the last use", 90, T, T + 20 * DAY, T + 110 * DAY - 1,
     false, T + 10 * DAY},
};

static void test_idle(void **state)
{
	(void)state;
	for (size_t i = 0; i < NELEM(idle_cases); i++) {
		const struct idle_case *c = &idle_cases[i];
		struct rs_policy p;

		rs_policy_init_defaults(&p);
		p.pref.max_idle_days_for_access_keys = c->days;
		p.pref.max_idle_days_for_users = 90; /* not the one that counts */
		if (rs_akey_idle(&p, c->created, c->last_used, c->enabled_at, c->now) != c->want)
			fail_msg("%s: want %s", c->why, c->want ? "idle" : "not idle");
	}
}

static void test_idle_default_730(void **state)
{
	struct rs_policy p;

	(void)state;
	rs_policy_init_defaults(&p);
	assert_int_equal(p.pref.max_idle_days_for_access_keys, 730);
	assert_false(rs_akey_idle(&p, T, 0, 0, T + 730 * DAY - 1));
	assert_true(rs_akey_idle(&p, T, 0, 0, T + 730 * DAY));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_good),
	    cmocka_unit_test(test_parse_synthetic),
	    cmocka_unit_test(test_parse_bad),
	    cmocka_unit_test(test_parse_over_long_blob_text),
	    cmocka_unit_test(test_from_authinfo),
	    cmocka_unit_test(test_idle),
	    cmocka_unit_test(test_idle_default_730),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
