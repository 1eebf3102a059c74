// SPDX-License-Identifier: MIT
#include <errno.h>
#include <liboath/oath.h>
#include <string.h>

#include "ramsec/secret.h"
#include "ramsec/totp.h"

int64_t rs_totp_step(int64_t t)
{
	return t >= 0 ? t / RS_TOTP_STEP : -1;
}

int rs_totp_code(const uint8_t *seed, size_t n, int64_t step, unsigned digits, char *out)
{
	/* liboath takes a time; the middle of the step names it exactly */
	if (step < 0 || step > INT64_MAX / RS_TOTP_STEP || (digits != 6 && digits != 8) ||
	    oath_totp_generate((const char *)seed, n, (time_t)(step * RS_TOTP_STEP), RS_TOTP_STEP,
			       0, digits, out) != OATH_OK)
		return -EINVAL;
	return 0;
}

bool rs_totp_code_syntax(const char *code)
{
	size_t i;

	for (i = 0; code && code[i]; i++)
		if (code[i] < '0' || code[i] > '9' || i >= RS_TOTP_DIGITS)
			return false;
	return i == RS_TOTP_DIGITS;
}

/* Constant-time: is code the code of step? */
static bool step_is(const uint8_t *seed, size_t n, int64_t step, const char *code)
{
	char want[RS_TOTP_DIGITS + 1];
	bool eq;

	if (rs_totp_code(seed, n, step, RS_TOTP_DIGITS, want) < 0)
		return false;
	eq = rs_secret_equal(want, code, RS_TOTP_DIGITS);
	rs_secret_wipe(want, sizeof(want));
	return eq;
}

int64_t rs_totp_match(const uint8_t *seed, size_t n, int64_t now, int window, int64_t last_step,
		      const char *code)
{
	int64_t s0 = rs_totp_step(now), found = -1;

	if (!rs_totp_code_syntax(code) || s0 < 0 || s0 > INT64_MAX / 2 || window < 0 ||
	    window > RS_TOTP_WINDOW_MAX)
		return -1;
	for (int64_t s = s0 - window; s <= s0 + window; s++) {
		bool hit = s >= 0 && step_is(seed, n, s, code);

		if (hit && s > last_step && found < 0)
			found = s;
	}
	return found;
}

int64_t rs_totp_match_pair(const uint8_t *seed, size_t n, int64_t now, int window,
			   const char *code1, const char *code2)
{
	int64_t s0 = rs_totp_step(now), found = -1;

	if (!rs_totp_code_syntax(code1) || !rs_totp_code_syntax(code2) || s0 < 0 ||
	    s0 > INT64_MAX / 2 || window < 0 || window > RS_TOTP_WINDOW_MAX)
		return -1;
	/* the second code is in the window, the first is the step before it */
	for (int64_t t = s0 - window; t <= s0 + window; t++) {
		bool first = t >= 1 && step_is(seed, n, t - 1, code1);
		bool second = t >= 1 && step_is(seed, n, t, code2);
		bool hit = first && second;

		if (hit && found < 0)
			found = t;
	}
	return found;
}

static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

void rs_base32_encode(const uint8_t *in, size_t n, char *out, size_t len)
{
	size_t o = 0;
	unsigned acc = 0, bits = 0;

	for (size_t i = 0; i < n; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 5 && o + 1 < len) {
			out[o++] = b32[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0 && o + 1 < len)
		out[o++] = b32[(acc << (5 - bits)) & 31];
	if (len > 0)
		out[o] = '\0';
}

int rs_base32_decode(const char *text, uint8_t *out, size_t max, size_t *ret_n)
{
	unsigned acc = 0, bits = 0;
	size_t o = 0, chars = 0;
	bool pad = false;

	for (const char *p = text; *p; p++) {
		char c = *p;
		const char *at;

		if (c == ' ' || c == '\t')
			continue;
		if (c == '=') {
			pad = true;
			continue;
		}
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		at = c ? strchr(b32, c) : NULL;
		if (!at || pad)
			return -EINVAL; /* a bad character, or data after '=' */
		acc = (acc << 5) | (unsigned)(at - b32);
		bits += 5;
		chars++;
		if (bits >= 8) {
			if (o == max)
				return -E2BIG;
			out[o++] = (uint8_t)(acc >> (bits - 8));
			bits -= 8;
		}
	}
	/* lengths 1, 3 and 6 (mod 8) cannot come from whole bytes */
	if (chars % 8 == 1 || chars % 8 == 3 || chars % 8 == 6)
		return -EINVAL;
	*ret_n = o;
	return 0;
}

static void uri_escape(const char *s, struct rs_buf *out)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~')
			rs_buf_put(out, (const char *)&c, 1);
		else
			rs_buf_printf(out, "%%%02X", c);
	}
}

void rs_totp_uri(const char *issuer, const char *user, const uint8_t *seed, size_t n,
		 struct rs_buf *out)
{
	char secret[(RS_TOTP_SEED_MAX * 8 + 4) / 5 + 1];

	if (n > RS_TOTP_SEED_MAX) {
		out->overflow = true; /* never cut a secret short */
		return;
	}
	rs_base32_encode(seed, n, secret, sizeof(secret));
	rs_buf_printf(out, "otpauth://totp/");
	uri_escape(issuer, out);
	rs_buf_put(out, ":", 1);
	uri_escape(user, out);
	rs_buf_printf(out, "?secret=%s&issuer=", secret);
	uri_escape(issuer, out);
	rs_buf_printf(out, "&algorithm=SHA1&digits=%d&period=%d", RS_TOTP_DIGITS, RS_TOTP_STEP);
	rs_secret_wipe(secret, sizeof(secret));
}

enum rs_mfa_need rs_mfa_needed(const struct rs_policy *p, const struct rs_mfa_facts *m)
{
	bool need;

	if (m->is_root)
		need = p->root.mfa_required || m->bound;
	else if (p->pref.mfa_operation_for_login == RS_MFA_MANDATORY)
		need = true;
	else if (p->pref.mfa_operation_for_login == RS_MFA_ADAPTIVE)
		need = (m->bound && !m->source_seen) || m->bind_required;
	else
		need = m->bound || m->bind_required;
	if (!need)
		return RS_MFA_NONE;
	/* an unknown user is asked for a code, as a user with a device is */
	return m->bound || !m->known ? RS_MFA_CODE : RS_MFA_BIND;
}
