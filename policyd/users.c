// SPDX-License-Identifier: MIT
/* The user verbs: show a user's state, set its per-user settings, unlock
 * it, forget a deleted account.  Replies carry text or JSON for ramsecctl
 * to print as is. */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>

#include "ramsec/buf.h"
#include "ramsec/secret.h"
#include "store.h"
#include "verbs.h"

static void password_fields(struct pd_daemon *d, const struct pd_user_rec *rec, const char *user,
			    bool json, struct rs_buf *b)
{
	struct pd_shadow sh;
	struct rs_facts f = {0};
	int64_t expires, days;
	char t[32];
	enum rs_pw_status st;

	if (pd_shadow_get(d, user, &sh) < 0)
		sh.lastchg = -1;
	rs_secret_wipe(sh.hash, sizeof(sh.hash));
	pd_pw_facts(rec, &sh, &f);
	st = rs_pw_status(&d->policy.password, &f.pw, pd_now(), &expires, &days);
	pd_iso_time(f.pw.set_at, t, sizeof(t));
	rs_kv_str(b, json, "password_set", t);
	pd_iso_time(expires, t, sizeof(t));
	rs_kv_str(b, json, "password_expires", t);
	rs_kv_str(b, json, "password_status",
		  st == RS_PWS_EXPIRED	? "expired"
		  : st == RS_PWS_CHANGE ? "must change"
		  : st == RS_PWS_WARN	? "expiring"
					: "ok");
	rs_kv_bool(b, json, "password_initial", f.pw.initial);
	rs_kv_bool(b, json, "password_reset_required", f.pw.reset_required);
}

static void mfa_fields(struct pd_daemon *d, const struct pd_user_rec *rec, const char *key,
		       bool json, struct rs_buf *b)
{
	struct pd_mfa_rec m = {0};
	char t[32];

	pd_store_mfa_get(d->store, key, &m);
	rs_kv_str(b, json, "mfa", !m.exists ? "none" : m.bound ? "bound" : "pending");
	pd_iso_time(m.bound ? m.bound_at : m.created, t, sizeof(t));
	rs_kv_str(b, json, "mfa_since", m.exists ? t : "");
	rs_kv_bool(b, json, "mfa_bind_required", rec->mfa_bind_required);
	rs_secret_wipe(&m, sizeof(m));
}

bool pd_user_show(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w)
{
	static char body[RS_BODY_MAX];
	bool json = c->req.flags & RS_FLAG_JSON;
	struct rs_buf buf, *b = &buf;
	struct pd_user_rec rec;
	int64_t now = pd_now(), left;
	char t[32];

	rs_buf_init(b, body, sizeof(body));
	if (!w->facts.known) {
		/* a deleted account (the name is a valid one: dispatch.c): what
		 * the store still holds of it */
		if (json)
			rs_buf_put(b, "{", 1);
		rs_kv_str(b, json, "user", c->req.user);
		rs_kv_bool(b, json, "known", false);
		if (pd_accounts_render_retired(d, c->req.user, json, b) == 0) {
			pd_reply(c, RS_V_ERROR, RS_R_NO_SUCH_USER, "no such user", 0, NULL, false);
			return false;
		}
		if (json)
			rs_buf_put(b, "}\n", 2);
		pd_reply(c, RS_V_ALLOW, RS_R_NONE, NULL, 0, b, false);
		return false;
	}
	if (pd_store_user_get(d->store, w->key, &rec) < 0) {
		pd_reply_error(c, RS_R_STORE);
		return false;
	}
	rs_lock_prune(&rec.lock, now);
	if (json)
		rs_buf_put(b, "{", 1);
	rs_kv_str(b, json, "user", w->name);
	rs_kv_num(b, json, "uid", w->uid);
	rs_kv_bool(b, json, "governed", w->facts.governed);
	rs_kv_bool(b, json, "locked", rs_lock_is_locked(&rec.lock, now, &left));
	pd_iso_time(left > 0 ? rec.lock.locked_until : 0, t, sizeof(t));
	rs_kv_str(b, json, "locked_until", t);
	rs_kv_num(b, json, "lock_minutes_left", rs_lock_minutes(left));
	rs_kv_num(b, json, "failures_in_window", rec.lock.nfail);
	rs_kv_num(b, json, "max_login_attempts", d->policy.password.max_login_attempts);
	pd_iso_time(rs_lock_window_end(&rec.lock), t, sizeof(t));
	rs_kv_str(b, json, "window_ends", t);
	pd_iso_time(rec.last_logon, t, sizeof(t));
	rs_kv_str(b, json, "last_logon", t);
	rs_kv_str(b, json, "last_logon_source",
		  rec.last_logon ? (rec.last_source[0] ? rec.last_source : "local") : "");
	rs_kv_str(b, json, "last_logon_service", rec.last_service);
	rs_kv_str(b, json, "last_logon_host", rec.last_host);
	rs_kv_str(b, json, "console_logon", rec.console_logon ? "active" : "inactive");
	rs_kv_bool(
	    b, json, "idle",
	    rs_user_idle(&d->policy, rec.last_logon, rec.first_seen, rec.idle_reset_at, pd_now()));
	password_fields(d, &rec, w->name, json, b);

	mfa_fields(d, &rec, w->key, json, b);
	if (!c->self)
		pd_accounts_render_retired(d, w->name, json, b);
	if (json)
		rs_buf_put(b, "}\n", 2);
	pd_reply(c, RS_V_ALLOW, RS_R_NONE, NULL, 0, b, false);
	return false;
}

bool pd_user_set(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w)
{
	static const char *const names[] = {
	    [RS_OP_RESET_REQUIRED] = "password_reset_required",
	    [RS_OP_MFA_BIND_REQUIRED] = "mfa_bind_required",
	    [RS_OP_CONSOLE_LOGON] = "console_logon",
	    [RS_OP_FORGET_MFA] = "forget_mfa",
	};
	struct pd_user_rec rec;
	bool on = c->req.value;
	const char *msg;
	int r;

	if (pd_store_user_get(d->store, w->key, &rec) < 0) {
		pd_reply_error(c, RS_R_STORE);
		return false;
	}
	switch (c->req.op) {
	case RS_OP_RESET_REQUIRED:
		rec.pw_reset_required = on;
		msg = on ? "the user must change the password at the next logon"
			 : "no password change required";
		break;
	case RS_OP_MFA_BIND_REQUIRED:
		rec.mfa_bind_required = on;
		msg = on ? "the user must bind an MFA device at the next logon"
			 : "no MFA binding required";
		break;
	case RS_OP_CONSOLE_LOGON:
		rec.console_logon = on;
		if (on)
			rec.idle_reset_at = pd_now(); /* not idle again at once */
		msg = on ? "password logons enabled" : "password logons disabled (keys still work)";
		break;
	case RS_OP_FORGET_MFA:
		msg = "remembered MFA logons forgotten";
		break;
	default:
		pd_reply(c, RS_V_ERROR, RS_R_BAD_REQUEST, "unknown setting", 0, NULL, false);
		return false;
	}
	r = c->req.op == RS_OP_FORGET_MFA ? pd_store_mfa_tickets_clear(d->store, w->key)
					  : pd_store_user_put(d->store, w->key, &rec, pd_now());
	if (r < 0) {
		pd_reply_error(c, RS_R_STORE);
		return false;
	}
	pd_log(LOG_NOTICE, "user set user=\"%.32s\" %s%s by uid %u", w->name, names[c->req.op],
	       c->req.op == RS_OP_FORGET_MFA ? ""
	       : on			     ? "=on"
					     : "=off",
	       (unsigned)c->uid);
	pd_reply(c, RS_V_ALLOW, RS_R_NONE, msg, 0, NULL, true);
	return false;
}

bool pd_user_unlock(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w)
{
	struct pd_user_rec rec;
	char msg[128];

	if (pd_store_user_get(d->store, w->key, &rec) < 0) {
		pd_reply_error(c, RS_R_STORE);
		return false;
	}
	rs_lock_clear(&rec.lock);
	if (pd_store_user_put(d->store, w->key, &rec, pd_now()) < 0) {
		pd_reply_error(c, RS_R_STORE);
		return false;
	}
	pd_log(LOG_NOTICE, "unlock user=\"%.32s\" by uid %u (pid %d): failures and lock cleared",
	       w->name, (unsigned)c->uid, (int)c->pid);
	snprintf(msg, sizeof(msg), "%.32s unlocked", w->name);
	pd_reply(c, RS_V_ALLOW, RS_R_NONE, msg, 0, NULL, true);
	return false;
}

bool pd_user_forget(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w)
{
	struct pd_account list[PD_RETIRED_SHOWN];
	struct passwd pw;
	char buf[4096], msg[192];
	size_t n = 0, forgot = 0;
	bool known, central;

	(void)w;
	/* a name NSS still knows keeps its current account */
	known = pd_passwd_of(d, c->req.user, 0, &pw, buf, sizeof(buf), &central) != -ENOENT;
	if (pd_store_account_list(d->store, c->req.user, 0, list, PD_RETIRED_SHOWN, &n) < 0) {
		pd_reply(c, RS_V_ERROR, RS_R_STORE, NULL, 0, NULL, false);
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		if (!list[i].retired && known)
			continue;
		if (pd_store_account_forget(d->store, list[i].id) < 0) {
			pd_reply(c, RS_V_ERROR, RS_R_STORE, NULL, 0, NULL, false);
			return false;
		}
		pd_log(
		    LOG_NOTICE, "account user=\"%s\" (uid %lld, account %lld) forgotten by uid %u",
		    list[i].name, (long long)list[i].uid, (long long)list[i].id, (unsigned)c->uid);
		forgot++;
	}
	snprintf(msg, sizeof(msg), "%zu retired account%s of %.32s forgotten%s", forgot,
		 forgot == 1 ? "" : "s", c->req.user, known ? "; its current account is kept" : "");
	pd_reply(c, RS_V_ALLOW, RS_R_NONE, msg, 0, NULL, forgot > 0);
	return false;
}
