// SPDX-License-Identifier: MIT
/*
 * session: registers the session with policyd (the process that opened it
 * and its start time), so policyd can end it at login_session_duration;
 * close removes it.  A session policyd cannot register is refused.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <security/pam_ext.h>

#include "module.h"
#include "common/procfs.h"
#include "ramsec/proc.h"

#define DATA_ID "ramsec_session_id"

static void free_id(pam_handle_t *pamh, void *data, int status)
{
	(void)pamh;
	(void)status;
	free(data);
}

PAM_EXTERN int pam_sm_open_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct rs_msg req, reply;
	const char *info;
	char start[24];
	uint64_t *id;
	struct pr_ctx c;
	int64_t st;
	int r;

	r = pr_ctx_init(&c, pamh, flags, argc, argv);
	if (r != PAM_SUCCESS)
		return r == PAM_BUF_ERR || r == PAM_SERVICE_ERR ? r : PAM_SESSION_ERR;
	st = rs_proc_starttime(0);
	if (st < 0)
		return PAM_SESSION_ERR;
	snprintf(start, sizeof(start), "%lld", (long long)st);
	pr_request(&c, &req, RS_MSG_SESSION_OPEN);
	rs_msg_set_number(&req, (uint64_t)getpid());
	rs_msg_set_str(&req, RS_TAG_ARG, start);
	info = pam_getenv(pamh, "SSH_AUTH_INFO_0"); /* sshd sets it for the session */
	if (info)
		rs_msg_set_str(&req, RS_TAG_AUTHINFO, info);
	r = pr_call(&c, &req, &reply);
	if (r < 0)
		return pr_unavailable(&c, r, PAM_SESSION_ERR);
	if (reply.verdict == RS_V_IGNORE)
		return PAM_IGNORE;
	if (reply.verdict != RS_V_ALLOW) {
		pr_error(&c, reply.message);
		return PAM_SESSION_ERR;
	}
	id = malloc(sizeof(*id));
	if (!id)
		return PAM_BUF_ERR;
	*id = reply.number;
	if (pam_set_data(pamh, DATA_ID, id, free_id) != PAM_SUCCESS) {
		free(id);
		return PAM_SESSION_ERR;
	}
	return PAM_SUCCESS;
}

PAM_EXTERN int pam_sm_close_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	const void *id = NULL;
	struct rs_msg req, reply;
	struct pr_ctx c;

	/* close without open (or another process): nothing of ours to end;
	 * policyd sweeps sessions whose process is gone */
	if (pam_get_data(pamh, DATA_ID, &id) != PAM_SUCCESS || !id)
		return PAM_SUCCESS;
	if (pr_ctx_init(&c, pamh, flags, argc, argv) != PAM_SUCCESS)
		return PAM_SUCCESS;
	pr_request(&c, &req, RS_MSG_SESSION_CLOSE);
	rs_msg_set_number(&req, *(const uint64_t *)id);
	pr_call(&c, &req, &reply);
	return PAM_SUCCESS;
}
