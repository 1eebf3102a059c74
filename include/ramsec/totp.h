/* SPDX-License-Identifier: MIT */
/*
 * TOTP (RFC 6238): SHA-1, 6 digits, 30-second steps, as authenticator apps
 * expect; the HMAC arithmetic is liboath's.  Base32 seeds, otpauth:// URIs,
 * and which logons need MFA.  Pure: callers pass the time and the seed.
 */
#ifndef RAMSEC_TOTP_H
#define RAMSEC_TOTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ramsec/buf.h"
#include "ramsec/policy.h"

#define RS_TOTP_STEP	   30
#define RS_TOTP_DIGITS	   6
#define RS_TOTP_SEED_LEN   20 /* 160 bits, RFC 4226's recommendation */
#define RS_TOTP_SEED_MAX   64 /* the longest seed a URI is made for */
#define RS_TOTP_WINDOW_MAX 10
#define RS_MFA_TICKET_DAYS 7
#define RS_ADAPTIVE_DAYS   30

/* The step that time t falls in. */
int64_t rs_totp_step(int64_t t);

/* The code of step with digits digits (6 or 8) into out (digits + 1
 * bytes).  0, or -EINVAL. */
int rs_totp_code(const uint8_t *seed, size_t n, int64_t step, unsigned digits, char *out);

/* True when code is exactly six ASCII digits. */
bool rs_totp_code_syntax(const char *code);

/*
 * The step in [step(now) - window, step(now) + window] whose code is code
 * and that is later than last_step (a code is never accepted twice, and
 * never after the clock stepped back); -1 when none.  Every step of the
 * window is computed and compared in constant time.
 */
int64_t rs_totp_match(const uint8_t *seed, size_t n, int64_t now, int window, int64_t last_step,
		      const char *code);

/* Binding: code2 at a step t within the window and code1 at t - 1 (two
 * consecutive codes, the second one current).  Returns t (the last step
 * used), or -1. */
int64_t rs_totp_match_pair(const uint8_t *seed, size_t n, int64_t now, int window,
			   const char *code1, const char *code2);

/* Base32 (RFC 4648) without padding.  encode: out gets the text (len >=
 * 8 * ceil(n / 5) + 1).  decode: upper or lower case, '=' padding and
 * blanks ignored; 0 with *ret_n bytes, -EINVAL for another character or a
 * bad length, -E2BIG when it would exceed max. */
void rs_base32_encode(const uint8_t *in, size_t n, char *out, size_t len);
int rs_base32_decode(const char *text, uint8_t *out, size_t max, size_t *ret_n);

/* otpauth://totp/ISSUER:USER?secret=...&issuer=ISSUER&algorithm=SHA1&digits=6&period=30
 * with issuer and user percent-encoded.  A seed over RS_TOTP_SEED_MAX bytes
 * sets out->overflow and writes nothing. */
void rs_totp_uri(const char *issuer, const char *user, const uint8_t *seed, size_t n,
		 struct rs_buf *out);

enum rs_mfa_need {
	RS_MFA_NONE, /* password only */
	RS_MFA_CODE, /* ask for a code of the bound device */
	RS_MFA_BIND, /* must have MFA, has no device: bind one now */
};

struct rs_mfa_facts {
	bool known; /* unknown users: asked where everyone would be */
	bool is_root;
	bool bound;	    /* a bound device */
	bool bind_required; /* mfa_bind_required */
	bool source_seen;   /* adaptive: logged on from this source lately */
};

/* Who needs MFA (ramsec.conf(5) mfa_operation_for_login; root_account.mfa_required
 * for root). */
enum rs_mfa_need rs_mfa_needed(const struct rs_policy *p, const struct rs_mfa_facts *m);

/* Renders text as a QR code (ECC level M) in Unicode half blocks, two
 * modules per character cell, with a quiet zone; 0 or -EINVAL/-ENOMEM. */
int rs_qr_text(const char *text, struct rs_buf *out);

/* The same QR code as a width x width matrix (1 = dark) in a malloc'd
 * *ret, without the quiet zone; 0 or -EINVAL/-ENOMEM. */
int rs_qr_matrix(const char *text, uint8_t **ret, int *ret_width);

#endif
