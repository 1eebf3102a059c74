// SPDX-License-Identifier: MIT
/*
 * pamdrive: runs PAM operations through the real libpam with a private
 * service directory, answering prompts from the command line, and prints
 * what a user would see and each result.
 *
 *   pamdrive --confdir DIR --service S --user U [--rhost R] [--tty T]
 *            [--resp TEXT]... [--resp-file FILE] [--env K=V]... OPS...
 *
 * OPS: auth, acct, open, close (sessions; --hold N sleeps N s after the
 * ops, keeping this process - the session's - alive), chauthtok, chauthtok-expired (PAM_CHANGE_EXPIRED_AUTHTOK,
 * as sshd and login do after PAM_NEW_AUTHTOK_REQD), exec:CMD (runs CMD between
 * two ops of one PAM transaction).  --ruid USER runs with
 * that real uid and effective uid 0, as a setuid passwd does.  Output lines: "prompt: TEXT", "error: TEXT",
 * "info: TEXT", "OP: PAM_CODE_NAME".  A --resp of "@NULL" answers with a
 * NULL response (Ctrl-D); with no answer left the conversation fails.
 * --resp "@exec:CMD" answers with CMD's output (CMD reads the messages so
 * far from the file named by --transcript, in $PAMDRIVE_TRANSCRIPT);
 * --no-info 1 makes the conversation fail on text it should show.
 * Exit status: 0 when every op returned PAM_SUCCESS, else 1.
 */
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <security/pam_appl.h>

struct answers {
	const char *resp[32];
	int n, next;
	bool no_info;		/* the conversation cannot show text */
	const char *transcript; /* every message is appended here */
};

/* A response "@exec:CMD" runs CMD with PAMDRIVE_TRANSCRIPT set and answers
 * with its first line of output. */
static char *answer(const struct answers *a, const char *resp)
{
	char line[1024] = "";
	FILE *p;

	if (strncmp(resp, "@exec:", 6))
		return strdup(resp);
	setenv("PAMDRIVE_TRANSCRIPT", a->transcript ? a->transcript : "/dev/null", 1);
	p = popen(resp + 6, "r");
	if (!p || !fgets(line, sizeof(line), p))
		line[0] = '\0';
	if (p)
		pclose(p);
	line[strcspn(line, "\n")] = '\0';
	return strdup(line);
}

static void record(const struct answers *a, const char *kind, const char *msg)
{
	FILE *f;

	printf("%s: %s\n", kind, msg);
	fflush(stdout);
	if (a->transcript && (f = fopen(a->transcript, "a"))) {
		fprintf(f, "%s: %s\n", kind, msg);
		fclose(f);
	}
}

static int conv(int n, const struct pam_message **msg, struct pam_response **resp, void *data)
{
	struct answers *a = data;
	struct pam_response *r = calloc((size_t)n, sizeof(*r));

	if (!r)
		return PAM_BUF_ERR;
	for (int i = 0; i < n; i++) {
		switch (msg[i]->msg_style) {
		case PAM_PROMPT_ECHO_OFF:
		case PAM_PROMPT_ECHO_ON:
			record(a, "prompt", msg[i]->msg);
			if (a->next >= a->n) {
				free(r);
				return PAM_CONV_ERR;
			}
			if (strcmp(a->resp[a->next], "@NULL"))
				r[i].resp = answer(a, a->resp[a->next]);
			a->next++;
			break;
		case PAM_ERROR_MSG:
			record(a, "error", msg[i]->msg);
			break;
		default:
			if (a->no_info) {
				free(r);
				return PAM_CONV_ERR;
			}
			record(a, "info", msg[i]->msg);
		}
	}
	fflush(stdout);
	*resp = r;
	return PAM_SUCCESS;
}

static const char *code(int r)
{
	switch (r) {
	case PAM_SUCCESS:
		return "PAM_SUCCESS";
	case PAM_AUTH_ERR:
		return "PAM_AUTH_ERR";
	case PAM_PERM_DENIED:
		return "PAM_PERM_DENIED";
	case PAM_USER_UNKNOWN:
		return "PAM_USER_UNKNOWN";
	case PAM_IGNORE:
		return "PAM_IGNORE";
	case PAM_SERVICE_ERR:
		return "PAM_SERVICE_ERR";
	case PAM_SYSTEM_ERR:
		return "PAM_SYSTEM_ERR";
	case PAM_CONV_ERR:
		return "PAM_CONV_ERR";
	case PAM_MAXTRIES:
		return "PAM_MAXTRIES";
	case PAM_NEW_AUTHTOK_REQD:
		return "PAM_NEW_AUTHTOK_REQD";
	case PAM_ACCT_EXPIRED:
		return "PAM_ACCT_EXPIRED";
	case PAM_AUTHINFO_UNAVAIL:
		return "PAM_AUTHINFO_UNAVAIL";
	case PAM_AUTHTOK_ERR:
		return "PAM_AUTHTOK_ERR";
	case PAM_SESSION_ERR:
		return "PAM_SESSION_ERR";
	case PAM_BUF_ERR:
		return "PAM_BUF_ERR";
	default:
		return "PAM_OTHER";
	}
}

static void no_delay(int status, unsigned delay, void *data)
{
	(void)status;
	(void)delay;
	(void)data;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n)
		n = 0;
	if (buf)
		buf[n] = '\0';
	fclose(f);
	return buf;
}

int main(int argc, char **argv)
{
	const char *confdir = NULL, *service = "ramsec-test", *user = NULL, *rhost = NULL,
		   *tty = NULL;
	struct answers a = {0};
	struct pam_conv pc = {conv, &a};
	pam_handle_t *pamh;
	int i, r, fail = 0, hold = 0;

	for (i = 1; i < argc && !strncmp(argv[i], "--", 2); i += 2) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v)
			return 2;
		if (!strcmp(argv[i], "--confdir"))
			confdir = v;
		else if (!strcmp(argv[i], "--service"))
			service = v;
		else if (!strcmp(argv[i], "--user"))
			user = strcmp(v, "@NULL") ? v : NULL;
		else if (!strcmp(argv[i], "--rhost"))
			rhost = v;
		else if (!strcmp(argv[i], "--tty"))
			tty = v;
		else if (!strcmp(argv[i], "--resp") && a.n < 32)
			a.resp[a.n++] = v;
		else if (!strcmp(argv[i], "--resp-file") && a.n < 32)
			a.resp[a.n++] = read_file(v);
		else if (!strcmp(argv[i], "--env"))
			continue; /* applied after pam_start */
		else if (!strcmp(argv[i], "--hold"))
			hold = atoi(v);
		else if (!strcmp(argv[i], "--transcript"))
			a.transcript = v;
		else if (!strcmp(argv[i], "--no-info") && !strcmp(v, "1"))
			a.no_info = true;
		else if (!strcmp(argv[i], "--ruid")) {
			struct passwd *pw = getpwnam(v);

			if (!pw || setresuid(pw->pw_uid, 0, 0) < 0)
				return 2;
		} else
			return 2;
	}
	r = pam_start_confdir(service, user, &pc, confdir, &pamh);
	if (r != PAM_SUCCESS) {
		printf("start: %s\n", code(r));
		return 1;
	}
	pam_set_item(pamh, PAM_FAIL_DELAY, (const void *)no_delay);
	if (rhost)
		pam_set_item(pamh, PAM_RHOST, rhost);
	if (tty)
		pam_set_item(pamh, PAM_TTY, tty);
	for (int j = 1; j + 1 < argc; j += 2)
		if (!strcmp(argv[j], "--env"))
			pam_putenv(pamh, argv[j + 1]);
	for (; i < argc; i++) {
		if (!strcmp(argv[i], "auth"))
			r = pam_authenticate(pamh, 0);
		else if (!strcmp(argv[i], "acct"))
			r = pam_acct_mgmt(pamh, 0);
		else if (!strcmp(argv[i], "chauthtok"))
			r = pam_chauthtok(pamh, 0);
		else if (!strcmp(argv[i], "chauthtok-expired"))
			r = pam_chauthtok(pamh, PAM_CHANGE_EXPIRED_AUTHTOK);
		else if (!strcmp(argv[i], "open"))
			r = pam_open_session(pamh, 0);
		else if (!strcmp(argv[i], "close"))
			r = pam_close_session(pamh, 0);
		else if (!strcmp(argv[i], "user")) { /* the PAM user now */
			const void *u = NULL;

			pam_get_item(pamh, PAM_USER, &u);
			printf("user: %s\n", u ? (const char *)u : "");
			continue;
		} else if (!strncmp(argv[i], "exec:", 5)) { /* between two ops */
			fflush(stdout);
			printf("exec: %d\n", system(argv[i] + 5));
			continue;
		} else
			return 2;
		printf("%s: %s\n", argv[i], code(r));
		fflush(stdout);
		fail |= r != PAM_SUCCESS;
	}
	if (hold > 0) /* keep the session's process alive, as sshd does */
		sleep((unsigned)hold);
	pam_end(pamh, r);
	return fail;
}
