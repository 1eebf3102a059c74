/* SPDX-License-Identifier: MIT */
/*
 * Access keys: SSH public keys that ramsec manages and serves to sshd
 * (AuthorizedKeysCommand), at most RS_AKEY_MAX per user, each active or
 * inactive, disabled when unused for max_idle_days_for_access_keys.
 */
#ifndef RAMSEC_AKEY_H
#define RAMSEC_AKEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ramsec/policy.h"

#define RS_AKEY_MAX	 2 /* RAM: at most 2 per user */
#define RS_AKEY_TYPE_MAX 40
#define RS_AKEY_B64_MAX	 1400 /* an RSA 8192 key's base64 fits */
#define RS_AKEY_ID_LEN	 18   /* "AK" + 16 hex digits */

/*
 * Parses an authorized_keys style line "TYPE BASE64 [COMMENT]" (no
 * options) into type and b64.  Only the key types OpenSSH uses for user
 * keys, strict base64 whose decoded blob names the same type.  0 or
 * -EINVAL.
 */
int rs_akey_parse(const char *line, char type[RS_AKEY_TYPE_MAX + 1], char b64[RS_AKEY_B64_MAX + 1]);

/* True when a key is idle at now under max_idle_days_for_access_keys:
 * unused since the latest of created, last_used and enabled_at (when it was
 * last turned active again); 0 = never. */
bool rs_akey_idle(const struct rs_policy *p, int64_t created, int64_t last_used, int64_t enabled_at,
		  int64_t now);

/*
 * Finds, in SSH_AUTH_INFO_0 (lines "publickey TYPE BASE64", others
 * ignored), the public key that authenticated: 0 with type and b64, or
 * -ENOENT.
 */
int rs_akey_from_authinfo(const char *info, char type[RS_AKEY_TYPE_MAX + 1],
			  char b64[RS_AKEY_B64_MAX + 1]);

#endif
