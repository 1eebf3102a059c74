// SPDX-License-Identifier: MIT
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "ramsec/pwrules.h"

/* Decodes one UTF-8 code point at s (n bytes left); returns its length, or
 * 0 when the sequence is invalid (overlong, surrogate, beyond U+10FFFF). */
static size_t utf8_next(const unsigned char *s, size_t n, unsigned *ret)
{
	unsigned c = s[0], need, min;

	if (c < 0x80) {
		*ret = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		need = 1, min = 0x80, c &= 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 2, min = 0x800, c &= 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 3, min = 0x10000, c &= 0x07;
	} else {
		return 0;
	}
	if (n < need + 1)
		return 0;
	for (unsigned i = 1; i <= need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*ret = c;
	return need + 1;
}

static bool is_symbol(unsigned c)
{
	return c < 0x80 && ((c >= '!' && c <= '/') || (c >= ':' && c <= '@') ||
			    (c >= '[' && c <= '`') || (c >= '{' && c <= '~'));
}

/* Case-insensitive (ASCII) search for needle in the first n bytes of hay. */
static bool contains_ci(const char *hay, size_t n, const char *needle)
{
	size_t m = strlen(needle);

	if (m == 0 || m > n)
		return false;
	for (size_t i = 0; i + m <= n; i++)
		if (!strncasecmp(hay + i, needle, m))
			return true;
	return false;
}

struct census {
	size_t chars;
	size_t distinct;
	bool lower, upper, digit, symbol, bad;
};

static void count(const char *pw, size_t len, struct census *c)
{
	unsigned seen[RS_PASSWORD_MAX];
	size_t i = 0;

	memset(c, 0, sizeof(*c));
	while (i < len) {
		unsigned cp;
		size_t k = utf8_next((const unsigned char *)pw + i, len - i, &cp);
		bool dup = false;

		if (k == 0 || cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {

			c->bad = true;
			k = k ? k : 1;
			cp = 0xfffd;
		}
		i += k;
		c->lower |= cp >= 'a' && cp <= 'z';
		c->upper |= cp >= 'A' && cp <= 'Z';
		c->digit |= cp >= '0' && cp <= '9';
		c->symbol |= is_symbol(cp);
		for (size_t j = 0; j < c->distinct && !dup; j++)
			dup = seen[j] == cp;
		if (!dup && c->distinct < RS_PASSWORD_MAX)
			seen[c->distinct++] = cp;
		c->chars++;
	}
}

unsigned rs_pwrules_check(const struct rs_password_policy *pp, bool owner, const char *user,
			  const char *pw, size_t len)
{
	struct census c;
	unsigned broken = 0;

	if (len > RS_PASSWORD_MAX)
		return RS_PW_TOO_LONG;
	count(pw, len, &c);
	if (c.bad)
		broken |= RS_PW_BAD_TEXT;
	if (owner) {
		int classes = (c.lower || c.upper) + c.digit + c.symbol;

		if (c.chars < RS_OWNER_MIN_LENGTH)
			broken |= RS_PW_OWNER_SHORT;
		if (classes < 2)
			broken |= RS_PW_OWNER_CLASSES;
		return broken;
	}
	if (c.chars < (size_t)pp->minimum_password_length)
		broken |= RS_PW_TOO_SHORT;
	if (pp->require_lowercase_characters && !c.lower)
		broken |= RS_PW_NO_LOWER;
	if (pp->require_uppercase_characters && !c.upper)
		broken |= RS_PW_NO_UPPER;
	if (pp->require_numbers && !c.digit)
		broken |= RS_PW_NO_DIGIT;
	if (pp->require_symbols && !c.symbol)
		broken |= RS_PW_NO_SYMBOL;
	if (c.distinct < (size_t)pp->minimum_password_different_character)
		broken |= RS_PW_FEW_DISTINCT;
	if (pp->password_not_contain_user_name && user && contains_ci(pw, len, user))
		broken |= RS_PW_HAS_USER;
	return broken;
}

void rs_pwrules_describe(const struct rs_password_policy *pp, unsigned broken, struct rs_buf *out)
{
	if (broken & RS_PW_TOO_SHORT)
		rs_buf_printf(out, "The password must be at least %d characters long.\n",
			      pp->minimum_password_length);
	if (broken & RS_PW_TOO_LONG)
		rs_buf_printf(out, "The password must be at most %d bytes long.\n",
			      RS_PASSWORD_MAX);
	if (broken & RS_PW_BAD_TEXT)
		rs_buf_printf(out, "The password must be valid UTF-8 text without control "
				   "characters.\n");
	if (broken & RS_PW_NO_LOWER)
		rs_buf_printf(out, "The password must contain at least one lowercase letter "
				   "(a-z).\n");
	if (broken & RS_PW_NO_UPPER)
		rs_buf_printf(out, "The password must contain at least one uppercase letter "
				   "(A-Z).\n");
	if (broken & RS_PW_NO_DIGIT)
		rs_buf_printf(out, "The password must contain at least one digit (0-9).\n");
	if (broken & RS_PW_NO_SYMBOL)
		rs_buf_printf(out, "The password must contain at least one symbol (ASCII "
				   "punctuation).\n");
	if (broken & RS_PW_FEW_DISTINCT)
		rs_buf_printf(out,
			      "The password must contain at least %d different "
			      "characters.\n",
			      pp->minimum_password_different_character);
	if (broken & RS_PW_HAS_USER)
		rs_buf_printf(out, "The password must not contain the user name.\n");
	if (broken & RS_PW_OWNER_SHORT)
		rs_buf_printf(out, "The root password must be at least %d characters long.\n",
			      RS_OWNER_MIN_LENGTH);
	if (broken & RS_PW_OWNER_CLASSES)
		rs_buf_printf(out, "The root password must contain at least two of: letters, "
				   "digits, symbols.\n");
	if (broken & RS_PW_REUSED)
		rs_buf_printf(out, "The password must differ from the last %d passwords.\n",
			      pp->password_reuse_prevention);
}

int rs_pwrules_generate(const struct rs_password_policy *pp, const char *user,
			const unsigned char *rnd, size_t n, char *out, size_t len)
{
	static const char *const sets[] = {"abcdefghijkmnopqrstuvwxyz", "ABCDEFGHJKLMNPQRSTUVWXYZ",
					   "23456789", "#%+-.:=@^_~"};
	size_t want = pp->minimum_password_length > 16 ? (size_t)pp->minimum_password_length : 16;
	size_t used = 0;

	if (len < want + 1 || n < 4 * want)
		return -EINVAL;
	/* retry with fresh bytes until every rule holds (almost always once) */
	while (used + 2 * want <= n) {
		for (size_t i = 0; i < want; i++) {
			const char *set = sets[i < 4 ? i : rnd[used++] % 4];

			out[i] = set[rnd[used++] % strlen(set)];
		}
		out[want] = '\0';
		/* move the fixed class positions: swap with random places */
		for (size_t i = 0; i < 4 && used < n; i++) {
			size_t j = rnd[used++] % want;
			char t = out[i];

			out[i] = out[j];
			out[j] = t;
		}
		if (rs_pwrules_check(pp, false, user, out, want) == 0)
			return 0;
	}
	memset(out, 0, len);
	return -EINVAL;
}
