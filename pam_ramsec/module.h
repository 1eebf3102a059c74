/* SPDX-License-Identifier: MIT */
/* Shared state of one pam_sm_* call.  The module keeps no globals. */
#ifndef PAM_RAMSEC_MODULE_H
#define PAM_RAMSEC_MODULE_H

#include <stdbool.h>
#include <security/pam_modules.h>

#include "ramsec/policy.h"
#include "ramsec/proto.h"

struct pr_ctx {
	pam_handle_t *pamh;
	int flags;	     /* PAM_SILENT, ... */
	bool use_first_pass; /* take PAM_AUTHTOK, never prompt */
	bool try_first_pass; /* take PAM_AUTHTOK when set, else prompt */
	bool use_authtok;    /* password: take the new PAM_AUTHTOK, never prompt */
	bool record;	     /* password: the instance after pam_unix */
	int retry;	     /* password: tries for a new password (retry=N) */
	bool config_ok;	     /* policy loaded from the file */
	const char *config;  /* config=FILE */
	const char *user;    /* PAM_USER, never NULL after pr_ctx_init */
	const char *service;
	const char *rhost; /* NULL when absent */
	const char *tty;   /* NULL when absent */
	struct rs_policy policy;
};

/*
 * Parses the module arguments, reads the user and the items, loads the
 * config (on failure: defaults, config_ok = false).  Returns PAM_SUCCESS,
 * PAM_SERVICE_ERR for an unknown argument, PAM_BUF_ERR, or what
 * pam_get_user returned.
 */
int pr_ctx_init(struct pr_ctx *c, pam_handle_t *pamh, int flags, int argc, const char **argv);

/* Starts req as type with the who-fields of c filled in. */
void pr_request(const struct pr_ctx *c, struct rs_msg *req, uint8_t type);

/* Calls policyd; 0 with *reply, or -errno (logged).  reply->body is never
 * set; pr_call_body copies it into a malloc'd string *ret_body (NULL when
 * there is none), which the caller wipes and frees. */
int pr_call(const struct pr_ctx *c, const struct rs_msg *req, struct rs_msg *reply);
int pr_call_body(const struct pr_ctx *c, const struct rs_msg *req, struct rs_msg *reply,
		 char **ret_body);

/*
 * policyd could not answer (err).  Break-glass users on a local console
 * fall through (PAM_IGNORE, logged at LOG_ALERT); everyone else is told and
 * gets deny_code.
 */
int pr_unavailable(const struct pr_ctx *c, int err, int deny_code);

/* Shows text to the user as an error / as information (unless PAM_SILENT
 * or text is empty). */
void pr_error(const struct pr_ctx *c, const char *text);
void pr_info(const struct pr_ctx *c, const char *text);

/* The MFA step after policyd answered the password with CONTINUE
 * (challenge: reason and token; body: what to show for binding). */
int pr_mfa_step(const struct pr_ctx *c, const struct rs_msg *challenge, const char *body);

/*
 * The password logon marker: auth sets it when policyd accepted a password
 * (and code); account reads it.  Module data lives in the PAM handle of
 * one process, so it is the signal sshd really gives: its keyboard-
 * interactive child runs auth and account in one process, while a public
 * key logon runs account alone, in the monitor.  A logon in which no
 * password was checked is not subject to the password lock and expiry.
 */
int pr_mark_password_logon(const struct pr_ctx *c, bool mfa);
/* RS_FLAG_PASSWORD_LOGON (and RS_FLAG_MFA_PRESENT when a code was given)
 * when our auth checked a password in this PAM transaction, else 0. */
uint32_t pr_logon_flags(const struct pr_ctx *c);

/* Asks for a secret with echo off.
  Returns PAM_SUCCESS and a malloc'd
 * *ret (the caller wipes and frees it), or a PAM error. */
int pr_prompt_secret(const struct pr_ctx *c, const char *prompt, char **ret);

#endif
