// SPDX-License-Identifier: MIT
/* Arguments, config, the policyd call and break-glass: the glue that every
 * PAM group shares. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>
#include <security/pam_ext.h>

#include "module.h"
#include "ramsec/buf.h"
#include "common/client.h"
#include "common/config.h"
#include "ramsec/eval.h"
#include "ramsec/secret.h"

static int parse_args(struct pr_ctx *c, int argc, const char **argv)
{
	for (int i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "config=", 7) && argv[i][7] == '/')
			c->config = argv[i] + 7;
		else if (!strcmp(argv[i], "use_first_pass"))
			c->use_first_pass = true;
		else if (!strcmp(argv[i], "try_first_pass"))
			c->try_first_pass = true;
		else if (!strcmp(argv[i], "use_authtok"))
			c->use_authtok = true;
		else if (!strcmp(argv[i], "record"))
			c->record = true;
		else if (!strncmp(argv[i], "retry=", 6) && argv[i][6] >= '1' && argv[i][6] <= '9' &&
			 !argv[i][7])
			c->retry = argv[i][6] - '0';
		else {
			pam_syslog(c->pamh, LOG_ERR, "unknown or invalid option \"%.64s\"",
				   argv[i]);
			return PAM_SERVICE_ERR;
		}
	}
	return PAM_SUCCESS;
}

static const char *item(pam_handle_t *pamh, int type)
{
	const void *v = NULL;

	if (pam_get_item(pamh, type, &v) != PAM_SUCCESS)
		return NULL;
	return v;
}

int pr_ctx_init(struct pr_ctx *c, pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	char err[512];
	int r;

	memset(c, 0, sizeof(*c));
	c->pamh = pamh;
	c->flags = flags;
	c->config = RS_CONFIG_PATH;
	c->retry = 3;
	r = parse_args(c, argc, argv);
	if (r != PAM_SUCCESS)
		return r;
	r = pam_get_user(pamh, &c->user, NULL);
	if (r != PAM_SUCCESS)
		return r;
	if (!c->user)
		return PAM_USER_UNKNOWN;
	c->service = item(pamh, PAM_SERVICE);
	if (!c->service)
		c->service = "";
	c->rhost = item(pamh, PAM_RHOST);
	c->tty = item(pamh, PAM_TTY);
	if (rs_config_load(c->config, &c->policy, err, sizeof(err)) == 0) {
		c->config_ok = true;
	} else {
		pam_syslog(pamh, LOG_ERR, "cannot load the configuration: %s", err);
		rs_policy_init_defaults(&c->policy);
	}
	return PAM_SUCCESS;
}

void pr_request(const struct pr_ctx *c, struct rs_msg *req, uint8_t type)
{
	rs_msg_init(req, type, ((uint32_t)getpid() << 16) ^ (uint32_t)rs_now_ms());
	rs_msg_set_str(req, RS_TAG_USER, c->user);
	rs_msg_set_str(req, RS_TAG_SERVICE, c->service);
	if (c->rhost && c->rhost[0])
		rs_msg_set_str(req, RS_TAG_RHOST, c->rhost);
	if (c->tty && c->tty[0])
		rs_msg_set_str(req, RS_TAG_TTY, c->tty);
}

static bool break_glass(const struct pr_ctx *c);

int pr_call_body(const struct pr_ctx *c, const struct rs_msg *req, struct rs_msg *reply,
		 char **ret_body)
{
	const size_t cap = RS_PROTO_HEADER + RS_PROTO_MAX_PAYLOAD;
	uint8_t *buf;
	int r;

	if (ret_body)
		*ret_body = NULL;
	if (!c->config_ok)
		return -ENOTCONN;
	buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	r = rs_client_call(c->policy.policyd.socket, c->policy.pam.timeout_ms, 1, req, reply, buf,
			   cap);
	if (r == 0 && ret_body && reply->body_len) {
		*ret_body = strndup(reply->body, reply->body_len);
		if (!*ret_body)
			r = -ENOMEM;
	}
	reply->body = NULL;
	reply->body_len = 0;
	rs_secret_wipe(buf, cap);
	free(buf);
	/* policyd answers but cannot reach its store (the fleet's database
	 * is down): for a break-glass user at a console, as if it were down */
	if (r == 0 && reply->verdict == RS_V_ERROR && reply->reason == RS_R_STORE && break_glass(c))
		r = -EIO;
	if (r < 0)
		pam_syslog(c->pamh, LOG_ERR, "policyd at %s: %s", c->policy.policyd.socket,
			   rs_proto_strerror(r));
	return r;
}

int pr_call(const struct pr_ctx *c, const struct rs_msg *req, struct rs_msg *reply)
{
	return pr_call_body(c, req, reply, NULL);
}

/* True when PAM_TTY is a local console: the name and a character device. */
static bool on_console(const struct pr_ctx *c)
{
	char path[RS_TTY_MAX + 8];
	const char *name;
	struct stat st;

	if ((c->rhost && c->rhost[0]) || !rs_tty_is_console_name(c->tty))
		return false;
	name = strncmp(c->tty, "/dev/", 5) ? c->tty : c->tty + 5;
	snprintf(path, sizeof(path), "/dev/%s", name);
	return stat(path, &st) == 0 && S_ISCHR(st.st_mode);
}

/*
 * Notes a break-glass use beside policyd's database (policyd is down, so it
 * cannot be told; its report reads this).  Only into a directory that is
 * root's and writable by nobody else; never following a link.
 */
static void note_break_glass(const struct pr_ctx *c)
{
	char dir[RS_PATH_MAX], line[128];
	struct stat st;
	int dfd, fd, n;

	snprintf(dir, sizeof(dir), "%s", c->policy.policyd.database);
	dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return;
	if (fstat(dfd, &st) == 0 && st.st_uid == 0 && !(st.st_mode & 022)) {
		fd = openat(dfd, "break-glass.log",
			    O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0) {
			n = snprintf(line, sizeof(line), "%lld %.32s %.32s\n",
				     (long long)time(NULL), c->user, c->service);
			if (write(fd, line, (size_t)n) < 0) {
				/* the syslog line above is the record that counts */
			}
			close(fd);
		}
	}
	close(dfd);
}

static bool break_glass(const struct pr_ctx *c)
{
	return rs_name_list_contains(&c->policy.pam.break_glass_users, c->user) && on_console(c);
}

int pr_unavailable(const struct pr_ctx *c, int err, int deny_code)
{
	if (break_glass(c)) {
		pam_syslog(c->pamh, LOG_ALERT,
			   "break-glass: policyd unavailable (%s); %s on %s falls through to the "
			   "rest of the %s stack",
			   c->config_ok ? rs_proto_strerror(err) : "no valid configuration",
			   c->user, c->tty, c->service);
		note_break_glass(c);
		return PAM_IGNORE;
	}
	pr_error(c, "The logon policy service is unavailable; logon refused. "
		    "Contact your administrator.");
	return deny_code;
}

static void show(const struct pr_ctx *c, int style, const char *text)
{
	if (!(c->flags & PAM_SILENT) && text && text[0])
		pam_prompt(c->pamh, style, NULL, "%s", text);
}

void pr_error(const struct pr_ctx *c, const char *text)
{
	show(c, PAM_ERROR_MSG, text);
}

void pr_info(const struct pr_ctx *c, const char *text)
{
	show(c, PAM_TEXT_INFO, text);
}

int pr_prompt_secret(const struct pr_ctx *c, const char *prompt, char **ret)
{
	char *resp = NULL;
	int r;

	*ret = NULL;
	r = pam_prompt(c->pamh, PAM_PROMPT_ECHO_OFF, &resp, "%s", prompt);
	if (r != PAM_SUCCESS) {
		rs_secret_free_str(resp);
		return r == PAM_BUF_ERR ? r : PAM_CONV_ERR;
	}
	if (!resp)
		return PAM_CONV_ERR;
	*ret = resp;
	return PAM_SUCCESS;
}

#define DATA_PASSWORD_LOGON "ramsec_password_logon"

int pr_mark_password_logon(const struct pr_ctx *c, bool mfa)
{
	/* static: nothing to free */
	static const char password[] = "password", with_code[] = "password+code";

	return pam_set_data(c->pamh, DATA_PASSWORD_LOGON, (void *)(mfa ? with_code : password),
			    NULL);
}

uint32_t pr_logon_flags(const struct pr_ctx *c)
{
	const void *v = NULL;

	if (pam_get_data(c->pamh, DATA_PASSWORD_LOGON, &v) != PAM_SUCCESS || !v)
		return 0;
	return RS_FLAG_PASSWORD_LOGON | (strcmp(v, "password") ? RS_FLAG_MFA_PRESENT : 0);
}
