// SPDX-License-Identifier: MIT
/*
 * Unit tests for lib/pwrules.c: every password rule of ramsec.conf(5) at
 * its boundary, with the exact lines a user reads; UTF-8 and bad text; the
 * 128-byte cap; the owner (root) rule; and a property test of the password
 * generator over fixed-seed random bytes.  Expected texts are written out
 * here, not built from the code under test.
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

#include "ramsec/buf.h"
#include "ramsec/policy.h"
#include "ramsec/pwrules.h"

#define OUT_LEN 2048

/* The lines of rs_pwrules_describe, as the user reads them. */
#define M_SHORT(n)  "The password must be at least " #n " characters long.\n"
#define M_LONG	    "The password must be at most 128 bytes long.\n"
#define M_BAD	    "The password must be valid UTF-8 text without control characters.\n"
#define M_LOWER	    "The password must contain at least one lowercase letter (a-z).\n"
#define M_UPPER	    "The password must contain at least one uppercase letter (A-Z).\n"
#define M_DIGIT	    "The password must contain at least one digit (0-9).\n"
#define M_SYMBOL    "The password must contain at least one symbol (ASCII punctuation).\n"
#define M_FEW(n)    "The password must contain at least " #n " different characters.\n"
#define M_USER	    "The password must not contain the user name.\n"
#define M_OSHORT    "The root password must be at least 6 characters long.\n"
#define M_OCLASSES  "The root password must contain at least two of: letters, digits, symbols.\n"
#define M_REUSED(n) "The password must differ from the last " #n " passwords.\n"

/* A policy in one line: minimum length (0 = the default), required
 * classes and the user name rule, distinct characters. */
enum { R_LOW = 1, R_UP = 2, R_DIG = 4, R_SYM = 8, R_NOUSER = 16, R_ALL = 15 };

struct pol {
	int min;
	unsigned req;
	int distinct;
};

/* clang-format off */
#define DEF	{0, 0, 0}
#define STRICT	{32, R_ALL | R_NOUSER, 8}
#define NOUSER	{8, R_NOUSER, 0}
/* clang-format on */

static void make_policy(const struct pol *s, struct rs_password_policy *pp)
{
	struct rs_policy p;

	rs_policy_init_defaults(&p);
	*pp = p.password;
	if (s->min)
		pp->minimum_password_length = s->min;
	pp->require_lowercase_characters = s->req & R_LOW;
	pp->require_uppercase_characters = s->req & R_UP;
	pp->require_numbers = s->req & R_DIG;
	pp->require_symbols = s->req & R_SYM;
	pp->password_not_contain_user_name = s->req & R_NOUSER;
	pp->minimum_password_different_character = s->distinct;
}

/* Checks pw (len bytes, copied to a buffer of exactly len bytes so that a
 * read past the end shows under ASan) and compares mask and text.  Returns
 * false, after printing the difference, on a mismatch. */
static bool check_one(const char *name, const struct pol *s, bool owner, const char *user,
		      const char *pw, size_t len, unsigned want, const char *msg)
{
	struct rs_password_policy pp;
	char *copy = malloc(len ? len : 1), text[OUT_LEN];
	struct rs_buf out;
	unsigned got;

	assert_non_null(copy);
	memcpy(copy, pw, len);
	make_policy(s, &pp);
	got = rs_pwrules_check(&pp, owner, user, copy, len);
	free(copy);
	if (got != want) {
		print_error("%s: broken rules 0x%x, want 0x%x\n", name, got, want);
		return false;
	}
	rs_buf_init(&out, text, sizeof(text));
	rs_pwrules_describe(&pp, got, &out);
	if (out.overflow || strcmp(text, msg) != 0) {
		print_error("%s: message\n\"%s\"\nwant\n\"%s\"\n", name, text, msg);
		return false;
	}
	return true;
}

static void assert_rules(const char *name, const struct pol *s, bool owner, const char *user,
			 const char *pw, size_t len, unsigned want, const char *msg)
{
	if (!check_one(name, s, owner, user, pw, len, want, msg))
		fail_msg("%s", name);
}

struct check_case {
	const char *name;
	struct pol pol;
	const char *user;
	const char *pw;
	size_t len;
	unsigned want;
	const char *msg;
};

/* A case with a string literal (its length includes any NUL inside). */
/* clang-format off */
#define P(min, req, distinct)		  {min, req, distinct}
#define C(name, pol, user, pw, want, msg) {name, pol, user, pw, sizeof(pw) - 1, want, msg}
/* clang-format on */

/* Runs every case, then fails once with the number that did not hold. */
static void run_cases(const struct check_case *c, size_t n, bool owner)
{
	size_t bad = 0;

	for (size_t i = 0; i < n; i++)
		bad += !check_one(c[i].name, &c[i].pol, owner, c[i].user, c[i].pw, c[i].len,
				  c[i].want, c[i].msg);
	if (bad)
		fail_msg("%zu of %zu cases failed", bad, n);
}

#define RUN(t, owner) run_cases(t, sizeof(t) / sizeof(t[0]), owner)

/* --- length ------------------------------------------------------------- */

/* n characters cycling through a-z0-9 (no class or distinct rule breaks). */
static void fill(char *buf, size_t n)
{
	static const char abc[] = "abcdefghijklmnopqrstuvwxyz0123456789";

	for (size_t i = 0; i < n; i++)
		buf[i] = abc[i % (sizeof(abc) - 1)];
}

static void test_length(void **state)
{
	static const struct {
		int min;
		size_t n;
		unsigned want;
		const char *msg;
	} cases[] = {
	    {8, 0, RS_PW_TOO_SHORT, M_SHORT(8)},
	    {8, 7, RS_PW_TOO_SHORT, M_SHORT(8)},
	    {8, 8, 0, ""},
	    {8, 9, 0, ""},
	    {32, 8, RS_PW_TOO_SHORT, "The password must be at least 32 characters long.\n"},
	    {32, 31, RS_PW_TOO_SHORT, "The password must be at least 32 characters long.\n"},
	    {32, 32, 0, ""},
	    {32, 33, 0, ""},
	    {8, 128, 0, ""},
	    {32, 128, 0, ""},
	    {8, 129, RS_PW_TOO_LONG, M_LONG},
	    {32, 200, RS_PW_TOO_LONG, M_LONG},
	};
	char pw[256], name[64];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pol s = {cases[i].min, 0, 0};

		fill(pw, cases[i].n);
		snprintf(name, sizeof(name), "%zu characters, min %d", cases[i].n, cases[i].min);
		assert_rules(name, &s, false, "alice", pw, cases[i].n, cases[i].want, cases[i].msg);
	}
}

/* Over 128 bytes only the cap is reported, whatever else is wrong; up to
 * 128 bytes of two-byte characters is fine. */
static void test_length_cap(void **state)
{
	static const struct pol strict = STRICT;
	static const struct pol def = DEF;
	char pw[130];

	(void)state;
	memset(pw, 0xff, sizeof(pw));
	assert_rules("129 bad bytes", &strict, false, "alice", pw, 129, RS_PW_TOO_LONG, M_LONG);
	assert_rules("129 bad bytes, owner", &strict, true, "root", pw, 129, RS_PW_TOO_LONG,
		     M_LONG);
	memset(pw, '\t', sizeof(pw));
	assert_rules("128 tabs", &def, false, "alice", pw, 128, RS_PW_BAD_TEXT, M_BAD);
	fill(pw, 129);
	memcpy(pw + 20, "alice", 5);
	assert_rules("129 with the user name", &strict, false, "alice", pw, 129, RS_PW_TOO_LONG,
		     M_LONG);
	for (size_t i = 0; i < 128; i += 2)
		memcpy(pw + i, "\xc3\xa9", 2); /* é */
	assert_rules("64 x e-acute, 128 bytes", &def, false, "alice", pw, 128, 0, "");
	pw[128] = 'a';
	assert_rules("64 x e-acute + a, 129 bytes", &def, false, "alice", pw, 129, RS_PW_TOO_LONG,
		     M_LONG);
}

/* --- character classes and distinct characters ------------------------- */

static const struct check_case class_cases[] = {
    C("lower absent", P(8, R_LOW, 0), "u", "ABCDEFG1", RS_PW_NO_LOWER, M_LOWER),
    C("lower a", P(8, R_LOW, 0), "u", "ABCDEFGa", 0, ""),
    C("lower z", P(8, R_LOW, 0), "u", "zBCDEFG1", 0, ""),
    C("upper absent", P(8, R_UP, 0), "u", "abcdefg1", RS_PW_NO_UPPER, M_UPPER),
    C("upper A", P(8, R_UP, 0), "u", "Abcdefg1", 0, ""),
    C("upper Z", P(8, R_UP, 0), "u", "abcdefgZ", 0, ""),
    C("digit absent", P(8, R_DIG, 0), "u", "abcdefgh", RS_PW_NO_DIGIT, M_DIGIT),
    C("digit 0", P(8, R_DIG, 0), "u", "0bcdefgh", 0, ""),
    C("digit 9", P(8, R_DIG, 0), "u", "abcdefg9", 0, ""),
    C("symbol absent", P(8, R_SYM, 0), "u", "abcdefg1", RS_PW_NO_SYMBOL, M_SYMBOL),
    C("space is no symbol", P(8, R_SYM, 0), "u", "abc defg", RS_PW_NO_SYMBOL, M_SYMBOL),
    C("symbol !", P(8, R_SYM, 0), "u", "abcdefg!", 0, ""),
    C("symbol /", P(8, R_SYM, 0), "u", "abcdefg/", 0, ""),
    C("symbol :", P(8, R_SYM, 0), "u", "abcdefg:", 0, ""),
    C("symbol @", P(8, R_SYM, 0), "u", "abcdefg@", 0, ""),
    C("symbol [", P(8, R_SYM, 0), "u", "abcdefg[", 0, ""),
    C("symbol `", P(8, R_SYM, 0), "u", "abcdefg`", 0, ""),
    C("symbol {", P(8, R_SYM, 0), "u", "abcdefg{", 0, ""),
    C("symbol ~", P(8, R_SYM, 0), "u", "abcdefg~", 0, ""),
    C("all classes, lower only", P(8, R_ALL, 0), "u", "abcdefgh",
      RS_PW_NO_UPPER | RS_PW_NO_DIGIT | RS_PW_NO_SYMBOL, M_UPPER M_DIGIT M_SYMBOL),
    C("all classes, upper only", P(8, R_ALL, 0), "u", "ABCDEFGH",
      RS_PW_NO_LOWER | RS_PW_NO_DIGIT | RS_PW_NO_SYMBOL, M_LOWER M_DIGIT M_SYMBOL),
    C("all classes, digits only", P(8, R_ALL, 0), "u", "12345678",
      RS_PW_NO_LOWER | RS_PW_NO_UPPER | RS_PW_NO_SYMBOL, M_LOWER M_UPPER M_SYMBOL),
    C("all classes, symbols only", P(8, R_ALL, 0), "u", "!@#$%^&*",
      RS_PW_NO_LOWER | RS_PW_NO_UPPER | RS_PW_NO_DIGIT, M_LOWER M_UPPER M_DIGIT),
    C("all classes present", P(8, R_ALL, 0), "u", "aB3$efgh", 0, ""),
    C("classes not required", DEF, "u", "aaaaaaaa", 0, ""),
    C("distinct 0", P(8, 0, 0), "u", "aaaaaaaa", 0, ""),
    C("distinct 1, 1", P(8, 0, 1), "u", "aaaaaaaa", 0, ""),
    C("distinct 8, 1", P(8, 0, 8), "u", "aaaaaaaa", RS_PW_FEW_DISTINCT, M_FEW(8)),
    C("distinct 8, 7", P(8, 0, 8), "u", "abcdefgabcdefg", RS_PW_FEW_DISTINCT, M_FEW(8)),
    C("distinct 8, 8", P(8, 0, 8), "u", "abcdefgh", 0, ""),
    C("distinct 8, 8 repeated", P(8, 0, 8), "u", "abcdefghhgfedcba", 0, ""),
    C("distinct 8, case counts", P(8, 0, 8), "u", "abcdefgA", 0, ""),
    C("distinct 8, 7 code points in 8 byte values", P(8, 0, 8), "u", "äöüéèêaa", RS_PW_FEW_DISTINCT,
      M_FEW(8)),
    C("distinct 8, 8 code points", P(8, 0, 8), "u", "äöüéèêab", 0, ""),
};

static void test_classes(void **state)
{
	(void)state;
	RUN(class_cases, false);
}

/* --- the user name ------------------------------------------------------ */

static const struct check_case user_cases[] = {
    C("at start", NOUSER, "alice", "alice123", RS_PW_HAS_USER, M_USER),
    C("in the middle", NOUSER, "alice", "12alice3", RS_PW_HAS_USER, M_USER),
    C("at end", NOUSER, "alice", "123alice", RS_PW_HAS_USER, M_USER),
    C("whole", NOUSER, "alicealice", "alicealice", RS_PW_HAS_USER, M_USER),
    C("upper", NOUSER, "alice", "1ALICE23", RS_PW_HAS_USER, M_USER),
    C("mixed", NOUSER, "alice", "xAlIcEx1", RS_PW_HAS_USER, M_USER),
    C("upper name", NOUSER, "ALICE", "xxalicex", RS_PW_HAS_USER, M_USER),
    C("dot and dash", NOUSER, "bob.s-1", "xBOB.S-1x", RS_PW_HAS_USER, M_USER),
    C("one-letter name", NOUSER, "x", "abcdefgX", RS_PW_HAS_USER, M_USER),
    C("split", NOUSER, "alice", "alic3e12", 0, ""),
    C("prefix only", NOUSER, "alice", "alicalic", 0, ""),
    C("name longer than password", NOUSER, "alexanderthegreat", "alexander", 0, ""),
    C("empty name", NOUSER, "", "abcdefgh", 0, ""),
    C("setting off", DEF, "alice", "alice123", 0, ""),
    {"only the first len bytes", NOUSER, "alice", "abcd1234alice", 8, 0, ""},
};

static void test_user_name(void **state)
{
	(void)state;
	RUN(user_cases, false);
}

/* --- UTF-8 and bad text ------------------------------------------------- */

static const struct check_case text_cases[] = {
    C("paesswoerd is 8 characters", DEF, "u", "pässwörd", 0, ""),
    C("paesswoerd is not 10", P(9, 0, 0), "u", "pässwörd", RS_PW_TOO_SHORT, M_SHORT(9)),
    C("emoji counts one", DEF, "u", "abcdefg\xf0\x9f\x98\x80", 0, ""),
    C("7 emoji, 28 bytes", DEF, "u",
      "\xf0\x9f\x98\x80\xf0\x9f\x98\x81\xf0\x9f\x98\x82\xf0\x9f\x98\x83"
      "\xf0\x9f\x98\x84\xf0\x9f\x98\x85\xf0\x9f\x98\x86",
      RS_PW_TOO_SHORT, M_SHORT(8)),
    C("e-acute is not a-z", P(8, R_LOW, 0), "u", "éééééééé", RS_PW_NO_LOWER, M_LOWER),
    C("A-umlaut is not A-Z", P(8, R_UP, 0), "u", "abcdefgÄ", RS_PW_NO_UPPER, M_UPPER),
    C("e-acute is no symbol", P(8, R_SYM, 0), "u", "abcdefgé", RS_PW_NO_SYMBOL, M_SYMBOL),
    C("section sign is no symbol", P(8, R_SYM, 0), "u", "abcdefg§", RS_PW_NO_SYMBOL, M_SYMBOL),
    C("fullwidth 1 is no digit", P(8, R_DIG, 0), "u", "abcdefg\xef\xbc\x91", RS_PW_NO_DIGIT,
      M_DIGIT),
    C("no-break space U+00A0", DEF, "u", "abcdefgh\xc2\xa0", 0, ""),
    C("U+D7FF", DEF, "u", "abcdefgh\xed\x9f\xbf", 0, ""),
    C("U+E000", DEF, "u", "abcdefgh\xee\x80\x80", 0, ""),
    C("U+10FFFF", DEF, "u", "abcdefgh\xf4\x8f\xbf\xbf", 0, ""),
    C("\\xff", DEF, "u", "abcdefgh\xff", RS_PW_BAD_TEXT, M_BAD),
    C("\\xfe at start", DEF, "u",
      "\xfe"
      "abcdefgh",
      RS_PW_BAD_TEXT, M_BAD),
    C("overlong /", DEF, "u", "abcdefgh\xc0\xaf", RS_PW_BAD_TEXT, M_BAD),
    C("overlong \\xc1", DEF, "u", "abcdefgh\xc1\xbf", RS_PW_BAD_TEXT, M_BAD),
    C("overlong 3 bytes", DEF, "u", "abcdefgh\xe0\x80\xaf", RS_PW_BAD_TEXT, M_BAD),
    C("overlong 4 bytes", DEF, "u", "abcdefgh\xf0\x80\x80\xaf", RS_PW_BAD_TEXT, M_BAD),
    C("surrogate D800", DEF, "u", "abcdefgh\xed\xa0\x80", RS_PW_BAD_TEXT, M_BAD),
    C("surrogate DFFF", DEF, "u", "abcdefgh\xed\xbf\xbf", RS_PW_BAD_TEXT, M_BAD),
    C("beyond U+10FFFF", DEF, "u", "abcdefgh\xf4\x90\x80\x80", RS_PW_BAD_TEXT, M_BAD),
    C("lone continuation", DEF, "u", "abcdefgh\x80", RS_PW_BAD_TEXT, M_BAD),
    C("truncated 2 bytes", DEF, "u", "abcdefgh\xc3", RS_PW_BAD_TEXT, M_BAD),
    C("truncated 4 bytes", DEF, "u", "abcdefgh\xf0\x9f\x98", RS_PW_BAD_TEXT, M_BAD),
    C("bad continuation", DEF, "u", "abcdefgh\xc3(", RS_PW_BAD_TEXT, M_BAD),
    C("tab", DEF, "u", "abcd\tefgh", RS_PW_BAD_TEXT, M_BAD),
    C("newline", DEF, "u", "abcdefgh\n", RS_PW_BAD_TEXT, M_BAD),
    C("escape", DEF, "u", "\x1b[0mabcdefgh", RS_PW_BAD_TEXT, M_BAD),
    C("DEL", DEF, "u", "abcdefgh\x7f", RS_PW_BAD_TEXT, M_BAD),
    C("NUL inside", DEF, "u", "abcd\0efgh", RS_PW_BAD_TEXT, M_BAD),
    /* BUG: lib/pwrules.c:76 refuses only code points below 0x20 and 0x7f;
     * the C1 controls U+0080-U+009F (NEL, CSI) are control characters too
     * (Unicode Cc) and pass as ordinary text. */
    C("C1 control NEL", DEF, "u", "abcdefgh\xc2\x85", RS_PW_BAD_TEXT, M_BAD),
    C("C1 control CSI", DEF, "u", "abcdefgh\xc2\x9b", RS_PW_BAD_TEXT, M_BAD),
    C("bad text and too short", DEF, "u", "abc\xff", RS_PW_TOO_SHORT | RS_PW_BAD_TEXT,
      M_SHORT(8) M_BAD),
};

static void test_text(void **state)
{
	(void)state;
	RUN(text_cases, false);
}

/* --- all broken rules at once ------------------------------------------- */

static const struct check_case all_cases[] = {
    C("upper name, tab", STRICT, "bob", "BOB\t",
      RS_PW_TOO_SHORT | RS_PW_BAD_TEXT | RS_PW_NO_LOWER | RS_PW_NO_DIGIT | RS_PW_NO_SYMBOL |
	  RS_PW_FEW_DISTINCT | RS_PW_HAS_USER,
      M_SHORT(32) M_BAD M_LOWER M_DIGIT M_SYMBOL M_FEW(8) M_USER),
    C("lower name, tab", STRICT, "bob", "bob\t",
      RS_PW_TOO_SHORT | RS_PW_BAD_TEXT | RS_PW_NO_UPPER | RS_PW_NO_DIGIT | RS_PW_NO_SYMBOL |
	  RS_PW_FEW_DISTINCT | RS_PW_HAS_USER,
      M_SHORT(32) M_BAD M_UPPER M_DIGIT M_SYMBOL M_FEW(8) M_USER),
    C("every checked rule", STRICT, "ü", "ü\t",
      RS_PW_TOO_SHORT | RS_PW_BAD_TEXT | RS_PW_NO_LOWER | RS_PW_NO_UPPER | RS_PW_NO_DIGIT |
	  RS_PW_NO_SYMBOL | RS_PW_FEW_DISTINCT | RS_PW_HAS_USER,
      M_SHORT(32) M_BAD M_LOWER M_UPPER M_DIGIT M_SYMBOL M_FEW(8) M_USER),
    C("empty password", STRICT, "bob", "",
      RS_PW_TOO_SHORT | RS_PW_NO_LOWER | RS_PW_NO_UPPER | RS_PW_NO_DIGIT | RS_PW_NO_SYMBOL |
	  RS_PW_FEW_DISTINCT,
      M_SHORT(32) M_LOWER M_UPPER M_DIGIT M_SYMBOL M_FEW(8)),
    C("root's password, not as owner", STRICT, "root", "root1234",
      RS_PW_TOO_SHORT | RS_PW_NO_UPPER | RS_PW_NO_SYMBOL | RS_PW_FEW_DISTINCT | RS_PW_HAS_USER,
      M_SHORT(32) M_UPPER M_SYMBOL M_FEW(8) M_USER),
    C("strict, passing", STRICT, "bob", "aB3$efghijklmnopqrstuvwxyz012345", 0, ""),
};

static void test_all_at_once(void **state)
{
	(void)state;
	RUN(all_cases, false);
}

/* Each rule alone gives its one line; all of them give every line in a
 * fixed order; the text is appended to what the buffer holds. */
static void test_describe(void **state)
{
	static const struct {
		unsigned bit;
		const char *line;
	} lines[] = {
	    {RS_PW_TOO_SHORT, M_SHORT(12)},    {RS_PW_TOO_LONG, M_LONG},
	    {RS_PW_BAD_TEXT, M_BAD},	       {RS_PW_NO_LOWER, M_LOWER},
	    {RS_PW_NO_UPPER, M_UPPER},	       {RS_PW_NO_DIGIT, M_DIGIT},
	    {RS_PW_NO_SYMBOL, M_SYMBOL},       {RS_PW_FEW_DISTINCT, M_FEW(5)},
	    {RS_PW_HAS_USER, M_USER},	       {RS_PW_OWNER_SHORT, M_OSHORT},
	    {RS_PW_OWNER_CLASSES, M_OCLASSES}, {RS_PW_REUSED, M_REUSED(24)},
	};
	static const char every[] =
	    M_SHORT(12) M_LONG M_BAD M_LOWER M_UPPER M_DIGIT M_SYMBOL M_FEW(5)
		M_USER M_OSHORT M_OCLASSES M_REUSED(24);
	struct rs_password_policy pp;
	char text[OUT_LEN];
	struct rs_buf out;
	unsigned all = 0;

	(void)state;
	make_policy(&(struct pol){12, 0, 5}, &pp);
	pp.password_reuse_prevention = 24;
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		rs_buf_init(&out, text, sizeof(text));
		rs_pwrules_describe(&pp, lines[i].bit, &out);
		assert_string_equal(text, lines[i].line);
		all |= lines[i].bit;
	}
	for (int round = 0; round < 2; round++) {
		rs_buf_init(&out, text, sizeof(text));
		rs_pwrules_describe(&pp, all, &out);
		assert_false(out.overflow);
		assert_string_equal(text, every);
	}
	rs_buf_init(&out, text, sizeof(text));
	rs_pwrules_describe(&pp, 0, &out);
	assert_string_equal(text, "");
	rs_buf_printf(&out, "Sorry.\n");
	rs_pwrules_describe(&pp, RS_PW_NO_DIGIT | RS_PW_TOO_SHORT, &out);
	assert_string_equal(text, "Sorry.\n" M_SHORT(12) M_DIGIT);
}

/* --- the owner rule ----------------------------------------------------- */

static const struct check_case owner_cases[] = {
    C("5 characters", STRICT, "root", "abc12", RS_PW_OWNER_SHORT, M_OSHORT),
    C("6 characters", STRICT, "root", "abc123", 0, ""),
    C("5 characters, 7 bytes", STRICT, "root", "äb123", RS_PW_OWNER_SHORT, M_OSHORT),
    C("6 characters, 8 bytes", STRICT, "root", "äbc123", 0, ""),
    C("empty", STRICT, "root", "", RS_PW_OWNER_SHORT | RS_PW_OWNER_CLASSES, M_OSHORT M_OCLASSES),
    C("5 letters", STRICT, "root", "abcde", RS_PW_OWNER_SHORT | RS_PW_OWNER_CLASSES,
      M_OSHORT M_OCLASSES),
    C("letters only", STRICT, "root", "abcDEFgh", RS_PW_OWNER_CLASSES, M_OCLASSES),
    C("digits only", STRICT, "root", "12345678", RS_PW_OWNER_CLASSES, M_OCLASSES),
    C("symbols only", STRICT, "root", "!@#$%^&*", RS_PW_OWNER_CLASSES, M_OCLASSES),
    C("e-acute is no letter", STRICT, "root", "éééééé1", RS_PW_OWNER_CLASSES, M_OCLASSES),
    C("letters+digits", STRICT, "root", "abcdef12", 0, ""),
    C("upper+digits", STRICT, "root", "ABCDEF12", 0, ""),
    C("letters+symbols", STRICT, "root", "abcdef!?", 0, ""),
    C("digits+symbols", STRICT, "root", "123456!?", 0, ""),
    C("user rules ignored: name", STRICT, "root", "root1234", 0, ""),
    C("user rules ignored: distinct", STRICT, "root", "aaaaa1", 0, ""),
    C("bad text still refused", STRICT, "root", "abc123\t", RS_PW_BAD_TEXT, M_BAD),
};

static void test_owner(void **state)
{
	(void)state;
	RUN(owner_cases, true);
}

/* --- the generator ------------------------------------------------------ */

#define GEN_ROUNDS 200
#define GEN_RND	   512 /* what ramsecctl draws */

static uint64_t xorshift64(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void random_bytes(uint64_t *s, unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(xorshift64(s) >> 24);
}

/* Every generated password passes the policy it was made for, has the
 * length max(16, minimum), is printable ASCII and differs from the rest. */
static void test_generate(void **state)
{
	static const struct {
		const char *name;
		struct pol pol;
		const char *user;
	} cases[] = {
	    {"defaults", DEF, "alice"},
	    {"min 32, all classes, 8 distinct", {32, R_ALL, 8}, "alice"},
	    {"no user name", {8, R_NOUSER, 0}, "alice"},
	    {"strict, no user name", STRICT, "bob"},
	    {"no one-letter user name", {16, R_ALL | R_NOUSER, 8}, "k"},
	};
	static char seen[GEN_ROUNDS][RS_PASSWORD_MAX + 1];
	uint64_t s = 0x243f6a8885a308d3ull;

	(void)state;
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct rs_password_policy pp;
		size_t want;

		make_policy(&cases[c].pol, &pp);
		want = pp.minimum_password_length > 16 ? (size_t)pp.minimum_password_length : 16;
		for (int r = 0; r < GEN_ROUNDS; r++) {
			unsigned char rnd[GEN_RND];
			char *out = seen[r];
			unsigned broken;
			int rc;

			random_bytes(&s, rnd, sizeof(rnd));
			memset(out, 'X', RS_PASSWORD_MAX + 1);
			rc = rs_pwrules_generate(&pp, cases[c].user, rnd, sizeof(rnd), out,
						 RS_PASSWORD_MAX + 1);
			if (rc != 0)
				fail_msg("%s, round %d: rc %d", cases[c].name, r, rc);
			if (strlen(out) != want)
				fail_msg("%s: \"%s\" is not %zu long", cases[c].name, out, want);
			broken = rs_pwrules_check(&pp, false, cases[c].user, out, want);
			if (broken)
				fail_msg("%s: \"%s\" breaks 0x%x", cases[c].name, out, broken);
			for (size_t i = 0; i < want; i++)
				if (out[i] <= ' ' || out[i] >= 0x7f)
					fail_msg("%s: \"%s\" not printable", cases[c].name, out);
			for (int o = 0; o < r; o++)
				if (!strcmp(seen[o], out))
					fail_msg("%s: \"%s\" twice", cases[c].name, out);
		}
	}
}

/* Too few random bytes: -EINVAL; the least that is enough works. */
static void test_generate_short_rnd(void **state)
{
	static const struct {
		struct pol pol;
		size_t n;
		int rc;
	} cases[] = {
	    {DEF, 0, -EINVAL},
	    {DEF, 1, -EINVAL},
	    {DEF, 63, -EINVAL},
	    {DEF, 64, 0},
	    {{32, R_ALL, 8}, 0, -EINVAL},
	    {{32, R_ALL, 8}, 127, -EINVAL},
	    {{32, R_ALL, 8}, 128, 0},
	};
	uint64_t s = 0x9e3779b97f4a7c15ull;
	unsigned char rnd[GEN_RND];
	char out[RS_PASSWORD_MAX + 1];

	(void)state;
	random_bytes(&s, rnd, sizeof(rnd));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rs_password_policy pp;
		int rc;

		make_policy(&cases[i].pol, &pp);
		rc = rs_pwrules_generate(&pp, "alice", rnd, cases[i].n, out, sizeof(out));
		if (rc != cases[i].rc)
			fail_msg("case %zu: rc %d, want %d", i, rc, cases[i].rc);
		if (rc == 0)
			assert_int_equal(rs_pwrules_check(&pp, false, "alice", out, strlen(out)),
					 0);
	}
}

int main(void)
{
	const struct CMUnitTest rules[] = {
	    cmocka_unit_test(test_length),   cmocka_unit_test(test_length_cap),
	    cmocka_unit_test(test_classes),  cmocka_unit_test(test_user_name),
	    cmocka_unit_test(test_text),     cmocka_unit_test(test_all_at_once),
	    cmocka_unit_test(test_describe), cmocka_unit_test(test_owner),
	};
	const struct CMUnitTest gen[] = {
	    cmocka_unit_test(test_generate),
	    cmocka_unit_test(test_generate_short_rnd),
	};
	int failed = 0;

	failed += cmocka_run_group_tests_name("pwrules", rules, NULL, NULL);
	failed += cmocka_run_group_tests_name("pwrules_generate", gen, NULL, NULL);
	return failed ? 1 : 0;
}
