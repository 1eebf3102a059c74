/* SPDX-License-Identifier: MIT */
/*
 * The password rules of ramsec.conf(5), checked all at once so the user hears
 * every broken rule in one go.  Characters are Unicode code points of
 * UTF-8 text; the character classes are ASCII (a-z, A-Z, 0-9, ASCII
 * punctuation).  Root (the owner account) has its own fixed rule instead.
 */
#ifndef RAMSEC_PWRULES_H
#define RAMSEC_PWRULES_H

#include <stdbool.h>
#include <stddef.h>

#include "ramsec/buf.h"
#include "ramsec/policy.h"

enum rs_pwrule {
	RS_PW_TOO_SHORT = 1u << 0, /* minimum_password_length */
	RS_PW_TOO_LONG = 1u << 1,  /* more than RS_PASSWORD_MAX bytes */
	RS_PW_NO_LOWER = 1u << 2,
	RS_PW_NO_UPPER = 1u << 3,
	RS_PW_NO_DIGIT = 1u << 4,
	RS_PW_NO_SYMBOL = 1u << 5,
	RS_PW_FEW_DISTINCT = 1u << 6,	/* minimum_password_different_character */
	RS_PW_HAS_USER = 1u << 7,	/* password_not_contain_user_name */
	RS_PW_BAD_TEXT = 1u << 8,	/* invalid UTF-8 or a control character */
	RS_PW_OWNER_SHORT = 1u << 9,	/* root: fewer than 6 characters */
	RS_PW_OWNER_CLASSES = 1u << 10, /* root: fewer than 2 of letters, digits, symbols */
	RS_PW_REUSED = 1u << 11,	/* one of the last N (history, not checked here) */
};

#define RS_OWNER_MIN_LENGTH 6

/*
 * Checks pw (len bytes, may hold anything) for user under pp, or under the
 * owner rule when owner.  Returns the broken rules (0 = acceptable).
 */
unsigned rs_pwrules_check(const struct rs_password_policy *pp, bool owner, const char *user,
			  const char *pw, size_t len);

/* Appends one line per broken rule ("The password must contain at least one
 * digit.") to out. */
void rs_pwrules_describe(const struct rs_password_policy *pp, unsigned broken, struct rs_buf *out);

/*
 * Makes a password that satisfies pp for user from random bytes rnd: at
 * least 16 characters (or minimum_password_length), every class, distinct
 * characters, no user name.  rnd needs n >= 4 * that length; out holds at
 * least RS_PASSWORD_MAX + 1 bytes.  Returns 0, or -EINVAL when rnd is too
 * short, or when no draw its bytes allow passed the rules.
 */

int rs_pwrules_generate(const struct rs_password_policy *pp, const char *user,
			const unsigned char *rnd, size_t n, char *out, size_t len);

#endif
