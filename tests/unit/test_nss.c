// SPDX-License-Identifier: MIT
/*
 * Unit tests for lib/nss.c: the directory's entries laid out in glibc's
 * buffers - every field length at the buffer's edge (ERANGE one byte
 * short, exact fit), members and alignment, and lines that are not
 * entries.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ramsec/nss.h"

static int pw(const char *line, struct passwd *p, char *buf, size_t n)
{
	return rs_nss_passwd(line, strlen(line), p, buf, n);
}

static void passwd_fields(void **state)
{
	struct passwd p;
	char buf[256];

	(void)state;
	assert_int_equal(
	    pw("alice:x:200001:200002:Alice A:/home/alice:/bin/bash", &p, buf, sizeof(buf)), 0);
	assert_string_equal(p.pw_name, "alice");
	assert_string_equal(p.pw_passwd, "x");
	assert_int_equal(p.pw_uid, 200001);
	assert_int_equal(p.pw_gid, 200002);
	assert_string_equal(p.pw_gecos, "Alice A");
	assert_string_equal(p.pw_dir, "/home/alice");
	assert_string_equal(p.pw_shell, "/bin/bash");
	/* empty gecos and shell are entries too */
	assert_int_equal(pw("bob:x:1:1::/:", &p, buf, sizeof(buf)), 0);
	assert_string_equal(p.pw_gecos, "");
	assert_string_equal(p.pw_shell, "");
}

/* Every buffer size from 0 up: ERANGE until the exact fit, never a write
 * past the end (the canary after it). */
static void passwd_every_length(void **state)
{
	const char *line = "carol:x:7:8:C:/home/carol:/bin/sh";
	size_t need = strlen("carol") + strlen("x") + strlen("C") + strlen("/home/carol") +
		      strlen("/bin/sh") + 5;
	struct passwd p;

	(void)state;
	for (size_t n = 0; n <= need + 2; n++) {
		char *buf = malloc(n + 8);

		memset(buf, 0x5a, n + 8);
		assert_int_equal(pw(line, &p, buf, n), n < need ? -ERANGE : 0);
		for (size_t i = n; i < n + 8; i++)
			assert_int_equal((unsigned char)buf[i], 0x5a);
		if (n >= need)
			assert_string_equal(p.pw_shell, "/bin/sh");
		free(buf);
	}
}

static void passwd_not_entries(void **state)
{
	static const char *const bad[] = {
	    "",
	    "alice",
	    "alice:x:1:1:g:/h",		    /* six fields */
	    "alice:x:1:1:g:/h:/s:extra",    /* eight */
	    ":x:1:1:g:/h:/s",		    /* no name */
	    "alice:x:-1:1:g:/h:/s",	    /* a sign */
	    "alice:x:4294967295:1:g:/h:/s", /* (uid_t)-1 */
	    "alice:x:99999999999:1:g:/h:/s",
	    "alice:x::1:g:/h:/s",
	    "alice:x:1:1x:g:/h:/s",
	    "alice:x:1:1:g\n:/h:/s", /* a newline */
	    "alice:x:1:1:a,b:/h:/s", /* a comma */
	    "alice:x:0:1:g:/h:/s",   /* root's uid */
	    "alice:x:1:0:g:/h:/s",   /* root's gid */
	};
	struct passwd p;
	char buf[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(pw(bad[i], &p, buf, sizeof(buf)), -EINVAL);
	/* a NUL inside the line */
	assert_int_equal(rs_nss_passwd("al\0ce:x:1:1:g:/h:/s", 19, &p, buf, sizeof(buf)), -EINVAL);
	/* the highest id that is one */
	assert_int_equal(pw("alice:x:4294967294:1:g:/h:/s", &p, buf, sizeof(buf)), 0);
	assert_int_equal(p.pw_uid, 4294967294u);
}

static int gr(const char *line, struct group *g, char *buf, size_t n)
{
	return rs_nss_group(line, strlen(line), g, buf, n);
}

static void group_members(void **state)
{
	struct group g;
	char buf[256];

	(void)state;
	assert_int_equal(gr("ops:x:300:alice,bob,carol", &g, buf, sizeof(buf)), 0);
	assert_string_equal(g.gr_name, "ops");
	assert_int_equal(g.gr_gid, 300);
	assert_string_equal(g.gr_mem[0], "alice");
	assert_string_equal(g.gr_mem[1], "bob");
	assert_string_equal(g.gr_mem[2], "carol");
	assert_null(g.gr_mem[3]);
	assert_int_equal((uintptr_t)g.gr_mem % sizeof(char *), 0);
	assert_int_equal(gr("empty:x:301:", &g, buf, sizeof(buf)), 0);
	assert_null(g.gr_mem[0]);
	/* a misaligned buffer: the array is still aligned */
	assert_int_equal(gr("ops:x:300:alice", &g, buf + 1, sizeof(buf) - 1), 0);
	assert_int_equal((uintptr_t)g.gr_mem % sizeof(char *), 0);
	assert_string_equal(g.gr_mem[0], "alice");
}

static void group_every_length(void **state)
{
	const char *line = "ops:x:300:al,bo";
	struct group g;

	(void)state;
	for (size_t off = 0; off < sizeof(char *); off++) {
		size_t need = 0;

		/* the smallest size that fits, found by growing */
		for (size_t n = 0; n < 128; n++) {
			char *mem = malloc(n + off + 8), *buf = mem + off;
			int r;

			memset(mem, 0x5a, n + off + 8);
			r = gr(line, &g, buf, n);
			assert_true(r == 0 || r == -ERANGE);
			for (size_t i = n; i < n + 8; i++)
				assert_int_equal((unsigned char)buf[i], 0x5a);
			if (r == 0 && !need) {
				need = n;
				assert_string_equal(g.gr_mem[1], "bo");
			}
			if (need)
				assert_int_equal(r, 0); /* and every size above it */
			free(mem);
		}
		assert_true(need > 0);
	}
}

static void group_not_entries(void **state)
{
	static const char *const bad[] = {
	    "ops:x:300",    "ops:x:300:a:b", ":x:300:a",       "ops:x:-3:a", "ops:x:300:a,,b",
	    "ops:x:300:,a", "ops:x:300:a,",  "ops:x:300:a\tb", "root:x:0:", /* root's gid */
	};
	struct group g;
	char buf[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(gr(bad[i], &g, buf, sizeof(buf)), -EINVAL);
}

static void group_member_limit(void **state)
{
	size_t len = 32 + RS_NSS_MEMBERS_MAX * 3;
	char *line = malloc(len + 8), *buf = malloc(1 << 16), *p = line;
	struct group g;

	(void)state;
	p += sprintf(p, "big:x:9:");
	for (int i = 0; i < RS_NSS_MEMBERS_MAX; i++)
		p += sprintf(p, "%s%c", i ? "," : "", 'a' + i % 26);
	assert_int_equal(rs_nss_group(line, strlen(line), &g, buf, 1 << 16), 0);
	assert_non_null(g.gr_mem[RS_NSS_MEMBERS_MAX - 1]);
	assert_null(g.gr_mem[RS_NSS_MEMBERS_MAX]);
	sprintf(p, ",z");
	assert_int_equal(rs_nss_group(line, strlen(line), &g, buf, 1 << 16), -EINVAL);
	free(line);
	free(buf);
}

static void gid_lists(void **state)
{
	uint32_t g[4];

	(void)state;
	assert_int_equal(rs_nss_gids("", 0, g, 4), 0);
	assert_int_equal(rs_nss_gids("5,6,7", 5, g, 4), 3);
	assert_int_equal(g[2], 7);
	assert_int_equal(rs_nss_gids("1,2,3,4,5", 9, g, 4), -EINVAL);
	assert_int_equal(rs_nss_gids("1,,2", 4, g, 4), -EINVAL);
	assert_int_equal(rs_nss_gids("1,x", 3, g, 4), -EINVAL);
	assert_int_equal(rs_nss_gids("5,0", 3, g, 4), -EINVAL); /* root's gid */
}

static void aliases(void **state)
{
	struct rs_name_list l = {.n = 2};
	char name[RS_NAME_MAX + 1] = "untouched";

	(void)state;
	snprintf(l.name[0], sizeof(l.name[0]), "lab.example");
	snprintf(l.name[1], sizeof(l.name[1]), "acme.onaliyun.com");
	assert_int_equal(rs_alias_split("alice", &l, name, sizeof(name)), 0);
	assert_string_equal(name, "untouched");
	assert_int_equal(rs_alias_split("alice@lab.example", &l, name, sizeof(name)), 1);
	assert_string_equal(name, "alice");
	assert_int_equal(rs_alias_split("bob@ACME.onaliyun.COM", &l, name, sizeof(name)), 1);
	assert_string_equal(name, "bob");
	static const char *const no[] = {
	    "alice@other.example",			     /* another alias */
	    "@lab.example",				     /* no name */
	    "alice@",					     /* no alias */
	    "a@b@lab.example",				     /* two '@' */
	    "al ice@lab.example",			     /* not a name */
	    "alice@lab.example.",			     /* not the alias */
	    "abcdefghijklmnopqrstuvwxyz0123456@lab.example", /* 33 bytes */
	};
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_int_equal(rs_alias_split(no[i], &l, name, sizeof(name)), -1);
	/* the 32-byte edge */
	assert_int_equal(
	    rs_alias_split("abcdefghijklmnopqrstuvwxyz012345@lab.example", &l, name, sizeof(name)),
	    1);
	assert_int_equal(strlen(name), 32);
	/* a buffer too small for the name: refused, never cut */
	assert_int_equal(rs_alias_split("alice@lab.example", &l, name, 5), -1);
	l.n = 0;
	assert_int_equal(rs_alias_split("alice@lab.example", &l, name, sizeof(name)), -1);
}

static void fields(void **state)
{
	(void)state;
	assert_int_equal(rs_nss_field_ok("Alice A", 64), 0);
	assert_int_equal(rs_nss_field_ok("", 64), 0);
	assert_int_equal(rs_nss_field_ok("a:b", 64), -EINVAL);
	assert_int_equal(rs_nss_field_ok("a,b", 64), -EINVAL);
	assert_int_equal(rs_nss_field_ok("a\nb", 64), -EINVAL);
	assert_int_equal(rs_nss_field_ok("abcd", 4), -EINVAL); /* max counts the NUL */
	assert_int_equal(rs_nss_field_ok("abc", 4), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(passwd_fields),
	    cmocka_unit_test(passwd_every_length),
	    cmocka_unit_test(passwd_not_entries),
	    cmocka_unit_test(group_members),
	    cmocka_unit_test(group_every_length),
	    cmocka_unit_test(group_not_entries),
	    cmocka_unit_test(group_member_limit),
	    cmocka_unit_test(gid_lists),
	    cmocka_unit_test(aliases),
	    cmocka_unit_test(fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
