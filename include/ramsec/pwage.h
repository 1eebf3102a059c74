/* SPDX-License-Identifier: MIT */
/*
 * Password validity (max_password_age, hard_expire, initial_password_age,
 * password_reset_required) and the history check (password_reuse_prevention).
 */
#ifndef RAMSEC_PWAGE_H
#define RAMSEC_PWAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ramsec/policy.h"

#define RS_DAY	       86400
#define RS_WARN_DAYS   7  /* warnings start this many days before expiry */
#define RS_HISTORY_MAX 24 /* the largest password_reuse_prevention */

struct rs_pw_state {
	int64_t set_at;	     /* when the password was last set; 0 = unknown */
	bool initial;	     /* set by an administrator: initial_password_age */
	bool reset_required; /* password_reset_required, or shadow's day 0 */
};

enum rs_pw_status {
	RS_PWS_OK,	/* nothing to say */
	RS_PWS_WARN,	/* expires within RS_WARN_DAYS: tell the user */
	RS_PWS_CHANGE,	/* must change it now, then proceed */
	RS_PWS_EXPIRED, /* hard_expire: refused until an administrator resets it */
};

/*
 * The status of a password at now.  *ret_expires_at (may be NULL) gets when
 * it expires (0 = never), *ret_days_left (may be NULL) whole days left,
 * rounded up.  A password whose set time is unknown never expires by age.
 */
enum rs_pw_status rs_pw_status(const struct rs_password_policy *pp, const struct rs_pw_state *s,
			       int64_t now, int64_t *ret_expires_at, int64_t *ret_days_left);

/*
 * Merges what policyd recorded with the shadow entry: the password was set
 * at the later of recorded_at and the shadow's last-change day (days since
 * the epoch, -1 = empty field); a change made outside ramsec (a later
 * shadow day) ends the administrator's "initial" mark; day 0 (chage -d 0)
 * requires a change.
 */
void rs_pw_state_merge(int64_t recorded_at, bool initial, bool reset_required, long shadow_lastchg,
		       struct rs_pw_state *ret);

/*
 * True when computed (the new password hashed with the user's history
 * setting) equals one of the n newest history entries.  Every entry is
 * compared in constant time, and all n are always compared.
 */
bool rs_history_contains(const char *computed, const char *const *entries, size_t n);

#endif
