/* SPDX-License-Identifier: MIT */
/*
 * The verb handlers: what policyd does for each request type, once
 * dispatch.c (the verb table) has checked who may ask and resolved the
 * user the request is about (w: the target, or the logon's user).  Each
 * replies through reply.c; each returns true when it handed a hash to the
 * workers (the reply comes with the job's result), false when it replied.
 * See docs/ARCHITECTURE.md for the layers.
 */
#ifndef POLICYD_VERBS_H
#define POLICYD_VERBS_H

#include <stdbool.h>
#include <stdint.h>

#include "conn.h"
#include "pd.h"
#include "ramsec/totp.h"

struct pd_job;
struct pd_user_rec;

/* ---- logon.c: AUTH_START, AUTH_PASSWORD, ACCOUNT ---- */
bool pd_logon_start(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w);
bool pd_logon_password(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w);
void pd_logon_password_done(struct pd_daemon *d, struct pd_conn *c, const struct pd_job *job);
bool pd_logon_account(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w);

/* ---- mfa.c: the second step, and the device verbs ---- */
/* What MFA this logon of w needs (its device, mfa_bind_required, the
 * source for adaptive). */
enum rs_mfa_need pd_mfa_need(struct pd_daemon *d, const struct pd_who *w,
			     const struct pd_user_rec *rec, const char *rhost);
/* True when MFA is in use on this host: mandatory or adaptive, or some
 * user has a bound device or must bind one. */
bool pd_mfa_in_use(struct pd_daemon *d);
/* True when w has a remembered-MFA ticket for this source. */
bool pd_mfa_remembered(struct pd_daemon *d, const struct pd_who *w, const char *rhost);
/* Replies CONTINUE and keeps a pending step: a code, or binding a new
 * device (with the QR code in the body) when need is BIND and the password
 * was right. */
void pd_mfa_challenge(struct pd_daemon *d, struct pd_conn *c, const struct pd_who *w,
		      enum rs_mfa_need need, bool password_ok);
/* Pending second steps pushed out to make room (ramsec/pending.h). */
uint64_t pd_mfa_evicted(void);
/* AUTH_CODE: the second step. */
bool pd_mfa_code(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w);
/* The caller's own verification code for an administrative request that a
 * policy allows only with MFA (acs:MFAPresent): counted like any code.
 * 0 when right; else -EACCES with the refusal replied. */
int pd_mfa_caller_code(struct pd_daemon *d, struct pd_conn *c, struct pd_who *caller);
bool pd_mfa_create(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w);
bool pd_mfa_bind(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w);
bool pd_mfa_disable(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w);

/* ---- passwords.c: PASSWORD_CHECK, PASSWORD_SET, PASSWORD_OLD, resets ---- */
bool pd_password_request(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w);
bool pd_password_reset(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w);
void pd_password_job_done(struct pd_daemon *d, struct pd_conn *c, const struct pd_job *job);

/* ---- akeys.c ---- */
bool pd_akey_add(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w);
bool pd_akey_list(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w);
bool pd_akey_set(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w);
bool pd_akey_authorized(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w);
/* A key logon (authinfo = SSH_AUTH_INFO_0): records the use of one of w's
 * access keys; -EPERM when that key is disabled, -EIO on a store error,
 * else 0. */
int pd_akey_logon(struct pd_daemon *d, const struct pd_who *w, const char *authinfo,
		  const char *rhost, int64_t now);

/* ---- sessions.c ---- */
bool pd_session_open(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w);
bool pd_session_close(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w);
bool pd_session_list(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w);
bool pd_session_kill(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w);
/* The user of session id into name (for the verb table's permission
 * check): 0, -ENOENT or -EIO. */
int pd_session_user(struct pd_daemon *d, int64_t id, char *name, size_t len);
/* Warns, ends and sweeps sessions; called every PD_SESSION_TICK_MS. */
void pd_sessions_tick(struct pd_daemon *d);

/* ---- report.c: REPORT, CREDENTIAL_REPORT ---- */
bool pd_report(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w);

/* ---- users.c: USER_SHOW, USER_SET, USER_UNLOCK, USER_FORGET ---- */
bool pd_user_show(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w);
bool pd_user_set(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w);
bool pd_user_unlock(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w);
bool pd_user_forget(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w);

/* ---- status.c: PING, STATUS, POLICY_SHOW (the settings), RELOAD ---- */
bool pd_ping(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w);
bool pd_status(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w);
bool pd_settings_show(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w);
bool pd_reload_verb(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w);
/* METRICS: OpenMetrics text for node_exporter's textfile collector. */
bool pd_metrics(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w);

/* ---- directory.c: central users and groups ---- */
bool pd_dir_user_create(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w);
bool pd_dir_user_set(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w);
bool pd_dir_user_delete(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w);
bool pd_dir_group(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w);

/* ---- nss.c: what libnss_ramsec asks, and its cache ---- */
/* The directory changed here: the cached answers are dropped. */
void pd_nss_forget(void);
bool pd_nss_passwd(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w);
bool pd_nss_group(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w);
bool pd_nss_list(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w);
bool pd_nss_initgroups(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w);

/* ---- policies.c: the policy documents ---- */
bool pd_policy_create(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w);
bool pd_policy_update(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w);
bool pd_policy_rollback(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w);
bool pd_policy_list(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w);
bool pd_policy_get(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w);
bool pd_policy_delete(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w);
bool pd_policy_attach(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w);
bool pd_policy_detach(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w);
bool pd_policy_list_for(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w);
bool pd_policy_simulate(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w);

#endif
