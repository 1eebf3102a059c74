// SPDX-License-Identifier: MIT
/*
 * auth: policyd decides whether this logon may be asked for a password
 * (scope, masks), then verifies the password and records the outcome.
 * Every user who reaches the prompt sees the same prompt; unknown and
 * locked users included.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <security/pam_ext.h>

#include "module.h"
#include "ramsec/secret.h"

/* The password: PAM_AUTHTOK when the options say so, else a prompt.
 * *ret_prompted tells whether we asked (then we set PAM_AUTHTOK). */
static int get_password(const struct pr_ctx *c, char **ret, bool *ret_prompted)
{
	const void *tok = NULL;

	*ret = NULL;
	*ret_prompted = false;
	if (c->use_first_pass || c->try_first_pass) {
		if (pam_get_item(c->pamh, PAM_AUTHTOK, &tok) == PAM_SUCCESS && tok) {
			*ret = strdup(tok);
			return *ret ? PAM_SUCCESS : PAM_BUF_ERR;
		}
		if (c->use_first_pass)
			return PAM_AUTH_ERR;
	}
	*ret_prompted = true;
	return pr_prompt_secret(c, "Password: ", ret);
}

/* Maps a reply to a PAM code and tells the user why when denied. */
static int verdict(const struct pr_ctx *c, const struct rs_msg *reply)
{
	switch (reply->verdict) {
	case RS_V_ALLOW:
		return PAM_SUCCESS;
	case RS_V_IGNORE:
		return PAM_IGNORE;
	case RS_V_CONTINUE:
		pr_error(c, reply->message); /* e.g. locked: shown with the prompt */
		return PAM_INCOMPLETE;
	default:
		pr_error(c, reply->message);
		pam_fail_delay(c->pamh, (unsigned)c->policy.pam.fail_delay_ms * 1000u);
		return PAM_AUTH_ERR;
	}
}

static int verify(const struct pr_ctx *c)
{
	struct rs_msg req, reply;
	bool prompted, code;
	char *pw = NULL, *body = NULL;
	int r;

	r = get_password(c, &pw, &prompted);

	if (r != PAM_SUCCESS)
		return r == PAM_BUF_ERR ? r : PAM_AUTH_ERR;
	pr_request(c, &req, RS_MSG_AUTH_PASSWORD);
	if (rs_msg_set_str(&req, RS_TAG_SECRET, pw) == -E2BIG) {
		rs_msg_set_flags(&req, RS_FLAG_TOO_LONG);
	}
	r = pr_call_body(c, &req, &reply, &body);
	rs_msg_wipe(&req);
	if (r < 0) {
		rs_secret_free_str(pw);
		return pr_unavailable(c, r, PAM_AUTH_ERR);
	}
	r = verdict(c, &reply);
	code = r == PAM_INCOMPLETE;
	if (code) /* a second factor */
		r = reply.reason == RS_R_MFA_CODE || reply.reason == RS_R_MFA_BIND
			? pr_mfa_step(c, &reply, body)
			: PAM_AUTH_ERR;
	rs_secret_free_str(body);

	if (r == PAM_SUCCESS && prompted && pam_set_item(c->pamh, PAM_AUTHTOK, pw) != PAM_SUCCESS)
		r = PAM_AUTH_ERR;
	if (r == PAM_SUCCESS && pr_mark_password_logon(c, code) != PAM_SUCCESS)
		r = PAM_BUF_ERR;
	rs_secret_free_str(pw);
	return r;
}

PAM_EXTERN int pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct rs_msg req, reply;
	struct pr_ctx c;
	char *name = NULL;
	int r;

	r = pr_ctx_init(&c, pamh, flags, argc, argv);
	if (r != PAM_SUCCESS)
		return r == PAM_BUF_ERR || r == PAM_SERVICE_ERR ? r : PAM_AUTH_ERR;
	pr_request(&c, &req, RS_MSG_AUTH_START);
	r = pr_call_body(&c, &req, &reply, &name);
	if (r < 0)
		return pr_unavailable(&c, r, PAM_AUTH_ERR);
	/* NAME@ALIAS of a central user: from now on the PAM user is NAME,
	 * the name NSS gave sshd or su (docs/DIRECTORY.md) */
	if (name) {
		r = rs_policy_name_valid(name) ? pam_set_item(pamh, PAM_USER, name) : PAM_AUTH_ERR;
		free(name);
		if (r != PAM_SUCCESS ||
		    pam_get_item(pamh, PAM_USER, (const void **)&c.user) != PAM_SUCCESS)
			return PAM_AUTH_ERR;
	}
	if (reply.verdict == RS_V_ALLOW) /* never an answer before the password */
		return pr_unavailable(&c, -EBADMSG, PAM_AUTH_ERR);
	r = verdict(&c, &reply);
	if (r != PAM_INCOMPLETE)
		return r;
	return verify(&c);
}

PAM_EXTERN int pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)pamh;
	(void)flags;
	(void)argc;
	(void)argv;
	return PAM_SUCCESS;
}
