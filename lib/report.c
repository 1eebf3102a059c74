// SPDX-License-Identifier: MIT
#include "ramsec/report.h"

enum rs_strength rs_password_strength(const struct rs_password_policy *pp)
{
	int classes = pp->require_lowercase_characters + pp->require_uppercase_characters +
		      pp->require_numbers + pp->require_symbols;

	if (pp->minimum_password_length >= 12 && classes >= 3 && pp->password_reuse_prevention >= 3)
		return RS_STRENGTH_HIGH;
	if (pp->minimum_password_length >= 10 || classes >= 2)
		return RS_STRENGTH_MID;
	return RS_STRENGTH_LOW;
}

const char *rs_strength_name(enum rs_strength s)
{
	return s == RS_STRENGTH_HIGH ? "high" : s == RS_STRENGTH_MID ? "mid" : "low";
}

int rs_report_score(const struct rs_policy *p, const struct rs_report_counts *c)
{
	enum rs_strength st = rs_password_strength(&p->password);
	int score = 100;

	if (c->users > 0)
		score -= 25 * (c->users - c->users_mfa) / c->users;
	score -= st == RS_STRENGTH_LOW ? 20 : st == RS_STRENGTH_MID ? 10 : 0;
	score -= p->pref.login_network_masks.n == 0 ? 15 : 0;
	score -= p->password.max_login_attempts == 0 ? 15 : 0;
	score -= c->root_mfa ? 0 : 10;
	score -= c->root_keys > 0 ? 10 : 0;
	score -= c->users_unused_keys > 0 ? 5 : 0;
	score -= c->users_old_keys > 0 ? 5 : 0;
	score -= c->users_expired > 0 ? 5 : 0;
	score -= c->break_glass_30d > 0 ? 5 : 0;
	return score < 0 ? 0 : score;
}
