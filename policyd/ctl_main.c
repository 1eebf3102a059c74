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
#include "ctl.h"

static int usage(FILE *f)
{
	fprintf(f,
		"Usage: ramsecctl [--config FILE] COMMAND\n"
		"  status [--json]              daemon, store and policy summary\n"
		"  policy show [--json]         the effective policy, defaults filled in\n"
		"  policy check [FILE]          validate a configuration file\n"
		"  reload                       re-read the configuration (root)\n"
		"  user show USER [--json]      lock state, failures, last logon\n"
		"  user unlock USER             clear failures and lock (root)\n"
		"  user forget USER             delete what a deleted account left (root)\n"
		"  user set USER --password-reset-required on|off\n"
		"                               force a password change at next logon (root)\n"
		"  user reset-password USER [--generate]\n"
		"                               set a password (read from stdin, or generated\n"
		"                               and printed once) the user must change within\n"
		"                               initial_password_age days (root)\n"
		"  policy check-password USER   check a password read from stdin against the\n"
		"                               rules and USER's history (root)\n"
		"  user set USER --mfa-bind-required on|off | --forget-mfa\n"
		"  user set USER --console-logon on|off   password logons (keys unaffected)\n"
		"  accesskey create USER        an Ed25519 key; prints the private key once\n"
		"  accesskey import USER PUBKEY|-   add an existing public key\n"
		"  accesskey list USER [--json] id, status, created, last used and from where\n"
		"  accesskey enable|disable|delete USER ID\n"
		"  authorized-keys USER         the active keys (sshd AuthorizedKeysCommand)\n"
		"  session list [--json]        open sessions with the time left (root)\n"
		"  session kill ID              end a session now (root)\n"
		"  report [--json]              security report: counts, findings, score (root)\n"
		"  credential-report            one CSV row per governed user and root (root)\n"

		"  mfa create [USER] [--qr-png FILE]  a pending device: key, URI, QR code\n"
		"  mfa bind [USER] CODE1 CODE2  bind it with two consecutive codes\n"
		"  mfa enable [USER]            create and bind, asking for the codes\n"
		"  mfa disable [USER] [CODE]    unbind (users give a current code)\n"
		"                               (no USER: yourself, where the policy allows)\n");
	return f == stdout ? 0 : 2;
}

int ctl_request(const struct ctl *c, struct rs_msg *req, uint8_t type, const char *user)
{
	rs_msg_init(req, type, (uint32_t)getpid());
	if (user && rs_msg_set_str(req, RS_TAG_USER, user) < 0) {
		fprintf(stderr, "ramsecctl: user name too long\n");
		return CTL_USAGE;
	}
	if (c->json && rs_proto_allows(type, RS_TAG_FLAGS))
		rs_msg_set_flags(req, RS_FLAG_JSON);
	return CTL_OK;
}

const char *ctl_socket(const struct ctl *c)
{
	return geteuid() == 0 ? c->policy.policyd.socket : c->policy.policyd.user_socket;
}

int ctl_exchange(const struct ctl *c, struct rs_msg *req, struct rs_msg *rep, bool print_body)
{
	static uint8_t buf[RS_PROTO_HEADER + RS_PROTO_MAX_PAYLOAD];
	const char *sock = ctl_socket(c);
	int r;

	r = rs_client_call(sock, CTL_TIMEOUT_MS, 1, req, rep, buf, sizeof(buf));
	rs_msg_wipe(req);
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

static int call(struct ctl *c, uint8_t type, const char *user, const char *arg)
{
	struct rs_msg req;
	int r = ctl_request(c, &req, type, user);

	if (r != CTL_OK)
		return r;
	if (arg)
		rs_msg_set_str(&req, RS_TAG_ARG, arg);
	return ctl_call(c, &req, false);
}

/* user set USER --password-reset-required on|off */
static int user_set(struct ctl *c, const char *user, int argc, char **argv)
{
	static const char *const flags[][2] = {
	    {"--password-reset-required", "password_reset_required"},
	    {"--mfa-bind-required", "mfa_bind_required"},
	    {"--console-logon", "console_logon"},
	};
	char arg[64];

	if (argc == 1 && !strcmp(argv[0], "--forget-mfa"))
		return call(c, RS_MSG_USER_SET, user, "forget_mfa");
	if (argc != 2 || (strcmp(argv[1], "on") && strcmp(argv[1], "off")))
		return usage(stderr);
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		if (strcmp(argv[0], flags[i][0]))
			continue;
		snprintf(arg, sizeof(arg), "%s=%s", flags[i][1], argv[1]);
		return call(c, RS_MSG_USER_SET, user, arg);
	}
	return usage(stderr);
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
		return call(&c, RS_MSG_STATUS, NULL, NULL);
	if (!strcmp(argv[0], "reload") && argc == 1)
		return call(&c, RS_MSG_RELOAD, NULL, NULL);
	if (!strcmp(argv[0], "policy") && argc == 2 && !strcmp(argv[1], "show"))
		return call(&c, RS_MSG_POLICY_SHOW, NULL, NULL);
	if (!strcmp(argv[0], "policy") && argc == 3 && !strcmp(argv[1], "check-password"))
		return ctl_check_password(&c, argv[2]);
	if (!strcmp(argv[0], "report") && argc == 1)
		return call(&c, RS_MSG_REPORT, NULL, NULL);
	if (!strcmp(argv[0], "credential-report") && argc == 1)
		return call(&c, RS_MSG_CREDENTIAL_REPORT, NULL, NULL);
	if (!strcmp(argv[0], "session") && argc == 2 && !strcmp(argv[1], "list"))
		return call(&c, RS_MSG_SESSION_LIST, NULL, NULL);
	if (!strcmp(argv[0], "session") && argc == 3 && !strcmp(argv[1], "kill")) {
		struct rs_msg req;
		char *end;
		unsigned long long id = strtoull(argv[2], &end, 10);

		if (*end || !argv[2][0] || ctl_request(&c, &req, RS_MSG_SESSION_KILL, NULL))
			return usage(stderr);
		rs_msg_set_number(&req, id);
		return ctl_call(&c, &req, false);
	}
	if (!strcmp(argv[0], "accesskey")) {
		int r = ctl_akey(&c, argc - 1, argv + 1);

		return r == CTL_USAGE ? usage(stderr) : r;
	}
	if (!strcmp(argv[0], "authorized-keys") && argc == 2)
		return ctl_authorized_keys(&c, argv[1]);
	if (!strcmp(argv[0], "mfa")) {
		int r = ctl_mfa(&c, argc - 1, argv + 1);

		return r == CTL_USAGE ? usage(stderr) : r;
	}
	if (strcmp(argv[0], "user") || argc < 3)
		return usage(stderr);
	if (argc == 3 && !strcmp(argv[1], "show"))
		return call(&c, RS_MSG_USER_SHOW, argv[2], NULL);
	if (argc == 3 && !strcmp(argv[1], "unlock"))
		return call(&c, RS_MSG_USER_UNLOCK, argv[2], NULL);
	if (argc == 3 && !strcmp(argv[1], "forget"))
		return call(&c, RS_MSG_USER_FORGET, argv[2], NULL);
	if (!strcmp(argv[1], "set"))
		return user_set(&c, argv[2], argc - 3, argv + 3);
	if (!strcmp(argv[1], "reset-password") && argc <= 4 &&
	    (argc == 3 || !strcmp(argv[3], "--generate")))
		return ctl_reset_password(&c, argv[2], argc == 4);
	return usage(stderr);
}
