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

/* Appends now to times (n of them, at most max: the oldest goes), kept
 * ascending even when the clock went back. */
static void append(int64_t *times, uint32_t *n, uint32_t max, int64_t now)
{
	if (*n == max) {
		memmove(times, times + 1, (max - 1) * sizeof(times[0]));
		(*n)--;
	}
	times[*n] = *n > 0 && now < times[*n - 1] ? times[*n - 1] : now;
	(*n)++;
}

bool rs_lock_enforce(struct rs_lock_state *s, int64_t now, int max_attempts)
{
	rs_lock_prune(s, now);
	if (max_attempts <= 0 || s->nfail < (uint32_t)max_attempts)
		return rs_lock_is_locked(s, now, NULL);
	if (!rs_lock_is_locked(s, now, NULL) || s->locked_until < now + RS_LOCK_DURATION)
		s->locked_until = now + RS_LOCK_DURATION;
	return true;
}

void rs_lock_note_failure(struct rs_lock_state *s, int64_t now)
{
	rs_lock_prune(s, now);
	append(s->fail, &s->nfail, RS_FAIL_MAX, now);
}

bool rs_lock_record_failure(struct rs_lock_state *s, int64_t now, int max_attempts)
{
	rs_lock_note_failure(s, now);
	if (max_attempts <= 0 || s->nfail < (uint32_t)max_attempts)
		return false;
	return rs_lock_enforce(s, now, max_attempts);
}

void rs_lock_record_self(struct rs_lock_state *s, int64_t now)
{
	append(s->self, &s->nself, RS_SELF_MAX, now);
}

bool rs_lock_self_capped(const struct rs_lock_state *s, int64_t now, int64_t *ret_seconds_left)
{
	uint32_t n = 0;
	int64_t left;

	if (ret_seconds_left)
		*ret_seconds_left = 0;
	/* self[] is ascending; a failure stamped after now (the clock went
	 * back) is in the window */
	while (n < s->nself && now - s->self[s->nself - 1 - n] < RS_SELF_WINDOW)
		n++;
	if (n < RS_SELF_MAX)
		return false;
	left = s->self[s->nself - RS_SELF_MAX] + RS_SELF_WINDOW - now;
	if (ret_seconds_left)
		*ret_seconds_left = left > 0 ? left : 1;
	return true;
}

bool rs_lock_full(const struct rs_lock_state *s, int64_t now, int max_attempts)
{
	uint32_t n = 0;

	if (max_attempts <= 0)
		return false;
	for (uint32_t i = 0; i < s->nfail; i++)
		n += now - s->fail[i] < RS_LOCK_WINDOW;
	return n >= (uint32_t)max_attempts;
}

int64_t rs_lock_last(const struct rs_lock_state *s)
{
	return s->nfail ? s->fail[s->nfail - 1] : 0;
}

int64_t rs_lock_last_self(const struct rs_lock_state *s)
{
	return s->nself ? s->self[s->nself - 1] : 0;
}

/* Removes the newest of times[*n] equal to t, if any. */
static void take_back(int64_t *times, uint32_t *n, int64_t t)
{
	for (uint32_t i = *n; i-- > 0;) {
		if (times[i] != t)
			continue;
		memmove(times + i, times + i + 1, (*n - i - 1) * sizeof(times[0]));
		(*n)--;
		return;
	}
}

void rs_lock_unnote(struct rs_lock_state *s, int64_t t)
{
	take_back(s->fail, &s->nfail, t);
}

void rs_lock_unnote_self(struct rs_lock_state *s, int64_t t)
{
	take_back(s->self, &s->nself, t);
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

/* Appends "t1,t2,..." of n times at buf + *pos; false when it did not fit. */
static bool format_times(const int64_t *t, uint32_t n, char *buf, size_t len, size_t *pos)
{
	for (uint32_t i = 0; i < n; i++) {
		int w = snprintf(buf + *pos, len - *pos, "%s%lld", i ? "," : "", (long long)t[i]);

		if (w < 0 || (size_t)w >= len - *pos) {
			buf[*pos] = '\0';
			return false;
		}
		*pos += (size_t)w;
	}
	return true;
}

void rs_lock_fail_format(const struct rs_lock_state *s, char *buf, size_t len)
{
	size_t pos = 0;

	if (len == 0)
		return;
	buf[0] = '\0';
	if (!format_times(s->fail, s->nfail, buf, len, &pos) || !s->nself || pos + 1 >= len)
		return;
	buf[pos++] = ';';
	buf[pos] = '\0';
	format_times(s->self, s->nself, buf, len, &pos);
}

/* Parses "t1,t2,..." up to end into t (at most max, ascending): the count,
 * or -EINVAL. */
static int parse_times(const char *p, const char *end, int64_t *t, uint32_t max)
{
	uint32_t n = 0;

	while (p < end) {
		char *stop;
		long long v;

		if (n == max || *p < '0' || *p > '9')
			return -EINVAL;
		errno = 0;
		v = strtoll(p, &stop, 10);
		if (errno || stop == p || stop > end || (stop < end && *stop != ','))
			return -EINVAL;
		if (n && v < t[n - 1])
			return -EINVAL;
		t[n++] = v;
		p = stop < end ? stop + 1 : stop;
		if (stop < end && p == end)
			return -EINVAL; /* a trailing ',' */
	}
	return (int)n;
}

int rs_lock_fail_parse(const char *text, struct rs_lock_state *s)
{
	const char *semi = strchr(text, ';'), *end = semi ? semi : text + strlen(text);
	int64_t fail[RS_FAIL_MAX], self[RS_SELF_MAX];
	int n = parse_times(text, end, fail, RS_FAIL_MAX), k = 0;

	if (semi) {
		k = parse_times(semi + 1, semi + 1 + strlen(semi + 1), self, RS_SELF_MAX);
		if (k <= 0)
			return -EINVAL; /* ';' means a list follows */
	}
	if (n < 0 || k < 0)
		return -EINVAL;
	s->nfail = (uint32_t)n;
	memcpy(s->fail, fail, (size_t)n * sizeof(fail[0]));
	s->nself = (uint32_t)k;
	memcpy(s->self, self, (size_t)k * sizeof(self[0]));
	return 0;
}
