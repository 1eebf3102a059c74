// SPDX-License-Identifier: MIT
/*
 * ramsecctl's password verbs.  An administrator's reset obeys the same
 * rules and history as any change; policyd does it (so a helpdesk that a
 * policy allows ramsec:ResetPassword needs no root): it checks the
 * password, hashes it, writes it with chpasswd(8) (the shadow suite's
 * locking) and records it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <termios.h>
#include <unistd.h>

#include "ctl.h"
#include "ramsec/pwrules.h"
#include "ramsec/secret.h"

int ctl_read_secret(const char *prompt, char *out, size_t len)
{
	struct termios old, quiet;
	bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
	size_t n;

	if (tty) {
		fprintf(stderr, "%s", prompt);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	if (!fgets(out, (int)len, stdin))
		out[0] = '\0';
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	n = strlen(out);
	if (n > 0 && out[n - 1] == '\n')
		out[--n] = '\0';
	else if (n == len - 1) {
		rs_secret_wipe(out, len);
		return -E2BIG;
	}
	return 0;
}

static int check(const struct ctl *c, const char *user, const char *pw, bool quiet)
{
	struct rs_msg req;
	int r = ctl_request(c, &req, RS_MSG_PASSWORD_CHECK, user);

	if (r != CTL_OK)
		return r;
	rs_msg_set_str(&req, RS_TAG_SERVICE, "ramsecctl");
	rs_msg_set_str(&req, RS_TAG_SECRET, pw);
	rs_msg_set_flags(&req, RS_FLAG_BY_ROOT);
	return ctl_call(c, &req, quiet);
}

int ctl_check_password(const struct ctl *c, const char *user)
{
	char pw[RS_SECRET_MAX + 2];
	int r;

	if (ctl_read_secret("Password to check: ", pw, sizeof(pw)) < 0) {
		fprintf(stderr, "ramsecctl: the password is longer than %d bytes\n", RS_SECRET_MAX);
		return CTL_REFUSED;
	}
	r = check(c, user, pw, true);
	rs_secret_wipe(pw, sizeof(pw));
	if (r == CTL_OK)
		printf("The password is acceptable for %s.\n", user);
	return r;
}

static int generate(const struct ctl *c, const char *user, char *out, size_t len)
{
	unsigned char rnd[512];
	int r;

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return -EIO;
	r = rs_pwrules_generate(&c->policy.password, user, rnd, sizeof(rnd), out, len);
	rs_secret_wipe(rnd, sizeof(rnd));
	return r;
}

int ctl_reset_password(const struct ctl *c, const char *user, bool gen)
{
	char pw[RS_SECRET_MAX + 2];
	struct rs_msg req;
	int r;

	r = gen ? generate(c, user, pw, sizeof(pw))
		: ctl_read_secret("New password: ", pw, sizeof(pw));
	if (r < 0) {
		fprintf(stderr, "ramsecctl: %s\n",
			gen ? "cannot generate a password" : "the password is too long");
		return CTL_REFUSED;
	}
	r = ctl_request(c, &req, RS_MSG_USER_RESET_PASSWORD, user);
	if (r == CTL_OK) {
		rs_msg_set_str(&req, RS_TAG_SECRET, pw);
		r = ctl_call(c, &req, false);
	}
	if (r == CTL_OK && gen)
		printf("New password for %s (shown once): %s\n", user, pw);
	rs_secret_wipe(pw, sizeof(pw));
	return r;
}
