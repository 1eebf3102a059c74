/* SPDX-License-Identifier: MIT */
/*
 * The decisions of a logon, as pure functions of the policy, the facts the
 * module and policyd gathered, the user's state and the time.  policyd is
 * the shell that gathers facts, calls these and stores the outcome.
 */
#ifndef RAMSEC_EVAL_H
#define RAMSEC_EVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ramsec/lockout.h"
#include "ramsec/policy.h"
#include "ramsec/proto.h"
#include "ramsec/pwage.h"

#define RS_DECISION_MSG_MAX 1024

/* What policyd knows about the logon. */
struct rs_facts {
	const char *user;      /* as typed; logged only when known */
	bool known;	       /* the name is a local account */
	bool governed;	       /* known and in scope (rs_scope_governs) */
	bool is_root;	       /* uid 0 */
	const char *rhost;     /* PAM_RHOST, NULL or "" for none */
	bool password_logon;   /* account phase: a password was checked in this logon */
	bool key_login;	       /* a remote logon in which no password was checked */
	bool by_root;	       /* password change: the caller's real uid is 0 */
	struct rs_pw_state pw; /* the password's age and flags */
	bool console_off;      /* console logon status inactive, or idle */
};

struct rs_decision {
	enum rs_verdict verdict;
	enum rs_reason reason;
	int64_t minutes;		   /* lock: minutes left */
	char message[RS_DECISION_MSG_MAX]; /* for the user; "" for none */
};

/* The identity policyd resolved for a user name. */
struct rs_identity {
	uint32_t uid;
	const uint32_t *gids; /* groups the user is in */
	size_t ngids;
};

/* True when the user is governed: root when root_account.governed, others
 * when uid in [min_uid, max_uid] or in a scope group (scope_gids, the gids
 * of scope.groups), and in neither case in scope.exclude_users. */
bool rs_scope_governs(const struct rs_policy *p, const char *name, const struct rs_identity *id,
		      const uint32_t *scope_gids, size_t nscope);

/* True when tty (PAM_TTY) names a local console device by its form:
 * tty<N>, ttyS<N>, ttyAMA<N>, ttyUSB<N>, hvc<N> or console, with or without
 * "/dev/".  Pseudo-terminals (pts/N) and X displays are not consoles. */
bool rs_tty_is_console_name(const char *tty);

/* True when a user has been idle for max_idle_days_for_users at now: no
 * logon since the latest of last_logon, first_seen (when policyd first met
 * the user) and reset_at (console logon turned back on); 0 = never. */
bool rs_user_idle(const struct rs_policy *p, int64_t last_logon, int64_t first_seen,
		  int64_t reset_at, int64_t now);

/* True when the masks that apply to this user allow rhost
 (see
 * login_network_masks in ramsec.conf(5) and the ramsec settings beside it). */
bool rs_masks_allow(const struct rs_policy *p, const struct rs_facts *f);

/* Before the password prompt: out of scope, masked out, or go on. */
void rs_eval_auth_start(const struct rs_policy *p, const struct rs_facts *f,
			struct rs_decision *ret);

/* Before verifying a password: true when the password must not even be
 * checked (masked out, locked); *ret says why. */
bool rs_eval_pre_verify(const struct rs_policy *p, const struct rs_facts *f,
			const struct rs_lock_state *s, int64_t now, struct rs_decision *ret);

/* After the password was verified (ok) or not: updates s (failure recorded
 * or cleared) and decides. */
void rs_eval_password(const struct rs_policy *p, const struct rs_facts *f, bool ok,
		      struct rs_lock_state *s, int64_t now, struct rs_decision *ret);

/* The code step of a logon whose right password was noted as a failure
 * (rs_lock_note_failure, so an abandoned logon counts as a wrong password
 * does): a right code is the logon's success (the count cleared; password
 * logons off are told only now), a wrong one counts no further but locks
 * at max_login_attempts. */
void rs_eval_code(const struct rs_policy *p, const struct rs_facts *f, bool ok,
		  struct rs_lock_state *s, int64_t now, struct rs_decision *ret);

/*
 * Secrets checked outside a logon: an MFA code to bind or remove a device,
 * the current password of a change.  They count on the user's one attempt
 * counter.  Before the check: true when it must be refused unchecked - the
 * user is locked, or (self: the user's own request) the self-service cap of
 * rs_lock_self_capped is reached; *ret says why.
 */
bool rs_eval_secret_gate(const struct rs_policy *p, const struct rs_lock_state *s, bool self,
			 int64_t now, struct rs_decision *ret);

/* A wrong secret outside a logon: recorded in s (locking at
 * max_login_attempts); *ret is a DENY with wrong and wrong_msg, or why the next ones
 * will be refused when this one locked the user or reached the cap. */
void rs_eval_secret_wrong(const struct rs_policy *p, struct rs_lock_state *s, bool self,
			  int64_t now, enum rs_reason wrong, const char *wrong_msg,
			  struct rs_decision *ret);

/* The account phase: masks (unless a key login is exempt); then, for a
 * password logon only (RAM: the password settings govern password logons,
 * not access keys, su from root or cron), the lock and the password's
 * validity (not for root): expired with hard_expire = DENY, expired or
 * reset required = CHANGE, expiring within 7 days = ALLOW with a warning
 * in the message. */
void rs_eval_account(const struct rs_policy *p, const struct rs_facts *f,
		     const struct rs_lock_state *s, int64_t now, struct rs_decision *ret);

/* Before a password change: may this user change the password now?  Root
 * may always; a user whose password must be changed may; others only with
 * allow_user_to_change_password. */
void rs_eval_change_start(const struct rs_policy *p, const struct rs_facts *f, int64_t now,
			  struct rs_decision *ret);

/* The rules on a new password (history is checked by the caller): ALLOW,
 * or DENY with every broken rule in the message. */
void rs_eval_new_password(const struct rs_policy *p, const struct rs_facts *f, const char *pw,
			  struct rs_decision *ret);

/* The history check failed: DENY with the reuse message. */
void rs_eval_reused(const struct rs_policy *p, struct rs_decision *ret);

#endif
