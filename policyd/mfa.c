// SPDX-License-Identifier: MIT
/*
 * MFA: the second step of a logon (a code, or binding a device at logon),
 * remembered MFA, and the device verbs (create, bind, disable) for root and,
 * when security_preference allows it, for users themselves.
 *
 * Between the password and the code, policyd keeps a pending step in
 * memory under a random token (a restart in between means logging on
 * again).  Whether the password was right stays hidden until the code: a
 * user who must give a code is asked for one either way.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "ramsec/cidr.h"
#include "common/client.h"
#include "ramsec/pending.h"
#include "ramsec/secret.h"
#include "ramsec/totp.h"
#include "store.h"
#include "verbs.h"

static struct rs_pending_table pending; /* see ramsec/pending.h */

uint64_t pd_mfa_evicted(void)
{
	return pending.evicted;
}

/* The source of a logon as we key tickets and sources: the normalised
 * address, or "" for a local or unparsable one. */
static void source(const char *rhost, char *out, size_t len)
{
	struct rs_addr a;

	out[0] = '\0';
	if (rhost[0] && rs_addr_parse(rhost, &a) == 0)
		rs_addr_format(&a, out, len);
}

static void issuer(const struct pd_daemon *d, char *out, size_t len)
{
	if (d->policy.mfa.issuer[0])
		snprintf(out, len, "%s", d->policy.mfa.issuer);
	else if (gethostname(out, len) < 0 || !out[0])
		snprintf(out, len, "ramsec");
	out[len - 1] = '\0';
	for (char *p = out; *p; p++)
		if (*p == ':')
			*p = '-';
}

/* Makes a pending device for w (replacing a pending one) and writes the
 * seed's base32 and the otpauth URI into seed_b32 and uri. */
static int create_device(struct pd_daemon *d, const struct pd_who *w, bool store, char *seed_b32,
			 size_t seed_len, struct rs_buf *uri)
{
	uint8_t seed[RS_TOTP_SEED_LEN];
	struct pd_mfa_rec m = {.exists = true, .created = pd_now(), .last_step = -1};
	char iss[RS_TEXT_MAX + 1];
	int r;

	if (getrandom(seed, sizeof(seed), 0) != sizeof(seed))
		return -EIO;
	r = pd_seal(d->seed_key, w->key, seed, sizeof(seed), m.seed, sizeof(m.seed), &m.seed_len);
	if (r == 0 && store)
		r = pd_store_mfa_put(d->store, w->key, &m);
	if (r == 0) {
		issuer(d, iss, sizeof(iss));
		rs_base32_encode(seed, sizeof(seed), seed_b32, seed_len);
		rs_totp_uri(iss, w->facts.user, seed, sizeof(seed), uri);
	}
	rs_secret_wipe(seed, sizeof(seed));
	return r;
}

/* The seed of a device; 0 or -EBADMSG (not ours: another key file). */
static int open_seed(const struct pd_daemon *d, const struct pd_who *w, const struct pd_mfa_rec *m,
		     uint8_t seed[RS_TOTP_SEED_LEN])
{
	size_t n = 0;
	int r = pd_open(d->seed_key, w->key, m->seed, m->seed_len, seed, RS_TOTP_SEED_LEN, &n);

	if (r < 0 || n != RS_TOTP_SEED_LEN) {
		pd_log(LOG_ALERT, "mfa user=\"%.32s\": the seed does not open with this key file",
		       w->facts.user);
		return -EBADMSG;
	}
	return 0;
}

enum rs_mfa_need pd_mfa_need(struct pd_daemon *d, const struct pd_who *w,
			     const struct pd_user_rec *rec, const char *rhost)
{
	struct rs_mfa_facts f = {.known = w->facts.known, .is_root = w->facts.is_root};
	struct pd_mfa_rec m = {0};
	char src[RS_ADDR_STRLEN];
	int64_t seen = 0;

	if (w->facts.known && pd_store_mfa_get(d->store, w->key, &m) < 0)
		m.exists = m.bound = true; /* cannot tell: ask, and fail */
	f.bound = m.exists && m.bound;
	f.bind_required = rec->mfa_bind_required;
	source(rhost, src, sizeof(src));
	if (!rhost[0])
		f.source_seen = true; /* a local logon is not unusual */
	else if (src[0] && pd_store_source_get(d->store, w->key, src, &seen) == 0)
		f.source_seen = seen > 0 && pd_now() - seen < (int64_t)RS_ADAPTIVE_DAYS * 86400;
	/* a host name or other non-address is never a source seen lately */
	return rs_mfa_needed(&d->policy, &f);
}

bool pd_mfa_in_use(struct pd_daemon *d)
{
	bool any = true; /* a store error: assume so (the safe side) */

	if (d->policy.pref.mfa_operation_for_login != RS_MFA_INDEPENDENT ||
	    d->policy.root.mfa_required)
		return true;
	pd_store_mfa_in_use(d->store, &any);
	return any;
}

bool pd_mfa_remembered(struct pd_daemon *d, const struct pd_who *w, const char *rhost)
{
	char src[RS_ADDR_STRLEN];
	bool valid = false;

	source(rhost, src, sizeof(src));
	return d->policy.pref.enable_save_mfa_ticket && src[0] &&
	       pd_store_mfa_ticket_valid(d->store, w->key, src, pd_now(), &valid) == 0 && valid;
}

void pd_mfa_challenge(struct pd_daemon *d, struct pd_conn *c, const struct pd_who *w,
		      enum rs_mfa_need need, bool password_ok)
{
	static char body[RS_BODY_MAX];
	char seed[2 * RS_TOTP_SEED_LEN], uribuf[1024];
	/* after a wrong password, the same single code prompt for every name:
	 * never the bind screen, which only users without a device get */
	bool bind = password_ok && need == RS_MFA_BIND;
	struct rs_pending p = {.known = w->facts.known, .password_ok = password_ok, .bind = bind};
	struct rs_buf b, uri;
	struct rs_msg m;

	while (!p.token && getrandom(&p.token, sizeof(p.token), 0) != sizeof(p.token))
		;
	snprintf(p.key, sizeof(p.key), "%s", w->key);
	rs_source_group(c->req.rhost, p.source, sizeof(p.source));
	if (rs_pending_add(&pending, &p, rs_now_ms()) < 0) {
		pd_log(LOG_WARNING,
		       "%d logons wait for a second factor with the right password: "
		       "refused",
		       RS_PENDING_MAX);
		pd_reply_error(c, RS_R_INTERNAL);
		return;
	}
	rs_msg_init(&m, c->req.type | RS_PROTO_REPLY_BIT, c->req.id);
	m.number = p.token;
	m.verdict = RS_V_CONTINUE;
	m.reason = bind ? RS_R_MFA_BIND : RS_R_MFA_CODE;
	m.present = 1u << RS_TAG_VERDICT | 1u << RS_TAG_REASON | 1u << RS_TAG_NUMBER;
	if (bind) {
		rs_buf_init(&uri, uribuf, sizeof(uribuf));
		rs_buf_init(&b, body, sizeof(body));
		if (create_device(d, w, true, seed, sizeof(seed), &uri) < 0) {
			pd_reply_error(c, RS_R_STORE);
			return;
		}
		rs_buf_printf(&b, "Multi-factor authentication is required for this account.\n"
				  "Scan this QR code with an authenticator app:\n\n");
		rs_qr_text(uribuf, &b);
		rs_buf_printf(&b,
			      "\nor enter this key by hand: %s\n%s\n"
			      "Then enter two consecutive verification codes.\n",
			      seed, uribuf);
		m.body = body;
		m.body_len = b.len;
		m.present |= 1u << RS_TAG_BODY;
		rs_secret_wipe(seed, sizeof(seed));
		rs_secret_wipe(uribuf, sizeof(uribuf));
	}
	c->needs_commit = true;
	pd_reply_msg(c, &m);
	rs_secret_wipe(body, sizeof(body));
}

/* Checks the code(s) of a pending step; the matched step, or -1 (with
 * *ret_replay when the code was right but already used). */
static int64_t check_codes(struct pd_daemon *d, const struct pd_who *w, const struct rs_pending *p,
			   struct pd_mfa_rec *m, const char *secret, bool *ret_replay)
{
	uint8_t seed[RS_TOTP_SEED_LEN];
	char c1[RS_TOTP_DIGITS + 2] = "", c2[RS_TOTP_DIGITS + 2] = "";
	int64_t now = pd_now(), step = -1;
	int win = d->policy.mfa.code_window;

	*ret_replay = false;
	if (!p->password_ok || pd_store_mfa_get(d->store, w->key, m) < 0 || !m->exists ||
	    m->bound == p->bind || open_seed(d, w, m, seed) < 0)
		return -1;
	if (p->bind) {
		if (sscanf(secret, "%7s %7s", c1, c2) == 2)
			step = rs_totp_match_pair(seed, sizeof(seed), now, win, c1, c2);
	} else {
		step = rs_totp_match(seed, sizeof(seed), now, win, m->last_step, secret);
		*ret_replay =
		    step < 0 && rs_totp_match(seed, sizeof(seed), now, win, -1, secret) >= 0;
	}
	rs_secret_wipe(seed, sizeof(seed));
	rs_secret_wipe(c1, sizeof(c1));
	rs_secret_wipe(c2, sizeof(c2));
	return step;
}

bool pd_mfa_code(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w)
{
	struct pd_user_rec rec;
	struct pd_mfa_rec m = {0};
	struct rs_decision dec;
	struct rs_pending p = {0};
	char src[RS_ADDR_STRLEN];
	int64_t now = pd_now(), step = -1;
	bool replay = false;
	int found = rs_pending_take(&pending, c->req.number, w->key, rs_now_ms(), &p);

	if (pd_store_user_get(d->store, w->key, &rec) < 0) {
		rs_secret_wipe(c->req.secret, sizeof(c->req.secret));
		pd_reply_error(c, RS_R_STORE);
		return false;
	}
	pd_console_status(d, w, &rec, now); /* told after a right code */
	if (found == 1)
		step = check_codes(d, w, &p, &m, c->req.secret, &replay);
	rs_secret_wipe(c->req.secret, sizeof(c->req.secret));
	if (found == 0) {
		memset(&dec, 0, sizeof(dec));
		dec.verdict = RS_V_DENY;
		dec.reason = RS_R_MFA_WRONG;
		snprintf(dec.message, sizeof(dec.message), "The logon took too long; try again.");
		pd_reply_decision(c, &dec, false);
		return false;
	}
	if (found < 0)			  /* pushed out to make room, or not this user's step: */
		memset(&p, 0, sizeof(p)); /* answered as a wrong password would be */
	if (rs_eval_pre_verify(&d->policy, &w->facts, &rec.lock, now, &dec)) {
		/* locked meanwhile: not even a right code gets in */
		pd_note_decision(c, "mfa", w, &dec);
		pd_reply_decision(c, &dec, false);
		return false;
	}
	/* the password step counted this logon as a failure already (a right
	 * password provisionally): a right code clears it */
	if (p.password_ok)
		rs_eval_code(&d->policy, &w->facts, step >= 0, &rec.lock, now, &dec);
	if (!p.password_ok || dec.verdict != RS_V_ALLOW) {
		if (p.password_ok && step < 0)
			d->stats.failures++;
		if (!p.password_ok ||
		    (dec.reason != RS_R_LOCKED && dec.reason != RS_R_CONSOLE_OFF)) {
			/* the same words whether the password or the code was wrong */
			memset(&dec, 0, sizeof(dec));
			dec.verdict = RS_V_DENY;
			dec.reason = RS_R_MFA_WRONG;
			snprintf(dec.message, sizeof(dec.message), "%s",
				 p.bind ? "Wrong password, or not two consecutive codes of the "
					  "new device; nothing was bound."
					: "Wrong password or verification code.");
		}
	}
	if (dec.verdict == RS_V_ALLOW) {
		m.last_step = step;
		if (p.bind) {
			m.bound = true;
			m.bound_at = now;
			rec.mfa_bind_required = false;
		}
		source(c->req.rhost, src, sizeof(src));
		if (pd_store_mfa_put(d->store, w->key, &m) < 0 ||
		    (d->policy.pref.enable_save_mfa_ticket && src[0] &&
		     pd_store_mfa_ticket_put(d->store, w->key, src,
					     now + (int64_t)RS_MFA_TICKET_DAYS * 86400) < 0)) {
			pd_reply_error(c, RS_R_STORE);
			return false;
		}
	}
	if (pd_store_user_put(d->store, w->key, &rec, now) < 0) {
		pd_reply_error(c, RS_R_STORE);
		return false;
	}
	pd_note_decision(c,
			 p.bind			   ? "mfa bind"
			 : replay && p.password_ok ? "mfa replay"
						   : "mfa",
			 w, &dec);
	pd_reply_decision(c, &dec, true);
	return false;
}

static void verb_create(struct pd_daemon *d, struct pd_conn *c, const struct pd_who *w,
			struct pd_mfa_rec *m)
{
	char seed[2 * RS_TOTP_SEED_LEN], uribuf[1024], out[1200];
	struct rs_buf uri, b;

	if (m->exists && m->bound) {
		pd_reply(c, RS_V_ERROR, RS_R_FORBIDDEN,
			 "a device is bound already; disable it first", 0, NULL, false);
		return;
	}
	rs_buf_init(&uri, uribuf, sizeof(uribuf));
	rs_buf_init(&b, out, sizeof(out));
	if (create_device(d, w, true, seed, sizeof(seed), &uri) < 0) {
		pd_reply(c, RS_V_ERROR, RS_R_STORE, NULL, 0, NULL, false);
		return;
	}
	rs_buf_printf(&b, "seed=%s\nuri=%s\n", seed, uribuf);
	pd_log(LOG_NOTICE, "mfa create user=\"%.32s\" by uid %u: pending device", w->facts.user,
	       (unsigned)c->uid);
	pd_reply(c, RS_V_ALLOW, RS_R_NONE, NULL, 0, &b, true);
	rs_secret_wipe(seed, sizeof(seed));
	rs_secret_wipe(out, sizeof(out));
	rs_secret_wipe(uribuf, sizeof(uribuf));
}

/* A code checked outside a logon: refused unchecked while the user is
 * locked (or, for the user's own request, capped); a wrong one counts on
 * the user's attempt counter and is logged.  The matched step when the
 * code was right; otherwise -1, and the reply is sent.  The secret is
 * wiped either way. */
static int64_t code_checked(struct pd_daemon *d, struct pd_conn *c, const struct pd_who *w,
			    struct pd_mfa_rec *m, bool bind, bool self, const char *verb,
			    char *code, size_t codelen)
{
	struct rs_pending p = {.password_ok = true, .bind = bind};
	struct pd_user_rec rec;
	struct rs_decision dec;
	int64_t now = pd_now(), step = -1;
	bool replay, gated = true;
	char line[160];
	struct rs_buf b;

	if (pd_store_user_get(d->store, w->key, &rec) < 0) {
		rs_secret_wipe(code, codelen);
		pd_reply(c, RS_V_ERROR, RS_R_STORE, NULL, 0, NULL, false);
		return -1;
	}
	gated = rs_eval_secret_gate(&d->policy, &rec.lock, self, now, &dec);
	if (!gated)
		step = check_codes(d, w, &p, m, code, &replay);
	rs_secret_wipe(code, codelen);
	if (step >= 0)
		return step;
	rs_buf_init(&b, line, sizeof(line));
	rs_buf_printf(&b, "mfa %s user=", verb);
	rs_buf_log_str(&b, w->facts.user, 32);
	rs_buf_printf(&b, " by uid %u: ", (unsigned)c->uid);
	if (gated) {
		pd_log(LOG_NOTICE, "%srefused unchecked (%s)", line, rs_reason_str(dec.reason));
		pd_reply(c, RS_V_ERROR, dec.reason, dec.message, 0, NULL, false);
		return -1;
	}
	d->stats.failures++;
	rs_eval_secret_wrong(&d->policy, &rec.lock, self, now, RS_R_MFA_WRONG,
			     bind ? "those are not two consecutive codes of this device"
			     : !strcmp(verb, "disable")
				 ? "a current verification code of the device is needed to "
				   "remove it"
				 : "that is not a current verification code of your device",
			     &dec);
	if (pd_store_user_put(d->store, w->key, &rec, now) < 0) {
		pd_reply(c, RS_V_ERROR, RS_R_STORE, NULL, 0, NULL, false);
		return -1;
	}
	pd_log(LOG_NOTICE, "%swrong code%s, %u failure%s in the window%s", line, bind ? "s" : "",
	       rec.lock.nfail, rec.lock.nfail == 1 ? "" : "s",
	       dec.reason == RS_R_MFA_WRONG ? "" : "; further codes refused");
	pd_reply(c, RS_V_ERROR, dec.reason, dec.message, 0, NULL, true);
	return -1;
}

static void verb_bind(struct pd_daemon *d, struct pd_conn *c, const struct pd_who *w,
		      struct pd_mfa_rec *m)
{
	struct pd_user_rec rec;
	int64_t step;

	if (!m->exists || m->bound) {
		pd_reply(c, RS_V_ERROR, RS_R_MFA_NO_DEVICE,
			 m->exists ? "the device is bound already"
				   : "no pending device; run 'ramsecctl mfa create' first",
			 0, NULL, false);
		return;
	}
	step =
	    code_checked(d, c, w, m, true, c->self, "bind", c->req.secret, sizeof(c->req.secret));
	if (step < 0)
		return;
	m->bound = true;
	m->bound_at = pd_now();
	m->last_step = step;
	if (pd_store_mfa_put(d->store, w->key, m) < 0 ||
	    pd_store_user_get(d->store, w->key, &rec) < 0 ||
	    ((rec.mfa_bind_required = false),
	     pd_store_user_put(d->store, w->key, &rec, pd_now()) < 0)) {
		pd_reply(c, RS_V_ERROR, RS_R_STORE, NULL, 0, NULL, false);
		return;
	}
	pd_log(LOG_NOTICE, "mfa bind user=\"%.32s\" by uid %u: device bound", w->facts.user,
	       (unsigned)c->uid);
	pd_reply(c, RS_V_ALLOW, RS_R_NONE, "MFA device bound", 0, NULL, true);
}

static void verb_disable(struct pd_daemon *d, struct pd_conn *c, const struct pd_who *w,
			 struct pd_mfa_rec *m)
{
	if (!m->exists) {
		pd_reply(c, RS_V_ERROR, RS_R_MFA_NO_DEVICE, "no MFA device", 0, NULL, false);
		return;
	}
	/* a user proves the device first: a shell (say, through a key that
	 * skipped MFA) must not be enough to remove it, nor guessing */
	if (c->self && m->bound &&
	    code_checked(d, c, w, m, false, true, "disable", c->req.secret, sizeof(c->req.secret)) <
		0)
		return;
	rs_secret_wipe(c->req.secret, sizeof(c->req.secret));
	if (pd_store_mfa_delete(d->store, w->key) < 0) {
		pd_reply(c, RS_V_ERROR, RS_R_STORE, NULL, 0, NULL, false);
		return;
	}
	pd_log(LOG_NOTICE, "mfa disable user=\"%.32s\" by uid %u: device removed, tickets cleared",
	       w->facts.user, (unsigned)c->uid);
	pd_reply(c, RS_V_ALLOW, RS_R_NONE, "MFA device removed", 0, NULL, true);
}

/* Loads w's device and runs verb on it (the error replied when the store
 * fails); the record, which holds the sealed seed, is wiped after. */
static bool with_device(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w,
			void (*verb)(struct pd_daemon *, struct pd_conn *, const struct pd_who *,
				     struct pd_mfa_rec *))
{
	struct pd_mfa_rec m;

	if (pd_store_mfa_get(d->store, w->key, &m) == 0)
		verb(d, c, w, &m);
	else
		pd_reply_error(c, RS_R_STORE);
	rs_secret_wipe(&m, sizeof(m));
	return false;
}

bool pd_mfa_create(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w)
{
	return with_device(d, c, w, verb_create);
}

bool pd_mfa_bind(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w)
{
	return with_device(d, c, w, verb_bind);
}

bool pd_mfa_disable(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w)
{
	return with_device(d, c, w, verb_disable);
}

int pd_mfa_caller_code(struct pd_daemon *d, struct pd_conn *c, struct pd_who *caller)
{
	struct pd_mfa_rec m;
	int64_t step;
	int r = -EACCES;

	/* the caller's own counter and last step, as a logon's: under the
	 * caller's lock, across the fleet (the request may hold the target's) */
	if (pd_store_lock(d->store, caller->name) < 0 ||
	    pd_store_mfa_get(d->store, caller->key, &m) < 0) {
		rs_secret_wipe(c->req.code, sizeof(c->req.code));
		pd_reply_error(c, RS_R_STORE);
		return -EACCES;
	}
	if (!m.bound) {
		rs_secret_wipe(c->req.code, sizeof(c->req.code));
		pd_reply(c, RS_V_ERROR, RS_R_MFA_NO_DEVICE,
			 "this needs a verification code, and you have no bound MFA device", 0,
			 NULL, false);
	} else if ((step = code_checked(d, c, caller, &m, false, true, "admin", c->req.code,
					sizeof(c->req.code))) >= 0) {
		/* the caller's own code, whoever the request is about: the
		 * self-service cap applies as to any code one checks oneself */
		/* a code is used once: the step is recorded as any logon's */
		m.last_step = step;
		r = pd_store_mfa_put(d->store, caller->key, &m) < 0 ? -EIO : 0;
		if (r < 0)
			pd_reply_error(c, RS_R_STORE);
	}
	rs_secret_wipe(&m, sizeof(m));
	return r;
}
