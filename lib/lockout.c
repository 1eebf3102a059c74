// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ramsec/lockout.h"
#include "ramsec/policy.h"

void rs_lock_prune(struct rs_lock_state *s, int64_t now)
{
	uint32_t keep = 0;

	for (uint32_t i = 0; i < s->nfail; i++) {
		/* a failure stamped in the future (clock stepped back) stays */
		if (now - s->fail[i] < RS_LOCK_WINDOW)
			s->fail[keep++] = s->fail[i];
	}
	s->nfail = keep;
}

bool rs_lock_is_locked(const struct rs_lock_state *s, int64_t now, int64_t *ret_seconds_left)
{
	bool locked = s->locked_until != 0 && now < s->locked_until;

	if (ret_seconds_left)
		*ret_seconds_left = locked ? s->locked_until - now : 0;
	return locked;
}

bool rs_lock_record_failure(struct rs_lock_state *s, int64_t now, int max_attempts)
{
	int64_t t;

	rs_lock_prune(s, now);
	if (s->nfail == RS_FAIL_MAX) {
		memmove(s->fail, s->fail + 1, (RS_FAIL_MAX - 1) * sizeof(s->fail[0]));
		s->nfail--;
	}
	/* keep fail[] ascending even when the clock went back */
	t = s->nfail > 0 && now < s->fail[s->nfail - 1] ? s->fail[s->nfail - 1] : now;
	s->fail[s->nfail++] = t;
	if (max_attempts <= 0 || s->nfail < (uint32_t)max_attempts)
		return false;
	if (!rs_lock_is_locked(s, now, NULL) || s->locked_until < now + RS_LOCK_DURATION)
		s->locked_until = now + RS_LOCK_DURATION;
	return true;
}

bool rs_lock_self_capped(const struct rs_lock_state *s, int64_t now, int64_t *ret_seconds_left)
{
	uint32_t n = 0;
	int64_t left;

	if (ret_seconds_left)
		*ret_seconds_left = 0;
	/* fail[] is ascending; a failure stamped after now (the clock went
	 * back) is in the window */
	while (n < s->nfail && now - s->fail[s->nfail - 1 - n] < RS_SELF_WINDOW)
		n++;
	if (n < RS_SELF_MAX)
		return false;
	left = s->fail[s->nfail - RS_SELF_MAX] + RS_SELF_WINDOW - now;
	if (ret_seconds_left)
		*ret_seconds_left = left > 0 ? left : 1;
	return true;
}

void rs_lock_clear(struct rs_lock_state *s)
{
	memset(s, 0, sizeof(*s));
}

int64_t rs_lock_window_end(const struct rs_lock_state *s)
{
	return s->nfail ? s->fail[0] + RS_LOCK_WINDOW : 0;
}

int64_t rs_lock_minutes(int64_t seconds)
{
	return seconds <= 0 ? 0 : (seconds + 59) / 60;
}

void rs_lock_fail_format(const struct rs_lock_state *s, char *buf, size_t len)
{
	size_t pos = 0;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (uint32_t i = 0; i < s->nfail && pos < len; i++) {
		int n =
		    snprintf(buf + pos, len - pos, "%s%lld", i ? "," : "", (long long)s->fail[i]);

		if (n < 0 || (size_t)n >= len - pos) {
			buf[pos] = '\0';
			return;
		}
		pos += (size_t)n;
	}
}

int rs_lock_fail_parse(const char *text, struct rs_lock_state *s)
{
	struct rs_lock_state t = {0};
	const char *p = text;

	while (*p) {
		char *end;
		long long v;

		if (t.nfail == RS_FAIL_MAX || *p < '0' || *p > '9')
			return -EINVAL;
		errno = 0;
		v = strtoll(p, &end, 10);
		if (errno || end == p || (*end && *end != ','))
			return -EINVAL;
		if (t.nfail && v < t.fail[t.nfail - 1])
			return -EINVAL;
		t.fail[t.nfail++] = v;
		p = *end ? end + 1 : end;
		if (*end == ',' && !*p)
			return -EINVAL;
	}
	s->nfail = t.nfail;
	memcpy(s->fail, t.fail, sizeof(t.fail));
	return 0;
}
