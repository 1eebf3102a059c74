// SPDX-License-Identifier: MIT
#include <stdio.h>
#include <string.h>

#include "ramsec/cidr.h"
#include "ramsec/eval.h"
#include "ramsec/pwrules.h"

bool rs_scope_governs(const struct rs_policy *p, const char *name, const struct rs_identity *id,
		      const uint32_t *scope_gids, size_t nscope)
{
	if (rs_name_list_contains(&p->scope.exclude_users, name))
		return false;
	if (id->uid == 0)
		return p->root.governed;
	if ((long)id->uid >= p->scope.min_uid && (long)id->uid <= p->scope.max_uid)
		return true;
	for (size_t i = 0; i < id->ngids; i++)
		for (size_t j = 0; j < nscope; j++)
			if (id->gids[i] == scope_gids[j])
				return true;
	return false;
}

/* True when s is prefix followed by 1-4 decimal digits and nothing else. */
static bool numbered(const char *s, const char *prefix)
{
	size_t n = strlen(prefix), d = 0;

	if (strncmp(s, prefix, n))
		return false;
	for (s += n; s[d]; d++)
		if (s[d] < '0' || s[d] > '9')
			return false;
	return d >= 1 && d <= 4;
}

bool rs_tty_is_console_name(const char *tty)
{
	static const char *const prefixes[] = {"tty", "ttyS", "ttyAMA", "ttyUSB", "hvc"};

	if (!tty)
		return false;
	if (!strncmp(tty, "/dev/", 5))
		tty += 5;
	if (!strcmp(tty, "console"))
		return true;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (numbered(tty, prefixes[i]))
			return true;
	return false;
}

bool rs_user_idle(const struct rs_policy *p, int64_t last_logon, int64_t first_seen,
		  int64_t reset_at, int64_t now)
{
	int64_t since = last_logon;

	if (first_seen > since)
		since = first_seen;
	if (reset_at > since)
		since = reset_at;
	return since > 0 && now - since >= (int64_t)p->pref.max_idle_days_for_users * 86400;
}

bool rs_masks_allow(const struct rs_policy *p, const struct rs_facts *f)
{
	const struct rs_cidr_list *masks =
	    f->is_root ? &p->root.login_network_masks : &p->pref.login_network_masks;
	struct rs_addr a;

	if (masks->n == 0)
		return true;
	if (f->key_login && p->pref.exempt_key_logins_from_masks)
		return true;
	if (!f->rhost || !f->rhost[0])
		return p->pref.local_logons_bypass_masks;
	if (rs_addr_parse(f->rhost, &a) < 0)
		return false; /* a host name is in no mask */
	return rs_cidr_list_match(masks, &a);
}

static void decide(struct rs_decision *d, enum rs_verdict v, enum rs_reason r, const char *msg)
{
	memset(d, 0, sizeof(*d));
	d->verdict = v;
	d->reason = r;
	if (msg)
		snprintf(d->message, sizeof(d->message), "%s", msg);
}

static void deny_mask(struct rs_decision *d, const struct rs_facts *f)
{
	char addr[RS_ADDR_STRLEN] = "";
	struct rs_addr a;

	decide(d, RS_V_DENY, RS_R_MASK, NULL);
	if (f->rhost && rs_addr_parse(f->rhost, &a) == 0)
		rs_addr_format(&a, addr, sizeof(addr));
	if (addr[0])
		snprintf(d->message, sizeof(d->message),
			 "Access denied: logons from %s are not allowed for this account.", addr);
	else if (f->rhost && f->rhost[0])
		snprintf(d->message, sizeof(d->message),
			 "Access denied: the source address is not allowed for this account "
			 "(it is not an IP address).");
	else
		snprintf(d->message, sizeof(d->message),
			 "Access denied: local logons are not allowed for this account.");
}

static void deny_locked(struct rs_decision *d, int64_t seconds_left)
{
	decide(d, RS_V_DENY, RS_R_LOCKED, NULL);
	d->minutes = rs_lock_minutes(seconds_left);
	snprintf(d->message, sizeof(d->message),
		 "The account is locked after too many failed logon attempts; "
		 "try again in %lld minute%s.",
		 (long long)d->minutes, d->minutes == 1 ? "" : "s");
}

void rs_eval_auth_start(const struct rs_policy *p, const struct rs_facts *f,
			struct rs_decision *ret)
{
	/* unknown users are governed too: nothing tells them apart */
	if (f->known && !f->governed)
		decide(ret, RS_V_IGNORE, RS_R_OUT_OF_SCOPE, NULL);
	else if (!rs_masks_allow(p, f))
		deny_mask(ret, f);
	else
		decide(ret, RS_V_CONTINUE, RS_R_NONE, NULL);
}

bool rs_eval_pre_verify(const struct rs_policy *p, const struct rs_facts *f,
			const struct rs_lock_state *s, int64_t now, struct rs_decision *ret)
{
	int64_t left;

	rs_eval_auth_start(p, f, ret);
	if (ret->verdict != RS_V_CONTINUE)
		return true;
	if (rs_lock_is_locked(s, now, &left)) {
		deny_locked(ret, left);
		return true;
	}
	return false;
}

void rs_eval_password(const struct rs_policy *p, const struct rs_facts *f, bool ok,
		      struct rs_lock_state *s, int64_t now, struct rs_decision *ret)
{
	int64_t left;

	if (ok && f->known && f->console_off) {
		/* the right password, but password logons are off: say so only
		 * now, so the status tells nothing to someone without it */
		rs_lock_clear(s);
		decide(ret, RS_V_DENY, RS_R_CONSOLE_OFF,
		       "Password logons are disabled for this account (console logon "
		       "inactive or idle); ask an administrator.");
		return;
	}
	if (ok && f->known) {
		rs_lock_clear(s);
		decide(ret, RS_V_ALLOW, RS_R_NONE, NULL);
		return;
	}

	if (rs_lock_record_failure(s, now, p->password.max_login_attempts)) {
		rs_lock_is_locked(s, now, &left);
		deny_locked(ret, left);
		return;
	}
	decide(ret, RS_V_DENY, f->known ? RS_R_BAD_PASSWORD : RS_R_UNKNOWN_USER, NULL);
}

void rs_eval_code(const struct rs_policy *p, const struct rs_facts *f, bool ok,
		  struct rs_lock_state *s, int64_t now, struct rs_decision *ret)
{
	int64_t left;

	if (ok) {
		rs_eval_password(p, f, true, s, now, ret); /* the logon's success */
		return;
	}
	if (rs_lock_enforce(s, now, p->password.max_login_attempts)) {
		rs_lock_is_locked(s, now, &left);
		deny_locked(ret, left);
		return;
	}
	decide(ret, RS_V_DENY, RS_R_MFA_WRONG, NULL);
}

bool rs_eval_secret_gate(const struct rs_policy *p, const struct rs_lock_state *s, bool self,
			 int64_t now, struct rs_decision *ret)
{
	int64_t left;

	if (rs_lock_is_locked(s, now, &left)) {
		deny_locked(ret, left);
		return true;
	}
	if (self && p->password.max_login_attempts == 0 && rs_lock_self_capped(s, now, &left)) {
		decide(ret, RS_V_DENY, RS_R_THROTTLED, NULL);
		ret->minutes = rs_lock_minutes(left);
		snprintf(ret->message, sizeof(ret->message),
			 "Too many wrong attempts; try again in %lld minute%s.",
			 (long long)ret->minutes, ret->minutes == 1 ? "" : "s");
		return true;
	}
	decide(ret, RS_V_CONTINUE, RS_R_NONE, NULL);
	return false;
}

void rs_eval_secret_wrong(const struct rs_policy *p, struct rs_lock_state *s, bool self,
			  int64_t now, enum rs_reason wrong, const char *wrong_msg,
			  struct rs_decision *ret)
{
	rs_lock_record_failure(s, now, p->password.max_login_attempts);
	if (self)
		rs_lock_record_self(s, now);
	if (!rs_eval_secret_gate(p, s, self, now, ret))
		decide(ret, RS_V_DENY, wrong, wrong_msg);
}

/* Turns an ALLOW into what the password's validity asks for. */
static void password_validity(const struct rs_policy *p, const struct rs_facts *f, int64_t now,
			      struct rs_decision *d)
{
	int64_t days;

	switch (rs_pw_status(&p->password, &f->pw, now, NULL, &days)) {
	case RS_PWS_EXPIRED:
		decide(d, RS_V_DENY, RS_R_PW_EXPIRED,
		       "Your password has expired; an administrator must reset it.");
		break;
	case RS_PWS_CHANGE:
		decide(d, RS_V_CHANGE, RS_R_PW_CHANGE,
		       f->pw.reset_required ? "You are required to change your password now."
					    : "Your password has expired; you must change it now.");
		break;
	case RS_PWS_WARN:
		snprintf(d->message, sizeof(d->message), "Your password expires in %lld day%s.",
			 (long long)days, days == 1 ? "" : "s");
		break;
	case RS_PWS_OK:
		break;
	}
}

void rs_eval_account(const struct rs_policy *p, const struct rs_facts *f,
		     const struct rs_lock_state *s, int64_t now, struct rs_decision *ret)
{
	int64_t left;

	if (!f->known) {
		decide(ret, RS_V_DENY, RS_R_UNKNOWN_USER, NULL);
		return;
	}
	if (!f->governed) {
		decide(ret, RS_V_IGNORE, RS_R_OUT_OF_SCOPE, NULL);
		return;
	}
	if (!rs_masks_allow(p, f)) {
		deny_mask(ret, f);
		return;
	}
	if (f->password_logon && rs_lock_is_locked(s, now, &left)) {
		deny_locked(ret, left);
		return;
	}
	decide(ret, RS_V_ALLOW, RS_R_NONE, NULL);
	if (f->password_logon && !f->is_root)
		password_validity(p, f, now, ret);
}

void rs_eval_change_start(const struct rs_policy *p, const struct rs_facts *f, int64_t now,
			  struct rs_decision *ret)
{
	enum rs_pw_status st = rs_pw_status(&p->password, &f->pw, now, NULL, NULL);

	if (!f->known) {
		decide(ret, RS_V_DENY, RS_R_UNKNOWN_USER, NULL);
	} else if (!f->governed) {
		decide(ret, RS_V_IGNORE, RS_R_OUT_OF_SCOPE, NULL);
	} else if (f->by_root || p->pref.allow_user_to_change_password || f->is_root ||
		   st == RS_PWS_CHANGE) {
		decide(ret, RS_V_CONTINUE, RS_R_NONE, NULL);
	} else {
		decide(ret, RS_V_DENY, RS_R_CHANGE_DISABLED,
		       "Password changes are disabled on this host "
		       "(allow_user_to_change_password = false); ask an administrator.");
	}
}

void rs_eval_new_password(const struct rs_policy *p, const struct rs_facts *f, const char *pw,
			  struct rs_decision *ret)
{
	unsigned broken = rs_pwrules_check(&p->password, f->is_root, f->user, pw, strlen(pw));
	struct rs_buf b;

	decide(ret, broken ? RS_V_DENY : RS_V_ALLOW, broken ? RS_R_PW_RULES : RS_R_NONE, NULL);
	rs_buf_init(&b, ret->message, sizeof(ret->message));
	rs_pwrules_describe(&p->password, broken, &b);
	if (b.len > 0 && ret->message[b.len - 1] == '\n')
		ret->message[b.len - 1] = '\0';
}

void rs_eval_reused(const struct rs_policy *p, struct rs_decision *ret)
{
	struct rs_buf b;

	decide(ret, RS_V_DENY, RS_R_PW_REUSED, NULL);
	rs_buf_init(&b, ret->message, sizeof(ret->message));
	rs_pwrules_describe(&p->password, RS_PW_REUSED, &b);
	if (b.len > 0)
		ret->message[b.len - 1] = '\0';
}
