// SPDX-License-Identifier: MIT
/*
 * Password changes: may the user change it (self-service), is the new one
 * acceptable (rules, then history), and recording a change the stack
 * really made (the shadow entry must hold the new password) into the
 * history, the password's age and the lock.
 *
 * History: each user has one KDF setting (yescrypt and a salt, made at the
 * first change); entries are that KDF of past passwords, so checking a new
 * password against all N entries costs one hash.
 */
#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ramsec/secret.h"
#include "store.h"
#include "verbs.h"
#include "workers.h"

enum { SLOT_HISTORY = 0, SLOT_SHADOW = 1 };

static size_t history_n(const struct pd_daemon *d, const struct pd_who *w)
{
	return w->facts.is_root ? 0 : (size_t)d->policy.password.password_reuse_prevention;
}

/* True when the current password may be missing from the history: it was
 * never recorded by us, or changed outside ramsec since. */
static bool current_outside_history(const struct pd_user_rec *rec, const struct pd_shadow *sh)
{
	return rec->pw_set_at == 0 ||
	       (sh->lastchg > 0 &&
		(int64_t)sh->lastchg * RS_DAY >= rec->pw_set_at - rec->pw_set_at % RS_DAY + RS_DAY);
}

/* A check that lets a central user's change go on says so: its module has
 * policyd set the password (PASSWORD_SET), as pam_unix cannot. */
static void reply_check(struct pd_conn *c, const struct pd_who *w, struct rs_decision *dec)
{
	if (w->central && (dec->verdict == RS_V_CONTINUE || dec->verdict == RS_V_ALLOW))
		dec->reason = RS_R_PW_HELD;
	pd_reply_decision(c, dec, false);
}

static bool start_check(struct pd_daemon *d, struct pd_conn *c, const struct pd_who *w,
			const struct pd_user_rec *rec, const struct pd_shadow *sh)
{
	struct rs_decision dec;
	struct pd_job *job;

	rs_eval_change_start(&d->policy, &w->facts, pd_now(), &dec);
	if (dec.verdict != RS_V_CONTINUE || !rs_msg_has(&c->req, RS_TAG_SECRET)) {
		if (dec.verdict != RS_V_CONTINUE)
			pd_note_decision(c, "chauthtok", w, &dec);
		reply_check(c, w, &dec);
		return false;
	}
	rs_eval_new_password(&d->policy, &w->facts, c->req.secret, &dec);
	if (dec.verdict != RS_V_ALLOW || history_n(d, w) == 0) {
		pd_note_decision(c, "password check", w, &dec);
		reply_check(c, w, &dec);
		return false;
	}
	job = pd_job_new(c, PD_JOB_PW_CHECK);
	if (!job)
		return false;
	job->real = true;
	job->n = PD_JOB_HASHES;
	snprintf(job->setting[SLOT_HISTORY], PD_HASH_MAX, "%s", rec->hist_setting);
	if (sh->usable && current_outside_history(rec, sh))
		snprintf(job->setting[SLOT_SHADOW], PD_HASH_MAX, "%s", sh->hash);
	return pd_job_start(d, c, job);
}

static bool start_set(struct pd_daemon *d, struct pd_conn *c, const struct pd_who *w,
		      const struct pd_user_rec *rec, const struct pd_shadow *sh)
{
	struct rs_decision dec = {.verdict = RS_V_DENY, .reason = RS_R_PW_NOT_SET};
	struct pd_job *job;

	if (!w->facts.governed || (!sh->usable && !w->central)) {
		if (!w->facts.governed)
			dec.verdict = w->facts.known ? RS_V_IGNORE : RS_V_DENY;
		pd_reply_decision(c, &dec, false);
		return false;
	}
	job = pd_job_new(c, PD_JOB_PW_SET);
	if (!job)
		return false;
	job->real = true;
	job->n = PD_JOB_HASHES;
	/* a central user's: a new hash, written by set_done; else the
	 * shadow entry pam_unix wrote, which set_done checks holds it */
	if (w->central ? !crypt_gensalt_rn(NULL, 0, NULL, 0, job->setting[0], PD_HASH_MAX)
		       : snprintf(job->setting[0], PD_HASH_MAX, "%s", sh->hash) < 0) {
		free(job);
		pd_reply_error(c, RS_R_INTERNAL);
		return false;
	}
	if (rec->hist_setting[0])
		snprintf(job->setting[1], PD_HASH_MAX, "%s", rec->hist_setting);
	else if (history_n(d, w) > 0 &&
		 !crypt_gensalt_rn(NULL, 0, NULL, 0, job->setting[1], PD_HASH_MAX))

		job->setting[1][0] = '\0'; /* no history this time; logged below */
	return pd_job_start(d, c, job);
}

/* The current password of a change (passwd run by the user, or the forced
 * change at logon): verified here, not by pam_unix, so every guess counts
 * on the user's attempt counter - a shell got in by key cannot guess it. */
static bool start_old(struct pd_daemon *d, struct pd_conn *c, const struct pd_who *w,
		      const struct pd_user_rec *cur, const struct pd_shadow *sh)
{
	struct rs_decision dec = {.verdict = RS_V_DENY, .reason = RS_R_UNKNOWN_USER};
	struct pd_user_rec rec = *cur;
	int64_t now = pd_now();
	struct pd_job *job;
	bool locking;

	if (!w->facts.governed) {
		if (w->facts.known)
			dec.verdict = RS_V_IGNORE;
		pd_reply_decision(c, &dec, false);
		return false;
	}
	locking = pd_job_full(d, &rec, now);
	if (rs_eval_secret_gate(&d->policy, &rec.lock, true, now, &dec)) {
		if (locking && pd_store_user_put(d->store, w->key, &rec, now) < 0) {
			pd_reply_error(c, RS_R_STORE);
			return false;
		}
		pd_note_decision(c, "current password", w, &dec);
		pd_reply_decision(c, &dec, locking);
		return false;
	}
	job = pd_job_new(c, PD_JOB_PW_OLD);
	if (!job)
		return false;
	if (pd_job_count(d, w->key, &rec, true, now, job) < 0) {
		free(job);
		pd_reply_error(c, RS_R_STORE);
		return false;
	}
	job->real = sh->usable;
	job->n = 1;
	snprintf(job->setting[0], PD_HASH_MAX, "%s", sh->usable ? sh->hash : d->dummy_hash);
	d->stats.verifications++;
	return pd_job_start(d, c, job);
}

static void old_done(struct pd_daemon *d, struct pd_conn *c, const struct pd_who *w,
		     const struct pd_job *job)
{
	struct rs_decision dec = {.verdict = RS_V_ALLOW};
	struct pd_user_rec rec;
	int64_t now = pd_now();

	if (pd_store_user_get(d->store, w->key, &rec) < 0) {
		pd_reply_error(c, RS_R_STORE);
		return;
	}
	pd_job_uncount(job, &rec); /* counted again below if wrong */
	if (!pd_job_matches(job, 0)) {
		d->stats.failures++;
		rs_eval_secret_wrong(&d->policy, &rec.lock, true, now, RS_R_BAD_PASSWORD,
				     "The current password is wrong.", &dec);
	}
	if (pd_store_user_put(d->store, w->key, &rec, now) < 0) {
		pd_reply_error(c, RS_R_STORE);
		return;
	}
	pd_note_decision(c, "current password", w, &dec);
	pd_reply_decision(c, &dec, true);
}

bool pd_password_request(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w)
{
	struct pd_shadow sh = {.lastchg = -1};
	struct pd_user_rec rec;
	bool started;

	w->facts.by_root = c->req.flags & RS_FLAG_BY_ROOT;
	if (pd_store_user_get(d->store, w->key, &rec) < 0) {
		pd_reply_error(c, RS_R_STORE);
		return false;
	}
	if (w->facts.known)
		pd_shadow_get(d, w->name, &sh);
	pd_pw_facts(&rec, &sh, &w->facts);
	if (c->req.type == RS_MSG_PASSWORD_CHECK)
		started = start_check(d, c, w, &rec, &sh);
	else if (c->req.type == RS_MSG_PASSWORD_OLD)
		started = start_old(d, c, w, &rec, &sh);
	else
		started = start_set(d, c, w, &rec, &sh);
	rs_secret_wipe(&sh, sizeof(sh));
	return started;
}

static void check_done(struct pd_daemon *d, struct pd_conn *c, const struct pd_who *w,
		       const struct pd_job *job)
{
	char hist[RS_HISTORY_MAX][PD_HISTORY_HASH_MAX];
	const char *entries[RS_HISTORY_MAX];
	struct rs_decision dec = {.verdict = RS_V_ALLOW};
	size_t n = 0;
	bool reused;

	if (pd_store_history_get(d->store, w->key, hist, history_n(d, w), &n) < 0) {
		pd_reply_error(c, RS_R_STORE);
		return;
	}
	for (size_t i = 0; i < n; i++)
		entries[i] = hist[i];
	reused =
	    job->out[SLOT_HISTORY][0] && rs_history_contains(job->out[SLOT_HISTORY], entries, n);
	reused |= pd_job_matches(job, SLOT_SHADOW);
	if (reused)
		rs_eval_reused(&d->policy, &dec);
	pd_note_decision(c, "password check", w, &dec);
	reply_check(c, w, &dec);
}

static void set_done(struct pd_daemon *d, struct pd_conn *c, const struct pd_who *w,
		     const struct pd_job *job)
{
	struct rs_decision dec = {.verdict = RS_V_ALLOW};
	struct pd_user_rec rec;
	int64_t now = pd_now();
	size_t keep = history_n(d, w);

	if (w->central ? !job->out[0][0] ||
			     pd_store_dir_password(d->store, w->name, job->out[0], now / RS_DAY) < 0
		       : !pd_job_matches(job, 0)) {
		/* the stack did not really set it: nothing enters the history */
		dec.verdict = RS_V_DENY;
		dec.reason = RS_R_PW_NOT_SET;
		pd_note_decision(c, "password set", w, &dec);
		pd_reply_decision(c, &dec, false);
		return;
	}
	if (pd_store_user_get(d->store, w->key, &rec) < 0) {
		pd_reply_error(c, RS_R_STORE);
		return;
	}
	if (keep > 0 && !job->out[1][0])
		pd_log(LOG_ERR, "password history: no KDF setting; this change is not in it");
	if (keep > 0 && job->out[1][0] && !rec.hist_setting[0] &&
	    strlen(job->setting[1]) < sizeof(rec.hist_setting))
		strcpy(rec.hist_setting, job->setting[1]);
	rec.pw_set_at = now;
	rec.pw_initial = c->req.flags & RS_FLAG_ADMIN_RESET;
	rec.pw_reset_required = false;
	rs_lock_clear(&rec.lock); /* RAM: a password change resets the retry counter */
	/* keep 0 forgets the whole history; no hash (logged above) keeps it */
	if (((keep == 0 || job->out[1][0]) &&
	     pd_store_history_add(d->store, w->key, job->out[1], keep, now) < 0) ||
	    pd_store_user_put(d->store, w->key, &rec, now) < 0) {
		pd_reply_error(c, RS_R_STORE);
		return;
	}
	pd_note_decision(c, rec.pw_initial ? "password reset" : "password set", w, &dec);
	pd_reply_decision(c, &dec, true);
}

bool pd_password_reset(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w)
{
	struct rs_decision dec;
	struct pd_user_rec rec;
	struct pd_job *job;

	if (!w->facts.governed) {
		rs_secret_wipe(c->req.secret, sizeof(c->req.secret));
		pd_reply(c, RS_V_ERROR, RS_R_FORBIDDEN,
			 "ramsec does not govern this account (root or exempt); use passwd", 0,
			 NULL, false);
		return false;
	}
	rs_eval_new_password(&d->policy, &w->facts, c->req.secret, &dec);
	if (dec.verdict != RS_V_ALLOW || pd_store_user_get(d->store, w->key, &rec) < 0) {
		rs_secret_wipe(c->req.secret, sizeof(c->req.secret));
		if (dec.verdict != RS_V_ALLOW)
			pd_reply(c, RS_V_ERROR, dec.reason, dec.message, 0, NULL, false);
		else
			pd_reply_error(c, RS_R_STORE);
		return false;
	}
	job = pd_job_new(c, PD_JOB_RESET);
	if (!job)
		return false;
	job->real = true;
	job->n = PD_JOB_HASHES;
	/* a fresh salt of the system's default method (yescrypt on Debian) */
	if (!crypt_gensalt_rn(NULL, 0, NULL, 0, job->setting[0], PD_HASH_MAX) ||
	    (rec.hist_setting[0]
		 ? snprintf(job->setting[1], PD_HASH_MAX, "%s", rec.hist_setting) < 0
		 : !crypt_gensalt_rn(NULL, 0, NULL, 0, job->setting[1], PD_HASH_MAX))) {
		rs_secret_wipe(c->req.secret, sizeof(c->req.secret));
		free(job);
		pd_reply_error(c, RS_R_INTERNAL);
		return false;
	}
	return pd_job_start(d, c, job);
}

/* Writes user's new hash into /etc/shadow through chpasswd -e (which
 * locks the files as passwd does): 0 or -EIO. */
static int write_shadow(const char *user, const char *hash)
{
	int fds[2], status = 0;
	char line[RS_NAME_MAX + PD_HASH_MAX + 4];
	int n = snprintf(line, sizeof(line), "%s:%s\n", user, hash);
	pid_t pid;

	if (n <= 0 || (size_t)n >= sizeof(line) || pipe2(fds, O_CLOEXEC) < 0)
		return -EIO;
	pid = fork();
	if (pid == 0) {
		dup2(fds[0], 0);
		execl("/usr/sbin/chpasswd", "chpasswd", "-e", (char *)NULL);
		_exit(127);
	}
	close(fds[0]);
	if (pid > 0 && write(fds[1], line, (size_t)n) != n)
		status = -1;
	close(fds[1]);
	rs_secret_wipe(line, sizeof(line));
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		return -EIO;
	return 0;
}

static void reset_done(struct pd_daemon *d, struct pd_conn *c, const struct pd_who *w,
		       const struct pd_job *job)
{
	struct pd_user_rec rec;
	int64_t now = pd_now();
	size_t keep = history_n(d, w);
	char hist[RS_HISTORY_MAX][PD_HISTORY_HASH_MAX], msg[160];
	const char *entries[RS_HISTORY_MAX];
	struct rs_decision dec = {0};
	size_t n = 0;

	if (pd_store_history_get(d->store, w->key, hist, keep, &n) < 0) {
		pd_reply_error(c, RS_R_STORE);
		return;
	}
	for (size_t i = 0; i < n; i++)
		entries[i] = hist[i];
	if (keep > 0 && job->out[1][0] && rs_history_contains(job->out[1], entries, n)) {
		rs_eval_reused(&d->policy, &dec);
		pd_reply(c, RS_V_ERROR, dec.reason, dec.message, 0, NULL, false);
		return;
	}
	if (!job->out[0][0] ||
	    (w->central ? pd_store_dir_password(d->store, w->name, job->out[0], now / 86400)
			: write_shadow(w->name, job->out[0])) < 0) {
		pd_log(LOG_ERR, "password reset user=\"%.32s\" by uid %u: %s failed", w->name,
		       (unsigned)c->uid, w->central ? "the directory's store" : "chpasswd");
		pd_reply(c, RS_V_ERROR, RS_R_INTERNAL, "the password could not be written", 0, NULL,
			 false);
		return;
	}
	if (pd_store_user_get(d->store, w->key, &rec) < 0) {
		pd_reply_error(c, RS_R_STORE);
		return;
	}
	if (keep > 0 && job->out[1][0] && !rec.hist_setting[0] &&
	    strlen(job->setting[1]) < sizeof(rec.hist_setting))
		strcpy(rec.hist_setting, job->setting[1]);
	/* as RAM's console: the user changes it within initial_password_age */
	rec.pw_set_at = now;
	rec.pw_initial = true;
	rec.pw_reset_required = false;
	rs_lock_clear(&rec.lock);
	if ((keep > 0 && job->out[1][0] &&
	     pd_store_history_add(d->store, w->key, job->out[1], keep, now) < 0) ||
	    pd_store_user_put(d->store, w->key, &rec, now) < 0) {
		pd_reply_error(c, RS_R_STORE);
		return;
	}
	pd_log(LOG_NOTICE, "password reset user=\"%.32s\" by uid %u: new password set", w->name,
	       (unsigned)c->uid);
	if (d->policy.password.initial_password_age > 0)
		snprintf(msg, sizeof(msg), "Password reset: %.32s must change it within %d days.",
			 w->name, d->policy.password.initial_password_age);
	else
		snprintf(msg, sizeof(msg), "Password of %.32s reset.", w->name);
	pd_reply(c, RS_V_ALLOW, RS_R_NONE, msg, 0, NULL, true);
}

void pd_password_job_done(struct pd_daemon *d, struct pd_conn *c, const struct pd_job *job)
{
	if (job->kind == PD_JOB_PW_CHECK)
		check_done(d, c, &c->who, job);
	else if (job->kind == PD_JOB_PW_OLD)
		old_done(d, c, &c->who, job);
	else if (job->kind == PD_JOB_RESET)
		reset_done(d, c, &c->who, job);
	else
		set_done(d, c, &c->who, job);
}
