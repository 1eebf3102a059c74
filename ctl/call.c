// SPDX-License-Identifier: MIT
/* ramsecctl's requests to policyd, and the verification code a policy may
 * ask of the caller (acs:MFAPresent). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/client.h"
#include "ctl.h"
#include "ramsec/secret.h"

int ctl_request(const struct ctl *c, struct rs_msg *req, uint8_t type, const char *user)
{
	rs_msg_init(req, type, (uint32_t)getpid());
	if (user && rs_msg_set_str(req, RS_TAG_USER, user) < 0) {
		fprintf(stderr, "ramsecctl: user name too long\n");
		return CTL_USAGE;
	}
	if ((c->json || c->all_hosts) && rs_proto_allows(type, RS_TAG_FLAGS))
		rs_msg_set_flags(req, (c->json ? RS_FLAG_JSON : 0) |
					  (c->all_hosts ? RS_FLAG_ALL_HOSTS : 0));
	return CTL_OK;
}

/* The socket for this caller: root's, or the self-service one. */
static const char *ctl_socket(const struct ctl *c)
{
	return geteuid() == 0 ? c->policy.policyd.socket : c->policy.policyd.user_socket;
}

int ctl_exchange(const struct ctl *c, struct rs_msg *req, struct rs_msg *rep, bool print_body)
{
	static uint8_t buf[RS_PROTO_HEADER + RS_PROTO_MAX_PAYLOAD];
	static struct rs_msg again; /* the request, for a second try with a code */
	const char *sock = ctl_socket(c);
	char code[RS_CODE_MAX + 2];
	int r;

	again = *req;
	r = rs_client_call(sock, CTL_TIMEOUT_MS, 1, req, rep, buf, sizeof(buf));
	rs_msg_wipe(req);
	if (r == 0 && rep->verdict == RS_V_ERROR && rep->reason == RS_R_MFA_NEEDED) {
		/* a policy allows this with a verification code: ask once */
		r = ctl_read_secret("Verification code: ", code, sizeof(code));
		if (r == 0 && rs_msg_set_str(&again, RS_TAG_CODE, code) == 0)
			r = rs_client_call(sock, CTL_TIMEOUT_MS, 1, &again, rep, buf, sizeof(buf));
		else
			r = 0; /* print the refusal below */
		rs_secret_wipe(code, sizeof(code));
	}
	rs_msg_wipe(&again);
	if (r < 0) {
		fprintf(stderr, "ramsecctl: policyd at %s: %s\n", sock, rs_proto_strerror(r));
		return CTL_UNREACHABLE;
	}
	if (print_body && rep->body_len)
		fwrite(rep->body, 1, rep->body_len, stdout);
	if (rep->verdict != RS_V_ALLOW && rep->verdict != RS_V_CONTINUE) {
		fprintf(stderr, "ramsecctl: %s\n",
			rep->message[0] ? rep->message : rs_reason_str(rep->reason));
		return CTL_REFUSED;
	}
	return CTL_OK;
}

int ctl_call(const struct ctl *c, struct rs_msg *req, bool quiet)
{
	struct rs_msg rep;
	int r = ctl_exchange(c, req, &rep, true);

	if (r == CTL_OK && rep.message[0] && !quiet)
		printf("%s\n", rep.message);
	return r;
}
