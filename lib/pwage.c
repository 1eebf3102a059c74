// SPDX-License-Identifier: MIT
#include "ramsec/pwage.h"
#include "ramsec/secret.h"

enum rs_pw_status rs_pw_status(const struct rs_password_policy *pp, const struct rs_pw_state *s,
			       int64_t now, int64_t *ret_expires_at, int64_t *ret_days_left)
{
	int64_t expires = 0, left;

	if (s->set_at > 0 && pp->max_password_age > 0)
		expires = s->set_at + (int64_t)pp->max_password_age * RS_DAY;
	if (s->set_at > 0 && s->initial && pp->initial_password_age > 0) {
		int64_t initial = s->set_at + (int64_t)pp->initial_password_age * RS_DAY;

		if (expires == 0 || initial < expires)
			expires = initial;
	}
	left = expires ? expires - now : 0;
	if (ret_expires_at)
		*ret_expires_at = expires;
	if (ret_days_left)
		*ret_days_left = left > 0 ? (left + RS_DAY - 1) / RS_DAY : 0;
	if (expires && left <= 0)
		return pp->hard_expire ? RS_PWS_EXPIRED : RS_PWS_CHANGE;
	if (s->reset_required)
		return RS_PWS_CHANGE;
	if (expires && left <= (int64_t)RS_WARN_DAYS * RS_DAY)
		return RS_PWS_WARN;
	return RS_PWS_OK;
}

bool rs_history_contains(const char *computed, const char *const *entries, size_t n)
{
	bool found = false;

	for (size_t i = 0; i < n; i++)
		found |= entries[i] && rs_secret_streq(computed, entries[i]);
	return found;
}

void rs_pw_state_merge(int64_t recorded_at, bool initial, bool reset_required, long shadow_lastchg,
		       struct rs_pw_state *ret)
{
	int64_t shadow_at = shadow_lastchg > 0 ? (int64_t)shadow_lastchg * RS_DAY : 0;
	bool outside =
	    shadow_lastchg > 0 && shadow_at >= recorded_at - recorded_at % RS_DAY + RS_DAY;

	ret->set_at = shadow_at > recorded_at ? shadow_at : recorded_at;
	ret->initial = initial && !outside;
	ret->reset_required = reset_required || shadow_lastchg == 0;
}
