// SPDX-License-Identifier: MIT
/*
 * account: runs for every logon, also those that skipped auth (SSH keys,
 * su from root, cron).  policyd re-checks the masks; for a password logon
 * (our auth marked this PAM transaction) also the lock and the password's
 * validity (expired: refused with hard_expire, else PAM_NEW_AUTHTOK_REQD so
 * the application has the user change it).
 */
#include <security/pam_ext.h>

#include "module.h"

PAM_EXTERN int pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct rs_msg req, reply;
	const char *info;
	struct pr_ctx c;
	int r;

	r = pr_ctx_init(&c, pamh, flags, argc, argv);
	if (r != PAM_SUCCESS)
		return r == PAM_BUF_ERR || r == PAM_SERVICE_ERR ? r : PAM_PERM_DENIED;
	pr_request(&c, &req, RS_MSG_ACCOUNT);
	if (pr_logon_flags(&c))
		rs_msg_set_flags(&req, pr_logon_flags(&c));
	info = pam_getenv(pamh, "SSH_AUTH_INFO_0");
	if (info)
		rs_msg_set_str(&req, RS_TAG_AUTHINFO, info);
	r = pr_call(&c, &req, &reply);
	if (r < 0)
		return pr_unavailable(&c, r, PAM_PERM_DENIED);
	switch (reply.verdict) {
	case RS_V_ALLOW:
		pr_info(&c, reply.message); /* an expiry warning, if any */
		return PAM_SUCCESS;
	case RS_V_CHANGE:
		pr_error(&c, reply.message);
		return PAM_NEW_AUTHTOK_REQD;
	case RS_V_IGNORE:
		return PAM_IGNORE;
	default:
		pr_error(&c, reply.message);
		return reply.reason == RS_R_UNKNOWN_USER ? PAM_USER_UNKNOWN : PAM_PERM_DENIED;
	}
}
