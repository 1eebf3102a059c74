// SPDX-License-Identifier: MIT
/*
 * Unit tests for common/config.c: the "config:" inputs of docs/ARCHITECTURE.md ("Bad inputs")
 * (missing, empty, binary, CRLF, unknown or duplicate keys, out-of-range
 * values, world-writable or not owned by root, a symlink), each with the
 * exact "file:line: reason" an administrator reads; the shipped
 * conf/ramsec.conf; and render -> reload round trips.
 *
 * Runs as root (it chowns a file to another uid), from the repository root.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "ramsec/buf.h"
#include "common/config.h"

#define ERR_LEN	 1024
#define OUT_LEN	 8192
#define PATH_LEN 512

static char dir[64];

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/ramsec-test-config-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int teardown(void **state)
{
	(void)state;
	return nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

/* Writes len bytes to dir/name with mode; returns the path (static). */
static const char *write_bytes(const char *name, const char *data, size_t len, mode_t mode)
{
	static char path[PATH_LEN];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
	return path;
}

static const char *write_conf(const char *name, const char *text)
{
	return write_bytes(name, text, strlen(text), 0644);
}

static void render(const struct rs_policy *p, bool json, char *out, size_t len)
{
	struct rs_buf b;

	rs_buf_init(&b, out, len);
	rs_policy_render(p, json, &b);
	assert_false(b.overflow);
}

/* Loads text from a fresh file and expects rc and "PATH<suffix>" in err. */
static void expect_error(const char *text, int rc, const char *suffix)
{
	char err[ERR_LEN], want[ERR_LEN];
	const char *path = write_conf("bad.conf", text);
	struct rs_policy p, before;

	memset(&p, 0x5a, sizeof(p));
	before = p;
	assert_int_equal(rs_config_load(path, &p, err, sizeof(err)), rc);
	snprintf(want, sizeof(want), "%s%s", path, suffix);
	assert_string_equal(err, want);
	assert_memory_equal(&p, &before, sizeof(p)); /* *ret only written on success */
}

static void expect_load(const char *path, struct rs_policy *p)
{
	char err[ERR_LEN];
	int r = rs_config_load(path, p, err, sizeof(err));

	if (r != 0)
		fail_msg("%s: rc %d: %s", path, r, err);
	assert_string_equal(err, "");
}

static void assert_defaults(const struct rs_policy *p)
{
	static char a[OUT_LEN], b[OUT_LEN];
	struct rs_policy d;

	rs_policy_init_defaults(&d);
	render(p, true, a, sizeof(a));
	render(&d, true, b, sizeof(b));
	assert_string_equal(a, b);
}

/* --- the file itself ----------------------------------------------------- */

static void test_missing(void **state)
{
	char err[ERR_LEN], path[PATH_LEN], want[ERR_LEN];
	struct rs_policy p;

	(void)state;
	snprintf(path, sizeof(path), "%s/nope.conf", dir);
	assert_int_equal(rs_config_load(path, &p, err, sizeof(err)), -ENOENT);
	snprintf(want, sizeof(want), "%s: No such file or directory", path);
	assert_string_equal(err, want);
	assert_int_equal(rs_config_load(NULL, &p, err, sizeof(err)), -EINVAL);
	assert_int_equal(rs_config_load(path, &p, NULL, 0), -EINVAL);
}

static void test_empty_and_comments(void **state)
{
	struct rs_policy p;

	(void)state;
	expect_load(write_conf("empty.conf", ""), &p);
	assert_defaults(&p);
	expect_load(write_conf("comments.conf", "# nothing\n// here\n/* at\n all */\n\n"), &p);
	assert_defaults(&p);
	expect_load(write_conf("groups.conf", "password_policy = { };\npam = {};\n"), &p);
	assert_defaults(&p);
}

static void test_binary(void **state)
{
	static const char nul[] = "password_policy = {\n\tmax_login_attempts = 5;\0\n};\n";
	static const char png[] = "\x89PNG\r\n\x1a\n\x01\x02\xff\xfe";
	char err[ERR_LEN], want[ERR_LEN], all[600];
	size_t n;
	const char *path;
	struct rs_policy p;

	(void)state;
	path = write_bytes("nul.conf", nul, sizeof(nul) - 1, 0644);
	assert_int_equal(rs_config_load(path, &p, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%s:2: contains a NUL byte (not a text file)", path);
	assert_string_equal(err, want);

	path = write_bytes("png.conf", png, sizeof(png) - 1, 0644);
	assert_int_equal(rs_config_load(path, &p, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%s:1: syntax error", path);
	assert_string_equal(err, want);

	/* every byte value except NUL, in a path: refused, no crash */
	n = (size_t)snprintf(all, sizeof(all), "policyd = { socket = \"");
	for (int c = 1; c < 256; c++)
		all[n++] = (char)c;
	memcpy(all + n, "\"; };\n", 6);
	n += 6;
	path = write_bytes("bytes.conf", all, n, 0644);
	assert_int_equal(rs_config_load(path, &p, err, sizeof(err)), -EINVAL);
}

static void test_crlf(void **state)
{
	struct rs_policy p;

	(void)state;
	/* libconfig 1.5 treats \r as white space: a CRLF file loads */
	expect_load(write_conf("crlf.conf",
			       "# windows\r\npassword_policy = {\r\n"
			       "\tminimum_password_length = 14;\r\n"
			       "\trequire_symbols = true;\r\n};\r\n"
			       "pam = {\r\n\tbreak_glass_users = [\"root\", \"ops\"];\r\n};\r\n"),
		    &p);
	assert_int_equal(p.password.minimum_password_length, 14);
	assert_true(p.password.require_symbols);
	assert_int_equal(p.pam.break_glass_users.n, 2);
	assert_string_equal(p.pam.break_glass_users.name[1], "ops"); /* no \r in the name */
	/* and its line numbers are right */
	expect_error("password_policy = {\r\n\r\n\tmax_login_attempts = 33;\r\n};\r\n", -EINVAL,
		     ":3: password_policy.max_login_attempts must be between 0 and 32 (got 33)");
}

static void test_permissions(void **state)
{
	static const struct {
		mode_t mode;
		const char *suffix; /* NULL: loads */
	} cases[] = {
	    {0644, NULL},
	    {0600, NULL},
	    {0400, NULL},
	    {0646, ": is group- or world-writable (mode 0646)"},
	    {0666, ": is group- or world-writable (mode 0666)"},
	    {0664, ": is group- or world-writable (mode 0664)"},
	    {0620, ": is group- or world-writable (mode 0620)"},
	    {0602, ": is group- or world-writable (mode 0602)"},
	};
	char err[ERR_LEN], want[ERR_LEN];
	struct rs_policy p;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *path = write_bytes("perm.conf", "", 0, cases[i].mode);
		int r = rs_config_load(path, &p, err, sizeof(err));

		if (!cases[i].suffix) {
			assert_int_equal(r, 0);
			continue;
		}
		assert_int_equal(r, -EPERM);
		snprintf(want, sizeof(want), "%s%s", path, cases[i].suffix);
		assert_string_equal(err, want);
	}
}

static void test_owner(void **state)
{
	char err[ERR_LEN], want[ERR_LEN];
	const char *path = write_conf("owner.conf", "");
	struct rs_policy p;

	(void)state;
	assert_int_equal(chown(path, 1000, 0), 0);
	assert_int_equal(rs_config_load(path, &p, err, sizeof(err)), -EPERM);
	snprintf(want, sizeof(want), "%s: is owned by uid 1000, not by root", path ? path : "");
	assert_string_equal(err, want);
	assert_int_equal(chown(path, 0, 1000), 0); /* group other than root, not writable: fine */
	expect_load(path, &p);
}

static void test_symlink_and_specials(void **state)
{
	char err[ERR_LEN], want[ERR_LEN], target[PATH_LEN], link[PATH_LEN], sub[PATH_LEN];
	struct rs_policy p;

	(void)state;
	snprintf(target, sizeof(target), "%s", write_conf("real.conf", ""));
	snprintf(link, sizeof(link), "%s/link.conf", dir);
	assert_int_equal(symlink(target, link), 0);
	assert_int_equal(rs_config_load(link, &p, err, sizeof(err)), -ELOOP);
	snprintf(want, sizeof(want), "%s: is a symbolic link", link);
	assert_string_equal(err, want);

	snprintf(link, sizeof(link), "%s/dangling.conf", dir);
	assert_int_equal(symlink("/nonexistent/ramsec.conf", link), 0);
	assert_int_equal(rs_config_load(link, &p, err, sizeof(err)), -ELOOP);

	snprintf(sub, sizeof(sub), "%s/adir", dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	assert_int_equal(rs_config_load(sub, &p, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%s: is not a regular file", sub);
	assert_string_equal(err, want);

	snprintf(sub, sizeof(sub), "%s/fifo", dir);
	assert_int_equal(mkfifo(sub, 0644), 0);
	assert_int_equal(rs_config_load(sub, &p, err, sizeof(err)), -EINVAL); /* did not block */
	assert_int_equal(rs_config_load("/dev/null", &p, err, sizeof(err)), -EINVAL);
}

static void test_size(void **state)
{
	char err[ERR_LEN], want[ERR_LEN];
	char *big = malloc(RS_CONFIG_SIZE_MAX + 1);
	struct rs_policy p;
	const char *path;

	(void)state;
	assert_non_null(big);
	memset(big, '\n', RS_CONFIG_SIZE_MAX + 1);
	memcpy(big, "# big\npam = { timeout_ms = 500; };", 34);
	path = write_bytes("max.conf", big, RS_CONFIG_SIZE_MAX, 0644);
	expect_load(path, &p);
	assert_int_equal(p.pam.timeout_ms, 500);
	path = write_bytes("big.conf", big, RS_CONFIG_SIZE_MAX + 1, 0644);
	assert_int_equal(rs_config_load(path, &p, err, sizeof(err)), -EFBIG);
	snprintf(want, sizeof(want), "%s: is larger than 1048576 bytes (1 MiB)", path);
	assert_string_equal(err, want);
	free(big);
}

/* --- the content --------------------------------------------------------- */

struct bad_case {
	const char *text;
	const char *suffix; /* after the path */
};

static const struct bad_case bad_cases[] = {
    /* syntax and libconfig's own refusals */
    {"password_policy = {\n\tminimum_password_length = ;\n};\n", ":2: syntax error"},
    {"password_policy = {\n\tmax_login_attempts = 5;\n\tmax_login_attempts = 6;\n};\n",
     ":3: duplicate setting name"},
    {"pam = { timeout_ms = 500; };\n\npam = { fail_delay_ms = 0; };\n",
     ":3: duplicate setting name"},
    {"password_policy = {\n", ":2: syntax error"},
    /* unknown names */
    {"# c\npassword = {\n};\n", ":2: unknown group password"},
    {"Password_policy = {};\n", ":1: unknown group Password_policy"},
    {"minimum_password_length = 12;\n",
     ":1: unknown setting minimum_password_length at the top level (it belongs in the group "
     "password_policy = { ... };)"},
    {"password_policy = {\n\tminimum_password_length = 12;\n\tminimum_length = 12;\n};\n",
     ":3: unknown setting password_policy.minimum_length"},
    {"password_policy = {\n\tMinimum_password_length = 12;\n};\n",
     ":2: unknown setting password_policy.Minimum_password_length"},
    {"pam = {\n\tlogin_session_duration = 4;\n};\n",
     ":2: unknown setting pam.login_session_duration"},
    /* wrong types */
    {"pam = 5;\n", ":1: pam must be a group such as pam = { ... }; (got an integer)"},
    {"pam = [\"root\"];\n", ":1: pam must be a group such as pam = { ... }; (got a list)"},
    {"password_policy = {\n\tminimum_password_length = \"12\";\n};\n",
     ":2: password_policy.minimum_password_length must be an integer between 8 and 32 (got a "
     "string)"},
    {"password_policy = {\n\tminimum_password_length = 12.0;\n};\n",
     ":2: password_policy.minimum_password_length must be an integer between 8 and 32 (got a "
     "number with a fraction)"},
    {"password_policy = {\n\tminimum_password_length = .99999999999;\n};\n",
     ":2: password_policy.minimum_password_length must be an integer between 8 and 32 (got a "
     "number with a fraction)"},
    {"password_policy = {\n\tminimum_password_length = -12e99999;\n};\n",
     ":2: password_policy.minimum_password_length must be an integer between 8 and 32 (got a "
     "number with a fraction)"},
    {"password_policy = {\n\tminimum_password_length = [12];\n};\n",
     ":2: password_policy.minimum_password_length must be an integer between 8 and 32 (got a "
     "list)"},
    {"password_policy = {\n\tminimum_password_length = { x = 1; };\n};\n",
     ":2: password_policy.minimum_password_length must be an integer between 8 and 32 (got a "
     "group)"},
    {"password_policy = {\n\trequire_numbers = 1;\n};\n",
     ":2: password_policy.require_numbers must be true or false (got an integer)"},
    {"password_policy = {\n\trequire_numbers = \"yes\";\n};\n",
     ":2: password_policy.require_numbers must be true or false (got a string)"},
    {"pam = {\n\tbreak_glass_users = \"root\";\n};\n",
     ":2: pam.break_glass_users must be a list of names such as [\"root\"] (got a string)"},
    {"pam = {\n\tbreak_glass_users = [\n\t\t1\n\t];\n};\n",
     ":3: pam.break_glass_users must be a list of names such as [\"root\"] (got an integer as "
     "entry 1)"},
    {"scope = {\n\texclude_users = (\"svc\",\n\t\t\"bad name\");\n};\n",
     ":3: scope.exclude_users has an invalid name \"bad name\" (1-32 characters of A-Z a-z 0-9 "
     ". _ -, optionally ending in $, not starting with -)"},
    {"policyd = {\n\tdatabase = \"state.db\";\n};\n",
     ":2: policyd.database must be an absolute path (got \"state.db\")"},
    {"policyd = {\n\tkey_file = \"/var/lib/ramsec/../../etc/shadow\";\n};\n",
     ":2: policyd.key_file must not contain a \"..\" component (got "
     "\"/var/lib/ramsec/../../etc/shadow\")"},
    {"security_preference = {\n\tmfa_operation_for_login = \"always\";\n};\n",
     ":2: security_preference.mfa_operation_for_login must be one of \"mandatory\", "
     "\"independent\", \"adaptive\" (got \"always\")"},
    /* out of range */
    {"password_policy = {\n\tmax_password_age = 1096;\n};\n",
     ":2: password_policy.max_password_age must be between 0 and 1095 (got 1096)"},
    {"password_policy = {\n\tmax_login_attempts = -1;\n};\n",
     ":2: password_policy.max_login_attempts must be between 0 and 32 (got -1)"},
    {"security_preference = {\n\tmax_idle_days_for_users = 100;\n};\n",
     ":2: security_preference.max_idle_days_for_users must be one of 90, 180, 365, 730 (got "
     "100)"},
    {"scope = {\n\tmin_uid = 4294967295L;\n};\n",
     ":2: scope.min_uid must be between 0 and 4294967294 (got 4294967295)"},
    /* libconfig 1.5 would wrap these silently (4294967301 -> 5) */
    {"password_policy = {\n\tmax_login_attempts = 4294967301;\n};\n",
     ":2: integer 4294967301 does not fit in 32 bits (write 4294967301L for a 64-bit integer)"},
    {"scope = { min_uid = 0; max_uid = 2147483648; };\n",
     ":1: integer 2147483648 does not fit in 32 bits (write 2147483648L for a 64-bit integer)"},
    {"password_policy = {\n\tmax_login_attempts = 0x100000005;\n};\n",
     ":2: integer 0x100000005 is too large"},
    {"pam = {\n\ttimeout_ms = 99999999999999999999L;\n};\n",
     ":2: integer 99999999999999999999L is too large"},
    {"password_policy = {\n\tmax_login_attempts = 4294967301L;\n};\n",
     ":2: password_policy.max_login_attempts must be between 0 and 32 (got 4294967301)"},
    /* @include would read a file nobody checked */
    {"password_policy = {};\n@include \"/tmp/evil.conf\"\n",
     ":2: @include is not allowed (the policy is one file)"},
    /* cross-field, at the line of max_uid, or of its group when absent */
    {"scope = {\n\tmin_uid = 5000;\n\tmax_uid = 4000;\n};\n",
     ":3: scope.max_uid must be at least scope.min_uid (5000) (got 4000)"},
    {"\nscope = {\n\tmin_uid = 70000;\n};\n",
     ":2: scope.max_uid must be at least scope.min_uid (70000) (got 60000)"},
};

static void test_bad_content(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++)
		expect_error(bad_cases[i].text, -EINVAL, bad_cases[i].suffix);
}

static void test_out_of_range_line_12(void **state)
{
	(void)state;
	/* the example of the brief, verbatim */
	expect_error("# 1\n# 2\n# 3\n# 4\n# 5\n# 6\n# 7\n# 8\n# 9\n"
		     "password_policy = {\n\tmax_login_attempts = 5;\n"
		     "\tminimum_password_length = 40;\n};\n",
		     -EINVAL,
		     ":12: password_policy.minimum_password_length must be between 8 and 32 "
		     "(got 40)");
}

static void test_masks_in_config(void **state)
{
	char err[ERR_LEN];
	const char *path;
	struct rs_policy p;

	(void)state;
	path =
	    write_conf("masks.conf", "security_preference = {\n"
				     "\tlogin_network_masks = \"10.0.0.0/8; 192.168.1.0/24\";\n};\n"
				     "root_account = { login_network_masks = \"10.1.2.3\"; };\n");
	expect_load(path, &p);
	assert_int_equal(p.pref.login_network_masks.n, 2);
	assert_int_equal(p.root.login_network_masks.n, 1);

	path = write_conf("masks.conf", "security_preference = {\n"
					"\tlogin_network_masks = \"10.0.0.1/33\";\n};\n");
	assert_int_equal(rs_config_load(path, &p, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, ":2: security_preference.login_network_masks is invalid: "));
	assert_non_null(strstr(err, "10.0.0.1/33"));
}

static void test_values_and_numbers(void **state)
{
	struct rs_policy p;

	(void)state;
	expect_load(write_conf("ok.conf",
			       "scope : {\n"
			       "\tmin_uid = 3000000000L; max_uid = 4294967294L,\n"
			       "\tgroups = (\"wheel\", \"bastion-users\");\n"
			       "\texclude_users = [\"backup$\", \"svc.x\"];\n};\n"
			       "pam = { timeout_ms = 0x1F4; fail_delay_ms = 0; "
			       "break_glass_users = []; };\n"
			       "password_policy = { require_numbers = TRUE; hard_expire = "
			       "False; max_login_attempts = +5; };\n"),
		    &p);
	assert_int_equal(p.scope.min_uid, 3000000000L);
	assert_int_equal(p.scope.max_uid, 4294967294L);
	assert_int_equal(p.scope.groups.n, 2);
	assert_string_equal(p.scope.groups.name[1], "bastion-users");
	assert_int_equal(p.scope.exclude_users.n, 2);
	assert_int_equal(p.pam.timeout_ms, 500);
	assert_int_equal(p.pam.break_glass_users.n, 0); /* [] replaces the default root */
	assert_true(p.password.require_numbers);
	assert_int_equal(p.password.max_login_attempts, 5);
	/* numbers inside strings and comments are not checked as integers */
	expect_load(write_conf("ok2.conf",
			       "# 99999999999999999999\n/* 4294967301 */\n"
			       "policyd = { database = \"/var/lib/4294967301/x.db\"; };\n"),
		    &p);
	assert_string_equal(p.policyd.database, "/var/lib/4294967301/x.db");
}

static void test_parse_in_memory(void **state)
{
	static const char text[] = "pam = { timeout_ms = 250; };";
	char err[ERR_LEN];
	struct rs_policy p;

	(void)state;
	/* not NUL-terminated: only len bytes are read */
	assert_int_equal(rs_config_parse("<stdin>", text, sizeof(text) - 1, &p, err, sizeof(err)),
			 0);
	assert_int_equal(p.pam.timeout_ms, 250);
	assert_int_equal(
	    rs_config_parse("<stdin>", "pam = { timeout_ms = 25; };", 27, &p, err, sizeof(err)),
	    -EINVAL);
	assert_string_equal(err,
			    "<stdin>:1: pam.timeout_ms must be between 100 and 60000 (got 25)");
	assert_int_equal(rs_config_parse("<stdin>", "", 0, &p, err, sizeof(err)), 0);
}

/* --- the shipped file and round trips ------------------------------------ */

static void test_shipped_conf(void **state)
{
	struct rs_policy p;

	(void)state;
	expect_load("conf/ramsec.conf", &p);
	assert_int_equal(p.password.minimum_password_length, 12);
	assert_true(p.password.require_lowercase_characters);
	assert_true(p.password.require_uppercase_characters);
	assert_true(p.password.require_numbers);
	assert_true(p.password.require_symbols);
	assert_int_equal(p.password.max_login_attempts, 5);
	assert_int_equal(p.password.password_reuse_prevention, 4);
	assert_int_equal(p.password.max_password_age, 90);
	assert_int_equal(p.pref.mfa_operation_for_login, RS_MFA_INDEPENDENT);
	assert_int_equal(p.pref.login_network_masks.n, 0);
	assert_true(rs_name_list_contains(&p.pam.break_glass_users, "root"));
}

/* Renders p as text, writes it, loads it back: the same policy. */
static void round_trip(const struct rs_policy *p)
{
	static char text[OUT_LEN], a[OUT_LEN], b[OUT_LEN];
	struct rs_policy q;

	render(p, false, text, sizeof(text));
	expect_load(write_conf("rendered.conf", text), &q);
	render(p, true, a, sizeof(a));
	render(&q, true, b, sizeof(b));
	assert_string_equal(a, b);
	assert_int_equal(q.pref.login_network_masks.n, p->pref.login_network_masks.n);
	assert_int_equal(q.root.login_network_masks.n, p->root.login_network_masks.n);
}

static void test_render_reloads(void **state)
{
	struct rs_policy p;

	(void)state;
	rs_policy_init_defaults(&p);
	round_trip(&p);
	expect_load("conf/ramsec.conf", &p);
	round_trip(&p);
	expect_load(write_conf("full.conf",
			       "security_preference = { login_network_masks = \"10.0.0.0/8;"
			       "2001:db8::/32\"; mfa_operation_for_login = \"adaptive\"; };\n"
			       "root_account = { login_network_masks = \"192.168.0.1\"; };\n"
			       "scope = { min_uid = 3000000000L; max_uid = 4294967294L; "
			       "groups = [\"a\", \"b$\"]; exclude_users = [\"c.d\"]; };\n"
			       "policyd = { database = \"/srv/x\\\"y/state.db\"; workers = 64; };\n"
			       "pam = { break_glass_users = []; };\n"),
		    &p);
	assert_string_equal(p.policyd.database, "/srv/x\"y/state.db");
	round_trip(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_missing),
	    cmocka_unit_test(test_empty_and_comments),
	    cmocka_unit_test(test_binary),
	    cmocka_unit_test(test_crlf),
	    cmocka_unit_test(test_permissions),
	    cmocka_unit_test(test_owner),
	    cmocka_unit_test(test_symlink_and_specials),
	    cmocka_unit_test(test_size),
	    cmocka_unit_test(test_bad_content),
	    cmocka_unit_test(test_out_of_range_line_12),
	    cmocka_unit_test(test_masks_in_config),
	    cmocka_unit_test(test_values_and_numbers),
	    cmocka_unit_test(test_parse_in_memory),
	    cmocka_unit_test(test_shipped_conf),
	    cmocka_unit_test(test_render_reloads),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
