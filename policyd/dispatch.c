// SPDX-License-Identifier: MIT
/*
 * Logon requests, serialised per user: while a user's password is being
 * hashed, that user's next requests wait in its slot; other users go on.
 * Every decision reads the state, decides (lib/eval.c) and writes the
 * outcome in the same event-loop turn, so nothing can happen between "is
 * the user locked?" and "record this failure".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ramsec/buf.h"
#include "ramsec/cidr.h"
#include "ramsec/client.h"
#include "ramsec/secret.h"
#include "server.h"
#include "store.h"

#define SLOT_BUCKETS   1024
#define SLOT_QUEUE_MAX 64 /* requests of one user waiting behind a hash */

struct pd_slot {
	struct pd_slot *next; /* in the bucket */
	char key[PD_KEY_MAX];
	bool busy;     /* a job of this user is in the workers */
	bool draining; /* its queue is being served: keep it */
	int queued;
	struct pd_conn *head, *tail;
};

static struct pd_slot *buckets[SLOT_BUCKETS];

static unsigned bucket_of(const char *key)
{
	unsigned h = 2166136261u;

	for (; *key; key++)
		h = (h ^ (unsigned char)*key) * 16777619u;
	return h % SLOT_BUCKETS;
}

static struct pd_slot *slot_get(const char *key, bool create)
{
	unsigned b = bucket_of(key);
	struct pd_slot *s;

	for (s = buckets[b]; s; s = s->next)
		if (!strcmp(s->key, key))
			return s;
	if (!create || !(s = calloc(1, sizeof(*s))))
		return NULL;
	snprintf(s->key, sizeof(s->key), "%s", key);
	s->next = buckets[b];
	buckets[b] = s;
	return s;
}

static void slot_put(struct pd_slot *s)
{
	struct pd_slot **p;

	if (s->busy || s->draining || s->head)
		return;
	for (p = &buckets[bucket_of(s->key)]; *p; p = &(*p)->next)
		if (*p == s) {
			*p = s->next;
			free(s);
			return;
		}
}

void pd_note_decision(struct pd_conn *c, const char *what, const struct pd_who *w,
		      const struct rs_decision *dec)
{
	const struct rs_msg *req = &c->req;
	struct rs_buf b;

	rs_buf_init(&b, c->note, sizeof(c->note));
	rs_buf_printf(&b, "%s user=", what);
	if (w->facts.known)
		rs_buf_log_str(&b, w->facts.user, 64);
	else
		rs_buf_printf(&b, "(unknown)");
	rs_buf_printf(&b, " service=");
	rs_buf_log_str(&b, req->service, 32);
	rs_buf_printf(&b, " rhost=");
	rs_buf_log_str(&b, req->rhost[0] ? req->rhost : "local", 64);
	c->note_verdict = (uint8_t)dec->verdict;
	c->note_reason = (uint16_t)dec->reason;
	c->noted = true;
}

void pd_reply_decision(struct pd_conn *c, const struct rs_decision *dec, bool wrote)
{
	pd_reply(c, dec->verdict, dec->reason, dec->message, (uint64_t)dec->minutes, NULL, wrote);
}

void pd_reply_error(struct pd_conn *c, enum rs_reason reason)
{
	struct rs_decision dec = {.verdict = RS_V_ERROR, .reason = reason};

	c->note_verdict = RS_V_ERROR; /* if a decision was noted, it failed */
	c->note_reason = (uint16_t)reason;
	pd_reply_decision(c, &dec, false);
}

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

static void do_auth_start(struct pd_daemon *d, struct pd_conn *c, const struct pd_who *w)
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
	pd_reply_decision(c, &dec, false);
}

struct pd_job *pd_job_new(struct pd_conn *c, int kind)
{
	struct pd_job *job = calloc(1, sizeof(*job));

	if (!job) {
		pd_reply_error(c, RS_R_INTERNAL);
		return NULL;
	}
	job->owner = c;
	job->kind = kind;
	return job;
}

bool pd_job_start(struct pd_daemon *d, struct pd_conn *c, struct pd_job *job)
{
	memcpy(job->secret, c->req.secret, sizeof(job->secret));
	rs_secret_wipe(c->req.secret, sizeof(c->req.secret));
	rs_source_group(c->req.rhost, job->group, sizeof(job->group));
	if (pd_workers_submit(d->workers, job) < 0) {
		rs_secret_wipe(job, sizeof(*job));
		free(job);
		pd_reply_error(c, RS_R_INTERNAL);
		return false;
	}
	c->job = job;
	return true;
}

void pd_pw_facts(const struct pd_user_rec *rec, const struct pd_shadow *sh, struct rs_facts *f)
{
	rs_pw_state_merge(rec->pw_set_at, rec->pw_initial, rec->pw_reset_required,
			  sh ? sh->lastchg : -1, &f->pw);
}

/* Starts a password check; false when it was decided without one. */
static bool do_auth_password(struct pd_daemon *d, struct pd_conn *c, const struct pd_who *w)
{
	struct pd_shadow sh = {0};
	struct pd_user_rec rec;
	struct rs_decision dec;
	struct pd_job *job;

	if (pd_store_user_get(d->store, w->key, &rec) < 0) {
		pd_reply_error(c, RS_R_STORE);
		return false;
	}
	if (rs_eval_pre_verify(&d->policy, &w->facts, &rec.lock, pd_now(), &dec)) {
		pd_note_decision(c, "auth", w, &dec);
		pd_reply_decision(c, &dec, false);
		return false;
	}
	job = pd_job_new(c, PD_JOB_VERIFY);
	if (!job)
		return false;
	if (w->facts.known && !(c->req.flags & RS_FLAG_TOO_LONG))
		pd_shadow_get(w->name, &sh);
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

/* Console logon status: inactive, or idle, which turns it inactive (kept
 * by the caller's write) until an administrator turns it back on. */
void pd_console_status(struct pd_daemon *d, struct pd_who *w, struct pd_user_rec *rec, int64_t now)
{
	if (!w->facts.known || w->facts.is_root)
		return;
	if (rec->console_logon &&
	    rs_user_idle(&d->policy, rec->last_logon, rec->first_seen, rec->idle_reset_at, now)) {
		rec->console_logon = false;
		pd_log(LOG_NOTICE,
		       "idle user=\"%.32s\": no logon for %d days, console logon disabled",
		       w->facts.user, d->policy.pref.max_idle_days_for_users);
	}
	w->facts.console_off = !rec->console_logon;
}

static void auth_job_done(struct pd_daemon *d, struct pd_conn *c, const struct pd_job *job)
{
	struct pd_who *w = &c->who;
	struct pd_user_rec rec;
	struct rs_decision dec;
	int64_t now = pd_now();

	if (pd_store_user_get(d->store, w->key, &rec) < 0) {
		pd_reply_error(c, RS_R_STORE);
		return;
	}
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

void pd_dispatch_job_done(struct pd_daemon *d, struct pd_job *job)
{
	struct pd_conn *c = pd_job_conn(job);

	pd_costs_note(d, job->setting[0], job->cost_ms);
	if (job->kind == PD_JOB_VERIFY) {
		/* as long as the costliest hash in use takes, whoever it was:
		 * neither a name nor its hash method shows in the time */
		c->not_before = job->started_ms + pd_costs_ceiling(d);
		auth_job_done(d, c, job);
	} else
		pd_password_job_done(d, c, job);
	rs_secret_wipe(job, sizeof(*job));
	free(job);
	if (c->slot) {
		struct pd_slot *s = c->slot;

		c->slot = NULL;
		s->busy = false;
		s->draining = true;
		/* serve the user's waiting requests until one needs a hash */
		while (!s->busy && s->head) {
			struct pd_conn *n = s->head;

			s->head = n->next_wait;
			if (!s->head)
				s->tail = NULL;
			s->queued--;
			n->next_wait = NULL;
			pd_dispatch(d, n);
		}
		s->draining = false;
		slot_put(s);
	}
}

static void do_account(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w)
{
	struct pd_shadow sh;
	struct pd_user_rec rec;
	struct rs_decision dec;
	int64_t now = pd_now();
	bool wrote = false;

	if (pd_store_user_get(d->store, w->key, &rec) < 0) {
		pd_reply_error(c, RS_R_STORE);
		return;
	}
	/* the module says whether our auth checked a password in this PAM
	 * transaction; without one (an SSH key, su from root, cron) the
	 * password settings do not apply, as RAM leaves access keys alone */
	w->facts.password_logon = c->req.flags & RS_FLAG_PASSWORD_LOGON;
	w->facts.key_login = !w->facts.password_logon && c->req.rhost[0];
	if (w->facts.known)
		pd_pw_facts(&rec, pd_shadow_get(w->name, &sh) == 0 ? &sh : NULL, &w->facts);
	rs_secret_wipe(&sh, sizeof(sh));
	rs_eval_account(&d->policy, &w->facts, &rec.lock, now, &dec);
	if (dec.verdict == RS_V_ALLOW && !w->facts.password_logon && w->facts.known) {
		/* sshd versions that tell the account phase which key it was */
		int r = pd_akey_logon(d, w, c->req.authinfo, c->req.rhost, now);

		if (r == -EIO) {
			pd_reply_error(c, RS_R_STORE);
			return;
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
		snprintf(rec.last_service, sizeof(rec.last_service), "%s", c->req.service);
		if (pd_store_user_put(d->store, w->key, &rec, now) < 0 ||
		    (rec.last_source[0] && w->facts.known &&
		     pd_store_source_put(d->store, w->key, rec.last_source, now) < 0)) {
			pd_reply_error(c, RS_R_STORE);
			return;
		}
		wrote = true;
	}
	pd_note_decision(c, w->facts.password_logon ? "account" : "account(no password)", w, &dec);
	pd_reply_decision(c, &dec, wrote || pd_store_in_transaction(d->store));
}

static bool per_user(uint8_t t)
{
	return t == RS_MSG_AUTH_START || t == RS_MSG_AUTH_PASSWORD || t == RS_MSG_ACCOUNT ||
	       t == RS_MSG_PASSWORD_CHECK || t == RS_MSG_PASSWORD_SET || t == RS_MSG_AUTH_CODE ||
	       t == RS_MSG_SESSION_OPEN || t == RS_MSG_SESSION_CLOSE || t == RS_MSG_PASSWORD_OLD;
}

/* Serves c now; true when it went to the workers (the user is busy). */
static bool serve(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w)
{
	switch (c->req.type) {
	case RS_MSG_AUTH_START:
		do_auth_start(d, c, w);
		return false;
	case RS_MSG_ACCOUNT:
		do_account(d, c, w);
		return false;
	case RS_MSG_AUTH_PASSWORD:
		return do_auth_password(d, c, w);
	case RS_MSG_AUTH_CODE:
		pd_mfa_code(d, c, w);
		return false;
	case RS_MSG_SESSION_OPEN:
		pd_session_open(d, c, w);
		return false;
	case RS_MSG_SESSION_CLOSE:
		pd_session_close(d, c, w);
		return false;

	default:
		return pd_password_request(d, c, w);
	}
}

void pd_dispatch(struct pd_daemon *d, struct pd_conn *c)
{
	struct pd_slot *s;

	if (!per_user(c->req.type)) {
		pd_admin(d, c);
		return;
	}
	if (!c->admin) {
		pd_reply_error(c, RS_R_FORBIDDEN);
		return;
	}
	if (pd_who_resolve(d, &c->req, &c->who) < 0) {
		pd_reply_error(c, RS_R_STORE);
		return;
	}
	s = slot_get(c->who.key, true);
	if (!s) {
		pd_reply_error(c, RS_R_INTERNAL);
		return;
	}
	if (s->busy) {
		if (s->queued >= SLOT_QUEUE_MAX) {
			pd_reply_error(c, RS_R_INTERNAL);
			return;
		}
		c->next_wait = NULL;
		if (s->tail)
			s->tail->next_wait = c;
		else
			s->head = c;
		s->tail = c;
		s->queued++;
		c->slot = s;
		return;
	}
	c->slot = NULL;
	if (serve(d, c, &c->who)) {
		s->busy = true;
		c->slot = s;
		return;
	}
	slot_put(s);
}

void pd_dispatch_forget(struct pd_conn *c)
{
	struct pd_slot *s = c->slot;

	if (!s || c->job)
		return;
	for (struct pd_conn **p = &s->head; *p; p = &(*p)->next_wait) {
		if (*p != c)
			continue;
		*p = c->next_wait;
		s->queued--;
		break;
	}
	s->tail = NULL;
	for (struct pd_conn *q = s->head; q; q = q->next_wait)
		s->tail = q;
	c->slot = NULL;
	slot_put(s);
}
