// SPDX-License-Identifier: MIT
/*
 * The second step of auth, after policyd answered the password with
 * CONTINUE: ask for a verification code, or show the QR code of a new
 * device and ask for two consecutive codes to bind it.  policyd decides;
 * this is only the conversation.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <security/pam_ext.h>

#include "module.h"
#include "ramsec/secret.h"

#define CANNOT_SHOW                                                                                \
	"Multi-factor authentication is required for this account, and this logon cannot show "    \
	"the QR code to bind a device. Log on with keyboard-interactive authentication, or ask "   \
	"an administrator to bind one (ramsecctl mfa enable USER)."

/* Asks for the code(s) into out: "CODE" or "CODE1 CODE2". */
static int ask_codes(const struct pr_ctx *c, bool bind, char *out, size_t len)
{
	char *c1 = NULL, *c2 = NULL;
	int r;

	r = pr_prompt_secret(c, "Verification code: ", &c1);
	if (r == PAM_SUCCESS && bind)
		r = pr_prompt_secret(c, "Next verification code: ", &c2);
	if (r == PAM_SUCCESS)
		snprintf(out, len, "%.16s%s%.16s", c1, bind ? " " : "", bind ? c2 : "");
	rs_secret_free_str(c1);
	rs_secret_free_str(c2);
	return r;
}

int pr_mfa_step(const struct pr_ctx *c, const struct rs_msg *challenge, const char *body)
{
	bool bind = challenge->reason == RS_R_MFA_BIND;
	struct rs_msg req, reply;
	char codes[40];
	int r;

	if (bind && (!body || (c->flags & PAM_SILENT) ||
		     pam_prompt(c->pamh, PAM_TEXT_INFO, NULL, "%s", body) != PAM_SUCCESS)) {
		pr_error(c, CANNOT_SHOW);
		return PAM_AUTH_ERR;
	}
	r = ask_codes(c, bind, codes, sizeof(codes));
	if (r != PAM_SUCCESS)
		return r == PAM_BUF_ERR ? r : PAM_AUTH_ERR;
	pr_request(c, &req, RS_MSG_AUTH_CODE);
	rs_msg_set_str(&req, RS_TAG_SECRET, codes);
	rs_secret_wipe(codes, sizeof(codes));
	rs_msg_set_number(&req, challenge->number);
	r = pr_call(c, &req, &reply);
	rs_msg_wipe(&req);
	if (r < 0)
		return pr_unavailable(c, r, PAM_AUTH_ERR);
	if (reply.verdict == RS_V_ALLOW)
		return PAM_SUCCESS;
	pr_error(c, reply.message);
	pam_fail_delay(c->pamh, (unsigned)c->policy.pam.fail_delay_ms * 1000u);
	return PAM_AUTH_ERR;
}
