// SPDX-License-Identifier: MIT
/*
 * ramsecctl: the admin's and the user's tool.  Root talks to policyd's root
 * socket; other users to the self-service socket, where policyd answers
 * what concerns the caller and what an attached policy allows it.
 *
 * Every command is one row of the table below: its words, its arguments,
 * one line of help and its handler.  The usage text, `--commands` (which
 * the man page check and the shell completion read) come from it.
 *
 * Exit status: 0 done, 1 refused or failed (the reason is printed),
 * 2 usage, 3 policyd unreachable.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/config.h"
#include "ctl.h"

/* Handlers get argv from the command's last word on (argv[0] is it). */
typedef int ctl_handler(struct ctl *c, int argc, char **argv);

struct ctl_cmd {
	const char *words; /* "user unlock" */
	const char *args;  /* "USER" */
	const char *help;
	int min, max;	 /* arguments after the words */
	ctl_handler *fn; /* NULL: send type, about the USER argument if any */
	uint8_t type;
	const char *now; /* an old spelling: the words to use now */
};

/* A request of type about user (NULL: none), its reply printed. */
static int simple(struct ctl *c, uint8_t type, const char *user)
{
	struct rs_msg req;
	int r = ctl_request(c, &req, type, user);

	return r != CTL_OK ? r : ctl_call(c, &req, false);
}

/* metrics [--output FILE]: FILE is replaced at once (a temporary file
 * renamed), as node_exporter's textfile collector wants. */
static int cmd_metrics(struct ctl *c, int argc, char **argv)
{
	struct rs_msg req, rep;
	char tmp[4096];
	bool ok;
	FILE *f;
	int r;

	if (argc == 2 || (argc == 3 && strcmp(argv[1], "--output")))
		return CTL_USAGE;
	if (ctl_request(c, &req, RS_MSG_METRICS, NULL) != CTL_OK)
		return CTL_REFUSED;
	r = ctl_exchange(c, &req, &rep, argc == 1);
	if (r != CTL_OK || argc == 1)
		return r;
	if (snprintf(tmp, sizeof(tmp), "%s.%d.tmp", argv[2], (int)getpid()) >= (int)sizeof(tmp))
		return CTL_USAGE;
	f = fopen(tmp, "wxe");
	ok = f && fwrite(rep.body, 1, rep.body_len, f) == rep.body_len &&
	     fchmod(fileno(f), 0644) == 0 && fflush(f) == 0 && fsync(fileno(f)) == 0;
	if (f && fclose(f) != 0)
		ok = false;
	if (ok && rename(tmp, argv[2]) == 0)
		return CTL_OK;
	fprintf(stderr, "ramsecctl: %s: %s\n", argv[2], strerror(errno));
	if (f)
		unlink(tmp);
	return CTL_REFUSED;
}

static int cmd_settings_check(struct ctl *c, int argc, char **argv)
{
	const char *file = argc > 1 ? argv[1] : c->config;
	struct rs_policy p;
	char err[512];

	if (rs_config_load(file, &p, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return CTL_REFUSED;
	}
	printf("%s: ok\n", file);
	return CTL_OK;
}

static int cmd_session_kill(struct ctl *c, int argc, char **argv)
{
	struct rs_msg req;
	char *end;
	unsigned long long id = strtoull(argv[1], &end, 10);

	(void)argc;
	if (*end || !argv[1][0] || ctl_request(c, &req, RS_MSG_SESSION_KILL, NULL))
		return CTL_USAGE;
	rs_msg_set_number(&req, id);
	return ctl_call(c, &req, false);
}

/* user set USER --password-reset-required on|off, ... */
static int cmd_user_set(struct ctl *c, int argc, char **argv)
{
	static const struct {
		const char *flag;
		uint8_t op;
	} flags[] = {
	    {"--password-reset-required", RS_OP_RESET_REQUIRED},
	    {"--mfa-bind-required", RS_OP_MFA_BIND_REQUIRED},
	    {"--console-logon", RS_OP_CONSOLE_LOGON},
	    {"--forget-mfa", RS_OP_FORGET_MFA},
	};
	struct rs_msg req;

	if (!strcmp(argv[2], "--groups") || !strcmp(argv[2], "--gecos") ||
	    !strcmp(argv[2], "--shell") || !strcmp(argv[2], "--home"))
		return ctl_dir_user(c, argc, argv, false); /* a central user's entry */
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		bool forget = flags[i].op == RS_OP_FORGET_MFA;

		if (strcmp(argv[2], flags[i].flag) || argc != (forget ? 3 : 4) ||
		    (!forget && strcmp(argv[3], "on") && strcmp(argv[3], "off")))
			continue;
		if (ctl_request(c, &req, RS_MSG_USER_SET, argv[1]))
			return CTL_USAGE;
		rs_msg_set_op(&req, flags[i].op);
		rs_msg_set_value(&req, !forget && !strcmp(argv[3], "on"));
		return ctl_call(c, &req, false);
	}
	return CTL_USAGE;
}

static int cmd_user_create(struct ctl *c, int argc, char **argv)
{
	return ctl_dir_user(c, argc, argv, true);
}

static int cmd_reset_password(struct ctl *c, int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[2], "--generate"))
		return CTL_USAGE;
	return ctl_reset_password(c, argv[1], argc == 3);
}

static int cmd_check_password(struct ctl *c, int argc, char **argv)
{
	(void)argc;
	return ctl_check_password(c, argv[1]);
}

static int cmd_authorized_keys(struct ctl *c, int argc, char **argv)
{
	(void)argc;
	return ctl_authorized_keys(c, argv[1]);
}

/* clang-format off */
static const struct ctl_cmd cmds[] = {
	{"status", "[--json]", "daemon, store and settings summary", 0, 0, NULL, RS_MSG_STATUS, NULL},
	{"reload", "", "re-read the settings file", 0, 0, NULL, RS_MSG_RELOAD, NULL},
	{"metrics", "[--output FILE]",
	 "counters and a latency histogram as OpenMetrics text (node_exporter textfile)", 0, 2,
	 cmd_metrics, 0, NULL},
	{"settings show", "[--json]", "the effective settings, defaults filled in", 0, 0,
	 NULL, RS_MSG_POLICY_SHOW, NULL},
	{"settings check", "[FILE]", "validate a settings file", 0, 1, cmd_settings_check, 0, NULL},
	{"user show", "USER [--json]", "lock state, failures, last logon, MFA", 1, 1, NULL,
	 RS_MSG_USER_SHOW, NULL},
	{"user unlock", "USER", "clear failures and lock", 1, 1, NULL, RS_MSG_USER_UNLOCK, NULL},
	{"user forget", "USER", "delete what a deleted account left", 1, 1, NULL,
	 RS_MSG_USER_FORGET, NULL},
	{"user set", "USER --password-reset-required|--mfa-bind-required|--console-logon on|off",
	 "per-user login settings (console logon: password logons; keys unaffected)", 3, 3,
	 cmd_user_set, 0, NULL},
	{"user set", "USER --forget-mfa", "forget the user's remembered MFA logons", 2, 2,
	 cmd_user_set, 0, NULL},
	{"user reset-password", "USER [--generate]",
	 "set a password (read from stdin, or generated and printed once) the user must change "
	 "within initial_password_age days", 1, 2, cmd_reset_password, 0, NULL},
	{"user create",
	 "NAME [--uid N] [--gecos TEXT] [--shell PATH] [--home DIR] [--groups G1,G2]",
	 "a central user in the directory (libnss_ramsec serves it to every host)", 1, 11,
	 cmd_user_create, 0, NULL},
	{"user delete", "NAME", "delete a central user and its own group", 1, 1, NULL,
	 RS_MSG_DIR_USER_DELETE, NULL},
	{"user set", "NAME --groups G1,G2|--gecos TEXT|--shell PATH|--home DIR",
	 "change a central user (--groups: all of its directory groups)", 3, 9, cmd_user_set, 0,
	 NULL},
	{"group create", "NAME [--gid N]", "a directory group", 1, 3, ctl_group, 0, NULL},
	{"group delete", "NAME", "delete a directory group", 1, 1, ctl_group, 0, NULL},
	{"group add-member", "GROUP USER", "add a central user to a directory group", 2, 2,
	 ctl_group, 0, NULL},
	{"group remove-member", "GROUP USER", "take a central user out of a group", 2, 2,
	 ctl_group, 0, NULL},
	{"user check-password", "USER",
	 "check a password read from stdin against the rules and USER's history", 1, 1,
	 cmd_check_password, 0, NULL},
	{"policy create", "NAME FILE", "a RAM policy document (FILE: JSON, - for stdin)", 2, 2,
	 ctl_policy, 0, NULL},
	{"policy update", "NAME FILE", "a new version, made the current one", 2, 2, ctl_policy, 0,
	 NULL},
	{"policy rollback", "NAME VERSION", "make a kept version the current one", 2, 2,
	 ctl_policy, 0, NULL},
	{"policy list", "[--json]", "the policies, their versions and attachments", 0, 0,
	 ctl_policy, 0, NULL},
	{"policy get", "NAME [VERSION] [--json]", "a policy's document", 1, 2, ctl_policy, 0, NULL},
	{"policy delete", "NAME", "delete a policy (refused while attached)", 1, 1, ctl_policy, 0,
	 NULL},
	{"policy attach", "NAME --user USER|--group GROUP", "attach a policy", 3, 3, ctl_policy, 0,
	 NULL},
	{"policy detach", "NAME --user USER|--group GROUP", "detach a policy", 3, 3, ctl_policy, 0,
	 NULL},
	{"policy list-for", "USER [--json]", "the policies in force for USER, own and inherited",
	 1, 1, ctl_policy, 0, NULL},
	{"policy simulate",
	 "USER --service SERVICE [--source IP] [--time ISO8601] [--mfa yes|no] "
	 "[--method password|publickey|none] [--json]",
	 "what the policies decide for such a logon, and which statement decided", 3, 11,
	 ctl_policy, 0, NULL},
	{"accesskey create", "USER", "an Ed25519 key; prints the private key once", 1, 1,
	 ctl_akey, 0, NULL},
	{"accesskey import", "USER PUBKEY|-", "add an existing public key", 2, 2, ctl_akey, 0, NULL},
	{"accesskey list", "USER [--json]", "id, status, created, last used and from where", 1, 1,
	 ctl_akey, 0, NULL},
	{"accesskey enable", "USER ID", "turn a key on", 2, 2, ctl_akey, 0, NULL},
	{"accesskey disable", "USER ID", "turn a key off", 2, 2, ctl_akey, 0, NULL},
	{"accesskey delete", "USER ID", "delete a key", 2, 2, ctl_akey, 0, NULL},
	{"authorized-keys", "USER", "the active keys (sshd AuthorizedKeysCommand)", 1, 1,
	 cmd_authorized_keys, 0, NULL},
	{"session list", "[--all-hosts] [--json]",
	 "open sessions with the time left (of every host of the fleet)", 0, 0, NULL,
	 RS_MSG_SESSION_LIST, NULL},
	{"session kill", "ID", "end a session now", 1, 1, cmd_session_kill, 0, NULL},
	{"report", "[--json]", "security report: counts, findings, score", 0, 0, NULL, RS_MSG_REPORT,
	 NULL},
	{"credential-report", "", "one CSV row per governed user and root", 0, 0, NULL,
	 RS_MSG_CREDENTIAL_REPORT, NULL},
	{"mfa create", "[USER] [--qr-png FILE]", "a pending device: key, URI, QR code", 0, 3,
	 ctl_mfa, 0, NULL},
	{"mfa bind", "[USER] CODE1 CODE2", "bind it with two consecutive codes", 2, 3, ctl_mfa, 0,
	 NULL},
	{"mfa enable", "[USER] [--qr-png FILE]", "create and bind, asking for the codes", 0, 3,
	 ctl_mfa, 0, NULL},
	{"mfa disable", "[USER] [CODE]", "unbind (users give a current code)", 0, 2, ctl_mfa, 0,
	 NULL},
	/* old spellings, kept working */
	{"policy show", "[--json]", NULL, 0, 0, NULL, RS_MSG_POLICY_SHOW, "settings show"},
	{"policy check", "[FILE]", NULL, 0, 1, cmd_settings_check, 0, "settings check"},
	{"policy check-password", "USER", NULL, 1, 1, cmd_check_password, 0, "user check-password"},
};
/* clang-format on */

#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

static int usage(FILE *f)
{
	fprintf(f, "Usage: ramsecctl [--config FILE] COMMAND\n");
	for (size_t i = 0; i < NCMDS; i++) {
		char line[256];

		if (cmds[i].now)
			continue;
		snprintf(line, sizeof(line), "%s %s", cmds[i].words, cmds[i].args);
		if (strlen(line) <= 30)
			fprintf(f, "  %-30s %s\n", line, cmds[i].help);
		else
			fprintf(f, "  %s\n  %-30s %s\n", line, "", cmds[i].help);
	}
	fprintf(f, "Users may name themselves (or, for mfa, no one) where the settings or a\n"
		   "policy allow it; the rest needs root or a policy that allows it.\n");
	return f == stdout ? CTL_OK : CTL_USAGE;
}

/* How many of argv's first words are cmd's words (0: not this command). */
static int words_match(const struct ctl_cmd *cmd, int argc, char **argv)
{
	char words[64], *save = NULL, *w;
	int n = 0;

	snprintf(words, sizeof(words), "%s", cmd->words);
	for (w = strtok_r(words, " ", &save); w; w = strtok_r(NULL, " ", &save), n++)
		if (n >= argc || strcmp(argv[n], w))
			return 0;
	return n;
}

/* Takes --json and --all-hosts out of argv wherever they stand. */
static int strip_json(struct ctl *c, int argc, char **argv)
{
	int n = 0;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			c->json = true;
		else if (!strcmp(argv[i], "--all-hosts"))
			c->all_hosts = true;
		else
			argv[n++] = argv[i];
	}
	return n;
}

int main(int argc, char **argv)
{
	struct ctl c = {.config = RS_CONFIG_PATH};
	bool matched = false;
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
	if (!strcmp(argv[0], "--commands")) {
		for (size_t k = 0; k < NCMDS; k++)
			printf("%s\t%s\n", cmds[k].words, cmds[k].args);
		return CTL_OK;
	}
	for (size_t k = 0; k < NCMDS; k++) {
		const struct ctl_cmd *cmd = &cmds[k];
		int n = words_match(cmd, argc, argv), r;

		if (!n)
			continue;
		matched = true;
		if (argc - n < cmd->min || argc - n > cmd->max)
			continue; /* another row of these words may take them */
		if (cmd->now)
			fprintf(stderr, "ramsecctl: note: '%s' is now 'ramsecctl %s'\n", cmd->words,
				cmd->now);
		if (cmd->fn != cmd_settings_check &&
		    rs_config_load(c.config, &c.policy, err, sizeof(err)) < 0) {
			fprintf(stderr, "ramsecctl: warning: %s\n", err);
			rs_config_sockets(c.config, &c.policy);
		}
		r = cmd->fn ? cmd->fn(&c, argc - n + 1, argv + n - 1)
			    : simple(&c, cmd->type, argc > n ? argv[n] : NULL);
		return r == CTL_USAGE ? usage(stderr) : r;
	}
	if (matched)
		fprintf(stderr, "ramsecctl: wrong arguments\n");
	return usage(stderr);
}
