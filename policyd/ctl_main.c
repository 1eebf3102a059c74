// SPDX-License-Identifier: MIT
/*
 * ramsecctl: the admin's and the user's tool.  Root talks to policyd's root
 * socket; other users to the self-service socket, where policyd answers
 * only what concerns the caller.
 *
 * Exit status: 0 done, 1 refused or failed (the reason is printed),
 * 2 usage, 3 policyd unreachable.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ramsec/client.h"
#include "ramsec/config.h"

#define CTL_TIMEOUT_MS 10000

struct ctl {
	const char *config;
	bool json;
	struct rs_policy policy;
};

static int usage(FILE *f)
{
	fprintf(f, "Usage: ramsecctl [--config FILE] COMMAND\n"
		   "  status [--json]              daemon, store and policy summary\n"
		   "  policy show [--json]         the effective policy, defaults filled in\n"
		   "  policy check [FILE]          validate a configuration file\n"
		   "  reload                       re-read the configuration (root)\n"
		   "  user show USER [--json]      lock state, failures, last logon\n"
		   "  user unlock USER             clear failures and lock (root)\n");
	return f == stdout ? 0 : 2;
}

static int call(struct ctl *c, uint8_t type, const char *user)
{
	static uint8_t buf[RS_PROTO_HEADER + RS_PROTO_MAX_PAYLOAD];
	const char *sock =
	    geteuid() == 0 ? c->policy.policyd.socket : c->policy.policyd.user_socket;
	struct rs_msg req, rep;
	int r;

	rs_msg_init(&req, type, (uint32_t)getpid());
	if (user && rs_msg_set_str(&req, RS_TAG_USER, user) < 0) {
		fprintf(stderr, "ramsecctl: user name too long\n");
		return 2;
	}
	if (c->json && type != RS_MSG_RELOAD && type != RS_MSG_USER_UNLOCK) {
		req.flags = RS_FLAG_JSON;
		req.present |= 1u << RS_TAG_FLAGS;
	}
	r = rs_client_call(sock, CTL_TIMEOUT_MS, 1, &req, &rep, buf, sizeof(buf));
	if (r < 0) {
		fprintf(stderr, "ramsecctl: policyd at %s: %s\n", sock, rs_proto_strerror(r));
		return 3;
	}
	if (rep.body_len)
		fwrite(rep.body, 1, rep.body_len, stdout);
	if (rep.verdict != RS_V_ALLOW) {
		fprintf(stderr, "ramsecctl: %s\n",
			rep.message[0] ? rep.message : rs_reason_str(rep.reason));
		return 1;
	}
	if (rep.message[0])
		printf("%s\n", rep.message);
	return 0;
}

static int policy_check(const char *file)
{
	struct rs_policy p;
	char err[512];

	if (rs_config_load(file, &p, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	printf("%s: ok\n", file);
	return 0;
}

/* Takes --json out of argv wherever it stands. */
static int strip_json(struct ctl *c, int argc, char **argv)
{
	int n = 0;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			c->json = true;
		else
			argv[n++] = argv[i];
	}
	return n;
}

int main(int argc, char **argv)
{
	struct ctl c = {.config = RS_CONFIG_PATH};
	char err[512];
	int i = 1;

	if (i + 1 < argc && !strcmp(argv[i], "--config")) {
		c.config = argv[i + 1];
		i += 2;
	}
	argc = strip_json(&c, argc - i, argv + i);
	argv += i;
	if (argc < 1)
		return usage(stderr);
	if (!strcmp(argv[0], "--help") || !strcmp(argv[0], "help"))
		return usage(stdout);
	if (!strcmp(argv[0], "policy") && argc >= 2 && !strcmp(argv[1], "check") && argc <= 3)
		return policy_check(argc == 3 ? argv[2] : c.config);
	if (rs_config_load(c.config, &c.policy, err, sizeof(err)) < 0) {
		fprintf(stderr, "ramsecctl: warning: %s\n", err);
		rs_config_sockets(c.config, &c.policy);
	}
	if (!strcmp(argv[0], "status") && argc == 1)
		return call(&c, RS_MSG_STATUS, NULL);
	if (!strcmp(argv[0], "reload") && argc == 1)
		return call(&c, RS_MSG_RELOAD, NULL);
	if (!strcmp(argv[0], "policy") && argc == 2 && !strcmp(argv[1], "show"))
		return call(&c, RS_MSG_POLICY_SHOW, NULL);
	if (!strcmp(argv[0], "user") && argc == 3 && !strcmp(argv[1], "show"))
		return call(&c, RS_MSG_USER_SHOW, argv[2]);
	if (!strcmp(argv[0], "user") && argc == 3 && !strcmp(argv[1], "unlock"))
		return call(&c, RS_MSG_USER_UNLOCK, argv[2]);
	return usage(stderr);
}
