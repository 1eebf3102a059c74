// SPDX-License-Identifier: MIT
/* The admin and self-service verbs: status, policy, reload, user show and
 * unlock.  Replies carry text or JSON for ramsecctl to print as is. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ramsec/buf.h"
#include "ramsec/secret.h"
#include "server.h"
#include "store.h"

#define RAMSEC_VERSION "0.1.0"

void pd_iso_time(int64_t t, char *out, size_t len)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (t <= 0 || !gmtime_r(&tt, &tm))
		snprintf(out, len, "never");
	else
		strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void pd_reply(struct pd_conn *c, enum rs_verdict v, enum rs_reason r, const char *message,
	      uint64_t number, const struct rs_buf *body, bool wrote)
{
	struct rs_msg m;

	rs_msg_init(&m, c->req.type | RS_PROTO_REPLY_BIT, c->req.id);
	m.verdict = (uint8_t)v;
	m.reason = (uint16_t)r;
	m.number = number;
	m.present = 1u << RS_TAG_VERDICT | 1u << RS_TAG_REASON | 1u << RS_TAG_NUMBER;
	if (message && message[0])
		rs_msg_set_str(&m, RS_TAG_MESSAGE, message);
	if (body) {
		m.body = body->p;
		m.body_len = body->len;
		m.present |= 1u << RS_TAG_BODY;
	}
	c->needs_commit = wrote;
	pd_conn_reply(c, &m);
}

bool pd_verb_user(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w)
{
	if (pd_who_resolve(d, &c->req, w) < 0) {
		pd_reply(c, RS_V_ERROR, RS_R_STORE, NULL, 0, NULL, false);
		return false;
	}
	if (!w->facts.known) {
		pd_reply(c, RS_V_ERROR, RS_R_NO_SUCH_USER, "no such user", 0, NULL, false);
		return false;
	}
	return true;
}

/* A kv line in text, or a "key": value member in JSON. */
static void kv_str(struct rs_buf *b, bool json, const char *k, const char *v)
{
	if (json) {
		rs_buf_printf(b, "%s\"%s\":", b->len > 1 ? "," : "", k);
		rs_buf_json_str(b, v);
	} else {
		char text[4 * RS_RHOST_MAX + 1]; /* the longest value: a source */

		rs_text_escape(v, text, sizeof(text));
		rs_buf_printf(b, "%-22s %s\n", k, text);
	}
}

static void kv_num(struct rs_buf *b, bool json, const char *k, long long v)
{
	if (json)
		rs_buf_printf(b, "%s\"%s\":%lld", b->len > 1 ? "," : "", k, v);
	else
		rs_buf_printf(b, "%-22s %lld\n", k, v);
}

static void kv_bool(struct rs_buf *b, bool json, const char *k, bool v)
{
	if (json)
		rs_buf_printf(b, "%s\"%s\":%s", b->len > 1 ? "," : "", k, v ? "true" : "false");
	else
		rs_buf_printf(b, "%-22s %s\n", k, v ? "yes" : "no");
}

static void do_status(struct pd_daemon *d, struct pd_conn *c, bool json, struct rs_buf *b)
{
	struct pd_store_info info;
	char summary[512], store[256];
	const char *failing = pd_store_failing(d->store);
	bool read_ok = pd_store_info(d->store, pd_now(), &info) == 0, ok = read_ok && !failing;

	rs_policy_summary(&d->policy, summary, sizeof(summary));
	if (json)
		rs_buf_put(b, "{", 1);
	kv_str(b, json, "daemon", "running");
	kv_str(b, json, "version", RAMSEC_VERSION);
	kv_num(b, json, "pid", (long long)getpid());
	kv_num(b, json, "uptime_seconds", (long long)(pd_now() - d->started));
	kv_str(b, json, "config", d->config_path);
	snprintf(store, sizeof(store), "sqlite %s%s", ok ? "ok" : "failing: ",
		 ok	   ? ""
		 : failing ? failing
			   : "cannot read");
	kv_str(b, json, "store", store);
	kv_str(b, json, "database", d->policy.policyd.database);
	kv_num(b, json, "schema", read_ok ? info.schema : -1);
	kv_num(b, json, "known_user_records", read_ok ? info.users : -1);
	kv_num(b, json, "unknown_name_records", read_ok ? info.unknown : -1);
	kv_num(b, json, "locked_now", read_ok ? info.locked : -1);
	kv_num(b, json, "workers", pd_workers_alive(d->workers));
	kv_num(b, json, "workers_configured", pd_workers_count(d->workers));
	kv_num(b, json, "password_reply_ms", (long long)pd_costs_ceiling(d));
	kv_str(b, json, "policy", summary);
	kv_num(b, json, "requests", (long long)d->stats.requests);
	kv_num(b, json, "password_verifications", (long long)d->stats.verifications);
	kv_num(b, json, "dummy_hashes", (long long)d->stats.dummy_hashes);
	kv_num(b, json, "failures_recorded", (long long)d->stats.failures);
	kv_num(b, json, "commits", (long long)d->stats.commits);
	kv_num(b, json, "commit_failures", (long long)d->stats.commit_failures);
	kv_num(b, json, "bad_frames", (long long)d->stats.bad_frames);
	kv_num(b, json, "pending_mfa_evicted", (long long)pd_mfa_evicted());
	if (json)
		rs_buf_put(b, "}\n", 2);
	pd_reply(c, ok ? RS_V_ALLOW : RS_V_ERROR, ok ? RS_R_NONE : RS_R_STORE, NULL, 0, b, false);
}

static void password_fields(const struct pd_daemon *d, const struct pd_user_rec *rec,
			    const char *user, bool json, struct rs_buf *b)
{
	struct pd_shadow sh;
	struct rs_facts f = {0};
	int64_t expires, days;
	char t[32];
	enum rs_pw_status st;

	if (pd_shadow_get(user, &sh) < 0)
		sh.lastchg = -1;
	rs_secret_wipe(sh.hash, sizeof(sh.hash));
	pd_pw_facts(rec, &sh, &f);
	st = rs_pw_status(&d->policy.password, &f.pw, pd_now(), &expires, &days);
	pd_iso_time(f.pw.set_at, t, sizeof(t));
	kv_str(b, json, "password_set", t);
	pd_iso_time(expires, t, sizeof(t));
	kv_str(b, json, "password_expires", t);
	kv_str(b, json, "password_status",
	       st == RS_PWS_EXPIRED  ? "expired"
	       : st == RS_PWS_CHANGE ? "must change"
	       : st == RS_PWS_WARN   ? "expiring"
				     : "ok");
	kv_bool(b, json, "password_initial", f.pw.initial);
	kv_bool(b, json, "password_reset_required", f.pw.reset_required);
}

static void mfa_fields(struct pd_daemon *d, const struct pd_user_rec *rec, const char *key,
		       bool json, struct rs_buf *b)
{
	struct pd_mfa_rec m = {0};
	char t[32];

	pd_store_mfa_get(d->store, key, &m);
	kv_str(b, json, "mfa", !m.exists ? "none" : m.bound ? "bound" : "pending");
	pd_iso_time(m.bound ? m.bound_at : m.created, t, sizeof(t));
	kv_str(b, json, "mfa_since", m.exists ? t : "");
	kv_bool(b, json, "mfa_bind_required", rec->mfa_bind_required);
	rs_secret_wipe(&m, sizeof(m));
}

static void do_user_set(struct pd_daemon *d, struct pd_conn *c)
{
	struct pd_user_rec rec;
	struct pd_who w;
	bool on;

	if (!pd_verb_user(d, c, &w))
		return;
	const char *msg;
	int r;

	if (pd_store_user_get(d->store, w.key, &rec) < 0) {
		pd_reply(c, RS_V_ERROR, RS_R_STORE, NULL, 0, NULL, false);
		return;
	}
	on = strstr(c->req.arg, "=on") != NULL;
	if (!strcmp(c->req.arg, "password_reset_required=on") ||
	    !strcmp(c->req.arg, "password_reset_required=off")) {
		rec.pw_reset_required = on;
		msg = on ? "the user must change the password at the next logon"
			 : "no password change required";
	} else if (!strcmp(c->req.arg, "mfa_bind_required=on") ||
		   !strcmp(c->req.arg, "mfa_bind_required=off")) {
		rec.mfa_bind_required = on;
		msg = on ? "the user must bind an MFA device at the next logon"
			 : "no MFA binding required";
	} else if (!strcmp(c->req.arg, "console_logon=on") ||
		   !strcmp(c->req.arg, "console_logon=off")) {
		rec.console_logon = on;
		if (on)
			rec.idle_reset_at = pd_now(); /* not idle again at once */
		msg = on ? "password logons enabled" : "password logons disabled (keys still work)";
	} else if (!strcmp(c->req.arg, "forget_mfa")) {
		msg = "remembered MFA logons forgotten";
	} else {
		pd_reply(c, RS_V_ERROR, RS_R_BAD_REQUEST, "unknown setting", 0, NULL, false);
		return;
	}
	r = strcmp(c->req.arg, "forget_mfa") ? pd_store_user_put(d->store, w.key, &rec, pd_now())
					     : pd_store_mfa_tickets_clear(d->store, w.key);
	if (r < 0) {
		pd_reply(c, RS_V_ERROR, RS_R_STORE, NULL, 0, NULL, false);
		return;
	}
	pd_log(LOG_NOTICE, "user set user=\"%.32s\" %s by uid %u", w.name, c->req.arg,
	       (unsigned)c->uid);
	pd_reply(c, RS_V_ALLOW, RS_R_NONE, msg, 0, NULL, true);
}

static void do_user_show(struct pd_daemon *d, struct pd_conn *c, bool json, struct rs_buf *b)
{
	struct pd_user_rec rec;
	struct pd_who w;
	int64_t now = pd_now(), left;
	char t[32];

	if (pd_who_resolve(d, &c->req, &w) < 0) {
		pd_reply(c, RS_V_ERROR, RS_R_STORE, NULL, 0, NULL, false);
		return;
	}
	if (!w.facts.known && c->admin && rs_policy_name_valid(c->req.user)) {
		/* a deleted account: what the store still holds of it */
		if (json)
			rs_buf_put(b, "{", 1);
		kv_str(b, json, "user", c->req.user);
		kv_bool(b, json, "known", false);
		if (pd_accounts_render_retired(d, c->req.user, json, b) > 0) {
			if (json)
				rs_buf_put(b, "}\n", 2);
			pd_reply(c, RS_V_ALLOW, RS_R_NONE, NULL, 0, b, false);
			return;
		}
	}
	if (!w.facts.known || (!c->admin && c->uid != w.uid)) {
		pd_reply(c, RS_V_ERROR, w.facts.known ? RS_R_FORBIDDEN : RS_R_NO_SUCH_USER,
			 w.facts.known ? "you may only show your own account" : "no such user", 0,
			 NULL, false);
		return;
	}
	if (pd_store_user_get(d->store, w.key, &rec) < 0) {
		pd_reply(c, RS_V_ERROR, RS_R_STORE, NULL, 0, NULL, false);
		return;
	}
	rs_lock_prune(&rec.lock, now);
	if (json)
		rs_buf_put(b, "{", 1);
	kv_str(b, json, "user", w.name);
	kv_num(b, json, "uid", w.uid);
	kv_bool(b, json, "governed", w.facts.governed);
	kv_bool(b, json, "locked", rs_lock_is_locked(&rec.lock, now, &left));
	pd_iso_time(left > 0 ? rec.lock.locked_until : 0, t, sizeof(t));
	kv_str(b, json, "locked_until", t);
	kv_num(b, json, "lock_minutes_left", rs_lock_minutes(left));
	kv_num(b, json, "failures_in_window", rec.lock.nfail);
	kv_num(b, json, "max_login_attempts", d->policy.password.max_login_attempts);
	pd_iso_time(rs_lock_window_end(&rec.lock), t, sizeof(t));
	kv_str(b, json, "window_ends", t);
	pd_iso_time(rec.last_logon, t, sizeof(t));
	kv_str(b, json, "last_logon", t);
	kv_str(b, json, "last_logon_source",
	       rec.last_logon ? (rec.last_source[0] ? rec.last_source : "local") : "");
	kv_str(b, json, "last_logon_service", rec.last_service);
	kv_str(b, json, "console_logon", rec.console_logon ? "active" : "inactive");
	kv_bool(
	    b, json, "idle",
	    rs_user_idle(&d->policy, rec.last_logon, rec.first_seen, rec.idle_reset_at, pd_now()));
	password_fields(d, &rec, w.name, json, b);

	mfa_fields(d, &rec, w.key, json, b);
	if (c->admin)
		pd_accounts_render_retired(d, w.name, json, b);
	if (json)
		rs_buf_put(b, "}\n", 2);
	pd_reply(c, RS_V_ALLOW, RS_R_NONE, NULL, 0, b, false);
}

static void do_unlock(struct pd_daemon *d, struct pd_conn *c)
{
	struct pd_user_rec rec;
	struct pd_who w;
	char msg[128];

	if (!pd_verb_user(d, c, &w))
		return;
	if (pd_store_user_get(d->store, w.key, &rec) < 0) {
		pd_reply(c, RS_V_ERROR, RS_R_STORE, NULL, 0, NULL, false);
		return;
	}
	rs_lock_clear(&rec.lock);
	if (pd_store_user_put(d->store, w.key, &rec, pd_now()) < 0) {
		pd_reply(c, RS_V_ERROR, RS_R_STORE, NULL, 0, NULL, false);
		return;
	}
	pd_log(LOG_NOTICE, "unlock user=\"%.32s\" by uid %u (pid %d): failures and lock cleared",
	       w.name, (unsigned)c->uid, (int)c->pid);
	snprintf(msg, sizeof(msg), "%.32s unlocked", w.name);
	pd_reply(c, RS_V_ALLOW, RS_R_NONE, msg, 0, NULL, true);
}

void pd_admin(struct pd_daemon *d, struct pd_conn *c)
{
	static char body[RS_BODY_MAX];
	bool json = c->req.flags & RS_FLAG_JSON;
	struct rs_buf b;
	char err[512];
	uint8_t t = c->req.type;

	rs_buf_init(&b, body, sizeof(body));
	/* the users' socket: ping, the policy, and one's own record */
	if (t == RS_MSG_AKEY_ADD || t == RS_MSG_AKEY_LIST || t == RS_MSG_AKEY_SET ||
	    t == RS_MSG_AUTHORIZED_KEYS) {
		pd_akey_verb(d, c); /* checks root or self-service itself */
		return;
	}
	if (t == RS_MSG_MFA_CREATE || t == RS_MSG_MFA_BIND || t == RS_MSG_MFA_DISABLE) {

		pd_mfa_verb(d, c); /* checks root or self-service itself */
		return;
	}
	if (!c->admin && t != RS_MSG_PING && t != RS_MSG_POLICY_SHOW && t != RS_MSG_USER_SHOW) {
		pd_reply(c, RS_V_ERROR, RS_R_FORBIDDEN, "this needs root", 0, NULL, false);
		return;
	}
	if (t == RS_MSG_SESSION_LIST || t == RS_MSG_SESSION_KILL) {
		pd_session_admin(d, c);
		return;
	}
	if (t == RS_MSG_REPORT || t == RS_MSG_CREDENTIAL_REPORT) {
		pd_report(d, c, &b);
		return;
	}
	switch (t) {
	case RS_MSG_PING:
		pd_reply(c, RS_V_ALLOW, RS_R_NONE, NULL, 0, NULL, false);
		break;
	case RS_MSG_STATUS:
		do_status(d, c, json, &b);
		break;
	case RS_MSG_POLICY_SHOW:
		rs_policy_render(&d->policy, json, &b);
		pd_reply(c, RS_V_ALLOW, RS_R_NONE, NULL, 0, &b, false);
		break;
	case RS_MSG_RELOAD:
		if (pd_reload(d, err, sizeof(err)) < 0)
			pd_reply(c, RS_V_ERROR, RS_R_CONFIG, err, 0, NULL, false);
		else
			pd_reply(c, RS_V_ALLOW, RS_R_NONE, "policy reloaded", 0, NULL, false);
		break;
	case RS_MSG_USER_SHOW:
		do_user_show(d, c, json, &b);
		break;
	case RS_MSG_USER_UNLOCK:
		do_unlock(d, c);
		break;
	case RS_MSG_USER_SET:
		do_user_set(d, c);
		break;
	case RS_MSG_USER_FORGET:
		pd_account_forget(d, c);
		break;
	default:
		pd_reply(c, RS_V_ERROR, RS_R_BAD_REQUEST, NULL, 0, NULL, false);
	}
}
