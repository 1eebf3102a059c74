/* SPDX-License-Identifier: MIT */
/*
 * The security report: RAM's counts, the host's findings and a score out
 * of 100.  Pure: policyd gathers the counts, this scores them.
 *
 * Score = 100 minus, each at most once:
 *   25 x the share of governed users without a bound MFA device
 *   20 password strength low, 10 mid (rs_password_strength)
 *   15 login_network_masks unset
 *   15 max_login_attempts = 0 (no retry limit)
 *   10 root has no bound MFA device
 *   10 root has access keys
 *    5 some user has an access key never used
 *    5 some user has an access key older than 90 days
 *    5 some user's password has expired or was never changed by its user
 *    5 break-glass used in the last 30 days
 * rounded down, never below 0.
 */
#ifndef RAMSEC_REPORT_H
#define RAMSEC_REPORT_H

#include <stdbool.h>

#include "ramsec/policy.h"

#define RS_OLD_KEY_DAYS 90

enum rs_strength { RS_STRENGTH_LOW, RS_STRENGTH_MID, RS_STRENGTH_HIGH };

struct rs_report_counts {
	int users;	       /* governed users (root not counted) */
	int users_mfa;	       /* of them with a bound device */
	int users_unused_keys; /* with an access key never used */
	int users_old_keys;    /* with an access key older than 90 days */
	int users_expired;     /* password expired or never changed by the user */
	int users_locked;      /* locked now */
	int root_keys;	       /* root's access keys */
	bool root_mfa;	       /* root has a bound device */
	int break_glass_30d;   /* break-glass uses in the last 30 days */
};

/* high: 12+ characters, 3+ classes and reuse prevention 3+; mid: 10+
 * characters or 2+ classes; else low. */
enum rs_strength rs_password_strength(const struct rs_password_policy *pp);
const char *rs_strength_name(enum rs_strength s);

/* The score (see above). */
int rs_report_score(const struct rs_policy *p, const struct rs_report_counts *c);

#endif
