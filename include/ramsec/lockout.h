/* SPDX-License-Identifier: MIT */
/*
 * Retry lockout (max_login_attempts): N wrong passwords within an hour lock
 * the user for an hour from the Nth failure.  The window slides: each
 * failure counts for RS_LOCK_WINDOW seconds after it happened.
 *
 * Time only ever makes a lock stricter: a failure stamped after now (the
 * clock stepped back) still counts, and a lock ends only when now reaches
 * locked_until, so stepping the clock back never unlocks anyone.
 */
#ifndef RAMSEC_LOCKOUT_H
#define RAMSEC_LOCKOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RS_FAIL_MAX	 32 /* = the largest max_login_attempts */
#define RS_SELF_MAX	 5
#define RS_SELF_WINDOW	 300
#define RS_FAIL_TEXT_MAX ((RS_FAIL_MAX + RS_SELF_MAX) * 21 + 1)

struct rs_lock_state {
	uint32_t nfail;		   /* entries used in fail[] */
	int64_t fail[RS_FAIL_MAX]; /* times of counted failures, oldest first */
	int64_t locked_until;	   /* 0: not locked */
	uint32_t nself;		   /* the user's own wrong secrets (self-service) */
	int64_t self[RS_SELF_MAX]; /* their times, oldest first: the cap's window */
};

/* Forgets failures that left the window at now. */
void rs_lock_prune(struct rs_lock_state *s, int64_t now);

/* True when s is locked at now; *ret_seconds_left (may be NULL) gets the
 * seconds until it ends. */
bool rs_lock_is_locked(const struct rs_lock_state *s, int64_t now, int64_t *ret_seconds_left);

/*
 * Records a failure at now.  With max_attempts > 0 and max_attempts failures
 * in the window, locks until now + RS_LOCK_DURATION and returns true; the
 * failures that caused the lock stay in the window.  max_attempts = 0 counts
 * (for the record) but never locks.
 */
bool rs_lock_record_failure(struct rs_lock_state *s, int64_t now, int max_attempts);

/*
 * Secrets the user checks outside a logon (an MFA code to bind or remove a
 * device, the current password of a change) count on the one counter like
 * any failure, and besides in a window of their own: with
 * max_login_attempts 0 (no lock) they are still capped at RS_SELF_MAX
 * wrong ones within RS_SELF_WINDOW seconds.  Only the user's own failures
 * fill that window, so nobody else's wrong logons can close it on them.
 * rs_lock_record_self notes one; rs_lock_self_capped is true when capped
 * at now, *ret_seconds_left (may be NULL) until the oldest of them leaves
 * the window.
 */
void rs_lock_record_self(struct rs_lock_state *s, int64_t now);
bool rs_lock_self_capped(const struct rs_lock_state *s, int64_t now, int64_t *ret_seconds_left);

/*
 * A failure noted but not (yet) locking: the right password of a logon
 * that goes on to the code.  Counted now, so a logon abandoned at the code
 * prompt counts as one with a wrong password does; a right code clears it,
 * a wrong one then locks with rs_lock_enforce (true when s is locked now,
 * locking it when max_attempts failures are in the window).
 */
void rs_lock_note_failure(struct rs_lock_state *s, int64_t now);
bool rs_lock_enforce(struct rs_lock_state *s, int64_t now, int max_attempts);

/*
 * A password check is counted before it runs (a failure noted, see above),
 * so hosts that share the counter verify at most max_attempts passwords
 * per window between them: rs_lock_full is true when max_attempts > 0 and
 * that many failures are in the window at now (counted or in flight), and
 * no further check may start.  rs_lock_unnote takes back the failure noted
 * at t (the time rs_lock_note_failure stamped, rs_lock_last) once the
 * check is done; none at t (cleared, or out of the window): nothing.
 */
bool rs_lock_full(const struct rs_lock_state *s, int64_t now, int max_attempts);
int64_t rs_lock_last(const struct rs_lock_state *s);
void rs_lock_unnote(struct rs_lock_state *s, int64_t t);
/* The same for the self-service window (rs_lock_record_self): the time
 * it stamped, and taking it back. */
int64_t rs_lock_last_self(const struct rs_lock_state *s);
void rs_lock_unnote_self(struct rs_lock_state *s, int64_t t);

/* A successful logon, a password change or an admin unlock: all clear. */
void rs_lock_clear(struct rs_lock_state *s);

/* When the oldest counted failure leaves the window (0 when none). */
int64_t rs_lock_window_end(const struct rs_lock_state *s);

/* Whole minutes, rounded up, for a message: 1..60 for a lock. */
int64_t rs_lock_minutes(int64_t seconds);

/* Failure times as "t1,t2,...[;s1,s2,...]" (the self-service window after
 * the ';'; buf >= RS_FAIL_TEXT_MAX + 1) and back.  rs_lock_fail_parse
 * returns 0 or -EINVAL (bad number, too many, not ascending); *s is
 * written only on success. */
void rs_lock_fail_format(const struct rs_lock_state *s, char *buf, size_t len);
int rs_lock_fail_parse(const char *text, struct rs_lock_state *s);

#endif
