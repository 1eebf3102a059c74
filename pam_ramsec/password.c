// SPDX-License-Identifier: MIT
/*
 * password: two instances around the module that writes /etc/shadow.
 *
 *   password [success=done ignore=ignore default=die] pam_ramsec.so
 *                                               self-service, the current
 *                                               password (counted), rules,
 *                                               history
 *   password required  pam_unix.so use_authtok  writes the new password
 *   password required  pam_ramsec.so record     records what was really set
 *
 * For a local account the first instance says PAM_IGNORE when all is well
 * and the stack goes on to pam_unix.  A central user's password
 * (docs/DIRECTORY.md) is policyd's: the first instance has policyd set it
 * and says PAM_SUCCESS, which ends the stack (pam_unix knows no such
 * user).  With "requisite" instead, local accounts work as before.
 *
 * The first asks for the new password and lets policyd check it; the
 * second tells policyd the change happened, and policyd believes it only
 * when the shadow entry now holds that password, so a change that failed
 * further down the stack never enters the history.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>
#include <string.h>
#include <unistd.h>
#include <security/pam_ext.h>

#include "module.h"
#include "common/client.h"
#include "common/config.h"
#include "ramsec/secret.h"

/* Flags describing who changes the password. */
static uint32_t who_flags(const struct pr_ctx *c)
{
	static const char *const admin_services[] = {"passwd", "chpasswd", "newusers"};
	uint32_t f = 0;

	if (getuid() != 0)
		return 0;
	f |= RS_FLAG_BY_ROOT;
	/* root setting another user's password with an admin tool: a reset,
	 * which initial_password_age applies to (not a forced change at a
	 * logon, which runs as root in sshd or login too) */
	for (size_t i = 0; i < sizeof(admin_services) / sizeof(admin_services[0]); i++)
		if (!strcmp(c->service, admin_services[i]) && strcmp(c->user, "root"))
			f |= RS_FLAG_ADMIN_RESET;
	return f;
}

/* One policyd call for a password change; PAM code, message shown;
 * *ret_held (may be NULL): policyd holds the password (a central user). */
static int ask(const struct pr_ctx *c, uint8_t type, const char *secret, bool *ret_denied,
	       bool *ret_held)
{
	struct rs_msg req, reply;
	int r;

	*ret_denied = false;
	if (ret_held)
		*ret_held = false;
	pr_request(c, &req, type);
	rs_msg_set_flags(&req, who_flags(c));
	if (secret && rs_msg_set_str(&req, RS_TAG_SECRET, secret) < 0) {
		rs_msg_wipe(&req);
		pr_error(c, "The password is too long.");
		*ret_denied = true;
		return PAM_AUTHTOK_ERR;
	}
	r = pr_call(c, &req, &reply);
	rs_msg_wipe(&req);
	if (r < 0)
		return pr_unavailable(c, r, PAM_AUTHTOK_ERR);
	switch (reply.verdict) {
	case RS_V_ALLOW:
	case RS_V_CONTINUE:
		if (ret_held)
			*ret_held = reply.reason == RS_R_PW_HELD;
		return PAM_SUCCESS;
	case RS_V_IGNORE:
		return PAM_IGNORE;
	default:
		pr_error(c, reply.message[0] ? reply.message : rs_reason_str(reply.reason));
		*ret_denied = reply.verdict == RS_V_DENY;
		return reply.reason == RS_R_CHANGE_DISABLED ? PAM_PERM_DENIED : PAM_AUTHTOK_ERR;
	}
}

/* Asks twice; PAM_SUCCESS with *ret, PAM_TRY_AGAIN on a mismatch. */
static int prompt_new(const struct pr_ctx *c, char **ret)
{
	char *again = NULL;
	int r;

	r = pr_prompt_secret(c, "New password: ", ret);
	if (r != PAM_SUCCESS)
		return PAM_AUTHTOK_ERR;
	r = pr_prompt_secret(c, "Retype new password: ", &again);
	if (r != PAM_SUCCESS) {
		rs_secret_free_str(*ret);
		*ret = NULL;
		return PAM_AUTHTOK_ERR;
	}
	r = strcmp(*ret, again) ? PAM_TRY_AGAIN : PAM_SUCCESS;
	rs_secret_free_str(again);
	if (r != PAM_SUCCESS) {
		pr_error(c, "Sorry, the passwords do not match.");
		rs_secret_free_str(*ret);
		*ret = NULL;
	}
	return r;
}

#define DATA_RECORD "ramsec_pending_record"

/* A change checked and handed to the writer, to record at pam_end. */
struct pending_record {
	char config[RS_PATH_MAX];
	char user[RS_USER_MAX + 1];
	char service[RS_SERVICE_MAX + 1];
	uint32_t flags;
	char secret[RS_SECRET_MAX + 1];
};

/*
 * pam_end: tells policyd the change happened.  policyd believes it only if
 * the shadow entry now holds the password, so a change the writer failed
 * is refused there.  A 'record' instance that already did it replaces the
 * data (PAM_DATA_REPLACE): then nothing is sent.
 */
static void record_at_end(pam_handle_t *pamh, void *data, int status)
{
	const size_t cap = RS_PROTO_HEADER + 4096;
	struct pending_record *p = data;
	struct rs_policy *pol = malloc(sizeof(*pol));
	uint8_t *buf = malloc(cap);
	struct rs_msg req, reply;
	char err[256];

	if (!(status & PAM_DATA_REPLACE) && pol && buf &&
	    rs_config_load(p->config, pol, err, sizeof(err)) == 0) {
		rs_msg_init(&req, RS_MSG_PASSWORD_SET, (uint32_t)getpid());
		rs_msg_set_str(&req, RS_TAG_USER, p->user);
		rs_msg_set_str(&req, RS_TAG_SERVICE, p->service);
		rs_msg_set_str(&req, RS_TAG_SECRET, p->secret);
		rs_msg_set_flags(&req, p->flags);
		if (rs_client_call(pol->policyd.socket, pol->pam.timeout_ms, 1, &req, &reply, buf,
				   cap) < 0 ||
		    (reply.verdict != RS_V_ALLOW && reply.verdict != RS_V_IGNORE))
			pam_syslog(pamh, LOG_NOTICE, "password change of %s not recorded", p->user);
		rs_msg_wipe(&req);
		rs_secret_wipe(buf, cap);
	}
	free(buf);
	free(pol);
	rs_secret_wipe(p, sizeof(*p));
	free(p);
}

/* Keeps pw to record at pam_end (see record_at_end); PAM code. */
static int record_later(const struct pr_ctx *c, const char *pw)
{
	struct pending_record *p = calloc(1, sizeof(*p));

	if (!p)
		return PAM_BUF_ERR;
	snprintf(p->config, sizeof(p->config), "%s", c->config);
	snprintf(p->user, sizeof(p->user), "%s", c->user);
	snprintf(p->service, sizeof(p->service), "%s", c->service);
	snprintf(p->secret, sizeof(p->secret), "%s", pw);
	p->flags = who_flags(c);
	if (pam_set_data(c->pamh, DATA_RECORD, p, record_at_end) != PAM_SUCCESS) {
		rs_secret_wipe(p, sizeof(*p));
		free(p);
		return PAM_BUF_ERR;
	}
	return PAM_SUCCESS;
}

/*
 * The checked password handed on: a local account's is written by the
 * module below (pam_unix) and recorded at pam_end - PAM_IGNORE, so the
 * stack goes on to it; a central user's is set by policyd now -
 * PAM_SUCCESS, which the stack takes as the change done ("success=end").
 */
static int hand_on(const struct pr_ctx *c, const char *pw, bool held)
{
	bool denied;
	int r;

	if (held)
		return ask(c, RS_MSG_PASSWORD_SET, pw, &denied, NULL);
	r = record_later(c, pw);
	return r == PAM_SUCCESS ? PAM_IGNORE : r;
}

static int update(const struct pr_ctx *c)
{
	const void *tok = NULL;
	bool denied, held;
	int r = PAM_AUTHTOK_ERR;

	if (c->use_authtok) {
		if (pam_get_item(c->pamh, PAM_AUTHTOK, &tok) != PAM_SUCCESS || !tok)
			return PAM_AUTHTOK_ERR;
		r = ask(c, RS_MSG_PASSWORD_CHECK, tok, &denied, &held);
		return r == PAM_SUCCESS ? hand_on(c, tok, held) : r;
	}
	for (int i = 0; i < c->retry; i++) {
		char *pw = NULL;

		if (prompt_new(c, &pw) != PAM_SUCCESS) {
			if (!pw && i + 1 < c->retry)
				continue;
			return PAM_AUTHTOK_ERR;
		}
		r = ask(c, RS_MSG_PASSWORD_CHECK, pw, &denied, &held);
		if (r == PAM_SUCCESS && pam_set_item(c->pamh, PAM_AUTHTOK, pw) != PAM_SUCCESS)
			r = PAM_AUTHTOK_ERR;
		if (r == PAM_SUCCESS)
			r = hand_on(c, pw, held);
		rs_secret_free_str(pw);
		if (!denied)
			return r;
	}
	return r;
}

/*
 * PRELIM: the current password, when pam_unix would ask for it (not root,
 * or the forced change at a logon).  policyd verifies it and counts a
 * wrong one on the user's attempt counter; pam_unix then takes it from
 * PAM_OLDAUTHTOK instead of asking (and checking) it uncounted.
 */
static int current_password(const struct pr_ctx *c)
{
	const void *tok = NULL;
	struct rs_msg req, reply;
	char *pw = NULL;
	int r;

	if (getuid() == 0 && !(c->flags & PAM_CHANGE_EXPIRED_AUTHTOK))
		return PAM_SUCCESS; /* root sets it: pam_unix asks nothing either */
	if (pam_get_item(c->pamh, PAM_OLDAUTHTOK, &tok) == PAM_SUCCESS && tok)
		pw = strdup(tok);
	else if (pr_prompt_secret(c, "Current password: ", &pw) != PAM_SUCCESS)
		return PAM_AUTHTOK_ERR;
	if (!pw)
		return PAM_BUF_ERR;
	pr_request(c, &req, RS_MSG_PASSWORD_OLD);
	r = rs_msg_set_str(&req, RS_TAG_SECRET, pw) < 0 ? -E2BIG : pr_call(c, &req, &reply);
	rs_msg_wipe(&req);
	if (r == -E2BIG) {
		reply.verdict = RS_V_DENY; /* never cut to fit; no try counted */
		snprintf(reply.message, sizeof(reply.message), "The current password is wrong.");
	} else if (r < 0) {
		rs_secret_free_str(pw);
		return pr_unavailable(c, r, PAM_AUTHTOK_ERR);
	}
	switch (reply.verdict) {
	case RS_V_ALLOW:
		r = pam_set_item(c->pamh, PAM_OLDAUTHTOK, pw) == PAM_SUCCESS ? PAM_SUCCESS
									     : PAM_BUF_ERR;
		break;
	case RS_V_IGNORE:
		r = PAM_IGNORE;
		break;
	default:
		pr_error(c, reply.message[0] ? reply.message : rs_reason_str(reply.reason));
		r = PAM_AUTH_ERR;
	}
	rs_secret_free_str(pw);
	return r;
}

static int record(const struct pr_ctx *c)
{
	const void *tok = NULL;
	bool denied;

	if (pam_get_item(c->pamh, PAM_AUTHTOK, &tok) != PAM_SUCCESS || !tok)
		return PAM_IGNORE;			/* nothing was changed */
	pam_set_data(c->pamh, DATA_RECORD, NULL, NULL); /* recorded now, not at pam_end */
	return ask(c, RS_MSG_PASSWORD_SET, tok, &denied, NULL);
}

PAM_EXTERN int pam_sm_chauthtok(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct pr_ctx c;
	bool denied;
	int r;

	r = pr_ctx_init(&c, pamh, flags, argc, argv);
	if (r != PAM_SUCCESS)
		return r == PAM_BUF_ERR || r == PAM_SERVICE_ERR ? r : PAM_AUTHTOK_ERR;
	if (flags & PAM_PRELIM_CHECK) {
		bool held;

		if (c.record)
			return PAM_SUCCESS;
		r = ask(&c, RS_MSG_PASSWORD_CHECK, NULL, &denied, &held);
		if (r == PAM_SUCCESS)
			r = current_password(&c);
		/* a local account: the writer below has its own checks to make */
		return r == PAM_SUCCESS && !held ? PAM_IGNORE : r;
	}
	if (!(flags & PAM_UPDATE_AUTHTOK))
		return PAM_SERVICE_ERR;
	return c.record ? record(&c) : update(&c);
}
