// SPDX-License-Identifier: MIT
/*
 * The logon verbs the PAM module sends: may this logon go on to the
 * password (AUTH_START), the password (AUTH_PASSWORD, checked on a worker),
 * and the account phase (ACCOUNT).  Every decision reads the user's state,
 * decides (lib/eval.c) and writes the outcome in the same event-loop turn;
 * dispatch.c serialises each user's requests, so nothing can happen between
 * "is the user locked?" and "record this failure".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "ramsec/buf.h"
#include "ramsec/cidr.h"
#include "ramsec/secret.h"
#include "store.h"
#include "verbs.h"
#include "workers.h"

/* The source as we record it: the normalised address, the text as given
 * when it is not an address, "" for local. */
static void source_of(const char *rhost, char *out, size_t len)
{
	struct rs_addr a;

	if (rhost[0] && rs_addr_parse(rhost, &a) == 0)
		rs_addr_format(&a, out, len);
	else
		snprintf(out, len, "%s", rhost);
}

bool pd_logon_start(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w)
{
	struct rs_decision dec, lock;
	struct pd_user_rec rec;

	rs_eval_auth_start(&d->policy, &w->facts, &dec);
	if (dec.verdict != RS_V_CONTINUE)
		pd_note_decision(c, "auth", w, &dec);
	/* locked (a known name or not): say so with the prompt, where sshd
	 * shows it; the password is still asked for, and refused */
	else if (pd_store_user_get(d->store, w->key, &rec) == 0 &&
		 rs_eval_pre_verify(&d->policy, &w->facts, &rec.lock, pd_now(), &lock))
		snprintf(dec.message, sizeof(dec.message), "%s", lock.message);
	if (w->central && strcmp(c->req.user, w->name)) {
		/* NAME@ALIAS: the module makes NAME the PAM user, the name
		 * sshd and su found (docs/DIRECTORY.md) */
		char text[RS_NAME_MAX + 1];
		struct rs_buf b;

		rs_buf_init(&b, text, sizeof(text));
		rs_buf_printf(&b, "%s", w->name);
		pd_reply(c, dec.verdict, dec.reason, dec.message, (uint64_t)dec.minutes, &b, false);
		return false;
	}
	pd_reply_decision(c, &dec, false);
	return false;
}

/* Starts a password check; false when it was decided without one. */
bool pd_logon_password(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w)
{
	struct pd_shadow sh = {0};
	struct pd_user_rec rec;
	struct rs_decision dec;
	struct pd_job *job;
	int64_t now = pd_now();
	bool locking;

	if (pd_store_user_get(d->store, w->key, &rec) < 0) {
		pd_reply_error(c, RS_R_STORE);
		return false;
	}
	locking = pd_job_full(d, &rec, now);
	if (rs_eval_pre_verify(&d->policy, &w->facts, &rec.lock, now, &dec)) {
		if (locking && pd_store_user_put(d->store, w->key, &rec, now) < 0) {
			pd_reply_error(c, RS_R_STORE);
			return false;
		}
		pd_note_decision(c, "auth", w, &dec);
		pd_reply_decision(c, &dec, locking);
		return false;
	}
	job = pd_job_new(c, PD_JOB_VERIFY);
	if (!job)
		return false;
	if (pd_job_count(d, w->key, &rec, false, now, job) < 0) {
		free(job);
		pd_reply_error(c, RS_R_STORE);
		return false;
	}
	if (w->facts.known && !(c->req.flags & RS_FLAG_TOO_LONG))
		pd_shadow_get(d, w->name, &sh);
	job->real = sh.usable && pd_costs_usable(d, sh.hash, w);
	job->n = 1;
	/* unknown users, locked entries: a certain failure; the reply waits
	 * for the costliest class either way (see pd_dispatch_job_done) */
	snprintf(job->setting[0], sizeof(job->setting[0]), "%s",
		 job->real ? sh.hash : d->dummy_hash);
	rs_secret_wipe(&sh, sizeof(sh));
	if (job->real)
		d->stats.verifications++;
	else
		d->stats.dummy_hashes++;
	return pd_job_start(d, c, job);
}

void pd_logon_password_done(struct pd_daemon *d, struct pd_conn *c, const struct pd_job *job)
{
	struct pd_who *w = &c->who;
	struct pd_user_rec rec;
	struct rs_decision dec;
	int64_t now = pd_now();

	if (pd_store_user_get(d->store, w->key, &rec) < 0) {
		pd_reply_error(c, RS_R_STORE);
		return;
	}
	pd_job_uncount(job, &rec); /* counted again below, as it went */
	bool ok = pd_job_matches(job, 0), step = false, real = false;
	enum rs_mfa_need need;

	pd_console_status(d, w, &rec, now);
	need = pd_mfa_need(d, w, &rec, c->req.rhost);
	/* a second step when this user needs one, and after any wrong password
	 * while MFA is in use here: the prompt that follows a password then
	 * tells nothing about the password, the user or their device.  With
	 * password logons off, the right password learns so only from a right
	 * code (a decoy step when there is no device to give one) */
	if (ok && need != RS_MFA_NONE && !pd_mfa_remembered(d, w, c->req.rhost))
		step = real = !(w->facts.console_off && need == RS_MFA_BIND);
	if (!real && (!ok || w->facts.console_off))
		step = need != RS_MFA_NONE || pd_mfa_in_use(d);
	if (step) {
		if (real) {
			/* counted now, as a wrong password is: a logon abandoned at
			 * the code prompt tells nothing; a right code clears it */
			rs_lock_note_failure(&rec.lock, now);
		} else {
			d->stats.failures++;
			rs_eval_password(&d->policy, &w->facts, false, &rec.lock, now, &dec);
			if (ok)
				dec.reason = RS_R_CONSOLE_OFF;
			pd_note_decision(c, "auth (the code prompt follows)", w, &dec);
		}
		if (pd_store_user_put(d->store, w->key, &rec, now) < 0) {
			pd_reply_error(c, RS_R_STORE);
			return;
		}
		pd_mfa_challenge(d, c, w, real ? need : RS_MFA_CODE, real);
		return;
	}
	rs_eval_password(&d->policy, &w->facts, ok, &rec.lock, now, &dec);

	if (dec.verdict != RS_V_ALLOW)
		d->stats.failures++;
	if (pd_store_user_put(d->store, w->key, &rec, now) < 0) {
		pd_reply_error(c, RS_R_STORE);
		return;
	}
	pd_reply_decision(c, &dec, true);
	pd_note_decision(c, "auth", w, &dec);
}

/* How this logon was authenticated, for ramsec:AuthMethod: a password
 * our auth checked; else what sshd's SSH_AUTH_INFO_0 names (ExposeAuthInfo);
 * else a remote logon without a password is taken as a key (sshd's other
 * methods are off in the README's set-up), a local one (su from root, cron)
 * as none. */
static const char *method_of(const struct pd_who *w, const struct rs_msg *req)
{
	if (w->facts.password_logon)
		return "password";
	if (!strncmp(req->authinfo, "publickey ", 10) || (!req->authinfo[0] && req->rhost[0]))
		return "publickey";
	return "none";
}

/* The RAM policies attached to w (own, through groups) on this logon:
 * 0 (dec turned into a refusal when they refuse), or -EIO. */
static int logon_policies(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w, int64_t now,
			  struct rs_decision *dec, char *explain, size_t len)
{
	char resource[RS_SERVICE_MAX + 16];
	struct pd_access_result res;
	const char *message;
	struct pd_access_req q = {
	    .action = pd_actions[PD_A_LOGIN],
	    .resource = resource,
	    .rhost = c->req.rhost,
	    .now = now,
	    .service = c->req.service,
	    .method = method_of(w, &c->req),
	};
	int r;

	/* a code in this logon, or a remembered one from this source */
	q.mfa_present = (c->req.flags & RS_FLAG_MFA_PRESENT) ||
			(w->facts.password_logon && pd_mfa_remembered(d, w, c->req.rhost));
	snprintf(resource, sizeof(resource), "service/%s", c->req.service);
	r = pd_access_logon(d, w, &q, &res, &message);
	if (r < 0)
		return -EIO;
	if (res.attached > 0 || r == 0)
		snprintf(explain, len, " by=\"%s\"", res.explain);
	if (r == 0) {
		memset(dec, 0, sizeof(*dec));
		dec->verdict = RS_V_DENY;
		dec->reason = RS_R_POLICY;
		snprintf(dec->message, sizeof(dec->message), "%s", message);
	}
	return 0;
}

bool pd_logon_account(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w)
{
	char explain[PD_EXPLAIN_MAX + 8] = "";
	struct pd_shadow sh;
	struct pd_user_rec rec;
	struct rs_decision dec;
	int64_t now = pd_now();
	bool wrote = false;

	if (pd_store_user_get(d->store, w->key, &rec) < 0) {
		pd_reply_error(c, RS_R_STORE);
		return false;
	}
	/* the module says whether our auth checked a password in this PAM
	 * transaction; without one (an SSH key, su from root, cron) the
	 * password settings do not apply, as RAM leaves access keys alone */
	w->facts.password_logon = c->req.flags & RS_FLAG_PASSWORD_LOGON;
	w->facts.key_login = !w->facts.password_logon && c->req.rhost[0];
	if (w->facts.known)
		pd_pw_facts(&rec, pd_shadow_get(d, w->name, &sh) == 0 ? &sh : NULL, &w->facts);
	rs_secret_wipe(&sh, sizeof(sh));
	rs_eval_account(&d->policy, &w->facts, &rec.lock, now, &dec);
	/* the settings first (masks, lock, expiry), then the policies on top */
	if ((dec.verdict == RS_V_ALLOW || dec.verdict == RS_V_CHANGE) && w->facts.known &&
	    w->facts.governed && logon_policies(d, c, w, now, &dec, explain, sizeof(explain)) < 0) {
		pd_reply_error(c, RS_R_STORE);
		return false;
	}
	if (dec.verdict == RS_V_ALLOW && !w->facts.password_logon && w->facts.known) {
		/* sshd versions that tell the account phase which key it was */
		int r = pd_akey_logon(d, w, c->req.authinfo, c->req.rhost, now);

		if (r == -EIO) {
			pd_reply_error(c, RS_R_STORE);
			return false;
		}
		if (r == -EPERM) {
			memset(&dec, 0, sizeof(dec));
			dec.verdict = RS_V_DENY;
			dec.reason = RS_R_FORBIDDEN;
			snprintf(dec.message, sizeof(dec.message), "This access key is disabled.");
		}
	}

	if (dec.verdict == RS_V_ALLOW || dec.verdict == RS_V_CHANGE) {
		rec.last_logon = now;
		source_of(c->req.rhost, rec.last_source, sizeof(rec.last_source));
		snprintf(rec.last_host, sizeof(rec.last_host), "%s", pd_store_host(d->store));
		snprintf(rec.last_service, sizeof(rec.last_service), "%s", c->req.service);
		if (pd_store_user_put(d->store, w->key, &rec, now) < 0 ||
		    (rec.last_source[0] && w->facts.known &&
		     pd_store_source_put(d->store, w->key, rec.last_source, now) < 0)) {
			pd_reply_error(c, RS_R_STORE);
			return false;
		}
		wrote = true;
	}
	pd_note_decision(c, w->facts.password_logon ? "account" : "account(no password)", w, &dec);
	if (explain[0]) {
		struct rs_buf b = {.p = c->note, .cap = sizeof(c->note), .len = strlen(c->note)};

		rs_buf_put(&b, explain, strlen(explain));
	}
	pd_reply_decision(c, &dec, wrote || pd_store_in_transaction(d->store));
	return false;
}
